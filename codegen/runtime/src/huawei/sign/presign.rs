//! Presigned URLs of OBS (query authentication): a built request turned into a URL that
//! any HTTP client can use until it expires, without the secret key.
//!
//! The URL is the request's with `AccessKeyId`, `Expires` (epoch seconds) and
//! `Signature` (the OBS signature with `Expires` in place of the date, see `obs.rs`)
//! added to its query, and `x-obs-security-token` for temporary credentials (signed as a
//! sub-resource). The request's `Content-Type`, `Content-MD5` and `x-obs-*` headers are
//! signed too: whoever uses the URL sends them ([`PresignedUrl::headers`]).
//!
//! A URL made with temporary credentials stops working when their security token
//! expires, whatever its `Expires`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{CONTENT_TYPE, HeaderMap};
use http::Request;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::AkSk;
use super::obs::{X_OBS_SECURITY_TOKEN, obs_signature, obs_string_to_sign};
use crate::auth::{self, PresignedUrl, invalid};
use crate::{BucketAddress, Error};

/// The query parameters query authentication adds; a request must not have them already.
const AUTH_PARAMETERS: [&str; 4] = ["AccessKeyId", "Expires", "Signature", X_OBS_SECURITY_TOKEN];

/// Encoded in the added query values: all but `A-Z a-z 0-9 - _ . ~`.
const VALUE_ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

impl AkSk {
    /// A URL for `request` (any method, e.g. a built `GetObject` or `PutObject`) signed
    /// with the OBS signature (query authentication), valid for `expires_in` from now; see
    /// [`presign_at`](Self::presign_at). With credentials from a provider, use
    /// [`Credentials::presign`](crate::Credentials::presign).
    pub fn presign<B>(&self, request: &Request<B>, expires_in: Duration) -> Result<PresignedUrl, Error> {
        self.presign_at(request, expires_in, SystemTime::now())
    }

    /// A URL for `request` valid until `expires_at`, which must be in the future.
    pub fn presign_until<B>(&self, request: &Request<B>, expires_at: SystemTime) -> Result<PresignedUrl, Error> {
        let now = SystemTime::now();
        let expires_in = expires_at
            .duration_since(now)
            .map_err(|_| invalid("the presigned URL would already be expired: its expiry is in the past"))?;
        self.presign_at(request, expires_in, now)
    }

    /// A URL for `request`, as of `now`, valid for `expires_in` (at least one second;
    /// whole seconds). The body is not signed: whoever uses the URL sends any. OBS sets
    /// no upper bound on the validity; keep it short, as the URL grants access to
    /// anyone who has it.
    ///
    /// Fails with [`Error::InvalidRequest`] when `expires_in` is under a second, the
    /// expiry is past the year 9999, the query already has `AccessKeyId`, `Expires`,
    /// `Signature` or `x-obs-security-token`, or a signed value is not UTF-8.
    pub fn presign_at<B>(&self, request: &Request<B>, expires_in: Duration, now: SystemTime) -> Result<PresignedUrl, Error> {
        if self.access_key.is_empty() || self.secret_key.is_empty() {
            return Err(invalid("the access key or the secret key is empty"));
        }
        if expires_in.as_secs() == 0 {
            return Err(invalid(format!(
                "a presigned URL must be valid for at least one second, not {expires_in:?}"
            )));
        }
        let expires_at = now
            .checked_add(Duration::from_secs(expires_in.as_secs()))
            .ok_or_else(|| invalid("the presigned URL's expiry is out of range"))?;
        let expires = auth::utc_seconds(expires_at)?.timestamp().to_string();
        let expires_at = UNIX_EPOCH + Duration::from_secs(expires.parse().unwrap_or_default());

        let uri = request.uri();
        let query = uri.query().unwrap_or("");
        if let Some(item) = auth::query_items(query).iter().find(|item| AUTH_PARAMETERS.iter().any(|p| p.as_bytes() == item.key)) {
            return Err(invalid(format!(
                "the request's query already has `{}`, which the presigned URL adds",
                String::from_utf8_lossy(&item.key)
            )));
        }
        // The token is a signed sub-resource, so it is in the query before signing.
        let mut signed_query = query.to_owned();
        if let Some(token) = &self.security_token {
            push_param(&mut signed_query, X_OBS_SECURITY_TOKEN, token);
        }

        let mut signed = Request::new(());
        *signed.method_mut() = request.method().clone();
        *signed.uri_mut() = with_query(uri, &signed_query)?;
        *signed.headers_mut() = signed_headers(request.headers());
        if let Some(bucket) = request.extensions().get::<BucketAddress>() {
            signed.extensions_mut().insert(bucket.clone());
        }
        let string_to_sign = obs_string_to_sign(&signed, Some(&expires))?;
        let signature = obs_signature(&self.secret_key, &string_to_sign)?;

        // As OBS documents the order: the authentication first, the token last.
        let mut query = query.to_owned();
        push_param(&mut query, "AccessKeyId", &self.access_key);
        push_param(&mut query, "Expires", &expires);
        push_param(&mut query, "Signature", &signature);
        if let Some(token) = &self.security_token {
            push_param(&mut query, X_OBS_SECURITY_TOKEN, token);
        }
        let url = with_query(uri, &query)?.to_string();
        let (parts, ()) = signed.into_parts();
        Ok(PresignedUrl::new(parts.method, url, parts.headers, expires_at))
    }
}

/// Appends `name=value` (the value percent-encoded) to a query string.
fn push_param(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    query.extend(utf8_percent_encode(value, VALUE_ENCODED));
}

/// The headers a presigned URL signs: `Content-Type`, `Content-MD5` and `x-obs-*`.
fn signed_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for (name, value) in headers {
        let name_text = name.as_str();
        if *name == CONTENT_TYPE || name_text == "content-md5" || name_text.starts_with("x-obs-") {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

/// `uri` with its query replaced by `query` (none when empty).
fn with_query(uri: &http::Uri, query: &str) -> Result<http::Uri, Error> {
    let path = uri.path();
    let path_and_query = if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(
        path_and_query
            .parse()
            .map_err(|e| invalid(format!("cannot add the signature to the URL: {e}")))?,
    );
    http::Uri::from_parts(parts).map_err(|e| invalid(format!("cannot add the signature to the URL: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(uri: &str) -> Request<()> {
        let mut request = Request::get(uri).body(()).expect("request");
        request.extensions_mut().insert(BucketAddress::new("bkt", false).expect("valid"));
        request
    }

    const NOW: Duration = Duration::from_secs(1_796_610_963);

    #[test]
    fn urls_carry_the_signature_of_the_expiry() {
        let signer = AkSk::new("AK", "SK");
        let url = signer.presign_at(&object("https://bkt.obs.example.com/a%20b"), Duration::from_secs(300), UNIX_EPOCH + NOW).expect("url");
        let expected = obs_signature("SK", "GET\n\n\n1796611263\n/bkt/a%20b").expect("signature");
        let encoded: String = utf8_percent_encode(&expected, VALUE_ENCODED).to_string();
        assert_eq!(url.url(), format!("https://bkt.obs.example.com/a%20b?AccessKeyId=AK&Expires=1796611263&Signature={encoded}"));
        assert_eq!(url.expires(), UNIX_EPOCH + NOW + Duration::from_secs(300));
        assert!(url.headers().is_empty());
        let shown = format!("{url:?}");
        assert!(shown.contains("Signature=<redacted>") && !shown.contains(&encoded), "{shown}");
    }

    #[test]
    fn temporary_credentials_sign_their_token_in_the_query() {
        let signer = AkSk::new("AK", "SK").with_security_token("to/ken");
        let mut request = object("https://bkt.obs.example.com/k?versionId=v1");
        *request.method_mut() = http::Method::PUT;
        request.headers_mut().insert("content-type", "text/plain".parse().expect("value"));
        request.headers_mut().insert("x-project-id", "p".parse().expect("value"));
        let url = signer.presign_at(&request, Duration::from_millis(60_900), UNIX_EPOCH + NOW).expect("url");
        let expected = obs_signature("SK", "PUT\n\ntext/plain\n1796611023\n/bkt/k?versionId=v1&x-obs-security-token=to/ken").expect("signature");
        let encoded: String = utf8_percent_encode(&expected, VALUE_ENCODED).to_string();
        assert_eq!(
            url.url(),
            format!("https://bkt.obs.example.com/k?versionId=v1&AccessKeyId=AK&Expires=1796611023&Signature={encoded}&x-obs-security-token=to%2Fken")
        );
        assert_eq!(url.method(), http::Method::PUT);
        assert_eq!(url.headers().len(), 1, "only what is signed");
        assert_eq!(url.headers()["content-type"], "text/plain");
        assert!(!format!("{url:?}").contains("to%2Fken"));
    }

    #[test]
    fn bad_expiries_and_queries_are_errors() {
        let signer = AkSk::new("AK", "SK");
        let at = |expires_in, uri: &str| signer.presign_at(&object(uri), expires_in, UNIX_EPOCH + NOW).map(|_| ()).map_err(|e| e.to_string());
        let zero = at(Duration::ZERO, "https://bkt.obs.example.com/k").expect_err("zero");
        assert!(zero.contains("at least one second"), "{zero}");
        assert!(at(Duration::from_millis(999), "https://bkt.obs.example.com/k").is_err());
        assert!(at(Duration::from_secs(300_000_000_000), "https://bkt.obs.example.com/k").is_err(), "past 9999");
        let again = at(Duration::from_secs(60), "https://bkt.obs.example.com/k?Signature=x").expect_err("signed");
        assert!(again.contains("`Signature`"), "{again}");
        let past = signer.presign_until(&object("https://bkt.obs.example.com/k"), UNIX_EPOCH + NOW).expect_err("past");
        assert!(past.to_string().contains("already be expired"), "{past}");
        assert!(AkSk::new("", "SK").presign_at(&object("https://bkt.obs.example.com/k"), Duration::from_secs(1), UNIX_EPOCH + NOW).is_err());
    }
}
