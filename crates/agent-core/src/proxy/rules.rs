//! The proxy's policy: the realized allows of every port with HTTP rules, with their patterns
//! compiled once per policy change, and the decision for one request.

use std::sync::Arc;

use crate::policy::parse::http_regex;
use crate::policy::resolve::{L7Entry, MapState};
use crate::policy::types::HttpRule;

/// A compiled `rules.http` entry.
#[derive(Debug)]
struct Compiled {
    method: Option<Pattern>,
    path: Option<Pattern>,
    host: Option<Pattern>,
    headers: Vec<(hyper::header::HeaderName, Option<String>)>,
}

/// A rule's pattern, matched against a whole value. Most are plain text (`GET`, `/public`):
/// anchored, such a regular expression matches that text and nothing else, so it is compared
/// as text, which costs a request a fraction of a regular expression's search.
#[derive(Debug)]
enum Pattern {
    Text(String),
    Regex(regex::Regex),
}

impl Pattern {
    fn new(p: &str) -> Result<Pattern, ()> {
        // Compiled in any case: the same limits apply to both forms.
        let re = http_regex(p).map_err(|_| ())?;
        Ok(if regex::escape(p) == p { Pattern::Text(p.to_string()) } else { Pattern::Regex(re) })
    }

    fn is_match(&self, v: &str) -> bool {
        match self {
            Pattern::Text(t) => t == v,
            Pattern::Regex(r) => r.is_match(v),
        }
    }
}

/// One allow of a redirected port.
#[derive(Debug)]
struct Entry {
    identity: u32,
    direction: u8,
    start: u16,
    end: u16,
    /// `None`: an L4 allow, every request passes.
    http: Option<Vec<Compiled>>,
    rule_id: u32,
}

/// What the proxy decides requests by; replaced as a whole on every policy change.
#[derive(Debug, Default)]
pub struct L7Policy {
    entries: Vec<Entry>,
    /// Policy names by rule id (id 1 is index 0), for flows.
    rules: Vec<String>,
    /// The L4 policy, for connections the proxy still holds on a port that has no HTTP rules
    /// any more (the policy changed under them): they get what L4 says.
    l4: MapState,
}

/// The parts of a request the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// Method.
    pub method: &'a str,
    /// Path with its query (Envoy's `:path`).
    pub path: &'a str,
    /// `Host` header, or the URI's authority.
    pub host: &'a str,
    /// Headers.
    pub headers: &'a hyper::HeaderMap,
}

impl Compiled {
    /// A rule whose pattern does not compile matches nothing (the parser refuses such rules;
    /// this only guards against a state written by something else).
    fn new(r: &HttpRule) -> Option<Compiled> {
        let re = |p: &Option<String>| -> Result<Option<Pattern>, ()> {
            p.as_deref().map(Pattern::new).transpose()
        };
        let headers = r
            .headers
            .iter()
            .map(|h| {
                hyper::header::HeaderName::from_bytes(h.name.as_bytes())
                    .map(|n| (n, h.value.clone()))
                    .map_err(|_| ())
            })
            .collect::<Result<Vec<_>, ()>>()
            .ok()?;
        Some(Compiled {
            method: re(&r.method).ok()?,
            path: re(&r.path).ok()?,
            host: re(&r.host).ok()?,
            headers,
        })
    }

    fn matches(&self, req: &RequestView<'_>) -> bool {
        let field = |p: &Option<Pattern>, v: &str| p.as_ref().is_none_or(|p| p.is_match(v));
        field(&self.method, req.method)
            && field(&self.path, req.path)
            && field(&self.host, req.host)
            && self.headers.iter().all(|(name, value)| {
                let mut present = req.headers.get_all(name).iter();
                match value {
                    None => present.next().is_some(),
                    Some(v) => present.any(|h| h.as_bytes() == v.as_bytes()),
                }
            })
    }
}

impl L7Policy {
    /// The proxy's view of a realized policy.
    pub fn new(state: &MapState) -> L7Policy {
        let entries = state
            .l7
            .iter()
            .map(|e: &L7Entry| Entry {
                identity: e.identity,
                direction: e.direction,
                start: e.start,
                end: e.end,
                http: e.http.as_ref().map(|rules| rules.iter().filter_map(Compiled::new).collect()),
                rule_id: e.rule_id,
            })
            .collect();
        let l4 = MapState {
            entries: state.entries.clone(),
            enforce_ingress: state.enforce_ingress,
            enforce_egress: state.enforce_egress,
            ..Default::default()
        };
        L7Policy { entries, rules: state.rules.clone(), l4 }
    }

    /// Shared, for the proxy's connections.
    pub fn shared(state: &MapState) -> Arc<L7Policy> {
        Arc::new(L7Policy::new(state))
    }

    /// `Ok(rule_id)` of the allow that lets the request from `identity` to `port` pass, or
    /// `Err(rule_id)` of a redirected allow it failed. A port without HTTP rules (the policy
    /// changed since the datapath redirected the connection) gets the L4 verdict.
    /// An L4 allow of the port, for the peer or for any, lets every request through, as
    /// Cilium's wildcard does.
    pub fn decide(
        &self,
        identity: u32,
        direction: u8,
        port: u16,
        req: &RequestView<'_>,
    ) -> Result<u32, u32> {
        let applies = |e: &&Entry| {
            e.direction == direction
                && (e.identity == 0 || e.identity == identity)
                && e.start <= port
                && port <= e.end
        };
        if let Some(e) = self.entries.iter().filter(applies).find(|e| e.http.is_none()) {
            return Ok(e.rule_id);
        }
        if let Some(e) = self
            .entries
            .iter()
            .filter(applies)
            .find(|e| e.http.as_ref().is_some_and(|h| h.iter().any(|c| c.matches(req))))
        {
            return Ok(e.rule_id);
        }
        let port_has_rules = self.entries.iter().any(|e| {
            e.http.is_some() && e.direction == direction && e.start <= port && port <= e.end
        });
        if port_has_rules {
            return Err(self.entries.iter().find(applies).map_or(0, |e| e.rule_id));
        }
        match self.l4.verdict(identity, direction, 6, port) {
            (crate::policy::resolve::Verdict::Allow, v) => Ok(v.map_or(0, |v| v.rule_id)),
            (_, v) => Err(v.map_or(0, |v| v.rule_id)),
        }
    }

    /// The policy name of a rule id.
    pub fn rule_name(&self, rule_id: u32) -> Option<&str> {
        rule_id.checked_sub(1).and_then(|i| self.rules.get(i as usize)).map(String::as_str)
    }

    /// Ports that have HTTP rules, as (direction, first, last), for `cilium status`.
    pub fn redirects(&self) -> Vec<(u8, u16, u16)> {
        let mut out: Vec<(u8, u16, u16)> = self
            .entries
            .iter()
            .filter(|e| e.http.is_some())
            .map(|e| (e.direction, e.start, e.end))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The policy in effect, as the agent replaces it and the proxy reads it for every request.
/// Each connection keeps the policy it last read with its [`PolicyCell::generation`], and
/// reads the policy again only when that changed: reading a shared counter costs the proxy's
/// threads nothing, where taking a lock and a reference for each request made them fight
/// over the same cache lines.
#[derive(Debug, Default)]
pub struct PolicyCell {
    current: std::sync::RwLock<Arc<L7Policy>>,
    generation: std::sync::atomic::AtomicU64,
}

impl PolicyCell {
    /// A cell holding `policy`.
    pub fn new(policy: Arc<L7Policy>) -> PolicyCell {
        PolicyCell { current: std::sync::RwLock::new(policy), ..Default::default() }
    }

    /// The policy now.
    pub fn get(&self) -> Arc<L7Policy> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the policy; connections read it before their next request.
    pub fn set(&self, policy: Arc<L7Policy>) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = policy;
        // After the write: whoever sees the new generation reads the new policy.
        self.generation.fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// Changes with every [`PolicyCell::set`].
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn text_patterns_match_exactly_what_their_regular_expression_would() {
        let values = ["GET", "get", "GETX", "", "/public", "/public/", "/publicx", "/public?a=1"];
        let values = values.iter().chain(&["a.b", "axb", "/api/v1", "/api/v12", "x y", "é"]);
        for p in ["GET", "/public", "", "x y", "é", "/api/v1", "a.b", "/api/v[0-9]+", "GET|POST"] {
            let pattern = Pattern::new(p).expect("valid");
            let text = regex::escape(p) == p;
            assert_eq!(matches!(pattern, Pattern::Text(_)), text, "{p}");
            let re = crate::policy::parse::http_regex(p).expect("valid");
            for v in values.clone() {
                assert_eq!(pattern.is_match(v), re.is_match(v), "{p:?} against {v:?}");
            }
        }
        assert!(Pattern::new("(").is_err());
    }
}
