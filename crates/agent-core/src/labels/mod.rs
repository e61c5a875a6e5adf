//! Label syntax shared by node labels, runtime labels and policy selectors.
//!
//! Keys follow the Kubernetes shape (an optional DNS prefix and `/`, then a name of letters,
//! digits, `-`, `_` and `.`), because Cilium policies written for Kubernetes use the same keys.

use std::collections::BTreeMap;

/// Most labels a node may carry: what an announcement may hold (config and runtime labels
/// together), so a node never labels itself out of its cluster.
pub const MAX_LABELS: usize = 64;

/// The label Cilium gives every identity with its cluster's name; cluster-mesh policies
/// select by it.
pub const CLUSTER_LABEL: &str = "io.cilium.k8s.policy.cluster";

/// `labels` with the cluster's own: `cluster` (this agent's, since the first release) and
/// Cilium's [`CLUSTER_LABEL`].
pub fn with_cluster(
    mut labels: BTreeMap<String, String>,
    cluster: &str,
) -> BTreeMap<String, String> {
    labels.insert("cluster".into(), cluster.into());
    labels.insert(CLUSTER_LABEL.into(), cluster.into());
    labels
}

/// Runtime labels as `cilium labels` sends them (`key=value`, `key`, or `node:key=value`),
/// checked as local labels: valid syntax, never `cluster` or `reserved:`, at most
/// [`MAX_LABELS`].
pub fn user_labels(user: &[String]) -> Result<BTreeMap<String, String>, String> {
    if user.len() > MAX_LABELS {
        return Err(format!("{} labels (at most {MAX_LABELS})", user.len()));
    }
    let mut labels = BTreeMap::new();
    for l in user {
        let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
        let k = k.strip_prefix("node:").unwrap_or(k);
        if k == "cluster" || k == CLUSTER_LABEL || k.starts_with("reserved:") {
            return Err(format!("label `{k}` is set by the agent and cannot be changed"));
        }
        check_label(k, v)?;
        labels.insert(k.to_string(), v.to_string());
    }
    Ok(labels)
}

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
    use super::{MAX_LABELS, check_label, user_labels};

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

    #[test]
    fn runtime_labels_are_checked_and_bounded() {
        let l = |v: &[&str]| user_labels(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let ok = l(&["env=prod", "node:tier=web", "canary"]).expect("valid");
        assert_eq!(ok.get("tier").map(String::as_str), Some("web"));
        assert_eq!(ok.get("canary").map(String::as_str), Some(""));
        assert!(l(&["reserved:host"]).expect_err("reserved").contains("set by the agent"));
        assert!(l(&["cluster=other"]).is_err());
        assert!(l(&["bad key=x"]).is_err());
        let many: Vec<String> = (0..=MAX_LABELS).map(|i| format!("k{i}=v")).collect();
        assert!(user_labels(&many).expect_err("too many").contains("at most 64"));
    }
}
