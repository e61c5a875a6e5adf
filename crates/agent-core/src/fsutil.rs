//! Crash-safe file replacement for the agent's state.

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Replaces `path` with `bytes` so that a crash at any moment leaves either the old or the new
/// content, never a mix: write a temporary file in the same directory, fsync it, rename it over
/// the target, fsync the directory. The file gets `mode` whatever the umask, and every call its
/// own temporary name, so concurrent writers never share one.
pub fn atomic_write(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("state"),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(&tmp)?;
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes `path` a directory of `mode` owned by us: created when missing, its mode tightened
/// when it exists with a looser one (a state directory made by hand with 0755 holds keys).
pub fn private_dir(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    fs::DirBuilder::new().recursive(true).mode(mode).create(path)?;
    let current = fs::metadata(path)?.permissions().mode() & 0o7777;
    if current & !mode != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Binds a unix socket at `path` that has `mode` (and `group`) from its first moment: bound
/// inside a private directory, given its mode there, then renamed into place. A chmod after a
/// bind in place would leave a window with the umask's mode, and changing the umask is not
/// safe in a process with threads.
pub fn bind_socket(
    path: &Path,
    mode: u32,
    group: Option<nix::unistd::Gid>,
) -> std::io::Result<std::os::unix::net::UnixListener> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("socket");
    let staging = dir.join(format!(".{name}.{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::DirBuilder::new().mode(0o700).create(&staging)?;
    let staged = staging.join(name);
    let bound = (|| {
        let listener = std::os::unix::net::UnixListener::bind(&staged)?;
        fs::set_permissions(&staged, fs::Permissions::from_mode(mode))?;
        if let Some(gid) = group {
            nix::unistd::chown(&staged, None, Some(gid)).map_err(std::io::Error::from)?;
        }
        fs::rename(&staged, path)?;
        Ok(listener)
    })();
    let _ = fs::remove_dir_all(&staging);
    bound
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_whole_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("state.json");
        super::atomic_write(&p, b"one", 0o600).expect("write");
        super::atomic_write(&p, b"two", 0o600).expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no temporary left behind"
        );
    }

    #[test]
    fn modes_hold_whatever_the_umask_and_writers_never_collide() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("key");
        super::atomic_write(&p, b"x", 0o600).expect("write");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let p = p.clone();
                std::thread::spawn(move || {
                    super::atomic_write(&p, format!("{i}").as_bytes(), 0o600)
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread").expect("every concurrent write succeeds");
        }
        let state = dir.path().join("state");
        std::fs::create_dir(&state).expect("dir");
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        super::private_dir(&state, 0o700).expect("private");
        let mode = std::fs::metadata(&state).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "a loose state directory is tightened");
        let sock = dir.path().join("api.sock");
        let _l = super::bind_socket(&sock, 0o600, None).expect("bind");
        let mode = std::fs::metadata(&sock).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 3, "no staging left");
    }
}
