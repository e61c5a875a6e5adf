//! `bench/hubble` (the page): the flow map with 40 VMs and 10,000 flows in Debian's Chromium,
//! headless: the wall time of loading the page until it has drawn them (its first poll, and
//! one update with nothing new), best of 3; the reference in the same run is the same page with
//! 3 VMs and 100 flows, and an empty page (Chromium's own start). Prints the times and ratios
//! and keeps a screenshot of the 40-VM map to judge readability.
//!
//! No root needed: the page's server runs in this process on loopback, over an observer filled
//! with synthetic flows. Needs `chromium` (Debian's package).

use std::net::IpAddr;
use std::process::Command;
use std::sync::Arc;

use agent_core::hubble::observer::{Observer, Service};
use agent_core::hubble::proto::flow::{
    Endpoint, Flow, Ip, IpVersion, Layer4, Tcp, TcpFlags, TrafficDirection, Verdict, layer4,
};
use agent_core::hubble::proto::observer::Node;
use agent_core::hubble::timestamp::Timestamp;
use agent_core::hubble::ui;

fn ip(n: u64) -> IpAddr {
    IpAddr::from([10, 0, (n / 250) as u8, (n % 250 + 1) as u8])
}

/// An observer with `vms` nodes and `flows` connections among them (some denied).
fn observer(vms: u64, flows: u64) -> Arc<Observer> {
    let nodes: Vec<Node> = (0..vms)
        .map(|n| Node {
            name: format!("fleet/vm{n:02}"),
            address: format!("{}:4244", ip(n)),
            state: 1,
            ..Default::default()
        })
        .collect();
    let obs = Arc::new(Observer::new(
        flows as usize,
        "fleet/vm00".into(),
        "bench".into(),
        Box::new(move || nodes.clone()),
    ));
    let now = Timestamp::now().unix_nanos();
    for i in 0..flows {
        // Each VM talks to a few neighbours, as services do; one port in nine is denied.
        let src = i % vms;
        let dst = (src + 1 + (i / vms) % 3) % vms;
        let port = [8080, 5432, 443, 22, 9090, 6379, 80, 3000, 8443][(i % 9) as usize];
        let verdict = if port == 22 { Verdict::Dropped } else { Verdict::Forwarded };
        obs.push_flow(Flow {
            time: Some(Timestamp::from_unix_nanos(now - (flows - i) * 1_000_000)),
            verdict: verdict as i32,
            ip: Some(Ip {
                source: ip(src).to_string(),
                destination: ip(dst).to_string(),
                ip_version: IpVersion::IPv4 as i32,
                ..Default::default()
            }),
            l4: Some(Layer4 {
                protocol: Some(layer4::Protocol::Tcp(Tcp {
                    source_port: 30_000 + (i % 20_000) as u32,
                    destination_port: port,
                    flags: Some(TcpFlags { syn: true, ..Default::default() }),
                })),
            }),
            source: Some(Endpoint {
                labels: vec![format!("unspec:app=svc{}", src % 7), "unspec:env=prod".into()],
                ..Default::default()
            }),
            destination: Some(Endpoint {
                labels: vec![format!("unspec:app=svc{}", dst % 7)],
                ..Default::default()
            }),
            traffic_direction: TrafficDirection::Ingress as i32,
            node_name: format!("fleet/vm{dst:02}"),
            ..Default::default()
        });
    }
    obs
}

/// Loads the page for `obs` in Chromium until it has drawn: the best wall time of 3.
fn measure(
    rt: &tokio::runtime::Runtime,
    obs: Option<Arc<Observer>>,
    screenshot: Option<&std::path::Path>,
) -> anyhow::Result<f64> {
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base = format!("http://{}/", listener.local_addr()?);
    let (url, server) = match obs {
        Some(obs) => {
            let handler = ui::handler(ui::Source::Node(Service(obs)));
            (base, Some(rt.spawn(agent_core::web::serve(listener, handler, None, None, "bench"))))
        }
        None => ("about:blank".to_string(), None),
    };
    let profile = tempfile::tempdir()?;
    let chromium = |extra: &[String]| -> anyhow::Result<(String, f64)> {
        let t = std::time::Instant::now();
        let out = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1000",
                // The first poll, and the update a second later, in virtual time.
                "--virtual-time-budget=1500",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(&url)
            .output()?;
        let took = t.elapsed().as_secs_f64() * 1e3;
        anyhow::ensure!(out.status.success(), "chromium: {}", String::from_utf8_lossy(&out.stderr));
        Ok((String::from_utf8_lossy(&out.stdout).into_owned(), took))
    };
    let mut best = f64::MAX;
    for _ in 0..3 {
        let (dom, took) = chromium(&["--dump-dom".into()])?;
        anyhow::ensure!(
            server.is_none() || dom.contains("data-ready=\"1\""),
            "the page did not draw: {}",
            &dom[..dom.len().min(2000)]
        );
        best = best.min(took);
    }
    if let Some(path) = screenshot {
        chromium(&[format!("--screenshot={}", path.display())])?;
    }
    if let Some(s) = server {
        s.abort();
    }
    Ok(best)
}

fn main() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let shot = std::env::temp_dir().join("bench-flow-map-40.png");
    let empty = measure(&rt, None, None)?;
    let small = measure(&rt, Some(observer(3, 100)), None)?;
    let big = measure(&rt, Some(observer(40, 10_000)), Some(&shot))?;
    println!("flow map page in headless Chromium, load until drawn (best of 3):");
    println!("  empty page (Chromium's start)   {empty:>8.0} ms");
    println!("  3 VMs, 100 flows                {small:>8.0} ms");
    println!("  40 VMs, 10,000 flows            {big:>8.0} ms");
    println!(
        "  page's own cost, 40/3           {:>8.2}  ({:.0} ms vs {:.0} ms above Chromium's start)",
        (big - empty) / (small - empty).max(1.0),
        big - empty,
        small - empty
    );
    println!("  screenshot of the 40-VM map: {}", shot.display());
    Ok(())
}
