//! An in-memory [`KvStore`] with etcd's revision semantics: one revision per write, listings
//! at a revision, watches that replay history from a revision (or report it compacted),
//! leases whose expiry deletes their keys, and a switch that makes every call fail as an
//! unreachable etcd does.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{Call, Change, EndpointStatus, Entry, Error, KvStore, LeaseId, Listing, WatchEvent};

#[derive(Debug, Default)]
struct State {
    revision: i64,
    keys: BTreeMap<String, Entry>,
    leases: HashMap<LeaseId, Duration>,
    next_lease: LeaseId,
    history: Vec<(i64, Change)>,
    compacted: i64,
    watchers: Vec<(String, mpsc::Sender<Result<WatchEvent, Error>>)>,
    down: bool,
}

/// The fake store.
#[derive(Debug, Default)]
pub struct FakeStore {
    state: Mutex<State>,
}

const DOWN: &str = "context deadline exceeded (etcd is down in the test)";

impl State {
    fn check(&self) -> Result<(), Error> {
        if self.down { Err(Error::Unavailable(DOWN.into())) } else { Ok(()) }
    }

    fn record(&mut self, change: Change) {
        self.revision += 1;
        let rev = self.revision;
        self.history.push((rev, change.clone()));
        let key = match &change {
            Change::Put(e) => &e.key,
            Change::Delete { key } => key,
        };
        self.watchers.retain(|(prefix, tx)| {
            if !key.starts_with(prefix.as_str()) {
                return !tx.is_closed();
            }
            let ev = WatchEvent::Changes { changes: vec![change.clone()], revision: rev };
            tx.try_send(Ok(ev)).is_ok()
        });
    }
}

impl FakeStore {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Takes the store down (every call fails, watches end with an error) or back up.
    pub fn set_down(&self, down: bool) {
        self.with(|s| {
            s.down = down;
            if down {
                for (_, tx) in s.watchers.drain(..) {
                    let _ = tx.try_send(Err(Error::Unavailable(DOWN.into())));
                }
            }
        });
    }

    /// Forgets the history up to `revision`, as `etcdctl compact` does.
    pub fn compact(&self, revision: i64) {
        self.with(|s| {
            s.compacted = revision;
            s.history.retain(|(r, _)| *r > revision);
        });
    }

    /// Ends a lease as its TTL running out would: its keys go.
    pub fn expire(&self, lease: LeaseId) {
        self.with(|s| {
            s.leases.remove(&lease);
            let gone: Vec<String> =
                s.keys.values().filter(|e| e.lease == lease).map(|e| e.key.clone()).collect();
            for key in gone {
                s.keys.remove(&key);
                s.record(Change::Delete { key });
            }
        });
    }

    /// Writes a key as another client would.
    pub fn insert(&self, key: &str, value: &[u8]) {
        self.with(|s| put(s, key, value.to_vec(), 0));
    }

    /// The current value of `key`.
    pub fn get(&self, key: &str) -> Option<Entry> {
        self.with(|s| s.keys.get(key).cloned())
    }

    /// Loses every key, as an etcd kept in memory does when it restarts.
    pub fn wipe(&self) {
        self.with(|s| {
            let keys: Vec<String> = s.keys.keys().cloned().collect();
            for key in keys {
                s.keys.remove(&key);
                s.record(Change::Delete { key });
            }
        });
    }

    /// Leases alive.
    pub fn leases(&self) -> Vec<LeaseId> {
        self.with(|s| s.leases.keys().copied().collect())
    }
}

fn put(s: &mut State, key: &str, value: Vec<u8>, lease: LeaseId) {
    let entry = Entry { key: key.to_string(), value, mod_revision: s.revision + 1, lease };
    s.keys.insert(key.to_string(), entry.clone());
    s.record(Change::Put(entry));
}

impl KvStore for FakeStore {
    fn list(&self, prefix: &str) -> Call<'_, Listing> {
        let r = self.with(|s| {
            s.check()?;
            let entries =
                s.keys.range(prefix.to_string()..).take_while(|(k, _)| k.starts_with(prefix));
            Ok(Listing { entries: entries.map(|(_, e)| e.clone()).collect(), revision: s.revision })
        });
        Box::pin(async move { r })
    }

    fn put(&self, key: &str, value: Vec<u8>, lease: Option<LeaseId>) -> Call<'_, ()> {
        let r = self.with(|s| {
            s.check()?;
            let lease = lease.unwrap_or(0);
            if lease != 0 && !s.leases.contains_key(&lease) {
                return Err(Error::LeaseNotFound(lease));
            }
            put(s, key, value, lease);
            Ok(())
        });
        Box::pin(async move { r })
    }

    fn create(&self, key: &str, value: Vec<u8>) -> Call<'_, Option<Vec<u8>>> {
        let r = self.with(|s| {
            s.check()?;
            if let Some(e) = s.keys.get(key) {
                return Ok(Some(e.value.clone()));
            }
            put(s, key, value, 0);
            Ok(None)
        });
        Box::pin(async move { r })
    }

    fn delete(&self, key: &str) -> Call<'_, ()> {
        let r = self.with(|s| {
            s.check()?;
            if s.keys.remove(key).is_some() {
                s.record(Change::Delete { key: key.to_string() });
            }
            Ok(())
        });
        Box::pin(async move { r })
    }

    fn grant(&self, ttl: Duration) -> Call<'_, LeaseId> {
        let r = self.with(|s| {
            s.check()?;
            s.next_lease += 1;
            let id = 0x7a00_0000 + s.next_lease;
            s.leases.insert(id, ttl);
            Ok(id)
        });
        Box::pin(async move { r })
    }

    fn keep_alive(&self, lease: LeaseId) -> Call<'_, Duration> {
        let r = self.with(|s| {
            s.check()?;
            s.leases.get(&lease).copied().ok_or(Error::LeaseNotFound(lease))
        });
        Box::pin(async move { r })
    }

    fn revoke(&self, lease: LeaseId) -> Call<'_, ()> {
        let r = self.with(|s| s.check());
        if r.is_ok() {
            self.expire(lease);
        }
        Box::pin(async move { r })
    }

    fn watch(&self, prefix: &str, from: i64) -> Call<'_, super::Watch> {
        let r = self.with(|s| {
            s.check()?;
            let (tx, rx) = mpsc::channel(1024);
            if from <= s.compacted {
                let _ = tx.try_send(Ok(WatchEvent::Compacted(s.compacted)));
                return Ok(rx);
            }
            for (rev, change) in s.history.iter().filter(|(r, _)| *r >= from) {
                let key = match change {
                    Change::Put(e) => &e.key,
                    Change::Delete { key } => key,
                };
                if key.starts_with(prefix) {
                    let ev = WatchEvent::Changes { changes: vec![change.clone()], revision: *rev };
                    let _ = tx.try_send(Ok(ev));
                }
            }
            s.watchers.push((prefix.to_string(), tx));
            Ok(rx)
        });
        Box::pin(async move { r })
    }

    fn endpoints(&self) -> Call<'_, Vec<EndpointStatus>> {
        let down = self.with(|s| s.down);
        let version = if down { Err(DOWN.to_string()) } else { Ok("3.5.0-fake".to_string()) };
        let e = EndpointStatus { endpoint: "http://fake:2379".into(), version, leader: !down };
        Box::pin(async move { Ok(vec![e]) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn revisions_watches_compaction_and_leases() {
        let s = FakeStore::default();
        s.insert("a/1", b"x");
        let lease = s.grant(Duration::from_secs(30)).await.expect("grant");
        s.put("a/2", b"y".to_vec(), Some(lease)).await.expect("put");
        s.insert("b/1", b"z");
        let l = s.list("a/").await.expect("list");
        assert_eq!(l.entries.len(), 2);
        assert_eq!(l.revision, 3);
        // From the listing's next revision: only later changes, none replayed.
        let mut w = s.watch("a/", l.revision + 1).await.expect("watch");
        s.expire(lease);
        let ev = w.recv().await.expect("event").expect("ok");
        assert_eq!(
            ev,
            WatchEvent::Changes {
                changes: vec![Change::Delete { key: "a/2".into() }],
                revision: 4
            }
        );
        s.compact(4);
        let mut w = s.watch("a/", 2).await.expect("watch");
        assert_eq!(w.recv().await.expect("event"), Ok(WatchEvent::Compacted(4)));
        s.set_down(true);
        assert!(matches!(s.list("a/").await, Err(Error::Unavailable(_))));
        assert!(matches!(s.keep_alive(lease).await, Err(Error::Unavailable(_))));
        s.set_down(false);
        assert_eq!(s.keep_alive(lease).await, Err(Error::LeaseNotFound(lease)));
    }
}
