//! The one shared library of the workspace.
//!
//! Without features it is what the CLIs need: the REST API models and client, and pure parsers
//! (YAML with positions, label syntax). With the `agent` feature it adds the agent's subsystems:
//! configuration loading, logging, the API server and the daemon that wires them.
//!
//! Dependencies point one way: CLI -> API models <- agent subsystems. Nothing here imports a CLI.
//! There is no `unsafe` in this crate.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod hubble;

/// UDP port of WireGuard between nodes.
pub const WIREGUARD_PORT: u16 = 51871;
/// TCP port of node announcements and health probes.
pub const CLUSTER_PORT: u16 = 4240;

pub mod labels;
pub mod policy;
pub mod secret;
pub mod suggest;
pub mod yaml;

#[cfg(feature = "agent")]
pub mod clustermesh;
#[cfg(feature = "agent")]
pub mod config;
#[cfg(feature = "agent")]
pub mod daemon;
#[cfg(feature = "agent")]
pub mod datapath;
#[cfg(feature = "agent")]
pub mod fsutil;
#[cfg(feature = "agent")]
pub mod health;
#[cfg(feature = "agent")]
pub mod identity;
#[cfg(feature = "agent")]
pub mod kvstore;
#[cfg(feature = "agent")]
pub mod logging;
#[cfg(feature = "agent")]
pub mod metrics;
#[cfg(feature = "agent")]
pub mod nodes;
#[cfg(feature = "agent")]
pub mod proxy;
#[cfg(feature = "agent")]
pub mod web;
#[cfg(feature = "agent")]
pub mod wireguard;
