// @generated: copied verbatim from codegen/runtime/error.rs; edit the original there.

//! The one error type of a generated crate.
//!
//! Callers can tell apart what went wrong before anything was sent (a bad value), on the
//! way (transport, timeout), and in the answer (an API error, or a body that does not
//! decode). Bodies and request ids are kept so that a failure can be reported upstream.

use std::time::Duration;

/// Everything that can go wrong building, signing, sending or decoding a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request value is unusable (found before sending): a header value with a line
    /// break, a path parameter that is empty, a URL that does not parse, ...
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The request could not be sent or the response not received.
    #[error("transport failure: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// No complete response arrived within the configured time.
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// The response arrived but its body does not match the documented type.
    #[error("cannot decode the {status} response body: {message}")]
    Decode {
        status: u16,
        message: String,
        /// The body as received.
        body: Vec<u8>,
    },
    /// The service answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
}

/// An error answer of the service (`error_code`/`error_msg` in Huawei's bodies).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("API error {status}{}{}{}", code_part(.code), message_part(.message), request_part(.request_id))]
pub struct ApiError {
    pub status: u16,
    /// The service's error code, e.g. `FSS.0401`.
    pub code: Option<String>,
    /// The service's message.
    pub message: Option<String>,
    /// The request id from the response headers (`X-Request-Id`), for support tickets.
    pub request_id: Option<String>,
    /// The body as received.
    pub body: Vec<u8>,
}

fn code_part(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" {c}")).unwrap_or_default()
}

fn message_part(message: &Option<String>) -> String {
    message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
}

fn request_part(request_id: &Option<String>) -> String {
    request_id
        .as_ref()
        .map(|r| format!(" (request id {r})"))
        .unwrap_or_default()
}

impl Error {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode { status, .. } => Some(*status),
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }
}
