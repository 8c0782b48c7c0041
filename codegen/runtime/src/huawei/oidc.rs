//! OIDC federation: an ID token of an OIDC identity provider (a Kubernetes service
//! account, a CI job) exchanged at STS for the temporary keys of an agency, as the
//! official SDKs' `OidcStsCredentialProvider` does. The settings are read without the
//! `client` feature; the exchange (`OidcProvider`) needs it.

use super::sts::{ENV_STS_ENDPOINT, sts_endpoint};
use crate::{Endpoint, Env, Error};
use std::fmt;
use std::path::PathBuf;

/// The URN of the OIDC identity provider configured in IAM.
pub const ENV_OIDC_PROVIDER_URN: &str = "HUAWEICLOUD_OIDC_PROVIDER_URN";
/// The URN of the agency to act as.
pub const ENV_OIDC_AGENCY_URN: &str = "HUAWEICLOUD_OIDC_AGENCY_URN";
/// The ID token itself (taken before a token file).
pub const ENV_OIDC_ID_TOKEN: &str = "HUAWEICLOUD_OIDC_ID_TOKEN";
/// A file holding the ID token.
pub const ENV_OIDC_TOKEN_FILE: &str = "HUAWEICLOUD_OIDC_TOKEN_FILE";
/// The session name (optional; `oidc-sts-session` by default).
pub const ENV_OIDC_SESSION_NAME: &str = "HUAWEICLOUD_OIDC_SESSION_NAME";
/// How long the keys last, in seconds (optional; 3600 by default).
pub const ENV_OIDC_DURATION_SECONDS: &str = "HUAWEICLOUD_OIDC_DURATION_SECONDS";
/// A policy (JSON text) narrowing the agency's permissions (optional).
pub const ENV_OIDC_POLICY: &str = "HUAWEICLOUD_OIDC_POLICY";
/// Comma-separated ids of policies narrowing them (optional).
pub const ENV_OIDC_POLICY_IDS: &str = "HUAWEICLOUD_OIDC_POLICY_IDS";

const DEFAULT_SESSION_NAME: &str = "oidc-sts-session";
const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// Where the ID token comes from. `Debug` hides a token given as a value.
#[derive(Clone)]
pub enum IdToken {
    /// The token itself, sent as given.
    Value(String),
    /// A file holding it, read at every exchange and sent as read (without surrounding
    /// whitespace, as the official SDKs read it).
    File(PathBuf),
}

#[cfg(feature = "client")]
impl IdToken {
    /// The setting it came from, for messages.
    fn setting(&self) -> String {
        match self {
            IdToken::Value(_) => ENV_OIDC_ID_TOKEN.to_owned(),
            IdToken::File(path) => format!("{ENV_OIDC_TOKEN_FILE} {}", path.display()),
        }
    }
}

impl fmt::Debug for IdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdToken::Value(_) => f.write_str("Value(<redacted>)"),
            IdToken::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

/// What an exchange asks STS for. `Debug` hides an ID token given as a value.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OidcSettings {
    /// The identity provider's URN.
    pub provider_urn: String,
    /// The agency's URN.
    pub agency_urn: String,
    /// The ID token.
    pub id_token: IdToken,
    /// The session name (`oidc-sts-session` by default).
    pub session_name: String,
    /// How long the keys last, in seconds (3600 by default).
    pub duration_seconds: u32,
    /// A policy (JSON text) narrowing the agency's permissions.
    pub policy: Option<String>,
    /// Ids of policies narrowing them.
    pub policy_ids: Vec<String>,
    /// Where STS is ([`STS_DEFAULT_ENDPOINT`](super::STS_DEFAULT_ENDPOINT) by default).
    pub sts_endpoint: Endpoint,
}

impl OidcSettings {
    /// Settings with the official SDK's defaults.
    pub fn new(provider_urn: impl Into<String>, agency_urn: impl Into<String>, id_token: IdToken) -> Self {
        Self {
            provider_urn: provider_urn.into(),
            agency_urn: agency_urn.into(),
            id_token,
            session_name: DEFAULT_SESSION_NAME.to_owned(),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
            policy_ids: Vec::new(),
            sts_endpoint: Endpoint::new(super::STS_DEFAULT_ENDPOINT).expect("a valid constant URL"),
        }
    }

    /// The settings of `env`: `HUAWEICLOUD_OIDC_PROVIDER_URN`,
    /// `HUAWEICLOUD_OIDC_AGENCY_URN`, `HUAWEICLOUD_OIDC_ID_TOKEN` or else
    /// `HUAWEICLOUD_OIDC_TOKEN_FILE`, optional `HUAWEICLOUD_OIDC_SESSION_NAME`,
    /// `_DURATION_SECONDS`, `_POLICY`, `_POLICY_IDS`, and STS at
    /// `HUAWEICLOUD_SDK_STS_ENDPOINT` or the SDK's default.
    ///
    /// `None` when none of the URNs and ID token settings is set. Fails with
    /// [`Error::Credentials`] naming the setting when some are set but not all that are
    /// needed, or one is not usable.
    pub fn from_env(env: &Env) -> Result<Option<Self>, Error> {
        let (provider, agency) = (env.get(ENV_OIDC_PROVIDER_URN), env.get(ENV_OIDC_AGENCY_URN));
        let token = match (env.get(ENV_OIDC_ID_TOKEN), env.get(ENV_OIDC_TOKEN_FILE)) {
            (Some(token), _) => Some(IdToken::Value(token)),
            (None, Some(path)) => Some(IdToken::File(PathBuf::from(path))),
            (None, None) => None,
        };
        let fail = |why: String| Err(Error::Credentials(format!("OIDC federation: {why}")));
        let (provider, agency, token) = match (provider, agency, token) {
            (None, None, None) => return Ok(None),
            (Some(provider), Some(agency), Some(token)) => (provider, agency, token),
            (None, ..) => return fail(format!("{ENV_OIDC_PROVIDER_URN} is not set")),
            (_, None, _) => return fail(format!("{ENV_OIDC_AGENCY_URN} is not set")),
            (.., None) => return fail(format!("neither {ENV_OIDC_ID_TOKEN} nor {ENV_OIDC_TOKEN_FILE} is set")),
        };
        let mut settings = Self::new(provider, agency, token);
        if let Some(name) = env.get(ENV_OIDC_SESSION_NAME) {
            settings.session_name = name;
        }
        if let Some(text) = env.get(ENV_OIDC_DURATION_SECONDS) {
            match text.trim().parse() {
                Ok(seconds) => settings.duration_seconds = seconds,
                Err(_) => {
                    return fail(format!(
                        "{ENV_OIDC_DURATION_SECONDS} is `{text}`, not a number of seconds"
                    ));
                }
            }
        }
        settings.policy = env.get(ENV_OIDC_POLICY);
        if let Some(ids) = env.get(ENV_OIDC_POLICY_IDS) {
            settings.policy_ids = ids
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect();
        }
        settings.sts_endpoint = match sts_endpoint(env, None) {
            Ok(endpoint) => endpoint,
            Err(e) => return fail(format!("{ENV_STS_ENDPOINT}: {}", super::chain::reason(e))),
        };
        Ok(Some(settings))
    }

    /// The request body with `id_token`, as the official SDK writes it.
    #[cfg(feature = "client")]
    fn body(&self, id_token: &str) -> Vec<u8> {
        let mut body = serde_json::json!({
            "provider_urn": self.provider_urn,
            "agency_urn": self.agency_urn,
            "agency_session_name": self.session_name,
            "id_token": id_token,
            "duration_seconds": self.duration_seconds,
        });
        if let Some(policy) = &self.policy {
            body["policy"] = policy.as_str().into();
        }
        if !self.policy_ids.is_empty() {
            body["policy_ids"] = self.policy_ids.clone().into();
        }
        super::sts::sdk_json(&body)
    }
}

#[cfg(feature = "client")]
pub use provider::OidcProvider;

#[cfg(feature = "client")]
mod provider {
    use super::super::refresh::{self, Fetch, Refresher, Temporary};
    use super::super::sts::{Exchanger, refusal};
    use super::{IdToken, OidcSettings};
    use crate::auth::Signer;
    use crate::{BoxFuture, CredentialsProvider, Env, Error};
    use std::fmt;
    use std::sync::Arc;

    const ASSUME_PATH: &str = "/v5/agencies/assume-with-oidc";

    /// Temporary keys of an agency, for an OIDC ID token exchanged at STS as the
    /// official SDKs' `OidcStsCredentialProvider` does, kept and exchanged again before
    /// they expire; use with [`Credentials::provider`](crate::Credentials::provider).
    ///
    /// `POST {sts}/v5/agencies/assume-with-oidc`, unsigned (the ID token is the proof),
    /// with `Content-Type: application/json;charset=UTF-8` and the body the SDK writes,
    /// byte for byte: `{"provider_urn": .., "agency_urn": .., "agency_session_name": ..,
    /// "id_token": .., "duration_seconds": ..}`, then `"policy"` and `"policy_ids"` when
    /// set. A token file is read at every exchange (the SDK reads it once), so a
    /// projected service account token that is rotated keeps working; its content is
    /// sent as read (without surrounding whitespace, as the SDK reads it).
    ///
    /// Clones share the keys held. `Debug` shows the STS endpoint, the agency and the
    /// access key id, never the ID token, the secret key or the security token.
    ///
    /// ```no_run
    /// use codegen_runtime::Credentials;
    /// use codegen_runtime::huawei::{IdToken, OidcProvider, OidcSettings};
    ///
    /// let token = IdToken::File("/var/run/secrets/tokens/oidc-token".into());
    /// let settings = OidcSettings::new("iam::1234:identity-provider:ci", "iam::1234:agency:deployer", token);
    /// let credentials = Credentials::provider(OidcProvider::new(settings)?);
    /// # Ok::<(), codegen_runtime::Error>(())
    /// ```
    #[derive(Clone)]
    pub struct OidcProvider {
        refresher: Refresher<Oidc>,
    }

    struct Oidc {
        settings: OidcSettings,
        exchanger: Exchanger,
    }

    impl OidcProvider {
        /// Exchanges as `settings` say, through the proxies of the process's environment.
        pub fn new(settings: OidcSettings) -> Result<Self, Error> {
            Ok(Self::with(settings, Exchanger::new(&Env::process())?))
        }

        /// The provider `env` configures ([`OidcSettings::from_env`]), through the
        /// proxies `env` names; `None` when `env` does not configure one.
        pub fn from_env(env: &Env) -> Result<Option<Self>, Error> {
            match OidcSettings::from_env(env)? {
                Some(settings) => Ok(Some(Self::with(settings, Exchanger::new(env)?))),
                None => Ok(None),
            }
        }

        /// Exchanges with this HTTP client (its proxies, timeouts and certificates).
        pub fn with_http_client(settings: OidcSettings, http: reqwest::Client) -> Result<Self, Error> {
            Ok(Self::with(settings, Exchanger::with_http_client(http)?))
        }

        fn with(settings: OidcSettings, exchanger: Exchanger) -> Self {
            Self {
                refresher: Refresher::new(Oidc { settings, exchanger }),
            }
        }

        /// What the exchanges ask for.
        pub fn settings(&self) -> &OidcSettings {
            &self.refresher.fetcher().settings
        }
    }

    impl Fetch for Oidc {
        type State = ();

        fn fetch<'a>(&'a self, _: &'a mut ()) -> BoxFuture<'a, Result<Temporary, Error>> {
            Box::pin(self.assume())
        }

        fn source(&self) -> String {
            format!("OIDC federation (STS at {})", self.settings.sts_endpoint.base_url())
        }
    }

    impl Oidc {
        async fn assume(&self) -> Result<Temporary, Error> {
            let settings = &self.settings;
            let fail = |why: String| Error::Credentials(format!("{}: {why}", self.source()));
            let token = match &settings.id_token {
                IdToken::Value(token) => token.clone(),
                IdToken::File(path) => refresh::read_token_file(path)
                    .map_err(|e| fail(format!("the ID token file ({}) {e}", super::ENV_OIDC_TOKEN_FILE)))?,
            };
            let body = settings.body(&token);
            let response = self
                .exchanger
                .post_json("STS", &settings.sts_endpoint, ASSUME_PATH, &[], body)
                .await
                .map_err(|e| fail(super::super::chain::reason(e)))?;
            if !response.status().is_success() {
                return Err(fail(format!(
                    "STS refused the ID token of {} for agency {}: {}",
                    settings.id_token.setting(),
                    settings.agency_urn,
                    refusal(response, &[&token])
                )));
            }
            refresh::parse_credential(response.body()).map_err(|e| fail(format!("STS gave no usable credentials: {e}")))
        }
    }

    impl CredentialsProvider for OidcProvider {
        fn signer(&self) -> BoxFuture<'_, Result<Arc<dyn Signer>, Error>> {
            self.refresher.signer()
        }

        fn fresh_signer(&self) -> Option<Arc<dyn Signer>> {
            self.refresher.fresh_signer()
        }
    }

    impl fmt::Debug for OidcProvider {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let settings = self.settings();
            f.debug_struct("OidcProvider")
                .field("sts_endpoint", &settings.sts_endpoint.base_url())
                .field("agency_urn", &settings.agency_urn)
                .field("id_token", &settings.id_token)
                .field("access_key", &self.refresher.access_key())
                .finish()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn settings_from_the_environment() {
        assert!(OidcSettings::from_env(&env(&[])).expect("none").is_none());
        let vars = env(&[
            (ENV_OIDC_PROVIDER_URN, "p"),
            (ENV_OIDC_AGENCY_URN, "a"),
            (ENV_OIDC_ID_TOKEN, "eyJ.secret"),
            (ENV_OIDC_TOKEN_FILE, "/ignored"),
            (ENV_OIDC_DURATION_SECONDS, "900"),
            (ENV_OIDC_POLICY_IDS, " id1, ,id2 "),
            (ENV_STS_ENDPOINT, "https://sts.private.example.com"),
        ]);
        let settings = OidcSettings::from_env(&vars).expect("valid").expect("configured");
        assert!(
            matches!(&settings.id_token, IdToken::Value(t) if t == "eyJ.secret"),
            "the token before the file"
        );
        assert_eq!(
            (settings.duration_seconds, settings.session_name.as_str()),
            (900, "oidc-sts-session")
        );
        assert_eq!(settings.policy_ids, ["id1", "id2"]);
        assert_eq!(settings.sts_endpoint.base_url(), "https://sts.private.example.com");
        assert!(!format!("{settings:?}").contains("eyJ.secret"));
    }

    #[test]
    fn incomplete_settings_name_what_is_missing() {
        let reason = |pairs: &[(&str, &str)]| OidcSettings::from_env(&env(pairs)).expect_err("incomplete").to_string();
        assert!(reason(&[(ENV_OIDC_TOKEN_FILE, "/t")]).contains("HUAWEICLOUD_OIDC_PROVIDER_URN is not set"));
        assert!(
            reason(&[(ENV_OIDC_PROVIDER_URN, "p"), (ENV_OIDC_TOKEN_FILE, "/t")])
                .contains("HUAWEICLOUD_OIDC_AGENCY_URN is not set")
        );
        let both = [(ENV_OIDC_PROVIDER_URN, "p"), (ENV_OIDC_AGENCY_URN, "a")];
        assert!(reason(&both).contains("neither HUAWEICLOUD_OIDC_ID_TOKEN nor HUAWEICLOUD_OIDC_TOKEN_FILE"));
        let odd = [
            (ENV_OIDC_PROVIDER_URN, "p"),
            (ENV_OIDC_AGENCY_URN, "a"),
            (ENV_OIDC_ID_TOKEN, "t"),
            (ENV_OIDC_DURATION_SECONDS, "1h"),
        ];
        assert!(reason(&odd).contains("HUAWEICLOUD_OIDC_DURATION_SECONDS is `1h`"));
    }

    #[cfg(feature = "client")]
    #[test]
    fn the_body_is_the_sdks() {
        let mut settings = OidcSettings::new("urn:p", "urn:a", IdToken::Value("unused".into()));
        assert_eq!(
            String::from_utf8(settings.body("eyJ.tok")).expect("ASCII"),
            r#"{"provider_urn": "urn:p", "agency_urn": "urn:a", "agency_session_name": "oidc-sts-session", "id_token": "eyJ.tok", "duration_seconds": 3600}"#
        );
        settings.policy = Some(r#"{"Version":"5.0"}"#.into());
        settings.policy_ids = vec!["id1".into()];
        let body = String::from_utf8(settings.body("t")).expect("ASCII");
        assert!(
            body.ends_with(r#""duration_seconds": 3600, "policy": "{\"Version\":\"5.0\"}", "policy_ids": ["id1"]}"#),
            "{body}"
        );
    }
}
