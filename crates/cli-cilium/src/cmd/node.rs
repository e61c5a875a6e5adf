//! `cilium node list`: the cluster's nodes, as membership knows them.

use std::process::ExitCode;

use crate::cli::{Cli, NodeCommand};
use crate::output;

pub async fn run(cli: &Cli, cmd: &NodeCommand) -> anyhow::Result<ExitCode> {
    let NodeCommand::List { output: o } = cmd;
    let nodes = crate::client(&cli.host)?.cluster_nodes().await?;
    let text = match &o.output {
        Some(f) => output::render(f, &nodes)?,
        None => {
            // The endpoint column only where some node is behind NAT: flat networks keep
            // the usual table.
            let nat = nodes.nodes_added.iter().any(|n| n.external_ip().is_some());
            let rows: Vec<Vec<String>> = nodes
                .nodes_added
                .iter()
                .map(|n| {
                    let addr = |v6: bool| {
                        n.primary_address
                            .as_ref()
                            .and_then(|a| if v6 { a.ipv6.as_ref() } else { a.ipv4.as_ref() })
                            .map_or(String::new(), |e| e.ip.clone())
                    };
                    let h = n.health.as_ref();
                    let state = h.map_or("Unknown".to_string(), |h| {
                        if h.local { format!("{} (localhost)", h.state) } else { h.state.clone() }
                    });
                    let latency = h
                        .and_then(|h| h.latency_ns)
                        .map_or(String::new(), |ns| format!("{:.3}ms", ns as f64 / 1e6));
                    let mut row = vec![n.name.clone(), addr(false), addr(true)];
                    if nat {
                        row.push(n.external_ip().unwrap_or_default().to_string());
                    }
                    row.extend([n.source.clone(), state, latency]);
                    row
                })
                .collect();
            let mut header = vec!["Name", "IPv4 Address", "IPv6 Address"];
            if nat {
                header.push("WireGuard Endpoint");
            }
            header.extend(["Source", "Health", "Latency"]);
            output::columns(&header, &rows)
        }
    };
    output::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
