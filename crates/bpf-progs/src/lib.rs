//! The host firewall's eBPF programs and the Rust mirrors of their data.
//!
//! The programs are our own C (`src/bpf/*.bpf.c`, layouts in `src/bpf/hostfw.h`), compiled by
//! `cargo xtask bpf` with the clang named in `obj/MANIFEST` and checked in, so a plain
//! `cargo build` needs no clang. Tests check that the manifest matches the sources and that
//! every mirror below has the size and field offsets of the object's BTF.
//!
//! This crate holds the only `unsafe` of the datapath mirrors: `aya::Pod` impls, which are sound
//! because every type is `#[repr(C)]`, `Copy`, and made of integers with explicit padding.

#![warn(missing_docs)]

/// The compiled host-firewall object.
pub static HOSTFW_OBJ: &[u8] = aya::include_bytes_aligned!("../obj/hostfw.bpf.o");

/// Program names in the object.
pub mod programs {
    /// TC ingress of a device with an Ethernet header.
    pub const INGRESS: &str = "hostfw_ingress";
    /// TC egress of a device with an Ethernet header.
    pub const EGRESS: &str = "hostfw_egress";
    /// TC ingress of `cilium_wg0` (no link-layer header).
    pub const WG_INGRESS: &str = "hostfw_wg_ingress";
    /// TC egress of `cilium_wg0`.
    pub const WG_EGRESS: &str = "hostfw_wg_egress";
    /// Loopback's ingress: egress connections redirected to the L7 proxy are handed to it.
    pub const TO_PROXY: &str = "hostfw_to_proxy";
    /// TC ingress of another device without a link-layer header (tun, ipip, gre, ppp).
    pub const L3_INGRESS: &str = "hostfw_l3_ingress";
    /// TC egress of such a device.
    pub const L3_EGRESS: &str = "hostfw_l3_egress";
    /// Every program of the object.
    pub const ALL: &[&str] =
        &[INGRESS, EGRESS, L3_INGRESS, L3_EGRESS, WG_INGRESS, WG_EGRESS, TO_PROXY];
}

/// Map names in the object (also their pin file names).
pub mod maps {
    /// Runtime switches ([`super::Config`]).
    pub const CONFIG: &str = "cilium_config";
    /// Peer address -> identity (LPM trie).
    pub const IPCACHE: &str = "cilium_ipcache";
    /// (identity, direction, protocol, port) -> verdict (LPM trie).
    pub const POLICY: &str = "cilium_policy";
    /// Connection tracking (LRU hash).
    pub const CT: &str = "cilium_ct";
    /// Conntrack of connections not yet confirmed (half-open TCP, unreplied flows).
    pub const CT_PENDING: &str = "cilium_ct_pending";
    /// Ports of fragmented datagrams (LRU hash).
    pub const FRAG: &str = "cilium_frag";
    /// Per-CPU forward/drop counters.
    pub const METRICS: &str = "cilium_metrics";
    /// Events ring buffer.
    pub const EVENTS: &str = "cilium_events";
    /// Connections handed to the L7 proxy -> the identity the datapath gave their peer.
    pub const PROXY: &str = "cilium_proxy";
    /// Every map, in display order.
    pub const ALL: &[&str] =
        &[CONFIG, IPCACHE, POLICY, CT, CT_PENDING, FRAG, PROXY, METRICS, EVENTS];
}

/// Policy and CT direction: ingress.
pub const DIR_INGRESS: u8 = 0;
/// Policy and CT direction: egress.
pub const DIR_EGRESS: u8 = 1;

/// Reserved identity: the local host.
pub const ID_HOST: u32 = 1;
/// Reserved identity: anything not otherwise known.
pub const ID_WORLD: u32 = 2;

/// `IpcacheValue::flags`: traffic to this address must go through WireGuard.
pub const IPC_F_ENCRYPT: u32 = 1;
/// `IpcacheValue::flags`: a cluster node.
pub const IPC_F_NODE: u32 = 2;

/// `Config::flags` bits.
pub mod cfg {
    /// Default-deny ingress (a policy selects this node for ingress).
    pub const ENFORCE_INGRESS: u32 = 1 << 0;
    /// Default-deny egress.
    pub const ENFORCE_EGRESS: u32 = 1 << 1;
    /// Audit mode: would-be drops pass as AUDIT.
    pub const AUDIT: u32 = 1 << 2;
    /// Strict encryption: drop plaintext to nodes flagged `IPC_F_ENCRYPT`.
    pub const STRICT_ENCRYPT: u32 = 1 << 3;
    /// Trace events.
    pub const TRACE_NOTIFY: u32 = 1 << 4;
    /// Drop events.
    pub const DROP_NOTIFY: u32 = 1 << 5;
    /// Policy-verdict events.
    pub const VERDICT_NOTIFY: u32 = 1 << 6;
    /// Default-deny ingress only reports (AUDIT).
    pub const AUDIT_INGRESS: u32 = 1 << 7;
    /// Default-deny egress only reports (AUDIT).
    pub const AUDIT_EGRESS: u32 = 1 << 8;
    /// Encryption is on: a node's identity only for packets that came out of `cilium_wg0`.
    pub const ENCRYPTION: u32 = 1 << 9;
    /// Datapath debug messages (`debug_event` records).
    pub const DEBUG: u32 = 1 << 10;
}

/// `PolicyValue::verdict`: allow.
pub const VERDICT_ALLOW: u8 = 1;
/// `PolicyValue::verdict`: deny.
pub const VERDICT_DENY: u8 = 2;
/// `PolicyValue::flags`: audit only (a deny that lets traffic pass, reported as AUDIT).
pub const POLICY_F_AUDIT: u8 = 1;
/// `PolicyValue::flags`: failsafe allow, stronger than any deny.
pub const POLICY_F_FAILSAFE: u8 = 2;
/// `PolicyValue::flags`: an allow through the agent's L7 proxy (TCP, ingress).
pub const POLICY_F_REDIRECT: u8 = 4;

/// Event types (Cilium's monitor message types).
pub mod event_type {
    /// A dropped packet.
    pub const DROP: u8 = 1;
    /// A datapath debug message ([`DebugEvent`]).
    pub const DEBUG: u8 = 2;
    /// A forwarded packet (new connection or new TCP flags).
    pub const TRACE: u8 = 4;
    /// The policy decision on a new connection.
    pub const POLICY_VERDICT: u8 = 5;
}

/// Verdicts carried by events (Hubble's numbering).
pub mod flow_verdict {
    /// Forwarded.
    pub const FORWARDED: u8 = 1;
    /// Dropped.
    pub const DROPPED: u8 = 2;
    /// Would have been dropped; passed because of audit mode.
    pub const AUDIT: u8 = 4;
}

/// Drop reasons (Cilium's codes).
pub mod drop_reason {
    /// No policy allows it (default deny).
    pub const POLICY: u8 = 133;
    /// One of this host's own addresses as the source of a packet from the wire.
    pub const INVALID_SIP: u8 = 132;
    /// Deeper VLAN stacks than QinQ.
    pub const UNKNOWN_L3: u8 = 139;
    /// Malformed IP header.
    pub const INVALID: u8 = 134;
    /// L4 header missing or truncated.
    pub const CT_INVALID_HDR: u8 = 135;
    /// Malformed IPv6 extension header, or too many.
    pub const INVALID_EXTHDR: u8 = 156;
    /// A later fragment whose first fragment was never seen.
    pub const FRAG_NOT_FOUND: u8 = 175;
    /// A port with L7 rules while the proxy does not listen (fail closed).
    pub const SOCKET_LOOKUP_FAILED: u8 = 178;
    /// The kernel refused to hand the packet to the proxy's socket.
    pub const SOCKET_ASSIGN_FAILED: u8 = 179;
    /// An explicit deny rule.
    pub const POLICY_DENY: u8 = 181;
    /// Plaintext to a node that must be reached encrypted.
    pub const UNENCRYPTED: u8 = 195;
}

/// Metrics slot of ring-buffer overflows.
pub const METRICS_LOST_EVENTS: u32 = 510;
/// Number of metrics slots: reason * 2 + direction.
pub const METRICS_SLOTS: u32 = 512;

/// `cilium_config` value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Config {
    /// `cfg::*` bits.
    pub flags: u32,
    /// Mark of WireGuard's own packets.
    pub wg_mark: u32,
    /// Mask applied to `skb->mark` before comparing with `wg_mark`.
    pub wg_mark_mask: u32,
    /// Emit one of N trace events.
    pub trace_sampling: u32,
    /// WireGuard's UDP port, network order.
    pub wg_port: u16,
    /// The plaintext bootstrap port of node announcements, network order.
    pub cluster_port: u16,
    /// Host order: the L7 proxy's listener on loopback; 0 when none.
    pub proxy_port: u16,
    /// Padding.
    pub pad: u16,
}

/// `cilium_ipcache` key.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpcacheKey {
    /// Must stay first: the LPM trie's prefix length (32 + address bits).
    pub prefixlen: u32,
    /// 4 or 6.
    pub family: u8,
    /// Zero.
    pub pad: [u8; 3],
    /// Address, IPv4 in the first 4 bytes.
    pub addr: [u8; 16],
}

/// `cilium_ipcache` value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpcacheValue {
    /// Numeric identity.
    pub identity: u32,
    /// `IPC_F_*`.
    pub flags: u32,
}

/// `cilium_policy` key.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyKey {
    /// 32 (identity) + 8 (direction) + 8 (protocol) + 0..=16 port bits.
    pub prefixlen: u32,
    /// Peer identity; 0 is any.
    pub identity: u32,
    /// `DIR_*`.
    pub direction: u8,
    /// IP protocol; 0 is any.
    pub protocol: u8,
    /// Destination port in network order (ICMP type for ICMP).
    pub dport: u16,
}

/// `cilium_policy` value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyValue {
    /// `VERDICT_*`.
    pub verdict: u8,
    /// `POLICY_F_*`.
    pub flags: u8,
    /// Hubble's policy match type.
    pub match_type: u8,
    /// Zero.
    pub pad: u8,
    /// The rule, resolved to names by the agent.
    pub rule_id: u32,
}

/// `cilium_ct` key: the tuple of the packet that opened the connection.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CtKey {
    /// Source address.
    pub saddr: [u8; 16],
    /// Destination address.
    pub daddr: [u8; 16],
    /// Source port, network order.
    pub sport: u16,
    /// Destination port, network order.
    pub dport: u16,
    /// IP protocol.
    pub proto: u8,
    /// 4 or 6.
    pub family: u8,
    /// [`PATH_PLAIN`] or [`PATH_TUNNEL`]: where the connection's packets pass.
    pub path: u8,
    /// Zero.
    pub pad: u8,
}

/// `CtKey::path` of connections on a plaintext device.
pub const PATH_PLAIN: u8 = 0;
/// `CtKey::path` of connections through `cilium_wg0`.
pub const PATH_TUNNEL: u8 = 1;

/// `cilium_ct` value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CtValue {
    /// Expiry, CLOCK_MONOTONIC nanoseconds.
    pub expires: u64,
    /// Packets from the opener.
    pub packets_fwd: u64,
    /// Bytes from the opener.
    pub bytes_fwd: u64,
    /// Reply packets.
    pub packets_rev: u64,
    /// Reply bytes.
    pub bytes_rev: u64,
    /// Rule that allowed it.
    pub rule_id: u32,
    /// TCP flags seen from the opener.
    pub flags_fwd: u8,
    /// TCP flags seen in replies.
    pub flags_rev: u8,
    /// Direction of the opening packet.
    pub direction: u8,
    /// `CT_F_*`.
    pub state_flags: u8,
}

/// `CtValue::state_flags`: allowed in audit mode.
pub const CT_F_AUDITED: u8 = 1;
/// `CtValue::state_flags`: FIN or RST seen.
pub const CT_F_CLOSING: u8 = 2;
/// `CtValue::state_flags`: created by the agent for a socket that existed before the programs.
pub const CT_F_SEEDED: u8 = 4;
/// `CtValue::state_flags`: the opener's packets go to the L7 proxy.
pub const CT_F_PROXY: u8 = 8;
/// `CtValue::state_flags`: the L7 proxy's own connection to a server (egress, its mark).
pub const CT_F_FROM_PROXY: u8 = 16;

/// `cilium_proxy` value (the key is a [`CtKey`] with path 0).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyValue {
    /// The peer's identity, as the datapath judged it.
    pub identity: u32,
    /// [`DIR_INGRESS`]: the peer opened the connection; [`DIR_EGRESS`]: this host did.
    pub direction: u8,
    /// Padding.
    pub pad: [u8; 3],
}

/// `skb->mark` bits the datapath and the agent share (Cilium's values, under the same mask).
pub mod mark {
    /// The bits below.
    pub const MASK: u32 = 0x0f00;
    /// An egress packet redirected to the proxy through loopback; routed locally by the rule
    /// `fwmark 0x200/0xf00 lookup 2004`.
    pub const TO_PROXY: u32 = 0x0200;
    /// The proxy's own upstream connections (`SO_MARK`): never redirected again.
    pub const FROM_PROXY: u32 = 0x0b00;
}

/// `cilium_frag` key.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FragKey {
    /// Source.
    pub saddr: [u8; 16],
    /// Destination.
    pub daddr: [u8; 16],
    /// IP identification.
    pub id: u32,
    /// Protocol.
    pub proto: u8,
    /// 4 or 6.
    pub family: u8,
    /// Zero.
    pub pad: [u8; 2],
}

/// `cilium_frag` value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FragValue {
    /// Expiry, CLOCK_MONOTONIC nanoseconds.
    pub expires: u64,
    /// Source port, network order.
    pub sport: u16,
    /// Destination port, network order.
    pub dport: u16,
    /// The L4 protocol of the first fragment.
    pub proto: u8,
    /// Zero.
    pub pad: [u8; 3],
}

/// `cilium_metrics` value (per CPU).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricsValue {
    /// Packets.
    pub count: u64,
    /// Bytes.
    pub bytes: u64,
}

/// One record of `cilium_events`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Event {
    /// CLOCK_MONOTONIC nanoseconds.
    pub ts: u64,
    /// `event_type::*`.
    pub kind: u8,
    /// Drop reason, or observation point.
    pub subtype: u8,
    /// 1 ingress, 2 egress.
    pub direction: u8,
    /// 4 or 6.
    pub family: u8,
    /// IP protocol.
    pub proto: u8,
    /// TCP flags of the packet.
    pub tcp_flags: u8,
    /// `flow_verdict::*`.
    pub verdict: u8,
    /// CT state (1 new, 2 established, 3 reply, 4 related).
    pub ct_state: u8,
    /// Hubble policy match type.
    pub match_type: u8,
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub icmp_code: u8,
    /// Zero.
    pub pad: u8,
    /// Interface index.
    pub ifindex: u32,
    /// Packet length.
    pub pkt_len: u32,
    /// Source identity.
    pub src_identity: u32,
    /// Destination identity.
    pub dst_identity: u32,
    /// Matching rule.
    pub rule_id: u32,
    /// Source port, network order.
    pub sport: u16,
    /// Destination port, network order.
    pub dport: u16,
    /// Source address.
    pub saddr: [u8; 16],
    /// Destination address.
    pub daddr: [u8; 16],
}

/// One debug record of `cilium_events` (`kind` is [`event_type::DEBUG`]): Cilium's debug
/// message, whose arguments mean what its `subtype` (a `DBG_*` number) says.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DebugEvent {
    /// CLOCK_MONOTONIC nanoseconds.
    pub ts: u64,
    /// [`event_type::DEBUG`].
    pub kind: u8,
    /// Cilium's `DBG_*` number.
    pub subtype: u8,
    /// Endpoint ID of the source (0: the host).
    pub source: u16,
    /// The packet's hash.
    pub hash: u32,
    /// First argument.
    pub arg1: u32,
    /// Second argument.
    pub arg2: u32,
    /// Third argument.
    pub arg3: u32,
    /// The CPU the program ran on.
    pub cpu: u32,
}

/// A record of `cilium_events`, by its type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// A packet event (drop, trace, policy verdict).
    Packet(Event),
    /// A debug message.
    Debug(DebugEvent),
}

impl Record {
    /// Decodes a ring-buffer record; `None` when it is too short for its type.
    pub fn from_bytes(b: &[u8]) -> Option<Record> {
        match b.get(8)? {
            &event_type::DEBUG => read_pod::<DebugEvent>(b).map(Record::Debug),
            _ => Event::from_bytes(b).map(Record::Packet),
        }
    }
}

/// The data part of an ipcache LPM key (what follows the prefix length), for aya's `LpmTrie`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpcacheData {
    /// 4 or 6.
    pub family: u8,
    /// Zero.
    pub pad: [u8; 3],
    /// Address, IPv4 in the first 4 bytes.
    pub addr: [u8; 16],
}

/// The data part of a policy LPM key.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyData {
    /// Peer identity; 0 is any.
    pub identity: u32,
    /// `DIR_*`.
    pub direction: u8,
    /// IP protocol; 0 is any.
    pub protocol: u8,
    /// Destination port, network order.
    pub dport: u16,
}

/// Loads a program, trying twice more after a failure: a load can fail for a moment (the
/// verifier gives up when a signal is pending, or on memory while other programs verify, and
/// aya's retry with a verifier log then runs out of log space), while a program the verifier
/// refuses fails every time.
pub fn load_program(
    prog: &mut aya::programs::SchedClassifier,
) -> Result<(), aya::programs::ProgramError> {
    let mut result = prog.load();
    for _ in 0..2 {
        if result.is_ok() {
            break;
        }
        result = prog.load();
    }
    result
}

/// An IP address as the datapath stores it: family and 16 bytes, IPv4 first.
pub fn addr_bytes(ip: std::net::IpAddr) -> (u8, [u8; 16]) {
    let mut addr = [0u8; 16];
    match ip {
        std::net::IpAddr::V4(v4) => {
            addr[..4].copy_from_slice(&v4.octets());
            (4, addr)
        }
        std::net::IpAddr::V6(v6) => (6, v6.octets()),
    }
}

/// The inverse of [`addr_bytes`].
pub fn addr_from_bytes(family: u8, addr: &[u8; 16]) -> std::net::IpAddr {
    if family == 4 {
        std::net::IpAddr::from([addr[0], addr[1], addr[2], addr[3]])
    } else {
        std::net::IpAddr::from(*addr)
    }
}

/// The ipcache key for `ip/prefix`.
pub fn ipcache_key(ip: std::net::IpAddr, prefix: u8) -> aya::maps::lpm_trie::Key<IpcacheData> {
    let (family, addr) = addr_bytes(ip);
    aya::maps::lpm_trie::Key::new(32 + u32::from(prefix), IpcacheData { family, pad: [0; 3], addr })
}

/// The policy key for a peer identity (0 = any), direction, protocol (0 = any) and a port
/// prefix: `port_bits` leading bits of `port` (16 = exactly `port`, 0 = any port).
pub fn policy_key(
    identity: u32,
    direction: u8,
    protocol: u8,
    port: u16,
    port_bits: u8,
) -> aya::maps::lpm_trie::Key<PolicyData> {
    let prefix = if protocol == 0 { 40 } else { 48 + u32::from(port_bits.min(16)) };
    aya::maps::lpm_trie::Key::new(
        prefix,
        PolicyData { identity, direction, protocol, dport: port.to_be() },
    )
}

macro_rules! pod {
    ($($t:ty = $size:expr),* $(,)?) => {$(
        // SAFETY: #[repr(C)], Copy, integers and byte arrays only, padding spelled out.
        unsafe impl aya::Pod for $t {}
        const _: () = assert!(std::mem::size_of::<$t>() == $size);
    )*};
}

pod!(
    Config = 24,
    ProxyValue = 8,
    IpcacheKey = 24,
    IpcacheValue = 8,
    PolicyKey = 12,
    PolicyValue = 8,
    CtKey = 40,
    CtValue = 48,
    FragKey = 40,
    FragValue = 16,
    MetricsValue = 16,
    Event = 80,
    DebugEvent = 32,
    IpcacheData = 20,
    PolicyData = 8,
);

/// A `T` from the first bytes of `b`; `None` when `b` is too short.
fn read_pod<T: aya::Pod>(b: &[u8]) -> Option<T> {
    if b.len() < std::mem::size_of::<T>() {
        return None;
    }
    // SAFETY: the length was checked, T is Pod (any bit pattern is valid), and read_unaligned
    // does not require alignment of the ring buffer's bytes.
    Some(unsafe { std::ptr::read_unaligned(b.as_ptr().cast::<T>()) })
}

impl Event {
    /// Decodes a packet record; `None` when it is too short.
    pub fn from_bytes(b: &[u8]) -> Option<Event> {
        read_pod(b)
    }
}

#[cfg(test)]
mod tests;
