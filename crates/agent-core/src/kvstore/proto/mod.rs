//! etcd's v3 API (the part we speak), generated from `proto/etcd/etcd.proto` by `cargo xtask gen`.

#![allow(
    missing_docs,
    missing_debug_implementations,
    clippy::all,
    clippy::allow_attributes_without_reason,
    reason = "generated code"
)]

/// Package `etcdserverpb`: the KV, Watch, Lease, Maintenance and Auth services.
pub mod etcdserverpb {
    include!("etcdserverpb.rs");
}
