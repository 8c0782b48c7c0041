//! Huawei Cloud AK/SK signing: `SDK-HMAC-SHA256` and the other algorithms of Huawei's SDKs.
//!
//! Follows the signers of Huawei's Python SDK core (`huaweicloudsdkcore.signer.signer`):
//!
//! 1. A request whose `Content-Type` is set and starts with neither `application/json`
//!    nor `application/bson` gets `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`
//!    (`X-Sdk-Content-Sm3` for the SM3 algorithms): its body is not hashed.
//! 2. `X-Sdk-Date` is the UTC signing time (`YYYYMMDDTHHMMSSZ`); `Host` is added when absent.
//! 3. Signed headers: every header whose name has no `_`, lower case, sorted.
//! 4. Canonical request: method, [`canonical_uri`], [`canonical_query`], one
//!    `name:value` line per signed header, an empty line, the signed header list, and the
//!    hex hash of the body (or the value of the content header above, for a non-empty body).
//! 5. String to sign: the algorithm's name, the date, and the hex hash of the canonical
//!    request.
//! 6. `Authorization: <algorithm> Access=<AK>, SignedHeaders=<list>, Signature=<hex>`.
//!
//! The algorithms differ only in the hash of steps 4 and 5 and in the signature of step 6
//! (see [`SigningAlgorithm`]); derived signing (`V11-HMAC-SHA256`, see
//! [`AkSk::with_derived_auth`] and [`AkSk::with_derived_predicate`]) also differs in the
//! string to sign and the `Authorization`.

mod algorithm;
mod derived;
mod obs;
mod presign;
#[cfg(any(feature = "huawei-ecdsa", feature = "huawei-sm"))]
mod ecc;
#[cfg(feature = "huawei-ecdsa")]
mod ecdsa;
#[cfg(feature = "huawei-sm")]
mod sm;

pub use algorithm::SigningAlgorithm;
pub use derived::{DERIVED_ALGORITHM, DerivedScope, default_derived_predicate, derived_string_to_sign};
pub use obs::{
    OBS_AUTH_PREFIX, OBS_SUB_RESOURCES, Signature, X_OBS_SECURITY_TOKEN, obs_canonical_resource, obs_signature,
    obs_string_to_sign,
};

use std::fmt;
use std::time::SystemTime;

use http::Request;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use http::uri::{PathAndQuery, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};

use crate::Error;
use crate::auth::{self, REDACTED, Signer, invalid};
use algorithm::Digest;

/// Name of the default scheme: first word of the `Authorization` value and of the string
/// to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

const X_SDK_DATE: &str = "x-sdk-date";
const X_SECURITY_TOKEN: &str = "x-security-token";
/// The payload hash of a body that is not hashed.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
const DATE_LAYOUT: &str = "%Y%m%dT%H%M%SZ";

/// Percent-encoded in paths and queries: everything but `A-Z a-z 0-9 - _ . ~`.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Which requests derived signing applies to.
type DerivedPredicate = fn(&Request<Vec<u8>>) -> bool;

/// Huawei Cloud access key credentials; signs requests with `SDK-HMAC-SHA256` unless told
/// otherwise ([`with_algorithm`](Self::with_algorithm),
/// [`with_derived_auth`](Self::with_derived_auth)).
///
/// `Debug` shows the access key but never the secret key, the security token or a key
/// derived from them.
#[derive(Clone)]
pub struct AkSk {
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
    algorithm: SigningAlgorithm,
    derived: Option<DerivedScope>,
    derived_predicate: Option<DerivedPredicate>,
}

impl AkSk {
    /// Permanent credentials: an access key id (AK) and its secret key (SK).
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            security_token: None,
            algorithm: SigningAlgorithm::default(),
            derived: None,
            derived_predicate: None,
        }
    }

    /// Temporary credentials: the security token issued with the AK/SK, sent (and
    /// signed) as `X-Security-Token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Signs with `algorithm` instead of `SDK-HMAC-SHA256`. A [`SigningAlgorithm`] in a
    /// request's extensions overrides it for that request (that is how a client's
    /// configured algorithm reaches credentials found by a provider).
    pub fn with_algorithm(mut self, algorithm: SigningAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Derived signing (`V11-HMAC-SHA256`) for `service_name` (the service's
    /// `derived_auth_service_name`) in `region_id`: the requests the predicate picks (by
    /// default [`default_derived_predicate`]: those to a host that is not one of Huawei
    /// Cloud's public endpoints) are signed with a key derived from the AK/SK, the signing
    /// day, the region and the service; the others as without it. This scope wins over the
    /// one a request carries ([`DerivedScope`]), as credentials that have a name keep it in
    /// the SDKs.
    pub fn with_derived_auth(
        mut self,
        service_name: impl Into<String>,
        region_id: impl Into<String>,
    ) -> Self {
        self.derived = Some(DerivedScope::new(service_name, region_id));
        self
    }

    /// Derived signing for the requests `predicate` picks, e.g. [`default_derived_predicate`]
    /// or `|_| true` for all, as the SDKs' `with_derived_predicate`: with the scope of
    /// [`with_derived_auth`](Self::with_derived_auth) if set, else with the
    /// [`DerivedScope`] the request carries, which a generated crate's endpoint for a
    /// region puts on every request of a service the official SDK signs so (IoTDA's
    /// `iotdm`). A request with no scope (an IAM lookup, a service without a derived name)
    /// is signed as without derived signing. Credentials without a predicate derive only
    /// with `with_derived_auth`, for the requests of the default predicate.
    pub fn with_derived_predicate(mut self, predicate: fn(&Request<Vec<u8>>) -> bool) -> Self {
        self.derived_predicate = Some(predicate);
        self
    }

    /// The access key id (not secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The algorithm requests are signed with unless they say otherwise.
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
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
    /// As the SDKs, it signs a body whose `Content-Type` is set and starts with neither
    /// `application/json` nor `application/bson` (an upload) without hashing it: it sets
    /// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (`X-Sdk-Content-Sm3` for the SM3
    /// algorithms), and a non-empty body's hash is that header's value.
    ///
    /// The algorithm is the [`SigningAlgorithm`] in the request's extensions if any, else
    /// the credentials' own; derived signing, when it applies, takes precedence over both.
    ///
    /// A request whose extensions hold [`Signature::Obs`] (the requests of an OBS
    /// service's endpoints) is signed with the OBS scheme instead: `Authorization: OBS
    /// <AK>:<signature>`, `Date` from `time` unless `Date` or `x-obs-date` is set,
    /// `Content-MD5` for a body in memory, `x-obs-security-token` for temporary
    /// credentials; the query is left as it is (see [`obs_string_to_sign`]).
    ///
    /// To sign a retried request with a fresh time, remove its `X-Sdk-Date` (or `Date`)
    /// first.
    pub fn sign(&self, request: &mut Request<Vec<u8>>, time: SystemTime) -> Result<(), Error> {
        auth::remove_authorization(request);
        // As the SDKs' `_verify_required`: an empty key can only be a configuration mistake.
        if self.access_key.is_empty() || self.secret_key.is_empty() {
            return Err(invalid("the access key or the secret key is empty"));
        }
        if request.extensions().get::<Signature>() == Some(&Signature::Obs) {
            let token = self.security_token.as_deref();
            return obs::sign(&self.access_key, &self.secret_key, token, request, time);
        }
        let derived = self.derived_scope(request);
        let algorithm = request
            .extensions()
            .get::<SigningAlgorithm>()
            .copied()
            .unwrap_or(self.algorithm);
        // Derived signing hashes with SHA-256 whatever the algorithm, as in the SDKs.
        let digest = match derived {
            Some(_) => Digest::Sha256,
            None => algorithm.digest(),
        };
        declare_unsigned_payload(request, digest)?;
        let date = set_sdk_date(request, time)?;
        set_host(request)?;
        self.set_security_token(request)?;
        send_canonical_query(request)?;
        let signed = signed_headers(request.headers());
        let canonical = canonical_request_with(request, &signed, digest)?;
        let list = header_list(&signed);
        let value = match &derived {
            Some(scope) => {
                scope.authorization(&self.access_key, &self.secret_key, &date, &canonical, &list)?
            }
            None => {
                let to_sign = algorithm.string_to_sign(&date, &canonical);
                let signature =
                    algorithm.signature(&self.access_key, &self.secret_key, &to_sign)?;
                format!(
                    "{} Access={}, SignedHeaders={list}, Signature={signature}",
                    algorithm.name(),
                    self.access_key,
                )
            }
        };
        let value = auth::header_value("authorization", &value, true)?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    /// The scope of derived signing when it applies to `request`: only with a predicate
    /// (set, or the default one [`with_derived_auth`](Self::with_derived_auth) brings) that
    /// picks it, and a scope: the credentials' own, else the request's.
    fn derived_scope(&self, request: &Request<Vec<u8>>) -> Option<DerivedScope> {
        let own = self.derived.as_ref();
        let predicate = self
            .derived_predicate
            .or_else(|| own.map(|_| default_derived_predicate as DerivedPredicate))?;
        let scope = own.or_else(|| request.extensions().get::<DerivedScope>())?;
        predicate(request).then(|| scope.clone())
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
    fn sign(&self, request: &mut Request<crate::Body>, time: SystemTime) -> Result<(), Error> {
        auth::sign_as_bytes(request, |request| AkSk::sign(self, request, time))
    }

    /// OBS's query authentication ([`AkSk::presign_at`]), for a request that carries
    /// [`Signature::Obs`]: the SDK scheme has none.
    fn presign(
        &self,
        request: &Request<()>,
        expires_in: std::time::Duration,
        now: SystemTime,
    ) -> Result<auth::PresignedUrl, Error> {
        if request.extensions().get::<Signature>() != Some(&Signature::Obs) {
            return Err(invalid(
                "only OBS requests (an endpoint with Signature::Obs) can be presigned; the SDK signature has no query authentication",
            ));
        }
        self.presign_at(request, expires_in, now)
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
            .field("algorithm", &self.algorithm)
            .field("derived", &self.derived)
            .finish()
    }
}

/// The SDKs' `_process_content_header`: a body of another type than JSON or BSON (an
/// upload) is signed without its hash, declared `UNSIGNED-PAYLOAD` in the header the
/// algorithm's hash names, which the server reads.
fn declare_unsigned_payload(request: &mut Request<Vec<u8>>, digest: Digest) -> Result<(), Error> {
    // A file or a stream cannot be hashed before it is sent, whatever its type.
    if request.extensions().get::<auth::UnbufferedBody>().is_some() {
        request.headers_mut().insert(digest.content_header(), HeaderValue::from_static(UNSIGNED_PAYLOAD));
        return Ok(());
    }
    let Some(content_type) = request.headers().get(CONTENT_TYPE) else {
        return Ok(());
    };
    // Compared as sent, case and all, as the SDKs compare it.
    let content_type = auth::value_str("content-type", content_type)?;
    if content_type.is_empty()
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/bson")
    {
        return Ok(());
    }
    request.headers_mut().insert(
        digest.content_header(),
        HeaderValue::from_static(UNSIGNED_PAYLOAD),
    );
    Ok(())
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
    let host = uri_host(request.uri())
        .ok_or_else(|| invalid("the URI has no host and the request no `Host` header"))?;
    let value = auth::header_value("host", &host, false)?;
    request.headers_mut().insert(HOST, value);
    Ok(())
}

/// The host the request is signed for: its `Host` header, else the URI's host and port.
fn request_host(request: &Request<Vec<u8>>) -> Option<String> {
    match request.headers().get(HOST) {
        Some(host) => host.to_str().ok().map(str::to_owned),
        None => uri_host(request.uri()),
    }
}

/// `host[:port]` of the URI authority, without user info.
fn uri_host(uri: &Uri) -> Option<String> {
    let authority = uri.authority()?;
    Some(match authority.port() {
        Some(port) => format!("{}:{port}", authority.host()),
        None => authority.host().to_owned(),
    })
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

/// The canonical request of `SDK-HMAC-SHA256` (and of `SDK-ECDSA-P256-SHA256` and
/// `V11-HMAC-SHA256`, which hash with SHA-256 too): the text whose hash is signed.
/// [`SigningAlgorithm::canonical_request`] gives any algorithm's.
///
/// `request` must already carry the headers that are signed (`Host`, `X-Sdk-Date`, ...);
/// [`AkSk::sign`] adds them before calling this. Errors when a signed header value is not
/// UTF-8.
pub fn canonical_request(
    request: &Request<Vec<u8>>,
    signed_headers: &[HeaderName],
) -> Result<String, Error> {
    canonical_request_with(request, signed_headers, Digest::Sha256)
}

/// The canonical request, with the body hashed by `digest`.
fn canonical_request_with(
    request: &Request<Vec<u8>>,
    signed_headers: &[HeaderName],
    digest: Digest,
) -> Result<String, Error> {
    let lines = [
        request.method().as_str().to_ascii_uppercase(),
        canonical_uri(request.uri().path()),
        canonical_query(request.uri().query().unwrap_or("")),
        canonical_headers(request.headers(), signed_headers)?,
        header_list(signed_headers),
        payload_hash(request, digest)?,
    ];
    Ok(lines.join("\n"))
}

/// The `SDK-HMAC-SHA256` string to sign for a canonical request signed at `sdk_date`
/// (`X-Sdk-Date`); [`SigningAlgorithm::string_to_sign`] gives any algorithm's.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    SigningAlgorithm::HmacSha256.string_to_sign(sdk_date, canonical_request)
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

/// Hex hash of the body, unless a non-empty body has its hash declared in the algorithm's
/// content header (`UNSIGNED-PAYLOAD` for uploads).
fn payload_hash(request: &Request<Vec<u8>>, digest: Digest) -> Result<String, Error> {
    let unbuffered = request.extensions().get::<auth::UnbufferedBody>().is_some();
    if unbuffered || !request.body().is_empty() {
        let declared = auth::single_header(request.headers(), digest.content_header())?;
        if let Some(declared) = declared.map(str::trim).filter(|d| !d.is_empty()) {
            return Ok(declared.to_owned());
        }
    }
    Ok(digest.hex(request.body()))
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

    const SHA256_HEADER: &str = "x-sdk-content-sha256";

    fn signed(mut request: Request<Vec<u8>>, signer: &AkSk) -> Request<Vec<u8>> {
        signer
            .sign(&mut request, UNIX_EPOCH + Duration::from_secs(86_400))
            .unwrap();
        request
    }

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
        let request = Request::get("https://example.com/p?b=1+1&a=x%20y")
            .body(Vec::new())
            .unwrap();
        let request = signed(request, &AkSk::new("ak", "sk"));
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
            .header(SHA256_HEADER, "UNSIGNED-PAYLOAD")
            .body(b"data".to_vec())
            .unwrap();
        assert_eq!(
            payload_hash(&request, Digest::Sha256).unwrap(),
            "UNSIGNED-PAYLOAD"
        );
    }

    fn with_content_type(content_type: &str, body: &[u8]) -> Request<Vec<u8>> {
        Request::put("https://example.com/")
            .header(CONTENT_TYPE, content_type)
            .body(body.to_vec())
            .unwrap()
    }

    #[test]
    fn bodies_other_than_json_or_bson_are_unsigned_payloads() {
        let signer = AkSk::new("ak", "sk");
        for content_type in ["application/octet-stream", "text/plain", "Application/JSON"] {
            let request = signed(with_content_type(content_type, b"data"), &signer);
            assert_eq!(request.headers()[SHA256_HEADER], UNSIGNED_PAYLOAD);
            let canonical = canonical_request(&request, &signed_headers(request.headers()));
            assert!(
                canonical.unwrap().ends_with("\nUNSIGNED-PAYLOAD"),
                "{content_type}"
            );
        }
        for content_type in ["application/json;charset=UTF-8", "application/bson", ""] {
            let request = signed(with_content_type(content_type, b"data"), &signer);
            assert!(
                !request.headers().contains_key(SHA256_HEADER),
                "{content_type}"
            );
        }
        // Declared (and signed) for an empty body too, whose hash is still computed.
        let request = signed(with_content_type("text/plain", b""), &signer);
        assert_eq!(request.headers()[SHA256_HEADER], UNSIGNED_PAYLOAD);
        let canonical = canonical_request(&request, &signed_headers(request.headers())).unwrap();
        assert!(
            canonical
                .ends_with("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn empty_keys_are_an_error() {
        for signer in [AkSk::new("", "sk"), AkSk::new("ak", "")] {
            let mut request = Request::get("https://example.com/")
                .body(Vec::new())
                .unwrap();
            let result = signer.sign(&mut request, UNIX_EPOCH);
            assert!(
                matches!(result, Err(Error::InvalidRequest(_))),
                "{result:?}"
            );
        }
    }

    #[test]
    fn the_request_extension_chooses_the_algorithm() {
        let signer = AkSk::new("ak", "sk").with_derived_predicate(|_| false);
        let mut request = Request::get("https://example.com/")
            .body(Vec::new())
            .unwrap();
        request
            .extensions_mut()
            .insert(SigningAlgorithm::HmacSha256);
        let request = signed(request, &signer);
        let authorization = request.headers()[AUTHORIZATION].to_str().unwrap();
        assert!(
            authorization.starts_with("SDK-HMAC-SHA256 Access=ak, "),
            "{authorization}"
        );
    }

    /// The `Authorization` of a GET of `url`, carrying `scope` if any, signed by `signer`.
    fn authorization(signer: &AkSk, url: &str, scope: Option<DerivedScope>) -> String {
        let mut request = Request::get(url).body(Vec::new()).unwrap();
        if let Some(scope) = scope {
            request.extensions_mut().insert(scope);
        }
        let request = signed(request, signer);
        request.headers()[AUTHORIZATION].to_str().unwrap().to_owned()
    }

    #[test]
    fn the_request_scope_serves_credentials_with_a_predicate() {
        let private = "https://iotda.private.example/v5/iot/p/devices";
        let iotdm = || Some(DerivedScope::new("iotdm", "cn-north-4"));
        let predicate = AkSk::new("ak", "sk").with_derived_predicate(default_derived_predicate);
        let derived = authorization(&predicate, private, iotdm());
        assert!(
            derived.starts_with("V11-HMAC-SHA256 Credential=ak/19700102/cn-north-4/iotdm, "),
            "{derived}"
        );
        // Public hosts: the default predicate says no.
        let public = "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/p/devices";
        assert!(authorization(&predicate, public, iotdm()).starts_with("SDK-HMAC-SHA256 "));
        // No predicate, no derived signing, as in the SDK.
        let plain = AkSk::new("ak", "sk");
        assert!(authorization(&plain, private, iotdm()).starts_with("SDK-HMAC-SHA256 "));
        // No scope (an IAM lookup, a service without a derived name): signed as usual.
        assert!(authorization(&predicate, private, None).starts_with("SDK-HMAC-SHA256 "));
        // The credentials' own scope wins over the request's.
        let own = predicate.clone().with_derived_auth("own", "eu-west-101");
        let mine = authorization(&own, private, iotdm());
        assert!(mine.starts_with("V11-HMAC-SHA256 Credential=ak/19700102/eu-west-101/own, "), "{mine}");
        let never = own.with_derived_predicate(|_| false);
        assert!(authorization(&never, private, iotdm()).starts_with("SDK-HMAC-SHA256 "));
    }
}
