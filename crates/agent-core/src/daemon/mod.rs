//! Wires the subsystems together and owns the agent's lifecycle.
//!
//! Start-up, in order:
//! 1. create the runtime and state directories;
//! 2. take the run directory's lock, so a second agent refuses to start instead of silently
//!    taking the socket over;
//! 3. build the subsystems from the validated configuration;
//! 4. bind the API socket last (mode 0660, group `cilium` when that group exists);
//! 5. tell systemd we are ready, and keep its watchdog fed.
//!
//! Shutdown (SIGTERM/SIGINT) drains the API server, removes the socket and releases the lock.

mod clustermesh;
mod hubble;
mod metrics;
mod policy;
mod policydir;
mod proxy;
mod state;

use std::fs::{self, File};
use std::future::Future;
use std::io::{Read, Seek, Write};
use std::net::IpAddr;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UnixListener;

pub use policy::{HOST_ENDPOINT_ID, PolicyState, RemoteEndpoint, RemoteNode};
pub use state::{Agent, ApiError, DatapathState, version_string};

use crate::config::Loaded;
use crate::logging::LogControl;

/// Why the agent could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// A directory could not be created.
    #[error("cannot create directory {}", path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Another agent holds the lock.
    #[error("another cilium-agent{} is already running with run directory {}; stop it first (systemctl stop cilium)",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default(), dir.display())]
    AlreadyRunning {
        /// The other agent's pid, when known.
        pid: Option<u32>,
        /// The contested directory.
        dir: PathBuf,
    },
    /// The lock file could not be used.
    #[error("cannot lock {}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The API socket could not be bound.
    #[error("cannot listen on {}", path.display())]
    Bind {
        /// The socket.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The cluster secret cannot be used.
    #[error(transparent)]
    Secret(#[from] crate::nodes::SecretError),
    /// The etcd client cannot be set up (its files).
    #[error("kvstore: {0}")]
    Kvstore(#[from] crate::kvstore::etcd::SetupError),
    /// The membership port could not be bound.
    #[error("cannot listen for node announcements on TCP {port}")]
    Membership {
        /// The port.
        port: u16,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The metrics port could not be bound.
    #[error("cannot serve metrics on TCP {port}")]
    Metrics {
        /// The port.
        port: u16,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The Hubble TCP address could not be bound.
    #[error("cannot serve Hubble on TCP {addr}")]
    HubbleListen {
        /// The address.
        addr: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Hubble's TLS material is unusable.
    #[error("Hubble TLS: {0}")]
    Hubble(String),
    /// Strict encryption could not block the peers, and nothing else would: running on would
    /// let traffic to them leave in plaintext.
    #[error("encryption cannot fail closed: {0}; refusing to run (strictMode: true)")]
    FailClosed(#[source] crate::wireguard::routing::RoutingError),
    /// Saved state could not be restored.
    #[error("restoring saved state")]
    State(#[source] policy::RestoreError),
    /// The API server failed.
    #[error("API server failed")]
    Serve(#[source] std::io::Error),
}

/// Runs the agent until `shutdown` resolves.
pub async fn run(
    loaded: Loaded,
    log: Arc<dyn LogControl>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DaemonError> {
    let config = &loaded.config;
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    warn_unavailable(config);
    // Refuse early: a missing or unsafe secret with encryption on must not half-start anything.
    let secret = load_secret(config)?;
    make_dir(&config.run_dir, 0o755)?;
    crate::fsutil::private_dir(&config.state_dir, 0o700)
        .map_err(|source| DaemonError::Directory { path: config.state_dir.clone(), source })?;
    let lock = RunLock::acquire(&config.run_dir)?;

    let host_name = nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "localhost".into());
    let addrs = local_addrs();
    let (datapath, ring) = start_datapath(config, &addrs);
    let ips: Vec<IpAddr> = addrs.iter().map(|(_, ip)| *ip).collect();
    let nodes = config
        .nodes
        .iter()
        .filter(|n| !ips.contains(&n.ip))
        .map(|n| RemoteNode {
            name: n.name.clone().unwrap_or_else(|| n.ip.to_string()),
            ips: vec![n.ip],
            labels: crate::labels::with_cluster(Default::default(), &config.cluster_name),
            endpoint: n.endpoint,
            identity: None,
        })
        .collect();
    let policy = PolicyState::restore(&config.state_dir, config.cluster_id, nodes)
        .map_err(DaemonError::State)?;
    let agent = Arc::new(Agent::new(
        loaded.config.clone(),
        loaded.settings.clone(),
        host_name,
        ips,
        log,
        datapath,
        policy,
    ));
    // Restored policies and labels are enforced before the API answers.
    if let Err(e) = agent.regenerate() {
        tracing::error!(error = %e, "realizing the restored policies");
    }
    proxy::start(&agent).await;
    if config.encryption.enabled {
        start_wireguard(&agent, &addrs).await?;
    }
    let mut membership_tasks = match secret {
        Some(secret) => start_membership(&agent, secret).await?,
        None => Vec::new(),
    };
    if let Some(port) = config.prometheus_port {
        let listener = tokio::net::TcpListener::bind(("0.0.0.0", port))
            .await
            .map_err(|source| DaemonError::Metrics { port, source })?;
        let (source, counter) = metrics::source(&agent);
        membership_tasks.extend(counter);
        membership_tasks
            .push(tokio::spawn(crate::metrics::serve(listener, crate::metrics::renderer(source))));
    }
    if config.hubble.enabled {
        membership_tasks.extend(hubble::start(&agent).await?);
    }
    if let Some(dir) = &config.policy_dir {
        membership_tasks.push(tokio::spawn(policydir::watch(agent.clone(), dir.clone())));
    }
    if let (Some(period), Some(_)) = (config.encryption.key_rotation, agent.wireguard()) {
        membership_tasks.push(tokio::spawn(rotate_keys(agent.clone(), period)));
    }
    tracing::debug!(node = agent.node_name(), "agent state built");
    let reader = ring.map(|ring| {
        let stats = Arc::new(crate::datapath::events::EventStats::default());
        let debug = agent.hubble().cloned().map(|obs| {
            Box::new(move |time_ns: u64, d: &bpf_progs::DebugEvent| {
                let time = crate::hubble::timestamp::Timestamp::from_unix_nanos(time_ns);
                obs.push_debug_event(time, crate::hubble::debug::event(d));
            }) as crate::datapath::events::DebugSink
        });
        tokio::spawn(crate::datapath::events::run_reader(ring, agent.event_sender(), debug, stats))
    });

    let socket = agent.config().api_socket();
    let listener = bind_socket(&socket)?;
    tracing::info!(socket = %socket.display(), version = %version_string(), node = agent.node_name(), "cilium-agent ready");
    notify_systemd(&[sd_notify::NotifyState::Ready]);
    let watchdog = tokio::spawn(feed_watchdog(agent.clone()));

    let app = crate::api::server::router(agent.clone());
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;

    notify_systemd(&[sd_notify::NotifyState::Stopping]);
    watchdog.abort();
    if let Some(r) = reader {
        r.abort();
    }
    for t in membership_tasks {
        t.abort();
    }
    if config.hubble.enabled {
        let _ = fs::remove_file(config.hubble_socket());
    }
    if let Err(e) = fs::remove_file(&socket) {
        tracing::warn!(socket = %socket.display(), error = %e, "could not remove the API socket");
    }
    drop(lock);
    tracing::info!("cilium-agent stopped");
    served.map_err(DaemonError::Serve)
}

fn warn_unavailable(c: &crate::config::Config) {
    if c.encryption.enabled && !c.encryption.strict {
        tracing::warn!(
            "encryption.strictMode is off: traffic to a peer whose tunnel is not up leaves in plaintext"
        );
    }
}

/// Every address that must never see plaintext from this node: the listed nodes and the
/// ones the saved registry knows (VMs that joined unlisted), this node's own aside.
pub fn known_peer_addresses(c: &crate::config::Config, local: &[IpAddr]) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = c.nodes.iter().map(|n| n.ip).collect();
    out.extend(crate::nodes::snapshot_addresses(&c.state_dir.join("nodes.json")));
    out.retain(|ip| !local.contains(ip));
    out.sort();
    out.dedup();
    out
}

/// `cilium-agent --block-peers`, run at boot before the network is up (the
/// `cilium-block-peers` unit): the routing rules and, in strict mode, an `unreachable` route
/// for every known peer, so that nothing an application sends before the agent has started
/// leaves in plaintext. Returns how many blocks it added.
pub async fn block_peers(c: &crate::config::Config) -> Result<usize, DaemonError> {
    if !c.encryption.enabled {
        return Ok(0);
    }
    let local: Vec<IpAddr> = local_addrs().into_iter().map(|(_, ip)| ip).collect();
    let peers = known_peer_addresses(c, &local);
    let nl = crate::wireguard::routing::Netlink::connect().map_err(DaemonError::FailClosed)?;
    crate::wireguard::block_peers(&nl, &peers, c.encryption.strict)
        .await
        .map_err(DaemonError::FailClosed)
}

/// Starts WireGuard. Peers are blocked first (strict mode); when that fails and no datapath
/// drops plaintext to them either, the agent refuses to run. Any later failure leaves the
/// agent running with the peers blocked, and shows in `cilium status`.
async fn start_wireguard(
    agent: &Arc<Agent>,
    addrs: &[(String, IpAddr)],
) -> Result<(), DaemonError> {
    use crate::wireguard::{Options, WireGuard, routing::Netlink};
    let c = agent.config();
    let local: Vec<IpAddr> = addrs.iter().map(|(_, ip)| *ip).collect();
    let mut devices = c.devices.clone();
    if devices.is_empty() {
        devices = crate::datapath::default_devices(addrs);
    }
    let peers = known_peer_addresses(c, &local);
    // The datapath's strict check drops plaintext to listed nodes on its own.
    let datapath_blocks = c.encryption.strict && agent.with_datapath(|_| ()).is_some();
    let blocked = match Netlink::connect() {
        Ok(nl) => crate::wireguard::block_peers(&nl, &peers, c.encryption.strict).await.map(|_| nl),
        Err(e) => Err(e),
    };
    let nl = match blocked {
        Ok(nl) => nl,
        Err(e) => {
            let why = unblocked(e, c.encryption.strict, datapath_blocks)
                .map_err(DaemonError::FailClosed)?;
            tracing::error!("{why}");
            agent.set_wireguard(Err(why));
            return Ok(());
        }
    };
    let o = Options {
        backend: c.encryption.backend.clone(),
        mtu: c.mtu,
        strict: c.encryption.strict,
        state_dir: c.state_dir.clone(),
        local_ips: c
            .nodes
            .iter()
            .map(|n| n.ip)
            .filter(|ip| local.contains(ip))
            .chain(local.iter().copied())
            .collect(),
        devices,
        keepalive: c.encryption.persistent_keepalive,
        offloads: c.encryption.userspace_offloads,
    };
    let routes: Arc<dyn crate::wireguard::routing::RouteTable> = Arc::new(nl.clone());
    match WireGuard::start(&o, &nl, routes).await {
        Ok(wg) => {
            agent.set_wireguard(Ok(Arc::new(wg)));
            // Decrypted traffic from peers arrives on cilium_wg0: enforce policy there too.
            if let Some(Err(e)) = agent.with_datapath(|dp| {
                dp.attach(crate::wireguard::IFNAME, crate::datapath::Link::Tunnel)
            }) {
                tracing::error!(error = %e, "attaching the datapath to cilium_wg0");
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "WireGuard could not start; peers stay blocked in strict mode");
            agent.set_wireguard(Err(e.to_string()));
        }
    }
    Ok(())
}

/// What to do when routes could not block the peers: run on, degraded, when nothing needs
/// blocking (strict mode off) or the datapath drops plaintext to them anyway; else refuse.
fn unblocked(
    e: crate::wireguard::routing::RoutingError,
    strict: bool,
    datapath_blocks: bool,
) -> Result<String, crate::wireguard::routing::RoutingError> {
    match (strict, datapath_blocks) {
        (false, _) => Ok(format!("WireGuard routing could not be set up: {e}")),
        (true, true) => Ok(format!(
            "peers could not be blocked by routes ({e}); the datapath drops plaintext to them"
        )),
        (true, false) => Err(e),
    }
}

type Ring = aya::maps::RingBuf<aya::maps::MapData>;

/// Loads and attaches the datapath when the host firewall is enabled. A failure does not stop
/// the agent: `cilium status` reports it (state Failure), so the operator can see why.
fn start_datapath(
    c: &crate::config::Config,
    addrs: &[(String, IpAddr)],
) -> (DatapathState, Option<Ring>) {
    if !c.host_firewall {
        return (DatapathState::Disabled, None);
    }
    match load_datapath(c, addrs) {
        Ok((dp, ring)) => (DatapathState::Ready(dp), Some(ring)),
        Err(e) => {
            tracing::error!(error = %e, "the datapath could not start: NO policy is enforced");
            (DatapathState::Failed(e.to_string()), None)
        }
    }
}

fn load_datapath(
    c: &crate::config::Config,
    addrs: &[(String, IpAddr)],
) -> Result<(crate::datapath::Datapath, Ring), crate::datapath::DatapathError> {
    use crate::datapath::{Datapath, DatapathError, ctseed, default_devices};
    let ct = c.bpf_ct_max.unwrap_or_else(|| crate::datapath::ct_size(c.bpf_map_dynamic_size_ratio));
    let mut dp = Datapath::load(&c.bpf_root, &c.bpf_pin_dir(), ct)?;
    // Existing connections first, so attaching never cuts one.
    let (sockets, listening) = ctseed::current_sockets();
    let tunnelled: std::collections::HashSet<IpAddr> = if c.encryption.enabled {
        c.nodes.iter().map(|n| n.ip).collect()
    } else {
        Default::default()
    };
    let seeded = dp.seed_conntrack(&sockets, &listening, &tunnelled)?;
    tracing::info!(seeded, "conntrack seeded from existing sockets");
    let prefix = |ip: &IpAddr| if ip.is_ipv4() { 32 } else { 128 };
    for (_, ip) in addrs {
        let v = bpf_progs::IpcacheValue { identity: crate::identity::HOST, flags: 0 };
        dp.ipcache_upsert(*ip, prefix(ip), v)?;
    }
    // Listed nodes are blocked from the first moment (strict mode), before policy or
    // membership have run.
    let strict = c.encryption.enabled && c.encryption.strict;
    let node_flags = bpf_progs::IPC_F_NODE | if strict { bpf_progs::IPC_F_ENCRYPT } else { 0 };
    for n in c.nodes.iter().filter(|n| !addrs.iter().any(|(_, ip)| *ip == n.ip)) {
        // Its WireGuard packets pass the node failsafe ports before policy has run.
        if let Some(e) = n.endpoint {
            dp.ipcache_upsert(e, prefix(&e), policy::ENDPOINT_IPCACHE)?;
        }
        let v =
            bpf_progs::IpcacheValue { identity: crate::identity::REMOTE_NODE, flags: node_flags };
        dp.ipcache_upsert(n.ip, prefix(&n.ip), v)?;
    }
    let devices = if c.devices.is_empty() { default_devices(addrs) } else { c.devices.clone() };
    if devices.is_empty() {
        return Err(DatapathError::Attach {
            device: "-".into(),
            direction: "both",
            reason: "no device to attach to: set `devices:` in the config".into(),
        });
    }
    for d in &devices {
        let link = crate::datapath::device_link(d).map_err(|reason| DatapathError::Attach {
            device: d.clone(),
            direction: "both",
            reason,
        })?;
        dp.attach(d, link)?;
    }
    if c.l7_proxy.is_some() {
        dp.attach_loopback()?;
    }
    let ring = dp.take_events()?;
    Ok((dp, ring))
}

/// The cluster secret: required with encryption; without it, membership is off. A secret
/// file that exists but is unsafe or invalid is always an error.
fn load_secret(c: &crate::config::Config) -> Result<Option<crate::nodes::Secret>, DaemonError> {
    use crate::nodes::{Secret, SecretError};
    match Secret::load(&c.secret_file) {
        Ok(s) => Ok(Some(s)),
        Err(SecretError::Missing { .. }) if !c.encryption.enabled => {
            tracing::warn!(
                path = %c.secret_file.display(),
                "no cluster secret: node announcements are off, so remote VMs' labels are unknown to policy"
            );
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Starts the announcement listener, the announcer, and the task that feeds the registry's
/// changes into policy.
async fn start_membership(
    agent: &Arc<Agent>,
    secret: crate::nodes::Secret,
) -> Result<Vec<tokio::task::JoinHandle<()>>, DaemonError> {
    use crate::nodes::{Announcement, Membership, StaticDiscovery};
    let c = agent.config();
    let local_ips = agent.local_ips();
    let listed: Vec<IpAddr> =
        c.nodes.iter().map(|n| n.ip).filter(|ip| local_ips.contains(ip)).collect();
    // Unlisted, a node announces its own network's addresses, never a container bridge's
    // (every Docker host has 172.17.0.1), which the others would refuse anyway.
    let ips = if listed.is_empty() {
        crate::datapath::host_addresses(&local_addrs()).into_iter().map(|(_, ip)| *ip).collect()
    } else {
        listed
    };
    let (wg_public_key, key_index) =
        agent.wireguard().map(|w| w.announced_key()).unwrap_or_default();
    let local = Announcement {
        cluster: c.cluster_name.clone(),
        name: agent.node_name().to_string(),
        ips,
        labels: agent.announced_labels(),
        wg_public_key,
        wg_port: crate::WIREGUARD_PORT,
        endpoint: local_endpoint(c, local_ips),
        key_index,
        version: env!("CARGO_PKG_VERSION").to_string(),
        timestamp: 0,
        nonce: String::new(),
        bootstrap: false,
    };
    let peers = c.nodes.iter().map(|n| n.ip).filter(|ip| !local_ips.contains(ip)).collect();
    // With encryption on, what travels on port + 1 (labels) may only ever go through the
    // tunnel; without a working tunnel there is nothing to listen on there.
    let tunnel = c.encryption.enabled.then(|| crate::wireguard::IFNAME.to_string());
    let m = Arc::new(
        Membership::new(
            secret.clone(),
            local,
            c.cluster_port,
            ANNOUNCE_INTERVAL,
            Box::new(StaticDiscovery { peers }),
            Some(c.state_dir.join("nodes.json")),
            tunnel.clone(),
            entitlements(&c.nodes),
        )
        .with_endpoints(c.nodes.iter().filter_map(|n| Some((n.ip, n.endpoint?))).collect())
        .with_remote_clusters(clustermesh::static_remotes(c, &secret)?),
    );
    let listener = crate::nodes::bind(c.cluster_port, true, None)
        .await
        .map_err(|source| DaemonError::Membership { port: c.cluster_port, source })?;
    let tunnel_port = c.cluster_port.wrapping_add(1);
    let tunnel_listener = match (&tunnel, agent.wireguard()) {
        // WireGuard failed to start: no tunnel, no tunnel port (peers stay blocked).
        (Some(_), None) => None,
        _ => Some(
            crate::nodes::bind(tunnel_port, false, tunnel.as_deref())
                .await
                .map_err(|source| DaemonError::Membership { port: tunnel_port, source })?,
        ),
    };
    // Nodes behind NAT bootstrap over the WireGuard port (see `nodes::udp`).
    let behind_nat =
        c.encryption.endpoint.is_some() || c.nodes.iter().any(|n| n.endpoint.is_some());
    if c.encryption.enabled && behind_nat {
        use crate::nodes::udp::WireguardPort;
        match WireguardPort::open(crate::WIREGUARD_PORT, crate::wireguard::routing::WG_MARK) {
            Ok(port) => {
                let port = Arc::new(port);
                let (m2, served) = (m.clone(), port.clone());
                let spawned = std::thread::Builder::new()
                    .name("wg-bootstrap".into())
                    .spawn(move || m2.serve_wireguard_port(&served));
                match spawned {
                    Ok(_) => m.set_wireguard_port(port),
                    Err(e) => {
                        tracing::error!(error = %e, "starting the bootstrap on the WireGuard port")
                    }
                }
            }
            Err(e) => tracing::warn!(
                error = %e,
                port = c.cluster_port,
                "no bootstrap over the WireGuard port: nodes behind NAT bootstrap over TCP instead"
            ),
        }
    }
    agent.set_membership(m.clone());
    let mesh = clustermesh::start(agent)?;
    let mut changes = m.subscribe();
    let mut mesh_changes = mesh.as_ref().map(|m| m.subscribe());
    // Restored nodes: tunnels and policy before the first announcement arrives.
    changes.mark_changed();
    let a = agent.clone();
    let sync = tokio::spawn(async move {
        loop {
            let mesh_changed = async {
                match mesh_changes.as_mut() {
                    Some(w) => w.changed().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                r = changes.changed() => if r.is_err() { return },
                r = mesh_changed => if r.is_err() { return },
            }
            sync_remote(&a).await;
            if let Some(mesh) = a.mesh() {
                let mesh = mesh.clone();
                let _ = tokio::task::spawn_blocking(move || mesh.save()).await;
            }
        }
    });
    let mut tasks = vec![sync];
    if let Some(mesh) = mesh {
        tasks.push(tokio::spawn(mesh.run()));
    }
    if let Some(etcd) = &c.etcd {
        let store: Arc<dyn crate::kvstore::KvStore> =
            Arc::new(crate::kvstore::etcd::Etcd::new(etcd)?);
        let status = Arc::new(crate::kvstore::KvStatus::default());
        agent.set_kvstore(status.clone());
        let nodes = Arc::new(crate::nodes::kvstore::NodeStore::new(
            store.clone(),
            m.clone(),
            secret,
            c.cluster_id,
            c.etcd_lease_ttl,
            Some(c.state_dir.join(KVSTORE_LEASE_FILE)),
            status,
        ));
        tracing::info!(endpoints = ?etcd.endpoints, "kvstore mode: membership through etcd");
        let ids = Arc::new(crate::identity::kvstore::IdentityStore::new(store, c.cluster_id));
        let mut pins = ids.subscribe();
        let a = agent.clone();
        let apply_pins = tokio::spawn(async move {
            while pins.changed().await.is_ok() {
                let p = pins.borrow_and_update().clone();
                let a2 = a.clone();
                let r = tokio::task::spawn_blocking(move || a2.set_identity_pins(&p)).await;
                if let Ok(Err(e)) = r {
                    tracing::error!(error = %e, "updating policy for the cluster's identities");
                }
            }
        });
        tasks.extend([
            tokio::spawn(ids.clone().register_loop(m.clone(), nodes.subscribe_lease())),
            tokio::spawn(ids.watch_loop()),
            apply_pins,
            tokio::spawn(nodes.clone().register_loop()),
            tokio::spawn(nodes.clone().watch_loop()),
            tokio::spawn(nodes.status_loop()),
        ]);
    }
    if let Some(interval) = c.health_interval {
        let health = Arc::new(crate::health::Health::new(interval));
        agent.set_health(health.clone());
        tasks.push(tokio::spawn(health.run(m.clone())));
    }
    tasks.extend([
        tokio::spawn(m.clone().serve(listener, true)),
        tokio::spawn(m.clone().announce_loop()),
    ]);
    if let Some(l) = tunnel_listener {
        tasks.push(tokio::spawn(m.serve(l, false)));
    }
    Ok(tasks)
}

/// Makes WireGuard's peers and the policy's nodes what the membership and the mesh hold now.
async fn sync_remote(a: &Arc<Agent>) {
    let mesh = a.mesh_peers();
    if let (Some(wg), Some(m)) = (a.wireguard(), a.membership()) {
        let records = m.nodes();
        let local = a.local_ips();
        let blocked: Vec<IpAddr> = a
            .config()
            .nodes
            .iter()
            .map(|n| n.ip)
            .filter(|ip| !local.contains(ip))
            .chain(records.iter().flat_map(|r| r.announcement.ips.iter().copied()))
            .chain(mesh.iter().flat_map(crate::clustermesh::tunnelled))
            .collect();
        let peers = records
            .into_iter()
            .map(|r| crate::wireguard::PeerSpec {
                endpoint: m.endpoint_of(&r.announcement),
                name: r.announcement.name,
                ips: r.announcement.ips,
                public_key: r.announcement.wg_public_key,
                port: r.announcement.wg_port,
                cidrs: Vec::new(),
            })
            .chain(mesh.iter().map(|p| crate::wireguard::PeerSpec {
                endpoint: p.node.endpoint,
                name: format!("{}/{}", p.node.cluster, p.node.name),
                ips: crate::clustermesh::tunnelled(p),
                public_key: p.node.wg_public_key.clone(),
                port: p.node.wg_port,
                cidrs: p.node.pod_cidrs.clone(),
            }))
            .collect();
        if let Err(e) = wg.sync_peers(peers, blocked).await {
            tracing::error!(error = %e, "updating WireGuard peers");
        }
    }
    let mut nodes = a.remote_nodes();
    let (mesh_nodes, endpoints) = a.mesh_remote();
    nodes.extend(mesh_nodes);
    let a2 = a.clone();
    let r = tokio::task::spawn_blocking(move || a2.set_remote(nodes, endpoints)).await;
    if let Ok(Err(e)) = r {
        tracing::error!(error = %e, "updating policy for a membership change");
    }
}

/// `cilium-agent --cleanup` in kvstore mode: deletes this node's entry and ends its lease, so
/// that every peer drops it now rather than when the lease runs out. Returns the key removed.
pub async fn leave_kvstore(c: &crate::config::Config) -> Result<Option<String>, String> {
    let Some(etcd) = &c.etcd else { return Ok(None) };
    let store = crate::kvstore::etcd::Etcd::new(etcd).map_err(|e| e.to_string())?;
    let host_name = nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "localhost".into());
    let ips: Vec<IpAddr> = local_addrs().into_iter().map(|(_, ip)| ip).collect();
    let name = state::node_name(c, host_name, &ips);
    let lease_file = c.state_dir.join(KVSTORE_LEASE_FILE);
    crate::nodes::kvstore::NodeStore::deregister(&store, &c.cluster_name, &name, &lease_file)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Some(crate::nodes::kvstore::node_key(&c.cluster_name, &name)))
}

/// Where the lease of this node's kvstore entry is kept across restarts.
pub const KVSTORE_LEASE_FILE: &str = "kvstore-lease";

/// What `nodes:` entitles each named node to claim: the addresses listed under its name.
/// Where the others send this node's WireGuard packets, when not to its address: its
/// `encryption.endpoint`, else the endpoint its own entry of `nodes:` gives (one config for
/// every node).
fn local_endpoint(c: &crate::config::Config, local_ips: &[IpAddr]) -> Option<IpAddr> {
    c.encryption
        .endpoint
        .or_else(|| c.nodes.iter().find(|n| local_ips.contains(&n.ip)).and_then(|n| n.endpoint))
}

fn entitlements(
    nodes: &[crate::config::NodeEntry],
) -> std::collections::BTreeMap<String, Vec<IpAddr>> {
    let mut out: std::collections::BTreeMap<String, Vec<IpAddr>> = Default::default();
    for n in nodes {
        if let Some(name) = &n.name {
            out.entry(name.clone()).or_default().push(n.ip);
        }
    }
    out
}

/// How often a node re-announces itself (it also does at once when its labels or key change):
/// membership changes reach the others within seconds, whatever the health-probe interval.
const ANNOUNCE_INTERVAL: Duration = Duration::from_secs(2);

/// Rotates the WireGuard key when it is `period` old. The schedule follows the key's own
/// age, so it holds across agent restarts and restarts after a manual `cilium encryption
/// rotate`, and `cilium encryption key` can show when the next rotation is due.
async fn rotate_keys(agent: Arc<Agent>, period: Duration) {
    // Re-checked at least this often, so a manual rotation moves the schedule.
    const RECHECK: Duration = Duration::from_secs(30);
    let mut failures = 0u32;
    loop {
        let Some(wg) = agent.wireguard() else { return };
        let due = wg.key_created() + period;
        match due.duration_since(std::time::SystemTime::now()) {
            Ok(wait) => tokio::time::sleep(wait.min(RECHECK)).await,
            Err(_) => match agent.rotate_key().await {
                Ok(_) => failures = 0,
                Err(e) => {
                    failures += 1;
                    tracing::error!(error = %e, failures, "scheduled key rotation");
                    tokio::time::sleep(RECHECK * failures.min(10)).await;
                }
            },
        }
    }
}

fn make_dir(path: &Path, mode: u32) -> Result<(), DaemonError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(path)
        .map_err(|source| DaemonError::Directory { path: path.to_path_buf(), source })
}

/// An exclusive lock on `<run-dir>/cilium-agent.pid`, held for the agent's lifetime. The kernel
/// drops it when the process dies, so a crash never leaves a stale lock behind.
struct RunLock {
    file: File,
    path: PathBuf,
}

impl RunLock {
    fn acquire(run_dir: &Path) -> Result<RunLock, DaemonError> {
        let path = run_dir.join("cilium-agent.pid");
        let lock_err = |source| DaemonError::Lock { path: path.clone(), source };
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(lock_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let pid =
                    file.read_to_string(&mut text).ok().and_then(|_| text.trim().parse().ok());
                return Err(DaemonError::AlreadyRunning { pid, dir: run_dir.to_path_buf() });
            }
            Err(fs::TryLockError::Error(e)) => return Err(lock_err(e)),
        }
        file.set_len(0).map_err(lock_err)?;
        file.rewind().map_err(lock_err)?;
        writeln!(file, "{}", std::process::id()).map_err(lock_err)?;
        Ok(RunLock { file, path })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Remove first, unlock second: a successor that locks the old inode in between would
        // otherwise believe it owns a file that is about to vanish.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Binds a unix socket at `path`, 0660 (group `cilium` when that group exists) from its first
/// moment (see [`crate::fsutil::bind_socket`]).
fn bind_socket(path: &Path) -> Result<UnixListener, DaemonError> {
    let bind_err = |source| DaemonError::Bind { path: path.to_path_buf(), source };
    // We hold the run lock, so an existing socket is a leftover of a crashed agent.
    match fs::remove_file(path) {
        Ok(()) => tracing::info!(socket = %path.display(), "removed a stale API socket"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(bind_err(e)),
    }
    let group = nix::unistd::Group::from_name("cilium").ok().flatten().map(|g| g.gid);
    let listener = crate::fsutil::bind_socket(path, 0o660, group).map_err(bind_err)?;
    listener.set_nonblocking(true).map_err(bind_err)?;
    UnixListener::from_std(listener).map_err(bind_err)
}

/// This host's (device, address) pairs, loopback excluded.
fn local_addrs() -> Vec<(String, IpAddr)> {
    let Ok(addrs) = nix::ifaddrs::getifaddrs() else { return Vec::new() };
    let mut out: Vec<(String, IpAddr)> = addrs
        .filter_map(|a| {
            let addr = a.address?;
            let ip = if let Some(v4) = addr.as_sockaddr_in() {
                IpAddr::V4(v4.ip())
            } else {
                IpAddr::V6(addr.as_sockaddr_in6()?.ip())
            };
            Some((a.interface_name, ip))
        })
        .filter(|(_, ip)| !ip.is_loopback())
        .collect();
    out.dedup();
    out
}

fn notify_systemd(states: &[sd_notify::NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(false, states) {
        tracing::warn!(error = %e, "could not notify systemd");
    }
}

/// Pings systemd's watchdog at half its interval, when the unit sets `WatchdogSec`, but only
/// while the agent works: the runtime schedules this task, and the locks every API call and
/// policy change takes can be had. A stalled or deadlocked agent stops pinging, and systemd
/// restarts it.
async fn feed_watchdog(agent: Arc<Agent>) {
    let Some(usec) = watchdog_usec() else { return };
    let period = Duration::from_micros(usec / 2);
    let mut tick = tokio::time::interval(period);
    loop {
        tick.tick().await;
        let a = agent.clone();
        let probe = tokio::task::spawn_blocking(move || a.responsive());
        match tokio::time::timeout(period, probe).await {
            Ok(Ok(())) => notify_systemd(&[sd_notify::NotifyState::Watchdog]),
            _ => tracing::error!(
                "the agent's state is locked up; not pinging the watchdog, so systemd restarts it"
            ),
        }
    }
}

/// The watchdog interval systemd asks for, as libsystemd's `sd_watchdog_enabled` reads it:
/// `WATCHDOG_USEC`, for this process unless `WATCHDOG_PID` names another.
fn watchdog_usec() -> Option<u64> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok().filter(|u| *u > 0)?;
    match std::env::var("WATCHDOG_PID") {
        Ok(pid) if pid.parse::<u32>().ok() != Some(std::process::id()) => None,
        _ => Some(usec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wireguard::routing::RoutingError;

    #[test]
    fn strict_encryption_refuses_to_run_when_nothing_blocks_the_peers() {
        let e =
            || RoutingError::new("adding the IPv4 rule `lookup 2005`", "Operation not supported");
        assert!(unblocked(e(), true, false).is_err(), "no routes, no datapath: refuse");
        let degraded = unblocked(e(), true, true).expect("the datapath blocks");
        assert!(degraded.contains("datapath drops plaintext"), "{degraded}");
        assert!(unblocked(e(), false, false).is_ok(), "strict mode off: nothing to block");
        let refused = DaemonError::FailClosed(e()).to_string();
        assert!(refused.contains("refusing to run"), "{refused}");
    }
}
