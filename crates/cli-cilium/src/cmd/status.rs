//! `cilium status`: the seed's summary (logo block, `Daemon:`, `Nodes:`) around cilium-dbg's
//! per-component lines. Exit 1 when the agent is not OK, except with `-o`, as upstream.

use std::fmt::Write as _;
use std::process::ExitCode;

use agent_core::api::models::{NodeElement, ProxyStatus, Status, StatusResponse, state};

use crate::cli::{Cli, StatusArgs};
use crate::output::{self, state_word};

/// Nodes shown without `--all-nodes`, as upstream caps its health table.
const NODE_CAP: usize = 10;

pub async fn run(cli: &Cli, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let client = crate::client(&cli.host)?.with_timeout(args.timeout);
    let status = match client.status(args.brief).await {
        Ok(s) => s,
        Err(e) if args.brief && e.is_unreachable() => {
            anyhow::bail!("cilium: daemon unreachable ({e})")
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(format) = &args.output.output {
        output::emit(&output::render(format, &status)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = if args.brief { brief(&status) } else { full(&status, args) };
    output::emit(&text)?;
    Ok(if healthy(&status) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn healthy(s: &StatusResponse) -> bool {
    s.cilium.as_ref().is_some_and(|c| c.state == state::OK || c.state == state::DISABLED)
}

fn unhealthy(s: &Option<Status>) -> Option<&Status> {
    s.as_ref().filter(|s| s.state == state::FAILURE || s.state == state::WARNING)
}

/// `OK`, or the first component in trouble.
fn brief(s: &StatusResponse) -> String {
    let checks = [("kvstore", &s.kvstore), ("cilium", &s.cilium)];
    for (name, st) in checks {
        if let Some(bad) = unhealthy(st) {
            return format!("error in {name}: {}\n", bad.msg);
        }
    }
    if let Some(c) = s.controllers.iter().flatten().find(|c| !c.status.last_failure_msg.is_empty())
    {
        return format!("error in controller {}: {}\n", c.name, c.status.last_failure_msg);
    }
    if healthy(s) { "OK\n".into() } else { "error in cilium: not OK\n".into() }
}

/// `ClusterMesh:` and, for each remote cluster not ready (all with `--all-clusters`), its
/// line and `└` details, in cilium-dbg's layout.
fn mesh_lines(out: &mut String, m: &agent_core::api::models::ClusterMeshStatus, all: bool) {
    let ready = m.clusters.iter().filter(|c| c.ready).count();
    let _ =
        writeln!(out, "{:<24} {ready}/{} remote clusters ready", "ClusterMesh:", m.clusters.len());
    for c in m.clusters.iter().filter(|c| all || !c.ready) {
        let last = match c.last_failure.as_deref().and_then(agent_core::api::time::parse) {
            Some(t) => {
                let secs = t.elapsed().map(|d| d.as_secs()).unwrap_or(0);
                format!("{} ago", crate::output::go_duration(std::time::Duration::from_secs(secs)))
            }
            None => "never".into(),
        };
        let _ = writeln!(
            out,
            "   {}: {}, {} nodes, {} endpoints, {} identities, {} services, {} MCS-API service exports, {} reconnections (last: {last})",
            c.name,
            if c.ready { "ready" } else { "not-ready" },
            c.num_nodes,
            c.num_endpoints,
            c.num_identities,
            c.num_shared_services,
            c.num_service_exports,
            c.num_failures,
        );
        let _ = writeln!(out, "   └  {}", c.status);
        if let Some(cfg) = &c.config {
            let mut v = format!("expected={}, retrieved={}", cfg.required, cfg.retrieved);
            if cfg.retrieved {
                v = format!(
                    "{v}, cluster-id={}, kvstoremesh={}, sync-canaries={}, service-exports=disabled",
                    cfg.cluster_id, cfg.kvstoremesh, cfg.sync_canaries
                );
            }
            let _ = writeln!(out, "   └  remote configuration: {v}");
        }
        if let Some(s) = &c.synced {
            let _ = writeln!(
                out,
                "   └  synchronization status: nodes={}, endpoints={}, identities={}, services={}",
                s.nodes, s.endpoints, s.identities, s.services
            );
        }
    }
}

/// The upstream CLI's summary words: `OK`, `disabled`, `warning`, `error`.
fn summary_word(st: Option<&str>) -> String {
    let word = match st {
        Some(state::OK) => "OK",
        Some(state::WARNING) => "warning",
        Some(state::FAILURE) => "error",
        _ => "disabled",
    };
    state_word(word)
}

fn full(s: &StatusResponse, args: &StatusArgs) -> String {
    let mut out = String::new();
    let cilium = summary_word(s.cilium.as_ref().map(|c| c.state.as_str()));
    let hubble = summary_word(s.hubble.as_ref().map(|h| h.state.as_str()));
    let mesh = summary_word(
        s.cluster_mesh
            .as_ref()
            .map(|m| if m.clusters.iter().all(|c| c.ready) { state::OK } else { state::WARNING }),
    );
    let operator = summary_word(None);
    let logo = [
        ("    /¯¯\\", None),
        (" /¯¯\\__/¯¯\\", Some(("Cilium:", &cilium))),
        (" \\__/¯¯\\__/", Some(("Operator:", &operator))),
        (" /¯¯\\__/¯¯\\", Some(("Hubble:", &hubble))),
        (" \\__/¯¯\\__/", Some(("ClusterMesh:", &mesh))),
        ("    \\__/", None),
    ];
    for (art, item) in logo {
        match item {
            Some((label, value)) => {
                let _ = writeln!(out, "{art:<15}{label:<16}{value}");
            }
            None => {
                let _ = writeln!(out, "{art}");
            }
        }
    }
    let _ = writeln!(out);

    let line = |out: &mut String, label: &str, value: String| {
        let _ = writeln!(out, "{:<24} {}", format!("{label}:"), value.trim_end());
    };
    let status_text = |st: &Status| {
        if st.msg.is_empty() {
            state_word(&st.state)
        } else {
            format!("{}   {}", state_word(&st.state), st.msg)
        }
    };

    line(&mut out, "Daemon", summary_word(s.cilium.as_ref().map(|c| c.state.as_str())));
    if let Some(k) = &s.kvstore {
        line(&mut out, "KVStore", status_text(k));
    }
    if let Some(k) = &s.kubernetes {
        line(&mut out, "Kubernetes", state_word(&k.state));
    }
    if let Some(fw) = &s.host_firewall {
        let mut v = state_word(&fw.mode);
        if fw.mode != "Disabled" && !fw.devices.is_empty() {
            v = format!("{v}   [{}]", fw.devices.join(", "));
        }
        line(&mut out, "Host firewall", v);
    }
    if let Some(c) = &s.cilium {
        line(&mut out, "Cilium", status_text(c));
    }
    if let Some(m) = &s.cluster_mesh {
        mesh_lines(&mut out, m, args.all_clusters || args.verbose);
    }
    if let Some(e) = &s.encryption {
        let detail = if !e.msg.is_empty() {
            e.msg.clone()
        } else if let Some(wg) = &e.wireguard {
            let ifaces: Vec<String> = wg
                .interfaces
                .iter()
                .map(|i| {
                    format!(
                        "{} (Pubkey: {}, Port: {}, Peers: {})",
                        i.name, i.public_key, i.listen_port, i.peer_count
                    )
                })
                .collect();
            format!("[NodeEncryption: {}, {}]", wg.node_encryption, ifaces.join(", "))
        } else {
            String::new()
        };
        line(&mut out, "Encryption", format!("{}   {detail}", state_word(&e.mode)));
    }
    // Upstream prints this line always.
    line(&mut out, "Proxy Status", proxy_line(s.proxy.as_ref()));
    if let Some(h) = &s.hubble {
        // Upstream's layout: `<state>[ <msg>]`, then the flow counters and the metrics server.
        let mut v = state_word(&h.state);
        if !h.msg.is_empty() {
            v = format!("{v} {}", h.msg);
        }
        if let Some(o) = &h.observer {
            let pct = if o.max_flows > 0 {
                o.current_flows as f64 * 100.0 / o.max_flows as f64
            } else {
                0.0
            };
            v = format!("{v}   Current/Max Flows: {}/{} ({pct:.2}%)", o.current_flows, o.max_flows);
            if let Some(secs) = go_duration_secs(&o.uptime).filter(|s| *s > 0.0) {
                v = format!("{v}, Flows/s: {:.2}", o.seen_flows as f64 / secs);
            }
            let metrics = h.metrics.as_ref().map_or("Disabled", |m| m.state.as_str());
            v = format!("{v}   Metrics: {}", state_word(metrics));
        }
        line(&mut out, "Hubble", v);
    }
    if let Some(ctrls) = &s.controllers {
        let failing: Vec<_> =
            ctrls.iter().filter(|c| c.status.consecutive_failure_count > 0).collect();
        line(
            &mut out,
            "Controller Status",
            format!("{}/{} healthy", ctrls.len() - failing.len(), ctrls.len()),
        );
        let shown: Vec<_> =
            if args.all_controllers || args.verbose { ctrls.iter().collect() } else { failing };
        if !shown.is_empty() {
            let _ = writeln!(out, "  {:<32} {:>8} {:>8}   Message", "Name", "Success", "Failure");
            for c in shown {
                let msg = if c.status.last_failure_msg.is_empty() {
                    "no error"
                } else {
                    &c.status.last_failure_msg
                };
                let _ = writeln!(
                    out,
                    "  {:<32} {:>8} {:>8}   {msg}",
                    c.name, c.status.success_count, c.status.failure_count
                );
            }
        }
    }
    if let Some(r) = &s.identity_range {
        line(
            &mut out,
            "Global Identity Range",
            format!("min {}, max {}", r.min_identity, r.max_identity),
        );
    }
    if let Some(cluster) = &s.cluster {
        if let Some(h) = &cluster.cilium_health {
            let v = if h.state == state::DISABLED {
                "Probe disabled".to_string()
            } else {
                status_text(h)
            };
            line(&mut out, "Cluster health", v);
        }
        let _ = writeln!(out, "Nodes:");
        let all = args.all_nodes || args.verbose || args.all_health;
        for (i, n) in cluster.nodes.iter().enumerate() {
            if i == NODE_CAP && !all {
                let _ =
                    writeln!(out, "  ... {} more (--all-nodes)", cluster.nodes.len() - NODE_CAP);
                break;
            }
            let _ = writeln!(out, "  {}", node_line(n, args.all_health || args.verbose));
        }
    }
    out
}

fn node_line(n: &NodeElement, latency: bool) -> String {
    let ip = n
        .primary_address
        .as_ref()
        .and_then(|a| a.ipv4.as_ref().or(a.ipv6.as_ref()))
        .map(|e| e.ip.clone())
        .unwrap_or_else(|| "-".into());
    let health = n.health.as_ref();
    let state = health.map(|h| h.state.as_str()).unwrap_or("Unknown");
    let mut s = if ip == n.name { ip } else { format!("{ip} ({})", n.name) };
    if let Some(e) = n.external_ip() {
        s = format!("{s} via {e}");
    }
    s = format!("{s}: {}", state_word(state));
    if health.is_some_and(|h| h.local) {
        s.push_str(" (localhost)");
    }
    if latency && let Some(ns) = health.and_then(|h| h.latency_ns) {
        s.push_str(&format!(", latency {:.3}ms", ns as f64 / 1e6));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use agent_core::api::models::{NodeAddressing, NodeAddressingElement, NodeHealth};

    #[test]
    fn node_lines() {
        let n = NodeElement {
            name: "vm1".into(),
            source: "config".into(),
            primary_address: Some(NodeAddressing {
                ipv4: Some(NodeAddressingElement {
                    enabled: true,
                    ip: "192.168.1.10".into(),
                    ..Default::default()
                }),
                ipv6: None,
            }),
            secondary_addresses: Vec::new(),
            health: Some(NodeHealth {
                state: "Reachable".into(),
                latency_ns: Some(250_000),
                local: false,
            }),
        };
        colored::control::set_override(false);
        assert_eq!(node_line(&n, false), "192.168.1.10 (vm1): Reachable");
        assert_eq!(node_line(&n, true), "192.168.1.10 (vm1): Reachable, latency 0.250ms");
        let behind_nat = NodeElement {
            secondary_addresses: vec![NodeAddressingElement {
                enabled: true,
                ip: "203.0.113.20".into(),
                address_type: "ExternalIP".into(),
                ..Default::default()
            }],
            ..n
        };
        assert_eq!(node_line(&behind_nat, false), "192.168.1.10 (vm1) via 203.0.113.20: Reachable");
    }

    #[test]
    fn the_proxy_line_says_what_runs_and_what_does_not() {
        use super::{ProxyStatus, proxy_line};
        assert_eq!(proxy_line(None), "No managed proxy redirect");
        let running = ProxyStatus {
            ip: "127.0.0.1".into(),
            port_range: "10000-10000".into(),
            total_redirects: 1,
            ..Default::default()
        };
        assert_eq!(
            proxy_line(Some(&running)),
            "OK, ip 127.0.0.1, 1 redirects active on ports 10000-10000"
        );
        let why = "egress redirects refuse connections: adding the IPv4 rule: EPERM";
        let degraded = ProxyStatus { msg: why.into(), ..running };
        let l = proxy_line(Some(&degraded));
        assert!(l.contains("Warning"), "{l}");
        assert!(l.ends_with(&format!("1 redirects active on ports 10000-10000; {why}")), "{l}");
        let down = ProxyStatus { msg: "port 10000 in use".into(), ..Default::default() };
        let l = proxy_line(Some(&down));
        assert!(l.contains("Failure") && l.ends_with("port 10000 in use"), "{l}");
    }

    #[test]
    fn brief_names_the_first_problem() {
        let mut s =
            StatusResponse { cilium: Some(Status::new("Ok", "0.1.0")), ..Default::default() };
        assert_eq!(brief(&s), "OK\n");
        s.kvstore = Some(Status::new("Failure", "etcd down"));
        assert_eq!(brief(&s), "error in kvstore: etcd down\n");
    }
}

/// The `Proxy Status` line: upstream's, and this agent's reasons when the proxy does not run
/// (no address) or runs with egress redirects refused (address and reason).
fn proxy_line(p: Option<&ProxyStatus>) -> String {
    let Some(p) = p else { return "No managed proxy redirect".to_string() };
    if p.ip.is_empty() && !p.msg.is_empty() {
        return format!("{}   {}", state_word("Failure"), p.msg);
    }
    let running =
        format!("ip {}, {} redirects active on ports {}", p.ip, p.total_redirects, p.port_range);
    if p.msg.is_empty() {
        format!("OK, {running}")
    } else {
        format!("{}   {running}; {}", state_word("Warning"), p.msg)
    }
}

/// Seconds in a Go duration string (`1h2m3.5s`, `250ms`); `None` when it does not parse.
fn go_duration_secs(s: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod go_duration_tests {
    #[test]
    fn parses_go_durations() {
        assert_eq!(super::go_duration_secs("1h2m3s"), Some(3723.0));
        assert_eq!(super::go_duration_secs("250ms"), Some(0.25));
        assert_eq!(super::go_duration_secs("1.5s"), Some(1.5));
        assert_eq!(super::go_duration_secs(""), None);
        assert_eq!(super::go_duration_secs("5 parsecs"), None);
    }
}
