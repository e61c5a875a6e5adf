//! Wires Hubble into the agent: datapath events become flows in the observer's ring, agent
//! changes become agent events, and the Observer is served on the unix socket and TCP; with
//! `hubble.relay.enabled`, the Relay too, on its own socket and port.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use super::DaemonError;
use super::state::Agent;
use crate::hubble::metrics::HubbleMetrics;
use crate::hubble::observer::{Observer, Unbuilt};
use crate::hubble::parse::{Enrichment, L7_EVENT, l7_time, l7_verdict, node_name};
use crate::hubble::peer::PeerService;
use crate::hubble::proto::flow::{
    AgentEvent, AgentEventType, AgentEventUnknown, IpCacheNotification, LostEventSource,
    PolicyUpdateNotification, TimeNotification, agent_event::Notification,
};
use crate::hubble::proto::observer::{Node, Tls};
use crate::hubble::proto::relay::NodeState;
use crate::hubble::relay;
use crate::hubble::server::{self, TlsFiles};
use crate::hubble::timestamp::Timestamp;

/// How stale the identity/name view used for new flows may get.
const ENRICHMENT_TTL: Duration = Duration::from_secs(1);
/// How often the datapath's count of events lost to a full ring buffer is looked at.
const LOSS_CHECK: Duration = Duration::from_secs(1);
/// How long the L7 proxy's records wait to be taken as one batch: flows show up this much
/// later, and the agent's runtime wakes once per batch rather than once per request.
const L7_BATCH_DELAY: Duration = Duration::from_millis(5);

impl Agent {
    /// Notes that identities, node names or rules may have changed.
    pub(super) fn state_changed(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The observer, when Hubble runs.
    pub fn hubble(&self) -> Option<&Arc<Observer>> {
        self.hubble.get()
    }

    /// Hubble's name for this node.
    pub fn hubble_node_name(&self) -> String {
        node_name(&self.config().cluster_name, self.node_name())
    }

    /// Records an agent event for `GetAgentEvents` (no-op without Hubble).
    pub fn agent_event(&self, event: AgentEvent) {
        if let Some(h) = self.hubble() {
            h.push_agent_event(event);
        }
    }

    /// A policy change as Hubble reports it.
    pub(super) fn policy_event(&self, deleted: bool, names: &[String], revision: u64) {
        let (rules, _, _, _) = self.policy_metrics();
        self.agent_event(AgentEvent {
            r#type: if deleted {
                AgentEventType::PolicyDeleted
            } else {
                AgentEventType::PolicyUpdated
            } as i32,
            notification: Some(Notification::PolicyUpdate(PolicyUpdateNotification {
                labels: names.iter().map(|n| format!("name={n}")).collect(),
                revision,
                rule_count: rules as i64,
            })),
        });
    }

    /// A node address appearing or going away, as Hubble's ipcache events.
    pub(super) fn node_event(&self, ip: IpAddr, identity: u32, upserted: bool, node: &str) {
        let prefix = if ip.is_ipv4() { 32 } else { 128 };
        self.agent_event(AgentEvent {
            r#type: if upserted {
                AgentEventType::IpcacheUpserted
            } else {
                AgentEventType::IpcacheDeleted
            } as i32,
            notification: Some(Notification::IpcacheUpdate(IpCacheNotification {
                cidr: format!("{ip}/{prefix}"),
                identity,
                host_ip: ip.to_string(),
                pod_name: node.to_string(),
                ..Default::default()
            })),
        });
    }

    /// A WireGuard key rotation (no Hubble type exists for it).
    pub(super) fn key_rotated_event(&self, key_index: u64) {
        self.agent_event(AgentEvent {
            r#type: AgentEventType::AgentEventUnknown as i32,
            notification: Some(Notification::Unknown(AgentEventUnknown {
                r#type: "KeyRotated".into(),
                notification: format!("{{\"key_index\":{key_index}}}"),
            })),
        });
    }

    /// What flows are enriched with, read from the current state.
    pub fn hubble_enrichment(&self) -> Enrichment {
        let identities = self.identities();
        let host_labels = identities
            .iter()
            .find(|i| i.id == crate::identity::HOST)
            .map(|_| self.host_endpoint().status.identity.labels)
            .unwrap_or_default();
        let mut names = std::collections::HashMap::new();
        let mut remote = std::collections::HashMap::new();
        for p in self.mesh_peers() {
            for ip in &p.node.ips {
                names.insert(*ip, format!("{}/{}", p.node.cluster, p.node.name));
                remote.insert(*ip, (p.node.cluster.clone(), None));
            }
            for (e, _) in &p.endpoints {
                remote.insert(e.ip, (p.node.cluster.clone(), e.pod.clone()));
            }
        }
        for n in self.remote_nodes() {
            for ip in n.ips {
                names.insert(ip, n.name.clone());
            }
        }
        for ip in self.local_ips() {
            names.insert(*ip, self.node_name().to_string());
        }
        let interfaces = crate::datapath::interface_names();
        Enrichment {
            node_name: self.hubble_node_name(),
            proxy_port: self.proxy().map_or(0, |p| p.port()),
            node_labels: host_labels.iter().filter(|l| l.starts_with("node:")).cloned().collect(),
            local_ips: self.local_ips().to_vec(),
            host_labels,
            identity_labels: identities.into_iter().map(|i| (i.id, i.labels)).collect(),
            names,
            cluster: self.config().cluster_name.clone(),
            remote,
            rules: self.rule_names(),
            interfaces,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// `GetNodes`: this node and every cluster VM with its Hubble address.
    pub fn hubble_nodes(&self) -> Vec<Node> {
        let Some(obs) = self.hubble() else { return Vec::new() };
        let c = &self.config().hubble;
        let tls = c.tls.is_some();
        let port = c.listen.map(|(_, p)| p);
        let addr =
            |ip: IpAddr| port.map(|p| SocketAddr::new(ip, p).to_string()).unwrap_or_default();
        let local_ip = self
            .config()
            .nodes
            .iter()
            .find(|n| self.local_ips().contains(&n.ip))
            .map(|n| n.ip)
            .or_else(|| self.local_ips().first().copied());
        let mut out = vec![obs.local_node(local_ip.map(addr).unwrap_or_default(), tls)];
        let cluster = &self.config().cluster_name;
        let records = self.membership().map(|m| m.nodes()).unwrap_or_default();
        for n in self.remote_nodes() {
            let rec = records.iter().find(|r| r.announcement.name == n.name);
            let Some(ip) = n.ips.first().copied() else { continue };
            let state = match self.peer_health(ip, rec).state.as_str() {
                "Reachable" => NodeState::NodeConnected,
                _ => NodeState::NodeUnavailable,
            };
            let version = rec.map(|r| r.announcement.version.clone()).unwrap_or_default();
            out.push(Node {
                name: node_name(cluster, &n.name),
                version,
                address: n.ips.first().copied().map(addr).unwrap_or_default(),
                state: state as i32,
                tls: Some(Tls { enabled: tls, server_name: String::new() }),
                ..Default::default()
            });
        }
        out
    }

    /// Whether `ip` may use the Hubble TCP listener without a client certificate: another
    /// node of the cluster. Not loopback, not this host's own addresses: local users have the
    /// unix socket, whose group decides.
    fn hubble_peer_allowed(&self, ip: IpAddr) -> bool {
        !self.local_ips().contains(&ip)
            && !ip.is_loopback()
            && (self.config().nodes.iter().any(|n| n.ip == ip)
                || self.remote_nodes().iter().any(|n| n.ips.contains(&ip)))
    }
}

/// Creates the observer, starts the ingest task and both listeners.
pub(super) async fn start(agent: &Arc<Agent>) -> Result<Vec<JoinHandle<()>>, DaemonError> {
    let c = agent.config().clone();
    let weak: Weak<Agent> = Arc::downgrade(agent);
    let nodes_agent = weak.clone();
    let obs = Arc::new(Observer::new(
        c.hubble.event_buffer_capacity as usize,
        agent.hubble_node_name(),
        env!("CARGO_PKG_VERSION").to_string(),
        Box::new(move || nodes_agent.upgrade().map(|a| a.hubble_nodes()).unwrap_or_default()),
    ));
    // Set once at start; a second start would be a bug, and the first observer stays.
    let _ = agent.hubble.set(obs.clone());
    agent.agent_event(AgentEvent {
        r#type: AgentEventType::AgentStarted as i32,
        notification: Some(Notification::AgentStart(TimeNotification {
            time: Some(Timestamp::now()),
        })),
    });

    let metrics = match &c.hubble.metrics {
        Some((entries, port)) => {
            let m = Arc::new(
                HubbleMetrics::parse(entries).map_err(|e| DaemonError::Hubble(e.to_string()))?,
            );
            let port = *port;
            let listener = tokio::net::TcpListener::bind(("0.0.0.0", port))
                .await
                .map_err(|source| DaemonError::Metrics { port, source })?;
            tracing::info!(port, metrics = %entries.join(" "), "Hubble metrics server listening");
            let for_scrape = m.clone();
            let render: crate::metrics::Renderer = Arc::new(move || {
                let m = for_scrape.clone();
                Box::pin(
                    async move { crate::metrics::render_counters(&m.families(), &m.histograms()) },
                )
            });
            let _ = agent.hubble_metrics.set(m.clone());
            Some((m, tokio::spawn(crate::metrics::serve(listener, render))))
        }
        None => None,
    };
    let mut tasks = vec![tokio::spawn(ingest(
        weak.clone(),
        obs.clone(),
        metrics.as_ref().map(|(m, _)| m.clone()),
    ))];
    tasks.extend(metrics.map(|(_, t)| t));

    let node = server::Services::Node(obs.clone());
    tasks.push(serve_socket(&c.hubble_socket(), node.clone(), "Hubble")?);
    if let Some(listen) = c.hubble.listen {
        tasks.push(serve_tcp(&weak, listen, node, "Hubble")?);
    }

    let mut page_source =
        crate::hubble::ui::Source::Node(crate::hubble::observer::Service(obs.clone()));
    if let Some(r) = &c.hubble.relay {
        let relay = relay::Relay::new(
            relay::pool::Pool::new(Box::new(relay::backend::AgentDialer {
                local_name: agent.hubble_node_name(),
                local: crate::hubble::observer::Service(obs.clone()),
                tls: relay_client_tls(r)?,
            })),
            agent.hubble_node_name(),
            env!("CARGO_PKG_VERSION").to_string(),
            relay::Options::default(),
        );
        tasks.push(relay.follow(Arc::new(relay::LocalPeers(PeerService(obs.clone())))));
        let _ = agent.hubble_relay.set(relay.clone());
        page_source = crate::hubble::ui::Source::Relay(relay.clone());
        let services = server::Services::Relay(relay);
        tasks.push(serve_socket(&c.hubble_relay_socket(), services.clone(), "Hubble Relay")?);
        if let Some(listen) = r.listen {
            tasks.push(serve_tcp(&weak, listen, services, "Hubble Relay")?);
        }
    }
    if let Some(listen) = c.hubble.ui {
        tasks.push(serve_page(&weak, listen, page_source)?);
    }
    Ok(tasks)
}

/// Serves the flow map page with the Hubble listener's TLS and access rules (HTTPS with its
/// certificate; client certificates when it has client CAs).
fn serve_page(
    agent: &Weak<Agent>,
    listen: (Option<IpAddr>, u16),
    source: crate::hubble::ui::Source,
) -> Result<JoinHandle<()>, DaemonError> {
    let (a, listener, bind) = bind_listener(agent, listen)?;
    let c = &a.config().hubble;
    let tls = match &c.tls {
        Some(t) => Some(
            crate::web::tls_acceptor(&t.cert, &t.key, &t.client_cas)
                .map_err(DaemonError::Hubble)?,
        ),
        None => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(address = %bind, scheme, clients = c.who_may_connect(), "Hubble flow map page");
    let handler = crate::hubble::ui::handler(source);
    let gate = address_gate(agent, c);
    Ok(tokio::spawn(crate::web::serve(listener, handler, gate, tls, "Hubble flow map")))
}

/// The relay's TLS towards the nodes, read once at start.
fn relay_client_tls(
    r: &crate::config::HubbleRelay,
) -> Result<relay::backend::ClientTls, DaemonError> {
    let read = |p: &std::path::Path| {
        std::fs::read(p).map_err(|e| DaemonError::Hubble(format!("reading {}: {e}", p.display())))
    };
    let mut server_cas = Vec::new();
    for ca in &r.server_cas {
        server_cas.extend(read(ca)?);
        server_cas.push(b'\n');
    }
    let identity = match &r.client_cert {
        Some((cert, key)) => Some((read(cert)?, read(key)?)),
        None => None,
    };
    Ok(relay::backend::ClientTls { server_cas, identity })
}

/// Serves `services` on the unix socket `path` (its permissions decide who may read).
fn serve_socket(
    path: &std::path::Path,
    services: server::Services,
    what: &'static str,
) -> Result<JoinHandle<()>, DaemonError> {
    let listener = super::bind_socket(path)?;
    tracing::info!(socket = %path.display(), "{what} server listening");
    Ok(tokio::spawn(async move {
        if let Err(e) = server::serve_unix(services, listener, std::future::pending()).await {
            tracing::error!(error = %e, "{what} unix socket server failed");
        }
    }))
}

/// Serves `services` on TCP with Hubble's TLS and access rules: with client CAs, holders of a
/// client certificate; else the other cluster nodes only, unless `hubble.tcpClients: any`.
fn serve_tcp(
    agent: &Weak<Agent>,
    listen: (Option<IpAddr>, u16),
    services: server::Services,
    what: &'static str,
) -> Result<JoinHandle<()>, DaemonError> {
    let (a, listener, bind) = bind_listener(agent, listen)?;
    let c = &a.config().hubble;
    let tls = match &c.tls {
        Some(t) => Some(
            server::tls_config(&TlsFiles {
                cert: t.cert.clone(),
                key: t.key.clone(),
                client_cas: t.client_cas.clone(),
            })
            .map_err(|e| DaemonError::Hubble(e.to_string()))?,
        ),
        None => None,
    };
    let mutual = c.tls.as_ref().is_some_and(|t| !t.client_cas.is_empty());
    let mode = match &c.tls {
        Some(_) if mutual => "mutual TLS",
        Some(_) => "TLS",
        None => "plaintext",
    };
    tracing::info!(address = %bind, mode, clients = c.who_may_connect(), "{what} TCP listener");
    let allowed = address_gate(agent, c);
    Ok(tokio::spawn(async move {
        if let Err(e) =
            server::serve_tcp(services, listener, tls, allowed, std::future::pending()).await
        {
            tracing::error!(error = %e, "{what} TCP server failed");
        }
    }))
}

/// Binds one of Hubble's TCP listeners (`[ip]:port`; no address: both families).
fn bind_listener(
    agent: &Weak<Agent>,
    (ip, port): (Option<IpAddr>, u16),
) -> Result<(Arc<Agent>, tokio::net::TcpListener, SocketAddr), DaemonError> {
    let Some(a) = agent.upgrade() else {
        return Err(DaemonError::Hubble("the agent is shutting down".into()));
    };
    let bind = SocketAddr::new(ip.unwrap_or(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)), port);
    let listener = bind_dual(bind)
        .map_err(|source| DaemonError::HubbleListen { addr: bind.to_string(), source })?;
    Ok((a, listener, bind))
}

/// Who may connect to a Hubble TCP listener by address: with client CAs, whoever has a
/// certificate (`None`: TLS decides); else the other cluster nodes, unless
/// `hubble.tcpClients: any`.
fn address_gate(agent: &Weak<Agent>, c: &crate::config::Hubble) -> Option<server::PeerCheck> {
    let mutual = c.tls.as_ref().is_some_and(|t| !t.client_cas.is_empty());
    (!mutual && !c.tcp_any_client).then(|| {
        let check_agent = agent.clone();
        Arc::new(move |ip| check_agent.upgrade().is_some_and(|a| a.hubble_peer_allowed(ip)))
            as server::PeerCheck
    })
}

/// Binds `addr`; the unspecified IPv6 address also takes IPv4 where the host allows it.
fn bind_dual(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let std = std::net::TcpListener::bind(addr).or_else(|e| {
        if addr.ip() == IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED) {
            std::net::TcpListener::bind(SocketAddr::new(
                IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
                addr.port(),
            ))
        } else {
            Err(e)
        }
    })?;
    std.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(std)
}

/// The identity/name view for new flows, re-read when it may be stale.
async fn fresh(
    a: Arc<Agent>,
    seen: &mut u64,
    refreshed: &mut Instant,
    view: Arc<Enrichment>,
) -> Arc<Enrichment> {
    let generation = a.generation();
    // Membership and policy changes bump the generation; the TTL catches the rest
    // (interfaces, names learned without a policy change).
    if generation == *seen && refreshed.elapsed() <= ENRICHMENT_TTL {
        return view;
    }
    *seen = generation;
    *refreshed = Instant::now();
    // Identities and names come from locks the API also takes; off the reactor. An unchanged
    // view stays the same view: replacing it builds every lazy flow still waiting on it (see
    // `renew`), and the TTL alone would do that every second under load.
    let current = view.clone();
    tokio::task::spawn_blocking(move || same_or_new(a.hubble_enrichment(), current))
        .await
        .unwrap_or(view)
}

/// `current` when `next` says the same, else `next`.
fn same_or_new(next: Enrichment, current: Arc<Enrichment>) -> Arc<Enrichment> {
    if next == *current { current } else { Arc::new(next) }
}

/// The view to use from now on: `next`; when it replaces `current`, the lazy flows made with
/// `current` are built first, with it.
fn renew(
    next: Arc<Enrichment>,
    current: Arc<Enrichment>,
    unbuilt: &mut Unbuilt,
) -> Arc<Enrichment> {
    if !Arc::ptr_eq(&next, &current) {
        unbuilt.build_all();
    }
    next
}

/// Turns datapath events and the L7 proxy's records into flows until the agent goes away.
async fn ingest(agent: Weak<Agent>, obs: Arc<Observer>, metrics: Option<Arc<HubbleMetrics>>) {
    let Some(a) = agent.upgrade() else { return };
    let mut rx = a.subscribe_events();
    let l7 = a.l7_records().clone();
    l7.open();
    // The proxy's records wait this long to be taken together (see `proxy::queue`).
    let mut l7_due: Option<tokio::time::Instant> = None;
    let mut seen = a.generation();
    let mut view = Arc::new(a.hubble_enrichment());
    // Lazy flows hold the view they were made with; a new view builds them, so that no more
    // than one view is kept for them (a view is large in a big fleet, and refreshed every
    // second while flows come).
    let mut unbuilt = Unbuilt::new(obs.capacity());
    // The datapath's count outlives agent restarts (pinned maps): only new losses are news.
    // Its lock is the one policy changes hold for long: read it off the reactor.
    let datapath_lost = |a: Arc<Agent>| async move {
        tokio::task::spawn_blocking(move || a.with_datapath(|d| d.lost_events().ok()).flatten())
            .await
            .ok()
            .flatten()
    };
    let mut lost_before = datapath_lost(a).await;
    let mut refreshed = Instant::now();
    let mut losses = tokio::time::interval(LOSS_CHECK);
    loop {
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            () = l7.ready(), if l7_due.is_none() => {
                l7_due = Some(tokio::time::Instant::now() + L7_BATCH_DELAY);
                continue;
            }
            () = tokio::time::sleep_until(l7_due.unwrap_or_else(tokio::time::Instant::now)), if l7_due.is_some() => {
                l7_due = None;
                let Some(a) = agent.upgrade() else { return };
                view = renew(fresh(a, &mut seen, &mut refreshed, view.clone()).await, view, &mut unbuilt);
                let (records, lost) = l7.take();
                if lost > 0 {
                    obs.push_lost(LostEventSource::ObserverEventsQueue, lost);
                }
                for rec in records {
                    if let Some(m) = &metrics {
                        let flow = view.l7_flow(rec);
                        m.process(&flow);
                        obs.push_flow(flow);
                        continue;
                    }
                    // Two flows per request, most never read: built when read, with the
                    // view of now.
                    let (time, verdict) = (l7_time(&rec), l7_verdict(rec.verdict));
                    let view = view.clone();
                    let entry =
                        obs.push_lazy_flow(time, L7_EVENT, verdict, Box::new(move || view.l7_flow(rec)));
                    unbuilt.push(entry);
                }
                continue;
            }
            _ = losses.tick() => {
                let Some(a) = agent.upgrade() else { return };
                let now = datapath_lost(a).await;
                if let (Some(now), Some(before)) = (now, lost_before)
                    && now > before
                {
                    obs.push_lost(LostEventSource::PerfEventRingBuffer, now - before);
                }
                lost_before = now.or(lost_before);
                continue;
            }
        };
        let ev = match ev {
            Ok(ev) => ev,
            Err(RecvError::Lagged(n)) => {
                obs.push_lost(LostEventSource::ObserverEventsQueue, n);
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        let Some(a) = agent.upgrade() else { return };
        view = renew(fresh(a, &mut seen, &mut refreshed, view.clone()).await, view, &mut unbuilt);
        let flow = view.flow(&ev);
        if let Some(m) = &metrics {
            m.process(&flow);
        }
        obs.push_flow(flow);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_view_is_kept_so_waiting_flows_are_not_built() {
        let view = Arc::new(Enrichment { node_name: "vm1".into(), ..Enrichment::default() });
        let again = same_or_new((*view).clone(), view.clone());
        assert!(Arc::ptr_eq(&again, &view));
        let mut unbuilt = Unbuilt::new(4);
        assert!(Arc::ptr_eq(&renew(again, view.clone(), &mut unbuilt), &view));
        let changed = Enrichment { rules: vec!["allow-web".into()], ..(*view).clone() };
        assert!(!Arc::ptr_eq(&same_or_new(changed, view.clone()), &view));
    }
}
