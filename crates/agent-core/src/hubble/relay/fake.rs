//! Nodes for the relay's tests: observers in process, and nodes that never answer.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tonic::Status;

use super::backend::{Backend, DialError, Dialer, FlowStream, Local};
use super::pool::{PeerFeed, PeerStream};
use crate::hubble::observer::{Observer, Service};
use crate::hubble::proto::observer::{
    GetFlowsRequest, GetNamespacesResponse, ServerStatusResponse,
};
use crate::hubble::proto::peer::{ChangeNotification, ChangeNotificationType};

/// Nodes by name; a name without an observer is a node that is down.
#[derive(Debug, Clone, Default)]
pub struct FakeDialer {
    nodes: Arc<Mutex<BTreeMap<String, Arc<Observer>>>>,
}

impl FakeDialer {
    /// Adds a node that answers, and returns its observer.
    pub fn node(&self, name: &str) -> Arc<Observer> {
        let obs = Arc::new(Observer::new(64, name.into(), "1.0.0".into(), Box::new(Vec::new)));
        self.nodes.lock().unwrap_or_else(|p| p.into_inner()).insert(name.into(), obs.clone());
        obs
    }

    /// Takes a node down: calls to it fail from now on.
    pub fn stop(&self, name: &str) {
        self.nodes.lock().unwrap_or_else(|p| p.into_inner()).remove(name);
    }
}

/// A node answering for as long as the dialer has it.
#[derive(Debug)]
struct Switchable {
    name: String,
    nodes: Arc<Mutex<BTreeMap<String, Arc<Observer>>>>,
}

impl Switchable {
    fn get(&self) -> Result<Local, Status> {
        let nodes = self.nodes.lock().unwrap_or_else(|p| p.into_inner());
        nodes
            .get(&self.name)
            .map(|o| Local(Service(o.clone())))
            .ok_or_else(|| Status::unavailable("connection refused"))
    }
}

#[tonic::async_trait]
impl Backend for Switchable {
    async fn get_flows(&self, req: GetFlowsRequest) -> Result<FlowStream, Status> {
        self.get()?.get_flows(req).await
    }
    async fn server_status(&self) -> Result<ServerStatusResponse, Status> {
        self.get()?.server_status().await
    }
    async fn get_namespaces(&self) -> Result<GetNamespacesResponse, Status> {
        self.get()?.get_namespaces().await
    }
}

impl Dialer for FakeDialer {
    fn dial(
        &self,
        name: &str,
        _address: &str,
        _server_name: Option<&str>,
    ) -> Result<Arc<dyn Backend>, DialError> {
        Ok(Arc::new(Switchable { name: name.into(), nodes: self.nodes.clone() }))
    }
}

/// A Peer service whose notifications the test sends.
pub struct FakeFeed(pub Mutex<Option<PeerStream>>);

#[tonic::async_trait]
impl PeerFeed for FakeFeed {
    async fn subscribe(&self) -> Result<PeerStream, Status> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| Status::unavailable("subscribed once"))
    }
}

/// A notification.
pub fn notification(name: &str, address: &str, kind: ChangeNotificationType) -> ChangeNotification {
    ChangeNotification {
        name: name.into(),
        address: address.into(),
        r#type: kind as i32,
        tls: None,
    }
}

/// Waits (up to 10 s) for `cond`.
pub async fn eventually(cond: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "condition not met in 10 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
