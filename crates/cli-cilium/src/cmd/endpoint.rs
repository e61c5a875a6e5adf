//! `cilium endpoint list|get` and `cilium identity list|get`.

use std::process::ExitCode;

use agent_core::api::models::Endpoint;

use crate::cli::{Cli, EndpointCommand, IdentityCommand};
use crate::output;

fn enforcement(word: &str, ingress: bool) -> &'static str {
    let dir = if ingress { "ingress" } else { "egress" };
    match word {
        "both" => "Enabled",
        w if w == dir => "Enabled",
        "audit-both" => "Disabled (Audit)",
        w if w == format!("audit-{dir}") => "Disabled (Audit)",
        "none" | "ingress" | "egress" | "audit-ingress" | "audit-egress" => "Disabled",
        _ => "Unknown",
    }
}

fn table(eps: &[Endpoint], no_headers: bool) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !no_headers {
        rows.push(
            [
                "ENDPOINT",
                "POLICY (ingress)",
                "POLICY (egress)",
                "IDENTITY",
                "LABELS (source:key[=value])",
                "IPv6",
                "IPv4",
                "STATUS",
            ]
            .map(String::from)
            .to_vec(),
        );
        rows.push(
            ["", "ENFORCEMENT", "ENFORCEMENT", "", "", "", "", ""].map(String::from).to_vec(),
        );
    }
    for e in eps {
        let p = &e.status.policy.realized.policy_enabled;
        let addr = e.status.networking.addressing.first();
        let mut labels = e.status.labels.security_relevant.clone();
        labels.sort();
        let first = labels.first().cloned().unwrap_or_else(|| "no labels".into());
        rows.push(vec![
            e.id.to_string(),
            enforcement(p, true).into(),
            enforcement(p, false).into(),
            e.status.identity.id.to_string(),
            first,
            addr.map(|a| a.ipv6.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "No address".into()),
            addr.map(|a| a.ipv4.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "No address".into()),
            e.status.state.clone(),
        ]);
        for l in labels.iter().skip(1) {
            rows.push(vec![
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                l.clone(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    let (header, body) =
        rows.split_first().map_or((Vec::new(), Vec::new()), |(h, b)| (h.clone(), b.to_vec()));
    if header.is_empty() {
        return String::new();
    }
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    output::columns(&h, &body)
}

pub async fn run_endpoint(cli: &Cli, cmd: &EndpointCommand) -> anyhow::Result<ExitCode> {
    let client = crate::client(&cli.host)?;
    match cmd {
        EndpointCommand::List { no_headers, output: o } => {
            let eps = client.endpoints().await?;
            let text = match &o.output {
                Some(f) => output::render(f, &eps)?,
                None => table(&eps, *no_headers),
            };
            output::emit(&text)?;
        }
        EndpointCommand::Get { id, output: o } => {
            // As cilium-dbg: always a JSON array, also without -o.
            let ep = vec![client.endpoint(id).await?];
            let text = match &o.output {
                Some(f) => output::render(f, &ep)?,
                None => output::render(&output::Output::Json, &ep)?,
            };
            output::emit(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run_identity(cli: &Cli, cmd: &IdentityCommand) -> anyhow::Result<ExitCode> {
    let client = crate::client(&cli.host)?;
    let list = match cmd {
        IdentityCommand::List { .. } => client.identities().await?,
        IdentityCommand::Get { id, .. } => vec![client.identity(id).await?],
    };
    let o = match cmd {
        IdentityCommand::List { output, .. } | IdentityCommand::Get { output, .. } => output,
    };
    let text = match &o.output {
        Some(f) => output::render(f, &list)?,
        None => {
            let mut rows = Vec::new();
            for i in &list {
                for (n, l) in i.labels.iter().enumerate() {
                    rows.push(vec![
                        if n == 0 { i.id.to_string() } else { String::new() },
                        l.clone(),
                    ]);
                }
            }
            output::columns(&["ID", "LABELS"], &rows)
        }
    };
    output::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
