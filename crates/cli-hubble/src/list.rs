//! `hubble list nodes`: the nodes a Hubble server knows (Relay's peers, or the agent itself),
//! sorted by name; `hubble list namespaces`: the Kubernetes namespaces its flows came from
//! (none on VMs: the agent answers an empty list, as upstream's does without Kubernetes).

use agent_core::hubble::proto::observer::observer_client::ObserverClient;
use agent_core::hubble::proto::observer::{GetNamespacesRequest, GetNodesRequest, Namespace, Node};
use agent_core::hubble::proto::relay::NodeState;
use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};

use crate::conn::{self, ServerArgs};
use crate::jsonout;
use crate::printer::clean;
use crate::tabwriter::TabWriter;
use crate::timefmt;

/// `hubble list ...`.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// List Hubble nodes
    #[command(visible_alias = "node")]
    Nodes(NodesArgs),
    /// List namespaces with recent flows
    #[command(visible_alias = "namespace")]
    Namespaces(NodesArgs),
}

/// `hubble list nodes`.
#[derive(Debug, Args)]
pub struct NodesArgs {
    /// Output format: table, wide (with version, address and TLS), json
    #[arg(
        short = 'o',
        long,
        default_value = "table",
        value_parser = PossibleValuesParser::new(["table", "wide", "json"])
    )]
    pub output: String,
}

/// Runs `hubble list nodes`, printing through `out`.
pub async fn run_nodes(
    args: &NodesArgs,
    server: &ServerArgs,
    out: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let conn = conn::connect(server).await?;
    let mut client = ObserverClient::new(conn.channel.clone());
    let mut nodes = conn.unary(client.get_nodes(GetNodesRequest {})).await?.nodes;
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    out(&render(&nodes, &args.output)?)?;
    Ok(())
}

/// Runs `hubble list namespaces`, printing through `out`.
pub async fn run_namespaces(
    args: &NodesArgs,
    server: &ServerArgs,
    out: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let conn = conn::connect(server).await?;
    let mut client = ObserverClient::new(conn.channel.clone());
    let namespaces = conn.unary(client.get_namespaces(GetNamespacesRequest {})).await?.namespaces;
    out(&render_namespaces(&namespaces, &args.output)?)?;
    Ok(())
}

/// The namespaces as upstream prints them: `NAMESPACE` (and `CLUSTER` with `-o wide`).
pub fn render_namespaces(namespaces: &[Namespace], output: &str) -> serde_json::Result<String> {
    if output == "json" {
        let mut s = if namespaces.is_empty() {
            "null".to_string()
        } else {
            jsonout::to_string_pretty(namespaces)?
        };
        s.push('\n');
        return Ok(s);
    }
    let wide = output == "wide";
    let mut t = TabWriter::new();
    t.row(if wide { vec!["NAMESPACE", "CLUSTER"] } else { vec!["NAMESPACE"] });
    for n in namespaces {
        let mut row = vec![clean(&n.namespace)];
        if wide && !n.cluster.is_empty() {
            row.push(clean(&n.cluster));
        }
        t.row(row);
    }
    Ok(t.finish())
}

/// The nodes in one of the `-o` formats.
pub fn render(nodes: &[Node], output: &str) -> serde_json::Result<String> {
    if output == "json" {
        // Go marshals an empty list as null.
        let mut s =
            if nodes.is_empty() { "null".to_string() } else { jsonout::to_string_pretty(nodes)? };
        s.push('\n');
        return Ok(s);
    }
    let wide = output == "wide";
    let mut t = TabWriter::new();
    let mut header = vec!["NAME", "STATUS", "AGE", "FLOWS/S", "CURRENT/MAX-FLOWS"];
    if wide {
        header.extend(["VERSION", "ADDRESS", "TLS"]);
    }
    t.row(header);
    for n in nodes {
        let na = || "N/A".to_string();
        let uptime = round_to_second(n.uptime_ns);
        let (age, rate) = if uptime > 0 {
            (
                timefmt::go_duration(uptime),
                format!("{:.2}", n.seen_flows as f64 / (uptime as f64 / 1e9)),
            )
        } else {
            (na(), na())
        };
        let flows = if n.max_flows > 0 {
            format!(
                "{}/{} ({:6.2}%)",
                n.num_flows,
                n.max_flows,
                n.num_flows as f64 / n.max_flows as f64 * 100.0
            )
        } else {
            na()
        };
        let mut row = vec![clean(&n.name), state(n.state).into(), age, rate, flows];
        if wide {
            let version = if n.version.is_empty() { na() } else { clean(&n.version) };
            let tls = match &n.tls {
                None => na(),
                Some(t) if t.enabled => "Enabled".into(),
                Some(_) => "Disabled".into(),
            };
            row.extend([version, clean(&n.address), tls]);
        }
        t.row(row);
    }
    Ok(t.finish())
}

fn state(s: i32) -> &'static str {
    match NodeState::try_from(s) {
        Ok(NodeState::NodeConnected) => "Connected",
        Ok(NodeState::NodeUnavailable) => "Unavailable",
        Ok(NodeState::NodeGone) => "Gone",
        Ok(NodeState::NodeError) => "Error",
        _ => "Unknown",
    }
}

/// Go's `Duration.Round(time.Second)` (halves away from zero), for a non-negative duration.
fn round_to_second(ns: u64) -> u64 {
    // Go's Duration is an int64; larger values are negative there and never shown.
    if ns > i64::MAX as u64 {
        return 0;
    }
    let r = ns % 1_000_000_000;
    let down = ns - r;
    if r >= 500_000_000 { down.saturating_add(1_000_000_000) } else { down }
}

#[cfg(test)]
mod tests {
    use agent_core::hubble::proto::observer::Tls;

    use super::*;
    use crate::testdata::golden;

    fn nodes() -> Vec<Node> {
        vec![
            Node {
                name: "vm-2".into(),
                version: "1.19.4-vm".into(),
                address: "192.168.1.11:4244".into(),
                state: NodeState::NodeConnected as i32,
                tls: Some(Tls {
                    enabled: true,
                    server_name: "vm-2.default.hubble-grpc.cilium.io".into(),
                }),
                uptime_ns: 3_723_600_000_000,
                num_flows: 10,
                max_flows: 4095,
                seen_flows: 372_360,
            },
            Node {
                name: "vm-1".into(),
                address: "192.168.1.10:4244".into(),
                state: NodeState::NodeUnavailable as i32,
                tls: Some(Tls { enabled: false, ..Default::default() }),
                ..Default::default()
            },
            Node {
                name: "vm-3".into(),
                state: NodeState::NodeGone as i32,
                uptime_ns: 400_000_000,
                num_flows: 4095,
                max_flows: 4095,
                ..Default::default()
            },
        ]
    }

    fn all() -> String {
        let mut sorted = nodes();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        ["table", "wide", "json"]
            .iter()
            .map(|o| format!("# -o {o}\n{}", render(&sorted, o).expect("render")))
            .collect()
    }

    #[test]
    fn node_list() {
        golden("list-nodes.txt", all());
    }

    #[test]
    fn no_nodes() {
        assert_eq!(render(&[], "json").expect("render"), "null\n");
        assert_eq!(
            render(&[], "table").expect("render"),
            "NAME   STATUS   AGE   FLOWS/S   CURRENT/MAX-FLOWS\n"
        );
    }

    #[test]
    fn rounding() {
        assert_eq!(round_to_second(400_000_000), 0);
        assert_eq!(round_to_second(500_000_000), 1_000_000_000);
        assert_eq!(round_to_second(3_723_600_000_000), 3_724_000_000_000);
    }

    #[test]
    fn namespaces_as_upstream_prints_them() {
        assert_eq!(render_namespaces(&[], "table").expect("table"), "NAMESPACE\n");
        assert_eq!(render_namespaces(&[], "json").expect("json"), "null\n", "VMs have none");
        let ns = [Namespace { cluster: "k8s".into(), namespace: "default".into() }];
        let wide = render_namespaces(&ns, "wide").expect("wide");
        assert_eq!(wide, "NAMESPACE   CLUSTER\ndefault     k8s\n");
    }
}
