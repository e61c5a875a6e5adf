//! `cilium encryption ...` (alias `encrypt`).

use std::process::ExitCode;

use crate::cli::{Cli, EncryptionCommand};
use crate::output;

pub async fn run(_cli: &Cli, cmd: &EncryptionCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        EncryptionCommand::GenerateSecret => {
            let s = agent_core::secret::generate()
                .map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
            output::emit(&format!("{s}\n"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
