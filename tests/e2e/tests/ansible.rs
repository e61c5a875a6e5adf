//! The Ansible playbook (deploy/ansible) really run, with ansible-core, against a VM the test
//! creates: it converges, a second run changes nothing, and a configuration the agent would
//! refuse never replaces the installed one.

use std::path::PathBuf;
use std::process::Command;

use testbed::{SEED_VMS, TEST_SECRET, Testbed, built_binaries, sweep_stale, unique_prefix};

/// `ansible-playbook` beside the `python3` on PATH (pip's scripts directory), or on PATH.
fn ansible_playbook() -> PathBuf {
    let out = Command::new("python3")
        .args(["-c", "import sys, os; print(os.path.dirname(os.path.realpath(sys.executable)))"])
        .output()
        .expect("python3");
    let beside =
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("ansible-playbook");
    if beside.exists() {
        return beside;
    }
    let out = Command::new("sh").args(["-c", "command -v ansible-playbook"]).output().expect("sh");
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !found.is_empty(),
        "ansible-playbook not found: `python3 -m pip install 'ansible-core>=2.16,<2.18'` (CI does)"
    );
    PathBuf::from(found)
}

struct Run {
    ok: bool,
    changed: u32,
    log: String,
}

fn playbook(tb: &Testbed, extra: &[&str]) -> Run {
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let dir = tb.helper_file("ansible-secret", TEST_SECRET).expect("secret");
    let dir = dir.parent().expect("helper dir").to_path_buf();
    std::fs::set_permissions(
        dir.join("ansible-secret"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    // vm1 is configured through a local connection from inside it (its own network and mount
    // namespaces); vm2 and vm3 only contribute their addresses to `nodes:`. Already root, so
    // no sudo.
    let python = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3");
    let python = String::from_utf8_lossy(&python.stdout).trim().to_string();
    let inventory = format!(
        "[cilium_nodes]\n\
         vm1 ansible_connection=local ansible_become=false ansible_python_interpreter={python} \
         ansible_host=192.168.1.10 cilium_labels='{{\"app\": \"frontend\"}}'\n\
         vm2 ansible_host=192.168.1.11\nvm3 ansible_host=192.168.1.12\n"
    );
    let inv = tb.helper_file("inventory.ini", &inventory).expect("inventory");
    let mut argv: Vec<String> = vec![
        ansible_playbook().display().to_string(),
        "-i".into(),
        inv.display().to_string(),
        format!("{repo}/deploy/ansible/playbook.yml"),
        "--limit".into(),
        "vm1".into(),
        "-e".into(),
        format!("cilium_bin_src={}", built_binaries().display()),
        "-e".into(),
        format!("cilium_secret_src={}", dir.join("ansible-secret").display()),
        "-e".into(),
        format!("cilium_policies=['{repo}/deploy/policies/frontend-to-backend.yaml']"),
    ];
    argv.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let out = tb
        .vm("vm1")
        .command(&argv)
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
        .find(|l| l.starts_with("vm1") && l.contains("changed="))
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
    let vm1 = tb.vm("vm1").clone();
    // The role's other destinations, private to vm1 like /etc/cilium already is.
    for d in ["/usr/local/bin", "/etc/systemd/system"] {
        vm1.run(&["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", d]).expect("mount");
    }

    let first = playbook(&tb, &[]);
    assert!(first.ok, "{}", first.log);
    assert!(first.changed >= 5, "first run installs everything:\n{}", first.log);
    assert!(!first.log.contains(TEST_SECRET.trim()), "the secret was printed");

    let second = playbook(&tb, &[]);
    assert!(second.ok, "{}", second.log);
    assert_eq!(second.changed, 0, "second run changed something:\n{}", second.log);

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
    let validate = vm1
        .run(&["/usr/local/bin/cilium-agent", "--config-dir=/etc/cilium", "--validate"])
        .expect("validate");
    let text = String::from_utf8_lossy(&validate.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("labels") && l.contains(r#""app":"frontend""#)),
        "{text}"
    );

    // A value the agent refuses fails the play and leaves the working configuration alone.
    let bad = playbook(&tb, &["-e", "cilium_cluster_id=999"]);
    assert!(!bad.ok, "cluster id 999 was accepted:\n{}", bad.log);
    let after = vm1.run(&["cat", "/etc/cilium/config.yaml"]).expect("config");
    assert_eq!(String::from_utf8_lossy(&after.stdout), config);
}
