//! Huawei's AK/SK signing algorithms against vectors made by the official SDK's own
//! signers (`fixtures/signing/`, see the README there), and through the client.
//!
//! The SM and ECDSA parts run with the `huawei-sm` and `huawei-ecdsa` features
//! (`--all-features`); the others always.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use codegen_runtime::huawei::{self, AkSk, CredentialType, DERIVED_ALGORITHM, SigningAlgorithm, env_credentials};
use codegen_runtime::{Client, ClientConfig, Credentials, Endpoint, Env, Error};
use http::Request;
use http::header::AUTHORIZATION;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use support::{Reply, Server};

/// What a query component encodes: everything but `A-Z a-z 0-9 - _ . ~`.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The vectors in the file; fewer means the fixture lost some.
const VECTORS_PER_ALGORITHM: usize = 7;

#[derive(Deserialize)]
struct Vectors {
    access_key: String,
    secret_key: String,
    host: String,
    derived_auth_service_name: String,
    region_id: String,
    algorithms: Vec<AlgorithmVectors>,
}

#[derive(Deserialize)]
struct AlgorithmVectors {
    algorithm: String,
    /// SEC1 uncompressed, hex: the SDK's key derived from the AK/SK (signature algorithms).
    public_key: Option<String>,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: BTreeMap<String, String>,
    security_token: Option<String>,
    body: String,
    canonical_request: String,
    string_to_sign: String,
    authorization: String,
}

fn vectors() -> Vectors {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/signing/huawei-algorithms-vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("vectors");
    serde_json::from_str(&text).expect("vectors parse")
}

fn encode(component: &str) -> String {
    utf8_percent_encode(component, QUERY_COMPONENT).to_string()
}

/// The request a vector describes, the query in the caller's order.
fn request(set: &Vectors, vector: &Vector) -> Request<Vec<u8>> {
    let query: Vec<String> = vector
        .query
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    let mut uri = format!("https://{}{}", set.host, vector.path);
    if !query.is_empty() {
        uri = format!("{uri}?{}", query.join("&"));
    }
    let mut builder = Request::builder().method(vector.method.as_str()).uri(uri);
    for (name, value) in &vector.headers {
        builder = builder.header(name, value);
    }
    builder.body(vector.body.as_bytes().to_vec()).expect("request")
}

/// The signer a set of vectors was made with; `None` when its feature is off.
fn signer(set: &Vectors, algorithm: &str, token: Option<&str>) -> Option<AkSk> {
    let mut signer = AkSk::new(&set.access_key, &set.secret_key);
    if let Some(token) = token {
        signer = signer.with_security_token(token);
    }
    if algorithm == DERIVED_ALGORITHM {
        // The vectors' host is a public endpoint: the default predicate would not apply.
        let derived = signer.with_derived_auth(&set.derived_auth_service_name, &set.region_id);
        return Some(derived.with_derived_predicate(|_| true));
    }
    let parsed: SigningAlgorithm = algorithm.parse().ok()?;
    Some(signer.with_algorithm(parsed))
}

/// The canonical request and string to sign of a signed request, by the public steps.
fn steps(set: &Vectors, algorithm: &str, signed: &Request<Vec<u8>>) -> (String, String) {
    let date = signed.headers()["x-sdk-date"].to_str().expect("date");
    let headers = huawei::signed_headers(signed.headers());
    if algorithm == DERIVED_ALGORITHM {
        let canonical = huawei::canonical_request(signed, &headers).expect("canonical");
        let to_sign = huawei::derived_string_to_sign(date, &set.region_id, &set.derived_auth_service_name, &canonical);
        return (canonical, to_sign);
    }
    let parsed: SigningAlgorithm = algorithm.parse().expect("compiled in");
    let canonical = parsed.canonical_request(signed, &headers).expect("canonical");
    let to_sign = parsed.string_to_sign(date, &canonical);
    (canonical, to_sign)
}

fn differs(vector: &str, step: &str, expected: &str, actual: &str) -> Option<String> {
    (expected != actual).then(|| format!("`{vector}`: {step} differs\nexpected:\n{expected}\nactual:\n{actual}\n"))
}

/// `(before "Signature=", the signature)` of an `Authorization` value.
fn split_signature(authorization: &str) -> (&str, &str) {
    authorization.rsplit_once("Signature=").expect("a signature")
}

#[test]
fn sdk_vectors_are_reproduced() {
    let set = vectors();
    let mut failures = Vec::new();
    let mut checked = Vec::new();
    for entry in &set.algorithms {
        assert_eq!(entry.vectors.len(), VECTORS_PER_ALGORITHM, "{}", entry.algorithm);
        if signer(&set, &entry.algorithm, None).is_none() {
            continue; // its feature is off
        }
        for vector in &entry.vectors {
            let token = vector.security_token.as_deref();
            let signer = signer(&set, &entry.algorithm, token).expect("compiled in");
            let mut signed = request(&set, vector);
            // A time other than the vector's: the request's own X-Sdk-Date must win.
            signer.sign(&mut signed, UNIX_EPOCH).expect("sign");
            let authorization = signed.headers()[AUTHORIZATION].to_str().expect("ASCII");
            let (canonical, to_sign) = steps(&set, &entry.algorithm, &signed);
            let name = format!("{} {}", entry.algorithm, vector.name);
            failures.extend(differs(
                &name,
                "canonical request",
                &vector.canonical_request,
                &canonical,
            ));
            failures.extend(differs(&name, "string to sign", &vector.string_to_sign, &to_sign));
            match &entry.public_key {
                // Randomized by the SDK: all but the signature, which is verified instead.
                Some(public_key) => {
                    let (expected_head, sdk_signature) = split_signature(&vector.authorization);
                    let (head, signature) = split_signature(authorization);
                    failures.extend(differs(&name, "Authorization", expected_head, head));
                    for (whose, signature) in [("Rust", signature), ("SDK", sdk_signature)] {
                        if !verify(&entry.algorithm, public_key, &vector.string_to_sign, signature) {
                            failures.push(format!("`{name}`: the {whose} signature does not verify\n"));
                        }
                    }
                }
                None => failures.extend(differs(&name, "Authorization", &vector.authorization, authorization)),
            }
        }
        checked.push(entry.algorithm.as_str());
    }
    assert!(failures.is_empty(), "\n{}", failures.concat());
    if cfg!(all(feature = "huawei-sm", feature = "huawei-ecdsa")) {
        assert_eq!(checked.len(), set.algorithms.len(), "{checked:?}");
    }
    assert!(checked.contains(&"SDK-HMAC-SHA256") && checked.contains(&DERIVED_ALGORITHM));
}

/// Verifies a hex DER signature of `message` with a SEC1 public key, as the server would.
#[cfg_attr(not(any(feature = "huawei-ecdsa", feature = "huawei-sm")), allow(unused_variables))]
fn verify(algorithm: &str, public_key: &str, message: &str, signature: &str) -> bool {
    let (public_key, message) = (hex::decode(public_key).expect("hex key"), message.as_bytes());
    let Some((r, s)) = hex::decode(signature).ok().and_then(|der| parse_der(&der)) else {
        return false;
    };
    match algorithm {
        #[cfg(feature = "huawei-ecdsa")]
        "SDK-ECDSA-P256-SHA256" => {
            use p256::ecdsa::signature::Verifier as _;
            use p256::ecdsa::{Signature, VerifyingKey};
            let key = VerifyingKey::from_sec1_bytes(&public_key).expect("P-256 key");
            let r = p256::FieldBytes::clone_from_slice(&r);
            let s = p256::FieldBytes::clone_from_slice(&s);
            Signature::from_scalars(r, s).is_ok_and(|signature| key.verify(message, &signature).is_ok())
        }
        #[cfg(feature = "huawei-sm")]
        "SDK-SM2-SM3" => {
            use sm2::dsa::signature::Verifier as _;
            use sm2::dsa::{Signature, VerifyingKey};
            let key = VerifyingKey::from_sec1_bytes("1234567812345678", &public_key).expect("SM2 key");
            let r = sm2::FieldBytes::clone_from_slice(&r);
            let s = sm2::FieldBytes::clone_from_slice(&s);
            Signature::from_scalars(r, s).is_ok_and(|signature| key.verify(message, &signature).is_ok())
        }
        _ => unreachable!("{algorithm} is not compiled in"),
    }
}

/// `SEQUENCE { INTEGER r, INTEGER s }` in DER (short lengths, as for 256-bit curves) into
/// 32-byte big-endian `r` and `s`; `None` unless exactly that.
fn parse_der(der: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    let [0x30, length, rest @ ..] = der else { return None };
    if usize::from(*length) != rest.len() {
        return None;
    }
    let (r, rest) = parse_integer(rest)?;
    let (s, rest) = parse_integer(rest)?;
    rest.is_empty().then_some((r, s))
}

fn parse_integer(der: &[u8]) -> Option<([u8; 32], &[u8])> {
    let [0x02, length, rest @ ..] = der else { return None };
    let (content, rest) = rest.split_at_checked(usize::from(*length))?;
    let digits = match content {
        [0, high, ..] if high & 0x80 != 0 => &content[1..],
        [high, ..] if high & 0x80 == 0 => content,
        _ => return None,
    };
    let mut fixed = [0u8; 32];
    fixed
        .get_mut(32_usize.checked_sub(digits.len())?..)?
        .copy_from_slice(digits);
    Some((fixed, rest))
}

#[cfg(any(feature = "huawei-ecdsa", feature = "huawei-sm"))]
#[test]
fn a_tampered_message_does_not_verify() {
    let set = vectors();
    let compiled = |entry: &&AlgorithmVectors| signer(&set, &entry.algorithm, None).is_some();
    for entry in set.algorithms.iter().filter(compiled) {
        let vector = &entry.vectors[0];
        let (_, signature) = split_signature(&vector.authorization);
        let Some(public_key) = &entry.public_key else { continue };
        let tampered = vector.string_to_sign.replace("SDK-", "SDX-");
        assert!(
            !verify(&entry.algorithm, public_key, &tampered, signature),
            "{}",
            entry.algorithm
        );
    }
}

fn get(uri: &str) -> Request<Vec<u8>> {
    Request::get(uri).body(Vec::new()).expect("request")
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

#[test]
fn algorithm_names_from_text() {
    for name in ["SDK-HMAC-SHA256", "hmac_sha256", " HMAC_SHA256 "] {
        assert_eq!(
            name.parse::<SigningAlgorithm>().expect(name),
            SigningAlgorithm::HmacSha256
        );
    }
    #[cfg(feature = "huawei-sm")]
    assert_eq!(
        "SM2_SM3".parse::<SigningAlgorithm>().expect("SM2"),
        SigningAlgorithm::Sm2Sm3
    );
    #[cfg(feature = "huawei-ecdsa")]
    assert_eq!(
        "sdk-ecdsa-p256-sha256".parse::<SigningAlgorithm>().expect("P-256"),
        SigningAlgorithm::EcdsaP256Sha256
    );
    let error = "HMAC-SHA1".parse::<SigningAlgorithm>().unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("unknown signing algorithm \"HMAC-SHA1\""), "{message}");
    for known in [
        "SDK-HMAC-SHA256",
        "SDK-HMAC-SM3",
        "SDK-ECDSA-P256-SHA256",
        "SDK-SM2-SM3",
    ] {
        assert!(message.contains(known), "{message}");
    }
}

#[test]
fn unsigned_payload_is_declared_in_the_algorithms_header() {
    let upload = || {
        Request::put("https://obs.example.com/bucket/key")
            .header("content-type", "application/zip")
            .body(b"PK\x03\x04".to_vec())
            .expect("request")
    };
    let mut request = upload();
    AkSk::new("AK", "SK").sign(&mut request, at(0)).expect("sign");
    assert_eq!(request.headers()["x-sdk-content-sha256"], "UNSIGNED-PAYLOAD");
    let authorization = request.headers()[AUTHORIZATION].to_str().expect("ASCII");
    assert!(authorization.contains("SignedHeaders=content-type;host;x-sdk-content-sha256;x-sdk-date,"));
    #[cfg(feature = "huawei-sm")]
    {
        let mut request = upload();
        let signer = AkSk::new("AK", "SK").with_algorithm(SigningAlgorithm::HmacSm3);
        signer.sign(&mut request, at(0)).expect("sign");
        assert_eq!(request.headers()["x-sdk-content-sm3"], "UNSIGNED-PAYLOAD");
        assert!(!request.headers().contains_key("x-sdk-content-sha256"));
    }
}

#[test]
fn derived_signing_applies_where_the_predicate_says() {
    let signer = AkSk::new("AK", "SK").with_derived_auth("functiongraph", "cn-north-4");
    let scheme = |url: &str, signer: &AkSk| {
        let mut request = get(url);
        signer.sign(&mut request, at(1_795_508_100)).expect("sign");
        request.headers()[AUTHORIZATION].to_str().expect("ASCII").to_owned()
    };
    let public = "https://functiongraph.cn-north-4.myhuaweicloud.com/v2/x";
    let private = "https://functiongraph.private.example/v2/x";
    assert!(scheme(public, &signer).starts_with("SDK-HMAC-SHA256 Access=AK, "));
    assert!(
        scheme(private, &signer).starts_with(
            "V11-HMAC-SHA256 Credential=AK/20261124/cn-north-4/functiongraph, SignedHeaders=host;x-sdk-date, "
        ),
        "{}",
        scheme(private, &signer)
    );
    let never = signer.with_derived_predicate(|_| false);
    assert!(scheme(private, &never).starts_with("SDK-HMAC-SHA256 "));
}

/// HKDF-SHA256 of the SK salted with the AK, for `scope`, as hex: the derived key.
fn derived_key(access_key: &str, secret_key: &str, scope: &str) -> String {
    use hmac::{Hmac, Mac};
    let hmac = |key: &[u8], data: &[u8]| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    };
    let prk = hmac(access_key.as_bytes(), secret_key.as_bytes());
    hex::encode(hmac(&prk, format!("{scope}\x01").as_bytes()))
}

#[test]
fn no_secret_in_debug_or_errors() {
    let (ak, sk, token) = ("AK-ID", "SK-SECRET-VALUE", "TOKEN-VALUE");
    let key = derived_key(ak, sk, "20261124/cn-north-4/functiongraph");
    let signer = AkSk::new(ak, sk)
        .with_security_token(token)
        .with_derived_auth("functiongraph", "cn-north-4");
    let mut request = get("https://functiongraph.private.example/v2/x");
    signer.sign(&mut request, at(1_795_508_100)).expect("sign");
    let mut bad = get("https://functiongraph.private.example/v2/x");
    bad.headers_mut()
        .insert("x-note", http::HeaderValue::from_bytes(b"caf\xe9").expect("obs-text"));
    let error = signer.sign(&mut bad, at(1_795_508_100)).unwrap_err();
    let config = ClientConfig::builder(Credentials::signer(signer.clone()))
        .signing_algorithm(SigningAlgorithm::HmacSha256)
        .build()
        .expect("config");
    let shown = [
        format!("{signer:?} {signer:#?}"),
        format!("{error} {error:?}"),
        format!("{config:?}"),
        format!("{:?}", codegen_runtime::auth::redact_headers(request.headers())),
    ]
    .concat();
    assert!(shown.contains("AK-ID") && shown.contains("functiongraph"), "{shown}");
    assert!(shown.contains("HmacSha256"), "{shown}");
    for secret in [sk, token, key.as_str(), &key[..16]] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

/// The algorithms compiled in.
fn compiled_algorithms() -> Vec<SigningAlgorithm> {
    vec![
        SigningAlgorithm::HmacSha256,
        #[cfg(feature = "huawei-sm")]
        SigningAlgorithm::HmacSm3,
        #[cfg(feature = "huawei-ecdsa")]
        SigningAlgorithm::EcdsaP256Sha256,
        #[cfg(feature = "huawei-sm")]
        SigningAlgorithm::Sm2Sm3,
    ]
}

/// Sends one GET with `credentials` (and `algorithm` configured, if any) to a fake server
/// and returns the `Authorization` it received.
async fn authorization_sent(credentials: Credentials, algorithm: Option<SigningAlgorithm>) -> String {
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let mut builder = ClientConfig::builder(credentials).without_proxy();
    if let Some(algorithm) = algorithm {
        builder = builder.signing_algorithm(algorithm);
    }
    let config = builder.build().expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    let response = client
        .execute(get(&format!("{}/v2/functions?b=2&a=1", server.url())), true)
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let requests = server.requests();
    let authorization = requests[0].header("authorization").expect("signed");
    authorization.to_owned()
}

#[tokio::test]
async fn the_configured_algorithm_signs_credentials_found_by_the_chain() {
    let env = Env::from_pairs([
        ("HUAWEICLOUD_SDK_AK".to_owned(), "ENV_AK".to_owned()),
        ("HUAWEICLOUD_SDK_SK".to_owned(), "env-sk".to_owned()),
    ]);
    let account = env_credentials(&env, CredentialType::Basic).expect("found");
    let default = authorization_sent(account.credentials.clone(), None).await;
    assert!(default.starts_with("SDK-HMAC-SHA256 Access=ENV_AK, "), "{default}");
    for algorithm in compiled_algorithms() {
        let sent = authorization_sent(account.credentials.clone(), Some(algorithm)).await;
        let expected = format!(
            "{} Access=ENV_AK, SignedHeaders=host;x-sdk-date, Signature=",
            algorithm.name()
        );
        assert!(sent.starts_with(&expected), "{sent}");
    }
}

#[tokio::test]
async fn derived_signing_takes_precedence_over_the_configured_algorithm() {
    // 127.0.0.1 is not a public endpoint, so the default predicate applies.
    let signer = AkSk::new("AK", "SK").with_derived_auth("functiongraph", "cn-north-4");
    let algorithm = *compiled_algorithms().last().expect("one");
    let sent = authorization_sent(Credentials::signer(signer), Some(algorithm)).await;
    assert!(sent.starts_with("V11-HMAC-SHA256 Credential=AK/"), "{sent}");
    assert!(
        sent.contains("/cn-north-4/functiongraph, SignedHeaders=host;x-sdk-date, "),
        "{sent}"
    );
}
