//! ICMP type and code names as Hubble spells them in flow summaries and `hubble_icmp_total`
//! (the names of gopacket's `ICMPv4TypeCode`/`ICMPv6TypeCode`): `EchoRequest`,
//! `DestinationUnreachable(Port)`, and numbers where no name exists.

fn v4(t: u32) -> Option<(&'static str, &'static [(u32, &'static str)])> {
    Some(match t {
        0 => ("EchoReply", &[]),
        3 => (
            "DestinationUnreachable",
            &[
                (0, "Net"),
                (1, "Host"),
                (2, "Protocol"),
                (3, "Port"),
                (4, "FragmentationNeeded"),
                (5, "SourceRoutingFailed"),
                (6, "NetUnknown"),
                (7, "HostUnknown"),
                (8, "SourceIsolated"),
                (9, "NetAdminProhibited"),
                (10, "HostAdminProhibited"),
                (11, "NetTOS"),
                (12, "HostTOS"),
                (13, "CommAdminProhibited"),
                (14, "HostPrecedence"),
                (15, "PrecedenceCutoff"),
            ],
        ),
        4 => ("SourceQuench", &[]),
        5 => ("Redirect", &[(0, "Network"), (1, "Host"), (2, "TOS+Network"), (3, "TOS+Host")]),
        8 => ("EchoRequest", &[]),
        9 => ("RouterAdvertisement", &[]),
        10 => ("RouterSolicitation", &[]),
        11 => ("TimeExceeded", &[(0, "TTLExceeded"), (1, "FragmentReassemblyTimeExceeded")]),
        12 => (
            "ParameterProblem",
            &[(0, "PointerIndicatesError"), (1, "MissingOption"), (2, "BadLength")],
        ),
        13 => ("TimestampRequest", &[]),
        14 => ("TimestampReply", &[]),
        15 => ("InfoRequest", &[]),
        16 => ("InfoReply", &[]),
        17 => ("AddressMaskRequest", &[]),
        18 => ("AddressMaskReply", &[]),
        _ => return None,
    })
}

fn v6(t: u32) -> Option<(&'static str, &'static [(u32, &'static str)])> {
    Some(match t {
        1 => (
            "DestinationUnreachable",
            &[
                (0, "NoRouteToDst"),
                (1, "AdminProhibited"),
                (2, "BeyondScopeOfSrc"),
                (3, "AddressUnreachable"),
                (4, "PortUnreachable"),
                (5, "SrcAddressFailedPolicy"),
                (6, "RejectRouteToDst"),
            ],
        ),
        2 => ("PacketTooBig", &[]),
        3 => ("TimeExceeded", &[(0, "HopLimitExceeded"), (1, "FragmentReassemblyTimeExceeded")]),
        4 => (
            "ParameterProblem",
            &[
                (0, "ErroneousHeaderField"),
                (1, "UnrecognizedNextHeader"),
                (2, "UnrecognizedIPv6Option"),
            ],
        ),
        128 => ("EchoRequest", &[]),
        129 => ("EchoReply", &[]),
        130 => ("MLDv1MulticastListenerQuery", &[]),
        131 => ("MLDv1MulticastListenerReport", &[]),
        132 => ("MLDv1MulticastListenerDone", &[]),
        133 => ("RouterSolicitation", &[]),
        134 => ("RouterAdvertisement", &[]),
        135 => ("NeighborSolicitation", &[]),
        136 => ("NeighborAdvertisement", &[]),
        137 => ("Redirect", &[]),
        143 => ("MLDv2MulticastListenerReport", &[]),
        _ => return None,
    })
}

fn name(info: Option<(&str, &[(u32, &str)])>, t: u32, c: u32) -> String {
    let Some((type_name, codes)) = info else { return format!("{t}({c})") };
    if codes.is_empty() {
        return if c == 0 { type_name.to_string() } else { format!("{type_name}(Code: {c})") };
    }
    match codes.iter().find(|(code, _)| *code == c) {
        Some((_, code_name)) => format!("{type_name}({code_name})"),
        None => format!("{type_name}(Code: {c})"),
    }
}

/// The name of an ICMPv4 type and code.
pub fn v4_name(t: u32, c: u32) -> String {
    name(v4(t), t, c)
}

/// The name of an ICMPv6 type and code.
pub fn v6_name(t: u32, c: u32) -> String {
    name(v6(t), t, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_gopacket_prints_them() {
        assert_eq!(v4_name(8, 0), "EchoRequest");
        assert_eq!(v4_name(3, 3), "DestinationUnreachable(Port)");
        assert_eq!(v4_name(3, 99), "DestinationUnreachable(Code: 99)");
        assert_eq!(v4_name(8, 1), "EchoRequest(Code: 1)");
        assert_eq!(v4_name(200, 1), "200(1)");
        assert_eq!(v6_name(128, 0), "EchoRequest");
        assert_eq!(v6_name(1, 4), "DestinationUnreachable(PortUnreachable)");
    }
}
