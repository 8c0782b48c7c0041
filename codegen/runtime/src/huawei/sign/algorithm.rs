//! The AK/SK signing algorithms of Huawei's SDKs: the hash each uses and how it signs.

use std::fmt;
use std::str::FromStr;

use http::Request;
use http::header::HeaderName;
use sha2::{Digest as _, Sha256};

use super::DERIVED_ALGORITHM;
use crate::Error;
use crate::auth::{self, invalid};

/// An AK/SK signing algorithm of Huawei's SDKs (their `SigningAlgorithm`), for [`AkSk`].
///
/// They share the canonical request and differ in its hash and in the signature:
///
/// | variant | scheme (`Authorization`) | hash | signature | cargo feature |
/// | --- | --- | --- | --- | --- |
/// | `HmacSha256` (default) | `SDK-HMAC-SHA256` | SHA-256 | HMAC-SHA256 keyed with the SK | `huawei` |
/// | `HmacSm3` | `SDK-HMAC-SM3` | SM3 | HMAC-SM3 keyed with the SK | `huawei-sm` |
/// | `EcdsaP256Sha256` | `SDK-ECDSA-P256-SHA256` | SHA-256 | ECDSA on P-256 with SHA-256, DER | `huawei-ecdsa` |
/// | `Sm2Sm3` | `SDK-SM2-SM3` | SM3 | SM2 with SM3 (user id `1234567812345678`), DER | `huawei-sm` |
///
/// The SM3 algorithms read a declared body hash (`UNSIGNED-PAYLOAD`) from
/// `X-Sdk-Content-Sm3`, the others from `X-Sdk-Content-Sha256`. The private key of the
/// two signature algorithms is derived from the AK/SK exactly as the SDKs derive it
/// (NIST SP 800-108 counter mode, HMAC with the algorithm's hash keyed with the SK, the
/// algorithm's name as label and the AK as context), so the AK/SK is all they need.
///
/// Parsed from text ([`str::parse`]) by scheme name or by the SDKs' enum name
/// (`HMAC_SHA256`, `HMAC_SM3`, `ECDSA_P256_SHA256`, `SM2_SM3`), in any case; an unknown
/// name, or one whose cargo feature is off, is an [`Error::InvalidRequest`] that says so.
///
/// ```
/// use codegen_runtime::huawei::SigningAlgorithm;
///
/// let algorithm: SigningAlgorithm = "SDK-HMAC-SHA256".parse()?;
/// assert_eq!(algorithm, SigningAlgorithm::HmacSha256);
/// assert_eq!("hmac_sha256".parse::<SigningAlgorithm>()?, algorithm);
/// let unknown = "SDK-HMAC-MD5".parse::<SigningAlgorithm>().unwrap_err();
/// assert!(unknown.to_string().contains("SDK-HMAC-SM3"));
/// # Ok::<(), codegen_runtime::Error>(())
/// ```
///
/// [`AkSk`]: super::AkSk
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// `SDK-HMAC-SHA256`, the default.
    #[default]
    HmacSha256,
    /// `SDK-HMAC-SM3` (feature `huawei-sm`).
    #[cfg(feature = "huawei-sm")]
    HmacSm3,
    /// `SDK-ECDSA-P256-SHA256` (feature `huawei-ecdsa`).
    #[cfg(feature = "huawei-ecdsa")]
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3` (feature `huawei-sm`).
    #[cfg(feature = "huawei-sm")]
    Sm2Sm3,
}

/// Every algorithm of the SDKs, compiled in or not: scheme name, the SDKs' enum name and
/// the cargo feature it needs, so that a name is never reported unknown for lack of a
/// feature.
const KNOWN: [(&str, &str, &str); 4] = [
    ("SDK-HMAC-SHA256", "HMAC_SHA256", "huawei"),
    ("SDK-HMAC-SM3", "HMAC_SM3", "huawei-sm"),
    ("SDK-ECDSA-P256-SHA256", "ECDSA_P256_SHA256", "huawei-ecdsa"),
    ("SDK-SM2-SM3", "SM2_SM3", "huawei-sm"),
];

impl SigningAlgorithm {
    /// The algorithms compiled in.
    const COMPILED: &'static [Self] = &[
        Self::HmacSha256,
        #[cfg(feature = "huawei-sm")]
        Self::HmacSm3,
        #[cfg(feature = "huawei-ecdsa")]
        Self::EcdsaP256Sha256,
        #[cfg(feature = "huawei-sm")]
        Self::Sm2Sm3,
    ];

    /// The scheme name: first word of the `Authorization` value and of the string to sign.
    pub const fn name(self) -> &'static str {
        match self {
            Self::HmacSha256 => "SDK-HMAC-SHA256",
            #[cfg(feature = "huawei-sm")]
            Self::HmacSm3 => "SDK-HMAC-SM3",
            #[cfg(feature = "huawei-ecdsa")]
            Self::EcdsaP256Sha256 => "SDK-ECDSA-P256-SHA256",
            #[cfg(feature = "huawei-sm")]
            Self::Sm2Sm3 => "SDK-SM2-SM3",
        }
    }

    /// The canonical request of this algorithm (see [`canonical_request`]).
    ///
    /// [`canonical_request`]: super::canonical_request
    pub fn canonical_request(
        self,
        request: &Request<Vec<u8>>,
        signed_headers: &[HeaderName],
    ) -> Result<String, Error> {
        super::canonical_request_with(request, signed_headers, self.digest())
    }

    /// The string to sign for a canonical request signed at `sdk_date` (`X-Sdk-Date`):
    /// the name, the date and the hex hash of the canonical request, one per line.
    pub fn string_to_sign(self, sdk_date: &str, canonical_request: &str) -> String {
        let hash = self.digest().hex(canonical_request.as_bytes());
        format!("{}\n{sdk_date}\n{hash}", self.name())
    }

    /// The hash of the body and of the canonical request.
    pub(super) fn digest(self) -> Digest {
        match self {
            #[cfg(feature = "huawei-sm")]
            Self::HmacSm3 | Self::Sm2Sm3 => Digest::Sm3,
            _ => Digest::Sha256,
        }
    }

    /// The hex signature of `string_to_sign`.
    // The AK is the context of the signature algorithms' key derivation only.
    #[cfg_attr(
        not(any(feature = "huawei-ecdsa", feature = "huawei-sm")),
        allow(unused_variables)
    )]
    pub(super) fn signature(
        self,
        access_key: &str,
        secret_key: &str,
        string_to_sign: &str,
    ) -> Result<String, Error> {
        let (sk, data) = (secret_key.as_bytes(), string_to_sign.as_bytes());
        Ok(match self {
            Self::HmacSha256 => hex::encode(auth::hmac_sha256(sk, data)?),
            #[cfg(feature = "huawei-sm")]
            Self::HmacSm3 => hex::encode(super::sm::hmac_sm3(sk, data)?),
            #[cfg(feature = "huawei-ecdsa")]
            Self::EcdsaP256Sha256 => super::ecdsa::signature(access_key, secret_key, data)?,
            #[cfg(feature = "huawei-sm")]
            Self::Sm2Sm3 => super::sm::sm2_signature(access_key, secret_key, data)?,
        })
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SigningAlgorithm {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let (scheme, _, feature) = KNOWN
            .iter()
            .find(|(scheme, sdk, _)| {
                scheme.eq_ignore_ascii_case(text) || sdk.eq_ignore_ascii_case(text)
            })
            .ok_or_else(|| unknown(text))?;
        Self::COMPILED
            .iter()
            .find(|algorithm| algorithm.name() == *scheme)
            .copied()
            .ok_or_else(|| {
                invalid(format!(
                    "signing algorithm `{scheme}` needs the cargo feature `{feature}` of codegen-runtime"
                ))
            })
    }
}

fn unknown(text: &str) -> Error {
    if text.eq_ignore_ascii_case(DERIVED_ALGORITHM) {
        return invalid(format!(
            "`{DERIVED_ALGORITHM}` is derived signing, set with `AkSk::with_derived_auth`"
        ));
    }
    let known: Vec<&str> = KNOWN.iter().map(|(scheme, _, _)| *scheme).collect();
    // Debug-quoted: the text may come from a file or a variable and hold anything.
    invalid(format!(
        "unknown signing algorithm {text:?}; known: {}",
        known.join(", ")
    ))
}

/// A hash of the algorithms: of the body, of the canonical request, and in HMAC.
#[derive(Clone, Copy)]
pub(super) enum Digest {
    Sha256,
    #[cfg(feature = "huawei-sm")]
    Sm3,
}

impl Digest {
    /// Hex hash of `data`.
    pub(super) fn hex(self, data: &[u8]) -> String {
        match self {
            Self::Sha256 => hex::encode(Sha256::digest(data)),
            #[cfg(feature = "huawei-sm")]
            Self::Sm3 => super::sm::sm3_hex(data),
        }
    }

    /// The header in which a request declares its body hash instead (lower case).
    pub(super) fn content_header(self) -> &'static str {
        match self {
            Self::Sha256 => "x-sdk-content-sha256",
            #[cfg(feature = "huawei-sm")]
            Self::Sm3 => "x-sdk-content-sm3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_the_sdk_table() {
        for algorithm in SigningAlgorithm::COMPILED {
            let (scheme, sdk, _) = KNOWN
                .iter()
                .find(|(scheme, _, _)| *scheme == algorithm.name())
                .expect("in the table");
            assert_eq!(scheme.parse::<SigningAlgorithm>().unwrap(), *algorithm);
            assert_eq!(sdk.parse::<SigningAlgorithm>().unwrap(), *algorithm);
            assert_eq!(algorithm.to_string(), *scheme);
        }
        assert_eq!(
            " sdk-hmac-sha256\n".parse::<SigningAlgorithm>().unwrap(),
            SigningAlgorithm::HmacSha256
        );
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let error = "SDK-HMAC-MD5\u{1b}"
            .parse::<SigningAlgorithm>()
            .unwrap_err();
        let message = error.to_string();
        for (scheme, _, _) in KNOWN {
            assert!(message.contains(scheme), "{message}");
        }
        assert!(message.contains(r#""SDK-HMAC-MD5\u{1b}""#), "{message}");
        let derived = "V11-HMAC-SHA256".parse::<SigningAlgorithm>().unwrap_err();
        assert!(
            derived.to_string().contains("with_derived_auth"),
            "{derived}"
        );
    }

    #[cfg(not(feature = "huawei-sm"))]
    #[test]
    fn a_known_name_without_its_feature_names_the_feature() {
        let error = "SM2_SM3".parse::<SigningAlgorithm>().unwrap_err();
        assert!(error.to_string().contains("`huawei-sm`"), "{error}");
    }
}
