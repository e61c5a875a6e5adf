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

/// Numeric identities for label sets. Without a kvstore each agent allocates locally: the
/// number is derived from a hash of the labels, so VMs with the same view of the cluster agree
/// on it (Hubble flows read the same everywhere) unless two label sets collide, and then the
/// order they were met in decides. With a kvstore, the store's allocations are pinned here and
/// win: the same label set has the same number on every VM, collisions included.
#[derive(Debug, Clone, Default)]
pub struct Allocator {
    base: u32,
    by_labels: BTreeMap<Labels, u32>,
    by_id: BTreeMap<u32, Labels>,
    pinned: BTreeMap<Labels, u32>,
    pinned_ids: BTreeSet<u32>,
}

#[cfg(feature = "agent")]
pub mod kvstore;

/// The identity the hash of `labels` suggests in cluster `cluster_id`, then the next ones
/// (wrapping within the cluster's range): the order both allocators try them in.
pub fn candidates(cluster_id: u32, labels: &Labels) -> impl Iterator<Item = u32> {
    let span = MAX_ALLOCATED - MIN_ALLOCATED + 1;
    let start = fnv1a(labels) % span;
    (0..span).map(move |i| (cluster_id << 16) | (MIN_ALLOCATED + (start + i) % span))
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
        let id = match self.pinned.get(labels) {
            Some(id) => *id,
            None => {
                let free = candidates(self.base >> 16, labels)
                    .find(|id| !self.by_id.contains_key(id) && !self.pinned_ids.contains(id));
                // 65280 distinct label sets in one cluster: share the last one rather than fail.
                let Some(id) = free else { return self.base | MAX_ALLOCATED };
                id
            }
        };
        self.by_id.insert(id, labels.clone());
        self.by_labels.insert(labels.clone(), id);
        id
    }

    /// Replaces the store's allocations (within this cluster's range; others are ignored).
    /// Local choices that disagree with them are forgotten, to be allocated again. Returns
    /// whether anything allocated changed its number.
    pub fn set_pinned(&mut self, pinned: BTreeMap<Labels, u32>) -> bool {
        let range = (self.base | MIN_ALLOCATED)..=(self.base | MAX_ALLOCATED);
        let mut ids = BTreeSet::new();
        self.pinned =
            pinned.into_iter().filter(|(_, id)| range.contains(id) && ids.insert(*id)).collect();
        self.pinned_ids = ids;
        let stale: Vec<(Labels, u32)> = self
            .by_labels
            .iter()
            .filter(|(l, id)| match self.pinned.get(*l) {
                Some(p) => p != *id,
                None => self.pinned_ids.contains(id),
            })
            .map(|(l, id)| (l.clone(), *id))
            .collect();
        for (l, id) in &stale {
            self.by_labels.remove(l);
            self.by_id.remove(id);
        }
        !stale.is_empty()
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

    #[test]
    fn the_stores_numbers_win_over_local_ones() {
        let l: Labels = [("node".to_string(), "vm3".to_string())].into();
        let m: Labels = [("node".to_string(), "vm4".to_string())].into();
        let mut a = Allocator::new(1);
        let local = a.allocate(&l);
        assert_eq!(local, candidates(1, &l).next().expect("a candidate"));
        // Another label set holds that number cluster-wide; l got the next one.
        let next = candidates(1, &l).nth(1).expect("a second candidate");
        assert!(a.set_pinned([(m.clone(), local), (l.clone(), next)].into()), "renumbered");
        assert_eq!(a.allocate(&l), next);
        assert_eq!(a.allocate(&m), local);
        assert!(!a.set_pinned([(m.clone(), local), (l.clone(), next)].into()), "no change");
        // Unpinned label sets never take a pinned number.
        let mut b = Allocator::new(1);
        b.set_pinned([(m, local)].into());
        assert_ne!(b.allocate(&l), local);
        // Numbers outside the cluster's range are no pins.
        let mut c = Allocator::new(1);
        c.set_pinned([(l.clone(), 7)].into());
        assert_ne!(c.allocate(&l), 7);
    }
}
