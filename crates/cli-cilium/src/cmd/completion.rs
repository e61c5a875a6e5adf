//! `cilium completion SHELL`: the same text as the checked-in files under `completions/`.

use std::process::ExitCode;

use crate::cli::CompletionArgs;

pub fn run(args: &CompletionArgs) -> anyhow::Result<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut crate::command(), "cilium", &mut buf);
    crate::output::emit(&String::from_utf8_lossy(&buf))?;
    Ok(ExitCode::SUCCESS)
}
