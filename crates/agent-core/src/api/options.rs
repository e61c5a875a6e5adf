//! Options that can change while the agent runs (`cilium config set Debug true`).
//!
//! Names and the `Enabled`/`Disabled` words are Cilium's, so `cilium-dbg config` habits carry
//! over. Changes are not persisted, as upstream: the config file stays the source of truth
//! across restarts.

use std::collections::BTreeMap;

/// One mutable option.
#[derive(Debug, Clone, Copy)]
pub struct OptionDef {
    /// Name as shown by `cilium config`.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// Every mutable option.
pub const OPTIONS: &[OptionDef] = &[
    OptionDef { name: "Debug", description: "Enable debugging mode (log level debug)" },
    OptionDef { name: "DropNotification", description: "Enable drop notifications" },
    OptionDef { name: "PolicyAuditMode", description: "Enable policy audit (non-drop) mode" },
    OptionDef {
        name: "PolicyVerdictNotification",
        description: "Enable policy verdict notifications",
    },
    OptionDef { name: "TraceNotification", description: "Enable trace notifications" },
];

/// Policy enforcement modes.
pub const ENFORCEMENT_MODES: &[&str] = &["default", "always", "never"];

/// The current values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeOptions {
    /// Option name -> enabled.
    pub values: BTreeMap<&'static str, bool>,
    /// `default`, `always` or `never`.
    pub policy_enforcement: String,
}

impl RuntimeOptions {
    /// Initial values from the loaded configuration.
    pub fn new(debug: bool, policy_audit_mode: bool) -> Self {
        let mut values = BTreeMap::new();
        for o in OPTIONS {
            values.insert(o.name, true);
        }
        values.insert("Debug", debug);
        values.insert("PolicyAuditMode", policy_audit_mode);
        RuntimeOptions { values, policy_enforcement: "default".into() }
    }

    /// The options as the API shows them.
    pub fn as_map(&self) -> BTreeMap<String, String> {
        self.values.iter().map(|(k, v)| (k.to_string(), enabled_word(*v).to_string())).collect()
    }

    /// Applies a change; nothing changes unless every entry is valid.
    pub fn apply(
        &self,
        options: &BTreeMap<String, String>,
        enforcement: &str,
    ) -> Result<RuntimeOptions, String> {
        let mut next = self.clone();
        for (name, value) in options {
            let def = OPTIONS
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| format!("unknown option {name}; known options: {}", names()))?;
            let on = parse_bool_word(value).ok_or_else(|| {
                format!(
                    "invalid value {value:?} for option {}: expected Enabled or Disabled",
                    def.name
                )
            })?;
            next.values.insert(def.name, on);
        }
        if !enforcement.is_empty() {
            if !ENFORCEMENT_MODES.contains(&enforcement) {
                return Err(format!(
                    "invalid policy-enforcement {enforcement:?}: expected default, always or never"
                ));
            }
            next.policy_enforcement = enforcement.to_string();
        }
        Ok(next)
    }
}

fn names() -> String {
    OPTIONS.iter().map(|o| o.name).collect::<Vec<_>>().join(", ")
}

/// `Enabled` or `Disabled`.
pub fn enabled_word(on: bool) -> &'static str {
    if on { "Enabled" } else { "Disabled" }
}

/// Accepts the words Cilium's CLI and API accept for a boolean option.
pub fn parse_bool_word(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "enabled" | "enable" | "true" | "on" | "1" => Some(true),
        "disabled" | "disable" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_is_all_or_nothing() {
        let o = RuntimeOptions::new(false, false);
        let mut change = BTreeMap::new();
        change.insert("debug".to_string(), "true".to_string());
        change.insert("Bogus".to_string(), "true".to_string());
        let err = o.apply(&change, "").unwrap_err();
        assert!(err.contains("unknown option Bogus"));
        change.remove("Bogus");
        let next = o.apply(&change, "always").expect("valid");
        assert!(next.values["Debug"]);
        assert_eq!(next.policy_enforcement, "always");
        assert!(o.apply(&BTreeMap::new(), "sometimes").is_err());
        let mut bad = BTreeMap::new();
        bad.insert("Debug".to_string(), "maybe".to_string());
        assert!(o.apply(&bad, "").unwrap_err().contains("Enabled or Disabled"));
    }
}
