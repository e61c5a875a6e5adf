//! Prometheus metrics on `prometheus.port` (`/metrics`), with Cilium's metric names where one
//! exists. Values are read at scrape time (datapath counters, policy, nodes, WireGuard) into a
//! snapshot that a `prometheus-client` collector encodes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

/// Warnings and errors logged, by level (Cilium's `cilium_errors_warnings_total`).
#[derive(Debug, Default)]
pub struct LogCounters {
    /// `warning`.
    pub warnings: AtomicU64,
    /// `error`.
    pub errors: AtomicU64,
}

/// The process-wide log counters, fed by the logging layer.
pub static LOG_COUNTERS: LogCounters =
    LogCounters { warnings: AtomicU64::new(0), errors: AtomicU64::new(0) };

type Labels = Vec<(String, String)>;

/// One metric family's samples.
#[derive(Debug, Clone)]
enum Samples {
    Counter(Vec<(Labels, u64)>),
    /// A counter of a continuous quantity (CPU seconds).
    Seconds(Vec<(Labels, f64)>),
    Gauge(Vec<(Labels, f64)>),
    /// Sum, count and cumulative buckets per label set.
    Histogram(Vec<crate::hubble::metrics::HistogramSample>),
}

/// Everything one scrape shows.
#[derive(Debug, Default)]
pub struct Snapshot {
    families: Vec<(&'static str, &'static str, Samples)>,
}

impl Snapshot {
    fn counter(&mut self, name: &'static str, help: &'static str, samples: Vec<(Labels, u64)>) {
        self.families.push((name, help, Samples::Counter(samples)));
    }

    fn gauge(&mut self, name: &'static str, help: &'static str, samples: Vec<(Labels, f64)>) {
        self.families.push((name, help, Samples::Gauge(samples)));
    }
}

impl Collector for Snapshot {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for (name, help, samples) in &self.families {
            match samples {
                Samples::Counter(s) => {
                    let mut m = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
                    for (labels, v) in s {
                        ConstCounter::new(*v).encode(m.encode_family(labels)?)?;
                    }
                }
                Samples::Seconds(s) => {
                    let mut m = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
                    for (labels, v) in s {
                        ConstCounter::new(*v).encode(m.encode_family(labels)?)?;
                    }
                }
                Samples::Gauge(s) => {
                    let mut m = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
                    for (labels, v) in s {
                        ConstGauge::new(*v).encode(m.encode_family(labels)?)?;
                    }
                }
                Samples::Histogram(s) => {
                    let mut m =
                        encoder.encode_descriptor(name, help, None, MetricType::Histogram)?;
                    for (labels, sum, count, buckets) in s {
                        m.encode_family(labels)?
                            .encode_histogram::<Labels>(*sum, *count, buckets, None)?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn l(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Process metrics from /proc/self, named as every Prometheus client library names them.
fn process(s: &mut Snapshot) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which may itself hold spaces and parentheses; index 0 is
    // field 3 of proc(5).
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let sysconf = |v| nix::unistd::sysconf(v).ok().flatten().map(|x| x as f64);
    let ticks = sysconf(nix::unistd::SysconfVar::CLK_TCK).unwrap_or(100.0);
    let page = sysconf(nix::unistd::SysconfVar::PAGE_SIZE).unwrap_or(4096.0);
    let fds = std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0);
    s.families.push((
        "process_cpu_seconds",
        "Total user and system CPU time of the agent in seconds",
        Samples::Seconds(vec![(vec![], (field(11) + field(12)) / ticks)]),
    ));
    s.gauge(
        "process_resident_memory_bytes",
        "Resident memory of the agent in bytes",
        vec![(vec![], field(21) * page)],
    );
    s.gauge(
        "process_virtual_memory_bytes",
        "Virtual memory of the agent in bytes",
        vec![(vec![], field(20))],
    );
    s.gauge("process_open_fds", "Open file descriptors of the agent", vec![(vec![], fds as f64)]);
    if let Some(max) = max_open_files() {
        s.gauge("process_max_fds", "Limit of open file descriptors", vec![(vec![], max)]);
    }
    if let Some(boot) = boot_time() {
        s.gauge(
            "process_start_time_seconds",
            "Start time of the agent since the Unix epoch in seconds",
            vec![(vec![], boot + field(19) / ticks)],
        );
    }
}

/// The soft limit on open files, from /proc/self/limits.
fn max_open_files() -> Option<f64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// When the machine booted, in seconds since the epoch (`btime` of /proc/stat).
fn boot_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    stat.lines().find_map(|l| l.strip_prefix("btime "))?.trim().parse().ok()
}

/// What one scrape shows of the agent, gathered by whoever runs the agent (the daemon): this
/// module knows metric names and the exposition format, not the agent's internals.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// Datapath counters: (drop reason or 0 for forwarded, egress, packets, bytes).
    pub datapath: Option<Vec<(u8, bool, u64, u64)>>,
    /// Fill level of the datapath's tables, as last counted.
    pub map_pressure: Vec<(&'static str, f64)>,
    /// (policies, revision, successful changes, failed changes).
    pub policy: (usize, u64, u64, u64),
    /// This cluster's name and this node's.
    pub cluster: String,
    /// This node's name.
    pub node: String,
    /// Every other node: name, reachable, latency of its last probe.
    pub nodes: Vec<(String, bool, Option<f64>)>,
    /// WireGuard peers.
    pub wireguard: Option<Vec<PeerStat>>,
    /// Hubble's counters.
    pub hubble: Option<HubbleCounts>,
    /// Node announcements rejected and address claims refused, by reason.
    pub announcements_rejected: Vec<(&'static str, u64)>,
    /// Remote clusters of the mesh, when one is configured.
    pub mesh: Option<Vec<MeshStat>>,
    /// The L7 proxy's counters, when it runs.
    pub proxy: Option<ProxyCounts>,
}

/// The L7 proxy's counters: messages are requests and responses alike, as Cilium counts them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProxyCounts {
    /// Messages seen.
    pub received: u64,
    /// Messages passed on.
    pub forwarded: u64,
    /// Requests denied by policy.
    pub denied: u64,
    /// Malformed requests and unanswered ones.
    pub parse_errors: u64,
    /// Ports redirected to the proxy.
    pub redirects: usize,
}

/// One remote cluster of the mesh.
#[derive(Debug, Clone, Default)]
pub struct MeshStat {
    /// Its name.
    pub cluster: String,
    /// Ready: its nodes and identities are in use and current.
    pub ready: bool,
    /// Times its connection broke.
    pub failures: u64,
    /// When it last did (Unix seconds).
    pub last_failure: Option<f64>,
    /// Its nodes in use.
    pub nodes: usize,
}

/// One WireGuard peer's counters.
#[derive(Debug, Clone, Default)]
pub struct PeerStat {
    /// Public key (base64).
    pub public_key: String,
    /// Seconds since the last handshake, if there was one.
    pub since_handshake: Option<f64>,
    /// Bytes received.
    pub rx: u64,
    /// Bytes sent.
    pub tx: u64,
}

/// Hubble's counters.
#[derive(Debug, Clone, Default)]
pub struct HubbleCounts {
    /// Flows processed by (type, subtype, verdict).
    pub processed: Vec<((&'static str, &'static str, &'static str), u64)>,
    /// Events lost by source.
    pub lost: Vec<(&'static str, u64)>,
}

/// A scrape's snapshot of `input`, with the process and log counters.
pub fn snapshot(input: &Input) -> Snapshot {
    let mut s = Snapshot::default();
    let dir = |egress: bool| if egress { "EGRESS" } else { "INGRESS" };
    if let Some(m) = &input.datapath {
        let (mut fwd_c, mut fwd_b, mut drop_c, mut drop_b) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (reason, egress, count, bytes) in m {
            if *reason == 0 {
                fwd_c.push((l(&[("direction", dir(*egress))]), *count));
                fwd_b.push((l(&[("direction", dir(*egress))]), *bytes));
            } else {
                let r = crate::api::monitor::drop_reason_name(*reason);
                drop_c.push((l(&[("reason", r), ("direction", dir(*egress))]), *count));
                drop_b.push((l(&[("reason", r), ("direction", dir(*egress))]), *bytes));
            }
        }
        s.counter("cilium_forward_count", "Packets forwarded by the datapath", fwd_c);
        s.counter("cilium_forward_bytes", "Bytes forwarded by the datapath", fwd_b);
        s.counter("cilium_drop_count", "Packets dropped by the datapath, by reason", drop_c);
        s.counter("cilium_drop_bytes", "Bytes dropped by the datapath, by reason", drop_b);
        s.gauge(
            "cilium_bpf_map_pressure",
            "Fill level of the BPF maps (entries / capacity), as last counted",
            input.map_pressure.iter().map(|(name, p)| (l(&[("map_name", name)]), *p)).collect(),
        );
    }
    let (policies, revision, changes_ok, changes_failed) = input.policy;
    s.gauge("cilium_policy", "Number of policies loaded", vec![(vec![], policies as f64)]);
    s.gauge(
        "cilium_policy_max_revision",
        "Highest policy revision",
        vec![(vec![], revision as f64)],
    );
    s.counter(
        "cilium_policy_change",
        "Policy changes, by outcome",
        vec![
            (l(&[("outcome", "success")]), changes_ok),
            (l(&[("outcome", "fail")]), changes_failed),
        ],
    );
    let mut conn = Vec::new();
    let mut lat = Vec::new();
    let mut unreachable = 0;
    for (name, reachable, latency) in &input.nodes {
        unreachable += u32::from(!reachable);
        let labels = l(&[
            ("source_cluster", &input.cluster),
            ("source_node_name", &input.node),
            ("target_cluster", &input.cluster),
            ("target_node_name", name),
            ("type", "node"),
        ]);
        conn.push((labels.clone(), if *reachable { 1.0 } else { 0.0 }));
        if let Some(secs) = latency {
            lat.push((labels, *secs));
        }
    }
    s.gauge(
        "cilium_unreachable_nodes",
        "Nodes this agent cannot reach",
        vec![(vec![], f64::from(unreachable))],
    );
    s.gauge("cilium_node_connectivity_status", "1 when the node answers, 0 otherwise", conn);
    s.gauge("cilium_node_connectivity_latency_seconds", "Round trip of the last probe", lat);
    s.counter(
        "cilium_node_announcements_rejected",
        "Node announcements rejected and address claims refused, by reason",
        input
            .announcements_rejected
            .iter()
            .map(|(reason, n)| (l(&[("reason", reason)]), *n))
            .collect(),
    );
    if let Some(mesh) = &input.mesh {
        let own = l(&[("source_cluster", &input.cluster), ("source_node_name", &input.node)]);
        let per = |f: &dyn Fn(&MeshStat) -> f64| -> Vec<(Labels, f64)> {
            mesh.iter()
                .map(|m| {
                    let mut labels = own.clone();
                    labels.push(("target_cluster".into(), m.cluster.clone()));
                    (labels, f(m))
                })
                .collect()
        };
        s.gauge(
            "cilium_clustermesh_remote_clusters",
            "The total number of remote clusters meshed with the local cluster",
            vec![(own.clone(), mesh.len() as f64)],
        );
        s.gauge(
            "cilium_clustermesh_remote_cluster_readiness_status",
            "The readiness status of the remote cluster",
            per(&|m| if m.ready { 1.0 } else { 0.0 }),
        );
        s.gauge(
            "cilium_clustermesh_remote_cluster_failures",
            "The total number of failures related to the remote cluster",
            per(&|m| m.failures as f64),
        );
        s.gauge(
            "cilium_clustermesh_remote_cluster_last_failure_ts",
            "The timestamp of the last failure of the remote cluster",
            per(&|m| m.last_failure.unwrap_or(0.0)),
        );
        s.gauge(
            "cilium_clustermesh_remote_cluster_nodes",
            "The total number of nodes in the remote cluster",
            per(&|m| m.nodes as f64),
        );
        s.gauge(
            "cilium_clustermesh_global_services",
            "The total number of global services in the cluster mesh",
            vec![(own, 0.0)],
        );
    }
    if let Some(p) = &input.proxy {
        // Upstream labels the HTTP proxy's series `envoy`; dashboards select on it.
        let rule = |r: &str| l(&[("rule", r), ("proxy_type", "envoy")]);
        s.counter(
            "cilium_policy_l7",
            "Number of total L7 requests/responses",
            vec![
                (rule("received"), p.received),
                (rule("forwarded"), p.forwarded),
                (rule("denied"), p.denied),
                (rule("parse_errors"), p.parse_errors),
            ],
        );
        s.gauge(
            "cilium_proxy_redirects",
            "Number of redirects installed for endpoints",
            vec![(l(&[("protocol", "http")]), p.redirects as f64)],
        );
    }
    if let Some(peers) = &input.wireguard {
        s.gauge("cilium_wireguard_peers", "WireGuard peers", vec![(vec![], peers.len() as f64)]);
        s.gauge(
            "cilium_wireguard_peer_last_handshake_seconds",
            "Seconds since the last handshake with each peer",
            peers
                .iter()
                .filter_map(|p| Some((l(&[("peer", &p.public_key)]), p.since_handshake?)))
                .collect(),
        );
        s.counter(
            "cilium_wireguard_peer_received_bytes",
            "Bytes received from each peer",
            peers.iter().map(|p| (l(&[("peer", &p.public_key)]), p.rx)).collect(),
        );
        s.counter(
            "cilium_wireguard_peer_sent_bytes",
            "Bytes sent to each peer",
            peers.iter().map(|p| (l(&[("peer", &p.public_key)]), p.tx)).collect(),
        );
    }
    if let Some(HubbleCounts { processed, lost }) = &input.hubble {
        s.counter(
            "hubble_flows_processed",
            "Flows processed by Hubble, by event type, subtype and verdict",
            processed
                .iter()
                .map(|((t, sub, v), n)| (l(&[("type", t), ("subtype", sub), ("verdict", v)]), *n))
                .collect(),
        );
        s.counter(
            "hubble_lost_events",
            "Events lost before reaching Hubble's ring buffer",
            lost.iter().map(|(source, n)| (l(&[("source", source)]), *n)).collect(),
        );
    }
    s.counter(
        "cilium_errors_warnings",
        "Warnings and errors the agent logged",
        vec![
            (
                l(&[("level", "warning"), ("subsystem", "agent")]),
                LOG_COUNTERS.warnings.load(Ordering::Relaxed),
            ),
            (
                l(&[("level", "error"), ("subsystem", "agent")]),
                LOG_COUNTERS.errors.load(Ordering::Relaxed),
            ),
        ],
    );
    process(&mut s);
    s
}

/// The text exposition of a scrape.
pub fn render(input: &Input) -> String {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(snapshot(input)));
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
        out.clear();
    }
    out
}

/// The text exposition of counter families (name without `_total`, help, labelled values),
/// for metrics gathered elsewhere (Hubble's).
pub fn render_counters(
    families: &[crate::hubble::metrics::Family],
    histograms: &[crate::hubble::metrics::HistogramFamily],
) -> String {
    let mut s = Snapshot::default();
    for (name, help, samples) in families {
        s.counter(name, help, samples.clone());
    }
    for (name, help, samples) in histograms {
        s.families.push((name, help, Samples::Histogram(samples.clone())));
    }
    let mut registry = Registry::default();
    registry.register_collector(Box::new(s));
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
        out.clear();
    }
    out
}

/// What a scrape answers: the exposition text, made when asked.
pub type Renderer = Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>> + Send + Sync,
>;

/// The agent's metrics as a [`Renderer`].
pub fn renderer(source: Source) -> Renderer {
    Arc::new(move || {
        let source = source.clone();
        Box::pin(async move { render(&source().await) })
    })
}

/// Where a scrape's [`Input`] comes from.
pub type Source = Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Input> + Send>> + Send + Sync,
>;

/// Serves `/metrics` on `listener` until the task is dropped, with the limits of
/// [`crate::web::serve`], so idle or slow clients cannot hold the agent's file descriptors.
pub async fn serve(listener: tokio::net::TcpListener, render: Renderer) {
    let handler: crate::web::Handler = Arc::new(move |req| {
        let render = render.clone();
        Box::pin(async move {
            if req.uri().path() == "/metrics" {
                crate::web::text(
                    hyper::StatusCode::OK,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    render().await,
                )
            } else {
                crate::web::text(hyper::StatusCode::NOT_FOUND, "text/plain", "not found\n")
            }
        })
    });
    crate::web::serve(listener, handler, None, None, "metrics").await;
}

#[cfg(test)]
mod tests {
    use super::{Input, ProxyCounts, render};

    #[test]
    fn the_l7_proxy_is_counted_as_upstream_names_it() {
        let input = Input {
            proxy: Some(ProxyCounts {
                received: 12,
                forwarded: 8,
                denied: 4,
                parse_errors: 0,
                redirects: 1,
            }),
            ..Input::default()
        };
        let text = render(&input);
        for line in [
            r#"cilium_policy_l7_total{rule="received",proxy_type="envoy"} 12"#,
            r#"cilium_policy_l7_total{rule="forwarded",proxy_type="envoy"} 8"#,
            r#"cilium_policy_l7_total{rule="denied",proxy_type="envoy"} 4"#,
            r#"cilium_policy_l7_total{rule="parse_errors",proxy_type="envoy"} 0"#,
            r#"cilium_proxy_redirects{protocol="http"} 1.0"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in:\n{text}");
        }
        // Without a proxy there are no such series (upstream's appear with the first message).
        assert!(!render(&Input::default()).contains("cilium_policy_l7"));
    }
}
