//! Datapath events to Hubble flows, filled the way Cilium's parser fills them: verdicts per
//! event kind, observation points, drop reasons, `is_reply` from conntrack, TCP flags and the
//! `Summary` text, plus what the agent knows about the addresses (identities, labels, names).

use std::collections::HashMap;
use std::net::IpAddr;

use super::icmp;
use super::proto::flow::{
    CiliumEventType, Emitter, Endpoint, Flow, FlowType, IcmPv4, IcmPv6, Ip, IpVersion, Layer4,
    NetworkInterface, Policy, Tcp, TcpFlags, TraceObservationPoint, TraceReason, TrafficDirection,
    Udp, Verdict, layer4,
};
use super::timestamp::Timestamp;
use crate::api::monitor::{EventKind, MonitorEvent};

/// Cilium's monitor message types, as in `event_type.type`.
pub mod message_type {
    /// A drop.
    pub const DROP: i32 = 1;
    /// Debug messages.
    pub const DEBUG: i32 = 2;
    /// Packet captures.
    pub const CAPTURE: i32 = 3;
    /// A forwarded packet at an observation point.
    pub const TRACE: i32 = 4;
    /// A policy decision.
    pub const POLICY_VERDICT: i32 = 5;
    /// Socket-level translation.
    pub const TRACE_SOCK: i32 = 7;
    /// An L7 access log record.
    pub const L7: i32 = 129;
    /// Agent notifications.
    pub const AGENT: i32 = 130;
}

/// The host's reserved identity.
const HOST_IDENTITY: u32 = 1;

/// The host endpoint's ID, as in `cilium endpoint list`.
const HOST_ENDPOINT_ID: u32 = 1;

/// What the agent knows about addresses and rules when a flow is built; refreshed as the
/// cluster and policies change, read for every event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enrichment {
    /// `<cluster>/<node>`, or `<node>` in cluster `default`.
    pub node_name: String,
    /// This node's labels (`node:k=v`).
    pub node_labels: Vec<String>,
    /// This node's addresses.
    pub local_ips: Vec<IpAddr>,
    /// Labels of this host's endpoint.
    pub host_labels: Vec<String>,
    /// Labels of every known identity.
    pub identity_labels: HashMap<u32, Vec<String>>,
    /// Names of the cluster's VMs by address. Not put in `source_names`: those are DNS names,
    /// and clients print them instead of the address, unlike the seed's examples.
    pub names: HashMap<IpAddr, String>,
    /// Cluster name, for endpoints of cluster VMs.
    pub cluster: String,
    /// Addresses of remote clusters (their nodes and pods): cluster, and namespace and pod
    /// name when it is a pod.
    pub remote: HashMap<IpAddr, (String, Option<(String, String)>)>,
    /// Policy names by rule id (id 1 is index 0).
    pub rules: Vec<String>,
    /// Interface names by index.
    pub interfaces: HashMap<u32, String>,
    /// The L7 proxy's port (0: none), for traces to it.
    pub proxy_port: u16,
    /// Our version, for `emitter`.
    pub version: String,
}

/// Hubble's node name: `<cluster>/<node>` unless the cluster is unnamed or `default`.
pub fn node_name(cluster: &str, node: &str) -> String {
    if cluster.is_empty() || cluster == "default" {
        node.to_string()
    } else {
        format!("{cluster}/{node}")
    }
}

impl Enrichment {
    fn endpoint(&self, ip: IpAddr, identity: u32) -> Endpoint {
        if self.local_ips.contains(&ip) {
            return Endpoint {
                id: HOST_ENDPOINT_ID,
                identity: HOST_IDENTITY,
                cluster_name: self.cluster.clone(),
                labels: self.host_labels.clone(),
                ..Default::default()
            };
        }
        let labels = self.identity_labels.get(&identity).cloned().unwrap_or_else(|| {
            crate::api::monitor::reserved_identity_name(identity)
                .map(|n| vec![format!("reserved:{n}")])
                .unwrap_or_default()
        });
        if let Some((cluster, pod)) = self.remote.get(&ip) {
            let (namespace, pod_name) = pod.clone().unwrap_or_default();
            return Endpoint {
                identity,
                cluster_name: cluster.clone(),
                namespace,
                pod_name,
                labels,
                ..Default::default()
            };
        }
        let in_cluster = self.names.contains_key(&ip);
        Endpoint {
            identity,
            cluster_name: if in_cluster { self.cluster.clone() } else { String::new() },
            labels,
            ..Default::default()
        }
    }

    fn policies(&self, rule_id: u32) -> Vec<Policy> {
        match rule_id.checked_sub(1).and_then(|i| self.rules.get(i as usize)) {
            Some(name) => vec![Policy {
                name: name.clone(),
                kind: "CiliumNetworkPolicy".into(),
                ..Default::default()
            }],
            None => Vec::new(),
        }
    }

    /// The flow of one datapath event.
    pub fn flow(&self, ev: &MonitorEvent) -> Flow {
        let (verdict, type_, sub_type) = match ev.kind {
            EventKind::Drop => (Verdict::Dropped, message_type::DROP, i32::from(ev.subtype)),
            EventKind::Trace => (Verdict::Forwarded, message_type::TRACE, i32::from(ev.subtype)),
            EventKind::PolicyVerdict => {
                let v = match ev.verdict {
                    2 => Verdict::Dropped,
                    4 => Verdict::Audit,
                    _ => Verdict::Forwarded,
                };
                (v, message_type::POLICY_VERDICT, 0)
            }
        };
        let mut flow = Flow {
            time: Some(Timestamp::from_unix_nanos(ev.time_ns)),
            uuid: uuid_v4(),
            emitter: Some(Emitter { name: "Hubble".into(), version: self.version.clone() }),
            verdict: verdict as i32,
            ip: Some(Ip {
                source: ev.src.to_string(),
                destination: ev.dst.to_string(),
                ip_version: if ev.src.is_ipv4() { IpVersion::IPv4 } else { IpVersion::IPv6 } as i32,
                encrypted: matches!(ev.subtype, 12 | 13) && ev.kind == EventKind::Trace,
                ..Default::default()
            }),
            l4: layer4(ev),
            source: Some(self.endpoint(ev.src, ev.src_identity)),
            destination: Some(self.endpoint(ev.dst, ev.dst_identity)),
            r#type: FlowType::L3L4 as i32,
            node_name: self.node_name.clone(),
            node_labels: self.node_labels.clone(),
            event_type: Some(CiliumEventType { r#type: type_, sub_type }),
            traffic_direction: if ev.ingress {
                TrafficDirection::Ingress
            } else {
                TrafficDirection::Egress
            } as i32,
            summary: summary(ev),
            ..Default::default()
        };
        if ev.ifindex != 0 {
            flow.interface = Some(NetworkInterface {
                index: ev.ifindex,
                name: self.interfaces.get(&ev.ifindex).cloned().unwrap_or_default(),
            });
        }
        match ev.kind {
            EventKind::Drop => {
                flow.drop_reason = u32::from(ev.subtype);
                flow.drop_reason_desc = i32::from(ev.subtype);
                let denied = self.policies(ev.rule_id);
                if ev.ingress {
                    flow.ingress_denied_by = denied;
                } else {
                    flow.egress_denied_by = denied;
                }
            }
            EventKind::Trace => {
                let point = observation_point(ev.subtype);
                flow.trace_observation_point = point as i32;
                if point == TraceObservationPoint::ToProxy {
                    flow.proxy_port = u32::from(self.proxy_port);
                }
                flow.trace_reason = match ev.ct_state {
                    1 => TraceReason::New,
                    2 => TraceReason::Established,
                    3 => TraceReason::Reply,
                    4 => TraceReason::Related,
                    _ => TraceReason::Unknown,
                } as i32;
                // As upstream: known only when conntrack gave the datapath a reason.
                flow.is_reply = (ev.ct_state != 0)
                    .then_some(pbjson_types::BoolValue { value: ev.ct_state == 3 });
                flow.reply = ev.ct_state == 3;
            }
            EventKind::PolicyVerdict => {
                flow.policy_match_type = u32::from(ev.match_type);
                if verdict == Verdict::Dropped {
                    // As upstream derives it from the verdict: a matched rule that drops is a
                    // deny rule; no rule at all is the default deny.
                    let code = if ev.rule_id > 0 { 181 } else { 133 };
                    flow.drop_reason = code;
                    flow.drop_reason_desc = code as i32;
                }
                // A passing verdict is for a connection's first packet, so not a reply; of a
                // dropped packet nobody knows (upstream leaves it unset too).
                flow.is_reply = (verdict != Verdict::Dropped)
                    .then_some(pbjson_types::BoolValue { value: false });
                let by = self.policies(ev.rule_id);
                match (verdict == Verdict::Dropped, ev.ingress) {
                    (false, true) => flow.ingress_allowed_by = by,
                    (false, false) => flow.egress_allowed_by = by,
                    (true, true) => flow.ingress_denied_by = by,
                    (true, false) => flow.egress_denied_by = by,
                }
            }
        }
        flow
    }
}

/// The event type of the proxy's flows, as Cilium's L7 records.
pub const L7_EVENT: CiliumEventType = CiliumEventType { r#type: message_type::L7, sub_type: 0 };

/// When a proxy record happened, as its flow's time.
#[cfg(feature = "agent")]
pub fn l7_time(r: &crate::proxy::L7Record) -> Timestamp {
    Timestamp::from_unix_nanos(
        r.time
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
    )
}

/// A proxy record's verdict, as its flow's.
#[cfg(feature = "agent")]
pub fn l7_verdict(v: crate::proxy::L7Verdict) -> Verdict {
    use crate::proxy::L7Verdict;
    match v {
        L7Verdict::Forwarded => Verdict::Forwarded,
        L7Verdict::Dropped => Verdict::Dropped,
        L7Verdict::Error => Verdict::Error,
    }
}

#[cfg(feature = "agent")]
impl Enrichment {
    /// The flow of one request or response of the L7 proxy, as Cilium's L7 parser fills it:
    /// type L7, event type 129, the response from the server's side with `is_reply`, and
    /// upstream's summary.
    pub fn l7_flow(&self, r: crate::proxy::L7Record) -> Flow {
        use super::proto::flow::{Http, HttpHeader, L7FlowType, Layer7, layer7};
        use crate::proxy::L7Kind;
        let reply = r.kind == L7Kind::Response;
        let (src, dst) = if reply { (r.local, r.peer) } else { (r.peer, r.local) };
        // This host is the server on ingress and the client on egress.
        let (client_id, server_id) = if r.direction == 0 {
            (r.identity, HOST_IDENTITY)
        } else {
            (HOST_IDENTITY, r.identity)
        };
        let (src_id, dst_id) = if reply { (server_id, client_id) } else { (client_id, server_id) };
        let verdict = l7_verdict(r.verdict);
        let summary = if reply {
            format!(
                "{} {} {}ms ({} {})",
                r.protocol,
                r.code,
                r.latency_ns / 1_000_000,
                r.method,
                r.url
            )
        } else {
            format!("{} {} {}", r.protocol, r.method, r.url)
        };
        let mut flow = Flow {
            time: Some(l7_time(&r)),
            uuid: uuid_v4(),
            emitter: Some(Emitter { name: "Hubble".into(), version: self.version.clone() }),
            verdict: verdict as i32,
            ip: Some(Ip {
                source: src.ip().to_string(),
                destination: dst.ip().to_string(),
                ip_version: if src.is_ipv4() { IpVersion::IPv4 } else { IpVersion::IPv6 } as i32,
                ..Default::default()
            }),
            l4: Some(Layer4 {
                protocol: Some(layer4::Protocol::Tcp(Tcp {
                    source_port: u32::from(src.port()),
                    destination_port: u32::from(dst.port()),
                    flags: None,
                })),
            }),
            source: Some(self.endpoint(src.ip(), src_id)),
            destination: Some(self.endpoint(dst.ip(), dst_id)),
            r#type: FlowType::L7 as i32,
            node_name: self.node_name.clone(),
            node_labels: self.node_labels.clone(),
            event_type: Some(L7_EVENT),
            traffic_direction: if r.direction == 0 {
                TrafficDirection::Ingress
            } else {
                TrafficDirection::Egress
            } as i32,
            is_reply: Some(pbjson_types::BoolValue { value: reply }),
            reply,
            l7: Some(Layer7 {
                r#type: if reply { L7FlowType::Response } else { L7FlowType::Request } as i32,
                latency_ns: if reply { r.latency_ns } else { 0 },
                record: Some(layer7::Record::Http(Http {
                    code: if reply { r.code } else { 0 },
                    method: r.method.to_string(),
                    protocol: r.protocol.to_string(),
                    headers: r
                        .headers
                        .sorted()
                        .into_iter()
                        .map(|(key, value)| HttpHeader { key: key.into(), value: value.into() })
                        .collect(),
                    url: r.url,
                })),
            }),
            summary,
            ..Default::default()
        };
        if !reply {
            let by = self.policies(r.rule_id);
            match (verdict == Verdict::Dropped, r.direction == 0) {
                (false, true) => flow.ingress_allowed_by = by,
                (false, false) => flow.egress_allowed_by = by,
                (true, true) => flow.ingress_denied_by = by,
                (true, false) => flow.egress_denied_by = by,
            }
        }
        flow
    }
}

/// Our trace sub-types are Cilium's; only `to-endpoint` (0) differs in the proto enum.
fn observation_point(subtype: u8) -> TraceObservationPoint {
    match subtype {
        0 => TraceObservationPoint::ToEndpoint,
        n => TraceObservationPoint::try_from(i32::from(n)).unwrap_or_default(),
    }
}

fn layer4(ev: &MonitorEvent) -> Option<Layer4> {
    let p = match ev.proto {
        6 => layer4::Protocol::Tcp(Tcp {
            source_port: u32::from(ev.sport),
            destination_port: u32::from(ev.dport),
            flags: Some(tcp_flags(ev.tcp_flags)),
        }),
        17 => layer4::Protocol::Udp(Udp {
            source_port: u32::from(ev.sport),
            destination_port: u32::from(ev.dport),
        }),
        1 => layer4::Protocol::IcmPv4(IcmPv4 {
            r#type: u32::from(ev.icmp_type),
            code: u32::from(ev.icmp_code),
        }),
        58 => layer4::Protocol::IcmPv6(IcmPv6 {
            r#type: u32::from(ev.icmp_type),
            code: u32::from(ev.icmp_code),
        }),
        _ => return None,
    };
    Some(Layer4 { protocol: Some(p) })
}

fn tcp_flags(f: u8) -> TcpFlags {
    TcpFlags {
        fin: f & 0x01 != 0,
        syn: f & 0x02 != 0,
        rst: f & 0x04 != 0,
        psh: f & 0x08 != 0,
        ack: f & 0x10 != 0,
        urg: f & 0x20 != 0,
        ece: f & 0x40 != 0,
        cwr: f & 0x80 != 0,
        ns: false,
    }
}

/// Cilium's `Summary`: TCP flags, the ICMP type name, or the last decoded layer.
pub fn summary(ev: &MonitorEvent) -> String {
    match ev.proto {
        6 => format!("TCP Flags: {}", crate::api::monitor::tcp_flag_names(ev.tcp_flags).join(", ")),
        17 => "UDP".into(),
        1 => format!("ICMPv4 {}", icmp::v4_name(ev.icmp_type.into(), ev.icmp_code.into())),
        58 => format!("ICMPv6 {}", icmp::v6_name(ev.icmp_type.into(), ev.icmp_code.into())),
        132 => "SCTP".into(),
        _ if ev.src.is_ipv4() => "IPv4".into(),
        _ => "IPv6".into(),
    }
}

/// A random (version 4) UUID, as flows carry one. Ids only need to be unique, not secret: a
/// per-thread generator seeded from the OS avoids a syscall per flow.
pub fn uuid_v4() -> String {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            let mut seed = [0u8; 8];
            // Without OS randomness, the clock still makes restarts differ.
            if getrandom::fill(&mut seed).is_err() {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                seed = (t.as_nanos() as u64).to_le_bytes();
            }
            u64::from_le_bytes(seed) | 1
        });
    }
    // splitmix64: two outputs give the 128 bits.
    let next = || {
        STATE.with(|s| {
            let mut z = s.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
            s.set(z);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
    };
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&next().to_le_bytes());
    b[8..].copy_from_slice(&next().to_le_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventKind) -> MonitorEvent {
        MonitorEvent {
            time_ns: 1_700_000_000_123_000_000,
            kind,
            subtype: 0,
            ingress: true,
            src: "192.168.1.10".parse().expect("ip"),
            dst: "192.168.1.11".parse().expect("ip"),
            sport: 54321,
            dport: 8080,
            proto: 6,
            tcp_flags: 0x02,
            verdict: 1,
            ct_state: 1,
            match_type: 2,
            icmp_type: 0,
            icmp_code: 0,
            ifindex: 2,
            len: 60,
            src_identity: 6,
            dst_identity: 1,
            rule_id: 1,
        }
    }

    fn enrichment() -> Enrichment {
        Enrichment {
            node_name: node_name("vm-cluster", "vm2"),
            local_ips: vec!["192.168.1.11".parse().expect("ip")],
            host_labels: vec!["reserved:host".into()],
            names: [("192.168.1.10".parse().expect("ip"), "vm1".to_string())].into(),
            cluster: "vm-cluster".into(),
            remote: HashMap::new(),
            rules: vec!["allow-web".into()],
            interfaces: [(2, "eth0".to_string())].into(),
            ..Default::default()
        }
    }

    #[test]
    fn drop_is_dropped_with_reason_and_no_reply_flag() {
        let mut e = ev(EventKind::Drop);
        e.subtype = 133;
        let f = enrichment().flow(&e);
        assert_eq!(f.verdict, Verdict::Dropped as i32);
        assert_eq!(f.drop_reason, 133);
        assert_eq!(f.drop_reason_desc, 133);
        assert_eq!(f.event_type, Some(CiliumEventType { r#type: 1, sub_type: 133 }));
        assert!(f.is_reply.is_none());
        assert_eq!(f.summary, "TCP Flags: SYN");
        assert_eq!(f.node_name, "vm-cluster/vm2");
        assert_eq!(f.ingress_denied_by[0].name, "allow-web");
    }

    #[test]
    fn audit_policy_verdict() {
        let mut e = ev(EventKind::PolicyVerdict);
        e.verdict = 4;
        let f = enrichment().flow(&e);
        assert_eq!(f.verdict, Verdict::Audit as i32);
        assert_eq!(f.event_type, Some(CiliumEventType { r#type: 5, sub_type: 0 }));
        assert_eq!(f.policy_match_type, 2);
        assert_eq!(f.is_reply, Some(pbjson_types::BoolValue { value: false }));
        let d = f.destination.expect("dst");
        assert_eq!((d.id, d.identity), (1, 1));
        assert!(f.source_names.is_empty());
        assert_eq!(f.source.expect("src").cluster_name, "vm-cluster");
        assert_eq!(f.interface.expect("if").name, "eth0");
    }

    #[test]
    fn trace_reply_and_observation_points() {
        let mut e = ev(EventKind::Trace);
        e.subtype = 11;
        e.ct_state = 3;
        e.tcp_flags = 0x12;
        let f = enrichment().flow(&e);
        assert_eq!(f.verdict, Verdict::Forwarded as i32);
        assert_eq!(f.trace_observation_point, TraceObservationPoint::ToNetwork as i32);
        assert_eq!(f.is_reply, Some(pbjson_types::BoolValue { value: true }));
        assert_eq!(f.summary, "TCP Flags: SYN, ACK");
        e.subtype = 0;
        assert_eq!(
            enrichment().flow(&e).trace_observation_point,
            TraceObservationPoint::ToEndpoint as i32
        );
        e.ct_state = 0;
        assert!(enrichment().flow(&e).is_reply.is_none(), "no conntrack reason: unknown");
        // A trace to the proxy names its port, as upstream's does; no other trace does.
        let with_proxy = Enrichment { proxy_port: 10000, ..enrichment() };
        assert_eq!(with_proxy.flow(&e).proxy_port, 0);
        e.subtype = 1;
        let f = with_proxy.flow(&e);
        assert_eq!(f.trace_observation_point, TraceObservationPoint::ToProxy as i32);
        assert_eq!(f.proxy_port, 10000);
    }

    #[test]
    fn denied_policy_verdicts_do_not_claim_a_direction() {
        let mut e = ev(EventKind::PolicyVerdict);
        e.verdict = 2;
        let f = enrichment().flow(&e);
        assert_eq!(f.verdict, Verdict::Dropped as i32);
        assert!(f.is_reply.is_none(), "as upstream: unknown for a dropped verdict");
    }

    #[test]
    fn icmp_and_udp_summaries() {
        let mut e = ev(EventKind::Trace);
        e.proto = 1;
        e.icmp_type = 8;
        assert_eq!(summary(&e), "ICMPv4 EchoRequest");
        e.icmp_type = 3;
        e.icmp_code = 3;
        assert_eq!(summary(&e), "ICMPv4 DestinationUnreachable(Port)");
        e.proto = 58;
        e.icmp_type = 135;
        e.icmp_code = 0;
        assert_eq!(summary(&e), "ICMPv6 NeighborSolicitation");
        // A code where the type has none is shown, as gopacket does.
        e.icmp_code = 3;
        assert_eq!(summary(&e), "ICMPv6 NeighborSolicitation(Code: 3)");
        e.proto = 17;
        assert_eq!(summary(&e), "UDP");
    }

    #[test]
    fn uuids_look_like_uuids() {
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(u, uuid_v4());
    }
}
