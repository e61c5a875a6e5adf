//! Config loading as the operator sees it: seed configs, precedence, and every error class.

use std::io::Write;

use super::*;

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(text.as_bytes()).expect("write");
    f
}

fn load_text(
    text: &str,
    env: &[(&str, &str)],
    overrides: &[(&str, &str)],
) -> Result<Loaded, ConfigErrors> {
    let f = file(text);
    load(&LoadRequest {
        file: Some(f.path().to_path_buf()),
        env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        overrides: overrides
            .iter()
            .map(|(k, v)| Override {
                flag: format!("--set {k}"),
                key: k.to_string(),
                value: v.to_string(),
            })
            .collect(),
    })
}

fn errors_of(text: &str) -> Vec<ConfigError> {
    load_text(text, &[], &[]).expect_err("config should be refused").0
}

const SEED_PRODUCTION: &str = r#"
cluster:
  name: production-vm-cluster
  id: 1
encryption:
  enabled: true
  nodeEncryption: true
  keyRotation: "12h"
bpf:
  mapDynamicSizeRatio: 0.0025
  preallocateMaps: true
  lbAlgorithm: maglev
mtu: 1418
resources:
  limits:
    cpu: "2"
    memory: "2Gi"
  requests:
    cpu: "500m"
    memory: "512Mi"
prometheus:
  enabled: true
  port: "9962"
debug:
  enabled: false
log:
  format: json
  level: info
healthChecking:
  enabled: true
  interval: "10s"
"#;

#[test]
fn example_config_loads() {
    let loaded =
        load_text(include_str!("../../../../deploy/config/config.yaml"), &[], &[]).expect("valid");
    let c = &loaded.config;
    assert_eq!(c.cluster_name, "vm-cluster");
    assert_eq!(c.cluster_id, 1);
    assert!(c.encryption.enabled && c.encryption.node_encryption);
    assert!(c.host_firewall);
    assert_eq!(c.ipam_mode, "host-scope");
    assert_eq!(c.nodes.len(), 2);
    assert_eq!(c.labels.get("node").map(String::as_str), Some("vm1"));
    assert_eq!(c.hubble.listen, Some((None, 4244)));
    assert_eq!(c.prometheus_port, Some(9962));
    assert_eq!(c.log_level, "info");
}

#[test]
fn seed_production_config_loads() {
    let loaded = load_text(SEED_PRODUCTION, &[], &[]).expect("valid");
    let c = &loaded.config;
    assert_eq!(c.encryption.key_rotation, Some(Duration::from_secs(12 * 3600)));
    assert_eq!(c.mtu, Some(1418));
    assert!(c.bpf_preallocate);
    assert_eq!(c.log_format, LogFormat::Json);
    assert_eq!(c.health_interval, Some(Duration::from_secs(10)));
    assert!(loaded.warnings.iter().any(|w| w.contains("resources")));
}

#[test]
fn seed_discovery_audit_and_sampling_keys() {
    let loaded = load_text(
        "cluster: {name: vm-cluster, id: 2}\netcd:\n  endpoints:\n    - http://192.168.1.100:2379\n\
         consul:\n  address: 192.168.1.100:8500\npolicyAuditMode: true\nmonitor:\n  sampling: 100\n\
         clustermesh:\n  config:\n    enabled: true\n    clusters:\n      - name: k8s-cluster\n        address: 10.0.0.100:2379\n",
        &[],
        &[],
    )
    .expect("valid");
    let c = &loaded.config;
    assert_eq!(c.etcd_endpoints, vec!["http://192.168.1.100:2379"]);
    assert!(c.policy_audit_mode);
    assert_eq!(c.monitor_sampling, 100);
    assert!(loaded.warnings.iter().any(|w| w.contains("consul")));
    assert_eq!(c.clustermesh.clusters.len(), 1);
    assert_eq!(c.clustermesh.clusters[0].name, "k8s-cluster");
    assert!(c.clustermesh.policy_default_local_cluster);
}

#[test]
fn typo_names_line_column_and_suggestion() {
    let errs = errors_of("cluster:\n  name: vm-cluster\nencrytion:\n  enabled: true\n");
    assert_eq!(errs.len(), 1);
    let msg = errs[0].to_string();
    assert!(msg.contains(":3:1: unknown key `encrytion`"), "{msg}");
    assert!(msg.contains("did you mean `encryption`?"), "{msg}");
}

#[test]
fn nested_typo_suggests_full_path() {
    let errs = errors_of("encryption:\n  nodeEncription: true\n");
    let msg = errs[0].to_string();
    assert!(msg.contains(":2:3:"), "{msg}");
    assert!(msg.contains("did you mean `encryption.nodeEncryption`?"), "{msg}");
}

#[test]
fn every_error_is_reported_in_file_order() {
    let errs = errors_of("cluster:\n  id: 999\nprometheus:\n  port: http\nfoo: 1\n");
    let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(errs.len(), 3, "{text:#?}");
    assert!(
        text[0].contains(":2:7: cluster.id: expected an integer from 0 to 255, found `999`"),
        "{}",
        text[0]
    );
    assert!(text[1].contains(":4:9: prometheus.port"), "{}", text[1]);
    assert!(text[2].contains(":5:1: unknown key `foo`"), "{}", text[2]);
}

#[test]
fn a_bad_list_element_is_reported_at_its_own_line() {
    let errs = errors_of(
        "nodes:\n  - 192.168.1.10\n  - 192.168.1.300\n  - {ip: nope}\nhostFirewall:\n  failsafePorts:\n    - tcp/22\n    - xyz/1\n",
    );
    let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(errs.len(), 3, "{text:#?}");
    assert!(text[0].contains(":3:5: nodes:") && text[0].contains("192.168.1.300"), "{}", text[0]);
    assert!(text[1].contains(":4:5: nodes:") && text[1].contains("nope"), "{}", text[1]);
    assert!(text[2].contains(":8:7: hostFirewall.failsafePorts:"), "{}", text[2]);
}

#[test]
fn k8s_enabled_is_refused() {
    let errs = errors_of("k8s:\n  enabled: true\n");
    assert!(errs[0].to_string().contains("k8s.enabled"));
    assert!(errs[0].to_string().contains("without Kubernetes"));
}

#[test]
fn wrong_shapes() {
    assert!(errors_of("encryption: true\n")[0].to_string().contains("must be a mapping"));
    assert!(errors_of("nodes: 192.168.1.10\n")[0].to_string().contains("expected a list"));
    assert!(errors_of("labels: [a]\n")[0].to_string().contains("expected a mapping"));
    assert!(errors_of("- a\n")[0].to_string().contains("top level must be a mapping"));
    assert!(errors_of("a: [\n")[0].to_string().contains("invalid YAML"));
    assert!(
        errors_of("nodes: [192.168.1.10, 192.168.1.10]\n")[0].to_string().contains("listed twice")
    );
    assert!(
        errors_of("cluster: {name: Bad_Name}\n")[0]
            .to_string()
            .contains("not a valid cluster name")
    );
    assert!(errors_of("labels: {\"bad key\": x}\n")[0].to_string().contains("label key"));
    assert!(
        errors_of("etcd: {endpoints: [192.168.1.100:2379]}\n")[0].to_string().contains("http://")
    );
    assert!(
        errors_of("hostFirewall: {failsafePorts: [ssh]}\n")[0].to_string().contains("tcp/PORT")
    );
    assert!(
        errors_of("a: 1\n---\nb: 2\n").iter().any(|e| e.to_string().contains("one YAML document"))
    );
}

#[test]
fn empty_file_means_defaults() {
    let c = load_text("", &[], &[]).expect("valid").config;
    assert_eq!(c.cluster_name, "default");
    assert!(!c.encryption.enabled);
    assert_eq!(c.run_dir, PathBuf::from("/var/run/cilium"));
    assert_eq!(c.hubble.event_buffer_capacity, 4095);
    assert_eq!(c.prometheus_port, None);
}

#[test]
fn missing_file_is_an_error() {
    let errs =
        load(&LoadRequest { file: Some("/nonexistent/config.yaml".into()), ..Default::default() })
            .expect_err("missing");
    assert!(errs.to_string().contains("cannot read the config file"));
}

#[test]
fn precedence_default_file_env_flag() {
    let text = "cluster:\n  name: from-file\n  id: 1\nhubble:\n  enabled: false\n";
    let l = load_text(text, &[("CILIUM_CLUSTER_NAME", "from-env")], &[]).expect("valid");
    assert_eq!(l.config.cluster_name, "from-env");
    let l =
        load_text(text, &[("CILIUM_CLUSTER_NAME", "from-env")], &[("cluster.name", "from-flag")])
            .expect("valid");
    assert_eq!(l.config.cluster_name, "from-flag");
    let origin_of =
        |l: &Loaded, k: &str| l.settings.iter().find(|s| s.key == k).map(|s| s.origin.kind());
    assert_eq!(origin_of(&l, "cluster.name"), Some("flag"));
    assert_eq!(origin_of(&l, "cluster.id"), Some("file"));
    assert_eq!(origin_of(&l, "hubble.enabled"), Some("file"));
    assert_eq!(origin_of(&l, "encryption.enabled"), Some("default"));
}

#[test]
fn seed_docker_environment() {
    let env = [
        ("CILIUM_CLUSTER_NAME", "vm-cluster"),
        ("CILIUM_CLUSTER_ID", "1"),
        ("CILIUM_ENCRYPTION_ENABLED", "true"),
        ("CILIUM_ENCRYPTION_NODEENCRYPTION", "true"),
        ("CILIUM_K8S_ENABLED", "false"),
        ("CILIUM_IPAM_MODE", "host-scope"),
        ("CILIUM_HOST_FIREWALL_ENABLED", "true"),
        ("CILIUM_HUBBLE_ENABLED", "true"),
        ("CILIUM_NODES", "192.168.1.10,192.168.1.11"),
        ("CILIUM_LABELS", "env=production,node=vm1"),
    ];
    let c = load_text("", &env, &[]).expect("valid").config;
    assert_eq!(c.cluster_name, "vm-cluster");
    assert_eq!(c.cluster_id, 1);
    assert!(
        c.encryption.enabled && c.encryption.node_encryption && c.host_firewall && c.hubble.enabled
    );
    assert_eq!(c.nodes.len(), 2);
    assert_eq!(c.labels.len(), 2);
}

#[test]
fn env_errors_name_the_variable() {
    let errs = load_text("", &[("CILIUM_ENCRYPTION_ENABLED", "maybe")], &[]).expect_err("bad").0;
    assert_eq!(
        errs[0].to_string(),
        "environment variable CILIUM_ENCRYPTION_ENABLED: encryption.enabled: expected true or false, found `maybe`"
    );
    let errs = load_text("", &[("CILIUM_K8S_ENABLED", "true")], &[]).expect_err("bad").0;
    assert!(errs[0].to_string().starts_with("environment variable CILIUM_K8S_ENABLED"));
}

#[test]
fn conflicting_env_spellings_are_refused() {
    let errs = load_text(
        "",
        &[("CILIUM_HOST_FIREWALL_ENABLED", "true"), ("CILIUM_HOSTFIREWALL_ENABLED", "false")],
        &[],
    )
    .expect_err("conflict")
    .0;
    assert!(errs[0].to_string().contains("conflicts with"));
}

#[test]
fn unknown_env_is_a_warning_with_suggestion() {
    let l = load_text("", &[("CILIUM_ENCRYPTON_ENABLED", "true"), ("CILIUM_SOCK", "/x")], &[])
        .expect("valid");
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert!(l.warnings[0].contains("did you mean CILIUM_ENCRYPTION_ENABLED"), "{}", l.warnings[0]);
}

#[test]
fn unknown_flag_key_is_an_error() {
    let errs = load_text("", &[], &[("hubble.enable", "true")]).expect_err("bad").0;
    let msg = errs[0].to_string();
    assert!(msg.starts_with("flag --set hubble.enable: unknown key `hubble.enable`"), "{msg}");
    assert!(msg.contains("did you mean `hubble.enabled`?"), "{msg}");
}

#[test]
fn debug_enabled_raises_log_level() {
    assert_eq!(
        load_text("debug: {enabled: true}\n", &[], &[]).expect("valid").config.log_level,
        "debug"
    );
    assert_eq!(
        load_text("debug: {enabled: true}\nlog: {level: trace}\n", &[], &[])
            .expect("valid")
            .config
            .log_level,
        "trace"
    );
}

#[test]
fn every_key_round_trips_through_the_file() {
    // Each registry key written with its default (or a sample) must load from a file.
    let etcd = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(etcd.path(), "endpoints: [http://127.0.0.1:2379]\n").expect("write");
    let etcd_dir = tempfile::tempdir().expect("temp dir");
    for def in keys::KEYS {
        let sample = match (def.kind, def.default) {
            _ if def.path == "etcd.config" => etcd.path().display().to_string(),
            _ if def.path == "encryption.endpoint" => "203.0.113.10".into(),
            _ if def.path == "clustermesh.config" => "{}".into(),
            _ if def.path == "clustermesh.configDir" => etcd_dir.path().display().to_string(),
            (_, keys::Default::Scalar(s)) => format!("\"{s}\""),
            (keys::Kind::Map, _) => "{}".into(),
            (keys::Kind::Duration { .. }, _) => "1h".into(),
            (keys::Kind::Uint { min, .. }, _) => min.to_string(),
            (keys::Kind::Path, _) => "/tmp/x".into(),
            (keys::Kind::Str, _) | (keys::Kind::Opaque, _) => "x".into(),
            _ => "[]".into(),
        };
        let mut yaml = String::new();
        let parts: Vec<&str> = def.path.split('.').collect();
        for (depth, part) in parts.iter().enumerate() {
            yaml.push_str(&"  ".repeat(depth));
            yaml.push_str(part);
            yaml.push(':');
            if depth + 1 == parts.len() {
                yaml.push(' ');
                yaml.push_str(&sample);
            }
            yaml.push('\n');
        }
        // TLS files only make sense as a pair; give the key under test its companions.
        if def.path.starts_with("hubble.tls.") {
            for k in ["certFile", "keyFile"] {
                if !def.path.ends_with(k) {
                    yaml.push_str(&format!("    {k}: /tmp/x\n"));
                }
            }
        }
        if def.path.starts_with("hubble.relay.tls.client.") {
            for k in ["certFile", "keyFile"] {
                if !def.path.ends_with(k) {
                    yaml.push_str(&format!("        {k}: /tmp/x\n"));
                }
            }
        }
        let loaded =
            load_text(&yaml, &[], &[]).unwrap_or_else(|e| panic!("{}: {e}\n{yaml}", def.path));
        let s = loaded.settings.iter().find(|s| s.key == def.path).expect("setting present");
        assert_eq!(s.origin.kind(), "file", "{}", def.path);
    }
}

#[test]
fn readme_documents_every_key() {
    let readme = include_str!("../../../../README.md");
    for def in keys::KEYS {
        assert!(readme.contains(&format!("| `{}` |", def.path)), "README lacks key {}", def.path);
    }
}

#[test]
fn hubble_tls_needs_certificate_and_key() {
    let ok = load_text(
        "hubble:\n  tls:\n    certFile: /c.pem\n    keyFile: /k.pem\n    clientCAFiles: [/ca.pem]\n",
        &[],
        &[],
    )
    .expect("valid");
    let tls = ok.config.hubble.tls.expect("tls");
    assert_eq!(tls.client_cas, vec![std::path::PathBuf::from("/ca.pem")]);
    assert!(load_text("", &[], &[]).expect("default").config.hubble.tls.is_none());
    for bad in [
        "hubble:\n  tls:\n    certFile: /c.pem\n",
        "hubble:\n  tls:\n    keyFile: /k.pem\n",
        "hubble:\n  tls:\n    clientCAFiles: [/ca.pem]\n",
    ] {
        let errs = load_text(bad, &[], &[]).expect_err(bad).0;
        assert!(errs[0].to_string().contains("hubble.tls."), "{}", errs[0]);
    }
}

#[test]
fn the_relay_dials_the_nodes_as_they_are_set_up() {
    let relay = load_text("hubble:\n  relay:\n    enabled: true\n", &[], &[])
        .expect("valid")
        .config
        .hubble
        .relay
        .expect("relay on");
    assert_eq!(relay.listen, Some((None, 4245)), "upstream's port");
    assert!(
        load_text("", &[], &[]).expect("default").config.hubble.relay.is_none(),
        "off by default"
    );
    let mtls = "hubble:\n  tls:\n    certFile: /c.pem\n    keyFile: /k.pem\n    clientCAFiles: [/ca.pem]\n  relay:\n    enabled: true\n";
    let errs = errors_of(mtls);
    let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|e| e.contains("hubble.relay.tls.serverCAFiles")), "{text:?}");
    assert!(text.iter().any(|e| e.contains("hubble.relay.tls.client.certFile")), "{text:?}");
    let complete = format!(
        "{mtls}    tls:\n      serverCAFiles: [/ca.pem]\n      client:\n        certFile: /r.pem\n        keyFile: /rk.pem\n"
    );
    let relay = load_text(&complete, &[], &[]).expect("valid").config.hubble.relay.expect("on");
    assert_eq!(relay.client_cert, Some(("/r.pem".into(), "/rk.pem".into())));
    let errs = errors_of("hubble:\n  enabled: false\n  relay:\n    enabled: true\n");
    assert!(errs[0].to_string().contains("hubble.enabled"), "{}", errs[0]);
}

#[test]
fn hubble_metrics_are_checked_when_the_config_loads() {
    let ok = load_text(
        "hubble:\n  metrics:\n    enabled: [drop, \"flow:sourceContext=ip\"]\n",
        &[],
        &[],
    )
    .expect("valid");
    assert_eq!(
        ok.config.hubble.metrics,
        Some((vec!["drop".into(), "flow:sourceContext=ip".into()], 9965))
    );
    assert!(load_text("", &[], &[]).expect("default").config.hubble.metrics.is_none());
    let errs = errors_of("hubble:\n  metrics:\n    enabled: [dns]\n");
    assert!(errs[0].to_string().contains("DNS proxy"), "{}", errs[0]);
    let errs = errors_of(
        "prometheus:\n  enabled: true\n  port: 9965\nhubble:\n  metrics:\n    enabled: [drop]\n",
    );
    assert!(errs[0].to_string().contains("prometheus.port"), "{}", errs[0]);
}

#[test]
fn nodes_behind_nat_name_their_endpoint() {
    let ok = "encryption: {enabled: true, endpoint: 203.0.113.10}\nnodes:\n  - {ip: 10.0.1.10, endpoint: 203.0.113.10}\n  - {ip: 172.16.1.10, endpoint: 203.0.113.20}\n  - 10.0.1.11\n";
    let c = load_text(ok, &[], &[]).expect("valid").config;
    let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
    assert_eq!(c.encryption.endpoint, Some(ip("203.0.113.10")));
    assert_eq!(c.nodes[1].endpoint, Some(ip("203.0.113.20")));
    assert_eq!(c.nodes[2].endpoint, None);

    // One public address for two nodes would let either claim both private ones.
    let shared = "nodes:\n  - {ip: 10.0.1.10, endpoint: 203.0.113.10}\n  - {ip: 10.0.1.11, endpoint: 203.0.113.10}\n";
    let e = errors_of(shared);
    assert!(e.iter().any(|e| e.message.contains("needs its own public address")), "{e:?}");
    let port = "nodes:\n  - {ip: 10.0.1.10, endpoint: \"203.0.113.10:51871\"}\n";
    let e = errors_of(port);
    assert!(e.iter().any(|e| e.message.contains("without a port")), "{e:?}");
    let e = errors_of("encryption: {endpoint: 0.0.0.0}\n");
    assert!(e.iter().any(|e| e.key == "encryption.endpoint"), "{e:?}");
}
