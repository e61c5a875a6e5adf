//! `bench/l7`: keep-alive HTTP/1.1 through the agent's L7 proxy, against the same load sent
//! straight to the application and through nginx as a reverse proxy on the same VM, in one
//! run. Two VMs with agents (host firewall on, encryption off, so that the tunnel does not
//! hide the proxy's cost): vm2 runs nginx as the application (a small static page on 8080
//! and 8082) and a second nginx as a reverse proxy (8081 -> 127.0.0.1:8082, upstream
//! keep-alive); one policy sends 8080 through our proxy (`rules.http: GET /public`) and allows
//! the others at L4. For reference, the application's own instance also proxies 8083 to
//! itself, the setup earlier versions of this bench measured.
//! `wrk` in vm1 measures requests/s with 32 connections and p50/p99 latency with one
//! connection (moderate load), in rounds over all targets: the best of each, and the ratio to
//! nginx in every round with its median. The proxies' own CPU time per request (vm2's agent,
//! the reverse proxy's workers) is measured over the same runs: the load a machine shared by
//! the load generator, the application and the proxy reaches moves from run to run, the work
//! each request costs much less.
//!
//! Needs root, `nginx` and `wrk` (Debian packages).
//!
//! `--hold NAME SECONDS [CONNECTIONS]` (NAME: direct, nginx, ours, shared) only loads that one
//! target (32 connections unless told) for SECONDS, after printing the processes to profile
//! (`perf record -p`).

use std::time::Duration;

use anyhow::{Context, bail};
use testbed::{SEED_VMS, seed_cluster_configured, sweep_stale, unique_prefix, wait_for};

const SECONDS: u32 = 5;

/// One wrk run: (requests/s, p50 ms, p99 ms).
fn wrk(vm: &testbed::Vm, url: &str, connections: u32) -> anyhow::Result<(f64, f64, f64)> {
    wrk_for(vm, url, connections, SECONDS)
}

fn wrk_for(
    vm: &testbed::Vm,
    url: &str,
    connections: u32,
    seconds: u32,
) -> anyhow::Result<(f64, f64, f64)> {
    let out = vm.run(&[
        "wrk",
        "-t1",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
        url,
    ])?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if text.contains("Non-2xx") || text.contains("Socket errors") {
        bail!("wrk saw errors on {url}:\n{text}");
    }
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
    let pct = |p: &str| -> anyhow::Result<f64> {
        let v = text
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(p))
            .map(str::trim)
            .with_context(|| format!("no {p} latency in wrk's output:\n{text}"))?;
        duration_ms(v).with_context(|| format!("latency {v:?}"))
    };
    Ok((rps, pct("50%")?, pct("99%")?))
}

/// wrk's `123.45us`, `1.23ms`, `1.02s` in milliseconds.
fn duration_ms(v: &str) -> Option<f64> {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|n| n * scale)
}

/// Rounds of every target, interleaved so that a slow moment of the shared machine hits all of
/// them alike.
const ROUNDS: usize = 5;

/// The median of `v` (not empty).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    bench::require("nginx", "apt-get install nginx")?;
    bench::require("wrk", "apt-get install wrk")?;
    sweep_stale();
    let vms = &SEED_VMS[..2];
    let mut tb = seed_cluster_configured(
        &unique_prefix(),
        vms,
        &["vm1", "vm2"],
        &[("vm1", &[("app", "frontend")]), ("vm2", &[("app", "backend")])],
        &|_, c| c.replace("encryption:\n  enabled: true", "encryption:\n  enabled: false"),
    )?;
    let root = tb.helper_file("public", &"x".repeat(512))?;
    let dir = root.parent().context("dir")?.to_path_buf();
    let d = dir.display();
    // The application and the reverse proxy are two nginx instances, as they would be in
    // production: one instance serving both would hand each request from its proxy side to its
    // application side inside one worker, without the wake-up any separate proxy (ours too)
    // pays. That shared figure is printed as well, for comparison.
    let mut nginx = |name: &str, servers: &str| -> anyhow::Result<()> {
        let conf = format!(
            "worker_processes auto;\npid {d}/{name}.pid;\nerror_log {d}/{name}-error.log;\ndaemon off;\n\
             events {{ worker_connections 4096; }}\n\
             http {{\n  access_log off;\n  keepalive_requests 1000000;\n\
             client_body_temp_path {d}/{name}-body;\n  proxy_temp_path {d}/{name}-proxy;\n\
             fastcgi_temp_path {d}/{name}-fcgi;\n  uwsgi_temp_path {d}/{name}-uwsgi;\n  scgi_temp_path {d}/{name}-scgi;\n\
             {servers}\n}}\n"
        );
        let conf_path = tb.helper_file(&format!("{name}.conf"), &conf)?;
        tb.spawn("vm2", &["nginx", "-c", conf_path.to_str().context("utf-8")?])
    };
    let proxy_to = |port: u16, upstream: u16| {
        format!(
            "upstream app{port} {{ server 127.0.0.1:{upstream}; keepalive 64; }}\n\
             server {{ listen 192.168.1.11:{port}; location / {{ proxy_pass http://app{port}; \
             proxy_http_version 1.1; proxy_set_header Connection \"\"; }} }}"
        )
    };
    // The application (8080 through our proxy, 8082 direct), and 8083 -> 8084 inside it.
    nginx(
        "app",
        &format!(
            "server {{ listen 192.168.1.11:8080; listen 8082; listen 8084; root {d}; }}\n{}",
            proxy_to(8083, 8084)
        ),
    )?;
    nginx("reverse-proxy", &proxy_to(8081, 8082))?;
    let policy = tb.helper_file(
        "l7-bench.yaml",
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: l7-bench\nspec:\n  endpointSelector: {matchLabels: {app: backend}}\n  ingress:\n    - fromEndpoints: [{matchLabels: {app: frontend}}]\n      toPorts:\n        - ports: [{port: \"8080\", protocol: TCP}]\n          rules: {http: [{method: GET, path: /public}]}\n        - ports: [{port: \"8081\", protocol: TCP}, {port: \"8082\", protocol: TCP}, {port: \"8083\", protocol: TCP}]\n",
    )?;
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    vm2.run(&["cilium", "policy", "apply", policy.to_str().context("utf-8")?])?;
    let urls = [
        ("direct (L4 policy)", "http://192.168.1.11:8082/public"),
        ("nginx reverse proxy", "http://192.168.1.11:8081/public"),
        ("ours (L7 policy)", "http://192.168.1.11:8080/public"),
        ("nginx proxy in the app", "http://192.168.1.11:8083/public"),
    ];
    for (what, url) in urls {
        wait_for(what, Duration::from_secs(15), || vm1.http_ok(url))?;
    }
    let mut args = std::env::args().skip_while(|a| a != "--hold").skip(1);
    if let (Some(name), Some(seconds)) = (args.next(), args.next()) {
        let seconds: u32 = seconds.parse().context("--hold NAME SECONDS")?;
        let names = ["direct", "nginx", "ours", "shared"];
        let i = names
            .iter()
            .position(|n| *n == name)
            .with_context(|| format!("--hold: one of {names:?}"))?;
        let pids =
            std::process::Command::new("pgrep").args(["-af", "cilium-agent|nginx"]).output()?;
        println!("processes:\n{}", String::from_utf8_lossy(&pids.stdout));
        let connections: u32 = args.next().map_or(Ok(32), |c| c.parse()).context("connections")?;
        let (rps, p50, p99) = wrk_for(&vm1, urls[i].1, connections, seconds)?;
        println!("{name}: {rps:.0} req/s, p50 {p50:.3} ms, p99 {p99:.3} ms");
        return Ok(());
    }
    println!(
        "wrk in vm1 -> vm2, {SECONDS} s per run, {ROUNDS} rounds over all targets: requests/s with 32 keep-alive connections (best), latency with 1 (lowest)"
    );
    // The proxies' processes: vm2's agent, and the reverse proxy's workers.
    let agent = bench::pgrep(&["-f", "cilium-agent .*--node-name=vm2( |$)"])?;
    let mut workers = Vec::new();
    for master in bench::pgrep(&["-f", "reverse-proxy\\.conf"])? {
        workers.extend(bench::pgrep(&["-P", &master.to_string()])?);
    }
    anyhow::ensure!(agent.len() == 1, "vm2's agent: {agent:?}");
    anyhow::ensure!(!workers.is_empty(), "no worker of the reverse proxy");
    let tick_us = 1e6 / bench::ticks_per_second();
    // rounds[r][target] = (requests/s, p50, p99); cpu[r] = (nginx, ours) µs per request
    let mut rounds: Vec<Vec<(f64, f64, f64)>> = Vec::new();
    let mut cpu: Vec<(f64, f64)> = Vec::new();
    for _ in 0..ROUNDS {
        let mut round = Vec::new();
        let mut per_request = [0.0; 2];
        for (t, (_, url)) in urls.iter().enumerate() {
            let pids: &[u32] = match t {
                1 => &workers,
                2 => &agent,
                _ => &[],
            };
            let before = bench::process_ticks(pids);
            let rps = wrk(&vm1, url, 32)?.0;
            let ticks = bench::process_ticks(pids).saturating_sub(before);
            if let 1 | 2 = t {
                per_request[t - 1] = ticks as f64 * tick_us / (rps * f64::from(SECONDS));
            }
            let (_, p50, p99) = wrk(&vm1, url, 1)?;
            round.push((rps, p50, p99));
        }
        rounds.push(round);
        cpu.push((per_request[0], per_request[1]));
    }
    let figures: Vec<(f64, f64, f64)> = (0..urls.len())
        .map(|t| {
            rounds.iter().map(|r| r[t]).fold((0.0_f64, f64::MAX, f64::MAX), |a, b| {
                (a.0.max(b.0), a.1.min(b.1), a.2.min(b.2))
            })
        })
        .collect();
    for ((what, _), (rps, p50, p99)) in urls.iter().zip(&figures) {
        println!("{what:<22} {rps:>10.0} req/s   p50 {p50:.3} ms   p99 {p99:.3} ms");
    }
    let (direct, nginx, ours, shared) = (figures[0], figures[1], figures[2], figures[3]);
    let per_round: Vec<f64> = rounds.iter().map(|r| r[2].0 / r[1].0).collect();
    println!(
        "ours / nginx: {:.2}x the requests/s (best against best); per round {}, median {:.2}x",
        ours.0 / nginx.0,
        per_round.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(" "),
        median(per_round.clone())
    );
    let (cpu_nginx, cpu_ours) =
        (median(cpu.iter().map(|c| c.0).collect()), median(cpu.iter().map(|c| c.1).collect()));
    println!(
        "proxy CPU per request (median of rounds): ours {cpu_ours:.1} us, nginx {cpu_nginx:.1} us: nginx / ours {:.2}x; per round (ours, nginx) {}",
        cpu_nginx / cpu_ours,
        cpu.iter().map(|(n, o)| format!("({o:.1}, {n:.1})")).collect::<Vec<_>>().join(" ")
    );
    println!(
        "ours / direct: {:.2}x; ours / nginx proxying inside the app's own instance: {:.2}x",
        ours.0 / direct.0,
        ours.0 / shared.0
    );
    println!(
        "added p99 latency at one connection: ours {:.3} ms, nginx {:.3} ms (p50: ours {:.3}, nginx {:.3})",
        ours.2 - direct.2,
        nginx.2 - direct.2,
        ours.1 - direct.1,
        nginx.1 - direct.1
    );
    let flows = vm2.run(&["hubble", "observe", "--last", "5", "--protocol", "http"])?;
    println!("last flows:\n{}", String::from_utf8_lossy(&flows.stdout));
    Ok(())
}
