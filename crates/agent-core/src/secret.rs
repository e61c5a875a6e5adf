//! Cluster secrets: 32 random bytes, base64, as `cilium encryption generate-secret` prints them
//! (and as `head -c32 /dev/urandom | base64` does).

use base64::Engine;

/// A fresh random secret, base64.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(b))
}
