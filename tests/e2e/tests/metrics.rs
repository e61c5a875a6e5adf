//! `curl localhost:9962/metrics` on a VM shows drop and forward counters that match the traffic
//! the test generated, and Hubble's metrics on 9965 count the same traffic with upstream's
//! names.

use std::time::Duration;

use testbed::{SEED_VMS, sweep_stale, unique_prefix, wait_for};

/// The value of a sample (`name{labels} value`) in a scrape; 0 when absent.
fn sample(scrape: &str, name_and_labels: &str) -> f64 {
    scrape.lines().find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok()).unwrap_or(0.0)
}

fn scrape(vm: &testbed::Vm) -> String {
    scrape_port(vm, 9962)
}

pub(crate) fn scrape_port(vm: &testbed::Vm, port: u16) -> String {
    let url = format!("http://127.0.0.1:{port}/metrics");
    String::from_utf8_lossy(&vm.run(&["curl", "-s", &url]).expect("scrape").stdout).into_owned()
}

const HUBBLE_METRICS: &str = "  metrics:\n    enabled: [drop, tcp, flow, port-distribution, icmp, \"policy:sourceContext=ip\"]\n";

#[test]
fn metrics_count_the_traffic() {
    sweep_stale();
    let hubble_metrics_on_vm2 = |vm: &str, config: String| {
        if vm != "vm2" {
            return config;
        }
        config.replace(
            "hubble:\n  enabled: true\n",
            &format!("hubble:\n  enabled: true\n{HUBBLE_METRICS}"),
        )
    };
    let mut tb = testbed::seed_cluster_configured(
        &unique_prefix(),
        SEED_VMS,
        &["vm1", "vm2", "vm3"],
        &[("vm1", &[("app", "frontend")]), ("vm2", &[("app", "backend")])],
        &hubble_metrics_on_vm2,
    )
    .expect("cluster");
    let (vm2, vm3) = (tb.vm("vm2").clone(), tb.vm("vm3").clone());
    tb.spawn("vm2", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.11"])
        .expect("server");
    let policy =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/policies/frontend-to-backend.yaml");
    vm2.run(&["cilium", "policy", "apply", policy]).expect("apply");
    wait_for("the policy", Duration::from_secs(10), || {
        sample(&scrape(&vm2), "cilium_policy{}") == 1.0
    })
    .expect("policy");

    let denied = r#"cilium_drop_count_total{reason="Policy denied",direction="INGRESS"}"#;
    let before = sample(&scrape(&vm2), denied);
    // Five connection attempts, each a single SYN (the client gives up before any retransmit).
    let attempts = "import socket\nfor _ in range(5):\n  s=socket.socket(); s.settimeout(0.3)\n  try: s.connect(('192.168.1.11', 8080))\n  except OSError: pass\n  s.close()";
    vm3.run(&["python3", "-c", attempts]).expect("attempts");
    wait_for("the drops to be counted", Duration::from_secs(5), || {
        sample(&scrape(&vm2), denied) >= before + 5.0
    })
    .expect("counted");
    assert_eq!(sample(&scrape(&vm2), denied), before + 5.0, "exactly the five SYNs");
    // Bytes are IP lengths: exactly what arrived, as a capture of the attempts measures it.
    let denied_bytes = r#"cilium_drop_bytes_total{reason="Policy denied",direction="INGRESS"}"#;
    let (packets_before, bytes_before) =
        (sample(&scrape(&vm2), denied), sample(&scrape(&vm2), denied_bytes));
    let seen = tb
        .start_capture("vm2", "cilium_wg0", "tcp port 8080 and src 192.168.1.12")
        .expect("capture");
    vm3.run(&["python3", "-c", attempts]).expect("attempts");
    let ip_lengths: Vec<f64> = seen
        .finish_with(&["-v"])
        .expect("capture")
        .iter()
        .filter(|l| l.contains("proto TCP"))
        .filter_map(|l| l.rsplit_once("length ")?.1.trim_end_matches(')').parse().ok())
        .collect();
    assert!(!ip_lengths.is_empty(), "the capture saw the attempts");
    let expected: f64 = ip_lengths.iter().sum();
    wait_for("the bytes to be counted", Duration::from_secs(5), || {
        sample(&scrape(&vm2), denied_bytes) >= bytes_before + expected
    })
    .expect("counted");
    assert_eq!(sample(&scrape(&vm2), denied_bytes), bytes_before + expected, "{ip_lengths:?}");
    assert_eq!(sample(&scrape(&vm2), denied), packets_before + ip_lengths.len() as f64);

    // Forwarded: every packet of an HTTP exchange from vm1 is counted twice on its way in,
    // encrypted on eth0 and decrypted on cilium_wg0 (plus whatever else arrived meanwhile).
    let fwd = r#"cilium_forward_count_total{direction="INGRESS"}"#;
    let fwd_bytes = r#"cilium_forward_bytes_total{direction="INGRESS"}"#;
    let (before, bytes_before) = (sample(&scrape(&vm2), fwd), sample(&scrape(&vm2), fwd_bytes));
    let vm1 = tb.vm("vm1").clone();
    let capture = tb.start_capture("vm2", "cilium_wg0", "-Q in tcp port 8080").expect("capture");
    assert!(vm1.http_ok("http://192.168.1.11:8080/"));
    // The client's last packets (its ACKs and FIN) may still be on their way when curl is done.
    wait_for("the exchange's packets in the capture", Duration::from_secs(5), || {
        capture.seen().is_ok_and(|s| s.len() >= 4)
    })
    .expect("captured");
    let seen = capture.finish().expect("capture");
    let inner_bytes: f64 = seen
        .iter()
        .filter_map(|l| l.rsplit_once("length ")?.1.trim().parse::<f64>().ok())
        .map(|payload| payload + 52.0)
        .sum();
    let (after, bytes_after) = (sample(&scrape(&vm2), fwd), sample(&scrape(&vm2), fwd_bytes));
    assert!(seen.len() >= 4, "an HTTP exchange: {seen:#?}");
    assert!(
        after - before >= 2.0 * seen.len() as f64,
        "{} packets of the exchange arrived, counted {}",
        seen.len(),
        after - before
    );
    assert!(
        bytes_after - bytes_before >= inner_bytes,
        "at least the exchange's {inner_bytes} bytes, counted {}",
        bytes_after - bytes_before
    );

    // Hubble's metrics saw the same traffic: the ten denied SYNs from vm3 (each a policy
    // verdict and a drop), the allowed exchange from vm1, and a ping (which vm2's policy
    // denies: ICMP messages are counted whatever the verdict).
    vm1.exec(&["ping", "-c", "1", "-W", "1", "192.168.1.11"]).expect("ping");
    let hubble = |s: &str, series: &str| sample(s, series);
    let mut h = String::new();
    wait_for("Hubble's metrics", Duration::from_secs(10), || {
        h = scrape_port(&vm2, 9965);
        hubble(&h, r#"hubble_icmp_total{family="IPv4",type="EchoRequest"}"#) >= 1.0
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{h}"));
    assert!(
        hubble(&h, r#"hubble_drop_total{reason="POLICY_DENIED",protocol="TCP"}"#) >= 10.0,
        "{h}"
    );
    assert!(
        hubble(
            &h,
            r#"hubble_policy_verdicts_total{direction="ingress",match="none",action="dropped",source="192.168.1.12"}"#
        ) >= 10.0,
        "{h}"
    );
    assert!(
        hubble(
            &h,
            r#"hubble_policy_verdicts_total{direction="ingress",match="l3-l4",action="forwarded",source="192.168.1.10"}"#
        ) >= 1.0,
        "{h}"
    );
    assert!(hubble(&h, r#"hubble_tcp_flags_total{flag="SYN",family="IPv4"}"#) >= 1.0, "{h}");
    assert!(
        hubble(&h, r#"hubble_port_distribution_total{protocol="TCP",port="8080"}"#) >= 1.0,
        "{h}"
    );
    assert!(h.contains(r#"hubble_flows_processed_total{protocol="TCP",type="PolicyVerdict",subtype="",verdict="DROPPED"}"#), "{h}");
    let status = vm2.run(&["cilium", "status"]).expect("status");
    assert!(String::from_utf8_lossy(&status.stdout).contains("Metrics: Ok"));

    // The dashboard's panels cover both servers.
    let s = format!("{}{h}", scrape(&vm2));
    for name in [
        "cilium_policy_max_revision",
        "cilium_policy_change_total",
        "cilium_unreachable_nodes",
        "cilium_node_connectivity_status",
        "cilium_node_connectivity_latency_seconds",
        "cilium_bpf_map_pressure",
        "cilium_errors_warnings_total",
        "cilium_wireguard_peers",
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
        "process_start_time_seconds",
        "process_max_fds",
    ] {
        assert!(s.contains(name), "{name} missing from the scrape");
    }
    assert_eq!(sample(&s, "cilium_unreachable_nodes{}"), 0.0);
    assert_eq!(sample(&s, "cilium_wireguard_peers{}"), 2.0);

    // The Grafana dashboard only queries series, and groups by labels, this scrape has.
    let series = |name: &str| -> Vec<&str> {
        s.lines()
            .filter(|l| l.strip_prefix(name).is_some_and(|rest| rest.starts_with(['{', ' '])))
            .collect()
    };
    let queries = dashboard_queries();
    let dashboard = dashboard_metrics(&queries);
    assert!(dashboard.len() >= 15, "dashboard queries found: {dashboard:?}");
    // The ClusterMesh row needs a mesh: `clustermesh::two_vm_clusters_meshed_through_their_etcds`
    // checks it against a meshed agent's scrape; the HTTP and L7 proxy panels need L7 traffic,
    // which `l7::seed_http_policy_is_enforced_per_request_and_seen_by_hubble` checks.
    let elsewhere = |n: &str| {
        ["cilium_clustermesh_", "hubble_http_", "cilium_policy_l7_", "cilium_proxy_"]
            .iter()
            .any(|p| n.contains(p))
    };
    for name in dashboard.iter().filter(|n| !elsewhere(n)) {
        assert!(
            !series(name).is_empty(),
            "the dashboard queries {name}, which the agent does not export"
        );
    }
    for q in queries.iter().filter(|q| !elsewhere(q)) {
        let metrics = dashboard_metrics(std::slice::from_ref(q));
        for label in query_labels(q) {
            // Prometheus adds these when it scrapes.
            if ["instance", "job"].contains(&label.as_str()) {
                continue;
            }
            let has = metrics
                .iter()
                .any(|m| series(m).iter().any(|l| l.contains(&format!("{label}=\""))));
            assert!(has, "the dashboard uses label {label} of {metrics:?}, which has none: {q}");
        }
    }
}

/// The labels a query groups by (`by (a, b)`) or selects on (`{a="x"}`).
fn query_labels(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = q;
    while let Some(i) = rest.find("by (") {
        let after = &rest[i + 4..];
        let end = after.find(')').unwrap_or(after.len());
        out.extend(after[..end].split(',').map(|l| l.trim().to_string()));
        rest = &after[end..];
    }
    let mut rest = q;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let end = after.find('}').unwrap_or(after.len());
        for matcher in after[..end].split(',') {
            let name: String = matcher
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
        rest = &after[end..];
    }
    out.retain(|l| !l.is_empty());
    out
}

/// The dashboard's queries (`expr` and variable `definition`s).
pub(crate) fn dashboard_queries() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/grafana/cilium-vm-agent.json");
    let text = std::fs::read_to_string(path).expect("dashboard");
    let json: serde_json::Value = serde_json::from_str(&text).expect("the dashboard is valid JSON");
    let mut queries = Vec::new();
    collect_queries(&json, &mut queries);
    queries
}

/// Every metric name in `queries`.
pub(crate) fn dashboard_metrics(queries: &[String]) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for q in queries {
        for token in q.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if ["cilium_", "hubble_", "process_"].iter().any(|p| token.starts_with(p)) {
                names.insert(token.to_string());
            }
        }
    }
    names
}

fn collect_queries(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("expr" | "definition", serde_json::Value::String(q)) => out.push(q.clone()),
                    _ => collect_queries(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_queries(v, out)),
        _ => {}
    }
}
