//! The `hubble` CLI: a gRPC client of the Hubble Observer API, which the agent serves on
//! `/var/run/cilium/hubble.sock` (and on TCP 4244).
//!
//! - [`observe`] builds a `GetFlowsRequest` from upstream-compatible flags and prints the
//!   stream, or replays a JSON file;
//! - [`status`] and [`list`] print `ServerStatus` and `GetNodes`;
//! - [`printer`] does all flow output; [`conn`] owns `--server` and TLS.
//!
//! Output formats match the Go CLI byte for byte where scripts may parse them (compact, dict,
//! table, JSON). No `unsafe` here; the crate depends only on `agent-core`'s API types.

#![forbid(unsafe_code)]

pub mod conn;
mod insecure;
mod jsonout;
pub mod list;
pub mod names;
pub mod observe;
pub mod printer;
pub mod status;
mod tabwriter;
pub mod timefmt;
pub mod watch;

#[cfg(test)]
mod testdata;

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use conn::{ConnError, RpcError, ServerArgs};

/// CLI for Hubble, the flow observer of the Cilium agent.
#[derive(Debug, Parser)]
#[command(
    name = "hubble",
    version,
    about = "CLI for Hubble, the flow observer of the Cilium agent",
    long_about = "CLI for Hubble, the flow observer of the Cilium agent.\n\n\
                  Talks to the agent's Hubble server on its unix socket \
                  (unix:///var/run/cilium/hubble.sock) unless --server or HUBBLE_SERVER says \
                  otherwise. Flags and output formats are those of the upstream hubble CLI.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub server: ServerArgs,

    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Observe flows of a Hubble server
    Observe(Box<observe::ObserveArgs>),
    /// Show the health and flow counters of a Hubble server
    Status(status::StatusArgs),
    /// List Hubble objects
    #[command(subcommand)]
    List(list::ListCommand),
    /// Watch Hubble objects
    #[command(subcommand)]
    Watch(watch::WatchCommand),
    /// Show the client version
    Version,
    /// Print a shell completion script
    Completion(CompletionArgs),
}

/// `hubble completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// Shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The clap command, for completions and man pages.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Runs a parsed command line and returns the exit code: 0, or 1 after printing `Error: …`.
/// `no_color` is the `NO_COLOR` convention, read by the binary.
pub fn run(cli: Cli, no_color: bool) -> ExitCode {
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(dispatch(&cli, no_color)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "Error: {e:#}");
            if let Some(hint) = hint(&cli.command, &e) {
                let _ = writeln!(err, "{hint}");
            }
            ExitCode::from(1)
        }
    }
}

/// What to try next, for the failures with an obvious cause.
fn hint(command: &Command, e: &anyhow::Error) -> Option<&'static str> {
    let unreachable = e.chain().any(|c| {
        c.downcast_ref::<ConnError>().is_some_and(ConnError::is_unreachable)
            || c.downcast_ref::<RpcError>().is_some_and(RpcError::is_unreachable)
            || matches!(
                c.downcast_ref::<observe::ObserveError>(),
                Some(observe::ObserveError::Rpc(r)) if r.is_unreachable()
            )
    });
    if unreachable {
        return Some(
            "Is cilium-agent running with hubble.enabled? Check with: cilium status \
             (or point --server at a Hubble server)",
        );
    }
    let unimplemented = e.downcast_ref::<RpcError>().is_some_and(|r| r.code == "Unimplemented");
    if matches!(command, Command::List(_)) && unimplemented {
        return Some(
            "This Hubble server does not list nodes (upstream agents leave that to Hubble Relay).",
        );
    }
    None
}

async fn dispatch(cli: &Cli, no_color: bool) -> anyhow::Result<()> {
    let mut stdout = |text: &str| -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            // A reader that went away (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    };
    match &cli.command {
        Command::Observe(a) => match &a.command {
            Some(observe::ObserveCommand::AgentEvents(e)) => {
                observe::events::run(observe::events::Kind::Agent, e, &cli.server).await
            }
            Some(observe::ObserveCommand::DebugEvents(e)) => {
                observe::events::run(observe::events::Kind::Debug, e, &cli.server).await
            }
            _ => observe::run(a.opts(), &cli.server, no_color).await,
        },
        Command::Status(a) => status::run(a, &cli.server, &mut stdout).await,
        Command::List(list::ListCommand::Nodes(a)) => {
            list::run_nodes(a, &cli.server, &mut stdout).await
        }
        Command::List(list::ListCommand::Namespaces(a)) => {
            list::run_namespaces(a, &cli.server, &mut stdout).await
        }
        Command::Watch(watch::WatchCommand::Peers) => {
            watch::run_peers(&cli.server, &mut stdout).await
        }
        Command::Version => Ok(stdout(&format!("hubble v{}\n", env!("CARGO_PKG_VERSION")))?),
        Command::Completion(a) => {
            let mut buf = Vec::new();
            clap_complete::generate(a.shell, &mut command(), "hubble", &mut buf);
            Ok(stdout(&String::from_utf8_lossy(&buf))?)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn definition_is_consistent() {
        super::command().debug_assert();
    }

    #[test]
    fn observe_and_observe_flows_parse_alike() {
        let a = Cli::try_parse_from(["hubble", "observe", "--last", "5", "--not", "-t", "drop"])
            .expect("observe");
        let b = Cli::try_parse_from([
            "hubble", "observe", "flows", "--last", "5", "--not", "-t", "drop",
        ])
        .expect("observe flows");
        let (Command::Observe(a), Command::Observe(b)) = (a.command, b.command) else {
            panic!("not observe");
        };
        assert_eq!(a.opts().last, 5);
        assert_eq!(a.opts().filters, b.opts().filters);
        assert_eq!(a.opts().filters.items.len(), 2);
    }

    #[test]
    fn server_flags_are_global_and_default_to_the_agent_socket() {
        let c = Cli::try_parse_from(["hubble", "status"]).expect("status");
        assert_eq!(c.server.server, conn::DEFAULT_SERVER);
        let c = Cli::try_parse_from(["hubble", "--server", "localhost:4245", "status"])
            .expect("before");
        assert_eq!(c.server.server, "localhost:4245");
        let c = Cli::try_parse_from(["hubble", "observe", "--server", "tls://x:4244", "--tls"])
            .expect("after");
        assert!(c.server.tls);
        assert_eq!(c.server.server, "tls://x:4244");
    }

    #[test]
    fn list_node_is_an_alias() {
        let c = Cli::try_parse_from(["hubble", "list", "node", "-o", "wide"]).expect("alias");
        assert!(matches!(c.command, Command::List(list::ListCommand::Nodes(_))));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for args in [
            &["hubble", "observe", "-o", "yaml"][..],
            &["hubble", "observe", "--color", "sometimes"],
            &["hubble", "observe", "--time-format", "iso"],
            &["hubble", "status", "-o", "wide"],
            &["hubble", "--timeout", "5", "status"],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?}");
        }
    }
}
