//! A service as a generated crate describes it (its name, public host, scope, known
//! regions and name in derived signing), and the endpoint of its client: overrides
//! honoured, the official SDK's endpoints for the regions it knows, ids filled in and the
//! derived signing scope carried as the official SDKs do.

use super::{DerivedScope, Signature, endpoint_from_setting};
use super::regions::{allows_unknown_region, overridden_endpoints, unknown_region};
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
    /// Neither: the keys alone say whom requests act for, and no project or domain id is
    /// looked up or sent (OBS, whose requests name a bucket).
    Unscoped,
}

/// A service's known regions: `(region id, endpoints)`, best endpoint first, as the
/// official SDK lists them (`REGIONS` of a generated crate).
pub type Regions = &'static [(&'static str, &'static [&'static str])];

/// One service: what a generated crate knows about where and for whom it sends.
///
/// ```
/// use codegen_runtime::huawei::{Scope, Service, Signature};
///
/// const FUNCTIONS: Service = Service {
///     name: "FunctionGraph",
///     host_template: "functiongraph.{region}.myhuaweicloud.com",
///     scope: Scope::Project,
///     regions: &[("cn-north-4", &["https://functiongraph.cn-north-4.myhuaweicloud.com"])],
///     derived_auth_service_name: None,
///     signature: Signature::Sdk,
/// };
/// // HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_CN_NORTH_4 or regions.yaml may say otherwise.
/// let endpoint = FUNCTIONS.endpoint("cn-north-4")?;
/// # let _ = endpoint;
/// // A region the table lacks is refused, naming the known ones.
/// assert!(FUNCTIONS.endpoint("cn-nort-4").is_err());
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
    /// The regions the official SDK knows for the service, with their endpoints; empty
    /// when unknown: then every region goes to `host_template`.
    pub regions: Regions,
    /// The service's name in derived signing (`V11-HMAC-SHA256`), when the official SDK's
    /// client gives one (`derived_auth_service_name`: IoTDA's `iotdm`). Its endpoints for a
    /// region carry the [`DerivedScope`] (see [`derived_scope`](Self::derived_scope)).
    pub derived_auth_service_name: Option<&'static str>,
    /// The scheme AK/SK credentials sign its requests with: [`Signature::Sdk`] for every
    /// service but OBS, whose [`Signature::Obs`] its endpoints carry to every request (see
    /// [`AkSk::sign`](super::AkSk::sign)).
    pub signature: Signature,
}

impl Service {
    /// The endpoint in `region`, honouring the overrides of the process's environment
    /// (see [`endpoint_in`](Self::endpoint_in)). No project or domain id yet.
    pub fn endpoint(&self, region: &str) -> Result<Endpoint, Error> {
        self.endpoint_in(&Env::process(), region)
    }

    /// The endpoint in `region`, the first of:
    ///
    /// 1. the overrides that `env` gives ([`endpoint_for_env`](super::endpoint_for_env):
    ///    the variable `HUAWEICLOUD_SDK_REGION_<NAME>_<REGION>`, then the regions file);
    /// 2. the first endpoint the official SDK lists for `region` ([`regions`](Self::regions));
    ///    hosts that do not follow the template come out right (`eu-west-101` is
    ///    `.myhuaweicloud.eu` for many services);
    /// 3. `host_template` with `region`, when the service knows no regions, or when
    ///    `HUAWEICLOUD_SDK_ALLOW_UNKNOWN_REGION=true` in `env`.
    ///
    /// Otherwise a region the service does not know is refused with
    /// [`Error::InvalidRequest`] listing the known ones, as the SDK refuses it.
    ///
    /// The endpoint carries the service's [`derived_scope`](Self::derived_scope) in `region`,
    /// if any, for the requests built for it.
    pub fn endpoint_in(&self, env: &Env, region: &str) -> Result<Endpoint, Error> {
        let endpoint = match self.endpoint_urls(env, region)? {
            Some(urls) => endpoint_from_setting(&urls[0])?,
            None => Endpoint::from_template(self.host_template, &[("region", region)])?,
        };
        Ok(self.with_request_extensions(endpoint, region))
    }

    /// Every endpoint in `region`, best first, by the rules of
    /// [`endpoint_in`](Self::endpoint_in): all those of the override or of the SDK's table
    /// (the official SDK moves to the next when a host is unreachable), else the template.
    pub fn endpoints_in(&self, env: &Env, region: &str) -> Result<Vec<Endpoint>, Error> {
        let endpoints = match self.endpoint_urls(env, region)? {
            Some(urls) => urls.iter().map(|url| endpoint_from_setting(url)).collect::<Result<Vec<_>, _>>()?,
            None => vec![Endpoint::from_template(self.host_template, &[("region", region)])?],
        };
        Ok(endpoints.into_iter().map(|e| self.with_request_extensions(e, region)).collect())
    }

    /// The scope of derived signing of the service's requests in `region`: its
    /// [`derived_auth_service_name`](Self::derived_auth_service_name), if any, and `region`,
    /// or `globe` for a [`Scope::Global`] service, as the official SDK's client builder
    /// hands them to credentials (`_process_derived_auth_params`). Credentials with a derived
    /// predicate ([`AkSk::with_derived_predicate`](super::AkSk::with_derived_predicate))
    /// sign with it the requests the predicate picks.
    pub fn derived_scope(&self, region: &str) -> Option<DerivedScope> {
        let region = match self.scope {
            Scope::Project | Scope::Unscoped => region,
            Scope::Global => "globe",
        };
        self.derived_auth_service_name.map(|service| DerivedScope::new(service, region))
    }

    /// `endpoint` (made by hand: [`Endpoint::new`]) carrying the service's
    /// [`signature`](Self::signature) when it is not the SDK's and the endpoint names none,
    /// so that requests to it are signed as the service expects (a generated crate's
    /// `Client::new` calls it).
    pub fn with_signature(&self, endpoint: Endpoint) -> Endpoint {
        match self.signature {
            Signature::Sdk => endpoint,
            _ if endpoint.request_extension::<Signature>().is_some() => endpoint,
            other => endpoint.with_request_extension(other),
        }
    }

    /// `endpoint`, carrying the service's derived scope in `region` when it has one, and
    /// its signature when it is not the SDK's.
    fn with_request_extensions(&self, endpoint: Endpoint, region: &str) -> Endpoint {
        let endpoint = match self.signature {
            Signature::Sdk => endpoint,
            other => endpoint.with_request_extension(other),
        };
        match self.derived_scope(region) {
            Some(scope) => endpoint.with_request_extension(scope),
            None => endpoint,
        }
    }

    /// The endpoints the official SDK lists for `region`, best first; empty when it does
    /// not list the region. Overrides are not consulted (see [`endpoints_in`](Self::endpoints_in)).
    pub fn endpoints(&self, region: &str) -> &'static [&'static str] {
        self.regions.iter().find(|(id, _)| *id == region).map_or(&[], |(_, urls)| *urls)
    }

    /// The URLs of the overrides or of the table, never empty; `None`: the template.
    fn endpoint_urls(&self, env: &Env, region: &str) -> Result<Option<Vec<String>>, Error> {
        if let Some(urls) = overridden_endpoints(env, self.name, region)? {
            return Ok(Some(urls));
        }
        let listed = self.endpoints(region);
        if !listed.is_empty() {
            return Ok(Some(listed.iter().map(|url| (*url).to_owned()).collect()));
        }
        if self.regions.is_empty() || allows_unknown_region(env) {
            return Ok(None);
        }
        Err(unknown_region(self.name, region, self.regions, self.host_template))
    }

    /// The endpoint in `region` for `account`, ready to send with `config`, honouring
    /// the overrides of the account's [`env`](Account::env):
    ///
    /// - [`Scope::Project`]: the account's project id, or the one IAM lists for the
    ///   region ([`Account::project_id_for`], looked up once per region and remembered),
    ///   in paths and in `X-Project-Id`;
    /// - [`Scope::Global`]: the account's domain id, or the one IAM tells
    ///   ([`Account::domain_id_for`]), in `X-Domain-Id`;
    /// - [`Scope::Unscoped`]: no id, nothing looked up.
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
    /// [`endpoint_for_account`](Self::endpoint_for_account)), and the service's
    /// [`derived_scope`](Self::derived_scope) in `region`, if any.
    #[cfg(feature = "client")]
    pub async fn with_ids(
        &self,
        endpoint: Endpoint,
        config: &ClientConfig,
        account: &Account,
        region: &str,
    ) -> Result<Endpoint, Error> {
        let endpoint = self.with_request_extensions(endpoint, region);
        match self.scope {
            Scope::Project => {
                let project_id = account.project_id_for(config, region).await?;
                with_project_id(endpoint, &project_id)
            }
            Scope::Global => {
                let domain_id = account.domain_id_for(config, region).await?;
                super::with_domain_id(endpoint, &domain_id)
            }
            Scope::Unscoped => Ok(endpoint),
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

    const IAM: Service = Service {
        name: "IAM",
        host_template: "iam.{region}.myhuaweicloud.com",
        scope: Scope::Global,
        regions: &[
            ("cn-north-4", &["https://iam.cn-north-4.myhuaweicloud.com"]),
            ("eu-west-101", &["https://iam.eu-west-101.myhuaweicloud.eu"]),
            ("cn-north-1", &["https://iam.cn-north-1.myhuaweicloud.com", "https://iam.cn-north-1.myhuaweicloud.cn"]),
        ],
        derived_auth_service_name: None,
        signature: Signature::Sdk,
    };

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    fn url(service: &Service, env: &Env, region: &str) -> String {
        service.endpoint_in(env, region).map(|e| e.base_url().to_owned()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn known_regions_get_the_sdk_endpoint_even_off_the_template() {
        let none = env(&[]);
        assert_eq!(url(&IAM, &none, "cn-north-4"), "https://iam.cn-north-4.myhuaweicloud.com");
        // The template would say `iam.eu-west-101.myhuaweicloud.com`.
        assert_eq!(url(&IAM, &none, "eu-west-101"), "https://iam.eu-west-101.myhuaweicloud.eu");
        assert_eq!(url(&IAM, &none, "cn-north-1"), "https://iam.cn-north-1.myhuaweicloud.com");
        let all: Vec<String> = IAM.endpoints_in(&none, "cn-north-1").expect("known").iter().map(|e| e.base_url().to_owned()).collect();
        assert_eq!(all, ["https://iam.cn-north-1.myhuaweicloud.com", "https://iam.cn-north-1.myhuaweicloud.cn"]);
        assert_eq!(IAM.endpoints("cn-north-1").len(), 2);
        assert!(IAM.endpoints("cn-nort-4").is_empty());
    }

    #[test]
    fn unknown_regions_are_refused_with_the_known_ones() {
        let refused = IAM.endpoint_in(&env(&[]), "cn-nort-4").expect_err("a typo");
        assert!(matches!(refused, Error::InvalidRequest(_)), "{refused:?}");
        let message = refused.to_string();
        for part in [
            "region `cn-nort-4` is not one of the 3 regions the official SDK knows for IAM (did you mean `cn-north-4`?)",
            ": cn-north-1, cn-north-4, eu-west-101;",
            "HUAWEICLOUD_SDK_REGION_IAM_CN_NORT_4",
            "HUAWEICLOUD_SDK_ALLOW_UNKNOWN_REGION=true",
        ] {
            assert!(message.contains(part), "{part} in {message}");
        }
        let far = IAM.endpoint_in(&env(&[]), "private-1").expect_err("not a typo").to_string();
        assert!(!far.contains("did you mean"), "{far}");
        assert!(IAM.endpoints_in(&env(&[]), "cn-nort-4").is_err());
    }

    #[test]
    fn the_opt_out_or_an_empty_table_uses_the_template() {
        for yes in ["true", "TRUE", "1"] {
            let allowed = env(&[(crate::huawei::ENV_ALLOW_UNKNOWN_REGION, yes)]);
            assert_eq!(url(&IAM, &allowed, "cn-north-99"), "https://iam.cn-north-99.myhuaweicloud.com");
            assert_eq!(url(&IAM, &allowed, "eu-west-101"), "https://iam.eu-west-101.myhuaweicloud.eu", "known: the table");
        }
        let not = env(&[(crate::huawei::ENV_ALLOW_UNKNOWN_REGION, "no")]);
        assert!(IAM.endpoint_in(&not, "cn-north-99").is_err());
        let unknown = Service { regions: &[], ..IAM };
        assert_eq!(url(&unknown, &env(&[]), "eu-west-101"), "https://iam.eu-west-101.myhuaweicloud.com");
        assert!(unknown.endpoint_in(&env(&[]), "Bad/Region").is_err(), "the template still checks the region");
    }

    #[test]
    fn overrides_still_win() {
        let variable = env(&[
            ("HUAWEICLOUD_SDK_REGION_IAM_EU_WEST_101", "https://iam.private.example.com, https://b.example.com"),
            ("HUAWEICLOUD_SDK_REGION_IAM_PRIVATE_1", "iam.p1.example.com"),
        ]);
        assert_eq!(url(&IAM, &variable, "eu-west-101"), "https://iam.private.example.com");
        assert_eq!(IAM.endpoints_in(&variable, "eu-west-101").expect("both").len(), 2);
        assert_eq!(url(&IAM, &variable, "private-1"), "https://iam.p1.example.com", "unknown, but overridden");
        let empty = env(&[("HUAWEICLOUD_SDK_REGION_IAM_CN_NORTH_4", " , ")]);
        assert!(url(&IAM, &empty, "cn-north-4").contains("holds no endpoint"));

        let file = std::env::temp_dir().join(format!("codegen-service-regions-{}.yaml", std::process::id()));
        std::fs::write(&file, "IAM:\n  - id: cn-north-4\n    endpoint: https://iam.file.example.com\n  - id: private-2\n    endpoints: [https://a.example.com, https://b.example.com]\n").expect("write");
        let from_file = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().expect("utf-8"))]);
        let known = url(&IAM, &from_file, "cn-north-4");
        let unknown = IAM.endpoints_in(&from_file, "private-2");
        let other = url(&IAM, &from_file, "eu-west-101");
        std::fs::remove_file(&file).expect("cleanup");
        assert_eq!(known, "https://iam.file.example.com");
        assert_eq!(unknown.expect("listed in the file").len(), 2);
        assert_eq!(other, "https://iam.eu-west-101.myhuaweicloud.eu", "not in the file: the table");
    }

    /// Every table of `specs/regions` (the official SDK's, which generated crates carry):
    /// each region resolves to the SDK's first endpoint, and all its endpoints are valid.
    #[test]
    fn every_committed_table_resolves_to_the_sdk_endpoints() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/regions");
        let (mut services, mut regions) = (0, 0);
        for entry in std::fs::read_dir(&folder).expect("specs/regions") {
            let path = entry.expect("entry").path();
            let name = path.file_stem().and_then(|s| s.to_str()).expect("utf-8").to_owned();
            if path.extension().is_none_or(|e| e != "json") || name == "sdk-core" {
                continue;
            }
            let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
            let table: Vec<(&'static str, &'static [&'static str])> = json["regions"]
                .as_object()
                .expect("regions")
                .iter()
                .map(|(id, urls)| {
                    let urls: Vec<&'static str> = urls.as_array().expect("list").iter().map(|u| leak(u.as_str().expect("url"))).collect();
                    (leak(id), &*Vec::leak(urls))
                })
                .collect();
            let service = Service { name: leak(&name), host_template: "unused.{region}.example.com", scope: Scope::Project, regions: Vec::leak(table), derived_auth_service_name: None, signature: Signature::Sdk };
            for (id, urls) in service.regions {
                let all = service.endpoints_in(&env(&[]), id).unwrap_or_else(|e| panic!("{name} {id}: {e}"));
                assert_eq!(all.iter().map(|e| e.base_url()).collect::<Vec<_>>(), *urls, "{name} {id}");
                regions += 1;
            }
            services += 1;
        }
        assert!(services >= 28 && regions >= 500, "{services} services, {regions} regions");
    }

    const IOTDA: Service = Service {
        name: "IoTDA",
        host_template: "iotda.{region}.myhuaweicloud.com",
        scope: Scope::Project,
        regions: &[("cn-north-4", &["https://iotda.cn-north-4.myhuaweicloud.com"])],
        derived_auth_service_name: Some("iotdm"),
        signature: Signature::Sdk,
    };

    #[test]
    fn endpoints_for_a_region_carry_the_derived_scope() {
        let scope = |e: &Endpoint| e.request_extension::<DerivedScope>().cloned();
        let iotdm = Some(DerivedScope::new("iotdm", "cn-north-4"));
        assert_eq!(scope(&IOTDA.endpoint_in(&env(&[]), "cn-north-4").expect("known")), iotdm);
        let overridden = env(&[("HUAWEICLOUD_SDK_REGION_IOTDA_CN_NORTH_4", "https://iotda.private.example")]);
        let private = IOTDA.endpoint_in(&overridden, "cn-north-4").expect("overridden");
        assert_eq!((private.base_url(), scope(&private)), ("https://iotda.private.example", iotdm.clone()));
        assert!(IOTDA.endpoints_in(&env(&[]), "cn-north-4").expect("known").iter().all(|e| scope(e) == iotdm));
        // A global service's region is `globe`, as the SDK's `GlobalCredentials` say.
        let global = Service { scope: Scope::Global, ..IOTDA };
        assert_eq!(global.derived_scope("cn-north-4"), Some(DerivedScope::new("iotdm", "globe")));
        // A service without a derived name carries none.
        assert_eq!(scope(&IAM.endpoint_in(&env(&[]), "cn-north-4").expect("known")), None);
        assert_eq!(IAM.derived_scope("cn-north-4"), None);
    }

    /// A request built for the service's endpoint and signed: derived with a predicate that
    /// picks it, for the service's name and the region; as usual without one.
    #[test]
    fn credentials_with_a_predicate_sign_with_the_endpoint_scope() {
        use crate::huawei::{AkSk, default_derived_predicate};
        let overridden = env(&[("HUAWEICLOUD_SDK_REGION_IOTDA_CN_NORTH_4", "https://iotda.private.example")]);
        let endpoint = IOTDA.endpoint_in(&overridden, "cn-north-4").and_then(|e| with_project_id(e, "p-1"));
        let endpoint = endpoint.expect("endpoint");
        let authorization = |signer: &AkSk| {
            let request = crate::__private::RequestBuilder::new(http::Method::GET, &endpoint)
                .literal("/v5/iot/")
                .project_id_param("project_id")
                .literal("/devices");
            let mut request = request.build().expect("built");
            signer.sign(&mut request, std::time::UNIX_EPOCH).expect("signed");
            request.headers()[http::header::AUTHORIZATION].to_str().expect("ASCII").to_owned()
        };
        let derived = authorization(&AkSk::new("AK", "SK").with_derived_predicate(default_derived_predicate));
        assert!(derived.starts_with("V11-HMAC-SHA256 Credential=AK/19700101/cn-north-4/iotdm, "), "{derived}");
        let plain = authorization(&AkSk::new("AK", "SK"));
        assert!(plain.starts_with("SDK-HMAC-SHA256 Access=AK, "), "{plain}");
    }

    const OBS: Service = Service {
        name: "OBS",
        host_template: "obs.{region}.myhuaweicloud.com",
        scope: Scope::Unscoped,
        regions: &[("cn-north-4", &["https://obs.cn-north-4.myhuaweicloud.com"])],
        derived_auth_service_name: None,
        signature: Signature::Obs,
    };

    /// OBS's endpoints carry its signature; the requests built for them, for a bucket, are
    /// signed with it, whatever else the credentials say.
    #[test]
    fn endpoints_carry_the_obs_signature() {
        use crate::huawei::{AkSk, default_derived_predicate};
        let endpoint = OBS.endpoint_in(&env(&[]), "cn-north-4").expect("known");
        assert_eq!(endpoint.request_extension(), Some(&Signature::Obs));
        assert!(OBS.endpoints_in(&env(&[]), "cn-north-4").expect("known").iter().all(|e| e.request_extension() == Some(&Signature::Obs)));
        assert_eq!(IAM.endpoint_in(&env(&[]), "cn-north-4").expect("known").request_extension::<Signature>(), None);
        let mut request = crate::__private::RequestBuilder::new(http::Method::GET, &endpoint)
            .bucket("my-bucket")
            .literal("/")
            .object_key("object_key", "a b/c")
            .build()
            .expect("built");
        assert_eq!(request.uri(), "https://my-bucket.obs.cn-north-4.myhuaweicloud.com/a%20b/c");
        let signer = AkSk::new("AK", "SK").with_security_token("tok").with_derived_predicate(default_derived_predicate);
        signer.sign(&mut request, std::time::UNIX_EPOCH).expect("signed");
        let headers = request.headers();
        assert!(headers["authorization"].to_str().expect("ASCII").starts_with("OBS AK:"), "{headers:?}");
        assert_eq!(headers["date"], "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(headers["x-obs-security-token"], "tok");
        for sdk in ["x-sdk-date", "x-security-token", "host"] {
            assert!(!headers.contains_key(sdk), "{sdk}");
        }
    }

    /// An unscoped service asks IAM nothing (the account has no ids and no IAM is
    /// reachable) and sends no id header.
    #[cfg(feature = "client")]
    #[tokio::test]
    async fn unscoped_services_look_up_no_ids() {
        let account = Account::new(crate::Credentials::aksk("AK", "SK"));
        let config = ClientConfig::new(account.credentials.clone()).expect("config");
        let endpoint = Endpoint::new("http://127.0.0.1:9").expect("url");
        let ready = OBS.with_ids(endpoint, &config, &account, "cn-north-4").await.expect("no lookup");
        assert!(ready.headers().is_empty() && ready.project_id().is_none());
        assert_eq!(ready.request_extension(), Some(&Signature::Obs));
    }

    #[cfg(feature = "client")]
    #[tokio::test]
    async fn with_ids_adds_the_derived_scope() {
        let account = Account::new(crate::Credentials::aksk("AK", "SK")).with_project_id("p-1");
        let config = ClientConfig::new(account.credentials.clone()).expect("config");
        let endpoint = Endpoint::new("https://iotda.private.example").expect("url");
        let scoped = IOTDA.with_ids(endpoint, &config, &account, "ap-southeast-1").await.expect("ids");
        assert_eq!(scoped.request_extension(), Some(&DerivedScope::new("iotdm", "ap-southeast-1")));
        assert_eq!(scoped.project_id(), Some("p-1"));
    }

    fn leak(text: &str) -> &'static str {
        Box::leak(text.to_owned().into_boxed_str())
    }
}
