//! `cilium encryption ...` (alias `encrypt`): status, key, rotate, generate-secret.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use agent_core::api::models::{StatusResponse, WireguardPeer};
use anyhow::bail;

use crate::cli::{Cli, EncryptionCommand};
use crate::output;

/// A peer is "Connected" while its session is usable: WireGuard rejects sessions older than
/// 180 s without a new handshake.
const SESSION_LIFETIME: Duration = Duration::from_secs(180);

/// Time since an API timestamp, if it is a real time.
fn since(t: &str) -> Option<Duration> {
    let then = agent_core::api::time::parse(t)?;
    Some(std::time::SystemTime::now().duration_since(then).unwrap_or_default())
}

/// `1m ago`, `30s ago`, as the seed shows handshakes.
fn ago(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s ago"),
        60..=3599 => format!("{}m ago", s / 60),
        _ => format!("{}h ago", s / 3600),
    }
}

fn bytes(n: u64) -> String {
    match n {
        0..=1023 => format!("{n} B"),
        1024..=1_048_575 => format!("{:.2} KiB", n as f64 / 1024.0),
        _ => format!("{:.2} MiB", n as f64 / 1_048_576.0),
    }
}

/// `ip (name)` of the node a peer carries traffic for.
fn peer_name(status: &StatusResponse, p: &WireguardPeer) -> String {
    let ip = p
        .allowed_ips
        .first()
        .map(|a| a.split('/').next().unwrap_or(a).to_string())
        .unwrap_or_default();
    let name = status
        .cluster
        .iter()
        .flat_map(|c| c.nodes.iter())
        .find(|n| {
            n.primary_address
                .as_ref()
                .and_then(|a| a.ipv4.as_ref().or(a.ipv6.as_ref()))
                .is_some_and(|e| e.ip == ip)
        })
        .map(|n| n.name.clone());
    match name {
        Some(n) if n != ip => format!("{ip} ({n})"),
        _ => ip,
    }
}

pub async fn run(cli: &Cli, cmd: &EncryptionCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        EncryptionCommand::GenerateSecret => {
            let s = agent_core::secret::generate()
                .map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
            output::emit(&format!("{s}\n"))?;
        }
        EncryptionCommand::Status { output: o } => {
            let status = crate::client(&cli.host)?.status(false).await?;
            let enc = status.encryption.clone().unwrap_or_default();
            if let Some(f) = &o.output {
                output::emit(&output::render(f, &enc)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut s = String::new();
            let mode = if enc.mode == "Wireguard" { "WireGuard" } else { enc.mode.as_str() };
            s.push_str(&format!("{:<17}{mode}\n", "Encryption:"));
            if !enc.msg.is_empty() {
                s.push_str(&format!("{:<17}{}\n", "Status:", enc.msg));
            }
            if let Some(wg) = &enc.wireguard {
                s.push_str(&format!("{:<17}{}\n", "Node Encryption:", wg.node_encryption));
                for i in &wg.interfaces {
                    s.push_str(&format!(
                        "{:<17}{} (listen port {})\n",
                        "Interface:", i.name, i.listen_port
                    ));
                    s.push_str(&format!("{:<17}{}\n", "Public key:", i.public_key));
                    s.push_str("Peers:\n");
                    for p in &i.peers {
                        let hs = since(&p.last_handshake_time);
                        let state = if hs.is_some_and(|d| d < SESSION_LIFETIME) {
                            "Connected"
                        } else {
                            "Not connected"
                        };
                        let hs_text = hs.map_or_else(|| "never".to_string(), ago);
                        s.push_str(&format!(
                            "  {}: {state}, Last Handshake: {hs_text}, Endpoint: {}, Transfer: {} received, {} sent\n",
                            peer_name(&status, p),
                            if p.endpoint.is_empty() { "-" } else { &p.endpoint },
                            bytes(p.transfer_rx),
                            bytes(p.transfer_tx)
                        ));
                    }
                }
            }
            output::emit(&s)?;
        }
        EncryptionCommand::Key { output: o } => {
            let k = crate::client(&cli.host)?.encryption_key().await?;
            let text = match &o.output {
                Some(f) => output::render(f, &k)?,
                None => format!(
                    "{:<15}{}\n{:<15}{}\n{:<15}{}\n{:<15}{} ({} old)\n{:<15}{}\n",
                    "Public key:",
                    k.public_key,
                    "Fingerprint:",
                    k.fingerprint,
                    "Key index:",
                    k.key_index,
                    "Created:",
                    k.created,
                    ago(Duration::from_secs(k.age_seconds)).trim_end_matches(" ago"),
                    "Next rotation:",
                    if k.next_rotation.is_empty() {
                        "none (set encryption.keyRotation)"
                    } else {
                        &k.next_rotation
                    }
                ),
            };
            output::emit(&text)?;
        }
        EncryptionCommand::Rotate { timeout } => {
            let client = crate::client(&cli.host)?;
            let k = client.encryption_rotate().await?;
            output::emit(&format!(
                "Rotated: key index {}, public key {}\n",
                k.key_index, k.public_key
            ))?;
            // Progress: a peer has switched once it completed a handshake after the rotation.
            let bar = std::io::stderr().is_terminal().then(indicatif::ProgressBar::new_spinner);
            let started = Instant::now();
            let k = agent_core::api::models::EncryptionKey {
                rotated_at: k.rotated_at.clone(),
                ..Default::default()
            };
            let rotated_base = since(&k.rotated_at).unwrap_or_default();
            loop {
                let status = client.status(false).await?;
                let peers: Vec<WireguardPeer> = status
                    .encryption
                    .and_then(|e| e.wireguard)
                    .map(|w| w.interfaces.into_iter().flat_map(|i| i.peers).collect())
                    .unwrap_or_default();
                // Handshakes at or after the rotation (the agent's clock, second precision).
                let rotated_age = rotated_base + started.elapsed();
                let since_rotation = |p: &WireguardPeer| {
                    since(&p.last_handshake_time).is_some_and(|d| d <= rotated_age)
                };
                let done = peers.iter().filter(|p| since_rotation(p)).count();
                if let Some(b) = &bar {
                    b.set_message(format!("peers updated {done}/{}", peers.len()));
                    b.tick();
                }
                if done == peers.len() {
                    if let Some(b) = bar {
                        b.finish_and_clear();
                    }
                    output::emit(&format!("Peers updated: {done}/{}\n", peers.len()))?;
                    break;
                }
                if started.elapsed() > *timeout {
                    if let Some(b) = bar {
                        b.finish_and_clear();
                    }
                    bail!(
                        "only {done}/{} peers completed a handshake with the new key within {}s",
                        peers.len(),
                        timeout.as_secs()
                    );
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(since("0001-01-01T00:00:00.000Z"), None);
        assert!(
            since("2020-01-01T00:00:00.000Z").is_some_and(|d| d > Duration::from_secs(86400 * 365))
        );
        assert_eq!(ago(Duration::from_secs(90)), "1m ago");
        assert_eq!(bytes(2048), "2.00 KiB");
    }
}
