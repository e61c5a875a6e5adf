//! `bench/encryption`: iperf3 throughput, ping and TCP connect latency between two VMs, in one run,
//! over: the plain veth, our encrypted path, `wireguard-go` (Debian package) and
//! `boringtun-cli` (crates.io), the references set up the same way (one tunnel, MTU 1420).
//! Prints each as a ratio to plain, and ours against each reference.

use std::process::Command;

use anyhow::Context;
use testbed::{Testbed, built_binaries, seed_config, sweep_stale, unique_prefix};

const VMS: &[(&str, &str)] = &[("vm1", "192.168.1.10/24"), ("vm2", "192.168.1.11/24")];
const SECONDS: u32 = 5;

struct Result {
    name: &'static str,
    gbps: f64,
    ping_ms: f64,
    latency_ms: f64,
}

fn measure(tb: &mut Testbed, name: &'static str, server_ip: &str) -> anyhow::Result<Result> {
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
    let run = bench::iperf_run(tb, "vm2", server_ip, SECONDS)?;
    let gbps = run.gbps;
    println!(
        "    {name:<14} {gbps:>7.2} Gbit/s   {ping_ms:>7.3} ms ping   {latency_ms:>7.3} ms connect   {} retransmits",
        run.retransmits
    );
    Ok(Result { name, gbps, ping_ms, latency_ms })
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

fn main() -> anyhow::Result<()> {
    bench::require("iperf3", "apt-get install iperf3")?;
    bench::require("wg", "apt-get install wireguard-tools")?;
    bench::require("wireguard-go", "apt-get install wireguard-go")?;
    bench::require("ping", "apt-get install iputils-ping")?;
    // `--only NAME[,NAME]` (plain, ours, wireguard-go, boringtun) runs a subset, plain always.
    let only: Option<String> = std::env::args().skip_while(|a| a != "--only").nth(1);
    let wanted = |n: &str| only.as_deref().is_none_or(|o| o.split(',').any(|x| x == n));
    sweep_stale();
    println!(
        "iperf3 TCP, {SECONDS} s, vm2 -> vm1; ping, average of 100; TCP connect, median of 50"
    );
    let mut results = Vec::new();

    let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
    results.push(measure(&mut tb, "plain veth", "192.168.1.10")?);
    drop(tb);

    if wanted("ours") {
        let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
        tb.share_secret(testbed::TEST_SECRET)?;
        let nodes = ["192.168.1.10", "192.168.1.11"];
        for vm in ["vm1", "vm2"] {
            tb.start_agent(vm, &seed_config(vm, &nodes, &[]))?;
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
        results.push(measure(&mut tb, "cilium (ours)", "192.168.1.10")?);
        for vm in ["vm1", "vm2"] {
            let out = tb.vm(vm).run(&["sh", "-c", "ip -s link show cilium_wg0; grep -h offloads /var/log/cilium*.log /tmp/*.log 2>/dev/null | tail -2; nstat -az TcpRetransSegs UdpRcvbufErrors UdpSndbufErrors 2>/dev/null"])?;
            println!("{vm}: {}", String::from_utf8_lossy(&out.stdout));
        }
        drop(tb);
    }

    if wanted("wireguard-go") {
        let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
        reference(&mut tb, &["env", "WG_PROCESS_FOREGROUND=1", "wireguard-go", "-f"])?;
        results.push(measure(&mut tb, "wireguard-go", "10.99.0.1")?);
        drop(tb);
    }

    if wanted("boringtun") {
        let bt = boringtun()?;
        let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries())?;
        let bt = bt.display().to_string();
        reference(&mut tb, &[&bt, "--foreground", "--disable-drop-privileges"])?;
        results.push(measure(&mut tb, "boringtun-cli", "10.99.0.1")?);
        drop(tb);
    }

    let plain = &results[0];
    println!("ratios to plain (throughput, ping, connect):");
    for r in &results[1..] {
        println!(
            "    {:<14} {:>6.3} x   {:>6.2} x   {:>6.2} x",
            r.name,
            r.gbps / plain.gbps,
            r.ping_ms / plain.ping_ms,
            r.latency_ms / plain.latency_ms
        );
    }
    let ours = &results[1];
    println!("ours against each reference (throughput: > 1 is faster; latency: < 1 is faster):");
    for r in &results[2..] {
        println!(
            "    vs {:<11} {:>6.3} x   ping {:>5.2} x   connect {:>5.2} x",
            r.name,
            ours.gbps / r.gbps,
            ours.ping_ms / r.ping_ms,
            ours.latency_ms / r.latency_ms
        );
    }
    Ok(())
}
