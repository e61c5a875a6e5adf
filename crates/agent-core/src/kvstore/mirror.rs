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
    /// Fires when the mirror needs a full listing again (its last one was incomplete): the
    /// watch ends and the listing follows at once.
    fn relist(&self) -> Option<&tokio::sync::Notify> {
        None
    }
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
        let Some(e) = once(store, prefix, m, &mut backoff).await else { continue };
        m.stopped(&e);
        if matches!(e, Error::Compacted(_)) {
            continue;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One listing and its watch: why it ended, or nothing when the mirror asked to list again.
async fn once(
    store: &dyn KvStore,
    prefix: &str,
    m: &dyn Mirror,
    backoff: &mut Duration,
) -> Option<Error> {
    let listing = match store.list(prefix).await {
        Ok(l) => l,
        Err(e) => return Some(e),
    };
    m.listed(&listing.entries);
    let mut watch = match store.watch(prefix, listing.revision + 1).await {
        Ok(w) => w,
        Err(e) => return Some(e),
    };
    m.live();
    *backoff = Duration::from_millis(500);
    let relist = async {
        match m.relist() {
            Some(n) => n.notified().await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(relist);
    loop {
        let ev = tokio::select! {
            ev = watch.recv() => ev,
            () = &mut relist => return None,
        };
        match ev {
            Some(Ok(WatchEvent::Changes { changes, .. })) => m.changed(&changes),
            Some(Ok(WatchEvent::Compacted(rev))) => return Some(Error::Compacted(rev)),
            Some(Err(e)) => return Some(e),
            None => return Some(Error::Unavailable("the watch ended".into())),
        }
    }
}
