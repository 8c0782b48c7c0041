//! Sans-IO response decoding used by the generated `parse` functions.
//!
//! One routine per outcome, shared by every operation: a success body is decoded into
//! its documented type, and any error status becomes an [`ApiError`] that keeps the body
//! exactly as received, whatever it holds.

use crate::vendor::Vendor;
use crate::{ApiError, DecodeError, Error};

/// Decodes a success body as `T`.
///
/// An empty body (a `204`, or a `200` with nothing in it) is read as JSON `null`, then as
/// `{}`, so it is accepted where `T` allows it (`()`, an `Option`, a JSON value, a type
/// whose properties are all optional). A mismatch is [`Error::Decode`] with the path of
/// the field that failed, the headers, the request id and the body as received.
pub fn decode<T: serde::de::DeserializeOwned>(
    vendor: &Vendor,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    let result = if body.iter().all(u8::is_ascii_whitespace) {
        from_slice::<T>(b"null").or_else(|_| from_slice::<T>(b"{}")).map_err(|_| {
            (None, "the body is empty and the documented type needs a value".to_owned())
        })
    } else {
        from_slice::<T>(body)
    };
    result.map_err(|(path, message)| {
        Error::from(DecodeError {
            status: status.as_u16(),
            path,
            message,
            request_id: vendor.request_id(headers),
            headers: headers.clone(),
            body: body.to_vec(),
        })
    })
}

/// `serde_json::from_slice` that also says where the failure is (`None` at the top).
fn from_slice<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, (Option<String>, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let path = (path != ".").then_some(path);
        (path, e.into_inner().to_string())
    })?;
    deserializer.end().map_err(|e| (None, e.to_string()))?;
    Ok(value)
}

/// An error status as an [`ApiError`]: code and message read where the body has them,
/// the body kept as received.
pub fn api_error(vendor: &Vendor, status: http::StatusCode, headers: http::HeaderMap, body: Vec<u8>) -> ApiError {
    ApiError::from_response(vendor, status.as_u16(), headers, body)
}

/// A header's text, if present and visible ASCII.
pub fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendor::GENERIC;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Function {
        func_name: String,
        #[serde(default)]
        vpc: Option<Vpc>,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Vpc {
        subnet_id: String,
    }

    #[derive(Debug, serde::Deserialize, PartialEq, Default)]
    struct AllOptional {
        count: Option<i32>,
    }

    fn headers() -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req-9"));
        headers
    }

    #[test]
    fn decode_failure_names_the_field_and_keeps_the_answer() {
        let body = br#"{"func_name":"f","vpc":{"subnet_id":7}}"#;
        let Err(Error::Decode(error)) = decode::<Function>(&GENERIC, http::StatusCode::OK, &headers(), body)
        else {
            panic!("a number is not a subnet id");
        };
        assert_eq!(error.path.as_deref(), Some("vpc.subnet_id"));
        assert!(error.message.starts_with("invalid type: integer `7`, expected a string"), "{}", error.message);
        assert_eq!(error.request_id.as_deref(), Some("req-9"));
        assert_eq!(error.headers["x-request-id"], "req-9");
        assert_eq!(error.body, body);
        assert_eq!(error.status, 200);
    }

    #[test]
    fn trailing_garbage_is_refused() {
        let result = decode::<Function>(&GENERIC, http::StatusCode::OK, &headers(), br#"{"func_name":"f"} x"#);
        assert!(matches!(result, Err(Error::Decode(_))));
    }

    #[test]
    fn empty_bodies_where_the_type_allows() {
        let ok = http::StatusCode::OK;
        decode::<()>(&GENERIC, http::StatusCode::NO_CONTENT, &headers(), b"").expect("unit");
        assert_eq!(decode::<Option<Function>>(&GENERIC, ok, &headers(), b"").unwrap(), None);
        assert_eq!(decode::<serde_json::Value>(&GENERIC, ok, &headers(), b" ").unwrap(), serde_json::Value::Null);
        assert_eq!(decode::<AllOptional>(&GENERIC, ok, &headers(), b"").unwrap(), AllOptional::default());
        let Err(Error::Decode(error)) = decode::<Function>(&GENERIC, ok, &headers(), b"") else {
            panic!("a function needs its name");
        };
        assert_eq!(error.path, None);
        assert!(error.message.contains("empty"), "{}", error.message);
    }

    #[test]
    fn error_statuses_keep_any_body() {
        for body in [&b"<html>404</html>"[..], b"", br#"{"error_code": 404}"#] {
            let api = api_error(&GENERIC, http::StatusCode::NOT_FOUND, headers(), body.to_vec());
            assert_eq!(api.status, 404);
            assert_eq!(api.body, body);
            assert_eq!(api.request_id.as_deref(), Some("req-9"));
        }
    }
}
