//! Buckets of object storage (Huawei's OBS and S3-like services): where a request for a
//! bucket goes, and the names and keys such services accept.
//!
//! A bucket is addressed in the host (`{bucket}.obs.{region}.myhuaweicloud.com`, the
//! "virtual-host" style) unless the endpoint's host is an IP address or `localhost` (no
//! DNS name can carry it), or the endpoint asks for path-style addressing
//! ([`Endpoint::with_path_style`]): then the bucket is the first path segment
//! (`https://host/{bucket}/{key}`). The request remembers which in its extensions
//! ([`BucketAddress`]): the OBS signer signs `/{bucket}/{key}` either way, and the client
//! sends credentials to `{bucket}.{endpoint host}` for that request only.

use std::net::IpAddr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::Endpoint;
use crate::Error;

/// The longest object key, in bytes of UTF-8, that OBS accepts.
pub const MAX_OBJECT_KEY_BYTES: usize = 1024;

/// Percent-encoded in an object key: everything but `A-Z a-z 0-9 - _ . ~` and `/`, as
/// OBS's SDKs encode keys (Python's `quote(key, safe='/~')`).
const KEY_ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The bucket a request addresses, and how: in every request that
/// [`RequestBuilder::bucket`](crate::__private::RequestBuilder::bucket) builds, in its
/// [`http::Extensions`] (not sent).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BucketAddress {
    name: String,
    path_style: bool,
}

impl BucketAddress {
    /// A bucket addressed in the host (`path_style == false`) or in the path; the name is
    /// checked ([`validate_bucket_name`]).
    pub fn new(name: &str, path_style: bool) -> Result<Self, Error> {
        validate_bucket_name(name)?;
        Ok(Self { name: name.to_owned(), path_style })
    }

    /// The bucket's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the bucket is the first segment of the path rather than part of the host.
    pub fn is_path_style(&self) -> bool {
        self.path_style
    }

    /// The resource a request for this bucket names, as OBS signs it: `/{bucket}` and the
    /// request's path (`uri_path`, as sent, its key percent-encoded) for a bucket in the
    /// host; the path itself, which starts with `/{bucket}`, in path style. A bucket's own
    /// resource is `/{bucket}/`, as the official SDK signs it.
    ///
    /// Fails when a path-style path does not start with the bucket.
    pub fn resource(&self, uri_path: &str) -> Result<String, Error> {
        let path = if uri_path.is_empty() { "/" } else { uri_path };
        if !self.path_style {
            return Ok(format!("/{}{path}", self.name));
        }
        let prefix = format!("/{}", self.name);
        match path.strip_prefix(&prefix) {
            Some("") => Ok(format!("{prefix}/")),
            Some(rest) if rest.starts_with('/') => Ok(path.to_owned()),
            _ => Err(Error::InvalidRequest(format!(
                "the path `{path}` of a path-style request does not start with its bucket `{}`",
                self.name
            ))),
        }
    }
}

/// Checks a bucket name by OBS's rules, which are those of DNS names, as the bucket can
/// be part of a host name: 3 to 63 characters; lower-case letters, digits, `-` and `.`;
/// starting and ending with a letter or digit; no `..`, `.-` or `-.`; not an IP address.
/// The error names the rule broken.
pub fn validate_bucket_name(name: &str) -> Result<(), Error> {
    let refuse = |rule: &str| Err(Error::InvalidRequest(format!("bucket name `{name}` is invalid: {rule}")));
    if !(3..=63).contains(&name.len()) {
        return refuse("it must be 3 to 63 characters long");
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.')) {
        return refuse(&format!(
            "`{c}` is not allowed (only lower-case letters, digits, `-` and `.`)"
        ));
    }
    let alphanumeric = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alphanumeric(name.chars().next()) || !alphanumeric(name.chars().last()) {
        return refuse("it must start and end with a letter or a digit");
    }
    for pair in ["..", ".-", "-."] {
        if name.contains(pair) {
            return refuse(&format!("it must not contain `{pair}`"));
        }
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return refuse("it must not be an IP address");
    }
    Ok(())
}

/// Checks an object key: 1 to [`MAX_OBJECT_KEY_BYTES`] bytes, and no `.` or `..` segment
/// (between `/`), which URL parsers remove before sending (`a/../b` would address `b`).
pub fn validate_object_key(key: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::InvalidRequest("the object key is empty".to_owned()));
    }
    if key.len() > MAX_OBJECT_KEY_BYTES {
        return Err(Error::InvalidRequest(format!(
            "the object key is {} bytes long, more than the {MAX_OBJECT_KEY_BYTES} OBS accepts",
            key.len()
        )));
    }
    if key.split('/').any(|segment| segment == "." || segment == "..") {
        return Err(Error::InvalidRequest(format!(
            "the object key `{key}` has a `.` or `..` segment, which URLs do not keep"
        )));
    }
    Ok(())
}

/// An object key as it goes in a path: `/` kept, everything but `A-Z a-z 0-9 - _ . ~`
/// percent-encoded as UTF-8 (`photos/2024/a b.jpg` → `photos/2024/a%20b.jpg`).
pub fn encode_object_key(key: &str) -> String {
    utf8_percent_encode(key, KEY_ENCODED).to_string()
}

/// Whether `host` (as in a URL: IPv6 in brackets) cannot carry a bucket in front: an IP
/// address, or `localhost`.
fn is_ip_or_localhost(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok()
}

impl Endpoint {
    /// Addresses buckets in the path (`https://host/{bucket}/{key}`) rather than in the
    /// host, when `path_style` (for a gateway or an S3-like server without wildcard DNS).
    /// Endpoints whose host is an IP address or `localhost` always do.
    pub fn with_path_style(mut self, path_style: bool) -> Self {
        self.path_style = path_style;
        self
    }

    /// Whether requests for a bucket put it in the path: asked for
    /// ([`with_path_style`](Self::with_path_style)), or the host is an IP address or
    /// `localhost`.
    pub fn uses_path_style(&self) -> bool {
        let host_cannot_carry_it = self.base.parse::<http::Uri>().ok().and_then(|uri| uri.host().map(is_ip_or_localhost));
        self.path_style || host_cannot_carry_it.unwrap_or(true)
    }

    /// The base URL of requests for `bucket`, and its address: `scheme://{bucket}.host`
    /// (with the endpoint's port and path prefix), or the endpoint's URL and `/{bucket}`.
    ///
    /// A bucket whose name has a dot goes in the path over `https://` too: in the host it
    /// would add a label that the service's wildcard certificate (`*.obs.{region}...`)
    /// does not cover, and TLS would fail.
    pub(crate) fn bucket_base(&self, bucket: &str) -> Result<(String, BucketAddress), Error> {
        let dotted_over_tls = bucket.contains('.') && self.base.starts_with("https://");
        let path_style = self.uses_path_style() || dotted_over_tls;
        let address = BucketAddress::new(bucket, path_style)?;
        if path_style {
            return Ok((format!("{}/{bucket}", self.base), address));
        }
        // `new` checked there is a scheme; the host follows it.
        let (scheme, rest) = self
            .base
            .split_once("://")
            .ok_or_else(|| Error::InvalidRequest(format!("endpoint `{}` has no scheme", self.base)))?;
        Ok((format!("{scheme}://{bucket}.{rest}"), address))
    }

    /// Whether `request` goes to this endpoint's origin ([`is_origin_of`](Self::is_origin_of)),
    /// or, for a request whose [`BucketAddress`] puts its bucket in the host, to
    /// `{bucket}.{this endpoint's host}` with the same scheme and port. Credentials are
    /// only ever sent there.
    pub fn is_origin_of_request<B>(&self, request: &http::Request<B>) -> bool {
        if self.is_origin_of(request.uri()) {
            return true;
        }
        let Some(address) = request.extensions().get::<BucketAddress>() else {
            return false;
        };
        if address.path_style {
            return false;
        }
        let Ok((bucket_base, _)) = self.bucket_base(&address.name) else {
            return false;
        };
        Endpoint { base: bucket_base, ..self.clone() }.is_origin_of(request.uri())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_the_dns_rules() {
        for good in ["abc", "my-bucket.2024", "1bucket", "a".repeat(63).as_str(), "a-b.c-d"] {
            assert!(validate_bucket_name(good).is_ok(), "{good}");
        }
        let rule = |name: &str| validate_bucket_name(name).expect_err(name).to_string();
        assert!(rule("ab").contains("3 to 63"));
        assert!(rule(&"a".repeat(64)).contains("3 to 63"));
        assert!(rule("My-Bucket").contains("`M` is not allowed"));
        assert!(rule("my_bucket").contains("`_` is not allowed"));
        assert!(rule("-bucket").contains("start and end"));
        assert!(rule("bucket.").contains("start and end"));
        assert!(rule("my..bucket").contains("`..`"));
        assert!(rule("my-.bucket").contains("`-.`"));
        assert!(rule("my.-bucket").contains("`.-`"));
        assert!(rule("192.168.1.10").contains("IP address"));
        assert!(rule("a/b").contains("`/` is not allowed"));
        assert!(validate_bucket_name("192.168.1").is_ok(), "not an address");
    }

    #[test]
    fn object_keys_are_checked_and_keep_their_slashes() {
        assert_eq!(encode_object_key("photos/2024/a b+c~d.jpg"), "photos/2024/a%20b%2Bc~d.jpg");
        assert_eq!(encode_object_key("数据/x?y#z%"), "%E6%95%B0%E6%8D%AE/x%3Fy%23z%25");
        assert!(validate_object_key(&"k".repeat(1024)).is_ok());
        let long = validate_object_key(&"é".repeat(513)).expect_err("1026 bytes").to_string();
        assert!(long.contains("1026 bytes") && long.contains("1024"), "{long}");
        assert!(validate_object_key("").is_err());
        for dotted in ["a/../b", "./a", "a/.", ".."] {
            assert!(validate_object_key(dotted).is_err(), "{dotted}");
        }
        for fine in ["a..b", ".hidden", "a/.x/b", "/leading", "trailing/"] {
            assert!(validate_object_key(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn path_style_for_addresses_localhost_or_when_asked() {
        let url = |base: &str| Endpoint::new(base).expect("url");
        assert!(!url("https://obs.cn-north-4.myhuaweicloud.com").uses_path_style());
        assert!(url("https://obs.cn-north-4.myhuaweicloud.com").with_path_style(true).uses_path_style());
        for local in ["http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000", "https://10.1.2.3"] {
            assert!(url(local).uses_path_style(), "{local}");
        }
        let (base, address) = url("https://obs.example.com:8443/gw").bucket_base("bk1").expect("valid");
        assert_eq!((base.as_str(), address.is_path_style()), ("https://bk1.obs.example.com:8443/gw", false));
        let (base, address) = url("http://127.0.0.1:9000").bucket_base("bk1").expect("valid");
        assert_eq!((base.as_str(), address.is_path_style()), ("http://127.0.0.1:9000/bk1", true));
        assert!(url("https://obs.example.com").bucket_base("Bad").is_err());
        // A dotted name in the host would not match the wildcard certificate.
        let (base, address) = url("https://obs.example.com").bucket_base("logs.2026").expect("valid");
        assert_eq!((base.as_str(), address.is_path_style()), ("https://obs.example.com/logs.2026", true));
    }

    #[test]
    fn resources_name_the_bucket_and_the_key() {
        let host = BucketAddress::new("bk1", false).expect("valid");
        assert_eq!(host.resource("/").expect("bucket"), "/bk1/");
        assert_eq!(host.resource("").expect("bucket"), "/bk1/");
        assert_eq!(host.resource("/a/b%20c").expect("object"), "/bk1/a/b%20c");
        let path = BucketAddress::new("bk1", true).expect("valid");
        assert_eq!(path.resource("/bk1").expect("bucket"), "/bk1/");
        assert_eq!(path.resource("/bk1/").expect("bucket"), "/bk1/");
        assert_eq!(path.resource("/bk1/k").expect("object"), "/bk1/k");
        assert!(path.resource("/bk12/k").is_err());
        assert!(path.resource("/other").is_err());
    }

    #[test]
    fn bucket_hosts_are_origins_only_for_their_bucket() {
        let endpoint = Endpoint::new("https://obs.example.com").expect("url");
        let request = |uri: &str, bucket: Option<(&str, bool)>| {
            let mut request = http::Request::get(uri).body(()).expect("request");
            if let Some((name, path_style)) = bucket {
                request.extensions_mut().insert(BucketAddress::new(name, path_style).expect("valid"));
            }
            endpoint.is_origin_of_request(&request)
        };
        assert!(request("https://obs.example.com/", None));
        assert!(request("https://bk1.obs.example.com/k", Some(("bk1", false))));
        assert!(request("https://BK1.OBS.example.com:443/k", Some(("bk1", false))));
        assert!(!request("https://bk1.obs.example.com/k", None), "no bucket named");
        assert!(!request("https://bk2.obs.example.com/k", Some(("bk1", false))), "another bucket");
        assert!(!request("https://bk1.obs.example.com/k", Some(("bk1", true))), "path style");
        assert!(!request("http://bk1.obs.example.com/k", Some(("bk1", false))), "another scheme");
        assert!(!request("https://bk1.obs.example.com:8443/k", Some(("bk1", false))), "another port");
        assert!(!request("https://x.bk1.obs.example.com/k", Some(("bk1", false))));
        assert!(!request("https://bk1.obs.example.com.evil.com/k", Some(("bk1", false))));
    }
}
