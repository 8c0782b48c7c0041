//! `obs::transfer` against the fake OBS on 127.0.0.1, which checks every request's
//! signature: a file uploaded in parts several at once and downloaded by ranges, byte for
//! byte; a failing part aborting the upload, or leaving it to be resumed with only the
//! missing parts sent; progress adding up to the file's size; bad options refused before
//! anything is sent. And `Client::presign`: links that a plain HTTP client uses.

use fake_obs::{FakeObs, Fault, FaultKind, Options};
use obs::operations::{CreateBucketRequest, GetObjectRequest, ListMultipartUploadsRequest, PutObjectRequest};
use obs::transfer::{download_file, upload_file, DownloadOptions, UploadOptions, MIN_PART_SIZE};
use obs::{huawei::AkSk, Client, ClientConfig, Credentials, Endpoint, Progress, RetryPolicy};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BUCKET: &str = "transfer-bucket";

async fn start() -> (FakeObs, Client) {
    let fake = FakeObs::start(Options::new("AK-TRANSFER", "SK-TRANSFER")).await.expect("fake OBS");
    let config = ClientConfig::builder(Credentials::signer(AkSk::new("AK-TRANSFER", "SK-TRANSFER")))
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            retry_non_idempotent: false,
        })
        .without_proxy()
        .build()
        .expect("config");
    let client = Client::new(&config, Endpoint::new(&fake.url()).expect("endpoint"));
    client.create_bucket(CreateBucketRequest::new(BUCKET)).await.expect("sent").into_ok().expect("created");
    (fake, client)
}

/// 3.5 parts of the smallest size, every byte value.
fn data() -> Vec<u8> {
    (0..(MIN_PART_SIZE * 7 / 2) as u32).map(|i| (i % 253) as u8).collect()
}

fn count(fake: &FakeObs, operation: &str) -> usize {
    fake.requests().iter().filter(|r| r.operation == operation).count()
}

#[tokio::test]
async fn a_file_goes_up_in_parts_and_comes_back_by_ranges() {
    let (fake, client) = start().await;
    let dir = tempfile::tempdir().expect("temp");
    let (source, copy) = (dir.path().join("source.bin"), dir.path().join("copy.bin"));
    std::fs::write(&source, data()).expect("write");
    let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let log = seen.clone();
    let options = UploadOptions::new()
        .part_size(MIN_PART_SIZE)
        .concurrency(3)
        .progress(move |p| log.lock().unwrap().push(p));
    let uploaded = upload_file(&client, BUCKET, "backups/2026/data.bin", &source, options).await.expect("uploaded");
    assert_eq!((uploaded.parts, uploaded.parts_resumed, uploaded.bytes), (4, 0, data().len() as u64));
    assert!(uploaded.e_tag.as_deref().is_some_and(|tag| tag.ends_with("-4\"")), "{uploaded:?}");
    assert_eq!(count(&fake, "UploadPart"), 4);
    assert_eq!(count(&fake, "CompleteMultipartUpload"), 1);
    let last = *seen.lock().unwrap().last().expect("progress");
    assert_eq!(last, Progress { transferred: data().len() as u64, total: Some(data().len() as u64) });

    let downloaded_progress = Arc::new(Mutex::new(Vec::<u64>::new()));
    let log = downloaded_progress.clone();
    let options = DownloadOptions::new().part_size(150_001).concurrency(4).progress(move |p| log.lock().unwrap().push(p.transferred));
    let size = download_file(&client, BUCKET, "backups/2026/data.bin", &copy, options).await.expect("downloaded");
    assert_eq!(size, data().len() as u64);
    assert_eq!(Sha256::digest(std::fs::read(&copy).expect("copy")), Sha256::digest(data()));
    assert_eq!(count(&fake, "GetObject"), data().len().div_ceil(150_001));
    assert!(fake.requests().iter().filter(|r| r.operation == "GetObject").all(|r| r.status == Some(206)));
    assert_eq!(downloaded_progress.lock().unwrap().last(), Some(&(data().len() as u64)));
}

#[tokio::test]
async fn a_failed_part_aborts_the_upload_unless_it_is_kept_for_a_resume() {
    let (fake, client) = start().await;
    let dir = tempfile::tempdir().expect("temp");
    let source = dir.path().join("source.bin");
    std::fs::write(&source, data()).expect("write");
    let uploads = || async {
        let answer = client.list_multipart_uploads(ListMultipartUploadsRequest::new(BUCKET)).await.expect("sent");
        answer.into_ok().expect("listed").upload.unwrap_or_default().len()
    };

    // The third part fails (500 is not retried): the upload is aborted.
    fake.inject(Fault::new("UploadPart", 3, FaultKind::InternalError));
    let options = UploadOptions::new().part_size(MIN_PART_SIZE).concurrency(1);
    let failed = upload_file(&client, BUCKET, "aborted.bin", &source, options).await.expect_err("a part failed");
    assert!(failed.upload_id.is_none() && failed.abort_error.is_none(), "{failed}");
    assert!(matches!(&failed.error, obs::Error::Api(e) if e.status == 500), "{failed:?}");
    assert_eq!(count(&fake, "AbortMultipartUpload"), 1);
    assert_eq!(uploads().await, 0, "nothing left behind");

    // Kept: the error names the upload, and a resume sends only what is missing.
    fake.clear_requests();
    fake.inject(Fault::new("UploadPart", 3, FaultKind::InternalError));
    let options = UploadOptions::new().part_size(MIN_PART_SIZE).concurrency(1).keep_on_failure();
    let kept = upload_file(&client, BUCKET, "resumed.bin", &source, options).await.expect_err("a part failed");
    let upload_id = kept.upload_id.clone().expect("kept");
    assert!(kept.to_string().contains(&upload_id), "{kept}");
    assert_eq!(count(&fake, "AbortMultipartUpload"), 0);
    assert_eq!(uploads().await, 1);

    fake.clear_requests();
    let options = UploadOptions::new().part_size(MIN_PART_SIZE).concurrency(2).resume(&upload_id);
    let resumed = upload_file(&client, BUCKET, "resumed.bin", &source, options).await.expect("resumed");
    assert_eq!((resumed.parts, resumed.parts_resumed), (4, 2), "parts 1 and 2 were stored before the failure");
    assert_eq!(count(&fake, "UploadPart"), 2);
    assert_eq!(count(&fake, "ListParts"), 1);
    let copy = dir.path().join("copy.bin");
    download_file(&client, BUCKET, "resumed.bin", &copy, DownloadOptions::new()).await.expect("downloaded");
    assert_eq!(Sha256::digest(std::fs::read(&copy).expect("copy")), Sha256::digest(data()));
}

#[tokio::test]
async fn bad_options_are_refused_before_anything_is_sent() {
    let (fake, client) = start().await;
    fake.clear_requests();
    let dir = tempfile::tempdir().expect("temp");
    let source = dir.path().join("source.bin");
    std::fs::write(&source, b"small").expect("write");
    for (options, expected) in [
        (UploadOptions::new().part_size(MIN_PART_SIZE - 1), "out of OBS's range"),
        (UploadOptions::new().concurrency(0), "concurrency 0"),
    ] {
        let error = upload_file(&client, BUCKET, "k", &source, options).await.expect_err("refused");
        assert!(error.to_string().contains(expected), "{error}");
    }
    let missing = upload_file(&client, BUCKET, "k", dir.path().join("absent"), UploadOptions::new()).await;
    assert!(missing.expect_err("no file").to_string().contains("absent"));
    let bad_bucket = upload_file(&client, "Not_A_Bucket", "k", &source, UploadOptions::new()).await;
    assert!(bad_bucket.is_err());
    let zero = download_file(&client, BUCKET, "k", dir.path().join("out"), DownloadOptions::new().part_size(0)).await;
    assert!(zero.is_err());
    assert_eq!(fake.requests().len(), 0, "nothing reached the server");
}

#[tokio::test]
async fn presigned_links_work_with_any_http_client_until_they_expire() {
    let (_fake, client) = start().await;
    let http = reqwest::Client::builder().no_proxy().build().expect("reqwest");
    let put = PutObjectRequest::new(BUCKET, "shared/report.csv", obs::Body::from(b"a,b\n1,2\n".to_vec()));
    let upload = client.presign(&put, Duration::from_secs(300)).await.expect("presigned");
    let mut sent = http.put(upload.url()).body("a,b\n1,2\n");
    for (name, value) in upload.headers() {
        sent = sent.header(name, value);
    }
    assert_eq!(sent.send().await.expect("uploaded").status(), 200);

    let get = GetObjectRequest::new(BUCKET, "shared/report.csv");
    let download = client.presign(&get, Duration::from_secs(300)).await.expect("presigned");
    assert!(download.url().contains("AccessKeyId=AK-TRANSFER") && download.url().contains("Signature="));
    let answer = http.get(download.url()).send().await.expect("downloaded");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("text"), "a,b\n1,2\n");

    // Under a second is refused; a link whose time is up is refused by OBS.
    assert!(client.presign(&get, Duration::from_millis(500)).await.is_err());
    let short = client.presign(&get, Duration::from_secs(1)).await.expect("presigned");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(http.get(short.url()).send().await.expect("answered").status(), 403);
}
