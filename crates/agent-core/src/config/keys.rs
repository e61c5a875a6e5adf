//! Every configuration key the agent accepts, kept as data.
//!
//! One table drives the file walker (unknown keys, "did you mean"), the environment mapping
//! (`CILIUM_*`), `--set`, the defaults and `cilium-agent --validate`. Adding a key means adding a
//! row here and reading it in `Config::from_resolved`.

/// What a key's value must look like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// `true` / `false`.
    Bool,
    /// Any string.
    Str,
    /// A file-system path.
    Path,
    /// One of a fixed set of words.
    Enum(&'static [&'static str]),
    /// An unsigned integer within a closed range.
    Uint {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// A floating-point number within a closed range.
    Float {
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// A Go-style duration (`10s`, `12h`, `1h30m`); `min_ms` is the smallest accepted.
    Duration {
        /// Smallest accepted value, in milliseconds.
        min_ms: u64,
    },
    /// `[host]:port`, or empty to disable.
    ListenAddr,
    /// A list of strings (comma-separated in the environment).
    List,
    /// The `nodes:` list: IPs, or `{ip, name, endpoint}` mappings.
    Nodes,
    /// A string-to-string mapping (`k=v,k2=v2` in the environment).
    Map,
    /// Accepted for compatibility with the seed's configs, not interpreted.
    Opaque,
}

/// A default value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    /// No default: the key is absent unless set.
    None,
    /// A scalar default, as it would be written in the file.
    Scalar(&'static str),
    /// An empty list or mapping.
    Empty,
}

/// One configuration key.
#[derive(Debug, Clone, Copy)]
pub struct KeyDef {
    /// Dotted path as written in `config.yaml`, e.g. `encryption.nodeEncryption`.
    pub path: &'static str,
    /// What the value must be.
    pub kind: Kind,
    /// The built-in default.
    pub default: Default,
    /// One line for `--validate` and the docs.
    pub help: &'static str,
}

const fn key(path: &'static str, kind: Kind, default: Default, help: &'static str) -> KeyDef {
    KeyDef { path, kind, default, help }
}

use self::Default::{Empty, None as NoDefault, Scalar};
use Kind::*;

const LOG_LEVELS: &[&str] = &["trace", "debug", "info", "warn", "warning", "error"];

/// The registry. Order is the order of `--validate` output.
pub const KEYS: &[KeyDef] = &[
    key(
        "cluster.name",
        Str,
        Scalar("default"),
        "cluster name; nodes of other clusters are never peers",
    ),
    key("cluster.id", Uint { min: 0, max: 255 }, Scalar("0"), "numeric cluster ID (0-255)"),
    key(
        "cluster.port",
        Uint { min: 1, max: 65534 },
        Scalar("4240"),
        "TCP port of node announcements (the next port carries them through the tunnel)",
    ),
    key(
        "cluster.secretFile",
        Path,
        Scalar("/etc/cilium/cluster-secret"),
        "shared secret that authenticates node announcements",
    ),
    key(
        "encryption.enabled",
        Bool,
        Scalar("false"),
        "encrypt traffic to the other nodes with WireGuard",
    ),
    key(
        "encryption.nodeEncryption",
        Bool,
        Scalar("false"),
        "encrypt node-to-node (host) traffic, not only workload traffic",
    ),
    key(
        "encryption.keyRotation",
        Duration { min_ms: 60_000 },
        NoDefault,
        "rotate the WireGuard key this often (e.g. 12h)",
    ),
    key(
        "encryption.strictMode",
        Bool,
        Scalar("true"),
        "never send plaintext to a peer: block traffic to it while its tunnel is not up",
    ),
    key(
        "encryption.persistentKeepalive",
        Duration { min_ms: 0 },
        Scalar("0s"),
        "send each peer a WireGuard keepalive this often (0s: never, as Cilium; set it for peers behind NAT)",
    ),
    key(
        "encryption.userspaceOffloads",
        Bool,
        Scalar("true"),
        "let the userspace backend move up to 64 KiB per system call (TUN TSO and GRO, UDP GSO and GRO), where the kernel has them",
    ),
    key(
        "encryption.endpoint",
        Str,
        NoDefault,
        "the address peers send this node's WireGuard packets to, when it is not the node's own (the public address of a VM behind 1:1 NAT)",
    ),
    key(
        "encryption.backend",
        Enum(&["auto", "kernel", "userspace"]),
        Scalar("auto"),
        "WireGuard implementation",
    ),
    key("hostFirewall.enabled", Bool, Scalar("false"), "enforce host policies with eBPF"),
    key(
        "hostFirewall.failsafePorts",
        List,
        Empty,
        "extra ports policy can never close, e.g. tcp/22",
    ),
    key(
        "ipam.mode",
        Enum(&["host-scope", "cluster-pool", "kubernetes"]),
        Scalar("host-scope"),
        "address management mode; VMs keep their own addresses",
    ),
    key(
        "k8s.enabled",
        Bool,
        Scalar("false"),
        "must be false: this agent is for VMs and bare metal",
    ),
    key(
        "nodes",
        Nodes,
        Empty,
        "the cluster's nodes (static discovery): IPs or {ip, name, endpoint}",
    ),
    key("labels", Map, Empty, "labels of this node, used by policy selectors"),
    key("devices", List, Empty, "devices to attach the datapath to (default: the default route's)"),
    key(
        "mtu",
        Uint { min: 1280, max: 65535 },
        NoDefault,
        "MTU of cilium_wg0 (default: device MTU minus WireGuard overhead)",
    ),
    key(
        "policyAuditMode",
        Bool,
        Scalar("false"),
        "log would-be policy drops as AUDIT instead of dropping",
    ),
    key(
        "l7Proxy",
        Bool,
        Scalar("true"),
        "enforce L7 (HTTP) policy rules through the agent's proxy; off, such policies are refused",
    ),
    key(
        "l7ProxyPort",
        Uint { min: 1, max: 65535 },
        Scalar("10000"),
        "loopback port of the L7 proxy's listener (127.0.0.1 and ::1)",
    ),
    key("policyDir", Path, NoDefault, "directory of policy files loaded at start and watched"),
    key("hubble.enabled", Bool, Scalar("true"), "record flows and serve the Hubble API"),
    key(
        "hubble.listenAddress",
        ListenAddr,
        Scalar(":4244"),
        "Hubble gRPC TCP listener; empty disables it",
    ),
    key(
        "hubble.eventBufferCapacity",
        Uint { min: 1, max: 1 << 20 },
        Scalar("4095"),
        "flows kept in the ring buffer",
    ),
    key(
        "hubble.tcpClients",
        Enum(&["cluster", "any"]),
        Scalar("cluster"),
        "who may use the Hubble TCP listener without a client certificate: the other cluster nodes, or any address",
    ),
    key("hubble.tls.certFile", Path, NoDefault, "TLS certificate of the Hubble TCP listener (PEM)"),
    key("hubble.tls.keyFile", Path, NoDefault, "key of hubble.tls.certFile (PEM)"),
    key(
        "hubble.tls.clientCAFiles",
        List,
        Empty,
        "CAs of accepted client certificates: mutual TLS on the Hubble TCP listener",
    ),
    key(
        "hubble.relay.enabled",
        Bool,
        Scalar("false"),
        "serve Hubble Relay: the Observer API for every node of the cluster",
    ),
    key(
        "hubble.relay.listenAddress",
        ListenAddr,
        Scalar(":4245"),
        "Hubble Relay TCP listener (same access rules and TLS as hubble.listenAddress); empty: its unix socket only",
    ),
    key(
        "hubble.relay.tls.serverCAFiles",
        List,
        Empty,
        "CAs that sign the nodes' Hubble certificates, checked by the relay (needed when hubble.tls is set)",
    ),
    key(
        "hubble.relay.tls.client.certFile",
        Path,
        NoDefault,
        "client certificate the relay presents to nodes that require mutual TLS (PEM)",
    ),
    key(
        "hubble.relay.tls.client.keyFile",
        Path,
        NoDefault,
        "key of hubble.relay.tls.client.certFile (PEM)",
    ),
    key(
        "hubble.ui.enabled",
        Bool,
        Scalar("false"),
        "serve the flow map page (from the relay when this node runs one, else this node)",
    ),
    key(
        "hubble.ui.listenAddress",
        ListenAddr,
        Scalar(":12000"),
        "the flow map page's listener (same access rules and TLS as hubble.listenAddress)",
    ),
    key(
        "hubble.metrics.enabled",
        List,
        Empty,
        "Hubble metrics served on hubble.metrics.port: drop, tcp, flow, port-distribution, icmp, policy (each optionally name:sourceContext=...;destinationContext=...;labelsContext=...)",
    ),
    key(
        "hubble.metrics.port",
        Uint { min: 1, max: 65535 },
        Scalar("9965"),
        "port of the Hubble metrics (/metrics), when hubble.metrics.enabled lists any",
    ),
    key("prometheus.enabled", Bool, Scalar("false"), "serve Prometheus metrics"),
    key("prometheus.port", Uint { min: 1, max: 65535 }, Scalar("9962"), "Prometheus metrics port"),
    key("debug.enabled", Bool, Scalar("false"), "debug logging (same as log.level=debug)"),
    key("log.format", Enum(&["text", "json"]), Scalar("text"), "log format"),
    key("log.level", Enum(LOG_LEVELS), Scalar("info"), "log level"),
    key("etcd.endpoints", List, Empty, "etcd endpoints for node discovery (kvstore mode)"),
    key(
        "etcd.config",
        Path,
        NoDefault,
        "Cilium's etcd client file: endpoints, trusted-ca-file, cert-file, key-file, username, password",
    ),
    key(
        "etcd.leaseTTL",
        Duration { min_ms: 25_000 },
        Scalar("1m"),
        "lease of this node's kvstore entry: how long peers keep a node that vanished",
    ),
    key(
        "consul.address",
        Str,
        NoDefault,
        "accepted for compatibility; Consul discovery is not supported",
    ),
    key(
        "clustermesh.config",
        Opaque,
        NoDefault,
        "remote clusters to mesh with: {enabled, clusters: [{name, address | config | nodes, secretFile}]}",
    ),
    key(
        "clustermesh.configDir",
        Path,
        NoDefault,
        "Cilium's clustermesh directory: one etcd config file per remote cluster, named after it",
    ),
    key(
        "clustermesh.policyDefaultLocalCluster",
        Bool,
        Scalar("true"),
        "selectors without io.cilium.k8s.policy.cluster select this cluster only (Cilium 1.19)",
    ),
    key(
        "bpf.root",
        Path,
        Scalar("/sys/fs/bpf"),
        "bpffs mount point; pinned objects go under <root>/cilium",
    ),
    key(
        "bpf.mapDynamicSizeRatio",
        Float { min: 0.0, max: 1.0 },
        Scalar("0.0025"),
        "share of memory for sizing BPF maps",
    ),
    key(
        "bpf.ctMax",
        Uint { min: 4096, max: 1 << 22 },
        NoDefault,
        "conntrack entries of established connections (default: from bpf.mapDynamicSizeRatio); unconfirmed ones get a table of a quarter of it",
    ),
    key("bpf.preallocateMaps", Bool, Scalar("false"), "preallocate BPF map memory"),
    key(
        "bpf.lbAlgorithm",
        Enum(&["random", "maglev"]),
        Scalar("random"),
        "accepted for compatibility; no load balancing on VMs",
    ),
    key("healthChecking.enabled", Bool, Scalar("true"), "probe the other nodes"),
    key("healthChecking.interval", Duration { min_ms: 1_000 }, Scalar("10s"), "probe interval"),
    key(
        "monitor.sampling",
        Uint { min: 1, max: 1_000_000 },
        Scalar("1"),
        "record one of every N trace events",
    ),
    key(
        "resources",
        Opaque,
        NoDefault,
        "accepted for compatibility; set limits in the systemd unit",
    ),
    key("nodeName", Str, NoDefault, "this node's name (default: the host name)"),
    key("runDir", Path, Scalar("/var/run/cilium"), "runtime directory (API sockets)"),
    key("stateDir", Path, Scalar("/var/lib/cilium"), "persistent state (policies, labels, keys)"),
];

/// The key at `path`, if there is one.
pub fn lookup(path: &str) -> Option<&'static KeyDef> {
    KEYS.iter().find(|k| k.path == path)
}

/// True when `prefix` is a section that holds keys (`encryption` for `encryption.enabled`).
pub fn is_section(prefix: &str) -> bool {
    KEYS.iter().any(|k| {
        k.path.len() > prefix.len()
            && k.path.starts_with(prefix)
            && k.path.as_bytes()[prefix.len()] == b'.'
    })
}

/// The names that may appear directly under `prefix` ("" for the top level).
pub fn children(prefix: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = KEYS
        .iter()
        .filter_map(|k| {
            let rest = if prefix.is_empty() {
                k.path
            } else {
                k.path.strip_prefix(prefix)?.strip_prefix('.')?
            };
            Some(rest.split('.').next().unwrap_or(rest))
        })
        .collect();
    out.dedup();
    out
}

/// The environment variable names for a key. The seed's Docker mode uses both spellings of a
/// camelCase segment (`CILIUM_HOST_FIREWALL_ENABLED` for `hostFirewall.enabled` but
/// `CILIUM_ENCRYPTION_NODEENCRYPTION` for `encryption.nodeEncryption`), so both are accepted.
pub fn env_names(path: &str) -> [String; 2] {
    let split = path.split('.').map(camel_to_upper_snake).collect::<Vec<_>>().join("_");
    let joined = path.split('.').map(str::to_ascii_uppercase).collect::<Vec<_>>().join("_");
    [format!("CILIUM_{split}"), format!("CILIUM_{joined}")]
}

fn camel_to_upper_snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_cover_both_seed_spellings() {
        assert_eq!(
            env_names("hostFirewall.enabled"),
            ["CILIUM_HOST_FIREWALL_ENABLED".to_string(), "CILIUM_HOSTFIREWALL_ENABLED".to_string()]
        );
        assert!(
            env_names("encryption.nodeEncryption")
                .contains(&"CILIUM_ENCRYPTION_NODEENCRYPTION".to_string())
        );
        assert!(env_names("cluster.name").contains(&"CILIUM_CLUSTER_NAME".to_string()));
        assert!(env_names("ipam.mode").contains(&"CILIUM_IPAM_MODE".to_string()));
        assert!(env_names("k8s.enabled").contains(&"CILIUM_K8S_ENABLED".to_string()));
    }

    #[test]
    fn sections_and_children() {
        assert!(is_section("encryption"));
        assert!(!is_section("encryption.enabled"));
        assert!(!is_section("encrypt"));
        assert!(children("").contains(&"encryption"));
        assert_eq!(children("log"), vec!["format", "level"]);
    }

    #[test]
    fn paths_are_unique_and_defaults_have_the_right_shape() {
        for (i, a) in KEYS.iter().enumerate() {
            assert!(KEYS[i + 1..].iter().all(|b| b.path != a.path), "duplicate key {}", a.path);
            if matches!(a.kind, Kind::List | Kind::Map | Kind::Nodes) {
                assert_eq!(a.default, Default::Empty, "{}", a.path);
            }
        }
    }
}
