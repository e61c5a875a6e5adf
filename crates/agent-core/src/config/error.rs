//! Configuration errors: each names its source (file:line:col, variable or flag), the key, what
//! was expected and, for typos, the likely intended key.

use std::fmt;

use super::sources::Origin;

/// One problem with the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// Where the offending value came from.
    pub origin: Origin,
    /// The dotted key path ("" when the problem is not about one key).
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// A suggestion such as "did you mean `encryption`?".
    pub hint: Option<String>,
}

impl ConfigError {
    /// A new error without a hint.
    pub fn new(origin: Origin, key: &str, message: String) -> Self {
        ConfigError { origin, key: key.to_string(), message, hint: None }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.origin)?;
        if !self.key.is_empty() && !self.message.starts_with("unknown key") {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found, in source order. Never empty.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "invalid configuration ({n} error{}):", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}
