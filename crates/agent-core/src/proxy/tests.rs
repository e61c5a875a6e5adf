//! The request path end to end on loopback: a real client, the proxy, a real application.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::fake::FakeEnv;
use super::*;
use crate::policy::resolve::{INGRESS, L7Entry, MapState};
use crate::policy::types::{HeaderMatch, HttpRule};

const FRONTEND: u32 = 100;

/// An application answering `200 <method> <path>`.
async fn application() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = l.accept().await else { return };
            tokio::spawn(async move {
                let svc =
                    hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
                        let text = format!("{} {}", req.method(), req.uri().path());
                        Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from(
                            text,
                        ))))
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(s), svc)
                    .await;
            });
        }
    });
    addr
}

fn policy(rules: Vec<HttpRule>, l4_for_any: bool) -> Arc<L7Policy> {
    let mut l7 = vec![L7Entry {
        identity: FRONTEND,
        direction: 0,
        start: 1,
        end: 65535,
        http: Some(rules.into()),
        rule_id: 1,
    }];
    if l4_for_any {
        l7.push(L7Entry {
            identity: 0,
            direction: 0,
            start: 1,
            end: 65535,
            http: None,
            rule_id: 2,
        });
    }
    let state = MapState { l7, rules: vec!["web".into(), "l4".into()], ..Default::default() };
    L7Policy::shared(&state)
}

fn get_public() -> Vec<HttpRule> {
    vec![HttpRule {
        method: Some("GET".into()),
        path: Some("/public".into()),
        ..Default::default()
    }]
}

async fn start(identity: Option<u32>, p: Arc<L7Policy>) -> (Proxy, Arc<FakeEnv>) {
    let env = Arc::new(FakeEnv {
        identity,
        direction: INGRESS,
        upstream: application().await,
        policy: PolicyCell::new(p),
        records: Mutex::new(Vec::new()),
    });
    let proxy = Proxy::start(0, env.clone()).await.expect("proxy");
    (proxy, env)
}

type Client = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn client(port: u16) -> Client {
    let s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let (send, conn) =
        hyper::client::conn::http1::handshake(TokioIo::new(s)).await.expect("handshake");
    tokio::spawn(conn);
    send
}

async fn call(c: &mut Client, method: &str, path: &str, body: &str) -> (u16, String) {
    c.ready().await.expect("connection usable");
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "192.168.1.11:8080")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request");
    let resp = c.send_request(req).await.expect("response");
    let code = resp.status().as_u16();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (code, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn allowed_requests_pass_and_denied_ones_get_403_on_the_same_connection() {
    let (proxy, env) = start(Some(FRONTEND), policy(get_public(), false)).await;
    let mut c = client(proxy.port()).await;
    assert_eq!(call(&mut c, "GET", "/public", "").await, (200, "GET /public".into()));
    assert_eq!(call(&mut c, "GET", "/private", "").await, (403, "Access denied\r\n".into()));
    assert_eq!(call(&mut c, "POST", "/public", "some body").await.0, 403);
    // Anchored: a path that merely contains the pattern is not it.
    assert_eq!(call(&mut c, "GET", "/public/../private", "").await.0, 403);
    assert_eq!(call(&mut c, "GET", "/public?x=1", "").await.0, 403, "Envoy's :path has the query");
    assert_eq!(call(&mut c, "GET", "/public", "").await, (200, "GET /public".into()));

    let records = env.records.lock().expect("records").clone();
    let kinds: Vec<(L7Kind, L7Verdict, u32)> =
        records.iter().map(|r| (r.kind, r.verdict, r.code)).collect();
    assert_eq!(
        &kinds[..4],
        &[
            (L7Kind::Request, L7Verdict::Forwarded, 0),
            (L7Kind::Response, L7Verdict::Forwarded, 200),
            (L7Kind::Request, L7Verdict::Dropped, 0),
            (L7Kind::Response, L7Verdict::Forwarded, 403),
        ]
    );
    assert_eq!(records[0].url, "http://192.168.1.11:8080/public");
    assert_eq!(records[0].method, "GET");
    assert_eq!(records[0].protocol, "HTTP/1.1");
    assert_eq!(records[0].identity, FRONTEND);
    assert!(records[0].headers.iter().any(|(k, v)| k == "host" && v == "192.168.1.11:8080"));
    // Cilium's `cilium_policy_l7_total` counts requests and responses alike: six of each here,
    // four requests denied, and every response passed on (a 403 too).
    let counts = proxy.stats();
    assert_eq!(
        (counts.connections, counts.received, counts.forwarded, counts.denied, counts.errors),
        (1, 12, 8, 4, 0)
    );
}

#[tokio::test]
async fn other_identities_get_nothing_unless_an_l4_allow_covers_them() {
    let (proxy, _env) = start(Some(7777), policy(get_public(), false)).await;
    let mut c = client(proxy.port()).await;
    assert_eq!(call(&mut c, "GET", "/public", "").await.0, 403);
    drop(proxy);
    let (proxy, _env) = start(Some(7777), policy(get_public(), true)).await;
    let mut c = client(proxy.port()).await;
    assert_eq!(call(&mut c, "POST", "/anything", "").await.0, 200, "L4 allow: every request");
}

#[tokio::test]
async fn headers_and_host_must_match() {
    let rules = vec![HttpRule {
        host: Some(r"192\.168\.1\.11(:8080)?".into()),
        headers: vec![
            HeaderMatch { name: "X-Token".into(), value: None },
            HeaderMatch { name: "X-Env".into(), value: Some("prod".into()) },
        ],
        ..Default::default()
    }];
    let (proxy, _env) = start(Some(FRONTEND), policy(rules, false)).await;
    let mut c = client(proxy.port()).await;
    let with = |h: &[(&str, &str)]| {
        let mut b = Request::builder().uri("/").header("host", "192.168.1.11:8080");
        for (k, v) in h {
            b = b.header(*k, *v);
        }
        b.body(Full::new(Bytes::new())).expect("request")
    };
    for (req, want) in [
        (with(&[("x-token", "a"), ("x-env", "prod")]), 200),
        (with(&[("x-token", "a"), ("x-env", "dev")]), 403),
        (with(&[("x-env", "prod")]), 403),
    ] {
        c.ready().await.expect("ready");
        assert_eq!(c.send_request(req).await.expect("response").status().as_u16(), want);
    }
}

/// Raw bytes to the proxy; what comes back before it closes (or the deadline).
async fn raw(port: u16, bytes: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    s.write_all(bytes).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn malformed_http_gets_400_and_a_closed_connection() {
    let (proxy, env) = start(Some(FRONTEND), policy(get_public(), true)).await;
    for bad in [
        &b"GET /public HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"[..],
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03garbage-tls-hello\r\n\r\n",
        b"GET /public HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
    ] {
        let answer = raw(proxy.port(), bad).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
    }
    // Each is a parse error (counted once its connection is done, just after the client saw
    // it close).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while proxy.stats().errors < 3 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!((proxy.stats().errors, proxy.stats().received), (3, 3));
    // Smuggling: a second request hidden in a body must be seen (and judged) as a request,
    // never forwarded unchecked.
    let answer = raw(
        proxy.port(),
        b"GET /public HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\nGET /private HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert!(!answer.contains("GET /private"), "{answer}");
    let forwarded: Vec<String> = env
        .records
        .lock()
        .expect("records")
        .iter()
        .filter(|r| r.kind == L7Kind::Request && r.verdict == L7Verdict::Forwarded)
        .map(|r| r.url.clone())
        .collect();
    assert!(!forwarded.iter().any(|u| u.ends_with("/private")), "{forwarded:?}");
}

#[tokio::test]
async fn connections_the_datapath_did_not_redirect_are_closed_unserved() {
    let (proxy, env) = start(None, policy(get_public(), true)).await;
    let answer = raw(proxy.port(), b"GET /public HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(answer, "");
    assert!(env.records.lock().expect("records").is_empty());
    assert_eq!((proxy.stats().refused, proxy.stats().connections), (1, 0));
}

#[tokio::test]
async fn an_application_that_is_down_is_a_503_not_a_hang() {
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let env = Arc::new(FakeEnv {
        identity: Some(FRONTEND),
        direction: INGRESS,
        upstream: dead,
        policy: PolicyCell::new(policy(get_public(), false)),
        records: Mutex::new(Vec::new()),
    });
    let proxy = Proxy::start(0, env.clone()).await.expect("proxy");
    let mut c = client(proxy.port()).await;
    assert_eq!(call(&mut c, "GET", "/public", "").await.0, 503);
    let last = env.records.lock().expect("records").last().cloned().expect("a record");
    assert_eq!((last.kind, last.verdict, last.code), (L7Kind::Response, L7Verdict::Error, 503));
    let counts = proxy.stats();
    assert_eq!((counts.received, counts.forwarded, counts.errors), (2, 1, 1));
}

/// An application counting its connections: `/big` streams 1 MiB in 64 KiB chunks, `/echo`
/// answers the request's body; with `keep_alive` false it closes after every answer.
async fn counting_application(
    keep_alive: bool,
) -> (SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    use http_body_util::{BodyExt, StreamBody};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = l.accept().await else { return };
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let svc =
                    hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
                        type B = http_body_util::combinators::BoxBody<Bytes, hyper::Error>;
                        let body: B = match req.uri().path() {
                            "/big" => {
                                let chunks = (0..16u8).map(|i| {
                                    Ok::<_, hyper::Error>(hyper::body::Frame::data(Bytes::from(
                                        vec![b'a' + i; 64 * 1024],
                                    )))
                                });
                                StreamBody::new(futures_util::stream::iter(chunks)).boxed()
                            }
                            _ => {
                                let got = req.into_body().collect().await?.to_bytes();
                                Full::new(got).map_err(|never| match never {}).boxed()
                            }
                        };
                        Ok::<_, hyper::Error>(Response::new(body))
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(keep_alive)
                    .serve_connection(TokioIo::new(s), svc)
                    .await;
            });
        }
    });
    (addr, accepted)
}

async fn start_with(upstream: SocketAddr) -> (Proxy, Arc<FakeEnv>) {
    let env = Arc::new(FakeEnv {
        identity: Some(FRONTEND),
        direction: INGRESS,
        upstream,
        policy: PolicyCell::new(policy(vec![HttpRule::default()], false)),
        records: Mutex::new(Vec::new()),
    });
    let proxy = Proxy::start(0, env.clone()).await.expect("proxy");
    (proxy, env)
}

#[tokio::test]
async fn one_upstream_connection_carries_a_clients_requests_whole_bodies_both_ways() {
    let (app, accepted) = counting_application(true).await;
    let (proxy, _env) = start_with(app).await;
    let mut c = client(proxy.port()).await;
    let upload = "x".repeat(300 * 1024);
    for _ in 0..3 {
        let (code, body) = call(&mut c, "GET", "/big", "").await;
        assert_eq!((code, body.len()), (200, 1 << 20));
        assert!(body.starts_with('a') && body.ends_with('p'), "chunks in order");
        assert_eq!(call(&mut c, "POST", "/echo", &upload).await, (200, upload.clone()));
        assert_eq!(call(&mut c, "GET", "/echo", "").await, (200, String::new()));
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1, "kept alive");
}

#[tokio::test]
async fn an_application_closing_after_each_answer_costs_a_reconnect_not_an_error() {
    let (app, accepted) = counting_application(false).await;
    let (proxy, _env) = start_with(app).await;
    let mut c = client(proxy.port()).await;
    for i in 0..5 {
        assert_eq!(call(&mut c, "POST", "/echo", &format!("n{i}")).await, (200, format!("n{i}")));
        let (code, body) = call(&mut c, "GET", "/big", "").await;
        assert_eq!((code, body.len()), (200, 1 << 20));
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 10);
}

#[tokio::test]
async fn a_client_leaving_halfway_through_an_answer_leaves_the_proxy_serving() {
    let (app, accepted) = counting_application(true).await;
    let (proxy, _env) = start_with(app).await;
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", proxy.port())).await.expect("connect");
    s.write_all(b"GET /big HTTP/1.1\r\nhost: a\r\n\r\n").await.expect("write");
    let mut first = [0u8; 1024];
    let n = s.read(&mut first).await.expect("read");
    assert!(first[..n].starts_with(b"HTTP/1.1 200"));
    drop(s);
    // The next client gets a whole answer (over a new upstream connection: the old one was
    // left halfway).
    let mut c = client(proxy.port()).await;
    let (code, body) = call(&mut c, "GET", "/big", "").await;
    assert_eq!((code, body.len()), (200, 1 << 20));
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn a_port_whose_http_rules_went_away_gets_the_l4_verdict() {
    use crate::policy::resolve::{EntryKey, EntryValue, INGRESS, Verdict};
    let headers = hyper::HeaderMap::new();
    let req = RequestView { method: "GET", path: "/x", host: "h", headers: &headers };
    let allow = |identity| {
        (
            EntryKey { identity, direction: INGRESS, protocol: 6, port: 8080, port_bits: 16 },
            EntryValue {
                verdict: Verdict::Allow,
                audit: false,
                failsafe: false,
                rule_id: 5,
                match_type: 2,
                redirect: false,
            },
        )
    };
    let state = MapState {
        entries: [allow(FRONTEND)].into_iter().collect(),
        enforce_ingress: true,
        ..Default::default()
    };
    let p = L7Policy::new(&state);
    assert_eq!(p.decide(FRONTEND, INGRESS, 8080, &req), Ok(5), "L4 allows it now");
    assert!(p.decide(7777, INGRESS, 8080, &req).is_err(), "default deny for the others");
}

#[tokio::test]
async fn egress_connections_are_judged_by_egress_rules() {
    // The server's identity is FRONTEND here; the policy allows GET /public to it on egress.
    let egress = {
        let state = MapState {
            l7: vec![L7Entry {
                identity: FRONTEND,
                direction: 1,
                start: 1,
                end: 65535,
                http: Some(get_public().into()),
                rule_id: 1,
            }],
            rules: vec!["to-backend".into()],
            ..Default::default()
        };
        L7Policy::shared(&state)
    };
    let env = Arc::new(FakeEnv {
        identity: Some(FRONTEND),
        direction: 1,
        upstream: application().await,
        policy: PolicyCell::new(egress),
        records: Mutex::new(Vec::new()),
    });
    let proxy = Proxy::start(0, env.clone()).await.expect("proxy");
    let mut c = client(proxy.port()).await;
    assert_eq!(call(&mut c, "GET", "/private", "").await.0, 403);
    assert_eq!(call(&mut c, "GET", "/public", "").await.0, 200);
    let records = env.records.lock().expect("records").clone();
    assert_eq!((records[0].direction, records[0].verdict), (1, L7Verdict::Dropped));
    assert_eq!(records[0].rule_id, 1, "the egress rule it failed");

    // The same rules on ingress say nothing about egress connections (default deny there).
    let ingress_only = MapState {
        l7: vec![L7Entry {
            identity: FRONTEND,
            direction: INGRESS,
            start: 1,
            end: 65535,
            http: Some(get_public().into()),
            rule_id: 1,
        }],
        enforce_egress: true,
        ..Default::default()
    };
    env.policy.set(L7Policy::shared(&ingress_only));
    // A policy change applies to the next request of an open connection too.
    assert_eq!(call(&mut c, "GET", "/public", "").await.0, 403);
    let mut c = client(proxy.port()).await;
    assert_eq!(call(&mut c, "GET", "/public", "").await.0, 403);
}

#[tokio::test]
async fn workers_serve_from_their_own_listeners_or_from_a_shared_one() {
    // Before Linux 6.5 the datapath cannot hand connections to SO_REUSEPORT listeners, so the
    // workers share one; both ways every connection is served.
    for reuseport in [true, false] {
        let env = Arc::new(FakeEnv {
            identity: Some(FRONTEND),
            direction: INGRESS,
            upstream: application().await,
            policy: PolicyCell::new(policy(get_public(), false)),
            records: Mutex::new(Vec::new()),
        });
        let proxy = Proxy::start_with(0, env.clone(), 3, reuseport).expect("proxy");
        for _ in 0..12 {
            let mut c = client(proxy.port()).await;
            assert_eq!(call(&mut c, "GET", "/public", "").await.0, 200, "reuseport {reuseport}");
        }
    }
}

#[test]
fn headers_keep_every_field_and_sort_for_hubble() {
    let mut map = hyper::HeaderMap::new();
    map.insert("x-team", hyper::header::HeaderValue::from_static("blue"));
    map.append("accept", hyper::header::HeaderValue::from_static("a/b, c:d"));
    map.append("accept", hyper::header::HeaderValue::from_static(""));
    let latin1 = hyper::header::HeaderValue::from_bytes(b"caf\xe9").expect("opaque bytes");
    map.insert("x-name", latin1);
    let h = super::Headers::from_map(&map);
    assert_eq!(
        h.sorted(),
        [("accept", ""), ("accept", "a/b, c:d"), ("x-name", "caf\u{fffd}"), ("x-team", "blue")]
    );
    assert_eq!(h.iter().count(), 4);
    assert_eq!(super::Headers::default().sorted(), []);
}
