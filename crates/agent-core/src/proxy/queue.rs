//! The proxy's records on their way to Hubble. The proxy's threads append; Hubble's ingest
//! takes them in batches, woken once per batch rather than once per request: a wake-up of the
//! agent's runtime per request cost more than the record itself.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::L7Record;

/// Records held at most while Hubble is busy; more are counted as lost.
const MAX_QUEUED: usize = 65_536;

/// See the module.
#[derive(Debug, Default)]
pub struct RecordQueue {
    /// Somebody reads: without a reader (Hubble off) records are not kept.
    open: AtomicBool,
    records: Mutex<Vec<L7Record>>,
    lost: AtomicU64,
    ready: tokio::sync::Notify,
}

impl RecordQueue {
    /// From now on records are kept for [`RecordQueue::take`].
    pub fn open(&self) {
        self.open.store(true, Ordering::Relaxed);
    }

    /// Queues a record; wakes the reader when the queue was empty.
    pub fn push(&self, record: L7Record) {
        if !self.open.load(Ordering::Relaxed) {
            return;
        }
        let mut q = self.records.lock().unwrap_or_else(|p| p.into_inner());
        if q.len() >= MAX_QUEUED {
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

    /// Everything queued, and how many records were lost since the last call.
    pub fn take(&self) -> (Vec<L7Record>, u64) {
        let batch = std::mem::take(&mut *self.records.lock().unwrap_or_else(|p| p.into_inner()));
        (batch, self.lost.swap(0, Ordering::Relaxed))
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
        assert!(q.take().0.is_empty(), "nobody reads yet: nothing kept");
        q.open();
        for _ in 0..3 {
            q.push(record());
        }
        // The first push left a wake-up, also for a reader that comes later.
        tokio::time::timeout(std::time::Duration::from_secs(5), q.ready()).await.expect("woken");
        let (batch, lost) = q.take();
        assert_eq!((batch.len(), lost), (3, 0));
        for _ in 0..MAX_QUEUED + 5 {
            q.push(record());
        }
        let (batch, lost) = q.take();
        assert_eq!((batch.len(), lost), (MAX_QUEUED, 5));
        assert_eq!(q.take().1, 0, "losses are reported once");
    }
}
