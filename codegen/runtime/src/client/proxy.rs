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
        let exceptions = || reqwest::NoProxy::from_string(&with_loopback(self.no_proxy.as_deref()));
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

/// Hosts that never go through a proxy, whatever the settings: this machine. Plain
/// `http://` is allowed only to loopback endpoints because the traffic stays on the
/// machine; through a proxy their tokens and signatures would leave it unencrypted. Go's
/// `httpproxy` never proxies them either.
const LOOPBACK_NO_PROXY: &str = "localhost,127.0.0.0/8,::1";

/// `no_proxy` (`NO_PROXY` syntax) with the loopback hosts added.
fn with_loopback(no_proxy: Option<&str>) -> String {
    match no_proxy.map(str::trim).filter(|n| !n.is_empty()) {
        Some(hosts) => format!("{hosts},{LOOPBACK_NO_PROXY}"),
        None => LOOPBACK_NO_PROXY.to_owned(),
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

fn invalid_proxy(url: &str, error: &reqwest::Error) -> Error {
    // reqwest's own message may quote the URL, password and all; its source (the URL
    // parser's reason) never does.
    let reason = std::error::Error::source(error)
        .map_or_else(|| "not a proxy URL reqwest accepts".to_owned(), ToString::to_string);
    Error::InvalidRequest(format!("proxy `{}` is not usable: {reason}", without_password(url)))
}

/// `url` with its user info redacted, for messages and `Debug`: everything between `://`
/// (or the start) and the last `@`. A password may hold `/`, `?`, `#` or `@` (a URL
/// parser would then end the host early and show the rest), so the last `@` is the only
/// safe end; the user name before the first `:` stays, for recognition. A URL whose path
/// has an `@` is redacted too much, never too little.
pub(super) fn without_password(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let Some((user_info, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match user_info.split_once(':') {
        Some((user, _)) => format!("{scheme}{user}:<redacted>@{host}"),
        // A lone user part may be a token.
        None => format!("{scheme}<redacted>@{host}"),
    }
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
        assert_eq!(without_password("http://p:1/x"), "http://p:1/x");
        assert_eq!(without_password("http://tok3n@p:1"), "http://<redacted>@p:1");
        // Over-redacted rather than under: an `@` in a path hides what comes before it.
        assert_eq!(without_password("http://p:1/a@b"), "http://p:<redacted>@b");
        for (url, password) in [
            ("http://user:pa/ss@proxy.example:3128", "pa/ss"),
            ("http://bob:s3cr#t@proxy:3128", "s3cr#t"),
            ("http://bob:wh?t@proxy:3128/", "wh?t"),
            ("http://bob:a@b@proxy:3128", "a@b"),
            ("http://bob:a@b/c?d#e@proxy:3128", "a@b/c?d#e"),
        ] {
            let shown = without_password(url);
            assert!(!shown.contains(password), "{shown}");
            assert!(shown.ends_with("proxy.example:3128") || shown.contains("@proxy:3128"), "{shown}");
            let debug = format!("{:?}", ProxySource::Url(url.into()));
            assert!(!debug.contains(password), "{debug}");
        }
    }

    #[test]
    fn unusable_proxy_urls_are_reported_without_their_password() {
        for (url, password) in [
            ("http://user:pa/ss@proxy.example:3128", "pa/ss"),
            ("http://bob:s3cr#t@proxy:3128", "s3cr#t"),
            ("http://bob:a@b?c@proxy:3128", "a@b?c"),
        ] {
            let proxies = Proxies::resolve(&ProxySource::Url(url.into()), None);
            let shown = format!("{proxies:?}");
            assert!(!shown.contains(password), "{shown}");
            if let Err(error) = proxies.apply(reqwest::Client::builder()) {
                assert!(!error.to_string().contains(password), "{error}");
            }
        }
        let env = Env::from_pairs([("HTTPS_PROXY", "http://bob:s3cr#t@proxy:3128")]);
        let proxies = Proxies::resolve(&ProxySource::Env(env), None);
        assert!(!format!("{proxies:?}").contains("s3cr#t"));
        let error = proxies.apply(reqwest::Client::builder()).expect_err("port `s3cr`");
        assert!(!error.to_string().contains("s3cr"), "{error}");
    }

    #[test]
    fn loopback_hosts_always_bypass_the_proxy() {
        assert_eq!(with_loopback(None), LOOPBACK_NO_PROXY);
        assert_eq!(with_loopback(Some("a.com")), format!("a.com,{LOOPBACK_NO_PROXY}"));
        let no_proxy = reqwest::NoProxy::from_string(&with_loopback(Some("a.com"))).expect("parses");
        let _ = no_proxy;
    }
}
