//! The fleet's distributed store: etcd v3, used as Cilium uses it (kvstore mode).
//!
//! [`KvStore`] is the little the agent needs from a store (prefix listings at a revision,
//! watches from a revision, leases, puts and deletes); [`etcd::Etcd`] speaks it to a real etcd
//! over gRPC, [`fake::FakeStore`] keeps it in memory with the same revision semantics (and a
//! switch that takes it "down") so that the membership logic is tested without root or etcd.
//! What the store going away must not change (peers, tunnels, policy) is the callers' concern:
//! a store only ever says what it holds, or that it cannot be reached.

pub mod config;
pub mod etcd;
pub mod fake;
pub mod mirror;
pub mod proto;
pub mod status;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use config::{EtcdConfig, TlsFiles};
pub use status::{KvStatus, StoreHealth};

/// A lease's ID, as etcd numbers them.
pub type LeaseId = i64;

/// A store call in flight.
pub type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// The events of one watch, in revision order; it ends (or yields an error) when the store
/// connection does.
pub type Watch = tokio::sync::mpsc::Receiver<Result<WatchEvent, Error>>;

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No endpoint answered.
    #[error("{0}")]
    Unavailable(String),
    /// The store answered, and refused.
    #[error("etcd refused the request: {0}")]
    Refused(String),
    /// Credentials were refused (wrong password, client certificate, or CA).
    #[error("etcd refused our credentials: {0}")]
    Unauthenticated(String),
    /// The lease expired or was revoked.
    #[error("lease {0:x} not found")]
    LeaseNotFound(LeaseId),
    /// The revision to watch from is gone: list again.
    #[error("revision {0} was compacted")]
    Compacted(i64),
    /// Something the store sent that we do not accept (too big, not UTF-8 keys).
    #[error("unexpected answer from etcd: {0}")]
    Protocol(String),
}

/// One key and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Vec<u8>,
    /// The revision that last wrote it.
    pub mod_revision: i64,
    /// The lease it lives under (0: none).
    pub lease: LeaseId,
}

/// A prefix's keys as of one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The keys, sorted.
    pub entries: Vec<Entry>,
    /// The store's revision the listing was taken at: watch from the next one.
    pub revision: i64,
}

/// One change under a watched prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Created or overwritten.
    Put(Entry),
    /// Deleted, or its lease expired.
    Delete {
        /// The key.
        key: String,
    },
}

/// What a watch yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    /// Changes, all at or before `revision`.
    Changes {
        /// In order.
        changes: Vec<Change>,
        /// The store's revision after them.
        revision: i64,
    },
    /// The revision the watch started from is gone: what changed meanwhile is lost, so the
    /// watcher must list again and reconcile.
    Compacted(i64),
}

/// One endpoint as `cilium status` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointStatus {
    /// The endpoint URL.
    pub endpoint: String,
    /// The server's version, or why it could not be asked.
    pub version: Result<String, String>,
    /// The member is the raft leader.
    pub leader: bool,
}

/// What the agent needs from a kvstore.
pub trait KvStore: Send + Sync + std::fmt::Debug {
    /// Every key under `prefix`, with the revision of the listing.
    fn list(&self, prefix: &str) -> Call<'_, Listing>;
    /// Writes `key`; with `lease`, the key goes when the lease does.
    fn put(&self, key: &str, value: Vec<u8>, lease: Option<LeaseId>) -> Call<'_, ()>;
    /// Writes `key` only if it does not exist (one transaction): `None` when it was created,
    /// else the value it already has.
    fn create(&self, key: &str, value: Vec<u8>) -> Call<'_, Option<Vec<u8>>>;
    /// Deletes `key` (absent is fine).
    fn delete(&self, key: &str) -> Call<'_, ()>;
    /// A new lease that lives `ttl` unless kept alive.
    fn grant(&self, ttl: Duration) -> Call<'_, LeaseId>;
    /// Renews `lease`: its remaining TTL, or [`Error::LeaseNotFound`].
    fn keep_alive(&self, lease: LeaseId) -> Call<'_, Duration>;
    /// Ends `lease` and its keys at once.
    fn revoke(&self, lease: LeaseId) -> Call<'_, ()>;
    /// Changes under `prefix` from revision `from` on.
    fn watch(&self, prefix: &str, from: i64) -> Call<'_, Watch>;
    /// Each endpoint's state.
    fn endpoints(&self) -> Call<'_, Vec<EndpointStatus>>;
}

/// Longest key accepted from a store.
pub const MAX_KEY: usize = 4096;
/// Largest value accepted from a store (a node entry is a few KiB).
pub const MAX_VALUE: usize = 256 * 1024;
/// Most keys accepted in one listing.
pub const MAX_ENTRIES: usize = 100_000;
