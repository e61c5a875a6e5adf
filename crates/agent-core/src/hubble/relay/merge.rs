//! Merging the nodes' flow streams into one, in time order as far as a bounded window allows.
//!
//! Each node sends its own flows in order, but the nodes are not in step: a flow of one may
//! arrive after a later flow of another. The relay holds up to `capacity` responses in a
//! priority queue by time and releases the oldest when it is full; and every drain window,
//! what is older than the window goes out, so a quiet fleet still sees its flows within about
//! two seconds. Upstream's Relay has the same buffer and window (100, 1 s) but drains only
//! after a window with no arrivals at all, so a trickle of flows can wait for the queue to
//! fill; a fixed tick keeps the same order without that wait.
//!
//! Node errors are merged before sorting: the same message from several nodes within the error
//! window becomes one `NODE_ERROR` naming them all, as upstream's.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::hubble::proto::observer::GetFlowsResponse;
use crate::hubble::proto::observer::get_flows_response::ResponseTypes;
use crate::hubble::proto::relay::{NodeState, NodeStatusEvent};
use crate::hubble::timestamp::Timestamp;

/// Upstream's sort buffer length.
pub const SORT_BUFFER: usize = 100;
/// Upstream's drain window.
pub const DRAIN: Duration = Duration::from_secs(1);
/// Upstream's error aggregation window.
pub const ERROR_WINDOW: Duration = Duration::from_secs(10);

fn time_ns(r: &GetFlowsResponse) -> u64 {
    r.time.map_or(0, |t| t.unix_nanos())
}

/// A response in the queue: by time, then by arrival, so equal times keep their order.
#[derive(Debug)]
struct Queued {
    time: u64,
    seq: u64,
    resp: GetFlowsResponse,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// The bounded time-ordered queue.
#[derive(Debug)]
pub struct SortBuffer {
    heap: BinaryHeap<Reverse<Queued>>,
    capacity: usize,
    seq: u64,
}

impl SortBuffer {
    /// A queue of at most `capacity` responses (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self { heap: BinaryHeap::with_capacity(capacity), capacity, seq: 0 }
    }

    /// Adds `resp`; when the queue was full, the oldest comes out first.
    pub fn push(&mut self, resp: GetFlowsResponse) -> Option<GetFlowsResponse> {
        let out = (self.heap.len() >= self.capacity).then(|| self.pop()).flatten();
        self.seq += 1;
        self.heap.push(Reverse(Queued { time: time_ns(&resp), seq: self.seq, resp }));
        out
    }

    /// The oldest response.
    pub fn pop(&mut self) -> Option<GetFlowsResponse> {
        self.heap.pop().map(|Reverse(q)| q.resp)
    }

    /// The oldest response if it is older than `cutoff_ns`.
    pub fn pop_older_than(&mut self, cutoff_ns: u64) -> Option<GetFlowsResponse> {
        match self.heap.peek() {
            Some(Reverse(q)) if q.time < cutoff_ns => self.pop(),
            _ => None,
        }
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// The `NODE_ERROR` waiting for more nodes with the same message.
#[derive(Debug, Default)]
pub struct ErrorMerge {
    pending: Option<GetFlowsResponse>,
}

fn node_error(r: &GetFlowsResponse) -> Option<&NodeStatusEvent> {
    match &r.response_types {
        Some(ResponseTypes::NodeStatus(s)) if s.state_change == NodeState::NodeError as i32 => {
            Some(s)
        }
        _ => None,
    }
}

impl ErrorMerge {
    /// Takes a response; returns what may go on now. A node error is held (and `true` says
    /// a new one started waiting, so the caller arms the window's timer).
    pub fn offer(&mut self, resp: GetFlowsResponse) -> (Vec<GetFlowsResponse>, bool) {
        let Some(current) = node_error(&resp) else { return (vec![resp], false) };
        if let Some(pending) = &mut self.pending
            && let Some(ResponseTypes::NodeStatus(p)) = &mut pending.response_types
            && p.message == current.message
        {
            p.node_names.extend(current.node_names.iter().cloned());
            return (Vec::new(), false);
        }
        let flushed = self.pending.replace(resp);
        (flushed.into_iter().collect(), true)
    }

    /// The held error, when its window is over or the stream ends.
    pub fn flush(&mut self) -> Option<GetFlowsResponse> {
        self.pending.take()
    }
}

/// A node status event from the relay itself.
pub fn node_status(
    relay_node: &str,
    state: NodeState,
    names: Vec<String>,
    message: String,
) -> GetFlowsResponse {
    GetFlowsResponse {
        node_name: relay_node.to_string(),
        time: Some(Timestamp::now()),
        response_types: Some(ResponseTypes::NodeStatus(NodeStatusEvent {
            state_change: state as i32,
            node_names: names,
            message,
        })),
    }
}

/// Reads `input` until every sender is gone, merging errors and sorting, and writes to `out`
/// until the client leaves.
pub async fn run(
    mut input: mpsc::Receiver<GetFlowsResponse>,
    out: mpsc::Sender<GetFlowsResponse>,
    capacity: usize,
    drain: Duration,
    error_window: Duration,
) {
    let mut queue = SortBuffer::new(capacity);
    let mut errors = ErrorMerge::default();
    let mut error_due: Option<tokio::time::Instant> = None;
    let mut tick = tokio::time::interval(drain);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Every response goes through the queue; sending blocks while the client is slow, which
    // backs up into the nodes' streams, never into memory.
    macro_rules! enqueue {
        ($resp:expr) => {
            if let Some(r) = queue.push($resp)
                && out.send(r).await.is_err()
            {
                return;
            }
        };
    }
    loop {
        let error_timer = async {
            match error_due {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = input.recv() => {
                let Some(r) = r else { break };
                let (ready, armed) = errors.offer(r);
                if armed {
                    error_due = Some(tokio::time::Instant::now() + error_window);
                }
                for r in ready {
                    enqueue!(r);
                }
            }
            () = error_timer => {
                error_due = None;
                if let Some(r) = errors.flush() {
                    enqueue!(r);
                }
            }
            _ = tick.tick() => {
                let cutoff = Timestamp::now().unix_nanos().saturating_sub(drain.as_nanos() as u64);
                while let Some(r) = queue.pop_older_than(cutoff) {
                    if out.send(r).await.is_err() {
                        return;
                    }
                }
            }
            () = out.closed() => return,
        }
    }
    if let Some(r) = errors.flush() {
        enqueue!(r);
    }
    while let Some(r) = queue.pop() {
        if out.send(r).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hubble::proto::flow::Flow;

    fn at(ns: u64, node: &str) -> GetFlowsResponse {
        GetFlowsResponse {
            node_name: node.into(),
            time: Some(Timestamp::from_unix_nanos(ns)),
            response_types: Some(ResponseTypes::Flow(Flow::default())),
        }
    }

    fn error(node: &str, msg: &str) -> GetFlowsResponse {
        node_status("relay", NodeState::NodeError, vec![node.into()], msg.into())
    }

    #[test]
    fn a_full_queue_releases_the_oldest() {
        let mut q = SortBuffer::new(3);
        assert!(q.push(at(30, "a")).is_none());
        assert!(q.push(at(10, "b")).is_none());
        assert!(q.push(at(20, "a")).is_none());
        assert_eq!(q.push(at(15, "b")).map(|r| time_ns(&r)), Some(10));
        assert_eq!(q.pop_older_than(16).map(|r| time_ns(&r)), Some(15));
        assert!(q.pop_older_than(16).is_none());
        let rest: Vec<u64> = std::iter::from_fn(|| q.pop()).map(|r| time_ns(&r)).collect();
        assert_eq!(rest, [20, 30]);
    }

    #[test]
    fn equal_times_keep_their_arrival_order() {
        let mut q = SortBuffer::new(10);
        for node in ["a", "b", "c"] {
            q.push(at(5, node));
        }
        let order: Vec<String> = std::iter::from_fn(|| q.pop()).map(|r| r.node_name).collect();
        assert_eq!(order, ["a", "b", "c"]);
    }

    #[test]
    fn the_same_error_from_several_nodes_is_one_event() {
        let mut m = ErrorMerge::default();
        let (out, armed) = m.offer(error("vm1", "connection refused"));
        assert!(out.is_empty() && armed);
        let (out, armed) = m.offer(error("vm2", "connection refused"));
        assert!(out.is_empty() && !armed);
        let (out, _) = m.offer(at(1, "vm3"));
        assert_eq!(out.len(), 1, "flows are not held");
        let (out, armed) = m.offer(error("vm4", "deadline exceeded"));
        assert!(armed);
        let Some(ResponseTypes::NodeStatus(s)) = &out[0].response_types else {
            panic!("the first error is flushed: {out:?}")
        };
        assert_eq!(s.node_names, ["vm1", "vm2"]);
        assert!(m.flush().is_some() && m.flush().is_none());
    }

    #[tokio::test]
    async fn nodes_out_of_step_come_out_in_time_order() {
        let (tx, rx) = mpsc::channel(16);
        let (out_tx, mut out) = mpsc::channel(16);
        let merge = tokio::spawn(run(rx, out_tx, 100, DRAIN, ERROR_WINDOW));
        // Two nodes, each in order, interleaved badly.
        for r in [at(1, "a"), at(3, "a"), at(5, "a"), at(2, "b"), at(4, "b"), at(6, "b")] {
            tx.send(r).await.expect("send");
        }
        drop(tx);
        let mut times = Vec::new();
        while let Some(r) = out.recv().await {
            times.push(time_ns(&r));
        }
        assert_eq!(times, [1, 2, 3, 4, 5, 6]);
        merge.await.expect("merge");
    }

    #[tokio::test]
    async fn a_quiet_stream_is_drained_within_the_window() {
        let (tx, rx) = mpsc::channel(16);
        let (out_tx, mut out) = mpsc::channel(16);
        tokio::spawn(run(rx, out_tx, 100, Duration::from_millis(50), ERROR_WINDOW));
        let old = Timestamp::now().unix_nanos() - 1_000_000_000;
        tx.send(at(old, "a")).await.expect("send");
        let r = tokio::time::timeout(Duration::from_secs(5), out.recv()).await;
        assert_eq!(r.ok().flatten().map(|r| time_ns(&r)), Some(old), "released while open");
        drop(tx);
    }
}
