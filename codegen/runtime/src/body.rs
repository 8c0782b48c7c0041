//! Bodies that need not sit in memory: uploads from bytes, a file or an async stream, and
//! downloads handed over as they arrive.
//!
//! Operations with JSON bodies send and receive `Vec<u8>`; an operation that uploads or
//! downloads a file (an octet stream, a zip, a `type: file` answer) uses [`Body`].

use bytes::Bytes;
use futures_core::Stream;
use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// A stream of chunks, as uploads take them and downloads give them.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static>>;

/// The body of an upload or a download.
///
/// - **Bytes** in memory (`Vec<u8>`, `String`, [`Bytes`]), sent as they are and signed by
///   their hash where the scheme hashes bodies.
/// - **A file** ([`Body::from_file`]): opened and read while the request is sent, never
///   held in memory; a retry opens it again. Its length is taken when it is opened, and a
///   file that grows or shrinks while it is sent fails the request with
///   [`Error::Transport`](crate::Error::Transport) saying how many bytes went.
/// - **An async stream** ([`Body::from_stream`]), of known or unknown length, read while
///   the request is sent. A stream cannot be replayed: a request with one is sent once, and
///   a retry the policy would allow fails instead, saying so.
/// - **A download**: the body of an answer the client hands over as it arrives. With the
///   feature `client`, `collect` it, read it with `into_stream` or `into_async_read` (a
///   tokio `AsyncRead`), or `write_to_file`.
///
/// A body that is not bytes in memory is sent unsigned (`UNSIGNED-PAYLOAD`), as Huawei's
/// SDKs send streams. [`with_progress`](Self::with_progress) reports bytes as they go.
///
/// Cloning is cheap; clones of a stream share it (the first to read it takes it).
#[derive(Clone)]
pub struct Body {
    pub(crate) kind: Kind,
    pub(crate) progress: Option<ProgressFn>,
}

#[derive(Clone)]
pub(crate) enum Kind {
    Bytes(Bytes),
    File(PathBuf),
    /// `length` bytes of a file from `offset` (a part of a multipart upload).
    FileRange {
        path: PathBuf,
        offset: u64,
        length: u64,
    },
    Stream {
        /// Taken by the one read.
        stream: Arc<Mutex<Option<ByteStream>>>,
        length: Option<u64>,
    },
    /// Bodies sent one after the other (a multipart form with files on disk).
    Parts(Arc<[Body]>),
}

/// How far a transfer is: bytes so far, and the total when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes sent (an upload) or received (a download) so far.
    pub transferred: u64,
    /// The body's length, when known (a file, a stream given its length, an answer with a
    /// `Content-Length`).
    pub total: Option<u64>,
}

/// A progress callback.
pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

impl Body {
    /// No body.
    pub fn empty() -> Self {
        Self::from(Bytes::new())
    }

    /// The file at `path`, read while the request is sent (and opened again for a retry).
    pub fn from_file(path: impl Into<PathBuf>) -> Self {
        Self {
            kind: Kind::File(path.into()),
            progress: None,
        }
    }

    /// `length` bytes of the file at `path` from byte `offset`, read while the request is
    /// sent (and again for a retry): a part of a large file, uploaded without holding it
    /// in memory or copying it. Sending fails if the file is shorter than
    /// `offset + length`.
    pub fn from_file_range(path: impl Into<PathBuf>, offset: u64, length: u64) -> Self {
        Self {
            kind: Kind::FileRange {
                path: path.into(),
                offset,
                length,
            },
            progress: None,
        }
    }

    /// An async stream of chunks, of `length` bytes when known (sent as
    /// `Content-Length`; otherwise the body is sent chunked). Sent once: see the type's
    /// docs.
    pub fn from_stream<S>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        Self {
            kind: Kind::Stream {
                stream: Arc::new(Mutex::new(Some(Box::pin(stream)))),
                length,
            },
            progress: None,
        }
    }

    /// `parts` sent one after the other, as one body.
    pub(crate) fn concat(parts: Vec<Body>) -> Self {
        Self {
            kind: Kind::Parts(parts.into()),
            progress: None,
        }
    }

    /// Calls `callback` with the bytes transferred so far each time more go (uploads) or
    /// arrive (downloads), and once at the start.
    pub fn with_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The bytes, for a body held in memory; `None` for a file or a stream.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The length in bytes, when known without reading: bytes in memory, a stream given
    /// its length. A file's is read when it is sent.
    pub fn known_length(&self) -> Option<u64> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes.len() as u64),
            Kind::File(_) => None,
            Kind::FileRange { length, .. } => Some(*length),
            Kind::Stream { length, .. } => *length,
            Kind::Parts(parts) => parts.iter().map(Body::known_length).sum(),
        }
    }

    /// The file this body reads, for a body made with [`from_file`](Self::from_file) or
    /// [`from_file_range`](Self::from_file_range).
    pub fn file_path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::File(path) | Kind::FileRange { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Whether sending the body again sends the same bytes (bytes, a file), so that the
    /// request can be retried.
    pub fn is_replayable(&self) -> bool {
        match &self.kind {
            Kind::Stream { .. } => false,
            Kind::Parts(parts) => parts.iter().all(Body::is_replayable),
            _ => true,
        }
    }

    /// The bytes in memory, or the body back when it is a file or a stream (which must be
    /// read asynchronously).
    pub fn into_bytes(self) -> Result<Bytes, Body> {
        match self.kind {
            Kind::Bytes(bytes) => Ok(bytes),
            _ => Err(self),
        }
    }

    /// The stream of a stream body, taken: `None` when it was taken before (sent, or read
    /// through a clone) or the body is not a stream.
    #[cfg_attr(not(feature = "client"), allow(dead_code, reason = "the client reads streams"))]
    pub(crate) fn take_stream(&self) -> Option<(ByteStream, Option<u64>)> {
        match &self.kind {
            Kind::Stream { stream, length } => {
                let taken = stream.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
                taken.map(|stream| (stream, *length))
            }
            _ => None,
        }
    }

    /// Reports `progress`, when someone listens.
    #[cfg_attr(not(feature = "client"), allow(dead_code, reason = "the client reports progress"))]
    pub(crate) fn report(&self, progress: Progress) {
        if let Some(callback) = &self.progress {
            callback(progress);
        }
    }
}

/// A request body that credentials sign in place: `Vec<u8>` (what JSON operations build)
/// or [`Body`].
pub trait SignableBody: Sized + sealed::Sealed {
    /// Runs `f` on the request with its body as a [`Body`], and puts it back.
    fn with_body<R>(request: &mut http::Request<Self>, f: impl FnOnce(&mut http::Request<Body>) -> R) -> R;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for Vec<u8> {}
    impl Sealed for super::Body {}
}

impl SignableBody for Body {
    fn with_body<R>(request: &mut http::Request<Self>, f: impl FnOnce(&mut http::Request<Body>) -> R) -> R {
        f(request)
    }
}

impl SignableBody for Vec<u8> {
    fn with_body<R>(request: &mut http::Request<Self>, f: impl FnOnce(&mut http::Request<Body>) -> R) -> R {
        // Moved, not copied: `Bytes` takes the vector's allocation and gives it back.
        let mut body_request = http::Request::new(Body::from(std::mem::take(request.body_mut())));
        *body_request.method_mut() = request.method().clone();
        *body_request.uri_mut() = request.uri().clone();
        *body_request.version_mut() = request.version();
        *body_request.headers_mut() = std::mem::take(request.headers_mut());
        *body_request.extensions_mut() = std::mem::take(request.extensions_mut());
        let result = f(&mut body_request);
        let (parts, body) = body_request.into_parts();
        *request.uri_mut() = parts.uri;
        *request.headers_mut() = parts.headers;
        *request.extensions_mut() = parts.extensions;
        *request.body_mut() = body.into_bytes().map(Vec::from).unwrap_or_default();
        result
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self {
            kind: Kind::Bytes(bytes),
            progress: None,
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from(Bytes::from_static(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Self::from(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Self::from(Bytes::from_static(text.as_bytes()))
    }
}

/// Bytes equal by content; files by path; streams only to their clones.
impl PartialEq for Body {
    fn eq(&self, other: &Self) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Bytes(a), Kind::Bytes(b)) => a == b,
            (Kind::File(a), Kind::File(b)) => a == b,
            (
                Kind::FileRange { path: a, offset: i, length: m },
                Kind::FileRange { path: b, offset: j, length: n },
            ) => (a, i, m) == (b, j, n),
            (Kind::Stream { stream: a, .. }, Kind::Stream { stream: b, .. }) => Arc::ptr_eq(a, b),
            (Kind::Parts(a), Kind::Parts(b)) => a == b,
            _ => false,
        }
    }
}

/// Shows the kind and size, never the content.
impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Bytes(bytes) => write!(f, "Body(<{} bytes>)", bytes.len()),
            Kind::File(path) => f.debug_tuple("Body::File").field(path).finish(),
            Kind::FileRange { path, offset, length } => {
                write!(f, "Body::FileRange({path:?}, <{length} bytes from {offset}>)")
            }
            Kind::Stream { length: Some(length), .. } => write!(f, "Body::Stream(<{length} bytes>)"),
            Kind::Stream { length: None, .. } => f.write_str("Body::Stream(<unknown length>)"),
            Kind::Parts(parts) => write!(f, "Body::Parts({})", parts.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks() -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        struct Two(u8);
        impl Stream for Two {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(
                mut self: Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Self::Item>> {
                self.0 += 1;
                std::task::Poll::Ready((self.0 <= 2).then(|| Ok(Bytes::from_static(b"ab"))))
            }
        }
        Two(0)
    }

    #[test]
    fn kinds_lengths_and_debug() {
        let bytes = Body::from(b"secret".to_vec());
        assert_eq!(bytes.as_bytes(), Some(&b"secret"[..]));
        assert_eq!(bytes.known_length(), Some(6));
        assert!(bytes.is_replayable());
        assert_eq!(format!("{bytes:?}"), "Body(<6 bytes>)");
        let file = Body::from_file("/data/big.iso");
        assert_eq!((file.as_bytes(), file.known_length()), (None, None));
        assert_eq!(file.file_path(), Some(Path::new("/data/big.iso")));
        assert!(file.is_replayable());
        let stream = Body::from_stream(chunks(), Some(4));
        assert!(!stream.is_replayable());
        assert_eq!(stream.known_length(), Some(4));
        assert_eq!(format!("{stream:?}"), "Body::Stream(<4 bytes>)");
    }

    #[test]
    fn a_stream_is_taken_once_whatever_the_clone() {
        let stream = Body::from_stream(chunks(), None);
        let clone = stream.clone();
        assert_eq!(stream, clone);
        assert!(clone.take_stream().is_some());
        assert!(stream.take_stream().is_none());
        assert_ne!(stream, Body::from_stream(chunks(), None));
        let into = Body::from("text").into_bytes().expect("bytes");
        assert_eq!(&into[..], b"text");
        assert!(Body::from_file("/x").into_bytes().is_err());
    }
}
