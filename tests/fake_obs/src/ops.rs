//! The operations: a request routed by method, path and sub-resources as OBS's API
//! defines them, authenticated, then served from the store.

use std::path::PathBuf;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::{Digest, Md5};
use tokio::io::AsyncWriteExt;

use crate::error::ObsError;
use crate::http::{BodyReader, CHUNK, Head, Payload, Response};
use crate::server::{FaultKind, Shared};
use crate::store::{ObjectRecord, PartRecord, now_ms, quoted};
use crate::{auth, path, xml};

/// RFC 1123 dates, as in `Date` and `Last-Modified`.
pub(crate) const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";
/// The owner of everything: there is one account.
const OWNER: &str = "<Owner><ID>fake-obs-owner</ID></Owner>";
/// Largest XML request body read (a `CompleteMultipartUpload` of 10000 parts fits).
const MAX_XML: usize = 2 * 1024 * 1024;
/// Smallest part but the last of a multipart upload, as OBS requires.
const MIN_PART: u64 = 100 * 1024;
/// Highest part number.
const MAX_PART_NUMBER: u32 = 10_000;
/// Headers kept with an object and sent back with it, besides `x-obs-meta-*`.
const STORED_HEADERS: &[&str] =
    &["cache-control", "content-disposition", "content-encoding", "content-language", "expires", "x-obs-website-redirect-location"];

/// OBS's sub-resources that select an operation (compared in lower case): a request with
/// one the fake does not serve is `501 NotImplemented`, never mistaken for a plainer
/// operation (`GET /bucket?acl` is not `ListObjects`).
const SUB_RESOURCES: &[&str] = &[
    "acl", "append", "backtosource", "cors", "delete", "deletebucket", "dispolicy", "encryption", "fileinterface",
    "inventory", "length", "lifecycle", "location", "logging", "metadata", "modify", "name", "notification",
    "object-lock", "obsalias", "obsbucketalias", "obscompresspolicy", "obsworkflowtriggerpolicy", "partnumber",
    "policy", "policystatus", "position", "publicaccessblock", "quota", "rename", "replication", "requestpayment",
    "restore", "retention", "storageclass", "storageinfo", "storagepolicy", "tagging", "torrent", "truncate",
    "uploadid", "uploads", "versionid", "versioning", "versions", "website", "x-image-process", "x-oss-process",
    "customdomain", "mirrorbacktosource", "directcoldaccess", "bucketstatus",
];

/// The operations served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    ListBuckets,
    CreateBucket,
    DeleteBucket,
    HeadBucket,
    GetBucketLocation,
    ListObjects,
    ListMultipartUploads,
    PutObject,
    GetObject,
    HeadObject,
    DeleteObject,
    AppendObject,
    InitiateMultipartUpload,
    UploadPart,
    ListParts,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    NotImplemented,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::ListBuckets => "ListBuckets",
            Op::CreateBucket => "CreateBucket",
            Op::DeleteBucket => "DeleteBucket",
            Op::HeadBucket => "HeadBucket",
            Op::GetBucketLocation => "GetBucketLocation",
            Op::ListObjects => "ListObjects",
            Op::ListMultipartUploads => "ListMultipartUploads",
            Op::PutObject => "PutObject",
            Op::GetObject => "GetObject",
            Op::HeadObject => "HeadObject",
            Op::DeleteObject => "DeleteObject",
            Op::AppendObject => "AppendObject",
            Op::InitiateMultipartUpload => "InitiateMultipartUpload",
            Op::UploadPart => "UploadPart",
            Op::ListParts => "ListParts",
            Op::CompleteMultipartUpload => "CompleteMultipartUpload",
            Op::AbortMultipartUpload => "AbortMultipartUpload",
            Op::NotImplemented => "NotImplemented",
        }
    }
}

/// The connection must be closed without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

/// Why an operation did not answer normally.
enum Fail {
    Obs(ObsError),
    Dropped,
}

impl From<ObsError> for Fail {
    fn from(error: ObsError) -> Self {
        Fail::Obs(error)
    }
}

impl From<std::io::Error> for Fail {
    fn from(error: std::io::Error) -> Self {
        Fail::Obs(error.into())
    }
}

/// A request being served.
struct Ctx<'a> {
    shared: &'a Shared,
    head: &'a Head,
    query: Vec<(String, String)>,
    bucket: String,
    key: String,
    request_id: &'a str,
}

impl Ctx<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A numeric query parameter, `default` when absent.
    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, ObsError> {
        match self.param(name) {
            None => Ok(default),
            Some(value) => value
                .parse()
                .map_err(|_| ObsError::bad_request("InvalidArgument", format!("`{name}` is `{value}`, not a valid number"))),
        }
    }
}

/// Serves one request: the operation's name (for the log and faults) and its answer, or
/// `Dropped` when the connection must be closed.
pub(crate) async fn handle(shared: &Shared, head: &Head, body: &mut BodyReader<'_>, request_id: &str) -> (&'static str, Result<Response, Dropped>) {
    let is_head = head.method == "HEAD";
    let (bucket, key) = match path::split(head.path()) {
        Ok(split) => split,
        Err(error) => return ("Invalid", Ok(error.response(request_id, is_head))),
    };
    let query = path::query_pairs(head.query());
    let op = route(&head.method, bucket.is_some(), key.is_some(), &query, head);
    let name = op.name();
    if let Err(error) = auth::check(head, &shared.keys, SystemTime::now()) {
        return (name, Ok(error.response(request_id, is_head)));
    }
    if op == Op::NotImplemented {
        let error = ObsError::new(
            501,
            "NotImplemented",
            format!("the fake OBS does not implement `{} {}`", head.method, head.target.split('?').next().unwrap_or("")),
        );
        return (name, Ok(error.response(request_id, is_head)));
    }
    let fault = shared.strike(name);
    match fault {
        Some(kind @ (FaultKind::InternalError | FaultKind::ServiceUnavailable)) => {
            let _ = body.drain(u64::MAX).await;
            let error = if kind == FaultKind::InternalError {
                ObsError::internal("We encountered an internal error. Please try again. (injected fault)")
            } else {
                ObsError::new(503, "ServiceUnavailable", "Please reduce your request rate. (injected fault)")
            };
            return (name, Ok(error.response(request_id, is_head)));
        }
        Some(FaultKind::Stall) => {
            let _ = body.drain(u64::MAX).await;
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            return (name, Err(Dropped));
        }
        Some(FaultKind::CloseMidBody) if !body.is_done() => {
            let length: u64 = head.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(2 * CHUNK as u64);
            let mut buf = vec![0u8; CHUNK];
            while body.read < length / 2 {
                let want = buf.len().min(usize::try_from(length / 2 - body.read).unwrap_or(usize::MAX));
                match body.read(&mut buf[..want]).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            return (name, Err(Dropped));
        }
        _ => {}
    }
    let ctx = Ctx { shared, head, query, bucket: bucket.unwrap_or_default(), key: key.unwrap_or_default(), request_id };
    let mut response = match run(&ctx, op, body).await {
        Ok(response) => response,
        Err(Fail::Obs(error)) => error.response(request_id, is_head),
        Err(Fail::Dropped) => return (name, Err(Dropped)),
    };
    if fault == Some(FaultKind::CloseMidBody) {
        match &response.payload {
            Payload::Bytes(bytes) if !bytes.is_empty() => response.cut_after = Some(bytes.len() as u64 / 2),
            Payload::File { len, .. } if *len > 0 => response.cut_after = Some(len / 2),
            _ => return (name, Err(Dropped)),
        }
    }
    (name, Ok(response))
}

/// The operation of a request: by method, whether it names a bucket and a key, and its
/// sub-resources (OBS's signed query parameters, which select operations).
fn route(method: &str, bucket: bool, key: bool, query: &[(String, String)], head: &Head) -> Op {
    let mut subs: Vec<String> = query
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .filter(|name| SUB_RESOURCES.contains(&name.as_str()))
        .collect();
    subs.sort();
    subs.dedup();
    let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
    let copy = head.header("x-obs-copy-source").is_some();
    match (method, bucket, key, subs.as_slice()) {
        ("GET", false, _, []) => Op::ListBuckets,
        ("PUT", true, false, []) => Op::CreateBucket,
        ("DELETE", true, false, []) => Op::DeleteBucket,
        ("HEAD", true, false, []) => Op::HeadBucket,
        ("GET", true, false, []) => Op::ListObjects,
        ("GET", true, false, ["location"]) => Op::GetBucketLocation,
        ("GET", true, false, ["uploads"]) => Op::ListMultipartUploads,
        ("PUT", true, true, []) if !copy => Op::PutObject,
        ("PUT", true, true, ["partnumber", "uploadid"]) if !copy => Op::UploadPart,
        ("GET", true, true, []) => Op::GetObject,
        ("GET", true, true, ["uploadid"]) => Op::ListParts,
        ("HEAD", true, true, []) => Op::HeadObject,
        ("DELETE", true, true, []) => Op::DeleteObject,
        ("DELETE", true, true, ["uploadid"]) => Op::AbortMultipartUpload,
        ("POST", true, true, ["append", "position"]) => Op::AppendObject,
        ("POST", true, true, ["uploads"]) => Op::InitiateMultipartUpload,
        ("POST", true, true, ["uploadid"]) => Op::CompleteMultipartUpload,
        _ => Op::NotImplemented,
    }
}

async fn run(ctx: &Ctx<'_>, op: Op, body: &mut BodyReader<'_>) -> Result<Response, Fail> {
    match op {
        Op::ListBuckets => Ok(list_buckets(ctx)),
        Op::CreateBucket => create_bucket(ctx, body).await,
        Op::DeleteBucket => {
            ctx.shared.store.delete_bucket(&ctx.bucket)?;
            Ok(Response::new(204, Payload::Empty))
        }
        Op::HeadBucket => {
            let bucket = ctx.shared.store.bucket(&ctx.bucket)?;
            let mut response = Response::new(200, Payload::Head(0)).header("x-obs-version", "3.0");
            if !bucket.location.is_empty() {
                response = response.header("x-obs-bucket-location", bucket.location);
            }
            Ok(response.header("x-obs-bucket-type", "OBJECT").header("x-obs-fs-file-interface", "Disabled"))
        }
        Op::GetBucketLocation => {
            let bucket = ctx.shared.store.bucket(&ctx.bucket)?;
            Ok(xml_response(xml::document("Location", &xml::escape(&bucket.location))))
        }
        Op::ListObjects => list_objects(ctx),
        Op::ListMultipartUploads => list_uploads(ctx),
        Op::PutObject => put_object(ctx, body).await,
        Op::GetObject => get_object(ctx, false).await,
        Op::HeadObject => get_object(ctx, true).await,
        Op::DeleteObject => {
            ctx.shared.store.delete_object(&ctx.bucket, &ctx.key)?;
            Ok(Response::new(204, Payload::Empty))
        }
        Op::AppendObject => append_object(ctx, body).await,
        Op::InitiateMultipartUpload => {
            let (content_type, metadata) = object_headers_of(ctx.head);
            let upload = ctx.shared.store.initiate(&ctx.bucket, &ctx.key, content_type, metadata)?;
            let inner = format!(
                "{}{}{}",
                xml::element("Bucket", &upload.bucket),
                xml::element("Key", &upload.key),
                xml::element("UploadId", &upload.upload_id)
            );
            Ok(xml_response(xml::document("InitiateMultipartUploadResult", &inner)))
        }
        Op::UploadPart => upload_part(ctx, body).await,
        Op::ListParts => list_parts(ctx),
        Op::CompleteMultipartUpload => complete(ctx, body).await,
        Op::AbortMultipartUpload => {
            let upload_id = ctx.param("uploadId").unwrap_or_default();
            ctx.shared.store.upload(&ctx.bucket, &ctx.key, upload_id)?;
            ctx.shared.store.end_upload(upload_id)?;
            Ok(Response::new(204, Payload::Empty))
        }
        Op::NotImplemented => Err(ObsError::new(501, "NotImplemented", "not implemented").into()),
    }
}

fn xml_response(body: Vec<u8>) -> Response {
    Response::new(200, Payload::Bytes(body)).header("Content-Type", "application/xml")
}

fn list_buckets(ctx: &Ctx<'_>) -> Response {
    let mut inner = format!("{OWNER}<Buckets>");
    for bucket in ctx.shared.store.buckets() {
        inner.push_str("<Bucket>");
        inner.push_str(&xml::element("Name", &bucket.name));
        inner.push_str(&xml::element("CreationDate", &iso_date(bucket.created_ms)));
        inner.push_str(&xml::element("Location", &bucket.location));
        inner.push_str("<BucketType>OBJECT</BucketType></Bucket>");
    }
    inner.push_str("</Buckets>");
    xml_response(xml::document("ListAllMyBucketsResult", &inner))
}

async fn create_bucket(ctx: &Ctx<'_>, body: &mut BodyReader<'_>) -> Result<Response, Fail> {
    let location = match read_xml(body).await? {
        Some(text) if !text.trim().is_empty() => {
            if xml::elements(&text, "CreateBucketConfiguration").map_err(malformed)?.is_empty() {
                return Err(malformed("the body is not a <CreateBucketConfiguration>".to_owned()).into());
            }
            xml::text(&text, "Location").map_err(malformed)?.unwrap_or_default()
        }
        _ => String::new(),
    };
    ctx.shared.store.create_bucket(&ctx.bucket, &location)?;
    Ok(Response::new(200, Payload::Empty).header("Location", format!("/{}", ctx.bucket)))
}

fn malformed(why: String) -> ObsError {
    ObsError::bad_request("MalformedXML", format!("The XML you provided was not well-formed or did not validate: {why}"))
}

/// A small XML body as text; `None` when there is none.
async fn read_xml(body: &mut BodyReader<'_>) -> Result<Option<String>, Fail> {
    if body.is_done() {
        return Ok(None);
    }
    let bytes = match body.read_small(MAX_XML).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(ObsError::bad_request("EntityTooLarge", format!("the XML body is over {MAX_XML} bytes")).into()),
        Err(_) => return Err(Fail::Dropped),
    };
    String::from_utf8(bytes).map(Some).map_err(|_| malformed("the body is not UTF-8".to_owned()).into())
}

fn list_objects(ctx: &Ctx<'_>) -> Result<Response, Fail> {
    let prefix = ctx.param("prefix").unwrap_or_default();
    let marker = ctx.param("marker").unwrap_or_default();
    let delimiter = ctx.param("delimiter").unwrap_or_default();
    let max: usize = ctx.number("max-keys", 1000)?.min(1000);
    let url = match ctx.param("encoding-type") {
        None => false,
        Some(e) if e.eq_ignore_ascii_case("url") => true,
        Some(other) => return Err(ObsError::bad_request("InvalidArgument", format!("encoding-type `{other}` is not `url`")).into()),
    };
    let text = |s: &str| if url { url_encode(s) } else { s.to_owned() };
    let listing = ctx.shared.store.list(&ctx.bucket, prefix, marker, delimiter, max)?;
    let mut inner = xml::element("Name", &ctx.bucket);
    inner.push_str(&xml::element("Prefix", &text(prefix)));
    inner.push_str(&xml::element("Marker", &text(marker)));
    if let Some(next) = &listing.next_marker {
        inner.push_str(&xml::element("NextMarker", &text(next)));
    }
    inner.push_str(&xml::element("MaxKeys", &max.to_string()));
    if !delimiter.is_empty() {
        inner.push_str(&xml::element("Delimiter", &text(delimiter)));
    }
    if url {
        inner.push_str(&xml::element("EncodingType", "url"));
    }
    inner.push_str(&xml::element("IsTruncated", &listing.truncated.to_string()));
    for object in &listing.contents {
        inner.push_str("<Contents>");
        inner.push_str(&xml::element("Key", &text(&object.key)));
        inner.push_str(&xml::element("LastModified", &iso_date(object.modified_ms)));
        inner.push_str(&xml::element("ETag", &object.etag));
        inner.push_str(&xml::element("Size", &object.size.to_string()));
        inner.push_str(OWNER);
        inner.push_str("<StorageClass>STANDARD</StorageClass>");
        if object.appendable {
            inner.push_str("<Type>Appendable</Type>");
        }
        inner.push_str("</Contents>");
    }
    for prefix in &listing.prefixes {
        inner.push_str("<CommonPrefixes>");
        inner.push_str(&xml::element("Prefix", &text(prefix)));
        inner.push_str("</CommonPrefixes>");
    }
    Ok(xml_response(xml::document("ListBucketResult", &inner)))
}

/// `text` percent-encoded but for `A-Z a-z 0-9 - _ . ~ /`, as `encoding-type=url` asks.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A body received into a file of `tmp/`, removed when dropped unless moved into place.
struct Received {
    path: PathBuf,
    size: u64,
    md5: [u8; 16],
}

impl Drop for Received {
    fn drop(&mut self) {
        // Gone already when it was moved into place.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Receives the body into a new file of `tmp/`, in chunks, with its MD5; checks it
/// against `Content-MD5` when sent.
async fn receive(ctx: &Ctx<'_>, body: &mut BodyReader<'_>) -> Result<Received, Fail> {
    let expected = match ctx.head.header("content-md5") {
        None => None,
        Some(value) => match BASE64.decode(value) {
            Ok(md5) if md5.len() == 16 => Some(md5),
            _ => return Err(ObsError::bad_request("InvalidDigest", format!("Content-MD5 `{value}` is not a base64 MD5")).into()),
        },
    };
    let path = ctx.shared.store.tmp_path();
    let mut file = tokio::fs::File::create(&path).await?;
    let mut received = Received { path, size: 0, md5: [0; 16] };
    let mut md5 = Md5::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match body.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
                return Err(ObsError::bad_request("IncompleteBody", format!("the chunked body is malformed: {error}")).into());
            }
            Err(_) => return Err(Fail::Dropped),
        };
        md5.update(&buf[..n]);
        file.write_all(&buf[..n]).await?;
        received.size += n as u64;
    }
    file.flush().await?;
    drop(file);
    received.md5 = md5.finalize().into();
    if let Some(expected) = expected
        && expected != received.md5
    {
        return Err(ObsError::bad_request(
            "BadDigest",
            format!("The Content-MD5 you specified did not match what we received (MD5 {}).", BASE64.encode(received.md5)),
        )
        .into());
    }
    Ok(received)
}

/// The content type and stored headers of a request that makes an object.
fn object_headers_of(head: &Head) -> (String, Vec<(String, String)>) {
    let content_type = head.header("content-type").unwrap_or("binary/octet-stream").to_owned();
    let metadata = head
        .headers
        .iter()
        .filter(|(name, _)| name.starts_with("x-obs-meta-") || STORED_HEADERS.contains(&name.as_str()))
        .cloned()
        .collect();
    (content_type, metadata)
}

fn new_record(ctx: &Ctx<'_>, received: &Received) -> ObjectRecord {
    let (content_type, metadata) = object_headers_of(ctx.head);
    ObjectRecord {
        key: ctx.key.clone(),
        size: received.size,
        etag: quoted(&received.md5),
        modified_ms: now_ms(),
        content_type,
        metadata,
        appendable: false,
    }
}

async fn put_object(ctx: &Ctx<'_>, body: &mut BodyReader<'_>) -> Result<Response, Fail> {
    // No bucket, no upload: refused before the body is read.
    ctx.shared.store.bucket(&ctx.bucket)?;
    let received = receive(ctx, body).await?;
    let record = new_record(ctx, &received);
    let etag = record.etag.clone();
    ctx.shared.store.put_object(&ctx.bucket, record, &received.path)?;
    Ok(Response::new(200, Payload::Empty).header("ETag", etag))
}

async fn append_object(ctx: &Ctx<'_>, body: &mut BodyReader<'_>) -> Result<Response, Fail> {
    let position: u64 = ctx.number("position", 0)?;
    ctx.shared.store.bucket(&ctx.bucket)?;
    let received = receive(ctx, body).await?;
    let record = new_record(ctx, &received);
    let length = ctx
        .shared
        .store
        .append(&ctx.bucket, &ctx.key, position, &received.path, (received.size, &received.md5), record)
        .await?;
    Ok(Response::new(200, Payload::Empty)
        .header("ETag", quoted(&received.md5))
        .header("x-obs-next-append-position", length.to_string()))
}

/// The headers an object is answered with.
fn object_response_headers(ctx: &Ctx<'_>, object: &ObjectRecord) -> Vec<(String, String)> {
    let mut headers = vec![
        ("Content-Type".to_owned(), ctx.param("response-content-type").unwrap_or(&object.content_type).to_owned()),
        ("ETag".to_owned(), object.etag.clone()),
        ("Last-Modified".to_owned(), http_date(object.modified_ms)),
        ("Accept-Ranges".to_owned(), "bytes".to_owned()),
    ];
    for (name, value) in &object.metadata {
        let overridden = ctx.param(&format!("response-{name}"));
        headers.push((name.clone(), overridden.unwrap_or(value).to_owned()));
    }
    for name in ["content-disposition", "cache-control", "content-encoding", "content-language", "expires"] {
        if let Some(value) = ctx.param(&format!("response-{name}"))
            && !object.metadata.iter().any(|(n, _)| n == name)
        {
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    if object.appendable {
        headers.push(("x-obs-object-type".to_owned(), "Appendable".to_owned()));
        headers.push(("x-obs-next-append-position".to_owned(), object.size.to_string()));
    }
    headers
}

async fn get_object(ctx: &Ctx<'_>, head_only: bool) -> Result<Response, Fail> {
    let (object, path) = ctx.shared.store.object(&ctx.bucket, &ctx.key)?;
    let unquoted = object.etag.trim_matches('"');
    let matches = |list: &str| list.split(',').map(|t| t.trim().trim_matches('"')).any(|t| t == "*" || t == unquoted);
    if let Some(list) = ctx.head.header("if-match")
        && !matches(list)
    {
        return Err(ObsError::new(412, "PreconditionFailed", "If-Match does not match the object's ETag").into());
    }
    if let Some(list) = ctx.head.header("if-none-match")
        && matches(list)
    {
        let mut response = Response::new(304, Payload::Empty);
        response.headers.push(("ETag".to_owned(), object.etag.clone()));
        return Ok(response);
    }
    let (status, offset, len, range) = match ctx.head.header("range").map(|r| parse_range(r, object.size)) {
        None | Some(Range::Whole) => (200, 0, object.size, None),
        Some(Range::Part(first, last)) => (206, first, last - first + 1, Some(format!("bytes {first}-{last}/{}", object.size))),
        Some(Range::Unsatisfiable) => {
            let error = ObsError::new(416, "InvalidRange", format!("The requested range cannot be satisfied: the object has {} bytes", object.size));
            let mut response = error.response(ctx.request_id, head_only);
            response.headers.push(("Content-Range".to_owned(), format!("bytes */{}", object.size)));
            return Ok(response);
        }
    };
    let payload = if head_only {
        Payload::Head(len)
    } else {
        Payload::File { file: tokio::fs::File::open(&path).await?, offset, len }
    };
    let mut response = Response::new(status, payload);
    response.headers = object_response_headers(ctx, &object);
    if let Some(range) = range {
        response.headers.push(("Content-Range".to_owned(), range));
    }
    Ok(response)
}

/// A `Range` header against an object of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// Absent, malformed or of several ranges: the whole object.
    Whole,
    /// First and last byte, inclusive.
    Part(u64, u64),
    Unsatisfiable,
}

fn parse_range(value: &str, size: u64) -> Range {
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return Range::Whole };
    let Some((first, last)) = spec.split_once('-') else { return Range::Whole };
    if spec.contains(',') {
        return Range::Whole;
    }
    match (first.trim(), last.trim()) {
        ("", suffix) => match suffix.parse::<u64>() {
            Ok(0) => Range::Unsatisfiable,
            Ok(_) if size == 0 => Range::Unsatisfiable,
            Ok(n) => Range::Part(size.saturating_sub(n), size - 1),
            Err(_) => Range::Whole,
        },
        (first, last) => {
            let Ok(first) = first.parse::<u64>() else { return Range::Whole };
            let last = if last.is_empty() {
                u64::MAX
            } else {
                match last.parse::<u64>() {
                    Ok(last) if last >= first => last,
                    _ => return Range::Whole,
                }
            };
            if first >= size { Range::Unsatisfiable } else { Range::Part(first, last.min(size - 1)) }
        }
    }
}

async fn upload_part(ctx: &Ctx<'_>, body: &mut BodyReader<'_>) -> Result<Response, Fail> {
    let number: u32 = ctx.number("partNumber", 0)?;
    if !(1..=MAX_PART_NUMBER).contains(&number) {
        return Err(ObsError::bad_request("InvalidArgument", format!("partNumber {number} is not within 1 to {MAX_PART_NUMBER}")).into());
    }
    let upload_id = ctx.param("uploadId").unwrap_or_default();
    ctx.shared.store.upload(&ctx.bucket, &ctx.key, upload_id)?;
    let received = receive(ctx, body).await?;
    let etag = quoted(&received.md5);
    let part = PartRecord { number, size: received.size, etag: etag.clone(), modified_ms: now_ms() };
    ctx.shared.store.put_part(upload_id, part, &received.path)?;
    Ok(Response::new(200, Payload::Empty).header("ETag", etag))
}

fn list_parts(ctx: &Ctx<'_>) -> Result<Response, Fail> {
    let upload_id = ctx.param("uploadId").unwrap_or_default();
    let max: usize = ctx.number("max-parts", 1000)?.min(1000);
    let marker: u32 = ctx.number("part-number-marker", 0)?;
    let (upload, parts) = ctx.shared.store.upload(&ctx.bucket, &ctx.key, upload_id)?;
    let after: Vec<&PartRecord> = parts.iter().filter(|p| p.number > marker).collect();
    let page = &after[..after.len().min(max)];
    let truncated = after.len() > page.len();
    let mut inner = xml::element("Bucket", &upload.bucket);
    inner.push_str(&xml::element("Key", &upload.key));
    inner.push_str(&xml::element("UploadId", &upload.upload_id));
    inner.push_str("<Initiator><ID>fake-obs-owner</ID></Initiator>");
    inner.push_str(OWNER);
    inner.push_str("<StorageClass>STANDARD</StorageClass>");
    inner.push_str(&xml::element("PartNumberMarker", &marker.to_string()));
    let next = page.last().map_or(marker, |p| p.number);
    inner.push_str(&xml::element("NextPartNumberMarker", &next.to_string()));
    inner.push_str(&xml::element("MaxParts", &max.to_string()));
    inner.push_str(&xml::element("IsTruncated", &truncated.to_string()));
    for part in page {
        inner.push_str("<Part>");
        inner.push_str(&xml::element("PartNumber", &part.number.to_string()));
        inner.push_str(&xml::element("LastModified", &iso_date(part.modified_ms)));
        inner.push_str(&xml::element("ETag", &part.etag));
        inner.push_str(&xml::element("Size", &part.size.to_string()));
        inner.push_str("</Part>");
    }
    Ok(xml_response(xml::document("ListPartsResult", &inner)))
}

fn list_uploads(ctx: &Ctx<'_>) -> Result<Response, Fail> {
    let prefix = ctx.param("prefix").unwrap_or_default();
    let key_marker = ctx.param("key-marker").unwrap_or_default();
    let id_marker = ctx.param("upload-id-marker").unwrap_or_default();
    let max: usize = ctx.number("max-uploads", 1000)?.min(1000);
    let uploads: Vec<_> = ctx
        .shared
        .store
        .uploads(&ctx.bucket)?
        .into_iter()
        .filter(|u| u.key.starts_with(prefix))
        .filter(|u| key_marker.is_empty() || u.key.as_str() > key_marker || (u.key == key_marker && !id_marker.is_empty() && u.upload_id.as_str() > id_marker))
        .collect();
    let page = &uploads[..uploads.len().min(max)];
    let truncated = uploads.len() > page.len();
    let mut inner = xml::element("Bucket", &ctx.bucket);
    inner.push_str(&xml::element("KeyMarker", key_marker));
    inner.push_str(&xml::element("UploadIdMarker", id_marker));
    if truncated && let Some(last) = page.last() {
        inner.push_str(&xml::element("NextKeyMarker", &last.key));
        inner.push_str(&xml::element("NextUploadIdMarker", &last.upload_id));
    }
    inner.push_str(&xml::element("Prefix", prefix));
    inner.push_str(&xml::element("MaxUploads", &max.to_string()));
    inner.push_str(&xml::element("IsTruncated", &truncated.to_string()));
    for upload in page {
        inner.push_str("<Upload>");
        inner.push_str(&xml::element("Key", &upload.key));
        inner.push_str(&xml::element("UploadId", &upload.upload_id));
        inner.push_str("<Initiator><ID>fake-obs-owner</ID></Initiator>");
        inner.push_str(OWNER);
        inner.push_str("<StorageClass>STANDARD</StorageClass>");
        inner.push_str(&xml::element("Initiated", &iso_date(upload.initiated_ms)));
        inner.push_str("</Upload>");
    }
    Ok(xml_response(xml::document("ListMultipartUploadsResult", &inner)))
}

async fn complete(ctx: &Ctx<'_>, body: &mut BodyReader<'_>) -> Result<Response, Fail> {
    let upload_id = ctx.param("uploadId").unwrap_or_default().to_owned();
    let (upload, parts) = ctx.shared.store.upload(&ctx.bucket, &ctx.key, &upload_id)?;
    let text = read_xml(body).await?.unwrap_or_default();
    if xml::elements(&text, "CompleteMultipartUpload").map_err(malformed)?.is_empty() {
        return Err(malformed("the body is not a <CompleteMultipartUpload>".to_owned()).into());
    }
    let mut chosen: Vec<(u32, String)> = Vec::new();
    for part in xml::elements(&text, "Part").map_err(malformed)? {
        let number = xml::text(part, "PartNumber").map_err(malformed)?.ok_or_else(|| malformed("a <Part> has no <PartNumber>".to_owned()))?;
        let number: u32 = number.parse().map_err(|_| malformed(format!("<PartNumber> `{number}` is not a number")))?;
        let etag = xml::text(part, "ETag").map_err(malformed)?.ok_or_else(|| malformed("a <Part> has no <ETag>".to_owned()))?;
        chosen.push((number, etag));
    }
    if chosen.is_empty() {
        return Err(malformed("no <Part> is listed".to_owned()).into());
    }
    if chosen.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err(ObsError::bad_request("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.").into());
    }
    let mut files = Vec::with_capacity(chosen.len());
    let mut md5s = Md5::new();
    for (i, (number, etag)) in chosen.iter().enumerate() {
        let part = parts.iter().find(|p| p.number == *number);
        let Some(part) = part.filter(|p| p.etag.trim_matches('"') == etag.trim().trim_matches('"')) else {
            return Err(ObsError::bad_request(
                "InvalidPart",
                format!("One or more of the specified parts could not be found or its ETag did not match: part {number}, ETag {etag}"),
            )
            .into());
        };
        if i + 1 < chosen.len() && part.size < MIN_PART {
            return Err(ObsError::bad_request(
                "EntityTooSmall",
                format!("part {number} is {} bytes: every part but the last must be at least {MIN_PART}", part.size),
            )
            .into());
        }
        md5s.update(hex::decode(part.etag.trim_matches('"')).map_err(|_| ObsError::internal("a part's ETag is not hex"))?);
        files.push(ctx.shared.store.part_path(&upload_id, *number));
    }
    let tmp = ctx.shared.store.tmp_path();
    let size = concatenate(files, tmp.clone()).await?;
    let received = Received { path: tmp, size, md5: [0; 16] };
    let etag = format!("\"{}-{}\"", hex::encode(md5s.finalize()), chosen.len());
    let record = ObjectRecord {
        key: upload.key.clone(),
        size,
        etag: etag.clone(),
        modified_ms: now_ms(),
        content_type: upload.content_type.clone(),
        metadata: upload.metadata.clone(),
        appendable: false,
    };
    ctx.shared.store.put_object(&ctx.bucket, record, &received.path)?;
    ctx.shared.store.end_upload(&upload_id)?;
    let host = ctx.head.header("host").unwrap_or("127.0.0.1");
    let mut inner = xml::element("Location", &format!("http://{host}/{}/{}", upload.bucket, url_encode(&upload.key)));
    inner.push_str(&xml::element("Bucket", &upload.bucket));
    inner.push_str(&xml::element("Key", &upload.key));
    inner.push_str(&xml::element("ETag", &etag));
    Ok(xml_response(xml::document("CompleteMultipartUploadResult", &inner)).header("ETag", etag))
}

/// Writes `files` one after the other into `out` (in kernel copies where the system has
/// them); the bytes written.
async fn concatenate(files: Vec<PathBuf>, out: PathBuf) -> Result<u64, Fail> {
    let copied = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
        let mut target = std::fs::File::create(&out)?;
        let mut total = 0;
        for file in &files {
            total += std::io::copy(&mut std::fs::File::open(file)?, &mut target)?;
        }
        Ok(total)
    })
    .await
    .map_err(|e| ObsError::internal(format!("the copy stopped: {e}")))?;
    Ok(copied?)
}

/// `Last-Modified`'s format.
fn http_date(ms: u64) -> String {
    date(ms).format(HTTP_DATE).to_string()
}

/// The XML documents' format: `2026-12-07T02:36:03.000Z`.
fn iso_date(ms: u64) -> String {
    date(ms).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn date(ms: u64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Range::Part(0, 9));
        assert_eq!(parse_range("bytes=90-", 100), Range::Part(90, 99));
        assert_eq!(parse_range("bytes=-10", 100), Range::Part(90, 99));
        assert_eq!(parse_range("bytes=-200", 100), Range::Part(0, 99));
        assert_eq!(parse_range("bytes=50-500", 100), Range::Part(50, 99));
        assert_eq!(parse_range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=9-1", 100), Range::Whole);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Range::Whole);
        assert_eq!(parse_range("items=0-1", 100), Range::Whole);
    }

    #[test]
    fn routes_by_sub_resource() {
        let head = Head { method: "GET".into(), target: "/".into(), headers: Vec::new(), http10: false };
        let q = |s: &str| path::query_pairs(s);
        assert_eq!(route("GET", false, false, &q(""), &head), Op::ListBuckets);
        assert_eq!(route("GET", true, false, &q("prefix=a&max-keys=2"), &head), Op::ListObjects);
        assert_eq!(route("GET", true, false, &q("uploads"), &head), Op::ListMultipartUploads);
        assert_eq!(route("GET", true, false, &q("acl"), &head), Op::NotImplemented);
        assert_eq!(route("PUT", true, true, &q("uploadId=u&partNumber=1"), &head), Op::UploadPart);
        assert_eq!(route("POST", true, true, &q("append&position=0"), &head), Op::AppendObject);
        assert_eq!(route("GET", true, true, &q("response-content-type=a"), &head), Op::GetObject);
        assert_eq!(route("DELETE", true, true, &q("uploadId=u"), &head), Op::AbortMultipartUpload);
        let copy = Head { headers: vec![("x-obs-copy-source".into(), "/b/k".into())], ..head };
        assert_eq!(route("PUT", true, true, &q(""), &copy), Op::NotImplemented);
    }
}
