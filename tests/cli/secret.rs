//! The cluster secret as an operator meets it: the agent refuses to start with encryption on
//! and no secret, or with a secret others can read, and says how to fix it; the secret that
//! `cilium encryption generate-secret` prints is one the agent takes.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::harness::*;

/// Starts the agent for real (not `--validate`) with encryption on and `secret` as its
/// cluster secret file; it must refuse before it touches the network (an agent that does not
/// is killed, and the test fails).
fn start_encrypted(dir: &std::path::Path, secret: &std::path::Path) -> std::process::Output {
    std::fs::write(dir.join("config.yaml"), "encryption:\n  enabled: true\n").expect("config");
    let mut cmd = Command::new(bin("cilium-agent"));
    cmd.arg("--config-dir")
        .arg(dir)
        .arg("--run-dir")
        .arg(dir.join("run"))
        .arg("--state-dir")
        .arg(dir.join("state"))
        .arg("--set")
        .arg(format!("cluster.secretFile={}", secret.display()))
        .arg("--set")
        .arg("hostFirewall.enabled=false");
    must_exit(cmd)
}

#[test]
fn encryption_without_a_secret_is_refused_with_how_to_make_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = start_encrypted(dir.path(), &dir.path().join("cluster-secret"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cilium encryption generate-secret >"), "{err}");
    assert!(err.contains("head -c32 /dev/urandom | base64"), "{err}");
    assert!(err.contains("chmod 600"), "{err}");
    assert!(!dir.path().join("run/cilium.sock").exists(), "nothing started");
}

#[test]
fn a_secret_readable_by_others_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = dir.path().join("cluster-secret");
    let generated = cilium_at(&dir.path().join("none.sock"), &["encryption", "generate-secret"]);
    assert!(generated.status.success(), "generate-secret needs no agent: {}", stderr(&generated));
    std::fs::write(&secret, &generated.stdout).expect("write");
    for mode in [0o644, 0o640, 0o604] {
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let out = start_encrypted(dir.path(), &secret);
        assert!(!out.status.success(), "mode {mode:o} accepted");
        let err = stderr(&out);
        assert!(err.contains("readable by group or others") && err.contains("chmod 600"), "{err}");
    }
}

#[test]
fn generated_secrets_are_32_random_bytes_in_base64() {
    let generate = || {
        let out = cilium_at(
            std::path::Path::new("/nonexistent.sock"),
            &["encryption", "generate-secret"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let (a, b) = (generate(), generate());
    assert_ne!(a, b, "fresh every time");
    let line = a.trim_end();
    assert_eq!(line.len(), 44, "32 bytes of base64, like `head -c32 /dev/urandom | base64`: {a:?}");
    assert!(line.ends_with('='), "{a:?}");
    assert!(a.ends_with('\n') && a.lines().count() == 1, "one line, ready for a file: {a:?}");
}
