//! Hubble's flow filters: a request's whitelist and blacklist compiled once into predicates.
//!
//! Semantics are upstream's: inside one `FlowFilter` every populated field must match (AND) and
//! the values of one field are alternatives (OR); a flow passes when it matches any whitelist
//! filter (or the whitelist is empty) and no blacklist filter. The agent runs this for every
//! flow of every client and the CLI for `--input-file`, so compiling does all parsing up front.

use std::net::IpAddr;

use super::proto::flow::{Endpoint, EventTypeFilter, Flow, FlowFilter, TcpFlags, layer4};
use crate::policy::types::Cidr;

/// A filter that cannot be compiled; the server answers it with `InvalidArgument`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// An IP or CIDR that does not parse.
    #[error("invalid IP address or CIDR {0:?} in filter")]
    Ip(String),
    /// A port that is not a decimal 16-bit number.
    #[error("invalid port {0:?} in filter")]
    Port(String),
    /// An unknown protocol name.
    #[error("unknown protocol {0:?} in filter")]
    Protocol(String),
    /// A label selector that does not parse.
    #[error("invalid label selector {0:?}: {1}")]
    Selector(String, &'static str),
    /// An HTTP status that is neither `NNN` nor `N+`.
    #[error("invalid HTTP status code filter {0:?}")]
    HttpStatus(String),
    /// A regular expression that does not compile.
    #[error("invalid {0} filter {1:?}: {2}")]
    Regex(&'static str, String, String),
    /// An L7 field combined with event types that can never be L7 flows.
    #[error("filtering by {0} requires the event type filter to only match 'l7' events")]
    NeedsL7(&'static str),
    /// A field this server cannot evaluate.
    #[error("{0} filters are not supported by this server")]
    Unsupported(&'static str),
    /// More filters, or larger ones, than any query needs: refused rather than run per flow.
    #[error("filters too large: {0}")]
    TooLarge(String),
}

/// Most filters (whitelist and blacklist together) one request may carry.
pub const MAX_FILTERS: usize = 256;
/// Most bytes all of a request's filters may take, encoded.
pub const MAX_FILTER_BYTES: usize = 64 * 1024;
/// Most memory one compiled regular expression (or glob) may take.
const MAX_REGEX_BYTES: usize = 1 << 20;

type Pred = Box<dyn Fn(&Flow) -> bool + Send + Sync>;

/// One compiled `FlowFilter`: all of its predicates must hold.
struct Compiled(Vec<Pred>);

impl Compiled {
    fn matches(&self, f: &Flow) -> bool {
        self.0.iter().all(|p| p(f))
    }
}

/// A request's filters, ready to run.
pub struct FlowFilters {
    whitelist: Vec<Compiled>,
    blacklist: Vec<Compiled>,
}

impl std::fmt::Debug for FlowFilters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowFilters")
            .field("whitelist", &self.whitelist.len())
            .field("blacklist", &self.blacklist.len())
            .finish()
    }
}

impl FlowFilters {
    /// Compiles a request's lists.
    pub fn compile(
        whitelist: &[FlowFilter],
        blacklist: &[FlowFilter],
    ) -> Result<Self, FilterError> {
        let count = whitelist.len() + blacklist.len();
        if count > MAX_FILTERS {
            return Err(FilterError::TooLarge(format!("{count} filters (at most {MAX_FILTERS})")));
        }
        let bytes: usize = whitelist.iter().chain(blacklist).map(prost::Message::encoded_len).sum();
        if bytes > MAX_FILTER_BYTES {
            return Err(FilterError::TooLarge(format!(
                "{bytes} bytes of filters (at most {MAX_FILTER_BYTES})"
            )));
        }
        Ok(Self {
            whitelist: whitelist.iter().map(compile).collect::<Result<_, _>>()?,
            blacklist: blacklist.iter().map(compile).collect::<Result<_, _>>()?,
        })
    }

    /// True when no filter is set.
    pub fn is_empty(&self) -> bool {
        self.whitelist.is_empty() && self.blacklist.is_empty()
    }

    /// Whether `flow` passes.
    pub fn matches(&self, flow: &Flow) -> bool {
        (self.whitelist.is_empty() || self.whitelist.iter().any(|c| c.matches(flow)))
            && !self.blacklist.iter().any(|c| c.matches(flow))
    }
}

fn compile(ff: &FlowFilter) -> Result<Compiled, FilterError> {
    let mut p: Vec<Pred> = Vec::new();
    if !ff.uuid.is_empty() {
        let v = ff.uuid.clone();
        p.push(Box::new(move |f| v.contains(&f.uuid)));
    }
    ip_filter(&mut p, &ff.source_ip, |f| f.ip.as_ref().map(|i| i.source.as_str()))?;
    ip_filter(&mut p, &ff.destination_ip, |f| f.ip.as_ref().map(|i| i.destination.as_str()))?;
    ip_filter(&mut p, &ff.source_ip_xlated, |f| f.ip.as_ref().map(|i| i.source_xlated.as_str()))?;
    pod_filter(&mut p, &ff.source_pod, |f| f.source.as_ref());
    pod_filter(&mut p, &ff.destination_pod, |f| f.destination.as_ref());
    names_filter(&mut p, &ff.source_fqdn, |f| &f.source_names)?;
    names_filter(&mut p, &ff.destination_fqdn, |f| &f.destination_names)?;
    label_filter(&mut p, &ff.source_label, |f| f.source.as_ref().map(|e| e.labels.as_slice()))?;
    label_filter(&mut p, &ff.destination_label, |f| {
        f.destination.as_ref().map(|e| e.labels.as_slice())
    })?;
    label_filter(&mut p, &ff.node_labels, |f| Some(f.node_labels.as_slice()))?;
    service_filter(&mut p, &ff.source_service, |f| f.source_service.as_ref());
    service_filter(&mut p, &ff.destination_service, |f| f.destination_service.as_ref());
    for (list, side) in [(&ff.source_workload, true), (&ff.destination_workload, false)] {
        if !list.is_empty() {
            let v = list.clone();
            p.push(Box::new(move |f| {
                let ep = if side { f.source.as_ref() } else { f.destination.as_ref() };
                ep.is_some_and(|e| {
                    e.workloads.iter().any(|w| {
                        v.iter().any(|want| {
                            (want.name.is_empty() || want.name == w.name)
                                && (want.kind.is_empty() || want.kind == w.kind)
                        })
                    })
                })
            }));
        }
    }
    for (list, side) in [(&ff.source_cluster_name, true), (&ff.destination_cluster_name, false)] {
        if !list.is_empty() {
            let v = list.clone();
            p.push(Box::new(move |f| {
                let ep = if side { f.source.as_ref() } else { f.destination.as_ref() };
                ep.is_some_and(|e| v.contains(&e.cluster_name))
            }));
        }
    }
    enum_filter(&mut p, &ff.traffic_direction, |f| f.traffic_direction);
    enum_filter(&mut p, &ff.verdict, |f| f.verdict);
    enum_filter(&mut p, &ff.drop_reason_desc, |f| f.drop_reason_desc);
    enum_filter(&mut p, &ff.ip_version, |f| f.ip.as_ref().map_or(0, |i| i.ip_version));
    if !ff.interface.is_empty() {
        let v = ff.interface.clone();
        p.push(Box::new(move |f| {
            f.interface.as_ref().is_some_and(|i| {
                v.iter().any(|want| {
                    (want.index == 0 || want.index == i.index)
                        && (want.name.is_empty() || want.name == i.name)
                })
            })
        }));
    }
    if !ff.event_type.is_empty() {
        let v = ff.event_type.clone();
        p.push(Box::new(move |f| v.iter().any(|t| event_type_matches(t, f))));
    }
    if !ff.http_status_code.is_empty() {
        require_l7_events(ff, "http status code")?;
        let mut codes = Vec::new();
        for s in &ff.http_status_code {
            codes.push(parse_status(s)?);
        }
        p.push(Box::new(move |f| {
            let code = match f.l7.as_ref().and_then(|l| l.record.as_ref()) {
                Some(super::proto::flow::layer7::Record::Http(h)) if h.code != 0 => h.code,
                _ => return false,
            };
            codes.iter().any(|(lo, hi)| (*lo..=*hi).contains(&code))
        }));
    }
    if !ff.protocol.is_empty() {
        let mut protos = Vec::new();
        for s in &ff.protocol {
            protos.push(parse_protocol(s)?);
        }
        p.push(Box::new(move |f| protos.iter().any(|want| protocol_matches(*want, f))));
    }
    port_filter(&mut p, &ff.source_port, true)?;
    port_filter(&mut p, &ff.destination_port, false)?;
    if !ff.reply.is_empty() {
        let v = ff.reply.clone();
        p.push(Box::new(move |f| f.is_reply.as_ref().is_some_and(|r| v.contains(&r.value))));
    }
    if !ff.dns_query.is_empty() {
        // Our datapath makes no DNS flows, but flows read from files or relayed from Cilium
        // carry them: match as upstream does, a regular expression on the query.
        let queries = regexes("DNS query", &ff.dns_query)?;
        p.push(Box::new(move |f| {
            dns(f).is_some_and(|d| queries.iter().any(|q| q.is_match(&d.query)))
        }));
    }
    identity_filter(&mut p, &ff.source_identity, |f| f.source.as_ref());
    identity_filter(&mut p, &ff.destination_identity, |f| f.destination.as_ref());
    http_filters(&mut p, ff)?;
    if !ff.tcp_flags.is_empty() {
        let v = ff.tcp_flags.clone();
        p.push(Box::new(move |f| match f.l4.as_ref().and_then(|l| l.protocol.as_ref()) {
            Some(layer4::Protocol::Tcp(t)) => {
                let have = t.flags.map_or(0, flag_bits);
                v.iter().any(|want| {
                    let w = flag_bits(*want);
                    w != 0 && have & w == w
                })
            }
            _ => false,
        }));
    }
    if !ff.node_name.is_empty() {
        let v: Vec<NodePattern> =
            ff.node_name.iter().map(|pat| NodePattern::new(pat)).collect::<Result<_, _>>()?;
        p.push(Box::new(move |f| v.iter().any(|pat| pat.matches(&f.node_name))));
    }
    if !ff.trace_id.is_empty() {
        let v = ff.trace_id.clone();
        p.push(Box::new(move |f| {
            f.trace_context
                .as_ref()
                .and_then(|t| t.parent.as_ref())
                .is_some_and(|par| v.contains(&par.trace_id))
        }));
    }
    if !ff.ip_trace_id.is_empty() {
        let v = ff.ip_trace_id.clone();
        p.push(Box::new(move |f| f.ip_trace_id.as_ref().is_some_and(|t| v.contains(&t.trace_id))));
    }
    if !ff.encrypted.is_empty() {
        let v = ff.encrypted.clone();
        p.push(Box::new(move |f| v.contains(&f.ip.as_ref().is_some_and(|i| i.encrypted))));
    }
    if ff.experimental.as_ref().is_some_and(|e| !e.cel_expression.is_empty()) {
        return Err(FilterError::Unsupported("CEL expression"));
    }
    Ok(Compiled(p))
}

fn ip_filter(
    p: &mut Vec<Pred>,
    list: &[String],
    get: fn(&Flow) -> Option<&str>,
) -> Result<(), FilterError> {
    if list.is_empty() {
        return Ok(());
    }
    let mut cidrs = Vec::new();
    for s in list {
        cidrs.push(Cidr::parse(s.trim()).ok_or_else(|| FilterError::Ip(s.clone()))?);
    }
    p.push(Box::new(move |f| {
        let Some(ip) = get(f).and_then(|s| s.parse::<IpAddr>().ok()) else { return false };
        cidrs.iter().any(|c| c.contains(ip))
    }));
    Ok(())
}

fn pod_filter(p: &mut Vec<Pred>, list: &[String], get: fn(&Flow) -> Option<&Endpoint>) {
    if list.is_empty() {
        return;
    }
    let v: Vec<(String, String)> = list
        .iter()
        .map(|s| match s.split_once('/') {
            Some((ns, pod)) => (ns.to_string(), pod.to_string()),
            None => ("default".to_string(), s.clone()),
        })
        .collect();
    p.push(Box::new(move |f| {
        get(f).is_some_and(|e| {
            v.iter().any(|(ns, pod)| {
                *ns == e.namespace
                    && (pod.is_empty() && !e.namespace.is_empty()
                        || !pod.is_empty() && e.pod_name.starts_with(pod.as_str()))
            })
        })
    }));
}

fn service_filter(
    p: &mut Vec<Pred>,
    list: &[String],
    get: fn(&Flow) -> Option<&super::proto::flow::Service>,
) {
    if list.is_empty() {
        return;
    }
    let v: Vec<(String, String)> = list
        .iter()
        .map(|s| match s.split_once('/') {
            Some((ns, name)) => (ns.to_string(), name.to_string()),
            None => ("default".to_string(), s.clone()),
        })
        .collect();
    p.push(Box::new(move |f| {
        get(f).is_some_and(|svc| {
            v.iter().any(|(ns, name)| *ns == svc.namespace && svc.name.starts_with(name.as_str()))
        })
    }));
}

fn names_filter(
    p: &mut Vec<Pred>,
    list: &[String],
    get: fn(&Flow) -> &Vec<String>,
) -> Result<(), FilterError> {
    if list.is_empty() {
        return Ok(());
    }
    let v: Vec<Glob> = list
        .iter()
        .map(|s| Glob::new(&s.trim_end_matches('.').to_ascii_lowercase()))
        .collect::<Result<_, _>>()?;
    p.push(Box::new(move |f| {
        get(f).iter().any(|name| {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            v.iter().any(|pat| pat.matches(&name))
        })
    }));
    Ok(())
}

fn enum_filter(p: &mut Vec<Pred>, list: &[i32], get: fn(&Flow) -> i32) {
    if list.is_empty() {
        return;
    }
    let v = list.to_vec();
    p.push(Box::new(move |f| v.contains(&get(f))));
}

fn identity_filter(p: &mut Vec<Pred>, list: &[u32], get: fn(&Flow) -> Option<&Endpoint>) {
    if list.is_empty() {
        return;
    }
    let v = list.to_vec();
    p.push(Box::new(move |f| get(f).is_some_and(|e| v.contains(&e.identity))));
}

fn port_filter(p: &mut Vec<Pred>, list: &[String], source: bool) -> Result<(), FilterError> {
    if list.is_empty() {
        return Ok(());
    }
    let mut ports = Vec::new();
    for s in list {
        ports.push(s.trim().parse::<u16>().map_err(|_| FilterError::Port(s.clone()))?);
    }
    p.push(Box::new(move |f| {
        let (sp, dp) = match f.l4.as_ref().and_then(|l| l.protocol.as_ref()) {
            Some(layer4::Protocol::Tcp(t)) => (t.source_port, t.destination_port),
            Some(layer4::Protocol::Udp(u)) => (u.source_port, u.destination_port),
            Some(layer4::Protocol::Sctp(s)) => (s.source_port, s.destination_port),
            _ => return false,
        };
        let port = if source { sp } else { dp };
        ports.iter().any(|want| u32::from(*want) == port)
    }));
    Ok(())
}

/// Cilium's monitor message type of L7 (access log) events.
const MESSAGE_TYPE_ACCESS_LOG: i32 = 129;

/// As upstream: an HTTP field next to event types that exclude L7 is a mistake, not an empty
/// result.
fn require_l7_events(ff: &FlowFilter, what: &'static str) -> Result<(), FilterError> {
    if ff.event_type.is_empty() || ff.event_type.iter().any(|t| t.r#type == MESSAGE_TYPE_ACCESS_LOG)
    {
        Ok(())
    } else {
        Err(FilterError::NeedsL7(what))
    }
}

fn regexes(what: &'static str, patterns: &[String]) -> Result<Vec<regex::Regex>, FilterError> {
    patterns
        .iter()
        .map(|p| {
            regex::RegexBuilder::new(p)
                .size_limit(MAX_REGEX_BYTES)
                .build()
                .map_err(|e| FilterError::Regex(what, p.clone(), e.to_string()))
        })
        .collect()
}

fn http(f: &Flow) -> Option<&super::proto::flow::Http> {
    match f.l7.as_ref()?.record.as_ref()? {
        super::proto::flow::layer7::Record::Http(h) => Some(h),
        _ => None,
    }
}

fn dns(f: &Flow) -> Option<&super::proto::flow::Dns> {
    match f.l7.as_ref()?.record.as_ref()? {
        super::proto::flow::layer7::Record::Dns(d) => Some(d),
        _ => None,
    }
}

/// HTTP method (case-insensitive), path and URL (regular expressions) and headers (exact
/// key and value), with upstream's semantics.
fn http_filters(p: &mut Vec<Pred>, ff: &FlowFilter) -> Result<(), FilterError> {
    if !ff.http_method.is_empty() {
        require_l7_events(ff, "http method")?;
        let methods = ff.http_method.clone();
        p.push(Box::new(move |f| {
            http(f).is_some_and(|h| {
                !h.method.is_empty() && methods.iter().any(|m| m.eq_ignore_ascii_case(&h.method))
            })
        }));
    }
    if !ff.http_path.is_empty() {
        require_l7_events(ff, "http path")?;
        let paths = regexes("http path", &ff.http_path)?;
        p.push(Box::new(move |f| {
            http(f)
                .and_then(|h| request_path(&h.url))
                .is_some_and(|path| paths.iter().any(|r| r.is_match(&path)))
        }));
    }
    if !ff.http_url.is_empty() {
        require_l7_events(ff, "http url")?;
        let urls = regexes("http url", &ff.http_url)?;
        p.push(Box::new(move |f| {
            http(f).is_some_and(|h| !h.url.is_empty() && urls.iter().any(|r| r.is_match(&h.url)))
        }));
    }
    if !ff.http_header.is_empty() {
        require_l7_events(ff, "http header")?;
        let want: Vec<(String, String)> =
            ff.http_header.iter().map(|h| (h.key.clone(), h.value.clone())).collect();
        p.push(Box::new(move |f| {
            http(f).is_some_and(|h| {
                h.headers
                    .iter()
                    .any(|have| want.iter().any(|(k, v)| *k == have.key && *v == have.value))
            })
        }));
    }
    Ok(())
}

/// The decoded path of a request URI (`http://host/a%20b?q` or `/a%20b?q` -> `/a b`); `None`
/// for what is not a request URI, which no path filter matches.
fn request_path(url: &str) -> Option<String> {
    // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    let is_scheme = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    };
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => {
            // The authority ends at the path, the query or the fragment.
            match rest.find(['/', '?', '#']) {
                Some(i) if rest[i..].starts_with('/') => &rest[i..],
                _ => "",
            }
        }
        _ if url.starts_with('/') => url,
        _ => return None,
    };
    let raw = rest.split(['?', '#']).next().unwrap_or("");
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn event_type_matches(t: &EventTypeFilter, f: &Flow) -> bool {
    let Some(et) = f.event_type.as_ref() else { return false };
    et.r#type == t.r#type && (!t.match_sub_type || et.sub_type == t.sub_type)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Tcp,
    Udp,
    Sctp,
    Icmp,
    IcmpV4,
    IcmpV6,
    Vrrp,
    Igmp,
    Dns,
    Http,
    Kafka,
}

fn parse_protocol(s: &str) -> Result<Proto, FilterError> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        "sctp" => Proto::Sctp,
        "icmp" => Proto::Icmp,
        "icmpv4" => Proto::IcmpV4,
        "icmpv6" => Proto::IcmpV6,
        "vrrp" => Proto::Vrrp,
        "igmp" => Proto::Igmp,
        "dns" => Proto::Dns,
        "http" => Proto::Http,
        "kafka" => Proto::Kafka,
        _ => return Err(FilterError::Protocol(s.to_string())),
    })
}

fn protocol_matches(want: Proto, f: &Flow) -> bool {
    use super::proto::flow::layer7::Record;
    let l4 = f.l4.as_ref().and_then(|l| l.protocol.as_ref());
    let l7 = f.l7.as_ref().and_then(|l| l.record.as_ref());
    match want {
        Proto::Tcp => matches!(l4, Some(layer4::Protocol::Tcp(_))),
        Proto::Udp => matches!(l4, Some(layer4::Protocol::Udp(_))),
        Proto::Sctp => matches!(l4, Some(layer4::Protocol::Sctp(_))),
        Proto::Icmp => {
            matches!(l4, Some(layer4::Protocol::IcmPv4(_) | layer4::Protocol::IcmPv6(_)))
        }
        Proto::IcmpV4 => matches!(l4, Some(layer4::Protocol::IcmPv4(_))),
        Proto::IcmpV6 => matches!(l4, Some(layer4::Protocol::IcmPv6(_))),
        Proto::Vrrp => matches!(l4, Some(layer4::Protocol::Vrrp(_))),
        Proto::Igmp => matches!(l4, Some(layer4::Protocol::Igmp(_))),
        Proto::Dns => matches!(l7, Some(Record::Dns(_))),
        Proto::Http => matches!(l7, Some(Record::Http(_))),
        Proto::Kafka => false,
    }
}

fn parse_status(s: &str) -> Result<(u32, u32), FilterError> {
    let bad = || FilterError::HttpStatus(s.to_string());
    if let Some(d) = s.strip_suffix('+') {
        // "5+" is every 5xx, "40+" every 40x.
        if d.is_empty() || d.len() > 2 || !d.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let scale = 10u32.pow(3 - d.len() as u32);
        let lo: u32 = d.parse().map_err(|_| bad())?;
        if lo == 0 || (d.len() == 1 && lo > 5) {
            return Err(bad());
        }
        return Ok((lo * scale, lo * scale + scale - 1));
    }
    match s.parse::<u32>() {
        Ok(c) if (100..=599).contains(&c) && s.len() == 3 => Ok((c, c)),
        _ => Err(bad()),
    }
}

fn flag_bits(t: TcpFlags) -> u16 {
    [t.fin, t.syn, t.rst, t.psh, t.ack, t.urg, t.ece, t.cwr, t.ns]
        .iter()
        .enumerate()
        .fold(0, |acc, (i, set)| if *set { acc | 1 << i } else { acc })
}

/// A name pattern: `*` matches within one dot-separated label, as Hubble's name patterns do.
/// Compiled into a regular expression, whose matching is linear in the name whatever the
/// pattern (a backtracking matcher takes exponential time, and recursion depth, in the stars).
struct Glob(regex::Regex);

impl Glob {
    fn new(pat: &str) -> Result<Glob, FilterError> {
        let mut re = String::with_capacity(pat.len() + 8);
        re.push('^');
        // Consecutive stars are one star.
        for (i, part) in pat.split('*').enumerate() {
            if i > 0 && !re.ends_with("[^.]*") {
                re.push_str("[^.]*");
            }
            re.push_str(&regex::escape(part));
        }
        re.push('$');
        regex::RegexBuilder::new(&re)
            .size_limit(MAX_REGEX_BYTES)
            .build()
            .map(Glob)
            .map_err(|e| FilterError::Regex("name pattern", pat.to_string(), e.to_string()))
    }

    fn matches(&self, s: &str) -> bool {
        self.0.is_match(s)
    }
}

/// `node`, `cluster/node` or `cluster/` patterns, against `cluster/node` names (a bare name is
/// in cluster `default`).
struct NodePattern {
    cluster: Option<Glob>,
    node: Option<Glob>,
}

impl NodePattern {
    fn new(pat: &str) -> Result<NodePattern, FilterError> {
        Ok(match pat.split_once('/') {
            Some((pc, pn)) => NodePattern {
                cluster: Some(Glob::new(pc)?),
                node: (!pn.is_empty()).then(|| Glob::new(pn)).transpose()?,
            },
            None => NodePattern { cluster: None, node: Some(Glob::new(pat)?) },
        })
    }

    fn matches(&self, name: &str) -> bool {
        let (cluster, node) = name.split_once('/').unwrap_or(("default", name));
        self.cluster.as_ref().is_none_or(|c| c.matches(cluster))
            && self.node.as_ref().is_none_or(|n| n.matches(node))
    }
}

#[cfg(test)]
fn node_name_matches(pat: &str, name: &str) -> bool {
    NodePattern::new(pat).is_ok_and(|p| p.matches(name))
}

/// One requirement of a label selector.
#[derive(Debug, Clone)]
enum Req {
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

/// Parses Kubernetes-style label selectors over Cilium labels: keys without a `source:` prefix
/// match any source (`app=web` matches `k8s:app=web`).
fn parse_selector(s: &str) -> Result<Vec<Req>, FilterError> {
    let err = |why| FilterError::Selector(s.to_string(), why);
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    let key = |k: &str| -> Result<String, FilterError> {
        let k = k.trim();
        if k.is_empty() || k.contains(char::is_whitespace) {
            return Err(err("empty or malformed key"));
        }
        Ok(if k.contains(':') { k.to_string() } else { format!("any:{k}") })
    };
    let set = |v: &str| -> Result<Vec<String>, FilterError> {
        let v = v.trim();
        let inner = v
            .strip_prefix('(')
            .and_then(|v| v.strip_suffix(')'))
            .ok_or_else(|| err("expected a parenthesized set"))?;
        Ok(inner.split(',').map(|x| x.trim().to_string()).collect())
    };
    let mut reqs = Vec::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            return Err(err("empty requirement"));
        }
        if let Some(k) = part.strip_prefix('!') {
            reqs.push(Req::NotExists(key(k)?));
        } else if let Some((k, v)) = part.split_once("!=") {
            reqs.push(Req::NotIn(key(k)?, vec![v.trim().to_string()]));
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            reqs.push(Req::In(key(k)?, vec![v.trim().to_string()]));
        } else if let Some((k, v)) = part.split_once(" notin ") {
            reqs.push(Req::NotIn(key(k)?, set(v)?));
        } else if let Some((k, v)) = part.split_once(" in ") {
            reqs.push(Req::In(key(k)?, set(v)?));
        } else {
            reqs.push(Req::Exists(key(part)?));
        }
    }
    Ok(reqs)
}

/// Looks `key` (`source:name`, where source `any` matches every source) up in Cilium labels
/// (`source:name=value`).
fn label_value<'a>(labels: &'a [String], key: &str) -> Option<&'a str> {
    let (ksrc, kname) = key.split_once(':').unwrap_or(("any", key));
    labels.iter().find_map(|l| {
        let (kv_src, kv) = l.split_once(':').unwrap_or(("unspec", l.as_str()));
        let (name, value) = kv.split_once('=').unwrap_or((kv, ""));
        (name == kname && (ksrc == "any" || ksrc == kv_src)).then_some(value)
    })
}

fn selector_matches(reqs: &[Req], labels: &[String]) -> bool {
    reqs.iter().all(|r| match r {
        Req::Exists(k) => label_value(labels, k).is_some(),
        Req::NotExists(k) => label_value(labels, k).is_none(),
        Req::In(k, vs) => label_value(labels, k).is_some_and(|v| vs.iter().any(|x| x == v)),
        Req::NotIn(k, vs) => label_value(labels, k).is_none_or(|v| !vs.iter().any(|x| x == v)),
    })
}

fn label_filter(
    p: &mut Vec<Pred>,
    list: &[String],
    get: fn(&Flow) -> Option<&[String]>,
) -> Result<(), FilterError> {
    if list.is_empty() {
        return Ok(());
    }
    let mut sels = Vec::new();
    for s in list {
        sels.push(parse_selector(s)?);
    }
    p.push(Box::new(move |f| {
        let labels = get(f).unwrap_or_default();
        sels.iter().any(|s| selector_matches(s, labels))
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hubble::proto::flow::{CiliumEventType, Ip, Layer4, Tcp, TrafficDirection, Verdict};

    fn flow() -> Flow {
        Flow {
            uuid: "u-1".into(),
            verdict: Verdict::Forwarded as i32,
            ip: Some(Ip {
                source: "192.168.1.10".into(),
                destination: "192.168.1.11".into(),
                ip_version: 1,
                ..Default::default()
            }),
            l4: Some(Layer4 {
                protocol: Some(layer4::Protocol::Tcp(Tcp {
                    source_port: 54321,
                    destination_port: 8080,
                    flags: Some(TcpFlags { syn: true, ..Default::default() }),
                })),
            }),
            source: Some(Endpoint {
                identity: 1,
                labels: vec!["reserved:host".into()],
                ..Default::default()
            }),
            destination: Some(Endpoint {
                identity: 13_000,
                labels: vec!["unspec:cluster=vm-cluster".into(), "node:env=production".into()],
                ..Default::default()
            }),
            node_name: "vm-cluster/vm1".into(),
            event_type: Some(CiliumEventType { r#type: 4, sub_type: 11 }),
            traffic_direction: TrafficDirection::Egress as i32,
            is_reply: Some(pbjson_types::BoolValue { value: false }),
            ..Default::default()
        }
    }

    fn one(ff: FlowFilter) -> bool {
        FlowFilters::compile(&[ff], &[]).expect("compiles").matches(&flow())
    }

    #[test]
    fn empty_filters_pass_everything() {
        assert!(FlowFilters::compile(&[], &[]).expect("empty").matches(&flow()));
        assert!(one(FlowFilter::default()));
    }

    #[test]
    fn ips_exact_and_cidr() {
        let ip = |s: &str| FlowFilter { source_ip: vec![s.into()], ..Default::default() };
        assert!(one(ip("192.168.1.10")));
        assert!(one(ip("192.168.1.0/24")));
        assert!(!one(ip("192.168.1.11")));
        assert!(one(FlowFilter {
            destination_ip: vec!["10.0.0.1".into(), "192.168.1.11".into()],
            ..Default::default()
        }));
        assert_eq!(
            FlowFilters::compile(&[ip("nope")], &[]).err(),
            Some(FilterError::Ip("nope".into()))
        );
    }

    #[test]
    fn fields_and_within_a_filter_or_across_filters() {
        let both = FlowFilter {
            source_ip: vec!["192.168.1.10".into()],
            destination_port: vec!["9090".into()],
            ..Default::default()
        };
        assert!(!one(both.clone()));
        let port = FlowFilter { destination_port: vec!["8080".into()], ..Default::default() };
        assert!(FlowFilters::compile(&[both, port], &[]).expect("ok").matches(&flow()));
    }

    #[test]
    fn blacklist_removes() {
        let deny = FlowFilter { verdict: vec![Verdict::Forwarded as i32], ..Default::default() };
        assert!(
            !FlowFilters::compile(&[], std::slice::from_ref(&deny)).expect("ok").matches(&flow())
        );
        let allow = FlowFilter { source_port: vec!["54321".into()], ..Default::default() };
        assert!(!FlowFilters::compile(&[allow], &[deny]).expect("ok").matches(&flow()));
    }

    #[test]
    fn ports_protocols_flags() {
        assert!(one(FlowFilter { source_port: vec!["54321".into()], ..Default::default() }));
        assert!(
            FlowFilters::compile(
                &[FlowFilter { source_port: vec!["70000".into()], ..Default::default() }],
                &[]
            )
            .is_err()
        );
        assert!(one(FlowFilter { protocol: vec!["TCP".into()], ..Default::default() }));
        assert!(!one(FlowFilter {
            protocol: vec!["udp".into(), "icmp".into()],
            ..Default::default()
        }));
        assert!(
            FlowFilters::compile(
                &[FlowFilter { protocol: vec!["gopher".into()], ..Default::default() }],
                &[]
            )
            .is_err()
        );
        let flags = |syn, ack| FlowFilter {
            tcp_flags: vec![TcpFlags { syn, ack, ..Default::default() }],
            ..Default::default()
        };
        assert!(one(flags(true, false)));
        assert!(!one(flags(true, true)));
    }

    #[test]
    fn enums_identities_reply_event_types() {
        assert!(one(FlowFilter { traffic_direction: vec![2], ..Default::default() }));
        assert!(!one(FlowFilter { traffic_direction: vec![1], ..Default::default() }));
        assert!(!one(FlowFilter { verdict: vec![Verdict::Audit as i32], ..Default::default() }));
        assert!(one(FlowFilter { source_identity: vec![1], ..Default::default() }));
        assert!(!one(FlowFilter { destination_identity: vec![1], ..Default::default() }));
        assert!(one(FlowFilter { reply: vec![false], ..Default::default() }));
        assert!(!one(FlowFilter { reply: vec![true], ..Default::default() }));
        assert!(one(FlowFilter { ip_version: vec![1], ..Default::default() }));
        let et = |t, m, s| FlowFilter {
            event_type: vec![EventTypeFilter { r#type: t, match_sub_type: m, sub_type: s }],
            ..Default::default()
        };
        assert!(one(et(4, false, 0)));
        assert!(one(et(4, true, 11)));
        assert!(!one(et(4, true, 0)));
        assert!(!one(et(1, false, 0)));
    }

    #[test]
    fn label_selectors() {
        let sel = |s: &str| FlowFilter { destination_label: vec![s.into()], ..Default::default() };
        assert!(one(sel("env=production")));
        assert!(one(sel("node:env=production")));
        assert!(!one(sel("k8s:env=production")));
        assert!(one(sel("env in (staging, production),cluster")));
        assert!(!one(sel("env notin (production)")));
        assert!(one(sel("!app")));
        assert!(one(sel("env!=staging")));
        assert!(one(FlowFilter {
            source_label: vec!["reserved:host".into()],
            ..Default::default()
        }));
        assert!(FlowFilters::compile(&[sel("env in production")], &[]).is_err());
    }

    #[test]
    fn node_names_with_clusters_and_wildcards() {
        assert!(node_name_matches("vm1", "vm-cluster/vm1"));
        assert!(node_name_matches("vm*", "vm-cluster/vm1"));
        assert!(node_name_matches("vm-cluster/", "vm-cluster/vm1"));
        assert!(node_name_matches("vm-cluster/vm1", "vm-cluster/vm1"));
        assert!(!node_name_matches("other/", "vm-cluster/vm1"));
        assert!(node_name_matches("default/vm1", "vm1"));
        assert!(!node_name_matches("*.com", "a.b.com"));
        assert!(node_name_matches("*.b.com", "a.b.com"));
        // Linear whatever the stars: 50,000 of them compile and match at once, no recursion.
        let stars = format!("{}x", "*".repeat(50_000));
        assert!(NodePattern::new(&stars).is_ok());
        assert!(!node_name_matches(&stars, &"a".repeat(10_000)));
        assert!(node_name_matches(&"*a".repeat(50), &"a".repeat(60)));
        // Bounded requests: a clear error instead of work per flow.
        let many = vec![FlowFilter::default(); MAX_FILTERS + 1];
        assert!(matches!(FlowFilters::compile(&many, &[]), Err(FilterError::TooLarge(_))));
        let huge = FlowFilter { source_ip: vec!["10.0.0.1".into(); 10_000], ..Default::default() };
        assert!(matches!(FlowFilters::compile(&[huge], &[]), Err(FilterError::TooLarge(_))));
    }

    #[test]
    fn http_status_patterns() {
        assert_eq!(parse_status("404"), Ok((404, 404)));
        assert_eq!(parse_status("5+"), Ok((500, 599)));
        assert_eq!(parse_status("40+"), Ok((400, 409)));
        assert!(parse_status("7+").is_err());
        assert!(parse_status("abc").is_err());
    }

    #[test]
    fn cel_is_refused_not_ignored() {
        let ff = FlowFilter {
            experimental: Some(crate::hubble::proto::flow::flow_filter::Experimental {
                cel_expression: vec!["true".into()],
            }),
            ..Default::default()
        };
        assert!(matches!(FlowFilters::compile(&[ff], &[]), Err(FilterError::Unsupported(_))));
    }

    fn l7_flow() -> Flow {
        use crate::hubble::proto::flow::{Http, HttpHeader, Layer7, layer7};
        Flow {
            l7: Some(Layer7 {
                r#type: 1,
                record: Some(layer7::Record::Http(Http {
                    code: 200,
                    method: "GET".into(),
                    url: "http://192.168.1.11:8080/api/v1%2Fitems?id=7".into(),
                    protocol: "HTTP/1.1".into(),
                    headers: vec![HttpHeader { key: "x-user".into(), value: "alice".into() }],
                })),
                ..Default::default()
            }),
            event_type: Some(CiliumEventType { r#type: MESSAGE_TYPE_ACCESS_LOG, sub_type: 0 }),
            ..flow()
        }
    }

    fn l7(ff: FlowFilter) -> bool {
        FlowFilters::compile(&[ff], &[]).expect("compiles").matches(&l7_flow())
    }

    #[test]
    fn http_fields_match_their_values_not_just_the_type() {
        let method = |m: &str| FlowFilter { http_method: vec![m.into()], ..Default::default() };
        assert!(l7(method("get")), "case-insensitive, as upstream");
        assert!(!l7(method("POST")));
        assert!(!one(method("GET")), "an L3/L4 flow has no method");
        let path = |p: &str| FlowFilter { http_path: vec![p.into()], ..Default::default() };
        assert!(l7(path("^/api/v1/items$")), "the decoded path, without the query");
        assert!(!l7(path("id=7")));
        let url = |u: &str| FlowFilter { http_url: vec![u.into()], ..Default::default() };
        assert!(l7(url(r"id=\d+$")));
        assert!(!l7(url("^https://")));
        let header = |k: &str, v: &str| FlowFilter {
            http_header: vec![crate::hubble::proto::flow::HttpHeader {
                key: k.into(),
                value: v.into(),
            }],
            ..Default::default()
        };
        assert!(l7(header("x-user", "alice")));
        assert!(!l7(header("x-user", "bob")));
        assert!(matches!(
            FlowFilters::compile(&[path("(")], &[]),
            Err(FilterError::Regex("http path", _, _))
        ));
        let trace_only = FlowFilter {
            event_type: vec![EventTypeFilter { r#type: 4, ..Default::default() }],
            ..method("GET")
        };
        assert_eq!(
            FlowFilters::compile(&[trace_only], &[]).err(),
            Some(FilterError::NeedsL7("http method"))
        );
    }

    #[test]
    fn dns_queries_and_ip_trace_ids() {
        use crate::hubble::proto::flow::{Dns, IpTraceId, Layer7, layer7};
        let dns = Flow {
            l7: Some(Layer7 {
                record: Some(layer7::Record::Dns(Dns {
                    query: "db.vm-cluster.example.".into(),
                    ..Default::default()
                })),
                ..Default::default()
            }),
            ip_trace_id: Some(IpTraceId { trace_id: 42, ip_option_type: 136 }),
            ..flow()
        };
        let q = |s: &str| FlowFilter { dns_query: vec![s.into()], ..Default::default() };
        let m = |ff| FlowFilters::compile(&[ff], &[]).expect("compiles").matches(&dns);
        assert!(m(q(r"^db\.")));
        assert!(!m(q("^web")));
        assert!(!one(q(".*")), "no DNS record, no match");
        assert!(m(FlowFilter { ip_trace_id: vec![42], ..Default::default() }));
        assert!(!m(FlowFilter { ip_trace_id: vec![7], ..Default::default() }));
    }

    #[test]
    fn request_paths() {
        assert_eq!(request_path("/a%20b?x=1").as_deref(), Some("/a b"));
        assert_eq!(request_path("http://h:80").as_deref(), Some(""));
        assert_eq!(request_path("http://h/x#frag").as_deref(), Some("/x"));
        assert_eq!(request_path("relative/path"), None);
        assert_eq!(request_path("/bad%zz"), None);
        assert_eq!(request_path("foo?x=http://bar"), None, "not a scheme");
        assert_eq!(request_path("http://h?x=/y").as_deref(), Some(""), "the query is no path");
    }
}
