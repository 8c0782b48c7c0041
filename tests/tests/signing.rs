//! Request signing: every reference vector of `fixtures/signing/` reproduced byte for byte
//! (see the README there for their provenance), and the signers' behaviour around them.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use functiongraph::Error;
use alibaba_fc::alibaba::{self, FcAccessKey};
use functiongraph::auth::{self, Signer};
use functiongraph::huawei::{self, AkSk};
use http::Request;
use http::header::{AUTHORIZATION, HOST, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

/// What a query string component encodes: everything but `A-Z a-z 0-9 - _ . ~`.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// 2026-11-24T08:15:00Z, the date of the vectors.
const VECTOR_TIME: u64 = 1_795_508_100;

#[derive(Deserialize)]
struct HuaweiVectors {
    access_key: String,
    secret_key: String,
    host: String,
    vectors: Vec<HuaweiVector>,
}

#[derive(Deserialize)]
struct HuaweiVector {
    name: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: BTreeMap<String, String>,
    body: String,
    canonical_request: String,
    string_to_sign: String,
    authorization: String,
}

#[derive(Deserialize)]
struct FcVectors {
    access_key_id: String,
    access_key_secret: String,
    vectors: Vec<FcVector>,
}

#[derive(Deserialize)]
struct FcVector {
    name: String,
    method: String,
    unescaped_path: String,
    headers: BTreeMap<String, String>,
    unescaped_queries: Option<BTreeMap<String, FcQueryValue>>,
    body: String,
    authorization: String,
}

/// A query value as the FC SDK takes it: one string, or a list (empty: the key alone).
#[derive(Deserialize)]
#[serde(untagged)]
enum FcQueryValue {
    One(String),
    Many(Vec<String>),
}

fn fixture<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = format!("{}/fixtures/signing/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn encode(component: &str) -> String {
    utf8_percent_encode(component, QUERY_COMPONENT).to_string()
}

fn build(
    method: &str,
    uri: &str,
    headers: &BTreeMap<String, String>,
    body: &str,
) -> Request<Vec<u8>> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder
        .body(body.as_bytes().to_vec())
        .unwrap_or_else(|e| panic!("{method} {uri}: {e}"))
}

/// `None` when equal, else a labelled unified diff that shows the differing lines.
fn compare(vector: &str, step: &str, expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .missing_newline_hint(false)
        .header("expected", "actual")
        .to_string();
    Some(format!("vector `{vector}`, {step} differs:\n{diff}\n"))
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(failures.is_empty(), "\n{}", failures.concat());
}

/// The request a Huawei vector describes; the query keeps the caller's order.
fn huawei_request(set: &HuaweiVectors, vector: &HuaweiVector) -> Request<Vec<u8>> {
    let query: Vec<String> = vector
        .query
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    let mut uri = format!("https://{}{}", set.host, vector.path);
    if !query.is_empty() {
        uri = format!("{uri}?{}", query.join("&"));
    }
    build(&vector.method, &uri, &vector.headers, &vector.body)
}

fn check_huawei_vector(set: &HuaweiVectors, vector: &HuaweiVector) -> Vec<String> {
    let name = vector.name.as_str();
    let mut request = huawei_request(set, vector);
    // The steps read the headers `sign` adds; of those the vectors leave out only Host.
    let mut prepared = request.clone();
    prepared
        .headers_mut()
        .insert(HOST, HeaderValue::from_str(&set.host).expect("host"));
    let signed = huawei::signed_headers(prepared.headers());
    let canonical = huawei::canonical_request(&prepared, &signed).expect("canonical request");
    let date = &vector.headers["X-Sdk-Date"];
    let to_sign = huawei::string_to_sign(date, &canonical);

    let signer = AkSk::new(&set.access_key, &set.secret_key);
    // A time other than the vector's: the request's own X-Sdk-Date must win.
    signer.sign(&mut request, at(0)).expect("sign");
    let authorization = request.headers()[AUTHORIZATION].to_str().expect("ASCII");

    [
        compare(
            name,
            "canonical request",
            &vector.canonical_request,
            &canonical,
        ),
        compare(name, "string to sign", &vector.string_to_sign, &to_sign),
        compare(name, "Authorization", &vector.authorization, authorization),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[test]
fn huawei_vectors_are_reproduced_step_by_step() {
    let set: HuaweiVectors = fixture("huawei-sdk-hmac-sha256-vectors.json");
    assert_eq!(set.vectors.len(), 5, "the fixture lost vectors");
    let failures = set
        .vectors
        .iter()
        .flat_map(|v| check_huawei_vector(&set, v))
        .collect();
    assert_no_failures(failures);
}

/// The request an FC vector describes. The scheme does not sign the host, and not every
/// vector gives one.
fn fc_request(vector: &FcVector) -> Request<Vec<u8>> {
    let host = vector
        .headers
        .get("host")
        .map_or("fc.example.com", String::as_str);
    let mut uri = format!("https://{host}{}", encode_path(&vector.unescaped_path));
    if let Some(queries) = &vector.unescaped_queries {
        uri = format!("{uri}?{}", fc_query(queries));
    }
    build(&vector.method, &uri, &vector.headers, &vector.body)
}

fn encode_path(path: &str) -> String {
    let segments: Vec<String> = path.split('/').map(encode).collect();
    segments.join("/")
}

fn fc_query(queries: &BTreeMap<String, FcQueryValue>) -> String {
    let mut items = Vec::new();
    for (key, value) in queries {
        match value {
            FcQueryValue::One(value) => items.push(format!("{}={}", encode(key), encode(value))),
            FcQueryValue::Many(values) if values.is_empty() => items.push(encode(key)),
            FcQueryValue::Many(values) => items.extend(
                values
                    .iter()
                    .map(|value| format!("{}={}", encode(key), encode(value))),
            ),
        }
    }
    items.join("&")
}

#[test]
fn alibaba_fc_vectors_are_reproduced() {
    let set: FcVectors = fixture("alibaba-fc-vectors.json");
    assert_eq!(set.vectors.len(), 2, "the fixture lost vectors");
    let signer = FcAccessKey::new(&set.access_key_id, &set.access_key_secret);
    let mut failures = Vec::new();
    for vector in &set.vectors {
        let mut request = fc_request(vector);
        let to_sign = alibaba::string_to_sign(&request).expect("string to sign");
        signer.sign(&mut request, at(0)).expect("sign");
        let authorization = request.headers()[AUTHORIZATION].to_str().expect("ASCII");
        if let Some(diff) = compare(
            &vector.name,
            "Authorization",
            &vector.authorization,
            authorization,
        ) {
            failures.push(format!("{diff}string to sign was:\n{to_sign}\n"));
        }
    }
    assert_no_failures(failures);
}

fn get(uri: &str) -> Request<Vec<u8>> {
    Request::get(uri).body(Vec::new()).expect("request")
}

fn header<'a>(request: &'a Request<Vec<u8>>, name: &str) -> &'a str {
    request.headers()[name].to_str().expect("ASCII")
}

#[test]
fn existing_x_sdk_date_is_kept_and_a_missing_one_set_from_time() {
    let signer = AkSk::new("AK", "SK");
    let mut dated = get("https://example.com/v2/x");
    dated
        .headers_mut()
        .insert("x-sdk-date", HeaderValue::from_static("20200101T000000Z"));
    signer.sign(&mut dated, at(VECTOR_TIME)).expect("sign");
    assert_eq!(header(&dated, "x-sdk-date"), "20200101T000000Z");

    let mut undated = get("https://example.com/v2/x");
    signer.sign(&mut undated, at(VECTOR_TIME)).expect("sign");
    assert_eq!(header(&undated, "x-sdk-date"), "20261124T081500Z");
}

#[test]
fn host_is_added_from_the_uri_and_an_existing_one_kept() {
    let signer = AkSk::new("AK", "SK");
    let mut request = get("https://user@example.com:8443/v2/x");
    signer.sign(&mut request, at(VECTOR_TIME)).expect("sign");
    assert_eq!(header(&request, "host"), "example.com:8443");
    assert!(header(&request, "authorization").contains("SignedHeaders=host;x-sdk-date,"));

    let mut proxied = get("https://10.0.0.1/v2/x");
    proxied
        .headers_mut()
        .insert(HOST, HeaderValue::from_static("functiongraph.example.com"));
    signer.sign(&mut proxied, at(VECTOR_TIME)).expect("sign");
    assert_eq!(header(&proxied, "host"), "functiongraph.example.com");
}

#[test]
fn signing_again_replaces_the_signature() {
    let signer = AkSk::new("AK", "SK");
    let mut request = get("https://example.com/v2/x?b=2&a=1");
    signer.sign(&mut request, at(VECTOR_TIME)).expect("sign");
    let first = header(&request, "authorization").to_owned();
    signer
        .sign(&mut request, at(VECTOR_TIME))
        .expect("sign again");
    assert_eq!(header(&request, "authorization"), first);
    assert_eq!(request.headers().get_all(AUTHORIZATION).iter().count(), 1);
}

#[test]
fn huawei_security_token_is_sent_and_signed() {
    let plain = AkSk::new("AK", "SK");
    let temporary = AkSk::new("AK", "SK").with_security_token("TOKEN-123");
    let mut without = get("https://example.com/v2/x");
    let mut with = get("https://example.com/v2/x");
    plain.sign(&mut without, at(VECTOR_TIME)).expect("sign");
    temporary.sign(&mut with, at(VECTOR_TIME)).expect("sign");

    assert_eq!(header(&with, "x-security-token"), "TOKEN-123");
    let authorization = header(&with, "authorization");
    assert!(
        authorization.contains("SignedHeaders=host;x-sdk-date;x-security-token,"),
        "{authorization}"
    );
    let signed = huawei::signed_headers(with.headers());
    let canonical = huawei::canonical_request(&with, &signed).expect("canonical");
    assert!(
        canonical.contains("\nx-security-token:TOKEN-123\n"),
        "{canonical}"
    );
    assert_ne!(authorization, header(&without, "authorization"));
}

#[test]
fn fc_security_token_is_sent_and_signed() {
    let signer = FcAccessKey::new("ID", "SECRET").with_security_token("STS-TOKEN");
    let mut request = get("https://123.cn-hangzhou.fc.aliyuncs.com/2016-08-15/services");
    signer.sign(&mut request, at(VECTOR_TIME)).expect("sign");
    assert_eq!(header(&request, "x-fc-security-token"), "STS-TOKEN");
    assert_eq!(header(&request, "date"), "Tue, 24 Nov 2026 08:15:00 GMT");
    let to_sign = alibaba::string_to_sign(&request).expect("string to sign");
    assert_eq!(
        to_sign,
        "GET\n\n\nTue, 24 Nov 2026 08:15:00 GMT\nx-fc-security-token:STS-TOKEN\n/2016-08-15/services"
    );
}

#[test]
fn debug_output_shows_no_secret() {
    let huawei = AkSk::new("AK-ID", "SK-SECRET").with_security_token("HW-TOKEN");
    let fc = FcAccessKey::new("FC-ID", "FC-SECRET").with_security_token("FC-TOKEN");
    let shown = format!("{huawei:?} {fc:?}");
    assert!(
        shown.contains("AK-ID") && shown.contains("FC-ID"),
        "{shown}"
    );
    assert!(shown.contains("<redacted>"), "{shown}");
    for secret in ["SK-SECRET", "HW-TOKEN", "FC-SECRET", "FC-TOKEN"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }

    let mut request = get("https://example.com/v2/x");
    huawei.sign(&mut request, at(VECTOR_TIME)).expect("sign");
    let signature = header(&request, "authorization")
        .rsplit('=')
        .next()
        .expect("signature");
    for shown in [
        format!("{:?}", auth::redact_headers(request.headers())),
        format!("{request:?}"),
    ] {
        assert!(shown.contains("x-sdk-date"), "{shown}");
        assert!(
            !shown.contains("HW-TOKEN") && !shown.contains(signature),
            "{shown}"
        );
    }
    for name in ["x-auth-token", "x-security-token", "x-fc-security-token", "authorization"] {
        let name = http::HeaderName::from_static(name);
        assert!(auth::is_sensitive_header(&name), "{name}");
    }
}

fn assert_invalid(result: Result<(), Error>, case: &str) {
    assert!(
        matches!(result, Err(Error::InvalidRequest(_))),
        "{case}: {result:?}"
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let signers: [Box<dyn Signer>; 2] = [
        Box::new(AkSk::new("AK", "SK")),
        Box::new(FcAccessKey::new("ID", "SECRET")),
    ];
    // Through the trait, as the client signs: the body is a `Body`.
    let get = |url: &str| get(url).map(functiongraph::Body::from);
    for signer in &signers {
        let mut non_utf8 = get("https://example.com/x");
        let value = HeaderValue::from_bytes(b"caf\xe9").expect("obs-text is a valid value");
        non_utf8.headers_mut().insert("x-fc-note", value.clone());
        non_utf8.headers_mut().insert("x-note", value);
        assert_invalid(
            signer.sign(&mut non_utf8, at(VECTOR_TIME)),
            "non-UTF-8 header value",
        );
        assert_invalid(
            signer.sign(
                &mut get("https://example.com/x"),
                at(0) - Duration::from_secs(1),
            ),
            "time before 1970",
        );
    }

    let get = |url: &str| self::get(url);
    let ak_sk = AkSk::new("AK", "SK");
    assert_invalid(
        ak_sk.sign(&mut get("/v2/x"), at(VECTOR_TIME)),
        "URI without authority",
    );
    let mut bad_date = get("https://example.com/x");
    bad_date
        .headers_mut()
        .insert("x-sdk-date", HeaderValue::from_static("2026-11-24"));
    assert_invalid(
        ak_sk.sign(&mut bad_date, at(VECTOR_TIME)),
        "malformed X-Sdk-Date",
    );
    let broken_ak = AkSk::new("AK\r\nInjected: yes", "SK");
    assert_invalid(
        broken_ak.sign(&mut get("https://example.com/x"), at(VECTOR_TIME)),
        "AK with line break",
    );
    let broken_token = AkSk::new("AK", "SK").with_security_token("TOKEN\n");
    assert_invalid(
        broken_token.sign(&mut get("https://example.com/x"), at(VECTOR_TIME)),
        "token with line break",
    );

    let fc = FcAccessKey::new("ID", "SECRET");
    assert_invalid(
        fc.sign(&mut get("https://example.com/%FF"), at(VECTOR_TIME)),
        "non-UTF-8 path",
    );
    let mut two_dates = get("https://example.com/x");
    two_dates
        .headers_mut()
        .append("date", HeaderValue::from_static("a"));
    two_dates
        .headers_mut()
        .append("date", HeaderValue::from_static("b"));
    assert_invalid(fc.sign(&mut two_dates, at(VECTOR_TIME)), "repeated Date");
}
