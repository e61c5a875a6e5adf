//! `cilium config`: show the agent's configuration, or change runtime options
//! (`cilium config set Debug true`, or Cilium's `cilium config Debug=true`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use agent_core::api::models::{DaemonConfiguration, DaemonConfigurationSpec};
use agent_core::api::options::{ENFORCEMENT_MODES, OPTIONS, enabled_word, parse_bool_word};
use anyhow::{Context, bail};

use crate::cli::{Cli, ConfigArgs, ConfigCommand};
use crate::output;

const ENFORCEMENT: &str = "PolicyEnforcement";

pub async fn run(cli: &Cli, args: &ConfigArgs) -> anyhow::Result<ExitCode> {
    if args.list_options {
        let mut s = String::new();
        for o in OPTIONS {
            writeln!(s, "{:<24} {}", o.name, o.description)?;
        }
        writeln!(s, "{ENFORCEMENT:<24} Policy enforcement mode: default, always or never")?;
        output::emit(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    let client = crate::client(&cli.host)?;
    let assignments: Vec<(String, String)> = match &args.command {
        Some(ConfigCommand::Set { name, value }) => vec![(name.clone(), value.clone())],
        Some(ConfigCommand::Get { name }) => {
            let cfg = client.config().await?;
            let realized = &cfg.status.realized;
            let value = if name.eq_ignore_ascii_case(ENFORCEMENT) {
                Some(realized.policy_enforcement.clone())
            } else {
                realized
                    .options
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            let value = value.with_context(|| {
                format!("unknown option {name:?}; see `cilium config --list-options`")
            })?;
            output::emit(&format!("{value}\n"))?;
            return Ok(ExitCode::SUCCESS);
        }
        None => args
            .assignments
            .iter()
            .map(|a| {
                a.split_once('=')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .with_context(|| {
                        format!("expected OPTION=VALUE, found {a:?} (e.g. Debug=true)")
                    })
            })
            .collect::<anyhow::Result<_>>()?,
    };

    if assignments.is_empty() {
        let cfg = client.config().await?;
        output::emit(&show(&cfg, args)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let spec = spec_for(&assignments)?;
    client.patch_config(&spec).await?;
    Ok(ExitCode::SUCCESS)
}

/// Validates names and normalises values before anything is sent, so a typo changes nothing.
fn spec_for(assignments: &[(String, String)]) -> anyhow::Result<DaemonConfigurationSpec> {
    let mut spec = DaemonConfigurationSpec::default();
    for (name, value) in assignments {
        if name.eq_ignore_ascii_case(ENFORCEMENT) {
            if !ENFORCEMENT_MODES.contains(&value.as_str()) {
                bail!("invalid {ENFORCEMENT} {value:?}: expected default, always or never");
            }
            spec.policy_enforcement = value.clone();
            continue;
        }
        let Some(def) = OPTIONS.iter().find(|o| o.name.eq_ignore_ascii_case(name)) else {
            bail!("unknown option {name:?}; see `cilium config --list-options`");
        };
        let on = parse_bool_word(value).with_context(|| {
            format!(
                "invalid value {value:?} for {}: expected true/false or Enabled/Disabled",
                def.name
            )
        })?;
        spec.options.insert(def.name.to_string(), enabled_word(on).to_string());
    }
    Ok(spec)
}

fn show(cfg: &DaemonConfiguration, args: &ConfigArgs) -> anyhow::Result<String> {
    let realized = &cfg.status.realized;
    let map = &cfg.status.daemon_configuration_map;
    if let Some(format) = &args.output.output {
        let mut out: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        if args.read_only || args.all {
            out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        if !args.read_only || args.all {
            out.extend(realized.options.iter().map(|(k, v)| (k.clone(), v.clone().into())));
        }
        return output::render(format, &out);
    }
    let mut s = String::new();
    if !args.read_only || args.all {
        writeln!(s, "##### Read-write configurations #####")?;
        for (k, v) in &realized.options {
            writeln!(s, "{k:<34}: {v}")?;
        }
        writeln!(s, "{ENFORCEMENT:<34}: {}", realized.policy_enforcement)?;
    }
    if args.read_only || args.all {
        writeln!(s, "#### Read-only configurations ####")?;
        for (k, v) in map {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            writeln!(s, "{k:<34}: {v}")?;
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_are_checked_before_sending() {
        let spec = spec_for(&[
            ("debug".into(), "true".into()),
            ("PolicyEnforcement".into(), "always".into()),
        ])
        .expect("valid");
        assert_eq!(spec.options["Debug"], "Enabled");
        assert_eq!(spec.policy_enforcement, "always");
        assert!(spec_for(&[("Debgu".into(), "true".into())]).is_err());
        assert!(spec_for(&[("Debug".into(), "sure".into())]).is_err());
        assert!(spec_for(&[("PolicyEnforcement".into(), "sometimes".into())]).is_err());
    }
}
