//! Which proxy requests go through: the usual environment variables, an explicit URL, or
//! none.

use crate::{Env, Error};
use std::fmt;

/// Where the proxy settings come from.
#[derive(Clone)]
pub(super) enum ProxySource {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) of this
    /// environment, read when the configuration is built.
    Env(Env),
    /// Every request through this proxy URL.
    Url(String),
    /// Direct connections only.
    Direct,
}

/// The proxies a built HTTP client uses: for `https://` and for `http://` URLs, and the
/// hosts that bypass them (`NO_PROXY` syntax).
#[derive(Default, PartialEq, Eq)]
pub(super) struct Proxies {
    pub https: Option<String>,
    pub http: Option<String>,
    pub no_proxy: Option<String>,
}

impl Proxies {
    /// What `source` asks for; an explicit `no_proxy` replaces `NO_PROXY`.
    pub fn resolve(source: &ProxySource, no_proxy: Option<&str>) -> Self {
        let mut proxies = match source {
            ProxySource::Direct => return Self::default(),
            ProxySource::Url(url) => Self {
                https: Some(url.clone()),
                http: Some(url.clone()),
                no_proxy: None,
            },
            ProxySource::Env(env) => from_env(env),
        };
        if let Some(no_proxy) = no_proxy {
            proxies.no_proxy = Some(no_proxy.to_owned());
        }
        proxies
    }

    /// Adds the proxies to a `reqwest` builder, replacing `reqwest`'s own reading of the
    /// environment (so that an [`Env`] given in code is the only source).
    pub fn apply(&self, builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
        // `no_proxy()` clears reqwest's proxies, its reading of the environment included.
        let mut builder = builder.no_proxy();
        let exceptions = || self.no_proxy.as_deref().and_then(reqwest::NoProxy::from_string);
        if let Some(url) = &self.https {
            let proxy = reqwest::Proxy::https(url.as_str()).map_err(|e| invalid_proxy(url, &e))?;
            builder = builder.proxy(proxy.no_proxy(exceptions()));
        }
        if let Some(url) = &self.http {
            let proxy = reqwest::Proxy::http(url.as_str()).map_err(|e| invalid_proxy(url, &e))?;
            builder = builder.proxy(proxy.no_proxy(exceptions()));
        }
        Ok(builder)
    }
}

/// The proxies the usual variables name, lower case first as curl reads them. Upper-case
/// `HTTP_PROXY` is ignored in a CGI program (`REQUEST_METHOD` set), where a request's
/// `Proxy:` header would otherwise choose the proxy ("httpoxy").
fn from_env(env: &Env) -> Proxies {
    let all = env.first_of(&["all_proxy", "ALL_PROXY"]);
    let http = env
        .get("http_proxy")
        .or_else(|| env.get("REQUEST_METHOD").is_none().then(|| env.get("HTTP_PROXY")).flatten())
        .or_else(|| all.clone());
    Proxies {
        https: env.first_of(&["https_proxy", "HTTPS_PROXY"]).or(all),
        http,
        no_proxy: env.first_of(&["no_proxy", "NO_PROXY"]),
    }
}

fn invalid_proxy(url: &str, error: &dyn fmt::Display) -> Error {
    Error::InvalidRequest(format!("proxy `{}` is not usable: {error}", without_password(url)))
}

/// `url` with the password of its user info (`user:password@`) replaced, for messages and
/// `Debug`.
pub(super) fn without_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((user_info, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
    let scheme = if scheme.is_empty() { String::new() } else { format!("{scheme}://") };
    format!("{scheme}{user}:<redacted>@{host}{tail}")
}

impl fmt::Debug for Proxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |url: &Option<String>| url.as_deref().map(without_password);
        f.debug_struct("Proxies")
            .field("https", &shown(&self.https))
            .field("http", &shown(&self.http))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl fmt::Debug for ProxySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySource::Env(env) => f.debug_tuple("Env").field(env).finish(),
            ProxySource::Url(url) => f.debug_tuple("Url").field(&without_password(url)).finish(),
            ProxySource::Direct => f.write_str("Direct"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Proxies {
        Proxies::resolve(&ProxySource::Env(Env::from_pairs(pairs.iter().copied())), None)
    }

    #[test]
    fn environment_variables_in_curl_order() {
        let p = from(&[("HTTPS_PROXY", "http://up:1"), ("https_proxy", "http://low:1"), ("NO_PROXY", "a.com")]);
        assert_eq!(p.https.as_deref(), Some("http://low:1"));
        assert_eq!(p.http, None);
        assert_eq!(p.no_proxy.as_deref(), Some("a.com"));
        let all = from(&[("ALL_PROXY", "http://all:1"), ("HTTP_PROXY", "http://h:1")]);
        assert_eq!(all.https.as_deref(), Some("http://all:1"));
        assert_eq!(all.http.as_deref(), Some("http://h:1"));
        let cgi = from(&[("HTTP_PROXY", "http://evil:1"), ("REQUEST_METHOD", "GET")]);
        assert_eq!(cgi.http, None);
        assert_eq!(from(&[]), Proxies::default());
    }

    #[test]
    fn explicit_settings_replace_the_environment() {
        let url = Proxies::resolve(&ProxySource::Url("http://p:3128".into()), Some("localhost"));
        assert_eq!(url.https.as_deref(), Some("http://p:3128"));
        assert_eq!(url.http.as_deref(), Some("http://p:3128"));
        assert_eq!(url.no_proxy.as_deref(), Some("localhost"));
        assert_eq!(Proxies::resolve(&ProxySource::Direct, Some("x")), Proxies::default());
    }

    #[test]
    fn passwords_never_shown() {
        assert_eq!(without_password("http://u:pw@p:1/x"), "http://u:<redacted>@p:1/x");
        assert_eq!(without_password("u:pw@p:1"), "u:<redacted>@p:1");
        assert_eq!(without_password("http://p:1/a@b"), "http://p:1/a@b");
        let shown = format!("{:?}", ProxySource::Url("http://u:pw@p:1".into()));
        assert!(!shown.contains("pw"), "{shown}");
    }
}
