//! `bench/policy`: apply 10k rules and time until the datapath enforces them; a one-rule change
//! on top of them; the agent's memory before and after. `cilium policy apply` returns once the
//! datapath realizes the revision, so its wall time is the time to enforcement.

use std::time::Instant;

use testbed::{Testbed, built_binaries, seed_config, sweep_stale, unique_prefix};

fn policies(n: u32, first: u32) -> String {
    let docs: Vec<serde_json::Value> = (first..first + n)
        .map(|i| {
            serde_json::json!({
                "apiVersion": "cilium.io/v2",
                "kind": "CiliumNetworkPolicy",
                "metadata": {"name": format!("rule-{i}")},
                "spec": {
                    "endpointSelector": {},
                    "ingress": [{
                        "fromCIDR": [format!("10.{}.{}.0/24", (i >> 8) & 0xff, i & 0xff)],
                        "toPorts": [{"ports": [{"port": (1024 + (i % 60000)).to_string(), "protocol": "TCP"}]}]
                    }]
                }
            })
        })
        .collect();
    serde_json::to_string(&docs).unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    sweep_stale();
    let mut tb =
        Testbed::create(&unique_prefix(), &[("vm1", "192.168.1.10/24")], built_binaries())?;
    tb.share_secret(testbed::TEST_SECRET)?;
    let cfg = seed_config("vm1", &["192.168.1.10"], &[])
        .replace("encryption:\n  enabled: true", "encryption:\n  enabled: false");
    tb.start_agent("vm1", &cfg)?;
    let vm = tb.vm("vm1").clone();
    let before = bench::agent_rss_mib(&tb, "vm1")?;

    let big = tb.helper_file("10k.json", &policies(10_000, 0))?;
    let t = Instant::now();
    vm.run(&["cilium", "policy", "apply", big.to_str().unwrap_or_default()])?;
    let apply_10k = t.elapsed();
    let after = bench::agent_rss_mib(&tb, "vm1")?;

    let one = tb.helper_file("one.json", &policies(1, 20_000))?;
    let t = Instant::now();
    vm.run(&["cilium", "policy", "apply", one.to_str().unwrap_or_default()])?;
    let apply_one = t.elapsed();

    let entries =
        vm.cilium_json(&["map", "get", "cilium_policy"])?["cache"].as_array().map_or(0, Vec::len);
    println!(
        "apply 10,000 rules until enforced:   {:>8.1} ms ({entries} policy map entries)",
        apply_10k.as_secs_f64() * 1e3
    );
    println!("one more rule on top of them:        {:>8.1} ms", apply_one.as_secs_f64() * 1e3);
    println!(
        "ratio one-rule/10k-rule apply:       {:>8.3}",
        apply_one.as_secs_f64() / apply_10k.as_secs_f64()
    );
    println!("agent memory before / after:         {before:.1} MiB / {after:.1} MiB");
    Ok(())
}
