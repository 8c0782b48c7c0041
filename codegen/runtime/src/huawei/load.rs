//! The one-line start (feature `client`): credentials from the default chain, a client
//! configuration that signs with them, and the region, all from one environment.

use super::{Account, CredentialChain, CredentialType};
use crate::{ClientConfig, ClientConfigBuilder, Env, Error};
use std::fmt;

/// The region to call, as the official SDKs' examples name it.
pub const ENV_REGION: &str = "HUAWEICLOUD_SDK_REGION";

/// What a program needs to call Huawei Cloud services, found by [`load_from_env`] or a
/// [`Loader`]: pass the three to a generated crate's `Client::from_account`, or to
/// [`Service::endpoint_for_account`](super::Service::endpoint_for_account).
///
/// `Debug` shows no secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Loaded {
    /// Signs with [`account`](Self::account)'s credentials; share it between services.
    pub config: ClientConfig,
    /// The credentials found, their source, ids and environment.
    pub account: Account,
    /// The region: `HUAWEICLOUD_SDK_REGION`, or the one given to [`Loader::region`].
    pub region: String,
}

/// Everything from the process's environment, for project-level services: the region
/// from `HUAWEICLOUD_SDK_REGION`, the credentials of [`CredentialChain::basic`], and a
/// [`ClientConfig`] with the defaults that signs with them (and reads proxies from the
/// same environment).
///
/// Fails with [`Error::InvalidRequest`] naming `HUAWEICLOUD_SDK_REGION` when it is unset
/// (before any source is asked), and with the chain's [`Error::Credentials`] when no
/// source has credentials.
///
/// ```no_run
/// # async fn run() -> Result<(), codegen_runtime::Error> {
/// let loaded = codegen_runtime::huawei::load_from_env().await?;
/// println!("credentials from {} for {}", loaded.account.source, loaded.region);
/// // With a generated crate:
/// // let functions = functiongraph::Client::from_account(&loaded.config, &loaded.account, &loaded.region).await?;
/// # Ok(())
/// # }
/// ```
pub async fn load_from_env() -> Result<Loaded, Error> {
    Loader::new().load().await
}

/// [`load_from_env`] with choices: another environment, global credentials, a region
/// given in code, client settings.
///
/// ```no_run
/// # async fn run() -> Result<(), codegen_runtime::Error> {
/// use codegen_runtime::Env;
/// use codegen_runtime::huawei::Loader;
/// use std::time::Duration;
///
/// let loaded = Loader::new()
///     .env(Env::from_pairs([("HUAWEICLOUD_SDK_REGION", "cn-north-4")]))
///     .configure(|config| config.timeout(Duration::from_secs(60)))
///     .load()
///     .await?;
/// # let _ = loaded;
/// # Ok(())
/// # }
/// ```
pub struct Loader {
    env: Env,
    kind: CredentialType,
    region: Option<String>,
    configure: Option<Box<dyn FnOnce(ClientConfigBuilder) -> ClientConfigBuilder + Send>>,
}

impl Loader {
    /// The defaults of [`load_from_env`].
    pub fn new() -> Self {
        Self {
            env: Env::process(),
            kind: CredentialType::Basic,
            region: None,
            configure: None,
        }
    }

    /// Reads these variables instead of the process's: the region, every credential
    /// source and the proxies.
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Finds credentials for global services ([`CredentialChain::global`]).
    pub fn global(mut self) -> Self {
        self.kind = CredentialType::Global;
        self
    }

    /// This region instead of `HUAWEICLOUD_SDK_REGION`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Changes the client settings (timeouts, retries, ...) before the configuration is
    /// built.
    pub fn configure(
        mut self,
        configure: impl FnOnce(ClientConfigBuilder) -> ClientConfigBuilder + Send + 'static,
    ) -> Self {
        self.configure = Some(Box::new(configure));
        self
    }

    /// The region, the credentials and the configuration.
    pub async fn load(self) -> Result<Loaded, Error> {
        let Some(region) = self.region.or_else(|| self.env.get(ENV_REGION)) else {
            return Err(Error::InvalidRequest(format!(
                "{ENV_REGION} is not set: set it to the region to call, such as cn-north-4"
            )));
        };
        let account = CredentialChain::new(self.kind).env(self.env.clone()).resolve().await?;
        let mut builder = ClientConfig::builder(account.credentials.clone()).proxy_from_env(self.env);
        if let Some(configure) = self.configure {
            builder = configure(builder);
        }
        Ok(Loaded {
            config: builder.build()?,
            account,
            region,
        })
    }
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Loader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loader")
            .field("env", &self.env)
            .field("kind", &self.kind)
            .field("region", &self.region)
            .field("configure", &self.configure.as_ref().map(|_| "<closure>"))
            .finish()
    }
}
