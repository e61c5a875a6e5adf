//! The mesh against fake remote stores: a Kubernetes cluster in Cilium's own formats, a VM
//! cluster of ours, clashing IDs, hostile entries, and stores that go away.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::kvstore::fake::FakeStore;
use crate::labels::CLUSTER_LABEL;
use crate::nodes::{Announcement, Secret, announce};

/// Writes the Kubernetes fixture's keys into `store`, as a clustermesh-apiserver holds them.
pub fn load_fixture(store: &FakeStore) {
    load_fixture_but(store, "")
}

/// The fixture without the key `skip`.
fn load_fixture_but(store: &FakeStore, skip: &str) {
    let text = include_str!("testdata/k8s-cluster.json");
    let v: serde_json::Value = serde_json::from_str(text).expect("fixture");
    for k in v["keys"].as_array().expect("keys").iter().filter(|k| k["key"] != skip) {
        let value = match &k["value"] {
            serde_json::Value::String(s) => s.clone().into_bytes(),
            other => serde_json::to_vec(other).expect("json"),
        };
        store.insert(k["key"].as_str().expect("key"), &value);
    }
}

fn remote(name: &str, secret: Option<Secret>) -> RemoteConfig {
    RemoteConfig {
        name: name.into(),
        source: Source::Etcd(crate::kvstore::EtcdConfig {
            endpoints: vec![format!("http://{name}:2379")],
            ..Default::default()
        }),
        secret_file: secret.is_some().then(|| "/etc/cilium/x".into()),
        id: None,
    }
}

fn mesh(
    local: (&str, u32),
    remotes: Vec<(&str, &Arc<FakeStore>, Option<Secret>)>,
) -> Arc<ClusterMesh> {
    let remotes = remotes
        .into_iter()
        .map(|(n, store, secret)| {
            let s: Arc<dyn KvStore> = store.clone();
            Setup { config: remote(n, secret.clone()), secret, store: Some(s), failed: None }
        })
        .collect();
    let m = Arc::new(ClusterMesh::new(local.0.into(), local.1, remotes, None));
    tokio::spawn(m.clone().run());
    m
}

async fn until(what: &str, f: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn ready(m: &ClusterMesh, name: &str) -> bool {
    m.status().iter().any(|s| s.name == name && s.ready)
}

#[tokio::test]
async fn a_kubernetes_cluster_in_ciliums_formats() {
    let store = Arc::new(FakeStore::default());
    load_fixture(&store);
    let m = mesh(("vm-cluster", 2), vec![("k8s-cluster", &store, None)]);
    until("k8s-cluster ready", || ready(&m, "k8s-cluster")).await;
    let peers = m.peers();
    assert_eq!(peers.len(), 1);
    let p = &peers[0];
    assert_eq!(p.node.name, "k8s-worker-1");
    assert_eq!(p.node.ips, ["192.168.1.30".parse::<IpAddr>().expect("ip")]);
    assert_eq!(p.node.wg_public_key, "Z97Y032KR+f7N4t7KPk4y9owkM0KBw8XQBlV5Km4cB8=");
    assert_eq!(p.node.pod_cidrs, [("10.1.1.0".parse().expect("ip"), 24)]);
    assert_eq!(p.identity, Some(crate::identity::REMOTE_NODE), "a Kubernetes node is remote-node");
    // The two pods with identities of the cluster; not its router (reserved) nor the pod whose
    // identity lacks the cluster label (a mesh reader refuses it, as Cilium's does).
    let pods: Vec<(String, u32)> =
        p.endpoints.iter().map(|(e, _)| (e.ip.to_string(), e.identity)).collect();
    assert_eq!(pods, [("10.1.1.23".to_string(), 65800), ("10.1.1.24".to_string(), 65801)]);
    let frontend = &p.endpoints[0].1;
    assert_eq!(frontend.get("app").map(String::as_str), Some("frontend"));
    assert_eq!(frontend.get(CLUSTER_LABEL).map(String::as_str), Some("k8s-cluster"));
    assert_eq!(frontend.get("io.kubernetes.pod.namespace").map(String::as_str), Some("default"));
    assert_eq!(p.endpoints[0].0.pod, Some(("default".into(), "frontend-7d4b9c8f6-x2k9p".into())));
    assert_eq!(tunnelled(p).len(), 3);
    let s = &m.status()[0];
    assert_eq!((s.nodes, s.endpoints, s.identities), (1, 2, 2));
    assert_eq!(s.cluster_id, Some(1));
    assert!(s.config_retrieved);
    assert!(m.remotes().next().expect("remote").rejected().contains_key("other-cluster"));

    // Seed 8.3's policy, as written, admits the frontend pod and nothing else of that cluster.
    let policy = crate::policy::parse::parse(
        "allow-k8s-to-vm.yaml",
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-k8s-to-vm\nspec:\n  endpointSelector:\n    matchLabels:\n      app: backend\n  ingress:\n    - fromEndpoints:\n        - matchLabels:\n            io.kubernetes.pod.namespace: default\n            app: frontend\n            io.cilium.k8s.policy.cluster: k8s-cluster\n",
    )
    .expect("policy");
    let inputs = crate::policy::resolve::Inputs {
        local_labels: crate::labels::with_cluster(
            [("app".to_string(), "backend".to_string())].into(),
            "vm-cluster",
        ),
        nodes: vec![(crate::identity::REMOTE_NODE, p.labels.clone(), p.node.ips.clone())],
        endpoints: p.endpoints.iter().map(|(e, l)| (e.identity, l.clone(), vec![e.ip])).collect(),
        node_failsafe: vec![],
        failsafe: vec![],
        default_local_cluster: true,
    };
    let state = crate::policy::resolve::Resolver::default().resolve(&policy, &inputs);
    let verdict = |id| state.verdict(id, crate::policy::resolve::INGRESS, 6, 5432).0;
    assert_eq!(verdict(65800), crate::policy::resolve::Verdict::Allow);
    assert_eq!(verdict(65801), crate::policy::resolve::Verdict::Deny);
}

fn secret(s: &str) -> Secret {
    use base64::Engine;
    Secret::from_base64(&base64::engine::general_purpose::STANDARD.encode(s)).expect("secret")
}

fn vm(cluster: &str, name: &str, ip: &str, app: &str) -> Announcement {
    Announcement {
        cluster: cluster.into(),
        name: name.into(),
        ips: vec![ip.parse().expect("ip")],
        labels: [("app".to_string(), app.to_string())].into(),
        wg_public_key: "Z97Y032KR+f7N4t7KPk4y9owkM0KBw8XQBlV5Km4cB8=".into(),
        wg_port: crate::WIREGUARD_PORT,
        endpoint: None,
        key_index: 0,
        version: "0".into(),
        timestamp: announce::now_ms(),
        nonce: announce::nonce(),
        bootstrap: false,
    }
}

fn put_vm(store: &FakeStore, s: &Secret, a: &Announcement, id: u32) {
    let key = crate::nodes::kvstore::node_key(&a.cluster, &a.name);
    store.insert(&key, &crate::nodes::kvstore::encode(a, announce::seal(s, a), id));
}

#[tokio::test]
async fn a_vm_cluster_of_ours_and_what_its_store_cannot_forge() {
    let b_secret = secret("cluster-b's own secret, 32 bytes");
    let store = Arc::new(FakeStore::default());
    store.insert("cilium/cluster-config/cluster-b", br#"{"id":2}"#);
    put_vm(&store, &b_secret, &vm("cluster-b", "b1", "192.168.2.10", "frontend"), 2);
    // Signed with another secret, or under another cluster's name: refused.
    put_vm(
        &store,
        &secret("not the secret of cluster-b!!!!!"),
        &vm("cluster-b", "b2", "192.168.2.11", "x"),
        2,
    );
    let a9 = vm("cluster-a", "a9", "192.168.2.12", "x");
    store.insert(
        "cilium/state/nodes/v1/cluster-b/a9",
        &crate::nodes::kvstore::encode(&a9, announce::seal(&b_secret, &a9), 2),
    );
    // A master key in another cluster's range, and one without the cluster label.
    store.insert(
        "cilium/state/identities/v1/id/66000",
        b"k8s:io.cilium.k8s.policy.cluster=cluster-b;node:app=x;",
    );
    store.insert("cilium/state/identities/v1/id/131400", b"node:app=y;");
    let m = mesh(("cluster-a", 1), vec![("cluster-b", &store, Some(b_secret.clone()))]);
    until("cluster-b ready", || ready(&m, "cluster-b")).await;
    let peers = m.peers();
    assert_eq!(peers.len(), 1, "{peers:?}");
    let p = &peers[0];
    assert_eq!(p.node.name, "b1");
    assert!(p.node.signed);
    assert_eq!(p.labels.get(CLUSTER_LABEL).map(String::as_str), Some("cluster-b"));
    assert_eq!(p.labels.get("app").map(String::as_str), Some("frontend"));
    let id = p.identity.expect("numbered by its cluster");
    assert_eq!(id >> 16, 2, "in cluster-b's range: {id}");
    let rejected = m.remotes().next().expect("remote").rejected();
    assert!(rejected.contains_key("bad-signature"), "{rejected:?}");
    assert_eq!(m.status()[0].identities, 0, "neither master key is cluster-b's");

    // The store's own allocation for b1's labels wins over the hash's suggestion.
    let labels = crate::labels::with_cluster(p.node.labels.clone(), "cluster-b");
    let spelled = crate::identity::kvstore::label_string(&labels);
    store.insert("cilium/state/identities/v1/id/131999", spelled.as_bytes());
    until("pinned", || m.peers().first().is_some_and(|p| p.identity == Some(131_999))).await;
}

#[tokio::test]
async fn cluster_ids_must_differ_across_the_mesh() {
    let same_as_local = Arc::new(FakeStore::default());
    same_as_local.insert("cilium/cluster-config/b", br#"{"id":1}"#);
    let c = Arc::new(FakeStore::default());
    c.insert("cilium/cluster-config/c", br#"{"id":3}"#);
    let d = Arc::new(FakeStore::default());
    d.insert("cilium/cluster-config/d", br#"{"id":3}"#);
    load_fixture(&d);
    let m = mesh(("a", 1), vec![("b", &same_as_local, None), ("c", &c, None), ("d", &d, None)]);
    until("c ready", || ready(&m, "c")).await;
    until("all synced", || m.status().iter().all(|s| s.synced.0)).await;
    let st = m.status();
    assert!(st[0].status.contains("also this cluster's"), "{}", st[0].status);
    assert!(st[2].status.contains("also that of remote cluster c"), "{}", st[2].status);
    assert!(!st[0].ready && st[1].ready && !st[2].ready);
    // Refused means nothing of it is used, not half of it.
    assert!(m.peers().is_empty());
    assert_eq!((st[2].nodes, st[2].endpoints, st[2].identities), (0, 0, 0));
}

#[tokio::test]
async fn a_remote_cluster_away_keeps_what_it_had_and_resyncs() {
    let store = Arc::new(FakeStore::default());
    load_fixture(&store);
    let m = mesh(("vm-cluster", 2), vec![("k8s-cluster", &store, None)]);
    until("ready", || ready(&m, "k8s-cluster")).await;
    let before = m.peers();
    store.set_down(true);
    until("not ready", || !ready(&m, "k8s-cluster")).await;
    assert_eq!(m.peers(), before, "nothing dropped while it is away");
    let s = &m.status()[0];
    assert!(s.failures >= 1 && s.last_failure.is_some());
    assert!(s.status.contains("etcd is down"), "{}", s.status);
    // A restart while it is away: the snapshot brings its peers back before it answers.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("clustermesh.json");
    let with_snapshot = |p: &std::path::Path| {
        let s: Arc<dyn KvStore> = store.clone();
        ClusterMesh::new(
            "vm-cluster".into(),
            2,
            vec![Setup {
                config: remote("k8s-cluster", None),
                secret: None,
                store: Some(s),
                failed: None,
            }],
            Some(p.to_path_buf()),
        )
    };
    let running = with_snapshot(&path);
    assert!(running.peers().is_empty(), "no snapshot yet");
    let seen = m.remotes().next().expect("remote").snapshot();
    running.remotes().next().expect("remote").restore(seen);
    running.save();
    let restarted = with_snapshot(&path);
    assert_eq!(restarted.peers(), before, "restored from the snapshot");
    assert!(!restarted.status()[0].ready, "but not ready until it answers");
    // Meanwhile a pod went away; back, the listing reconciles.
    store.set_down(false);
    store.delete("cilium/state/ip/v1/default/10.1.1.24").await.expect("delete");
    until("resynced", || {
        ready(&m, "k8s-cluster") && m.peers().first().is_some_and(|p| p.endpoints.len() == 1)
    })
    .await;
}

#[tokio::test]
async fn a_hostile_store_cannot_route_this_networks_addresses_into_its_tunnel() {
    let store = Arc::new(FakeStore::default());
    load_fixture(&store);
    // The remote store claims, behind its node, this network's etcd, a node of ours and the
    // cloud's metadata service, a pod CIDR that holds this host, one too wide, one with host
    // bits set (which the kernel would refuse as a route), and an ExternalIP that is ours.
    for ip in ["192.168.1.100", "192.168.1.11", "169.254.169.254"] {
        let pair =
            format!(r#"{{"IP":"{ip}","Mask":null,"HostIP":"192.168.1.30","ID":65800,"Key":0}}"#);
        store.insert(&format!("cilium/state/ip/v1/default/{ip}"), pair.as_bytes());
    }
    let key = "cilium/state/nodes/v1/k8s-cluster/k8s-worker-1";
    let mut node: serde_json::Value =
        serde_json::from_slice(&store.get(key).expect("node").value).expect("json");
    node["IPv4AllocCIDR"] = serde_json::json!({"IP": "10.1.1.5", "Mask": "////AA=="});
    node["IPv4SecondaryAllocCIDRs"] = serde_json::json!([
        {"IP": "192.168.0.0", "Mask": "//8AAA=="},
        {"IP": "10.0.0.0", "Mask": "/wAAAA=="}
    ]);
    node["IPAddresses"]
        .as_array_mut()
        .expect("addresses")
        .push(serde_json::json!({"Type": "ExternalIP", "IP": "192.168.1.11"}));
    store.insert(key, node.to_string().as_bytes());
    // Two more nodes: one with a local node's address, one with a local node's key.
    let mut squatter = node.clone();
    squatter["Name"] = "squatter".into();
    squatter["IPAddresses"] = serde_json::json!([{"Type": "InternalIP", "IP": "192.168.1.11"}]);
    squatter["WireguardPubKey"] = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=".into();
    store.insert("cilium/state/nodes/v1/k8s-cluster/squatter", squatter.to_string().as_bytes());
    let mut copycat = node.clone();
    copycat["Name"] = "copycat".into();
    copycat["IPAddresses"] = serde_json::json!([{"Type": "InternalIP", "IP": "192.168.1.31"}]);
    copycat["WireguardPubKey"] = "bG9jYWwtbG9jYWwtbG9jYWwtbG9jYWwtbG9jYWwtbG8=".into();
    store.insert("cilium/state/nodes/v1/k8s-cluster/copycat", copycat.to_string().as_bytes());
    let m = mesh(("vm-cluster", 2), vec![("k8s-cluster", &store, None)]);
    until("ready", || ready(&m, "k8s-cluster") && m.peers().len() == 3).await;
    let mut peers = m.peers();
    let protected = Protected {
        ips: ["192.168.1.10", "192.168.1.11", "192.168.1.100"]
            .map(|s| s.parse().expect("ip"))
            .to_vec(),
        keys: vec!["bG9jYWwtbG9jYWwtbG9jYWwtbG9jYWwtbG9jYWwtbG8=".into()],
    };
    guard(&mut peers, &protected);
    assert_eq!(peers.len(), 1, "the squatter and the copycat are no one's peers: {peers:?}");
    let p = &peers[0];
    let ips: Vec<String> = tunnelled(p).iter().map(ToString::to_string).collect();
    assert_eq!(ips, ["192.168.1.30", "10.1.1.23", "10.1.1.24"], "only its own and its pods'");
    assert_eq!(p.node.endpoint, None, "its ExternalIP is ours");
    assert_eq!(
        p.node.pod_cidrs,
        [("10.1.1.0".parse().expect("ip"), 24)],
        "normalised; no /16 holding this host, no /8"
    );
}

#[test]
fn a_remote_identity_cannot_spell_reserved_or_local_labels() {
    assert_eq!(
        remote::parse_labels("k8s:reserved:host=;k8s:io.cilium.k8s.policy.cluster=k8s-cluster;"),
        None
    );
    assert_eq!(remote::parse_labels("k8s:app=has space;"), None);
}

#[tokio::test]
async fn a_clustermesh_apiserver_restarting_empty_takes_nothing_away_until_its_canaries_say_so() {
    let store = Arc::new(FakeStore::default());
    load_fixture(&store);
    let m = mesh(("vm-cluster", 2), vec![("k8s-cluster", &store, None)]);
    until("ready", || ready(&m, "k8s-cluster")).await;
    let before = m.peers();
    // Its etcd is in memory: it restarts empty and fills up again from Kubernetes, where one
    // pod went away meanwhile.
    store.set_down(true);
    until("not ready", || !ready(&m, "k8s-cluster")).await;
    store.wipe();
    store.insert(
        "cilium/cluster-config/k8s-cluster",
        br#"{"id":1,"capabilities":{"syncedCanaries":true}}"#,
    );
    store.set_down(false);
    until("connected again", || m.status()[0].connected).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(m.peers(), before, "an incomplete listing takes nothing away");
    assert!(!ready(&m, "k8s-cluster"), "not ready before the canaries");
    // Its canaries come last, once it is complete: the listing made before them is redone.
    load_fixture_but(&store, "cilium/state/ip/v1/default/10.1.1.24");
    until("ready, and the pod that went is gone", || {
        ready(&m, "k8s-cluster") && m.peers().first().is_some_and(|p| p.endpoints.len() == 1)
    })
    .await;
}
