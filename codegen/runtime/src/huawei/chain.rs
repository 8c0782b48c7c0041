//! The default credential chain, in the official SDKs' order: OIDC federation,
//! environment variables, the profile file, the metadata service, pod identity.

use super::{Account, CredentialType, env as env_source, oidc, pod, profile, profile_path};
use crate::{Env, Error};

#[cfg(feature = "client")]
use super::{MetadataProvider, OidcProvider, PodIdentityProvider};

/// Finds credentials the way the official SDKs do, trying in order:
///
/// 1. OIDC federation, when `HUAWEICLOUD_OIDC_*` configure it
///    ([`OidcSettings::from_env`](super::OidcSettings::from_env));
/// 2. environment variables ([`env_credentials`](super::env_credentials): keys, or IdP
///    federation with `HUAWEICLOUD_SDK_IDP_ID` and `HUAWEICLOUD_SDK_ID_TOKEN_FILE`);
/// 3. the profile file ([`profile_credentials`](super::profile_credentials));
/// 4. the metadata service of the ECS or BMS server the program runs on, unless
///    `HUAWEICLOUD_SDK_METADATA_DISABLED=true` turns it off (or at
///    `HUAWEICLOUD_SDK_METADATA_ENDPOINT`; see `MetadataProvider::from_env`);
/// 5. pod identity on CCE, when `HC_CONTAINER_CREDENTIALS_FULL_URI` and
///    `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` are set.
///
/// Fetching temporary keys (all but plain keys) needs the `client` feature. Each source
/// that gives temporary keys is asked once here, to check that it answers, and then
/// refreshed as needed.
///
/// The first source that has credentials wins; when none has, the
/// [`Error::Credentials`] says why each was skipped. A source that is configured but
/// not usable stops the chain with an error at once: a profile file that exists but
/// cannot be read or parsed (as in the official SDKs), and, where the SDKs would go on,
/// OIDC or IdP settings that are incomplete, a token file that cannot be read, or an ID
/// token that STS or IAM refuses. So a typo never makes the program act as another
/// identity (the server's agency) instead of the one it was given.
///
/// Every source reads the chain's [`Env`], and the account found carries it
/// ([`Account::env`]), so the endpoint overrides and the IAM endpoint are read from the
/// same variables as the credentials.
///
/// ```no_run
/// # async fn run() -> Result<(), codegen_runtime::Error> {
/// use codegen_runtime::huawei::CredentialChain;
///
/// let account = CredentialChain::basic().resolve().await?;
/// println!("credentials from {}", account.source);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CredentialChain {
    kind: CredentialType,
    env: Env,
    metadata: Metadata,
}

/// How the chain asks the metadata service.
#[derive(Debug, Clone)]
enum Metadata {
    /// As the chain's environment says.
    FromEnv,
    /// Skipped.
    Off,
    #[cfg(feature = "client")]
    Provider(MetadataProvider),
}

/// Why a source gave no credentials.
pub(super) enum Failure {
    /// Nothing to use: the source is not configured. The chain goes on.
    Skipped(String),
    /// The source is configured but not usable. The chain stops.
    Broken(String),
}

impl Failure {
    pub(super) fn into_error(self) -> Error {
        match self {
            Failure::Skipped(reason) | Failure::Broken(reason) => Error::Credentials(reason),
        }
    }
}

/// The sources, in the order they are tried.
#[derive(Debug, Clone, Copy)]
enum Source {
    Oidc,
    Environment,
    Profile,
    Metadata,
    PodIdentity,
}

impl Source {
    const ORDER: [Source; 5] = [
        Source::Oidc,
        Source::Environment,
        Source::Profile,
        Source::Metadata,
        Source::PodIdentity,
    ];

    fn name(self) -> &'static str {
        match self {
            Source::Oidc => "OIDC federation",
            Source::Environment => "environment variables",
            Source::Profile => "profile file",
            Source::Metadata => "metadata service",
            Source::PodIdentity => "pod identity",
        }
    }
}

impl CredentialChain {
    /// The chain for credentials of `kind`, reading the process's environment.
    pub fn new(kind: CredentialType) -> Self {
        Self {
            kind,
            env: Env::process(),
            metadata: Metadata::FromEnv,
        }
    }

    /// The chain for project-level services ([`CredentialType::Basic`]).
    pub fn basic() -> Self {
        Self::new(CredentialType::Basic)
    }

    /// The chain for global services ([`CredentialType::Global`]).
    pub fn global() -> Self {
        Self::new(CredentialType::Global)
    }

    /// Reads these variables instead of the process's, for every source (and the
    /// proxies of the federation exchanges).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Asks this metadata service, whatever the environment says.
    #[cfg(feature = "client")]
    pub fn metadata(mut self, provider: MetadataProvider) -> Self {
        self.metadata = Metadata::Provider(provider);
        self
    }

    /// Skips the metadata service, whatever the environment says (off a cloud server,
    /// waiting for it to time out would only slow a failure down).
    pub fn without_metadata(mut self) -> Self {
        self.metadata = Metadata::Off;
        self
    }

    /// The credentials of the first source that has them.
    pub async fn resolve(&self) -> Result<Account, Error> {
        let mut skipped = Vec::new();
        for (index, source) in Source::ORDER.into_iter().enumerate() {
            let found = match source {
                Source::Oidc => self.oidc().await,
                Source::Environment => checked(env_source::read(&self.env, self.kind)).await,
                Source::Profile => checked(self.profile()).await,
                Source::Metadata => self.metadata_service().await,
                Source::PodIdentity => self.pod_identity().await,
            };
            match found {
                Ok(account) => return Ok(account.with_env(self.env.clone())),
                Err(Failure::Skipped(why)) => skipped.push(format!("{}: {why}", source.name())),
                Err(Failure::Broken(why)) => {
                    let rest: Vec<&str> = Source::ORDER[index + 1..].iter().map(|s| s.name()).collect();
                    let mut message = format!("{why}; fix or remove it");
                    if !rest.is_empty() {
                        message.push_str(&format!(" (not tried after it: {})", rest.join(", ")));
                    }
                    return Err(Error::Credentials(message));
                }
            }
        }
        Err(Error::Credentials(format!(
            "no credentials found; tried in order:\n- {}",
            skipped.join("\n- ")
        )))
    }

    /// The profile file's credentials (see [`profile_path`]), with this chain's `env`.
    fn profile(&self) -> Result<Account, Failure> {
        let Some(path) = profile_path(&self.env) else {
            return Err(Failure::Skipped(format!(
                "no profile file: neither {} nor a home folder is set",
                super::ENV_CREDENTIALS_FILE
            )));
        };
        profile::read(&path, self.kind, &self.env)
    }

    #[cfg(feature = "client")]
    async fn oidc(&self) -> Result<Account, Failure> {
        let provider = match OidcProvider::from_env(&self.env) {
            Ok(Some(provider)) => provider,
            Ok(None) => return Err(Failure::Skipped(oidc_unset())),
            Err(error) => return Err(Failure::Broken(reason(error))),
        };
        let source = format!(
            "OIDC federation (STS at {})",
            provider.settings().sts_endpoint.base_url()
        );
        let mut account = fetched(provider, source).await.map_err(Failure::Broken)?;
        // The ids of the environment, as the official SDKs take them.
        match self.kind {
            CredentialType::Basic => account.project_id = self.env.get(super::ENV_PROJECT_ID),
            CredentialType::Global => account.domain_id = self.env.get(super::ENV_DOMAIN_ID),
        }
        Ok(account)
    }

    #[cfg(feature = "client")]
    async fn metadata_service(&self) -> Result<Account, Failure> {
        let provider = match &self.metadata {
            Metadata::Off => return Err(Failure::Skipped("skipped (without_metadata)".to_owned())),
            Metadata::Provider(provider) => provider.clone(),
            Metadata::FromEnv => match MetadataProvider::from_env(&self.env) {
                Ok(Some(provider)) => provider,
                Ok(None) => {
                    return Err(Failure::Skipped(format!(
                        "skipped ({} is true)",
                        super::ENV_METADATA_DISABLED
                    )));
                }
                Err(error) => return Err(Failure::Broken(format!("metadata service: {}", reason(error)))),
            },
        };
        let source = format!("metadata service {}", provider.base_url());
        // Asked on every machine, configured or not: not answering only means "not here".
        fetched(provider, source).await.map_err(Failure::Skipped)
    }

    #[cfg(feature = "client")]
    async fn pod_identity(&self) -> Result<Account, Failure> {
        let provider = match PodIdentityProvider::from_env(&self.env) {
            Ok(Some(provider)) => provider,
            Ok(None) => return Err(Failure::Skipped(pod_unset())),
            Err(error) => return Err(Failure::Skipped(reason(error))),
        };
        let source = format!("pod identity at {}", provider.uri());
        // The last source: its failure is listed with the reasons of the others.
        fetched(provider, source).await.map_err(Failure::Skipped)
    }

    #[cfg(not(feature = "client"))]
    async fn oidc(&self) -> Result<Account, Failure> {
        match oidc::OidcSettings::from_env(&self.env) {
            Ok(None) => Err(Failure::Skipped(oidc_unset())),
            Ok(Some(_)) | Err(_) => Err(Failure::Broken(
                "OIDC federation: HUAWEICLOUD_OIDC_* are set, but exchanging ID tokens needs the `client` feature \
                 of the runtime"
                    .to_owned(),
            )),
        }
    }

    #[cfg(not(feature = "client"))]
    async fn metadata_service(&self) -> Result<Account, Failure> {
        Err(Failure::Skipped(match self.metadata {
            Metadata::Off => "skipped (without_metadata)".to_owned(),
            Metadata::FromEnv => "skipped: asking it needs the `client` feature of the runtime".to_owned(),
        }))
    }

    #[cfg(not(feature = "client"))]
    async fn pod_identity(&self) -> Result<Account, Failure> {
        match self.env.get(pod::ENV_POD_CREDENTIALS_URI) {
            None => Err(Failure::Skipped(pod_unset())),
            Some(_) => Err(Failure::Skipped(
                "skipped: asking it needs the `client` feature of the runtime".to_owned(),
            )),
        }
    }
}

fn oidc_unset() -> String {
    format!(
        "{}, {} and {} (or {}) are not set",
        oidc::ENV_OIDC_PROVIDER_URN,
        oidc::ENV_OIDC_AGENCY_URN,
        oidc::ENV_OIDC_TOKEN_FILE,
        oidc::ENV_OIDC_ID_TOKEN
    )
}

fn pod_unset() -> String {
    format!(
        "{} and {} are not set",
        pod::ENV_POD_CREDENTIALS_URI,
        pod::ENV_POD_TOKEN_FILE
    )
}

/// `account`, after asking its source once when its keys are temporary: a source
/// configured to give them (IdP federation) that cannot is broken.
async fn checked(account: Result<Account, Failure>) -> Result<Account, Failure> {
    let account = account?;
    if account.credentials.is_refreshing() {
        account
            .credentials
            .resolve()
            .await
            .map_err(|e| Failure::Broken(reason(e)))?;
    }
    Ok(account)
}

/// An account with the keys of `provider`, asked once to check that it answers; the
/// reason when it does not.
#[cfg(feature = "client")]
async fn fetched(provider: impl crate::CredentialsProvider + 'static, source: String) -> Result<Account, String> {
    provider.signer().await.map_err(reason)?;
    let mut account = Account::new(crate::Credentials::provider(provider));
    account.source = source;
    Ok(account)
}

/// An error's message without the `credentials: ` prefix of its `Display`.
pub(super) fn reason(error: Error) -> String {
    match error {
        Error::Credentials(reason) => reason,
        other => other.to_string(),
    }
}

#[cfg(all(test, not(feature = "client")))]
mod tests {
    use super::*;

    /// Polls a chain that does no I/O (no `client` feature) to its end.
    fn resolve(pairs: &[(&str, &str)]) -> Result<Account, Error> {
        let chain = CredentialChain::basic().env(Env::from_pairs(pairs.iter().copied()));
        let mut future = std::pin::pin!(chain.resolve());
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(result) => result,
            std::task::Poll::Pending => panic!("the chain waited"),
        }
    }

    #[test]
    fn without_the_client_federation_stops_the_chain_and_keys_still_work() {
        let keys = [("HUAWEICLOUD_SDK_AK", "A"), ("HUAWEICLOUD_SDK_SK", "S")];
        assert_eq!(resolve(&keys).expect("keys").source, "environment variables");
        let oidc = [keys[0], keys[1], (oidc::ENV_OIDC_TOKEN_FILE, "/t")];
        let error = resolve(&oidc).expect_err("cannot exchange");
        assert!(error.to_string().contains("needs the `client` feature"), "{error}");
        let idp = [keys[0], keys[1], (super::super::ENV_IDP_ID, "i"), (super::super::ENV_ID_TOKEN_FILE, "/t")];
        let error = resolve(&idp).expect_err("cannot exchange");
        assert!(error.to_string().contains("IdP federation (HUAWEICLOUD_SDK_ID_TOKEN_FILE)"), "{error}");
        let error = resolve(&[]).expect_err("nothing").to_string();
        assert!(error.contains("metadata service: skipped: asking it needs the `client` feature"), "{error}");
    }
}
