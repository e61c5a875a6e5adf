//! The words Cilium prints for numbers: monitor event types, trace observation points, drop
//! reasons, policy match types and reserved identities. Upstream keeps them in the agent's
//! `pkg/monitor/api` and `pkg/identity`; the CLI needs them both to print flows and to parse
//! `--type` and `--identity`.

/// Monitor message types (`event_type.type` of a flow), shared with the agent's parser.
pub use agent_core::hubble::parse::message_type as msg;

/// `--type` names and their monitor message types, in the order `--help` lists them.
pub const EVENT_TYPES: &[(&str, i32)] = &[
    ("capture", msg::CAPTURE),
    ("drop", msg::DROP),
    ("l7", msg::L7),
    ("policy-verdict", msg::POLICY_VERDICT),
    ("trace", msg::TRACE),
    ("trace-sock", msg::TRACE_SOCK),
    ("debug", msg::DEBUG),
    ("agent", msg::AGENT),
];

/// Trace sub-types: the datapath's observation point numbers (not the proto enum, where
/// `TO_ENDPOINT` is 101).
pub const TRACE_POINTS: &[(&str, i32)] = &[
    ("to-endpoint", 0),
    ("to-proxy", 1),
    ("to-host", 2),
    ("to-stack", 3),
    ("to-overlay", 4),
    ("from-endpoint", 5),
    ("from-proxy", 6),
    ("from-host", 7),
    ("from-stack", 8),
    ("from-overlay", 9),
    ("from-network", 10),
    ("to-network", 11),
    ("from-crypto", 12),
    ("to-crypto", 13),
];

/// Agent notification sub-types accepted by `--type agent:<name>`.
pub const AGENT_SUBTYPES: &[(&str, i32)] = &[
    ("unspecified", 0),
    ("message", 1),
    ("agent-started", 2),
    ("endpoint-regenerate-success", 3),
    ("endpoint-regenerate-failure", 4),
    ("policy-updated", 5),
    ("policy-deleted", 6),
    ("endpoint-created", 7),
    ("endpoint-deleted", 8),
    ("ipcache-upserted", 9),
    ("ipcache-deleted", 10),
];

/// The name of a trace observation point, or its number.
pub fn trace_point(sub_type: i32) -> String {
    // Upstream truncates to the datapath's u8 before the lookup.
    let p = i32::from(sub_type as u8);
    TRACE_POINTS
        .iter()
        .find(|(_, n)| *n == p)
        .map_or_else(|| p.to_string(), |(name, _)| (*name).to_string())
}

/// Cilium's text for a drop reason code (`Policy denied`), or `<code>, 0` for an unknown code.
pub fn drop_reason(code: u8) -> String {
    agent_core::api::monitor::drop_reason_text(code)
        .map_or_else(|| format!("{code}, 0"), str::to_string)
}

/// The policy match type of a policy-verdict event (`L3-L4`).
pub fn policy_match(t: u32) -> &'static str {
    match t {
        0 => "none",
        1 => "L3-Only",
        2 => "L3-L4",
        3 => "L4-Only",
        4 => "all",
        5 => "L3-Proto",
        6 => "Proto-Only",
        _ => "unknown",
    }
}

/// Reserved identities by name, as `--identity` accepts them.
const RESERVED_IDS: &[(&str, u32)] = &[
    ("host", 1),
    ("world", 2),
    ("unmanaged", 3),
    ("health", 4),
    ("init", 5),
    ("remote-node", 6),
    ("kube-apiserver", 7),
    ("ingress", 8),
    ("world-ipv4", 9),
    ("world-ipv6", 10),
    ("overlay-to-encrypt", 11),
];

/// The name a reserved identity prints as; identity 11 is reserved but prints as a number.
pub fn reserved_identity(id: u32) -> Option<&'static str> {
    match id {
        0 => Some("unknown"),
        11 => None,
        _ => RESERVED_IDS.iter().find(|(_, n)| *n == id).map(|(name, _)| *name),
    }
}

/// The reserved identity names, for `--help` and errors.
pub fn reserved_identity_names() -> Vec<&'static str> {
    RESERVED_IDS.iter().map(|(name, _)| *name).collect()
}

/// Largest identity a cluster can allocate (24 bits).
const MAX_IDENTITY: u64 = (1 << 24) - 1;

/// Parses an identity: a reserved name or a number (decimal, `0x` hex or `0o`/`0` octal, as Go's
/// `ParseUint(s, 0, 32)`).
pub fn parse_identity(s: &str) -> Option<u32> {
    if let Some((_, id)) = RESERVED_IDS.iter().find(|(name, _)| *name == s) {
        return Some(*id);
    }
    let n = parse_go_uint(s)?;
    u32::try_from(n).ok().filter(|n| u64::from(*n) <= MAX_IDENTITY)
}

/// Go's `strconv.ParseUint(s, 0, 64)`: a base prefix picks the radix, `_` may separate digits.
fn parse_go_uint(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d, 16)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d, 2)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d, 8)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    let digits = if radix != 10 || digits.contains('_') {
        if digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
            return None;
        }
        digits.replace('_', "")
    } else {
        digits.to_string()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_parse_by_name_and_number() {
        assert_eq!(parse_identity("host"), Some(1));
        assert_eq!(parse_identity("remote-node"), Some(6));
        assert_eq!(parse_identity("world-ipv6"), Some(10));
        assert_eq!(parse_identity("12345"), Some(12345));
        assert_eq!(parse_identity("0x10"), Some(16));
        assert_eq!(parse_identity("010"), Some(8));
        assert_eq!(parse_identity("16777216"), None);
        assert_eq!(parse_identity("pod"), None);
        assert_eq!(parse_identity(""), None);
        assert_eq!(parse_identity("-1"), None);
    }

    #[test]
    fn identities_print_like_cilium() {
        assert_eq!(reserved_identity(0), Some("unknown"));
        assert_eq!(reserved_identity(1), Some("host"));
        assert_eq!(reserved_identity(10), Some("world-ipv6"));
        assert_eq!(reserved_identity(11), None);
        assert_eq!(reserved_identity(256), None);
    }

    #[test]
    fn numbers_become_words() {
        assert_eq!(trace_point(0), "to-endpoint");
        assert_eq!(trace_point(11), "to-network");
        assert_eq!(trace_point(42), "42");
        assert_eq!(drop_reason(133), "Policy denied");
        assert_eq!(drop_reason(181), "Policy denied by denylist");
        assert_eq!(drop_reason(250), "250, 0");
        assert_eq!(policy_match(2), "L3-L4");
        assert_eq!(policy_match(9), "unknown");
    }
}
