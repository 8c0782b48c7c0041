//! Every request's authentication, checked as OBS checks it: the access key, the
//! security token of temporary credentials, the request's age and a presigned URL's
//! expiry here (each has its own error code), then the `OBS` signature (in
//! `Authorization` or in the query of a presigned URL) by the independent verifier that
//! the runtime's tests use (`codegen/runtime/tests/support/obs_verify.rs`), written from
//! the algorithm's description and not from the runtime's signer. A signature that does
//! not match is `SignatureDoesNotMatch` with the verifier's reason as the message.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::ObsError;
use crate::http::Head;
use crate::obs_verify::{ObsVerifier, Received};

/// How far a request's date may be from the server's clock.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// The credentials the server accepts.
#[derive(Clone)]
pub(crate) struct Keys {
    pub access_key: String,
    pub secret_key: String,
    pub security_token: Option<String>,
    /// The host of the endpoint, `127.0.0.1:<port>`: requests to it are path-style.
    pub endpoint_host: String,
}

/// Checks `head`'s authentication against `keys` as of `now`.
pub(crate) fn check(head: &Head, keys: &Keys, now: SystemTime) -> Result<(), ObsError> {
    let query = crate::path::query_pairs(head.query());
    let param = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let (access_key, token) = if let Some(authorization) = head.header("authorization") {
        let Some(credential) = authorization.strip_prefix("OBS ") else {
            return Err(ObsError::access_denied(
                "the Authorization header is not of the OBS scheme (`OBS <AK>:<signature>`)",
            ));
        };
        let Some((access_key, signature)) = credential.trim().split_once(':') else {
            return Err(ObsError::access_denied("the Authorization header is not `OBS <AK>:<signature>`"));
        };
        let _ = signature;
        check_date(head, now)?;
        (access_key.to_owned(), head.joined("x-obs-security-token"))
    } else if param("Signature").is_some() {
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
        (access_key, token)
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
    let verifier = ObsVerifier {
        endpoint_host: keys.endpoint_host.clone(),
        access_key: keys.access_key.clone(),
        secret_key: keys.secret_key.clone(),
        security_token: keys.security_token.clone(),
        // The date is checked below, with the fake's own answer for a skewed clock.
        max_skew: None,
    };
    let received = Received { method: &head.method, host: head.header("host").unwrap_or(""), target: &head.target, headers: &head.headers };
    let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    verifier.verify(&received, now_secs).map(|_| ()).map_err(|reason| ObsError::new(403, "SignatureDoesNotMatch", reason))
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
    use base64::Engine as _;
    use hmac::{Hmac, Mac};

    use super::*;

    fn head(method: &str, target: &str, headers: &[(&str, &str)]) -> Head {
        let mut all = vec![("host".to_owned(), "127.0.0.1:9000".to_owned())];
        all.extend(headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
        Head { method: method.into(), target: target.into(), headers: all, http10: false }
    }

    /// The OBS signature of a string to sign written out by hand.
    fn sign(secret_key: &str, text: &str) -> String {
        let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret_key.as_bytes()).expect("any key");
        mac.update(text.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    fn keys() -> Keys {
        Keys { access_key: "AK".into(), secret_key: "SK".into(), security_token: None, endpoint_host: "127.0.0.1:9000".into() }
    }

    #[test]
    fn checks_keys_dates_signatures_and_expiry() {
        let keys = keys();
        let now = UNIX_EPOCH + Duration::from_secs(1_796_610_963);
        let date = "Mon, 07 Dec 2026 02:36:03 GMT";
        let text = format!("PUT\n\ntext/plain\n{date}\nx-obs-acl:private\n/bkt/a%20b?partNumber=2&uploadId=u+1");
        let signed = |signature: &str| {
            head(
                "PUT",
                "/bkt/a%20b?uploadId=u%2B1&partNumber=2&max-keys=5",
                &[("content-type", "text/plain"), ("date", date), ("x-obs-acl", "private"), ("authorization", &format!("OBS AK:{signature}"))],
            )
        };
        let good = signed(&sign("SK", &text));
        assert_eq!(check(&good, &keys, now), Ok(()));
        let late = now + Duration::from_secs(16 * 60);
        assert_eq!(check(&good, &keys, late).map_err(|e| e.code), Err("RequestTimeTooSkewed"));
        let wrong = Keys { secret_key: "other".into(), ..keys.clone() };
        let refused = check(&good, &wrong, now).expect_err("another secret key");
        assert_eq!(refused.code, "SignatureDoesNotMatch");
        assert!(refused.message.contains("/bkt/a%20b?partNumber=2&uploadId=u+1"), "the verifier's reason: {}", refused.message);
        let other_ak = Keys { access_key: "AK2".into(), ..keys.clone() };
        assert_eq!(check(&good, &other_ak, now).map_err(|e| e.code), Err("InvalidAccessKeyId"));
        let token = Keys { security_token: Some("t".into()), ..keys.clone() };
        assert_eq!(check(&good, &token, now).map_err(|e| e.code), Err("InvalidToken"));
        assert_eq!(check(&head("GET", "/", &[]), &keys, now).map_err(|e| e.code), Err("AccessDenied"));

        let expires = "1796610970";
        let signature = sign("SK", &format!("GET\n\n\n{expires}\n/bkt/k"));
        let encoded = signature.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
        let presigned = head("GET", &format!("/bkt/k?AccessKeyId=AK&Expires={expires}&Signature={encoded}"), &[]);
        assert_eq!(check(&presigned, &keys, now), Ok(()));
        let expired = now + Duration::from_secs(8);
        assert_eq!(check(&presigned, &keys, expired).map_err(|e| e.code), Err("AccessDenied"));
    }
}
