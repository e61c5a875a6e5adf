//! Attaching the programs to devices so that enforcement survives the agent.
//!
//! With TCX (Linux 6.6+) each attachment is a BPF link pinned under `<pins>/links/`: the pin
//! keeps it alive when the agent exits, and a restarted agent swaps the program inside the same
//! link atomically (`BPF_LINK_UPDATE`), so there is never a moment without a program. On older
//! kernels the classic clsact filter at a fixed priority and handle plays the same role: it
//! outlives the process, and re-attaching replaces it in place.
//! Only our own links and filters are ever touched.

use std::path::{Path, PathBuf};

use aya::programs::links::{FdLink, PinnedLink};
use aya::programs::tc::{self, NlOptions, SchedClassifierLink, TcAttachOptions, TcHandle};
use aya::programs::{LinkOrder, SchedClassifier, TcAttachType};

use super::DatapathError;

/// Our clsact filter's priority and handle on kernels without TCX.
const NL_PRIORITY: u16 = 1;
const NL_HANDLE: TcHandle = TcHandle::new(0, 0xc1);

/// How programs are attached on this kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachMode {
    /// BPF links (Linux 6.6+), pinned.
    Tcx,
    /// Classic tc filters on a clsact qdisc.
    Netlink,
}

impl AttachMode {
    /// The mode this kernel supports.
    pub fn detect() -> AttachMode {
        if super::kernel_version() >= (6, 6) { AttachMode::Tcx } else { AttachMode::Netlink }
    }

    /// The word `cilium status` shows (`tcx` or `tc`, as upstream's attach-mode).
    pub fn as_str(self) -> &'static str {
        match self {
            AttachMode::Tcx => "tcx",
            AttachMode::Netlink => "tc",
        }
    }
}

fn dir_name(t: TcAttachType) -> &'static str {
    match t {
        TcAttachType::Egress => "egress",
        _ => "ingress",
    }
}

/// Where the link of `device`/`direction` is pinned. The interface index is part of the name:
/// a device that was deleted and re-created (cilium_wg0 after a restart) is a new device, and
/// the old pinned link, attached to the old one, must not be mistaken for it.
pub fn link_pin(pin_dir: &Path, device: &str, t: TcAttachType) -> PathBuf {
    let ifindex = nix::net::if_::if_nametoindex(device).unwrap_or(0);
    pin_dir.join("links").join(format!("{device}-{ifindex}-{}", dir_name(t)))
}

/// Removes pinned links of `device`/`t` that belong to an earlier incarnation of the device.
fn drop_stale_links(pin_dir: &Path, device: &str, t: TcAttachType, current: &Path) {
    let suffix = format!("-{}", dir_name(t));
    let Ok(entries) = std::fs::read_dir(pin_dir.join("links")) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&format!("{device}-")) else { continue };
        let Some(index) = rest.strip_suffix(&suffix) else { continue };
        if index.chars().all(|c| c.is_ascii_digit()) && e.path() != current {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Attaches `prog` to `device` in direction `t`, replacing our previous program in place.
pub fn attach(
    prog: &mut SchedClassifier,
    mode: AttachMode,
    pin_dir: &Path,
    device: &str,
    t: TcAttachType,
) -> Result<(), DatapathError> {
    let err = |what: &str, e: String| DatapathError::Attach {
        device: device.into(),
        direction: dir_name(t),
        reason: format!("{what}: {e}"),
    };
    match mode {
        AttachMode::Tcx => {
            let pin = link_pin(pin_dir, device, t);
            drop_stale_links(pin_dir, device, t, &pin);
            match PinnedLink::from_pin(&pin) {
                Ok(existing) => {
                    // The pin stays: it keeps the link (now running the new program) alive.
                    let link = SchedClassifierLink::try_from(FdLink::from(existing))
                        .map_err(|e| err("pinned link", e.to_string()))?;
                    prog.attach_to_link(link)
                        .map_err(|e| err("replacing the program", e.to_string()))?;
                }
                Err(_) => {
                    let id = prog
                        .attach_with_options(
                            device,
                            t,
                            TcAttachOptions::TcxOrder(LinkOrder::default()),
                        )
                        .map_err(|e| err("attaching", e.to_string()))?;
                    let link: FdLink = prog
                        .take_link(id)
                        .map_err(|e| err("taking the link", e.to_string()))?
                        .try_into()
                        .map_err(|e: aya::programs::links::LinkError| err("link", e.to_string()))?;
                    std::fs::create_dir_all(pin.parent().unwrap_or(pin_dir))
                        .map_err(|e| err("pin directory", e.to_string()))?;
                    // Dropping the returned handle leaves the pin, and so the attachment.
                    link.pin(&pin).map_err(|e| err("pinning the link", e.to_string()))?;
                }
            }
        }
        AttachMode::Netlink => {
            if let Err(e) = tc::qdisc_add_clsact(device) {
                // Already present is fine.
                if !e.to_string().contains("exists") {
                    tracing::debug!(device, error = %e, "adding clsact");
                }
            }
            let replaced = SchedClassifierLink::attached(device, t, NL_PRIORITY, NL_HANDLE, None)
                .ok()
                .map(|link| prog.attach_to_link(link));
            let id = match replaced {
                Some(Ok(id)) => id,
                _ => prog
                    .attach_with_options(
                        device,
                        t,
                        TcAttachOptions::Netlink(NlOptions {
                            priority: NL_PRIORITY,
                            handle: NL_HANDLE,
                            classid: None,
                        }),
                    )
                    .map_err(|e| err("attaching", e.to_string()))?,
            };
            // Forget the link: the filter must outlive this process.
            let link = prog.take_link(id).map_err(|e| err("taking the link", e.to_string()))?;
            std::mem::forget(link);
        }
    }
    Ok(())
}

/// Removes our attachment of `device`/`t`, if any.
pub fn detach(
    mode: AttachMode,
    pin_dir: &Path,
    device: &str,
    t: TcAttachType,
) -> Result<(), DatapathError> {
    match mode {
        AttachMode::Tcx => {
            let pin = link_pin(pin_dir, device, t);
            if let Ok(link) = PinnedLink::from_pin(&pin) {
                // Removing the pin and closing our fd releases the link.
                link.unpin().map_err(|e| DatapathError::Attach {
                    device: device.into(),
                    direction: dir_name(t),
                    reason: e.to_string(),
                })?;
            }
        }
        AttachMode::Netlink => {
            if let Ok(link) = SchedClassifierLink::attached(device, t, NL_PRIORITY, NL_HANDLE, None)
            {
                let _ = aya::programs::links::Link::detach(link);
            }
        }
    }
    Ok(())
}

/// Name prefixes of devices that are never the host's own network, as Cilium excludes them:
/// ours, and the bridges and veths of containers (their traffic is not this host's).
const EXCLUDED_PREFIXES: &[&str] = &["cilium_", "lxc", "cni", "docker"];

/// The devices filtered when `devices:` is empty: every device with a unicast address that is
/// not link-local (IPv4 or IPv6, default route or not: another NIC or a VLAN device with an
/// address receives traffic for this host too), loopback and [`EXCLUDED_PREFIXES`] aside.
pub fn default_devices(local_addrs: &[(String, std::net::IpAddr)]) -> Vec<String> {
    let mut devs: Vec<String> =
        host_addresses(local_addrs).into_iter().map(|(dev, _)| dev.clone()).collect();
    devs.sort();
    devs.dedup();
    devs
}

/// This host's own network addresses: on devices of its own network (not loopback, ours or a
/// container bridge's), neither link-local nor multicast.
pub fn host_addresses(
    local_addrs: &[(String, std::net::IpAddr)],
) -> Vec<&(String, std::net::IpAddr)> {
    local_addrs
        .iter()
        .filter(|(dev, ip)| {
            dev != "lo"
                && !EXCLUDED_PREFIXES.iter().any(|p| dev.starts_with(p))
                && !ip.is_loopback()
                && !ip.is_multicast()
                && !is_link_local(ip)
        })
        .collect()
}

fn is_link_local(ip: &std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => v4.is_link_local(),
        std::net::IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}
