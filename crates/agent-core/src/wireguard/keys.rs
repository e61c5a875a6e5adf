//! The node's WireGuard key pair: generated on first start, stored 0600 under the state
//! directory, never printed or logged. Rotation replaces it and bumps the key index that the
//! node announces, so peers know to switch.

use std::path::{Path, PathBuf};

use base64::Engine;
use gotatun::x25519::{PublicKey, StaticSecret};
use serde::{Deserialize, Serialize};

/// Why the key could not be loaded or stored.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing the key file failed.
    #[error("WireGuard key file {}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The OS gave no randomness.
    #[error("no randomness for a WireGuard key: {0}")]
    Random(String),
}

#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(rename = "privateKey")]
    private_key: String,
    #[serde(rename = "keyIndex")]
    key_index: u64,
    /// Unix seconds.
    created: u64,
}

/// The key pair in use.
#[derive(Clone)]
pub struct KeyPair {
    /// Private key.
    pub secret: StaticSecret,
    /// Public key.
    pub public: PublicKey,
    /// Rotation counter.
    pub index: u64,
    /// Unix seconds of creation.
    pub created: u64,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &b64(self.public.as_bytes()))
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

/// Base64, as `wg` prints keys.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes a base64 public key.
pub fn parse_public(s: &str) -> Option<PublicKey> {
    let b = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    let arr: [u8; 32] = b.try_into().ok()?;
    Some(PublicKey::from(arr))
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn fresh_secret() -> Result<StaticSecret, KeyError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(StaticSecret::from(b))
}

/// The key file inside the state directory.
pub fn key_path(state_dir: &Path) -> PathBuf {
    state_dir.join("wireguard.key")
}

impl KeyPair {
    /// Loads the stored key, or creates and stores one.
    pub fn load_or_create(path: &Path) -> Result<KeyPair, KeyError> {
        let err = |reason: String| KeyError::File { path: path.to_path_buf(), reason };
        match std::fs::read(path) {
            Ok(bytes) => {
                let s: Stored = serde_json::from_slice(&bytes).map_err(|e| err(e.to_string()))?;
                let raw = base64::engine::general_purpose::STANDARD
                    .decode(&s.private_key)
                    .map_err(|e| err(e.to_string()))?;
                let arr: [u8; 32] =
                    raw.try_into().map_err(|_| err("the private key is not 32 bytes".into()))?;
                let secret = StaticSecret::from(arr);
                Ok(KeyPair {
                    public: PublicKey::from(&secret),
                    secret,
                    index: s.key_index,
                    created: s.created,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let k = KeyPair::generate(0)?;
                k.store(path)?;
                Ok(k)
            }
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// A new key pair with rotation counter `index`.
    pub fn generate(index: u64) -> Result<KeyPair, KeyError> {
        let secret = fresh_secret()?;
        Ok(KeyPair { public: PublicKey::from(&secret), secret, index, created: now() })
    }

    /// Writes the key atomically with mode 0600.
    pub fn store(&self, path: &Path) -> Result<(), KeyError> {
        let s = Stored {
            private_key: b64(self.secret.as_bytes()),
            key_index: self.index,
            created: self.created,
        };
        let bytes = serde_json::to_vec(&s)
            .map_err(|e| KeyError::File { path: path.to_path_buf(), reason: e.to_string() })?;
        crate::fsutil::atomic_write(path, &bytes, 0o600)
            .map_err(|e| KeyError::File { path: path.to_path_buf(), reason: e.to_string() })
    }

    /// The public key, base64.
    pub fn public_b64(&self) -> String {
        b64(self.public.as_bytes())
    }

    /// A short fingerprint of the public key (first 16 hex digits of its SHA-256).
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(self.public.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_keys_are_private_and_stable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = key_path(dir.path());
        let a = KeyPair::load_or_create(&p).expect("create");
        let b = KeyPair::load_or_create(&p).expect("load");
        assert_eq!(a.public, b.public);
        assert_eq!(std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777, 0o600);
        assert!(
            !format!("{a:?}").contains(&b64(a.secret.as_bytes())),
            "Debug never shows the private key"
        );
        assert_eq!(parse_public(&a.public_b64()), Some(a.public));
        assert_eq!(a.fingerprint().len(), 16);
    }
}
