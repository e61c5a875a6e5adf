//! A fixed-size ring of recent events with sequence numbers. Writers never wait for readers:
//! a reader that falls behind finds its next events overwritten and is told how many it lost.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// An event with a wall-clock time (Unix ns), for `since`/`until`.
pub trait Timed {
    /// Unix nanoseconds.
    fn time_ns(&self) -> u64;
}

/// The ring.
#[derive(Debug)]
pub struct Ring<T> {
    inner: Mutex<Inner<T>>,
    capacity: usize,
    /// Sequence number of the next event to be written; readers wait on it.
    written: watch::Sender<u64>,
}

#[derive(Debug)]
struct Inner<T> {
    items: VecDeque<Arc<T>>,
    /// Sequence number of `items[0]`.
    first: u64,
}

/// What one read returned.
#[derive(Debug)]
pub struct Read<T> {
    /// Events the reader missed because they were overwritten before it got to them.
    pub lost: u64,
    /// Events in order.
    pub items: Vec<Arc<T>>,
    /// Where the next read starts.
    pub next: u64,
}

impl<T> Ring<T> {
    /// A ring keeping the last `capacity` events (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            inner: Mutex::new(Inner { items: VecDeque::with_capacity(capacity), first: 0 }),
            capacity,
            written: watch::channel(0).0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<T>> {
        // A panic while holding the lock leaves a consistent deque; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends, overwriting the oldest event when full; returns the event as stored.
    pub fn push(&self, item: T) -> Arc<T> {
        let item = Arc::new(item);
        let (next, overwritten) = {
            let mut g = self.lock();
            let overwritten = if g.items.len() == self.capacity {
                g.first += 1;
                g.items.pop_front()
            } else {
                None
            };
            g.items.push_back(item.clone());
            (g.first + g.items.len() as u64, overwritten)
        };
        // Readers do not wait while the old event is freed.
        drop(overwritten);
        // Waking nobody still takes the notifier's locks; the count is kept either way.
        self.written.send_if_modified(|n| {
            *n = next;
            self.written.receiver_count() > 0
        });
        item
    }

    /// Events held now.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// True when nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Maximum events held.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Events written since start.
    pub fn seen(&self) -> u64 {
        *self.written.borrow()
    }

    /// Every event held, oldest first, and the sequence number after the newest.
    pub fn snapshot(&self) -> (Vec<Arc<T>>, u64) {
        let g = self.lock();
        (g.items.iter().cloned().collect(), g.first + g.items.len() as u64)
    }

    /// Up to `max` events from sequence number `from` on.
    pub fn read(&self, from: u64, max: usize) -> Read<T> {
        let g = self.lock();
        let end = g.first + g.items.len() as u64;
        let (lost, start) = if from < g.first { (g.first - from, g.first) } else { (0, from) };
        let start = start.min(end);
        let skip = (start - g.first) as usize;
        let items: Vec<Arc<T>> = g.items.iter().skip(skip).take(max).cloned().collect();
        let next = start + items.len() as u64;
        Read { lost, items, next }
    }

    /// A receiver that changes whenever an event is written. Subscribe before reading: a
    /// write with nobody subscribed wakes nobody.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.written.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_and_counts_what_a_slow_reader_lost() {
        let r = Ring::new(3);
        for i in 0..5 {
            r.push(i);
        }
        assert_eq!((r.len(), r.seen(), r.capacity()), (3, 5, 3));
        let (items, end) = r.snapshot();
        assert_eq!(items.iter().map(|a| **a).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(end, 5);
        let read = r.read(0, 10);
        assert_eq!(read.lost, 2);
        assert_eq!(read.items.iter().map(|a| **a).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(read.next, 5);
        let read = r.read(5, 10);
        assert_eq!((read.lost, read.items.len(), read.next), (0, 0, 5));
        let read = r.read(3, 1);
        assert_eq!((read.lost, *read.items[0], read.next), (0, 3, 4));
    }

    #[tokio::test]
    async fn readers_are_woken_by_writes() {
        let r = Arc::new(Ring::new(4));
        let mut rx = r.subscribe();
        let w = r.clone();
        tokio::spawn(async move { w.push(7u32) });
        rx.changed().await.expect("sender alive");
        assert_eq!(*rx.borrow(), 1);
    }
}
