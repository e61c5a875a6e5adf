//! The seed's policies on three VMs, checked with curl as an operator would.

use std::time::Duration;

use testbed::{SEED_VMS, seed_cluster, sweep_stale, unique_prefix, wait_for};

const POLICIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/policies");

fn policy(name: &str) -> String {
    format!("{POLICIES}/{name}")
}

/// Waits until `vm` knows an identity carrying `label`.
fn wait_for_label(vm: &testbed::Vm, label: &str) {
    wait_for(&format!("an identity with {label}"), Duration::from_secs(15), || {
        vm.cilium_json(&["identity", "list"]).is_ok_and(|v| {
            v.as_array().is_some_and(|ids| {
                ids.iter()
                    .any(|i| i["labels"].as_array().is_some_and(|l| l.iter().any(|x| x == label)))
            })
        })
    })
    .expect("labels propagate");
}

#[test]
fn seed_frontend_to_backend_with_runtime_labels() {
    sweep_stale();
    let mut tb = seed_cluster(&unique_prefix(), SEED_VMS, &[]).expect("cluster");
    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    // As the seed: label the VMs at runtime.
    vm1.run(&["cilium", "labels", "add", "app=frontend"]).expect("label vm1");
    vm2.run(&["cilium", "labels", "add", "app=backend"]).expect("label vm2");
    wait_for_label(&vm2, "node:app=frontend");
    tb.spawn("vm2", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.11"])
        .expect("server");
    wait_for("the server on vm2", Duration::from_secs(10), || {
        vm2.http_ok("http://192.168.1.11:8080/")
    })
    .expect("server up");
    assert!(vm3.http_ok("http://192.168.1.11:8080/"), "no policy yet: vm3 reaches vm2");

    let out = vm2
        .run(&["cilium", "policy", "apply", &policy("frontend-to-backend.yaml")])
        .expect("apply");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Revision: "));
    assert!(vm1.http_ok("http://192.168.1.11:8080/"), "frontend reaches backend:8080");
    assert!(!vm3.http_ok("http://192.168.1.11:8080/"), "the third VM is denied");
    let ep = vm2.cilium_json(&["endpoint", "list"]).expect("endpoints");
    assert_eq!(ep[0]["status"]["policy"]["realized"]["policy-enabled"], "ingress");

    // The drop is counted by reason.
    let metrics = vm2.cilium_json(&["bpf", "metrics", "list"]).expect("metrics");
    assert!(
        metrics.as_array().is_some_and(|m| m.iter().any(|r| r["reason"] == "Policy denied"
            && r["direction"] == "INGRESS"
            && r["packets"].as_u64() > Some(0))),
        "{metrics}"
    );

    // Labels survive a restart of the agent, and so does the policy.
    tb.kill_agent("vm2");
    assert!(!vm3.http_ok("http://192.168.1.11:8080/"), "enforcement stays while the agent is down");
    tb.restart_agent("vm2").expect("restart");
    let labels = vm2.run(&["cilium", "labels", "list"]).expect("labels");
    assert!(String::from_utf8_lossy(&labels.stdout).contains("node:app=backend"));
    // The tunnel comes back from the saved registry; give the handshake a moment.
    wait_for("vm1 to reach vm2 again", Duration::from_secs(10), || {
        vm1.http_ok("http://192.168.1.11:8080/")
    })
    .expect("back");
    assert!(!vm3.http_ok("http://192.168.1.11:8080/"));
}

#[test]
fn seed_allow_ssh_and_web_and_deny_over_allow() {
    sweep_stale();
    // vm4 is inside 192.168.1.0/24 but not a cluster member (no agent, not in `nodes:`).
    let vms = [SEED_VMS[0], SEED_VMS[1], ("vm4", "192.168.1.20/24")];
    let mut tb =
        testbed::seed_cluster_with(&unique_prefix(), &vms, &["vm1", "vm2"], &[]).expect("cluster");
    let (vm1, vm2, vm4) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm4").clone());
    for port in ["22", "80", "8080"] {
        tb.spawn("vm1", &["python3", "-m", "http.server", port, "--bind", "192.168.1.10"])
            .expect("server");
    }
    // Every server must listen before the policy goes in: a port not yet bound answers with a
    // reset, which would read as a policy drop.
    wait_for("servers on vm1", Duration::from_secs(10), || {
        ["22", "80", "8080"].iter().all(|p| vm1.http_ok(&format!("http://192.168.1.10:{p}/")))
    })
    .expect("up");
    vm1.run(&["cilium", "policy", "apply", &policy("allow-ssh-and-web.yaml")]).expect("apply");
    // SSH only from the cluster; the web from the CIDR.
    assert!(vm2.http_ok("http://192.168.1.10:22/"), "SSH port from a cluster VM");
    assert!(!vm4.http_ok("http://192.168.1.10:22/"), "SSH port from outside the cluster");
    assert!(vm4.http_ok("http://192.168.1.10:80/"), "web from the CIDR");
    assert!(vm2.http_ok("http://192.168.1.10:80/"), "web from a cluster VM inside the CIDR");
    assert!(!vm4.http_ok("http://192.168.1.10:8080/"), "anything else is denied");
    assert!(!vm2.http_ok("http://192.168.1.10:8080/"));

    // A deny rule wins over the allow.
    let deny = tb
        .helper_file(
            "deny-web-from-vm2.yaml",
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: deny-web-from-vm2\nspec:\n  endpointSelector: {}\n  ingressDeny:\n    - fromEndpoints: [{matchLabels: {node: vm2}}]\n      toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n",
        )
        .expect("file");
    vm1.run(&["cilium", "policy", "apply", deny.to_str().expect("utf-8")]).expect("apply deny");
    assert!(!vm2.http_ok("http://192.168.1.10:80/"), "deny beats the CIDR allow");
    assert!(vm4.http_ok("http://192.168.1.10:80/"), "others keep the web");
    assert!(vm2.http_ok("http://192.168.1.10:22/"), "and vm2 keeps SSH");

    // A broken file changes nothing and says where it is broken.
    let before = vm1.cilium_json(&["policy", "get"]).expect("policy")["revision"].clone();
    let broken = tb
        .helper_file("broken.yaml", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: broken\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEndpoints: [{}]\n      toPorts: [{ports: [{port: \"http2\"}]}]\n")
        .expect("file");
    let out =
        vm1.exec(&["cilium", "policy", "apply", broken.to_str().expect("utf-8")]).expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.yaml:9:") && err.contains("spec.ingress[0].toPorts[0].ports[0].port"),
        "{err}"
    );
    assert_eq!(
        vm1.cilium_json(&["policy", "get"]).expect("policy")["revision"],
        before,
        "nothing changed"
    );
}

#[test]
fn audit_mode_lets_denied_traffic_pass_and_records_it() {
    sweep_stale();
    let mut tb = seed_cluster(
        &unique_prefix(),
        SEED_VMS,
        &[("vm1", &[("app", "frontend")]), ("vm2", &[("app", "backend")])],
    )
    .expect("cluster");
    let (vm2, vm3) = (tb.vm("vm2").clone(), tb.vm("vm3").clone());
    tb.spawn("vm2", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.11"])
        .expect("server");
    wait_for("the server", Duration::from_secs(10), || vm2.http_ok("http://192.168.1.11:8080/"))
        .expect("up");
    vm2.run(&["cilium", "policy", "apply", &policy("frontend-to-backend.yaml")]).expect("apply");
    assert!(!vm3.http_ok("http://192.168.1.11:8080/"));

    vm2.run(&["cilium", "config", "set", "PolicyAuditMode", "true"]).expect("audit on");
    let mut monitor = vm2
        .command(&["cilium", "monitor", "-j", "-t", "policy-verdict"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("monitor");
    // The monitor must be subscribed before the traffic: retry until a verdict shows up.
    let reader = std::thread::spawn({
        let stdout = monitor.stdout.take().expect("stdout");
        move || {
            use std::io::BufRead;
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .find(|l| l.contains("\"dport\":8080") && l.contains("192.168.1.12"))
        }
    });
    wait_for("an audited connection", Duration::from_secs(10), || {
        vm3.http_ok("http://192.168.1.11:8080/")
    })
    .expect("audit lets it pass");
    let line = reader.join().expect("reader").expect("a policy verdict for the audited connection");
    let _ = monitor.kill();
    let _ = monitor.wait();
    let v: serde_json::Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["verdict"], 4, "AUDIT: {line}");
    // The agent names the interface, as cilium-dbg monitor prints it: the tunnel's, which the
    // cluster's traffic arrives on.
    assert_eq!(v["ifname"], "cilium_wg0", "{line}");
    let ep = vm2.cilium_json(&["endpoint", "list"]).expect("endpoints");
    assert_eq!(ep[0]["status"]["policy"]["realized"]["policy-enabled"], "ingress");
}

#[test]
fn lockout_guard_refuses_closing_an_open_ssh_session() {
    sweep_stale();
    let mut tb = seed_cluster(&unique_prefix(), &SEED_VMS[..2], &[]).expect("cluster");
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    // An "SSH server" on vm1:22 that echoes, and a session from vm2 that stays open.
    let echo = tb.helper_file("echo.py", testbed::ECHO_SERVER).expect("file");
    let client = tb.helper_file("session.py", testbed::SESSION_CLIENT).expect("file");
    let (echo, client) =
        (echo.to_str().expect("utf-8").to_string(), client.to_str().expect("utf-8").to_string());
    tb.spawn("vm1", &["python3", &echo, "192.168.1.10", "22"]).expect("server");
    wait_for("the ssh port", Duration::from_secs(10), || {
        vm2.exec(&[
            "python3",
            "-c",
            "import socket; socket.create_connection(('192.168.1.10', 22), 1).close()",
        ])
        .is_ok_and(|o| o.status.success())
    })
    .expect("up");
    let ctl = tb.helper_file("ctl", "").expect("file");
    let ctl = ctl.to_str().expect("utf-8").to_string();
    tb.spawn("vm2", &["python3", &client, "192.168.1.10", "22", &ctl]).expect("session");
    wait_for("the session to be established", Duration::from_secs(10), || {
        std::fs::read_to_string(&ctl).is_ok_and(|s| s.contains("pong 0"))
    })
    .expect("session");

    let lock = tb
        .helper_file("web-only.yaml", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web-only\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n")
        .expect("file");
    let lock = lock.to_str().expect("utf-8");
    let out = vm1.exec(&["cilium", "policy", "apply", lock]).expect("run");
    assert!(!out.status.success(), "refused without --force");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("192.168.1.11") && err.contains("SSH"), "{err}");
    assert!(
        vm1.cilium_json(&["endpoint", "list"]).expect("ep")[0]["status"]["policy"]["realized"]["policy-enabled"]
            == "none"
    );

    vm1.run(&["cilium", "policy", "apply", "--force", lock]).expect("forced");
    // The open session survives; a new one is refused.
    let seen = std::fs::read_to_string(&ctl).unwrap_or_default().lines().count();
    wait_for("the session to keep talking", Duration::from_secs(10), || {
        std::fs::read_to_string(&ctl).is_ok_and(|s| s.lines().count() > seen + 2)
    })
    .expect("session survives");
    let new = vm2
        .exec(&[
            "python3",
            "-c",
            "import socket; socket.create_connection(('192.168.1.10', 22), 1).close()",
        ])
        .expect("run");
    assert!(!new.status.success(), "new SSH connections are denied");
}

#[test]
fn policy_dir_is_loaded_and_watched() {
    sweep_stale();
    let mut tb =
        testbed::Testbed::create(&unique_prefix(), &SEED_VMS[..2], testbed::built_binaries())
            .expect("testbed");
    tb.share_secret(testbed::TEST_SECRET).expect("secret");
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    let web_only = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web-only\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n";
    vm1.write_file("/etc/cilium/policies/web-only.yaml", web_only).expect("policy file");
    let nodes = ["192.168.1.10", "192.168.1.11"];
    let mut c1 = testbed::seed_config("vm1", &nodes, &[]);
    c1.push_str("policyDir: /etc/cilium/policies\n");
    tb.start_agent("vm1", &c1).expect("vm1");
    tb.start_agent("vm2", &testbed::seed_config("vm2", &nodes, &[])).expect("vm2");
    for port in ["80", "8080"] {
        tb.spawn("vm1", &["python3", "-m", "http.server", port, "--bind", "192.168.1.10"])
            .expect("server");
    }
    wait_for("the web port through the tunnel", Duration::from_secs(20), || {
        vm2.http_ok("http://192.168.1.10:80/")
    })
    .expect("80 open");
    assert!(
        !vm2.http_ok("http://192.168.1.10:8080/"),
        "the policy from the directory is enforced at start"
    );
    let p = vm1.cilium_json(&["policy", "get"]).expect("policy");
    assert!(p["policy"].as_str().is_some_and(|t| t.contains("web-only")));
    // The file goes away: so does its policy.
    vm1.run(&["rm", "/etc/cilium/policies/web-only.yaml"]).expect("rm");
    wait_for("the policy to be removed", Duration::from_secs(15), || {
        vm2.http_ok("http://192.168.1.10:8080/")
    })
    .expect("removed");
    let nodes = vm1.cilium_json(&["node", "list"]).expect("nodes");
    assert_eq!(nodes.as_array().map(Vec::len), Some(2), "cilium-dbg's list: {nodes}");
}

#[test]
fn connections_and_denials_hold_across_an_agent_crash() {
    sweep_stale();
    // The datapath's promise: pinned programs and maps keep enforcing, and conntrack keeps
    // open connections, while the agent is gone. (Without encryption: the userspace WireGuard
    // backend lives in the agent, so its tunnels fail closed while it is down.)
    let mut tb =
        testbed::Testbed::create(&unique_prefix(), &SEED_VMS[..2], testbed::built_binaries())
            .expect("testbed");
    tb.share_secret(testbed::TEST_SECRET).expect("secret");
    let nodes = ["192.168.1.10", "192.168.1.11"];
    for vm in ["vm1", "vm2"] {
        let c = testbed::seed_config(vm, &nodes, &[])
            .replace("encryption:\n  enabled: true", "encryption:\n  enabled: false");
        tb.start_agent(vm, &c).expect("agent");
    }
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    let echo = tb
        .helper_file("echo.py", testbed::ECHO_SERVER)
        .expect("file")
        .to_str()
        .expect("utf-8")
        .to_string();
    let session = tb
        .helper_file("session.py", testbed::SESSION_CLIENT)
        .expect("file")
        .to_str()
        .expect("utf-8")
        .to_string();
    let log = tb.helper_file("log", "").expect("file").to_str().expect("utf-8").to_string();
    tb.spawn("vm1", &["python3", &echo, "192.168.1.10", "9000"]).expect("echo");
    tb.spawn("vm1", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.10"])
        .expect("web");
    let allow = tb
        .helper_file("allow-9000.yaml", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-9000\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEntities: [cluster]\n      toPorts: [{ports: [{port: \"9000\", protocol: TCP}]}]\n")
        .expect("file");
    vm1.run(&["cilium", "policy", "apply", allow.to_str().expect("utf-8")]).expect("apply");
    wait_for("the echo port", Duration::from_secs(20), || {
        vm2.exec(&[
            "python3",
            "-c",
            "import socket; socket.create_connection(('192.168.1.10', 9000), 1).close()",
        ])
        .is_ok_and(|o| o.status.success())
    })
    .expect("up");
    tb.spawn("vm2", &["python3", &session, "192.168.1.10", "9000", &log]).expect("session");
    let count = || std::fs::read_to_string(&log).map(|s| s.lines().count()).unwrap_or(0);
    wait_for("the session", Duration::from_secs(10), || count() > 5).expect("session");
    assert!(!vm2.http_ok("http://192.168.1.10:8080/"));

    tb.kill_agent("vm1");
    let before = count();
    wait_for("the session to go on without the agent", Duration::from_secs(10), || {
        count() > before + 5
    })
    .expect("survives");
    assert!(!vm2.http_ok("http://192.168.1.10:8080/"), "denied while the agent is down");
    tb.restart_agent("vm1").expect("restart");
    assert!(!vm2.http_ok("http://192.168.1.10:8080/"), "denied right after the restart");
    let before = count();
    wait_for("the session to go on after the restart", Duration::from_secs(15), || {
        count() > before + 5
    })
    .expect("survives");
    let maps = vm1.cilium_json(&["map", "list"]).expect("maps");
    assert!(maps["maps"].as_array().is_some_and(|m| m.len() == 9), "{maps}");
}
