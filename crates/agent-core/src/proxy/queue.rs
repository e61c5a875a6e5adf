//! The proxy's records on their way to Hubble. The proxy's threads append; Hubble's ingest
//! takes them in batches, woken once per batch rather than once per request: a wake-up of the
//! agent's runtime per request cost more than the record itself. Each thread appends to a
//! shard of its own, so that the threads do not take turns at one lock and one buffer twice
//! per request.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use super::L7Record;

/// Shards: the proxy's threads at most.
const SHARDS: usize = super::MAX_WORKERS;
/// Records held at most while Hubble is busy; more are counted as lost.
const MAX_QUEUED: usize = 65_536;
const MAX_PER_SHARD: usize = MAX_QUEUED / SHARDS;

/// One thread's records, on cache lines of its own.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<Vec<L7Record>>);

/// See the module.
#[derive(Debug, Default)]
pub struct RecordQueue {
    /// Somebody reads: without a reader (Hubble off) records are not kept.
    open: AtomicBool,
    shards: [Shard; SHARDS],
    lost: AtomicU64,
    ready: tokio::sync::Notify,
}

/// The calling thread's shard: threads take them in turn as they first push.
fn my_shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local!(static MINE: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS);
    MINE.with(|i| *i)
}

impl RecordQueue {
    /// From now on records are kept for [`RecordQueue::take`].
    pub fn open(&self) {
        self.open.store(true, Ordering::Relaxed);
    }

    /// Queues a record; wakes the reader when the shard was empty.
    pub fn push(&self, record: L7Record) {
        if !self.open.load(Ordering::Relaxed) {
            return;
        }
        let mut q = self.shards[my_shard()].0.lock().unwrap_or_else(|p| p.into_inner());
        if q.len() >= MAX_PER_SHARD {
            self.lost.fetch_add(1, Ordering::Relaxed);
            return;
        }
        q.push(record);
        let first = q.len() == 1;
        drop(q);
        if first {
            self.ready.notify_one();
        }
    }

    /// Resolves once records wait (cancel-safe: a wake-up not taken stays for the next call).
    pub async fn ready(&self) {
        self.ready.notified().await;
    }

    /// Everything queued (each thread's records in order), and how many records were lost
    /// since the last call.
    pub fn take(&self) -> (impl Iterator<Item = L7Record>, u64) {
        let batches: Vec<Vec<L7Record>> = self
            .shards
            .iter()
            .map(|s| {
                let mut q = s.0.lock().unwrap_or_else(|p| p.into_inner());
                // The next batch is likely as large: room for it now, not grown by copying.
                let room = q.len();
                std::mem::replace(&mut *q, Vec::with_capacity(room))
            })
            .filter(|b| !b.is_empty())
            .collect();
        (batches.into_iter().flatten(), self.lost.swap(0, Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> L7Record {
        L7Record {
            time: std::time::SystemTime::UNIX_EPOCH,
            kind: super::super::L7Kind::Request,
            verdict: super::super::L7Verdict::Forwarded,
            peer: ([192, 168, 1, 10], 40000).into(),
            local: ([192, 168, 1, 11], 8080).into(),
            identity: 1000,
            direction: 0,
            rule_id: 1,
            method: hyper::Method::GET,
            url: "http://192.168.1.11:8080/".into(),
            protocol: "HTTP/1.1",
            headers: Default::default(),
            code: 0,
            latency_ns: 0,
        }
    }

    #[tokio::test]
    async fn batches_wake_once_and_overflow_counts_as_lost() {
        let q = RecordQueue::default();
        q.push(record());
        assert_eq!(q.take().0.count(), 0, "nobody reads yet: nothing kept");
        q.open();
        for _ in 0..3 {
            q.push(record());
        }
        // The first push left a wake-up, also for a reader that comes later.
        tokio::time::timeout(std::time::Duration::from_secs(5), q.ready()).await.expect("woken");
        let (batch, lost) = q.take();
        assert_eq!((batch.count(), lost), (3, 0));
        // One thread fills its own shard.
        for _ in 0..MAX_PER_SHARD + 5 {
            q.push(record());
        }
        let (batch, lost) = q.take();
        assert_eq!((batch.count(), lost), (MAX_PER_SHARD, 5));
        assert_eq!(q.take().1, 0, "losses are reported once");
    }

    #[test]
    fn threads_queue_apart_and_are_taken_together_in_their_own_order() {
        let q = std::sync::Arc::new(RecordQueue::default());
        q.open();
        let threads: Vec<_> = (0..3u32)
            .map(|t| {
                let q = q.clone();
                std::thread::spawn(move || {
                    for i in 0..100 {
                        q.push(L7Record { identity: t, rule_id: i, ..record() });
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let (batch, lost) = q.take();
        let batch: Vec<L7Record> = batch.collect();
        assert_eq!((batch.len(), lost), (300, 0));
        for t in 0..3 {
            let ids: Vec<u32> =
                batch.iter().filter(|r| r.identity == t).map(|r| r.rule_id).collect();
            assert_eq!(ids, (0..100).collect::<Vec<_>>(), "thread {t} in order");
        }
    }
}
