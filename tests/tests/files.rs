//! File operations of the catalogue (`tests/golden/files/specs`, generated at build time
//! by `tests/build_script`) through the client against the scripted server on 127.0.0.1:
//! downloads handed over as a streamed `Body`, uploads read from a file while sent.

mod support;

use build_script::files::operations::{
    DownloadBuildLogRequest, DownloadChartRequest, DownloadChartResponse, PutObjectRequest,
};
use build_script::files::{Body, Client, ClientConfig, Credentials, Endpoint, Progress, RetryPolicy};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{Reply, Server, respond};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn client(server: &Server) -> Client {
    let config = ClientConfig::builder(Credentials::aksk("AKIDFILES", "sk-files-secret"))
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            retry_non_idempotent: false,
        })
        .max_response_body(64 * 1024)
        .without_proxy()
        .build()
        .expect("config");
    let endpoint = Endpoint::new(&server.base_url()).expect("endpoint").with_project_id(PROJECT);
    Client::new(&config, endpoint)
}

/// A chart archive larger than the client's limit for whole answers.
fn archive() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect()
}

fn file_reply(data: Vec<u8>) -> Reply {
    Reply::Respond {
        status: 200,
        headers: vec![("Content-Type", "application/octet-stream".to_owned())],
        body: data,
    }
}

#[tokio::test]
async fn a_file_answer_is_a_stream_written_to_disk_with_progress() {
    let server = Server::start(vec![file_reply(archive()), file_reply(b"line 1\nline 2\n".to_vec())]).await;
    let answer = client(&server).download_chart(DownloadChartRequest::new("chart-1")).await.expect("answered");
    let DownloadChartResponse::Ok { body, .. } = answer else {
        panic!("{answer:?}");
    };
    assert_eq!(body.as_bytes(), None, "handed over as it arrives, past the 64 KiB limit");
    let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let log = seen.clone();
    let target = std::env::temp_dir().join(format!("files-test-{}-chart.tgz", std::process::id()));
    let written = body.with_progress(move |p| log.lock().unwrap().push(p)).write_to_file(&target).await.expect("written");
    let on_disk = std::fs::read(&target).expect("read");
    let _ = std::fs::remove_file(&target);
    assert_eq!(written, archive().len() as u64);
    assert_eq!(Sha256::digest(on_disk), Sha256::digest(archive()));
    let last = *seen.lock().unwrap().last().expect("progress reported");
    assert_eq!(last, Progress { transferred: written, total: Some(written) });
    assert_eq!(server.requests()[0].target, "/v2/charts/chart-1/archive");

    let log = client(&server).download_build_log(DownloadBuildLogRequest::new("record-9")).await.expect("answered");
    let bytes = log.into_ok().expect("200").collect().await.expect("collected");
    assert_eq!(&bytes[..], b"line 1\nline 2\n");
}

#[tokio::test]
async fn an_error_answer_of_a_file_operation_is_read_whole() {
    let server = Server::start(vec![respond(404, r#"{"error_code":"CCE.0404","error_msg":"no such chart"}"#)]).await;
    let answer = client(&server).download_chart(DownloadChartRequest::new("gone")).await.expect("answered");
    let error = answer.into_ok().expect_err("404");
    let text = error.to_string();
    assert!(text.contains("CCE.0404") && text.contains("no such chart"), "{text}");
}

#[tokio::test]
async fn an_upload_from_a_file_is_read_while_sent_and_again_for_a_retry() {
    let server = Server::start(vec![respond(503, ""), respond(200, "")]).await;
    let path = std::env::temp_dir().join(format!("files-test-{}-object.bin", std::process::id()));
    std::fs::write(&path, archive()).expect("write");
    let request = PutObjectRequest::new("bucket", "dir/object.bin", Body::from_file(&path));
    let answer = client(&server).put_object(request).await.expect("answered");
    let _ = std::fs::remove_file(&path);
    assert_eq!(answer.status(), 200);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "a PUT is retried after 503");
    for sent in &requests {
        assert_eq!(sent.method, "PUT");
        assert_eq!(Sha256::digest(&sent.body), Sha256::digest(archive()));
        assert_eq!(sent.header("content-length"), Some(archive().len().to_string().as_str()));
        assert_eq!(sent.header("content-type"), Some("application/octet-stream"));
        // Path-style on a loopback endpoint: the bucket first. This case generates without
        // OBS's settings (`object_key_parameters`), so the key stays one path segment.
        assert_eq!(sent.target, "/bucket/dir%2Fobject.bin");
    }
}
