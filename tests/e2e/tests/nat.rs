//! The seed's case 1 (section 12): VMs in two clouds, each behind its cloud's 1:1 NAT, reach
//! each other's private addresses through WireGuard between the public addresses.
//!
//! ```text
//!  aws 10.0.1.10 ── awsgw ── 203.0.113.10 ══ "internet" ══ 203.0.113.20 ── aligw ── ali 172.16.1.10
//!                                              outsider 203.0.113.30
//! ```
//! Each gateway maps its public address to its VM's private one (DNAT in, SNAT out), as a
//! cloud's elastic or public IP does; the public side has no route to either private network.

use std::time::Duration;

use testbed::{TEST_SECRET, Testbed, Vm, built_binaries, sweep_stale, unique_prefix, wait_for};

pub(crate) const AWS: &str = "10.0.1.10";
pub(crate) const ALI: &str = "172.16.1.10";
pub(crate) const AWS_PUBLIC: &str = "203.0.113.10";
pub(crate) const ALI_PUBLIC: &str = "203.0.113.20";

/// Both VMs' config: the seed's case 1, each node with the public address in front of it.
fn config(cloud: &str, backend: &str) -> String {
    format!(
        "cluster:\n  name: hybrid\n  id: 1\n\
         encryption:\n  enabled: true\n  nodeEncryption: true\n  persistentKeepalive: 25s\n  backend: {backend}\n\
         hostFirewall:\n  enabled: true\n\
         nodes:\n  - {{ip: {AWS}, endpoint: {AWS_PUBLIC}}}\n  - {{ip: {ALI}, endpoint: {ALI_PUBLIC}}}\n\
         labels:\n  cloud: {cloud}\n"
    )
}

/// A cloud's 1:1 NAT on `gw`: `public` (on its `wan`) is `private`, both ways.
fn one_to_one_nat(gw: &Vm, public: &str, private: &str) {
    gw.run(&["sysctl", "-qw", "net.ipv4.ip_forward=1"]).expect("forwarding");
    let rules = format!(
        "table ip cloud {{\n\
         chain pre {{ type nat hook prerouting priority dstnat; iifname \"wan\" ip daddr {public} dnat to {private}; }}\n\
         chain post {{ type nat hook postrouting priority srcnat; oifname \"wan\" ip saddr {private} snat to {public}; }}\n\
         }}\n"
    );
    gw.write_file("/etc/cilium/nat.nft", &rules).expect("rules");
    gw.run(&["nft", "-f", "/etc/cilium/nat.nft"]).expect("nft");
}

pub(crate) fn hybrid_cloud() -> Testbed {
    let vms = [
        ("aws", "10.0.1.10/24", "br-aws"),
        ("awsgw", "10.0.1.1/24", "br-aws"),
        ("ali", "172.16.1.10/24", "br-ali"),
        ("aligw", "172.16.1.1/24", "br-ali"),
        ("outsider", "203.0.113.30/24", "br-pub"),
    ];
    let tb = Testbed::create_on(&unique_prefix(), &vms, built_binaries()).expect("testbed");
    tb.attach("awsgw", "br-pub", "wan", "203.0.113.10/24").expect("aws public side");
    tb.attach("aligw", "br-pub", "wan", "203.0.113.20/24").expect("ali public side");
    // AWS's way out is narrower than its VPC (as a cloud's internet path may be).
    let out = ["ip", "route", "add", "default", "via", "10.0.1.1", "mtu", "1400"];
    tb.vm("aws").run(&out).expect("route");
    tb.vm("ali").run(&["ip", "route", "add", "default", "via", "172.16.1.1"]).expect("route");
    one_to_one_nat(tb.vm("awsgw"), AWS_PUBLIC, AWS);
    one_to_one_nat(tb.vm("aligw"), ALI_PUBLIC, ALI);
    tb
}

#[test]
fn seed_case_1_private_addresses_across_two_clouds_behind_nat() {
    across_nat("auto");
}

/// The same with WireGuard in the agent, which owns the port the bootstrap shares.
#[test]
fn across_nat_with_the_userspace_backend() {
    across_nat("userspace");
}

fn across_nat(backend: &str) {
    sweep_stale();
    let mut tb = hybrid_cloud();
    let (aws, ali, outsider) =
        (tb.vm("aws").clone(), tb.vm("ali").clone(), tb.vm("outsider").clone());
    tb.spawn("ali", &["python3", "-m", "http.server", "8080", "--bind", ALI]).expect("server");
    // The clouds as they are: the public addresses answer, the private ones are unroutable.
    wait_for("the server behind ali's public address", Duration::from_secs(10), || {
        outsider.http_ok(&format!("http://{ALI_PUBLIC}:8080/"))
    })
    .expect("NAT works");
    assert!(!aws.http_ok(&format!("http://{ALI}:8080/")), "no route to a private address");

    // From before the first agent starts: the bootstrap too takes the WireGuard port, so the
    // seed's security groups (UDP 51871 only) are enough.
    let between = format!("ip host {AWS_PUBLIC} and ip host {ALI_PUBLIC}");
    let wire = tb.start_capture("awsgw", "wan", &between).expect("capture");
    tb.share_secret(TEST_SECRET).expect("secret");
    tb.start_agent("aws", &config("aws", backend)).expect("aws agent");
    tb.start_agent("ali", &config("ali", backend)).expect("ali agent");
    wait_for("aws to reach ali's private address", Duration::from_secs(30), || {
        aws.http_ok(&format!("http://{ALI}:8080/"))
    })
    .unwrap_or_else(|e| {
        panic!("{e:#}\naws:\n{}\nali:\n{}", tb.agent_log("aws"), tb.agent_log("ali"))
    });

    // Between the clouds, nothing but WireGuard between the two public addresses, from the
    // bootstrap to the traffic.
    for _ in 0..3 {
        assert!(aws.http_ok(&format!("http://{ALI}:8080/")), "curl through the tunnel");
    }
    let lines = wire.finish().expect("capture");
    let wireguard = |l: &&String| {
        l.contains(&format!("{AWS_PUBLIC}.51871 > {ALI_PUBLIC}.51871: UDP"))
            || l.contains(&format!("{ALI_PUBLIC}.51871 > {AWS_PUBLIC}.51871: UDP"))
    };
    // A bootstrap datagram that arrives before the other agent has opened the port gets its
    // kernel's answer, about that same port.
    let not_yet = |l: &&String| l.contains("ICMP") && l.contains("udp port 51871 unreachable");
    assert!(lines.iter().any(|l| wireguard(&l)), "WireGuard on the public side: {lines:#?}");
    let other: Vec<&String> = lines.iter().filter(|l| !wireguard(l) && !not_yet(l)).collect();
    assert!(other.is_empty(), "only UDP 51871 between the public addresses: {other:#?}");

    // WireGuard sends to the public address and tunnels the private one.
    let wg = String::from_utf8_lossy(&aws.run(&["wg", "show", "cilium_wg0"]).expect("wg").stdout)
        .into_owned();
    assert!(wg.contains(&format!("endpoint: {ALI_PUBLIC}:51871")), "{wg}");
    assert!(wg.contains(&format!("allowed ips: {ALI}/32")), "{wg}");
    assert!(wg.contains("persistent keepalive: every 25 seconds"), "{wg}");
    // The routes to the peer fit one WireGuard packet on the path to its endpoint (1400 - 60).
    let routes = String::from_utf8_lossy(
        &aws.run(&["ip", "route", "show", "table", "2005"]).expect("routes").stdout,
    )
    .into_owned();
    let tunnel = routes.lines().find(|l| l.starts_with(&format!("{ALI} dev cilium_wg0")));
    assert!(
        tunnel.is_some_and(|l| l.contains("mtu 1340") && l.contains("advmss 1300")),
        "{routes}"
    );

    // Both addresses of the peer, where an operator looks.
    let nodes =
        String::from_utf8_lossy(&aws.run(&["cilium", "node", "list"]).expect("list").stdout)
            .into_owned();
    let row = nodes.lines().find(|l| l.starts_with("ali")).unwrap_or_default().to_string();
    assert!(row.contains(ALI) && row.contains(ALI_PUBLIC), "{nodes}");
    let status = aws.cilium_json(&["status"]).expect("status");
    let peer = status["cluster"]["nodes"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["name"] == "ali").cloned())
        .expect("ali in status");
    assert_eq!(peer["primary-address"]["ipv4"]["ip"], ALI, "{peer}");
    assert_eq!(peer["secondary-addresses"][0]["ip"], ALI_PUBLIC, "{peer}");
    assert_eq!(peer["secondary-addresses"][0]["address-type"], "ExternalIP", "{peer}");
    wait_for("health to see ali reachable through the tunnel", Duration::from_secs(20), || {
        aws.cilium_json(&["status"]).is_ok_and(|s| {
            s["cluster"]["nodes"].as_array().is_some_and(|n| {
                n.iter().any(|n| n["name"] == "ali" && n["health"]["state"] == "Reachable")
            })
        })
    })
    .expect("reachable");
    let enc = String::from_utf8_lossy(
        &aws.run(&["cilium", "encryption", "status"]).expect("encryption").stdout,
    )
    .into_owned();
    assert!(enc.contains(&format!("Endpoint: {ALI_PUBLIC}:51871")), "{enc}");

    // The seed's `fromCIDR` of the other cloud's VPC admits its VM, through the tunnel, and
    // nothing else: neither the public side nor plaintext from the VM's own public address.
    let policy = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n\
                  metadata:\n  name: from-aws-vpc\nspec:\n  nodeSelector: {}\n  ingress:\n\
                  \x20   - fromCIDR: [10.0.0.0/16]\n      toPorts:\n        - ports:\n\
                  \x20           - port: \"8080\"\n              protocol: TCP\n";
    ali.write_file("/etc/cilium/from-aws-vpc.yaml", policy).expect("policy file");
    ali.run(&["cilium", "policy", "import", "/etc/cilium/from-aws-vpc.yaml"]).expect("import");
    assert!(aws.http_ok(&format!("http://{ALI}:8080/")), "the AWS VM is admitted");
    assert!(!outsider.http_ok(&format!("http://{ALI_PUBLIC}:8080/")), "the internet is not");
    assert!(
        !tb.vm("awsgw").http_ok(&format!("http://{ALI_PUBLIC}:8080/")),
        "nor plaintext from the AWS VM's public address"
    );
}
