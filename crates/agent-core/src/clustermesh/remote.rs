//! One remote cluster, read from its etcd and never written: its configuration (cluster ID),
//! nodes, identities and ipcache, each prefix mirrored as the local store's are
//! ([`crate::kvstore::mirror`]). Everything is checked against the cluster it claims to be:
//! node keys and fields name it, identities lie in its ID's range and carry its cluster label,
//! ipcache entries point at identities it owns and at its nodes. What fails is counted and
//! ignored, never half-applied. When the store goes away the last view stays.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::identity::{Labels, MAX_ALLOCATED, MIN_ALLOCATED};
use crate::kvstore::mirror::Mirror;
use crate::kvstore::{Change, Entry, Error, KvStore};
use crate::labels::CLUSTER_LABEL;
use crate::nodes::Secret;
use crate::nodes::kvstore::{CiliumNode, NODES_PREFIX};

/// Where a cluster's configuration lives (Cilium's `CiliumClusterConfig`).
pub const CLUSTER_CONFIG_PREFIX: &str = "cilium/cluster-config/";
/// Where identities live.
pub const IDENTITIES_ID_PREFIX: &str = "cilium/state/identities/v1/id/";
/// Where ipcache entries live (literally `default`, whatever the cluster).
pub const IPCACHE_PREFIX: &str = "cilium/state/ip/v1/default/";
/// Most labels of one remote identity.
const MAX_LABELS: usize = 128;
/// Most pod CIDRs of one node.
const MAX_CIDRS: usize = 16;
/// Most nodes, identities or ipcache entries kept of one remote cluster (what a listing may
/// hold, [`crate::kvstore::MAX_ENTRIES`]; watches add one by one, so they are capped here).
const MAX_PART: usize = crate::kvstore::MAX_ENTRIES;

/// A node of a remote cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeshNode {
    /// Its cluster.
    pub cluster: String,
    /// Its name within the cluster.
    pub name: String,
    /// Its own addresses (Cilium's `InternalIP`).
    pub ips: Vec<IpAddr>,
    /// The address in front of it (Cilium's `ExternalIP`), when it is behind NAT.
    pub endpoint: Option<IpAddr>,
    /// Its WireGuard public key, base64.
    pub wg_public_key: String,
    /// Its WireGuard port.
    pub wg_port: u16,
    /// What it says of itself: a VM's labels (signed by its cluster), none for a Kubernetes
    /// node (whose pods have identities of their own).
    pub labels: Labels,
    /// Pod CIDRs behind it (a Kubernetes node's `IPv4AllocCIDR`...).
    pub pod_cidrs: Vec<(IpAddr, u8)>,
    /// Signed with the cluster's secret: one of our VMs.
    pub signed: bool,
}

impl MeshNode {
    /// A VM of cluster `cluster`, as its signed announcement says.
    pub fn signed(
        cluster: String,
        a: crate::nodes::Announcement,
        pod_cidrs: Vec<(IpAddr, u8)>,
    ) -> MeshNode {
        MeshNode {
            cluster,
            name: a.name,
            ips: a.ips,
            endpoint: a.endpoint,
            wg_public_key: a.wg_public_key,
            wg_port: a.wg_port,
            labels: a.labels,
            pod_cidrs,
            signed: true,
        }
    }
}

/// An address behind a remote node with an identity of its cluster (a pod, on Kubernetes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeshEndpoint {
    /// The address.
    pub ip: IpAddr,
    /// Its identity, in its cluster's range.
    pub identity: u32,
    /// The node it lives on.
    pub host: IpAddr,
    /// Its Kubernetes namespace and pod name, when it has them.
    pub pod: Option<(String, String)>,
}

/// What a remote cluster's store is known to hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct View {
    /// The cluster ID its `cilium/cluster-config/<name>` says.
    pub config_id: Option<u32>,
    /// Whether that key was there at all.
    pub config_found: bool,
    /// Its nodes, by name.
    pub nodes: BTreeMap<String, MeshNode>,
    /// The cluster ID its node entries carry.
    pub node_ids: BTreeMap<String, u32>,
    /// Its identities.
    pub identities: BTreeMap<u32, Labels>,
    /// Its ipcache entries (hosts only).
    pub ipcache: BTreeMap<IpAddr, RawIpcache>,
    /// Its configuration asks readers to wait for synced canaries (a clustermesh-apiserver's).
    pub synced_canaries: bool,
    /// The prefixes whose canary is there, on this connection.
    #[serde(skip)]
    pub canaries: std::collections::BTreeSet<String>,
}

/// One ipcache entry as read, before it is checked against nodes and identities (which may
/// arrive after it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawIpcache {
    /// The identity.
    pub id: u32,
    /// The node it is behind.
    pub host: Option<IpAddr>,
    /// Namespace and pod.
    pub pod: Option<(String, String)>,
}

/// The prefixes followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// `cilium/cluster-config/<name>`.
    Config,
    /// Nodes.
    Nodes,
    /// Identities.
    Identities,
    /// The ipcache.
    Ipcache,
    /// `cilium/synced/<name>/`: the canaries saying a prefix is complete.
    Synced,
}

const PARTS: [Part; 5] = [Part::Config, Part::Nodes, Part::Identities, Part::Ipcache, Part::Synced];

/// Where synced canaries live.
pub const SYNCED_PREFIX: &str = "cilium/synced/";

impl Part {
    /// The prefix whose canary says this part is complete (`cilium/synced/<cluster>/<prefix>`).
    fn canary(self) -> Option<&'static str> {
        match self {
            Part::Nodes => Some("cilium/state/nodes/v1"),
            Part::Identities => Some("cilium/state/identities/v1"),
            Part::Ipcache => Some("cilium/state/ip/v1"),
            Part::Config | Part::Synced => None,
        }
    }

    fn index(self) -> usize {
        PARTS.iter().position(|p| *p == self).unwrap_or(0)
    }
}

#[derive(Debug, Default)]
struct Link {
    /// Parts listed at least once since start.
    synced: [bool; 5],
    /// Parts listed while their canary was missing: listed again once it is there.
    pending: [bool; 5],
    /// Parts whose watch is up now.
    live: [bool; 5],
    last_error: Option<String>,
    failures: u64,
    last_failure: Option<SystemTime>,
    rejected: BTreeMap<&'static str, u64>,
}

/// One remote cluster and its link.
#[derive(Debug)]
pub struct Remote {
    /// Its name.
    pub name: String,
    /// Where its etcd is, as `cilium clustermesh status` shows it.
    pub address: String,
    secret: Option<Secret>,
    view: Mutex<View>,
    link: Mutex<Link>,
    changed: tokio::sync::watch::Sender<u64>,
    /// Per part: list again now.
    relist: [tokio::sync::Notify; 5],
}

/// Cilium's `IPIdentityPair`.
#[derive(Debug, Deserialize)]
struct IpIdentityPair {
    #[serde(rename = "IP", default)]
    ip: String,
    #[serde(rename = "Mask", default)]
    mask: Option<String>,
    #[serde(rename = "HostIP", default)]
    host_ip: String,
    #[serde(rename = "ID", default)]
    id: u32,
    #[serde(rename = "K8sNamespace", default)]
    namespace: String,
    #[serde(rename = "K8sPodName", default)]
    pod: String,
}

/// Cilium's `CiliumClusterConfig`.
#[derive(Debug, Deserialize)]
struct ClusterConfig {
    #[serde(default)]
    id: u32,
    #[serde(default)]
    capabilities: Capabilities,
}

#[derive(Debug, Default, Deserialize)]
struct Capabilities {
    #[serde(rename = "syncedCanaries", default)]
    synced_canaries: bool,
}

/// The labels a Cilium label string spells (`source:key=value;` each), without their
/// sources; `None` for reserved identities and anything else.
pub fn parse_labels(s: &str) -> Option<Labels> {
    let mut out = Labels::new();
    for part in s.split(';').filter(|p| !p.is_empty()) {
        let (source, kv) = part.split_once(':')?;
        if source == "reserved" || source.is_empty() {
            return None;
        }
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        // `k8s:reserved:host=` is no reserved label, and no label at all.
        if k.contains(':') || out.len() >= MAX_LABELS || crate::labels::check_label(k, v).is_err() {
            return None;
        }
        out.insert(k.to_string(), v.to_string());
    }
    (!out.is_empty()).then_some(out)
}

/// A Cilium CIDR as its Go JSON spells it: `{"IP": "10.0.1.0", "Mask": "<base64>"}`.
fn cidr_of(v: &serde_json::Value) -> Option<(IpAddr, u8)> {
    use base64::Engine;
    let ip: IpAddr = v.get("IP")?.as_str()?.parse().ok()?;
    let mask = base64::engine::general_purpose::STANDARD.decode(v.get("Mask")?.as_str()?).ok()?;
    let want = if ip.is_ipv4() { 4 } else { 16 };
    if mask.len() != want {
        return None;
    }
    let total = mask.len() * 8;
    let bits = mask.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b)) << (128 - total);
    // A mask is ones, then zeros.
    if bits.leading_ones() != bits.count_ones() {
        return None;
    }
    let len = bits.count_ones() as u8;
    // The network itself: a route with host bits set is refused by the kernel (IPv4) or
    // masked by it (IPv6), and would never match what is read back.
    Some((crate::policy::types::mask(ip, len), len))
}

impl Remote {
    /// A remote cluster `name` reached at `address`; with `secret`, its nodes must be signed.
    pub fn new(
        name: String,
        address: String,
        secret: Option<Secret>,
        changed: tokio::sync::watch::Sender<u64>,
    ) -> Remote {
        Remote {
            name,
            address,
            secret,
            view: Mutex::new(View::default()),
            link: Mutex::new(Link::default()),
            changed,
            relist: std::array::from_fn(|_| tokio::sync::Notify::new()),
        }
    }

    fn view(&self) -> std::sync::MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn link(&self) -> std::sync::MutexGuard<'_, Link> {
        self.link.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the store is known to hold.
    pub fn snapshot(&self) -> View {
        self.view().clone()
    }

    /// Restores a view saved by an earlier run (the store is away at start).
    pub fn restore(&self, view: View) {
        *self.view() = view;
    }

    /// The cluster ID it claims: its configuration's, else the one its nodes agree on.
    pub fn cluster_id(&self) -> Result<u32, String> {
        let v = self.view();
        if let Some(id) = v.config_id {
            return Ok(id);
        }
        let mut ids: Vec<u32> = v.node_ids.values().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [id] => Ok(*id),
            [] if !v.config_found => Err("no cluster configuration and no nodes yet".into()),
            [] => Err("its cluster configuration has no ID".into()),
            _ => Err(format!("its nodes disagree on the cluster ID ({ids:?})")),
        }
    }

    /// Every part listed, and every watch up.
    pub fn connected(&self) -> bool {
        self.link().live.iter().all(|l| *l)
    }

    /// Every part listed at least once.
    pub fn synced(&self) -> [bool; 5] {
        self.link().synced
    }

    /// The last error, failures so far and when the last one was.
    pub fn failures(&self) -> (Option<String>, u64, Option<SystemTime>) {
        let l = self.link();
        (l.last_error.clone(), l.failures, l.last_failure)
    }

    /// Refused entries so far, by reason.
    pub fn rejected(&self) -> BTreeMap<&'static str, u64> {
        self.link().rejected.clone()
    }

    fn reject(&self, key: &str, why: &'static str, detail: &str) {
        let n = {
            let mut l = self.link();
            let n = l.rejected.entry(why).or_default();
            *n += 1;
            *n
        };
        // The first of each kind in full, then every hundredth: a hostile store must not
        // drown the logs.
        if n == 1 || n.is_multiple_of(100) {
            tracing::warn!(
                cluster = self.name,
                key,
                reason = why,
                detail,
                count = n,
                "clustermesh: ignored a remote entry"
            );
        }
    }

    /// The node a key of this cluster's node prefix names; nothing for any other key.
    fn node_name_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(NODES_PREFIX)?
            .strip_prefix(self.name.as_str())?
            .strip_prefix('/')
            .filter(|n| !n.is_empty() && !n.contains('/'))
    }

    fn range_ok(&self, id: u32, cluster_id: Option<u32>) -> bool {
        let Some(c) = cluster_id else { return false };
        let low = id & 0xffff;
        id >> 16 == c && (MIN_ALLOCATED..=MAX_ALLOCATED).contains(&low)
    }

    /// Checks one node entry; `Ok(None)` when it is not a node of this cluster's prefix.
    fn node_of(&self, key: &str, value: &[u8]) -> Result<(MeshNode, u32), (&'static str, String)> {
        let name = key
            .strip_prefix(NODES_PREFIX)
            .and_then(|r| r.strip_prefix(self.name.as_str()))
            .and_then(|r| r.strip_prefix('/'))
            .filter(|n| !n.is_empty() && !n.contains('/'))
            .ok_or(("malformed", format!("key {key}")))?;
        let node: CiliumNode =
            serde_json::from_slice(value).map_err(|e| ("malformed", e.to_string()))?;
        if node.name != name || node.cluster != self.name {
            return Err((
                "other-cluster",
                format!("names {}/{}, under {}/{name}", node.cluster, node.name, self.name),
            ));
        }
        if node.cluster_id == 0 {
            return Err(("invalid", "cluster ID 0".into()));
        }
        let pod_cidrs: Vec<(IpAddr, u8)> = node
            .ipv4_alloc_cidr
            .iter()
            .chain(node.ipv6_alloc_cidr.iter())
            .chain(node.ipv4_secondary_alloc_cidrs.iter().flatten())
            .chain(node.ipv6_secondary_alloc_cidrs.iter().flatten())
            .filter_map(cidr_of)
            .take(MAX_CIDRS)
            .collect();
        let mesh = match &self.secret {
            Some(secret) => {
                let a = crate::nodes::kvstore::decode(secret, &self.name, key, value)
                    .map_err(|e| (e.reason(), e.to_string()))?;
                MeshNode::signed(self.name.clone(), a, pod_cidrs)
            }
            None => {
                let typed = |t: &str| -> Vec<IpAddr> {
                    node.ip_addresses
                        .iter()
                        .filter(|a| a.kind == t)
                        .filter_map(|a| a.ip.parse().ok())
                        .take(crate::nodes::announce::MAX_ADDRESSES)
                        .collect()
                };
                let ips = typed("InternalIP");
                if ips.is_empty() {
                    return Err(("address-claim", "no InternalIP".into()));
                }
                if crate::wireguard::keys::parse_public(&node.wireguard_pub_key).is_none() {
                    return Err((
                        "invalid",
                        "no WireGuard public key (enable WireGuard on the remote cluster)".into(),
                    ));
                }
                MeshNode {
                    cluster: self.name.clone(),
                    name: node.name.clone(),
                    ips,
                    endpoint: typed("ExternalIP").first().copied(),
                    wg_public_key: node.wireguard_pub_key.clone(),
                    wg_port: crate::WIREGUARD_PORT,
                    labels: Labels::new(),
                    pod_cidrs,
                    signed: false,
                }
            }
        };
        Ok((mesh, node.cluster_id))
    }

    fn apply(&self, part: Part, v: &mut View, e: &Entry) {
        match part {
            Part::Config => {
                if e.key == format!("{CLUSTER_CONFIG_PREFIX}{}", self.name) {
                    v.config_found = true;
                    v.config_id = match serde_json::from_slice::<ClusterConfig>(&e.value) {
                        Ok(c) => {
                            v.synced_canaries = c.capabilities.synced_canaries;
                            Some(c.id)
                        }
                        Err(err) => {
                            self.reject(&e.key, "malformed", &err.to_string());
                            None
                        }
                    };
                }
            }
            Part::Nodes => match self.node_of(&e.key, &e.value) {
                Ok((n, _)) if !v.nodes.contains_key(&n.name) && v.nodes.len() >= MAX_PART => {
                    self.reject(&e.key, "too-many", "nodes");
                }
                Ok((n, id)) => {
                    v.node_ids.insert(n.name.clone(), id);
                    v.nodes.insert(n.name.clone(), n);
                }
                Err((why, detail)) => {
                    if let Some(name) = self.node_name_of(&e.key) {
                        v.nodes.remove(name);
                        v.node_ids.remove(name);
                    }
                    self.reject(&e.key, why, &detail);
                }
            },
            Part::Identities => {
                let Some(id) =
                    e.key.strip_prefix(IDENTITIES_ID_PREFIX).and_then(|n| n.parse::<u32>().ok())
                else {
                    return;
                };
                let labels = std::str::from_utf8(&e.value).ok().and_then(parse_labels);
                match labels {
                    Some(mut l) if l.get(CLUSTER_LABEL) == Some(&self.name) => {
                        if !v.identities.contains_key(&id) && v.identities.len() >= MAX_PART {
                            return self.reject(&e.key, "too-many", "identities");
                        }
                        // Its `cluster` is its own, whatever it says.
                        l.insert("cluster".into(), self.name.clone());
                        v.identities.insert(id, l);
                    }
                    Some(_) => {
                        v.identities.remove(&id);
                        self.reject(
                            &e.key,
                            "other-cluster",
                            "no io.cilium.k8s.policy.cluster label of this cluster",
                        );
                    }
                    None => {
                        v.identities.remove(&id);
                    }
                }
            }
            Part::Synced => {
                let prefix = format!("{SYNCED_PREFIX}{}/", self.name);
                if let Some(p) = e.key.strip_prefix(&prefix)
                    && v.canaries.len() < 16
                {
                    v.canaries.insert(p.to_string());
                }
            }
            Part::Ipcache => {
                let Some(suffix) = e.key.strip_prefix(IPCACHE_PREFIX) else { return };
                // Whatever this entry said before is gone, unless it says something valid now.
                if let Ok(old) = suffix.parse::<IpAddr>() {
                    v.ipcache.remove(&old);
                }
                let pair: IpIdentityPair = match serde_json::from_slice(&e.value) {
                    Ok(p) => p,
                    Err(err) => return self.reject(&e.key, "malformed", &err.to_string()),
                };
                let Ok(ip) = pair.ip.parse::<IpAddr>() else {
                    return self.reject(&e.key, "malformed", "IP");
                };
                if suffix != pair.ip {
                    return self.reject(&e.key, "malformed", "the key is not its IP");
                }
                if pair.mask.is_some() {
                    // Prefixes are CIDR identities of the remote's own policy: not ours.
                    return;
                }
                if v.ipcache.len() >= MAX_PART {
                    return self.reject(&e.key, "too-many", "ipcache entries");
                }
                v.ipcache.insert(
                    ip,
                    RawIpcache {
                        id: pair.id,
                        host: pair.host_ip.parse().ok(),
                        pod: (!pair.pod.is_empty()).then_some((pair.namespace, pair.pod)),
                    },
                );
            }
        }
    }

    fn remove(&self, part: Part, v: &mut View, key: &str) {
        match part {
            Part::Synced => {
                let prefix = format!("{SYNCED_PREFIX}{}/", self.name);
                if let Some(p) = key.strip_prefix(&prefix) {
                    v.canaries.remove(p);
                }
            }
            Part::Config => {
                if key == format!("{CLUSTER_CONFIG_PREFIX}{}", self.name) {
                    v.config_found = false;
                    v.config_id = None;
                }
            }
            Part::Nodes => {
                if let Some(name) = self.node_name_of(key) {
                    v.nodes.remove(name);
                    v.node_ids.remove(name);
                }
            }
            Part::Identities => {
                if let Some(id) =
                    key.strip_prefix(IDENTITIES_ID_PREFIX).and_then(|n| n.parse::<u32>().ok())
                {
                    v.identities.remove(&id);
                }
            }
            Part::Ipcache => {
                if let Some(ip) = key.strip_prefix(IPCACHE_PREFIX).and_then(|s| s.parse().ok()) {
                    v.ipcache.remove(&ip);
                }
            }
        }
    }

    /// The addresses behind its nodes with identities of its own: checked against the
    /// identities and nodes now (an entry may have come before its identity).
    pub fn endpoints(&self, cluster_id: u32) -> Vec<MeshEndpoint> {
        let v = self.view();
        let node_ips: std::collections::BTreeSet<IpAddr> =
            v.nodes.values().flat_map(|n| n.ips.iter().copied()).collect();
        v.ipcache
            .iter()
            .filter(|(ip, e)| {
                self.range_ok(e.id, Some(cluster_id))
                    && v.identities.contains_key(&e.id)
                    && e.host.is_some_and(|h| node_ips.contains(&h))
                    && !node_ips.contains(ip)
            })
            .filter_map(|(ip, e)| {
                Some(MeshEndpoint { ip: *ip, identity: e.id, host: e.host?, pod: e.pod.clone() })
            })
            .collect()
    }

    /// Its identities in its own range.
    pub fn identities(&self, cluster_id: u32) -> BTreeMap<u32, Labels> {
        let v = self.view();
        v.identities
            .iter()
            .filter(|(id, _)| self.range_ok(**id, Some(cluster_id)))
            .map(|(id, l)| (*id, l.clone()))
            .collect()
    }

    /// Its nodes.
    pub fn nodes(&self) -> Vec<MeshNode> {
        self.view().nodes.values().cloned().collect()
    }

    /// Follows the four prefixes of `store` until dropped.
    pub async fn run(&self, store: &dyn KvStore) {
        let config = format!("{CLUSTER_CONFIG_PREFIX}{}", self.name);
        let nodes = format!("{NODES_PREFIX}{}/", self.name);
        let follow = |part: Part, prefix: String| async move {
            let m = PartMirror { remote: self, part };
            crate::kvstore::mirror::run(store, &prefix, &m).await;
        };
        tokio::join!(
            follow(Part::Config, config),
            follow(Part::Nodes, nodes),
            follow(Part::Identities, IDENTITIES_ID_PREFIX.to_string()),
            follow(Part::Ipcache, IPCACHE_PREFIX.to_string()),
            follow(Part::Synced, format!("{SYNCED_PREFIX}{}/", self.name)),
        );
    }

    /// Lists again every part listed before its canary, now that it is there.
    fn canaries_seen(&self) {
        let ready: Vec<usize> = {
            let v = self.view();
            PARTS
                .iter()
                .filter(|p| p.canary().is_some_and(|c| v.canaries.contains(c)))
                .map(|p| p.index())
                .collect()
        };
        let mut l = self.link();
        for i in ready {
            if l.pending[i] {
                l.pending[i] = false;
                self.relist[i].notify_one();
            }
        }
    }

    fn bump(&self) {
        self.changed.send_modify(|g| *g += 1);
    }
}

struct PartMirror<'a> {
    remote: &'a Remote,
    part: Part,
}

impl PartMirror<'_> {
    fn index(&self) -> usize {
        self.part.index()
    }
}

impl Mirror for PartMirror<'_> {
    fn listed(&self, entries: &[Entry]) {
        let complete = {
            let mut v = self.remote.view();
            // A clustermesh-apiserver's etcd is in memory: back from a restart it fills up
            // again, and until its canary says a prefix is complete a listing of it only
            // adds (and is listed again when the canary comes).
            let complete =
                !v.synced_canaries || self.part.canary().is_none_or(|c| v.canaries.contains(c));
            if complete {
                // A full listing replaces what this part held.
                match self.part {
                    Part::Config => {
                        v.config_found = false;
                        v.config_id = None;
                    }
                    Part::Nodes => {
                        v.nodes.clear();
                        v.node_ids.clear();
                    }
                    Part::Identities => v.identities.clear(),
                    Part::Ipcache => v.ipcache.clear(),
                    Part::Synced => v.canaries.clear(),
                }
            }
            for e in entries {
                self.remote.apply(self.part, &mut v, e);
            }
            complete
        };
        {
            let mut l = self.remote.link();
            l.synced[self.index()] = complete;
            l.pending[self.index()] = !complete;
        }
        if self.part == Part::Synced {
            self.remote.canaries_seen();
        }
        self.remote.bump();
    }

    fn relist(&self) -> Option<&tokio::sync::Notify> {
        Some(&self.remote.relist[self.index()])
    }

    fn changed(&self, changes: &[Change]) {
        {
            let mut v = self.remote.view();
            for c in changes {
                match c {
                    Change::Put(e) => self.remote.apply(self.part, &mut v, e),
                    Change::Delete { key } => self.remote.remove(self.part, &mut v, key),
                }
            }
        }
        if self.part == Part::Synced {
            self.remote.canaries_seen();
        }
        self.remote.bump();
    }

    fn live(&self) {
        let i = self.index();
        let was = {
            let mut l = self.remote.link();
            let was = l.live.iter().all(|x| *x);
            l.live[i] = true;
            if l.live.iter().all(|x| *x) {
                l.last_error = None;
            }
            was
        };
        if !was && self.remote.connected() {
            tracing::info!(
                cluster = self.remote.name,
                "clustermesh: connected to the remote cluster"
            );
        }
        self.remote.bump();
    }

    fn stopped(&self, e: &Error) {
        if matches!(e, Error::Compacted(_)) {
            return;
        }
        // What the canaries said, and what was synchronized, was this connection's: a store
        // back from a restart says it again once it is complete again.
        self.remote.view().canaries.clear();
        self.remote.link().synced[self.index()] = false;
        let news = {
            let mut l = self.remote.link();
            let was = l.live.iter().all(|x| *x);
            l.live[self.index()] = false;
            let news = was || l.last_error.as_deref() != Some(&e.to_string());
            if was {
                l.failures += 1;
                l.last_failure = Some(SystemTime::now());
            }
            l.last_error = Some(e.to_string());
            news
        };
        if news {
            tracing::warn!(cluster = self.remote.name, error = %e, "clustermesh: remote cluster unreachable; keeping its nodes and identities as they were");
        }
        self.remote.bump();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cilium_label_strings() {
        let l = parse_labels("k8s:app=frontend;k8s:io.cilium.k8s.policy.cluster=k8s-cluster;k8s:io.kubernetes.pod.namespace=default;")
            .expect("labels");
        assert_eq!(l.get("app").map(String::as_str), Some("frontend"));
        assert_eq!(l.get(CLUSTER_LABEL).map(String::as_str), Some("k8s-cluster"));
        assert_eq!(parse_labels("reserved:host;"), None);
        assert_eq!(parse_labels("app=web;"), None, "no source");
        assert_eq!(parse_labels(""), None);
    }

    #[test]
    fn go_cidrs() {
        let v = serde_json::json!({"IP": "10.0.1.0", "Mask": "////AA=="});
        assert_eq!(cidr_of(&v), Some(("10.0.1.0".parse().expect("ip"), 24)));
        assert_eq!(cidr_of(&serde_json::json!({"IP": "10.0.1.0", "Mask": "AAA="})), None);
        assert_eq!(cidr_of(&serde_json::Value::Null), None);
    }
}
