//! Interceptors: code of the caller's that the client runs around each request it sends,
//! for logging, metrics, extra headers and test doubles (compare the official SDK's
//! `HttpHandler` and the AWS SDK's interceptors).
//!
//! Whatever an interceptor is handed keeps credentials out of logs by default: the
//! contexts' `Debug` redacts credential headers (`Authorization`, security tokens,
//! cookies; see [`is_sensitive_header`](crate::auth::is_sensitive_header)) and query
//! values named like them, shows bodies by size only, and [`HeaderView`] reads credential
//! values as `<redacted>`. The values as sent are there only through the methods named
//! `headers_unredacted`.

use crate::auth::{is_sensitive_header, redact_headers};
use crate::{Body, Error};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::time::Duration;

/// Code run around every request a client sends: register it with
/// [`ClientConfigBuilder::interceptor`](super::ClientConfigBuilder::interceptor). Several
/// run in the order they were added, for every request of every client made from the
/// configuration (the project and domain id lookups included). Every method does nothing
/// unless implemented.
///
/// Per attempt, and per endpoint tried when the client fails over:
///
/// 1. [`modify_before_signing`](Self::modify_before_signing): may add headers, which the
///    signature then covers;
/// 2. [`before_send`](Self::before_send): the signed request, read-only;
/// 3. [`after_response`](Self::after_response) with the status and headers (before the
///    body is read or parsed), or [`on_transport_error`](Self::on_transport_error) when
///    no answer came.
///
/// Headers cannot be changed after signing: a header added then would not be covered by
/// the signature (or would break it), so the signed request is handed over read-only.
///
/// ```
/// use codegen_runtime::{ClientConfig, Credentials, Error, Interceptor, RequestContext, ResponseContext};
///
/// struct Log;
/// impl Interceptor for Log {
///     fn modify_before_signing(&self, request: &mut RequestContext<'_>) -> Result<(), Error> {
///         request.insert_header("x-trace-id", "t-1")
///     }
///     fn after_response(&self, response: &ResponseContext<'_>) {
///         eprintln!("{} {} -> {} ({:?})", response.method(), response.uri().path(), response.status(), response.headers());
///     }
/// }
///
/// let config = ClientConfig::builder(Credentials::none()).interceptor(Log).build()?;
/// # let _ = config;
/// # Ok::<(), Error>(())
/// ```
pub trait Interceptor: Send + Sync {
    /// Before the request is signed: headers inserted here are signed with the request.
    /// An error ends the attempt with that error, before anything is sent; it is not
    /// retried.
    fn modify_before_signing(&self, request: &mut RequestContext<'_>) -> Result<(), Error> {
        let _ = request;
        Ok(())
    }

    /// The request as signed, just before it is sent. The HTTP client still adds `Host`,
    /// `Content-Length` and `User-Agent` on the wire.
    fn before_send(&self, request: &RequestContext<'_>) {
        let _ = request;
    }

    /// The status and headers of an answer, whatever its status, before its body is read.
    fn after_response(&self, response: &ResponseContext<'_>) {
        let _ = response;
    }

    /// An attempt that got no answer: connecting failed (the client then tries the next
    /// endpoint, if any), the connection was lost, or a timeout struck.
    fn on_transport_error(&self, failure: &TransportErrorContext<'_>) {
        let _ = failure;
    }
}

/// Which operation and attempt a context is about.
#[derive(Clone, Copy)]
pub(super) struct Call<'a> {
    pub operation_id: &'a str,
    /// From 1; the retries of the policy count, the endpoints tried in one attempt do not.
    pub attempt: u32,
}

/// A request as interceptors see it: method, URI, headers (credentials redacted unless
/// asked for by name) and what kind of body it has, never the body's content.
pub struct RequestContext<'a> {
    call: Call<'a>,
    request: &'a mut http::Request<Body>,
}

impl<'a> RequestContext<'a> {
    pub(super) fn new(call: Call<'a>, request: &'a mut http::Request<Body>) -> Self {
        Self { call, request }
    }

    /// The operation's id (`CreateFunction`); empty for a request given to
    /// [`Client::execute`](super::Client::execute).
    pub fn operation_id(&self) -> &str {
        self.call.operation_id
    }

    /// The attempt, from 1 (a retry of the policy is the next attempt).
    pub fn attempt(&self) -> u32 {
        self.call.attempt
    }

    /// The method.
    pub fn method(&self) -> &http::Method {
        self.request.method()
    }

    /// The URI, with the endpoint the request goes to.
    pub fn uri(&self) -> &http::Uri {
        self.request.uri()
    }

    /// The headers, credential values read as `<redacted>`.
    pub fn headers(&self) -> HeaderView<'_> {
        HeaderView(self.request.headers())
    }

    /// The headers as they are sent, credentials included: keep them out of logs.
    pub fn headers_unredacted(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// The body's length when known without reading it (bytes, a stream given its
    /// length; a file's is read when it is sent).
    pub fn body_length(&self) -> Option<u64> {
        self.request.body().known_length()
    }

    /// What the body is.
    pub fn body_kind(&self) -> BodyKind {
        let body = self.request.body();
        if body.as_bytes().is_some() {
            BodyKind::Bytes
        } else if body.file_path().is_some() {
            BodyKind::File
        } else {
            BodyKind::Stream
        }
    }

    /// Sets header `name` to `value`, replacing the request's own value. Only possible in
    /// [`Interceptor::modify_before_signing`], so that the signature covers it. A request
    /// given an `Authorization` this way goes unsigned (see
    /// [`Credentials`](crate::Credentials)). Fails when the name or value is not valid in
    /// a header.
    pub fn insert_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::InvalidRequest(format!("the value of header `{name}` is not valid in a header")))?;
        self.request.headers_mut().insert(name, value);
        Ok(())
    }
}

/// What a request's body is; see [`Body`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// Bytes in memory (empty for a request without a body).
    Bytes,
    /// A file, read while it is sent.
    File,
    /// An async stream, sent once.
    Stream,
}

/// The status and headers of an answer, with the request they answer.
pub struct ResponseContext<'a> {
    pub(super) call: Call<'a>,
    pub(super) method: &'a http::Method,
    pub(super) uri: &'a http::Uri,
    pub(super) status: http::StatusCode,
    pub(super) headers: &'a HeaderMap,
    pub(super) elapsed: Duration,
}

impl ResponseContext<'_> {
    /// The operation's id; empty for a request given to [`Client::execute`](super::Client::execute).
    pub fn operation_id(&self) -> &str {
        self.call.operation_id
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.call.attempt
    }

    /// The request's method.
    pub fn method(&self) -> &http::Method {
        self.method
    }

    /// The request's URI.
    pub fn uri(&self) -> &http::Uri {
        self.uri
    }

    /// The status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The headers, credential values (an IAM token, `Set-Cookie`) read as `<redacted>`.
    pub fn headers(&self) -> HeaderView<'_> {
        HeaderView(self.headers)
    }

    /// The headers as received, credentials included: keep them out of logs.
    pub fn headers_unredacted(&self) -> &HeaderMap {
        self.headers
    }

    /// The request id: the first header whose name ends in `request-id`.
    pub fn request_id(&self) -> Option<&str> {
        super::trace::request_id(self.headers)
    }

    /// How long the answer took to arrive, from sending the request.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

/// An attempt that got no answer.
pub struct TransportErrorContext<'a> {
    pub(super) call: Call<'a>,
    pub(super) method: &'a http::Method,
    pub(super) uri: &'a http::Uri,
    pub(super) error: &'a Error,
    pub(super) sent: bool,
}

impl TransportErrorContext<'_> {
    /// The operation's id; empty for a request given to [`Client::execute`](super::Client::execute).
    pub fn operation_id(&self) -> &str {
        self.call.operation_id
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.call.attempt
    }

    /// The request's method.
    pub fn method(&self) -> &http::Method {
        self.method
    }

    /// The request's URI.
    pub fn uri(&self) -> &http::Uri {
        self.uri
    }

    /// What went wrong: [`Error::Transport`] or [`Error::Timeout`].
    pub fn error(&self) -> &Error {
        self.error
    }

    /// Whether any of the request may have reached the server; `false` when connecting
    /// failed.
    pub fn sent(&self) -> bool {
        self.sent
    }
}

/// Headers with credential values read as `<redacted>`: those
/// [`is_sensitive_header`] names, and values flagged sensitive (what signers add). `Debug`
/// shows them so.
#[derive(Clone, Copy)]
pub struct HeaderView<'a>(&'a HeaderMap);

/// What a credential value reads as.
static REDACTED: HeaderValue = HeaderValue::from_static("<redacted>");

impl<'a> HeaderView<'a> {
    /// The first value of header `name` (any case), `<redacted>` for a credential.
    pub fn get(&self, name: &str) -> Option<&'a HeaderValue> {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        self.0.get(&name).map(|value| shown(&name, value))
    }

    /// Whether the header is there (its value may be redacted).
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Every header (a name once per value), credential values as `<redacted>`.
    pub fn iter(&self) -> impl Iterator<Item = (&'a HeaderName, &'a HeaderValue)> + use<'a> {
        self.0.iter().map(|(name, value)| (name, shown(name, value)))
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn shown<'a>(name: &HeaderName, value: &'a HeaderValue) -> &'a HeaderValue {
    if is_sensitive_header(name) || value.is_sensitive() { &REDACTED } else { value }
}

impl fmt::Debug for HeaderView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redact_headers(self.0).fmt(f)
    }
}

/// A URI for `Debug`: user info and query values named like credentials redacted.
struct ShownUri<'a>(&'a http::Uri);

impl fmt::Debug for ShownUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = format!("{}{}", super::failover::origin_of(self.0), self.0.path());
        if let Some(query) = self.0.query() {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) if sensitive_query_name(name) => format!("{name}=<redacted>"),
                    _ => pair.to_owned(),
                })
                .collect();
            text = format!("{text}?{}", pairs.join("&"));
        }
        fmt::Debug::fmt(&text, f)
    }
}

/// Whether a query parameter is named like a credential header (`X-Amz-Signature`,
/// `token`, ...).
fn sensitive_query_name(name: &str) -> bool {
    HeaderName::from_bytes(name.as_bytes()).map_or(true, |name| is_sensitive_header(&name))
}

/// Shows operation, attempt, method, URI and headers, credentials redacted, and the body by
/// kind and size.
impl fmt::Debug for RequestContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("operation_id", &self.call.operation_id)
            .field("attempt", &self.call.attempt)
            .field("method", self.request.method())
            .field("uri", &ShownUri(self.request.uri()))
            .field("headers", &self.headers())
            .field("body", self.request.body())
            .finish()
    }
}

/// Shows the request, status and headers, credentials redacted.
impl fmt::Debug for ResponseContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseContext")
            .field("operation_id", &self.call.operation_id)
            .field("attempt", &self.call.attempt)
            .field("method", self.method)
            .field("uri", &ShownUri(self.uri))
            .field("status", &self.status)
            .field("headers", &self.headers())
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

/// Shows the request and the error as [`Error`]'s `Debug` shows it (credential headers and
/// bodies redacted; a transport error's URL as sent).
impl fmt::Debug for TransportErrorContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportErrorContext")
            .field("operation_id", &self.call.operation_id)
            .field("attempt", &self.call.attempt)
            .field("method", self.method)
            .field("uri", &ShownUri(self.uri))
            .field("error", self.error)
            .field("sent", &self.sent)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> http::Request<Body> {
        http::Request::post("https://user:pw@fgs.example.com/v2/x?marker=m1&X-Amz-Signature=s3cret&token=t0k")
            .header("content-type", "application/json")
            .header("authorization", "SDK-HMAC-SHA256 Access=AK, Signature=abc")
            .header("x-security-token", "sec-token")
            .header("cookie", "session=c00kie")
            .body(Body::from("{\"password\":\"hunter2\"}"))
            .expect("request")
    }

    #[test]
    fn debug_and_views_redact_credentials() {
        let mut request = request();
        let context = RequestContext::new(Call { operation_id: "Op", attempt: 2 }, &mut request);
        let shown = format!("{context:?} {context:#?}");
        for secret in ["Signature=abc", "sec-token", "c00kie", "hunter2", "pw@", "s3cret", "t0k"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        for kept in ["\"Op\"", "attempt: 2", "application/json", "marker=m1", "Body(<22 bytes>)"] {
            assert!(shown.contains(kept), "{kept} in {shown}");
        }
        let headers = context.headers();
        assert_eq!(headers.get("Authorization").expect("present"), "<redacted>");
        assert_eq!(headers.get("content-type").expect("present"), "application/json");
        assert!(headers.iter().all(|(_, value)| value != "sec-token"));
        assert_eq!(context.headers_unredacted()["x-security-token"], "sec-token");
        assert_eq!((context.body_length(), context.body_kind()), (Some(22), BodyKind::Bytes));
    }

    #[test]
    fn headers_are_inserted_only_when_valid() {
        let mut request = request();
        let mut context = RequestContext::new(Call { operation_id: "", attempt: 1 }, &mut request);
        context.insert_header("X-Extra", "1").expect("valid");
        assert!(context.insert_header("bad name", "1").is_err());
        assert!(context.insert_header("x-a", "a\nb").is_err());
        assert_eq!(request.headers()["x-extra"], "1");
    }
}
