//! One module per command group.

mod completion;
mod config;
mod status;
mod version;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the chosen command.
pub async fn dispatch(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Status(a) => status::run(cli, a).await,
        Command::Version(a) => version::run(cli, a).await,
        Command::Config(a) => config::run(cli, a).await,
        Command::Completion(a) => completion::run(a),
    }
}
