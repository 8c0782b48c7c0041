//! Sans-IO request building: a request value and an endpoint in, an
//! `http::Request<Vec<u8>>` out, no HTTP client involved.
//!
//! Every caller-supplied value is checked or encoded here, so a bad value comes back as
//! [`Error::InvalidRequest`] and can never change the request's shape: a path parameter
//! is exactly one path segment, a query value never adds a parameter, a header value
//! never adds a header.

use super::form::{FilePart, Form};
use crate::{Body, DateTime, Endpoint, Error, FormFile};
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters is encoded, in paths and queries alike
/// (the form signers canonicalise to).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A value sent as a path, query or header parameter.
pub trait ToParam {
    /// The text on the wire, before encoding.
    fn to_param(&self) -> String;
}

impl ToParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ToParam for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ToParam for bool {
    /// `true`/`false`, lower case.
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ToParam for DateTime {
    fn to_param(&self) -> String {
        self.as_str().to_owned()
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(i32, i64, u32, u64, f64);

/// Lists in paths and headers: elements joined with `,` (the `simple` style).
impl<T: ToParam> ToParam for [T] {
    fn to_param(&self) -> String {
        self.iter().map(ToParam::to_param).collect::<Vec<_>>().join(",")
    }
}

impl<T: ToParam> ToParam for Vec<T> {
    fn to_param(&self) -> String {
        self.as_slice().to_param()
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

/// Builds one request; the first invalid value is kept and returned by [`build`](Self::build).
#[derive(Debug)]
pub struct RequestBuilder<'e> {
    method: http::Method,
    endpoint: &'e Endpoint,
    path: String,
    /// `name=value` pairs; a `None` value is a bare name (`?acl`).
    query: Vec<(String, Option<String>)>,
    headers: http::HeaderMap,
    body: Vec<u8>,
    /// Form fields gathered until [`form`](Self::form) encodes them.
    form: Form,
    /// An upload, sent instead of `body` (see [`build_body`](Self::build_body)).
    upload: Option<Body>,
    /// The bucket addressed, in the host or the path (see [`bucket`](Self::bucket)).
    bucket: Option<String>,
    error: Option<Error>,
}

impl<'e> RequestBuilder<'e> {
    pub fn new(method: http::Method, endpoint: &'e Endpoint) -> Self {
        Self {
            method,
            endpoint,
            path: String::new(),
            query: Vec::new(),
            headers: http::HeaderMap::new(),
            body: Vec::new(),
            form: Form::default(),
            upload: None,
            bucket: None,
            error: None,
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::InvalidRequest(message));
        }
    }

    /// A literal part of the path template, as written in the spec.
    pub fn literal(mut self, text: &str) -> Self {
        self.path.push_str(text);
        self
    }

    /// A path parameter: encoded so that it stays one segment (`/`, `?`, `#`, spaces
    /// and `:` included). Empty values, `.` and `..` are refused: they would change the
    /// route, and a server that normalizes paths would act on the parent resource.
    pub fn path_param(mut self, name: &str, value: &(impl ToParam + ?Sized)) -> Self {
        let text = value.to_param();
        if text.is_empty() {
            self.fail(format!("path parameter `{name}` is empty"));
        } else if text == "." || text == ".." {
            self.fail(format!("path parameter `{name}` is `{text}`, which would name another resource"));
        }
        self.path.extend(utf8_percent_encode(&text, COMPONENT));
        self
    }

    /// An object key as the path parameter `name`: checked
    /// ([`validate_object_key`](crate::validate_object_key): 1 to 1024 bytes, no `.` or
    /// `..` segment) and encoded with its `/` kept, as object storage expects
    /// ([`encode_object_key`](crate::encode_object_key)).
    pub fn object_key(mut self, name: &str, value: &(impl ToParam + ?Sized)) -> Self {
        let key = value.to_param();
        match crate::validate_object_key(&key) {
            Ok(()) => {}
            Err(Error::InvalidRequest(message)) => self.fail(format!("path parameter `{name}`: {message}")),
            Err(other) => self.fail(other.to_string()),
        }
        self.path.push_str(&crate::encode_object_key(&key));
        self
    }

    /// The bucket the request is for, in any place of the chain: the request goes to
    /// `{bucket}.{endpoint host}`, or to `{endpoint}/{bucket}` when the endpoint uses
    /// path-style addressing ([`Endpoint::uses_path_style`]), and carries a
    /// [`BucketAddress`](crate::BucketAddress) for the signer and the client. The name
    /// is checked by the DNS rules ([`validate_bucket_name`](crate::validate_bucket_name)).
    pub fn bucket(mut self, name: &(impl ToParam + ?Sized)) -> Self {
        self.bucket = Some(name.to_param());
        self
    }

    /// `{project_id}`, from the endpoint.
    pub fn project_id_param(self, name: &str) -> Self {
        match self.endpoint.project_id() {
            Some(id) => {
                let id = id.to_owned();
                self.path_param(name, id.as_str())
            }
            None => {
                let mut this = self;
                this.fail(format!(
                    "`{name}` is needed but the endpoint has no project id (Endpoint::with_project_id)"
                ));
                this
            }
        }
    }

    /// `X-Project-Id`, from the endpoint (left out when the endpoint has none).
    pub fn project_id_header(self, name: &str) -> Self {
        match self.endpoint.project_id() {
            Some(id) => {
                let id = id.to_owned();
                self.header(name, id.as_str())
            }
            None => self,
        }
    }

    pub fn query(mut self, name: &str, value: &(impl ToParam + ?Sized)) -> Self {
        self.query.push((name.to_owned(), Some(value.to_param())));
        self
    }

    /// A bare name (`?acl`, `?uploads`): a sub-resource of the request, with no value.
    pub fn query_flag(mut self, name: &str) -> Self {
        self.query.push((name.to_owned(), None));
        self
    }

    /// A bare name when `on`.
    pub fn query_flag_if(self, name: &str, on: bool) -> Self {
        if on { self.query_flag(name) } else { self }
    }

    pub fn query_opt<T: ToParam>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// An array parameter: one `name=value` pair per element.
    pub fn query_each<T: ToParam>(mut self, name: &str, values: &[T]) -> Self {
        for value in values {
            self = self.query(name, value);
        }
        self
    }

    pub fn query_each_opt<T: ToParam>(self, name: &str, values: Option<&Vec<T>>) -> Self {
        match values {
            Some(values) => self.query_each(name, values),
            None => self,
        }
    }

    /// An array parameter as one pair, its elements joined by `separator` (`,` for
    /// `collectionFormat: csv` and `explode: false`, ` ` for `ssv`, `\t`, `|`); an empty
    /// array sends nothing, as repeated keys would.
    pub fn query_joined<T: ToParam>(self, name: &str, values: &[T], separator: &str) -> Self {
        if values.is_empty() {
            return self;
        }
        let joined = values.iter().map(ToParam::to_param).collect::<Vec<_>>().join(separator);
        self.query(name, joined.as_str())
    }

    pub fn query_joined_opt<T: ToParam>(self, name: &str, values: Option<&Vec<T>>, separator: &str) -> Self {
        match values {
            Some(values) => self.query_joined(name, values, separator),
            None => self,
        }
    }

    /// A family of headers: `<prefix><key>: <value>` per entry (OBS's `x-obs-meta-`).
    /// Keys must be header-name characters; an empty key is refused.
    pub fn header_family(mut self, prefix: &str, entries: Option<&indexmap::IndexMap<String, String>>) -> Self {
        for (key, value) in entries.into_iter().flatten() {
            if key.is_empty() {
                self.fail(format!("a `{prefix}` header has an empty name after the prefix"));
                continue;
            }
            self = self.header(&format!("{prefix}{key}"), value);
        }
        self
    }

    /// A header; values with control characters (CR, LF, ...) are refused.
    pub fn header(mut self, name: &str, value: &(impl ToParam + ?Sized)) -> Self {
        let text = value.to_param();
        let name_ok = HeaderName::from_bytes(name.as_bytes());
        let value_ok = HeaderValue::from_str(&text);
        match (name_ok, value_ok) {
            (Ok(n), Ok(v)) => {
                self.headers.append(n, v);
            }
            (Err(_), _) => self.fail(format!("`{name}` is not a valid header name")),
            (_, Err(_)) => self.fail(format!(
                "header `{name}` has a value with a line break or other control character"
            )),
        }
        self
    }

    pub fn header_opt<T: ToParam>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// A JSON body, with its `Content-Type`.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, content_type: &str, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = bytes;
                self.set_content_type(content_type);
            }
            Err(e) => self.fail(format!("the body cannot be serialized: {e}")),
        }
        self
    }

    /// The `Content-Type` an operation declares although it sends no body, sent as the
    /// vendors' own SDKs send it.
    pub fn content_type(mut self, content_type: &str) -> Self {
        self.set_content_type(content_type);
        self
    }

    /// A form field (Swagger `formData`, a property of a form body).
    pub fn form_text(mut self, name: &str, value: &(impl ToParam + ?Sized)) -> Self {
        self.form.text.push((name.to_owned(), value.to_param()));
        self
    }

    pub fn form_text_opt<T: ToParam>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(v) => self.form_text(name, v),
            None => self,
        }
    }

    /// An array form field: one field per element.
    pub fn form_text_each<T: ToParam>(mut self, name: &str, values: &[T]) -> Self {
        for value in values {
            self = self.form_text(name, value);
        }
        self
    }

    pub fn form_text_each_opt<T: ToParam>(self, name: &str, values: Option<&Vec<T>>) -> Self {
        match values {
            Some(values) => self.form_text_each(name, values),
            None => self,
        }
    }

    /// A file field, read while the request is sent (see [`build_body`](Self::build_body)).
    pub fn form_file(mut self, name: &str, file: &FormFile) -> Self {
        self.form.files.push(FilePart {
            name: name.to_owned(),
            file_name: file.file_name().to_owned(),
            content_type: file.content_type().map(str::to_owned),
            data: file.content().clone(),
        });
        self
    }

    pub fn form_file_opt(self, name: &str, file: Option<&FormFile>) -> Self {
        match file {
            Some(file) => self.form_file(name, file),
            None => self,
        }
    }

    /// A field of several files: one part per file, each under `name`.
    pub fn form_file_each(mut self, name: &str, files: &[FormFile]) -> Self {
        for file in files {
            self = self.form_file(name, file);
        }
        self
    }

    pub fn form_file_each_opt(self, name: &str, files: Option<&Vec<FormFile>>) -> Self {
        match files {
            Some(files) => self.form_file_each(name, files),
            None => self,
        }
    }

    /// Encodes the form fields added so far as the body: `multipart/form-data` with a
    /// fresh boundary in the `Content-Type`, or, for any other `content_type`
    /// (`application/x-www-form-urlencoded`), `name=value` pairs, which cannot carry a
    /// file.
    pub fn form(mut self, content_type: &str) -> Self {
        let form = std::mem::take(&mut self.form);
        if content_type.trim().to_ascii_lowercase().starts_with("multipart/") {
            // A boundary found in the content would end a part early: draw again.
            let mut boundary = super::form::fresh_boundary();
            while form.contains(&boundary) {
                boundary = super::form::fresh_boundary();
            }
            // Files on disk and streams make the body an upload, read while sent.
            match form.multipart(&boundary).into_bytes() {
                Ok(bytes) => self.body = Vec::from(bytes),
                Err(parts) => self.upload = Some(parts),
            }
            self.set_content_type(&format!("multipart/form-data; boundary={boundary}"));
        } else if let Some(file) = form.files.first() {
            self.fail(format!(
                "form field `{}` is a file, which `{content_type}` cannot carry (only multipart/form-data)",
                file.name
            ));
        } else {
            self.body = form.urlencoded().into_bytes();
            self.set_content_type(content_type);
        }
        self
    }

    /// An upload body (a file, a stream, bytes), read while the request is sent.
    pub fn upload(mut self, content_type: &str, body: &Body) -> Self {
        self.upload = Some(body.clone());
        self.set_content_type(content_type);
        self
    }

    /// The request with its upload body (or the bytes set otherwise).
    pub fn build_body(mut self) -> Result<http::Request<Body>, Error> {
        let upload = self.upload.take();
        let request = self.build()?;
        Ok(request.map(|bytes| upload.unwrap_or_else(|| Body::from(bytes))))
    }

    /// A body sent as is.
    pub fn bytes(mut self, content_type: &str, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self.set_content_type(content_type);
        self
    }

    fn set_content_type(&mut self, content_type: &str) {
        match HeaderValue::from_str(content_type) {
            Ok(v) => {
                self.headers.insert(CONTENT_TYPE, v);
            }
            Err(_) => self.fail(format!("`{content_type}` is not a valid content type")),
        }
    }

    /// The request with its body in memory; a body read while sent (a file or stream in a
    /// form, an upload) needs [`build_body`](Self::build_body).
    pub fn build(self) -> Result<http::Request<Vec<u8>>, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.upload.is_some() {
            return Err(Error::InvalidRequest(
                "the body is read while it is sent (a file or a stream): build it with build_body".to_owned(),
            ));
        }
        let (base, bucket) = match &self.bucket {
            Some(name) => {
                let (base, address) = self.endpoint.bucket_base(name)?;
                (base, Some(address))
            }
            None => (self.endpoint.base_url().to_owned(), None),
        };
        let mut url = format!("{base}{}", self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.extend(utf8_percent_encode(name, COMPONENT));
            if let Some(value) = value {
                url.push('=');
                url.extend(utf8_percent_encode(value, COMPONENT));
            }
        }
        let mut request = http::Request::builder()
            .method(self.method)
            .uri(url.as_str())
            .body(self.body)
            .map_err(|e| Error::InvalidRequest(format!("`{url}` is not a valid request URL: {e}")))?;
        let mut headers = self.headers;
        // The endpoint's own headers, unless the operation set the same header itself.
        for (name, value) in self.endpoint.headers() {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        *request.headers_mut() = headers;
        // What the endpoint has for the signer (Huawei's derived signing scope), not sent.
        self.endpoint.extend_request_extensions(request.extensions_mut());
        if let Some(address) = bucket {
            request.extensions_mut().insert(address);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint() -> Endpoint {
        Endpoint::new("https://fg.example.com").expect("url").with_project_id("p1")
    }

    #[test]
    fn path_values_stay_one_segment() {
        let e = endpoint();
        let urn = "urn:fss:cn-north-4:p1:function:default:hello:latest";
        let request = RequestBuilder::new(http::Method::GET, &e)
            .literal("/v2/")
            .project_id_param("project_id")
            .literal("/fgs/functions/")
            .path_param("function_urn", urn)
            .literal("/config")
            .build()
            .expect("valid");
        assert_eq!(
            request.uri().path(),
            "/v2/p1/fgs/functions/urn%3Afss%3Acn-north-4%3Ap1%3Afunction%3Adefault%3Ahello%3Alatest/config"
        );
        let evil = RequestBuilder::new(http::Method::GET, &e)
            .literal("/f/")
            .path_param("name", "a/b?c=d#e f")
            .build()
            .expect("valid");
        assert_eq!(evil.uri().path(), "/f/a%2Fb%3Fc%3Dd%23e%20f");
        assert_eq!(evil.uri().query(), None);
    }

    #[test]
    fn object_keys_keep_their_slashes_and_flags_have_no_value() {
        let e = endpoint();
        let request = RequestBuilder::new(http::Method::PUT, &e)
            .literal("/")
            .object_key("object_key", "photos/2026/a b+c%.jpg")
            .query_flag("acl")
            .query_flag_if("versions", false)
            .query("partNumber", &3)
            .build()
            .expect("valid");
        assert_eq!(request.uri().path(), "/photos/2026/a%20b%2Bc%25.jpg");
        assert_eq!(request.uri().query(), Some("acl&partNumber=3"));
        let too_long = "k".repeat(1025);
        for (key, expected) in [("", "empty"), ("a/../b", "segment"), (too_long.as_str(), "1025 bytes")] {
            let error = RequestBuilder::new(http::Method::GET, &e)
                .literal("/")
                .object_key("object_key", key)
                .build()
                .expect_err("refused");
            assert!(error.to_string().contains(expected), "{key:?}: {error}");
        }
        let longest = "é".repeat(512);
        assert!(RequestBuilder::new(http::Method::GET, &e).literal("/").object_key("k", longest.as_str()).build().is_ok());
    }

    #[test]
    fn query_and_headers() {
        let e = endpoint();
        let request = RequestBuilder::new(http::Method::GET, &e)
            .literal("/x")
            .query("flag", &true)
            .query_each("tag", &["a b".to_owned(), "c&d".to_owned()])
            .query_opt::<String>("absent", None)
            .header("X-Trace", "t-1")
            .build()
            .expect("valid");
        assert_eq!(request.uri().query(), Some("flag=true&tag=a%20b&tag=c%26d"));
        assert_eq!(request.headers()["x-trace"], "t-1");
    }

    #[test]
    fn joined_arrays_are_one_pair() {
        let e = endpoint();
        let request = RequestBuilder::new(http::Method::GET, &e)
            .query_joined("ids", &["a,b".to_owned(), "c".to_owned()], ",")
            .query_joined_opt("tags", Some(&vec![1, 2]), "|")
            .query_joined::<i32>("none", &[], ",")
            .build()
            .expect("valid");
        assert_eq!(request.uri().query(), Some("ids=a%2Cb%2Cc&tags=1%7C2"));
    }

    #[test]
    fn bad_values_are_errors() {
        let e = endpoint();
        let crlf = RequestBuilder::new(http::Method::GET, &e)
            .header("X-Evil", "a\r\nInjected: yes")
            .build();
        assert!(matches!(crlf, Err(Error::InvalidRequest(_))));
        for value in ["", ".", ".."] {
            let refused = RequestBuilder::new(http::Method::GET, &e)
                .literal("/v2/functions/")
                .path_param("id", value)
                .build();
            assert!(matches!(refused, Err(Error::InvalidRequest(_))), "{value:?}");
        }
        for value in ["...", ".hidden", "a..b"] {
            let fine = RequestBuilder::new(http::Method::GET, &e).path_param("id", value).build();
            assert!(fine.is_ok(), "{value:?}");
        }
        let no_project = Endpoint::new("https://x.example.com").expect("url");
        let missing = RequestBuilder::new(http::Method::GET, &no_project)
            .project_id_param("project_id")
            .build();
        assert!(matches!(missing, Err(Error::InvalidRequest(_))));
    }

    #[test]
    fn endpoint_headers_go_with_every_request_unless_set() {
        let e = endpoint().with_header("X-Tenant-Id", "d1").expect("header");
        let plain = RequestBuilder::new(http::Method::GET, &e).build().expect("valid");
        assert_eq!(plain.headers()["x-tenant-id"], "d1");
        let own = RequestBuilder::new(http::Method::GET, &e)
            .header("X-Tenant-Id", "d2")
            .build()
            .expect("valid");
        assert_eq!(own.headers().get_all("x-tenant-id").iter().count(), 1);
        assert_eq!(own.headers()["x-tenant-id"], "d2");
    }

    #[test]
    fn endpoint_extensions_go_with_every_request() {
        let e = endpoint().with_request_extension(String::from("scope"));
        let request = RequestBuilder::new(http::Method::GET, &e).build().expect("valid");
        assert_eq!(request.extensions().get::<String>().map(String::as_str), Some("scope"));
        let upload = RequestBuilder::new(http::Method::PUT, &e).upload("text/plain", &Body::from(b"x".to_vec()));
        let upload = upload.build_body().expect("valid");
        assert!(upload.extensions().get::<String>().is_some());
        let plain = RequestBuilder::new(http::Method::GET, &endpoint()).build().expect("valid");
        assert!(plain.extensions().get::<String>().is_none());
    }

    #[test]
    fn buckets_go_in_the_host_or_the_path() {
        let public = Endpoint::new("https://obs.cn-north-4.myhuaweicloud.com").expect("url");
        let object = |endpoint: &Endpoint, key: &str| {
            RequestBuilder::new(http::Method::GET, endpoint)
                .literal("/")
                .object_key("object_key", key)
                .query("versionId", "v 1")
                .bucket("my-bucket")
                .build()
        };
        let request = object(&public, "photos/2024/a b.jpg").expect("valid");
        assert_eq!(
            request.uri(),
            "https://my-bucket.obs.cn-north-4.myhuaweicloud.com/photos/2024/a%20b.jpg?versionId=v%201"
        );
        assert_eq!(request.extensions().get::<crate::BucketAddress>().map(|b| (b.name(), b.is_path_style())), Some(("my-bucket", false)));
        let local = Endpoint::new("http://127.0.0.1:9000").expect("url");
        let request = object(&local, "a/b").expect("valid");
        assert_eq!(request.uri(), "http://127.0.0.1:9000/my-bucket/a/b?versionId=v%201");
        assert!(request.extensions().get::<crate::BucketAddress>().is_some_and(|b| b.is_path_style()));
        let asked = object(&public.clone().with_path_style(true), "k").expect("valid");
        assert_eq!(asked.uri(), "https://obs.cn-north-4.myhuaweicloud.com/my-bucket/k?versionId=v%201");
        let bucket_only = RequestBuilder::new(http::Method::PUT, &public).bucket("b-1").literal("/").build().expect("valid");
        assert_eq!(bucket_only.uri(), "https://b-1.obs.cn-north-4.myhuaweicloud.com/");
        let no_bucket = RequestBuilder::new(http::Method::GET, &public).literal("/").build().expect("valid");
        assert!(no_bucket.extensions().get::<crate::BucketAddress>().is_none());
    }

    #[test]
    fn bad_buckets_and_keys_are_errors() {
        let public = Endpoint::new("https://obs.example.com").expect("url");
        let message = |builder: RequestBuilder<'_>| builder.build().expect_err("invalid").to_string();
        let bucket = message(RequestBuilder::new(http::Method::GET, &public).bucket("My_Bucket"));
        assert!(bucket.contains("bucket name `My_Bucket` is invalid"), "{bucket}");
        let long = "k".repeat(1025);
        let key = message(RequestBuilder::new(http::Method::GET, &public).bucket("b-1").object_key("object_key", long.as_str()));
        assert!(key.contains("path parameter `object_key`: the object key is 1025 bytes long"), "{key}");
        let empty = message(RequestBuilder::new(http::Method::GET, &public).object_key("object_key", ""));
        assert!(empty.contains("empty"), "{empty}");
    }
}
