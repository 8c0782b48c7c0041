//! A fake HTTP/1.1 server on 127.0.0.1 for the integration tests: records every request
//! and answers what the test's handler says, one connection per request.

#![allow(dead_code, reason = "each test file uses part of it")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target as sent: a path and query, or an absolute URL through a proxy.
    pub target: String,
    /// Names lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How long to stay silent before answering.
    pub delay: Duration,
    /// Sent with `Transfer-Encoding: chunked` (no `Content-Length`).
    pub chunked: bool,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            chunked: false,
        }
    }

    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::status(status)
            .header("content-type", "application/json")
            .body(body.into())
    }

    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::status(status).body(body.into())
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// A running fake server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Serves every request with `handler(request, index)`, `index` counting from 0.
    pub async fn start(handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(None, handler).await
    }

    /// Like [`start`](Self::start), over TLS with the test server certificate of
    /// `fixtures/tls` (for `127.0.0.1` and `localhost`, signed by `fixtures/tls/ca.pem`).
    pub async fn start_tls(handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(Some(tls_acceptor()), handler).await
    }

    async fn start_with(
        tls: Option<tokio_rustls::TlsAcceptor>,
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let count = Arc::new(AtomicUsize::new(0));
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (handler, recorded, count) = (Arc::clone(&handler), Arc::clone(&recorded), Arc::clone(&count));
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        None => serve(stream, handler, recorded, count).await,
                        Some(tls) => {
                            if let Ok(stream) = tls.accept(stream).await {
                                serve(stream, handler, recorded, count).await;
                            }
                        }
                    }
                });
            }
        });
        Self { addr, requests, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests").clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().expect("requests").len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    handler: Arc<Handler>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    count: Arc<AtomicUsize>,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = count.fetch_add(1, Ordering::SeqCst);
    recorded.lock().expect("requests").push(request.clone());
    let reply = handler(&request, index);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if reply.chunked {
        head.push_str("transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
        let _ = stream.write_all(head.as_bytes()).await;
        for chunk in reply.body.chunks(1000) {
            let _ = stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await;
            let _ = stream.write_all(chunk).await;
            let _ = stream.write_all(b"\r\n").await;
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    } else {
        head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", reply.body.len()));
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(&reply.body).await;
    }
    let _ = stream.shutdown().await;
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Recorded> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let mut body = data[head_end + 4..].to_vec();
    if chunked {
        // Read to the last chunk (`0\r\n\r\n`), then decode.
        while !body.ends_with(b"0\r\n\r\n") {
            let n = stream.read(&mut buffer).await.ok()?;
            if n == 0 {
                return None;
            }
            body.extend_from_slice(&buffer[..n]);
        }
        body = dechunk(&body)?;
    }
    while !chunked && body.len() < length {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// The content of a `Transfer-Encoding: chunked` body (RFC 9112 section 7.1, no trailers).
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// The root that signed the test server certificate (PEM).
pub const TEST_ROOT_PEM: &str = include_str!("../fixtures/tls/ca.pem");

fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certificate = CertificateDer::from_pem_slice(include_bytes!("../fixtures/tls/server.pem")).expect("certificate");
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("../fixtures/tls/server.key")).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .expect("server certificate");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// A local port with nothing listening on it (connections are refused).
pub async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address")
}

/// A fresh folder under cargo's temporary folder for integration tests, removed when
/// dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("runtime-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::create_dir_all(&path).expect("temporary folder");
        Self(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// Writes `text` to `relative` (creating folders) and returns the full path.
    pub fn write(&self, relative: &str, text: &str) -> std::path::PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An ISO date-time `seconds` from now, as the metadata service writes `expires_at`.
pub fn expires_in(seconds: f64) -> String {
    let at = std::time::SystemTime::now() + Duration::from_secs_f64(seconds);
    let at: chrono::DateTime<chrono::Utc> = at.into();
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A metadata service answer.
pub fn security_key(access: &str, expires_at: &str) -> String {
    format!(
        r#"{{"credential":{{"access":"{access}","secret":"secret-of-{access}","securitytoken":"token-of-{access}","expires_at":"{expires_at}"}}}}"#
    )
}

/// An STS answer to `assume-with-oidc`, in STS's spelling.
pub fn sts_credentials(access: &str, expires_at: &str) -> String {
    format!(
        r#"{{"credentials":{{"access_key_id":"{access}","secret_access_key":"secret-of-{access}","security_token":"token-of-{access}","expiration":"{expires_at}"}}}}"#
    )
}

/// Which access key a signer or provider holds (their `Debug` shows the key id, never
/// the secret key or the security token of the answers above).
pub fn access_key(shown: &dyn std::fmt::Debug) -> String {
    let shown = format!("{shown:?}");
    assert!(!shown.contains("secret-of") && !shown.contains("token-of"), "{shown}");
    let after = &shown[shown.find("access_key: ").expect("access key")..];
    after.split('"').nth(1).expect("quoted").to_owned()
}

/// `GET {path}` as a generated operation sends it (id `Get`), answering its status.
pub struct Get(pub &'static str);

impl codegen_runtime::Operation for Get {
    type Response = u16;
    type RequestBody = Vec<u8>;
    type ResponseBody = Vec<u8>;
    const ID: &'static str = "Get";
    const METHOD: http::Method = http::Method::GET;

    fn build(&self, endpoint: &codegen_runtime::Endpoint) -> Result<http::Request<Vec<u8>>, codegen_runtime::Error> {
        codegen_runtime::__private::RequestBuilder::new(Self::METHOD, endpoint).literal(self.0).build()
    }

    fn parse(response: http::Response<Vec<u8>>) -> Result<u16, codegen_runtime::Error> {
        Ok(response.status().as_u16())
    }
}

/// `http://` URLs of local ports where nothing listens.
pub async fn closed_urls(n: usize) -> Vec<String> {
    let mut urls = Vec::new();
    for _ in 0..n {
        urls.push(format!("http://{}", closed_port().await));
    }
    urls
}
