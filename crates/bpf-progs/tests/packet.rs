//! Crafted packets for BPF_PROG_TEST_RUN: Ethernet + IPv4/IPv6 (+ options, extension headers,
//! fragments) + TCP/UDP/ICMP. Checksums are left zero: the programs do not verify them.

use std::net::{Ipv4Addr, Ipv6Addr};

pub const SYN: u8 = 0x02;
pub const ACK: u8 = 0x10;
pub const FIN: u8 = 0x01;

fn eth(ethertype: u16) -> Vec<u8> {
    let mut p = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
    p.extend_from_slice(&ethertype.to_be_bytes());
    p
}

pub fn tcp_hdr(sport: u16, dport: u16, flags: u8) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    h
}

pub fn udp_hdr(sport: u16, dport: u16, payload: usize) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&((8 + payload) as u16).to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend(std::iter::repeat_n(0xab, payload));
    h
}

pub fn icmp_echo(kind: u8, id: u16) -> Vec<u8> {
    let mut h = vec![kind, 0, 0, 0];
    h.extend_from_slice(&id.to_be_bytes());
    h.extend_from_slice(&[0, 1]);
    h
}

/// An IPv4 packet; `options` must be a multiple of 4 bytes; `frag` is (more fragments, offset in
/// 8-byte units, id).
pub fn ipv4(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    options: &[u8],
    frag: (bool, u16, u16),
    l4: &[u8],
) -> Vec<u8> {
    let ihl = 5 + options.len() / 4;
    let total = ihl * 4 + l4.len();
    let mut p = eth(0x0800);
    p.push(0x40 | ihl as u8);
    p.push(0);
    p.extend_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(&frag.2.to_be_bytes());
    let fo = (if frag.0 { 0x2000 } else { 0 }) | (frag.1 & 0x1fff);
    p.extend_from_slice(&fo.to_be_bytes());
    p.extend_from_slice(&[64, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(options);
    p.extend_from_slice(l4);
    p
}

pub fn tcp4(src: Ipv4Addr, dst: Ipv4Addr, sport: u16, dport: u16, flags: u8) -> Vec<u8> {
    ipv4(src, dst, 6, &[], (false, 0, 1), &tcp_hdr(sport, dport, flags))
}

pub fn udp4(src: Ipv4Addr, dst: Ipv4Addr, sport: u16, dport: u16) -> Vec<u8> {
    ipv4(src, dst, 17, &[], (false, 0, 1), &udp_hdr(sport, dport, 16))
}

/// An IPv6 packet with extension headers given as (type, body); each body is padded to 8 bytes.
pub fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, ext: &[(u8, Vec<u8>)], proto: u8, l4: &[u8]) -> Vec<u8> {
    ipv6_hop(src, dst, ext, proto, l4, 64)
}

/// [`ipv6`] with a hop limit.
pub fn ipv6_hop(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    ext: &[(u8, Vec<u8>)],
    proto: u8,
    l4: &[u8],
    hop_limit: u8,
) -> Vec<u8> {
    let mut chain = Vec::new();
    let mut next_types: Vec<u8> = ext.iter().map(|(t, _)| *t).collect();
    next_types.push(proto);
    for (i, (kind, body)) in ext.iter().enumerate() {
        let mut h = vec![next_types[i + 1], 0];
        h.extend_from_slice(body);
        if *kind == 44 {
            h.truncate(8);
            h.resize(8, 0);
        } else {
            while h.len() % 8 != 0 {
                h.push(0);
            }
            h[1] = (h.len() / 8 - 1) as u8;
        }
        chain.extend_from_slice(&h);
    }
    let first = next_types[0];
    let mut p = eth(0x86dd);
    p.extend_from_slice(&[0x60, 0, 0, 0]);
    p.extend_from_slice(&((chain.len() + l4.len()) as u16).to_be_bytes());
    p.push(first);
    p.push(hop_limit);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&chain);
    p.extend_from_slice(l4);
    p
}

/// The body of an IPv6 fragment header (after next-header and reserved).
pub fn frag6(offset: u16, more: bool, id: u32) -> Vec<u8> {
    let fo = (offset << 3) | u16::from(more);
    let mut b = fo.to_be_bytes().to_vec();
    b.extend_from_slice(&id.to_be_bytes());
    b
}

/// The packet without its Ethernet header, as a device without a link layer carries it.
///
/// BPF_PROG_TEST_RUN derives a tc program's `skb->protocol` from bytes 12-13 as if they were
/// an Ethernet type, which in an IP header are part of the source address: sources of L3
/// packets must put the type there (IPv4 `8.0.x.y`, IPv6 `x:x:86dd::`), or the program would
/// see a non-IP protocol and the test would prove nothing.
pub fn l3(frame: &[u8]) -> Vec<u8> {
    let p = frame[14..].to_vec();
    assert!(
        p[12..14] == [0x08, 0x00] || p[12..14] == [0x86, 0xdd],
        "an L3 test packet needs a source address of the form 8.0.x.y or x:x:86dd::"
    );
    p
}

/// `frame` with VLAN tags (TPID, VID) inserted after the MAC addresses, outermost first.
pub fn tagged(frame: &[u8], tags: &[(u16, u16)]) -> Vec<u8> {
    let mut p = frame[..12].to_vec();
    for (tpid, vid) in tags {
        p.extend_from_slice(&tpid.to_be_bytes());
        p.extend_from_slice(&vid.to_be_bytes());
    }
    p.extend_from_slice(&frame[12..]);
    p
}

/// An ICMP (v4) error of `kind`/`code` quoting `quoted` (an IP packet, its first bytes).
pub fn icmp4_error(kind: u8, code: u8, quoted: &[u8]) -> Vec<u8> {
    let mut h = vec![kind, code, 0, 0, 0, 0, 0, 0];
    h.extend_from_slice(quoted);
    h
}

/// An ICMPv6 message of `kind` with an 4-byte body of zeros and `rest`.
pub fn icmp6(kind: u8, rest: &[u8]) -> Vec<u8> {
    let mut h = vec![kind, 0, 0, 0, 0, 0, 0, 0];
    h.extend_from_slice(rest);
    h
}
