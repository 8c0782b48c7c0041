// @generated: copied verbatim from codegen/runtime/response.rs; edit the original there.

//! Sans-IO response parsing helpers used by the generated `parse` functions.

use super::{ApiError, Error};

/// Decodes a JSON body; a mismatch keeps the status and the raw body.
pub fn json<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::Decode {
        status,
        message: e.to_string(),
        body: body.to_vec(),
    })
}

/// A header's text, if present and visible ASCII.
pub fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Header names that carry the request id, most specific first.
const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "x-cff-request-id", "x-fc-request-id"];

/// The request id the service assigned, for support tickets.
pub fn request_id(headers: &http::HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| header_text(headers, name))
}

impl ApiError {
    /// Reads an error answer: Huawei's `error_code`/`error_msg` (also nested under
    /// `error`, or as `code`/`message`), Alibaba's `ErrorCode`/`ErrorMessage`.
    pub fn from_response(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let object = parsed.as_ref().map(|v| v.get("error").filter(|e| e.is_object()).unwrap_or(v));
        let field = |names: &[&str]| {
            object.and_then(|o| {
                names.iter().find_map(|n| match o.get(*n) {
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
            })
        };
        Self {
            status,
            code: field(&["error_code", "code", "errorCode", "ErrorCode"]),
            message: field(&["error_msg", "message", "errorMessage", "ErrorMessage", "msg"]),
            request_id: request_id(headers)
                .or_else(|| field(&["request_id", "requestId", "RequestId"])),
            body: body.to_vec(),
        }
    }
}

/// An error status turned into [`Error::Api`]; `body` is re-encoded from its typed form.
pub fn api_error<T: serde::Serialize>(status: u16, headers: &http::HeaderMap, body: &T) -> Error {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    Error::Api(Box::new(ApiError::from_response(status, headers, &bytes)))
}

/// An error status whose body is kept as bytes.
pub fn api_error_raw(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Error {
    Error::Api(Box::new(ApiError::from_response(status, headers, body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_both_vendors() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req-1"));
        let huawei = ApiError::from_response(
            403,
            &headers,
            br#"{"error_code":"FSS.0403","error_msg":"not permit"}"#,
        );
        assert_eq!(huawei.code.as_deref(), Some("FSS.0403"));
        assert_eq!(huawei.message.as_deref(), Some("not permit"));
        assert_eq!(huawei.request_id.as_deref(), Some("req-1"));
        let html = ApiError::from_response(502, &http::HeaderMap::new(), b"<html>");
        assert_eq!(html.code, None);
        assert_eq!(html.body, b"<html>");
    }
}
