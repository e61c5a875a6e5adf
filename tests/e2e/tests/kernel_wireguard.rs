//! The kernel WireGuard backend, for real: this machine has no WireGuard module, so the seed's
//! two-VM scenario runs inside Debian's own kernels (6.1 and the 6.12 backport) booted under
//! qemu. The guest is a small initramfs (busybox, our binaries, `ip`, `wg`, `tcpdump` and their
//! libraries, the WireGuard and veth modules); in it, two network namespaces joined by a veth
//! pair each run an agent with `encryption.backend: kernel`. The guest reports what `wg`,
//! `tcpdump` and an HTTP request saw, and the test checks it.

use std::path::{Path, PathBuf};

use testbed::{TEST_SECRET, built_binaries, guest, seed_config};

/// Where a host tool lives (its libraries come along).
fn which(tool: &str) -> PathBuf {
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .expect("sh");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!path.is_empty(), "{tool} is needed on the host (CI installs it)");
    PathBuf::from(path)
}

/// The script the guest runs as init. It only reports (lines starting with `KWG-`); the test
/// decides. Waits poll with a deadline.
const PRELUDE: &str = r#"#!/bin/sh
export PATH=/bin
# Debian's busybox prefers its own applets to PATH: iproute2 by its full path.
IP=/bin/ip
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
echo KWG-KERNEL $(cat /proc/sys/kernel/osrelease)
for m in $(cat /modules/load-order); do
    insmod /modules/$m.ko || echo KWG-INSMOD-FAILED $m
done
$IP link set lo up
$IP netns add vm1
$IP netns add vm2
$IP link add veth1 type veth peer name veth2
$IP link set veth1 netns vm1
$IP link set veth2 netns vm2
$IP -n vm1 addr add 192.168.1.10/24 dev veth1
$IP -n vm2 addr add 192.168.1.11/24 dev veth2
for vm in vm1 vm2; do
    $IP -n $vm link set lo up
    mkdir -p /$vm/bpf /$vm/run /$vm/state
    mount -t bpf bpf /$vm/bpf
done
$IP -n vm1 link set veth1 up
$IP -n vm2 link set veth2 up
for vm in vm1 vm2; do
    $IP netns exec $vm /bin/cilium-agent --config-dir /$vm/etc --run-dir /$vm/run \
        --state-dir /$vm/state --bpf-root /$vm/bpf --node-name $vm \
        --set cluster.secretFile=/$vm/etc/cluster-secret >/$vm/agent.log 2>&1 &
    echo $! > /$vm/pid
done
# Both agents up, peers known and a handshake done (the first keepalive starts it).
i=0
while [ $i -lt 240 ]; do
    hs=$($IP netns exec vm1 wg show cilium_wg0 latest-handshakes 2>/dev/null | awk '{print $2}')
    if [ -n "$hs" ] && [ "$hs" != 0 ]; then break; fi
    for vm in vm1 vm2; do
        [ -e /proc/$(cat /$vm/pid) ] || { echo KWG-AGENT-EXITED $vm; i=999; }
    done
    sleep 1
    i=$((i+1))
done
echo KWG-HANDSHAKE-WAIT $i
# Port 8080 in a capture is `address.8080` before ` >` or `:` (a bare `.8080` also matches
# timestamps such as 12.808012, one line in ten thousand, and bulk captures have thousands).
# A capture of vm1's veth1 into /tmp/cap.pcap (more tcpdump arguments in "$@"), once it writes.
capture() {
    $IP netns exec vm1 tcpdump --immediate-mode -i veth1 -nn -U "$@" -w /tmp/cap.pcap 2>/tmp/tcpdump.err &
    td=$!
    i=0
    while [ $i -lt 100 ] && [ ! -s /tmp/cap.pcap ]; do sleep 0.1; i=$((i+1)); done
}
# `kwg-http $1` against vm1's server from vm2, into file $2, until it succeeds ($3 tries).
fetch() {
    i=0
    while [ $i -lt $3 ]; do
        $IP netns exec vm2 /bin/kwg-http $1 192.168.1.10:8080 >$2 2>/tmp/get.err && break
        sleep 0.2
        i=$((i+1))
    done
}
"#;

/// What the kernel backend's test does once the tunnel is up.
const KERNEL_CHECKS: &str = r#"echo KWG-LINK-KIND $($IP -n vm1 -d link show cilium_wg0 | grep -c wireguard)
$IP netns exec vm1 wg show cilium_wg0 | sed 's/^/KWG-WG /'
$IP netns exec vm1 /bin/kwg-http serve 192.168.1.10:8080 hello-through-the-kernel-tunnel &
capture
fetch get /tmp/got 50
sed 's/^/KWG-GET /' /tmp/get.err
[ -s /tmp/got ] && echo KWG-HTTP $(cat /tmp/got)
# The exchange is at least 6 packets; wait for them to reach the file.
i=0
while [ $i -lt 100 ] && [ $(tcpdump -nn -r /tmp/cap.pcap 2>/dev/null | wc -l) -lt 6 ]; do
    sleep 0.1
    i=$((i+1))
done
kill $td
wait $td 2>/dev/null
tcpdump -nn -r /tmp/cap.pcap > /tmp/cap.txt 2>/tmp/read.err
sed 's/^/KWG-TCPDUMP /' /tmp/tcpdump.err /tmp/read.err
head -n 5 /tmp/cap.txt | sed 's/^/KWG-CAPTURE /'
echo KWG-CAPTURED $(wc -l < /tmp/cap.txt)
echo KWG-PLAINTEXT-8080 $(grep -cE '\.8080( >|:)' /tmp/cap.txt)
echo KWG-WIREGUARD-PACKETS $(grep -c '\.51871' /tmp/cap.txt)
CILIUM_SOCK=/vm1/run/cilium.sock cilium encryption status | sed 's/^/KWG-STATUS /'
# Key rotation on the kernel device: a new key, and traffic still flows.
echo KWG-KEY-BEFORE $($IP netns exec vm1 wg show cilium_wg0 public-key)
CILIUM_SOCK=/vm1/run/cilium.sock cilium encryption rotate >/tmp/rotate.txt 2>&1
echo KWG-ROTATE-RC $?
echo KWG-KEY-AFTER $($IP netns exec vm1 wg show cilium_wg0 public-key)
fetch get /tmp/got2 100
[ -s /tmp/got2 ] && echo KWG-HTTP-AFTER-ROTATE $(cat /tmp/got2)
echo KWG-AGENT-ERRORS $(cat /vm1/agent.log /vm2/agent.log | grep -c ERROR)
grep -h "WireGuard is up" /vm1/agent.log /vm2/agent.log | sed 's/^/KWG-LOG /'
echo KWG-DONE
tail -n 40 /vm1/agent.log /vm2/agent.log
poweroff -f
"#;

/// What the userspace backend's test does once the tunnel is up: a bulk transfer through the
/// offloads (TSO reads cut and sealed, GSO sends, GRO reads, joined TUN writes), checked byte
/// for byte, and the offloads each agent got from this kernel.
const USERSPACE_CHECKS: &str = r#"
$IP netns exec vm1 /bin/kwg-http serve-bulk 192.168.1.10:8080 4194304 &
capture -s 96
fetch sum /tmp/got 50
sed 's/^/KWG-GET /' /tmp/get.err
echo KWG-BULK $(cat /tmp/got)
echo KWG-BULK-EXPECTED $(/bin/kwg-http bulk-sum 4194304)
sleep 1
kill $td
wait $td 2>/dev/null
tcpdump -nn -r /tmp/cap.pcap > /tmp/cap.txt 2>/tmp/read.err
echo KWG-CAPTURED $(wc -l < /tmp/cap.txt)
echo KWG-PLAINTEXT-8080 $(grep -cE '\.8080( >|:)' /tmp/cap.txt)
grep -E '\.8080( >|:)' /tmp/cap.txt | head -n 3 | sed 's/^/KWG-PLAIN /'
echo KWG-WIREGUARD-PACKETS $(grep -c '\.51871' /tmp/cap.txt)
for vm in vm1 vm2; do
    echo KWG-OFFLOADS-$vm $(grep -h "userspace WireGuard offloads" /$vm/agent.log)
done
echo KWG-AGENT-ERRORS $(cat /vm1/agent.log /vm2/agent.log | grep -c ERROR)
echo KWG-DONE
tail -n 40 /vm1/agent.log /vm2/agent.log
poweroff -f
"#;

/// The guest: `checks` run once both agents (with `backend`) have a tunnel up.
fn initramfs(dir: &Path, modules: &Path, backend: &str, checks: &str) -> anyhow::Result<PathBuf> {
    let applets = [
        "sh", "mount", "umount", "poweroff", "cat", "echo", "sleep", "kill", "grep", "awk", "sed",
        "tail", "mkdir", "insmod", "chmod", "wc", "head",
    ];
    let root = guest::root(dir, &applets)?;
    std::os::unix::fs::symlink("../run", root.join("var/run"))?;
    let bins = built_binaries();
    guest::copy_with_libs(&root, &bins.join("cilium-agent"), "bin/cilium-agent")?;
    guest::copy_with_libs(&root, &bins.join("cilium"), "bin/cilium")?;
    // Debian's static busybox crashes in httpd/wget here; our own tiny client and server.
    guest::copy_with_libs(&root, Path::new(env!("CARGO_BIN_EXE_kwg-http")), "bin/kwg-http")?;
    for tool in ["ip", "wg", "tcpdump"] {
        guest::copy_with_libs(&root, &which(tool), &format!("bin/{tool}"))?;
    }
    // Debian's tcpdump drops privileges to user `tcpdump`.
    std::fs::write(
        root.join("etc/passwd"),
        "root:x:0:0:root:/:/bin/sh\ntcpdump:x:100:100::/:/bin/false\n",
    )?;
    std::fs::write(root.join("etc/group"), "root:x:0:\ntcpdump:x:100:\n")?;
    std::fs::create_dir_all(root.join("modules"))?;
    for entry in std::fs::read_dir(modules)? {
        let p = entry?.path();
        if let Some(name) = p.file_name() {
            std::fs::copy(&p, root.join("modules").join(name))?;
        }
    }
    let nodes = ["192.168.1.10", "192.168.1.11"];
    for vm in ["vm1", "vm2"] {
        let etc = root.join(vm).join("etc");
        std::fs::create_dir_all(&etc)?;
        let config = seed_config(vm, &nodes, &[]).replace(
            "encryption:\n  enabled: true\n",
            &format!("encryption:\n  enabled: true\n  backend: {backend}\n"),
        );
        std::fs::write(etc.join("config.yaml"), config)?;
        use std::os::unix::fs::PermissionsExt;
        let secret = etc.join("cluster-secret");
        std::fs::write(&secret, format!("{TEST_SECRET}\n"))?;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600))?;
    }
    guest::pack(&root, &format!("{PRELUDE}{checks}"))
}

/// A guest's run of `checks` with both agents on `backend`, and what every such run must show:
/// the script finished, every module loaded, WireGuard and nothing in plaintext on the wire,
/// agents without errors.
struct Run {
    out: String,
    release: String,
    /// The run's whole console, for assertion messages.
    ctx: String,
    /// WireGuard packets captured.
    wg: u32,
}

impl Run {
    fn boot(kernel: &Path, backend: &str, checks: &str) -> Run {
        let dir = tempfile::tempdir().expect("tempdir");
        let initrd =
            initramfs(dir.path(), &kernel.join("modules"), backend, checks).expect("initramfs");
        let out = guest::boot(&kernel.join("vmlinuz"), &initrd, 1536).expect("boot");
        let value = |key: &str| guest::value(&out, key);
        let release = value("KWG-KERNEL ").unwrap_or_default();
        let ctx = format!("on {release} ({}):\n{out}", kernel.display());
        assert!(out.contains("KWG-DONE"), "the guest script did not finish {ctx}");
        assert!(!out.contains("KWG-INSMOD-FAILED"), "a module did not load {ctx}");
        assert_eq!(
            value("KWG-PLAINTEXT-8080 ").as_deref(),
            Some("0"),
            "no plaintext TCP 8080 on the wire {ctx}"
        );
        let wg: u32 = value("KWG-WIREGUARD-PACKETS ").and_then(|v| v.parse().ok()).unwrap_or(0);
        assert!(wg > 0, "the traffic crossed as WireGuard UDP 51871 {ctx}");
        assert_eq!(
            value("KWG-AGENT-ERRORS ").as_deref(),
            Some("0"),
            "datapath and agents without errors {ctx}"
        );
        Run { out, release, ctx, wg }
    }

    fn value(&self, key: &str) -> Option<String> {
        guest::value(&self.out, key)
    }
}

#[test]
fn seed_two_vms_with_the_kernel_backend_in_debian_kernels() {
    for k in guest::kernels().expect("kernels") {
        let run = Run::boot(&k, "kernel", KERNEL_CHECKS);
        let (out, release, ctx, wg) = (&run.out, &run.release, &run.ctx, run.wg);
        let value = |key: &str| run.value(key);
        assert_eq!(
            value("KWG-LINK-KIND ").as_deref(),
            Some("1"),
            "cilium_wg0 is a kernel WireGuard link {ctx}"
        );
        assert!(
            out.lines()
                .filter(|l| l.contains("KWG-LOG") && l.contains("backend") && l.contains("kernel"))
                .count()
                == 2,
            "both agents chose the kernel backend {ctx}"
        );
        assert!(
            out.contains("KWG-WG   latest handshake:"),
            "`wg show` lists the peer with a handshake {ctx}"
        );
        assert_eq!(
            value("KWG-HTTP ").as_deref(),
            Some("hello-through-the-kernel-tunnel"),
            "curl through the tunnel {ctx}"
        );
        assert_eq!(value("KWG-ROTATE-RC ").as_deref(), Some("0"), "cilium encryption rotate {ctx}");
        assert_ne!(
            value("KWG-KEY-BEFORE "),
            value("KWG-KEY-AFTER "),
            "the device has the new key {ctx}"
        );
        assert_eq!(
            value("KWG-HTTP-AFTER-ROTATE ").as_deref(),
            Some("hello-through-the-kernel-tunnel"),
            "traffic flows after the rotation {ctx}"
        );
        eprintln!(
            "kernel WireGuard backend passed on Linux {release}: {wg} WireGuard packets, no plaintext"
        );
    }
}

#[test]
fn userspace_backend_offloads_in_debian_kernels() {
    for k in guest::kernels().expect("kernels") {
        let run = Run::boot(&k, "userspace", USERSPACE_CHECKS);
        let (release, ctx, wg) = (&run.release, &run.ctx, run.wg);
        let value = |key: &str| run.value(key);
        let expected = value("KWG-BULK-EXPECTED ");
        assert!(expected.is_some(), "{ctx}");
        assert_eq!(value("KWG-BULK "), expected, "4 MiB through the tunnel, byte for byte {ctx}");
        // USO on TUN came with Linux 6.2: Debian's 6.1 refuses it and the device steps down to
        // TSO; everything else these kernels have.
        let major_minor: Vec<u32> =
            release.split(['.', '-']).take(2).filter_map(|p| p.parse().ok()).collect();
        let uso = major_minor >= vec![6, 2];
        for vm in ["vm1", "vm2"] {
            let line = value(&format!("KWG-OFFLOADS-{vm} ")).unwrap_or_default();
            let tun = if uso { "tso,uso,gro" } else { "tso,gro" };
            assert!(
                line.contains(&format!("tun={tun}"))
                    && line.contains("udp_gso=true")
                    && line.contains("udp_gro=true"),
                "{vm}'s offloads on {release}: {line} {ctx}"
            );
        }
        eprintln!(
            "userspace backend passed on Linux {release}: 4 MiB intact, {wg} WireGuard packets captured, no plaintext, USO {}",
            if uso { "on" } else { "refused by the kernel, TSO only" }
        );
    }
}
