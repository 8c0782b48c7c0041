//! The Chinese national algorithms (feature `huawei-sm`): the SM3 hash of `SDK-HMAC-SM3`
//! and `SDK-SM2-SM3`, and the SM2 signature of the latter, with the key the SDKs derive
//! from the AK/SK.

use hmac::{Hmac, Mac};
use sm2::dsa::signature::Signer as _;
use sm2::dsa::{Signature, SigningKey};
use sm3::{Digest, Sm3};

use super::ecc;
use crate::Error;
use crate::auth::invalid;

const SM2_NAME: &str = "SDK-SM2-SM3";

/// The signer's identity in SM2's `Z` hash: the default user id of GB/T 32918, which the
/// SDKs use.
const DIST_ID: &str = "1234567812345678";

/// Hex SM3 hash of `data`.
pub(super) fn sm3_hex(data: &[u8]) -> String {
    hex::encode(Sm3::digest(data))
}

/// HMAC-SM3 of `data` keyed with `key`.
pub(super) fn hmac_sm3(key: &[u8], data: &[u8]) -> Result<Vec<u8>, Error> {
    // HMAC takes keys of any length; the error branch exists only in the trait's signature.
    let mut mac = <Hmac<Sm3> as Mac>::new_from_slice(key)
        .map_err(|_| invalid("the secret key cannot key HMAC-SM3"))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// The key pair the SDKs derive from the AK/SK (HMAC-SM3 in the key derivation).
pub(super) fn sm2_signing_key(access_key: &str, secret_key: &str) -> Result<SigningKey, Error> {
    ecc::derive_key(SM2_NAME, access_key, secret_key, hmac_sm3, |key| {
        SigningKey::from_bytes(DIST_ID, key.into()).ok()
    })
}

/// The hex DER SM2 signature of `data`. Deterministic (RFC 6979) where the SDKs draw a
/// random nonce: the server verifies either the same way.
pub(super) fn sm2_signature(
    access_key: &str,
    secret_key: &str,
    data: &[u8],
) -> Result<String, Error> {
    let signature: Signature = sm2_signing_key(access_key, secret_key)?
        .try_sign(data)
        .map_err(|_| invalid("SM2 signing failed"))?;
    Ok(hex::encode(ecc::der_signature(
        &signature.r_bytes(),
        &signature.s_bytes(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sm2::elliptic_curve::sec1::ToEncodedPoint as _;

    #[test]
    fn sm3_and_hmac_sm3_known_answers() {
        // GB/T 32905-2016, example 1.
        assert_eq!(
            sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        // Python's `hmac.new(b"key", b"data", "sm3")`.
        assert_eq!(
            hex::encode(hmac_sm3(b"key", b"data").unwrap()),
            "88a5a14b0fcf4a8a7b0c5084b8ee36e70efca4e8467fa264c3231bf16463b425"
        );
    }

    #[test]
    fn the_key_is_derived_as_the_sdk_derives_it() {
        let (ak, sk, public_key) = ecc::sdk_public_key(SM2_NAME);
        let key = sm2_signing_key(&ak, &sk).unwrap();
        let derived = key.verifying_key().to_encoded_point(false);
        assert_eq!(hex::encode(derived.as_bytes()), public_key);
    }
}
