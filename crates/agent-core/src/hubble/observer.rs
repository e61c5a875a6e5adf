//! The Observer: keeps the last flows and agent events in rings and serves them over the
//! Observer gRPC service.
//!
//! Every `GetFlows` call gets its own task and a bounded channel. When a client reads slowly the
//! channel fills and only that task waits; the agent keeps writing the ring, and when the task
//! resumes it reports the flows it missed as a `LostEvent` (HUBBLE_RING_BUFFER) instead of
//! slowing anyone down.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Instant;

use tokio::sync::mpsc;
use tonic::codegen::tokio_stream::Stream;
use tonic::codegen::tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::filter::FlowFilters;
use super::proto::flow::{
    AgentEvent, CiliumEventType, DebugEvent, Flow, LostEvent, LostEventSource, Verdict,
};
use super::proto::observer::{
    GetAgentEventsRequest, GetAgentEventsResponse, GetDebugEventsRequest, GetDebugEventsResponse,
    GetFlowsRequest, GetFlowsResponse, GetNamespacesRequest, GetNamespacesResponse,
    GetNodesRequest, GetNodesResponse, Node, ServerStatusRequest, ServerStatusResponse,
    get_flows_response::ResponseTypes, observer_server,
};
use super::ring::{Ring, Timed};
use super::timestamp::Timestamp;

/// How many responses may wait for a slow client before its reader pauses.
const CLIENT_QUEUE: usize = 256;
/// Events read from the ring per lock.
const READ_BATCH: usize = 512;

/// Builds a flow when somebody first reads it.
pub type MakeFlow = Box<dyn FnOnce() -> Flow + Send>;

/// A flow or a loss notice, as stored and sent. A flow may be stored as what makes it
/// ([`Observer::push_lazy_flow`]): most flows are overwritten unread, and building one costs
/// more than the event it comes from.
pub struct FlowEntry {
    time_ns: u64,
    is_flow: bool,
    /// Boxed: a flow is large, and the ring moves every entry it stores.
    resp: OnceLock<Box<GetFlowsResponse>>,
    /// The maker of a lazy flow, and the node name its response carries.
    make: Mutex<Option<(Arc<str>, MakeFlow)>>,
}

impl std::fmt::Debug for FlowEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowEntry")
            .field("time_ns", &self.time_ns)
            .field("resp", &self.resp.get())
            .finish_non_exhaustive()
    }
}

impl Timed for FlowEntry {
    fn time_ns(&self) -> u64 {
        self.time_ns
    }
}

impl FlowEntry {
    fn ready(time_ns: u64, resp: GetFlowsResponse) -> Self {
        let is_flow = matches!(resp.response_types, Some(ResponseTypes::Flow(_)));
        FlowEntry { time_ns, is_flow, resp: OnceLock::from(Box::new(resp)), make: Mutex::new(None) }
    }

    /// The response, built now if it was stored as its maker.
    fn resp(&self) -> &GetFlowsResponse {
        self.resp.get_or_init(|| {
            let make = self.make.lock().unwrap_or_else(|p| p.into_inner()).take();
            let (node_name, flow) = make.map(|(n, m)| (n.to_string(), m())).unwrap_or_default();
            Box::new(GetFlowsResponse {
                time: flow.time,
                response_types: Some(ResponseTypes::Flow(flow)),
                node_name,
            })
        })
    }

    fn flow(&self) -> Option<&Flow> {
        match &self.resp().response_types {
            Some(ResponseTypes::Flow(f)) => Some(f),
            _ => None,
        }
    }
}

/// Lazy flows not built yet, so that whatever their makers hold in common (the view of the
/// agent's state they are enriched with) can be let go: [`Unbuilt::build_all`] builds them
/// now. Holds no more than the ring does; older ones were overwritten anyway.
#[derive(Debug)]
pub struct Unbuilt {
    entries: std::collections::VecDeque<Weak<FlowEntry>>,
    max: usize,
}

impl Unbuilt {
    /// Tracks at most `max` flows (the ring's capacity).
    pub fn new(max: usize) -> Self {
        Unbuilt { entries: std::collections::VecDeque::new(), max: max.max(1) }
    }

    /// One more.
    pub fn push(&mut self, entry: Weak<FlowEntry>) {
        if self.entries.len() == self.max {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Builds every tracked flow still in the ring.
    pub fn build_all(&mut self) {
        for e in self.entries.drain(..) {
            if let Some(e) = e.upgrade() {
                e.resp();
            }
        }
    }
}

/// An agent event as stored.
#[derive(Debug)]
pub struct AgentEntry {
    time_ns: u64,
    resp: GetAgentEventsResponse,
}

impl Timed for AgentEntry {
    fn time_ns(&self) -> u64 {
        self.time_ns
    }
}

/// A datapath debug message as stored.
#[derive(Debug)]
pub struct DebugEntry {
    time_ns: u64,
    resp: GetDebugEventsResponse,
}

impl Timed for DebugEntry {
    fn time_ns(&self) -> u64 {
        self.time_ns
    }
}

/// Answers `GetNodes`: the cluster's nodes with their Hubble addresses.
pub type NodeSource = Box<dyn Fn() -> Vec<Node> + Send + Sync>;

/// The observer's state, shared by the ingest task and the servers.
pub struct Observer {
    flows: Ring<FlowEntry>,
    events: Ring<AgentEntry>,
    debug: Ring<DebugEntry>,
    node_name: String,
    /// The same, shared by the lazy flows.
    node_name_shared: Arc<str>,
    version: String,
    started: Instant,
    nodes: NodeSource,
    /// `hubble_flows_processed_total` by (type, subtype, verdict).
    processed: Mutex<BTreeMap<(&'static str, &'static str, &'static str), u64>>,
    /// Lost before the ring, by source: [observer queue, datapath ring buffer].
    lost: [AtomicU64; 2],
}

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observer")
            .field("node_name", &self.node_name)
            .field("flows", &self.flows.len())
            .finish_non_exhaustive()
    }
}

/// Agent events kept for `GetAgentEvents`.
const AGENT_EVENT_CAPACITY: usize = 1024;

/// Debug messages kept for `GetDebugEvents`: several per packet, so more than agent events,
/// and apart from the flows so that turning them on does not push flows out.
const DEBUG_EVENT_CAPACITY: usize = 4096;

impl Observer {
    /// An observer keeping `capacity` flows, answering as `node_name`.
    pub fn new(capacity: usize, node_name: String, version: String, nodes: NodeSource) -> Self {
        Self {
            flows: Ring::new(capacity),
            events: Ring::new(AGENT_EVENT_CAPACITY),
            debug: Ring::new(DEBUG_EVENT_CAPACITY),
            node_name_shared: Arc::from(node_name.as_str()),
            node_name,
            version,
            started: Instant::now(),
            nodes,
            processed: Mutex::new(BTreeMap::new()),
            lost: [AtomicU64::new(0), AtomicU64::new(0)],
        }
    }

    /// Records a flow.
    pub fn push_flow(&self, flow: Flow) {
        self.count(metric_key(flow.event_type.unwrap_or_default(), flow.verdict));
        let time = flow.time.unwrap_or_else(Timestamp::now);
        self.flows.push(FlowEntry::ready(
            time.unix_nanos(),
            GetFlowsResponse {
                response_types: Some(ResponseTypes::Flow(flow)),
                node_name: self.node_name.clone(),
                time: Some(time),
            },
        ));
    }

    /// Records a flow of `event_type` and `verdict` that `make` builds when first read; the
    /// flow it makes must have that time, type and verdict. What `make` holds stays alive
    /// until then: see [`Unbuilt`] for keeping that bounded.
    pub fn push_lazy_flow(
        &self,
        time: Timestamp,
        event_type: CiliumEventType,
        verdict: Verdict,
        make: MakeFlow,
    ) -> Weak<FlowEntry> {
        self.count(metric_key(event_type, verdict as i32));
        let entry = self.flows.push(FlowEntry {
            time_ns: time.unix_nanos(),
            is_flow: true,
            resp: OnceLock::new(),
            make: Mutex::new(Some((self.node_name_shared.clone(), make))),
        });
        Arc::downgrade(&entry)
    }

    /// Flows the ring holds at most.
    pub fn capacity(&self) -> usize {
        self.flows.capacity()
    }

    fn count(&self, key: (&'static str, &'static str, &'static str)) {
        *self.processed.lock().unwrap_or_else(|p| p.into_inner()).entry(key).or_default() += 1;
    }

    /// Records that `n` events never reached the observer (its intake fell behind).
    pub fn push_lost(&self, source: LostEventSource, n: u64) {
        match source {
            LostEventSource::PerfEventRingBuffer => self.lost[1].fetch_add(n, Ordering::Relaxed),
            // The others are ours: the queue to the observer (the ring's own overwrites are
            // reported to each reader, not counted here).
            _ => self.lost[0].fetch_add(n, Ordering::Relaxed),
        };
        let now = Timestamp::now();
        self.flows
            .push(FlowEntry::ready(now.unix_nanos(), lost_response(&self.node_name, source, n)));
    }

    /// Records an agent event.
    pub fn push_agent_event(&self, event: AgentEvent) {
        let now = Timestamp::now();
        self.events.push(AgentEntry {
            time_ns: now.unix_nanos(),
            resp: GetAgentEventsResponse {
                agent_event: Some(event),
                node_name: self.node_name.clone(),
                time: Some(now),
            },
        });
    }

    /// Records a datapath debug message observed at `time`.
    pub fn push_debug_event(&self, time: Timestamp, event: DebugEvent) {
        self.debug.push(DebugEntry {
            time_ns: time.unix_nanos(),
            resp: GetDebugEventsResponse {
                debug_event: Some(event),
                node_name: self.node_name.clone(),
                time: Some(time),
            },
        });
    }

    /// `ServerStatus`, also behind `cilium status`.
    pub fn status(&self) -> ServerStatusResponse {
        let (items, _) = self.flows.snapshot();
        // Upstream's rate: flows of the last minute, per second.
        let now = Timestamp::now().unix_nanos();
        let minute_ago = now.saturating_sub(60_000_000_000);
        let recent = items.iter().filter(|e| e.time_ns >= minute_ago && e.is_flow).count();
        ServerStatusResponse {
            num_flows: items.len() as u64,
            max_flows: self.flows.capacity() as u64,
            seen_flows: self.flows.seen(),
            uptime_ns: self.started.elapsed().as_nanos() as u64,
            version: self.version.clone(),
            flows_rate: recent as f64 / 60.0,
            ..Default::default()
        }
    }

    /// Counters for `hubble_flows_processed_total`.
    pub fn processed(&self) -> Vec<((&'static str, &'static str, &'static str), u64)> {
        let g = self.processed.lock().unwrap_or_else(|p| p.into_inner());
        g.iter().map(|(k, v)| (*k, *v)).collect()
    }

    /// Events lost before they reached the ring, by source (the metrics' label values).
    pub fn lost(&self) -> [(&'static str, u64); 2] {
        [
            ("observer_events_queue", self.lost[0].load(Ordering::Relaxed)),
            ("perf_event_ring_buffer", self.lost[1].load(Ordering::Relaxed)),
        ]
    }

    /// The cluster's nodes with their Hubble addresses, as `GetNodes` answers.
    pub fn nodes(&self) -> Vec<Node> {
        (self.nodes)()
    }

    /// This node's entry for `GetNodes`.
    pub fn local_node(&self, address: String, tls: bool) -> Node {
        let st = self.status();
        Node {
            name: self.node_name.clone(),
            version: self.version.clone(),
            address,
            state: super::proto::relay::NodeState::NodeConnected as i32,
            tls: Some(super::proto::observer::Tls { enabled: tls, server_name: String::new() }),
            uptime_ns: st.uptime_ns,
            num_flows: st.num_flows,
            max_flows: st.max_flows,
            seen_flows: st.seen_flows,
        }
    }
}

fn metric_key(et: CiliumEventType, verdict: i32) -> (&'static str, &'static str, &'static str) {
    use super::parse::message_type;
    let (typ, subtype) = match et.r#type {
        message_type::DROP => ("Drop", ""),
        message_type::TRACE => {
            ("Trace", crate::api::monitor::obs_point_name(u8::try_from(et.sub_type).unwrap_or(0)))
        }
        message_type::POLICY_VERDICT => ("PolicyVerdict", ""),
        // The proxy's only kind of record.
        message_type::L7 => ("L7", "HTTP"),
        _ => ("Unknown", ""),
    };
    let verdict = Verdict::try_from(verdict).unwrap_or_default().as_str_name();
    (typ, subtype, verdict)
}

fn lost_response(node: &str, source: LostEventSource, n: u64) -> GetFlowsResponse {
    let now = Timestamp::now();
    GetFlowsResponse {
        response_types: Some(ResponseTypes::LostEvents(LostEvent {
            source: source as i32,
            num_events_lost: n,
            ..Default::default()
        })),
        node_name: node.to_string(),
        time: Some(now),
    }
}

/// The gRPC face of an [`Observer`].
#[derive(Debug, Clone)]
pub struct Service(pub Arc<Observer>);

type Stream_<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Which part of the ring a request wants before following.
struct Selection {
    number: u64,
    first: bool,
    follow: bool,
    since: Option<u64>,
    until: Option<u64>,
}

impl Selection {
    /// A request's selectors; `until` does not apply when following, as upstream.
    fn new(
        number: u64,
        first: bool,
        follow: bool,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    ) -> Result<Self, Status> {
        if first && follow {
            return Err(Status::invalid_argument("first cannot be specified with follow"));
        }
        Ok(Self {
            number,
            first,
            follow,
            since: since.map(|t| t.unix_nanos()),
            until: if follow { None } else { until.map(|t| t.unix_nanos()) },
        })
    }

    fn in_window(&self, t: u64) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u)
    }

    /// Picks the initial events from a snapshot: a window, then the first or last `number`
    /// of those that pass `keep`. Zero means all (unless following, where it means none).
    /// As upstream, `since` sets where reading starts, so with it `number` counts forward.
    fn pick<T: Timed>(&self, items: &[Arc<T>], keep: impl Fn(&T) -> bool) -> Vec<Arc<T>> {
        let ok = |e: &&Arc<T>| self.in_window(e.time_ns()) && keep(e);
        let n = match self.number {
            0 if self.follow && self.since.is_none() => return Vec::new(),
            0 => usize::MAX,
            n => usize::try_from(n).unwrap_or(usize::MAX),
        };
        if self.first || self.since.is_some() {
            items.iter().filter(ok).take(n).cloned().collect()
        } else {
            let mut v: Vec<Arc<T>> = items.iter().rev().filter(ok).take(n).cloned().collect();
            v.reverse();
            v
        }
    }
}

/// Streams `sel` of `ring` into `tx`, then follows it when asked; `keep` filters, `lost` makes
/// the loss notice for a reader that fell behind.
async fn stream_ring<T: Timed + Send + Sync + 'static, R: Send + 'static>(
    ring: &Ring<T>,
    sel: Selection,
    keep: impl Fn(&T) -> bool,
    render: impl Fn(&T) -> R,
    lost: impl Fn(u64) -> Option<R>,
    tx: mpsc::Sender<Result<R, Status>>,
) {
    let mut written = ring.subscribe();
    let (items, end) = ring.snapshot();
    for e in sel.pick(&items, &keep) {
        if tx.send(Ok(render(&e))).await.is_err() {
            return;
        }
    }
    drop(items);
    if !sel.follow {
        return;
    }
    let mut cursor = end;
    loop {
        let read = ring.read(cursor, READ_BATCH);
        if read.lost > 0
            && let Some(r) = lost(read.lost)
            && tx.send(Ok(r)).await.is_err()
        {
            return;
        }
        for e in &read.items {
            if keep(e) && tx.send(Ok(render(e))).await.is_err() {
                return;
            }
        }
        cursor = read.next;
        if read.items.len() == READ_BATCH {
            continue;
        }
        tokio::select! {
            () = tx.closed() => return,
            changed = written.changed() => if changed.is_err() { return },
        }
    }
}

#[tonic::async_trait]
impl observer_server::Observer for Service {
    type GetFlowsStream = Stream_<GetFlowsResponse>;
    type GetAgentEventsStream = Stream_<GetAgentEventsResponse>;
    type GetDebugEventsStream = Stream_<GetDebugEventsResponse>;

    async fn get_flows(
        &self,
        request: Request<GetFlowsRequest>,
    ) -> Result<Response<Self::GetFlowsStream>, Status> {
        let req = request.into_inner();
        let sel = Selection::new(req.number, req.first, req.follow, req.since, req.until)?;
        let filters = FlowFilters::compile(&req.whitelist, &req.blacklist)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let paths = req.field_mask.map(|m| m.paths).unwrap_or_default();
        let mask = crate::hubble::fieldmask::FieldMask::new(&paths)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let (tx, rx) = mpsc::channel(CLIENT_QUEUE);
        let obs = self.0.clone();
        tokio::spawn(async move {
            let node = obs.node_name.clone();
            stream_ring(
                &obs.flows,
                sel,
                // Loss notices pass every filter: a client must know its view has gaps.
                |e: &FlowEntry| e.flow().is_none_or(|f| filters.matches(f)),
                |e: &FlowEntry| {
                    let resp = e.resp();
                    match (&mask, &resp.response_types) {
                        (Some(m), Some(ResponseTypes::Flow(f))) => GetFlowsResponse {
                            response_types: Some(ResponseTypes::Flow(m.apply(f))),
                            node_name: resp.node_name.clone(),
                            time: resp.time,
                        },
                        _ => resp.clone(),
                    }
                },
                |n| Some(lost_response(&node, LostEventSource::HubbleRingBuffer, n)),
                tx,
            )
            .await;
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn get_agent_events(
        &self,
        request: Request<GetAgentEventsRequest>,
    ) -> Result<Response<Self::GetAgentEventsStream>, Status> {
        let req = request.into_inner();
        let sel = Selection::new(req.number, req.first, req.follow, req.since, req.until)?;
        let (tx, rx) = mpsc::channel(CLIENT_QUEUE);
        let obs = self.0.clone();
        tokio::spawn(async move {
            stream_ring(&obs.events, sel, |_| true, |e: &AgentEntry| e.resp.clone(), |_| None, tx)
                .await;
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn get_debug_events(
        &self,
        request: Request<GetDebugEventsRequest>,
    ) -> Result<Response<Self::GetDebugEventsStream>, Status> {
        let req = request.into_inner();
        let sel = Selection::new(req.number, req.first, req.follow, req.since, req.until)?;
        let (tx, rx) = mpsc::channel(CLIENT_QUEUE);
        let obs = self.0.clone();
        tokio::spawn(async move {
            stream_ring(&obs.debug, sel, |_| true, |e: &DebugEntry| e.resp.clone(), |_| None, tx)
                .await;
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn get_nodes(
        &self,
        _request: Request<GetNodesRequest>,
    ) -> Result<Response<GetNodesResponse>, Status> {
        let mut nodes = (self.0.nodes)();
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Response::new(GetNodesResponse { nodes }))
    }

    async fn get_namespaces(
        &self,
        _request: Request<GetNamespacesRequest>,
    ) -> Result<Response<GetNamespacesResponse>, Status> {
        // VMs have no namespaces.
        Ok(Response::new(GetNamespacesResponse::default()))
    }

    async fn server_status(
        &self,
        _request: Request<ServerStatusRequest>,
    ) -> Result<Response<ServerStatusResponse>, Status> {
        Ok(Response::new(self.0.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hubble::proto::flow::{FlowFilter, Ip};
    use crate::hubble::proto::observer::observer_server::Observer as _;
    use tonic::codegen::tokio_stream::StreamExt;

    fn flow(i: u64, verdict: Verdict) -> Flow {
        Flow {
            time: Some(Timestamp::from_unix_nanos(1_000_000_000 * (i + 1))),
            verdict: verdict as i32,
            ip: Some(Ip { source: format!("10.0.0.{i}"), ..Default::default() }),
            ..Default::default()
        }
    }

    fn observer(cap: usize) -> Arc<Observer> {
        Arc::new(Observer::new(cap, "vm1".into(), "0.1.0".into(), Box::new(Vec::new)))
    }

    async fn collect(s: &Service, req: GetFlowsRequest) -> Vec<GetFlowsResponse> {
        let mut stream = s.get_flows(Request::new(req)).await.expect("accepted").into_inner();
        let mut out = Vec::new();
        while let Some(r) = stream.next().await {
            out.push(r.expect("item"));
        }
        out
    }

    fn srcs(v: &[GetFlowsResponse]) -> Vec<String> {
        v.iter()
            .filter_map(|r| match &r.response_types {
                Some(ResponseTypes::Flow(f)) => f.ip.as_ref().map(|i| i.source.clone()),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn lazy_flows_are_built_once_when_first_read_and_counted_when_stored() {
        use crate::hubble::parse::L7_EVENT;
        let o = observer(10);
        let built = Arc::new(AtomicU64::new(0));
        for i in 0..4 {
            let built = built.clone();
            let verdict = if i == 3 { Verdict::Dropped } else { Verdict::Forwarded };
            let f = flow(i, verdict);
            let time = f.time.unwrap_or_default();
            o.push_lazy_flow(
                time,
                L7_EVENT,
                verdict,
                Box::new(move || {
                    built.fetch_add(1, Ordering::Relaxed);
                    Flow { event_type: Some(L7_EVENT), ..f }
                }),
            );
        }
        // Counted and listed without being built.
        assert_eq!(
            o.processed(),
            [(("L7", "HTTP", "DROPPED"), 1), (("L7", "HTTP", "FORWARDED"), 3)]
        );
        assert_eq!(o.status().num_flows, 4);
        assert_eq!(built.load(Ordering::Relaxed), 0);
        let s = Service(o.clone());
        let got = collect(&s, GetFlowsRequest { number: 1, ..Default::default() }).await;
        assert_eq!(srcs(&got), ["10.0.0.3"]);
        assert_eq!(got[0].node_name, "vm1");
        assert_eq!(got[0].time.map(|t| t.unix_nanos()), Some(4_000_000_000));
        assert_eq!(built.load(Ordering::Relaxed), 1);
        // A filter reads every flow; each is built once, whoever reads it.
        let dropped = FlowFilter { verdict: vec![Verdict::Dropped as i32], ..Default::default() };
        for _ in 0..2 {
            let req = GetFlowsRequest { whitelist: vec![dropped.clone()], ..Default::default() };
            assert_eq!(srcs(&collect(&s, req).await), ["10.0.0.3"]);
        }
        assert_eq!(built.load(Ordering::Relaxed), 4);
    }

    #[test]
    fn unbuilt_flows_are_built_together_and_their_makers_let_go() {
        use crate::hubble::parse::L7_EVENT;
        let o = observer(3);
        // What the makers share (the view of the agent's state, in the agent).
        let view = Arc::new(());
        let mut unbuilt = Unbuilt::new(o.capacity());
        let built = Arc::new(AtomicU64::new(0));
        for i in 0..5 {
            let (built, view) = (built.clone(), view.clone());
            let f = flow(i, Verdict::Forwarded);
            let make: MakeFlow = Box::new(move || {
                let _view = view;
                built.fetch_add(1, Ordering::Relaxed);
                f
            });
            unbuilt.push(o.push_lazy_flow(Timestamp::now(), L7_EVENT, Verdict::Forwarded, make));
        }
        // Two were overwritten (their makers dropped unbuilt); three hold the view.
        assert_eq!(Arc::strong_count(&view), 4);
        unbuilt.build_all();
        assert_eq!(built.load(Ordering::Relaxed), 3);
        assert_eq!(Arc::strong_count(&view), 1, "nothing holds the view any more");
        let (items, _) = o.flows.snapshot();
        let srcs: Vec<String> = items
            .iter()
            .filter_map(|e| e.flow().and_then(|f| f.ip.as_ref()).map(|i| i.source.clone()))
            .collect();
        assert_eq!(srcs, ["10.0.0.2", "10.0.0.3", "10.0.0.4"]);
        assert_eq!(built.load(Ordering::Relaxed), 3, "built once");
    }

    #[tokio::test]
    async fn last_first_and_filters() {
        let o = observer(10);
        for i in 0..6 {
            o.push_flow(flow(i, if i % 2 == 0 { Verdict::Forwarded } else { Verdict::Dropped }));
        }
        let s = Service(o.clone());
        let got = collect(&s, GetFlowsRequest { number: 2, ..Default::default() }).await;
        assert_eq!(srcs(&got), ["10.0.0.4", "10.0.0.5"]);
        let got =
            collect(&s, GetFlowsRequest { number: 2, first: true, ..Default::default() }).await;
        assert_eq!(srcs(&got), ["10.0.0.0", "10.0.0.1"]);
        let dropped = FlowFilter { verdict: vec![Verdict::Dropped as i32], ..Default::default() };
        let got = collect(
            &s,
            GetFlowsRequest { number: 2, whitelist: vec![dropped.clone()], ..Default::default() },
        )
        .await;
        assert_eq!(srcs(&got), ["10.0.0.3", "10.0.0.5"]);
        let got =
            collect(&s, GetFlowsRequest { blacklist: vec![dropped], ..Default::default() }).await;
        assert_eq!(srcs(&got), ["10.0.0.0", "10.0.0.2", "10.0.0.4"]);
        let got = collect(
            &s,
            GetFlowsRequest {
                since: Some(Timestamp::from_unix_nanos(2_000_000_000)),
                until: Some(Timestamp::from_unix_nanos(3_000_000_000)),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(srcs(&got), ["10.0.0.1", "10.0.0.2"]);
        // `since` is where reading starts: a count takes the first ones after it.
        let got = collect(
            &s,
            GetFlowsRequest {
                number: 2,
                since: Some(Timestamp::from_unix_nanos(2_000_000_000)),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(srcs(&got), ["10.0.0.1", "10.0.0.2"]);
        let st = o.status();
        assert_eq!((st.num_flows, st.max_flows, st.seen_flows), (6, 10, 6));
    }

    #[tokio::test]
    async fn invalid_requests_are_refused() {
        let s = Service(observer(4));
        let err = s
            .get_flows(Request::new(GetFlowsRequest {
                first: true,
                follow: true,
                ..Default::default()
            }))
            .await
            .err()
            .expect("refused");
        assert_eq!(err.code(), tonic::Code::InvalidArgument);
        let bad = FlowFilter { source_ip: vec!["x".into()], ..Default::default() };
        let err = s
            .get_flows(Request::new(GetFlowsRequest { whitelist: vec![bad], ..Default::default() }))
            .await
            .err()
            .expect("refused");
        assert_eq!(err.code(), tonic::Code::InvalidArgument);
    }

    #[tokio::test]
    async fn follow_streams_new_flows_and_reports_what_a_slow_client_lost() {
        let o = observer(4);
        let s = Service(o.clone());
        o.push_flow(flow(1, Verdict::Forwarded));
        let req = GetFlowsRequest { follow: true, number: 1, ..Default::default() };
        let mut stream = s.get_flows(Request::new(req)).await.expect("accepted").into_inner();
        let first = stream.next().await.expect("item").expect("ok");
        assert_eq!(srcs(&[first]), ["10.0.0.1"]);
        // Far more than the ring holds, while the client is not reading.
        for i in 0..(CLIENT_QUEUE as u64 + 50) {
            o.push_flow(flow(i, Verdict::Forwarded));
        }
        let mut lost = 0;
        let mut flows = 0;
        while flows + lost < CLIENT_QUEUE as u64 + 50 {
            match stream.next().await.expect("item").expect("ok").response_types {
                Some(ResponseTypes::LostEvents(l)) => {
                    assert_eq!(l.source, LostEventSource::HubbleRingBuffer as i32);
                    lost += l.num_events_lost;
                }
                Some(ResponseTypes::Flow(_)) => flows += 1,
                _ => {}
            }
        }
        assert!(lost > 0, "the ring overwrote flows the client had not read");
    }
}
