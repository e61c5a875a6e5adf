//! `cargo xtask kernels`: fetches the Debian kernels the BPF suite also runs on (Linux 6.1, the
//! distribution's, and the 6.12 backport) into `target/kernels/<version>/vmlinuz`, with
//! `apt-get download` (no installation, nothing in /boot).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

fn out(cmd: &mut Command) -> anyhow::Result<String> {
    let o = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !o.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The concrete image packages: what `linux-image-amd64` depends on, and the newest 6.12.
fn packages() -> anyhow::Result<Vec<String>> {
    let deps = out(Command::new("apt-cache").args(["depends", "linux-image-amd64"]))?;
    let base = deps
        .lines()
        .find_map(|l| l.trim().strip_prefix("Depends: "))
        .filter(|p| p.starts_with("linux-image-"))
        .context("linux-image-amd64 has no image dependency (run apt-get update)")?
        .to_string();
    let list = out(Command::new("apt-cache").args([
        "search",
        "--names-only",
        r"^linux-image-6\.12\.[0-9]+\+deb12-amd64$",
    ]))?;
    let mut v612: Vec<&str> = list.lines().filter_map(|l| l.split_whitespace().next()).collect();
    v612.sort_by_key(|p| {
        p.split(['.', '+']).nth(2).and_then(|n| n.parse::<u32>().ok()).unwrap_or(0)
    });
    let mut pkgs = vec![base];
    if let Some(p) = v612.last() {
        pkgs.push((*p).to_string());
    }
    Ok(pkgs)
}

/// Downloads and extracts the kernels.
pub fn run(root: &Path) -> anyhow::Result<()> {
    let dest = root.join("target/kernels");
    std::fs::create_dir_all(&dest)?;
    for pkg in packages()? {
        let dir = dest.join(pkg.trim_start_matches("linux-image-"));
        if dir.join("vmlinuz").exists() {
            println!("{pkg}: already in {}", dir.display());
            continue;
        }
        let tmp = tempdir(&dest, &pkg)?;
        out(Command::new("apt-get").current_dir(&tmp).args(["download", "-qq", &pkg]))?;
        let deb = std::fs::read_dir(&tmp)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
            .context("no .deb downloaded")?;
        let unpacked = tmp.join("root");
        out(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpacked))?;
        let vmlinuz = std::fs::read_dir(unpacked.join("boot"))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("vmlinuz-")))
            .context("no vmlinuz in the package")?;
        std::fs::create_dir_all(&dir)?;
        std::fs::copy(&vmlinuz, dir.join("vmlinuz"))?;
        std::fs::remove_dir_all(&tmp)?;
        println!("{pkg}: {}", dir.join("vmlinuz").display());
    }
    Ok(())
}

fn tempdir(base: &Path, name: &str) -> anyhow::Result<std::path::PathBuf> {
    let d = base.join(format!(".download-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
