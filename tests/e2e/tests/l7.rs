//! L7 HTTP policy (seed 6.4) on the netns VMs: the seed-style policy on the backend's port
//! 8080, checked with curl from the frontend and a third VM, Hubble's http-request and
//! http-response lines, the proxy's status, and what an agent restart does.

use std::time::Duration;

use testbed::{SEED_VMS, seed_cluster_configured, sweep_stale, unique_prefix, wait_for};

const POLICY: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/policies/l7-frontend-to-backend.yaml");
const EGRESS_POLICY: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/policies/l7-frontend-egress.yaml");

/// `curl` from `vm`: the status codes of `urls`, fetched over one connection (curl reuses
/// it), with `-X method`; `None` when curl got no HTTP answer within two seconds.
fn codes(vm: &testbed::Vm, method: &str, urls: &[&str]) -> Option<Vec<u16>> {
    codes_with(vm, method, &[], urls)
}

/// [`codes`] with extra curl arguments (headers).
fn codes_with(vm: &testbed::Vm, method: &str, extra: &[&str], urls: &[&str]) -> Option<Vec<u16>> {
    let mut argv = vec!["curl", "-s", "--max-time", "2", "-X", method];
    argv.extend_from_slice(extra);
    argv.extend_from_slice(&["-w", "%{http_code} %{num_connects}\\n"]);
    for url in urls {
        argv.extend_from_slice(&["-o", "/dev/null", url]);
    }
    let out = vm.exec(&argv).ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut codes = Vec::new();
    let mut connects = 0;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let code: u16 = words.next()?.parse().ok()?;
        connects += words.next().and_then(|c| c.parse::<u32>().ok()).unwrap_or(0);
        if code == 0 {
            return None;
        }
        codes.push(code);
    }
    // Keep-alive: one connection for all of them, denied requests included.
    assert_eq!(connects, 1, "curl needed {connects} connections: {text}");
    (codes.len() == urls.len()).then_some(codes)
}

fn body(vm: &testbed::Vm, url: &str) -> String {
    let out = vm.exec(&["curl", "-s", "--max-time", "2", url]).expect("curl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The HTTP flows `vm`'s Hubble holds, as `hubble observe -o json` prints them.
fn http_flows(vm: &testbed::Vm) -> Vec<serde_json::Value> {
    let out = vm
        .run(&["hubble", "observe", "--last", "1000", "--protocol", "http", "-o", "json"])
        .expect("json");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

const PUBLIC: &str = "http://192.168.1.11:8080/public";
const PRIVATE: &str = "http://192.168.1.11:8080/private";

#[test]
fn seed_http_policy_is_enforced_per_request_and_seen_by_hubble() {
    sweep_stale();
    let members: Vec<&str> = SEED_VMS.iter().map(|(n, _)| *n).collect();
    let mut tb = seed_cluster_configured(
        &unique_prefix(),
        SEED_VMS,
        &members,
        &[("vm1", &[("app", "frontend")]), ("vm2", &[("app", "backend")])],
        &|_, c| {
            c.replace(
                "hubble:\n  enabled: true\n",
                "hubble:\n  enabled: true\n  metrics:\n    enabled: [httpV2, flow]\n",
            )
        },
    )
    .expect("cluster");
    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    let site = tb.helper_file("public", "the public page\n").expect("file");
    tb.helper_file("private", "the private page\n").expect("file");
    let dir = site.parent().expect("dir").to_str().expect("utf-8").to_string();
    tb.spawn(
        "vm2",
        &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.11", "--directory", &dir],
    )
    .expect("server");
    wait_for("the server on vm2", Duration::from_secs(10), || vm2.http_ok(PUBLIC)).expect("up");

    let out = vm2.run(&["cilium", "policy", "apply", POLICY]).expect("apply");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Revision: "));

    // The seed's checks: GET /public passes, /private and POST are denied by the proxy with
    // Envoy's answer, and the connection stays usable after a denied request.
    assert_eq!(codes(&vm1, "GET", &[PUBLIC]), Some(vec![200]));
    assert_eq!(body(&vm1, PUBLIC), "the public page\n", "the application answers");
    assert_eq!(body(&vm1, PRIVATE), "Access denied\r\n");
    assert_eq!(codes(&vm1, "GET", &[PRIVATE, PUBLIC, PRIVATE]), Some(vec![403, 200, 403]));
    assert_eq!(codes(&vm1, "POST", &[PUBLIC]), Some(vec![403]));
    // Another label is refused at L4: no HTTP answer at all.
    assert_eq!(codes(&vm3, "GET", &[PUBLIC]), None, "vm3 is refused at L4");
    // The application saw only what the proxy let through.
    // Hubble: the seed's lines, as upstream prints them.
    let observe = |args: &[&str]| -> Vec<String> {
        let mut argv = vec!["hubble", "observe", "--last", "1000"];
        argv.extend_from_slice(args);
        let out = vm2.run(&argv).expect("hubble observe");
        String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
    };
    let http = observe(&["--protocol", "http"]);
    let has = |lines: &[String], needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(
        has(&http, "http-request FORWARDED (HTTP/1.1 GET http://192.168.1.11:8080/public)"),
        "{http:#?}"
    );
    assert!(
        http.iter().any(|l| l.contains("http-response FORWARDED (HTTP/1.1 200 ")
            && l.contains("ms (GET http://192.168.1.11:8080/public))")),
        "{http:#?}"
    );
    assert!(
        has(&http, "http-request DROPPED (HTTP/1.1 GET http://192.168.1.11:8080/private)"),
        "{http:#?}"
    );
    assert!(has(&http, "http-request DROPPED (HTTP/1.1 POST http://192.168.1.11:8080/public)"));
    assert!(http.iter().all(|l| !l.contains("192.168.1.12")), "vm3 never reached the proxy");
    // The datapath's trace says where the connection went, as Cilium's does.
    let traces = observe(&["--type", "trace", "--to-port", "8080"]);
    assert!(has(&traces, "to-proxy FORWARDED (TCP Flags: SYN)"), "{traces:#?}");
    // With the proxy's port, as upstream's flows carry it.
    let to_proxy = observe(&["--type", "trace", "--to-port", "8080", "-o", "json"])
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|f| f["flow"]["trace_observation_point"] == "TO_PROXY")
        .expect("a trace to the proxy");
    assert_eq!(to_proxy["flow"]["proxy_port"], 10000, "{to_proxy:#}");
    // The L7 filters.
    let denied = observe(&["--http-status", "403"]);
    assert!(!denied.is_empty() && denied.iter().all(|l| l.contains(" 403 ")), "{denied:#?}");
    let posts = observe(&["--http-method", "POST"]);
    assert!(!posts.is_empty() && posts.iter().all(|l| l.contains("POST")), "{posts:#?}");
    let private = observe(&["--http-path", "/priv.*"]);
    assert!(!private.is_empty() && private.iter().all(|l| l.contains("/private")), "{private:#?}");
    let url = observe(&["--http-url", "http://192.168.1.11:8080/public"]);
    assert!(!url.is_empty() && url.iter().all(|l| l.contains("/public")), "{url:#?}");
    // JSON: Cilium's L7 record.
    let flows = http_flows(&vm2);
    let req = flows
        .iter()
        .find(|f| f["flow"]["l7"]["type"] == "REQUEST" && f["flow"]["verdict"] == "FORWARDED")
        .expect("a forwarded request");
    assert_eq!(req["flow"]["Type"], "L7");
    assert_eq!(req["flow"]["event_type"]["type"], 129);
    assert_eq!(req["flow"]["l7"]["http"]["method"], "GET");
    assert_eq!(
        req["flow"]["source"]["labels"]
            .as_array()
            .map(|l| l.iter().any(|x| x == "node:app=frontend")),
        Some(true)
    );
    assert_eq!(req["flow"]["traffic_direction"], "INGRESS");
    let resp = flows
        .iter()
        .find(|f| f["flow"]["l7"]["type"] == "RESPONSE" && f["flow"]["l7"]["http"]["code"] == 200)
        .expect("a response");
    assert_eq!(resp["flow"]["is_reply"], true);
    assert_eq!(resp["flow"]["IP"]["source"], "192.168.1.11");

    // Hubble's HTTP metrics count the requests, and the dashboard's HTTP panels find them.
    let scrape = vm2.run(&["curl", "-s", "http://127.0.0.1:9965/metrics"]).expect("scrape");
    let scrape = String::from_utf8_lossy(&scrape.stdout).into_owned();
    assert!(
        scrape.lines().any(|l| l.starts_with("hubble_http_requests_total{method=\"GET\",protocol=\"HTTP/1.1\",status=\"200\",reporter=\"server\"}")),
        "{scrape}"
    );
    assert!(scrape.contains("status=\"403\""), "{scrape}");
    assert!(scrape.contains("hubble_flows_processed_total{protocol=\"HTTP\",type=\"L7\",subtype=\"HTTP\",verdict=\"DROPPED\"}"), "{scrape}");
    let queries = crate::metrics::dashboard_queries();
    let http: Vec<&String> = queries.iter().filter(|q| q.contains("hubble_http_")).collect();
    assert!(http.len() >= 2, "{queries:?}");
    for name in
        crate::metrics::dashboard_metrics(&queries).iter().filter(|n| n.starts_with("hubble_http_"))
    {
        assert!(
            scrape.lines().any(|l| l.starts_with(&format!("{name}{{"))),
            "the dashboard queries {name}: {scrape}"
        );
    }

    // The agent counts the proxy's messages as Cilium does, and the dashboard's L7 panels find
    // them: seven requests above, four denied; every response was passed on.
    let agent = crate::metrics::scrape_port(&vm2, 9962);
    let rule = |r: &str| {
        let series = format!("cilium_policy_l7_total{{rule=\"{r}\",proxy_type=\"envoy\"}} ");
        agent.lines().find_map(|l| l.strip_prefix(&series)?.trim().parse::<f64>().ok())
    };
    assert_eq!(rule("denied"), Some(4.0), "{agent}");
    let (received, forwarded) = (rule("received"), rule("forwarded"));
    assert!(received.is_some_and(|r| r >= 14.0), "{agent}");
    assert_eq!(received, forwarded.map(|f| f + 4.0), "{agent}");
    assert!(
        agent.lines().any(|l| l == r#"cilium_proxy_redirects{protocol="http"} 1.0"#),
        "{agent}"
    );
    for name in crate::metrics::dashboard_metrics(&queries)
        .iter()
        .filter(|n| n.starts_with("cilium_policy_l7_") || n.starts_with("cilium_proxy_"))
    {
        assert!(agent.lines().any(|l| l.starts_with(&format!("{name}{{"))), "{name}: {agent}");
    }

    // What the operator sees of the redirect.
    let status = vm2.run(&["cilium", "status"]).expect("status");
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        status.contains(
            "Proxy Status:            OK, ip 127.0.0.1, 1 redirects active on ports 10000-10000"
        ),
        "{status}"
    );
    let pol = vm2.run(&["cilium", "bpf", "policy", "get"]).expect("bpf policy");
    let pol = String::from_utf8_lossy(&pol.stdout).into_owned();
    assert!(pol.lines().any(|l| l.contains("8080/TCP") && l.contains("10000")), "{pol}");

    // An agent restart never lets a request through unchecked: while the agent is down the
    // L7 port refuses connections (the L4 allow does not take over), and once it is back the
    // rules hold again.
    tb.kill_agent("vm2");
    assert_eq!(codes(&vm1, "GET", &[PRIVATE]), None, "refused while the proxy is down");
    assert_eq!(codes(&vm1, "GET", &[PUBLIC]), None, "refused while the proxy is down");
    tb.restart_agent("vm2").expect("restart");
    wait_for("the proxy back", Duration::from_secs(15), || {
        codes(&vm1, "GET", &[PUBLIC]) == Some(vec![200])
    })
    .expect("back");
    assert_eq!(codes(&vm1, "GET", &[PRIVATE]), Some(vec![403]));
    assert_eq!(codes(&vm3, "GET", &[PUBLIC]), None);

    // Egress: the frontend's own agent judges what the frontend sends. Its rule is stricter
    // than the backend's (GET /public only with `X-Team: blue`), so a 403 for a plain
    // GET /public can only come from vm1's proxy; with the header the request passes both.
    let out = vm1.run(&["cilium", "policy", "apply", EGRESS_POLICY]).expect("apply egress");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Revision: "));
    let blue = ["-H", "X-Team: blue"];
    let requests = || {
        assert_eq!(codes_with(&vm1, "GET", &blue, &[PUBLIC]), Some(vec![200]));
        assert_eq!(
            codes_with(&vm1, "GET", &blue, &[PUBLIC, PRIVATE, PUBLIC]),
            Some(vec![200, 403, 200]),
            "one kept-alive connection, each request judged"
        );
        assert_eq!(codes(&vm1, "GET", &[PUBLIC]), Some(vec![403]), "no header: vm1 denies");
    };
    // Nothing leaves vm1 in plaintext: the proxy's own connection to vm2 takes the tunnel.
    let wire = tb.capture("vm1", "eth0", "tcp port 8080", requests).expect("capture");
    assert!(wire.is_empty(), "plaintext HTTP on vm1's wire: {wire:#?}");
    assert_eq!(body(&vm1, PUBLIC), "Access denied\r\n");
    // vm1's Hubble shows its egress requests.
    let flows = http_flows(&vm1);
    let dropped = flows
        .iter()
        .find(|f| f["flow"]["l7"]["type"] == "REQUEST" && f["flow"]["verdict"] == "DROPPED")
        .unwrap_or_else(|| panic!("a denied egress request: {flows:#?}"));
    assert_eq!(dropped["flow"]["traffic_direction"], "EGRESS");
    assert_eq!(dropped["flow"]["IP"]["source"], "192.168.1.10");
    assert_eq!(dropped["flow"]["IP"]["destination"], "192.168.1.11");
    assert_eq!(
        dropped["flow"]["destination"]["labels"]
            .as_array()
            .map(|l| l.iter().any(|x| x == "node:app=backend")),
        Some(true),
        "{dropped:#}"
    );
    assert!(
        dropped["flow"]["egress_denied_by"].is_array()
            || dropped["flow"]["Summary"].as_str().is_some_and(|s| s.contains("/public")),
        "{dropped:#}"
    );
    let text =
        vm1.run(&["hubble", "observe", "--last", "1000", "--http-status", "200"]).expect("observe");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        text.contains("http-response FORWARDED (HTTP/1.1 200 "),
        "vm1 sees the responses to its own requests: {text}"
    );
    let status = vm1.run(&["cilium", "status"]).expect("status");
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(status.contains("1 redirects active on ports 10000-10000"), "{status}");

    // An agent restart on the sending side: while it is down the egress port refuses (the
    // L4 allow does not take over), and once it is back the rules hold again.
    tb.kill_agent("vm1");
    assert_eq!(codes(&vm1, "GET", &[PUBLIC]), None, "refused while vm1's proxy is down");
    tb.restart_agent("vm1").expect("restart");
    wait_for("vm1's proxy back", Duration::from_secs(15), || {
        codes_with(&vm1, "GET", &blue, &[PUBLIC]) == Some(vec![200])
    })
    .expect("back");
    assert_eq!(codes(&vm1, "GET", &[PUBLIC]), Some(vec![403]));
}
