//! `bench/fleet`: N real agents on netns VMs (40 by default), once with membership through a
//! real etcd and once with the static `nodes:` list, the reference, in the same run.
//!
//! etcd: the agents find each other through the store; then the bench writes signed node
//! entries of its own, in the agents' format, until the store holds `--total` nodes (1,000 by
//! default), and registers `--joins` more one at a time: from each registration until every
//! real agent has the node as a WireGuard peer (p50/p99 over agents and joins). Idle with
//! every peer: each agent's CPU and memory, the packets per second each node sends, etcd's CPU
//! and the gRPC messages it receives per second.
//!
//! static: time until every agent sees every node Reachable; a node joining afterwards, until
//! every agent has it as a peer; the same idle figures. Ratios static over etcd close the run.
//!
//! `sudo cargo run --release -p bench --bin bench-fleet -- [--nodes 40] [--total 1000]
//! [--joins 5] [--idle 30] [--backend userspace|kernel] [--discovery both|etcd|static]
//! [--health off|on]`

use std::sync::mpsc;
use std::time::{Duration, Instant};

use agent_core::kvstore::etcd::Etcd;
use agent_core::kvstore::{EtcdConfig, KvStore};
use agent_core::nodes::announce::{self, Announcement, Secret};
use agent_core::nodes::kvstore as node_entries;
use anyhow::{Context, bail};
use base64::Engine;
use testbed::{TEST_SECRET, Testbed, Vm, built_binaries, seed_config, sweep_stale, unique_prefix};

const STORE_CIDR: &str = "192.168.200.1/16";
const STORE_URL: &str = "http://192.168.200.1:2379";
const CLUSTER: &str = "vm-cluster";

struct Args {
    nodes: usize,
    total: usize,
    joins: usize,
    idle: u64,
    backend: String,
    discovery: String,
    health: bool,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        nodes: 40,
        total: 1000,
        joins: 5,
        idle: 30,
        backend: "userspace".into(),
        discovery: "both".into(),
        health: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--nodes" => a.nodes = value()?.parse().context("--nodes")?,
            "--total" => a.total = value()?.parse().context("--total")?,
            "--joins" => a.joins = value()?.parse().context("--joins")?,
            "--idle" => a.idle = value()?.parse().context("--idle")?,
            "--backend" => a.backend = value()?,
            "--discovery" => a.discovery = value()?,
            "--health" => {
                a.health = match value()?.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => bail!("--health takes on or off"),
                }
            }
            other => bail!(
                "unknown flag {other}; flags: --nodes N, --total N, --joins N, --idle SECONDS, \
                 --backend userspace|kernel, --discovery both|etcd|static, --health on|off"
            ),
        }
    }
    if !["userspace", "kernel"].contains(&a.backend.as_str()) {
        bail!("--backend takes userspace or kernel");
    }
    if !["both", "etcd", "static"].contains(&a.discovery.as_str()) {
        bail!("--discovery takes both, etcd or static");
    }
    if !(2..=200).contains(&a.nodes) {
        bail!("--nodes takes 2 to 200");
    }
    if !(a.nodes..=5000).contains(&a.total) {
        bail!("--total takes --nodes to 5000");
    }
    if !(1..=100).contains(&a.joins) {
        bail!("--joins takes 1 to 100");
    }
    Ok(a)
}

fn ip(i: usize) -> String {
    format!("192.168.{}.{}", 1 + (i + 10) / 250, (i + 10) % 250 + 1)
}

/// The address of synthetic node `i`: off the VMs' subnet, so that nothing answers and no
/// neighbour entry is made for it (the tunnel and the health probe fail at once).
fn synthetic_ip(i: usize) -> String {
    format!("10.77.{}.{}", i / 250, i % 250 + 1)
}

/// CPU seconds (user + system) a process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let f: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Packets the bridge has received from each VM so far. `/proc/net/dev` follows the reader's
/// network namespace (sysfs would still show the host's devices).
fn packets_from(tb: &Testbed, names: &[String]) -> Vec<u64> {
    let br = format!("/var/run/netns/{}-br", tb.prefix());
    let dev = std::process::Command::new("nsenter")
        .arg(format!("--net={br}"))
        .args(["cat", "/proc/net/dev"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let rx: std::collections::HashMap<&str, u64> = dev
        .lines()
        .filter_map(|l| {
            let (name, counters) = l.split_once(':')?;
            Some((name.trim(), counters.split_whitespace().nth(1)?.parse().ok()?))
        })
        .collect();
    names.iter().map(|n| rx.get(n.as_str()).copied().unwrap_or(0)).collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

/// How many nodes `vm` sees Reachable, of how many.
fn reachable(vm: &Vm) -> (usize, usize) {
    vm.cilium_json(&["status"])
        .ok()
        .and_then(|s| {
            let n = s["cluster"]["nodes"].as_array()?.clone();
            Some((n.iter().filter(|n| n["health"]["state"] == "Reachable").count(), n.len()))
        })
        .unwrap_or((0, 0))
}

fn has_peer(vm: &Vm, endpoint: &str) -> bool {
    vm.exec(&["wg", "show", "cilium_wg0", "endpoints"])
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(endpoint))
}

/// Polls every agent (one after the other, as an operator's loop would) until each has
/// `endpoint` as a WireGuard peer; milliseconds since `t` per agent, None for the missing.
fn until_peer_everywhere(
    tb: &Testbed,
    agents: &[String],
    endpoint: &str,
    t: Instant,
    limit: Duration,
) -> Vec<Option<f64>> {
    let mut seen: Vec<Option<f64>> = vec![None; agents.len()];
    while seen.iter().any(Option::is_none) && t.elapsed() < limit {
        for (i, name) in agents.iter().enumerate() {
            if seen[i].is_none() && has_peer(tb.vm(name), endpoint) {
                seen[i] = Some(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    seen
}

/// Waits until every agent sees every one of them Reachable; the time since `started`.
fn converge(tb: &mut Testbed, agents: &[String], started: Instant) -> anyhow::Result<Duration> {
    let limit = Duration::from_secs(
        std::env::var("BENCH_CONVERGE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(300),
    );
    let deadline = Instant::now() + limit;
    loop {
        let pending: Vec<(String, (usize, usize))> = agents
            .iter()
            .map(|n| (n.clone(), reachable(tb.vm(n))))
            .filter(|(_, (r, t))| *r < agents.len() || *t < agents.len())
            .collect();
        let Some(worst) = pending.first() else { return Ok(started.elapsed()) };
        if Instant::now() > deadline {
            if std::env::var_os("BENCH_KEEP").is_some() {
                eprintln!("BENCH_KEEP: leaving the testbed {} running", tb.prefix());
                tb.keep();
            }
            let log = tb.agent_log(&worst.0);
            let lines: Vec<&str> = log.lines().collect();
            bail!(
                "no convergence after {} s: {} agents short, e.g. {} sees {}/{} reachable; its log:\n{}",
                limit.as_secs(),
                pending.len(),
                worst.0,
                worst.1.0,
                worst.1.1,
                lines[lines.len().saturating_sub(60)..].join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// What one idle period measured.
struct Idle {
    secs: f64,
    cpu: Vec<f64>,
    pkts: Vec<f64>,
    rss: Vec<f64>,
    etcd_cpu_pct: Option<f64>,
    etcd_msgs_per_s: Option<f64>,
}

impl Idle {
    fn print(&self, what: &str) {
        println!(
            "{what}, idle over {:.0} s: CPU per agent {:.2}% of a core (max {:.2}%), packets sent per node {:.1}/s (max {:.1}), agent RSS {:.1} MiB (max {:.1})",
            self.secs,
            mean(&self.cpu),
            max(&self.cpu),
            mean(&self.pkts),
            max(&self.pkts),
            mean(&self.rss),
            max(&self.rss)
        );
        if let (Some(cpu), Some(msgs)) = (self.etcd_cpu_pct, self.etcd_msgs_per_s) {
            println!("{what}, idle: etcd {cpu:.2}% of a core, {msgs:.1} gRPC messages received/s");
        }
    }
}

/// gRPC messages etcd has received so far (its own Prometheus counters).
fn etcd_messages(store: &Vm) -> Option<f64> {
    let out =
        store.exec(&["curl", "-s", "--max-time", "5", &format!("{STORE_URL}/metrics")]).ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let total: f64 = text
        .lines()
        .filter(|l| l.starts_with("grpc_server_msg_received_total"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    (total > 0.0).then_some(total)
}

fn idle(tb: &Testbed, agents: &[String], secs: u64, etcd: Option<u32>) -> Idle {
    let pids: Vec<u32> = agents.iter().filter_map(|n| tb.agent_pid(n)).collect();
    let cpu0: Vec<f64> = pids.iter().map(|p| cpu_seconds(*p)).collect();
    let pkts0 = packets_from(tb, agents);
    let etcd0 = etcd.map(|p| (cpu_seconds(p), etcd_messages(tb.vm("store"))));
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let secs = t0.elapsed().as_secs_f64();
    let cpu = pids.iter().zip(&cpu0).map(|(p, c)| (cpu_seconds(*p) - c) / secs * 100.0).collect();
    let pkts = packets_from(tb, agents)
        .iter()
        .zip(&pkts0)
        .map(|(n, p)| n.saturating_sub(*p) as f64 / secs)
        .collect();
    let rss = pids.iter().map(|p| rss_mib(*p)).collect();
    let (etcd_cpu_pct, etcd_msgs_per_s) = match (etcd, etcd0) {
        (Some(pid), Some((c0, m0))) => (
            Some((cpu_seconds(pid) - c0) / secs * 100.0),
            m0.zip(etcd_messages(tb.vm("store"))).map(|(a, b)| (b - a) / secs),
        ),
        _ => (None, None),
    };
    Idle { secs, cpu, pkts, rss, etcd_cpu_pct, etcd_msgs_per_s }
}

/// Writes node entries into the store from a thread inside the store's network namespace
/// (the testbed has no route out, by design).
struct Writer {
    jobs: mpsc::Sender<Job>,
}

/// Entries to put, and where to say it is done.
type Job = (Vec<(String, Vec<u8>)>, mpsc::Sender<Result<(), String>>);

impl Writer {
    fn start(tb: &Testbed) -> anyhow::Result<Writer> {
        let netns = std::fs::File::open(format!("/var/run/netns/{}-store", tb.prefix()))
            .context("the store's network namespace")?;
        let (jobs, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready) = mpsc::channel::<Result<(), String>>();
        std::thread::spawn(move || {
            let setup = || -> Result<(Etcd, tokio::runtime::Runtime), String> {
                nix::sched::setns(&netns, nix::sched::CloneFlags::CLONE_NEWNET)
                    .map_err(|e| format!("setns: {e}"))?;
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                let config =
                    EtcdConfig { endpoints: vec![STORE_URL.into()], ..EtcdConfig::default() };
                let etcd = {
                    let _in_runtime = rt.enter();
                    Etcd::new(&config).map_err(|e| e.to_string())?
                };
                Ok((etcd, rt))
            };
            let (etcd, rt) = match setup() {
                Ok(v) => {
                    let _ = ready_tx.send(Ok(()));
                    v
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            for (entries, done) in rx {
                let r = rt.block_on(async {
                    for (key, value) in entries {
                        etcd.put(&key, value, None).await.map_err(|e| e.to_string())?;
                    }
                    Ok(())
                });
                let _ = done.send(r);
            }
        });
        ready.recv().context("writer thread")?.map_err(anyhow::Error::msg)?;
        Ok(Writer { jobs })
    }

    fn put(&self, entries: Vec<(String, Vec<u8>)>) -> anyhow::Result<()> {
        let (done, wait) = mpsc::channel();
        self.jobs.send((entries, done)).context("writer gone")?;
        wait.recv().context("writer gone")?.map_err(anyhow::Error::msg)
    }
}

/// Synthetic node `i`'s entry, signed like an agent's own.
fn synthetic(secret: &Secret, i: usize) -> (String, Vec<u8>, String) {
    let mut key = [0u8; 32];
    key[0] = b'S';
    key[1..9].copy_from_slice(&(i as u64).to_be_bytes());
    let name = format!("synthetic-{i}");
    let a = Announcement {
        cluster: CLUSTER.into(),
        name: name.clone(),
        ips: synthetic_ip(i).parse().into_iter().collect(),
        labels: [("node".to_string(), name.clone()), ("env".to_string(), "production".into())]
            .into(),
        wg_public_key: base64::engine::general_purpose::STANDARD.encode(key),
        wg_port: 51871,
        endpoint: None,
        key_index: 0,
        version: "bench".into(),
        timestamp: announce::now_ms(),
        nonce: announce::nonce(),
        bootstrap: false,
    };
    let value = node_entries::encode(&a, announce::seal(secret, &a), 1);
    (node_entries::node_key(CLUSTER, &name), value, format!("{}:51871", synthetic_ip(i)))
}

struct Figures {
    join_p99_ms: f64,
    idle: Idle,
}

fn join_line(what: &str, joins: &mut [f64], expected: usize) {
    joins.sort_by(f64::total_cmp);
    println!(
        "{what}: {} of {expected} joins seen by an agent as a WireGuard peer; p50 {:.0} ms, p99 {:.0} ms (an upper bound: the poll of every agent in turn adds up to a few hundred ms)",
        joins.len(),
        percentile(joins, 0.5),
        percentile(joins, 0.99),
    );
}

/// The seed's config with the bench's backend, and health probing as asked: off by default,
/// because the synthetic nodes never answer, and probing a thousand dead peers (each probe
/// starting WireGuard's 90 s of handshake retries) measures a fleet that is down, not one at
/// rest. `--health on` measures probing itself.
fn tuned(config: String, a: &Args) -> String {
    let mut c = config.replace(
        "  nodeEncryption: true\n",
        &format!("  nodeEncryption: true\n  backend: {}\n", a.backend),
    );
    if !a.health {
        c.push_str("healthChecking:\n  enabled: false\n");
    }
    c
}

fn run_etcd(a: &Args) -> anyhow::Result<Figures> {
    let names: Vec<String> = (1..=a.nodes).map(|i| format!("vm{i}")).collect();
    let mut cidrs: Vec<String> = (0..a.nodes).map(|i| format!("{}/16", ip(i))).collect();
    cidrs.push(STORE_CIDR.into());
    let mut vms: Vec<(&str, &str)> =
        names.iter().zip(&cidrs).map(|(n, c)| (n.as_str(), c.as_str())).collect();
    vms.push(("store", STORE_CIDR));
    eprintln!("etcd: creating {} VMs and the store", a.nodes);
    let mut tb = Testbed::create(&unique_prefix(), &vms, built_binaries())?;
    tb.share_secret(TEST_SECRET)?;
    let data = tb.helper_file("etcd.keep", "")?.with_extension("data");
    let data = data.to_str().context("utf-8 path")?.to_string();
    let mut etcd = tb.spawn_child(
        "store",
        &[
            "etcd",
            "--name=store",
            &format!("--data-dir={data}"),
            &format!("--listen-client-urls={STORE_URL}"),
            &format!("--advertise-client-urls={STORE_URL}"),
            "--listen-peer-urls=http://127.0.0.1:2380",
            "--initial-advertise-peer-urls=http://127.0.0.1:2380",
            "--initial-cluster=store=http://127.0.0.1:2380",
            "--log-level=error",
        ],
    )?;
    let etcd_pid = etcd.id();
    let result = (|| {
        let store = tb.vm("store").clone();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !store
            .exec(&["etcdctl", "--endpoints", STORE_URL, "endpoint", "health"])
            .is_ok_and(|o| o.status.success())
        {
            if Instant::now() > deadline {
                bail!("etcd did not answer within 30 s");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let writer = Writer::start(&tb)?;
        let config = |name: &str| {
            tuned(seed_config(name, &[], &[]), a)
                .replace("nodes:\n", &format!("etcd:\n  endpoints:\n    - {STORE_URL}\n"))
        };
        let started = Instant::now();
        for name in &names {
            tb.start_agent(name, &config(name))?;
        }
        eprintln!("etcd: {} agents started in {:.1} s", a.nodes, started.elapsed().as_secs_f64());
        let converged = converge(&mut tb, &names, started)?;
        println!(
            "etcd, {} agents: every node Reachable on every agent {:.1} s after the first start",
            a.nodes,
            converged.as_secs_f64()
        );

        // The rest of the fleet, signed as agents sign, written in batches.
        let secret = Secret::from_base64(TEST_SECRET).map_err(anyhow::Error::msg)?;
        let synthetic_count = a.total - a.nodes;
        let t = Instant::now();
        let entries: Vec<(String, Vec<u8>)> =
            (0..synthetic_count).map(|i| synthetic(&secret, i)).map(|(k, v, _)| (k, v)).collect();
        for chunk in entries.chunks(100) {
            writer.put(chunk.to_vec())?;
        }
        let written = t.elapsed();
        let last = format!("{}:51871", synthetic_ip(synthetic_count.saturating_sub(1)));
        let seen = until_peer_everywhere(&tb, &names, &last, t, Duration::from_secs(300));
        let everywhere = seen.iter().flatten().copied().fold(0.0, f64::max);
        if seen.iter().any(Option::is_none) {
            bail!("not every agent had the last of {synthetic_count} written nodes as a peer");
        }
        println!(
            "etcd: {synthetic_count} more node entries written in {:.1} s; the last a WireGuard peer of every agent {:.1} s after the first write",
            written.as_secs_f64(),
            everywhere / 1e3
        );

        // Joins into the full fleet, one at a time.
        let mut joins = Vec::new();
        for j in 0..a.joins {
            let (key, value, endpoint) = synthetic(&secret, synthetic_count + j);
            let t = Instant::now();
            writer.put(vec![(key, value)])?;
            let seen = until_peer_everywhere(&tb, &names, &endpoint, t, Duration::from_secs(60));
            joins.extend(seen.iter().flatten().copied());
        }
        let expected = a.joins * a.nodes;
        join_line(&format!("etcd, {} nodes", a.total + a.joins), &mut joins, expected);
        if joins.len() < expected {
            bail!("{} joins never reached an agent", expected - joins.len());
        }
        let idle = idle(&tb, &names, a.idle, Some(etcd_pid));
        idle.print(&format!("etcd, {} nodes", a.total + a.joins));
        Ok(Figures { join_p99_ms: percentile(&joins, 0.99), idle })
    })();
    let _ = etcd.kill();
    let _ = etcd.wait();
    result
}

fn run_static(a: &Args) -> anyhow::Result<Figures> {
    let names: Vec<String> = (1..=a.nodes + 1).map(|i| format!("vm{i}")).collect();
    let cidrs: Vec<String> = (0..=a.nodes).map(|i| format!("{}/16", ip(i))).collect();
    let vms: Vec<(&str, &str)> =
        names.iter().zip(&cidrs).map(|(n, c)| (n.as_str(), c.as_str())).collect();
    eprintln!("static: creating {} VMs", vms.len());
    let mut tb = Testbed::create(&unique_prefix(), &vms, built_binaries())?;
    tb.share_secret(TEST_SECRET)?;
    let config = |name: &str, members: &[&str]| tuned(seed_config(name, members, &[]), a);
    let members: Vec<String> = (0..a.nodes).map(ip).collect();
    let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let started = Instant::now();
    for name in &names[..a.nodes] {
        tb.start_agent(name, &config(name, &member_refs))?;
    }
    let all_started = started.elapsed();
    let agents = names[..a.nodes].to_vec();
    let converged = converge(&mut tb, &agents, started)?;
    println!(
        "static, {} agents: every node Reachable on every agent {:.1} s after the first start ({:.1} s to start them)",
        a.nodes,
        converged.as_secs_f64(),
        all_started.as_secs_f64()
    );

    // A node that joins afterwards: listed by nobody, it lists every member.
    let joiner = &names[a.nodes];
    let mut all = member_refs.clone();
    let joiner_ip = ip(a.nodes);
    all.push(&joiner_ip);
    let t = Instant::now();
    tb.start_agent(joiner, &config(joiner, &all))?;
    let seen = until_peer_everywhere(
        &tb,
        &agents,
        &format!("{joiner_ip}:51871"),
        t,
        Duration::from_secs(120),
    );
    let mut joins: Vec<f64> = seen.iter().flatten().copied().collect();
    join_line(
        &format!("static, {} nodes (from the agent's start)", a.nodes + 1),
        &mut joins,
        a.nodes,
    );
    if joins.len() < a.nodes {
        bail!("{} agents never had the new node as a peer", a.nodes - joins.len());
    }
    let idle = idle(&tb, &names, a.idle, None);
    idle.print(&format!("static, {} nodes", a.nodes + 1));
    Ok(Figures { join_p99_ms: percentile(&joins, 0.99), idle })
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    sweep_stale();
    println!(
        "health probing {} (--health), backend {}",
        if a.health { "on" } else { "off" },
        a.backend
    );
    let etcd = (a.discovery != "static").then(|| run_etcd(&a)).transpose()?;
    let reference = (a.discovery != "etcd").then(|| run_static(&a)).transpose()?;
    if let (Some(e), Some(s)) = (&etcd, &reference) {
        let ratio = |s: f64, e: f64| if e > 0.0 { s / e } else { f64::INFINITY };
        println!(
            "static ({} nodes) over etcd ({} nodes): packets/s per node {:.1}, CPU per agent {:.1}, RSS {:.2}, join p99 {:.2}",
            a.nodes + 1,
            a.total + a.joins,
            ratio(mean(&s.idle.pkts), mean(&e.idle.pkts)),
            ratio(mean(&s.idle.cpu), mean(&e.idle.cpu)),
            ratio(mean(&s.idle.rss), mean(&e.idle.rss)),
            ratio(s.join_p99_ms, e.join_p99_ms),
        );
    }
    let (nodes, f) = match (&etcd, &reference) {
        (Some(e), _) => (a.total + a.joins, e),
        (None, Some(s)) => (a.nodes + 1, s),
        (None, None) => bail!("nothing measured"),
    };
    println!(
        "fleet: nodes={nodes} join_p99_ms={:.0} rss_mib={:.1} idle_cpu_pct={:.2}",
        f.join_p99_ms,
        mean(&f.idle.rss),
        mean(&f.idle.cpu)
    );
    Ok(())
}
