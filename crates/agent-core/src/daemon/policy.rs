//! Policy, labels and identities of the running agent: applying and deleting policies
//! (atomically: the datapath is changed first and rolled back if anything fails), the runtime
//! labels of this VM, and the realization of the resolved state in the datapath.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::PathBuf;

use bpf_progs::{IpcacheValue, PolicyValue};

use super::state::{Agent, ApiError};
use crate::api::models::{
    AddressPair, Endpoint, EndpointHealth, EndpointIdentifiers, EndpointNetworking, EndpointPolicy,
    EndpointPolicyStatus, EndpointStatus, Identity, LabelConfiguration, LabelConfigurationSpec,
    LabelConfigurationStatus, Policy as PolicyModel, PolicyApplyResult,
};
use crate::config::Protocol as CfgProtocol;
use crate::identity::{self, Allocator, Labels};
use crate::policy::repository::Repository;
use crate::policy::resolve::{INGRESS, Inputs, MapState, Resolver, Verdict};
use crate::policy::{self, Policy, Protocol};

/// The host endpoint's ID.
pub const HOST_ENDPOINT_ID: u64 = 1;

/// A remote VM as policy sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteNode {
    /// Name.
    pub name: String,
    /// Addresses.
    pub ips: Vec<IpAddr>,
    /// Labels (with `cluster`).
    pub labels: Labels,
    /// The public address in front of it (1:1 NAT), where its WireGuard packets come from.
    pub endpoint: Option<IpAddr>,
    /// Its identity when its own cluster numbers it (a node of a remote cluster); else the
    /// allocator numbers its labels.
    pub identity: Option<u32>,
}

/// An address behind a remote cluster's node with an identity of that cluster (a pod).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteEndpoint {
    /// The address.
    pub ip: IpAddr,
    /// Its cluster's identity.
    pub identity: u32,
    /// The identity's labels.
    pub labels: Labels,
    /// As Hubble names it: `<namespace>/<pod>`, else `<cluster>/<ip>`.
    pub name: String,
}

/// The ipcache entry of a node's endpoint (the public address in front of a node behind NAT).
/// It sends the node's WireGuard packets and bootstrap, which need the node failsafe ports: a
/// node flag and `remote-node` give them those. The flag also makes anything else in plaintext
/// from there `world` (strict mode: dropped), so the node's own identity and labels stay with
/// what comes through its tunnel. There is never a tunnel to it, so no encrypt flag.
pub const ENDPOINT_IPCACHE: IpcacheValue =
    IpcacheValue { identity: crate::identity::REMOTE_NODE, flags: bpf_progs::IPC_F_NODE };

/// Everything policy-related the agent keeps.
#[derive(Debug)]
pub struct PolicyState {
    repo: Repository,
    resolver: Resolver,
    realized: MapState,
    realized_revision: u64,
    runtime_labels: Labels,
    labels_path: PathBuf,
    identities: Allocator,
    nodes: Vec<RemoteNode>,
    endpoints: Vec<RemoteEndpoint>,
    /// The ipcache as last written: derived from this host's addresses, the nodes and the
    /// CIDR identities of the policy, never patched.
    ipcache: BTreeMap<(IpAddr, u8), IpcacheValue>,
}

/// Why the policy state could not be restored.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The policy repository.
    #[error(transparent)]
    Repository(#[from] crate::policy::repository::RepositoryError),
    /// The runtime labels file.
    #[error("runtime labels {}: {reason}", path.display())]
    Labels {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl PolicyState {
    /// Stored policies that could not be read at start.
    pub(super) fn skipped_policies(&self) -> Vec<String> {
        self.repo.skipped().to_vec()
    }

    /// Restores policies and runtime labels from `state_dir`.
    pub fn restore(
        state_dir: &std::path::Path,
        cluster_id: u32,
        nodes: Vec<RemoteNode>,
    ) -> Result<PolicyState, RestoreError> {
        let repo = Repository::open(state_dir)?;
        let labels_path = state_dir.join("labels.json");
        let runtime_labels = match std::fs::read(&labels_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| RestoreError::Labels {
                path: labels_path.clone(),
                reason: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Labels::new(),
            Err(e) => {
                return Err(RestoreError::Labels { path: labels_path, reason: e.to_string() });
            }
        };
        Ok(PolicyState {
            repo,
            resolver: Resolver::default(),
            realized: MapState::default(),
            realized_revision: 0,
            runtime_labels,
            labels_path,
            identities: Allocator::new(cluster_id),
            nodes,
            endpoints: Vec::new(),
            ipcache: BTreeMap::new(),
        })
    }

    /// The identity of `n`: its cluster's number, or the one its labels are allocated.
    fn node_identity(&mut self, n: &RemoteNode) -> u32 {
        n.identity.unwrap_or_else(|| self.identities.allocate(&n.labels))
    }
}

fn label_strings(labels: &Labels) -> Vec<String> {
    let mut v: Vec<String> = labels
        .iter()
        .map(|(k, val)| {
            if k.starts_with("reserved:") {
                k.clone()
            } else if k == crate::labels::CLUSTER_LABEL {
                format!("k8s:{k}={val}")
            } else {
                format!("node:{k}={val}")
            }
        })
        .collect();
    v.sort();
    v
}

/// A remote cluster's identity labels as Cilium lists them: `k8s:` for what came from
/// Kubernetes (every label of a pod's identity).
fn k8s_label_strings(labels: &Labels) -> Vec<String> {
    labels.iter().map(|(k, v)| format!("k8s:{k}={v}")).collect()
}

fn policy_enabled(s: &MapState) -> String {
    let dir = match (s.enforce_ingress, s.enforce_egress) {
        (true, true) => "both",
        (true, false) => "ingress",
        (false, true) => "egress",
        (false, false) => return "none".into(),
    };
    let audit = (!s.enforce_ingress || s.audit_ingress) && (!s.enforce_egress || s.audit_egress);
    if audit { format!("audit-{dir}") } else { dir.into() }
}

impl Agent {
    /// The labels this VM announces to the others: config and runtime labels.
    pub fn announced_labels(&self) -> Labels {
        let st = self.policy_state();
        let mut l = self.config().labels.clone();
        l.extend(st.runtime_labels.clone());
        l
    }

    /// This VM's labels: config, runtime, `cluster`, and `reserved:host`.
    pub(super) fn local_labels(&self, st: &PolicyState) -> Labels {
        let mut l = self.config().labels.clone();
        l.extend(st.runtime_labels.clone());
        let mut l = crate::labels::with_cluster(l, &self.config().cluster_name);
        l.insert("reserved:host".into(), String::new());
        l
    }

    fn inputs(&self, st: &mut PolicyState) -> Inputs {
        let local_labels = self.local_labels(st);
        let nodes =
            st.nodes.clone().into_iter().map(|n| (st.node_identity(&n), n.labels, n.ips)).collect();
        let endpoints =
            st.endpoints.iter().map(|e| (e.identity, e.labels.clone(), vec![e.ip])).collect();
        let failsafe = self
            .config()
            .failsafe_ports
            .iter()
            .map(|(p, port)| {
                (if *p == CfgProtocol::Udp { Protocol::Udp } else { Protocol::Tcp }, *port)
            })
            .collect();
        Inputs {
            local_labels,
            nodes,
            node_failsafe: vec![
                (Protocol::Udp, crate::WIREGUARD_PORT),
                (Protocol::Tcp, self.config().cluster_port),
                (Protocol::Tcp, self.config().cluster_port.wrapping_add(1)),
            ],
            failsafe,
            endpoints,
            default_local_cluster: self.config().clustermesh.policy_default_local_cluster,
        }
    }

    /// Resolves and realizes the current repository (at start, and when labels or nodes change).
    pub fn regenerate(&self) -> Result<(), ApiError> {
        let mut st = self.policy_state();
        let policies = st.repo.policies().to_vec();
        let inputs = self.inputs(&mut st);
        let next = st.resolver.resolve(&policies, &inputs);
        self.realize(&mut st, next)?;
        st.realized_revision = st.repo.revision();
        drop(st);
        self.state_changed();
        self.sync_datapath_config()
    }

    /// Writes `next` into the datapath: new and changed entries first, then the switches,
    /// then removals, so no moment has fewer allows or denies than either state.
    /// The ipcache that `next` and the current nodes call for. A prefix has one entry: this
    /// host's own addresses first, then the nodes' (a `/32` CIDR rule on a node's address does
    /// not make it `world`, nor does deleting that rule make it disappear), then CIDR identities.
    fn desired_ipcache(
        &self,
        st: &mut PolicyState,
        next: &MapState,
    ) -> BTreeMap<(IpAddr, u8), IpcacheValue> {
        let host_len = |ip: &IpAddr| if ip.is_ipv4() { 32 } else { 128 };
        let node_flags = if self.config().encryption.enabled && self.config().encryption.strict {
            bpf_progs::IPC_F_NODE | bpf_progs::IPC_F_ENCRYPT
        } else {
            bpf_progs::IPC_F_NODE
        };
        let mut want: BTreeMap<(IpAddr, u8), IpcacheValue> = next
            .cidr_identities
            .iter()
            .map(|(cidr, id)| ((cidr.addr, cidr.len), IpcacheValue { identity: *id, flags: 0 }))
            .collect();
        for n in &st.nodes {
            if let Some(e) = n.endpoint {
                want.insert((e, host_len(&e)), ENDPOINT_IPCACHE);
            }
        }
        for n in st.nodes.clone() {
            let id = st.node_identity(&n);
            for ip in &n.ips {
                want.insert((*ip, host_len(ip)), IpcacheValue { identity: id, flags: node_flags });
            }
        }
        // Behind a remote node: its tunnel, as its node's address (strict mode drops what
        // comes in plaintext), but none of the node's failsafe ports.
        let endpoint_flags = node_flags & !bpf_progs::IPC_F_NODE;
        for e in &st.endpoints {
            want.entry((e.ip, host_len(&e.ip)))
                .or_insert(IpcacheValue { identity: e.identity, flags: endpoint_flags });
        }
        for ip in self.local_ips() {
            want.insert(
                (*ip, host_len(ip)),
                IpcacheValue { identity: crate::identity::HOST, flags: 0 },
            );
        }
        want
    }

    /// Writes `next` into the datapath: new and changed entries first, then the switches,
    /// then removals, so no moment has fewer allows or denies than either state.
    fn realize(&self, st: &mut PolicyState, next: MapState) -> Result<(), ApiError> {
        let prev = std::mem::take(&mut st.realized);
        let want = self.desired_ipcache(st, &next);
        // Policy entries go in before the ipcache points an address at a new identity: a node
        // whose labels changed gets its new identity's allows first, so no new connection of
        // it meets an identity the policy map does not know yet.
        // The proxy learns the new rules before the datapath sends it anything by them.
        let prev_l7 = self.l7_policy();
        self.set_l7_policy(crate::proxy::L7Policy::shared(&next));
        let result = self.with_datapath(|dp| -> Result<(), crate::datapath::DatapathError> {
            for (k, v) in &next.entries {
                if prev.entries.get(k) != Some(v) {
                    dp.policy_upsert(&entry_key(k), entry_value(v))?;
                }
            }
            for ((ip, len), v) in &want {
                if st.ipcache.get(&(*ip, *len)) != Some(v) {
                    dp.ipcache_upsert(*ip, *len, *v)?;
                }
            }
            Ok(())
        });
        let stale_entries: Vec<_> =
            prev.entries.keys().filter(|k| !next.entries.contains_key(k)).copied().collect();
        // After a restart `prev` is empty while the pinned maps still hold the last run's
        // entries: compare against the kernel's keys instead.
        let first = st.realized_revision == 0;
        let wanted: std::collections::HashSet<[u8; 12]> =
            next.entries.keys().map(|k| key_bytes(&entry_key(k))).collect();
        let kernel_stale: Vec<_> = if first {
            self.with_datapath(|dp| dp.policy_keys().unwrap_or_default())
                .unwrap_or_default()
                .into_iter()
                .filter(|k| !wanted.contains(&key_bytes(k)))
                .collect()
        } else {
            Vec::new()
        };
        let had: Vec<(IpAddr, u8)> = if first {
            self.with_datapath(|dp| dp.ipcache_prefixes().unwrap_or_default()).unwrap_or_default()
        } else {
            st.ipcache.keys().copied().collect()
        };
        let stale_prefixes: Vec<(IpAddr, u8)> =
            had.into_iter().filter(|k| !want.contains_key(k)).collect();
        let removals =
            |dp: &mut crate::datapath::Datapath| -> Result<(), crate::datapath::DatapathError> {
                for k in &stale_entries {
                    dp.policy_remove(&entry_key(k))?;
                }
                for k in &kernel_stale {
                    dp.policy_remove(k)?;
                }
                for (ip, len) in &stale_prefixes {
                    dp.ipcache_remove(*ip, *len)?;
                }
                Ok(())
            };
        if let Some(Err(e)) = result {
            self.set_l7_policy(prev_l7);
            st.realized = prev;
            return Err(ApiError::Internal(format!("updating the datapath: {e}")));
        }
        st.realized = next;
        // Switches follow the new state before stale entries go.
        let flags = self.enforcement_flags_of(&st.realized);
        self.set_enforcement(flags)?;
        if let Some(Err(e)) = self.with_datapath(removals) {
            tracing::warn!(error = %e, "removing stale datapath entries");
        }
        let nodes = st.nodes.clone();
        let in_use: BTreeSet<u32> = nodes.iter().map(|n| st.node_identity(n)).collect();
        st.ipcache = want;
        st.identities.retain(&in_use);
        Ok(())
    }

    pub(super) fn enforcement_flags_of(&self, s: &MapState) -> u32 {
        let mut f = 0;
        if s.enforce_ingress {
            f |= bpf_progs::cfg::ENFORCE_INGRESS;
        }
        if s.enforce_egress {
            f |= bpf_progs::cfg::ENFORCE_EGRESS;
        }
        if s.audit_ingress {
            f |= bpf_progs::cfg::AUDIT_INGRESS;
        }
        if s.audit_egress {
            f |= bpf_progs::cfg::AUDIT_EGRESS;
        }
        f
    }

    /// (policies, revision, successful changes, failed changes) for metrics.
    pub fn policy_metrics(&self) -> (usize, u64, u64, u64) {
        let st = self.policy_state();
        let ok = self.policy_changes[0].load(std::sync::atomic::Ordering::Relaxed);
        let failed = self.policy_changes[1].load(std::sync::atomic::Ordering::Relaxed);
        (st.repo.policies().len(), st.repo.revision(), ok, failed)
    }

    fn count_change<T>(&self, r: &Result<T, ApiError>) {
        let i = usize::from(r.is_err());
        self.policy_changes[i].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// `PUT /v1/policy`: parse `text` (named `file` in errors), resolve, check for lockout,
    /// then (unless `dry_run`) change the datapath and commit. A bad file changes nothing.
    pub fn policy_apply(
        &self,
        file: &str,
        text: &str,
        dry_run: bool,
        force: bool,
    ) -> Result<PolicyApplyResult, ApiError> {
        let r = self.policy_apply_inner(file, text, dry_run, force);
        if !dry_run {
            self.count_change(&r);
            if let Ok(done) = &r {
                self.policy_event(false, &done.applied, done.revision);
            }
        }
        r
    }

    fn policy_apply_inner(
        &self,
        file: &str,
        text: &str,
        dry_run: bool,
        force: bool,
    ) -> Result<PolicyApplyResult, ApiError> {
        let parsed = policy::parse(file, text).map_err(|errs| {
            ApiError::BadRequest(
                errs.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
            )
        })?;
        if parsed.is_empty() {
            return Err(ApiError::BadRequest(format!("{file}: no policy in the file")));
        }
        if self.config().l7_proxy.is_none()
            && let Some(p) = parsed.iter().find(|p| p.has_http_rules())
        {
            return Err(ApiError::BadRequest(format!(
                "{file}: policy {}: L7 (HTTP) rules need the agent's proxy, which is off (l7Proxy: false)",
                p.name
            )));
        }
        let mut st = self.policy_state();
        let next_policies = st.repo.preview_apply(&parsed);
        let inputs = self.inputs(&mut st);
        let mut resolver = st.resolver.clone();
        let next = resolver.resolve(&next_policies, &inputs);
        let changes = describe_changes(&st.realized, &next);
        if !force {
            lockout_check(&st.realized, &next, &inputs)?;
        }
        let applied: Vec<String> = parsed.iter().map(|p| p.name.clone()).collect();
        if dry_run {
            return Ok(PolicyApplyResult {
                revision: st.repo.revision(),
                applied,
                dry_run: true,
                changes,
            });
        }
        self.commit(&mut st, resolver, next, next_policies)?;
        tracing::info!(policies = ?applied, revision = st.repo.revision(), "policy applied");
        Ok(PolicyApplyResult { revision: st.repo.revision(), applied, dry_run: false, changes })
    }

    fn commit(
        &self,
        st: &mut PolicyState,
        resolver: Resolver,
        next: MapState,
        policies: Vec<Policy>,
    ) -> Result<(), ApiError> {
        let prev = st.realized.clone();
        self.realize(st, next)?;
        if let Err(e) = st.repo.commit(policies) {
            // Put the datapath back as it was: the repository did not change.
            let _ = self.realize(st, prev);
            return Err(ApiError::Internal(e.to_string()));
        }
        st.resolver = resolver;
        st.realized_revision = st.repo.revision();
        self.state_changed();
        Ok(())
    }

    /// `DELETE /v1/policy`: one policy by name, or all.
    pub fn policy_delete(&self, name: Option<&str>) -> Result<PolicyModel, ApiError> {
        let r = self.policy_delete_inner(name);
        self.count_change(&r);
        if let Ok(done) = &r {
            let names: Vec<String> = name.map(str::to_string).into_iter().collect();
            self.policy_event(true, &names, done.revision);
        }
        r
    }

    fn policy_delete_inner(&self, name: Option<&str>) -> Result<PolicyModel, ApiError> {
        let mut st = self.policy_state();
        let next_policies =
            st.repo.preview_delete(name).map_err(|e| ApiError::NotFound(e.to_string()))?;
        let inputs = self.inputs(&mut st);
        let mut resolver = st.resolver.clone();
        let next = resolver.resolve(&next_policies, &inputs);
        self.commit(&mut st, resolver, next, next_policies)?;
        tracing::info!(
            name = name.unwrap_or("<all>"),
            revision = st.repo.revision(),
            "policy deleted"
        );
        Ok(policy_model(st.repo.policies(), st.repo.revision()))
    }

    /// `GET /v1/policy`, optionally one policy.
    pub fn policy_get(&self, name: Option<&str>) -> Result<PolicyModel, ApiError> {
        let st = self.policy_state();
        let policies: Vec<Policy> = match name {
            None => st.repo.policies().to_vec(),
            Some(n) => {
                let found: Vec<Policy> =
                    st.repo.policies().iter().filter(|p| p.name == n).cloned().collect();
                if found.is_empty() {
                    return Err(ApiError::NotFound(format!("no policy named {n:?}")));
                }
                found
            }
        };
        Ok(policy_model(&policies, st.repo.revision()))
    }

    /// The ipcache as the agent last wrote it.
    #[cfg(test)]
    pub(super) fn ipcache_view(&self) -> BTreeMap<(IpAddr, u8), IpcacheValue> {
        self.policy_state().ipcache.clone()
    }

    /// Policy names of rule ids, for `cilium bpf policy get` and Hubble.
    pub fn rule_names(&self) -> Vec<String> {
        self.policy_state().realized.rules.clone()
    }

    /// `GET /v1/endpoint/{id}/labels`.
    pub fn labels_get(&self) -> LabelConfiguration {
        let st = self.policy_state();
        let user: Vec<String> = st.runtime_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        LabelConfiguration {
            spec: LabelConfigurationSpec { user: user.clone() },
            status: LabelConfigurationStatus {
                realized: LabelConfigurationSpec { user },
                security_relevant: label_strings(&self.local_labels(&st)),
            },
        }
    }

    /// `PATCH /v1/endpoint/{id}/labels`: replaces the runtime labels (persisted), re-resolves.
    pub fn labels_set(&self, spec: &LabelConfigurationSpec) -> Result<(), ApiError> {
        let labels = crate::labels::user_labels(&spec.user).map_err(ApiError::BadRequest)?;
        let mut announced = self.config().labels.clone();
        announced.extend(labels.clone());
        if announced.len() > crate::labels::MAX_LABELS {
            return Err(ApiError::BadRequest(format!(
                "{} labels with the configured ones (at most {}): other nodes would refuse \
                 this node's announcement",
                announced.len(),
                crate::labels::MAX_LABELS
            )));
        }
        {
            let mut st = self.policy_state();
            let bytes = serde_json::to_vec_pretty(&labels)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            crate::fsutil::atomic_write(&st.labels_path, &bytes, 0o600)
                .map_err(|e| ApiError::Internal(format!("saving labels: {e}")))?;
            st.runtime_labels = labels;
        }
        tracing::info!(labels = ?spec.user, "runtime labels changed");
        if let Some(m) = self.membership() {
            let labels = self.announced_labels();
            m.update_local(|a| a.labels = labels);
        }
        self.regenerate()
    }

    /// The host endpoint.
    pub fn host_endpoint(&self) -> Endpoint {
        let st = self.policy_state();
        let enabled = policy_enabled(&st.realized);
        let mut addressing: Vec<AddressPair> = Vec::new();
        let v4 = self
            .local_ips()
            .iter()
            .find(|ip| ip.is_ipv4())
            .map(ToString::to_string)
            .unwrap_or_default();
        let v6 = self
            .local_ips()
            .iter()
            .find(|ip| ip.is_ipv6())
            .map(ToString::to_string)
            .unwrap_or_default();
        if !v4.is_empty() || !v6.is_empty() {
            addressing.push(AddressPair { ipv4: v4, ipv6: v6 });
        }
        let spec = EndpointPolicy { policy_revision: st.repo.revision(), policy_enabled: enabled };
        // Without a datapath nothing is enforced, whatever the repository holds: say so, as
        // Cilium shows an endpoint with policy enforcement disabled.
        let realized = if self.with_datapath(|_| ()).is_some() {
            EndpointPolicy { policy_revision: st.realized_revision, ..spec.clone() }
        } else {
            EndpointPolicy { policy_revision: 0, policy_enabled: "none".into() }
        };
        Endpoint {
            id: HOST_ENDPOINT_ID,
            status: EndpointStatus {
                state: "ready".into(),
                identity: Identity {
                    id: identity::HOST,
                    labels: label_strings(&self.local_labels(&st)),
                },
                labels: LabelConfigurationStatus {
                    realized: LabelConfigurationSpec {
                        user: st.runtime_labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
                    },
                    security_relevant: label_strings(&self.local_labels(&st)),
                },
                networking: EndpointNetworking { addressing, interface_name: String::new() },
                policy: EndpointPolicyStatus { spec, realized },
                health: EndpointHealth {
                    overall_health: "OK".into(),
                    connected: self.with_datapath(|_| ()).is_some(),
                },
                external_identifiers: EndpointIdentifiers {
                    container_name: self.node_name().to_string(),
                },
            },
        }
    }

    /// Every identity the agent knows: reserved, remote VMs, CIDRs.
    pub fn identities(&self) -> Vec<Identity> {
        let mut st = self.policy_state();
        let mut out: Vec<Identity> = [1u32, 2, 3, 4, 5, 6]
            .iter()
            .filter_map(|id| {
                crate::api::monitor::reserved_identity_name(*id)
                    .map(|n| Identity { id: *id, labels: vec![format!("reserved:{n}")] })
            })
            .collect();
        let nodes = st.nodes.clone();
        for n in &nodes {
            let id = st.node_identity(n);
            if !out.iter().any(|i| i.id == id) {
                out.push(Identity { id, labels: label_strings(&n.labels) });
            }
        }
        for e in &st.endpoints {
            if !out.iter().any(|i| i.id == e.identity) {
                out.push(Identity { id: e.identity, labels: k8s_label_strings(&e.labels) });
            }
        }
        for (cidr, id) in &st.realized.cidr_identities {
            out.push(Identity {
                id: *id,
                labels: vec![format!("cidr:{cidr}"), "reserved:world".into()],
            });
        }
        out.sort_by_key(|i| i.id);
        out
    }

    /// Takes the kvstore's identity allocations; re-resolves when a number in use changed.
    pub fn set_identity_pins(&self, pins: &BTreeMap<Labels, u32>) -> Result<(), ApiError> {
        let renumbered = self.policy_state().identities.set_pinned(pins.clone());
        if renumbered { self.regenerate() } else { Ok(()) }
    }

    /// Replaces the set of remote VMs (from discovery) and re-resolves when it changed.
    pub fn set_remote_nodes(&self, nodes: Vec<RemoteNode>) -> Result<(), ApiError> {
        let endpoints = self.policy_state().endpoints.clone();
        self.set_remote(nodes, endpoints)
    }

    /// Replaces the remote nodes and the addresses behind them with identities of their
    /// clusters; re-resolves when anything changed.
    pub fn set_remote(
        &self,
        nodes: Vec<RemoteNode>,
        endpoints: Vec<RemoteEndpoint>,
    ) -> Result<(), ApiError> {
        let mut events = Vec::new();
        {
            let mut st = self.policy_state();
            if st.nodes == nodes && st.endpoints == endpoints {
                return Ok(());
            }
            st.endpoints = endpoints;
            let addrs = |list: &[RemoteNode]| -> BTreeMap<IpAddr, RemoteNode> {
                list.iter().flat_map(|n| n.ips.iter().map(|ip| (*ip, n.clone()))).collect()
            };
            let (old, new) = (addrs(&st.nodes), addrs(&nodes));
            for (ip, n) in &new {
                if old.get(ip).is_none_or(|o| o.labels != n.labels || o.identity != n.identity) {
                    events.push((*ip, st.node_identity(n), true, n.name.clone()));
                }
            }
            for (ip, n) in &old {
                if !new.contains_key(ip) {
                    events.push((*ip, st.node_identity(n), false, n.name.clone()));
                }
            }
            st.nodes = nodes;
        }
        for (ip, id, up, name) in events {
            self.node_event(ip, id, up, &name);
        }
        self.regenerate()
    }
}

fn policy_model(policies: &[Policy], revision: u64) -> PolicyModel {
    let sources: Vec<&serde_json::Value> = policies.iter().map(|p| &p.source).collect();
    PolicyModel {
        policy: serde_json::to_string_pretty(&sources).unwrap_or_else(|_| "[]".into()),
        revision,
    }
}

fn entry_key(
    k: &crate::policy::resolve::EntryKey,
) -> aya::maps::lpm_trie::Key<bpf_progs::PolicyData> {
    bpf_progs::policy_key(k.identity, k.direction, k.protocol, k.port, k.port_bits)
}

fn key_bytes(k: &aya::maps::lpm_trie::Key<bpf_progs::PolicyData>) -> [u8; 12] {
    let d = k.data();
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&k.prefix_len().to_ne_bytes());
    b[4..8].copy_from_slice(&d.identity.to_ne_bytes());
    b[8] = d.direction;
    b[9] = d.protocol;
    b[10..12].copy_from_slice(&d.dport.to_ne_bytes());
    b
}

fn entry_value(v: &crate::policy::resolve::EntryValue) -> PolicyValue {
    let mut flags = 0;
    if v.audit {
        flags |= bpf_progs::POLICY_F_AUDIT;
    }
    if v.failsafe {
        flags |= bpf_progs::POLICY_F_FAILSAFE;
    }
    if v.redirect {
        flags |= bpf_progs::POLICY_F_REDIRECT;
    }
    PolicyValue {
        verdict: if v.verdict == Verdict::Deny {
            bpf_progs::VERDICT_DENY
        } else {
            bpf_progs::VERDICT_ALLOW
        },
        flags,
        match_type: v.match_type,
        pad: 0,
        rule_id: v.rule_id,
    }
}

fn describe_changes(prev: &MapState, next: &MapState) -> Vec<String> {
    let mut out = Vec::new();
    let onoff = |b: bool| if b { "default-deny" } else { "default-allow" };
    if prev.enforce_ingress != next.enforce_ingress {
        out.push(format!(
            "ingress: {} -> {}",
            onoff(prev.enforce_ingress),
            onoff(next.enforce_ingress)
        ));
    }
    if prev.enforce_egress != next.enforce_egress {
        out.push(format!(
            "egress: {} -> {}",
            onoff(prev.enforce_egress),
            onoff(next.enforce_egress)
        ));
    }
    let added = next.entries.keys().filter(|k| !prev.entries.contains_key(k)).count();
    let removed = prev.entries.keys().filter(|k| !next.entries.contains_key(k)).count();
    let changed =
        next.entries.iter().filter(|(k, v)| prev.entries.get(k).is_some_and(|p| p != *v)).count();
    out.push(format!("policy entries: {added} added, {removed} removed, {changed} changed"));
    out
}

/// Refuses a change that would deny new SSH connections from an address that has an SSH
/// session open to this VM right now (the operator locking themselves out).
fn lockout_check(prev: &MapState, next: &MapState, inputs: &Inputs) -> Result<(), ApiError> {
    let (sockets, _) = crate::datapath::ctseed::current_sockets();
    for s in sockets.iter().filter(|s| s.proto == 6 && s.local.1 == 22) {
        let remote = s.remote.0;
        let id = identity_of(remote, next, inputs);
        let (before, _) = prev.verdict(identity_of(remote, prev, inputs), INGRESS, 6, 22);
        let (after, entry) = next.verdict(id, INGRESS, 6, 22);
        let audited = entry.is_some_and(|e| e.audit) || (entry.is_none() && next.audit_ingress);
        if after == Verdict::Deny && before == Verdict::Allow && !audited {
            let why = match entry.map(|e| e.rule_id).filter(|r| *r > 0) {
                Some(r) => format!(
                    "rule `{}` denies it",
                    next.rules.get(r as usize - 1).cloned().unwrap_or_default()
                ),
                None => "no rule allows it once ingress is default-deny".to_string(),
            };
            return Err(ApiError::Conflict(format!(
                "refusing: new SSH connections (TCP 22) from {remote} would be denied ({why}), and {remote} has an SSH session open to this VM right now; \
                 established sessions survive, but new logins from there would fail. Re-run with --force if that is intended"
            )));
        }
    }
    Ok(())
}

fn identity_of(ip: IpAddr, state: &MapState, inputs: &Inputs) -> u32 {
    if let Some((id, _, _)) = inputs.nodes.iter().find(|(_, _, ips)| ips.contains(&ip)) {
        return *id;
    }
    state
        .cidr_identities
        .iter()
        .filter(|(c, _)| c.contains(ip))
        .max_by_key(|(c, _)| c.len)
        .map_or(identity::WORLD, |(_, id)| *id)
}
