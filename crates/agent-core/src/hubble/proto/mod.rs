//! The Hubble API's messages and services, generated from `proto/` by `cargo xtask gen`.

#![allow(
    missing_docs,
    missing_debug_implementations,
    clippy::all,
    clippy::allow_attributes_without_reason,
    reason = "generated code"
)]

/// Package `flow`: flows, filters, agent events.
pub mod flow {
    include!("flow.rs");
    include!("flow.serde.rs");
}

/// Package `relay`: node states.
pub mod relay {
    include!("relay.rs");
    include!("relay.serde.rs");
}

/// Package `observer`: the Observer service.
pub mod observer {
    include!("observer.rs");
    include!("observer.serde.rs");
}

/// Package `peer`: the Peer service (which Hubble servers the cluster has).
pub mod peer {
    include!("peer.rs");
    include!("peer.serde.rs");
}
