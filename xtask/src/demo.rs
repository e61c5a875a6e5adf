//! `cargo xtask demo`: the seed's scenario on this machine, with VMs made of network namespaces.
//!
//! Three VMs (the seed's vm1 192.168.1.10 and vm2 192.168.1.11, plus vm3 192.168.1.12) on one
//! bridge, each running `cilium-agent` with the seed's section 5.1 configuration; then the
//! commands an operator would type, run inside vm1. `--keep` leaves it running;
//! `cargo xtask demo cleanup` removes everything, also after a crash.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::bail;
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
    testbed::build_binaries(false)?;
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

    let (vm1, vm2, vm3) = (tb.vm("vm1").clone(), tb.vm("vm2").clone(), tb.vm("vm3").clone());
    bar.set_message("waiting for the cluster: announcements and WireGuard handshakes");
    testbed::wait_for("every node reachable", Duration::from_secs(30), || {
        vm1.cilium_json(&["status"]).is_ok_and(|s| {
            s["cluster"]["nodes"]
                .as_array()
                .is_some_and(|n| n.iter().all(|n| n["health"]["state"] == "Reachable"))
        })
    })?;

    bar.set_message("running traffic: HTTP server on vm2");
    tb.spawn("vm2", &["python3", "-m", "http.server", "8080", "--bind", "192.168.1.11"])?;
    testbed::wait_for("vm2's HTTP server through the tunnel", Duration::from_secs(20), || {
        vm1.http_ok("http://192.168.1.11:8080/")
    })?;

    bar.set_message("applying the seed's policies on vm2: allow-ssh-and-web, frontend-to-backend");
    for file in ["allow-ssh-and-web.yaml", "frontend-to-backend.yaml"] {
        let policy = root.join("deploy/policies").join(file);
        vm2.run(&["cilium", "policy", "apply", &policy.display().to_string()])?;
    }
    let frontend_ok = vm1.http_ok("http://192.168.1.11:8080/");
    let other_denied = !vm3.http_ok("http://192.168.1.11:8080/");

    bar.set_message("capturing vm2's wire while vm1 talks to it");
    let capture = tb
        .capture("vm2", "eth0", "ip host 192.168.1.10", || {
            for _ in 0..3 {
                vm1.http_ok("http://192.168.1.11:8080/");
            }
        })?
        .join("\n");
    bar.finish_and_clear();

    let show = |vm: &testbed::Vm, title: &str, argv: &[&str]| -> anyhow::Result<()> {
        println!("\n\x1b[1m{}$ {title}\x1b[0m", vm.name);
        let out = vm.exec(argv)?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        Ok(())
    };
    show(&vm1, "cilium status", &["cilium", "status"])?;
    show(&vm1, "cilium encryption status", &["cilium", "encryption", "status"])?;
    show(&vm1, "wg show cilium_wg0", &["wg", "show", "cilium_wg0"])?;
    show(&vm2, "cilium endpoint list", &["cilium", "endpoint", "list"])?;
    show(&vm2, "cilium bpf policy get", &["cilium", "bpf", "policy", "get"])?;
    show(&vm2, "cilium bpf metrics list", &["cilium", "bpf", "metrics", "list"])?;
    show(&vm2, "hubble observe --last 20", &["hubble", "observe", "--last", "20"])?;
    let metrics = String::from_utf8_lossy(
        &vm2.exec(&["curl", "-s", "http://127.0.0.1:9962/metrics"])?.stdout,
    )
    .into_owned();
    let counters: Vec<&str> = metrics
        .lines()
        .filter(|l| {
            l.starts_with("cilium_forward_count_total") || l.starts_with("cilium_drop_count_total")
        })
        .collect();
    println!(
        "\n\x1b[1mvm2$ curl -s localhost:9962/metrics | grep -E '^cilium_(forward|drop)_count_total'\x1b[0m"
    );
    for l in &counters {
        println!("{l}");
    }
    let policy_drops = counters
        .iter()
        .any(|l| l.starts_with("cilium_drop_count_total") && l.contains("Policy denied"));
    println!(
        "\n\x1b[1mvm1$ curl http://192.168.1.11:8080/\x1b[0m   (app=frontend)\n{}",
        if frontend_ok { "200 OK" } else { "FAILED" }
    );
    println!(
        "\n\x1b[1mvm3$ curl http://192.168.1.11:8080/\x1b[0m   (app=other)\n{}",
        if other_denied { "denied by frontend-to-backend" } else { "NOT DENIED" }
    );
    let plaintext = capture.lines().filter(|l| l.contains(".8080")).count();
    let wireguard = capture.lines().filter(|l| l.contains(".51871: UDP")).count();
    let other: Vec<&str> = capture.lines().filter(|l| !l.contains(".51871: UDP")).collect();
    println!(
        "\n\x1b[1mvm2$ tcpdump -i eth0 ip host 192.168.1.10\x1b[0m   (during three curls from vm1)"
    );
    for l in capture.lines().take(6) {
        println!("{l}");
    }
    println!(
        "... {wireguard} WireGuard packets (UDP 51871), {plaintext} plaintext HTTP packets, {} others",
        other.len()
    );
    for l in &other {
        println!("NOT WIREGUARD: {l}");
    }

    if keep {
        tb.keep();
        println!(
            "\nEnter vm1: sudo nsenter --net=/var/run/netns/{PREFIX}-vm1 --mount=/run/{PREFIX}/vm1.mnt -- env PATH={}:$PATH bash   (remove it all: sudo cargo xtask demo cleanup)",
            bin_dir.display()
        );
    } else {
        println!("\nCleaning up (use --keep to leave the VMs running).");
    }
    if !frontend_ok || !other_denied || plaintext > 0 || wireguard == 0 || !other.is_empty() {
        bail!("the demo did not behave as the seed promises (see above)");
    }
    if !policy_drops {
        bail!("the metrics do not count vm3's denied connection (see above)");
    }
    Ok(())
}

/// Removes everything the demo created.
pub fn cleanup() -> anyhow::Result<()> {
    testbed::require_capabilities()?;
    testbed::cleanup(PREFIX)
}
