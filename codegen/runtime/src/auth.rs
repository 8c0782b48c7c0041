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
use std::time::SystemTime;

use http::Request;
use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// Something that authenticates a request by adding headers to it.
///
/// Implementations never panic: a request they cannot sign (a header value that is not
/// UTF-8, no host to sign, a credential that is not a valid header value, ...) gives
/// [`Error::InvalidRequest`], and the request then carries no `Authorization` header.
pub trait Signer: fmt::Debug + Send + Sync {
    /// Signs `request` in place, as of `time`. `time` is used only when the request has no
    /// date header yet: remove that header to sign a retried request afresh.
    fn sign(&self, request: &mut Request<Vec<u8>>, time: SystemTime) -> Result<(), Error>;
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
