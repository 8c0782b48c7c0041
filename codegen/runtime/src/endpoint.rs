//! Where requests go: a base URL, the project they act for, and headers every request to
//! it carries.
//!
//! Endpoints are `https://` unless the host is this machine (`127.0.0.1`, `[::1]`,
//! `localhost`): a plain `http://` endpoint elsewhere would send tokens and signatures
//! across the network unencrypted, so it takes an explicit [`Endpoint::new_insecure`].

use crate::Error;
use crate::auth::redact_headers;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::net::IpAddr;

mod bucket;
mod extensions;

pub use bucket::{BucketAddress, MAX_OBJECT_KEY_BYTES, encode_object_key, validate_bucket_name, validate_object_key};

/// A service endpoint: a base URL (scheme, host, optional port and path prefix), the
/// project id that fills `{project_id}` in paths and the `X-Project-Id` header, and headers
/// sent with every request (such as the account id header of a vendor's global services).
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Without a trailing `/`.
    base: String,
    project_id: Option<String>,
    headers: HeaderMap,
    /// Values put in every request's extensions, for the signer (`extensions.rs`).
    extensions: extensions::RequestExtensions,
    /// Buckets in the path rather than the host, when asked (`bucket.rs`).
    path_style: bool,
}

impl Endpoint {
    /// Any `https://` base URL (a service's public endpoint, a private cloud's gateway),
    /// or an `http://` one on this machine (`http://127.0.0.1:8080` in tests).
    ///
    /// Refuses a plain `http://` URL whose host is not a loopback address or `localhost`:
    /// use [`new_insecure`](Self::new_insecure) when a network really has no TLS.
    pub fn new(base_url: &str) -> Result<Self, Error> {
        Self::parse(base_url, false)
    }

    /// Like [`new`](Self::new), but also accepts plain `http://` to any host. Requests,
    /// their signatures and tokens then cross the network unencrypted, readable and
    /// replayable by anyone on the way: only for networks that are trusted end to end.
    pub fn new_insecure(base_url: &str) -> Result<Self, Error> {
        Self::parse(base_url, true)
    }

    fn parse(base_url: &str, allow_http: bool) -> Result<Self, Error> {
        let uri: http::Uri = base_url
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("endpoint `{base_url}` is not a URL: {e}")))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(Error::InvalidRequest(format!(
                "endpoint `{base_url}` needs a scheme and a host, like `https://host`"
            )));
        };
        if uri.query().is_some() {
            return Err(Error::InvalidRequest(format!(
                "endpoint `{base_url}` must not have a query"
            )));
        }
        match scheme {
            "https" => {}
            "http" if allow_http || is_loopback(authority.host()) => {}
            "http" => {
                return Err(Error::InvalidRequest(format!(
                    "endpoint `{base_url}` is plain http to another machine: requests and their \
                     credentials would cross the network unencrypted; use https, or \
                     Endpoint::new_insecure if this network is trusted"
                )));
            }
            other => {
                return Err(Error::InvalidRequest(format!(
                    "endpoint `{base_url}` has scheme `{other}`; only https (and http) are supported"
                )));
            }
        }
        Ok(Self {
            base: base_url.trim_end_matches('/').to_owned(),
            project_id: None,
            headers: HeaderMap::new(),
            extensions: Default::default(),
            path_style: false,
        })
    }
    /// The public endpoint from a host template such as `api.{region}.example.com` and
    /// values for its `{placeholders}` (`[("region", "eu-west-1")]`). Values are host labels: lower-case letters, digits
    /// and `-` only, so they cannot change the URL's shape.
    pub fn from_template(host_template: &str, values: &[(&str, &str)]) -> Result<Self, Error> {
        let mut host = host_template.to_owned();
        for (name, value) in values {
            let valid = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                return Err(Error::InvalidRequest(format!(
                    "`{value}` is not a valid {name} (lower-case letters, digits and `-`)"
                )));
            }
            host = host.replace(&format!("{{{name}}}"), value);
        }
        if host.contains('{') {
            return Err(Error::InvalidRequest(format!(
                "no value for a placeholder of `{host_template}`"
            )));
        }
        Self::new(&format!("https://{host}"))
    }

    /// Sets the project id.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The project id, if set.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Adds a header that every request to this endpoint carries (and that signing
    /// covers), replacing an earlier value of the same name; a request that sets the
    /// header itself keeps its own value. Fails when the name or value is not valid in
    /// a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::InvalidRequest(format!(
                "the value for header `{name}` has a line break or other control character"
            ))
        })?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// The headers every request to this endpoint carries.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Whether `uri` goes to this endpoint's origin: the same scheme, host (any case) and
    /// port (a missing port is the scheme's default). Credentials are only ever sent
    /// there.
    pub fn is_origin_of(&self, uri: &http::Uri) -> bool {
        let Ok(base) = self.base.parse::<http::Uri>() else {
            return false;
        };
        let origin = |uri: &http::Uri| {
            let scheme = uri.scheme_str()?.to_ascii_lowercase();
            let default_port = match scheme.as_str() {
                "https" => 443,
                "http" => 80,
                _ => return None,
            };
            let host = uri.host()?.to_ascii_lowercase();
            Some((scheme, host, uri.port_u16().unwrap_or(default_port)))
        };
        origin(&base).is_some_and(|base| origin(uri) == Some(base))
    }

    /// Whether `other` is this endpoint at another base URL: the same project id, headers
    /// and everything else, so that a request built for one is, with its base URL
    /// replaced, the request built for the other (the client's failover moves such
    /// requests).
    #[cfg_attr(not(feature = "client"), allow(dead_code, reason = "the client fails over"))]
    pub(crate) fn differs_only_in_base(&self, other: &Endpoint) -> bool {
        let moved = Endpoint { base: other.base.clone(), ..self.clone() };
        moved == *other
    }
}

/// Shows the URL, the project id and the headers (credential-like values redacted).
impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("base_url", &self.base)
            .field("project_id", &self.project_id)
            .field("headers", &redact_headers(&self.headers))
            .field("path_style", &self.path_style)
            .finish()
    }
}

/// Whether `host` (as in a URL: IPv6 in brackets) is this machine: a loopback address or
/// `localhost`.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_urls() {
        let e = Endpoint::from_template("functiongraph.{region}.myhuaweicloud.com", &[("region", "cn-north-4")])
            .expect("valid region");
        assert_eq!(e.base_url(), "https://functiongraph.cn-north-4.myhuaweicloud.com");
        assert!(Endpoint::from_template("x.{region}.y", &[("region", "cn/../evil")]).is_err());
        assert!(Endpoint::from_template("{account_id}.{region}.y", &[("region", "r1")]).is_err());
        let fc = Endpoint::from_template("{account_id}.{region}.fc.aliyuncs.com", &[("account_id", "123"), ("region", "cn-hangzhou")])
            .expect("both placeholders");
        assert_eq!(fc.base_url(), "https://123.cn-hangzhou.fc.aliyuncs.com");
        assert!(Endpoint::new("127.0.0.1:80").is_err());
        assert!(Endpoint::new("not a url").is_err());
        assert_eq!(
            Endpoint::new("http://127.0.0.1:8080/").expect("url").base_url(),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn plain_http_only_to_this_machine_unless_asked() {
        for local in ["http://127.0.0.1:1", "http://127.8.9.10", "http://[::1]:80/x", "http://LOCALHOST:3000"] {
            assert!(Endpoint::new(local).is_ok(), "{local}");
        }
        for remote in ["http://example.com", "http://10.0.0.1:80", "http://[2001:db8::1]", "http://localhost.example.com"] {
            let refused = Endpoint::new(remote).expect_err(remote);
            assert!(refused.to_string().contains("new_insecure"), "{refused}");
            assert!(Endpoint::new_insecure(remote).is_ok(), "{remote}");
        }
        assert!(Endpoint::new("ftp://example.com").is_err());
        assert!(Endpoint::new_insecure("ftp://example.com").is_err());
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let e = Endpoint::new("https://Fgs.example.com/prefix").expect("url");
        let same = |uri: &str| e.is_origin_of(&uri.parse().expect("uri"));
        assert!(same("https://fgs.example.com/v2/x?y=1"));
        assert!(same("https://FGS.EXAMPLE.COM:443/"));
        assert!(!same("http://fgs.example.com/"));
        assert!(!same("https://fgs.example.com:8443/"));
        assert!(!same("https://other.example.com/"));
        assert!(!same("https://fgs.example.com.evil.com/"));
        assert!(!same("/v2/relative"));
        let local = Endpoint::new("http://127.0.0.1:8080").expect("url");
        assert!(local.is_origin_of(&"http://127.0.0.1:8080/a".parse().expect("uri")));
        assert!(!local.is_origin_of(&"http://127.0.0.1:8081/a".parse().expect("uri")));
    }

    #[test]
    fn endpoints_that_differ_only_in_their_url() {
        let a = Endpoint::new("https://a.example.com").expect("url").with_project_id("p1");
        let b = Endpoint::new("https://b.example.com/x").expect("url").with_project_id("p1");
        assert!(a.differs_only_in_base(&b) && b.differs_only_in_base(&a));
        assert!(!a.differs_only_in_base(&b.clone().with_project_id("p2")));
        let tagged = b.with_header("X-Project-Id", "p1").expect("header");
        assert!(!a.differs_only_in_base(&tagged));
    }

    #[test]
    fn endpoint_headers_are_checked_and_redacted_in_debug() {
        let e = Endpoint::new("https://iam.example.com")
            .and_then(|e| e.with_header("X-Tenant-Id", "d1"))
            .and_then(|e| e.with_header("X-Auth-Token", "secret-token"))
            .expect("valid headers");
        assert_eq!(e.headers()["x-tenant-id"], "d1");
        let shown = format!("{e:?}");
        assert!(shown.contains("d1") && !shown.contains("secret-token"), "{shown}");
        assert!(Endpoint::new("https://x").expect("url").with_header("X-A", "a\nb").is_err());
        assert!(Endpoint::new("https://x").expect("url").with_header("bad name", "a").is_err());
    }
}
