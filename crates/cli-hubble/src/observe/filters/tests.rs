use agent_core::hubble::proto::flow::{
    DropReason, EventTypeFilter, FlowFilter, HttpHeader, IpVersion, NetworkInterface, TcpFlags,
    TrafficDirection, Verdict, Workload, flow_filter,
};

use super::*;
use crate::observe::flags::Flag as F;

fn run(items: &[(F, &str)]) -> Result<Filters, FlagError> {
    let items: Vec<(F, String)> = items.iter().map(|(f, v)| (*f, v.to_string())).collect();
    build(&items)
}

/// The whitelist of flags that must translate.
fn white(items: &[(F, &str)]) -> Vec<FlowFilter> {
    let f = run(items).unwrap_or_else(|e| panic!("{items:?}: {e}"));
    assert!(f.blacklist.is_empty(), "{items:?}");
    f.whitelist
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn event(t: i32, sub: Option<i32>) -> EventTypeFilter {
    EventTypeFilter { r#type: t, match_sub_type: sub.is_some(), sub_type: sub.unwrap_or(0) }
}

#[test]
fn nothing_means_no_filter() {
    assert_eq!(run(&[]), Ok(Filters::default()));
}

#[test]
fn one_sided_flags_fill_one_field() {
    let cases: Vec<(F, &str, FlowFilter)> = vec![
        (F::FromIp, "10.0.0.1", FlowFilter { source_ip: s(&["10.0.0.1"]), ..Default::default() }),
        (
            F::ToIp,
            "10.0.0.0/8",
            FlowFilter { destination_ip: s(&["10.0.0.0/8"]), ..Default::default() },
        ),
        (
            F::SnatIp,
            "1.1.1.1",
            FlowFilter { source_ip_xlated: s(&["1.1.1.1"]), ..Default::default() },
        ),
        (F::FromPort, "53", FlowFilter { source_port: s(&["53"]), ..Default::default() }),
        (F::ToPort, "80", FlowFilter { destination_port: s(&["80"]), ..Default::default() }),
        (F::Protocol, "udp", FlowFilter { protocol: s(&["udp"]), ..Default::default() }),
        (
            F::Verdict,
            "DROPPED",
            FlowFilter { verdict: vec![Verdict::Dropped as i32], ..Default::default() },
        ),
        (
            F::Verdict,
            "AUDIT",
            FlowFilter { verdict: vec![Verdict::Audit as i32], ..Default::default() },
        ),
        (
            F::DropReasonDesc,
            "POLICY_DENIED",
            FlowFilter {
                drop_reason_desc: vec![DropReason::PolicyDenied as i32],
                ..Default::default()
            },
        ),
        (
            F::FromLabel,
            "app=web",
            FlowFilter { source_label: s(&["app=web"]), ..Default::default() },
        ),
        (
            F::ToLabel,
            "reserved:world",
            FlowFilter { destination_label: s(&["reserved:world"]), ..Default::default() },
        ),
        (F::FromIdentity, "host", FlowFilter { source_identity: vec![1], ..Default::default() }),
        (
            F::ToIdentity,
            "12345",
            FlowFilter { destination_identity: vec![12345], ..Default::default() },
        ),
        (
            F::ToIdentity,
            "remote-node",
            FlowFilter { destination_identity: vec![6], ..Default::default() },
        ),
        (F::NodeName, "vm-*", FlowFilter { node_name: s(&["vm-*"]), ..Default::default() }),
        (F::NodeLabel, "zone=a", FlowFilter { node_labels: s(&["zone=a"]), ..Default::default() }),
        (
            F::Ipv4,
            "",
            FlowFilter { ip_version: vec![IpVersion::IPv4 as i32], ..Default::default() },
        ),
        (
            F::Ipv6,
            "",
            FlowFilter { ip_version: vec![IpVersion::IPv6 as i32], ..Default::default() },
        ),
        (
            F::IpVersion,
            "v6",
            FlowFilter { ip_version: vec![IpVersion::IPv6 as i32], ..Default::default() },
        ),
        (
            F::IpVersion,
            "none",
            FlowFilter { ip_version: vec![IpVersion::IpNotUsed as i32], ..Default::default() },
        ),
        (
            F::TrafficDirection,
            "Ingress",
            FlowFilter {
                traffic_direction: vec![TrafficDirection::Ingress as i32],
                ..Default::default()
            },
        ),
        (
            F::TcpFlags,
            "syn,ACK",
            FlowFilter {
                tcp_flags: vec![TcpFlags { syn: true, ack: true, ..Default::default() }],
                ..Default::default()
            },
        ),
        (F::Uuid, "abc", FlowFilter { uuid: s(&["abc"]), ..Default::default() }),
        (
            F::Interface,
            "eth0",
            FlowFilter {
                interface: vec![NetworkInterface { name: "eth0".into(), ..Default::default() }],
                ..Default::default()
            },
        ),
        (F::Encrypted, "", FlowFilter { encrypted: vec![true], ..Default::default() }),
        (F::Unencrypted, "", FlowFilter { encrypted: vec![false], ..Default::default() }),
        (F::HttpStatus, "5+", FlowFilter { http_status_code: s(&["5+"]), ..Default::default() }),
        (F::HttpMethod, "get", FlowFilter { http_method: s(&["get"]), ..Default::default() }),
        (F::HttpPath, "/api/.*", FlowFilter { http_path: s(&["/api/.*"]), ..Default::default() }),
        (
            F::HttpUrl,
            "http://x/.*",
            FlowFilter { http_url: s(&["http://x/.*"]), ..Default::default() },
        ),
        (
            F::HttpHeader,
            "X-Test:a:b",
            FlowFilter {
                http_header: vec![HttpHeader { key: "X-Test".into(), value: "a:b".into() }],
                ..Default::default()
            },
        ),
        (F::TraceId, "t1", FlowFilter { trace_id: s(&["t1"]), ..Default::default() }),
        (F::IpTraceId, "7", FlowFilter { ip_trace_id: vec![7], ..Default::default() }),
        (
            F::FromFqdn,
            "*.cilium.io",
            FlowFilter { source_fqdn: s(&["*.cilium.io"]), ..Default::default() },
        ),
        (F::ToFqdn, "a.b", FlowFilter { destination_fqdn: s(&["a.b"]), ..Default::default() }),
        (
            F::FromPod,
            "kube-system/",
            FlowFilter { source_pod: s(&["kube-system/"]), ..Default::default() },
        ),
        (F::ToPod, "web", FlowFilter { destination_pod: s(&["web"]), ..Default::default() }),
        (
            F::FromService,
            "ns/svc",
            FlowFilter { source_service: s(&["ns/svc"]), ..Default::default() },
        ),
        (
            F::ToService,
            "svc",
            FlowFilter { destination_service: s(&["svc"]), ..Default::default() },
        ),
        (
            F::FromWorkload,
            "Deployment/web",
            FlowFilter {
                source_workload: vec![Workload { kind: "Deployment".into(), name: "web".into() }],
                ..Default::default()
            },
        ),
        (
            F::ToWorkload,
            "web",
            FlowFilter {
                destination_workload: vec![Workload { name: "web".into(), ..Default::default() }],
                ..Default::default()
            },
        ),
        (
            F::FromCluster,
            "c1",
            FlowFilter { source_cluster_name: s(&["c1"]), ..Default::default() },
        ),
        (
            F::ToCluster,
            "c2",
            FlowFilter { destination_cluster_name: s(&["c2"]), ..Default::default() },
        ),
        (
            F::CelExpression,
            "true",
            FlowFilter {
                experimental: Some(flow_filter::Experimental { cel_expression: s(&["true"]) }),
                ..Default::default()
            },
        ),
    ];
    for (flag, value, want) in cases {
        assert_eq!(white(&[(flag, value)]), vec![want], "--{} {value}", flag.long());
    }
}

#[test]
fn either_side_flags_make_a_source_and_a_destination_variant() {
    let pair = |src: FlowFilter, dst: FlowFilter| vec![src, dst];
    assert_eq!(
        white(&[(F::Ip, "10.0.0.1")]),
        pair(
            FlowFilter { source_ip: s(&["10.0.0.1"]), ..Default::default() },
            FlowFilter { destination_ip: s(&["10.0.0.1"]), ..Default::default() },
        )
    );
    assert_eq!(
        white(&[(F::Port, "22")]),
        pair(
            FlowFilter { source_port: s(&["22"]), ..Default::default() },
            FlowFilter { destination_port: s(&["22"]), ..Default::default() },
        )
    );
    assert_eq!(
        white(&[(F::Label, "app=x")]),
        pair(
            FlowFilter { source_label: s(&["app=x"]), ..Default::default() },
            FlowFilter { destination_label: s(&["app=x"]), ..Default::default() },
        )
    );
    assert_eq!(
        white(&[(F::Identity, "world")]),
        pair(
            FlowFilter { source_identity: vec![2], ..Default::default() },
            FlowFilter { destination_identity: vec![2], ..Default::default() },
        )
    );
    assert_eq!(
        white(&[(F::Fqdn, "a.io")]),
        pair(
            FlowFilter { source_fqdn: s(&["a.io"]), ..Default::default() },
            FlowFilter { destination_fqdn: s(&["a.io"]), ..Default::default() },
        )
    );
    assert_eq!(
        white(&[(F::Cluster, "c")]),
        pair(
            FlowFilter { source_cluster_name: s(&["c"]), ..Default::default() },
            FlowFilter { destination_cluster_name: s(&["c"]), ..Default::default() },
        )
    );
}

#[test]
fn either_side_variants_carry_the_other_criteria() {
    // --ip A --protocol tcp --verdict DROPPED --ip B:
    // (src in {A,B} AND tcp AND DROPPED) OR (dst in {A,B} AND tcp AND DROPPED).
    let got = white(&[
        (F::Ip, "10.0.0.1"),
        (F::Protocol, "tcp"),
        (F::Verdict, "DROPPED"),
        (F::Ip, "10.0.0.2"),
    ]);
    let common = FlowFilter {
        protocol: s(&["tcp"]),
        verdict: vec![Verdict::Dropped as i32],
        ..Default::default()
    };
    assert_eq!(
        got,
        vec![
            FlowFilter { source_ip: s(&["10.0.0.1", "10.0.0.2"]), ..common.clone() },
            FlowFilter { destination_ip: s(&["10.0.0.1", "10.0.0.2"]), ..common },
        ]
    );
}

#[test]
fn repeats_or_and_different_flags_and() {
    assert_eq!(
        white(&[
            (F::FromIp, "1.1.1.1"),
            (F::ToPort, "80"),
            (F::FromIp, "2.2.2.2"),
            (F::ToPort, "443"),
            (F::Verdict, "FORWARDED"),
            (F::Verdict, "DROPPED"),
        ]),
        vec![FlowFilter {
            source_ip: s(&["1.1.1.1", "2.2.2.2"]),
            destination_port: s(&["80", "443"]),
            verdict: vec![Verdict::Forwarded as i32, Verdict::Dropped as i32],
            ..Default::default()
        }]
    );
}

#[test]
fn not_sends_the_next_flag_to_the_blacklist() {
    let got = run(&[
        (F::ToPort, "80"),
        (F::Not, ""),
        (F::FromIp, "10.0.0.1"),
        (F::Not, ""),
        (F::FromIp, "10.0.0.2"),
        (F::Protocol, "tcp"),
        (F::Not, ""),
        (F::Port, "22"),
    ])
    .expect("filters");
    assert_eq!(
        got.whitelist,
        vec![FlowFilter {
            destination_port: s(&["80"]),
            protocol: s(&["tcp"]),
            ..Default::default()
        }]
    );
    assert_eq!(
        got.blacklist,
        vec![
            FlowFilter {
                source_ip: s(&["10.0.0.1", "10.0.0.2"]),
                source_port: s(&["22"]),
                ..Default::default()
            },
            FlowFilter {
                source_ip: s(&["10.0.0.1", "10.0.0.2"]),
                destination_port: s(&["22"]),
                ..Default::default()
            },
        ]
    );
}

#[test]
fn not_mistakes() {
    assert_eq!(
        run(&[(F::Not, ""), (F::Not, ""), (F::Ip, "1.1.1.1")]),
        Err(FlagError("consecutive --not statements".into()))
    );
    assert_eq!(
        run(&[(F::Ip, "1.1.1.1"), (F::Not, "")]),
        Err(FlagError("trailing --not found in the arguments".into()))
    );
}

#[test]
fn types_and_subtypes() {
    let cases = [
        ("trace", event(4, None)),
        ("drop", event(1, None)),
        ("capture", event(3, None)),
        ("l7", event(129, None)),
        ("policy-verdict", event(5, None)),
        ("trace-sock", event(7, None)),
        ("debug", event(2, None)),
        ("agent", event(130, None)),
        ("trace:to-network", event(4, Some(11))),
        ("trace:from-network", event(4, Some(10))),
        ("trace:to-stack", event(4, Some(3))),
        ("trace:to-crypto", event(4, Some(13))),
        ("trace:from-crypto", event(4, Some(12))),
        ("trace:to-endpoint", event(4, Some(0))),
        ("trace:7", event(4, Some(7))),
        ("drop:133", event(1, Some(133))),
        ("agent:policy-updated", event(130, Some(5))),
        ("4", event(4, None)),
        ("4:11", event(4, Some(11))),
    ];
    for (v, want) in cases {
        assert_eq!(
            white(&[(F::Type, v)]),
            vec![FlowFilter { event_type: vec![want], ..Default::default() }],
            "{v}"
        );
    }
    assert_eq!(
        white(&[(F::Type, "drop"), (F::Type, "trace:to-network")]),
        vec![FlowFilter {
            event_type: vec![event(1, None), event(4, Some(11))],
            ..Default::default()
        }]
    );
    for bad in ["bogus", "trace:to-nowhere", "4:to-network", "-1"] {
        assert!(run(&[(F::Type, bad)]).is_err(), "{bad}");
    }
}

#[test]
fn trace_audit_selects_the_audit_verdict() {
    let audit = vec![FlowFilter { verdict: vec![Verdict::Audit as i32], ..Default::default() }];
    assert_eq!(white(&[(F::Type, "trace-audit")]), audit);
    assert_eq!(white(&[(F::Type, "trace-audit"), (F::Type, "trace-audit")]), audit);
    assert_eq!(
        white(&[(F::Type, "trace-audit"), (F::ToPort, "443")]),
        vec![FlowFilter {
            verdict: vec![Verdict::Audit as i32],
            destination_port: s(&["443"]),
            ..Default::default()
        }]
    );
    let negated = run(&[(F::Not, ""), (F::Type, "trace-audit")]).expect("filters");
    assert_eq!(negated.blacklist, audit);
    for bad in [
        vec![(F::Type, "trace-audit"), (F::Type, "drop")],
        vec![(F::Type, "drop"), (F::Type, "trace-audit")],
        vec![(F::Type, "trace-audit"), (F::Verdict, "DROPPED")],
        vec![(F::Verdict, "DROPPED"), (F::Type, "trace-audit")],
    ] {
        assert!(run(&bad).is_err(), "{bad:?}");
    }
    // The blacklist is a separate list.
    assert!(run(&[(F::Verdict, "DROPPED"), (F::Not, ""), (F::Type, "trace-audit")]).is_ok());
}

#[test]
fn values_are_checked() {
    let bad: &[(F, &str, &str)] = &[
        (F::Verdict, "dropped", "invalid --verdict value: dropped"),
        (F::DropReasonDesc, "", "empty --drop-reason-desc value"),
        (F::DropReasonDesc, "NOPE", "invalid --drop-reason-desc value: NOPE"),
        (F::TcpFlags, "syn,xyz", "unknown tcp flag: xyz"),
        (
            F::TrafficDirection,
            "sideways",
            "sideways: invalid traffic direction, expected ingress or egress",
        ),
        (F::IpTraceId, "0", "invalid --ip-trace-id value: 0"),
        (F::HttpHeader, "nocolon", "invalid http-header value \"nocolon\", expected name:value"),
    ];
    for (flag, value, msg) in bad {
        assert_eq!(run(&[(*flag, value)]), Err(FlagError(msg.to_string())), "--{}", flag.long());
    }
    let id = run(&[(F::Identity, "nobody")]).expect_err("identity");
    assert!(
        id.0.starts_with("invalid security identity \"nobody\", expected one of [host world"),
        "{id}"
    );
}

#[test]
fn conflicting_flags() {
    assert_eq!(
        run(&[(F::Port, "80"), (F::ToPort, "81")]),
        Err(FlagError("filters --port and --to-port cannot be combined".into()))
    );
    assert_eq!(
        run(&[(F::FromIp, "1.1.1.1"), (F::Ip, "2.2.2.2")]),
        Err(FlagError("filters --from-ip and --ip cannot be combined".into()))
    );
    assert_eq!(
        run(&[(F::Encrypted, ""), (F::Unencrypted, "")]),
        Err(FlagError("filters --encrypted and --unencrypted cannot be combined".into()))
    );
    // Each list is checked on its own.
    assert!(run(&[(F::Port, "80"), (F::Not, ""), (F::ToPort, "81")]).is_ok());
}

#[test]
fn namespaces_fold_into_pods_and_services() {
    assert_eq!(
        white(&[(F::Namespace, "kube-system")]),
        vec![
            FlowFilter { source_pod: s(&["kube-system/"]), ..Default::default() },
            FlowFilter { destination_pod: s(&["kube-system/"]), ..Default::default() },
        ]
    );
    assert_eq!(
        white(&[(F::ToNamespace, "ns"), (F::ToService, "web")]),
        vec![FlowFilter { destination_service: s(&["ns/web"]), ..Default::default() }]
    );
    assert_eq!(
        white(&[(F::FromAllNamespaces, "")]),
        vec![FlowFilter { source_pod: s(&["/"]), ..Default::default() }]
    );
    assert!(run(&[(F::ToNamespace, "a"), (F::ToPod, "b/web")]).is_err());
}
