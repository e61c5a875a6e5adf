use std::process::Command;

use crate::harness::*;

fn validate(config: &str, env: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.yaml"), config).expect("write");
    Command::new(bin("cilium-agent"))
        .arg(format!("--config-dir={}", dir.path().display()))
        .arg("--validate")
        .envs(env.iter().copied())
        .output()
        .expect("run cilium-agent")
}

#[test]
fn typo_in_config_is_refused_with_line_and_suggestion() {
    let config = "cluster:\n  name: vm-cluster\nencrytion:\n  enabled: true\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.yaml"), config).expect("write");
    // Not --validate: the real start must refuse too, before creating anything.
    let out = Command::new(bin("cilium-agent"))
        .arg(format!("--config-dir={}", dir.path().display()))
        .arg("--run-dir")
        .arg(dir.path().join("run"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("config.yaml:3:1: unknown key `encrytion`"), "{err}");
    assert!(err.contains("did you mean `encryption`?"), "{err}");
    assert!(!dir.path().join("run").exists(), "nothing started");
}

#[test]
fn validate_prints_values_and_sources() {
    let out = validate(SEED_VM1, &[("CILIUM_CLUSTER_ID", "7")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("is valid"), "{text}");
    let line = |key: &str| {
        text.lines().find(|l| l.starts_with(&format!("{key} "))).unwrap_or_default().to_string()
    };
    assert!(
        line("cluster.name").contains("vm-cluster")
            && line("cluster.name").contains("config.yaml:2:9"),
        "{text}"
    );
    assert!(
        line("cluster.id").contains("environment (environment variable CILIUM_CLUSTER_ID)"),
        "{text}"
    );
    assert!(line("encryption.backend").ends_with("default"), "{text}");
}

#[test]
fn validate_reports_every_error() {
    let out = validate(
        "k8s:\n  enabled: true\nprometheus:\n  port: nine\n",
        &[("CILIUM_HUBBLE_ENABLED", "maybe")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("3 errors"), "{err}");
    assert!(err.contains(":2:12: k8s.enabled"), "{err}");
    assert!(err.contains(":4:9: prometheus.port"), "{err}");
    assert!(err.contains("CILIUM_HUBBLE_ENABLED"), "{err}");
}

#[test]
fn config_file_flag_for_ansible_validate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("candidate.yaml");
    std::fs::write(&file, SEED_VM1).expect("write");
    let out = Command::new(bin("cilium-agent"))
        .arg("--config-file")
        .arg(&file)
        .arg("--validate")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn second_agent_is_refused() {
    let agent = Agent::start(SEED_VM1);
    let out =
        agent.command(&[]).stderr(std::process::Stdio::piped()).output().expect("second agent");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("already running"), "{err}");
    // The first one still answers.
    assert!(agent.cilium(&["status", "--brief"]).status.success());
}

#[test]
fn socket_mode_is_0660() {
    use std::os::unix::fs::PermissionsExt;
    let agent = Agent::start("");
    let mode = std::fs::metadata(agent.socket()).expect("socket").permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
}

#[test]
fn stale_socket_is_replaced() {
    let mut agent = Agent::start("");
    agent.stop();
    // A crashed agent leaves its socket behind; the next start must not trip over it.
    let _listener = std::os::unix::net::UnixListener::bind(agent.socket()).expect("stale socket");
    drop(_listener);
    let child = agent.command(&[]).spawn().expect("restart");
    let mut child = scopeguard(child);
    wait_for("restarted agent", std::time::Duration::from_secs(10), || {
        agent.cilium(&["status", "--brief"]).status.success()
    });
    let _ = child.0.kill();
}

#[test]
fn json_logs_when_asked() {
    let agent = Agent::start("log:\n  format: json\n");
    let first = agent.log().lines().next().unwrap_or_default().to_string();
    let v: serde_json::Value = serde_json::from_str(&first).expect("a JSON log line");
    assert!(v.get("level").is_some(), "{first}");
}

struct Guard(std::process::Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
fn scopeguard(c: std::process::Child) -> Guard {
    Guard(c)
}

/// What systemd would read from `NOTIFY_SOCKET`, until `until` has been seen or 10 s passed.
fn notifications(sock: &std::os::unix::net::UnixDatagram, until: &str, seen: &mut Vec<String>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut buf = [0u8; 512];
    while !seen.iter().any(|m| m.contains(until)) && std::time::Instant::now() < deadline {
        if let Ok(n) = sock.recv(&mut buf) {
            seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    }
    assert!(seen.iter().any(|m| m.contains(until)), "no {until} in {seen:?}");
}

#[test]
fn tells_systemd_it_is_ready_and_feeds_the_watchdog() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notify");
    let sock = std::os::unix::net::UnixDatagram::bind(&path).expect("notify socket");
    sock.set_read_timeout(Some(std::time::Duration::from_millis(100))).expect("timeout");
    let path_s = path.to_str().expect("utf-8");
    // A 400 ms watchdog: pinged every 200 ms while the agent works.
    let mut agent =
        Agent::start_with("", &[("NOTIFY_SOCKET", path_s), ("WATCHDOG_USEC", "400000")]);
    let mut seen = Vec::new();
    notifications(&sock, "READY=1", &mut seen);
    assert!(agent.cilium(&["status", "--brief"]).status.success(), "ready means the API answers");
    let pings_after_ready = |seen: &[String]| {
        seen.iter()
            .skip_while(|m| !m.contains("READY=1"))
            .filter(|m| m.contains("WATCHDOG=1"))
            .count()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pings_after_ready(&seen) < 3 && std::time::Instant::now() < deadline {
        let mut buf = [0u8; 512];
        if let Ok(n) = sock.recv(&mut buf) {
            seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    }
    assert!(pings_after_ready(&seen) >= 3, "watchdog pings: {seen:?}");
    assert!(agent.stop().success());
    notifications(&sock, "STOPPING=1", &mut seen);
}
