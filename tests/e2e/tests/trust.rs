//! Trust on the wire: a node's identity only through its tunnel, no plaintext before the agent
//! runs or when encryption fails to start, and a conntrack table a flood cannot empty. Forged
//! packets come from scapy on a machine of the LAN that is no cluster member.

use std::time::Duration;

use testbed::{
    SEED_VMS, TEST_SECRET, Testbed, built_binaries, seed_cluster_with, seed_config, sweep_stale,
    touches_port, unique_prefix, wait_for,
};

/// A UDP listener (`python3 udp.py ADDRESS PORT LOG`) that appends every datagram to a file.
const UDP_LOGGER: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    d, a = s.recvfrom(2048)
    with open(sys.argv[3], "a") as f: f.write("%s %s\n" % (a[0], d.decode(errors="replace")))
"#;

fn helper(tb: &Testbed, name: &str, text: &str) -> String {
    tb.helper_file(name, text).expect("helper").to_str().expect("utf-8").to_string()
}

fn scapy(vm: &testbed::Vm, script: &str) {
    let out = vm
        .exec(&["python3", "-c", &format!("from scapy.all import *\n{script}")])
        .expect("python3");
    assert!(
        out.status.success(),
        "scapy failed (python3-scapy is installed by CI): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn apply(tb: &Testbed, vm: &testbed::Vm, name: &str, yaml: &str) {
    let file = helper(tb, name, yaml);
    vm.run(&["cilium", "policy", "apply", &file]).expect("apply");
}

#[test]
fn a_forged_node_address_gets_no_identity() {
    sweep_stale();
    // vm3 is on the same LAN but no cluster member: the attacker.
    let tb = seed_cluster_with(&unique_prefix(), SEED_VMS, &["vm1", "vm2"], &[]).expect("cluster");
    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    // Loose reverse-path filtering, as Debian and Ubuntu set it: the kernel alone would let
    // the forged datagrams in.
    vm1.run(&["sysctl", "-qw", "net.ipv4.conf.all.rp_filter=2", "net.ipv4.conf.eth0.rp_filter=2"])
        .expect("sysctl");
    apply(
        &tb,
        &vm1,
        "udp-from-vm2.yaml",
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: udp-from-vm2\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEndpoints: [{matchLabels: {node: vm2}}]\n      toPorts: [{ports: [{port: \"9999\", protocol: UDP}]}]\n",
    );
    let log = helper(&tb, "udp.log", "");
    let logger = helper(&tb, "udp.py", UDP_LOGGER);
    let mut tb = tb;
    tb.spawn("vm1", &["python3", &logger, "192.168.1.10", "9999", &log]).expect("listener");
    let received = || std::fs::read_to_string(&log).unwrap_or_default();
    // vm2, through its tunnel: the datagrams arrive.
    let send = "import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
                for i in range(50):\n    s.sendto(b'tunnelled', ('192.168.1.10', 9999)); time.sleep(0.1)\n";
    wait_for("vm2's datagrams through the tunnel", Duration::from_secs(20), || {
        vm2.run(&["python3", "-c", send]).is_ok() && received().contains("tunnelled")
    })
    .expect("tunnelled datagrams arrive");
    // vm3 forges vm2's address in plaintext.
    scapy(
        &vm3,
        "send(IP(src='192.168.1.11', dst='192.168.1.10')/UDP(sport=5555, dport=9999)/b'forged', count=20, verbose=0)",
    );
    vm2.run(&["python3", "-c", send]).expect("send again");
    wait_for("the last tunnelled datagrams", Duration::from_secs(10), || {
        received().matches("tunnelled").count() > 50
    })
    .expect("more tunnelled datagrams");
    assert!(!received().contains("forged"), "a forged datagram got in:\n{}", received());

    // Hubble shows the drops with their reason, from the world, not from vm2.
    let out = vm1
        .run(&[
            "hubble",
            "observe",
            "--last",
            "1000",
            "--verdict",
            "DROPPED",
            "--port",
            "9999",
            "-o",
            "json",
        ])
        .expect("hubble");
    let drops: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        drops.iter().any(|f| f["flow"]["drop_reason_desc"] == "UNENCRYPTED_TRAFFIC"
            && f["flow"]["IP"]["source"] == "192.168.1.11"
            && f["flow"]["source"]["identity"] == 2),
        "{drops:#?}"
    );
    let metrics = vm1.run(&["curl", "-s", "http://127.0.0.1:9962/metrics"]).expect("metrics");
    let metrics = String::from_utf8_lossy(&metrics.stdout).into_owned();
    assert!(
        metrics.lines().any(|l| l.starts_with("cilium_drop_count_total{")
            && l.contains("Traffic is unencrypted")
            && l.contains("INGRESS")),
        "{metrics}"
    );
}

#[test]
fn a_syn_flood_does_not_evict_an_idle_connection() {
    sweep_stale();
    let vms = [SEED_VMS[0], SEED_VMS[1], SEED_VMS[2]];
    let mut tb = Testbed::create(&unique_prefix(), &vms, built_binaries()).expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    let nodes = ["192.168.1.10", "192.168.1.11"];
    // A small table, as on a small VM: 4096 established entries.
    let mut c1 = seed_config("vm1", &nodes, &[]);
    c1.push_str("bpf:\n  ctMax: 4096\n");
    tb.start_agent("vm1", &c1).expect("vm1");
    tb.start_agent("vm2", &seed_config("vm2", &nodes, &[])).expect("vm2");
    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    let echo = helper(&tb, "echo.py", testbed::ECHO_SERVER);
    let session = helper(&tb, "session.py", testbed::SESSION_CLIENT);
    let log = helper(&tb, "session.log", "");
    tb.spawn("vm1", &["python3", &echo, "192.168.1.10", "9000"]).expect("echo");
    tb.spawn("vm1", &["python3", "-m", "http.server", "80", "--bind", "192.168.1.10"])
        .expect("web");
    apply(
        &tb,
        &vm1,
        "open.yaml",
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: open\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"80\", protocol: TCP}, {port: \"9000\", protocol: TCP}]}]\n",
    );
    wait_for("the echo port through the tunnel", Duration::from_secs(20), || {
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
    // New connections to 9000 are closed now; the open session lives on its conntrack entry.
    apply(
        &tb,
        &vm1,
        "open.yaml",
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: open\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n",
    );
    let before = count();
    wait_for("the session after the policy change", Duration::from_secs(10), || {
        count() > before + 5
    })
    .expect("the session survives the policy change");
    // 10,000 SYNs from forged sources to the open web port: more than twice the table.
    scapy(
        &vm3,
        "send(IP(src=RandIP('10.0.0.0/8'), dst='192.168.1.10')/TCP(sport=RandShort(), dport=80, flags='S'), count=10000, verbose=0)",
    );
    let pending = vm1.run(&["cilium", "bpf", "ct", "list", "global"]).expect("ct list");
    let listed = String::from_utf8_lossy(&pending.stdout).lines().count();
    assert!(listed > 1000, "the flood reached the datapath ({listed} entries)");
    let after = count();
    wait_for("the session after the flood", Duration::from_secs(10), || count() > after + 5)
        .expect("the idle connection survives a SYN flood");
    assert!(vm2.http_ok("http://192.168.1.10:80/") || vm1.http_ok("http://192.168.1.10:80/"));
}

/// What a reboot clears: the tunnel, our rules and routes, the pinned BPF objects.
fn reboot(vm: &testbed::Vm) {
    vm.run(&[
        "sh",
        "-c",
        "ip link del cilium_wg0 2>/dev/null; \
         while ip rule del pref 98 2>/dev/null; do :; done; \
         while ip rule del pref 99 2>/dev/null; do :; done; \
         ip route flush table 2005; \
         tc qdisc del dev eth0 clsact 2>/dev/null; \
         umount /sys/fs/bpf && mount -t bpf bpf /sys/fs/bpf; \
         ip link set eth0 down",
    ])
    .expect("reboot");
}

#[test]
fn a_reboot_leaks_nothing_before_the_agent_runs() {
    sweep_stale();
    let mut tb =
        seed_cluster_with(&unique_prefix(), &SEED_VMS[..2], &["vm1", "vm2"], &[]).expect("cluster");
    let vm2 = tb.vm("vm2").clone();
    tb.spawn("vm1", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.10"])
        .expect("server");
    wait_for("the tunnel", Duration::from_secs(20), || vm2.http_ok("http://192.168.1.10:8080/"))
        .expect("up");
    let hammer = "while true; do curl -s -o /dev/null -m 0.3 http://192.168.1.10:8080/; done";
    let leaks = |lines: &[String]| -> Vec<String> {
        lines.iter().filter(|l| touches_port(l, 8080)).cloned().collect()
    };

    // Without the boot unit, the window is real: this is what the unit closes.
    tb.kill_agent("vm2");
    reboot(&vm2);
    vm2.run(&["ip", "link", "set", "eth0", "up"]).expect("network up");
    let capture = tb.start_capture("vm2", "eth0", "ip host 192.168.1.10").expect("capture");
    let mut client = tb.spawn_child("vm2", &["sh", "-c", hammer]).expect("client");
    let seen = wait_for("plaintext on the wire", Duration::from_secs(10), || {
        capture.seen().is_ok_and(|l| !leaks(&l).is_empty())
    });
    let _ = client.kill();
    let _ = client.wait();
    let lines = capture.finish().expect("capture");
    assert!(seen.is_ok(), "the test would not see a leak: {lines:#?}");

    // With it: `cilium-agent --block-peers` before the network comes up, then the agent.
    reboot(&vm2);
    let out =
        vm2.run(&["cilium-agent", "--config-dir=/etc/cilium", "--block-peers"]).expect("block");
    assert!(String::from_utf8_lossy(&out.stdout).contains("peers blocked"), "{out:?}");
    vm2.run(&["ip", "link", "set", "eth0", "up"]).expect("network up");
    let capture = tb.start_capture("vm2", "eth0", "ip host 192.168.1.10").expect("capture");
    let mut client = tb.spawn_child("vm2", &["sh", "-c", hammer]).expect("client");
    tb.restart_agent("vm2").expect("agent");
    wait_for("the tunnel after the boot", Duration::from_secs(30), || {
        vm2.http_ok("http://192.168.1.10:8080/")
    })
    .expect("back");
    let _ = client.kill();
    let _ = client.wait();
    let lines = capture.finish().expect("capture");
    assert!(leaks(&lines).is_empty(), "plaintext during the boot: {:#?}", leaks(&lines));
}

#[test]
fn encryption_that_fails_to_start_leaves_peers_blocked() {
    sweep_stale();
    let mut tb =
        Testbed::create(&unique_prefix(), &SEED_VMS[..2], built_binaries()).expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    let nodes = ["192.168.1.10", "192.168.1.11"];
    tb.start_agent("vm1", &seed_config("vm1", &nodes, &[])).expect("vm1");
    tb.spawn("vm1", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.10"])
        .expect("server");
    let vm2 = tb.vm("vm2").clone();
    let hammer = "while true; do curl -s -o /dev/null -m 0.3 http://192.168.1.10:8080/; done";
    // This kernel has no WireGuard module: the kernel backend cannot start. Then the userspace
    // backend without a place for its UAPI socket, and no host firewall behind the routes.
    let base = seed_config("vm2", &nodes, &[]);
    let cases = [
        (
            "the kernel backend without its module",
            base.replace(
                "encryption:\n  enabled: true\n",
                "encryption:\n  enabled: true\n  backend: kernel\n",
            ),
            None,
        ),
        (
            "the userspace backend without its socket directory, no host firewall",
            base.replace("hostFirewall:\n  enabled: true\n", "hostFirewall:\n  enabled: false\n"),
            Some("/var/run/wireguard"),
        ),
    ];
    for (what, config, read_only) in cases {
        assert_ne!(config, base, "{what}: the case changes the config");
        if let Some(dir) = read_only {
            vm2.run(&["mount", "-o", "remount,ro", dir]).expect("read-only");
        }
        // Booted as the units do: peers blocked before anything runs (the boot test covers
        // that step); what follows is the agent's own start.
        vm2.write_file("/etc/cilium/config.yaml", &config).expect("config");
        vm2.run(&["cilium-agent", "--config-dir=/etc/cilium", "--block-peers"]).expect("block");
        let capture = tb.start_capture("vm2", "eth0", "ip host 192.168.1.10").expect("capture");
        let mut client = tb.spawn_child("vm2", &["sh", "-c", hammer]).expect("client");
        tb.start_agent("vm2", &config).expect("the agent runs, degraded");
        let status = vm2.cilium_json(&["status"]).expect("status");
        assert!(
            status["encryption"]["msg"].as_str().is_some_and(|m| m.starts_with("Failure")),
            "{what}: {}",
            status["encryption"]
        );
        assert!(!vm2.http_ok("http://192.168.1.10:8080/"), "{what}: the peer stays blocked");
        let _ = client.kill();
        let _ = client.wait();
        let lines = capture.finish().expect("capture");
        let leaks: Vec<&String> = lines.iter().filter(|l| touches_port(l, 8080)).collect();
        assert!(leaks.is_empty(), "{what}: plaintext to the peer: {leaks:#?}");
        tb.kill_agent("vm2");
        if let Some(dir) = read_only {
            vm2.run(&["mount", "-o", "remount,rw", dir]).expect("writable again");
        }
    }
}
