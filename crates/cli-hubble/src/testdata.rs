//! Hand-built flows for the printer, filter and input-file tests: one of each kind the agent
//! emits on a VM.

use agent_core::hubble::proto::flow::{
    CiliumEventType, DropReason, Endpoint, Flow, FlowType, IcmPv4, Ip, IpVersion, Layer4,
    LostEvent, LostEventSource, Policy, Service, Tcp, TcpFlags, TraceObservationPoint,
    TrafficDirection, Verdict, layer4,
};
use agent_core::hubble::proto::observer::GetFlowsResponse;
use agent_core::hubble::proto::observer::get_flows_response::ResponseTypes;
use agent_core::hubble::timestamp::Timestamp;

use crate::names::msg;

fn time(s: &str) -> Option<Timestamp> {
    Some(Timestamp::parse_rfc3339(s).expect("test time"))
}

fn ep(identity: u32) -> Option<Endpoint> {
    Some(Endpoint { identity, ..Endpoint::default() })
}

fn ipv4(src: &str, dst: &str) -> Option<Ip> {
    Some(Ip {
        source: src.into(),
        destination: dst.into(),
        ip_version: IpVersion::IPv4 as i32,
        ..Ip::default()
    })
}

fn tcp(sport: u32, dport: u32, flags: TcpFlags) -> Option<Layer4> {
    Some(Layer4 {
        protocol: Some(layer4::Protocol::Tcp(Tcp {
            source_port: sport,
            destination_port: dport,
            flags: Some(flags),
        })),
    })
}

fn syn() -> TcpFlags {
    TcpFlags { syn: true, ..TcpFlags::default() }
}

fn base(t: &str, uuid: &str) -> Flow {
    Flow {
        time: time(t),
        uuid: uuid.into(),
        node_name: "vm-1".into(),
        r#type: FlowType::L3L4 as i32,
        ..Flow::default()
    }
}

/// A new outgoing connection leaving the VM: `192.168.1.10:54321 -> 192.168.1.11:8080`.
pub fn trace_syn() -> Flow {
    Flow {
        verdict: Verdict::Forwarded as i32,
        ip: ipv4("192.168.1.10", "192.168.1.11"),
        l4: tcp(54321, 8080, syn()),
        source: ep(1),
        destination: ep(54321),
        event_type: Some(CiliumEventType { r#type: msg::TRACE, sub_type: 11 }),
        traffic_direction: TrafficDirection::Egress as i32,
        trace_observation_point: TraceObservationPoint::ToNetwork as i32,
        is_reply: Some(false.into()),
        summary: "TCP Flags: SYN".into(),
        ..base("2023-08-21T12:12:18.510175415Z", "c0ffee00-0000-4000-8000-000000000001")
    }
}

/// An SSH attempt from the world dropped by policy.
pub fn drop_policy() -> Flow {
    Flow {
        verdict: Verdict::Dropped as i32,
        drop_reason: 133,
        ip: ipv4("203.0.113.7", "192.168.1.10"),
        l4: tcp(40000, 22, syn()),
        source: ep(2),
        destination: ep(1),
        event_type: Some(CiliumEventType { r#type: msg::DROP, sub_type: 133 }),
        traffic_direction: TrafficDirection::Ingress as i32,
        drop_reason_desc: DropReason::PolicyDenied as i32,
        summary: "TCP Flags: SYN".into(),
        ..base("2023-08-21T12:12:19.000000001Z", "c0ffee00-0000-4000-8000-000000000002")
    }
}

/// A connection policy would deny, let through in audit mode.
pub fn audit_verdict() -> Flow {
    Flow {
        verdict: Verdict::Audit as i32,
        ip: ipv4("192.168.1.20", "192.168.1.10"),
        l4: tcp(33000, 443, syn()),
        source: ep(4242),
        destination: ep(1),
        event_type: Some(CiliumEventType { r#type: msg::POLICY_VERDICT, sub_type: 0 }),
        traffic_direction: TrafficDirection::Ingress as i32,
        policy_match_type: 2,
        is_reply: Some(false.into()),
        summary: "TCP Flags: SYN".into(),
        ..base("2023-08-21T12:12:20.250Z", "c0ffee00-0000-4000-8000-000000000003")
    }
}

/// The answer to [`trace_syn`], seen coming in.
pub fn reply() -> Flow {
    Flow {
        verdict: Verdict::Forwarded as i32,
        ip: ipv4("192.168.1.11", "192.168.1.10"),
        l4: tcp(8080, 54321, TcpFlags { syn: true, ack: true, ..TcpFlags::default() }),
        source: ep(54321),
        destination: ep(1),
        event_type: Some(CiliumEventType { r#type: msg::TRACE, sub_type: 10 }),
        traffic_direction: TrafficDirection::Egress as i32,
        trace_observation_point: TraceObservationPoint::FromNetwork as i32,
        is_reply: Some(true.into()),
        summary: "TCP Flags: SYN, ACK".into(),
        ..base("2023-08-21T12:12:21.000123Z", "c0ffee00-0000-4000-8000-000000000004")
    }
}

/// A ping to another node.
pub fn icmp_echo() -> Flow {
    Flow {
        verdict: Verdict::Forwarded as i32,
        ip: ipv4("192.168.1.10", "192.168.1.12"),
        l4: Some(Layer4 {
            protocol: Some(layer4::Protocol::IcmPv4(IcmPv4 { r#type: 8, code: 0 })),
        }),
        source: ep(1),
        destination: ep(6),
        event_type: Some(CiliumEventType { r#type: msg::TRACE, sub_type: 3 }),
        traffic_direction: TrafficDirection::Egress as i32,
        trace_observation_point: TraceObservationPoint::ToStack as i32,
        is_reply: Some(false.into()),
        summary: "ICMPv4 EchoRequest".into(),
        ..base("2023-08-21T12:12:22Z", "c0ffee00-0000-4000-8000-000000000005")
    }
}

/// A Kubernetes pod reaching a service on this VM over IPv6, allowed by a named policy.
pub fn allowed_by_policy() -> Flow {
    Flow {
        verdict: Verdict::Forwarded as i32,
        ip: Some(Ip {
            source: "fd00::10".into(),
            destination: "fd00::1".into(),
            ip_version: IpVersion::IPv6 as i32,
            ..Ip::default()
        }),
        l4: tcp(51234, 80, syn()),
        source: Some(Endpoint {
            identity: 4321,
            namespace: "default".into(),
            pod_name: "client".into(),
            labels: vec!["k8s:app=client".into()],
            ..Endpoint::default()
        }),
        destination: ep(1),
        destination_service: Some(Service { name: "web".into(), namespace: "vm".into() }),
        event_type: Some(CiliumEventType { r#type: msg::POLICY_VERDICT, sub_type: 0 }),
        traffic_direction: TrafficDirection::Ingress as i32,
        policy_match_type: 3,
        is_reply: Some(false.into()),
        ingress_allowed_by: vec![
            Policy {
                name: "allow-web".into(),
                namespace: "vm".into(),
                kind: "CiliumNetworkPolicy".into(),
                ..Policy::default()
            },
            Policy { name: "unnamed-kind".into(), ..Policy::default() },
        ],
        summary: "TCP Flags: SYN".into(),
        ..base("2023-08-21T12:12:23.5Z", "c0ffee00-0000-4000-8000-000000000006")
    }
}

/// Every sample flow, oldest first.
pub fn flows() -> Vec<Flow> {
    vec![trace_syn(), drop_policy(), audit_verdict(), reply(), icmp_echo(), allowed_by_policy()]
}

/// A flow as the server sends it.
pub fn response(f: Flow) -> GetFlowsResponse {
    GetFlowsResponse {
        node_name: f.node_name.clone(),
        time: f.time,
        response_types: Some(ResponseTypes::Flow(f)),
    }
}

/// The datapath's ring buffer overflowed.
pub fn lost() -> GetFlowsResponse {
    GetFlowsResponse {
        node_name: "vm-1".into(),
        time: time("2023-08-21T12:12:24Z"),
        response_types: Some(ResponseTypes::LostEvents(LostEvent {
            source: LostEventSource::PerfEventRingBuffer as i32,
            num_events_lost: 42,
            cpu: Some(3.into()),
            first: time("2023-08-21T12:12:23.9Z"),
            last: time("2023-08-21T12:12:24Z"),
        })),
    }
}

/// The sample flows followed by a lost-events notice.
pub fn responses() -> Vec<GetFlowsResponse> {
    let mut out: Vec<GetFlowsResponse> = flows().into_iter().map(response).collect();
    out.push(lost());
    out
}

/// Compares with `tests/golden/<name>`; `SNAPSHOTS=overwrite cargo test` rewrites the file.
pub fn golden(name: &str, actual: impl Into<String>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        // JSON escapes have backslashes: keep snapbox from reading them as Windows paths.
        .normalize_paths(false)
        .eq(actual.into(), snapbox::Data::read_from(&path, None));
}
