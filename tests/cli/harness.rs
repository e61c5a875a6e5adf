//! Test harness: the real binaries, a real agent in a temporary directory.
//!

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Directory holding the built binaries (`target/<profile>`), built on first use.
pub fn bin_dir() -> &'static Path {
    testbed::built_binaries()
}

/// Path of one binary.
pub fn bin(name: &str) -> PathBuf {
    bin_dir().join(name)
}

/// Repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Polls `check` until it is true or `timeout` passes.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out after {timeout:?} waiting for {what}");
}

/// A running `cilium-agent` with its own directories. Stopped (and reaped) on drop.
pub struct Agent {
    pub dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Agent {
    /// Starts an agent with `config` as its config.yaml and waits for its socket to answer.
    pub fn start(config: &str) -> Agent {
        Self::start_with(config, &[])
    }

    /// Same, with extra environment variables.
    pub fn start_with(config: &str, env: &[(&str, &str)]) -> Agent {
        Self::start_full(config, env, |_| Vec::new())
    }

    /// Same, letting the test prepare files in the agent's directory and add flags (later
    /// `--set`s win over the harness's).
    pub fn start_full(
        config: &str,
        env: &[(&str, &str)],
        prepare: impl FnOnce(&Path) -> Vec<String>,
    ) -> Agent {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("config.yaml"), config).expect("write config");
        let extra = prepare(dir.path());
        let mut agent = Agent { dir, child: None };
        let mut cmd = agent.command(env);
        cmd.args(&extra);
        let child = cmd.spawn().expect("spawn cilium-agent");
        agent.child = Some(child);
        agent.wait_ready();
        agent
    }

    /// The command line that starts this agent (for tests that want to run a second one).
    pub fn command(&self, env: &[(&str, &str)]) -> Command {
        let d = self.dir.path();
        let mut cmd = Command::new(bin("cilium-agent"));
        cmd.arg("--config-dir")
            .arg(d)
            .arg("--run-dir")
            .arg(d.join("run"))
            .arg("--state-dir")
            .arg(d.join("state"))
            .arg("--node-name")
            .arg("vm1")
            // These tests run on the host's network: never attach to its devices, and never
            // contact the configured nodes (no secret, no encryption: no announcements). The
            // datapath and membership are exercised in network namespaces by tests/e2e.
            .arg("--set")
            .arg("hostFirewall.enabled=false")
            .arg("--set")
            .arg("encryption.enabled=false")
            .arg("--set")
            .arg(format!("cluster.secretFile={}", d.join("no-secret").display()))
            // Parallel agents on one network would fight over TCP 4244; the unix socket stays.
            .arg("--set")
            .arg("hubble.listenAddress=")
            .arg("--bpf-root")
            .arg(d.join("bpf"))
            .env_remove("CILIUM_SOCK")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(d.join("agent.log")).expect("log file"));
        cmd
    }

    /// The API socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("run/cilium.sock")
    }

    /// Everything the agent logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("agent.log")).unwrap_or_default()
    }

    fn wait_ready(&mut self) {
        let socket = self.socket();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if UnixStream::connect(&socket).is_ok() {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("cilium-agent exited early with {status}; log:\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "cilium-agent did not become ready; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs `cilium ARGS` against this agent.
    pub fn cilium(&self, args: &[&str]) -> Output {
        cilium_at(&self.socket(), args)
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit status.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("agent running");
        // SAFETY: kill(2) with a pid we spawned and have not yet reaped.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("cilium-agent did not stop on SIGTERM; log:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs `cilium ARGS` against `socket`.
pub fn cilium_at(socket: &Path, args: &[&str]) -> Output {
    Command::new(bin("cilium"))
        .arg("-H")
        .arg(socket)
        .args(args)
        .env_remove("CILIUM_SOCK")
        .env("NO_COLOR", "1")
        .output()
        .expect("run cilium")
}

/// Runs `cmd`, which must exit by itself (an agent that refuses to start): its output, or a
/// panic once it is still running after 10 s (it is killed first, so nothing lingers).
pub fn must_exit(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!("it kept running instead of refusing: {}", stderr(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The seed's section 5.1 configuration of VM1.
pub const SEED_VM1: &str = "\
cluster:
  name: vm-cluster
  id: 1
encryption:
  enabled: true
  nodeEncryption: true
hostFirewall:
  enabled: true
ipam:
  mode: \"host-scope\"
k8s:
  enabled: false
nodes:
  - 192.168.1.10
  - 192.168.1.11
labels:
  node: vm1
  env: production
hubble:
  enabled: true
  listenAddress: \":4244\"
";
