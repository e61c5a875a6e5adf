//! Cilium network policy for VMs: types, the parser (always built, so `cilium policy
//! validate` works offline), selectors, and, in the agent, the repository and the resolver
//! that turns the rules selecting this VM into datapath entries.

pub mod parse;
pub mod selector;
pub mod types;

#[cfg(feature = "agent")]
pub mod repository;
#[cfg(feature = "agent")]
pub mod resolve;

pub use parse::{ParseError, parse};
pub use types::*;
