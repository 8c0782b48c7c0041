//! Temporary credentials of an ECS or BMS server, from its metadata service (feature
//! `client`), as the official SDKs fetch them.
//!
//! 1. `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds` asks for a
//!    session token. A service that does not know the call answers 404 or 405 (or 503),
//!    and the credentials are then asked for without a token.
//! 2. `GET /openstack/latest/securitykey`, with the token as `X-Metadata-Token`, answers
//!    `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`.
//!
//! The credentials are kept and refreshed before they expire by the machinery every
//! temporary source shares (`refresh.rs`).

use super::refresh::{self, Fetch, Refresher, Temporary};
use crate::auth::Signer;
use crate::{BoxFuture, CredentialsProvider, Env, Error};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The metadata service of ECS and BMS servers.
pub const METADATA_ENDPOINT: &str = "http://169.254.169.254";

/// `true` (or `1`) turns the metadata service off for the
/// [`CredentialChain`](super::CredentialChain) and [`MetadataProvider::from_env`]; `false`
/// (or `0`) leaves it on. This runtime's own setting: the official SDKs have none.
pub const ENV_METADATA_DISABLED: &str = "HUAWEICLOUD_SDK_METADATA_DISABLED";

/// The metadata service's address when it is not `http://169.254.169.254` (a proxy of
/// it, a test server). This runtime's own setting: the official SDKs have none.
pub const ENV_METADATA_ENDPOINT: &str = "HUAWEICLOUD_SDK_METADATA_ENDPOINT";

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
    refresher: Refresher<Metadata>,
}

/// How the metadata service is asked.
struct Metadata {
    /// Without a trailing `/`.
    base: String,
    http: reqwest::Client,
}

/// What fetches keep between them.
#[derive(Default)]
struct Session {
    /// The session token and when it stops being used.
    token: Option<(String, Instant)>,
    /// When the service last said it has no session tokens.
    no_token_since: Option<Instant>,
}

impl MetadataProvider {
    /// The metadata service at its usual address, `http://169.254.169.254`.
    pub fn new() -> Result<Self, Error> {
        Self::with_base_url(METADATA_ENDPOINT)
    }

    /// The metadata service as `env` sets it: `None` when
    /// `HUAWEICLOUD_SDK_METADATA_DISABLED` is `true` (or `1`), else the service at
    /// `HUAWEICLOUD_SDK_METADATA_ENDPOINT` when set, else at its usual address.
    ///
    /// Fails with [`Error::Credentials`] naming the variable when either holds something
    /// else than what it takes.
    pub fn from_env(env: &Env) -> Result<Option<Self>, Error> {
        if let Some(value) = env.get(ENV_METADATA_DISABLED) {
            match value.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => return Ok(None),
                "false" | "0" => {}
                _ => {
                    return Err(Error::Credentials(format!(
                        "{ENV_METADATA_DISABLED} is `{value}`; it takes true or false"
                    )));
                }
            }
        }
        let base = env.get(ENV_METADATA_ENDPOINT);
        Self::with_base_url(base.as_deref().unwrap_or(METADATA_ENDPOINT))
            .map(Some)
            .map_err(|e| match base {
                Some(_) => Error::Credentials(format!("{ENV_METADATA_ENDPOINT}: {}", super::chain::reason(e))),
                None => e,
            })
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
        let base = base_url.trim_end_matches('/').to_owned();
        Ok(Self {
            refresher: Refresher::new(Metadata { base, http }),
        })
    }

    /// The address of the service, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.refresher.fetcher().base
    }
}

impl Fetch for Metadata {
    type State = Session;

    fn fetch<'a>(&'a self, session: &'a mut Session) -> BoxFuture<'a, Result<Temporary, Error>> {
        Box::pin(self.fetch_credentials(session))
    }

    fn source(&self) -> String {
        format!("the metadata service at {}", self.base)
    }
}

impl Metadata {
    async fn fetch_credentials(&self, session: &mut Session) -> Result<Temporary, Error> {
        let mut token = self.session_token(session, false).await?;
        let (mut status, mut body) = self.security_key(token.as_deref()).await?;
        if status == 401 && !body.contains(NO_AGENCY) {
            // The token may have expired early: one more try with a new one.
            session.token = None;
            token = self.session_token(session, true).await?;
            (status, body) = self.security_key(token.as_deref()).await?;
        }
        if status == 200 {
            return refresh::parse_credential(body.as_bytes()).map_err(|e| {
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
            refresh::excerpt(body.as_bytes(), None)
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
                refresh::excerpt(body.as_bytes(), None)
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
        self.refresher.signer()
    }

    fn fresh_signer(&self) -> Option<Arc<dyn Signer>> {
        self.refresher.fresh_signer()
    }
}

impl fmt::Debug for MetadataProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataProvider")
            .field("base_url", &self.base_url())
            .field("access_key", &self.refresher.access_key())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_must_be_http() {
        assert!(MetadataProvider::with_base_url("ftp://x").is_err());
        assert!(MetadataProvider::with_base_url("169.254.169.254").is_err());
        let provider = MetadataProvider::with_base_url("http://127.0.0.1:1/").expect("url");
        assert_eq!(provider.base_url(), "http://127.0.0.1:1");
        assert!(provider.fresh_signer().is_none());
    }

    #[test]
    fn the_environment_turns_it_off_or_points_it_elsewhere() {
        let from = |pairs: &[(&str, &str)]| MetadataProvider::from_env(&Env::from_pairs(pairs.iter().copied()));
        let both = from(&[(ENV_METADATA_DISABLED, "TRUE"), (ENV_METADATA_ENDPOINT, "http://127.0.0.1:1")]);
        assert!(both.expect("off").is_none(), "off wins");
        assert!(from(&[(ENV_METADATA_DISABLED, "1")]).expect("off").is_none());
        let elsewhere = from(&[(ENV_METADATA_DISABLED, "false"), (ENV_METADATA_ENDPOINT, "http://127.0.0.1:1/")]);
        assert_eq!(elsewhere.expect("on").expect("provider").base_url(), "http://127.0.0.1:1");
        assert_eq!(from(&[]).expect("on").expect("provider").base_url(), METADATA_ENDPOINT);
        let typo = from(&[(ENV_METADATA_DISABLED, "yes please")]).expect_err("not a boolean");
        assert!(typo.to_string().contains("HUAWEICLOUD_SDK_METADATA_DISABLED is `yes please`"), "{typo}");
        let bad = from(&[(ENV_METADATA_ENDPOINT, "169.254.169.254")]).expect_err("no scheme");
        assert!(matches!(&bad, Error::Credentials(m) if m.starts_with("HUAWEICLOUD_SDK_METADATA_ENDPOINT: ")), "{bad}");
    }
}
