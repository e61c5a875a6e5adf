//! The agent's listeners under abuse from a machine of the LAN: idle sockets by the thousand,
//! parallel scrapers and a full conntrack table never stall it, and never cost it more file
//! descriptors than its connection caps.

use std::time::{Duration, Instant};

use testbed::{
    SEED_VMS, TEST_SECRET, Testbed, built_binaries, seed_config, sweep_stale, unique_prefix,
    wait_for,
};

/// `python3 hold.py HOST PORT N SECONDS [MARK]`: opens N connections and keeps them idle;
/// with MARK, from sockets with that mark (as the agents' bootstrap sockets, which take the
/// plaintext path).
const HOLD: &str = r#"
import socket, sys, time
socks = []
for _ in range(int(sys.argv[3])):
    try:
        s = socket.socket()
        if len(sys.argv) > 5: s.setsockopt(socket.SOL_SOCKET, 36, int(sys.argv[5], 0))
        s.settimeout(2); s.connect((sys.argv[1], int(sys.argv[2]))); socks.append(s)
    except OSError:
        pass
print(len(socks), flush=True)
time.sleep(float(sys.argv[4]))
"#;

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn listeners_hold_under_idle_sockets_parallel_scrapes_and_a_full_table() {
    sweep_stale();
    let mut tb = Testbed::create(&unique_prefix(), SEED_VMS, built_binaries()).expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    let nodes = ["192.168.1.10", "192.168.1.11"];
    let mut c1 = seed_config("vm1", &nodes, &[]);
    c1.push_str("bpf:\n  ctMax: 4096\n");
    tb.start_agent("vm1", &c1).expect("vm1");
    tb.start_agent("vm2", &seed_config("vm2", &nodes, &[])).expect("vm2");
    let (vm1, vm3) = (tb.vm("vm1").clone(), tb.vm("vm3").clone());
    let reachable = |vm: &testbed::Vm| {
        vm.cilium_json(&["status"]).is_ok_and(|s| {
            s["cluster"]["nodes"].as_array().is_some_and(|n| {
                n.iter().any(|n| n["name"] == "vm2" && n["health"]["state"] == "Reachable")
            })
        })
    };
    wait_for("vm2 reachable from vm1", Duration::from_secs(30), || reachable(&vm1)).expect("up");
    let open = tb
        .helper_file("open.yaml", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: open\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"80\", protocol: TCP}, {port: \"9962\", protocol: TCP}]}]\n")
        .expect("file");
    vm1.run(&["cilium", "policy", "apply", open.to_str().expect("utf-8")]).expect("apply");
    // A full table of unconfirmed connections.
    let flood = vm3
        .exec(&["python3", "-c", "from scapy.all import *\nsend(IP(src=RandIP('10.0.0.0/8'), dst='192.168.1.10')/TCP(sport=RandShort(), dport=80, flags='S'), count=12000, verbose=0)"])
        .expect("scapy");
    assert!(flood.status.success(), "{}", String::from_utf8_lossy(&flood.stderr));
    let pid = tb.agent_pid("vm1").expect("vm1's agent");
    let fds_before = open_fds(pid);
    // Thousands of idle sockets on the metrics and bootstrap ports, and scrapers in parallel.
    let hold = tb.helper_file("hold.py", HOLD).expect("file").to_str().expect("utf-8").to_string();
    // The metrics port from the LAN (the policy opens it); the bootstrap port, a failsafe of
    // the nodes, from a node.
    let mut opened = Vec::new();
    for (vm, port, mark) in [("vm3", "9962", ""), ("vm2", "4240", "0xe00")] {
        let log = tb.helper_file(&format!("hold-{port}"), "").expect("file");
        let cmd = format!("python3 {hold} 192.168.1.10 {port} 1500 25 {mark} > {}", log.display());
        tb.spawn(vm, &["sh", "-c", &cmd]).expect("hold");
        opened.push(log);
    }
    let scrape = "end=$(($(date +%s)+20)); while [ $(date +%s) -lt $end ]; do curl -s -m 3 -o /dev/null http://192.168.1.10:9962/metrics; done";
    for _ in 0..8 {
        tb.spawn("vm3", &["sh", "-c", scrape]).expect("scraper");
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut worst = Duration::ZERO;
    let mut most_fds = 0;
    while Instant::now() < deadline {
        let start = Instant::now();
        let out = vm1.exec(&["timeout", "5", "cilium", "status", "--brief"]).expect("status");
        assert!(
            out.status.success(),
            "the agent stalled: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        worst = worst.max(start.elapsed());
        most_fds = most_fds.max(open_fds(pid));
        std::thread::sleep(Duration::from_millis(200));
    }
    let opened: Vec<String> = opened
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default().trim().to_string())
        .collect();
    eprintln!(
        "cilium status under abuse: worst {worst:?}; agent fds {fds_before} -> at most {most_fds}; idle sockets opened (9962, 4240): {opened:?}"
    );
    assert!(
        most_fds < fds_before + 64 + 256 + 100,
        "file descriptors beyond the connection caps: {fds_before} -> {most_fds}"
    );
    assert!(reachable(&vm1), "the cluster stays healthy");
    // Once the abuse is over: metrics answer, with the pressure of the full table.
    wait_for("the table's pressure in the metrics", Duration::from_secs(60), || {
        vm1.exec(&["curl", "-s", "-m", "5", "http://127.0.0.1:9962/metrics"]).is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout).lines().any(|l| {
                l.starts_with("cilium_bpf_map_pressure{map_name=\"cilium_ct_pending\"}")
                    && l.rsplit(' ')
                        .next()
                        .and_then(|v| v.parse::<f64>().ok())
                        .is_some_and(|v| v > 0.9)
            })
        })
    })
    .expect("pressure reported");
    // The connections beyond the bootstrap port's cap were closed, and counted.
    let m = vm1.run(&["curl", "-s", "http://127.0.0.1:9962/metrics"]).expect("metrics");
    let m = String::from_utf8_lossy(&m.stdout).into_owned();
    assert!(
        m.lines()
            .any(|l| l.starts_with("cilium_node_announcements_rejected_total{reason=\"busy\"}")),
        "{}",
        m.lines().filter(|l| l.contains("rejected")).collect::<Vec<_>>().join("\n")
    );
}
