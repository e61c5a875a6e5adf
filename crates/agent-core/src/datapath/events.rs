//! Drains the datapath's ring buffer on its own task, decodes records into
//! [`MonitorEvent`]s and fans them out. Slow consumers lose events (they are told how many);
//! the datapath never waits for anyone.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use aya::maps::{MapData, RingBuf};
use bpf_progs::{DebugEvent, Event, Record, addr_from_bytes, event_type};
use tokio::io::unix::AsyncFd;
use tokio::sync::broadcast;

pub use crate::api::monitor::{EventKind, MonitorEvent};

/// A decoded event as the agent passes it around.
pub type DatapathEvent = MonitorEvent;

fn mono_now() -> Duration {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32))
        .unwrap_or_default()
}

/// Decodes a raw record; `boot_ns` is the wall-clock time (Unix ns) of monotonic zero.
pub fn decode(e: &Event, boot_ns: u64) -> Option<MonitorEvent> {
    let kind = match e.kind {
        event_type::DROP => EventKind::Drop,
        event_type::TRACE => EventKind::Trace,
        event_type::POLICY_VERDICT => EventKind::PolicyVerdict,
        _ => return None,
    };
    Some(MonitorEvent {
        time_ns: boot_ns.saturating_add(e.ts),
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

/// Counters of the reader.
#[derive(Debug, Default)]
pub struct EventStats {
    /// Records decoded.
    pub received: AtomicU64,
    /// Records that could not be decoded.
    pub malformed: AtomicU64,
}

/// Where debug messages go, with their wall-clock time (Unix ns): only Hubble shows them.
pub type DebugSink = Box<dyn Fn(u64, &DebugEvent) + Send>;

/// Runs until the task is aborted.
#[allow(unsafe_code, reason = "registering the ring buffer's fd with the reactor")]
pub async fn run_reader(
    ring: RingBuf<MapData>,
    tx: broadcast::Sender<Arc<MonitorEvent>>,
    debug: Option<DebugSink>,
    stats: Arc<EventStats>,
) -> std::io::Result<()> {
    // SAFETY: the ring buffer owns its fd and moves into the AsyncFd, so the fd stays open for
    // exactly as long as it is registered.
    let mut fd = unsafe { AsyncFd::register_with_interest(ring, tokio::io::Interest::READABLE) }
        .map_err(|e| e.into_parts().1)?;
    loop {
        let mut guard = fd.readable_mut().await?;
        // The offset between the clocks changes only when the wall clock is set; once per
        // batch is enough.
        let wall = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        let boot_ns = wall.saturating_sub(mono_now()).as_nanos() as u64;
        let ring = guard.get_inner_mut();
        while let Some(item) = ring.next() {
            match Record::from_bytes(&item) {
                Some(Record::Debug(d)) => {
                    stats.received.fetch_add(1, Ordering::Relaxed);
                    if let Some(sink) = &debug {
                        sink(boot_ns.saturating_add(d.ts), &d);
                    }
                }
                Some(Record::Packet(e)) => match decode(&e, boot_ns) {
                    Some(ev) => {
                        stats.received.fetch_add(1, Ordering::Relaxed);
                        // No receivers is fine: nobody is watching.
                        let _ = tx.send(Arc::new(ev));
                    }
                    None => {
                        stats.malformed.fetch_add(1, Ordering::Relaxed);
                    }
                },
                None => {
                    stats.malformed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        guard.clear_ready();
    }
}
