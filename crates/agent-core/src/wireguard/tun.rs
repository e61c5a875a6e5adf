//! Opening a TUN device: the one ioctl of the userspace backend, and the only `unsafe` of the
//! agent's own code.

#![allow(unsafe_code, reason = "TUNSETIFF has no safe binding; this module is its one caller")]

use std::os::fd::OwnedFd;

/// Opens (creating if needed) the TUN device `name`, without packet information headers.
pub fn open(name: &str) -> std::io::Result<OwnedFd> {
    use nix::fcntl::{OFlag, open};
    use nix::sys::stat::Mode;
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() >= nix::libc::IFNAMSIZ {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad interface name"));
    }
    let fd = open("/dev/net/tun", OFlag::O_RDWR | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(std::io::Error::from)?;
    // SAFETY: `ifreq` is plain data, all zeros is a valid value.
    let mut ifr: nix::libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(bytes) {
        *dst = *src as nix::libc::c_char;
    }
    ifr.ifr_ifru.ifru_flags = (nix::libc::IFF_TUN | nix::libc::IFF_NO_PI) as nix::libc::c_short;
    // SAFETY: TUNSETIFF reads and writes one `ifreq`, which lives for the whole call; the
    // descriptor is open and ours.
    let rc = unsafe {
        nix::libc::ioctl(std::os::fd::AsRawFd::as_raw_fd(&fd), nix::libc::TUNSETIFF as _, &mut ifr)
    };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(fd)
}
