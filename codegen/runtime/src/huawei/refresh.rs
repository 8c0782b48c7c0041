//! Temporary credentials kept and fetched again before they expire: the part every
//! source of temporary keys shares (the metadata service, OIDC and IdP federation, pod
//! identity). Each source says how to fetch ([`Fetch`]); a [`Refresher`] decides when.
//!
//! The credentials are fetched again 40 minutes before they expire (or half their
//! lifetime before, when they last less than 80 minutes), as the official SDKs do, in the
//! background while requests keep signing with the credentials held. Only when those
//! have expired (or are within a minute of it) do requests wait, all for the same single
//! fetch.

use super::AkSk;
use crate::auth::Signer;
use crate::{BoxFuture, Error};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// Credentials are fetched again this long before they expire (at most half their
/// lifetime), as the official SDKs do.
const REFRESH_AHEAD: Duration = Duration::from_secs(40 * 60);
/// Credentials are not used in the last minute of their lifetime (at most a quarter of
/// it): a request signed then could arrive after they expire.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// After a failed early refresh, how long the credentials held are used before trying
/// again.
const RETRY_REFRESH_AFTER: Duration = Duration::from_secs(10);

/// Temporary keys as a source gave them. `Debug` shows the access key id only.
pub(super) struct Temporary {
    pub access: String,
    pub secret: String,
    pub security_token: Option<String>,
    pub expires_at: SystemTime,
}

impl fmt::Debug for Temporary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Temporary")
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

/// How one source fetches temporary keys.
pub(super) trait Fetch: Send + Sync + 'static {
    /// What fetches keep between them (the metadata service's session token), guarded by
    /// the one-fetch-at-a-time lock.
    type State: Default + Send + 'static;

    /// Fetches new keys. Errors are [`Error::Credentials`] naming the source, never a
    /// secret.
    fn fetch<'a>(&'a self, state: &'a mut Self::State) -> BoxFuture<'a, Result<Temporary, Error>>;

    /// The source, for messages: `the metadata service at http://169.254.169.254`.
    fn source(&self) -> String;
}

/// Keeps the keys of `F` and fetches them again when due. Clones share everything.
pub(super) struct Refresher<F: Fetch> {
    inner: Arc<Inner<F>>,
}

impl<F: Fetch> Clone for Refresher<F> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<F: Fetch> {
    fetcher: F,
    /// The credentials held, read without waiting.
    current: RwLock<Option<Held>>,
    /// Held by the one fetch under way.
    fetching: Arc<tokio::sync::Mutex<Session<F::State>>>,
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
struct Session<S> {
    state: S,
    /// The last failed fetch: when it ended and why.
    last_failure: Option<(Instant, String)>,
}

impl<F: Fetch> Refresher<F> {
    pub(super) fn new(fetcher: F) -> Self {
        Self {
            inner: Arc::new(Inner {
                fetcher,
                current: RwLock::new(None),
                fetching: Arc::new(tokio::sync::Mutex::new(Session::default())),
            }),
        }
    }

    pub(super) fn fetcher(&self) -> &F {
        &self.inner.fetcher
    }

    /// The signer to use now, fetched first when none is usable.
    pub(super) fn signer(&self) -> BoxFuture<'_, Result<Arc<dyn Signer>, Error>> {
        Box::pin(Inner::signer(&self.inner))
    }

    /// The signer held when it is not due for a refresh; never waits.
    pub(super) fn fresh_signer(&self) -> Option<Arc<dyn Signer>> {
        let held = self.inner.held()?;
        (SystemTime::now() < held.refresh_at).then_some(held.signer)
    }

    /// The access key id held, for `Debug`.
    pub(super) fn access_key(&self) -> Option<String> {
        self.inner.held().map(|held| held.access_key)
    }
}

impl<F: Fetch> Inner<F> {
    fn held(&self) -> Option<Held> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn hold(&self, held: Held) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(held);
    }

    /// The signer to use now; `this` is shared with a background refresh.
    async fn signer(this: &Arc<Self>) -> Result<Arc<dyn Signer>, Error> {
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
    async fn refresh_early(&self, mut session: tokio::sync::OwnedMutexGuard<Session<F::State>>) {
        if self.held().is_some_and(|h| SystemTime::now() < h.refresh_at) {
            return;
        }
        if let Err(error) = self.fetch(&mut session).await {
            #[cfg(feature = "tracing")]
            tracing::warn!(%error, "refreshing temporary credentials failed; using the current ones");
            #[cfg(not(feature = "tracing"))]
            let _ = error;
            if let Some(mut held) = self.held() {
                held.refresh_at = (SystemTime::now() + RETRY_REFRESH_AFTER).min(held.usable_until);
                self.hold(held);
            }
        }
    }

    /// Fetches and holds new credentials; the caller holds the fetching lock.
    async fn fetch(&self, session: &mut Session<F::State>) -> Result<Arc<dyn Signer>, Error> {
        let result = self.fetcher.fetch(&mut session.state).await.and_then(|fetched| {
            if fetched.expires_at <= SystemTime::now() {
                return Err(Error::Credentials(format!(
                    "{} gave credentials that expired at {} (is this machine's clock right?)",
                    self.fetcher.source(),
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
}

/// Reads temporary keys as every source writes them (the official SDKs' one reader):
/// `{"credential": {..}}`, `{"credentials": {..}}` or the members alone, named
/// `access`/`accessKeyId`/`access_key_id`, `secret`/`secretAccessKey`/`secret_access_key`,
/// `securitytoken`/`securityToken`/`security_token` and `expires_at`/`expiration`.
/// Errors name the member that is wrong, never a value.
pub(super) fn parse_credential(body: &[u8]) -> Result<Temporary, String> {
    let parsed: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
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
    Ok(Temporary {
        access,
        secret,
        security_token,
        expires_at,
    })
}

/// `2024-01-02T03:04:05.000000Z` (the layout of the services), any RFC 3339 date-time,
/// or the same without a zone (UTC).
fn parse_time(text: &str) -> Option<SystemTime> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(time.to_utc().into());
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc().into())
}

/// The content of a token file, read afresh at each fetch (projected tokens are rotated),
/// without surrounding whitespace (a trailing newline), as the official SDKs read it.
/// Errors name the file, never its content.
pub(super) fn read_token_file(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{shown} does not exist"),
        _ => format!("{shown} cannot be read: {e}"),
    })?;
    match text.trim() {
        "" => Err(format!("{shown} is empty")),
        token => Ok(token.to_owned()),
    }
}

/// The start of an error body, for messages, with `secret` (the ID token sent, which a
/// service may quote back) replaced.
pub(super) fn excerpt(body: &[u8], secret: Option<&str>) -> String {
    const MAX: usize = 200;
    let text = redact(&String::from_utf8_lossy(body), secret);
    let body = text.trim();
    match body.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &body[..at]),
        None if body.is_empty() => "(empty body)".to_owned(),
        None => body.to_owned(),
    }
}

/// `text` with every occurrence of `secret` replaced by `<redacted>`.
pub(super) fn redact(text: &str, secret: Option<&str>) -> String {
    match secret.map(str::trim).filter(|s| !s.is_empty()) {
        Some(secret) => text.replace(secret, "<redacted>"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn reads_the_credential_of_every_source() {
        let body = br#"{"credential":{"access":"AK1","secret":"SK1","securitytoken":"T1","expires_at":"2024-01-02T03:04:05.000000Z"}}"#;
        let fetched = parse_credential(body).expect("valid");
        assert_eq!((fetched.access.as_str(), fetched.secret.as_str()), ("AK1", "SK1"));
        assert_eq!(fetched.security_token.as_deref(), Some("T1"));
        assert_eq!(fetched.expires_at, UNIX_EPOCH + Duration::from_secs(1_704_164_645));
        let other_names =
            br#"{"credentials":{"accessKeyId":"a","secretAccessKey":"s","expiration":"2024-01-02T03:04:05"}}"#;
        assert_eq!(parse_credential(other_names).expect("valid").security_token, None);
        // STS's answer to assume-with-oidc.
        let sts = br#"{"credentials":{"access_key_id":"a","secret_access_key":"s","security_token":"t","expiration":"2024-01-02T03:04:05.123Z"}}"#;
        assert_eq!(
            parse_credential(sts).expect("valid").security_token.as_deref(),
            Some("t")
        );
    }

    #[test]
    fn malformed_answers_say_what_is_wrong_without_values() {
        for (body, expected) in [
            ("<html>secret</html>", "not JSON"),
            (
                r#"{"credential":{"secret":"s3cr3t","expires_at":"2024-01-02T03:04:05Z"}}"#,
                "`credential.access` is missing",
            ),
            (
                r#"{"credential":{"access":"a","secret":"s3cr3t","expires_at":"soon"}}"#,
                "not a date-time",
            ),
            (
                r#"{"credential":{"access":"a","secret":"s3cr3t","expires_at":1}}"#,
                "`credential.expires_at` is missing",
            ),
            ("[]", "`credential.access` is missing"),
        ] {
            let error = parse_credential(body.as_bytes()).expect_err(body);
            assert!(error.contains(expected), "{body}: {error}");
            assert!(!error.contains("s3cr3t") && !error.contains("secret</"), "{error}");
        }
        assert!(
            !format!(
                "{:?}",
                parse_credential(br#"{"access":"A","secret":"s3cr3t","expires_at":"2024-01-02T03:04:05Z"}"#)
            )
            .contains("s3cr3t")
        );
    }

    #[test]
    fn excerpts_are_short_and_redacted() {
        assert_eq!(excerpt(b"", None), "(empty body)");
        assert_eq!(excerpt("é".repeat(300).as_bytes(), None).chars().count(), 203);
        assert_eq!(
            excerpt(b"bad token eyJ.x.y\n", Some("eyJ.x.y\n")),
            "bad token <redacted>"
        );
        assert_eq!(redact("a", Some("")), "a");
    }
}
