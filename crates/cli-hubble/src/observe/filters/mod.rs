//! Filter flags to `FlowFilter`s, with upstream's semantics:
//!
//! 1. Repeating a flag ORs its values (they go into the same repeated field).
//! 2. Different flags AND (they fill different fields of the same `FlowFilter`).
//! 3. An either-side flag (`--ip`, `--port`, `-l`, `--identity`, `--pod`, ...) builds two
//!    filters, a source variant and a destination variant, and every other flag is added to
//!    both; the two are ORed by the server. If they end up equal only one is sent.
//! 4. `--not` sends the next filter flag to a second set, the blacklist, built the same way.
//!
//! `--type trace-audit` is ours: it selects what Cilium's audit mode let through, i.e. flows with
//! verdict AUDIT, whatever their event type.

use agent_core::hubble::proto::flow::{
    DropReason, EventTypeFilter, FlowFilter, HttpHeader, IpVersion, NetworkInterface, TcpFlags,
    TrafficDirection, Verdict, Workload, flow_filter,
};

use super::flags::Flag;
use crate::names;

/// A filter flag that cannot be used as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FlagError(pub String);

fn err(msg: impl Into<String>) -> FlagError {
    FlagError(msg.into())
}

/// The `--type` value selecting audited flows.
pub const TRACE_AUDIT: &str = "trace-audit";

/// The whitelist and blacklist the flags describe.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Flows must match one of these (or the list is empty).
    pub whitelist: Vec<FlowFilter>,
    /// Flows must match none of these.
    pub blacklist: Vec<FlowFilter>,
}

/// Translates filter flags, in command-line order, into filters.
pub fn build(items: &[(Flag, String)]) -> Result<Filters, FlagError> {
    let mut white = Tracker::default();
    let mut black = Tracker::default();
    let mut negate = false;
    for (flag, value) in items {
        if *flag == Flag::Not {
            if negate {
                return Err(err("consecutive --not statements"));
            }
            negate = true;
            continue;
        }
        let t = if std::mem::take(&mut negate) { &mut black } else { &mut white };
        t.set(*flag, value)?;
    }
    if negate {
        return Err(err("trailing --not found in the arguments"));
    }
    Ok(Filters { whitelist: white.flow_filters(), blacklist: black.flow_filters() })
}

/// Flags that make no sense together inside one list (from upstream).
const CONFLICTS: &[&[Flag]] = {
    use Flag::*;
    &[
        &[FromFqdn, FromIp, Ip, Fqdn, FromNamespace, Namespace, FromAllNamespaces, AllNamespaces],
        &[FromFqdn, FromIp, Ip, Fqdn, FromPod, Pod],
        &[ToFqdn, ToIp, Ip, Fqdn, ToNamespace, Namespace, ToAllNamespaces, AllNamespaces],
        &[ToFqdn, ToIp, Ip, Fqdn, ToPod, Pod],
        &[ToPod, Namespace, AllNamespaces],
        &[FromPod, Namespace, AllNamespaces],
        &[ToService, Namespace, AllNamespaces],
        &[FromService, Namespace, AllNamespaces],
        &[Label, FromLabel],
        &[Label, ToLabel],
        &[Service, FromService],
        &[Service, ToService],
        &[Port, ToPort],
        &[Port, FromPort],
        &[Identity, ToIdentity],
        &[Identity, FromIdentity],
        &[Workload, ToWorkload],
        &[Workload, FromWorkload],
        &[Encrypted, Unencrypted],
    ]
};

/// One list (whitelist or blacklist) under construction: `left` is the source variant and
/// `right` the destination variant.
#[derive(Debug, Default)]
struct Tracker {
    left: Option<FlowFilter>,
    right: Option<FlowFilter>,
    ns: Vec<String>,
    src_ns: Vec<String>,
    dst_ns: Vec<String>,
    changed: Vec<Flag>,
    /// `--type` values other than trace-audit were given.
    event_types: bool,
    trace_audit: bool,
}

impl Tracker {
    fn apply(&mut self, update: impl Fn(&mut FlowFilter)) {
        update(self.left.get_or_insert_with(FlowFilter::default));
        update(self.right.get_or_insert_with(FlowFilter::default));
    }

    fn either(&mut self, src: impl FnOnce(&mut FlowFilter), dst: impl FnOnce(&mut FlowFilter)) {
        src(self.left.get_or_insert_with(FlowFilter::default));
        dst(self.right.get_or_insert_with(FlowFilter::default));
    }

    fn check_conflicts(&self) -> Result<(), FlagError> {
        for group in CONFLICTS {
            let mut used = group.iter().filter(|f| self.changed.contains(f));
            if let (Some(a), Some(b)) = (used.next(), used.next()) {
                return Err(err(format!(
                    "filters --{} and --{} cannot be combined",
                    a.long(),
                    b.long()
                )));
            }
        }
        Ok(())
    }

    fn set(&mut self, flag: Flag, val: &str) -> Result<(), FlagError> {
        if !self.changed.contains(&flag) {
            self.changed.push(flag);
        }
        self.check_conflicts()?;
        let v = val.to_string();
        match flag {
            Flag::Not => {}
            Flag::Uuid => self.apply(|f| f.uuid.push(v.clone())),
            Flag::Fqdn => self
                .either(|f| f.source_fqdn.push(v.clone()), |f| f.destination_fqdn.push(v.clone())),
            Flag::FromFqdn => self.apply(|f| f.source_fqdn.push(v.clone())),
            Flag::ToFqdn => self.apply(|f| f.destination_fqdn.push(v.clone())),
            Flag::Pod => {
                self.either(|f| f.source_pod.push(v.clone()), |f| f.destination_pod.push(v.clone()))
            }
            Flag::FromPod => self.apply(|f| f.source_pod.push(v.clone())),
            Flag::ToPod => self.apply(|f| f.destination_pod.push(v.clone())),
            Flag::Ip => {
                self.either(|f| f.source_ip.push(v.clone()), |f| f.destination_ip.push(v.clone()))
            }
            Flag::FromIp => self.apply(|f| f.source_ip.push(v.clone())),
            Flag::ToIp => self.apply(|f| f.destination_ip.push(v.clone())),
            Flag::SnatIp => self.apply(|f| f.source_ip_xlated.push(v.clone())),
            Flag::Ipv4 => self.apply(|f| f.ip_version.push(IpVersion::IPv4 as i32)),
            Flag::Ipv6 => self.apply(|f| f.ip_version.push(IpVersion::IPv6 as i32)),
            Flag::IpVersion => {
                let version = match val.to_ascii_lowercase().as_str() {
                    "4" | "v4" | "ipv4" | "ip4" => IpVersion::IPv4,
                    "6" | "v6" | "ipv6" | "ip6" => IpVersion::IPv6,
                    _ => IpVersion::IpNotUsed,
                };
                self.apply(|f| f.ip_version.push(version as i32));
            }
            Flag::Label => self.either(
                |f| f.source_label.push(v.clone()),
                |f| f.destination_label.push(v.clone()),
            ),
            Flag::FromLabel => self.apply(|f| f.source_label.push(v.clone())),
            Flag::ToLabel => self.apply(|f| f.destination_label.push(v.clone())),
            Flag::Namespace => self.ns.push(v),
            Flag::FromNamespace => self.src_ns.push(v),
            Flag::ToNamespace => self.dst_ns.push(v),
            Flag::AllNamespaces => self.ns.push(String::new()),
            Flag::FromAllNamespaces => self.src_ns.push(String::new()),
            Flag::ToAllNamespaces => self.dst_ns.push(String::new()),
            Flag::Service => self.either(
                |f| f.source_service.push(v.clone()),
                |f| f.destination_service.push(v.clone()),
            ),
            Flag::FromService => self.apply(|f| f.source_service.push(v.clone())),
            Flag::ToService => self.apply(|f| f.destination_service.push(v.clone())),
            Flag::Port => self
                .either(|f| f.source_port.push(v.clone()), |f| f.destination_port.push(v.clone())),
            Flag::FromPort => self.apply(|f| f.source_port.push(v.clone())),
            Flag::ToPort => self.apply(|f| f.destination_port.push(v.clone())),
            Flag::TraceId => self.apply(|f| f.trace_id.push(v.clone())),
            Flag::IpTraceId => {
                let id: u64 = val
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| err(format!("invalid --ip-trace-id value: {val}")))?;
                self.apply(|f| f.ip_trace_id.push(id));
            }
            Flag::Verdict => {
                if self.trace_audit {
                    return Err(trace_audit_conflict());
                }
                let verdict = Verdict::from_str_name(val)
                    .ok_or_else(|| err(format!("invalid --verdict value: {val}")))?;
                self.apply(|f| f.verdict.push(verdict as i32));
            }
            Flag::DropReasonDesc => {
                if val.is_empty() {
                    return Err(err("empty --drop-reason-desc value"));
                }
                let reason = DropReason::from_str_name(val)
                    .ok_or_else(|| err(format!("invalid --drop-reason-desc value: {val}")))?;
                self.apply(|f| f.drop_reason_desc.push(reason as i32));
            }
            Flag::HttpStatus => self.apply(|f| f.http_status_code.push(v.clone())),
            Flag::HttpMethod => self.apply(|f| f.http_method.push(v.clone())),
            Flag::HttpPath => self.apply(|f| f.http_path.push(v.clone())),
            Flag::HttpUrl => self.apply(|f| f.http_url.push(v.clone())),
            Flag::HttpHeader => {
                let (key, value) = val.split_once(':').ok_or_else(|| {
                    err(format!("invalid http-header value {val:?}, expected name:value"))
                })?;
                let h = HttpHeader { key: key.into(), value: value.into() };
                self.apply(|f| f.http_header.push(h.clone()));
            }
            Flag::Type => {
                if val == TRACE_AUDIT {
                    if self.event_types || self.changed.contains(&Flag::Verdict) {
                        return Err(trace_audit_conflict());
                    }
                    if !self.trace_audit {
                        self.trace_audit = true;
                        self.apply(|f| f.verdict.push(Verdict::Audit as i32));
                    }
                } else {
                    if self.trace_audit {
                        return Err(trace_audit_conflict());
                    }
                    self.event_types = true;
                    let t = parse_event_type(val)?;
                    self.apply(|f| f.event_type.push(t));
                }
            }
            Flag::Protocol => self.apply(|f| f.protocol.push(v.clone())),
            Flag::Workload => {
                let w = parse_workload(val);
                self.either(
                    |f| f.source_workload.push(w.clone()),
                    |f| {
                        f.destination_workload.push(w.clone());
                    },
                );
            }
            Flag::FromWorkload => {
                let w = parse_workload(val);
                self.apply(|f| f.source_workload.push(w.clone()));
            }
            Flag::ToWorkload => {
                let w = parse_workload(val);
                self.apply(|f| f.destination_workload.push(w.clone()));
            }
            Flag::Identity | Flag::FromIdentity | Flag::ToIdentity => {
                let id = names::parse_identity(val).ok_or_else(|| {
                    err(format!(
                        "invalid security identity {val:?}, expected one of [{}] or a numeric value",
                        names::reserved_identity_names().join(" ")
                    ))
                })?;
                match flag {
                    Flag::Identity => self.either(
                        |f| f.source_identity.push(id),
                        |f| f.destination_identity.push(id),
                    ),
                    Flag::FromIdentity => self.apply(|f| f.source_identity.push(id)),
                    _ => self.apply(|f| f.destination_identity.push(id)),
                }
            }
            Flag::NodeName => self.apply(|f| f.node_name.push(v.clone())),
            Flag::NodeLabel => self.apply(|f| f.node_labels.push(v.clone())),
            Flag::Cluster => self.either(
                |f| f.source_cluster_name.push(v.clone()),
                |f| f.destination_cluster_name.push(v.clone()),
            ),
            Flag::FromCluster => self.apply(|f| f.source_cluster_name.push(v.clone())),
            Flag::ToCluster => self.apply(|f| f.destination_cluster_name.push(v.clone())),
            Flag::TcpFlags => {
                let flags = parse_tcp_flags(val)?;
                self.apply(|f| f.tcp_flags.push(flags));
            }
            Flag::TrafficDirection => {
                let td = val.to_ascii_lowercase();
                let d = match td.as_str() {
                    "ingress" => TrafficDirection::Ingress,
                    "egress" => TrafficDirection::Egress,
                    _ => {
                        return Err(err(format!(
                            "{td}: invalid traffic direction, expected ingress or egress"
                        )));
                    }
                };
                self.apply(|f| f.traffic_direction.push(d as i32));
            }
            Flag::CelExpression => self.apply(|f| {
                f.experimental
                    .get_or_insert_with(flow_filter::Experimental::default)
                    .cel_expression
                    .push(v.clone());
            }),
            Flag::Interface => self.apply(|f| {
                f.interface
                    .push(NetworkInterface { name: v.clone(), ..NetworkInterface::default() });
            }),
            Flag::Encrypted => self.apply(|f| f.encrypted.push(true)),
            Flag::Unencrypted => self.apply(|f| f.encrypted.push(false)),
        }
        for f in [&self.left, &self.right].into_iter().flatten() {
            self.check_namespaces(f)?;
        }
        Ok(())
    }

    fn check_namespaces(&self, f: &FlowFilter) -> Result<(), FlagError> {
        ns_conflicts(&self.ns, &f.source_pod)?;
        ns_conflicts(&self.ns, &f.source_service)?;
        ns_conflicts(&self.ns, &f.destination_pod)?;
        ns_conflicts(&self.ns, &f.destination_service)?;
        ns_conflicts(&self.src_ns, &f.source_pod)?;
        ns_conflicts(&self.src_ns, &f.source_service)?;
        ns_conflicts(&self.dst_ns, &f.destination_pod)?;
        ns_conflicts(&self.dst_ns, &f.destination_service)?;
        pods_and_services_agree(&f.source_pod, &f.source_service)?;
        pods_and_services_agree(&f.destination_pod, &f.destination_service)
    }

    /// The finished list: the namespaces are folded into the pod and service filters.
    fn flow_filters(self) -> Vec<FlowFilter> {
        if self.left.is_none()
            && self.right.is_none()
            && self.ns.is_empty()
            && self.src_ns.is_empty()
            && self.dst_ns.is_empty()
        {
            return Vec::new();
        }
        let mut left = self.left.unwrap_or_default();
        let mut right = self.right.unwrap_or_default();
        if !self.dst_ns.is_empty() {
            apply_dst_ns(&mut left, &self.dst_ns);
            apply_dst_ns(&mut right, &self.dst_ns);
        }
        if !self.src_ns.is_empty() {
            apply_src_ns(&mut left, &self.src_ns);
            apply_src_ns(&mut right, &self.src_ns);
        }
        if !self.ns.is_empty() {
            apply_src_ns(&mut left, &self.ns);
            apply_dst_ns(&mut right, &self.ns);
        }
        if left == right { vec![left] } else { vec![left, right] }
    }
}

fn trace_audit_conflict() -> FlagError {
    err("--type trace-audit selects flows by their AUDIT verdict and cannot be combined with \
         other --type values or --verdict")
}

fn apply_src_ns(f: &mut FlowFilter, ns: &[String]) {
    if f.source_pod.is_empty() && f.source_service.is_empty() {
        f.source_pod = vec![String::new()];
    }
    f.source_pod = add_namespaces(&f.source_pod, ns);
    f.source_service = add_namespaces(&f.source_service, ns);
}

fn apply_dst_ns(f: &mut FlowFilter, ns: &[String]) {
    if f.destination_pod.is_empty() && f.destination_service.is_empty() {
        f.destination_pod = vec![String::new()];
    }
    f.destination_pod = add_namespaces(&f.destination_pod, ns);
    f.destination_service = add_namespaces(&f.destination_service, ns);
}

/// `name` becomes `ns/name` for every namespace; names that already have one stay.
fn add_namespaces(names: &[String], ns: &[String]) -> Vec<String> {
    if ns.is_empty() || names.is_empty() {
        return names.to_vec();
    }
    let mut out = Vec::new();
    for name in names {
        if name.contains('/') {
            out.push(name.clone());
        } else {
            out.extend(ns.iter().map(|n| format!("{n}/{name}")));
        }
    }
    out
}

fn namespace_of(name: &str) -> &str {
    name.split_once('/').map_or("", |(ns, _)| ns)
}

fn ns_conflicts(nss: &[String], names: &[String]) -> Result<(), FlagError> {
    for ns in nss {
        for name in names {
            let nn = namespace_of(name);
            if !nn.is_empty() && nn != ns {
                return Err(err(format!("namespace conflict: {ns:?} does not contain {name:?}")));
            }
        }
    }
    Ok(())
}

fn pods_and_services_agree(pods: &[String], services: &[String]) -> Result<(), FlagError> {
    for pod in pods {
        let pod_ns = namespace_of(pod);
        if pod_ns.is_empty() {
            continue;
        }
        for svc in services {
            if namespace_of(svc) != pod_ns {
                return Err(err(format!(
                    "namespace of service {svc:?} conflict with pod {pod_ns:?}"
                )));
            }
        }
    }
    Ok(())
}

/// `TYPE[:SUBTYPE]`: names or numbers; trace sub-types by observation point name, agent
/// sub-types by notification name.
pub fn parse_event_type(val: &str) -> Result<EventTypeFilter, FlagError> {
    let (typ, sub) = match val.split_once(':') {
        Some((t, s)) => (t, Some(s)),
        None => (val, None),
    };
    let named = names::EVENT_TYPES.iter().find(|(n, _)| *n == typ).map(|(_, t)| *t);
    let type_num = match named {
        Some(t) => t,
        None => typ.parse::<u32>().ok().and_then(|t| i32::try_from(t).ok()).ok_or_else(|| {
            err(format!(
                "unable to parse type '{typ}', not a known type name and unable to parse as \
                 numeric value"
            ))
        })?,
    };
    let mut filter = EventTypeFilter { r#type: type_num, ..EventTypeFilter::default() };
    if let Some(sub) = sub {
        // Like upstream, sub-type names only resolve after a type *name*.
        let table = match named {
            Some(names::msg::TRACE) => names::TRACE_POINTS,
            Some(names::msg::AGENT) => names::AGENT_SUBTYPES,
            _ => &[],
        };
        let sub_num = match table.iter().find(|(n, _)| *n == sub) {
            Some((_, n)) => *n,
            None => {
                sub.parse::<u32>().ok().and_then(|s| i32::try_from(s).ok()).ok_or_else(|| {
                    err(format!(
                        "unable to parse event sub-type '{sub}', not a known sub-type name and \
                     unable to parse as numeric value"
                    ))
                })?
            }
        };
        filter.match_sub_type = true;
        filter.sub_type = sub_num;
    }
    Ok(filter)
}

/// `syn,ack`: every listed flag must be set.
pub fn parse_tcp_flags(val: &str) -> Result<TcpFlags, FlagError> {
    let mut flags = TcpFlags::default();
    for name in val.split(',') {
        let bit = match name.to_ascii_uppercase().as_str() {
            "SYN" => &mut flags.syn,
            "FIN" => &mut flags.fin,
            "RST" => &mut flags.rst,
            "PSH" => &mut flags.psh,
            "ACK" => &mut flags.ack,
            "URG" => &mut flags.urg,
            "ECE" => &mut flags.ece,
            "CWR" => &mut flags.cwr,
            "NS" => &mut flags.ns,
            _ => return Err(err(format!("unknown tcp flag: {name}"))),
        };
        *bit = true;
    }
    Ok(flags)
}

/// `[kind/]name`.
fn parse_workload(s: &str) -> Workload {
    match s.split_once('/') {
        Some((kind, name)) => Workload { kind: kind.into(), name: name.into() },
        None => Workload { name: s.into(), ..Workload::default() },
    }
}

#[cfg(test)]
mod tests;
