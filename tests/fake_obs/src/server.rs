//! Connections: the accept loop, one task per connection serving its requests in turn
//! (keep-alive), the request log and the injected faults.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::auth::Keys;
use crate::error::ObsError;
use crate::http::{self, BodyReader, Head, ReadError};
use crate::store::Store;

/// A body left unread by an answer is read off the connection, to keep it, when it is no
/// longer than this; a longer one closes the connection instead.
const DRAIN_LIMIT: u64 = 8 * 1024 * 1024;

/// One request as the server saw it: no body, no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The OBS operation it was routed to (`PutObject`, `UploadPart`, ...), or
    /// `NotImplemented` / `Invalid`.
    pub operation: &'static str,
    pub method: String,
    /// Path and query as sent, `Signature` and `x-obs-security-token` values hidden.
    pub target: String,
    /// `Content-Length`, `Content-Type`, `Content-MD5`, `Transfer-Encoding`, `Expect`,
    /// `Range`, `Date`, `Authorization` (signature hidden) and `x-obs-*` (token hidden),
    /// names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The answer's status; `None` when the connection was dropped without one.
    pub status: Option<u16>,
    /// The OBS error code of an error answer.
    pub error_code: Option<&'static str>,
    /// Body bytes read from the client.
    pub bytes_in: u64,
    /// Body bytes sent to the client.
    pub bytes_out: u64,
    /// `x-obs-request-id` of the answer.
    pub request_id: String,
    /// The connection's number (from 1, in accept order): requests on one connection
    /// share it.
    pub connection: u64,
}

impl LoggedRequest {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What an injected fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Reads the request's body, then answers `500 InternalError` (which clients do not
    /// retry).
    InternalError,
    /// Reads the request's body, then answers `503 ServiceUnavailable` (which clients
    /// retry).
    ServiceUnavailable,
    /// Reads the request's body, then holds the connection for 30 seconds without a word
    /// before closing it (a server that hangs: for timeouts).
    Stall,
    /// Closes the connection halfway: through the request's body when it has one,
    /// otherwise through the answer's body (headers sent, half the bytes), or before any
    /// answer when that has no body.
    CloseMidBody,
}

/// A fault that strikes the `nth` request (from 1, counted from when it is armed) of an
/// operation, and the `times - 1` requests of that operation after it (once by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    operation: String,
    nth: usize,
    times: usize,
    kind: FaultKind,
}

impl Fault {
    /// `kind` on the `nth` authenticated request of `operation` (an OBS operation name
    /// such as `UploadPart`, as in [`LoggedRequest::operation`]); `nth` 0 counts as 1.
    pub fn new(operation: impl Into<String>, nth: usize, kind: FaultKind) -> Self {
        Self { operation: operation.into(), nth: nth.max(1), times: 1, kind }
    }

    /// Strikes `times` requests in a row (at least one), e.g. `usize::MAX` for every
    /// request of the operation from the `nth` on: a failure that retries cannot get
    /// past.
    pub fn times(mut self, times: usize) -> Self {
        self.times = times.max(1);
        self
    }
}

/// What the connections share.
pub(crate) struct Shared {
    pub store: Store,
    pub keys: Keys,
    pub log: Mutex<Vec<LoggedRequest>>,
    /// Armed faults with the requests of their operation seen so far.
    pub faults: Mutex<Vec<(Fault, usize)>>,
    requests: AtomicU64,
    connections: AtomicU64,
}

impl Shared {
    pub fn new(store: Store, keys: Keys) -> Self {
        Self {
            store,
            keys,
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            requests: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        }
    }

    /// The fault that strikes this request of `operation`, if one does.
    pub fn strike(&self, operation: &str) -> Option<FaultKind> {
        let mut faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
        let mut struck = None;
        faults.retain_mut(|(fault, seen)| {
            if fault.operation != operation || struck.is_some() {
                return true;
            }
            *seen += 1;
            if *seen < fault.nth {
                return true;
            }
            struck = Some(fault.kind);
            // Spent once it has struck `times` requests.
            *seen - fault.nth + 1 < fault.times
        });
        struck
    }
}

/// Accepts connections until aborted; aborting drops the connections' tasks too.
pub(crate) async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let number = shared.connections.fetch_add(1, Ordering::Relaxed) + 1;
                connections.spawn(serve(stream, Arc::clone(&shared), number));
            }
            // Reaps finished connections so that the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves the requests of one connection until it closes or must be closed.
async fn serve(stream: TcpStream, shared: Arc<Shared>, connection: u64) {
    let mut conn = BufReader::with_capacity(http::CHUNK, stream);
    loop {
        let request_id = format!("{:032X}", shared.requests.fetch_add(1, Ordering::Relaxed) + 1);
        let head = match http::read_head(&mut conn).await {
            Ok(Some(head)) => head,
            Ok(None) | Err(ReadError::Closed) => return,
            Err(ReadError::Malformed(why)) => {
                let response = finish(ObsError::bad_request("BadRequest", why).response(&request_id, false), &request_id);
                let _ = http::write_response(&mut conn, response, false).await;
                let _ = conn.get_mut().shutdown().await;
                return;
            }
        };
        let mut entry = LoggedRequest {
            operation: "Invalid",
            method: head.method.clone(),
            target: redact_target(&head.target),
            headers: logged_headers(&head),
            status: None,
            error_code: None,
            bytes_in: 0,
            bytes_out: 0,
            request_id: request_id.clone(),
            connection,
        };
        let framing = match http::framing(&head) {
            Ok(framing) => framing,
            Err(ReadError::Malformed(why)) => {
                let response = ObsError::bad_request("BadRequest", why).response(&request_id, false);
                respond_and_close(&mut conn, &shared, entry, response, &request_id).await;
                return;
            }
            Err(ReadError::Closed) => return,
        };
        let expect_continue = head.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
        let mut body = BodyReader::new(&mut conn, framing, expect_continue);
        let (operation, outcome) = crate::ops::handle(&shared, &head, &mut body, &request_id).await;
        entry.operation = operation;
        entry.bytes_in = body.read;
        let response = match outcome {
            Ok(response) => response,
            Err(_) => {
                // The request's body broke off, or a fault closes the connection.
                log(&shared, entry);
                return;
            }
        };
        let keep_alive = head.keep_alive() && (body.is_done() || body.drain(DRAIN_LIMIT).await);
        entry.bytes_in = body.read;
        entry.status = Some(response.status);
        entry.error_code = response.error_code;
        let is_head = head.method == "HEAD";
        let mut response = finish(response, &request_id);
        if is_head {
            response.payload = match response.payload {
                http::Payload::Bytes(bytes) => http::Payload::Head(bytes.len() as u64),
                other => other,
            };
        }
        let written = http::write_response(&mut conn, response, keep_alive).await;
        entry.bytes_out = *written.as_ref().unwrap_or(&0);
        log(&shared, entry);
        if written.is_err() || !keep_alive {
            let _ = conn.get_mut().shutdown().await;
            return;
        }
    }
}

async fn respond_and_close(conn: &mut http::Conn, shared: &Shared, mut entry: LoggedRequest, response: http::Response, request_id: &str) {
    entry.status = Some(response.status);
    entry.error_code = response.error_code;
    let _ = http::write_response(conn, finish(response, request_id), false).await;
    let _ = conn.get_mut().shutdown().await;
    log(shared, entry);
}

/// The headers every answer carries.
fn finish(response: http::Response, request_id: &str) -> http::Response {
    let date = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format(crate::ops::HTTP_DATE).to_string();
    response
        .header("x-obs-request-id", request_id)
        .header("x-obs-id-2", crate::HOST_ID)
        .header("Date", date)
        .header("Server", "OBS")
}

fn log(shared: &Shared, entry: LoggedRequest) {
    shared.log.lock().unwrap_or_else(PoisonError::into_inner).push(entry);
}

/// The headers worth logging, secrets hidden.
fn logged_headers(head: &Head) -> Vec<(String, String)> {
    const KEPT: &[&str] = &["content-length", "content-type", "content-md5", "transfer-encoding", "expect", "range", "date"];
    head.headers
        .iter()
        .filter(|(name, _)| KEPT.contains(&name.as_str()) || name.starts_with("x-obs-") || name == "authorization")
        .map(|(name, value)| {
            let value = match name.as_str() {
                "x-obs-security-token" => "***".to_owned(),
                "authorization" => match value.split_once(':') {
                    Some((scheme_and_key, _)) => format!("{scheme_and_key}:***"),
                    None => "***".to_owned(),
                },
                _ => value.clone(),
            };
            (name.clone(), value)
        })
        .collect()
}

/// `target` with the values of `Signature` and `x-obs-security-token` hidden.
fn redact_target(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else { return target.to_owned() };
    let items: Vec<String> = query
        .split('&')
        .map(|item| match item.split_once('=') {
            Some((name, _)) if name == "Signature" || name == "x-obs-security-token" => format!("{name}=***"),
            _ => item.to_owned(),
        })
        .collect();
    format!("{path}?{}", items.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_the_log() {
        assert_eq!(redact_target("/b/k?AccessKeyId=AK&Signature=abc%3D&Expires=1"), "/b/k?AccessKeyId=AK&Signature=***&Expires=1");
        let head = Head {
            method: "GET".into(),
            target: "/".into(),
            headers: vec![
                ("authorization".into(), "OBS AK:c2lnbmF0dXJl".into()),
                ("x-obs-security-token".into(), "token".into()),
                ("cookie".into(), "c".into()),
            ],
            http10: false,
        };
        assert_eq!(logged_headers(&head), [("authorization".to_owned(), "OBS AK:***".to_owned()), ("x-obs-security-token".to_owned(), "***".to_owned())]);
    }

    #[test]
    fn faults_strike_once_on_their_nth_request() {
        let dir = tempfile::tempdir().expect("dir");
        let shared = Shared::new(Store::open(dir.path()).expect("store"), Keys { access_key: "a".into(), secret_key: "s".into(), security_token: None, endpoint_host: "127.0.0.1:1".into() });
        shared.faults.lock().expect("lock").push((Fault::new("UploadPart", 2, FaultKind::InternalError), 0));
        assert_eq!(shared.strike("PutObject"), None);
        assert_eq!(shared.strike("UploadPart"), None);
        assert_eq!(shared.strike("UploadPart"), Some(FaultKind::InternalError));
        assert_eq!(shared.strike("UploadPart"), None);
        shared.faults.lock().expect("lock").push((Fault::new("GetObject", 1, FaultKind::CloseMidBody).times(2), 0));
        assert_eq!(shared.strike("GetObject"), Some(FaultKind::CloseMidBody));
        assert_eq!(shared.strike("GetObject"), Some(FaultKind::CloseMidBody));
        assert_eq!(shared.strike("GetObject"), None);
        assert!(shared.faults.lock().expect("lock").is_empty());
    }
}
