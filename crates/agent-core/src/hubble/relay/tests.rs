use std::time::Duration;

use futures_util::StreamExt;
use tonic::Request;

use super::fake::{FakeDialer, FakeFeed, eventually, notification};
use super::*;
use crate::hubble::observer::Observer;
use crate::hubble::proto::flow::{Flow, FlowFilter, Ip, Verdict};
use crate::hubble::proto::observer::get_flows_response::ResponseTypes;
use crate::hubble::proto::observer::observer_server::Observer as _;
use crate::hubble::proto::peer::ChangeNotification;
use crate::hubble::proto::peer::ChangeNotificationType::{PeerAdded, PeerDeleted};
use crate::hubble::timestamp::Timestamp;

fn flow(secs: u64, src: &str, verdict: Verdict) -> Flow {
    Flow {
        time: Some(Timestamp::from_unix_nanos(secs * 1_000_000_000)),
        verdict: verdict as i32,
        ip: Some(Ip { source: src.into(), ..Default::default() }),
        ..Default::default()
    }
}

/// A relay over the fake nodes `up` (answering) and `down` (named by the Peer service only).
async fn relay(
    up: &[&str],
    down: &[&str],
) -> (Relay, FakeDialer, mpsc::Sender<ChangeNotification>) {
    let dialer = FakeDialer::default();
    for n in up {
        dialer.node(n);
    }
    let pool = Pool::new(Box::new(dialer.clone()));
    let relay = Relay::new(pool, "c/relay".into(), "1.0.0".into(), Options::default());
    let (tx, rx) = mpsc::channel(16);
    let feed: PeerStream = Box::pin(ReceiverStream::new(rx).map(Ok));
    relay.follow(Arc::new(FakeFeed(Mutex::new(Some(feed)))));
    for (i, n) in up.iter().chain(down).enumerate() {
        tx.send(notification(n, &format!("10.0.0.{}:4244", i + 1), PeerAdded)).await.expect("feed");
    }
    let want = up.len();
    let r = relay.clone();
    eventually(move || r.members().iter().filter(|m| m.state.is_ok()).count() == want).await;
    (relay, dialer, tx)
}

async fn collect(relay: &Relay, req: GetFlowsRequest) -> Vec<GetFlowsResponse> {
    let mut s = relay.get_flows(Request::new(req)).await.expect("accepted").into_inner();
    let mut out = Vec::new();
    while let Some(r) = tokio::time::timeout(Duration::from_secs(10), s.next()).await.expect("ends")
    {
        out.push(r.expect("item"));
    }
    out
}

fn describe(r: &GetFlowsResponse) -> String {
    match &r.response_types {
        Some(ResponseTypes::Flow(f)) => {
            format!("{} {}", r.node_name, f.ip.as_ref().map(|i| i.source.as_str()).unwrap_or(""))
        }
        Some(ResponseTypes::NodeStatus(s)) => format!(
            "{} {}",
            NodeState::try_from(s.state_change).unwrap_or_default().as_str_name(),
            s.node_names.join(",")
        ),
        Some(ResponseTypes::LostEvents(_)) => "lost".into(),
        None => "none".into(),
    }
}

#[tokio::test]
async fn the_fleet_in_time_order_with_unreachable_nodes_named_first() {
    let (relay, dialer, _feed) = relay(&["c/vm1", "c/vm2"], &["c/vm3"]).await;
    let obs1 = dialer.node("c/vm1");
    let obs2 = dialer.node("c/vm2");
    // Each node in order, the two interleaved in time.
    for (s, src) in [(1, "a1"), (3, "a3"), (5, "a5")] {
        obs1.push_flow(flow(s, src, Verdict::Forwarded));
    }
    for (s, src) in [(2, "b2"), (4, "b4")] {
        obs2.push_flow(flow(s, src, Verdict::Dropped));
    }
    let got: Vec<String> =
        collect(&relay, GetFlowsRequest::default()).await.iter().map(describe).collect();
    assert_eq!(
        got,
        [
            "NODE_CONNECTED c/vm1,c/vm2",
            "NODE_UNAVAILABLE c/vm3",
            "c/vm1 a1",
            "c/vm2 b2",
            "c/vm1 a3",
            "c/vm2 b4",
            "c/vm1 a5"
        ]
    );

    // Filters and counts are the nodes' own: `--last 1` is one per node.
    let dropped = FlowFilter { verdict: vec![Verdict::Dropped as i32], ..Default::default() };
    let got: Vec<String> =
        collect(&relay, GetFlowsRequest { whitelist: vec![dropped], ..Default::default() })
            .await
            .iter()
            .map(describe)
            .filter(|d| d.starts_with("c/"))
            .collect();
    assert_eq!(got, ["c/vm2 b2", "c/vm2 b4"]);
    let got: Vec<String> = collect(&relay, GetFlowsRequest { number: 1, ..Default::default() })
        .await
        .iter()
        .map(describe)
        .filter(|d| d.starts_with("c/"))
        .collect();
    assert_eq!(got, ["c/vm2 b4", "c/vm1 a5"]);
}

#[tokio::test]
async fn bad_requests_are_refused_by_the_relay_itself() {
    let (relay, _dialer, _feed) = relay(&["c/vm1"], &[]).await;
    let bad = FlowFilter { source_ip: vec!["not an ip".into()], ..Default::default() };
    let err = relay
        .get_flows(Request::new(GetFlowsRequest { whitelist: vec![bad], ..Default::default() }))
        .await
        .err()
        .expect("refused");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
}

#[tokio::test]
async fn a_follower_sees_a_node_that_comes_up_later() {
    let (relay, dialer, feed) = relay(&["c/vm1"], &[]).await;
    let obs1 = dialer.node("c/vm1");
    let mut s = relay
        .get_flows(Request::new(GetFlowsRequest { follow: true, ..Default::default() }))
        .await
        .expect("accepted")
        .into_inner();
    let mut next = async || {
        let r = tokio::time::timeout(Duration::from_secs(10), s.next()).await;
        describe(&r.expect("in time").expect("open").expect("ok"))
    };
    assert_eq!(next().await, "NODE_CONNECTED c/vm1");
    // The relay's reader of a node subscribes on its own time: flows keep coming until one
    // is through, as a live node's would; the extra ones that follow are skipped.
    let now = || Timestamp::now().unix_nanos() / 1_000_000_000;
    let mut until_through = async |obs: &Observer, src: &str, want: &str| {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while tokio::time::Instant::now() < deadline {
            obs.push_flow(flow(now(), src, Verdict::Forwarded));
            let round = tokio::time::Instant::now() + Duration::from_millis(500);
            while let Ok(d) = tokio::time::timeout_at(round, next()).await {
                if d == want {
                    return;
                }
            }
        }
        panic!("no {want} in 20 s");
    };
    until_through(&obs1, "a", "c/vm1 a").await;

    let obs2 = dialer.node("c/vm2");
    feed.send(notification("c/vm2", "10.0.0.2:4244", PeerAdded)).await.expect("feed");
    let r = relay.clone();
    eventually(move || r.members().iter().filter(|m| m.state.is_ok()).count() == 2).await;
    // The follower picks vm2 up within its peer update interval.
    until_through(&obs2, "b", "c/vm2 b").await;

    feed.send(notification("c/vm2", "", PeerDeleted)).await.expect("feed");
    let r = relay.clone();
    eventually(move || r.members().len() == 1).await;
}

#[tokio::test]
async fn status_and_nodes_cover_the_fleet() {
    let (relay, dialer, _feed) = relay(&["c/vm1", "c/vm2"], &["c/vm3"]).await;
    dialer.node("c/vm1").push_flow(flow(1, "a", Verdict::Forwarded));
    let st =
        relay.server_status(Request::new(ServerStatusRequest {})).await.expect("ok").into_inner();
    assert_eq!(st.num_connected_nodes.map(|v| v.value), Some(2));
    assert_eq!(st.num_unavailable_nodes.map(|v| v.value), Some(1));
    assert_eq!(st.unavailable_nodes, ["c/vm3"]);
    assert_eq!(st.max_flows, 128, "two rings of 64");
    assert_eq!(st.version, "1.0.0");

    let nodes =
        relay.get_nodes(Request::new(GetNodesRequest {})).await.expect("ok").into_inner().nodes;
    let states: Vec<(String, i32)> = nodes.iter().map(|n| (n.name.clone(), n.state)).collect();
    assert_eq!(
        states,
        [
            ("c/vm1".to_string(), NodeState::NodeConnected as i32),
            ("c/vm2".to_string(), NodeState::NodeConnected as i32),
            ("c/vm3".to_string(), NodeState::NodeUnavailable as i32),
        ]
    );
    assert_eq!(nodes[2].address, "10.0.0.3:4244");

    // A node going down mid-life: the next status check notices.
    dialer.stop("c/vm2");
    relay.pool.failed("c/vm2", "connection refused");
    let st =
        relay.server_status(Request::new(ServerStatusRequest {})).await.expect("ok").into_inner();
    assert_eq!(st.num_unavailable_nodes.map(|v| v.value), Some(2));
}
