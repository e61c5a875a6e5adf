//! Checks one raw value against its key's kind and turns it into a typed value.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use super::keys::{KeyDef, Kind};
use crate::yaml::{self, Node, Value};

/// A value that passed its kind's checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    /// A boolean.
    Bool(bool),
    /// A string, path, enum word or listen address.
    Str(String),
    /// An unsigned integer.
    Uint(u64),
    /// A float.
    Float(f64),
    /// A duration.
    Duration(Duration),
    /// A list of strings.
    List(Vec<String>),
    /// The nodes list.
    Nodes(Vec<NodeEntry>),
    /// A string map.
    Map(BTreeMap<String, String>),
    /// Uninterpreted data.
    Opaque(serde_json::Value),
}

/// One entry of `nodes:`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NodeEntry {
    /// The node's IP.
    pub ip: IpAddr,
    /// Its name, when the config gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where its WireGuard packets go when that is not `ip`: the public address in front of a
    /// VM behind 1:1 NAT. The node may also claim `ip` when it announces itself from there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<IpAddr>,
}

/// Like [`check`], with every problem and the position of the value it is in: each bad
/// element of a list is reported at its own line.
pub fn check_all(def: &KeyDef, node: &Node) -> Result<Typed, Vec<(yaml::Pos, String)>> {
    let elements = match (&def.kind, &node.value) {
        (Kind::List, Value::Seq(items)) => Some(
            items
                .iter()
                .map(|n| (n.pos, scalar(n).map(|s| Typed::Str(s.to_string()))))
                .collect::<Vec<_>>(),
        ),
        (Kind::Nodes, Value::Seq(items)) => Some(
            items.iter().map(|n| (n.pos, node_entry(n).map(|e| Typed::Nodes(vec![e])))).collect(),
        ),
        _ => None,
    };
    if let Some(elements) = elements {
        let bad: Vec<(yaml::Pos, String)> = elements
            .iter()
            .filter_map(|(pos, r)| r.as_ref().err().map(|e| (*pos, e.clone())))
            .collect();
        if !bad.is_empty() {
            return Err(bad);
        }
    }
    check(def, node).map_err(|e| vec![(node.pos, e)])
}

/// Checks `node` against `def`; the error text says what was expected and what was found.
pub fn check(def: &KeyDef, node: &Node) -> Result<Typed, String> {
    match def.kind {
        Kind::Bool => match scalar(node)?.to_ascii_lowercase().as_str() {
            "true" => Ok(Typed::Bool(true)),
            "false" => Ok(Typed::Bool(false)),
            other => Err(format!("expected true or false, found `{other}`")),
        },
        Kind::Str | Kind::Path => {
            let s = scalar(node)?;
            if def.kind == Kind::Path && !s.starts_with('/') {
                return Err(format!("expected an absolute path, found `{s}`"));
            }
            Ok(Typed::Str(s.to_string()))
        }
        Kind::Enum(words) => {
            let s = scalar(node)?;
            if words.contains(&s) {
                Ok(Typed::Str(s.to_string()))
            } else {
                Err(format!("expected one of {}, found `{s}`", words.join(", ")))
            }
        }
        Kind::Uint { min, max } => {
            let s = scalar(node)?;
            match s.parse::<u64>() {
                Ok(v) if (min..=max).contains(&v) => Ok(Typed::Uint(v)),
                _ => Err(format!("expected an integer from {min} to {max}, found `{s}`")),
            }
        }
        Kind::Float { min, max } => {
            let s = scalar(node)?;
            match s.parse::<f64>() {
                Ok(v) if v >= min && v <= max => Ok(Typed::Float(v)),
                _ => Err(format!("expected a number from {min} to {max}, found `{s}`")),
            }
        }
        Kind::Duration { min_ms } => {
            let s = scalar(node)?;
            let d = parse_duration(s).ok_or_else(|| {
                format!("expected a duration such as 10s, 5m or 12h, found `{s}`")
            })?;
            if d < Duration::from_millis(min_ms) {
                return Err(format!(
                    "must be at least {}, found `{s}`",
                    format_duration(Duration::from_millis(min_ms))
                ));
            }
            Ok(Typed::Duration(d))
        }
        Kind::ListenAddr => {
            let s = scalar(node)?;
            parse_listen_addr(s).map(|_| Typed::Str(s.to_string()))
        }
        Kind::List => {
            let items = seq(node)?;
            items
                .iter()
                .map(|n| scalar(n).map(str::to_string))
                .collect::<Result<_, _>>()
                .map(Typed::List)
        }
        Kind::Nodes => {
            seq(node)?.iter().map(node_entry).collect::<Result<_, _>>().map(Typed::Nodes)
        }
        Kind::Map => {
            let Value::Map(entries) = &node.value else {
                return if node.is_null() {
                    Ok(Typed::Map(BTreeMap::new()))
                } else {
                    Err(format!("expected a mapping, found {}", node.kind()))
                };
            };
            entries
                .iter()
                .map(|e| scalar(&e.value).map(|v| (e.key.clone(), v.to_string())))
                .collect::<Result<_, _>>()
                .map(Typed::Map)
        }
        Kind::Opaque => Ok(Typed::Opaque(yaml::to_json(node))),
    }
}

fn scalar(node: &Node) -> Result<&str, String> {
    match &node.value {
        Value::Scalar { text, .. } => Ok(text),
        _ => Err(format!("expected a single value, found {}", node.kind())),
    }
}

fn seq(node: &Node) -> Result<&[Node], String> {
    match &node.value {
        Value::Seq(items) => Ok(items),
        _ if node.is_null() => Ok(&[]),
        _ => Err(format!("expected a list, found {}", node.kind())),
    }
}

fn node_entry(node: &Node) -> Result<NodeEntry, String> {
    let parse_ip = |s: &str| {
        s.parse::<IpAddr>().map_err(|_| format!("expected an IP address in `nodes`, found `{s}`"))
    };
    match &node.value {
        Value::Scalar { text, .. } => {
            Ok(NodeEntry { ip: parse_ip(text)?, name: None, endpoint: None })
        }
        Value::Map(entries) => {
            let mut ip = None;
            let mut name = None;
            let mut endpoint = None;
            for e in entries {
                match e.key.as_str() {
                    "ip" | "address" => ip = Some(parse_ip(scalar(&e.value)?)?),
                    "name" => name = Some(scalar(&e.value)?.to_string()),
                    "endpoint" => endpoint = Some(endpoint_ip(scalar(&e.value)?)?),
                    other => {
                        return Err(format!(
                            "unknown key `{other}` in a node entry (expected ip, name, endpoint)"
                        ));
                    }
                }
            }
            let ip = ip.ok_or_else(|| "a node entry needs `ip`".to_string())?;
            let endpoint = endpoint.filter(|e| *e != ip);
            Ok(NodeEntry { ip, name, endpoint })
        }
        Value::Seq(_) => {
            Err("expected an IP or {ip, name, endpoint} in `nodes`, found a list".into())
        }
    }
}

/// A WireGuard endpoint: a unicast address (the port is the node's WireGuard port).
pub fn endpoint_ip(s: &str) -> Result<IpAddr, String> {
    let ip: IpAddr = s.parse().map_err(|_| {
        if s.parse::<std::net::SocketAddr>().is_ok() {
            format!("`{s}`: an endpoint is an address without a port (WireGuard listens on 51871)")
        } else {
            format!("expected an IP address as the endpoint, found `{s}`")
        }
    })?;
    if ip.is_unspecified() || ip.is_multicast() || ip.is_loopback() {
        return Err(format!("`{s}` cannot be a WireGuard endpoint"));
    }
    Ok(ip)
}

/// Parses Go-style durations: a sequence of number+unit (`ns`, `us`, `ms`, `s`, `m`, `h`).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s == "0" {
        return Some(Duration::ZERO);
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (num, tail) = rest.split_at(num_end);
        let value: f64 = num.parse().ok()?;
        let unit_end = tail.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let secs = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += Duration::try_from_secs_f64(value * secs).ok()?;
        rest = tail;
    }
    Some(total)
}

/// Formats a duration the way Go does for whole units (`1h30m0s`, `10s`, `500ms`).
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

/// Parses `[host]:port`, `host:port` or `:port`; empty means "disabled".
pub fn parse_listen_addr(s: &str) -> Result<Option<(Option<IpAddr>, u16)>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || format!("expected [address]:port such as :4244 or 127.0.0.1:4244, found `{s}`");
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Ok(Some((None, port)));
    }
    let ip = if host == "localhost" {
        IpAddr::from([127, 0, 0, 1])
    } else {
        host.parse().map_err(|_| bad())?
    };
    Ok(Some((Some(ip), port)))
}

/// A compact rendering of a raw value for `--validate` and the API's configuration map.
pub fn display(node: &Node) -> String {
    match &node.value {
        Value::Scalar { text, .. } => text.clone(),
        _ => yaml::to_json(node).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keys;

    fn text(s: &str) -> Node {
        Node { pos: Default::default(), value: Value::Scalar { text: s.into(), plain: true } }
    }

    fn def(path: &str) -> &'static KeyDef {
        keys::lookup(path).expect("known key")
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("12h"), Some(Duration::from_secs(43200)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("10x"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m0s");
        assert_eq!(format_duration(Duration::from_secs(10)), "10s");
    }

    #[test]
    fn kinds_accept_and_refuse() {
        assert_eq!(check(def("prometheus.port"), &text("9962")), Ok(Typed::Uint(9962)));
        assert!(check(def("prometheus.port"), &text("99999")).unwrap_err().contains("1 to 65535"));
        assert_eq!(check(def("encryption.enabled"), &text("TRUE")), Ok(Typed::Bool(true)));
        assert!(
            check(def("encryption.enabled"), &text("yes")).unwrap_err().contains("true or false")
        );
        assert!(check(def("log.format"), &text("xml")).unwrap_err().contains("text, json"));
        assert!(
            check(def("healthChecking.interval"), &text("100ms"))
                .unwrap_err()
                .contains("at least 1s")
        );
        assert!(check(def("stateDir"), &text("relative")).unwrap_err().contains("absolute"));
        assert!(check(def("hubble.listenAddress"), &text("4244")).is_err());
        assert!(check(def("bpf.mapDynamicSizeRatio"), &text("2")).is_err());
    }

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen_addr(":4244"), Ok(Some((None, 4244))));
        assert_eq!(
            parse_listen_addr("[::1]:4244"),
            Ok(Some((Some("::1".parse().expect("ip")), 4244)))
        );
        assert_eq!(parse_listen_addr(""), Ok(None));
        assert!(parse_listen_addr("host:port").is_err());
    }

    #[test]
    fn nodes_entries() {
        let doc = yaml::parse_documents("- 192.168.1.10\n- {ip: 192.168.1.11, name: vm2}\n")
            .expect("yaml");
        let Typed::Nodes(n) = check(def("nodes"), &doc[0]).expect("valid") else { panic!("nodes") };
        assert_eq!(n[1].name.as_deref(), Some("vm2"));
        let doc = yaml::parse_documents("- 54.x.x.x\n").expect("yaml");
        assert!(check(def("nodes"), &doc[0]).unwrap_err().contains("54.x.x.x"));
    }
}
