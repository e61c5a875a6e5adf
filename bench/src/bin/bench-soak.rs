//! `bench/soak`: 10 VMs under steady traffic while the cluster churns, for `--duration`
//! (10 minutes by default).
//!
//! Traffic: vm1..vm9 each hold a TCP session to the next one (vm9 to vm1), a ping every 100 ms;
//! a session that breaks (reset, end of stream, or no answer within 30 s) is counted and opened
//! again. vm10 is the node that leaves and joins. Churn, one step every `--every` seconds (5 by
//! default), in turn: a policy applied, the policy deleted, a runtime label changed, vm10
//! leaving, vm10 joining, an agent crashed and started again (never vm9's: it is the witness that
//! lives through everything), a key rotation; every step also scrapes every agent's metrics.
//!
//! Printed every minute: the witness's RSS and open descriptors. At the end: each agent's RSS and
//! open file descriptors at the start and the end (of the process running then),
//! every packet between nodes a capture saw that was neither WireGuard nor the label-free
//! bootstrap port, and the sessions broken. Exits non-zero when anything leaked or broke.
//!
//! `sudo cargo run --release -p bench --bin bench-soak -- [--duration 10m] [--every 5s]`

use std::time::{Duration, Instant};

use agent_core::config::{format_duration, parse_duration};
use anyhow::{Context, bail};
use testbed::{
    Capture, Testbed, Vm, built_binaries, seed_config, sweep_stale, unique_prefix, wait_for,
};

const VMS: usize = 10;
const SESSION_PORT: u16 = 9000;
/// The node that leaves and joins; the others carry the sessions.
const CHURN_NODE: &str = "vm10";
/// The agent that is never crashed: it lives through the whole soak, so its memory and
/// descriptors over time show a leak if there is one.
const WITNESS: &str = "vm9";

/// A session that reconnects: `python3 soak.py ADDRESS PORT LOG`. Each break is a line
/// `broken <why>` in the log; answers count as `pong`.
const SOAK_CLIENT: &str = r#"
import socket, sys, time
host, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def note(line):
    with open(log, "a") as f: f.write(line + "\n")
while True:
    try:
        c = socket.create_connection((host, port), 30)
        c.settimeout(30)
        note("connected")
        n = 0
        while True:
            c.sendall(b"ping %d\n" % n)
            d = c.recv(64)
            if not d: raise ConnectionError("end of stream")
            note("pong")
            n += 1; time.sleep(0.1)
    except Exception as e:
        note("broken %s" % type(e).__name__)
        time.sleep(0.5)
"#;

struct Args {
    duration: Duration,
    every: Duration,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args { duration: Duration::from_secs(600), every: Duration::from_secs(5) };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        let mut duration = |what: &str| -> anyhow::Result<Duration> {
            let v = value()?;
            parse_duration(&v)
                .with_context(|| format!("{what}: {v:?} is not a duration (10m, 30s)"))
        };
        match flag.as_str() {
            "--duration" => a.duration = duration("--duration")?,
            "--every" => a.every = duration("--every")?,
            other => bail!("unknown flag {other}; flags: --duration D, --every D"),
        }
    }
    if a.every < Duration::from_secs(1) || a.duration < a.every {
        bail!("--every takes at least 1s, and --duration at least --every");
    }
    Ok(a)
}

fn name(i: usize) -> String {
    format!("vm{i}")
}

fn ip(i: usize) -> String {
    format!("192.168.1.{}", 9 + i)
}

#[derive(Debug, Clone, Copy)]
struct Usage {
    rss_mib: f64,
    fds: usize,
}

fn usage(tb: &Testbed, vm: &str) -> Option<Usage> {
    let pid = tb.agent_pid(vm)?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    Some(Usage { rss_mib: kib / 1024.0, fds })
}

fn policy(node: &str) -> String {
    format!(
        "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: soak-{node}\n\
         spec:\n  nodeSelector:\n    matchLabels:\n      node: {node}\n\
         \x20 ingress:\n  - fromEntities: [cluster]\n    toPorts:\n    - ports:\n      - port: \"{SESSION_PORT}\"\n        protocol: TCP\n\
         \x20     - port: \"22\"\n        protocol: TCP\n\
         \x20 egress:\n  - toEntities: [all]\n"
    )
}

fn run_ok(vm: &Vm, argv: &[&str]) -> anyhow::Result<String> {
    let out = vm.run(argv).with_context(|| format!("{argv:?} in {}", vm.name))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Step `n` of the churn; returns what it did.
fn churn(tb: &mut Testbed, n: usize, config10: &str) -> anyhow::Result<String> {
    // The session nodes, in turn: vm1, vm2, ... vm9.
    let k = name(1 + (n / 7) % (VMS - 1));
    // Crashes skip the witness, whose memory then tells of everything the churn did to it.
    let crashed = if k == WITNESS { name(1) } else { k.clone() };
    let vm = tb.vm(&k).clone();
    let did = match n % 7 {
        0 => {
            let file = tb.helper_file(&format!("soak-{k}.yaml"), &policy(&k))?;
            let file = file.to_str().context("utf-8 path")?.to_string();
            run_ok(&vm, &["cilium", "policy", "apply", &file])?;
            format!("policy applied on {k}")
        }
        1 => {
            run_ok(
                &vm,
                &[
                    "cilium",
                    "policy",
                    "delete",
                    &format!("soak-{}", name(1 + ((n - 1) / 7) % (VMS - 1))),
                ],
            )?;
            "policy deleted".into()
        }
        2 => {
            run_ok(&vm, &["cilium", "labels", "add", &format!("soak=round{n}")])?;
            format!("label soak=round{n} on {k}")
        }
        3 => {
            tb.kill_agent(CHURN_NODE);
            format!("{CHURN_NODE} left")
        }
        4 => {
            tb.start_agent(CHURN_NODE, config10)?;
            format!("{CHURN_NODE} joined")
        }
        5 => {
            tb.kill_agent(&crashed);
            tb.restart_agent(&crashed)?;
            format!("{crashed}'s agent crashed and restarted")
        }
        _ => {
            run_ok(&vm, &["cilium", "encryption", "rotate", "--timeout", "30s"])?;
            format!("key rotated on {k}")
        }
    };
    for v in tb.vms().to_vec() {
        // Scrapes are part of the load; a failed scrape of a node that just left is expected.
        let _ =
            v.exec(&["curl", "-sf", "-o", "/dev/null", &format!("http://{}:9962/metrics", v.ip)]);
    }
    Ok(did)
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    sweep_stale();
    let names: Vec<String> = (1..=VMS).map(name).collect();
    let cidrs: Vec<String> = (1..=VMS).map(|i| format!("{}/24", ip(i))).collect();
    let vms: Vec<(&str, &str)> =
        names.iter().map(String::as_str).zip(cidrs.iter().map(String::as_str)).collect();
    let ips: Vec<String> = (1..=VMS).map(ip).collect();
    let ip_refs: Vec<&str> = ips.iter().map(String::as_str).collect();
    let mut tb = Testbed::create(&unique_prefix(), &vms, built_binaries())?;
    tb.share_secret(testbed::TEST_SECRET)?;
    let configs: Vec<String> = names.iter().map(|n| seed_config(n, &ip_refs, &[])).collect();
    for (n, c) in names.iter().zip(&configs) {
        tb.start_agent(n, c)?;
    }
    let vm1 = tb.vm("vm1").clone();
    wait_for("every node Reachable", Duration::from_secs(60), || {
        vm1.cilium_json(&["status"]).is_ok_and(|s| {
            s["cluster"]["nodes"].as_array().is_some_and(|n| {
                n.len() == VMS && n.iter().all(|n| n["health"]["state"] == "Reachable")
            })
        })
    })?;

    let echo =
        tb.helper_file("echo.py", testbed::ECHO_SERVER)?.to_str().context("utf-8")?.to_string();
    let client = tb.helper_file("soak.py", SOAK_CLIENT)?.to_str().context("utf-8")?.to_string();
    let sessions = VMS - 1;
    let mut logs = Vec::new();
    for i in 1..=sessions {
        tb.spawn(&name(i), &["python3", &echo, &ip(i), &SESSION_PORT.to_string()])?;
    }
    for i in 1..=sessions {
        let to = i % sessions + 1;
        let log = tb.helper_file(&format!("session-{i}.log"), "")?;
        let log_s = log.to_str().context("utf-8")?.to_string();
        tb.spawn(&name(i), &["python3", &client, &ip(to), &SESSION_PORT.to_string(), &log_s])?;
        logs.push(log);
    }
    let count = |what: &str| -> usize {
        logs.iter()
            .map(|l| {
                std::fs::read_to_string(l)
                    .unwrap_or_default()
                    .lines()
                    .filter(|x| x.starts_with(what))
                    .count()
            })
            .sum()
    };
    wait_for("every session answering", Duration::from_secs(30), || {
        logs.iter().all(|l| std::fs::read_to_string(l).is_ok_and(|t| t.contains("pong")))
    })?;
    let broken_before = count("broken");

    // Everything between nodes must be WireGuard or the label-free bootstrap port.
    let filter = format!(
        "ip and not udp port {} and not tcp port {}",
        agent_core::WIREGUARD_PORT,
        agent_core::CLUSTER_PORT
    );
    let captures: Vec<(String, Capture)> = names
        .iter()
        .map(|n| tb.start_capture(n, "eth0", &filter).map(|c| (n.clone(), c)))
        .collect::<anyhow::Result<_>>()?;

    let start: Vec<Option<Usage>> = names.iter().map(|n| usage(&tb, n)).collect();
    println!(
        "soak: {VMS} VMs, {sessions} sessions, a churn step every {} for {}",
        format_duration(a.every),
        format_duration(a.duration)
    );
    let began = Instant::now();
    let mut step = 0;
    let mut failures = Vec::new();
    while began.elapsed() < a.duration {
        let next = began + a.every * (step as u32 + 1);
        match churn(&mut tb, step, &configs[VMS - 1]) {
            Ok(did) => println!("[{:>5.0}s] {did}", began.elapsed().as_secs_f64()),
            Err(e) => {
                println!("[{:>5.0}s] step {step} failed: {e:#}", began.elapsed().as_secs_f64());
                failures.push(format!("{e:#}"));
            }
        }
        step += 1;
        if step % (60 / a.every.as_secs().max(1) as usize).max(1) == 0
            && let Some(u) = usage(&tb, WITNESS)
        {
            println!(
                "[{:>5.0}s] {WITNESS} (never crashed): RSS {:.1} MiB, {} fds",
                began.elapsed().as_secs_f64(),
                u.rss_mib,
                u.fds
            );
        }
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    // vm10 back, so that its end figures are there too.
    if tb.agent_pid(CHURN_NODE).is_none() {
        tb.start_agent(CHURN_NODE, &configs[VMS - 1])?;
    }
    let end: Vec<Option<Usage>> = names.iter().map(|n| usage(&tb, n)).collect();
    let pongs = count("pong");
    let broken = count("broken") - broken_before;

    let mut leaked = Vec::new();
    for (n, c) in captures {
        for line in c.finish()? {
            if line.contains(" IP ") {
                leaked.push(format!("{n}: {line}"));
            }
        }
    }

    println!(
        "\n{:<6} {:>14} {:>14} {:>9} {:>9}",
        "agent", "RSS start MiB", "RSS end MiB", "fds start", "fds end"
    );
    for ((n, s), e) in names.iter().zip(&start).zip(&end) {
        let rss = |u: &Option<Usage>| u.map_or("-".into(), |u| format!("{:.1}", u.rss_mib));
        let fds = |u: &Option<Usage>| u.map_or("-".into(), |u| u.fds.to_string());
        println!("{n:<6} {:>14} {:>14} {:>9} {:>9}", rss(s), rss(e), fds(s), fds(e));
    }
    println!("\nchurn steps: {step} ({} failed)", failures.len());
    println!("session answers: {pongs}");
    println!("sessions broken: {broken}");
    println!("plaintext packets between nodes: {}", leaked.len());
    for l in leaked.iter().take(20) {
        println!("  {l}");
    }
    if !leaked.is_empty() || broken > 0 || !failures.is_empty() {
        for f in &failures {
            println!("failed step: {f}");
        }
        bail!(
            "the soak found {} plaintext packets, {broken} broken sessions, {} failed steps",
            leaked.len(),
            failures.len()
        );
    }
    println!("soak: ok");
    Ok(())
}
