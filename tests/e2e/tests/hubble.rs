//! Hubble on the netns VMs: allowed, denied and audited connections as `hubble observe` shows
//! them, with the seed's `--type trace-audit`, filters, `--follow` and JSON that round-trips.

use std::io::BufRead;
use std::time::Duration;

use agent_core::hubble::proto::observer::GetFlowsResponse;
use testbed::{SEED_VMS, seed_cluster, sweep_stale, unique_prefix, wait_for};

const POLICY: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/policies/frontend-to-backend.yaml");

fn lines(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

fn json_lines(vm: &testbed::Vm, args: &[&str]) -> Vec<serde_json::Value> {
    let mut argv = vec!["hubble", "observe"];
    argv.extend_from_slice(args);
    argv.extend_from_slice(&["-o", "json"]);
    let out = vm.run(&argv).expect("hubble observe");
    lines(&out)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn allowed_denied_and_audited_flows() {
    sweep_stale();
    let mut tb = seed_cluster(
        &unique_prefix(),
        SEED_VMS,
        &[("vm1", &[("app", "frontend")]), ("vm2", &[("app", "backend")])],
    )
    .expect("cluster");
    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    tb.spawn("vm2", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.11"])
        .expect("server");
    wait_for("the server", Duration::from_secs(10), || vm2.http_ok("http://192.168.1.11:8080/"))
        .expect("up");
    vm2.run(&["cilium", "policy", "apply", POLICY]).expect("apply");
    assert!(vm1.http_ok("http://192.168.1.11:8080/"), "frontend allowed");
    assert!(!vm3.http_ok("http://192.168.1.11:8080/"), "vm3 denied");

    // Allowed: the seed's example line, 192.168.1.10:<port> -> 192.168.1.11:8080 FORWARDED.
    let flows = json_lines(&vm2, &["--last", "1000", "--to-port", "8080"]);
    let allowed = flows.iter().rev().find(|f| {
        f["flow"]["IP"]["source"] == "192.168.1.10"
            && f["flow"]["verdict"] == "FORWARDED"
            && f["flow"]["event_type"]["type"] == 5
    });
    let allowed = allowed.unwrap_or_else(|| panic!("an allowed policy verdict: {flows:#?}"));
    assert_eq!(allowed["flow"]["l4"]["TCP"]["destination_port"], 8080);
    assert_eq!(allowed["flow"]["traffic_direction"], "INGRESS");
    assert_eq!(allowed["flow"]["destination"]["identity"], 1, "the host");
    assert_eq!(allowed["flow"]["node_name"], "vm-cluster/vm2");
    assert_eq!(allowed["node_name"], "vm-cluster/vm2");
    assert_eq!(allowed["flow"]["Summary"], "TCP Flags: SYN");
    assert!(
        allowed["flow"]["source"]["labels"]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x == "node:app=frontend")),
        "source identity carries vm1's labels: {allowed}\nidentities: {}\nnodes: {}\nlog: {}",
        vm2.cilium_json(&["identity", "list"]).map(|v| v.to_string()).unwrap_or_default(),
        vm2.cilium_json(&["node", "list"]).map(|v| v.to_string()).unwrap_or_default(),
        tb.agent_log("vm2"),
    );
    // Denied.
    let drops =
        json_lines(&vm2, &["--last", "1000", "--verdict", "DROPPED", "--from-ip", "192.168.1.12"]);
    assert!(!drops.is_empty(), "vm3's SYNs are dropped");
    for d in &drops {
        assert_eq!(d["flow"]["verdict"], "DROPPED");
        assert_eq!(d["flow"]["IP"]["source"], "192.168.1.12");
        assert_eq!(d["flow"]["drop_reason_desc"], "POLICY_DENIED");
        assert_eq!(d["flow"]["drop_reason"], 133);
    }
    // Compact output, as an operator reads it.
    let out = vm2
        .run(&[
            "hubble",
            "observe",
            "--last",
            "1000",
            "--from-ip",
            "192.168.1.10",
            "--to-port",
            "8080",
        ])
        .expect("compact");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.contains(": 192.168.1.10:")
            && l.contains(
                " -> 192.168.1.11:8080 (host) policy-verdict:L3-L4 INGRESS ALLOWED (TCP Flags: SYN)"
            )),
        "{text}"
    );

    // The seed's example shape: `192.168.1.10:54321 -> 192.168.1.11:8080 ... FORWARDED`, the
    // traced packets of the allowed connection.
    let out = vm2
        .run(&[
            "hubble",
            "observe",
            "--last",
            "1000",
            "--type",
            "trace",
            "--from-ip",
            "192.168.1.10",
            "--to-port",
            "8080",
        ])
        .expect("compact traces");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.contains(": 192.168.1.10:")
            && l.contains(" -> 192.168.1.11:8080 (host) ")
            && l.contains(" FORWARDED (TCP Flags: SYN)")),
        "{text}"
    );

    // `--follow` streams flows as they happen: a live tail of vm3's traffic (no --last, so
    // nothing recorded before it subscribed can satisfy it).
    let mut follow = vm2
        .command(&["hubble", "observe", "--follow", "--from-ip", "192.168.1.12", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("follow");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stdout = follow.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                return;
            }
        }
    });
    // Until the stream is live, vm3's denied attempts are what it shows.
    let mut live = false;
    for _ in 0..20 {
        assert!(!vm3.http_ok("http://192.168.1.11:8080/"), "still denied");
        let wait = std::time::Instant::now() + Duration::from_secs(1);
        while let Some(left) = wait.checked_duration_since(std::time::Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(l) if l.contains("\"DROPPED\"") => live = true,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        if live {
            break;
        }
    }
    assert!(live, "--follow streamed vm3's denied attempt as it happened");
    // Switch audit on and let vm3 through: the audited verdict arrives on the same stream.
    vm2.run(&["cilium", "config", "set", "PolicyAuditMode", "true"]).expect("audit on");
    wait_for("an audited connection", Duration::from_secs(10), || {
        vm3.http_ok("http://192.168.1.11:8080/")
    })
    .expect("audit lets it pass");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut line = None;
    while line.is_none() && std::time::Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(500))
            && l.contains("\"AUDIT\"")
        {
            line = Some(l);
        }
    }
    let _ = follow.kill();
    let _ = follow.wait();
    let line = line.expect("--follow streamed the audited flow");
    let v: serde_json::Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["flow"]["verdict"], "AUDIT", "{line}");
    assert_eq!(v["flow"]["event_type"]["type"], 5, "a policy verdict: {line}");

    // `--type trace-audit` shows exactly the audited flows.
    let audited = json_lines(&vm2, &["--last", "1000", "--type", "trace-audit"]);
    assert!(!audited.is_empty());
    assert!(audited.iter().all(|f| f["flow"]["verdict"] == "AUDIT"), "{audited:#?}");
    let all = json_lines(&vm2, &["--all"]);
    let n_audit = all.iter().filter(|f| f["flow"]["verdict"] == "AUDIT").count();
    assert_eq!(audited.len(), n_audit, "no audited flow is missing");

    // JSON lines parse into the proto types and print back identically.
    let out = vm2.run(&["hubble", "observe", "--last", "50", "-o", "json"]).expect("json");
    for l in lines(&out) {
        let msg: GetFlowsResponse = serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}"));
        let again = serde_json::to_value(&msg).expect("serialize");
        let orig: serde_json::Value = serde_json::from_str(&l).expect("json");
        assert_eq!(again, orig);
    }

    // Metrics count the flows by type and verdict.
    let metrics = vm2.run(&["curl", "-s", "http://127.0.0.1:9962/metrics"]).expect("metrics");
    let text = String::from_utf8_lossy(&metrics.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("hubble_flows_processed_total{")
            && l.contains("type=\"Drop\"")
            && l.contains("verdict=\"DROPPED\"")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("hubble_flows_processed_total{")
                && l.contains("verdict=\"AUDIT\""))
    );

    // The status and node list reach the other VMs' agents.
    let out = vm2.run(&["hubble", "list", "nodes"]).expect("nodes");
    let text = String::from_utf8_lossy(&out.stdout);
    for n in ["vm-cluster/vm1", "vm-cluster/vm2", "vm-cluster/vm3"] {
        assert!(text.contains(n), "{text}");
    }
    let out =
        vm1.run(&["hubble", "status", "--server", "192.168.1.11:4244"]).expect("remote status");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Current/Max Flows:"));

    // The datapath's debug messages, which Cilium's `Debug` option turns on, in Cilium's words.
    let quiet = vm2.run(&["hubble", "observe", "debug-events", "--all"]).expect("debug events");
    assert_eq!(String::from_utf8_lossy(&quiet.stdout), "", "nothing while debug is off");
    vm2.run(&["cilium", "config", "Debug=true"]).expect("debug on");
    let mut text = String::new();
    wait_for("debug messages of vm1's connection", Duration::from_secs(20), || {
        vm1.http_ok("http://192.168.1.11:8080/");
        let out = vm2
            .run(&["hubble", "observe", "debug-events", "--last", "4096", "--print-node-name"])
            .expect("debug events");
        text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines().any(|l| {
            l.contains(" [vm-cluster/vm2]: reserved:host (ID: 1) DBG_CT_LOOKUP4_1 MARK: 0x")
                && l.contains("(Conntrack lookup 1/2: src=192.168.1.10:")
                && l.ends_with(" dst=192.168.1.11:8080)")
        }) && text.contains("(Successfully mapped addr=192.168.1.10 to identity=")
    })
    .unwrap_or_else(|e| panic!("{e}: {text}"));
    vm2.run(&["cilium", "config", "Debug=false"]).expect("debug off");
}

#[test]
fn plaintext_hubble_port_refuses_machines_outside_the_cluster() {
    sweep_stale();
    // vm4 is on the same network but no cluster member.
    let vms = [SEED_VMS[0], SEED_VMS[1], ("vm4", "192.168.1.20/24")];
    let tb =
        testbed::seed_cluster_with(&unique_prefix(), &vms, &["vm1", "vm2"], &[]).expect("cluster");
    let (vm2, vm4) = (tb.vm("vm2").clone(), tb.vm("vm4").clone());
    let status = |vm: &testbed::Vm| {
        vm.exec(&["hubble", "status", "--server", "192.168.1.10:4244", "--timeout", "5s"])
            .expect("run hubble")
    };
    let member = status(&vm2);
    assert!(
        member.status.success(),
        "a cluster node reads flows: {}",
        String::from_utf8_lossy(&member.stderr)
    );
    let stranger = status(&vm4);
    assert!(!stranger.status.success(), "a machine outside the cluster gets nothing");
    wait_for("the refusal in vm1's log", Duration::from_secs(5), || {
        tb.agent_log("vm1").contains("refused a Hubble connection")
    })
    .expect("logged");
    // Local users have the unix socket, whose group decides: the TCP port is not theirs.
    let vm1 = tb.vm("vm1").clone();
    for own in ["127.0.0.1:4244", "192.168.1.10:4244"] {
        let out = vm1
            .exec(&["hubble", "status", "--server", own, "--timeout", "5s"])
            .expect("run hubble");
        assert!(!out.status.success(), "a local user through {own}");
    }
    let out = tb.vm("vm1").run(&["cilium", "status"]).expect("status");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("without TLS, the other cluster nodes only"), "{text}");
}

/// The Peer service, as `hubble watch peers` (and Relay) see it: every node at once, this
/// one included, then a VM that joins later.
#[test]
fn hubble_watch_peers_follows_the_cluster() {
    sweep_stale();
    let mut tb = testbed::seed_cluster_with(&unique_prefix(), SEED_VMS, &["vm1", "vm2"], &[])
        .expect("cluster");
    let vm1 = tb.vm("vm1").clone();
    tb.spawn("vm1", &["sh", "-c", "exec hubble watch peers > /var/run/cilium/peers.txt"])
        .expect("watch");
    let seen = |vm: &testbed::Vm| {
        let out = vm.exec(&["cat", "/var/run/cilium/peers.txt"]).expect("cat");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let has = |text: &str, ip: &str, name: &str| {
        text.lines().any(|l| l == format!("PEER_ADDED   {ip}:4244 vm-cluster/{name}"))
    };
    wait_for("both nodes as PEER_ADDED", Duration::from_secs(10), || {
        let s = seen(&vm1);
        has(&s, "192.168.1.10", "vm1") && has(&s, "192.168.1.11", "vm2")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{}", seen(&vm1)));

    let all = ["192.168.1.10", "192.168.1.11", "192.168.1.12"];
    tb.start_agent("vm3", &testbed::seed_config("vm3", &all, &[])).expect("vm3");
    wait_for("vm3 to join the watch", Duration::from_secs(20), || {
        has(&seen(&vm1), "192.168.1.12", "vm3")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{}", seen(&vm1)));
    assert!(!seen(&vm1).contains("PEER_DELETED"), "{}", seen(&vm1));
}

/// Hubble Relay on vm1: `hubble observe`, `status` and `list nodes` through it see every VM,
/// filters hold across nodes, a node that goes away is named unavailable, and the relay's port
/// is as closed to machines outside the cluster as the nodes' own.
#[test]
fn hubble_relay_serves_the_whole_cluster() {
    sweep_stale();
    let vms = [SEED_VMS[0], SEED_VMS[1], SEED_VMS[2], ("vm4", "192.168.1.20/24")];
    let relay_on_vm1 = |vm: &str, config: String| {
        if vm != "vm1" {
            return config;
        }
        config.replace(
            "hubble:\n  enabled: true\n",
            "hubble:\n  enabled: true\n  relay:\n    enabled: true\n",
        )
    };
    let mut tb = testbed::seed_cluster_configured(
        &unique_prefix(),
        &vms,
        &["vm1", "vm2", "vm3"],
        &[],
        &relay_on_vm1,
    )
    .expect("cluster");
    let (vm1, vm2, vm3, vm4) =
        (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone(), tb.vm("vm4").clone());
    tb.spawn("vm3", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.12"])
        .expect("server");
    wait_for("the server", Duration::from_secs(10), || vm3.http_ok("http://192.168.1.12:8080/"))
        .expect("up");
    const RELAY: &str = "192.168.1.10:4245";
    let status = |vm: &testbed::Vm, server: &str| {
        let out =
            vm.exec(&["hubble", "status", "--server", server, "--timeout", "5s"]).expect("run");
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    wait_for("the relay to reach all three nodes", Duration::from_secs(20), || {
        status(&vm2, RELAY).1.contains("Connected Nodes: 3/3")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{:?}\n{}", status(&vm2, RELAY), tb.agent_log("vm1")));

    // Every VM's flows, through one server: vm3 saw vm2's request; the others their own traffic.
    assert!(vm2.http_ok("http://192.168.1.12:8080/"));
    let from_nodes = |flows: &[serde_json::Value]| {
        let mut n: Vec<String> = flows
            .iter()
            .filter_map(|f| f["flow"]["node_name"].as_str().map(str::to_string))
            .collect();
        n.sort();
        n.dedup();
        n
    };
    let mut flows = Vec::new();
    wait_for("flows of all three nodes through the relay", Duration::from_secs(20), || {
        flows = json_lines(&vm2, &["--server", RELAY, "--last", "200"]);
        from_nodes(&flows).len() == 3
    })
    .unwrap_or_else(|e| panic!("{e:#}: {:?}", from_nodes(&flows)));
    // Filters hold across nodes: only the request to vm3's port 8080, seen leaving vm2 and
    // arriving at vm3.
    let to_8080 = json_lines(&vm2, &["--server", RELAY, "--last", "200", "--to-port", "8080"]);
    assert!(!to_8080.is_empty(), "the request to 8080");
    assert!(
        to_8080.iter().all(|f| f["flow"]["l4"]["TCP"]["destination_port"] == 8080),
        "{to_8080:#?}"
    );
    assert_eq!(from_nodes(&to_8080), ["vm-cluster/vm2", "vm-cluster/vm3"]);
    // The relay's own socket, for users of vm1 (its TCP port, like the node's, is not theirs).
    let (ok, text) = status(&vm1, "unix:///var/run/cilium/hubble-relay.sock");
    assert!(ok && text.contains("Connected Nodes: 3/3"), "{text}");
    let out = vm2.run(&["hubble", "list", "nodes", "--server", RELAY]).expect("list nodes");
    let text = String::from_utf8_lossy(&out.stdout);
    for n in ["vm1", "vm2", "vm3"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("vm-cluster/{n} ")) && l.contains("Connected")),
            "{n} in:\n{text}"
        );
    }
    let cilium = vm1.run(&["cilium", "status"]).expect("status");
    let cilium = String::from_utf8_lossy(&cilium.stdout);
    assert!(cilium.contains("Relay :4245: 3/3 nodes connected"), "{cilium}");

    // Outside the cluster, the relay's port answers no more than the node's.
    let (ok, _) = status(&vm4, RELAY);
    assert!(!ok, "a machine outside the cluster reads nothing through the relay");

    // A node that goes away is named, and the others go on.
    tb.kill_agent("vm3");
    wait_for("the relay to notice vm3 gone", Duration::from_secs(30), || {
        let (_, text) = status(&vm2, RELAY);
        text.contains("Connected Nodes: 2/3") && text.contains("vm-cluster/vm3")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{:?}", status(&vm2, RELAY)));
    let out = vm2.exec(&["hubble", "observe", "--server", RELAY, "--last", "5"]).expect("observe");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("vm-cluster/vm3"), "an unavailable node is reported: {stderr}");
}

/// With mutual TLS on every node's Hubble listener, the relay dials them with its client
/// certificate, checks their names (`<node>.<cluster>.hubble-grpc.cilium.io`), and serves its
/// own port with the same TLS: clients without a certificate get nothing.
#[test]
fn hubble_relay_with_mutual_tls() {
    sweep_stale();
    let prefix = unique_prefix();
    let dir = std::env::temp_dir().join(format!("{prefix}-pki"));
    std::fs::create_dir_all(&dir).expect("pki dir");
    let _cleanup = RemoveOnDrop(dir.clone());
    testbed::pki::new_ca(&dir, "ca");
    for (vm, ip) in [("vm1", "192.168.1.10"), ("vm2", "192.168.1.11")] {
        let ext = format!(
            "subjectAltName=DNS:{vm}.vm-cluster.hubble-grpc.cilium.io,IP:{ip}\n\
             basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        );
        testbed::pki::issue(&dir, "ca", vm, &ext);
    }
    testbed::pki::issue(
        &dir,
        "ca",
        "relay",
        "subjectAltName=DNS:vm1.hubble-relay.cilium.io\nbasicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    );
    let f = |n: &str| dir.join(n).to_str().expect("utf-8").to_string();
    let tls = |vm: &str, config: String| {
        let mut hubble = format!(
            "hubble:\n  enabled: true\n  tls:\n    certFile: {}\n    keyFile: {}\n    clientCAFiles: [{}]\n",
            f(&format!("{vm}.crt")),
            f(&format!("{vm}.key")),
            f("ca.crt")
        );
        if vm == "vm1" {
            hubble.push_str(&format!(
                "  relay:\n    enabled: true\n    tls:\n      serverCAFiles: [{}]\n      client:\n        certFile: {}\n        keyFile: {}\n",
                f("ca.crt"),
                f("relay.crt"),
                f("relay.key")
            ));
        }
        config.replace("hubble:\n  enabled: true\n", &hubble)
    };
    let tb = testbed::seed_cluster_configured(&prefix, &SEED_VMS[..2], &["vm1", "vm2"], &[], &tls)
        .expect("cluster");
    let vm2 = tb.vm("vm2").clone();
    let with_cert = [
        "--tls-ca-cert-files",
        &f("ca.crt"),
        "--tls-server-name",
        "vm1.vm-cluster.hubble-grpc.cilium.io",
        "--tls-client-cert-file",
        &f("relay.crt"),
        "--tls-client-key-file",
        &f("relay.key"),
    ]
    .map(str::to_string);
    let status = |extra: &[String]| {
        let mut argv =
            vec!["hubble", "status", "--server", "tls://192.168.1.10:4245", "--timeout", "5s"];
        argv.extend(extra.iter().map(String::as_str));
        let out = vm2.exec(&argv).expect("run");
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    wait_for("the relay to reach both nodes over mutual TLS", Duration::from_secs(20), || {
        status(&with_cert).1.contains("Connected Nodes: 2/2")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{:?}\n{}", status(&with_cert), tb.agent_log("vm1")));
    let mut argv = vec![
        "hubble",
        "observe",
        "--server",
        "tls://192.168.1.10:4245",
        "--last",
        "100",
        "-o",
        "json",
    ];
    argv.extend(with_cert.iter().map(String::as_str));
    let mut nodes = Vec::new();
    wait_for("flows of vm2 through the relay", Duration::from_secs(20), || {
        let out = vm2.exec(&argv).expect("observe");
        nodes = lines(&out)
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|f| f["flow"]["node_name"].as_str().map(str::to_string))
            .collect();
        nodes.iter().any(|n| n == "vm-cluster/vm2")
    })
    .unwrap_or_else(|e| panic!("{e:#}: {nodes:?}"));
    let (ok, _) = status(&with_cert[..4]);
    assert!(!ok, "no client certificate, nothing through the relay");
}

struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The flow map in a real browser: Debian's Chromium, headless, loads vm1's page from vm2
/// (a cluster node, as the page's access rules ask) and the DOM shows every VM as a box and
/// vm1's connection that vm3's policy denies as a dropped (red) edge. A screenshot is kept.
#[test]
fn flow_map_page_in_a_real_browser() {
    sweep_stale();
    let page_on_vm1 = |vm: &str, config: String| {
        if vm != "vm1" {
            return config;
        }
        config.replace(
            "hubble:\n  enabled: true\n",
            "hubble:\n  enabled: true\n  relay:\n    enabled: true\n  ui:\n    enabled: true\n",
        )
    };
    let mut tb = testbed::seed_cluster_configured(
        &unique_prefix(),
        SEED_VMS,
        &["vm1", "vm2", "vm3"],
        &[("vm2", &[("app", "frontend")]), ("vm3", &[("app", "backend")])],
        &page_on_vm1,
    )
    .expect("cluster");
    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    tb.spawn("vm3", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.12"])
        .expect("server");
    wait_for("the server", Duration::from_secs(10), || vm3.http_ok("http://192.168.1.12:8080/"))
        .expect("up");
    vm3.run(&["cilium", "policy", "apply", POLICY]).expect("apply");
    assert!(vm2.http_ok("http://192.168.1.12:8080/"), "the frontend is let in");
    assert!(!vm1.http_ok("http://192.168.1.12:8080/"), "vm1 is kept out");
    wait_for("the relay to reach all three nodes", Duration::from_secs(20), || {
        let out = vm2.exec(&["hubble", "status", "--server", "192.168.1.10:4245"]).expect("run");
        String::from_utf8_lossy(&out.stdout).contains("Connected Nodes: 3/3")
    })
    .expect("relay");

    const PAGE: &str = "http://192.168.1.10:12000/";
    let profile = format!("/tmp/{}-chromium", tb.prefix());
    let chromium = |extra: &[&str], url: &str| {
        let mut argv = vec![
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=8000",
            "--window-size=1400,1000",
        ];
        let dir = format!("--user-data-dir={profile}");
        argv.push(&dir);
        argv.extend_from_slice(extra);
        argv.push(url);
        vm2.exec(&argv).expect("chromium runs (CI installs Debian's chromium)")
    };
    let mut dom = String::new();
    wait_for(
        "the page to draw the three VMs and the dropped edge",
        Duration::from_secs(60),
        || {
            let out = chromium(&["--dump-dom"], PAGE);
            dom = String::from_utf8_lossy(&out.stdout).into_owned();
            dom.contains("data-ready=\"1\"")
                && ["vm1", "vm2", "vm3"]
                    .iter()
                    .all(|n| dom.contains(&format!("data-name=\"vm-cluster/{n}\"")))
                && dom.contains("data-verdict=\"DROPPED\"")
        },
    )
    .unwrap_or_else(|e| panic!("{e:#}\n{dom}\n{}", tb.agent_log("vm1")));
    // The dropped connections are vm1's, to vm3's port 8080, drawn in the dropped colour.
    let edge = dom
        .split("<g ")
        .find(|g| {
            g.contains("data-src=\"vm-cluster/vm1\"")
                && g.contains("data-dst=\"vm-cluster/vm3\"")
                && g.contains("TCP/8080")
                && g.contains("data-verdict=\"DROPPED\"")
        })
        .unwrap_or_else(|| panic!("no dropped edge vm1 -> vm3:8080 in\n{dom}"));
    assert!(edge.contains("class=\"edge verdict-dropped\""), "{edge}");
    let path = dom.split("data-verdict=\"DROPPED\"").nth(1).unwrap_or_default();
    assert!(path.contains("stroke=\"#d62728\""), "red: {path}");
    // The allowed one, green; the table lists the drop.
    assert!(dom.contains("data-verdict=\"FORWARDED\""), "{dom}");
    // The table, filtered by the address as a shared link would: the drops only.
    let dropped = chromium(&["--dump-dom"], &format!("{PAGE}#verdict=DROPPED&port=8080"));
    let dropped = String::from_utf8_lossy(&dropped.stdout).into_owned();
    let rows: Vec<&str> = dropped.split("<tr data-verdict=").skip(1).collect();
    assert!(!rows.is_empty(), "the table lists the drops: {dropped}");
    assert!(
        rows.iter().all(|r| r.starts_with("\"DROPPED\"") && r.contains("TCP/8080")),
        "{rows:#?}"
    );

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    let shot = dir.join("flow-map.png");
    let _ = std::fs::remove_file(&shot);
    let arg = format!("--screenshot={}", shot.display());
    chromium(&[&arg], PAGE);
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "a screenshot of the page ({size} bytes)");
    eprintln!("flow map screenshot: {}", shot.canonicalize().unwrap_or(shot).display());
    let _ = std::fs::remove_dir_all(&profile);
}
