//! `cargo xtask`: the project's task runner.
//!
//! - `gen`: regenerate `completions/` and `man/` from the CLIs' clap definitions, and the Rust
//!   code of the Hubble protos.
//! - `demo`: run the demo (see `demo.rs`).
//! - `deb`: build the Debian package (see `deb.rs`).

#![forbid(unsafe_code)]

mod bpf;
mod deb;
mod demo;
mod generate;
mod kernels;
mod protos;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "xtask")]
struct Args {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate shell completions, man pages and the protos' Rust code
    Gen,
    /// Rebuild the eBPF objects (pinned clang-14); --check compares instead of writing
    Bpf {
        /// Fail if the checked-in objects differ from a rebuild
        #[arg(long)]
        check: bool,
    },
    /// Build the Debian package (cilium-vm_<version>_<arch>.deb)
    Deb {
        /// Package these binaries instead of a fresh release build
        #[arg(long, value_name = "DIR")]
        bin_dir: Option<std::path::PathBuf>,
        /// Where to write the package
        #[arg(long, value_name = "DIR", default_value = "target/deb")]
        out_dir: std::path::PathBuf,
        /// Compressor of the package's data
        #[arg(long, default_value = "xz", value_parser = ["xz", "gzip", "zstd", "none"])]
        compression: String,
    },
    /// Fetch the Debian kernels the BPF suite also runs on (into target/kernels)
    Kernels,
    /// Run the multi-VM demo on network namespaces (needs root)
    Demo {
        /// Leave the VMs running afterwards
        #[arg(long)]
        keep: bool,
        /// `cleanup`: remove everything a previous demo left
        #[arg(value_parser = ["cleanup"])]
        action: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    match Args::parse().task {
        Task::Bpf { check } => bpf::run(&generate::root(), check),
        Task::Deb { bin_dir, out_dir, compression } => {
            let root = generate::root();
            let out_dir = if out_dir.is_absolute() { out_dir } else { root.join(out_dir) };
            std::fs::create_dir_all(&out_dir)
                .with_context(|| format!("creating {}", out_dir.display()))?;
            let deb = deb::run(&root, &deb::Request { bin_dir, out_dir, compression })?;
            println!("{}", deb.display());
            Ok(())
        }
        Task::Kernels => kernels::run(&generate::root()),
        Task::Demo { action: Some(_), .. } => demo::cleanup(),
        Task::Demo { keep, action: None } => demo::run(&generate::root(), keep),
        Task::Gen => {
            let root = generate::root();
            for (path, content) in generate::generated()? {
                let full = root.join(&path);
                if let Some(dir) = full.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                std::fs::write(&full, content)
                    .with_context(|| format!("writing {}", full.display()))?;
            }
            // Remove pages of commands that no longer exist.
            let fresh: Vec<_> =
                generate::generated()?.into_iter().map(|(p, _)| root.join(p)).collect();
            for dir in ["completions", "man"] {
                for entry in std::fs::read_dir(root.join(dir))? {
                    let path = entry?.path();
                    if !fresh.contains(&path) {
                        std::fs::remove_file(&path)?;
                    }
                }
            }
            Ok(())
        }
    }
}
