//! Cluster-wide identities through the kvstore, laid out as Cilium's kvstore allocator keeps
//! them. `cilium/state/identities/v1/id/<ID>` holds a label set (the master key, created in
//! one transaction only if absent, so two nodes can never give one number to two label sets)
//! and `cilium/state/identities/v1/value/<labels>/<node IP>` says that node uses it, under the
//! node's lease. Each node allocates the identity of its own label set; every node watches the
//! master keys and pins what it finds in its [`Allocator`](super::Allocator), so the same
//! labels have the same number on every VM and Hubble's flows agree across the fleet.
//!
//! The first number tried is the one the local hash suggests ([`super::candidates`]): without
//! a collision the store confirms what every node already computed, and nothing renumbers
//! when the store answers late.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use super::{Labels, MAX_ALLOCATED, MIN_ALLOCATED};
use crate::kvstore::mirror::{MAX_BACKOFF, Mirror};
use crate::kvstore::{Change, Entry, Error, KvStore, LeaseId};
use crate::labels::CLUSTER_LABEL;
use crate::nodes::Membership;

/// Where identities live.
pub const IDENTITIES_PREFIX: &str = "cilium/state/identities/v1/";
/// Numbers tried before giving up on a crowded range.
const MAX_TRIES: usize = 1024;
/// Most labels a stored label set may have (a node announces at most 64, plus `cluster`).
const MAX_LABELS: usize = 80;

/// The label set as the keys spell it: `node:<key>=<value>;` in key order (Cilium's
/// `source:key=value;`, with our nodes' label source), except the cluster label, which is
/// `k8s:` as Cilium spells it: a Cilium cluster meshed with ours accepts our identities only
/// with `k8s:io.cilium.k8s.policy.cluster=<our name>`.
pub fn label_string(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(k, v)| {
            let source = if k == CLUSTER_LABEL { "k8s" } else { "node" };
            format!("{source}:{k}={v};")
        })
        .collect()
}

/// The label set a key or master value spells; `None` for anything else.
pub fn parse_label_string(s: &str) -> Option<Labels> {
    let mut out = Labels::new();
    for part in s.strip_suffix(';')?.split(';') {
        let (k, v) = match part.strip_prefix("node:") {
            Some(kv) => kv.split_once('=')?,
            None => {
                part.strip_prefix("k8s:")?.split_once('=').filter(|(k, _)| *k == CLUSTER_LABEL)?
            }
        };
        if k.is_empty() || out.insert(k.to_string(), v.to_string()).is_some() {
            return None;
        }
        if out.len() > MAX_LABELS {
            return None;
        }
    }
    Some(out)
}

fn id_key(id: u32) -> String {
    format!("{IDENTITIES_PREFIX}id/{id}")
}

fn value_prefix(labels: &str) -> String {
    format!("{IDENTITIES_PREFIX}value/{labels}/")
}

/// The cluster-wide allocations: label set to number, as the store holds them.
pub type Pins = Arc<BTreeMap<Labels, u32>>;

/// Allocates this node's identity in the store and mirrors every allocation.
#[derive(Debug)]
pub struct IdentityStore {
    store: Arc<dyn KvStore>,
    cluster_id: u32,
    pins: watch::Sender<Pins>,
    /// The master keys as last listed and watched.
    mirror: Mutex<BTreeMap<u32, Labels>>,
}

impl IdentityStore {
    /// Identities of cluster `cluster_id` in `store`.
    pub fn new(store: Arc<dyn KvStore>, cluster_id: u32) -> IdentityStore {
        IdentityStore {
            store,
            cluster_id,
            pins: watch::channel(Pins::default()).0,
            mirror: Mutex::new(BTreeMap::new()),
        }
    }

    /// Every allocation in the store, whenever it changes.
    pub fn subscribe(&self) -> watch::Receiver<Pins> {
        self.pins.subscribe()
    }

    fn in_range(&self, id: u32) -> bool {
        let base = self.cluster_id << 16;
        ((base | MIN_ALLOCATED)..=(base | MAX_ALLOCATED)).contains(&id)
    }

    /// The number of `labels` cluster-wide, allocating it if nobody has; records that the
    /// node `suffix` (its address) uses it, for as long as `lease` lives.
    pub async fn allocate(
        &self,
        labels: &Labels,
        suffix: &str,
        lease: LeaseId,
    ) -> Result<u32, Error> {
        let spelled = label_string(labels);
        let users = self.store.list(&value_prefix(&spelled)).await?;
        let mut known: Vec<u32> = users
            .entries
            .iter()
            .filter_map(|e| std::str::from_utf8(&e.value).ok()?.trim().parse().ok())
            .filter(|id| self.in_range(*id))
            .collect();
        known.dedup();
        let mut id = None;
        // A number others use first (if its master key still says these labels), then the
        // hash's suggestions in order.
        for c in known.into_iter().chain(super::candidates(self.cluster_id, labels)).take(MAX_TRIES)
        {
            match self.store.create(&id_key(c), spelled.clone().into_bytes()).await? {
                None => {
                    tracing::info!(identity = c, labels = %spelled, "kvstore: allocated an identity");
                    id = Some(c);
                    break;
                }
                Some(v) if v == spelled.as_bytes() => {
                    id = Some(c);
                    break;
                }
                Some(_) => continue,
            }
        }
        let id = id.ok_or_else(|| {
            Error::Refused(format!("no free identity for {spelled} in {MAX_TRIES} tries"))
        })?;
        let key = format!("{}{suffix}", value_prefix(&spelled));
        self.store.put(&key, id.to_string().into_bytes(), Some(lease)).await?;
        Ok(id)
    }

    /// Keeps this node's identity allocated: again whenever its lease or labels change.
    /// Runs until dropped.
    pub async fn register_loop(
        self: Arc<Self>,
        membership: Arc<Membership>,
        mut leases: watch::Receiver<Option<LeaseId>>,
    ) {
        let mut labels_changed = membership.subscribe_local();
        let mut backoff = Duration::from_millis(500);
        let mut last = None;
        loop {
            let lease = *leases.borrow_and_update();
            labels_changed.mark_unchanged();
            if let Some(lease) = lease {
                let local = membership.local();
                let labels = crate::labels::with_cluster(local.labels.clone(), &local.cluster);
                let Some(suffix) = local.ips.first().map(ToString::to_string) else { return };
                let allocated = match self.allocate(&labels, &suffix, lease).await {
                    Ok(id) => self.put_ipcache(&local, id, lease).await.map(|()| id),
                    Err(e) => Err(e),
                };
                match allocated {
                    Ok(id) => {
                        if last != Some(id) {
                            tracing::info!(identity = id, "kvstore: this node's identity");
                            last = Some(id);
                        }
                        backoff = Duration::from_millis(500);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "kvstore: allocating this node's identity");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                }
            }
            tokio::select! {
                r = leases.changed() => if r.is_err() { return },
                r = labels_changed.changed() => if r.is_err() { return },
            }
        }
    }

    /// This node's addresses in Cilium's ipcache (`cilium/state/ip/v1/default/<ip>`), under
    /// its lease: a meshed Cilium cluster maps them to this node's identity.
    async fn put_ipcache(
        &self,
        local: &crate::nodes::Announcement,
        id: u32,
        lease: LeaseId,
    ) -> Result<(), Error> {
        for ip in &local.ips {
            let pair = serde_json::json!({
                "IP": ip.to_string(),
                "Mask": null,
                "HostIP": ip.to_string(),
                "ID": id,
                "Key": 0,
                "Metadata": format!("cilium-global:default:{}:1", local.name),
            });
            let key = format!("{}{ip}", crate::clustermesh::remote::IPCACHE_PREFIX);
            self.store.put(&key, pair.to_string().into_bytes(), Some(lease)).await?;
        }
        Ok(())
    }

    fn master(&self, key: &str, value: &[u8]) -> Option<(u32, Labels)> {
        let id: u32 = key.strip_prefix(IDENTITIES_PREFIX)?.strip_prefix("id/")?.parse().ok()?;
        let labels = parse_label_string(std::str::from_utf8(value).ok()?)?;
        self.in_range(id).then_some((id, labels))
    }

    fn publish(&self, by_id: &BTreeMap<u32, Labels>) {
        let pins: BTreeMap<Labels, u32> = by_id.iter().map(|(id, l)| (l.clone(), *id)).collect();
        self.pins.send_if_modified(|p| {
            let changed = **p != pins;
            if changed {
                *p = Arc::new(pins);
            }
            changed
        });
    }

    /// Mirrors the master keys (see [`crate::kvstore::mirror`]); while the store is away the
    /// last mirror stays. Runs until dropped.
    pub async fn watch_loop(self: Arc<Self>) {
        let prefix = format!("{IDENTITIES_PREFIX}id/");
        crate::kvstore::mirror::run(self.store.as_ref(), &prefix, self.as_ref()).await;
    }
}

impl Mirror for IdentityStore {
    fn listed(&self, entries: &[Entry]) {
        let mut by_id = self.mirror.lock().unwrap_or_else(|p| p.into_inner());
        *by_id = entries.iter().filter_map(|e| self.master(&e.key, &e.value)).collect();
        self.publish(&by_id);
    }

    fn changed(&self, changes: &[Change]) {
        let mut by_id = self.mirror.lock().unwrap_or_else(|p| p.into_inner());
        for c in changes {
            match c {
                Change::Put(e) => {
                    if let Some((id, labels)) = self.master(&e.key, &e.value) {
                        by_id.insert(id, labels);
                    }
                }
                Change::Delete { key } => {
                    let id =
                        key.strip_prefix(IDENTITIES_PREFIX).and_then(|k| k.strip_prefix("id/"));
                    if let Some(id) = id.and_then(|n| n.parse::<u32>().ok()) {
                        by_id.remove(&id);
                    }
                }
            }
        }
        self.publish(&by_id);
    }

    fn stopped(&self, e: &Error) {
        tracing::debug!(error = %e, "kvstore: watching the identities");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kvstore::fake::FakeStore;

    fn labels(node: &str) -> Labels {
        [("node".to_string(), node.to_string()), ("cluster".to_string(), "c".to_string())].into()
    }

    #[test]
    fn label_strings_round_trip_and_refuse_other_shapes() {
        let l = labels("vm1");
        assert_eq!(label_string(&l), "node:cluster=c;node:node=vm1;");
        assert_eq!(parse_label_string(&label_string(&l)), Some(l));
        let l = crate::labels::with_cluster(labels("vm1"), "c");
        assert_eq!(
            label_string(&l),
            "node:cluster=c;k8s:io.cilium.k8s.policy.cluster=c;node:node=vm1;"
        );
        assert_eq!(parse_label_string(&label_string(&l)), Some(l));
        assert_eq!(parse_label_string("k8s:app=web;"), None, "only the cluster label is k8s:");
        for bad in ["", "node:a=b", "k8s:a=b;", "node:=b;", "node:a=b;node:a=c;", "node:ab;"] {
            assert_eq!(parse_label_string(bad), None, "{bad:?}");
        }
        let many: String = (0..100).map(|i| format!("node:k{i}=v;")).collect();
        assert_eq!(parse_label_string(&many), None, "bounded");
    }

    #[tokio::test]
    async fn nodes_agree_on_numbers_even_when_the_hash_collides() {
        let store = Arc::new(FakeStore::default());
        let lease = store.grant(Duration::from_secs(60)).await.expect("lease");
        // The number vm3's labels hash to is taken cluster-wide by another label set.
        let taken = super::super::candidates(1, &labels("vm3")).next().expect("candidate");
        store.insert(&id_key(taken), label_string(&labels("elsewhere")).as_bytes());
        let a = Arc::new(IdentityStore::new(store.clone(), 1));
        let id = a.allocate(&labels("vm3"), "192.168.1.12", lease).await.expect("allocate");
        assert_ne!(id, taken);
        assert_eq!(
            store.get(&id_key(id)).map(|e| e.value),
            Some(label_string(&labels("vm3")).into_bytes())
        );
        // Allocating again (another node with the same labels, or a restart) finds it.
        let b = IdentityStore::new(store.clone(), 1);
        assert_eq!(b.allocate(&labels("vm3"), "192.168.1.13", lease).await.expect("again"), id);
        // Watchers pin exactly the store's numbers.
        let mut pins = a.subscribe();
        tokio::spawn(a.clone().watch_loop());
        tokio::time::timeout(Duration::from_secs(5), async {
            while pins.borrow_and_update().get(&labels("vm3")) != Some(&id) {
                pins.changed().await.expect("pins");
            }
        })
        .await
        .expect("pinned");
        let mut local = super::super::Allocator::new(1);
        assert_eq!(local.allocate(&labels("vm3")), taken, "the hash alone would collide");
        local.set_pinned((*pins.borrow()).as_ref().clone());
        assert_eq!(local.allocate(&labels("vm3")), id);
        assert_eq!(local.allocate(&labels("elsewhere")), taken);
    }

    #[tokio::test]
    async fn foreign_and_malformed_masters_are_no_pins() {
        let store = Arc::new(FakeStore::default());
        store.insert(&id_key(7), label_string(&labels("x")).as_bytes());
        store.insert(&id_key((2 << 16) | 300), label_string(&labels("y")).as_bytes());
        store.insert(&id_key((1 << 16) | 301), b"k8s:app=web;");
        store.insert(&format!("{IDENTITIES_PREFIX}id/banana"), b"node:a=b;");
        store.insert(&id_key((1 << 16) | 302), label_string(&labels("z")).as_bytes());
        let a = Arc::new(IdentityStore::new(store, 1));
        let mut pins = a.subscribe();
        tokio::spawn(a.watch_loop());
        tokio::time::timeout(Duration::from_secs(5), pins.changed()).await.expect("t").expect("c");
        let got = pins.borrow().clone();
        assert_eq!(*got, [(labels("z"), (1 << 16) | 302)].into());
    }
}
