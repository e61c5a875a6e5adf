//! `cilium policy apply|import|validate|get|delete|wait`.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use agent_core::policy;
use anyhow::{Context, bail};

use crate::cli::{Cli, PolicyCommand};
use crate::output;

/// Reads the policy files named: `-` is standard input; a directory means its
/// `*.yaml`, `*.yml` and `*.json` files, in name order.
fn read_sources(paths: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for p in paths {
        if p == Path::new("-") {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
            out.push(("-".to_string(), text));
        } else if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
                .collect();
            files.sort();
            if files.is_empty() {
                bail!("{}: no *.yaml, *.yml or *.json files", p.display());
            }
            for f in files {
                let text = std::fs::read_to_string(&f)
                    .with_context(|| format!("reading {}", f.display()))?;
                out.push((f.display().to_string(), text));
            }
        } else {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            out.push((p.display().to_string(), text));
        }
    }
    Ok(out)
}

/// Parses every file locally; all errors of all files are reported at once.
fn parse_all(sources: &[(String, String)]) -> anyhow::Result<Vec<policy::Policy>> {
    let mut policies = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in sources {
        match policy::parse(file, text) {
            Ok(p) => policies.extend(p),
            Err(e) => errors.extend(e.into_iter().map(|e| e.to_string())),
        }
    }
    if !errors.is_empty() {
        bail!("invalid policy; nothing was changed:\n  {}", errors.join("\n  "));
    }
    Ok(policies)
}

pub async fn run(cli: &Cli, cmd: &PolicyCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PolicyCommand::Validate { files } => {
            let sources = read_sources(files)?;
            let policies = parse_all(&sources)?;
            let names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
            output::emit(&format!(
                "Valid: {} polic{} ({})\n",
                names.len(),
                if names.len() == 1 { "y" } else { "ies" },
                names.join(", ")
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Apply { file, path, dry_run, force, output: o } => {
            let mut paths: Vec<PathBuf> = file.clone();
            paths.extend(path.iter().cloned());
            if paths.is_empty() {
                bail!(
                    "name a policy file: cilium policy apply -f FILE (or DIR, or - for standard input)"
                );
            }
            let sources = read_sources(&paths)?;
            let policies = parse_all(&sources)?;
            if policies.is_empty() {
                bail!("No policy specified");
            }
            // One request, so that several files apply atomically too.
            let (name, text) = if sources.len() == 1 {
                sources[0].clone()
            } else {
                let docs: Vec<&serde_json::Value> = policies.iter().map(|p| &p.source).collect();
                (
                    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(","),
                    serde_json::to_string(&docs)?,
                )
            };
            let result =
                crate::client(&cli.host)?.policy_apply(&name, &text, *dry_run, *force).await?;
            if let Some(f) = &o.output {
                output::emit(&output::render(f, &result)?)?;
            } else if result.dry_run {
                let mut s = format!(
                    "Dry run: nothing was changed. Applying {} would change:\n",
                    result.applied.join(", ")
                );
                for c in &result.changes {
                    s.push_str(&format!("  {c}\n"));
                }
                output::emit(&s)?;
            } else {
                output::emit(&format!("Revision: {}\n", result.revision))?;
            }
            if !result.dry_run
                && let Some(why) = not_enforced(&crate::client(&cli.host)?).await
            {
                eprintln!("Warning: the policy is stored but not enforced: {why}");
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Get { name, output: o } => {
            let p = crate::client(&cli.host)?.policy_get(name.as_deref()).await?;
            let text = match &o.output {
                Some(f) => output::render(f, &p)?,
                None => format!("{}\nRevision: {}\n", p.policy, p.revision),
            };
            output::emit(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Delete { name, all } => {
            if name.is_none() && !*all {
                bail!("name a policy to delete, or use --all");
            }
            let p = crate::client(&cli.host)?.policy_delete(name.as_deref()).await?;
            output::emit(&format!("Revision: {}\n", p.revision))?;
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Wait { revision, sleep_time, max_wait_time } => {
            let client = crate::client(&cli.host)?;
            let tty = std::io::stderr().is_terminal();
            let bar = tty.then(|| {
                let b = indicatif::ProgressBar::new_spinner();
                b.set_message(format!(
                    "Waiting for the datapath to realize policy revision {revision}"
                ));
                b.enable_steady_tick(Duration::from_millis(100));
                b
            });
            if let Some(why) = not_enforced(&client).await {
                if let Some(b) = bar {
                    b.finish_and_clear();
                }
                bail!("policy revision {revision} will not be realized: {why}");
            }
            let deadline = Instant::now() + *max_wait_time;
            loop {
                let eps = client.endpoints().await?;
                let ready = eps.iter().all(|e| {
                    e.status.state == "ready"
                        && e.status.policy.realized.policy_revision >= *revision
                });
                if ready {
                    if let Some(b) = bar {
                        b.finish_and_clear();
                    }
                    output::emit(&format!("Policy revision {revision} is realized\n"))?;
                    return Ok(ExitCode::SUCCESS);
                }
                if Instant::now() > deadline {
                    if let Some(b) = bar {
                        b.finish_and_clear();
                    }
                    bail!(
                        "policy revision {revision} not realized after {}s",
                        max_wait_time.as_secs()
                    );
                }
                tokio::time::sleep(*sleep_time).await;
            }
        }
    }
}

/// Why the agent enforces no policy at all (no host firewall, or a datapath that failed), if
/// it does not.
async fn not_enforced(client: &agent_core::api::client::Client) -> Option<String> {
    let status = client.status(true).await.ok()?;
    let enabled = status.host_firewall.as_ref().is_some_and(|f| f.mode == "Enabled");
    if enabled {
        return None;
    }
    let failed = status.cilium.as_ref().filter(|c| c.state != "Ok").map(|c| c.msg.clone());
    Some(match failed {
        Some(msg) => format!("the host firewall failed to start ({msg})"),
        None => "the host firewall is disabled (hostFirewall.enabled: false)".into(),
    })
}
