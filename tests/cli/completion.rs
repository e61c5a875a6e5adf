use crate::harness::*;

#[test]
fn completion_output_equals_checked_in_files() {
    for (cli, shell, file) in [
        ("cilium", "bash", "cilium.bash"),
        ("cilium", "zsh", "_cilium"),
        ("cilium", "fish", "cilium.fish"),
        ("hubble", "bash", "hubble.bash"),
    ] {
        let out =
            std::process::Command::new(bin(cli)).args(["completion", shell]).output().expect("run");
        assert!(out.status.success());
        let expected =
            std::fs::read(repo_root().join("completions").join(file)).expect("checked-in file");
        assert!(
            out.stdout == expected,
            "`{cli} completion {shell}` differs from completions/{file}"
        );
    }
}

#[test]
fn versions() {
    let agent = Agent::start("");
    let out = agent.cilium(&["version"]);
    let text = stdout(&out);
    assert!(text.starts_with("Client: "), "{text}");
    assert!(text.contains("\nDaemon: "), "{text}");
    let out = agent.cilium(&["version", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(v["daemon"].as_str().is_some_and(|d| d.starts_with(env!("CARGO_PKG_VERSION"))));

    let out = std::process::Command::new(bin("hubble")).arg("version").output().expect("run");
    assert!(stdout(&out).starts_with("hubble v"));
}
