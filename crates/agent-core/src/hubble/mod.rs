//! Hubble: the flow model and API shared by the agent's observer and the `hubble` CLI.
//!
//! - `proto`: generated messages and gRPC stubs (wire-compatible with Cilium's protos);
//! - `timestamp`: `google.protobuf.Timestamp` with Go's JSON text;
//! - `icmp`: ICMP type and code names, as Hubble prints them;
//! - `filter`: whitelist/blacklist evaluation, for the server and for `--input-file`;
//! - `fieldmask`: the fields a request keeps of each flow;
//! - `parse`: datapath events to flows;
//! - `ring`: the buffer of recent flows;
//! - `observer`, `peer` and `server` (agent only): the Observer and Peer services and their
//!   listeners;
//! - `relay` (agent only): Hubble Relay, the Observer service over every node;
//! - `metrics` (agent only): Hubble's Prometheus metrics, counted from flows;
//! - `ui` (agent only): the flow map page.

pub mod fieldmask;
pub mod filter;
pub mod icmp;
pub mod parse;
pub mod proto;
pub mod ring;
pub mod timestamp;

#[cfg(feature = "agent")]
pub mod debug;
#[cfg(feature = "agent")]
pub mod metrics;
#[cfg(feature = "agent")]
pub mod observer;
#[cfg(feature = "agent")]
pub mod peer;
#[cfg(feature = "agent")]
pub mod relay;
#[cfg(feature = "agent")]
pub mod server;
#[cfg(feature = "agent")]
pub mod ui;
