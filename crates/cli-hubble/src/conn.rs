//! The connection to a Hubble server: the flags every command shares, where `--server` points
//! (the agent's unix socket by default, or TCP with optional TLS), and gRPC errors worded as the
//! Go CLI words them (`rpc error: code = Unavailable desc = …`).

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

/// The agent's Hubble socket; upstream's CLI defaults to Relay (`localhost:4245`) instead, but on
/// a VM the local agent is what there is.
pub const DEFAULT_SERVER: &str = "unix:///var/run/cilium/hubble.sock";

/// The agent's Hubble TCP port, used when `--server` names a host without one.
pub const DEFAULT_PORT: u16 = 4244;

/// Connection flags, shared by every command that talks to a server.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Address of a Hubble server: unix:///path, /path, host[:port] or tls://host[:port].
    /// Ignored when --input-file is provided
    #[arg(
        long,
        env = "HUBBLE_SERVER",
        default_value = DEFAULT_SERVER,
        value_name = "ADDRESS",
        global = true,
        help_heading = "Server"
    )]
    pub server: String,

    /// Use TLS to connect to the server (implied by a tls:// address)
    #[arg(long, env = "HUBBLE_TLS", global = true, help_heading = "Server")]
    pub tls: bool,

    /// Allow connecting to a server whose certificate chain and name are not verified (the
    /// connection is encrypted, but anyone could be answering)
    #[arg(long, env = "HUBBLE_TLS_ALLOW_INSECURE", global = true, help_heading = "Server")]
    pub tls_allow_insecure: bool,

    /// PEM files of the Certificate Authorities that sign the server's certificate
    #[arg(
        long,
        env = "HUBBLE_TLS_CA_CERT_FILES",
        value_delimiter = ',',
        value_name = "FILES",
        global = true,
        help_heading = "Server"
    )]
    pub tls_ca_cert_files: Vec<PathBuf>,

    /// PEM file of the client certificate, for servers that require mutual TLS
    #[arg(
        long,
        env = "HUBBLE_TLS_CLIENT_CERT_FILE",
        value_name = "FILE",
        global = true,
        help_heading = "Server"
    )]
    pub tls_client_cert_file: Option<PathBuf>,

    /// PEM file of the client certificate's private key
    #[arg(
        long,
        env = "HUBBLE_TLS_CLIENT_KEY_FILE",
        value_name = "FILE",
        global = true,
        help_heading = "Server"
    )]
    pub tls_client_key_file: Option<PathBuf>,

    /// Name to verify the server's certificate against
    /// (e.g. '*.default.hubble-grpc.cilium.io'; default: the host of --server)
    #[arg(
        long,
        env = "HUBBLE_TLS_SERVER_NAME",
        value_name = "NAME",
        global = true,
        help_heading = "Server"
    )]
    pub tls_server_name: Option<String>,

    /// How long to wait for the connection
    #[arg(
        long,
        env = "HUBBLE_TIMEOUT",
        default_value = "5s",
        value_parser = parse_duration,
        value_name = "DURATION",
        global = true,
        help_heading = "Server"
    )]
    pub timeout: Duration,

    /// How long to wait for an answer to a single request (status, list nodes)
    #[arg(
        long,
        env = "HUBBLE_REQUEST_TIMEOUT",
        default_value = "12s",
        value_parser = parse_duration,
        value_name = "DURATION",
        global = true,
        help_heading = "Server"
    )]
    pub request_timeout: Duration,

    /// Print debug messages
    #[arg(short = 'D', long, env = "HUBBLE_DEBUG", global = true)]
    pub debug: bool,
}

/// Parses a Go duration (`5s`, `1m30s`, `500ms`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    match crate::timefmt::parse_go_duration(s) {
        Some(ns) if ns >= 0 => Ok(Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))),
        _ => Err(format!("invalid duration {s:?} (use e.g. 5s, 1m30s, 500ms)")),
    }
}

/// Where `--server` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A unix socket (always plaintext).
    Unix(PathBuf),
    /// A TCP address.
    Tcp {
        /// Host name or IP (IPv6 without brackets).
        host: String,
        /// Port.
        port: u16,
        /// Whether a `tls://` prefix asked for TLS.
        tls: bool,
    },
}

/// Parses `--server`.
pub fn parse_server(s: &str) -> Result<Target, ConnError> {
    let invalid =
        |reason: &str| ConnError::InvalidServer { server: s.into(), reason: reason.into() };
    if let Some(path) = s.strip_prefix("unix://").or_else(|| s.strip_prefix("unix:")) {
        if path.is_empty() {
            return Err(invalid("no socket path"));
        }
        return Ok(Target::Unix(PathBuf::from(path)));
    }
    if s.starts_with('/') {
        return Ok(Target::Unix(PathBuf::from(s)));
    }
    let (addr, tls) = match s.strip_prefix("tls://") {
        Some(a) => (a, true),
        None => (s.strip_prefix("dns:///").unwrap_or(s), false),
    };
    if addr.contains("://") {
        return Err(invalid("use unix:///path, /path, host:port or tls://host:port"));
    }
    let (host, port) = if let Some(rest) = addr.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| invalid("missing ']'"))?;
        match after {
            "" => (host, None),
            p => (host, Some(p.strip_prefix(':').ok_or_else(|| invalid("bad port"))?)),
        }
    } else {
        match addr.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (addr, None),
        }
    };
    if host.is_empty() {
        return Err(invalid("no host"));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => p.parse().map_err(|_| invalid("bad port"))?,
    };
    Ok(Target::Tcp { host: host.into(), port, tls })
}

/// Why there is no connection.
#[derive(Debug, thiserror::Error)]
pub enum ConnError {
    /// `--server` does not parse.
    #[error("invalid --server {server:?}: {reason}")]
    InvalidServer {
        /// The flag's value.
        server: String,
        /// What is wrong.
        reason: String,
    },
    /// The TLS flags do not add up.
    #[error("{0}")]
    TlsConfig(String),
    /// A certificate or key file cannot be read.
    #[error("cannot load '{}'", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Nobody answered at the address.
    #[error("failed to connect to '{target}': {detail}")]
    Connect {
        /// The address as given.
        target: String,
        /// The transport's reasons, outermost first.
        detail: String,
    },
}

impl ConnError {
    /// True when the server is simply not there (not a configuration mistake).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Connect { .. })
    }
}

/// A failed RPC, worded as the Go CLI prints it.
#[derive(Debug, thiserror::Error)]
#[error("rpc error: code = {code} desc = {message}")]
pub struct RpcError {
    /// gRPC's name of the status code (`Unavailable`).
    pub code: &'static str,
    /// The server's message.
    pub message: String,
}

impl RpcError {
    /// From a tonic status.
    pub fn from_status(s: &tonic::Status) -> Self {
        use tonic::Code;
        let code = match s.code() {
            Code::Ok => "OK",
            Code::Cancelled => "Canceled",
            Code::Unknown => "Unknown",
            Code::InvalidArgument => "InvalidArgument",
            Code::DeadlineExceeded => "DeadlineExceeded",
            Code::NotFound => "NotFound",
            Code::AlreadyExists => "AlreadyExists",
            Code::PermissionDenied => "PermissionDenied",
            Code::ResourceExhausted => "ResourceExhausted",
            Code::FailedPrecondition => "FailedPrecondition",
            Code::Aborted => "Aborted",
            Code::OutOfRange => "OutOfRange",
            Code::Unimplemented => "Unimplemented",
            Code::Internal => "Internal",
            Code::Unavailable => "Unavailable",
            Code::DataLoss => "DataLoss",
            Code::Unauthenticated => "Unauthenticated",
        };
        let mut message = s.message().to_string();
        if let Some(source) = std::error::Error::source(s) {
            let detail = chain(source);
            if !message.contains(&detail) {
                message = if message.is_empty() { detail } else { format!("{message}: {detail}") };
            }
        }
        Self { code, message }
    }

    /// True when the server went away or was never there.
    pub fn is_unreachable(&self) -> bool {
        self.code == "Unavailable"
    }
}

/// An error and its sources, joined by `: `, without repeating a source its parent already
/// quotes.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// A connected client.
#[derive(Debug, Clone)]
pub struct Conn {
    /// The gRPC channel.
    pub channel: Channel,
    /// `--server` without `tls://`, as upstream names it in `Healthcheck (via …)`.
    pub target: String,
    /// `--request-timeout`.
    pub request_timeout: Duration,
}

impl Conn {
    /// Runs a unary call under `--request-timeout`.
    pub async fn unary<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    ) -> Result<T, RpcError> {
        match tokio::time::timeout(self.request_timeout, call).await {
            Ok(Ok(r)) => Ok(r.into_inner()),
            Ok(Err(s)) => Err(RpcError::from_status(&s)),
            Err(_) => Err(RpcError {
                code: "DeadlineExceeded",
                message: "context deadline exceeded".into(),
            }),
        }
    }
}

/// Connects as the flags say (within `--timeout`).
pub async fn connect(args: &ServerArgs) -> Result<Conn, ConnError> {
    let target = parse_server(&args.server)?;
    let shown = args.server.strip_prefix("tls://").unwrap_or(&args.server).to_string();
    let invalid = |e: tonic::transport::Error| ConnError::InvalidServer {
        server: args.server.clone(),
        reason: chain(&e),
    };
    let endpoint = match &target {
        Target::Unix(path) => {
            if args.tls {
                return Err(ConnError::TlsConfig(
                    "--tls: the unix socket is plaintext; use a TCP address for TLS".into(),
                ));
            }
            Endpoint::from_shared(format!("unix://{}", path.display())).map_err(invalid)?
        }
        Target::Tcp { host, port, tls } if (*tls || args.tls) && args.tls_allow_insecure => {
            return connect_insecure(args, host, *port, shown).await;
        }
        Target::Tcp { host, port, tls } => {
            let tls = *tls || args.tls;
            let scheme = if tls { "https" } else { "http" };
            let ep = Endpoint::from_shared(format!("{scheme}://{}", authority(host, *port)))
                .map_err(invalid)?;
            if tls {
                ep.tls_config(tls_config(args, host)?)
                    .map_err(|e| ConnError::TlsConfig(format!("TLS: {}", chain(&e))))?
            } else {
                ep
            }
        }
    }
    .connect_timeout(args.timeout);
    let connect = tokio::time::timeout(args.timeout, endpoint.connect()).await;
    let channel = match connect {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(ConnError::Connect { target: shown, detail: chain(&e) }),
        Err(_) => return Err(timed_out(shown, args.timeout)),
    };
    Ok(Conn { channel, target: shown, request_timeout: args.request_timeout })
}

/// A connection that did not come up within `--timeout`, as the Go CLI words it.
fn timed_out(target: String, timeout: Duration) -> ConnError {
    let ns = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
    ConnError::Connect {
        target,
        detail: format!("timed out after {}", crate::timefmt::go_duration(ns)),
    }
}

/// `--tls-allow-insecure`: TLS of our own (see [`crate::insecure`]) under a plain endpoint.
async fn connect_insecure(
    args: &ServerArgs,
    host: &str,
    port: u16,
    shown: String,
) -> Result<Conn, ConnError> {
    let identity = client_identity(args)?;
    let config = crate::insecure::client_config(
        identity.as_ref().map(|(c, k)| (c.as_slice(), k.as_slice())),
    )
    .map_err(|e| ConnError::TlsConfig(format!("TLS: {e}")))?;
    let endpoint = Endpoint::from_shared(format!("http://{}", authority(host, port)))
        .map_err(|e| ConnError::InvalidServer { server: args.server.clone(), reason: chain(&e) })?
        .connect_timeout(args.timeout);
    let name = args.tls_server_name.clone().unwrap_or_else(|| host.to_string());
    let connect = crate::insecure::connect(endpoint, host.to_string(), port, name, config);
    let channel = match tokio::time::timeout(args.timeout, connect).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(ConnError::Connect { target: shown, detail: chain(&e) }),
        Err(_) => return Err(timed_out(shown, args.timeout)),
    };
    Ok(Conn { channel, target: shown, request_timeout: args.request_timeout })
}

fn tls_config(args: &ServerArgs, host: &str) -> Result<ClientTlsConfig, ConnError> {
    if args.tls_ca_cert_files.is_empty() {
        // This build carries no system trust store, and Hubble servers use a private CA anyway.
        return Err(ConnError::TlsConfig(
            "TLS needs --tls-ca-cert-files: the CA certificates that signed the server's \
             certificate (or --tls-allow-insecure to skip verifying it)"
                .into(),
        ));
    }
    let mut cfg = ClientTlsConfig::new()
        .domain_name(args.tls_server_name.clone().unwrap_or_else(|| host.to_string()));
    for path in &args.tls_ca_cert_files {
        cfg = cfg.ca_certificate(Certificate::from_pem(read_file(path)?));
    }
    if let Some((cert, key)) = client_identity(args)? {
        cfg = cfg.identity(Identity::from_pem(cert, key));
    }
    Ok(cfg)
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>, ConnError> {
    std::fs::read(path).map_err(|source| ConnError::ReadFile { path: path.clone(), source })
}

/// A client certificate and its key, PEM.
type PemIdentity = (Vec<u8>, Vec<u8>);

/// The client certificate and key for mutual TLS, when both are given.
fn client_identity(args: &ServerArgs) -> Result<Option<PemIdentity>, ConnError> {
    match (&args.tls_client_cert_file, &args.tls_client_key_file) {
        (Some(cert), Some(key)) => Ok(Some((read_file(cert)?, read_file(key)?))),
        (None, None) => Ok(None),
        _ => Err(ConnError::TlsConfig(
            "--tls-client-cert-file and --tls-client-key-file go together".into(),
        )),
    }
}

/// `host:port`, with IPv6 addresses in brackets.
fn authority(host: &str, port: u16) -> String {
    if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses() {
        let unix = |p: &str| Ok(Target::Unix(PathBuf::from(p)));
        let tcp = |h: &str, port, tls| Ok(Target::Tcp { host: h.into(), port, tls });
        let cases: &[(&str, Result<Target, ()>)] = &[
            ("unix:///var/run/cilium/hubble.sock", unix("/var/run/cilium/hubble.sock")),
            ("/tmp/hubble.sock", unix("/tmp/hubble.sock")),
            ("unix:rel.sock", unix("rel.sock")),
            ("localhost:4245", tcp("localhost", 4245, false)),
            ("10.0.0.1", tcp("10.0.0.1", 4244, false)),
            ("tls://vm-1.example:4244", tcp("vm-1.example", 4244, true)),
            ("[fd00::1]:4244", tcp("fd00::1", 4244, false)),
            ("tls://[fd00::1]", tcp("fd00::1", 4244, true)),
            ("dns:///relay:4245", tcp("relay", 4245, false)),
            ("http://x:1", Err(())),
            ("unix://", Err(())),
            ("host:port", Err(())),
            (":4244", Err(())),
        ];
        for (s, want) in cases {
            assert_eq!(parse_server(s).map_err(|_| ()), *want, "{s}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("5").is_err());
    }

    #[test]
    fn rpc_errors_read_like_grpc_go() {
        let e = RpcError::from_status(&tonic::Status::unimplemented("GetNodes not implemented"));
        assert_eq!(
            e.to_string(),
            "rpc error: code = Unimplemented desc = GetNodes not implemented"
        );
        assert!(!e.is_unreachable());
        assert!(RpcError::from_status(&tonic::Status::unavailable("x")).is_unreachable());
    }
}
