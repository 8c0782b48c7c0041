//! Huawei Cloud `SDK-HMAC-SHA256` signing with an access key (AK) and secret key (SK).
//!
//! Follows the signer of Huawei's Python SDK core (`huaweicloudsdkcore.signer.signer.Signer`):
//!
//! 1. `X-Sdk-Date` is the UTC signing time (`YYYYMMDDTHHMMSSZ`); `Host` is added when absent.
//! 2. Signed headers: every header whose name has no `_`, lower case, sorted.
//! 3. Canonical request: method, [`canonical_uri`], [`canonical_query`], one
//!    `name:value` line per signed header, an empty line, the signed header list, and the
//!    hex SHA-256 of the body.
//! 4. String to sign: [`ALGORITHM`], the date, and the hex SHA-256 of the canonical request.
//! 5. `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<hex
//!    HMAC-SHA256 of the string to sign, keyed with SK>`.

use std::fmt;
use std::time::SystemTime;

use http::Request;
use http::header::{AUTHORIZATION, HOST, HeaderMap, HeaderName};
use http::uri::{PathAndQuery, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::auth::{self, REDACTED, Signer, invalid};

/// Name of the scheme: first word of the `Authorization` value and of the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

const X_SDK_DATE: &str = "x-sdk-date";
const X_SECURITY_TOKEN: &str = "x-security-token";
/// A body hash the caller declares instead of the computed one (`UNSIGNED-PAYLOAD` for
/// streamed uploads), honoured as by Huawei's SDKs.
const X_SDK_CONTENT_SHA256: &str = "x-sdk-content-sha256";
const DATE_LAYOUT: &str = "%Y%m%dT%H%M%SZ";

/// Percent-encoded in paths and queries: everything but `A-Z a-z 0-9 - _ . ~`.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Huawei Cloud access key credentials; signs requests with `SDK-HMAC-SHA256`.
///
/// `Debug` shows the access key but never the secret key or the security token.
#[derive(Clone)]
pub struct AkSk {
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
}

impl AkSk {
    /// Permanent credentials: an access key id (AK) and its secret key (SK).
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            security_token: None,
        }
    }

    /// Temporary credentials: the security token issued with the AK/SK, sent (and
    /// signed) as `X-Security-Token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// The access key id (not secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Signs `request` in place.
    ///
    /// Sets `X-Sdk-Date` from `time` unless the request has one (which must then be in
    /// the `YYYYMMDDTHHMMSSZ` layout), adds `Host` from the URI when absent, sets
    /// `X-Security-Token` for temporary credentials and replaces any `Authorization`.
    /// Like Huawei's SDKs, it also rewrites the URI query to its canonical form (sorted,
    /// reserved characters percent-encoded), so the server reads exactly the values that
    /// were signed. The query is read per RFC 3986: `+` is a plus sign, a space is `%20`.
    ///
    /// To sign a retried request with a fresh time, remove its `X-Sdk-Date` first.
    pub fn sign(&self, request: &mut Request<Vec<u8>>, time: SystemTime) -> Result<(), Error> {
        auth::remove_authorization(request);
        let date = set_sdk_date(request, time)?;
        set_host(request)?;
        self.set_security_token(request)?;
        send_canonical_query(request)?;
        let signed = signed_headers(request.headers());
        let canonical = canonical_request(request, &signed)?;
        let signature = hex::encode(auth::hmac_sha256(
            self.secret_key.as_bytes(),
            string_to_sign(&date, &canonical).as_bytes(),
        )?);
        let value = format!(
            "{ALGORITHM} Access={}, SignedHeaders={}, Signature={signature}",
            self.access_key,
            header_list(&signed)
        );
        let value = auth::header_value("authorization", &value, true)?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    fn set_security_token(&self, request: &mut Request<Vec<u8>>) -> Result<(), Error> {
        if let Some(token) = &self.security_token {
            let value = auth::header_value(X_SECURITY_TOKEN, token, true)?;
            request.headers_mut().insert(X_SECURITY_TOKEN, value);
        }
        Ok(())
    }
}

impl Signer for AkSk {
    fn sign(&self, request: &mut Request<Vec<u8>>, time: SystemTime) -> Result<(), Error> {
        AkSk::sign(self, request, time)
    }
}

impl fmt::Debug for AkSk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AkSk")
            .field("access_key", &self.access_key)
            .field("secret_key", &REDACTED)
            .field(
                "security_token",
                &auth::redacted_option(&self.security_token),
            )
            .finish()
    }
}

/// The `X-Sdk-Date` to sign with: the request's own, checked, or `time`, added.
fn set_sdk_date(request: &mut Request<Vec<u8>>, time: SystemTime) -> Result<String, Error> {
    if let Some(existing) = auth::single_header(request.headers(), X_SDK_DATE)? {
        // The server parses it too; a malformed date would only fail there, later.
        chrono::NaiveDateTime::parse_from_str(existing, DATE_LAYOUT).map_err(|_| {
            invalid(format!(
                "header `X-Sdk-Date` is `{existing}`, not YYYYMMDDTHHMMSSZ"
            ))
        })?;
        return Ok(existing.to_owned());
    }
    let date = auth::utc_seconds(time)?.format(DATE_LAYOUT).to_string();
    let value = auth::header_value(X_SDK_DATE, &date, false)?;
    request.headers_mut().insert(X_SDK_DATE, value);
    Ok(date)
}

/// Adds `Host` from the URI authority (without user info), because it is signed.
fn set_host(request: &mut Request<Vec<u8>>) -> Result<(), Error> {
    if request.headers().contains_key(HOST) {
        return Ok(());
    }
    let authority = request
        .uri()
        .authority()
        .ok_or_else(|| invalid("the URI has no host and the request no `Host` header"))?;
    let host = match authority.port() {
        Some(port) => format!("{}:{port}", authority.host()),
        None => authority.host().to_owned(),
    };
    let value = auth::header_value("host", &host, false)?;
    request.headers_mut().insert(HOST, value);
    Ok(())
}

/// Replaces the URI query with its canonical form, so that whatever convention the
/// server has for `+` or unencoded characters, it decodes the signed values.
fn send_canonical_query(request: &mut Request<Vec<u8>>) -> Result<(), Error> {
    let Some(query) = request.uri().query() else {
        return Ok(());
    };
    let canonical = canonical_query(query);
    if canonical == query {
        return Ok(());
    }
    let path = request.uri().path();
    let path_and_query = if canonical.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{canonical}")
    };
    let mut parts = request.uri().clone().into_parts();
    let failed = |e: &dyn fmt::Display| invalid(format!("cannot rewrite the query: {e}"));
    let path_and_query = PathAndQuery::try_from(path_and_query).map_err(|e| failed(&e))?;
    parts.path_and_query = Some(path_and_query);
    *request.uri_mut() = Uri::from_parts(parts).map_err(|e| failed(&e))?;
    Ok(())
}

/// The headers to sign: every header except `Authorization` and those whose name has an
/// `_`, sorted (names are lower case in [`HeaderMap`]).
pub fn signed_headers(headers: &HeaderMap) -> Vec<HeaderName> {
    let mut names: Vec<HeaderName> = headers
        .keys()
        .filter(|name| !name.as_str().contains('_') && *name != AUTHORIZATION)
        .cloned()
        .collect();
    names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    names
}

/// The canonical request: the text whose hash is signed.
///
/// `request` must already carry the headers that are signed (`Host`, `X-Sdk-Date`, ...);
/// [`AkSk::sign`] adds them before calling this. Errors when a signed header value is not
/// UTF-8.
pub fn canonical_request(
    request: &Request<Vec<u8>>,
    signed_headers: &[HeaderName],
) -> Result<String, Error> {
    let lines = [
        request.method().as_str().to_ascii_uppercase(),
        canonical_uri(request.uri().path()),
        canonical_query(request.uri().query().unwrap_or("")),
        canonical_headers(request.headers(), signed_headers)?,
        header_list(signed_headers),
        payload_hash(request)?,
    ];
    Ok(lines.join("\n"))
}

/// The string to sign for a canonical request signed at `sdk_date` (`X-Sdk-Date`).
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    let hash = hex::encode(Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{sdk_date}\n{hash}")
}

/// The canonical path: percent-decoded, split on `/`, each segment re-encoded, with a
/// trailing `/` (an encoded `%2F` therefore counts as a separator, as in Huawei's SDKs).
pub fn canonical_uri(path: &str) -> String {
    let decoded = auth::decode(path);
    let segments: Vec<String> = decoded.split(|&b| b == b'/').map(encode).collect();
    let mut uri = segments.join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query: decoded `key=value` pairs (a key without `=` has an empty
/// value), sorted by key then value, re-encoded, joined with `&`.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = auth::query_items(query)
        .into_iter()
        .map(|item| (item.key, item.value.unwrap_or_default()))
        .collect();
    // Byte order of UTF-8 is code point order, the order of the reference implementation.
    pairs.sort();
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    encoded.join("&")
}

/// One `name:value` line per signed header and value, then a line break. Repeated
/// headers give one line per value, values sorted, as Huawei's API Gateway signer does.
fn canonical_headers(headers: &HeaderMap, signed_headers: &[HeaderName]) -> Result<String, Error> {
    let mut text = String::new();
    for name in signed_headers {
        let mut values = headers
            .get_all(name)
            .iter()
            .map(|value| auth::value_str(name.as_str(), value).map(str::trim))
            .collect::<Result<Vec<_>, _>>()?;
        values.sort_unstable();
        for value in values {
            text.push_str(&format!("{name}:{value}\n"));
        }
    }
    Ok(text)
}

/// Hex SHA-256 of the body, unless the caller declared one for a non-empty body.
fn payload_hash(request: &Request<Vec<u8>>) -> Result<String, Error> {
    if !request.body().is_empty() {
        let declared = auth::single_header(request.headers(), X_SDK_CONTENT_SHA256)?;
        if let Some(declared) = declared.map(str::trim).filter(|d| !d.is_empty()) {
            return Ok(declared.to_owned());
        }
    }
    Ok(hex::encode(Sha256::digest(request.body())))
}

fn header_list(names: &[HeaderName]) -> String {
    let names: Vec<&str> = names.iter().map(HeaderName::as_str).collect();
    names.join(";")
}

fn encode(bytes: &[u8]) -> String {
    percent_encode(bytes, ENCODED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn canonical_uri_reencodes_segments_and_ends_with_slash() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/v2/"), "/v2/");
        assert_eq!(canonical_uri("/a:b/c d/%7Ex"), "/a%3Ab/c%20d/~x/");
        assert_eq!(canonical_uri("/a%2Fb/%CE%B1"), "/a/b/%CE%B1/");
    }

    #[test]
    fn canonical_query_sorts_repeated_keys_and_keeps_empty_values() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(
            canonical_query("b=2&a=z&a=y&flag&e="),
            "a=y&a=z&b=2&e=&flag="
        );
        assert_eq!(canonical_query("q=a+b%20c"), "q=a%2Bb%20c");
    }

    #[test]
    fn sign_rewrites_the_query_to_what_was_signed() {
        let mut request = Request::get("https://example.com/p?b=1+1&a=x%20y")
            .body(Vec::new())
            .unwrap();
        AkSk::new("ak", "sk")
            .sign(&mut request, UNIX_EPOCH + Duration::from_secs(86_400))
            .unwrap();
        assert_eq!(
            request.uri().to_string(),
            "https://example.com/p?a=x%20y&b=1%2B1"
        );
        assert_eq!(request.headers()[X_SDK_DATE], "19700102T000000Z");
        assert!(request.headers()[AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn repeated_headers_give_one_sorted_line_per_value() {
        let mut headers = HeaderMap::new();
        headers.append("x-b", "2".parse().unwrap());
        headers.append("x-b", " 1 ".parse().unwrap());
        let names = signed_headers(&headers);
        assert_eq!(
            canonical_headers(&headers, &names).unwrap(),
            "x-b:1\nx-b:2\n"
        );
    }

    #[test]
    fn declared_payload_hash_is_used_for_a_body() {
        let request = Request::put("https://example.com/")
            .header(X_SDK_CONTENT_SHA256, "UNSIGNED-PAYLOAD")
            .body(b"data".to_vec())
            .unwrap();
        assert_eq!(payload_hash(&request).unwrap(), "UNSIGNED-PAYLOAD");
    }
}
