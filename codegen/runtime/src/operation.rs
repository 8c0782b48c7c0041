//! What every generated request type implements.

use crate::{Endpoint, Error};

/// One API operation: how to turn its request value into an HTTP request, and an HTTP
/// response into its typed response. Both directions are pure (no I/O), so any HTTP
/// stack, or none, can drive them.
pub trait Operation {
    /// The operation's response: one variant per documented status.
    type Response;
    /// The spec's `operationId`, e.g. `CreateFunction`.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: http::Method;

    /// Builds the request (unsigned; see [`Credentials::apply`](crate::Credentials::apply)).
    fn build(&self, endpoint: &Endpoint) -> Result<http::Request<Vec<u8>>, Error>;

    /// Parses a response. Fails only when a documented body does not decode.
    fn parse(response: http::Response<Vec<u8>>) -> Result<Self::Response, Error>;

    /// Whether sending twice has the effect of sending once (safe to retry).
    fn is_idempotent() -> bool {
        !matches!(Self::METHOD, http::Method::POST | http::Method::PATCH)
    }
}
