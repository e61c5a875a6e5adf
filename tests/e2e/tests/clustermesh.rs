//! Cluster mesh (seed 8): two VM clusters, each with its own etcd in a namespace, meshed
//! through each other's stores. A VM of one reaches a VM of the other through WireGuard only; a
//! policy selecting by `io.cilium.k8s.policy.cluster` admits the other cluster's frontend and
//! keeps this cluster's own out; a remote cluster whose ID clashes is refused; the remote etcd
//! stopped, traffic keeps flowing.

use std::process::Child;
use std::time::Duration;

use testbed::{
    TEST_SECRET, Testbed, Vm, built_binaries, sweep_stale, touches_port, unique_prefix, wait_for,
};

const ETCD_A: &str = "192.168.1.100";
const ETCD_B: &str = "192.168.1.101";
const A1: &str = "192.168.1.10";
const B1: &str = "192.168.1.20";
/// Cluster B's own secret: clusters of a mesh share nothing but each other's public view.
const SECRET_B: &str = "y2+faUtConzR1+rs6iSZ3p3YWK2ffv6e4TFUutt22fg=";

const VMS: &[(&str, &str)] = &[
    ("a1", "192.168.1.10/24"),
    ("a2", "192.168.1.11/24"),
    ("b1", "192.168.1.20/24"),
    ("etcd-a", "192.168.1.100/24"),
    ("etcd-b", "192.168.1.101/24"),
];

fn config(cluster: &str, id: u32, etcd: &str, app: &str, mesh: &str) -> String {
    format!(
        "cluster:\n  name: {cluster}\n  id: {id}\n\
         encryption:\n  enabled: true\n  nodeEncryption: true\n  strictMode: true\n\
         hostFirewall:\n  enabled: true\n\
         k8s:\n  enabled: false\n\
         etcd:\n  endpoints:\n    - http://{etcd}:2379\n  leaseTTL: 25s\n\
         labels:\n  app: {app}\n\
         prometheus:\n  enabled: true\n  port: 9962\n\
         clustermesh:\n  config:\n    enabled: true\n    clusters:\n{mesh}"
    )
}

fn start_etcd(tb: &Testbed, vm: &str, ip: &str) -> Child {
    let data = tb.helper_file(&format!("{vm}.keep"), "").expect("dir").with_extension("data");
    let data = data.to_str().expect("utf-8 path").to_string();
    let client = format!("http://{ip}:2379");
    let child = tb
        .spawn_child(
            vm,
            &[
                "etcd",
                &format!("--name={vm}"),
                &format!("--data-dir={data}"),
                &format!("--listen-client-urls={client}"),
                &format!("--advertise-client-urls={client}"),
                "--listen-peer-urls=http://127.0.0.1:2380",
                "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                &format!("--initial-cluster={vm}=http://127.0.0.1:2380"),
                "--log-level=error",
            ],
        )
        .expect("etcd");
    let v = tb.vm(vm).clone();
    wait_for(&format!("{vm} to answer"), Duration::from_secs(30), || {
        etcdctl(&v, ip, &["endpoint", "health"]).is_some()
    })
    .expect("etcd up");
    child
}

fn etcdctl(vm: &Vm, ip: &str, args: &[&str]) -> Option<String> {
    let endpoint = format!("http://{ip}:2379");
    let mut argv = vec!["etcdctl", "--endpoints", &endpoint];
    argv.extend_from_slice(args);
    let out = vm.exec(&argv).ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn mesh_of(vm: &Vm) -> Vec<serde_json::Value> {
    vm.cilium_json(&["status"])
        .ok()
        .and_then(|s| s["cluster-mesh"]["clusters"].as_array().cloned())
        .unwrap_or_default()
}

fn remote_ready(vm: &Vm, name: &str) -> bool {
    mesh_of(vm).iter().any(|c| c["name"] == name && c["ready"] == true)
}

fn text(vm: &Vm, argv: &[&str]) -> String {
    vm.exec(argv).map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

#[test]
fn two_vm_clusters_meshed_through_their_etcds() {
    sweep_stale();
    let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries()).expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    let b1 = tb.vm("b1").clone();
    b1.write_file_mode("/etc/cilium/cluster-secret", &format!("{SECRET_B}\n"), 0o600)
        .expect("b's secret");
    // Each side holds the other's secret: its nodes' entries must be signed with it.
    for vm in ["a1", "a2"] {
        tb.vm(vm)
            .write_file_mode("/etc/cilium/cluster-b.secret", &format!("{SECRET_B}\n"), 0o600)
            .expect("b's secret on a");
    }
    b1.write_file_mode("/etc/cilium/cluster-a.secret", &format!("{TEST_SECRET}\n"), 0o600)
        .expect("a's secret on b");
    let mut etcd_a = start_etcd(&tb, "etcd-a", ETCD_A);
    let mut etcd_b = start_etcd(&tb, "etcd-b", ETCD_B);
    // A third "cluster" whose configuration claims cluster A's ID: refused, whatever it holds.
    etcdctl(tb.vm("etcd-b"), ETCD_B, &["put", "cilium/cluster-config/cluster-c", r#"{"id":1}"#])
        .expect("etcdctl put");

    let entry = |name: &str, etcd: &str, secret: Option<&str>| {
        let mut e = format!("      - name: {name}\n        address: {etcd}:2379\n");
        if let Some(s) = secret {
            e.push_str(&format!("        secretFile: {s}\n"));
        }
        e
    };
    // The seed lists the cluster itself too: skipped.
    let mesh_a = [
        entry("cluster-a", ETCD_A, None),
        entry("cluster-b", ETCD_B, Some("/etc/cilium/cluster-b.secret")),
        entry("cluster-c", ETCD_B, None),
    ]
    .concat();
    let mesh_b = entry("cluster-a", ETCD_A, Some("/etc/cilium/cluster-a.secret"));
    tb.start_agent("a1", &config("cluster-a", 1, ETCD_A, "backend", &mesh_a)).expect("a1");
    tb.start_agent("a2", &config("cluster-a", 1, ETCD_A, "frontend", &mesh_a)).expect("a2");
    tb.start_agent("b1", &config("cluster-b", 2, ETCD_B, "frontend", &mesh_b)).expect("b1");
    let (a1, a2) = (tb.vm("a1").clone(), tb.vm("a2").clone());
    let dump = |tb: &Testbed| {
        format!(
            "a1's mesh: {:#?}\na1's log:\n{}\nb1's log:\n{}",
            mesh_of(tb.vm("a1")),
            tb.agent_log("a1"),
            tb.agent_log("b1")
        )
    };
    wait_for("each side to see the other cluster ready", Duration::from_secs(40), || {
        remote_ready(&a1, "cluster-b") && remote_ready(&b1, "cluster-a")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{}", dump(&tb)));

    // The clash is refused with a clear status, and only that cluster.
    let st = mesh_of(&a1);
    let c = st.iter().find(|c| c["name"] == "cluster-c").expect("cluster-c listed");
    assert_eq!(c["ready"], false);
    assert!(
        c["status"].as_str().is_some_and(|s| s.contains("cluster ID 1 is also this cluster's")),
        "{c}"
    );
    assert_eq!(st.len(), 2, "the entry naming cluster-a itself is skipped: {st:?}");
    let status = text(&a1, &["cilium", "status"]);
    assert!(status.contains("ClusterMesh:             1/2 remote clusters ready"), "{status}");
    assert!(status.contains("   cluster-c: not-ready, 0 nodes"), "{status}");
    let cm = text(&a1, &["cilium", "clustermesh", "status"]);
    assert!(cm.contains("cluster-b: ready, 1 nodes"), "{cm}");
    assert!(cm.contains("cluster ID 1 is also this cluster's"), "{cm}");
    // Cilium's ClusterMesh metrics, and every one the dashboard's ClusterMesh row queries.
    let scrape = crate::metrics::scrape_port(&a1, 9962);
    let ready = |target: &str| {
        scrape.lines().any(|l| {
            l.starts_with("cilium_clustermesh_remote_cluster_readiness_status{")
                && l.contains(&format!("target_cluster=\"{target}\""))
                && l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()) == Some(1.0)
        })
    };
    assert!(ready("cluster-b") && !ready("cluster-c"), "{scrape}");
    assert!(scrape.contains("cilium_clustermesh_remote_clusters{source_cluster=\"cluster-a\",source_node_name=\"a1\"} 2.0"), "{scrape}");
    let row = crate::metrics::dashboard_metrics(&crate::metrics::dashboard_queries());
    for name in row.iter().filter(|n| n.starts_with("cilium_clustermesh_")) {
        assert!(
            scrape.lines().any(|l| l.starts_with(&format!("{name}{{"))),
            "the dashboard queries {name}: {scrape}"
        );
    }
    let nodes = text(&a1, &["cilium", "node", "list"]);
    assert!(
        nodes
            .lines()
            .any(|l| l.starts_with("cluster-b/b1") && l.contains(B1) && l.contains("clustermesh")),
        "{nodes}"
    );

    // Only cluster B's frontend may reach cluster A's backend.
    let policy = [
        "apiVersion: cilium.io/v2",
        "kind: CiliumNetworkPolicy",
        "metadata:",
        "  name: frontend-of-b",
        "spec:",
        "  endpointSelector:",
        "    matchLabels:",
        "      app: backend",
        "  ingress:",
        "    - fromEndpoints:",
        "        - matchLabels:",
        "            app: frontend",
        "            io.cilium.k8s.policy.cluster: cluster-b",
        "      toPorts:",
        "        - ports:",
        "            - port: \"8080\"",
        "              protocol: TCP",
        "",
    ]
    .join("\n");
    a1.write_file("/tmp/frontend-of-b.yaml", &policy).expect("policy file");
    let applied =
        a1.exec(&["cilium", "policy", "import", "/tmp/frontend-of-b.yaml"]).expect("import");
    assert!(applied.status.success(), "{}", String::from_utf8_lossy(&applied.stderr));
    tb.spawn("a1", &["python3", "-m", "http.server", "8080", "--bind", A1]).expect("server");
    let url = format!("http://{A1}:8080/");
    wait_for("b1 to reach a1 through the tunnel", Duration::from_secs(30), || b1.http_ok(&url))
        .unwrap_or_else(|e| {
            panic!("{e:#}\nwg: {}\n{}", text(&a1, &["wg", "show", "cilium_wg0"]), dump(&tb))
        });
    assert!(!a2.http_ok(&url), "cluster A's own frontend is kept out");

    // Between the clusters' VMs, only WireGuard.
    let capture = tb.start_capture("a1", "eth0", &format!("ip host {B1}")).expect("capture");
    for _ in 0..3 {
        assert!(b1.http_ok(&url), "b1 reaches a1");
    }
    let lines = capture.finish().expect("capture");
    assert!(lines.iter().any(|l| l.contains(".51871: UDP")), "WireGuard on the wire: {lines:#?}");
    let other: Vec<&String> = lines.iter().filter(|l| !l.contains(".51871: UDP")).collect();
    assert!(other.is_empty(), "nothing but WireGuard between the clusters: {other:#?}");
    assert!(!lines.iter().any(|l| touches_port(l, 8080)));
    let wg = text(&a1, &["wg", "show", "cilium_wg0"]);
    assert!(wg.contains(&format!("allowed ips: {B1}/32")), "{wg}");
    // Hubble's flows carry the other cluster's name and label.
    let flows = text(&a1, &["hubble", "observe", "--last", "100", "--from-ip", B1, "-o", "json"]);
    let carried =
        flows.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).any(|f| {
            let src = &f["flow"]["source"];
            src["cluster_name"] == "cluster-b"
                && src["labels"].as_array().is_some_and(|l| {
                    l.iter().any(|x| x == "k8s:io.cilium.k8s.policy.cluster=cluster-b")
                        && l.iter().any(|x| x == "node:app=frontend")
                })
        });
    assert!(carried, "flows from b1 name its cluster: {flows}");

    // Cluster B's etcd goes away: its node and identity stay, traffic keeps flowing.
    let _ = etcd_b.kill();
    let _ = etcd_b.wait();
    wait_for("a1 to see cluster-b not ready", Duration::from_secs(30), || {
        !remote_ready(&a1, "cluster-b")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{}", dump(&tb)));
    for _ in 0..3 {
        assert!(b1.http_ok(&url), "traffic keeps flowing with the remote etcd away");
    }
    assert!(!a2.http_ok(&url), "and the policy still holds");
    // a1 restarts while cluster B's etcd is still away: its last view comes back from the
    // snapshot, and so do the tunnel and the identity the policy admits.
    tb.kill_agent("a1");
    tb.restart_agent("a1").expect("a1 again");
    wait_for("b1 to reach a1 after a1's restart", Duration::from_secs(30), || b1.http_ok(&url))
        .unwrap_or_else(|e| panic!("{e:#}\n{}", dump(&tb)));
    assert!(!a2.http_ok(&url), "the policy holds after the restart");
    assert!(!remote_ready(&a1, "cluster-b"), "restored, not ready");
    let _ = etcd_a.kill();
    let _ = etcd_a.wait();
}

/// The Kubernetes fixture (Cilium's kvstore JSON) as `(key, value)` pairs.
fn k8s_fixture() -> (Vec<(String, String)>, String) {
    let text = include_str!("../../../crates/agent-core/src/clustermesh/testdata/k8s-cluster.json");
    let v: serde_json::Value = serde_json::from_str(text).expect("fixture");
    let keys = v["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| {
            let value = match &k["value"] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k["key"].as_str().expect("key").to_string(), value)
        })
        .collect();
    (keys, v["wireguardPrivateKey"].as_str().expect("private key").to_string())
}

const K8S_NODE: &str = "192.168.1.30";

#[test]
fn a_vm_meshed_with_a_kubernetes_cluster_in_ciliums_formats() {
    sweep_stale();
    let vms = &[
        ("vm1", "192.168.1.10/24"),
        ("k8s-worker-1", "192.168.1.30/24"),
        ("etcd-k8s", "192.168.1.100/24"),
    ];
    let mut tb = Testbed::create(&unique_prefix(), vms, built_binaries()).expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    // The clustermesh-apiserver's etcd, holding what a Cilium cluster writes.
    let mut etcd = start_etcd(&tb, "etcd-k8s", ETCD_A);
    let (keys, private_key) = k8s_fixture();
    let store = tb.vm("etcd-k8s").clone();
    for (k, v) in &keys {
        etcdctl(&store, ETCD_A, &["put", k, v]).unwrap_or_else(|| panic!("etcdctl put {k}"));
    }
    // Seed 8.2's VM side: the list names the VM cluster itself too.
    let mesh = format!(
        "      - name: k8s-cluster\n        address: {ETCD_A}:2379\n      - name: vm-cluster\n        address: 192.168.1.10:2379\n"
    );
    let config = format!(
        "cluster:\n  name: vm-cluster\n  id: 2\n\
         encryption:\n  enabled: true\n  nodeEncryption: true\n  strictMode: true\n\
         hostFirewall:\n  enabled: true\n\
         k8s:\n  enabled: false\n\
         labels:\n  app: backend\n\
         clustermesh:\n  config:\n    enabled: true\n    clusters:\n{mesh}"
    );
    tb.start_agent("vm1", &config).expect("vm1");
    let vm1 = tb.vm("vm1").clone();
    let dump =
        |tb: &Testbed| format!("mesh: {:#?}\nlog:\n{}", mesh_of(tb.vm("vm1")), tb.agent_log("vm1"));
    wait_for("the Kubernetes cluster ready", Duration::from_secs(30), || {
        remote_ready(&vm1, "k8s-cluster")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{}", dump(&tb)));
    let st = mesh_of(&vm1);
    assert_eq!(st.len(), 1, "vm-cluster itself is skipped: {st:?}");
    assert_eq!(
        (
            st[0]["num-nodes"].as_u64(),
            st[0]["num-endpoints"].as_u64(),
            st[0]["num-identities"].as_u64()
        ),
        (Some(1), Some(2), Some(2)),
        "{st:?}"
    );

    // The node is a WireGuard peer for its pods; its pod CIDR and identities are known.
    let wg = text(&vm1, &["wg", "show", "cilium_wg0"]);
    assert!(wg.contains("peer: Z97Y032KR+f7N4t7KPk4y9owkM0KBw8XQBlV5Km4cB8="), "{wg}");
    for ip in [K8S_NODE, "10.1.1.23", "10.1.1.24"] {
        assert!(wg.contains(&format!("{ip}/32")), "{ip} in the allowed IPs: {wg}");
    }
    assert!(wg.contains("10.1.1.0/24"), "the node's pod CIDR in its allowed IPs: {wg}");
    let routes = text(&vm1, &["ip", "route", "show", "table", "2005"]);
    assert!(routes.contains("10.1.1.0/24 dev cilium_wg0"), "{routes}");
    assert!(
        !wg.contains("10.1.1.99"),
        "a pod whose identity lacks the cluster label is no one's: {wg}"
    );
    let nodes = text(&vm1, &["cilium", "node", "list"]);
    assert!(
        nodes
            .lines()
            .any(|l| l.starts_with("k8s-cluster/k8s-worker-1") && l.contains("10.1.1.0/24")),
        "{nodes}"
    );
    let ids = text(&vm1, &["cilium", "identity", "list"]);
    assert!(ids.contains("65800") && ids.contains("k8s:app=frontend"), "{ids}");

    // seed 8.3's policy as written.
    let policy = [
        "apiVersion: \"cilium.io/v2\"",
        "kind: CiliumNetworkPolicy",
        "metadata:",
        "  name: \"allow-k8s-to-vm\"",
        "spec:",
        "  endpointSelector:",
        "    matchLabels:",
        "      app: backend",
        "  ingress:",
        "    - fromEndpoints:",
        "        - matchLabels:",
        "            io.kubernetes.pod.namespace: default",
        "            app: frontend",
        "            io.cilium.k8s.policy.cluster: k8s-cluster",
        "",
    ]
    .join("\n");
    vm1.write_file("/tmp/allow-k8s-to-vm.yaml", &policy).expect("policy file");
    vm1.run(&["cilium", "policy", "import", "/tmp/allow-k8s-to-vm.yaml"]).expect("import");
    tb.spawn("vm1", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.10"])
        .expect("server");

    // The Kubernetes node, played by hand with the kernel's WireGuard and its fixture key: its
    // pods' traffic to the VM goes through the tunnel, its own WireGuard packets do not.
    let node = tb.vm("k8s-worker-1").clone();
    let vm1_key = text(&vm1, &["wg", "show", "cilium_wg0", "public-key"]).trim().to_string();
    node.write_file_mode("/etc/cilium/wg.key", &format!("{private_key}\n"), 0o600).expect("key");
    // wireguard-go, as the kernels here may lack the module; it stays in the foreground so that
    // the testbed stops it.
    tb.spawn("k8s-worker-1", &["wireguard-go", "-f", "wg0"]).expect("wireguard-go");
    wait_for("wireguard-go's device", Duration::from_secs(10), || {
        node.exec(&["wg", "show", "wg0"]).is_ok_and(|o| o.status.success())
    })
    .expect("wg0");
    let setup = format!(
        "set -e\n\
         sysctl -qw net.ipv4.conf.all.rp_filter=0\n\
         wg set wg0 private-key /etc/cilium/wg.key listen-port 51871 peer {vm1_key} allowed-ips 192.168.1.10/32 endpoint 192.168.1.10:51871\n\
         ip link set wg0 up\n\
         sysctl -qw net.ipv4.conf.wg0.rp_filter=0\n\
         for ip in 10.1.1.23 10.1.1.24 10.1.1.99; do ip addr add $ip/32 dev lo; done\n\
         ip rule add from 10.1.1.0/24 table 100\n\
         ip route add 192.168.1.10/32 dev wg0 table 100\n"
    );
    node.write_file("/etc/cilium/node.sh", &setup).expect("script");
    node.run(&["sh", "/etc/cilium/node.sh"]).expect("the node's WireGuard");
    let from = |pod: &str| {
        node.exec(&[
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "--max-time",
            "2",
            "--interface",
            pod,
            "http://192.168.1.10:8080/",
        ])
        .is_ok_and(|o| o.status.success())
    };
    wait_for(
        "the frontend pod to reach the VM through the tunnel",
        Duration::from_secs(30),
        || from("10.1.1.23"),
    )
    .unwrap_or_else(|e| {
        panic!(
            "{e:#}\nvm1 wg: {}\nnode wg: {}\n{}",
            text(&vm1, &["wg", "show"]),
            text(&node, &["wg", "show"]),
            dump(&tb)
        )
    });
    assert!(!from("10.1.1.24"), "the backend pod is not selected");
    assert!(!from("10.1.1.99"), "a pod without a valid identity is world to the policy");

    // Hubble names the pod with its cluster, namespace and pod name.
    let flows =
        text(&vm1, &["hubble", "observe", "--last", "100", "--from-ip", "10.1.1.23", "-o", "json"]);
    let seen =
        flows.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).any(|f| {
            let src = &f["flow"]["source"];
            src["cluster_name"] == "k8s-cluster"
                && src["namespace"] == "default"
                && src["pod_name"] == "frontend-7d4b9c8f6-x2k9p"
        });
    assert!(seen, "flows from the pod name it: {flows}");
    let _ = etcd.kill();
    let _ = etcd.wait();
}

/// Seed 12, case 1, as the seed writes it: each cloud its own cluster, meshed by static node
/// lists, each VM listing the other cloud's public address in `nodes:`.
#[test]
fn seed_case_1_as_two_clusters_meshed_by_static_node_lists() {
    use crate::nat::{ALI, ALI_PUBLIC, AWS, AWS_PUBLIC};
    sweep_stale();
    let mut tb = crate::nat::hybrid_cloud();
    let config = |cluster: &str, id: u32, other_public: &str, app: &str| {
        format!(
            "cluster:\n  name: {cluster}\n  id: {id}\n\
             encryption:\n  enabled: true\n  nodeEncryption: true\n  persistentKeepalive: 25s\n\
             hostFirewall:\n  enabled: true\n\
             labels:\n  app: {app}\n\
             nodes:\n  - {other_public}\n\
             clustermesh:\n  config:\n    clusters:\n\
             \x20     - name: aws-cluster\n        nodes:\n          - {AWS}\n\
             \x20     - name: ali-cluster\n        nodes:\n          - {ALI}\n"
        )
    };
    for vm in ["aws", "ali"] {
        tb.vm(vm)
            .write_file_mode("/etc/cilium/cluster-secret", &format!("{TEST_SECRET}\n"), 0o600)
            .expect("secret");
    }
    tb.start_agent("aws", &config("aws-cluster", 1, ALI_PUBLIC, "frontend")).expect("aws");
    tb.start_agent("ali", &config("ali-cluster", 2, AWS_PUBLIC, "database")).expect("ali");
    let (aws, ali) = (tb.vm("aws").clone(), tb.vm("ali").clone());
    let dump = |tb: &Testbed| {
        format!(
            "aws: {:#?}\naws log:\n{}\nali log:\n{}",
            mesh_of(tb.vm("aws")),
            tb.agent_log("aws"),
            tb.agent_log("ali")
        )
    };
    wait_for("each cloud to see the other cluster ready", Duration::from_secs(40), || {
        remote_ready(&aws, "ali-cluster") && remote_ready(&ali, "aws-cluster")
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{}", dump(&tb)));
    let st = mesh_of(&aws);
    assert_eq!(st.len(), 1, "its own cluster's entry is skipped: {st:?}");

    // Only the other cluster's VM, and only as its cluster, may reach the database.
    let policy = [
        "apiVersion: cilium.io/v2",
        "kind: CiliumNetworkPolicy",
        "metadata:",
        "  name: from-aws",
        "spec:",
        "  endpointSelector:",
        "    matchLabels:",
        "      app: database",
        "  ingress:",
        "    - fromEndpoints:",
        "        - matchLabels:",
        "            app: frontend",
        "            io.cilium.k8s.policy.cluster: aws-cluster",
        "      toPorts:",
        "        - ports:",
        "            - port: \"8080\"",
        "              protocol: TCP",
        "",
    ]
    .join("\n");
    ali.write_file("/tmp/from-aws.yaml", &policy).expect("policy");
    ali.run(&["cilium", "policy", "import", "/tmp/from-aws.yaml"]).expect("import");
    tb.spawn("ali", &["python3", "-m", "http.server", "8080", "--bind", ALI]).expect("server");
    let url = format!("http://{ALI}:8080/");
    wait_for(
        "aws to reach ali's private address through the tunnel",
        Duration::from_secs(30),
        || aws.http_ok(&url),
    )
    .unwrap_or_else(|e| panic!("{e:#}\n{}", dump(&tb)));
    let wg = text(&aws, &["wg", "show", "cilium_wg0"]);
    assert!(
        wg.contains(&format!("endpoint: {ALI_PUBLIC}:51871")) && wg.contains(&format!("{ALI}/32")),
        "{wg}"
    );
    let nodes = text(&aws, &["cilium", "node", "list"]);
    assert!(nodes.lines().any(|l| l.starts_with("ali-cluster/ali") && l.contains(ALI)), "{nodes}");
    assert!(
        !nodes.lines().any(|l| l.starts_with(ALI_PUBLIC)),
        "the listed public address is the other cluster's node: {nodes}"
    );
}
