//! The real `hubble` binary against an in-process fake Hubble server on a unix socket: the
//! connection, the request the flags make, streaming, Ctrl-C, health and errors. The fake
//! serves the flows of `tests/golden/json.txt` and applies the request's filters with
//! agent-core's evaluator, as the agent does.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agent_core::hubble::filter::FlowFilters;
use agent_core::hubble::proto::observer::get_flows_response::ResponseTypes;
use agent_core::hubble::proto::observer::observer_server::{Observer, ObserverServer};
use agent_core::hubble::proto::observer::{
    GetAgentEventsRequest, GetAgentEventsResponse, GetDebugEventsRequest, GetDebugEventsResponse,
    GetFlowsRequest, GetFlowsResponse, GetNamespacesRequest, GetNamespacesResponse,
    GetNodesRequest, GetNodesResponse, ServerStatusRequest, ServerStatusResponse,
};
use tonic::codegen::tokio_stream::{self, Stream, StreamExt};
use tonic::{Request, Response, Status};

type FlowStream = Pin<Box<dyn Stream<Item = Result<GetFlowsResponse, Status>> + Send>>;
type EventStream = Pin<Box<dyn Stream<Item = Result<GetAgentEventsResponse, Status>> + Send>>;
type DebugStream = Pin<Box<dyn Stream<Item = Result<GetDebugEventsResponse, Status>> + Send>>;

/// Serves the golden flows; records every request.
#[derive(Clone, Default)]
struct Fake {
    requests: Arc<Mutex<Vec<GetFlowsRequest>>>,
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

fn stored_flows() -> Vec<GetFlowsResponse> {
    let text = std::fs::read_to_string(golden("json.txt")).expect("golden json");
    text.lines().map(|l| serde_json::from_str(l).expect("golden line")).collect()
}

#[tonic::async_trait]
impl Observer for Fake {
    type GetFlowsStream = FlowStream;
    type GetAgentEventsStream = EventStream;
    type GetDebugEventsStream = DebugStream;

    async fn get_flows(
        &self,
        req: Request<GetFlowsRequest>,
    ) -> Result<Response<FlowStream>, Status> {
        let req = req.into_inner();
        self.requests.lock().expect("lock").push(req.clone());
        let filters = FlowFilters::compile(&req.whitelist, &req.blacklist)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let mut flows: Vec<GetFlowsResponse> = stored_flows()
            .into_iter()
            .filter(|r| match &r.response_types {
                Some(ResponseTypes::Flow(f)) => filters.matches(f),
                _ => filters.is_empty(),
            })
            .collect();
        let n = usize::try_from(req.number).unwrap_or(usize::MAX);
        if req.first {
            flows.truncate(n);
        } else if n != 0 && n < flows.len() {
            flows.drain(..flows.len() - n);
        }
        let head = tokio_stream::iter(flows.into_iter().map(Ok));
        if req.follow {
            // Nothing new ever happens: the client ends the stream.
            Ok(Response::new(Box::pin(head.chain(tokio_stream::pending()))))
        } else {
            Ok(Response::new(Box::pin(head)))
        }
    }

    async fn get_agent_events(
        &self,
        _: Request<GetAgentEventsRequest>,
    ) -> Result<Response<EventStream>, Status> {
        Err(Status::unimplemented("GetAgentEvents not implemented"))
    }

    async fn get_debug_events(
        &self,
        _: Request<GetDebugEventsRequest>,
    ) -> Result<Response<DebugStream>, Status> {
        Err(Status::unimplemented("GetDebugEvents not implemented"))
    }

    async fn get_nodes(
        &self,
        _: Request<GetNodesRequest>,
    ) -> Result<Response<GetNodesResponse>, Status> {
        Err(Status::unimplemented("GetNodes not implemented"))
    }

    async fn get_namespaces(
        &self,
        _: Request<GetNamespacesRequest>,
    ) -> Result<Response<GetNamespacesResponse>, Status> {
        Err(Status::unimplemented("GetNamespaces not implemented"))
    }

    async fn server_status(
        &self,
        _: Request<ServerStatusRequest>,
    ) -> Result<Response<ServerStatusResponse>, Status> {
        Ok(Response::new(ServerStatusResponse {
            num_flows: 7,
            max_flows: 4095,
            seen_flows: 7000,
            uptime_ns: 70_000_000_000,
            version: "test".into(),
            ..Default::default()
        }))
    }
}

/// A fake server on a unix socket in a temporary directory, running until dropped.
struct Server {
    dir: tempfile::TempDir,
    fake: Fake,
    _rt: tokio::runtime::Runtime,
}

impl Server {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let sock = dir.path().join("hubble.sock");
        let fake = Fake::default();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = rt.block_on(async { tokio::net::UnixListener::bind(&sock) }).expect("bind");
        let served = fake.clone();
        rt.spawn(async move {
            let (health, health_service) = tonic_health::server::health_reporter();
            health
                .set_service_status("hubble.server.Observer", tonic_health::ServingStatus::Serving)
                .await;
            let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener);
            tonic::transport::Server::builder()
                .add_service(health_service)
                .add_service(ObserverServer::new(served))
                .serve_with_incoming(incoming)
                .await
                .expect("serve");
        });
        Self { dir, fake, _rt: rt }
    }

    fn address(&self) -> String {
        format!("unix://{}", self.dir.path().join("hubble.sock").display())
    }

    fn hubble(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
        c.env_remove("HUBBLE_SERVER").env("NO_COLOR", "1").arg("--server").arg(self.address());
        c
    }

    fn requests(&self) -> Vec<GetFlowsRequest> {
        self.fake.requests.lock().expect("lock").clone()
    }
}

fn run(mut c: Command) -> Output {
    c.output().expect("run hubble")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn golden_lines(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(golden(name)).expect("golden");
    text.lines().map(str::to_string).collect()
}

#[test]
fn observe_prints_the_last_flows() {
    let s = Server::start();
    let mut c = s.hubble();
    c.args(["observe", "--last", "2"]);
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let compact = golden_lines("compact.txt");
    assert_eq!(text(&out.stdout), format!("{}\n{}\n", compact[5], compact[6]));
    let reqs = s.requests();
    assert_eq!((reqs[0].number, reqs[0].first, reqs[0].follow), (2, false, false));
}

#[test]
fn observe_sends_the_filters_and_the_server_applies_them() {
    let s = Server::start();
    let mut c = s.hubble();
    c.args(["observe", "flows", "-t", "trace-audit", "-o", "json"]);
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", golden_lines("json.txt")[2]));
    let reqs = s.requests();
    assert_eq!(reqs[0].number, 20);
    assert_eq!(reqs[0].whitelist.len(), 1);
    assert_eq!(reqs[0].whitelist[0].verdict, vec![4]);

    let mut c = s.hubble();
    c.args(["observe", "--not", "--ip", "192.168.1.10", "-o", "dict", "--first", "1"]);
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("  TIMESTAMP: Aug 21 12:12:23.500\n"),
        "{}",
        text(&out.stdout)
    );
    let reqs = s.requests();
    assert_eq!(reqs[1].blacklist.len(), 2, "source and destination variants");
    assert!(reqs[1].first);
    // JSON asks for whole flows; the text formats only for what they print, as upstream.
    assert_eq!(reqs[0].field_mask, None);
    let paths = reqs[1].field_mask.as_ref().map(|m| m.paths.clone()).unwrap_or_default();
    assert!(paths.contains(&"IP".to_string()) && paths.contains(&"Summary".to_string()));

    let mut c = s.hubble();
    c.args(["observe", "-o", "dict", "--use-default-field-masks=false"]);
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(s.requests()[2].field_mask, None);
}

#[test]
fn follow_ends_with_ctrl_c() {
    let s = Server::start();
    let mut c = s.hubble();
    c.args(["observe", "-f", "--last", "1"]).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = c.spawn().expect("spawn");
    // Wait until the flow arrived, then interrupt.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while s.requests().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(killed.expect("kill").success());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{:?} {}", out.status, text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", golden_lines("compact.txt")[6]));
    assert!(s.requests()[0].follow);
}

#[test]
fn status_checks_health_then_prints_counters() {
    let s = Server::start();
    let mut c = s.hubble();
    c.arg("status");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "Healthcheck (via {}): Ok\nCurrent/Max Flows: 7/4,095 (0.17%)\nFlows/s: 100.00\n",
            s.address()
        )
    );
    let mut c = s.hubble();
    c.args(["status", "-o", "json"]);
    let out = run(c);
    assert_eq!(
        text(&out.stdout),
        "{\"num_flows\":\"7\",\"max_flows\":\"4095\",\"seen_flows\":\"7000\",\"uptime_ns\":\"70000000000\",\"version\":\"test\"}\n"
    );
}

#[test]
fn list_nodes_unimplemented_explains_relay() {
    let s = Server::start();
    let mut c = s.hubble();
    c.args(["list", "nodes"]);
    let out = run(c);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "Error: rpc error: code = Unimplemented desc = GetNodes not implemented\n\
         This Hubble server does not list nodes (upstream agents leave that to Hubble Relay).\n"
    );
}

#[test]
fn no_server_is_an_error_with_a_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sock = format!("unix://{}/none.sock", dir.path().display());
    let out = run({
        let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
        c.args(["observe", "--server", &sock]);
        c
    });
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with(&format!("Error: failed to connect to '{sock}': ")), "{err}");
    assert!(err.contains("Is cilium-agent running with hubble.enabled?"), "{err}");
}

#[test]
fn input_file_from_stdin_is_filtered_locally() {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
    c.args(["observe", "--input-file", "-", "--verdict", "DROPPED", "--print-node-name"])
        .env("HUBBLE_SERVER", "unix:///nonexistent")
        .stdin(std::fs::File::open(golden("json.txt")).expect("golden"));
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", golden_lines("compact-node-policy.txt")[1]));
}

#[test]
fn field_mask_keeps_only_the_named_fields() {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
    c.args(["observe", "-o", "json", "--field-mask", "verdict,IP.source", "--input-file"])
        .arg(golden("json.txt"));
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert!(!lines.is_empty());
    for l in lines.iter().filter(|l| l.get("flow").is_some()) {
        let mut keys: Vec<&String> = l["flow"].as_object().expect("flow").keys().collect();
        keys.sort();
        assert_eq!(keys, ["IP", "verdict"], "{l}");
        assert_eq!(l["flow"]["IP"].as_object().map(|o| o.len()), Some(1), "{l}");
    }
    let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
    c.args(["observe", "--field-mask", "verdict", "--input-file"]).arg(golden("json.txt"));
    let out = run(c);
    assert!(!out.status.success(), "compact output with a field mask is an error, as upstream");
}

#[test]
fn table_output_replays_a_file() {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
    c.args(["observe", "-o", "table", "--input-file"]).arg(golden("json.txt"));
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), std::fs::read_to_string(golden("table.txt")).expect("golden"));
}

#[test]
fn print_raw_filters_needs_no_server() {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
    c.args([
        "observe",
        "--print-raw-filters",
        "--to-port",
        "22",
        "--not",
        "--from-identity",
        "world",
    ]);
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "allowlist:\n    - '{\"destination_port\":[\"22\"]}'\ndenylist:\n    - '{\"source_identity\":[2]}'\n"
    );
}

#[test]
fn flag_mistakes_exit_1() {
    for (args, msg) in [
        (&["observe", "--first", "1", "-f"][..], "Error: cannot set both --first and --follow\n"),
        (
            &["observe", "-o", "table", "-f"],
            "Error: table output format is not compatible with follow mode\n",
        ),
        (
            &["observe", "--ip", "1.1.1.1", "--not"],
            "Error: trailing --not found in the arguments\n",
        ),
        (&["observe", "--verdict", "dropped"], "Error: invalid --verdict value: dropped\n"),
    ] {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hubble"));
        c.args(args);
        let out = run(c);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr), msg, "{args:?}");
    }
}
