//! `hubble observe` (and its twin `hubble observe flows`): build a `GetFlowsRequest` from the
//! flags, stream the answer through the printer, or replay a file with `--input-file`.

pub mod events;
pub mod filters;
pub mod flags;
pub mod input;
pub mod request;

use std::io::{self, BufReader, IsTerminal, Write};
use std::path::PathBuf;

use agent_core::hubble::proto::observer::observer_client::ObserverClient;
use agent_core::hubble::timestamp::Timestamp;
use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};

use crate::conn::{self, RpcError, ServerArgs};
use crate::printer::{self, Output, Printer};
use crate::timefmt::{self, Layout};
use flags::FilterArgs;
use request::Selectors;

const EXAMPLES: &str = "\
Examples:

  The last 20 flows of this VM's agent:
    hubble observe

  Follow dropped flows, with the node name:
    hubble observe --verdict DROPPED -f --print-node-name

  What policy audit mode let through in the last hour:
    hubble observe -t trace-audit --since 1h

  Flows from or to 10.0.0.1:443, except HTTP:
    hubble observe --ip 10.0.0.1 --port 443 --not --protocol http

  Packets leaving the VM:
    hubble observe -t trace:to-network

  Save flows and filter them later without a server:
    hubble observe -o json --all > flows.json
    hubble observe --input-file flows.json --to-port 22

A flow must match at least one value of each filter flag given (repeating a flag ORs its
values) and all the different flags (they AND). --not before a filter flag puts it on the
denylist: matching flows are left out. Either-side flags (--ip, --port, --label, --identity,
...) match the source or the destination.";

/// `hubble observe`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, after_long_help = EXAMPLES)]
pub struct ObserveArgs {
    /// `flows`, the same as no subcommand.
    #[command(subcommand)]
    pub command: Option<ObserveCommand>,

    #[command(flatten)]
    pub opts: ObserveOpts,
}

/// `hubble observe ...`.
#[derive(Debug, Subcommand)]
pub enum ObserveCommand {
    /// Observe flows (the same as `hubble observe`)
    #[command(after_long_help = EXAMPLES)]
    Flows(ObserveOpts),
    /// Observe Cilium agent events
    AgentEvents(events::EventsOpts),
    /// Observe Cilium debug events (the datapath's, with `cilium config Debug=true`)
    DebugEvents(events::EventsOpts),
}

impl ObserveArgs {
    /// The options, wherever they were given.
    pub fn opts(&self) -> &ObserveOpts {
        match &self.command {
            Some(ObserveCommand::Flows(o)) => o,
            _ => &self.opts,
        }
    }
}

/// Every flag of `hubble observe`.
#[derive(Debug, Clone, Args)]
pub struct ObserveOpts {
    /// The last N flows in the server's buffer [default: 20]
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        help_heading = "Selectors"
    )]
    pub last: u64,

    /// The first N flows in the server's buffer
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        help_heading = "Selectors"
    )]
    pub first: u64,

    /// Every flow in the server's buffer (combine with filters)
    #[arg(long, help_heading = "Selectors")]
    pub all: bool,

    /// Keep printing new flows as they come (Ctrl-C ends)
    #[arg(short = 'f', long, help_heading = "Selectors")]
    pub follow: bool,

    /// Flows since this time: a duration back from now (5m, 1h30m) or a date (2006-01-02,
    /// 2006-01-02T15Z, 2006-01-02T15:04Z, RFC 3339, RFC 1123 with numeric zone)
    #[arg(long, value_name = "TIME", help_heading = "Selectors")]
    pub since: Option<String>,

    /// Flows until this time (same formats as --since; ignored with --follow)
    #[arg(long, value_name = "TIME", help_heading = "Selectors")]
    pub until: Option<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// FlowFilter as JSON (proto field names) to add to the allowlist, e.g.
    /// '{"source_ip":["1.1.1.1"]}'
    #[arg(long, value_name = "JSON", help_heading = "Raw filters")]
    pub allowlist: Vec<String>,

    /// FlowFilter as JSON to add to the denylist
    #[arg(long, value_name = "JSON", help_heading = "Raw filters")]
    pub denylist: Vec<String>,

    /// Output format: compact, dict (KEY: value blocks), table, json (one GetFlowsResponse per
    /// line; jsonpb is the same)
    #[arg(
        short = 'o',
        long,
        default_value = "compact",
        value_parser = crate::printer::output_parser(),
        help_heading = "Formatting"
    )]
    pub output: String,

    /// How to print times (in UTC): StampMilli, RFC3339, RFC3339Milli, RFC3339Micro,
    /// RFC3339Nano, RFC1123Z, YearMonthDay, YearMonthDayHour, YearMonthDayHourMinute, Stamp,
    /// StampMicro, StampNano, Kitchen
    #[arg(
        long,
        default_value = "StampMilli",
        value_parser = timefmt::parse_layout,
        value_name = "FORMAT",
        help_heading = "Formatting"
    )]
    pub time_format: Layout,

    /// Print the node name of each flow
    #[arg(long, help_heading = "Formatting")]
    pub print_node_name: bool,

    /// Print the names of the policies that allowed or denied a flow
    #[arg(long, help_heading = "Formatting")]
    pub print_policy_names: bool,

    /// Print IPs instead of pod, service or DNS names
    #[arg(long, help_heading = "Formatting")]
    pub numeric: bool,

    /// Print pod, service or DNS names instead of IPs (--ip-translation=false: as --numeric)
    #[arg(
        long,
        default_value_t = true,
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
        help_heading = "Formatting"
    )]
    pub ip_translation: bool,

    /// Colors for compact and dict output: auto (on a terminal without NO_COLOR), always, never
    #[arg(
        long,
        default_value = "auto",
        value_parser = PossibleValuesParser::new(["auto", "always", "never"]),
        help_heading = "Formatting"
    )]
    pub color: String,

    /// Only return these fields of each flow (JSON output only), e.g. time,verdict,IP
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    pub field_mask: Vec<String>,

    /// Ask only for the fields compact, dict and table output print (=false: whole flows)
    #[arg(
        long,
        default_value_t = true,
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub use_default_field_masks: bool,

    /// Read flows from this file ('-' for stdin) instead of a server: JSON lines as written by
    /// -o json
    #[arg(long, value_name = "FILE")]
    pub input_file: Option<PathBuf>,

    /// Print the allowlist and denylist the filter flags make, then exit
    #[arg(long)]
    pub print_raw_filters: bool,

    /// Do not print warnings and node-status messages
    #[arg(short = 's', long)]
    pub silent_errors: bool,
}

/// What observe may fail on, besides the connection.
#[derive(Debug, thiserror::Error)]
pub enum ObserveError {
    /// A filter flag cannot be used as given.
    #[error(transparent)]
    Flag(#[from] filters::FlagError),
    /// The selectors or raw filters do not make a request.
    #[error(transparent)]
    Request(#[from] request::RequestError),
    /// Flags that do not go together.
    #[error("{0}")]
    Usage(String),
    /// The server refused or broke off.
    #[error(transparent)]
    Rpc(#[from] RpcError),
    /// The server's answer to a stream, when it chose its own words (gRPC code Unknown).
    #[error("{0}")]
    Server(String),
    /// Replaying `--input-file` failed.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// Opening `--input-file` failed.
    #[error("cannot open {}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

/// Runs `hubble observe`; `no_color` is the `NO_COLOR` convention.
pub async fn run(opts: &ObserveOpts, server: &ServerArgs, no_color: bool) -> anyhow::Result<()> {
    let filters = filters::build(&opts.filters.items).map_err(ObserveError::from)?;
    let output = Output::parse(&opts.output).map_err(ObserveError::Usage)?;
    if output == Output::Table && opts.follow {
        return Err(ObserveError::Usage(
            "table output format is not compatible with follow mode".into(),
        )
        .into());
    }
    if output != Output::Json && !opts.field_mask.is_empty() {
        return Err(ObserveError::Usage(format!(
            "{} output format is not compatible with custom field mask",
            opts.output
        ))
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
    let mut req = request::flows_request(
        &sel,
        filters,
        &opts.allowlist,
        &opts.denylist,
        opts.input_file.is_some(),
        Timestamp::now(),
    )
    .map_err(ObserveError::from)?;
    if !opts.field_mask.is_empty() {
        req.field_mask = Some(pbjson_types::FieldMask { paths: opts.field_mask.clone() });
    } else if output != Output::Json && opts.use_default_field_masks {
        let paths = printer::DEFAULT_FIELD_MASK.iter().map(|p| p.to_string()).collect();
        req.field_mask = Some(pbjson_types::FieldMask { paths });
    }
    if opts.print_raw_filters {
        let yaml = request::raw_filters_yaml(&req)?;
        return ignore_broken_pipe(io::stdout().lock().write_all(yaml.as_bytes()));
    }

    let color = match opts.color.as_str() {
        "always" => true,
        "never" => false,
        _ => !no_color && io::stdout().is_terminal(),
    };
    let print_opts = printer::Options {
        output,
        layout: opts.time_format,
        node_name: opts.print_node_name,
        policy_names: opts.print_policy_names,
        ip_translation: opts.ip_translation && !opts.numeric,
        color,
        debug: server.debug,
    };
    let err = (!opts.silent_errors).then(io::stderr);
    let mut printer = Printer::new(print_opts, io::stdout(), err);

    if let Some(path) = &opts.input_file {
        let reader: Box<dyn io::BufRead> = if path.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            let f = std::fs::File::open(path)
                .map_err(|source| ObserveError::Open { path: path.clone(), source })?;
            Box::new(BufReader::new(f))
        };
        let silent = opts.silent_errors;
        let replayed = input::replay(
            reader,
            &req,
            |r| printer.write(r),
            |w| {
                if !silent {
                    let _ = writeln!(io::stderr(), "Warning: {w}");
                }
            },
        );
        return match replayed {
            Err(input::InputError::Io(e)) => ignore_broken_pipe(Err(e)),
            Err(e) => Err(ObserveError::from(e).into()),
            Ok(()) => ignore_broken_pipe(printer.finish()),
        };
    }

    let conn = conn::connect(server).await?;
    debug(server.debug, &format!("connected to Hubble API at {}", conn.target));
    debug(server.debug, &format!("sending GetFlows request: {}", crate::jsonout::to_string(&req)?));
    let mut client = ObserverClient::new(conn.channel.clone()).max_decoding_message_size(64 << 20);
    let stream = tokio::select! {
        r = client.get_flows(req) => r.map_err(observe_status)?,
        _ = tokio::signal::ctrl_c() => return Ok(()),
    };
    if let Some(v) = stream.metadata().get("hubble-server-version").and_then(|v| v.to_str().ok()) {
        debug(server.debug, &format!("server version: {v}"));
    }
    let mut stream = stream.into_inner();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            msg = stream.message() => match msg {
                Ok(Some(res)) => {
                    if let Err(e) = printer.write(&res) {
                        return ignore_broken_pipe(Err(e));
                    }
                }
                Ok(None) => break,
                Err(s) if s.code() == tonic::Code::Cancelled => break,
                Err(s) => {
                    // What was printed so far stays valid; tables still get their rows.
                    let _ = printer.finish();
                    return Err(observe_status(s).into());
                }
            },
            _ = &mut ctrl_c => break,
        }
    }
    ignore_broken_pipe(printer.finish())
}

/// Upstream shows a server's own message bare when the gRPC code is Unknown.
fn observe_status(s: tonic::Status) -> ObserveError {
    if s.code() == tonic::Code::Unknown {
        ObserveError::Server(s.message().to_string())
    } else {
        ObserveError::Rpc(RpcError::from_status(&s))
    }
}

/// A reader that went away (`| head`) ends the command quietly.
fn ignore_broken_pipe(r: io::Result<()>) -> anyhow::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// A `-D` message on stderr.
pub fn debug(enabled: bool, msg: &str) {
    if enabled {
        let _ = writeln!(io::stderr(), "level=DEBUG msg={msg:?}");
    }
}
