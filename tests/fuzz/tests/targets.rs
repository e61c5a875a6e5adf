//! Every parser of outside input, fuzzed for a fixed number of cases (`FUZZ_CASES`, default
//! below) from the corpora in `corpus/`. A failure prints the seed and the saved input; fix
//! the parser and keep the input as a unit test beside it.

use std::collections::BTreeMap;
use std::path::Path;

use agent_core::api::models::{DaemonConfigurationSpec, LabelConfigurationSpec};
use agent_core::api::options::RuntimeOptions;
use agent_core::hubble::fieldmask::FieldMask;
use agent_core::hubble::filter::FlowFilters;
use agent_core::hubble::proto::flow::{
    self, CiliumEventType, Endpoint, EventTypeFilter, Flow, FlowFilter, HttpHeader, Ip, Layer4,
    Layer7, Tcp, layer4, layer7,
};
use agent_core::hubble::proto::observer::GetFlowsRequest;
use agent_core::nodes::announce::{self, Announcement, ReplayGuard, Secret};
use agent_core::nodes::kvstore as node_entries;
use agent_core::policy::resolve::{Inputs, Resolver};
use fuzz::{Settings, Target, corpus};
use hmac::{Hmac, Mac};
use prost::Message;

/// Cases per target in a default run: enough to walk well past the seeds in a few seconds.
const CASES: u64 = 4_000;

const SECRET: &[u8] = b"fuzzing-secret-of-32-bytes-long!";
const CLUSTER: &str = "vm-cluster";

fn fuzz(
    name: &str,
    seeds: Vec<Vec<u8>>,
    dictionary: &[&str],
    check: &(dyn Fn(&[u8]) -> String + Sync),
) {
    let settings = Settings::from_env(CASES);
    let target = Target { name, seeds, dictionary, check };
    match fuzz::run(&target, &settings) {
        Ok(r) => eprintln!(
            "fuzz {name}: {} cases, {} outcomes, corpus {}, slowest {:?} (FUZZ_SEED={})",
            r.cases, r.signatures, r.corpus, r.slowest, settings.seed
        ),
        Err(f) => panic!("fuzz {name} (FUZZ_SEED={}): {f}", settings.seed),
    }
}

fn text(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// The first words of an error: which check refused, without the positions and values.
fn kind(e: impl std::fmt::Display) -> String {
    let s = e.to_string();
    s.split(|c: char| !c.is_alphabetic() && c != ' ')
        .next()
        .unwrap_or("")
        .chars()
        .take(40)
        .collect()
}

const POLICY_WORDS: &[&str] = &[
    "apiVersion: cilium.io/v2\n",
    "kind: CiliumClusterwideNetworkPolicy\n",
    "kind: CiliumNetworkPolicy\n",
    "metadata:\n  name: x\n",
    "spec:\n",
    "specs:\n",
    "nodeSelector:",
    "endpointSelector:",
    "matchLabels:",
    "matchExpressions:",
    "operator: In",
    "operator: DoesNotExist",
    "ingress:",
    "egress:",
    "ingressDeny:",
    "egressDeny:",
    "fromEndpoints:",
    "toEndpoints:",
    "fromNodes:",
    "toNodes:",
    "fromCIDR:",
    "toCIDRSet:",
    "except:",
    "fromEntities:",
    "toEntities:",
    "- world",
    "- cluster",
    "- remote-node",
    "- host",
    "- all",
    "toPorts:",
    "ports:",
    "- port: \"80\"",
    "port: \"1-65535\"",
    "endPort: 0",
    "protocol: TCP",
    "protocol: ICMP",
    "icmps:",
    "fields:",
    "rules:",
    "http:",
    "enableDefaultDeny:",
    "auditMode: true",
    "description:",
    "10.0.0.0/8",
    "::/0",
    "fe80::1%eth0/64",
    "---\n",
    "...\n",
    "&anchor ",
    "*anchor",
    "<<: *anchor",
    "!!str ",
    "? complex\n",
    "|\n  ",
    ">-\n  ",
    "\"\\u0000\"",
    "'it''s'",
    "{\"apiVersion\":\"cilium.io/v2\",",
    "\"spec\":{",
    "node:",
    "reserved:host",
    "k8s:io.kubernetes.pod.namespace",
];

#[test]
fn policy_files() {
    let inputs = Inputs {
        local_labels: [("app", "backend"), ("cluster", CLUSTER), ("reserved:host", "")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        nodes: vec![(
            256,
            [("app", "frontend")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            vec!["192.168.1.10".parse().expect("ip")],
        )],
        ..Default::default()
    };
    let check = move |b: &[u8]| match agent_core::policy::parse::parse("fuzz.yaml", &text(b)) {
        Ok(policies) => {
            let state = Resolver::default().resolve(&policies, &inputs);
            format!("ok:{}:{}", policies.len().min(4), state.entries.len().min(8))
        }
        Err(errors) => {
            let e = errors.first();
            // The field's path without indices and at most 4 deep: where the parser refused,
            // not which of the mutator's invented keys it refused.
            let path: Vec<String> = e
                .map_or("", |e| e.path.as_str())
                .split('.')
                .take(4)
                .map(|p| p.chars().filter(|c| !c.is_ascii_digit()).collect())
                .collect();
            let path = path.join(".");
            format!("err:{path}:{}", e.map(|e| kind(&e.message)).unwrap_or_default())
        }
    };
    fuzz("policy", corpus("policy"), POLICY_WORDS, &check);
}

const CONFIG_WORDS: &[&str] = &[
    "cluster:\n  name: x\n",
    "nodes:\n",
    "  - name: vm1\n    ip: 192.168.1.10\n",
    "labels:\n",
    "encryption:\n",
    "  enabled: true\n",
    "  type: wireguard\n",
    "  backend: userspace\n",
    "  strictMode: true\n",
    "  persistentKeepalive: 25s\n",
    "  keyRotationInterval: 24h\n",
    "hostFirewall:\n",
    "  failsafePorts:\n",
    "  - 22/tcp\n",
    "policyEnforcementMode: default\n",
    "hubble:\n",
    "  listenAddress: \":4244\"\n",
    "  tcpClients: any\n",
    "prometheus:\n  port: 9962\n",
    "etcd:\n",
    "  endpoints:\n  - http://127.0.0.1:2379\n",
    "  leaseTTL: 15m\n",
    "  config: /etc/cilium/etcd.yaml\n",
    "healthChecking:\n  interval: 1ms\n",
    "bpf:\n  ctMax: 0\n",
    "  mapDynamicSizeRatio: 1.5\n",
    "devices: [eth0, \"*\"]\n",
    "k8s:\n  enabled: false\n",
    "logLevel: trace\n",
    "10ms",
    "-1s",
    "1h2m3s4ms5us6ns",
    "[::]:0",
    "0.0.0.0:65536",
];

#[test]
fn config_files() {
    let path = Path::new("/etc/cilium/config.yaml");
    let check = |b: &[u8]| match agent_core::config::from_text(path, &text(b)) {
        Ok(loaded) => format!("ok:{}", loaded.warnings.len().min(3)),
        Err(errors) => match errors.0.first() {
            // An unknown key's name is whatever the mutator wrote: one outcome for all of them.
            Some(e) if e.message.starts_with("unknown key") => "err:unknown key".into(),
            Some(e) => format!("err:{}:{}", e.key, kind(&e.message)),
            None => "err".into(),
        },
    };
    fuzz("config", corpus("config"), CONFIG_WORDS, &check);
}

fn secret() -> Secret {
    use base64::Engine;
    Secret::from_base64(&base64::engine::general_purpose::STANDARD.encode(SECRET)).expect("secret")
}

fn sample_announcement() -> Announcement {
    Announcement {
        cluster: CLUSTER.into(),
        name: "vm2".into(),
        ips: vec!["192.168.1.11".parse().expect("ip"), "fd00::11".parse().expect("ip")],
        labels: [("app", "backend"), ("env", "prod")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        wg_public_key: "x3EEK+qSVsfXNPNnQGmDBXDQ9KJZ8QSEU1uUAS5lUH0=".into(),
        wg_port: 51871,
        endpoint: None,
        key_index: 3,
        version: "0.1.0".into(),
        timestamp: 1_764_000_000_000,
        nonce: "00112233445566778899aabbccddeeff".into(),
        bootstrap: false,
    }
}

const ANNOUNCE_WORDS: &[&str] = &[
    "\"body\":",
    "\"mac\":",
    "\"cluster\":\"vm-cluster\"",
    "\"name\":",
    "\"ips\":[",
    "\"::ffff:192.168.1.11\"",
    "\"labels\":{",
    "\"reserved:host\":\"\"",
    "\"wgPublicKey\":",
    "\"wgPort\":",
    "\"keyIndex\":",
    "\"timestamp\":",
    "\"nonce\":",
    "\"bootstrap\":true",
    "\\\"",
    "\\u0000",
    "\\ud800",
    "null",
];

/// A signed line as a node sends it, with whatever body the mutator made: the MAC verifies,
/// so everything after it (the body's JSON, content checks, the replay guard) is reached.
fn sealed(body: &str) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET).expect("any key length");
    mac.update(body.as_bytes());
    let tag: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    serde_json::json!({ "body": body, "mac": tag }).to_string()
}

fn announcement_outcome(
    r: Result<Announcement, announce::Rejected>,
    guard: &mut ReplayGuard,
) -> String {
    match r.and_then(|a| announce::check_content(&a).map(|()| a)) {
        Ok(a) => match guard.admit(&a, a.timestamp) {
            Ok(f) => format!("ok:{f:?}:{}:{}", a.ips.len().min(3), a.labels.len().min(3)),
            Err(e) => format!("admit:{}", e.reason()),
        },
        Err(e) => format!("err:{}", e.reason()),
    }
}

#[test]
fn announcement_bodies() {
    let secret = secret();
    let guard = std::sync::Mutex::new(ReplayGuard::default());
    let check = |b: &[u8]| {
        let line = sealed(&text(b));
        let mut guard = guard.lock().unwrap_or_else(|p| p.into_inner());
        announcement_outcome(announce::verify_stored(&secret, CLUSTER, &line), &mut guard)
    };
    let seeds = vec![
        serde_json::to_vec(&sample_announcement()).expect("json"),
        serde_json::to_vec(&Announcement {
            bootstrap: true,
            labels: BTreeMap::new(),
            ..sample_announcement()
        })
        .expect("json"),
    ];
    fuzz("announcement-body", seeds, ANNOUNCE_WORDS, &check);
}

#[test]
fn announcement_lines() {
    let secret = secret();
    let guard = std::sync::Mutex::new(ReplayGuard::default());
    let check = |b: &[u8]| {
        let mut guard = guard.lock().unwrap_or_else(|p| p.into_inner());
        let now = sample_announcement().timestamp;
        announcement_outcome(announce::verify(&secret, CLUSTER, &text(b), now), &mut guard)
    };
    let seeds = vec![announce::seal(&secret, &sample_announcement()).into_bytes()];
    fuzz("announcement-line", seeds, ANNOUNCE_WORDS, &check);
}

#[test]
fn kvstore_node_entries() {
    let secret = secret();
    let a = sample_announcement();
    let key = node_entries::node_key(CLUSTER, &a.name);
    let check = |b: &[u8]| match node_entries::decode(&secret, CLUSTER, &key, b) {
        Ok(a) => format!("ok:{}", a.ips.len()),
        Err(e) => format!("err:{}", e.reason()),
    };
    let seeds = vec![node_entries::encode(&a, announce::seal(&secret, &a), 0)];
    let words = [
        "\"annotations\":{",
        "\"ipAddresses\":[",
        "\"Type\":\"InternalIP\"",
        "\"IP\":",
        "\"cluster-id\":",
        "\"Name\":",
        "\"Cluster\":",
    ];
    fuzz("kvstore-node", seeds, &words, &check);
}

#[test]
fn kvstore_identity_keys() {
    let check = |b: &[u8]| match agent_core::identity::kvstore::parse_label_string(&text(b)) {
        Some(l) => format!("ok:{}", l.len().min(4)),
        None => "none".into(),
    };
    let seeds =
        vec![b"node:app=backend;node:env=prod;".to_vec(), b"node:cluster=vm-cluster;".to_vec()];
    fuzz("identity-key", seeds, &["node:", ";", "=", "reserved:host"], &check);
}

fn sample_flows() -> Vec<Flow> {
    let l3 = Flow {
        uuid: "u-1".into(),
        verdict: flow::Verdict::Forwarded as i32,
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
                flags: Some(flow::TcpFlags { syn: true, ..Default::default() }),
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
        ..Default::default()
    };
    let l7 = Flow {
        l7: Some(Layer7 {
            r#type: 1,
            record: Some(layer7::Record::Http(flow::Http {
                code: 200,
                method: "GET".into(),
                url: "http://192.168.1.11:8080/api/v1%2Fitems?id=7".into(),
                protocol: "HTTP/1.1".into(),
                headers: vec![HttpHeader { key: "x-user".into(), value: "alice".into() }],
            })),
            ..Default::default()
        }),
        event_type: Some(CiliumEventType { r#type: 129, sub_type: 0 }),
        ..l3.clone()
    };
    vec![Flow::default(), l3, l7]
}

fn flow_requests() -> Vec<Vec<u8>> {
    let req = |whitelist: Vec<FlowFilter>, blacklist: Vec<FlowFilter>, mask: &[&str]| {
        GetFlowsRequest {
            number: 20,
            whitelist,
            blacklist,
            field_mask: (!mask.is_empty()).then(|| pbjson_types::FieldMask {
                paths: mask.iter().map(|p| p.to_string()).collect(),
            }),
            ..Default::default()
        }
        .encode_to_vec()
    };
    let ff = FlowFilter {
        source_ip: vec!["192.168.1.0/24".into(), "fd00::/8".into()],
        destination_port: vec!["8080".into()],
        source_label: vec!["app in (web, api),!debug".into()],
        node_name: vec!["vm-cluster/vm*".into()],
        http_method: vec!["GET".into()],
        http_path: vec!["^/api/.*".into()],
        dns_query: vec![".*\\.example\\.com".into()],
        event_type: vec![EventTypeFilter { r#type: 129, match_sub_type: false, sub_type: 0 }],
        verdict: vec![1, 2],
        protocol: vec!["tcp".into(), "http".into()],
        ..Default::default()
    };
    vec![
        req(vec![ff.clone()], vec![], &[]),
        req(vec![], vec![ff], &["source.labels", "l4", "time"]),
        req(
            vec![FlowFilter {
                ip_trace_id: vec![7],
                http_status_code: vec!["5+".into()],
                ..Default::default()
            }],
            vec![],
            &["ip.source"],
        ),
    ]
}

#[test]
fn hubble_requests() {
    let flows = sample_flows();
    let check = |b: &[u8]| {
        let Ok(req) = GetFlowsRequest::decode(b) else { return "undecodable".into() };
        let filters = match FlowFilters::compile(&req.whitelist, &req.blacklist) {
            Ok(f) => f,
            Err(e) => return format!("filter:{}", kind(e)),
        };
        let matched: usize = flows.iter().filter(|f| filters.matches(f)).count();
        let paths = req.field_mask.map(|m| m.paths).unwrap_or_default();
        match FieldMask::new(&paths) {
            Ok(Some(mask)) => {
                flows.iter().for_each(|f| drop(mask.apply(f)));
                format!("ok:{matched}:mask")
            }
            Ok(None) => format!("ok:{matched}"),
            Err(e) => format!("mask:{}", kind(e.0)),
        }
    };
    let words = [
        "source",
        "destination",
        "l4.TCP",
        "l7.http",
        "ip",
        "*",
        "(",
        ")",
        ",",
        "!",
        "in",
        "notin",
        "=",
        "\\",
        "[",
        "?",
    ];
    fuzz("hubble-request", flow_requests(), &words, &check);
}

#[test]
fn rest_bodies() {
    let options = RuntimeOptions::new(false, false);
    let check = |b: &[u8]| {
        let config = match serde_json::from_slice::<DaemonConfigurationSpec>(b) {
            Ok(spec) => match options.apply(&spec.options, &spec.policy_enforcement) {
                Ok(_) => "config-ok".to_string(),
                Err(e) => format!("config-err:{}", kind(e)),
            },
            Err(_) => "config-json".into(),
        };
        let labels = match serde_json::from_slice::<LabelConfigurationSpec>(b) {
            Ok(spec) => match agent_core::labels::user_labels(&spec.user) {
                Ok(l) => format!("labels-ok:{}", l.len().min(3)),
                Err(e) => format!("labels-err:{}", kind(e)),
            },
            Err(_) => "labels-json".into(),
        };
        format!("{config}/{labels}")
    };
    let seeds = vec![
        br#"{"options":{"Debug":"Enabled","PolicyAuditMode":"Disabled"},"policy-enforcement":"always"}"#.to_vec(),
        br#"{"user":["env=prod","node:tier=web","reserved:host"]}"#.to_vec(),
    ];
    let words = [
        "\"options\":{",
        "\"user\":[",
        "\"Debug\"",
        "\"Enabled\"",
        "\"true\"",
        "\"policy-enforcement\"",
        "\"never\"",
        "\"cluster=x\"",
    ];
    fuzz("rest-body", seeds, &words, &check);
}

#[test]
fn socket_tables() {
    let check = |b: &[u8]| {
        let (sockets, listening) = agent_core::datapath::ctseed::parse_table(&text(b), 6);
        format!("{}:{}", sockets.len().min(4), listening.len().min(4))
    };
    let seeds = vec![
        b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n   1: 0A01A8C0:0016 0B01A8C0:D431 01 00000000:00000000 02:000A7C5C 00000000     0        0 2 4 0000000000000000 20 4 30 10 -1\n".to_vec(),
        b"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 100 0 0 10 0\n".to_vec(),
    ];
    fuzz("socket-table", seeds, &[":", " ", "0A", "01", "FFFFFFFF"], &check);
}

#[test]
fn timestamps() {
    let check = |b: &[u8]| {
        let t = text(b);
        let a = agent_core::api::time::parse(&t).is_some();
        let h = agent_core::hubble::timestamp::Timestamp::parse_rfc3339(&t).is_some();
        format!("{a}:{h}")
    };
    let seeds = vec![
        b"2026-12-03T16:33:24.123456789Z".to_vec(),
        b"2026-12-03T16:33:24+05:30".to_vec(),
        b"5m".to_vec(),
        b"1h30m".to_vec(),
    ];
    fuzz("timestamp", seeds, &["T", "Z", "+", "-", ".", ":", "s", "m", "h", "ago"], &check);
}
