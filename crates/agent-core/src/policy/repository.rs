//! The agent's policies: revisioned, persisted under the state directory after every change
//! (atomically, so a crash loses nothing), restored at start.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::types::Policy;

/// Why the repository could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// The state file could not be read or written.
    #[error("policy state {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not ours or is damaged.
    #[error("policy state {} is not valid: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// No policy has that name.
    #[error("no policy named {0:?}")]
    NotFound(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    revision: u64,
    policies: Vec<Policy>,
}

/// The file as read: each policy on its own, so that one that no longer reads (an older
/// version's, a damaged one) does not take the others with it.
#[derive(Debug, Deserialize)]
struct StoredState {
    revision: u64,
    policies: Vec<serde_json::Value>,
}

/// The policy repository.
#[derive(Debug)]
pub struct Repository {
    path: PathBuf,
    state: State,
    skipped: Vec<String>,
}

impl Repository {
    /// Opens (or starts) the repository in `state_dir`. A stored policy that cannot be read is
    /// skipped and reported ([`Repository::skipped`]); the others are enforced. Only a file
    /// that is not a repository at all refuses the start: enforcing nothing instead would
    /// open every port the stored policies close.
    pub fn open(state_dir: &Path) -> Result<Repository, RepositoryError> {
        let path = state_dir.join("policies.json");
        let stored = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<StoredState>(&bytes).map_err(|e| {
                RepositoryError::Corrupt {
                    path: path.clone(),
                    reason: format!(
                        "{e}; move it aside to start without its policies, then apply them again"
                    ),
                }
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                StoredState { revision: 1, policies: Vec::new() }
            }
            Err(source) => return Err(RepositoryError::Io { path, source }),
        };
        let mut policies = Vec::new();
        let mut skipped = Vec::new();
        for (i, raw) in stored.policies.into_iter().enumerate() {
            let name = raw.get("name").and_then(|n| n.as_str()).map(str::to_string);
            match serde_json::from_value::<Policy>(raw) {
                Ok(p) => policies.push(p),
                Err(e) => {
                    let name = name.unwrap_or_else(|| format!("#{i}"));
                    tracing::error!(policy = name, error = %e, path = %path.display(), "a stored policy cannot be read: skipped, apply it again");
                    skipped.push(format!("{name}: {e}"));
                }
            }
        }
        Ok(Repository { path, state: State { revision: stored.revision, policies }, skipped })
    }

    /// Stored policies that could not be read at start, with why.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// The current revision (starts at 1, as Cilium's).
    pub fn revision(&self) -> u64 {
        self.state.revision
    }

    /// Every policy, in the order they were first applied.
    pub fn policies(&self) -> &[Policy] {
        &self.state.policies
    }

    /// The policies after applying `new` (same names replaced), without changing anything.
    pub fn preview_apply(&self, new: &[Policy]) -> Vec<Policy> {
        let mut next = self.state.policies.clone();
        for p in new {
            match next.iter_mut().find(|q| q.name == p.name) {
                Some(q) => *q = p.clone(),
                None => next.push(p.clone()),
            }
        }
        next
    }

    /// The policies after deleting `name` (or everything).
    pub fn preview_delete(&self, name: Option<&str>) -> Result<Vec<Policy>, RepositoryError> {
        match name {
            None => Ok(Vec::new()),
            Some(n) => {
                if !self.state.policies.iter().any(|p| p.name == n) {
                    return Err(RepositoryError::NotFound(n.to_string()));
                }
                Ok(self.state.policies.iter().filter(|p| p.name != n).cloned().collect())
            }
        }
    }

    /// Replaces every policy, bumps the revision and persists; on a write error nothing changes.
    pub fn commit(&mut self, policies: Vec<Policy>) -> Result<u64, RepositoryError> {
        let next = State { revision: self.state.revision + 1, policies };
        let bytes = serde_json::to_vec_pretty(&next).map_err(|e| RepositoryError::Corrupt {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        crate::fsutil::atomic_write(&self.path, &bytes, 0o600)
            .map_err(|source| RepositoryError::Io { path: self.path.clone(), source })?;
        self.state = next;
        Ok(self.state.revision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEB: &str = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n";

    #[test]
    fn one_unreadable_policy_is_skipped_and_the_rest_enforced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut repo = Repository::open(dir.path()).expect("new");
        let parsed = crate::policy::parse("web.yaml", WEB).expect("valid");
        repo.commit(parsed).expect("commit");
        // A second, damaged entry (an older version's format, a bad edit).
        let path = dir.path().join("policies.json");
        let mut state: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        let bad = serde_json::json!({"name": "broken", "rules": "not rules"});
        state["policies"].as_array_mut().expect("array").push(bad);
        std::fs::write(&path, serde_json::to_vec(&state).expect("json")).expect("write");
        let repo = Repository::open(dir.path()).expect("the start goes on");
        assert_eq!(repo.policies().len(), 1);
        assert_eq!(repo.policies()[0].name, "web");
        assert!(repo.skipped()[0].starts_with("broken: "), "{:?}", repo.skipped());
        // A file that is no repository at all is refused, with what to do.
        std::fs::write(&path, b"{").expect("write");
        let err = Repository::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("move it aside"), "{err}");
    }

    #[test]
    fn status_is_not_stored_and_deep_documents_are_refused_at_parse() {
        let with_status = format!("{WEB}status:\n  ok: true\n");
        let parsed = crate::policy::parse("web.yaml", &with_status).expect("valid");
        assert!(parsed[0].source.get("status").is_none());
        let deep = format!("{WEB}status: {}1{}\n", "[".repeat(130), "]".repeat(130));
        let errs = crate::policy::parse("deep.yaml", &deep).unwrap_err();
        assert!(errs[0].to_string().contains("levels deep"), "{}", errs[0]);
    }
}
