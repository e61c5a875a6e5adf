use crate::harness::*;

#[test]
fn config_set_debug_changes_the_running_log_level() {
    let agent = Agent::start(SEED_VM1);
    // At info level, API requests are not logged.
    assert!(agent.cilium(&["status"]).status.success());
    assert!(!agent.log().contains("API request"), "{}", agent.log());

    let out = agent.cilium(&["config", "set", "Debug", "true"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(agent.cilium(&["status"]).status.success());
    wait_for("a debug line in the agent log", std::time::Duration::from_secs(5), || {
        agent.log().contains("API request")
    });
    let out = agent.cilium(&["config"]);
    assert!(
        stdout(&out).contains("Debug                             : Enabled"),
        "{}",
        stdout(&out)
    );

    // Cilium's own syntax turns it off again.
    let out = agent.cilium(&["config", "Debug=false"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&agent.cilium(&["config", "get", "Debug"])), "Disabled\n");
}

#[test]
fn config_listing_and_json() {
    let agent = Agent::start(SEED_VM1);
    let out = agent.cilium(&["config"]);
    snapbox::assert_data_eq!(
        stdout(&out),
        snapbox::str![[r#"
##### Read-write configurations #####
Debug                             : Disabled
DropNotification                  : Enabled
PolicyAuditMode                   : Disabled
PolicyVerdictNotification         : Enabled
TraceNotification                 : Enabled
PolicyEnforcement                 : default

"#]]
    );
    let out = agent.cilium(&["config", "-r", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["cluster.name"], "vm-cluster");
    assert_eq!(v["cluster.id"], "1");
    let out = agent.cilium(&["config", "-a"]);
    assert!(stdout(&out).contains("#### Read-only configurations ####"));
    // The harness empties hubble.listenAddress with --set (parallel agents, one network).
    assert!(stdout(&out).contains("hubble.listenAddress              : \n"), "{}", stdout(&out));
    assert!(stdout(&out).contains("hubble.enabled                    : true"), "{}", stdout(&out));
}

#[test]
fn config_set_refuses_bad_input_and_changes_nothing() {
    let agent = Agent::start(SEED_VM1);
    let out = agent.cilium(&["config", "set", "Debgu", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unknown option \"Debgu\""), "{}", stderr(&out));
    let out = agent.cilium(&["config", "Debug=true", "PolicyAuditMode=perhaps"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&agent.cilium(&["config", "get", "Debug"])), "Disabled\n");
    let out = agent.cilium(&["config", "set", "PolicyAuditMode", "true"]);
    assert!(out.status.success());
    assert_eq!(stdout(&agent.cilium(&["config", "get", "PolicyAuditMode"])), "Enabled\n");
}

#[test]
fn list_options_needs_no_agent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cilium_at(&dir.path().join("none.sock"), &["config", "--list-options"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("PolicyAuditMode"));
}
