//! The context options of a Hubble metric (`sourceContext`, `destinationContext`,
//! `labelsContext`): which extra labels say who sent and who received, with upstream's
//! identifiers and values. On VMs the Kubernetes ones (namespace, pod, workload, app) are
//! empty; identity, ip, dns and reserved-identity carry what there is.

use crate::hubble::proto::flow::{Endpoint, Flow, TrafficDirection};

/// One way to name a side of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identifier {
    /// Every label of the identity, comma-joined.
    Identity,
    /// The namespace.
    Namespace,
    /// `namespace/pod`.
    Pod,
    /// `namespace/pod` with the pod's generated suffix cut.
    PodShort,
    /// The DNS names of the address.
    Dns,
    /// The address.
    Ip,
    /// The first `reserved:` label.
    ReservedIdentity,
    /// The first workload's name.
    WorkloadName,
    /// The Kubernetes app label's value.
    App,
}

impl Identifier {
    fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "identity" => Self::Identity,
            "namespace" => Self::Namespace,
            "pod" => Self::Pod,
            "pod-short" => Self::PodShort,
            "dns" => Self::Dns,
            "ip" => Self::Ip,
            "reserved-identity" => Self::ReservedIdentity,
            "workload-name" => Self::WorkloadName,
            "app" => Self::App,
            _ => return None,
        })
    }
}

/// The labels `labelsContext` may name, in the order they are emitted (upstream's).
pub const CONTEXT_LABELS: &[&str] = &[
    "source_ip",
    "source_pod",
    "source_namespace",
    "source_workload",
    "source_app",
    "destination_ip",
    "destination_pod",
    "destination_namespace",
    "destination_workload",
    "destination_app",
    "traffic_direction",
];

/// The parsed context options of one metric.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    source: Vec<Identifier>,
    destination: Vec<Identifier>,
    /// Indexes into [`CONTEXT_LABELS`], ascending.
    labels: Vec<usize>,
}

/// Longest option value accepted; options come from the operator, but a bound costs nothing.
const MAX_OPTION: usize = 1024;

impl Context {
    /// Applies one option of a metric (`key=value`); `Ok(false)` when the key is no context
    /// option.
    pub fn set(&mut self, key: &str, value: &str) -> Result<bool, String> {
        if value.len() > MAX_OPTION {
            return Err(format!("{key}: value longer than {MAX_OPTION} bytes"));
        }
        let identifiers = |v: &str| {
            v.split('|')
                .map(|i| {
                    Identifier::parse(i).ok_or_else(|| {
                        format!(
                            "{key}: unknown context `{i}` (identity, namespace, pod, pod-short, dns, ip, reserved-identity, workload-name, app)"
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        match key.to_ascii_lowercase().as_str() {
            "sourcecontext" => self.source = identifiers(value)?,
            "destinationcontext" => self.destination = identifiers(value)?,
            "labelscontext" => {
                let mut idx = value
                    .split(',')
                    .map(|l| {
                        CONTEXT_LABELS.iter().position(|c| *c == l).ok_or_else(|| {
                            format!(
                                "labelsContext: unknown label `{l}` ({})",
                                CONTEXT_LABELS.join(", ")
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                idx.sort_unstable();
                idx.dedup();
                self.labels = idx;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The label names this context adds, in order.
    pub fn names(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.labels.iter().map(|i| CONTEXT_LABELS[*i]).collect();
        if !self.source.is_empty() {
            out.push("source");
        }
        if !self.destination.is_empty() {
            out.push("destination");
        }
        out
    }

    /// The label values for `flow`, in the order of [`Context::names`].
    pub fn values(&self, flow: &Flow) -> Vec<String> {
        let mut out: Vec<String> =
            self.labels.iter().map(|i| label(CONTEXT_LABELS[*i], flow)).collect();
        let ip = flow.ip.as_ref();
        if !self.source.is_empty() {
            let addr = ip.map(|i| i.source.as_str()).unwrap_or_default();
            out.push(first(&self.source, flow.source.as_ref(), addr, &flow.source_names));
        }
        if !self.destination.is_empty() {
            let addr = ip.map(|i| i.destination.as_str()).unwrap_or_default();
            out.push(first(
                &self.destination,
                flow.destination.as_ref(),
                addr,
                &flow.destination_names,
            ));
        }
        out
    }
}

/// The first non-empty value of `ids` for one side.
fn first(ids: &[Identifier], ep: Option<&Endpoint>, ip: &str, names: &[String]) -> String {
    ids.iter().map(|id| side(*id, ep, ip, names)).find(|v| !v.is_empty()).unwrap_or_default()
}

fn side(id: Identifier, ep: Option<&Endpoint>, ip: &str, names: &[String]) -> String {
    let with_ns = |name: String| match ep.map(|e| e.namespace.as_str()) {
        Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name,
    };
    match id {
        Identifier::Identity => ep.map(|e| e.labels.join(",")).unwrap_or_default(),
        Identifier::Namespace => ep.map(|e| e.namespace.clone()).unwrap_or_default(),
        Identifier::Pod => ep.map(|e| with_ns(e.pod_name.clone())).unwrap_or_default(),
        Identifier::PodShort => {
            ep.map(|e| with_ns(short_pod(&e.pod_name).to_string())).unwrap_or_default()
        }
        Identifier::Dns => names.join(","),
        Identifier::Ip => ip.to_string(),
        Identifier::ReservedIdentity => ep.map(|e| reserved(&e.labels)).unwrap_or_default(),
        Identifier::WorkloadName => {
            ep.and_then(|e| e.workloads.first()).map(|w| w.name.clone()).unwrap_or_default()
        }
        Identifier::App => ep.map(|e| app(&e.labels)).unwrap_or_default(),
    }
}

fn label(name: &str, flow: &Flow) -> String {
    let (src, dst) = (flow.source.as_ref(), flow.destination.as_ref());
    let ip = flow.ip.as_ref();
    let workload = |e: Option<&Endpoint>| {
        e.and_then(|e| e.workloads.first()).map(|w| w.name.clone()).unwrap_or_default()
    };
    match name {
        "source_ip" => ip.map(|i| i.source.clone()).unwrap_or_default(),
        "source_pod" => src.map(|e| e.pod_name.clone()).unwrap_or_default(),
        "source_namespace" => src.map(|e| e.namespace.clone()).unwrap_or_default(),
        "source_workload" => workload(src),
        "source_app" => src.map(|e| app(&e.labels)).unwrap_or_default(),
        "destination_ip" => ip.map(|i| i.destination.clone()).unwrap_or_default(),
        "destination_pod" => dst.map(|e| e.pod_name.clone()).unwrap_or_default(),
        "destination_namespace" => dst.map(|e| e.namespace.clone()).unwrap_or_default(),
        "destination_workload" => workload(dst),
        "destination_app" => dst.map(|e| app(&e.labels)).unwrap_or_default(),
        "traffic_direction" => match TrafficDirection::try_from(flow.traffic_direction) {
            Ok(TrafficDirection::Unknown) | Err(_) => "unknown".into(),
            Ok(d) => d.as_str_name().to_ascii_lowercase(),
        },
        _ => String::new(),
    }
}

/// A pod name without the suffixes a ReplicaSet and its pods add (`web-7d9c5-x2x4z` → `web`),
/// as upstream's `^(.+?)(-[a-z0-9]+){1,2}$`.
fn short_pod(name: &str) -> &str {
    let is_suffix =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let mut end = name.len();
    for _ in 0..2 {
        match name[..end].rfind('-') {
            Some(i) if i > 0 && is_suffix(&name[i + 1..end]) => end = i,
            _ => break,
        }
    }
    if end == name.len() { name } else { &name[..end] }
}

fn reserved(labels: &[String]) -> String {
    const APISERVER: &str = "reserved:kube-apiserver";
    if labels.iter().any(|l| l == APISERVER) {
        return APISERVER.into();
    }
    labels.iter().find(|l| l.starts_with("reserved:")).cloned().unwrap_or_default()
}

/// The app of Kubernetes' labels: the recommended one, the legacy one, then plain `app`.
fn app(labels: &[String]) -> String {
    for key in ["k8s:app.kubernetes.io/name=", "k8s:k8s-app=", "k8s:app="] {
        if let Some(v) = labels.iter().find_map(|l| l.strip_prefix(key))
            && !v.is_empty()
        {
            return v.to_string();
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hubble::proto::flow::Ip;

    #[test]
    fn pods_are_shortened_as_upstream() {
        assert_eq!(short_pod("web-7d9c5bd8f-x2x4z"), "web");
        assert_eq!(short_pod("web-x2x4z"), "web");
        assert_eq!(short_pod("web"), "web");
        assert_eq!(short_pod("my-web-app-7d9c5-abcde"), "my-web-app");
    }

    #[test]
    fn the_first_non_empty_identifier_names_a_side() {
        let mut c = Context::default();
        assert!(c.set("sourceContext", "namespace|ip").expect("valid"));
        assert!(c.set("labelsContext", "traffic_direction,source_ip").expect("valid"));
        assert!(!c.set("exemplars", "true").expect("not a context option"));
        assert!(c.set("destinationContext", "pod|nope").is_err());
        assert_eq!(c.names(), ["source_ip", "traffic_direction", "source"]);
        let flow = Flow {
            ip: Some(Ip { source: "10.0.0.1".into(), ..Default::default() }),
            traffic_direction: TrafficDirection::Ingress as i32,
            ..Default::default()
        };
        assert_eq!(c.values(&flow), ["10.0.0.1", "ingress", "10.0.0.1"]);
    }
}
