//! `bench/hubble`: how fast the observer turns datapath events into flows and filters them, and
//! how long `hubble observe --last 4095 -o json` takes against a full ring, each against a
//! baseline measured in the same run:
//! - decode+filter vs. the same loop that only clones the event (the cost of walking the data);
//! - the full ring vs. the same client, same server and same request with a filter that matches
//!   nothing (process start, connection and ring scan, but nothing sent or printed).
//!
//! - Hubble Relay over 10 nodes (each a full ring behind its own TCP listener on loopback) vs.
//!   one node read directly: the time of `hubble observe --last 4095 -o json` (the relay's
//!   `--last` is per node, so ten times the flows) and the flows per second of each; and the
//!   relay with `--last` a tenth as large, the same number of flows as the one node.
//!
//! No root needed: the observers run in this process on a unix socket in a temp directory and
//! on loopback.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agent_core::api::monitor::{EventKind, MonitorEvent};
use agent_core::hubble::filter::FlowFilters;
use agent_core::hubble::observer::Observer;
use agent_core::hubble::parse::Enrichment;
use agent_core::hubble::proto::flow::{FlowFilter, Verdict};
use agent_core::hubble::proto::peer::{ChangeNotification, ChangeNotificationType};
use agent_core::hubble::{relay, server};
use futures_util::StreamExt;

const EVENTS: u64 = 1_000_000;
const RING: usize = 4095;

fn event(i: u64) -> MonitorEvent {
    let kind = match i % 3 {
        0 => EventKind::Trace,
        1 => EventKind::Drop,
        _ => EventKind::PolicyVerdict,
    };
    MonitorEvent {
        time_ns: 1_700_000_000_000_000_000 + i * 1000,
        kind,
        subtype: if kind == EventKind::Drop { 133 } else { 11 },
        ingress: i.is_multiple_of(2),
        src: std::net::IpAddr::from([192, 168, 1, 10 + (i % 3) as u8]),
        dst: std::net::IpAddr::from([192, 168, 1, 11]),
        sport: 30_000 + (i % 30_000) as u16,
        dport: 8080,
        proto: 6,
        tcp_flags: 0x02,
        verdict: if i.is_multiple_of(7) { 4 } else { 1 },
        ct_state: 1,
        match_type: 2,
        icmp_type: 0,
        icmp_code: 0,
        ifindex: 2,
        len: 60,
        src_identity: 6,
        dst_identity: 1,
        rule_id: 1,
    }
}

fn enrichment() -> Enrichment {
    Enrichment {
        node_name: "vm-cluster/vm2".into(),
        local_ips: vec![std::net::IpAddr::from([192, 168, 1, 11])],
        host_labels: vec!["reserved:host".into(), "node:env=production".into()],
        node_labels: vec!["node:env=production".into()],
        identity_labels: [(6, vec!["reserved:remote-node".to_string()])].into(),
        names: [(std::net::IpAddr::from([192, 168, 1, 10]), "vm1".to_string())].into(),
        cluster: "vm-cluster".into(),
        remote: Default::default(),
        rules: vec!["frontend-to-backend".into()],
        interfaces: [(2, "eth0".to_string())].into(),
        proxy_port: 0,
        version: "bench".into(),
    }
}

fn time_cmd(cmd: &mut Command, runs: u32) -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let out = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).output()?;
        let d = t.elapsed();
        anyhow::ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        best = best.min(d);
    }
    Ok(best)
}

fn main() -> anyhow::Result<()> {
    testbed::build_binaries(true)?;
    let events: Vec<MonitorEvent> = (0..EVENTS).map(event).collect();
    let view = enrichment();
    // A typical operator filter: drops or audits from one subnet to one port.
    let filters = FlowFilters::compile(
        &[FlowFilter {
            source_ip: vec!["192.168.1.0/24".into()],
            destination_port: vec!["8080".into()],
            verdict: vec![Verdict::Dropped as i32, Verdict::Audit as i32],
            ..Default::default()
        }],
        &[],
    )?;

    let t = Instant::now();
    for e in &events {
        black_box(e.clone());
    }
    let base = t.elapsed();
    let t = Instant::now();
    let mut matched = 0u64;
    for e in &events {
        let f = view.flow(e);
        matched += u64::from(filters.matches(&f));
        black_box(f);
    }
    let full = t.elapsed();
    let t = Instant::now();
    let flows: Vec<_> = events.iter().take(100_000).map(|e| view.flow(e)).collect();
    let _ = t.elapsed();
    let t = Instant::now();
    let mut m2 = 0u64;
    for _ in 0..10 {
        for f in &flows {
            m2 += u64::from(filters.matches(f));
        }
    }
    let filter_only = t.elapsed();
    let rate = |n: u64, d: Duration| n as f64 / d.as_secs_f64();
    println!("observer, {EVENTS} events ({matched} matched the filter):");
    println!("  baseline (clone each event)      {:>12.0} events/s", rate(EVENTS, base));
    println!("  decode to Flow + filter          {:>12.0} flows/s", rate(EVENTS, full));
    println!(
        "  filter alone (1M checks)         {:>12.0} flows/s   ({m2} matched)",
        rate(1_000_000, filter_only)
    );
    println!(
        "  ratio decode+filter / baseline   {:>12.3}",
        base.as_secs_f64() / full.as_secs_f64()
    );

    // A full ring behind a real socket, read by the real client.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let dir = tempfile::tempdir()?;
    let sock = dir.path().join("hubble.sock");
    let obs =
        Arc::new(Observer::new(RING, "vm-cluster/vm2".into(), "bench".into(), Box::new(Vec::new)));
    for e in events.iter().take(RING) {
        obs.push_flow(view.flow(e));
    }
    let listener = rt.block_on(async { tokio::net::UnixListener::bind(&sock) })?;
    let o = obs.clone();
    rt.spawn(async move {
        server::serve_unix(server::Services::Node(o), listener, std::future::pending()).await
    });
    let hubble = testbed::built_binaries().join("hubble");
    let server = format!("unix://{}", sock.display());
    let mut full_cmd = Command::new(&hubble);
    full_cmd.args(["observe", "--server", &server, "--last", "4095", "-o", "json"]);
    let mut none_cmd = Command::new(&hubble);
    none_cmd.args([
        "observe",
        "--server",
        &server,
        "--last",
        "4095",
        "-o",
        "json",
        "--verdict",
        "ERROR",
    ]);
    // Warm up the connection path once.
    time_cmd(&mut none_cmd, 1)?;
    let none = time_cmd(&mut none_cmd, 5)?;
    let fullring = time_cmd(&mut full_cmd, 5)?;
    println!("hubble observe --last 4095 -o json against a full ring (best of 5):");
    println!("  baseline (same request, nothing matches) {:>8.1} ms", none.as_secs_f64() * 1e3);
    println!(
        "  full ring, printed as JSON                {:>8.1} ms",
        fullring.as_secs_f64() * 1e3
    );
    println!(
        "  ratio                                     {:>8.2}",
        fullring.as_secs_f64() / none.as_secs_f64()
    );

    // Hubble Relay over ten nodes, each a full ring on its own TCP port.
    let mut peers = Vec::new();
    for n in 0..NODES {
        let name = format!("vm-cluster/vm{n}");
        let o = Arc::new(Observer::new(RING, name.clone(), "bench".into(), Box::new(Vec::new)));
        // The nodes' flows interleave in time, as a fleet's do.
        for (i, e) in events.iter().take(RING).enumerate() {
            let mut f = view.flow(e);
            f.time = Some(agent_core::hubble::timestamp::Timestamp::from_unix_nanos(
                1_700_000_000_000_000_000 + (i as u64 * NODES + n) * 1000,
            ));
            o.push_flow(f);
        }
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        rt.spawn(async move {
            server::serve_tcp(
                server::Services::Node(o),
                listener,
                None,
                None,
                std::future::pending(),
            )
            .await
        });
        peers.push(ChangeNotification {
            name,
            address: addr.to_string(),
            r#type: ChangeNotificationType::PeerAdded as i32,
            tls: None,
        });
    }
    let relay = rt.block_on(async {
        let relay = relay::Relay::new(
            relay::pool::Pool::new(Box::new(relay::backend::AgentDialer {
                local_name: String::new(),
                local: agent_core::hubble::observer::Service(obs.clone()),
                tls: relay::backend::ClientTls::default(),
            })),
            "vm-cluster/relay".into(),
            "bench".into(),
            relay::Options::default(),
        );
        relay.follow(Arc::new(StaticPeers(peers)));
        relay
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while relay.members().iter().filter(|m| m.state.is_ok()).count() < NODES as usize {
        anyhow::ensure!(Instant::now() < deadline, "the relay did not reach its {NODES} nodes");
        std::thread::sleep(Duration::from_millis(50));
    }
    let relay_sock = dir.path().join("relay.sock");
    let listener = rt.block_on(async { tokio::net::UnixListener::bind(&relay_sock) })?;
    rt.spawn(async move {
        server::serve_unix(server::Services::Relay(relay), listener, std::future::pending()).await
    });
    let relay_server = format!("unix://{}", relay_sock.display());
    let mut relay_cmd = Command::new(&hubble);
    relay_cmd.args(["observe", "--server", &relay_server, "--last", "4095", "-o", "json"]);
    time_cmd(&mut relay_cmd, 1)?;
    let through_relay = time_cmd(&mut relay_cmd, 5)?;
    let one = fullring.as_secs_f64();
    let ten = through_relay.as_secs_f64();
    println!("hubble observe --last 4095 -o json through Hubble Relay, {NODES} nodes (best of 5):");
    println!("  one node directly ({RING} flows)           {:>8.1} ms", one * 1e3);
    println!(
        "  relay, {NODES} nodes ({} flows)          {:>8.1} ms",
        RING as u64 * NODES,
        ten * 1e3
    );
    println!("  ratio relay / one node                    {:>8.2}", ten / one);
    println!(
        "  flows/s: one node {:.0}, relay {:.0} (ratio {:.2})",
        RING as f64 / one,
        (RING as u64 * NODES) as f64 / ten,
        ((RING as u64 * NODES) as f64 / ten) / (RING as f64 / one)
    );
    // The relay asks every node for `--last N` and returns them all (N per node, as upstream's
    // relay does), so the ratio above is for ten times the output. The same output size: N/10
    // per node through the relay against N from one node.
    let per_node = (RING as u64).div_ceil(NODES);
    let mut equal_cmd = Command::new(&hubble);
    equal_cmd.args([
        "observe",
        "--server",
        &relay_server,
        "--last",
        &per_node.to_string(),
        "-o",
        "json",
    ]);
    time_cmd(&mut equal_cmd, 1)?;
    let equal = time_cmd(&mut equal_cmd, 5)?.as_secs_f64();
    println!(
        "  relay, {NODES} nodes, --last {per_node} ({} flows)  {:>8.1} ms",
        per_node * NODES,
        equal * 1e3
    );
    println!("  ratio relay / one node at equal output    {:>8.2}", equal / one);
    println!(
        "targets: >= 1,000,000 flows/s through filters; < 100 ms for the full ring; relay over {NODES} nodes <= 3x one node"
    );
    Ok(())
}

const NODES: u64 = 10;

/// The relay's Peer service in this bench: the ten nodes, then nothing.
struct StaticPeers(Vec<ChangeNotification>);

#[tonic::async_trait]
impl relay::pool::PeerFeed for StaticPeers {
    async fn subscribe(&self) -> Result<relay::pool::PeerStream, tonic::Status> {
        let items: Vec<Result<ChangeNotification, tonic::Status>> =
            self.0.iter().cloned().map(Ok).collect();
        Ok(Box::pin(futures_util::stream::iter(items).chain(futures_util::stream::pending())))
    }
}
