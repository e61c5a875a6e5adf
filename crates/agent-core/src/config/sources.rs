//! The layers of configuration, merged in order: defaults < file < environment < flags.
//!
//! Each layer produces raw YAML nodes per key, tagged with where they came from. Typing happens
//! afterwards, once, on the winning value, so an error can always name its source.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::error::ConfigError;
use super::keys::{self, Kind};
use crate::yaml::{self, Node, Pos, Value};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The built-in default.
    Default,
    /// A config file, at a position.
    File {
        /// The file.
        path: PathBuf,
        /// Where the value starts.
        pos: Pos,
    },
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(String),
}

impl Origin {
    /// The same source, at `pos` when it is a file (a value inside the one this names).
    pub fn at(&self, pos: Pos) -> Origin {
        match self {
            Origin::File { path, .. } => Origin::File { path: path.clone(), pos },
            other => other.clone(),
        }
    }

    /// A one-word source name for `--validate`.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Default => "default",
            Origin::File { .. } => "file",
            Origin::Env(_) => "environment",
            Origin::Flag(_) => "flag",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File { path, pos } => write!(f, "{}:{pos}", path.display()),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// A value from a command-line flag: `--set encryption.enabled=true`, or a dedicated flag such
/// as `--state-dir` that names its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// How the user spelled it, for messages (`--set hubble.enabled` or `--state-dir`).
    pub flag: String,
    /// The key path, as typed by the user (checked against the registry).
    pub key: String,
    /// The value, as typed.
    pub value: String,
}

/// The winning raw value of each key.
pub type Resolved = BTreeMap<&'static str, (Node, Origin)>;

/// Starts a resolution from the built-in defaults.
pub fn defaults() -> Resolved {
    let mut out = Resolved::new();
    for def in keys::KEYS {
        let node = match def.default {
            keys::Default::None => continue,
            keys::Default::Scalar(s) => scalar(s),
            keys::Default::Empty => match def.kind {
                Kind::Map => Node { pos: Pos::default(), value: Value::Map(Vec::new()) },
                _ => Node { pos: Pos::default(), value: Value::Seq(Vec::new()) },
            },
        };
        out.insert(def.path, (node, Origin::Default));
    }
    out
}

fn scalar(s: &str) -> Node {
    Node { pos: Pos::default(), value: Value::Scalar { text: s.to_string(), plain: true } }
}

/// Applies a config file's text. Unknown keys and wrong shapes of sections become errors; the
/// values themselves are typed later.
pub fn apply_file(out: &mut Resolved, path: &Path, text: &str, errors: &mut Vec<ConfigError>) {
    let docs = match yaml::parse_documents(text) {
        Ok(docs) => docs,
        Err(e) => {
            errors.push(ConfigError::new(
                Origin::File { path: path.to_path_buf(), pos: e.pos },
                "",
                format!("invalid YAML: {}", e.message),
            ));
            return;
        }
    };
    let mut docs = docs.into_iter();
    let Some(root) = docs.next() else { return };
    if let Some(extra) = docs.next() {
        errors.push(ConfigError::new(
            Origin::File { path: path.to_path_buf(), pos: extra.pos },
            "",
            "a config file holds one YAML document; found a second one".into(),
        ));
    }
    if root.is_null() {
        return;
    }
    walk(out, path, "", &root, errors);
}

fn walk(out: &mut Resolved, file: &Path, prefix: &str, node: &Node, errors: &mut Vec<ConfigError>) {
    let origin = |pos| Origin::File { path: file.to_path_buf(), pos };
    let Value::Map(entries) = &node.value else {
        let what = if prefix.is_empty() { "the top level" } else { "this section" };
        errors.push(ConfigError::new(
            origin(node.pos),
            prefix,
            format!("{what} must be a mapping of keys, found {}", node.kind()),
        ));
        return;
    };
    for entry in entries {
        let path =
            if prefix.is_empty() { entry.key.clone() } else { format!("{prefix}.{}", entry.key) };
        if let Some(def) = keys::lookup(&path) {
            // A key that is also a section would be ambiguous; the registry has none.
            out.insert(def.path, (entry.value.clone(), origin(entry.value.pos)));
        } else if keys::is_section(&path) {
            if !entry.value.is_null() {
                walk(out, file, &path, &entry.value, errors);
            }
        } else {
            let mut err = ConfigError::new(
                origin(entry.key_pos),
                &path,
                format!("unknown key `{}`", entry.key),
            );
            err.hint = suggest(&entry.key, &keys::children(prefix)).map(|s| {
                let full = if prefix.is_empty() { s.to_string() } else { format!("{prefix}.{s}") };
                format!("did you mean `{full}`?")
            });
            errors.push(err);
        }
    }
}

/// The closest known name, if it is close enough to be a plausible typo.
pub fn suggest<'a>(typed: &str, candidates: &[&'a str]) -> Option<&'a str> {
    crate::suggest::closest(typed, candidates)
}

/// Applies `CILIUM_*` variables. Returns warnings for `CILIUM_*` variables that match no key
/// (the environment is shared with other tools, so these are not errors).
pub fn apply_env(
    out: &mut Resolved,
    env: &[(String, String)],
    errors: &mut Vec<ConfigError>,
) -> Vec<String> {
    // Variables our own tools read, not the agent's config.
    const NOT_CONFIG: &[&str] = &["CILIUM_SOCK", "CILIUM_HEALTH_SOCK", "CILIUM_TEST_SCRATCH"];
    let mut used = Vec::new();
    for def in keys::KEYS {
        let mut found: Option<(&String, &String)> = None;
        for name in keys::env_names(def.path) {
            if let Some((var, value)) = env.iter().find(|(k, _)| *k == name).map(|(k, v)| (k, v)) {
                used.push(var.clone());
                match found {
                    Some((first, first_value)) if first != var && first_value != value => {
                        errors.push(ConfigError::new(
                            Origin::Env(var.clone()),
                            def.path,
                            format!("conflicts with {first}={first_value}; set only one of them"),
                        ));
                    }
                    Some(_) => {}
                    None => found = Some((var, value)),
                }
            }
        }
        if let Some((var, value)) = found {
            out.insert(def.path, (text_value(def.kind, value), Origin::Env(var.clone())));
        }
    }
    let mut warnings = Vec::new();
    for (var, _) in env {
        if var.starts_with("CILIUM_") && !used.contains(var) && !NOT_CONFIG.contains(&var.as_str())
        {
            let all: Vec<String> =
                keys::KEYS.iter().map(|k| keys::env_names(k.path)[0].clone()).collect();
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let hint =
                suggest(var, &refs).map(|s| format!(" (did you mean {s}?)")).unwrap_or_default();
            warnings.push(format!(
                "ignoring environment variable {var}: not a configuration key{hint}"
            ));
        }
    }
    warnings
}

/// Applies flag overrides; an unknown key is an error with a suggestion.
pub fn apply_overrides(out: &mut Resolved, overrides: &[Override], errors: &mut Vec<ConfigError>) {
    for o in overrides {
        match keys::lookup(&o.key) {
            Some(def) => {
                out.insert(
                    def.path,
                    (text_value(def.kind, &o.value), Origin::Flag(o.flag.clone())),
                );
            }
            None => {
                let all: Vec<&str> = keys::KEYS.iter().map(|k| k.path).collect();
                let mut err = ConfigError::new(
                    Origin::Flag(o.flag.clone()),
                    &o.key,
                    format!("unknown key `{}`", o.key),
                );
                err.hint = suggest(&o.key, &all).map(|s| format!("did you mean `{s}`?"));
                errors.push(err);
            }
        }
    }
}

/// Turns text from the environment or a flag into a node of the shape the key expects: lists
/// are comma-separated, mappings are `k=v` pairs.
fn text_value(kind: Kind, text: &str) -> Node {
    let items = || text.split(',').map(str::trim).filter(|s| !s.is_empty());
    match kind {
        Kind::List | Kind::Nodes => {
            Node { pos: Pos::default(), value: Value::Seq(items().map(scalar).collect()) }
        }
        Kind::Map => Node {
            pos: Pos::default(),
            value: Value::Map(
                items()
                    .map(|pair| {
                        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                        yaml::Entry {
                            key: k.trim().to_string(),
                            key_pos: Pos::default(),
                            value: scalar(v.trim()),
                        }
                    })
                    .collect(),
            ),
        },
        _ => Node {
            pos: Pos::default(),
            value: Value::Scalar { text: text.to_string(), plain: true },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_not_noise() {
        let top = keys::children("");
        assert_eq!(suggest("encrytion", &top), Some("encryption"));
        assert_eq!(suggest("hostfirewall", &top), Some("hostFirewall"));
        assert_eq!(suggest("zzzz", &top), None);
    }

    #[test]
    fn env_lists_and_maps() {
        let n = text_value(Kind::List, "a, b,,c");
        assert_eq!(yaml::to_json(&n), serde_json::json!(["a", "b", "c"]));
        let m = text_value(Kind::Map, "env=prod,node=vm1");
        assert_eq!(yaml::to_json(&m), serde_json::json!({"env": "prod", "node": "vm1"}));
    }
}
