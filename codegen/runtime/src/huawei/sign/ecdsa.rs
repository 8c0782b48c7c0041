//! `SDK-ECDSA-P256-SHA256` (feature `huawei-ecdsa`): ECDSA on P-256 with SHA-256, with the
//! key the SDKs derive from the AK/SK.

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};

use super::ecc;
use crate::Error;
use crate::auth::{self, invalid};

const NAME: &str = "SDK-ECDSA-P256-SHA256";

/// The key pair the SDKs derive from the AK/SK (HMAC-SHA256 in the key derivation).
pub(super) fn signing_key(access_key: &str, secret_key: &str) -> Result<SigningKey, Error> {
    ecc::derive_key(NAME, access_key, secret_key, auth::hmac_sha256, |key| {
        SigningKey::from_bytes(key.into()).ok()
    })
}

/// The hex DER signature of `data`. Deterministic (RFC 6979) where the SDKs draw a random
/// nonce: the server verifies either the same way.
pub(super) fn signature(access_key: &str, secret_key: &str, data: &[u8]) -> Result<String, Error> {
    let signature: Signature = signing_key(access_key, secret_key)?
        .try_sign(data)
        .map_err(|_| invalid("ECDSA P-256 signing failed"))?;
    let (r, s) = signature.split_bytes();
    Ok(hex::encode(ecc::der_signature(&r, &s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_derived_as_the_sdk_derives_it() {
        let (ak, sk, public_key) = ecc::sdk_public_key(NAME);
        let key = signing_key(&ak, &sk).unwrap();
        let derived = key.verifying_key().to_encoded_point(false);
        assert_eq!(hex::encode(derived.as_bytes()), public_key);
    }
}
