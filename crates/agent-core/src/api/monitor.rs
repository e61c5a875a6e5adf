//! Datapath events as the API streams them (`GET /v1/monitor`, one JSON object per line), and
//! the names Cilium gives to their numbers.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A packet was dropped.
    Drop,
    /// A packet was forwarded (new connection, or new TCP flags).
    Trace,
    /// The policy decision on a new connection.
    PolicyVerdict,
}

/// One datapath event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorEvent {
    /// Wall-clock time, nanoseconds since the Unix epoch.
    pub time_ns: u64,
    /// Kind.
    pub kind: EventKind,
    /// Drop reason (drops) or observation point (traces).
    pub subtype: u8,
    /// True for ingress.
    pub ingress: bool,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port (ICMP echo requests: the identifier).
    pub sport: u16,
    /// Destination port (ICMP echo replies: the identifier).
    pub dport: u16,
    /// IP protocol.
    pub proto: u8,
    /// TCP flags.
    pub tcp_flags: u8,
    /// Hubble verdict number (1 forwarded, 2 dropped, 4 audit).
    pub verdict: u8,
    /// Conntrack state (1 new, 2 established, 3 reply, 4 related).
    pub ct_state: u8,
    /// Hubble policy match type.
    pub match_type: u8,
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub icmp_code: u8,
    /// Interface index.
    pub ifindex: u32,
    /// Packet length.
    pub len: u32,
    /// Source identity.
    pub src_identity: u32,
    /// Destination identity.
    pub dst_identity: u32,
    /// Matching rule.
    pub rule_id: u32,
}

/// Cilium's text for a drop reason code.
pub fn drop_reason_name(code: u8) -> &'static str {
    match code {
        133 => "Policy denied",
        134 => "Invalid packet",
        135 => "CT: Truncated or invalid header",
        139 => "Unsupported L3 protocol",
        142 => "Unknown L4 protocol",
        156 => "Invalid IPv6 extension header",
        175 => "Fragment not found",
        181 => "Policy denied by denylist",
        195 => "Unencrypted traffic",
        _ => "Unknown drop reason",
    }
}

/// Hubble's enum name for a drop reason code (`POLICY_DENIED`).
pub fn drop_reason_enum(code: u8) -> &'static str {
    match code {
        133 => "POLICY_DENIED",
        134 => "INVALID_PACKET_DROPPED",
        135 => "CT_TRUNCATED_OR_INVALID_HEADER",
        139 => "UNSUPPORTED_L3_PROTOCOL",
        142 => "UNKNOWN_L4_PROTOCOL",
        156 => "INVALID_IPV6_EXTENSION_HEADER",
        175 => "FRAG_NOT_FOUND",
        181 => "POLICY_DENY",
        195 => "UNENCRYPTED_TRAFFIC",
        _ => "DROP_REASON_UNKNOWN",
    }
}

/// Protocol names as Cilium prints them.
pub fn proto_name(p: u8) -> String {
    match p {
        0 => "ANY".into(),
        1 => "ICMP".into(),
        6 => "TCP".into(),
        17 => "UDP".into(),
        58 => "ICMPv6".into(),
        132 => "SCTP".into(),
        n => n.to_string(),
    }
}

/// TCP flags in Hubble's order and spelling (`SYN, ACK`).
pub fn tcp_flag_names(flags: u8) -> Vec<&'static str> {
    let table = [
        (0x02, "SYN"),
        (0x10, "ACK"),
        (0x04, "RST"),
        (0x01, "FIN"),
        (0x08, "PSH"),
        (0x20, "URG"),
        (0x40, "ECE"),
        (0x80, "CWR"),
    ];
    table.iter().filter(|(bit, _)| flags & bit != 0).map(|(_, n)| *n).collect()
}

/// Trace observation point names (Cilium's `to-network`, ...).
pub fn obs_point_name(p: u8) -> &'static str {
    match p {
        3 => "to-stack",
        10 => "from-network",
        11 => "to-network",
        12 => "from-crypto",
        13 => "to-crypto",
        _ => "unknown",
    }
}

/// Reserved identity names (Cilium's `reserved:` labels without the prefix).
pub fn reserved_identity_name(id: u32) -> Option<&'static str> {
    match id {
        1 => Some("host"),
        2 => Some("world"),
        3 => Some("unmanaged"),
        4 => Some("health"),
        5 => Some("init"),
        6 => Some("remote-node"),
        _ => None,
    }
}
