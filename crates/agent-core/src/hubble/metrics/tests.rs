use super::*;
use crate::hubble::proto::flow::{
    CiliumEventType, Endpoint, IcmPv4, Ip, Layer4, Tcp, TcpFlags, Udp,
};

fn flow(t: i32, verdict: Verdict, l4: layer4::Protocol) -> Flow {
    Flow {
        // Traces as our datapath records them: leaving for the network.
        event_type: Some(CiliumEventType {
            r#type: t,
            sub_type: if t == message_type::TRACE { 11 } else { 0 },
        }),
        verdict: verdict as i32,
        ip: Some(Ip {
            source: "192.168.1.10".into(),
            destination: "192.168.1.11".into(),
            ip_version: IpVersion::IPv4 as i32,
            ..Default::default()
        }),
        l4: Some(Layer4 { protocol: Some(l4) }),
        source: Some(Endpoint {
            identity: 6,
            labels: vec!["reserved:remote-node".into()],
            ..Default::default()
        }),
        destination: Some(Endpoint {
            identity: 1,
            labels: vec!["reserved:host".into()],
            ..Default::default()
        }),
        traffic_direction: TrafficDirection::Ingress as i32,
        ..Default::default()
    }
}

fn tcp(port: u32, syn: bool, ack: bool) -> layer4::Protocol {
    layer4::Protocol::Tcp(Tcp {
        source_port: 40000,
        destination_port: port,
        flags: Some(TcpFlags { syn, ack, ..Default::default() }),
    })
}

fn series(m: &HubbleMetrics, name: &str) -> Vec<(String, u64)> {
    m.families()
        .into_iter()
        .filter(|(n, _, _)| *n == name)
        .flat_map(|(_, _, s)| s)
        .map(|(labels, n)| {
            let l: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (l.join(","), n)
        })
        .collect()
}

fn all() -> HubbleMetrics {
    let entries: Vec<String> = SUPPORTED.iter().map(|s| s.to_string()).collect();
    HubbleMetrics::parse(&entries).expect("valid")
}

#[test]
fn known_traffic_gives_upstreams_series() {
    let m = all();
    let mut syn = flow(message_type::POLICY_VERDICT, Verdict::Forwarded, tcp(8080, true, false));
    syn.policy_match_type = 2;
    m.process(&syn);
    m.process(&flow(message_type::TRACE, Verdict::Forwarded, tcp(8080, true, true)));
    let mut denied = flow(message_type::DROP, Verdict::Dropped, tcp(22, true, false));
    denied.drop_reason_desc = DropReason::PolicyDenied as i32;
    m.process(&denied);
    m.process(&flow(
        message_type::TRACE,
        Verdict::Forwarded,
        layer4::Protocol::IcmPv4(IcmPv4 { r#type: 8, code: 0 }),
    ));
    m.process(&flow(
        message_type::TRACE,
        Verdict::Forwarded,
        layer4::Protocol::Udp(Udp { source_port: 1, destination_port: 53 }),
    ));

    assert_eq!(
        series(&m, "hubble_flows_processed"),
        [
            ("protocol=ICMPv4,type=Trace,subtype=to-network,verdict=FORWARDED".to_string(), 1),
            ("protocol=TCP,type=Drop,subtype=,verdict=DROPPED".to_string(), 1),
            ("protocol=TCP,type=PolicyVerdict,subtype=,verdict=FORWARDED".to_string(), 1),
            ("protocol=TCP,type=Trace,subtype=to-network,verdict=FORWARDED".to_string(), 1),
            ("protocol=UDP,type=Trace,subtype=to-network,verdict=FORWARDED".to_string(), 1),
        ]
    );
    assert_eq!(series(&m, "hubble_drop"), [("reason=POLICY_DENIED,protocol=TCP".to_string(), 1)]);
    assert_eq!(
        series(&m, "hubble_tcp_flags"),
        [("flag=SYN,family=IPv4".to_string(), 1), ("flag=SYN-ACK,family=IPv4".to_string(), 1)],
        "drops are not counted"
    );
    assert_eq!(
        series(&m, "hubble_port_distribution"),
        [
            ("protocol=ICMPv4,port=0".to_string(), 1),
            ("protocol=TCP,port=8080".to_string(), 2),
            ("protocol=UDP,port=53".to_string(), 1),
        ]
    );
    assert_eq!(series(&m, "hubble_icmp"), [("family=IPv4,type=EchoRequest".to_string(), 1)]);
    assert_eq!(
        series(&m, "hubble_policy_verdicts"),
        [("direction=ingress,match=l3-l4,action=forwarded".to_string(), 1)]
    );
}

#[test]
fn replies_and_the_hosts_own_verdicts_are_left_out() {
    let m = all();
    let mut reply = flow(message_type::TRACE, Verdict::Forwarded, tcp(40000, true, true));
    reply.is_reply = Some(pbjson_types::BoolValue { value: true });
    m.process(&reply);
    assert!(series(&m, "hubble_port_distribution").is_empty());
    let mut egress = flow(message_type::POLICY_VERDICT, Verdict::Forwarded, tcp(80, true, false));
    std::mem::swap(&mut egress.source, &mut egress.destination);
    m.process(&egress);
    assert!(series(&m, "hubble_policy_verdicts").is_empty());
}

#[test]
fn context_options_add_labels() {
    let m =
        HubbleMetrics::parse(
            &["drop:sourceContext=ip;destinationContext=reserved-identity".into()],
        )
        .expect("valid");
    let mut denied = flow(message_type::DROP, Verdict::Dropped, tcp(22, true, false));
    denied.drop_reason_desc = DropReason::PolicyDenied as i32;
    m.process(&denied);
    assert_eq!(
        series(&m, "hubble_drop"),
        [(
            "reason=POLICY_DENIED,protocol=TCP,source=192.168.1.10,destination=reserved:host"
                .to_string(),
            1
        )]
    );
}

#[test]
fn bad_entries_are_refused_with_the_reason() {
    let err = |e: &str| HubbleMetrics::parse(&[e.to_string()]).expect_err(e).to_string();
    assert!(err("dns").contains("DNS proxy"), "{}", err("dns"));
    assert!(err("flw").contains("unknown Hubble metric `flw`"));
    assert!(err("flow:sourceContext=bogus").contains("unknown context `bogus`"));
    assert!(err("flow:colour=red").contains("unknown option"));
    assert!(err("flow:sourceContext").contains("key=value"));
    assert!(HubbleMetrics::parse(&["flow".into(), "flow".into()]).is_err(), "twice");
}

#[test]
fn label_sets_are_bounded() {
    let m = HubbleMetrics::parse(&["drop:sourceContext=ip".into()]).expect("valid");
    for i in 0..(MAX_SERIES as u32 + 10) {
        let mut f = flow(message_type::DROP, Verdict::Dropped, tcp(22, true, false));
        if let Some(ip) = f.ip.as_mut() {
            ip.source = format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
        }
        m.process(&f);
    }
    assert_eq!(series(&m, "hubble_drop").len(), MAX_SERIES);
    assert_eq!(series(&m, "hubble_metrics_series_dropped"), [(String::new(), 10)]);
}

#[test]
fn http_v2_counts_responses_and_their_durations() {
    use crate::hubble::proto::flow::{Http, L7FlowType, Layer7};
    let m = HubbleMetrics::parse(&["httpV2:sourceContext=identity".to_string()]).expect("valid");
    let l7 = |t: L7FlowType, code: u32, latency_ns: u64, reply: bool| {
        let mut f = flow(message_type::L7, Verdict::Forwarded, tcp(8080, false, true));
        f.l7 = Some(Layer7 {
            r#type: t as i32,
            latency_ns,
            record: Some(layer7::Record::Http(Http {
                code,
                method: "GET".into(),
                url: "http://192.168.1.11:8080/public".into(),
                protocol: "HTTP/1.1".into(),
                headers: vec![],
            })),
        });
        if reply {
            // A response goes from the server (the host) to the client.
            std::mem::swap(&mut f.source, &mut f.destination);
        }
        f.is_reply = Some(pbjson_types::BoolValue { value: reply });
        f
    };
    m.process(&l7(L7FlowType::Request, 0, 0, false));
    m.process(&l7(L7FlowType::Response, 200, 3_000_000, true));
    m.process(&l7(L7FlowType::Response, 403, 0, true));
    let mut got = series(&m, "hubble_http_requests");
    got.sort();
    // The context is the client's side, also for the response.
    assert_eq!(
        got,
        vec![
            ("method=GET,protocol=HTTP/1.1,status=200,reporter=server,source=reserved:remote-node".to_string(), 1),
            ("method=GET,protocol=HTTP/1.1,status=403,reporter=server,source=reserved:remote-node".to_string(), 1),
        ]
    );
    let text = crate::metrics::render_counters(&m.families(), &m.histograms());
    assert!(text.contains("# TYPE hubble_http_request_duration_seconds histogram"), "{text}");
    assert!(
        text.contains("hubble_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",reporter=\"server\",source=\"reserved:remote-node\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("hubble_http_request_duration_seconds_count{method=\"GET\",reporter=\"server\",source=\"reserved:remote-node\"} 2"),
        "{text}"
    );
    assert!(text.contains("hubble_http_requests_total{method=\"GET\""), "{text}");
    let e = HubbleMetrics::parse(&["http".to_string()]).expect_err("refused");
    assert!(e.to_string().contains("use httpV2"), "{e}");
}
