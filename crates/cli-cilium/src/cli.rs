//! The command-line definition: one source for parsing, `--help`, completions and man pages.

use clap::{Args, Parser, Subcommand};

use crate::output::Output;

/// CLI for the Cilium agent on this VM.
#[derive(Debug, Parser)]
#[command(
    name = "cilium",
    version,
    about = "CLI for the Cilium agent on this VM",
    long_about = "CLI for the Cilium agent on this VM or bare-metal server.\n\n\
                  Talks to the local cilium-agent over its unix socket. With -o json, commands \
                  print the agent's API model unchanged (Cilium's field names); scripts may rely on it.",
    propagate_version = true
)]
pub struct Cli {
    /// Agent API socket (unix:///path or /path)
    #[arg(
        short = 'H',
        long = "host",
        env = "CILIUM_SOCK",
        hide_env_values = true,
        global = true,
        value_name = "SOCKET",
        default_value = agent_core::api::DEFAULT_SOCKET
    )]
    pub host: String,

    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the agent's health and the cluster's state
    Status(StatusArgs),
    /// Show client and daemon versions
    Version(VersionArgs),
    /// Show or change the agent's runtime configuration
    Config(ConfigArgs),
    /// Print a shell completion script
    Completion(CompletionArgs),
    /// Inspect the datapath's eBPF maps
    #[command(subcommand)]
    Bpf(BpfCommand),
    /// The datapath's maps (same as `cilium bpf map`)
    #[command(subcommand)]
    Map(MapCommand),
    /// Stream datapath events (drops, traces, policy verdicts)
    Monitor(MonitorArgs),
    /// Manage network policies
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// This VM's runtime labels, which policy selectors match
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Security identities
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// Endpoints (on a VM: the host itself)
    #[command(subcommand)]
    Endpoint(EndpointCommand),
    /// The cluster's nodes
    #[command(subcommand)]
    Node(NodeCommand),
    /// Cluster mesh: the remote clusters this one is meshed with
    #[command(subcommand)]
    Clustermesh(ClustermeshCommand),
    /// Transparent encryption (WireGuard)
    #[command(subcommand, visible_alias = "encrypt")]
    Encryption(EncryptionCommand),
}

/// `cilium node ...`.
#[derive(Debug, Subcommand)]
pub enum NodeCommand {
    /// List the nodes with their addresses and health
    #[command(visible_alias = "ls")]
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium clustermesh ...`.
#[derive(Debug, Subcommand)]
pub enum ClustermeshCommand {
    /// Each remote cluster: ready or why not, its cluster ID, nodes, endpoints and identities
    Status {
        /// Wait until every remote cluster is ready
        #[arg(long)]
        wait: bool,
        /// How long --wait waits
        #[arg(long, default_value = "5m", value_parser = crate::output::parse_timeout)]
        wait_duration: std::time::Duration,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium encryption ...`.
#[derive(Debug, Subcommand)]
pub enum EncryptionCommand {
    /// WireGuard status: interface, peers, handshakes, transfer
    Status {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// This node's public key, fingerprint, age and next rotation (never the private key)
    Key {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Replace this node's key pair now; waits until every peer has switched
    Rotate {
        /// How long to wait for the peers
        #[arg(long, default_value = "60s", value_parser = crate::output::parse_timeout)]
        timeout: std::time::Duration,
    },
    /// Print a fresh cluster secret (32 random bytes, base64) for /etc/cilium/cluster-secret
    GenerateSecret,
}

/// `cilium policy ...`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Apply policy files (YAML or JSON; one or many documents) atomically
    #[command(visible_alias = "import")]
    Apply {
        /// Policy file, directory, or - for standard input (repeatable)
        #[arg(short = 'f', long = "file", value_name = "FILE|DIR|-")]
        file: Vec<std::path::PathBuf>,
        /// The same, as arguments
        #[arg(value_name = "FILE|DIR|-")]
        path: Vec<std::path::PathBuf>,
        /// Show what would change for this VM, change nothing
        #[arg(long)]
        dry_run: bool,
        /// Apply even if it would lock out an open SSH session's address
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Check policy files without an agent
    Validate {
        /// Policy files or directories
        #[arg(required = true, value_name = "FILE|DIR|-")]
        files: Vec<std::path::PathBuf>,
    },
    /// Show the policies and the repository revision
    Get {
        /// Only this policy
        name: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Delete a policy, or all of them
    Delete {
        /// The policy's name
        name: Option<String>,
        /// Delete every policy
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Wait until the datapath enforces a policy revision
    Wait {
        /// Revision printed by `cilium policy apply`
        revision: u64,
        /// Time between checks
        #[arg(long, default_value = "1s", value_parser = crate::output::parse_timeout)]
        sleep_time: std::time::Duration,
        /// Give up after this long
        #[arg(long, default_value = "360s", value_parser = crate::output::parse_timeout)]
        max_wait_time: std::time::Duration,
    },
}

/// `cilium labels ...`.
#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Add or change runtime labels (key=value ...)
    Add {
        /// Labels, key=value
        #[arg(required = true, value_name = "KEY=VALUE")]
        labels: Vec<String>,
    },
    /// Remove runtime labels by key
    #[command(visible_alias = "rm")]
    Remove {
        /// Keys
        #[arg(required = true, value_name = "KEY")]
        keys: Vec<String>,
    },
    /// List every label of this VM
    #[command(visible_alias = "ls")]
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium identity ...`.
#[derive(Debug, Subcommand)]
pub enum IdentityCommand {
    /// List identities
    #[command(visible_alias = "ls")]
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show one identity
    Get {
        /// Numeric identity
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium endpoint ...`.
#[derive(Debug, Subcommand)]
pub enum EndpointCommand {
    /// List endpoints
    #[command(visible_alias = "ls")]
    List {
        /// Leave out the header lines
        #[arg(long)]
        no_headers: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show an endpoint (always JSON, as upstream)
    Get {
        /// Endpoint ID
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium bpf ...`.
#[derive(Debug, Subcommand)]
pub enum BpfCommand {
    /// List or show maps
    #[command(subcommand)]
    Map(MapCommand),
    /// List or show maps (alias of `map`)
    #[command(subcommand, hide = true)]
    Maps(MapCommand),
    /// Address -> identity mappings (`cilium bpf ipcache list`)
    #[command(subcommand)]
    Ipcache(ListCommand),
    /// The policy entries this node enforces (`cilium bpf policy get`)
    #[command(subcommand)]
    Policy(GetCommand),
    /// Connection tracking entries (`cilium bpf ct list global`)
    #[command(subcommand)]
    Ct(CtCommand),
    /// Forwarded and dropped packets by reason and direction (`cilium bpf metrics list`)
    #[command(subcommand)]
    Metrics(ListCommand),
    /// Node address -> WireGuard peer (public key, endpoint) (`cilium bpf tunnel list`)
    #[command(subcommand)]
    Tunnel(ListCommand),
}

/// `... list`.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// List the entries
    #[command(visible_alias = "ls")]
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `... get`.
#[derive(Debug, Subcommand)]
pub enum GetCommand {
    /// Show the entries
    Get {
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium bpf ct ...`.
#[derive(Debug, Subcommand)]
pub enum CtCommand {
    /// List the entries of a table
    #[command(visible_alias = "ls")]
    List {
        /// Table: `global` (the agent keeps one table for IPv4 and IPv6)
        #[arg(default_value = "global")]
        table: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium map ...`.
#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// List every map with its number of entries
    #[command(visible_alias = "ls")]
    List {
        /// Also print every entry
        #[arg(long)]
        verbose: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show the entries of one map
    Get {
        /// Map name (see `cilium map list`)
        name: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `cilium monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// Only these event types: drop, trace, policy-verdict (repeatable)
    #[arg(short = 't', long = "type", value_name = "TYPE", value_parser = ["drop", "trace", "policy-verdict"])]
    pub types: Vec<String>,
    /// One JSON object per event
    #[arg(short = 'j', long)]
    pub json: bool,
}

/// `-o` for commands that print data.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: json, yaml or jsonpath=<template>
    #[arg(short = 'o', long = "output", value_name = "FORMAT", value_parser = crate::output::parse_output)]
    pub output: Option<Output>,
}

/// `cilium status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only print OK, or the first error
    #[arg(long)]
    pub brief: bool,
    /// Everything: all nodes, controllers and health details
    #[arg(long)]
    pub verbose: bool,
    /// Show node latencies
    #[arg(long)]
    pub all_health: bool,
    /// Show every node (the default shows at most 10)
    #[arg(long)]
    pub all_nodes: bool,
    /// Show every controller, not only failing ones
    #[arg(long)]
    pub all_controllers: bool,
    /// Accepted for compatibility
    #[arg(long, hide = true)]
    pub all_addresses: bool,
    /// Accepted for compatibility
    #[arg(long, hide = true)]
    pub all_redirects: bool,
    /// Show every remote cluster of the mesh, not only those not ready
    #[arg(long)]
    pub all_clusters: bool,
    /// How long to wait for the agent
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = crate::output::parse_timeout)]
    pub timeout: std::time::Duration,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `cilium version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Only the client's version; do not contact the agent
    #[arg(long)]
    pub client: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `cilium config`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ConfigArgs {
    /// Options to change, as Name=Value (e.g. Debug=true, PolicyEnforcement=always)
    #[arg(value_name = "OPTION=VALUE")]
    pub assignments: Vec<String>,
    /// Show the read-only configuration (every key the agent started with)
    #[arg(short = 'r', long)]
    pub read_only: bool,
    /// Show both the read-write and the read-only configuration
    #[arg(short = 'a', long)]
    pub all: bool,
    /// List the options that can be changed at runtime
    #[arg(long)]
    pub list_options: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: Option<ConfigCommand>,
}

/// `cilium config set|get`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Change one runtime option, e.g. `cilium config set Debug true`
    Set {
        /// Option name (see --list-options), or PolicyEnforcement
        name: String,
        /// New value: true/false, Enabled/Disabled; default/always/never for PolicyEnforcement
        value: String,
    },
    /// Show one option's current value
    Get {
        /// Option name
        name: String,
    },
}

/// `cilium completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// Shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The clap command, for completions and man pages.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn definition_is_consistent() {
        super::command().debug_assert();
    }
}
