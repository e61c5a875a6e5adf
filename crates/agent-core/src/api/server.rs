//! The REST server on the agent's unix socket. Routes only parse requests and render answers;
//! [`Agent`] decides. Errors become a JSON string body with a status code in one place,
//! [`error_response`], as Cilium's API does.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::models::DaemonConfigurationSpec;
use crate::api::monitor::{EventKind, MonitorRecord, obs_point_name};
use crate::daemon::{Agent, ApiError};

/// Largest request body accepted: a policy file of tens of thousands of rules fits; the socket
/// is local and only root and group `cilium` may use it.
const MAX_BODY: usize = 64 << 20;

/// The API router, rooted at `/v1`.
pub fn router(agent: Arc<Agent>) -> Router {
    let v1 = Router::new()
        .route("/healthz", get(healthz))
        .route("/config", get(get_config).patch(patch_config))
        .route("/map", get(map_list))
        .route("/map/{name}", get(map_get))
        .route("/monitor", get(monitor))
        .route("/policy", get(policy_get).put(policy_put).delete(policy_delete))
        .route("/endpoint", get(endpoint_list))
        .route("/endpoint/{id}", get(endpoint_get))
        .route("/endpoint/{id}/labels", get(labels_get).patch(labels_patch))
        .route("/identity", get(identity_list))
        .route("/identity/{id}", get(identity_get))
        .route("/cluster/nodes", get(cluster_nodes))
        .route("/encryption/key", get(encryption_key))
        .route("/encryption/rotate", axum::routing::post(encryption_rotate));
    Router::new()
        .nest("/v1", v1)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(log_request))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(agent)
}

async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let resp = next.run(req).await;
    tracing::debug!(%method, path, status = resp.status().as_u16(), "API request");
    resp
}

async fn healthz(State(agent): State<Arc<Agent>>) -> Response {
    json(StatusCode::OK, &agent.status_full().await)
}

async fn get_config(State(agent): State<Arc<Agent>>) -> Response {
    json(StatusCode::OK, &agent.daemon_config())
}

async fn patch_config(State(agent): State<Arc<Agent>>, body: Bytes) -> Response {
    let spec: DaemonConfigurationSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => {
            return error_response(&ApiError::BadRequest(format!("invalid request body: {e}")));
        }
    };
    match agent.patch_config(&spec) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => error_response(&e),
    }
}

async fn map_list(State(agent): State<Arc<Agent>>) -> Response {
    match agent.map_list() {
        Ok(m) => json(StatusCode::OK, &m),
        Err(e) => error_response(&e),
    }
}

async fn map_get(State(agent): State<Arc<Agent>>, Path(name): Path<String>) -> Response {
    match agent.map_get(&name) {
        Ok(m) => json(StatusCode::OK, &m),
        Err(e) => error_response(&e),
    }
}

/// Streams datapath events as JSON lines until the client goes away. A client that falls
/// behind gets a `{"lost": N}` line instead of the events it missed.
async fn monitor(State(agent): State<Arc<Agent>>, query: axum::extract::RawQuery) -> Response {
    let kinds: Vec<String> = query
        .0
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.strip_prefix("type="))
        .map(str::to_string)
        .collect();
    for k in &kinds {
        if !["drop", "trace", "policy-verdict"].contains(&k.as_str()) {
            return error_response(&ApiError::BadRequest(format!(
                "unknown event type {k:?}: use drop, trace or policy-verdict"
            )));
        }
    }
    let rx = agent.subscribe_events();
    let proxy_port = agent.proxy().map_or(0, |p| p.port());
    let names = InterfaceNames::default();
    let stream = futures_util::stream::unfold(
        (rx, kinds, names),
        move |(mut rx, kinds, mut names)| async move {
            loop {
                let line = match rx.recv().await {
                    Ok(ev) => {
                        let kind = serde_json::to_value(ev.kind).ok()?;
                        if !kinds.is_empty() && !kinds.iter().any(|k| kind == k.as_str()) {
                            continue;
                        }
                        let to_proxy =
                            ev.kind == EventKind::Trace && obs_point_name(ev.subtype) == "to-proxy";
                        let record = MonitorRecord {
                            ifname: names.get(ev.ifindex),
                            proxy_port: if to_proxy { proxy_port } else { 0 },
                            event: (*ev).clone(),
                        };
                        serde_json::to_string(&record).ok()?
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        format!("{{\"lost\":{n}}}")
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                };
                let bytes = Bytes::from(line + "\n");
                return Some((Ok::<_, std::io::Error>(bytes), (rx, kinds, names)));
            }
        },
    );
    let mut resp = axum::body::Body::from_stream(stream).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, "application/x-ndjson".parse().expect("static header"));
    resp
}

/// Interface names by index for a monitor stream: listed again when an index is not known,
/// at most once a second (an interface that went away would otherwise cost a listing per
/// event).
#[derive(Default)]
struct InterfaceNames {
    names: HashMap<u32, String>,
    listed: Option<std::time::Instant>,
}

impl InterfaceNames {
    fn get(&mut self, index: u32) -> String {
        if index == 0 {
            return String::new();
        }
        if !self.names.contains_key(&index)
            && self.listed.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1))
        {
            self.names = crate::datapath::interface_names();
            self.listed = Some(std::time::Instant::now());
        }
        self.names.get(&index).cloned().unwrap_or_default()
    }
}

type Params = Query<HashMap<String, String>>;

fn flag(q: &HashMap<String, String>, k: &str) -> bool {
    q.get(k).is_some_and(|v| v == "true" || v.is_empty())
}

fn answer<T: serde::Serialize>(r: Result<T, ApiError>) -> Response {
    match r {
        Ok(v) => json(StatusCode::OK, &v),
        Err(e) => error_response(&e),
    }
}

async fn policy_get(State(agent): State<Arc<Agent>>, Query(q): Params) -> Response {
    answer(agent.policy_get(q.get("name").map(String::as_str)))
}

/// The body is the policy file's text (YAML or JSON); a JSON string literal is accepted too,
/// as upstream's old `PUT /policy` sent it.
async fn policy_put(State(agent): State<Arc<Agent>>, Query(q): Params, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body).into_owned();
    let text = if text.trim_start().starts_with('"') {
        match serde_json::from_str::<String>(&text) {
            Ok(t) => t,
            Err(e) => {
                return error_response(&ApiError::BadRequest(format!("invalid request body: {e}")));
            }
        }
    } else {
        text
    };
    let file = q.get("file").cloned().unwrap_or_else(|| "-".into());
    let agent2 = agent.clone();
    let (dry, force) = (flag(&q, "dry-run"), flag(&q, "force"));
    // Resolution and map writes are synchronous work; keep them off the reactor.
    let r =
        tokio::task::spawn_blocking(move || agent2.policy_apply(&file, &text, dry, force)).await;
    answer(r.unwrap_or_else(|e| Err(ApiError::Internal(e.to_string()))))
}

async fn policy_delete(State(agent): State<Arc<Agent>>, Query(q): Params) -> Response {
    let name = q.get("name").cloned();
    if name.is_none() && !flag(&q, "all") {
        return error_response(&ApiError::BadRequest(
            "name a policy (?name=) or delete all (?all=true)".into(),
        ));
    }
    let r = tokio::task::spawn_blocking(move || agent.policy_delete(name.as_deref())).await;
    answer(r.unwrap_or_else(|e| Err(ApiError::Internal(e.to_string()))))
}

/// Endpoint IDs are `[prefix:]id`; the VM has one endpoint, the host.
fn host_endpoint_id(id: &str) -> Result<(), ApiError> {
    let n = id.rsplit(':').next().unwrap_or(id);
    match n.parse::<u64>() {
        Ok(crate::daemon::HOST_ENDPOINT_ID) => Ok(()),
        Ok(_) => Err(ApiError::NotFound(format!("endpoint {id} not found"))),
        Err(_) => Err(ApiError::BadRequest(format!("invalid endpoint ID {id:?}"))),
    }
}

async fn endpoint_list(State(agent): State<Arc<Agent>>) -> Response {
    json(StatusCode::OK, &vec![agent.host_endpoint()])
}

async fn endpoint_get(State(agent): State<Arc<Agent>>, Path(id): Path<String>) -> Response {
    answer(host_endpoint_id(&id).map(|()| agent.host_endpoint()))
}

async fn labels_get(State(agent): State<Arc<Agent>>, Path(id): Path<String>) -> Response {
    answer(host_endpoint_id(&id).map(|()| agent.labels_get()))
}

async fn labels_patch(
    State(agent): State<Arc<Agent>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(e) = host_endpoint_id(&id) {
        return error_response(&e);
    }
    let spec: crate::api::models::LabelConfigurationSpec = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return error_response(&ApiError::BadRequest(format!("invalid request body: {e}")));
        }
    };
    let r = tokio::task::spawn_blocking(move || agent.labels_set(&spec)).await;
    match r.unwrap_or_else(|e| Err(ApiError::Internal(e.to_string()))) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => error_response(&e),
    }
}

async fn identity_list(State(agent): State<Arc<Agent>>) -> Response {
    json(StatusCode::OK, &agent.identities())
}

async fn identity_get(State(agent): State<Arc<Agent>>, Path(id): Path<String>) -> Response {
    let Ok(n) = id.parse::<u32>() else {
        return error_response(&ApiError::BadRequest(format!("invalid identity {id:?}")));
    };
    answer(
        agent
            .identities()
            .into_iter()
            .find(|i| i.id == n)
            .ok_or_else(|| ApiError::NotFound(format!("identity {n} not found"))),
    )
}

async fn cluster_nodes(State(agent): State<Arc<Agent>>) -> Response {
    let c = agent.status().cluster.unwrap_or_default();
    json(
        StatusCode::OK,
        &crate::api::models::ClusterNodeStatus {
            client_id: 0,
            self_: c.self_,
            nodes_added: c.nodes,
        },
    )
}

async fn encryption_key(State(agent): State<Arc<Agent>>) -> Response {
    answer(agent.encryption_key())
}

async fn encryption_rotate(State(agent): State<Arc<Agent>>) -> Response {
    answer(agent.rotate_key().await)
}

async fn not_found() -> Response {
    error_response(&ApiError::NotFound("no such API path".into()))
}

fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => error_response(&ApiError::Internal(format!("encoding the answer: {e}"))),
    }
}

/// The one place where errors become HTTP answers.
pub fn error_response(err: &ApiError) -> Response {
    let status = match err {
        ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = serde_json::Value::String(err.to_string()).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
