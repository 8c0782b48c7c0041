//! A service as a generated crate describes it (its name, public host and scope), and
//! the endpoint of its client: overrides honoured, ids filled in as the official SDKs do.

use super::endpoint_for_env;
use crate::{Endpoint, Env, Error};

#[cfg(feature = "client")]
use {super::Account, crate::ClientConfig};

/// The header project-level requests carry the project id in, as the official SDKs send it.
pub const X_PROJECT_ID: &str = "X-Project-Id";

/// Whom a service's requests act for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A project of one region: paths carry `{project_id}` (FunctionGraph, ECS, ...).
    /// Requests carry the project id in their paths and in `X-Project-Id`.
    Project,
    /// The whole account (IAM, ...): no operation is scoped by a project. Requests
    /// carry the account's domain id in `X-Domain-Id`.
    Global,
}

/// One service: what a generated crate knows about where and for whom it sends.
///
/// ```
/// use codegen_runtime::huawei::{Scope, Service};
///
/// const FUNCTIONS: Service = Service {
///     name: "FunctionGraph",
///     host_template: "functiongraph.{region}.myhuaweicloud.com",
///     scope: Scope::Project,
/// };
/// // HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_CN_NORTH_4 or regions.yaml may say otherwise.
/// let endpoint = FUNCTIONS.endpoint("cn-north-4")?;
/// # let _ = endpoint;
/// # Ok::<(), codegen_runtime::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The name the endpoint overrides use (`HUAWEICLOUD_SDK_REGION_<NAME>_<REGION>`, the
    /// key of `regions.yaml`), as the official SDKs spell it: `FunctionGraph`, `ECS`, `IAM`.
    pub name: &'static str,
    /// The public host with `{region}`, e.g. `functiongraph.{region}.myhuaweicloud.com`.
    pub host_template: &'static str,
    /// Whom its requests act for.
    pub scope: Scope,
}

impl Service {
    /// The endpoint in `region`, honouring the overrides of the process's environment
    /// ([`endpoint_for`](super::endpoint_for): the variable, then the regions file, then
    /// the public host).
    /// No project or domain id yet.
    pub fn endpoint(&self, region: &str) -> Result<Endpoint, Error> {
        self.endpoint_in(&Env::process(), region)
    }

    /// The endpoint in `region`, honouring the overrides that `env` gives
    /// ([`endpoint_for_env`](super::endpoint_for_env)).
    pub fn endpoint_in(&self, env: &Env, region: &str) -> Result<Endpoint, Error> {
        endpoint_for_env(env, self.name, region, self.host_template)
    }

    /// The endpoint in `region` for `account`, ready to send with `config`, honouring
    /// the overrides of the account's [`env`](Account::env):
    ///
    /// - [`Scope::Project`]: the account's project id, or the one IAM lists for the
    ///   region ([`Account::project_id_for`], looked up once per region and remembered),
    ///   in paths and in `X-Project-Id`;
    /// - [`Scope::Global`]: the account's domain id, or the one IAM tells
    ///   ([`Account::domain_id_for`]), in `X-Domain-Id`.
    #[cfg(feature = "client")]
    pub async fn endpoint_for_account(
        &self,
        config: &ClientConfig,
        account: &Account,
        region: &str,
    ) -> Result<Endpoint, Error> {
        let endpoint = self.endpoint_in(&account.env, region)?;
        self.with_ids(endpoint, config, account, region).await
    }

    /// `endpoint` with the ids of `account` for this service's scope (see
    /// [`endpoint_for_account`](Self::endpoint_for_account)).
    #[cfg(feature = "client")]
    pub async fn with_ids(
        &self,
        endpoint: Endpoint,
        config: &ClientConfig,
        account: &Account,
        region: &str,
    ) -> Result<Endpoint, Error> {
        match self.scope {
            Scope::Project => {
                let project_id = account.project_id_for(config, region).await?;
                with_project_id(endpoint, &project_id)
            }
            Scope::Global => {
                let domain_id = account.domain_id_for(config, region).await?;
                super::with_domain_id(endpoint, &domain_id)
            }
        }
    }
}

/// `endpoint` acting for `project_id`: it fills `{project_id}` in paths, and every request
/// carries `X-Project-Id`, as the official SDKs send it.
pub fn with_project_id(endpoint: Endpoint, project_id: &str) -> Result<Endpoint, Error> {
    endpoint.with_project_id(project_id).with_header(X_PROJECT_ID, project_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_endpoints_carry_the_id_in_paths_and_the_header() {
        let endpoint = Endpoint::new("https://fgs.example.com").expect("url");
        let scoped = with_project_id(endpoint, "p-1").expect("header");
        assert_eq!(scoped.project_id(), Some("p-1"));
        assert_eq!(scoped.headers()["x-project-id"], "p-1");
        assert!(with_project_id(Endpoint::new("https://x").expect("url"), "a\nb").is_err());
    }
}
