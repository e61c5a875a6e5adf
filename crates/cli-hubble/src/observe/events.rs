//! `hubble observe agent-events`: what the agent itself did (started, policies changed, nodes
//! came and went as ipcache entries, keys rotated), and `hubble observe debug-events`: the
//! datapath's debug messages (with `cilium config Debug=true`), in upstream's formats.

use std::io::{self, Write};

use agent_core::hubble::proto::flow::{
    AgentEvent, AgentEventType, DebugEventType, Endpoint, agent_event::Notification,
};
use agent_core::hubble::proto::observer::observer_client::ObserverClient;
use agent_core::hubble::proto::observer::{
    GetAgentEventsRequest, GetAgentEventsResponse, GetDebugEventsRequest, GetDebugEventsResponse,
};
use agent_core::hubble::timestamp::Timestamp;
use clap::Args;
use clap::builder::PossibleValuesParser;

use super::filters::Filters;
use super::request::{self, Selectors};
use super::{ObserveError, debug, ignore_broken_pipe, observe_status};
use crate::conn::{self, ServerArgs};
use crate::tabwriter::TabWriter;
use crate::timefmt::{self, Layout};

/// `hubble observe agent-events` and `debug-events`.
#[derive(Debug, Clone, Args)]
pub struct EventsOpts {
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

/// One kind of event response, as each output format shows it.
pub trait EventLine {
    /// When it was observed.
    fn time(&self) -> Option<&Timestamp>;
    /// The node it came from.
    fn node(&self) -> &str;
    /// The compact line after `time [node]: `, without the newline.
    fn compact(&self, layout: Layout) -> String;
    /// The dict entries after TIMESTAMP and NODE, as (label, value).
    fn dict(&self, layout: Layout) -> Vec<(&'static str, String)>;
    /// The table's columns after TIMESTAMP and NODE.
    fn table_header() -> &'static [&'static str];
    /// One table row after TIMESTAMP and NODE.
    fn table_row(&self, layout: Layout) -> Vec<String>;
    /// The JSON line.
    fn json(&self) -> serde_json::Result<String>;
}

impl EventLine for GetAgentEventsResponse {
    fn time(&self) -> Option<&Timestamp> {
        self.time.as_ref()
    }
    fn node(&self) -> &str {
        &self.node_name
    }
    fn compact(&self, layout: Layout) -> String {
        let (kind, details) = agent_parts(self, layout);
        format!("{kind} ({details})")
    }
    fn dict(&self, layout: Layout) -> Vec<(&'static str, String)> {
        let (kind, details) = agent_parts(self, layout);
        vec![("TYPE", kind.into()), ("DETAILS", details)]
    }
    fn table_header() -> &'static [&'static str] {
        &["TYPE", "DETAILS"]
    }
    fn table_row(&self, layout: Layout) -> Vec<String> {
        let (kind, details) = agent_parts(self, layout);
        vec![kind.into(), details]
    }
    fn json(&self) -> serde_json::Result<String> {
        crate::jsonout::to_string(self)
    }
}

/// An agent event's type name and details.
fn agent_parts(r: &GetAgentEventsResponse, layout: Layout) -> (&'static str, String) {
    match &r.agent_event {
        Some(e) => (
            AgentEventType::try_from(e.r#type).unwrap_or_default().as_str_name(),
            details(e, layout),
        ),
        None => (AgentEventType::AgentEventUnknown.as_str_name(), "UNKNOWN".into()),
    }
}

/// Upstream's short form of a message's source endpoint.
fn endpoint_short(ep: Option<&Endpoint>) -> String {
    let Some(ep) = ep else { return "N/A".into() };
    let id = format!("ID: {}", ep.id);
    match ep.labels.as_slice() {
        _ if !ep.namespace.is_empty() && !ep.pod_name.is_empty() => {
            format!("{}/{} ({id})", ep.namespace, ep.pod_name)
        }
        [only] if only.starts_with("reserved:") => {
            format!("{} ({id})", crate::printer::clean(only))
        }
        _ => id,
    }
}

struct DebugParts {
    from: String,
    kind: &'static str,
    mark: String,
    cpu: String,
    message: String,
}

impl DebugParts {
    fn of(r: &GetDebugEventsResponse) -> Self {
        let e = r.debug_event.as_ref();
        DebugParts {
            from: endpoint_short(e.and_then(|e| e.source.as_ref())),
            kind: DebugEventType::try_from(e.map_or(0, |e| e.r#type))
                .unwrap_or_default()
                .as_str_name(),
            mark: e
                .and_then(|e| e.hash)
                .map_or_else(|| "N/A".into(), |h| format!("{:#x}", h.value)),
            cpu: e.and_then(|e| e.cpu).map_or_else(|| "N/A".into(), |c| format!("{:02}", c.value)),
            message: crate::printer::clean(e.map_or("", |e| e.message.as_str())),
        }
    }
}

impl EventLine for GetDebugEventsResponse {
    fn time(&self) -> Option<&Timestamp> {
        self.time.as_ref()
    }
    fn node(&self) -> &str {
        &self.node_name
    }
    fn compact(&self, _layout: Layout) -> String {
        let p = DebugParts::of(self);
        format!("{} {} MARK: {} CPU: {} ({})", p.from, p.kind, p.mark, p.cpu, p.message)
    }
    fn dict(&self, _layout: Layout) -> Vec<(&'static str, String)> {
        let p = DebugParts::of(self);
        vec![
            ("TYPE", p.kind.into()),
            ("FROM", p.from),
            ("MARK", p.mark),
            ("CPU", p.cpu),
            ("MESSAGE", p.message),
        ]
    }
    fn table_header() -> &'static [&'static str] {
        // Upstream's header has an empty column after FROM.
        &["FROM", "", "TYPE", "CPU/MARK", "MESSAGE"]
    }
    fn table_row(&self, _layout: Layout) -> Vec<String> {
        let p = DebugParts::of(self);
        vec![p.from, String::new(), p.kind.into(), format!("{} {}", p.cpu, p.mark), p.message]
    }
    fn json(&self) -> serde_json::Result<String> {
        crate::jsonout::to_string(self)
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
    /// A printer for `-o output` of events of kind `E`.
    pub fn new<E: EventLine>(output: &str, layout: Layout, node_name: bool) -> Self {
        let table = (output == "table").then(|| {
            let mut t = TabWriter::new();
            let mut header = vec!["TIMESTAMP"];
            if node_name {
                header.push("NODE");
            }
            header.extend(E::table_header());
            t.row(header);
            t
        });
        Self { output: output.into(), layout, node_name, lines: 0, table }
    }

    /// The text of one event (empty for the table, which prints at the end).
    pub fn render<E: EventLine>(&mut self, r: &E) -> serde_json::Result<String> {
        let time = timefmt::format(r.time(), self.layout);
        let node = crate::printer::clean(r.node());
        let text = match self.output.as_str() {
            "json" | "jsonpb" => format!("{}\n", r.json()?),
            "dict" => {
                let mut s = String::new();
                if self.lines > 0 {
                    s.push_str("------------\n");
                }
                s.push_str(&format!("  TIMESTAMP: {time}\n"));
                if self.node_name {
                    s.push_str(&format!("       NODE: {node}\n"));
                }
                for (label, value) in r.dict(self.layout) {
                    s.push_str(&format!("{label:>11}: {value}\n"));
                }
                s
            }
            "table" => {
                if let Some(t) = &mut self.table {
                    let mut row = vec![time];
                    if self.node_name {
                        row.push(node);
                    }
                    row.extend(r.table_row(self.layout));
                    t.row(row);
                }
                String::new()
            }
            _ => {
                let node = if self.node_name { format!(" [{node}]") } else { String::new() };
                format!("{time}{node}: {}\n", r.compact(self.layout))
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

/// Which events to observe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `GetAgentEvents`.
    Agent,
    /// `GetDebugEvents`.
    Debug,
}

/// Runs `hubble observe agent-events` or `debug-events`.
pub async fn run(kind: Kind, opts: &EventsOpts, server: &ServerArgs) -> anyhow::Result<()> {
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
    let f = request::flows_request(&sel, Filters::default(), &[], &[], false, Timestamp::now())
        .map_err(ObserveError::from)?;
    let conn = conn::connect(server).await?;
    debug(server.debug, &format!("connected to Hubble API at {}", conn.target));
    let mut client = ObserverClient::new(conn.channel.clone());
    match kind {
        Kind::Agent => {
            let req = GetAgentEventsRequest {
                number: f.number,
                first: f.first,
                follow: f.follow,
                since: f.since,
                until: f.until,
            };
            tokio::select! {
                r = client.get_agent_events(req) => print(r.map_err(observe_status)?.into_inner(), opts).await,
                _ = tokio::signal::ctrl_c() => Ok(()),
            }
        }
        Kind::Debug => {
            let req = GetDebugEventsRequest {
                number: f.number,
                first: f.first,
                follow: f.follow,
                since: f.since,
                until: f.until,
            };
            tokio::select! {
                r = client.get_debug_events(req) => print(r.map_err(observe_status)?.into_inner(), opts).await,
                _ = tokio::signal::ctrl_c() => Ok(()),
            }
        }
    }
}

async fn print<E: EventLine>(
    mut stream: tonic::Streaming<E>,
    opts: &EventsOpts,
) -> anyhow::Result<()> {
    let mut printer = EventPrinter::new::<E>(&opts.output, opts.time_format, opts.print_node_name);
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
        let mut p = EventPrinter::new::<GetAgentEventsResponse>("compact", layout, true);
        assert_eq!(
            p.render(&policy).expect("render"),
            "Nov 14 22:13:20.000 [vm-cluster/vm1]: POLICY_UPDATED (labels: [name=allow-frontend], revision: 3, count: 1)\n"
        );
        assert_eq!(
            p.render(&node).expect("render"),
            "Nov 14 22:13:20.000 [vm-cluster/vm1]: IPCACHE_UPSERTED (cidr: 192.168.1.11/32, identity: 6, host ip: 192.168.1.11, encrypt key: 0)\n"
        );
        let mut d = EventPrinter::new::<GetAgentEventsResponse>("dict", layout, false);
        d.render(&policy).expect("first");
        assert_eq!(
            d.render(&node).expect("second"),
            "------------\n  TIMESTAMP: Nov 14 22:13:20.000\n       TYPE: IPCACHE_UPSERTED\n    DETAILS: cidr: 192.168.1.11/32, identity: 6, host ip: 192.168.1.11, encrypt key: 0\n"
        );
        let mut t = EventPrinter::new::<GetAgentEventsResponse>("table", layout, false);
        assert_eq!(t.render(&policy).expect("row"), "");
        assert!(t.finish().starts_with("TIMESTAMP"), "the table at the end");
    }

    #[test]
    fn debug_events_as_upstream_prints_them() {
        use agent_core::hubble::proto::flow::DebugEvent;
        use pbjson_types::{Int32Value, UInt32Value};
        let r = GetDebugEventsResponse {
            debug_event: Some(DebugEvent {
                r#type: DebugEventType::DbgCtVerdict as i32,
                source: Some(Endpoint {
                    id: 1,
                    identity: 1,
                    labels: vec!["reserved:host".into()],
                    ..Default::default()
                }),
                hash: Some(UInt32Value { value: 0xbbe3_d555 }),
                arg1: Some(UInt32Value { value: 1 }),
                arg2: Some(UInt32Value { value: 0 }),
                arg3: Some(UInt32Value { value: 0 }),
                message: "CT verdict: Established, revnat=0".into(),
                cpu: Some(Int32Value { value: 1 }),
            }),
            node_name: "vm-cluster/vm1".into(),
            time: Some(Timestamp::from_unix_nanos(1_700_000_000_000_000_000)),
        };
        let layout = timefmt::parse_layout("StampMilli").expect("layout");
        let mut p = EventPrinter::new::<GetDebugEventsResponse>("compact", layout, true);
        assert_eq!(
            p.render(&r).expect("render"),
            "Nov 14 22:13:20.000 [vm-cluster/vm1]: reserved:host (ID: 1) DBG_CT_VERDICT MARK: 0xbbe3d555 CPU: 01 (CT verdict: Established, revnat=0)\n"
        );
        let mut d = EventPrinter::new::<GetDebugEventsResponse>("dict", layout, false);
        assert_eq!(
            d.render(&r).expect("render"),
            "  TIMESTAMP: Nov 14 22:13:20.000\n       TYPE: DBG_CT_VERDICT\n       FROM: reserved:host (ID: 1)\n       MARK: 0xbbe3d555\n        CPU: 01\n    MESSAGE: CT verdict: Established, revnat=0\n"
        );
        let mut t = EventPrinter::new::<GetDebugEventsResponse>("table", layout, false);
        t.render(&r).expect("row");
        let table = t.finish();
        assert!(table.starts_with("TIMESTAMP"), "{table}");
        assert!(table.contains("CPU/MARK"), "{table}");
        assert!(table.contains("01 0xbbe3d555"), "{table}");
        // A message without its optional fields, as upstream prints them.
        let bare = GetDebugEventsResponse { debug_event: Some(DebugEvent::default()), ..r };
        let mut p = EventPrinter::new::<GetDebugEventsResponse>("compact", layout, false);
        assert_eq!(
            p.render(&bare).expect("render"),
            "Nov 14 22:13:20.000: N/A DBG_EVENT_UNKNOWN MARK: N/A CPU: N/A ()\n"
        );
    }
}
