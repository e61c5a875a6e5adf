//! Signed node announcements.
//!
//! An announcement says who a node is: name, addresses, labels, WireGuard public key. It
//! travels as one JSON line `{"body": "<json>", "mac": "<hex>"}` where `mac` is
//! HMAC-SHA256(cluster secret, body). The receiver checks, in order:
//! 1. the MAC (constant-time), so nobody without the secret can inject or alter a node;
//! 2. the cluster name;
//! 3. the timestamp, within [`MAX_SKEW`] of its own clock;
//! 4. the nonce, never seen within twice that window, and the timestamp, never older than the
//!    last accepted one from the same node: a recorded announcement cannot be replayed.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Largest accepted difference between the sender's and our clock.
pub const MAX_SKEW: Duration = Duration::from_secs(60);

/// What a node says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// Cluster name.
    pub cluster: String,
    /// Node name.
    pub name: String,
    /// Node addresses.
    pub ips: Vec<IpAddr>,
    /// Node labels.
    pub labels: BTreeMap<String, String>,
    /// WireGuard public key (base64), empty without encryption.
    #[serde(rename = "wgPublicKey", default)]
    pub wg_public_key: String,
    /// WireGuard UDP port.
    #[serde(rename = "wgPort", default)]
    pub wg_port: u16,
    /// Where its WireGuard packets go when not to its addresses: the public address in front
    /// of a VM behind 1:1 NAT (`encryption.endpoint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<IpAddr>,
    /// Increments with every key rotation.
    #[serde(rename = "keyIndex", default)]
    pub key_index: u64,
    /// Agent version.
    pub version: String,
    /// Milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// 16 random bytes, hex.
    pub nonce: String,
    /// Sent over the plaintext bootstrap port: carries what a tunnel needs and no labels
    /// (the receiver keeps the ones it learned through the tunnel).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bootstrap: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    body: String,
    mac: String,
}

/// Why an announcement was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// Not an envelope.
    #[error("malformed announcement: {0}")]
    Malformed(String),
    /// The MAC does not verify: wrong secret, or tampered with.
    #[error("bad signature (wrong cluster secret, or altered on the way)")]
    BadSignature,
    /// Signed, but for another cluster.
    #[error("announcement for cluster {0:?}")]
    OtherCluster(String),
    /// Too old or from the future.
    #[error("stale announcement ({0}s off our clock)")]
    Stale(i64),
    /// Seen before.
    #[error("replayed announcement")]
    Replayed,
    /// Signed, but saying what no node may say (too many addresses or labels, a `reserved:`
    /// label, a malformed name).
    #[error("invalid announcement: {0}")]
    Invalid(String),
    /// None of the addresses it claims is one the sender may hold.
    #[error("claims no address it may hold ({0})")]
    NoAddress(String),
}

impl Rejected {
    /// A short name for metrics and rate-limited logs.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejected::Malformed(_) => "malformed",
            Rejected::BadSignature => "bad-signature",
            Rejected::OtherCluster(_) => "other-cluster",
            Rejected::Stale(_) => "stale",
            Rejected::Replayed => "replayed",
            Rejected::Invalid(_) => "invalid",
            Rejected::NoAddress(_) => "address-claim",
        }
    }
}

/// Most addresses one node may announce.
pub const MAX_ADDRESSES: usize = 16;
/// Most labels one node may announce.
pub const MAX_LABELS: usize = crate::labels::MAX_LABELS;

/// The checks a node's own announcement passes at home: bounded counts, label keys and values
/// as local labels must be (so never `reserved:`), a name a node can have.
pub fn check_content(a: &Announcement) -> Result<(), Rejected> {
    if a.ips.is_empty() || a.ips.len() > MAX_ADDRESSES {
        return Err(Rejected::Invalid(format!(
            "{} addresses (1 to {MAX_ADDRESSES} allowed)",
            a.ips.len()
        )));
    }
    if a.labels.len() > MAX_LABELS {
        return Err(Rejected::Invalid(format!("{} labels (at most {MAX_LABELS})", a.labels.len())));
    }
    for (k, v) in &a.labels {
        crate::labels::check_label(k, v).map_err(Rejected::Invalid)?;
    }
    if let Some(e) = a.endpoint
        && (e.is_unspecified() || e.is_multicast() || e.is_loopback())
    {
        return Err(Rejected::Invalid(format!("endpoint {e}")));
    }
    let name_ok = !a.name.is_empty()
        && a.name.len() <= 253
        && a.name.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
    if !name_ok {
        return Err(Rejected::Invalid(format!("node name {:?}", a.name)));
    }
    Ok(())
}

/// The cluster secret: at least 16 bytes.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.write_str("Secret(<hidden>)")
    }
}

/// Why the secret file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The file is missing.
    #[error("cluster secret {} not found: create it on one node with `cilium encryption generate-secret > {0}` (or `head -c32 /dev/urandom | base64 > {0}`), `chmod 600 {0}`, and copy it to every node", path.display())]
    Missing {
        /// The file.
        path: std::path::PathBuf,
    },
    /// Group or others can read it.
    #[error("cluster secret {} is readable by group or others (mode {mode:o}): run `chmod 600 {}`", path.display(), path.display())]
    Permissions {
        /// The file.
        path: std::path::PathBuf,
        /// Its mode.
        mode: u32,
    },
    /// Owned by another user, who could replace it.
    #[error("cluster secret {} belongs to uid {owner}, not to root or the agent's user: run `chown root {}`", path.display(), path.display())]
    Owner {
        /// The file.
        path: std::path::PathBuf,
        /// Its owner.
        owner: u32,
    },
    /// Unreadable or not base64 of at least 16 bytes.
    #[error("cluster secret {}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
}

impl Secret {
    /// Reads a base64 secret file, refusing files that others can read.
    pub fn load(path: &Path) -> Result<Secret, SecretError> {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SecretError::Missing { path: path.to_path_buf() });
            }
            Err(e) => {
                return Err(SecretError::Invalid {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                });
            }
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretError::Permissions { path: path.to_path_buf(), mode });
        }
        let owner = std::os::unix::fs::MetadataExt::uid(&meta);
        if !owner_may_hold_secrets(owner, nix::unistd::geteuid().as_raw()) {
            return Err(SecretError::Owner { path: path.to_path_buf(), owner });
        }
        let text = std::fs::read_to_string(path).map_err(|e| SecretError::Invalid {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Secret::from_base64(text.trim())
            .map_err(|reason| SecretError::Invalid { path: path.to_path_buf(), reason })
    }

    /// Decodes a base64 secret.
    pub fn from_base64(text: &str) -> Result<Secret, String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| format!("not base64: {e}"))?;
        if bytes.len() < 16 {
            return Err(format!("{} bytes; use at least 16 (32 recommended)", bytes.len()));
        }
        Ok(Secret(bytes))
    }

    /// A fresh random secret, base64 (`cilium encryption generate-secret`).
    pub fn generate() -> Result<String, getrandom::Error> {
        crate::secret::generate()
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }
}

/// A secret file may belong to root or to the user the agent runs as, never to anyone else.
fn owner_may_hold_secrets(owner: u32, euid: u32) -> bool {
    owner == 0 || owner == euid
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// A fresh nonce.
pub fn nonce() -> String {
    let mut b = [0u8; 16];
    // A failing system RNG leaves a zero nonce, which the receiver then treats as a replay
    // after the first use: safe, and loud in its logs.
    let _ = getrandom::fill(&mut b);
    hex(&b)
}

/// Signs an announcement into one line (without the newline).
pub fn seal(secret: &Secret, a: &Announcement) -> String {
    let body = serde_json::to_string(a).unwrap_or_default();
    let mut mac = secret.mac();
    mac.update(body.as_bytes());
    let env = Envelope { mac: hex(&mac.finalize().into_bytes()), body };
    serde_json::to_string(&env).unwrap_or_default()
}

/// Checks what only the line itself can tell: the MAC (constant-time), the cluster and the
/// clock skew. Needs no shared state, so concurrent exchanges verify in parallel.
pub fn verify(
    secret: &Secret,
    cluster: &str,
    line: &str,
    now: u64,
) -> Result<Announcement, Rejected> {
    let a = verify_stored(secret, cluster, line)?;
    let skew = a.timestamp as i64 - now as i64;
    if skew.unsigned_abs() > MAX_SKEW.as_millis() as u64 {
        return Err(Rejected::Stale(skew / 1000));
    }
    Ok(a)
}

/// The cluster a line says it is from, before anything is verified: only to pick the secret
/// that verifies it.
pub fn peek_cluster(line: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Body {
        cluster: String,
    }
    let env: Envelope = serde_json::from_str(line).ok()?;
    serde_json::from_str::<Body>(&env.body).ok().map(|b| b.cluster)
}

/// The MAC and cluster checks alone, for announcements kept in a store: a node entry in etcd
/// was signed when the node registered, however long ago (order among a node's own entries
/// is the reader's to keep, by their timestamps).
pub fn verify_stored(secret: &Secret, cluster: &str, line: &str) -> Result<Announcement, Rejected> {
    let env: Envelope =
        serde_json::from_str(line).map_err(|e| Rejected::Malformed(e.to_string()))?;
    let tag = unhex(&env.mac).ok_or(Rejected::BadSignature)?;
    let mut mac = secret.mac();
    mac.update(env.body.as_bytes());
    mac.verify_slice(&tag).map_err(|_| Rejected::BadSignature)?;
    let a: Announcement =
        serde_json::from_str(&env.body).map_err(|e| Rejected::Malformed(e.to_string()))?;
    if a.cluster != cluster {
        return Err(Rejected::OtherCluster(a.cluster));
    }
    Ok(a)
}

/// How a verified announcement relates to what was accepted before from the same node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Newer than anything accepted from that node: its state is the node's state now.
    Current,
    /// Authentic and never seen, but signed before one already accepted: two exchanges with
    /// the same node crossed. It proves the node answered; its state is not applied, or an
    /// older key or label set could come back.
    Outdated,
}

/// Most nonces remembered; past it the oldest go first. Only holders of the secret can add
/// any, and a nonce older than the skew window is refused by its timestamp anyway.
const MAX_NONCES: usize = 65_536;

/// Remembers what was accepted, to refuse replays.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    nonces: HashMap<String, u64>,
    last: HashMap<String, u64>,
}

impl ReplayGuard {
    /// Admits a verified announcement once: a nonce seen within twice the skew window is a
    /// replay (a recording can be no older than the window, or [`verify`] refuses it).
    pub fn admit(&mut self, a: &Announcement, now: u64) -> Result<Freshness, Rejected> {
        let window = 2 * MAX_SKEW.as_millis() as u64;
        if self.nonces.len() >= MAX_NONCES {
            self.nonces.retain(|_, t| now.saturating_sub(*t) < window);
        }
        if let Some(seen) = self.nonces.get(&a.nonce)
            && now.saturating_sub(*seen) < window
        {
            return Err(Rejected::Replayed);
        }
        if self.nonces.len() >= MAX_NONCES {
            // Still full of fresh nonces: forget the oldest rather than grow without bound.
            if let Some(oldest) =
                self.nonces.iter().min_by_key(|(_, t)| **t).map(|(n, _)| n.clone())
            {
                self.nonces.remove(&oldest);
            }
        }
        self.nonces.insert(a.nonce.clone(), now);
        let last = self.last.entry(a.name.clone()).or_insert(0);
        if a.timestamp < *last {
            return Ok(Freshness::Outdated);
        }
        *last = a.timestamp;
        Ok(Freshness::Current)
    }

    /// [`verify`] then [`ReplayGuard::admit`].
    pub fn open(
        &mut self,
        secret: &Secret,
        cluster: &str,
        line: &str,
        now: u64,
    ) -> Result<(Announcement, Freshness), Rejected> {
        let a = verify(secret, cluster, line, now)?;
        let f = self.admit(&a, now)?;
        Ok((a, f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::from_base64(&Secret::generate().expect("rng")).expect("valid")
    }

    fn ann(ts: u64) -> Announcement {
        Announcement {
            cluster: "vm-cluster".into(),
            name: "vm2".into(),
            ips: vec!["192.168.1.11".parse().expect("ip")],
            labels: [("app".to_string(), "backend".to_string())].into(),
            wg_public_key: String::new(),
            wg_port: 51871,
            endpoint: None,
            key_index: 0,
            version: "0.1.0".into(),
            timestamp: ts,
            bootstrap: false,
            nonce: nonce(),
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let s = secret();
        let now = now_ms();
        let mut guard = ReplayGuard::default();
        let line = seal(&s, &ann(now));
        let (a, fresh) = guard.open(&s, "vm-cluster", &line, now).expect("valid");
        assert_eq!((a.name.as_str(), fresh), ("vm2", Freshness::Current));
        assert_eq!(guard.open(&s, "vm-cluster", &line, now), Err(Rejected::Replayed));
        assert_eq!(
            guard.open(&secret(), "vm-cluster", &seal(&s, &ann(now)), now),
            Err(Rejected::BadSignature)
        );
        assert!(matches!(
            guard.open(&s, "other", &seal(&s, &ann(now)), now),
            Err(Rejected::OtherCluster(_))
        ));
        assert!(matches!(
            guard.open(&s, "vm-cluster", &seal(&s, &ann(now - 120_000)), now),
            Err(Rejected::Stale(_))
        ));
        // An older announcement of the same node that was never seen (two exchanges crossed):
        // authentic, so not a failure, but its state must not replace the newer one.
        let older = seal(&s, &ann(now - 1000));
        assert_eq!(
            guard.open(&s, "vm-cluster", &older, now).map(|(_, f)| f),
            Ok(Freshness::Outdated)
        );
        assert_eq!(guard.open(&s, "vm-cluster", &older, now), Err(Rejected::Replayed));
        // Tampering with the body breaks the MAC.
        let tampered = line.replace("backend", "frontend");
        assert_eq!(guard.open(&s, "vm-cluster", &tampered, now), Err(Rejected::BadSignature));
        assert!(matches!(
            guard.open(&s, "vm-cluster", "not json", now),
            Err(Rejected::Malformed(_))
        ));
        // Unsigned.
        let unsigned =
            serde_json::json!({"body": serde_json::to_string(&ann(now)).expect("json"), "mac": ""})
                .to_string();
        assert_eq!(guard.open(&s, "vm-cluster", &unsigned, now), Err(Rejected::BadSignature));
    }

    #[test]
    fn secret_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("cluster-secret");
        assert!(matches!(Secret::load(&p), Err(SecretError::Missing { .. })));
        std::fs::write(&p, format!("{}\n", Secret::generate().expect("rng"))).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let err = Secret::load(&p).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        Secret::load(&p).expect("valid");
        std::fs::write(&p, "c2hvcnQ=\n").expect("write");
        assert!(Secret::load(&p).unwrap_err().to_string().contains("at least 16"));
        // Another user's file, 0600 or not, could be replaced by that user.
        assert!(owner_may_hold_secrets(0, 998) && owner_may_hold_secrets(998, 998));
        assert!(!owner_may_hold_secrets(4242, 0) && !owner_may_hold_secrets(4242, 998));
        assert!(format!("{:?}", secret()).contains("hidden"));
    }
}
