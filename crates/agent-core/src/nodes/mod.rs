//! Cluster membership: the registry of the other VMs, filled by signed announcements
//! exchanged over TCP (port [`crate::CLUSTER_PORT`]) with every node of the static `nodes:`
//! list and every node that announced itself to us.
//!
//! Every interval, and at once when something local changes (labels, WireGuard key), the
//! agent connects to each peer, sends its announcement and reads the peer's in return: one
//! round trip tells both sides about each other. Anything that does not verify is rejected,
//! logged and counted; nothing unsigned ever becomes a peer. Reachability and latency are
//! the health subsystem's ([`crate::health`]), measured through the tunnel.
//! Discovery sits behind [`Discovery`] so that an etcd source can take the static list's place.

pub mod announce;
pub mod kvstore;
pub mod udp;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use tokio::sync::{Notify, watch};

pub use announce::{Announcement, Freshness, Rejected, ReplayGuard, Secret, SecretError};

/// A node is unreachable after this many intervals without a valid announcement.
const MISSED_INTERVALS: u32 = 3;
/// Longest announcement line accepted.
const MAX_LINE: usize = 64 * 1024;
/// How long a node that is not in `nodes:` is remembered without a word from it.
const UNLISTED_TTL: Duration = Duration::from_secs(300);
/// Exchanges served at once on one port: far more than the cluster's nodes exchange at once.
const MAX_CONNECTIONS: usize = 256;
/// Time allowed for one exchange.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(3);

/// A cluster meshed through a static list of its nodes (seed 12): they announce themselves as
/// ours do, signed with their cluster's secret, and may hold only the addresses listed for it.
#[derive(Debug, Clone)]
pub struct StaticRemote {
    /// Its cluster secret.
    pub secret: Secret,
    /// The addresses its nodes may hold (and that are announced to).
    pub listed: Vec<IpAddr>,
}

/// Where the peers to talk to come from.
pub trait Discovery: Send + Sync + std::fmt::Debug {
    /// Addresses of the other nodes to announce to.
    fn peers(&self) -> Vec<IpAddr>;
}

/// The static `nodes:` list.
#[derive(Debug, Clone)]
pub struct StaticDiscovery {
    /// Peer addresses (this node's own excluded).
    pub peers: Vec<IpAddr>,
}

impl Discovery for StaticDiscovery {
    fn peers(&self) -> Vec<IpAddr> {
        self.peers.clone()
    }
}

/// The addresses of the nodes in a registry snapshot (`nodes.json`); none when it is missing
/// or unreadable.
pub fn snapshot_addresses(path: &std::path::Path) -> Vec<IpAddr> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<Announcement>>(&b).ok())
        .map(|known| known.into_iter().flat_map(|a| a.ips).collect())
        .unwrap_or_default()
}

/// Where the registry learned of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Its own signed announcements (static mode), or the snapshot of them.
    Announcement,
    /// Its signed entry in the kvstore, alive while its lease is.
    Kvstore,
}

impl Source {
    /// As `cilium node list` and `cilium status` name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Announcement => "announcement",
            Source::Kvstore => "kvstore",
        }
    }
}

/// What the registry knows about one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRecord {
    /// The node's last announcement.
    pub announcement: Announcement,
    /// When it was last heard from.
    pub last_seen: Instant,
    /// Where it came from.
    pub source: Source,
}

/// The membership subsystem.
#[derive(Debug)]
pub struct Membership {
    secret: Secret,
    cluster: String,
    port: u16,
    interval: Duration,
    discovery: Box<dyn Discovery>,
    local: Mutex<Announcement>,
    registry: Mutex<BTreeMap<String, NodeRecord>>,
    guard: Mutex<ReplayGuard>,
    rejected: AtomicU64,
    rejected_by: Mutex<BTreeMap<&'static str, u64>>,
    log_throttle: Throttle,
    /// Addresses `nodes:` gives each named node: what it may claim besides its source address.
    entitled: BTreeMap<String, Vec<IpAddr>>,
    /// Listed addresses with the endpoint in front of them (1:1 NAT): the bootstrap goes
    /// there, and an announcement from there may claim the address.
    endpoints: BTreeMap<IpAddr, IpAddr>,
    /// The raw socket on WireGuard's port, when nodes behind NAT bootstrap through it.
    wireguard_port: std::sync::OnceLock<std::sync::Arc<udp::WireguardPort>>,
    /// Exchanges over the WireGuard port waiting for their answer, by the endpoint asked.
    udp_waiting: Mutex<BTreeMap<IpAddr, tokio::sync::oneshot::Sender<()>>>,
    name_clash: std::sync::atomic::AtomicBool,
    wake: Notify,
    changed: watch::Sender<u64>,
    snapshot: Option<std::path::PathBuf>,
    snapshot_writer: Mutex<()>,
    tunnel: Option<String>,
    local_changed: watch::Sender<u64>,
    /// The kvstore is the truth: announcements go to the listed nodes only (they bootstrap),
    /// and records the store no longer holds are dropped by it, not by silence.
    store_backed: std::sync::atomic::AtomicBool,
    /// Clusters meshed by static node lists, by name.
    remotes: BTreeMap<String, StaticRemote>,
    /// Their nodes, by (cluster, name): never in the registry, which is this cluster's.
    remote_registry: Mutex<BTreeMap<(String, String), NodeRecord>>,
    /// Replays are per cluster: two clusters may both have a `vm1`.
    remote_guards: Mutex<BTreeMap<String, ReplayGuard>>,
}

impl Membership {
    /// A membership for `local` (its `timestamp` and `nonce` are refreshed on every send).
    /// `snapshot` keeps the registry across restarts, so tunnels come back before the first
    /// announcements do. With `tunnel` (the WireGuard device, when encryption is on), the
    /// exchanges on port + 1, which carry labels, are pinned to it.
    #[allow(clippy::too_many_arguments, reason = "each is one of the subsystem's inputs")]
    pub fn new(
        secret: Secret,
        local: Announcement,
        port: u16,
        interval: Duration,
        discovery: Box<dyn Discovery>,
        snapshot: Option<std::path::PathBuf>,
        tunnel: Option<String>,
        entitled: BTreeMap<String, Vec<IpAddr>>,
    ) -> Membership {
        let (changed, _) = watch::channel(0);
        let (local_changed, _) = watch::channel(0);
        let mut registry = BTreeMap::new();
        if let Some(path) = &snapshot
            && let Ok(bytes) = std::fs::read(path)
            && let Ok(known) = serde_json::from_slice::<Vec<Announcement>>(&bytes)
        {
            // Restored nodes count as unreachable until they answer.
            let long_ago = Instant::now()
                .checked_sub(interval * (MISSED_INTERVALS + 1))
                .unwrap_or_else(Instant::now);
            for a in
                known.into_iter().filter(|a| a.cluster == local.cluster && a.name != local.name)
            {
                registry.insert(
                    a.name.clone(),
                    NodeRecord {
                        announcement: a,
                        last_seen: long_ago,
                        source: Source::Announcement,
                    },
                );
            }
        }
        Membership {
            secret,
            cluster: local.cluster.clone(),
            port,
            interval,
            discovery,
            local: Mutex::new(local),
            registry: Mutex::new(registry),
            guard: Mutex::new(ReplayGuard::default()),
            rejected: AtomicU64::new(0),
            rejected_by: Mutex::new(BTreeMap::new()),
            log_throttle: Throttle::default(),
            entitled,
            endpoints: BTreeMap::new(),
            wireguard_port: std::sync::OnceLock::new(),
            udp_waiting: Mutex::new(BTreeMap::new()),
            name_clash: std::sync::atomic::AtomicBool::new(false),
            wake: Notify::new(),
            changed,
            snapshot,
            snapshot_writer: Mutex::new(()),
            tunnel,
            local_changed,
            store_backed: std::sync::atomic::AtomicBool::new(false),
            remotes: BTreeMap::new(),
            remote_registry: Mutex::new(BTreeMap::new()),
            remote_guards: Mutex::new(BTreeMap::new()),
        }
    }

    /// The clusters meshed by static node lists (`clustermesh.config.clusters[].nodes`).
    pub fn with_remote_clusters(mut self, remotes: BTreeMap<String, StaticRemote>) -> Membership {
        self.remotes = remotes;
        self
    }

    /// The nodes of clusters meshed by static node lists: (cluster, record).
    pub fn remote_nodes(&self) -> Vec<(String, NodeRecord)> {
        self.remote_registry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|((c, _), r)| (c.clone(), r.clone()))
            .collect()
    }

    /// Every address of the statically meshed clusters' nodes, their endpoints included.
    pub fn remote_addresses(&self) -> Vec<IpAddr> {
        self.remote_nodes()
            .into_iter()
            .flat_map(|(_, r)| r.announcement.ips.into_iter().chain(r.announcement.endpoint))
            .collect()
    }

    /// Verifies and records an announcement of a statically meshed cluster's node.
    fn accept_remote(
        &self,
        cluster: &str,
        remote: &StaticRemote,
        line: &str,
        from: IpAddr,
    ) -> Result<(), Rejected> {
        let now = announce::now_ms();
        let verified = announce::verify(&remote.secret, cluster, line, now).and_then(|a| {
            let mut guards = self.remote_guards.lock().unwrap_or_else(|p| p.into_inner());
            let fresh = guards.entry(cluster.to_string()).or_default().admit(&a, now)?;
            announce::check_content(&a)?;
            Ok((a, fresh))
        });
        let (mut a, fresh) = match verified {
            Ok(v) => v,
            Err(e) => {
                self.reject(from, &e);
                return Err(e);
            }
        };
        let key = (cluster.to_string(), a.name.clone());
        if fresh == Freshness::Outdated {
            let mut rr = self.remote_registry.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(r) = rr.get_mut(&key) {
                r.last_seen = Instant::now();
            }
            return Ok(());
        }
        // What it may hold: the addresses listed for its cluster, or where it speaks from;
        // never this node's, nor a node's of this cluster.
        let local = self.local();
        let ours: Vec<IpAddr> = self
            .registry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .flat_map(|r| r.announcement.ips.clone())
            .chain(local.ips.iter().copied())
            .collect();
        let ips: Vec<IpAddr> = a
            .ips
            .iter()
            .copied()
            .filter(|ip| (remote.listed.contains(ip) || *ip == from) && !ours.contains(ip))
            .collect();
        if ips.is_empty() {
            let e = Rejected::NoAddress(format!(
                "none of {:?} is listed for cluster {cluster} or its source address",
                a.ips
            ));
            self.reject(from, &e);
            return Err(e);
        }
        a.ips = ips;
        let mut rr = self.remote_registry.lock().unwrap_or_else(|p| p.into_inner());
        // Its endpoint is where it speaks from when that is not its own address (behind NAT);
        // through the tunnel, the one seen before. An endpoint it merely announces is not
        // believed: it would send this node's packets, and remote-node rights, elsewhere.
        a.endpoint = if a.ips.contains(&from) {
            rr.get(&key).and_then(|r| r.announcement.endpoint)
        } else {
            Some(from)
        };
        // The same machine under another name: one record.
        rr.retain(|(c, name), r| {
            *c != cluster || *name == a.name || r.announcement.wg_public_key != a.wg_public_key
        });
        if a.bootstrap {
            a.labels = rr.get(&key).map(|r| r.announcement.labels.clone()).unwrap_or_default();
            a.bootstrap = false;
        }
        let changed = rr.get(&key).is_none_or(|r| {
            let mut old = r.announcement.clone();
            old.timestamp = a.timestamp;
            old.nonce.clone_from(&a.nonce);
            old != a
        });
        if changed {
            tracing::info!(cluster, node = a.name, ips = ?a.ips, "node of a meshed cluster joined or changed");
        }
        rr.insert(
            key,
            NodeRecord { announcement: a, last_seen: Instant::now(), source: Source::Announcement },
        );
        drop(rr);
        if changed {
            self.changed.send_modify(|g| *g += 1);
        }
        Ok(())
    }

    /// The endpoints of listed nodes behind NAT (`nodes: [{ip, endpoint}]`), by address.
    pub fn with_endpoints(mut self, endpoints: BTreeMap<IpAddr, IpAddr>) -> Membership {
        self.endpoints = endpoints;
        self
    }

    /// Where `a`'s WireGuard packets go when not to its addresses: the endpoint `nodes:` lists
    /// for it (the operator's word wins), else the one it announces.
    pub fn endpoint_of(&self, a: &Announcement) -> Option<IpAddr> {
        a.ips.iter().find_map(|ip| self.endpoints.get(ip).copied()).or(a.endpoint)
    }

    /// Where the plaintext bootstrap exchange with the node at `ip` goes: its endpoint when it
    /// is behind NAT, else `ip`.
    fn bootstrap_address(&self, ip: IpAddr) -> IpAddr {
        if let Some(e) = self.endpoints.get(&ip) {
            return *e;
        }
        let reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        let local = reg
            .values()
            .find(|r| r.announcement.ips.contains(&ip))
            .and_then(|r| self.endpoint_of(&r.announcement));
        drop(reg);
        local
            .or_else(|| {
                let rr = self.remote_registry.lock().unwrap_or_else(|p| p.into_inner());
                rr.values()
                    .find(|r| r.announcement.ips.contains(&ip))
                    .and_then(|r| r.announcement.endpoint)
            })
            .unwrap_or(ip)
    }

    /// Hands membership to a kvstore (see [`kvstore::NodeStore`]).
    pub fn set_store_backed(&self) {
        self.store_backed.store(true, Ordering::Relaxed);
    }

    fn is_store_backed(&self) -> bool {
        self.store_backed.load(Ordering::Relaxed)
    }

    /// What this node says about itself now.
    pub fn local(&self) -> Announcement {
        self.local.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Fires whenever this node's own announcement changes (labels, key).
    pub fn subscribe_local(&self) -> watch::Receiver<u64> {
        self.local_changed.subscribe()
    }

    /// This node's announcement, signed now, as a kvstore entry carries it.
    pub fn sealed_for_store(&self) -> String {
        self.sealed_local(false)
    }

    /// Applies a verified kvstore entry: the node's addresses are its own unless another live
    /// node holds them. Returns whether the registry changed.
    pub fn store_apply(&self, mut a: Announcement) -> Result<bool, Rejected> {
        let local = self.local();
        if a.name == local.name {
            return Ok(false);
        }
        let mut reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        let mut ips = Vec::new();
        let mut refused = Vec::new();
        for ip in &a.ips {
            let holder = reg.iter().find(|(name, r)| {
                **name != a.name
                    && r.announcement.ips.contains(ip)
                    && self.is_reachable(r)
                    && !same_machine(&r.announcement, &a, *ip)
            });
            match holder {
                _ if local.ips.contains(ip) => refused.push(format!("{ip} is this node's")),
                Some((name, _)) => refused.push(format!("{ip} is held by {name}")),
                None if !ips.contains(ip) => ips.push(*ip),
                None => {}
            }
        }
        if ips.is_empty() {
            drop(reg);
            let e = Rejected::NoAddress(refused.join("; "));
            self.count_rejection(&e);
            return Err(e);
        }
        if !refused.is_empty() {
            let e = Rejected::NoAddress(refused.join("; "));
            self.count_rejection(&e);
        }
        a.ips = ips;
        let changed = reg.get(&a.name).is_none_or(|r| {
            let mut old = r.announcement.clone();
            old.timestamp = a.timestamp;
            old.nonce.clone_from(&a.nonce);
            old != a || r.source != Source::Kvstore
        });
        let renamed: Vec<String> = reg
            .iter()
            .filter(|(name, r)| {
                **name != a.name
                    && !a.wg_public_key.is_empty()
                    && r.announcement.wg_public_key == a.wg_public_key
            })
            .map(|(name, _)| name.clone())
            .collect();
        for old in &renamed {
            reg.remove(old);
        }
        if changed {
            tracing::info!(node = a.name, ips = ?a.ips, "node joined or changed (kvstore)");
        }
        reg.insert(
            a.name.clone(),
            NodeRecord { announcement: a, last_seen: Instant::now(), source: Source::Kvstore },
        );
        if changed || !renamed.is_empty() {
            self.commit(reg);
        }
        Ok(changed)
    }

    /// The kvstore no longer holds `name` (deleted, or its lease ran out): it leaves, unless
    /// `nodes:` lists it (listed nodes stay, their tunnels come back when they do).
    pub fn store_remove(&self, name: &str) {
        let listed = self.discovery.peers();
        let mut reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        let Some(r) = reg.get(name) else { return };
        if r.announcement.ips.iter().any(|ip| listed.contains(ip)) {
            return;
        }
        tracing::info!(node = name, "node left: its kvstore entry is gone");
        reg.remove(name);
        self.commit(reg);
    }

    /// After a full listing: every node the store does not hold (and `nodes:` does not list)
    /// leaves, whatever told us of it before (the snapshot of a restart included).
    pub fn store_retain(&self, present: &std::collections::BTreeSet<String>) {
        let listed = self.discovery.peers();
        let mut reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        let gone: Vec<String> = reg
            .iter()
            .filter(|(name, r)| {
                !present.contains(*name) && !r.announcement.ips.iter().any(|ip| listed.contains(ip))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if gone.is_empty() {
            return;
        }
        for name in &gone {
            tracing::info!(node = name, "node left: not in the kvstore");
            reg.remove(name);
        }
        self.commit(reg);
    }

    /// Counts a refused kvstore entry, logged as announcements are.
    pub fn reject_stored(&self, key: &str, e: &Rejected) {
        self.count_rejection(e);
        if let Some(suppressed) = self.log_throttle.allow(e.reason()) {
            tracing::warn!(key, reason = %e, suppressed, "ignored a kvstore node entry");
        }
    }

    fn count_rejection(&self, e: &Rejected) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
        *self
            .rejected_by
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(e.reason())
            .or_default() += 1;
    }

    /// Changes what this node announces and tells the peers at once.
    pub fn update_local(&self, f: impl FnOnce(&mut Announcement)) {
        {
            let mut l = self.local.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut l);
        }
        self.local_changed.send_modify(|g| *g += 1);
        self.wake.notify_one();
    }

    /// Fires whenever the registry changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Announcements rejected so far.
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }

    /// Rejected announcements and refused address claims, by reason.
    pub fn rejected_by_reason(&self) -> Vec<(&'static str, u64)> {
        self.rejected_by
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect()
    }

    /// Counts a rejection, and logs it unless the same reason was logged moments ago: a peer
    /// sending garbage must not drown the real logs.
    fn reject(&self, from: IpAddr, e: &Rejected) {
        self.count_rejection(e);
        if let Some(suppressed) = self.log_throttle.allow(e.reason()) {
            tracing::warn!(peer = %from, reason = %e, suppressed, "rejected a node announcement");
        }
    }

    /// The addresses of `a` it may hold: its source address and what `nodes:` lists for its
    /// name, none that another live node holds (unless that is the same machine renamed).
    /// Returns them, and the refused ones with why.
    fn claims(
        &self,
        a: &Announcement,
        from: IpAddr,
        reg: &BTreeMap<String, NodeRecord>,
    ) -> (Vec<IpAddr>, Vec<(IpAddr, String)>) {
        let listed = self.entitled.get(&a.name).map(Vec::as_slice).unwrap_or(&[]);
        let (mut ok, mut refused) = (Vec::new(), Vec::new());
        for ip in &a.ips {
            if ok.contains(ip) {
                continue;
            }
            if *ip != from && !listed.contains(ip) && self.endpoints.get(ip) != Some(&from) {
                // A node behind NAT listed by its public address: say how to list it.
                let hint = if !a.ips.contains(&from) && self.discovery.peers().contains(&from) {
                    format!(
                        " (if {from} is the public address of a node behind NAT, list it as {{ip: {ip}, endpoint: {from}}})"
                    )
                } else {
                    String::new()
                };
                refused.push((
                    *ip,
                    format!("{ip} is neither its source address nor listed for it in nodes:{hint}"),
                ));
                continue;
            }
            let holder = reg.iter().find(|(name, r)| {
                **name != a.name
                    && r.announcement.ips.contains(ip)
                    && self.is_reachable(r)
                    && !same_machine(&r.announcement, a, from)
            });
            match holder {
                Some((name, _)) => refused.push((*ip, format!("{ip} is held by {name}"))),
                None => ok.push(*ip),
            }
        }
        (ok, refused)
    }

    /// A snapshot of the registry.
    pub fn nodes(&self) -> Vec<NodeRecord> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// True when `rec` was heard from recently enough.
    pub fn is_reachable(&self, rec: &NodeRecord) -> bool {
        // A kvstore entry lives as long as its lease: its presence is the node's word.
        rec.source == Source::Kvstore || rec.last_seen.elapsed() < self.interval * MISSED_INTERVALS
    }

    /// This node's announcement, signed. Over the plaintext `bootstrap` port of an encrypted
    /// cluster it leaves the labels out: the wire sees what a tunnel needs (public keys,
    /// addresses), and the rest only ever travels encrypted.
    fn sealed_local(&self, bootstrap: bool) -> String {
        let mut a = self.local.lock().unwrap_or_else(|p| p.into_inner()).clone();
        a.timestamp = announce::now_ms();
        a.nonce = announce::nonce();
        if bootstrap && !a.wg_public_key.is_empty() {
            a.labels.clear();
            a.bootstrap = true;
        }
        announce::seal(&self.secret, &a)
    }

    fn accept(&self, line: &str, from: IpAddr) -> Result<(), Rejected> {
        // IPv4 peers of a dual-stack listener arrive as `::ffff:a.b.c.d`.
        let from = match from {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(from, IpAddr::V4),
            v4 => v4,
        };
        if !self.remotes.is_empty()
            && let Some(c) = announce::peek_cluster(line).filter(|c| *c != self.cluster)
            && let Some(remote) = self.remotes.get(&c)
        {
            return self.accept_remote(&c, remote, line, from);
        }
        let now = announce::now_ms();
        // The MAC is checked before any lock is taken: exchanges verify in parallel.
        let result = announce::verify(&self.secret, &self.cluster, line, now).and_then(|a| {
            let fresh = self.guard.lock().unwrap_or_else(|p| p.into_inner()).admit(&a, now)?;
            Ok((a, fresh))
        });
        let result = result.and_then(|(a, fresh)| announce::check_content(&a).map(|()| (a, fresh)));
        let mut a = match result {
            Ok((a, Freshness::Current)) => a,
            Ok((a, Freshness::Outdated)) => {
                // Crossed with a newer exchange: the node answered, its state is already known.
                let mut reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(r) = reg.get_mut(&a.name) {
                    r.last_seen = Instant::now();
                }
                return Ok(());
            }
            Err(e) => {
                self.reject(from, &e);
                return Err(e);
            }
        };
        let (local_name, local_ips) = {
            let l = self.local.lock().unwrap_or_else(|p| p.into_inner());
            (l.name.clone(), l.ips.clone())
        };
        if a.name == local_name {
            if !a.ips.iter().any(|ip| local_ips.contains(ip))
                && !self.name_clash.swap(true, Ordering::Relaxed)
            {
                tracing::warn!(peer = %from, name = a.name, "another node announces this node's name; give every node its own (nodeName, or names in nodes:)");
            }
            return Ok(());
        }
        let mut reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        let (ips, refused) = self.claims(&a, from, &reg);
        for (_, why) in &refused {
            *self
                .rejected_by
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry("address-claim")
                .or_default() += 1;
            if let Some(suppressed) = self.log_throttle.allow("address-claim") {
                tracing::warn!(peer = %from, node = a.name, reason = why.as_str(), suppressed, "refused an address a node claimed");
            }
        }
        if ips.is_empty() {
            drop(reg);
            let e = Rejected::NoAddress(
                refused.into_iter().map(|(_, w)| w).collect::<Vec<_>>().join("; "),
            );
            self.reject(from, &e);
            return Err(e);
        }
        a.ips = ips;
        if a.bootstrap {
            a.labels = reg.get(&a.name).map(|r| r.announcement.labels.clone()).unwrap_or_default();
            a.bootstrap = false;
        }
        let mut changed = reg.get(&a.name).is_none_or(|r| {
            let mut old = r.announcement.clone();
            old.timestamp = a.timestamp;
            old.nonce.clone_from(&a.nonce);
            old != a
        });
        // The same machine under another name (renamed, or a name taken from `nodes:` after an
        // upgrade): one record, or its addresses and key would be two peers.
        let renamed: Vec<String> = reg
            .iter()
            .filter(|(name, r)| **name != a.name && same_machine(&r.announcement, &a, from))
            .map(|(name, _)| name.clone())
            .collect();
        for old in renamed {
            tracing::info!(old, new = a.name, "node renamed");
            reg.remove(&old);
            changed = true;
        }
        if changed {
            tracing::info!(node = a.name, ips = ?a.ips, labels = ?a.labels, "node joined or changed");
        }
        // A node the kvstore vouches for stays the store's: its entry going says it left.
        let source = reg.get(&a.name).map_or(Source::Announcement, |r| r.source);
        reg.insert(
            a.name.clone(),
            NodeRecord { announcement: a, last_seen: Instant::now(), source },
        );
        if changed {
            self.commit(reg);
        }
        Ok(())
    }

    /// Saves the registry and tells the subscribers it changed.
    fn commit(&self, reg: std::sync::MutexGuard<'_, BTreeMap<String, NodeRecord>>) {
        // Taken while the registry is still held: snapshots are written in the order of the
        // changes they hold, and an older one never lands on a newer one.
        let _writing = self.snapshot_writer.lock().unwrap_or_else(|p| p.into_inner());
        let known: Vec<Announcement> = reg.values().map(|r| r.announcement.clone()).collect();
        drop(reg);
        if let Some(path) = &self.snapshot
            && let Ok(bytes) = serde_json::to_vec(&known)
            && let Err(e) = crate::fsutil::atomic_write(path, &bytes, 0o600)
        {
            tracing::warn!(error = %e, "saving the node registry");
        }
        self.changed.send_modify(|g| *g += 1);
    }

    /// Forgets nodes that joined without being listed and have not been heard from for
    /// [`UNLISTED_TTL`]: a VM that left for good stops being a peer. Listed nodes stay (their
    /// tunnels come back when they do).
    fn expire_unlisted(&self) {
        let listed = self.discovery.peers();
        let mut reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        let gone: Vec<String> = reg
            .iter()
            .filter(|(_, r)| {
                r.source == Source::Announcement
                    && !self.is_store_backed()
                    && !r.announcement.ips.iter().any(|ip| listed.contains(ip))
                    && r.last_seen.elapsed() > UNLISTED_TTL
            })
            .map(|(name, _)| name.clone())
            .collect();
        if gone.is_empty() {
            return;
        }
        for name in &gone {
            tracing::info!(node = name, "node left: not heard from, and not in nodes:");
            reg.remove(name);
        }
        self.commit(reg);
    }

    /// Serves peers' announcements on `listener` (the plaintext `bootstrap` port or the one
    /// reached through the tunnel) until the task is dropped.
    pub async fn serve(self: std::sync::Arc<Self>, listener: TcpListener, bootstrap: bool) {
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        loop {
            let (stream, peer) = crate::web::accept(&listener, "node").await;
            // Every exchange ends within its timeout, so the slots free up by themselves;
            // a flood of connections beyond them is closed at once.
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                *self
                    .rejected_by
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry("busy")
                    .or_default() += 1;
                continue;
            };
            let me = self.clone();
            tokio::spawn(async move {
                let answer = me.answer(stream, peer, bootstrap);
                let _ = tokio::time::timeout(EXCHANGE_TIMEOUT, answer).await;
                drop(slot);
            });
        }
    }

    async fn answer(&self, stream: TcpStream, peer: SocketAddr, bootstrap: bool) {
        let (r, mut w) = stream.into_split();
        let mut reader = BufReader::new(r).take(MAX_LINE as u64);
        let mut line = String::new();
        if reader.read_line(&mut line).await.is_err() {
            return;
        }
        // Only peers that proved they hold the secret hear about us.
        if self.accept(line.trim_end(), peer.ip()).is_ok() {
            let reply = self.sealed_local(bootstrap) + "\n";
            let _ = w.write_all(reply.as_bytes()).await;
        }
    }

    /// One exchange with a peer: through the tunnel (unmarked, port + 1) when it is up, so
    /// that in steady state nothing but WireGuard is on the wire, else over the marked
    /// plaintext port that bootstraps the tunnel.
    async fn exchange(&self, ip: IpAddr) -> Result<(), String> {
        match self.probe(ip, Duration::from_millis(700)).await {
            Ok(_) => Ok(()),
            Err(_) => {
                let to = self.bootstrap_address(ip);
                // Behind NAT, the bootstrap takes the WireGuard port's path: often the only
                // one the security groups between the clouds let through.
                if let (IpAddr::V4(v4), true, Some(port)) =
                    (to, to != ip, self.wireguard_port.get())
                {
                    return self.exchange_udp(port, v4).await;
                }
                self.exchange_on(to, self.port, true, EXCHANGE_TIMEOUT).await.map(|_| ())
            }
        }
    }

    /// One exchange over the path applications use (the tunnel, when encryption is on; never
    /// the marked bootstrap port), all of it within `timeout`: its round trip, or why it
    /// failed. Health probes use it.
    pub async fn probe(&self, ip: IpAddr, timeout: Duration) -> Result<Duration, String> {
        let exchange = self.exchange_on(ip, self.port.wrapping_add(1), false, timeout);
        tokio::time::timeout(timeout, exchange).await.map_err(|_| "timed out".to_string())?
    }

    /// Bootstraps over the WireGuard port from now on (nodes behind NAT), answering
    /// there too: serve [`Membership::serve_wireguard_port`] on a thread of its own.
    pub fn set_wireguard_port(&self, port: std::sync::Arc<udp::WireguardPort>) {
        let _ = self.wireguard_port.set(port);
    }

    /// One bootstrap exchange with the node behind `to` over the WireGuard port.
    async fn exchange_udp(&self, port: &udp::WireguardPort, to: Ipv4Addr) -> Result<(), String> {
        let payload = udp::encode(udp::REQUEST, &self.sealed_local(true))
            .ok_or("this node's announcement does not fit one datagram")?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.udp_waiting.lock().unwrap_or_else(|p| p.into_inner()).insert(IpAddr::V4(to), tx);
        let sent = port.send(SocketAddrV4::new(to, crate::WIREGUARD_PORT), &payload);
        let answered = match sent {
            Ok(()) => matches!(tokio::time::timeout(EXCHANGE_TIMEOUT, rx).await, Ok(Ok(()))),
            Err(_) => false,
        };
        self.udp_waiting.lock().unwrap_or_else(|p| p.into_inner()).remove(&IpAddr::V4(to));
        match (sent, answered) {
            (_, true) => Ok(()),
            (Err(e), _) => Err(format!("sending to {to} on the WireGuard port: {e}")),
            (Ok(()), false) => Err(format!("no answer from {to} on the WireGuard port")),
        }
    }

    /// Answers bootstrap requests and takes in answers on the WireGuard port, forever: a
    /// blocking loop for a thread of its own. Only a request that verifies (signed with the
    /// cluster secret, fresh, never seen) is answered, to where it came from: without the
    /// secret there is nothing to reflect.
    pub fn serve_wireguard_port(&self, port: &udp::WireguardPort) {
        loop {
            let (from, payload) = match port.recv() {
                Ok(got) => got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    tracing::debug!(error = %e, "reading the WireGuard port");
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            let Some((kind, line)) = udp::decode(&payload) else { continue };
            let sender = IpAddr::V4(*from.ip());
            if self.accept(line, sender).is_err() {
                continue;
            }
            if kind == udp::REQUEST {
                if let Some(reply) = udp::encode(udp::REPLY, &self.sealed_local(true))
                    && let Err(e) = port.send(from, &reply)
                {
                    tracing::debug!(peer = %from, error = %e, "answering on the WireGuard port");
                }
            } else if let Some(waiting) =
                self.udp_waiting.lock().unwrap_or_else(|p| p.into_inner()).remove(&sender)
            {
                let _ = waiting.send(());
            }
        }
    }

    /// Every peer to talk to: the discovered ones, and nodes that announced themselves
    /// without being listed (a VM that joined later), by their first address.
    pub fn peer_addresses(&self) -> Vec<IpAddr> {
        let mut out = self.discovery.peers();
        let reg = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        for r in reg.values() {
            if !r.announcement.ips.iter().any(|ip| out.contains(ip))
                && let Some(ip) = r.announcement.ips.first()
            {
                out.push(*ip);
            }
        }
        out
    }

    async fn exchange_on(
        &self,
        ip: IpAddr,
        port: u16,
        marked: bool,
        connect_timeout: Duration,
    ) -> Result<Duration, String> {
        let start = Instant::now();
        let addr = SocketAddr::new(ip, port);
        let socket = if marked {
            marked_socket(ip.is_ipv4()).map_err(|e| e.to_string())?
        } else {
            tunnel_socket(ip.is_ipv4(), self.tunnel.as_deref()).map_err(|e| e.to_string())?
        };
        let mut stream = tokio::time::timeout(connect_timeout, socket.connect(addr))
            .await
            .map_err(|_| "connect timed out".to_string())?
            .map_err(|e| e.to_string())?;
        let line = self.sealed_local(marked) + "\n";
        stream.write_all(line.as_bytes()).await.map_err(|e| e.to_string())?;
        let mut reader = BufReader::new(stream).take(MAX_LINE as u64);
        let mut reply = String::new();
        tokio::time::timeout(EXCHANGE_TIMEOUT, reader.read_line(&mut reply))
            .await
            .map_err(|_| "no answer".to_string())?
            .map_err(|e| e.to_string())?;
        if reply.is_empty() {
            return Err(
                "the peer closed the connection (does it have the same cluster secret?)".into()
            );
        }
        let rtt = start.elapsed();
        self.accept(reply.trim_end(), ip).map_err(|e| e.to_string())?;
        Ok(rtt)
    }

    /// Announces to every peer each interval, and at once when woken.
    pub async fn announce_loop(self: std::sync::Arc<Self>) {
        loop {
            self.expire_unlisted();
            // With a kvstore, exchanges with every node would be the O(N²) chatter it
            // replaces: only the listed nodes are talked to (the list bootstraps).
            let mut peers =
                if self.is_store_backed() { self.discovery.peers() } else { self.peer_addresses() };
            // The statically meshed clusters' listed nodes, and those that announced
            // themselves from elsewhere.
            for r in self.remotes.values() {
                peers.extend(r.listed.iter().copied());
            }
            for (_, r) in self.remote_nodes() {
                if let Some(ip) = r.announcement.ips.first()
                    && !self.remotes.values().any(|s| s.listed.contains(ip))
                {
                    peers.push(*ip);
                }
            }
            peers.sort();
            peers.dedup();
            let exchanges = peers.into_iter().map(|ip| {
                let me = self.clone();
                async move {
                    if let Err(e) = me.exchange(ip).await {
                        tracing::debug!(peer = %ip, error = e, "announcement exchange failed");
                    }
                }
            });
            futures_util::future::join_all(exchanges).await;
            tokio::select! {
                _ = tokio::time::sleep(self.interval) => {}
                _ = self.wake.notified() => {}
            }
        }
    }
}

/// True when `new` comes from the machine that announced `old` under another name: the same
/// WireGuard key, or, in a cluster without keys, announced from one of `old`'s addresses.
/// Other shared addresses (every Docker host has 172.17.0.1) say nothing.
fn same_machine(old: &Announcement, new: &Announcement, from: IpAddr) -> bool {
    if !new.wg_public_key.is_empty() || !old.wg_public_key.is_empty() {
        return new.wg_public_key == old.wg_public_key;
    }
    old.ips.contains(&from)
}

/// At most one log line per reason every [`Throttle::PERIOD`], with the count of those held
/// back meanwhile.
#[derive(Debug, Default)]
struct Throttle {
    last: Mutex<BTreeMap<&'static str, (Option<Instant>, u64)>>,
}

impl Throttle {
    const PERIOD: Duration = Duration::from_secs(10);

    /// `Some(held back since the last line)` when a line may be logged now.
    fn allow(&self, reason: &'static str) -> Option<u64> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let entry = last.entry(reason).or_insert((None, 0));
        if entry.0.is_none_or(|at| at.elapsed() >= Self::PERIOD) {
            let held = entry.1;
            *entry = (Some(Instant::now()), 0);
            Some(held)
        } else {
            entry.1 += 1;
            None
        }
    }
}

/// A TCP socket whose packets carry the WireGuard mark: announcements bootstrap the tunnels,
/// so they must not be routed into one (nor dropped by strict mode). They are signed, and say
/// nothing secret.
fn marked_socket(v4: bool) -> std::io::Result<tokio::net::TcpSocket> {
    let s = if v4 { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    nix::sys::socket::setsockopt(
        &s,
        nix::sys::socket::sockopt::Mark,
        &crate::wireguard::routing::WG_MARK,
    )
    .map_err(std::io::Error::from)?;
    Ok(s)
}

/// A socket for port + 1: with encryption on, bound to the WireGuard device, so that what it
/// says (labels) goes through the tunnel or nowhere: without a route to the peer through the
/// tunnel, the kernel still sends it into `cilium_wg0`, where WireGuard drops what it has no
/// peer for, never out of a plaintext device.
fn tunnel_socket(v4: bool, device: Option<&str>) -> std::io::Result<tokio::net::TcpSocket> {
    let s = if v4 { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    if let Some(dev) = device {
        s.bind_device(Some(dev.as_bytes()))?;
    }
    Ok(s)
}

/// Binds a membership listener on every address. With `marked`, accepted connections
/// inherit the mark, so the answers take the same plaintext path as the questions (the
/// bootstrap port); without, answers are routed like any traffic, and with `tunnel` the
/// listener only hears connections that came through the WireGuard device.
pub async fn bind(port: u16, marked: bool, tunnel: Option<&str>) -> std::io::Result<TcpListener> {
    let listen = |v4: bool| -> std::io::Result<TcpListener> {
        let s = if marked { marked_socket(v4)? } else { tunnel_socket(v4, tunnel)? };
        s.set_reuseaddr(true)?;
        let addr: SocketAddr = if v4 {
            ([0, 0, 0, 0], port).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, port).into()
        };
        s.bind(addr)?;
        s.listen(128)
    };
    listen(false).or_else(|_| listen(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn membership(name: &str, labels: &[(&str, &str)], secret: &Secret) -> Membership {
        let local = Announcement {
            cluster: "vm-cluster".into(),
            name: name.into(),
            ips: vec!["192.168.1.10".parse().expect("ip")],
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            wg_public_key: "a2V5".into(),
            wg_port: crate::WIREGUARD_PORT,
            endpoint: None,
            key_index: 0,
            version: "0".into(),
            timestamp: 0,
            nonce: String::new(),
            bootstrap: false,
        };
        let discovery = Box::new(StaticDiscovery { peers: Vec::new() });
        Membership::new(
            secret.clone(),
            local,
            4240,
            Duration::from_secs(2),
            discovery,
            None,
            None,
            BTreeMap::new(),
        )
    }

    #[test]
    fn a_renamed_node_is_one_record_and_unlisted_silent_nodes_expire() {
        let secret = Secret::from_base64(&Secret::generate().expect("rng")).expect("secret");
        let old = membership("host-a", &[], &secret);
        let new = membership("vm1", &[], &secret);
        let vm2 = membership("vm2", &[], &secret);
        let from: IpAddr = "192.168.1.10".parse().expect("ip");
        vm2.accept(&old.sealed_local(false), from).expect("valid");
        vm2.accept(&new.sealed_local(false), from).expect("valid");
        let names: Vec<String> = vm2.nodes().into_iter().map(|r| r.announcement.name).collect();
        assert_eq!(names, ["vm1"], "the same addresses under a new name replace the old record");

        // vm1 is not in vm2's (empty) nodes: list; silent for long, it is forgotten.
        vm2.expire_unlisted();
        assert_eq!(vm2.nodes().len(), 1, "heard from just now");
        if let Some(r) = vm2.registry.lock().expect("lock").get_mut("vm1") {
            r.last_seen = Instant::now() - UNLISTED_TTL - Duration::from_secs(1);
        }
        let before = *vm2.subscribe().borrow();
        vm2.expire_unlisted();
        assert!(vm2.nodes().is_empty());
        assert_ne!(*vm2.subscribe().borrow(), before, "peers and policy hear of it");
    }

    fn announce_as(
        m: &Membership,
        name: &str,
        ips: &[&str],
        labels: &[(&str, &str)],
        key: &str,
    ) -> String {
        m.update_local(|a| {
            a.name = name.into();
            a.ips = ips.iter().map(|s| s.parse().expect("ip")).collect();
            a.labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            a.wg_public_key = key.into();
        });
        m.sealed_local(false)
    }

    #[test]
    fn a_holder_of_the_secret_cannot_take_another_nodes_place() {
        let secret = Secret::from_base64(&Secret::generate().expect("rng")).expect("secret");
        let vm1 = membership("vm1", &[], &secret);
        let ip = |s: &str| -> IpAddr { s.parse().expect("ip") };
        let peer = membership("peer", &[], &secret);
        // From a dual-stack listener, as `::ffff:192.168.1.11`.
        vm1.accept(
            &announce_as(&peer, "vm2", &["192.168.1.11"], &[], "a2V5Mg=="),
            ip("::ffff:192.168.1.11"),
        )
        .expect("vm2 from its own address");
        let attacker = membership("attacker", &[], &secret);
        // vm2's address from another machine: not its source, not listed for it.
        let line = announce_as(&attacker, "evil", &["192.168.1.11"], &[], "ZXZpbA==");
        assert!(matches!(vm1.accept(&line, ip("192.168.1.66")), Err(Rejected::NoAddress(_))));
        // Outside addresses to route into its tunnel: only its own source address stays.
        let line = announce_as(
            &attacker,
            "evil",
            &["192.168.1.66", "10.0.0.0", "8.8.8.8"],
            &[],
            "ZXZpbA==",
        );
        vm1.accept(&line, ip("192.168.1.66")).expect("its own address");
        let evil = vm1.nodes().into_iter().find(|r| r.announcement.name == "evil").expect("evil");
        assert_eq!(evil.announcement.ips, vec![ip("192.168.1.66")]);
        // vm2's address even from vm2's address (a spoofed connection) while vm2 is alive.
        let line = announce_as(&attacker, "evil2", &["192.168.1.11"], &[], "ZXZpbDI=");
        assert!(matches!(vm1.accept(&line, ip("192.168.1.11")), Err(Rejected::NoAddress(_))));
        let vm2 = vm1.nodes().into_iter().find(|r| r.announcement.name == "vm2").expect("vm2");
        assert_eq!(vm2.announcement.wg_public_key, "a2V5Mg==", "vm2's key stays");
        // Labels are checked as local ones are; counts are bounded.
        let line =
            announce_as(&attacker, "evil", &["192.168.1.66"], &[("reserved:host", "")], "ZXZpbA==");
        assert!(matches!(vm1.accept(&line, ip("192.168.1.66")), Err(Rejected::Invalid(_))));
        let many: Vec<String> = (0..40).map(|i| format!("10.1.0.{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let line = announce_as(&attacker, "evil", &many, &[], "ZXZpbA==");
        assert!(matches!(vm1.accept(&line, ip("192.168.1.66")), Err(Rejected::Invalid(_))));
        let reasons = vm1.rejected_by_reason();
        assert!(reasons.iter().any(|(r, n)| *r == "address-claim" && *n >= 2), "{reasons:?}");
        assert!(reasons.iter().any(|(r, n)| *r == "invalid" && *n == 2), "{reasons:?}");
    }

    #[test]
    fn shared_container_addresses_are_no_rename_and_listed_addresses_are_claimable() {
        let secret = Secret::from_base64(&Secret::generate().expect("rng")).expect("secret");
        let ip = |s: &str| -> IpAddr { s.parse().expect("ip") };
        let mut vm1 = membership("vm1", &[], &secret);
        vm1.entitled.insert("vm2".into(), vec![ip("192.168.1.11"), ip("fd00::11")]);
        let (a, b) = (membership("a", &[], &secret), membership("b", &[], &secret));
        // Two unlisted Docker hosts: both announce docker0's 172.17.0.1 besides their own.
        let la = announce_as(&a, "host-a", &["192.168.1.20", "172.17.0.1"], &[], "a2V5QQ==");
        let lb = announce_as(&b, "host-b", &["192.168.1.21", "172.17.0.1"], &[], "a2V5Qg==");
        vm1.accept(&la, ip("192.168.1.20")).expect("a");
        vm1.accept(&lb, ip("192.168.1.21")).expect("b");
        let names: Vec<String> = vm1.nodes().into_iter().map(|r| r.announcement.name).collect();
        assert_eq!(names, ["host-a", "host-b"], "neither evicts the other");
        assert!(vm1.nodes().iter().all(|r| !r.announcement.ips.contains(&ip("172.17.0.1"))));
        // A listed node claims every address listed under its name.
        let peer = membership("peer", &[], &secret);
        let line = announce_as(&peer, "vm2", &["192.168.1.11", "fd00::11"], &[], "a2V5Mg==");
        vm1.accept(&line, ip("192.168.1.11")).expect("vm2");
        let vm2 = vm1.nodes().into_iter().find(|r| r.announcement.name == "vm2").expect("vm2");
        assert_eq!(vm2.announcement.ips, vec![ip("192.168.1.11"), ip("fd00::11")]);
    }

    #[test]
    fn a_node_behind_nat_claims_its_private_address_only_from_its_listed_endpoint() {
        let secret = Secret::from_base64(&Secret::generate().expect("rng")).expect("secret");
        let ip = |s: &str| -> IpAddr { s.parse().expect("ip") };
        let aws = membership("aws", &[], &secret)
            .with_endpoints([(ip("172.16.1.10"), ip("203.0.113.20"))].into());
        let peer = membership("peer", &[], &secret);
        let line = announce_as(&peer, "ali", &["172.16.1.10"], &[], "YWxp");
        // Any other public address, with the secret, gets nothing: a hostile announcement.
        assert!(matches!(aws.accept(&line, ip("203.0.113.66")), Err(Rejected::NoAddress(_))));
        assert!(aws.nodes().is_empty());
        let line = announce_as(&peer, "ali", &["172.16.1.10"], &[], "YWxp");
        aws.accept(&line, ip("203.0.113.20")).expect("from its endpoint");
        let ali = aws.nodes().remove(0);
        assert_eq!(ali.announcement.ips, vec![ip("172.16.1.10")]);
        // Its packets go to the endpoint the config gives, whatever it announces.
        let mut announced = ali.announcement.clone();
        announced.endpoint = Some(ip("198.51.100.9"));
        assert_eq!(aws.endpoint_of(&announced), Some(ip("203.0.113.20")));
        assert_eq!(aws.bootstrap_address(ip("172.16.1.10")), ip("203.0.113.20"));
        assert_eq!(aws.bootstrap_address(ip("10.0.1.11")), ip("10.0.1.11"));
    }

    #[test]
    fn crossed_exchanges_are_answers_not_replays() {
        // A health probe and an announcement to the same node run at once; the node signs its
        // two answers a moment apart and they arrive in the other order.
        let secret = Secret::from_base64(&Secret::generate().expect("rng")).expect("secret");
        let vm1 = membership("vm1", &[("app", "old")], &secret);
        let vm2 = membership("vm2", &[], &secret);
        let from: IpAddr = "192.168.1.10".parse().expect("ip");
        let earlier = vm1.sealed_local(false);
        std::thread::sleep(Duration::from_millis(2));
        vm1.update_local(|a| {
            a.labels.insert("app".into(), "new".into());
        });
        let later = vm1.sealed_local(false);
        vm2.accept(&later, from).expect("valid");
        vm2.accept(&earlier, from).expect("an authentic answer, if an older one");
        assert_eq!(vm2.rejected(), 0);
        let labels = vm2.nodes()[0].announcement.labels.clone();
        assert_eq!(labels.get("app").map(String::as_str), Some("new"), "never rolled back");
        assert!(matches!(vm2.accept(&earlier, from), Err(Rejected::Replayed)));
    }

    #[test]
    fn labels_never_cross_the_plaintext_bootstrap_port() {
        let secret = Secret::from_base64(&Secret::generate().expect("rng")).expect("secret");
        let vm1 = membership("vm1", &[("app", "backend")], &secret);
        let vm2 = membership("vm2", &[], &secret);
        let from: IpAddr = "192.168.1.10".parse().expect("ip");

        let plaintext = vm1.sealed_local(true);
        assert!(!plaintext.contains("backend"), "{plaintext}");
        vm2.accept(&plaintext, from).expect("valid");
        assert!(vm2.nodes()[0].announcement.labels.is_empty(), "nothing learned yet");

        // Through the tunnel the labels arrive; a later bootstrap exchange keeps them.
        vm2.accept(&vm1.sealed_local(false), from).expect("valid");
        let labels = || vm2.nodes()[0].announcement.labels.clone();
        assert_eq!(labels().get("app").map(String::as_str), Some("backend"));
        let before = *vm2.subscribe().borrow();
        vm2.accept(&vm1.sealed_local(true), from).expect("valid");
        assert_eq!(labels().get("app").map(String::as_str), Some("backend"));
        assert_eq!(*vm2.subscribe().borrow(), before, "not a membership change");
    }
}

#[cfg(test)]
mod static_mesh_tests {
    use super::*;

    fn secret() -> Secret {
        Secret::from_base64(&Secret::generate().expect("rng")).expect("secret")
    }

    fn ali(ips: &[&str]) -> Announcement {
        Announcement {
            cluster: "ali-cluster".into(),
            name: "ali".into(),
            ips: ips.iter().map(|s| s.parse().expect("ip")).collect(),
            labels: [("app".to_string(), "database".to_string())].into(),
            wg_public_key: "a2V5Mg==".into(),
            wg_port: crate::WIREGUARD_PORT,
            endpoint: None,
            key_index: 0,
            version: "0".into(),
            timestamp: announce::now_ms(),
            nonce: announce::nonce(),
            bootstrap: false,
        }
    }

    #[test]
    fn a_statically_meshed_cluster_holds_only_what_is_listed_for_it() {
        let (own, theirs) = (secret(), secret());
        let local = Announcement {
            cluster: "aws-cluster".into(),
            name: "aws".into(),
            ips: vec!["10.0.1.10".parse().expect("ip")],
            ..ali(&["10.0.1.10"])
        };
        let listed: IpAddr = "172.16.1.10".parse().expect("ip");
        let m = Membership::new(
            own.clone(),
            local,
            4240,
            Duration::from_secs(2),
            Box::new(StaticDiscovery { peers: Vec::new() }),
            None,
            None,
            BTreeMap::new(),
        )
        .with_remote_clusters(
            [(
                "ali-cluster".to_string(),
                StaticRemote { secret: theirs.clone(), listed: vec![listed] },
            )]
            .into(),
        );
        let public: IpAddr = "203.0.113.20".parse().expect("ip");
        // Signed with its cluster's secret, from the address in front of it: its node, behind
        // NAT, and never in this cluster's registry.
        m.accept(&announce::seal(&theirs, &ali(&["172.16.1.10"])), public).expect("accepted");
        let nodes = m.remote_nodes();
        assert_eq!(nodes.len(), 1);
        assert_eq!(nodes[0].0, "ali-cluster");
        assert_eq!(nodes[0].1.announcement.endpoint, Some(public));
        assert!(m.nodes().is_empty());
        // Claiming this node's address, or an address nobody listed for it: refused.
        let e = m.accept(&announce::seal(&theirs, &ali(&["10.0.1.10"])), public);
        assert!(matches!(e, Err(Rejected::NoAddress(_))), "{e:?}");
        let e = m.accept(&announce::seal(&theirs, &ali(&["172.16.1.99"])), public);
        assert!(matches!(e, Err(Rejected::NoAddress(_))), "{e:?}");
        // Signed with this cluster's secret instead of its own: refused.
        let e = m.accept(&announce::seal(&own, &ali(&["172.16.1.10"])), public);
        assert!(matches!(e, Err(Rejected::BadSignature)), "{e:?}");
        // A cluster nobody meshed with: refused as another cluster's.
        let mut other = ali(&["172.16.1.10"]);
        other.cluster = "elsewhere".into();
        let e = m.accept(&announce::seal(&own, &other), public);
        assert!(matches!(e, Err(Rejected::OtherCluster(_))), "{e:?}");
        assert_eq!(m.remote_nodes().len(), 1);
        // An endpoint it announces is not believed; through the tunnel (from its own address)
        // the endpoint seen before stays.
        let mut lying = ali(&["172.16.1.10"]);
        lying.endpoint = Some("198.51.100.66".parse().expect("ip"));
        m.accept(&announce::seal(&theirs, &lying), listed).expect("through the tunnel");
        assert_eq!(m.remote_nodes()[0].1.announcement.endpoint, Some(public));
        // Renamed, it is one record.
        let mut renamed = ali(&["172.16.1.10"]);
        renamed.name = "ali-2".into();
        m.accept(&announce::seal(&theirs, &renamed), public).expect("renamed");
        let names: Vec<String> =
            m.remote_nodes().into_iter().map(|(_, r)| r.announcement.name).collect();
        assert_eq!(names, ["ali-2"]);
    }
}
