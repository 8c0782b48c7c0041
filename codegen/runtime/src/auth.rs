//! Request signing, and keeping credentials out of logs.
//!
//! A [`Signer`] adds the authentication headers to a fully built [`http::Request`], so
//! request building stays independent of credentials and of any HTTP client. Each
//! vendor's schemes live in that vendor's module (behind the vendor's cargo feature),
//! with their intermediate steps public, so that a signature the server rejects can be
//! compared with another implementation step by step.
//!
//! Signers never panic on input and their `Debug` output never shows a secret; use
//! [`redact_headers`] to log the headers of a signed request.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::Request;
use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{Body, Error};

/// Something that authenticates a request by adding headers to it.
///
/// Implementations never panic: a request they cannot sign (a header value that is not
/// UTF-8, no host to sign, a credential that is not a valid header value, ...) gives
/// [`Error::InvalidRequest`], and the request then carries no `Authorization` header.
///
/// A body that is not in memory (a file, a stream: [`Body::as_bytes`] is `None`) cannot
/// be hashed before it is sent; schemes that hash bodies sign it as unsigned
/// ([`sign_as_bytes`] tells them so).
pub trait Signer: fmt::Debug + Send + Sync {
    /// Signs `request` in place, as of `time`. `time` is used only when the request has no
    /// date header yet: remove that header to sign a retried request afresh.
    fn sign(&self, request: &mut Request<Body>, time: SystemTime) -> Result<(), Error>;

    /// A URL that authenticates `request` by itself (query authentication) for
    /// `expires_in` after `now`, for schemes that have one (Huawei OBS's); the others
    /// refuse with [`Error::InvalidRequest`], as this default does. The body is not
    /// signed.
    fn presign(&self, request: &Request<()>, expires_in: Duration, now: SystemTime) -> Result<PresignedUrl, Error> {
        let _ = (request, expires_in, now);
        Err(Error::InvalidRequest(format!("{self:?} cannot presign URLs")))
    }
}

/// Marks a stand-in request (see [`sign_as_bytes`]) whose real body is not in memory: its
/// payload is unknown and non-empty, so it is declared unsigned.
#[derive(Debug, Clone, Copy)]
pub struct UnbufferedBody;

/// Signs `request` with `sign`, a signer of requests whose body is bytes in memory: a body
/// in memory is handed over as a `Vec<u8>` (without copying when not shared); a file or a
/// stream is replaced, while `sign` runs, by an empty body and the [`UnbufferedBody`]
/// extension. Headers, URI (a signer may rewrite the query) and extensions come back.
pub fn sign_as_bytes(
    request: &mut Request<Body>,
    sign: impl FnOnce(&mut Request<Vec<u8>>) -> Result<(), Error>,
) -> Result<(), Error> {
    let body = std::mem::take(request.body_mut());
    let progress = body.progress.clone();
    let (bytes, unbuffered) = match body.into_bytes() {
        Ok(bytes) => (Vec::from(bytes), None),
        Err(body) => (Vec::new(), Some(body)),
    };
    let mut stand_in = Request::new(bytes);
    *stand_in.method_mut() = request.method().clone();
    *stand_in.uri_mut() = request.uri().clone();
    *stand_in.version_mut() = request.version();
    *stand_in.headers_mut() = std::mem::take(request.headers_mut());
    *stand_in.extensions_mut() = std::mem::take(request.extensions_mut());
    if unbuffered.is_some() {
        stand_in.extensions_mut().insert(UnbufferedBody);
    }
    let result = sign(&mut stand_in);
    let (mut parts, bytes) = stand_in.into_parts();
    parts.extensions.remove::<UnbufferedBody>();
    *request.uri_mut() = parts.uri;
    *request.headers_mut() = parts.headers;
    *request.extensions_mut() = parts.extensions;
    *request.body_mut() = unbuffered.unwrap_or_else(|| {
        let mut body = Body::from(bytes);
        body.progress = progress;
        body
    });
    result
}

/// Names (lower case) of the headers whose values are credentials whatever the vendor.
pub const SENSITIVE_HEADERS: [&str; 4] = ["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// Parts of header names that mark a credential in any vendor's scheme
/// (`X-Auth-Token`, `X-Security-Token`, `X-Subject-Token`, ...).
const SENSITIVE_NAME_PARTS: [&str; 3] = ["token", "secret", "signature"];

/// What debug output shows in place of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Whether the value of header `name` is a credential: a name in [`SENSITIVE_HEADERS`],
/// or one containing `token`, `secret` or `signature`.
pub fn is_sensitive_header(name: &HeaderName) -> bool {
    let name = name.as_str();
    SENSITIVE_HEADERS.contains(&name) || SENSITIVE_NAME_PARTS.iter().any(|part| name.contains(part))
}

/// A view of `headers` whose `Debug` output shows every header but replaces credential
/// values with `<redacted>`; use it to log requests and responses.
///
/// A value is hidden when [`is_sensitive_header`] says so or when it is flagged with
/// [`HeaderValue::set_sensitive`] (the signers flag what they add).
pub fn redact_headers(headers: &HeaderMap) -> RedactedHeaders<'_> {
    RedactedHeaders(headers)
}

/// Debug view of a [`HeaderMap`] without credentials; see [`redact_headers`].
pub struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.0.iter().map(|(name, value)| {
            let hidden = is_sensitive_header(name) || value.is_sensitive();
            (name, ShownValue { value, hidden })
        });
        f.debug_map().entries(entries).finish()
    }
}

/// One header value in [`RedactedHeaders`] output.
struct ShownValue<'a> {
    value: &'a HeaderValue,
    hidden: bool,
}

impl fmt::Debug for ShownValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hidden {
            fmt::Debug::fmt(REDACTED, f)
        } else {
            fmt::Debug::fmt(self.value, f)
        }
    }
}

mod presigned;
pub use presigned::PresignedUrl;

/// Steps the vendors' signers share: header text, signing time, query parsing, HMAC.
#[cfg(any(feature = "huawei", feature = "alibaba"))]
mod signing;
#[cfg(any(feature = "huawei", feature = "alibaba"))]
pub(crate) use signing::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credentials_and_keeps_other_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("x-auth-token", HeaderValue::from_static("token-value"));
        headers.insert(
            "authorization",
            HeaderValue::from_static("SDK-HMAC-SHA256 Access=a"),
        );
        let mut flagged = HeaderValue::from_static("flagged-value");
        flagged.set_sensitive(true);
        headers.insert("x-custom-secret", flagged);
        let shown = format!("{:?}", redact_headers(&headers));
        assert!(
            shown.contains(r#""content-type": "application/json""#),
            "{shown}"
        );
        assert!(shown.contains(r#""x-auth-token": "<redacted>""#), "{shown}");
        for secret in ["token-value", "Access=a", "flagged-value"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

}
