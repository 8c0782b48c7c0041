//! Sans-IO response decoding used by the generated `parse` functions.
//!
//! One routine per outcome, shared by every operation: a success body is decoded into
//! its documented type, and any error status becomes an [`ApiError`] that keeps the body
//! exactly as received, whatever it holds.

use super::json::{FromJson, Map, Mismatch, Value};
use crate::vendor::Vendor;
use crate::{ApiError, DecodeError, Error};

/// Decodes a success body as `T`.
///
/// An empty body (a `204`, or a `200` with nothing in it) is read as JSON `null`, then as
/// `{}`, so it is accepted where `T` allows it (an `Option`, a JSON value, a type whose
/// properties are all optional). A mismatch is [`Error::Decode`] with the path of the
/// value that failed, the headers, the request id and the body as received (moved there,
/// not copied).
///
/// Only `T::from_json` is generic: parsing and error reporting are compiled once.
pub fn decode<T: FromJson>(
    vendor: &Vendor,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: Vec<u8>,
) -> Result<T, Error> {
    // Matches rather than closures: each closure would be compiled once per response type.
    let mismatch = match parse(&body) {
        Ok(Some(value)) => match T::from_json(value) {
            Ok(value) => return Ok(value),
            Err(mismatch) => Ok(Some(mismatch)),
        },
        Ok(None) => match T::from_json(Value::Null) {
            Ok(value) => return Ok(value),
            Err(_) => match T::from_json(Value::Object(Map::new())) {
                Ok(value) => return Ok(value),
                Err(_) => Ok(None),
            },
        },
        Err(message) => Err(message),
    };
    Err(failure(vendor, status, headers, body, mismatch))
}

/// The body as one JSON document; `None` when it is empty.
fn parse(body: &[u8]) -> Result<Option<Value>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body).map(Some).map_err(|e| e.to_string())
}

/// The decode error: `mismatch` is `Err` with serde_json's message for a body that is
/// not JSON, `Ok(None)` for an empty body the type does not allow.
fn failure(
    vendor: &Vendor,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: Vec<u8>,
    mismatch: Result<Option<Mismatch>, String>,
) -> Error {
    let (path, message) = match mismatch {
        Ok(Some(mismatch)) => (mismatch.path(), mismatch.message().to_owned()),
        Ok(None) => (None, "the body is empty and the documented type needs a value".to_owned()),
        Err(message) => (None, message),
    };
    Error::from(DecodeError {
        status: status.as_u16(),
        path,
        message,
        request_id: vendor.request_id(headers),
        headers: headers.clone(),
        body,
    })
}

/// An error status as an [`ApiError`]: code and message read where the body has them,
/// the body kept as received.
pub fn api_error(vendor: &Vendor, status: http::StatusCode, headers: http::HeaderMap, body: Vec<u8>) -> ApiError {
    ApiError::from_response(vendor, status.as_u16(), headers, body)
}

/// The bytes of a body the client read whole (error answers, documented JSON) in an
/// operation whose success answers are streamed; a body still streaming (only a success
/// status of such an operation) gives nothing here, as it must be read asynchronously.
pub fn buffered(body: crate::Body) -> Vec<u8> {
    body.into_bytes().map(Vec::from).unwrap_or_default()
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
    use crate::__private::json::{Reader, failed};
    use crate::vendor::GENERIC;

    #[derive(Debug, PartialEq)]
    struct Function {
        func_name: String,
        vpc: Option<Vpc>,
    }

    impl FromJson for Function {
        fn from_json(value: Value) -> Result<Self, Mismatch> {
            let mut object = Reader::new(value, "Function")?;
            let func_name = object.required("func_name");
            let vpc = object.optional("vpc");
            match (object.rest::<Value>(), func_name) {
                (Ok(_), Some(func_name)) => Ok(Self { func_name, vpc }),
                (rest, ..) => Err(failed(rest.err())),
            }
        }
    }

    #[derive(Debug, PartialEq)]
    struct Vpc {
        subnet_id: String,
    }

    impl FromJson for Vpc {
        fn from_json(value: Value) -> Result<Self, Mismatch> {
            let mut object = Reader::new(value, "Vpc")?;
            let subnet_id = object.required("subnet_id");
            match (object.rest::<Value>(), subnet_id) {
                (Ok(_), Some(subnet_id)) => Ok(Self { subnet_id }),
                (rest, ..) => Err(failed(rest.err())),
            }
        }
    }

    #[derive(Debug, PartialEq, Default)]
    struct AllOptional {
        count: Option<i32>,
    }

    impl FromJson for AllOptional {
        fn from_json(value: Value) -> Result<Self, Mismatch> {
            let mut object = Reader::new(value, "AllOptional")?;
            let count = object.optional("count");
            object.rest::<Value>()?;
            Ok(Self { count })
        }
    }

    fn headers() -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req-9"));
        headers
    }

    #[test]
    fn decode_failure_names_the_field_and_keeps_the_answer() {
        let body = br#"{"func_name":"f","vpc":{"subnet_id":7}}"#;
        let Err(Error::Decode(error)) = decode::<Function>(&GENERIC, http::StatusCode::OK, &headers(), body.to_vec())
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

    #[derive(Debug, PartialEq)]
    struct List {
        functions: Vec<Function>,
    }

    impl FromJson for List {
        fn from_json(value: Value) -> Result<Self, Mismatch> {
            let mut object = Reader::new(value, "List")?;
            let functions = object.required("functions");
            match (object.rest::<Value>(), functions) {
                (Ok(_), Some(functions)) => Ok(Self { functions }),
                (rest, ..) => Err(failed(rest.err())),
            }
        }
    }

    fn failure<T: FromJson + std::fmt::Debug>(body: &[u8]) -> DecodeError {
        match decode::<T>(&GENERIC, http::StatusCode::OK, &headers(), body.to_vec()) {
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
        let result = decode::<Function>(&GENERIC, http::StatusCode::OK, &headers(), br#"{"func_name":"f"} x"#.to_vec());
        assert!(matches!(result, Err(Error::Decode(_))));
    }

    #[test]
    fn empty_bodies_where_the_type_allows() {
        let ok = http::StatusCode::OK;
        decode::<()>(&GENERIC, http::StatusCode::NO_CONTENT, &headers(), b"".to_vec()).expect("unit");
        assert_eq!(decode::<Option<Function>>(&GENERIC, ok, &headers(), Vec::new()).unwrap(), None);
        assert_eq!(decode::<serde_json::Value>(&GENERIC, ok, &headers(), b" ".to_vec()).unwrap(), serde_json::Value::Null);
        assert_eq!(decode::<AllOptional>(&GENERIC, ok, &headers(), b"".to_vec()).unwrap(), AllOptional::default());
        let Err(Error::Decode(error)) = decode::<Function>(&GENERIC, ok, &headers(), b"".to_vec()) else {
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
