//! The one error type of every generated crate.
//!
//! Callers can tell apart what went wrong before anything was sent (a bad value), on the
//! way (transport, timeout), and in the answer (an API error, a body that does not
//! decode, a body larger than the client accepts). Answers keep the status, the headers,
//! the request id and the body exactly as received, so that a failure can be reported
//! upstream.

use crate::auth::redact_headers;
use crate::vendor::Vendor;
use crate::waiter::{JobFailure, WaitTimeout};
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong building, signing, sending or decoding a request.
///
/// # What `Debug` shows
///
/// Errors end up in logs (`unwrap()`, `fn main() -> Result<_, Error>`,
/// `tracing::error!(?error)`), and error answers can carry secrets: an IAM answer's
/// `X-Subject-Token`, a gateway's `Set-Cookie`, a body with temporary keys. So the `Debug`
/// output of [`ApiError`] and [`DecodeError`] (and of [`Error`], which shows them) redacts
/// credential headers (see [`is_sensitive_header`](crate::auth::is_sensitive_header)) and
/// shows the body by its length only (`<412 bytes>`), never its content: the code, the
/// message and the request id read from it are shown as fields, and `Display` shows them
/// too. The raw `headers` and `body` fields stay public for code that asks for them.
/// Likewise a [`JobFailure`] shows the job's error code and reason, and names its details
/// without their content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request value is unusable (found before sending): a header value with a line
    /// break, a path parameter that is empty or `..`, a URL that does not parse, ...
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Credentials could not be found or refreshed (a provider failed, or a source had none).
    #[error("credentials: {0}")]
    Credentials(String),
    /// The request could not be sent or the response not received.
    #[error("transport failure: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// No complete response arrived within the configured time.
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// A success answer whose body does not match the documented type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The service answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The answer's body was larger than the client accepts (see the client's
    /// `max_response_body`); it was not read further.
    #[error("the {status} response body is larger than the limit of {limit} bytes{}", request_part(.request_id))]
    ResponseTooLarge {
        /// The HTTP status of the answer.
        status: u16,
        /// The limit, in bytes.
        limit: u64,
        /// The request id, for support tickets.
        request_id: Option<String>,
    },
    /// A job that a waiter watched ended with a failure status; it carries the job's own
    /// error code, reason and details.
    #[error("{0}")]
    JobFailed(Box<JobFailure>),
    /// A waiter's overall timeout passed before the job ended (the job goes on at the
    /// service).
    #[error("{0}")]
    WaitTimeout(Box<WaitTimeout>),
    /// An answer does not say what a waiter needs: no `job_id` in the answer that should
    /// start a job, or no status in the job's answer.
    #[error("waiting for a job: {0}")]
    JobUnreadable(String),
    /// The answers broke a rule of the protocol that no single answer shows: a list
    /// operation that gives back the marker of a page already fetched (paging on would
    /// never end).
    #[error("invalid response: {0}")]
    InvalidResponse(String),
}

impl Error {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode(decode) => Some(decode.status),
            Error::Api(api) => Some(api.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request id of the response, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode(decode) => decode.request_id.as_deref(),
            Error::Api(api) => api.request_id.as_deref(),
            Error::ResponseTooLarge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Error::Decode(Box::new(error))
    }
}

/// An error answer of the service: any non-success status, whatever its body holds (the
/// documented JSON, an HTML page from a gateway, nothing at all).
///
/// `Debug` redacts credential headers and shows the body by length only (see the
/// [`Error` docs](Error#what-debug-shows)); the fields hold everything as received.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("API error {status}{}{}{}", code_part(.code), message_part(.message), request_part(.request_id))]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The service's error code, e.g. `FSS.0401`, when the body names one.
    pub code: Option<String>,
    /// The service's message, when the body has one.
    pub message: Option<String>,
    /// The request id (`X-Request-Id` or the vendor's header, such as
    /// `x-obs-request-id`, else the body's), for support tickets.
    pub request_id: Option<String>,
    /// Every response header.
    pub headers: http::HeaderMap,
    /// The body exactly as received.
    pub body: Vec<u8>,
}

impl ApiError {
    /// Reads an error answer the way `vendor` writes them, JSON or XML (by its
    /// `Content-Type`, else by its first character); never fails.
    pub fn from_response(vendor: &Vendor, status: u16, headers: http::HeaderMap, body: Vec<u8>) -> Self {
        let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let details = vendor.error_details_for(content_type, &body);
        Self {
            status,
            code: details.code,
            message: details.message,
            request_id: vendor.request_id(&headers).or(details.request_id),
            headers,
            body,
        }
    }

    /// The body decoded as `T` (the error type the spec documents for this status), or
    /// why it is not one.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// A success answer whose body is not the documented type.
///
/// `Debug` redacts credential headers and shows the body by length only (see the
/// [`Error` docs](Error#what-debug-shows)); the fields hold everything as received.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot decode the {status} response body{}: {message}{}",
    path_part(.path),
    request_part(.request_id)
)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// Where in the body decoding failed (`func_vpc.subnet_id`, `functions[3].runtime`);
    /// `None` at the top level.
    pub path: Option<String>,
    /// What was wrong there; for a body that is not JSON at all, with serde_json's line and
    /// column.
    pub message: String,
    /// The request id, for support tickets.
    pub request_id: Option<String>,
    /// Every response header.
    pub headers: http::HeaderMap,
    /// The body exactly as received.
    pub body: Vec<u8>,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("headers", &redact_headers(&self.headers))
            .field("body", &BodyLength(self.body.len()))
            .finish()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("path", &self.path)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("headers", &redact_headers(&self.headers))
            .field("body", &BodyLength(self.body.len()))
            .finish()
    }
}

/// A body in `Debug` output: its length, never its content.
struct BodyLength(usize);

impl fmt::Debug for BodyLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

fn code_part(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" {c}")).unwrap_or_default()
}

fn message_part(message: &Option<String>) -> String {
    message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
}

fn path_part(path: &Option<String>) -> String {
    path.as_ref().map(|p| format!(" at `{p}`")).unwrap_or_default()
}

fn request_part(request_id: &Option<String>) -> String {
    request_id
        .as_ref()
        .map(|r| format!(" (request id {r})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_keeps_everything_as_received() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req-1"));
        let api = ApiError::from_response(
            &crate::vendor::GENERIC,
            502,
            headers,
            b"<html>Bad Gateway</html>".to_vec(),
        );
        assert_eq!(api.request_id.as_deref(), Some("req-1"));
        assert_eq!(api.body, b"<html>Bad Gateway</html>");
        assert_eq!(api.code, None);
        assert_eq!(api.to_string(), "API error 502 (request id req-1)");
        let error = Error::from(api);
        assert_eq!(error.status(), Some(502));
        assert_eq!(error.request_id(), Some("req-1"));
    }

    #[test]
    fn xml_error_answers_give_code_message_and_the_header_request_id() {
        const OBS: Vendor = Vendor {
            name: "obs",
            request_id_headers: &["x-obs-request-id", "x-obs-id-2"],
            error_code_fields: &["Code"],
            error_message_fields: &["Message"],
            request_id_fields: &["RequestId"],
            error_wrapper: None,
        };
        let body = b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message>\
                     <RequestId>body-id</RequestId><HostId>h</HostId></Error>";
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", http::HeaderValue::from_static("application/xml"));
        headers.insert("x-obs-request-id", http::HeaderValue::from_static("header-id"));
        headers.insert("authorization", http::HeaderValue::from_static("OBS AK:secret-signature"));
        let api = ApiError::from_response(&OBS, 403, headers.clone(), body.to_vec());
        assert_eq!(api.code.as_deref(), Some("AccessDenied"));
        assert_eq!(api.message.as_deref(), Some("Access Denied"));
        assert_eq!(api.request_id.as_deref(), Some("header-id"), "the header is preferred");
        assert_eq!(api.to_string(), "API error 403 AccessDenied: Access Denied (request id header-id)");
        headers.remove("x-obs-request-id");
        let api = ApiError::from_response(&OBS, 403, headers, body.to_vec());
        assert_eq!(api.request_id.as_deref(), Some("body-id"), "else the body's");
        let shown = format!("{api:?}");
        assert!(!shown.contains("secret-signature") && !shown.contains("HostId"), "{shown}");
    }

    #[test]
    fn decode_error_names_the_path() {
        let error = DecodeError {
            status: 200,
            path: Some("func_name".into()),
            message: "invalid type: integer `1`, expected a string at line 1 column 14".into(),
            request_id: Some("r-2".into()),
            headers: http::HeaderMap::new(),
            body: br#"{"func_name":1}"#.to_vec(),
        };
        assert_eq!(
            error.to_string(),
            "cannot decode the 200 response body at `func_name`: invalid type: integer `1`, \
             expected a string at line 1 column 14 (request id r-2)"
        );
    }

    /// An IAM-like answer: a token header, a cookie and a temporary-key body.
    fn secret_answer() -> (http::HeaderMap, Vec<u8>) {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-subject-token", http::HeaderValue::from_static("MIIsecret-token"));
        headers.insert("set-cookie", http::HeaderValue::from_static("SESSION=secret-cookie"));
        headers.insert("x-request-id", http::HeaderValue::from_static("req-9"));
        let body = br#"{"credential":{"access":"AKTEMP","secret":"secret-sk","securitytoken":"secret-sts"}}"#;
        (headers, body.to_vec())
    }

    fn assert_nothing_secret(shown: &str) {
        for secret in ["MIIsecret-token", "secret-cookie", "secret-sk", "secret-sts", "AKTEMP"] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
    }

    #[test]
    fn debug_of_every_error_kind_hides_token_headers_cookies_and_bodies() {
        let (headers, body) = secret_answer();
        let api = ApiError::from_response(&crate::vendor::GENERIC, 500, headers.clone(), body.clone());
        let decode = DecodeError {
            status: 200,
            path: Some("credential.expires_at".into()),
            message: "missing field `expires_at`".into(),
            request_id: Some("req-9".into()),
            headers,
            body: body.clone(),
        };
        for shown in [
            format!("{api:?}"),
            format!("{api:#?}"),
            format!("{decode:?}"),
            format!("{:?}", Error::from(api.clone())),
            format!("{:#?}", Error::from(decode.clone())),
            format!("{}", Error::from(api.clone())),
        ] {
            assert_nothing_secret(&shown);
        }
        let shown = format!("{:?}", Error::from(api.clone()));
        assert!(shown.contains(r#""x-subject-token": "<redacted>""#), "{shown}");
        assert!(shown.contains(r#""set-cookie": "<redacted>""#), "{shown}");
        assert!(shown.contains(r#""x-request-id": "req-9""#), "{shown}");
        assert!(shown.contains(&format!("body: <{} bytes>", body.len())), "{shown}");
        // The raw fields are still there for code that asks.
        assert_eq!(api.body, body);
        assert_eq!(api.headers["x-subject-token"], "MIIsecret-token");
    }

    #[test]
    fn a_response_too_large_names_its_limit() {
        let error = Error::ResponseTooLarge {
            status: 200,
            limit: 1024,
            request_id: Some("r-3".into()),
        };
        assert_eq!(error.status(), Some(200));
        assert_eq!(error.request_id(), Some("r-3"));
        assert_eq!(
            error.to_string(),
            "the 200 response body is larger than the limit of 1024 bytes (request id r-3)"
        );
    }
}
