//! Datapath debug messages for `GetDebugEvents`: the raw record of the host firewall turned
//! into Cilium's `DebugEvent`, with the sentence Cilium's monitor writes for each kind, so that
//! `hubble observe debug-events` reads as it does against a Cilium node.

use std::net::Ipv4Addr;

use bpf_progs::DebugEvent as Raw;
use pbjson_types::{Int32Value, UInt32Value};

use super::proto::flow::{DebugEvent, DebugEventType, Endpoint};

/// The host endpoint: the source of every message of our programs (they run on the host's
/// devices, where Cilium's would report its host endpoint).
fn host_endpoint() -> Endpoint {
    Endpoint {
        id: crate::daemon::HOST_ENDPOINT_ID as u32,
        identity: 1,
        labels: vec!["reserved:host".into()],
        ..Default::default()
    }
}

/// The message as Hubble serves it.
pub fn event(raw: &Raw) -> DebugEvent {
    DebugEvent {
        r#type: DebugEventType::try_from(i32::from(raw.subtype))
            .unwrap_or(DebugEventType::DbgEventUnknown) as i32,
        // Source 0 is the host; the programs have no other endpoint to name.
        source: Some(host_endpoint()),
        hash: Some(UInt32Value { value: raw.hash }),
        arg1: Some(UInt32Value { value: raw.arg1 }),
        arg2: Some(UInt32Value { value: raw.arg2 }),
        arg3: Some(UInt32Value { value: raw.arg3 }),
        message: message(raw.subtype, raw.arg1, raw.arg2, raw.arg3),
        cpu: Some(Int32Value { value: raw.cpu as i32 }),
    }
}

/// An IPv4 address as the datapath passes it: its bytes in packet order, read natively.
fn ip4(arg: u32) -> Ipv4Addr {
    Ipv4Addr::from(arg.to_ne_bytes())
}

/// The last four bytes of an IPv6 address, as Cilium prints them (`a:b`).
fn ip6_tail(arg: u32) -> String {
    let v = u32::from_be_bytes(arg.to_ne_bytes());
    format!("{:x}:{:x}", v >> 16, v & 0xffff)
}

/// Cilium's conntrack states, as its debug messages number them.
fn ct_state(state: u32) -> String {
    match state {
        0 => "New".into(),
        1 => "Established".into(),
        2 => "Reply".into(),
        3 => "Related".into(),
        // Cilium falls back to the drop reason of that number.
        n => crate::api::monitor::drop_reason_name(n as u8).into(),
    }
}

/// Cilium's sentence for a message kind; the same fallback for the kinds we never emit.
fn message(subtype: u8, a1: u32, a2: u32, a3: u32) -> String {
    use DebugEventType as T;
    let kind = DebugEventType::try_from(i32::from(subtype)).unwrap_or(T::DbgEventUnknown);
    match kind {
        T::DbgGeneric => format!("No message, arg1={a1} ({a1:#x}) arg2={a2} ({a2:#x})"),
        T::DbgPolicyDenied => format!("Policy evaluation would deny packet from {a1} to {a2}"),
        T::DbgCtMatch => {
            format!("CT entry found lifetime={a1}, revnat={}", u16::from_be(a2 as u16))
        }
        T::DbgCtVerdict => {
            format!("CT verdict: {}, revnat={}", ct_state(a1), u16::from_be(a2 as u16))
        }
        T::DbgCtLookup41 => format!(
            "Conntrack lookup 1/2: src={}:{} dst={}:{}",
            ip4(a1),
            a3 & 0xffff,
            ip4(a2),
            a3 >> 16
        ),
        T::DbgCtLookup61 => format!(
            "Conntrack lookup 1/2: src=[::{}]:{} dst=[::{}]:{}",
            ip6_tail(a1),
            a3 & 0xffff,
            ip6_tail(a2),
            a3 >> 16
        ),
        T::DbgCtLookup42 | T::DbgCtLookup62 => {
            format!("Conntrack lookup 2/2: nexthdr={} flags={}", a1 >> 8, a1 & 0xff)
        }
        T::DbgCtCreated4 => format!(
            "Conntrack create: proxy-port={} revnat={} src-identity={a2} lb={}",
            a1 >> 16,
            u16::from_be(a1 as u16),
            ip4(a3)
        ),
        T::DbgCtCreated6 => format!(
            "Conntrack create: proxy-port={} revnat={} src-identity={a2}",
            a1 >> 16,
            u16::from_be(a1 as u16)
        ),
        T::DbgIpIdMapFailed4 => format!("Failed to map addr={} to identity", ip4(a1)),
        T::DbgIpIdMapFailed6 => format!("Failed to map addr.p4=[::{}] to identity", ip6_tail(a1)),
        T::DbgIpIdMapSucceed4 => {
            format!("Successfully mapped addr={} to identity={a2}", ip4(a1))
        }
        T::DbgIpIdMapSucceed6 => {
            format!("Successfully mapped addr.p4=[::{}] to identity={a2}", ip6_tail(a1))
        }
        _ => format!("Unknown message type={subtype} arg1={a1} arg2={a2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(subtype: u8, arg1: u32, arg2: u32, arg3: u32) -> Raw {
        Raw { subtype, arg1, arg2, arg3, kind: 2, hash: 0xbbe3_d555, cpu: 1, ..Default::default() }
    }

    fn addr(a: [u8; 4]) -> u32 {
        u32::from_ne_bytes(a)
    }

    #[test]
    fn messages_read_as_ciliums_monitor_writes_them() {
        let cases = [
            (
                raw(58, addr([10, 11, 0, 233]), 2, 0),
                DebugEventType::DbgIpIdMapSucceed4,
                "Successfully mapped addr=10.11.0.233 to identity=2",
            ),
            (
                raw(48, addr([10, 11, 251, 76]), addr([10, 11, 166, 21]), (4240 << 16) | 57896),
                DebugEventType::DbgCtLookup41,
                "Conntrack lookup 1/2: src=10.11.251.76:57896 dst=10.11.166.21:4240",
            ),
            (
                raw(49, 6 << 8, 0, 0),
                DebugEventType::DbgCtLookup42,
                "Conntrack lookup 2/2: nexthdr=6 flags=0",
            ),
            (
                raw(8, 21925, 0, 0),
                DebugEventType::DbgCtMatch,
                "CT entry found lifetime=21925, revnat=0",
            ),
            (raw(15, 1, 0, 0), DebugEventType::DbgCtVerdict, "CT verdict: Established, revnat=0"),
            (raw(15, 0, 0, 0), DebugEventType::DbgCtVerdict, "CT verdict: New, revnat=0"),
            (
                raw(50, 0, 16955, 0),
                DebugEventType::DbgCtCreated4,
                "Conntrack create: proxy-port=0 revnat=0 src-identity=16955 lb=0.0.0.0",
            ),
            (
                raw(5, 2, 1, 0),
                DebugEventType::DbgPolicyDenied,
                "Policy evaluation would deny packet from 2 to 1",
            ),
            (
                raw(57, addr([0xfd, 0x00, 0x12, 0x34]), 0, 0),
                DebugEventType::DbgIpIdMapFailed6,
                "Failed to map addr.p4=[::fd00:1234] to identity",
            ),
            (raw(1, 1, 2, 0), DebugEventType::DbgGeneric, "No message, arg1=1 (0x1) arg2=2 (0x2)"),
            (
                raw(200, 10, 20, 30),
                DebugEventType::DbgEventUnknown,
                "Unknown message type=200 arg1=10 arg2=20",
            ),
        ];
        for (r, kind, text) in cases {
            let ev = event(&r);
            assert_eq!(ev.r#type, kind as i32, "{text}");
            assert_eq!(ev.message, text);
            assert_eq!(ev.hash, Some(UInt32Value { value: 0xbbe3_d555 }));
            assert_eq!(ev.cpu, Some(Int32Value { value: 1 }));
            assert_eq!(
                ev.source.as_ref().map(|s| s.labels.clone()),
                Some(vec!["reserved:host".into()])
            );
        }
    }
}
