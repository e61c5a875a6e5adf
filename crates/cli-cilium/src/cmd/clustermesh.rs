//! `cilium clustermesh status`: the remote clusters this VM's cluster is meshed with, as the
//! seed's operators ask for them, from the agent's `cluster-mesh` status. Exit 1 when one is
//! not ready.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use agent_core::api::models::{ClusterMeshStatus, StatusResponse};

use crate::cli::{Cli, ClustermeshCommand};
use crate::output;

pub async fn run(cli: &Cli, cmd: &ClustermeshCommand) -> anyhow::Result<ExitCode> {
    let ClustermeshCommand::Status { wait, wait_duration, output: o } = cmd;
    let client = crate::client(&cli.host)?;
    let deadline = Instant::now() + *wait_duration;
    let status = loop {
        let s = client.status(false).await?;
        let ready = s.cluster_mesh.as_ref().is_some_and(|m| m.clusters.iter().all(|c| c.ready));
        if !*wait || ready || s.cluster_mesh.is_none() {
            break s;
        }
        if Instant::now() >= deadline {
            eprintln!(
                "timed out after {} waiting for every remote cluster to be ready",
                output::go_duration(*wait_duration)
            );
            break s;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let ready = status.cluster_mesh.as_ref().is_some_and(|m| m.clusters.iter().all(|c| c.ready));
    let text = match (&o.output, &status.cluster_mesh) {
        (Some(f), Some(m)) => output::render(f, m)?,
        (Some(f), None) => output::render(f, &ClusterMeshStatus::default())?,
        (None, None) => {
            "ClusterMesh is disabled: no remote clusters in clustermesh.config\n".into()
        }
        (None, Some(m)) => text(&status, m),
    };
    output::emit(&text)?;
    Ok(if ready || status.cluster_mesh.is_none() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn text(s: &StatusResponse, m: &ClusterMeshStatus) -> String {
    let mut out = String::new();
    let cluster = s
        .cluster
        .as_ref()
        .and_then(|c| c.self_.split_once('/').map(|(c, _)| c.to_string()))
        .unwrap_or_default();
    let id = s.identity_range.as_ref().map_or(0, |r| r.min_identity >> 16);
    let ready = m.clusters.iter().filter(|c| c.ready).count();
    let _ = writeln!(
        out,
        "✅ ClusterMesh enabled: cluster {cluster} (ID {id}) meshed with {} remote cluster{}",
        m.clusters.len(),
        if m.clusters.len() == 1 { "" } else { "s" }
    );
    if ready == m.clusters.len() {
        let _ = writeln!(out, "✅ All {ready} remote clusters are ready");
    } else {
        let _ = writeln!(out, "⚠️  {ready}/{} remote clusters ready", m.clusters.len());
    }
    let _ = writeln!(out, "🔌 Cluster Connections:");
    for c in &m.clusters {
        let id = c.config.as_ref().map(|c| c.cluster_id).filter(|id| *id > 0);
        let _ = writeln!(
            out,
            "  - {}: {}, {} nodes, {} endpoints, {} identities, cluster ID {}, etcd {}",
            c.name,
            if c.ready { "ready" } else { "not-ready" },
            c.num_nodes,
            c.num_endpoints,
            c.num_identities,
            id.map_or("unknown".to_string(), |i| i.to_string()),
            if c.address.is_empty() { "-" } else { &c.address },
        );
        if !c.ready {
            let _ = writeln!(out, "    └  {}", c.status);
        }
        if c.num_failures > 0 {
            let _ = writeln!(
                out,
                "    └  {} reconnections (last failure: {})",
                c.num_failures,
                c.last_failure.as_deref().unwrap_or("-")
            );
        }
    }
    out
}
