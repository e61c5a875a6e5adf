//! `cargo xtask deb`: a Debian package of the three binaries, the systemd unit, the example
//! configuration and policies, completions and man pages, in Debian's standard places.
//!
//! Built with `dpkg-deb` from a staged tree rather than cargo-deb: the layout is a dozen lines
//! here, and the package needs files (gzipped man pages, a unit with `/usr/bin` paths) that
//! would need the same code around cargo-deb anyway.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// What goes into the package and where it is written.
pub struct Request {
    /// Directory holding `cilium-agent`, `cilium`, `hubble` (default: a fresh release build).
    pub bin_dir: Option<PathBuf>,
    /// Directory the `.deb` is written to.
    pub out_dir: PathBuf,
    /// dpkg-deb's compressor: `xz` (Debian's default), `gzip`, `zstd` or `none`.
    pub compression: String,
}

/// The package name: `cilium` belongs to upstream's own packages.
pub const PACKAGE: &str = "cilium-vm";

/// Builds the package and returns its path.
pub fn run(root: &Path, req: &Request) -> anyhow::Result<PathBuf> {
    let bin_dir = match &req.bin_dir {
        Some(d) => d.clone(),
        None => {
            testbed::build_binaries(true)?;
            root.join("target/release")
        }
    };
    let arch = output(Command::new("dpkg").arg("--print-architecture"))?;
    let version = env!("CARGO_PKG_VERSION");

    let stage = req.out_dir.join(format!("{PACKAGE}_{version}_{arch}"));
    if stage.exists() {
        std::fs::remove_dir_all(&stage).with_context(|| format!("removing {}", stage.display()))?;
    }
    for name in ["cilium-agent", "cilium", "hubble"] {
        install(&bin_dir.join(name), &stage.join("usr/bin").join(name), 0o755)?;
    }

    for unit_name in ["cilium.service", "cilium-block-peers.service"] {
        let unit = std::fs::read_to_string(root.join("deploy/systemd").join(unit_name))?
            .replace("/usr/local/bin/", "/usr/bin/");
        write(&stage.join("lib/systemd/system").join(unit_name), &unit, 0o644)?;
    }
    install(&root.join("deploy/config/config.yaml"), &stage.join("etc/cilium/config.yaml"), 0o644)?;

    let doc = stage.join("usr/share/doc").join(PACKAGE);
    install(&root.join("README.md"), &doc.join("README.md"), 0o644)?;
    write(&doc.join("copyright"), &copyright(), 0o644)?;
    for entry in std::fs::read_dir(root.join("deploy/policies"))? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            install(&path, &doc.join("examples/policies").join(name), 0o644)?;
        }
    }
    install(
        &root.join("deploy/grafana/cilium-vm-agent.json"),
        &doc.join("examples/grafana/cilium-vm-agent.json"),
        0o644,
    )?;

    for cli in ["cilium", "hubble", "cilium-agent"] {
        let c = root.join("completions");
        install(
            &c.join(format!("{cli}.bash")),
            &stage.join("usr/share/bash-completion/completions").join(cli),
            0o644,
        )?;
        install(
            &c.join(format!("_{cli}")),
            &stage.join("usr/share/zsh/vendor-completions").join(format!("_{cli}")),
            0o644,
        )?;
        install(
            &c.join(format!("{cli}.fish")),
            &stage.join("usr/share/fish/vendor_completions.d").join(format!("{cli}.fish")),
            0o644,
        )?;
    }
    let man1 = stage.join("usr/share/man/man1");
    for entry in std::fs::read_dir(root.join("man"))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let dest = man1.join(format!("{name}.gz"));
        let body = std::fs::read(&path)?;
        std::fs::create_dir_all(&man1)?;
        // -n: no name or timestamp in the header, so the package is reproducible.
        let mut gz = Command::new("gzip")
            .args(["-9n", "-c"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("running gzip")?;
        if let Some(mut stdin) = gz.stdin.take() {
            std::io::Write::write_all(&mut stdin, &body)?;
        }
        let out = gz.wait_with_output()?;
        if !out.status.success() {
            bail!("gzip failed on {}", path.display());
        }
        std::fs::write(&dest, out.stdout)?;
        set_mode(&dest, 0o644)?;
    }

    let debian = stage.join("DEBIAN");
    let size_kib = du_kib(&stage)?;
    // dpkg --verify and debsums check installed files against these.
    let md5sums = output(
        Command::new("sh")
            .current_dir(&stage)
            .args(["-c", "find . -type f -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 md5sum"]),
    )?;
    write(&debian.join("md5sums"), &format!("{md5sums}\n"), 0o644)?;
    let glibc = glibc_needed(&bin_dir)?;
    write(&debian.join("control"), &control(version, &arch, size_kib, &glibc), 0o644)?;
    write(&debian.join("conffiles"), "/etc/cilium/config.yaml\n", 0o644)?;
    write(&debian.join("postinst"), POSTINST, 0o755)?;
    write(&debian.join("postrm"), POSTRM, 0o755)?;
    set_mode(&debian, 0o755)?;

    let deb = req.out_dir.join(format!("{PACKAGE}_{version}_{arch}.deb"));
    let status = Command::new("dpkg-deb")
        .args(["--root-owner-group", &format!("-Z{}", req.compression), "--build"])
        .arg(&stage)
        .arg(&deb)
        .status()
        .context("running dpkg-deb")?;
    if !status.success() {
        bail!("dpkg-deb --build failed");
    }
    std::fs::remove_dir_all(&stage).with_context(|| format!("removing {}", stage.display()))?;
    Ok(deb)
}

/// The newest glibc symbol version the binaries link against (what dpkg-shlibdeps would
/// derive `libc6 (>= ...)` from), e.g. `2.34`.
fn glibc_needed(bin_dir: &Path) -> anyhow::Result<String> {
    let mut newest = (2u32, 17u32);
    for name in ["cilium-agent", "cilium", "hubble"] {
        let bytes = std::fs::read(bin_dir.join(name))?;
        let tag = b"GLIBC_2.";
        let mut i = 0;
        while let Some(pos) = bytes[i..].windows(tag.len()).position(|w| w == tag) {
            let start = i + pos + tag.len();
            let digits: String = bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .map(|&b| b as char)
                .collect();
            if let Ok(minor) = digits.parse::<u32>() {
                newest = newest.max((2, minor));
            }
            i = start;
        }
    }
    Ok(format!("{}.{}", newest.0, newest.1))
}

fn control(version: &str, arch: &str, size_kib: u64, glibc: &str) -> String {
    format!(
        "Package: {PACKAGE}\n\
         Version: {version}\n\
         Architecture: {arch}\n\
         Maintainer: cilium-vm maintainers <maintainers@cilium-vm.invalid>\n\
         Installed-Size: {size_kib}\n\
         Depends: libc6 (>= {glibc}), iproute2\n\
         Recommends: wireguard-tools\n\
         Conflicts: cilium\n\
         Section: net\n\
         Priority: optional\n\
         Description: Cilium agent and CLIs for plain Linux VMs and bare metal\n \
         One daemon per machine: transparent WireGuard encryption to every other\n \
         machine of the cluster, an eBPF host firewall driven by Cilium's policy\n \
         YAML, and the cilium and hubble command-line tools.\n"
    )
}

fn copyright() -> String {
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
     Upstream-Name: cilium-vm\n\n\
     Files: *\n\
     License: Apache-2.0\n \
     On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.\n"
        .to_string()
}

// The unit is not enabled on install: the agent needs a configuration and a cluster secret
// first (README, "Install"). An upgrade restarts a running agent, so the new binaries take
// over at once (pinned maps keep enforcing meanwhile). The `cilium` group may use the API
// socket without root. Under `dpkg --root` (DPKG_ROOT set) there is no system to change.
const POSTINST: &str = "#!/bin/sh\nset -e\n\
    if [ \"$1\" = configure ] && [ -z \"${DPKG_ROOT:-}\" ]; then\n\
    \tif ! getent group cilium >/dev/null; then groupadd --system cilium || true; fi\n\
    \tif [ -d /run/systemd/system ]; then\n\
    \t\tsystemctl daemon-reload || true\n\
    \t\tif [ -n \"$2\" ]; then systemctl try-restart cilium.service || true; fi\n\
    \tfi\n\
    fi\n";

const POSTRM: &str = "#!/bin/sh\nset -e\n\
    if [ -z \"${DPKG_ROOT:-}\" ] && [ -d /run/systemd/system ]; then\n\
    \tsystemctl daemon-reload || true\nfi\n";

fn output(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn du_kib(dir: &Path) -> anyhow::Result<u64> {
    let out = output(Command::new("du").args(["-sk", "--apparent-size"]).arg(dir))?;
    out.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("unexpected du output {out:?}"))
}

fn install(from: &Path, to: &Path, mode: u32) -> anyhow::Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    set_mode(to, mode)
}

fn write(to: &Path, content: &str, mode: u32) -> anyhow::Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(to, content).with_context(|| format!("writing {}", to.display()))?;
    set_mode(to, mode)
}

fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {}", path.display()))
}
