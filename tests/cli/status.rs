use crate::harness::*;

#[test]
fn status_json_is_the_api_model() {
    let agent = Agent::start(SEED_VM1);
    let out = agent.cilium(&["status", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.ends_with("}\n\n"), "JSON is followed by an empty line, as cilium-dbg: {text:?}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["cilium"]["state"], "Ok");
    assert_eq!(v["kubernetes"]["state"], "Disabled");
    assert_eq!(v["host-firewall"]["mode"], "Disabled");
    assert_eq!(v["encryption"]["mode"], "Disabled");
    assert_eq!(v["cluster"]["self"], "vm-cluster/vm1");
    let nodes = v["cluster"]["nodes"].as_array().expect("nodes");
    let ips: Vec<&str> =
        nodes.iter().filter_map(|n| n["primary-address"]["ipv4"]["ip"].as_str()).collect();
    assert!(ips.contains(&"192.168.1.10") && ips.contains(&"192.168.1.11"), "{ips:?}");
}

#[test]
fn status_human_view() {
    let agent = Agent::start(SEED_VM1);
    let out = agent.cilium(&["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The logo has backslashes: keep snapbox from reading them as Windows paths.
    snapbox::Assert::new().normalize_paths(false).eq(
        stdout(&out),
        snapbox::str![[r#"
    /¯¯\
 /¯¯\__/¯¯\    Cilium:         OK
 \__/¯¯\__/    Operator:       disabled
 /¯¯\__/¯¯\    Hubble:         OK
 \__/¯¯\__/    ClusterMesh:    disabled
    \__/

Daemon:                  OK
KVStore:                 Disabled   static node list
Kubernetes:              Disabled
Host firewall:           Disabled
Cilium:                  Ok   [..]
Encryption:              Disabled
Proxy Status:            No managed proxy redirect
Hubble:                  Ok   Current/Max Flows: 0/4095 (0.00%), Flows/s: [..]   Metrics: Disabled
Controller Status:       0/0 healthy
Global Identity Range:   min 65792, max 131071
Cluster health:          Probe disabled
Nodes:
...
  192.168.1.10: Unknown
  192.168.1.11: Unknown

"#]],
    );
}

#[test]
fn status_brief_and_jsonpath_and_yaml() {
    let agent = Agent::start(SEED_VM1);
    let out = agent.cilium(&["status", "--brief"]);
    assert_eq!(stdout(&out), "OK\n");
    assert!(out.status.success());

    let out = agent.cilium(&["status", "-o", "jsonpath={.cilium.state} {.cluster.self}"]);
    assert_eq!(stdout(&out), "Ok vm-cluster/vm1\n");

    let out = agent.cilium(&["status", "-o", "yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("state: Ok"), "{}", stdout(&out));

    let out = agent.cilium(&["status", "-o", "xml"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown output format"), "{}", stderr(&out));
}

#[test]
fn status_without_agent_fails_with_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("cilium.sock");
    let out = cilium_at(&socket, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "nothing on stdout: {}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains(&socket.display().to_string()), "{err}");
    assert!(err.contains("systemctl status cilium"), "{err}");
}

#[test]
fn stopping_the_agent_makes_status_fail() {
    let mut agent = Agent::start(SEED_VM1);
    assert!(agent.cilium(&["status"]).status.success());
    let status = agent.stop();
    assert!(status.success(), "clean exit on SIGTERM: {status}");
    assert!(!agent.socket().exists(), "socket removed on shutdown");
    let out = agent.cilium(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("systemctl status cilium"), "{}", stderr(&out));
}

#[test]
fn host_flag_accepts_unix_uri_and_env() {
    let agent = Agent::start("");
    let uri = format!("unix://{}", agent.socket().display());
    let out = std::process::Command::new(bin("cilium"))
        .args(["status", "--brief", "-H", &uri])
        .output()
        .expect("run");
    assert_eq!(stdout(&out), "OK\n", "{}", stderr(&out));
    let out = std::process::Command::new(bin("cilium"))
        .args(["status", "--brief"])
        .env("CILIUM_SOCK", agent.socket())
        .output()
        .expect("run");
    assert_eq!(stdout(&out), "OK\n", "{}", stderr(&out));
    let out = std::process::Command::new(bin("cilium"))
        .args(["status", "-H", "tcp://127.0.0.1:1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unix socket"), "{}", stderr(&out));
}
