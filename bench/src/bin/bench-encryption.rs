//! `bench/encryption`: iperf3 throughput, ping and TCP connect latency between two VMs, in one run,
//! over: the plain veth, our encrypted path, `wireguard-go` (Debian package) and
//! `boringtun-cli` (crates.io), the references set up the same way (one tunnel, MTU 1420); ours
//! also without offloads. With each path's CPU cost: bytes per busy CPU-second of the machine.
//! Prints each as a ratio to plain, and ours against each reference.

use std::process::Command;

use anyhow::Context;
use testbed::{Testbed, built_binaries, seed_config, sweep_stale, unique_prefix};

const VMS: &[(&str, &str)] = &[("vm1", "192.168.1.10/24"), ("vm2", "192.168.1.11/24")];
const SECONDS: u32 = 5;

/// iperf3 runs per path; the median counts (two cores shared by both VMs are noisy).
const RUNS: usize = 3;

struct Result {
    name: String,
    gbps: f64,
    ping_ms: f64,
    latency_ms: f64,
    /// Bytes per busy CPU-second of the whole machine.
    bytes_per_cpu_s: f64,
}

fn measure(tb: &mut Testbed, name: String, server_ip: &str) -> anyhow::Result<Result> {
    bench::iperf_server(tb, "vm1", server_ip)?;
    // iperf3's server takes one client at a time: probe latency against a plain listener.
    tb.spawn("vm1", &["python3", "-m", "http.server", "5300", "--bind", server_ip])?;
    let v2 = tb.vm("vm2").clone();
    let probe =
        format!("import socket; socket.create_connection(('{server_ip}', 5300), 1).close()");
    testbed::wait_for("the latency listener", std::time::Duration::from_secs(10), || {
        v2.exec(&["python3", "-c", &probe]).is_ok_and(|o| o.status.success())
    })?;
    let latency_ms = bench::connect_latency(tb, "vm2", server_ip, 5300, 50)?;
    let ping_ms = bench::ping_latency(tb, "vm2", server_ip, 100)?;
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        runs.push(bench::iperf_run(tb, "vm2", server_ip, SECONDS)?);
    }
    runs.sort_by(|a, b| a.gbps.total_cmp(&b.gbps));
    let run = runs[RUNS / 2];
    let gbps = run.gbps;
    let per_cpu = run.bytes_per_cpu_second();
    println!(
        "    {name:<38} {gbps:>6.2} Gbit/s ({:.2}-{:.2})  {ping_ms:>6.3} ms ping  {latency_ms:>6.3} ms connect  {:>5.2} GB/CPU-s  {} retransmits",
        runs[0].gbps,
        runs[RUNS - 1].gbps,
        per_cpu / 1e9,
        run.retransmits
    );
    Ok(Result { name, gbps, ping_ms, latency_ms, bytes_per_cpu_s: per_cpu })
}

fn keypair(vm: &testbed::Vm) -> anyhow::Result<(String, String)> {
    let out = vm.run(&["sh", "-c", "k=$(wg genkey); echo $k; echo $k | wg pubkey"])?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = text.lines();
    Ok((lines.next().context("key")?.to_string(), lines.next().context("pubkey")?.to_string()))
}

/// A reference tunnel `wgref` between the two VMs, run by `daemon` (argv up to the interface
/// name), addresses 10.99.0.1 and 10.99.0.2.
fn reference(tb: &mut Testbed, daemon: &[&str]) -> anyhow::Result<()> {
    let (v1, v2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    let (k1, p1) = keypair(&v1)?;
    let (k2, p2) = keypair(&v2)?;
    for (vm, key, peer_pub, peer_ip, addr) in [
        ("vm1", &k1, &p2, "192.168.1.11", "10.99.0.1"),
        ("vm2", &k2, &p1, "192.168.1.10", "10.99.0.2"),
    ] {
        let mut argv: Vec<&str> = daemon.to_vec();
        argv.push("wgref");
        tb.spawn(vm, &argv)?;
        let v = tb.vm(vm).clone();
        testbed::wait_for(
            "the reference's UAPI socket",
            std::time::Duration::from_secs(10),
            || {
                v.exec(&["test", "-S", "/var/run/wireguard/wgref.sock"])
                    .is_ok_and(|o| o.status.success())
            },
        )?;
        v.write_file_mode("/etc/cilium/ref.key", key, 0o600)?;
        let other = if addr.ends_with(".1") { "10.99.0.2/32" } else { "10.99.0.1/32" };
        v.run(&[
            "wg",
            "set",
            "wgref",
            "private-key",
            "/etc/cilium/ref.key",
            "listen-port",
            "51900",
            "peer",
            peer_pub,
            "endpoint",
            &format!("{peer_ip}:51900"),
            "allowed-ips",
            other,
        ])?;
        v.run(&["ip", "addr", "add", &format!("{addr}/24"), "dev", "wgref"])?;
        v.run(&["ip", "link", "set", "wgref", "mtu", "1420", "up"])?;
    }
    Ok(())
}

fn boringtun() -> anyhow::Result<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-tools");
    let bin = root.join("bin/boringtun-cli");
    if !bin.exists() {
        println!("    (installing boringtun-cli from crates.io into {})", root.display());
        let st = Command::new("cargo")
            .args(["install", "--quiet", "--locked", "boringtun-cli", "--root"])
            .arg(&root)
            .status()?;
        anyhow::ensure!(st.success(), "cargo install boringtun-cli failed");
    }
    Ok(bin)
}

/// The installed wireguard-go's package version (its own `--version` names the upstream tag
/// Debian built from, which is older than the package for the backport).
fn wireguard_go_version() -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "wireguard-go"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Two VMs running our agents with the seed's configuration, `extra` added to its
/// `encryption:` block, the tunnel up.
fn ours(extra: &str) -> anyhow::Result<Testbed> {
    let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
    tb.share_secret(testbed::TEST_SECRET)?;
    let nodes = ["192.168.1.10", "192.168.1.11"];
    for vm in ["vm1", "vm2"] {
        let config = seed_config(vm, &nodes, &[]).replace(
            "encryption:\n  enabled: true\n",
            &format!("encryption:\n  enabled: true\n{extra}"),
        );
        tb.start_agent(vm, &config)?;
    }
    let v2 = tb.vm("vm2").clone();
    testbed::wait_for("the tunnel", std::time::Duration::from_secs(20), || {
        v2.exec(&[
            "python3",
            "-c",
            "import socket; socket.create_connection(('192.168.1.10', 4241), 1).close()",
        ])
        .is_ok_and(|o| o.status.success())
    })?;
    Ok(tb)
}

fn main() -> anyhow::Result<()> {
    bench::require("iperf3", "apt-get install iperf3")?;
    bench::require("wg", "apt-get install wireguard-tools")?;
    bench::require(
        "wireguard-go",
        "apt-get install -t bookworm-backports wireguard-go (0.0.20231211, with offloads)",
    )?;
    bench::require("ping", "apt-get install iputils-ping")?;
    // `--only NAME[,NAME]` (ours, ours-plain, wireguard-go, boringtun) runs a subset; the plain
    // veth always runs, as every ratio's reference.
    let only: Option<String> = std::env::args().skip_while(|a| a != "--only").nth(1);
    let wanted = |n: &str| only.as_deref().is_none_or(|o| o.split(',').any(|x| x == n));
    let wg_go = wireguard_go_version();
    if !wg_go.starts_with("0.0.2023121") && !wg_go.starts_with("0.0.2024") {
        println!(
            "note: wireguard-go {wg_go} predates the offloads (0.0.20231211, bookworm-backports): the reference is not the fastest one"
        );
    }
    sweep_stale();
    println!(
        "iperf3 TCP, {SECONDS} s, vm2 -> vm1, median of {RUNS}; ping, average of 100; TCP connect, median of 50; CPU: the whole machine's busy time during iperf3"
    );
    let mut results = Vec::new();

    let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
    results.push(measure(&mut tb, "plain veth".into(), "192.168.1.10")?);
    drop(tb);

    if wanted("ours") {
        let mut tb = ours("")?;
        results.push(measure(&mut tb, "ours".into(), "192.168.1.10")?);
        drop(tb);
    }
    if wanted("ours-plain") {
        let mut tb = ours("  userspaceOffloads: false\n")?;
        results.push(measure(&mut tb, "ours, no offloads".into(), "192.168.1.10")?);
        drop(tb);
    }

    if wanted("wireguard-go") {
        let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
        reference(&mut tb, &["env", "WG_PROCESS_FOREGROUND=1", "wireguard-go", "-f"])?;
        results.push(measure(&mut tb, format!("wireguard-go {wg_go}"), "10.99.0.1")?);
        drop(tb);
    }

    if wanted("boringtun") {
        let bt = boringtun()?;
        let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
        let bt = bt.display().to_string();
        reference(&mut tb, &[&bt, "--foreground", "--disable-drop-privileges"])?;
        results.push(measure(&mut tb, "boringtun-cli 0.7".into(), "10.99.0.1")?);
        drop(tb);
    }

    let plain = &results[0];
    println!("ratios to plain (throughput, ping, connect, CPU per byte):");
    for r in &results[1..] {
        println!(
            "    {:<38} {:>6.3} x   {:>6.2} x   {:>6.2} x   {:>6.2} x",
            r.name,
            r.gbps / plain.gbps,
            r.ping_ms / plain.ping_ms,
            r.latency_ms / plain.latency_ms,
            plain.bytes_per_cpu_s / r.bytes_per_cpu_s,
        );
    }
    let Some(ours) = results.iter().find(|r| r.name == "ours") else { return Ok(()) };
    println!(
        "ours against each reference (throughput: > 1 is faster; latency and CPU per byte: < 1 is better):"
    );
    for r in results.iter().skip(1).filter(|r| r.name != "ours") {
        println!(
            "    vs {:<35} {:>6.3} x   ping {:>5.2} x   connect {:>5.2} x   CPU per byte {:>5.2} x",
            r.name,
            ours.gbps / r.gbps,
            ours.ping_ms / r.ping_ms,
            ours.latency_ms / r.latency_ms,
            r.bytes_per_cpu_s / ours.bytes_per_cpu_s,
        );
    }
    Ok(())
}
