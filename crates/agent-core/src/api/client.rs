//! The REST client the CLIs use to talk to the local agent over its unix socket.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use hyperlocal::UnixConnector;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::models::{
    BpfMap, BpfMapList, DaemonConfiguration, DaemonConfigurationSpec, Endpoint, Identity,
    LabelConfiguration, LabelConfigurationSpec, Policy, PolicyApplyResult, StatusResponse,
};

/// The agent's socket when nothing else is said.
pub const DEFAULT_SOCKET: &str = "/var/run/cilium/cilium.sock";

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing answers on the socket.
    #[error("cannot reach the agent at {}: {reason}", socket.display())]
    Unreachable {
        /// The socket tried.
        socket: PathBuf,
        /// What the OS said.
        reason: String,
    },
    /// The agent did not answer in time.
    #[error("the agent at {} did not answer within {}s", socket.display(), timeout.as_secs())]
    Timeout {
        /// The socket tried.
        socket: PathBuf,
        /// The limit.
        timeout: Duration,
    },
    /// The agent answered with an error.
    #[error("{message} (HTTP {status})")]
    Api {
        /// HTTP status.
        status: u16,
        /// The agent's message.
        message: String,
    },
    /// The answer was not what the API promises.
    #[error("unexpected answer from the agent: {0}")]
    Protocol(String),
}

impl ClientError {
    /// True when the agent could not be reached at all (as opposed to answering with an error).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ClientError::Unreachable { .. } | ClientError::Timeout { .. })
    }
}

/// A client of one agent.
#[derive(Debug, Clone)]
pub struct Client {
    socket: PathBuf,
    timeout: Duration,
    http: HyperClient<UnixConnector, Full<Bytes>>,
}

impl Client {
    /// A client for the agent listening on `socket`.
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Client {
            socket: socket.into(),
            timeout: Duration::from_secs(30),
            http: HyperClient::builder(TokioExecutor::new()).build(UnixConnector),
        }
    }

    /// Sets the per-call timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The socket this client talks to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// `GET /v1/healthz`.
    pub async fn status(&self, brief: bool) -> Result<StatusResponse, ClientError> {
        let header = ("brief", if brief { "true" } else { "false" });
        self.call(Method::GET, "/v1/healthz", None::<&()>, Some(header)).await
    }

    /// `GET /v1/config`.
    pub async fn config(&self) -> Result<DaemonConfiguration, ClientError> {
        self.call(Method::GET, "/v1/config", None::<&()>, None).await
    }

    /// `PATCH /v1/config`.
    pub async fn patch_config(&self, spec: &DaemonConfigurationSpec) -> Result<(), ClientError> {
        self.call::<serde_json::Value, _>(Method::PATCH, "/v1/config", Some(spec), None)
            .await
            .map(|_| ())
    }

    /// `PUT /v1/policy`: applies a policy file's text.
    pub async fn policy_apply(
        &self,
        file: &str,
        text: &str,
        dry_run: bool,
        force: bool,
    ) -> Result<PolicyApplyResult, ClientError> {
        let path = format!("/v1/policy?file={}&dry-run={dry_run}&force={force}", encode(file));
        self.call(Method::PUT, &path, Some(&text), None).await
    }

    /// `GET /v1/policy`.
    pub async fn policy_get(&self, name: Option<&str>) -> Result<Policy, ClientError> {
        let path = match name {
            Some(n) => format!("/v1/policy?name={}", encode(n)),
            None => "/v1/policy".into(),
        };
        self.call(Method::GET, &path, None::<&()>, None).await
    }

    /// `DELETE /v1/policy`: one policy, or all with `None`.
    pub async fn policy_delete(&self, name: Option<&str>) -> Result<Policy, ClientError> {
        let path = match name {
            Some(n) => format!("/v1/policy?name={}", encode(n)),
            None => "/v1/policy?all=true".into(),
        };
        self.call(Method::DELETE, &path, None::<&()>, None).await
    }

    /// `GET /v1/endpoint`.
    pub async fn endpoints(&self) -> Result<Vec<Endpoint>, ClientError> {
        self.call(Method::GET, "/v1/endpoint", None::<&()>, None).await
    }

    /// `GET /v1/endpoint/{id}`.
    pub async fn endpoint(&self, id: &str) -> Result<Endpoint, ClientError> {
        self.call(Method::GET, &format!("/v1/endpoint/{}", encode(id)), None::<&()>, None).await
    }

    /// `GET /v1/endpoint/{id}/labels`.
    pub async fn labels(&self, id: &str) -> Result<LabelConfiguration, ClientError> {
        self.call(Method::GET, &format!("/v1/endpoint/{}/labels", encode(id)), None::<&()>, None)
            .await
    }

    /// `PATCH /v1/endpoint/{id}/labels`.
    pub async fn set_labels(
        &self,
        id: &str,
        spec: &LabelConfigurationSpec,
    ) -> Result<(), ClientError> {
        self.call::<serde_json::Value, _>(
            Method::PATCH,
            &format!("/v1/endpoint/{}/labels", encode(id)),
            Some(spec),
            None,
        )
        .await
        .map(|_| ())
    }

    /// `GET /v1/identity`.
    pub async fn identities(&self) -> Result<Vec<Identity>, ClientError> {
        self.call(Method::GET, "/v1/identity", None::<&()>, None).await
    }

    /// `GET /v1/identity/{id}`.
    pub async fn identity(&self, id: &str) -> Result<Identity, ClientError> {
        self.call(Method::GET, &format!("/v1/identity/{}", encode(id)), None::<&()>, None).await
    }

    /// `GET /v1/cluster/nodes`.
    pub async fn cluster_nodes(&self) -> Result<super::models::ClusterNodeStatus, ClientError> {
        self.call(Method::GET, "/v1/cluster/nodes", None::<&()>, None).await
    }

    /// `GET /v1/encryption/key`.
    pub async fn encryption_key(&self) -> Result<super::models::EncryptionKey, ClientError> {
        self.call(Method::GET, "/v1/encryption/key", None::<&()>, None).await
    }

    /// `POST /v1/encryption/rotate`.
    pub async fn encryption_rotate(&self) -> Result<super::models::EncryptionKey, ClientError> {
        self.call(Method::POST, "/v1/encryption/rotate", Some(&serde_json::Value::Null), None).await
    }

    /// `GET /v1/map`.
    pub async fn map_list(&self) -> Result<BpfMapList, ClientError> {
        self.call(Method::GET, "/v1/map", None::<&()>, None).await
    }

    /// `GET /v1/map/{name}`.
    pub async fn map_get(&self, name: &str) -> Result<BpfMap, ClientError> {
        self.call(Method::GET, &format!("/v1/map/{name}"), None::<&()>, None).await
    }

    /// `GET /v1/monitor`: a live stream of event lines (JSON), optionally of some types only.
    pub async fn monitor(&self, types: &[String]) -> Result<LineStream, ClientError> {
        let query: Vec<String> = types.iter().map(|t| format!("type={t}")).collect();
        let path = if query.is_empty() {
            "/v1/monitor".to_string()
        } else {
            format!("/v1/monitor?{}", query.join("&"))
        };
        let uri: hyper::Uri = hyperlocal::Uri::new(&self.socket, &path).into();
        let req = Request::builder()
            .method(Method::GET)
            .uri(uri)
            .header("Accept", "application/x-ndjson")
            .body(Full::new(Bytes::new()))
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let resp = tokio::time::timeout(self.timeout, self.http.request(req))
            .await
            .map_err(|_| ClientError::Timeout {
                socket: self.socket.clone(),
                timeout: self.timeout,
            })?
            .map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            return Err(api_error(status, &bytes));
        }
        Ok(LineStream { body: resp.into_body(), buf: Vec::new() })
    }

    /// Any call: JSON in, JSON out. An empty 2xx body decodes as JSON `null`.
    pub async fn call<T: DeserializeOwned, B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        header: Option<(&str, &str)>,
    ) -> Result<T, ClientError> {
        let uri: hyper::Uri = hyperlocal::Uri::new(&self.socket, path).into();
        let mut req =
            Request::builder().method(method).uri(uri).header("Accept", "application/json");
        if let Some((k, v)) = header {
            req = req.header(k, v);
        }
        let payload = match body {
            Some(b) => {
                req = req.header("Content-Type", "application/json");
                Bytes::from(
                    serde_json::to_vec(b).map_err(|e| ClientError::Protocol(e.to_string()))?,
                )
            }
            None => Bytes::new(),
        };
        let req = req.body(Full::new(payload)).map_err(|e| ClientError::Protocol(e.to_string()))?;

        let exchange = async {
            let resp = self.http.request(req).await.map_err(|e| self.unreachable(&e))?;
            let status = resp.status();
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| ClientError::Protocol(format!("reading the answer: {e}")))?
                .to_bytes();
            Ok::<_, ClientError>((status, bytes))
        };
        let (status, bytes) =
            tokio::time::timeout(self.timeout, exchange).await.map_err(|_| {
                ClientError::Timeout { socket: self.socket.clone(), timeout: self.timeout }
            })??;

        if !status.is_success() {
            return Err(api_error(status, &bytes));
        }
        let bytes = if bytes.is_empty() { Bytes::from_static(b"null") } else { bytes };
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol(e.to_string()))
    }

    fn unreachable(&self, e: &hyper_util::client::legacy::Error) -> ClientError {
        // The legacy client wraps the io::Error; its innermost source has the OS's words.
        let mut reason = e.to_string();
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
        while let Some(s) = src {
            reason = s.to_string();
            src = s.source();
        }
        if e.is_connect() {
            ClientError::Unreachable { socket: self.socket.clone(), reason }
        } else {
            ClientError::Protocol(reason)
        }
    }
}

/// Percent-encodes a query or path component.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A response body read line by line as it arrives.
#[derive(Debug)]
pub struct LineStream {
    body: hyper::body::Incoming,
    buf: Vec<u8>,
}

impl LineStream {
    /// The next line, without its newline; `None` at the end of the stream.
    pub async fn next_line(&mut self) -> Option<Result<String, ClientError>> {
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=pos).collect();
                return Some(Ok(String::from_utf8_lossy(&line[..line.len() - 1]).into_owned()));
            }
            match self.body.frame().await {
                None => {
                    if self.buf.is_empty() {
                        return None;
                    }
                    let rest = std::mem::take(&mut self.buf);
                    return Some(Ok(String::from_utf8_lossy(&rest).into_owned()));
                }
                Some(Err(e)) => return Some(Err(ClientError::Protocol(e.to_string()))),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buf.extend_from_slice(&data);
                    }
                }
            }
        }
    }
}

/// Cilium's error bodies are a bare JSON string; fall back to the raw text.
fn api_error(status: StatusCode, body: &[u8]) -> ClientError {
    let message = serde_json::from_slice::<String>(body)
        .unwrap_or_else(|_| String::from_utf8_lossy(body).trim().to_string());
    let message = if message.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        message
    };
    ClientError::Api { status: status.as_u16(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies() {
        match api_error(StatusCode::BAD_REQUEST, br#""unknown option Foo""#) {
            ClientError::Api { status, message } => {
                assert_eq!(status, 400);
                assert_eq!(message, "unknown option Foo");
            }
            other => panic!("{other:?}"),
        }
        match api_error(StatusCode::NOT_FOUND, b"") {
            ClientError::Api { message, .. } => assert_eq!(message, "Not Found"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn missing_socket_is_unreachable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = Client::new(dir.path().join("nope.sock")).status(false).await.unwrap_err();
        assert!(err.is_unreachable(), "{err:?}");
        assert!(err.to_string().contains("nope.sock"), "{err}");
    }
}
