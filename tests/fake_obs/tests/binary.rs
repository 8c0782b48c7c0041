//! The `fake-obs` binary as the README, the examples and the benchmark run it: it prints
//! its URL, serves signed requests from its data folder until killed, and refuses bad
//! command lines.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use obs::operations::{CreateBucketRequest, ListBucketsRequest};
use obs::{Client, ClientConfig, Credentials};

const BINARY: &str = env!("CARGO_BIN_EXE_fake-obs");

/// The server started by a test, killed when the test ends, even by a panic.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serves_until_killed() {
    let data = tempfile::tempdir().expect("dir");
    let mut child = Running(Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--access-key", "AK", "--secret-key", "SK", "--dir"])
        .arg(data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts"));
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().expect("stdout")).read_line(&mut line).expect("the URL line");
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let env = obs::Env::from_pairs([("HUAWEICLOUD_SDK_REGION_OBS_CN_NORTH_4", url.as_str())]);
    let endpoint = obs::SERVICE.endpoint_in(&env, "cn-north-4").expect("endpoint");
    let config = ClientConfig::builder(Credentials::signer(obs::huawei::AkSk::new("AK", "SK"))).without_proxy().build().expect("config");
    let client = Client::new(&config, endpoint);
    client.create_bucket(CreateBucketRequest::new("from-binary")).await.expect("create").into_ok().expect("200");
    let listed = client.list_buckets(ListBucketsRequest::new()).await.expect("list").into_ok().expect("200");
    let names: Vec<&str> = listed
        .buckets
        .iter()
        .flat_map(|b| b.bucket.iter().flatten())
        .filter_map(|b| b.name.as_deref())
        .collect();
    assert_eq!(names, ["from-binary"]);
    assert!(data.path().join("buckets/from-binary/bucket.json").is_file(), "kept in --dir");
    drop(child);
}

#[test]
fn bad_command_lines_are_refused() {
    let run = |args: &[&str]| Command::new(BINARY).args(args).stdout(Stdio::null()).stderr(Stdio::piped()).output().expect("runs");
    let missing = run(&["--access-key", "AK"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--secret-key is required"));
    let unknown = run(&["--port", "1"]);
    assert_eq!(unknown.status.code(), Some(2));
    let elsewhere = run(&["--listen", "0.0.0.0:0", "--access-key", "AK", "--secret-key", "SK"]);
    assert_eq!(elsewhere.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&elsewhere.stderr).contains("127.0.0.1 only"));
    assert!(run(&["--help"]).status.success());
}
