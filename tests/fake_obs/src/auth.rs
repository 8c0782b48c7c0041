//! Every request's authentication, checked as OBS checks it: the `OBS` signature in
//! `Authorization` or in the query of a presigned URL, the access key, the security token
//! of temporary credentials, the request's age and the URL's expiry.
//!
//! The signature is recomputed from the request as it arrived on the socket, by code
//! written from the algorithm's description (not the client's): the base64 HMAC-SHA1,
//! keyed with the secret key, of
//!
//! ```text
//! METHOD\nContent-MD5\nContent-Type\nDate (or Expires)\n<x-obs-* headers><resource>
//! ```
//!
//! where `Date` is empty when `x-obs-date` is sent, each `x-obs-*` header is a
//! `name:value\n` line (lower-case names, sorted; repeated values joined with `,`), and the
//! resource is `/bucket/key` as sent followed by the signed sub-resources of the query,
//! sorted, their values decoded.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::error::ObsError;
use crate::http::Head;

/// How far a request's date may be from the server's clock.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// The query parameters OBS signs as sub-resources (besides those named `x-obs-*`),
/// compared in lower case.
const SUB_RESOURCES: &[&str] = &[
    "acl", "append", "backtosource", "cors", "delete", "deletebucket", "dispolicy", "encryption",
    "fileinterface", "length", "lifecycle", "location", "logging", "metadata", "modify", "name",
    "notification", "object-lock", "obsalias", "obsbucketalias", "obsworkflowtriggerpolicy",
    "partnumber", "policy", "policystatus", "position", "publicaccessblock", "quota", "rename",
    "replication", "requestpayment", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "response-content-language", "response-content-type",
    "response-expires", "restore", "retention", "storageclass", "storageinfo", "storagepolicy",
    "tagging", "torrent", "truncate", "uploadid", "uploads", "versionid", "versioning", "versions",
    "website", "x-image-process", "x-image-save-bucket", "x-image-save-object", "x-oss-process",
    "x-workflow-execution-state", "x-workflow-execution-type", "x-workflow-graph-name",
    "x-workflow-limit", "x-workflow-next-marker", "x-workflow-prefix", "x-workflow-start",
    "x-workflow-template-name",
];

/// Whether OBS signs query parameter `name` (lower case) as a sub-resource.
pub(crate) fn is_sub_resource(name: &str) -> bool {
    SUB_RESOURCES.contains(&name) || name.starts_with("x-obs-")
}

/// The credentials the server accepts.
#[derive(Clone)]
pub(crate) struct Keys {
    pub access_key: String,
    pub secret_key: String,
    pub security_token: Option<String>,
}

/// Checks `head`'s authentication against `keys` as of `now`.
pub(crate) fn check(head: &Head, keys: &Keys, now: SystemTime) -> Result<(), ObsError> {
    let query = crate::path::query_pairs(head.query());
    let param = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let (access_key, signature, date, token) = if let Some(authorization) = head.header("authorization") {
        let Some(credential) = authorization.strip_prefix("OBS ") else {
            return Err(ObsError::access_denied(
                "the Authorization header is not of the OBS scheme (`OBS <AK>:<signature>`)",
            ));
        };
        let Some((access_key, signature)) = credential.trim().split_once(':') else {
            return Err(ObsError::access_denied("the Authorization header is not `OBS <AK>:<signature>`"));
        };
        let date = if head.header("x-obs-date").is_some() { String::new() } else { head.joined("date").unwrap_or_default() };
        check_date(head, now)?;
        (access_key.to_owned(), signature.to_owned(), date, head.joined("x-obs-security-token"))
    } else if let Some(signature) = param("Signature") {
        let access_key = param("AccessKeyId")
            .ok_or_else(|| ObsError::access_denied("a presigned URL without AccessKeyId"))?;
        let expires = param("Expires").ok_or_else(|| ObsError::access_denied("a presigned URL without Expires"))?;
        let at: u64 = expires
            .parse()
            .map_err(|_| ObsError::access_denied(format!("Expires `{expires}` is not a number of seconds")))?;
        let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if at < now_secs {
            return Err(ObsError::access_denied(format!(
                "Request has expired: the URL expired at {at}, it is now {now_secs} (seconds since 1970)"
            )));
        }
        let token = param("x-obs-security-token").or_else(|| head.joined("x-obs-security-token"));
        (access_key, signature, expires, token)
    } else {
        return Err(ObsError::access_denied("anonymous requests are refused: sign with the OBS scheme"));
    };

    if access_key != keys.access_key {
        return Err(ObsError::new(403, "InvalidAccessKeyId", "The access key Id you provided does not exist in our records."));
    }
    let token_matches = keys.security_token.as_ref().is_none_or(|expected| token.as_deref() == Some(expected.as_str()));
    if !token_matches {
        return Err(ObsError::new(
            403,
            "InvalidToken",
            if token.is_some() { "the security token does not match" } else { "a security token is required" },
        ));
    }
    let string_to_sign = string_to_sign(head, &date);
    let expected = sign(&keys.secret_key, &string_to_sign);
    if !same(expected.as_bytes(), signature.as_bytes()) {
        return Err(ObsError::new(
            403,
            "SignatureDoesNotMatch",
            format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your key and signing method. StringToSign: {string_to_sign:?}"
            ),
        ));
    }
    Ok(())
}

/// The string to sign of `head`, `date` standing in the date's line.
pub(crate) fn string_to_sign(head: &Head, date: &str) -> String {
    let mut text = format!(
        "{}\n{}\n{}\n{date}\n",
        head.method,
        head.joined("content-md5").unwrap_or_default(),
        head.joined("content-type").unwrap_or_default(),
    );
    let mut names: Vec<&str> = head.headers.iter().map(|(n, _)| n.as_str()).filter(|n| n.starts_with("x-obs-")).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let values: Vec<&str> = head.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.trim()).collect();
        text.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    text.push_str(&resource(head));
    text
}

/// `/bucket/key` as sent (`/bucket/` for a bucket, `/` for the service), then `?` and the
/// sorted sub-resources.
fn resource(head: &Head) -> String {
    let path = head.path();
    let mut resource = match path.trim_start_matches('/').split_once('/') {
        _ if path == "/" || path.is_empty() => "/".to_owned(),
        None => format!("{path}/"),
        Some(_) => path.to_owned(),
    };
    let mut signed: Vec<(String, String)> = crate::path::query_pairs(head.query())
        .into_iter()
        .filter(|(name, _)| is_sub_resource(&name.to_ascii_lowercase()))
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    for (i, (name, value)) in signed.iter().enumerate() {
        resource.push(if i == 0 { '?' } else { '&' });
        resource.push_str(name);
        if !value.is_empty() {
            resource.push('=');
            resource.push_str(value);
        }
    }
    resource
}

/// The base64 HMAC-SHA1 of `text` keyed with `secret_key`.
pub(crate) fn sign(secret_key: &str, text: &str) -> String {
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret_key.as_bytes()) else {
        // HMAC takes keys of any length.
        return String::new();
    };
    mac.update(text.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A header-signed request must carry a date close to the server's clock.
fn check_date(head: &Head, now: SystemTime) -> Result<(), ObsError> {
    let Some(date) = head.header("x-obs-date").or_else(|| head.header("date")) else {
        return Err(ObsError::access_denied("a signed request needs a Date or x-obs-date header"));
    };
    let parsed = chrono::DateTime::parse_from_rfc2822(date)
        .map_err(|_| ObsError::access_denied(format!("the request's date `{date}` is not an HTTP date")))?;
    let sent = UNIX_EPOCH + Duration::from_secs(u64::try_from(parsed.timestamp()).unwrap_or(0));
    let skew = now.duration_since(sent).or_else(|e| Ok::<_, ()>(e.duration())).unwrap_or_default();
    if skew > MAX_SKEW {
        return Err(ObsError::new(
            403,
            "RequestTimeTooSkewed",
            format!("The difference between the request time `{date}` and the server's time is too large."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(method: &str, target: &str, headers: &[(&str, &str)]) -> Head {
        Head {
            method: method.into(),
            target: target.into(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            http10: false,
        }
    }

    #[test]
    fn strings_to_sign() {
        let h = head(
            "PUT",
            "/bkt/a/b%20c?uploadId=u%2B1&partNumber=2&max-keys=5",
            &[("content-type", "text/plain"), ("date", "D"), ("x-obs-meta-b", "v"), ("x-obs-acl", "private"), ("x-obs-acl", "x")],
        );
        assert_eq!(
            string_to_sign(&h, "D"),
            "PUT\n\ntext/plain\nD\nx-obs-acl:private,x\nx-obs-meta-b:v\n/bkt/a/b%20c?partNumber=2&uploadId=u+1"
        );
        assert_eq!(resource(&head("GET", "/", &[])), "/");
        assert_eq!(resource(&head("GET", "/bkt?uploads&prefix=a", &[])), "/bkt/?uploads");
    }

    #[test]
    fn rfc2202_hmac_sha1() {
        assert_eq!(sign("Jefe", "what do ya want for nothing?"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    #[test]
    fn checks_keys_dates_and_expiry() {
        let keys = Keys { access_key: "AK".into(), secret_key: "SK".into(), security_token: None };
        let now = UNIX_EPOCH + Duration::from_secs(1_796_610_963);
        let date = "Mon, 07 Dec 2026 02:36:03 GMT";
        let mut h = head("GET", "/bkt/k", &[("date", date)]);
        let signature = sign("SK", &string_to_sign(&h, date));
        h.headers.push(("authorization".into(), format!("OBS AK:{signature}")));
        assert!(check(&h, &keys, now).is_ok());
        let late = now + Duration::from_secs(16 * 60);
        assert_eq!(check(&h, &keys, late).map_err(|e| e.code), Err("RequestTimeTooSkewed"));
        let wrong = Keys { secret_key: "other".into(), ..keys.clone() };
        assert_eq!(check(&h, &wrong, now).map_err(|e| e.code), Err("SignatureDoesNotMatch"));
        let other_ak = Keys { access_key: "AK2".into(), ..keys.clone() };
        assert_eq!(check(&h, &other_ak, now).map_err(|e| e.code), Err("InvalidAccessKeyId"));
        let token = Keys { security_token: Some("t".into()), ..keys.clone() };
        assert_eq!(check(&h, &token, now).map_err(|e| e.code), Err("InvalidToken"));
        assert_eq!(check(&head("GET", "/", &[]), &keys, now).map_err(|e| e.code), Err("AccessDenied"));

        let expires = "1796610970";
        let url = head("GET", "/bkt/k", &[]);
        let signature = sign("SK", &string_to_sign(&url, expires));
        let encoded: String = signature.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
        let presigned = head("GET", &format!("/bkt/k?AccessKeyId=AK&Expires={expires}&Signature={encoded}"), &[]);
        assert!(check(&presigned, &keys, now).is_ok());
        let expired = now + Duration::from_secs(8);
        assert_eq!(check(&presigned, &keys, expired).map_err(|e| e.code), Err("AccessDenied"));
    }
}
