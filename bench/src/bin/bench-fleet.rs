//! `bench/fleet`: N real agents on netns VMs (40 by default) with the static `nodes:` list;
//! time until every agent sees every node Reachable; a node joining afterwards, until every
//! agent has it as a WireGuard peer (p50/p99 over the agents); then, idle, each agent's CPU,
//! memory and the packets per second each node sends.
//!
//! `sudo cargo run --release -p bench --bin bench-fleet -- [--nodes 40] [--idle 30]
//! [--backend userspace|kernel]`

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use testbed::{TEST_SECRET, Testbed, built_binaries, seed_config, sweep_stale, unique_prefix};

struct Args {
    nodes: usize,
    idle: u64,
    backend: String,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args { nodes: 40, idle: 30, backend: "userspace".into() };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--nodes" => a.nodes = value()?.parse().context("--nodes")?,
            "--idle" => a.idle = value()?.parse().context("--idle")?,
            "--backend" => a.backend = value()?,
            other => bail!(
                "unknown flag {other}; flags: --nodes N, --idle SECONDS, --backend userspace|kernel"
            ),
        }
    }
    if !["userspace", "kernel"].contains(&a.backend.as_str()) {
        bail!("--backend takes userspace or kernel");
    }
    if !(2..=200).contains(&a.nodes) {
        bail!("--nodes takes 2 to 200");
    }
    Ok(a)
}

fn ip(i: usize) -> String {
    format!("192.168.{}.{}", 1 + (i + 10) / 250, (i + 10) % 250 + 1)
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

/// How many nodes `vm` sees Reachable, of how many.
fn reachable(vm: &testbed::Vm) -> (usize, usize) {
    vm.cilium_json(&["status"])
        .ok()
        .and_then(|s| {
            let n = s["cluster"]["nodes"].as_array()?.clone();
            Some((n.iter().filter(|n| n["health"]["state"] == "Reachable").count(), n.len()))
        })
        .unwrap_or((0, 0))
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    sweep_stale();
    let names: Vec<String> = (1..=a.nodes + 1).map(|i| format!("vm{i}")).collect();
    let cidrs: Vec<String> = (0..=a.nodes).map(|i| format!("{}/16", ip(i))).collect();
    let vms: Vec<(&str, &str)> =
        names.iter().zip(&cidrs).map(|(n, c)| (n.as_str(), c.as_str())).collect();
    eprintln!("creating {} VMs", vms.len());
    let mut tb = Testbed::create(&unique_prefix(), &vms, built_binaries())?;
    tb.share_secret(TEST_SECRET)?;
    let config = |name: &str, members: &[&str]| {
        seed_config(name, members, &[]).replace(
            "  nodeEncryption: true\n",
            &format!("  nodeEncryption: true\n  backend: {}\n", a.backend),
        )
    };
    let members: Vec<String> = (0..a.nodes).map(ip).collect();
    let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let started = Instant::now();
    for name in &names[..a.nodes] {
        tb.start_agent(name, &config(name, &member_refs))?;
    }
    let all_started = started.elapsed();
    eprintln!(
        "{} agents started in {:.1} s; waiting for every node Reachable",
        a.nodes,
        all_started.as_secs_f64()
    );
    let deadline = Instant::now()
        + Duration::from_secs(
            std::env::var("BENCH_CONVERGE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(300),
        );
    let converged = loop {
        let pending: Vec<(String, (usize, usize))> = names[..a.nodes]
            .iter()
            .map(|n| (n.clone(), reachable(tb.vm(n))))
            .filter(|(_, (r, t))| *r < a.nodes || *t < a.nodes)
            .collect();
        if pending.is_empty() {
            break started.elapsed();
        }
        if Instant::now() > deadline {
            if std::env::var_os("BENCH_KEEP").is_some() {
                eprintln!("BENCH_KEEP: leaving the testbed {} running", tb.prefix());
                tb.keep();
            }
            let worst = &pending[0];
            bail!(
                "no convergence after 300 s: {} agents short, e.g. {} sees {}/{} reachable; its log:\n{}",
                pending.len(),
                worst.0,
                worst.1.0,
                worst.1.1,
                {
                    let log = tb.agent_log(&worst.0);
                    let lines: Vec<&str> = log.lines().collect();
                    lines[lines.len().saturating_sub(60)..].join("\n")
                }
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    println!(
        "{} agents, static list: every node Reachable on every agent {:.1} s after the first start ({:.1} s to start them)",
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
    let mut seen: Vec<Option<f64>> = vec![None; a.nodes];
    let deadline = Instant::now() + Duration::from_secs(120);
    while seen.iter().any(Option::is_none) && Instant::now() < deadline {
        for (i, name) in names[..a.nodes].iter().enumerate() {
            if seen[i].is_some() {
                continue;
            }
            let wg = tb.vm(name).exec(&["wg", "show", "cilium_wg0", "endpoints"])?;
            if String::from_utf8_lossy(&wg.stdout).contains(&format!("{joiner_ip}:51871")) {
                seen[i] = Some(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    let mut joins: Vec<f64> = seen.iter().flatten().copied().collect();
    joins.sort_by(f64::total_cmp);
    let missing = seen.iter().filter(|s| s.is_none()).count();
    println!(
        "join: {} of {} agents had the new node as a WireGuard peer; p50 {:.0} ms, p99 {:.0} ms (the poll of {} agents adds up to a few hundred ms)",
        joins.len(),
        a.nodes,
        percentile(&joins, 0.5),
        percentile(&joins, 0.99),
        a.nodes
    );

    // Idle: nothing but the agents' own traffic.
    let pids: Vec<u32> = names.iter().filter_map(|n| tb.agent_pid(n)).collect();
    let cpu0: Vec<f64> = pids.iter().map(|p| cpu_seconds(*p)).collect();
    let pkts0 = packets_from(&tb, &names);
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(a.idle));
    let secs = t0.elapsed().as_secs_f64();
    let cpu: Vec<f64> =
        pids.iter().zip(&cpu0).map(|(p, c)| (cpu_seconds(*p) - c) / secs * 100.0).collect();
    let pkts: Vec<f64> = packets_from(&tb, &names)
        .iter()
        .zip(&pkts0)
        .map(|(n, p)| n.saturating_sub(*p) as f64 / secs)
        .collect();
    let rss: Vec<f64> = pids.iter().map(|p| rss_mib(*p)).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "idle over {secs:.0} s: CPU per agent {:.2}% of a core (max {:.2}%), packets sent per node {:.1}/s (max {:.1}), agent RSS {:.1} MiB (max {:.1})",
        mean(&cpu),
        max(&cpu),
        mean(&pkts),
        max(&pkts),
        mean(&rss),
        max(&rss)
    );
    if missing > 0 {
        bail!("{missing} agents never had the new node as a peer");
    }
    println!(
        "fleet: nodes={} join_p99_ms={:.0} rss_mib={:.1} idle_cpu_pct={:.2}",
        a.nodes + 1,
        percentile(&joins, 0.99),
        mean(&rss),
        mean(&cpu)
    );
    Ok(())
}
