//! The userspace WireGuard backend: our own device around GotaTun's protocol core.
//!
//! GotaTun's `Tunn` does the WireGuard protocol (Noise handshakes, sessions, timers, cookies);
//! this module owns everything around it: the TUN device, the UDP socket, the peer table and
//! the threads that move packets. GotaTun's own device layer holds async locks across awaits
//! in its packet tasks, and under the membership churn of a few dozen nodes its outgoing path
//! stalled for good (the TUN queue filled, every tunnel went dark while handshakes went on).
//! Here the model is plain: three threads (TUN to UDP, UDP to TUN, timers), one `std` mutex per
//! peer held only while the protocol core runs, never across I/O, and a peer table replaced
//! whole (copy on write) when membership changes, so the packet paths never wait for it.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::BytesMut;
use gotatun::noise::index_table::IndexTable;
use gotatun::noise::rate_limiter::RateLimiter;
use gotatun::noise::{Tunn, TunnResult};
use gotatun::packet::{Packet, WgKind};
use gotatun::tun::MtuWatcher;
use gotatun::x25519::{PublicKey, StaticSecret};

use super::offload::{self, Coalescer, VNET_HDR_LEN, VnetHdr};
use super::tun::Offloads;
use super::udp::Socket;

/// Handshakes per second before cookies are demanded (WireGuard's own default).
const HANDSHAKE_RATE_LIMIT: u64 = 100;
/// How often timers run (WireGuard's timer resolution).
const TIMER_TICK: Duration = Duration::from_millis(250);
/// How often blocking reads wake to see whether the device is being closed.
const POLL: Duration = Duration::from_millis(200);
/// Largest datagram or TUN packet read.
const MAX_PACKET: usize = 65_536;

/// Why the device could not be created or changed.
#[derive(Debug, thiserror::Error)]
pub enum UserspaceError {
    /// The TUN device.
    #[error("TUN device {name}: {source}")]
    Tun {
        /// Its name.
        name: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The UDP socket.
    #[error("UDP port {port}: {source}")]
    Udp {
        /// The port.
        port: u16,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
}

/// One peer of the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerConfig {
    /// Public key.
    pub public_key: [u8; 32],
    /// Where its packets go (until it roams).
    pub endpoint: Option<SocketAddr>,
    /// Prefixes routed to it (host ones, and the pod CIDR of a Kubernetes node).
    pub allowed_ips: Vec<(IpAddr, u8)>,
    /// Persistent keepalive, seconds.
    pub keepalive: Option<u16>,
}

/// A peer as the device reports it.
#[derive(Debug, Clone, Default)]
pub struct PeerStatus {
    /// Public key.
    pub public_key: [u8; 32],
    /// Current endpoint.
    pub endpoint: Option<SocketAddr>,
    /// Allowed IPs.
    pub allowed_ips: Vec<(IpAddr, u8)>,
    /// Time since the last handshake.
    pub last_handshake: Option<Duration>,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Persistent keepalive, seconds.
    pub keepalive: Option<u16>,
}

struct PeerState {
    /// The protocol state, while WireGuard holds keys or a handshake for the peer. A `Tunn`
    /// keeps its eight session slots inline (about 17 KiB), which at 1,000 peers was a third
    /// of the agent's memory for peers with nothing in them: it is made by the first packet and
    /// dropped once WireGuard has erased its keys (see [`PeerState::retire`]).
    tunn: Option<Box<Tunn>>,
    endpoint: Option<SocketAddr>,
    /// The last packet to or from the peer: past [`DORMANT_AFTER`] its timers rest.
    last_packet: Option<std::time::Instant>,
    /// What the `Tunn`s dropped before had counted, so `wg show` goes on adding up.
    rx_before: u64,
    tx_before: u64,
    handshake_at: Option<std::time::Instant>,
}

impl PeerState {
    fn new(endpoint: Option<SocketAddr>) -> PeerState {
        PeerState {
            tunn: None,
            endpoint,
            last_packet: None,
            rx_before: 0,
            tx_before: 0,
            handshake_at: None,
        }
    }

    /// Drops the protocol state, keeping its counters. Only when nothing in it is worth
    /// keeping: WireGuard erased the keys (540 s after the last session, or 90 s of handshake
    /// attempts unanswered); the next packet makes a fresh one, which handshakes as WireGuard
    /// does after expiry.
    fn retire(&mut self) {
        if let Some(t) = self.tunn.take() {
            let (since, tx, rx, _, _) = t.stats();
            self.tx_before += tx as u64;
            self.rx_before += rx as u64;
            if let Some(since) = since {
                self.handshake_at = std::time::Instant::now().checked_sub(since);
            }
        }
    }

    /// Since the last handshake, bytes sent and received, over every `Tunn` the peer had.
    fn stats(&self) -> (Option<Duration>, u64, u64) {
        let earlier = self.handshake_at.map(|t| t.elapsed());
        match &self.tunn {
            Some(t) => {
                let (since, tx, rx, _, _) = t.stats();
                (since.or(earlier), self.tx_before + tx as u64, self.rx_before + rx as u64)
            }
            None => (earlier, self.tx_before, self.rx_before),
        }
    }
}

/// Without traffic for this long a peer has no timer left to run (WireGuard erases every
/// session key after 3 × REJECT_AFTER_TIME, 540 s), so the timer thread skips it until a
/// packet comes: a thousand idle peers cost nothing, where ticking each of them every 250 ms
/// was the agent's largest idle cost at 1,000 nodes.
const DORMANT_AFTER: Duration = Duration::from_secs(600);

struct Peer {
    public_key: [u8; 32],
    keepalive: Option<u16>,
    state: Mutex<PeerState>,
}

/// The peers, replaced whole on every change: the packet paths clone the `Arc` and never wait.
#[derive(Default)]
struct Table {
    by_key: HashMap<[u8; 32], Arc<Peer>>,
    by_ip: HashMap<IpAddr, Arc<Peer>>,
    /// Shorter prefixes (pod CIDRs), longest first: looked up when no host entry matches.
    by_prefix: Vec<(IpAddr, u8, Arc<Peer>)>,
}

impl Table {
    /// The peer whose allowed IPs hold `ip`: the host entry, else the longest prefix.
    fn lookup(&self, ip: IpAddr) -> Option<&Arc<Peer>> {
        self.by_ip.get(&ip).or_else(|| {
            self.by_prefix
                .iter()
                .find(|(net, len, _)| prefix_holds(*net, *len, ip))
                .map(|(_, _, p)| p)
        })
    }
}

fn host_len(ip: &IpAddr) -> u8 {
    if ip.is_ipv4() { 32 } else { 128 }
}

fn prefix_holds(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    crate::policy::types::Cidr { addr: net, len }.contains(ip)
}

struct Keys {
    secret: StaticSecret,
    public: PublicKey,
    rate_limiter: Arc<RateLimiter>,
}

struct Inner {
    name: String,
    port: u16,
    fwmark: u32,
    tun: std::fs::File,
    /// What the TUN device does for us (and so whether its packets carry a virtio header).
    offloads: Offloads,
    udp: Socket,
    keys: RwLock<Keys>,
    table: RwLock<Arc<Table>>,
    /// Local session indices (from our handshake messages) to their peer.
    by_index: Mutex<HashMap<u32, Arc<Peer>>>,
    index_table: IndexTable,
    mtu: Mutex<MtuWatcher>,
    closing: AtomicBool,
}

/// The running device. Dropping it stops its threads and removes the TUN device.
pub struct Device {
    inner: Arc<Inner>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device").field("name", &self.inner.name).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Device {
    /// Creates the TUN device `name` and the UDP socket on `port` (with `fwmark` on every
    /// packet, so WireGuard's own traffic skips the tunnel's routes), and starts the threads.
    pub fn create(
        name: &str,
        secret: StaticSecret,
        port: u16,
        fwmark: u32,
        mtu: u16,
        offloads: bool,
    ) -> Result<Device, UserspaceError> {
        let (tun, granted) = super::tun::open(name, offloads)
            .map_err(|source| UserspaceError::Tun { name: name.to_string(), source })?;
        let udp = Socket::bind(port, fwmark, POLL, offloads)
            .map_err(|source| UserspaceError::Udp { port, source })?;
        let public = PublicKey::from(&secret);
        let inner = Arc::new(Inner {
            name: name.to_string(),
            port,
            fwmark,
            tun: std::fs::File::from(tun),
            offloads: granted,
            udp,
            keys: RwLock::new(Keys {
                rate_limiter: Arc::new(RateLimiter::new(&public, HANDSHAKE_RATE_LIMIT)),
                secret,
                public,
            }),
            table: RwLock::new(Arc::default()),
            by_index: Mutex::new(HashMap::new()),
            index_table: IndexTable::from_os_rng(),
            mtu: Mutex::new(MtuWatcher::new(mtu)),
            closing: AtomicBool::new(false),
        });
        let mut threads = Vec::new();
        for (what, run) in [
            ("wg-tun-rx", tun_to_udp as fn(&Inner)),
            ("wg-udp-rx", udp_to_tun as fn(&Inner)),
            ("wg-timers", timers as fn(&Inner)),
        ] {
            let i = inner.clone();
            let t = std::thread::Builder::new()
                .name(what.into())
                .spawn(move || run(&i))
                .map_err(|source| UserspaceError::Tun { name: name.to_string(), source })?;
            threads.push(t);
        }
        Ok(Device { inner, threads })
    }

    /// The UDP port.
    pub fn listen_port(&self) -> u16 {
        self.inner.port
    }

    /// The offloads in use: the TUN device's, then UDP GSO and GRO.
    pub fn offloads(&self) -> (Offloads, bool, bool) {
        let (gso, gro) = self.inner.udp.offloads();
        (self.inner.offloads, gso, gro)
    }

    /// The mark of the device's UDP packets.
    pub fn fwmark(&self) -> u32 {
        self.inner.fwmark
    }

    /// This device's public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.inner.keys.read().unwrap_or_else(|p| p.into_inner()).public.to_bytes()
    }

    /// Makes the peers exactly `peers`: new ones added, changed ones updated in place (their
    /// sessions kept), missing ones removed.
    pub fn set_peers(&self, peers: &[PeerConfig]) {
        let keys = self.inner.keys.read().unwrap_or_else(|p| p.into_inner());
        let old = self.inner.table.read().unwrap_or_else(|p| p.into_inner()).clone();
        let mut next = Table::default();
        for p in peers {
            let peer = match old.by_key.get(&p.public_key) {
                Some(existing) if existing.keepalive == p.keepalive => {
                    let mut st = lock(&existing.state);
                    if p.endpoint.is_some() && st.endpoint.is_none() {
                        st.endpoint = p.endpoint;
                    }
                    drop(st);
                    existing.clone()
                }
                _ => {
                    let peer = Arc::new(Peer {
                        public_key: p.public_key,
                        keepalive: p.keepalive,
                        state: Mutex::new(PeerState::new(p.endpoint)),
                    });
                    // A persistent keepalive runs from the start, so its state must exist.
                    if p.keepalive.is_some() {
                        lock(&peer.state).tunn = Some(new_tunn(&keys, &peer, &self.inner));
                    }
                    peer
                }
            };
            for (ip, len) in &p.allowed_ips {
                if *len == host_len(ip) {
                    next.by_ip.insert(*ip, peer.clone());
                } else {
                    next.by_prefix.push((*ip, *len, peer.clone()));
                }
            }
            next.by_key.insert(p.public_key, peer);
        }
        drop(keys);
        next.by_prefix.sort_by_key(|b| std::cmp::Reverse(b.1));
        *self.inner.table.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(next);
        // Sessions of removed peers point at nothing any more.
        let table = self.inner.table.read().unwrap_or_else(|p| p.into_inner()).clone();
        lock(&self.inner.by_index).retain(|_, p| table.by_key.contains_key(&p.public_key));
    }

    /// Installs a new private key: every session ends, and peers handshake again.
    pub fn set_private_key(&self, secret: StaticSecret) {
        let public = PublicKey::from(&secret);
        let rate_limiter = Arc::new(RateLimiter::new(&public, HANDSHAKE_RATE_LIMIT));
        let mut keys = self.inner.keys.write().unwrap_or_else(|p| p.into_inner());
        let table = self.inner.table.read().unwrap_or_else(|p| p.into_inner()).clone();
        for peer in table.by_key.values() {
            if let Some(t) = lock(&peer.state).tunn.as_mut() {
                t.set_static_private(secret.clone(), public, rate_limiter.clone());
            }
        }
        *keys = Keys { secret, public, rate_limiter };
    }

    /// Every peer with its state.
    pub fn peers(&self) -> Vec<PeerStatus> {
        let table = self.inner.table.read().unwrap_or_else(|p| p.into_inner()).clone();
        let mut out: Vec<PeerStatus> = table
            .by_key
            .values()
            .map(|peer| {
                let st = lock(&peer.state);
                let (since, tx, rx) = st.stats();
                PeerStatus {
                    public_key: peer.public_key,
                    endpoint: st.endpoint,
                    allowed_ips: table
                        .by_ip
                        .iter()
                        .filter(|(_, p)| Arc::ptr_eq(p, peer))
                        .map(|(ip, _)| (*ip, host_len(ip)))
                        .chain(
                            table
                                .by_prefix
                                .iter()
                                .filter(|(_, _, p)| Arc::ptr_eq(p, peer))
                                .map(|(ip, len, _)| (*ip, *len)),
                        )
                        .collect(),
                    last_handshake: since,
                    rx_bytes: rx,
                    tx_bytes: tx,
                    keepalive: peer.keepalive,
                }
            })
            .collect();
        out.sort_by_key(|p| p.public_key);
        out
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        self.inner.closing.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn canonical(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::from((v4, v6.port())),
            None => addr,
        },
        v4 => v4,
    }
}

fn send(inner: &Inner, packet: WgKind, to: SocketAddr) {
    let packet: Packet = packet.into();
    inner.udp.send(packet.as_ref(), to);
}

/// A fresh protocol state for `peer` with the device's current keys.
fn new_tunn(keys: &Keys, peer: &Peer, inner: &Inner) -> Box<Tunn> {
    Box::new(Tunn::new(
        keys.secret.clone(),
        PublicKey::from(peer.public_key),
        None,
        peer.keepalive,
        inner.index_table.clone(),
        keys.rate_limiter.clone(),
    ))
}

/// Gives `peer` its protocol state if it has none. Made under the keys' read lock, so a key
/// rotation either sees the new state or comes after it (the rotation holds the write lock
/// while it updates every peer).
fn ensure_tunn(inner: &Inner, peer: &Peer) {
    if lock(&peer.state).tunn.is_some() {
        return;
    }
    let keys = inner.keys.read().unwrap_or_else(|p| p.into_inner());
    let mut st = lock(&peer.state);
    if st.tunn.is_none() {
        st.tunn = Some(new_tunn(&keys, peer, inner));
    }
}

/// Remembers the local index of a handshake message we send, so that the answer and the
/// session's data find their peer.
fn register_index(inner: &Inner, packet: &WgKind, peer: &Arc<Peer>) {
    let idx = match packet {
        WgKind::HandshakeInit(p) => p.sender_idx.get(),
        WgKind::HandshakeResp(p) => p.sender_idx.get(),
        _ => return,
    };
    lock(&inner.by_index).insert(idx, peer.clone());
}

/// The destination of an IP packet.
fn destination(buf: &[u8]) -> Option<IpAddr> {
    address_at(buf, 16, 24)
}

/// The source of an IP packet.
fn source(buf: &[u8]) -> Option<IpAddr> {
    address_at(buf, 12, 8)
}

/// The IP packet inside a decrypted WireGuard payload: the sender pads plaintext to a multiple
/// of 16 bytes, and the padding must not reach the TUN (the kernel would trim it only after the
/// firewall had counted it). `None` when the header's own length does not fit what arrived.
fn ip_packet(buf: &[u8]) -> Option<&[u8]> {
    let len = match buf.first()? >> 4 {
        4 => {
            let total = usize::from(u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?));
            (total >= 20).then_some(total)?
        }
        6 => 40 + usize::from(u16::from_be_bytes(buf.get(4..6)?.try_into().ok()?)),
        _ => return None,
    };
    buf.get(..len)
}

/// The address at `v4` or `v6` bytes into an IP header, by the packet's version, when the
/// whole fixed header is there.
fn address_at(buf: &[u8], v4: usize, v6: usize) -> Option<IpAddr> {
    match buf.first()? >> 4 {
        4 if buf.len() >= 20 => {
            let b: [u8; 4] = buf.get(v4..v4 + 4)?.try_into().ok()?;
            Some(IpAddr::from(b))
        }
        6 if buf.len() >= 40 => {
            let b: [u8; 16] = buf.get(v6..v6 + 16)?.try_into().ok()?;
            Some(IpAddr::from(b))
        }
        _ => None,
    }
}

/// Waits until `fd` is readable or [`POLL`] passes.
fn readable(fd: &impl AsFd) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    matches!(poll(&mut fds, PollTimeout::from(POLL.as_millis() as u16)), Ok(n) if n > 0)
}

/// TUN to UDP: each packet an application sends to a peer, encrypted. With TSO a read is a
/// super-packet, cut into wire segments that are sealed one by one and leave in one GSO send.
fn tun_to_udp(inner: &Inner) {
    let hdr_len = if inner.offloads.vnet_hdr { VNET_HDR_LEN } else { 0 };
    let mut buf = vec![0u8; hdr_len + MAX_PACKET];
    let mut scratch = Vec::with_capacity(MAX_PACKET);
    let mut sealed: Vec<WgKind> = Vec::new();
    let mut tun = &inner.tun;
    while !inner.closing.load(Ordering::SeqCst) {
        if !readable(&inner.tun) {
            continue;
        }
        let n = match tun.read(&mut buf) {
            Ok(0) => continue,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => {
                tracing::error!(error = %e, "reading the TUN device");
                std::thread::sleep(POLL);
                continue;
            }
        };
        let Some((head, packet)) = buf.get_mut(..n).and_then(|b| b.split_at_mut_checked(hdr_len))
        else {
            continue;
        };
        let hdr = if hdr_len > 0 { VnetHdr::parse(head) } else { Some(VnetHdr::default()) };
        let Some(hdr) = hdr else { continue };
        let Some(dst) = destination(packet) else { continue };
        let table = inner.table.read().unwrap_or_else(|p| p.into_inner()).clone();
        let Some(peer) = table.lookup(dst).cloned() else { continue };
        let mut mtu = lock(&inner.mtu).clone();
        ensure_tunn(inner, &peer);
        let endpoint = {
            let mut st = lock(&peer.state);
            st.last_packet = Some(std::time::Instant::now());
            let Some(tunn) = st.tunn.as_mut() else { continue };
            let cut = offload::segment(hdr, packet, &mut scratch, |segment| {
                let plain = Packet::from_bytes(BytesMut::from(segment));
                sealed.extend(tunn.handle_outgoing_packet(plain, Some(&mut mtu)));
            });
            if let Err(e) = cut {
                tracing::debug!(error = %e, "dropping a packet from the TUN device");
            }
            st.endpoint
        };
        let Some(to) = endpoint else {
            sealed.clear();
            continue;
        };
        send_sealed(inner, &mut sealed, &peer, to);
    }
}

/// Sends what the protocol core made of a packet, in order: runs of data packets together,
/// handshake messages (whose indices must be known first) alone.
fn send_sealed(inner: &Inner, sealed: &mut Vec<WgKind>, peer: &Arc<Peer>, to: SocketAddr) {
    let mut data: Vec<Packet> = Vec::with_capacity(sealed.len());
    for out in sealed.drain(..) {
        if matches!(out, WgKind::Data(_)) {
            data.push(out.into());
            continue;
        }
        inner.udp.send_all(&data, to);
        data.clear();
        register_index(inner, &out, peer);
        send(inner, out, to);
    }
    inner.udp.send_all(&data, to);
}

/// UDP to TUN: each WireGuard packet from a peer, authenticated and decrypted. With UDP GRO a
/// read holds many datagrams of one sender; with the virtio header, the decrypted segments of
/// a TCP stream are joined into one TUN write.
fn udp_to_tun(inner: &Inner) {
    let mut buf = vec![0u8; MAX_PACKET];
    let mut tun = &inner.tun;
    let mut coalescer = Coalescer::default();
    let vnet = inner.offloads.vnet_hdr;
    let mut write = |bytes: &[u8]| {
        let _ = tun.write(bytes);
    };
    while !inner.closing.load(Ordering::SeqCst) {
        let (n, from, size) = match inner.udp.recv(&mut buf) {
            Ok(r) => r,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(e) => {
                tracing::debug!(error = %e, "receiving from the WireGuard socket");
                continue;
            }
        };
        let from = canonical(from);
        let table = inner.table.read().unwrap_or_else(|p| p.into_inner()).clone();
        for datagram in super::udp::datagrams(&buf[..n], size) {
            let Some(plain) = receive(inner, &table, datagram, from) else { continue };
            if vnet {
                coalescer.push(&plain, &mut write);
            } else {
                write(&plain);
            }
        }
        coalescer.flush(&mut write);
    }
}

/// One datagram from `from`: answers go out at once; the IP packet it carried, when it is one
/// from an address routed to the very peer that sealed it, is returned (a peer may not speak
/// for another).
fn receive(inner: &Inner, table: &Table, datagram: &[u8], from: SocketAddr) -> Option<Packet> {
    let (rate_limiter, secret, public) = {
        let k = inner.keys.read().unwrap_or_else(|p| p.into_inner());
        (k.rate_limiter.clone(), k.secret.clone(), k.public)
    };
    let parsed =
        match rate_limiter.verify_packet(from, Packet::from_bytes(BytesMut::from(datagram))) {
            Ok(p) => p,
            Err(TunnResult::WriteToNetwork(cookie)) => {
                send(inner, cookie, from);
                return None;
            }
            Err(_) => return None,
        };
    let peer = match &parsed {
        WgKind::HandshakeInit(p) => {
            gotatun::noise::handshake::parse_handshake_anon(&secret, &public, p)
                .ok()
                .and_then(|hh| table.by_key.get(&hh.peer_static_public).cloned())
        }
        WgKind::HandshakeResp(p) => lock(&inner.by_index).get(&p.receiver_idx.get()).cloned(),
        WgKind::CookieReply(p) => lock(&inner.by_index).get(&p.receiver_idx.get()).cloned(),
        WgKind::Data(p) => lock(&inner.by_index).get(&p.header.receiver_idx.get()).cloned(),
    }?;
    // Only a handshake starts a state; anything else for a peer without one belongs to
    // sessions that are gone.
    if matches!(parsed, WgKind::HandshakeInit(_)) {
        ensure_tunn(inner, &peer);
    }
    let mut to_network = Vec::new();
    let mut to_tunnel = None;
    {
        let mut st = lock(&peer.state);
        let tunn = st.tunn.as_mut()?;
        let result = tunn.handle_incoming_packet(parsed);
        st.last_packet = Some(std::time::Instant::now());
        match result {
            TunnResult::WriteToNetwork(packet) => {
                // An authenticated packet: the peer is where it came from (roaming).
                st.endpoint = Some(from);
                to_network.push(packet);
                let mut mtu = lock(&inner.mtu).clone();
                if let Some(t) = st.tunn.as_mut() {
                    to_network.extend(t.get_queued_packets(&mut mtu));
                }
            }
            TunnResult::WriteToTunnel(packet) => {
                st.endpoint = Some(from);
                to_tunnel = Some(packet);
            }
            TunnResult::Done | TunnResult::Err(_) => {}
        }
    }
    if !to_network.is_empty() {
        send_sealed(inner, &mut to_network, &peer, from);
    }
    let mut packet = to_tunnel?;
    // A keepalive carries nothing.
    let len = ip_packet(packet.as_ref())?.len();
    let allowed = source(packet.as_ref())
        .and_then(|src| table.lookup(src))
        .is_some_and(|owner| Arc::ptr_eq(owner, &peer));
    if !allowed {
        return None;
    }
    packet.truncate(len);
    Some(packet)
}

/// Timers: handshake retries, keepalives, session expiry, stale indices.
fn timers(inner: &Inner) {
    while !inner.closing.load(Ordering::SeqCst) {
        std::thread::sleep(TIMER_TICK);
        let table = inner.table.read().unwrap_or_else(|p| p.into_inner()).clone();
        let rate_limiter =
            inner.keys.read().unwrap_or_else(|p| p.into_inner()).rate_limiter.clone();
        rate_limiter.try_reset_count();
        for peer in table.by_key.values() {
            let (out, endpoint) = {
                let mut st = lock(&peer.state);
                let resting = st.last_packet.is_none_or(|t| t.elapsed() > DORMANT_AFTER);
                // A persistent keepalive is a timer that never rests.
                if resting && peer.keepalive.is_none() {
                    st.retire();
                    continue;
                }
                let endpoint = st.endpoint;
                let Some(tunn) = st.tunn.as_mut() else { continue };
                let out = tunn.update_timers();
                if tunn.is_expired() && peer.keepalive.is_none() {
                    st.retire();
                }
                (out, endpoint)
            };
            if let (Ok(Some(packet)), Some(to)) = (out, endpoint) {
                register_index(inner, &packet, peer);
                send(inner, packet, to);
            }
        }
        lock(&inner.by_index).retain(|idx, _| inner.index_table.in_use(*idx));
    }
}

/// The UAPI `get=1` answer (<https://www.wireguard.com/xplatform/>), which `wg show` reads.
/// The private key is part of the protocol's answer: the socket is root's only.
pub fn uapi_get(device: &Device) -> String {
    use std::fmt::Write as _;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let mut out = String::new();
    {
        let keys = device.inner.keys.read().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(out, "private_key={}", hex(&keys.secret.to_bytes()));
    }
    let _ = writeln!(out, "listen_port={}", device.inner.port);
    let _ = writeln!(out, "fwmark={}", device.inner.fwmark);
    let now = std::time::SystemTime::now();
    for p in device.peers() {
        let _ = writeln!(out, "public_key={}", hex(&p.public_key));
        if let Some(e) = p.endpoint {
            let _ = writeln!(out, "endpoint={e}");
        }
        for (ip, len) in &p.allowed_ips {
            let _ = writeln!(out, "allowed_ip={ip}/{len}");
        }
        let at = p
            .last_handshake
            .and_then(|d| now.checked_sub(d))
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        let (sec, nsec) = at.map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
        let _ = writeln!(out, "last_handshake_time_sec={sec}");
        let _ = writeln!(out, "last_handshake_time_nsec={nsec}");
        let _ = writeln!(out, "rx_bytes={}", p.rx_bytes);
        let _ = writeln!(out, "tx_bytes={}", p.tx_bytes);
        let _ = writeln!(out, "persistent_keepalive_interval={}", p.keepalive.unwrap_or(0));
        let _ = writeln!(out, "protocol_version=1");
    }
    out.push_str("errno=0\n");
    out
}

/// Serves the UAPI on `listener` (bound 0600 by the caller) until the device is dropped:
/// `get=1` answers with the device's state; `set=1` is refused, since the agent owns the
/// configuration (change it through the agent, as `cilium encryption rotate` does).
pub fn serve_uapi(device: std::sync::Weak<Device>, listener: std::os::unix::net::UnixListener) {
    use std::io::BufRead;
    let _ = listener.set_nonblocking(true);
    loop {
        let Some(dev) = device.upgrade() else { return };
        if !readable(&listener) {
            drop(dev);
            continue;
        }
        let Ok((stream, _)) = listener.accept() else { continue };
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut reader = std::io::BufReader::new(&stream).take(4096);
        let mut first = String::new();
        if reader.read_line(&mut first).is_err() {
            continue;
        }
        // The request ends with an empty line.
        let mut rest = String::new();
        while reader.read_line(&mut rest).is_ok_and(|n| n > 1) {
            rest.clear();
        }
        let answer = match first.trim() {
            "get=1" => uapi_get(&dev),
            _ => format!("errno={}\n", nix::libc::EPERM),
        };
        let _ = (&stream).write_all(answer.as_bytes());
        let _ = (&stream).write_all(b"\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_holds_no_protocol_state_until_traffic_and_keeps_its_counters_after() {
        let mut st = PeerState::new(None);
        assert!(st.tunn.is_none(), "a new peer costs no session slots");
        assert_eq!(st.stats(), (None, 0, 0));
        let secret = StaticSecret::from([7u8; 32]);
        let peer_key = PublicKey::from(&StaticSecret::from([9u8; 32]));
        let limiter = Arc::new(RateLimiter::new(&PublicKey::from(&secret), 10));
        st.tunn = Some(Box::new(Tunn::new(
            secret,
            peer_key,
            None,
            None,
            IndexTable::from_os_rng(),
            limiter,
        )));
        st.tx_before = 7;
        st.handshake_at = std::time::Instant::now().checked_sub(Duration::from_secs(30));
        st.retire();
        assert!(st.tunn.is_none());
        let (since, tx, rx) = st.stats();
        assert_eq!((tx, rx), (7, 0));
        assert!(since.is_some_and(|s| s >= Duration::from_secs(30)), "the last handshake stays");
    }

    fn ipv4(total: u16, padded_to: usize) -> Vec<u8> {
        let mut p = vec![0u8; padded_to];
        p[0] = 0x45;
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p[12..16].copy_from_slice(&[10, 0, 0, 1]);
        p[16..20].copy_from_slice(&[10, 0, 0, 2]);
        p
    }

    #[test]
    fn padding_is_cut_at_the_header_length() {
        // A 60-byte SYN arrives padded to 64, as every WireGuard sender pads it.
        let padded = ipv4(60, 64);
        assert_eq!(ip_packet(&padded).map(<[u8]>::len), Some(60));
        let mut v6 = vec![0u8; 48];
        v6[0] = 0x60;
        v6[4..6].copy_from_slice(&4u16.to_be_bytes());
        assert_eq!(ip_packet(&v6).map(<[u8]>::len), Some(44));
    }

    #[test]
    fn a_header_claiming_more_than_arrived_is_refused() {
        assert_eq!(ip_packet(&ipv4(80, 64)), None);
        assert_eq!(ip_packet(&ipv4(12, 64)), None);
        assert_eq!(ip_packet(&[0x45, 0]), None);
        assert_eq!(ip_packet(&[0x10; 40]), None);
        assert_eq!(ip_packet(&[]), None);
    }

    #[test]
    fn addresses_come_from_the_fixed_header() {
        let p = ipv4(20, 20);
        assert_eq!(source(&p), Some(IpAddr::from([10, 0, 0, 1])));
        assert_eq!(destination(&p), Some(IpAddr::from([10, 0, 0, 2])));
        assert_eq!(source(&p[..19]), None);
    }
}
