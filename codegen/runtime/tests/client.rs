//! The client against local fake servers: which failures are retried for which methods,
//! proxies from the environment or from settings, the read timeout, root certificates,
//! endpoint failover.

mod support;

use codegen_runtime::auth::Signer;
use codegen_runtime::{Client, ClientConfig, ClientConfigBuilder, Credentials, Endpoint, Env, Error, RetryPolicy};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};
use support::{Get, Reply, Server};

/// Counts signatures: one per attempt, including attempts that never reach a server.
#[derive(Debug, Default)]
struct CountingSigner(AtomicUsize);

impl Signer for CountingSigner {
    fn sign(&self, _request: &mut http::Request<codegen_runtime::Body>, _time: SystemTime) -> Result<(), Error> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        retry_non_idempotent: false,
    }
}

fn builder() -> ClientConfigBuilder {
    builder_with(Credentials::none())
}

fn builder_with(credentials: Credentials) -> ClientConfigBuilder {
    ClientConfig::builder(credentials)
        .retry(quick_retries())
        .without_proxy()
}

fn request(method: http::Method, url: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .body(b"{}".to_vec())
        .expect("request")
}

#[tokio::test]
async fn a_post_is_retried_after_429() {
    let server = Server::start(|_, index| {
        if index == 0 { Reply::status(429).header("retry-after", "0") } else { Reply::json(201, "{}") }
    })
    .await;
    let config = builder().build().expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    let response = client
        .execute(request(http::Method::POST, &format!("{}/v2/functions", server.url())), false)
        .await
        .expect("answered");
    assert_eq!(response.status(), 201);
    assert_eq!(server.count(), 2);
    assert!(server.requests().iter().all(|r| r.method == "POST" && r.body == b"{}"));
}

#[tokio::test]
async fn a_post_is_retried_when_the_connection_is_refused() {
    let closed = support::closed_port().await;
    let signer = Arc::new(CountingSigner::default());
    let config = builder_with(Credentials::shared(signer.clone())).build().expect("config");
    let client = Client::new(&config, Endpoint::new(&format!("http://{closed}")).expect("endpoint"));
    let result = client
        .execute(request(http::Method::POST, &format!("http://{closed}/x")), false)
        .await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
    assert_eq!(signer.0.load(Ordering::SeqCst), 3, "the first attempt and two retries");
}

#[tokio::test]
async fn a_post_is_not_retried_after_500_or_503_but_a_get_is_after_503() {
    let server = Server::start(|r, _| Reply::status(if r.path() == "/500" { 500 } else { 503 })).await;
    let config = builder().build().expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    for path in ["/500", "/503"] {
        let response = client
            .execute(request(http::Method::POST, &format!("{}{path}", server.url())), false)
            .await
            .expect("answered");
        assert_ne!(response.status(), 200);
    }
    assert_eq!(server.count(), 2, "one attempt each");
    let response = client
        .execute(request(http::Method::GET, &format!("{}/503", server.url())), true)
        .await
        .expect("answered");
    assert_eq!(response.status(), 503);
    assert_eq!(server.count(), 5, "a GET is tried three times");
    let get_500 = client.execute(request(http::Method::GET, &format!("{}/500", server.url())), true).await;
    assert_eq!(get_500.expect("answered").status(), 500);
    assert_eq!(server.count(), 6, "500 is never retried");
}

#[tokio::test]
async fn a_silent_server_ends_in_the_read_timeout() {
    let server = Server::start(|_, _| Reply::status(200).after(Duration::from_secs(5))).await;
    let config = builder()
        .retry(RetryPolicy::none())
        .read_timeout(Duration::from_millis(200))
        .build()
        .expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    let started = std::time::Instant::now();
    let result = client.execute(request(http::Method::GET, &format!("{}/slow", server.url())), true).await;
    assert!(matches!(result, Err(Error::Timeout(limit)) if limit == Duration::from_millis(200)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn http_proxy_from_the_environment_and_no_proxy() {
    let proxy = Server::start(|_, _| Reply::text(200, "via proxy")).await;
    let env = Env::from_pairs([("HTTP_PROXY", proxy.url()), ("NO_PROXY", "other.invalid".to_owned())]);
    let config = builder().proxy_from_env(env).retry(RetryPolicy::none()).build().expect("config");
    // A host nobody resolves: only the proxy can answer, and no name is looked up.
    let target = "http://gateway.invalid";
    let client = Client::new(&config, Endpoint::new_insecure(target).expect("endpoint"));
    let response = client
        .execute(request(http::Method::GET, &format!("{target}/p?q=1")), true)
        .await
        .expect("answered by the proxy");
    assert_eq!(response.body(), b"via proxy");
    assert_eq!(proxy.requests()[0].target, "http://gateway.invalid/p?q=1");
}

#[tokio::test]
async fn loopback_endpoints_are_never_proxied() {
    // Plain http is allowed to this machine because the traffic stays on it; a proxy
    // would carry the signature and token elsewhere unencrypted.
    let proxy = Server::start(|_, _| Reply::text(200, "via proxy")).await;
    let server = Server::start(|_, _| Reply::text(200, "direct")).await;
    let from_env = Env::from_pairs([
        ("HTTP_PROXY", proxy.url()),
        ("HTTPS_PROXY", proxy.url()),
        ("ALL_PROXY", proxy.url()),
    ]);
    let configs = [
        builder().proxy_from_env(from_env),
        builder().proxy(&proxy.url()),
        builder().proxy(&proxy.url()).no_proxy("example.com"),
    ];
    for config in configs {
        let config = config.retry(RetryPolicy::none()).build().expect("config");
        for host in ["127.0.0.1", "localhost"] {
            let base = format!("http://{host}:{}", server.addr().port());
            let client = Client::new(&config, Endpoint::new(&base).expect("endpoint"));
            let response = client
                .execute(request(http::Method::GET, &format!("{base}/x")), true)
                .await
                .expect("answered");
            assert_eq!(response.body(), b"direct", "{host}");
        }
    }
    assert_eq!(proxy.count(), 0, "the proxy saw nothing");
    assert_eq!(server.count(), 6);
    assert!(server.requests().iter().all(|r| r.target == "/x"));
}

#[tokio::test]
async fn execute_refuses_other_origins_before_signing() {
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let other = Server::start(|_, _| Reply::json(200, "{}")).await;
    let signer = Arc::new(CountingSigner::default());
    let config = builder_with(Credentials::shared(signer.clone())).build().expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    let port = server.addr().port();
    for url in [
        other.url() + "/x",
        format!("http://localhost:{port}/x"),
        format!("https://127.0.0.1:{port}/x"),
        "https://other.example/x".to_owned(),
    ] {
        let result = client.execute(request(http::Method::GET, &url), true).await;
        match result {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("endpoint"), "{message}"),
            other => panic!("{url}: {other:?}"),
        }
    }
    assert_eq!(other.count(), 0, "the other port saw nothing");
    assert_eq!(signer.0.load(Ordering::SeqCst), 0, "nothing was signed");
    client.execute(request(http::Method::GET, &format!("{}/x", server.url())), true).await.expect("same origin");
    assert_eq!(signer.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn oversized_answers_are_refused_whether_announced_or_not() {
    let big = vec![b'x'; 4096];
    let server = Server::start(move |request, _| {
        let reply = Reply::json(200, String::from_utf8(big.clone()).expect("ascii")).header("x-request-id", "r-big");
        if request.path() == "/chunked" { reply.chunked() } else { reply }
    })
    .await;
    let config = builder().max_response_body(1024).build().expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    for path in ["/announced", "/chunked"] {
        let result = client.execute(request(http::Method::GET, &format!("{}{path}", server.url())), true).await;
        match result {
            Err(Error::ResponseTooLarge { status: 200, limit: 1024, request_id }) => {
                assert_eq!(request_id.as_deref(), Some("r-big"));
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    assert_eq!(server.count(), 2, "not retried");
    let roomy = builder().max_response_body(4096).build().expect("config");
    let client = Client::new(&roomy, Endpoint::new(&server.url()).expect("endpoint"));
    for path in ["/announced", "/chunked"] {
        let response = client
            .execute(request(http::Method::GET, &format!("{}{path}", server.url())), true)
            .await
            .expect("exactly at the limit");
        assert_eq!(response.body().len(), 4096);
    }
}

#[tokio::test]
async fn https_goes_through_an_explicit_proxy_with_connect() {
    let proxy = Server::start(|_, _| Reply::status(403)).await;
    let config = builder()
        .proxy(&format!("http://user:pass-word@{}", proxy.addr()))
        .retry(RetryPolicy::none())
        .build()
        .expect("config");
    assert!(!format!("{config:?}").contains("pass-word"));
    let target = "https://gateway.invalid";
    let result = Client::new(&config, Endpoint::new(target).expect("endpoint"))
        .execute(request(http::Method::GET, &format!("{target}/x")), true)
        .await;
    assert!(result.is_err());
    let seen = proxy.requests();
    assert_eq!(seen[0].method, "CONNECT");
    assert_eq!(seen[0].target, "gateway.invalid:443");
    assert!(seen[0].header("proxy-authorization").is_some());
}

#[test]
fn root_certificates_are_checked_when_building() {
    let config = builder().root_certificate_pem(support::TEST_ROOT_PEM).build();
    assert!(config.is_ok(), "{config:?}");
    let only_private = builder()
        .root_certificate_pem(support::TEST_ROOT_PEM.as_bytes().to_vec())
        .built_in_root_certificates(false)
        .build();
    assert!(only_private.is_ok());
    let garbage = builder().root_certificate_pem("not a certificate").build();
    assert!(matches!(garbage, Err(Error::InvalidRequest(m)) if m.contains("no certificate")));
}

#[tokio::test]
async fn a_private_root_certificate_is_trusted_when_added() {
    let server = Server::start_tls(|_, _| Reply::json(200, "{}")).await;
    let url = format!("https://127.0.0.1:{}", server.addr().port());
    let send = |config: ClientConfig| {
        let url = url.clone();
        async move {
            let client = Client::new(&config, Endpoint::new(&url).expect("endpoint"));
            client.execute(request(http::Method::GET, &format!("{url}/x")), true).await
        }
    };
    let unknown = send(builder().retry(RetryPolicy::none()).build().expect("config")).await;
    assert!(matches!(unknown, Err(Error::Transport(_))), "an unknown root is refused: {unknown:?}");
    let trusted = builder()
        .root_certificate_pem(support::TEST_ROOT_PEM)
        .built_in_root_certificates(false)
        .build()
        .expect("config");
    assert_eq!(send(trusted).await.expect("answered").status(), 200);
    assert_eq!(server.count(), 1, "only the trusted connection got through");
}

#[test]
fn an_unusable_proxy_is_an_error_without_its_password() {
    let result = builder().proxy("http://user:pass-word@[bad").build();
    match result {
        Err(Error::InvalidRequest(message)) => assert!(!message.contains("pass-word"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_request_with_its_own_authorization_goes_unsigned() {
    let server = Server::start(|_, _| Reply::json(201, "{}")).await;
    let signer = Arc::new(CountingSigner::default());
    let config = builder_with(Credentials::shared(signer.clone())).build().expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    let mut own = request(http::Method::POST, &format!("{}/v3/auth", server.url()));
    own.headers_mut().insert("authorization", http::HeaderValue::from_static("Bearer id-token"));
    client.execute(own, false).await.expect("answered");
    client.execute(request(http::Method::POST, &format!("{}/v3/other", server.url())), false).await.expect("answered");
    assert_eq!(signer.0.load(Ordering::SeqCst), 1, "only the request without Authorization is signed");
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer id-token"));
}

fn endpoints(urls: &[String]) -> Vec<Endpoint> {
    urls.iter().map(|url| Endpoint::new(url).expect("endpoint").with_project_id("p1")).collect()
}

#[tokio::test]
async fn a_refused_connection_fails_over_to_the_next_endpoint_at_once() {
    let server = Server::start(|_, _| Reply::json(201, "{}")).await;
    let closed = support::closed_urls(1).await.remove(0);
    let signer = Arc::new(CountingSigner::default());
    // No retries: moving to the next endpoint is part of the attempt, as in the SDK.
    let config = builder_with(Credentials::shared(signer.clone())).retry(RetryPolicy::none()).build().expect("config");
    let client = Client::with_endpoints(&config, endpoints(&[closed.clone(), server.url()])).expect("client");
    let clone = client.clone();
    assert_eq!(client.endpoint().base_url(), closed);
    // A POST too: nothing reached the closed port.
    let url = format!("{}/v2/p1/functions?x=1", client.endpoint().base_url());
    let response = client.execute(request(http::Method::POST, &url), false).await.expect("answered by the second");
    assert_eq!(response.status(), 201);
    assert_eq!(signer.0.load(Ordering::SeqCst), 2, "signed again for the second endpoint");
    assert_eq!(server.requests()[0].target, "/v2/p1/functions?x=1");
    // Every clone now starts at the endpoint that answered.
    assert_eq!(clone.endpoint().base_url(), server.url());
    assert_eq!(clone.send(&Get("/v2/p1/x")).await.expect("answered"), 201);
    assert_eq!(signer.0.load(Ordering::SeqCst), 3, "straight to the second");
    assert_eq!(server.count(), 2);
    assert_eq!(client.endpoints().len(), 2);
}

#[tokio::test]
async fn when_no_endpoint_can_be_reached_one_error_names_each() {
    let closed = support::closed_urls(2).await;
    let signer = Arc::new(CountingSigner::default());
    let config = builder_with(Credentials::shared(signer.clone())).build().expect("config");
    let client = Client::with_endpoints(&config, endpoints(&closed)).expect("client");
    let result = client.send(&Get("/x")).await;
    let Err(Error::Transport(error)) = result else { panic!("{result:?}") };
    let message = error.to_string();
    assert!(message.starts_with("no endpoint could be reached: "), "{message}");
    for url in &closed {
        assert!(message.contains(&format!("{url}: error sending request for url ({url}/x)")), "{url} in {message}");
    }
    assert!(message.to_lowercase().contains("refused"), "{message}");
    // Each attempt of the policy tries both endpoints: three attempts.
    assert_eq!(signer.0.load(Ordering::SeqCst), 6);
    assert_eq!(client.endpoint().base_url(), closed[0], "back to the best endpoint");
}

#[tokio::test]
async fn an_error_status_does_not_fail_over() {
    let failing = Server::start(|_, _| Reply::status(503)).await;
    let spare = Server::start(|_, _| Reply::json(200, "{}")).await;
    let config = builder().build().expect("config");
    let client = Client::with_endpoints(&config, endpoints(&[failing.url(), spare.url()])).expect("client");
    assert_eq!(client.send(&Get("/x")).await.expect("answered"), 503);
    assert_eq!(failing.count(), 3, "retried where it answered");
    assert_eq!(spare.count(), 0);
    assert_eq!(client.endpoint().base_url(), failing.url());
}

#[tokio::test]
async fn a_failed_tls_handshake_fails_over() {
    // A certificate signed by a root the client does not trust.
    let untrusted = Server::start_tls(|_, _| Reply::json(200, "{}")).await;
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let tls = format!("https://127.0.0.1:{}", untrusted.addr().port());
    let config = builder().retry(RetryPolicy::none()).build().expect("config");
    let client = Client::with_endpoints(&config, endpoints(&[tls, server.url()])).expect("client");
    assert_eq!(client.send(&Get("/x")).await.expect("answered"), 200);
    assert_eq!((untrusted.count(), server.count()), (0, 1));
}

#[tokio::test]
async fn a_stream_is_not_sent_to_another_endpoint() {
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let closed = support::closed_urls(1).await.remove(0);
    let config = builder().build().expect("config");
    let client = Client::with_endpoints(&config, endpoints(&[closed.clone(), server.url()])).expect("client");
    let chunks = [Ok(bytes::Bytes::from_static(b"{}"))];
    let body = codegen_runtime::Body::from_stream(Stream(chunks.into_iter()), Some(2));
    let upload = http::Request::put(format!("{closed}/x")).body(body).expect("request");
    let result = client.execute_body(upload, true, false).await;
    let message = result.expect_err("the stream was taken").to_string();
    assert!(message.contains("not retried: the request body is a stream"), "{message}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn fallbacks_are_accepted_origins_and_others_are_not() {
    let first = Server::start(|_, _| Reply::json(200, "{}")).await;
    let second = Server::start(|_, _| Reply::json(200, "{}")).await;
    let other = Server::start(|_, _| Reply::json(200, "{}")).await;
    let config = builder().build().expect("config");
    let client = Client::with_endpoints(&config, endpoints(&[first.url(), second.url()])).expect("client");
    // A request for the second endpoint is sent to the one in use (the first).
    client.execute(request(http::Method::GET, &format!("{}/y", second.url())), true).await.expect("answered");
    assert_eq!((first.count(), second.count()), (1, 0));
    let refused = client.execute(request(http::Method::GET, &format!("{}/y", other.url())), true).await;
    assert!(matches!(refused, Err(Error::InvalidRequest(_))), "{refused:?}");
    assert_eq!(other.count(), 0);
}

/// An iterator as a stream.
struct Stream<I>(I);

impl<I: Iterator<Item = std::io::Result<bytes::Bytes>> + Unpin> futures_core::Stream for Stream<I> {
    type Item = std::io::Result<bytes::Bytes>;
    fn poll_next(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}
