//! What the metrics endpoint shows of this agent: gathered here, rendered by
//! [`crate::metrics`], which knows nothing of the daemon.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::state::Agent;
use crate::metrics::{HubbleCounts, Input, MeshStat, PeerStat, ProxyCounts, Source};

/// How often the datapath's tables are counted for `cilium_bpf_map_pressure`: each count walks
/// every key, so it runs on this timer, off the async workers, never per scrape.
const PRESSURE_INTERVAL: Duration = Duration::from_secs(30);

/// The metrics source of `agent`, and the task that keeps its map pressure current.
pub(super) fn source(agent: &Arc<Agent>) -> (Source, Option<tokio::task::JoinHandle<()>>) {
    let reader = agent.with_datapath(|d| d.stats_reader()).and_then(|r| match r {
        Ok(r) => Some(Arc::new(r)),
        Err(e) => {
            tracing::warn!(error = %e, "datapath counters unavailable to metrics");
            None
        }
    });
    let pressure: Arc<Mutex<Vec<(&'static str, f64)>>> = Arc::default();
    let counter = reader.clone().map(|reader| {
        let pressure = pressure.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PRESSURE_INTERVAL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let r = reader.clone();
                if let Ok(p) = tokio::task::spawn_blocking(move || r.pressure()).await {
                    *pressure.lock().unwrap_or_else(|p| p.into_inner()) = p;
                }
            }
        })
    });
    let weak = Arc::downgrade(agent);
    let source: Source = Arc::new(move || {
        let (weak, reader, pressure) = (weak.clone(), reader.clone(), pressure.clone());
        Box::pin(async move {
            let Some(agent) = weak.upgrade() else { return Input::default() };
            gather(&agent, reader, &pressure).await
        })
    });
    (source, counter)
}

async fn gather(
    agent: &Agent,
    reader: Option<Arc<crate::datapath::maps::StatsReader>>,
    pressure: &Mutex<Vec<(&'static str, f64)>>,
) -> Input {
    let datapath = match reader {
        Some(r) => tokio::task::spawn_blocking(move || r.counters().ok()).await.ok().flatten(),
        None => None,
    };
    let status = agent.status();
    let nodes = status
        .cluster
        .map(|c| c.nodes)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| !n.health.as_ref().is_some_and(|h| h.local))
        // Nodes of other clusters are not probed: the mesh metrics cover them.
        .filter(|n| n.source != "clustermesh")
        .map(|n| {
            let reachable = n.health.as_ref().is_some_and(|h| h.state == "Reachable");
            let latency = n.health.as_ref().and_then(|h| h.latency_ns).map(|ns| ns as f64 / 1e9);
            (n.name, reachable, latency)
        })
        .collect();
    let wireguard = match agent.wireguard() {
        Some(wg) => {
            let now = std::time::SystemTime::now();
            let st = wg.status().await;
            Some(
                st.interfaces
                    .iter()
                    .flat_map(|i| i.peers.iter())
                    .map(|p| {
                        let since = crate::wireguard::parse_rfc3339(&p.last_handshake_time)
                            .map(|ts| now.duration_since(ts).unwrap_or_default().as_secs_f64());
                        PeerStat {
                            public_key: p.public_key.clone(),
                            since_handshake: since,
                            rx: p.transfer_rx,
                            tx: p.transfer_tx,
                        }
                    })
                    .collect(),
            )
        }
        None => None,
    };
    Input {
        datapath,
        map_pressure: pressure.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        policy: agent.policy_metrics(),
        cluster: agent.config().cluster_name.clone(),
        node: agent.node_name().to_string(),
        nodes,
        wireguard,
        hubble: agent
            .hubble()
            .map(|h| HubbleCounts { processed: h.processed(), lost: h.lost().to_vec() }),
        announcements_rejected: agent
            .membership()
            .map(|m| m.rejected_by_reason())
            .unwrap_or_default(),
        proxy: agent.proxy().map(|p| {
            let c = p.stats();
            ProxyCounts {
                received: c.received,
                forwarded: c.forwarded,
                denied: c.denied,
                parse_errors: c.errors,
                redirects: agent.l7_policy().redirects().len(),
            }
        }),
        mesh: status.cluster_mesh.map(|m| {
            m.clusters
                .into_iter()
                .map(|c| MeshStat {
                    last_failure: c
                        .last_failure
                        .as_deref()
                        .and_then(crate::api::time::parse)
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_secs_f64()),
                    cluster: c.name,
                    ready: c.ready,
                    failures: c.num_failures.max(0) as u64,
                    nodes: c.num_nodes.max(0) as usize,
                })
                .collect()
        }),
    }
}
