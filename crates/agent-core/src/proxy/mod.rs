//! The agent's transparent HTTP proxy, where the datapath sends the connections of ports with
//! L7 rules (`toPorts[].rules.http`), as Cilium sends them to Envoy.
//!
//! The host firewall hands every packet of such a connection to this proxy's listener on
//! loopback (`bpf_sk_assign`), so the accepted socket's local address is the one the client
//! dialled, and nothing outside the host can reach the listener itself. Each request is judged
//! against the realized policy ([`rules::L7Policy`]) with the identity the datapath gave the
//! peer (recorded in `cilium_proxy` when it redirected the connection); allowed requests go on
//! to the original destination over one upstream connection per client connection, denied
//! ones get Envoy's `403 Access denied` and the connection stays open for the next request.
//! Every request and response becomes an [`L7Record`] for Hubble.
//!
//! What the proxy needs from the agent is the [`Env`] trait, so the whole request path runs in
//! tests without root or a datapath ([`fake`]).

mod http;
mod queue;
pub mod rules;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::time::SystemTime;

pub use queue::RecordQueue;
pub use rules::{L7Policy, PolicyCell, RequestView};

/// The proxy's errors.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The listener could not be bound.
    #[error("binding the L7 proxy's listener {addr}: {source}")]
    Bind {
        /// Address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L7Kind {
    /// A request.
    Request,
    /// A response (or the proxy's own answer to a denied request).
    Response,
}

/// Hubble's verdict of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L7Verdict {
    /// Passed.
    Forwarded,
    /// Denied by policy.
    Dropped,
    /// The upstream failed.
    Error,
}

/// One request or response seen by the proxy.
#[derive(Debug, Clone)]
pub struct L7Record {
    /// When.
    pub time: SystemTime,
    /// Request or response.
    pub kind: L7Kind,
    /// Verdict.
    pub verdict: L7Verdict,
    /// The client.
    pub peer: SocketAddr,
    /// The original destination (on ingress this host's address and the application's port,
    /// on egress the server's).
    pub local: SocketAddr,
    /// The other end's identity, as the datapath judged it: the client's on ingress, the
    /// server's on egress.
    pub identity: u32,
    /// `ingress` (0) or `egress` (1), as the policy map's directions.
    pub direction: u8,
    /// Rule id of the allow (or of the failed L7 allow).
    pub rule_id: u32,
    /// Method.
    pub method: hyper::Method,
    /// `http://host/path?query`.
    pub url: String,
    /// `HTTP/1.1`, `HTTP/1`, `HTTP/2`.
    pub protocol: &'static str,
    /// Request headers (responses: the response's).
    pub headers: Headers,
    /// Status code (responses).
    pub code: u32,
    /// Time from request to response (responses).
    pub latency_ns: u64,
}

/// What the datapath recorded of a connection it redirected to the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redirected {
    /// The identity of the other end: the client on ingress, the server on egress.
    pub identity: u32,
    /// `ingress` (0: a peer dialled this host) or `egress` (1: this host dialled a peer).
    pub direction: u8,
}

impl L7Record {
    /// The record without its headers (a response's starts from its request's).
    fn clone_head(&self) -> L7Record {
        L7Record {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: Headers::default(),
            ..*self
        }
    }
}

/// A message's header fields as the proxy saw them. Kept in one buffer: every request and
/// response makes a record, and most records are never read (see `hubble::observer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// `name:value` lines. Names are tokens (no `:`), values have no line breaks (hyper
    /// refuses them), so the split is unambiguous.
    text: String,
}

impl Headers {
    /// The fields of `map`, values not in UTF-8 made lossy.
    pub fn from_map(map: &hyper::HeaderMap) -> Headers {
        let size = map.iter().map(|(k, v)| k.as_str().len() + v.len() + 2).sum();
        let mut text = String::with_capacity(size);
        for (k, v) in map {
            text.push_str(k.as_str());
            text.push(':');
            match v.to_str() {
                Ok(v) => text.push_str(v),
                Err(_) => text.push_str(&String::from_utf8_lossy(v.as_bytes())),
            }
            text.push('\n');
        }
        Headers { text }
    }

    /// Every field in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.text.lines().filter_map(|l| l.split_once(':'))
    }

    /// Every field, sorted by name (and value), as Hubble lists them.
    pub fn sorted(&self) -> Vec<(&str, &str)> {
        let mut v: Vec<(&str, &str)> = self.iter().collect();
        v.sort_unstable();
        v
    }
}

/// What the proxy needs from the agent.
pub trait Env: Send + Sync + 'static {
    /// What the datapath recorded when it redirected `peer`'s connection to `local` (the
    /// original destination); `None` when it redirected no such connection (the proxy then
    /// serves nothing).
    fn redirected(&self, peer: SocketAddr, local: SocketAddr) -> Option<Redirected>;
    /// Where an allowed request goes: the original destination.
    fn upstream(&self, local: SocketAddr) -> SocketAddr {
        local
    }
    /// The policy in effect.
    fn policy(&self) -> &PolicyCell;
    /// A request or response happened.
    fn record(&self, record: L7Record);
}

/// What one proxy thread counted, on cache lines of its own (every request counts, and the
/// threads would otherwise write the same lines); [`Proxy::stats`] sums them.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Stats {
    connections: AtomicU64,
    refused: AtomicU64,
    received: AtomicU64,
    forwarded: AtomicU64,
    denied: AtomicU64,
    errors: AtomicU64,
}

impl Stats {
    /// A request or response with its verdict, as Cilium counts each access-log entry.
    fn message(&self, verdict: L7Verdict) {
        self.received.fetch_add(1, Relaxed);
        match verdict {
            L7Verdict::Forwarded => &self.forwarded,
            L7Verdict::Dropped => &self.denied,
            L7Verdict::Error => &self.errors,
        }
        .fetch_add(1, Relaxed);
    }

    fn load(&self) -> Counts {
        Counts {
            connections: self.connections.load(Relaxed),
            refused: self.refused.load(Relaxed),
            received: self.received.load(Relaxed),
            forwarded: self.forwarded.load(Relaxed),
            denied: self.denied.load(Relaxed),
            errors: self.errors.load(Relaxed),
        }
    }
}

/// The proxy's counters since it started. Messages are requests and responses alike, as
/// Cilium's `cilium_policy_l7_total{rule}` counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Client connections served.
    pub connections: u64,
    /// Connections refused because the datapath did not redirect them.
    pub refused: u64,
    /// Messages seen.
    pub received: u64,
    /// Messages passed on (a denied request's 403 is one: it goes to the client).
    pub forwarded: u64,
    /// Requests the policy denied.
    pub denied: u64,
    /// Malformed requests (answered 400) and requests the application did not answer (503):
    /// Cilium's `parse_errors`.
    pub errors: u64,
}

impl std::ops::Add for Counts {
    type Output = Counts;

    fn add(self, o: Counts) -> Counts {
        Counts {
            connections: self.connections + o.connections,
            refused: self.refused + o.refused,
            received: self.received + o.received,
            forwarded: self.forwarded + o.forwarded,
            denied: self.denied + o.denied,
            errors: self.errors + o.errors,
        }
    }
}

/// A running proxy: one thread per CPU, each with its own runtime and its own listeners on the
/// shared port (`SO_REUSEPORT`: the datapath's socket lookup spreads connections over them by
/// their addresses). A client connection and its upstream connection live on one thread, as
/// in nginx's workers: no request crosses threads, so none pays a cross-thread wake-up.
#[derive(Debug)]
pub struct Proxy {
    port: u16,
    stats: Vec<Arc<Stats>>,
    stop: tokio::sync::watch::Sender<bool>,
}

fn l4_addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Proxy threads at most, whatever the CPU count.
pub(crate) const MAX_WORKERS: usize = 8;

impl Proxy {
    /// Binds `127.0.0.1:port` and, where the host has IPv6, `[::1]:port` (port 0: any free
    /// port, for tests), and serves until dropped.
    pub async fn start(port: u16, env: Arc<dyn Env>) -> Result<Proxy, ProxyError> {
        let workers =
            std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_WORKERS);
        // Before Linux 6.5 `bpf_sk_assign` refuses SO_REUSEPORT sockets.
        let reuseport = crate::datapath::kernel_version() >= (6, 5);
        Proxy::start_with(port, env, workers, reuseport)
    }

    /// [`Proxy::start`] with `workers` threads, each with its own listener (`reuseport`) or
    /// all sharing one (each polls a duplicate of it, and one of them wins each connection).
    pub fn start_with(
        port: u16,
        env: Arc<dyn Env>,
        workers: usize,
        reuseport: bool,
    ) -> Result<Proxy, ProxyError> {
        // Every listener is bound before any thread starts, so that a port in use is an error
        // here, not a thread that dies later.
        let mut port = port;
        let mut sets: Vec<(std::net::TcpListener, Option<std::net::TcpListener>)> = Vec::new();
        for _ in 0..workers.max(1) {
            if let (false, Some((l4, l6))) = (reuseport, sets.first()) {
                let dup = |l: &std::net::TcpListener| l.try_clone();
                let l4 =
                    dup(l4).map_err(|source| ProxyError::Bind { addr: l4_addr(port), source })?;
                let l6 = l6.as_ref().and_then(|l| dup(l).ok());
                sets.push((l4, l6));
                continue;
            }
            let v4 = l4_addr(port);
            let l4 = http::bind(v4, reuseport)
                .map_err(|source| ProxyError::Bind { addr: v4, source })?;
            port = l4.local_addr().map(|a| a.port()).unwrap_or(port);
            let v6 = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port));
            // A host without IPv6 has no IPv6 connections to redirect either.
            let l6 = http::bind(v6, reuseport)
                .inspect_err(|e| tracing::debug!(error = %e, "L7 proxy: no IPv6 listener"))
                .ok();
            sets.push((l4, l6));
        }
        let mut all_stats = Vec::new();
        let slots = http::slots();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        for (i, (l4, l6)) in sets.into_iter().enumerate() {
            let stats = Arc::new(Stats::default());
            all_stats.push(stats.clone());
            let (env, slots) = (env.clone(), slots.clone());
            let mut stopped = stopped.clone();
            let thread =
                std::thread::Builder::new().name(format!("l7-proxy-{i}")).spawn(move || {
                    let runtime = match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(r) => r,
                        Err(e) => {
                            tracing::error!(error = %e, "L7 proxy: starting a worker's runtime");
                            return;
                        }
                    };
                    runtime.block_on(async move {
                        let mut tasks = tokio::task::JoinSet::new();
                        for l in std::iter::once(l4).chain(l6) {
                            match tokio::net::TcpListener::from_std(l) {
                                Ok(l) => {
                                    tasks.spawn(http::serve(
                                        l,
                                        env.clone(),
                                        stats.clone(),
                                        slots.clone(),
                                    ));
                                }
                                Err(e) => tracing::error!(error = %e, "L7 proxy: a listener"),
                            }
                        }
                        // Until the proxy is dropped (or the agent goes away).
                        tokio::select! {
                            _ = stopped.wait_for(|s| *s) => {}
                            () = http::keep_timer_armed() => {}
                        }
                    });
                });
            if let Err(e) = thread {
                tracing::error!(error = %e, "L7 proxy: starting a worker thread");
            }
        }
        tracing::info!(port, workers, "L7 proxy listening on loopback");
        Ok(Proxy { port, stats: all_stats, stop })
    }

    /// The loopback port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Counters, summed over the threads.
    pub fn stats(&self) -> Counts {
        self.stats.iter().map(|s| s.load()).fold(Counts::default(), |a, b| a + b)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // Each worker's runtime ends, and with it its listeners and connections.
        let _ = self.stop.send(true);
    }
}
