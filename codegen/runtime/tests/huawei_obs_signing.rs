//! The OBS signature against vectors made by the official Python SDK's own `OBSSigner`
//! (`fixtures/obs-signing/`, see `make.py` there): header and query authentication, byte
//! for byte, with the bucket in the host and in the path. The independent verifier of
//! `support/obs_verify.rs` accepts the same vectors and says why it refuses altered ones;
//! a fake OBS on 127.0.0.1 checks requests sent by the client with credentials of the
//! metadata service.

mod support;
#[path = "support/obs_verify.rs"]
mod obs_verify;

use std::time::{Duration, UNIX_EPOCH};

use codegen_runtime::__private::RequestBuilder;
use codegen_runtime::huawei::{AkSk, MetadataProvider, Signature, obs_string_to_sign};
use codegen_runtime::{Body, Client, ClientConfig, Credentials, Endpoint};
use obs_verify::{Authenticated, ObsVerifier, Received};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::Deserialize;
use support::{Reply, Server, expires_in, security_key};

const PUBLIC: &str = "https://obs.cn-north-4.myhuaweicloud.com";
const PUBLIC_HOST: &str = "obs.cn-north-4.myhuaweicloud.com";
/// The cases in the file; fewer means the fixture lost some.
const CASES: usize = 14;

/// Encoded in a query value: all but `A-Z a-z 0-9 - _ . ~`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// Encoded in an object key, as OBS's SDKs send it: the same, `/` kept.
const KEY: &AsciiSet = &COMPONENT.remove(b'/');

#[derive(Deserialize)]
struct Vectors {
    access_key: String,
    secret_key: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    method: String,
    bucket: Option<String>,
    key: Option<String>,
    query: Vec<(String, String)>,
    headers: std::collections::BTreeMap<String, String>,
    security_token: Option<String>,
    expires: Option<u64>,
    string_to_sign: String,
    authorization: Option<String>,
    signature: Option<String>,
}

fn vectors() -> Vectors {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/obs-signing/obs-vectors.json");
    let vectors: Vectors = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    assert_eq!(vectors.cases.len(), CASES);
    vectors
}

fn signer(vectors: &Vectors, case: &Case) -> AkSk {
    let signer = AkSk::new(&vectors.access_key, &vectors.secret_key);
    match &case.security_token {
        Some(token) => signer.with_security_token(token),
        None => signer,
    }
}

/// The case's request as a generated OBS operation builds it, for `endpoint`; the headers
/// the signer adds (the token) are left to it.
fn build(case: &Case, endpoint: &Endpoint) -> http::Request<Vec<u8>> {
    let method = http::Method::from_bytes(case.method.as_bytes()).expect("method");
    let mut builder = RequestBuilder::new(method, endpoint).literal("/");
    if let Some(key) = &case.key {
        builder = builder.object_key("object_key", key.as_str());
    }
    if let Some(bucket) = &case.bucket {
        builder = builder.bucket(bucket.as_str());
    }
    for (name, value) in &case.query {
        builder = builder.query(name, value.as_str());
    }
    for (name, value) in &case.headers {
        if name != "x-obs-security-token" {
            builder = builder.header(name, value.as_str());
        }
    }
    builder.build().expect("built")
}

/// Both ways of addressing a bucket: in the host (the public endpoint) and in the path
/// (an IP address).
fn endpoints() -> [Endpoint; 2] {
    let public = Endpoint::new(PUBLIC).expect("url").with_request_extension(Signature::Obs);
    let local = Endpoint::new("http://127.0.0.1:9000").expect("url").with_request_extension(Signature::Obs);
    [public, local]
}

fn received_headers(request: &http::Request<Vec<u8>>) -> Vec<(String, String)> {
    request.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().expect("ASCII").to_owned())).collect()
}

fn verifier(vectors: &Vectors, case: &Case, endpoint_host: &str) -> ObsVerifier {
    let verifier = ObsVerifier::new(endpoint_host, &vectors.access_key, &vectors.secret_key);
    match &case.security_token {
        Some(token) => verifier.with_security_token(token),
        None => verifier,
    }
}

#[test]
fn header_signatures_match_the_official_sdk() {
    let vectors = vectors();
    let mut checked = 0;
    for case in vectors.cases.iter().filter(|c| c.expires.is_none()) {
        for endpoint in endpoints() {
            let mut request = build(case, &endpoint);
            signer(&vectors, case).sign(&mut request, UNIX_EPOCH).expect("signed");
            let name = format!("{} at {}", case.name, endpoint.base_url());
            assert_eq!(obs_string_to_sign(&request, None).expect("text"), case.string_to_sign, "{name}");
            assert_eq!(request.headers()["authorization"], case.authorization.as_deref().expect("header case"), "{name}");
            for (header, value) in &case.headers {
                assert_eq!(request.headers()[header.as_str()], value.as_str(), "{name}: {header}");
            }
            assert!(!request.headers().contains_key("x-sdk-date"), "{name}");

            let uri = request.uri().clone();
            let host = uri.authority().expect("host").as_str().to_owned();
            let target = uri.path_and_query().expect("target").as_str().to_owned();
            let endpoint_host = endpoint.base_url().split("://").nth(1).expect("host");
            let headers = received_headers(&request);
            let received = Received { method: &case.method, host: &host, target: &target, headers: &headers };
            assert_eq!(verifier(&vectors, case, endpoint_host).verify(&received, 0), Ok(Authenticated::Header), "{name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 22);
}

#[test]
fn presigned_urls_match_the_official_sdk() {
    let vectors = vectors();
    let mut checked = 0;
    for case in vectors.cases.iter().filter(|c| c.expires.is_some()) {
        let expires = case.expires.expect("query case");
        for endpoint in endpoints() {
            let request = build(case, &endpoint);
            let name = format!("{} at {}", case.name, endpoint.base_url());
            let now = UNIX_EPOCH + Duration::from_secs(expires - 600);
            let url = signer(&vectors, case).presign_at(&request, Duration::from_secs(600), now).expect("presigned");
            let uri: http::Uri = url.url().parse().expect("uri");
            let params: Vec<(String, String)> = uri
                .query()
                .unwrap_or("")
                .split('&')
                .map(|item| {
                    let (n, v) = item.split_once('=').expect("pair");
                    (n.to_owned(), percent_decode_str(v).decode_utf8().expect("utf-8").into_owned())
                })
                .collect();
            let param = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            assert_eq!(param("Signature"), case.signature.as_deref(), "{name}");
            assert_eq!(param("Expires"), Some(expires.to_string().as_str()), "{name}");
            assert_eq!(param("AccessKeyId"), Some(vectors.access_key.as_str()), "{name}");
            assert_eq!(param("x-obs-security-token"), case.security_token.as_deref(), "{name}");
            assert_eq!(url.method().as_str(), case.method);
            for (header, value) in &case.headers {
                assert_eq!(url.headers()[header.as_str()], value.as_str(), "{name}: {header}");
            }

            // The string signed: the request with the token in its query, `Expires` for the date.
            let mut with_token = build(case, &endpoint);
            if let Some(token) = &case.security_token {
                let query = with_token.uri().query().map(|q| format!("{q}&")).unwrap_or_default();
                let encoded = utf8_percent_encode(token, COMPONENT);
                let target = format!("{}?{query}x-obs-security-token={encoded}", with_token.uri().path());
                let mut parts = with_token.uri().clone().into_parts();
                parts.path_and_query = Some(target.parse().expect("target"));
                *with_token.uri_mut() = http::Uri::from_parts(parts).expect("uri");
            }
            let text = obs_string_to_sign(&with_token, Some(&expires.to_string())).expect("text");
            assert_eq!(text, case.string_to_sign, "{name}");

            // What any HTTP client sends with the URL passes the independent check until it expires.
            let headers: Vec<(String, String)> =
                url.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().expect("ASCII").to_owned())).collect();
            let host = uri.authority().expect("host").as_str();
            let target = uri.path_and_query().expect("target").as_str();
            let received = Received { method: &case.method, host, target, headers: &headers };
            let endpoint_host = endpoint.base_url().split("://").nth(1).expect("host");
            let check = verifier(&vectors, case, endpoint_host);
            assert_eq!(check.verify(&received, expires), Ok(Authenticated::Query), "{name}");
            let late = check.verify(&received, expires + 1).expect_err("expired");
            assert!(late.contains("expired"), "{late}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

/// The verifier, fed the official SDK's requests as they would arrive at the public
/// endpoint, accepts them, and names what differs in altered ones.
#[test]
fn the_independent_verifier_accepts_the_sdk_vectors_and_explains_refusals() {
    let vectors = vectors();
    for case in vectors.cases.iter().filter(|c| c.expires.is_none()) {
        let host = match &case.bucket {
            Some(bucket) => format!("{bucket}.{PUBLIC_HOST}"),
            None => PUBLIC_HOST.to_owned(),
        };
        let key = case.key.as_deref().map(|k| utf8_percent_encode(k, KEY).to_string()).unwrap_or_default();
        let query: Vec<String> =
            case.query.iter().map(|(n, v)| format!("{n}={}", utf8_percent_encode(v, COMPONENT))).collect();
        let target = if query.is_empty() { format!("/{key}") } else { format!("/{key}?{}", query.join("&")) };
        let mut headers: Vec<(String, String)> = case.headers.iter().map(|(n, v)| (n.clone(), v.clone())).collect();
        headers.push(("Authorization".to_owned(), case.authorization.clone().expect("header case")));
        let check = verifier(&vectors, case, PUBLIC_HOST);
        let received = Received { method: &case.method, host: &host, target: &target, headers: &headers };
        assert_eq!(check.verify(&received, 0), Ok(Authenticated::Header), "{}", case.name);

        let other_method = Received { method: "PATCH", ..received };
        let refused = check.verify(&other_method, 0).expect_err("another method");
        assert!(refused.contains("expected") && refused.contains(r#""PATCH\n"#), "{refused}");
        let mut more = headers.clone();
        more.push(("x-obs-grant-full-control".to_owned(), "id=stranger".to_owned()));
        let added = Received { method: &case.method, host: &host, target: &target, headers: &more };
        let refused = check.verify(&added, 0).expect_err("a header added");
        assert!(refused.contains("x-obs-grant-full-control:id=stranger"), "{refused}");
    }
    let case = &vectors.cases[3];
    assert_eq!(case.name, "object acl");
    let headers = vec![
        ("Date".to_owned(), case.headers["Date"].clone()),
        ("Authorization".to_owned(), case.authorization.clone().expect("header case")),
    ];
    let check = verifier(&vectors, case, PUBLIC_HOST);
    let host = format!("my-bucket.{PUBLIC_HOST}");
    let at = |host: &str, target: &str| check.verify(&Received { method: "GET", host, target, headers: &headers }, 0);
    assert_eq!(at(&host, "/a%20b/c%2Bd~e.txt?acl"), Ok(Authenticated::Header));
    assert!(at(&host, "/a%20b/c%2Bd~e.txt?policy").expect_err("another sub-resource").contains("?policy"));
    assert!(at(&host, "/a%20b/c%2Bd~e.txt?acl&max-keys=3").is_ok(), "not a sub-resource");
    assert!(at(&format!("other.{PUBLIC_HOST}"), "/a%20b/c%2Bd~e.txt?acl").expect_err("another bucket").contains("/other/"));
    assert!(at("evil.example.com", "/a").expect_err("another host").contains("neither"));
    // OBS's 15 minutes around the vectors' date (1796610963).
    assert_eq!(obs_verify::http_date_seconds("Mon, 07 Dec 2026 02:36:03 GMT"), Some(1_796_610_963));
    assert_eq!(obs_verify::http_date_seconds("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(obs_verify::http_date_seconds("Tue, 29 Feb 2028 23:59:59 GMT"), Some(1_835_481_599));
    let strict = check.clone().with_max_skew(900);
    let at_time = |now| strict.verify(&Received { method: "GET", host: &host, target: "/a%20b/c%2Bd~e.txt?acl", headers: &headers }, now);
    assert!(at_time(1_796_610_963 + 900).is_ok());
    assert!(at_time(1_796_610_963 - 900).is_ok());
    assert!(at_time(1_796_610_963 + 901).expect_err("late").contains("901 s from now"));
    let stranger = ObsVerifier::new(PUBLIC_HOST, "OTHER", "x");
    let refused = stranger.verify(&Received { method: "GET", host: &host, target: "/a%20b/c%2Bd~e.txt?acl", headers: &headers }, 0);
    assert!(refused.expect_err("another key").contains("access key"));
}

/// Credentials from the metadata service (temporary, with a token) sign OBS requests with
/// the OBS scheme when the endpoint carries it: a fake OBS on 127.0.0.1 checks each with
/// the independent verifier, for bytes and for a stream that is never read for signing.
#[tokio::test]
async fn credential_providers_sign_obs_requests_through_the_client() {
    let obs = Server::start(|request, _| {
        let host = request.header("host").unwrap_or_default().to_owned();
        let endpoint_host = host.clone();
        let verifier =
            ObsVerifier::new(&endpoint_host, "AK1", "secret-of-AK1").with_security_token("token-of-AK1").with_max_skew(900);
        let received = Received { method: &request.method, host: &host, target: &request.target, headers: &request.headers };
        let now = std::time::SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
        match verifier.verify(&received, now) {
            Ok(_) => Reply::status(200),
            Err(why) => Reply::text(403, why),
        }
    })
    .await;
    let metadata = Server::start(|request, _| match (request.method.as_str(), request.path()) {
        ("PUT", "/meta-data/latest/api/token") => Reply::text(200, "session"),
        ("GET", "/openstack/latest/securitykey") => Reply::json(200, security_key("AK1", &expires_in(3600.0))),
        _ => Reply::status(404),
    })
    .await;
    let provider = MetadataProvider::with_base_url(&metadata.url()).expect("address");
    let config = ClientConfig::builder(Credentials::provider(provider)).build().expect("config");
    let endpoint = Endpoint::new(&obs.url()).expect("url").with_request_extension(Signature::Obs);
    let client = Client::new(&config, endpoint.clone());

    let put = RequestBuilder::new(http::Method::PUT, &endpoint)
        .bucket("my-bucket")
        .literal("/")
        .object_key("object_key", "dir/a b.txt")
        .header("x-obs-meta-note", " hi ")
        .bytes("text/plain", b"hello");
    let response = client.execute(put.build().expect("built"), true).await.expect("answered");
    assert_eq!(response.status(), 200, "{}", String::from_utf8_lossy(response.body()));
    let chunks = vec![Ok(bytes::Bytes::from_static(b"streamed"))];
    let stream = Body::from_stream(StreamOf(chunks.into_iter()), Some(8));
    let upload = RequestBuilder::new(http::Method::PUT, &endpoint)
        .bucket("my-bucket")
        .literal("/")
        .object_key("object_key", "s")
        .query("partNumber", "1")
        .query("uploadId", "u1")
        .upload("application/octet-stream", &stream);
    let response = client.execute_body(upload.build_body().expect("built"), true, false).await.expect("answered");
    assert_eq!(response.status(), 200);

    // Presigned URLs from the same credentials, sent by a plain HTTP client.
    let get = RequestBuilder::new(http::Method::GET, &endpoint).bucket("my-bucket").literal("/").object_key("object_key", "dir/a b.txt");
    let url = config.credentials().presign(&get.build().expect("built"), Duration::from_secs(60)).await.expect("presigned");
    let plain = reqwest::Client::new();
    let answer = plain.get(url.url()).send().await.expect("sent");
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap_or_default());
    let put = RequestBuilder::new(http::Method::PUT, &endpoint)
        .bucket("my-bucket")
        .literal("/")
        .object_key("object_key", "up")
        .bytes("text/plain", b"");
    let url = config.credentials().presign(&put.build().expect("built"), Duration::from_secs(60)).await.expect("presigned");
    let answer = plain.put(url.url()).header("content-type", "text/plain").body("any body").send().await.expect("sent");
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap_or_default());
    let answer = plain.put(url.url()).header("content-type", "text/html").body("x").send().await.expect("sent");
    assert_eq!(answer.status(), 403, "another Content-Type than signed");
    let unmarked = Endpoint::new(&obs.url()).expect("url");
    let sdk = RequestBuilder::new(http::Method::GET, &unmarked).bucket("my-bucket").literal("/").build().expect("built");
    let refused = config.credentials().presign(&sdk, Duration::from_secs(60)).await.expect_err("not OBS");
    assert!(refused.to_string().contains("only OBS requests"), "{refused}");
    let token = Credentials::token("MIIT-token");
    let refused = token.presign(&http::Request::get(obs.url()).body(()).expect("request"), Duration::from_secs(60)).await;
    assert!(refused.expect_err("no query authentication").to_string().contains("cannot presign"));

    let seen = obs.requests();
    assert_eq!(seen.len(), 5);
    assert!(seen[2].target.starts_with("/my-bucket/dir/a%20b.txt?AccessKeyId=AK1&Expires="), "{}", seen[2].target);
    assert!(seen[2].target.contains("&x-obs-security-token=token-of-AK1"), "{}", seen[2].target);
    assert_eq!(seen[0].target, "/my-bucket/dir/a%20b.txt");
    assert!(seen[0].header("authorization").is_some_and(|a| a.starts_with("OBS AK1:")));
    assert_eq!(seen[0].header("content-md5"), Some("XUFAKrxLKna5cZ2REBfFkg=="));
    assert_eq!(seen[0].header("x-obs-security-token"), Some("token-of-AK1"));
    assert_eq!(seen[1].body, b"streamed");
    assert_eq!(seen[1].header("content-md5"), None, "a stream is not read before it is sent");
    assert_eq!(seen[1].header("x-sdk-content-sha256"), None);
}

/// A stream of the given chunks.
struct StreamOf<I>(I);

impl<I: Iterator<Item = Result<bytes::Bytes, std::io::Error>> + Unpin> futures_core::Stream for StreamOf<I> {
    type Item = Result<bytes::Bytes, std::io::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}
