//! `cilium-agent`: parses flags, loads the configuration, runs the daemon.
//!
//! Exit codes: 0 clean stop (or a valid `--validate`), 1 runtime failure, 2 invalid
//! configuration (the systemd unit does not restart on 2: a bad file will not fix itself).

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use agent_core::config::{self, LoadRequest, Loaded, Override};
use anyhow::Context;
use clap::Parser;

use crate::args::Args;

mod args;

const DEFAULT_CONFIG_DIR: &str = "/etc/cilium";

// The L7 proxy and Hubble allocate and free per request on both worker threads; glibc's
// allocator was a third of the agent's time under HTTP load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "cilium-agent: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (file, explicit) = match (&args.config_file, &args.config_dir) {
        (Some(f), _) => (f.clone(), true),
        (None, Some(d)) => (config::file_in_dir(d), true),
        (None, None) => (config::file_in_dir(DEFAULT_CONFIG_DIR.as_ref()), false),
    };
    let mut warnings = Vec::new();
    let file = if !explicit && !file.exists() {
        warnings
            .push(format!("{} not found; using defaults, environment and flags", file.display()));
        None
    } else {
        Some(file)
    };
    let request = LoadRequest {
        file: file.clone(),
        env: std::env::vars().collect(),
        overrides: overrides(&args)?,
    };
    let mut loaded = match config::load(&request) {
        Ok(l) => l,
        Err(errors) => {
            let _ = writeln!(std::io::stderr(), "cilium-agent: {errors}");
            return Ok(ExitCode::from(2));
        }
    };
    loaded.warnings.splice(0..0, warnings);

    if args.validate {
        match print_validation(&loaded, file.as_deref()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
            _ => return Ok(ExitCode::SUCCESS),
        }
    }

    if args.cleanup {
        let c = &loaded.config;
        agent_core::datapath::uninstall(&c.bpf_pin_dir(), &c.devices)
            .context("removing the datapath")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        runtime
            .block_on(async {
                let nl = agent_core::wireguard::routing::Netlink::connect()?;
                nl.uninstall().await;
                // The kernel backend's link outlives the agent; the userspace one is gone with it.
                nl.delete_link(agent_core::wireguard::IFNAME).await
            })
            .context("removing the tunnel's routing")?;
        agent_core::wireguard::routing::restore_accept_local(&c.state_dir)
            .context("restoring loopback's accept_local")?;
        // Leaving the fleet for good: the peers drop this node now, not at its lease's end.
        match runtime.block_on(agent_core::daemon::leave_kvstore(c)) {
            Ok(Some(key)) => {
                let _ = writeln!(std::io::stdout(), "Removed this node's kvstore entry {key}");
            }
            Ok(None) => {}
            Err(e) => anyhow::bail!("removing this node's kvstore entry: {e}"),
        }
        let _ = writeln!(
            std::io::stdout(),
            "Removed the datapath pinned under {}",
            c.bpf_pin_dir().display()
        );
        return Ok(ExitCode::SUCCESS);
    }

    if args.block_peers {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let c = &loaded.config;
        let added = runtime.block_on(agent_core::daemon::block_peers(c))?;
        let what = match (c.encryption.enabled, c.encryption.strict) {
            (false, _) => "encryption is off: nothing to block".to_string(),
            (true, false) => "encryption.strictMode is off: routing rules only".to_string(),
            (true, true) => format!("peers blocked until their tunnels are up ({added} added)"),
        };
        let _ = writeln!(std::io::stdout(), "{what}");
        return Ok(ExitCode::SUCCESS);
    }

    let logging = agent_core::logging::init(loaded.config.log_format, &loaded.config.log_level)
        .context("starting logging")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // Installed before the agent starts: a SIGTERM that comes as soon as the socket answers
    // (a service manager's, or a test's) must still shut down cleanly, removing the socket.
    let shutdown = {
        let _in_runtime = runtime.enter();
        shutdown_signal()
    };
    runtime.block_on(agent_core::daemon::run(loaded, Arc::new(logging), shutdown))?;
    Ok(ExitCode::SUCCESS)
}

fn overrides(args: &Args) -> anyhow::Result<Vec<Override>> {
    let mut out = Vec::new();
    let mut named = |flag: &str, key: &str, value: &Option<String>| {
        if let Some(v) = value {
            out.push(Override { flag: flag.into(), key: key.into(), value: v.clone() });
        }
    };
    named("--run-dir", "runDir", &args.run_dir);
    named("--state-dir", "stateDir", &args.state_dir);
    named("--bpf-root", "bpf.root", &args.bpf_root);
    named("--node-name", "nodeName", &args.node_name);
    if args.debug {
        out.push(Override {
            flag: "--debug".into(),
            key: "debug.enabled".into(),
            value: "true".into(),
        });
    }
    for s in &args.set {
        let (k, v) = s.split_once('=').with_context(|| {
            format!("--set {s}: expected KEY=VALUE, e.g. --set encryption.enabled=true")
        })?;
        out.push(Override { flag: format!("--set {k}"), key: k.trim().into(), value: v.into() });
    }
    Ok(out)
}

fn print_validation(loaded: &Loaded, file: Option<&std::path::Path>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match file {
        Some(f) => writeln!(out, "Configuration {} is valid.", f.display())?,
        None => writeln!(out, "Configuration is valid (no config file).")?,
    }
    writeln!(out)?;
    let width = loaded.settings.iter().map(|s| s.key.len()).max().unwrap_or(3).max(3);
    let vwidth = loaded.settings.iter().map(|s| s.value.len().min(40)).max().unwrap_or(5).max(5);
    writeln!(out, "{:width$}   {:vwidth$}   SOURCE", "KEY", "VALUE")?;
    for s in &loaded.settings {
        let source = match &s.origin {
            config::Origin::Default => "default".to_string(),
            other => format!("{} ({other})", other.kind()),
        };
        writeln!(out, "{:width$}   {:vwidth$}   {source}", s.key, s.value)?;
    }
    for w in &loaded.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}

/// Installs the handlers now (inside the runtime); the future resolves on SIGTERM or SIGINT.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let handlers = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()));
    async move {
        let (Ok(mut term), Ok(mut int)) = handlers else {
            tracing::error!("cannot install signal handlers; stop the agent with SIGKILL");
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM received, shutting down"),
            _ = int.recv() => tracing::info!("SIGINT received, shutting down"),
        }
    }
}
