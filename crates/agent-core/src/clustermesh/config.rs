//! The remote clusters to mesh with: the seed's `clustermesh.config.clusters` list, and
//! Cilium's clustermesh directory (one etcd config file per remote cluster, named after it).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use crate::kvstore::EtcdConfig;

/// Most remote clusters (cluster IDs are 1–255).
pub const MAX_CLUSTERS: usize = 255;
/// Most nodes listed for one cluster.
const MAX_NODES: usize = 4096;
/// Most files of the clustermesh directory considered.
const MAX_DIR_ENTRIES: usize = 1024;

/// Where a remote cluster's state comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Its etcd (ours, or a Kubernetes cluster's clustermesh-apiserver), read-only.
    Etcd(EtcdConfig),
    /// A static list of its nodes, which announce themselves (seed 12).
    Nodes(Vec<IpAddr>),
}

/// One remote cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteConfig {
    /// Its name (`cluster.name` over there).
    pub name: String,
    /// Where its nodes come from.
    pub source: Source,
    /// Its cluster secret: when set, its nodes must be signed with it (a VM cluster of ours);
    /// without it, its store is trusted as a Cilium agent trusts a clustermesh-apiserver. A
    /// static node list without it uses this cluster's own secret.
    pub secret_file: Option<PathBuf>,
    /// Its cluster ID, for a static node list (a store says it itself).
    pub id: Option<u32>,
}

/// The validated mesh: the remote clusters, none of them this one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeshConfig {
    /// Remote clusters, in the order configured.
    pub clusters: Vec<RemoteConfig>,
    /// Selectors without a cluster label select this cluster only (Cilium 1.19's
    /// `policy-default-local-cluster`).
    pub policy_default_local_cluster: bool,
}

/// Cilium's cluster name rule: at most 32 lowercase letters, digits and dashes.
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Reads `clustermesh.config` (`value`, the YAML as JSON) and the clustermesh directory
/// `dir`; `local` is this cluster's name, whose entry is skipped (the seed lists it).
/// Returns the mesh and warnings, or every error found.
pub fn parse(
    value: Option<&serde_json::Value>,
    dir: Option<&Path>,
    local: &str,
) -> Result<(MeshConfig, Vec<String>), Vec<String>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut clusters: Vec<RemoteConfig> = Vec::new();
    let mut enabled = true;
    if let Some(v) = value {
        let Some(map) = v.as_object() else {
            return Err(vec!["clustermesh.config: expected a mapping with `clusters`".into()]);
        };
        for (k, v) in map {
            match k.as_str() {
                "enabled" => match v.as_bool() {
                    Some(b) => enabled = b,
                    None => {
                        errors.push("clustermesh.config.enabled: expected true or false".into())
                    }
                },
                "clusters" => {
                    let Some(list) = v.as_array() else {
                        errors.push("clustermesh.config.clusters: expected a list".into());
                        continue;
                    };
                    for (i, entry) in list.iter().enumerate() {
                        match entry_of(entry, i) {
                            Ok(c) => clusters.push(c),
                            Err(e) => errors.push(e),
                        }
                    }
                }
                other => {
                    let hint = crate::suggest::closest(other, &["enabled", "clusters"])
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    errors.push(format!("clustermesh.config: unknown key `{other}`{hint}"));
                }
            }
        }
    }
    if let Some(dir) = dir {
        match from_dir(dir, local) {
            Ok(found) => clusters.extend(found),
            Err(e) => errors.push(e),
        }
    }
    if !enabled {
        if !clusters.is_empty() {
            warnings.push(
                "clustermesh.config.enabled is false: the remote clusters listed are not meshed"
                    .into(),
            );
        }
        clusters.clear();
    }
    clusters.retain(|c| c.name != local);
    for (i, c) in clusters.iter().enumerate() {
        if clusters[..i].iter().any(|d| d.name == c.name) {
            errors.push(format!("clustermesh: cluster `{}` is configured twice", c.name));
        }
        if let Some(d) = c.id.and_then(|id| clusters[..i].iter().find(|d| d.id == Some(id))) {
            errors.push(format!(
                "clustermesh: clusters `{}` and `{}` both have id {}: every cluster of a mesh needs its own",
                d.name,
                c.name,
                c.id.unwrap_or_default()
            ));
        }
    }
    if clusters.len() > MAX_CLUSTERS {
        errors.push(format!(
            "clustermesh: {} remote clusters (at most {MAX_CLUSTERS})",
            clusters.len()
        ));
    }
    if errors.is_empty() {
        Ok((MeshConfig { clusters, policy_default_local_cluster: true }, warnings))
    } else {
        Err(errors)
    }
}

fn entry_of(v: &serde_json::Value, i: usize) -> Result<RemoteConfig, String> {
    let at = format!("clustermesh.config.clusters[{i}]");
    let map = v.as_object().ok_or_else(|| format!("{at}: expected a mapping with `name`"))?;
    let text = |k: &str| -> Result<Option<&str>, String> {
        match map.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => v.as_str().map(Some).ok_or_else(|| format!("{at}.{k}: expected a string")),
        }
    };
    const KNOWN: &[&str] = &["name", "id", "address", "nodes", "config", "secretFile"];
    if let Some(k) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        let hint = crate::suggest::closest(k, KNOWN)
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        return Err(format!("{at}: unknown key `{k}`{hint}"));
    }
    let name = text("name")?.ok_or_else(|| format!("{at}: `name` is required"))?.to_string();
    if !valid_name(&name) {
        return Err(format!(
            "{at}.name: `{name}` is not a valid cluster name: at most 32 lowercase letters, digits and dashes, starting and ending with a letter or digit"
        ));
    }
    let address = text("address")?;
    let file = text("config")?.map(PathBuf::from);
    let secret_file = text("secretFile")?.map(PathBuf::from);
    let id = match map.get("id") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|n| (1..=255).contains(n))
                .map(|n| n as u32)
                .ok_or_else(|| format!("{at}.id: expected a cluster ID, 1-255"))?,
        ),
    };
    let nodes = match map.get("nodes") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Array(list)) => {
            if list.len() > MAX_NODES {
                return Err(format!("{at}.nodes: {} nodes (at most {MAX_NODES})", list.len()));
            }
            let mut ips = Vec::new();
            for (j, n) in list.iter().enumerate() {
                let ip = n
                    .as_str()
                    .and_then(|s| s.parse::<IpAddr>().ok())
                    .ok_or_else(|| format!("{at}.nodes[{j}]: expected an IP address"))?;
                ips.push(ip);
            }
            Some(ips)
        }
        Some(_) => return Err(format!("{at}.nodes: expected a list of IP addresses")),
    };
    let source = match (nodes, address.is_some() || file.is_some()) {
        (Some(_), true) => {
            return Err(format!("{at}: give `nodes` or an etcd (`address`, `config`), not both"));
        }
        (Some(ips), false) => Source::Nodes(ips),
        (None, true) => Source::Etcd(
            EtcdConfig::load_remote(file.as_deref(), address).map_err(|e| format!("{at}: {e}"))?,
        ),
        (None, false) => {
            return Err(format!(
                "{at}: cluster `{name}` needs `address` (its etcd, host:port), `config` (a Cilium etcd config file) or `nodes`"
            ));
        }
    };
    Ok(RemoteConfig { name, source, secret_file, id })
}

/// Cilium's clustermesh directory: every regular file named as a cluster and holding
/// `endpoints:` is that cluster's etcd config; the rest (certificates, `..data` links of a
/// Kubernetes secret mount, this cluster's own file) is skipped.
fn from_dir(dir: &Path, local: &str) -> Result<Vec<RemoteConfig>, String> {
    let shown = dir.display();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("clustermesh.configDir {shown}: {e}"))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| valid_name(n) && n != local)
        .take(MAX_DIR_ENTRIES)
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if !text.contains("endpoints:") {
            continue;
        }
        let etcd = EtcdConfig::load_remote(Some(&path), None).map_err(|e| e.to_string())?;
        let secret = dir.join(format!("{name}.secret"));
        out.push(RemoteConfig {
            name,
            source: Source::Etcd(etcd),
            secret_file: secret.is_file().then_some(secret),
            id: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> serde_json::Value {
        let docs = crate::yaml::parse_documents(text).expect("yaml");
        crate::yaml::to_json(&docs[0])
    }

    #[test]
    fn the_seeds_config_and_its_own_entry_skipped() {
        let v = yaml(
            "enabled: true\nclusters:\n  - name: k8s-cluster\n    address: 10.0.0.100:2379\n  - name: vm-cluster\n    address: 192.168.1.10:2379\n",
        );
        let (m, w) = parse(Some(&v), None, "vm-cluster").expect("valid");
        assert!(w.is_empty());
        assert_eq!(m.clusters.len(), 1);
        assert_eq!(m.clusters[0].name, "k8s-cluster");
        let Source::Etcd(e) = &m.clusters[0].source else { panic!("etcd") };
        assert_eq!(e.endpoints, ["http://10.0.0.100:2379"]);
        // Seed 12: static nodes, no `enabled`.
        let v = yaml(
            "clusters:\n  - name: aws-cluster\n    nodes: [10.0.1.10]\n  - name: ali-cluster\n    nodes: [172.16.1.10]\n",
        );
        let (m, _) = parse(Some(&v), None, "aws-cluster").expect("valid");
        assert_eq!(m.clusters.len(), 1);
        assert_eq!(m.clusters[0].source, Source::Nodes(vec!["172.16.1.10".parse().expect("ip")]));
    }

    #[test]
    fn mistakes_are_named() {
        let err = |t: &str| parse(Some(&yaml(t)), None, "a").expect_err(t).join("\n");
        assert!(
            err("clusters:\n  - name: B\n    address: x:1\n").contains("not a valid cluster name")
        );
        assert!(err("clusters:\n  - address: x:1\n").contains("`name` is required"));
        assert!(err("clusters:\n  - name: b\n").contains("needs `address`"));
        assert!(err("clusters:\n  - name: b\n    adress: x:1\n").contains("did you mean address"));
        assert!(err("clusters:\n  - name: b\n    nodes: [x]\n").contains("expected an IP"));
        assert!(
            err("clusters:\n  - name: b\n    nodes: [1.2.3.4]\n    address: x:1\n")
                .contains("not both")
        );
        assert!(
            err("clusters:\n  - {name: b, address: 'x:1'}\n  - {name: b, address: 'y:1'}\n")
                .contains("twice")
        );
        assert!(err("clustrs: []\n").contains("did you mean clusters"));
        assert!(err("clusters:\n  - {name: b, id: 300, nodes: [1.2.3.4]}\n").contains("1-255"));
        let (m, _) =
            parse(Some(&yaml("clusters:\n  - {name: b, id: 7, nodes: [1.2.3.4]}\n")), None, "a")
                .expect("valid");
        assert_eq!(m.clusters[0].id, Some(7));
        assert!(
            err("clusters:\n  - {name: b, id: 7, nodes: [1.2.3.4]}\n  - {name: c, id: 7, nodes: [1.2.3.5]}\n")
                .contains("both have id 7")
        );
        let (m, w) = parse(
            Some(&yaml("enabled: false\nclusters:\n  - {name: b, address: 'x:1'}\n")),
            None,
            "a",
        )
        .expect("valid");
        assert!(m.clusters.is_empty() && w[0].contains("not meshed"));
    }

    #[test]
    fn ciliums_clustermesh_directory() {
        let dir = tempfile::tempdir().expect("tmp");
        let write = |n: &str, t: &str| std::fs::write(dir.path().join(n), t).expect("write");
        write(
            "k8s-prod",
            "endpoints:\n- https://k8s-prod.mesh.cilium.io:2379\ntrusted-ca-file: /var/lib/cilium/clustermesh/k8s-prod.etcd-client-ca.crt\ncert-file: /var/lib/cilium/clustermesh/k8s-prod.etcd-client.crt\nkey-file: /var/lib/cilium/clustermesh/k8s-prod.etcd-client.key\n",
        );
        write("k8s-prod.etcd-client.crt", "endpoints: not a cluster file");
        write("vm-cluster", "endpoints:\n- http://192.168.1.10:2379\n");
        write("notes", "nothing here\n");
        std::fs::create_dir(dir.path().join("..data")).expect("dir");
        let (m, _) = parse(None, Some(dir.path()), "vm-cluster").expect("valid");
        assert_eq!(m.clusters.len(), 1, "{m:?}");
        assert_eq!(m.clusters[0].name, "k8s-prod");
        let Source::Etcd(e) = &m.clusters[0].source else { panic!("etcd") };
        assert!(e.tls.cert.is_some());
    }
}
