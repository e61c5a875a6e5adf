//! The nodes the relay serves: it follows a Peer service's notifications, keeps a backend per
//! node, and checks each one, so that a request goes only to nodes that answer and names the
//! others as unavailable.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use tokio::task::JoinHandle;
use tonic::Status;

use super::backend::{Backend, Dialer};
use crate::hubble::proto::peer::{ChangeNotification, ChangeNotificationType};

/// How often a node that answers is checked again.
const CHECK: Duration = Duration::from_secs(5);
/// Retry of a node that does not answer: from this, doubling.
const RETRY_MIN: Duration = Duration::from_millis(500);
/// Upstream's relay retries every 30 s; a node back from a reboot should not wait that long
/// to be seen.
const RETRY_MAX: Duration = Duration::from_secs(10);
/// After a Peer stream ends, the wait before subscribing again.
const RESUBSCRIBE: Duration = Duration::from_secs(1);

/// Notifications of a Peer service.
pub type PeerStream = Pin<Box<dyn Stream<Item = Result<ChangeNotification, Status>> + Send>>;

/// Where the relay learns of the nodes: a Peer service, subscribed to again when its stream
/// ends (the service ends it for a reader that fell behind; the next snapshot is whole).
#[tonic::async_trait]
pub trait PeerFeed: Send + Sync {
    /// A new subscription: a snapshot of `PEER_ADDED`, then the changes.
    async fn subscribe(&self) -> Result<PeerStream, Status>;
}

/// A node as the pool knows it.
#[derive(Debug, Clone)]
pub struct Member {
    /// `<cluster>/<node>`.
    pub name: String,
    /// Its Hubble address.
    pub address: String,
    /// The TLS server name it announced, when it uses TLS.
    pub server_name: Option<String>,
    /// How to reach it, when it answers; why not, when it does not.
    pub state: Result<Arc<dyn Backend>, String>,
}

#[derive(Debug)]
struct Entry {
    name: String,
    address: String,
    server_name: Option<String>,
    backend: Result<Arc<dyn Backend>, String>,
    up: Arc<AtomicBool>,
    last_error: Arc<Mutex<String>>,
    checker: Option<JoinHandle<()>>,
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(c) = self.checker.take() {
            c.abort();
        }
    }
}

/// The nodes and their backends.
#[derive(Debug)]
pub struct Pool {
    dialer: Box<dyn Dialer>,
    nodes: Mutex<BTreeMap<String, Entry>>,
}

impl Pool {
    /// An empty pool dialling with `dialer`.
    pub fn new(dialer: Box<dyn Dialer>) -> Arc<Self> {
        Arc::new(Self { dialer, nodes: Mutex::new(BTreeMap::new()) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Entry>> {
        self.nodes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every node, by name, with its backend when it currently answers.
    pub fn list(&self) -> Vec<Member> {
        self.lock()
            .values()
            .map(|e| Member {
                name: e.name.clone(),
                address: e.address.clone(),
                server_name: e.server_name.clone(),
                state: match &e.backend {
                    Ok(b) if e.up.load(Ordering::Acquire) => Ok(b.clone()),
                    Ok(_) => Err(e.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone()),
                    Err(why) => Err(why.clone()),
                },
            })
            .collect()
    }

    /// Notes that a call to `name` failed: it is unavailable until its next good check.
    pub fn failed(&self, name: &str, why: &str) {
        if let Some(e) = self.lock().get(name) {
            e.up.store(false, Ordering::Release);
            *e.last_error.lock().unwrap_or_else(|p| p.into_inner()) = why.to_string();
        }
    }

    /// Applies one notification.
    pub fn apply(self: &Arc<Self>, n: ChangeNotification) {
        let kind = ChangeNotificationType::try_from(n.r#type).unwrap_or_default();
        match kind {
            ChangeNotificationType::PeerAdded | ChangeNotificationType::PeerUpdated => {
                let server_name = n.tls.map(|t| t.server_name).filter(|s| !s.is_empty());
                // Upstream's agents once sent a bare IP; the port is then Hubble's default.
                let address = match n.address.parse::<std::net::IpAddr>() {
                    Ok(ip) => std::net::SocketAddr::new(ip, 4244).to_string(),
                    Err(_) => n.address.clone(),
                };
                let mut nodes = self.lock();
                if let Some(e) = nodes.get(&n.name)
                    && e.address == address
                    && e.server_name == server_name
                {
                    return;
                }
                let up = Arc::new(AtomicBool::new(false));
                let last_error = Arc::new(Mutex::new("not checked yet".to_string()));
                let backend =
                    self.dialer.dial(&n.name, &address, server_name.as_deref()).map_err(|e| {
                        tracing::warn!(node = %n.name, %address, error = %e, "Hubble Relay cannot dial a node");
                        e.to_string()
                    });
                let checker = backend.as_ref().ok().map(|b| {
                    tokio::spawn(check(n.name.clone(), b.clone(), up.clone(), last_error.clone()))
                });
                nodes.insert(
                    n.name.clone(),
                    Entry { name: n.name, address, server_name, backend, up, last_error, checker },
                );
            }
            ChangeNotificationType::PeerDeleted => {
                self.lock().remove(&n.name);
            }
            ChangeNotificationType::Unknown => {}
        }
    }

    /// Follows `feed` until the pool is dropped by everyone else.
    pub async fn follow(self: Arc<Self>, feed: Arc<dyn PeerFeed>) {
        let weak = Arc::downgrade(&self);
        drop(self);
        loop {
            match feed.subscribe().await {
                Ok(mut stream) => {
                    // A new subscription starts from a whole snapshot: what it does not name
                    // again is gone. Nodes it names again keep their connections.
                    let mut fresh = true;
                    let mut seen = std::collections::BTreeSet::new();
                    loop {
                        let next = if fresh {
                            // The snapshot comes at once; a pause means it is over.
                            match tokio::time::timeout(Duration::from_secs(1), stream.next()).await
                            {
                                Ok(n) => n,
                                Err(_) => {
                                    fresh = false;
                                    let Some(pool) = weak.upgrade() else { return };
                                    pool.lock().retain(|name, _| seen.contains(name));
                                    continue;
                                }
                            }
                        } else {
                            stream.next().await
                        };
                        let Some(pool) = weak.upgrade() else { return };
                        match next {
                            Some(Ok(n)) => {
                                if fresh {
                                    seen.insert(n.name.clone());
                                }
                                pool.apply(n);
                            }
                            Some(Err(e)) => {
                                tracing::warn!(error = %e, "Hubble Relay: the Peer service failed");
                                break;
                            }
                            None => break,
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "Hubble Relay: cannot follow the Peer service")
                }
            }
            if weak.strong_count() == 0 {
                return;
            }
            tokio::time::sleep(RESUBSCRIBE).await;
        }
    }
}

/// Checks a node until its entry goes: `ServerStatus` answered means it is up.
async fn check(
    name: String,
    backend: Arc<dyn Backend>,
    up: Arc<AtomicBool>,
    last_error: Arc<Mutex<String>>,
) {
    let mut retry = RETRY_MIN;
    loop {
        match backend.server_status().await {
            Ok(_) => {
                if !up.swap(true, Ordering::AcqRel) {
                    tracing::info!(node = %name, "Hubble Relay connected to a node");
                }
                retry = RETRY_MIN;
                tokio::time::sleep(CHECK).await;
            }
            Err(e) => {
                if up.swap(false, Ordering::AcqRel) {
                    tracing::warn!(node = %name, error = %e.message(), "Hubble Relay lost a node");
                }
                *last_error.lock().unwrap_or_else(|p| p.into_inner()) = e.message().to_string();
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(RETRY_MAX);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hubble::relay::fake::{FakeDialer, eventually, notification};

    #[tokio::test]
    async fn nodes_come_and_go_with_the_notifications() {
        let dialer = FakeDialer::default();
        dialer.node("c/vm1");
        let pool = Pool::new(Box::new(dialer.clone()));
        pool.apply(notification("c/vm1", "10.0.0.1:4244", ChangeNotificationType::PeerAdded));
        pool.apply(notification("c/vm2", "10.0.0.2", ChangeNotificationType::PeerAdded));
        eventually(|| pool.list().first().is_some_and(|m| m.state.is_ok())).await;
        let list = pool.list();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].address, "10.0.0.2:4244", "a bare IP gets Hubble's port");
        assert!(list[1].state.is_err(), "vm2 does not answer");
        pool.apply(notification("c/vm1", "", ChangeNotificationType::PeerDeleted));
        assert_eq!(pool.list().len(), 1);
    }
}
