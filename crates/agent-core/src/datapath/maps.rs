//! Map contents as text, for `GET /v1/map/{name}` and the `cilium bpf ...` listings.
//!
//! Keys and values are rendered as space-separated `key=value` words (ipcache values follow
//! Cilium's `identity=<n> encryptkey=<n> tunnelendpoint=<ip> flags=<flags>`), which the CLI
//! parses back for its tables.

use aya::maps::{Array, HashMap, LpmTrie, PerCpuArray};
use bpf_progs::{
    Config as BpfConfig, CtKey, CtValue, FragKey, FragValue, IpcacheData, IpcacheValue,
    MetricsValue, PolicyData, PolicyValue, ProxyValue, addr_from_bytes, maps as names,
};

use super::{Datapath, DatapathError, map_err};

/// One rendered entry.
pub type Entry = (String, String);

pub use crate::api::monitor::proto_name;

fn monotonic_now_ns() -> u64 {
    // CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns.
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0)
}

impl Datapath {
    /// Every map of the object with its pin path and entry count (`None` for the ring buffer,
    /// which has no entries to list).
    pub fn map_list(&self) -> Vec<(&'static str, String, Option<usize>)> {
        names::ALL
            .iter()
            .map(|name| {
                let path = self.pin_dir.join(name).display().to_string();
                let count = if *name == names::EVENTS {
                    None
                } else {
                    self.dump(name).ok().map(|e| e.len())
                };
                (*name, path, count)
            })
            .collect()
    }

    /// The entries of one map as text.
    pub fn dump(&self, name: &str) -> Result<Vec<Entry>, DatapathError> {
        let mut out = Vec::new();
        match name {
            names::CONFIG => {
                let m: Array<_, BpfConfig> =
                    Array::try_from(self.map(names::CONFIG)?).map_err(map_err(names::CONFIG))?;
                let c = m.get(&0, 0).map_err(map_err(names::CONFIG))?;
                out.push((
                    "0".into(),
                    format!(
                        "flags={:#x} wg_mark={:#x} wg_mark_mask={:#x} trace_sampling={} wg_port={} cluster_port={} proxy_port={}",
                        c.flags,
                        c.wg_mark,
                        c.wg_mark_mask,
                        c.trace_sampling,
                        u16::from_be(c.wg_port),
                        u16::from_be(c.cluster_port),
                        c.proxy_port
                    ),
                ));
            }
            names::IPCACHE => {
                let m: LpmTrie<_, IpcacheData, IpcacheValue> =
                    LpmTrie::try_from(self.map(names::IPCACHE)?)
                        .map_err(map_err(names::IPCACHE))?;
                for r in m.iter() {
                    let (k, v) = r.map_err(map_err(names::IPCACHE))?;
                    let data = k.data();
                    let ip = addr_from_bytes(data.family, &data.addr);
                    let mut flags = Vec::new();
                    if v.flags & bpf_progs::IPC_F_NODE != 0 {
                        flags.push("node");
                    }
                    if v.flags & bpf_progs::IPC_F_ENCRYPT != 0 {
                        flags.push("encrypt");
                    }
                    let flags = if flags.is_empty() {
                        "<none>".to_string()
                    } else {
                        format!("<{}>", flags.join(","))
                    };
                    let encryptkey = u8::from(v.flags & bpf_progs::IPC_F_ENCRYPT != 0);
                    out.push((
                        format!("{ip}/{}", k.prefix_len().saturating_sub(32)),
                        format!("identity={} encryptkey={encryptkey} tunnelendpoint=0.0.0.0 flags={flags}", v.identity),
                    ));
                }
            }
            names::POLICY => {
                let m: LpmTrie<_, PolicyData, PolicyValue> =
                    LpmTrie::try_from(self.map(names::POLICY)?).map_err(map_err(names::POLICY))?;
                let proxy_port = self.config().map(|c| c.proxy_port).unwrap_or(0);
                for r in m.iter() {
                    let (k, v) = r.map_err(map_err(names::POLICY))?;
                    let d = k.data();
                    let port_bits = k.prefix_len().saturating_sub(48).min(16);
                    let dir =
                        if d.direction == bpf_progs::DIR_EGRESS { "egress" } else { "ingress" };
                    let port = if d.protocol == 0 || port_bits == 0 {
                        "ANY".to_string()
                    } else {
                        let start = u16::from_be(d.dport);
                        let end = start | ((1u32 << (16 - port_bits)) - 1) as u16;
                        if start == end { start.to_string() } else { format!("{start}-{end}") }
                    };
                    let verdict =
                        if v.verdict == bpf_progs::VERDICT_DENY { "deny" } else { "allow" };
                    let mut audit =
                        if v.flags & bpf_progs::POLICY_F_AUDIT != 0 { " audit=true" } else { "" }
                            .to_string();
                    if v.flags & bpf_progs::POLICY_F_REDIRECT != 0 {
                        audit.push_str(&format!(" proxy_port={proxy_port}"));
                    }
                    out.push((
                        format!(
                            "direction={dir} identity={} proto={} port={port}",
                            d.identity,
                            proto_name(d.protocol)
                        ),
                        format!(
                            "verdict={verdict} rule={} match={}{audit}",
                            v.rule_id, v.match_type
                        ),
                    ));
                }
            }
            names::CT | names::CT_PENDING => {
                let map = if name == names::CT { names::CT } else { names::CT_PENDING };
                let m: HashMap<_, CtKey, CtValue> =
                    HashMap::try_from(self.map(map)?).map_err(map_err(map))?;
                let now = monotonic_now_ns();
                for r in m.iter() {
                    let (k, v) = r.map_err(map_err(map))?;
                    if v.expires < now {
                        continue;
                    }
                    let s = addr_from_bytes(k.family, &k.saddr);
                    let d = addr_from_bytes(k.family, &k.daddr);
                    let dir = if v.direction == bpf_progs::DIR_EGRESS { "OUT" } else { "IN" };
                    let path = if k.path == bpf_progs::PATH_TUNNEL { "tunnel" } else { "plain" };
                    let fmt = |ip: std::net::IpAddr, port: u16| match ip {
                        std::net::IpAddr::V6(_) => format!("[{ip}]:{port}"),
                        _ => format!("{ip}:{port}"),
                    };
                    out.push((
                        format!("{} {dir} {} -> {}", proto_name(k.proto), fmt(s, u16::from_be(k.sport)), fmt(d, u16::from_be(k.dport))),
                        format!(
                            "expires={} TxPackets={} TxBytes={} RxPackets={} RxBytes={} TxFlagsSeen={:#04x} RxFlagsSeen={:#04x} Flags={:#x} rule={} path={path}",
                            (v.expires - now) / 1_000_000_000,
                            v.packets_fwd,
                            v.bytes_fwd,
                            v.packets_rev,
                            v.bytes_rev,
                            v.flags_fwd,
                            v.flags_rev,
                            v.state_flags,
                            v.rule_id
                        ),
                    ));
                }
            }
            names::FRAG => {
                let m: HashMap<_, FragKey, FragValue> =
                    HashMap::try_from(self.map(names::FRAG)?).map_err(map_err(names::FRAG))?;
                for r in m.iter() {
                    let (k, v) = r.map_err(map_err(names::FRAG))?;
                    out.push((
                        format!(
                            "{} -> {} id={} proto={}",
                            addr_from_bytes(k.family, &k.saddr),
                            addr_from_bytes(k.family, &k.daddr),
                            k.id,
                            proto_name(k.proto)
                        ),
                        format!(
                            "l4={} sport={} dport={}",
                            proto_name(v.proto),
                            u16::from_be(v.sport),
                            u16::from_be(v.dport)
                        ),
                    ));
                }
            }
            names::PROXY => {
                let m: HashMap<_, CtKey, ProxyValue> =
                    HashMap::try_from(self.map(names::PROXY)?).map_err(map_err(names::PROXY))?;
                for r in m.iter() {
                    let (k, v) = r.map_err(map_err(names::PROXY))?;
                    let s = std::net::SocketAddr::new(
                        addr_from_bytes(k.family, &k.saddr),
                        u16::from_be(k.sport),
                    );
                    let d = std::net::SocketAddr::new(
                        addr_from_bytes(k.family, &k.daddr),
                        u16::from_be(k.dport),
                    );
                    let dir =
                        if v.direction == bpf_progs::DIR_EGRESS { "egress" } else { "ingress" };
                    out.push((format!("{s} -> {d}"), format!("identity={} {dir}", v.identity)));
                }
            }
            names::METRICS => {
                let m: PerCpuArray<_, MetricsValue> =
                    PerCpuArray::try_from(self.map(names::METRICS)?)
                        .map_err(map_err(names::METRICS))?;
                for slot in 0..bpf_progs::METRICS_SLOTS {
                    let per_cpu = m.get(&slot, 0).map_err(map_err(names::METRICS))?;
                    let (count, bytes) =
                        per_cpu.iter().fold((0u64, 0u64), |(c, b), v| (c + v.count, b + v.bytes));
                    if count == 0 {
                        continue;
                    }
                    let dir = if slot % 2 == 1 { "egress" } else { "ingress" };
                    let key = if slot == bpf_progs::METRICS_LOST_EVENTS {
                        "reason=lost-events direction=-".to_string()
                    } else {
                        format!("reason={} direction={dir}", slot / 2)
                    };
                    out.push((key, format!("packets={count} bytes={bytes}")));
                }
            }
            names::EVENTS => {}
            _ => {
                return Err(DatapathError::Map {
                    map: "?",
                    reason: format!("no map named {name}"),
                });
            }
        }
        Ok(out)
    }

    /// Events the programs could not put in the full ring buffer, since the maps were made.
    pub fn lost_events(&self) -> Result<u64, DatapathError> {
        let m: PerCpuArray<_, MetricsValue> =
            PerCpuArray::try_from(self.map(names::METRICS)?).map_err(map_err(names::METRICS))?;
        let per_cpu = m.get(&bpf_progs::METRICS_LOST_EVENTS, 0).map_err(map_err(names::METRICS))?;
        Ok(per_cpu.iter().map(|v| v.count).sum())
    }

    /// Sums of the metrics map: (reason, egress?) -> (packets, bytes).
    pub fn metrics(&self) -> Result<Vec<(u8, bool, u64, u64)>, DatapathError> {
        let m: PerCpuArray<_, MetricsValue> =
            PerCpuArray::try_from(self.map(names::METRICS)?).map_err(map_err(names::METRICS))?;
        sum_metrics(&m)
    }

    /// A reader of counters and table sizes through descriptors of its own, for metrics: it
    /// never takes the datapath's lock.
    pub fn stats_reader(&self) -> Result<StatsReader, DatapathError> {
        let data = aya::maps::MapData::from_pin(self.pin_dir.join(names::METRICS))
            .map_err(map_err(names::METRICS))?;
        let map = aya::maps::Map::from_map_data(data).map_err(map_err(names::METRICS))?;
        let metrics = PerCpuArray::try_from(map).map_err(map_err(names::METRICS))?;
        Ok(StatsReader { metrics, pin_dir: self.pin_dir.clone() })
    }
}

fn sum_metrics<T: std::borrow::Borrow<aya::maps::MapData>>(
    m: &PerCpuArray<T, MetricsValue>,
) -> Result<Vec<(u8, bool, u64, u64)>, DatapathError> {
    let mut out = Vec::new();
    for slot in 0..bpf_progs::METRICS_LOST_EVENTS {
        let per_cpu = m.get(&slot, 0).map_err(map_err(names::METRICS))?;
        let (count, bytes) =
            per_cpu.iter().fold((0u64, 0u64), |(c, b), v| (c + v.count, b + v.bytes));
        if count > 0 {
            out.push(((slot / 2) as u8, slot % 2 == 1, count, bytes));
        }
    }
    Ok(out)
}

/// See [`Datapath::stats_reader`].
pub struct StatsReader {
    metrics: PerCpuArray<aya::maps::MapData, MetricsValue>,
    pin_dir: std::path::PathBuf,
}

impl std::fmt::Debug for StatsReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatsReader").field("pin_dir", &self.pin_dir).finish_non_exhaustive()
    }
}

impl StatsReader {
    /// The datapath's forward and drop counters, as [`Datapath::metrics`].
    pub fn counters(&self) -> Result<Vec<(u8, bool, u64, u64)>, DatapathError> {
        sum_metrics(&self.metrics)
    }

    /// Fill level (entries / capacity) of the tables that can fill up. It walks every key, so
    /// it runs on a timer, off the async workers, never per scrape.
    pub fn pressure(&self) -> Vec<(&'static str, f64)> {
        [names::CT, names::CT_PENDING, names::IPCACHE, names::POLICY, names::FRAG, names::PROXY]
            .into_iter()
            .filter_map(|name| {
                let data = aya::maps::MapData::from_pin(self.pin_dir.join(name)).ok()?;
                let max = data.info().ok()?.max_entries();
                let used = count_keys(name, data)?;
                (max > 0).then(|| (name, used as f64 / f64::from(max)))
            })
            .collect()
    }
}

/// Keys of a table, walked without copying values.
fn count_keys(name: &str, data: aya::maps::MapData) -> Option<usize> {
    let map = aya::maps::Map::from_map_data(data).ok()?;
    match name {
        names::CT | names::CT_PENDING => {
            let m: HashMap<_, CtKey, CtValue> = HashMap::try_from(map).ok()?;
            Some(m.keys().count())
        }
        names::FRAG => {
            let m: HashMap<_, FragKey, FragValue> = HashMap::try_from(map).ok()?;
            Some(m.keys().count())
        }
        names::PROXY => {
            let m: HashMap<_, CtKey, ProxyValue> = HashMap::try_from(map).ok()?;
            Some(m.keys().count())
        }
        names::IPCACHE => {
            let m: LpmTrie<_, IpcacheData, IpcacheValue> = LpmTrie::try_from(map).ok()?;
            Some(m.keys().count())
        }
        names::POLICY => {
            let m: LpmTrie<_, PolicyData, PolicyValue> = LpmTrie::try_from(map).ok()?;
            Some(m.keys().count())
        }
        _ => None,
    }
}

/// The datapath's record of the connections it handed to the L7 proxy, read through a
/// descriptor of its own (the proxy asks once per accepted connection, never under the
/// datapath's lock).
pub struct ProxyReader {
    map: HashMap<aya::maps::MapData, CtKey, ProxyValue>,
}

impl std::fmt::Debug for ProxyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyReader").finish_non_exhaustive()
    }
}

impl ProxyReader {
    /// Opens the pinned map in `pin_dir`.
    pub fn open(pin_dir: &std::path::Path) -> Result<ProxyReader, DatapathError> {
        let data = aya::maps::MapData::from_pin(pin_dir.join(names::PROXY))
            .map_err(map_err(names::PROXY))?;
        let map = aya::maps::Map::from_map_data(data).map_err(map_err(names::PROXY))?;
        Ok(ProxyReader { map: HashMap::try_from(map).map_err(map_err(names::PROXY))? })
    }

    /// What the datapath recorded when it redirected `peer`'s connection to `local` (the
    /// original destination); `None` when it redirected no such connection.
    pub fn redirected(
        &self,
        peer: std::net::SocketAddr,
        local: std::net::SocketAddr,
    ) -> Option<crate::proxy::Redirected> {
        let (family, saddr) = bpf_progs::addr_bytes(peer.ip());
        let (dfamily, daddr) = bpf_progs::addr_bytes(local.ip());
        if family != dfamily {
            return None;
        }
        let key = CtKey {
            saddr,
            daddr,
            sport: peer.port().to_be(),
            dport: local.port().to_be(),
            proto: 6,
            family,
            path: bpf_progs::PATH_PLAIN,
            pad: 0,
        };
        self.map
            .get(&key, 0)
            .ok()
            .map(|v| crate::proxy::Redirected { identity: v.identity, direction: v.direction })
    }
}
