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
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::Datelike;
use hmac::{Hmac, Mac};
use http::Request;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::percent_decode_str;
use sha2::Sha256;

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
pub const SENSITIVE_HEADERS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

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

/// Debug text for an optional secret: shows whether it is set, never its value.
pub(crate) fn redacted_option(secret: &Option<String>) -> Option<&'static str> {
    secret.as_ref().map(|_| REDACTED)
}

pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidRequest(message.into())
}

/// A header value as text; signatures are computed over UTF-8 text, so other bytes are an
/// error rather than a guess.
pub(crate) fn value_str<'a>(name: &str, value: &'a HeaderValue) -> Result<&'a str, Error> {
    std::str::from_utf8(value.as_bytes()).map_err(|_| {
        invalid(format!(
            "header `{name}` is not valid UTF-8, cannot sign it"
        ))
    })
}

/// The value of a header that must appear at most once, as text.
pub(crate) fn single_header<'a>(
    headers: &'a HeaderMap,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(invalid(format!(
            "header `{name}` appears more than once, cannot sign it"
        )));
    }
    value_str(name, first).map(Some)
}

/// Builds a header value from a credential or computed text, flagged sensitive when it is
/// a secret so that HTTP/2 header compression and `Debug` leave it out.
pub(crate) fn header_value(name: &str, text: &str, sensitive: bool) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(text).map_err(|_| {
        invalid(format!(
            "the value for header `{name}` is not a valid header value"
        ))
    })?;
    value.set_sensitive(sensitive);
    Ok(value)
}

/// `time` in UTC with whole seconds, limited to years 1970..=9999 so that every date
/// layout keeps its fixed width.
pub(crate) fn utc_seconds(time: SystemTime) -> Result<chrono::DateTime<chrono::Utc>, Error> {
    let out_of_range = || invalid("the signing time is outside the years 1970 to 9999");
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| out_of_range())?
        .as_secs();
    let seconds = i64::try_from(seconds).map_err(|_| out_of_range())?;
    chrono::DateTime::from_timestamp(seconds, 0)
        .filter(|t| t.year() <= 9999)
        .ok_or_else(out_of_range)
}

/// Percent-decodes a URI component. `+` stays a plus sign (RFC 3986): a space must be
/// sent as `%20`.
pub(crate) fn decode(component: &str) -> Vec<u8> {
    percent_decode_str(component).collect()
}

/// One `key[=value]` item of a query string, percent-decoded; `value` is `None` when the
/// item has no `=`.
pub(crate) struct QueryItem {
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// The items of a raw query string, in the order given; empty items (`a=1&&b=2`) are
/// skipped.
pub(crate) fn query_items(query: &str) -> Vec<QueryItem> {
    query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((key, value)) => QueryItem {
                key: decode(key),
                value: Some(decode(value)),
            },
            None => QueryItem {
                key: decode(item),
                value: None,
            },
        })
        .collect()
}

/// HMAC-SHA256 of `data` keyed with `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<Vec<u8>, Error> {
    // HMAC takes keys of any length; the error branch exists only in the trait's signature.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map_err(|_| invalid("the secret key cannot key HMAC-SHA256"))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Drops any earlier signature so that a retried request is signed afresh.
pub(crate) fn remove_authorization(request: &mut Request<Vec<u8>>) {
    request.headers_mut().remove(http::header::AUTHORIZATION);
}

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

    #[test]
    fn query_items_decode_and_keep_order() {
        let items = query_items("b=a%2Bb+c&&flag&a=");
        let shown: Vec<_> = items
            .iter()
            .map(|i| {
                (
                    String::from_utf8_lossy(&i.key).into_owned(),
                    i.value.clone(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("b".to_owned(), Some(b"a+b+c".to_vec())),
                ("flag".to_owned(), None),
                ("a".to_owned(), Some(Vec::new())),
            ]
        );
    }

    #[test]
    fn signing_time_out_of_range_is_an_error() {
        let before_epoch = UNIX_EPOCH - std::time::Duration::from_secs(1);
        assert!(utc_seconds(before_epoch).is_err());
        let year_10000 = UNIX_EPOCH + std::time::Duration::from_secs(253_402_300_800);
        assert!(utc_seconds(year_10000).is_err());
        let t = utc_seconds(UNIX_EPOCH + std::time::Duration::from_millis(1_500)).unwrap();
        assert_eq!(t.timestamp(), 1);
    }

    #[test]
    fn repeated_or_non_utf8_single_header_is_an_error() {
        let mut headers = HeaderMap::new();
        headers.append("date", HeaderValue::from_static("a"));
        assert_eq!(single_header(&headers, "date").unwrap(), Some("a"));
        headers.append("date", HeaderValue::from_static("b"));
        assert!(single_header(&headers, "date").is_err());
        headers.insert("content-md5", HeaderValue::from_bytes(b"\xff").unwrap());
        assert!(single_header(&headers, "content-md5").is_err());
        assert_eq!(single_header(&headers, "content-type").unwrap(), None);
    }
}
