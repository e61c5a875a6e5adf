//! Cilium's network policy, as far as a VM's host firewall enforces it.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// `CiliumNetworkPolicy` or `CiliumClusterwideNetworkPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyKind {
    /// `CiliumNetworkPolicy`.
    CiliumNetworkPolicy,
    /// `CiliumClusterwideNetworkPolicy`.
    CiliumClusterwideNetworkPolicy,
}

/// One named policy (one document); it may hold several rules (`specs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// `metadata.name`.
    pub name: String,
    /// Kind.
    pub kind: PolicyKind,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// Would-be drops of this policy are reported as AUDIT and let through.
    pub audit: bool,
    /// The rules (`spec`, or each of `specs`).
    pub rules: Vec<Rule>,
    /// The document as given, as JSON (what `cilium policy get` prints).
    pub source: serde_json::Value,
}

impl Policy {
    /// True when a rule has `rules.http` (the L7 proxy enforces it).
    pub fn has_http_rules(&self) -> bool {
        self.rules.iter().any(|r| {
            [&r.ingress, &r.egress].into_iter().flatten().flatten().any(|pr| pr.http.is_some())
        })
    }
}

/// One rule of a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// `description`.
    pub description: String,
    /// `endpointSelector` or `nodeSelector`: which VMs the rule applies to.
    pub subject: Selector,
    /// `ingress`; `None` when absent (the rule does not enforce ingress).
    pub ingress: Option<Vec<PeerRule>>,
    /// `egress`.
    pub egress: Option<Vec<PeerRule>>,
    /// `ingressDeny`.
    pub ingress_deny: Option<Vec<PeerRule>>,
    /// `egressDeny`.
    pub egress_deny: Option<Vec<PeerRule>>,
    /// `enableDefaultDeny.ingress` (default true).
    pub default_deny_ingress: bool,
    /// `enableDefaultDeny.egress` (default true).
    pub default_deny_egress: bool,
}

/// A label selector (`matchLabels` and `matchExpressions`); empty selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selector {
    /// Keys and values that must all be present.
    pub match_labels: BTreeMap<String, String>,
    /// Expressions that must all hold.
    pub match_expressions: Vec<Expression>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expression {
    /// Label key.
    pub key: String,
    /// Operator.
    pub operator: Operator,
    /// Values (`In`, `NotIn`).
    pub values: Vec<String>,
}

/// `matchExpressions` operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    /// Key present with one of the values.
    In,
    /// Key absent, or present with none of the values.
    NotIn,
    /// Key present.
    Exists,
    /// Key absent.
    DoesNotExist,
}

/// Cilium's entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Entity {
    /// Everything.
    All,
    /// Outside the cluster.
    World,
    /// This VM.
    Host,
    /// The other VMs of the cluster.
    RemoteNode,
    /// The cluster: this VM and the others.
    Cluster,
    /// Health endpoints.
    Health,
    /// Not yet identified.
    Init,
    /// Not managed by Cilium.
    Unmanaged,
}

impl Entity {
    /// Parses Cilium's entity name.
    pub fn parse(s: &str) -> Option<Entity> {
        Some(match s {
            "all" => Entity::All,
            "world" => Entity::World,
            "host" => Entity::Host,
            "remote-node" => Entity::RemoteNode,
            "cluster" => Entity::Cluster,
            "health" => Entity::Health,
            "init" => Entity::Init,
            "unmanaged" => Entity::Unmanaged,
            _ => return None,
        })
    }
}

/// An IP prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
pub struct Cidr {
    /// Network address (host bits cleared).
    pub addr: IpAddr,
    /// Prefix length.
    pub len: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`, `x::/n` or a bare address (a host prefix).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, l) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len = match l {
            Some(l) => l.parse::<u8>().ok().filter(|l| *l <= max)?,
            None => max,
        };
        Some(Cidr { addr: mask(addr, len), len })
    }

    /// True when `ip` is inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.len) == self.addr
    }

    /// True when `other` lies inside this prefix.
    pub fn covers(&self, other: &Cidr) -> bool {
        other.len >= self.len && self.contains(other.addr)
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// `ip` with all but its first `len` bits cleared (a longer `len` keeps every bit).
pub fn mask(ip: IpAddr, len: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = u32::MAX.checked_shl(32 - u32::from(len.min(32))).unwrap_or(0);
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = u128::MAX.checked_shl(128 - u32::from(len.min(128))).unwrap_or(0);
            IpAddr::V6((bits & m).into())
        }
    }
}

/// Whom a rule's peers are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Peer {
    /// `fromEndpoints` / `toEndpoints`, and `fromNodes` / `toNodes`: VMs by label.
    Endpoints(Selector),
    /// `fromCIDR` / `fromCIDRSet`: a prefix minus exceptions.
    Cidr {
        /// The prefix.
        cidr: Cidr,
        /// Prefixes carved out.
        except: Vec<Cidr>,
    },
    /// `fromEntities` / `toEntities`.
    Entity(Entity),
}

/// A protocol in `toPorts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
    /// ICMP (from `icmps`).
    Icmp,
    /// ICMPv6 (from `icmps`).
    Icmpv6,
    /// Any protocol.
    Any,
}

impl Protocol {
    /// The IP protocol number (0 for any).
    pub fn number(self) -> u8 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
            Protocol::Sctp => 132,
            Protocol::Icmp => 1,
            Protocol::Icmpv6 => 58,
            Protocol::Any => 0,
        }
    }
}

/// A port range of one protocol (`port`..=`end`); for ICMP, the range is the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
pub struct PortRange {
    /// Protocol.
    pub protocol: Protocol,
    /// First port (0 with `end` 65535 means any port).
    pub start: u16,
    /// Last port.
    pub end: u16,
}

/// One entry of `ingress`, `egress`, `ingressDeny` or `egressDeny`. A `toPorts` entry with
/// HTTP rules becomes a peer rule of its own (same peers), so that each rule's ports have one
/// set of L7 rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerRule {
    /// Peers; empty means every peer.
    pub peers: Vec<Peer>,
    /// Ports; empty means every port of every protocol.
    pub ports: Vec<PortRange>,
    /// `rules.http` of these ports: connections go through the L7 proxy, which lets a request
    /// pass when one of the rules matches it. `None`: L4 only.
    pub http: Option<Vec<HttpRule>>,
}

/// One `rules.http` entry: every field given must match (Cilium's semantics). `method`, `path`
/// and `host` are regular expressions matched against the whole value (the path with its
/// query).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRule {
    /// Method, a regular expression (`GET`, `GET|HEAD`).
    pub method: Option<String>,
    /// Path, a regular expression (`/public`, `/api/v[0-9]+/.*`).
    pub path: Option<String>,
    /// Host (`Host` header / `:authority`), a regular expression.
    pub host: Option<String>,
    /// Headers that must be present (`value` `None`) or present with exactly this value.
    pub headers: Vec<HeaderMatch>,
}

/// A header a request must carry (from `headers` or `headerMatches`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderMatch {
    /// Header name (case-insensitive).
    pub name: String,
    /// The exact value; `None`: present with any value.
    pub value: Option<String>,
}
