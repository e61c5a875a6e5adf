//! Node health: every `healthChecking.interval`, each known peer is probed over the path its
//! traffic takes, which with encryption on is the WireGuard tunnel, never the plaintext
//! bootstrap port. Like cilium-health with its ICMP failure threshold, a probe round sends up
//! to [`ATTEMPTS`] exchanges to a node and one signed answer makes it Reachable, with that
//! exchange's round trip as its latency: one late answer on a busy machine is not an outage.
//!
//! Membership keeps a node known (its announcements may still arrive over the bootstrap
//! port); health says whether the path applications use works. The two differ exactly when an
//! operator needs to know: a tunnel that does not come up.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::nodes::Membership;

/// Longest a single probe may take, whatever the interval.
const MAX_PROBE_TIME: Duration = Duration::from_secs(3);
/// Most probes a node starts per second. A round's probes start this far apart, so past
/// `interval × MAX_PROBE_RATE` peers the round stretches instead of bursting (Cilium's
/// CFP-32820 paces cilium-health the same way): probing costs a node as much at 1,000 peers
/// as at 200, and a node that goes away is noticed later, not never.
pub const MAX_PROBE_RATE: u32 = 20;

const SPACING: Duration = Duration::from_millis(1000 / MAX_PROBE_RATE as u64);

/// Exchanges per node and round before it counts as unreachable (Cilium's
/// `health-check-icmp-failure-threshold` defaults to 3 as well).
pub const ATTEMPTS: u32 = 3;

/// The outcome of the latest probe of one address.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A signed answer, after this round trip.
    Reachable(Duration),
    /// No (valid) answer.
    Unreachable(String),
}

/// A probe result and when it was taken.
#[derive(Debug, Clone)]
pub struct Probe {
    /// When the probe finished.
    pub at: Instant,
    /// What it found.
    pub outcome: Outcome,
}

/// The health subsystem: results of the latest probe per peer address.
#[derive(Debug)]
pub struct Health {
    interval: Duration,
    results: Mutex<BTreeMap<IpAddr, Probe>>,
    /// How long the last full round took to start every probe (milliseconds).
    round_ms: std::sync::atomic::AtomicU64,
}

impl Health {
    /// Health checking every `interval`.
    pub fn new(interval: Duration) -> Health {
        Health {
            interval,
            results: Mutex::new(BTreeMap::new()),
            round_ms: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The probe interval.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The time between two probes of one node: the interval, or longer in a fleet too large
    /// to probe within it at [`MAX_PROBE_RATE`].
    pub fn round(&self) -> Duration {
        let paced = Duration::from_millis(self.round_ms.load(std::sync::atomic::Ordering::Relaxed));
        self.interval.max(paced)
    }

    /// The latest probe of `ip`, unless it is too old to mean anything (the prober stalled).
    pub fn latest(&self, ip: IpAddr) -> Option<Probe> {
        let results = self.results.lock().unwrap_or_else(|p| p.into_inner());
        results
            .get(&ip)
            .filter(|p| p.at.elapsed() < self.round() * 3 + MAX_PROBE_TIME * ATTEMPTS)
            .cloned()
    }

    fn record(&self, ip: IpAddr, outcome: Outcome) {
        let mut results = self.results.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(prev) = results.get(&ip)
            && std::mem::discriminant(&prev.outcome) != std::mem::discriminant(&outcome)
        {
            match &outcome {
                Outcome::Reachable(rtt) => tracing::info!(peer = %ip, ?rtt, "node reachable"),
                Outcome::Unreachable(why) => {
                    tracing::warn!(peer = %ip, reason = why.as_str(), "node unreachable")
                }
            }
        }
        results.insert(ip, Probe { at: Instant::now(), outcome });
    }

    /// Probes every peer membership knows of each interval, and at once when membership
    /// changes those not known Reachable (a node joined or came back: its tunnel is worth
    /// checking now). Not the reachable ones: in a fleet of a thousand, one join must not cost
    /// a thousand probes on every node.
    pub async fn run(self: Arc<Self>, membership: Arc<Membership>) {
        let mut changes = membership.subscribe();
        let mut tick = tokio::time::interval(self.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let timeout = self.interval.min(MAX_PROBE_TIME);
        loop {
            let everyone = tokio::select! {
                _ = tick.tick() => true,
                r = changes.changed() => if r.is_err() { return } else { false },
            };
            let mut peers = membership.peer_addresses();
            {
                let mut results = self.results.lock().unwrap_or_else(|p| p.into_inner());
                if everyone {
                    let known: std::collections::HashSet<IpAddr> = peers.iter().copied().collect();
                    results.retain(|ip, _| known.contains(ip));
                    let spread =
                        SPACING.saturating_mul(u32::try_from(peers.len()).unwrap_or(u32::MAX));
                    let ms = u64::try_from(spread.as_millis()).unwrap_or(u64::MAX);
                    self.round_ms.store(ms, std::sync::atomic::Ordering::Relaxed);
                } else {
                    peers.retain(|ip| {
                        !results.get(ip).is_some_and(|p| matches!(p.outcome, Outcome::Reachable(_)))
                    });
                }
            }
            let probes = peers.into_iter().enumerate().map(|(i, ip)| {
                let m = membership.clone();
                async move {
                    let start = SPACING.saturating_mul(u32::try_from(i).unwrap_or(u32::MAX));
                    tokio::time::sleep(start).await;
                    let mut result = m.probe(ip, timeout).await;
                    for _ in 1..ATTEMPTS {
                        if result.is_ok() {
                            break;
                        }
                        result = m.probe(ip, timeout).await;
                    }
                    (ip, result)
                }
            });
            for (ip, result) in futures_util::future::join_all(probes).await {
                self.record(
                    ip,
                    match result {
                        Ok(rtt) => Outcome::Reachable(rtt),
                        Err(e) => Outcome::Unreachable(e),
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_results_expire() {
        let h = Health::new(Duration::from_millis(1));
        let ip: IpAddr = "192.168.1.11".parse().expect("ip");
        h.record(ip, Outcome::Reachable(Duration::from_micros(250)));
        assert!(matches!(h.latest(ip), Some(Probe { outcome: Outcome::Reachable(_), .. })));
        h.results.lock().expect("lock").get_mut(&ip).expect("probe").at =
            Instant::now() - Duration::from_secs(10);
        assert!(h.latest(ip).is_none(), "a stalled prober reports nothing");
    }
}
