//! Where requests go: a base URL and the project they act for.

use crate::Error;
use std::fmt;

/// A service endpoint: a base URL (scheme, host, optional port and path prefix) and the
/// project id that fills `{project_id}` in paths and the `X-Project-Id` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Without a trailing `/`.
    base: String,
    project_id: Option<String>,
}

impl Endpoint {
    /// Any base URL: `https://functiongraph.cn-north-4.myhuaweicloud.com`, a private
    /// cloud's gateway, or `http://127.0.0.1:8080` in tests.
    pub fn new(base_url: &str) -> Result<Self, Error> {
        let uri: http::Uri = base_url
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("endpoint `{base_url}` is not a URL: {e}")))?;
        if uri.scheme().is_none() || uri.authority().is_none() {
            return Err(Error::InvalidRequest(format!(
                "endpoint `{base_url}` needs a scheme and a host, like `https://host`"
            )));
        }
        if uri.query().is_some() {
            return Err(Error::InvalidRequest(format!(
                "endpoint `{base_url}` must not have a query"
            )));
        }
        Ok(Self {
            base: base_url.trim_end_matches('/').to_owned(),
            project_id: None,
        })
    }

    /// The public endpoint from a host template such as
    /// `functiongraph.{region}.myhuaweicloud.com` and values for its `{placeholders}`
    /// (`[("region", "cn-north-4")]`). Values are host labels: lower-case letters, digits
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

    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("base_url", &self.base)
            .field("project_id", &self.project_id)
            .finish()
    }
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
}
