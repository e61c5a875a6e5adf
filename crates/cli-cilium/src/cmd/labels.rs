//! `cilium labels add|remove|list`: runtime labels of this VM (persisted by the agent), which
//! policy selectors match.

use std::process::ExitCode;

use agent_core::api::models::LabelConfigurationSpec;
use anyhow::bail;

use crate::cli::{Cli, LabelsCommand};
use crate::output;

const HOST: &str = "1";

pub async fn run(cli: &Cli, cmd: &LabelsCommand) -> anyhow::Result<ExitCode> {
    let client = crate::client(&cli.host)?;
    let current = client.labels(HOST).await?;
    let mut user: Vec<(String, String)> = current
        .spec
        .user
        .iter()
        .map(|l| {
            l.split_once('=')
                .map_or((l.clone(), String::new()), |(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    match cmd {
        LabelsCommand::List { output: o } => {
            let text = match &o.output {
                Some(f) => output::render(f, &current)?,
                None => {
                    let mut s = String::new();
                    for l in &current.status.security_relevant {
                        s.push_str(&format!("{l}\n"));
                    }
                    s
                }
            };
            output::emit(&text)?;
            return Ok(ExitCode::SUCCESS);
        }
        LabelsCommand::Add { labels } => {
            for l in labels {
                let Some((k, v)) = l.split_once('=') else {
                    bail!("expected key=value, found {l:?}")
                };
                user.retain(|(uk, _)| uk != k);
                user.push((k.to_string(), v.to_string()));
            }
        }
        LabelsCommand::Remove { keys } => {
            for k in keys {
                let k = k.split_once('=').map_or(k.as_str(), |(k, _)| k);
                if !user.iter().any(|(uk, _)| uk == k) {
                    bail!("no runtime label {k:?} (labels from the config file are changed there)");
                }
                user.retain(|(uk, _)| uk != k);
            }
        }
    }
    let spec =
        LabelConfigurationSpec { user: user.iter().map(|(k, v)| format!("{k}={v}")).collect() };
    client.set_labels(HOST, &spec).await?;
    Ok(ExitCode::SUCCESS)
}
