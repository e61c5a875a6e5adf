//! The BPF_PROG_TEST_RUN suite on the distribution kernels operators run (Debian's 6.1 and the
//! 6.12 backport), each booted under qemu with a small initramfs: busybox, this very test
//! binary and its libraries (see `testbed::guest`), loopback up (the L7 redirect tests look for
//! a listener on 127.0.0.1). `cargo xtask kernels` fetches the kernels
//! (CI does).

use testbed::guest;

const INIT: &str = "#!/bin/sh\nexport PATH=/bin\nmount -t proc proc /proc\nmount -t sysfs sys /sys\n\
                    mount -t devtmpfs dev /dev\nmount -t tmpfs tmp /tmp\nip link set lo up\n\
                    echo GUEST-KERNEL $(cat /proc/sys/kernel/osrelease)\n\
                    TMPDIR=/tmp /test --test-threads=1 --skip distribution_kernels\n\
                    echo GUEST-EXIT $?\npoweroff -f\n";

#[test]
fn distribution_kernels() {
    let kernels = guest::kernels().expect("kernels");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = guest::root(dir.path(), &["sh", "mount", "umount", "poweroff", "cat", "echo", "ip"])
        .expect("initramfs root");
    let exe = std::env::current_exe().expect("test binary");
    guest::copy_with_libs(&root, &exe, "test").expect("copy the test binary");
    let initrd = guest::pack(&root, INIT).expect("initramfs");
    for k in kernels {
        let out = guest::boot(&k.join("vmlinuz"), &initrd, 1024).expect("boot");
        let release = guest::value(&out, "GUEST-KERNEL ").unwrap_or_else(|| "?".into());
        let passed: u32 = guest::value(&out, "test result: ok. ")
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
