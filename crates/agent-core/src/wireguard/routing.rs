//! Routing that sends traffic for peers' node addresses through `cilium_wg0`, while
//! WireGuard's own packets and the node announcements (both carrying [`WG_MARK`]) take the main
//! table:
//!
//! 1. rule `fwmark 0xe00/0xf00 lookup main`, preference 98;
//! 2. rule `lookup 2005`, preference 99: for a peer's address, a route via `cilium_wg0`, and,
//!    in strict mode, an `unreachable` route behind it (higher metric), so that when
//!    `cilium_wg0` is gone (backend dead, agent restarting) traffic to the peer fails closed
//!    instead of leaving in plaintext.
//!
//! Kernel state is changed with iproute2's `ip`, present on every distribution we support.

use std::net::IpAddr;
use std::process::Command;

/// Mark of WireGuard's UDP packets and of the announcement sockets.
pub const WG_MARK: u32 = 0xe00;
/// Bits of the mark that are ours.
pub const WG_MARK_MASK: u32 = 0xf00;
/// Routing table for peers.
pub const TABLE: &str = "2005";
/// Metric of the fail-closed route.
const BLOCK_METRIC: &str = "4096";

/// A routing command failed.
#[derive(Debug, thiserror::Error)]
#[error("`ip {args}` failed: {reason}")]
pub struct RoutingError {
    args: String,
    reason: String,
}

fn ip(args: &[&str]) -> Result<String, RoutingError> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| RoutingError { args: args.join(" "), reason: e.to_string() })?;
    if !out.status.success() {
        return Err(RoutingError {
            args: args.join(" "),
            reason: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn family(addr: &IpAddr) -> &'static str {
    if addr.is_ipv4() { "-4" } else { "-6" }
}

/// Installs the two rules for both families (idempotent).
pub fn install_rules() -> Result<(), RoutingError> {
    let mark = format!("{WG_MARK:#x}/{WG_MARK_MASK:#x}");
    for fam in ["-4", "-6"] {
        let rules = ip(&[fam, "rule", "list"])?;
        if !rules.lines().any(|l| l.starts_with("98:")) {
            ip(&[fam, "rule", "add", "fwmark", &mark, "lookup", "main", "pref", "98"])?;
        }
        if !rules.lines().any(|l| l.starts_with("99:")) {
            ip(&[fam, "rule", "add", "lookup", TABLE, "pref", "99"])?;
        }
    }
    Ok(())
}

/// Routes `peer` through `dev` (with `src` as source and `mtu`), plus the fail-closed route.
///
/// The route's `advmss` clamps the MSS this host offers on TCP connections to the peer to
/// what fits in one tunnel packet, and the path MTU bounds what it sends: neither side of a
/// connection through the tunnel ever needs fragmentation or PMTU discovery to work.
pub fn add_peer(
    dev: &str,
    peer: IpAddr,
    src: Option<IpAddr>,
    mtu: u32,
    strict: bool,
) -> Result<(), RoutingError> {
    let f = family(&peer);
    let dst = peer.to_string();
    let advmss = mss(mtu, peer.is_ipv4()).to_string();
    let mtu = mtu.to_string();
    let mut args = vec![
        f, "route", "replace", &dst, "dev", dev, "table", TABLE, "mtu", &mtu, "advmss", &advmss,
    ];
    let src_s = src.map(|s| s.to_string());
    if let Some(s) = &src_s {
        args.extend_from_slice(&["src", s]);
    }
    ip(&args)?;
    if strict {
        ip(&[f, "route", "replace", "unreachable", &dst, "table", TABLE, "metric", BLOCK_METRIC])?;
    }
    Ok(())
}

/// Blocks plaintext to `peer` before its tunnel exists (strict mode).
pub fn block_peer(peer: IpAddr) -> Result<(), RoutingError> {
    let dst = peer.to_string();
    ip(&[
        family(&peer),
        "route",
        "replace",
        "unreachable",
        &dst,
        "table",
        TABLE,
        "metric",
        BLOCK_METRIC,
    ])
    .map(|_| ())
}

/// Removes every route for `peer` from the table.
pub fn remove_peer(peer: IpAddr) {
    let dst = peer.to_string();
    while ip(&[family(&peer), "route", "del", &dst, "table", TABLE]).is_ok() {}
}

/// Removes the rules and the table (`cilium-agent --cleanup`).
pub fn uninstall() {
    for fam in ["-4", "-6"] {
        while ip(&[fam, "rule", "del", "pref", "98"]).is_ok() {}
        while ip(&[fam, "rule", "del", "pref", "99"]).is_ok() {}
        let _ = ip(&[fam, "route", "flush", "table", TABLE]);
    }
}

/// Sets the MTU of `dev` and brings it up; disables reverse-path filtering on it, since
/// decrypted packets arrive from addresses routed by the policy table.
pub fn link_up(dev: &str, mtu: u32) -> Result<(), RoutingError> {
    ip(&["link", "set", dev, "mtu", &mtu.to_string(), "up"])?;
    let _ = std::fs::write(format!("/proc/sys/net/ipv4/conf/{dev}/rp_filter"), "0");
    Ok(())
}

/// MTU of a device, from sysfs.
pub fn device_mtu(dev: &str) -> Option<u32> {
    std::fs::read_to_string(format!("/sys/class/net/{dev}/mtu")).ok()?.trim().parse().ok()
}

/// The TCP MSS that fits a packet of `mtu` bytes: the inner IP header (20 or 40) and TCP's 20.
pub fn mss(mtu: u32, v4: bool) -> u32 {
    mtu.saturating_sub(if v4 { 40 } else { 60 })
}

/// WireGuard's overhead over IPv4 (20 IP + 8 UDP + 32 WireGuard) and IPv6 (40 + 8 + 32).
pub const OVERHEAD_V4: u32 = 60;
/// See [`OVERHEAD_V4`].
pub const OVERHEAD_V6: u32 = 80;

/// Creates a kernel WireGuard link (loads the module on demand).
pub fn add_wireguard_link(dev: &str) -> Result<(), RoutingError> {
    ip(&["link", "add", "dev", dev, "type", "wireguard"]).map(|_| ())
}

/// Deletes a link.
pub fn delete_link(dev: &str) -> Result<(), RoutingError> {
    ip(&["link", "del", "dev", dev]).map(|_| ())
}
