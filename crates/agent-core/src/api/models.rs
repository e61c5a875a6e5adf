//! The REST API's JSON models. Field names are Cilium's own (`api/v1/openapi.yaml`), so scripts
//! written against `cilium-dbg ... -o json` keep working. Absent values are omitted, as go-swagger
//! does for optional scalars and objects.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// State word of a [`Status`].
pub mod state {
    /// Healthy.
    pub const OK: &str = "Ok";
    /// Working, with a problem worth attention.
    pub const WARNING: &str = "Warning";
    /// Not working.
    pub const FAILURE: &str = "Failure";
    /// Switched off, or not available in this build.
    pub const DISABLED: &str = "Disabled";
}

/// A component's state and message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// `Ok`, `Warning`, `Failure` or `Disabled`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub msg: String,
}

impl Status {
    /// A status with a state and message.
    pub fn new(state: &str, msg: impl Into<String>) -> Self {
        Status { state: state.to_string(), msg: msg.into() }
    }
}

/// `GET /v1/healthz`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// The agent itself; `msg` carries the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cilium: Option<Status>,
    /// Key-value store used for discovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kvstore: Option<Status>,
    /// Cluster membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterStatus>,
    /// Background tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controllers: Option<Vec<ControllerStatus>>,
    /// Transparent encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<EncryptionStatus>,
    /// Host firewall.
    #[serde(rename = "host-firewall", default, skip_serializing_if = "Option::is_none")]
    pub host_firewall: Option<HostFirewall>,
    /// Hubble observer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hubble: Option<HubbleStatus>,
    /// Hubble metrics server.
    #[serde(rename = "hubble-metrics", default, skip_serializing_if = "Option::is_none")]
    pub hubble_metrics: Option<Status>,
    /// Kubernetes: always disabled on this agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<K8sStatus>,
    /// ClusterMesh.
    #[serde(rename = "cluster-mesh", default, skip_serializing_if = "Option::is_none")]
    pub cluster_mesh: Option<ClusterMeshStatus>,
    /// Identity range.
    #[serde(rename = "identity-range", default, skip_serializing_if = "Option::is_none")]
    pub identity_range: Option<IdentityRange>,
    /// Attach mode of the datapath: `tc` or `tcx`.
    #[serde(rename = "attach-mode", default, skip_serializing_if = "Option::is_none")]
    pub attach_mode: Option<String>,
    /// The L7 proxy; absent when it does not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<ProxyStatus>,
}

/// Cilium's `ProxyStatus`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProxyStatus {
    /// Address the proxy listens on.
    #[serde(default)]
    pub ip: String,
    /// Its ports, `first-last`.
    #[serde(rename = "port-range", default)]
    pub port_range: String,
    /// Redirects in effect.
    #[serde(rename = "total-redirects", default)]
    pub total_redirects: i64,
    /// Ports in use.
    #[serde(rename = "total-ports", default)]
    pub total_ports: i64,
    /// Each redirect.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<ProxyRedirect>,
    /// Upstream's Envoy mode; empty here (the proxy is built into the agent).
    #[serde(rename = "envoy-deployment-mode", default, skip_serializing_if = "String::is_empty")]
    pub envoy_deployment_mode: String,
    /// Why the proxy does not run although L7 policy needs it (no `ip` then), or what it
    /// cannot do while running (this agent's addition).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub msg: String,
}

/// One redirect of [`ProxyStatus`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProxyRedirect {
    /// `<endpoint>:<direction>:<protocol>:<port>`.
    #[serde(default)]
    pub name: String,
    /// The L7 parser.
    #[serde(default)]
    pub proxy: String,
    /// The proxy's port.
    #[serde(rename = "proxy-port", default)]
    pub proxy_port: i64,
}

/// Kubernetes status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct K8sStatus {
    /// State word.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// Detail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub msg: String,
}

/// ClusterMesh status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterMeshStatus {
    /// Remote clusters.
    #[serde(default)]
    pub clusters: Vec<RemoteCluster>,
    /// Global services (none on VMs).
    #[serde(rename = "num-global-services", default)]
    pub num_global_services: i64,
}

/// One remote cluster, as Cilium's `RemoteCluster` model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "Cilium's fields, named as Cilium names them")]
pub struct RemoteCluster {
    pub name: String,
    #[serde(default)]
    pub connected: bool,
    #[serde(default)]
    pub ready: bool,
    #[serde(default)]
    pub status: String,
    #[serde(rename = "num-nodes", default)]
    pub num_nodes: i64,
    #[serde(rename = "num-endpoints", default)]
    pub num_endpoints: i64,
    #[serde(rename = "num-identities", default)]
    pub num_identities: i64,
    #[serde(rename = "num-shared-services", default)]
    pub num_shared_services: i64,
    #[serde(rename = "num-service-exports", default)]
    pub num_service_exports: i64,
    #[serde(rename = "num-failures", default)]
    pub num_failures: i64,
    #[serde(rename = "last-failure", default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<RemoteClusterConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced: Option<RemoteClusterSynced>,
    /// Where its etcd is (this agent's addition: `cilium clustermesh status` shows it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
}

/// What a remote cluster's configuration key said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "Cilium's fields, named as Cilium names them")]
pub struct RemoteClusterConfig {
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub retrieved: bool,
    #[serde(rename = "cluster-id", default)]
    pub cluster_id: i64,
    #[serde(default)]
    pub kvstoremesh: bool,
    #[serde(rename = "sync-canaries", default)]
    pub sync_canaries: bool,
}

/// Which of a remote cluster's prefixes were listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "Cilium's fields, named as Cilium names them")]
pub struct RemoteClusterSynced {
    #[serde(default)]
    pub nodes: bool,
    #[serde(default)]
    pub endpoints: bool,
    #[serde(default)]
    pub identities: bool,
    #[serde(default)]
    pub services: bool,
}

/// Identity range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdentityRange {
    /// Smallest identity.
    #[serde(rename = "min-identity")]
    pub min_identity: u32,
    /// Largest identity.
    #[serde(rename = "max-identity")]
    pub max_identity: u32,
}

/// Cluster membership as this agent sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterStatus {
    /// Health probing.
    #[serde(rename = "ciliumHealth", default, skip_serializing_if = "Option::is_none")]
    pub cilium_health: Option<Status>,
    /// Every node, this one included.
    #[serde(default)]
    pub nodes: Vec<NodeElement>,
    /// This node's name, `<cluster>/<node>`.
    #[serde(rename = "self", default, skip_serializing_if = "String::is_empty")]
    pub self_: String,
}

/// One node of the cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeElement {
    /// Node name.
    pub name: String,
    /// Where the agent learned of the node (`config`, `announcement`, `etcd`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The node's primary addresses.
    #[serde(rename = "primary-address", default, skip_serializing_if = "Option::is_none")]
    pub primary_address: Option<NodeAddressing>,
    /// Its other addresses: the WireGuard endpoint in front of a node behind NAT, typed
    /// `ExternalIP` as Kubernetes types a node's public address.
    #[serde(rename = "secondary-addresses", default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_addresses: Vec<NodeAddressingElement>,
    /// Reachability from this node, when known. Not in upstream's model: it is how the seed's
    /// `Nodes:` section of `cilium status` is answered in one call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<NodeHealth>,
}

/// Reachability of one node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeHealth {
    /// `Reachable`, `Unreachable` or `Unknown`.
    pub state: String,
    /// Round-trip latency in nanoseconds, when measured.
    #[serde(rename = "latency-ns", default, skip_serializing_if = "Option::is_none")]
    pub latency_ns: Option<u64>,
    /// True for the node answering the request.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local: bool,
}

/// IPv4 and IPv6 addresses of a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeAddressing {
    /// IPv4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<NodeAddressingElement>,
    /// IPv6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<NodeAddressingElement>,
}

/// One address family of a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeAddressingElement {
    /// Family enabled.
    pub enabled: bool,
    /// The address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ip: String,
    /// `InternalIP`, `ExternalIP`, … (set on secondary addresses).
    #[serde(rename = "address-type", default, skip_serializing_if = "String::is_empty")]
    pub address_type: String,
    /// The pod CIDR behind the node (a Kubernetes node of a remote cluster).
    #[serde(rename = "alloc-range", default, skip_serializing_if = "String::is_empty")]
    pub alloc_range: String,
}

impl NodeElement {
    /// The node's WireGuard endpoint, when it is not its primary address.
    pub fn external_ip(&self) -> Option<&str> {
        self.secondary_addresses
            .iter()
            .find(|a| a.address_type == "ExternalIP")
            .map(|a| a.ip.as_str())
    }
}

/// A background task's health.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ControllerStatus {
    /// Name.
    pub name: String,
    /// Counters and last outcome.
    pub status: ControllerStatusStatus,
}

/// Counters of a controller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ControllerStatusStatus {
    /// Successful runs.
    #[serde(rename = "success-count")]
    pub success_count: u64,
    /// Failed runs.
    #[serde(rename = "failure-count")]
    pub failure_count: u64,
    /// Failures in a row.
    #[serde(rename = "consecutive-failure-count")]
    pub consecutive_failure_count: u64,
    /// Last success (RFC 3339).
    #[serde(rename = "last-success-timestamp", default, skip_serializing_if = "Option::is_none")]
    pub last_success_timestamp: Option<String>,
    /// Last failure (RFC 3339).
    #[serde(rename = "last-failure-timestamp", default, skip_serializing_if = "Option::is_none")]
    pub last_failure_timestamp: Option<String>,
    /// Last failure message.
    #[serde(rename = "last-failure-msg", default, skip_serializing_if = "String::is_empty")]
    pub last_failure_msg: String,
}

/// Encryption status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EncryptionStatus {
    /// `Disabled` or `Wireguard`.
    pub mode: String,
    /// Detail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub msg: String,
    /// WireGuard details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wireguard: Option<WireguardStatus>,
}

/// WireGuard details.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireguardStatus {
    /// Interfaces.
    #[serde(default)]
    pub interfaces: Vec<WireguardInterface>,
    /// `Enabled` or `Disabled`.
    #[serde(rename = "node-encryption", default, skip_serializing_if = "String::is_empty")]
    pub node_encryption: String,
}

/// One WireGuard interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireguardInterface {
    /// Interface name.
    pub name: String,
    /// Base64 public key.
    #[serde(rename = "public-key", default)]
    pub public_key: String,
    /// UDP port.
    #[serde(rename = "listen-port", default)]
    pub listen_port: u16,
    /// Number of peers.
    #[serde(rename = "peer-count", default)]
    pub peer_count: u64,
    /// Peers.
    #[serde(default)]
    pub peers: Vec<WireguardPeer>,
}

/// One WireGuard peer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireguardPeer {
    /// Base64 public key.
    #[serde(rename = "public-key")]
    pub public_key: String,
    /// `ip:port`.
    #[serde(default)]
    pub endpoint: String,
    /// Last handshake (RFC 3339).
    #[serde(rename = "last-handshake-time", default)]
    pub last_handshake_time: String,
    /// Allowed IPs.
    #[serde(rename = "allowed-ips", default)]
    pub allowed_ips: Vec<String>,
    /// Bytes received.
    #[serde(rename = "transfer-rx", default)]
    pub transfer_rx: u64,
    /// Bytes sent.
    #[serde(rename = "transfer-tx", default)]
    pub transfer_tx: u64,
}

/// Host firewall status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostFirewall {
    /// `Enabled` or `Disabled`.
    pub mode: String,
    /// Devices the firewall is attached to.
    #[serde(default)]
    pub devices: Vec<String>,
}

/// Hubble status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HubbleStatus {
    /// State word.
    pub state: String,
    /// Detail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub msg: String,
    /// Ring buffer counters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observer: Option<HubbleObserver>,
    /// The Hubble metrics server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<HubbleMetricsStatus>,
}

/// State of the Hubble metrics server (upstream's `HubbleStatusMetrics`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HubbleMetricsStatus {
    /// `Ok` or `Disabled`.
    pub state: String,
}

/// Hubble ring buffer counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HubbleObserver {
    /// Flows in the buffer.
    #[serde(rename = "current-flows")]
    pub current_flows: u64,
    /// Capacity.
    #[serde(rename = "max-flows")]
    pub max_flows: u64,
    /// Flows seen since start.
    #[serde(rename = "seen-flows")]
    pub seen_flows: u64,
    /// Uptime as a Go duration string.
    #[serde(default)]
    pub uptime: String,
}

/// `GET /v1/config`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DaemonConfiguration {
    /// The mutable configuration last requested.
    pub spec: DaemonConfigurationSpec,
    /// What is in effect.
    pub status: DaemonConfigurationStatus,
}

/// The mutable part of the configuration; the body of `PATCH /v1/config`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DaemonConfigurationSpec {
    /// Runtime options, `Name -> Enabled|Disabled`.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// `default`, `always` or `never`.
    #[serde(rename = "policy-enforcement", default, skip_serializing_if = "String::is_empty")]
    pub policy_enforcement: String,
}

/// The configuration in effect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DaemonConfigurationStatus {
    /// The realized mutable configuration.
    pub realized: DaemonConfigurationSpec,
    /// Options that cannot change at runtime.
    #[serde(default)]
    pub immutable: BTreeMap<String, String>,
    /// Every configuration key with its effective value.
    #[serde(rename = "daemonConfigurationMap", default)]
    pub daemon_configuration_map: BTreeMap<String, serde_json::Value>,
    /// IPAM mode.
    #[serde(rename = "ipam-mode", default, skip_serializing_if = "String::is_empty")]
    pub ipam_mode: String,
    /// Datapath mode.
    #[serde(rename = "datapathMode", default, skip_serializing_if = "String::is_empty")]
    pub datapath_mode: String,
    /// MTU of the WireGuard device.
    #[serde(rename = "routeMTU", default, skip_serializing_if = "Option::is_none")]
    pub route_mtu: Option<u32>,
}

/// `GET /v1/map`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BpfMapList {
    /// Every map of the datapath.
    #[serde(default)]
    pub maps: Vec<BpfMap>,
}

/// `GET /v1/map/{name}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BpfMap {
    /// Pin path of the map.
    pub path: String,
    /// Entries; `null` when the map has no listable entries (the events ring buffer).
    pub cache: Option<Vec<BpfMapEntry>>,
}

/// One map entry, rendered as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BpfMapEntry {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// `ok`, `insert` or `delete` (always `ok`: entries are read from the kernel).
    #[serde(rename = "desired-action", default)]
    pub desired_action: String,
    /// Last error syncing this entry.
    #[serde(rename = "last-error", default, skip_serializing_if = "String::is_empty")]
    pub last_error: String,
}

/// `GET /v1/policy`: the policies as JSON text, and the repository revision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// The policies (a JSON list, 2-space indented).
    pub policy: String,
    /// Repository revision.
    pub revision: u64,
}

/// The answer to `PUT /v1/policy` (our write API; upstream removed its own in 1.19).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyApplyResult {
    /// The revision now in the repository (unchanged for a dry run).
    pub revision: u64,
    /// Policies added or replaced.
    #[serde(default)]
    pub applied: Vec<String>,
    /// True when nothing was changed (`--dry-run`).
    #[serde(rename = "dry-run", default)]
    pub dry_run: bool,
    /// What changes for this VM: entries added/removed, enforcement switches.
    #[serde(default)]
    pub changes: Vec<String>,
}

/// A security identity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// Numeric identity.
    pub id: u32,
    /// Labels, `source:key=value`, sorted.
    #[serde(default)]
    pub labels: Vec<String>,
}

/// Labels of an endpoint (`GET/PATCH /v1/endpoint/{id}/labels`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelConfiguration {
    /// Requested user labels.
    pub spec: LabelConfigurationSpec,
    /// Labels in effect.
    pub status: LabelConfigurationStatus,
}

/// User labels, `key=value` (the body of `PATCH /v1/endpoint/{id}/labels`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelConfigurationSpec {
    /// Runtime labels set by the operator.
    #[serde(default)]
    pub user: Vec<String>,
}

/// Labels in effect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelConfigurationStatus {
    /// Realized user labels.
    #[serde(default)]
    pub realized: LabelConfigurationSpec,
    /// Every label that goes into the identity.
    #[serde(rename = "security-relevant", default)]
    pub security_relevant: Vec<String>,
}

/// An endpoint: on a VM, the host itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Endpoint ID.
    pub id: u64,
    /// Status.
    pub status: EndpointStatus,
}

/// Endpoint status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointStatus {
    /// `ready`, ...
    pub state: String,
    /// Identity.
    pub identity: Identity,
    /// Labels.
    pub labels: LabelConfigurationStatus,
    /// Addresses.
    pub networking: EndpointNetworking,
    /// Policy.
    pub policy: EndpointPolicyStatus,
    /// Health.
    pub health: EndpointHealth,
    /// Names outside Cilium.
    #[serde(rename = "external-identifiers")]
    pub external_identifiers: EndpointIdentifiers,
}

/// Endpoint addresses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointNetworking {
    /// One entry per address pair.
    #[serde(default)]
    pub addressing: Vec<AddressPair>,
    /// Interface name.
    #[serde(rename = "interface-name", default, skip_serializing_if = "String::is_empty")]
    pub interface_name: String,
}

/// IPv4 and IPv6 of an endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AddressPair {
    /// IPv4.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ipv4: String,
    /// IPv6.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ipv6: String,
}

/// Endpoint policy, requested and realized.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointPolicyStatus {
    /// Requested.
    pub spec: EndpointPolicy,
    /// In the datapath.
    pub realized: EndpointPolicy,
}

/// Policy of an endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointPolicy {
    /// Revision.
    #[serde(rename = "policy-revision")]
    pub policy_revision: u64,
    /// `none`, `ingress`, `egress`, `both`, `audit-ingress`, `audit-egress`, `audit-both`.
    #[serde(rename = "policy-enabled")]
    pub policy_enabled: String,
}

/// Endpoint health.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointHealth {
    /// `OK`, ...
    #[serde(rename = "overallHealth")]
    pub overall_health: String,
    /// Datapath attached.
    pub connected: bool,
}

/// Names of an endpoint outside Cilium.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointIdentifiers {
    /// The node name, for the host endpoint.
    #[serde(rename = "container-name", default, skip_serializing_if = "String::is_empty")]
    pub container_name: String,
}

/// `GET /v1/encryption/key`: the node's public key facts (never the private key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EncryptionKey {
    /// Public key, base64.
    #[serde(rename = "public-key")]
    pub public_key: String,
    /// First 16 hex digits of the public key's SHA-256.
    pub fingerprint: String,
    /// Rotation counter.
    #[serde(rename = "key-index")]
    pub key_index: u64,
    /// When the key was made.
    pub created: String,
    /// Seconds since then.
    #[serde(rename = "age-seconds")]
    pub age_seconds: u64,
    /// Next automatic rotation; empty without `encryption.keyRotation`.
    #[serde(rename = "next-rotation", default)]
    pub next_rotation: String,
    /// When the last rotation happened (this run); empty if none.
    #[serde(rename = "rotated-at", default)]
    pub rotated_at: String,
}

/// `GET /v1/cluster/nodes`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterNodeStatus {
    /// Client ID (always 0: every call returns the full list).
    #[serde(rename = "client-id", default)]
    pub client_id: i64,
    /// This node, `<cluster>/<node>`.
    #[serde(rename = "self", default)]
    pub self_: String,
    /// Every node.
    #[serde(rename = "nodes-added", default)]
    pub nodes_added: Vec<NodeElement>,
}
