use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use crate::harness::*;

/// Sends bytes and reads until the agent closes. `half_close` shuts our write side first, as
/// a client that sends garbage and leaves would; well-formed requests keep it open (the server
/// drops connections whose client half-closes before the answer).
fn send(socket: &std::path::Path, bytes: &[u8], half_close: bool) -> String {
    let mut s = UnixStream::connect(socket).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let _ = s.write_all(bytes);
    if half_close {
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn agent_survives_garbage_on_its_socket() {
    let agent = Agent::start(SEED_VM1);
    let socket = agent.socket();
    send(&socket, b"\x00\x01\x02\xff\xfe garbage \r\n\r\n", true);
    send(&socket, b"GET /v1/healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", true);
    send(&socket, &[b'A'; 100_000], true);
    // Connect and vanish.
    drop(UnixStream::connect(&socket).expect("connect"));

    let bad_json = "PATCH /v1/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{\"options";
    let resp = send(&socket, bad_json.as_bytes(), false);
    assert!(resp.starts_with("HTTP/1.1 400"), "{resp}");
    assert!(resp.contains("\"invalid request body"), "error body is a JSON string: {resp}");

    let bad_option = r#"{"options":{"NoSuchOption":"Enabled"}}"#;
    let req = format!(
        "PATCH /v1/config HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{bad_option}",
        bad_option.len()
    );
    let resp = send(&socket, req.as_bytes(), false);
    assert!(resp.starts_with("HTTP/1.1 400"), "{resp}");

    let resp =
        send(&socket, b"GET /v1/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
    assert!(resp.starts_with("HTTP/1.1 404"), "{resp}");

    let big = "x".repeat(2 << 20);
    let req = format!(
        "PATCH /v1/config HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{big}",
        big.len()
    );
    let resp = send(&socket, req.as_bytes(), false);
    assert!(
        resp.starts_with("HTTP/1.1 413") || resp.is_empty() || resp.starts_with("HTTP/1.1 400"),
        "{resp}"
    );

    let out = agent.cilium(&["status", "-o", "json"]);
    assert!(out.status.success(), "agent still answers: {}", stderr(&out));
}
