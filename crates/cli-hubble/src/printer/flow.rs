//! The parts of a printed flow: endpoints, identities, the event type, the verdict and the
//! summary, each as upstream's printer words it.

use agent_core::hubble::proto::flow::{
    AuthType, DebugCapturePoint, Flow, L7FlowType, Policy, SocketTranslationPoint,
    TrafficDirection, Verdict, layer4, layer7,
};

use super::{Palette, clean};
use crate::names::{self, msg};

/// Source and destination ports of TCP, UDP and SCTP flows (empty otherwise).
fn ports(f: &Flow) -> (String, String) {
    match f.l4.as_ref().and_then(|l| l.protocol.as_ref()) {
        Some(layer4::Protocol::Tcp(t)) => {
            (t.source_port.to_string(), t.destination_port.to_string())
        }
        Some(layer4::Protocol::Udp(u)) => {
            (u.source_port.to_string(), u.destination_port.to_string())
        }
        Some(layer4::Protocol::Sctp(s)) => {
            (s.source_port.to_string(), s.destination_port.to_string())
        }
        _ => (String::new(), String::new()),
    }
}

/// Source and destination as printed: `ns/pod:port`, `ns/svc`, DNS names or the IP, or MAC
/// addresses when there is no IP layer.
pub fn hostnames(f: &Flow, translate: bool, p: Palette) -> (String, String) {
    let Some(ip) = &f.ip else {
        return match &f.ethernet {
            Some(eth) => (p.cyan(&clean(&eth.source)), p.cyan(&clean(&eth.destination))),
            None => (String::new(), String::new()),
        };
    };
    let (src_port, dst_port) = ports(f);
    let side = |ip: &str,
                port: &str,
                ep: Option<&agent_core::hubble::proto::flow::Endpoint>,
                svc: Option<&agent_core::hubble::proto::flow::Service>,
                names: &[String]| {
        let (mut ns, pod) = ep.map_or(("", ""), |e| (e.namespace.as_str(), e.pod_name.as_str()));
        let mut svc_name = "";
        // Upstream lets the service's namespace win, even for the pod.
        if let Some(s) = svc {
            ns = &s.namespace;
            svc_name = &s.name;
        }
        let mut host = ip.to_string();
        if translate {
            if !pod.is_empty() {
                host = join_path(ns, pod);
            } else if !svc_name.is_empty() {
                host = join_path(ns, svc_name);
            } else if !names.is_empty() {
                host = names.join(",");
            }
        }
        let host = clean(&host);
        let text = if !port.is_empty() && port != "0" {
            if host.contains(':') {
                format!("[{host}]:{}", p.yellow(port))
            } else {
                format!("{host}:{}", p.yellow(port))
            }
        } else {
            host
        };
        p.cyan(&text)
    };
    (
        side(&ip.source, &src_port, f.source.as_ref(), f.source_service.as_ref(), &f.source_names),
        side(
            &ip.destination,
            &dst_port,
            f.destination.as_ref(),
            f.destination_service.as_ref(),
            &f.destination_names,
        ),
    )
}

/// Go's `path.Join` for a namespace and a name.
fn join_path(ns: &str, name: &str) -> String {
    if ns.is_empty() { name.to_string() } else { format!("{ns}/{name}") }
}

/// `(host)` for reserved identities, else `(ID:1234)`.
pub fn identity(id: u32, p: Palette) -> String {
    match names::reserved_identity(id) {
        Some(name) => p.magenta(&format!("({name})")),
        None => p.magenta(&format!("(ID:{id})")),
    }
}

/// The event type column: `to-network`, `Policy denied`, `policy-verdict:L3-L4 INGRESS`,
/// `http-request`, `dns-response proxy`...
pub fn flow_type(f: &Flow) -> String {
    if let Some(l7) = &f.l7 {
        let kind = L7FlowType::try_from(l7.r#type)
            .map_or_else(|_| l7.r#type.to_string(), |t| t.as_str_name().to_lowercase());
        return match &l7.record {
            Some(layer7::Record::Http(_)) => format!("http-{kind}"),
            Some(layer7::Record::Dns(d)) => {
                format!("dns-{kind} {}", clean(&d.observation_source))
            }
            Some(layer7::Record::Kafka(_)) => format!("kafka-{kind}"),
            None => format!("l7-{kind}"),
        };
    }
    let (typ, sub) = f.event_type.as_ref().map_or((0, 0), |e| (e.r#type, e.sub_type));
    match typ {
        msg::TRACE => names::trace_point(sub),
        msg::DROP => names::drop_reason(sub as u8),
        msg::POLICY_VERDICT => format!(
            "policy-verdict:{} {}",
            names::policy_match(f.policy_match_type),
            enum_name(
                TrafficDirection::try_from(f.traffic_direction).map(|d| d.as_str_name()),
                f.traffic_direction
            )
        ),
        msg::CAPTURE => enum_name(
            DebugCapturePoint::try_from(f.debug_capture_point).map(|d| d.as_str_name()),
            f.debug_capture_point,
        ),
        msg::TRACE_SOCK => match SocketTranslationPoint::try_from(f.sock_xlate_point) {
            Ok(SocketTranslationPoint::SockXlatePointPostDirectionFwd) => "post-xlate-fwd".into(),
            Ok(SocketTranslationPoint::SockXlatePointPostDirectionRev) => "post-xlate-rev".into(),
            Ok(SocketTranslationPoint::SockXlatePointPreDirectionFwd) => "pre-xlate-fwd".into(),
            Ok(SocketTranslationPoint::SockXlatePointPreDirectionRev) => "pre-xlate-rev".into(),
            other => enum_name(other.map(|s| s.as_str_name()), f.sock_xlate_point),
        },
        _ => "UNKNOWN".into(),
    }
}

/// An enum's proto name, or its number when this build does not know it (Go's `String()`).
fn enum_name<E>(name: Result<&'static str, E>, raw: i32) -> String {
    name.map_or_else(|_| raw.to_string(), str::to_string)
}

/// The verdict column; policy verdicts say ALLOWED, DENIED or AUDITED.
pub fn verdict(f: &Flow, policy_names: bool, p: Palette) -> String {
    let is_policy_verdict = f.event_type.as_ref().is_some_and(|e| e.r#type == msg::POLICY_VERDICT);
    let v = Verdict::try_from(f.verdict);
    let mut text = enum_name(v.map(|v| v.as_str_name()), f.verdict);
    let direction = TrafficDirection::try_from(f.traffic_direction).ok();
    let by = |ingress: &[Policy], egress: &[Policy]| match direction {
        Some(TrafficDirection::Egress) if policy_names => policy_list(egress),
        Some(TrafficDirection::Ingress) if policy_names => policy_list(ingress),
        _ => String::new(),
    };
    match v {
        Ok(Verdict::Forwarded | Verdict::Redirected) => {
            if is_policy_verdict {
                text = format!("ALLOWED{}", by(&f.ingress_allowed_by, &f.egress_allowed_by));
            }
            p.green(&text)
        }
        Ok(Verdict::Dropped | Verdict::Error) => {
            if is_policy_verdict {
                text = format!("DENIED{}", by(&f.ingress_denied_by, &f.egress_denied_by));
            }
            p.red(&text)
        }
        Ok(Verdict::Audit) => {
            if is_policy_verdict {
                text = "AUDITED".into();
            }
            p.yellow(&text)
        }
        Ok(Verdict::Traced | Verdict::Translated) => p.yellow(&text),
        _ => text,
    }
}

/// ` BY name (Kind), other (Kind)`, for the policies that have both.
fn policy_list(policies: &[Policy]) -> String {
    let named: Vec<String> = policies
        .iter()
        .filter(|p| !p.kind.is_empty() && !p.name.is_empty())
        .map(|p| format!("{} ({})", clean(&p.name), clean(&p.kind)))
        .collect();
    if named.is_empty() { String::new() } else { format!(" BY {}", named.join(", ")) }
}

/// The flow's summary, plus the authentication type when there is one.
pub fn summary(f: &Flow, p: Palette) -> String {
    let mut s = match f.ip_trace_id.as_ref().filter(|t| t.trace_id != 0) {
        Some(t) => format!("IP Trace ID: {}; ", t.trace_id),
        None => String::new(),
    };
    s.push_str(&clean(&f.summary));
    match AuthType::try_from(f.auth_type) {
        Ok(AuthType::Disabled) => {}
        Ok(AuthType::TestAlwaysFail) => {
            s.push_str("; Auth: ");
            s.push_str(&p.red(AuthType::TestAlwaysFail.as_str_name()));
        }
        other => {
            s.push_str("; Auth: ");
            s.push_str(&p.green(&enum_name(other.map(|a| a.as_str_name()), f.auth_type)));
        }
    }
    s
}
