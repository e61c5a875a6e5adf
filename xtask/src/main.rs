//! `cargo xtask`: the project's task runner.
//!
//! - `gen`: regenerate `completions/` and `man/` from the CLIs' clap definitions, and the Rust
//!   code of the Hubble protos.
//! - `demo`: run the demo (see `demo.rs`), after installing what it needs (`setup.rs`).
//! - `test`: install what the test suite needs, then run it.
//! - `deb`: build the Debian package (see `deb.rs`).

#![forbid(unsafe_code)]

mod bpf;
mod deb;
mod demo;
mod generate;
mod kernels;
mod protos;
mod setup;

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
    /// Run the multi-VM demo on network namespaces (needs root); installs what it needs first
    Demo {
        /// Leave the VMs running afterwards
        #[arg(long)]
        keep: bool,
        /// Do not install missing packages: list them and exit 2
        #[arg(long)]
        no_install: bool,
        /// `cleanup`: remove everything a previous demo left
        #[arg(value_parser = ["cleanup"])]
        action: Option<String>,
    },
    /// Install what the test suite needs (Debian packages, PyPI tools, the qemu kernels), then
    /// run `cargo test --workspace` with any extra arguments (needs root)
    Test {
        /// Do not install missing packages: list them and exit 2
        #[arg(long)]
        no_install: bool,
        /// Passed to `cargo test --workspace` (e.g. `-- kvstore`)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
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
        Task::Demo { keep, no_install, action: None } => {
            setup::ensure(setup::Purpose::Demo, !no_install)?;
            demo::run(&generate::root(), keep)
        }
        Task::Test { no_install, args } => {
            let root = generate::root();
            setup::ensure(setup::Purpose::Test, !no_install)?;
            if let Err(e) = kernels::run(&root) {
                // A fresh machine may have no package lists yet: fetch them once and retry.
                if !setup::refresh_package_lists()? {
                    return Err(e);
                }
                kernels::run(&root)?;
            }
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = std::process::Command::new(cargo)
                .current_dir(&root)
                .args(["test", "--workspace"])
                .args(&args)
                .status()
                .context("running cargo test")?;
            // What the tests keep for people (the flow map's screenshot), named in the log.
            if let Ok(dir) = std::fs::read_dir(root.join("target/e2e-artifacts")) {
                for entry in dir.flatten() {
                    println!("test artifact: {}", entry.path().display());
                }
            }
            std::process::exit(status.code().unwrap_or(1));
        }
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
            let readme = root.join("README.md");
            let text = std::fs::read_to_string(&readme).context("reading README.md")?;
            std::fs::write(&readme, setup::with_readme_section(&text)?)
                .context("writing README.md")?;
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
