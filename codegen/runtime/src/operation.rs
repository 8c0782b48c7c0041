//! What every generated request type implements.

use crate::{Body, Endpoint, Error};

/// One API operation: how to turn its request value into an HTTP request, and an HTTP
/// response into its typed response. Both directions are pure (no I/O), so any HTTP
/// stack, or none, can drive them.
///
/// Operations with JSON (or other small) bodies build an `http::Request<Vec<u8>>` and
/// parse an `http::Response<Vec<u8>>`; an operation that uploads a file builds an
/// `http::Request<Body>`, and one whose success answer is a file parses an
/// `http::Response<Body>`, so that neither has to sit in memory.
pub trait Operation {
    /// The operation's response: one variant per documented status.
    type Response;
    /// The request body: `Vec<u8>`, or [`Body`] for uploads.
    type RequestBody: Into<Body>;
    /// The body [`parse`](Self::parse) reads: `Vec<u8>` (the whole answer), or [`Body`]
    /// (a success answer as it arrives; error answers are read whole all the same).
    type ResponseBody: FromBody;
    /// The spec's `operationId`, e.g. `CreateFunction`.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: http::Method;

    /// Builds the request (unsigned; see [`Credentials::apply`](crate::Credentials::apply)).
    fn build(&self, endpoint: &Endpoint) -> Result<http::Request<Self::RequestBody>, Error>;

    /// Parses a response. Fails only when a documented body does not decode.
    fn parse(response: http::Response<Self::ResponseBody>) -> Result<Self::Response, Error>;

    /// Whether sending twice has the effect of sending once (safe to retry).
    fn is_idempotent() -> bool {
        !matches!(Self::METHOD, http::Method::POST | http::Method::PATCH)
    }
}

/// A body type [`Operation::parse`] reads: `Vec<u8>` or [`Body`].
pub trait FromBody: Sized + sealed::Sealed {
    /// Whether a client hands a success answer over as it arrives ([`Body`]) instead of
    /// reading it whole (`Vec<u8>`).
    const STREAMED: bool;

    /// The body as received: for `Vec<u8>`, one read whole (a client reads it so unless
    /// [`STREAMED`](Self::STREAMED)); a file or stream is refused.
    fn from_body(body: Body) -> Result<Self, Error>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for Vec<u8> {}
    impl Sealed for crate::Body {}
}

impl FromBody for Vec<u8> {
    const STREAMED: bool = false;

    fn from_body(body: Body) -> Result<Self, Error> {
        match body.into_bytes() {
            Ok(bytes) => Ok(Vec::from(bytes)),
            Err(body) => Err(Error::InvalidRequest(format!(
                "the operation reads its answer whole, but the body given is {body:?}; collect it first"
            ))),
        }
    }
}

impl FromBody for Body {
    const STREAMED: bool = true;

    fn from_body(body: Body) -> Result<Self, Error> {
        Ok(body)
    }
}
