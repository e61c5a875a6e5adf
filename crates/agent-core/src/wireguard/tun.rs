//! Opening a TUN device: the ioctls of the userspace backend, and the only `unsafe` of the
//! agent's own code.

#![allow(
    unsafe_code,
    reason = "TUNSETIFF and TUNSETOFFLOAD have no safe binding; this module is their one caller"
)]

use std::os::fd::{AsRawFd, OwnedFd};

use nix::libc;

/// What the kernel agreed to hand the device in one read, and takes in one write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Offloads {
    /// Every packet carries a virtio-net header (`IFF_VNET_HDR`): writes may be super-packets
    /// (GRO), and reads may leave checksums partial.
    pub vnet_hdr: bool,
    /// Reads may be TCP super-packets of up to 64 KiB (`TUN_F_TSO4|TSO6`, any kernel).
    pub tso: bool,
    /// Reads may be UDP super-packets (`TUN_F_USO4|USO6`, Linux 6.2 and later).
    pub uso: bool,
}

impl std::fmt::Display for Offloads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if self.tso {
            parts.push("tso");
        }
        if self.uso {
            parts.push("uso");
        }
        if self.vnet_hdr {
            parts.push("gro");
        }
        if parts.is_empty() { f.write_str("none") } else { f.write_str(&parts.join(",")) }
    }
}

fn ifreq(name: &str, flags: libc::c_int) -> std::io::Result<libc::ifreq> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() >= libc::IFNAMSIZ {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad interface name"));
    }
    // SAFETY: `ifreq` is plain data, all zeros is a valid value.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    ifr.ifr_ifru.ifru_flags = flags as libc::c_short;
    Ok(ifr)
}

fn set_iff(name: &str, flags: libc::c_int) -> std::io::Result<OwnedFd> {
    use nix::fcntl::{OFlag, open};
    use nix::sys::stat::Mode;
    let mut ifr = ifreq(name, flags)?;
    let fd = open("/dev/net/tun", OFlag::O_RDWR | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(std::io::Error::from)?;
    // SAFETY: TUNSETIFF reads and writes one `ifreq`, which lives for the whole call; the
    // descriptor is open and ours.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNSETIFF as _, &mut ifr) };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(fd)
}

fn set_offload(fd: &OwnedFd, flags: libc::c_uint) -> bool {
    // SAFETY: TUNSETOFFLOAD takes its argument by value; the descriptor is an open TUN device.
    unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNSETOFFLOAD as _, flags as libc::c_ulong) >= 0 }
}

/// Opens (creating if needed) the TUN device `name`, without packet information headers. With
/// `offloads`, asks for the virtio-net header and as much segmentation offload as the kernel
/// has, stepping down to what it grants; without, plain packets.
pub fn open(name: &str, offloads: bool) -> std::io::Result<(OwnedFd, Offloads)> {
    let plain = libc::IFF_TUN | libc::IFF_NO_PI;
    if !offloads {
        return Ok((set_iff(name, plain)?, Offloads::default()));
    }
    let fd = match set_iff(name, plain | libc::IFF_VNET_HDR) {
        Ok(fd) => fd,
        Err(e) => {
            tracing::info!(error = %e, "the TUN device takes no virtio-net header; no offloads");
            return Ok((set_iff(name, plain)?, Offloads::default()));
        }
    };
    let tso = libc::TUN_F_CSUM | libc::TUN_F_TSO4 | libc::TUN_F_TSO6;
    let uso = libc::TUN_F_USO4 | libc::TUN_F_USO6;
    let granted = if set_offload(&fd, tso | uso) {
        Offloads { vnet_hdr: true, tso: true, uso: true }
    } else if set_offload(&fd, tso) {
        Offloads { vnet_hdr: true, tso: true, uso: false }
    } else {
        // The header stays (super-packets can still be written); reads are single packets.
        Offloads { vnet_hdr: true, tso: false, uso: false }
    };
    Ok((fd, granted))
}
