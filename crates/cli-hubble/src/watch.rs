//! `hubble watch peers`: the Hubble servers a server knows of, as they come and go (the Peer
//! service, which Relay follows), one line per change in upstream's format.

use agent_core::hubble::proto::peer::peer_client::PeerClient;
use agent_core::hubble::proto::peer::{ChangeNotification, ChangeNotificationType, NotifyRequest};
use clap::Subcommand;

use crate::conn::{self, RpcError, ServerArgs};
use crate::printer::clean;

/// `hubble watch ...`.
#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Watch for Hubble peers updates
    #[command(visible_alias = "peer")]
    Peers,
}

/// Runs `hubble watch peers` until the server ends the stream, printing through `out`.
pub async fn run_peers(
    server: &ServerArgs,
    out: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let conn = conn::connect(server).await?;
    let mut client = PeerClient::new(conn.channel.clone());
    let mut stream = conn.unary(client.notify(NotifyRequest {})).await?;
    loop {
        match stream.message().await {
            Ok(Some(n)) => out(&line(&n))?,
            Ok(None) => return Ok(()),
            Err(s) if s.code() == tonic::Code::Cancelled => return Ok(()),
            Err(s) => return Err(RpcError::from_status(&s).into()),
        }
    }
}

/// One change as upstream prints it: the type padded to 12, the address, the name, and the
/// TLS server name when there is one. What the server sent is shown, never its control
/// characters.
pub fn line(n: &ChangeNotification) -> String {
    let kind = ChangeNotificationType::try_from(n.r#type)
        .map_or_else(|_| n.r#type.to_string(), |t| t.as_str_name().to_string());
    let tls = n
        .tls
        .as_ref()
        .map(|t| format!(" (TLS.ServerName: {})", clean(&t.server_name)))
        .unwrap_or_default();
    format!("{kind:<12} {} {}{tls}\n", clean(&n.address), clean(&n.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use agent_core::hubble::proto::peer::Tls;

    #[test]
    fn lines_are_upstreams() {
        let mut n = ChangeNotification {
            name: "vm-cluster/vm2".into(),
            address: "192.168.1.11:4244".into(),
            r#type: ChangeNotificationType::PeerAdded as i32,
            tls: None,
        };
        assert_eq!(line(&n), "PEER_ADDED   192.168.1.11:4244 vm-cluster/vm2\n");
        n.r#type = ChangeNotificationType::PeerDeleted as i32;
        n.tls = Some(Tls { server_name: "vm2.vm-cluster.hubble-grpc.cilium.io".into() });
        assert_eq!(
            line(&n),
            "PEER_DELETED 192.168.1.11:4244 vm-cluster/vm2 (TLS.ServerName: vm2.vm-cluster.hubble-grpc.cilium.io)\n"
        );
        n.name = "evil\x1b[2Jname".into();
        assert!(!line(&n).contains('\x1b'), "no escape sequences from the wire");
    }
}
