//! Membership through the kvstore (Cilium's kvstore mode): each agent keeps its node entry
//! under `cilium/state/nodes/v1/<cluster>/<node>` alive with a lease and watches the prefix.
//!
//! Entries are Cilium's JSON `Node`, so a Cilium reader sees a node it understands. Write
//! access to etcd must not be enough to become a peer: every entry also carries this node's
//! announcement signed with the cluster secret (annotation [`SIGNED`]), and an entry is used
//! only when the signature verifies and the Cilium fields agree with what was signed. What
//! does not verify is ignored and counted, as a bad announcement is.
//!
//! The store going away changes nothing: no record is removed because etcd is unreachable.
//! Only a delete seen in the store (or its absence from a full listing) removes a node.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Announcement, Membership, Rejected, Secret, announce};
use crate::kvstore::mirror::{MAX_BACKOFF, Mirror};
use crate::kvstore::{Change, Entry, Error, KvStatus, KvStore, LeaseId};

/// Where the nodes of every cluster live.
pub const NODES_PREFIX: &str = "cilium/state/nodes/v1/";
/// The annotation that carries the signed announcement.
pub const SIGNED: &str = "cilium-vm.io/signed-announcement";
/// Default lease TTL of a node entry: a VM that dies without a word is gone from every peer
/// within a minute, and a restarting agent (seconds) keeps its entry; keepalives every 20 s
/// cost 0.05 requests/s per node, 50/s for 1,000 nodes. Cilium's 15 min suits pods that a
/// Kubernetes node watch also removes; VMs have no such second signal.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(60);
/// How often the endpoints' state is asked for `cilium status`.
const STATUS_INTERVAL: Duration = Duration::from_secs(10);

/// Cilium's type of a node's own addresses.
const INTERNAL_IP: &str = "InternalIP";
/// Cilium's type of the address in front of a node.
const EXTERNAL_IP: &str = "ExternalIP";

/// The key of a node.
pub fn node_key(cluster: &str, name: &str) -> String {
    format!("{NODES_PREFIX}{cluster}/{name}")
}

/// One address of a Cilium node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAddress {
    /// `InternalIP`, `ExternalIP`, …
    #[serde(rename = "Type")]
    pub kind: String,
    /// The address.
    #[serde(rename = "IP")]
    pub ip: String,
}

/// Cilium's `Node` as kept in the kvstore (Go field names, none omitted).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "Cilium's fields, named as Cilium names them")]
pub struct CiliumNode {
    #[serde(rename = "Name")]
    pub name: String,
    #[serde(rename = "Cluster")]
    pub cluster: String,
    #[serde(rename = "IPAddresses")]
    pub ip_addresses: Vec<NodeAddress>,
    #[serde(rename = "IPv4AllocCIDR")]
    pub ipv4_alloc_cidr: Option<serde_json::Value>,
    #[serde(rename = "IPv4SecondaryAllocCIDRs")]
    pub ipv4_secondary_alloc_cidrs: Option<Vec<serde_json::Value>>,
    #[serde(rename = "IPv6AllocCIDR")]
    pub ipv6_alloc_cidr: Option<serde_json::Value>,
    #[serde(rename = "IPv6SecondaryAllocCIDRs")]
    pub ipv6_secondary_alloc_cidrs: Option<Vec<serde_json::Value>>,
    #[serde(rename = "IPv4HealthIP")]
    pub ipv4_health_ip: String,
    #[serde(rename = "IPv6HealthIP")]
    pub ipv6_health_ip: String,
    #[serde(rename = "IPv4IngressIP")]
    pub ipv4_ingress_ip: String,
    #[serde(rename = "IPv6IngressIP")]
    pub ipv6_ingress_ip: String,
    #[serde(rename = "ClusterID")]
    pub cluster_id: u32,
    #[serde(rename = "Source")]
    pub source: String,
    #[serde(rename = "EncryptionKey")]
    pub encryption_key: u8,
    #[serde(rename = "Labels")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(rename = "Annotations")]
    pub annotations: Option<BTreeMap<String, String>>,
    #[serde(rename = "NodeIdentity")]
    pub node_identity: u32,
    #[serde(rename = "WireguardPubKey")]
    pub wireguard_pub_key: String,
    #[serde(rename = "BootID")]
    pub boot_id: String,
}

/// This node's entry: `sealed` is its announcement signed now.
pub fn encode(a: &Announcement, sealed: String, cluster_id: u32) -> Vec<u8> {
    let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let node = CiliumNode {
        name: a.name.clone(),
        cluster: a.cluster.clone(),
        // A VM's own addresses are what Kubernetes calls a node's internal ones, the public
        // address in front of it (1:1 NAT) its external one.
        ip_addresses: a
            .ips
            .iter()
            .map(|ip| NodeAddress { kind: INTERNAL_IP.into(), ip: ip.to_string() })
            .chain(a.endpoint.map(|e| NodeAddress { kind: EXTERNAL_IP.into(), ip: e.to_string() }))
            .collect(),
        cluster_id,
        source: "local".into(),
        labels: Some(a.labels.clone()),
        annotations: Some([(SIGNED.to_string(), sealed)].into()),
        wireguard_pub_key: a.wg_public_key.clone(),
        boot_id,
        ..CiliumNode::default()
    };
    serde_json::to_vec(&node).unwrap_or_default()
}

/// A node entry read from the store, checked: the key names our cluster and the node, the
/// signature verifies, and the Cilium fields say what was signed.
pub fn decode(
    secret: &Secret,
    cluster: &str,
    key: &str,
    value: &[u8],
) -> Result<Announcement, Rejected> {
    let rest = key.strip_prefix(NODES_PREFIX).ok_or_else(|| Rejected::Malformed(key.into()))?;
    let (key_cluster, key_name) =
        rest.split_once('/').ok_or_else(|| Rejected::Malformed(format!("key {key}")))?;
    if key_cluster != cluster {
        return Err(Rejected::OtherCluster(key_cluster.into()));
    }
    let node: CiliumNode =
        serde_json::from_slice(value).map_err(|e| Rejected::Malformed(e.to_string()))?;
    let line =
        node.annotations.as_ref().and_then(|m| m.get(SIGNED)).ok_or(Rejected::BadSignature)?;
    let a = announce::verify_stored(secret, cluster, line)?;
    announce::check_content(&a)?;
    let typed = |external: bool| -> BTreeSet<IpAddr> {
        node.ip_addresses
            .iter()
            .filter(|n| (n.kind == EXTERNAL_IP) == external)
            .filter_map(|n| n.ip.parse().ok())
            .collect()
    };
    let agrees = a.name == key_name
        && node.name == a.name
        && node.cluster == a.cluster
        && node.wireguard_pub_key == a.wg_public_key
        && typed(false) == a.ips.iter().copied().collect()
        && typed(true) == a.endpoint.into_iter().collect();
    if !agrees {
        return Err(Rejected::Invalid(format!(
            "{key}: the entry's fields differ from what its node signed"
        )));
    }
    Ok(a)
}

/// Keeps this node's entry alive and the registry in step with the store.
#[derive(Debug)]
pub struct NodeStore {
    store: Arc<dyn KvStore>,
    membership: Arc<Membership>,
    secret: Secret,
    cluster: String,
    cluster_id: u32,
    ttl: Duration,
    lease_file: Option<PathBuf>,
    status: Arc<KvStatus>,
    /// The newest signed timestamp accepted per node: an older entry put back (by someone
    /// with write access to the store) is a replay, and never rolls a node back.
    newest: Mutex<HashMap<String, u64>>,
    /// The lease this node's entry lives under, once written: what else this node keeps in
    /// the store (its identities' value keys) lives and dies with it.
    lease: tokio::sync::watch::Sender<Option<LeaseId>>,
    /// A listing has succeeded, or the log said that the node runs from its snapshot.
    listed_once: AtomicBool,
}

impl NodeStore {
    /// A node store for `membership`; `lease_file` keeps the lease across restarts.
    #[allow(clippy::too_many_arguments, reason = "each is one of the subsystem's inputs")]
    pub fn new(
        store: Arc<dyn KvStore>,
        membership: Arc<Membership>,
        secret: Secret,
        cluster_id: u32,
        ttl: Duration,
        lease_file: Option<PathBuf>,
        status: Arc<KvStatus>,
    ) -> NodeStore {
        membership.set_store_backed();
        let cluster = membership.local().cluster;
        NodeStore {
            store,
            membership,
            secret,
            cluster,
            cluster_id,
            ttl,
            lease_file,
            status,
            newest: Mutex::new(HashMap::new()),
            lease: tokio::sync::watch::channel(None).0,
            listed_once: AtomicBool::new(false),
        }
    }

    /// The lease of this node's entry, from the first successful write on.
    pub fn subscribe_lease(&self) -> tokio::sync::watch::Receiver<Option<LeaseId>> {
        self.lease.subscribe()
    }

    fn prefix(&self) -> String {
        format!("{NODES_PREFIX}{}/", self.cluster)
    }

    fn failed(&self, what: &str, e: &Error) {
        if self.status.failed(&e.to_string()) {
            tracing::warn!(error = %e, "kvstore: {what}");
        }
    }

    fn saved_lease(&self) -> Option<LeaseId> {
        let text = std::fs::read_to_string(self.lease_file.as_ref()?).ok()?;
        i64::from_str_radix(text.trim(), 16).ok()
    }

    fn save_lease(&self, lease: Option<LeaseId>) {
        let Some(path) = &self.lease_file else { return };
        let r = match lease {
            Some(id) => crate::fsutil::atomic_write(path, format!("{id:x}\n").as_bytes(), 0o600),
            None => std::fs::remove_file(path).or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) }
            }),
        };
        if let Err(e) = r {
            tracing::warn!(error = %e, path = %path.display(), "saving the kvstore lease");
        }
    }

    /// The lease of the previous run when it is still alive (peers never saw this node
    /// leave), else a new one.
    async fn lease(&self) -> Result<LeaseId, Error> {
        if let Some(id) = self.saved_lease() {
            match self.store.keep_alive(id).await {
                Ok(_) => {
                    tracing::info!(
                        lease = format!("{id:x}"),
                        "kvstore: kept the lease of the previous run"
                    );
                    return Ok(id);
                }
                Err(Error::LeaseNotFound(_)) => self.save_lease(None),
                Err(e) => return Err(e),
            }
        }
        let id = self.store.grant(self.ttl).await?;
        self.save_lease(Some(id));
        Ok(id)
    }

    async fn put_local(&self, lease: LeaseId) -> Result<(), Error> {
        let a = self.membership.local();
        let value = encode(&a, self.membership.sealed_for_store(), self.cluster_id);
        self.store.put(&node_key(&self.cluster, &a.name), value, Some(lease)).await
    }

    /// Registers this node and keeps its entry alive, re-writing it when the node changes;
    /// reconnects with backoff. Runs until dropped.
    pub async fn register_loop(self: Arc<Self>) {
        let mut changes = self.membership.subscribe_local();
        let mut backoff = Duration::from_millis(500);
        loop {
            let Err(e) = self.register_once(&mut changes, &mut backoff).await;
            self.failed("registering this node", &e);
            if matches!(e, Error::LeaseNotFound(_)) {
                // Expired while we could not renew it (the store was away longer than the
                // TTL): a new one at once, and the entry with it.
                self.save_lease(None);
                continue;
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    async fn register_once(
        &self,
        changes: &mut tokio::sync::watch::Receiver<u64>,
        backoff: &mut Duration,
    ) -> Result<std::convert::Infallible, Error> {
        let lease = self.lease().await?;
        self.status.set_leases(1);
        // The cluster's ID where meshed clusters look for it (Cilium's `CiliumClusterConfig`);
        // every node writes the same, without a lease: it is the cluster's, not a node's.
        let config = serde_json::json!({
            "id": self.cluster_id,
            "capabilities": {"maxConnectedClusters": 255},
        });
        let key = format!("{}{}", crate::clustermesh::remote::CLUSTER_CONFIG_PREFIX, self.cluster);
        self.store.put(&key, config.to_string().into_bytes(), None).await?;
        loop {
            changes.mark_unchanged();
            self.put_local(lease).await?;
            self.lease.send_if_modified(|l| l.replace(lease) != Some(lease));
            self.status.ok();
            *backoff = Duration::from_millis(500);
            loop {
                tokio::select! {
                    () = tokio::time::sleep(self.ttl / 3) => {
                        self.store.keep_alive(lease).await?;
                    }
                    r = changes.changed() => {
                        if r.is_err() {
                            // The membership is gone: nothing left to announce.
                            std::future::pending::<()>().await;
                        }
                        break;
                    }
                }
            }
        }
    }

    /// Deletes this node's entry and ends its lease (`cilium-agent --cleanup`): every peer
    /// drops it at once instead of at the lease's end.
    pub async fn deregister(
        store: &dyn KvStore,
        cluster: &str,
        name: &str,
        lease_file: &std::path::Path,
    ) -> Result<(), Error> {
        store.delete(&node_key(cluster, name)).await?;
        if let Ok(text) = std::fs::read_to_string(lease_file)
            && let Ok(id) = i64::from_str_radix(text.trim(), 16)
        {
            match store.revoke(id).await {
                Ok(()) | Err(Error::LeaseNotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let _ = std::fs::remove_file(lease_file);
        Ok(())
    }

    /// Applies one entry; returns the node's name when it verified.
    fn apply(&self, key: &str, value: &[u8]) -> Option<String> {
        let a = match decode(&self.secret, &self.cluster, key, value) {
            Ok(a) => a,
            Err(e) => {
                self.membership.reject_stored(key, &e);
                return None;
            }
        };
        {
            let mut newest = self.newest.lock().unwrap_or_else(|p| p.into_inner());
            let seen = newest.entry(a.name.clone()).or_insert(0);
            if a.timestamp < *seen {
                drop(newest);
                self.membership.reject_stored(key, &Rejected::Replayed);
                return None;
            }
            *seen = a.timestamp;
        }
        let name = a.name.clone();
        match self.membership.store_apply(a) {
            Ok(_) => Some(name),
            Err(e) => {
                tracing::debug!(key, reason = %e, "kvstore node entry refused");
                None
            }
        }
    }

    fn name_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(NODES_PREFIX)?.strip_prefix(self.cluster.as_str())?.strip_prefix('/')
    }

    /// Lists the nodes, then follows the changes from the listing's revision (nothing missed,
    /// nothing replayed); after a disconnect or a compacted revision, a full listing again,
    /// which also drops the nodes that vanished meanwhile. Runs until dropped.
    pub async fn watch_loop(self: Arc<Self>) {
        let prefix = self.prefix();
        crate::kvstore::mirror::run(self.store.as_ref(), &prefix, self.as_ref()).await;
    }

    /// Asks every endpoint for its state, for `cilium status`. Runs until dropped.
    pub async fn status_loop(self: Arc<Self>) {
        loop {
            match self.store.endpoints().await {
                Ok(eps) => {
                    let down: Vec<String> = eps
                        .iter()
                        .filter_map(|e| {
                            e.version.as_ref().err().map(|w| format!("{}: {w}", e.endpoint))
                        })
                        .collect();
                    let all_down = !eps.is_empty() && down.len() == eps.len();
                    self.status.set_endpoints(eps);
                    if all_down {
                        self.failed("no endpoint answers", &Error::Unavailable(down.join("; ")));
                    }
                }
                Err(e) => self.failed("asking the endpoints", &e),
            }
            tokio::time::sleep(STATUS_INTERVAL).await;
        }
    }
}

impl Mirror for NodeStore {
    /// Applies what verifies, and drops every node the store no longer holds.
    fn listed(&self, entries: &[Entry]) {
        let mut present = BTreeSet::new();
        for e in entries {
            if let Some(name) = self.apply(&e.key, &e.value) {
                present.insert(name);
            }
        }
        self.membership.store_retain(&present);
        self.listed_once.store(true, Ordering::Relaxed);
        tracing::debug!(nodes = present.len(), "kvstore: listed the nodes");
    }

    fn changed(&self, changes: &[Change]) {
        for c in changes {
            match c {
                Change::Put(e) => {
                    self.apply(&e.key, &e.value);
                }
                Change::Delete { key } => {
                    if let Some(name) = self.name_of(key) {
                        self.membership.store_remove(name);
                    }
                }
            }
        }
    }

    fn live(&self) {
        self.status.ok();
    }

    fn stopped(&self, e: &Error) {
        if let Error::Compacted(rev) = e {
            tracing::info!(revision = rev, "kvstore: history compacted, listing the nodes again");
            return;
        }
        if !self.listed_once.swap(true, Ordering::Relaxed) {
            // Started while the store is away: the registry restored from the last snapshot
            // keeps the tunnels up until the first listing replaces it.
            tracing::warn!(
                error = %e,
                nodes = self.membership.nodes().len(),
                "kvstore: etcd unreachable at start; using the last snapshot of the nodes until it answers"
            );
        }
        self.failed("watching the nodes", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kvstore::fake::FakeStore;
    use crate::nodes::StaticDiscovery;

    fn secret() -> Secret {
        Secret::from_base64("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0").expect("secret")
    }

    fn membership(name: &str, ip: &str, key: &str) -> Arc<Membership> {
        let local = Announcement {
            cluster: "vm-cluster".into(),
            name: name.into(),
            ips: vec![ip.parse().expect("ip")],
            labels: [("app".to_string(), name.to_string())].into(),
            wg_public_key: key.into(),
            wg_port: crate::WIREGUARD_PORT,
            endpoint: None,
            key_index: 0,
            version: "0".into(),
            timestamp: 0,
            nonce: String::new(),
            bootstrap: false,
        };
        Arc::new(Membership::new(
            secret(),
            local,
            4240,
            Duration::from_secs(2),
            Box::new(StaticDiscovery { peers: Vec::new() }),
            None,
            None,
            BTreeMap::new(),
        ))
    }

    fn node_store(
        store: &Arc<FakeStore>,
        m: &Arc<Membership>,
        dir: &std::path::Path,
    ) -> Arc<NodeStore> {
        let name = m.local().name;
        Arc::new(NodeStore::new(
            store.clone(),
            m.clone(),
            secret(),
            0,
            Duration::from_secs(30),
            Some(dir.join(format!("{name}.lease"))),
            Arc::new(KvStatus::default()),
        ))
    }

    async fn until(what: &str, f: impl Fn() -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !f() {
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn names(m: &Membership) -> Vec<String> {
        m.nodes().into_iter().map(|r| r.announcement.name).collect()
    }

    #[tokio::test]
    async fn nodes_meet_through_the_store_and_survive_it_going_away() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Arc::new(FakeStore::default());
        let vm1 = membership("vm1", "192.168.1.10", "a2V5MQ==");
        let vm2 = membership("vm2", "192.168.1.11", "a2V5Mg==");
        let s1 = node_store(&store, &vm1, dir.path());
        let s2 = node_store(&store, &vm2, dir.path());
        let mut tasks = Vec::new();
        for s in [&s1, &s2] {
            tasks.push(tokio::spawn(s.clone().register_loop()));
            tasks.push(tokio::spawn(s.clone().watch_loop()));
        }
        until("vm1 sees vm2", || names(&vm1) == ["vm2"]).await;
        until("vm2 sees vm1", || names(&vm2) == ["vm1"]).await;
        let r = vm1.nodes().remove(0);
        assert_eq!(r.source, super::super::Source::Kvstore);
        assert_eq!(r.announcement.labels.get("app").map(String::as_str), Some("vm2"));
        // Cilium's format, readable by Cilium.
        let raw = store.get("cilium/state/nodes/v1/vm-cluster/vm2").expect("entry");
        let node: serde_json::Value = serde_json::from_slice(&raw.value).expect("json");
        assert_eq!(node["Name"], "vm2");
        assert_eq!(node["IPAddresses"][0]["IP"], "192.168.1.11");
        assert_eq!(node["WireguardPubKey"], "a2V5Mg==");
        assert!(node["IPv4AllocCIDR"].is_null());
        assert_ne!(raw.lease, 0, "under a lease");

        // The store goes away: nothing changes.
        store.set_down(true);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(names(&vm1), ["vm2"]);
        assert_eq!(s1.status.health(), crate::kvstore::StoreHealth::Failure);
        // It comes back with vm2's entry gone (its lease ended meanwhile) and vm3 there.
        let vm3 = membership("vm3", "192.168.1.12", "a2V5Mw==");
        let s3 = node_store(&store, &vm3, dir.path());
        store.set_down(false);
        tasks[2].abort();
        tasks[3].abort();
        store.expire(raw.lease);
        tasks.push(tokio::spawn(s3.clone().register_loop()));
        until("vm3 joins, vm2 leaves", || names(&vm1) == ["vm3"]).await;
        until("status back", || s1.status.health() == crate::kvstore::StoreHealth::Ok).await;

        // While vm1 is cut off, vm3 leaves, vm4 joins, and the history is compacted past
        // what vm1 applied: a full listing, nothing lost and nothing stale left.
        let t3 = tasks.pop().expect("vm3's task");
        t3.abort();
        store.set_down(true);
        let vm3_lease = store.get("cilium/state/nodes/v1/vm-cluster/vm3").expect("vm3").lease;
        store.expire(vm3_lease);
        let vm4 = membership("vm4", "192.168.1.13", "a2V5NA==");
        let vm4_entry = encode(&vm4.local(), vm4.sealed_for_store(), 0);
        store.insert("cilium/state/nodes/v1/vm-cluster/vm4", &vm4_entry);
        let rev = store.get("cilium/state/nodes/v1/vm-cluster/vm4").expect("vm4").mod_revision;
        store.compact(rev);
        store.set_down(false);
        until("vm4 in, vm3 out", || names(&vm1) == ["vm4"]).await;
        for t in tasks {
            t.abort();
        }
    }

    #[test]
    fn the_endpoint_of_a_node_behind_nat_is_its_external_ip() {
        let m = membership("ali", "172.16.1.10", "a2V5Mg==");
        m.update_local(|a| a.endpoint = Some("203.0.113.20".parse().expect("ip")));
        let entry = encode(&m.local(), m.sealed_for_store(), 2);
        let node: serde_json::Value = serde_json::from_slice(&entry).expect("json");
        assert_eq!(node["IPAddresses"][0]["Type"], "InternalIP");
        assert_eq!(node["IPAddresses"][0]["IP"], "172.16.1.10");
        assert_eq!(node["IPAddresses"][1]["Type"], "ExternalIP");
        assert_eq!(node["IPAddresses"][1]["IP"], "203.0.113.20");
        let key = "cilium/state/nodes/v1/vm-cluster/ali";
        let a = decode(&secret(), "vm-cluster", key, &entry).expect("verifies");
        assert_eq!(a.endpoint, Some("203.0.113.20".parse().expect("ip")));
        // Whoever can write to etcd cannot send a node's packets elsewhere.
        let mut forged: CiliumNode = serde_json::from_slice(&entry).expect("node");
        forged.ip_addresses[1].ip = "198.51.100.66".into();
        let forged = serde_json::to_vec(&forged).expect("json");
        assert!(matches!(decode(&secret(), "vm-cluster", key, &forged), Err(Rejected::Invalid(_))));
    }

    #[tokio::test]
    async fn write_access_to_the_store_makes_no_peer() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Arc::new(FakeStore::default());
        let vm1 = membership("vm1", "192.168.1.10", "a2V5MQ==");
        let vm2 = membership("vm2", "192.168.1.11", "a2V5Mg==");
        let s1 = node_store(&store, &vm1, dir.path());
        let key = |n: &str| format!("cilium/state/nodes/v1/vm-cluster/{n}");
        // Unsigned, in Cilium's format: what a rogue writer (or a Cilium agent) puts.
        let rogue = CiliumNode {
            name: "rogue".into(),
            cluster: "vm-cluster".into(),
            ip_addresses: vec![NodeAddress {
                kind: "InternalIP".into(),
                ip: "192.168.1.66".into(),
            }],
            wireguard_pub_key: "cm9ndWU=".into(),
            ..CiliumNode::default()
        };
        store.insert(&key("rogue"), &serde_json::to_vec(&rogue).expect("json"));
        // Signed with another secret.
        let other = Secret::from_base64("b3RoZXItb3RoZXItb3RoZXItb3RoZXI=").expect("secret");
        let mut a = vm2.local();
        a.name = "forged".into();
        a.timestamp = announce::now_ms();
        store.insert(&key("forged"), &encode(&a, announce::seal(&other, &a), 0));
        // vm2's real entry with its key swapped after signing.
        let mut genuine: CiliumNode =
            serde_json::from_slice(&encode(&vm2.local(), vm2.sealed_for_store(), 0)).expect("json");
        genuine.wireguard_pub_key = "ZXZpbA==".into();
        store.insert(&key("vm2"), &serde_json::to_vec(&genuine).expect("json"));
        // A signed entry under another node's key.
        store.insert(&key("vm9"), &encode(&vm2.local(), vm2.sealed_for_store(), 0));
        // Another cluster's prefix is not even listed; a key there is refused if seen.
        assert!(matches!(
            decode(&secret(), "vm-cluster", "cilium/state/nodes/v1/other/vm2", b"{}"),
            Err(Rejected::OtherCluster(_))
        ));
        let task = tokio::spawn(s1.clone().watch_loop());
        until("four refused", || vm1.rejected() >= 4).await;
        assert!(vm1.nodes().is_empty(), "{:?}", names(&vm1));
        // The genuine entry is accepted; an older genuine one put back later is a replay.
        let older = encode(&vm2.local(), vm2.sealed_for_store(), 0);
        tokio::time::sleep(Duration::from_millis(5)).await;
        store.insert(&key("vm2"), &encode(&vm2.local(), vm2.sealed_for_store(), 0));
        until("vm2 accepted", || names(&vm1) == ["vm2"]).await;
        store.insert(&key("vm2"), &older);
        until("replay refused", || vm1.rejected_by_reason().iter().any(|(r, _)| *r == "replayed"))
            .await;
        task.abort();
    }

    #[tokio::test]
    async fn a_restart_keeps_the_lease_and_cleanup_removes_the_node_at_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Arc::new(FakeStore::default());
        let vm1 = membership("vm1", "192.168.1.10", "a2V5MQ==");
        let s1 = node_store(&store, &vm1, dir.path());
        let t = tokio::spawn(s1.clone().register_loop());
        let key = "cilium/state/nodes/v1/vm-cluster/vm1";
        until("registered", || store.get(key).is_some()).await;
        let lease = store.get(key).map(|e| e.lease);
        t.abort();
        let again = node_store(&store, &membership("vm1", "192.168.1.10", "a2V5MQ=="), dir.path());
        let t = tokio::spawn(again.clone().register_loop());
        until("re-registered", || store.get(key).is_some_and(|e| Some(e.mod_revision) > Some(1)))
            .await;
        assert_eq!(store.get(key).map(|e| e.lease), lease, "the same lease: never dropped");
        assert_eq!(store.leases().len(), 1);
        t.abort();
        let file = dir.path().join("vm1.lease");
        NodeStore::deregister(store.as_ref(), "vm-cluster", "vm1", &file).await.expect("cleanup");
        assert!(store.get(key).is_none());
        assert!(store.leases().is_empty());
    }
}
