//! The metadata service provider against a fake service on 127.0.0.1: session tokens,
//! refreshes under concurrent requests, and answers that are not credentials.

mod support;

use codegen_runtime::huawei::MetadataProvider;
use codegen_runtime::{Client, ClientConfig, Credentials, CredentialsProvider, Endpoint, Error, RetryPolicy};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{Reply, Server, expires_in, security_key};

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const KEY_PATH: &str = "/openstack/latest/securitykey";

fn provider(server: &Server) -> MetadataProvider {
    MetadataProvider::with_base_url(&server.url()).expect("address")
}

/// Which access key a signer holds (its `Debug` shows the key id, not the secrets).
fn access_key(signer: &dyn std::fmt::Debug) -> String {
    let shown = format!("{signer:?}");
    assert!(!shown.contains("secret-of") && !shown.contains("token-of"), "{shown}");
    let after = &shown[shown.find("access_key: ").expect("access key")..];
    after.split('"').nth(1).expect("quoted").to_owned()
}

fn count(server: &Server, method: &str, path: &str) -> usize {
    server.requests().iter().filter(|r| r.method == method && r.path() == path).count()
}

#[tokio::test]
async fn with_a_session_token() {
    let server = Server::start(|r, _| match (r.method.as_str(), r.path()) {
        ("PUT", TOKEN_PATH) => Reply::text(200, "session-token-1"),
        ("GET", KEY_PATH) if r.header("x-metadata-token") == Some("session-token-1") => {
            Reply::json(200, security_key("AK1", &expires_in(3600.0)))
        }
        _ => Reply::status(401),
    })
    .await;
    let provider = provider(&server);
    let signer = provider.signer().await.expect("credentials");
    assert_eq!(access_key(&signer), "AK1");
    let put = &server.requests()[0];
    assert_eq!(put.header("x-metadata-token-ttl-seconds"), Some("21600"));
    // Fresh credentials are reused: no more requests.
    provider.signer().await.expect("credentials");
    assert!(provider.fresh_signer().is_some());
    assert_eq!(server.count(), 2);
    assert_eq!(access_key(&provider), "AK1");
}

#[tokio::test]
async fn without_a_session_token_when_the_call_is_refused() {
    for refusal in [404, 405] {
        let server = Server::start(move |r, _| match (r.method.as_str(), r.path()) {
            ("PUT", TOKEN_PATH) => Reply::status(refusal),
            ("GET", KEY_PATH) => Reply::json(200, security_key("AK2", &expires_in(3600.0))),
            _ => Reply::status(500),
        })
        .await;
        let signer = provider(&server).signer().await.expect("credentials");
        assert_eq!(access_key(&signer), "AK2");
        let get = server.requests().into_iter().find(|r| r.method == "GET").expect("asked");
        assert_eq!(get.header("x-metadata-token"), None, "{refusal}");
    }
}

#[tokio::test]
async fn a_rejected_session_token_is_replaced_once() {
    let tokens = Arc::new(AtomicUsize::new(0));
    let issued = Arc::clone(&tokens);
    let server = Server::start(move |r, _| match (r.method.as_str(), r.path()) {
        ("PUT", TOKEN_PATH) => Reply::text(200, format!("t{}", issued.fetch_add(1, Ordering::SeqCst))),
        ("GET", KEY_PATH) if r.header("x-metadata-token") == Some("t1") => {
            Reply::json(200, security_key("AK3", &expires_in(3600.0)))
        }
        _ => Reply::text(401, "token expired"),
    })
    .await;
    let signer = provider(&server).signer().await.expect("credentials");
    assert_eq!(access_key(&signer), "AK3");
    assert_eq!((count(&server, "PUT", TOKEN_PATH), count(&server, "GET", KEY_PATH)), (2, 2));
}

#[tokio::test]
async fn expired_credentials_are_fetched_once_for_50_waiting_requests() {
    let keys = Arc::new(AtomicUsize::new(0));
    let served = Arc::clone(&keys);
    let server = Server::start(move |r, _| match (r.method.as_str(), r.path()) {
        ("PUT", TOKEN_PATH) => Reply::text(200, "tok"),
        ("GET", KEY_PATH) => match served.fetch_add(1, Ordering::SeqCst) {
            // Lasts 3 s: refreshed early from 1.5 s on, waited for from 2.25 s on.
            0 => Reply::json(200, security_key("OLD", &expires_in(3.0))),
            _ => Reply::json(200, security_key("NEW", &expires_in(3600.0))).after(Duration::from_millis(300)),
        },
        _ => Reply::status(404),
    })
    .await;
    let provider = provider(&server);
    assert_eq!(access_key(&provider.signer().await.expect("first")), "OLD");
    tokio::time::sleep(Duration::from_millis(2600)).await;
    assert!(provider.fresh_signer().is_none(), "expired");
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { provider.signer().await.map(|s| access_key(&s)) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("task").expect("credentials"), "NEW");
    }
    assert_eq!(count(&server, "GET", KEY_PATH), 2, "exactly one refresh");
    assert_eq!(count(&server, "PUT", TOKEN_PATH), 1, "the session token is kept");
}

#[tokio::test]
async fn a_due_refresh_happens_in_the_background_once() {
    let keys = Arc::new(AtomicUsize::new(0));
    let served = Arc::clone(&keys);
    let server = Server::start(move |r, _| match (r.method.as_str(), r.path()) {
        ("PUT", TOKEN_PATH) => Reply::status(404),
        ("GET", KEY_PATH) => match served.fetch_add(1, Ordering::SeqCst) {
            // Lasts 8 s: refreshed early from 4 s on, waited for from 6 s on.
            0 => Reply::json(200, security_key("OLD", &expires_in(8.0))),
            _ => Reply::json(200, security_key("NEW", &expires_in(3600.0))).after(Duration::from_millis(500)),
        },
        _ => Reply::status(404),
    })
    .await;
    let provider = provider(&server);
    provider.signer().await.expect("first");
    tokio::time::sleep(Duration::from_millis(4300)).await;
    assert!(provider.fresh_signer().is_none(), "due");
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let key = provider.signer().await.map(|s| access_key(&s)).expect("credentials");
                (key, started.elapsed())
            })
        })
        .collect();
    for task in tasks {
        let (key, waited) = task.await.expect("task");
        assert_eq!(key, "OLD", "signed with the credentials held");
        assert!(waited < Duration::from_millis(400), "no request waits for the refresh: {waited:?}");
    }
    let started = Instant::now();
    let refreshed = loop {
        if let Some(signer) = provider.fresh_signer() {
            break signer;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "refreshed in the background");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(access_key(&refreshed), "NEW");
    assert_eq!(count(&server, "GET", KEY_PATH), 2, "exactly one refresh");
}

#[tokio::test]
async fn malformed_or_failed_answers_are_clear_errors() {
    for (reply, expected) in [
        (Reply::text(200, "<html>oops</html>"), "not JSON"),
        (Reply::json(200, r#"{"credential":{"access":"A"}}"#), "`credential.secret` is missing"),
        (Reply::json(200, r#"{"credential":{"access":"A","secret":"S","expires_at":"tomorrow"}}"#), "not a date-time"),
        (Reply::text(500, "internal error"), "answered 500"),
        (Reply::text(401, "Please configure Cloud Service Agency first"), "no agency"),
        (Reply::json(200, security_key("AK", "2001-01-01T00:00:00.000000Z")), "expired at 2001-01-01"),
    ] {
        let server = Server::start(move |r, _| {
            if r.path() == TOKEN_PATH { Reply::status(404) } else { reply.clone() }
        })
        .await;
        let error = provider(&server).signer().await.expect_err(expected);
        assert!(matches!(&error, Error::Credentials(m) if m.contains(expected)), "{error}");
    }
}

#[tokio::test]
async fn a_failure_is_not_remembered_for_later_requests() {
    let server = Server::start(|r, index| match r.path() {
        TOKEN_PATH => Reply::status(404),
        _ if index <= 1 => Reply::status(500),
        _ => Reply::json(200, security_key("AK4", &expires_in(3600.0))),
    })
    .await;
    let provider = provider(&server);
    assert!(provider.signer().await.is_err());
    assert_eq!(access_key(&provider.signer().await.expect("second try")), "AK4");
}

#[tokio::test]
async fn an_unreachable_service_is_a_credentials_error() {
    let closed = support::closed_port().await;
    let provider = MetadataProvider::with_base_url(&format!("http://{closed}")).expect("address");
    let error = provider.signer().await.expect_err("nothing listens");
    assert!(matches!(&error, Error::Credentials(m) if m.contains("cannot be reached")), "{error}");
}

#[tokio::test]
async fn the_client_signs_with_the_temporary_keys_and_their_token() {
    let metadata = Server::start(|r, _| match r.path() {
        TOKEN_PATH => Reply::status(404),
        _ => Reply::json(200, security_key("AK5", &expires_in(3600.0))),
    })
    .await;
    let service = Server::start(|_, _| Reply::json(200, "{}")).await;
    let config = ClientConfig::builder(Credentials::provider(provider(&metadata)))
        .retry(RetryPolicy::none())
        .without_proxy()
        .build()
        .expect("config");
    let request = http::Request::get(format!("{}/v1/things", service.url())).body(Vec::new()).expect("request");
    let client = Client::new(&config, Endpoint::new(&service.url()).expect("endpoint"));
    client.execute(request, true).await.expect("answered");
    let seen = &service.requests()[0];
    assert_eq!(seen.header("x-security-token"), Some("token-of-AK5"));
    let authorization = seen.header("authorization").expect("signed");
    assert!(authorization.starts_with("SDK-HMAC-SHA256 Access=AK5,"), "{authorization}");
    assert!(authorization.contains("x-security-token"), "the token is signed: {authorization}");
}
