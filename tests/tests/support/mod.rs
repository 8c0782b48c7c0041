//! A scripted HTTP/1.1 server on 127.0.0.1, shared by the client tests of both generated
//! crates (`client.rs` for FunctionGraph, `alibaba.rs` for Function Compute). It records
//! every request as it arrived on the socket and answers with scripted replies, or with
//! whatever a handler decides for each request. Nothing leaves the loopback interface.

// Each test binary uses a part of this module only.
#![allow(dead_code)]

pub mod aksk;
pub mod multipart;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it off the socket.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
    /// Names lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The request as an `http::Request`, to check its signature.
    pub fn to_http(&self) -> http::Request<Vec<u8>> {
        let mut request = http::Request::builder()
            .method(self.method.as_str())
            .uri(self.target.as_str())
            .body(self.body.clone())
            .expect("the recorded request is valid");
        for (name, value) in &self.headers {
            request.headers_mut().append(
                http::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                http::HeaderValue::from_str(value).expect("header value"),
            );
        }
        request
    }
}

/// What the server does with a connection.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answers with a status, headers and a body, then closes the connection.
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Reads the request and never answers.
    Silence,
    /// Reads the request and closes the connection without a word.
    Hang,
}

/// A reply with a body, typed `application/json` unless it is empty.
pub fn respond(status: u16, body: &str) -> Reply {
    let headers = if body.is_empty() {
        Vec::new()
    } else {
        vec![("Content-Type", "application/json".to_owned())]
    };
    Reply::Respond {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// `reply` with one more header.
pub fn with_header(reply: Reply, name: &'static str, value: &str) -> Reply {
    match reply {
        Reply::Respond {
            status,
            mut headers,
            body,
        } => {
            headers.push((name, value.to_owned()));
            Reply::Respond {
                status,
                headers,
                body,
            }
        }
        other => other,
    }
}

/// Decides the reply to each request.
type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// Hands out `replies` in order; once they are used up, `599`, so that a surplus request
/// shows in the assertions.
pub fn script(replies: Vec<Reply>) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let queue = Mutex::new(VecDeque::from(replies));
    move |_: &Recorded| {
        queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
            .unwrap_or_else(|| respond(599, "no reply scripted for this request"))
    }
}

/// A server on 127.0.0.1 that records every request and answers it.
pub struct Server {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Answers connections with the scripted replies, in order (see [`script`]).
    pub async fn start(replies: Vec<Reply>) -> Self {
        Self::start_with(script(replies)).await
    }

    /// Answers each request with what `handler` returns for it.
    pub async fn start_with(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = Arc::clone(&recorded);
                let handler = Arc::clone(&handler);
                tokio::spawn(async move {
                    let _ = serve(stream, &recorded, handler.as_ref()).await;
                });
            }
        });
        Self { addr, requests }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

/// Reads one request from `stream`, records it and acts on the handler's reply.
async fn serve(
    mut stream: TcpStream,
    recorded: &Mutex<Vec<Recorded>>,
    handler: &Handler,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let reply = handler(&request);
    recorded
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(request);
    match reply {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} Scripted\r\n");
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await
        }
        Reply::Silence => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        }
        Reply::Hang => Ok(()),
    }
}

/// A request head and a `Content-Length` body; `None` when the peer closed first.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Recorded>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).expect("the head is text");
    let mut lines = head.split("\r\n");
    let request_line = lines.next().expect("a request line");
    let mut parts = request_line.split(' ');
    let method = parts.next().expect("method").to_owned();
    let target = parts.next().expect("target").to_owned();
    assert_eq!(parts.next(), Some("HTTP/1.1"), "{request_line}");
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("a header line");
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().expect("a content length"));
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let mut body = buffer[head_end + 4..].to_vec();
    // A chunked body (a stream of unknown length) ends with the last chunk, `0\r\n\r\n`.
    while (chunked && !body.ends_with(b"0\r\n\r\n")) || (!chunked && body.len() < length) {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if chunked {
        body = dechunk(&body).expect("a well-formed chunked body");
    }
    Ok(Some(Recorded {
        method,
        target,
        headers,
        body,
    }))
}

/// The content of a `Transfer-Encoding: chunked` body (RFC 9112 section 7.1, no trailers).
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}
