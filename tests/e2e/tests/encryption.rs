//! The seed's encrypted cluster (section 5.1 configs, section 6 checks), automated: the
//! capture on the wire, `wg show`, wrong secrets, late joiners, a dead backend, rotation.

use std::time::Duration;

use testbed::{
    SEED_VMS, TEST_SECRET, Testbed, built_binaries, seed_cluster, seed_cluster_configured,
    seed_cluster_with, seed_config, sweep_stale, touches_port, unique_prefix, wait_for,
};

/// Captures on `vm`'s eth0 the IP packets with `peer` while `during` runs (ARP, which the
/// seed's `host` filter also shows, is no traffic between the nodes).
fn capture(tb: &Testbed, vm: &str, peer: &str, during: impl FnOnce()) -> Vec<String> {
    capture_on(tb, vm, "eth0", &format!("ip host {peer}"), during)
}

fn capture_on(
    tb: &Testbed,
    vm: &str,
    device: &str,
    filter: &str,
    during: impl FnOnce(),
) -> Vec<String> {
    let lines = tb.capture(vm, device, filter, during).expect("capture");
    eprintln!("capture on {vm} {device}: {} packets", lines.len());
    lines
}

#[test]
fn seed_two_vms_are_encrypted_on_the_wire() {
    sweep_stale();
    let mut tb = seed_cluster(&unique_prefix(), &SEED_VMS[..2], &[]).expect("cluster");
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    tb.spawn("vm1", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.10"])
        .expect("server");
    wait_for("the tunnel and the server", Duration::from_secs(20), || {
        vm2.http_ok("http://192.168.1.10:8080/")
    })
    .expect("up");

    let lines = capture(&tb, "vm1", "192.168.1.11", || {
        for _ in 0..3 {
            assert!(
                vm2.http_ok("http://192.168.1.10:8080/"),
                "curl from vm2 works through the tunnel"
            );
        }
    });
    assert!(lines.iter().any(|l| l.contains(".51871: UDP")), "WireGuard on the wire: {lines:#?}");
    let plaintext: Vec<&String> = lines.iter().filter(|l| touches_port(l, 8080)).collect();
    assert!(plaintext.is_empty(), "no plaintext HTTP on the wire: {plaintext:#?}");
    let other: Vec<&String> = lines.iter().filter(|l| !l.contains(".51871: UDP")).collect();
    assert!(
        other.is_empty(),
        "nothing but WireGuard between the nodes once the tunnel is up: {other:#?}"
    );

    // The standard tool sees the peer with a recent handshake.
    let wg = vm1.run(&["wg", "show", "cilium_wg0"]).expect("wg show");
    let wg = String::from_utf8_lossy(&wg.stdout);
    assert!(wg.contains("listening port: 51871"), "{wg}");
    assert!(wg.contains("endpoint: 192.168.1.11:51871") && wg.contains("latest handshake"), "{wg}");
    assert!(
        !wg.contains("private key: ") || wg.contains("private key: (hidden)"),
        "never the private key: {wg}"
    );

    // The tunnel's MTU leaves room for WireGuard over IPv4 (60 bytes) on the 1500-byte veth,
    // and TCP to the peer is clamped to fit one tunnel packet.
    let link = String::from_utf8_lossy(
        &vm1.run(&["ip", "link", "show", "cilium_wg0"]).expect("ip link").stdout,
    )
    .into_owned();
    assert!(link.contains("mtu 1440"), "{link}");
    let routes = String::from_utf8_lossy(
        &vm1.run(&["ip", "route", "show", "table", "2005"]).expect("ip route").stdout,
    )
    .into_owned();
    assert!(
        routes.lines().any(|l| l.starts_with("192.168.1.11 dev cilium_wg0")
            && l.contains("mtu 1440")
            && l.contains("advmss 1400")),
        "{routes}"
    );
    let syns = capture_on(&tb, "vm1", "cilium_wg0", "tcp port 8080", || {
        assert!(vm2.http_ok("http://192.168.1.10:8080/"));
    });
    let handshake: Vec<&String> = syns.iter().filter(|l| l.contains("Flags [S")).collect();
    assert!(
        handshake.len() >= 2 && handshake.iter().all(|l| l.contains("mss 1400")),
        "both SYNs offer an MSS that fits the tunnel: {syns:#?}"
    );
    // A transfer far larger than any window crosses the tunnel whole.
    let big = tb.helper_file("big.bin", "").expect("file");
    vm1.run(&["sh", "-c", &format!("head -c 20000000 /dev/urandom > {}", big.display())])
        .expect("big file");
    let dir = big.parent().expect("testbed dir").to_str().expect("utf-8").to_string();
    tb.spawn(
        "vm1",
        &["python3", "-m", "http.server", "8081", "--bind", "192.168.1.10", "-d", &dir],
    )
    .expect("file server");
    wait_for("the file server", Duration::from_secs(10), || {
        vm2.http_ok("http://192.168.1.10:8081/")
    })
    .expect("file server up");
    let got = vm2
        .run(&[
            "curl",
            "-sS",
            "--max-time",
            "60",
            "-o",
            "/dev/null",
            "-w",
            "%{size_download}",
            "http://192.168.1.10:8081/big.bin",
        ])
        .expect("download");
    assert_eq!(String::from_utf8_lossy(&got.stdout), "20000000");

    // cilium's views.
    let status = vm1.cilium_json(&["status"]).expect("status");
    assert_eq!(status["encryption"]["mode"], "Wireguard");
    assert_eq!(status["encryption"]["wireguard"]["interfaces"][0]["peer-count"], 1);
    let nodes = status["cluster"]["nodes"].as_array().expect("nodes");
    assert!(nodes.iter().all(|n| n["health"]["state"] == "Reachable"), "{nodes:#?}");
    let text = String::from_utf8_lossy(
        &vm1.run(&["cilium", "encryption", "status"]).expect("status").stdout,
    )
    .into_owned();
    assert!(
        text.contains("Encryption:      WireGuard")
            && text.contains("192.168.1.11 (vm2): Connected"),
        "{text}"
    );
    let key = vm1.cilium_json(&["encryption", "key"]).expect("key");
    assert_eq!(key["public-key"], status["encryption"]["wireguard"]["interfaces"][0]["public-key"]);
}

#[test]
fn wrong_secret_never_becomes_a_peer_and_late_joiners_are_picked_up() {
    sweep_stale();
    let mut tb = Testbed::create(&unique_prefix(), SEED_VMS, built_binaries()).expect("testbed");
    tb.share_secret(TEST_SECRET).expect("secret");
    // vm3 has another cluster's secret.
    tb.vm("vm3")
        .write_file_mode(
            "/etc/cilium/cluster-secret",
            "b3RoZXItY2x1c3Rlci1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==\n",
            0o600,
        )
        .expect("secret");
    let all = ["192.168.1.10", "192.168.1.11", "192.168.1.12"];
    tb.start_agent("vm1", &seed_config("vm1", &all, &[])).expect("vm1");
    tb.start_agent("vm3", &seed_config("vm3", &all, &[])).expect("vm3");
    let vm1 = tb.vm("vm1").clone();
    wait_for("vm3's announcements to be rejected", Duration::from_secs(15), || {
        tb.agent_log("vm1").contains("rejected a node announcement")
    })
    .expect("rejected");
    // Listed, but never a peer: its probes through the (absent) tunnel go unanswered.
    wait_for("vm3 to be probed and found unreachable", Duration::from_secs(15), || {
        vm1.cilium_json(&["status"]).is_ok_and(|s| {
            s["cluster"]["nodes"].as_array().is_some_and(|n| {
                n.iter().any(|n| {
                    n["primary-address"]["ipv4"]["ip"] == "192.168.1.12"
                        && n["health"]["state"] == "Unreachable"
                })
            })
        })
    })
    .expect("unreachable");
    let status = vm1.cilium_json(&["status"]).expect("status");
    assert_eq!(
        status["encryption"]["wireguard"]["interfaces"][0]["peer-count"], 0,
        "no peer from a wrong secret"
    );
    assert!(
        status["cluster"]["ciliumHealth"]["msg"]
            .as_str()
            .is_some_and(|m| !m.contains(" 0 rejected")),
        "{}",
        status["cluster"]
    );
    // As cilium-health: a node out of reach makes the cluster's health a warning.
    assert_eq!(status["cluster"]["ciliumHealth"]["state"], "Warning", "{}", status["cluster"]);

    // vm2 joins later; vm1 picks it up without a restart.
    tb.start_agent("vm2", &seed_config("vm2", &all, &[])).expect("vm2");
    wait_for("vm1 to pick up vm2", Duration::from_secs(15), || {
        vm1.cilium_json(&["status"])
            .is_ok_and(|s| s["encryption"]["wireguard"]["interfaces"][0]["peer-count"] == 1)
    })
    .expect("late joiner");
    let wg = String::from_utf8_lossy(
        &vm1.run(&["wg", "show", "cilium_wg0", "endpoints"]).expect("wg").stdout,
    )
    .into_owned();
    assert!(wg.contains("192.168.1.11:51871") && !wg.contains("192.168.1.12"), "{wg}");
}

#[test]
fn a_vm_the_others_do_not_list_joins_without_a_restart() {
    sweep_stale();
    // vm1 and vm2 list only each other; vm3 arrives later and lists all three.
    let mut tb =
        seed_cluster_with(&unique_prefix(), SEED_VMS, &["vm1", "vm2"], &[]).expect("cluster");
    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    tb.spawn("vm1", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.10"])
        .expect("server");
    let all = ["192.168.1.10", "192.168.1.11", "192.168.1.12"];
    tb.start_agent("vm3", &seed_config("vm3", &all, &[])).expect("vm3");
    for vm in [&vm1, &vm2] {
        wait_for("vm3 to be a reachable peer", Duration::from_secs(30), || {
            vm.cilium_json(&["status"]).is_ok_and(|s| {
                s["encryption"]["wireguard"]["interfaces"][0]["peer-count"] == 2
                    && s["cluster"]["nodes"].as_array().is_some_and(|n| {
                        n.iter().any(|n| {
                            n["name"] == "vm3"
                                && n["source"] == "announcement"
                                && n["health"]["state"] == "Reachable"
                        })
                    })
            })
        })
        .expect("vm3 picked up");
    }
    let list = String::from_utf8_lossy(&vm1.run(&["cilium", "node", "list"]).expect("list").stdout)
        .into_owned();
    assert!(list.lines().any(|l| l.starts_with("vm3") && l.contains("192.168.1.12")), "{list}");
    wait_for("vm3's tunnel to vm1", Duration::from_secs(20), || {
        vm3.http_ok("http://192.168.1.10:8080/")
    })
    .expect("vm3 reaches vm1");
    let lines = capture(&tb, "vm1", "192.168.1.12", || {
        assert!(vm3.http_ok("http://192.168.1.10:8080/"));
    });
    let other: Vec<&String> = lines.iter().filter(|l| !l.contains(".51871: UDP")).collect();
    assert!(
        !lines.is_empty() && other.is_empty(),
        "only WireGuard with the newcomer: {lines:#?}\nvm1's tunnel routes: {}\nvm1's log:\n{}",
        String::from_utf8_lossy(
            &vm1.run(&["ip", "route", "show", "table", "2005"])
                .map(|o| o.stdout)
                .unwrap_or_default()
        ),
        tb.agent_log("vm1")
    );
}

#[test]
fn a_dead_backend_leaks_nothing() {
    sweep_stale();
    let mut tb = seed_cluster(&unique_prefix(), &SEED_VMS[..2], &[]).expect("cluster");
    let vm2 = tb.vm("vm2").clone();
    tb.spawn("vm1", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.10"])
        .expect("server");
    wait_for("the tunnel", Duration::from_secs(20), || vm2.http_ok("http://192.168.1.10:8080/"))
        .expect("up");
    // The userspace backend lives in the agent: kill it.
    tb.kill_agent("vm2");
    let lines = capture(&tb, "vm2", "192.168.1.10", || {
        for _ in 0..3 {
            assert!(!vm2.http_ok("http://192.168.1.10:8080/"), "fails closed");
        }
    });
    let plaintext: Vec<&String> = lines.iter().filter(|l| touches_port(l, 8080)).collect();
    assert!(plaintext.is_empty(), "not one plaintext packet to the peer: {plaintext:#?}");
    // vm1's probes through the tunnel get no answer: vm2 is Unreachable there.
    let vm1 = tb.vm("vm1").clone();
    wait_for("vm1 to see vm2 unreachable", Duration::from_secs(40), || {
        vm1.cilium_json(&["status"]).is_ok_and(|s| {
            s["cluster"]["nodes"].as_array().is_some_and(|n| {
                n.iter().any(|n| n["name"] == "vm2" && n["health"]["state"] == "Unreachable")
            })
        })
    })
    .expect("unreachable");

    // The agent starting again, with a client hammering the peer all along: the tunnel comes
    // back, and at no point of the start does a plaintext packet leave.
    let hammer = "while true; do curl -s -o /dev/null -m 0.3 http://192.168.1.10:8080/; done";
    let mut client = tb.spawn_child("vm2", &["sh", "-c", hammer]).expect("client");
    let capture = tb.start_capture("vm2", "eth0", "ip host 192.168.1.10").expect("capture");
    tb.restart_agent("vm2").expect("restart");
    wait_for("the tunnel after the restart", Duration::from_secs(20), || {
        vm2.http_ok("http://192.168.1.10:8080/")
    })
    .expect("back");
    let lines = capture.finish().expect("capture");
    let _ = client.kill();
    let _ = client.wait();
    let plaintext: Vec<&String> = lines.iter().filter(|l| touches_port(l, 8080)).collect();
    assert!(plaintext.is_empty(), "plaintext while the agent started: {plaintext:#?}");
    assert!(lines.iter().any(|l| l.contains(".51871: UDP")), "the tunnel is back: {lines:#?}");
}

#[test]
fn an_open_connection_survives_key_rotation() {
    sweep_stale();
    let mut tb = seed_cluster(&unique_prefix(), &SEED_VMS[..2], &[]).expect("cluster");
    let (vm1, vm2) = (tb.vm("vm1").clone(), tb.vm("vm2").clone());
    let echo = tb
        .helper_file("echo.py", testbed::ECHO_SERVER)
        .expect("file")
        .to_str()
        .expect("utf-8")
        .to_string();
    let session = tb
        .helper_file("session.py", testbed::SESSION_CLIENT)
        .expect("file")
        .to_str()
        .expect("utf-8")
        .to_string();
    let log = tb.helper_file("log", "").expect("file").to_str().expect("utf-8").to_string();
    tb.spawn("vm1", &["python3", &echo, "192.168.1.10", "9000"]).expect("echo");
    wait_for("the tunnel and the echo server", Duration::from_secs(20), || {
        vm2.exec(&[
            "python3",
            "-c",
            "import socket; socket.create_connection(('192.168.1.10', 9000), 1).close()",
        ])
        .is_ok_and(|o| o.status.success())
    })
    .expect("up");
    tb.spawn("vm2", &["python3", &session, "192.168.1.10", "9000", &log]).expect("session");
    let count = || std::fs::read_to_string(&log).map(|s| s.lines().count()).unwrap_or(0);
    wait_for("the session", Duration::from_secs(10), || count() > 5).expect("session");
    let capture = tb.start_capture("vm2", "eth0", "ip host 192.168.1.10").expect("capture");
    for vm in [&vm1, &vm2, &vm1] {
        let out = vm.run(&["cilium", "encryption", "rotate", "--timeout", "20s"]).expect("rotate");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Peers updated: 1/1"));
        let before = count();
        wait_for("the session to go on after the rotation", Duration::from_secs(15), || {
            count() > before + 5
        })
        .expect("survives");
    }
    let lines = capture.finish_with(&["-A"]).expect("capture");
    // The session's packets are WireGuard's throughout. The new public key reaches a peer
    // whose tunnel still expects the old one over the bootstrap port: public data only.
    let headers: Vec<&String> = lines.iter().filter(|l| l.contains(" IP ")).collect();
    let stray: Vec<&&String> =
        headers.iter().filter(|l| !l.contains(".51871: UDP") && !l.contains(".4240")).collect();
    assert!(stray.is_empty(), "only WireGuard and bootstrap announcements: {stray:#?}");
    assert!(
        !lines.iter().any(|l| l.contains("production") || l.contains("ping ")),
        "no label and no session data in plaintext: {lines:#?}"
    );
    assert_eq!(vm1.cilium_json(&["encryption", "key"]).expect("key")["key-index"], 2);
}

/// The userspace backend's offloads (TSO reads cut into segments, UDP GSO and GRO, segments
/// joined back for the TUN) against a peer without them, and between two with them: bulk
/// transfers each way arrive byte for byte, and nothing but WireGuard is on the wire.
#[test]
fn bulk_transfers_are_intact_with_and_without_offloads() {
    sweep_stale();
    let tb = seed_cluster_configured(
        &unique_prefix(),
        SEED_VMS,
        &["vm1", "vm2", "vm3"],
        &[],
        &|vm, c| {
            if vm == "vm2" {
                c.replace(
                    "encryption:\n  enabled: true\n",
                    "encryption:\n  enabled: true\n  userspaceOffloads: false\n",
                )
            } else {
                c
            }
        },
    )
    .expect("cluster");
    let vms: Vec<testbed::Vm> = ["vm1", "vm2", "vm3"].iter().map(|v| tb.vm(v).clone()).collect();
    wait_for("the agents' offloads in their logs", Duration::from_secs(20), || {
        ["vm1", "vm2", "vm3"]
            .iter()
            .all(|v| tb.agent_log(v).contains("userspace WireGuard offloads"))
    })
    .expect("logged");
    let logs: Vec<String> = ["vm1", "vm2", "vm3"].iter().map(|v| tb.agent_log(v)).collect();
    assert!(
        logs[0].contains("tun=tso") && logs[0].contains("udp_gso=true"),
        "vm1 offloads: {}",
        logs[0]
    );
    assert!(
        logs[1].contains("tun=none") && logs[1].contains("udp_gso=false"),
        "vm2 without: {}",
        logs[1]
    );

    let mut tb = tb;
    let data = tb.helper_file("bulk.bin", "").expect("file");
    vms[0]
        .run(&["sh", "-c", &format!("head -c 30000000 /dev/urandom > {}", data.display())])
        .expect("data");
    let sum = |vm: &testbed::Vm, cmd: &str| -> String {
        let out = vm.run(&["sh", "-c", &format!("{cmd} | sha256sum")]).expect("sha256sum");
        String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or("").to_string()
    };
    let want = sum(&vms[0], &format!("cat {}", data.display()));
    let dir = data.parent().expect("dir").to_str().expect("utf-8").to_string();
    for (i, (vm, ip)) in [("vm1", "192.168.1.10"), ("vm2", "192.168.1.11"), ("vm3", "192.168.1.12")]
        .iter()
        .enumerate()
    {
        tb.spawn(vm, &["python3", "-m", "http.server", "8090", "--bind", ip, "-d", &dir])
            .expect("server");
        let v = vms[i].clone();
        let url = format!("http://{ip}:8090/");
        wait_for("the file server", Duration::from_secs(20), || v.http_ok(&url))
            .expect("server up");
    }
    // Anyone can send an empty datagram to the WireGuard port: with and without GRO it is
    // dropped, and the receiving thread goes on (it once sliced by the datagram's size, 0).
    for target in ["192.168.1.10", "192.168.1.11"] {
        let send = format!(
            "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'', ('{target}', 51871)) for _ in range(3)]"
        );
        vms[2].run(&["python3", "-c", &send]).expect("empty datagrams");
    }
    // Every direction between an offloading node and the one without, and between two
    // offloading nodes, while the wire is watched.
    let pairs =
        [(1, "192.168.1.10"), (0, "192.168.1.11"), (2, "192.168.1.10"), (0, "192.168.1.12")];
    let lines = capture_on(&tb, "vm1", "eth0", "ip and not arp", || {
        for (client, server) in pairs {
            let got = sum(
                &vms[client],
                &format!("curl -sS --max-time 120 http://{server}:8090/bulk.bin"),
            );
            assert_eq!(got, want, "30 MB from {server} to vm{} intact", client + 1);
        }
    });
    let plaintext: Vec<&String> = lines.iter().filter(|l| touches_port(l, 8090)).collect();
    assert!(
        plaintext.is_empty(),
        "no plaintext on the wire: {:#?}",
        &plaintext[..plaintext.len().min(5)]
    );
    assert!(lines.iter().any(|l| l.contains(".51871: UDP")), "WireGuard on the wire");
}
