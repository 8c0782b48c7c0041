//! Huawei Cloud (feature `huawei`): `SDK-HMAC-SHA256` signing, IAM tokens, and the shape
//! of Huawei's answers.
//!
//! ```
//! use codegen_runtime::Credentials;
//! use codegen_runtime::huawei::AkSk;
//!
//! let permanent = Credentials::aksk("AK", "SK");
//! let temporary = Credentials::signer(AkSk::new("AK", "SK").with_security_token("token"));
//! let token = Credentials::token("MIIT...");
//! assert!(!format!("{permanent:?}{temporary:?}{token:?}").contains("SK\""));
//! ```

mod sign;

pub use sign::{
    ALGORITHM, AkSk, canonical_query, canonical_request, canonical_uri, signed_headers,
    string_to_sign,
};

use crate::auth::{self, Signer};
use crate::vendor::Vendor;
use crate::{Credentials, Error};
use std::fmt;
use std::time::SystemTime;

/// How Huawei Cloud services answer: `X-Request-Id` (FunctionGraph also sends
/// `X-Cff-Request-Id`), and error bodies with `error_code`/`error_msg`, or IAM's
/// `{"error": {"code": .., "message": ..}}`.
pub const VENDOR: Vendor = Vendor {
    name: "Huawei Cloud",
    request_id_headers: &["x-request-id", "x-cff-request-id"],
    error_code_fields: &["error_code", "code", "errorCode"],
    error_message_fields: &["error_msg", "message", "errorMessage", "msg"],
    request_id_fields: &["request_id", "requestId"],
    error_wrapper: Some("error"),
};

/// Header of an IAM token.
const X_AUTH_TOKEN: &str = "x-auth-token";

impl Credentials {
    /// Huawei Cloud AK/SK signing (`SDK-HMAC-SHA256`).
    pub fn aksk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self::signer(AkSk::new(access_key, secret_key))
    }

    /// An IAM token (the `X-Subject-Token` that IAM returns), sent as `X-Auth-Token`.
    pub fn token(token: impl Into<String>) -> Self {
        Self::signer(IamToken::new(token))
    }
}

/// An IAM token, sent as `X-Auth-Token` instead of a signature. `Debug` hides it.
#[derive(Clone)]
pub struct IamToken {
    token: String,
}

impl IamToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self { token: token.into() }
    }
}

impl Signer for IamToken {
    fn sign(&self, request: &mut http::Request<Vec<u8>>, _time: SystemTime) -> Result<(), Error> {
        let value = auth::header_value(X_AUTH_TOKEN, &self.token, true)
            .map_err(|_| Error::InvalidRequest("the token has characters a header cannot carry".to_owned()))?;
        request.headers_mut().insert(X_AUTH_TOKEN, value);
        Ok(())
    }
}

impl fmt::Debug for IamToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IamToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let token = Credentials::token("MIIsecret-token");
        assert!(!format!("{token:?}").contains("MIIsecret"));
        let aksk = Credentials::aksk("AKID", "very-secret-key");
        assert!(!format!("{aksk:?}").contains("very-secret-key"));
    }

    #[test]
    fn token_is_sent_as_header() {
        let mut request = http::Request::new(Vec::new());
        Credentials::token("t0k").apply(&mut request, SystemTime::now()).expect("valid token");
        assert_eq!(request.headers()["x-auth-token"], "t0k");
        let shown = format!("{:?}", auth::redact_headers(request.headers()));
        assert!(!shown.contains("t0k"), "{shown}");
        let bad = Credentials::token("a\nb").apply(&mut request, SystemTime::now());
        assert!(bad.is_err());
    }

    #[test]
    fn huawei_error_bodies() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-cff-request-id", http::HeaderValue::from_static("cff-1"));
        let fgs = VENDOR.error_details(br#"{"error_code":"FSS.0403","error_msg":"not permit"}"#);
        assert_eq!(fgs.code.as_deref(), Some("FSS.0403"));
        assert_eq!(fgs.message.as_deref(), Some("not permit"));
        let iam = VENDOR.error_details(br#"{"error":{"code":"1101","message":"bad","title":"Bad Request"}}"#);
        assert_eq!(iam.code.as_deref(), Some("1101"));
        assert_eq!(iam.message.as_deref(), Some("bad"));
        assert_eq!(VENDOR.request_id(&headers).as_deref(), Some("cff-1"));
    }
}
