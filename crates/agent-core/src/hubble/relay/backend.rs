//! The relay's view of one node's Hubble server: the calls it makes, over gRPC to another node
//! or in process to this one. The in-process kind is also what tests use in place of a
//! network.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::{Request, Status};

use crate::hubble::observer::Service;
use crate::hubble::proto::observer::ServerStatusResponse;
use crate::hubble::proto::observer::observer_client::ObserverClient;
use crate::hubble::proto::observer::observer_server::Observer as _;
use crate::hubble::proto::observer::{GetFlowsRequest, GetFlowsResponse, ServerStatusRequest};
use crate::hubble::proto::observer::{GetNamespacesRequest, GetNamespacesResponse};

/// A node's flows as they arrive.
pub type FlowStream = Pin<Box<dyn Stream<Item = Result<GetFlowsResponse, Status>> + Send>>;

/// One node's Hubble server.
#[tonic::async_trait]
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// `GetFlows`, as the client asked it.
    async fn get_flows(&self, req: GetFlowsRequest) -> Result<FlowStream, Status>;
    /// `ServerStatus`: also how the relay learns that a node answers.
    async fn server_status(&self) -> Result<ServerStatusResponse, Status>;
    /// `GetNamespaces`.
    async fn get_namespaces(&self) -> Result<GetNamespacesResponse, Status>;
}

/// This node's observer, without a socket in between.
#[derive(Debug)]
pub struct Local(pub Service);

#[tonic::async_trait]
impl Backend for Local {
    async fn get_flows(&self, req: GetFlowsRequest) -> Result<FlowStream, Status> {
        let s = self.0.get_flows(Request::new(req)).await?.into_inner();
        Ok(Box::pin(s))
    }

    async fn server_status(&self) -> Result<ServerStatusResponse, Status> {
        Ok(self.0.server_status(Request::new(ServerStatusRequest {})).await?.into_inner())
    }

    async fn get_namespaces(&self) -> Result<GetNamespacesResponse, Status> {
        Ok(self.0.get_namespaces(Request::new(GetNamespacesRequest {})).await?.into_inner())
    }
}

/// Another node's Hubble TCP listener.
#[derive(Debug)]
pub struct Remote {
    client: ObserverClient<Channel>,
}

/// How the relay authenticates to the nodes and checks them, when their listeners use TLS.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    /// CA certificates (PEM) that sign the nodes' Hubble certificates.
    pub server_cas: Vec<u8>,
    /// The relay's client certificate and key (PEM), for nodes that require mutual TLS.
    pub identity: Option<(Vec<u8>, Vec<u8>)>,
}

/// Why a node cannot be dialled at all.
#[derive(Debug, thiserror::Error)]
pub enum DialError {
    /// The address is no `host:port`.
    #[error("invalid address {0:?}")]
    Address(String),
    /// The node's listener uses TLS and the relay has no CA for it.
    #[error("{0} uses TLS but hubble.relay.tls.serverCAFiles is not set")]
    NoCa(String),
    /// The transport refused the settings.
    #[error("{0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Gives up connecting (and each status check) after this; upstream's relay waits 5 s to
/// 30 s depending on the version, but a node that does not answer within 5 s is not one to
/// wait for.
pub const DIAL_TIMEOUT: Duration = Duration::from_secs(5);

impl Remote {
    /// A lazy connection to `address` (`ip:port`), with TLS checked against `server_name`
    /// when the node announced one. Nothing is sent until the first call.
    pub fn new(
        address: &str,
        server_name: Option<&str>,
        tls: &ClientTls,
    ) -> Result<Self, DialError> {
        let addr: std::net::SocketAddr =
            address.parse().map_err(|_| DialError::Address(address.to_string()))?;
        let scheme = if server_name.is_some() { "https" } else { "http" };
        let mut ep = Endpoint::from_shared(format!("{scheme}://{addr}"))?
            .connect_timeout(DIAL_TIMEOUT)
            .tcp_nodelay(true)
            .http2_keep_alive_interval(Duration::from_secs(30))
            .keep_alive_timeout(Duration::from_secs(10));
        if let Some(name) = server_name {
            if tls.server_cas.is_empty() {
                return Err(DialError::NoCa(address.to_string()));
            }
            let mut cfg = ClientTlsConfig::new()
                .domain_name(name)
                .ca_certificate(Certificate::from_pem(&tls.server_cas));
            if let Some((cert, key)) = &tls.identity {
                cfg = cfg.identity(Identity::from_pem(cert, key));
            }
            ep = ep.tls_config(cfg)?;
        }
        Ok(Self { client: ObserverClient::new(ep.connect_lazy()) })
    }
}

#[tonic::async_trait]
impl Backend for Remote {
    async fn get_flows(&self, req: GetFlowsRequest) -> Result<FlowStream, Status> {
        let s = self.client.clone().get_flows(req).await?.into_inner();
        Ok(Box::pin(s))
    }

    async fn server_status(&self) -> Result<ServerStatusResponse, Status> {
        let mut req = Request::new(ServerStatusRequest {});
        req.set_timeout(DIAL_TIMEOUT);
        Ok(self.client.clone().server_status(req).await?.into_inner())
    }

    async fn get_namespaces(&self) -> Result<GetNamespacesResponse, Status> {
        let mut req = Request::new(GetNamespacesRequest {});
        req.set_timeout(DIAL_TIMEOUT);
        Ok(self.client.clone().get_namespaces(req).await?.into_inner())
    }
}

/// Makes the backend of a node.
pub trait Dialer: Send + Sync + std::fmt::Debug {
    /// The backend for the node `name` at `address`; `server_name` when it uses TLS.
    fn dial(
        &self,
        name: &str,
        address: &str,
        server_name: Option<&str>,
    ) -> Result<Arc<dyn Backend>, DialError>;
}

/// The agent's dialer: this node in process, the others over TCP.
#[derive(Debug)]
pub struct AgentDialer {
    /// This node's Hubble name (`<cluster>/<node>`).
    pub local_name: String,
    /// This node's observer.
    pub local: Service,
    /// TLS towards the other nodes.
    pub tls: ClientTls,
}

impl Dialer for AgentDialer {
    fn dial(
        &self,
        name: &str,
        address: &str,
        server_name: Option<&str>,
    ) -> Result<Arc<dyn Backend>, DialError> {
        if name == self.local_name {
            return Ok(Arc::new(Local(self.local.clone())));
        }
        Ok(Arc::new(Remote::new(address, server_name, &self.tls)?))
    }
}
