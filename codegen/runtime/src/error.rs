//! The one error type of every generated crate.
//!
//! Callers can tell apart what went wrong before anything was sent (a bad value), on the
//! way (transport, timeout), and in the answer (an API error, or a body that does not
//! decode). Answers keep the status, the headers, the request id and the body exactly as
//! received, so that a failure can be reported upstream.

use crate::vendor::Vendor;
use std::time::Duration;

/// Everything that can go wrong building, signing, sending or decoding a request.
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
}

impl Error {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode(decode) => Some(decode.status),
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The request id of the response, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode(decode) => decode.request_id.as_deref(),
            Error::Api(api) => api.request_id.as_deref(),
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("API error {status}{}{}{}", code_part(.code), message_part(.message), request_part(.request_id))]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The service's error code, e.g. `FSS.0401`, when the body names one.
    pub code: Option<String>,
    /// The service's message, when the body has one.
    pub message: Option<String>,
    /// The request id (`X-Request-Id` or the vendor's header, else the body's), for
    /// support tickets.
    pub request_id: Option<String>,
    /// Every response header.
    pub headers: http::HeaderMap,
    /// The body exactly as received.
    pub body: Vec<u8>,
}

impl ApiError {
    /// Reads an error answer the way `vendor` writes them; never fails.
    pub fn from_response(vendor: &Vendor, status: u16, headers: http::HeaderMap, body: Vec<u8>) -> Self {
        let details = vendor.error_details(&body);
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
}
