//! `cilium node list`: the cluster's nodes and those of meshed clusters, in cilium-dbg's
//! columns, then ours (WireGuard endpoint when some node is behind NAT, health, latency).
//! `-o json` prints the node list itself, as cilium-dbg does.

use std::process::ExitCode;

use agent_core::api::models::NodeElement;

use crate::cli::{Cli, NodeCommand};
use crate::output;

pub async fn run(cli: &Cli, cmd: &NodeCommand) -> anyhow::Result<ExitCode> {
    let NodeCommand::List { output: o } = cmd;
    let nodes = crate::client(&cli.host)?.cluster_nodes().await?;
    let text = match &o.output {
        Some(f) => output::render(f, &nodes.nodes_added)?,
        None => table(&nodes.nodes_added),
    };
    output::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn table(nodes: &[NodeElement]) -> String {
    // The endpoint column only where some node is behind NAT: flat networks keep the usual
    // table.
    let nat = nodes.iter().any(|n| n.external_ip().is_some());
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| {
            let family = |v6: bool| {
                n.primary_address
                    .as_ref()
                    .and_then(|a| if v6 { a.ipv6.as_ref() } else { a.ipv4.as_ref() })
            };
            let addr = |v6: bool| family(v6).map_or(String::new(), |e| e.ip.clone());
            let cidr = |v6: bool| family(v6).map_or(String::new(), |e| e.alloc_range.clone());
            let h = n.health.as_ref();
            let state = h.map_or("Unknown".to_string(), |h| {
                if h.local { format!("{} (localhost)", h.state) } else { h.state.clone() }
            });
            let latency = h
                .and_then(|h| h.latency_ns)
                .map_or(String::new(), |ns| format!("{:.3}ms", ns as f64 / 1e6));
            let mut row = vec![
                n.name.clone(),
                addr(false),
                cidr(false),
                addr(true),
                cidr(true),
                n.source.clone(),
            ];
            if nat {
                row.push(n.external_ip().unwrap_or_default().to_string());
            }
            row.extend([state, latency]);
            row
        })
        .collect();
    let mut header =
        vec!["Name", "IPv4 Address", "Endpoint CIDR", "IPv6 Address", "Endpoint CIDR", "Source"];
    if nat {
        header.push("WireGuard Endpoint");
    }
    header.extend(["Health", "Latency"]);
    output::columns(&header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use agent_core::api::models::{NodeAddressing, NodeAddressingElement};

    #[test]
    fn ciliums_columns_then_ours() {
        let n = |name: &str, ip: &str, cidr: &str, source: &str| NodeElement {
            name: name.into(),
            source: source.into(),
            primary_address: Some(NodeAddressing {
                ipv4: Some(NodeAddressingElement {
                    enabled: true,
                    ip: ip.into(),
                    alloc_range: cidr.into(),
                    ..Default::default()
                }),
                ipv6: None,
            }),
            ..Default::default()
        };
        let t = table(&[
            n("vm1", "192.168.1.10", "", "local"),
            n("k8s-cluster/k8s-worker-1", "192.168.1.30", "10.1.1.0/24", "clustermesh"),
        ]);
        let mut lines = t.lines();
        let header: Vec<&str> = lines
            .next()
            .unwrap_or_default()
            .split("  ")
            .filter(|c| !c.is_empty())
            .map(str::trim)
            .collect();
        assert_eq!(
            header,
            [
                "Name",
                "IPv4 Address",
                "Endpoint CIDR",
                "IPv6 Address",
                "Endpoint CIDR",
                "Source",
                "Health",
                "Latency"
            ]
        );
        let k8s = lines.nth(1).unwrap_or_default();
        assert!(k8s.starts_with("k8s-cluster/k8s-worker-1") && k8s.contains("10.1.1.0/24"), "{t}");
    }
}
