//! Numeric security identities: Cilium's reserved ones, and those allocated for label sets.

/// Unknown.
pub const UNKNOWN: u32 = 0;
/// This host.
pub const HOST: u32 = 1;
/// Anything outside the cluster.
pub const WORLD: u32 = 2;
/// Not managed by Cilium.
pub const UNMANAGED: u32 = 3;
/// Health endpoints.
pub const HEALTH: u32 = 4;
/// Endpoints whose identity is not resolved yet.
pub const INIT: u32 = 5;
/// Another node of the cluster.
pub const REMOTE_NODE: u32 = 6;

use std::collections::{BTreeMap, BTreeSet};

/// A label set, sorted by key.
pub type Labels = BTreeMap<String, String>;

/// Numeric identities for label sets. Each agent allocates locally; the number is derived
/// from a hash of the labels, so VMs with the same view of the cluster agree on it (Hubble
/// flows read the same everywhere) unless two label sets collide, which probing resolves.
#[derive(Debug, Clone, Default)]
pub struct Allocator {
    base: u32,
    by_labels: BTreeMap<Labels, u32>,
    by_id: BTreeMap<u32, Labels>,
}

/// First locally allocated identity within a cluster's range (below it: reserved ones).
pub const MIN_ALLOCATED: u32 = 256;
/// Last identity within a cluster's range.
pub const MAX_ALLOCATED: u32 = 65535;

fn fnv1a(labels: &Labels) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for (k, v) in labels {
        for b in
            k.bytes().chain(std::iter::once(b'=')).chain(v.bytes()).chain(std::iter::once(b';'))
        {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

impl Allocator {
    /// An allocator for cluster `cluster_id` (identities `cluster_id << 16 | n`).
    pub fn new(cluster_id: u32) -> Self {
        Allocator { base: cluster_id << 16, ..Default::default() }
    }

    /// The identity of `labels`, allocating one when needed.
    pub fn allocate(&mut self, labels: &Labels) -> u32 {
        if let Some(id) = self.by_labels.get(labels) {
            return *id;
        }
        let span = MAX_ALLOCATED - MIN_ALLOCATED + 1;
        let mut n = fnv1a(labels) % span;
        for _ in 0..span {
            let id = self.base | (MIN_ALLOCATED + n);
            if let std::collections::btree_map::Entry::Vacant(slot) = self.by_id.entry(id) {
                slot.insert(labels.clone());
                self.by_labels.insert(labels.clone(), id);
                return id;
            }
            n = (n + 1) % span;
        }
        // 65280 distinct label sets in one cluster: share the last one rather than fail.
        self.base | MAX_ALLOCATED
    }

    /// Forgets identities no longer in use.
    pub fn retain(&mut self, in_use: &BTreeSet<u32>) {
        self.by_id.retain(|id, _| in_use.contains(id));
        self.by_labels.retain(|_, id| in_use.contains(id));
    }

    /// Labels of an allocated identity.
    pub fn labels(&self, id: u32) -> Option<&Labels> {
        self.by_id.get(&id)
    }

    /// Every allocated identity.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Labels)> {
        self.by_id.iter().map(|(id, l)| (*id, l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_labels_same_identity() {
        let mut a = Allocator::new(1);
        let mut b = Allocator::new(1);
        let l: Labels = [("app".to_string(), "frontend".to_string())].into();
        let m: Labels = [("app".to_string(), "backend".to_string())].into();
        assert_eq!(a.allocate(&l), b.allocate(&l));
        assert_ne!(a.allocate(&l), a.allocate(&m));
        let id = a.allocate(&l);
        assert_eq!(id >> 16, 1);
        assert!((id & 0xffff) >= MIN_ALLOCATED);
        a.retain(&BTreeSet::new());
        assert!(a.labels(id).is_none());
    }
}
