//! The userspace device's UDP socket: many datagrams per system call where the kernel can.
//!
//! Sending, datagrams of one size to one endpoint go out as one `sendmsg` with `UDP_SEGMENT`
//! (UDP GSO, Linux 4.18): the kernel, or the NIC, cuts them apart, and on a veth or bridge the
//! train crosses whole. Receiving, `UDP_GRO` (Linux 5.0) hands over up to 64 KiB of one
//! sender's datagrams at once, with their size. Where either is missing, or a send with it
//! fails as some drivers make it fail, the socket goes back to one datagram per call for good.

use std::io::IoSlice;
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nix::sys::socket::{
    ControlMessage, ControlMessageOwned, MsgFlags, SockaddrStorage, recvmsg, sendmsg, setsockopt,
    sockopt,
};

/// Datagrams in one GSO send: the kernel's `UDP_MAX_SEGMENTS` before Linux 6.9.
const MAX_SEGMENTS: usize = 64;
/// Bytes in one GSO send: an IP packet's limit, less the IPv6 and UDP headers.
const MAX_GSO_BYTES: usize = 65_535 - 40 - 8;

/// Socket buffers each way: a GRO read or GSO send is up to 64 KiB, and a train a peer sends
/// while the receiving thread decrypts the one before must fit, else the kernel drops it whole
/// and TCP inside the tunnel retransmits 45 segments (wireguard-go uses the same 7 MiB).
const SOCKET_BUFFER: usize = 7 << 20;

/// The device's socket.
#[derive(Debug)]
pub struct Socket {
    udp: UdpSocket,
    /// Dual-stack (IPv6) socket: IPv4 peers are addressed as mapped addresses.
    v6: bool,
    gso: AtomicBool,
    gro: bool,
}

impl Socket {
    /// A dual-stack socket on `port` (IPv4 alone when the kernel has no IPv6), marked with
    /// `fwmark`, reads waking every `poll`; with `offloads`, GSO and GRO where the kernel has
    /// them.
    pub fn bind(port: u16, fwmark: u32, poll: Duration, offloads: bool) -> std::io::Result<Socket> {
        let udp = UdpSocket::bind(SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)))
            .or_else(|_| UdpSocket::bind(SocketAddr::from(([0, 0, 0, 0], port))))?;
        setsockopt(&udp, sockopt::Mark, &fwmark).map_err(std::io::Error::from)?;
        udp.set_read_timeout(Some(poll))?;
        // The forcing options pass `net.core.rmem_max` (the agent runs privileged); without the
        // privilege the plain ones take what the limit allows.
        if setsockopt(&udp, sockopt::RcvBufForce, &SOCKET_BUFFER).is_err() {
            let _ = setsockopt(&udp, sockopt::RcvBuf, &SOCKET_BUFFER);
        }
        if setsockopt(&udp, sockopt::SndBufForce, &SOCKET_BUFFER).is_err() {
            let _ = setsockopt(&udp, sockopt::SndBuf, &SOCKET_BUFFER);
        }
        // GSO is asked per send; whether the kernel knows the option at all says whether to try.
        let gso = offloads && nix::sys::socket::getsockopt(&udp, sockopt::UdpGsoSegment).is_ok();
        let gro = offloads && setsockopt(&udp, sockopt::UdpGroSegment, &true).is_ok();
        let v6 = udp.local_addr()?.is_ipv6();
        Ok(Socket { udp, v6, gso: AtomicBool::new(gso), gro })
    }

    /// Whether sends may carry many datagrams (`gso`) and reads may return many (`gro`).
    pub fn offloads(&self) -> (bool, bool) {
        (self.gso.load(Ordering::Relaxed), self.gro)
    }

    /// `addr` as the socket's family takes it (IPv4 peers of a dual-stack socket as mapped).
    fn target(&self, addr: SocketAddr) -> SocketAddr {
        match addr {
            SocketAddr::V4(v4) if self.v6 => {
                SocketAddr::V6(SocketAddrV6::new(v4.ip().to_ipv6_mapped(), v4.port(), 0, 0))
            }
            _ => addr,
        }
    }

    /// Sends one datagram.
    pub fn send(&self, datagram: &[u8], to: SocketAddr) {
        let _ = self.udp.send_to(datagram, self.target(to));
    }

    /// Sends `datagrams` to `to`, in order: runs of equal size (the last of a run may be
    /// shorter) as one GSO send each.
    pub fn send_all<B: AsRef<[u8]>>(&self, datagrams: &[B], to: SocketAddr) {
        if !self.gso.load(Ordering::Relaxed) || datagrams.len() < 2 {
            for d in datagrams {
                self.send(d.as_ref(), to);
            }
            return;
        }
        let target = SockaddrStorage::from(self.target(to));
        let mut start = 0;
        while start < datagrams.len() {
            let size = datagrams[start].as_ref().len();
            let mut end = start + 1;
            let mut bytes = size;
            while end < datagrams.len() && end - start < MAX_SEGMENTS {
                let len = datagrams[end].as_ref().len();
                if len > size || bytes + len > MAX_GSO_BYTES {
                    break;
                }
                bytes += len;
                end += 1;
                if len < size {
                    break;
                }
            }
            self.send_run(&datagrams[start..end], size, &target, to);
            start = end;
        }
    }

    fn send_run<B: AsRef<[u8]>>(
        &self,
        run: &[B],
        size: usize,
        target: &SockaddrStorage,
        to: SocketAddr,
    ) {
        if run.len() == 1 {
            self.send(run[0].as_ref(), to);
            return;
        }
        let iov: Vec<IoSlice<'_>> = run.iter().map(|d| IoSlice::new(d.as_ref())).collect();
        let seg = size as u16;
        let cmsg = [ControlMessage::UdpGsoSegments(&seg)];
        match sendmsg(
            std::os::fd::AsRawFd::as_raw_fd(&self.udp),
            &iov,
            &cmsg,
            MsgFlags::empty(),
            Some(target),
        ) {
            Ok(_) => {}
            // Out of buffer space: the datagrams are lost as single sends would have been.
            Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::ENOBUFS) => {}
            // EIO from a device without checksum offload, EINVAL from a path MTU below the
            // size, EOPNOTSUPP from a kernel without it: never again on this socket, and this
            // run goes out one by one.
            Err(
                e @ (nix::errno::Errno::EIO
                | nix::errno::Errno::EINVAL
                | nix::errno::Errno::EOPNOTSUPP),
            ) => {
                tracing::info!(error = %e, "UDP GSO send failed; sending one datagram per call");
                self.gso.store(false, Ordering::Relaxed);
                for d in run {
                    self.send(d.as_ref(), to);
                }
            }
            // Anything else (no route for now, a firewall's EPERM) befalls single sends too:
            // the run is lost as they would have been.
            Err(e) => tracing::debug!(error = %e, "UDP GSO send failed"),
        }
    }

    /// Receives into `buf`: how many bytes, from where, and the size of each datagram in
    /// them (all but the last; the last may be shorter; never 0, see [`datagrams`]).
    pub fn recv(&self, buf: &mut [u8]) -> std::io::Result<(usize, SocketAddr, usize)> {
        if !self.gro {
            let (n, from) = self.udp.recv_from(buf)?;
            return Ok((n, from, n.max(1)));
        }
        let mut iov = [std::io::IoSliceMut::new(buf)];
        let mut space = nix::cmsg_space!(i32);
        let msg = recvmsg::<SockaddrStorage>(
            std::os::fd::AsRawFd::as_raw_fd(&self.udp),
            &mut iov,
            Some(&mut space),
            MsgFlags::empty(),
        )
        .map_err(std::io::Error::from)?;
        let n = msg.bytes;
        let mut size = n;
        if let Ok(cmsgs) = msg.cmsgs() {
            for c in cmsgs {
                if let ControlMessageOwned::UdpGroSegments(s) = c {
                    size = usize::try_from(s).unwrap_or(n);
                }
            }
        }
        let from = msg
            .address
            .and_then(|a| {
                a.as_sockaddr_in6()
                    .map(|v6| SocketAddr::V6(SocketAddrV6::from(*v6)))
                    .or_else(|| a.as_sockaddr_in().map(|v4| SocketAddr::V4((*v4).into())))
            })
            .ok_or_else(|| std::io::Error::other("a datagram without a source address"))?;
        Ok((n, from, size.clamp(1, n.max(1))))
    }
}

/// The datagrams of one read of `n` bytes whose datagrams are `size` long (the last may be
/// shorter). An empty datagram, which anyone can send, yields nothing, and a size of 0 (never
/// returned by [`Socket::recv`]) is taken as one datagram: slicing by 0 would panic.
pub fn datagrams(read: &[u8], size: usize) -> std::slice::Chunks<'_, u8> {
    read.chunks(size.max(1))
}

#[cfg(test)]
mod tests {
    use super::datagrams;

    #[test]
    fn a_read_splits_into_its_datagrams_and_nothing_panics() {
        let read: Vec<u8> = (0..10).collect();
        let sizes: Vec<usize> = datagrams(&read, 4).map(<[u8]>::len).collect();
        assert_eq!(sizes, vec![4, 4, 2]);
        assert_eq!(datagrams(&read, 0).count(), 10, "0 is never a size: byte by byte, no panic");
        assert_eq!(datagrams(&[], 1).count(), 0, "an empty datagram carries nothing");
        assert_eq!(datagrams(&[], 0).count(), 0);
    }
}
