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
