//! IdP federation: an ID token of an identity provider configured in IAM, exchanged at
//! IAM for temporary keys, as the official SDKs' `FederalAccessor` does for
//! `HUAWEICLOUD_SDK_IDP_ID` and `HUAWEICLOUD_SDK_ID_TOKEN_FILE` (or `idp_id` and
//! `id_token_file` in the profile file). The exchanges need the `client` feature; see
//! `IdpProvider`.

use super::{Account, ENV_IAM_ENDPOINT, IAM_DEFAULT_ENDPOINT, endpoint_from_setting};
use crate::{Endpoint, Env};
use std::path::PathBuf;

/// The IAM endpoint to exchange ID tokens at: `own` (the profile's `iam_endpoint`), else
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else [`IAM_DEFAULT_ENDPOINT`] (no region is known
/// yet). Errors name the setting.
fn iam_endpoint(env: &Env, own: Option<&str>) -> Result<Endpoint, String> {
    let (setting, url) = match (own, env.get(ENV_IAM_ENDPOINT)) {
        (Some(url), _) => ("iam_endpoint", url.to_owned()),
        (None, Some(url)) => (ENV_IAM_ENDPOINT, url),
        (None, None) => ("the default IAM endpoint", IAM_DEFAULT_ENDPOINT.to_owned()),
    };
    endpoint_from_setting(&url).map_err(|e| format!("IdP federation: {setting}: {}", super::chain::reason(e)))
}

/// An account whose keys come from exchanging the ID token in `token_file` (named by the
/// setting `setting`) for `idp_id`, at IAM per [`iam_endpoint`] with `own_iam`; proxies
/// from `env`. Errors are for the chain to stop at: the source is configured, but not
/// usable.
#[cfg(feature = "client")]
pub(super) fn federated(
    idp_id: String,
    token_file: PathBuf,
    own_iam: Option<&str>,
    env: &Env,
    setting: &'static str,
) -> Result<Account, String> {
    let iam = iam_endpoint(env, own_iam)?;
    let provider = IdpProvider::with_env(idp_id, token_file, iam, env, setting).map_err(super::chain::reason)?;
    let mut account = Account::new(crate::Credentials::provider(provider.clone()));
    account.source = provider.source();
    account.env = env.clone();
    Ok(account)
}

/// Without the `client` feature nothing can be exchanged: a configured IdP is an error
/// rather than a reason to go on as another identity.
#[cfg(not(feature = "client"))]
pub(super) fn federated(
    idp_id: String,
    token_file: PathBuf,
    own_iam: Option<&str>,
    env: &Env,
    setting: &'static str,
) -> Result<Account, String> {
    let _ = (idp_id, token_file, iam_endpoint(env, own_iam)?);
    Err(format!(
        "IdP federation ({setting}): exchanging ID tokens needs the `client` feature of the runtime"
    ))
}

#[cfg(feature = "client")]
pub use provider::IdpProvider;

#[cfg(feature = "client")]
mod provider {
    use super::super::refresh::{self, Fetch, Refresher, Temporary};
    use super::super::sts::{Exchanger, refusal, sdk_json};
    use crate::auth::Signer;
    use crate::{BoxFuture, CredentialsProvider, Endpoint, Env, Error};
    use std::fmt;
    use std::path::PathBuf;
    use std::sync::Arc;

    const TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
    const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
    const X_IDP_ID: &str = "X-Idp-Id";
    const X_SUBJECT_TOKEN: &str = "x-subject-token";
    /// How long the keys are asked to last (6 hours, as the official SDKs ask).
    const DURATION_SECONDS: u32 = 6 * 60 * 60;

    /// Temporary keys for an identity provider's ID token, exchanged at IAM as the
    /// official SDKs' `FederalAccessor` does, kept and exchanged again before they
    /// expire; use with [`Credentials::provider`](crate::Credentials::provider). The
    /// environment and profile sources make one when they find an IdP id and an ID token
    /// file.
    ///
    /// 1. `POST {iam}/v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id: {idp id}` and
    ///    `{"auth": {"id_token": {"id": ..}}}` gives an unscoped IAM token
    ///    (`X-Subject-Token`);
    /// 2. `POST {iam}/v3.0/OS-CREDENTIAL/securitytokens` with `{"auth": {"identity":
    ///    {"methods": ["token"], "token": {"id": .., "duration_seconds": 21600}}}}` gives
    ///    keys for 6 hours.
    ///
    /// Both unsigned, with `Content-Type: application/json;charset=UTF-8` and the bodies
    /// the SDK writes, byte for byte. The token file is read at every exchange, and its
    /// content sent as read (without surrounding whitespace, as the SDK reads it).
    ///
    /// Clones share the keys held. `Debug` shows IAM, the IdP id, the token file and the
    /// access key id, never a token, the secret key or the security token.
    #[derive(Clone)]
    pub struct IdpProvider {
        refresher: Refresher<Idp>,
    }

    struct Idp {
        idp_id: String,
        token_file: PathBuf,
        iam: Endpoint,
        /// The setting the token file came from, for messages.
        setting: &'static str,
        exchanger: Exchanger,
    }

    impl IdpProvider {
        /// Exchanges the ID token in `token_file` for `idp_id` at `iam`, through the proxies
        /// of the process's environment.
        pub fn new(idp_id: impl Into<String>, token_file: impl Into<PathBuf>, iam: Endpoint) -> Result<Self, Error> {
            Self::with_env(
                idp_id.into(),
                token_file.into(),
                iam,
                &Env::process(),
                super::super::ENV_ID_TOKEN_FILE,
            )
        }

        /// The same, with this HTTP client (its proxies, timeouts and certificates).
        pub fn with_http_client(
            idp_id: impl Into<String>,
            token_file: impl Into<PathBuf>,
            iam: Endpoint,
            http: reqwest::Client,
        ) -> Result<Self, Error> {
            let exchanger = Exchanger::with_http_client(http)?;
            Ok(Self::with(
                idp_id.into(),
                token_file.into(),
                iam,
                super::super::ENV_ID_TOKEN_FILE,
                exchanger,
            ))
        }

        /// Through the proxies `env` names; `setting` names the token file's setting.
        pub(super) fn with_env(
            idp_id: String,
            token_file: PathBuf,
            iam: Endpoint,
            env: &Env,
            setting: &'static str,
        ) -> Result<Self, Error> {
            Ok(Self::with(idp_id, token_file, iam, setting, Exchanger::new(env)?))
        }

        fn with(
            idp_id: String,
            token_file: PathBuf,
            iam: Endpoint,
            setting: &'static str,
            exchanger: Exchanger,
        ) -> Self {
            let idp = Idp {
                idp_id,
                token_file,
                iam,
                setting,
                exchanger,
            };
            Self {
                refresher: Refresher::new(idp),
            }
        }

        /// Where the exchanges go.
        pub fn iam_endpoint(&self) -> &Endpoint {
            &self.refresher.fetcher().iam
        }

        /// The source, for messages and [`Account::source`](crate::huawei::Account::source).
        pub(in super::super) fn source(&self) -> String {
            self.refresher.fetcher().source()
        }
    }

    impl Fetch for Idp {
        type State = ();

        fn fetch<'a>(&'a self, _: &'a mut ()) -> BoxFuture<'a, Result<Temporary, Error>> {
            Box::pin(self.exchange())
        }

        fn source(&self) -> String {
            format!("IdP federation ({} at IAM {})", self.idp_id, self.iam.base_url())
        }
    }

    impl Idp {
        async fn exchange(&self) -> Result<Temporary, Error> {
            let fail = |why: String| Error::Credentials(format!("{}: {why}", self.source()));
            let unreachable = |e: Error| fail(super::super::chain::reason(e));
            let id_token = refresh::read_token_file(&self.token_file)
                .map_err(|e| fail(format!("the ID token file ({}) {e}", self.setting)))?;

            let body = sdk_json(&serde_json::json!({"auth": {"id_token": {"id": id_token}}}));
            let headers = [(X_IDP_ID, self.idp_id.as_str())];
            let response = self
                .exchanger
                .post_json("IAM", &self.iam, TOKEN_PATH, &headers, body)
                .await
                .map_err(unreachable)?;
            if !response.status().is_success() {
                return Err(fail(format!(
                    "IAM refused the ID token of {} {}: {}",
                    self.setting,
                    self.token_file.display(),
                    refusal(response, &[&id_token])
                )));
            }
            let Some(token) = crate::__private::header_text(response.headers(), X_SUBJECT_TOKEN) else {
                return Err(fail("IAM answered the ID token without an X-Subject-Token".to_owned()));
            };

            let identity =
                serde_json::json!({"methods": ["token"], "token": {"id": token, "duration_seconds": DURATION_SECONDS}});
            let body = sdk_json(&serde_json::json!({"auth": {"identity": identity}}));
            let response = self
                .exchanger
                .post_json("IAM", &self.iam, SECURITY_TOKENS_PATH, &[], body)
                .await
                .map_err(unreachable)?;
            if !response.status().is_success() {
                return Err(fail(format!(
                    "IAM refused temporary keys for the token of the ID token: {}",
                    refusal(response, &[&id_token, &token])
                )));
            }
            refresh::parse_credential(response.body()).map_err(|e| fail(format!("IAM gave no usable credentials: {e}")))
        }
    }

    impl CredentialsProvider for IdpProvider {
        fn signer(&self) -> BoxFuture<'_, Result<Arc<dyn Signer>, Error>> {
            self.refresher.signer()
        }

        fn fresh_signer(&self) -> Option<Arc<dyn Signer>> {
            self.refresher.fresh_signer()
        }
    }

    impl fmt::Debug for IdpProvider {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let idp = self.refresher.fetcher();
            f.debug_struct("IdpProvider")
                .field("iam_endpoint", &idp.iam.base_url())
                .field("idp_id", &idp.idp_id)
                .field("token_file", &idp.token_file)
                .field("access_key", &self.refresher.access_key())
                .finish()
        }
    }
}
