//! Hubble metrics: counters derived from every flow, with Cilium's metric and label names, for
//! `hubble.metrics.enabled` (served on `hubble.metrics.port`).
//!
//! Each entry of the configuration is a metric name, optionally with options after a colon
//! (`flow:sourceContext=identity;destinationContext=ip`), as upstream's `hubble-metrics`.
//! Flows are counted as they arrive, before the ring; a scrape reads the counters. Label sets
//! come from the network (addresses, labels), so each metric keeps at most
//! [`MAX_SERIES`] of them; later ones are counted in `hubble_metrics_series_dropped_total`
//! instead of growing without bound.

pub mod context;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use self::context::Context;
use super::icmp;
use super::parse::message_type;
use super::proto::flow::{DropReason, Flow, IpVersion, TrafficDirection, Verdict, layer4, layer7};

/// Label sets kept per metric.
pub const MAX_SERIES: usize = 4096;

/// The metrics this agent computes.
pub const SUPPORTED: &[&str] =
    &["drop", "tcp", "flow", "port-distribution", "icmp", "policy", "httpV2"];

/// Upstream's default buckets of `hubble_http_request_duration_seconds` (Prometheus's).
pub const DURATION_BUCKETS: &[f64] =
    &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Upstream's other metrics, refused by name with the reason.
const NOT_HERE: &[(&str, &str)] = &[
    ("dns", "needs a DNS proxy, which this agent does not run"),
    ("http", "is upstream's deprecated HTTP metric; use httpV2"),
    ("kafka", "needs a Kafka proxy, which this agent does not run"),
    ("flows-to-world", "is not implemented by this agent"),
];

/// Which metric an entry asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Drop,
    Tcp,
    Flow,
    PortDistribution,
    Icmp,
    Policy,
    HttpV2,
}

impl Kind {
    fn parse(name: &str) -> Result<Self, String> {
        Ok(match name {
            "drop" => Self::Drop,
            "tcp" => Self::Tcp,
            "flow" => Self::Flow,
            "port-distribution" => Self::PortDistribution,
            "icmp" => Self::Icmp,
            "policy" => Self::Policy,
            "httpV2" => Self::HttpV2,
            other => {
                return Err(match NOT_HERE.iter().find(|(n, _)| *n == other) {
                    Some((n, why)) => format!("{n} {why}; supported: {}", SUPPORTED.join(", ")),
                    None => format!(
                        "unknown Hubble metric `{other}`; supported: {}",
                        SUPPORTED.join(", ")
                    ),
                });
            }
        })
    }

    /// Name (without `_total`), help, and the metric's own labels.
    fn describe(self) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            Self::Drop => ("hubble_drop", "Number of drops", &["reason", "protocol"]),
            Self::Tcp => ("hubble_tcp_flags", "TCP flag occurrences", &["flag", "family"]),
            Self::Flow => (
                "hubble_flows_processed",
                "Total number of flows processed",
                &["protocol", "type", "subtype", "verdict"],
            ),
            Self::PortDistribution => (
                "hubble_port_distribution",
                "Numbers of packets distributed by destination port",
                &["protocol", "port"],
            ),
            Self::Icmp => ("hubble_icmp", "Number of ICMP messages", &["family", "type"]),
            Self::Policy => (
                "hubble_policy_verdicts",
                "Total number of Cilium network policy verdicts",
                &["direction", "match", "action"],
            ),
            Self::HttpV2 => (
                "hubble_http_requests",
                "Count of HTTP requests",
                &["method", "protocol", "status", "reporter"],
            ),
        }
    }
}

/// One enabled metric: what it counts, its context, and its series.
#[derive(Debug)]
struct Metric {
    kind: Kind,
    context: Context,
    series: Mutex<BTreeMap<Vec<String>, u64>>,
    /// httpV2's request durations, by label set.
    durations: Mutex<BTreeMap<Vec<String>, Histogram>>,
}

/// One histogram series: per-bucket counts ([`DURATION_BUCKETS`], not cumulative), sum, count.
#[derive(Debug, Clone, Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

/// One histogram series as a scrape shows it: labels, sum, count, and the cumulative bucket
/// counts (upper bound, count).
pub type HistogramSample = (Vec<(String, String)>, f64, u64, Vec<(f64, u64)>);

/// A histogram family: name, help, series.
pub type HistogramFamily = (&'static str, &'static str, Vec<HistogramSample>);

/// A counter family as a scrape shows it: name without `_total`, help, label pairs and values.
pub type Family = (&'static str, &'static str, Vec<(Vec<(String, String)>, u64)>);

/// The enabled metrics.
#[derive(Debug)]
pub struct HubbleMetrics {
    metrics: Vec<Metric>,
    dropped: AtomicU64,
}

/// Why a `hubble.metrics.enabled` entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry}: {reason}")]
pub struct SpecError {
    /// The entry as written.
    pub entry: String,
    /// Why.
    pub reason: String,
}

impl HubbleMetrics {
    /// The metrics of `entries` (`name` or `name:key=value;key=value`), each name at most once.
    pub fn parse(entries: &[String]) -> Result<Self, SpecError> {
        let mut metrics: Vec<Metric> = Vec::new();
        for entry in entries {
            let fail = |reason: String| SpecError { entry: entry.clone(), reason };
            let (name, options) = entry.split_once(':').unwrap_or((entry.as_str(), ""));
            let kind = Kind::parse(name.trim()).map_err(fail)?;
            if metrics.iter().any(|m| m.kind == kind) {
                return Err(fail("listed twice".into()));
            }
            let mut context = Context::default();
            for option in options.split(';').map(str::trim).filter(|o| !o.is_empty()) {
                let (k, v) = option
                    .split_once('=')
                    .ok_or_else(|| fail(format!("option `{option}` is not key=value")))?;
                if !context.set(k.trim(), v.trim()).map_err(fail)? {
                    return Err(fail(format!(
                        "unknown option `{k}` (sourceContext, destinationContext, labelsContext)"
                    )));
                }
            }
            metrics.push(Metric {
                kind,
                context,
                series: Mutex::new(BTreeMap::new()),
                durations: Mutex::new(BTreeMap::new()),
            });
        }
        Ok(Self { metrics, dropped: AtomicU64::new(0) })
    }

    /// Whether any metric is enabled.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    /// Counts `flow` in every metric it belongs to.
    pub fn process(&self, flow: &Flow) {
        for m in &self.metrics {
            let swapped;
            // Upstream's HTTP metrics see a response from the request's side: its source is
            // the client.
            let ctx_flow = if m.kind == Kind::HttpV2 && flow.is_reply.is_some_and(|r| r.value) {
                swapped = swap_sides(flow);
                &swapped
            } else {
                flow
            };
            let context = m.context.values(ctx_flow);
            if m.kind == Kind::HttpV2
                && let Some((method, reporter, seconds)) = http_duration(flow)
            {
                let mut key = vec![method, reporter];
                key.extend(context.iter().cloned());
                let mut hist = m.durations.lock().unwrap_or_else(|p| p.into_inner());
                if hist.len() < MAX_SERIES || hist.contains_key(&key) {
                    let h = hist.entry(key).or_insert_with(|| Histogram {
                        buckets: vec![0; DURATION_BUCKETS.len()],
                        ..Default::default()
                    });
                    if let Some(i) = DURATION_BUCKETS.iter().position(|b| seconds <= *b) {
                        h.buckets[i] += 1;
                    }
                    h.sum += seconds;
                    h.count += 1;
                } else {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
            for labels in values(m.kind, flow) {
                let mut key = labels;
                key.extend(context.iter().cloned());
                let mut series = m.series.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(n) = series.get_mut(&key) {
                    *n += 1;
                } else if series.len() < MAX_SERIES {
                    series.insert(key, 1);
                } else {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// The histograms of the enabled metrics (httpV2's request durations), for a scrape.
    pub fn histograms(&self) -> Vec<HistogramFamily> {
        self.metrics
            .iter()
            .filter(|m| m.kind == Kind::HttpV2)
            .map(|m| {
                let names: Vec<&str> =
                    ["method", "reporter"].into_iter().chain(m.context.names()).collect();
                let hist = m.durations.lock().unwrap_or_else(|p| p.into_inner());
                let samples = hist
                    .iter()
                    .map(|(values, h)| {
                        let labels = names
                            .iter()
                            .zip(values)
                            .map(|(k, v)| (k.to_string(), v.clone()))
                            .collect();
                        let mut acc = 0;
                        let mut buckets: Vec<(f64, u64)> = DURATION_BUCKETS
                            .iter()
                            .zip(&h.buckets)
                            .map(|(b, n)| {
                                acc += n;
                                (*b, acc)
                            })
                            .collect();
                        buckets.push((f64::INFINITY, h.count));
                        (labels, h.sum, h.count, buckets)
                    })
                    .collect();
                (
                    "hubble_http_request_duration_seconds",
                    "Quantiles of HTTP request duration in seconds",
                    samples,
                )
            })
            .collect()
    }

    /// Every enabled metric's series, for a scrape.
    pub fn families(&self) -> Vec<Family> {
        let mut out: Vec<Family> = self
            .metrics
            .iter()
            .map(|m| {
                let (name, help, own) = m.kind.describe();
                let names: Vec<&str> = own.iter().copied().chain(m.context.names()).collect();
                let series = m.series.lock().unwrap_or_else(|p| p.into_inner());
                let samples = series
                    .iter()
                    .map(|(values, n)| {
                        let labels = names
                            .iter()
                            .zip(values)
                            .map(|(k, v)| (k.to_string(), v.clone()))
                            .collect();
                        (labels, *n)
                    })
                    .collect();
                (name, help, samples)
            })
            .collect();
        out.push((
            "hubble_metrics_series_dropped",
            "Flows not counted because their metric already had as many label sets as it keeps",
            vec![(Vec::new(), self.dropped.load(Ordering::Relaxed))],
        ));
        out
    }
}

/// The flow with source and destination (addresses, endpoints, names, ports) swapped.
fn swap_sides(flow: &Flow) -> Flow {
    let mut f = flow.clone();
    std::mem::swap(&mut f.source, &mut f.destination);
    std::mem::swap(&mut f.source_names, &mut f.destination_names);
    if let Some(ip) = f.ip.as_mut() {
        std::mem::swap(&mut ip.source, &mut ip.destination);
    }
    f
}

/// An HTTP response's method, reporter and latency in seconds (upstream's duration metric).
fn http_duration(flow: &Flow) -> Option<(String, String, f64)> {
    let l7 = flow.l7.as_ref()?;
    if l7.r#type != super::proto::flow::L7FlowType::Response as i32 {
        return None;
    }
    let Some(layer7::Record::Http(h)) = l7.record.as_ref() else { return None };
    Some((h.method.clone(), reporter(flow).to_string(), l7.latency_ns as f64 / 1e9))
}

/// Upstream's `reporter`: the side whose proxy saw the request.
fn reporter(flow: &Flow) -> &'static str {
    match TrafficDirection::try_from(flow.traffic_direction).unwrap_or_default() {
        TrafficDirection::Ingress => "server",
        TrafficDirection::Egress => "client",
        _ => "unknown",
    }
}

/// Upstream's protocol of a flow: the L7 one for access logs, else the L4 one.
fn protocol(flow: &Flow) -> &'static str {
    let t = flow.event_type.map(|e| e.r#type).unwrap_or_default();
    match t {
        message_type::L7 => match flow.l7.as_ref().and_then(|l| l.record.as_ref()) {
            Some(layer7::Record::Dns(_)) => "DNS",
            Some(layer7::Record::Http(_)) => "HTTP",
            Some(layer7::Record::Kafka(_)) => "Kafka",
            None => "Unknown L7",
        },
        message_type::DROP
        | message_type::TRACE
        | message_type::POLICY_VERDICT
        | message_type::CAPTURE => match flow.l4.as_ref().and_then(|l| l.protocol.as_ref()) {
            Some(layer4::Protocol::Tcp(_)) => "TCP",
            Some(layer4::Protocol::Udp(_)) => "UDP",
            Some(layer4::Protocol::IcmPv4(_)) => "ICMPv4",
            Some(layer4::Protocol::IcmPv6(_)) => "ICMPv6",
            Some(layer4::Protocol::Sctp(_)) => "SCTP",
            Some(layer4::Protocol::Vrrp(_)) => "VRRP",
            Some(layer4::Protocol::Igmp(_)) => "IGMP",
            None => "Unknown L4",
        },
        _ => "Unknown flow",
    }
}

fn verdict(flow: &Flow) -> Verdict {
    Verdict::try_from(flow.verdict).unwrap_or_default()
}

fn family(flow: &Flow) -> String {
    let v = flow.ip.as_ref().map(|i| i.ip_version).unwrap_or_default();
    IpVersion::try_from(v).unwrap_or_default().as_str_name().to_string()
}

/// The metric's own label values for `flow`: none when it does not count it, several when it
/// counts it more than once (a SYN-ACK with FIN is two flags).
fn values(kind: Kind, flow: &Flow) -> Vec<Vec<String>> {
    let s = |v: &str| v.to_string();
    let passed = matches!(verdict(flow), Verdict::Forwarded | Verdict::Redirected);
    let l4 = flow.l4.as_ref().and_then(|l| l.protocol.as_ref());
    let event = flow.event_type.map(|e| (e.r#type, e.sub_type)).unwrap_or_default();
    match kind {
        Kind::Flow => {
            let (t, sub) = match event.0 {
                message_type::L7 => (
                    "L7",
                    match protocol(flow) {
                        "DNS" => s("DNS"),
                        "HTTP" => s("HTTP"),
                        _ => String::new(),
                    },
                ),
                message_type::DROP => ("Drop", String::new()),
                message_type::CAPTURE => ("Capture", String::new()),
                message_type::TRACE => (
                    "Trace",
                    s(crate::api::monitor::obs_point_name(u8::try_from(event.1).unwrap_or(0))),
                ),
                message_type::POLICY_VERDICT => ("PolicyVerdict", String::new()),
                other => ("Unknown", other.to_string()),
            };
            vec![vec![s(protocol(flow)), s(t), sub, s(verdict(flow).as_str_name())]]
        }
        Kind::Drop if verdict(flow) == Verdict::Dropped => {
            let reason = DropReason::try_from(flow.drop_reason_desc).unwrap_or_default();
            vec![vec![s(reason.as_str_name()), s(protocol(flow))]]
        }
        Kind::Tcp if passed => {
            let Some(layer4::Protocol::Tcp(tcp)) = l4 else { return Vec::new() };
            let Some(f) = tcp.flags else { return Vec::new() };
            let mut out = Vec::new();
            if f.fin {
                out.push(vec![s("FIN"), family(flow)]);
            }
            if f.syn {
                out.push(vec![s(if f.ack { "SYN-ACK" } else { "SYN" }), family(flow)]);
            }
            if f.rst {
                out.push(vec![s("RST"), family(flow)]);
            }
            out
        }
        Kind::PortDistribution if passed && !flow.is_reply.is_some_and(|r| r.value) => {
            let port = match l4 {
                Some(layer4::Protocol::Tcp(t)) => t.destination_port,
                Some(layer4::Protocol::Udp(u)) => u.destination_port,
                Some(layer4::Protocol::Sctp(p)) => p.destination_port,
                Some(layer4::Protocol::IcmPv4(_) | layer4::Protocol::IcmPv6(_)) => 0,
                _ => return Vec::new(),
            };
            vec![vec![s(protocol(flow)), port.to_string()]]
        }
        // Upstream labels ICMPv6 as IPv4 too (a slip); we say which family it is.
        Kind::Icmp => match l4 {
            Some(layer4::Protocol::IcmPv4(i)) => {
                vec![vec![s("IPv4"), icmp::v4_name(i.r#type, i.code)]]
            }
            Some(layer4::Protocol::IcmPv6(i)) => {
                vec![vec![s("IPv6"), icmp::v6_name(i.r#type, i.code)]]
            }
            _ => Vec::new(),
        },
        // The host may reach its own endpoints whatever the policy: upstream leaves its
        // verdicts out.
        Kind::Policy
            if event.0 == message_type::POLICY_VERDICT
                && flow.source.as_ref().is_none_or(|e| e.identity != crate::identity::HOST) =>
        {
            let direction = TrafficDirection::try_from(flow.traffic_direction)
                .unwrap_or_default()
                .as_str_name()
                .to_ascii_lowercase();
            vec![vec![
                direction,
                s(match_name(flow.policy_match_type)),
                verdict(flow).as_str_name().to_ascii_lowercase(),
            ]]
        }
        // As upstream: requests are counted by their response, which carries the status.
        Kind::HttpV2 => {
            let Some(l7) = flow.l7.as_ref() else { return Vec::new() };
            let Some(layer7::Record::Http(h)) = l7.record.as_ref() else { return Vec::new() };
            if l7.r#type != super::proto::flow::L7FlowType::Response as i32 {
                return Vec::new();
            }
            vec![vec![h.method.clone(), h.protocol.clone(), h.code.to_string(), s(reporter(flow))]]
        }
        _ => Vec::new(),
    }
}

/// Upstream's names of a policy match type (its monitor API's numbers), lower-cased as its
/// metric shows them.
fn match_name(m: u32) -> &'static str {
    match m {
        0 => "none",
        1 => "l3-only",
        2 => "l3-l4",
        3 => "l4-only",
        4 => "all",
        5 => "l3-proto",
        6 => "proto-only",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests;
