//! The flow map page (`hubble.ui.enabled`): a page served from the binary, and two JSON
//! calls it polls, answered from the relay when this node runs one, else from this node.
//!
//! - `GET /api/nodes`: `GetNodes`, as upstream's JSON;
//! - `GET /api/flows?last=N` or `?since=<unix ns>`: `{"flows": [GetFlowsResponse...], "next":
//!   <unix ns>, "source": "..."}`: the last `N` flows (per node through the relay), or those
//!   from `since` on; `next` is where the page asks from next time.
//!
//! Everything is bounded: at most [`MAX_FLOWS`] flows per answer, [`ANSWER_TIME`] to gather
//! them, a few query parameters of a few digits.

use std::time::Duration;

use futures_util::StreamExt;
use hyper::StatusCode;
use tonic::Request;

use super::observer::Service;
use super::proto::observer::observer_server::Observer as _;
use super::proto::observer::{GetFlowsRequest, GetFlowsResponse, GetNodesRequest};
use super::relay::Relay;
use super::timestamp::Timestamp;
use crate::web::{self, Reply};

/// Flows in one answer.
pub const MAX_FLOWS: u64 = 10_000;
/// Time to gather one answer.
pub const ANSWER_TIME: Duration = Duration::from_secs(5);

const INDEX: &[u8] = include_bytes!("../../ui/index.html");
const APP_JS: &[u8] = include_bytes!("../../ui/app.js");
const APP_CSS: &[u8] = include_bytes!("../../ui/app.css");
const D3: &[u8] = include_bytes!("../../ui/vendor/d3.min.js");

/// Where the page's data comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// This node's observer.
    Node(Service),
    /// The relay on this node: the whole cluster.
    Relay(Relay),
}

impl Source {
    fn describe(&self) -> &'static str {
        match self {
            Self::Node(_) => "this node",
            Self::Relay(_) => "the cluster, through Hubble Relay",
        }
    }

    async fn flows(&self, req: GetFlowsRequest) -> Result<Vec<GetFlowsResponse>, tonic::Status> {
        let mut stream = match self {
            Self::Node(s) => s.get_flows(Request::new(req)).await?.into_inner(),
            Self::Relay(r) => r.get_flows(Request::new(req)).await?.into_inner(),
        };
        let mut out = Vec::new();
        let deadline = tokio::time::Instant::now() + ANSWER_TIME;
        while (out.len() as u64) < MAX_FLOWS {
            match tokio::time::timeout_at(deadline, stream.next()).await {
                Ok(Some(Ok(r))) => out.push(r),
                Ok(Some(Err(e))) => return Err(e),
                Ok(None) | Err(_) => break,
            }
        }
        Ok(out)
    }

    async fn nodes(&self) -> Result<String, tonic::Status> {
        let nodes = match self {
            Self::Node(s) => s.get_nodes(Request::new(GetNodesRequest {})).await?,
            Self::Relay(r) => r.get_nodes(Request::new(GetNodesRequest {})).await?,
        };
        serde_json::to_string(nodes.get_ref()).map_err(|e| tonic::Status::internal(e.to_string()))
    }
}

/// What `/api/flows` was asked.
#[derive(Debug, PartialEq, Eq)]
enum Window {
    Last(u64),
    Since(u64),
}

fn window(query: Option<&str>) -> Result<Window, String> {
    let mut out = Window::Last(2000);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()).take(4) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let n: u64 = v
            .parse()
            .ok()
            .filter(|_| v.len() <= 20)
            .ok_or_else(|| format!("{k}: expected a number, found {v:?}"))?;
        out = match k {
            "last" => Window::Last(n.clamp(1, MAX_FLOWS)),
            "since" => Window::Since(n),
            _ => return Err(format!("unknown parameter {k:?} (last, since)")),
        };
    }
    Ok(out)
}

fn json(status: StatusCode, body: String) -> Reply {
    web::text(status, "application/json", body)
}

fn error(status: StatusCode, msg: &str) -> Reply {
    json(status, serde_json::json!({ "error": msg }).to_string())
}

async fn api_flows(source: &Source, query: Option<&str>) -> Reply {
    let w = match window(query) {
        Ok(w) => w,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let req = match w {
        Window::Last(n) => GetFlowsRequest { number: n, ..Default::default() },
        Window::Since(ns) => GetFlowsRequest {
            number: MAX_FLOWS,
            since: Some(Timestamp::from_unix_nanos(ns)),
            ..Default::default()
        },
    };
    let since = match w {
        Window::Since(ns) => ns,
        Window::Last(_) => 0,
    };
    match source.flows(req).await {
        Ok(flows) => {
            // The next window starts after the newest flow: `since` is inclusive.
            let newest = flows
                .iter()
                .filter_map(|r| r.time.map(|t| t.unix_nanos()))
                .max()
                .map_or(since, |t| t.saturating_add(1));
            let items: Vec<serde_json::Value> =
                flows.iter().filter_map(|r| serde_json::to_value(r).ok()).collect();
            let body = serde_json::json!({
                "flows": items,
                "next": newest.max(since),
                "source": source.describe(),
            });
            json(StatusCode::OK, body.to_string())
        }
        Err(e) => error(StatusCode::BAD_GATEWAY, e.message()),
    }
}

fn asset(content_type: &str, body: &'static [u8]) -> Reply {
    let mut r = web::text(StatusCode::OK, content_type, body);
    let h = r.headers_mut();
    // The page loads only its own files and talks only to its own server.
    h.insert(
        hyper::header::CONTENT_SECURITY_POLICY,
        hyper::header::HeaderValue::from_static(
            "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ),
    );
    h.insert(
        hyper::header::X_CONTENT_TYPE_OPTIONS,
        hyper::header::HeaderValue::from_static("nosniff"),
    );
    r
}

/// The page's request handler.
pub fn handler(source: Source) -> web::Handler {
    std::sync::Arc::new(move |req| {
        let source = source.clone();
        Box::pin(async move {
            if req.method() != hyper::Method::GET {
                return error(StatusCode::METHOD_NOT_ALLOWED, "only GET");
            }
            match req.uri().path() {
                "/" | "/index.html" => asset("text/html; charset=utf-8", INDEX),
                "/app.js" => asset("text/javascript; charset=utf-8", APP_JS),
                "/app.css" => asset("text/css; charset=utf-8", APP_CSS),
                "/vendor/d3.min.js" => asset("text/javascript; charset=utf-8", D3),
                "/api/nodes" => match source.nodes().await {
                    Ok(body) => json(StatusCode::OK, body),
                    Err(e) => error(StatusCode::BAD_GATEWAY, e.message()),
                },
                "/api/flows" => api_flows(&source, req.uri().query()).await,
                _ => error(StatusCode::NOT_FOUND, "not found"),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_bounded() {
        assert_eq!(window(None), Ok(Window::Last(2000)));
        assert_eq!(window(Some("last=50")), Ok(Window::Last(50)));
        assert_eq!(window(Some("last=99999999")), Ok(Window::Last(MAX_FLOWS)));
        assert_eq!(
            window(Some("since=1700000000000000000")),
            Ok(Window::Since(1_700_000_000_000_000_000))
        );
        assert!(window(Some("since=-1")).is_err());
        assert!(window(Some("since=1e9")).is_err());
        assert!(window(Some("evil=1")).is_err());
        assert!(window(Some(&format!("last={}", "9".repeat(40)))).is_err());
    }

    #[test]
    fn the_vendored_library_is_what_its_checksum_says() {
        use sha2::Digest;
        let want = include_str!("../../ui/vendor/d3.min.js.sha256");
        let got = format!("{:x}", sha2::Sha256::digest(D3));
        assert_eq!(want.split_whitespace().next(), Some(got.as_str()));
    }

    #[tokio::test]
    async fn the_page_and_its_api_answer_from_the_observer() {
        let obs = std::sync::Arc::new(crate::hubble::observer::Observer::new(
            16,
            "c/vm1".into(),
            "1.0.0".into(),
            Box::new(Vec::new),
        ));
        obs.push_flow(crate::hubble::proto::flow::Flow {
            time: Some(Timestamp::from_unix_nanos(5_000)),
            ..Default::default()
        });
        let source = Source::Node(Service(obs));
        let reply = api_flows(&source, Some("last=10")).await;
        assert_eq!(reply.status(), StatusCode::OK);
        use http_body_util::BodyExt;
        let body = reply.into_body().collect().await.expect("body").to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["flows"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["next"], 5_001, "after the newest flow");
        let reply = api_flows(&source, Some("since=5001")).await;
        let body = reply.into_body().collect().await.expect("body").to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["flows"].as_array().map(Vec::len), Some(0));
        assert_eq!(v["next"], 5_001, "nothing new: the same window again");
    }
}
