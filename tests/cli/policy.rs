use crate::harness::*;

const POLICY: &str = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\nspec:\n  endpointSelector: {}\n  ingress:\n    - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n";

#[test]
fn without_a_host_firewall_nothing_claims_to_be_enforced() {
    let agent = Agent::start(SEED_VM1);
    let file = agent.dir.path().join("web.yaml");
    std::fs::write(&file, POLICY).expect("write");
    let out = agent.cilium(&["policy", "apply", file.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let revision = stdout(&out).trim().strip_prefix("Revision: ").expect("a revision").to_string();
    assert!(
        stderr(&out).contains("stored but not enforced: the host firewall is disabled"),
        "{}",
        stderr(&out)
    );
    let out = agent.cilium(&["policy", "wait", &revision]);
    assert!(!out.status.success(), "policy wait must not say realized");
    assert!(stderr(&out).contains("will not be realized"), "{}", stderr(&out));
    let out = agent.cilium(&["endpoint", "list", "-o", "json"]);
    let eps: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let policy = &eps[0]["status"]["policy"];
    assert_eq!(policy["realized"]["policy-enabled"], "none", "{policy}");
    assert_eq!(policy["realized"]["policy-revision"], 0, "{policy}");
    assert_eq!(policy["spec"]["policy-revision"].to_string(), revision, "{policy}");
}
