//! Generated files: shell completions and man pages of the CLIs and the agent, from their clap
//! definitions, and the Rust code of our Hubble protos.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

/// The agent's flags, from the agent's own source (it is a binary crate, not a library).
#[allow(dead_code, reason = "xtask only builds the command from the flags, never reads them")]
#[path = "../../crates/cilium-agent/src/args.rs"]
mod agent_args;

/// The files under `completions/` and `man/`, relative to the repository root, with contents.
pub fn generated() -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    for (name, cmd) in [
        ("cilium", cli_cilium::command()),
        ("hubble", cli_hubble::command()),
        ("cilium-agent", agent_args::Args::command()),
    ] {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd.clone(), name, &mut buf);
            let file = match shell {
                Shell::Bash => format!("{name}.bash"),
                Shell::Zsh => format!("_{name}"),
                Shell::Fish => format!("{name}.fish"),
                Shell::PowerShell => format!("_{name}.ps1"),
                _ => format!("{name}.elv"),
            };
            out.push((Path::new("completions").join(file), buf));
        }
        man_pages(&cmd, name, &mut out)?;
    }
    out.extend(crate::protos::generated(&root())?);
    Ok(out)
}

/// One page for the command and one per subcommand (`cilium-status.1`), as git and cargo ship.
fn man_pages(
    cmd: &clap::Command,
    name: &str,
    out: &mut Vec<(PathBuf, Vec<u8>)>,
) -> anyhow::Result<()> {
    let cmd = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    out.push((Path::new("man").join(format!("{name}.1")), buf));
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() {
            continue;
        }
        let sub_name = format!("{name}-{}", sub.get_name());
        man_pages(sub, &sub_name, out)?;
    }
    Ok(())
}

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in completions and man pages must match the CLIs; `cargo xtask gen` fixes it.
    #[test]
    fn checked_in_files_are_fresh() {
        let root = root();
        let mut stale = Vec::new();
        for (path, content) in generated().expect("generate") {
            match std::fs::read(root.join(&path)) {
                Ok(existing) if existing == content => {}
                _ => stale.push(path.display().to_string()),
            }
        }
        assert!(stale.is_empty(), "stale generated files (run `cargo xtask gen`): {stale:?}");
    }
}
