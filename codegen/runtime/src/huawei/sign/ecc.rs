//! What the two signature algorithms (`SDK-ECDSA-P256-SHA256`, `SDK-SM2-SM3`) share: the
//! private key derived from the AK/SK, and the DER form of a signature.

use crate::Error;
use crate::auth::invalid;

/// An HMAC: key, data, tag.
pub(super) type Hmac = fn(&[u8], &[u8]) -> Result<Vec<u8>, Error>;

/// Derives the private key as the SDKs' `_derive_key` does: NIST SP 800-108 KDF in
/// counter mode (one 256-bit block, `hmac` keyed with the SK, `algorithm` as label, the AK
/// and a counter byte as context) gives a candidate `c`; the first `c` for which `c + 1`
/// is a valid scalar (`c ≤ n - 2`, which `to_key` decides) gives the key `c + 1`.
///
/// A candidate is rejected with a chance of about 2⁻³² for either curve, so trying all
/// 255 counters and failing only errs in theory.
pub(super) fn derive_key<K>(
    algorithm: &str,
    access_key: &str,
    secret_key: &str,
    hmac: Hmac,
    to_key: impl Fn(&[u8; 32]) -> Option<K>,
) -> Result<K, Error> {
    for counter in 0..0xff_u8 {
        let mut data = Vec::with_capacity(algorithm.len() + access_key.len() + 10);
        data.extend_from_slice(&[0, 0, 0, 1]);
        data.extend_from_slice(algorithm.as_bytes());
        data.push(0);
        data.extend_from_slice(access_key.as_bytes());
        data.push(counter);
        data.extend_from_slice(&256_u32.to_be_bytes());
        let candidate = hmac(secret_key.as_bytes(), &data)?;
        let Ok(mut key) = <[u8; 32]>::try_from(candidate.as_slice()) else {
            return Err(invalid(format!(
                "{algorithm}: the key derivation gave no 32 bytes"
            )));
        };
        increment(&mut key);
        // `c + 1` wraps to zero only for `c = 2²⁵⁶ - 1`, which `to_key` rejects as zero.
        if let Some(key) = to_key(&key) {
            return Ok(key);
        }
    }
    Err(invalid(format!(
        "{algorithm}: no signing key can be derived from this AK/SK"
    )))
}

/// Adds one to a big-endian number, wrapping.
fn increment(number: &mut [u8; 32]) {
    for byte in number.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            return;
        }
    }
}

/// `SEQUENCE { INTEGER r, INTEGER s }` in DER, as the SDKs send signatures; `r` and `s`
/// are big-endian.
pub(super) fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    let (r, s) = (der_integer(r), der_integer(s));
    // Two 33-byte integers at most: every length fits the short form.
    let mut der = vec![0x30, (r.len() + s.len()) as u8];
    der.extend(r);
    der.extend(s);
    der
}

/// An unsigned big-endian integer as DER `INTEGER`: minimal, with a zero byte in front
/// when the high bit is set.
fn der_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let mut content = bytes[start..].to_vec();
    if content.first().is_none_or(|&b| b & 0x80 != 0) {
        content.insert(0, 0);
    }
    let mut der = vec![0x02, content.len() as u8];
    der.extend(content);
    der
}

/// The public key (SEC1, uncompressed, hex) that `make_vectors.py` recorded for the SDK's
/// key derivation of `algorithm`, with the vectors' AK and SK.
#[cfg(test)]
pub(super) fn sdk_public_key(algorithm: &str) -> (String, String, String) {
    let text = include_str!("../../../tests/fixtures/signing/huawei-algorithms-vectors.json");
    let vectors: serde_json::Value = serde_json::from_str(text).expect("vectors");
    let key = vectors["algorithms"]
        .as_array()
        .expect("algorithms")
        .iter()
        .find(|entry| entry["algorithm"] == algorithm)
        .and_then(|entry| entry["public_key"].as_str())
        .expect("public key");
    let text = |name: &str| vectors[name].as_str().expect(name).to_owned();
    (text("access_key"), text("secret_key"), key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_carries_and_wraps() {
        let mut number = [0xff; 32];
        number[0] = 0;
        increment(&mut number);
        assert_eq!(number[0], 1);
        assert!(number[1..].iter().all(|&b| b == 0));
        let mut max = [0xff; 32];
        increment(&mut max);
        assert_eq!(max, [0; 32]);
    }

    #[test]
    fn der_integers_are_minimal_and_positive() {
        assert_eq!(der_integer(&[0, 0, 0x7f]), [0x02, 1, 0x7f]);
        assert_eq!(der_integer(&[0, 0x80]), [0x02, 2, 0, 0x80]);
        assert_eq!(der_integer(&[0, 0]), [0x02, 1, 0]);
        assert_eq!(
            der_signature(&[1], &[0xff]),
            [0x30, 7, 0x02, 1, 1, 0x02, 2, 0, 0xff]
        );
    }
}
