//! `V11-HMAC-SHA256`, derived AK/SK signing, as the SDKs' `DerivationAKSKSigner`.
//!
//! The canonical request is `SDK-HMAC-SHA256`'s. With the scope
//! `<YYYYMMDD>/<region id>/<service name>`, the string to sign is
//! `V11-HMAC-SHA256\n<X-Sdk-Date>\n<scope>\n<hex SHA-256 of the canonical request>`, the
//! key is HKDF-SHA256 (RFC 5869) of the SK salted with the AK, with the scope as info and
//! 32 bytes long, and the signature is the hex HMAC-SHA256 of the string to sign keyed
//! with that key's hex text (as the SDKs use it). `Authorization:
//! V11-HMAC-SHA256 Credential=<AK>/<scope>, SignedHeaders=<list>, Signature=<hex>`.

use http::Request;

use super::algorithm::Digest;
use crate::Error;
use crate::auth::{self, invalid};

/// Name of the derived signing scheme: first word of its `Authorization` value and of its
/// string to sign.
pub const DERIVED_ALGORITHM: &str = "V11-HMAC-SHA256";

/// What a derived key is bound to besides the day: the service's name (the official SDK's
/// `derived_auth_service_name`, such as IoTDA's `iotdm`) and the region id (`globe` for a
/// global service, as the SDK's `GlobalCredentials` say).
///
/// Credentials have their own ([`AkSk::with_derived_auth`](super::AkSk::with_derived_auth)),
/// or take the one a request carries in its extensions: a generated crate's endpoint for a
/// region puts its service's on every request (see `huawei::Service::derived_scope`), and
/// credentials with a derived predicate use it, as the SDK's client builder hands its
/// service's name and region to such credentials.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DerivedScope {
    /// The service's name in derived signing, e.g. `iotdm`.
    pub service: String,
    /// The region id, e.g. `cn-north-4`.
    pub region: String,
}

impl DerivedScope {
    /// The scope of `service` in `region`.
    pub fn new(service: impl Into<String>, region: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            region: region.into(),
        }
    }

    /// The `Authorization` value for a canonical request signed at `sdk_date`.
    pub(super) fn authorization(
        &self,
        access_key: &str,
        secret_key: &str,
        sdk_date: &str,
        canonical_request: &str,
        signed_headers: &str,
    ) -> Result<String, Error> {
        // As the SDKs: without them the server cannot derive the key.
        if self.service.is_empty() || self.region.is_empty() {
            return Err(invalid(
                "derived signing needs the service's name (`derived_auth_service_name`) and \
                 the region id",
            ));
        }
        let scope = scope(sdk_date, &self.region, &self.service);
        let key = derived_key(
            access_key.as_bytes(),
            secret_key.as_bytes(),
            scope.as_bytes(),
        )?;
        let to_sign = string_to_sign(sdk_date, &scope, canonical_request);
        let signature = hex::encode(auth::hmac_sha256(key.as_bytes(), to_sign.as_bytes())?);
        Ok(format!(
            "{DERIVED_ALGORITHM} Credential={access_key}/{scope}, \
             SignedHeaders={signed_headers}, Signature={signature}"
        ))
    }
}

/// `<YYYYMMDD>/<region id>/<service name>`, the day taken from `X-Sdk-Date`.
fn scope(sdk_date: &str, region_id: &str, service_name: &str) -> String {
    let day = sdk_date.get(..8).unwrap_or(sdk_date);
    format!("{day}/{region_id}/{service_name}")
}

/// The `V11-HMAC-SHA256` string to sign for a canonical request (that of
/// [`canonical_request`](super::canonical_request)) signed at `sdk_date` (`X-Sdk-Date`)
/// for the service `service_name` in `region_id`.
pub fn derived_string_to_sign(
    sdk_date: &str,
    region_id: &str,
    service_name: &str,
    canonical_request: &str,
) -> String {
    let scope = scope(sdk_date, region_id, service_name);
    string_to_sign(sdk_date, &scope, canonical_request)
}

fn string_to_sign(sdk_date: &str, scope: &str, canonical_request: &str) -> String {
    let hash = Digest::Sha256.hex(canonical_request.as_bytes());
    format!("{DERIVED_ALGORITHM}\n{sdk_date}\n{scope}\n{hash}")
}

/// The hex text of the derived key. HKDF-SHA256 with a 32-byte output is one block:
/// extract `PRK = HMAC(AK, SK)`, then `OKM = HMAC(PRK, info || 0x01)`.
fn derived_key(access_key: &[u8], secret_key: &[u8], info: &[u8]) -> Result<String, Error> {
    let pseudo_random_key = auth::hmac_sha256(access_key, secret_key)?;
    let mut block = info.to_vec();
    block.push(1);
    Ok(hex::encode(auth::hmac_sha256(&pseudo_random_key, &block)?))
}

/// The SDKs' default derived predicate (`get_default_derived_predicate`): true when the
/// request's host (its `Host` header, else its URI's) is not one of Huawei Cloud's public
/// endpoints, those that start like `<service>[.<region>].myhuaweicloud.com`.
///
/// ```
/// use codegen_runtime::huawei::default_derived_predicate;
///
/// let request = |url| http::Request::get(url).body(Vec::new()).unwrap();
/// assert!(!default_derived_predicate(&request("https://ecs.cn-north-4.myhuaweicloud.com/v1")));
/// assert!(default_derived_predicate(&request("https://ecs.private-cloud.example/v1")));
/// ```
pub fn default_derived_predicate(request: &Request<Vec<u8>>) -> bool {
    super::request_host(request).is_none_or(|host| !is_public_endpoint(&host))
}

/// Whether `host` starts as the SDKs' regular expression for public endpoints says:
/// `^[a-z][a-z0-9-]+(\.[a-z]{2,}-[a-z]+-\d{1,2})?\.(my)?(huaweicloud|myhwclouds).(com|cn)`
/// (the `.` before `com` is unescaped there, so any character matches).
fn is_public_endpoint(host: &str) -> bool {
    let Some((service, rest)) = host.split_once('.') else {
        return false;
    };
    let service_ok = service.len() >= 2
        && service.starts_with(|c: char| c.is_ascii_lowercase())
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let with_region = || {
        rest.split_once('.')
            .is_some_and(|(region, tail)| is_region(region) && is_domain(tail))
    };
    service_ok && (with_region() || is_domain(rest))
}

/// `[a-z]{2,}-[a-z]+-\d{1,2}`, e.g. `cn-north-4`.
fn is_region(label: &str) -> bool {
    let lower = |part: &str| part.bytes().all(|b| b.is_ascii_lowercase());
    match label.split('-').collect::<Vec<_>>()[..] {
        [area, direction, number] => {
            area.len() >= 2
                && lower(area)
                && !direction.is_empty()
                && lower(direction)
                && (1..=2).contains(&number.len())
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// `(my)?(huaweicloud|myhwclouds).(com|cn)` at the start of `text`.
fn is_domain(text: &str) -> bool {
    ["myhuaweicloud", "huaweicloud", "mymyhwclouds", "myhwclouds"]
        .iter()
        .filter_map(|name| text.strip_prefix(name))
        .any(|after| {
            let mut chars = after.chars();
            chars.next().is_some_and(|c| c != '\n')
                && (chars.as_str().starts_with("com") || chars.as_str().starts_with("cn"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_endpoints_as_the_sdk_regular_expression_matches_them() {
        // Expected values printed by the SDK's own expression (`re.match`).
        let cases = [
            ("functiongraph.cn-north-4.myhuaweicloud.com", true),
            ("iam.myhuaweicloud.com", true),
            ("ecs.ap-southeast-1.myhuaweicloud.com", true),
            ("obs.cn-north-4.myhuaweicloud.cn", true),
            ("ecs.myhwclouds.com", true),
            ("ecs.cn-north-4.mymyhwclouds.com", true),
            ("ecs.huaweicloud.com", true),
            ("ecs.huaweicloudXcn", true),
            ("ecs.cn-north-4.myhuaweicloud.com.evil.example", true),
            ("ecs.cn-north-4.myhuaweicloud.com:443", true),
            ("ecs.la-south-2.huaweicloud.com", true),
            ("functiongraph.example.com", false),
            ("10.0.0.1:8443", false),
            ("127.0.0.1:1234", false),
            ("Functiongraph.cn-north-4.myhuaweicloud.com", false),
            ("a.myhuaweicloud.com", false),
            ("ecs.eu-west-101.myhuaweicloud.com", false),
            ("ecs.eu-west.myhuaweicloud.com", false),
            ("e-1.x.myhuaweicloud.com", false),
            ("ecs.c-north-4.myhuaweicloud.com", false),
            ("9cs.myhuaweicloud.com", false),
            ("ecs.cn-north-4.myhuaweicloud.co", false),
            ("ecs.myhuaweicloudcn", false),
            ("ecs.my.huaweicloud.com", false),
            ("", false),
        ];
        for (host, public) in cases {
            assert_eq!(is_public_endpoint(host), public, "{host}");
        }
    }

    #[test]
    fn the_predicate_reads_the_host_header_first() {
        let mut request = Request::get("https://10.0.0.1/v1")
            .body(Vec::new())
            .unwrap();
        assert!(default_derived_predicate(&request));
        request.headers_mut().insert(
            http::header::HOST,
            http::HeaderValue::from_static("ecs.cn-north-4.myhuaweicloud.com"),
        );
        assert!(!default_derived_predicate(&request));
    }

    #[test]
    fn derived_key_is_hkdf_sha256() {
        // RFC 5869, test case 1 (salt = the AK, IKM = the SK): the first 32 bytes of its OKM.
        let salt: Vec<u8> = (0x00..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        assert_eq!(
            derived_key(&salt, &[0x0b; 22], &info).unwrap(),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
    }

    #[test]
    fn scope_and_string_to_sign() {
        assert_eq!(
            scope("20261124T081500Z", "cn-north-4", "functiongraph"),
            "20261124/cn-north-4/functiongraph"
        );
        let to_sign = derived_string_to_sign("20261124T081500Z", "r", "s", "x");
        let lines: Vec<&str> = to_sign.lines().collect();
        assert_eq!(
            lines[..3],
            ["V11-HMAC-SHA256", "20261124T081500Z", "20261124/r/s"]
        );
        assert_eq!(lines[3].len(), 64);
    }

    #[test]
    fn an_empty_scope_is_an_error() {
        let scope = DerivedScope::new("", "cn-north-4");
        let result = scope.authorization("ak", "sk", "20261124T081500Z", "x", "host");
        assert!(
            matches!(result, Err(Error::InvalidRequest(_))),
            "{result:?}"
        );
    }
}
