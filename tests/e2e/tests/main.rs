//! Multi-VM tests: each VM a network namespace with a private mount namespace (see the
//! `testbed` library). They need root and fail, never skip, without it.

mod ansible;
mod clustermesh;
mod encryption;
mod foundation;
mod hubble;
mod kernel_wireguard;
mod kvstore;
mod l7;
mod listeners;
mod metrics;
mod nat;
mod policy;
mod trust;
