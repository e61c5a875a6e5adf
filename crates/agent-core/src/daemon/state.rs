//! The agent's internal API: what the REST (and later gRPC) handlers call. Handlers only parse
//! and render; every decision is made here.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use crate::api::models::{BpfMap, BpfMapEntry, BpfMapList};
use crate::api::models::{
    ClusterStatus, DaemonConfiguration, DaemonConfigurationSpec, DaemonConfigurationStatus,
    EncryptionStatus, HostFirewall, HubbleStatus, IdentityRange, K8sStatus, NodeAddressing,
    NodeAddressingElement, NodeElement, NodeHealth, Status, StatusResponse, state,
};
use crate::config::{Config, Setting};
use crate::datapath::Datapath;
use crate::datapath::events::DatapathEvent;
use crate::logging::LogControl;

use super::policy::{PolicyState, RemoteNode};
use crate::nodes::Membership;
use crate::wireguard::WireGuard;

use crate::api::options::RuntimeOptions;

/// A request the agent refuses.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed or asks for something invalid.
    #[error("{0}")]
    BadRequest(String),
    /// No such object.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state (e.g. it would lock the operator out).
    #[error("{0}")]
    Conflict(String),
    /// The agent failed.
    #[error("{0}")]
    Internal(String),
}

/// The running agent's shared state.
#[derive(Debug)]
pub struct Agent {
    config: Config,
    settings: Vec<Setting>,
    node_name: String,
    local_ips: Vec<IpAddr>,
    started: Instant,
    options: RwLock<RuntimeOptions>,
    log: Arc<dyn LogControl>,
    datapath: Mutex<Option<Datapath>>,
    datapath_error: Option<String>,
    events: tokio::sync::broadcast::Sender<Arc<DatapathEvent>>,
    policy: Mutex<PolicyState>,
    enforcement: std::sync::atomic::AtomicU32,
    membership: std::sync::OnceLock<Arc<Membership>>,
    kvstore: std::sync::OnceLock<Arc<crate::kvstore::KvStatus>>,
    pub(super) mesh: std::sync::OnceLock<Arc<crate::clustermesh::ClusterMesh>>,
    health: std::sync::OnceLock<Arc<crate::health::Health>>,
    wireguard: std::sync::OnceLock<Arc<WireGuard>>,
    wireguard_error: std::sync::OnceLock<String>,
    pub(super) hubble: std::sync::OnceLock<Arc<crate::hubble::observer::Observer>>,
    pub(super) hubble_relay: std::sync::OnceLock<crate::hubble::relay::Relay>,
    pub(super) hubble_metrics: std::sync::OnceLock<Arc<crate::hubble::metrics::HubbleMetrics>>,
    /// The L7 proxy, once listening.
    pub(super) proxy: std::sync::OnceLock<crate::proxy::Proxy>,
    /// Why the L7 proxy is not listening, when it should.
    pub(super) proxy_error: std::sync::OnceLock<String>,
    /// Why egress redirects cannot reach the running proxy (its routing failed).
    pub(super) proxy_routing_error: std::sync::OnceLock<String>,
    /// What the L7 proxy judges requests by: replaced before the datapath redirects by it.
    pub(super) l7_policy: Arc<crate::proxy::PolicyCell>,
    /// The proxy's requests and responses, for Hubble.
    pub(super) l7_records: Arc<crate::proxy::RecordQueue>,
    /// Bumped whenever identities, names or rules may have changed (Hubble re-reads them).
    pub(super) generation: std::sync::atomic::AtomicU64,
    pub(super) policy_changes: [std::sync::atomic::AtomicU64; 2],
}

/// The datapath as the agent got it at start: loaded, failed, or not asked for.
#[derive(Debug)]
pub enum DatapathState {
    /// Host firewall disabled in the config.
    Disabled,
    /// Loaded and attached.
    Ready(Datapath),
    /// Asked for but failed; the message is shown in `cilium status`.
    Failed(String),
}

/// The agent's version as shown in `cilium.msg` and `cilium version`.
pub fn version_string() -> String {
    let v = env!("CARGO_PKG_VERSION");
    format!("{v} (v{v})")
}

/// This node's name: `nodeName`, else what the others call us (an entry of `nodes:` with one
/// of our addresses and a name; Ansible writes the inventory names there), else the host name.
pub fn node_name(config: &Config, host_name: String, local_ips: &[IpAddr]) -> String {
    let listed =
        config.nodes.iter().find(|n| local_ips.contains(&n.ip)).and_then(|n| n.name.clone());
    config.node_name.clone().or(listed).unwrap_or(host_name)
}

impl Agent {
    /// Builds the state. `local_ips` are this host's addresses, used to find itself in `nodes:`.
    pub fn new(
        config: Config,
        settings: Vec<Setting>,
        host_name: String,
        local_ips: Vec<IpAddr>,
        log: Arc<dyn LogControl>,
        datapath: DatapathState,
        policy: PolicyState,
    ) -> Self {
        let node_name = node_name(&config, host_name, &local_ips);
        let options = RwLock::new(RuntimeOptions::new(
            config.log_level == "debug" || config.log_level == "trace",
            config.policy_audit_mode,
        ));
        let (datapath, datapath_error) = match datapath {
            DatapathState::Disabled => (None, None),
            DatapathState::Ready(d) => (Some(d), None),
            DatapathState::Failed(e) => (None, Some(e)),
        };
        let (events, _) = tokio::sync::broadcast::channel(4096);
        // Keep the enforcement that pinned maps carry from the previous run until policy is
        // realized again: a restart must not open a window.
        let enforcement_mask = bpf_progs::cfg::ENFORCE_INGRESS
            | bpf_progs::cfg::ENFORCE_EGRESS
            | bpf_progs::cfg::AUDIT_INGRESS
            | bpf_progs::cfg::AUDIT_EGRESS;
        let inherited = datapath
            .as_ref()
            .and_then(|d| d.config().ok())
            .map_or(0, |c| c.flags & enforcement_mask);
        let agent = Agent {
            config,
            settings,
            node_name,
            local_ips,
            started: Instant::now(),
            options,
            log,
            datapath: Mutex::new(datapath),
            datapath_error,
            events,
            policy: Mutex::new(policy),
            enforcement: std::sync::atomic::AtomicU32::new(inherited),
            membership: std::sync::OnceLock::new(),
            kvstore: std::sync::OnceLock::new(),
            mesh: std::sync::OnceLock::new(),
            health: std::sync::OnceLock::new(),
            wireguard: std::sync::OnceLock::new(),
            wireguard_error: std::sync::OnceLock::new(),
            hubble: std::sync::OnceLock::new(),
            hubble_relay: std::sync::OnceLock::new(),
            hubble_metrics: std::sync::OnceLock::new(),
            proxy: std::sync::OnceLock::new(),
            proxy_error: std::sync::OnceLock::new(),
            proxy_routing_error: std::sync::OnceLock::new(),
            l7_policy: Arc::default(),
            l7_records: Arc::default(),
            generation: std::sync::atomic::AtomicU64::new(0),
            policy_changes: Default::default(),
        };
        if let Err(e) = agent.sync_datapath_config() {
            tracing::error!(error = %e, "configuring the datapath");
        }
        agent
    }

    /// Returns once the locks API calls and policy changes take can be had: the watchdog's
    /// proof that the agent is not deadlocked.
    pub fn responsive(&self) {
        drop(self.policy_state());
        self.with_datapath(|_| ());
        drop(self.options.read().unwrap_or_else(|p| p.into_inner()));
    }

    /// The sender the event reader publishes to.
    pub fn event_sender(&self) -> tokio::sync::broadcast::Sender<Arc<DatapathEvent>> {
        self.events.clone()
    }

    /// A live stream of datapath events.
    pub fn subscribe_events(&self) -> tokio::sync::broadcast::Receiver<Arc<DatapathEvent>> {
        self.events.subscribe()
    }

    /// Runs `f` on the datapath, if there is one.
    pub fn with_datapath<T>(&self, f: impl FnOnce(&mut Datapath) -> T) -> Option<T> {
        let mut guard = self.datapath.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_mut().map(f)
    }

    /// Pushes the runtime switches (notifications, audit, enforcement) into the datapath.
    pub fn sync_datapath_config(&self) -> Result<(), ApiError> {
        let o = self.options();
        let on = |name: &str| o.values.get(name).copied().unwrap_or(false);
        let mut flags = 0;
        for (name, bit) in [
            ("TraceNotification", bpf_progs::cfg::TRACE_NOTIFY),
            ("DropNotification", bpf_progs::cfg::DROP_NOTIFY),
            ("PolicyVerdictNotification", bpf_progs::cfg::VERDICT_NOTIFY),
            ("PolicyAuditMode", bpf_progs::cfg::AUDIT),
            // As Cilium's: debug turns on the datapath's debug messages (GetDebugEvents).
            ("Debug", bpf_progs::cfg::DEBUG),
        ] {
            if on(name) {
                flags |= bit;
            }
        }
        flags |= self.enforcement_flags();
        if self.config.encryption.enabled {
            flags |= bpf_progs::cfg::ENCRYPTION;
            if self.config.encryption.strict {
                flags |= bpf_progs::cfg::STRICT_ENCRYPT;
            }
        }
        let cfg = bpf_progs::Config {
            flags,
            wg_mark: crate::wireguard::routing::WG_MARK,
            wg_mark_mask: crate::wireguard::routing::WG_MARK_MASK,
            trace_sampling: self.config.monitor_sampling,
            wg_port: crate::WIREGUARD_PORT.to_be(),
            cluster_port: self.config.cluster_port.to_be(),
            // 0 until this agent's proxy listens: the datapath drops what it would redirect.
            proxy_port: self.proxy.get().map_or(0, crate::proxy::Proxy::port),
            pad: 0,
        };
        match self.with_datapath(|d| d.set_config(cfg)) {
            Some(Err(e)) => Err(ApiError::Internal(e.to_string())),
            _ => Ok(()),
        }
    }

    /// Enforcement bits of the realized policy.
    fn enforcement_flags(&self) -> u32 {
        self.enforcement.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Records the realized policy's enforcement bits and pushes them to the datapath.
    pub(super) fn set_enforcement(&self, flags: u32) -> Result<(), ApiError> {
        self.enforcement.store(flags, std::sync::atomic::Ordering::SeqCst);
        self.sync_datapath_config()
    }

    /// The policy state, locked.
    pub(super) fn policy_state(&self) -> std::sync::MutexGuard<'_, PolicyState> {
        self.policy.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// This host's addresses.
    pub fn local_ips(&self) -> &[IpAddr] {
        &self.local_ips
    }

    /// Attaches the membership subsystem (once, at start).
    pub fn set_membership(&self, m: Arc<Membership>) {
        let _ = self.membership.set(m);
    }

    /// Attaches the kvstore's status (once, at start, in kvstore mode).
    pub fn set_kvstore(&self, s: Arc<crate::kvstore::KvStatus>) {
        let _ = self.kvstore.set(s);
    }

    /// Attaches WireGuard (once, at start), or records why it failed.
    pub fn set_wireguard(&self, wg: Result<Arc<WireGuard>, String>) {
        match wg {
            Ok(w) => {
                let _ = self.wireguard.set(w);
            }
            Err(e) => {
                let _ = self.wireguard_error.set(e);
            }
        }
        if let Err(e) = self.sync_datapath_config() {
            tracing::error!(error = %e, "configuring the datapath for encryption");
        }
    }

    /// `GET /v1/encryption/key`.
    pub fn encryption_key(&self) -> Result<crate::api::models::EncryptionKey, ApiError> {
        let wg = self.wireguard().ok_or_else(|| ApiError::NotFound(self.no_encryption()))?;
        let (public_key, fingerprint, key_index, created) = wg.key_info();
        let created_t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(created);
        let age = std::time::SystemTime::now().duration_since(created_t).unwrap_or_default();
        let next_rotation = self
            .config
            .encryption
            .key_rotation
            .map(|p| crate::wireguard::rfc3339(created_t + p))
            .unwrap_or_default();
        Ok(crate::api::models::EncryptionKey {
            public_key,
            fingerprint,
            key_index,
            created: crate::wireguard::rfc3339(created_t),
            age_seconds: age.as_secs(),
            next_rotation,
            rotated_at: wg.rotated_at().map(crate::wireguard::rfc3339).unwrap_or_default(),
        })
    }

    /// `POST /v1/encryption/rotate`: a new key pair, announced at once.
    pub async fn rotate_key(&self) -> Result<crate::api::models::EncryptionKey, ApiError> {
        let wg = self.wireguard().ok_or_else(|| ApiError::NotFound(self.no_encryption()))?;
        wg.rotate().await.map_err(|e| ApiError::Internal(e.to_string()))?;
        if let Some(m) = self.membership() {
            let (key, index) = wg.announced_key();
            m.update_local(|a| {
                a.wg_public_key = key;
                a.key_index = index;
            });
        }
        self.key_rotated_event(wg.announced_key().1);
        self.encryption_key()
    }

    fn no_encryption(&self) -> String {
        match self.wireguard_error.get() {
            Some(e) => format!("encryption failed to start: {e}"),
            None => "encryption is disabled (encryption.enabled: false)".into(),
        }
    }

    /// WireGuard, when encryption runs.
    pub fn wireguard(&self) -> Option<&Arc<WireGuard>> {
        self.wireguard.get()
    }

    /// Attaches health checking (once, at start).
    pub fn set_health(&self, h: Arc<crate::health::Health>) {
        let _ = self.health.set(h);
    }

    /// Health checking, when enabled.
    pub fn health(&self) -> Option<&Arc<crate::health::Health>> {
        self.health.get()
    }

    /// The membership subsystem, when the cluster secret allows one.
    pub fn membership(&self) -> Option<&Arc<Membership>> {
        self.membership.get()
    }

    /// The other VMs: every configured node, with what its announcements told us.
    pub fn remote_nodes(&self) -> Vec<RemoteNode> {
        let records = self.membership().map(|m| m.nodes()).unwrap_or_default();
        let mut out: Vec<RemoteNode> = records
            .iter()
            .map(|r| {
                let labels = crate::labels::with_cluster(
                    r.announcement.labels.clone(),
                    &r.announcement.cluster,
                );
                RemoteNode {
                    name: r.announcement.name.clone(),
                    ips: r.announcement.ips.clone(),
                    labels,
                    endpoint: self.membership().and_then(|m| m.endpoint_of(&r.announcement)),
                    identity: None,
                }
            })
            .collect();
        for n in &self.config.nodes {
            if self.local_ips.contains(&n.ip) || out.iter().any(|r| r.ips.contains(&n.ip)) {
                continue;
            }
            out.push(RemoteNode {
                name: n.name.clone().unwrap_or_else(|| n.ip.to_string()),
                ips: vec![n.ip],
                labels: crate::labels::with_cluster(Default::default(), &self.config.cluster_name),
                endpoint: n.endpoint,
                identity: None,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// `GET /v1/map`.
    pub fn map_list(&self) -> Result<BpfMapList, ApiError> {
        let maps = self
            .with_datapath(|d| d.map_list())
            .ok_or_else(|| ApiError::NotFound(self.no_datapath()))?;
        Ok(BpfMapList {
            maps: maps
                .into_iter()
                .map(|(name, path, count)| {
                    let cache = count.map(|_| {
                        self.map_get(name).map(|m| m.cache.unwrap_or_default()).unwrap_or_default()
                    });
                    BpfMap { path, cache }
                })
                .collect(),
        })
    }

    /// `GET /v1/map/{name}`.
    pub fn map_get(&self, name: &str) -> Result<BpfMap, ApiError> {
        if !bpf_progs::maps::ALL.contains(&name) {
            return Err(ApiError::NotFound(format!(
                "no map named {name:?}; see `cilium map list`"
            )));
        }
        let (path, entries) = self
            .with_datapath(|d| (d.pin_dir().join(name).display().to_string(), d.dump(name)))
            .ok_or_else(|| ApiError::NotFound(self.no_datapath()))?;
        let mut entries = entries.map_err(|e| ApiError::Internal(e.to_string()))?;
        if name == bpf_progs::maps::POLICY {
            // Rule numbers mean nothing to operators: name the policy.
            let rules = self.rule_names();
            for (_, v) in &mut entries {
                let rule = v
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("rule="))
                    .and_then(|r| r.parse::<usize>().ok());
                let name = match rule {
                    Some(0) | None => "failsafe".to_string(),
                    Some(r) => rules.get(r - 1).cloned().unwrap_or_else(|| "?".into()),
                };
                v.push_str(&format!(" policy={name}"));
            }
        }
        let cache = (name != bpf_progs::maps::EVENTS).then(|| {
            entries
                .into_iter()
                .map(|(key, value)| BpfMapEntry {
                    key,
                    value,
                    desired_action: "ok".into(),
                    last_error: String::new(),
                })
                .collect()
        });
        Ok(BpfMap { path, cache })
    }

    fn no_datapath(&self) -> String {
        match &self.datapath_error {
            Some(e) => format!("the datapath failed to start: {e}"),
            None => "the datapath is disabled (hostFirewall.enabled: false)".into(),
        }
    }

    /// The configuration the agent started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// This node's name.
    pub fn node_name(&self) -> &str {
        &self.node_name
    }

    /// Time since start.
    pub fn uptime(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    fn options(&self) -> RuntimeOptions {
        // A poisoned lock only means a writer panicked mid-clone; the value is still whole.
        self.options.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// `GET /v1/healthz`.
    pub fn status(&self) -> StatusResponse {
        let c = &self.config;
        let disabled = |msg: &str| Status::new(state::DISABLED, msg);
        let kvstore = match (self.kvstore.get(), &c.etcd) {
            (Some(s), _) => {
                let (st, msg) = s.line();
                Status::new(st, msg)
            }
            (None, Some(_)) => Status::new(
                state::FAILURE,
                "Err: kvstore mode needs the cluster secret (cluster.secretFile), which signs the node entries",
            ),
            (None, None) => disabled("static node list"),
        };
        let encryption = if !c.encryption.enabled {
            EncryptionStatus { mode: "Disabled".into(), msg: String::new(), wireguard: None }
        } else if let Some(e) = self.wireguard_error.get() {
            EncryptionStatus {
                mode: "Wireguard".into(),
                msg: format!("Failure: {e}"),
                wireguard: None,
            }
        } else {
            // Filled in by `status_full` (the device is asked asynchronously).
            EncryptionStatus { mode: "Wireguard".into(), msg: String::new(), wireguard: None }
        };
        let hubble = match self.hubble() {
            None if c.hubble.enabled => HubbleStatus {
                state: state::FAILURE.into(),
                msg: "the Hubble server did not start".into(),
                ..Default::default()
            },
            None => HubbleStatus { state: state::DISABLED.into(), ..Default::default() },
            Some(obs) => {
                let st = obs.status();
                let msg = match (&c.hubble.listen, &c.hubble.tls) {
                    (Some((_, port)), tls) => {
                        let with = match tls {
                            None => "without TLS",
                            Some(t) if t.client_cas.is_empty() => "with TLS",
                            Some(_) => "with mutual TLS",
                        };
                        format!("TCP :{port} {with}, {}", c.hubble.who_may_connect())
                    }
                    (None, _) => String::new(),
                };
                let msg = match (self.hubble_relay.get(), &c.hubble.relay) {
                    (Some(relay), Some(r)) => {
                        let members = relay.members();
                        let up = members.iter().filter(|m| m.state.is_ok()).count();
                        let at = r.listen.map(|(_, p)| format!(" :{p}")).unwrap_or_default();
                        let relay = format!("Relay{at}: {up}/{} nodes connected", members.len());
                        if msg.is_empty() { relay } else { format!("{msg}; {relay}") }
                    }
                    _ => msg,
                };
                HubbleStatus {
                    state: state::OK.into(),
                    metrics: Some(crate::api::models::HubbleMetricsStatus {
                        state: if self.hubble_metrics.get().is_some() {
                            state::OK
                        } else {
                            state::DISABLED
                        }
                        .into(),
                    }),
                    msg,
                    observer: Some(crate::api::models::HubbleObserver {
                        current_flows: st.num_flows,
                        max_flows: st.max_flows,
                        seen_flows: st.seen_flows,
                        uptime: crate::config::format_duration(std::time::Duration::from_nanos(
                            st.uptime_ns,
                        )),
                    }),
                }
            }
        };
        let id = c.cluster_id << 16;
        let cilium = match &self.datapath_error {
            Some(e) => Status::new(state::FAILURE, format!("{}; datapath: {e}", version_string())),
            None => Status::new(state::OK, version_string()),
        };
        let attach_mode = self.with_datapath(|d| d.mode().as_str().to_string());
        StatusResponse {
            cilium: Some(cilium),
            kvstore: Some(kvstore),
            kubernetes: Some(K8sStatus { state: state::DISABLED.into(), msg: String::new() }),
            cluster: Some(self.cluster_status()),
            controllers: Some(self.controllers()),
            encryption: Some(encryption),
            host_firewall: Some(self.host_firewall_status()),
            hubble: Some(hubble),
            hubble_metrics: None,
            cluster_mesh: self.cluster_mesh_status(),
            identity_range: Some(IdentityRange {
                min_identity: id + 256,
                max_identity: id + 65535,
            }),
            attach_mode,
            proxy: self.proxy_status(),
        }
    }

    /// Controllers in Cilium's sense: here, what failed at start and still needs the operator.
    fn controllers(&self) -> Vec<crate::api::models::ControllerStatus> {
        use crate::api::models::{ControllerStatus, ControllerStatusStatus};
        let skipped = self.policy_state().skipped_policies();
        if skipped.is_empty() {
            return Vec::new();
        }
        vec![ControllerStatus {
            name: "restore-policies".into(),
            status: ControllerStatusStatus {
                failure_count: skipped.len() as u64,
                consecutive_failure_count: 1,
                last_failure_msg: format!(
                    "{} stored policies could not be read and are not enforced (apply them again): {}",
                    skipped.len(),
                    skipped.join("; ")
                ),
                ..Default::default()
            },
        }]
    }

    /// `GET /v1/healthz`, with the WireGuard device's live peers.
    pub async fn status_full(&self) -> StatusResponse {
        let mut s = self.status();
        if let (Some(wg), Some(enc)) = (self.wireguard(), s.encryption.as_mut()) {
            enc.wireguard = Some(wg.status().await);
        }
        s
    }

    fn host_firewall_status(&self) -> HostFirewall {
        match self.with_datapath(|d| d.devices().to_vec()) {
            Some(devices) => HostFirewall { mode: "Enabled".into(), devices },
            None => HostFirewall { mode: "Disabled".into(), devices: Vec::new() },
        }
    }

    fn cluster_status(&self) -> ClusterStatus {
        let records = self.membership().map(|m| m.nodes()).unwrap_or_default();
        let mut matched = vec![false; records.len()];
        let mut nodes = Vec::new();
        let mut self_listed = false;
        let mut reachable = (0, 0);
        let mut count = |h: &NodeHealth| {
            reachable.1 += 1;
            reachable.0 += usize::from(h.state == "Reachable");
        };
        // A listed address that turned out to be a node of a statically meshed cluster (seed
        // 12 lists the other cloud's public address) is that cluster's node, shown below.
        let meshed = self.membership().map(|m| m.remote_addresses()).unwrap_or_default();
        for n in self.config.nodes.iter().filter(|n| !meshed.contains(&n.ip)) {
            let local = self.local_ips.contains(&n.ip);
            self_listed |= local;
            let index = records.iter().position(|r| r.announcement.ips.contains(&n.ip));
            let record = index.map(|i| {
                matched[i] = true;
                &records[i]
            });
            let name = match (&n.name, local, record) {
                (Some(name), _, _) => name.clone(),
                (None, true, _) => self.node_name.clone(),
                (None, false, Some(r)) => r.announcement.name.clone(),
                (None, false, None) => n.ip.to_string(),
            };
            let health = if local {
                NodeHealth { state: "Reachable".into(), latency_ns: None, local: true }
            } else {
                self.peer_health(n.ip, record)
            };
            count(&health);
            let endpoint = match (local, record, self.membership()) {
                (true, _, Some(m)) => m.local().endpoint,
                (false, Some(r), Some(m)) => m.endpoint_of(&r.announcement),
                _ => None,
            }
            .or(n.endpoint);
            nodes.push(NodeElement {
                name,
                // Where the node's membership comes from: the operator listed it, whatever
                // its announcements later told us about it.
                source: "config".into(),
                primary_address: Some(addressing(n.ip)),
                secondary_addresses: external(endpoint),
                health: Some(health),
            });
        }
        // VMs that joined without being in our `nodes:` list.
        for (r, _) in records.iter().zip(&matched).filter(|(_, m)| !**m) {
            let Some(ip) = r.announcement.ips.first().copied() else { continue };
            let health = self.peer_health(ip, Some(r));
            count(&health);
            nodes.push(NodeElement {
                name: r.announcement.name.clone(),
                source: r.source.as_str().into(),
                primary_address: Some(addressing(ip)),
                secondary_addresses: external(
                    self.membership().and_then(|m| m.endpoint_of(&r.announcement)),
                ),
                health: Some(health),
            });
        }
        // Nodes of remote clusters: not probed (health probes are this cluster's), their
        // tunnels show in `cilium encryption status`.
        for p in self.mesh_peers() {
            let Some(ip) = p.node.ips.first().copied() else { continue };
            let mut primary = addressing(ip);
            for (net, len) in &p.node.pod_cidrs {
                let el = if net.is_ipv4() { primary.ipv4.as_mut() } else { primary.ipv6.as_mut() };
                if let Some(el) = el {
                    el.alloc_range = format!("{net}/{len}");
                }
            }
            nodes.push(NodeElement {
                name: format!("{}/{}", p.node.cluster, p.node.name),
                source: "clustermesh".into(),
                primary_address: Some(primary),
                secondary_addresses: external(p.node.endpoint),
                health: None,
            });
        }
        if !self_listed {
            reachable = (reachable.0 + 1, reachable.1 + 1);
            nodes.insert(
                0,
                NodeElement {
                    name: self.node_name.clone(),
                    source: "local".into(),
                    primary_address: self.local_ips.first().map(|ip| addressing(*ip)),
                    secondary_addresses: external(
                        self.membership().and_then(|m| m.local().endpoint),
                    ),
                    health: Some(NodeHealth {
                        state: "Reachable".into(),
                        latency_ns: None,
                        local: true,
                    }),
                },
            );
        }
        let health = match (self.membership(), self.health()) {
            // As cilium-health: any node out of reach is a warning, whatever the others say.
            (Some(m), Some(h)) => Status::new(
                if reachable.0 == reachable.1 { state::OK } else { state::WARNING },
                format!(
                    "{}/{} reachable (Probe interval: {}), {} announcements rejected",
                    reachable.0,
                    reachable.1,
                    crate::config::format_duration(h.interval()),
                    m.rejected()
                ),
            ),
            (Some(m), None) => Status::new(
                state::DISABLED,
                format!("healthChecking.enabled is false; {} announcements rejected", m.rejected()),
            ),
            (None, _) => {
                Status::new(state::DISABLED, "no cluster secret: node announcements are off")
            }
        };
        ClusterStatus {
            cilium_health: Some(health),
            nodes,
            self_: format!("{}/{}", self.config.cluster_name, self.node_name),
        }
    }

    /// A remote node's health: the latest probe through its tunnel when health checking is
    /// on, else whether its announcements still arrive.
    pub(super) fn peer_health(
        &self,
        ip: IpAddr,
        record: Option<&crate::nodes::NodeRecord>,
    ) -> NodeHealth {
        let node = |state: &str, latency: Option<std::time::Duration>| NodeHealth {
            state: state.into(),
            latency_ns: latency.map(|d| d.as_nanos() as u64),
            local: false,
        };
        let Some(m) = self.membership() else { return node("Unknown", None) };
        match self.health() {
            Some(h) => {
                let probe = record
                    .map_or(&[ip][..], |r| &r.announcement.ips[..])
                    .iter()
                    .chain(std::iter::once(&ip))
                    .find_map(|ip| h.latest(*ip));
                match probe.map(|p| p.outcome) {
                    Some(crate::health::Outcome::Reachable(rtt)) => node("Reachable", Some(rtt)),
                    Some(crate::health::Outcome::Unreachable(_)) => node("Unreachable", None),
                    None => node("Unknown", None),
                }
            }
            None if record.is_some_and(|r| m.is_reachable(r)) => node("Reachable", None),
            None => node("Unreachable", None),
        }
    }

    /// `GET /v1/config`.
    pub fn daemon_config(&self) -> DaemonConfiguration {
        let o = self.options();
        let spec = DaemonConfigurationSpec {
            options: o.as_map(),
            policy_enforcement: o.policy_enforcement.clone(),
        };
        let map = self
            .settings
            .iter()
            .map(|s| (s.key.to_string(), serde_json::Value::String(s.value.clone())))
            .collect();
        DaemonConfiguration {
            spec: spec.clone(),
            status: DaemonConfigurationStatus {
                realized: spec,
                immutable: Default::default(),
                daemon_configuration_map: map,
                ipam_mode: self.config.ipam_mode.clone(),
                datapath_mode: String::new(),
                route_mtu: self.config.mtu,
            },
        }
    }

    /// `PATCH /v1/config`: all or nothing; `Debug` changes the log level at once.
    pub fn patch_config(&self, spec: &DaemonConfigurationSpec) -> Result<(), ApiError> {
        let mut guard = self.options.write().unwrap_or_else(|p| p.into_inner());
        let next =
            guard.apply(&spec.options, &spec.policy_enforcement).map_err(ApiError::BadRequest)?;
        if next.values.get("Debug") != guard.values.get("Debug") {
            let debug = next.values.get("Debug").copied().unwrap_or(false);
            let level = if debug {
                if self.config.log_level == "trace" { "trace" } else { "debug" }
            } else if self.config.log_level == "debug" {
                // The file asked for debug; switching Debug off goes to the default level.
                "info"
            } else {
                self.config.log_level.as_str()
            };
            self.log.set_level(level).map_err(ApiError::Internal)?;
            tracing::info!(level, "log level changed");
        }
        for (name, value) in &next.values {
            if guard.values.get(name) != Some(value) {
                tracing::info!(
                    option = name,
                    value = crate::api::options::enabled_word(*value),
                    "runtime option changed"
                );
            }
        }
        *guard = next;
        drop(guard);
        self.sync_datapath_config()
    }
}

/// A node's WireGuard endpoint in front of it, as a secondary address.
fn external(endpoint: Option<IpAddr>) -> Vec<NodeAddressingElement> {
    endpoint
        .map(|e| NodeAddressingElement {
            enabled: true,
            ip: e.to_string(),
            address_type: "ExternalIP".into(),
            ..Default::default()
        })
        .into_iter()
        .collect()
}

fn addressing(ip: IpAddr) -> NodeAddressing {
    let el = NodeAddressingElement { enabled: true, ip: ip.to_string(), ..Default::default() };
    match ip {
        IpAddr::V4(_) => NodeAddressing { ipv4: Some(el), ipv6: None },
        IpAddr::V6(_) => NodeAddressing { ipv4: None, ipv6: Some(el) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{LoadRequest, load};
    use crate::logging::RecordingLogControl;

    /// An agent on a state directory of its own, which lives as long as the returned guard.
    fn agent(yaml: &str, ips: &[&str]) -> (Agent, Arc<RecordingLogControl>, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config.yaml");
        std::fs::write(&file, yaml).expect("write");
        let loaded = load(&LoadRequest { file: Some(file), ..Default::default() }).expect("valid");
        let log = Arc::new(RecordingLogControl::default());
        let ips = ips.iter().map(|s| s.parse().expect("ip")).collect();
        let policy = PolicyState::restore(dir.path(), 1, Vec::new()).expect("policy state");
        (
            Agent::new(
                loaded.config,
                loaded.settings,
                "host1".into(),
                ips,
                log.clone(),
                DatapathState::Disabled,
                policy,
            ),
            log,
            dir,
        )
    }

    #[test]
    fn status_names_self_and_is_honest() {
        let (a, _, _dir) = agent(
            "cluster: {name: vm-cluster, id: 1}\nencryption: {enabled: true}\nnodes: [192.168.1.10, 192.168.1.11]\n",
            &["192.168.1.10"],
        );
        let s = a.status();
        assert_eq!(s.cilium.as_ref().map(|c| c.state.as_str()), Some("Ok"));
        let cluster = s.cluster.expect("cluster");
        assert_eq!(cluster.self_, "vm-cluster/host1");
        assert_eq!(cluster.nodes.len(), 2);
        assert_eq!(cluster.nodes[0].name, "host1");
        assert!(cluster.nodes[0].health.as_ref().is_some_and(|h| h.local));
        assert_eq!(cluster.nodes[1].health.as_ref().map(|h| h.state.as_str()), Some("Unknown"));
        let enc = s.encryption.expect("encryption");
        assert_eq!(enc.mode, "Wireguard");
        assert_eq!(s.identity_range.map(|r| r.min_identity), Some((1 << 16) + 256));
    }

    #[test]
    fn the_name_in_nodes_beats_the_host_name() {
        let yaml = "nodes:\n  - {ip: 192.168.1.10, name: vm1}\n  - {ip: 192.168.1.11, name: vm2}\n";
        let (a, _, _dir) = agent(yaml, &["192.168.1.10"]);
        assert_eq!(a.node_name(), "vm1");
        let (a, _, _dir) = agent(&format!("{yaml}nodeName: db1\n"), &["192.168.1.10"]);
        assert_eq!(a.node_name(), "db1", "nodeName wins");
        let (a, _, _dir) = agent(yaml, &["10.0.0.1"]);
        assert_eq!(a.node_name(), "host1", "not listed: the host name");
    }

    #[test]
    fn a_cidr_rule_on_a_node_address_never_takes_the_node_away() {
        let (a, _, _dir) = agent("encryption: {enabled: true}\n", &["192.168.1.10"]);
        let vm2: IpAddr = "192.168.1.11".parse().expect("ip");
        let node = RemoteNode {
            name: "vm2".into(),
            ips: vec![vm2],
            labels: [("cluster".to_string(), "default".to_string())].into(),
            endpoint: None,
            identity: None,
        };
        a.set_remote_nodes(vec![node]).expect("nodes");
        let entry = || a.ipcache_view().get(&(vm2, 32)).copied().expect("vm2 in the ipcache");
        let before = entry();
        assert_ne!(before.flags & bpf_progs::IPC_F_NODE, 0);
        let cidr = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: one-host\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromCIDR: [192.168.1.11/32]\n";
        a.policy_apply("one-host.yaml", cidr, false, true).expect("apply");
        assert_eq!(entry(), before, "the node keeps its identity and flags");
        a.policy_delete(Some("one-host")).expect("delete");
        assert_eq!(entry(), before, "and keeps them when the rule goes");
        let own: IpAddr = "192.168.1.10".parse().expect("ip");
        assert_eq!(
            a.ipcache_view().get(&(own, 32)).map(|v| v.identity),
            Some(crate::identity::HOST)
        );
    }

    #[test]
    fn the_endpoint_of_a_node_behind_nat_carries_no_identity_but_its_control_traffic() {
        let yaml = "encryption: {enabled: true}\n";
        let (a, _, _dir) = agent(yaml, &["10.0.1.10"]);
        let (ali, public): (IpAddr, IpAddr) =
            ("172.16.1.10".parse().expect("ip"), "203.0.113.20".parse().expect("ip"));
        let node = RemoteNode {
            name: "ali".into(),
            ips: vec![ali],
            labels: [("cluster".to_string(), "default".to_string())].into(),
            endpoint: Some(public),
            identity: None,
        };
        a.set_remote_nodes(vec![node]).expect("nodes");
        let view = a.ipcache_view();
        let private = view.get(&(ali, 32)).copied().expect("the node's address");
        let front = view.get(&(public, 32)).copied().expect("its endpoint");
        assert_ne!(private.identity, crate::identity::REMOTE_NODE, "the node has its labels");
        assert_ne!(private.flags & bpf_progs::IPC_F_ENCRYPT, 0, "reached through the tunnel");
        assert_eq!(front.identity, crate::identity::REMOTE_NODE, "no labels on the wire side");
        assert_eq!(front.flags, bpf_progs::IPC_F_NODE, "a node's control traffic, no tunnel");
    }

    #[test]
    fn debug_option_changes_log_level() {
        let (a, log, _dir) = agent("", &[]);
        let mut spec = DaemonConfigurationSpec::default();
        spec.options.insert("Debug".into(), "Enabled".into());
        a.patch_config(&spec).expect("valid");
        spec.options.insert("Debug".into(), "Disabled".into());
        a.patch_config(&spec).expect("valid");
        assert_eq!(
            *log.levels.lock().expect("lock"),
            vec!["debug".to_string(), "info".to_string()]
        );
        assert_eq!(a.daemon_config().spec.options["Debug"], "Disabled");
        spec.options.insert("Nope".into(), "Enabled".into());
        assert!(matches!(a.patch_config(&spec), Err(ApiError::BadRequest(_))));
    }
}
