//! The BPF_PROG_TEST_RUN suite on the distribution kernels operators run (Debian's 6.1 and the
//! 6.12 backport), each booted under qemu with a small initramfs: busybox, this very test
//! binary and its libraries. `cargo xtask kernels` fetches the kernels (CI does).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn sh(script: &str) -> std::process::Output {
    Command::new("sh").args(["-c", script]).output().expect("sh")
}

fn kernels() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/kernels");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("vmlinuz"))
        .filter(|p| p.exists())
        .collect();
    out.sort();
    out
}

/// An initramfs that runs this test binary (every test but this one) and powers off.
fn initramfs(dir: &Path) -> PathBuf {
    let root = dir.join("root");
    for d in ["bin", "proc", "sys", "dev", "tmp"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    std::fs::copy("/bin/busybox", root.join("bin/busybox"))
        .expect("busybox-static is needed: apt-get install busybox-static");
    for applet in ["sh", "mount", "umount", "poweroff", "cat", "echo"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(applet)).expect("symlink");
    }
    let exe = std::env::current_exe().expect("test binary");
    std::fs::copy(&exe, root.join("test")).expect("copy test binary");
    // The binary's shared libraries, at the same paths.
    let ldd = sh(&format!("ldd {}", exe.display()));
    for lib in
        String::from_utf8_lossy(&ldd.stdout).split_whitespace().filter(|w| w.starts_with('/'))
    {
        let dest = root.join(lib.trim_start_matches('/'));
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(lib, &dest).expect("copy library");
    }
    let init = "#!/bin/sh\nexport PATH=/bin\nmount -t proc proc /proc\nmount -t sysfs sys /sys\nmount -t devtmpfs dev /dev\nmount -t tmpfs tmp /tmp\n\
                echo GUEST-KERNEL $(cat /proc/sys/kernel/osrelease)\n\
                TMPDIR=/tmp /test --test-threads=1 --skip distribution_kernels\necho GUEST-EXIT $?\npoweroff -f\n";
    std::fs::write(root.join("init"), init).expect("init");
    sh(&format!("chmod +x {}", root.join("init").display()));
    let img = dir.join("initrd.gz");
    let pack = sh(&format!(
        "cd {} && find . | cpio -o -H newc --quiet | gzip -1 > {}",
        root.display(),
        img.display()
    ));
    assert!(
        pack.status.success(),
        "packing the initramfs: {}",
        String::from_utf8_lossy(&pack.stderr)
    );
    img
}

fn boot(kernel: &Path, initrd: &Path) -> String {
    // Software emulation: it runs anywhere, nested virtual machines included, where KVM
    // often refuses the CPU model.
    let accel = "tcg";
    let log = initrd.with_extension("log");
    let mut child = Command::new("qemu-system-x86_64")
        .args([
            "-machine",
            &format!("q35,accel={accel}"),
            "-cpu",
            "max",
            "-m",
            "1024",
            "-smp",
            "2",
            "-nographic",
            "-no-reboot",
        ])
        .arg("-kernel")
        .arg(kernel)
        .arg("-initrd")
        .arg(initrd)
        .args(["-append", "console=ttyS0 panic=-1 quiet"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).expect("log"))
        .stderr(Stdio::null())
        .spawn()
        .expect("qemu-system-x86_64 is needed: apt-get install qemu-system-x86");
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the guest did not finish in time:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    std::fs::read_to_string(&log).unwrap_or_default()
}

#[test]
fn distribution_kernels() {
    if kernels().len() < 2 {
        // Fetch them the way CI does.
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let st = Command::new(cargo)
            .args(["run", "--quiet", "-p", "xtask", "--", "kernels"])
            .status()
            .expect("cargo");
        assert!(st.success(), "`cargo xtask kernels` failed");
    }
    let kernels = kernels();
    assert!(
        kernels.len() >= 2,
        "the distribution kernels are missing from target/kernels: run `cargo xtask kernels` (CI does)"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let initrd = initramfs(dir.path());
    for k in kernels {
        let out = boot(&k, &initrd);
        let after = |marker: &str| {
            out.lines()
                .find_map(|l| l.find(marker).map(|i| l[i + marker.len()..].trim().to_string()))
        };
        let release = after("GUEST-KERNEL ").unwrap_or_else(|| "?".into());
        let passed: u32 = after("test result: ok. ")
            .and_then(|r| r.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        assert!(
            out.contains("GUEST-EXIT 0") && passed >= 10,
            "the BPF suite failed on {} ({release}):\n{out}",
            k.display()
        );
        eprintln!("BPF suite passed on Linux {release}: {passed} tests");
    }
}
