//! An [`Env`] for tests: identities by peer address, a fixed upstream, records kept in memory.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use super::{Env, L7Policy, L7Record};

/// See the module.
pub struct FakeEnv {
    /// Identity of every peer; `None`: the datapath redirected nothing.
    pub identity: Option<u32>,
    /// Where requests go.
    pub upstream: SocketAddr,
    /// The policy.
    pub policy: Mutex<Arc<L7Policy>>,
    /// What the proxy recorded.
    pub records: Mutex<Vec<L7Record>>,
}

impl Env for FakeEnv {
    fn peer_identity(&self, _peer: SocketAddr, _local: SocketAddr) -> Option<u32> {
        self.identity
    }
    fn upstream(&self, _local: SocketAddr) -> SocketAddr {
        self.upstream
    }
    fn policy(&self) -> Arc<L7Policy> {
        self.policy.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    fn record(&self, record: L7Record) {
        self.records.lock().unwrap_or_else(|p| p.into_inner()).push(record);
    }
}
