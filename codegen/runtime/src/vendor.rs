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

    /// Code, message and request id read from an error body of the vendor's shape, JSON
    /// or XML (told apart by the first character that is not blank: `<` is XML); each is
    /// `None` when absent.
    pub fn error_details(&self, body: &[u8]) -> ErrorDetails {
        self.error_details_for(None, body)
    }

    /// [`error_details`](Self::error_details) of a body whose `Content-Type` is known:
    /// a JSON or XML media type (`application/json`, `+json`, `application/xml`,
    /// `text/xml`, `+xml`) decides; any other, or none, leaves it to the body's first
    /// character.
    ///
    /// In XML the fields are child elements of the root (`<Error><Code>..</Code>`), or of
    /// the wrapper element when the root holds one; names are matched by their local part.
    pub fn error_details_for(&self, content_type: Option<&str>, body: &[u8]) -> ErrorDetails {
        let media = content_type
            .and_then(|c| c.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let xml = if media == "application/json" || media.ends_with("+json") {
            false
        } else if media == "application/xml" || media == "text/xml" || media.ends_with("+xml") {
            true
        } else {
            body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
        };
        if xml { self.xml_error_details(body) } else { self.json_error_details(body) }
    }

    fn json_error_details(&self, body: &[u8]) -> ErrorDetails {
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

    fn xml_error_details(&self, body: &[u8]) -> ErrorDetails {
        use crate::__private::xml::Element;
        let Ok(root) = crate::__private::xml::parse(body) else {
            return ErrorDetails::default();
        };
        let inner = self
            .error_wrapper
            .and_then(|w| root.children.iter().find(|c| c.name == w));
        // Text-only children: an element holding others is no code or message.
        let text = |element: &Element, name: &str| {
            element
                .children
                .iter()
                .find(|c| c.name == name && c.children.is_empty())
                .map(|c| c.text.trim().to_owned())
                .filter(|t| !t.is_empty())
        };
        let field = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| inner.and_then(|i| text(i, name)).or_else(|| text(&root, name)))
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
        assert_eq!(GENERIC.error_details(b"<html><body>502"), ErrorDetails::default());
        assert_eq!(GENERIC.error_details(b""), ErrorDetails::default());
    }

    /// OBS's answers: `<Error>` with capitalised members.
    const OBS: Vendor = Vendor {
        name: "obs",
        request_id_headers: &["x-obs-request-id"],
        error_code_fields: &["Code"],
        error_message_fields: &["Message"],
        request_id_fields: &["RequestId"],
        error_wrapper: None,
    };

    const OBS_ERROR: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchBucket</Code>
  <Message>The specified bucket does not exist</Message>
  <RequestId>0000016A7C5B3E7A</RequestId>
  <HostId>ZGZvbmVzdGhpcw==</HostId>
</Error>"#;

    #[test]
    fn reads_xml_error_bodies_by_sniffing_or_content_type() {
        let details = OBS.error_details(OBS_ERROR);
        assert_eq!(details.code.as_deref(), Some("NoSuchBucket"));
        assert_eq!(details.message.as_deref(), Some("The specified bucket does not exist"));
        assert_eq!(details.request_id.as_deref(), Some("0000016A7C5B3E7A"));
        assert_eq!(OBS.error_details_for(Some("application/xml;charset=UTF-8"), OBS_ERROR), details);
        // The content type wins over sniffing: JSON that says so is JSON.
        assert_eq!(OBS.error_details_for(Some("application/json"), OBS_ERROR), ErrorDetails::default());
        let json = br#"{"Code":"E","Message":"m"}"#;
        assert_eq!(OBS.error_details_for(Some("text/xml"), json), ErrorDetails::default());
        assert_eq!(OBS.error_details_for(Some("text/plain"), json).code.as_deref(), Some("E"));
        // A wrapper element is looked into first, the root after.
        let wrapped = b"<Response><error><code>C1</code></error><request_id>r</request_id></Response>";
        let generic = GENERIC.error_details(wrapped);
        assert_eq!((generic.code.as_deref(), generic.request_id.as_deref()), (Some("C1"), Some("r")));
    }
}
