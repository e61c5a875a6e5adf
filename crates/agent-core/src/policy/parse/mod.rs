//! Parses Cilium policy documents (YAML or JSON; one or many documents; a JSON list) into
//! [`Policy`] values. Every problem is reported, each with file, line, column and field path.
//! What we parse but cannot enforce (L7 kinds other than HTTP, FQDNs, services, ...) is
//! refused by name, never silently ignored.

use std::collections::BTreeMap;

use super::types::*;
use crate::yaml::{self, Entry, Node, Pos, Value};

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{}:{}: {path}: {message}", pos.line, pos.column)]
pub struct ParseError {
    /// The file (or `-` for standard input).
    pub file: String,
    /// Where.
    pub pos: Pos,
    /// Field path, e.g. `spec.ingress[0].toPorts[0].ports[0].port`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Annotation (or label) that puts one policy in audit mode.
pub const AUDIT_ANNOTATION: &str = "policy.cilium.io/audit-mode";

/// Service names accepted as `port:` values (VMs have no named container ports).
const PORT_NAMES: &[(&str, u16)] = &[
    ("ssh", 22),
    ("smtp", 25),
    ("dns", 53),
    ("domain", 53),
    ("http", 80),
    ("https", 443),
    ("postgresql", 5432),
    ("postgres", 5432),
    ("mysql", 3306),
    ("redis", 6379),
    ("ntp", 123),
];

/// Fields Cilium has that this agent cannot enforce, with the reason given to the operator.
const REFUSED: &[(&str, &str)] = &[
    ("toFQDNs", "DNS-based (FQDN) policy is not supported on this agent"),
    ("toServices", "service selectors need Kubernetes"),
    ("toGroups", "cloud provider groups are not supported"),
    ("fromGroups", "cloud provider groups are not supported"),
    ("fromRequires", "requirements are deprecated upstream and not supported"),
    ("toRequires", "requirements are deprecated upstream and not supported"),
    ("authentication", "mutual authentication is not supported on this agent"),
    ("dns", "DNS (L7) rules are not supported on this agent; HTTP rules are"),
    ("kafka", "Kafka (L7) rules are not supported on this agent; HTTP rules are"),
    ("l7proto", "generic L7 parsers are not supported on this agent; HTTP rules are"),
    ("l7", "generic L7 parsers are not supported on this agent; HTTP rules are"),
    ("serverNames", "TLS SNI matching needs a proxy, which this agent does not run"),
    ("listener", "Envoy listeners are not supported on this agent"),
    ("originatingTLS", "TLS interception needs a proxy, which this agent does not run"),
    ("terminatingTLS", "TLS interception needs a proxy, which this agent does not run"),
];

struct Ctx<'a> {
    file: &'a str,
    errors: Vec<ParseError>,
}

impl Ctx<'_> {
    fn err(&mut self, pos: Pos, path: &str, message: impl Into<String>) {
        self.errors.push(ParseError {
            file: self.file.to_string(),
            pos,
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// The entries of a mapping, after checking every key is known.
    fn map<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> Option<&'n [Entry]> {
        let Value::Map(entries) = &node.value else {
            if node.is_null() {
                return Some(&[]);
            }
            self.err(node.pos, path, format!("expected a mapping, found {}", node.kind()));
            return None;
        };
        for e in entries {
            if known.contains(&e.key.as_str()) {
                continue;
            }
            let field = join(path, &e.key);
            if let Some((_, why)) = REFUSED.iter().find(|(k, _)| *k == e.key) {
                self.err(e.key_pos, &field, format!("not supported: {why}"));
            } else {
                let hint = crate::suggest::closest(&e.key, known)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!(" (expected one of: {})", known.join(", ")));
                self.err(e.key_pos, &field, format!("unknown field `{}`{hint}", e.key));
            }
        }
        Some(entries)
    }

    fn list<'n>(&mut self, node: &'n Node, path: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.err(node.pos, path, format!("expected a list, found {}", node.kind()));
                &[]
            }
        }
    }

    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Scalar { text, .. } => Some(text.clone()),
            _ => {
                self.err(node.pos, path, format!("expected a string, found {}", node.kind()));
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.as_scalar() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => {
                self.err(node.pos, path, "expected true or false");
                None
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn get<'n>(entries: &'n [Entry], key: &str) -> Option<&'n Node> {
    entries.iter().find(|e| e.key == key).map(|e| &e.value)
}

/// Parses a policy file. `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Vec<Policy>, Vec<ParseError>> {
    let mut ctx = Ctx { file, errors: Vec::new() };
    let docs = match yaml::parse_documents(text) {
        Ok(d) => d,
        Err(e) => {
            ctx.err(e.pos, "", format!("invalid YAML: {}", e.message));
            return Err(ctx.errors);
        }
    };
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if doc.is_null() {
            continue;
        }
        match &doc.value {
            // A JSON (or YAML) list: of policy documents, or of bare rules as `cilium policy
            // import` took them.
            Value::Seq(items) => {
                for (j, item) in items.iter().enumerate() {
                    let path = format!("[{j}]");
                    if let Value::Map(e) = &item.value
                        && get(e, "apiVersion").is_some()
                    {
                        if let Some(p) = document(&mut ctx, item, &path) {
                            out.push(p);
                        }
                    } else if let Some(p) = bare_rule(&mut ctx, item, &path, file, j) {
                        out.push(p);
                    }
                }
            }
            _ => {
                let path = if docs.len() > 1 { format!("document[{i}]") } else { String::new() };
                if let Some(p) = document(&mut ctx, doc, &path) {
                    out.push(p);
                }
            }
        }
    }
    let mut names = BTreeMap::new();
    for p in &out {
        if names.insert(p.name.clone(), ()).is_some() {
            ctx.err(
                Pos::default(),
                "metadata.name",
                format!("policy `{}` is defined twice in this file", p.name),
            );
        }
    }
    if ctx.errors.is_empty() { Ok(out) } else { Err(ctx.errors) }
}

fn document(ctx: &mut Ctx, doc: &Node, path: &str) -> Option<Policy> {
    let entries =
        ctx.map(doc, path, &["apiVersion", "kind", "metadata", "spec", "specs", "status"])?;
    let api = get(entries, "apiVersion").and_then(Node::as_scalar);
    if api != Some("cilium.io/v2") {
        let pos = get(entries, "apiVersion").map_or(doc.pos, |n| n.pos);
        ctx.err(
            pos,
            &join(path, "apiVersion"),
            format!("expected cilium.io/v2, found {}", api.unwrap_or("nothing")),
        );
    }
    let kind = match get(entries, "kind").and_then(Node::as_scalar) {
        Some("CiliumNetworkPolicy") => PolicyKind::CiliumNetworkPolicy,
        Some("CiliumClusterwideNetworkPolicy") => PolicyKind::CiliumClusterwideNetworkPolicy,
        other => {
            let pos = get(entries, "kind").map_or(doc.pos, |n| n.pos);
            ctx.err(
                pos,
                &join(path, "kind"),
                format!(
                    "expected CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, found {}",
                    other.unwrap_or("nothing")
                ),
            );
            PolicyKind::CiliumNetworkPolicy
        }
    };
    let mut name = String::new();
    let mut labels = BTreeMap::new();
    let mut audit = false;
    match get(entries, "metadata") {
        Some(meta) => {
            let mpath = join(path, "metadata");
            if let Some(m) = ctx.map(
                meta,
                &mpath,
                &[
                    "name",
                    "namespace",
                    "labels",
                    "annotations",
                    "uid",
                    "resourceVersion",
                    "generation",
                    "creationTimestamp",
                ],
            ) {
                match get(m, "name") {
                    Some(n) => name = ctx.string(n, &join(&mpath, "name")).unwrap_or_default(),
                    None => ctx.err(meta.pos, &join(&mpath, "name"), "a policy needs a name"),
                }
                for key in ["labels", "annotations"] {
                    if let Some(l) = get(m, key) {
                        let kv = string_map(ctx, l, &join(&mpath, key));
                        if kv.get(AUDIT_ANNOTATION).is_some_and(|v| v == "true") {
                            audit = true;
                        }
                        if key == "labels" {
                            labels = kv;
                        }
                    }
                }
            }
        }
        None => ctx.err(doc.pos, &join(path, "metadata"), "a policy needs metadata.name"),
    }
    let mut rules = Vec::new();
    match (get(entries, "spec"), get(entries, "specs")) {
        (Some(s), None) => rules.extend(rule(ctx, s, &join(path, "spec"))),
        (None, Some(list)) => {
            let lpath = join(path, "specs");
            for (i, s) in ctx.list(list, &lpath).iter().enumerate() {
                rules.extend(rule(ctx, s, &format!("{lpath}[{i}]")));
            }
        }
        (Some(_), Some(s)) => {
            ctx.err(s.pos, &join(path, "specs"), "give either spec or specs, not both")
        }
        (None, None) => ctx.err(doc.pos, &join(path, "spec"), "a policy needs spec (or specs)"),
    }
    // What the cluster reports back (`status`) is not the operator's to apply: kept out of the
    // stored document, as the API server does.
    let mut source = yaml::to_json(doc);
    if let Some(obj) = source.as_object_mut() {
        obj.remove("status");
    }
    Some(Policy { name, kind, labels, audit, rules, source })
}

/// A rule without a document around it, as in `cilium policy import` JSON files.
fn bare_rule(ctx: &mut Ctx, node: &Node, path: &str, file: &str, index: usize) -> Option<Policy> {
    let mut name =
        format!("{}-{index}", file.rsplit('/').next().unwrap_or(file).trim_end_matches(".json"));
    if let Value::Map(e) = &node.value
        && let Some(l) = get(e, "labels")
    {
        for item in ctx.list(l, &join(path, "labels")).to_vec() {
            if let Value::Map(le) = &item.value
                && get(le, "key").and_then(Node::as_scalar) == Some("io.cilium.k8s.policy.name")
                && let Some(v) = get(le, "value").and_then(Node::as_scalar)
            {
                name = v.to_string();
            }
        }
    }
    let r = rule(ctx, node, path)?;
    Some(Policy {
        name,
        kind: PolicyKind::CiliumNetworkPolicy,
        labels: BTreeMap::new(),
        audit: false,
        rules: vec![r],
        source: yaml::to_json(node),
    })
}

const RULE_FIELDS: &[&str] = &[
    "description",
    "endpointSelector",
    "nodeSelector",
    "ingress",
    "egress",
    "ingressDeny",
    "egressDeny",
    "enableDefaultDeny",
    "labels",
];

fn rule(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Rule> {
    let entries = ctx.map(node, path, RULE_FIELDS)?;
    let description = get(entries, "description")
        .and_then(|n| ctx.string(n, &join(path, "description")))
        .unwrap_or_default();
    let subject = match (get(entries, "endpointSelector"), get(entries, "nodeSelector")) {
        (Some(s), None) => selector(ctx, s, &join(path, "endpointSelector")),
        (None, Some(s)) => selector(ctx, s, &join(path, "nodeSelector")),
        (Some(_), Some(n)) => {
            ctx.err(
                n.pos,
                &join(path, "nodeSelector"),
                "give either endpointSelector or nodeSelector, not both",
            );
            Selector::default()
        }
        (None, None) => {
            ctx.err(
                node.pos,
                path,
                "a rule needs endpointSelector or nodeSelector (`{}` selects every VM)",
            );
            Selector::default()
        }
    };
    let mut section = |key: &str, ingress: bool| {
        get(entries, key).map(|n| {
            let p = join(path, key);
            ctx.list(n, &p)
                .iter()
                .enumerate()
                .flat_map(|(i, r)| {
                    peer_rule(ctx, r, &format!("{p}[{i}]"), ingress, key.ends_with("Deny"))
                })
                .collect::<Vec<_>>()
        })
    };
    let ingress = section("ingress", true);
    let egress = section("egress", false);
    let ingress_deny = section("ingressDeny", true);
    let egress_deny = section("egressDeny", false);
    let (mut dd_in, mut dd_eg) = (true, true);
    if let Some(n) = get(entries, "enableDefaultDeny") {
        let p = join(path, "enableDefaultDeny");
        if let Some(e) = ctx.map(n, &p, &["ingress", "egress"]) {
            if let Some(v) = get(e, "ingress") {
                dd_in = ctx.boolean(v, &join(&p, "ingress")).unwrap_or(true);
            }
            if let Some(v) = get(e, "egress") {
                dd_eg = ctx.boolean(v, &join(&p, "egress")).unwrap_or(true);
            }
        }
    }
    Some(Rule {
        description,
        subject,
        ingress,
        egress,
        ingress_deny,
        egress_deny,
        default_deny_ingress: dd_in,
        default_deny_egress: dd_eg,
    })
}

fn string_map(ctx: &mut Ctx, node: &Node, path: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(entries) = ctx.map_any(node, path) {
        for e in entries {
            if let Some(v) = ctx.string(&e.value, &join(path, &e.key)) {
                out.insert(e.key.clone(), v);
            }
        }
    }
    out
}

impl Ctx<'_> {
    /// A mapping with any keys.
    fn map_any<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n [Entry]> {
        match &node.value {
            Value::Map(e) => Some(e),
            _ if node.is_null() => Some(&[]),
            _ => {
                self.err(node.pos, path, format!("expected a mapping, found {}", node.kind()));
                None
            }
        }
    }
}

fn selector(ctx: &mut Ctx, node: &Node, path: &str) -> Selector {
    let mut sel = Selector::default();
    let Some(entries) = ctx.map(node, path, &["matchLabels", "matchExpressions"]) else {
        return sel;
    };
    if let Some(ml) = get(entries, "matchLabels") {
        sel.match_labels = string_map(ctx, ml, &join(path, "matchLabels"));
    }
    if let Some(me) = get(entries, "matchExpressions") {
        let p = join(path, "matchExpressions");
        for (i, e) in ctx.list(me, &p).iter().enumerate() {
            let ep = format!("{p}[{i}]");
            let Some(fields) = ctx.map(e, &ep, &["key", "operator", "values"]) else { continue };
            let key = get(fields, "key").and_then(|n| ctx.string(n, &join(&ep, "key")));
            let op_node = get(fields, "operator");
            let operator = match op_node.and_then(Node::as_scalar) {
                Some("In") => Some(Operator::In),
                Some("NotIn") => Some(Operator::NotIn),
                Some("Exists") => Some(Operator::Exists),
                Some("DoesNotExist") => Some(Operator::DoesNotExist),
                other => {
                    ctx.err(
                        op_node.map_or(e.pos, |n| n.pos),
                        &join(&ep, "operator"),
                        format!(
                            "expected In, NotIn, Exists or DoesNotExist, found {}",
                            other.unwrap_or("nothing")
                        ),
                    );
                    None
                }
            };
            let values: Vec<String> = get(fields, "values")
                .map(|v| {
                    let vp = join(&ep, "values");
                    ctx.list(v, &vp)
                        .iter()
                        .enumerate()
                        .filter_map(|(j, n)| ctx.string(n, &format!("{vp}[{j}]")))
                        .collect()
                })
                .unwrap_or_default();
            match (key, operator) {
                (None, _) => ctx.err(e.pos, &join(&ep, "key"), "an expression needs a key"),
                (Some(key), Some(op)) => {
                    if matches!(op, Operator::In | Operator::NotIn) && values.is_empty() {
                        ctx.err(
                            e.pos,
                            &join(&ep, "values"),
                            "In and NotIn need at least one value",
                        );
                    }
                    sel.match_expressions.push(Expression { key, operator: op, values });
                }
                _ => {}
            }
        }
    }
    sel
}

/// One entry of a section: a peer rule, plus one more per `toPorts` entry with HTTP rules.
fn peer_rule(ctx: &mut Ctx, node: &Node, path: &str, ingress: bool, deny: bool) -> Vec<PeerRule> {
    let (endpoints, nodes, cidr, cidr_set, entities) = if ingress {
        ("fromEndpoints", "fromNodes", "fromCIDR", "fromCIDRSet", "fromEntities")
    } else {
        ("toEndpoints", "toNodes", "toCIDR", "toCIDRSet", "toEntities")
    };
    let known = [endpoints, nodes, cidr, cidr_set, entities, "toPorts", "icmps"];
    let Some(entries) = ctx.map(node, path, &known) else { return Vec::new() };
    let mut peers = Vec::new();
    for key in [endpoints, nodes] {
        if let Some(list) = get(entries, key) {
            let p = join(path, key);
            for (i, s) in ctx.list(list, &p).iter().enumerate() {
                peers.push(Peer::Endpoints(selector(ctx, s, &format!("{p}[{i}]"))));
            }
        }
    }
    if let Some(list) = get(entries, cidr) {
        let p = join(path, cidr);
        for (i, n) in ctx.list(list, &p).iter().enumerate() {
            let ip = format!("{p}[{i}]");
            if let Some(c) = ctx.string(n, &ip).and_then(|s| cidr_of(ctx, n, &ip, &s)) {
                peers.push(Peer::Cidr { cidr: c, except: Vec::new() });
            }
        }
    }
    if let Some(list) = get(entries, cidr_set) {
        let p = join(path, cidr_set);
        for (i, n) in ctx.list(list, &p).iter().enumerate() {
            let ip = format!("{p}[{i}]");
            let Some(f) = ctx.map(n, &ip, &["cidr", "except", "cidrGroupRef", "cidrGroupSelector"])
            else {
                continue;
            };
            if get(f, "cidrGroupRef").is_some() || get(f, "cidrGroupSelector").is_some() {
                ctx.err(
                    n.pos,
                    &ip,
                    "not supported: CIDR groups need Kubernetes; list the prefixes",
                );
                continue;
            }
            let Some(cn) = get(f, "cidr") else {
                ctx.err(n.pos, &join(&ip, "cidr"), "a CIDR set needs cidr");
                continue;
            };
            let Some(c) = ctx
                .string(cn, &join(&ip, "cidr"))
                .and_then(|s| cidr_of(ctx, cn, &join(&ip, "cidr"), &s))
            else {
                continue;
            };
            let mut except = Vec::new();
            if let Some(ex) = get(f, "except") {
                let ep = join(&ip, "except");
                for (j, en) in ctx.list(ex, &ep).iter().enumerate() {
                    let jp = format!("{ep}[{j}]");
                    if let Some(e) = ctx.string(en, &jp).and_then(|s| cidr_of(ctx, en, &jp, &s)) {
                        if !c.covers(&e) {
                            ctx.err(en.pos, &jp, format!("{e} is not inside {c}"));
                        }
                        except.push(e);
                    }
                }
            }
            peers.push(Peer::Cidr { cidr: c, except });
        }
    }
    if let Some(list) = get(entries, entities) {
        let p = join(path, entities);
        for (i, n) in ctx.list(list, &p).iter().enumerate() {
            let ip = format!("{p}[{i}]");
            let Some(s) = ctx.string(n, &ip) else { continue };
            match Entity::parse(&s) {
                Some(e) => peers.push(Peer::Entity(e)),
                None if s == "kube-apiserver" || s == "ingress" => {
                    ctx.err(n.pos, &ip, format!("not supported: the `{s}` entity needs Kubernetes"))
                }
                None => ctx.err(n.pos, &ip, format!(
                    "unknown entity `{s}` (expected all, world, host, remote-node, cluster, health, init or unmanaged)"
                )),
            }
        }
    }
    let mut ports = Vec::new();
    let mut l7 = Vec::new();
    if let Some(list) = get(entries, "toPorts") {
        let p = join(path, "toPorts");
        for (i, tp) in ctx.list(list, &p).iter().enumerate() {
            let tpp = format!("{p}[{i}]");
            let Some(f) = ctx.map(tp, &tpp, &["ports", "rules"]) else { continue };
            let Some(pl) = get(f, "ports") else {
                ctx.err(tp.pos, &join(&tpp, "ports"), "toPorts needs ports");
                continue;
            };
            let pp = join(&tpp, "ports");
            let mut these = Vec::new();
            for (j, port) in ctx.list(pl, &pp).iter().enumerate() {
                these.extend(port_protocol(ctx, port, &format!("{pp}[{j}]")));
            }
            match get(f, "rules").and_then(|r| l7_rules(ctx, r, &join(&tpp, "rules"), &these)) {
                Some(_) if deny => ctx.err(
                    tp.pos,
                    &join(&tpp, "rules"),
                    "L7 rules cannot be part of a deny rule (as in Cilium): deny the port at L4",
                ),
                Some(http) => {
                    let tcp = these.into_iter().filter(|r| r.protocol == Protocol::Tcp).collect();
                    l7.push((tcp, http));
                }
                None => ports.extend(these),
            }
        }
    }
    if let Some(list) = get(entries, "icmps") {
        let p = join(path, "icmps");
        for (i, ic) in ctx.list(list, &p).iter().enumerate() {
            let ip = format!("{p}[{i}]");
            let Some(f) = ctx.map(ic, &ip, &["fields"]) else { continue };
            let Some(fl) = get(f, "fields") else { continue };
            let fp = join(&ip, "fields");
            for (j, field) in ctx.list(fl, &fp).iter().enumerate() {
                let jp = format!("{fp}[{j}]");
                let Some(ff) = ctx.map(field, &jp, &["type", "family"]) else { continue };
                let family = get(ff, "family").and_then(Node::as_scalar).unwrap_or("IPv4");
                let proto = match family {
                    "IPv4" => Protocol::Icmp,
                    "IPv6" => Protocol::Icmpv6,
                    other => {
                        ctx.err(
                            field.pos,
                            &join(&jp, "family"),
                            format!("expected IPv4 or IPv6, found {other}"),
                        );
                        continue;
                    }
                };
                let Some(tn) = get(ff, "type") else {
                    ctx.err(field.pos, &join(&jp, "type"), "an ICMP field needs type");
                    continue;
                };
                match tn.as_scalar().and_then(|t| icmp_type(t, proto)) {
                    Some(t) => ports.push(PortRange { protocol: proto, start: t, end: t }),
                    None => ctx.err(
                        tn.pos,
                        &join(&jp, "type"),
                        "expected an ICMP type number (0-255) or name such as EchoRequest",
                    ),
                }
            }
        }
    }
    let mut out = Vec::new();
    // With only L7 entries, no L4-only rule remains (an empty `ports` would mean every port).
    if l7.is_empty() || !ports.is_empty() {
        out.push(PeerRule { peers: peers.clone(), ports, http: None });
    }
    for (ports, http) in l7 {
        out.push(PeerRule { peers: peers.clone(), ports, http: Some(http) });
    }
    out
}

/// Longest regular expression accepted in an HTTP rule, and the compiled size allowed: rules
/// come from operators' files and the API, and are matched against every request.
pub const MAX_HTTP_PATTERN: usize = 1024;
/// See [`MAX_HTTP_PATTERN`].
pub const HTTP_REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Most HTTP rules in one `toPorts` entry, and headers in one rule.
const MAX_HTTP_RULES: usize = 256;

/// Compiles an HTTP rule's pattern as the proxy matches it: the whole value.
pub fn http_regex(pattern: &str) -> Result<regex::Regex, String> {
    if pattern.len() > MAX_HTTP_PATTERN {
        return Err(format!("longer than {MAX_HTTP_PATTERN} characters"));
    }
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(HTTP_REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// `toPorts[].rules`: `None` when there are no HTTP rules (absent, or `http: []`, which Cilium
/// treats as no L7 rules).
fn l7_rules(ctx: &mut Ctx, node: &Node, path: &str, ports: &[PortRange]) -> Option<Vec<HttpRule>> {
    let f = ctx.map(node, path, &["http"])?;
    let list = get(f, "http")?;
    let hp = join(path, "http");
    let items = ctx.list(list, &hp);
    if items.is_empty() {
        return None;
    }
    if items.len() > MAX_HTTP_RULES {
        ctx.err(list.pos, &hp, format!("at most {MAX_HTTP_RULES} HTTP rules per toPorts entry"));
        return None;
    }
    // Protocol ANY stands for TCP, UDP and SCTP; HTTP is on the TCP ones.
    if !ports.iter().any(|p| p.protocol == Protocol::Tcp) {
        ctx.err(node.pos, path, "HTTP rules need TCP ports");
        return None;
    }
    for p in ports {
        if p.start == 0 {
            ctx.err(node.pos, path, "HTTP rules need a port: the proxy takes a port, not all");
            return None;
        }
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let ip = format!("{hp}[{i}]");
        let Some(e) = ctx.map(item, &ip, &["method", "path", "host", "headers", "headerMatches"])
        else {
            continue;
        };
        let mut rule = HttpRule::default();
        for (key, slot) in
            [("method", &mut rule.method), ("path", &mut rule.path), ("host", &mut rule.host)]
        {
            let Some(n) = get(e, key) else { continue };
            let kp = join(&ip, key);
            let Some(pattern) = ctx.string(n, &kp) else { continue };
            match http_regex(&pattern) {
                Ok(_) => *slot = Some(pattern),
                Err(why) => ctx.err(n.pos, &kp, format!("not a valid regular expression: {why}")),
            }
        }
        if let Some(n) = get(e, "headers") {
            let kp = join(&ip, "headers");
            for (j, h) in ctx.list(n, &kp).iter().enumerate() {
                let Some(text) = ctx.string(h, &format!("{kp}[{j}]")) else { continue };
                // Cilium's form: `Name` (present) or `Name value` (exactly this value); its
                // documentation writes `Name: value`, so a colon ending the name is not part
                // of it (no header name can hold one).
                let (name, value) = match text.trim().split_once(' ') {
                    Some((n, v)) => (n.to_string(), Some(v.trim().to_string())),
                    None => (text.trim().to_string(), None),
                };
                let name = name.trim_end_matches(':').to_string();
                rule.headers.push(HeaderMatch { name, value });
            }
        }
        if let Some(n) = get(e, "headerMatches") {
            let kp = join(&ip, "headerMatches");
            for (j, h) in ctx.list(n, &kp).iter().enumerate() {
                let jp = format!("{kp}[{j}]");
                let Some(hm) = ctx.map(h, &jp, &["name", "value", "mismatch", "secret"]) else {
                    continue;
                };
                if get(hm, "secret").is_some() {
                    ctx.err(h.pos, &join(&jp, "secret"), "not supported: header values from Kubernetes secrets need Kubernetes; give the value");
                    continue;
                }
                if get(hm, "mismatch").is_some() {
                    ctx.err(h.pos, &join(&jp, "mismatch"), "not supported: the proxy does not rewrite headers; a request without the header is denied");
                    continue;
                }
                let Some(name) = get(hm, "name").and_then(|n| ctx.string(n, &join(&jp, "name")))
                else {
                    ctx.err(h.pos, &join(&jp, "name"), "a header match needs name");
                    continue;
                };
                let value = get(hm, "value").and_then(|v| ctx.string(v, &join(&jp, "value")));
                rule.headers.push(HeaderMatch { name, value });
            }
        }
        for h in &rule.headers {
            if hyper::header::HeaderName::from_bytes(h.name.as_bytes()).is_err() {
                ctx.err(item.pos, &ip, format!("`{}` is not a valid HTTP header name", h.name));
            }
        }
        if rule.headers.len() > MAX_HTTP_RULES {
            ctx.err(item.pos, &ip, format!("at most {MAX_HTTP_RULES} headers per HTTP rule"));
        }
        out.push(rule);
    }
    Some(out)
}

fn cidr_of(ctx: &mut Ctx, node: &Node, path: &str, s: &str) -> Option<Cidr> {
    let c = Cidr::parse(s);
    if c.is_none() {
        ctx.err(
            node.pos,
            path,
            format!("expected an IP prefix such as 192.168.1.0/24, found `{s}`"),
        );
    }
    c
}

fn icmp_type(t: &str, proto: Protocol) -> Option<u16> {
    if let Ok(n) = t.parse::<u8>() {
        return Some(u16::from(n));
    }
    let v4 = [
        ("EchoReply", 0),
        ("DestinationUnreachable", 3),
        ("Redirect", 5),
        ("EchoRequest", 8),
        ("TimeExceeded", 11),
    ];
    let v6 = [
        ("DestinationUnreachable", 1),
        ("PacketTooBig", 2),
        ("TimeExceeded", 3),
        ("EchoRequest", 128),
        ("EchoReply", 129),
    ];
    let table: &[(&str, u16)] = if proto == Protocol::Icmp { &v4 } else { &v6 };
    table.iter().find(|(n, _)| *n == t).map(|(_, v)| *v)
}

fn port_protocol(ctx: &mut Ctx, node: &Node, path: &str) -> Vec<PortRange> {
    let Some(f) = ctx.map(node, path, &["port", "endPort", "protocol"]) else { return Vec::new() };
    let protocols = match get(f, "protocol").and_then(Node::as_scalar).unwrap_or("ANY") {
        "TCP" => vec![Protocol::Tcp],
        "UDP" => vec![Protocol::Udp],
        "SCTP" => vec![Protocol::Sctp],
        // Upstream: ANY means TCP, UDP and SCTP when a port is given.
        "ANY" => vec![Protocol::Tcp, Protocol::Udp, Protocol::Sctp],
        other => {
            let pos = get(f, "protocol").map_or(node.pos, |n| n.pos);
            ctx.err(
                pos,
                &join(path, "protocol"),
                format!("expected TCP, UDP, SCTP or ANY, found {other}"),
            );
            return Vec::new();
        }
    };
    let (start, end) = match get(f, "port") {
        None => (0, 65535),
        Some(pn) => {
            let s = pn.as_scalar().unwrap_or_default();
            let start = match s.parse::<u16>() {
                Ok(0) => {
                    if get(f, "endPort").is_some() {
                        ctx.err(
                            pn.pos,
                            &join(path, "port"),
                            "endPort needs a start port other than 0",
                        );
                    }
                    return protocols
                        .into_iter()
                        .map(|p| PortRange { protocol: p, start: 0, end: 65535 })
                        .collect();
                }
                Ok(n) => n,
                Err(_) => match PORT_NAMES.iter().find(|(n, _)| *n == s) {
                    Some((_, n)) => *n,
                    None => {
                        ctx.err(pn.pos, &join(path, "port"), format!(
                            "expected a port number 1-65535 or a service name (ssh, http, https, dns, ...), found `{s}`"
                        ));
                        return Vec::new();
                    }
                },
            };
            let end = match get(f, "endPort") {
                None => start,
                Some(en) => match en.as_scalar().and_then(|s| s.parse::<u16>().ok()) {
                    Some(e) if e >= start => e,
                    _ => {
                        ctx.err(
                            en.pos,
                            &join(path, "endPort"),
                            format!("expected a port from {start} to 65535"),
                        );
                        start
                    }
                },
            };
            (start, end)
        }
    };
    protocols.into_iter().map(|p| PortRange { protocol: p, start, end }).collect()
}

#[cfg(test)]
mod tests;
