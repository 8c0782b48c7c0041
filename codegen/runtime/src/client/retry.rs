//! When a failed attempt is sent again, and how long to wait before it.
//!
//! The decisions are pure functions of the policy, the attempt, the response headers, the
//! clock and a random number, so they are tested without sleeping; the
//! [`Client`](crate::Client) does the waiting.

use std::time::{Duration, SystemTime};

/// Which failed attempts are sent again, how often, and how long to wait in between.
///
/// Retried for every method, `POST` included, because the server did not act on them:
/// answers `429 Too Many Requests`, and failures to connect (nothing was sent).
///
/// Retried only when the operation is idempotent (not `POST` or `PATCH`, see
/// [`Operation::is_idempotent`](crate::Operation::is_idempotent)) or
/// [`retry_non_idempotent`](Self::retry_non_idempotent) is set, because the request may
/// have taken effect: answers `502`, `503` and `504`, and failures after the request was
/// sent (a connection reset, a timeout). Other answers, `500` included, are never retried.
///
/// Waits grow exponentially from [`initial_backoff`](Self::initial_backoff) up to
/// [`max_backoff`](Self::max_backoff), with full jitter: before retry `n` (from 0) the
/// client waits a random time between zero and `min(max_backoff, initial_backoff * 2^n)`.
/// A `Retry-After` header (seconds, or an HTTP date) replaces that wait, capped at
/// `max_backoff`.
///
/// Change a few fields and keep the rest:
/// `RetryPolicy { max_retries: 5, ..RetryPolicy::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (3 by default; 0 sends once).
    pub max_retries: u32,
    /// Upper bound of the first wait (200 ms by default).
    pub initial_backoff: Duration,
    /// Upper bound of every wait, `Retry-After` included (10 s by default).
    pub max_backoff: Duration,
    /// Also retry operations that are not idempotent (`POST`, `PATCH`) after failures
    /// that may have taken effect (`502`, `503`, `504`, a timeout); off by default.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry: every request is sent once.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (0 for the first retry).
    ///
    /// `retry_after` is the server's `Retry-After`, if any; `unit` is a random number in
    /// `[0, 1)` that picks the wait between zero and the exponential bound.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_backoff);
        }
        let factor = 2u32.checked_pow(retry).unwrap_or(u32::MAX);
        let bound = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff);
        let unit = if unit.is_finite() { unit.clamp(0.0, 1.0) } else { 0.0 };
        Duration::try_from_secs_f64(bound.as_secs_f64() * unit)
            .unwrap_or(bound)
            .min(bound)
    }
}

/// Which methods a failed attempt may be sent again for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Not worth sending again.
    Never,
    /// The server did not act on the request: safe for every method.
    Always,
    /// The request may have taken effect: only for idempotent operations.
    IfIdempotent,
}

impl Retry {
    /// For an answer with this status: too many requests (refused before acting), or a
    /// gateway or service that is briefly unavailable.
    pub(crate) fn for_status(status: u16) -> Self {
        match status {
            429 => Retry::Always,
            502..=504 => Retry::IfIdempotent,
            _ => Retry::Never,
        }
    }

    /// For a failure on the way: `sent` says whether any of the request may have reached
    /// the server (false when connecting failed).
    pub(crate) fn for_failure(sent: bool) -> Self {
        if sent { Retry::IfIdempotent } else { Retry::Always }
    }

    /// Whether this allows another attempt of an operation (`idempotent`) under `policy`.
    pub(crate) fn allows(self, idempotent: bool, policy: &RetryPolicy) -> bool {
        match self {
            Retry::Never => false,
            Retry::Always => true,
            Retry::IfIdempotent => idempotent || policy.retry_non_idempotent,
        }
    }
}

/// The wait a `Retry-After` header asks for, as of `now`: delay seconds, or an HTTP date
/// (IMF-fixdate, RFC 850 or asctime); a date in the past means no wait. `None` when the
/// header is absent or unreadable.
pub(crate) fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "a very long time".
        return Some(Duration::from_secs(text.parse().unwrap_or(u64::MAX)));
    }
    let at = http_date(text)?;
    let now = chrono::DateTime::<chrono::Utc>::from(now);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// An HTTP date in any of the three layouts RFC 9110 asks recipients to accept.
fn http_date(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(date) = chrono::DateTime::parse_from_rfc2822(text) {
        return Some(date.to_utc());
    }
    const LAYOUTS: [&str; 2] = [
        "%A, %d-%b-%y %H:%M:%S GMT", // RFC 850
        "%a %b %e %H:%M:%S %Y",      // asctime
    ];
    LAYOUTS
        .iter()
        .find_map(|layout| chrono::NaiveDateTime::parse_from_str(text, layout).ok())
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 10,
            initial_backoff: ms(100),
            max_backoff: ms(1_000),
            retry_non_idempotent: false,
        }
    }

    #[test]
    fn defaults() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_retries, 3);
        assert!(!p.retry_non_idempotent);
        assert_eq!(RetryPolicy::none().max_retries, 0);
    }

    #[test]
    fn bound_doubles_up_to_the_cap() {
        let p = policy();
        // A unit just below 1 gives (almost) the bound itself.
        let near_bound = |retry| p.backoff(retry, None, 0.999_999);
        assert!(near_bound(0) <= ms(100) && near_bound(0) > ms(99));
        assert!(near_bound(1) <= ms(200) && near_bound(1) > ms(199));
        assert!(near_bound(2) <= ms(400) && near_bound(2) > ms(399));
        assert!(near_bound(3) <= ms(800) && near_bound(3) > ms(799));
        assert!(near_bound(4) <= ms(1_000) && near_bound(4) > ms(999));
        assert!(near_bound(60) <= ms(1_000));
        assert!(near_bound(u32::MAX) <= ms(1_000));
    }

    #[test]
    fn full_jitter_spans_zero_to_the_bound() {
        let p = policy();
        assert_eq!(p.backoff(2, None, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(2, None, 0.5), ms(200));
        assert_eq!(p.backoff(2, None, 0.25), ms(100));
        // Out-of-range randomness is clamped rather than trusted.
        assert_eq!(p.backoff(2, None, -3.0), Duration::ZERO);
        assert_eq!(p.backoff(2, None, 7.0), ms(400));
        assert_eq!(p.backoff(2, None, f64::NAN), Duration::ZERO);
        let unbounded = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..policy()
        };
        assert_eq!(unbounded.backoff(3, None, 1.0), Duration::MAX);
    }

    #[test]
    fn retry_after_replaces_the_backoff_and_is_capped() {
        let p = policy();
        assert_eq!(p.backoff(0, Some(Duration::ZERO), 0.9), Duration::ZERO);
        assert_eq!(p.backoff(5, Some(ms(300)), 0.9), ms(300));
        assert_eq!(p.backoff(0, Some(Duration::from_secs(3600)), 0.0), ms(1_000));
    }

    #[test]
    fn which_failures_are_retried_for_which_methods() {
        let p = policy();
        assert_eq!(Retry::for_status(429), Retry::Always);
        for status in [502, 503, 504] {
            assert_eq!(Retry::for_status(status), Retry::IfIdempotent, "{status}");
        }
        for status in [200, 204, 400, 401, 404, 409, 500, 501] {
            assert_eq!(Retry::for_status(status), Retry::Never, "{status}");
        }
        assert_eq!(Retry::for_failure(false), Retry::Always);
        assert_eq!(Retry::for_failure(true), Retry::IfIdempotent);
        assert!(Retry::Always.allows(false, &p));
        assert!(!Retry::IfIdempotent.allows(false, &p));
        assert!(Retry::IfIdempotent.allows(true, &p));
        let eager = RetryPolicy { retry_non_idempotent: true, ..policy() };
        assert!(Retry::IfIdempotent.allows(false, &eager));
        assert!(!Retry::Never.allows(true, &eager));
    }

    fn headers(value: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, value.parse().expect("header value"));
        headers
    }

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::now();
        assert_eq!(retry_after(&http::HeaderMap::new(), now), None);
        assert_eq!(retry_after(&headers("0"), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(" 7 "), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers("99999999999999999999999"), now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(retry_after(&headers("-1"), now), None);
        assert_eq!(retry_after(&headers("1.5"), now), None);
        assert_eq!(retry_after(&headers("soon"), now), None);
    }

    #[test]
    fn retry_after_dates() {
        // 1994-11-06T08:49:37Z, the example date of RFC 9110.
        let example = UNIX_EPOCH + Duration::from_secs(784_111_777);
        let before = example - Duration::from_secs(5);
        for layout in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                retry_after(&headers(layout), before),
                Some(Duration::from_secs(5)),
                "{layout}"
            );
        }
        let after = example + Duration::from_secs(60);
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:37 GMT"), after),
            Some(Duration::ZERO)
        );
    }
}
