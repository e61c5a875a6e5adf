//! The mesh in the running agent: its remote clusters' stores opened at start, their nodes
//! and the addresses behind them handed to policy and WireGuard, and their state for
//! `cilium status` and `cilium clustermesh status`.

use std::net::IpAddr;
use std::sync::Arc;

use super::DaemonError;
use super::policy::{RemoteEndpoint, RemoteNode};
use super::state::Agent;
use crate::api::models::{
    ClusterMeshStatus, RemoteCluster, RemoteClusterConfig, RemoteClusterSynced,
};
use crate::clustermesh::{ClusterMesh, MeshNode, PeerNode, Source};
use crate::kvstore::KvStore;

impl Agent {
    /// The mesh, when remote clusters are configured.
    pub fn mesh(&self) -> Option<&Arc<ClusterMesh>> {
        self.mesh.get()
    }

    /// The remote clusters' nodes in use, with what is behind them, minus what they may not
    /// claim ([`crate::clustermesh::guard`]).
    pub fn mesh_peers(&self) -> Vec<PeerNode> {
        let c = self.config();
        if c.clustermesh.clusters.is_empty() {
            return Vec::new();
        }
        let mut peers = self.mesh().map(|m| m.peers()).unwrap_or_default();
        peers.extend(self.static_peers());
        let url_host = |u: &str| -> Option<IpAddr> {
            let rest = u.split_once("://").map_or(u, |(_, r)| r);
            let host = rest.rsplit_once(':').map_or(rest, |(h, _)| h);
            host.trim_matches(|ch| ch == '[' || ch == ']').parse().ok()
        };
        let mut protected = crate::clustermesh::Protected {
            ips: self.local_ips().to_vec(),
            keys: self.wireguard().map(|w| vec![w.announced_key().0]).unwrap_or_default(),
        };
        // Listed nodes that turned out to be a statically meshed cluster's are that
        // cluster's, not this one's.
        let meshed = self.membership().map(|m| m.remote_addresses()).unwrap_or_default();
        protected.ips.extend(
            c.nodes
                .iter()
                .flat_map(|n| std::iter::once(n.ip).chain(n.endpoint))
                .filter(|ip| !meshed.contains(ip)),
        );
        if let Some(m) = self.membership() {
            for r in m.nodes() {
                protected.ips.extend(r.announcement.ips.iter().copied());
                protected.ips.extend(r.announcement.endpoint);
                protected.keys.push(r.announcement.wg_public_key.clone());
            }
        }
        protected
            .ips
            .extend(c.etcd.iter().flat_map(|e| e.endpoints.iter()).filter_map(|u| url_host(u)));
        for r in &c.clustermesh.clusters {
            if let crate::clustermesh::Source::Etcd(e) = &r.source {
                protected.ips.extend(e.endpoints.iter().filter_map(|u| url_host(u)));
            }
        }
        protected.keys.retain(|k| !k.is_empty());
        crate::clustermesh::guard(&mut peers, &protected);
        peers
    }

    /// The remote clusters' nodes as policy sees them (named `<cluster>/<node>`, as Hubble
    /// and Cilium name nodes of other clusters) and the addresses behind them.
    pub fn mesh_remote(&self) -> (Vec<RemoteNode>, Vec<RemoteEndpoint>) {
        let mut nodes = Vec::new();
        let mut endpoints = Vec::new();
        for p in self.mesh_peers() {
            for (e, labels) in &p.endpoints {
                endpoints.push(RemoteEndpoint {
                    ip: e.ip,
                    identity: e.identity,
                    labels: labels.clone(),
                    name: match &e.pod {
                        Some((ns, pod)) => format!("{ns}/{pod}"),
                        None => format!("{}/{}", p.node.cluster, e.ip),
                    },
                });
            }
            nodes.push(RemoteNode {
                name: format!("{}/{}", p.node.cluster, p.node.name),
                ips: p.node.ips.clone(),
                labels: p.labels.clone(),
                endpoint: p.node.endpoint,
                identity: p.identity,
            });
        }
        (nodes, endpoints)
    }

    /// The nodes of clusters meshed by static node lists, from their announcements; none of
    /// a cluster whose `id` is this cluster's.
    fn static_peers(&self) -> Vec<PeerNode> {
        let c = self.config();
        let Some(m) = self.membership() else { return Vec::new() };
        m.remote_nodes()
            .into_iter()
            .filter_map(|(cluster, r)| {
                let cfg = c.clustermesh.clusters.iter().find(|x| x.name == cluster)?;
                if cfg.id == Some(c.cluster_id) {
                    return None;
                }
                let a = r.announcement;
                let labels = crate::labels::with_cluster(a.labels.clone(), &cluster);
                let identity =
                    cfg.id.and_then(|id| crate::identity::candidates(id, &labels).next());
                Some(PeerNode {
                    node: MeshNode::signed(cluster, a, Vec::new()),
                    identity,
                    labels,
                    endpoints: Vec::new(),
                })
            })
            .collect()
    }

    /// A statically meshed cluster's state: ready while one of its nodes announces itself.
    fn static_status(
        &self,
        r: &crate::clustermesh::RemoteConfig,
        listed: &[IpAddr],
    ) -> RemoteCluster {
        let c = self.config();
        let records: Vec<crate::nodes::NodeRecord> = self
            .membership()
            .map(|m| {
                m.remote_nodes()
                    .into_iter()
                    .filter(|(n, _)| *n == r.name)
                    .map(|(_, rec)| rec)
                    .collect()
            })
            .unwrap_or_default();
        let heard = self
            .membership()
            .map_or(0, |m| records.iter().filter(|rec| m.is_reachable(rec)).count());
        let clash = r.id == Some(c.cluster_id);
        let (ready, status) = if clash {
            (
                false,
                format!(
                    "cluster ID {} is also this cluster's ({}): every cluster of a mesh needs its own",
                    c.cluster_id, c.cluster_name
                ),
            )
        } else if heard > 0 {
            (true, format!("static node list: {heard} node(s) announcing, {} listed", listed.len()))
        } else {
            (false, "static node list: no node of the cluster has announced itself yet".into())
        };
        let n = if clash { 0 } else { records.len() as i64 };
        RemoteCluster {
            name: r.name.clone(),
            connected: heard > 0,
            ready,
            status,
            num_nodes: n,
            num_identities: n,
            config: Some(RemoteClusterConfig {
                required: false,
                retrieved: false,
                cluster_id: r.id.map_or(0, i64::from),
                kvstoremesh: false,
                sync_canaries: false,
            }),
            synced: Some(RemoteClusterSynced {
                nodes: true,
                endpoints: true,
                identities: true,
                services: true,
            }),
            address: listed.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
            ..RemoteCluster::default()
        }
    }

    /// `cluster-mesh` of `GET /v1/healthz`: every remote cluster, as Cilium reports them.
    pub fn cluster_mesh_status(&self) -> Option<ClusterMeshStatus> {
        let c = self.config();
        if c.clustermesh.clusters.is_empty() {
            return None;
        }
        let followed = self.mesh().map(|m| m.status()).unwrap_or_default();
        let clusters = c
            .clustermesh
            .clusters
            .iter()
            .filter_map(|r| match &r.source {
                Source::Nodes(listed) => Some(Err(self.static_status(r, listed))),
                Source::Etcd(_) => followed.iter().find(|s| s.name == r.name).cloned().map(Ok),
            })
            .map(|s| match s {
                Err(st) => st,
                Ok(s) => RemoteCluster {
                    status: if s.ready {
                        format!(
                            "etcd: {n}/{n} connected, leases=0, lock leases=0, has-quorum=true: {}",
                            s.address,
                            n = s.address.split(',').count()
                        )
                    } else {
                        s.status
                    },
                    name: s.name,
                    connected: s.connected,
                    ready: s.ready,
                    num_nodes: s.nodes as i64,
                    num_endpoints: s.endpoints as i64,
                    num_identities: s.identities as i64,
                    num_failures: s.failures as i64,
                    last_failure: s.last_failure,
                    config: Some(RemoteClusterConfig {
                        required: true,
                        retrieved: s.config_retrieved,
                        cluster_id: s.cluster_id.map_or(0, i64::from),
                        kvstoremesh: false,
                        sync_canaries: false,
                    }),
                    synced: Some(RemoteClusterSynced {
                        nodes: s.synced.0,
                        endpoints: s.synced.1,
                        identities: s.synced.2,
                        services: true,
                    }),
                    address: s.address,
                    ..RemoteCluster::default()
                },
            })
            .collect();
        Some(ClusterMeshStatus { clusters, num_global_services: 0 })
    }
}

/// The clusters meshed by static node lists, with the secret each signs with (its
/// `secretFile`, else this cluster's own).
pub(super) fn static_remotes(
    c: &crate::config::Config,
    own: &crate::nodes::Secret,
) -> Result<std::collections::BTreeMap<String, crate::nodes::StaticRemote>, DaemonError> {
    let mut out = std::collections::BTreeMap::new();
    for r in &c.clustermesh.clusters {
        let Source::Nodes(listed) = &r.source else { continue };
        let secret = match &r.secret_file {
            Some(path) => match crate::nodes::Secret::load(path) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(cluster = r.name, error = %e, "clustermesh: not meshing with the cluster");
                    continue;
                }
            },
            None => own.clone(),
        };
        tracing::info!(cluster = r.name, nodes = ?listed, "clustermesh: meshed by a static node list");
        out.insert(r.name.clone(), crate::nodes::StaticRemote { secret, listed: listed.clone() });
    }
    Ok(out)
}

/// Where the remote clusters' last views are kept across restarts.
const SNAPSHOT: &str = "clustermesh.json";

/// Opens every remote cluster's store and starts following them; the agent's membership sync
/// picks their changes up through [`ClusterMesh::subscribe`].
pub(super) fn start(agent: &Arc<Agent>) -> Result<Option<Arc<ClusterMesh>>, DaemonError> {
    let c = agent.config();
    if !c.clustermesh.clusters.iter().any(|r| matches!(r.source, Source::Etcd(_))) {
        return Ok(None);
    }
    let mut remotes = Vec::new();
    // Static node lists are the membership's (announcements), not a store's.
    for r in c.clustermesh.clusters.iter().filter(|r| matches!(r.source, Source::Etcd(_))) {
        let secret = match &r.secret_file {
            Some(path) => match crate::nodes::Secret::load(path) {
                Ok(s) => Some(s),
                Err(e) => {
                    // One remote cluster's broken file must not take this node's own
                    // cluster down: that cluster is not followed, and status says why.
                    tracing::error!(cluster = r.name, error = %e, "clustermesh: not following the remote cluster");
                    remotes.push(crate::clustermesh::Setup {
                        config: r.clone(),
                        secret: None,
                        store: None,
                        failed: Some(e.to_string()),
                    });
                    continue;
                }
            },
            None => {
                tracing::warn!(
                    cluster = r.name,
                    "clustermesh: no secretFile for this cluster: its nodes are trusted as its etcd holds them (as Cilium trusts a clustermesh-apiserver); protect that etcd with TLS client certificates"
                );
                None
            }
        };
        let store: Arc<dyn KvStore> = match &r.source {
            Source::Etcd(e) => match crate::kvstore::etcd::Etcd::new(e) {
                Ok(s) => Arc::new(s),
                Err(e) => {
                    tracing::error!(cluster = r.name, error = %e, "clustermesh: not following the remote cluster");
                    remotes.push(crate::clustermesh::Setup {
                        config: r.clone(),
                        secret,
                        store: None,
                        failed: Some(e.to_string()),
                    });
                    continue;
                }
            },
            Source::Nodes(_) => continue,
        };
        tracing::info!(cluster = r.name, "clustermesh: following the remote cluster");
        remotes.push(crate::clustermesh::Setup {
            config: r.clone(),
            secret,
            store: Some(store),
            failed: None,
        });
    }
    let reserved = c
        .clustermesh
        .clusters
        .iter()
        .filter(|r| matches!(r.source, Source::Nodes(_)))
        .filter_map(|r| Some((r.id?, r.name.clone())))
        .collect();
    let mesh = Arc::new(
        ClusterMesh::new(
            c.cluster_name.clone(),
            c.cluster_id,
            remotes,
            Some(c.state_dir.join(SNAPSHOT)),
        )
        .with_reserved_ids(reserved),
    );
    let _ = agent.mesh.set(mesh.clone());
    Ok(Some(mesh))
}
