//! The agent's REST API: models and client (always built), and the server (feature `agent`).

pub mod client;
pub mod models;
pub mod monitor;
pub mod options;
#[cfg(feature = "agent")]
pub mod server;
pub mod time;

pub use client::{Client, ClientError, DEFAULT_SOCKET};
