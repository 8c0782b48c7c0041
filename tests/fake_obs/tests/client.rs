//! The fake OBS driven by the generated OBS crate's client, as a user would drive OBS:
//! buckets, objects, listings, ranges, appends, a multipart upload by hand, signatures
//! refused, presigned URLs used by a plain HTTP client, and injected faults. Everything
//! stays on 127.0.0.1.

use std::time::{Duration, SystemTime};

use fake_obs::{FakeObs, Fault, FaultKind, LoggedRequest, Options};
use md5::{Digest, Md5};
use obs::operations::{
    AbortMultipartUploadRequest, AppendObjectRequest, CompleteMultipartUploadRequest, CreateBucketRequest,
    DeleteBucketRequest, DeleteObjectRequest, GetBucketAclRequest, GetBucketMetadataRequest, GetObjectRequest,
    GetObjectResponse, HeadObjectRequest, HeadObjectResponse, InitiateMultipartUploadRequest, ListBucketsRequest,
    ListMultipartUploadsRequest, ListObjectsRequest, ListPartsRequest, PutObjectRequest, PutObjectResponse,
    UploadPartRequest, UploadPartResponse,
};
use obs::models::{CompleteMultipartUploadPart, CompleteMultipartUploadRequestBody, CreateBucketRequestBody, ListBucketResult, ListMultipartUploadsResult};
use obs::{Client, ClientConfig, Credentials, Error, Operation, RetryPolicy};

const AK: &str = "FAKEACCESSKEY";
const SK: &str = "fake/secret+key";

async fn server() -> FakeObs {
    FakeObs::start(Options::new(AK, SK)).await.expect("the fake OBS starts")
}

/// OBS's endpoint for the fake: the official override variable, as a user would set it,
/// so that the endpoint carries OBS's signature.
fn endpoint(obs: &FakeObs) -> obs::Endpoint {
    let env = obs::Env::from_pairs([("HUAWEICLOUD_SDK_REGION_OBS_CN_NORTH_4", obs.url())]);
    obs::SERVICE.endpoint_in(&env, "cn-north-4").expect("a loopback endpoint")
}

fn client_with(obs: &FakeObs, signer: obs::huawei::AkSk) -> Client {
    let retry = RetryPolicy { initial_backoff: Duration::from_millis(5), max_backoff: Duration::from_millis(20), ..RetryPolicy::default() };
    let config = ClientConfig::builder(Credentials::signer(signer)).without_proxy().retry(retry).build().expect("config");
    Client::new(&config, endpoint(obs))
}

fn client(obs: &FakeObs) -> Client {
    client_with(obs, obs::huawei::AkSk::new(obs.access_key(), obs.secret_key()))
}

/// The API error of a failed call.
fn api(error: Error) -> Box<obs::ApiError> {
    match error {
        Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The keys of a listing, in order.
fn keys_of(listing: &ListBucketResult) -> Vec<String> {
    listing.contents.iter().flatten().filter_map(|c| c.key.clone()).collect()
}

/// The ids of the uploads in progress listed.
fn upload_ids(listing: ListMultipartUploadsResult) -> Vec<String> {
    listing.upload.unwrap_or_default().into_iter().filter_map(|u| u.upload_id).collect()
}

/// Every `<name>` text of a raw XML document.
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    xml.split(&open).skip(1).filter_map(|s| s.split_once(&close).map(|(t, _)| t.to_owned())).collect()
}

fn quoted_md5(data: &[u8]) -> String {
    format!("\"{}\"", hex(&Md5::digest(data)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

async fn put(client: &Client, bucket: &str, key: &str, body: Vec<u8>) -> String {
    match client.put_object(PutObjectRequest::new(bucket, key, body)).await.expect("put") {
        PutObjectResponse::Ok { e_tag, .. } => e_tag.expect("an ETag"),
        other => panic!("{other:?}"),
    }
}

async fn get(client: &Client, bucket: &str, key: &str) -> Vec<u8> {
    let body = client.get_object(GetObjectRequest::new(bucket, key)).await.expect("get").into_ok().expect("200");
    body.collect().await.expect("the body").to_vec()
}

#[tokio::test]
async fn buckets_and_objects_round_trip() {
    let obs = server().await;
    let client = client(&obs);
    let location = CreateBucketRequestBody::default().with_location("cn-north-4");
    client.create_bucket(CreateBucketRequest::new("bkt").with_body(location)).await.expect("create").into_ok().expect("200");
    let again = client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("answer").into_ok().expect_err("exists");
    let again = api(again);
    assert_eq!(again.status, 409);
    assert!(text(&again.body).contains("<Code>BucketAlreadyOwnedByYou</Code>"), "{}", text(&again.body));

    let keys = ["a/1.txt", "a/2.txt", "b c+d%.txt", "dir/sub/é.bin", "z"];
    for (i, key) in keys.iter().enumerate() {
        let body = data(1000 + i, i as u8);
        let etag = put(&client, "bkt", key, body.clone()).await;
        assert_eq!(etag, quoted_md5(&body), "the ETag is the quoted hex MD5");
        assert_eq!(get(&client, "bkt", key).await, body, "{key}");
    }
    match client.head_object(HeadObjectRequest::new("bkt", "a/2.txt")).await.expect("head") {
        HeadObjectResponse::Ok { content_length, e_tag, .. } => {
            assert_eq!(content_length.as_deref(), Some("1001"));
            assert_eq!(e_tag, Some(quoted_md5(&data(1001, 1))));
        }
        other => panic!("{other:?}"),
    }
    let metadata = client.get_bucket_metadata(GetBucketMetadataRequest::new("bkt")).await.expect("head bucket");
    assert!(metadata.into_ok().is_ok());

    let listing = client.list_objects(ListObjectsRequest::new("bkt")).await.expect("list").into_ok().expect("200");
    assert_eq!(keys_of(&listing), ["a/1.txt", "a/2.txt", "b c+d%.txt", "dir/sub/é.bin", "z"]);
    let sizes: Vec<String> = listing.contents.iter().flatten().filter_map(|c| c.size.clone()).collect();
    assert_eq!(sizes, ["1000", "1001", "1002", "1003", "1004"]);
    assert_eq!(listing.name.as_deref(), Some("bkt"));
    let rolled = ListObjectsRequest::new("bkt").with_delimiter("/").with_max_keys(3);
    let rolled = client.list_objects(rolled).await.expect("list").into_ok().expect("200");
    assert_eq!(keys_of(&rolled), ["b c+d%.txt"]);
    let common: Vec<String> = rolled.common_prefixes.iter().flatten().filter_map(|p| p.prefix.clone()).collect();
    assert_eq!(common, ["a/", "dir/"]);
    assert_eq!((rolled.is_truncated, rolled.next_marker.as_deref()), (Some(true), Some("dir/")));
    let rest = ListObjectsRequest::new("bkt").with_delimiter("/").with_marker("dir/");
    let rest = client.list_objects(rest).await.expect("list").into_ok().expect("200");
    assert_eq!((keys_of(&rest), rest.is_truncated), (vec!["z".to_owned()], Some(false)));
    let prefixed = client.list_objects(ListObjectsRequest::new("bkt").with_prefix("a/")).await.expect("list").into_ok().expect("200");
    assert_eq!(keys_of(&prefixed), ["a/1.txt", "a/2.txt"]);

    let buckets = client.list_buckets(ListBucketsRequest::new()).await.expect("buckets").into_ok().expect("200");
    let buckets: Vec<(Option<String>, Option<String>)> =
        buckets.buckets.and_then(|b| b.bucket).unwrap_or_default().into_iter().map(|b| (b.name, b.location)).collect();
    assert_eq!(buckets, [(Some("bkt".to_owned()), Some("cn-north-4".to_owned()))]);

    let not_empty = api(client.delete_bucket(DeleteBucketRequest::new("bkt")).await.expect("answer").into_ok().expect_err("not empty"));
    assert_eq!(not_empty.status, 409);
    assert!(text(&not_empty.body).contains("<Code>BucketNotEmpty</Code>"));
    for key in keys {
        client.delete_object(DeleteObjectRequest::new("bkt", key)).await.expect("delete").into_ok().expect("204");
    }
    let gone = api(client.get_object(GetObjectRequest::new("bkt", "z")).await.expect("answer").into_ok().expect_err("deleted"));
    assert_eq!(gone.status, 404);
    assert!(text(&gone.body).contains("<Code>NoSuchKey</Code>"));
    client.delete_bucket(DeleteBucketRequest::new("bkt")).await.expect("delete").into_ok().expect("204");
    let buckets = client.list_buckets(ListBucketsRequest::new()).await.expect("buckets").into_ok().expect("200");
    assert!(buckets.buckets.and_then(|b| b.bucket).unwrap_or_default().is_empty());

    // Every request was signed with the OBS scheme, answered with a request id, and the
    // client kept its connection.
    let requests = obs.requests();
    assert!(requests.iter().all(|r| r.header("authorization").is_some_and(|a| a.starts_with(&format!("OBS {AK}:")))), "{requests:#?}");
    assert!(requests.iter().all(|r| r.request_id.len() == 32));
    assert!(requests.iter().all(|r| r.connection == 1), "one kept-alive connection: {requests:#?}");
    let puts: Vec<&LoggedRequest> = requests.iter().filter(|r| r.operation == "PutObject").collect();
    assert_eq!(puts.len(), 5);
    assert_eq!(puts[0].bytes_in, 1000);
    assert_eq!(puts[2].target, "/bkt/b%20c%2Bd%25.txt", "the key as the client encodes it");
    let gets: Vec<&LoggedRequest> = requests.iter().filter(|r| r.operation == "GetObject" && r.status == Some(200)).collect();
    assert_eq!(gets[4].bytes_out, 1004);
    obs.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_key_is_signature_does_not_match() {
    let obs = server().await;
    let wrong = client_with(&obs, obs::huawei::AkSk::new(AK, "not the secret"));
    let error = wrong.list_buckets(ListBucketsRequest::new()).await.expect("answer").into_ok().expect_err("refused");
    let error = api(error);
    assert_eq!(error.status, 403);
    let body = text(&error.body);
    assert!(body.contains("<Code>SignatureDoesNotMatch</Code>"), "{body}");
    assert!(body.contains("the string to sign"), "the verifier's reason: {body}");
    let request_id = error.headers.get("x-obs-request-id").expect("x-obs-request-id").to_str().expect("text");
    assert!(body.contains(&format!("<RequestId>{request_id}</RequestId>")));
    assert_eq!(obs.requests()[0].error_code, Some("SignatureDoesNotMatch"));

    let unknown = client_with(&obs, obs::huawei::AkSk::new("OTHERKEY", SK));
    let error = api(unknown.list_buckets(ListBucketsRequest::new()).await.expect("answer").into_ok().expect_err("refused"));
    assert!(text(&error.body).contains("<Code>InvalidAccessKeyId</Code>"));

    // A body sent with a wrong signature is not stored.
    let error = wrong.put_object(PutObjectRequest::new("bkt", "k", b"x".to_vec())).await.expect("answer").into_ok().expect_err("refused");
    assert_eq!(api(error).status, 403);
}

#[tokio::test]
async fn temporary_credentials_must_send_the_token() {
    let obs = FakeObs::start(Options::new(AK, SK).security_token("the-token")).await.expect("start");
    let with_token = client_with(&obs, obs::huawei::AkSk::new(AK, SK).with_security_token("the-token"));
    with_token.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create").into_ok().expect("200");
    let without = client(&obs);
    let error = api(without.list_buckets(ListBucketsRequest::new()).await.expect("answer").into_ok().expect_err("refused"));
    assert!(text(&error.body).contains("<Code>InvalidToken</Code>"));
    let logged = &obs.requests()[0];
    assert_eq!(logged.header("x-obs-security-token"), Some("***"), "the token stays out of the log");
}

#[tokio::test]
async fn range_gets() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    let body = data(1000, 7);
    put(&client, "bkt", "k", body.clone()).await;
    let cases = [("bytes=10-19", 10..20, "bytes 10-19/1000"), ("bytes=990-", 990..1000, "bytes 990-999/1000"), ("bytes=-5", 995..1000, "bytes 995-999/1000"), ("bytes=900-5000", 900..1000, "bytes 900-999/1000")];
    for (range, expected, content_range) in cases {
        match client.get_object(GetObjectRequest::new("bkt", "k").with_range(range)).await.expect("get") {
            GetObjectResponse::PartialContent { body: part, content_range: sent, .. } => {
                assert_eq!(sent.as_deref(), Some(content_range), "{range}");
                assert_eq!(part.collect().await.expect("body").to_vec(), body[expected].to_vec(), "{range}");
            }
            other => panic!("{range}: {other:?}"),
        }
    }
    let error = client.get_object(GetObjectRequest::new("bkt", "k").with_range("bytes=1000-")).await.expect("answer").into_ok();
    let error = api(error.expect_err("unsatisfiable"));
    assert_eq!(error.status, 416);
    assert_eq!(error.headers.get("content-range").map(|v| v.to_str().expect("text")), Some("bytes */1000"));
    assert!(text(&error.body).contains("<Code>InvalidRange</Code>"));
}

#[tokio::test]
async fn content_md5_is_checked() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    // The MD5 of "hello" sent with another body.
    let wrong = PutObjectRequest::new("bkt", "k", b"other".to_vec()).with_content_md5("XUFAKrxLKna5cZ2REBfFkg==");
    let error = api(client.put_object(wrong).await.expect("answer").into_ok().expect_err("bad digest"));
    assert_eq!(error.status, 400);
    assert!(text(&error.body).contains("<Code>BadDigest</Code>"));
    let right = PutObjectRequest::new("bkt", "k", b"hello".to_vec()).with_content_md5("XUFAKrxLKna5cZ2REBfFkg==");
    client.put_object(right).await.expect("put").into_ok().expect("200");
    assert_eq!(get(&client, "bkt", "k").await, b"hello");
}

#[tokio::test]
async fn appends() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    client.append_object(AppendObjectRequest::new("bkt", "log", 0, b"first ".to_vec())).await.expect("append").into_ok().expect("200");
    client.append_object(AppendObjectRequest::new("bkt", "log", 6, b"second".to_vec())).await.expect("append").into_ok().expect("200");
    let error = api(client.append_object(AppendObjectRequest::new("bkt", "log", 3, b"x".to_vec())).await.expect("answer").into_ok().expect_err("position"));
    assert_eq!(error.status, 409);
    assert!(text(&error.body).contains("<Code>PositionNotEqualToLength</Code>"));
    assert_eq!(get(&client, "bkt", "log").await, b"first second");
    put(&client, "bkt", "plain", b"p".to_vec()).await;
    let error = api(client.append_object(AppendObjectRequest::new("bkt", "plain", 1, b"x".to_vec())).await.expect("answer").into_ok().expect_err("not appendable"));
    assert!(text(&error.body).contains("<Code>ObjectNotAppendable</Code>"));
}

#[tokio::test]
async fn a_multipart_upload_by_hand() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    let initiated = client.initiate_multipart_upload(InitiateMultipartUploadRequest::new("bkt", "big/object")).await.expect("initiate");
    let initiated = initiated.into_ok().expect("200");
    assert_eq!((initiated.bucket.as_deref(), initiated.key.as_deref()), (Some("bkt"), Some("big/object")));
    let upload_id = initiated.upload_id.expect("an UploadId");

    let parts = [data(100 * 1024, 1), data(150 * 1024, 2), data(10, 3)];
    // The second UploadPart fails once with 500, which the client does not retry: the
    // caller sends the part again.
    obs.inject(Fault::new("UploadPart", 2, FaultKind::InternalError));
    let mut etags = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let number = i32::try_from(i + 1).expect("small");
        let request = UploadPartRequest::new("bkt", "big/object", number, upload_id.clone(), part.clone());
        let mut answer = client.upload_part(request.clone()).await.expect("answer");
        if let UploadPartResponse::Undocumented { status, body, .. } = &answer {
            assert_eq!((status.as_u16(), i), (500, 1), "only the second part fails");
            assert!(text(body).contains("<Code>InternalError</Code>"));
            answer = client.upload_part(request.clone()).await.expect("sent again");
        }
        match answer {
            UploadPartResponse::Ok { e_tag, .. } => etags.push(e_tag.expect("an ETag")),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(etags, parts.iter().map(|p| quoted_md5(p)).collect::<Vec<_>>());
    let statuses: Vec<Option<u16>> = obs.requests().iter().filter(|r| r.operation == "UploadPart").map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), Some(500), Some(200), Some(200)]);

    let listed = client.list_parts(ListPartsRequest::new("bkt", "big/object", upload_id.clone())).await.expect("list").into_ok().expect("200");
    let listed: Vec<(Option<String>, Option<i64>)> = listed.part.unwrap_or_default().into_iter().map(|p| (p.part_number, p.size)).collect();
    let expected: Vec<(Option<String>, Option<i64>)> = [("1", 102_400), ("2", 153_600), ("3", 10)].into_iter().map(|(n, s)| (Some(n.to_owned()), Some(s))).collect();
    assert_eq!(listed, expected);
    let uploads = client.list_multipart_uploads(ListMultipartUploadsRequest::new("bkt")).await.expect("list").into_ok().expect("200");
    assert_eq!(upload_ids(uploads), std::slice::from_ref(&upload_id));

    let complete_xml = |numbers: &[usize]| {
        let parts: Vec<CompleteMultipartUploadPart> = numbers
            .iter()
            .map(|n| CompleteMultipartUploadPart::default().with_part_number(i32::try_from(*n).expect("small")).with_e_tag(etags[n - 1].clone()))
            .collect();
        CompleteMultipartUploadRequestBody::default().with_part(parts)
    };
    let complete = |body: CompleteMultipartUploadRequestBody| CompleteMultipartUploadRequest::new("bkt", "big/object", upload_id.clone(), body);
    let error = api(client.complete_multipart_upload(complete(complete_xml(&[2, 1, 3]))).await.expect("answer").into_ok().expect_err("order"));
    assert!(text(&error.body).contains("<Code>InvalidPartOrder</Code>"));
    let mut forged = complete_xml(&[1, 2, 3]);
    if let Some(first) = forged.part.as_mut().and_then(|parts| parts.first_mut()) {
        first.e_tag = Some("\"00000000000000000000000000000000\"".to_owned());
    }
    let error = api(client.complete_multipart_upload(complete(forged)).await.expect("answer").into_ok().expect_err("etag"));
    assert!(text(&error.body).contains("<Code>InvalidPart</Code>"));
    let error = api(client.complete_multipart_upload(complete(complete_xml(&[3, 2]))).await.expect("answer").into_ok().expect_err("order"));
    assert!(text(&error.body).contains("<Code>InvalidPartOrder</Code>"));

    let done = text(&client.complete_multipart_upload(complete(complete_xml(&[1, 2, 3]))).await.expect("complete").into_ok().expect("200"));
    let mut md5s = Md5::new();
    for part in &parts {
        md5s.update(Md5::digest(part));
    }
    let expected = format!("\"{}-3\"", hex(&md5s.finalize()));
    assert_eq!(xml_texts(&done, "ETag"), [expected.replace('"', "&quot;")]);
    assert_eq!(get(&client, "bkt", "big/object").await, parts.concat());
    let uploads = client.list_multipart_uploads(ListMultipartUploadsRequest::new("bkt")).await.expect("list").into_ok().expect("200");
    assert!(upload_ids(uploads).is_empty());

    // An upload aborted leaves nothing behind; an upload in progress keeps the bucket.
    let second = client.initiate_multipart_upload(InitiateMultipartUploadRequest::new("bkt", "other")).await.expect("initiate").into_ok().expect("200");
    let second_id = second.upload_id.expect("an UploadId");
    client.upload_part(UploadPartRequest::new("bkt", "other", 1, second_id.clone(), b"x".to_vec())).await.expect("part").into_ok().expect("200");
    client.delete_object(DeleteObjectRequest::new("bkt", "big/object")).await.expect("delete");
    let error = api(client.delete_bucket(DeleteBucketRequest::new("bkt")).await.expect("answer").into_ok().expect_err("upload in progress"));
    assert!(text(&error.body).contains("<Code>BucketNotEmpty</Code>"));
    client.abort_multipart_upload(AbortMultipartUploadRequest::new("bkt", "other", second_id.clone())).await.expect("abort").into_ok().expect("204");
    let error = api(client.list_parts(ListPartsRequest::new("bkt", "other", second_id)).await.expect("answer").into_ok().expect_err("aborted"));
    assert!(text(&error.body).contains("<Code>NoSuchUpload</Code>"));
    client.delete_bucket(DeleteBucketRequest::new("bkt")).await.expect("delete").into_ok().expect("204");
    assert_eq!(std::fs::read_dir(obs.dir().join("uploads")).expect("uploads").count(), 0);
    assert_eq!(std::fs::read_dir(obs.dir().join("tmp")).expect("tmp").count(), 0, "no body left half-received");
}

#[tokio::test]
async fn files_stream_both_ways_and_retries_resend_them() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    let dir = tempfile::tempdir().expect("dir");
    let source = dir.path().join("in.bin");
    let content = data(3 * 1024 * 1024 + 17, 9);
    std::fs::write(&source, &content).expect("write");
    // The first attempt is cut halfway through its body; PUT is idempotent and a file
    // can be read again, so the client sends it again.
    obs.inject(Fault::new("PutObject", 1, FaultKind::CloseMidBody));
    let put = PutObjectRequest::new("bkt", "file", obs::Body::from_file(&source));
    client.put_object(put).await.expect("put after a retry").into_ok().expect("200");
    let puts: Vec<LoggedRequest> = obs.requests().into_iter().filter(|r| r.operation == "PutObject").collect();
    assert_eq!(puts.len(), 2, "{puts:#?}");
    assert_eq!((puts[0].status, puts[0].bytes_in), (None, content.len() as u64 / 2));
    assert_eq!((puts[1].status, puts[1].bytes_in), (Some(200), content.len() as u64));

    // 503 is retried too.
    obs.inject(Fault::new("GetObject", 1, FaultKind::ServiceUnavailable));
    let target = dir.path().join("out.bin");
    let body = client.get_object(GetObjectRequest::new("bkt", "file")).await.expect("get").into_ok().expect("200");
    assert_eq!(body.write_to_file(&target).await.expect("written"), content.len() as u64);
    assert_eq!(std::fs::read(&target).expect("read"), content);
    let gets: Vec<Option<u16>> = obs.requests().iter().filter(|r| r.operation == "GetObject").map(|r| r.status).collect();
    assert_eq!(gets, [Some(503), Some(200)]);

    // A download cut halfway fails in the caller's hands, never silently short.
    obs.inject(Fault::new("GetObject", 1, FaultKind::CloseMidBody));
    let body = client.get_object(GetObjectRequest::new("bkt", "file")).await.expect("headers arrive").into_ok().expect("200");
    assert!(body.collect().await.is_err(), "a cut body is an error");
}

#[tokio::test]
async fn presigned_urls_work_with_any_http_client() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    let endpoint = endpoint(&obs);
    let signer = obs::huawei::AkSk::new(AK, SK);
    let http = reqwest::Client::builder().no_proxy().build().expect("reqwest");

    let put = PutObjectRequest::new("bkt", "shared/file name.txt", obs::Body::empty()).build(&endpoint).expect("request");
    let url = signer.presign(&put, Duration::from_secs(300)).expect("presigned PUT");
    assert!(!format!("{url:?}").contains(&url.url()[url.url().find("Signature=").expect("signed") + 10..]), "Debug hides the signature");
    let answer = http.put(url.url()).headers(url.headers().clone()).body("shared content").send().await.expect("PUT");
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap_or_default());

    let get = GetObjectRequest::new("bkt", "shared/file name.txt").build(&endpoint).expect("request");
    let url = signer.presign(&get, Duration::from_secs(300)).expect("presigned GET");
    let answer = http.get(url.url()).send().await.expect("GET");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("body"), "shared content");
    let logged = obs.requests().pop().expect("logged");
    assert!(logged.target.contains("Signature=***") && logged.header("authorization").is_none(), "{logged:?}");

    // Expired: signed two hours ago for one minute.
    let past = SystemTime::now() - Duration::from_secs(7200);
    let expired = signer.presign_at(&get, Duration::from_secs(60), past).expect("presigned");
    let answer = http.get(expired.url()).send().await.expect("GET");
    assert_eq!(answer.status(), 403);
    let body = answer.text().await.expect("body");
    assert!(body.contains("<Code>AccessDenied</Code>") && body.contains("expired"), "{body}");

    // Another secret key, or another object, does not match the signature.
    let forged = obs::huawei::AkSk::new(AK, "wrong").presign(&get, Duration::from_secs(60)).expect("presigned");
    let answer = http.get(forged.url()).send().await.expect("GET");
    assert_eq!(answer.status(), 403);
    assert!(answer.text().await.expect("body").contains("<Code>SignatureDoesNotMatch</Code>"));
    let other = url.url().replace("file%20name", "other%20name");
    assert_eq!(http.get(other).send().await.expect("GET").status(), 403);
    // A URL signed for GET does not allow a PUT.
    assert_eq!(http.put(url.url()).body("x").send().await.expect("PUT").status(), 403);
}

#[tokio::test]
async fn operations_it_does_not_implement_are_501() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    let error = api(client.get_bucket_acl(GetBucketAclRequest::new("bkt")).await.expect("answer").into_ok().expect_err("501"));
    assert_eq!(error.status, 501);
    assert!(text(&error.body).contains("<Code>NotImplemented</Code>"));
    assert_eq!(obs.requests().last().expect("logged").operation, "NotImplemented");
}

#[tokio::test]
async fn it_listens_on_127_0_0_1_only() {
    for addr in ["0.0.0.0:0", "192.0.2.1:0", "[::1]:0"] {
        let error = FakeObs::start(Options::new(AK, SK).listen(addr.parse().expect("address"))).await.expect_err(addr);
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{addr}");
    }
    let debug = format!("{:?}", Options::new(AK, SK).security_token("the-token-value"));
    assert!(!debug.contains(SK) && !debug.contains("the-token-value"), "{debug}");
}

#[tokio::test]
async fn data_outlives_the_server_in_its_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let first = FakeObs::start(Options::new(AK, SK).dir(dir.path())).await.expect("start");
    let client = client(&first);
    client.create_bucket(CreateBucketRequest::new("kept")).await.expect("create");
    put(&client, "kept", "k", b"still here".to_vec()).await;
    first.shutdown().await;
    let second = FakeObs::start(Options::new(AK, SK).dir(dir.path())).await.expect("restart");
    assert_eq!(get(&self::client(&second), "kept", "k").await, b"still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_on_several_connections() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    // Sixteen objects at once, then the parts of one upload at once, as a transfer
    // helper sends them.
    let puts = (0..16).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { put(&client, "bkt", &format!("many/{i:02}"), data(50_000 + i, i as u8)).await })
    });
    for put in puts.collect::<Vec<_>>() {
        put.await.expect("the task");
    }
    for i in 0..16 {
        assert_eq!(get(&client, "bkt", &format!("many/{i:02}")).await, data(50_000 + i, i as u8));
    }
    let initiated = client.initiate_multipart_upload(InitiateMultipartUploadRequest::new("bkt", "joined")).await.expect("initiate");
    let upload_id = initiated.into_ok().expect("200").upload_id.expect("an UploadId");
    let parts: Vec<Vec<u8>> = (0..8).map(|i| data(100 * 1024 + i, i as u8)).collect();
    let uploads = parts.iter().enumerate().map(|(i, part)| {
        let request = UploadPartRequest::new("bkt", "joined", i32::try_from(i + 1).expect("small"), upload_id.clone(), part.clone());
        let client = client.clone();
        tokio::spawn(async move {
            match client.upload_part(request).await.expect("part") {
                UploadPartResponse::Ok { e_tag, .. } => e_tag.expect("an ETag"),
                other => panic!("{other:?}"),
            }
        })
    });
    let mut done = Vec::new();
    for (i, upload) in uploads.collect::<Vec<_>>().into_iter().enumerate() {
        let etag = upload.await.expect("the task");
        done.push(CompleteMultipartUploadPart::default().with_part_number(i32::try_from(i + 1).expect("small")).with_e_tag(etag));
    }
    let body = CompleteMultipartUploadRequestBody::default().with_part(done);
    let complete = CompleteMultipartUploadRequest::new("bkt", "joined", upload_id, body);
    client.complete_multipart_upload(complete).await.expect("complete").into_ok().expect("200");
    assert_eq!(get(&client, "bkt", "joined").await, parts.concat());
    let connections: std::collections::BTreeSet<u64> = obs.requests().iter().map(|r| r.connection).collect();
    assert!(connections.len() > 1, "requests in parallel open connections of their own");
}

#[tokio::test]
async fn lasting_faults_and_stalls_reach_the_caller() {
    let obs = server().await;
    let client = client(&obs);
    client.create_bucket(CreateBucketRequest::new("bkt")).await.expect("create");
    put(&client, "bkt", "k", b"v".to_vec()).await;
    // 503 on every GetObject from now on: the client's retries (3) cannot get past it.
    obs.inject(Fault::new("GetObject", 1, FaultKind::ServiceUnavailable).times(usize::MAX));
    let error = api(client.get_object(GetObjectRequest::new("bkt", "k")).await.expect("answer").into_ok().expect_err("503"));
    assert_eq!(error.status, 503);
    assert!(text(&error.body).contains("<Code>ServiceUnavailable</Code>"));
    let attempts = obs.requests().iter().filter(|r| r.operation == "GetObject").count();
    assert_eq!(attempts, 4, "the first attempt and three retries");

    // A server that never answers: the client's timeout ends the wait.
    obs.inject(Fault::new("HeadObject", 1, FaultKind::Stall));
    let config = ClientConfig::builder(Credentials::signer(obs::huawei::AkSk::new(AK, SK)))
        .without_proxy()
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("config");
    let impatient = Client::new(&config, endpoint(&obs));
    let started = std::time::Instant::now();
    let error = impatient.head_object(HeadObjectRequest::new("bkt", "k")).await.expect_err("timed out");
    assert!(!matches!(error, Error::Api(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}
