//! How requests prove who sends them.

use crate::Error;
use crate::auth::Signer;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// Credentials applied to every request: nothing, or a request signer.
///
/// Cheap to clone (the signer is shared). Each vendor's module adds its constructors
/// (`Credentials::aksk` and `Credentials::token` for Huawei Cloud); any [`Signer`] works
/// through [`Credentials::signer`]. `Debug` never shows a secret.
#[derive(Clone, Default)]
pub struct Credentials {
    signer: Option<Arc<dyn Signer>>,
}

impl Credentials {
    /// Send requests as they are (public operations, or a gateway that authenticates).
    pub fn none() -> Self {
        Self::default()
    }

    /// Any signer, e.g. `AkSk::new(ak, sk).with_security_token(token)`.
    pub fn signer(signer: impl Signer + 'static) -> Self {
        Self {
            signer: Some(Arc::new(signer)),
        }
    }

    /// A signer already shared elsewhere.
    pub fn shared(signer: Arc<dyn Signer>) -> Self {
        Self { signer: Some(signer) }
    }

    /// Whether requests go unauthenticated.
    pub fn is_none(&self) -> bool {
        self.signer.is_none()
    }

    /// Authenticates the request as of `time` (its date header, when the scheme has one).
    pub fn apply(&self, request: &mut http::Request<Vec<u8>>, time: SystemTime) -> Result<(), Error> {
        match &self.signer {
            None => Ok(()),
            Some(signer) => signer.sign(request, time),
        }
    }
}

impl<S: Signer + 'static> From<S> for Credentials {
    fn from(signer: S) -> Self {
        Self::signer(signer)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.signer {
            None => f.write_str("Credentials(None)"),
            // Signers' own `Debug` redacts their secrets.
            Some(signer) => f.debug_tuple("Credentials").field(signer).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Stamp;

    impl Signer for Stamp {
        fn sign(&self, request: &mut http::Request<Vec<u8>>, _time: SystemTime) -> Result<(), Error> {
            request.headers_mut().insert("x-stamp", http::HeaderValue::from_static("1"));
            Ok(())
        }
    }

    #[test]
    fn none_sends_as_is_and_a_signer_signs() {
        let mut request = http::Request::new(Vec::new());
        Credentials::none().apply(&mut request, SystemTime::now()).unwrap();
        assert!(request.headers().is_empty());
        Credentials::from(Stamp).apply(&mut request, SystemTime::now()).unwrap();
        assert_eq!(request.headers()["x-stamp"], "1");
        assert!(Credentials::none().is_none() && !Credentials::signer(Stamp).is_none());
    }
}
