//! `cilium version`.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::{Cli, VersionArgs};
use crate::output;

#[derive(Serialize)]
struct Versions {
    client: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    daemon: Option<String>,
}

fn client_version() -> String {
    let v = env!("CARGO_PKG_VERSION");
    format!("{v} (v{v}) {}/{}", std::env::consts::OS, go_arch())
}

/// Architecture names as Go (and so upstream's version lines) spell them.
fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

pub async fn run(cli: &Cli, args: &VersionArgs) -> anyhow::Result<ExitCode> {
    let client = client_version();
    if args.client {
        let v = Versions { client, daemon: None };
        return emit(&v, args);
    }
    let status = crate::client(&cli.host)?.status(true).await;
    match status {
        Ok(s) => {
            let daemon = s.cilium.map(|c| c.msg).unwrap_or_default();
            emit(&Versions { client, daemon: Some(daemon) }, args)
        }
        Err(e) => {
            // The client line is still useful when the agent is down.
            if args.output.output.is_none() {
                output::emit(&format!("Client: {client}\n"))?;
            }
            Err(e.into())
        }
    }
}

fn emit(v: &Versions, args: &VersionArgs) -> anyhow::Result<ExitCode> {
    let text = match &args.output.output {
        Some(f) => output::render(f, v)?,
        None => {
            let mut s = format!("Client: {}\n", v.client);
            if let Some(d) = &v.daemon {
                s.push_str(&format!("Daemon: {d}\n"));
            }
            s
        }
    };
    output::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
