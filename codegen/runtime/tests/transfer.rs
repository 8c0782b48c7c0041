//! Streamed bodies through the client against a fake server on 127.0.0.1: uploads from
//! files (opened again for a retry) and streams (sent once), downloads handed over as they
//! arrive, progress, and the errors of bodies that fail on the way.

mod support;

use bytes::Bytes;
use codegen_runtime::huawei::AkSk;
use codegen_runtime::{Body, Client, ClientConfig, Credentials, Endpoint, Error, Progress, RetryPolicy};
use sha2::{Digest, Sha256};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use support::{Reply, Server, TempDir};

fn client(server: &Server) -> Client {
    let config = ClientConfig::builder(Credentials::signer(AkSk::new("AK", "SK")))
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            retry_non_idempotent: false,
        })
        .without_proxy()
        .build()
        .expect("config");
    Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"))
}

fn put(server: &Server, body: Body) -> http::Request<Body> {
    http::Request::put(format!("{}/objects/key", server.url()))
        .header("content-type", "application/octet-stream")
        .body(body)
        .expect("request")
}

/// Bytes of every value, 1 MiB and a little.
fn data() -> Vec<u8> {
    (0..(1 << 20) + 123).map(|i: u32| (i % 251) as u8).collect()
}

/// A stream of `chunks` chunks of 1000 bytes that fails after `fail_after` of them.
struct Chunks {
    left: usize,
    fail_after: Option<usize>,
    sent: usize,
}

impl futures_core::Stream for Chunks {
    type Item = io::Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.fail_after == Some(self.sent) {
            return Poll::Ready(Some(Err(io::Error::other("disk unplugged"))));
        }
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        self.sent += 1;
        Poll::Ready(Some(Ok(Bytes::from(vec![b'x'; 1000]))))
    }
}

#[tokio::test]
async fn a_file_upload_is_read_while_sent_and_opened_again_for_a_retry() {
    let dir = TempDir::new();
    let path = dir.path().join("object.bin");
    std::fs::write(&path, data()).expect("write");
    let server = Server::start(|_, index| if index == 0 { Reply::status(503) } else { Reply::status(200) }).await;
    let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let log = seen.clone();
    let body = Body::from_file(&path).with_progress(move |p| log.lock().unwrap().push(p));
    let response = client(&server).execute_body(put(&server, body), true, false).await.expect("answered");
    assert_eq!(response.status(), 200);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "retried after 503");
    for request in &requests {
        assert_eq!(Sha256::digest(&request.body), Sha256::digest(data()), "the whole file, each time");
        assert_eq!(request.header("content-length"), Some(data().len().to_string().as_str()));
        assert_eq!(request.header("x-sdk-content-sha256"), Some("UNSIGNED-PAYLOAD"));
        assert!(request.header("authorization").expect("signed").contains("x-sdk-content-sha256"));
    }
    let seen = seen.lock().unwrap();
    let total = Some(data().len() as u64);
    assert_eq!(seen.first(), Some(&Progress { transferred: 0, total }));
    assert_eq!(seen.last(), Some(&Progress { transferred: data().len() as u64, total }));
}

#[tokio::test]
async fn a_stream_is_sent_once_with_or_without_a_length() {
    let server = Server::start(|_, _| Reply::status(200)).await;
    let known = Body::from_stream(Chunks { left: 5, fail_after: None, sent: 0 }, Some(5000));
    client(&server).execute_body(put(&server, known), true, false).await.expect("answered");
    let unknown = Body::from_stream(Chunks { left: 3, fail_after: None, sent: 0 }, None);
    client(&server).execute_body(put(&server, unknown), true, false).await.expect("answered");
    let requests = server.requests();
    assert_eq!(requests[0].body.len(), 5000);
    assert_eq!(requests[0].header("content-length"), Some("5000"));
    assert_eq!(requests[1].body.len(), 3000);
    assert_eq!(requests[1].header("transfer-encoding"), Some("chunked"));

    // A 503 would be retried for bytes; a stream's bytes are gone: the answer is returned.
    let busy = Server::start(|_, _| Reply::status(503)).await;
    let once = Body::from_stream(Chunks { left: 2, fail_after: None, sent: 0 }, Some(2000));
    let response = client(&busy).execute_body(put(&busy, once), true, false).await.expect("answered");
    assert_eq!(response.status(), 503);
    assert_eq!(busy.count(), 1, "a stream is never sent twice");
}

#[tokio::test]
async fn a_stream_that_fails_halfway_says_how_many_bytes_went() {
    let server = Server::start(|_, _| Reply::status(200)).await;
    let failing = Body::from_stream(Chunks { left: 10, fail_after: Some(3), sent: 0 }, Some(10_000));
    let error = client(&server).execute_body(put(&server, failing), true, false).await.expect_err("failed");
    let message = error.to_string();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(message.contains("after 3000 bytes") && message.contains("disk unplugged"), "{message}");
    assert!(message.contains("not retried"), "{message}");
}

#[tokio::test]
async fn a_file_range_sends_its_bytes_only_and_again_for_a_retry() {
    let dir = TempDir::new();
    let path = dir.path().join("large.bin");
    std::fs::write(&path, data()).expect("write");
    let server = Server::start(|_, index| if index == 0 { Reply::status(503) } else { Reply::status(200) }).await;
    let (offset, length) = (300_000u64, 500_001u64);
    let body = Body::from_file_range(&path, offset, length);
    assert_eq!(body.known_length(), Some(length));
    let response = client(&server).execute_body(put(&server, body), true, false).await.expect("answered");
    assert_eq!(response.status(), 200);
    let expected = &data()[offset as usize..(offset + length) as usize];
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "retried after 503");
    for request in &requests {
        assert_eq!(request.body, expected, "the range, each time");
        assert_eq!(request.header("content-length"), Some(length.to_string().as_str()));
    }

    // A range past the end is refused before anything is sent.
    let beyond = Body::from_file_range(&path, data().len() as u64 - 10, 11);
    let error = client(&server).execute_body(put(&server, beyond), true, false).await.expect_err("too short");
    assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("large.bin") && m.contains("11 bytes")), "{error:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_missing_file_is_an_error_naming_it_before_anything_is_sent() {
    let server = Server::start(|_, _| Reply::status(200)).await;
    let missing = Body::from_file("/nonexistent/object.bin");
    let error = client(&server).execute_body(put(&server, missing), true, false).await.expect_err("no file");
    assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("/nonexistent/object.bin")), "{error:?}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn downloads_are_handed_over_as_they_arrive_and_errors_read_whole() {
    let server = Server::start(|request, _| match request.path() {
        "/missing" => Reply::json(404, r#"{"error_code":"X.404","error_msg":"no such file"}"#),
        _ => Reply::status(200).header("content-type", "application/octet-stream").body(data()),
    })
    .await;
    let get = |path: &str| {
        http::Request::get(format!("{}{path}", server.url())).body(Body::empty()).expect("request")
    };
    // Far below the file's size: a streamed answer is not held to the limit.
    let config = ClientConfig::builder(Credentials::none()).max_response_body(1024).build().expect("config");
    let small_limit = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    let response = small_limit.execute_body(get("/file"), true, true).await.expect("answered");
    let body = response.into_body();
    assert_eq!(body.as_bytes(), None, "a stream, not bytes");
    assert_eq!(body.known_length(), Some(data().len() as u64));
    let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let log = seen.clone();
    let dir = TempDir::new();
    let target = dir.path().join("download.bin");
    let written = body.with_progress(move |p| log.lock().unwrap().push(p)).write_to_file(&target).await.expect("written");
    assert_eq!(written, data().len() as u64);
    assert_eq!(Sha256::digest(std::fs::read(&target).expect("read")), Sha256::digest(data()));
    assert_eq!(seen.lock().unwrap().last().map(|p| p.transferred), Some(data().len() as u64));

    let again = small_limit.execute_body(get("/file"), true, true).await.expect("answered");
    let mut reader = again.into_body().into_async_read().await.expect("reader");
    let mut copied = Vec::new();
    tokio::io::copy(&mut reader, &mut copied).await.expect("copied");
    assert_eq!(copied, data());

    let error = small_limit.execute_body(get("/missing"), true, true).await.expect("answered");
    assert_eq!(error.status(), 404);
    assert!(error.body().as_bytes().is_some_and(|b| b.starts_with(b"{\"error_code\"")), "read whole");
}

#[tokio::test]
async fn ranges_written_into_one_file_at_their_offsets() {
    let dir = TempDir::new();
    let target = dir.path().join("assembled.bin");
    std::fs::write(&target, vec![b'.'; 10]).expect("preallocated");
    let (second, first) = (Body::from(b"56789".to_vec()), Body::from(b"01234".to_vec()));
    // In either order, each range lands at its offset and the rest stays.
    assert_eq!(second.write_to_file_at(&target, 5).await.expect("second half"), 5);
    assert_eq!(std::fs::read(&target).expect("read"), b".....56789");
    assert_eq!(first.write_to_file_at(&target, 0).await.expect("first half"), 5);
    assert_eq!(std::fs::read(&target).expect("read"), b"0123456789");
    let missing = Body::from(b"x".to_vec()).write_to_file_at(dir.path().join("absent.bin"), 0).await;
    assert!(matches!(&missing, Err(Error::InvalidRequest(m)) if m.contains("absent.bin")), "{missing:?}");
}
