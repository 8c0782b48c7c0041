//! Spans for operations and attempts (feature `tracing`); without the feature every
//! function here does nothing and compiles away.
//!
//! Spans carry the operation id, the method, the attempt number, the status, the request
//! id, the duration and, for a failure, the error message; never a header value, a body
//! or a credential.

use crate::Error;
use std::future::Future;
#[cfg(feature = "tracing")]
use std::time::Instant;

/// The span of one operation (all its attempts).
pub(super) struct OperationTrace {
    #[cfg(feature = "tracing")]
    start: Instant,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

/// The span of one attempt.
pub(super) struct AttemptTrace {
    #[cfg(feature = "tracing")]
    start: Instant,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl OperationTrace {
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn start(operation: &str, method: &http::Method) -> Self {
        Self {
            #[cfg(feature = "tracing")]
            start: Instant::now(),
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                "operation",
                operation,
                method = %method,
                attempts = tracing::field::Empty,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
                error = tracing::field::Empty,
            ),
        }
    }

    /// Runs `future` inside the operation's span.
    pub async fn run<F: Future>(&self, future: F) -> F::Output {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            future.instrument(self.span.clone()).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            future.await
        }
    }

    /// The span of attempt `number` (1 for the first), a child of the operation's.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn attempt(&self, number: u32) -> AttemptTrace {
        AttemptTrace {
            #[cfg(feature = "tracing")]
            start: Instant::now(),
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!(
                parent: &self.span,
                "attempt",
                attempt = number,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
                error = tracing::field::Empty,
            ),
        }
    }

    /// Records how the operation ended after `attempts` attempts.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn finish(&self, attempts: u32, outcome: &Result<http::Response<crate::Body>, Error>) {
        #[cfg(feature = "tracing")]
        {
            self.span.record("attempts", attempts);
            record(&self.span, self.start, outcome);
        }
    }
}

impl AttemptTrace {
    /// Runs `future` inside the attempt's span.
    pub async fn run<F: Future>(&self, future: F) -> F::Output {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            future.instrument(self.span.clone()).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            future.await
        }
    }

    /// Records how the attempt ended, and announces a retry after `wait`, if any.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn finish(
        &self,
        outcome: &Result<http::Response<crate::Body>, Error>,
        retry_after: Option<std::time::Duration>,
    ) {
        #[cfg(feature = "tracing")]
        {
            record(&self.span, self.start, outcome);
            if let Some(wait) = retry_after {
                let _entered = self.span.enter();
                tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying");
            }
        }
    }

    /// Announces that connecting to `endpoint` failed, so the attempt goes to the next.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn unreachable(&self, endpoint: &str, error: &Error) {
        #[cfg(feature = "tracing")]
        {
            let _entered = self.span.enter();
            tracing::debug!(endpoint, error = %error, "endpoint unreachable, trying the next");
        }
    }
}

#[cfg(feature = "tracing")]
fn record(span: &tracing::Span, start: Instant, outcome: &Result<http::Response<crate::Body>, Error>) {
    span.record("duration_ms", start.elapsed().as_millis() as u64);
    match outcome {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            if let Some(id) = request_id(response.headers()) {
                span.record("request_id", id);
            }
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            span.record("error", tracing::field::display(error));
        }
    }
}

/// The request id of a response whatever the vendor: the first header whose name ends in
/// `request-id` (`X-Request-Id` and the vendors' own), when it is visible ASCII.
pub(super) fn request_id(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .iter()
        .find(|(name, _)| name.as_str().ends_with("request-id"))
        .and_then(|(_, value)| value.to_str().ok())
}
