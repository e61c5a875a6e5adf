//! Following one prefix of the store: a listing at a revision, then every change after it.
//! The node registry and the identity allocations both mirror the store this way.

use std::time::Duration;

use super::{Change, Entry, Error, KvStore, WatchEvent};

/// Longest wait between two attempts while the store is away.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What a mirror of one prefix is told.
pub trait Mirror: Send + Sync {
    /// A full listing: everything under the prefix now (what is not in it is gone).
    fn listed(&self, entries: &[Entry]);
    /// Changes after the listing, in order.
    fn changed(&self, changes: &[Change]);
    /// The watch is established: the mirror is live.
    fn live(&self) {}
    /// The attempt ended (the store went away, or its history was compacted past the watch);
    /// the next one lists again.
    fn stopped(&self, error: &Error);
}

/// Mirrors `prefix` into `m` until dropped: list, then watch from the listing's revision;
/// after any interruption a full listing again, which also reconciles what changed meanwhile
/// (etcd back from a backup has revisions that mean nothing). Waits with backoff while the
/// store is away.
pub async fn run(store: &dyn KvStore, prefix: &str, m: &dyn Mirror) {
    let mut backoff = Duration::from_millis(500);
    loop {
        let e = once(store, prefix, m, &mut backoff).await;
        m.stopped(&e);
        if matches!(e, Error::Compacted(_)) {
            continue;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn once(store: &dyn KvStore, prefix: &str, m: &dyn Mirror, backoff: &mut Duration) -> Error {
    let listing = match store.list(prefix).await {
        Ok(l) => l,
        Err(e) => return e,
    };
    m.listed(&listing.entries);
    let mut watch = match store.watch(prefix, listing.revision + 1).await {
        Ok(w) => w,
        Err(e) => return e,
    };
    m.live();
    *backoff = Duration::from_millis(500);
    while let Some(ev) = watch.recv().await {
        match ev {
            Ok(WatchEvent::Changes { changes, .. }) => m.changed(&changes),
            Ok(WatchEvent::Compacted(rev)) => return Error::Compacted(rev),
            Err(e) => return e,
        }
    }
    Error::Unavailable("the watch ended".into())
}
