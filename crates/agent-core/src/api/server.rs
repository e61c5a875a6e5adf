//! The REST server on the agent's unix socket. Routes only parse requests and render answers;
//! [`Agent`] decides. Errors become a JSON string body with a status code in one place,
//! [`error_response`], as Cilium's API does.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
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
        .route("/config", get(get_config).patch(patch_config));
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
