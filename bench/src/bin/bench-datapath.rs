//! `bench/datapath`: (a) per-packet cost of the host firewall through BPF_PROG_TEST_RUN with
//! 0, 1k and 10k policy entries; (b) iperf3 throughput over a veth pair without and with the
//! programs attached, in the same run, printed as ratios.

use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;

use anyhow::Context;
use aya::EbpfLoader;
use aya::maps::{Array, LpmTrie};
use aya::programs::{SchedClassifier, TestRun, TestRunOptions};
use bpf_progs::*;
use testbed::{Testbed, built_binaries, seed_config, sweep_stale, unique_prefix};

fn syn(src: Ipv4Addr, dst: Ipv4Addr, dport: u16) -> Vec<u8> {
    let mut p = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    p.extend_from_slice(&[0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&40000u16.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]);
    p
}

/// Nanoseconds per packet for a new, denied connection (policy looked up every time) with
/// `entries` other entries in the map.
fn per_packet_ns(entries: u32) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let st = Command::new("mount").args(["-t", "bpf", "bpf"]).arg(dir.path()).status()?;
    anyhow::ensure!(st.success(), "mounting a bpffs failed (run as root)");
    let result = (|| -> anyhow::Result<f64> {
        let mut ebpf = EbpfLoader::new().default_map_pin_directory(dir.path()).load(HOSTFW_OBJ)?;
        let prog: &mut SchedClassifier =
            ebpf.program_mut(programs::INGRESS).context("program")?.try_into()?;
        bpf_progs::load_program(prog)?;
        {
            let mut cfg: Array<_, Config> =
                Array::try_from(ebpf.map_mut(maps::CONFIG).context("map")?)?;
            cfg.set(
                0,
                Config {
                    flags: cfg::ENFORCE_INGRESS,
                    wg_mark: 0,
                    wg_mark_mask: 0,
                    trace_sampling: 1,
                    wg_port: 51871u16.to_be(),
                    cluster_port: 4240u16.to_be(),
                    proxy_port: 0,
                    pad: 0,
                },
                0,
            )?;
        }
        {
            let mut ipc: LpmTrie<_, IpcacheData, IpcacheValue> =
                LpmTrie::try_from(ebpf.map_mut(maps::IPCACHE).context("map")?)?;
            ipc.insert(
                &ipcache_key(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 32),
                IpcacheValue { identity: 70000, flags: 0 },
                0,
            )?;
        }
        {
            let mut pol: LpmTrie<_, PolicyData, PolicyValue> =
                LpmTrie::try_from(ebpf.map_mut(maps::POLICY).context("map")?)?;
            for i in 0..entries {
                let v = PolicyValue {
                    verdict: VERDICT_ALLOW,
                    flags: 0,
                    match_type: 2,
                    pad: 0,
                    rule_id: 1,
                };
                pol.insert(
                    &policy_key(100_000 + i, DIR_INGRESS, 6, 80 + (i % 1000) as u16, 16),
                    v,
                    0,
                )?;
            }
        }
        let prog: &SchedClassifier =
            ebpf.program(programs::INGRESS).context("program")?.try_into()?;
        let pkt = syn(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1), 8080);
        let ctx = vec![0u8; 192];
        let r = prog.test_run(TestRunOptions {
            data_in: Some(&pkt),
            ctx_in: Some(&ctx),
            repeat: 200_000,
            ..TestRunOptions::new()
        })?;
        anyhow::ensure!(r.return_value == 2, "expected a drop, got {}", r.return_value);
        Ok(r.duration.as_nanos() as f64)
    })();
    let _ = Command::new("umount").arg(dir.path()).status();
    result
}

fn main() -> anyhow::Result<()> {
    println!("(a) per-packet cost, new denied TCP connection, BPF_PROG_TEST_RUN x200000");
    let mut costs = Vec::new();
    for n in [0u32, 1000, 10_000] {
        let ns = per_packet_ns(n)?;
        println!("    {n:>6} policy entries: {ns:>6.0} ns/packet");
        costs.push(ns);
    }
    println!("    ratio 10k/1k entries: {:.2} (target: flat, about 1.0)", costs[2] / costs[1]);
    println!("    ratio 1k/0 entries:   {:.2}", costs[1] / costs[0]);

    println!("(b) iperf3 TCP throughput over a veth pair (two network namespaces), 5 s each");
    sweep_stale();
    let mut tb = Testbed::create(
        &unique_prefix(),
        &[("vm1", "192.168.1.10/24"), ("vm2", "192.168.1.11/24")],
        built_binaries(),
    )?;
    tb.share_secret(testbed::TEST_SECRET)?;
    bench::iperf_server(&mut tb, "vm1", "192.168.1.10")?;
    let plain = bench::iperf(&tb, "vm2", "192.168.1.10", 5)?;
    println!("    without the programs:       {plain:>6.2} Gbit/s");
    let cfg = seed_config("vm1", &["192.168.1.10", "192.168.1.11"], &[])
        .replace("encryption:\n  enabled: true", "encryption:\n  enabled: false");
    tb.start_agent("vm1", &cfg)?;
    let attached = bench::iperf(&tb, "vm2", "192.168.1.10", 5)?;
    println!("    with the programs attached: {attached:>6.2} Gbit/s");
    println!("    ratio attached/plain: {:.3} (target: at least 0.95)", attached / plain);
    Ok(())
}
