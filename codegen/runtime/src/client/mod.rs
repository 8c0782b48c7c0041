//! The async client (feature `client`): builds, signs, sends (with timeouts and retries)
//! and parses operations, on `reqwest` with rustls.
//!
//! One [`ClientConfig`] holds what every service shares: the credentials, the HTTP client
//! with its connection pool, proxies and trusted certificates, the retry policy, the
//! timeouts and the `User-Agent`. A [`Client`] is that configuration plus one service's
//! [`Endpoint`]; the generated crates wrap it in their own `Client` type, which adds one
//! method per operation.
//!
//! Requests go only to the configured endpoints: redirects are not followed, so a token
//! or signature never travels to another host. A client with several endpoints of one
//! region moves to the next when connecting fails (`failover.rs`). The client logs
//! nothing; with the `tracing` feature it opens one span per operation and one per attempt
//! (operation id, method, attempt number, status, request id, duration; never a header, a
//! body or a secret). [`Interceptor`]s run around every request (`hooks.rs`).

mod failover;
mod hooks;
mod paginator;
mod proxy;
mod retry;
mod trace;
mod transfer;
mod waiter;

pub use hooks::{BodyKind, HeaderView, Interceptor, RequestContext, ResponseContext, TransportErrorContext};
pub use paginator::{Items, Pages};
pub use retry::RetryPolicy;

use crate::{Body, Credentials, Endpoint, Env, Error, FromBody, Operation};
use failover::{Endpoints, Requests};
use hooks::Call;
use proxy::{ProxySource, Proxies};
use retry::Retry;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use trace::OperationTrace;

/// How long establishing a connection may take unless
/// [`ClientConfigBuilder::connect_timeout`] says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server may stay silent (no bytes) unless
/// [`ClientConfigBuilder::read_timeout`] says otherwise.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(300);

/// The largest answer body read unless [`ClientConfigBuilder::max_response_body`] says
/// otherwise: 64 MiB, far above any JSON answer of the catalogue and small enough that a
/// wrong endpoint or a hostile server cannot exhaust memory.
const DEFAULT_MAX_RESPONSE_BODY: u64 = 64 * 1024 * 1024;

/// The `User-Agent` unless [`ClientConfigBuilder::user_agent`] says otherwise.
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Where signing times come from.
type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The interceptors of a configuration, in the order they run.
type Interceptors = Vec<Arc<dyn Interceptor>>;

/// What every service's client shares: credentials, one HTTP client (one connection
/// pool), retries, timeouts and the `User-Agent`.
///
/// Cheap to clone; clones share everything. Make one per program and the client of each
/// service from it:
///
/// ```
/// use codegen_runtime::{Client, ClientConfig, Credentials, Endpoint, RetryPolicy};
/// use std::time::Duration;
///
/// let config = ClientConfig::builder(Credentials::none())
///     .timeout(Duration::from_secs(30))
///     .retry(RetryPolicy { max_retries: 5, ..RetryPolicy::default() })
///     .build()?;
/// let functions = Client::new(&config, Endpoint::new("https://functions.eu-west-1.example.com")?);
/// let servers = Client::new(&config, Endpoint::new("https://servers.eu-west-1.example.com")?);
/// assert!(functions.config().same_pool(servers.config()));
/// # Ok::<(), codegen_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    inner: Arc<Shared>,
}

struct Shared {
    http: reqwest::Client,
    credentials: Credentials,
    settings: Settings,
    clock: Clock,
    interceptors: Interceptors,
}

/// Configures a [`ClientConfig`]; from [`ClientConfig::builder`].
#[derive(Clone)]
pub struct ClientConfigBuilder {
    credentials: Credentials,
    settings: Settings,
    clock: Option<Clock>,
    http: Option<reqwest::Client>,
    interceptors: Interceptors,
}

/// What a builder sets; shown by `Debug` (nothing secret: proxy passwords are redacted).
#[derive(Debug, Clone)]
struct Settings {
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    user_agent: String,
    retry: RetryPolicy,
    proxy: ProxySource,
    no_proxy: Option<String>,
    /// PEM bundles of added root certificates.
    root_certificates: Vec<Pem>,
    built_in_roots: bool,
    /// The largest answer body read, in bytes.
    max_response_body: u64,
    /// The algorithm Huawei AK/SK credentials sign with, when not their own.
    #[cfg(feature = "huawei")]
    signing_algorithm: Option<crate::huawei::SigningAlgorithm>,
}

/// A PEM bundle; `Debug` shows its size only.
#[derive(Clone)]
struct Pem(Vec<u8>);

impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<PEM, {} bytes>", self.0.len())
    }
}

impl ClientConfig {
    /// A configuration with the defaults: no overall timeout, a 10 s connect timeout, a
    /// 5 min read timeout, [`RetryPolicy::default`], proxies from the environment and a
    /// `User-Agent` naming this runtime.
    pub fn new(credentials: Credentials) -> Result<Self, Error> {
        Self::builder(credentials).build()
    }

    /// A builder to set timeouts, retries, proxies, certificates and the `User-Agent`.
    pub fn builder(credentials: Credentials) -> ClientConfigBuilder {
        ClientConfigBuilder {
            credentials,
            settings: Settings {
                timeout: None,
                connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
                read_timeout: Some(DEFAULT_READ_TIMEOUT),
                user_agent: DEFAULT_USER_AGENT.to_owned(),
                retry: RetryPolicy::default(),
                proxy: ProxySource::Env(Env::process()),
                no_proxy: None,
                root_certificates: Vec::new(),
                built_in_roots: true,
                max_response_body: DEFAULT_MAX_RESPONSE_BODY,
                #[cfg(feature = "huawei")]
                signing_algorithm: None,
            },
            clock: None,
            http: None,
            interceptors: Vec::new(),
        }
    }

    /// The credentials applied to every request.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.settings.retry
    }

    /// Whether two configurations share one HTTP client, and so one connection pool.
    pub fn same_pool(&self, other: &ClientConfig) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl ClientConfigBuilder {
    /// Limit for a whole attempt: connecting, sending and reading the full response.
    /// None by default, so that a long synchronous invocation can last as long as the
    /// function runs; the [read timeout](Self::read_timeout) still ends a call whose
    /// server has gone silent.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Limit for establishing a connection (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// Limit for the server's silence: how long the client waits for the next bytes of
    /// the answer (5 min by default). It restarts with every bytes received, so a large
    /// or slow answer is fine as long as something arrives, and a call whose server never
    /// answers ends with [`Error::Timeout`] instead of hanging forever. Raise it for
    /// synchronous invocations that may run longer than that before the first byte.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.settings.read_timeout = Some(timeout);
        self
    }

    /// The largest answer body the client reads, in bytes (64 MiB by default). A larger
    /// answer (by its `Content-Length`, or as it arrives) ends the attempt with
    /// [`Error::ResponseTooLarge`], which is not retried, before more of it is held in
    /// memory; error answers count too.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.settings.max_response_body = bytes;
        self
    }

    /// The `User-Agent` header; by default this runtime's name and version.
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        user_agent.clone_into(&mut self.settings.user_agent);
        self
    }

    /// Which failures are retried and how long to wait; [`RetryPolicy::none`] sends once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Sends every request (`https://` and `http://`) through this proxy, e.g.
    /// `http://proxy.example.com:3128` or `http://user:password@proxy:3128`, instead of
    /// the one the environment names. Its password never shows in `Debug` or errors.
    pub fn proxy(mut self, url: &str) -> Self {
        self.settings.proxy = ProxySource::Url(url.to_owned());
        self
    }

    /// Hosts that bypass the proxy, in `NO_PROXY` syntax (comma-separated host names,
    /// which also match their subdomains, IP addresses or ranges such as
    /// `10.0.0.0/8`, or `*`); replaces `NO_PROXY`.
    pub fn no_proxy(mut self, hosts: &str) -> Self {
        self.settings.no_proxy = Some(hosts.to_owned());
        self
    }

    /// Reads the proxies from `env` instead of the process's environment:
    /// `HTTPS_PROXY` for `https://` URLs, `HTTP_PROXY` for `http://` ones, `ALL_PROXY`
    /// for both when those are unset, and `NO_PROXY` for exceptions (each in lower or
    /// upper case, lower first; upper-case `HTTP_PROXY` is ignored in a CGI program).
    /// This is the default, with the process's environment read when the configuration
    /// is built.
    pub fn proxy_from_env(mut self, env: Env) -> Self {
        self.settings.proxy = ProxySource::Env(env);
        self
    }

    /// Connects directly, whatever the environment says about proxies.
    pub fn without_proxy(mut self) -> Self {
        self.settings.proxy = ProxySource::Direct;
        self
    }

    /// Also trusts the certificates of this PEM bundle as roots, e.g. the certificate
    /// authority of a private cloud's gateway. May be called more than once; the bundle
    /// is checked when the configuration is built.
    pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.settings.root_certificates.push(Pem(pem.into()));
        self
    }

    /// Whether the built-in roots (the Mozilla list) are trusted too (the default); with
    /// `false` only the certificates of [`root_certificate_pem`](Self::root_certificate_pem)
    /// are.
    pub fn built_in_root_certificates(mut self, trusted: bool) -> Self {
        self.settings.built_in_roots = trusted;
        self
    }

    /// Where signing times come from (the system clock by default): a clock that runs
    /// ahead or behind the service's can be corrected here, and tests can drive it.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Signs with this algorithm when the credentials are Huawei AK/SK
    /// ([`huawei::AkSk`](crate::huawei::AkSk)), whatever algorithm they were made with;
    /// this is how credentials found by a provider (the environment, the profile file,
    /// the metadata service) sign with another algorithm than `SDK-HMAC-SHA256`. Each
    /// request carries it as an extension, which `AkSk` reads; other credentials ignore
    /// it, and derived signing, where it applies, still takes precedence.
    #[cfg(feature = "huawei")]
    pub fn signing_algorithm(mut self, algorithm: crate::huawei::SigningAlgorithm) -> Self {
        self.settings.signing_algorithm = Some(algorithm);
        self
    }

    /// Runs `interceptor` around every request of the clients made from this
    /// configuration, after those added before it: to log, measure, add headers (which
    /// are then signed) or stand in for tests. Its contexts keep credentials out of logs;
    /// see [`Interceptor`].
    pub fn interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Sends with this `reqwest::Client` instead of building one; the timeouts, proxies,
    /// certificates and `User-Agent` set here are then not applied (set them on that
    /// client), and it should not follow redirects.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The configuration. Fails with [`Error::InvalidRequest`] when the `User-Agent` is
    /// not a valid header value, a proxy URL is not usable or a root certificate bundle
    /// holds no certificate, and with [`Error::Transport`] when the TLS setup fails.
    pub fn build(self) -> Result<ClientConfig, Error> {
        let http = match self.http {
            Some(http) => http,
            None => build_http(&self.settings)?,
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemTime::now));
        Ok(ClientConfig {
            inner: Arc::new(Shared {
                http,
                credentials: self.credentials,
                settings: self.settings,
                clock,
                interceptors: self.interceptors,
            }),
        })
    }
}

fn build_http(settings: &Settings) -> Result<reqwest::Client, Error> {
    let user_agent = http::HeaderValue::from_str(&settings.user_agent)
        .map_err(|_| Error::InvalidRequest("the user agent is not a valid header value".to_owned()))?;
    let mut http = reqwest::Client::builder()
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none());
    if let Some(timeout) = settings.timeout {
        http = http.timeout(timeout);
    }
    if let Some(timeout) = settings.connect_timeout {
        http = http.connect_timeout(timeout);
    }
    if let Some(timeout) = settings.read_timeout {
        http = http.read_timeout(timeout);
    }
    http = Proxies::resolve(&settings.proxy, settings.no_proxy.as_deref()).apply(http)?;
    for (index, Pem(pem)) in settings.root_certificates.iter().enumerate() {
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
            Error::InvalidRequest(format!("root certificate bundle {} is not PEM: {e}", index + 1))
        })?;
        if certificates.is_empty() {
            return Err(Error::InvalidRequest(format!(
                "root certificate bundle {} holds no certificate",
                index + 1
            )));
        }
        for certificate in certificates {
            http = http.add_root_certificate(certificate);
        }
    }
    http = http.tls_built_in_root_certs(settings.built_in_roots);
    http.build().map_err(|e| Error::Transport(Box::new(e)))
}

/// Sends operations to one service's endpoint with a shared [`ClientConfig`].
///
/// Its futures run on a Tokio runtime with the time driver (as `#[tokio::main]` sets up)
/// and are `Send`. Cloning is cheap. The generated crates' `Client`s wrap it and add one
/// method per operation; [`send`](Self::send) takes any [`Operation`].
///
/// A client of several endpoints ([`with_endpoints`](Self::with_endpoints): one region's,
/// best first, as the official SDK lists them) fails over as the SDK does: when connecting
/// to one fails (refused, unreachable, a TLS handshake that fails, a connect timeout;
/// never for an answer, whatever its status), the same attempt goes at once to the next,
/// re-signed for it, and every clone of the client keeps using the endpoint that answered.
/// (The SDK moves on only for unreachable hosts and failed handshakes; a refused
/// connection or a connect timeout sent nothing either, so this client moves on too.)
/// When none can be reached, the attempt fails with one [`Error::Transport`] naming each
/// endpoint and its error, and the [retry policy](RetryPolicy) decides as for any failure
/// to connect (the next attempt starts again at the first endpoint).
#[derive(Clone)]
pub struct Client {
    config: ClientConfig,
    endpoints: Endpoints,
}

/// A failed attempt, and how far it got.
struct Failure {
    error: Error,
    stage: Stage,
}

/// How far a failed attempt got.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Building, signing, finding credentials: nothing left the machine.
    Preparing,
    /// Connecting failed: nothing was sent, and another endpoint may do.
    Connecting,
    /// Any of the request may have reached the server.
    Sent,
}

impl Failure {
    fn at(stage: Stage) -> impl Fn(Error) -> Failure {
        move |error| Failure { error, stage }
    }
}

impl Client {
    /// A client of the service at `endpoint`, sharing `config` (and its connection pool)
    /// with every other client made from it.
    pub fn new(config: &ClientConfig, endpoint: Endpoint) -> Self {
        Self {
            config: config.clone(),
            endpoints: Endpoints::one(endpoint),
        }
    }

    /// A client of the service at several endpoints, best first, that fails over from one
    /// to the next when connecting fails (see [`Client`]). They may differ only in their
    /// base URL: give each the same project id and headers (as `from_account` of a
    /// generated crate does). Fails for an empty list or endpoints that differ otherwise.
    pub fn with_endpoints(
        config: &ClientConfig,
        endpoints: impl IntoIterator<Item = Endpoint>,
    ) -> Result<Self, Error> {
        Ok(Self {
            config: config.clone(),
            endpoints: Endpoints::new(endpoints.into_iter().collect())?,
        })
    }

    /// Where requests go: the endpoint in use.
    pub fn endpoint(&self) -> &Endpoint {
        self.endpoints.current()
    }

    /// Every endpoint, best first.
    pub fn endpoints(&self) -> &[Endpoint] {
        self.endpoints.all()
    }

    /// The shared configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends `operation` and parses the answer into its response enum.
    ///
    /// Each attempt applies the credentials as of the clock's now (refreshing temporary
    /// credentials first when they are due), so a retried request carries a new signature
    /// date. Transport failures and timeouts of the last attempt are returned as
    /// [`Error::Transport`] and [`Error::Timeout`]; every answer, error statuses
    /// included, is given to [`Operation::parse`] (use the response's `into_ok()` to turn
    /// error statuses into [`Error::Api`]).
    ///
    /// An upload's [`Body`] is read while it is sent (a file is opened again for each
    /// attempt; a stream is sent once and never retried, nor sent to another endpoint).
    /// For an operation whose success answer is a file, the answer's [`Body`] is handed
    /// over as it arrives, without the
    /// [`max_response_body`](ClientConfigBuilder::max_response_body) limit; error answers
    /// are read whole.
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Response, Error> {
        let request = operation.build(self.endpoint())?.map(Into::into);
        let response = self
            .execute_named(request, O::is_idempotent(), O::ID, <O::ResponseBody as FromBody>::STREAMED)
            .await?;
        let (parts, body) = response.into_parts();
        O::parse(http::Response::from_parts(parts, O::ResponseBody::from_body(body)?))
    }

    /// A URL that performs `operation` by itself for `expires_in` from now, with the
    /// configuration's credentials ([`Credentials::presign`]): a download or upload link
    /// for any HTTP client, nothing sent now. Only for a scheme with query authentication
    /// (OBS): others fail with [`Error::InvalidRequest`], as does a duration under a
    /// second.
    pub async fn presign<O: Operation>(
        &self,
        operation: &O,
        expires_in: Duration,
    ) -> Result<crate::auth::PresignedUrl, Error> {
        let request = operation.build(self.endpoint())?;
        self.config().credentials().presign(&request, expires_in).await
    }

    /// Signs and sends a built request, retrying per the policy (`idempotent` says
    /// whether a failure after sending may be retried), and reads the whole answer.
    ///
    /// The request must go to one of this client's endpoints (the same scheme, host and
    /// port, or `{bucket}.{host}` for a request built for that bucket; see
    /// [`Endpoint::is_origin_of_request`]): one for any other origin is refused with
    /// [`Error::InvalidRequest`] before it is signed, so that credentials are never sent
    /// elsewhere. Use a client of that endpoint instead. A request under an endpoint's
    /// base URL fails over like [`send`](Self::send)'s (its base URL replaced by the
    /// next endpoint's); one that spells the origin otherwise (`:443`, upper case) or
    /// has its bucket in the host is sent only there.
    pub async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
        idempotent: bool,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let response = self.execute_named(request.map(Body::from), idempotent, "", false).await?;
        let (parts, body) = response.into_parts();
        Ok(http::Response::from_parts(parts, Vec::<u8>::from_body(body)?))
    }

    /// [`execute`](Self::execute) for any [`Body`]: an upload read while it is sent, and,
    /// with `stream_answer`, a success answer handed over as it arrives (error answers
    /// are read whole).
    pub async fn execute_body(
        &self,
        request: http::Request<Body>,
        idempotent: bool,
        stream_answer: bool,
    ) -> Result<http::Response<Body>, Error> {
        self.execute_named(request, idempotent, "", stream_answer).await
    }

    /// [`execute`](Self::execute) for the operation `operation_id` (named in traces).
    ///
    /// Not generic, so its state machine is compiled once for all operations.
    async fn execute_named(
        &self,
        request: http::Request<Body>,
        idempotent: bool,
        operation_id: &str,
        stream_answer: bool,
    ) -> Result<http::Response<Body>, Error> {
        let requests = Requests::new(self.endpoints.all(), request)?;
        let trace = OperationTrace::start(operation_id, requests.method());
        trace
            .run(async {
                let policy = &self.config.inner.settings.retry;
                let mut retries = 0;
                loop {
                    let attempt_trace = trace.attempt(retries + 1);
                    let call = Call { operation_id, attempt: retries + 1 };
                    let outcome = attempt_trace
                        .run(self.attempt_each_endpoint(&requests, call, stream_answer, &attempt_trace))
                        .await;
                    let retry = match &outcome {
                        Ok(response) => Retry::for_status(response.status().as_u16()),
                        Err(Failure {
                            error: Error::Transport(_) | Error::Timeout(_),
                            stage,
                        }) => Retry::for_failure(*stage == Stage::Sent),
                        Err(_) => Retry::Never,
                    };
                    let outcome = outcome.map_err(|failure| failure.error);
                    // A stream is sent once: its bytes are gone after the first attempt.
                    if !requests.replayable() && retry.allows(idempotent, policy) {
                        let outcome = outcome.map_err(transfer::not_replayed);
                        attempt_trace.finish(&outcome, None);
                        trace.finish(retries + 1, &outcome);
                        return outcome;
                    }
                    if !retry.allows(idempotent, policy) || retries >= policy.max_retries {
                        attempt_trace.finish(&outcome, None);
                        trace.finish(retries + 1, &outcome);
                        return outcome;
                    }
                    let retry_after = match &outcome {
                        Ok(response) => retry::retry_after(response.headers(), SystemTime::now()),
                        Err(_) => None,
                    };
                    let wait = policy.backoff(retries, retry_after, fastrand::f64());
                    attempt_trace.finish(&outcome, Some(wait));
                    drop(outcome);
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
            })
            .await
    }

    /// One attempt: to the endpoint in use, then, while connecting fails, to each next
    /// one (wrapping around, each once), as the official SDK fails over. A stream body is
    /// not sent twice, so it goes to one endpoint only.
    async fn attempt_each_endpoint(
        &self,
        requests: &Requests<'_>,
        call: Call<'_>,
        stream_answer: bool,
        trace: &trace::AttemptTrace,
    ) -> Result<http::Response<Body>, Failure> {
        let mut unreachable = Vec::new();
        for index in self.endpoints.in_turn() {
            let Some(request) = requests.for_endpoint(index) else { continue };
            match self.attempt(request, call, stream_answer).await {
                Err(failure) if failure.stage == Stage::Connecting && requests.replayable() => {
                    let endpoint = self.endpoints.all()[index].base_url();
                    trace.unreachable(endpoint, &failure.error);
                    unreachable.push((endpoint.to_owned(), failure.error));
                }
                outcome => {
                    // The endpoint answered (or took the request): keep using it.
                    if !matches!(outcome, Err(Failure { stage: Stage::Preparing | Stage::Connecting, .. })) {
                        self.endpoints.settle(index);
                    }
                    return outcome;
                }
            }
        }
        // None answered: as in the SDK, the next attempt starts at the best one again,
        // and a single endpoint's error stays as it was.
        self.endpoints.settle(0);
        let error = match unreachable.len() {
            1 => unreachable.pop().map(|(_, error)| error).expect("one failure"),
            _ => failover::unreachable(unreachable),
        };
        Err(Failure { error, stage: Stage::Connecting })
    }

    /// One attempt at one endpoint: the interceptors, signing as of now, sending, reading
    /// the whole body (or, with `stream_answer`, handing a success answer's body over as
    /// it arrives).
    async fn attempt(
        &self,
        mut request: http::Request<Body>,
        call: Call<'_>,
        stream_answer: bool,
    ) -> Result<http::Response<Body>, Failure> {
        let shared = &self.config.inner;
        let preparing = Failure::at(Stage::Preparing);
        for interceptor in &shared.interceptors {
            interceptor
                .modify_before_signing(&mut RequestContext::new(call, &mut request))
                .map_err(&preparing)?;
        }
        // A request with its own `Authorization` goes unsigned (see `Credentials`).
        let own = crate::credentials::authenticates_itself(&request);
        let signer = if own { None } else { shared.credentials.resolve().await.map_err(&preparing)? };
        #[cfg(feature = "huawei")]
        if let Some(algorithm) = shared.settings.signing_algorithm {
            request.extensions_mut().insert(algorithm);
        }
        if let Some(signer) = signer {
            signer.sign(&mut request, (shared.clock)()).map_err(&preparing)?;
        }
        if !shared.interceptors.is_empty() {
            let context = RequestContext::new(call, &mut request);
            shared.interceptors.iter().for_each(|i| i.before_send(&context));
        }
        let (method, uri) = (request.method().clone(), request.uri().clone());
        let (request, upload) = transfer::into_reqwest(request).await.map_err(&preparing)?;
        let start = Instant::now();
        let sent = shared.http.execute(request).await.map_err(|e| {
            // A failure to connect sent nothing; any later one may have sent it all.
            let stage = if e.is_connect() { Stage::Connecting } else { Stage::Sent };
            // The body's own failure (a file that changed size, a stream that failed)
            // says more than the transport's.
            let error = upload.failure().unwrap_or_else(|| shared.transport_error(e, start));
            Failure { error, stage }
        });
        let mut response = match sent {
            Ok(response) => response,
            Err(failure) => {
                let context = hooks::TransportErrorContext {
                    call,
                    method: &method,
                    uri: &uri,
                    error: &failure.error,
                    sent: failure.stage == Stage::Sent,
                };
                shared.interceptors.iter().for_each(|i| i.on_transport_error(&context));
                return Err(failure);
            }
        };
        let (status, version) = (response.status(), response.version());
        let headers = std::mem::take(response.headers_mut());
        let elapsed = start.elapsed();
        let context = ResponseContext { call, method: &method, uri: &uri, status, headers: &headers, elapsed };
        shared.interceptors.iter().for_each(|i| i.after_response(&context));
        let body = if stream_answer && status.is_success() {
            transfer::download(response)
        } else {
            Body::from(self.read_whole(response, status, &headers, start).await?)
        };
        let mut answer = http::Response::new(body);
        *answer.status_mut() = status;
        *answer.version_mut() = version;
        *answer.headers_mut() = headers;
        Ok(answer)
    }

    /// The whole body of an answer, up to the configured limit.
    async fn read_whole(
        &self,
        mut response: reqwest::Response,
        status: http::StatusCode,
        headers: &http::HeaderMap,
        start: Instant,
    ) -> Result<Vec<u8>, Failure> {
        let shared = &self.config.inner;
        let limit = shared.settings.max_response_body;
        let too_large = || Failure {
            stage: Stage::Sent,
            error: Error::ResponseTooLarge {
                status: status.as_u16(),
                limit,
                request_id: trace::request_id(headers).map(str::to_owned),
            },
        };
        let announced = response.content_length();
        if announced.is_some_and(|length| length > limit) {
            return Err(too_large());
        }
        // Capacity as announced, never beyond the limit.
        let capacity = usize::try_from(announced.unwrap_or(0)).unwrap_or(0);
        let mut body = Vec::with_capacity(capacity);
        loop {
            let chunk = response.chunk().await.map_err(|e| Failure {
                stage: Stage::Sent,
                error: shared.transport_error(e, start),
            })?;
            let Some(chunk) = chunk else { break };
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl Shared {
    /// A `reqwest` failure of an attempt that began at `start`, as [`Error::Timeout`]
    /// (with the limit that was hit) or [`Error::Transport`].
    fn transport_error(&self, error: reqwest::Error, start: Instant) -> Error {
        if error.is_timeout() {
            if let Some(limit) = self.settings.timeout_hit(error.is_connect(), start.elapsed()) {
                return Error::Timeout(limit);
            }
        }
        Error::Transport(Box::new(error))
    }
}

impl Settings {
    /// Which limit a timeout after `elapsed` was: the connect timeout for a connection
    /// that was not made, else the overall timeout when that much time has passed, else
    /// the read timeout.
    fn timeout_hit(&self, connecting: bool, elapsed: Duration) -> Option<Duration> {
        if connecting {
            return self.connect_timeout.or(self.timeout);
        }
        match (self.timeout, self.read_timeout) {
            (Some(total), _) if elapsed >= total => Some(total),
            (_, Some(read)) => Some(read),
            (total, None) => total.or(self.connect_timeout),
        }
    }
}


/// Shows the kind of credentials (secrets redacted) and the settings.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_fields(f.debug_struct("ClientConfig"), &self.inner.credentials, &self.inner.settings, &self.inner.interceptors).finish()
    }
}

/// Shows the kind of credentials (secrets redacted) and the settings.
impl fmt::Debug for ClientConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_fields(f.debug_struct("ClientConfigBuilder"), &self.credentials, &self.settings, &self.interceptors).finish()
    }
}

/// Shows the endpoints and the configuration (secrets redacted).
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoints)
            .field("config", &self.config)
            .finish()
    }
}

fn debug_fields<'a, 'b>(
    mut s: fmt::DebugStruct<'a, 'b>,
    credentials: &Credentials,
    settings: &Settings,
    interceptors: &Interceptors,
) -> fmt::DebugStruct<'a, 'b> {
    // `Credentials`' own `Debug` redacts tokens and secret keys.
    s.field("credentials", credentials).field("settings", settings);
    if !interceptors.is_empty() {
        s.field("interceptors", &interceptors.len());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Signer;

    fn endpoint() -> Endpoint {
        Endpoint::new("http://127.0.0.1:9").expect("url").with_project_id("p1")
    }

    /// A signer with a secret, as the vendor signers have.
    #[derive(Clone)]
    struct Secretive;

    impl fmt::Debug for Secretive {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Secretive(<redacted>)")
        }
    }

    impl Signer for Secretive {
        fn sign(&self, _request: &mut http::Request<Body>, _time: SystemTime) -> Result<(), Error> {
            Ok(())
        }
    }

    #[test]
    fn debug_shows_settings_but_no_secret() {
        let builder = ClientConfig::builder(Credentials::signer(Secretive)).timeout(Duration::from_secs(3));
        let shown = format!("{builder:?}");
        let config = builder.build().expect("config");
        let client = Client::new(&config, endpoint());
        let shown_client = format!("{client:?} {client:#?}");
        for text in [&shown, &shown_client] {
            assert!(text.contains("3s"), "{text}");
            assert!(text.contains("Secretive(<redacted>)"), "{text}");
        }
        assert!(shown_client.contains("127.0.0.1:9"), "{shown_client}");
    }

    #[test]
    fn default_user_agent_names_the_runtime() {
        let builder = ClientConfig::builder(Credentials::none());
        assert!(builder.settings.user_agent.starts_with("codegen-runtime/"));
        let bad = builder.user_agent("a\r\nb").build();
        assert!(matches!(bad, Err(Error::InvalidRequest(_))));
    }

    #[test]
    fn clients_of_one_config_share_it() {
        let config = ClientConfig::new(Credentials::none()).expect("config");
        let a = Client::new(&config, endpoint());
        let b = Client::new(&config, Endpoint::new("http://127.0.0.1:10").expect("url"));
        assert!(a.config().same_pool(b.config()));
        let other = ClientConfig::new(Credentials::none()).expect("config");
        assert!(!a.config().same_pool(&other));
    }

}
