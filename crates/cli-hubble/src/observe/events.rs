//! `hubble observe agent-events`: what the agent itself did (started, policies changed, nodes
//! came and went as ipcache entries, keys rotated), in upstream's formats.

use std::io::{self, Write};

use agent_core::hubble::proto::flow::{AgentEvent, AgentEventType, agent_event::Notification};
use agent_core::hubble::proto::observer::observer_client::ObserverClient;
use agent_core::hubble::proto::observer::{GetAgentEventsRequest, GetAgentEventsResponse};
use agent_core::hubble::timestamp::Timestamp;
use clap::Args;
use clap::builder::PossibleValuesParser;

use super::filters::Filters;
use super::request::{self, Selectors};
use super::{ObserveError, debug, ignore_broken_pipe, observe_status};
use crate::conn::{self, ServerArgs};
use crate::tabwriter::TabWriter;
use crate::timefmt::{self, Layout};

/// `hubble observe agent-events`.
#[derive(Debug, Clone, Args)]
pub struct AgentEventsOpts {
    /// The last N events [default: 20]
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub last: u64,

    /// The first N events in the server's buffer
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub first: u64,

    /// Every event in the server's buffer
    #[arg(long)]
    pub all: bool,

    /// Keep printing new events as they come (Ctrl-C ends)
    #[arg(short = 'f', long)]
    pub follow: bool,

    /// Events since this time (same formats as for flows)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Events until this time (ignored with --follow)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// Output format: compact, dict, table, json (jsonpb is the same)
    #[arg(
        short = 'o',
        long,
        default_value = "compact",
        value_parser = PossibleValuesParser::new(["compact", "dict", "table", "json", "jsonpb"])
    )]
    pub output: String,

    /// How to print times (as for flows)
    #[arg(long, default_value = "StampMilli", value_parser = timefmt::parse_layout, value_name = "FORMAT")]
    pub time_format: Layout,

    /// Print the node name of each event
    #[arg(long)]
    pub print_node_name: bool,
}

/// Upstream's details of an event.
pub fn details(e: &AgentEvent, layout: Layout) -> String {
    let t = AgentEventType::try_from(e.r#type).unwrap_or_default();
    match (t, &e.notification) {
        (AgentEventType::AgentEventUnknown, Some(Notification::Unknown(u))) => {
            format!("type: {}, notification: {}", u.r#type, u.notification)
        }
        (AgentEventType::AgentStarted, Some(Notification::AgentStart(a))) => {
            format!("start time: {}", timefmt::format(a.time.as_ref(), layout))
        }
        (
            AgentEventType::PolicyUpdated | AgentEventType::PolicyDeleted,
            Some(Notification::PolicyUpdate(p)),
        ) => format!(
            "labels: [{}], revision: {}, count: {}",
            p.labels.join(","),
            p.revision,
            p.rule_count
        ),
        (
            AgentEventType::EndpointRegenerateSuccess | AgentEventType::EndpointRegenerateFailure,
            Some(Notification::EndpointRegenerate(r)),
        ) => {
            let mut s = format!("id: {}, labels: [{}]", r.id, r.labels.join(","));
            if !r.error.is_empty() {
                s.push_str(&format!(", error: {}", r.error));
            }
            s
        }
        (
            AgentEventType::EndpointCreated | AgentEventType::EndpointDeleted,
            Some(Notification::EndpointUpdate(ep)),
        ) => {
            let mut s = format!("id: {}", ep.id);
            if !ep.namespace.is_empty() {
                s.push_str(&format!(", namespace: {}", ep.namespace));
            }
            if !ep.pod_name.is_empty() {
                s.push_str(&format!(", pod name: {}", ep.pod_name));
            }
            s
        }
        (
            AgentEventType::IpcacheUpserted | AgentEventType::IpcacheDeleted,
            Some(Notification::IpcacheUpdate(i)),
        ) => {
            let mut s = format!("cidr: {}, identity: {}", i.cidr, i.identity);
            if let Some(old) = i.old_identity {
                s.push_str(&format!(", old identity: {}", old.value));
            }
            if !i.host_ip.is_empty() {
                s.push_str(&format!(", host ip: {}", i.host_ip));
            }
            if !i.old_host_ip.is_empty() {
                s.push_str(&format!(", old host ip: {}", i.old_host_ip));
            }
            s.push_str(&format!(", encrypt key: {}", i.encrypt_key));
            s
        }
        _ => "UNKNOWN".into(),
    }
}

/// Prints events in one of the formats; the table is written at the end.
#[derive(Debug)]
pub struct EventPrinter {
    output: String,
    layout: Layout,
    node_name: bool,
    lines: usize,
    table: Option<TabWriter>,
}

impl EventPrinter {
    /// A printer for `-o output`.
    pub fn new(output: &str, layout: Layout, node_name: bool) -> Self {
        let table = (output == "table").then(|| {
            let mut t = TabWriter::new();
            let mut header = vec!["TIMESTAMP"];
            if node_name {
                header.push("NODE");
            }
            header.extend(["TYPE", "DETAILS"]);
            t.row(header);
            t
        });
        Self { output: output.into(), layout, node_name, lines: 0, table }
    }

    /// The text of one event (empty for the table, which prints at the end).
    pub fn render(&mut self, r: &GetAgentEventsResponse) -> serde_json::Result<String> {
        let Some(e) = &r.agent_event else { return Ok(String::new()) };
        let time = timefmt::format(r.time.as_ref(), self.layout);
        let kind = AgentEventType::try_from(e.r#type).unwrap_or_default().as_str_name();
        let details = details(e, self.layout);
        let node = crate::printer::clean(&r.node_name);
        let text = match self.output.as_str() {
            "json" | "jsonpb" => format!("{}\n", crate::jsonout::to_string(r)?),
            "dict" => {
                let mut s = String::new();
                if self.lines > 0 {
                    s.push_str("------------\n");
                }
                s.push_str(&format!("  TIMESTAMP: {time}\n"));
                if self.node_name {
                    s.push_str(&format!("       NODE: {node}\n"));
                }
                s.push_str(&format!("       TYPE: {kind}\n    DETAILS: {details}\n"));
                s
            }
            "table" => {
                if let Some(t) = &mut self.table {
                    let mut row = vec![time];
                    if self.node_name {
                        row.push(node);
                    }
                    row.extend([kind.to_string(), details]);
                    t.row(row);
                }
                String::new()
            }
            _ => {
                let node = if self.node_name { format!(" [{node}]") } else { String::new() };
                format!("{time}{node}: {kind} ({details})\n")
            }
        };
        self.lines += 1;
        Ok(text)
    }

    /// What is left to print (the table).
    pub fn finish(&mut self) -> String {
        match self.table.take() {
            Some(t) if self.lines > 0 => t.finish(),
            _ => String::new(),
        }
    }
}

/// Runs `hubble observe agent-events`.
pub async fn run(opts: &AgentEventsOpts, server: &ServerArgs) -> anyhow::Result<()> {
    if opts.output == "table" && opts.follow {
        return Err(ObserveError::Usage(
            "table output format is not compatible with follow mode".into(),
        )
        .into());
    }
    let sel = Selectors {
        last: opts.last,
        first: opts.first,
        all: opts.all,
        follow: opts.follow,
        since: opts.since.clone(),
        until: opts.until.clone(),
    };
    // The selectors mean what they mean for flows.
    let flows = request::flows_request(&sel, Filters::default(), &[], &[], false, Timestamp::now())
        .map_err(ObserveError::from)?;
    let req = GetAgentEventsRequest {
        number: flows.number,
        first: flows.first,
        follow: flows.follow,
        since: flows.since,
        until: flows.until,
    };
    let conn = conn::connect(server).await?;
    debug(server.debug, &format!("connected to Hubble API at {}", conn.target));
    let mut client = ObserverClient::new(conn.channel.clone());
    let mut stream = tokio::select! {
        r = client.get_agent_events(req) => r.map_err(observe_status)?.into_inner(),
        _ = tokio::signal::ctrl_c() => return Ok(()),
    };
    let mut printer = EventPrinter::new(&opts.output, opts.time_format, opts.print_node_name);
    let mut out = io::stdout().lock();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            msg = stream.message() => match msg {
                Ok(Some(r)) => ignore_broken_pipe(out.write_all(printer.render(&r)?.as_bytes()))?,
                Ok(None) => break,
                Err(s) if s.code() == tonic::Code::Cancelled => break,
                Err(s) => {
                    let _ = out.write_all(printer.finish().as_bytes());
                    return Err(observe_status(s).into());
                }
            },
            _ = &mut ctrl_c => break,
        }
    }
    ignore_broken_pipe(out.write_all(printer.finish().as_bytes()))
}

#[cfg(test)]
mod tests {
    use agent_core::hubble::proto::flow::{IpCacheNotification, PolicyUpdateNotification};

    use super::*;

    fn event(kind: AgentEventType, n: Notification) -> GetAgentEventsResponse {
        GetAgentEventsResponse {
            agent_event: Some(AgentEvent { r#type: kind as i32, notification: Some(n) }),
            node_name: "vm-cluster/vm1".into(),
            time: Some(Timestamp::from_unix_nanos(1_700_000_000_000_000_000)),
        }
    }

    #[test]
    fn compact_and_dict_as_upstream() {
        let policy = event(
            AgentEventType::PolicyUpdated,
            Notification::PolicyUpdate(PolicyUpdateNotification {
                labels: vec!["name=allow-frontend".into()],
                revision: 3,
                rule_count: 1,
            }),
        );
        let node = event(
            AgentEventType::IpcacheUpserted,
            Notification::IpcacheUpdate(IpCacheNotification {
                cidr: "192.168.1.11/32".into(),
                identity: 6,
                host_ip: "192.168.1.11".into(),
                ..Default::default()
            }),
        );
        let layout = timefmt::parse_layout("StampMilli").expect("layout");
        let mut p = EventPrinter::new("compact", layout, true);
        assert_eq!(
            p.render(&policy).expect("render"),
            "Nov 14 22:13:20.000 [vm-cluster/vm1]: POLICY_UPDATED (labels: [name=allow-frontend], revision: 3, count: 1)\n"
        );
        assert_eq!(
            p.render(&node).expect("render"),
            "Nov 14 22:13:20.000 [vm-cluster/vm1]: IPCACHE_UPSERTED (cidr: 192.168.1.11/32, identity: 6, host ip: 192.168.1.11, encrypt key: 0)\n"
        );
        let mut d = EventPrinter::new("dict", layout, false);
        d.render(&policy).expect("first");
        assert_eq!(
            d.render(&node).expect("second"),
            "------------\n  TIMESTAMP: Nov 14 22:13:20.000\n       TYPE: IPCACHE_UPSERTED\n    DETAILS: cidr: 192.168.1.11/32, identity: 6, host ip: 192.168.1.11, encrypt key: 0\n"
        );
        let mut t = EventPrinter::new("table", layout, false);
        assert_eq!(t.render(&policy).expect("row"), "");
        assert!(t.finish().starts_with("TIMESTAMP"), "the table at the end");
    }
}
