//! Steps the vendors' signers share (compiled with a vendor feature): header values as
//! text, the signing time, query strings, HMAC-SHA256, and secrets kept out of `Debug`.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::Datelike;
use hmac::{Hmac, Mac};
use http::Request;
use http::header::{HeaderMap, HeaderValue};
use percent_encoding::percent_decode_str;
use sha2::Sha256;

use super::REDACTED;
use crate::Error;

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
