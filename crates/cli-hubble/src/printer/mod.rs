//! Prints `GetFlowsResponse`s the way the Go CLI does: `compact` lines, `dict` blocks, a `table`,
//! or one JSON object per line. Flows and lost events go to stdout; Relay's node-status events go
//! to stderr (only the alarming ones unless `--debug`).
//!
//! Everything a server controls (names, summaries) passes through [`clean`] first, so a flow
//! cannot move the cursor or recolor the terminal; only our own color codes reach it.

mod flow;

use std::io::{self, Write};

use agent_core::hubble::proto::flow::{LostEvent, LostEventSource};
use agent_core::hubble::proto::observer::GetFlowsResponse;
use agent_core::hubble::proto::observer::get_flows_response::ResponseTypes;
use agent_core::hubble::proto::relay::{NodeState, NodeStatusEvent};

use crate::jsonout;
use crate::tabwriter::TabWriter;
use crate::timefmt::{self, Layout};

pub use flow::{flow_type, hostnames};

/// `-o` of `hubble observe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// One line per flow.
    #[default]
    Compact,
    /// `KEY: value` blocks.
    Dict,
    /// Aligned columns, printed when the stream ends.
    Table,
    /// One `GetFlowsResponse` JSON object per line.
    Json,
}

impl Output {
    /// Parses `-o` (`json` and `jsonpb` are the same; so are `table` and `tab`).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "compact" => Ok(Self::Compact),
            "dict" => Ok(Self::Dict),
            "table" | "tab" => Ok(Self::Table),
            "json" | "JSON" | "jsonpb" => Ok(Self::Json),
            _ => Err(format!("invalid output format: {s}")),
        }
    }
}

/// The `-o` values of `observe` and `status`; `JSON` is upstream's spelling of `json`.
pub fn output_parser() -> clap::builder::PossibleValuesParser {
    use clap::builder::PossibleValue;
    clap::builder::PossibleValuesParser::new([
        PossibleValue::new("compact"),
        PossibleValue::new("dict"),
        PossibleValue::new("json").alias("JSON"),
        PossibleValue::new("jsonpb"),
        PossibleValue::new("table"),
        PossibleValue::new("tab"),
    ])
}

/// How to print.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The format.
    pub output: Output,
    /// `--time-format`.
    pub layout: Layout,
    /// `--print-node-name`.
    pub node_name: bool,
    /// `--print-policy-names`.
    pub policy_names: bool,
    /// Pod, service or DNS names instead of IPs (off with `--numeric`).
    pub ip_translation: bool,
    /// ANSI colors (compact and dict only).
    pub color: bool,
    /// `--debug`: every node-status event, not just unavailable and error ones.
    pub debug: bool,
}

/// The fields compact, dict and table output read: what `hubble observe` asks the server for in
/// those formats (`--use-default-field-masks`), so that flows cross the wire at a fraction of
/// their size. Upstream's list, with the fields its own fix (cilium/cilium#46672) added for
/// policy verdicts and policy names, and the few more our printer reads (names, socket and
/// debug observation points, authentication); a test prints every sample flow with and
/// without the mask and demands the same text.
pub const DEFAULT_FIELD_MASK: &[&str] = &[
    "time",
    "verdict",
    "ethernet",
    "IP",
    "l4",
    "source.identity",
    "source.namespace",
    "source.pod_name",
    "destination.identity",
    "destination.namespace",
    "destination.pod_name",
    "Type",
    "node_name",
    "l7",
    "event_type",
    "source_service",
    "destination_service",
    "is_reply",
    "Summary",
    "ip_trace_id",
    "traffic_direction",
    "policy_match_type",
    "ingress_allowed_by",
    "ingress_denied_by",
    "egress_allowed_by",
    "egress_denied_by",
    "source_names",
    "destination_names",
    "auth_type",
    "sock_xlate_point",
    "debug_capture_point",
];

/// Writes responses to `out` (and node-status events to `err`, unless `--silent-errors`).
#[derive(Debug)]
pub struct Printer<W, E> {
    opts: Options,
    out: W,
    err: Option<E>,
    line: usize,
    table: TabWriter,
}

const DICT_SEPARATOR: &str = "------------";

/// Keeps server-supplied text from driving the terminal, as upstream does: ESC and CR become
/// visible.
pub fn clean(s: &str) -> String {
    s.replace('\x1b', "^[").replace('\r', "\\r")
}

/// ANSI colors as the Go CLI's `fatih/color` writes them; `Palette(false)` paints nothing.
#[derive(Debug, Clone, Copy)]
pub struct Palette(pub bool);

impl Palette {
    fn paint(self, code: u8, s: &str) -> String {
        if self.0 { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    /// `s` in red.
    pub fn red(self, s: &str) -> String {
        self.paint(31, s)
    }
    /// `s` in green.
    pub fn green(self, s: &str) -> String {
        self.paint(32, s)
    }
    /// `s` in yellow.
    pub fn yellow(self, s: &str) -> String {
        self.paint(33, s)
    }
    /// `s` in magenta.
    pub fn magenta(self, s: &str) -> String {
        self.paint(35, s)
    }
    /// `s` in cyan.
    pub fn cyan(self, s: &str) -> String {
        self.paint(36, s)
    }
}

impl<W: Write, E: Write> Printer<W, E> {
    /// A printer; `err` is `None` with `--silent-errors`.
    pub fn new(mut opts: Options, out: W, err: Option<E>) -> Self {
        // Escape codes would break the column widths.
        if opts.output == Output::Table {
            opts.color = false;
        }
        Self { opts, out, err, line: 0, table: TabWriter::new() }
    }

    fn palette(&self) -> Palette {
        Palette(self.opts.color)
    }

    fn time(&self, t: Option<&agent_core::hubble::timestamp::Timestamp>) -> String {
        timefmt::format(t, self.opts.layout)
    }

    /// Prints one response as it arrives (tables wait for [`Printer::finish`]).
    pub fn write(&mut self, res: &GetFlowsResponse) -> io::Result<()> {
        match &res.response_types {
            Some(ResponseTypes::Flow(_)) => self.write_flow(res),
            Some(ResponseTypes::LostEvents(l)) => self.write_lost(res, l),
            Some(ResponseTypes::NodeStatus(s)) => self.write_node_status(res, s),
            None => Ok(()),
        }
    }

    /// Prints the table, if any, and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        if !self.table.is_empty() {
            let text = self.table.finish();
            self.table = TabWriter::new();
            self.out.write_all(text.as_bytes())?;
        }
        self.out.flush()
    }

    fn emit(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    fn json_line(res: &GetFlowsResponse) -> io::Result<String> {
        let mut s = jsonout::flows_response(res).map_err(io::Error::other)?;
        s.push('\n');
        Ok(s)
    }

    fn write_flow(&mut self, res: &GetFlowsResponse) -> io::Result<()> {
        let Some(ResponseTypes::Flow(f)) = &res.response_types else { return Ok(()) };
        let p = self.palette();
        let time = self.time(f.time.as_ref());
        let node = clean(&f.node_name);
        let text = match self.opts.output {
            Output::Json => Self::json_line(res)?,
            Output::Table => {
                if self.line == 0 {
                    self.table_header();
                }
                let (src, dst) = flow::hostnames(f, self.opts.ip_translation, p);
                let mut row = vec![time];
                if self.opts.node_name {
                    row.push(node);
                }
                row.extend([
                    src,
                    dst,
                    flow::flow_type(f),
                    flow::verdict(f, self.opts.policy_names, p),
                    flow::summary(f, p),
                ]);
                self.table.row(row);
                String::new()
            }
            Output::Dict => {
                let (src, dst) = flow::hostnames(f, self.opts.ip_translation, p);
                let mut s = String::new();
                if self.line != 0 {
                    s.push_str(DICT_SEPARATOR);
                    s.push('\n');
                }
                s.push_str(&format!("  TIMESTAMP: {time}\n"));
                if self.opts.node_name {
                    s.push_str(&format!("       NODE: {node}\n"));
                }
                s.push_str(&format!(
                    "     SOURCE: {src}\nDESTINATION: {dst}\n       TYPE: {}\n    VERDICT: {}\n    SUMMARY: {}\n",
                    flow::flow_type(f),
                    flow::verdict(f, self.opts.policy_names, p),
                    flow::summary(f, p),
                ));
                s
            }
            Output::Compact => {
                let (mut src, mut dst) = flow::hostnames(f, self.opts.ip_translation, p);
                let mut src_id = flow::identity(f.source.as_ref().map_or(0, |e| e.identity), p);
                let mut dst_id =
                    flow::identity(f.destination.as_ref().map_or(0, |e| e.identity), p);
                let arrow = match f.is_reply.as_ref().map(|b| b.value) {
                    None => "<>",
                    Some(false) => "->",
                    Some(true) => {
                        // A reply reads from the initiator's side.
                        std::mem::swap(&mut src, &mut dst);
                        std::mem::swap(&mut src_id, &mut dst_id);
                        "<-"
                    }
                };
                let node = if self.opts.node_name { format!(" [{node}]") } else { String::new() };
                format!(
                    "{time}{node}: {src} {src_id} {arrow} {dst} {dst_id} {} {} ({})\n",
                    flow::flow_type(f),
                    flow::verdict(f, self.opts.policy_names, p),
                    flow::summary(f, p),
                )
            }
        };
        self.line += 1;
        if text.is_empty() { Ok(()) } else { self.emit(&text) }
    }

    fn table_header(&mut self) {
        let mut header = vec!["TIMESTAMP"];
        if self.opts.node_name {
            header.push("NODE");
        }
        header.extend(["SOURCE", "DESTINATION", "TYPE", "VERDICT", "SUMMARY"]);
        self.table.row(header);
    }

    fn write_lost(&mut self, res: &GetFlowsResponse, l: &LostEvent) -> io::Result<()> {
        let time = self.time(res.time.as_ref());
        let source = LostEventSource::try_from(l.source)
            .map_or_else(|_| l.source.to_string(), |s| s.as_str_name().to_string());
        let cpu = l.cpu.as_ref().map_or(0, |c| c.value);
        let span = match (&l.first, &l.last) {
            (Some(first), Some(last)) => {
                format!(" (first: {}, last: {})", self.time(Some(first)), self.time(Some(last)))
            }
            _ => String::new(),
        };
        let node = if res.node_name.is_empty() { "-".to_string() } else { clean(&res.node_name) };
        let text = match self.opts.output {
            Output::Json => Self::json_line(res)?,
            Output::Table => {
                if self.line == 0 {
                    self.table_header();
                }
                let mut row = vec![time];
                if self.opts.node_name {
                    row.push(node);
                }
                row.extend([
                    source,
                    "-".to_string(),
                    "EVENTS LOST".to_string(),
                    "-".to_string(),
                    format!("CPU({cpu}) - {}{span}", l.num_events_lost),
                ]);
                self.table.row(row);
                String::new()
            }
            Output::Dict => {
                let mut s = String::new();
                if self.line != 0 {
                    s.push_str(DICT_SEPARATOR);
                    s.push('\n');
                }
                s.push_str(&format!("  TIMESTAMP: {time}\n"));
                if self.opts.node_name {
                    s.push_str(&format!("       NODE: {node}\n"));
                }
                s.push_str(&format!(
                    "     SOURCE: {source}\n       TYPE: EVENTS LOST\n    VERDICT: -\n    SUMMARY: CPU({cpu}) - {}{span}\n",
                    l.num_events_lost
                ));
                s
            }
            Output::Compact => {
                format!("{time} EVENTS LOST: {source} CPU({cpu}) {}{span}\n", l.num_events_lost)
            }
        };
        self.line += 1;
        if text.is_empty() { Ok(()) } else { self.emit(&text) }
    }

    fn write_node_status(&mut self, res: &GetFlowsResponse, s: &NodeStatusEvent) -> io::Result<()> {
        let state = NodeState::try_from(s.state_change).ok();
        if !self.opts.debug
            && !matches!(state, Some(NodeState::NodeError | NodeState::NodeUnavailable))
        {
            return Ok(());
        }
        let time = self.time(res.time.as_ref());
        let names: Vec<String> = s.node_names.iter().map(|n| clean(n)).collect();
        let nodes = join_with_cut_off(&names, ", ", 50);
        let text = match self.opts.output {
            Output::Json => Self::json_line(res)?,
            Output::Dict => {
                let mut t = String::new();
                if self.line != 0 {
                    t.push_str(DICT_SEPARATOR);
                    t.push('\n');
                } else {
                    self.line += 1;
                }
                let message = if s.message.is_empty() {
                    "N/A".to_string()
                } else {
                    format!("{:?}", s.message)
                };
                let state_name =
                    state.map_or_else(|| s.state_change.to_string(), |st| st.as_str_name().into());
                t.push_str(&format!(
                    "  TIMESTAMP: {time}\n      STATE: {state_name}\n      NODES: {nodes}\n    MESSAGE: {}\n",
                    clean(&message)
                ));
                t
            }
            Output::Compact | Output::Table => {
                let prefix = format!("{time} [{}]", clean(&res.node_name));
                let n = s.node_names.len();
                match state {
                    Some(NodeState::NodeConnected) => {
                        format!("{prefix}: Receiving flows from {n} nodes: {nodes}\n")
                    }
                    Some(NodeState::NodeUnavailable) => {
                        format!("{prefix}: {n} nodes are unavailable: {nodes}\n")
                    }
                    Some(NodeState::NodeGone) => {
                        format!("{prefix}: {n} nodes removed from cluster: {nodes}\n")
                    }
                    Some(NodeState::NodeError) => {
                        format!("{prefix}: Error {:?} on {n} nodes: {nodes}\n", clean(&s.message))
                    }
                    _ => format!("{prefix}: unknown node status event: {s:?}\n"),
                }
            }
        };
        match &mut self.err {
            Some(err) => {
                err.write_all(text.as_bytes())?;
                err.flush()
            }
            None => Ok(()),
        }
    }
}

/// Joins names until about `target` bytes, then says how many were left out.
fn join_with_cut_off(elems: &[String], sep: &str, target: usize) -> String {
    let mut len = 0;
    let mut end = elems.len();
    for (i, e) in elems.iter().enumerate() {
        len += e.len() + sep.len();
        if len > target && i > 0 {
            end = i;
            break;
        }
    }
    let joined = elems[..end].join(sep);
    match elems.len() - end {
        0 => joined,
        omitted => format!("{joined} (and {omitted} more)"),
    }
}

#[cfg(test)]
mod tests;
