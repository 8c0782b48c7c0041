//! Project and domain ids looked up at IAM when they are not given, as the official SDKs
//! do (the lookups need the `client` feature; finding the IAM endpoint does not).
//!
//! - project id: signed `GET {iam}/v3/projects?name={region}`, which must list exactly
//!   one project;
//! - domain (account) id: signed `GET {iam}/v3/auth/domains`, the first domain listed;
//!   when IAM refuses or lists none (keys without the permission to read it), signed
//!   `GET {sts}/v5/caller-identity`, its `account_id`, as the official SDKs ask.
//!
//! Each answer is remembered with the credentials (and their clones) for the IAM endpoint
//! and region, so a program looks each id up once; concurrent first lookups of the same
//! id wait for one another instead of asking twice, and lookups of other ids (another
//! region, IAM endpoint or set of credentials) never wait for them.

use super::{Account, endpoint_from_setting};
use crate::{Endpoint, Env, Error};

#[cfg(feature = "client")]
use crate::{Client, ClientConfig};

/// The variable naming the IAM endpoint (a URL), as in the official SDKs.
pub const ENV_IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

/// The header global services read the domain id from.
pub const X_DOMAIN_ID: &str = "X-Domain-Id";

/// The IAM endpoint for `region`: the URL in `HUAWEICLOUD_SDK_IAM_ENDPOINT` when set, else
/// the official SDK's for the region (its IAM table, [`iam_endpoint_of`](super::iam_endpoint_of)),
/// else its global default `https://iam.myhuaweicloud.com`, as the SDK's `IamHelper` picks.
pub fn iam_endpoint(env: &Env, region: &str) -> Result<Endpoint, Error> {
    match env.get(ENV_IAM_ENDPOINT) {
        Some(url) => endpoint_from_setting(&url),
        None => endpoint_from_setting(super::iam_endpoint_of(region)),
    }
}

/// `endpoint` for a global service acting for `domain_id`: its requests carry
/// `X-Domain-Id`.
pub fn with_domain_id(endpoint: Endpoint, domain_id: &str) -> Result<Endpoint, Error> {
    endpoint.with_header(X_DOMAIN_ID, domain_id)
}

impl Account {
    /// The IAM endpoint to look this account's ids up at: its own (`iam_endpoint` of the
    /// profile file), else the one of [`iam_endpoint`].
    pub fn iam_endpoint_for(&self, env: &Env, region: &str) -> Result<Endpoint, Error> {
        match &self.iam_endpoint {
            Some(url) => endpoint_from_setting(url),
            None => iam_endpoint(env, region),
        }
    }

    /// The project id for `region`: the account's own when it has one, else looked up
    /// at IAM ([`resolve_project_id_at`], at [`iam_endpoint_for`](Self::iam_endpoint_for)
    /// with the account's [`env`](Account::env)) with the credentials of `config`.
    #[cfg(feature = "client")]
    pub async fn project_id_for(&self, config: &ClientConfig, region: &str) -> Result<String, Error> {
        if let Some(id) = &self.project_id {
            return Ok(id.clone());
        }
        resolve_project_id_at(config, &self.iam_endpoint_for(&self.env, region)?, region).await
    }

    /// The domain id: the account's own when it has one, else looked up with the
    /// credentials of `config` ([`resolve_domain_id_via`]) at
    /// [`iam_endpoint_for`](Self::iam_endpoint_for) `region`, else at STS
    /// ([`sts_endpoint`](super::sts_endpoint) of `region`), both read from the account's
    /// [`env`](Account::env).
    #[cfg(feature = "client")]
    pub async fn domain_id_for(&self, config: &ClientConfig, region: &str) -> Result<String, Error> {
        if let Some(id) = &self.domain_id {
            return Ok(id.clone());
        }
        let iam = self.iam_endpoint_for(&self.env, region)?;
        resolve_domain_id_via(config, &iam, &super::sts_endpoint(&self.env, Some(region))?).await
    }
}

/// The id of the project named `region`, looked up at the IAM endpoint of the process's
/// environment ([`iam_endpoint`]) with the credentials of `config`.
#[cfg(feature = "client")]
pub async fn resolve_project_id(config: &ClientConfig, region: &str) -> Result<String, Error> {
    resolve_project_id_at(config, &iam_endpoint(&Env::process(), region)?, region).await
}

/// The id of the project named `region`, looked up at `iam` with the credentials of
/// `config` (signed `GET /v3/projects?name={region}`), or remembered from an earlier
/// lookup.
///
/// Fails with [`Error::Credentials`] when IAM refuses (the message has its answer) or
/// lists no project or several projects of that name (give the project id then), and
/// with [`Error::Transport`] or [`Error::Timeout`] when IAM cannot be reached.
#[cfg(feature = "client")]
pub async fn resolve_project_id_at(config: &ClientConfig, iam: &Endpoint, region: &str) -> Result<String, Error> {
    let key = format!("project_id {} {region}", iam.base_url());
    lookup::remembered_or(config, &key, async {
        let query = [("name", region)];
        let (answer, trace) = lookup::get(config, ("IAM", iam), "/v3/projects", &query, "project id").await?;
        let ids = lookup::ids(&answer, "projects", &trace)?;
        match ids.as_slice() {
            [id] => Ok(id.clone()),
            [] => Err(Error::Credentials(format!(
                "IAM at {} has no project named `{region}` for these credentials{trace}; create \
                 one, or give the project id (HUAWEICLOUD_SDK_PROJECT_ID, project_id in the profile \
                 file, or Endpoint::with_project_id)",
                iam.base_url()
            ))),
            several => Err(Error::Credentials(format!(
                "IAM at {} has {} projects named `{region}` ({}){trace}; give the one to use \
                 (HUAWEICLOUD_SDK_PROJECT_ID, project_id in the profile file, or \
                 Endpoint::with_project_id)",
                iam.base_url(),
                several.len(),
                several.join(", ")
            ))),
        }
    })
    .await
}

/// The domain (account) id of the credentials of `config`, looked up at the IAM endpoint
/// of the process's environment for `region` ([`iam_endpoint`]), else at its STS
/// endpoint ([`sts_endpoint`](super::sts_endpoint)); see [`resolve_domain_id_via`].
#[cfg(feature = "client")]
pub async fn resolve_domain_id(config: &ClientConfig, region: &str) -> Result<String, Error> {
    let env = Env::process();
    resolve_domain_id_via(config, &iam_endpoint(&env, region)?, &super::sts_endpoint(&env, Some(region))?).await
}

/// The domain (account) id of the credentials of `config`: looked up at `iam` as
/// [`resolve_domain_id_at`] does, and when IAM refuses or lists no domain (keys without
/// the permission to read it), at `sts` (signed `GET /v5/caller-identity`, its
/// `account_id`), as the official SDKs do; or remembered from an earlier lookup.
///
/// Fails with [`Error::Credentials`] giving both answers when neither tells it, and
/// with [`Error::Transport`] or [`Error::Timeout`] when IAM (STS is not asked then) or
/// STS cannot be reached.
#[cfg(feature = "client")]
pub async fn resolve_domain_id_via(config: &ClientConfig, iam: &Endpoint, sts: &Endpoint) -> Result<String, Error> {
    let key = format!("domain_id {}", iam.base_url());
    lookup::remembered_or(config, &key, async {
        let at_iam = match lookup::domain_id(config, iam).await {
            Err(Error::Credentials(why)) => why,
            found => return found,
        };
        lookup::caller_account_id(config, sts).await.map_err(|e| match e {
            Error::Credentials(why) => Error::Credentials(format!("{at_iam}; {why}")),
            other => other,
        })
    })
    .await
}

/// The domain (account) id of the credentials of `config`, looked up at `iam` (signed
/// `GET /v3/auth/domains`; the first domain listed, as the official SDKs take), or
/// remembered from an earlier lookup.
///
/// Fails with [`Error::Credentials`] when IAM refuses or lists no domain (the
/// credentials may lack the permission to read it: give the domain id then), and with
/// [`Error::Transport`] or [`Error::Timeout`] when IAM cannot be reached.
#[cfg(feature = "client")]
pub async fn resolve_domain_id_at(config: &ClientConfig, iam: &Endpoint) -> Result<String, Error> {
    let key = format!("domain_id {}", iam.base_url());
    lookup::remembered_or(config, &key, lookup::domain_id(config, iam)).await
}

#[cfg(feature = "client")]
mod lookup {
    use super::super::VENDOR;
    use super::*;
    use crate::ApiError;
    use std::future::Future;

    /// The value remembered under `key` with the credentials of `config`, else the
    /// one `lookup` finds, remembered.
    pub(super) async fn remembered_or(
        config: &ClientConfig,
        key: &str,
        lookup: impl Future<Output = Result<String, Error>>,
    ) -> Result<String, Error> {
        let credentials = config.credentials();
        if let Some(id) = credentials.remembered(key) {
            return Ok(id);
        }
        // One lookup per key at a time: a second one for the same id then finds the
        // first one's answer; an unreachable IAM stalls only the lookups that need it.
        let lock = credentials.lookup_lock(key);
        let _one_at_a_time = lock.lock().await;
        if let Some(id) = credentials.remembered(key) {
            return Ok(id);
        }
        let id = lookup.await?;
        credentials.remember(key, &id);
        Ok(id)
    }

    /// The first domain IAM at `iam` lists for the credentials of `config`.
    pub(super) async fn domain_id(config: &ClientConfig, iam: &Endpoint) -> Result<String, Error> {
        let (answer, trace) = get(config, ("IAM", iam), "/v3/auth/domains", &[], "domain id").await?;
        let ids = ids(&answer, "domains", &trace)?;
        ids.into_iter().next().ok_or_else(|| {
            Error::Credentials(format!(
                "IAM at {} lists no domain for these credentials{trace}; they may lack the \
                 permission to read it: give the domain id (HUAWEICLOUD_SDK_DOMAIN_ID, domain_id \
                 in the profile file)",
                iam.base_url()
            ))
        })
    }

    /// The `account_id` STS at `sts` tells for the credentials of `config`.
    pub(super) async fn caller_account_id(config: &ClientConfig, sts: &Endpoint) -> Result<String, Error> {
        let (answer, _) = get(config, ("STS", sts), "/v5/caller-identity", &[], "domain id").await?;
        let parsed: serde_json::Value = serde_json::from_slice(&answer)
            .map_err(|e| Error::Credentials(format!("STS's answer is not JSON: {e}")))?;
        let id = parsed.get("account_id").and_then(serde_json::Value::as_str).map(str::trim);
        match id.filter(|id| !id.is_empty()) {
            Some(id) => Ok(id.to_owned()),
            None => Err(Error::Credentials(format!("STS at {} tells no account_id", sts.base_url()))),
        }
    }

    /// Sends a signed `GET` to `service` (IAM or STS, and its endpoint); its body and,
    /// for messages, IAM's trace id (` (X-IAM-Trace-Id ...)`, or nothing).
    pub(super) async fn get(
        config: &ClientConfig,
        (service, endpoint): (&str, &Endpoint),
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<(Vec<u8>, String), Error> {
        let mut builder = crate::__private::RequestBuilder::new(http::Method::GET, endpoint).literal(path);
        for (name, value) in query {
            builder = builder.query(name, *value);
        }
        let response = Client::new(config, endpoint.clone()).execute(builder.build()?, true).await?;
        let trace = crate::__private::header_text(response.headers(), "x-iam-trace-id")
            .map(|id| format!(" (X-IAM-Trace-Id {id})"))
            .unwrap_or_default();
        let status = response.status();
        let (parts, body) = response.into_parts();
        if !status.is_success() {
            let refused = ApiError::from_response(&VENDOR, status.as_u16(), parts.headers, body);
            return Err(Error::Credentials(format!(
                "{service} at {} refused to tell the {what}: {refused}",
                endpoint.base_url()
            )));
        }
        Ok((body, trace))
    }

    /// The `id` of each member of the list `list` in an IAM answer.
    pub(super) fn ids(answer: &[u8], list: &str, trace: &str) -> Result<Vec<String>, Error> {
        #[derive(serde::Deserialize)]
        struct Item {
            id: String,
        }
        let parsed: serde_json::Value = serde_json::from_slice(answer)
            .map_err(|e| Error::Credentials(format!("IAM's answer{trace} is not JSON: {e}")))?;
        let items = parsed.get(list).cloned().unwrap_or(serde_json::Value::Null);
        let items: Vec<Item> = serde_json::from_value(items)
            .map_err(|e| Error::Credentials(format!("IAM's answer{trace} has no list of {list} with ids: {e}")))?;
        Ok(items.into_iter().map(|item| item.id).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_endpoint_from_the_variable_the_profile_or_the_region() {
        let none = Env::from_pairs::<&str, &str>([]);
        assert_eq!(
            iam_endpoint(&none, "cn-north-4").expect("endpoint").base_url(),
            "https://iam.cn-north-4.myhuaweicloud.com"
        );
        let named = Env::from_pairs([(ENV_IAM_ENDPOINT, "iam.private.example.com")]);
        assert_eq!(
            iam_endpoint(&named, "cn-north-4").expect("endpoint").base_url(),
            "https://iam.private.example.com"
        );
        let account = Account::new(crate::Credentials::none()).with_iam_endpoint("https://iam.profile.example.com/");
        assert_eq!(
            account.iam_endpoint_for(&named, "r").expect("endpoint").base_url(),
            "https://iam.profile.example.com"
        );
        let insecure = Env::from_pairs([(ENV_IAM_ENDPOINT, "http://iam.example.com")]);
        assert!(iam_endpoint(&insecure, "r").is_err(), "plain http to another host");
    }

    #[test]
    fn global_endpoints_carry_the_domain_id() {
        let endpoint = Endpoint::new("https://iam.example.com").expect("url");
        let global = with_domain_id(endpoint, "d-1").expect("header");
        assert_eq!(global.headers()["x-domain-id"], "d-1");
    }
}
