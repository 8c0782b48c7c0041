//! Sans-IO response decoding used by the generated `parse` functions.
//!
//! One routine per outcome, shared by every operation: a success body is decoded into
//! its documented type, and any error status becomes an [`ApiError`] that keeps the body
//! exactly as received, whatever it holds.

use crate::vendor::Vendor;
use crate::{ApiError, DecodeError, Error};

/// The JSON reader every generated decoder reads from.
pub type JsonReader<'a> = serde_json::Deserializer<serde_json::de::SliceRead<'a>>;

/// Decodes a success body as `T`.
///
/// An empty body (a `204`, or a `200` with nothing in it) is read as JSON `null`, then as
/// `{}`, so it is accepted where `T` allows it (`()`, an `Option`, a JSON value, a type
/// whose properties are all optional). A mismatch is [`Error::Decode`] with the path of
/// the field that failed, the headers, the request id and the body as received.
///
/// Only `T::deserialize` is generic: the rest is [`decode_with`], compiled once. The
/// failing field's path comes from the position serde_json reports (a scan of the body)
/// rather than from a path-tracking deserializer, which would wrap every field's
/// deserializer of every response type in generic layers of its own.
pub fn decode<T: serde::de::DeserializeOwned>(
    vendor: &Vendor,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    let mut value = None;
    decode_with(vendor, status, headers, body, &mut |reader| {
        value = Some(T::deserialize(reader)?);
        Ok(())
    })?;
    // `decode_with` returns `Ok` only after a successful read.
    value.ok_or_else(|| Error::InvalidRequest("decoder reported success without a value".to_owned()))
}

/// [`decode`] without its type: `read` deserializes a value from the reader it is given.
pub fn decode_with(
    vendor: &Vendor,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
    read: &mut dyn FnMut(&mut JsonReader<'_>) -> Result<(), serde_json::Error>,
) -> Result<(), Error> {
    let result = if body.iter().all(u8::is_ascii_whitespace) {
        read_all(b"null", read).or_else(|_| read_all(b"{}", read)).map_err(|_| {
            (None, "the body is empty and the documented type needs a value".to_owned())
        })
    } else {
        read_all(body, read)
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

/// One complete JSON document read by `read`; on failure, where (`None` at the top) and why.
fn read_all(
    body: &[u8],
    read: &mut dyn FnMut(&mut JsonReader<'_>) -> Result<(), serde_json::Error>,
) -> Result<(), (Option<String>, String)> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    if let Err(error) = read(&mut reader) {
        let path = (error.line() > 0).then(|| path_at(body, offset(body, error.line(), error.column()))).flatten();
        return Err((path, error.to_string()));
    }
    reader.end().map_err(|e| (None, e.to_string()))
}

/// The byte offset of a 1-based line and a column counted in bytes from the line start.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = body
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    let start = if line <= 1 { 0 } else { line_start };
    (start + column).min(body.len())
}

/// Where a value is within a JSON document.
enum Frame {
    Object { key: Option<String>, expect_key: bool },
    Array { index: usize },
}

/// The path (`vpc.subnet_id`, `functions[2].name`) of the value the reader was in when it
/// had read `body[..end]`; `None` at the top level. A value that was read completely
/// (an object whose closing brace was read) counts as the one that failed, since that is
/// where serde_json stops for a missing field.
fn path_at(body: &[u8], end: usize) -> Option<String> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let body = &body[..end.min(body.len())];
    while i < body.len() {
        match body[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    let raw = &body[start..(i + 1).min(body.len())];
                    *key = serde_json::from_slice::<String>(raw).ok();
                    *expect_key = false;
                }
            }
            b'{' => stack.push(Frame::Object { key: None, expect_key: true }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                // The container ends: if the reading stopped right here, it is the value
                // that failed (its parent frame names it).
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
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

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct List {
        functions: Vec<Function>,
    }

    fn failure<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &[u8]) -> DecodeError {
        match decode::<T>(&GENERIC, http::StatusCode::OK, &headers(), body) {
            Err(Error::Decode(error)) => *error,
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn paths_name_the_failing_value_inside_arrays_objects_and_missing_fields() {
        let body = br#"{"functions": [{"func_name": "a"}, {"func_name": "b", "vpc": {"subnet_id": false}}]}"#;
        let error = failure::<List>(body);
        assert_eq!(error.path.as_deref(), Some("functions[1].vpc.subnet_id"));
        assert!(error.message.starts_with("invalid type: boolean `false`, expected a string"), "{}", error.message);

        let error = failure::<List>(br#"{"functions": [{"func_name": "a", "vpc": {}}]}"#);
        assert_eq!(error.path.as_deref(), Some("functions[0].vpc"));
        assert!(error.message.starts_with("missing field `subnet_id`"), "{}", error.message);

        let pretty = b"{\n  \"functions\": [\n    {\n      \"func_name\": 1\n    }\n  ]\n}";
        assert_eq!(failure::<List>(pretty).path.as_deref(), Some("functions[0].func_name"));

        let escaped = br#"{"functions": [{"func_name": "a \"quoted\" \\ name", "vpc": {"subnet_id": 1}}]}"#;
        assert_eq!(failure::<List>(escaped).path.as_deref(), Some("functions[0].vpc.subnet_id"));

        let error = failure::<Function>(br#"{"vpc": null}"#);
        assert_eq!(error.path, None);
        assert!(error.message.starts_with("missing field `func_name`"), "{}", error.message);
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
