//! Certificates for tests, made with Debian's `openssl` (CI installs it).

/// A certificate `name` signed by the CA `ca`, with `ext` (`openssl x509 -extfile` lines).
pub fn issue(dir: &std::path::Path, ca: &str, name: &str, ext: &str) {
    let p = |f: &str| dir.join(f).to_str().expect("utf-8").to_string();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl").args(args).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    std::fs::write(dir.join(format!("{name}.ext")), ext).expect("ext");
    openssl(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        &p(&format!("{name}.key")),
    ]);
    openssl(&[
        "req",
        "-new",
        "-key",
        &p(&format!("{name}.key")),
        "-subj",
        &format!("/CN={name}"),
        "-out",
        &p(&format!("{name}.csr")),
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &p(&format!("{name}.csr")),
        "-CA",
        &p(&format!("{ca}.crt")),
        "-CAkey",
        &p(&format!("{ca}.key")),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &p(&format!("{name}.ext")),
        "-out",
        &p(&format!("{name}.crt")),
    ]);
}

/// A self-signed CA `name` (`<name>.crt`, `<name>.key` in `dir`).
pub fn new_ca(dir: &std::path::Path, name: &str) {
    let p = |f: &str| dir.join(f).to_str().expect("utf-8").to_string();
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &p(&format!("{name}.key")),
            "-out",
            &p(&format!("{name}.crt")),
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ])
        .output()
        .expect("openssl");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
