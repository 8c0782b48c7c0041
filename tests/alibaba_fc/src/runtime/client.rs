// @generated: copied verbatim from codegen/runtime/client.rs; edit the original there.

//! An async client that sends operations: builds, signs, sends (with timeouts and
//! retries) and parses, on `reqwest` with rustls.
//!
//! Requests go only to the configured endpoint: redirects are not followed, so a token or
//! signature never travels to another host. The client logs nothing.

use super::retry::{self, RetryPolicy};
use super::{Credentials, Endpoint, Error, Operation};
use std::fmt;
use std::time::{Duration, SystemTime};

/// How long establishing a connection may take unless [`ClientBuilder::connect_timeout`]
/// says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends operations to one endpoint with one set of credentials.
///
/// Its futures run on a Tokio runtime with the time driver (as `#[tokio::main]` sets up)
/// and are `Send`. Cloning is cheap and clones share their connection pool. Every
/// operation has a method named after it in snake case, taking its request type;
/// [`send`](Self::send) takes any [`Operation`].
///
/// ```text
/// let endpoint = Endpoint::new("https://<service>.<region>.myhuaweicloud.com")?
///     .with_project_id(project_id);
/// let client = Client::new(endpoint, Credentials::aksk(ak, sk))?;
/// let body = client.<operation>(request).await?.into_ok()?;
/// ```
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    credentials: Credentials,
    settings: Settings,
}

/// Configures a [`Client`]; from [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    endpoint: Endpoint,
    credentials: Credentials,
    settings: Settings,
}

/// What a builder sets; shown by `Debug` (nothing secret in here).
#[derive(Debug, Clone)]
struct Settings {
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
    retry: RetryPolicy,
}

impl Client {
    /// A client with the defaults: no overall timeout, a 10 s connect timeout,
    /// [`RetryPolicy::default`] and a `User-Agent` naming this crate.
    pub fn new(endpoint: Endpoint, credentials: Credentials) -> Result<Self, Error> {
        Self::builder(endpoint, credentials).build()
    }

    /// A builder to set timeouts, retries and the `User-Agent`.
    pub fn builder(endpoint: Endpoint, credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            endpoint,
            credentials,
            settings: Settings {
                timeout: None,
                connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
                user_agent: concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"))
                    .to_owned(),
                retry: RetryPolicy::default(),
            },
        }
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends `operation` and parses the answer into its response enum.
    ///
    /// Each attempt builds the request afresh and applies the credentials as of now, so a
    /// retried request carries a new signature date. Transport failures and timeouts of
    /// the last attempt are returned as [`Error::Transport`] and [`Error::Timeout`]; every
    /// answer, error statuses included, is given to [`Operation::parse`] (use the
    /// response's `into_ok()` to turn error statuses into [`Error::Api`]).
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Response, Error> {
        let policy = &self.settings.retry;
        let may_retry = O::is_idempotent() || policy.retry_non_idempotent;
        let mut retries = 0;
        loop {
            let outcome = self.attempt(operation).await;
            // `Some(retry_after)` when this outcome is worth another attempt.
            let retry_after = match &outcome {
                Ok(response) if retry::retryable_status(response.status().as_u16()) => {
                    Some(retry::retry_after(response.headers(), SystemTime::now()))
                }
                Err(Error::Transport(_) | Error::Timeout(_)) => Some(None),
                _ => None,
            };
            match retry_after {
                Some(retry_after) if may_retry && retries < policy.max_retries => {
                    let wait = policy.backoff(retries, retry_after, fastrand::f64());
                    drop(outcome);
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
                _ => return O::parse(outcome?),
            }
        }
    }

    /// One attempt: build, sign, send, read the whole body.
    async fn attempt<O: Operation>(&self, operation: &O) -> Result<http::Response<Vec<u8>>, Error> {
        let mut request = operation.build(&self.endpoint)?;
        self.credentials.apply(&mut request, SystemTime::now())?;
        let request = into_reqwest(request)?;
        let mut response = self
            .http
            .execute(request)
            .await
            .map_err(|e| self.transport_error(e))?;
        let (status, version) = (response.status(), response.version());
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(|e| self.transport_error(e))?;
        let mut collected = http::Response::new(body.to_vec());
        *collected.status_mut() = status;
        *collected.version_mut() = version;
        *collected.headers_mut() = headers;
        Ok(collected)
    }

    /// A `reqwest` failure as [`Error::Timeout`] (with the limit that was hit) or
    /// [`Error::Transport`].
    fn transport_error(&self, error: reqwest::Error) -> Error {
        if error.is_timeout() {
            let Settings {
                timeout,
                connect_timeout,
                ..
            } = self.settings;
            let limit = if error.is_connect() {
                connect_timeout.or(timeout)
            } else {
                timeout.or(connect_timeout)
            };
            if let Some(limit) = limit {
                return Error::Timeout(limit);
            }
        }
        Error::Transport(Box::new(error))
    }
}

/// Converts a built request, refusing one whose URL `reqwest` would send differently (a
/// path segment `.` or `..` would be resolved away, and the signature would not match).
fn into_reqwest(request: http::Request<Vec<u8>>) -> Result<reqwest::Request, Error> {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let converted = reqwest::Request::try_from(request)
        .map_err(|e| Error::InvalidRequest(format!("the request URL cannot be sent: {e}")))?;
    let url = converted.url();
    if url.path() != path || url.query() != query.as_deref() {
        return Err(Error::InvalidRequest(format!(
            "the request path `{path}` would be sent as `{}` (a path parameter `.` or `..`?)",
            url.path()
        )));
    }
    Ok(converted)
}

impl ClientBuilder {
    /// Limit for a whole attempt: connecting, sending and reading the full response.
    /// None by default; a synchronous invocation lasts as long as the function runs.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Limit for establishing a connection (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header; by default the crate name and version, like
    /// `functiongraph-rust/0.1.0`.
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        user_agent.clone_into(&mut self.settings.user_agent);
        self
    }

    /// Which failures are retried and how long to wait; [`RetryPolicy::none`] sends once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// The client. Fails with [`Error::InvalidRequest`] when the `User-Agent` is not a
    /// valid header value, and with [`Error::Transport`] when the TLS setup fails.
    pub fn build(self) -> Result<Client, Error> {
        let user_agent = http::HeaderValue::from_str(&self.settings.user_agent).map_err(|_| {
            Error::InvalidRequest("the user agent is not a valid header value".to_owned())
        })?;
        let mut http = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(timeout) = self.settings.timeout {
            http = http.timeout(timeout);
        }
        if let Some(timeout) = self.settings.connect_timeout {
            http = http.connect_timeout(timeout);
        }
        let http = http.build().map_err(|e| Error::Transport(Box::new(e)))?;
        Ok(Client {
            http,
            endpoint: self.endpoint,
            credentials: self.credentials,
            settings: self.settings,
        })
    }
}

/// Shows the endpoint, the kind of credentials (secrets redacted) and the settings.
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_fields(f.debug_struct("Client"), &self.endpoint, &self.credentials, &self.settings)
    }
}

/// Shows the endpoint, the kind of credentials (secrets redacted) and the settings.
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_fields(
            f.debug_struct("ClientBuilder"),
            &self.endpoint,
            &self.credentials,
            &self.settings,
        )
    }
}

fn debug_fields(
    mut s: fmt::DebugStruct<'_, '_>,
    endpoint: &Endpoint,
    credentials: &Credentials,
    settings: &Settings,
) -> fmt::Result {
    s.field("endpoint", endpoint)
        // `Credentials`' own `Debug` redacts tokens and secret keys.
        .field("credentials", credentials)
        .field("timeout", &settings.timeout)
        .field("connect_timeout", &settings.connect_timeout)
        .field("user_agent", &settings.user_agent)
        .field("retry", &settings.retry)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint() -> Endpoint {
        Endpoint::new("http://127.0.0.1:9").expect("url").with_project_id("p1")
    }

    #[test]
    fn debug_shows_settings_but_no_secret() {
        for credentials in [
            Credentials::token("MIIsecret-token"),
            Credentials::aksk("AKID", "very-secret-key"),
            Credentials::signer(
                super::super::auth::AkSk::new("AKID", "very-secret-key")
                    .with_security_token("security-secret"),
            ),
        ] {
            let builder = Client::builder(endpoint(), credentials).timeout(Duration::from_secs(3));
            let shown = format!("{builder:?}");
            let client = builder.build().expect("client");
            let shown_client = format!("{client:?} {client:#?}");
            for text in [&shown, &shown_client] {
                assert!(text.contains("127.0.0.1:9"), "{text}");
                assert!(text.contains("3s"), "{text}");
                for secret in ["MIIsecret", "very-secret-key", "security-secret"] {
                    assert!(!text.contains(secret), "{text}");
                }
            }
        }
    }

    #[test]
    fn default_user_agent_names_the_crate() {
        let builder = Client::builder(endpoint(), Credentials::None);
        let expected = format!("{}-rust/", env!("CARGO_PKG_NAME"));
        assert!(builder.settings.user_agent.starts_with(&expected));
        let bad = builder.user_agent("a\r\nb").build();
        assert!(matches!(bad, Err(Error::InvalidRequest(_))));
    }

    #[test]
    fn dot_segments_are_refused() {
        for path in ["/v2/../x", "/v2/./x"] {
            let request = http::Request::get(format!("http://127.0.0.1:9{path}"))
                .body(Vec::new())
                .expect("request");
            assert!(matches!(into_reqwest(request), Err(Error::InvalidRequest(_))), "{path}");
        }
        let fine = http::Request::get("http://127.0.0.1:9/v2/a%3Ab?x=1%202")
            .body(Vec::new())
            .expect("request");
        assert!(into_reqwest(fine).is_ok());
    }
}
