//! The Hubble Observer of a real agent through a gRPC client generated from our protos (what a
//! client built from Cilium's protos sees), and the `hubble` binary against it.

use std::path::PathBuf;

use agent_core::hubble::proto::flow::AgentEventType;
use agent_core::hubble::proto::observer::observer_client::ObserverClient;
use agent_core::hubble::proto::observer::{
    GetAgentEventsRequest, GetDebugEventsRequest, GetFlowsRequest, GetNodesRequest,
    ServerStatusRequest,
};
use tonic::transport::{Channel, Endpoint};

use crate::harness::{Agent, SEED_VM1, bin, stderr, stdout};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

async fn connect(socket: PathBuf) -> Channel {
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let socket = socket.clone();
            async move {
                let s = tokio::net::UnixStream::connect(socket).await?;
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(s))
            }
        }))
        .await
        .expect("connect to hubble.sock")
}

fn hubble_socket(agent: &Agent) -> PathBuf {
    agent.socket().with_file_name("hubble.sock")
}

#[test]
fn observer_answers_a_generated_grpc_client() {
    let agent = Agent::start(SEED_VM1);
    let socket = hubble_socket(&agent);
    runtime().block_on(async move {
        let channel = connect(socket).await;

        let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
        let check = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: "hubble.server.Observer".into(),
            })
            .await
            .expect("health check")
            .into_inner();
        assert_eq!(
            check.status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32
        );

        let mut client = ObserverClient::new(channel);
        let status =
            client.server_status(ServerStatusRequest {}).await.expect("status").into_inner();
        assert_eq!(status.max_flows, 4095, "hubble.eventBufferCapacity default");
        assert!(status.uptime_ns > 0);
        assert_eq!(status.version, env!("CARGO_PKG_VERSION"));

        let err = client
            .get_flows(GetFlowsRequest { first: true, follow: true, ..Default::default() })
            .await
            .expect_err("first with follow is refused");
        assert_eq!(err.code(), tonic::Code::InvalidArgument);
        assert!(err.message().contains("first cannot be specified with follow"), "{err:?}");

        // No datapath here: no flows, and the stream ends.
        let mut flows = client
            .get_flows(GetFlowsRequest { number: 20, ..Default::default() })
            .await
            .expect("get flows")
            .into_inner();
        assert!(flows.message().await.expect("stream").is_none());

        let mut events = client
            .get_agent_events(GetAgentEventsRequest { number: 10, ..Default::default() })
            .await
            .expect("agent events")
            .into_inner();
        let first = events.message().await.expect("stream").expect("agent started event");
        let ev = first.agent_event.expect("event");
        assert_eq!(ev.r#type, AgentEventType::AgentStarted as i32);
        assert_eq!(first.node_name, "vm-cluster/vm1");

        // No datapath, so no debug messages: the stream ends empty.
        let mut debug = client
            .get_debug_events(GetDebugEventsRequest { number: 10, ..Default::default() })
            .await
            .expect("debug events")
            .into_inner();
        assert!(debug.message().await.expect("stream").is_none());

        let nodes = client.get_nodes(GetNodesRequest {}).await.expect("nodes").into_inner().nodes;
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        assert!(names.contains(&"vm-cluster/vm1"), "{names:?}");
        assert!(names.contains(&"vm-cluster/192.168.1.11"), "{names:?}");
    });
}

#[test]
fn hubble_status_and_list_nodes_against_the_agent() {
    let agent = Agent::start(SEED_VM1);
    let server = format!("unix://{}", hubble_socket(&agent).display());
    let out = std::process::Command::new(bin("hubble"))
        .args(["status", "--server", &server])
        .output()
        .expect("run hubble");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("Healthcheck (via "), "{text}");
    assert!(text.contains(": Ok\n"), "{text}");
    assert!(text.contains("Current/Max Flows: 0/4,095 (0.00%)"), "{text}");
    assert!(text.contains("Flows/s: 0.00"), "{text}");

    let out = std::process::Command::new(bin("hubble"))
        .args(["list", "nodes", "--server", &server])
        .output()
        .expect("run hubble");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("NAME"), "{text}");
    assert!(text.contains("vm-cluster/vm1"), "{text}");
    assert!(text.contains("Connected"), "{text}");

    // VMs have no namespaces: the header alone, as upstream prints an empty list.
    let out = std::process::Command::new(bin("hubble"))
        .args(["list", "namespaces", "--server", &server])
        .output()
        .expect("run hubble");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "NAMESPACE\n");

    // The agent's own events: it started.
    let out = std::process::Command::new(bin("hubble"))
        .args(["observe", "agent-events", "--server", &server, "--print-node-name"])
        .output()
        .expect("run hubble");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l.contains(" [vm-cluster/vm1]: AGENT_STARTED (start time: ")),
        "{text}"
    );

    // `cilium status` shows the Hubble line.
    let out = agent.cilium(&["status"]);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.starts_with("Hubble:")).unwrap_or_default();
    assert!(line.contains("Ok") && line.contains("Current/Max Flows: 0/4095"), "{text}");
}

#[test]
fn no_agent_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = format!("unix://{}", dir.path().join("hubble.sock").display());
    let out = std::process::Command::new(bin("hubble"))
        .args(["observe", "--server", &server])
        .output()
        .expect("run hubble");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("hubble.sock"), "{}", stderr(&out));
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl is needed (CI installs it)");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA, a server certificate for `name` and a client certificate, all PEM, in `dir`.
fn make_pki(dir: &std::path::Path, name: &str) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let mut args = vec!["req", "-x509"];
    args.extend(ec);
    args.extend(["-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca"]);
    openssl(dir, &args);
    for (who, ext) in [
        ("server", format!("subjectAltName=DNS:{name}\nextendedKeyUsage=serverAuth\n")),
        ("client", "subjectAltName=DNS:client.test\nextendedKeyUsage=clientAuth\n".to_string()),
    ] {
        std::fs::write(dir.join(format!("{who}.ext")), ext).expect("ext");
        let mut args = vec!["req"];
        args.extend(ec);
        let key = format!("{who}.key");
        let csr = format!("{who}.csr");
        let subj = format!("/CN={who}");
        args.extend(["-keyout", &key, "-out", &csr, "-subj", &subj]);
        openssl(dir, &args);
        let crt = format!("{who}.crt");
        let ext = format!("{who}.ext");
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &crt,
                "-days",
                "1",
                "-extfile",
                &ext,
            ],
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

#[test]
fn tcp_listener_with_mutual_tls() {
    let port = free_port();
    let name = "vm1.vm-cluster.hubble-grpc.cilium.io";
    let agent = Agent::start_full(SEED_VM1, &[], |dir| {
        make_pki(dir, name);
        let p = |f: &str| dir.join(f).display().to_string();
        vec![
            "--set".into(),
            format!("hubble.listenAddress=127.0.0.1:{port}"),
            "--set".into(),
            format!("hubble.tls.certFile={}", p("server.crt")),
            "--set".into(),
            format!("hubble.tls.keyFile={}", p("server.key")),
            "--set".into(),
            format!("hubble.tls.clientCAFiles={}", p("ca.crt")),
        ]
    });
    let dir = agent.socket().parent().and_then(|p| p.parent()).expect("dir").to_path_buf();
    let f = |n: &str| dir.join(n).display().to_string();
    let server = format!("tls://127.0.0.1:{port}");
    let hubble = |extra: &[String]| {
        let mut args: Vec<String> = vec![
            "status".into(),
            "--server".into(),
            server.clone(),
            "--timeout".into(),
            "10s".into(),
        ];
        args.extend_from_slice(extra);
        std::process::Command::new(bin("hubble")).args(&args).output().expect("run hubble")
    };
    let ok = hubble(&[
        "--tls-ca-cert-files".into(),
        f("ca.crt"),
        "--tls-server-name".into(),
        name.into(),
        "--tls-client-cert-file".into(),
        f("client.crt"),
        "--tls-client-key-file".into(),
        f("client.key"),
    ]);
    assert!(
        ok.status.success(),
        "with a client certificate: {}\nlog:\n{}",
        stderr(&ok),
        agent.log()
    );
    assert!(stdout(&ok).contains("Current/Max Flows:"), "{}", stdout(&ok));
    let no_client = hubble(&[
        "--tls-ca-cert-files".into(),
        f("ca.crt"),
        "--tls-server-name".into(),
        name.into(),
    ]);
    assert!(!no_client.status.success(), "mutual TLS refuses a client without a certificate");
    // --tls-allow-insecure: no CA, no server name, still the client's certificate.
    let insecure = hubble(&[
        "--tls-allow-insecure".into(),
        "--tls-client-cert-file".into(),
        f("client.crt"),
        "--tls-client-key-file".into(),
        f("client.key"),
    ]);
    assert!(insecure.status.success(), "--tls-allow-insecure: {}", stderr(&insecure));
    let unverified = hubble(&[]);
    assert!(!unverified.status.success(), "without a CA and without the flag, TLS refuses");
    assert!(stderr(&unverified).contains("--tls-ca-cert-files"), "{}", stderr(&unverified));
    let plaintext = std::process::Command::new(bin("hubble"))
        .args(["status", "--server", &format!("127.0.0.1:{port}"), "--timeout", "5s"])
        .output()
        .expect("run hubble");
    assert!(!plaintext.status.success(), "a plaintext client gets nothing from a TLS listener");
    let out = agent.cilium(&["status"]);
    let line =
        stdout(&out).lines().find(|l| l.starts_with("Hubble:")).unwrap_or_default().to_string();
    assert!(!line.contains("without TLS"), "{line}");
}

#[test]
fn tls_without_client_cas_stays_for_the_cluster_unless_opened() {
    let name = "vm1.vm-cluster.hubble-grpc.cilium.io";
    let start = |any: bool| {
        let port = free_port();
        let agent = Agent::start_full(SEED_VM1, &[], |dir| {
            make_pki(dir, name);
            let p = |f: &str| dir.join(f).display().to_string();
            let mut args = vec![
                "--set".into(),
                format!("hubble.listenAddress=127.0.0.1:{port}"),
                "--set".into(),
                format!("hubble.tls.certFile={}", p("server.crt")),
                "--set".into(),
                format!("hubble.tls.keyFile={}", p("server.key")),
            ];
            if any {
                args.extend(["--set".into(), "hubble.tcpClients=any".into()]);
            }
            args
        });
        (agent, port)
    };
    let try_status = |agent: &Agent, port: u16| {
        let dir = agent.socket().parent().and_then(|p| p.parent()).expect("dir").to_path_buf();
        std::process::Command::new(bin("hubble"))
            .args(["status", "--server", &format!("tls://127.0.0.1:{port}"), "--timeout", "5s"])
            .args(["--tls-ca-cert-files", &dir.join("ca.crt").display().to_string()])
            .args(["--tls-server-name", name])
            .output()
            .expect("run hubble")
    };
    let (agent, port) = start(false);
    assert!(!try_status(&agent, port).status.success(), "loopback is no cluster node");
    let line = stdout(&agent.cilium(&["status"]))
        .lines()
        .find(|l| l.starts_with("Hubble:"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("with TLS, the other cluster nodes only"), "{line}");
    drop(agent);
    let (agent, port) = start(true);
    let out = try_status(&agent, port);
    assert!(out.status.success(), "hubble.tcpClients=any opens it: {}", stderr(&out));
    let line = stdout(&agent.cilium(&["status"]))
        .lines()
        .find(|l| l.starts_with("Hubble:"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("with TLS, any address"), "{line}");
}
