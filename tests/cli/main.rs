//! CLI tests: the real `cilium-agent`, `cilium` and `hubble` binaries against a real agent
//! running in a temporary directory. One test binary; modules by subject.

mod harness;

/// The agent's start-up, validation, refusal and shutdown.
mod agent;
/// Shell completions and versions.
mod completion;
/// `cilium config`.
mod config;
/// The Hubble Observer and the `hubble` CLI.
mod hubble;
/// The Docker entrypoint and the Debian package.
mod packaging;
/// `cilium policy` on an agent without a host firewall.
mod policy;
/// Garbage and abuse on the API socket.
mod robustness;
/// The cluster secret: refusals at start, generated secrets.
mod secret;
/// `cilium status`.
mod status;
