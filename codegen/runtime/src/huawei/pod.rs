//! Pod identity on CCE: the temporary keys a pod's agency grants, from the credential
//! agent the cluster names in the pod's environment, as the official SDKs'
//! `PodIdentityCredentialProvider` fetches them (fetching needs the `client` feature).
//!
//! `POST {HC_CONTAINER_CREDENTIALS_FULL_URI}` with the content of the file
//! `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` names as `Authorization` (read at every fetch:
//! the cluster rotates it) and the body `{}`; the agent answers the keys as the metadata
//! service does (`{"credential": {..}}`, the other spellings read too).

/// The URL of the pod's credential agent, set by CCE.
pub const ENV_POD_CREDENTIALS_URI: &str = "HC_CONTAINER_CREDENTIALS_FULL_URI";
/// The file holding the token the agent takes as `Authorization`, set by CCE.
pub const ENV_POD_TOKEN_FILE: &str = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE";

#[cfg(feature = "client")]
pub use provider::PodIdentityProvider;

#[cfg(feature = "client")]
mod provider {
    use super::super::refresh::{self, Fetch, Refresher, Temporary};
    use super::{ENV_POD_CREDENTIALS_URI, ENV_POD_TOKEN_FILE};
    use crate::auth::Signer;
    use crate::{BoxFuture, CredentialsProvider, Env, Error};
    use std::fmt;
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::Duration;

    /// Temporary keys of a CCE pod's agency, from the pod's credential agent as the
    /// official SDKs' `PodIdentityCredentialProvider` fetches them, kept and fetched again
    /// before they expire; use with [`Credentials::provider`](crate::Credentials::provider).
    ///
    /// `POST {uri}` with the token file's content as `Authorization` (read at every
    /// fetch: the cluster rotates it) and the body `{}`; the agent answers
    /// `{"credential": {"access", "secret", "securitytoken", "expires_at"}}` (the other
    /// spellings of the metadata service are read too). Requests go to the agent
    /// directly, never through a proxy, with a 5 s connect and read timeout, as the
    /// official SDKs send them.
    ///
    /// Clones share the keys held. `Debug` shows the agent's URL, the token file and the
    /// access key id, never the token, the secret key or the security token.
    #[derive(Clone)]
    pub struct PodIdentityProvider {
        refresher: Refresher<Pod>,
    }

    struct Pod {
        uri: String,
        token_file: PathBuf,
        http: reqwest::Client,
    }

    impl PodIdentityProvider {
        /// The agent at `uri` (`http://` or `https://`), with the token in `token_file`.
        pub fn new(uri: &str, token_file: impl Into<PathBuf>) -> Result<Self, Error> {
            let http = reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(Duration::from_secs(5))
                .read_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| Error::Transport(Box::new(e)))?;
            Self::with_http_client(uri, token_file, http)
        }

        /// The agent `env` names (`HC_CONTAINER_CREDENTIALS_FULL_URI` and
        /// `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE`); `None` when neither is set. Fails
        /// with [`Error::Credentials`] naming the variable when only one is set or the
        /// URL is not usable.
        pub fn from_env(env: &Env) -> Result<Option<Self>, Error> {
            let fail = |why: String| Err(Error::Credentials(format!("pod identity: {why}")));
            match (env.get(ENV_POD_CREDENTIALS_URI), env.get(ENV_POD_TOKEN_FILE)) {
                (None, None) => Ok(None),
                (Some(uri), Some(file)) => match Self::new(&uri, file) {
                    Ok(provider) => Ok(Some(provider)),
                    Err(e) => fail(format!("{ENV_POD_CREDENTIALS_URI}: {}", super::super::chain::reason(e))),
                },
                (Some(_), None) => fail(format!(
                    "{ENV_POD_CREDENTIALS_URI} is set but {ENV_POD_TOKEN_FILE} is not"
                )),
                (None, Some(_)) => fail(format!(
                    "{ENV_POD_TOKEN_FILE} is set but {ENV_POD_CREDENTIALS_URI} is not"
                )),
            }
        }

        /// The agent at `uri`, asked with this HTTP client.
        pub fn with_http_client(
            uri: &str,
            token_file: impl Into<PathBuf>,
            http: reqwest::Client,
        ) -> Result<Self, Error> {
            let parsed: http::Uri = uri
                .parse()
                .map_err(|e| Error::InvalidRequest(format!("pod identity URL `{uri}` is not a URL: {e}")))?;
            if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.authority().is_none() {
                return Err(Error::InvalidRequest(format!(
                    "pod identity URL `{uri}` needs http:// or https:// and a host"
                )));
            }
            let pod = Pod {
                uri: uri.to_owned(),
                token_file: token_file.into(),
                http,
            };
            Ok(Self {
                refresher: Refresher::new(pod),
            })
        }

        /// The agent's URL.
        pub fn uri(&self) -> &str {
            &self.refresher.fetcher().uri
        }
    }

    impl Fetch for Pod {
        type State = ();

        fn fetch<'a>(&'a self, _: &'a mut ()) -> BoxFuture<'a, Result<Temporary, Error>> {
            Box::pin(self.fetch_credentials())
        }

        fn source(&self) -> String {
            format!("pod identity at {}", self.uri)
        }
    }

    impl Pod {
        async fn fetch_credentials(&self) -> Result<Temporary, Error> {
            let fail = |why: String| Error::Credentials(format!("{}: {why}", self.source()));
            let token = refresh::read_token_file(&self.token_file)
                .map_err(|e| fail(format!("the token file ({ENV_POD_TOKEN_FILE}) {e}")))?;
            let mut authorization = http::HeaderValue::from_str(&token).map_err(|_| {
                fail(format!(
                    "the token file ({ENV_POD_TOKEN_FILE}) {} holds characters a header cannot carry",
                    self.token_file.display()
                ))
            })?;
            authorization.set_sensitive(true);
            let unreachable = |e: reqwest::Error| fail(format!("cannot be reached: {}", e.without_url()));
            let response = self
                .http
                .post(&self.uri)
                .header(http::header::AUTHORIZATION, authorization)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body("{}")
                .send()
                .await
                .map_err(unreachable)?;
            let status = response.status();
            let body = response.bytes().await.map_err(unreachable)?;
            if !status.is_success() {
                return Err(fail(format!(
                    "the agent refused the token of {ENV_POD_TOKEN_FILE} {}: {}: {}",
                    self.token_file.display(),
                    status.as_u16(),
                    refresh::excerpt(&body, Some(&token))
                )));
            }
            refresh::parse_credential(&body).map_err(|e| fail(format!("no usable credentials: {e}")))
        }
    }

    impl CredentialsProvider for PodIdentityProvider {
        fn signer(&self) -> BoxFuture<'_, Result<Arc<dyn Signer>, Error>> {
            self.refresher.signer()
        }

        fn fresh_signer(&self) -> Option<Arc<dyn Signer>> {
            self.refresher.fresh_signer()
        }
    }

    impl fmt::Debug for PodIdentityProvider {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let pod = self.refresher.fetcher();
            f.debug_struct("PodIdentityProvider")
                .field("uri", &pod.uri)
                .field("token_file", &pod.token_file)
                .field("access_key", &self.refresher.access_key())
                .finish()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn settings_from_the_environment() {
            let env = |pairs: &[(&str, &str)]| Env::from_pairs(pairs.iter().copied());
            assert!(PodIdentityProvider::from_env(&env(&[])).expect("none").is_none());
            let both = env(&[
                (ENV_POD_CREDENTIALS_URI, "http://169.254.170.2/v1/credentials"),
                (ENV_POD_TOKEN_FILE, "/t"),
            ]);
            let provider = PodIdentityProvider::from_env(&both)
                .expect("valid")
                .expect("configured");
            assert_eq!(provider.uri(), "http://169.254.170.2/v1/credentials");
            assert!(provider.fresh_signer().is_none(), "nothing fetched yet");
            let half = PodIdentityProvider::from_env(&env(&[(ENV_POD_TOKEN_FILE, "/t")])).expect_err("half");
            assert!(
                half.to_string().contains(
                    "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE is set but HC_CONTAINER_CREDENTIALS_FULL_URI is not"
                ),
                "{half}"
            );
            let bad = PodIdentityProvider::from_env(&env(&[
                (ENV_POD_CREDENTIALS_URI, "agent:80"),
                (ENV_POD_TOKEN_FILE, "/t"),
            ]));
            assert!(
                bad.expect_err("no scheme")
                    .to_string()
                    .contains("HC_CONTAINER_CREDENTIALS_FULL_URI: ")
            );
        }
    }
}
