//! VMs made of network namespaces, for the e2e tests and the demo.
//!
//! Layout of a testbed with prefix `P`:
//! - `P-br`: a namespace holding only the bridges (`br0`, or the networks a test names with
//!   [`Testbed::create_on`]), so nothing of the host's network is involved and nothing can
//!   route out of the machine;
//! - `P-vm1`, `P-vm2`, ...: one namespace per VM, with `eth0` (a veth whose peer is a port of
//!   `br0`) carrying the VM's address, e.g. the seed's 192.168.1.10/24;
//! - a private mount namespace per VM, persisted under `/run/P/`, with its own tmpfs on
//!   `/var/run/cilium`, `/var/run/wireguard`, `/etc/cilium`, `/var/lib/cilium`, a sysfs of its
//!   network namespace on `/sys` and its own bpffs on `/sys/fs/bpf`. Commands run inside with
//!   `nsenter`, exactly as an operator would run them on a VM.
//!
//! Everything is named from the prefix, so [`cleanup`] can remove a testbed left by a crashed
//! run without any record of it.

#![forbid(unsafe_code)]

pub mod guest;
pub mod pki;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A cluster secret for tests (base64 of 36 bytes).
pub const TEST_SECRET: &str = "dGVzdC1jbHVzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";

/// Directories of the product that each VM gets privately.
const PRIVATE_DIRS: &[&str] =
    &["/var/run/cilium", "/var/run/wireguard", "/etc/cilium", "/var/lib/cilium"];

/// A set of VMs joined by one bridge.
#[derive(Debug)]
pub struct Testbed {
    prefix: String,
    root: PathBuf,
    vms: Vec<Vm>,
    agents: Vec<(String, Child)>,
    others: Vec<Child>,
    keep: bool,
}

/// One VM: a network namespace plus a mount namespace.
#[derive(Debug, Clone)]
pub struct Vm {
    /// Short name (`vm1`).
    pub name: String,
    /// Address without prefix length (`192.168.1.10`).
    pub ip: String,
    netns: String,
    mnt: PathBuf,
    bin_dir: PathBuf,
}

/// Runs a command; fails with its stderr when it exits non-zero.
pub fn run(cmd: &mut Command) -> anyhow::Result<Output> {
    let out = cmd.stdin(Stdio::null()).output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out)
}

fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

/// Fails loudly when the machine cannot host a testbed: tests must never pass by skipping.
pub fn require_capabilities() -> anyhow::Result<()> {
    // SAFETY-free check: root is uid 0 in /proc/self/status.
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or("");
    if uid_line.split_whitespace().nth(1) != Some("0") {
        bail!(
            "the e2e tests need root (network and mount namespaces); run them as root, as CI does"
        );
    }
    for tool in ["ip", "nsenter", "unshare", "mount"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true)
        {
            bail!("`{tool}` is missing; install iproute2/util-linux (.ci/run does)");
        }
    }
    Ok(())
}

/// The kernel's ARP and NDP tables are one per machine, shared by every namespace: N VMs on
/// one host hold about 2N² entries (each VM's peers on `eth0` and again on `cilium_wg0`), so
/// past ~22 VMs the default `gc_thresh3` of 1024 overflows, new neighbours fail and packets
/// are discarded before they reach any device. Real VMs each have their own kernel; a fleet of
/// namespaces needs the shared limits raised (never lowered).
fn raise_neighbour_limits(vms: usize) -> anyhow::Result<()> {
    let want = (4 * vms * vms).max(1024);
    for family in ["ipv4", "ipv6"] {
        for (knob, value) in
            [("gc_thresh1", want / 8), ("gc_thresh2", want / 2), ("gc_thresh3", want)]
        {
            let path = format!("/proc/sys/net/{family}/neigh/default/{knob}");
            let now: usize = fs::read_to_string(&path)
                .with_context(|| format!("reading {path}"))?
                .trim()
                .parse()
                .with_context(|| format!("parsing {path}"))?;
            if now < value {
                fs::write(&path, value.to_string()).with_context(|| format!("raising {path}"))?;
            }
        }
    }
    Ok(())
}

impl Testbed {
    /// Creates the bridge and the VMs, each `(name, address/len)`. `bin_dir` holds our binaries.
    pub fn create(prefix: &str, vms: &[(&str, &str)], bin_dir: &Path) -> anyhow::Result<Testbed> {
        let on_one: Vec<(&str, &str, &str)> = vms.iter().map(|(n, c)| (*n, *c, "br0")).collect();
        Testbed::create_on(prefix, &on_one, bin_dir)
    }

    /// Like [`Testbed::create`], each VM `(name, address/len, bridge)` on the bridge it
    /// names: VMs on different bridges are different networks, joined only by what the test
    /// routes between them.
    pub fn create_on(
        prefix: &str,
        vms: &[(&str, &str, &str)],
        bin_dir: &Path,
    ) -> anyhow::Result<Testbed> {
        require_capabilities()?;
        cleanup(prefix)?;
        raise_neighbour_limits(vms.len())?;
        let root = Path::new("/run").join(prefix);
        let mut tb = Testbed {
            prefix: prefix.to_string(),
            root: root.clone(),
            vms: Vec::new(),
            agents: Vec::new(),
            others: Vec::new(),
            keep: false,
        };
        fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        // Persisted mount namespaces must live on a private mount.
        run(&mut cmd("mount", &["--bind", path_str(&root)?, path_str(&root)?]))?;
        run(&mut cmd("mount", &["--make-private", path_str(&root)?]))?;
        for d in PRIVATE_DIRS {
            fs::create_dir_all(d).with_context(|| format!("creating mount point {d}"))?;
        }
        run(&mut cmd("ip", &["netns", "add", &tb.bridge_ns()]))?;

        for (name, cidr, bridge) in vms {
            let netns = format!("{prefix}-{name}");
            let ip = cidr.split('/').next().unwrap_or(cidr).to_string();
            run(&mut cmd("ip", &["netns", "add", &netns]))?;
            run(&mut cmd("ip", &["-n", &netns, "link", "set", "lo", "up"]))?;
            tb.plug(&netns, name, bridge, "eth0", cidr)?;

            let mnt = root.join(format!("{name}.mnt"));
            fs::write(&mnt, b"").with_context(|| format!("creating {}", mnt.display()))?;
            let mut setup =
                String::from("set -e; mount -t sysfs sysfs /sys; mount -t bpf bpf /sys/fs/bpf; ");
            for d in PRIVATE_DIRS {
                setup.push_str(&format!("mount -t tmpfs -o mode=0755 tmpfs {d}; "));
            }
            run(Command::new("nsenter")
                .arg(format!("--net=/var/run/netns/{netns}"))
                .arg("unshare")
                .arg(format!("--mount={}", mnt.display()))
                .args(["--propagation", "private", "sh", "-c", &setup]))?;
            tb.vms.push(Vm {
                name: name.to_string(),
                ip,
                netns,
                mnt,
                bin_dir: bin_dir.to_path_buf(),
            });
        }
        Ok(tb)
    }

    /// Gives `vm` another interface `ifname` with `cidr` on `bridge` (a router's second leg).
    pub fn attach(&self, vm: &str, bridge: &str, ifname: &str, cidr: &str) -> anyhow::Result<()> {
        let netns = self.vm(vm).netns.clone();
        self.plug(&netns, &format!("{vm}-{ifname}"), bridge, ifname, cidr)
    }

    /// The namespace that holds the bridges, so that nothing of the testbed touches the host's.
    fn bridge_ns(&self) -> String {
        format!("{}-br", self.prefix)
    }

    /// A veth from `netns` (`ifname`, with `cidr`) to `bridge`, which is created on first use;
    /// `port` names the bridge's end.
    fn plug(
        &self,
        netns: &str,
        port: &str,
        bridge: &str,
        ifname: &str,
        cidr: &str,
    ) -> anyhow::Result<()> {
        let br = self.bridge_ns();
        let exists = cmd("ip", &["-n", &br, "link", "show", "dev", bridge])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !exists {
            run(&mut cmd("ip", &["-n", &br, "link", "add", "name", bridge, "type", "bridge"]))?;
            run(&mut cmd("ip", &["-n", &br, "link", "set", "dev", bridge, "up"]))?;
        }
        if port.len() > 15 {
            bail!("interface name {port} is longer than 15 characters");
        }
        run(&mut cmd(
            "ip",
            &[
                "link", "add", "name", port, "netns", &br, "type", "veth", "peer", "name", ifname,
                "netns", netns,
            ],
        ))?;
        run(&mut cmd("ip", &["-n", &br, "link", "set", "dev", port, "master", bridge, "up"]))?;
        run(&mut cmd("ip", &["-n", netns, "addr", "add", cidr, "dev", ifname]))?;
        run(&mut cmd("ip", &["-n", netns, "link", "set", "dev", ifname, "up"]))?;
        Ok(())
    }

    /// The VM called `name`.
    pub fn vm(&self, name: &str) -> &Vm {
        self.vms.iter().find(|v| v.name == name).unwrap_or_else(|| panic!("no VM named {name}"))
    }

    /// All VMs.
    pub fn vms(&self) -> &[Vm] {
        &self.vms
    }

    /// The prefix of every name this testbed created.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Leaves everything running when dropped (the demo's `--keep`).
    pub fn keep(&mut self) {
        self.keep = true;
    }

    /// Writes the same cluster secret into every VM (`/etc/cilium/cluster-secret`, 0600).
    pub fn share_secret(&self, secret: &str) -> anyhow::Result<()> {
        for v in &self.vms {
            v.write_file_mode("/etc/cilium/cluster-secret", &format!("{secret}\n"), 0o600)?;
        }
        Ok(())
    }

    /// Writes `config` as `/etc/cilium/config.yaml` of `vm` and starts its agent, waiting until
    /// `cilium status` answers. The agent's log goes to `/run/<prefix>/<vm>.log`.
    pub fn start_agent(&mut self, vm: &str, config: &str) -> anyhow::Result<()> {
        self.vm(vm).write_file("/etc/cilium/config.yaml", config)?;
        self.restart_agent(vm)
    }

    /// Starts `vm`'s agent with the config it already has (after [`Testbed::kill_agent`]).
    pub fn restart_agent(&mut self, vm: &str) -> anyhow::Result<()> {
        let v = self.vm(vm).clone();
        let log = self.root.join(format!("{vm}.log"));
        let log_file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .with_context(|| format!("creating {}", log.display()))?;
        let child = v
            .command(&[
                path_str(&v.bin_dir.join("cilium-agent"))?,
                "--config-dir=/etc/cilium",
                &format!("--node-name={vm}"),
            ])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("starting cilium-agent")?;
        self.agents.push((vm.to_string(), child));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if v.exec(&["cilium", "status", "--brief"]).is_ok_and(|o| o.status.success()) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "the agent of {vm} did not come up; log:\n{}",
                    fs::read_to_string(&log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills `vm`'s agent with SIGKILL (a crash), and waits until it is gone.
    pub fn kill_agent(&mut self, vm: &str) {
        let (mine, rest): (Vec<_>, Vec<_>) = self.agents.drain(..).partition(|(n, _)| n == vm);
        self.agents = rest;
        for (_, mut c) in mine {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts a background process in `vm`, stopped when the testbed is dropped.
    pub fn spawn(&mut self, vm: &str, argv: &[&str]) -> anyhow::Result<()> {
        let child = self
            .vm(vm)
            .command(argv)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {argv:?} in {vm}"))?;
        self.others.push(child);
        Ok(())
    }

    /// Starts a background process in `vm` and hands it to the caller (who must reap it).
    pub fn spawn_child(&self, vm: &str, argv: &[&str]) -> anyhow::Result<Child> {
        self.vm(vm)
            .command(argv)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {argv:?} in {vm}"))
    }

    /// Writes a helper file under the testbed's directory and returns its path.
    pub fn helper_file(&self, name: &str, content: &str) -> anyhow::Result<PathBuf> {
        let p = self.root.join(name);
        fs::write(&p, content)?;
        Ok(p)
    }

    /// Captures on `vm`'s `device` with a tcpdump `filter` (e.g. `host 192.168.1.11`) while
    /// `during` runs; returns tcpdump's lines for what it captured.
    pub fn capture(
        &self,
        vm: &str,
        device: &str,
        filter: &str,
        during: impl FnOnce(),
    ) -> anyhow::Result<Vec<String>> {
        let capture = self.start_capture(vm, device, filter)?;
        during();
        capture.finish()
    }

    /// Starts capturing on `vm`'s `device`, returning once tcpdump records; [`Capture::finish`]
    /// stops it and reads what it saw.
    pub fn start_capture(&self, vm: &str, device: &str, filter: &str) -> anyhow::Result<Capture> {
        let file = self.helper_file(&format!("{vm}-{device}.pcap"), "")?;
        let _ = fs::remove_file(&file);
        let path = path_str(&file)?.to_string();
        let mut argv = vec!["tcpdump", "-i", device, "-nn", "--immediate-mode", "-U", "-w", &path];
        argv.extend(filter.split_whitespace());
        let child = self.spawn_child(vm, &argv)?;
        let capture = Capture { vm: self.vm(vm).clone(), child: Some(child), file };
        wait_for("tcpdump to start", Duration::from_secs(10), || {
            fs::metadata(&capture.file).is_ok_and(|m| m.len() >= 24)
        })?;
        Ok(capture)
    }

    /// The process id of `vm`'s agent, while it runs.
    pub fn agent_pid(&self, vm: &str) -> Option<u32> {
        self.agents.iter().find(|(n, _)| n == vm).map(|(_, c)| c.id())
    }

    /// The log of `vm`'s agent.
    pub fn agent_log(&self, vm: &str) -> String {
        fs::read_to_string(self.root.join(format!("{vm}.log"))).unwrap_or_default()
    }
}

/// A running tcpdump (see [`Testbed::start_capture`]); stopped when finished or dropped.
pub struct Capture {
    vm: Vm,
    child: Option<Child>,
    file: PathBuf,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture").field("vm", &self.vm.name).field("file", &self.file).finish()
    }
}

impl Capture {
    /// Stops tcpdump and returns its lines for what it captured.
    pub fn finish(self) -> anyhow::Result<Vec<String>> {
        self.finish_with(&[])
    }

    /// Like [`Capture::finish`], reading the capture with extra tcpdump `flags` (`-A` shows
    /// the payloads).
    pub fn finish_with(mut self, flags: &[&str]) -> anyhow::Result<Vec<String>> {
        self.stop();
        let mut argv = vec!["tcpdump", "-nn"];
        argv.extend_from_slice(flags);
        argv.extend(["-r", path_str(&self.file)?]);
        let out = self.vm.run(&argv)?;
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
    }

    /// tcpdump's lines for what it captured so far, while it goes on.
    pub fn seen(&self) -> anyhow::Result<Vec<String>> {
        let out = self.vm.exec(&["tcpdump", "-nn", "-r", path_str(&self.file)?])?;
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGINT: tcpdump writes out everything it captured and exits.
            let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
            let _ = child.wait();
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        for (_, mut a) in self.agents.drain(..) {
            let _ = a.kill();
            let _ = a.wait();
        }
        for mut c in self.others.drain(..) {
            let _ = c.kill();
            let _ = c.wait();
        }
        if let Err(e) = cleanup(&self.prefix) {
            eprintln!("testbed cleanup of {} failed: {e:#}", self.prefix);
        }
    }
}

impl Vm {
    /// A command that runs inside the VM (its network and mount namespaces), with our binaries
    /// first on `PATH` so that plain `cilium status` works as on a real VM.
    pub fn command(&self, argv: &[&str]) -> Command {
        let mut c = Command::new("nsenter");
        c.arg(format!("--net=/var/run/netns/{}", self.netns))
            .arg(format!("--mount={}", self.mnt.display()))
            .arg("--");
        c.args(argv);
        let path = std::env::var("PATH").unwrap_or_default();
        c.env("PATH", format!("{}:{path}", self.bin_dir.display()));
        c.env_remove("CILIUM_SOCK");
        c
    }

    /// Runs a command inside the VM and returns its output, whatever its exit code.
    pub fn exec(&self, argv: &[&str]) -> anyhow::Result<Output> {
        self.command(argv)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {argv:?} in {}", self.name))
    }

    /// Runs a command inside the VM; fails when it exits non-zero.
    pub fn run(&self, argv: &[&str]) -> anyhow::Result<Output> {
        run(&mut self.command(argv))
    }

    /// Writes a file inside the VM's private directories.
    pub fn write_file(&self, path: &str, content: &str) -> anyhow::Result<()> {
        self.write_file_mode(path, content, 0o644)
    }

    /// Writes a file inside the VM with a mode (e.g. 0600 for the cluster secret).
    pub fn write_file_mode(&self, path: &str, content: &str, mode: u32) -> anyhow::Result<()> {
        use std::io::Write;
        let script = format!(
            "mkdir -p \"$(dirname {path})\" && umask 077 && cat > {path} && chmod {mode:o} {path}"
        );
        let mut child = self
            .command(&["sh", "-c", &script])
            .stdin(Stdio::piped())
            .spawn()
            .context("writing a file in the VM")?;
        child.stdin.take().context("stdin")?.write_all(content.as_bytes())?;
        let status = child.wait()?;
        if !status.success() {
            bail!("writing {path} in {} failed", self.name);
        }
        Ok(())
    }

    /// True when `curl` gets an HTTP answer from `url` within two seconds.
    pub fn http_ok(&self, url: &str) -> bool {
        self.exec(&["curl", "-s", "-o", "/dev/null", "--max-time", "2", url])
            .is_ok_and(|o| o.status.success())
    }

    /// Runs `cilium ARGS -o json` in the VM and parses the answer.
    pub fn cilium_json(&self, args: &[&str]) -> anyhow::Result<serde_json::Value> {
        let mut argv = vec!["cilium"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["-o", "json"]);
        let out = self.run(&argv)?;
        serde_json::from_slice(&out.stdout)
            .with_context(|| format!("parsing the output of {argv:?}"))
    }

    /// The network namespace's name.
    pub fn netns(&self) -> &str {
        &self.netns
    }

    /// The persisted mount namespace.
    pub fn mount_ns(&self) -> &Path {
        &self.mnt
    }
}

/// Removes every namespace, process, mount and directory of the testbed `prefix`; safe to run
/// when nothing exists, and after a crash.
pub fn cleanup(prefix: &str) -> anyhow::Result<()> {
    let list = run(&mut cmd("ip", &["netns", "list"]))?;
    let ours: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with(&format!("{prefix}-")))
        .map(str::to_string)
        .collect();
    for ns in &ours {
        if let Ok(out) = run(&mut cmd("ip", &["netns", "pids", ns])) {
            for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                let _ = Command::new("kill").args(["-9", pid]).status();
            }
        }
    }
    // Killed processes must be gone before their namespaces can be freed. One namespace that
    // will not go must not keep the others (or the mounts) alive: try everything, then report.
    let mut failed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    for ns in &ours {
        while Instant::now() < deadline
            && run(&mut cmd("ip", &["netns", "pids", ns])).is_ok_and(|o| !o.stdout.is_empty())
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Err(e) = run(&mut cmd("ip", &["netns", "del", ns])) {
            failed.push(format!("{e:#}"));
        }
    }
    let root = Path::new("/run").join(prefix);
    if root.exists() {
        if let Ok(entries) = fs::read_dir(&root) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "mnt") {
                    unmount(&e.path());
                }
            }
        }
        unmount(&root);
        if let Err(e) = fs::remove_dir_all(&root) {
            failed.push(format!("removing {}: {e}", root.display()));
        }
    }
    match failed.is_empty() {
        true => Ok(()),
        false => bail!("cleanup of {prefix} left things behind: {}", failed.join("; ")),
    }
}

/// Unmounts every mount stacked on `path`: politely while processes of the namespaces still
/// exit, then lazily.
fn unmount(path: &Path) {
    let mounted = || {
        fs::read_to_string("/proc/self/mounts")
            .is_ok_and(|m| m.lines().any(|l| l.split_whitespace().nth(1) == path.to_str()))
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while mounted() && Instant::now() < deadline {
        let _ = Command::new("umount").arg(path).stderr(Stdio::null()).status();
        if mounted() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    while mounted() {
        if !Command::new("umount")
            .arg("-l")
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            break;
        }
    }
}

fn path_str(p: &Path) -> anyhow::Result<&str> {
    p.to_str().with_context(|| format!("non-UTF-8 path {}", p.display()))
}

/// A prefix unique to this process and call, short enough for interface names.
pub fn unique_prefix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("e{}{}", std::process::id(), char::from(b'a' + (n % 26) as u8))
}

/// Removes testbeds of test runs whose process no longer exists (names `e<pid><letter>-...`).
pub fn sweep_stale() {
    let Ok(out) = run(&mut cmd("ip", &["netns", "list"])) else { return };
    let mut prefixes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|n| n.split_once('-').map(|(p, _)| p.to_string()))
        .filter(|p| p.starts_with('e') && p.len() > 2)
        .collect();
    prefixes.dedup();
    for p in prefixes {
        let digits = &p[1..p.len() - 1];
        let Ok(pid) = digits.parse::<u32>() else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = cleanup(&p);
        }
    }
}

/// Builds our binaries once (same profile as the calling test) and returns their directory.
/// `cargo test` does not build other packages' binaries for a test, so tests call this first.
pub fn built_binaries() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> (tests) or target/<profile>/<bin> -> target/<profile>
        let parent = exe.parent().expect("executable directory");
        let dir = if parent.file_name().is_some_and(|n| n == "deps") {
            parent.parent().expect("target dir")
        } else {
            parent
        }
        .to_path_buf();
        let release = dir.file_name().is_some_and(|n| n == "release");
        if let Err(e) = build_binaries(release) {
            panic!("{e:#}");
        }
        dir
    })
}

/// Builds `cilium-agent`, `cilium` and `hubble` with the workspace's cargo (the one running
/// us, when there is one): the tests, the demo and the Debian package all need exactly these.
pub fn build_binaries(release: bool) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut c = Command::new(cargo);
    c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    c.args(["build", "--quiet", "--locked", "--bins"]);
    c.args(["-p", "cilium-agent", "-p", "cli-cilium", "-p", "cli-hubble"]);
    if release {
        c.arg("--release");
    }
    let status = c.status().context("running cargo build for the binaries")?;
    if !status.success() {
        bail!("building the binaries failed");
    }
    Ok(())
}

/// Whether a tcpdump line (`-nn`) is a packet from or to `port`. Reads the two address fields
/// around `>`: matching text anywhere would also match the timestamp (`21:45:23.808084`).
pub fn touches_port(line: &str, port: u16) -> bool {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let Some(arrow) = fields.iter().position(|f| *f == ">") else { return false };
    let port = port.to_string();
    let has = |field: Option<&&str>| {
        field.and_then(|f| f.trim_end_matches(':').rsplit_once('.')).is_some_and(|(_, p)| p == port)
    };
    arrow > 0 && (has(fields.get(arrow - 1)) || has(fields.get(arrow + 1)))
}

/// Polls `check` until it holds or `timeout` passes; fails with `what`.
pub fn wait_for(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> bool,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("timed out after {timeout:?} waiting for {what}")
}

/// The seed's section 5.1 configuration of one VM, with the cluster's node addresses and
/// extra labels.
pub fn seed_config(node: &str, nodes: &[&str], labels: &[(&str, &str)]) -> String {
    let mut c = String::from(
        "cluster:\n  name: vm-cluster\n  id: 1\n\
         encryption:\n  enabled: true\n  nodeEncryption: true\n\
         hostFirewall:\n  enabled: true\n\
         ipam:\n  mode: \"host-scope\"\n\
         k8s:\n  enabled: false\n\
         nodes:\n",
    );
    for n in nodes {
        c.push_str(&format!("  - {n}\n"));
    }
    c.push_str(&format!("labels:\n  node: {node}\n  env: production\n"));
    for (k, v) in labels {
        c.push_str(&format!("  {k}: {v}\n"));
    }
    c.push_str("hubble:\n  enabled: true\n  listenAddress: \":4244\"\nprometheus:\n  enabled: true\n  port: \"9962\"\n");
    c
}

/// The seed's VMs.
pub const SEED_VMS: &[(&str, &str)] =
    &[("vm1", "192.168.1.10/24"), ("vm2", "192.168.1.11/24"), ("vm3", "192.168.1.12/24")];

/// A testbed of the seed's VMs, each running an agent with [`seed_config`] (plus `labels` per
/// VM), all agreeing on the membership before this returns.
pub fn seed_cluster(
    prefix: &str,
    vms: &[(&str, &str)],
    labels: &[(&str, &[(&str, &str)])],
) -> anyhow::Result<Testbed> {
    let members: Vec<&str> = vms.iter().map(|(n, _)| *n).collect();
    seed_cluster_with(prefix, vms, &members, labels)
}

/// Like [`seed_cluster`], with agents (and `nodes:` entries) only on `members`; the other VMs
/// are plain machines on the same network.
pub fn seed_cluster_with(
    prefix: &str,
    vms: &[(&str, &str)],
    members: &[&str],
    labels: &[(&str, &[(&str, &str)])],
) -> anyhow::Result<Testbed> {
    seed_cluster_configured(prefix, vms, members, labels, &|_, c| c)
}

/// Like [`seed_cluster_with`], each member's configuration passed through `edit(vm, config)`.
pub fn seed_cluster_configured(
    prefix: &str,
    vms: &[(&str, &str)],
    members: &[&str],
    labels: &[(&str, &[(&str, &str)])],
    edit: &dyn Fn(&str, String) -> String,
) -> anyhow::Result<Testbed> {
    let mut tb = Testbed::create(prefix, vms, built_binaries())?;
    tb.share_secret(TEST_SECRET)?;
    let ips: Vec<String> = vms
        .iter()
        .filter(|(n, _)| members.contains(n))
        .map(|(_, cidr)| cidr.split('/').next().unwrap_or(cidr).to_string())
        .collect();
    let ip_refs: Vec<&str> = ips.iter().map(String::as_str).collect();
    for name in members {
        let extra = labels.iter().find(|(n, _)| n == name).map_or(&[][..], |(_, l)| *l);
        tb.start_agent(name, &edit(name, seed_config(name, &ip_refs, extra)))?;
    }
    for name in members {
        let vm = tb.vm(name).clone();
        let reachable = wait_for(
            &format!("{name} to see every node reachable"),
            Duration::from_secs(20),
            || {
                vm.cilium_json(&["status"]).is_ok_and(|s| {
                    s["cluster"]["nodes"].as_array().is_some_and(|n| {
                        n.len() == members.len()
                            && n.iter().all(|n| n["health"]["state"] == "Reachable")
                    })
                })
            },
        );
        if let Err(e) = reachable {
            let status = vm.exec(&["cilium", "status", "--all-health"]).map(|o| o.stdout);
            bail!(
                "{e:#}\n{name}'s status:\n{}\n{name}'s log:\n{}",
                String::from_utf8_lossy(&status.unwrap_or_default()),
                tb.agent_log(name)
            );
        }
    }
    Ok(tb)
}

/// Where pip puts scripts for the `python3` on PATH, which PATH may lack: its scripts directory
/// (Debian's pip as root writes /usr/local/bin), then beside the interpreter (pyenv).
pub fn python_script_dirs() -> Vec<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, os, sysconfig; print(sysconfig.get_path('scripts')); \
             print(os.path.dirname(os.path.realpath(sys.executable)))",
        ])
        .output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).lines().map(PathBuf::from).collect())
        .unwrap_or_default()
}

/// A command that pip installs (`name`, from the package `spec`): in the scripts directory of the
/// `python3` on PATH (which PATH may lack), else on PATH. Panics, saying how to install
/// it, when it is in neither.
pub fn pip_tool(name: &str, spec: &str) -> PathBuf {
    if let Some(found) = python_script_dirs().into_iter().map(|d| d.join(name)).find(|p| p.exists())
    {
        return found;
    }
    let out = Command::new("sh").args(["-c", &format!("command -v {name}")]).output();
    let found =
        out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    assert!(!found.is_empty(), "{name} not found: `python3 -m pip install '{spec}'` (CI does)");
    PathBuf::from(found)
}

/// A `systemctl` for VMs without systemd (see the script); `@STATE@` is its state directory.
pub const SYSTEMCTL_STAND_IN: &str = include_str!("systemctl.sh");

/// A Python echo server (`python3 echo.py ADDRESS PORT`): one thread per connection.
pub const ECHO_SERVER: &str = r#"
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16)
def serve(c):
    while True:
        d = c.recv(64)
        if not d: return
        c.sendall(d)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
"#;

/// A long-lived Python client session (`python3 session.py ADDRESS PORT LOG`): a ping every
/// 100 ms, each answer logged to a file; it exits when the connection breaks, so the log
/// stops growing.
pub const SESSION_CLIENT: &str = r#"
import socket, sys, time
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
n = 0
while True:
    c.sendall(b"ping %d\n" % n)
    d = c.recv(64)
    if not d: break
    with open(sys.argv[3], "a") as f: f.write("pong %d\n" % n)
    n += 1; time.sleep(0.1)
"#;

#[cfg(test)]
mod tests {
    use super::touches_port;

    #[test]
    fn ports_are_read_from_the_addresses_not_the_timestamp() {
        let wg = "21:45:23.808084 IP 192.168.1.10.51871 > 192.168.1.11.51871: UDP, length 96";
        assert!(!touches_port(wg, 8080));
        assert!(touches_port(wg, 51871));
        let syn = "21:45:23.1 IP 192.168.1.11.40000 > 192.168.1.10.8080: Flags [S], seq 1";
        assert!(touches_port(syn, 8080));
        let reply = "21:45:23.1 IP 192.168.1.10.8080 > 192.168.1.11.40000: Flags [S.], seq 2";
        assert!(touches_port(reply, 8080));
        assert!(!touches_port("21:45:23.808080 ARP, Request who-has 192.168.1.10", 8080));
    }
}
