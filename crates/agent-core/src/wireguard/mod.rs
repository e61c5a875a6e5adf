//! Transparent encryption between the nodes of the cluster with WireGuard.
//!
//! Start-up, in order, so that nothing ever leaves in plaintext for a peer:
//! 1. (the daemon, before anything here, and at boot `cilium-agent --block-peers`) the
//!    policy-routing rules and, in strict mode, an `unreachable` route for every known peer:
//!    from there on, traffic to a peer either goes through the tunnel or fails, whatever
//!    happens to the steps below;
//! 2. the key pair (created on first start, kept 0600 in the state directory);
//! 3. the device `cilium_wg0` with its UAPI socket (`wg show cilium_wg0` works);
//! 4. peers and routes as announcements bring their public keys, the device's peers and
//!    table 2005 reconciled from the whole set each time (never patched).
//!
//! Two backends behind the same operations: the kernel's WireGuard, configured over netlink
//! (`kernel`), and GotaTun in the agent (TUN + WireGuard protocol, `userspace`), which runs
//! everywhere. `auto` picks the kernel's when the module is there.

pub mod kernel;
pub mod keys;
pub mod offload;
pub mod routing;
mod tun;
mod udp;
pub mod userspace;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::api::models::{WireguardInterface, WireguardPeer, WireguardStatus};
use keys::KeyPair;

/// The interface name.
pub const IFNAME: &str = "cilium_wg0";

/// Why encryption could not start or change.
#[derive(Debug, thiserror::Error)]
pub enum WireguardError {
    /// The key.
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    /// Routing.
    #[error(transparent)]
    Routing(#[from] routing::RoutingError),
    /// The device.
    #[error("WireGuard device {IFNAME}: {0}")]
    Device(String),
    /// The requested backend is not available.
    #[error("{0}")]
    Backend(String),
}

/// One peer as membership knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerSpec {
    /// Node name.
    pub name: String,
    /// Node addresses (the tunnel carries traffic for these).
    pub ips: Vec<IpAddr>,
    /// Public key, base64.
    pub public_key: String,
    /// UDP port.
    pub port: u16,
    /// Where its packets go when not to its first address (the public address in front of a
    /// node behind 1:1 NAT). WireGuard still follows the peer when it roams.
    pub endpoint: Option<IpAddr>,
    /// Prefixes behind it besides its addresses (a Kubernetes node's pod CIDR).
    pub cidrs: Vec<(IpAddr, u8)>,
}

impl PeerSpec {
    /// Everything the tunnel carries for it: its addresses as host prefixes, then its CIDRs.
    pub fn allowed(&self) -> Vec<(IpAddr, u8)> {
        self.ips
            .iter()
            .map(|ip| (*ip, if ip.is_ipv4() { 32 } else { 128 }))
            .chain(self.cidrs.iter().copied())
            .collect()
    }
}

/// The device behind `cilium_wg0`.
enum Backend {
    /// GotaTun in this process.
    Userspace(Arc<userspace::Device>),
    /// The kernel's WireGuard.
    Kernel(kernel::KernelDevice),
}

/// The running WireGuard subsystem.
pub struct WireGuard {
    backend: Backend,
    key: Mutex<KeyPair>,
    key_path: PathBuf,
    mtu: Mtu,
    strict: bool,
    /// Persistent keepalive (seconds). Off by default, as in Cilium: with it every peer costs
    /// a packet per interval forever, and a dead one WireGuard's handshake retries forever,
    /// work that grows with the fleet. Traffic starts a handshake when there is traffic.
    keepalive: Option<u16>,
    device: routing::TunnelDevice,
    routes: Arc<dyn routing::RouteTable>,
    /// The peers of the last sync, by public key.
    peers: Mutex<BTreeMap<String, PeerSpec>>,
    /// One sync at a time: each derives the whole state, and two interleaved would not.
    syncing: tokio::sync::Mutex<()>,
    rotated: Mutex<Option<SystemTime>>,
}

impl std::fmt::Debug for WireGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireGuard")
            .field("backend", &self.backend_name())
            .field("mtu", &self.mtu)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// Options of [`WireGuard::start`].
#[derive(Debug, Clone)]
pub struct Options {
    /// `auto`, `kernel` or `userspace`.
    pub backend: String,
    /// Explicit MTU of `cilium_wg0`.
    pub mtu: Option<u32>,
    /// Fail closed: block plaintext to peers.
    pub strict: bool,
    /// State directory (for the key).
    pub state_dir: PathBuf,
    /// Addresses of this node (sources of tunnelled traffic).
    pub local_ips: Vec<IpAddr>,
    /// Devices whose MTU bounds the tunnel's.
    pub devices: Vec<String>,
    /// Persistent keepalive of every peer, seconds; `None`: never.
    pub keepalive: Option<u16>,
    /// The userspace backend asks the kernel for segmentation offloads.
    pub offloads: bool,
}

/// Installs the routing rules and, in strict mode, makes sure every address of `peers` is
/// blocked: what must hold before anything else of encryption is tried, and at boot before
/// the network is up. It only ever adds: tunnel routes a running kernel backend still has stay
/// (the first sync reconciles).
pub async fn block_peers(
    table: &dyn routing::RouteTable,
    peers: &[IpAddr],
    strict: bool,
) -> Result<usize, routing::RoutingError> {
    table.install_rules().await?;
    if !strict {
        return Ok(0);
    }
    let have = table.list().await?;
    let mut added = 0;
    for ip in peers {
        let block = routing::Route::Block { dst: *ip, len: if ip.is_ipv4() { 32 } else { 128 } };
        if !have.contains(&block) {
            table.replace(&block).await?;
            added += 1;
        }
    }
    Ok(added)
}

impl WireGuard {
    /// Starts encryption. The caller has blocked the peers ([`block_peers`]): whatever fails
    /// here leaves them so.
    pub async fn start(
        o: &Options,
        netlink: &routing::Netlink,
        routes: Arc<dyn routing::RouteTable>,
    ) -> Result<WireGuard, WireguardError> {
        let use_kernel = match o.backend.as_str() {
            "kernel" if !kernel::available() => {
                return Err(WireguardError::Backend(
                    "encryption.backend: kernel needs the wireguard kernel module, which this kernel does not have; use auto or userspace".into(),
                ));
            }
            "kernel" => true,
            "auto" => kernel::available(),
            _ => false,
        };
        let key = KeyPair::load_or_create(&keys::key_path(&o.state_dir))?;
        let device_mtu =
            o.devices.iter().filter_map(|d| routing::device_mtu(d)).min().unwrap_or(1500);
        let mtu = o.mtu.map_or_else(|| Mtu::Derived(device_mtu), Mtu::Fixed);
        if o.mtu.is_none() && device_mtu < 1280 + routing::OVERHEAD_V6 {
            // IPv6 needs 1280 inside the tunnel; below this the tunnel's packets outgrow the
            // device and rely on fragmentation.
            tracing::warn!(
                device_mtu,
                "the devices' MTU leaves less than IPv6's 1280 bytes inside the tunnel; raise it, or set mtu:"
            );
        }
        let backend = match use_kernel {
            true => {
                let secret = key.secret.to_bytes();
                match kernel::KernelDevice::create(
                    IFNAME,
                    secret,
                    crate::WIREGUARD_PORT,
                    routing::WG_MARK,
                    netlink,
                )
                .await
                {
                    Ok(dev) => Backend::Kernel(dev),
                    Err(e) if o.backend == "auto" => {
                        tracing::warn!(error = %e, "the kernel WireGuard backend failed; using the userspace backend");
                        Backend::Userspace(userspace_device(&key, mtu.link(), o.offloads)?)
                    }
                    Err(e) => return Err(e),
                }
            }
            false => Backend::Userspace(userspace_device(&key, mtu.link(), o.offloads)?),
        };
        let oif = netlink.link_up(IFNAME, mtu.link()).await?;
        let backend_name = match &backend {
            Backend::Kernel(_) => "kernel",
            Backend::Userspace(_) => "userspace",
        };
        tracing::info!(interface = IFNAME, backend = backend_name, mtu = mtu.link(), public_key = %key.public_b64(), strict = o.strict, "WireGuard is up");
        Ok(WireGuard {
            backend,
            key: Mutex::new(key),
            key_path: keys::key_path(&o.state_dir),
            mtu,
            strict: o.strict,
            keepalive: o.keepalive,
            device: routing::TunnelDevice {
                oif,
                src4: o.local_ips.iter().copied().find(IpAddr::is_ipv4),
                src6: o.local_ips.iter().copied().find(|ip| {
                    ip.is_ipv6()
                        && !matches!(ip, IpAddr::V6(v) if (v.segments()[0] & 0xffc0) == 0xfe80)
                }),
            },
            routes,
            peers: Mutex::new(BTreeMap::new()),
            syncing: tokio::sync::Mutex::new(()),
            rotated: Mutex::new(None),
        })
    }

    /// `kernel` or `userspace`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Kernel(_) => "kernel",
            Backend::Userspace(_) => "userspace",
        }
    }

    fn key(&self) -> KeyPair {
        self.key.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The public key (base64) and rotation index this node announces.
    pub fn announced_key(&self) -> (String, u64) {
        let k = self.key();
        (k.public_b64(), k.index)
    }

    /// MTU of the tunnel device.
    pub fn mtu(&self) -> u32 {
        self.mtu.link()
    }

    /// Strict mode on.
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// Makes the device's peers and table 2005 match `peers`, with every address of `blocked`
    /// (and of the peers) blocked in strict mode, then starts handshakes with the new peers.
    /// The handshakes run on their own: a peer that does not answer never holds up the routes
    /// of the others.
    pub async fn sync_peers(
        self: &Arc<Self>,
        peers: Vec<PeerSpec>,
        blocked: Vec<IpAddr>,
    ) -> Result<(), WireguardError> {
        let _one = self.syncing.lock().await;
        let added = self.set_peers(peers).await?;
        let peers: Vec<PeerSpec> =
            self.peers.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
        let mut tunnelled: Vec<(IpAddr, u8, u32)> = Vec::new();
        for p in &peers {
            let outer = endpoint(p);
            let mut mtu = self.mtu.route(outer.is_none_or(|e| e.is_ipv4()));
            // A peer behind NAT is reached over another path (between clouds, often
            // narrower than the local network): its routes fit that path, unless `mtu:` says.
            if let (Some(e), Some(_), Mtu::Derived(_)) = (outer, p.endpoint, self.mtu)
                && let Some(path) = self.routes.path_mtu(e.ip()).await
            {
                mtu = mtu.min(Mtu::Derived(path).route(e.is_ipv4()));
            }
            tunnelled.extend(p.allowed().into_iter().map(|(ip, len)| (ip, len, mtu)));
        }
        let want = routing::desired(&tunnelled, &blocked, Some(self.device), self.strict);
        let changed = routing::reconcile(self.routes.as_ref(), &want).await?;
        if changed > 0 || added > 0 {
            tracing::debug!(changed, added, routes = want.len(), "tunnel routes reconciled");
        }
        Ok(())
    }

    /// Makes the device's peers match `peers` (one per key; an address claimed twice goes to
    /// the first): peers the device has and `peers` lacks are removed, whoever added them (a
    /// kernel link adopted from an earlier run may have some). Returns how many keys are new
    /// to the device. No handshake is forced: the health probes that follow a membership change
    /// at once (and the persistent keepalive, when set) start one within moments.
    async fn set_peers(&self, peers: Vec<PeerSpec>) -> Result<usize, WireguardError> {
        let mut next: BTreeMap<String, PeerSpec> = BTreeMap::new();
        let mut claimed = std::collections::BTreeSet::new();
        let mut prefixes = std::collections::BTreeSet::new();
        for mut p in peers.into_iter().filter(|p| keys::parse_public(&p.public_key).is_some()) {
            // The first peer with a key keeps it: a key copied by another (announced keys are
            // public) must not take over the first one's addresses.
            if next.contains_key(&p.public_key) {
                continue;
            }
            p.ips.retain(|ip| claimed.insert(*ip));
            p.cidrs.retain(|c| prefixes.insert(*c));
            if !p.ips.is_empty() {
                next.insert(p.public_key.clone(), p);
            }
        }
        let prev = self.peers.lock().unwrap_or_else(|p| p.into_inner()).clone();
        // The kernel's link is asked (it outlives us and may hold peers of an earlier run); the
        // userspace device holds exactly what we gave it, and asking it takes its locks, which
        // its packet tasks contend for.
        let on_device: Vec<[u8; 32]> = match &self.backend {
            Backend::Kernel(_) => self.peer_states().await.iter().map(|s| s.public_key).collect(),
            Backend::Userspace(_) => {
                prev.keys().filter_map(|k| keys::parse_public(k)).map(|k| k.to_bytes()).collect()
            }
        };
        let wanted: std::collections::BTreeSet<[u8; 32]> = next
            .values()
            .filter_map(|p| keys::parse_public(&p.public_key))
            .map(|k| k.to_bytes())
            .collect();
        let stale: Vec<[u8; 32]> =
            on_device.iter().filter(|k| !wanted.contains(*k)).copied().collect();
        let added = next
            .values()
            .filter_map(|p| keys::parse_public(&p.public_key))
            .filter(|k| !on_device.contains(&k.to_bytes()))
            .count();
        // Peers whose addresses or announced endpoint changed, and new ones. An unchanged peer
        // is left alone: WireGuard may have moved its endpoint to where its packets come from.
        let changed: Vec<&PeerSpec> = next
            .values()
            .filter(|p| {
                prev.get(&p.public_key) != Some(*p)
                    || keys::parse_public(&p.public_key)
                        .is_some_and(|k| !on_device.contains(&k.to_bytes()))
            })
            .collect();
        if stale.is_empty() && changed.is_empty() {
            *self.peers.lock().unwrap_or_else(|p| p.into_inner()) = next;
            return Ok(0);
        }
        match &self.backend {
            Backend::Kernel(dev) => {
                let peers: Vec<kernel::PeerConfig> = changed
                    .iter()
                    .filter_map(|p| {
                        Some(kernel::PeerConfig {
                            public_key: keys::parse_public(&p.public_key)?.to_bytes(),
                            endpoint: endpoint(p),
                            allowed_ips: p.allowed(),
                            keepalive: self.keepalive.unwrap_or(0),
                        })
                    })
                    .collect();
                // With a keepalive, the kernel sends one to a new peer at once, which starts
                // the handshake; without, the first packet does.
                dev.update_peers(&stale, &peers).await?;
            }
            Backend::Userspace(device) => {
                // The whole set: the device keeps the sessions of the peers it already has.
                let all: Vec<userspace::PeerConfig> = next
                    .values()
                    .filter_map(|p| {
                        Some(userspace::PeerConfig {
                            public_key: keys::parse_public(&p.public_key)?.to_bytes(),
                            endpoint: endpoint(p),
                            allowed_ips: p.allowed(),
                            keepalive: self.keepalive,
                        })
                    })
                    .collect();
                device.set_peers(&all);
            }
        }
        for k in &stale {
            let key = keys::b64(k);
            let name = prev.get(&key).map_or("?", |p| p.name.as_str());
            tracing::info!(peer = name, public_key = key, "WireGuard peer removed");
        }
        for p in &changed {
            tracing::info!(peer = p.name, ips = ?p.ips, public_key = p.public_key, "WireGuard peer set");
        }
        *self.peers.lock().unwrap_or_else(|p| p.into_inner()) = next;
        Ok(added)
    }

    /// A new key pair: stored, installed; the caller re-announces. Returns the new index.
    pub async fn rotate(&self) -> Result<u64, WireguardError> {
        let next = KeyPair::generate(self.key().index + 1)?;
        match &self.backend {
            Backend::Kernel(dev) => dev.set_private_key(next.secret.to_bytes()).await?,
            Backend::Userspace(device) => device.set_private_key(next.secret.clone()),
        }
        next.store(&self.key_path)?;
        let index = next.index;
        tracing::info!(public_key = %next.public_b64(), index, "WireGuard key rotated");
        *self.key.lock().unwrap_or_else(|p| p.into_inner()) = next;
        *self.rotated.lock().unwrap_or_else(|p| p.into_inner()) = Some(SystemTime::now());
        Ok(index)
    }

    /// Key facts for `cilium encryption key` (never the private key).
    pub fn key_info(&self) -> (String, String, u64, u64) {
        let k = self.key();
        (k.public_b64(), k.fingerprint(), k.index, k.created)
    }

    /// When the current key was made.
    pub fn key_created(&self) -> SystemTime {
        std::time::UNIX_EPOCH + Duration::from_secs(self.key().created)
    }

    /// When the last rotation happened.
    pub fn rotated_at(&self) -> Option<SystemTime> {
        *self.rotated.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every peer of the device with its counters.
    async fn peer_states(&self) -> Vec<kernel::PeerState> {
        match &self.backend {
            Backend::Kernel(dev) => dev.peers().await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "reading the WireGuard device");
                Vec::new()
            }),
            Backend::Userspace(device) => device
                .peers()
                .into_iter()
                .map(|s| kernel::PeerState {
                    public_key: s.public_key,
                    endpoint: s.endpoint,
                    allowed_ips: s
                        .allowed_ips
                        .iter()
                        .map(|(ip, len)| format!("{ip}/{len}"))
                        .collect(),
                    last_handshake: s.last_handshake,
                    rx_bytes: s.rx_bytes,
                    tx_bytes: s.tx_bytes,
                })
                .collect(),
        }
    }

    /// Status in Cilium's model, with peers.
    pub async fn status(&self) -> WireguardStatus {
        let now = SystemTime::now();
        let peers: Vec<WireguardPeer> = self
            .peer_states()
            .await
            .into_iter()
            .map(|s| WireguardPeer {
                public_key: keys::b64(&s.public_key),
                endpoint: s.endpoint.map(|e| e.to_string()).unwrap_or_default(),
                last_handshake_time: s
                    .last_handshake
                    .and_then(|d| now.checked_sub(d))
                    .map(rfc3339)
                    .unwrap_or_else(|| "0001-01-01T00:00:00.000Z".into()),
                allowed_ips: s.allowed_ips,
                transfer_rx: s.rx_bytes,
                transfer_tx: s.tx_bytes,
            })
            .collect();
        WireguardStatus {
            interfaces: vec![WireguardInterface {
                name: IFNAME.into(),
                public_key: self.key().public_b64(),
                listen_port: crate::WIREGUARD_PORT,
                peer_count: peers.len() as u64,
                peers,
            }],
            node_encryption: "Enabled".into(),
        }
    }

    /// Last handshakes by public key, for progress of a rotation.
    pub async fn handshakes(&self) -> Vec<(String, Option<Duration>)> {
        self.peer_states()
            .await
            .into_iter()
            .map(|s| (keys::b64(&s.public_key), s.last_handshake))
            .collect()
    }
}

/// The tunnel's MTU: set by the operator (`mtu:`), or derived from the devices' so that an
/// encrypted packet never exceeds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mtu {
    /// `mtu:` of the config, for the device and every route.
    Fixed(u32),
    /// The lowest MTU of the devices the tunnel's packets leave by.
    Derived(u32),
}

impl Mtu {
    /// The device's MTU: the largest inner packet any peer can take, which is one whose
    /// WireGuard packets travel over IPv4.
    fn link(self) -> u32 {
        match self {
            Mtu::Fixed(m) => m,
            Mtu::Derived(dev) => dev.saturating_sub(routing::OVERHEAD_V4).max(1280),
        }
    }

    /// The MTU of the routes to a peer whose endpoint is IPv4 (or IPv6): the device's minus
    /// the exact overhead of that outer family, never above the device's own.
    fn route(self, outer_v4: bool) -> u32 {
        match self {
            Mtu::Fixed(m) => m,
            Mtu::Derived(dev) => {
                let overhead = if outer_v4 { routing::OVERHEAD_V4 } else { routing::OVERHEAD_V6 };
                dev.saturating_sub(overhead).max(1280).min(self.link())
            }
        }
    }
}

/// Where a peer's WireGuard packets go: its endpoint, else its first IPv4 address, else its
/// first one.
fn endpoint(p: &PeerSpec) -> Option<SocketAddr> {
    p.endpoint
        .or_else(|| p.ips.iter().find(|ip| ip.is_ipv4()).or(p.ips.first()).copied())
        .map(|ip| SocketAddr::new(ip, p.port))
}

/// The userspace device, with its UAPI socket (`wg show cilium_wg0` works).
fn userspace_device(
    key: &KeyPair,
    mtu: u32,
    offloads: bool,
) -> Result<Arc<userspace::Device>, WireguardError> {
    let dev_err = |e: String| WireguardError::Device(e);
    let device = Arc::new(
        userspace::Device::create(
            IFNAME,
            key.secret.clone(),
            crate::WIREGUARD_PORT,
            routing::WG_MARK,
            u16::try_from(mtu).unwrap_or(u16::MAX),
            offloads,
        )
        .map_err(|e| dev_err(e.to_string()))?,
    );
    let (tun, gso, gro) = device.offloads();
    tracing::info!(tun = %tun, udp_gso = gso, udp_gro = gro, "userspace WireGuard offloads");
    let listener = uapi_socket().map_err(|e| dev_err(format!("the UAPI socket: {e}")))?;
    let weak = Arc::downgrade(&device);
    std::thread::Builder::new()
        .name("wg-uapi".into())
        .spawn(move || userspace::serve_uapi(weak, listener))
        .map_err(|e| dev_err(e.to_string()))?;
    Ok(device)
}

/// Where `wg(8)` looks for the userspace device's configuration socket.
const UAPI_DIR: &str = "/var/run/wireguard";

/// The UAPI socket `/var/run/wireguard/cilium_wg0.sock`, 0600 from its first moment whatever
/// the umask: a `get` answers with the private key, so only root may ask.
fn uapi_socket() -> std::io::Result<std::os::unix::net::UnixListener> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o755).create(UAPI_DIR)?;
    let path = std::path::Path::new(UAPI_DIR).join(format!("{IFNAME}.sock"));
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    crate::fsutil::bind_socket(&path, 0o600, None)
}

/// Formats a time as go-swagger's `strfmt.DateTime` (milliseconds, UTC).
pub use crate::api::time::format as rfc3339;
/// Parses [`rfc3339`].
pub use crate::api::time::parse as parse_rfc3339;

#[cfg(test)]
mod tests {
    use super::Mtu;
    use super::routing::{FakeTable, Route, RouteTable};

    #[tokio::test]
    async fn blocking_only_adds_and_fails_loudly() {
        let table = FakeTable::default();
        let (vm2, vm3): (std::net::IpAddr, std::net::IpAddr) =
            ("192.168.1.11".parse().expect("ip"), "192.168.1.12".parse().expect("ip"));
        // A kernel backend's tunnel route from before a restart stays: the first sync decides.
        let tunnel =
            Route::Tunnel { dst: vm2, len: 32, oif: 9, mtu: 1440, advmss: 1400, src: None };
        table.replace(&tunnel).await.expect("seed");
        assert_eq!(super::block_peers(&table, &[vm2, vm3], true).await.expect("blocks"), 2);
        assert!(table.routes.lock().expect("lock").contains(&tunnel));
        assert_eq!(super::block_peers(&table, &[vm2, vm3], true).await.expect("again"), 0);
        assert_eq!(super::block_peers(&table, &[vm2], false).await.expect("not strict"), 0);
        *table.fail.lock().expect("lock") = Some("Operation not supported".into());
        assert!(super::block_peers(&table, &[vm2], true).await.is_err());
    }

    #[test]
    fn mtu_takes_the_exact_overhead_of_the_outer_family() {
        let m = Mtu::Derived(1500);
        assert_eq!(m.link(), 1440);
        assert_eq!(m.route(true), 1440, "20 IPv4 + 8 UDP + 32 WireGuard");
        assert_eq!(m.route(false), 1420, "40 IPv6 + 8 UDP + 32 WireGuard");
        assert_eq!(Mtu::Derived(1300).route(false), 1280, "IPv6's minimum");
        assert_eq!(Mtu::Fixed(1418).route(false), 1418, "the operator's value wins");
        assert_eq!(Mtu::Fixed(1418).link(), 1418);
    }
}
