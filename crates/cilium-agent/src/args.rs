//! The agent's command line. Kept in its own file so that `cargo xtask gen` can include it and
//! generate the `cilium-agent` man page and completions from the same definition.

use std::path::PathBuf;

use clap::Parser;

/// The Cilium agent for plain VMs and bare-metal servers.
#[derive(Debug, Parser)]
// `about` spelled out: this file is also compiled into xtask, whose package description differs.
#[command(
    name = "cilium-agent",
    version,
    about = "The per-node agent: WireGuard encryption, eBPF host firewall and Hubble flows for VMs",
    long_about = None
)]
pub(crate) struct Args {
    /// Directory holding config.yaml
    #[arg(long, value_name = "DIR")]
    pub(crate) config_dir: Option<PathBuf>,

    /// Config file to read (instead of <config-dir>/config.yaml)
    #[arg(long, value_name = "FILE", conflicts_with = "config_dir")]
    pub(crate) config_file: Option<PathBuf>,

    /// Check the configuration, print the effective values and their sources, and exit
    #[arg(long)]
    pub(crate) validate: bool,

    /// Override a configuration key, e.g. --set encryption.enabled=true (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,

    /// Runtime directory for the API sockets (key runDir)
    #[arg(long, value_name = "DIR")]
    pub(crate) run_dir: Option<String>,

    /// Directory for persistent state (key stateDir)
    #[arg(long, value_name = "DIR")]
    pub(crate) state_dir: Option<String>,

    /// bpffs mount point (key bpf.root)
    #[arg(long, value_name = "DIR")]
    pub(crate) bpf_root: Option<String>,

    /// This node's name (key nodeName; default: the host name)
    #[arg(long, value_name = "NAME")]
    pub(crate) node_name: Option<String>,

    /// Enable debug logging (key debug.enabled)
    #[arg(long, short = 'D')]
    pub(crate) debug: bool,

    /// Detach the datapath from every device, remove its pinned maps and links and the
    /// tunnel's and L7 proxy's routing, restore loopback's accept_local, then exit.
    /// Enforcement stops; the next start builds everything anew.
    #[arg(long, conflicts_with = "validate")]
    pub(crate) cleanup: bool,

    /// Install the tunnel's routing rules and, with strict encryption, block every known peer
    /// (listed in `nodes:` or in the saved registry), then exit. Run at boot before the network
    /// is up (the cilium-block-peers unit), so that nothing leaves in plaintext to a peer before
    /// the agent has started.
    #[arg(long, conflicts_with_all = ["validate", "cleanup"])]
    pub(crate) block_peers: bool,
}
