//! A minimal HTTP server and client for guests that have no curl or python (the kernel
//! WireGuard test's initramfs): `kwg-http serve ADDR BODY` answers every request with BODY;
//! `kwg-http get ADDR` prints the body of `GET /` and exits 0 on a 200.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

fn serve(addr: SocketAddr, body: &str) -> std::io::Result<()> {
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
            "HTTP/1.0 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
    Ok(())
}

fn get(addr: SocketAddr) -> std::io::Result<bool> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(s, "GET / HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let ok = resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200");
    if let Some((_, body)) = resp.split_once("\r\n\r\n") {
        println!("{body}");
    }
    Ok(ok)
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(2).and_then(|a| a.parse::<SocketAddr>().ok());
    let result = match (args.get(1).map(String::as_str), addr) {
        (Some("serve"), Some(addr)) => {
            serve(addr, args.get(3).map_or("ok", String::as_str)).map(|()| true)
        }
        (Some("get"), Some(addr)) => get(addr),
        _ => {
            eprintln!("usage: kwg-http serve ADDR BODY | get ADDR");
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
