//! An independent check of OBS signatures, for fake OBS servers in tests: given a request
//! as a server received it, the endpoint's host and the known keys, it recomputes the
//! signature (in the `Authorization` header, or in the query of a presigned URL; bucket
//! in the host or in the path) and says why it does not match.
//!
//! Written from OBS's description of the algorithm, not from the runtime's signer, so that
//! a mistake in one does not hide in the other. It needs only `hmac` 0.12, `sha1` 0.10 and
//! `base64` 0.22: another crate's tests can use it with
//! `#[path = ".../codegen/runtime/tests/support/obs_verify.rs"] mod obs_verify;`.
//!
//! The algorithm: `Base64(HMAC-SHA1(SK, StringToSign))`, where StringToSign is
//!
//! ```text
//! VERB \n Content-MD5 \n Content-Type \n (Date | "" with x-obs-date | Expires) \n
//! x-obs-name:value \n ... (lower-case names, sorted; x-obs-meta-* values trimmed)
//! /bucket/key[?sub-resources, sorted, name or name=decoded value]
//! ```

#![allow(dead_code, reason = "each test file uses part of it")]

use base64::Engine as _;
use hmac::{Hmac, Mac};

/// The query parameters OBS signs as sub-resources (besides `x-obs-*`), lower case.
const SUB_RESOURCES: &[&str] = &[
    "acl", "backtosource", "policy", "torrent", "logging", "location", "storageinfo", "quota", "storageclass",
    "storagepolicy", "requestpayment", "versions", "versioning", "versionid", "uploads", "uploadid", "partnumber",
    "website", "notification", "lifecycle", "deletebucket", "delete", "cors", "restore", "tagging", "replication",
    "metadata", "encryption", "dispolicy", "object-lock", "retention", "policystatus", "publicaccessblock", "append",
    "position", "truncate", "modify", "rename", "length", "name", "fileinterface", "response-content-type",
    "response-content-language", "response-expires", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "x-image-save-bucket", "x-image-save-object", "x-image-process", "x-oss-process",
    "x-workflow-prefix", "x-workflow-start", "x-workflow-limit", "x-workflow-template-name", "x-workflow-graph-name",
    "x-workflow-execution-state", "x-workflow-execution-type", "x-workflow-next-marker", "obsworkflowtriggerpolicy",
    "obsbucketalias", "obsalias",
];

/// What a fake OBS knows: its own host (as in its endpoint URL, e.g. `127.0.0.1:9000` or
/// `obs.cn-north-4.myhuaweicloud.com`) and the keys it accepts.
#[derive(Clone)]
pub struct ObsVerifier {
    pub endpoint_host: String,
    pub access_key: String,
    pub secret_key: String,
    /// Expected in `x-obs-security-token` (header or query) when set.
    pub security_token: Option<String>,
    /// The most a header-authenticated request's `Date` (or `x-obs-date`) may differ from
    /// `now`, in seconds, when set (OBS allows 15 minutes).
    pub max_skew: Option<u64>,
}

/// A request as received.
pub struct Received<'a> {
    pub method: &'a str,
    /// The `Host` header.
    pub host: &'a str,
    /// The request target: path and query as sent.
    pub target: &'a str,
    /// Every header; names in any case.
    pub headers: &'a [(String, String)],
}

/// How a request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authenticated {
    /// `Authorization: OBS ...`.
    Header,
    /// A presigned URL.
    Query,
}

/// Where the bucket was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressed {
    pub bucket: Option<String>,
    /// The object key, percent-decoded; `None` for a bucket or the service.
    pub key: Option<String>,
    pub path_style: bool,
}

impl ObsVerifier {
    pub fn new(endpoint_host: &str, access_key: &str, secret_key: &str) -> Self {
        Self {
            endpoint_host: endpoint_host.to_ascii_lowercase(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            security_token: None,
            max_skew: None,
        }
    }

    /// Refuses header-authenticated requests whose date is more than `seconds` from the
    /// `now` given to [`verify`](Self::verify), as OBS refuses those 15 minutes off.
    pub fn with_max_skew(mut self, seconds: u64) -> Self {
        self.max_skew = Some(seconds);
        self
    }

    pub fn with_security_token(mut self, token: &str) -> Self {
        self.security_token = Some(token.to_owned());
        self
    }

    /// Checks the request's signature; `now` (epoch seconds) is compared with a presigned
    /// URL's `Expires`. The error says what differs, with the string to sign expected.
    pub fn verify(&self, request: &Received<'_>, now: u64) -> Result<Authenticated, String> {
        let (path, query) = match request.target.split_once('?') {
            Some((path, query)) => (path, query),
            None => (request.target, ""),
        };
        let addressed = self.addressed(request.host, path)?;
        let params = parse_query(query)?;
        let param = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let header = |name: &str| -> Option<String> {
            let values: Vec<&str> =
                request.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect();
            (!values.is_empty()).then(|| values.join(","))
        };
        let by_query = param("Signature").is_some() || param("AccessKeyId").is_some();
        let (access_key, signature, date, kind) = if by_query {
            let (Some(access_key), Some(signature), Some(expires)) = (param("AccessKeyId"), param("Signature"), param("Expires"))
            else {
                return Err("a presigned URL needs AccessKeyId, Signature and Expires".to_owned());
            };
            let expires_at: u64 = expires.parse().map_err(|_| format!("Expires `{expires}` is not epoch seconds"))?;
            if expires_at < now {
                return Err(format!("the URL expired at {expires_at}, now is {now}"));
            }
            if request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization")) {
                return Err("a presigned URL request also has an Authorization header".to_owned());
            }
            (access_key.to_owned(), signature.to_owned(), expires.to_owned(), Authenticated::Query)
        } else {
            let authorization = header("authorization").ok_or("no Authorization header and no presigned query")?;
            let credential = authorization
                .strip_prefix("OBS ")
                .ok_or_else(|| format!("Authorization `{authorization}` is not the OBS scheme"))?;
            let (access_key, signature) =
                credential.split_once(':').ok_or_else(|| format!("Authorization `{authorization}` has no `AK:signature`"))?;
            let (date, sent) = match (header("x-obs-date"), header("date")) {
                (Some(obs_date), _) => (String::new(), obs_date),
                (None, Some(date)) => (date.clone(), date),
                (None, None) => return Err("neither Date nor x-obs-date is sent".to_owned()),
            };
            if let Some(max_skew) = self.max_skew {
                let at = http_date_seconds(&sent).ok_or_else(|| format!("date `{sent}` is not RFC 1123"))?;
                if at.abs_diff(now) > max_skew {
                    return Err(format!("date `{sent}` is {} s from now, more than {max_skew}", at.abs_diff(now)));
                }
            }
            (access_key.to_owned(), signature.to_owned(), date, Authenticated::Header)
        };
        if access_key != self.access_key {
            return Err(format!("access key `{access_key}`, expected `{}`", self.access_key));
        }
        if let Some(token) = &self.security_token {
            let sent = match kind {
                Authenticated::Header => header("x-obs-security-token"),
                Authenticated::Query => param("x-obs-security-token").map(str::to_owned),
            };
            if sent.as_deref() != Some(token.as_str()) {
                return Err(format!("security token {sent:?} is not the one issued"));
            }
        }

        // The string to sign, from the description.
        let mut text = format!(
            "{}\n{}\n{}\n{date}\n",
            request.method,
            header("content-md5").unwrap_or_default(),
            header("content-type").unwrap_or_default()
        );
        let mut obs_headers: Vec<(String, String)> = Vec::new();
        for (name, _) in request.headers {
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("x-obs-") && !obs_headers.iter().any(|(n, _)| *n == lower) {
                let value = header(&lower).unwrap_or_default();
                let value = if lower.starts_with("x-obs-meta-") { value.trim().to_owned() } else { value };
                obs_headers.push((lower, value));
            }
        }
        obs_headers.sort();
        for (name, value) in obs_headers {
            text.push_str(&format!("{name}:{value}\n"));
        }
        let mut resource = match (&addressed.bucket, addressed.path_style) {
            (Some(bucket), false) => format!("/{bucket}{}", if path.is_empty() { "/" } else { path }),
            (Some(bucket), true) if path.trim_end_matches('/') == format!("/{bucket}") => format!("/{bucket}/"),
            _ => if path.is_empty() { "/".to_owned() } else { path.to_owned() },
        };
        let mut subs: Vec<&(String, String)> = params
            .iter()
            .filter(|(name, _)| {
                let lower = name.to_ascii_lowercase();
                SUB_RESOURCES.contains(&lower.as_str()) || lower.starts_with("x-obs-")
            })
            .collect();
        subs.sort_by(|a, b| a.0.cmp(&b.0));
        for (i, (name, value)) in subs.iter().enumerate() {
            resource.push(if i == 0 { '?' } else { '&' });
            resource.push_str(name);
            if !value.is_empty() {
                resource.push('=');
                resource.push_str(value);
            }
        }
        text.push_str(&resource);

        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(self.secret_key.as_bytes()).map_err(|e| e.to_string())?;
        mac.update(text.as_bytes());
        let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        if signature != expected {
            return Err(format!("signature `{signature}`, expected `{expected}` for the string to sign {text:?}"));
        }
        Ok(kind)
    }

    /// The bucket and key a request addresses: a bucket in front of the endpoint's host,
    /// else the first segment of the path.
    pub fn addressed(&self, host: &str, path: &str) -> Result<Addressed, String> {
        let host = host.to_ascii_lowercase();
        let decoded_key = |key: &str| -> Result<Option<String>, String> {
            if key.is_empty() { Ok(None) } else { decode(key).map(Some) }
        };
        if host == self.endpoint_host {
            let rest = path.strip_prefix('/').unwrap_or(path);
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            let bucket = (!bucket.is_empty()).then(|| bucket.to_owned());
            return Ok(Addressed { bucket, key: decoded_key(key)?, path_style: true });
        }
        let bucket = host.strip_suffix(&format!(".{}", self.endpoint_host)).filter(|bucket| !bucket.is_empty());
        let Some(bucket) = bucket else {
            return Err(format!("host `{host}` is neither `{}` nor a bucket of it", self.endpoint_host));
        };
        let key = path.strip_prefix('/').unwrap_or(path);
        Ok(Addressed { bucket: Some(bucket.to_owned()), key: decoded_key(key)?, path_style: false })
    }
}

/// Epoch seconds of an RFC 1123 date (`Mon, 07 Dec 2026 02:36:03 GMT`).
pub fn http_date_seconds(text: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    let day: i64 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let year: i64 = year.parse().ok()?;
    let clock: Vec<i64> = time.split(':').map(|n| n.parse().ok()).collect::<Option<_>>()?;
    let [hours, minutes, seconds] = clock.as_slice() else { return None };
    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    u64::try_from(days * 86_400 + hours * 3_600 + minutes * 60 + seconds).ok()
}

/// `name=value` pairs, percent-decoded (`+` is a plus sign); a name alone has an empty value.
fn parse_query(query: &str) -> Result<Vec<(String, String)>, String> {
    query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (name, value) = item.split_once('=').unwrap_or((item, ""));
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or_else(|| format!("`{text}` has a cut `%`"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("`{text}` has `%{hex}`"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` is not UTF-8 once decoded"))
}
