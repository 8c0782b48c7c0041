//! The default credential chain: environment variables, then the profile file, then the
//! metadata service, as in the official SDKs.

use super::profile::{self, Failure};
use super::{Account, CredentialType, env_credentials, profile_path};
use crate::{Env, Error};

#[cfg(feature = "client")]
use super::MetadataProvider;

/// Finds credentials the way the official SDKs do, trying in order:
///
/// 1. environment variables ([`env_credentials`]);
/// 2. the profile file ([`profile_credentials`](super::profile_credentials));
/// 3. the metadata service of the ECS or BMS server the program runs on
///    (`MetadataProvider`, with the `client` feature; fetched once to check that it
///    answers, then refreshed as needed).
///
/// The first source that has credentials wins; when none has, the
/// [`Error::Credentials`] says why each was skipped. A profile file that exists but
/// cannot be read or parsed is an error at once, as in the official SDKs: the metadata
/// service is then not asked, so a typo in the file never makes the program act as the
/// server's agency instead of the user's keys.
///
/// The account found carries the chain's [`Env`] ([`Account::env`]), so the endpoint
/// overrides and the IAM endpoint are read from the same variables as the credentials.
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

/// The chain's last step.
#[derive(Debug, Clone)]
enum Metadata {
    /// The service at its usual address.
    Default,
    /// Skipped.
    Off,
    #[cfg(feature = "client")]
    Provider(MetadataProvider),
}

impl CredentialChain {
    /// The chain for credentials of `kind`, reading the process's environment.
    pub fn new(kind: CredentialType) -> Self {
        Self {
            kind,
            env: Env::process(),
            metadata: Metadata::Default,
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

    /// Reads these variables instead of the process's (for the environment step and to
    /// find the profile file).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Asks this metadata service instead of the one at `http://169.254.169.254`.
    #[cfg(feature = "client")]
    pub fn metadata(mut self, provider: MetadataProvider) -> Self {
        self.metadata = Metadata::Provider(provider);
        self
    }

    /// Skips the metadata service (off a cloud server, waiting for it to time out would
    /// only slow a failure down).
    pub fn without_metadata(mut self) -> Self {
        self.metadata = Metadata::Off;
        self
    }

    /// The credentials of the first source that has them.
    pub async fn resolve(&self) -> Result<Account, Error> {
        let mut skipped = Vec::new();
        match env_credentials(&self.env, self.kind) {
            Ok(account) => return Ok(account),
            Err(error) => skipped.push(format!("environment variables: {}", reason(error))),
        }
        match self.profile_credentials() {
            Ok(account) => return Ok(account),
            Err(Failure::Skipped(why)) => skipped.push(format!("profile file: {why}")),
            Err(Failure::Broken(why)) => {
                return Err(Error::Credentials(format!(
                    "{why}; fix or remove it (the sources after it, such as the metadata \
                     service, were not tried)"
                )));
            }
        }
        match self.metadata_credentials().await {
            Ok(account) => return Ok(account.with_env(self.env.clone())),
            Err(error) => skipped.push(format!("metadata service: {}", reason(error))),
        }
        Err(Error::Credentials(format!(
            "no credentials found; tried in order:\n- {}",
            skipped.join("\n- ")
        )))
    }

    /// The profile file's credentials (see [`profile_path`]), with this chain's `env`.
    fn profile_credentials(&self) -> Result<Account, Failure> {
        let Some(path) = profile_path(&self.env) else {
            return Err(Failure::Skipped(format!(
                "no profile file: neither {} nor a home folder is set",
                super::ENV_CREDENTIALS_FILE
            )));
        };
        profile::read(&path, self.kind).map(|account| account.with_env(self.env.clone()))
    }

    #[cfg(feature = "client")]
    async fn metadata_credentials(&self) -> Result<Account, Error> {
        use crate::{Credentials, CredentialsProvider};
        let provider = match &self.metadata {
            Metadata::Off => return Err(Error::Credentials("skipped (without_metadata)".to_owned())),
            Metadata::Default => MetadataProvider::new()?,
            Metadata::Provider(provider) => provider.clone(),
        };
        provider.signer().await?;
        let source = format!("metadata service {}", provider.base_url());
        let mut account = Account::new(Credentials::provider(provider));
        account.source = source;
        Ok(account)
    }

    #[cfg(not(feature = "client"))]
    async fn metadata_credentials(&self) -> Result<Account, Error> {
        match self.metadata {
            Metadata::Off => Err(Error::Credentials("skipped (without_metadata)".to_owned())),
            Metadata::Default => Err(Error::Credentials(
                "skipped: asking it needs the `client` feature of the runtime".to_owned(),
            )),
        }
    }
}

/// An error's message without the `credentials: ` prefix of its `Display`.
fn reason(error: Error) -> String {
    match error {
        Error::Credentials(reason) => reason,
        other => other.to_string(),
    }
}
