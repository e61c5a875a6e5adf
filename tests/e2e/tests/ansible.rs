//! The Ansible playbook (deploy/ansible) really run, with ansible-core, against two VMs the
//! test creates: they converge into a running encrypted cluster, a second run changes (and
//! restarts) nothing, a changed configuration restarts the agent, and one the agent would
//! refuse never replaces the installed one. The VMs have no systemd; a stand-in `systemctl`
//! runs the unit's commands so that the role's service tasks and handlers really run.

use std::path::PathBuf;
use std::process::Command;

use std::time::Duration;

use testbed::{SEED_VMS, TEST_SECRET, Testbed, built_binaries, sweep_stale, unique_prefix};

struct Run {
    ok: bool,
    changed: u32,
    log: String,
}

/// Installs the `systemctl` stand-in for `vm` (the VMs have no systemd) and returns the
/// directory it keeps its state in (`calls`, `starts`, `restarts`, `cilium.pid`, `cilium.log`).
fn systemctl_stand_in(tb: &Testbed, vm: &str) -> PathBuf {
    let state = tb.helper_file(&format!("{vm}-systemd.keep"), "").expect("file");
    let state = state.with_extension("d");
    std::fs::create_dir_all(&state).expect("state dir");
    let bin = state.join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    let script = testbed::SYSTEMCTL_STAND_IN.replace("@STATE@", &state.display().to_string());
    std::fs::write(bin.join("systemctl"), script).expect("write");
    std::fs::set_permissions(
        bin.join("systemctl"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    state
}

fn lines_of(path: PathBuf) -> usize {
    std::fs::read_to_string(path).map(|s| s.lines().count()).unwrap_or(0)
}

fn agent_pid(state: &std::path::Path) -> String {
    std::fs::read_to_string(state.join("cilium.pid")).unwrap_or_default().trim().to_string()
}

/// Runs the playbook from inside `vm` (a local connection in its own network and mount
/// namespaces), limited to `vm`; the inventory holds all three VMs, so `nodes:` lists them.
fn playbook(tb: &Testbed, vm: &str, extra: &[&str]) -> Run {
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let dir = tb.helper_file("ansible-secret", TEST_SECRET).expect("secret");
    let dir = dir.parent().expect("helper dir").to_path_buf();
    std::fs::set_permissions(
        dir.join("ansible-secret"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    // Already root, so no sudo.
    let python = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    let python = String::from_utf8_lossy(&python.stdout).trim().to_string();
    let local = format!(
        "ansible_connection=local ansible_become=false ansible_python_interpreter={python}"
    );
    let inventory = format!(
        "[cilium_nodes]\n\
         vm1 {local} ansible_host=192.168.1.10 cilium_labels='{{\"app\": \"frontend\"}}'\n\
         vm2 {local} ansible_host=192.168.1.11 cilium_labels='{{\"app\": \"backend\"}}'\n\
         vm3 ansible_host=192.168.1.12\n"
    );
    let inv = tb.helper_file("inventory.ini", &inventory).expect("inventory");
    let mut argv: Vec<String> = vec![
        testbed::pip_tool("ansible-playbook", "ansible-core>=2.16,<2.18").display().to_string(),
        "-i".into(),
        inv.display().to_string(),
        format!("{repo}/deploy/ansible/playbook.yml"),
        "--limit".into(),
        vm.into(),
        "-e".into(),
        format!("cilium_bin_src={}", built_binaries().display()),
        "-e".into(),
        format!("cilium_secret_src={}", dir.join("ansible-secret").display()),
        "-e".into(),
        format!("cilium_policies=['{repo}/deploy/policies/frontend-to-backend.yaml']"),
        // The role manages the service when the host runs systemd; these VMs run the
        // stand-in, so say so.
        "-e".into(),
        "cilium_manage_service=true".into(),
    ];
    argv.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let stand_in = systemctl_stand_in(tb, vm).join("bin");
    let path = format!("{}:{}", stand_in.display(), std::env::var("PATH").unwrap_or_default());
    let out = tb
        .vm(vm)
        .command(&argv)
        .env("PATH", path)
        .env("ANSIBLE_HOME", dir.join("ansible-home"))
        .env("ANSIBLE_LOCAL_TEMP", dir.join("ansible-tmp"))
        .env("ANSIBLE_REMOTE_TEMP", dir.join("ansible-tmp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
        .output()
        .expect("ansible-playbook");
    let log =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let recap = log
        .lines()
        .find(|l| l.starts_with(vm) && l.contains("changed="))
        .unwrap_or_else(|| panic!("no recap:\n{log}"));
    let field = |name: &str| -> u32 {
        recap
            .split_whitespace()
            .find_map(|f| f.strip_prefix(name)?.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {recap}"))
    };
    Run { ok: out.status.success() && field("failed=") == 0, changed: field("changed="), log }
}

#[test]
fn ansible_playbook_converges_and_is_idempotent() {
    sweep_stale();
    let tb = Testbed::create(&unique_prefix(), SEED_VMS, built_binaries()).expect("testbed");
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    // The role's other destinations, private to each VM like /etc/cilium already is.
    for vm in [&vm1, &vm2] {
        for d in ["/usr/local/bin", "/etc/systemd/system"] {
            vm.run(&["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", d]).expect("mount");
        }
    }
    let state = |vm: &str| systemctl_stand_in(&tb, vm);

    // Two hosts converge into a running, encrypted cluster.
    for vm in ["vm1", "vm2"] {
        let first = playbook(&tb, vm, &[]);
        assert!(first.ok, "{}", first.log);
        assert!(first.changed >= 5, "first run installs everything:\n{}", first.log);
        assert!(!first.log.contains(TEST_SECRET.trim()), "the secret was printed");
        assert!(first.log.contains("RUNNING HANDLER [cilium : Restart cilium]"), "{}", first.log);
        let calls = std::fs::read_to_string(state(vm).join("calls")).unwrap_or_default();
        assert!(calls.lines().any(|l| l.starts_with("enable")), "enabled: {calls}");
        assert!(!agent_pid(&state(vm)).is_empty(), "started: {calls}");
    }
    testbed::wait_for("the playbook's agents to form the cluster", Duration::from_secs(30), || {
        vm1.cilium_json(&["status"]).is_ok_and(|s| {
            s["encryption"]["wireguard"]["interfaces"][0]["peer-count"] == 1
                && s["cluster"]["nodes"].as_array().is_some_and(|n| {
                    n.iter().any(|n| n["name"] == "vm2" && n["health"]["state"] == "Reachable")
                })
        })
    })
    .unwrap_or_else(|e| {
        panic!(
            "{e}\nstatus: {:?}\nvm1 log:\n{}\nvm2 log:\n{}",
            vm1.cilium_json(&["status"]).map(|s| s.to_string()),
            std::fs::read_to_string(state("vm1").join("cilium.log")).unwrap_or_default(),
            std::fs::read_to_string(state("vm2").join("cilium.log")).unwrap_or_default()
        )
    });

    // A second run changes nothing, and restarts nothing.
    let pid = agent_pid(&state("vm1"));
    let restarts = lines_of(state("vm1").join("restarts"));
    let second = playbook(&tb, "vm1", &[]);
    assert!(second.ok, "{}", second.log);
    assert_eq!(second.changed, 0, "second run changed something:\n{}", second.log);
    assert_eq!(lines_of(state("vm1").join("restarts")), restarts, "{}", second.log);
    assert_eq!(agent_pid(&state("vm1")), pid, "the agent was not restarted");

    let mode = |path: &str| -> String {
        let out = vm1.run(&["stat", "-c", "%a", path]).expect("stat");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(mode("/usr/local/bin/cilium-agent"), "755");
    assert_eq!(mode("/etc/cilium/cluster-secret"), "600");
    assert_eq!(mode("/etc/cilium/policies/frontend-to-backend.yaml"), "644");
    let unit = vm1.run(&["cat", "/etc/systemd/system/cilium.service"]).expect("unit");
    assert!(
        String::from_utf8_lossy(&unit.stdout).contains("ExecStart=/usr/local/bin/cilium-agent")
    );
    let config = vm1.run(&["cat", "/etc/cilium/config.yaml"]).expect("config");
    let config = String::from_utf8_lossy(&config.stdout).into_owned();
    for ip in ["192.168.1.10", "192.168.1.11", "192.168.1.12"] {
        assert!(config.contains(ip), "{ip} missing from nodes:\n{config}");
    }

    // A changed configuration restarts the agent, which then runs with it.
    let relabel =
        playbook(&tb, "vm1", &["-e", r#"{"cilium_labels": {"app": "frontend", "tier": "web"}}"#]);
    assert!(relabel.ok, "{}", relabel.log);
    assert_eq!(lines_of(state("vm1").join("restarts")), restarts + 1, "{}", relabel.log);
    let new_pid = agent_pid(&state("vm1"));
    assert!(!new_pid.is_empty() && new_pid != pid, "restarted: {pid} -> {new_pid}");
    testbed::wait_for("vm2 to learn vm1's new label", Duration::from_secs(30), || {
        vm2.run(&["cilium", "node", "list", "-o", "json"])
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("vm1"))
            && vm2
                .run(&["cilium", "identity", "list", "-o", "json"])
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("tier=web"))
    })
    .expect("the restarted agent announces its new labels");

    // A value the agent refuses fails the play and leaves the working configuration, and
    // the running agent, alone.
    let config = vm1.run(&["cat", "/etc/cilium/config.yaml"]).expect("config");
    let bad = playbook(&tb, "vm1", &["-e", "cilium_cluster_id=999"]);
    assert!(!bad.ok, "cluster id 999 was accepted:\n{}", bad.log);
    let after = vm1.run(&["cat", "/etc/cilium/config.yaml"]).expect("config");
    assert_eq!(after.stdout, config.stdout);
    assert_eq!(agent_pid(&state("vm1")), new_pid);
    assert!(vm1.run(&["cilium", "status", "--brief"]).is_ok(), "still running");
}
