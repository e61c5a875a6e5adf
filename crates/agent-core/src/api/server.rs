//! The REST server on the agent's unix socket. Routes only parse requests and render answers;
//! [`Agent`] decides. Errors become a JSON string body with a status code in one place,
//! [`error_response`], as Cilium's API does.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::models::DaemonConfigurationSpec;
use crate::daemon::{Agent, ApiError};

/// Largest request body accepted; configuration patches are tiny.
const MAX_BODY: usize = 1 << 20;

/// The API router, rooted at `/v1`.
pub fn router(agent: Arc<Agent>) -> Router {
    let v1 = Router::new()
        .route("/healthz", get(healthz))
        .route("/config", get(get_config).patch(patch_config))
        .route("/map", get(map_list))
        .route("/map/{name}", get(map_get))
        .route("/monitor", get(monitor));
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
    json(StatusCode::OK, &agent.status())
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
    let stream = futures_util::stream::unfold((rx, kinds), |(mut rx, kinds)| async move {
        loop {
            let line = match rx.recv().await {
                Ok(ev) => {
                    let kind = serde_json::to_value(ev.kind).ok()?;
                    if !kinds.is_empty() && !kinds.iter().any(|k| kind == k.as_str()) {
                        continue;
                    }
                    serde_json::to_string(&*ev).ok()?
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    format!("{{\"lost\":{n}}}")
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            };
            let bytes = Bytes::from(line + "\n");
            return Some((Ok::<_, std::io::Error>(bytes), (rx, kinds)));
        }
    });
    let mut resp = axum::body::Body::from_stream(stream).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, "application/x-ndjson".parse().expect("static header"));
    resp
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
        ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = serde_json::Value::String(err.to_string()).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
