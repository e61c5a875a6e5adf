//! The kernel WireGuard backend: `cilium_wg0` is a kernel `wireguard` link, configured over
//! generic netlink (the interface `wg(8)` uses). Keys travel only inside netlink messages,
//! never on a command line.
//!
//! Unlike the userspace backend, the device outlives the agent: tunnels keep carrying traffic
//! while the agent restarts, and the agent adopts the existing link when it comes back.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use genetlink::GenetlinkHandle;
use netlink_packet_core::{NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NetlinkMessage, NetlinkPayload};
use netlink_packet_generic::GenlMessage;
use netlink_packet_wireguard::{
    WireguardAddressFamily, WireguardAllowedIp, WireguardAllowedIpAttr, WireguardAttribute,
    WireguardCmd, WireguardMessage, WireguardPeer, WireguardPeerAttribute, WireguardPeerFlags,
};

use super::WireguardError;

/// One peer as the device reports it.
#[derive(Debug, Clone, Default)]
pub struct PeerState {
    /// Public key.
    pub public_key: [u8; 32],
    /// Current endpoint.
    pub endpoint: Option<SocketAddr>,
    /// Allowed IPs as `addr/len`.
    pub allowed_ips: Vec<String>,
    /// Time since the last handshake.
    pub last_handshake: Option<Duration>,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
}

/// A peer to install.
#[derive(Debug, Clone)]
pub struct PeerConfig {
    /// Public key.
    pub public_key: [u8; 32],
    /// Endpoint.
    pub endpoint: Option<SocketAddr>,
    /// Prefixes routed to this peer (host ones, and the pod CIDR of a Kubernetes node).
    pub allowed_ips: Vec<(IpAddr, u8)>,
    /// Keepalive interval in seconds.
    pub keepalive: u16,
}

/// A kernel WireGuard device.
pub struct KernelDevice {
    ifname: String,
    handle: GenetlinkHandle,
}

impl std::fmt::Debug for KernelDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelDevice").field("ifname", &self.ifname).finish_non_exhaustive()
    }
}

fn dev_err(e: impl std::fmt::Display) -> WireguardError {
    WireguardError::Device(e.to_string())
}

/// Whether this kernel can create WireGuard links (the module is loaded or loadable).
pub fn available() -> bool {
    std::path::Path::new("/sys/module/wireguard").exists()
        || std::fs::read_to_string("/proc/modules").is_ok_and(|m| m.contains("wireguard "))
        || module_file_exists()
}

fn module_file_exists() -> bool {
    let Ok(release) = std::fs::read_to_string("/proc/sys/kernel/osrelease") else { return false };
    let dir = format!("/lib/modules/{}", release.trim());
    std::fs::read_to_string(format!("{dir}/modules.dep"))
        .is_ok_and(|deps| deps.lines().any(|l| l.contains("/wireguard.ko")))
}

impl KernelDevice {
    /// Creates the link (or adopts an existing kernel one) and sets key, port and mark.
    pub async fn create(
        ifname: &str,
        private_key: [u8; 32],
        port: u16,
        fwmark: u32,
        netlink: &super::routing::Netlink,
    ) -> Result<Self, WireguardError> {
        match netlink.link_kind(ifname).await? {
            Some(kind) if kind == "wireguard" => {
                tracing::info!(interface = ifname, "adopting the existing kernel WireGuard link");
            }
            Some(other) => {
                // A leftover of the userspace backend (a TUN) or something else: replace it.
                tracing::info!(interface = ifname, kind = %other, "replacing a non-WireGuard link");
                netlink.delete_link(ifname).await?;
                netlink.add_wireguard_link(ifname).await?;
            }
            None => netlink.add_wireguard_link(ifname).await?,
        }
        let (conn, handle, _) = genetlink::new_connection().map_err(dev_err)?;
        tokio::spawn(conn);
        let dev = Self { ifname: ifname.to_string(), handle };
        dev.set(vec![
            WireguardAttribute::PrivateKey(private_key),
            WireguardAttribute::ListenPort(port),
            WireguardAttribute::Fwmark(fwmark),
        ])
        .await?;
        Ok(dev)
    }

    async fn set(&self, mut attributes: Vec<WireguardAttribute>) -> Result<(), WireguardError> {
        attributes.insert(0, WireguardAttribute::IfName(self.ifname.clone()));
        let msg = GenlMessage::from_payload(WireguardMessage {
            cmd: WireguardCmd::SetDevice,
            attributes,
        });
        let mut nl = NetlinkMessage::from(msg);
        nl.header.flags = NLM_F_REQUEST | NLM_F_ACK;
        let mut responses = self.handle.clone().request(nl).await.map_err(dev_err)?;
        while let Some(r) = responses.next().await {
            let r = r.map_err(dev_err)?;
            if let NetlinkPayload::Error(e) = r.payload
                && e.code.is_some()
            {
                return Err(dev_err(format!("setting {}: {}", self.ifname, e.to_io())));
            }
        }
        Ok(())
    }

    /// Sets a new private key; the kernel drops the old sessions and peers handshake again.
    pub async fn set_private_key(&self, key: [u8; 32]) -> Result<(), WireguardError> {
        self.set(vec![WireguardAttribute::PrivateKey(key)]).await
    }

    /// Removes `stale` peers and adds or updates `peers` (their allowed IPs replaced), in
    /// messages of at most [`PEERS_PER_MESSAGE`] peers as `wg(8)` splits them: one message
    /// for hundreds of peers would overflow netlink's 16-bit attribute length.
    pub async fn update_peers(
        &self,
        stale: &[[u8; 32]],
        peers: &[PeerConfig],
    ) -> Result<(), WireguardError> {
        let mut list: Vec<WireguardPeer> = stale
            .iter()
            .map(|k| {
                WireguardPeer(vec![
                    WireguardPeerAttribute::PublicKey(*k),
                    WireguardPeerAttribute::Flags(WireguardPeerFlags::RemoveMe),
                ])
            })
            .collect();
        for p in peers {
            let mut attrs = vec![
                WireguardPeerAttribute::PublicKey(p.public_key),
                WireguardPeerAttribute::Flags(WireguardPeerFlags::ReplaceAllowedIps),
                WireguardPeerAttribute::PersistentKeepalive(p.keepalive),
                WireguardPeerAttribute::AllowedIps(
                    p.allowed_ips
                        .iter()
                        .map(|(ip, len)| {
                            let family = match ip {
                                IpAddr::V4(_) => WireguardAddressFamily::Ipv4,
                                IpAddr::V6(_) => WireguardAddressFamily::Ipv6,
                            };
                            WireguardAllowedIp(vec![
                                WireguardAllowedIpAttr::Family(family),
                                WireguardAllowedIpAttr::IpAddr(*ip),
                                WireguardAllowedIpAttr::Cidr(*len),
                            ])
                        })
                        .collect(),
                ),
            ];
            if let Some(e) = p.endpoint {
                attrs.push(WireguardPeerAttribute::Endpoint(e));
            }
            list.push(WireguardPeer(attrs));
        }
        for chunk in list.chunks(PEERS_PER_MESSAGE) {
            self.set(vec![WireguardAttribute::Peers(chunk.to_vec())]).await?;
        }
        Ok(())
    }

    /// The device's peers with their counters.
    pub async fn peers(&self) -> Result<Vec<PeerState>, WireguardError> {
        let msg = GenlMessage::from_payload(WireguardMessage {
            cmd: WireguardCmd::GetDevice,
            attributes: vec![WireguardAttribute::IfName(self.ifname.clone())],
        });
        let mut nl = NetlinkMessage::from(msg);
        nl.header.flags = NLM_F_REQUEST | NLM_F_DUMP;
        let mut responses = self.handle.clone().request(nl).await.map_err(dev_err)?;
        let mut out = Vec::new();
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        while let Some(r) = responses.next().await {
            let r = r.map_err(dev_err)?;
            let msg = match r.payload {
                NetlinkPayload::InnerMessage(m) => m.payload,
                NetlinkPayload::Error(e) if e.code.is_some() => {
                    return Err(dev_err(format!("reading {}: {}", self.ifname, e.to_io())));
                }
                _ => continue,
            };
            for attr in msg.attributes {
                let WireguardAttribute::Peers(peers) = attr else { continue };
                for WireguardPeer(attrs) in peers {
                    let mut p = PeerState::default();
                    for a in attrs {
                        match a {
                            WireguardPeerAttribute::PublicKey(k) => p.public_key = k,
                            WireguardPeerAttribute::Endpoint(e) => p.endpoint = Some(e),
                            WireguardPeerAttribute::RxBytes(n) => p.rx_bytes = n,
                            WireguardPeerAttribute::TxBytes(n) => p.tx_bytes = n,
                            WireguardPeerAttribute::LastHandshake(t) if t.seconds > 0 => {
                                let at = Duration::new(
                                    t.seconds.max(0) as u64,
                                    t.nano_seconds.clamp(0, 999_999_999) as u32,
                                );
                                p.last_handshake = Some(now.saturating_sub(at));
                            }
                            WireguardPeerAttribute::AllowedIps(ips) => {
                                for WireguardAllowedIp(ip) in ips {
                                    let addr = ip.iter().find_map(|x| match x {
                                        WireguardAllowedIpAttr::IpAddr(a) => Some(*a),
                                        _ => None,
                                    });
                                    let len = ip.iter().find_map(|x| match x {
                                        WireguardAllowedIpAttr::Cidr(c) => Some(*c),
                                        _ => None,
                                    });
                                    if let (Some(a), Some(l)) = (addr, len) {
                                        p.allowed_ips.push(format!("{a}/{l}"));
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    out.push(p);
                }
            }
        }
        Ok(out)
    }
}

/// Peers per SET_DEVICE message: a peer with a handful of allowed IPs takes about 150 bytes,
/// so a message stays far below the 64 KiB a netlink attribute can hold.
pub const PEERS_PER_MESSAGE: usize = 64;
