//! A minimal HTTP server and client for guests that have no curl or python (the kernel
//! WireGuard test's initramfs): `kwg-http serve ADDR BODY` answers every request with BODY;
//! `kwg-http get ADDR` prints the body of `GET /` and exits 0 on a 200. `serve-bulk ADDR N`
//! answers with N bytes of a fixed pattern, `sum ADDR` prints the length and a checksum of the
//! body it got, and `bulk-sum N` what those are for N bytes of the pattern.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// The bulk body: every byte different from its neighbours, no period a segment could hide in.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i as u32).wrapping_mul(2_654_435_761).rotate_right(13) as u8).collect()
}

/// FNV-1a, 64 bits.
fn checksum(data: &[u8]) -> u64 {
    data.iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

fn serve(addr: SocketAddr, body: &[u8]) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr)?;
    for conn in listener.incoming() {
        let Ok(mut s) = conn else { continue };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let mut req = Vec::new();
        let mut buf = [0u8; 1024];
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => req.extend_from_slice(&buf[..n]),
            }
        }
        let _ = write!(
            s,
            "HTTP/1.0 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(body);
    }
    Ok(())
}

/// `GET /`: whether the answer is a 200, and its body.
fn fetch(addr: SocketAddr) -> std::io::Result<(bool, Vec<u8>)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(s, "GET / HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let ok = resp.starts_with(b"HTTP/1.0 200") || resp.starts_with(b"HTTP/1.1 200");
    let body = match resp.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(at) => resp.split_off(at + 4),
        None => Vec::new(),
    };
    Ok((ok, body))
}

fn get(addr: SocketAddr) -> std::io::Result<bool> {
    let (ok, body) = fetch(addr)?;
    println!("{}", String::from_utf8_lossy(&body));
    Ok(ok)
}

fn sum(addr: SocketAddr) -> std::io::Result<bool> {
    let (ok, body) = fetch(addr)?;
    println!("{} {:016x}", body.len(), checksum(&body));
    Ok(ok)
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(2).and_then(|a| a.parse::<SocketAddr>().ok());
    let result = match (args.get(1).map(String::as_str), addr) {
        (Some("serve"), Some(addr)) => {
            serve(addr, args.get(3).map_or("ok", String::as_str).as_bytes()).map(|()| true)
        }
        (Some("serve-bulk"), Some(addr)) => {
            let n = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1 << 20);
            serve(addr, &pattern(n)).map(|()| true)
        }
        (Some("get"), Some(addr)) => get(addr),
        (Some("sum"), Some(addr)) => sum(addr),
        (Some("bulk-sum"), _) => {
            let n = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1 << 20);
            println!("{n} {:016x}", checksum(&pattern(n)));
            Ok(true)
        }
        _ => {
            eprintln!(
                "usage: kwg-http serve ADDR BODY | serve-bulk ADDR N | get ADDR | sum ADDR | bulk-sum N"
            );
            return std::process::ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("kwg-http: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
