//! The packet surgery behind the userspace device's offloads: no I/O, no kernel, so every
//! rule is tested here without root.
//!
//! With `IFF_VNET_HDR` and TSO on the TUN device, the kernel hands the device TCP super-packets
//! of up to 64 KiB (one read instead of ~45) with a virtio-net header saying how to cut them;
//! [`segment`] cuts them into the wire-sized packets WireGuard seals one by one, with the
//! checksums the kernel left to us. In the other direction, [`Coalescer`] joins the decrypted
//! segments of one TCP stream back into one super-packet per TUN write, as the kernel's GRO
//! would have: one write and one pass through the stack instead of ~45.
//!
//! Everything here parses what the kernel or a peer sent: offsets are checked against the
//! buffer, and what does not parse is refused (`None`), never guessed.

/// Bytes of a `struct virtio_net_hdr` (without `num_buffers`), the TUN default.
pub const VNET_HDR_LEN: usize = 10;

/// `VIRTIO_NET_HDR_F_NEEDS_CSUM`: the checksum at `csum_start + csum_offset` holds only the
/// pseudo-header's sum.
const F_NEEDS_CSUM: u8 = 1;
const GSO_NONE: u8 = 0;
const GSO_TCPV4: u8 = 1;
const GSO_TCPV6: u8 = 4;
const GSO_UDP_L4: u8 = 5;
const GSO_ECN: u8 = 0x80;

const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;

const TCP_FIN: u8 = 0x01;
const TCP_PSH: u8 = 0x08;
const TCP_ACK: u8 = 0x10;
const TCP_CWR: u8 = 0x80;

/// The largest IP packet a TUN write or a super-packet can be.
const MAX_SUPER: usize = 65_535;

/// The virtio-net header in front of every packet on a TUN device opened with `IFF_VNET_HDR`.
/// Legacy virtio: fields in the host's byte order, which is what TUN uses unless told otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VnetHdr {
    /// `VIRTIO_NET_HDR_F_*`.
    pub flags: u8,
    /// `VIRTIO_NET_HDR_GSO_*`.
    pub gso_type: u8,
    /// Bytes of headers in front of the payload.
    pub hdr_len: u16,
    /// Payload bytes per segment.
    pub gso_size: u16,
    /// Where the checksummed part starts (the L4 header).
    pub csum_start: u16,
    /// Where, from `csum_start`, the checksum field is.
    pub csum_offset: u16,
}

impl VnetHdr {
    /// Reads the header at the front of `buf`.
    pub fn parse(buf: &[u8]) -> Option<VnetHdr> {
        let b = buf.get(..VNET_HDR_LEN)?;
        let u16_at = |i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
        Some(VnetHdr {
            flags: b[0],
            gso_type: b[1],
            hdr_len: u16_at(2),
            gso_size: u16_at(4),
            csum_start: u16_at(6),
            csum_offset: u16_at(8),
        })
    }

    /// The header's bytes.
    pub fn to_bytes(self) -> [u8; VNET_HDR_LEN] {
        let mut b = [0u8; VNET_HDR_LEN];
        b[0] = self.flags;
        b[1] = self.gso_type;
        b[2..4].copy_from_slice(&self.hdr_len.to_ne_bytes());
        b[4..6].copy_from_slice(&self.gso_size.to_ne_bytes());
        b[6..8].copy_from_slice(&self.csum_start.to_ne_bytes());
        b[8..10].copy_from_slice(&self.csum_offset.to_ne_bytes());
        b
    }
}

/// The Internet checksum's running sum over `data` (big-endian 16-bit words, an odd last
/// byte padded with zero), not yet folded.
fn sum(data: &[u8], mut acc: u64) -> u64 {
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        acc += u64::from(u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
    }
    let rest = words.remainder();
    let mut pairs = rest.chunks_exact(2);
    for p in &mut pairs {
        acc += u64::from(u16::from_be_bytes([p[0], p[1]]));
    }
    if let [last] = pairs.remainder() {
        acc += u64::from(*last) << 8;
    }
    acc
}

/// Folds a running sum into 16 bits (not complemented).
fn fold(mut acc: u64) -> u16 {
    while acc >> 16 != 0 {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// The pseudo-header's running sum for an L4 segment of `len` bytes.
fn pseudo_sum(ip: &[u8], proto: u8, len: usize) -> u64 {
    let addrs = match ip.first().map(|b| b >> 4) {
        Some(4) => ip.get(12..20),
        _ => ip.get(8..40),
    };
    sum(addrs.unwrap_or(&[]), u64::from(proto) + len as u64)
}

fn put_u16(buf: &mut [u8], at: usize, v: u16) {
    if let Some(b) = buf.get_mut(at..at + 2) {
        b.copy_from_slice(&v.to_be_bytes());
    }
}

fn get_u16(buf: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(buf.get(at..at + 2)?.try_into().ok()?))
}

fn get_u32(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(buf.get(at..at + 4)?.try_into().ok()?))
}

/// Recomputes an IPv4 header's checksum in place.
fn ipv4_checksum(pkt: &mut [u8]) {
    let ihl = usize::from(pkt[0] & 0x0f) * 4;
    put_u16(pkt, 10, 0);
    let c = !fold(sum(&pkt[..ihl.min(pkt.len())], 0));
    put_u16(pkt, 10, c);
}

/// Writes the full L4 checksum of `pkt` (an IP packet whose L4 header is at `l4`).
fn l4_checksum(pkt: &mut [u8], l4: usize, proto: u8) {
    let field = l4 + if proto == PROTO_TCP { 16 } else { 6 };
    put_u16(pkt, field, 0);
    let len = pkt.len() - l4;
    let mut c = !fold(sum(&pkt[l4..], pseudo_sum(pkt, proto, len)));
    if proto == PROTO_UDP && c == 0 {
        c = 0xffff;
    }
    put_u16(pkt, field, c);
}

/// The L4 protocol and header offset of an IP packet, when the fixed header is whole:
/// IPv4's by its IHL, IPv6's only when no extension header comes first.
fn l4_of(pkt: &[u8]) -> Option<(u8, usize)> {
    match pkt.first()? >> 4 {
        4 => {
            let ihl = usize::from(pkt[0] & 0x0f) * 4;
            (ihl >= 20 && pkt.len() >= ihl).then_some((*pkt.get(9)?, ihl))
        }
        6 => (pkt.len() >= 40).then_some((*pkt.get(6)?, 40)),
        _ => None,
    }
}

/// Sets the IP header's length field for a packet now `len` bytes long.
fn set_ip_len(pkt: &mut [u8], len: usize) {
    if pkt[0] >> 4 == 4 {
        put_u16(pkt, 2, len as u16);
    } else {
        put_u16(pkt, 4, (len - 40) as u16);
    }
}

/// Why a packet from the TUN device was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    /// Headers or offsets that do not fit the packet.
    #[error("malformed offload header or packet")]
    Malformed,
    /// A GSO type the device did not ask for (UFO).
    #[error("unsupported GSO type {0}")]
    Unsupported(u8),
}

/// Turns one read from the TUN device (`hdr`, then the IP packet `pkt`) into the IP packets it
/// stands for, each passed to `emit` in order, ready for the wire: a super-packet cut into
/// `gso_size` segments with their own lengths, IPv4 IDs, sequence numbers, flags and checksums;
/// a single packet with its checksum completed when the kernel left it partial. `scratch` is
/// the caller's buffer, reused across calls.
pub fn segment(
    hdr: VnetHdr,
    pkt: &mut [u8],
    scratch: &mut Vec<u8>,
    mut emit: impl FnMut(&[u8]),
) -> Result<(), SegmentError> {
    let gso = hdr.gso_type & !GSO_ECN;
    if gso == GSO_NONE {
        if hdr.flags & F_NEEDS_CSUM != 0 {
            let start = usize::from(hdr.csum_start);
            let field = start + usize::from(hdr.csum_offset);
            if field + 2 > pkt.len() {
                return Err(SegmentError::Malformed);
            }
            // The field holds the pseudo-header's sum: summing over it completes the checksum.
            let mut c = !fold(sum(&pkt[start..], 0));
            if c == 0 && hdr.csum_offset == 6 {
                c = 0xffff;
            }
            put_u16(pkt, field, c);
        }
        emit(pkt);
        return Ok(());
    }
    let proto = match gso {
        GSO_TCPV4 | GSO_TCPV6 => PROTO_TCP,
        GSO_UDP_L4 => PROTO_UDP,
        other => return Err(SegmentError::Unsupported(other)),
    };
    let (ip_proto, l4) = l4_of(pkt).ok_or(SegmentError::Malformed)?;
    let v4 = pkt[0] >> 4 == 4;
    if ip_proto != proto
        || usize::from(hdr.csum_start) != l4
        || (gso == GSO_TCPV4 && !v4)
        || (gso == GSO_TCPV6 && v4)
    {
        return Err(SegmentError::Malformed);
    }
    let l4_len = if proto == PROTO_TCP {
        usize::from(pkt.get(l4 + 12).ok_or(SegmentError::Malformed)? >> 4) * 4
    } else {
        8
    };
    let headers = l4 + l4_len;
    let mss = usize::from(hdr.gso_size);
    let least = if proto == PROTO_TCP { 20 } else { 8 };
    if l4_len < least || headers > pkt.len() || mss == 0 {
        return Err(SegmentError::Malformed);
    }
    let (head, payload) = pkt.split_at(headers);
    let first_id = get_u16(head, 4).unwrap_or(0);
    let first_seq = get_u32(head, l4 + 4).unwrap_or(0);
    let count = payload.len().div_ceil(mss).max(1);
    for i in 0..count {
        let chunk = payload.get(i * mss..((i + 1) * mss).min(payload.len())).unwrap_or(&[]);
        scratch.clear();
        scratch.extend_from_slice(head);
        scratch.extend_from_slice(chunk);
        let len = scratch.len();
        set_ip_len(scratch, len);
        if v4 {
            put_u16(scratch, 4, first_id.wrapping_add(i as u16));
            ipv4_checksum(scratch);
        }
        if proto == PROTO_TCP {
            let seq = first_seq.wrapping_add((i * mss) as u32);
            scratch[l4 + 4..l4 + 8].copy_from_slice(&seq.to_be_bytes());
            if i + 1 < count {
                scratch[l4 + 13] &= !(TCP_FIN | TCP_PSH);
            }
            if i > 0 {
                scratch[l4 + 13] &= !TCP_CWR;
            }
        } else {
            put_u16(scratch, l4 + 4, (len - l4) as u16);
        }
        l4_checksum(scratch, l4, proto);
        emit(scratch);
    }
    Ok(())
}

/// The fields that decide whether two TCP segments belong to one super-packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FlowKey {
    v4: bool,
    l4: usize,
    tcp_len: usize,
}

/// An IPv4 or IPv6 TCP segment that may be coalesced: no IP options, fragments or extension
/// headers, only ACK (and PSH) set, a payload, and valid checksums (after coalescing the kernel
/// takes the checksum as computed, so a bad one must not hide in a super-packet).
fn coalescable(pkt: &[u8]) -> Option<FlowKey> {
    let (proto, l4) = l4_of(pkt)?;
    let v4 = pkt[0] >> 4 == 4;
    // IPv4 options (a longer header) are never joined, as the kernel's GRO does not.
    if proto != PROTO_TCP || l4 != if v4 { 20 } else { 40 } {
        return None;
    }
    // More fragments or a fragment offset.
    if v4 && get_u16(pkt, 6)? & 0x3fff != 0 {
        return None;
    }
    let tcp_len = usize::from(pkt.get(l4 + 12)? >> 4) * 4;
    let flags = *pkt.get(l4 + 13)?;
    if tcp_len < 20 || l4 + tcp_len >= pkt.len() || flags & !(TCP_ACK | TCP_PSH) != 0 {
        return None;
    }
    if flags & TCP_ACK == 0 {
        return None;
    }
    if v4 && fold(sum(&pkt[..20], 0)) != 0xffff {
        return None;
    }
    let len = pkt.len() - l4;
    if fold(sum(&pkt[l4..], pseudo_sum(pkt, PROTO_TCP, len))) != 0xffff {
        return None;
    }
    Some(FlowKey { v4, l4, tcp_len })
}

/// Joins consecutive TCP segments of one stream into super-packets for TUN writes, and writes
/// everything else as it came, in the order it came.
#[derive(Debug, Default)]
pub struct Coalescer {
    /// The virtio header's room, then the super-packet being built.
    buf: Vec<u8>,
    key: Option<FlowKey>,
    /// Segments in `buf`.
    segments: usize,
    /// Payload bytes of the first segment: every later one but the last has as many.
    gso_size: usize,
    /// The sequence number the next segment must have.
    next_seq: u32,
    /// The last segment was short or pushed: nothing may follow it.
    closed: bool,
}

impl Coalescer {
    /// Takes the next decrypted packet; `write` gets each finished TUN write (the virtio
    /// header, then the packet).
    pub fn push(&mut self, pkt: &[u8], write: &mut impl FnMut(&[u8])) {
        let key = coalescable(pkt);
        if let Some(k) = key
            && self.joins(k, pkt)
        {
            self.append(k, pkt);
            return;
        }
        self.flush(write);
        match key {
            Some(k) => self.start(k, pkt),
            None => {
                self.buf.clear();
                self.buf.extend_from_slice(&VnetHdr::default().to_bytes());
                self.buf.extend_from_slice(pkt);
                write(&self.buf);
                self.buf.clear();
            }
        }
    }

    /// Writes what is being built.
    pub fn flush(&mut self, write: &mut impl FnMut(&[u8])) {
        let Some(key) = self.key.take() else { return };
        if self.segments > 1 {
            self.finish_super(key);
        }
        write(&self.buf);
        self.buf.clear();
        self.segments = 0;
    }

    fn start(&mut self, key: FlowKey, pkt: &[u8]) {
        self.buf.clear();
        self.buf.extend_from_slice(&VnetHdr::default().to_bytes());
        self.buf.extend_from_slice(pkt);
        let payload = pkt.len() - key.l4 - key.tcp_len;
        self.key = Some(key);
        self.segments = 1;
        self.gso_size = payload;
        self.next_seq = get_u32(pkt, key.l4 + 4).unwrap_or(0).wrapping_add(payload as u32);
        self.closed = pkt[key.l4 + 13] & TCP_PSH != 0;
    }

    /// Whether `pkt` continues the super-packet being built.
    fn joins(&self, key: FlowKey, pkt: &[u8]) -> bool {
        let Some(cur) = self.key else { return false };
        let first = &self.buf[VNET_HDR_LEN..];
        let payload = pkt.len() - key.l4 - key.tcp_len;
        if cur != key || self.closed || payload > self.gso_size {
            return false;
        }
        if self.buf.len() - VNET_HDR_LEN + payload > MAX_SUPER {
            return false;
        }
        // Same addresses and ports; same TOS, TTL and DF (IPv4) or class, flow and hop limit
        // (IPv6); same ACK, window and options (the super-packet carries one of each, as the
        // kernel's GRO requires); the next byte of the stream.
        let same = |a: std::ops::Range<usize>| first.get(a.clone()) == pkt.get(a);
        let ip_same = if key.v4 {
            same(1..2) && same(8..9) && first[6] & 0x40 == pkt[6] & 0x40 && same(12..20)
        } else {
            same(0..4) && same(7..40)
        };
        let l4 = key.l4;
        ip_same
            && same(l4..l4 + 4)
            && same(l4 + 8..l4 + 12)
            && same(l4 + 14..l4 + 16)
            && same(l4 + 20..l4 + key.tcp_len)
            && get_u32(pkt, l4 + 4) == Some(self.next_seq)
    }

    fn append(&mut self, key: FlowKey, pkt: &[u8]) {
        let payload = &pkt[key.l4 + key.tcp_len..];
        self.buf.extend_from_slice(payload);
        self.segments += 1;
        self.next_seq = self.next_seq.wrapping_add(payload.len() as u32);
        let pushed = pkt[key.l4 + 13] & TCP_PSH != 0;
        if pushed {
            self.buf[VNET_HDR_LEN + key.l4 + 13] |= TCP_PSH;
        }
        self.closed = pushed || payload.len() < self.gso_size;
    }

    /// Turns the joined segments into one packet the kernel segments or takes whole: lengths
    /// and IPv4 checksum for the whole, the TCP checksum left partial (the pseudo-header's sum,
    /// as a TSO packet carries it), and the virtio header saying so.
    fn finish_super(&mut self, key: FlowKey) {
        let (hdr, pkt) = self.buf.split_at_mut(VNET_HDR_LEN);
        let len = pkt.len();
        set_ip_len(pkt, len);
        if key.v4 {
            ipv4_checksum(pkt);
        }
        let partial = fold(pseudo_sum(pkt, PROTO_TCP, len - key.l4));
        put_u16(pkt, key.l4 + 16, partial);
        let v = VnetHdr {
            flags: F_NEEDS_CSUM,
            gso_type: if key.v4 { GSO_TCPV4 } else { GSO_TCPV6 },
            hdr_len: (key.l4 + key.tcp_len) as u16,
            gso_size: self.gso_size as u16,
            csum_start: key.l4 as u16,
            csum_offset: 16,
        };
        hdr.copy_from_slice(&v.to_bytes());
    }
}

#[cfg(test)]
mod tests;
