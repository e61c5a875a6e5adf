//! The `cilium` CLI: a thin client of the local agent's REST API.
//!
//! Each command module turns arguments into one or two API calls and hands the answer to
//! [`output`]. Nothing here touches the datapath; everything goes through the agent.

#![forbid(unsafe_code)]

mod cli;
mod cmd;
pub mod jsonpath;
mod output;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub use cli::{Cli, command};

use agent_core::api::{Client, ClientError};

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli, no_color: bool) -> ExitCode {
    output::init_color(no_color);
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(cmd::dispatch(&cli)));
    match result {
        Ok(code) => code,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "Error: {e:#}");
            if e.downcast_ref::<ClientError>().is_some_and(ClientError::is_unreachable) {
                let _ = writeln!(err, "Is the agent running? Check with: systemctl status cilium");
            }
            ExitCode::from(1)
        }
    }
}

/// The client for `-H/--host`: a path, or `unix://` followed by one.
fn client(host: &str) -> anyhow::Result<Client> {
    let path = match host.strip_prefix("unix://") {
        Some(p) => p,
        None if host.contains("://") => {
            anyhow::bail!(
                "unsupported --host {host:?}: the agent listens on a unix socket (unix:///path)"
            )
        }
        None => host,
    };
    Ok(Client::new(PathBuf::from(path)))
}
