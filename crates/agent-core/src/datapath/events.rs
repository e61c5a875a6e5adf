//! Drains the datapath's ring buffer on its own task, decodes records into typed events and
//! fans them out. Slow consumers lose events (counted); the datapath never waits for anyone.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use aya::maps::{MapData, RingBuf};
use bpf_progs::{Event, addr_from_bytes, event_type};
use serde::Serialize;
use tokio::io::unix::AsyncFd;
use tokio::sync::broadcast;

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A packet was dropped.
    Drop,
    /// A packet was forwarded (new connection, or new TCP flags).
    Trace,
    /// The policy decision on a new connection.
    PolicyVerdict,
}

/// One decoded datapath event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatapathEvent {
    /// Wall-clock time of the packet.
    #[serde(serialize_with = "ser_time")]
    pub time: SystemTime,
    /// Kind.
    pub kind: Kind,
    /// Drop reason (drops), observation point (traces).
    pub subtype: u8,
    /// True for ingress.
    pub ingress: bool,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port (ICMP: echo identifier of requests).
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// IP protocol.
    pub proto: u8,
    /// TCP flags.
    pub tcp_flags: u8,
    /// Hubble verdict number (1 forwarded, 2 dropped, 4 audit).
    pub verdict: u8,
    /// CT state (1 new, 2 established, 3 reply, 4 related).
    pub ct_state: u8,
    /// Policy match type.
    pub match_type: u8,
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub icmp_code: u8,
    /// Interface index.
    pub ifindex: u32,
    /// Packet length.
    pub len: u32,
    /// Source identity.
    pub src_identity: u32,
    /// Destination identity.
    pub dst_identity: u32,
    /// Rule that matched.
    pub rule_id: u32,
}

fn ser_time<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    s.serialize_f64(d.as_secs_f64())
}

fn mono_now() -> Duration {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32))
        .unwrap_or_default()
}

impl DatapathEvent {
    /// Decodes a raw record; `boot` is the wall-clock time of monotonic zero.
    pub fn decode(e: &Event, boot: SystemTime) -> Option<DatapathEvent> {
        let kind = match e.kind {
            event_type::DROP => Kind::Drop,
            event_type::TRACE => Kind::Trace,
            event_type::POLICY_VERDICT => Kind::PolicyVerdict,
            _ => return None,
        };
        Some(DatapathEvent {
            time: boot + Duration::from_nanos(e.ts),
            kind,
            subtype: e.subtype,
            ingress: e.direction == 1,
            src: addr_from_bytes(e.family, &e.saddr),
            dst: addr_from_bytes(e.family, &e.daddr),
            sport: u16::from_be(e.sport),
            dport: u16::from_be(e.dport),
            proto: e.proto,
            tcp_flags: e.tcp_flags,
            verdict: e.verdict,
            ct_state: e.ct_state,
            match_type: e.match_type,
            icmp_type: e.icmp_type,
            icmp_code: e.icmp_code,
            ifindex: e.ifindex,
            len: e.pkt_len,
            src_identity: e.src_identity,
            dst_identity: e.dst_identity,
            rule_id: e.rule_id,
        })
    }
}

/// Counters of the reader.
#[derive(Debug, Default)]
pub struct EventStats {
    /// Records decoded.
    pub received: AtomicU64,
    /// Records that could not be decoded.
    pub malformed: AtomicU64,
}

/// Runs until the task is aborted.
#[allow(unsafe_code, reason = "registering the ring buffer's fd with the reactor")]
pub async fn run_reader(
    ring: RingBuf<MapData>,
    tx: broadcast::Sender<Arc<DatapathEvent>>,
    stats: Arc<EventStats>,
) -> std::io::Result<()> {
    // SAFETY: the ring buffer owns its fd and moves into the AsyncFd, so the fd stays open for
    // exactly as long as it is registered.
    let mut fd = unsafe { AsyncFd::register_with_interest(ring, tokio::io::Interest::READABLE) }
        .map_err(|e| e.into_parts().1)?;
    loop {
        let mut guard = fd.readable_mut().await?;
        // The offset between the clocks drifts only with clock changes; once per batch is enough.
        let boot = SystemTime::now() - mono_now();
        let ring = guard.get_inner_mut();
        while let Some(item) = ring.next() {
            match Event::from_bytes(&item).and_then(|e| DatapathEvent::decode(&e, boot)) {
                Some(ev) => {
                    stats.received.fetch_add(1, Ordering::Relaxed);
                    // No receivers is fine: nobody is watching.
                    let _ = tx.send(Arc::new(ev));
                }
                None => {
                    stats.malformed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        guard.clear_ready();
    }
}
