//! The `hubble` CLI. For now: `version` and `completion`; `observe`, `status` and
//! `list nodes` arrive with the Hubble server.

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// CLI for Hubble, the flow observer of the Cilium agent.
#[derive(Debug, Parser)]
#[command(
    name = "hubble",
    version,
    about = "CLI for Hubble, the flow observer of the Cilium agent",
    propagate_version = true
)]
pub struct Cli {
    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
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

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> ExitCode {
    let text = match cli.command {
        Command::Version => format!("hubble v{}\n", env!("CARGO_PKG_VERSION")),
        Command::Completion(a) => {
            let mut buf = Vec::new();
            clap_complete::generate(a.shell, &mut command(), "hubble", &mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let _ = writeln!(std::io::stderr(), "Error: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn definition_is_consistent() {
        super::command().debug_assert();
    }
}
