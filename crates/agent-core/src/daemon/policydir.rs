//! `policyDir`: policy files on disk, loaded at start and watched (as Cilium's disk-based
//! policies). The directory is applied as a whole: a file that does not parse keeps the last
//! good state and is logged with its position; a file that disappears takes its policies along.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::Agent;

fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
        .filter_map(|p| {
            let m = std::fs::metadata(&p).ok()?;
            Some((p, m.len(), m.modified().ok()?))
        })
        .collect();
    out.sort();
    out
}

/// Applies the directory; returns the names it now owns.
fn load(agent: &Agent, dir: &Path, owned: &BTreeSet<String>) -> Option<BTreeSet<String>> {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (path, _, _) in fingerprint(dir) {
        let name = path.display().to_string();
        match std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|t| {
            crate::policy::parse(&name, &t)
                .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        }) {
            Ok(p) => docs.extend(p),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        tracing::error!(dir = %dir.display(), errors = %errors.join("\n"), "policy directory not applied; the previous policies stay");
        return None;
    }
    let names: BTreeSet<String> = docs.iter().map(|p| p.name.clone()).collect();
    if !docs.is_empty() {
        let sources: Vec<&serde_json::Value> = docs.iter().map(|p| &p.source).collect();
        let text = serde_json::to_string(&sources).unwrap_or_default();
        if let Err(e) = agent.policy_apply(&dir.display().to_string(), &text, false, false) {
            tracing::error!(dir = %dir.display(), error = %e, "policy directory not applied");
            return None;
        }
    }
    for gone in owned.difference(&names) {
        if let Err(e) = agent.policy_delete(Some(gone)) {
            tracing::warn!(policy = gone, error = %e, "removing a policy whose file is gone");
        }
    }
    tracing::info!(dir = %dir.display(), policies = ?names, "policy directory applied");
    Some(names)
}

/// Loads `dir` now, then re-applies it whenever a file changes.
pub async fn watch(agent: Arc<Agent>, dir: PathBuf) {
    let mut owned = BTreeSet::new();
    let mut seen = Vec::new();
    loop {
        let now = fingerprint(&dir);
        if now != seen {
            let (a, d, o) = (agent.clone(), dir.clone(), owned.clone());
            if let Ok(Some(names)) = tokio::task::spawn_blocking(move || load(&a, &d, &o)).await {
                owned = names;
            }
            seen = now;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}
