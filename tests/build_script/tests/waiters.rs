//! The ECS waiters generated at build time, against a local server that runs jobs the way
//! ECS does: `DeleteServers` answers a `job_id`, and `ShowJob` reports `INIT`, `RUNNING`,
//! then `SUCCESS` or `FAIL` with the job's own error code, reason and sub-jobs.
//!
//! Intervals are milliseconds, so the tests take little time; the backoff schedule itself
//! is checked to the second with a paused clock in the runtime's tests.

use build_script::ecs;
use ecs::models::{DeleteServersRequestBody, ServerId, ShowJobResponseBody};
use ecs::operations::DeleteServersRequest;
use ecs::{ClientConfig, Credentials, Endpoint, Error, RetryPolicy, WaitOptions};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// What the server answers to the n-th poll of the job (0-based): a status and a body.
type Script = Box<dyn Fn(usize) -> (u16, String) + Send + Sync>;

/// A server on loopback running one job, `job-1`, that recorded each request line.
struct Server {
    address: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }

    fn polls(&self) -> usize {
        self.requests().iter().filter(|r| r.starts_with("GET ")).count()
    }
}

/// A job answer as ECS writes it (its `ShowJob` example), with `status` and, when the
/// job failed, its error code, reason and a failed sub-job.
fn job(status: &str) -> String {
    let failed = status == "FAIL";
    serde_json::json!({
        "job_id": "job-1",
        "job_type": "deleteServer",
        "begin_time": "2026-12-07T02:04:34.604Z",
        "end_time": if status == "SUCCESS" || failed { "2026-12-07T02:08:41.593Z" } else { "" },
        "status": status,
        "error_code": if failed { serde_json::json!("Ecs.0013") } else { serde_json::Value::Null },
        "fail_reason": if failed { serde_json::json!("the server is locked") } else { serde_json::Value::Null },
        "entities": {
            "sub_jobs_total": 1,
            "sub_jobs": [{
                "job_id": "job-1-1",
                "job_type": "deleteSingleServer",
                "status": if failed { "FAIL" } else { status },
                "begin_time": "2026-12-07T02:04:47.591Z",
                "end_time": "",
                "error_code": null,
                "fail_reason": if failed { serde_json::json!("server srv-1 is locked") } else { serde_json::Value::Null },
                "entities": {"server_id": "srv-1"},
            }],
        },
    })
    .to_string()
}

/// Statuses in turn, the last one again after that.
fn statuses(list: &'static [&'static str]) -> Script {
    Box::new(move |n| (200, job(list[n.min(list.len() - 1)])))
}

async fn serve(script: Script) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (seen, script) = (seen.clone(), script.clone());
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                loop {
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let request_line = request_line.trim_end().to_owned();
                    let (status, answer) = {
                        let mut seen = seen.lock().expect("lock");
                        let polls = seen.iter().filter(|r: &&String| r.starts_with("GET ")).count();
                        seen.push(request_line.clone());
                        if request_line.starts_with(&format!("POST /v1/{PROJECT}/cloudservers/delete ")) {
                            (200, r#"{"job_id":"job-1"}"#.to_owned())
                        } else if request_line.starts_with(&format!("GET /v1/{PROJECT}/jobs/job-1 ")) {
                            script(polls)
                        } else {
                            (404, r#"{"error":{"code":"Ecs.0114","message":"no such job"}}"#.to_owned())
                        }
                    };
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nX-Request-Id: r-{status}\r\nContent-Length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if reader.get_mut().write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Server { address, requests }
}

fn client(server: &Server) -> ecs::Client {
    let retry = RetryPolicy {
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let config = ClientConfig::builder(Credentials::aksk("AKID-WAIT", "sk-wait")).retry(retry).build().expect("config");
    ecs::Client::new(&config, Endpoint::new(&server.address).expect("endpoint").with_project_id(PROJECT))
}

fn fast() -> WaitOptions {
    WaitOptions::new()
        .interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(30))
}

fn delete_servers() -> DeleteServersRequest {
    DeleteServersRequest::new(DeleteServersRequestBody::new(vec![ServerId::new("srv-1")]))
}

#[tokio::test]
async fn running_then_success_gives_both_answers() {
    let server = serve(statuses(&["INIT", "RUNNING", "RUNNING", "SUCCESS"])).await;
    let done = client(&server).delete_servers_and_wait(delete_servers(), &fast()).await.expect("the job succeeds");
    assert_eq!(done.started.job_id, "job-1");
    assert_eq!(done.job.status.as_str(), "SUCCESS");
    assert_eq!(done.job.error_code, None, "null until a job fails");
    let requests = server.requests();
    assert_eq!(requests[0], format!("POST /v1/{PROJECT}/cloudservers/delete HTTP/1.1"));
    assert_eq!(requests[1..], vec![format!("GET /v1/{PROJECT}/jobs/job-1 HTTP/1.1"); 4]);
}

#[tokio::test]
async fn running_then_failure_is_an_error_with_the_jobs_details() {
    let server = serve(statuses(&["RUNNING", "FAIL"])).await;
    let error = client(&server).delete_servers_and_wait(delete_servers(), &fast()).await.expect_err("the job fails");
    let Error::JobFailed(failure) = &error else { panic!("{error:?}") };
    assert_eq!(failure.job_id, "job-1");
    assert_eq!(failure.status, "FAIL");
    assert_eq!(failure.error_code.as_deref(), Some("Ecs.0013"));
    assert_eq!(failure.reason.as_deref(), Some("the server is locked"));
    assert_eq!(failure.details["entities"]["sub_jobs"][0]["fail_reason"], "server srv-1 is locked");
    assert_eq!(error.to_string(), "job job-1 ended with status FAIL Ecs.0013: the server is locked");
    // The whole answer is there, as the crate's type.
    let job: ShowJobResponseBody = serde_json::from_value(failure.job.clone()).expect("a job answer");
    assert_eq!(job.entities.and_then(|e| e.sub_jobs).map(|s| s.len()), Some(1));
    assert!(!format!("{error:?}").contains("srv-1"), "Debug names the details, never shows them");
    assert_eq!(server.polls(), 2);
}

#[tokio::test]
async fn a_job_that_never_ends_times_out() {
    let server = serve(statuses(&["RUNNING"])).await;
    let options = fast().timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let error = client(&server).wait_for_job("job-1", &options).await.expect_err("times out");
    let Error::WaitTimeout(timeout) = &error else { panic!("{error:?}") };
    assert_eq!(timeout.job_id, "job-1");
    assert_eq!(timeout.last_status.as_deref(), Some("RUNNING"));
    assert_eq!(timeout.polls as usize, server.polls());
    assert!(timeout.polls >= 2, "{timeout}");
    assert!(started.elapsed() < Duration::from_secs(10), "ended by its timeout");
}

#[tokio::test]
async fn a_failed_poll_is_retried_by_the_client_and_an_unknown_job_is_an_api_error() {
    // A 503 on the second poll: the client retries it, and the wait goes on.
    let server = serve(Box::new(|n| match n {
        1 => (503, r#"{"error":{"code":"Ecs.0000","message":"busy"}}"#.to_owned()),
        0 | 2 => (200, job("RUNNING")),
        _ => (200, job("SUCCESS")),
    }))
    .await;
    let job = client(&server).wait_for_job("job-1", &fast()).await.expect("the job succeeds");
    assert_eq!(job.status.as_str(), "SUCCESS");
    assert_eq!(server.polls(), 4);

    let error = client(&server).wait_for_job("job-2", &fast()).await.expect_err("no such job");
    assert_eq!(error.status(), Some(404), "{error:?}");
}

#[tokio::test]
async fn dropping_a_wait_stops_polling() {
    let server = serve(statuses(&["RUNNING"])).await;
    let client = client(&server);
    let options = fast();
    let wait = client.wait_for_job("job-1", &options);
    assert!(tokio::time::timeout(Duration::from_millis(100), wait).await.is_err(), "still running");
    let polls = server.polls();
    assert!(polls >= 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.polls(), polls, "nothing polls after the drop");
}
