//! `cargo xtask demo`: the seed's scenario on this machine, with VMs made of network namespaces.
//!
//! Three VMs (the seed's vm1 192.168.1.10 and vm2 192.168.1.11, plus vm3 192.168.1.12) on one
//! bridge, each running `cilium-agent` with the seed's section 5.1 configuration; then the
//! commands an operator would type, run inside vm1. `--keep` leaves it running;
//! `cargo xtask demo cleanup` removes everything, also after a crash.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use testbed::Testbed;

/// Names of everything the demo creates start with this.
pub const PREFIX: &str = "cvm";

const VMS: &[(&str, &str)] =
    &[("vm1", "192.168.1.10/24"), ("vm2", "192.168.1.11/24"), ("vm3", "192.168.1.12/24")];

fn config(vm: &str, role: &str) -> String {
    testbed::seed_config(vm, &["192.168.1.10", "192.168.1.11", "192.168.1.12"], &[("app", role)])
}

/// Runs the demo.
pub fn run(root: &Path, keep: bool) -> anyhow::Result<()> {
    testbed::require_capabilities()?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(100));

    bar.set_message("building the binaries");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--bins",
            "-p",
            "cilium-agent",
            "-p",
            "cli-cilium",
            "-p",
            "cli-hubble",
        ])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build failed");
    }
    let bin_dir = root.join("target/debug");

    bar.set_message("creating vm1, vm2 and vm3 (network namespaces on one bridge)");
    let mut tb = Testbed::create(PREFIX, VMS, &bin_dir)?;
    let out =
        Command::new(bin_dir.join("cilium")).args(["encryption", "generate-secret"]).output()?;
    tb.share_secret(String::from_utf8_lossy(&out.stdout).trim())?;
    for (vm, role) in [("vm1", "frontend"), ("vm2", "backend"), ("vm3", "other")] {
        bar.set_message(format!("starting cilium-agent on {vm}"));
        tb.start_agent(vm, &config(vm, role))?;
    }

    bar.set_message("running traffic: HTTP server on vm2, curl from vm1");
    let vm2 = tb.vm("vm2").clone();
    let mut server = vm2
        .command(&["python3", "-m", "http.server", "8080", "--bind", "192.168.1.11"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("starting the HTTP server in vm2")?;
    let vm1 = tb.vm("vm1").clone();
    let mut curl_ok = false;
    for _ in 0..100 {
        if vm1
            .exec(&[
                "curl",
                "-sf",
                "-o",
                "/dev/null",
                "--max-time",
                "2",
                "http://192.168.1.11:8080/",
            ])?
            .status
            .success()
        {
            curl_ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bar.finish_and_clear();

    let show = |title: &str, argv: &[&str]| -> anyhow::Result<()> {
        println!("\n\x1b[1mvm1$ {title}\x1b[0m");
        let out = vm1.exec(argv)?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        Ok(())
    };
    show("cilium status", &["cilium", "status"])?;
    show("cilium config", &["cilium", "config"])?;
    show("cilium version", &["cilium", "version"])?;
    println!(
        "\n\x1b[1mvm1$ curl http://192.168.1.11:8080/\x1b[0m\n{}",
        if curl_ok { "200 OK" } else { "FAILED" }
    );
    let _ = server.kill();
    let _ = server.wait();

    if keep {
        tb.keep();
        println!(
            "\nThe demo keeps running. Enter a VM with:\n  sudo nsenter --net=/var/run/netns/{PREFIX}-vm1 --mount=/run/{PREFIX}/vm1.mnt -- env PATH={}:$PATH bash\nRemove it with: sudo cargo xtask demo cleanup",
            bin_dir.display()
        );
    } else {
        println!("\nCleaning up (use --keep to leave the VMs running).");
    }
    if !curl_ok {
        bail!("vm1 could not reach vm2's HTTP server");
    }
    Ok(())
}

/// Removes everything the demo created.
pub fn cleanup() -> anyhow::Result<()> {
    testbed::require_capabilities()?;
    testbed::cleanup(PREFIX)
}
