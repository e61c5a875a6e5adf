//! Label syntax shared by node labels, runtime labels and policy selectors.
//!
//! Keys follow the Kubernetes shape (an optional DNS prefix and `/`, then a name of letters,
//! digits, `-`, `_` and `.`), because Cilium policies written for Kubernetes use the same keys.

/// Checks one `key=value` label; the error says what is wrong with which part.
pub fn check_label(key: &str, value: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix
        && (p.is_empty()
            || p.len() > 253
            || !p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.'))
    {
        return Err(format!("label key `{key}`: the prefix before `/` must be a DNS name"));
    }
    if name.is_empty() || name.len() > 63 || !name_chars(name) {
        return Err(format!(
            "label key `{key}`: use 1-63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit"
        ));
    }
    if value.len() > 63 || (!value.is_empty() && !name_chars(value)) {
        return Err(format!(
            "label `{key}={value}`: a value has at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

fn name_chars(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::check_label;

    #[test]
    fn labels() {
        assert!(check_label("app", "frontend").is_ok());
        assert!(check_label("io.cilium.k8s.policy.cluster", "k8s-prod").is_ok());
        assert!(check_label("example.com/tier", "").is_ok());
        assert!(check_label("", "x").is_err());
        assert!(check_label("-app", "x").is_err());
        assert!(check_label("app", "has space").is_err());
        assert!(check_label("/app", "x").is_err());
    }
}
