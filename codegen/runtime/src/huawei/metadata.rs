//! Temporary credentials of an ECS or BMS server, from its metadata service (feature
//! `client`), as the official SDKs fetch them.
//!
//! 1. `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds` asks for a
//!    session token. A service that does not know the call answers 404 or 405 (or 503),
//!    and the credentials are then asked for without a token.
//! 2. `GET /openstack/latest/securitykey`, with the token as `X-Metadata-Token`, answers
//!    `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`.
//!
//! The credentials are kept and fetched again before they expire: 40 minutes before (or
//! half their lifetime before, when they last less than 80 minutes), in the background
//! while requests keep signing with the credentials held. Only when those have expired
//! (or are within a minute of it) do requests wait, all for the same single fetch.

use super::AkSk;
use crate::auth::Signer;
use crate::{BoxFuture, CredentialsProvider, Error};
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// The metadata service of ECS and BMS servers.
pub const METADATA_ENDPOINT: &str = "http://169.254.169.254";

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const X_METADATA_TOKEN: &str = "x-metadata-token";
const X_METADATA_TOKEN_TTL_SECONDS: &str = "x-metadata-token-ttl-seconds";
/// How long session tokens are asked to last (6 hours, as the official SDKs ask).
const TOKEN_TTL: Duration = Duration::from_secs(6 * 60 * 60);
/// A session token is asked for again this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(5 * 60);
/// After a service said it has no session tokens, how long before asking again.
const NO_TOKEN_RECHECK: Duration = Duration::from_secs(24 * 60 * 60);
/// Credentials are fetched again this long before they expire (at most half their
/// lifetime), as the official SDKs do.
const REFRESH_AHEAD: Duration = Duration::from_secs(40 * 60);
/// Credentials are not used in the last minute of their lifetime (at most a quarter of
/// it): a request signed then could arrive after they expire.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// After a failed early refresh, how long the credentials held are used before trying
/// again.
const RETRY_REFRESH_AFTER: Duration = Duration::from_secs(10);
/// What the service says when the server has no agency to take credentials from.
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";

/// Temporary credentials from the metadata service of the ECS or BMS server this program
/// runs on, kept and refreshed before they expire; use with
/// [`Credentials::provider`](crate::Credentials::provider).
///
/// Clones share the credentials held. `Debug` shows the address and the access key id,
/// never the secret key or the security token.
///
/// ```no_run
/// use codegen_runtime::Credentials;
/// use codegen_runtime::huawei::MetadataProvider;
///
/// let credentials = Credentials::provider(MetadataProvider::new()?);
/// # Ok::<(), codegen_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct MetadataProvider {
    inner: Arc<Inner>,
}

struct Inner {
    /// Without a trailing `/`.
    base: String,
    http: reqwest::Client,
    /// The credentials held, read without waiting.
    current: RwLock<Option<Held>>,
    /// Held by the one fetch under way; guards the session token.
    fetching: Arc<tokio::sync::Mutex<Session>>,
}

/// Credentials held, and when to fetch them again.
#[derive(Clone)]
struct Held {
    signer: Arc<dyn Signer>,
    access_key: String,
    /// From then on, new credentials are fetched in the background while these are used.
    refresh_at: SystemTime,
    /// From then on, requests wait for new credentials.
    usable_until: SystemTime,
}

/// What the fetching request keeps between fetches.
#[derive(Default)]
struct Session {
    /// The session token and when it stops being used.
    token: Option<(String, Instant)>,
    /// When the service last said it has no session tokens.
    no_token_since: Option<Instant>,
    /// The last failed fetch: when it ended and why.
    last_failure: Option<(Instant, String)>,
}

/// Credentials as the service gave them.
#[derive(Debug, PartialEq, Eq)]
struct Fetched {
    access: String,
    secret: String,
    security_token: Option<String>,
    expires_at: SystemTime,
}

impl MetadataProvider {
    /// The metadata service at its usual address, `http://169.254.169.254`.
    pub fn new() -> Result<Self, Error> {
        Self::with_base_url(METADATA_ENDPOINT)
    }

    /// A metadata service at another address (a test server, a proxy of the service).
    /// Requests go there directly, never through a proxy, with a 3 s connect and read
    /// timeout.
    pub fn with_base_url(base_url: &str) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(3))
            .read_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| Error::Transport(Box::new(e)))?;
        Self::with_http_client(base_url, http)
    }

    /// A metadata service at `base_url`, asked with this HTTP client.
    pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Self, Error> {
        let parsed: http::Uri = base_url
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("metadata address `{base_url}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.authority().is_none() {
            return Err(Error::InvalidRequest(format!(
                "metadata address `{base_url}` needs http:// or https:// and a host"
            )));
        }
        Ok(Self {
            inner: Arc::new(Inner {
                base: base_url.trim_end_matches('/').to_owned(),
                http,
                current: RwLock::new(None),
                fetching: Arc::new(tokio::sync::Mutex::new(Session::default())),
            }),
        })
    }

    /// The address of the service, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }
}

impl Inner {
    fn held(&self) -> Option<Held> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn hold(&self, held: Held) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(held);
    }

    /// The signer to use now; `this` is shared with a background refresh.
    async fn signer(this: &Arc<Inner>) -> Result<Arc<dyn Signer>, Error> {
        let now = SystemTime::now();
        let held = this.held();
        if let Some(held) = held.as_ref().filter(|h| now < h.refresh_at) {
            return Ok(Arc::clone(&held.signer));
        }
        if let Some(held) = held.filter(|h| now < h.usable_until) {
            // Due, not expired: refresh in the background unless that is under way, and
            // sign with these meanwhile.
            if let Ok(session) = Arc::clone(&this.fetching).try_lock_owned() {
                let inner = Arc::clone(this);
                tokio::spawn(async move { inner.refresh_early(session).await });
            }
            return Ok(held.signer);
        }
        // Nothing usable: wait for the one fetch.
        let waiting_since = Instant::now();
        let mut session = this.fetching.lock().await;
        if let Some(newer) = this.held().filter(|h| SystemTime::now() < h.usable_until) {
            return Ok(newer.signer);
        }
        if let Some((at, reason)) = &session.last_failure {
            if *at >= waiting_since {
                // The fetch this request waited for failed; don't ask again at once.
                return Err(Error::Credentials(reason.clone()));
            }
        }
        this.fetch(&mut session).await
    }

    /// Fetches new credentials before those held expire; after a failure, those held are
    /// used a little longer before the next try.
    async fn refresh_early(&self, mut session: tokio::sync::OwnedMutexGuard<Session>) {
        if self.held().is_some_and(|h| SystemTime::now() < h.refresh_at) {
            return;
        }
        if let Err(error) = self.fetch(&mut session).await {
            #[cfg(feature = "tracing")]
            tracing::warn!(%error, "refreshing metadata credentials failed; using the current ones");
            #[cfg(not(feature = "tracing"))]
            let _ = error;
            if let Some(mut held) = self.held() {
                held.refresh_at = (SystemTime::now() + RETRY_REFRESH_AFTER).min(held.usable_until);
                self.hold(held);
            }
        }
    }

    /// Fetches and holds new credentials; the caller holds the fetching lock.
    async fn fetch(&self, session: &mut Session) -> Result<Arc<dyn Signer>, Error> {
        let now = SystemTime::now();
        let result = self.fetch_credentials(session).await.and_then(|fetched| {
            if fetched.expires_at <= now {
                return Err(Error::Credentials(format!(
                    "the metadata service at {} gave credentials that expired at {} (is this \
                     machine's clock right?)",
                    self.base,
                    chrono::DateTime::<chrono::Utc>::from(fetched.expires_at).to_rfc3339()
                )));
            }
            Ok(fetched)
        });
        match result {
            Ok(fetched) => {
                session.last_failure = None;
                let now = SystemTime::now();
                let lifetime = fetched.expires_at.duration_since(now).unwrap_or_default();
                let mut signer = AkSk::new(fetched.access.clone(), fetched.secret);
                if let Some(token) = fetched.security_token {
                    signer = signer.with_security_token(token);
                }
                let signer: Arc<dyn Signer> = Arc::new(signer);
                self.hold(Held {
                    signer: Arc::clone(&signer),
                    access_key: fetched.access,
                    refresh_at: now + lifetime - REFRESH_AHEAD.min(lifetime / 2),
                    usable_until: now + lifetime - EXPIRY_MARGIN.min(lifetime / 4),
                });
                Ok(signer)
            }
            Err(error) => {
                let reason = match &error {
                    Error::Credentials(reason) => reason.clone(),
                    other => other.to_string(),
                };
                session.last_failure = Some((Instant::now(), reason));
                Err(error)
            }
        }
    }

    async fn fetch_credentials(&self, session: &mut Session) -> Result<Fetched, Error> {
        let mut token = self.session_token(session, false).await?;
        let (mut status, mut body) = self.security_key(token.as_deref()).await?;
        if status == 401 && !body.contains(NO_AGENCY) {
            // The token may have expired early: one more try with a new one.
            session.token = None;
            token = self.session_token(session, true).await?;
            (status, body) = self.security_key(token.as_deref()).await?;
        }
        if status == 200 {
            return parse_credential(&body).map_err(|e| {
                Error::Credentials(format!("the metadata service at {} gave no usable credential: {e}", self.base))
            });
        }
        let hint = if body.contains(NO_AGENCY) {
            " (the server has no agency to take credentials from: configure one for it)"
        } else {
            ""
        };
        Err(Error::Credentials(format!(
            "the metadata service at {} answered {status} to {SECURITY_KEY_PATH}{hint}: {}",
            self.base,
            excerpt(&body)
        )))
    }

    /// The session token to send: the one held while it lasts, else a new one; `None`
    /// when the service has none (404, 405 or 503). With `required`, that is an error.
    async fn session_token(&self, session: &mut Session, required: bool) -> Result<Option<String>, Error> {
        if let Some((token, until)) = &session.token {
            if Instant::now() < *until {
                return Ok(Some(token.clone()));
            }
        }
        if !required && session.no_token_since.is_some_and(|since| since.elapsed() < NO_TOKEN_RECHECK) {
            return Ok(None);
        }
        let url = format!("{}{TOKEN_PATH}", self.base);
        let put = self.http.put(&url).header(X_METADATA_TOKEN_TTL_SECONDS, TOKEN_TTL.as_secs());
        let (status, body) = self.send(put).await?;
        match status {
            200 => {
                let token = body.trim().to_owned();
                if token.is_empty() || http::HeaderValue::from_str(&token).is_err() {
                    return Err(Error::Credentials(format!(
                        "the metadata service at {} gave a session token that cannot be sent",
                        self.base
                    )));
                }
                session.token = Some((token.clone(), Instant::now() + TOKEN_TTL - TOKEN_MARGIN));
                session.no_token_since = None;
                Ok(Some(token))
            }
            404 | 405 | 503 if !required => {
                session.no_token_since = Some(Instant::now());
                Ok(None)
            }
            _ => Err(Error::Credentials(format!(
                "the metadata service at {} answered {status} to {TOKEN_PATH}: {}",
                self.base,
                excerpt(&body)
            ))),
        }
    }

    /// `GET` the security key, with the session token when there is one.
    async fn security_key(&self, token: Option<&str>) -> Result<(u16, String), Error> {
        let url = format!("{}{SECURITY_KEY_PATH}", self.base);
        let mut request = self.http.get(&url);
        if let Some(token) = token {
            request = request.header(X_METADATA_TOKEN, token);
        }
        self.send(request).await
    }

    /// Sends a request to the service; the status and the body as text.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(u16, String), Error> {
        let failed = |e: reqwest::Error| {
            Error::Credentials(format!("the metadata service at {} cannot be reached: {e}", self.base))
        };
        let response = request.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(failed)?;
        Ok((status, body))
    }
}

impl CredentialsProvider for MetadataProvider {
    fn signer(&self) -> BoxFuture<'_, Result<Arc<dyn Signer>, Error>> {
        Box::pin(Inner::signer(&self.inner))
    }

    fn fresh_signer(&self) -> Option<Arc<dyn Signer>> {
        let held = self.inner.held()?;
        (SystemTime::now() < held.refresh_at).then_some(held.signer)
    }
}

impl fmt::Debug for MetadataProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.inner.held();
        f.debug_struct("MetadataProvider")
            .field("base_url", &self.inner.base)
            .field("access_key", &held.as_ref().map(|h| h.access_key.as_str()))
            .finish()
    }
}

/// Reads the service's answer. Errors name the member that is wrong, never a value.
fn parse_credential(body: &str) -> Result<Fetched, String> {
    let parsed: serde_json::Value = serde_json::from_str(body).map_err(|e| {
        // Only the position: serde's messages can quote the text.
        format!("the answer is not JSON (line {}, column {})", e.line(), e.column())
    })?;
    let object = parsed
        .get("credential")
        .or_else(|| parsed.get("credentials"))
        .unwrap_or(&parsed);
    let text = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| object.get(*name).and_then(serde_json::Value::as_str))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let required = |names: &[&str]| text(names).ok_or_else(|| format!("`credential.{}` is missing", names[0]));
    let access = required(&["access", "accessKeyId", "access_key_id"])?;
    let secret = required(&["secret", "secretAccessKey", "secret_access_key"])?;
    let security_token = text(&["securitytoken", "securityToken", "security_token"]);
    let expires_at = required(&["expires_at", "expiration"])?;
    let expires_at = parse_time(&expires_at).ok_or("`credential.expires_at` is not a date-time")?;
    Ok(Fetched {
        access,
        secret,
        security_token,
        expires_at,
    })
}

/// `2024-01-02T03:04:05.000000Z` (the layout of the service), any RFC 3339 date-time,
/// or the same without a zone (UTC).
fn parse_time(text: &str) -> Option<SystemTime> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(time.to_utc().into());
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc().into())
}

/// The start of an error body, for messages.
fn excerpt(body: &str) -> String {
    const MAX: usize = 200;
    let body = body.trim();
    match body.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &body[..at]),
        None if body.is_empty() => "(empty body)".to_owned(),
        None => body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn reads_the_credential_of_the_service() {
        let body = r#"{"credential":{"access":"AK1","secret":"SK1","securitytoken":"T1","expires_at":"2024-01-02T03:04:05.000000Z"}}"#;
        let fetched = parse_credential(body).expect("valid");
        assert_eq!(fetched.access, "AK1");
        assert_eq!(fetched.secret, "SK1");
        assert_eq!(fetched.security_token.as_deref(), Some("T1"));
        assert_eq!(fetched.expires_at, UNIX_EPOCH + Duration::from_secs(1_704_164_645));
        let other_names = r#"{"credentials":{"accessKeyId":"a","secretAccessKey":"s","expiration":"2024-01-02T03:04:05"}}"#;
        assert_eq!(parse_credential(other_names).expect("valid").security_token, None);
    }

    #[test]
    fn malformed_answers_say_what_is_wrong_without_values() {
        for (body, expected) in [
            ("<html>secret</html>", "not JSON"),
            (r#"{"credential":{"secret":"s3cr3t","expires_at":"2024-01-02T03:04:05Z"}}"#, "`credential.access` is missing"),
            (r#"{"credential":{"access":"a","secret":"s3cr3t","expires_at":"soon"}}"#, "not a date-time"),
            (r#"{"credential":{"access":"a","secret":"s3cr3t","expires_at":1}}"#, "`credential.expires_at` is missing"),
            ("[]", "`credential.access` is missing"),
        ] {
            let error = parse_credential(body).expect_err(body);
            assert!(error.contains(expected), "{body}: {error}");
            assert!(!error.contains("s3cr3t") && !error.contains("secret</"), "{error}");
        }
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt(""), "(empty body)");
        assert_eq!(excerpt(&"é".repeat(300)).chars().count(), 203);
    }

    #[test]
    fn the_address_must_be_http() {
        assert!(MetadataProvider::with_base_url("ftp://x").is_err());
        assert!(MetadataProvider::with_base_url("169.254.169.254").is_err());
        let provider = MetadataProvider::with_base_url("http://127.0.0.1:1/").expect("url");
        assert_eq!(provider.base_url(), "http://127.0.0.1:1");
        assert!(provider.fresh_signer().is_none());
    }
}
