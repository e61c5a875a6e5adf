//! Seeds conntrack from the sockets that exist before the programs are first attached.
//!
//! Without this, the first enforcement would cut every open connection (the operator's SSH
//! session first): their packets have no conntrack entry, and mid-stream packets are not
//! policy decisions. The kernel's own socket table (`/proc/net/{tcp,udp}{,6}` of the agent's
//! network namespace) says which connections are real, so only those are let through.

use std::collections::HashSet;
use std::net::IpAddr;

use aya::maps::HashMap;
use bpf_progs::{
    CT_F_SEEDED, CtKey, CtValue, DIR_EGRESS, DIR_INGRESS, PATH_PLAIN, PATH_TUNNEL, addr_bytes,
    maps as names,
};

use super::{Datapath, DatapathError, map_err};

/// One established socket: local and remote endpoints, protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    /// IP protocol (6 or 17).
    pub proto: u8,
    /// Local address and port.
    pub local: (IpAddr, u16),
    /// Remote address and port.
    pub remote: (IpAddr, u16),
}

/// Parses a `/proc/net/{tcp,udp}{,6}` address (`0100007F:1F90`).
fn parse_addr(s: &str) -> Option<(IpAddr, u16)> {
    let (a, p) = s.split_once(':')?;
    let port = u16::from_str_radix(p, 16).ok()?;
    let ip = match a.len() {
        8 => {
            let v = u32::from_str_radix(a, 16).ok()?;
            IpAddr::from(v.to_ne_bytes())
        }
        32 => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                let w = u32::from_str_radix(&a[i * 8..i * 8 + 8], 16).ok()?;
                b[i * 4..i * 4 + 4].copy_from_slice(&w.to_ne_bytes());
            }
            IpAddr::from(b)
        }
        _ => return None,
    };
    Some((ip, port))
}

/// Established sockets and listening ports from the text of the socket tables.
pub fn parse_table(text: &str, proto: u8) -> (Vec<Socket>, Vec<u16>) {
    let mut established = Vec::new();
    let mut listening = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 4 {
            continue;
        }
        let (Some(local), Some(remote)) = (parse_addr(f[1]), parse_addr(f[2])) else { continue };
        match f[3] {
            "01" => established.push(Socket { proto, local, remote }),
            "0A" => listening.push(local.1),
            _ => {}
        }
    }
    (established, listening)
}

/// Every established, non-loopback TCP and connected UDP socket of this network namespace.
pub fn current_sockets() -> (Vec<Socket>, HashSet<u16>) {
    let mut all = Vec::new();
    let mut listening = HashSet::new();
    for (file, proto) in [("tcp", 6), ("tcp6", 6), ("udp", 17), ("udp6", 17)] {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/net/{file}")) {
            let (e, l) = parse_table(&text, proto);
            all.extend(e);
            if proto == 6 {
                listening.extend(l);
            }
        }
    }
    all.retain(|s| !s.remote.0.is_loopback() && !s.local.0.is_loopback());
    (all, listening)
}

impl Datapath {
    /// Adds conntrack entries for `sockets` that have none yet; returns how many were added.
    /// Connections with `tunnelled` peers are bound to the tunnel's path (their packets come
    /// out of `cilium_wg0`), all others to the plain one.
    pub fn seed_conntrack(
        &mut self,
        sockets: &[Socket],
        listening: &HashSet<u16>,
        tunnelled: &HashSet<IpAddr>,
    ) -> Result<usize, DatapathError> {
        let mut m: HashMap<_, CtKey, CtValue> =
            HashMap::try_from(self.map_mut(names::CT)?).map_err(map_err(names::CT))?;
        let now = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
            .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
            .unwrap_or(0);
        let mut added = 0;
        for s in sockets {
            // Connections to a listening port were opened by the peer.
            let inbound = s.proto == 6 && listening.contains(&s.local.1);
            let (from, to, dir) = if inbound {
                (s.remote, s.local, DIR_INGRESS)
            } else {
                (s.local, s.remote, DIR_EGRESS)
            };
            let (family, saddr) = addr_bytes(from.0);
            let (_, daddr) = addr_bytes(to.0);
            let key = CtKey {
                saddr,
                daddr,
                sport: from.1.to_be(),
                dport: to.1.to_be(),
                proto: s.proto,
                family,
                path: if tunnelled.contains(&s.remote.0) { PATH_TUNNEL } else { PATH_PLAIN },
                pad: 0,
            };
            let reverse =
                CtKey { saddr: daddr, daddr: saddr, sport: key.dport, dport: key.sport, ..key };
            if m.get(&key, 0).is_ok() || m.get(&reverse, 0).is_ok() {
                continue;
            }
            let value = CtValue {
                expires: now + if s.proto == 6 { 21_600 } else { 60 } * 1_000_000_000,
                flags_fwd: 0x12,
                flags_rev: 0x12,
                direction: dir,
                state_flags: CT_F_SEEDED,
                ..CtValue::default()
            };
            m.insert(key, value, 0).map_err(map_err(names::CT))?;
            added += 1;
        }
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_socket_tables() {
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
                   0: 0A01A8C0:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n\
                   1: 0A01A8C0:0016 0B01A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1\n";
        let (est, listen) = parse_table(tcp, 6);
        assert_eq!(listen, vec![22]);
        assert_eq!(est.len(), 1);
        assert_eq!(est[0].local, ("192.168.1.10".parse().expect("ip"), 22));
        assert_eq!(est[0].remote, ("192.168.1.11".parse().expect("ip"), 54321));
        let tcp6 = "header\n 0: 000080FE00000000FF03070262790AFE:0016 000080FE000000000000000000000001:D431 01 x\n";
        let (est6, _) = parse_table(tcp6, 6);
        assert_eq!(est6[0].local.0, "fe80::207:3ff:fe0a:7962".parse::<IpAddr>().expect("ip"));
    }
}
