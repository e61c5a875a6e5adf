//! The agent's small HTTP/1.1 servers (metrics, the flow map page): bounded connections, a
//! deadline for headers and for a connection's life, an optional check of the client's
//! address, and optional TLS, so that no client can hold the agent's descriptors or reach a
//! page more openly than configured.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};

/// Connections served at once; more are closed at once.
pub const MAX_CONNECTIONS: usize = 64;
/// Time a client has to send a request's headers, also between requests of a connection.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest life of one connection.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(300);

/// A response.
pub type Reply = Response<Full<Bytes>>;

/// Answers one request.
pub type Handler =
    Arc<dyn Fn(Request<Incoming>) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync>;

/// Who may connect, by address; `None` lets everyone.
pub type Gate = Option<Arc<dyn Fn(IpAddr) -> bool + Send + Sync>>;

/// A plain response with a status and a body.
pub fn text(status: hyper::StatusCode, content_type: &str, body: impl Into<Bytes>) -> Reply {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = hyper::header::HeaderValue::from_str(content_type) {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

/// IPv4 peers on a dual-stack socket arrive as `::ffff:a.b.c.d`.
pub fn canonical(peer: SocketAddr) -> IpAddr {
    match peer.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        ip => ip,
    }
}

/// Serves `handler` on `listener` until the task is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    handler: Handler,
    gate: Gate,
    tls: Option<tokio_rustls::TlsAcceptor>,
    what: &'static str,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut last_warned: Option<std::time::Instant> = None;
    loop {
        let (stream, peer) = accept(&listener, what).await;
        if let Some(gate) = &gate
            && !gate(canonical(peer))
        {
            if last_warned.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                last_warned = Some(std::time::Instant::now());
                tracing::warn!(%peer, "refused a {what} connection: only the other cluster nodes may connect (hubble.tcpClients)");
            }
            continue;
        }
        let Ok(slot) = slots.clone().try_acquire_owned() else { continue };
        let handler = handler.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let handler = handler.clone();
                async move { Ok::<_, std::convert::Infallible>(handler(req).await) }
            });
            let builder = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .clone();
            let life = async {
                match tls {
                    Some(acceptor) => {
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await
                        else {
                            return;
                        };
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let _ = builder.serve_connection(io, service).await;
                    }
                    None => {
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let _ = builder.serve_connection(io, service).await;
                    }
                }
            };
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, life).await;
            drop(slot);
        });
    }
}

/// A TLS acceptor from PEM files: the server's certificate and key, and client CAs (non-empty:
/// clients must present a certificate they sign).
pub fn tls_acceptor(
    cert: &std::path::Path,
    key: &std::path::Path,
    client_cas: &[std::path::PathBuf],
) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|i| i.collect::<Result<_, _>>())
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = if client_cas.is_empty() {
        builder.with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        for ca in client_cas {
            for c in
                CertificateDer::pem_file_iter(ca).map_err(|e| format!("{}: {e}", ca.display()))?
            {
                let c = c.map_err(|e| format!("{}: {e}", ca.display()))?;
                roots.add(c).map_err(|e| format!("{}: {e}", ca.display()))?;
            }
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| e.to_string())?;
        builder.with_client_cert_verifier(verifier)
    };
    let config = builder.with_single_cert(certs, key).map_err(|e| e.to_string())?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The next connection on `listener`. Errors (out of file descriptors and the like) are waited
/// out with a back-off from 10 ms to 1 s, never spun on.
pub async fn accept(
    listener: &tokio::net::TcpListener,
    what: &str,
) -> (tokio::net::TcpStream, std::net::SocketAddr) {
    let mut backoff = Duration::from_millis(10);
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(e) => {
                tracing::debug!(error = %e, "accepting a {what} connection");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
            }
        }
    }
}
