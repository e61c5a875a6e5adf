//! An [`Env`] for tests: identities by peer address, a fixed upstream, records kept in memory.

use std::net::SocketAddr;
use std::sync::Mutex;

use super::{Env, L7Record, PolicyCell, Redirected};

/// See the module.
pub struct FakeEnv {
    /// Identity of every peer; `None`: the datapath redirected nothing.
    pub identity: Option<u32>,
    /// Direction of every redirected connection.
    pub direction: u8,
    /// Where requests go.
    pub upstream: SocketAddr,
    /// The policy.
    pub policy: PolicyCell,
    /// What the proxy recorded.
    pub records: Mutex<Vec<L7Record>>,
}

impl Env for FakeEnv {
    fn redirected(&self, _peer: SocketAddr, _local: SocketAddr) -> Option<Redirected> {
        self.identity.map(|identity| Redirected { identity, direction: self.direction })
    }
    fn upstream(&self, _local: SocketAddr) -> SocketAddr {
        self.upstream
    }
    fn policy(&self) -> &PolicyCell {
        &self.policy
    }
    fn record(&self, record: L7Record) {
        self.records.lock().unwrap_or_else(|p| p.into_inner()).push(record);
    }
}
