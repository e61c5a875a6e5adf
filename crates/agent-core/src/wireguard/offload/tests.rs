use super::*;

/// A TCP packet as the kernel's TSO hands it over: IPv4 or IPv6, timestamps option, the
/// checksum field holding the pseudo-header's sum (`NEEDS_CSUM`).
fn tcp_super(v4: bool, payload: &[u8], flags: u8) -> Vec<u8> {
    let l4 = if v4 { 20 } else { 40 };
    let tcp_len = 32;
    let mut p = vec![0u8; l4 + tcp_len];
    if v4 {
        p[0] = 0x45;
        p[1] = 0x10;
        p[4..6].copy_from_slice(&0xfff0u16.to_be_bytes());
        p[6] = 0x40; // DF
        p[8] = 64;
        p[9] = PROTO_TCP;
        p[12..16].copy_from_slice(&[10, 0, 0, 1]);
        p[16..20].copy_from_slice(&[10, 0, 0, 2]);
    } else {
        p[0] = 0x60;
        p[1] = 0x01;
        p[6] = PROTO_TCP;
        p[7] = 64;
        p[8..24].copy_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        p[24..40].copy_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    }
    p[l4..l4 + 2].copy_from_slice(&40000u16.to_be_bytes());
    p[l4 + 2..l4 + 4].copy_from_slice(&5201u16.to_be_bytes());
    p[l4 + 4..l4 + 8].copy_from_slice(&0xffff_fc00u32.to_be_bytes()); // wraps mid-stream
    p[l4 + 8..l4 + 12].copy_from_slice(&77u32.to_be_bytes());
    p[l4 + 12] = ((tcp_len / 4) as u8) << 4;
    p[l4 + 13] = flags;
    p[l4 + 14..l4 + 16].copy_from_slice(&512u16.to_be_bytes());
    // NOP NOP timestamps
    p[l4 + 20..l4 + 24].copy_from_slice(&[1, 1, 8, 10]);
    p[l4 + 24..l4 + 28].copy_from_slice(&1234u32.to_be_bytes());
    p[l4 + 28..l4 + 32].copy_from_slice(&5678u32.to_be_bytes());
    p.extend_from_slice(payload);
    let len = p.len();
    set_ip_len(&mut p, len);
    if v4 {
        ipv4_checksum(&mut p);
    }
    let partial = fold(pseudo_sum(&p, PROTO_TCP, len - l4));
    put_u16(&mut p, l4 + 16, partial);
    p
}

fn tso_hdr(v4: bool, mss: u16) -> VnetHdr {
    let l4 = if v4 { 20 } else { 40 };
    VnetHdr {
        flags: F_NEEDS_CSUM,
        gso_type: if v4 { GSO_TCPV4 } else { GSO_TCPV6 },
        hdr_len: l4 + 32,
        gso_size: mss,
        csum_start: l4,
        csum_offset: 16,
    }
}

fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn segments_of(hdr: VnetHdr, pkt: &[u8]) -> Result<Vec<Vec<u8>>, SegmentError> {
    let mut out = Vec::new();
    let mut pkt = pkt.to_vec();
    segment(hdr, &mut pkt, &mut Vec::new(), |s| out.push(s.to_vec()))?;
    Ok(out)
}

fn coalesce(packets: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut c = Coalescer::default();
    let mut writes = Vec::new();
    let mut w = |b: &[u8]| writes.push(b.to_vec());
    for p in packets {
        c.push(p, &mut w);
    }
    c.flush(&mut w);
    writes
}

#[test]
fn the_header_reads_back_what_was_written() {
    let h = tso_hdr(true, 1380);
    assert_eq!(VnetHdr::parse(&h.to_bytes()), Some(h));
    assert_eq!(VnetHdr::parse(&[0u8; 9]), None);
}

#[test]
fn a_super_packet_is_cut_into_wire_segments_with_their_own_headers() {
    for v4 in [true, false] {
        let data = payload(5000);
        let sup = tcp_super(v4, &data, TCP_ACK | TCP_PSH | TCP_FIN);
        let segs = segments_of(tso_hdr(v4, 1400), &sup).expect("segments");
        assert_eq!(segs.len(), 4);
        let l4 = if v4 { 20 } else { 40 };
        let mut joined = Vec::new();
        for (i, s) in segs.iter().enumerate() {
            assert!(coalescable(s).is_some() || i == 3, "valid checksums, ACK only");
            let sum_ok = fold(sum(&s[l4..], pseudo_sum(s, PROTO_TCP, s.len() - l4))) == 0xffff;
            assert!(sum_ok, "segment {i} carries a full TCP checksum");
            if v4 {
                assert_eq!(fold(sum(&s[..20], 0)), 0xffff, "IPv4 header checksum");
                assert_eq!(get_u16(s, 2), Some(s.len() as u16));
                assert_eq!(get_u16(s, 4), Some(0xfff0u16.wrapping_add(i as u16)), "IDs count up");
            } else {
                assert_eq!(get_u16(s, 4), Some((s.len() - 40) as u16));
            }
            let seq = get_u32(s, l4 + 4).expect("seq");
            assert_eq!(seq, 0xffff_fc00u32.wrapping_add(1400 * i as u32));
            let flags = s[l4 + 13];
            let last = i == 3;
            assert_eq!(flags & (TCP_PSH | TCP_FIN) != 0, last, "PSH and FIN only on the last");
            joined.extend_from_slice(&s[l4 + 32..]);
        }
        assert_eq!(segs[3].len() - l4 - 32, 800);
        assert_eq!(joined, data, "the payload arrives whole and in order");
    }
}

#[test]
fn cut_then_joined_gives_the_super_packet_back() {
    for v4 in [true, false] {
        let data = payload(60_000);
        let sup = tcp_super(v4, &data, TCP_ACK | TCP_PSH);
        let segs = segments_of(tso_hdr(v4, 1368), &sup).expect("segments");
        let writes = coalesce(&segs);
        assert_eq!(writes.len(), 1, "one TUN write for the whole stream");
        let hdr = VnetHdr::parse(&writes[0]).expect("header");
        assert_eq!(hdr, tso_hdr(v4, 1368), "TSO header as the kernel itself writes it");
        // The first segment's headers stand for all (later IPv4 IDs are not kept, as the
        // kernel's own GRO does not keep them), with the whole length and PSH from the last.
        let body = &writes[0][VNET_HDR_LEN..];
        assert_eq!(body, &sup[..]);
        // And cut once more, the same segments.
        let again = segments_of(hdr, body).expect("segments");
        assert_eq!(again, segs);
    }
}

#[test]
fn a_partial_checksum_of_a_single_packet_is_completed() {
    let sup = tcp_super(true, b"hello", TCP_ACK | TCP_PSH);
    let mut hdr = tso_hdr(true, 0);
    hdr.gso_type = GSO_NONE;
    let segs = segments_of(hdr, &sup).expect("one");
    assert_eq!(segs.len(), 1);
    assert!(coalescable(&segs[0]).is_some(), "checksum now complete");
    // Without NEEDS_CSUM the packet is left exactly as it is.
    let plain = segments_of(VnetHdr::default(), &sup).expect("one");
    assert_eq!(plain, vec![sup]);
}

#[test]
fn udp_super_packets_are_cut_with_lengths_and_checksums() {
    let mut p = vec![0u8; 28];
    p[0] = 0x45;
    p[8] = 64;
    p[9] = PROTO_UDP;
    p[12..16].copy_from_slice(&[10, 0, 0, 1]);
    p[16..20].copy_from_slice(&[10, 0, 0, 2]);
    p.extend_from_slice(&payload(3000));
    let hdr = VnetHdr {
        flags: F_NEEDS_CSUM,
        gso_type: GSO_UDP_L4,
        hdr_len: 28,
        gso_size: 1200,
        csum_start: 20,
        csum_offset: 6,
    };
    let segs = segments_of(hdr, &p).expect("segments");
    assert_eq!(segs.iter().map(Vec::len).collect::<Vec<_>>(), vec![1228, 1228, 628]);
    for s in &segs {
        assert_eq!(get_u16(s, 24), Some((s.len() - 20) as u16), "UDP length");
        assert_eq!(fold(sum(&s[20..], pseudo_sum(s, PROTO_UDP, s.len() - 20))), 0xffff);
    }
}

#[test]
fn offsets_outside_the_packet_are_refused() {
    let sup = tcp_super(true, &payload(3000), TCP_ACK);
    let mut bad = tso_hdr(true, 1400);
    bad.csum_start = 24;
    assert_eq!(segments_of(bad, &sup), Err(SegmentError::Malformed));
    let mut zero = tso_hdr(true, 0);
    zero.gso_size = 0;
    assert_eq!(segments_of(zero, &sup), Err(SegmentError::Malformed));
    assert_eq!(segments_of(tso_hdr(false, 1400), &sup), Err(SegmentError::Malformed));
    let mut ufo = tso_hdr(true, 1400);
    ufo.gso_type = 3;
    assert_eq!(segments_of(ufo, &sup), Err(SegmentError::Unsupported(3)));
    let mut far = VnetHdr { flags: F_NEEDS_CSUM, csum_start: 60_000, ..VnetHdr::default() };
    assert_eq!(segments_of(far, &sup[..40]), Err(SegmentError::Malformed));
    far.csum_start = 20;
    far.csum_offset = 60_000;
    assert_eq!(segments_of(far, &sup[..40]), Err(SegmentError::Malformed));
    // Truncated packets: a TCP header cut short, an IPv4 header claiming options it lacks.
    assert_eq!(segments_of(tso_hdr(true, 1400), &sup[..30]), Err(SegmentError::Malformed));
    let mut ihl = sup.clone();
    ihl[0] = 0x4f;
    assert_eq!(segments_of(tso_hdr(true, 1400), &ihl[..50]), Err(SegmentError::Malformed));
    assert_eq!(segments_of(tso_hdr(true, 1400), &[]), Err(SegmentError::Malformed));
    // A TCP data offset below the fixed header's 20 bytes (here 8): refused, not cut.
    for offset in [0u8, 2, 4] {
        let mut short = sup.clone();
        short[32] = offset << 4;
        assert_eq!(segments_of(tso_hdr(true, 4), &short[..60]), Err(SegmentError::Malformed));
    }
}

#[test]
fn only_what_continues_the_stream_is_joined() {
    let segs = segments_of(tso_hdr(true, 1000), &tcp_super(true, &payload(4000), TCP_ACK))
        .expect("segments");
    // A gap in the sequence: two writes, each whole.
    let gap = coalesce(&[segs[0].clone(), segs[2].clone(), segs[3].clone()]);
    assert_eq!(gap.len(), 2);
    assert_eq!(gap[0][VNET_HDR_LEN..], segs[0][..], "a lone segment is written as it came");
    assert_eq!(VnetHdr::parse(&gap[0]), Some(VnetHdr::default()));
    // A corrupted checksum is never hidden inside a super-packet.
    let mut bad = segs[1].clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    let w = coalesce(&[segs[0].clone(), bad.clone(), segs[2].clone()]);
    assert_eq!(w.len(), 3);
    assert_eq!(w[1][VNET_HDR_LEN..], bad[..], "left for the kernel to drop");
    // Another flow in between ends the first.
    let other =
        segments_of(tso_hdr(false, 1000), &tcp_super(false, &payload(1000), TCP_ACK)).expect("v6");
    let w = coalesce(&[segs[0].clone(), segs[1].clone(), other[0].clone(), segs[2].clone()]);
    assert_eq!(w.len(), 3, "order kept: joined pair, the other flow, then the rest");
    // A window update is not hidden behind the first segment's window.
    let mut window = segs[1].clone();
    window[34..36].copy_from_slice(&1024u16.to_be_bytes());
    l4_checksum(&mut window, 20, PROTO_TCP);
    assert_eq!(coalesce(&[segs[0].clone(), window]).len(), 2);
    // A short segment ends the super-packet; so does a pushed one.
    let short = segments_of(tso_hdr(true, 1000), &tcp_super(true, &payload(1500), TCP_ACK))
        .expect("segments");
    let next = segments_of(tso_hdr(true, 1000), &tcp_super(true, &payload(2500), TCP_ACK))
        .expect("segments");
    assert_eq!(coalesce(&[short[0].clone(), short[1].clone()]).len(), 1);
    let w = coalesce(&[short[1].clone(), next[0].clone()]);
    assert_eq!(w.len(), 2, "nothing joins behind a short segment");
    // Non-TCP packets pass through untouched, in order.
    let mut icmp = vec![0u8; 28];
    icmp[0] = 0x45;
    icmp[9] = 1;
    let w = coalesce(&[segs[0].clone(), icmp.clone(), segs[1].clone()]);
    assert_eq!(w.len(), 3);
    assert_eq!(w[1][VNET_HDR_LEN..], icmp[..]);
}

#[test]
fn control_segments_and_fragments_are_never_joined() {
    let data = payload(2000);
    for flags in [TCP_ACK | 0x02, TCP_ACK | 0x04, TCP_ACK | TCP_FIN, TCP_ACK | 0x20, 0] {
        let mut p = tcp_super(true, &data[..1000], flags);
        let l4 = 20;
        let len = p.len();
        l4_checksum(&mut p, l4, PROTO_TCP);
        assert_eq!(len, p.len());
        assert!(coalescable(&p).is_none(), "flags {flags:#x}");
    }
    // IPv4 with options: a 40-byte header is not IPv6's, and is never joined.
    let mut opts = tcp_super(true, &data[..1000], TCP_ACK);
    opts[0] = 0x4a;
    opts.splice(20..20, [1u8; 20]);
    let len = opts.len();
    set_ip_len(&mut opts, len);
    ipv4_checksum(&mut opts);
    l4_checksum(&mut opts, 40, PROTO_TCP);
    assert!(coalescable(&opts).is_none(), "IPv4 options");
    assert_eq!(coalesce(&[opts.clone(), opts.clone()]).len(), 2);
    let mut frag = tcp_super(true, &data[..1000], TCP_ACK);
    frag[6] = 0x20; // more fragments
    ipv4_checksum(&mut frag);
    l4_checksum(&mut frag, 20, PROTO_TCP);
    assert!(coalescable(&frag).is_none());
}

#[test]
fn super_packets_stay_within_the_ip_length_limit() {
    let segs = segments_of(tso_hdr(true, 1400), &tcp_super(true, &payload(63_000), TCP_ACK))
        .expect("segments");
    let more = segments_of(tso_hdr(true, 1400), &{
        let mut s = tcp_super(true, &payload(14_000), TCP_ACK);
        // continue the stream where the first ends
        let seq = 0xffff_fc00u32.wrapping_add(63_000);
        s[24..28].copy_from_slice(&seq.to_be_bytes());
        s
    })
    .expect("segments");
    let all: Vec<Vec<u8>> = segs.into_iter().chain(more).collect();
    let writes = coalesce(&all);
    assert!(writes.len() >= 2);
    let total: usize = writes.iter().map(|w| w.len() - VNET_HDR_LEN - 52).sum();
    assert_eq!(total, 77_000, "every payload byte written once");
    for w in &writes {
        assert!(w.len() - VNET_HDR_LEN <= MAX_SUPER);
    }
}
