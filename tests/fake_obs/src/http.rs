//! HTTP/1.1 over a TCP stream, as much as an object store needs: request heads, bodies
//! framed by `Content-Length` or `Transfer-Encoding: chunked` and read in chunks (with
//! `Expect: 100-continue` answered when the body is first read), and responses whose body
//! is bytes or a file range copied in chunks. Nothing is held whole in memory but heads
//! and small XML bodies.

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Largest request head accepted (request line and headers).
const MAX_HEAD: usize = 64 * 1024;
/// Size of the chunks bodies are copied in.
pub(crate) const CHUNK: usize = 256 * 1024;

/// A connection: reads through a buffer, writes straight to the socket.
pub(crate) type Conn = BufReader<TcpStream>;

/// A request line and its headers.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub method: String,
    /// As sent: path and query, still percent-encoded.
    pub target: String,
    /// Names in lower case, values trimmed, in the order received.
    pub headers: Vec<(String, String)>,
    /// `HTTP/1.0` peers get one request per connection.
    pub http10: bool,
}

impl Head {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The values of header `name` joined with `,`, as OBS signs a repeated header.
    pub fn joined(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        (!values.is_empty()).then(|| values.join(","))
    }

    /// The path, still percent-encoded.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(self.target.as_str(), |(path, _)| path)
    }

    /// The query, still percent-encoded; empty when there is none.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }

    /// Whether the peer wants the connection kept after this request.
    pub fn keep_alive(&self) -> bool {
        let connection = self.header("connection").unwrap_or("").to_ascii_lowercase();
        if self.http10 { connection.contains("keep-alive") } else { !connection.contains("close") }
    }
}

/// What went wrong reading a request: a malformed request gets a 400 before the
/// connection is closed; an IO error just closes it.
#[derive(Debug)]
pub(crate) enum ReadError {
    Malformed(String),
    /// The connection failed or closed mid-head.
    Closed,
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// Reads a request head; `None` when the peer closed the connection between requests.
pub(crate) async fn read_head(conn: &mut Conn) -> Result<Option<Head>, ReadError> {
    let mut lines: Vec<String> = Vec::new();
    let mut total = 0usize;
    loop {
        let mut line = Vec::new();
        let n = (&mut *conn).take((MAX_HEAD - total + 1) as u64).read_until(b'\n', &mut line).await?;
        if n == 0 {
            return if lines.is_empty() && total == 0 {
                Ok(None)
            } else {
                Err(ReadError::Closed)
            };
        }
        total += n;
        if total > MAX_HEAD {
            return Err(ReadError::Malformed(format!("the request head is over {MAX_HEAD} bytes")));
        }
        if !line.ends_with(b"\n") {
            return Err(ReadError::Closed);
        }
        let text = String::from_utf8(line).map_err(|_| ReadError::Malformed("the request head is not UTF-8".into()))?;
        let text = text.trim_end_matches(['\r', '\n']).to_owned();
        if text.is_empty() {
            // Blank lines before a request line are tolerated (RFC 9112 section 2.2).
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(text);
    }
    let request_line = &lines[0];
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(ReadError::Malformed(format!("bad request line `{request_line}`")));
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        other => return Err(ReadError::Malformed(format!("unsupported protocol `{other}`"))),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) || !target.starts_with('/') {
        return Err(ReadError::Malformed(format!("bad request line `{request_line}`")));
    }
    let mut headers = Vec::with_capacity(lines.len() - 1);
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed(format!("bad header line `{line}`")));
        };
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(ReadError::Malformed(format!("bad header name `{name}`")));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Some(Head { method: method.to_owned(), target: target.to_owned(), headers, http10 }))
}

/// How a request's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    Length(u64),
    Chunked,
}

/// The framing `head` declares; a malformed or conflicting one is refused.
pub(crate) fn framing(head: &Head) -> Result<Framing, ReadError> {
    let chunked = match head.joined("transfer-encoding") {
        None => false,
        Some(value) if value.eq_ignore_ascii_case("chunked") => true,
        Some(value) => return Err(ReadError::Malformed(format!("unsupported Transfer-Encoding `{value}`"))),
    };
    let lengths: Vec<&str> = head.headers.iter().filter(|(n, _)| n == "content-length").map(|(_, v)| v.as_str()).collect();
    match (chunked, lengths.as_slice()) {
        (true, []) => Ok(Framing::Chunked),
        (true, _) => Err(ReadError::Malformed("both Content-Length and Transfer-Encoding are sent".into())),
        (false, []) => Ok(Framing::Length(0)),
        (false, [one]) => one
            .parse()
            .map(Framing::Length)
            .map_err(|_| ReadError::Malformed(format!("bad Content-Length `{one}`"))),
        (false, _) => Err(ReadError::Malformed("Content-Length is sent more than once".into())),
    }
}

/// Where the body reader is.
#[derive(Debug)]
enum State {
    /// Bytes left of a `Content-Length` body.
    Length(u64),
    /// Bytes left of the current chunk; `first` before the first size line.
    Chunk { left: u64, first: bool },
    Done,
}

/// A request body, read in chunks off the connection.
pub(crate) struct BodyReader<'a> {
    conn: &'a mut Conn,
    state: State,
    /// `Expect: 100-continue` was sent and `100 Continue` is not yet.
    continue_owed: bool,
    /// Body bytes read so far.
    pub read: u64,
}

impl<'a> BodyReader<'a> {
    pub fn new(conn: &'a mut Conn, framing: Framing, expect_continue: bool) -> Self {
        let state = match framing {
            Framing::Length(0) => State::Done,
            Framing::Length(n) => State::Length(n),
            Framing::Chunked => State::Chunk { left: 0, first: true },
        };
        let continue_owed = expect_continue && !matches!(state, State::Done);
        Self { conn, state, continue_owed, read: 0 }
    }

    /// Whether the whole body has been read.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Reads the next bytes of the body into `buf`; 0 at its end. A body cut short is
    /// an `UnexpectedEof` error.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.continue_owed {
            self.continue_owed = false;
            self.conn.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        }
        loop {
            match self.state {
                State::Done => return Ok(0),
                State::Length(left) => {
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = self.conn.read(&mut buf[..want]).await?;
                    if n == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    let left = left - n as u64;
                    self.state = if left == 0 { State::Done } else { State::Length(left) };
                    self.read += n as u64;
                    return Ok(n);
                }
                State::Chunk { left: 0, first } => {
                    if !first {
                        self.expect_crlf().await?;
                    }
                    let size = self.chunk_size().await?;
                    if size == 0 {
                        self.skip_trailers().await?;
                        self.state = State::Done;
                    } else {
                        self.state = State::Chunk { left: size, first: false };
                    }
                }
                State::Chunk { left, .. } => {
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = self.conn.read(&mut buf[..want]).await?;
                    if n == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    self.state = State::Chunk { left: left - n as u64, first: false };
                    self.read += n as u64;
                    return Ok(n);
                }
            }
        }
    }

    /// Reads the whole body into memory, refusing one over `limit` bytes (`None`).
    pub async fn read_small(&mut self, limit: usize) -> io::Result<Option<Vec<u8>>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = self.read(&mut buf).await?;
            if n == 0 {
                return Ok(Some(out));
            }
            if out.len() + n > limit {
                return Ok(None);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    /// Reads and drops what is left of the body, up to `limit` bytes; whether it all was.
    /// A peer still waiting for `100 Continue` never sends it: nothing to drain then.
    pub async fn drain(&mut self, limit: u64) -> bool {
        if self.continue_owed {
            return false;
        }
        let mut buf = vec![0u8; CHUNK];
        let start = self.read;
        while !self.is_done() {
            if self.read - start > limit {
                return false;
            }
            match self.read(&mut buf).await {
                Ok(0) => break,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        true
    }

    async fn line(&mut self) -> io::Result<String> {
        let mut line = Vec::new();
        (&mut *self.conn).take(4096).read_until(b'\n', &mut line).await?;
        if !line.ends_with(b"\n") {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "a chunked body's line is cut or too long"));
        }
        String::from_utf8(line)
            .map(|l| l.trim_end_matches(['\r', '\n']).to_owned())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a chunked body's line is not UTF-8"))
    }

    async fn chunk_size(&mut self) -> io::Result<u64> {
        let line = self.line().await?;
        // Chunk extensions (`;name=value`) are ignored.
        let size = line.split(';').next().unwrap_or("").trim();
        u64::from_str_radix(size, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("bad chunk size `{size}`")))
    }

    async fn expect_crlf(&mut self) -> io::Result<()> {
        if self.line().await?.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidData, "a chunk does not end with CRLF"))
        }
    }

    async fn skip_trailers(&mut self) -> io::Result<()> {
        while !self.line().await?.is_empty() {}
        Ok(())
    }
}

/// A response body.
#[derive(Debug)]
pub(crate) enum Payload {
    Empty,
    Bytes(Vec<u8>),
    /// `len` bytes of a file from `offset`.
    File { file: tokio::fs::File, offset: u64, len: u64 },
    /// The answer to `HEAD`: the length a `GET` would have, no body.
    Head(u64),
}

impl Payload {
    fn len(&self) -> u64 {
        match self {
            Payload::Empty => 0,
            Payload::Bytes(bytes) => bytes.len() as u64,
            Payload::File { len, .. } | Payload::Head(len) => *len,
        }
    }
}

/// A response to write.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub payload: Payload,
    /// Close the connection after this many body bytes (a fault to test clients with).
    pub cut_after: Option<u64>,
    /// The OBS error code of an error answer, for the log.
    pub error_code: Option<&'static str>,
}

impl Response {
    pub fn new(status: u16, payload: Payload) -> Self {
        Self { status, headers: Vec::new(), payload, cut_after: None, error_code: None }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// Writes `response`; the body bytes written. An error (or a cut) means the connection
/// must be closed.
pub(crate) async fn write_response(conn: &mut Conn, response: Response, keep_alive: bool) -> io::Result<u64> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    for (name, value) in &response.headers {
        // Values echo what clients sent (metadata, `response-*`, a location): a line
        // break in one must not start a header of its own.
        let value: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", response.payload.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let stream = conn.get_mut();
    stream.write_all(head.as_bytes()).await?;
    let limit = response.cut_after.unwrap_or(u64::MAX);
    let written = match response.payload {
        Payload::Empty | Payload::Head(_) => 0,
        Payload::Bytes(bytes) => {
            let n = bytes.len().min(usize::try_from(limit).unwrap_or(usize::MAX));
            stream.write_all(&bytes[..n]).await?;
            n as u64
        }
        Payload::File { mut file, offset, len } => {
            file.seek(io::SeekFrom::Start(offset)).await?;
            let mut buf = vec![0u8; CHUNK];
            let mut written = 0u64;
            let end = len.min(limit);
            while written < end {
                let want = buf.len().min(usize::try_from(end - written).unwrap_or(usize::MAX));
                let n = file.read(&mut buf[..want]).await?;
                if n == 0 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the object's file is shorter than recorded"));
                }
                stream.write_all(&buf[..n]).await?;
                written += n as u64;
            }
            written
        }
    };
    stream.flush().await?;
    if response.cut_after.is_some() {
        return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "response cut on purpose"));
    }
    Ok(written)
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        416 => "Requested Range Not Satisfiable",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
