//! Huawei Cloud (feature `huawei`): AK/SK signing, IAM tokens, credential sources,
//! project and domain ids, endpoint overrides, and the shape of Huawei's answers.
//!
//! Credentials can be given in code:
//!
//! ```
//! use codegen_runtime::Credentials;
//! use codegen_runtime::huawei::AkSk;
//!
//! let permanent = Credentials::aksk("AK", "SK");
//! let temporary = Credentials::signer(AkSk::new("AK", "SK").with_security_token("token"));
//! let token = Credentials::token("MIIT...");
//! assert!(!format!("{permanent:?}{temporary:?}{token:?}").contains("SK\""));
//! ```
//!
//! [`AkSk`] signs with `SDK-HMAC-SHA256` unless told otherwise, and with the other
//! algorithms of the official SDKs ([`SigningAlgorithm`]) when their cargo feature is on:
//! `SDK-HMAC-SM3` and `SDK-SM2-SM3` (`huawei-sm`), `SDK-ECDSA-P256-SHA256`
//! (`huawei-ecdsa`). Derived signing (`V11-HMAC-SHA256`) needs no feature:
//!
//! ```
//! use codegen_runtime::huawei::{AkSk, SigningAlgorithm, default_derived_predicate};
//!
//! let default = AkSk::new("AK", "SK");
//! assert_eq!(default.algorithm(), SigningAlgorithm::HmacSha256);
//! // Chosen from text, e.g. a setting: the SDKs' names are understood.
//! let chosen = AkSk::new("AK", "SK").with_algorithm("SDK-HMAC-SHA256".parse()?);
//! // Requests to hosts other than the public endpoints use a key derived for the service.
//! let derived = AkSk::new("AK", "SK").with_derived_auth("functiongraph", "cn-north-4");
//! // As the SDKs: those requests are derived for the scope their endpoint carries, which a
//! // generated crate's `SERVICE` gives where the SDK does (IoTDA's `iotdm`).
//! let as_the_sdks = AkSk::new("AK", "SK").with_derived_predicate(default_derived_predicate);
//! # let _ = (chosen, derived, as_the_sdks);
//! # Ok::<(), codegen_runtime::Error>(())
//! ```
//!
//! A client can also choose the algorithm for whatever credentials it finds (feature
//! `client`: `ClientConfigBuilder::signing_algorithm`).
//!
//! OBS, the object storage, has a signature of its own (`Authorization: OBS <AK>:...`,
//! HMAC-SHA1): the same credentials sign with it the requests whose endpoint carries
//! [`Signature::Obs`], as OBS's [`Service`] gives its endpoints. Its requests name a
//! bucket, which goes in the host, or in the path for an endpoint on an IP address or
//! `localhost` ([`Endpoint::with_path_style`]). Presigned URLs work with any HTTP client:
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use codegen_runtime::huawei::{AkSk, Signature};
//!
//! let keys = AkSk::new("AK", "SK");
//! // A generated OBS crate builds this request for `GetObject`, with what its endpoint
//! // and its bucket put in the extensions.
//! let mut request = http::Request::get("https://my-bucket.obs.cn-north-4.myhuaweicloud.com/photos/cat.jpg")
//!     .body(Vec::new())
//!     .expect("request");
//! request.extensions_mut().insert(Signature::Obs);
//! request.extensions_mut().insert(codegen_runtime::BucketAddress::new("my-bucket", false)?);
//! let url = keys.presign_at(&request, Duration::from_secs(300), UNIX_EPOCH)?;
//! assert!(url.url().starts_with("https://my-bucket.obs.cn-north-4.myhuaweicloud.com/photos/cat.jpg?AccessKeyId=AK&Expires=300&Signature="));
//! keys.sign(&mut request, UNIX_EPOCH)?;
//! assert!(request.headers()["authorization"].to_str().expect("ASCII").starts_with("OBS AK:"));
//! # Ok::<(), codegen_runtime::Error>(())
//! ```
//!
//! Credentials are also found where the official SDKs look, with the same variable and
//! file names:
//!
//! | source | what |
//! | --- | --- |
//! | `OidcProvider` ([`OidcSettings::from_env`]) | OIDC federation: `HUAWEICLOUD_OIDC_PROVIDER_URN`, `HUAWEICLOUD_OIDC_AGENCY_URN`, `HUAWEICLOUD_OIDC_ID_TOKEN` or `HUAWEICLOUD_OIDC_TOKEN_FILE`, optional `HUAWEICLOUD_OIDC_SESSION_NAME`, `_DURATION_SECONDS`, `_POLICY`, `_POLICY_IDS`; the ID token exchanged at STS (`HUAWEICLOUD_SDK_STS_ENDPOINT`) for an agency's keys |
//! | [`env_credentials`] | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, optional `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_DOMAIN_ID`; or IdP federation (`IdpProvider`): `HUAWEICLOUD_SDK_IDP_ID` and `HUAWEICLOUD_SDK_ID_TOKEN_FILE` |
//! | [`profile_credentials`] | `~/.huaweicloud/credentials` or the file `HUAWEICLOUD_SDK_CREDENTIALS_FILE` names: section `basic` or `global`, with keys or `idp_id` and `id_token_file` |
//! | `MetadataProvider` | the metadata service of an ECS or BMS server (off with this runtime's `HUAWEICLOUD_SDK_METADATA_DISABLED=true`, elsewhere with `HUAWEICLOUD_SDK_METADATA_ENDPOINT`) |
//! | `PodIdentityProvider` | pod identity on CCE: `HC_CONTAINER_CREDENTIALS_FULL_URI` and `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` |
//! | [`CredentialChain`] | the five above, in that order, as the official SDKs try them |
//!
//! The providers of temporary keys need the feature `client`; each keeps its keys and
//! fetches them again before they expire, once however many requests wait. With that
//! feature, `load_from_env` is the one-line start: the chain's credentials, a
//! `ClientConfig` that signs with them, and the region of `HUAWEICLOUD_SDK_REGION`.
//!
//! Project-level services need a project id per region and global services a domain id;
//! when no source gives them, they are looked up at IAM once and remembered (feature
//! `client`: `resolve_project_id`, `resolve_domain_id`, `Account::project_id_for`; a
//! domain id IAM does not tell is asked of STS, as the official SDKs do).
//! [`endpoint_for`] gives a service's endpoint, honouring the official overrides
//! (`HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`, `~/.huaweicloud/regions.yaml`), and a
//! [`Service`] (each generated crate has one, `SERVICE`) puts both together: the
//! endpoint with the ids its [`Scope`] needs.
//!
//! A program that runs on a laptop with a profile file and on a cloud server with an
//! agency, unchanged (a generated crate's `Client::from_account` does the same):
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn run() -> Result<(), codegen_runtime::Error> {
//! use codegen_runtime::huawei::{CredentialChain, Scope, Service, Signature};
//! use codegen_runtime::{Client, ClientConfig};
//!
//! const FUNCTIONS: Service = Service {
//!     name: "FunctionGraph",
//!     host_template: "functiongraph.{region}.myhuaweicloud.com",
//!     scope: Scope::Project,
//!     regions: &[], // a generated crate's `REGIONS`: the official SDK's endpoints
//!     derived_auth_service_name: None, // IoTDA's is `Some("iotdm")`
//!     signature: Signature::Sdk, // OBS's is `Signature::Obs`
//! };
//! let region = "cn-north-4";
//! // OIDC, environment variables, the profile file, the metadata service, pod identity.
//! let account = CredentialChain::basic().resolve().await?;
//! let config = ClientConfig::new(account.credentials.clone())?;
//! // The overrides' endpoint, with the profile's project id or the one IAM lists for
//! // the region.
//! let endpoint = FUNCTIONS.endpoint_for_account(&config, &account, region).await?;
//! let functions = Client::new(&config, endpoint);
//! # let _ = functions;
//! # Ok(())
//! # }
//! ```

mod account;
mod chain;
mod content_md5;
mod env;
mod iam;
mod idp;
mod ini;
#[cfg(feature = "client")]
mod load;
#[cfg(feature = "client")]
mod metadata;
mod oidc;
mod pod;
mod profile;
#[cfg(feature = "client")]
mod refresh;
mod region_table;
mod regions;
mod regions_yaml;
mod service;
mod sign;
mod sts;

pub use account::{Account, CredentialType};
pub use chain::CredentialChain;
pub use env::{
    ENV_AK, ENV_DOMAIN_ID, ENV_ID_TOKEN_FILE, ENV_IDP_ID, ENV_PROJECT_ID, ENV_SECURITY_TOKEN, ENV_SK,
    env_credentials,
};
#[cfg(feature = "client")]
pub use iam::{
    resolve_domain_id, resolve_domain_id_at, resolve_domain_id_via, resolve_project_id, resolve_project_id_at,
};
pub use iam::{ENV_IAM_ENDPOINT, X_DOMAIN_ID, iam_endpoint, with_domain_id};
#[cfg(feature = "client")]
pub use idp::IdpProvider;
#[cfg(feature = "client")]
pub use load::{ENV_REGION, Loaded, Loader, load_from_env};
#[cfg(feature = "client")]
pub use metadata::{ENV_METADATA_DISABLED, ENV_METADATA_ENDPOINT, METADATA_ENDPOINT, MetadataProvider};
#[cfg(feature = "client")]
pub use oidc::OidcProvider;
pub use oidc::{
    ENV_OIDC_AGENCY_URN, ENV_OIDC_DURATION_SECONDS, ENV_OIDC_ID_TOKEN, ENV_OIDC_POLICY, ENV_OIDC_POLICY_IDS,
    ENV_OIDC_PROVIDER_URN, ENV_OIDC_SESSION_NAME, ENV_OIDC_TOKEN_FILE, IdToken, OidcSettings,
};
#[cfg(feature = "client")]
pub use pod::PodIdentityProvider;
pub use pod::{ENV_POD_CREDENTIALS_URI, ENV_POD_TOKEN_FILE};
pub use profile::{ENV_CREDENTIALS_FILE, profile_credentials, profile_file_credentials, profile_path};
pub use regions::{
    ENV_ALLOW_UNKNOWN_REGION, ENV_REGION_PREFIX, ENV_REGIONS_FILE, IAM_DEFAULT_ENDPOINT, STS_DEFAULT_ENDPOINT,
    allows_unknown_region, endpoint_for, endpoint_for_env, endpoint_in_file, endpoints_in_file, iam_endpoint_of,
    region_variable, regions_file_path, sts_endpoint_of,
};
pub use service::{Regions, Scope, Service, X_PROJECT_ID, with_project_id};
pub use sts::{ENV_STS_ENDPOINT, sts_endpoint};
pub use content_md5::{ContentMd5, content_md5, content_md5_of_body, content_md5_of_file, content_md5_of_file_range};
pub use sign::{
    ALGORITHM, AkSk, DERIVED_ALGORITHM, DerivedScope, OBS_AUTH_PREFIX, OBS_SUB_RESOURCES, Signature,
    SigningAlgorithm, X_OBS_SECURITY_TOKEN, canonical_query, canonical_request, canonical_uri,
    default_derived_predicate, derived_string_to_sign, obs_canonical_resource, obs_signature, obs_string_to_sign,
    signed_headers, string_to_sign,
};

use crate::auth::{self, Signer};
use crate::vendor::Vendor;
use crate::{Credentials, Endpoint, Error};
use std::fmt;
use std::time::SystemTime;

/// How Huawei Cloud services answer: `X-Request-Id` (FunctionGraph also sends
/// `X-Cff-Request-Id`), and error bodies with `error_code`/`error_msg`, or IAM's
/// `{"error": {"code": .., "message": ..}}`.
pub const VENDOR: Vendor = Vendor {
    name: "Huawei Cloud",
    request_id_headers: &["x-request-id", "x-cff-request-id"],
    error_code_fields: &["error_code", "code", "errorCode"],
    error_message_fields: &["error_msg", "message", "errorMessage", "msg"],
    request_id_fields: &["request_id", "requestId"],
    error_wrapper: Some("error"),
};

/// Header of an IAM token.
const X_AUTH_TOKEN: &str = "x-auth-token";

impl Credentials {
    /// Huawei Cloud AK/SK signing (`SDK-HMAC-SHA256`; see [`AkSk`] for the others).
    pub fn aksk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self::signer(AkSk::new(access_key, secret_key))
    }

    /// An IAM token (the `X-Subject-Token` that IAM returns), sent as `X-Auth-Token`.
    pub fn token(token: impl Into<String>) -> Self {
        Self::signer(IamToken::new(token))
    }
}

/// An endpoint from a setting (a variable, a file), which may leave out `https://`.
pub(crate) fn endpoint_from_setting(url: &str) -> Result<Endpoint, Error> {
    let url = url.trim();
    if url.contains("://") {
        Endpoint::new(url)
    } else {
        Endpoint::new(&format!("https://{url}"))
    }
}

/// An IAM token, sent as `X-Auth-Token` instead of a signature. `Debug` hides it.
#[derive(Clone)]
pub struct IamToken {
    token: String,
}

impl IamToken {
    /// A token as IAM returned it (`X-Subject-Token`).
    pub fn new(token: impl Into<String>) -> Self {
        Self { token: token.into() }
    }
}

impl Signer for IamToken {
    fn sign(&self, request: &mut http::Request<crate::Body>, _time: SystemTime) -> Result<(), Error> {
        let value = auth::header_value(X_AUTH_TOKEN, &self.token, true)
            .map_err(|_| Error::InvalidRequest("the token has characters a header cannot carry".to_owned()))?;
        request.headers_mut().insert(X_AUTH_TOKEN, value);
        Ok(())
    }
}

impl fmt::Debug for IamToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IamToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let token = Credentials::token("MIIsecret-token");
        assert!(!format!("{token:?}").contains("MIIsecret"));
        let aksk = Credentials::aksk("AKID", "very-secret-key");
        assert!(!format!("{aksk:?}").contains("very-secret-key"));
    }

    #[test]
    fn token_is_sent_as_header() {
        let mut request = http::Request::new(Vec::new());
        Credentials::token("t0k").apply(&mut request, SystemTime::now()).expect("valid token");
        assert_eq!(request.headers()["x-auth-token"], "t0k");
        let shown = format!("{:?}", auth::redact_headers(request.headers()));
        assert!(!shown.contains("t0k"), "{shown}");
        let bad = Credentials::token("a\nb").apply(&mut request, SystemTime::now());
        assert!(bad.is_err());
    }

    #[test]
    fn huawei_error_bodies() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-cff-request-id", http::HeaderValue::from_static("cff-1"));
        let fgs = VENDOR.error_details(br#"{"error_code":"FSS.0403","error_msg":"not permit"}"#);
        assert_eq!(fgs.code.as_deref(), Some("FSS.0403"));
        assert_eq!(fgs.message.as_deref(), Some("not permit"));
        let iam = VENDOR.error_details(br#"{"error":{"code":"1101","message":"bad","title":"Bad Request"}}"#);
        assert_eq!(iam.code.as_deref(), Some("1101"));
        assert_eq!(iam.message.as_deref(), Some("bad"));
        assert_eq!(VENDOR.request_id(&headers).as_deref(), Some("cff-1"));
    }
}
