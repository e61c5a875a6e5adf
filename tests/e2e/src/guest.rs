//! Linux guests under qemu for what this machine's kernel cannot show (other kernel versions,
//! the WireGuard module): Debian's kernels from `cargo xtask kernels`, a busybox initramfs the
//! caller fills, software emulation so it runs anywhere (nested VMs included, where KVM often
//! refuses the CPU model).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

fn sh(script: &str) -> anyhow::Result<std::process::Output> {
    Command::new("sh").args(["-c", script]).output().context("running sh")
}

/// The fetched kernels' directories (`vmlinuz`, `modules/`), oldest first; fetches them the
/// way CI does when fewer than two are there.
pub fn kernels() -> anyhow::Result<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/kernels");
    let list = || -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("vmlinuz").exists() && p.join("modules/load-order").exists())
            .collect();
        out.sort();
        out
    };
    if list().len() < 2 {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let st = Command::new(cargo)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .args(["run", "--quiet", "-p", "xtask", "--", "kernels"])
            .status()
            .context("running cargo xtask kernels")?;
        if !st.success() {
            bail!("`cargo xtask kernels` failed");
        }
    }
    let found = list();
    if found.len() < 2 {
        bail!(
            "the distribution kernels are missing from target/kernels: run `cargo xtask kernels`"
        );
    }
    Ok(found)
}

/// A directory tree that becomes the initramfs: busybox with `applets`, and whatever the
/// caller adds.
pub fn root(dir: &Path, applets: &[&str]) -> anyhow::Result<PathBuf> {
    let root = dir.join("root");
    for d in ["bin", "proc", "sys", "dev", "tmp", "run", "etc", "var"] {
        std::fs::create_dir_all(root.join(d))?;
    }
    // With its libraries, should the busybox here be Debian's dynamic one.
    copy_with_libs(&root, Path::new("/bin/busybox"), "bin/busybox")
        .context("busybox is needed: apt-get install busybox-static")?;
    for applet in applets {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(applet))?;
    }
    Ok(root)
}

/// Copies `exe` to `root/dest` with its shared libraries at their own paths.
pub fn copy_with_libs(root: &Path, exe: &Path, dest: &str) -> anyhow::Result<()> {
    let target = root.join(dest);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(exe, &target).with_context(|| format!("copying {}", exe.display()))?;
    let ldd = sh(&format!("ldd {}", exe.display()))?;
    for lib in
        String::from_utf8_lossy(&ldd.stdout).split_whitespace().filter(|w| w.starts_with('/'))
    {
        let to = root.join(lib.trim_start_matches('/'));
        if to.exists() {
            continue;
        }
        std::fs::create_dir_all(to.parent().context("library path")?)?;
        std::fs::copy(lib, &to).with_context(|| format!("copying {lib}"))?;
    }
    Ok(())
}

/// Writes `init`, packs `root` into `dir/initrd.gz`.
pub fn pack(root: &Path, init: &str) -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = root.join("init");
    std::fs::write(&path, init)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    let img = root.parent().context("root has a parent")?.join("initrd.gz");
    let out = sh(&format!(
        "cd {} && find . | cpio -o -H newc --quiet | gzip -1 > {}",
        root.display(),
        img.display()
    ))?;
    if !out.status.success() {
        bail!("packing the initramfs: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(img)
}

/// Boots `kernel` with `initrd` (2 CPUs, `mem_mb`), returns the console once the guest powers
/// off, or fails after 15 minutes.
pub fn boot(kernel: &Path, initrd: &Path, mem_mb: u32) -> anyhow::Result<String> {
    let log = initrd.with_extension("log");
    let mut child = Command::new("qemu-system-x86_64")
        .args(["-machine", "q35,accel=tcg", "-cpu", "max", "-smp", "2", "-nographic"])
        .args(["-no-reboot", "-m", &mem_mb.to_string()])
        .arg("-kernel")
        .arg(kernel)
        .arg("-initrd")
        .arg(initrd)
        .args(["-append", "console=ttyS0 panic=-1 quiet"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log)?)
        .stderr(Stdio::null())
        .spawn()
        .context("qemu-system-x86_64 is needed: apt-get install qemu-system-x86")?;
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "the guest did not finish in time:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(std::fs::read_to_string(&log).unwrap_or_default())
}

/// The rest of the first console line containing `marker`.
pub fn value(console: &str, marker: &str) -> Option<String> {
    console.lines().find_map(|l| l.find(marker).map(|i| l[i + marker.len()..].trim().to_string()))
}
