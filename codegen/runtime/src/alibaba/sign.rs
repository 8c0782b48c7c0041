//! Alibaba Cloud Function Compute 2.0 signing: `Authorization: FC <AccessKeyId>:<signature>`.
//!
//! Follows `fc2.auth.Auth.sign_request` of Alibaba's Python SDK `aliyun-fc2`. The string
//! to sign is, joined with `\n`: the method, `Content-MD5`, `Content-Type` and `Date`
//! (empty when absent), then the [`canonical_fc_headers`] immediately followed by the
//! [`canonical_resource`]. The signature is the base64 HMAC-SHA256 of it, keyed with the
//! access key secret.

use std::fmt;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::Request;
use http::header::{AUTHORIZATION, DATE, HeaderMap};
use http::uri::Uri;

use crate::Error;
use crate::auth::{self, QueryItem, REDACTED, Signer, invalid};

/// RFC 1123 date, as the `Date` header carries it.
const DATE_LAYOUT: &str = "%a, %d %b %Y %H:%M:%S GMT";
const X_FC_PREFIX: &str = "x-fc-";
const X_FC_SECURITY_TOKEN: &str = "x-fc-security-token";

/// Alibaba Cloud access key credentials for Function Compute 2.0.
///
/// `Debug` shows the access key id but never the secret or the security token.
#[derive(Clone)]
pub struct FcAccessKey {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl FcAccessKey {
    /// Permanent credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// Temporary (STS) credentials: the security token, sent and signed as
    /// `x-fc-security-token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// The access key id (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Signs `request` in place: sets `Date` from `time` unless the request has one, sets
    /// `x-fc-security-token` for temporary credentials and replaces any `Authorization`.
    ///
    /// The path and query are signed decoded; the query is read per RFC 3986 (`+` is a
    /// plus sign, a space is `%20`). To sign a retried request with a fresh time, remove
    /// its `Date` first.
    pub fn sign(&self, request: &mut Request<Vec<u8>>, time: SystemTime) -> Result<(), Error> {
        auth::remove_authorization(request);
        if !request.headers().contains_key(DATE) {
            let date = auth::utc_seconds(time)?.format(DATE_LAYOUT).to_string();
            request
                .headers_mut()
                .insert(DATE, auth::header_value("date", &date, false)?);
        }
        if let Some(token) = &self.security_token {
            let value = auth::header_value(X_FC_SECURITY_TOKEN, token, true)?;
            request.headers_mut().insert(X_FC_SECURITY_TOKEN, value);
        }
        let digest = auth::hmac_sha256(
            self.access_key_secret.as_bytes(),
            string_to_sign(request)?.as_bytes(),
        )?;
        let value = format!("FC {}:{}", self.access_key_id, BASE64.encode(digest));
        let value = auth::header_value("authorization", &value, true)?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }
}

impl Signer for FcAccessKey {
    fn sign(&self, request: &mut Request<crate::Body>, time: SystemTime) -> Result<(), Error> {
        auth::sign_as_bytes(request, |request| FcAccessKey::sign(self, request, time))
    }
}

impl fmt::Debug for FcAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FcAccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &REDACTED)
            .field(
                "security_token",
                &auth::redacted_option(&self.security_token),
            )
            .finish()
    }
}

/// The string to sign for `request` as it stands (with its `Date` and `x-fc-*` headers).
///
/// Errors when a header it reads is not UTF-8 or appears more than once (the scheme
/// defines one value per header), or when the decoded path or query is not UTF-8.
pub fn string_to_sign(request: &Request<Vec<u8>>) -> Result<String, Error> {
    let headers = request.headers();
    let field = |name| auth::single_header(headers, name).map(|v| v.unwrap_or("").trim());
    let lines = [
        request.method().as_str().to_ascii_uppercase(),
        field("content-md5")?.to_owned(),
        field("content-type")?.to_owned(),
        field("date")?.to_owned(),
        canonical_fc_headers(headers)? + &canonical_resource(request.uri())?,
    ];
    Ok(lines.join("\n"))
}

/// The `x-fc-*` headers, one `name:value\n` line each, sorted by name.
pub fn canonical_fc_headers(headers: &HeaderMap) -> Result<String, Error> {
    let mut fields = Vec::new();
    for name in headers
        .keys()
        .filter(|name| name.as_str().starts_with(X_FC_PREFIX))
    {
        let value = auth::single_header(headers, name.as_str())?.unwrap_or("");
        fields.push((name.as_str(), value.trim()));
    }
    fields.sort_unstable();
    Ok(fields
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect())
}

/// The decoded path and, when the URI has a query, one line per parameter after it:
/// `key=value`, or the key alone when it has no `=`, sorted.
pub fn canonical_resource(uri: &Uri) -> Result<String, Error> {
    let path = utf8(auth::decode(uri.path()), "path")?;
    let mut lines = auth::query_items(uri.query().unwrap_or(""))
        .into_iter()
        .map(query_line)
        .collect::<Result<Vec<_>, _>>()?;
    if lines.is_empty() {
        return Ok(path);
    }
    lines.sort_unstable();
    Ok(format!("{path}\n{}", lines.join("\n")))
}

fn query_line(item: QueryItem) -> Result<String, Error> {
    let key = utf8(item.key, "query")?;
    match item.value {
        Some(value) => Ok(format!("{key}={}", utf8(value, "query")?)),
        None => Ok(key),
    }
}

fn utf8(bytes: Vec<u8>, part: &str) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|_| invalid(format!("the decoded {part} is not UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn resource_lists_sorted_query_lines_and_bare_keys() {
        let uri: Uri = "https://h/a%20b/c?z=1&flag&a=&a=2".parse().unwrap();
        assert_eq!(
            canonical_resource(&uri).unwrap(),
            "/a b/c\na=\na=2\nflag\nz=1"
        );
        let bare: Uri = "https://h/p?".parse().unwrap();
        assert_eq!(canonical_resource(&bare).unwrap(), "/p");
    }

    #[test]
    fn fc_headers_sort_by_name_not_by_line() {
        let mut headers = HeaderMap::new();
        headers.insert("x-fc-a-b", "2".parse().unwrap());
        headers.insert("x-fc-a", "1".parse().unwrap());
        headers.insert("x-other", "no".parse().unwrap());
        assert_eq!(
            canonical_fc_headers(&headers).unwrap(),
            "x-fc-a:1\nx-fc-a-b:2\n"
        );
    }

    #[test]
    fn sign_adds_an_rfc_1123_date() {
        let mut request = Request::get("https://h/p").body(Vec::new()).unwrap();
        let time = UNIX_EPOCH + Duration::from_secs(1_795_508_100);
        FcAccessKey::new("id", "secret")
            .sign(&mut request, time)
            .unwrap();
        assert_eq!(request.headers()[DATE], "Tue, 24 Nov 2026 08:15:00 GMT");
        assert!(
            request.headers()[AUTHORIZATION]
                .to_str()
                .unwrap()
                .starts_with("FC id:")
        );
    }
}
