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

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
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
/// Time allowed for one exchange.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(3);

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

/// What the registry knows about one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRecord {
    /// The node's last announcement.
    pub announcement: Announcement,
    /// When it was last heard from.
    pub last_seen: Instant,
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
    name_clash: std::sync::atomic::AtomicBool,
    wake: Notify,
    changed: watch::Sender<u64>,
    snapshot: Option<std::path::PathBuf>,
    snapshot_writer: Mutex<()>,
    tunnel: Option<String>,
}

impl Membership {
    /// A membership for `local` (its `timestamp` and `nonce` are refreshed on every send).
    /// `snapshot` keeps the registry across restarts, so tunnels come back before the first
    /// announcements do. With `tunnel` (the WireGuard device, when encryption is on), the
    /// exchanges on port + 1, which carry labels, are pinned to it.
    pub fn new(
        secret: Secret,
        local: Announcement,
        port: u16,
        interval: Duration,
        discovery: Box<dyn Discovery>,
        snapshot: Option<std::path::PathBuf>,
        tunnel: Option<String>,
    ) -> Membership {
        let (changed, _) = watch::channel(0);
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
                registry
                    .insert(a.name.clone(), NodeRecord { announcement: a, last_seen: long_ago });
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
            name_clash: std::sync::atomic::AtomicBool::new(false),
            wake: Notify::new(),
            changed,
            snapshot,
            snapshot_writer: Mutex::new(()),
            tunnel,
        }
    }

    /// Changes what this node announces and tells the peers at once.
    pub fn update_local(&self, f: impl FnOnce(&mut Announcement)) {
        {
            let mut l = self.local.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut l);
        }
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

    /// A snapshot of the registry.
    pub fn nodes(&self) -> Vec<NodeRecord> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// True when `rec` was heard from recently enough.
    pub fn is_reachable(&self, rec: &NodeRecord) -> bool {
        rec.last_seen.elapsed() < self.interval * MISSED_INTERVALS
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
        let now = announce::now_ms();
        // The MAC is checked before any lock is taken: exchanges verify in parallel.
        let result = announce::verify(&self.secret, &self.cluster, line, now).and_then(|a| {
            let fresh = self.guard.lock().unwrap_or_else(|p| p.into_inner()).admit(&a, now)?;
            Ok((a, fresh))
        });
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
                self.rejected.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(peer = %from, reason = %e, "rejected a node announcement");
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
        let same_machine: Vec<String> = reg
            .iter()
            .filter(|(name, r)| {
                **name != a.name
                    && (r.announcement.ips.iter().any(|ip| a.ips.contains(ip))
                        || (!a.wg_public_key.is_empty()
                            && r.announcement.wg_public_key == a.wg_public_key))
            })
            .map(|(name, _)| name.clone())
            .collect();
        for old in same_machine {
            tracing::info!(old, new = a.name, "node renamed");
            reg.remove(&old);
            changed = true;
        }
        if changed {
            tracing::info!(node = a.name, ips = ?a.ips, labels = ?a.labels, "node joined or changed");
        }
        reg.insert(a.name.clone(), NodeRecord { announcement: a, last_seen: Instant::now() });
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
                !r.announcement.ips.iter().any(|ip| listed.contains(ip))
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
        loop {
            let Ok((stream, peer)) = listener.accept().await else { continue };
            let me = self.clone();
            tokio::spawn(async move {
                let answer = me.answer(stream, peer, bootstrap);
                let _ = tokio::time::timeout(EXCHANGE_TIMEOUT, answer).await;
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
            Err(_) => self.exchange_on(ip, self.port, true, EXCHANGE_TIMEOUT).await.map(|_| ()),
        }
    }

    /// One exchange over the path applications use (the tunnel, when encryption is on; never
    /// the marked bootstrap port), all of it within `timeout`: its round trip, or why it
    /// failed. Health probes use it.
    pub async fn probe(&self, ip: IpAddr, timeout: Duration) -> Result<Duration, String> {
        let exchange = self.exchange_on(ip, self.port.wrapping_add(1), false, timeout);
        tokio::time::timeout(timeout, exchange).await.map_err(|_| "timed out".to_string())?
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
            let peers = self.peer_addresses();
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
            key_index: 0,
            version: "0".into(),
            timestamp: 0,
            nonce: String::new(),
            bootstrap: false,
        };
        let discovery = Box::new(StaticDiscovery { peers: Vec::new() });
        Membership::new(secret.clone(), local, 4240, Duration::from_secs(2), discovery, None, None)
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
