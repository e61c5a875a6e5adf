//! One module per command group.

mod bpf;
mod clustermesh;
mod completion;
mod config;
mod encryption;
mod endpoint;
mod labels;
mod monitor;
mod node;
mod policy;
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
        Command::Bpf(c) => bpf::run(cli, c).await,
        Command::Map(c) => bpf::run_map(cli, c).await,
        Command::Monitor(a) => monitor::run(cli, a).await,
        Command::Policy(c) => policy::run(cli, c).await,
        Command::Labels(c) => labels::run(cli, c).await,
        Command::Identity(c) => endpoint::run_identity(cli, c).await,
        Command::Endpoint(c) => endpoint::run_endpoint(cli, c).await,
        Command::Encryption(c) => encryption::run(cli, c).await,
        Command::Node(c) => node::run(cli, c).await,
        Command::Clustermesh(c) => clustermesh::run(cli, c).await,
    }
}
