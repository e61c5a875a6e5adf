//! Shared helpers of the benchmarks: iperf3 between two testbed VMs, process memory.

#![forbid(unsafe_code)]

use std::time::Duration;

use anyhow::{Context, bail};
use testbed::{Testbed, wait_for};

/// Throughput in Gbit/s of a `seconds`-long iperf3 TCP test from `client` to `server_ip`
/// (an iperf3 server must already run there).
pub fn iperf(tb: &Testbed, client: &str, server_ip: &str, seconds: u32) -> anyhow::Result<f64> {
    Ok(iperf_run(tb, client, server_ip, seconds)?.gbps)
}

/// What one iperf3 run measured.
#[derive(Debug, Clone, Copy)]
pub struct Iperf {
    /// Received throughput, Gbit/s.
    pub gbps: f64,
    /// TCP retransmissions of the sender.
    pub retransmits: u64,
    /// Bytes the receiver got.
    pub bytes: f64,
    /// CPU time the whole machine was busy during the run (every process and the kernel,
    /// sender and receiver): the cost of the bytes, whatever the scheduler made of two cores.
    pub cpu_seconds: f64,
}

impl Iperf {
    /// Bytes moved per busy CPU-second.
    pub fn bytes_per_cpu_second(&self) -> f64 {
        self.bytes / self.cpu_seconds.max(1e-9)
    }
}

/// Busy CPU time of the machine so far, in clock ticks (`/proc/stat`'s first line: everything
/// but idle and iowait).
fn cpu_ticks() -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string("/proc/stat").context("/proc/stat")?;
    let line = stat.lines().next().context("empty /proc/stat")?;
    let v: Vec<u64> = line.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    anyhow::ensure!(v.len() >= 8, "unexpected /proc/stat: {line}");
    let total: u64 = v.iter().take(8).sum();
    Ok(total - v[3] - v[4])
}

/// Clock ticks per second of `/proc/stat` and `/proc/<pid>/stat`.
pub fn ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU time (user and system, every thread) `pids` have used so far, in clock ticks; a process
/// gone counts nothing.
pub fn process_ticks(pids: &[u32]) -> u64 {
    pids.iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .filter_map(|stat| {
            // After the command name, which may hold spaces, in parentheses.
            let rest = &stat[stat.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            // Fields 14 and 15 (utime, stime) of proc(5), counted from `state` (field 3).
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .sum()
}

/// Processes whose command line matches `pattern` (`pgrep -f`).
pub fn pgrep(args: &[&str]) -> anyhow::Result<Vec<u32>> {
    let out = std::process::Command::new("pgrep").args(args).output().context("pgrep")?;
    Ok(String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect())
}

/// A `seconds`-long iperf3 TCP test from `client` to `server_ip`, in detail.
pub fn iperf_run(
    tb: &Testbed,
    client: &str,
    server_ip: &str,
    seconds: u32,
) -> anyhow::Result<Iperf> {
    let vm = tb.vm(client);
    let busy0 = cpu_ticks()?;
    let out = vm
        .run(&["iperf3", "-c", server_ip, "-t", &seconds.to_string(), "-J"])
        .context("iperf3 client")?;
    let busy1 = cpu_ticks()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).context("iperf3 JSON")?;
    let bps = v["end"]["sum_received"]["bits_per_second"]
        .as_f64()
        .context("no throughput in iperf3's answer")?;
    let retransmits = v["end"]["sum_sent"]["retransmits"].as_u64().unwrap_or(0);
    let bytes =
        v["end"]["sum_received"]["bytes"].as_f64().context("no bytes in iperf3's answer")?;
    let cpu_seconds = busy1.saturating_sub(busy0) as f64 / ticks_per_second();
    Ok(Iperf { gbps: bps / 1e9, retransmits, bytes, cpu_seconds })
}

/// Starts an iperf3 server in `vm` and waits until it answers.
pub fn iperf_server(tb: &mut Testbed, vm: &str, ip: &str) -> anyhow::Result<()> {
    tb.spawn(vm, &["iperf3", "-s", "-B", ip])?;
    let probe = format!("import socket; socket.create_connection(('{ip}', 5201), 1).close()");
    let v = tb.vm(vm).clone();
    wait_for("the iperf3 server", Duration::from_secs(10), || {
        v.exec(&["python3", "-c", &probe]).is_ok_and(|o| o.status.success())
    })
}

/// Round-trip latency in milliseconds (median of `count` TCP connects, which also exercise the
/// datapath's connection setup).
pub fn connect_latency(
    tb: &Testbed,
    client: &str,
    ip: &str,
    port: u16,
    count: u32,
) -> anyhow::Result<f64> {
    let script = format!(
        "import socket,time,statistics\nr=[]\nfor _ in range({count}):\n  t=time.perf_counter(); s=socket.create_connection(('{ip}',{port}),2); r.append(time.perf_counter()-t); s.close()\nprint(statistics.median(r)*1000)"
    );
    let out = tb.vm(client).run(&["python3", "-c", &script])?;
    String::from_utf8_lossy(&out.stdout).trim().parse().context("latency")
}

/// ICMP echo round trip in milliseconds: the average of `count` pings 10 ms apart.
pub fn ping_latency(tb: &Testbed, client: &str, ip: &str, count: u32) -> anyhow::Result<f64> {
    let out =
        tb.vm(client).run(&["ping", "-n", "-q", "-c", &count.to_string(), "-i", "0.01", ip])?;
    let text = String::from_utf8_lossy(&out.stdout);
    // `rtt min/avg/max/mdev = 0.031/0.045/0.120/0.010 ms`
    text.lines()
        .find_map(|l| l.split_once(" = ").filter(|(k, _)| k.contains("min/avg")))
        .and_then(|(_, v)| v.split('/').nth(1)?.parse().ok())
        .with_context(|| format!("no round trip in ping's output: {text}"))
}

/// Resident memory of the process listening on the agent's socket in `vm`, in MiB.
pub fn agent_rss_mib(tb: &Testbed, vm: &str) -> anyhow::Result<f64> {
    let out = tb.vm(vm).run(&[
        "sh",
        "-c",
        "for p in $(pgrep -f cilium-agent); do grep VmRSS /proc/$p/status; done",
    ])?;
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: f64 =
        text.split_whitespace().nth(1).and_then(|k| k.parse().ok()).context("no VmRSS")?;
    Ok(kb / 1024.0)
}

/// Fails unless a tool is installed.
pub fn require(tool: &str, how: &str) -> anyhow::Result<()> {
    let ok = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        bail!("`{tool}` is missing: {how}");
    }
    Ok(())
}
