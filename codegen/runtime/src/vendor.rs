//! What tells one vendor's answers from another's: where the request id is, and how an
//! error body names its code and message.
//!
//! A vendor is data, not code: a [`Vendor`] value in the vendor's own module
//! (`huawei::VENDOR`, `alibaba::VENDOR`), which a generated crate hands to the shared
//! parsing code. Adding a vendor adds a module with one such value; nothing shared changes.

/// How a vendor's responses carry the request id and error details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vendor {
    /// The vendor's name, for docs and messages.
    pub name: &'static str,
    /// Response headers that carry the request id, most specific first (lower case).
    pub request_id_headers: &'static [&'static str],
    /// Members of a JSON error body that hold the error code, tried in order.
    pub error_code_fields: &'static [&'static str],
    /// Members that hold the error message, tried in order.
    pub error_message_fields: &'static [&'static str],
    /// Members that hold the request id when no header does.
    pub request_id_fields: &'static [&'static str],
    /// A member that wraps the error object (`{"error": {"code": ..}}`), looked into
    /// before the top level.
    pub error_wrapper: Option<&'static str>,
}

impl Vendor {
    /// The request id the service assigned, from the response headers.
    pub fn request_id(&self, headers: &http::HeaderMap) -> Option<String> {
        self.request_id_headers
            .iter()
            .find_map(|name| crate::__private::header_text(headers, name))
    }

    /// Code, message and request id read from an error body, where it is JSON of the
    /// vendor's shape; each is `None` when absent.
    pub fn error_details(&self, body: &[u8]) -> ErrorDetails {
        let Ok(parsed) = serde_json::from_slice::<serde_json::Value>(body) else {
            return ErrorDetails::default();
        };
        let object = self
            .error_wrapper
            .and_then(|w| parsed.get(w))
            .filter(|inner| inner.is_object())
            .unwrap_or(&parsed);
        let field = |names: &[&str]| {
            names.iter().find_map(|name| {
                match object.get(*name).or_else(|| parsed.get(*name))? {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }
            })
        };
        ErrorDetails {
            code: field(self.error_code_fields),
            message: field(self.error_message_fields),
            request_id: field(self.request_id_fields),
        }
    }
}

/// What [`Vendor::error_details`] found in an error body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorDetails {
    /// The error code.
    pub code: Option<String>,
    /// The error message.
    pub message: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

/// A vendor that knows nothing: no request id header, `code` and `message` members.
/// Used where no vendor is known, e.g. in hand-written [`Operation`](crate::Operation)s.
pub const GENERIC: Vendor = Vendor {
    name: "generic",
    request_id_headers: &["x-request-id"],
    error_code_fields: &["code"],
    error_message_fields: &["message"],
    request_id_fields: &["request_id"],
    error_wrapper: Some("error"),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrapped_and_top_level_members() {
        let wrapped = GENERIC.error_details(br#"{"error":{"code":"E1","message":"bad"},"request_id":"r"}"#);
        assert_eq!(wrapped.code.as_deref(), Some("E1"));
        assert_eq!(wrapped.message.as_deref(), Some("bad"));
        assert_eq!(wrapped.request_id.as_deref(), Some("r"));
        let numeric = GENERIC.error_details(br#"{"code":404}"#);
        assert_eq!(numeric.code.as_deref(), Some("404"));
        assert_eq!(numeric.message, None);
        assert_eq!(GENERIC.error_details(b"<html>502</html>"), ErrorDetails::default());
        assert_eq!(GENERIC.error_details(b""), ErrorDetails::default());
    }
}
