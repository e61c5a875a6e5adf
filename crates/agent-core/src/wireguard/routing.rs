//! Routing that sends traffic for peers' node addresses through `cilium_wg0`, while
//! WireGuard's own packets and the node announcements (both carrying [`WG_MARK`]) take the main
//! table:
//!
//! 1. rule `fwmark 0xe00/0xf00 lookup main`, preference 98;
//! 2. rule `lookup 2005`, preference 99: for a peer's address, a route via `cilium_wg0`, and,
//!    in strict mode, an `unreachable` route behind it (higher metric), so that when
//!    `cilium_wg0` is gone (backend dead, agent restarting, a boot before the agent ran)
//!    traffic to the peer fails closed instead of leaving in plaintext.
//!
//! Table 2005 is derived state: [`desired`] computes it from the peers, and [`reconcile`] makes
//! the kernel's table equal to it, additions first, so no address ever loses its block while
//! its tunnel route changes. The kernel is spoken to over rtnetlink ([`Netlink`]); the
//! [`RouteTable`] trait lets the reconciliation run against a fake without root.

use std::collections::BTreeSet;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::pin::Pin;

use futures_util::TryStreamExt;
use netlink_packet_route::AddressFamily;
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteMetric, RouteProtocol,
    RouteScope, RouteType,
};
use netlink_packet_route::rule::{RuleAction, RuleAttribute};

/// Loopback's `accept_local`, which the L7 proxy's egress redirect needs.
const LO_ACCEPT_LOCAL: &str = "/proc/sys/net/ipv4/conf/lo/accept_local";
/// Its value before the agent changed it, in the state directory.
const ACCEPT_LOCAL_BEFORE: &str = "lo-accept-local.before";

/// Sets the sysctl `path` to `value`, first keeping its value in `memo` when it differs and no
/// earlier run kept one (a restarted agent finds its own value there).
fn set_remembered(path: &Path, value: &str, memo: &Path) -> std::io::Result<()> {
    let before = std::fs::read_to_string(path)?;
    if before.trim() != value && !memo.exists() {
        crate::fsutil::atomic_write(memo, before.trim().as_bytes(), 0o644)?;
    }
    std::fs::write(path, value)
}

/// Gives the sysctl `path` back the value kept in `memo`, and forgets it; nothing to do
/// without one (the agent changed nothing).
fn restore_remembered(path: &Path, memo: &Path) -> std::io::Result<()> {
    let before = match std::fs::read_to_string(memo) {
        Ok(v) => v,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    std::fs::write(path, before.trim())?;
    std::fs::remove_file(memo)
}

/// Loopback's `accept_local` as it was before the agent's L7 proxy set it
/// (`cilium-agent --cleanup`).
pub fn restore_accept_local(state_dir: &Path) -> Result<(), RoutingError> {
    restore_remembered(Path::new(LO_ACCEPT_LOCAL), &state_dir.join(ACCEPT_LOCAL_BEFORE))
        .map_err(|e| RoutingError::new("restoring net.ipv4.conf.lo.accept_local", e))
}

/// Mark of WireGuard's UDP packets and of the announcement sockets.
pub const WG_MARK: u32 = 0xe00;
/// Bits of the mark that are ours.
pub const WG_MARK_MASK: u32 = 0xf00;
/// Routing table for peers.
pub const TABLE: u32 = 2005;
/// Metric of a route through the tunnel.
pub const TUNNEL_METRIC: u32 = 1;
/// Metric of the fail-closed route behind it.
pub const BLOCK_METRIC: u32 = 4096;
/// Table where egress packets redirected to the L7 proxy are local (Cilium's 2004).
pub const PROXY_TABLE: u32 = 2004;
/// Preference of the rule that looks it up for them: before table 2005, which would send
/// them into the tunnel (Cilium's 9).
const PREF_PROXY: u32 = 9;
/// Preference of the rule that lets marked packets skip table 2005.
const PREF_MARK: u32 = 98;
/// Preference of the rule that looks up table 2005.
const PREF_TABLE: u32 = 99;

/// One route of table 2005.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Route {
    /// A peer's address through the tunnel device.
    Tunnel {
        /// The peer's address, or a prefix behind it (a Kubernetes node's pod CIDR).
        dst: IpAddr,
        /// Its prefix length (a host's: 32 or 128).
        len: u8,
        /// Interface index of the tunnel.
        oif: u32,
        /// Path MTU.
        mtu: u32,
        /// The MSS this host offers on TCP connections to the peer.
        advmss: u32,
        /// Source address for traffic to the peer.
        src: Option<IpAddr>,
    },
    /// Fail closed: traffic to the address errors out instead of leaving in plaintext.
    Block {
        /// The peer's address, or a prefix behind it.
        dst: IpAddr,
        /// Its prefix length.
        len: u8,
    },
    /// Anything else found in the table: not ours to keep.
    Foreign {
        /// Destination.
        dst: IpAddr,
        /// Its prefix length.
        prefix: u8,
        /// Its metric.
        metric: u32,
    },
}

impl Route {
    /// What the kernel identifies a route by in a table: destination, prefix and metric. A
    /// replace of the same slot changes the route in place.
    fn slot(&self) -> (IpAddr, u8, u32) {
        match self {
            Route::Tunnel { dst, len, .. } => (*dst, *len, TUNNEL_METRIC),
            Route::Block { dst, len } => (*dst, *len, BLOCK_METRIC),
            Route::Foreign { dst, prefix, metric } => (*dst, *prefix, *metric),
        }
    }
}

fn host_len(ip: &IpAddr) -> u8 {
    if ip.is_ipv4() { 32 } else { 128 }
}

/// A routing operation failed.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {reason}")]
pub struct RoutingError {
    what: String,
    reason: String,
}

impl RoutingError {
    pub(crate) fn new(what: impl Into<String>, reason: impl std::fmt::Display) -> RoutingError {
        RoutingError { what: what.into(), reason: reason.to_string() }
    }
}

/// A boxed future, so that [`RouteTable`] can be a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The kernel's policy routing as far as encryption uses it.
pub trait RouteTable: Send + Sync + std::fmt::Debug {
    /// Installs the two rules for every family the kernel has (idempotent).
    fn install_rules(&self) -> BoxFuture<'_, Result<(), RoutingError>>;
    /// Every route of table 2005.
    fn list(&self) -> BoxFuture<'_, Result<Vec<Route>, RoutingError>>;
    /// Adds `route`, or replaces the route in its slot.
    fn replace<'a>(&'a self, route: &'a Route) -> BoxFuture<'a, Result<(), RoutingError>>;
    /// Removes `route` (absent is fine).
    fn delete<'a>(&'a self, route: &'a Route) -> BoxFuture<'a, Result<(), RoutingError>>;
    /// The MTU of the path WireGuard's (marked) packets take to `dst`: the route's `mtu`, a
    /// learned path MTU, or its device's; `None` when unknown. A public path between clouds
    /// may be narrower than the local network.
    fn path_mtu(&self, dst: IpAddr) -> BoxFuture<'_, Option<u32>> {
        let _ = dst;
        Box::pin(async { None })
    }
}

/// Where the tunnel routes of [`desired`] point, and with what.
#[derive(Debug, Clone, Copy)]
pub struct TunnelDevice {
    /// Interface index of `cilium_wg0`.
    pub oif: u32,
    /// Source address of IPv4 traffic to peers.
    pub src4: Option<IpAddr>,
    /// Source address of IPv6 traffic to peers.
    pub src6: Option<IpAddr>,
}

/// The table for `tunnelled` addresses (each with the path MTU of its peer) and, in `strict`
/// mode, a block for every address of `blocked` and of `tunnelled`.
pub fn desired(
    tunnelled: &[(IpAddr, u8, u32)],
    blocked: &[IpAddr],
    device: Option<TunnelDevice>,
    strict: bool,
) -> BTreeSet<Route> {
    let mut out = BTreeSet::new();
    if let Some(dev) = device {
        for (ip, len, mtu) in tunnelled {
            let src = if ip.is_ipv4() { dev.src4 } else { dev.src6 };
            out.insert(Route::Tunnel {
                dst: *ip,
                len: *len,
                oif: dev.oif,
                mtu: *mtu,
                advmss: mss(*mtu, ip.is_ipv4()),
                src,
            });
        }
    }
    if strict {
        for ip in blocked {
            out.insert(Route::Block { dst: *ip, len: host_len(ip) });
        }
        for (ip, len, _) in tunnelled {
            out.insert(Route::Block { dst: *ip, len: *len });
        }
    }
    out
}

/// Makes table 2005 equal to `want`: new and changed routes first, then removals, so that no
/// moment has fewer blocks than either state. Returns how many routes changed.
pub async fn reconcile(
    table: &dyn RouteTable,
    want: &BTreeSet<Route>,
) -> Result<usize, RoutingError> {
    let have: BTreeSet<Route> = table.list().await?.into_iter().collect();
    let mut changed = 0;
    for r in want.difference(&have) {
        table.replace(r).await?;
        changed += 1;
    }
    let wanted_slots: BTreeSet<_> = want.iter().map(Route::slot).collect();
    for r in have.difference(want) {
        // Replaced in place above: deleting its slot would delete the new route.
        if wanted_slots.contains(&r.slot()) {
            continue;
        }
        table.delete(r).await?;
        changed += 1;
    }
    Ok(changed)
}

/// The kernel over rtnetlink.
#[derive(Debug, Clone)]
pub struct Netlink {
    handle: rtnetlink::Handle,
}

/// True when the kernel has IPv6 (it may be disabled at boot with `ipv6.disable=1`).
fn has_ipv6() -> bool {
    std::path::Path::new("/proc/sys/net/ipv6").exists()
}

fn families() -> Vec<AddressFamily> {
    let mut f = vec![AddressFamily::Inet];
    if has_ipv6() {
        f.push(AddressFamily::Inet6);
    }
    f
}

fn is_errno(e: &rtnetlink::Error, errno: i32) -> bool {
    matches!(e, rtnetlink::Error::NetlinkError(m) if m.raw_code() == -errno)
}

impl Netlink {
    /// Opens a netlink connection; its task runs on the current tokio runtime.
    pub fn connect() -> Result<Netlink, RoutingError> {
        let (conn, handle, _) =
            rtnetlink::new_connection().map_err(|e| RoutingError::new("opening rtnetlink", e))?;
        tokio::spawn(conn);
        Ok(Netlink { handle })
    }

    /// The interface index of `dev`, if it exists.
    pub async fn ifindex(&self, dev: &str) -> Result<Option<u32>, RoutingError> {
        let mut links = self.handle.link().get().match_name(dev.to_string()).execute();
        match links.try_next().await {
            Ok(link) => Ok(link.map(|l| l.header.index)),
            Err(e) if is_errno(&e, nix::libc::ENODEV) => Ok(None),
            Err(e) => Err(RoutingError::new(format!("looking up {dev}"), e)),
        }
    }

    /// The `kind` of an existing link (`wireguard`, `tun`, ...; `other` when it has none), or
    /// `None` when there is no such link.
    pub async fn link_kind(&self, dev: &str) -> Result<Option<String>, RoutingError> {
        use netlink_packet_route::link::{LinkAttribute, LinkInfo};
        let mut links = self.handle.link().get().match_name(dev.to_string()).execute();
        let link = match links.try_next().await {
            Ok(Some(l)) => l,
            Ok(None) => return Ok(None),
            Err(e) if is_errno(&e, nix::libc::ENODEV) => return Ok(None),
            Err(e) => return Err(RoutingError::new(format!("looking up {dev}"), e)),
        };
        let kind = link.attributes.iter().find_map(|a| match a {
            LinkAttribute::LinkInfo(infos) => infos.iter().find_map(|i| match i {
                LinkInfo::Kind(k) => Some(k.to_string()),
                _ => None,
            }),
            _ => None,
        });
        Ok(Some(kind.unwrap_or_else(|| "other".into())))
    }

    /// Sets the MTU of `dev` and brings it up; disables reverse-path filtering on it, since
    /// decrypted packets arrive from addresses routed by the policy table.
    pub async fn link_up(&self, dev: &str, mtu: u32) -> Result<u32, RoutingError> {
        let what = || format!("bringing {dev} up with MTU {mtu}");
        let index =
            self.ifindex(dev).await?.ok_or_else(|| RoutingError::new(what(), "no such device"))?;
        let msg = rtnetlink::LinkUnspec::new_with_index(index).mtu(mtu).up().build();
        self.handle.link().set(msg).execute().await.map_err(|e| RoutingError::new(what(), e))?;
        let _ = std::fs::write(format!("/proc/sys/net/ipv4/conf/{dev}/rp_filter"), "0");
        Ok(index)
    }

    /// Creates a kernel WireGuard link (the kernel loads the module on demand).
    pub async fn add_wireguard_link(&self, dev: &str) -> Result<(), RoutingError> {
        let msg = rtnetlink::LinkWireguard::new(dev).build();
        self.handle
            .link()
            .add(msg)
            .execute()
            .await
            .map_err(|e| RoutingError::new(format!("creating the WireGuard link {dev}"), e))
    }

    /// Deletes a link (absent is fine).
    pub async fn delete_link(&self, dev: &str) -> Result<(), RoutingError> {
        let Some(index) = self.ifindex(dev).await? else { return Ok(()) };
        match self.handle.link().del(index).execute().await {
            Ok(()) => Ok(()),
            Err(e) if is_errno(&e, nix::libc::ENODEV) => Ok(()),
            Err(e) => Err(RoutingError::new(format!("deleting {dev}"), e)),
        }
    }

    /// The L7 proxy's egress redirect: `fwmark 0x200/0xf00 lookup 2004` and `local default
    /// dev lo table 2004`, so that a packet the datapath turned round to loopback for the proxy
    /// is delivered locally although it is addressed to the peer; and loopback's
    /// `accept_local`, without which the kernel takes this host's own source address arriving
    /// there for a martian. Its value before is kept in `state_dir` for
    /// [`restore_accept_local`] (`cilium-agent --cleanup`).
    pub async fn install_proxy_routing(&self, state_dir: &Path) -> Result<(), RoutingError> {
        use bpf_progs::mark;
        for family in families() {
            let have = self.priorities(family).await?.contains(&PREF_PROXY);
            let fam = if family == AddressFamily::Inet { "IPv4" } else { "IPv6" };
            if !have {
                let mut req = self
                    .handle
                    .rule()
                    .add()
                    .table_id(PROXY_TABLE)
                    .action(RuleAction::ToTable)
                    .priority(PREF_PROXY)
                    .fw_mark(mark::TO_PROXY);
                req.message_mut().attributes.push(RuleAttribute::FwMask(mark::MASK));
                req.message_mut().header.family = family;
                req.execute().await.map_err(|e| {
                    RoutingError::new(
                        format!(
                            "adding the {fam} rule `fwmark {:#x}/{:#x} lookup {PROXY_TABLE}`",
                            mark::TO_PROXY,
                            mark::MASK
                        ),
                        e,
                    )
                })?;
            }
            self.handle.route().add(proxy_route(family)).replace().execute().await.map_err(
                |e| {
                    RoutingError::new(
                        format!(
                            "adding the {fam} route `local default dev lo table {PROXY_TABLE}`"
                        ),
                        e,
                    )
                },
            )?;
        }
        set_remembered(Path::new(LO_ACCEPT_LOCAL), "1", &state_dir.join(ACCEPT_LOCAL_BEFORE))
            .map_err(|e| RoutingError::new("setting net.ipv4.conf.lo.accept_local=1", e))
    }

    /// Removes the rules and the tables (`cilium-agent --cleanup`).
    pub async fn uninstall(&self) {
        if let Ok(routes) = self.list_routes().await {
            for r in routes {
                let _ = self.delete_route(&r).await;
            }
        }
        for family in families() {
            let _ = self.handle.route().del(proxy_route(family)).execute().await;
            let Ok(rules) = self.rules(family).await else { continue };
            for rule in rules {
                let ours = rule.attributes.iter().any(|a| {
                    matches!(a, RuleAttribute::Priority(p) if [PREF_MARK, PREF_TABLE, PREF_PROXY].contains(p))
                });
                if ours {
                    let _ = self.handle.rule().del(rule).execute().await;
                }
            }
        }
    }

    async fn rules(
        &self,
        family: AddressFamily,
    ) -> Result<Vec<netlink_packet_route::rule::RuleMessage>, RoutingError> {
        let version = if family == AddressFamily::Inet {
            rtnetlink::IpVersion::V4
        } else {
            rtnetlink::IpVersion::V6
        };
        self.handle
            .rule()
            .get(version)
            .execute()
            .try_collect()
            .await
            .map_err(|e| RoutingError::new("listing routing rules", e))
    }

    /// The preferences of the rules there are.
    async fn priorities(&self, family: AddressFamily) -> Result<Vec<u32>, RoutingError> {
        Ok(self
            .rules(family)
            .await?
            .iter()
            .flat_map(|r| r.attributes.iter())
            .filter_map(|a| match a {
                RuleAttribute::Priority(p) => Some(*p),
                _ => None,
            })
            .collect())
    }

    async fn add_rules(&self, family: AddressFamily) -> Result<(), RoutingError> {
        let have = self.priorities(family).await?;
        let fam = if family == AddressFamily::Inet { "IPv4" } else { "IPv6" };
        if !have.contains(&PREF_MARK) {
            let mut req = self
                .handle
                .rule()
                .add()
                .table_id(u32::from(RouteHeader::RT_TABLE_MAIN))
                .action(RuleAction::ToTable)
                .priority(PREF_MARK)
                .fw_mark(WG_MARK);
            req.message_mut().attributes.push(RuleAttribute::FwMask(WG_MARK_MASK));
            req.message_mut().header.family = family;
            req.execute().await.map_err(|e| {
                RoutingError::new(
                    format!(
                        "adding the {fam} rule `fwmark {WG_MARK:#x}/{WG_MARK_MASK:#x} lookup main`"
                    ),
                    e,
                )
            })?;
        }
        if !have.contains(&PREF_TABLE) {
            let mut req = self
                .handle
                .rule()
                .add()
                .table_id(TABLE)
                .action(RuleAction::ToTable)
                .priority(PREF_TABLE);
            req.message_mut().header.family = family;
            req.execute().await.map_err(|e| {
                RoutingError::new(format!("adding the {fam} rule `lookup {TABLE}`"), e)
            })?;
        }
        Ok(())
    }

    async fn list_routes(&self) -> Result<Vec<Route>, RoutingError> {
        let mut out = Vec::new();
        for family in families() {
            let mut query = RouteMessage::default();
            query.header.address_family = family;
            let routes: Vec<RouteMessage> = self
                .handle
                .route()
                .get(query)
                .execute()
                .try_collect()
                .await
                .map_err(|e| RoutingError::new("listing routes", e))?;
            out.extend(routes.iter().filter_map(parse_route));
        }
        Ok(out)
    }

    /// As `ip route get <dst> mark 0xe00`: the route WireGuard's packets to `dst` take, its
    /// MTU metric (configured, or learned from ICMP), else its device's MTU.
    async fn lookup_path_mtu(&self, dst: IpAddr) -> Option<u32> {
        use netlink_packet_route::link::LinkAttribute;
        let mut query = RouteMessage::default();
        query.header.address_family =
            if dst.is_ipv4() { AddressFamily::Inet } else { AddressFamily::Inet6 };
        query.header.destination_prefix_length = host_len(&dst);
        query.attributes.push(RouteAttribute::Destination(dst.into()));
        query.attributes.push(RouteAttribute::Mark(WG_MARK));
        let mut answers = self.handle.route().get(query).execute();
        let route = answers.try_next().await.ok().flatten()?;
        let mut oif = None;
        for a in &route.attributes {
            match a {
                RouteAttribute::Metrics(m) => {
                    if let Some(mtu) = m.iter().find_map(|m| match m {
                        RouteMetric::Mtu(v) if *v > 0 => Some(*v),
                        _ => None,
                    }) {
                        return Some(mtu);
                    }
                }
                RouteAttribute::Oif(i) => oif = Some(*i),
                _ => {}
            }
        }
        let mut links = self.handle.link().get().match_index(oif?).execute();
        let link = links.try_next().await.ok().flatten()?;
        link.attributes.iter().find_map(|a| match a {
            LinkAttribute::Mtu(m) => Some(*m),
            _ => None,
        })
    }

    async fn replace_route(&self, route: &Route) -> Result<(), RoutingError> {
        let msg = route_message(route);
        self.handle
            .route()
            .add(msg)
            .replace()
            .execute()
            .await
            .map_err(|e| RoutingError::new(format!("installing {}", describe(route)), e))
    }

    async fn delete_route(&self, route: &Route) -> Result<(), RoutingError> {
        match self.handle.route().del(route_message(route)).execute().await {
            Ok(()) => Ok(()),
            Err(e) if is_errno(&e, nix::libc::ESRCH) => Ok(()),
            Err(e) => Err(RoutingError::new(format!("removing {}", describe(route)), e)),
        }
    }
}

impl RouteTable for Netlink {
    fn install_rules(&self) -> BoxFuture<'_, Result<(), RoutingError>> {
        Box::pin(async move {
            for family in families() {
                self.add_rules(family).await?;
            }
            Ok(())
        })
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<Route>, RoutingError>> {
        Box::pin(self.list_routes())
    }

    fn replace<'a>(&'a self, route: &'a Route) -> BoxFuture<'a, Result<(), RoutingError>> {
        Box::pin(self.replace_route(route))
    }

    fn delete<'a>(&'a self, route: &'a Route) -> BoxFuture<'a, Result<(), RoutingError>> {
        Box::pin(self.delete_route(route))
    }

    fn path_mtu(&self, dst: IpAddr) -> BoxFuture<'_, Option<u32>> {
        Box::pin(self.lookup_path_mtu(dst))
    }
}

/// `ip route` words for logs and errors.
fn describe(r: &Route) -> String {
    match r {
        Route::Tunnel { dst, len, mtu, .. } => {
            format!("the route {dst}/{len} via the tunnel (mtu {mtu})")
        }
        Route::Block { dst, len } => format!("`unreachable {dst}/{len} table {TABLE}`"),
        Route::Foreign { dst, prefix, .. } => format!("the route {dst}/{prefix} in table {TABLE}"),
    }
}

fn route_address(ip: IpAddr) -> RouteAddress {
    match ip {
        IpAddr::V4(v4) => RouteAddress::Inet(v4),
        IpAddr::V6(v6) => RouteAddress::Inet6(v6),
    }
}

fn route_message(r: &Route) -> RouteMessage {
    let (dst, prefix, metric) = r.slot();
    let mut m = RouteMessage::default();
    m.header.address_family =
        if dst.is_ipv4() { AddressFamily::Inet } else { AddressFamily::Inet6 };
    m.header.destination_prefix_length = prefix;
    m.header.table = RouteHeader::RT_TABLE_UNSPEC;
    m.header.protocol = RouteProtocol::Static;
    m.header.scope = RouteScope::Universe;
    m.header.kind = match r {
        Route::Block { .. } => RouteType::Unreachable,
        _ => RouteType::Unicast,
    };
    m.attributes.push(RouteAttribute::Table(TABLE));
    m.attributes.push(RouteAttribute::Destination(route_address(dst)));
    m.attributes.push(RouteAttribute::Priority(metric));
    if let Route::Tunnel { oif, mtu, advmss, src, .. } = r {
        m.header.scope = RouteScope::Link;
        m.attributes.push(RouteAttribute::Oif(*oif));
        m.attributes.push(RouteAttribute::Metrics(vec![
            RouteMetric::Mtu(*mtu),
            RouteMetric::Advmss(*advmss),
        ]));
        if let Some(s) = src {
            m.attributes.push(RouteAttribute::PrefSource(route_address(*s)));
        }
    }
    m
}

/// `local default dev lo table 2004`.
fn proxy_route(family: AddressFamily) -> RouteMessage {
    let mut m = RouteMessage::default();
    m.header.address_family = family;
    m.header.destination_prefix_length = 0;
    m.header.table = RouteHeader::RT_TABLE_UNSPEC;
    m.header.protocol = RouteProtocol::Static;
    m.header.scope = RouteScope::Host;
    m.header.kind = RouteType::Local;
    m.attributes.push(RouteAttribute::Table(PROXY_TABLE));
    // Loopback is interface 1 in every network namespace.
    m.attributes.push(RouteAttribute::Oif(1));
    m
}

fn parse_route(m: &RouteMessage) -> Option<Route> {
    let mut table = u32::from(m.header.table);
    let (mut dst, mut oif, mut metric, mut src) = (None, None, 0, None);
    let (mut mtu, mut advmss) = (0, 0);
    for a in &m.attributes {
        match a {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(RouteAddress::Inet(v4)) => dst = Some(IpAddr::V4(*v4)),
            RouteAttribute::Destination(RouteAddress::Inet6(v6)) => dst = Some(IpAddr::V6(*v6)),
            RouteAttribute::Oif(i) => oif = Some(*i),
            RouteAttribute::Priority(p) => metric = *p,
            RouteAttribute::PrefSource(RouteAddress::Inet(v4)) => src = Some(IpAddr::V4(*v4)),
            RouteAttribute::PrefSource(RouteAddress::Inet6(v6)) => src = Some(IpAddr::V6(*v6)),
            RouteAttribute::Metrics(ms) => {
                for x in ms {
                    match x {
                        RouteMetric::Mtu(v) => mtu = *v,
                        RouteMetric::Advmss(v) => advmss = *v,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if table != TABLE {
        return None;
    }
    let prefix = m.header.destination_prefix_length;
    let dst = dst.unwrap_or(if m.header.address_family == AddressFamily::Inet6 {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    });
    let len = prefix;
    Some(match (m.header.kind, oif) {
        (RouteType::Unreachable, _) if metric == BLOCK_METRIC => Route::Block { dst, len },
        (RouteType::Unicast, Some(oif)) if metric == TUNNEL_METRIC => {
            Route::Tunnel { dst, len, oif, mtu, advmss, src }
        }
        _ => Route::Foreign { dst, prefix, metric },
    })
}

/// The TCP MSS that fits a packet of `mtu` bytes: the inner IP header (20 or 40) and TCP's 20.
pub fn mss(mtu: u32, v4: bool) -> u32 {
    mtu.saturating_sub(if v4 { 40 } else { 60 })
}

/// MTU of a device, from sysfs.
pub fn device_mtu(dev: &str) -> Option<u32> {
    std::fs::read_to_string(format!("/sys/class/net/{dev}/mtu")).ok()?.trim().parse().ok()
}

/// WireGuard's overhead over IPv4 (20 IP + 8 UDP + 32 WireGuard) and IPv6 (40 + 8 + 32).
pub const OVERHEAD_V4: u32 = 60;
/// See [`OVERHEAD_V4`].
pub const OVERHEAD_V6: u32 = 80;

/// An in-memory [`RouteTable`] for tests of what is derived from it.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct FakeTable {
    /// The routes, as the kernel would hold them (one per slot).
    pub routes: std::sync::Mutex<Vec<Route>>,
    /// Every operation, in order (`+route` or `-route`).
    pub log: std::sync::Mutex<Vec<String>>,
    /// When set, every operation fails with this reason.
    pub fail: std::sync::Mutex<Option<String>>,
}

#[cfg(test)]
impl FakeTable {
    fn check(&self) -> Result<(), RoutingError> {
        match self.fail.lock().expect("lock").clone() {
            Some(reason) => Err(RoutingError::new("fake", reason)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
impl RouteTable for FakeTable {
    fn install_rules(&self) -> BoxFuture<'_, Result<(), RoutingError>> {
        Box::pin(async move { self.check() })
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<Route>, RoutingError>> {
        Box::pin(async move {
            self.check()?;
            Ok(self.routes.lock().expect("lock").clone())
        })
    }

    fn replace<'a>(&'a self, route: &'a Route) -> BoxFuture<'a, Result<(), RoutingError>> {
        Box::pin(async move {
            self.check()?;
            let mut routes = self.routes.lock().expect("lock");
            routes.retain(|r| r.slot() != route.slot());
            routes.push(route.clone());
            self.log.lock().expect("lock").push(format!("+{route:?}"));
            Ok(())
        })
    }

    fn delete<'a>(&'a self, route: &'a Route) -> BoxFuture<'a, Result<(), RoutingError>> {
        Box::pin(async move {
            self.check()?;
            self.routes.lock().expect("lock").retain(|r| r.slot() != route.slot());
            self.log.lock().expect("lock").push(format!("-{route:?}"));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_sysctl_the_agent_changed_gets_its_value_back_and_no_other() {
        let dir = tempfile::tempdir().expect("tmp");
        let (sysctl, memo) = (dir.path().join("accept_local"), dir.path().join("memo"));
        std::fs::write(&sysctl, "0\n").expect("write");
        super::set_remembered(&sysctl, "1", &memo).expect("set");
        assert_eq!(std::fs::read_to_string(&sysctl).expect("read"), "1");
        // A restarted agent finds its own value: what came before it stays remembered.
        super::set_remembered(&sysctl, "1", &memo).expect("set again");
        super::restore_remembered(&sysctl, &memo).expect("restore");
        assert_eq!(std::fs::read_to_string(&sysctl).expect("read"), "0");
        assert!(!memo.exists());
        // A value the operator had set already is left alone, by both.
        std::fs::write(&sysctl, "1\n").expect("write");
        super::set_remembered(&sysctl, "1", &memo).expect("set");
        assert!(!memo.exists());
        super::restore_remembered(&sysctl, &memo).expect("nothing to restore");
        assert_eq!(std::fs::read_to_string(&sysctl).expect("read").trim(), "1");
    }

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    const DEV: TunnelDevice = TunnelDevice { oif: 7, src4: None, src6: None };

    #[tokio::test]
    async fn the_table_is_derived_and_blocks_never_lapse() {
        let table = FakeTable::default();
        let (vm2, vm3) = (ip("192.168.1.11"), ip("192.168.1.12"));
        // At start: every listed peer blocked, no tunnel yet.
        reconcile(&table, &desired(&[], &[vm2, vm3], None, true)).await.expect("blocks");
        assert_eq!(table.routes.lock().expect("lock").len(), 2);
        // vm2's key arrives: its tunnel route goes in, the block stays behind it.
        let want = desired(&[(vm2, 32, 1440)], &[vm2, vm3], Some(DEV), true);
        reconcile(&table, &want).await.expect("tunnel");
        let mut have = table.routes.lock().expect("lock").clone();
        have.sort();
        assert_eq!(have, want.iter().cloned().collect::<Vec<_>>());
        // A new MTU replaces the route in its slot; nothing is deleted.
        table.log.lock().expect("lock").clear();
        let want = desired(&[(vm2, 32, 1420)], &[vm2, vm3], Some(DEV), true);
        reconcile(&table, &want).await.expect("mtu");
        let log = table.log.lock().expect("lock").clone();
        assert!(log.iter().all(|l| l.starts_with('+')), "{log:?}");
        // The same again changes nothing.
        assert_eq!(reconcile(&table, &want).await.expect("again"), 0);
        // A node renamed (same address, new record) derives the same table: still routed.
        assert_eq!(
            reconcile(&table, &desired(&[(vm2, 32, 1420)], &[vm2, vm3], Some(DEV), true))
                .await
                .expect("rename"),
            0
        );
        // vm3 forgotten: its block goes; stale foreign routes go too.
        table.routes.lock().expect("lock").push(Route::Foreign {
            dst: ip("10.0.0.0"),
            prefix: 8,
            metric: 0,
        });
        reconcile(&table, &desired(&[(vm2, 32, 1420)], &[vm2], Some(DEV), true))
            .await
            .expect("forget");
        let have = table.routes.lock().expect("lock").clone();
        assert_eq!(have.len(), 2, "{have:?}");
        assert!(!have.iter().any(|r| r.slot().0 == vm3));
    }

    #[test]
    fn route_messages_round_trip() {
        for r in [
            Route::Tunnel {
                dst: ip("192.168.1.11"),
                len: 32,
                oif: 9,
                mtu: 1440,
                advmss: 1400,
                src: Some(ip("192.168.1.10")),
            },
            Route::Tunnel {
                dst: ip("fd00::11"),
                len: 128,
                oif: 9,
                mtu: 1420,
                advmss: 1360,
                src: None,
            },
            Route::Block { dst: ip("192.168.1.12"), len: 32 },
            Route::Block { dst: ip("fd00::12"), len: 128 },
            Route::Tunnel {
                dst: ip("10.1.1.0"),
                len: 24,
                oif: 9,
                mtu: 1440,
                advmss: 1400,
                src: None,
            },
            Route::Block { dst: ip("10.1.1.0"), len: 24 },
        ] {
            assert_eq!(parse_route(&route_message(&r)), Some(r));
        }
    }
}
