//! The kvstore's state as `cilium status` prints it (`KVStore:` line, Cilium's wording).

use std::sync::Mutex;

use super::EndpointStatus;

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreHealth {
    /// Not connected yet since start.
    Connecting,
    /// Answering.
    Ok,
    /// Was or is unreachable, or refused us.
    Failure,
}

#[derive(Debug)]
struct Inner {
    health: StoreHealth,
    reason: String,
    endpoints: Vec<EndpointStatus>,
    leases: usize,
}

/// Shared by the store's users (who report what they see) and the status API (which reads).
#[derive(Debug)]
pub struct KvStatus {
    inner: Mutex<Inner>,
}

impl Default for KvStatus {
    fn default() -> Self {
        KvStatus {
            inner: Mutex::new(Inner {
                health: StoreHealth::Connecting,
                reason: String::new(),
                endpoints: Vec::new(),
                leases: 0,
            }),
        }
    }
}

impl KvStatus {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// A call succeeded.
    pub fn ok(&self) {
        self.with(|i| {
            i.health = StoreHealth::Ok;
            i.reason.clear();
        });
    }

    /// A call failed: returns true when this is news (the state was not already a failure
    /// for the same reason), so that callers log a change once, not every retry.
    pub fn failed(&self, reason: &str) -> bool {
        self.with(|i| {
            let news = i.health != StoreHealth::Failure || i.reason != reason;
            i.health = StoreHealth::Failure;
            i.reason = reason.to_string();
            news
        })
    }

    /// The latest per-endpoint answers.
    pub fn set_endpoints(&self, endpoints: Vec<EndpointStatus>) {
        self.with(|i| i.endpoints = endpoints);
    }

    /// Leases this agent holds.
    pub fn set_leases(&self, n: usize) {
        self.with(|i| i.leases = n);
    }

    /// The current health.
    pub fn health(&self) -> StoreHealth {
        self.with(|i| i.health)
    }

    /// `(state, message)` of the `KVStore:` line.
    pub fn line(&self) -> (&'static str, String) {
        self.with(|i| match i.health {
            StoreHealth::Connecting => {
                ("Warning", "Waiting for initial connection to be established".into())
            }
            StoreHealth::Failure => ("Failure", format!("Err: {}", i.reason)),
            StoreHealth::Ok => {
                let ok = i.endpoints.iter().filter(|e| e.version.is_ok()).count();
                let per: Vec<String> = i
                    .endpoints
                    .iter()
                    .map(|e| match &e.version {
                        Ok(v) if e.leader => format!("{} - {v} (Leader)", e.endpoint),
                        Ok(v) => format!("{} - {v}", e.endpoint),
                        Err(why) => format!("{} - {why}", e.endpoint),
                    })
                    .collect();
                let msg = format!(
                    "etcd: {ok}/{} connected, leases={}, lock leases=0, has-quorum=true: {}",
                    i.endpoints.len(),
                    i.leases,
                    per.join("; ")
                );
                ("Ok", msg)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_ciliums() {
        let s = KvStatus::default();
        assert_eq!(s.line().1, "Waiting for initial connection to be established");
        s.ok();
        s.set_leases(1);
        s.set_endpoints(vec![EndpointStatus {
            endpoint: "http://192.168.1.100:2379".into(),
            version: Ok("3.5.16".into()),
            leader: true,
        }]);
        assert_eq!(
            s.line(),
            (
                "Ok",
                "etcd: 1/1 connected, leases=1, lock leases=0, has-quorum=true: http://192.168.1.100:2379 - 3.5.16 (Leader)".into()
            )
        );
        assert!(s.failed("connection refused"));
        assert!(!s.failed("connection refused"), "said once");
        assert_eq!(s.line(), ("Failure", "Err: connection refused".into()));
    }
}
