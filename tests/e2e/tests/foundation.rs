//! The agent in a VM, driven as an operator would: plain `cilium status` inside the VM.

use testbed::{Testbed, built_binaries, sweep_stale, unique_prefix};

const VM1_CONFIG: &str = include_str!("../../../deploy/config/config.yaml");

#[test]
fn agent_in_a_vm_answers_plain_cilium_status() {
    sweep_stale();
    let mut tb = Testbed::create(&unique_prefix(), &[("vm1", "192.168.1.10/24")], built_binaries())
        .expect("testbed");
    tb.share_secret(testbed::TEST_SECRET).expect("secret");
    tb.start_agent("vm1", VM1_CONFIG).expect("agent starts");
    let vm = tb.vm("vm1");

    // The default socket path, inside the VM's private /var/run/cilium.
    let out = vm.run(&["cilium", "status", "-o", "json"]).expect("cilium status");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["cilium"]["state"], "Ok");
    let nodes = v["cluster"]["nodes"].as_array().expect("nodes");
    let me = nodes.iter().find(|n| n["name"] == "vm1").expect("vm1 listed");
    assert_eq!(
        me["primary-address"]["ipv4"]["ip"], "192.168.1.10",
        "the agent finds itself in nodes:"
    );
    assert_eq!(me["health"]["local"], true);

    let out = vm.run(&["cilium", "status"]).expect("human status");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("192.168.1.10 (vm1): Reachable (localhost)"), "{text}");

    // Private mounts: the socket is in the VM's /var/run/cilium, not the host's.
    assert!(
        vm.exec(&["test", "-S", "/var/run/cilium/cilium.sock"]).expect("test").status.success()
    );
    assert!(
        !std::path::Path::new("/var/run/cilium/cilium.sock").exists(),
        "the host sees no socket"
    );
}
