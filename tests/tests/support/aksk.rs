//! An independent check of `SDK-HMAC-SHA256` signatures, written from the algorithm's
//! description as the service applies it (not with the library's helpers).

#![allow(dead_code, reason = "each test file uses part of it")]

use super::Recorded;
use functiongraph::huawei::AkSk;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::Sha256;
use std::time::{Duration, SystemTime};

/// The parts of an `Authorization: SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..`.
pub struct Authorization {
    pub access: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn authorization(request: &Recorded) -> Authorization {
    let value = request.header("authorization").expect("an Authorization header");
    let rest = value
        .strip_prefix("SDK-HMAC-SHA256 ")
        .unwrap_or_else(|| panic!("unexpected scheme: {value}"));
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(", ") {
        match part.split_once('=') {
            Some(("Access", v)) => access = Some(v.to_owned()),
            Some(("SignedHeaders", v)) => signed = Some(v.to_owned()),
            Some(("Signature", v)) => signature = Some(v.to_owned()),
            _ => panic!("unexpected part `{part}` in {value}"),
        }
    }
    Authorization {
        access: access.expect("Access"),
        signed_headers: signed
            .expect("SignedHeaders")
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: signature.expect("Signature"),
    }
}

/// What the service's canonical form leaves unencoded (RFC 3986 unreserved).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Decodes then encodes a URI component the canonical way.
fn canonical_component(raw: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(raw).collect();
    utf8_percent_encode(&String::from_utf8(decoded).expect("UTF-8"), UNRESERVED).to_string()
}

/// The signature the service computes for what arrived, written here from the
/// algorithm's description (not with the library's helpers): the canonical request from
/// the received method, path, query, signed headers and body, its SHA-256 in the string
/// to sign, and an HMAC keyed with `secret_key`.
pub fn server_signature(request: &Recorded, secret_key: &str) -> String {
    use sha2::Digest;
    let signed = authorization(request).signed_headers;
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let mut uri: String = path.split('/').map(canonical_component).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (key, value) = item.split_once('=').unwrap_or((item, ""));
            (canonical_component(key), canonical_component(value))
        })
        .collect();
    pairs.sort();
    let query = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let headers: String = signed
        .iter()
        .map(|name| format!("{name}:{}\n", request.header(name).expect("a signed header arrived").trim()))
        .collect();
    let canonical = [
        request.method.clone(),
        uri,
        query,
        headers,
        signed.join(";"),
        // A declared payload hash (`UNSIGNED-PAYLOAD` for forms and streams) replaces the
        // body's, as the service reads it.
        request
            .header("x-sdk-content-sha256")
            .map_or_else(|| hex::encode(Sha256::digest(&request.body)), str::to_owned),
    ]
    .join("\n");
    let date = request.header("x-sdk-date").expect("X-Sdk-Date");
    let to_sign = format!("SDK-HMAC-SHA256\n{date}\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("any key length");
    mac.update(to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `X-Sdk-Date` as the signer writes it for `time` (`YYYYMMDDTHHMMSSZ`).
pub fn sdk_date(time: SystemTime) -> String {
    let mut request = http::Request::get("http://127.0.0.1/").body(Vec::new()).expect("request");
    AkSk::new("a", "b").sign(&mut request, time).expect("signable");
    request.headers()["x-sdk-date"].to_str().expect("text").to_owned()
}

/// Checks an AK/SK request as the service would: access key, the headers that must be
/// signed, a current date, and the signature.
pub fn verify(request: &Recorded, access_key: &str, secret_key: &str) {
    let auth = authorization(request);
    assert_eq!(auth.access, access_key);
    let signed = &auth.signed_headers;
    for needed in ["host", "x-sdk-date"] {
        assert!(signed.iter().any(|n| n == needed), "{needed} is not signed: {signed:?}");
    }
    if !request.body.is_empty() {
        assert!(signed.iter().any(|n| n == "content-type"), "{signed:?}");
    }
    // The layout has a fixed width, so text order is time order.
    let date = request.header("x-sdk-date").expect("X-Sdk-Date");
    let now = SystemTime::now();
    let window = Duration::from_secs(120);
    assert!(sdk_date(now - window).as_str() <= date && date <= sdk_date(now + window).as_str());
    assert_eq!(auth.signature, server_signature(request, secret_key));
}

