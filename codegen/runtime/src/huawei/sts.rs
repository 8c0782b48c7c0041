//! The STS endpoint, and what the federation sources share: their unsigned JSON
//! exchanges, sent with the bodies the official SDK writes and errors that never quote a
//! token.

use super::endpoint_from_setting;
use super::regions::{STS_DEFAULT_ENDPOINT, sts_endpoint_of};
use crate::{Endpoint, Env, Error};

/// The variable naming the STS endpoint (a URL), as in the official SDKs.
pub const ENV_STS_ENDPOINT: &str = "HUAWEICLOUD_SDK_STS_ENDPOINT";

/// The STS endpoint, as the official SDKs pick it: the URL in
/// `HUAWEICLOUD_SDK_STS_ENDPOINT` when set, else the one of `region` in the SDK's table
/// ([`sts_endpoint_of`](super::sts_endpoint_of)), else (no region, or one the table
/// lacks) [`STS_DEFAULT_ENDPOINT`](super::STS_DEFAULT_ENDPOINT).
///
/// OIDC federation passes no region (the SDK's default endpoint); the domain id lookup
/// passes the region it is for.
pub fn sts_endpoint(env: &Env, region: Option<&str>) -> Result<Endpoint, Error> {
    match env.get(ENV_STS_ENDPOINT) {
        Some(url) => endpoint_from_setting(&url),
        None => Endpoint::new(region.map_or(STS_DEFAULT_ENDPOINT, sts_endpoint_of)),
    }
}

#[cfg(feature = "client")]
pub(super) use exchange::{Exchanger, refusal, sdk_json};

#[cfg(feature = "client")]
mod exchange {
    use super::super::VENDOR;
    use super::super::refresh;
    use crate::{ApiError, Client, ClientConfig, ClientConfigBuilder, Credentials, Endpoint, Env, Error};
    use serde::Serialize;
    use std::io;
    use std::time::Duration;

    /// Sends the federation exchanges: unsigned (they carry their own proof, an ID token
    /// or an IAM token), as the official SDK sends them, through the proxies of the
    /// source's environment.
    #[derive(Clone)]
    pub(in super::super) struct Exchanger {
        config: ClientConfig,
    }

    impl Exchanger {
        /// With the proxies `env` names.
        pub(in super::super) fn new(env: &Env) -> Result<Self, Error> {
            Self::build(ClientConfig::builder(Credentials::none()).proxy_from_env(env.clone()))
        }

        /// With this HTTP client (its own proxies, timeouts and certificates).
        pub(in super::super) fn with_http_client(http: reqwest::Client) -> Result<Self, Error> {
            Self::build(ClientConfig::builder(Credentials::none()).http_client(http))
        }

        fn build(builder: ClientConfigBuilder) -> Result<Self, Error> {
            // A credential fetch that hangs holds up every request waiting for it.
            let config = builder.timeout(Duration::from_secs(30)).build()?;
            Ok(Self { config })
        }

        /// `POST {endpoint}{path}` with a JSON `body` and `headers`; the answer, whatever
        /// its status. A failure to send names `what` (`STS`, `IAM`) and the endpoint.
        pub(in super::super) async fn post_json(
            &self,
            what: &str,
            endpoint: &Endpoint,
            path: &str,
            headers: &[(&str, &str)],
            body: Vec<u8>,
        ) -> Result<http::Response<Vec<u8>>, Error> {
            let mut request = http::Request::post(format!("{}{path}", endpoint.base_url()))
                .header(http::header::CONTENT_TYPE, "application/json;charset=UTF-8");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            // Header values are ids (the IdP id); the message names the header only.
            let request = request.body(body).map_err(|_| {
                Error::Credentials(format!(
                    "a header of the request to {what} at {} cannot be sent",
                    endpoint.base_url()
                ))
            })?;
            Client::new(&self.config, endpoint.clone())
                .execute(request, false)
                .await
                .map_err(|e| match e {
                    Error::Transport(_) | Error::Timeout(_) => {
                        Error::Credentials(format!("{what} at {} cannot be reached: {e}", endpoint.base_url()))
                    }
                    other => other,
                })
        }
    }

    /// A refusal as text (`API error 400 code: message`, or the body's start when it has
    /// neither), with every one of `secrets` redacted.
    pub(in super::super) fn refusal(response: http::Response<Vec<u8>>, secrets: &[&str]) -> String {
        let (parts, body) = response.into_parts();
        let mut excerpt = String::from_utf8_lossy(&body).into_owned();
        for secret in secrets {
            excerpt = refresh::redact(&excerpt, Some(secret));
        }
        let api = ApiError::from_response(&VENDOR, parts.status.as_u16(), parts.headers, body);
        let mut text = api.to_string();
        if api.code.is_none() && api.message.is_none() {
            text = format!("{text}: {}", refresh::excerpt(excerpt.as_bytes(), None));
        }
        for secret in secrets {
            text = refresh::redact(&text, Some(secret));
        }
        text
    }

    /// `value` as Python's `json.dumps` writes it (`", "` and `": "` between items, every
    /// character outside printable ASCII escaped as `\uXXXX`), so that a body is the
    /// official SDK's byte for byte.
    pub(in super::super) fn sdk_json(value: &serde_json::Value) -> Vec<u8> {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonStyle);
        // Writing to a `Vec` cannot fail, nor can a `Value` with string keys.
        value.serialize(&mut serializer).expect("JSON values always serialize");
        out
    }

    struct PythonStyle;

    impl serde_json::ser::Formatter for PythonStyle {
        fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }

        fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }

        fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
            writer.write_all(b": ")
        }

        /// serde_json escapes quotes, backslashes and control characters as Python does;
        /// Python's `ensure_ascii` also escapes DEL and everything beyond ASCII.
        fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
            for c in fragment.chars() {
                if c.is_ascii() && c != '\x7f' {
                    writer.write_all(&[c as u8])?;
                } else {
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        write!(writer, "\\u{unit:04x}")?;
                    }
                }
            }
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn bodies_are_written_as_python_writes_them() {
            let value = serde_json::json!({
                "b": "é😀\u{7f}\n\"\\/",
                "a": [1, "x"],
                "e": [],
                "o": {},
            });
            // json.dumps({"b": "é😀\x7f\n\"\\/", "a": [1, "x"], "e": [], "o": {}})
            let expected = r#"{"b": "\u00e9\ud83d\ude00\u007f\n\"\\/", "a": [1, "x"], "e": [], "o": {}}"#;
            assert_eq!(String::from_utf8(sdk_json(&value)).expect("ASCII"), expected);
        }

        #[test]
        fn refusals_never_quote_the_secrets() {
            let response = |body: &str| {
                http::Response::builder()
                    .status(400)
                    .body(body.as_bytes().to_vec())
                    .expect("response")
            };
            let shown = refusal(
                response(r#"{"error_code":"STS.0001","error_msg":"bad token eyJtok"}"#),
                &["eyJtok"],
            );
            assert_eq!(shown, "API error 400 STS.0001: bad token <redacted>");
            let shown = refusal(response("<html>eyJtok</html>"), &["eyJtok"]);
            assert_eq!(shown, "API error 400: <html><redacted></html>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_then_the_region_then_the_default() {
        let none = Env::from_pairs::<&str, &str>([]);
        let at = |env: &Env, region| sts_endpoint(env, region).expect("endpoint").base_url().to_owned();
        assert_eq!(at(&none, None), STS_DEFAULT_ENDPOINT);
        assert_eq!(
            at(&none, Some("ap-southeast-1")),
            "https://sts.ap-southeast-1.myhuaweicloud.com"
        );
        assert_eq!(at(&none, Some("cn-north-9")), STS_DEFAULT_ENDPOINT, "no STS of its own");
        let named = Env::from_pairs([(ENV_STS_ENDPOINT, "sts.private.example.com")]);
        assert_eq!(at(&named, Some("ap-southeast-1")), "https://sts.private.example.com");
    }
}
