//! `hubble status`: the gRPC health check of the Observer service, then `ServerStatus`, printed
//! as upstream prints it.

use std::fmt::Write as _;

use agent_core::hubble::proto::observer::ServerStatusRequest;
use agent_core::hubble::proto::observer::ServerStatusResponse;
use agent_core::hubble::proto::observer::observer_client::ObserverClient;
use clap::Args;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::conn::{self, ServerArgs};
use crate::jsonout;
use crate::tabwriter::TabWriter;
use crate::timefmt;

/// The service name Hubble servers register with the health service.
pub const OBSERVER_SERVICE: &str = "hubble.server.Observer";

/// `hubble status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format: compact, dict (KEY: value pairs), json, table
    #[arg(
        short = 'o',
        long,
        default_value = "compact",
        value_parser = crate::printer::output_parser()
    )]
    pub output: String,
}

/// A server that answers but is not serving.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The health check failed.
    #[error("failed getting status: {0}")]
    Health(#[source] conn::RpcError),
    /// The health check says the server is not serving.
    #[error("not healthy")]
    NotHealthy,
    /// `ServerStatus` failed.
    #[error("failed to get hubble server status: {0}")]
    Status(#[source] conn::RpcError),
}

/// Runs `hubble status`, printing through `out`.
pub async fn run(
    args: &StatusArgs,
    server: &ServerArgs,
    out: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let conn = conn::connect(server).await?;
    let mut health = HealthClient::new(conn.channel.clone());
    let check = conn
        .unary(health.check(HealthCheckRequest { service: OBSERVER_SERVICE.into() }))
        .await
        .map_err(StatusError::Health)?;
    let serving = check.status == ServingStatus::Serving as i32;
    if args.output == "compact" {
        let state = if serving {
            "Ok".to_string()
        } else {
            let name = ServingStatus::try_from(check.status)
                .map_or_else(|_| check.status.to_string(), |s| s.as_str_name().to_string());
            format!("Unavailable: {name}")
        };
        out(&format!("Healthcheck (via {}): {state}\n", conn.target))?;
    }
    if !serving {
        return Err(StatusError::NotHealthy.into());
    }
    let mut client = ObserverClient::new(conn.channel.clone());
    let status = conn
        .unary(client.server_status(ServerStatusRequest {}))
        .await
        .map_err(StatusError::Status)?;
    out(&render(&status, &args.output)?)?;
    Ok(())
}

/// The status in one of the `-o` formats (the compact health line aside).
pub fn render(s: &ServerStatusResponse, output: &str) -> serde_json::Result<String> {
    let na = || "N/A".to_string();
    let connected = s.num_connected_nodes.map_or_else(na, |n| n.value.to_string());
    let unavailable = s.num_unavailable_nodes.map_or_else(na, |n| n.value.to_string());
    let rate = if s.flows_rate > 0.0 { format!("{:.2}", s.flows_rate) } else { na() };
    let uptime = timefmt::go_duration(s.uptime_ns);
    let mut o = String::new();
    match output {
        "json" | "jsonpb" => {
            o = jsonout::to_string(s)?;
            o.push('\n');
        }
        "table" | "tab" => {
            let mut t = TabWriter::new();
            t.row([
                "NUM FLOWS",
                "MAX FLOWS",
                "SEEN FLOWS",
                "FLOWS PER SECOND",
                "UPTIME",
                "NUM CONNECTED NODES",
                "NUM UNAVAILABLE NODES",
                "VERSION",
            ]);
            t.row([
                grouped(s.num_flows),
                grouped(s.max_flows),
                grouped(s.seen_flows),
                rate,
                uptime,
                connected,
                unavailable,
                s.version.clone(),
            ]);
            o = t.finish();
        }
        "dict" => {
            // `write!` to a String cannot fail.
            let _ = write!(
                o,
                "          NUM FLOWS: {}\n          MAX FLOWS: {}\n         SEEN FLOWS: {}\n   \
                 FLOWS PER SECOND: {rate}\n             UPTIME: {uptime}\nNUM CONNECTED NODES: \
                 {connected}\n NUM UNAVAIL. NODES: {unavailable}\n            VERSION: {}\n",
                grouped(s.num_flows),
                grouped(s.max_flows),
                grouped(s.seen_flows),
                s.version,
            );
        }
        _ => {
            let ratio = if s.max_flows > 0 {
                format!(" ({:.2}%)", s.num_flows as f64 / s.max_flows as f64 * 100.0)
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "Current/Max Flows: {}/{}{ratio}",
                grouped(s.num_flows),
                grouped(s.max_flows)
            );
            // Go's Duration is signed: an absurd uptime counts as none.
            let uptime_secs = i64::try_from(s.uptime_ns).unwrap_or(-1) as f64 / 1e9;
            let rate = if s.flows_rate <= 0.0 && uptime_secs > 0.0 {
                format!("{:.2}", s.seen_flows as f64 / uptime_secs)
            } else {
                rate
            };
            let _ = writeln!(o, "Flows/s: {rate}");
            if let Some(c) = s.num_connected_nodes {
                let total = s
                    .num_unavailable_nodes
                    .map_or_else(String::new, |u| format!("/{}", u.value.wrapping_add(c.value)));
                let _ = writeln!(o, "Connected Nodes: {}{total}", c.value);
            }
            if let Some(u) = s.num_unavailable_nodes.filter(|u| u.value > 0) {
                let _ = writeln!(o, "Unavailable Nodes: {}", u.value);
                let mut names = s.unavailable_nodes.clone();
                if !names.is_empty() {
                    names.sort();
                    let listed = names.len() as u32;
                    if u.value > listed {
                        names.push(format!("and {} more...", u.value - listed));
                    }
                    for n in names {
                        let _ = writeln!(o, "  - {}", crate::printer::clean(&n));
                    }
                }
            }
        }
    }
    Ok(o)
}

/// Thousands separators: `4,095`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::golden;

    fn agent() -> ServerStatusResponse {
        ServerStatusResponse {
            num_flows: 4095,
            max_flows: 4095,
            seen_flows: 1_234_567,
            uptime_ns: 3_723_500_000_000,
            version: "1.19.4-vm".into(),
            ..Default::default()
        }
    }

    fn relay() -> ServerStatusResponse {
        ServerStatusResponse {
            num_flows: 8190,
            max_flows: 12285,
            seen_flows: 100,
            uptime_ns: 10_000_000_000,
            num_connected_nodes: Some(2.into()),
            num_unavailable_nodes: Some(3.into()),
            unavailable_nodes: vec!["vm-9".into(), "vm-3".into()],
            version: "1.19.4".into(),
            flows_rate: 12.345,
        }
    }

    fn all(s: &ServerStatusResponse) -> String {
        ["compact", "dict", "table", "json"]
            .iter()
            .map(|o| format!("# -o {o}\n{}", render(s, o).expect("render")))
            .collect()
    }

    #[test]
    fn agent_status() {
        golden("status-agent.txt", all(&agent()));
    }

    #[test]
    fn relay_status() {
        golden("status-relay.txt", all(&relay()));
    }

    #[test]
    fn empty_status() {
        assert_eq!(
            render(&ServerStatusResponse::default(), "compact").expect("render"),
            "Current/Max Flows: 0/0\nFlows/s: N/A\n"
        );
    }

    #[test]
    fn thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(4095), "4,095");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }
}
