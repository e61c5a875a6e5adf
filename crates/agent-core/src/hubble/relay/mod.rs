//! Hubble Relay, built into the agent: the Observer API for the whole cluster.
//!
//! The relay follows the Peer service ([`pool`]), asks every node that answers the client's
//! own request ([`backend`]), and merges what comes back in time order ([`merge`]). Filters,
//! field masks and windows are the nodes' work, so they hold across the fleet exactly as on one
//! node; `--last N` is per node, as upstream's relay. Before any flow the client hears which
//! nodes it will get flows from (`NODE_CONNECTED`) and which it will not (`NODE_UNAVAILABLE`),
//! and a node failing on the way becomes a `NODE_ERROR`; when following, nodes that come up
//! later join the stream.

pub mod backend;
pub mod merge;
pub mod pool;

#[cfg(test)]
mod fake;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tonic::codegen::tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use self::pool::{Member, PeerFeed, PeerStream, Pool};
use super::filter::FlowFilters;
use super::peer::PeerService;
use super::proto::observer::{
    GetAgentEventsRequest, GetAgentEventsResponse, GetDebugEventsRequest, GetDebugEventsResponse,
    GetFlowsRequest, GetFlowsResponse, GetNamespacesRequest, GetNamespacesResponse,
    GetNodesRequest, GetNodesResponse, Namespace, Node, ServerStatusRequest, ServerStatusResponse,
    Tls, observer_server,
};
use super::proto::peer::NotifyRequest;
use super::proto::peer::peer_server::Peer as _;
use super::proto::relay::NodeState;

/// How often a following request looks for nodes that came up since (upstream: 2 s).
const PEER_UPDATE: Duration = Duration::from_secs(2);
/// Responses that may wait for a slow client.
const CLIENT_QUEUE: usize = 256;
/// Unavailable nodes named in `ServerStatus`, as upstream (not all of a large outage).
const UNAVAILABLE_REPORTED: usize = 10;

/// The relay's tuning; upstream's defaults.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Largest sort buffer.
    pub sort_buffer: usize,
    /// Drain window of the sort buffer.
    pub drain: Duration,
    /// Window in which equal node errors are merged.
    pub error_window: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sort_buffer: merge::SORT_BUFFER,
            drain: merge::DRAIN,
            error_window: merge::ERROR_WINDOW,
        }
    }
}

/// The relay: a pool of nodes and the Observer service over them.
#[derive(Clone)]
pub struct Relay {
    pool: Arc<Pool>,
    /// The relay's own node name, on its node status events.
    name: String,
    version: String,
    options: Options,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay").field("name", &self.name).finish_non_exhaustive()
    }
}

/// The agent's own Peer service as a feed, in process.
#[derive(Debug)]
pub struct LocalPeers(pub PeerService);

#[tonic::async_trait]
impl PeerFeed for LocalPeers {
    async fn subscribe(&self) -> Result<PeerStream, Status> {
        Ok(self.0.notify(Request::new(NotifyRequest {})).await?.into_inner())
    }
}

impl Relay {
    /// A relay over `pool`, answering as `name`.
    pub fn new(pool: Arc<Pool>, name: String, version: String, options: Options) -> Self {
        Self { pool, name, version, options }
    }

    /// Starts following `feed`; the task ends when the relay is dropped.
    pub fn follow(&self, feed: Arc<dyn PeerFeed>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.pool.clone().follow(feed))
    }

    /// Nodes answering and not, as `(name, reason)` for the latter.
    pub fn members(&self) -> Vec<Member> {
        self.pool.list()
    }
}

/// The flows of one request: which nodes are being read, and where their responses go.
struct Collection {
    req: GetFlowsRequest,
    pool: Arc<Pool>,
    relay: String,
    reading: Mutex<BTreeSet<String>>,
    tx: mpsc::Sender<GetFlowsResponse>,
}

impl Collection {
    /// Starts reading every answering node not read yet; returns the names of those read and
    /// those that do not answer.
    fn collect(self: &Arc<Self>, members: Vec<Member>) -> (Vec<String>, Vec<String>) {
        let (mut connected, mut unavailable) = (Vec::new(), Vec::new());
        let mut reading = self.reading.lock().unwrap_or_else(|p| p.into_inner());
        for m in members {
            if reading.contains(&m.name) {
                connected.push(m.name);
                continue;
            }
            let Ok(backend) = m.state else {
                unavailable.push(m.name);
                continue;
            };
            reading.insert(m.name.clone());
            connected.push(m.name.clone());
            let me = self.clone();
            tokio::spawn(async move {
                let name = m.name;
                if let Err(e) = me.read(&*backend).await {
                    tracing::warn!(node = %name, error = %e.message(), "Hubble Relay: reading flows from a node failed");
                    me.pool.failed(&name, e.message());
                    me.reading.lock().unwrap_or_else(|p| p.into_inner()).remove(&name);
                    let status = merge::node_status(
                        &me.relay,
                        NodeState::NodeError,
                        vec![name],
                        e.message().to_string(),
                    );
                    let _ = me.tx.send(status).await;
                }
            });
        }
        (connected, unavailable)
    }

    /// Forwards one node's flows until it ends, fails, or the client leaves.
    async fn read(&self, backend: &dyn backend::Backend) -> Result<(), Status> {
        let mut stream = backend.get_flows(self.req.clone()).await?;
        loop {
            let next = tokio::select! {
                n = stream.next() => n,
                () = self.tx.closed() => return Ok(()),
            };
            match next {
                Some(Ok(r)) => {
                    if self.tx.send(r).await.is_err() {
                        return Ok(());
                    }
                }
                Some(Err(e)) if e.code() == tonic::Code::Cancelled => return Ok(()),
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            }
        }
    }
}

type Stream_<T> = std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl observer_server::Observer for Relay {
    type GetFlowsStream = Stream_<GetFlowsResponse>;
    type GetAgentEventsStream = Stream_<GetAgentEventsResponse>;
    type GetDebugEventsStream = Stream_<GetDebugEventsResponse>;

    async fn get_flows(
        &self,
        request: Request<GetFlowsRequest>,
    ) -> Result<Response<Self::GetFlowsStream>, Status> {
        let req = request.into_inner();
        // Refused here once rather than as an error from every node.
        if req.first && req.follow {
            return Err(Status::invalid_argument("first cannot be specified with follow"));
        }
        FlowFilters::compile(&req.whitelist, &req.blacklist)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let members = self.pool.list();
        let follow = req.follow;
        let wanted = req.number.saturating_mul(members.len() as u64);
        let qlen = match usize::try_from(wanted) {
            Ok(n) if n > 0 && n < self.options.sort_buffer => n,
            _ => self.options.sort_buffer,
        };
        let (tx, rx) = mpsc::channel(qlen);
        let (out_tx, out_rx) = mpsc::channel(CLIENT_QUEUE.max(qlen));
        let collection = Arc::new(Collection {
            req,
            pool: self.pool.clone(),
            relay: self.name.clone(),
            reading: Mutex::new(BTreeSet::new()),
            tx,
        });
        let (connected, unavailable) = collection.collect(members);
        // What the client will and will not hear from, before anything else.
        for (state, names) in
            [(NodeState::NodeConnected, connected), (NodeState::NodeUnavailable, unavailable)]
        {
            if !names.is_empty() {
                let status = merge::node_status(&self.name, state, names, String::new());
                let _ = out_tx.try_send(status);
            }
        }
        if follow {
            let c = collection.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        () = tokio::time::sleep(PEER_UPDATE) => {}
                        () = c.tx.closed() => return,
                    }
                    let members = c.pool.list();
                    c.collect(members);
                }
            });
        }
        // Without following, the stream ends once every node's reader has.
        drop(collection);
        let o = self.options;
        tokio::spawn(merge::run(rx, out_tx, qlen, o.drain, o.error_window));
        Ok(Response::new(Box::pin(ReceiverStream::new(out_rx).map(Ok))))
    }

    async fn get_agent_events(
        &self,
        _request: Request<GetAgentEventsRequest>,
    ) -> Result<Response<Self::GetAgentEventsStream>, Status> {
        // As upstream's relay: agent events are each node's own (ask the node).
        Err(Status::unimplemented("GetAgentEvents not yet implemented"))
    }

    async fn get_debug_events(
        &self,
        _request: Request<GetDebugEventsRequest>,
    ) -> Result<Response<Self::GetDebugEventsStream>, Status> {
        // Likewise: a node's datapath messages are asked of that node.
        Err(Status::unimplemented("GetDebugEvents not yet implemented"))
    }

    async fn get_nodes(
        &self,
        _request: Request<GetNodesRequest>,
    ) -> Result<Response<GetNodesResponse>, Status> {
        let nodes =
            futures_util::future::join_all(self.pool.list().into_iter().map(|m| async move {
                let mut n = Node {
                    name: m.name,
                    address: m.address,
                    tls: Some(Tls {
                        enabled: m.server_name.is_some(),
                        server_name: m.server_name.unwrap_or_default(),
                    }),
                    state: NodeState::NodeUnavailable as i32,
                    ..Default::default()
                };
                if let Ok(backend) = m.state {
                    match backend.server_status().await {
                        Ok(st) => {
                            n.state = NodeState::NodeConnected as i32;
                            n.version = st.version;
                            n.uptime_ns = st.uptime_ns;
                            n.num_flows = st.num_flows;
                            n.max_flows = st.max_flows;
                            n.seen_flows = st.seen_flows;
                        }
                        Err(_) => n.state = NodeState::NodeError as i32,
                    }
                }
                n
            }))
            .await;
        Ok(Response::new(GetNodesResponse { nodes }))
    }

    async fn get_namespaces(
        &self,
        _request: Request<GetNamespacesRequest>,
    ) -> Result<Response<GetNamespacesResponse>, Status> {
        let answers = futures_util::future::join_all(
            self.pool.list().into_iter().filter_map(|m| m.state.ok()).map(|b| async move {
                b.get_namespaces().await.map(|r| r.namespaces).unwrap_or_default()
            }),
        )
        .await;
        let set: BTreeSet<(String, String)> =
            answers.into_iter().flatten().map(|n| (n.cluster, n.namespace)).collect();
        let namespaces =
            set.into_iter().map(|(cluster, namespace)| Namespace { cluster, namespace }).collect();
        Ok(Response::new(GetNamespacesResponse { namespaces }))
    }

    async fn server_status(
        &self,
        _request: Request<ServerStatusRequest>,
    ) -> Result<Response<ServerStatusResponse>, Status> {
        let members = self.pool.list();
        let total = members.len();
        let answers = futures_util::future::join_all(members.into_iter().map(|m| async move {
            match m.state {
                Ok(b) => b.server_status().await.map_err(|_| m.name),
                Err(_) => Err(m.name),
            }
        }))
        .await;
        let mut resp = ServerStatusResponse { version: self.version.clone(), ..Default::default() };
        let mut unavailable = Vec::new();
        for a in answers {
            match a {
                Ok(st) => {
                    resp.max_flows += st.max_flows;
                    resp.num_flows += st.num_flows;
                    resp.seen_flows += st.seen_flows;
                    // The oldest node's uptime: a sum would mean nothing.
                    resp.uptime_ns = resp.uptime_ns.max(st.uptime_ns);
                    resp.flows_rate += st.flows_rate;
                }
                Err(name) => unavailable.push(name),
            }
        }
        let down = unavailable.len();
        resp.num_connected_nodes = Some(pbjson_types::UInt32Value { value: (total - down) as u32 });
        resp.num_unavailable_nodes = Some(pbjson_types::UInt32Value { value: down as u32 });
        unavailable.truncate(UNAVAILABLE_REPORTED);
        resp.unavailable_nodes = unavailable;
        Ok(Response::new(resp))
    }
}

#[cfg(test)]
mod tests;
