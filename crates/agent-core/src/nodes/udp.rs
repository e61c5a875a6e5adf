//! The bootstrap exchange over WireGuard's own UDP port, for nodes behind NAT.
//!
//! Between clouds, the security groups usually let UDP 51871 through and nothing else (the
//! seed's case 1), yet a tunnel needs the other side's public key first. So the signed
//! bootstrap announcement (what the plaintext TCP port carries on a flat network: name,
//! addresses, public key, port, never labels) also travels as one datagram from port 51871 to
//! port 51871, the same flow WireGuard's packets take through the NATs on the way.
//!
//! The port belongs to WireGuard (the kernel's, or ours), so these datagrams are sent and
//! heard on a raw socket: the kernel hands it a copy of each UDP packet that a classic BPF
//! filter lets through (to the port, first byte [`REQUEST`] or [`REPLY`]), and WireGuard drops
//! the original, which starts with no message type it knows (its start with 1 to 4, then three
//! zero bytes). The datagrams carry [`crate::wireguard::routing::WG_MARK`], as WireGuard's
//! own do, so they take the main table and pass strict mode. IPv4 only: IPv6 endpoints
//! bootstrap over TCP.

use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, Protocol, SockAddr, SockFilter, Socket, Type};

/// First byte of a bootstrap request: an announcement that wants one in return.
pub const REQUEST: u8 = 0xc1;
/// First byte of the answer to a verified request.
pub const REPLY: u8 = 0xc2;
/// What follows the first byte, so that stray datagrams are told apart at once.
const MAGIC: &[u8; 3] = b"CVM";
/// Largest datagram sent or read: an announcement without labels is about 600 bytes, and one
/// that stays below 1280 is never fragmented on any path.
pub const MAX_PAYLOAD: usize = 1200;
const UDP_HEADER: usize = 8;

/// The payload of a bootstrap datagram of `kind` carrying the announcement `line`; `None` when
/// it would not fit.
pub fn encode(kind: u8, line: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(4 + line.len());
    out.push(kind);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(line.as_bytes());
    (out.len() <= MAX_PAYLOAD).then_some(out)
}

/// The kind and announcement of a bootstrap payload; `None` for anything else.
pub fn decode(payload: &[u8]) -> Option<(u8, &str)> {
    if payload.len() > MAX_PAYLOAD || payload.len() < 4 || &payload[1..4] != MAGIC {
        return None;
    }
    let kind = payload[0];
    if kind != REQUEST && kind != REPLY {
        return None;
    }
    std::str::from_utf8(&payload[4..]).ok().map(|line| (kind, line))
}

/// A UDP datagram from `sport` to `dport`. The checksum is left 0 ("none", which IPv4
/// allows): the source address is the kernel's choice, and the announcement is signed anyway.
fn datagram(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(UDP_HEADER + payload.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(UDP_HEADER + payload.len());
    out.extend_from_slice(&sport.to_be_bytes());
    out.extend_from_slice(&dport.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    out
}

/// The source and the UDP payload of an IPv4 packet as a raw socket delivers it (from the IP
/// header on), when it is an unfragmented datagram to `port`.
pub fn parse_ipv4(packet: &[u8], port: u16) -> Option<(SocketAddrV4, &[u8])> {
    let ihl = usize::from(*packet.first()? & 0x0f) * 4;
    if packet.first()? >> 4 != 4 || ihl < 20 || packet.len() < ihl + UDP_HEADER {
        return None;
    }
    let fragment = u16::from_be_bytes([packet[6], packet[7]]) & 0x3fff;
    if fragment != 0 || packet[9] != 17 {
        return None;
    }
    let src = Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]);
    let udp = &packet[ihl..];
    let sport = u16::from_be_bytes([udp[0], udp[1]]);
    let dport = u16::from_be_bytes([udp[2], udp[3]]);
    let len = usize::from(u16::from_be_bytes([udp[4], udp[5]]));
    if dport != port || len < UDP_HEADER || len > udp.len() {
        return None;
    }
    Some((SocketAddrV4::new(src, sport), &udp[UDP_HEADER..len]))
}

/// The classic BPF program of the raw socket, run by the kernel on every UDP packet the host
/// receives: only unfragmented datagrams to `port` whose payload starts with [`REQUEST`] or
/// [`REPLY`] are copied to us, so WireGuard's traffic costs a few instructions and no wakeup.
fn filter(port: u16) -> Vec<SockFilter> {
    const LD_H_ABS: u16 = 0x28;
    const LDX_B_MSH: u16 = 0xb1;
    const LD_H_IND: u16 = 0x48;
    const LD_B_IND: u16 = 0x50;
    const JEQ_K: u16 = 0x15;
    const JSET_K: u16 = 0x45;
    const RET_K: u16 = 0x06;
    vec![
        SockFilter::new(LD_H_ABS, 0, 0, 6), // 0: flags and fragment offset
        SockFilter::new(JSET_K, 7, 0, 0x3fff), // 1: a fragment: drop
        SockFilter::new(LDX_B_MSH, 0, 0, 0), // 2: X = IP header length
        SockFilter::new(LD_H_IND, 0, 0, 2), // 3: UDP destination port
        SockFilter::new(JEQ_K, 0, 4, u32::from(port)), // 4: not ours: drop
        SockFilter::new(LD_B_IND, 0, 0, 8), // 5: first payload byte
        SockFilter::new(JEQ_K, 1, 0, u32::from(REQUEST)), // 6
        SockFilter::new(JEQ_K, 0, 1, u32::from(REPLY)), // 7
        SockFilter::new(RET_K, 0, 0, 0xffff), // 8: keep
        SockFilter::new(RET_K, 0, 0, 0),    // 9: drop
    ]
}

/// The raw socket on WireGuard's port.
#[derive(Debug)]
pub struct WireguardPort {
    socket: Socket,
    port: u16,
}

impl WireguardPort {
    /// Opens the raw socket for `port` (needs CAP_NET_RAW, and CAP_NET_ADMIN for the mark).
    pub fn open(port: u16, mark: u32) -> std::io::Result<WireguardPort> {
        let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP))?;
        socket.set_mark(mark)?;
        socket.attach_filter(&filter(port))?;
        Ok(WireguardPort { socket, port })
    }

    /// Sends `payload` from the WireGuard port to `to`.
    pub fn send(&self, to: SocketAddrV4, payload: &[u8]) -> std::io::Result<()> {
        let packet = datagram(self.port, to.port(), payload);
        // A raw socket's address carries no port: the UDP header does.
        let addr = SockAddr::from(SocketAddrV4::new(*to.ip(), 0));
        self.socket.send_to(&packet, &addr).map(|_| ())
    }

    /// Waits for the next bootstrap datagram: its sender and payload. Whatever slipped past the
    /// filter and is no bootstrap datagram is skipped.
    pub fn recv(&self) -> std::io::Result<(SocketAddrV4, Vec<u8>)> {
        use std::io::Read;
        // A raw IPv4 socket reads whole packets, so the sender is in the IP header.
        let mut buf = [0u8; 60 + UDP_HEADER + MAX_PAYLOAD];
        loop {
            let n = (&self.socket).read(&mut buf)?;
            if let Some((from, payload)) = parse_ipv4(&buf[..n], self.port) {
                return Ok((from, payload.to_vec()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_nothing_else_decodes() {
        let p = encode(REQUEST, "{\"body\":\"x\",\"mac\":\"y\"}").expect("fits");
        assert_eq!(decode(&p), Some((REQUEST, "{\"body\":\"x\",\"mac\":\"y\"}")));
        assert!(encode(REPLY, &"x".repeat(MAX_PAYLOAD)).is_none(), "bounded");
        // WireGuard's handshake initiation, and junk with our first byte.
        assert_eq!(decode(&[1, 0, 0, 0, 9, 9]), None);
        assert_eq!(decode(&[REQUEST, b'X', b'V', b'M']), None);
        assert_eq!(decode(&[REQUEST, b'C', b'V', b'M', 0xff, 0xfe]), None, "not UTF-8");
        assert_eq!(decode(&[0xc3, b'C', b'V', b'M']), None);
    }

    fn ipv4(src: [u8; 4], sport: u16, dport: u16, payload: &[u8], fragment: u16) -> Vec<u8> {
        let udp = datagram(sport, dport, payload);
        let mut p = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0];
        p[6..8].copy_from_slice(&fragment.to_be_bytes());
        p.extend_from_slice(&src);
        p.extend_from_slice(&[10, 0, 1, 10]);
        p.extend_from_slice(&udp);
        p
    }

    #[test]
    fn packets_from_the_raw_socket_are_checked_before_use() {
        let payload = encode(REPLY, "line").expect("fits");
        let p = ipv4([203, 0, 113, 20], 51871, 51871, &payload, 0);
        let (from, got) = parse_ipv4(&p, 51871).expect("ours");
        assert_eq!(from, "203.0.113.20:51871".parse().expect("addr"));
        assert_eq!(got, payload.as_slice());
        assert!(parse_ipv4(&p, 4240).is_none(), "another port");
        assert!(parse_ipv4(&ipv4([1, 2, 3, 4], 1, 51871, &payload, 0x2000), 51871).is_none());
        assert!(parse_ipv4(&p[..30], 51871).is_none(), "truncated");
        let mut lying = p.clone();
        lying[24..26].copy_from_slice(&2000u16.to_be_bytes());
        assert!(parse_ipv4(&lying, 51871).is_none(), "a length beyond the packet");
        assert!(parse_ipv4(&[], 51871).is_none());
        assert!(parse_ipv4(&[0x46; 20], 51871).is_none());
    }
}
