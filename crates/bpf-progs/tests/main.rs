//! Every verdict path of the host firewall through BPF_PROG_TEST_RUN with crafted packets.
//! Needs root (CAP_BPF, CAP_SYS_ADMIN for the private bpffs); fails, never skips, without it.

mod kernels;
mod packet;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::Command;

use aya::maps::{Array, HashMap, LpmTrie, RingBuf};
use aya::programs::{SchedClassifier, TestRun, TestRunOptions};
use aya::{Ebpf, EbpfLoader};
use bpf_progs::*;
use packet::*;

const OK: u32 = 0;
const SHOT: u32 = 2;
const REDIRECT: u32 = 7;

const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 10);
const PEER: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 11);
const STRANGER: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
const PEER_ID: u32 = 4242;
/// A node reached through the tunnel; see `packet::l3` for the form of the address.
const NODE: Ipv4Addr = Ipv4Addr::new(8, 0, 1, 11);
const NODE6: &str = "fd00:0:86dd::11";
const WG_PORT: u16 = 51871;
const CLUSTER_PORT: u16 = 4240;

/// A private bpffs instance, so pinned maps of parallel tests never meet. Unmounted on drop.
struct Bpffs(tempfile::TempDir);

impl Bpffs {
    fn new() -> Bpffs {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = Command::new("mount")
            .args(["-t", "bpf", "bpf"])
            .arg(dir.path())
            .output()
            .expect("mount");
        assert!(
            out.status.success(),
            "mounting a bpffs failed (these tests need root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Bpffs(dir)
    }
}

impl Drop for Bpffs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

struct Fw {
    ebpf: Ebpf,
    _bpffs: Bpffs,
    proxy_port: u16,
}

impl Fw {
    fn new(flags: u32) -> Fw {
        Fw::with_ct(flags, None)
    }

    /// With the conntrack tables sized (established, pending).
    fn with_ct(flags: u32, ct: Option<(u32, u32)>) -> Fw {
        let euid = std::os::unix::fs::MetadataExt::uid(
            &std::fs::metadata("/proc/self").expect("/proc/self"),
        );
        assert_eq!(euid, 0, "BPF_PROG_TEST_RUN tests need root; CI runs them as root");
        let bpffs = Bpffs::new();
        let mut loader = EbpfLoader::new();
        loader.default_map_pin_directory(bpffs.0.path());
        if let Some((main, pending)) = ct {
            loader.map_max_entries(maps::CT, main).map_max_entries(maps::CT_PENDING, pending);
        }
        let mut ebpf = loader.load(HOSTFW_OBJ).expect("loading the object");
        for name in programs::ALL {
            let prog: &mut SchedClassifier =
                ebpf.program_mut(name).expect("program").try_into().expect("tc program");
            load_program(prog).unwrap_or_else(|e| panic!("verifier rejected {name}: {e:?}"));
        }
        let mut fw = Fw { ebpf, _bpffs: bpffs, proxy_port: 0 };
        fw.config(flags);
        fw.ipcache(IpAddr::V4(PEER), 32, PEER_ID, IPC_F_NODE);
        fw
    }

    fn config(&mut self, flags: u32) {
        let mut m: Array<_, Config> =
            Array::try_from(self.ebpf.map_mut(maps::CONFIG).expect("map")).expect("array");
        let cfg = Config {
            flags: flags | cfg::TRACE_NOTIFY | cfg::DROP_NOTIFY | cfg::VERDICT_NOTIFY,
            wg_mark: 0xe00,
            wg_mark_mask: 0xf00,
            trace_sampling: 1,
            wg_port: WG_PORT.to_be(),
            cluster_port: CLUSTER_PORT.to_be(),
            proxy_port: self.proxy_port,
            pad: 0,
        };
        m.set(0, cfg, 0).expect("set config");
    }

    fn ipcache(&mut self, ip: IpAddr, prefix: u8, identity: u32, flags: u32) {
        let mut m: LpmTrie<_, IpcacheData, IpcacheValue> =
            LpmTrie::try_from(self.ebpf.map_mut(maps::IPCACHE).expect("map")).expect("lpm");
        m.insert(&ipcache_key(ip, prefix), IpcacheValue { identity, flags }, 0).expect("insert");
    }

    #[allow(clippy::too_many_arguments, reason = "mirrors the key and value fields")]
    fn policy(
        &mut self,
        identity: u32,
        dir: u8,
        proto: u8,
        port: u16,
        bits: u8,
        verdict: u8,
        flags: u8,
        rule: u32,
    ) {
        let mut m: LpmTrie<_, PolicyData, PolicyValue> =
            LpmTrie::try_from(self.ebpf.map_mut(maps::POLICY).expect("map")).expect("lpm");
        let v = PolicyValue { verdict, flags, match_type: 2, pad: 0, rule_id: rule };
        m.insert(&policy_key(identity, dir, proto, port, bits), v, 0).expect("insert");
    }

    fn run_with_mark(&self, prog: &str, pkt: &[u8], mark: u32) -> u32 {
        self.run_out(prog, pkt, mark).0
    }

    /// A run with what the program made of the packet: (verdict, packet, mark).
    fn run_out(&self, prog: &str, pkt: &[u8], mark: u32) -> (u32, Vec<u8>, u32) {
        let p: &SchedClassifier = self.ebpf.program(prog).expect("program").try_into().expect("tc");
        // struct __sk_buff: len at 0, pkt_type at 4, mark at 8; the kernel accepts a context
        // with only these leading fields set.
        let mut ctx = vec![0u8; 192];
        ctx[8..12].copy_from_slice(&mark.to_ne_bytes());
        let mut ctx_out = vec![0u8; 192];
        let mut data_out = vec![0u8; pkt.len() + 64];
        let opts = TestRunOptions {
            data_in: Some(pkt),
            ctx_in: Some(&ctx),
            data_out: Some(&mut data_out),
            ctx_out: Some(&mut ctx_out),
            ..TestRunOptions::new()
        };
        let r = p.test_run(opts).expect("test run");
        data_out.truncate(r.data_size_out as usize);
        let mark = u32::from_ne_bytes(ctx_out[8..12].try_into().expect("4 bytes"));
        (r.return_value, data_out, mark)
    }

    /// A listener standing for the L7 proxy's, its port configured (with `flags`).
    fn proxy_listening(&mut self, flags: u32) -> std::net::TcpListener {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        self.proxy_port = listener.local_addr().expect("addr").port();
        self.config(flags);
        listener
    }

    fn proxy_entries(&self) -> Vec<(CtKey, ProxyValue)> {
        let m: HashMap<_, CtKey, ProxyValue> =
            HashMap::try_from(self.ebpf.map(maps::PROXY).expect("map")).expect("hash");
        m.iter().map(|r| r.expect("entry")).collect()
    }

    fn ingress(&self, pkt: &[u8]) -> u32 {
        self.run_with_mark(programs::INGRESS, pkt, 0)
    }

    fn egress(&self, pkt: &[u8]) -> u32 {
        self.run_with_mark(programs::EGRESS, pkt, 0)
    }

    fn records(&mut self) -> Vec<Record> {
        let mut rb =
            RingBuf::try_from(self.ebpf.map_mut(maps::EVENTS).expect("map")).expect("ringbuf");
        let mut out = Vec::new();
        while let Some(item) = rb.next() {
            out.push(Record::from_bytes(&item).expect("record"));
        }
        out
    }

    fn events(&mut self) -> Vec<Event> {
        let records = self.records();
        records
            .into_iter()
            .map(|r| match r {
                Record::Packet(e) => e,
                Record::Debug(d) => panic!("debug message without CFG_DEBUG: {d:?}"),
            })
            .collect()
    }

    /// The debug messages in the ring, as (subtype, arg1, arg2, arg3); packet events dropped.
    fn debug(&mut self) -> Vec<(u8, u32, u32, u32)> {
        self.records()
            .into_iter()
            .filter_map(|r| match r {
                Record::Debug(d) => {
                    assert_eq!(d.kind, event_type::DEBUG);
                    Some((d.subtype, d.arg1, d.arg2, d.arg3))
                }
                Record::Packet(_) => None,
            })
            .collect()
    }

    /// Entries of both conntrack tables, established ones first.
    fn ct_entries(&self) -> Vec<(CtKey, CtValue)> {
        let mut all = self.ct_table(maps::CT);
        all.extend(self.ct_table(maps::CT_PENDING));
        all
    }

    fn ct_table(&self, name: &str) -> Vec<(CtKey, CtValue)> {
        let m: HashMap<_, CtKey, CtValue> =
            HashMap::try_from(self.ebpf.map(name).expect("map")).expect("hash");
        m.iter().map(|r| r.expect("entry")).collect()
    }

    fn wg_ingress(&self, frame: &[u8]) -> u32 {
        self.run_with_mark(programs::WG_INGRESS, &l3(frame), 0)
    }
}

fn drops(events: &[Event]) -> Vec<u8> {
    events.iter().filter(|e| e.kind == event_type::DROP).map(|e| e.subtype).collect()
}

fn verdicts(events: &[Event]) -> Vec<u8> {
    events.iter().filter(|e| e.kind == event_type::POLICY_VERDICT).map(|e| e.verdict).collect()
}

#[test]
fn without_policy_everything_passes_and_is_tracked() {
    let mut fw = Fw::new(0);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, SYN)), OK);
    let ct = fw.ct_entries();
    assert_eq!(ct.len(), 1);
    assert_eq!(ct[0].0.dport, 8080u16.to_be());
    let ev = fw.events();
    let trace =
        ev.iter().find(|e| e.kind == event_type::TRACE).expect("trace event for a new connection");
    assert_eq!(trace.ct_state, 1);
    assert_eq!(trace.direction, 1);
    assert_eq!(trace.src_identity, PEER_ID);
    assert_eq!(trace.dst_identity, ID_HOST);
    assert!(verdicts(&ev).is_empty(), "no policy verdict while nothing is enforced");
}

#[test]
fn default_deny_when_enforced() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, SYN)), SHOT);
    let ev = fw.events();
    assert_eq!(drops(&ev), vec![drop_reason::POLICY]);
    assert_eq!(verdicts(&ev), vec![flow_verdict::DROPPED]);
    let d = ev.iter().find(|e| e.kind == event_type::DROP).expect("drop");
    assert_eq!(addr_from_bytes(d.family, &d.saddr), IpAddr::V4(PEER));
    assert_eq!(addr_from_bytes(d.family, &d.daddr), IpAddr::V4(LOCAL));
    assert_eq!((u16::from_be(d.sport), u16::from_be(d.dport)), (40000, 8080));
    assert_eq!(d.proto, 6);
    assert_eq!(d.tcp_flags, SYN);
    assert!(fw.ct_entries().is_empty(), "a dropped packet creates no connection");
    // Egress is not enforced.
    assert_eq!(fw.egress(&tcp4(LOCAL, STRANGER, 40001, 443, SYN)), OK);
}

#[test]
fn allow_rule_by_identity_and_port() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 8080, 16, VERDICT_ALLOW, 0, 7);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, SYN)), OK);
    let ev = fw.events();
    let v = ev.iter().find(|e| e.kind == event_type::POLICY_VERDICT).expect("verdict");
    assert_eq!(v.verdict, flow_verdict::FORWARDED);
    assert_eq!(v.rule_id, 7);
    // Other port, other peer: denied.
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8081, SYN)), SHOT);
    assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 40000, 8080, SYN)), SHOT);
    // Later packets of the allowed connection skip policy (no new verdict event).
    fw.events();
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, ACK)), OK);
    assert!(verdicts(&fw.events()).is_empty());
}

#[test]
fn debug_messages_follow_a_packet_through_identity_conntrack_and_policy() {
    // Cilium's DBG_* numbers and argument layouts (what the agent decodes).
    const IP_ID_MAP_FAILED4: u8 = 56;
    const IP_ID_MAP_SUCCEED4: u8 = 58;
    const CT_LOOKUP4_1: u8 = 48;
    const CT_LOOKUP4_2: u8 = 49;
    const CT_MATCH: u8 = 8;
    const CT_VERDICT: u8 = 15;
    const CT_CREATED4: u8 = 50;
    const POLICY_DENIED: u8 = 5;
    let raw = |a: Ipv4Addr| u32::from_ne_bytes(a.octets());

    let mut fw = Fw::new(cfg::ENFORCE_INGRESS | cfg::DEBUG);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 8080, 16, VERDICT_ALLOW, 0, 7);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, SYN)), OK);
    assert_eq!(
        fw.debug(),
        vec![
            (IP_ID_MAP_SUCCEED4, raw(PEER), PEER_ID, 0),
            (CT_LOOKUP4_1, raw(PEER), raw(LOCAL), (8080 << 16) | 40000),
            (CT_LOOKUP4_2, (6 << 8), 0, 0),
            (CT_VERDICT, 0, 0, 0),
            (CT_CREATED4, 0, PEER_ID, 0),
        ]
    );
    // The next segment finds its entry.
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, ACK)), OK);
    let next = fw.debug();
    assert!(matches!(next.get(3), Some(&(CT_MATCH, lifetime, 0, 0)) if lifetime > 0), "{next:?}");
    assert_eq!(next.get(4), Some(&(CT_VERDICT, 1, 0, 0)), "established");
    // A stranger, denied: no identity of its own, and the policy says why.
    assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 40000, 8081, SYN)), SHOT);
    let denied = fw.debug();
    assert_eq!(denied.first(), Some(&(IP_ID_MAP_FAILED4, raw(STRANGER), 0, 0)));
    assert!(denied.contains(&(POLICY_DENIED, ID_WORLD, ID_HOST, 0)), "{denied:?}");
    // Egress: the tuple flag says "out".
    assert_eq!(fw.egress(&tcp4(LOCAL, STRANGER, 40001, 443, SYN)), OK);
    assert!(fw.debug().contains(&(CT_LOOKUP4_2, (6 << 8) | 1, 0, 0)));

    // Without the flag, not one debug record (Fw::events panics on any).
    let mut quiet = Fw::new(cfg::ENFORCE_INGRESS);
    assert_eq!(quiet.ingress(&tcp4(PEER, LOCAL, 40000, 8080, SYN)), SHOT);
    assert_eq!(quiet.events().len(), 2, "a verdict and a drop, nothing else");
}

#[test]
fn port_ranges_and_wildcards() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    // 8000-8007: the top 13 bits of the port.
    fw.policy(PEER_ID, DIR_INGRESS, 6, 8000, 13, VERDICT_ALLOW, 0, 1);
    // Any identity, UDP 53.
    fw.policy(0, DIR_INGRESS, 17, 53, 16, VERDICT_ALLOW, 0, 2);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 8005, SYN)), OK);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 8008, SYN)), SHOT);
    assert_eq!(fw.ingress(&udp4(STRANGER, LOCAL, 5353, 53)), OK);
    assert_eq!(fw.ingress(&udp4(STRANGER, LOCAL, 5353, 54)), SHOT);
    // Any protocol from the peer (L3-only rule).
    fw.policy(PEER_ID, DIR_INGRESS, 0, 0, 0, VERDICT_ALLOW, 0, 3);
    assert_eq!(fw.ingress(&udp4(PEER, LOCAL, 1, 9999)), OK);
}

#[test]
fn deny_beats_allow() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(0, DIR_INGRESS, 6, 22, 16, VERDICT_ALLOW, 0, 1);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 22, 16, VERDICT_DENY, 0, 2);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 22, SYN)), SHOT);
    let ev = fw.events();
    assert_eq!(drops(&ev), vec![drop_reason::POLICY_DENY]);
    assert_eq!(ev.iter().find(|e| e.kind == event_type::DROP).map(|e| e.rule_id), Some(2));
    assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 1, 22, SYN)), OK);

    // A deny for any peer beats an allow for one peer, even when nothing is enforced.
    let mut fw = Fw::new(0);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 23, 16, VERDICT_ALLOW, 0, 1);
    fw.policy(0, DIR_INGRESS, 6, 23, 16, VERDICT_DENY, 0, 2);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 23, SYN)), SHOT);
}

#[test]
fn audit_lets_would_be_drops_pass() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS | cfg::AUDIT);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 8080, SYN)), OK);
    let ev = fw.events();
    assert_eq!(verdicts(&ev), vec![flow_verdict::AUDIT]);
    assert!(drops(&ev).is_empty());
    let ct = fw.ct_entries();
    assert_eq!(ct.len(), 1);
    assert_eq!(ct[0].1.state_flags & CT_F_AUDITED, CT_F_AUDITED);

    // Per-policy audit: a deny rule flagged audit.
    let mut fw = Fw::new(0);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 22, 16, VERDICT_DENY, POLICY_F_AUDIT, 9);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 22, SYN)), OK);
    assert_eq!(verdicts(&fw.events()), vec![flow_verdict::AUDIT]);
}

#[test]
fn replies_pass_through_conntrack() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    assert_eq!(fw.egress(&tcp4(LOCAL, STRANGER, 40000, 443, SYN)), OK);
    fw.events();
    assert_eq!(
        fw.ingress(&tcp4(STRANGER, LOCAL, 443, 40000, SYN | ACK)),
        OK,
        "reply of an allowed connection"
    );
    let ev = fw.events();
    assert!(verdicts(&ev).is_empty(), "replies are not policy decisions");
    assert!(
        ev.iter().any(|e| e.kind == event_type::TRACE && e.ct_state == 3),
        "reply traced once for new flags"
    );
    let ct = fw.ct_entries();
    assert_eq!(ct[0].1.packets_rev, 1);
    // But the same ports opened from outside are new, and denied.
    assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 443, 40001, SYN)), SHOT);
    // ICMP echo: the reply pairs with the request on its identifier.
    assert_eq!(fw.egress(&ipv4(LOCAL, STRANGER, 1, &[], (false, 0, 9), &icmp_echo(8, 77))), OK);
    assert_eq!(fw.ingress(&ipv4(STRANGER, LOCAL, 1, &[], (false, 0, 9), &icmp_echo(0, 77))), OK);
    assert_eq!(fw.ingress(&ipv4(STRANGER, LOCAL, 1, &[], (false, 0, 9), &icmp_echo(8, 78))), SHOT);
}

#[test]
fn malformed_packets_are_dropped_with_a_reason() {
    let mut fw = Fw::new(0);
    // (A frame shorter than an IPv4 header is refused by BPF_PROG_TEST_RUN itself, so the
    // truncated-header path is covered by bpf_skb_load_bytes failing on the L4 header below.)
    let mut bad_version = tcp4(PEER, LOCAL, 1, 80, SYN);
    bad_version[14] = 0x65;
    assert_eq!(fw.ingress(&bad_version), SHOT);
    let mut bad_ihl = tcp4(PEER, LOCAL, 1, 80, SYN);
    bad_ihl[14] = 0x44;
    assert_eq!(fw.ingress(&bad_ihl), SHOT);
    let mut bad_len = tcp4(PEER, LOCAL, 1, 80, SYN);
    bad_len[16..18].copy_from_slice(&10u16.to_be_bytes());
    assert_eq!(fw.ingress(&bad_len), SHOT);
    let mut no_l4 = tcp4(PEER, LOCAL, 1, 80, SYN);
    no_l4.truncate(14 + 20 + 6);
    assert_eq!(fw.ingress(&no_l4), SHOT);
    assert_eq!(
        drops(&fw.events()),
        vec![
            drop_reason::INVALID,
            drop_reason::INVALID,
            drop_reason::INVALID,
            drop_reason::CT_INVALID_HDR
        ]
    );
    // Non-IP (ARP) is not ours to judge.
    let mut arp = vec![0xff; 12];
    arp.extend_from_slice(&[0x08, 0x06]);
    arp.extend_from_slice(&[0u8; 28]);
    assert_eq!(fw.ingress(&arp), OK);
}

#[test]
fn ipv4_options_do_not_hide_the_ports() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 22, 16, VERDICT_ALLOW, 0, 1);
    // 12 bytes of options (NOPs and a timestamp-looking blob).
    let opts = [1, 1, 1, 1, 0x44, 8, 5, 0, 0, 0, 0, 0];
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 6, &opts, (false, 0, 1), &tcp_hdr(1, 22, SYN))), OK);
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 6, &opts, (false, 0, 1), &tcp_hdr(1, 23, SYN))), SHOT);
    // Maximum header length (60 bytes).
    let long = [1u8; 40];
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 6, &long, (false, 0, 1), &tcp_hdr(2, 22, SYN))), OK);
}

#[test]
fn ipv6_extension_headers_do_not_hide_the_ports() {
    let peer6: Ipv6Addr = "fd00::11".parse().expect("ip");
    let local6: Ipv6Addr = "fd00::10".parse().expect("ip");
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.ipcache(IpAddr::V6(peer6), 128, PEER_ID, IPC_F_NODE);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 443, 16, VERDICT_ALLOW, 0, 1);
    let ext = vec![
        (0u8, vec![1, 4, 0, 0, 0, 0]),
        (60u8, vec![1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ];
    assert_eq!(fw.ingress(&ipv6(peer6, local6, &ext, 6, &tcp_hdr(1, 443, SYN))), OK);
    assert_eq!(fw.ingress(&ipv6(peer6, local6, &ext, 6, &tcp_hdr(1, 444, SYN))), SHOT);
    // A chain longer than we walk is refused, not trusted.
    let many: Vec<(u8, Vec<u8>)> = (0..9).map(|_| (60u8, vec![1, 4, 0, 0, 0, 0])).collect();
    assert_eq!(fw.ingress(&ipv6(peer6, local6, &many, 6, &tcp_hdr(1, 443, SYN))), SHOT);
    // Truncated extension header.
    let mut cut = ipv6(peer6, local6, &ext, 6, &tcp_hdr(1, 443, SYN));
    cut.truncate(14 + 40 + 4);
    assert_eq!(fw.ingress(&cut), SHOT);
    let ev = fw.events();
    assert_eq!(drops(&ev)[1..], [drop_reason::INVALID_EXTHDR, drop_reason::INVALID_EXTHDR]);
}

#[test]
fn fragments_follow_their_first_fragment() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(PEER_ID, DIR_INGRESS, 17, 5000, 16, VERDICT_ALLOW, 0, 1);
    let first = udp_hdr(6000, 5000, 1400);
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (true, 0, 0x1234), &first[..1408])), OK);
    assert_eq!(
        fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (false, 176, 0x1234), &[0u8; 100])),
        OK,
        "later fragment of an allowed datagram"
    );
    // A later fragment whose first fragment was never seen.
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (false, 176, 0x9999), &[0u8; 100])), SHOT);
    // Fragments of a denied datagram stay denied.
    let denied = udp_hdr(6000, 5001, 64);
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (true, 0, 0x4321), &denied)), SHOT);
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (false, 9, 0x4321), &[0u8; 64])), SHOT);
    // A first fragment too short to hold the ports.
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (true, 0, 0x5555), &[0x17, 0x70])), SHOT);
    let d = drops(&fw.events());
    assert_eq!(
        d,
        vec![
            drop_reason::FRAG_NOT_FOUND,
            drop_reason::POLICY,
            drop_reason::POLICY,
            drop_reason::CT_INVALID_HDR
        ]
    );

    // IPv6 fragment header.
    let peer6: Ipv6Addr = "fd00::11".parse().expect("ip");
    let local6: Ipv6Addr = "fd00::10".parse().expect("ip");
    fw.ipcache(IpAddr::V6(peer6), 128, PEER_ID, IPC_F_NODE);
    let first6 = ipv6(peer6, local6, &[(44, frag6(0, true, 77))], 17, &udp_hdr(6000, 5000, 64));
    assert_eq!(fw.ingress(&first6), OK);
    let later6 = ipv6(peer6, local6, &[(44, frag6(9, false, 77))], 17, &[0u8; 32]);
    assert_eq!(fw.ingress(&later6), OK);
    let orphan6 = ipv6(peer6, local6, &[(44, frag6(9, false, 78))], 17, &[0u8; 32]);
    assert_eq!(fw.ingress(&orphan6), SHOT);
}

#[test]
fn strict_encryption_drops_plaintext_to_nodes() {
    let mut fw = Fw::new(cfg::STRICT_ENCRYPT);
    fw.ipcache(IpAddr::V4(PEER), 32, PEER_ID, IPC_F_NODE | IPC_F_ENCRYPT);
    let plain = tcp4(LOCAL, PEER, 40000, 8080, SYN);
    assert_eq!(fw.egress(&plain), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::UNENCRYPTED]);
    // WireGuard's own packets carry the mark and pass.
    let wg = udp4(LOCAL, PEER, 51871, 51871);
    assert_eq!(fw.run_with_mark(programs::EGRESS, &wg, 0xe00), OK);
    // Other destinations are not affected; nor is anything while strict mode is off.
    assert_eq!(fw.egress(&tcp4(LOCAL, STRANGER, 40000, 443, SYN)), OK);
    fw.config(0);
    assert_eq!(fw.egress(&plain), OK);
}

#[test]
fn metrics_count_forwards_and_drops_by_reason_and_direction() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 80, SYN)), SHOT);
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 2, 80, SYN)), OK);
    let m: aya::maps::PerCpuArray<_, MetricsValue> =
        aya::maps::PerCpuArray::try_from(fw.ebpf.map(maps::METRICS).expect("map")).expect("percpu");
    let sum = |slot: u32| m.get(&slot, 0).expect("slot").iter().map(|v| v.count).sum::<u64>();
    assert_eq!(sum(u32::from(drop_reason::POLICY) * 2), 1, "policy drops, ingress");
    assert_eq!(sum(1), 1, "forwarded, egress");
    fw.events();
}

#[test]
fn failsafe_beats_deny_and_per_direction_audit() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(0, DIR_INGRESS, 6, 22, 16, VERDICT_ALLOW, POLICY_F_FAILSAFE, 0);
    fw.policy(PEER_ID, DIR_INGRESS, 0, 0, 0, VERDICT_DENY, 0, 5);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 22, SYN)), OK, "failsafe port stays open");
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 80, SYN)), SHOT);

    let mut fw = Fw::new(cfg::ENFORCE_INGRESS | cfg::AUDIT_INGRESS | cfg::ENFORCE_EGRESS);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 1, 80, SYN)), OK);
    assert_eq!(verdicts(&fw.events()), vec![flow_verdict::AUDIT]);
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 1, 80, SYN)), SHOT, "egress is not in audit mode");
}

/// Node failsafe entries as the agent writes them: WireGuard and the bootstrap port.
fn node_failsafe(fw: &mut Fw) {
    fw.policy(PEER_ID, DIR_INGRESS, 17, WG_PORT, 16, VERDICT_ALLOW, POLICY_F_FAILSAFE, 0);
    fw.policy(PEER_ID, DIR_INGRESS, 6, CLUSTER_PORT, 16, VERDICT_ALLOW, POLICY_F_FAILSAFE, 0);
}

#[test]
fn a_node_address_in_plaintext_is_not_the_node() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS | cfg::ENCRYPTION | cfg::STRICT_ENCRYPT);
    fw.ipcache(IpAddr::V4(NODE), 32, PEER_ID, IPC_F_NODE | IPC_F_ENCRYPT);
    fw.policy(PEER_ID, DIR_INGRESS, 17, 9999, 16, VERDICT_ALLOW, 0, 1);
    node_failsafe(&mut fw);
    // A LAN host forging the node's address: dropped as unencrypted, and not called the node.
    assert_eq!(fw.ingress(&udp4(NODE, LOCAL, 5555, 9999)), SHOT);
    let ev = fw.events();
    assert_eq!(drops(&ev), vec![drop_reason::UNENCRYPTED]);
    let d = ev.iter().find(|e| e.kind == event_type::DROP).expect("drop");
    assert_eq!(d.src_identity, ID_WORLD);
    // The same datagram out of the tunnel is the node's.
    assert_eq!(fw.wg_ingress(&udp4(NODE, LOCAL, 5555, 9999)), OK);
    // The control traffic that has to come in plaintext still does.
    assert_eq!(fw.ingress(&udp4(NODE, LOCAL, WG_PORT, WG_PORT)), OK);
    assert_eq!(fw.ingress(&tcp4(NODE, LOCAL, 40000, CLUSTER_PORT, SYN)), OK);
    // A source port of the control ports proves nothing.
    assert_eq!(fw.ingress(&udp4(NODE, LOCAL, WG_PORT, 9999)), SHOT);
    assert_eq!(fw.ingress(&tcp4(NODE, LOCAL, CLUSTER_PORT, 9999, SYN)), SHOT);

    // Strict mode off: the plaintext packet passes as a host of the world, and the rules for
    // the node do not apply to it.
    fw.config(cfg::ENFORCE_INGRESS | cfg::ENCRYPTION);
    fw.events();
    assert_eq!(fw.ingress(&udp4(NODE, LOCAL, 5556, 9999)), SHOT);
    let ev = fw.events();
    assert_eq!(drops(&ev), vec![drop_reason::POLICY]);
    assert!(ev.iter().all(|e| e.src_identity == ID_WORLD), "{ev:?}");
    fw.policy(ID_WORLD, DIR_INGRESS, 17, 7777, 16, VERDICT_ALLOW, 0, 2);
    assert_eq!(fw.ingress(&udp4(NODE, LOCAL, 5556, 7777)), OK);

    // IPv6 alike.
    let peer6: Ipv6Addr = NODE6.parse().expect("ip");
    let local6: Ipv6Addr = "fd00::10".parse().expect("ip");
    fw.config(cfg::ENFORCE_INGRESS | cfg::ENCRYPTION | cfg::STRICT_ENCRYPT);
    fw.ipcache(IpAddr::V6(peer6), 128, PEER_ID, IPC_F_NODE | IPC_F_ENCRYPT);
    let udp6 = ipv6(peer6, local6, &[], 17, &udp_hdr(5555, 9999, 8));
    assert_eq!(fw.ingress(&udp6), SHOT);
    assert_eq!(fw.wg_ingress(&udp6), OK);
}

#[test]
fn this_hosts_own_address_never_arrives_from_the_wire() {
    let local6: Ipv6Addr = "fd00::10".parse().expect("ip");
    let mut fw = Fw::new(0);
    fw.ipcache(IpAddr::V4(LOCAL), 32, ID_HOST, 0);
    fw.ipcache(IpAddr::V6(local6), 128, ID_HOST, 0);
    assert_eq!(fw.ingress(&udp4(LOCAL, LOCAL, 1, 9999)), SHOT);
    assert_eq!(fw.ingress(&ipv6(local6, local6, &[], 17, &udp_hdr(1, 9999, 8))), SHOT);
    let own_l3 = Ipv4Addr::new(8, 0, 0, 10);
    fw.ipcache(IpAddr::V4(own_l3), 32, ID_HOST, 0);
    assert_eq!(fw.wg_ingress(&udp4(own_l3, LOCAL, 1, 9999)), SHOT);
    assert_eq!(
        drops(&fw.events()),
        vec![drop_reason::INVALID_SIP, drop_reason::INVALID_SIP, drop_reason::INVALID_SIP]
    );
    // What this host sends is its own.
    assert_eq!(fw.egress(&udp4(LOCAL, STRANGER, 1, 53)), OK);
}

#[test]
fn connections_are_bound_to_the_path_they_opened_on() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS | cfg::ENCRYPTION | cfg::STRICT_ENCRYPT);
    fw.ipcache(IpAddr::V4(NODE), 32, PEER_ID, IPC_F_NODE | IPC_F_ENCRYPT);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 22, 16, VERDICT_ALLOW, 0, 1);
    assert_eq!(fw.wg_ingress(&tcp4(NODE, LOCAL, 40000, 22, SYN)), OK);
    let ct = fw.ct_entries();
    assert_eq!(ct.len(), 1);
    assert_eq!(ct[0].0.path, PATH_TUNNEL);
    fw.events();
    // A forged plaintext segment of that connection matches nothing.
    assert_eq!(fw.ingress(&tcp4(NODE, LOCAL, 40000, 22, ACK)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::UNENCRYPTED]);
    assert_eq!(fw.wg_ingress(&tcp4(NODE, LOCAL, 40000, 22, ACK)), OK);
    // A connection this host opened in plaintext (to the world) takes its replies on that path.
    assert_eq!(fw.egress(&tcp4(LOCAL, STRANGER, 40001, 443, SYN)), OK);
    assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 443, 40001, SYN | ACK)), OK);
    // Authenticated packets may use a plaintext entry: connections opened before their tunnel
    // (strict mode off), and entries an earlier version made, keep working.
    fw.config(cfg::ENFORCE_INGRESS | cfg::ENCRYPTION);
    assert_eq!(fw.egress(&tcp4(LOCAL, NODE, 40002, 8080, SYN)), OK);
    assert_eq!(fw.wg_ingress(&tcp4(NODE, LOCAL, 8080, 40002, SYN | ACK)), OK);
}

#[test]
fn only_a_syn_opens_a_tcp_connection_and_confirmed_ones_move_out_of_reach() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(0, DIR_INGRESS, 6, 80, 16, VERDICT_ALLOW, 0, 1);
    // Segments without a SYN are judged and leave nothing behind.
    for flags in [ACK, ACK | 0x08, 0x01, 0x04, SYN | ACK] {
        assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 40000, 80, flags)), OK);
    }
    assert!(fw.ct_entries().is_empty(), "{:?}", fw.ct_entries());
    // A handshake: pending until the opener acknowledges the reply.
    assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 40001, 80, SYN)), OK);
    assert_eq!(fw.egress(&tcp4(LOCAL, STRANGER, 80, 40001, SYN | ACK)), OK);
    assert_eq!((fw.ct_table(maps::CT).len(), fw.ct_table(maps::CT_PENDING).len()), (0, 1));
    assert_eq!(fw.ingress(&tcp4(STRANGER, LOCAL, 40001, 80, ACK)), OK);
    assert_eq!((fw.ct_table(maps::CT).len(), fw.ct_table(maps::CT_PENDING).len()), (1, 0));
    // Other protocols are confirmed by a reply.
    assert_eq!(fw.egress(&udp4(LOCAL, STRANGER, 5000, 53)), OK);
    assert_eq!(fw.ct_table(maps::CT_PENDING).len(), 1);
    assert_eq!(fw.ingress(&udp4(STRANGER, LOCAL, 53, 5000)), OK);
    assert_eq!(fw.ct_table(maps::CT).len(), 2);
}

#[test]
fn a_syn_flood_cannot_evict_established_connections() {
    let mut fw = Fw::with_ct(cfg::ENFORCE_INGRESS, Some((64, 64)));
    fw.policy(0, DIR_INGRESS, 6, 80, 16, VERDICT_ALLOW, 0, 1);
    // An established connection this host opened: its replies pass only through conntrack.
    assert_eq!(fw.egress(&tcp4(LOCAL, NODE, 40000, 22, SYN)), OK);
    assert_eq!(fw.ingress(&tcp4(NODE, LOCAL, 22, 40000, SYN | ACK)), OK);
    assert_eq!(fw.egress(&tcp4(LOCAL, NODE, 40000, 22, ACK)), OK);
    // Twenty times the table's size of spoofed SYNs to an open port.
    for i in 0..1280u32 {
        let src = Ipv4Addr::from(0x0a00_0000 + i);
        assert_eq!(fw.ingress(&tcp4(src, LOCAL, 1024 + (i % 60000) as u16, 80, SYN)), OK);
    }
    fw.events();
    assert_eq!(fw.ingress(&tcp4(NODE, LOCAL, 22, 40000, ACK)), OK, "the idle connection lives");
}

#[test]
fn icmp_errors_must_quote_a_tracked_connection() {
    let router = Ipv4Addr::new(198, 51, 100, 1);
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    assert_eq!(fw.egress(&udp4(LOCAL, STRANGER, 5000, 53)), OK);
    let quoted = |sport: u16| udp4(LOCAL, STRANGER, sport, 53)[14..42].to_vec();
    // A router's "fragmentation needed" about that datagram: related, passes.
    let error =
        |sport| ipv4(router, LOCAL, 1, &[], (false, 0, 7), &icmp4_error(3, 4, &quoted(sport)));
    assert_eq!(fw.ingress(&error(5000)), OK);
    assert!(fw.events().iter().any(|e| e.ct_state == 4), "traced as related");
    // One about nothing this host sent meets policy, which denies it.
    assert_eq!(fw.ingress(&error(5001)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::POLICY]);
    // A deny rule applies to related errors too.
    fw.policy(0, DIR_INGRESS, 1, 3, 16, VERDICT_DENY, 0, 3);
    assert_eq!(fw.ingress(&error(5000)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::POLICY_DENY]);
    assert!(fw.ct_entries().iter().all(|(k, _)| k.proto != 1), "errors open nothing");
}

#[test]
fn neighbour_discovery_passes_only_from_the_link() {
    let peer6: Ipv6Addr = "fe80::11".parse().expect("ip");
    let local6: Ipv6Addr = "fe80::10".parse().expect("ip");
    let far: Ipv6Addr = "2001:db8::1".parse().expect("ip");
    let fw = Fw::new(cfg::ENFORCE_INGRESS);
    let ns = |src, hop| ipv6_hop(src, local6, &[], 58, &icmp6(135, &[0u8; 16]), hop);
    assert_eq!(fw.ingress(&ns(peer6, 255)), OK, "a neighbour solicitation from the link");
    assert_eq!(fw.ingress(&ns(far, 64)), SHOT, "a routed one is forged");
    let report = |src, hop| ipv6_hop(src, local6, &[], 58, &icmp6(143, &[]), hop);
    assert_eq!(fw.ingress(&report(peer6, 1)), OK, "MLDv2 report from a link-local address");
    assert_eq!(fw.ingress(&report(far, 1)), SHOT);
    assert_eq!(fw.ingress(&report(peer6, 2)), SHOT);
}

#[test]
fn tagged_and_non_ip_frames_get_an_explicit_verdict() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(0, DIR_INGRESS, 6, 22, 16, VERDICT_ALLOW, 0, 1);
    // The kernel takes one tag off before tc: a second one (QinQ) is still in the frame.
    let qinq = |port| tagged(&tcp4(STRANGER, LOCAL, 1, port, SYN), &[(0x8100, 200)]);
    assert_eq!(fw.ingress(&qinq(22)), OK);
    assert_eq!(fw.ingress(&qinq(23)), SHOT, "the IP packet inside a tag is judged");
    let ad = tagged(&tcp4(STRANGER, LOCAL, 1, 23, SYN), &[(0x88a8, 100), (0x8100, 200)]);
    assert_eq!(fw.ingress(&ad), SHOT);
    let deep = tagged(&tcp4(STRANGER, LOCAL, 1, 22, SYN), &[(0x8100, 1), (0x8100, 2), (0x8100, 3)]);
    assert_eq!(fw.ingress(&deep), SHOT, "deeper than QinQ is refused");
    assert_eq!(
        drops(&fw.events()),
        vec![drop_reason::POLICY, drop_reason::POLICY, drop_reason::UNKNOWN_L3]
    );
    // LLDP reaches no IP socket.
    let mut lldp = vec![0x01, 0x80, 0xc2, 0, 0, 0x0e, 2, 0, 0, 0, 0, 1, 0x88, 0xcc];
    lldp.extend_from_slice(&[0u8; 32]);
    assert_eq!(fw.ingress(&lldp), OK);
}

#[test]
fn devices_without_a_link_layer_are_parsed_from_the_ip_header() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(0, DIR_INGRESS, 6, 22, 16, VERDICT_ALLOW, 0, 1);
    let run = |fw: &Fw, port| {
        fw.run_with_mark(programs::L3_INGRESS, &l3(&tcp4(NODE, LOCAL, 1, port, SYN)), 0)
    };
    assert_eq!(run(&fw, 22), OK);
    assert_eq!(run(&fw, 23), SHOT);
    let ct = fw.ct_entries();
    assert_eq!(ct[0].0.path, PATH_PLAIN, "another L3 device is not the tunnel");
    fw.events();
}

#[test]
fn fragment_records_expire_and_ipv6_options_after_the_fragment_header_are_payload() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(PEER_ID, DIR_INGRESS, 17, 5000, 16, VERDICT_ALLOW, 0, 1);
    let first = udp_hdr(6000, 5000, 64);
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (true, 0, 0x1234), &first)), OK);
    {
        let mut m: HashMap<_, FragKey, FragValue> =
            HashMap::try_from(fw.ebpf.map_mut(maps::FRAG).expect("map")).expect("hash");
        let entries: Vec<(FragKey, FragValue)> = m.iter().map(|r| r.expect("entry")).collect();
        assert_eq!(entries.len(), 1);
        let (k, mut v) = entries[0];
        assert_eq!(v.proto, 17);
        v.expires = 1;
        m.insert(k, v, 0).expect("age the record");
    }
    assert_eq!(fw.ingress(&ipv4(PEER, LOCAL, 17, &[], (false, 9, 0x1234), &[0u8; 32])), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::FRAG_NOT_FOUND]);

    // IPv6: destination options inside the fragmentable part. The later fragment's header
    // names them as its next header, and what follows is payload.
    let peer6: Ipv6Addr = "fd00::11".parse().expect("ip");
    let local6: Ipv6Addr = "fd00::10".parse().expect("ip");
    fw.ipcache(IpAddr::V6(peer6), 128, PEER_ID, IPC_F_NODE);
    let opts = vec![1, 4, 0, 0, 0, 0];
    let first6 = ipv6(peer6, local6, &[(44, frag6(0, true, 99)), (60, opts)], 17, &first);
    assert_eq!(fw.ingress(&first6), OK);
    let later6 = ipv6(peer6, local6, &[(44, frag6(12, false, 99))], 60, &[0u8; 32]);
    assert_eq!(fw.ingress(&later6), OK);
}

/// Security: a port with L7 rules never falls back to L4. Without the proxy's listener (agent
/// down or restarting: no port configured, or nothing listening on it) the connection is
/// refused, and so is every later packet of a connection the proxy had.
#[test]
fn redirected_ports_fail_closed_without_the_proxy() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 8080, 16, VERDICT_ALLOW, POLICY_F_REDIRECT, 3);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 22, 16, VERDICT_ALLOW, 0, 4);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, SYN)), SHOT, "no proxy port");
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_LOOKUP_FAILED]);
    assert!(fw.ct_entries().is_empty(), "nothing is remembered of it");
    // A port nothing listens on (a free one, taken and let go).
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    fw.proxy_port = free.local_addr().expect("addr").port();
    drop(free);
    fw.config(cfg::ENFORCE_INGRESS);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40001, 8080, SYN)), SHOT, "proxy not listening");
    // A stray segment of no connection is not let through either.
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40001, 8080, ACK)), SHOT);
    // The L4 port is untouched.
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40002, 22, SYN)), OK);
    fw.events();

    // A connection the proxy had before the agent went away: its next packet is refused.
    let (family, saddr) = addr_bytes(IpAddr::V4(PEER));
    let (_, daddr) = addr_bytes(IpAddr::V4(LOCAL));
    let key = CtKey {
        saddr,
        daddr,
        sport: 40003u16.to_be(),
        dport: 8080u16.to_be(),
        proto: 6,
        family,
        path: PATH_PLAIN,
        pad: 0,
    };
    let value = CtValue {
        expires: u64::MAX,
        packets_fwd: 3,
        packets_rev: 2,
        flags_fwd: SYN | ACK,
        flags_rev: SYN | ACK,
        direction: DIR_INGRESS,
        state_flags: CT_F_PROXY,
        ..Default::default()
    };
    let mut ct: HashMap<_, CtKey, CtValue> =
        HashMap::try_from(fw.ebpf.map_mut(maps::CT).expect("map")).expect("hash");
    ct.insert(key, value, 0).expect("insert");
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40003, 8080, ACK)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_LOOKUP_FAILED]);
    // Its replies (from the proxy's socket, gone with it) are not the issue: they pass.
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 8080, 40003, ACK)), OK);
}

/// With the proxy listening, the datapath finds its listener on loopback for a redirected
/// SYN. The kernel hands a packet to a socket only on a real TC ingress, which a test run is
/// not, so here the assignment itself is refused (and the packet dropped, never passed on to
/// the application); the handover proper is in the e2e suite (`tests/e2e/tests/l7.rs`).
#[test]
fn redirected_connections_look_for_the_proxy_on_loopback() {
    let mut fw = Fw::new(cfg::ENFORCE_INGRESS);
    let listener = fw.proxy_listening(cfg::ENFORCE_INGRESS);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 8080, 16, VERDICT_ALLOW, POLICY_F_REDIRECT, 3);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 40000, 8080, SYN)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_ASSIGN_FAILED], "found, not assigned");
    assert!(fw.ct_entries().is_empty());
    drop(listener);
}

/// Security: IPv6 takes the same L7 redirects as IPv4, both ways (a path round the proxy would
/// let every request through unchecked). Without the proxy, or with only its IPv4 listener,
/// IPv6 connections to the port are refused, never passed on the L4 allow; with its IPv6
/// listener (`[::1]`, same port) that listener is found (a test run refuses the assignment
/// itself), and an egress connection turns round to loopback, where loopback's program finds
/// it too.
#[test]
fn ipv6_connections_to_redirected_ports_go_to_the_proxy_too() {
    let peer6: Ipv6Addr = "fd00::11".parse().expect("ip");
    let local6: Ipv6Addr = "fd00::10".parse().expect("ip");
    let tcp6 =
        |src, dst, sport, dport, flags| ipv6(src, dst, &[], 6, &tcp_hdr(sport, dport, flags));
    let both = cfg::ENFORCE_INGRESS | cfg::ENFORCE_EGRESS;
    let mut fw = Fw::new(both);
    fw.ipcache(IpAddr::V6(peer6), 128, PEER_ID, IPC_F_NODE);
    fw.policy(PEER_ID, DIR_INGRESS, 6, 8080, 16, VERDICT_ALLOW, POLICY_F_REDIRECT, 3);
    fw.policy(PEER_ID, DIR_EGRESS, 6, 8081, 16, VERDICT_ALLOW, POLICY_F_REDIRECT, 4);
    let lookup_failed = vec![drop_reason::SOCKET_LOOKUP_FAILED];
    assert_eq!(fw.ingress(&tcp6(peer6, local6, 40000, 8080, SYN)), SHOT, "no proxy port");
    assert_eq!(drops(&fw.events()), lookup_failed);
    assert_eq!(fw.egress(&tcp6(local6, peer6, 40001, 8081, SYN)), SHOT, "no proxy port");
    assert_eq!(drops(&fw.events()), lookup_failed);

    let v4 = fw.proxy_listening(both);
    assert_eq!(fw.ingress(&tcp6(peer6, local6, 40002, 8080, SYN)), SHOT, "IPv4 listener only");
    assert_eq!(drops(&fw.events()), lookup_failed);
    assert!(fw.ct_entries().is_empty());

    let v6 = std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, fw.proxy_port)).expect("[::1]");
    assert_eq!(fw.ingress(&tcp6(peer6, local6, 40003, 8080, SYN)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_ASSIGN_FAILED], "found, not assigned");
    let syn = tcp6(local6, peer6, 40004, 8081, SYN);
    let (verdict, out, mark) = fw.run_out(programs::EGRESS, &syn, 0);
    assert_eq!((verdict, mark & mark::MASK), (REDIRECT, mark::TO_PROXY));
    assert_eq!(&out[12..], &syn[12..], "the packet itself is untouched");
    fw.events();
    assert_eq!(fw.run_with_mark(programs::TO_PROXY, &out, mark::TO_PROXY), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_ASSIGN_FAILED], "found, not assigned");
    drop((v4, v6));
}

/// Cilium's trace observation points.
const OBS_TO_PROXY: u8 = 1;
const OBS_TO_NETWORK: u8 = 11;

/// Egress L7: a connection this host opens to a port with HTTP rules turns round to
/// loopback's ingress for the proxy (sockets are only assigned on an ingress), with
/// loopback's all-zero Ethernet header (pushed on a device without one) and the mark that
/// routes it locally; the peer's identity and the direction are recorded for the proxy. Only
/// the proxy's own upstream connection (its mark) goes out as it is. Security: without the
/// proxy the connection is refused, never let out on the L4 allow.
#[test]
fn egress_connections_to_redirected_ports_turn_round_to_the_proxy() {
    let mut fw = Fw::new(cfg::ENFORCE_EGRESS);
    fw.policy(PEER_ID, DIR_EGRESS, 6, 8080, 16, VERDICT_ALLOW, POLICY_F_REDIRECT, 3);
    let syn = tcp4(LOCAL, PEER, 40000, 8080, SYN);
    assert_eq!(fw.egress(&syn), SHOT, "no proxy port");
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_LOOKUP_FAILED]);
    assert!(fw.ct_entries().is_empty() && fw.proxy_entries().is_empty());

    let listener = fw.proxy_listening(cfg::ENFORCE_EGRESS);
    let (verdict, out, mark) = fw.run_out(programs::EGRESS, &syn, 0);
    assert_eq!(verdict, REDIRECT);
    assert_eq!(mark & mark::MASK, mark::TO_PROXY);
    // Traced as Cilium does: to the proxy (Cilium's TRACE_TO_PROXY), not to the network.
    let traces: Vec<u8> =
        fw.events().iter().filter(|e| e.kind == event_type::TRACE).map(|e| e.subtype).collect();
    assert_eq!(traces, vec![OBS_TO_PROXY]);
    assert_eq!(&out[..12], &[0u8; 12], "loopback's addresses");
    assert_eq!(&out[12..], &syn[12..], "the packet itself is untouched");
    let entries = fw.proxy_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].1.identity, entries[0].1.direction), (PEER_ID, DIR_EGRESS));
    assert_eq!(u16::from_be(entries[0].0.sport), 40000);
    // The connection's next segments follow it.
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 40000, 8080, ACK)), REDIRECT);
    // The proxy's own connection, after it judged a request.
    fw.events();
    let upstream = tcp4(LOCAL, PEER, 40001, 8080, SYN);
    assert_eq!(fw.run_with_mark(programs::EGRESS, &upstream, mark::FROM_PROXY), OK);
    assert_eq!(fw.proxy_entries().len(), 1, "not a proxied connection");
    let traces: Vec<u8> =
        fw.events().iter().filter(|e| e.kind == event_type::TRACE).map(|e| e.subtype).collect();
    assert_eq!(traces, vec![OBS_TO_NETWORK], "the proxy's own connection goes to the network");
    // Through cilium_wg0 (no link layer): an Ethernet header is pushed.
    let frame = tcp4(Ipv4Addr::new(8, 0, 0, 10), PEER, 40002, 8080, SYN);
    fw.ipcache(IpAddr::V4(Ipv4Addr::new(8, 0, 0, 10)), 32, ID_HOST, 0);
    let (verdict, out, mark) = fw.run_out(programs::WG_EGRESS, &l3(&frame), 0);
    assert_eq!((verdict, mark), (REDIRECT, mark::TO_PROXY));
    assert_eq!(out.len(), frame.len());
    assert_eq!(&out[..12], &[0u8; 12]);
    assert_eq!(&out[12..], &frame[12..]);
    fw.events();

    // Loopback's program: only marked packets are its business; those are handed to the
    // proxy (which a test run refuses: not a real ingress) or dropped without it.
    assert_eq!(fw.run_with_mark(programs::TO_PROXY, &syn, 0), OK);
    assert_eq!(fw.run_with_mark(programs::TO_PROXY, &syn, mark::TO_PROXY), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_ASSIGN_FAILED], "found, not assigned");
    drop(listener);
    assert_eq!(fw.run_with_mark(programs::TO_PROXY, &syn, mark::TO_PROXY), SHOT);
    let events = fw.events();
    assert_eq!(drops(&events), vec![drop_reason::SOCKET_LOOKUP_FAILED]);
    // The refused connection's drop names the server it was for (Hubble shows its labels).
    let refused = events.iter().find(|e| e.kind == event_type::DROP).map(|e| e.dst_identity);
    assert_eq!(refused, Some(PEER_ID));
    // The tracked connection, its proxy gone: refused, not let out.
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 40000, 8080, ACK)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::SOCKET_LOOKUP_FAILED]);
    // An ingress redirect entry says nothing about egress, and the other way round.
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 40003, 22, SYN)), SHOT, "default deny at egress");
}

/// Security: a tuple the L7 proxy's own connection to a server used cannot be taken over by an
/// application to reach the server unchecked (the entry is the proxy's, marked; anything else
/// on it is judged anew), and a SYN on a closing entry is judged under the policy of now.
#[test]
fn tracked_tuples_taken_over_are_judged_anew() {
    let mut fw = Fw::new(cfg::ENFORCE_EGRESS);
    let listener = fw.proxy_listening(cfg::ENFORCE_EGRESS);
    fw.policy(PEER_ID, DIR_EGRESS, 6, 8080, 16, VERDICT_ALLOW, POLICY_F_REDIRECT, 3);
    // The proxy's connection to the server, after it judged a request.
    let run = |fw: &Fw, flags: u8, mark: u32| {
        fw.run_with_mark(programs::EGRESS, &tcp4(LOCAL, PEER, 41000, 8080, flags), mark)
    };
    assert_eq!(run(&fw, SYN, mark::FROM_PROXY), OK);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 8080, 41000, SYN | ACK)), OK);
    assert_eq!(run(&fw, ACK, mark::FROM_PROXY), OK);
    let entries = fw.ct_entries();
    assert!(entries.iter().any(|(_, v)| v.state_flags & CT_F_FROM_PROXY != 0), "{entries:?}");
    // The server closes it; the port is free at once on this side.
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 8080, 41000, FIN | ACK)), OK);
    // An application binds that port and connects: the proxy gets it, not the server.
    assert_eq!(run(&fw, SYN, 0), REDIRECT);
    // Nor does any other unmarked segment on a proxy entry go out as it is.
    assert_eq!(run(&fw, SYN, mark::FROM_PROXY), OK, "the proxy's own connection again");
    assert_eq!(run(&fw, ACK, 0), REDIRECT);
    fw.events();

    // A SYN on a closing entry is a new connection: today's policy decides.
    let mut fw = Fw::new(cfg::ENFORCE_EGRESS);
    fw.policy(PEER_ID, DIR_EGRESS, 6, 22, 16, VERDICT_ALLOW, 0, 4);
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 42000, 22, SYN)), OK);
    assert_eq!(fw.ingress(&tcp4(PEER, LOCAL, 22, 42000, SYN | ACK)), OK);
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 42000, 22, FIN | ACK)), OK);
    fw.policy(PEER_ID, DIR_EGRESS, 6, 22, 16, VERDICT_DENY, 0, 5);
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 42000, 22, SYN)), SHOT);
    assert_eq!(drops(&fw.events()), vec![drop_reason::POLICY_DENY]);
    drop(listener);
}

/// The proxy answers an egress connection over loopback, so no reply passes the device: the
/// opener's ACK confirms the entry (out of the table a SYN flood can reach, with the
/// established timeout).
#[test]
fn egress_proxied_connections_are_confirmed_by_the_openers_ack() {
    let mut fw = Fw::new(cfg::ENFORCE_EGRESS);
    let listener = fw.proxy_listening(cfg::ENFORCE_EGRESS);
    fw.policy(PEER_ID, DIR_EGRESS, 6, 8080, 16, VERDICT_ALLOW, POLICY_F_REDIRECT, 3);
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 43000, 8080, SYN)), REDIRECT);
    assert!(fw.ct_table(maps::CT).is_empty(), "pending until confirmed");
    assert_eq!(fw.egress(&tcp4(LOCAL, PEER, 43000, 8080, ACK)), REDIRECT);
    let main = fw.ct_table(maps::CT);
    assert_eq!(main.len(), 1, "confirmed: {:?}", fw.ct_entries());
    assert!(main[0].1.state_flags & CT_F_PROXY != 0);
    drop(listener);
}
