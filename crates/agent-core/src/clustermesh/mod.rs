//! Cluster mesh: other clusters' nodes and identities, read from their stores.
//!
//! Each remote cluster ([`remote::Remote`]) is followed read-only, as Cilium's agents follow a
//! clustermesh-apiserver: its nodes become WireGuard peers, the addresses behind them (pods, on
//! Kubernetes) get that cluster's identities, and every identity carries
//! `io.cilium.k8s.policy.cluster`. Cluster IDs scope identity numbers, so they must differ
//! across the mesh: a remote cluster whose ID clashes (with this one, or with a remote cluster
//! configured before it) contributes nothing, and its status says why. A remote cluster that
//! goes away keeps what it had until it answers again.

pub mod config;
pub mod remote;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::watch;

pub use config::{MeshConfig, RemoteConfig, Source};
pub use remote::{MeshEndpoint, MeshNode, Remote};

use crate::identity::{self, Labels};
use crate::kvstore::KvStore;

/// A remote cluster as `cilium status` and `cilium clustermesh status` report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteStatus {
    /// Its name.
    pub name: String,
    /// Where its etcd is.
    pub address: String,
    /// Its cluster ID, when known.
    pub cluster_id: Option<u32>,
    /// Every watch is up.
    pub connected: bool,
    /// Connected, synced and accepted: its nodes and identities are in use.
    pub ready: bool,
    /// What is wrong, or `ready`.
    pub status: String,
    /// Its cluster configuration key was found.
    pub config_retrieved: bool,
    /// Nodes in use.
    pub nodes: usize,
    /// Addresses with its identities in use.
    pub endpoints: usize,
    /// Its identities.
    pub identities: usize,
    /// Times the connection broke.
    pub failures: u64,
    /// When it last did (RFC 3339).
    pub last_failure: Option<String>,
    /// Prefixes listed once: nodes, endpoints, identities.
    pub synced: (bool, bool, bool),
}

/// A remote node with the identity and labels policy sees for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerNode {
    /// The node.
    pub node: MeshNode,
    /// Its identity: its VM identity in its cluster's range, or `remote-node` for a
    /// Kubernetes node; none when its cluster's ID is unknown (a static node list without
    /// `id`), and this agent numbers its labels.
    pub identity: Option<u32>,
    /// Its labels, `cluster` and `io.cilium.k8s.policy.cluster` included.
    pub labels: Labels,
    /// The addresses behind it with identities of their own.
    pub endpoints: Vec<(MeshEndpoint, Labels)>,
}

/// What a remote cluster is followed with.
#[derive(Debug)]
pub struct Setup {
    /// Its configuration.
    pub config: RemoteConfig,
    /// Its cluster secret, when its nodes must be signed.
    pub secret: Option<crate::nodes::Secret>,
    /// Its store; none for a static node list (not followed here).
    pub store: Option<Arc<dyn KvStore>>,
    /// Why it cannot be followed (its files), when it cannot.
    pub failed: Option<String>,
}

type Followed = (Arc<Remote>, Option<Arc<dyn KvStore>>, Option<String>);

/// The mesh.
#[derive(Debug)]
pub struct ClusterMesh {
    local_name: String,
    local_id: u32,
    remotes: Vec<Followed>,
    changed: watch::Sender<u64>,
    snapshot: Option<PathBuf>,
    /// Held while the snapshot is written: one writer at a time, never an older view last.
    saving: std::sync::Mutex<()>,
    /// Cluster IDs that statically meshed clusters have (by their `id`): taken.
    reserved: BTreeMap<u32, String>,
}

impl ClusterMesh {
    /// A mesh of this cluster (`local_name`, `local_id`) with `remotes`. With `snapshot`, what
    /// the remote clusters held when last seen is restored from it (a restart while a remote
    /// etcd is away keeps its peers) and saved there as it changes ([`ClusterMesh::save`]).
    pub fn new(
        local_name: String,
        local_id: u32,
        remotes: Vec<Setup>,
        snapshot: Option<PathBuf>,
    ) -> ClusterMesh {
        let changed = watch::channel(0).0;
        let remotes = remotes
            .into_iter()
            .map(|Setup { config: c, secret, store, failed }| {
                let address = match &c.source {
                    Source::Etcd(e) => e.endpoints.join(","),
                    Source::Nodes(n) => {
                        n.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
                    }
                };
                (Arc::new(Remote::new(c.name, address, secret, changed.clone())), store, failed)
            })
            .collect();
        let mesh = ClusterMesh {
            local_name,
            local_id,
            remotes,
            changed,
            snapshot,
            saving: std::sync::Mutex::new(()),
            reserved: BTreeMap::new(),
        };
        mesh.restore();
        mesh
    }

    /// Cluster IDs held by clusters meshed otherwise (static node lists with an `id`).
    pub fn with_reserved_ids(mut self, reserved: BTreeMap<u32, String>) -> ClusterMesh {
        self.reserved = reserved;
        self
    }

    fn restore(&self) {
        let Some(path) = &self.snapshot else { return };
        let Ok(bytes) = std::fs::read(path) else { return };
        let saved: BTreeMap<String, remote::View> = match serde_json::from_slice(&bytes) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "clustermesh: ignoring an unreadable snapshot");
                return;
            }
        };
        for (r, _, _) in &self.remotes {
            if let Some(view) = saved.get(&r.name) {
                tracing::info!(
                    cluster = r.name,
                    nodes = view.nodes.len(),
                    "clustermesh: restored the last view of the remote cluster until it answers"
                );
                r.restore(view.clone());
            }
        }
    }

    /// Saves every remote cluster's view (after a change), for the next start.
    pub fn save(&self) {
        let Some(path) = &self.snapshot else { return };
        let _one = self.saving.lock().unwrap_or_else(|p| p.into_inner());
        let views: BTreeMap<&str, remote::View> =
            self.remotes.iter().map(|(r, _, _)| (r.name.as_str(), r.snapshot())).collect();
        match serde_json::to_vec(&views) {
            Ok(bytes) => {
                if let Err(e) = crate::fsutil::atomic_write(path, &bytes, 0o600) {
                    tracing::warn!(path = %path.display(), error = %e, "clustermesh: saving the snapshot");
                }
            }
            Err(e) => tracing::warn!(error = %e, "clustermesh: encoding the snapshot"),
        }
    }

    /// Fires whenever a remote cluster's view or link changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The remote clusters, in configured order.
    pub fn remotes(&self) -> impl Iterator<Item = &Arc<Remote>> {
        self.remotes.iter().map(|(r, _, _)| r)
    }

    /// Each remote's cluster ID, or why it is not used.
    fn admitted(&self) -> Vec<(Arc<Remote>, Result<u32, String>)> {
        let mut taken: BTreeMap<u32, String> = self.reserved.clone();
        let mut out = Vec::new();
        for (r, store, failed) in &self.remotes {
            let verdict = if let Some(why) = failed {
                Err(format!("cannot be followed: {why}"))
            } else if store.is_none() {
                Err("a static node list is followed through announcements, not here".to_string())
            } else {
                r.cluster_id().and_then(|id| {
                    if id == 0 || id > 255 {
                        Err(format!("cluster ID {id} is out of range (1-255)"))
                    } else if id == self.local_id {
                        Err(format!(
                            "cluster ID {id} is also this cluster's ({}): every cluster of a mesh needs its own",
                            self.local_name
                        ))
                    } else if let Some(other) = taken.get(&id) {
                        Err(format!(
                            "cluster ID {id} is also that of remote cluster {other}: every cluster of a mesh needs its own"
                        ))
                    } else {
                        Ok(id)
                    }
                })
            };
            if let Ok(id) = verdict {
                taken.insert(id, r.name.clone());
            }
            out.push((r.clone(), verdict));
        }
        out
    }

    /// The remote nodes in use, with their identities and what is behind them.
    pub fn peers(&self) -> Vec<PeerNode> {
        let mut out = Vec::new();
        for (r, verdict) in self.admitted() {
            let Ok(id) = verdict else { continue };
            let identities = r.identities(id);
            let by_labels: BTreeMap<&Labels, u32> =
                identities.iter().map(|(n, l)| (l, *n)).collect();
            let endpoints = r.endpoints(id);
            for node in r.nodes() {
                let (identity, labels) = if node.signed {
                    let labels = crate::labels::with_cluster(node.labels.clone(), &node.cluster);
                    let n = by_labels.get(&labels).copied().unwrap_or_else(|| {
                        identity::candidates(id, &labels).next().unwrap_or(identity::REMOTE_NODE)
                    });
                    (n, labels)
                } else {
                    // A Kubernetes node: its host is `remote-node`, as Cilium sees it; its pods
                    // are selected by their own labels.
                    (
                        identity::REMOTE_NODE,
                        [("reserved:remote-node".to_string(), String::new())].into(),
                    )
                };
                let behind = endpoints
                    .iter()
                    .filter(|e| node.ips.contains(&e.host))
                    .filter_map(|e| Some((e.clone(), identities.get(&e.identity)?.clone())))
                    .collect();
                out.push(PeerNode { node, identity: Some(identity), labels, endpoints: behind });
            }
        }
        out
    }

    /// Every remote cluster's state.
    pub fn status(&self) -> Vec<RemoteStatus> {
        self.admitted()
            .into_iter()
            .map(|(r, verdict)| {
                let connected = r.connected();
                let synced = r.synced();
                let all_synced = synced.iter().all(|s| *s);
                let (error, failures, last) = r.failures();
                let id = r.cluster_id().ok();
                let (ready, status) = match (&verdict, connected, all_synced) {
                    (Err(why), _, _) => (false, why.clone()),
                    (Ok(_), true, true) => (true, "ready".to_string()),
                    (Ok(_), _, _) => (
                        false,
                        error.unwrap_or_else(|| "waiting for initial synchronization".into()),
                    ),
                };
                let (nodes, endpoints, identities) = match verdict {
                    Ok(id) => (r.nodes().len(), r.endpoints(id).len(), r.identities(id).len()),
                    Err(_) => (0, 0, 0),
                };
                RemoteStatus {
                    name: r.name.clone(),
                    address: r.address.clone(),
                    cluster_id: id,
                    connected,
                    ready,
                    status,
                    config_retrieved: r.snapshot().config_found,
                    nodes,
                    endpoints,
                    identities,
                    failures,
                    last_failure: last.map(crate::api::time::format),
                    synced: (synced[1], synced[3], synced[2]),
                }
            })
            .collect()
    }

    /// Follows every remote cluster's store until dropped.
    pub async fn run(self: Arc<Self>) {
        let follows = self
            .remotes
            .iter()
            .filter_map(|(r, store, _)| Some((r.clone(), store.clone()?)))
            .map(|(r, store)| async move { r.run(store.as_ref()).await });
        futures_util::future::join_all(follows).await;
    }

    /// Tells the subscribers to look again (after a restore).
    pub fn touch(&self) {
        self.changed.send_modify(|g| *g += 1);
    }
}

/// Shortest pod CIDR accepted from a remote cluster (IPv4, IPv6): a Kubernetes node's is a
/// /24 or /64 by default.
const MIN_CIDR: (u8, u8) = (16, 48);

fn holds(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    crate::policy::types::Cidr { addr: crate::policy::types::mask(net, len), len }.contains(ip)
}

/// What no remote cluster may claim: this network's own addresses (this host's, its cluster's
/// nodes', the stores') and keys (this cluster's nodes' WireGuard keys).
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// Addresses.
    pub ips: Vec<IpAddr>,
    /// WireGuard public keys, base64.
    pub keys: Vec<String>,
}

/// Addresses no tunnel may carry: loopback, unspecified, multicast, link-local (the cloud's
/// metadata service is 169.254.169.254), broadcast.
fn special(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_link_local()
                || v4.is_broadcast()
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Drops what remote clusters claim that is not theirs to claim: a node (or address of one)
/// that is this network's, a node with a key of this cluster, endpoints and pod addresses that
/// are this network's or special, CIDRs that hold one or are too wide to be one node's pods,
/// and anything a remote cluster earlier in the list already holds. Whoever writes a remote
/// store, or holds a remote cluster's secret, must not be able to route this network's own
/// addresses into a tunnel or take a local node's identity.
pub fn guard(peers: &mut Vec<PeerNode>, protected: &Protected) {
    let mut held: Vec<IpAddr> = Vec::new();
    let mut cidrs: Vec<(IpAddr, u8)> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(peers.len());
    for mut p in std::mem::take(peers) {
        let mine = |ip: &IpAddr| protected.ips.contains(ip) || special(ip);
        p.node.ips.retain(|ip| !mine(ip) && !held.contains(ip));
        if p.node.ips.is_empty()
            || protected.keys.contains(&p.node.wg_public_key)
            || keys.contains(&p.node.wg_public_key)
        {
            tracing::warn!(
                cluster = p.node.cluster,
                node = p.node.name,
                "clustermesh: ignored a remote node that claims this network's addresses or a key of this cluster"
            );
            continue;
        }
        held.extend(p.node.ips.iter().copied());
        keys.push(p.node.wg_public_key.clone());
        out.push(p);
    }
    // Every remote node's address: no CIDR may hold one (its pods' addresses are its own).
    let node_ips = held.clone();
    for p in &mut out {
        let before = (p.endpoints.len(), p.node.pod_cidrs.len(), p.node.endpoint);
        let mine = |ip: &IpAddr| protected.ips.contains(ip) || special(ip) || held.contains(ip);
        if p.node.endpoint.is_some_and(|e| mine(&e) && !p.node.ips.contains(&e)) {
            p.node.endpoint = None;
        }
        let mut seen: Vec<IpAddr> = Vec::new();
        p.endpoints.retain(|(e, _)| {
            let ok = !mine(&e.ip) && !seen.contains(&e.ip);
            seen.push(e.ip);
            ok
        });
        held.extend(p.endpoints.iter().map(|(e, _)| e.ip));
        if p.node.signed {
            // A VM has no pods: a prefix behind it is nothing its cluster vouches for.
            p.node.pod_cidrs.clear();
        }
        p.node.pod_cidrs.retain(|(net, len)| {
            let min = if net.is_ipv4() { MIN_CIDR.0 } else { MIN_CIDR.1 };
            let metadata: IpAddr = std::net::Ipv4Addr::new(169, 254, 169, 254).into();
            *len >= min
                && !special(net)
                && !holds(*net, *len, metadata)
                && !protected.ips.iter().chain(&node_ips).any(|ip| holds(*net, *len, *ip))
                && !cidrs.iter().any(|(n, l)| holds(*n, *l, *net) || holds(*net, *len, *n))
        });
        cidrs.extend(p.node.pod_cidrs.iter().copied());
        if before != (p.endpoints.len(), p.node.pod_cidrs.len(), p.node.endpoint) {
            tracing::warn!(
                cluster = p.node.cluster,
                node = p.node.name,
                "clustermesh: ignored addresses a remote node claims that are this network's own, special, or another remote's"
            );
        }
    }
    *peers = out;
}

/// The node IPs and the addresses behind them that go through a remote node's tunnel.
pub fn tunnelled(p: &PeerNode) -> Vec<IpAddr> {
    let mut ips = p.node.ips.clone();
    ips.extend(p.endpoints.iter().map(|(e, _)| e.ip));
    ips
}

#[cfg(test)]
mod tests;
