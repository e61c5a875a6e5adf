//! The Peer service: which Hubble servers the cluster has, the way upstream's Relay and
//! `hubble watch peers` follow them. A client gets every node (this one too) as `PEER_ADDED`,
//! then the differences as membership changes, until it leaves.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tonic::codegen::tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::observer::Observer;
use super::proto::observer::Node;
use super::proto::peer::{
    ChangeNotification, ChangeNotificationType, NotifyRequest, Tls, peer_server,
};

/// How often the nodes are compared with what a client was told: a change reaches it within
/// this. Upstream batches changes for up to 50 ms; membership itself moves in seconds.
const POLL: Duration = Duration::from_millis(500);
/// Notifications held for a client that does not read; beyond, its stream ends (as
/// upstream's), and it reconnects to a fresh snapshot.
const BUFFER: usize = 4096;

/// The Peer service of an observer.
#[derive(Debug, Clone)]
pub struct PeerService(pub Arc<Observer>);

/// What a client was told of each node, by name: its address and TLS server name.
type Told = BTreeMap<String, (String, Option<String>)>;

/// The nodes a client can dial: those with a Hubble TCP address.
fn reachable(nodes: Vec<Node>) -> Told {
    nodes
        .into_iter()
        .filter(|n| !n.address.is_empty())
        .map(|n| {
            let tls = n.tls.as_ref().is_some_and(|t| t.enabled).then(|| server_name(&n.name));
            (n.name, (n.address, tls))
        })
        .collect()
}

/// The name a node's Hubble certificate carries, as upstream derives it from `<cluster>/<node>`
/// (a bare name is in the cluster `default`): `<node>.<cluster>.hubble-grpc.cilium.io`, dots
/// in either part made dashes.
pub fn server_name(full_name: &str) -> String {
    let (cluster, node) = full_name.split_once('/').unwrap_or(("default", full_name));
    let cluster = if cluster.is_empty() { "default" } else { cluster };
    format!("{}.{}.hubble-grpc.cilium.io", node.replace('.', "-"), cluster.replace('.', "-"))
}

/// The notifications that take a client from `old` to `new`: additions and updates in name
/// order, then deletions.
fn changes(old: &Told, new: &Told) -> Vec<ChangeNotification> {
    let note = |name: &str, (address, tls): &(String, Option<String>), kind| ChangeNotification {
        name: name.to_string(),
        address: address.clone(),
        r#type: kind as i32,
        tls: tls.as_ref().map(|s| Tls { server_name: s.clone() }),
    };
    let mut out = Vec::new();
    for (name, now) in new {
        match old.get(name) {
            None => out.push(note(name, now, ChangeNotificationType::PeerAdded)),
            Some(before) if before != now => {
                out.push(note(name, now, ChangeNotificationType::PeerUpdated));
            }
            Some(_) => {}
        }
    }
    for (name, before) in old.iter().filter(|(name, _)| !new.contains_key(*name)) {
        out.push(note(name, before, ChangeNotificationType::PeerDeleted));
    }
    out
}

#[tonic::async_trait]
impl peer_server::Peer for PeerService {
    type NotifyStream = std::pin::Pin<
        Box<dyn futures_util::Stream<Item = Result<ChangeNotification, Status>> + Send + 'static>,
    >;

    async fn notify(
        &self,
        _request: Request<NotifyRequest>,
    ) -> Result<Response<Self::NotifyStream>, Status> {
        let (tx, rx) = tokio::sync::mpsc::channel(BUFFER);
        let obs = self.0.clone();
        tokio::spawn(async move {
            let mut told = Told::new();
            loop {
                let now = reachable(obs.nodes());
                for n in changes(&told, &now) {
                    // A client too slow for the buffer is cut off, never waited for.
                    if tx.try_send(Ok(n)).is_err() {
                        return;
                    }
                }
                told = now;
                tokio::select! {
                    () = tx.closed() => return,
                    () = tokio::time::sleep(POLL) => {}
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, address: &str, tls: bool) -> Node {
        Node {
            name: name.into(),
            address: address.into(),
            tls: Some(super::super::proto::observer::Tls {
                enabled: tls,
                server_name: String::new(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_client_hears_the_snapshot_then_the_differences() {
        let first = reachable(vec![
            node("vm-cluster/vm1", "192.168.1.10:4244", false),
            node("vm-cluster/vm2", "192.168.1.11:4244", false),
            node("vm-cluster/vm3", "", false),
        ]);
        let snapshot = changes(&Told::new(), &first);
        let seen: Vec<(&str, &str, i32)> =
            snapshot.iter().map(|n| (n.name.as_str(), n.address.as_str(), n.r#type)).collect();
        let added = ChangeNotificationType::PeerAdded as i32;
        assert_eq!(
            seen,
            [
                ("vm-cluster/vm1", "192.168.1.10:4244", added),
                ("vm-cluster/vm2", "192.168.1.11:4244", added)
            ],
            "no Hubble address, nothing to dial"
        );
        assert!(snapshot.iter().all(|n| n.tls.is_none()), "no TLS, no server name");
        assert!(changes(&first, &first).is_empty());

        let second = reachable(vec![
            node("vm-cluster/vm1", "192.168.1.10:4244", false),
            node("vm-cluster/vm2", "192.168.1.21:4244", false),
            node("vm-cluster/vm4", "192.168.1.13:4244", false),
        ]);
        let kinds: Vec<(String, i32)> =
            changes(&first, &second).into_iter().map(|n| (n.name, n.r#type)).collect();
        assert_eq!(
            kinds,
            [
                ("vm-cluster/vm2".to_string(), ChangeNotificationType::PeerUpdated as i32),
                ("vm-cluster/vm4".to_string(), added),
            ]
        );
        let gone = changes(&second, &Told::new());
        assert!(gone.iter().all(|n| n.r#type == ChangeNotificationType::PeerDeleted as i32));
        assert_eq!(gone.len(), 3);
    }

    #[test]
    fn tls_server_names_follow_upstream() {
        assert_eq!(server_name("vm-cluster/vm1"), "vm1.vm-cluster.hubble-grpc.cilium.io");
        assert_eq!(server_name("db.internal"), "db-internal.default.hubble-grpc.cilium.io");
        let told = reachable(vec![node("prod/vm1", "10.0.0.1:4244", true)]);
        let n = changes(&Told::new(), &told).remove(0);
        assert_eq!(n.tls.map(|t| t.server_name), Some("vm1.prod.hubble-grpc.cilium.io".into()));
    }
}
