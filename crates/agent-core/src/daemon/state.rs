//! The agent's internal API: what the REST (and later gRPC) handlers call. Handlers only parse
//! and render; every decision is made here.

use std::net::IpAddr;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::api::models::{
    ClusterStatus, DaemonConfiguration, DaemonConfigurationSpec, DaemonConfigurationStatus,
    EncryptionStatus, HostFirewall, HubbleStatus, IdentityRange, K8sStatus, NodeAddressing,
    NodeAddressingElement, NodeElement, NodeHealth, Status, StatusResponse, state,
};
use crate::config::{Config, Setting};
use crate::logging::LogControl;

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
}

/// The agent's version as shown in `cilium.msg` and `cilium version`.
pub fn version_string() -> String {
    let v = env!("CARGO_PKG_VERSION");
    format!("{v} (v{v})")
}

impl Agent {
    /// Builds the state. `local_ips` are this host's addresses, used to find itself in `nodes:`.
    pub fn new(
        config: Config,
        settings: Vec<Setting>,
        host_name: String,
        local_ips: Vec<IpAddr>,
        log: Arc<dyn LogControl>,
    ) -> Self {
        let node_name = config.node_name.clone().unwrap_or(host_name);
        let options = RwLock::new(RuntimeOptions::new(
            config.log_level == "debug" || config.log_level == "trace",
            config.policy_audit_mode,
        ));
        Agent { config, settings, node_name, local_ips, started: Instant::now(), options, log }
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
        let kvstore = if c.etcd_endpoints.is_empty() {
            disabled("static node list")
        } else {
            Status::new(
                state::WARNING,
                "etcd discovery is not available in this build; using the static node list",
            )
        };
        let encryption = EncryptionStatus {
            mode: "Disabled".into(),
            msg: if c.encryption.enabled {
                "requested by the configuration, but WireGuard is not available in this build"
                    .into()
            } else {
                String::new()
            },
            wireguard: None,
        };
        let hubble = HubbleStatus {
            state: state::DISABLED.into(),
            msg: if c.hubble.enabled {
                "the Hubble server is not available in this build".into()
            } else {
                String::new()
            },
            observer: None,
        };
        let id = c.cluster_id << 16;
        StatusResponse {
            cilium: Some(Status::new(state::OK, version_string())),
            kvstore: Some(kvstore),
            kubernetes: Some(K8sStatus { state: state::DISABLED.into(), msg: String::new() }),
            cluster: Some(self.cluster_status()),
            controllers: Some(Vec::new()),
            encryption: Some(encryption),
            host_firewall: Some(HostFirewall { mode: "Disabled".into(), devices: Vec::new() }),
            hubble: Some(hubble),
            hubble_metrics: None,
            cluster_mesh: None,
            identity_range: Some(IdentityRange {
                min_identity: id + 256,
                max_identity: id + 65535,
            }),
            attach_mode: None,
        }
    }

    fn cluster_status(&self) -> ClusterStatus {
        let mut nodes = Vec::new();
        let mut self_listed = false;
        for n in &self.config.nodes {
            let local = self.local_ips.contains(&n.ip);
            self_listed |= local;
            let name = match (&n.name, local) {
                (Some(name), _) => name.clone(),
                (None, true) => self.node_name.clone(),
                (None, false) => n.ip.to_string(),
            };
            nodes.push(NodeElement {
                name,
                source: "config".into(),
                primary_address: Some(addressing(n.ip)),
                health: Some(NodeHealth {
                    state: if local { "Reachable" } else { "Unknown" }.into(),
                    latency_ns: None,
                    local,
                }),
            });
        }
        if !self_listed {
            nodes.insert(
                0,
                NodeElement {
                    name: self.node_name.clone(),
                    source: "local".into(),
                    primary_address: self.local_ips.first().map(|ip| addressing(*ip)),
                    health: Some(NodeHealth {
                        state: "Reachable".into(),
                        latency_ns: None,
                        local: true,
                    }),
                },
            );
        }
        ClusterStatus {
            cilium_health: Some(Status::new(
                state::DISABLED,
                "node health probing is not available in this build",
            )),
            nodes,
            self_: format!("{}/{}", self.config.cluster_name, self.node_name),
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
        Ok(())
    }
}

fn addressing(ip: IpAddr) -> NodeAddressing {
    let el = NodeAddressingElement { enabled: true, ip: ip.to_string() };
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

    fn agent(yaml: &str, ips: &[&str]) -> (Agent, Arc<RecordingLogControl>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config.yaml");
        std::fs::write(&file, yaml).expect("write");
        let loaded = load(&LoadRequest { file: Some(file), ..Default::default() }).expect("valid");
        let log = Arc::new(RecordingLogControl::default());
        let ips = ips.iter().map(|s| s.parse().expect("ip")).collect();
        (Agent::new(loaded.config, loaded.settings, "host1".into(), ips, log.clone()), log)
    }

    #[test]
    fn status_names_self_and_is_honest() {
        let (a, _) = agent(
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
        assert_eq!(enc.mode, "Disabled");
        assert!(enc.msg.contains("not available"));
        assert_eq!(s.identity_range.map(|r| r.min_identity), Some((1 << 16) + 256));
    }

    #[test]
    fn debug_option_changes_log_level() {
        let (a, log) = agent("", &[]);
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
