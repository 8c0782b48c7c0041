//! Presigned URLs: a request whose authentication is in its URL, usable by any HTTP
//! client until it expires, without the credentials.

use std::fmt;
use std::time::SystemTime;

use http::Method;
use http::header::HeaderMap;

use super::{REDACTED, redact_headers};

/// A URL signed for one request until it expires (Huawei OBS's query authentication:
/// `AkSk::presign`, or [`Credentials::presign`](crate::Credentials::presign) for any
/// credentials whose scheme has one).
///
/// `Debug` leaves out the signature and tokens in the query: the URL itself grants
/// access, so log it with care.
#[derive(Clone)]
pub struct PresignedUrl {
    method: Method,
    url: String,
    headers: HeaderMap,
    expires: SystemTime,
}

impl PresignedUrl {
    /// A URL for `method` that must be sent with `headers`, valid until `expires`.
    pub fn new(method: Method, url: String, headers: HeaderMap, expires: SystemTime) -> Self {
        Self { method, url, headers, expires }
    }

    /// The method the URL is signed for.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL, with its authentication in the query.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers that were signed and must be sent with the URL, unchanged (often
    /// none).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// When the URL stops working (whole seconds).
    pub fn expires(&self) -> SystemTime {
        self.expires
    }
}

/// Whether a query parameter carries a credential: `Signature`, or a name with `token`,
/// `signature` or `secret` in it (any case).
fn is_sensitive_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["token", "signature", "secret"].iter().any(|part| lower.contains(part))
}

impl fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self.url.split_once('?') {
            Some((path, query)) => {
                let items: Vec<String> = query
                    .split('&')
                    .map(|item| match item.split_once('=') {
                        Some((name, _)) if is_sensitive_param(name) => format!("{name}={REDACTED}"),
                        _ => item.to_owned(),
                    })
                    .collect();
                format!("{path}?{}", items.join("&"))
            }
            None => self.url.clone(),
        };
        f.debug_struct("PresignedUrl")
            .field("method", &self.method)
            .field("url", &shown)
            .field("headers", &redact_headers(&self.headers))
            .field("expires", &self.expires)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_signatures_and_tokens() {
        let url = PresignedUrl::new(
            Method::GET,
            "https://b.example.com/k?versionId=v1&AccessKeyId=AK&Signature=c2ln&x-obs-security-token=tok".to_owned(),
            HeaderMap::new(),
            SystemTime::UNIX_EPOCH,
        );
        let shown = format!("{url:?}");
        assert!(shown.contains("versionId=v1&AccessKeyId=AK&Signature=<redacted>&x-obs-security-token=<redacted>"), "{shown}");
        assert!(!shown.contains("c2ln") && !shown.contains("tok\""), "{shown}");
    }
}
