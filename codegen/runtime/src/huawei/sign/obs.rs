//! The `OBS` signature of Huawei's object storage (OBS), in a header
//! (`Authorization: OBS <AK>:<signature>`) or in a URL (query authentication, see
//! `presign.rs`).
//!
//! The signature is the base64 HMAC-SHA1, keyed with the secret key, of the string to
//! sign ([`obs_string_to_sign`]):
//!
//! ```text
//! <METHOD>\n<Content-MD5>\n<Content-Type>\n<Date or Expires>\n<x-obs-* headers><resource>
//! ```
//!
//! - `Content-MD5`, `Content-Type`: the headers' values, or empty;
//! - `Date`: the `Date` header, empty when `x-obs-date` is sent; the `Expires` of a
//!   presigned URL in its place;
//! - one `name:value\n` line per `x-obs-*` header, lower case, sorted by name; the values
//!   of a repeated header joined with `,`; the values of `x-obs-meta-*` trimmed;
//! - the resource: `/{bucket}/{key}` (the key as sent, percent-encoded; `/{bucket}/` for
//!   the bucket itself; the path for a request without bucket), then `?` and the signed
//!   sub-resources of the query, sorted by name: those of [`OBS_SUB_RESOURCES`] (any
//!   case) and the `x-obs-*` ones, `name=value` with the value decoded, `name` alone when
//!   the value is empty.
//!
//! It follows the official Python SDK's `OBSSigner`, with deliberate differences where
//! that SDK's `ObsCredentials` would sign something else than what is sent: the whole
//! object key is signed (not its first segment), as the path sends it with its `/` kept;
//! and the `Date` sent, when the request has none, is RFC 1123
//! (`Mon, 07 Dec 2026 02:36:03 GMT`), as OBS documents it, not the SDK's
//! `Mon Dec 07 2026 02:36:03 GMT`. The body is never read for signing.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use http::Request;
use http::header::{AUTHORIZATION, CONTENT_TYPE, DATE, HeaderMap};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha1::Sha1;

use crate::auth::{self, invalid};
use crate::{BucketAddress, Error};

/// First word of the `Authorization` value.
pub const OBS_AUTH_PREFIX: &str = "OBS";

/// The query parameters OBS signs as sub-resources (compared in lower case), with those
/// whose name starts with `x-obs-`: the official SDK's list. As in that SDK, its
/// `bucketStatus` never matches a lower-cased name, so that parameter is not signed.
pub const OBS_SUB_RESOURCES: &[&str] = &[
    "acl", "backtosource", "policy", "torrent", "logging", "location", "storageinfo", "quota",
    "storageclass", "storagepolicy", "requestpayment", "versions", "versioning", "versionid",
    "uploads", "uploadid", "partnumber", "website", "notification", "lifecycle", "deletebucket",
    "delete", "cors", "restore", "tagging", "replication", "metadata", "encryption", "dispolicy",
    "object-lock", "retention", "bucketStatus", "policystatus", "publicaccessblock",
    // File system interface.
    "append", "position", "truncate", "modify", "rename", "length", "name", "fileinterface",
    // Response overrides and image processing.
    "response-content-type", "response-content-language", "response-expires", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "x-image-save-bucket",
    "x-image-save-object", "x-image-process", "x-oss-process",
    // Workflows.
    "x-workflow-prefix", "x-workflow-start", "x-workflow-limit", "x-workflow-template-name",
    "x-workflow-graph-name", "x-workflow-execution-state", "x-workflow-execution-type",
    "x-workflow-next-marker", "obsworkflowtriggerpolicy",
    // Virtual buckets.
    "obsbucketalias", "obsalias",
];

/// The header temporary credentials send their security token in.
pub const X_OBS_SECURITY_TOKEN: &str = "x-obs-security-token";
const X_OBS_PREFIX: &str = "x-obs-";
const X_OBS_META_PREFIX: &str = "x-obs-meta-";
const X_OBS_DATE: &str = "x-obs-date";
const CONTENT_MD5: &str = "content-md5";
/// RFC 1123, as `Date` is sent.
const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";

/// Encoded in a signed sub-resource's name: all but `A-Z a-z 0-9 - _ . ~ /`.
const NAME_ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// The scheme a request is signed with by Huawei AK/SK credentials ([`AkSk`](super::AkSk)).
/// A service's endpoints put it in every request's extensions (see
/// [`Service::signature`](crate::huawei::Service::signature)); a request without it is
/// signed with the SDK scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Signature {
    /// The official SDKs' `SDK-HMAC-SHA256` and its variants
    /// ([`SigningAlgorithm`](super::SigningAlgorithm), derived signing): every service
    /// but OBS.
    #[default]
    Sdk,
    /// OBS's own `Authorization: OBS <AK>:<signature>` (HMAC-SHA1), with
    /// `x-obs-security-token` for temporary credentials.
    Obs,
}

/// The OBS string to sign of `request` as it will be sent: its headers must be final
/// (`Date` or `x-obs-date`, `Content-MD5`, `x-obs-security-token`). `expires` (epoch
/// seconds) replaces the date for a presigned URL. The resource is read from the
/// request's [`BucketAddress`] and path; errors when a signed value is not UTF-8.
pub fn obs_string_to_sign<B>(request: &Request<B>, expires: Option<&str>) -> Result<String, Error> {
    let headers = request.headers();
    let mut text = String::new();
    text.push_str(request.method().as_str());
    text.push('\n');
    text.push_str(&joined(headers, CONTENT_MD5)?.unwrap_or_default());
    text.push('\n');
    text.push_str(&joined(headers, CONTENT_TYPE.as_str())?.unwrap_or_default());
    text.push('\n');
    let date = match expires {
        Some(expires) => expires.to_owned(),
        None if headers.contains_key(X_OBS_DATE) => String::new(),
        None => joined(headers, DATE.as_str())?.unwrap_or_default(),
    };
    text.push_str(&date);
    text.push('\n');
    let mut names: Vec<&str> = headers.keys().map(|n| n.as_str()).filter(|n| n.starts_with(X_OBS_PREFIX)).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let value = joined(headers, name)?.unwrap_or_default();
        let value = if name.starts_with(X_OBS_META_PREFIX) { value.trim() } else { value.as_str() };
        text.push_str(name);
        text.push(':');
        text.push_str(value);
        text.push('\n');
    }
    text.push_str(&canonical_resource(request)?);
    Ok(text)
}

/// `/{bucket}/{key}` and the signed sub-resources (see the module's docs).
pub fn obs_canonical_resource<B>(request: &Request<B>) -> Result<String, Error> {
    canonical_resource(request)
}

fn canonical_resource<B>(request: &Request<B>) -> Result<String, Error> {
    let path = request.uri().path();
    let mut resource = match request.extensions().get::<BucketAddress>() {
        Some(bucket) => bucket.resource(path)?,
        None if path.is_empty() => "/".to_owned(),
        None => path.to_owned(),
    };
    let mut signed: Vec<(String, String)> = Vec::new();
    for item in auth::query_items(request.uri().query().unwrap_or("")) {
        let name = utf8("a query parameter name", item.key)?;
        let lower = name.to_ascii_lowercase();
        if !(OBS_SUB_RESOURCES.contains(&lower.as_str()) || lower.starts_with(X_OBS_PREFIX)) {
            continue;
        }
        let value = utf8("a query parameter value", item.value.unwrap_or_default())?;
        signed.push((name, value));
    }
    // By name only, keeping the order of repeated names, as the SDK sorts.
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    for (i, (name, value)) in signed.iter().enumerate() {
        resource.push(if i == 0 { '?' } else { '&' });
        resource.extend(utf8_percent_encode(name, NAME_ENCODED));
        // The SDK takes a single space for no value.
        if !value.is_empty() && value != " " {
            resource.push('=');
            resource.push_str(value);
        }
    }
    Ok(resource)
}

/// The base64 HMAC-SHA1 of `string_to_sign`, keyed with `secret_key`: the signature.
pub fn obs_signature(secret_key: &str, string_to_sign: &str) -> Result<String, Error> {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret_key.as_bytes())
        .map_err(|_| invalid("the secret key cannot key HMAC-SHA1"))?;
    mac.update(string_to_sign.as_bytes());
    Ok(BASE64.encode(mac.finalize().into_bytes()))
}

/// Signs `request` in a header: the security token, `Content-MD5` of a body in memory,
/// `Date` from `time` unless `Date` or `x-obs-date` is set, then `Authorization`.
pub(super) fn sign(
    access_key: &str,
    secret_key: &str,
    security_token: Option<&str>,
    request: &mut Request<Vec<u8>>,
    time: SystemTime,
) -> Result<(), Error> {
    if let Some(token) = security_token {
        let value = auth::header_value(X_OBS_SECURITY_TOKEN, token, true)?;
        request.headers_mut().insert(X_OBS_SECURITY_TOKEN, value);
    }
    // As the SDK: a body in memory gets its MD5, which OBS checks (and some operations,
    // such as deleting several objects, require). A file or a stream is never read here.
    let in_memory = request.extensions().get::<auth::UnbufferedBody>().is_none();
    if in_memory && !request.body().is_empty() && !request.headers().contains_key(CONTENT_MD5) {
        let md5 = crate::huawei::content_md5(request.body());
        let value = auth::header_value(CONTENT_MD5, &md5, false)?;
        request.headers_mut().insert(CONTENT_MD5, value);
    }
    if !request.headers().contains_key(DATE) && !request.headers().contains_key(X_OBS_DATE) {
        let date = auth::utc_seconds(time)?.format(HTTP_DATE).to_string();
        let value = auth::header_value("date", &date, false)?;
        request.headers_mut().insert(DATE, value);
    }
    let string_to_sign = obs_string_to_sign(request, None)?;
    let signature = obs_signature(secret_key, &string_to_sign)?;
    let authorization = format!("{OBS_AUTH_PREFIX} {access_key}:{signature}");
    let value = auth::header_value("authorization", &authorization, true)?;
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}

/// The values of header `name` joined with `,`, as text; `None` when absent.
fn joined(headers: &HeaderMap, name: &str) -> Result<Option<String>, Error> {
    let mut values = Vec::new();
    for value in headers.get_all(name) {
        values.push(auth::value_str(name, value)?);
    }
    Ok((!values.is_empty()).then(|| values.join(",")))
}

fn utf8(what: &str, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|_| invalid(format!("{what} is not UTF-8 once decoded, cannot sign it")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, bucket: Option<&str>) -> Request<Vec<u8>> {
        let mut request = Request::get(uri).body(Vec::new()).expect("request");
        if let Some(bucket) = bucket {
            request.extensions_mut().insert(BucketAddress::new(bucket, false).expect("valid"));
        }
        request
    }

    #[test]
    fn resources_sign_sub_resources_only() {
        let resource = |uri: &str, bucket| obs_canonical_resource(&request(uri, bucket)).expect("resource");
        assert_eq!(resource("https://obs.example.com", None), "/");
        assert_eq!(resource("https://bkt.obs.example.com/", Some("bkt")), "/bkt/");
        assert_eq!(
            resource("https://bkt.obs.example.com/a/b%20c?uploadId=u%2B1&partNumber=2&max-keys=5&acl=&x-obs-x=1", Some("bkt")),
            "/bkt/a/b%20c?acl&partNumber=2&uploadId=u+1&x-obs-x=1"
        );
        assert_eq!(resource("https://bkt.obs.example.com/?VERSIONS&prefix=a", Some("bkt")), "/bkt/?VERSIONS");
        assert_eq!(resource("https://bkt.obs.example.com/?bucketStatus", Some("bkt")), "/bkt/", "as the SDK");
        let bad = obs_canonical_resource(&request("https://x.example.com/?acl=%FF", None));
        assert!(bad.is_err());
    }

    #[test]
    fn strings_to_sign_follow_the_headers() {
        let mut signed = request("https://bkt.obs.example.com/k?acl", Some("bkt"));
        let headers = signed.headers_mut();
        headers.insert("content-type", "text/plain".parse().expect("value"));
        headers.insert("date", "Mon, 07 Dec 2026 02:36:03 GMT".parse().expect("value"));
        headers.insert("x-obs-meta-b", "  padded  ".parse().expect("value"));
        headers.append("x-obs-acl", "private".parse().expect("value"));
        headers.append("x-obs-grant", "a".parse().expect("value"));
        headers.append("x-obs-grant", "b".parse().expect("value"));
        headers.insert("x-project-id", "ignored".parse().expect("value"));
        let text = obs_string_to_sign(&signed, None).expect("text");
        assert_eq!(
            text,
            "GET\n\ntext/plain\nMon, 07 Dec 2026 02:36:03 GMT\nx-obs-acl:private\nx-obs-grant:a,b\nx-obs-meta-b:padded\n/bkt/k?acl"
        );
        signed.headers_mut().insert("x-obs-date", "Mon, 07 Dec 2026 02:36:03 GMT".parse().expect("value"));
        let text = obs_string_to_sign(&signed, None).expect("text");
        assert!(text.starts_with("GET\n\ntext/plain\n\nx-obs-acl"), "{text}");
        let text = obs_string_to_sign(&signed, Some("1796610963")).expect("text");
        assert!(text.starts_with("GET\n\ntext/plain\n1796610963\n"), "{text}");
    }

    #[test]
    fn header_signing_adds_date_md5_token_and_authorization() {
        let mut signed = request("https://bkt.obs.example.com/k", Some("bkt"));
        *signed.body_mut() = b"hello".to_vec();
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_796_610_963);
        sign("AK", "SK", Some("tok"), &mut signed, time).expect("signed");
        let headers = signed.headers();
        assert_eq!(headers["date"], "Mon, 07 Dec 2026 02:36:03 GMT");
        assert_eq!(headers["content-md5"], "XUFAKrxLKna5cZ2REBfFkg==");
        assert_eq!(headers["x-obs-security-token"], "tok");
        assert!(headers["x-obs-security-token"].is_sensitive());
        let expected = obs_signature(
            "SK",
            "GET\nXUFAKrxLKna5cZ2REBfFkg==\n\nMon, 07 Dec 2026 02:36:03 GMT\nx-obs-security-token:tok\n/bkt/k",
        )
        .expect("signature");
        assert_eq!(headers["authorization"], format!("OBS AK:{expected}").as_str());
        // A date given is kept.
        let mut dated = request("https://bkt.obs.example.com/k", Some("bkt"));
        dated.headers_mut().insert("x-obs-date", "Tue, 08 Dec 2026 00:00:00 GMT".parse().expect("value"));
        sign("AK", "SK", None, &mut dated, time).expect("signed");
        assert!(!dated.headers().contains_key("date") && !dated.headers().contains_key("x-obs-security-token"));
    }

    #[test]
    fn known_hmac_sha1() {
        // RFC 2202, test case 2.
        assert_eq!(obs_signature("Jefe", "what do ya want for nothing?").expect("signature"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }
}
