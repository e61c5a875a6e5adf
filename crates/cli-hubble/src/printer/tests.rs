use agent_core::hubble::proto::observer::GetFlowsResponse;
use agent_core::hubble::proto::observer::get_flows_response::ResponseTypes;
use agent_core::hubble::proto::relay::{NodeState, NodeStatusEvent};

use super::*;
use crate::testdata::{self, golden};

fn render(opts: Options, responses: &[GetFlowsResponse]) -> (String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut p = Printer::new(opts, &mut out, Some(&mut err));
    for r in responses {
        p.write(r).expect("write");
    }
    p.finish().expect("finish");
    (String::from_utf8(out).expect("utf-8"), String::from_utf8(err).expect("utf-8"))
}

fn opts(output: Output) -> Options {
    Options { output, ip_translation: true, ..Options::default() }
}

fn stdout(o: Options) -> String {
    let (out, err) = render(o, &testdata::responses());
    assert_eq!(err, "");
    out
}

#[test]
fn compact() {
    golden("compact.txt", stdout(opts(Output::Compact)));
}

#[test]
fn compact_with_node_name_and_policy_names() {
    golden(
        "compact-node-policy.txt",
        stdout(Options { node_name: true, policy_names: true, ..opts(Output::Compact) }),
    );
}

#[test]
fn compact_numeric_and_other_time_format() {
    golden(
        "compact-numeric-rfc3339.txt",
        stdout(Options {
            ip_translation: false,
            layout: Layout::Rfc3339Nano,
            ..opts(Output::Compact)
        }),
    );
}

#[test]
fn compact_in_color() {
    let (out, _) = render(
        Options { color: true, ..opts(Output::Compact) },
        &[testdata::response(testdata::trace_syn())],
    );
    assert_eq!(
        out,
        "Aug 21 12:12:18.510: \x1b[36m192.168.1.10:\x1b[33m54321\x1b[0m\x1b[0m \x1b[35m(host)\x1b[0m -> \
         \x1b[36m192.168.1.11:\x1b[33m8080\x1b[0m\x1b[0m \x1b[35m(ID:54321)\x1b[0m to-network \
         \x1b[32mFORWARDED\x1b[0m (TCP Flags: SYN)\n"
    );
}

#[test]
fn dict() {
    golden("dict.txt", stdout(opts(Output::Dict)));
}

#[test]
fn dict_with_node_name() {
    golden("dict-node.txt", stdout(Options { node_name: true, ..opts(Output::Dict) }));
}

#[test]
fn table() {
    golden("table.txt", stdout(opts(Output::Table)));
}

#[test]
fn table_with_node_name_never_colors() {
    golden(
        "table-node.txt",
        stdout(Options { node_name: true, color: true, ..opts(Output::Table) }),
    );
}

#[test]
fn json() {
    golden("json.txt", stdout(opts(Output::Json)));
}

#[test]
fn json_lines_parse_back_to_the_same_responses() {
    let out = stdout(opts(Output::Json));
    let parsed: Vec<GetFlowsResponse> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(parsed, testdata::responses());
}

#[test]
fn server_text_cannot_drive_the_terminal() {
    let mut f = testdata::icmp_echo();
    f.summary = "\x1b[2Jgotcha\r".into();
    let (out, _) = render(opts(Output::Compact), &[testdata::response(f)]);
    assert!(out.ends_with("(^[[2Jgotcha\\r)\n"), "{out}");
}

fn node_status(state: NodeState) -> GetFlowsResponse {
    GetFlowsResponse {
        node_name: "relay".into(),
        time: testdata::lost().time,
        response_types: Some(ResponseTypes::NodeStatus(NodeStatusEvent {
            state_change: state as i32,
            node_names: vec!["vm-2".into(), "vm-3".into()],
            message: String::new(),
        })),
    }
}

#[test]
fn node_status_goes_to_stderr_and_only_when_alarming() {
    let events = [node_status(NodeState::NodeConnected), node_status(NodeState::NodeUnavailable)];
    let (out, err) = render(opts(Output::Compact), &events);
    assert_eq!(out, "");
    assert_eq!(err, "Aug 21 12:12:24.000 [relay]: 2 nodes are unavailable: vm-2, vm-3\n");

    let (_, err) = render(Options { debug: true, ..opts(Output::Compact) }, &events);
    assert_eq!(
        err,
        "Aug 21 12:12:24.000 [relay]: Receiving flows from 2 nodes: vm-2, vm-3\n\
         Aug 21 12:12:24.000 [relay]: 2 nodes are unavailable: vm-2, vm-3\n"
    );

    let mut out = Vec::new();
    let mut p = Printer::new(opts(Output::Compact), &mut out, None::<Vec<u8>>);
    p.write(&events[1]).expect("write");
    assert!(out.is_empty());
}

#[test]
fn long_node_lists_are_cut() {
    let names: Vec<String> = (0..20).map(|i| format!("node-{i:02}")).collect();
    assert_eq!(
        join_with_cut_off(&names, ", ", 50),
        "node-00, node-01, node-02, node-03, node-04 (and 15 more)"
    );
}

#[test]
fn output_names() {
    assert_eq!(Output::parse("jsonpb"), Ok(Output::Json));
    assert_eq!(Output::parse("tab"), Ok(Output::Table));
    assert!(Output::parse("yaml").is_err());
}

#[test]
fn kafka_types_and_ip_trace_ids_print_as_upstream() {
    use agent_core::hubble::proto::flow::{Flow, IpTraceId, Kafka, Layer7, layer7};
    let f = Flow {
        l7: Some(Layer7 {
            r#type: 1,
            record: Some(layer7::Record::Kafka(Kafka {
                topic: "orders".into(),
                ..Default::default()
            })),
            ..Default::default()
        }),
        ip_trace_id: Some(IpTraceId { trace_id: 42, ip_option_type: 136 }),
        summary: "TCP Flags: ACK".into(),
        ..Default::default()
    };
    assert_eq!(flow::flow_type(&f), "kafka-request");
    assert_eq!(flow::summary(&f, Palette(false)), "IP Trace ID: 42; TCP Flags: ACK");
}

#[test]
fn the_default_field_mask_keeps_everything_the_text_formats_print() {
    let paths: Vec<String> = DEFAULT_FIELD_MASK.iter().map(|p| p.to_string()).collect();
    let mask = agent_core::hubble::fieldmask::FieldMask::new(&paths).expect("valid").expect("some");
    let full = testdata::responses();
    let masked: Vec<GetFlowsResponse> = full
        .iter()
        .map(|r| match &r.response_types {
            Some(ResponseTypes::Flow(f)) => GetFlowsResponse {
                response_types: Some(ResponseTypes::Flow(mask.apply(f))),
                ..r.clone()
            },
            _ => r.clone(),
        })
        .collect();
    assert_ne!(full, masked, "the mask drops something of the samples");
    for output in [Output::Compact, Output::Dict, Output::Table] {
        for (node_name, policy_names, ip_translation) in
            [(false, false, true), (true, true, true), (true, true, false)]
        {
            let o =
                Options { output, node_name, policy_names, ip_translation, ..Options::default() };
            assert_eq!(render(o.clone(), &full), render(o, &masked), "{output:?}");
        }
    }
}
