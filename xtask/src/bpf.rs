//! `cargo xtask bpf [--check]`: compile the eBPF C sources into the checked-in objects.
//!
//! The compiler is pinned: Debian bookworm's clang 14 with the distribution's libbpf and kernel
//! UAPI headers. Their versions are written to `obj/MANIFEST` with the sources' and objects'
//! SHA-256, so a unit test catches stale objects without clang, and `--check` (run by CI)
//! rebuilds and fails if the bytes differ.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

const CLANG: &str = "clang-14";
const STRIP: &str = "llvm-strip-14";
const FLAGS: &[&str] = &["-O2", "-g", "-Wall", "-Werror", "-target", "bpfel", "-mcpu=v3"];
/// Debian packages whose headers go into the objects.
const HEADER_PACKAGES: &[&str] = &["libbpf-dev", "linux-libc-dev"];

fn output(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("running {cmd:?} (install clang-14, llvm-14, libbpf-dev)"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Splits a manifest into the lines that decide the bytes and the header package versions.
fn split_headers(manifest: &str) -> (Vec<&str>, Vec<&str>) {
    manifest.lines().partition(|l| !l.starts_with("headers: "))
}

/// Builds every `src/bpf/*.bpf.c` of `crates/bpf-progs`; with `check`, compares instead of writing.
pub fn run(root: &Path, check: bool) -> anyhow::Result<()> {
    let crate_dir = root.join("crates/bpf-progs");
    let clang = output(Command::new(CLANG).arg("--version"))?
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let mut manifest = format!("clang: {clang}\nflags: {}\n", FLAGS.join(" "));
    for pkg in HEADER_PACKAGES {
        let v = output(Command::new("dpkg-query").args(["-W", "-f", "${Version}", pkg]))?;
        manifest.push_str(&format!("headers: {pkg} {v}\n"));
    }
    let arch_include = format!("-I/usr/include/{}-linux-gnu", std::env::consts::ARCH);

    let mut sources: Vec<String> = std::fs::read_dir(crate_dir.join("src/bpf"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".c") || n.ends_with(".h"))
        .collect();
    sources.sort();
    for s in &sources {
        let bytes = std::fs::read(crate_dir.join("src/bpf").join(s))?;
        manifest.push_str(&format!("source: {} src/bpf/{s}\n", sha256(&bytes)));
    }

    let mut stale = Vec::new();
    let tmp = std::env::temp_dir().join(format!("xtask-bpf-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    for s in sources.iter().filter(|s| s.ends_with(".bpf.c")) {
        let name = s.trim_end_matches(".c");
        let built = tmp.join(format!("{name}.o"));
        // The object's line info names the source file: map the checkout's directory away so
        // that any clone builds the same bytes.
        let prefix_map = format!("-ffile-prefix-map={}=.", crate_dir.canonicalize()?.display());
        output(
            Command::new(CLANG)
                .current_dir(&crate_dir)
                .args(FLAGS)
                .arg(&prefix_map)
                .arg(&arch_include)
                .arg("-c")
                .arg(format!("src/bpf/{s}"))
                .arg("-o")
                .arg(&built),
        )?;
        // Keep BTF (maps, layouts, CO-RE), drop DWARF: smaller, and free of build paths.
        output(Command::new(STRIP).arg("--strip-debug").arg(&built))?;
        let bytes = std::fs::read(&built)?;
        let dest = crate_dir.join("obj").join(format!("{name}.o"));
        manifest.push_str(&format!("object: {} obj/{name}.o\n", sha256(&bytes)));
        if check {
            if std::fs::read(&dest).ok().as_deref() != Some(&bytes[..]) {
                stale.push(dest.display().to_string());
            }
        } else {
            std::fs::write(&dest, &bytes).with_context(|| format!("writing {}", dest.display()))?;
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    let manifest_path = crate_dir.join("obj/MANIFEST");
    if check {
        let committed = std::fs::read_to_string(&manifest_path).unwrap_or_default();
        let (want, want_headers) = split_headers(&committed);
        let (have, have_headers) = split_headers(&manifest);
        if want != have {
            stale.push(manifest_path.display().to_string());
        }
        // Debian's security updates bump the header packages without touching the headers the
        // programs include; identical object bytes prove that, so drift is reported, not fatal.
        if want_headers != have_headers && stale.is_empty() {
            println!(
                "note: header packages differ from obj/MANIFEST ({}), objects are identical",
                have_headers.join(", ")
            );
        }
        if !stale.is_empty() {
            bail!(
                "BPF objects differ from a rebuild with the pinned toolchain: {stale:?}; run `cargo xtask bpf` and commit"
            );
        }
        println!("BPF objects are reproducible from their sources");
    } else {
        std::fs::write(&manifest_path, manifest)?;
    }
    Ok(())
}
