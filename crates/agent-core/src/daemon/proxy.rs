//! Wires the L7 proxy into the agent: identities from the datapath's record of redirected
//! connections, the realized policy, and records on to Hubble.

use std::net::SocketAddr;
use std::sync::Arc;

use super::Agent;
use crate::datapath::maps::ProxyReader;
use crate::proxy::{Env, L7Policy, L7Record, PolicyCell, Proxy, RecordQueue, Redirected};

struct AgentEnv {
    policy: Arc<PolicyCell>,
    records: Arc<RecordQueue>,
    reader: ProxyReader,
    port: std::sync::atomic::AtomicU16,
}

impl Env for AgentEnv {
    fn redirected(&self, peer: SocketAddr, local: SocketAddr) -> Option<Redirected> {
        // The listener's own address is never an original destination.
        let port = self.port.load(std::sync::atomic::Ordering::Relaxed);
        if local.ip().is_loopback() && local.port() == port {
            return None;
        }
        self.reader.redirected(peer, local)
    }

    fn policy(&self) -> &PolicyCell {
        &self.policy
    }

    fn record(&self, record: L7Record) {
        self.records.push(record);
    }
}

impl Agent {
    /// What the L7 proxy judges requests by.
    pub fn l7_policy(&self) -> Arc<L7Policy> {
        self.l7_policy.get()
    }

    pub(super) fn set_l7_policy(&self, p: Arc<L7Policy>) {
        self.l7_policy.set(p);
    }

    /// The L7 proxy, when it listens.
    pub fn proxy(&self) -> Option<&Proxy> {
        self.proxy.get()
    }

    /// Why the L7 proxy does not listen although `l7Proxy` is on.
    pub fn proxy_error(&self) -> Option<&str> {
        self.proxy_error.get().map(String::as_str)
    }

    /// `status.proxy`: the listener and the ports redirected to it.
    pub(super) fn proxy_status(&self) -> Option<crate::api::models::ProxyStatus> {
        use crate::api::models::{ProxyRedirect, ProxyStatus};
        let port = self.config().l7_proxy?;
        if let Some(why) = self.proxy_error() {
            return Some(ProxyStatus { msg: why.to_string(), ..Default::default() });
        }
        let proxy = self.proxy()?;
        let redirects: Vec<ProxyRedirect> = self
            .l7_policy()
            .redirects()
            .into_iter()
            .map(|(dir, start, end)| {
                let ports = if start == end { start.to_string() } else { format!("{start}-{end}") };
                let dir = if dir == crate::policy::resolve::EGRESS { "egress" } else { "ingress" };
                ProxyRedirect {
                    name: format!("1:{dir}:TCP:{ports}"),
                    proxy: "http".into(),
                    proxy_port: i64::from(proxy.port()),
                }
            })
            .collect();
        Some(ProxyStatus {
            ip: "127.0.0.1".into(),
            port_range: format!("{port}-{port}"),
            total_redirects: redirects.len() as i64,
            total_ports: i64::from(!redirects.is_empty()),
            redirects,
            // Ingress redirects work without the proxy's routing: the proxy is up, degraded.
            msg: self.proxy_routing_error.get().cloned().unwrap_or_default(),
            ..Default::default()
        })
    }

    /// The proxy's records, for Hubble.
    pub fn l7_records(&self) -> &Arc<RecordQueue> {
        &self.l7_records
    }
}

/// Starts the proxy (when `l7Proxy` is on and the datapath runs) and tells the datapath its
/// port. A proxy that cannot listen leaves the L7 ports closed, never open at L4: the agent
/// keeps running and `cilium status` says why.
pub(super) async fn start(agent: &Arc<Agent>) {
    let Some(port) = agent.config().l7_proxy else { return };
    let Some(pin_dir) = agent.with_datapath(|d| d.pin_dir().to_path_buf()) else { return };
    let fail = |why: String| {
        tracing::error!(error = %why, "the L7 proxy is not running: ports with HTTP rules refuse connections");
        let _ = agent.proxy_error.set(why);
    };
    let reader = match ProxyReader::open(&pin_dir) {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    // Egress redirects need the local route; ingress ones work without it, so a failure here
    // is reported (egress HTTP ports then refuse connections), not fatal.
    let routed = match crate::wireguard::routing::Netlink::connect() {
        Ok(nl) => nl.install_proxy_routing(&agent.config().state_dir).await,
        Err(e) => Err(e),
    };
    if let Err(e) = routed {
        tracing::error!(error = %e, "L7 proxy: egress redirects cannot reach the proxy; egress HTTP ports refuse connections");
        let _ = agent
            .proxy_routing_error
            .set(format!("egress redirects refuse connections (routing to the proxy: {e})"));
    }
    let env = Arc::new(AgentEnv {
        policy: agent.l7_policy.clone(),
        records: agent.l7_records.clone(),
        reader,
        port: std::sync::atomic::AtomicU16::new(port),
    });
    match Proxy::start(port, env).await {
        Ok(p) => {
            let _ = agent.proxy.set(p);
            if let Err(e) = agent.sync_datapath_config() {
                tracing::error!(error = %e, "telling the datapath the L7 proxy's port");
            }
        }
        Err(e) => fail(e.to_string()),
    }
}
