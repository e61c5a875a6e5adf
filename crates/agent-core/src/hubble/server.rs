//! The Hubble listeners (the Observer and Peer services, or the Relay's Observer): the local
//! unix socket (plaintext, file permissions guard it) and
//! the TCP port, with TLS or mutual TLS when certificates are configured. Without TLS the TCP
//! listener accepts only loopback and the cluster's nodes, so flow metadata never reaches the
//! open network by default.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::{TcpListener, UnixListener};
use tonic::codegen::http::{self, HeaderValue};
use tonic::transport::server::Router;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};

use super::observer::{Observer, Service};
use super::peer::PeerService;
use super::proto::observer::observer_server::ObserverServer;
use super::proto::peer::peer_server::PeerServer;
use super::relay::Relay;

/// The service name clients check with the standard gRPC health service (the relay's too:
/// upstream's CLI asks every server for this one).
pub const HEALTH_SERVICE: &str = "hubble.server.Observer";

type VersionLayer = tower::util::MapResponseLayer<fn(Reply) -> Reply>;

/// Why a listener could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A certificate, key or CA file could not be read.
    #[error("reading {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The transport refused the TLS material or failed.
    #[error("Hubble gRPC server: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Certificate files for the TCP listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// Server certificate (PEM).
    pub cert: PathBuf,
    /// Its key (PEM).
    pub key: PathBuf,
    /// CAs of accepted client certificates; non-empty means mutual TLS.
    pub client_cas: Vec<PathBuf>,
}

fn read(path: &Path) -> Result<Vec<u8>, ServerError> {
    std::fs::read(path).map_err(|source| ServerError::Read { path: path.to_path_buf(), source })
}

/// Builds the TLS configuration from files.
pub fn tls_config(files: &TlsFiles) -> Result<ServerTlsConfig, ServerError> {
    let identity = Identity::from_pem(read(&files.cert)?, read(&files.key)?);
    let mut cfg = ServerTlsConfig::new().identity(identity);
    if !files.client_cas.is_empty() {
        let mut pem = Vec::new();
        for ca in &files.client_cas {
            pem.extend(read(ca)?);
            pem.push(b'\n');
        }
        cfg = cfg.client_ca_root(Certificate::from_pem(pem));
    }
    Ok(cfg)
}

/// What a listener serves: a node's own Observer and Peer services, or the Relay's Observer
/// over the whole cluster.
#[derive(Debug, Clone)]
pub enum Services {
    /// This node.
    Node(Arc<Observer>),
    /// The cluster, through the relay.
    Relay(Relay),
}

type Reply = http::Response<tonic::body::Body>;

/// Every reply says what answered, as upstream's servers do (the CLI shows it in errors and
/// `hubble status`).
fn with_header(mut resp: Reply, name: &'static str) -> Reply {
    resp.headers_mut().insert(name, HeaderValue::from_static(env!("CARGO_PKG_VERSION")));
    resp
}

fn node_version(resp: Reply) -> Reply {
    with_header(resp, "hubble-server-version")
}

fn relay_version(resp: Reply) -> Reply {
    with_header(resp, "hubble-relay-version")
}

async fn router(
    services: Services,
    builder: Server,
) -> Router<tower::layer::util::Stack<VersionLayer, tower::layer::util::Identity>> {
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter.set_service_status(HEALTH_SERVICE, tonic_health::ServingStatus::Serving).await;
    reporter.set_service_status("", tonic_health::ServingStatus::Serving).await;
    let stamp: fn(Reply) -> Reply = match services {
        Services::Node(_) => node_version,
        Services::Relay(_) => relay_version,
    };
    let mut builder = builder.layer(tower::util::MapResponseLayer::new(stamp));
    let router = builder.add_service(health);
    match services {
        Services::Node(obs) => router
            .add_service(PeerServer::new(PeerService(obs.clone())))
            .add_service(ObserverServer::new(Service(obs))),
        Services::Relay(relay) => router.add_service(ObserverServer::new(relay)),
    }
}

/// Serves on the unix socket until `shutdown`.
pub async fn serve_unix(
    services: Services,
    listener: UnixListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    let incoming = futures_util::stream::unfold(listener, |l| async move {
        let r = l.accept().await.map(|(s, _)| s);
        Some((r, l))
    });
    let router = router(services, Server::builder()).await;
    router.serve_with_incoming_shutdown(incoming, shutdown).await?;
    Ok(())
}

/// Who may connect to a plaintext TCP listener.
pub type PeerCheck = Arc<dyn Fn(IpAddr) -> bool + Send + Sync>;

/// Serves on TCP until `shutdown`, to the peers `allowed` accepts (everyone without a check;
/// `tls` then decides, with client certificates when it has client CAs).
pub async fn serve_tcp(
    services: Services,
    listener: TcpListener,
    tls: Option<ServerTlsConfig>,
    allowed: Option<PeerCheck>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    let incoming = futures_util::stream::unfold(
        (listener, allowed, None::<std::time::Instant>),
        move |(l, allowed, mut last_warned)| async move {
            let mut backoff = std::time::Duration::from_millis(10);
            loop {
                match l.accept().await {
                    Ok((s, peer)) if allowed.as_ref().is_none_or(|a| a(canonical(peer))) => {
                        // Flows stream in small messages; do not hold them back.
                        let _ = s.set_nodelay(true);
                        return Some((Ok::<_, std::io::Error>(s), (l, allowed, last_warned)));
                    }
                    Ok((_, peer)) => {
                        if last_warned
                            .is_none_or(|t| t.elapsed() > std::time::Duration::from_secs(10))
                        {
                            last_warned = Some(std::time::Instant::now());
                            tracing::warn!(%peer, "refused a Hubble connection: only the other cluster nodes may connect (hubble.tcpClients)");
                        }
                    }
                    // Out of file descriptors and the like: wait, do not spin.
                    Err(e) => {
                        tracing::debug!(error = %e, "accepting a Hubble connection");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(std::time::Duration::from_secs(1));
                    }
                }
            }
        },
    );
    let mut builder = Server::builder();
    if let Some(tls) = tls {
        builder = builder.tls_config(tls)?;
    }
    let router = router(services, builder).await;
    router.serve_with_incoming_shutdown(incoming, shutdown).await?;
    Ok(())
}

/// IPv4 peers on a dual-stack socket arrive as `::ffff:a.b.c.d`.
fn canonical(peer: SocketAddr) -> IpAddr {
    match peer.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        ip => ip,
    }
}
