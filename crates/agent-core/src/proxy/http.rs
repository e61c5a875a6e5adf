//! HTTP/1.1 on the proxy's listener: hyper on both sides, one upstream connection per client
//! connection (HTTP/1.1 has one request in flight), keep-alive kept across denied requests.
//!
//! The upstream connection has no task of its own: the client's task drives it, while a
//! request waits for its answer and while the answer's body is read. A hop between tasks
//! per message (hyper's client dispatches through channels to a spawned connection) cost
//! more than anything else the proxy does per request.

use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};

use super::{Env, Headers, L7Kind, L7Record, L7Verdict, Redirected, RequestView, Stats};
use crate::policy::resolve::EGRESS;

/// The application's body, or the proxy's own answer (no allocation per response, as a boxed
/// body would take).
type Body = Either<Relay, Full<Bytes>>;

/// Client connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 8192;
/// A client must send a request's headers within this time.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// Read buffer, and so the largest request head accepted (hyper's minimum is 8 KiB).
const MAX_HEAD: usize = 64 * 1024;
/// The body of a denied request read (and thrown away) so the connection stays usable; a
/// larger one closes it.
const MAX_DRAIN: usize = 1 << 20;
/// Connecting to the application.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Envoy's body for a request the policy denies.
const ACCESS_DENIED: &str = "Access denied\r\n";

/// Never returns: sleeps in turns shorter than [`HEADER_TIMEOUT`].
///
/// tokio wakes its runtime's driver (a system call) whenever a timer is set to fire before
/// the driver's next planned wake-up, and with no timer pending every timer does. hyper sets
/// one for each request it waits for (the header timeout): with this timer always pending,
/// those come later than the planned wake-up and cost nothing but the timer.
pub(super) async fn keep_timer_armed() {
    loop {
        tokio::time::sleep(HEADER_TIMEOUT / 3).await;
    }
}

/// A listening socket on a loopback address, one of the workers' set on that port.
pub(super) fn bind(addr: SocketAddr, reuseport: bool) -> std::io::Result<std::net::TcpListener> {
    let s = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    if addr.is_ipv6() {
        s.set_only_v6(true)?;
    }
    // Egress connections arrive addressed to the peer, and the proxy answers as the peer:
    // that needs a transparent socket (CAP_NET_ADMIN). Without it only egress redirects fail,
    // and they fail closed (the handshake never completes).
    let transparent =
        if addr.is_ipv6() { s.set_ip_transparent_v6(true) } else { s.set_ip_transparent_v4(true) };
    if let Err(e) = transparent {
        tracing::warn!(error = %e, %addr, "L7 proxy: no transparent listener; egress HTTP rules will refuse connections");
    }
    // A restarted agent binds while the last one's connections linger in TIME_WAIT.
    s.set_reuse_address(true)?;
    // One listener per worker thread on the same port. Only sockets of the same user may join
    // the group, and the agent runs as root.
    if reuseport {
        s.set_reuse_port(true)?;
    }
    s.set_nonblocking(true)?;
    s.bind(&addr.into())?;
    s.listen(1024)?;
    Ok(s.into())
}

/// The connections all listeners serve at once.
pub(super) fn slots() -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS))
}

/// Accepts until the task is aborted.
pub(super) async fn serve(
    listener: TcpListener,
    env: Arc<dyn Env>,
    stats: Arc<Stats>,
    slots: Arc<tokio::sync::Semaphore>,
) {
    loop {
        let (stream, peer) = crate::web::accept(&listener, "L7 proxy").await;
        let Ok(local) = stream.local_addr() else { continue };
        // Only what the datapath redirected is served: a connection to the listener itself
        // (from this host) has no record, and the proxy is no relay for it.
        let Some(Redirected { identity, direction }) = env.redirected(peer, local) else {
            stats.refused.fetch_add(1, Relaxed);
            tracing::debug!(%peer, %local, "L7 proxy: a connection the datapath did not redirect");
            continue;
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else { continue };
        stats.connections.fetch_add(1, Relaxed);
        let conn = Arc::new(Conn {
            peer,
            local,
            identity,
            direction,
            env: env.clone(),
            stats: stats.clone(),
            upstream: std::sync::Mutex::new(None),
            policy: std::sync::Mutex::new(None),
        });
        let stats = stats.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let conn = conn.clone();
                async move { Ok::<_, Infallible>(Conn::handle(&conn, req).await) }
            });
            // Malformed requests get hyper's 400 and a closed connection.
            let served = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEAD)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served
                && (e.is_parse() || e.is_parse_too_large())
            {
                stats.message(L7Verdict::Error);
            }
            drop(slot);
        });
    }
}

/// One client connection.
struct Conn {
    peer: SocketAddr,
    local: SocketAddr,
    identity: u32,
    direction: u8,
    env: Arc<dyn Env>,
    stats: Arc<Stats>,
    /// Idle between exchanges; taken by the request that uses it, given back by its answer's
    /// body once read to the end.
    upstream: std::sync::Mutex<Option<Upstream>>,
    /// The policy as last read, with its generation (see [`super::PolicyCell`]).
    policy: std::sync::Mutex<Option<(u64, Arc<super::L7Policy>)>>,
}

fn protocol(v: hyper::Version) -> &'static str {
    match v {
        hyper::Version::HTTP_10 => "HTTP/1",
        hyper::Version::HTTP_2 => "HTTP/2",
        _ => "HTTP/1.1",
    }
}

/// Removes the headers that concern one connection only (RFC 9110 7.6.1), and those the
/// `Connection` header names.
fn strip_hop_by_hop(h: &mut hyper::HeaderMap) {
    use hyper::header::{CONNECTION, HeaderName, TE, TRAILER, UPGRADE};
    const KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");
    const PROXY_CONNECTION: HeaderName = HeaderName::from_static("proxy-connection");
    // One pass over the fields, not a lookup of each name: most messages carry none of them,
    // or only `Connection`.
    let hop = |n: &HeaderName| {
        [&CONNECTION, &KEEP_ALIVE, &PROXY_CONNECTION, &TE, &TRAILER, &UPGRADE].contains(&n)
    };
    let mut found: Vec<HeaderName> = h.keys().filter(|n| hop(n)).cloned().collect();
    if found.is_empty() {
        return;
    }
    if found.contains(&CONNECTION) {
        // Most say only `keep-alive` or `close`: a name is made only for a field present and
        // not already found (a custom name is an allocation).
        let named: Vec<HeaderName> = h
            .get_all(CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|n| !n.is_empty() && h.contains_key(*n))
            .filter_map(|n| HeaderName::from_bytes(n.as_bytes()).ok())
            .filter(|n| !hop(n))
            .collect();
        found.extend(named);
    }
    for n in found {
        h.remove(n);
    }
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut r = Response::new(Either::Right(Full::new(Bytes::from_static(body.as_bytes()))));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/plain"));
    r
}

impl Conn {
    /// Counts a request or response and passes it on to Hubble.
    fn emit(&self, record: L7Record) {
        self.stats.message(record.verdict);
        self.env.record(record);
    }

    async fn handle(self: &Arc<Self>, req: Request<Incoming>) -> Response<Body> {
        let started = Instant::now();
        // The host and path the rules see are the URL's parts: one string for all three.
        const SCHEME: &str = "http://";
        let (url, host_end) = {
            let host = req
                .headers()
                .get(hyper::header::HOST)
                .and_then(|h| h.to_str().ok())
                .or_else(|| req.uri().authority().map(|a| a.as_str()))
                .unwrap_or_default();
            let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
            let mut url = String::with_capacity(SCHEME.len() + host.len() + path.len());
            url.push_str(SCHEME);
            url.push_str(host);
            url.push_str(path);
            (url, SCHEME.len() + host.len())
        };
        let view = RequestView {
            method: req.method().as_str(),
            path: &url[host_end..],
            host: &url[SCHEME.len()..host_end],
            headers: req.headers(),
        };
        let decision = {
            let cell = self.env.policy();
            let generation = cell.generation();
            let mut cached = self.policy.lock().unwrap_or_else(|p| p.into_inner());
            let policy = match &mut *cached {
                Some((seen, policy)) if *seen == generation => policy,
                stale => &mut stale.insert((generation, cell.get())).1,
            };
            policy.decide(self.identity, self.direction, self.local.port(), &view)
        };
        let request = L7Record {
            time: SystemTime::now(),
            kind: L7Kind::Request,
            verdict: L7Verdict::Forwarded,
            peer: self.peer,
            local: self.local,
            identity: self.identity,
            direction: self.direction,
            rule_id: match decision {
                Ok(id) | Err(id) => id,
            },
            url,
            method: req.method().clone(),
            protocol: protocol(req.version()),
            headers: Headers::from_map(req.headers()),
            code: 0,
            latency_ns: 0,
        };
        // The response's record is the request's with the answer's fields (and headers).
        let answered = request.clone_head();
        let respond = |mut r: L7Record, verdict, code: u16, headers: &hyper::HeaderMap| {
            r.kind = L7Kind::Response;
            r.verdict = verdict;
            // One clock read: the response's time is the request's plus the latency.
            let latency = started.elapsed();
            r.time += latency;
            r.code = u32::from(code);
            r.latency_ns = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
            r.headers = Headers::from_map(headers);
            self.emit(r);
        };
        if decision.is_err() {
            self.emit(L7Record { verdict: L7Verdict::Dropped, ..request });
            // Read what the client sent, so the connection serves its next request.
            let drained = Limited::new(req.into_body(), MAX_DRAIN).collect().await.is_ok();
            let mut resp = text(StatusCode::FORBIDDEN, ACCESS_DENIED);
            if !drained {
                resp.headers_mut().insert(
                    hyper::header::CONNECTION,
                    hyper::header::HeaderValue::from_static("close"),
                );
            }
            respond(answered, L7Verdict::Forwarded, 403, resp.headers());
            return resp;
        }
        self.emit(request);
        let version = req.version();
        match self.forward(req).await {
            Ok(mut resp) => {
                // The client's connection is the proxy's, kept alive by its own rules: the
                // application's hop-by-hop headers and HTTP version are not passed on.
                strip_hop_by_hop(resp.headers_mut());
                *resp.version_mut() = version;
                respond(answered, L7Verdict::Forwarded, resp.status().as_u16(), resp.headers());
                resp.map(Either::Left)
            }
            Err(e) => {
                tracing::debug!(error = %e, upstream = %self.local, "L7 proxy: upstream failed");
                // Envoy's answer when the application does not answer.
                let resp = text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "upstream connect error or disconnect/reset before headers\r\n",
                );
                respond(answered, L7Verdict::Error, 503, resp.headers());
                resp
            }
        }
    }

    /// Sends an allowed request to the original destination, over this client's upstream
    /// connection (made on first use, and again when the application closed it).
    async fn forward(
        self: &Arc<Self>,
        mut req: Request<Incoming>,
    ) -> Result<Response<Relay>, String> {
        strip_hop_by_hop(req.headers_mut());
        // HTTP/1.1 serves one request at a time: the connection is taken for this exchange
        // (a dropped request drops it, and the next one connects anew).
        let mut idle = self.upstream.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(up) = idle.as_mut()
            && !up.ready().await
        {
            idle = None;
        }
        let mut up = match idle {
            Some(up) => up,
            // The cold path, boxed: connecting would otherwise size every request's future.
            None => Box::pin(self.connect_upstream()).await?,
        };
        let mut response = std::pin::pin!(up.send.send_request(req));
        let mut open = true;
        let head = poll_fn(|cx| {
            // Driven first: it writes the request and reads the answer the future waits for.
            if open && up.conn.as_mut().poll(cx).is_ready() {
                open = false;
            }
            response.as_mut().poll(cx)
        })
        .await
        .map_err(|e| e.to_string())?;
        let home = self.clone();
        Ok(head.map(|body| Relay { body, upstream: open.then_some(up), home, ended: false }))
    }

    async fn connect_upstream(&self) -> Result<Upstream, String> {
        let target = self.env.upstream(self.local);
        let tcp = tokio::time::timeout(CONNECT_TIMEOUT, connect(target, self.direction))
            .await
            .map_err(|_| format!("connecting to {target}: timed out"))?
            .map_err(|e| format!("connecting to {target}: {e}"))?;
        let _ = tcp.set_nodelay(true);
        let (send, conn) = hyper::client::conn::http1::Builder::new()
            .handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| e.to_string())?;
        Ok(Upstream { send, conn: Box::pin(conn) })
    }
}

/// A connection to the application, and its state machine (polled by its user, see the
/// module's comment).
struct Upstream {
    send: SendRequest<Incoming>,
    conn: Pin<Box<Connection<TokioIo<TcpStream>, Incoming>>>,
}

impl Upstream {
    /// Whether the connection takes a request now: false when the application closed it
    /// while it was idle (nobody drove it then, so this is where that is seen).
    async fn ready(&mut self) -> bool {
        poll_fn(|cx| {
            if self.conn.as_mut().poll(cx).is_ready() {
                return Poll::Ready(false);
            }
            self.send.poll_ready(cx).map(|r| r.is_ok())
        })
        .await
    }
}

/// The application's answer on its way to the client. Reading it drives the upstream
/// connection; read to the end, it gives the connection back for the client's next request.
pub(super) struct Relay {
    body: Incoming,
    /// None once the connection closed (what it read is still in `body`).
    upstream: Option<Upstream>,
    home: Arc<Conn>,
    ended: bool,
}

impl hyper::body::Body for Relay {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        // Asked first (the connection sends only what is wanted), then the connection driven
        // to read more, then asked again.
        let mut frame = Pin::new(&mut this.body).poll_frame(cx);
        if frame.is_pending() {
            if let Some(up) = &mut this.upstream
                && up.conn.as_mut().poll(cx).is_ready()
            {
                this.upstream = None;
            }
            frame = Pin::new(&mut this.body).poll_frame(cx);
        }
        if let Poll::Ready(None) = frame {
            this.ended = true;
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // hyper does not read a body it knows is empty, hence `is_end_stream`. A connection
        // left halfway through an answer cannot carry another: it is closed.
        if (self.ended || self.body.is_end_stream())
            && let Some(up) = self.upstream.take()
        {
            *self.home.upstream.lock().unwrap_or_else(|p| p.into_inner()) = Some(up);
        }
    }
}

/// A connection to the original destination. On egress it carries the mark that lets it out
/// as it is (the datapath would otherwise send it back here); the request was judged.
async fn connect(target: SocketAddr, direction: u8) -> std::io::Result<TcpStream> {
    if direction != EGRESS {
        return TcpStream::connect(target).await;
    }
    let s = socket2::Socket::new(
        socket2::Domain::for_address(target),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    s.set_mark(bpf_progs::mark::FROM_PROXY)?;
    s.set_nonblocking(true)?;
    let socket = tokio::net::TcpSocket::from_std_stream(std::net::TcpStream::from(s));
    socket.connect(target).await
}

#[cfg(test)]
mod tests {
    use super::strip_hop_by_hop;
    use hyper::header::{HeaderMap, HeaderValue};

    #[test]
    fn hop_by_hop_headers_and_those_connection_names_are_not_passed_on() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("connection", "keep-alive, X-Secret"),
            ("connection", "upgrade"),
            ("x-secret", "1"),
            ("keep-alive", "timeout=5"),
            ("proxy-connection", "keep-alive"),
            ("te", "trailers"),
            ("trailer", "x-sum"),
            ("upgrade", "h2c"),
            ("x-team", "blue"),
            ("content-length", "0"),
        ] {
            h.append(k, HeaderValue::from_static(v));
        }
        strip_hop_by_hop(&mut h);
        let mut left: Vec<&str> = h.keys().map(|k| k.as_str()).collect();
        left.sort_unstable();
        assert_eq!(left, ["content-length", "x-team"]);
        // Without a Connection header only the fixed set goes.
        let mut h = HeaderMap::new();
        h.append("te", HeaderValue::from_static("trailers"));
        h.append("x-secret", HeaderValue::from_static("1"));
        strip_hop_by_hop(&mut h);
        assert_eq!(h.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["x-secret"]);
    }
}
