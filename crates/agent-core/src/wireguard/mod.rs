//! Transparent encryption between the nodes of the cluster with WireGuard.
//!
//! Start-up, in order, so that nothing ever leaves in plaintext for a peer:
//! 1. the policy-routing rules, and (strict mode) an `unreachable` route for every configured
//!    peer: from here on, traffic to a peer either goes through the tunnel or fails;
//! 2. the key pair (created on first start, kept 0600 in the state directory);
//! 3. the device `cilium_wg0` with its UAPI socket (`wg show cilium_wg0` works);
//! 4. peers and routes as announcements bring their public keys.
//!
//! The userspace backend (GotaTun: TUN + WireGuard protocol) runs everywhere; it is what
//! `backend: auto` picks until the kernel backend exists.

pub mod keys;
pub mod routing;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use gotatun::device::uapi::UapiServer;
use gotatun::device::{DefaultDeviceTransports, Device, Peer};

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
}

/// The running WireGuard subsystem.
pub struct WireGuard {
    device: Device<DefaultDeviceTransports>,
    key: Mutex<KeyPair>,
    key_path: PathBuf,
    mtu: u32,
    strict: bool,
    src4: Option<IpAddr>,
    src6: Option<IpAddr>,
    peers: Mutex<BTreeMap<String, PeerSpec>>,
    rotated: Mutex<Option<SystemTime>>,
    running: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for WireGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireGuard")
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
    /// Peer addresses from the static list, blocked until their tunnel is up.
    pub configured_peers: Vec<IpAddr>,
    /// Devices whose MTU bounds the tunnel's.
    pub devices: Vec<String>,
}

fn kernel_module_present() -> bool {
    std::path::Path::new("/sys/module/wireguard").exists()
}

impl WireGuard {
    /// Starts encryption.
    pub async fn start(o: &Options) -> Result<WireGuard, WireguardError> {
        match o.backend.as_str() {
            "kernel" => {
                return Err(WireguardError::Backend(if kernel_module_present() {
                    "encryption.backend: kernel is not implemented yet; use auto or userspace"
                        .into()
                } else {
                    "encryption.backend: kernel needs the wireguard kernel module, which this kernel does not have; use auto or userspace".into()
                }));
            }
            "auto" if kernel_module_present() => {
                tracing::info!(
                    "the kernel has WireGuard, but the kernel backend is not implemented yet: using the userspace backend"
                );
            }
            _ => {}
        }
        routing::install_rules()?;
        if o.strict {
            for ip in &o.configured_peers {
                routing::block_peer(*ip)?;
            }
        }
        let key = KeyPair::load_or_create(&keys::key_path(&o.state_dir))?;
        let mtu = o.mtu.unwrap_or_else(|| {
            let lowest =
                o.devices.iter().filter_map(|d| routing::device_mtu(d)).min().unwrap_or(1500);
            lowest.saturating_sub(routing::OVERHEAD_V6).max(1280)
        });
        let dev_err = |e: String| WireguardError::Device(e);
        let uapi = UapiServer::default_unix_socket(IFNAME, None, None)
            .map_err(|e| dev_err(e.to_string()))?;
        let device = gotatun::device::build()
            .with_default_udp()
            .create_tun(IFNAME)
            .map_err(|e| dev_err(e.to_string()))?
            .with_private_key(key.secret.clone())
            .with_listen_port(crate::WIREGUARD_PORT)
            .with_fwmark(routing::WG_MARK)
            .with_uapi(uapi)
            // Without peers there is no connection to run; the first peers resume it.
            .suspended(true)
            .build()
            .await
            .map_err(|e| dev_err(e.to_string()))?;
        routing::link_up(IFNAME, mtu)?;
        tracing::info!(interface = IFNAME, mtu, public_key = %key.public_b64(), strict = o.strict, "WireGuard is up");
        Ok(WireGuard {
            device,
            key: Mutex::new(key),
            key_path: keys::key_path(&o.state_dir),
            mtu,
            strict: o.strict,
            src4: o.local_ips.iter().copied().find(IpAddr::is_ipv4),
            src6: o.local_ips.iter().copied().find(|ip| {
                ip.is_ipv6() && !matches!(ip, IpAddr::V6(v) if (v.segments()[0] & 0xffc0) == 0xfe80)
            }),
            peers: Mutex::new(BTreeMap::new()),
            rotated: Mutex::new(None),
            running: std::sync::atomic::AtomicBool::new(false),
        })
    }

    fn key(&self) -> KeyPair {
        self.key.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The public key (base64) and rotation index this node announces.
    pub fn announced_key(&self) -> (String, u64) {
        let k = self.key();
        (k.public_b64(), k.index)
    }

    /// MTU of the tunnel.
    pub fn mtu(&self) -> u32 {
        self.mtu
    }

    /// Strict mode on.
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// Makes the device's peers and the routes match `peers`.
    pub async fn sync_peers(&self, peers: Vec<PeerSpec>) -> Result<(), WireguardError> {
        let next: BTreeMap<String, PeerSpec> = peers
            .into_iter()
            .filter(|p| keys::parse_public(&p.public_key).is_some())
            .map(|p| (p.name.clone(), p))
            .collect();
        let prev = self.peers.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if next == prev {
            return Ok(());
        }
        let mut wg_peers = Vec::new();
        for p in next.values() {
            let Some(pk) = keys::parse_public(&p.public_key) else { continue };
            let endpoint = p
                .ips
                .iter()
                .find(|ip| ip.is_ipv4())
                .or(p.ips.first())
                .map(|ip| SocketAddr::new(*ip, p.port));
            let mut peer = Peer::new(pk).with_allowed_ips(p.ips.iter().map(|ip| host_network(*ip)));
            if let Some(e) = endpoint {
                peer = peer.with_endpoint(e);
            }
            peer.keepalive = Some(25);
            wg_peers.push(peer);
        }
        let added: Vec<_> = next
            .values()
            .filter(|p| prev.get(&p.name).is_none_or(|q| q.public_key != p.public_key))
            .filter_map(|p| keys::parse_public(&p.public_key))
            .collect();
        let stale: Vec<_> = prev
            .values()
            .filter(|p| next.get(&p.name).is_none_or(|n| n.public_key != p.public_key))
            .filter_map(|p| keys::parse_public(&p.public_key))
            .collect();
        self.device
            .write(async |w| {
                for pk in &stale {
                    w.remove_peer(pk).await;
                }
                w.add_or_update_peers(wg_peers).await;
            })
            .await
            .map_err(|e| WireguardError::Device(e.to_string()))?;
        if !next.is_empty() && !self.running.swap(true, std::sync::atomic::Ordering::SeqCst) {
            self.device.resume().await.map_err(|e| WireguardError::Device(e.to_string()))?;
        }
        // A new peer, or one we just restarted for, gets a handshake now rather than when the
        // old session times out (which, after a restart, would black-hole traffic for minutes).
        for pk in &added {
            let _ =
                tokio::time::timeout(Duration::from_millis(200), self.device.force_handshake(pk))
                    .await;
        }
        for p in next.values() {
            for ip in &p.ips {
                let src = if ip.is_ipv4() { self.src4 } else { self.src6 };
                routing::add_peer(IFNAME, *ip, src, self.mtu, self.strict)?;
            }
        }
        for p in prev.values().filter(|p| !next.contains_key(&p.name)) {
            for ip in &p.ips {
                routing::remove_peer(*ip);
                if self.strict {
                    routing::block_peer(*ip)?;
                }
            }
        }
        *self.peers.lock().unwrap_or_else(|p| p.into_inner()) = next;
        Ok(())
    }

    /// A new key pair: stored, installed; the caller re-announces. Returns the new index.
    pub async fn rotate(&self) -> Result<u64, WireguardError> {
        let next = KeyPair::generate(self.key().index + 1)?;
        // A new key rebuilds the connection; suspending first releases the UDP port so the
        // rebuilt socket can bind it again.
        self.device.suspend().await;
        let set = self.device.set_private_key(next.secret.clone()).await;
        // The old socket's tasks end asynchronously: retry the bind until the port is free.
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        let resumed = loop {
            match self.device.resume().await {
                Err(e)
                    if std::time::Instant::now() < deadline && e.to_string().contains("in use") =>
                {
                    // A failed resume leaves the device marked resumed but without a
                    // connection: suspend again so that the next resume really sets one up.
                    self.device.suspend().await;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                other => break other,
            }
        };
        set.and(resumed).map_err(|e| WireguardError::Device(e.to_string()))?;
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

    /// When the last rotation happened.
    pub fn rotated_at(&self) -> Option<SystemTime> {
        *self.rotated.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Status in Cilium's model, with peers.
    pub async fn status(&self) -> WireguardStatus {
        let stats = self.device.peers().await;
        let now = SystemTime::now();
        let peers: Vec<WireguardPeer> = stats
            .iter()
            .map(|s| WireguardPeer {
                public_key: keys::b64(s.peer.public_key.as_bytes()),
                endpoint: s.peer.endpoint.map(|e| e.to_string()).unwrap_or_default(),
                last_handshake_time: s
                    .stats
                    .last_handshake
                    .and_then(|d| now.checked_sub(d))
                    .map(rfc3339)
                    .unwrap_or_else(|| "0001-01-01T00:00:00.000Z".into()),
                allowed_ips: s.peer.allowed_ips.iter().map(ToString::to_string).collect(),
                transfer_rx: s.stats.rx_bytes as u64,
                transfer_tx: s.stats.tx_bytes as u64,
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
        self.device
            .peers()
            .await
            .iter()
            .map(|s| (keys::b64(s.peer.public_key.as_bytes()), s.stats.last_handshake))
            .collect()
    }
}

fn host_network(ip: IpAddr) -> ipnetwork::IpNetwork {
    let len = if ip.is_ipv4() { 32 } else { 128 };
    ipnetwork::IpNetwork::new(ip, len).unwrap_or_else(|_| ipnetwork::IpNetwork::from(ip))
}

/// Formats a time as go-swagger's `strfmt.DateTime` (milliseconds, UTC).
pub use crate::api::time::format as rfc3339;
/// Parses [`rfc3339`].
pub use crate::api::time::parse as parse_rfc3339;
