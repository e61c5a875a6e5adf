//! The eBPF datapath: loads the host-firewall object, pins its maps under
//! `<bpf-root>/cilium/` (re-using them on restart, so enforcement never has a gap), attaches the
//! programs to the devices, and offers typed access to the maps.
//!
//! All kernel-facing calls of the agent's datapath go through this module and `aya`.

mod attach;
pub mod ctseed;
pub mod events;
pub mod maps;

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use aya::maps::{Array, LpmTrie};
use aya::programs::{SchedClassifier, TcAttachType};
use aya::{Ebpf, EbpfLoader};
use bpf_progs::{
    Config as BpfConfig, IpcacheData, IpcacheValue, PolicyData, PolicyValue, ipcache_key,
    maps as names, programs,
};

pub use attach::{AttachMode, default_devices, host_addresses};

/// The oldest kernel the datapath runs on: BPF ring buffers arrived in 5.8.
pub const MIN_KERNEL: (u32, u32) = (5, 8);

/// Why the datapath could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum DatapathError {
    /// The kernel is too old.
    #[error("kernel {found} is older than {}.{}, which the datapath needs for {feature}", MIN_KERNEL.0, MIN_KERNEL.1)]
    KernelTooOld {
        /// The running kernel.
        found: String,
        /// What is missing.
        feature: &'static str,
    },
    /// bpffs could not be mounted or used.
    #[error("cannot use bpffs at {}: {reason}", path.display())]
    Bpffs {
        /// The mount point.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The object could not be loaded (verifier, pinned map mismatch, ...).
    #[error("loading the eBPF object: {0}")]
    Load(String),
    /// A program could not be attached.
    #[error("attaching to {device} ({direction}): {reason}")]
    Attach {
        /// The device.
        device: String,
        /// ingress or egress.
        direction: &'static str,
        /// Why.
        reason: String,
    },
    /// A map operation failed.
    #[error("map {map}: {reason}")]
    Map {
        /// The map.
        map: &'static str,
        /// Why.
        reason: String,
    },
}

fn map_err(map: &'static str) -> impl Fn(aya::maps::MapError) -> DatapathError {
    move |e| DatapathError::Map { map, reason: e.to_string() }
}

/// The loaded datapath.
#[derive(Debug)]
pub struct Datapath {
    ebpf: Ebpf,
    pin_dir: PathBuf,
    mode: AttachMode,
    devices: Vec<String>,
}

fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_string()
}

/// The names of this network namespace's interfaces by index (empty when they cannot be
/// listed).
pub fn interface_names() -> std::collections::HashMap<u32, String> {
    nix::net::if_::if_nameindex()
        .map(|l| l.iter().map(|i| (i.index(), i.name().to_string_lossy().into_owned())).collect())
        .unwrap_or_default()
}

/// The running kernel's (major, minor).
pub fn kernel_version() -> (u32, u32) {
    let release = kernel_release();
    let mut parts =
        release.split(|c: char| !c.is_ascii_digit()).filter_map(|p| p.parse::<u32>().ok());
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Conntrack entries for `ratio` of the machine's memory (`bpf.mapDynamicSizeRatio`, as
/// Cilium sizes its tables), between 64k and 4M entries. An entry (key, value and the LRU
/// hash's own overhead) takes about 160 bytes.
pub fn ct_size(ratio: f64) -> u32 {
    const MIN: u64 = 1 << 16;
    const MAX: u64 = 1 << 22;
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().find(|l| l.starts_with("MemTotal:"))?.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0);
    let entries = (mem_kib as f64 * 1024.0 * ratio / 160.0) as u64;
    entries.clamp(MIN, MAX) as u32
}

/// The unconfirmed-connection table: a quarter of the established one, at least 4096 entries.
pub fn pending_size(ct_entries: u32) -> u32 {
    (ct_entries / 4).max(4096)
}

/// What a device's frames start with, which decides the programs it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// An Ethernet header (physical NICs, veth, bridges, VLAN devices, wireless).
    Ethernet,
    /// The IP header (tun, ipip, sit, gre, ppp, another WireGuard device).
    L3,
    /// `cilium_wg0`: the IP header, and what arrives was authenticated by WireGuard.
    Tunnel,
}

/// The link kind of `device` from its ARPHRD type, or why it cannot be filtered.
pub fn device_link(device: &str) -> Result<Link, String> {
    let path = format!("/sys/class/net/{device}/type");
    let kind: u32 = std::fs::read_to_string(&path)
        .map_err(|e| format!("{path}: {e}"))?
        .trim()
        .parse()
        .map_err(|_| format!("{path}: not a number"))?;
    match kind {
        // ARPHRD_ETHER
        1 => Ok(Link::Ethernet),
        // ARPHRD_PPP, RAWIP, TUNNEL, TUNNEL6, SIT, IPGRE, IP6GRE, NONE
        512 | 519 | 768 | 769 | 776 | 778 | 823 | 65534 => Ok(Link::L3),
        other => Err(format!(
            "link type {other} is neither Ethernet nor IP-only; leave {device} out of `devices:`"
        )),
    }
}

/// Key and value sizes of every map, as this build's programs read them.
fn map_layouts() -> [(&'static str, usize, usize); 9] {
    use std::mem::size_of;
    [
        (names::CONFIG, 4, size_of::<BpfConfig>()),
        (names::IPCACHE, size_of::<bpf_progs::IpcacheKey>(), size_of::<IpcacheValue>()),
        (names::POLICY, size_of::<bpf_progs::PolicyKey>(), size_of::<PolicyValue>()),
        (names::CT, size_of::<bpf_progs::CtKey>(), size_of::<bpf_progs::CtValue>()),
        (names::CT_PENDING, size_of::<bpf_progs::CtKey>(), size_of::<bpf_progs::CtValue>()),
        (names::FRAG, size_of::<bpf_progs::FragKey>(), size_of::<bpf_progs::FragValue>()),
        (names::PROXY, size_of::<bpf_progs::CtKey>(), size_of::<bpf_progs::ProxyValue>()),
        (names::METRICS, 4, size_of::<bpf_progs::MetricsValue>()),
        (names::EVENTS, 0, 0),
    ]
}

/// Unpins maps an earlier version left with another layout, so that this version creates them
/// anew instead of reading them wrongly (the verifier would refuse the programs). Programs still
/// attached keep their old maps until they are replaced.
fn drop_incompatible_pins(pin_dir: &Path) {
    for (name, key, value) in map_layouts() {
        let path = pin_dir.join(name);
        let Ok(info) = aya::maps::MapInfo::from_pin(&path) else { continue };
        if info.key_size() as usize != key || info.value_size() as usize != value {
            tracing::warn!(
                map = name,
                pinned = format!("{}/{}", info.key_size(), info.value_size()),
                expected = format!("{key}/{value}"),
                "a pinned map has an earlier layout: replacing it"
            );
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Checks the running kernel against [`MIN_KERNEL`].
pub fn check_kernel() -> Result<(), DatapathError> {
    if kernel_version() < MIN_KERNEL {
        return Err(DatapathError::KernelTooOld {
            found: kernel_release(),
            feature: "BPF ring buffers",
        });
    }
    Ok(())
}

/// Mounts bpffs at `root` unless one is there already.
pub fn ensure_bpffs(root: &Path) -> Result<(), DatapathError> {
    let err = |reason: String| DatapathError::Bpffs { path: root.to_path_buf(), reason };
    let mounts = std::fs::read_to_string("/proc/self/mounts").map_err(|e| err(e.to_string()))?;
    let mounted = mounts.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() > 2 && f[2] == "bpf" && Path::new(f[1]) == root
    });
    if mounted {
        return Ok(());
    }
    std::fs::create_dir_all(root).map_err(|e| err(e.to_string()))?;
    nix::mount::mount(Some("bpf"), root, Some("bpf"), nix::mount::MsFlags::empty(), None::<&str>)
        .map_err(|e| err(format!("mount: {e}")))
}

impl Datapath {
    /// Loads the object with its maps pinned in `pin_dir` (re-using maps already pinned there).
    /// `ct_entries` sizes the conntrack table (see [`ct_size`]); a table pinned by an earlier
    /// run keeps its size, so a restart never loses connections to a resize.
    pub fn load(
        bpf_root: &Path,
        pin_dir: &Path,
        ct_entries: u32,
    ) -> Result<Datapath, DatapathError> {
        check_kernel()?;
        ensure_bpffs(bpf_root)?;
        std::fs::create_dir_all(pin_dir).map_err(|e| DatapathError::Bpffs {
            path: pin_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        drop_incompatible_pins(pin_dir);
        let pinned_size = |name: &str| {
            aya::maps::MapInfo::from_pin(pin_dir.join(name)).map(|i| i.max_entries()).ok()
        };
        let ct_entries = pinned_size(names::CT).unwrap_or(ct_entries);
        let pending_entries =
            pinned_size(names::CT_PENDING).unwrap_or_else(|| pending_size(ct_entries));
        let mut ebpf = EbpfLoader::new()
            .default_map_pin_directory(pin_dir)
            .map_max_entries(names::CT, ct_entries)
            .map_max_entries(names::CT_PENDING, pending_entries)
            .load(bpf_progs::HOSTFW_OBJ)
            .map_err(|e| DatapathError::Load(format!("{e:#}")))?;
        for name in programs::ALL {
            let prog: &mut SchedClassifier = ebpf
                .program_mut(name)
                .ok_or_else(|| DatapathError::Load(format!("program {name} missing")))?
                .try_into()
                .map_err(|e: aya::programs::ProgramError| DatapathError::Load(e.to_string()))?;
            bpf_progs::load_program(prog)
                .map_err(|e| DatapathError::Load(format!("{name}: {e:?}")))?;
        }
        Ok(Datapath {
            ebpf,
            pin_dir: pin_dir.to_path_buf(),
            mode: AttachMode::detect(),
            devices: Vec::new(),
        })
    }

    /// How programs are attached on this kernel.
    pub fn mode(&self) -> AttachMode {
        self.mode
    }

    /// Devices the programs are attached to.
    pub fn devices(&self) -> &[String] {
        &self.devices
    }

    /// Where maps and links are pinned.
    pub fn pin_dir(&self) -> &Path {
        &self.pin_dir
    }

    /// Attaches ingress and egress programs to `device`, replacing our previous programs in
    /// place.
    pub fn attach(&mut self, device: &str, link: Link) -> Result<(), DatapathError> {
        let (ing, eg) = match link {
            Link::Ethernet => (programs::INGRESS, programs::EGRESS),
            Link::L3 => (programs::L3_INGRESS, programs::L3_EGRESS),
            Link::Tunnel => (programs::WG_INGRESS, programs::WG_EGRESS),
        };
        for (name, t) in [(ing, TcAttachType::Ingress), (eg, TcAttachType::Egress)] {
            let (mode, pin_dir) = (self.mode, self.pin_dir.clone());
            attach::attach(self.classifier(name)?, mode, &pin_dir, device, t)?;
        }
        if !self.devices.iter().any(|d| d == device) {
            self.devices.push(device.to_string());
        }
        tracing::info!(device, mode = self.mode.as_str(), "datapath attached");
        Ok(())
    }

    /// A TC program of the object, by name.
    fn classifier(&mut self, name: &str) -> Result<&mut SchedClassifier, DatapathError> {
        self.ebpf
            .program_mut(name)
            .ok_or_else(|| DatapathError::Load(format!("program {name} missing")))?
            .try_into()
            .map_err(|e: aya::programs::ProgramError| DatapathError::Load(e.to_string()))
    }

    /// Attaches the program on loopback's ingress that hands egress connections redirected
    /// to the L7 proxy to its socket (only marked packets; the rest of loopback passes).
    pub fn attach_loopback(&mut self) -> Result<(), DatapathError> {
        let (mode, pin_dir) = (self.mode, self.pin_dir.clone());
        let prog = self.classifier(programs::TO_PROXY)?;
        attach::attach(prog, mode, &pin_dir, LOOPBACK, TcAttachType::Ingress)?;
        tracing::info!(device = LOOPBACK, mode = self.mode.as_str(), "L7 egress redirect attached");
        Ok(())
    }

    /// Writes the runtime switches.
    pub fn set_config(&mut self, cfg: BpfConfig) -> Result<(), DatapathError> {
        let mut m: Array<_, BpfConfig> =
            Array::try_from(self.map_mut(names::CONFIG)?).map_err(map_err(names::CONFIG))?;
        m.set(0, cfg, 0).map_err(map_err(names::CONFIG))
    }

    /// The runtime switches in effect.
    pub fn config(&self) -> Result<BpfConfig, DatapathError> {
        let m: Array<_, BpfConfig> =
            Array::try_from(self.map(names::CONFIG)?).map_err(map_err(names::CONFIG))?;
        m.get(&0, 0).map_err(map_err(names::CONFIG))
    }

    /// Maps `ip/prefix` to an identity.
    pub fn ipcache_upsert(
        &mut self,
        ip: IpAddr,
        prefix: u8,
        value: IpcacheValue,
    ) -> Result<(), DatapathError> {
        let mut m: LpmTrie<_, IpcacheData, IpcacheValue> =
            LpmTrie::try_from(self.map_mut(names::IPCACHE)?).map_err(map_err(names::IPCACHE))?;
        m.insert(&ipcache_key(ip, prefix), value, 0).map_err(map_err(names::IPCACHE))
    }

    /// Removes `ip/prefix` from the ipcache (absent is fine).
    pub fn ipcache_remove(&mut self, ip: IpAddr, prefix: u8) -> Result<(), DatapathError> {
        let mut m: LpmTrie<_, IpcacheData, IpcacheValue> =
            LpmTrie::try_from(self.map_mut(names::IPCACHE)?).map_err(map_err(names::IPCACHE))?;
        match m.remove(&ipcache_key(ip, prefix)) {
            Ok(()) | Err(aya::maps::MapError::KeyNotFound) => Ok(()),
            Err(e) => Err(map_err(names::IPCACHE)(e)),
        }
    }

    /// Every prefix of the ipcache, as the kernel has it (for the first sync after a restart).
    pub fn ipcache_prefixes(&self) -> Result<Vec<(IpAddr, u8)>, DatapathError> {
        let m: LpmTrie<_, IpcacheData, IpcacheValue> =
            LpmTrie::try_from(self.map(names::IPCACHE)?).map_err(map_err(names::IPCACHE))?;
        m.keys()
            .map(|k| {
                k.map(|k| {
                    let d = k.data();
                    let len = k.prefix_len().saturating_sub(32).min(128) as u8;
                    (bpf_progs::addr_from_bytes(d.family, &d.addr), len)
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err(names::IPCACHE))
    }

    /// Inserts or replaces one policy entry.
    pub fn policy_upsert(
        &mut self,
        key: &aya::maps::lpm_trie::Key<PolicyData>,
        value: PolicyValue,
    ) -> Result<(), DatapathError> {
        let mut m: LpmTrie<_, PolicyData, PolicyValue> =
            LpmTrie::try_from(self.map_mut(names::POLICY)?).map_err(map_err(names::POLICY))?;
        m.insert(key, value, 0).map_err(map_err(names::POLICY))
    }

    /// Removes one policy entry (absent is fine).
    pub fn policy_remove(
        &mut self,
        key: &aya::maps::lpm_trie::Key<PolicyData>,
    ) -> Result<(), DatapathError> {
        let mut m: LpmTrie<_, PolicyData, PolicyValue> =
            LpmTrie::try_from(self.map_mut(names::POLICY)?).map_err(map_err(names::POLICY))?;
        match m.remove(key) {
            Ok(()) | Err(aya::maps::MapError::KeyNotFound) => Ok(()),
            Err(e) => Err(map_err(names::POLICY)(e)),
        }
    }

    /// Every key of the policy map, as the kernel has it (for the first sync after a restart).
    pub fn policy_keys(&self) -> Result<Vec<aya::maps::lpm_trie::Key<PolicyData>>, DatapathError> {
        let m: LpmTrie<_, PolicyData, PolicyValue> =
            LpmTrie::try_from(self.map(names::POLICY)?).map_err(map_err(names::POLICY))?;
        m.keys().collect::<Result<Vec<_>, _>>().map_err(map_err(names::POLICY))
    }

    /// Takes the events ring buffer (once) for the event reader.
    pub fn take_events(&mut self) -> Result<aya::maps::RingBuf<aya::maps::MapData>, DatapathError> {
        let map = self
            .ebpf
            .take_map(names::EVENTS)
            .ok_or(DatapathError::Map { map: names::EVENTS, reason: "already taken".into() })?;
        aya::maps::RingBuf::try_from(map).map_err(map_err(names::EVENTS))
    }

    fn map(&self, name: &'static str) -> Result<&aya::maps::Map, DatapathError> {
        self.ebpf
            .map(name)
            .ok_or(DatapathError::Map { map: name, reason: "not in the object".into() })
    }

    fn map_mut(&mut self, name: &'static str) -> Result<&mut aya::maps::Map, DatapathError> {
        self.ebpf
            .map_mut(name)
            .ok_or(DatapathError::Map { map: name, reason: "not in the object".into() })
    }
}

/// Loopback, where egress connections for the L7 proxy turn round.
const LOOPBACK: &str = "lo";

/// Detaches our programs from `devices` and removes every pin under `pin_dir`
/// (`cilium-agent --cleanup`). Enforcement stops.
pub fn uninstall(pin_dir: &Path, devices: &[String]) -> Result<(), DatapathError> {
    let mode = AttachMode::detect();
    for d in devices {
        for t in [TcAttachType::Ingress, TcAttachType::Egress] {
            attach::detach(mode, pin_dir, d, t)?;
        }
    }
    attach::detach(mode, pin_dir, LOOPBACK, TcAttachType::Ingress)?;
    // Links of devices not named (e.g. cilium_wg0) are found by their pins.
    if let Ok(entries) = std::fs::read_dir(pin_dir.join("links")) {
        for e in entries.flatten() {
            if let Ok(link) = aya::programs::links::PinnedLink::from_pin(e.path()) {
                let _ = link.unpin();
            }
        }
    }
    if pin_dir.exists() {
        std::fs::remove_dir_all(pin_dir).map_err(|e| DatapathError::Bpffs {
            path: pin_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
    }
    Ok(())
}
