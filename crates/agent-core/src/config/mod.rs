//! The agent's configuration: parsed once, from every source, into validated types.
//!
//! Sources, later wins: built-in defaults < `config.yaml` < `CILIUM_*` environment < flags.
//! [`load`] reports every problem at once, each with its file position, variable or flag.
//! This module never reads the process environment itself: the binary passes it in, so tests
//! can pass a map.

mod error;
pub mod keys;
mod sources;
mod typed;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::{ConfigError, ConfigErrors};
pub use sources::{Origin, Override};
pub use typed::{NodeEntry, format_duration, parse_duration, parse_listen_addr};

use typed::Typed;

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    /// The config file. `None` means defaults, environment and flags only.
    pub file: Option<PathBuf>,
    /// The process environment (only `CILIUM_*` variables are looked at).
    pub env: Vec<(String, String)>,
    /// Flag overrides, in command-line order.
    pub overrides: Vec<Override>,
}

/// One effective setting, for `--validate` and `GET /v1/config`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// Dotted key path.
    pub key: &'static str,
    /// The effective value, rendered compactly.
    pub value: String,
    /// Where it came from.
    pub origin: Origin,
}

/// A loaded, validated configuration.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The typed configuration.
    pub config: Config,
    /// Every key with a value, in registry order.
    pub settings: Vec<Setting>,
    /// Things worth telling the operator that do not stop the agent.
    pub warnings: Vec<String>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Cluster name.
    pub cluster_name: String,
    /// Cluster ID.
    pub cluster_id: u32,
    /// Path of the cluster secret.
    pub secret_file: PathBuf,
    /// TCP port of node announcements.
    pub cluster_port: u16,
    /// Encryption settings.
    pub encryption: Encryption,
    /// Host firewall on.
    pub host_firewall: bool,
    /// Extra failsafe ports (`tcp/22`).
    pub failsafe_ports: Vec<(Protocol, u16)>,
    /// IPAM mode (informational on VMs).
    pub ipam_mode: String,
    /// The static node list.
    pub nodes: Vec<NodeEntry>,
    /// This node's labels.
    pub labels: BTreeMap<String, String>,
    /// Datapath devices (empty: the default route's).
    pub devices: Vec<String>,
    /// WireGuard MTU override.
    pub mtu: Option<u32>,
    /// Global policy audit mode.
    pub policy_audit_mode: bool,
    /// The L7 proxy's loopback port; `None` when `l7Proxy` is off.
    pub l7_proxy: Option<u16>,
    /// Directory of policy files.
    pub policy_dir: Option<PathBuf>,
    /// Hubble settings.
    pub hubble: Hubble,
    /// Prometheus listener, when enabled.
    pub prometheus_port: Option<u16>,
    /// Log level (`debug.enabled` raises it to debug).
    pub log_level: String,
    /// Log format.
    pub log_format: LogFormat,
    /// etcd endpoints for discovery.
    pub etcd_endpoints: Vec<String>,
    /// The kvstore, when `etcd.endpoints` or `etcd.config` is set.
    pub etcd: Option<crate::kvstore::EtcdConfig>,
    /// The remote clusters this one is meshed with.
    pub clustermesh: crate::clustermesh::MeshConfig,
    /// Lease TTL of this node's kvstore entry.
    pub etcd_lease_ttl: Duration,
    /// bpffs mount point.
    pub bpf_root: PathBuf,
    /// Preallocate BPF maps.
    pub bpf_preallocate: bool,
    /// Map sizing ratio.
    pub bpf_map_dynamic_size_ratio: f64,
    /// `bpf.ctMax`: size of the established-connection table, when set.
    pub bpf_ct_max: Option<u32>,
    /// Health probing interval, when enabled.
    pub health_interval: Option<Duration>,
    /// Trace sampling: one in N.
    pub monitor_sampling: u32,
    /// This node's name, when set (else the host name).
    pub node_name: Option<String>,
    /// Runtime directory.
    pub run_dir: PathBuf,
    /// State directory.
    pub state_dir: PathBuf,
}

/// Encryption settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encryption {
    /// WireGuard on.
    pub enabled: bool,
    /// Node (host) traffic encrypted.
    pub node_encryption: bool,
    /// Automatic key rotation period.
    pub key_rotation: Option<Duration>,
    /// `auto`, `kernel` or `userspace`.
    pub backend: String,
    /// Block plaintext to peers whose tunnel is not up.
    pub strict: bool,
    /// WireGuard persistent keepalive in seconds; `None`: never.
    pub persistent_keepalive: Option<u16>,
    /// The userspace backend uses the kernel's segmentation offloads where it has them.
    pub userspace_offloads: bool,
    /// Where peers send this node's WireGuard packets, when not to its own address (1:1 NAT).
    pub endpoint: Option<IpAddr>,
}

/// Hubble settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hubble {
    /// Hubble on.
    pub enabled: bool,
    /// TCP listener: optional address and port; `None` when disabled.
    pub listen: Option<(Option<IpAddr>, u16)>,
    /// Ring buffer capacity.
    pub event_buffer_capacity: u32,
    /// TLS of the TCP listener; `None` means plaintext.
    pub tls: Option<HubbleTls>,
    /// `hubble.tcpClients: any`: any address may connect (else only the other cluster nodes,
    /// or, with client CAs, any holder of a client certificate).
    pub tcp_any_client: bool,
    /// Hubble Relay, when this node serves it.
    pub relay: Option<HubbleRelay>,
    /// Hubble metrics, when any is enabled: the entries (validated) and the port.
    pub metrics: Option<(Vec<String>, u16)>,
    /// The flow map page's listener, when it is on.
    pub ui: Option<(Option<IpAddr>, u16)>,
}

/// Hubble Relay settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubbleRelay {
    /// TCP listener; `None`: the relay's unix socket only.
    pub listen: Option<(Option<IpAddr>, u16)>,
    /// CAs of the nodes' Hubble certificates.
    pub server_cas: Vec<PathBuf>,
    /// The relay's client certificate and key, for nodes that require mutual TLS.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

impl Hubble {
    /// Who may use the TCP listener, in plain words (`cilium status` says it).
    pub fn who_may_connect(&self) -> &'static str {
        match (&self.tls, self.tcp_any_client) {
            (Some(t), _) if !t.client_cas.is_empty() => {
                "clients with a certificate of the client CAs"
            }
            (_, true) => "any address",
            (_, false) => "the other cluster nodes only",
        }
    }
}

/// Certificate files of the Hubble TCP listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubbleTls {
    /// Server certificate.
    pub cert: PathBuf,
    /// Its key.
    pub key: PathBuf,
    /// Client CAs; non-empty means mutual TLS.
    pub client_cas: Vec<PathBuf>,
}

/// An L4 protocol named in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Config {
    /// The REST API socket.
    pub fn api_socket(&self) -> PathBuf {
        self.run_dir.join("cilium.sock")
    }

    /// The Hubble unix socket.
    pub fn hubble_socket(&self) -> PathBuf {
        self.run_dir.join("hubble.sock")
    }

    /// The Hubble Relay socket, beside the node's.
    pub fn hubble_relay_socket(&self) -> PathBuf {
        self.run_dir.join("hubble-relay.sock")
    }

    /// Where this agent pins BPF objects.
    pub fn bpf_pin_dir(&self) -> PathBuf {
        self.bpf_root.join("cilium")
    }
}

/// Loads and validates the configuration from every source.
pub fn load(req: &LoadRequest) -> Result<Loaded, ConfigErrors> {
    let text = req.file.as_ref().map(std::fs::read_to_string);
    load_with(req, text)
}

/// Validates a config file's text as [`load`] would read it from `path`, with no environment
/// or flags (`path` only names it in errors).
pub fn from_text(path: &std::path::Path, text: &str) -> Result<Loaded, ConfigErrors> {
    let req = LoadRequest { file: Some(path.to_path_buf()), ..Default::default() };
    load_with(&req, Some(Ok(text.to_string())))
}

fn load_with(
    req: &LoadRequest,
    text: Option<std::io::Result<String>>,
) -> Result<Loaded, ConfigErrors> {
    let mut errors = Vec::new();
    let mut resolved = sources::defaults();
    if let (Some(path), Some(text)) = (&req.file, text) {
        match text {
            Ok(text) => sources::apply_file(&mut resolved, path, &text, &mut errors),
            Err(e) => errors.push(ConfigError::new(
                Origin::File { path: path.clone(), pos: Default::default() },
                "",
                format!("cannot read the config file: {e}"),
            )),
        }
    }
    let mut warnings = sources::apply_env(&mut resolved, &req.env, &mut errors);
    sources::apply_overrides(&mut resolved, &req.overrides, &mut errors);

    let mut values: BTreeMap<&'static str, (Typed, Origin)> = BTreeMap::new();
    let mut elements: BTreeMap<&'static str, Vec<(String, Origin)>> = BTreeMap::new();
    let mut settings = Vec::new();
    for def in keys::KEYS {
        let Some((node, origin)) = resolved.get(def.path) else { continue };
        match typed::check_all(def, node) {
            Ok(v) => {
                values.insert(def.path, (v, origin.clone()));
                elements.insert(def.path, element_origins(node, origin));
            }
            Err(problems) => {
                for (pos, message) in problems {
                    errors.push(ConfigError::new(origin.at(pos), def.path, message));
                }
            }
        }
        settings.push(Setting {
            key: def.path,
            value: typed::display(node),
            origin: origin.clone(),
        });
    }

    let config = build(&values, &elements, &mut errors, &mut warnings);
    if errors.is_empty() {
        Ok(Loaded { config, settings, warnings })
    } else {
        errors.sort_by_key(|e| order(&e.origin));
        Err(ConfigErrors(errors))
    }
}

/// Errors in file order first, then environment, then flags.
fn order(o: &Origin) -> (u8, usize, usize) {
    match o {
        Origin::File { pos, .. } => (0, pos.line, pos.column),
        Origin::Default => (1, 0, 0),
        Origin::Env(_) => (2, 0, 0),
        Origin::Flag(_) => (3, 0, 0),
    }
}

/// Where each element of a list (by index) or a mapping (by key) comes from.
fn element_origins(node: &crate::yaml::Node, origin: &Origin) -> Vec<(String, Origin)> {
    use crate::yaml::Value;
    match &node.value {
        Value::Seq(items) => {
            items.iter().enumerate().map(|(i, n)| (i.to_string(), origin.at(n.pos))).collect()
        }
        Value::Map(entries) => {
            entries.iter().map(|e| (e.key.clone(), origin.at(e.key_pos))).collect()
        }
        Value::Scalar { .. } => Vec::new(),
    }
}

/// Reads the typed values into a [`Config`] and checks rules that span keys.
fn build(
    values: &BTreeMap<&'static str, (Typed, Origin)>,
    elements: &BTreeMap<&'static str, Vec<(String, Origin)>>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<String>,
) -> Config {
    let get = |k: &str| values.get(k).map(|(v, _)| v);
    let origin = |k: &str| values.get(k).map(|(_, o)| o.clone()).unwrap_or(Origin::Default);
    // An element's own position, so an error names the line of the offending value.
    let element = |k: &str, which: &str| {
        elements
            .get(k)
            .and_then(|e| e.iter().find(|(w, _)| w == which))
            .map(|(_, o)| o.clone())
            .unwrap_or_else(|| origin(k))
    };
    let boolean = |k: &str| matches!(get(k), Some(Typed::Bool(true)));
    let string = |k: &str| match get(k) {
        Some(Typed::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let uint = |k: &str| match get(k) {
        Some(Typed::Uint(u)) => Some(*u),
        _ => None,
    };
    let duration = |k: &str| match get(k) {
        Some(Typed::Duration(d)) => Some(*d),
        _ => None,
    };
    let list = |k: &str| match get(k) {
        Some(Typed::List(l)) => l.clone(),
        _ => Vec::new(),
    };
    // Errors about one element of a list or mapping, at that element's position.
    let mut at_element: Vec<ConfigError> = Vec::new();
    let mut fail = |k: &str, msg: String| errors.push(ConfigError::new(origin(k), k, msg));

    if boolean("k8s.enabled") {
        fail(
            "k8s.enabled",
            "this agent runs on VMs and bare metal without Kubernetes; set `k8s.enabled: false` \
             (Kubernetes nodes run upstream Cilium)"
                .into(),
        );
    }
    let cluster_name = string("cluster.name").unwrap_or_else(|| "default".into());
    if !crate::clustermesh::config::valid_name(&cluster_name) {
        fail(
            "cluster.name",
            format!(
                "`{cluster_name}` is not a valid cluster name: use at most 32 lowercase letters, \
                 digits and dashes, starting and ending with a letter or digit"
            ),
        );
    }

    let nodes = match get("nodes") {
        Some(Typed::Nodes(n)) => n.clone(),
        _ => Vec::new(),
    };
    for (i, n) in nodes.iter().enumerate() {
        let o = || element("nodes", &i.to_string());
        if nodes[..i].iter().any(|m| m.ip == n.ip) {
            at_element.push(ConfigError::new(o(), "nodes", format!("{} is listed twice", n.ip)));
        }
        // A node announcing itself from an endpoint may claim the addresses listed with it:
        // one endpoint for two nodes would let either claim both.
        if let Some(e) = n.endpoint
            && let Some(m) = nodes[..i].iter().find(|m| m.endpoint == Some(e) || m.ip == e)
        {
            at_element.push(ConfigError::new(
                o(),
                "nodes",
                format!(
                    "{e} is the endpoint of {} and also {}: every node behind NAT needs its own public address (1:1 NAT)",
                    n.ip,
                    if m.ip == e { "a node's address".to_string() } else { format!("the endpoint of {}", m.ip) }
                ),
            ));
        }
    }

    let labels = match get("labels") {
        Some(Typed::Map(m)) => m.clone(),
        _ => BTreeMap::new(),
    };
    for (k, v) in &labels {
        if let Err(msg) = crate::labels::check_label(k, v) {
            at_element.push(ConfigError::new(element("labels", k), "labels", msg));
        }
    }

    let mut failsafe_ports = Vec::new();
    for (i, spec) in list("hostFirewall.failsafePorts").iter().enumerate() {
        match parse_port_spec(spec) {
            Some(p) => failsafe_ports.push(p),
            None => at_element.push(ConfigError::new(
                element("hostFirewall.failsafePorts", &i.to_string()),
                "hostFirewall.failsafePorts",
                format!("expected tcp/PORT or udp/PORT such as tcp/22, found `{spec}`"),
            )),
        }
    }

    let etcd_endpoints = list("etcd.endpoints");
    for (i, ep) in etcd_endpoints.iter().enumerate() {
        if !(ep.starts_with("http://") || ep.starts_with("https://")) {
            at_element.push(ConfigError::new(
                element("etcd.endpoints", &i.to_string()),
                "etcd.endpoints",
                format!("expected an http:// or https:// URL, found `{ep}`"),
            ));
        }
    }

    let encryption = Encryption {
        enabled: boolean("encryption.enabled"),
        node_encryption: boolean("encryption.nodeEncryption"),
        key_rotation: duration("encryption.keyRotation"),
        backend: string("encryption.backend").unwrap_or_else(|| "auto".into()),
        strict: boolean("encryption.strictMode"),
        persistent_keepalive: duration("encryption.persistentKeepalive")
            .map(|d| u16::try_from(d.as_secs()).unwrap_or(u16::MAX))
            .filter(|s| *s > 0),
        userspace_offloads: boolean("encryption.userspaceOffloads"),
        endpoint: match string("encryption.endpoint").filter(|s| !s.is_empty()) {
            Some(s) => match typed::endpoint_ip(&s) {
                Ok(ip) => Some(ip),
                Err(msg) => {
                    fail("encryption.endpoint", msg);
                    None
                }
            },
            None => None,
        },
    };
    if encryption.node_encryption && !encryption.enabled {
        warnings.push(
            "encryption.nodeEncryption has no effect while encryption.enabled is false".into(),
        );
    }
    // On a VM the host's own traffic is the workload: encrypting less would leak it.
    if encryption.enabled
        && !encryption.node_encryption
        && origin("encryption.nodeEncryption") != Origin::Default
    {
        warnings.push(
            "encryption.nodeEncryption: false is ignored: on a VM the host's traffic is the workload's, and it is always encrypted".into(),
        );
    }
    let etcd_file = string("etcd.config").map(PathBuf::from);
    let etcd = if etcd_file.is_none() && etcd_endpoints.is_empty() {
        None
    } else {
        match crate::kvstore::EtcdConfig::load(etcd_file.as_deref(), &etcd_endpoints) {
            Ok(c) => Some(c),
            Err(e) => {
                let k = if etcd_file.is_some() { "etcd.config" } else { "etcd.endpoints" };
                fail(k, e.to_string());
                None
            }
        }
    };
    if values.contains_key("consul.address") {
        warnings.push("consul.address is accepted but Consul discovery is not supported; use nodes: or etcd.endpoints".into());
    }
    let clustermesh = {
        let raw = match get("clustermesh.config") {
            Some(Typed::Opaque(v)) => Some(v.clone()),
            _ => None,
        };
        let dir = string("clustermesh.configDir").map(PathBuf::from);
        match crate::clustermesh::config::parse(raw.as_ref(), dir.as_deref(), &cluster_name) {
            Ok((mut mesh, w)) => {
                warnings.extend(w);
                mesh.policy_default_local_cluster = !matches!(
                    get("clustermesh.policyDefaultLocalCluster"),
                    Some(Typed::Bool(false))
                );
                if !mesh.clusters.is_empty() && uint("cluster.id").unwrap_or(0) == 0 {
                    fail(
                        "cluster.id",
                        "a cluster meshed with others needs its own cluster ID (1-255): identities are numbered by it".into(),
                    );
                }
                mesh
            }
            Err(es) => {
                let k = if raw.is_some() { "clustermesh.config" } else { "clustermesh.configDir" };
                for e in es {
                    fail(k, e);
                }
                crate::clustermesh::MeshConfig::default()
            }
        }
    };
    if values.contains_key("resources") {
        warnings.push(
            "resources is informational here; set CPU and memory limits in the systemd unit".into(),
        );
    }

    let hubble_listen =
        string("hubble.listenAddress").and_then(|s| parse_listen_addr(&s).ok().flatten());
    let hubble = Hubble {
        enabled: boolean("hubble.enabled"),
        listen: hubble_listen,
        event_buffer_capacity: uint("hubble.eventBufferCapacity").unwrap_or(4095) as u32,
        tls: match (string("hubble.tls.certFile"), string("hubble.tls.keyFile")) {
            (Some(cert), Some(key)) => Some(HubbleTls {
                cert: cert.into(),
                key: key.into(),
                client_cas: list("hubble.tls.clientCAFiles").into_iter().map(Into::into).collect(),
            }),
            _ => None,
        },
        tcp_any_client: string("hubble.tcpClients").as_deref() == Some("any"),
        metrics: None,
        ui: if boolean("hubble.ui.enabled") {
            string("hubble.ui.listenAddress").and_then(|s| parse_listen_addr(&s).ok().flatten())
        } else {
            None
        },
        relay: boolean("hubble.relay.enabled").then(|| HubbleRelay {
            listen: string("hubble.relay.listenAddress")
                .and_then(|s| parse_listen_addr(&s).ok().flatten()),
            server_cas: list("hubble.relay.tls.serverCAFiles")
                .into_iter()
                .map(Into::into)
                .collect(),
            client_cert: string("hubble.relay.tls.client.certFile")
                .zip(string("hubble.relay.tls.client.keyFile"))
                .map(|(c, k)| (c.into(), k.into())),
        }),
    };
    if boolean("hubble.ui.enabled") {
        if !hubble.enabled {
            fail(
                "hubble.ui.enabled",
                "the page shows Hubble's flows; it needs hubble.enabled: true".into(),
            );
        }
        if hubble.ui.is_none() {
            fail(
                "hubble.ui.listenAddress",
                "the page needs a listener ([address]:port, e.g. :12000)".into(),
            );
        }
    }
    let metric_entries = list("hubble.metrics.enabled");
    if let Err(e) = crate::hubble::metrics::HubbleMetrics::parse(&metric_entries) {
        fail("hubble.metrics.enabled", e.to_string());
    }
    if !metric_entries.is_empty() && !hubble.enabled {
        fail(
            "hubble.metrics.enabled",
            "Hubble metrics are counted from flows; they need hubble.enabled: true".into(),
        );
    }
    let metrics_port = uint("hubble.metrics.port").unwrap_or(9965);
    if !metric_entries.is_empty()
        && boolean("prometheus.enabled")
        && uint("prometheus.port").unwrap_or(9962) == metrics_port
    {
        fail(
            "hubble.metrics.port",
            format!(
                "port {metrics_port} is prometheus.port already; Hubble's metrics need their own (upstream: 9965)"
            ),
        );
    }
    let hubble = Hubble {
        metrics: (!metric_entries.is_empty()).then_some((metric_entries, metrics_port as u16)),
        ..hubble
    };
    match (get("hubble.relay.tls.client.certFile"), get("hubble.relay.tls.client.keyFile")) {
        (Some(_), None) => fail(
            "hubble.relay.tls.client.keyFile",
            "hubble.relay.tls.client.certFile is set; its key is needed too".into(),
        ),
        (None, Some(_)) => fail(
            "hubble.relay.tls.client.certFile",
            "hubble.relay.tls.client.keyFile is set; the certificate is needed too".into(),
        ),
        _ => {}
    }
    if let Some(relay) = &hubble.relay {
        if !hubble.enabled {
            fail(
                "hubble.relay.enabled",
                "the relay serves the nodes' Hubble servers; it needs hubble.enabled: true".into(),
            );
        }
        // The fleet shares one Hubble configuration: the relay dials the others as they are set
        // up here.
        if let Some(tls) = &hubble.tls {
            if relay.server_cas.is_empty() {
                fail("hubble.relay.tls.serverCAFiles", "the nodes' Hubble listeners use TLS (hubble.tls.certFile); the relay needs the CA that signs their certificates".into());
            }
            if !tls.client_cas.is_empty() && relay.client_cert.is_none() {
                fail("hubble.relay.tls.client.certFile", "the nodes require client certificates (hubble.tls.clientCAFiles); the relay needs one".into());
            }
        }
    }
    match (get("hubble.tls.certFile"), get("hubble.tls.keyFile")) {
        (Some(_), None) => fail("hubble.tls.keyFile", "hubble.tls.certFile is set; its key is needed too".into()),
        (None, Some(_)) => fail("hubble.tls.certFile", "hubble.tls.keyFile is set; the certificate is needed too".into()),
        (None, None) if get("hubble.tls.clientCAFiles").is_some_and(|v| !matches!(v, Typed::List(l) if l.is_empty())) => fail(
            "hubble.tls.clientCAFiles",
            "client CAs need a server certificate: set hubble.tls.certFile and hubble.tls.keyFile".into(),
        ),
        _ => {}
    }

    let mut log_level = string("log.level").unwrap_or_else(|| "info".into());
    if log_level == "warning" {
        log_level = "warn".into();
    }
    if boolean("debug.enabled") && log_level != "trace" {
        log_level = "debug".into();
    }
    let log_format = if string("log.format").as_deref() == Some("json") {
        LogFormat::Json
    } else {
        LogFormat::Text
    };
    let path = |k: &str, d: &str| PathBuf::from(string(k).unwrap_or_else(|| d.into()));

    errors.extend(at_element);
    Config {
        cluster_name,
        cluster_id: uint("cluster.id").unwrap_or(0) as u32,
        secret_file: path("cluster.secretFile", "/etc/cilium/cluster-secret"),
        cluster_port: uint("cluster.port").unwrap_or(4240) as u16,
        encryption,
        host_firewall: boolean("hostFirewall.enabled"),
        failsafe_ports,
        ipam_mode: string("ipam.mode").unwrap_or_else(|| "host-scope".into()),
        nodes,
        labels,
        devices: list("devices"),
        mtu: uint("mtu").map(|m| m as u32),
        policy_audit_mode: boolean("policyAuditMode"),
        l7_proxy: boolean("l7Proxy").then(|| uint("l7ProxyPort").unwrap_or(10000) as u16),
        policy_dir: string("policyDir").map(PathBuf::from),
        hubble,
        prometheus_port: boolean("prometheus.enabled")
            .then(|| uint("prometheus.port").unwrap_or(9962) as u16),
        log_level,
        log_format,
        etcd_endpoints,
        etcd,
        clustermesh,
        etcd_lease_ttl: duration("etcd.leaseTTL")
            .unwrap_or(crate::nodes::kvstore::DEFAULT_LEASE_TTL),
        bpf_root: path("bpf.root", "/sys/fs/bpf"),
        bpf_preallocate: boolean("bpf.preallocateMaps"),
        bpf_ct_max: uint("bpf.ctMax").map(|n| n as u32),
        bpf_map_dynamic_size_ratio: match get("bpf.mapDynamicSizeRatio") {
            Some(Typed::Float(f)) => *f,
            _ => 0.0025,
        },
        health_interval: boolean("healthChecking.enabled")
            .then(|| duration("healthChecking.interval").unwrap_or(Duration::from_secs(10))),
        monitor_sampling: uint("monitor.sampling").unwrap_or(1) as u32,
        node_name: string("nodeName"),
        run_dir: path("runDir", "/var/run/cilium"),
        state_dir: path("stateDir", "/var/lib/cilium"),
    }
}

fn parse_port_spec(spec: &str) -> Option<(Protocol, u16)> {
    let (proto, port) = match spec.split_once('/') {
        Some((p, n)) => (p, n),
        None => ("tcp", spec),
    };
    let proto = match proto.to_ascii_lowercase().as_str() {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        _ => return None,
    };
    let port: u16 = port.parse().ok().filter(|p| *p != 0)?;
    Some((proto, port))
}

/// The config file inside a `--config-dir`.
pub fn file_in_dir(dir: &Path) -> PathBuf {
    dir.join("config.yaml")
}

#[cfg(test)]
mod tests;
