//! Where etcd is and how to talk to it: the seed's `etcd.endpoints`, or Cilium's etcd config
//! file (`etcd.config`, the YAML of etcd's own `client/v3/yaml`) for TLS and credentials.

use std::path::{Path, PathBuf};

/// Client certificate files of a TLS connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsFiles {
    /// CA that signed the servers' certificates (`trusted-ca-file`); none: the system's.
    pub ca: Option<PathBuf>,
    /// Client certificate (`cert-file`), PEM.
    pub cert: Option<PathBuf>,
    /// Its key (`key-file`), PEM.
    pub key: Option<PathBuf>,
}

/// A validated etcd client configuration.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct EtcdConfig {
    /// `http://` or `https://` URLs.
    pub endpoints: Vec<String>,
    /// TLS files, for `https://` endpoints.
    pub tls: TlsFiles,
    /// Password authentication.
    pub username: Option<String>,
    /// Never printed.
    pub password: Option<String>,
}

impl std::fmt::Debug for EtcdConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EtcdConfig")
            .field("endpoints", &self.endpoints)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

/// Why an etcd configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("reading {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file is not what etcd's loader accepts.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

/// Keys of etcd's client YAML that tune the Go client; accepted and left to our defaults.
const TUNING: &[&str] = &[
    "dial-timeout",
    "dial-keep-alive-time",
    "dial-keep-alive-timeout",
    "auto-sync-interval",
    "max-call-send-msg-size",
    "max-call-recv-msg-size",
    "reject-old-cluster",
    "permit-without-stream",
    "ca-file",
];

/// Largest etcd config file read.
const MAX_FILE: u64 = 64 * 1024;

impl EtcdConfig {
    /// The configuration of `etcd.config` (`file`), merged over `endpoints` from
    /// `etcd.endpoints` (the file's own endpoints win, as in Cilium).
    pub fn load(file: Option<&Path>, endpoints: &[String]) -> Result<EtcdConfig, ConfigError> {
        Self::load_with(file, endpoints, None)
    }

    /// A remote cluster's etcd: its `address` (`host:port` or a URL), with the settings of a
    /// Cilium etcd config `file` (whose own endpoints win). A bare `host:port` is `https://`
    /// when the file gives TLS files, else `http://`.
    pub fn load_remote(
        file: Option<&Path>,
        address: Option<&str>,
    ) -> Result<EtcdConfig, ConfigError> {
        Self::load_with(file, &[], address)
    }

    fn load_with(
        file: Option<&Path>,
        endpoints: &[String],
        address: Option<&str>,
    ) -> Result<EtcdConfig, ConfigError> {
        let mut c = EtcdConfig { endpoints: endpoints.to_vec(), ..EtcdConfig::default() };
        if let Some(path) = file {
            let shown = path.display().to_string();
            let read = |reason: String| ConfigError::Read { path: shown.clone(), reason };
            let meta = std::fs::metadata(path).map_err(|e| read(e.to_string()))?;
            if meta.len() > MAX_FILE {
                return Err(read(format!("larger than {MAX_FILE} bytes")));
            }
            let text = std::fs::read_to_string(path).map_err(|e| read(e.to_string()))?;
            c.merge_file(&text, path)
                .map_err(|reason| ConfigError::Invalid { path: shown.clone(), reason })?;
        }
        if let Some(a) = address.filter(|_| c.endpoints.is_empty()) {
            let tls = c.tls.ca.is_some() || c.tls.cert.is_some();
            c.endpoints = vec![if a.contains("://") {
                a.to_string()
            } else if tls {
                format!("https://{a}")
            } else {
                format!("http://{a}")
            }];
        }
        c.validate().map_err(|reason| ConfigError::Invalid {
            path: file.map_or_else(
                || if address.is_some() { "address".into() } else { "etcd.endpoints".into() },
                |p| p.display().to_string(),
            ),
            reason,
        })?;
        Ok(c)
    }

    fn merge_file(&mut self, text: &str, path: &Path) -> Result<(), String> {
        let docs = crate::yaml::parse_documents(text).map_err(|e| e.to_string())?;
        let Some(doc) = docs.first() else { return Ok(()) };
        let serde_json::Value::Object(map) = crate::yaml::to_json(doc) else {
            return Err("expected a mapping of etcd client settings".into());
        };
        // Relative paths in the file are relative to it, as an operator reading it expects.
        let base = path.parent().unwrap_or(Path::new("."));
        let file = |v: &serde_json::Value, key: &str| -> Result<PathBuf, String> {
            let s = v.as_str().ok_or_else(|| format!("{key}: expected a file path"))?;
            Ok(base.join(s))
        };
        let flag = |v: &serde_json::Value, key: &str| -> Result<bool, String> {
            v.as_bool().ok_or_else(|| format!("{key}: expected true or false"))
        };
        let mut insecure_transport = false;
        for (key, v) in &map {
            match key.as_str() {
                "endpoints" => {
                    let list = v.as_array().ok_or("endpoints: expected a list of URLs")?;
                    self.endpoints = list
                        .iter()
                        .map(|e| e.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .ok_or("endpoints: expected a list of URLs")?;
                }
                "trusted-ca-file" => self.tls.ca = Some(file(v, key)?),
                "cert-file" => self.tls.cert = Some(file(v, key)?),
                "key-file" => self.tls.key = Some(file(v, key)?),
                "username" => self.username = v.as_str().map(str::to_string),
                "password" => self.password = v.as_str().map(str::to_string),
                "insecure-transport" => insecure_transport = flag(v, key)?,
                "insecure-skip-tls-verify" => {
                    if flag(v, key)? {
                        return Err("insecure-skip-tls-verify: not supported: a store whose certificate is not checked could hand out peers; give trusted-ca-file instead".into());
                    }
                }
                k if TUNING.contains(&k) => {}
                other => {
                    let known = ["endpoints", "trusted-ca-file", "cert-file", "key-file"];
                    let hint = crate::suggest::closest(other, &known)
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    return Err(format!("unknown setting {other:?}{hint}"));
                }
            }
        }
        if insecure_transport && self.endpoints.iter().any(|e| e.starts_with("https://")) {
            return Err("insecure-transport is true but an endpoint is https://".into());
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), String> {
        if self.endpoints.is_empty() {
            return Err("no etcd endpoints".into());
        }
        for ep in &self.endpoints {
            let rest = ep
                .strip_prefix("http://")
                .or_else(|| ep.strip_prefix("https://"))
                .ok_or_else(|| format!("endpoint {ep:?}: expected http:// or https://"))?;
            if rest.is_empty() || rest.contains(char::is_whitespace) {
                return Err(format!("endpoint {ep:?}: no host"));
            }
        }
        if self.tls.cert.is_some() != self.tls.key.is_some() {
            return Err("cert-file and key-file go together".into());
        }
        let tls = self.tls.ca.is_some() || self.tls.cert.is_some();
        if tls && self.endpoints.iter().any(|e| e.starts_with("http://")) {
            return Err("TLS files are set but an endpoint is http://: use https://".into());
        }
        if self.password.is_some() && self.username.is_none() {
            return Err("password without username".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> Result<EtcdConfig, ConfigError> {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("etcd-config.yaml");
        std::fs::write(&path, yaml).expect("write");
        EtcdConfig::load(Some(&path), &[]).map(|mut c| {
            // Paths are relative to the file: make them comparable.
            for p in [&mut c.tls.ca, &mut c.tls.cert, &mut c.tls.key].into_iter().flatten() {
                *p = p.strip_prefix(dir.path()).map(Path::to_path_buf).unwrap_or(p.clone());
            }
            c
        })
    }

    #[test]
    fn ciliums_etcd_config_file() {
        let c = load(
            "endpoints:\n- https://192.168.1.100:2379\ntrusted-ca-file: /etc/cilium/etcd-ca.crt\n\
             cert-file: client.crt\nkey-file: client.key\ndial-timeout: 5000000000\n",
        )
        .expect("valid");
        assert_eq!(c.endpoints, ["https://192.168.1.100:2379"]);
        assert_eq!(c.tls.ca.as_deref(), Some(Path::new("/etc/cilium/etcd-ca.crt")));
        assert_eq!(c.tls.cert.as_deref(), Some(Path::new("client.crt")));
        let e = load("endpoints: [https://a:2379]\ncert-file: c.crt\n").expect_err("no key");
        assert!(e.to_string().contains("key-file"), "{e}");
        let e = load("endpoints: [http://a:2379]\ntrusted-ca-file: ca.crt\n").expect_err("http");
        assert!(e.to_string().contains("https://"), "{e}");
        let e = load("endpoints: [https://a:2379]\ntrusted-ca-fil: ca.crt\n").expect_err("typo");
        assert!(e.to_string().contains("did you mean trusted-ca-file"), "{e}");
        let e =
            load("endpoints: [https://a:2379]\ninsecure-skip-tls-verify: true\n").expect_err("");
        assert!(e.to_string().contains("not supported"), "{e}");
        let e = load("trusted-ca-file: ca.crt\n").expect_err("no endpoints");
        assert!(e.to_string().contains("no etcd endpoints"), "{e}");
        let c = EtcdConfig {
            endpoints: vec!["http://a:2379".into()],
            username: Some("root".into()),
            password: Some("hunter2".into()),
            ..Default::default()
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn the_shipped_example_loads() {
        let example =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/config/etcd-config.yaml");
        let c = EtcdConfig::load(Some(&example), &[]).expect("deploy/config/etcd-config.yaml");
        assert_eq!(c.endpoints, ["https://192.168.1.100:2379"]);
        assert!(c.tls.ca.as_deref().is_some_and(|p| p.ends_with("deploy/config/etcd-ca.crt")));
        assert!(c.tls.key.is_some() && c.username.is_none());
    }
}
