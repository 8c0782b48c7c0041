// @generated: copied verbatim from codegen/runtime/credentials.rs; edit the original there.

//! How requests prove who sends them: an IAM token, or a signature.

use super::auth::{AkSk, Signer};
use super::Error;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// Credentials applied to every request.
#[derive(Clone, Default)]
pub enum Credentials {
    /// Send requests as they are (public operations, or a gateway that authenticates).
    #[default]
    None,
    /// An IAM token, sent as `X-Auth-Token`.
    Token(String),
    /// A request signer: Huawei AK/SK ([`AkSk`]), or any other [`Signer`].
    Signer(Arc<dyn Signer>),
}

impl Credentials {
    /// An IAM token (the `X-Subject-Token` that IAM returns).
    pub fn token(token: impl Into<String>) -> Self {
        Self::Token(token.into())
    }

    /// Huawei AK/SK signing (SDK-HMAC-SHA256).
    pub fn aksk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self::Signer(Arc::new(AkSk::new(access_key, secret_key)))
    }

    /// Any signer, e.g. `AkSk::new(ak, sk).with_security_token(token)`.
    pub fn signer(signer: impl Signer + 'static) -> Self {
        Self::Signer(Arc::new(signer))
    }

    /// Adds the token header, or signs the request as of `time`.
    pub fn apply(&self, request: &mut http::Request<Vec<u8>>, time: SystemTime) -> Result<(), Error> {
        match self {
            Self::None => Ok(()),
            Self::Token(token) => {
                let mut value = http::HeaderValue::from_str(token).map_err(|_| {
                    Error::InvalidRequest("the token has characters a header cannot carry".to_owned())
                })?;
                value.set_sensitive(true);
                request.headers_mut().insert("x-auth-token", value);
                Ok(())
            }
            Self::Signer(signer) => signer.sign(request, time),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Token(_) => f.write_str("Token(<redacted>)"),
            Self::Signer(signer) => f.debug_tuple("Signer").field(signer).finish(),
        }
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
        let bad = Credentials::token("a\nb").apply(&mut request, SystemTime::now());
        assert!(bad.is_err());
    }
}
