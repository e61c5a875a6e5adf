//! Cilium's semantics, table-driven: selection, default deny, deny over allow, CIDR except,
//! entities, port ranges, audit, failsafe.

use super::*;
use crate::policy::parse;

const VM1: u32 = 100; // app=frontend, 192.168.1.10
const VM3: u32 = 101; // app=other, 192.168.1.12
const TCP: u8 = 6;
const UDP: u8 = 17;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn inputs() -> Inputs {
    Inputs {
        local_labels: labels(&[
            ("app", "backend"),
            ("cluster", "vm-cluster"),
            ("reserved:host", ""),
        ]),
        nodes: vec![
            (
                VM1,
                labels(&[("app", "frontend"), ("cluster", "vm-cluster")]),
                vec!["192.168.1.10".parse().expect("ip")],
            ),
            (
                VM3,
                labels(&[("app", "other"), ("cluster", "vm-cluster")]),
                vec!["192.168.1.12".parse().expect("ip")],
            ),
        ],
        node_failsafe: vec![(Protocol::Udp, 51871), (Protocol::Tcp, 4240)],
        failsafe: vec![],
        endpoints: vec![],
        default_local_cluster: true,
    }
}

fn state(yaml: &str) -> MapState {
    state_with(yaml, &inputs())
}

fn state_with(yaml: &str, inputs: &Inputs) -> MapState {
    let policies = if yaml.is_empty() {
        vec![]
    } else {
        parse("t.yaml", yaml).unwrap_or_else(|e| panic!("{e:#?}"))
    };
    Resolver::default().resolve(&policies, inputs)
}

fn cnp(spec: &str) -> String {
    format!(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: t\nspec:\n{spec}"
    )
}

fn allowed(s: &MapState, id: u32, dir: u8, proto: u8, port: u16) -> bool {
    s.verdict(id, dir, proto, port).0 == Verdict::Allow
}

#[test]
fn without_policy_nothing_is_enforced() {
    let s = state("");
    assert!(!s.enforce_ingress && !s.enforce_egress);
    assert!(allowed(&s, identity::WORLD, INGRESS, TCP, 22));
}

#[test]
fn seed_frontend_to_backend() {
    let s = state(include_str!("../../../../../deploy/policies/frontend-to-backend.yaml"));
    assert!(s.enforce_ingress && !s.enforce_egress);
    let table = [
        (VM1, TCP, 8080, true),
        (VM1, TCP, 8081, false),
        (VM1, UDP, 8080, false),
        (VM3, TCP, 8080, false),
        (identity::WORLD, TCP, 8080, false),
    ];
    for (id, proto, port, want) in table {
        assert_eq!(allowed(&s, id, INGRESS, proto, port), want, "{id} {proto}/{port}");
    }
    assert!(allowed(&s, identity::WORLD, EGRESS, TCP, 443), "egress untouched");
    assert_eq!(s.rules, vec!["frontend-to-backend".to_string()]);
}

#[test]
fn rules_that_do_not_select_this_vm_change_nothing() {
    let s = state(include_str!("../../../../../deploy/policies/protect-database.yaml"));
    assert!(!s.enforce_ingress);
    assert!(s.entries.iter().all(|(_, v)| v.failsafe));
}

#[test]
fn seed_allow_ssh_and_web() {
    let s = state(include_str!("../../../../../deploy/policies/allow-ssh-and-web.yaml"));
    let cidr = s.cidr_identities[&Cidr::parse("192.168.1.0/24").expect("cidr")];
    let table = [
        (VM1, 22, true),
        (VM3, 22, true),
        (identity::WORLD, 22, false),
        (cidr, 22, false),
        (cidr, 80, true),
        (cidr, 443, true),
        (VM3, 80, true), // a VM inside the CIDR
        (identity::WORLD, 80, false),
        (VM1, 8080, false),
    ];
    for (id, port, want) in table {
        assert_eq!(allowed(&s, id, INGRESS, TCP, port), want, "{id} tcp/{port}");
    }
    assert!(s.enforce_egress);
    assert!(allowed(&s, identity::WORLD, EGRESS, UDP, 53), "toEntities: all");
}

#[test]
fn deny_beats_allow() {
    let s = state(&cnp("  endpointSelector: {}\n  ingress:\n    - fromEntities: [cluster]\n\
         \x20 ingressDeny:\n    - fromEndpoints: [{matchLabels: {app: other}}]\n      toPorts: [{ports: [{port: \"22\", protocol: TCP}]}]\n"));
    assert!(!allowed(&s, VM3, INGRESS, TCP, 22));
    assert!(allowed(&s, VM3, INGRESS, TCP, 80));
    assert!(allowed(&s, VM1, INGRESS, TCP, 22));
    let (_, v) = s.verdict(VM3, INGRESS, TCP, 22);
    assert_eq!(v.map(|v| v.verdict), Some(Verdict::Deny));

    // A deny of every port removes a narrower allow of the same peer.
    let s = state(&cnp(
        "  endpointSelector: {}\n  ingress:\n    - fromEndpoints: [{matchLabels: {app: frontend}}]\n      toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n\
         \x20 ingressDeny:\n    - fromEndpoints: [{matchLabels: {app: frontend}}]\n",
    ));
    assert!(!allowed(&s, VM1, INGRESS, TCP, 80));
    // A deny of a range splits an allow of a wider range.
    let s = state(&cnp(
        "  endpointSelector: {}\n  ingress:\n    - fromEntities: [world]\n      toPorts: [{ports: [{port: \"1000\", endPort: 2000, protocol: TCP}]}]\n\
         \x20 ingressDeny:\n    - fromEntities: [world]\n      toPorts: [{ports: [{port: \"1500\", endPort: 1600, protocol: TCP}]}]\n",
    ));
    for (port, want) in [
        (999, false),
        (1000, true),
        (1499, true),
        (1500, false),
        (1600, false),
        (1601, true),
        (2000, true),
        (2001, false),
    ] {
        assert_eq!(allowed(&s, identity::WORLD, INGRESS, TCP, port), want, "port {port}");
    }
}

#[test]
fn cidr_except_and_entities() {
    let s = state(&cnp(
        "  endpointSelector: {}\n  ingress:\n    - fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]\n",
    ));
    let outer = s.cidr_identities[&Cidr::parse("10.0.0.0/8").expect("cidr")];
    let except = s.cidr_identities[&Cidr::parse("10.1.0.0/16").expect("cidr")];
    assert!(allowed(&s, outer, INGRESS, TCP, 1));
    assert!(!allowed(&s, except, INGRESS, TCP, 1));
    assert!(!allowed(&s, identity::WORLD, INGRESS, TCP, 1));

    let entity = |e: &str, id: u32| {
        let s = state(&cnp(&format!(
            "  endpointSelector: {{}}\n  ingress:\n    - fromEntities: [{e}]\n"
        )));
        allowed(&s, id, INGRESS, TCP, 1)
    };
    assert!(entity("world", identity::WORLD));
    assert!(!entity("world", VM1));
    assert!(entity("remote-node", VM1));
    assert!(!entity("remote-node", identity::WORLD));
    assert!(entity("cluster", VM3));
    assert!(entity("host", identity::HOST));
    assert!(entity("all", identity::WORLD));
    assert!(entity("health", identity::HEALTH));
}

#[test]
fn world_covers_cidr_identities() {
    let s = state(&cnp(
        "  endpointSelector: {}\n  ingress:\n    - fromCIDR: [203.0.113.0/24]\n      toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n    - fromEntities: [world]\n      toPorts: [{ports: [{port: \"443\", protocol: TCP}]}]\n",
    ));
    let c = s.cidr_identities[&Cidr::parse("203.0.113.0/24").expect("cidr")];
    assert!(allowed(&s, c, INGRESS, TCP, 443));
    assert!(allowed(&s, c, INGRESS, TCP, 80));
    assert!(!allowed(&s, identity::WORLD, INGRESS, TCP, 80));
}

#[test]
fn port_ranges_become_prefixes() {
    assert_eq!(port_prefixes(6, 80, 80), vec![(80, 16)]);
    assert_eq!(port_prefixes(6, 8000, 8007), vec![(8000, 13)]);
    assert_eq!(port_prefixes(6, 0, 65535), vec![(0, 0)]);
    assert_eq!(port_prefixes(0, 5, 6), vec![(0, 0)]);
    let p = port_prefixes(6, 1, 65535);
    assert_eq!(p.len(), 16);
    let s = state(&cnp(
        "  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"8000\", endPort: 8100, protocol: TCP}]}]\n",
    ));
    for (port, want) in [(7999, false), (8000, true), (8050, true), (8100, true), (8101, false)] {
        assert_eq!(allowed(&s, identity::WORLD, INGRESS, TCP, port), want, "{port}");
    }
}

#[test]
fn audit_policies_and_default_deny_switch() {
    let s = state(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: a\n  annotations: {policy.cilium.io/audit-mode: \"true\"}\nspec:\n  endpointSelector: {}\n  ingress: [{fromEntities: [host]}]\n  ingressDeny: [{fromEntities: [world]}]\n",
    );
    assert!(s.enforce_ingress && s.audit_ingress);
    let (v, e) = s.verdict(identity::WORLD, INGRESS, TCP, 1);
    assert_eq!(v, Verdict::Deny);
    assert!(e.is_some_and(|e| e.audit), "the deny of an audit policy only reports");

    let s = state(&cnp(
        "  endpointSelector: {}\n  enableDefaultDeny: {ingress: false}\n  ingress: [{fromEntities: [host]}]\n",
    ));
    assert!(!s.enforce_ingress);
    assert!(allowed(&s, identity::WORLD, INGRESS, TCP, 1));
}

#[test]
fn failsafe_ports_cannot_be_closed() {
    let mut i = inputs();
    i.failsafe = vec![(Protocol::Tcp, 22)];
    let s = state_with(&cnp("  endpointSelector: {}\n  ingressDeny: [{fromEntities: [all]}]\n  egressDeny: [{fromEntities: [all]}]\n".replace("egressDeny: [{fromEntities", "egressDeny: [{toEntities").as_str()), &i);
    assert!(allowed(&s, VM1, INGRESS, UDP, 51871));
    assert!(allowed(&s, VM1, INGRESS, TCP, 4240));
    assert!(allowed(&s, VM1, EGRESS, UDP, 51871));
    assert!(allowed(&s, identity::WORLD, INGRESS, TCP, 22));
    assert!(!allowed(&s, identity::WORLD, INGRESS, TCP, 23));
    assert!(
        !allowed(&s, identity::WORLD, INGRESS, UDP, 51871),
        "node failsafe ports are for nodes"
    );
}

#[test]
fn cidr_identities_are_stable() {
    let mut r = Resolver::default();
    let p =
        parse("t.yaml", &cnp("  endpointSelector: {}\n  ingress: [{fromCIDR: [10.0.0.0/8]}]\n"))
            .expect("valid");
    let a = r.resolve(&p, &inputs()).cidr_identities;
    let b = r.resolve(&p, &inputs()).cidr_identities;
    assert_eq!(a, b);
    assert!(r.resolve(&[], &inputs()).cidr_identities.is_empty(), "unused identities are released");
}

#[test]
fn http_rules_redirect_their_port_and_nothing_else() {
    let s = state(&cnp(
        "  endpointSelector: {}\n  ingress:\n    - fromEndpoints: [{matchLabels: {app: frontend}}]\n      toPorts:\n        - ports: [{port: \"8080\", protocol: TCP}]\n          rules:\n            http: [{method: GET, path: /public}]\n        - ports: [{port: \"22\", protocol: TCP}]\n",
    ));
    let (v, e) = s.verdict(VM1, INGRESS, TCP, 8080);
    assert_eq!(v, Verdict::Allow);
    assert!(e.expect("entry").redirect, "8080 goes through the proxy");
    let (v, e) = s.verdict(VM1, INGRESS, TCP, 22);
    assert_eq!(v, Verdict::Allow);
    assert!(!e.expect("entry").redirect, "22 is L4 only");
    assert!(!allowed(&s, VM3, INGRESS, TCP, 8080), "another label is refused at L4");
    assert_eq!(s.l7.len(), 1, "{:?}", s.l7);
    assert_eq!((s.l7[0].identity, s.l7[0].start, s.l7[0].end), (VM1, 8080, 8080));
    assert!(s.l7[0].http.is_some());
}

#[test]
fn egress_http_rules_redirect_towards_their_peers() {
    let s = state(&cnp(
        "  endpointSelector: {}\n  egress:\n    - toEndpoints: [{matchLabels: {app: backend}}]\n      toPorts:\n        - ports: [{port: \"8080\", protocol: TCP}]\n          rules:\n            http: [{method: GET, path: /public}]\n",
    ));
    let backend = s.l7.first().map(|e| e.identity).expect("an L7 entry");
    let (v, e) = s.verdict(backend, EGRESS, TCP, 8080);
    assert_eq!(v, Verdict::Allow);
    assert!(e.expect("entry").redirect);
    assert_eq!(s.l7[0].direction, EGRESS);
    assert!(s.verdict(backend, INGRESS, TCP, 8080).1.is_none(), "nothing on ingress");
}

#[test]
fn an_l4_allow_of_a_redirected_port_is_seen_by_the_proxy() {
    // Any peer may use 8080 at L4, the frontend with HTTP rules: the frontend's connections
    // are redirected, and the proxy sees the L4 allow too (which lets everything pass, as
    // Cilium's wildcard).
    let s = state(&cnp(
        "  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"8000\", endPort: 9000, protocol: TCP}]}]\n    - fromEndpoints: [{matchLabels: {app: frontend}}]\n      toPorts:\n        - ports: [{port: \"8080\", protocol: TCP}]\n          rules: {http: [{method: GET}]}\n",
    ));
    assert!(s.verdict(VM1, INGRESS, TCP, 8080).1.expect("entry").redirect);
    assert!(!s.verdict(VM3, INGRESS, TCP, 8080).1.expect("entry").redirect);
    assert!(s.l7.iter().any(|e| e.identity == 0 && e.http.is_none()), "{:?}", s.l7);
    // Failsafe ports are never redirected.
    assert!(!s.verdict(VM1, INGRESS, TCP, 4240).1.expect("entry").redirect);
}
