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

/// A datapath event as `GET /v1/monitor` streams it: the event, and what the agent knows
/// of it that the datapath does not say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorRecord {
    /// The event.
    #[serde(flatten)]
    pub event: MonitorEvent,
    /// The name of the interface (`ifindex`), when it is known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ifname: String,
    /// The L7 proxy's port, on a trace to the proxy.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub proxy_port: u16,
}

fn is_zero(p: &u16) -> bool {
    *p == 0
}

/// Cilium's text for a drop reason code.
pub fn drop_reason_name(code: u8) -> &'static str {
    drop_reason_text(code).unwrap_or("Unknown drop reason")
}

/// Cilium's text for a datapath drop code (its `pkg/monitor/api` table), if it has one.
pub fn drop_reason_text(code: u8) -> Option<&'static str> {
    Some(match code {
        0 => "Success",
        2 => "Invalid packet",
        3 => "Interface",
        4 => "Interface Decrypted",
        5 => "LB, sock cgroup: No backend slot entry found",
        6 => "LB, sock cgroup: No backend entry found",
        7 => "LB, sock cgroup: Reverse entry update failed",
        8 => "LB, sock cgroup: Reverse entry stale",
        9 => "Fragmented packet",
        10 => "Fragmented packet entry update failed",
        11 => "Missed tail call to custom program",
        12 => "Interface Decrypting",
        13 => "Interface Encrypting",
        14 => "LB: sock cgroup: Reverse entry delete succeeded",
        15 => "MTU error message",
        130 => "Invalid source mac",
        131 => "Invalid destination mac",
        132 => "Invalid source ip",
        133 => "Policy denied",
        134 => "Invalid packet",
        135 => "CT: Truncated or invalid header",
        136 => "Fragmentation needed",
        137 => "CT: Unknown L4 protocol",
        138 => "CT: Can't create entry from packet",
        139 => "Unsupported L3 protocol",
        140 => "Missed tail call",
        141 => "Error writing to packet",
        142 => "Unknown L4 protocol",
        143 => "Unknown ICMPv4 code",
        144 => "Unknown ICMPv4 type",
        145 => "Unknown ICMPv6 code",
        146 => "Unknown ICMPv6 type",
        147 => "Error retrieving tunnel key",
        148 => "Error retrieving tunnel options",
        149 => "Invalid Geneve option",
        150 => "Unknown L3 target address",
        151 => "Stale or unroutable IP",
        152 => "No matching local container found",
        153 => "Error while correcting L3 checksum",
        154 => "Error while correcting L4 checksum",
        155 => "CT: Map insertion failed",
        156 => "Invalid IPv6 extension header",
        157 => "IP fragmentation not supported",
        158 => "Service backend not found",
        160 => "No tunnel/encapsulation endpoint (datapath BUG!)",
        161 => "NAT 46/64 not enabled",
        162 => "Reached EDT rate-limiting drop horizon",
        163 => "Unknown connection tracking state",
        164 => "Local host is unreachable",
        165 => "No configuration available to perform policy decision",
        166 => "Unsupported L2 protocol",
        167 => "No mapping for NAT masquerade",
        168 => "Unsupported protocol for NAT masquerade",
        169 => "FIB lookup failed",
        170 => "Encapsulation traffic is prohibited",
        171 => "Invalid identity",
        172 => "Unknown sender",
        173 => "NAT not needed",
        174 => "Is a ClusterIP",
        175 => "First logical datagram fragment not found",
        176 => "Forbidden ICMPv6 message",
        177 => "Denied by LB src range check",
        178 => "Socket lookup failed",
        179 => "Socket assign failed",
        180 => "Proxy redirection not supported for protocol",
        181 => "Policy denied by denylist",
        182 => "VLAN traffic disallowed by VLAN filter",
        183 => "Incorrect VNI from VTEP",
        184 => "Failed to update or lookup TC buffer",
        185 => "No SID was found for the IP address",
        186 => "SRv6 state was removed during tail call",
        187 => "L3 translation from IPv4 to IPv6 failed (NAT46)",
        188 => "L3 translation from IPv6 to IPv4 failed (NAT64)",
        189 => "Authentication required",
        190 => "No conntrack map found",
        191 => "No nat map found",
        192 => "Invalid ClusterID",
        193 => "Unsupported packet protocol for DSR encapsulation",
        194 => "No egress gateway found",
        195 => "Traffic is unencrypted",
        196 => "TTL exceeded",
        197 => "No node ID found",
        198 => "Rate limited",
        199 => "IGMP handled",
        200 => "IGMP subscribed",
        201 => "Multicast handled",
        202 => "Host datapath not ready",
        203 => "Endpoint policy program not available",
        204 => "No Egress IP configured",
        205 => "Punt to proxy",
        _ => return None,
    })
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
        132 => "INVALID_SOURCE_IP",
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
        0 => "to-endpoint",
        1 => "to-proxy",
        2 => "to-host",
        3 => "to-stack",
        4 => "to-overlay",
        5 => "from-endpoint",
        6 => "from-proxy",
        7 => "from-host",
        8 => "from-stack",
        9 => "from-overlay",
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
