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

/// The policy repository.
#[derive(Debug)]
pub struct Repository {
    path: PathBuf,
    state: State,
}

impl Repository {
    /// Opens (or starts) the repository in `state_dir`.
    pub fn open(state_dir: &Path) -> Result<Repository, RepositoryError> {
        let path = state_dir.join("policies.json");
        let state = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| RepositoryError::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                State { revision: 1, policies: Vec::new() }
            }
            Err(source) => return Err(RepositoryError::Io { path, source }),
        };
        Ok(Repository { path, state })
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
