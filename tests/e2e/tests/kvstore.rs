//! Membership through a real etcd (seed 5.3): VMs with only `etcd.endpoints` become an
//! encrypted cluster; joins, a store outage, a crash and a restart behave as operators expect.

use std::process::Child;
use std::time::{Duration, Instant};

use testbed::{TEST_SECRET, Testbed, Vm, built_binaries, sweep_stale, unique_prefix, wait_for};

const STORE: &str = "192.168.1.100";
const VMS: &[(&str, &str)] = &[
    ("vm1", "192.168.1.10/24"),
    ("vm2", "192.168.1.11/24"),
    ("vm3", "192.168.1.12/24"),
    ("vm4", "192.168.1.13/24"),
    ("store", "192.168.1.100/24"),
];

fn config(node: &str) -> String {
    format!(
        "cluster:\n  name: vm-cluster\n  id: 1\n\
         encryption:\n  enabled: true\n  nodeEncryption: true\n\
         hostFirewall:\n  enabled: true\n\
         k8s:\n  enabled: false\n\
         etcd:\n  endpoints:\n    - http://{STORE}:2379\n  leaseTTL: 25s\n\
         labels:\n  node: {node}\n  env: production\n"
    )
}

/// etcd in the `store` VM, its data under the testbed's directory (kept across restarts).
fn start_etcd(tb: &Testbed) -> Child {
    let data = tb.helper_file("etcd.keep", "").expect("dir");
    let data = data.with_extension("data");
    let data = data.to_str().expect("utf-8 path").to_string();
    let client = format!("http://{STORE}:2379");
    let child = tb
        .spawn_child(
            "store",
            &[
                "etcd",
                "--name=store",
                &format!("--data-dir={data}"),
                &format!("--listen-client-urls={client}"),
                &format!("--advertise-client-urls={client}"),
                "--listen-peer-urls=http://127.0.0.1:2380",
                "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                "--initial-cluster=store=http://127.0.0.1:2380",
                "--log-level=error",
            ],
        )
        .expect("etcd");
    let store = tb.vm("store").clone();
    wait_for("etcd to answer", Duration::from_secs(30), || {
        etcdctl(&store, &["endpoint", "health"]).is_some()
    })
    .expect("etcd up");
    child
}

fn etcdctl(store: &Vm, args: &[&str]) -> Option<String> {
    let mut argv = vec!["etcdctl", "--endpoints", "http://192.168.1.100:2379"];
    argv.extend_from_slice(args);
    let out = store.exec(&argv).ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The names `vm` has in its cluster view with their sources.
fn members(vm: &Vm) -> Vec<(String, String)> {
    let Ok(s) = vm.cilium_json(&["status"]) else { return Vec::new() };
    let mut out: Vec<(String, String)> = s["cluster"]["nodes"]
        .as_array()
        .map(|n| {
            n.iter()
                .map(|n| {
                    (
                        n["name"].as_str().unwrap_or_default().to_string(),
                        n["source"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn kvstore_state(vm: &Vm) -> (String, String) {
    let s = vm.cilium_json(&["status"]).unwrap_or_default();
    (
        s["kvstore"]["state"].as_str().unwrap_or_default().to_string(),
        s["kvstore"]["msg"].as_str().unwrap_or_default().to_string(),
    )
}

fn names(vm: &Vm) -> Vec<String> {
    members(vm).into_iter().map(|(n, _)| n).collect()
}

fn pings(from: &Vm, to: &str) -> bool {
    from.exec(&["ping", "-c", "1", "-W", "2", to]).is_ok_and(|o| o.status.success())
}

#[test]
fn etcd_only_vms_become_an_encrypted_cluster_and_survive_the_store_going_away() {
    sweep_stale();
    let mut tb = Testbed::create(&unique_prefix(), VMS, built_binaries()).expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    let mut etcd = start_etcd(&tb);
    // The number vm3's labels hash to is already another label set's, cluster-wide: only
    // the store's allocator gives every VM the same (other) number for vm3.
    let vm3_labels: agent_core::identity::Labels = [
        ("cluster", "vm-cluster"),
        ("env", "production"),
        ("io.cilium.k8s.policy.cluster", "vm-cluster"),
        ("node", "vm3"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .into();
    let hashed = agent_core::identity::candidates(1, &vm3_labels).next().expect("a candidate");
    let squat = format!("cilium/state/identities/v1/id/{hashed}");
    etcdctl(tb.vm("store"), &["put", &squat, "node:app=squatter;node:cluster=vm-cluster;"])
        .expect("etcdctl put");
    for vm in ["vm1", "vm2", "vm3"] {
        tb.start_agent(vm, &config(vm)).expect("agent");
    }
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    let three = ["vm1", "vm2", "vm3"].map(String::from).to_vec();
    let dump = |tb: &Testbed, e: anyhow::Error| -> String {
        format!("{e:#}\nvm1's log:\n{}", tb.agent_log("vm1"))
    };
    wait_for("every VM to see the others", Duration::from_secs(30), || {
        ["vm1", "vm2", "vm3"].iter().all(|v| names(tb.vm(v)) == three)
    })
    .unwrap_or_else(|e| panic!("{}", dump(&tb, e)));
    assert!(members(&vm1).iter().any(|(n, s)| n == "vm2" && s == "kvstore"), "{:?}", members(&vm1));
    let (state, msg) = kvstore_state(&vm1);
    assert_eq!(state, "Ok", "{msg}");
    assert!(msg.starts_with("etcd: 1/1 connected, leases=1"), "{msg}");
    // Cilium's key layout, read with the standard client.
    let store = tb.vm("store").clone();
    let keys = etcdctl(&store, &["get", "--prefix", "--keys-only", "cilium/state/nodes/v1/"])
        .expect("etcdctl get");
    for vm in ["vm1", "vm2", "vm3"] {
        assert!(keys.contains(&format!("cilium/state/nodes/v1/vm-cluster/{vm}")), "{keys}");
    }

    // Identities: one number per label set across the fleet, allocated in the store.
    let id_of = |vm: &Vm, node: &str| -> Option<u64> {
        let list = vm.cilium_json(&["identity", "list"]).ok()?;
        list.as_array()?.iter().find_map(|i| {
            let has = i["labels"].as_array()?.iter().any(|l| l == &format!("node:node={node}"));
            if has { i["id"].as_u64() } else { None }
        })
    };
    wait_for("vm1 and vm2 to agree on vm3's identity", Duration::from_secs(30), || {
        let (a, b) = (id_of(&vm1, "vm3"), id_of(&vm2, "vm3"));
        a.is_some() && a == b && a != Some(u64::from(hashed))
    })
    .unwrap_or_else(|e| {
        panic!(
            "{} vm1 {:?} vm2 {:?} hashed {hashed}",
            dump(&tb, e),
            id_of(&vm1, "vm3"),
            id_of(&vm2, "vm3")
        )
    });
    let vm3_id = id_of(&vm1, "vm3").expect("vm3's identity");
    let master = etcdctl(
        &store,
        &["get", "--print-value-only", &format!("cilium/state/identities/v1/id/{vm3_id}")],
    )
    .expect("etcdctl get");
    assert_eq!(
        master.trim(),
        "node:cluster=vm-cluster;node:env=production;k8s:io.cilium.k8s.policy.cluster=vm-cluster;node:node=vm3;"
    );
    let users = etcdctl(
        &store,
        &[
            "get",
            "--prefix",
            "--keys-only",
            &format!("cilium/state/identities/v1/value/{}", master.trim()),
        ],
    )
    .expect("etcdctl get");
    assert!(users.contains("/192.168.1.12"), "vm3 holds its identity: {users}");

    // Encrypted between the VMs: only WireGuard on the wire.
    wait_for("the tunnel to vm2", Duration::from_secs(20), || pings(&vm1, "192.168.1.11"))
        .expect("tunnel");
    let lines = tb
        .capture("vm1", "eth0", "ip host 192.168.1.11", || {
            assert!(pings(&vm1, "192.168.1.11"));
        })
        .expect("capture");
    let other: Vec<&String> = lines.iter().filter(|l| !l.contains(".51871: UDP")).collect();
    assert!(
        !lines.is_empty() && other.is_empty(),
        "only WireGuard between vm1 and vm2: {lines:#?}"
    );

    // The store goes away: the tunnels stay, status says so.
    let _ = etcd.kill();
    let _ = etcd.wait();
    wait_for("KVStore: Failure", Duration::from_secs(40), || kvstore_state(&vm1).0 == "Failure")
        .unwrap_or_else(|e| panic!("{}", dump(&tb, e)));
    assert_eq!(names(&vm1), three, "nobody dropped while etcd is away");
    assert!(pings(&vm1, "192.168.1.11"), "traffic keeps flowing");
    // An agent that starts while the store is away works from its last snapshot.
    tb.kill_agent("vm1");
    tb.restart_agent("vm1").expect("vm1 during the outage");
    wait_for("vm1 back from its snapshot", Duration::from_secs(30), || {
        names(&vm1) == three && pings(&vm1, "192.168.1.11")
    })
    .unwrap_or_else(|e| panic!("{}", dump(&tb, e)));
    assert!(tb.agent_log("vm1").contains("using the last snapshot"), "{}", tb.agent_log("vm1"));
    // vm4 starts meanwhile; it joins once the store is back.
    tb.start_agent("vm4", &config("vm4")).expect("vm4");
    let mut etcd = start_etcd(&tb);
    let back = Instant::now();
    let four = ["vm1", "vm2", "vm3", "vm4"].map(String::from).to_vec();
    wait_for("vm4 on vm1 and vm2", Duration::from_secs(40), || {
        names(&vm1) == four && names(&vm2) == four
    })
    .unwrap_or_else(|e| panic!("{}", dump(&tb, e)));
    eprintln!("vm4 seen {:?} after etcd came back", back.elapsed());
    wait_for("KVStore: Ok", Duration::from_secs(30), || kvstore_state(&vm1).0 == "Ok")
        .expect("ok again");
    wait_for("the tunnel to vm4", Duration::from_secs(20), || pings(&vm1, "192.168.1.13"))
        .expect("tunnel to vm4");

    // An agent restart: its peers never drop it (it keeps its lease).
    tb.kill_agent("vm2");
    let restarted = Instant::now();
    tb.restart_agent("vm2").expect("restart");
    while restarted.elapsed() < Duration::from_secs(5) {
        assert!(names(&vm1).contains(&"vm2".to_string()), "vm2 dropped during its restart");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(tb.agent_log("vm2").contains("kept the lease of the previous run"));

    // A VM that dies without a word: dropped when its lease runs out.
    tb.kill_agent("vm3");
    let died = Instant::now();
    wait_for("vm3 dropped", Duration::from_secs(60), || !names(&vm1).contains(&"vm3".into()))
        .unwrap_or_else(|e| panic!("{}", dump(&tb, e)));
    eprintln!("vm3 dropped {:?} after it died (lease 25s)", died.elapsed());

    // Decommission: `cilium-agent --cleanup` removes the node at once, and gives loopback's
    // `accept_local` back the value it had before the agent's L7 proxy set it.
    let vm4 = tb.vm("vm4").clone();
    let accept_local = || {
        let out = vm4.exec(&["cat", "/proc/sys/net/ipv4/conf/lo/accept_local"]).expect("cat");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(accept_local(), "1", "the agent's proxy routing set it");
    tb.kill_agent("vm4");
    let out = vm4
        .exec(&[
            built_binaries().join("cilium-agent").to_str().expect("path"),
            "--config-dir=/etc/cilium",
            "--node-name=vm4",
            "--cleanup",
        ])
        .expect("cleanup");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for("vm4 gone at once", Duration::from_secs(5), || !names(&vm1).contains(&"vm4".into()))
        .expect("vm4 gone");
    assert_eq!(accept_local(), "0", "a new network namespace's value");
    let _ = etcd.kill();
    let _ = etcd.wait();
}

#[test]
fn etcd_over_tls_with_client_certificates_refuses_a_wrong_one() {
    sweep_stale();
    let mut tb = Testbed::create(&unique_prefix(), &[VMS[0], VMS[1], VMS[4]], built_binaries())
        .expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    let dir = tb.helper_file("pki.keep", "").expect("dir").with_extension("d");
    std::fs::create_dir_all(&dir).expect("pki dir");
    testbed::pki::new_ca(&dir, "ca");
    testbed::pki::new_ca(&dir, "rogue-ca");
    testbed::pki::issue(
        &dir,
        "ca",
        "server",
        "subjectAltName=IP:192.168.1.100\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    );
    let client = "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n";
    testbed::pki::issue(&dir, "ca", "client", client);
    testbed::pki::issue(&dir, "rogue-ca", "rogue", client);
    let f = |n: &str| dir.join(n).to_str().expect("utf-8").to_string();
    let data = f("etcd-data");
    let url = format!("https://{STORE}:2379");
    let mut etcd = tb
        .spawn_child(
            "store",
            &[
                "etcd",
                "--name=store",
                &format!("--data-dir={data}"),
                &format!("--listen-client-urls={url}"),
                &format!("--advertise-client-urls={url}"),
                "--listen-peer-urls=http://127.0.0.1:2380",
                "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                "--initial-cluster=store=http://127.0.0.1:2380",
                &format!("--cert-file={}", f("server.crt")),
                &format!("--key-file={}", f("server.key")),
                "--client-cert-auth",
                &format!("--trusted-ca-file={}", f("ca.crt")),
                "--log-level=error",
            ],
        )
        .expect("etcd");
    let store = tb.vm("store").clone();
    wait_for("etcd over TLS", Duration::from_secs(30), || {
        store
            .exec(&[
                "etcdctl",
                "--endpoints",
                &url,
                "--cacert",
                &f("ca.crt"),
                "--cert",
                &f("client.crt"),
                "--key",
                &f("client.key"),
                "endpoint",
                "health",
            ])
            .is_ok_and(|o| o.status.success())
    })
    .expect("etcd up");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).expect("pem");
    let tls_config = |v: &Vm, cert: &str| {
        v.write_file("/etc/cilium/etcd-ca.crt", &read("ca.crt")).expect("ca");
        v.write_file("/etc/cilium/etcd-client.crt", &read(&format!("{cert}.crt"))).expect("crt");
        v.write_file_mode("/etc/cilium/etcd-client.key", &read(&format!("{cert}.key")), 0o600)
            .expect("key");
        v.write_file(
            "/etc/cilium/etcd-config.yaml",
            &format!(
                "endpoints:\n- {url}\ntrusted-ca-file: etcd-ca.crt\ncert-file: etcd-client.crt\nkey-file: etcd-client.key\n"
            ),
        )
        .expect("etcd config");
    };
    let config = |node: &str| {
        config(node).replace(
            &format!("  endpoints:\n    - http://{STORE}:2379\n"),
            "  config: /etc/cilium/etcd-config.yaml\n",
        )
    };
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    tls_config(&vm1, "client");
    tls_config(&vm2, "rogue");
    tb.start_agent("vm1", &config("vm1")).expect("vm1");
    tb.start_agent("vm2", &config("vm2")).expect("vm2");
    wait_for("vm1: KVStore Ok over TLS", Duration::from_secs(30), || kvstore_state(&vm1).0 == "Ok")
        .unwrap_or_else(|e| panic!("{e:#} {:?}\n{}", kvstore_state(&vm1), tb.agent_log("vm1")));
    wait_for("vm2 refused", Duration::from_secs(30), || kvstore_state(&vm2).0 == "Failure")
        .unwrap_or_else(|e| panic!("{e:#} {:?}\n{}", kvstore_state(&vm2), tb.agent_log("vm2")));
    eprintln!("vm2 with a rogue certificate: {:?}", kvstore_state(&vm2));
    assert_eq!(names(&vm1), ["vm1"], "the rogue-certificate VM is no peer");
    // With the right certificate, vm2 joins.
    tls_config(&vm2, "client");
    tb.kill_agent("vm2");
    tb.restart_agent("vm2").expect("vm2 again");
    wait_for("vm1 and vm2 meet over TLS", Duration::from_secs(30), || {
        names(&vm1) == ["vm1", "vm2"] && names(&vm2) == ["vm1", "vm2"]
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{}", tb.agent_log("vm2")));
    let _ = etcd.kill();
    let _ = etcd.wait();
}
