//! `cargo xtask kernels`: fetches the Debian kernels the BPF suite also runs on (Linux 6.1, the
//! distribution's, and the 6.12 backport) into `target/kernels/<version>/vmlinuz`, with
//! `apt-get download` (no installation, nothing in /boot). The modules the guest tests load
//! (WireGuard and what it needs, veth) go to `target/kernels/<version>/modules/`, uncompressed,
//! with `load-order` listing them dependencies first.

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

/// A spinner on a terminal (hidden otherwise: CI logs get the result lines only).
fn progress(msg: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(msg.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
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
    // Stale package lists know no 6.12 image: say so, so that the caller refreshes them,
    // rather than fetching one kernel and failing the suite later.
    let newest =
        v612.last().context("no linux-image-6.12 in the package lists (run apt-get update)")?;
    Ok(vec![base, (*newest).to_string()])
}

/// Downloads and extracts the kernels.
pub fn run(root: &Path) -> anyhow::Result<()> {
    let dest = root.join("target/kernels");
    std::fs::create_dir_all(&dest)?;
    for pkg in packages()? {
        let dir = dest.join(pkg.trim_start_matches("linux-image-"));
        if complete(&dir) {
            println!("{pkg}: already in {}", dir.display());
            continue;
        }
        let spinner = progress(&format!("downloading {pkg}"));
        let tmp = tempdir(&dest, &pkg)?;
        out(Command::new("apt-get").current_dir(&tmp).args(["download", "-qq", &pkg]))?;
        spinner.set_message(format!("unpacking {pkg}"));
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
        extract_modules(&unpacked, &dir.join("modules"))?;
        std::fs::remove_dir_all(&tmp)?;
        spinner.finish_and_clear();
        println!("{pkg}: {}", dir.join("vmlinuz").display());
    }
    Ok(())
}

/// Modules the guest tests load, with their dependencies: WireGuard, TUN for the userspace
/// backend, veth for the VMs, and clsact + cls_bpf for the datapath's tc attachment below
/// Linux 6.6 (a real host loads them on demand; the guest has no modprobe).
const GUEST_MODULES: [&str; 5] = ["wireguard", "tun", "veth", "sch_ingress", "cls_bpf"];

/// Whether `dir` holds a kernel with every module of [`GUEST_MODULES`] (a kernel fetched before
/// a module joined the list is fetched again).
fn complete(dir: &Path) -> bool {
    let order = std::fs::read_to_string(dir.join("modules/load-order")).unwrap_or_default();
    dir.join("vmlinuz").exists() && GUEST_MODULES.iter().all(|m| order.lines().any(|l| l == *m))
}

/// Copies [`GUEST_MODULES`] and their dependencies out of an unpacked image package. The package
/// has no `modules.dep` (depmod writes it at install time), so dependencies come from each
/// module's own `depends=` in `.modinfo`.
fn extract_modules(unpacked: &Path, dest: &Path) -> anyhow::Result<()> {
    let base = ["lib/modules", "usr/lib/modules"]
        .iter()
        .filter_map(|d| std::fs::read_dir(unpacked.join(d)).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.join("kernel").is_dir())
        .context("no lib/modules/<version>/kernel in the package")?;
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![base.join("kernel")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(name) = module_name(&path) {
                files.insert(name, path);
            }
        }
    }
    let mut order: Vec<(String, Vec<u8>)> = Vec::new();
    fn visit(
        name: &str,
        files: &std::collections::BTreeMap<String, std::path::PathBuf>,
        order: &mut Vec<(String, Vec<u8>)>,
    ) -> anyhow::Result<()> {
        if order.iter().any(|(n, _)| n == name) {
            return Ok(());
        }
        let path =
            files.get(name).with_context(|| format!("module {name} is not in the package"))?;
        let data = read_module(path)?;
        for dep in depends(&data) {
            visit(&dep, files, order)?;
        }
        order.push((name.to_string(), data));
        Ok(())
    }
    for want in GUEST_MODULES {
        visit(want, &files, &mut order)?;
    }
    std::fs::create_dir_all(dest)?;
    for (name, data) in &order {
        std::fs::write(dest.join(format!("{name}.ko")), data)?;
    }
    let names: Vec<&str> = order.iter().map(|(n, _)| n.as_str()).collect();
    std::fs::write(dest.join("load-order"), names.join("\n") + "\n")?;
    Ok(())
}

/// `foo-bar.ko.xz` -> `foo_bar` (the kernel treats `-` and `_` alike in module names).
fn module_name(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    let stem = file.split(".ko").next().filter(|_| file.contains(".ko"))?;
    Some(stem.replace('-', "_"))
}

/// A module's contents, uncompressed (busybox insmod wants them plain).
fn read_module(path: &Path) -> anyhow::Result<Vec<u8>> {
    let name = path.to_string_lossy();
    let tool = if name.ends_with(".xz") {
        "xz"
    } else if name.ends_with(".zst") {
        "zstd"
    } else {
        return Ok(std::fs::read(path)?);
    };
    let out = Command::new(tool)
        .arg("-dc")
        .arg(path)
        .output()
        .with_context(|| format!("{tool} is needed to unpack {name}"))?;
    if !out.status.success() {
        bail!("{tool} -dc {name} failed");
    }
    Ok(out.stdout)
}

/// The `depends=` list of a module's `.modinfo`.
fn depends(module: &[u8]) -> Vec<String> {
    let key = b"depends=";
    let Some(start) = module.windows(key.len()).position(|w| w == key) else { return Vec::new() };
    let rest = &module[start + key.len()..];
    let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end])
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('-', "_"))
        .collect()
}

fn tempdir(base: &Path, name: &str) -> anyhow::Result<std::path::PathBuf> {
    let d = base.join(format!(".download-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
