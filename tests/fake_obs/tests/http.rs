//! The fake OBS's HTTP/1.1 on the wire, with requests written by hand: chunked bodies,
//! `Expect: 100-continue`, keep-alive, and malformed requests. Requests are signed by the
//! runtime's OBS signer; everything stays on 127.0.0.1.

use std::time::SystemTime;

use codegen_runtime::huawei::{AkSk, Signature};
use fake_obs::{FakeObs, Options};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const AK: &str = "AK";
const SK: &str = "SK";

/// The head of a signed request for `method` on `target` with `body`, as text lines
/// (without the blank line that ends it), plus `extra` headers.
fn signed_head(obs: &FakeObs, method: &str, target: &str, body: &[u8], extra: &[(&str, &str)]) -> String {
    let mut request = http::Request::builder().method(method).uri(format!("{}{target}", obs.url())).body(body.to_vec()).expect("request");
    request.extensions_mut().insert(Signature::Obs);
    for (name, value) in extra {
        request.headers_mut().insert(http::HeaderName::from_bytes(name.as_bytes()).expect("name"), value.parse().expect("value"));
    }
    AkSk::new(AK, SK).sign(&mut request, SystemTime::now()).expect("signed");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\n", obs.addr());
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().expect("text")));
    }
    head
}

/// A response: status, lower-case headers, body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads one response with a `Content-Length` body (none for `HEAD`).
async fn read_answer(stream: &mut TcpStream, head_request: bool) -> Answer {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1];
    while !buffer.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).await.expect("read"), 1, "the connection closed mid-head: {}", String::from_utf8_lossy(&buffer));
        buffer.push(byte[0]);
    }
    let head = String::from_utf8(buffer).expect("text");
    let mut lines = head.trim_end().split("\r\n");
    let status = lines.next().expect("status line").split(' ').nth(1).expect("status").parse().expect("number");
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("header");
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().expect("length"));
    let mut body = vec![0u8; if head_request { 0 } else { length }];
    stream.read_exact(&mut body).await.expect("body");
    Answer { status, headers, body }
}

async fn connect(obs: &FakeObs) -> TcpStream {
    TcpStream::connect(obs.addr()).await.expect("connect")
}

async fn create_bucket(obs: &FakeObs, stream: &mut TcpStream) {
    let head = signed_head(obs, "PUT", "/bkt/", b"", &[("content-length", "0")]);
    stream.write_all(format!("{head}\r\n").as_bytes()).await.expect("write");
    assert_eq!(read_answer(stream, false).await.status, 200);
}

#[tokio::test]
async fn chunked_bodies_after_100_continue_on_a_kept_connection() {
    let obs = FakeObs::start(Options::new(AK, SK)).await.expect("start");
    let mut stream = connect(&obs).await;
    create_bucket(&obs, &mut stream).await;

    let body = b"hello, chunked world".to_vec();
    let head = signed_head(&obs, "PUT", "/bkt/dir/file%20one", &body, &[("content-type", "text/plain")]);
    stream
        .write_all(format!("{head}Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n").as_bytes())
        .await
        .expect("write head");
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).await.expect("100 Continue");
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    // Three chunks, one with an extension, then the last chunk and a trailer.
    stream.write_all(b"5\r\nhello\r\n7;ext=1\r\n, chunk\r\n8\r\ned world\r\n0\r\nx-trailer: t\r\n\r\n").await.expect("write body");
    let put = read_answer(&mut stream, false).await;
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    assert!(put.header("x-obs-request-id").is_some());
    assert_eq!(put.header("connection"), None, "the connection is kept");

    let head = signed_head(&obs, "GET", "/bkt/dir/file%20one", b"", &[]);
    stream.write_all(format!("{head}\r\n").as_bytes()).await.expect("write");
    let get = read_answer(&mut stream, false).await;
    assert_eq!((get.status, get.body.as_slice()), (200, body.as_slice()));
    assert_eq!(get.header("content-type"), Some("text/plain"));
    assert_eq!(get.header("etag"), put.header("etag"));

    let head = signed_head(&obs, "HEAD", "/bkt/dir/file%20one", b"", &[]);
    stream.write_all(format!("{head}\r\n").as_bytes()).await.expect("write");
    let answer = read_answer(&mut stream, true).await;
    assert_eq!((answer.status, answer.header("content-length")), (200, Some("20")));

    let requests = obs.requests();
    assert_eq!(requests.iter().map(|r| r.connection).collect::<Vec<_>>(), [1, 1, 1, 1]);
    assert_eq!(requests[1].header("transfer-encoding"), Some("chunked"));
    assert_eq!((requests[1].bytes_in, requests[2].bytes_out), (20, 20));
}

#[tokio::test]
async fn a_refused_request_never_gets_100_continue() {
    let obs = FakeObs::start(Options::new(AK, SK)).await.expect("start");
    let mut stream = connect(&obs).await;
    create_bucket(&obs, &mut stream).await;
    let head = signed_head(&obs, "PUT", "/bkt/k", b"0123456789", &[]).replace(&format!("OBS {AK}:"), &format!("OBS {AK}:x"));
    stream.write_all(format!("{head}Content-Length: 10\r\nExpect: 100-continue\r\n\r\n").as_bytes()).await.expect("write");
    let answer = read_answer(&mut stream, false).await;
    assert_eq!(answer.status, 403, "the final answer comes first");
    assert!(String::from_utf8_lossy(&answer.body).contains("<Code>SignatureDoesNotMatch</Code>"));
    // The body was never asked for: the connection is closed rather than misread.
    assert_eq!(answer.header("connection"), Some("close"));
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.expect("closed");
    assert!(rest.is_empty());
}

#[tokio::test]
async fn malformed_requests_get_400_and_a_closed_connection() {
    let obs = FakeObs::start(Options::new(AK, SK)).await.expect("start");
    for request in [
        "NOT A REQUEST\r\n\r\n".to_owned(),
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n".to_owned(),
        "GET / HTTP/1.1\r\nno colon here\r\n\r\n".to_owned(),
        "PUT /bkt/k HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned(),
        "PUT /bkt/k HTTP/1.1\r\nContent-Length: -1\r\n\r\n".to_owned(),
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(70 * 1024)),
    ] {
        let mut stream = connect(&obs).await;
        stream.write_all(request.as_bytes()).await.expect("write");
        let answer = read_answer(&mut stream, false).await;
        assert_eq!(answer.status, 400, "{}", &request[..request.len().min(60)]);
        assert!(String::from_utf8_lossy(&answer.body).contains("<Code>BadRequest</Code>"));
        assert_eq!(answer.header("connection"), Some("close"));
    }
    // An invalid bucket name is OBS's error, after the head is read.
    let mut stream = connect(&obs).await;
    let head = signed_head(&obs, "GET", "/Not_A_Bucket", b"", &[]);
    stream.write_all(format!("{head}\r\n").as_bytes()).await.expect("write");
    let answer = read_answer(&mut stream, false).await;
    assert_eq!(answer.status, 400);
    assert!(String::from_utf8_lossy(&answer.body).contains("<Code>InvalidBucketName</Code>"));
}

#[tokio::test]
async fn a_body_cut_short_stores_nothing() {
    let obs = FakeObs::start(Options::new(AK, SK)).await.expect("start");
    let mut stream = connect(&obs).await;
    create_bucket(&obs, &mut stream).await;
    let head = signed_head(&obs, "PUT", "/bkt/k", b"", &[]);
    stream.write_all(format!("{head}Content-Length: 100000\r\n\r\n").as_bytes()).await.expect("write");
    stream.write_all(&[7u8; 1000]).await.expect("part of the body");
    drop(stream);
    // The server notices the close and logs the request without an answer.
    for _ in 0..100 {
        if obs.requests().len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let cut = &obs.requests()[1];
    assert_eq!((cut.operation, cut.status, cut.bytes_in), ("PutObject", None, 1000));
    assert_eq!(std::fs::read_dir(obs.dir().join("tmp")).expect("tmp").count(), 0);
    let mut stream = connect(&obs).await;
    let head = signed_head(&obs, "GET", "/bkt/k", b"", &[]);
    stream.write_all(format!("{head}\r\n").as_bytes()).await.expect("write");
    assert_eq!(read_answer(&mut stream, false).await.status, 404);
}

#[tokio::test]
async fn echoed_values_cannot_add_headers() {
    let obs = FakeObs::start(Options::new(AK, SK)).await.expect("start");
    let mut stream = connect(&obs).await;
    create_bucket(&obs, &mut stream).await;
    let head = signed_head(&obs, "PUT", "/bkt/k", b"x", &[("content-length", "1")]);
    stream.write_all(format!("{head}\r\nx").as_bytes()).await.expect("write");
    assert_eq!(read_answer(&mut stream, false).await.status, 200);
    let head = signed_head(&obs, "GET", "/bkt/k?response-content-type=a%0D%0AX-Evil:%201", b"", &[]);
    stream.write_all(format!("{head}\r\n").as_bytes()).await.expect("write");
    let answer = read_answer(&mut stream, false).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("a  X-Evil: 1"));
    assert_eq!(answer.header("x-evil"), None);
}
