//! The async client against a scripted HTTP/1.1 server on 127.0.0.1 (`support`): what
//! goes on the wire (method, path, query, headers, body, signature), how answers are
//! parsed, and how failures, timeouts and retries behave. Nothing leaves the loopback
//! interface.

mod support;

use std::time::{Duration, Instant, SystemTime};

use functiongraph::models::{CreateFunctionRequestBody, Runtime, UpdateFunctionConfigRequestBody};
use functiongraph::operations::{
    CreateFunctionRequest, CreateFunctionResponse, DeleteFunctionRequest, DeleteFunctionResponse,
    InvokeFunctionRequest, ListFunctionsRequest, ListFunctionsResponse, ShowFunctionConfigRequest,
    ShowFunctionConfigResponse, UpdateFunctionConfigRequest,
};
use functiongraph::{Client, ClientConfig, ClientConfigBuilder, Credentials, Endpoint, Error, RetryPolicy};
use functiongraph::huawei::AkSk;
use percent_encoding::percent_decode_str;
use support::aksk::{self, authorization, sdk_date, server_signature};
use support::{Recorded, Reply, Server, respond, with_header};
use tokio::net::TcpListener;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const URN: &str =
    "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:hello:latest";
const ENCODED_URN: &str = "urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Ahello%3Alatest";
const ACCESS_KEY: &str = "AKIDEXAMPLE0001";
const SECRET_KEY: &str = "sk-very-secret-0001";
const TOKEN: &str = "MIItoken-very-secret-0001";
const NOT_FOUND: &str = r#"{"error_code":"FSS.1051","error_msg":"Not found the function"}"#;
const EMPTY_LIST: &str = r#"{"functions":[],"next_marker":0}"#;
const CREATED: &str = include_str!("../fixtures/seeds/001-create-function-response-200.json");

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Retries with waits of at most a few milliseconds.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        retry_non_idempotent: false,
    }
}

/// The server's address as a FunctionGraph endpoint for `PROJECT`.
fn endpoint(server: &Server) -> Endpoint {
    Endpoint::new(&server.base_url())
        .expect("endpoint")
        .with_project_id(PROJECT)
}

fn client(server: &Server, credentials: Credentials) -> Client {
    let config = ClientConfig::builder(credentials)
        .timeout(Duration::from_secs(5))
        .retry(quick_retries());
    client_with(endpoint(server), config)
}

/// A client of `endpoint` with the configuration `builder` describes.
fn client_with(endpoint: Endpoint, builder: ClientConfigBuilder) -> Client {
    Client::new(&builder.build().expect("config"), endpoint)
}

fn create_body() -> CreateFunctionRequestBody {
    CreateFunctionRequestBody::builder()
        .func_name("hello")
        .handler("index.handler")
        .memory_size(128)
        .package("default")
        .runtime(Runtime::Python3_9)
        .timeout(3)
        .description("函数 \"hello\"")
        .build()
        .expect("every required value is set")
}

/// Checks an AK/SK request as the service would (see `support::aksk`).
fn verify_aksk(request: &Recorded) {
    aksk::verify(request, ACCESS_KEY, SECRET_KEY);
}

fn assert_decode_error(result: Result<impl std::fmt::Debug, Error>, status: u16, body: &str) {
    match result {
        Err(Error::Decode(error)) => {
            assert_eq!(error.status, status);
            assert_eq!(String::from_utf8_lossy(&error.body), body);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_success_body_without_a_required_property_names_it() {
    let body = r#"{"func_urn":"u","func_name":"f"}"#;
    let server = Server::start(vec![respond(200, body)]).await;
    let result = client(&server, Credentials::none())
        .show_function_config(ShowFunctionConfigRequest::new(URN))
        .await;
    match result {
        Err(Error::Decode(error)) => {
            assert_eq!(error.path, None, "the property is missing from the top-level object");
            assert_eq!(error.message, "missing field `code_size`");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// What goes on the wire
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn create_function_sends_method_path_headers_and_json_body() {
    let server = Server::start(vec![with_header(
        respond(200, CREATED),
        "X-Request-Id",
        "req-create",
    )])
    .await;
    let body = create_body();
    let response = client(&server, Credentials::token(TOKEN))
        .create_function(CreateFunctionRequest::new(body.clone()))
        .await
        .expect("a response");

    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, format!("/v2/{PROJECT}/fgs/functions"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("host"), Some(server.addr.to_string().as_str()));
    let agent = request.header("user-agent").expect("a User-Agent");
    assert!(agent.starts_with("codegen-runtime/"), "{agent}");
    let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(sent, serde_json::to_value(&body).expect("serializable"));
    assert_eq!(sent["func_name"], "hello");
    assert_eq!(sent["runtime"], "Python3.9");
    assert_eq!(sent["description"], "函数 \"hello\"");

    assert_eq!(response.request_id().as_deref(), Some("req-create"));
    let expected: serde_json::Value = serde_json::from_str(CREATED).expect("seed JSON");
    match response {
        CreateFunctionResponse::Ok { body, .. } => {
            assert_eq!(body.func_urn, expected["func_urn"].as_str().expect("func_urn"));
        }
        other => panic!("expected Ok, got {other:?}"),
    }
}

#[tokio::test]
async fn function_urn_reaches_the_server_as_one_segment() {
    let server = Server::start(vec![respond(204, "")]).await;
    let response = client(&server, Credentials::none())
        .delete_function(DeleteFunctionRequest::new(URN))
        .await
        .expect("a response");
    assert!(matches!(response, DeleteFunctionResponse::NoContent { .. }), "{response:?}");

    let request = server.only_request();
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.target, format!("/v2/{PROJECT}/fgs/functions/{ENCODED_URN}"));
    let segment = request.path().rsplit('/').next().expect("a last segment");
    assert_eq!(percent_decode_str(segment).decode_utf8().expect("UTF-8"), URN);
}

#[tokio::test]
async fn list_functions_sends_its_query() {
    let server = Server::start(vec![respond(200, EMPTY_LIST)]).await;
    let response = client(&server, Credentials::none())
        .list_functions(
            ListFunctionsRequest::new()
                .with_marker("40")
                .with_maxitems("20"),
        )
        .await
        .expect("a response");
    match response {
        ListFunctionsResponse::Ok { body, .. } => {
            assert!(body.functions.is_empty());
            assert_eq!(body.next_marker, 0);
        }
        other => panic!("expected Ok, got {other:?}"),
    }
    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), format!("/v2/{PROJECT}/fgs/functions"));
    assert_eq!(request.query(), Some("marker=40&maxitems=20"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn aksk_signatures_verify_on_the_server() {
    let server = Server::start(vec![respond(200, EMPTY_LIST), respond(404, NOT_FOUND)]).await;
    let client = client(&server, Credentials::aksk(ACCESS_KEY, SECRET_KEY));
    client
        .list_functions(
            ListFunctionsRequest::new()
                .with_maxitems("5")
                .with_marker("a b+c"),
        )
        .await
        .expect("a response");
    let update = UpdateFunctionConfigRequestBody::builder()
        .handler("index.handler")
        .memory_size(256)
        .runtime(Runtime::Python3_9)
        .timeout(10)
        .description("näme: ünïcode")
        .build()
        .expect("every required value is set");
    client
        .update_function_config(UpdateFunctionConfigRequest::new(URN, update))
        .await
        .expect("a response");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The query went out in its canonical form, sorted and percent-encoded.
    assert_eq!(requests[0].query(), Some("marker=a%20b%2Bc&maxitems=5"));
    assert_eq!(requests[1].method, "PUT");
    assert_eq!(
        requests[1].path(),
        format!("/v2/{PROJECT}/fgs/functions/{ENCODED_URN}/config")
    );
    for request in &requests {
        assert_eq!(request.header("x-auth-token"), None);
        verify_aksk(request);
    }
    // The check is real: another secret key gives another signature.
    assert_ne!(
        authorization(&requests[1]).signature,
        server_signature(&requests[1], "another-secret")
    );
}

#[tokio::test]
async fn temporary_credentials_send_the_security_token() {
    let server = Server::start(vec![respond(200, EMPTY_LIST)]).await;
    let signer = AkSk::new(ACCESS_KEY, SECRET_KEY).with_security_token("security-token-1");
    client(&server, Credentials::signer(signer))
        .list_functions(ListFunctionsRequest::new())
        .await
        .expect("a response");
    let request = server.only_request();
    assert_eq!(request.header("x-security-token"), Some("security-token-1"));
    verify_aksk(&request);
}

#[tokio::test]
async fn token_credentials_send_x_auth_token() {
    let server = Server::start(vec![respond(200, EMPTY_LIST)]).await;
    client(&server, Credentials::token(TOKEN))
        .list_functions(ListFunctionsRequest::new())
        .await
        .expect("a response");
    let request = server.only_request();
    assert_eq!(request.header("x-auth-token"), Some(TOKEN));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("x-sdk-date"), None);
}

#[tokio::test]
async fn header_with_a_line_break_is_refused_before_sending() {
    let server = Server::start(vec![]).await;
    let request = InvokeFunctionRequest::new(URN, serde_json::json!({}))
        .with_x_cff_log_type("tail\r\nX-Injected: yes");
    let result = client(&server, Credentials::token(TOKEN))
        .invoke_function(request)
        .await;
    assert!(matches!(result, Err(Error::InvalidRequest(_))), "{result:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = Server::start(vec![with_header(
        respond(302, ""),
        "Location",
        "http://127.0.0.1:9/elsewhere",
    )])
    .await;
    let response = client(&server, Credentials::token(TOKEN))
        .show_function_config(ShowFunctionConfigRequest::new(URN))
        .await
        .expect("a response");
    match response {
        ShowFunctionConfigResponse::Undocumented { status, .. } => assert_eq!(status, 302),
        other => panic!("expected Undocumented, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------
// How answers are parsed
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn documented_and_undocumented_statuses() {
    let server = Server::start(vec![
        respond(200, EMPTY_LIST),
        respond(204, ""),
        respond(400, r#"{"error_code":"FSS.0400","error_msg":"bad marker"}"#),
        respond(404, NOT_FOUND),
        respond(418, "short and stout"),
    ])
    .await;
    let client = client(&server, Credentials::none());

    let ok = client.list_functions(ListFunctionsRequest::new()).await.expect("200");
    assert!(matches!(ok, ListFunctionsResponse::Ok { .. }), "{ok:?}");
    let no_content = client
        .delete_function(DeleteFunctionRequest::new(URN))
        .await
        .expect("204");
    assert!(matches!(no_content, DeleteFunctionResponse::NoContent { .. }));
    match client
        .show_function_config(ShowFunctionConfigRequest::new(URN))
        .await
        .expect("400")
    {
        ShowFunctionConfigResponse::BadRequest(error) => {
            let body: functiongraph::models::ErrorResp = error.decode().expect("the documented body");
            assert_eq!(body.error_code.as_deref(), Some("FSS.0400"));
            assert_eq!(body.error_msg.as_deref(), Some("bad marker"));
            assert_eq!(error.code.as_deref(), Some("FSS.0400"));
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
    match client
        .show_function_config(ShowFunctionConfigRequest::new(URN))
        .await
        .expect("404")
    {
        ShowFunctionConfigResponse::NotFound(error) => {
            assert_eq!(error.code.as_deref(), Some("FSS.1051"));
            assert_eq!(error.body, NOT_FOUND.as_bytes());
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    match client
        .show_function_config(ShowFunctionConfigRequest::new(URN))
        .await
        .expect("418")
    {
        ShowFunctionConfigResponse::Undocumented { status, body, .. } => {
            assert_eq!(status, 418);
            assert_eq!(body, b"short and stout");
        }
        other => panic!("expected Undocumented, got {other:?}"),
    }
}

#[tokio::test]
async fn into_ok_of_a_404_is_an_api_error_with_the_request_id() {
    let server = Server::start(vec![with_header(
        respond(404, NOT_FOUND),
        "X-Request-Id",
        "7c0f5a0e-req",
    )])
    .await;
    let result = client(&server, Credentials::none())
        .show_function_config(ShowFunctionConfigRequest::new(URN))
        .await
        .and_then(|response| response.into_ok());
    match result {
        Err(Error::Api(api)) => {
            assert_eq!(api.status, 404);
            assert_eq!(api.code.as_deref(), Some("FSS.1051"));
            assert_eq!(api.message.as_deref(), Some("Not found the function"));
            assert_eq!(api.request_id.as_deref(), Some("7c0f5a0e-req"));
            let shown = Error::Api(api).to_string();
            assert!(shown.contains("7c0f5a0e-req"), "{shown}");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_the_body() {
    let server = Server::start(vec![respond(200, r#"{"functions": [}"#)]).await;
    let result = client(&server, Credentials::none())
        .list_functions(ListFunctionsRequest::new())
        .await;
    assert_decode_error(result, 200, r#"{"functions": [}"#);
}

#[tokio::test]
async fn documented_error_statuses_keep_any_body_and_the_request_id() {
    let html = "<html><body><h1>500 Internal Server Error</h1></body></html>";
    let html_reply = Reply::Respond {
        status: 500,
        headers: vec![
            ("Content-Type", "text/html".to_owned()),
            ("X-Request-Id", "req-html".to_owned()),
        ],
        body: html.as_bytes().to_vec(),
    };
    let server = Server::start(vec![
        html_reply,
        with_header(respond(404, ""), "X-Request-Id", "req-empty"),
        with_header(respond(404, r#"{"error_code": 404}"#), "X-Request-Id", "req-number"),
    ])
    .await;
    let client = client(&server, Credentials::none());
    let expected = [(500, html, "req-html", None), (404, "", "req-empty", None), (404, r#"{"error_code": 404}"#, "req-number", Some("404"))];
    for (status, body, request_id, code) in expected {
        let result = client
            .show_function_config(ShowFunctionConfigRequest::new(URN))
            .await
            .and_then(|response| response.into_ok());
        match result {
            Err(Error::Api(api)) => {
                assert_eq!(api.status, status);
                assert_eq!(api.body, body.as_bytes(), "the body exactly as received");
                assert_eq!(api.request_id.as_deref(), Some(request_id));
                assert_eq!(api.headers["x-request-id"], request_id);
                assert_eq!(api.code.as_deref(), code);
            }
            other => panic!("expected an API error for {status} {body:?}, got {other:?}"),
        }
    }
    assert_eq!(server.requests().len(), 3, "500 is not retried");
}

#[tokio::test]
async fn a_success_body_of_the_wrong_shape_names_the_field() {
    // Every required property present, `func_name` of the wrong type.
    let body = r#"{"func_urn":"u","func_name":7,"code_size":1,"code_type":"inline","cpu":300,"digest":"d","handler":"h","image_name":"i","last_modified":"2020-01-01T00:00:00Z","memory_size":128,"namespace":"n","package":"default","project_name":"p","runtime":"Python3.9","timeout":3,"version":"latest"}"#;
    let server = Server::start(vec![with_header(respond(200, body), "X-Request-Id", "req-shape")]).await;
    let result = client(&server, Credentials::none())
        .show_function_config(ShowFunctionConfigRequest::new(URN))
        .await;
    match result {
        Err(Error::Decode(error)) => {
            assert_eq!(error.status, 200);
            assert_eq!(error.path.as_deref(), Some("func_name"));
            assert!(error.message.starts_with("invalid type: integer `7`, expected a string"), "{}", error.message);
            assert_eq!(error.request_id.as_deref(), Some("req-shape"));
            assert_eq!(error.headers["x-request-id"], "req-shape");
            assert_eq!(error.body, body.as_bytes());
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Transport failures, timeouts, retries
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let endpoint = Endpoint::new(&format!("http://{addr}"))
        .expect("endpoint")
        .with_project_id(PROJECT);
    let client = client_with(
    endpoint,
    ClientConfig::builder(Credentials::none())
        .retry(quick_retries()),
);
    let result = client.list_functions(ListFunctionsRequest::new()).await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let server = Server::start(vec![Reply::Silence]).await;
    let client = client_with(
    endpoint(&server),
    ClientConfig::builder(Credentials::none())
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none()),
);
    let started = Instant::now();
    let result = client.list_functions(ListFunctionsRequest::new()).await;
    let elapsed = started.elapsed();
    match result {
        Err(Error::Timeout(limit)) => assert_eq!(limit, Duration::from_millis(300)),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn get_is_retried_after_503_and_a_dropped_connection() {
    let server = Server::start(vec![respond(503, NOT_FOUND), respond(200, EMPTY_LIST)]).await;
    let response = client(&server, Credentials::aksk(ACCESS_KEY, SECRET_KEY))
        .list_functions(ListFunctionsRequest::new())
        .await
        .expect("a response");
    assert!(matches!(response, ListFunctionsResponse::Ok { .. }), "{response:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // Every attempt is signed afresh.
    for request in &requests {
        verify_aksk(request);
    }

    let server = Server::start(vec![Reply::Hang, respond(200, EMPTY_LIST)]).await;
    let response = client(&server, Credentials::none())
        .list_functions(ListFunctionsRequest::new())
        .await
        .expect("a response");
    assert!(matches!(response, ListFunctionsResponse::Ok { .. }), "{response:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn every_attempt_is_signed_afresh_with_the_time_of_that_attempt() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let server = Server::start(vec![respond(503, NOT_FOUND), respond(503, NOT_FOUND), respond(200, EMPTY_LIST)]).await;
    // Each reading of the clock is an hour after the previous one.
    let readings = AtomicU64::new(0);
    let start = SystemTime::now();
    let clock = move || start + Duration::from_secs(3600 * readings.fetch_add(1, Ordering::SeqCst));
    let config = ClientConfig::builder(Credentials::aksk(ACCESS_KEY, SECRET_KEY))
        .retry(quick_retries())
        .clock(clock);
    client_with(endpoint(&server), config)
        .list_functions(ListFunctionsRequest::new())
        .await
        .expect("a response");
    let requests = server.requests();
    let dates: Vec<&str> = requests.iter().map(|r| r.header("x-sdk-date").expect("X-Sdk-Date")).collect();
    let expected: Vec<String> = (0..3).map(|hour| sdk_date(start + Duration::from_secs(3600 * hour))).collect();
    assert_eq!(dates, expected, "one date per attempt, from the clock at that attempt");
    let signatures: Vec<String> = requests.iter().map(|r| authorization(r).signature).collect();
    assert!(signatures[0] != signatures[1] && signatures[1] != signatures[2], "{signatures:?}");
    for request in &requests {
        let auth = authorization(request);
        assert_eq!(auth.signature, server_signature(request, SECRET_KEY));
    }
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let replies = vec![respond(503, NOT_FOUND); 5];
    let server = Server::start(replies).await;
    let response = client(&server, Credentials::none())
        .delete_function(DeleteFunctionRequest::new(URN))
        .await
        .expect("a response");
    // 503 is not documented for DeleteFunction: the last answer is returned as it came.
    assert_eq!(response.status(), 503);
    assert_eq!(server.requests().len(), 4, "one attempt and three retries");
}

#[tokio::test]
async fn post_is_not_retried_unless_allowed() {
    let server = Server::start(vec![respond(503, NOT_FOUND), respond(200, CREATED)]).await;
    let response = client(&server, Credentials::none())
        .create_function(CreateFunctionRequest::new(create_body()))
        .await
        .expect("a response");
    assert!(
        matches!(response, CreateFunctionResponse::ServiceUnavailable { .. }),
        "{response:?}"
    );
    assert_eq!(server.requests().len(), 1);

    let server = Server::start(vec![respond(503, NOT_FOUND), respond(200, CREATED)]).await;
    let client = client_with(
    endpoint(&server),
    ClientConfig::builder(Credentials::none())
        .retry(RetryPolicy {
            retry_non_idempotent: true,
            ..quick_retries()
        }),
);
    let response = client
        .create_function(CreateFunctionRequest::new(create_body()))
        .await
        .expect("a response");
    assert!(matches!(response, CreateFunctionResponse::Ok { .. }), "{response:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn retry_after_zero_is_honoured() {
    // Without the header the wait would be up to 30 s.
    let server = Server::start(vec![
        with_header(respond(429, NOT_FOUND), "Retry-After", "0"),
        with_header(respond(503, NOT_FOUND), "Retry-After", "0"),
        respond(200, EMPTY_LIST),
    ])
    .await;
    let client = client_with(
    endpoint(&server),
    ClientConfig::builder(Credentials::none())
        .retry(RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30),
            retry_non_idempotent: false,
        }),
);
    let started = Instant::now();
    let response = client
        .list_functions(ListFunctionsRequest::new())
        .await
        .expect("a response");
    assert!(matches!(response, ListFunctionsResponse::Ok { .. }), "{response:?}");
    assert_eq!(server.requests().len(), 3);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_is_capped_at_max_backoff() {
    let server = Server::start(vec![
        with_header(respond(503, NOT_FOUND), "Retry-After", "3600"),
        respond(200, EMPTY_LIST),
    ])
    .await;
    let started = Instant::now();
    client(&server, Credentials::none())
        .list_functions(ListFunctionsRequest::new())
        .await
        .expect("a response");
    assert_eq!(server.requests().len(), 2);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------
// Secrets stay out of debug output
// ---------------------------------------------------------------------------------------

#[test]
fn debug_output_shows_no_secret() {
    let endpoint = Endpoint::new("https://functiongraph.cn-north-4.myhuaweicloud.com")
        .expect("endpoint")
        .with_project_id(PROJECT);
    let secrets = [SECRET_KEY, TOKEN, "security-token-1"];
    for credentials in [
        Credentials::token(TOKEN),
        Credentials::aksk(ACCESS_KEY, SECRET_KEY),
        Credentials::signer(
            AkSk::new(ACCESS_KEY, SECRET_KEY).with_security_token("security-token-1"),
        ),
    ] {
        let builder = ClientConfig::builder(credentials);
        let config = builder.clone().build().expect("config");
        let client = Client::new(&config, endpoint.clone());
        let shown = format!("{builder:?}\n{builder:#?}\n{config:?}\n{client:?}\n{client:#?}");
        assert!(shown.contains("cn-north-4"), "{shown}");
        for secret in secrets {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}

#[test]
fn clients_and_their_futures_can_move_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let endpoint = Endpoint::new("http://127.0.0.1:9").expect("endpoint");
    let config = ClientConfig::new(Credentials::token(TOKEN)).expect("config");
    let client = Client::new(&config, endpoint);
    assert_send_sync(&client);
    // Created, never polled: nothing is sent.
    let future = client.create_function(CreateFunctionRequest::new(create_body()));
    assert_send(&future);
    let list = ListFunctionsRequest::new();
    let future = client.send(&list);
    assert_send(&future);
}

// ---------------------------------------------------------------------------------------
// Requests built without sending (sans-IO)
// ---------------------------------------------------------------------------------------

#[test]
fn bodiless_posts_and_puts_send_the_declared_content_type() {
    use functiongraph::Operation;
    use functiongraph::operations::{EnableLtsLogsRequest, StopWorkFlowRequest};
    let endpoint = Endpoint::new("https://functiongraph.cn-north-4.myhuaweicloud.com")
        .expect("endpoint")
        .with_project_id(PROJECT);
    for request in [
        EnableLtsLogsRequest::new().build(&endpoint).expect("request"),
        StopWorkFlowRequest::new("wf-1", "ex-1").build(&endpoint).expect("request"),
    ] {
        assert_eq!(request.headers()["content-type"], "application/json", "{}", request.uri());
        assert!(request.body().is_empty());
    }
    let get = ShowFunctionConfigRequest::new(URN).build(&endpoint).expect("request");
    assert!(get.headers().get("content-type").is_none(), "a GET declares none");
}

#[test]
fn dot_segments_in_path_parameters_are_refused_by_build() {
    use functiongraph::Operation;
    let endpoint = Endpoint::new("https://functiongraph.cn-north-4.myhuaweicloud.com")
        .expect("endpoint")
        .with_project_id(PROJECT);
    for value in [".", ".."] {
        let built = ShowFunctionConfigRequest::new(value).build(&endpoint);
        assert!(matches!(built, Err(Error::InvalidRequest(_))), "{value:?}: {built:?}");
    }
}
