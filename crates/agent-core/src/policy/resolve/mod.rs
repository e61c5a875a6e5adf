//! Turns the policies that select this VM into datapath entries, with Cilium's semantics:
//!
//! 1. a rule selects this VM when its `endpointSelector`/`nodeSelector` matches its labels;
//! 2. once a selected rule has an ingress (egress) section, that direction is default-deny
//!    (unless the rule says `enableDefaultDeny: false`);
//! 3. deny beats allow: an allow covered by a deny of the same peer is removed, so the
//!    datapath's longest-prefix match can never prefer it; a deny for any peer wins in the
//!    datapath itself;
//! 4. failsafe ports (the agent's own cluster ports, and the operator's) can never be closed;
//! 5. a policy in audit mode turns its would-be drops into AUDIT verdicts.
//!
//! CIDR peers get local identities (from 2^24 up, as Cilium's CIDR identities) that the agent
//! puts into the ipcache. A CIDR also selects cluster VMs whose address is inside it: on VMs,
//! `fromCIDR: 192.168.1.0/24` means those machines, cluster members or not.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::types::*;
use crate::identity;
use crate::labels::CLUSTER_LABEL;

/// The first identity handed to CIDR prefixes.
pub const CIDR_IDENTITY_BASE: u32 = 1 << 24;

/// Policy map direction: ingress.
pub const INGRESS: u8 = 0;
/// Policy map direction: egress.
pub const EGRESS: u8 = 1;

/// Verdict of a map entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// One datapath policy entry: identity (0 = any), direction, protocol (0 = any) and a port
/// prefix (`port_bits` leading bits of `port`; 0 = any port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryKey {
    /// Peer identity; 0 is any.
    pub identity: u32,
    /// [`INGRESS`] or [`EGRESS`].
    pub direction: u8,
    /// IP protocol; 0 is any.
    pub protocol: u8,
    /// Port (ICMP type).
    pub port: u16,
    /// Leading bits of `port` that must match.
    pub port_bits: u8,
}

/// What an entry decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryValue {
    /// Allow or deny.
    pub verdict: Verdict,
    /// A deny that only reports (AUDIT) and lets traffic through.
    pub audit: bool,
    /// A failsafe allow, stronger than any deny.
    pub failsafe: bool,
    /// Index + 1 into [`MapState::rules`]; 0 for failsafe entries.
    pub rule_id: u32,
    /// Hubble's policy match type.
    pub match_type: u8,
    /// Allowed through the L7 proxy, which checks each request against [`MapState::l7`].
    pub redirect: bool,
}

/// What the L7 proxy checks a request against: every allow of a port that has HTTP rules.
#[derive(Debug, Clone, PartialEq)]
pub struct L7Entry {
    /// Peer identity; 0 is any.
    pub identity: u32,
    /// [`INGRESS`] or [`EGRESS`].
    pub direction: u8,
    /// First TCP port.
    pub start: u16,
    /// Last TCP port.
    pub end: u16,
    /// HTTP rules, one of which must match; `None`: an L4 allow of the same port, which lets
    /// every request pass (Cilium's wildcard).
    pub http: Option<std::sync::Arc<[HttpRule]>>,
    /// Index + 1 into [`MapState::rules`].
    pub rule_id: u32,
}

/// Everything the datapath needs for the current policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapState {
    /// Policy map entries.
    pub entries: BTreeMap<EntryKey, EntryValue>,
    /// Default-deny ingress.
    pub enforce_ingress: bool,
    /// Default-deny egress.
    pub enforce_egress: bool,
    /// Default-deny ingress only reports (every enforcing policy is in audit mode).
    pub audit_ingress: bool,
    /// Default-deny egress only reports.
    pub audit_egress: bool,
    /// `policy-name` of each rule id (rule id = index + 1).
    pub rules: Vec<String>,
    /// CIDR prefixes with their identities, for the ipcache.
    pub cidr_identities: BTreeMap<Cidr, u32>,
    /// The L7 proxy's view of every port that has HTTP rules.
    pub l7: Vec<L7Entry>,
}

/// What the resolver knows about the cluster.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// This VM's labels (config, runtime, `cluster`, `reserved:host`).
    pub local_labels: BTreeMap<String, String>,
    /// Other VMs (and the nodes of remote clusters): identity, labels, addresses.
    pub nodes: Vec<(u32, BTreeMap<String, String>, Vec<IpAddr>)>,
    /// Addresses with identities of remote clusters behind their nodes (pods): identity,
    /// labels, addresses. Selected by label like nodes, but no node entity covers them.
    pub endpoints: Vec<(u32, BTreeMap<String, String>, Vec<IpAddr>)>,
    /// Failsafe ports open to cluster nodes in both directions (the agent's own).
    pub node_failsafe: Vec<(Protocol, u16)>,
    /// Failsafe ports open to everyone, ingress (the operator's `hostFirewall.failsafePorts`).
    pub failsafe: Vec<(Protocol, u16)>,
    /// Endpoint selectors that do not name a cluster select this cluster's identities only
    /// (Cilium 1.19's `policy-default-local-cluster`); off, they select across the mesh.
    pub default_local_cluster: bool,
}

/// Keeps CIDR identities stable across resolutions.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    cidr_ids: BTreeMap<Cidr, u32>,
    next: u32,
}

struct Raw {
    identity: u32,
    direction: u8,
    protocol: u8,
    start: u16,
    end: u16,
    value: EntryValue,
    http: Option<std::sync::Arc<[HttpRule]>>,
}

impl Resolver {
    /// Resolves `policies` for this VM.
    pub fn resolve(&mut self, policies: &[Policy], inputs: &Inputs) -> MapState {
        let mut state = MapState::default();
        let mut raws = Vec::new();
        let mut used_cidrs = BTreeSet::new();
        // (enforcing rules, of which in audit mode) per direction.
        let mut enforcing = [(0usize, 0usize); 2];

        // Allocate every CIDR identity first, so that `world` covers all of them.
        for policy in policies {
            for rule in policy.rules.iter().filter(|r| r.subject.matches(&inputs.local_labels)) {
                for section in [&rule.ingress, &rule.egress, &rule.ingress_deny, &rule.egress_deny]
                    .into_iter()
                    .flatten()
                {
                    for pr in section {
                        for peer in &pr.peers {
                            if let Peer::Cidr { cidr, except } = peer {
                                for c in std::iter::once(cidr).chain(except) {
                                    used_cidrs.insert(*c);
                                    self.cidr_identity(*c);
                                }
                            }
                        }
                    }
                }
            }
        }
        self.cidr_ids.retain(|c, _| used_cidrs.contains(c));

        for policy in policies {
            for (ri, rule) in policy.rules.iter().enumerate() {
                if !rule.subject.matches(&inputs.local_labels) {
                    continue;
                }
                state.rules.push(if policy.rules.len() > 1 {
                    format!("{}[{ri}]", policy.name)
                } else {
                    policy.name.clone()
                });
                let rule_id = state.rules.len() as u32;
                let sections = [
                    (INGRESS, &rule.ingress, Verdict::Allow, rule.default_deny_ingress),
                    (EGRESS, &rule.egress, Verdict::Allow, rule.default_deny_egress),
                    (INGRESS, &rule.ingress_deny, Verdict::Deny, rule.default_deny_ingress),
                    (EGRESS, &rule.egress_deny, Verdict::Deny, rule.default_deny_egress),
                ];
                let mut enforces = [false; 2];
                for (dir, section, verdict, default_deny) in sections {
                    let Some(peer_rules) = section else { continue };
                    enforces[dir as usize] |= default_deny;
                    for pr in peer_rules {
                        let ids = self.peer_identities(pr, inputs);
                        let http: Option<std::sync::Arc<[HttpRule]>> =
                            pr.http.as_ref().map(|h| h.clone().into());
                        let ports: Vec<(u8, u16, u16)> = if pr.ports.is_empty() {
                            vec![(0, 0, 65535)]
                        } else {
                            pr.ports.iter().map(|p| (p.protocol.number(), p.start, p.end)).collect()
                        };
                        for id in &ids {
                            for (proto, start, end) in &ports {
                                let match_type = match (*id == 0, *proto == 0) {
                                    (false, true) => 1,
                                    (false, false) => 2,
                                    (true, false) => 3,
                                    (true, true) => 4,
                                };
                                raws.push(Raw {
                                    identity: *id,
                                    direction: dir,
                                    protocol: *proto,
                                    start: *start,
                                    end: *end,
                                    value: EntryValue {
                                        verdict,
                                        audit: policy.audit && verdict == Verdict::Deny,
                                        failsafe: false,
                                        rule_id,
                                        match_type,
                                        redirect: http.is_some() && verdict == Verdict::Allow,
                                    },
                                    http: http.clone(),
                                });
                            }
                        }
                    }
                }
                for d in 0..2 {
                    if enforces[d] {
                        enforcing[d].0 += 1;
                        enforcing[d].1 += usize::from(policy.audit);
                    }
                }
            }
        }
        state.enforce_ingress = enforcing[0].0 > 0;
        state.enforce_egress = enforcing[1].0 > 0;
        state.audit_ingress = state.enforce_ingress && enforcing[0].0 == enforcing[0].1;
        state.audit_egress = state.enforce_egress && enforcing[1].0 == enforcing[1].1;

        // Failsafe: the cluster's own ports between nodes, and the operator's ports.
        let failsafe = EntryValue {
            verdict: Verdict::Allow,
            audit: false,
            failsafe: true,
            rule_id: 0,
            match_type: 2,
            redirect: false,
        };
        let mut node_ids: Vec<u32> = inputs.nodes.iter().map(|(id, _, _)| *id).collect();
        node_ids.push(identity::REMOTE_NODE);
        node_ids.sort_unstable();
        node_ids.dedup();
        for id in &node_ids {
            for (proto, port) in &inputs.node_failsafe {
                for dir in [INGRESS, EGRESS] {
                    raws.push(Raw {
                        identity: *id,
                        direction: dir,
                        protocol: proto.number(),
                        start: *port,
                        end: *port,
                        value: failsafe,
                        http: None,
                    });
                }
            }
        }
        for (proto, port) in &inputs.failsafe {
            raws.push(Raw {
                identity: 0,
                direction: INGRESS,
                protocol: proto.number(),
                start: *port,
                end: *port,
                value: failsafe,
                http: None,
            });
        }

        state.l7 = l7_entries(&raws);
        state.entries = merge(raws);
        state.cidr_identities = self.cidr_ids.clone();
        state
    }

    fn cidr_identity(&mut self, c: Cidr) -> u32 {
        if let Some(id) = self.cidr_ids.get(&c) {
            return *id;
        }
        let used: BTreeSet<u32> = self.cidr_ids.values().copied().collect();
        let mut id = CIDR_IDENTITY_BASE + self.next;
        while used.contains(&id) {
            id += 1;
        }
        self.next = id - CIDR_IDENTITY_BASE + 1;
        self.cidr_ids.insert(c, id);
        id
    }

    fn peer_identities(&mut self, pr: &PeerRule, inputs: &Inputs) -> BTreeSet<u32> {
        let mut ids = BTreeSet::new();
        if pr.peers.is_empty() {
            ids.insert(0);
            return ids;
        }
        let local_cluster = inputs.local_labels.get(CLUSTER_LABEL);
        for peer in &pr.peers {
            match peer {
                Peer::Endpoints(sel) => {
                    // Cilium adds the local cluster to a selector that names none.
                    let local_only = inputs.default_local_cluster && !sel.names_key(CLUSTER_LABEL);
                    let in_scope = |l: &BTreeMap<String, String>| {
                        !local_only || l.get(CLUSTER_LABEL) == local_cluster
                    };
                    if sel.is_empty() {
                        // `{}`: every VM of the cluster.
                        ids.extend(
                            inputs
                                .nodes
                                .iter()
                                .chain(&inputs.endpoints)
                                .filter(|(_, l, _)| in_scope(l))
                                .map(|(id, _, _)| *id),
                        );
                        ids.insert(identity::REMOTE_NODE);
                        ids.insert(identity::HOST);
                        continue;
                    }
                    ids.extend(
                        inputs
                            .nodes
                            .iter()
                            .chain(&inputs.endpoints)
                            .filter(|(_, l, _)| in_scope(l) && sel.matches(l))
                            .map(|(id, _, _)| *id),
                    );
                    if sel.matches(&inputs.local_labels) {
                        ids.insert(identity::HOST);
                    }
                    for (id, name) in [
                        (identity::WORLD, "world"),
                        (identity::REMOTE_NODE, "remote-node"),
                        (identity::HEALTH, "health"),
                    ] {
                        if sel.match_labels.contains_key(&format!("reserved:{name}"))
                            && sel.match_labels.len() == 1
                        {
                            ids.insert(id);
                        }
                    }
                }
                Peer::Cidr { cidr, except } => {
                    // Excepted prefixes have their own identities (allocated up front), which
                    // nothing here selects: the ipcache's longest match sends their addresses
                    // there.
                    ids.insert(self.cidr_identity(*cidr));
                    for (id, _, ips) in inputs.nodes.iter().chain(&inputs.endpoints) {
                        if ips
                            .iter()
                            .any(|ip| cidr.contains(*ip) && !except.iter().any(|e| e.contains(*ip)))
                        {
                            ids.insert(*id);
                        }
                    }
                }
                Peer::Entity(e) => match e {
                    Entity::All => {
                        ids.insert(0);
                    }
                    Entity::World => {
                        ids.insert(identity::WORLD);
                        // Every CIDR identity is outside the cluster too.
                        ids.extend(self.cidr_ids.values().copied());
                    }
                    Entity::Host => {
                        ids.insert(identity::HOST);
                    }
                    Entity::RemoteNode => {
                        // Nodes of every cluster, as Cilium's entity.
                        ids.insert(identity::REMOTE_NODE);
                        ids.extend(inputs.nodes.iter().map(|(id, _, _)| *id));
                    }
                    Entity::Cluster => {
                        ids.extend([
                            identity::HOST,
                            identity::REMOTE_NODE,
                            identity::HEALTH,
                            identity::INIT,
                        ]);
                        // This cluster's: a remote cluster's identities are not `cluster`.
                        ids.extend(
                            inputs
                                .nodes
                                .iter()
                                .filter(|(_, l, _)| l.get(CLUSTER_LABEL) == local_cluster)
                                .map(|(id, _, _)| *id),
                        );
                    }
                    Entity::Health => {
                        ids.insert(identity::HEALTH);
                    }
                    Entity::Init => {
                        ids.insert(identity::INIT);
                    }
                    Entity::Unmanaged => {
                        ids.insert(identity::UNMANAGED);
                    }
                },
            }
        }
        ids
    }
}

/// Every allow that touches a port with HTTP rules, in the same direction: the proxy sees all
/// of a redirected port's rules, L4 ones included (which let everything through).
fn l7_entries(raws: &[Raw]) -> Vec<L7Entry> {
    let l7: Vec<&Raw> = raws.iter().filter(|r| r.http.is_some() && r.value.redirect).collect();
    let mut out = Vec::new();
    for r in raws {
        if r.value.verdict != Verdict::Allow || r.value.failsafe {
            continue;
        }
        if r.protocol != 0 && r.protocol != Protocol::Tcp.number() {
            continue;
        }
        let touches =
            l7.iter().any(|h| h.direction == r.direction && r.start <= h.end && h.start <= r.end);
        if touches {
            out.push(L7Entry {
                identity: r.identity,
                direction: r.direction,
                start: r.start,
                end: r.end,
                http: r.http.clone(),
                rule_id: r.value.rule_id,
            });
        }
    }
    out
}

/// Applies deny precedence within each peer and expands port ranges to prefixes.
fn merge(raws: Vec<Raw>) -> BTreeMap<EntryKey, EntryValue> {
    let mut out = BTreeMap::new();
    // Denies per (identity, direction): protocol -> ranges; protocol 0 denies everything.
    // (protocol, first port, last port) of every deny, by (identity, direction).
    type Ranges = Vec<(u8, u16, u16)>;
    let mut denies: BTreeMap<(u32, u8), Ranges> = BTreeMap::new();
    for r in raws.iter().filter(|r| r.value.verdict == Verdict::Deny) {
        denies.entry((r.identity, r.direction)).or_default().push((r.protocol, r.start, r.end));
    }
    let emit = |r: &Raw, start: u16, end: u16, out: &mut BTreeMap<EntryKey, EntryValue>| {
        for (port, bits) in port_prefixes(r.protocol, start, end) {
            let key = EntryKey {
                identity: r.identity,
                direction: r.direction,
                protocol: r.protocol,
                port,
                port_bits: bits,
            };
            match out.get(&key) {
                // Failsafe beats everything; deny beats allow; first rule wins among equals.
                Some(existing) if existing.failsafe => {}
                Some(existing)
                    if existing.verdict == Verdict::Deny
                        && r.value.verdict == Verdict::Allow
                        && !r.value.failsafe => {}
                // An L7 allow and an L4 allow of the same key: redirected, and the proxy
                // lets every request through (it sees both, in `l7`).
                Some(existing) if existing.verdict == r.value.verdict && !r.value.failsafe => {
                    if r.value.redirect && !existing.redirect {
                        let mut v = *existing;
                        v.redirect = true;
                        out.insert(key, v);
                    }
                }
                _ => {
                    out.insert(key, r.value);
                }
            }
        }
    };
    for r in &raws {
        if r.value.verdict == Verdict::Deny || r.value.failsafe {
            emit(r, r.start, r.end, &mut out);
            continue;
        }
        let ds = denies.get(&(r.identity, r.direction));
        if ds.is_some_and(|d| d.iter().any(|(p, s, e)| *p == 0 && *s == 0 && *e == 65535)) {
            continue;
        }
        if r.protocol == 0 {
            // Less specific than any protocol-level deny, which the datapath then prefers.
            emit(r, r.start, r.end, &mut out);
            continue;
        }
        let mut pieces = vec![(r.start, r.end)];
        for (p, s, e) in ds.into_iter().flatten() {
            if *p == r.protocol {
                pieces = subtract(&pieces, *s, *e);
            }
        }
        for (s, e) in pieces {
            emit(r, s, e, &mut out);
        }
    }
    out
}

fn subtract(pieces: &[(u16, u16)], s: u16, e: u16) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for &(a, b) in pieces {
        if e < a || s > b {
            out.push((a, b));
            continue;
        }
        if s > a {
            out.push((a, s - 1));
        }
        if e < b {
            out.push((e + 1, b));
        }
    }
    out
}

/// Covers `start..=end` with aligned prefixes of the 16-bit port space.
pub fn port_prefixes(protocol: u8, start: u16, end: u16) -> Vec<(u16, u8)> {
    if protocol == 0 || (start == 0 && end == 65535) {
        return vec![(0, 0)];
    }
    let mut out = Vec::new();
    let mut cur = u32::from(start);
    let end = u32::from(end);
    while cur <= end {
        let mut size = if cur == 0 { 1 << 16 } else { 1u32 << cur.trailing_zeros().min(16) };
        while cur + size - 1 > end {
            size >>= 1;
        }
        out.push((cur as u16, (16 - size.trailing_zeros()) as u8));
        cur += size;
    }
    out
}

impl MapState {
    /// What the datapath decides for a new connection (same algorithm as the C code): a
    /// longest-prefix lookup for the peer's identity and one for any identity; failsafe beats
    /// deny, deny beats allow; otherwise default-deny when enforced.
    pub fn verdict(
        &self,
        identity: u32,
        direction: u8,
        protocol: u8,
        port: u16,
    ) -> (Verdict, Option<EntryValue>) {
        let lookup = |id: u32| -> Option<EntryValue> {
            self.entries
                .iter()
                .filter(|(k, _)| {
                    k.identity == id
                        && k.direction == direction
                        && (k.protocol == 0 || k.protocol == protocol)
                        && (k.port_bits == 0
                            || (port >> (16 - k.port_bits)) == (k.port >> (16 - k.port_bits)))
                })
                .max_by_key(|(k, _)| if k.protocol == 0 { 0 } else { 1 + u32::from(k.port_bits) })
                .map(|(_, v)| *v)
        };
        let by_id = lookup(identity);
        let any = lookup(0);
        let pick = [by_id, any];
        if let Some(v) = pick.iter().flatten().find(|v| v.failsafe) {
            return (Verdict::Allow, Some(*v));
        }
        if let Some(v) = pick.iter().flatten().find(|v| v.verdict == Verdict::Deny) {
            return (Verdict::Deny, Some(*v));
        }
        if let Some(v) = by_id.or(any) {
            return (Verdict::Allow, Some(v));
        }
        let enforced =
            if direction == INGRESS { self.enforce_ingress } else { self.enforce_egress };
        (if enforced { Verdict::Deny } else { Verdict::Allow }, None)
    }
}

#[cfg(test)]
mod tests;
