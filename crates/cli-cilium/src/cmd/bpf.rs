//! `cilium bpf ...` and `cilium map ...`: the datapath's maps, read through the agent (the CLI
//! never opens pinned maps itself, so it needs access to the agent socket, not root).

use std::process::ExitCode;

use agent_core::api::models::BpfMap;
use agent_core::api::monitor::{drop_reason_name, reserved_identity_name};
use serde::Serialize;

use crate::cli::{BpfCommand, Cli, CtCommand, GetCommand, ListCommand, MapCommand, OutputArgs};
use crate::output::{self, columns, words};

pub async fn run_map(cli: &Cli, cmd: &MapCommand) -> anyhow::Result<ExitCode> {
    let client = crate::client(&cli.host)?;
    match cmd {
        MapCommand::List { output: o, verbose } => {
            let list = client.map_list().await?;
            if let Some(f) = &o.output {
                output::emit(&output::render(f, &list)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = list
                .maps
                .iter()
                .map(|m| {
                    let name = m.path.rsplit('/').next().unwrap_or(&m.path).to_string();
                    let entries = m.cache.as_ref().map_or(0, Vec::len);
                    let errors =
                        m.cache.iter().flatten().filter(|e| !e.last_error.is_empty()).count();
                    vec![
                        name,
                        entries.to_string(),
                        errors.to_string(),
                        m.cache.is_some().to_string(),
                    ]
                })
                .collect();
            let mut text = columns(&["Name", "Num entries", "Num errors", "Cache enabled"], &rows);
            if *verbose {
                for m in &list.maps {
                    let name = m.path.rsplit('/').next().unwrap_or(&m.path);
                    text.push_str(&format!("## Map: {name}\n{}", entries_table(m)));
                }
            }
            output::emit(&text)?;
        }
        MapCommand::Get { name, output: o } => {
            let map = client.map_get(name).await?;
            if let Some(f) = &o.output {
                output::emit(&output::render(f, &map)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            output::emit(&entries_table(&map))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn entries_table(map: &BpfMap) -> String {
    match &map.cache {
        None => "Cache is disabled\n".into(),
        Some(c) if c.is_empty() => "Cache is empty\n".into(),
        Some(c) => {
            let rows: Vec<Vec<String>> = c
                .iter()
                .map(|e| {
                    vec![
                        e.key.clone(),
                        e.value.clone(),
                        e.desired_action.clone(),
                        e.last_error.clone(),
                    ]
                })
                .collect();
            columns(&["Key", "Value", "State", "Error"], &rows)
        }
    }
}

fn identity_name(id: &str) -> String {
    match id.parse::<u32>().ok().and_then(reserved_identity_name) {
        Some(name) => format!("reserved:{name}"),
        None if id == "0" => "ANY".into(),
        None => id.to_string(),
    }
}

async fn entries(cli: &Cli, name: &str) -> anyhow::Result<Vec<(String, String)>> {
    let map = crate::client(&cli.host)?.map_get(name).await?;
    Ok(map.cache.unwrap_or_default().into_iter().map(|e| (e.key, e.value)).collect())
}

fn emit_json_or<T: Serialize>(
    o: &OutputArgs,
    data: &T,
    text: impl FnOnce() -> String,
    empty: bool,
) -> anyhow::Result<ExitCode> {
    if let Some(f) = &o.output {
        output::emit(&output::render(f, data)?)?;
    } else if empty {
        // As cilium-dbg: the empty message goes to stderr, stdout stays clean for scripts.
        eprintln!("No entries found.");
    } else {
        output::emit(&text())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(cli: &Cli, cmd: &BpfCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BpfCommand::Map(m) | BpfCommand::Maps(m) => run_map(cli, m).await,
        BpfCommand::Ipcache(ListCommand::List { output: o }) => {
            let e = entries(cli, "cilium_ipcache").await?;
            let json: std::collections::BTreeMap<&str, Vec<&str>> =
                e.iter().map(|(k, v)| (k.as_str(), vec![v.as_str()])).collect();
            let rows: Vec<Vec<String>> =
                e.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
            emit_json_or(
                o,
                &json,
                || columns(&["IP PREFIX/ADDRESS", "IDENTITY"], &rows),
                e.is_empty(),
            )
        }
        BpfCommand::Policy(GetCommand::Get { output: o }) => {
            #[derive(Serialize)]
            struct Row<'a> {
                verdict: &'a str,
                direction: &'a str,
                identity: String,
                port: String,
                protocol: &'a str,
                policy: String,
                audit: bool,
                /// The L7 proxy's port for a redirected allow; 0 for none.
                proxy_port: u16,
            }
            let e = entries(cli, "cilium_policy").await?;
            // Names instead of numbers: an identity shows its labels.
            let ids = crate::client(&cli.host)?.identities().await?;
            let label_of = |id: &str| -> String {
                let named = identity_name(id);
                match ids.iter().find(|i| i.id.to_string() == id) {
                    Some(i) if !named.starts_with("reserved:") && id != "0" => {
                        let l: Vec<&str> = i
                            .labels
                            .iter()
                            .map(|l| l.strip_prefix("node:").unwrap_or(l))
                            .filter(|l| !l.starts_with("cluster="))
                            .collect();
                        if l.is_empty() { id.to_string() } else { l.join(",") }
                    }
                    _ => named,
                }
            };
            let mut parsed: Vec<Row> = e
                .iter()
                .map(|(k, v)| {
                    let (k, v) = (words(k), words(v));
                    Row {
                        verdict: if v.get("verdict") == Some(&"deny") { "Deny" } else { "Allow" },
                        direction: if k.get("direction") == Some(&"egress") {
                            "Egress"
                        } else {
                            "Ingress"
                        },
                        identity: label_of(k.get("identity").copied().unwrap_or("0")),
                        port: k.get("port").copied().unwrap_or("ANY").to_string(),
                        protocol: k.get("proto").copied().unwrap_or("ANY"),
                        policy: v.get("policy").copied().unwrap_or("-").to_string(),
                        audit: v.get("audit") == Some(&"true"),
                        proxy_port: v.get("proxy_port").and_then(|p| p.parse().ok()).unwrap_or(0),
                    }
                })
                .collect();
            parsed.sort_by(|a, b| {
                (a.direction, &a.identity, &a.port).cmp(&(b.direction, &b.identity, &b.port))
            });
            let rows: Vec<Vec<String>> = parsed
                .iter()
                .map(|r| {
                    let port = if r.protocol == "ANY" {
                        "ANY".to_string()
                    } else {
                        format!("{}/{}", r.port, r.protocol)
                    };
                    let verdict = if r.audit {
                        format!("{} (audit)", r.verdict)
                    } else {
                        r.verdict.to_string()
                    };
                    let proxy = match r.proxy_port {
                        0 => "NONE".to_string(),
                        p => p.to_string(),
                    };
                    vec![
                        verdict,
                        r.direction.to_string(),
                        r.identity.clone(),
                        port,
                        proxy,
                        r.policy.clone(),
                    ]
                })
                .collect();
            emit_json_or(
                o,
                &parsed,
                || {
                    columns(
                        &["VERDICT", "DIRECTION", "IDENTITY", "PORT/PROTO", "PROXY PORT", "POLICY"],
                        &rows,
                    )
                },
                parsed.is_empty(),
            )
        }
        BpfCommand::Ct(CtCommand::List { table, output: o }) => {
            if table != "global" {
                anyhow::bail!(
                    "unknown conntrack table {table:?}: this agent has one table, `global`"
                );
            }
            // One table to operators: established connections, then the unconfirmed ones.
            let mut e = entries(cli, "cilium_ct").await?;
            e.extend(entries(cli, "cilium_ct_pending").await?);
            let lines: Vec<String> = e.iter().map(|(k, v)| format!("{k} {v}")).collect();
            emit_json_or(
                o,
                &lines,
                || lines.iter().map(|l| format!("{l}\n")).collect(),
                e.is_empty(),
            )
        }
        BpfCommand::Tunnel(ListCommand::List { output: o }) => {
            let status = crate::client(&cli.host)?.status(false).await?;
            let peers: Vec<agent_core::api::models::WireguardPeer> = status
                .encryption
                .and_then(|e| e.wireguard)
                .map(|w| w.interfaces.into_iter().flat_map(|i| i.peers).collect())
                .unwrap_or_default();
            let mut map = std::collections::BTreeMap::new();
            for p in &peers {
                for ip in &p.allowed_ips {
                    let ip = ip.split('/').next().unwrap_or(ip).to_string();
                    map.insert(
                        ip,
                        format!(
                            "{} {}",
                            p.public_key,
                            if p.endpoint.is_empty() { "-" } else { &p.endpoint }
                        ),
                    );
                }
            }
            let rows: Vec<Vec<String>> =
                map.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
            emit_json_or(o, &map, || columns(&["TUNNEL", "VALUE"], &rows), map.is_empty())
        }
        BpfCommand::Metrics(ListCommand::List { output: o }) => {
            #[derive(Serialize)]
            struct Row {
                reason: String,
                direction: String,
                packets: u64,
                bytes: u64,
            }
            let e = entries(cli, "cilium_metrics").await?;
            let parsed: Vec<Row> = e
                .iter()
                .map(|(k, v)| {
                    let (k, v) = (words(k), words(v));
                    let code = k.get("reason").copied().unwrap_or("0");
                    let reason = match code.parse::<u8>() {
                        Ok(0) => "Forwarded".to_string(),
                        Ok(c) => drop_reason_name(c).to_string(),
                        Err(_) => code.to_string(),
                    };
                    Row {
                        reason,
                        direction: k.get("direction").copied().unwrap_or("-").to_ascii_uppercase(),
                        packets: v.get("packets").and_then(|p| p.parse().ok()).unwrap_or(0),
                        bytes: v.get("bytes").and_then(|p| p.parse().ok()).unwrap_or(0),
                    }
                })
                .collect();
            let rows: Vec<Vec<String>> = parsed
                .iter()
                .map(|r| {
                    vec![
                        r.reason.clone(),
                        r.direction.clone(),
                        r.packets.to_string(),
                        r.bytes.to_string(),
                    ]
                })
                .collect();
            emit_json_or(
                o,
                &parsed,
                || columns(&["REASON", "DIRECTION", "PACKETS", "BYTES"], &rows),
                parsed.is_empty(),
            )
        }
    }
}
