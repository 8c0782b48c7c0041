//! Bodies on the wire: uploads read while they are sent (bytes, files opened per attempt,
//! streams taken once), downloads handed over as they arrive, and what a [`Body`] offers
//! once the client has it (collect, stream, `AsyncRead`, write to a file).

use crate::body::{ByteStream, Kind, Progress};
use crate::{Body, Error};
use bytes::Bytes;
use futures_core::Stream;
use std::fmt;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::AsyncWriteExt;

/// Chunks read from files at a time.
const CHUNK: usize = 64 * 1024;

/// What an upload reports after the request fails: its own failure, if it had one.
#[derive(Clone, Default)]
pub(super) struct Upload(Arc<Mutex<Option<String>>>);

impl Upload {
    fn record(&self, why: String) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(why);
    }

    /// The body's own failure, as a transport error naming it.
    pub(super) fn failure(&self) -> Option<Error> {
        let why = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()?;
        Some(Error::Transport(Box::new(io::Error::other(why))))
    }
}

/// Converts a signed request for reqwest: its body read while sent, with its length as
/// `Content-Length` when known. Refuses a URL reqwest would send differently (a path
/// segment `.` or `..` would be resolved away, and the signature would not match), and a
/// stream already sent.
pub(super) async fn into_reqwest(request: http::Request<Body>) -> Result<(reqwest::Request, Upload), Error> {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let (mut parts, body) = request.into_parts();
    let upload = Upload::default();
    let (body, length) = upload_body(body, &upload).await?;
    if let Some(length) = length {
        parts.headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(length));
    }
    let converted = reqwest::Request::try_from(http::Request::from_parts(parts, body))
        .map_err(|e| Error::InvalidRequest(format!("the request URL cannot be sent: {e}")))?;
    let url = converted.url();
    if url.path() != path || url.query() != query.as_deref() {
        return Err(Error::InvalidRequest(format!(
            "the request path `{path}` would be sent as `{}` (a path parameter `.` or `..`?)",
            url.path()
        )));
    }
    Ok((converted, upload))
}

/// The body as reqwest sends it, and its length when known.
async fn upload_body(body: Body, upload: &Upload) -> Result<(reqwest::Body, Option<u64>), Error> {
    if let (Kind::Bytes(bytes), None) = (&body.kind, &body.progress) {
        return Ok((reqwest::Body::from(bytes.clone()), Some(bytes.len() as u64)));
    }
    let (stream, length, what) = open_body(&body).await?;
    let counted = Counted {
        inner: stream,
        body: body.clone(),
        done: 0,
        expected: length,
        what: what.to_owned(),
        upload: Some(upload.clone()),
        started: false,
    };
    Ok((reqwest::Body::wrap_stream(counted), length))
}

/// The chunks of a body, its length when known, and what it is (for messages). Files
/// are opened now, all of them before anything is sent, so that a missing one is an
/// error before the request leaves.
async fn open_body(body: &Body) -> Result<(ByteStream, Option<u64>, &'static str), Error> {
    match &body.kind {
        Kind::Parts(parts) => {
            let mut streams = Vec::with_capacity(parts.len());
            let mut total = Some(0u64);
            for part in parts.iter() {
                let (stream, length, _) = open_part(part).await?;
                total = total.zip(length).map(|(a, b)| a + b);
                streams.push(stream);
            }
            Ok((Box::pin(Chain(streams.into())), total, "the form"))
        }
        _ => open_part(body).await,
    }
}

/// [`open_body`] for a body that is not made of parts.
async fn open_part(body: &Body) -> Result<(ByteStream, Option<u64>, &'static str), Error> {
    Ok(match &body.kind {
        Kind::Bytes(bytes) => (chunked(bytes.clone()), Some(bytes.len() as u64), "the body"),
        Kind::File(path) => {
            let (file, length) = open(path).await?;
            (Box::pin(tokio_util::io::ReaderStream::with_capacity(file, CHUNK)), Some(length), "the file")
        }
        Kind::FileRange { path, offset, length } => {
            use tokio::io::{AsyncReadExt, AsyncSeekExt};
            let (mut file, file_length) = open(path).await?;
            if offset.checked_add(*length).is_none_or(|end| end > file_length) {
                return Err(Error::InvalidRequest(format!(
                    "the body file {} is {file_length} bytes long: it has no {length} bytes from byte {offset}",
                    path.display()
                )));
            }
            file.seek(io::SeekFrom::Start(*offset)).await.map_err(|e| {
                Error::InvalidRequest(format!("the body file {} cannot be read: {e}", path.display()))
            })?;
            let part = file.take(*length);
            (Box::pin(tokio_util::io::ReaderStream::with_capacity(part, CHUNK)), Some(*length), "the file")
        }
        Kind::Stream { .. } => match body.take_stream() {
            Some((stream, length)) => (stream, length, "the stream"),
            None => return Err(not_replayable()),
        },
        Kind::Parts(_) => {
            return Err(Error::InvalidRequest("a body of parts cannot nest another".to_owned()));
        }
    })
}

/// Streams read one after the other.
struct Chain(std::collections::VecDeque<ByteStream>);

impl Stream for Chain {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        while let Some(current) = self.0.front_mut() {
            match current.as_mut().poll_next(cx) {
                Poll::Ready(None) => {
                    self.0.pop_front();
                }
                other => return other,
            }
        }
        Poll::Ready(None)
    }
}

/// Opens a file to send, with its length now.
async fn open(path: &Path) -> Result<(tokio::fs::File, u64), Error> {
    let cannot = |e: io::Error| Error::InvalidRequest(format!("the body file {} cannot be read: {e}", path.display()));
    let file = tokio::fs::File::open(path).await.map_err(cannot)?;
    let length = file.metadata().await.map_err(cannot)?.len();
    Ok((file, length))
}

/// Bytes in memory as chunks, so that progress can be reported as they go.
fn chunked(bytes: Bytes) -> ByteStream {
    struct Chunks(Bytes);
    impl Stream for Chunks {
        type Item = io::Result<Bytes>;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            if self.0.is_empty() {
                return Poll::Ready(None);
            }
            let take = self.0.len().min(CHUNK);
            Poll::Ready(Some(Ok(self.0.split_to(take))))
        }
    }
    Box::pin(Chunks(bytes))
}

fn not_replayable() -> Error {
    Error::InvalidRequest(
        "the request body is a stream that was sent already: a stream cannot be replayed \
         (use bytes or Body::from_file for a body that can be sent again)"
            .to_owned(),
    )
}

/// A failure of an attempt whose body was a stream, which is not retried: the error says
/// so.
pub(super) fn not_replayed(error: Error) -> Error {
    match error {
        Error::Transport(source) => Error::Transport(Box::new(NotReplayed(source.to_string()))),
        Error::Timeout(limit) => Error::Transport(Box::new(NotReplayed(format!("no response within {limit:?}")))),
        other => other,
    }
}

#[derive(Debug)]
struct NotReplayed(String);

impl fmt::Display for NotReplayed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (not retried: the request body is a stream, which cannot be sent twice)", self.0)
    }
}

impl std::error::Error for NotReplayed {}

/// A body's chunks, counted: progress reported, the length checked against what was
/// announced, and a failure recorded with the bytes that went before it.
struct Counted {
    inner: ByteStream,
    /// Where progress goes.
    body: Body,
    done: u64,
    expected: Option<u64>,
    /// `the file`, `the stream`, `the answer`: for messages.
    what: String,
    /// Set for uploads: where a failure is recorded for the client's error.
    upload: Option<Upload>,
    started: bool,
}

impl Counted {
    fn fail(&self, why: String) -> io::Error {
        if let Some(upload) = &self.upload {
            upload.record(why.clone());
        }
        io::Error::other(why)
    }
}

impl Stream for Counted {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if !self.started {
            self.started = true;
            self.body.report(Progress { transferred: 0, total: self.expected });
        }
        let polled = self.inner.as_mut().poll_next(cx);
        match polled {
            Poll::Ready(Some(Ok(chunk))) => {
                self.done += chunk.len() as u64;
                if let Some(expected) = self.expected.filter(|expected| self.done > *expected) {
                    let why = format!("{} grew while it was sent: more than the {expected} bytes announced", self.what);
                    return Poll::Ready(Some(Err(self.fail(why))));
                }
                self.body.report(Progress { transferred: self.done, total: self.expected });
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                let why = format!("{} failed after {} bytes: {error}", self.what, self.done);
                Poll::Ready(Some(Err(self.fail(why))))
            }
            Poll::Ready(None) => match self.expected.filter(|expected| self.done < *expected) {
                Some(expected) => {
                    let why = format!("{} ended after {} of the {expected} bytes announced", self.what, self.done);
                    Poll::Ready(Some(Err(self.fail(why))))
                }
                None => Poll::Ready(None),
            },
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A success answer's body as it arrives (with the read timeout still applying between
/// chunks), of `Content-Length` bytes when announced.
pub(super) fn download(response: reqwest::Response) -> Body {
    let length = response.content_length();
    let stream = response.bytes_stream();
    Body::from_stream(MapErr(Box::pin(stream)), length)
}

/// reqwest's errors as I/O errors, the kind a stream of chunks carries.
struct MapErr(Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>);

impl Stream for MapErr {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(io::Error::other)))
    }
}

/// Reading a body (feature `client`): a download, or any other body.
impl Body {
    /// The body's bytes, read whole: the bytes given, a file read, a stream (a download)
    /// read to its end. For a stream, as large as it is: prefer
    /// [`write_to_file`](Self::write_to_file) or [`into_stream`](Self::into_stream) for
    /// large ones.
    pub async fn collect(self) -> Result<Bytes, Error> {
        let mut stream = self.into_stream().await?;
        let mut collected = Vec::new();
        while let Some(chunk) = next(&mut stream).await {
            collected.extend_from_slice(&chunk.map_err(transfer_error)?);
        }
        Ok(Bytes::from(collected))
    }

    /// The body as a stream of chunks, progress reported as they are read. Fails for a
    /// stream read before (through a clone) or a file that cannot be opened.
    pub async fn into_stream(self) -> Result<ByteStream, Error> {
        let (stream, length, what) = open_body(&self).await.map_err(|error| match &self.kind {
            Kind::Stream { .. } => Error::InvalidRequest("the body's stream was read already".to_owned()),
            _ => error,
        })?;
        Ok(Box::pin(Counted {
            inner: stream,
            body: self.clone(),
            done: 0,
            expected: length,
            what: what.to_owned(),
            upload: None,
            started: false,
        }))
    }

    /// The body as an [`AsyncRead`](tokio::io::AsyncRead) (`tokio::io::copy`,
    /// `BufReader`, decoders).
    pub async fn into_async_read(self) -> Result<impl tokio::io::AsyncRead + Send + Unpin, Error> {
        Ok(tokio_util::io::StreamReader::new(self.into_stream().await?))
    }

    /// Writes the body to a new file at `path` (replacing one there) as it is read, and
    /// gives the number of bytes written. Memory stays at one chunk whatever the size.
    pub async fn write_to_file(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let cannot = |e: io::Error| Error::InvalidRequest(format!("cannot write {}: {e}", path.display()));
        let mut stream = self.into_stream().await?;
        let mut file = tokio::fs::File::create(path).await.map_err(cannot)?;
        let mut written = 0u64;
        while let Some(chunk) = next(&mut stream).await {
            let chunk = chunk.map_err(transfer_error)?;
            file.write_all(&chunk).await.map_err(cannot)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(cannot)?;
        Ok(written)
    }

    /// Writes the body into the existing file at `path` from byte `offset` on, leaving the
    /// rest of the file as it is, and gives the number of bytes written: one range of a
    /// download in parts, several of which may write the same file at once. Memory stays
    /// at one chunk whatever the size.
    pub async fn write_to_file_at(self, path: impl AsRef<Path>, offset: u64) -> Result<u64, Error> {
        use tokio::io::AsyncSeekExt;
        let path = path.as_ref();
        let cannot = |e: io::Error| Error::InvalidRequest(format!("cannot write {}: {e}", path.display()));
        let mut stream = self.into_stream().await?;
        let mut file = tokio::fs::OpenOptions::new().write(true).open(path).await.map_err(cannot)?;
        file.seek(io::SeekFrom::Start(offset)).await.map_err(cannot)?;
        let mut written = 0u64;
        while let Some(chunk) = next(&mut stream).await {
            let chunk = chunk.map_err(transfer_error)?;
            file.write_all(&chunk).await.map_err(cannot)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(cannot)?;
        Ok(written)
    }
}

/// The next item of a stream (what `StreamExt::next` does, without the dependency).
async fn next(stream: &mut ByteStream) -> Option<io::Result<Bytes>> {
    std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await
}

fn transfer_error(error: io::Error) -> Error {
    Error::Transport(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(future)
    }

    #[test]
    fn dot_segments_are_refused() {
        block_on(async {
            for path in ["/v2/../x", "/v2/./x"] {
                let request = http::Request::get(format!("http://127.0.0.1:9{path}")).body(Body::empty()).expect("request");
                assert!(matches!(into_reqwest(request).await, Err(Error::InvalidRequest(_))), "{path}");
            }
            let fine = http::Request::get("http://127.0.0.1:9/v2/a%3Ab?x=1%202").body(Body::empty()).expect("request");
            assert!(into_reqwest(fine).await.is_ok());
        });
    }

    #[test]
    fn bodies_read_back_with_progress() {
        block_on(async {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let log = seen.clone();
            let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
            let body = Body::from(data.clone()).with_progress(move |p| log.lock().unwrap().push(p));
            assert_eq!(body.collect().await.expect("bytes"), data);
            let seen = seen.lock().unwrap().clone();
            assert_eq!(seen.first(), Some(&Progress { transferred: 0, total: Some(200_000) }));
            assert_eq!(seen.last(), Some(&Progress { transferred: 200_000, total: Some(200_000) }));
            assert!(seen.len() >= 4, "one report per chunk: {seen:?}");
        });
    }

    #[test]
    fn a_stream_shorter_or_longer_than_announced_fails_saying_how_far_it_got() {
        block_on(async {
            let short = Body::from_stream(chunks(3), Some(10));
            let error = short.collect().await.expect_err("short");
            assert!(error.to_string().contains("ended after 6 of the 10 bytes"), "{error}");
            let long = Body::from_stream(chunks(3), Some(4));
            let error = long.collect().await.expect_err("long");
            assert!(error.to_string().contains("more than the 4 bytes"), "{error}");
            let read_twice = Body::from_stream(chunks(1), None);
            let clone = read_twice.clone();
            read_twice.collect().await.expect("first read");
            assert!(clone.collect().await.is_err(), "the stream was taken");
        });
    }

    /// `n` chunks of two bytes.
    fn chunks(n: usize) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
        struct Chunks(usize);
        impl Stream for Chunks {
            type Item = io::Result<Bytes>;
            fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                if self.0 == 0 {
                    return Poll::Ready(None);
                }
                self.0 -= 1;
                Poll::Ready(Some(Ok(Bytes::from_static(b"ab"))))
            }
        }
        Chunks(n)
    }
}
