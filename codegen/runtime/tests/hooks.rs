//! Interceptors against local fake servers: headers added before signing arrive signed,
//! every attempt and endpoint is seen in order, and nothing an interceptor is handed shows
//! a credential by accident.

mod support;

use codegen_runtime::huawei::AkSk;
use codegen_runtime::{
    BodyKind, Client, ClientConfig, ClientConfigBuilder, Credentials, Endpoint, Error, Interceptor, RequestContext,
    ResponseContext, RetryPolicy, TransportErrorContext,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use support::{Get, Reply, Server};

fn builder(credentials: Credentials) -> ClientConfigBuilder {
    let retries = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        retry_non_idempotent: false,
    };
    ClientConfig::builder(credentials).retry(retries).without_proxy()
}

fn endpoint(url: &str) -> Endpoint {
    Endpoint::new(url).expect("endpoint").with_project_id("p1")
}

/// Adds `x-tenant-tag` before signing.
struct Tag;

impl Interceptor for Tag {
    fn modify_before_signing(&self, request: &mut RequestContext<'_>) -> Result<(), Error> {
        request.insert_header("X-Tenant-Tag", "blue")
    }
}

#[tokio::test]
async fn a_header_added_before_signing_arrives_signed() {
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let signer = AkSk::new("AK", "SK");
    let config = builder(Credentials::signer(signer.clone())).interceptor(Tag).build().expect("config");
    let client = Client::new(&config, endpoint(&server.url()));
    assert_eq!(client.send(&Get("/v2/p1/x")).await.expect("answered"), 200);
    let received = &server.requests()[0];
    assert_eq!(received.header("x-tenant-tag"), Some("blue"));
    let authorization = received.header("authorization").expect("signed");
    let signed = authorization.split("SignedHeaders=").nth(1).and_then(|s| s.split(',').next()).expect("signed headers");
    assert!(signed.split(';').any(|name| name == "x-tenant-tag"), "{authorization}");
    // Signing again what arrived (the signed headers only) gives the same signature.
    let mut again = http::Request::get(format!("{}{}", server.url(), received.target)).body(Vec::new()).expect("request");
    for name in signed.split(';') {
        let value = received.header(name).expect("a signed header arrived");
        again.headers_mut().insert(http::HeaderName::from_bytes(name.as_bytes()).expect("name"), value.parse().expect("value"));
    }
    signer.sign(&mut again, SystemTime::now()).expect("signed");
    assert_eq!(again.headers()["authorization"], authorization);
}

/// Records what each hook sees, as text, under a name.
struct Recorder {
    name: &'static str,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn push(&self, event: String) {
        self.seen.lock().expect("seen").push(format!("{} {event}", self.name));
    }
}

impl Interceptor for Recorder {
    fn before_send(&self, request: &RequestContext<'_>) {
        let port = request.uri().port_u16().unwrap_or(0);
        self.push(format!("send {} #{} :{port} {:?}", request.operation_id(), request.attempt(), request.body_kind()));
    }

    fn after_response(&self, response: &ResponseContext<'_>) {
        let id = response.request_id().unwrap_or("-");
        self.push(format!("answer {} #{} {} {id}", response.operation_id(), response.attempt(), response.status().as_u16()));
    }

    fn on_transport_error(&self, failure: &TransportErrorContext<'_>) {
        let port = failure.uri().port_u16().unwrap_or(0);
        self.push(format!("failed #{} :{port} sent={}", failure.attempt(), failure.sent()));
    }
}

#[tokio::test]
async fn interceptors_see_each_attempt_in_order() {
    let server = Server::start(|_, index| {
        let reply = Reply::json(if index == 0 { 503 } else { 200 }, "{}");
        reply.header("x-request-id", &format!("r{index}"))
    })
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let config = builder(Credentials::none())
        .interceptor(Recorder { name: "a", seen: seen.clone() })
        .interceptor(Recorder { name: "b", seen: seen.clone() })
        .build()
        .expect("config");
    let client = Client::new(&config, endpoint(&server.url()));
    assert_eq!(client.send(&Get("/x")).await.expect("answered"), 200);
    let port = server.addr().port();
    let expected = [
        format!("a send Get #1 :{port} Bytes"),
        format!("b send Get #1 :{port} Bytes"),
        "a answer Get #1 503 r0".to_owned(),
        "b answer Get #1 503 r0".to_owned(),
        format!("a send Get #2 :{port} Bytes"),
        format!("b send Get #2 :{port} Bytes"),
        "a answer Get #2 200 r1".to_owned(),
        "b answer Get #2 200 r1".to_owned(),
    ];
    assert_eq!(*seen.lock().expect("seen"), expected);
}

#[tokio::test]
async fn a_failed_connection_and_the_failover_are_seen() {
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let closed = support::closed_port().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let config = builder(Credentials::none())
        .retry(RetryPolicy::none())
        .interceptor(Recorder { name: "a", seen: seen.clone() })
        .build()
        .expect("config");
    let endpoints = [endpoint(&format!("http://{closed}")), endpoint(&server.url())];
    let client = Client::with_endpoints(&config, endpoints).expect("client");
    let request = http::Request::get(format!("http://{closed}/x")).body(Vec::new()).expect("request");
    assert_eq!(client.execute(request, true).await.expect("answered").status(), 200);
    let (closed, open) = (closed.port(), server.addr().port());
    let expected = [
        format!("a send  #1 :{closed} Bytes"),
        format!("a failed #1 :{closed} sent=false"),
        format!("a send  #1 :{open} Bytes"),
        "a answer  #1 200 -".to_owned(),
    ];
    assert_eq!(*seen.lock().expect("seen"), expected);
}

/// Keeps the `Debug` of every context it is handed, and what `headers()` reads; transport
/// errors apart.
#[derive(Default)]
struct Snoop {
    shown: Arc<Mutex<Vec<String>>>,
    errors: Arc<Mutex<Vec<String>>>,
}

impl Interceptor for Snoop {
    fn modify_before_signing(&self, request: &mut RequestContext<'_>) -> Result<(), Error> {
        self.shown.lock().expect("shown").push(format!("{request:?}"));
        Ok(())
    }

    fn before_send(&self, request: &RequestContext<'_>) {
        let shown = request.headers().iter().map(|(n, v)| format!("{n}={v:?}")).collect::<Vec<_>>().join(" ");
        assert!(request.headers_unredacted().contains_key("authorization"), "the raw headers are there");
        self.shown.lock().expect("shown").push(format!("{request:?} {request:#?} {shown}"));
    }

    fn after_response(&self, response: &ResponseContext<'_>) {
        let token = response.headers().get("x-subject-token").expect("present");
        self.shown.lock().expect("shown").push(format!("{response:?} {response:#?} {token:?}"));
    }

    fn on_transport_error(&self, failure: &TransportErrorContext<'_>) {
        self.errors.lock().expect("errors").push(format!("{failure:?} {failure:#?}"));
    }
}

#[tokio::test]
async fn what_interceptors_are_handed_shows_no_secret() {
    let server = Server::start(|_, _| {
        Reply::json(201, "{}")
            .header("x-subject-token", "subject-t0ken")
            .header("set-cookie", "session=s3t-c00kie")
    })
    .await;
    let closed = support::closed_port().await;
    let snoop = Snoop::default();
    let (shown, errors) = (snoop.shown.clone(), snoop.errors.clone());
    let signer = AkSk::new("AK", "S3CRET-KEY").with_security_token("security-t0ken");
    let config = builder(Credentials::signer(signer))
        .interceptor(snoop)
        .build()
        .expect("config");
    let endpoints = [endpoint(&format!("http://{closed}")), endpoint(&server.url())];
    let client = Client::with_endpoints(&config, endpoints).expect("client");
    let request = http::Request::post(format!("http://{closed}/v3/auth?token=query-t0ken"))
        .header("cookie", "session=req-c00kie")
        .body(b"{\"password\":\"hunter2\"}".to_vec())
        .expect("request");
    assert_eq!(client.execute(request, false).await.expect("answered").status(), 201);
    let received = &server.requests()[0];
    let authorization = received.header("authorization").expect("signed");
    let signature = authorization.split("Signature=").nth(1).expect("signature");
    assert_eq!(received.header("x-security-token"), Some("security-t0ken"));
    let shown = shown.lock().expect("shown").join("\n");
    let errors = errors.lock().expect("errors").join("\n");
    let secrets = [signature, "S3CRET-KEY", "security-t0ken", "req-c00kie", "s3t-c00kie", "subject-t0ken", "hunter2"];
    for secret in secrets.iter().chain(&["query-t0ken"]) {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    for kept in ["<redacted>", "Body(<22 bytes>)", "status: 201", "/v3/auth?token=<redacted>"] {
        assert!(shown.contains(kept), "{kept} in {shown}");
    }
    // The error is shown as `Error`'s `Debug` shows it: the URL as sent, no header.
    for secret in secrets {
        assert!(!errors.contains(secret), "{secret} in {errors}");
    }
    assert!(errors.contains("sent: false"), "{errors}");
}

/// Refuses every request.
struct Refuse;

impl Interceptor for Refuse {
    fn modify_before_signing(&self, request: &mut RequestContext<'_>) -> Result<(), Error> {
        assert_eq!((request.body_kind(), request.body_length()), (BodyKind::Bytes, Some(0)));
        Err(Error::InvalidRequest("refused by a test double".to_owned()))
    }
}

#[tokio::test]
async fn an_interceptor_error_ends_the_attempt_before_sending() {
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let config = builder(Credentials::none()).interceptor(Refuse).build().expect("config");
    let client = Client::new(&config, endpoint(&server.url()));
    let result = client.send(&Get("/x")).await;
    assert!(matches!(&result, Err(Error::InvalidRequest(m)) if m.contains("test double")), "{result:?}");
    assert_eq!(server.count(), 0);
    assert!(format!("{config:?}").contains("interceptors: 1"));
}
