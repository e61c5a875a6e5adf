//! Parser tests: the seed's policies, every field, every error with its position.

use super::*;

fn ok(text: &str) -> Vec<Policy> {
    parse("p.yaml", text).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn errs(text: &str) -> Vec<String> {
    parse("p.yaml", text).expect_err("should be refused").iter().map(ToString::to_string).collect()
}

fn one_rule(spec: &str) -> Rule {
    let text = format!(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: t\nspec:\n{spec}"
    );
    ok(&text).remove(0).rules.remove(0)
}

#[test]
fn seed_policies_parse() {
    let p = ok(include_str!("../../../../../deploy/policies/allow-ssh-and-web.yaml"));
    assert_eq!(p[0].name, "allow-ssh-and-web");
    assert_eq!(p[0].kind, PolicyKind::CiliumClusterwideNetworkPolicy);
    let r = &p[0].rules[0];
    assert!(r.subject.is_empty());
    let ingress = r.ingress.as_ref().expect("ingress");
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[0].ports, vec![PortRange { protocol: Protocol::Tcp, start: 22, end: 22 }]);
    assert_eq!(
        ingress[1].peers,
        vec![Peer::Cidr { cidr: Cidr::parse("192.168.1.0/24").expect("cidr"), except: vec![] }]
    );
    assert_eq!(ingress[1].ports.len(), 2);
    assert_eq!(r.egress.as_ref().expect("egress")[0].peers, vec![Peer::Entity(Entity::All)]);

    let p = ok(include_str!("../../../../../deploy/policies/frontend-to-backend.yaml"));
    assert_eq!(p[0].rules[0].subject.match_labels.get("app").map(String::as_str), Some("backend"));
    ok(include_str!("../../../../../deploy/policies/protect-database.yaml"));
}

#[test]
fn every_peer_and_port_field() {
    let r = one_rule(
        "  endpointSelector:\n    matchExpressions:\n      - {key: env, operator: In, values: [prod]}\n\
         \x20 ingress:\n\
         \x20   - fromEndpoints: [{matchLabels: {app: a}}]\n\
         \x20     fromNodes: [{matchLabels: {role: db}}]\n\
         \x20     fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]\n\
         \x20     fromEntities: [world, remote-node]\n\
         \x20     toPorts: [{ports: [{port: \"8000\", endPort: 8100, protocol: TCP}, {port: https}, {port: \"53\", protocol: UDP}]}]\n\
         \x20     icmps: [{fields: [{type: 8, family: IPv4}, {type: EchoRequest, family: IPv6}]}]\n\
         \x20 egressDeny:\n    - toCIDR: [\"2001:db8::/32\"]\n\
         \x20 ingressDeny:\n    - fromEntities: [all]\n      toPorts: [{ports: [{port: \"23\", protocol: SCTP}]}]\n\
         \x20 enableDefaultDeny: {ingress: false, egress: true}\n",
    );
    let i = &r.ingress.as_ref().expect("ingress")[0];
    assert_eq!(i.peers.len(), 5);
    assert!(i.ports.contains(&PortRange { protocol: Protocol::Tcp, start: 8000, end: 8100 }));
    // `port` without protocol: TCP, UDP and SCTP, as upstream's ANY.
    assert!(i.ports.contains(&PortRange { protocol: Protocol::Udp, start: 443, end: 443 }));
    assert!(i.ports.contains(&PortRange { protocol: Protocol::Icmp, start: 8, end: 8 }));
    assert!(i.ports.contains(&PortRange { protocol: Protocol::Icmpv6, start: 128, end: 128 }));
    assert_eq!(r.egress_deny.as_ref().expect("egressDeny")[0].peers.len(), 1);
    assert!(!r.default_deny_ingress && r.default_deny_egress);
    assert_eq!(r.subject.match_expressions[0].operator, Operator::In);
}

#[test]
fn several_documents_json_and_specs() {
    let two = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a}\nspec: {endpointSelector: {}}\n---\n\
               apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: b}\nspecs: [{endpointSelector: {}}, {nodeSelector: {}}]\n";
    let p = ok(two);
    assert_eq!(p.len(), 2);
    assert_eq!(p[1].rules.len(), 2);
    let json = r#"[{"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy","metadata":{"name":"j"},"spec":{"endpointSelector":{},"ingress":[{"fromEntities":["host"]}]}}]"#;
    assert_eq!(ok(json)[0].name, "j");
    let bare = r#"[{"endpointSelector":{"matchLabels":{"app":"x"}},"ingress":[{}],"labels":[{"key":"io.cilium.k8s.policy.name","value":"legacy","source":"k8s"}]}]"#;
    assert_eq!(ok(bare)[0].name, "legacy");
}

#[test]
fn audit_annotation() {
    let p = ok(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: a\n  annotations:\n    policy.cilium.io/audit-mode: \"true\"\nspec: {endpointSelector: {}}\n",
    );
    assert!(p[0].audit);
}

#[test]
fn errors_name_file_line_column_and_field() {
    let e = errs(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: x\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEndpoint: []\n",
    );
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("p.yaml:8:7: spec.ingress[0].fromEndpoint: unknown field `fromEndpoint`; did you mean `fromEndpoints`?"), "{}", e[0]);

    let e = errs(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: x\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts:\n        - ports:\n            - port: \"99999\"\n",
    );
    assert!(
        e[0].starts_with(
            "p.yaml:10:21: spec.ingress[0].toPorts[0].ports[0].port: expected a port number"
        ),
        "{}",
        e[0]
    );
}

#[test]
fn unsupported_features_are_refused_by_name() {
    let e = errs(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec:\n  endpointSelector: {}\n  egress:\n    - toFQDNs: [{matchName: example.com}]\n",
    );
    assert!(e[0].contains("toFQDNs: not supported: DNS-based (FQDN) policy"), "{}", e[0]);
    let e = errs(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts:\n        - ports: [{port: \"53\"}]\n          rules:\n            dns: [{matchPattern: \"*\"}]\n",
    );
    assert!(e[0].contains("rules.dns: not supported: DNS (L7) rules"), "{}", e[0]);
    // HTTP rules on egress go through the egress proxy.
    ok(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec:\n  endpointSelector: {}\n  egress:\n    - toPorts:\n        - ports: [{port: \"80\"}]\n          rules:\n            http: [{method: GET}]\n",
    );
    let e = errs(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec:\n  endpointSelector: {}\n  ingressDeny:\n    - toPorts:\n        - ports: [{port: \"80\"}]\n          rules:\n            http: [{method: GET}]\n",
    );
    assert!(e[0].contains("cannot be part of a deny rule"), "{}", e[0]);
    let e = errs(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEntities: [kube-apiserver]\n",
    );
    assert!(e[0].contains("needs Kubernetes"), "{}", e[0]);
}

#[test]
fn every_error_class() {
    let cases: &[(&str, &str)] = &[
        (
            "apiVersion: v1\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}}\n",
            "expected cilium.io/v2",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: NetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}}\n",
            "expected CiliumNetworkPolicy",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {}\nspec: {endpointSelector: {}}\n",
            "needs a name",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\n",
            "needs spec",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {}\n",
            "needs endpointSelector or nodeSelector",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, nodeSelector: {}}\n",
            "not both",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {matchExpressions: [{key: a, operator: Maybe}]}}\n",
            "expected In, NotIn",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {matchExpressions: [{key: a, operator: In}]}}\n",
            "at least one value",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{fromCIDR: [10.0.0.0/33]}]}\n",
            "expected an IP prefix",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{fromCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]}]}\n",
            "is not inside",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{fromEntities: [everything]}]}\n",
            "unknown entity",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\", protocol: HTTP}]}]}]}\n",
            "expected TCP, UDP, SCTP or ANY",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\", endPort: 70}]}]}]}\n",
            "expected a port from 80",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{icmps: [{fields: [{type: Bogus}]}]}]}\n",
            "ICMP type",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, enableDefaultDeny: {ingress: maybe}}\n",
            "true or false",
        ),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}, ingress: {fromEntities: [all]}}\n",
            "expected a list",
        ),
        ("a: [\n", "invalid YAML"),
        (
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}}\n---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec: {endpointSelector: {}}\n",
            "defined twice",
        ),
    ];
    for (text, want) in cases {
        let e = errs(text);
        assert!(e.iter().any(|m| m.contains(want)), "want {want:?} in {e:#?}");
    }
}

#[test]
fn all_errors_at_once() {
    let e = errs(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromCIDR: [nope]\n      toPorts: [{ports: [{port: \"0x50\"}]}]\n",
    );
    assert_eq!(e.len(), 2, "{e:#?}");
}

#[test]
fn http_rules_split_their_ports_from_l4_ones() {
    let text = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web}\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEndpoints: [{matchLabels: {app: frontend}}]\n      toPorts:\n        - ports: [{port: \"22\", protocol: TCP}]\n        - ports: [{port: \"8080\", protocol: TCP}]\n          rules:\n            http:\n              - {method: GET, path: /public}\n              - method: POST\n                path: \"/api/.*\"\n                host: \"api\\\\.example\\\\.com\"\n                headers: [\"X-Token\", \"X-Env prod\", \"X-Mode: fast\"]\n                headerMatches: [{name: X-Team, value: blue}]\n";
    let p = ok(text);
    let ingress = p[0].rules[0].ingress.as_ref().expect("ingress");
    assert_eq!(ingress.len(), 2, "{ingress:?}");
    assert_eq!(ingress[0].ports, vec![PortRange { protocol: Protocol::Tcp, start: 22, end: 22 }]);
    assert_eq!(ingress[0].http, None);
    assert_eq!(ingress[1].peers, ingress[0].peers);
    assert_eq!(
        ingress[1].ports,
        vec![PortRange { protocol: Protocol::Tcp, start: 8080, end: 8080 }]
    );
    let http = ingress[1].http.as_ref().expect("http rules");
    assert_eq!(http[0].method.as_deref(), Some("GET"));
    assert_eq!(http[0].path.as_deref(), Some("/public"));
    assert_eq!(http[1].host.as_deref(), Some("api\\.example\\.com"));
    assert_eq!(
        http[1].headers,
        vec![
            HeaderMatch { name: "X-Token".into(), value: None },
            HeaderMatch { name: "X-Env".into(), value: Some("prod".into()) },
            HeaderMatch { name: "X-Mode".into(), value: Some("fast".into()) },
            HeaderMatch { name: "X-Team".into(), value: Some("blue".into()) },
        ]
    );
}

#[test]
fn http_rules_are_checked() {
    let base = |rules: &str| {
        format!(
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {{name: x}}\nspec:\n  endpointSelector: {{}}\n  ingress:\n    - toPorts:\n        - ports: [{{port: \"80\"}}]\n          rules:\n            http: [{rules}]\n"
        )
    };
    let e = errs(&base("{path: \"/(unclosed\"}"));
    assert!(e[0].contains("http[0].path: not a valid regular expression"), "{}", e[0]);
    let long = "a".repeat(2000);
    let e = errs(&base(&format!("{{path: \"{long}\"}}")));
    assert!(e[0].contains("longer than 1024"), "{}", e[0]);
    let e = errs(&base("{headerMatches: [{name: X, secret: {name: s}}]}"));
    assert!(e[0].contains("secret: not supported"), "{}", e[0]);
    let e = errs(&base("{headers: [\"Bad:Name\"]}"));
    assert!(e.iter().any(|e| e.contains("not a valid HTTP header name")), "{e:?}");
    let e = errs(&base("{methd: GET}"));
    assert!(e[0].contains("did you mean `method`"), "{}", e[0]);
    // `{}` allows every request (but the proxy sees them); `http: []` is no L7 rule at all.
    let p = ok(&base("{}"));
    assert_eq!(
        p[0].rules[0].ingress.as_ref().expect("ingress")[0].http,
        Some(vec![HttpRule::default()])
    );
    let p = ok(&base(""));
    assert_eq!(p[0].rules[0].ingress.as_ref().expect("ingress")[0].http, None);
    let udp = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts:\n        - ports: [{port: \"80\", protocol: UDP}]\n          rules: {http: [{}]}\n";
    assert!(errs(udp)[0].contains("HTTP rules need TCP ports"));
}
