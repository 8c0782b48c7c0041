//! A fake OBS (Huawei Cloud's object storage) on 127.0.0.1, for tests, examples and
//! benchmarks: it speaks OBS's REST API over HTTP/1.1 with path-style addressing
//! (`http://127.0.0.1:<port>/{bucket}/{key}`), checks every request's signature with its
//! own implementation of the `OBS` scheme (headers and presigned URLs), and keeps buckets
//! and objects on disk, streaming bodies in and out in chunks so that objects of any size
//! never sit in memory.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let obs = fake_obs::FakeObs::start(fake_obs::Options::new("AK", "SK")).await?;
//! println!("OBS at {}", obs.url());
//! // ... send requests signed with AK/SK to obs.url() ...
//! for request in obs.requests() {
//!     println!("{} {} -> {:?}", request.operation, request.target, request.status);
//! }
//! obs.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Operations: `ListBuckets`, `CreateBucket`, `DeleteBucket`, `HeadBucket`
//! (`GetBucketMetadata`), `GetBucketLocation`, `ListObjects`, `PutObject`, `GetObject`
//! (with `Range`), `HeadObject`, `DeleteObject`, `AppendObject`, `InitiateMultipartUpload`,
//! `UploadPart`, `ListParts`, `CompleteMultipartUpload`, `AbortMultipartUpload` and
//! `ListMultipartUploads`. Anything else gets `501 NotImplemented`. Every answer carries
//! `x-obs-request-id`; errors are OBS's `<Error>` XML documents.
//!
//! Faults can be injected ([`FakeObs::inject`]) to test retries and aborts, and every
//! request is logged without its body ([`FakeObs::requests`]).

#![forbid(unsafe_code)]

mod auth;
mod error;
mod http;
// The independent OBS signature check the runtime's tests use.
#[path = "../../../codegen/runtime/tests/support/obs_verify.rs"]
mod obs_verify;
mod ops;
mod path;
mod server;
mod store;
mod xml;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};

pub use server::{Fault, FaultKind, LoggedRequest};

/// What the server sends as `x-obs-id-2` and `<HostId>`.
const HOST_ID: &str = "fake-obs";

/// How to start a [`FakeObs`]: the credentials it accepts, where it listens and where it
/// keeps its data.
#[derive(Clone)]
pub struct Options {
    listen: SocketAddr,
    dir: Option<PathBuf>,
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
}

impl Options {
    /// A server that accepts requests signed with `access_key` and `secret_key`, on a free
    /// port of 127.0.0.1, keeping its data in a temporary folder removed when it stops.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            dir: None,
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            security_token: None,
        }
    }

    /// Listens on `addr`, which must be on 127.0.0.1 (port 0 for any free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Keeps the data in `dir` (created when missing), which outlives the server; what an
    /// earlier server left there is served again.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Requires temporary credentials: every request must carry this
    /// `x-obs-security-token` (a header, or the query of a presigned URL).
    pub fn security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("listen", &self.listen)
            .field("dir", &self.dir)
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("security_token", &self.security_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A running fake OBS. Dropping it stops it (and removes its temporary folder, if it
/// made one); [`shutdown`](Self::shutdown) also waits for the listener to be closed.
pub struct FakeObs {
    addr: SocketAddr,
    dir: PathBuf,
    keys: auth::Keys,
    shared: Arc<server::Shared>,
    /// The accept loop, which owns the connections' tasks.
    task: Option<tokio::task::JoinHandle<()>>,
    // Last: removed after the server's tasks are stopped.
    _temp: Option<tempfile::TempDir>,
}

impl FakeObs {
    /// Starts a server with `options` on the current tokio runtime. Fails when the address
    /// is not on 127.0.0.1, when it cannot be bound, or when the data folder cannot be
    /// read or made.
    pub async fn start(options: Options) -> io::Result<Self> {
        if options.listen.ip() != Ipv4Addr::LOCALHOST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the fake OBS listens on 127.0.0.1 only, not on {}", options.listen.ip()),
            ));
        }
        if options.access_key.is_empty() || options.secret_key.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "the access key and the secret key must not be empty"));
        }
        let (dir, temp) = match options.dir {
            Some(dir) => (dir, None),
            None => {
                let temp = tempfile::Builder::new().prefix("fake-obs-").tempdir()?;
                (temp.path().to_owned(), Some(temp))
            }
        };
        let store = store::Store::open(&dir)?;
        let listener = tokio::net::TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let keys = auth::Keys {
            access_key: options.access_key,
            secret_key: options.secret_key,
            security_token: options.security_token,
            endpoint_host: addr.to_string(),
        };
        let shared = Arc::new(server::Shared::new(store, keys.clone()));
        let task = tokio::spawn(server::accept(listener, Arc::clone(&shared)));
        Ok(Self { addr, dir, keys, shared, task: Some(task), _temp: temp })
    }

    /// The endpoint: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The folder the data is kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The access key accepted.
    pub fn access_key(&self) -> &str {
        &self.keys.access_key
    }

    /// The secret key accepted.
    pub fn secret_key(&self) -> &str {
        &self.keys.secret_key
    }

    /// The security token required, if any.
    pub fn security_token(&self) -> Option<&str> {
        self.keys.security_token.as_deref()
    }

    /// Every request answered (or dropped) so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Forgets the requests logged so far.
    pub fn clear_requests(&self) {
        self.shared.log.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// Arms `fault`: it strikes once, on the request it names.
    pub fn inject(&self, fault: Fault) {
        self.shared.faults.lock().unwrap_or_else(PoisonError::into_inner).push((fault, 0));
    }

    /// Stops listening and drops every connection.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for FakeObs {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

impl fmt::Debug for FakeObs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeObs").field("url", &self.url()).field("dir", &self.dir).finish_non_exhaustive()
    }
}
