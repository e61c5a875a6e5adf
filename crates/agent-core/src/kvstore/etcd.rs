//! [`KvStore`] over etcd's v3 gRPC API (our own `proto/etcd/etcd.proto`, generated without
//! protoc like the Hubble protos; see the note on why not the `etcd-client` crate in
//! `bench/README.md`).
//!
//! One lazily connected channel per endpoint: the agent starts, and keeps its state, while
//! etcd is away. Calls go to the endpoint that answered last and fail over to the others;
//! HTTP/2 keepalives notice a store that vanished under a long watch.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

use super::proto::etcdserverpb as pb;
use super::{
    Call, Change, EndpointStatus, Entry, Error, EtcdConfig, KvStore, LeaseId, Listing, MAX_ENTRIES,
    MAX_KEY, MAX_VALUE, WatchEvent,
};

/// Longest a unary call may take on one endpoint before the next is tried.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Largest gRPC message accepted: a listing of thousands of node entries.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// A client of one etcd cluster.
pub struct Etcd {
    endpoints: Vec<(String, Channel)>,
    current: AtomicUsize,
    credentials: Option<(String, String)>,
    token: Mutex<Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>>,
}

impl std::fmt::Debug for Etcd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: Vec<&str> = self.endpoints.iter().map(|(u, _)| u.as_str()).collect();
        f.debug_struct("Etcd").field("endpoints", &urls).finish_non_exhaustive()
    }
}

/// Why the client could not be set up (files, URLs): fixed by the operator, not by retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SetupError(pub String);

fn read_pem(path: &std::path::Path, what: &str) -> Result<Vec<u8>, SetupError> {
    let bytes = std::fs::read(path)
        .map_err(|e| SetupError(format!("reading the {what} {}: {e}", path.display())))?;
    if !bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        return Err(SetupError(format!("{} is not a PEM {what}", path.display())));
    }
    Ok(bytes)
}

impl Etcd {
    /// A client for `config`; connects on first use.
    pub fn new(config: &EtcdConfig) -> Result<Etcd, SetupError> {
        let tls = if config.endpoints.iter().any(|e| e.starts_with("https://")) {
            let ca = config.tls.ca.as_deref().ok_or_else(|| {
                SetupError("https:// endpoints need trusted-ca-file in etcd.config".into())
            })?;
            let mut tls = ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(read_pem(ca, "CA certificate")?));
            if let (Some(cert), Some(key)) = (&config.tls.cert, &config.tls.key) {
                tls = tls.identity(Identity::from_pem(
                    read_pem(cert, "client certificate")?,
                    read_pem(key, "client key")?,
                ));
            }
            Some(tls)
        } else {
            None
        };
        let mut endpoints = Vec::new();
        for url in &config.endpoints {
            let bad = |e: &dyn std::fmt::Display| SetupError(format!("endpoint {url}: {e}"));
            let mut ep = Endpoint::from_shared(url.clone())
                .map_err(|e| bad(&e))?
                .connect_timeout(CONNECT_TIMEOUT)
                .http2_keep_alive_interval(Duration::from_secs(10))
                .keep_alive_timeout(Duration::from_secs(5))
                .keep_alive_while_idle(true);
            if let Some(tls) = &tls {
                ep = ep.tls_config(tls.clone()).map_err(|e| bad(&e))?;
            }
            endpoints.push((url.clone(), ep.connect_lazy()));
        }
        let credentials =
            config.username.clone().map(|u| (u, config.password.clone().unwrap_or_default()));
        Ok(Etcd { endpoints, current: AtomicUsize::new(0), credentials, token: Mutex::new(None) })
    }

    fn request<T>(&self, msg: T) -> tonic::Request<T> {
        let mut req = tonic::Request::new(msg);
        if let Some(t) = self.token.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            req.metadata_mut().insert("token", t);
        }
        req
    }

    async fn authenticate(&self, channel: Channel) -> Result<(), Error> {
        let Some((name, password)) = self.credentials.clone() else { return Ok(()) };
        let mut c = pb::auth_client::AuthClient::new(channel);
        let call = c.authenticate(pb::AuthenticateRequest { name, password });
        let resp = tokio::time::timeout(CALL_TIMEOUT, call)
            .await
            .map_err(|_| Error::Unavailable("authentication timed out".into()))?
            .map_err(|s| status_error(&s))?;
        let token = resp.into_inner().token.parse().map_err(|_| Error::Protocol("token".into()))?;
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token);
        Ok(())
    }

    /// Runs `f` on the endpoint that answered last, then on the others, until one answers.
    async fn call<T, F, Fut>(&self, f: F) -> Result<T, Error>
    where
        F: Fn(Channel) -> Fut,
        Fut: Future<Output = Result<T, tonic::Status>>,
    {
        let n = self.endpoints.len();
        let start = self.current.load(Ordering::Relaxed);
        let mut last = Error::Unavailable("no etcd endpoint configured".into());
        for i in 0..n {
            let idx = (start + i) % n;
            let (url, channel) = &self.endpoints[idx];
            let needs_token = self.credentials.is_some()
                && self.token.lock().unwrap_or_else(|p| p.into_inner()).is_none();
            if needs_token && let Err(e) = self.authenticate(channel.clone()).await {
                last = prefixed(url, e);
                continue;
            }
            let mut reauthenticated = false;
            loop {
                match tokio::time::timeout(CALL_TIMEOUT, f(channel.clone())).await {
                    Ok(Ok(v)) => {
                        self.current.store(idx, Ordering::Relaxed);
                        return Ok(v);
                    }
                    Ok(Err(s)) => match status_error(&s) {
                        // The token expired: one fresh one, then give up on this endpoint.
                        Error::Unauthenticated(_)
                            if self.credentials.is_some() && !reauthenticated =>
                        {
                            reauthenticated = true;
                            if let Err(e) = self.authenticate(channel.clone()).await {
                                return Err(prefixed(url, e));
                            }
                        }
                        e @ Error::Unavailable(_) => {
                            last = prefixed(url, e);
                            break;
                        }
                        e => return Err(e),
                    },
                    Err(_) => {
                        last = Error::Unavailable(format!("{url}: timed out"));
                        break;
                    }
                }
            }
        }
        Err(last)
    }
}

fn prefixed(url: &str, e: Error) -> Error {
    match e {
        Error::Unavailable(m) => Error::Unavailable(format!("{url}: {m}")),
        Error::Unauthenticated(m) => Error::Unauthenticated(format!("{url}: {m}")),
        other => other,
    }
}

/// The whole story of a failed call: tonic's message, then each cause (a TLS handshake that
/// failed on the CA says so only in the causes).
fn status_error(s: &tonic::Status) -> Error {
    let mut msg = s.message().to_string();
    let mut source = std::error::Error::source(s);
    while let Some(e) = source {
        let text = e.to_string();
        if !msg.contains(&text) {
            msg = if msg.is_empty() { text } else { format!("{msg}: {text}") };
        }
        source = e.source();
    }
    let lower = msg.to_ascii_lowercase();
    use tonic::Code;
    match s.code() {
        _ if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake") =>
        {
            Error::Unauthenticated(msg)
        }
        Code::Unauthenticated | Code::PermissionDenied => Error::Unauthenticated(msg),
        _ if lower.contains("lease not found") => Error::LeaseNotFound(0),
        _ if lower.contains("compacted") => Error::Compacted(0),
        Code::Unavailable | Code::DeadlineExceeded | Code::Unknown | Code::Cancelled => {
            Error::Unavailable(msg)
        }
        _ => Error::Refused(msg),
    }
}

/// The end of a prefix range: the prefix with its last byte incremented.
fn range_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    // All 0xff (or empty): to the end of the keyspace.
    vec![0]
}

fn entry(kv: pb::KeyValue) -> Result<Entry, Error> {
    if kv.key.len() > MAX_KEY || kv.value.len() > MAX_VALUE {
        return Err(Error::Protocol(format!("a key or value over {MAX_KEY}/{MAX_VALUE} bytes")));
    }
    let key = String::from_utf8(kv.key).map_err(|_| Error::Protocol("a key not UTF-8".into()))?;
    Ok(Entry { key, value: kv.value, mod_revision: kv.mod_revision, lease: kv.lease })
}

/// The changes of one watch response, and the revision of the last one.
fn changes(events: Vec<pb::Event>) -> Result<(Vec<Change>, i64), Error> {
    let last = events.iter().filter_map(|e| e.kv.as_ref().map(|kv| kv.mod_revision)).max();
    let changes = events
        .into_iter()
        .filter_map(|ev| {
            let kind = ev.r#type;
            let kv = ev.kv?;
            Some(if kind == pb::event::EventType::Delete as i32 {
                String::from_utf8(kv.key)
                    .map(|key| Change::Delete { key })
                    .map_err(|_| Error::Protocol("a key not UTF-8".into()))
            } else {
                entry(kv).map(Change::Put)
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((changes, last.unwrap_or(0)))
}

impl KvStore for Etcd {
    fn list(&self, prefix: &str) -> Call<'_, Listing> {
        let key = prefix.as_bytes().to_vec();
        let prefix = prefix.to_owned();
        Box::pin(async move {
            let resp = self
                .call(|ch| {
                    let req = self.request(pb::RangeRequest {
                        key: key.clone(),
                        range_end: range_end(&key),
                        ..Default::default()
                    });
                    async move {
                        pb::kv_client::KvClient::new(ch)
                            .max_decoding_message_size(MAX_MESSAGE)
                            .range(req)
                            .await
                    }
                })
                .await?
                .into_inner();
            if resp.kvs.len() > MAX_ENTRIES {
                return Err(Error::Protocol(format!(
                    "more than {MAX_ENTRIES} keys under {prefix}"
                )));
            }
            let revision = resp.header.map(|h| h.revision).unwrap_or(0);
            let entries = resp.kvs.into_iter().map(entry).collect::<Result<_, _>>()?;
            Ok(Listing { entries, revision })
        })
    }

    fn put(&self, key: &str, value: Vec<u8>, lease: Option<LeaseId>) -> Call<'_, ()> {
        let key = key.as_bytes().to_vec();
        Box::pin(async move {
            let r = self
                .call(|ch| {
                    let req = self.request(pb::PutRequest {
                        key: key.clone(),
                        value: value.clone(),
                        lease: lease.unwrap_or(0),
                        prev_kv: false,
                    });
                    async move { pb::kv_client::KvClient::new(ch).put(req).await }
                })
                .await;
            match r {
                Err(Error::LeaseNotFound(_)) => Err(Error::LeaseNotFound(lease.unwrap_or(0))),
                r => r.map(|_| ()),
            }
        })
    }

    fn create(&self, key: &str, value: Vec<u8>) -> Call<'_, Option<Vec<u8>>> {
        let key = key.as_bytes().to_vec();
        Box::pin(async move {
            let resp = self
                .call(|ch| {
                    let req = self.request(pb::TxnRequest {
                        compare: vec![pb::Compare {
                            result: pb::compare::CompareResult::Equal as i32,
                            target: pb::compare::CompareTarget::Create as i32,
                            key: key.clone(),
                            target_union: Some(pb::compare::TargetUnion::CreateRevision(0)),
                        }],
                        success: vec![pb::RequestOp {
                            request: Some(pb::request_op::Request::RequestPut(pb::PutRequest {
                                key: key.clone(),
                                value: value.clone(),
                                ..Default::default()
                            })),
                        }],
                        failure: vec![pb::RequestOp {
                            request: Some(pb::request_op::Request::RequestRange(
                                pb::RangeRequest { key: key.clone(), ..Default::default() },
                            )),
                        }],
                    });
                    async move { pb::kv_client::KvClient::new(ch).txn(req).await }
                })
                .await?
                .into_inner();
            if resp.succeeded {
                return Ok(None);
            }
            let existing = resp.responses.into_iter().find_map(|r| match r.response {
                Some(pb::response_op::Response::ResponseRange(range)) => {
                    range.kvs.into_iter().next()
                }
                _ => None,
            });
            match existing {
                Some(kv) => Ok(Some(entry(kv)?.value)),
                // Deleted between the compare and the read: say "taken" rather than guess.
                None => Ok(Some(Vec::new())),
            }
        })
    }

    fn delete(&self, key: &str) -> Call<'_, ()> {
        let key = key.as_bytes().to_vec();
        Box::pin(async move {
            self.call(|ch| {
                let req =
                    self.request(pb::DeleteRangeRequest { key: key.clone(), ..Default::default() });
                async move { pb::kv_client::KvClient::new(ch).delete_range(req).await }
            })
            .await
            .map(|_| ())
        })
    }

    fn grant(&self, ttl: Duration) -> Call<'_, LeaseId> {
        Box::pin(async move {
            let resp = self
                .call(|ch| {
                    let ttl = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
                    let req = self.request(pb::LeaseGrantRequest { ttl, id: 0 });
                    async move { pb::lease_client::LeaseClient::new(ch).lease_grant(req).await }
                })
                .await?
                .into_inner();
            if !resp.error.is_empty() {
                return Err(Error::Refused(resp.error));
            }
            Ok(resp.id)
        })
    }

    fn keep_alive(&self, lease: LeaseId) -> Call<'_, Duration> {
        Box::pin(async move {
            let ttl = self
                .call(|ch| {
                    let outbound =
                        futures_util::stream::iter([pb::LeaseKeepAliveRequest { id: lease }]);
                    let req = self.request(outbound);
                    async move {
                        let mut inbound = pb::lease_client::LeaseClient::new(ch)
                            .lease_keep_alive(req)
                            .await?
                            .into_inner();
                        let resp = inbound.message().await?;
                        Ok(resp.map_or(0, |r| r.ttl))
                    }
                })
                .await?;
            if ttl <= 0 {
                return Err(Error::LeaseNotFound(lease));
            }
            Ok(Duration::from_secs(ttl.unsigned_abs()))
        })
    }

    fn revoke(&self, lease: LeaseId) -> Call<'_, ()> {
        Box::pin(async move {
            self.call(|ch| {
                let req = self.request(pb::LeaseRevokeRequest { id: lease });
                async move { pb::lease_client::LeaseClient::new(ch).lease_revoke(req).await }
            })
            .await
            .map(|_| ())
        })
    }

    fn watch(&self, prefix: &str, from: i64) -> Call<'_, super::Watch> {
        let key = prefix.as_bytes().to_vec();
        Box::pin(async move {
            let mut inbound = self
                .call(|ch| {
                    let create = pb::WatchCreateRequest {
                        key: key.clone(),
                        range_end: range_end(&key),
                        start_revision: from,
                        progress_notify: true,
                        ..Default::default()
                    };
                    let first = pb::WatchRequest {
                        request_union: Some(pb::watch_request::RequestUnion::CreateRequest(create)),
                    };
                    // The request stream stays open: closing it would end the watch.
                    let outbound =
                        futures_util::stream::iter([first]).chain(futures_util::stream::pending());
                    let req = self.request(outbound);
                    async move {
                        pb::watch_client::WatchClient::new(ch)
                            .max_decoding_message_size(MAX_MESSAGE)
                            .watch(req)
                            .await
                    }
                })
                .await?
                .into_inner();
            let (tx, rx) = mpsc::channel(256);
            tokio::spawn(async move {
                loop {
                    let ev = match inbound.message().await {
                        // The header of the creation answer is the store's revision now, not
                        // how far this watch has caught up: it moves nothing.
                        Ok(Some(r)) if r.created && r.events.is_empty() && !r.canceled => continue,
                        Ok(Some(r)) if r.compact_revision > 0 => {
                            Err(Error::Compacted(r.compact_revision))
                        }
                        Ok(Some(r)) if r.canceled => Err(Error::Refused(format!(
                            "the watch was canceled: {}",
                            r.cancel_reason
                        ))),
                        Ok(Some(r)) => {
                            // A progress notice (no events) vouches for everything up to the
                            // header's revision; a batch only for its own last event.
                            let header = r.header.map_or(0, |h| h.revision);
                            changes(r.events).map(|(changes, last)| {
                                let revision = if changes.is_empty() { header } else { last };
                                WatchEvent::Changes { changes, revision }
                            })
                        }
                        Ok(None) => Err(Error::Unavailable("the watch stream ended".into())),
                        Err(s) => Err(status_error(&s)),
                    };
                    let ev = match ev {
                        Err(Error::Compacted(rev)) => Ok(WatchEvent::Compacted(rev)),
                        other => other,
                    };
                    let last = !matches!(ev, Ok(WatchEvent::Changes { .. }));
                    if tx.send(ev).await.is_err() || last {
                        return;
                    }
                }
            });
            Ok(rx)
        })
    }

    fn endpoints(&self) -> Call<'_, Vec<EndpointStatus>> {
        Box::pin(async move {
            let asks = self.endpoints.iter().map(|(url, ch)| {
                let req = self.request(pb::StatusRequest {});
                let mut c = pb::maintenance_client::MaintenanceClient::new(ch.clone());
                async move {
                    let r = tokio::time::timeout(CALL_TIMEOUT, c.status(req)).await;
                    let (version, leader) = match r {
                        Ok(Ok(resp)) => {
                            let s = resp.into_inner();
                            let me = s.header.map_or(0, |h| h.member_id);
                            (Ok(s.version), s.leader != 0 && s.leader == me)
                        }
                        Ok(Err(s)) => (Err(status_error(&s).to_string()), false),
                        Err(_) => (Err("timed out".to_string()), false),
                    };
                    EndpointStatus { endpoint: url.clone(), version, leader }
                }
            });
            Ok(futures_util::future::join_all(asks).await)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_ranges() {
        assert_eq!(range_end(b"cilium/state/nodes/v1/"), b"cilium/state/nodes/v10".to_vec());
        assert_eq!(range_end(b"a\xff"), b"b".to_vec());
        assert_eq!(range_end(b""), vec![0]);
    }

    #[test]
    fn setup_errors_name_the_file() {
        let c = EtcdConfig {
            endpoints: vec!["https://127.0.0.1:2379".into()],
            tls: super::super::TlsFiles {
                ca: Some("/nonexistent/ca.crt".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let e = Etcd::new(&c).expect_err("missing CA");
        assert!(e.0.contains("/nonexistent/ca.crt"), "{e}");
    }
}
