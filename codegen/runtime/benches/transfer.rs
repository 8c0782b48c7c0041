//! Uploads and downloads 1 GiB (or `TRANSFER_MIB` MiB) through the client against a local
//! server on 127.0.0.1, beside plain reqwest in the same run, and prints throughput and
//! the peak memory (VmHWM) of each client process.
//!
//! `cargo bench -p codegen-runtime --features huawei,client --bench transfer`
//!
//! Each measurement runs in a child process of its own (this binary, called again), so
//! that its peak resident memory is its own; the server is this parent process, which
//! reads uploads into nothing and writes downloads from one reused buffer.

use bytes::Bytes;
use codegen_runtime::huawei::AkSk;
use codegen_runtime::{Body, Client, ClientConfig, Credentials, Endpoint, RetryPolicy};
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const CHUNK: usize = 256 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; a child gets `child <mode> <url> <file> <bytes>`.
    if args.get(1).map(String::as_str) == Some("child") {
        child(&args[2], &args[3], Path::new(&args[4]), args[5].parse().expect("size"));
        return;
    }
    let mib: u64 = std::env::var("TRANSFER_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let size = mib * 1024 * 1024;
    let file = std::env::temp_dir().join(format!("transfer-bench-{}.bin", std::process::id()));
    write_file(&file, size);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let url = runtime.block_on(serve(size));
    println!("transfer of {mib} MiB over 127.0.0.1 (peak RSS of the client process, throughput)");
    println!("| run | mode | MiB/s | peak RSS MiB |");
    println!("| ---: | --- | ---: | ---: |");
    let repeats: usize = std::env::var("TRANSFER_REPEATS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    for run in 1..=repeats {
        // Alternating, so that the machine's load falls on both alike.
        for mode in ["reqwest-upload", "client-upload", "reqwest-download", "client-download"] {
            let output = Command::new(&args[0])
                .args(["child", mode, &url, file.to_str().expect("utf-8 path"), &size.to_string()])
                .output()
                .expect("child runs");
            let report = String::from_utf8_lossy(&output.stdout);
            let mut fields = report.split_whitespace();
            let (seconds, peak_kib): (f64, u64) = match (fields.next(), fields.next()) {
                (Some(s), Some(p)) => (s.parse().expect("seconds"), p.parse().expect("KiB")),
                _ => panic!("{mode} failed: {}", String::from_utf8_lossy(&output.stderr)),
            };
            let throughput = size as f64 / 1024.0 / 1024.0 / seconds;
            println!("| {run} | {mode} | {throughput:.0} | {:.1} |", peak_kib as f64 / 1024.0);
        }
    }
    let _ = std::fs::remove_file(&file);
}

fn write_file(path: &Path, size: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("temp file"));
    let block: Vec<u8> = (0..CHUNK).map(|i| (i % 251) as u8).collect();
    let mut left = size;
    while left > 0 {
        let n = left.min(CHUNK as u64) as usize;
        file.write_all(&block[..n]).expect("write");
        left -= n as u64;
    }
    file.flush().expect("flush");
}

/// One measurement: prints the seconds it took and the process's peak RSS in KiB.
fn child(mode: &str, url: &str, file: &Path, size: u64) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let start = Instant::now();
    let moved = runtime.block_on(async {
        match mode {
            "client-upload" => client_upload(url, file).await,
            "reqwest-upload" => reqwest_upload(url, file).await,
            "client-download" => client_download(url).await,
            "reqwest-download" => reqwest_download(url).await,
            other => panic!("unknown mode {other}"),
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(moved, size, "{mode} moved every byte");
    println!("{seconds} {}", peak_rss_kib());
}

async fn client_upload(url: &str, file: &Path) -> u64 {
    let config = ClientConfig::builder(Credentials::signer(AkSk::new("AK", "SK")))
        .retry(RetryPolicy::none())
        .without_proxy()
        .build()
        .expect("config");
    let client = Client::new(&config, Endpoint::new(url).expect("endpoint"));
    let request = http::Request::put(format!("{url}/upload"))
        .header("content-type", "application/octet-stream")
        .body(Body::from_file(file))
        .expect("request");
    let response = client.execute_body(request, true, false).await.expect("uploaded");
    let body = response.into_body().into_bytes().expect("whole");
    std::str::from_utf8(&body).expect("count").parse().expect("count")
}

async fn reqwest_upload(url: &str, file: &Path) -> u64 {
    let file = tokio::fs::File::open(file).await.expect("open");
    let length = file.metadata().await.expect("metadata").len();
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .put(format!("{url}/upload"))
        .header("content-length", length)
        .body(body)
        .send()
        .await
        .expect("uploaded");
    response.text().await.expect("count").parse().expect("count")
}

async fn client_download(url: &str) -> u64 {
    let config = ClientConfig::builder(Credentials::none()).retry(RetryPolicy::none()).without_proxy().build().expect("config");
    let client = Client::new(&config, Endpoint::new(url).expect("endpoint"));
    let request = http::Request::get(format!("{url}/download")).body(Body::empty()).expect("request");
    let response = client.execute_body(request, true, true).await.expect("answered");
    let mut stream = response.into_body().into_stream().await.expect("stream");
    let mut count = 0u64;
    while let Some(chunk) = std::future::poll_fn(|cx| futures_core::Stream::poll_next(stream.as_mut(), cx)).await {
        count += chunk.expect("chunk").len() as u64;
    }
    count
}

async fn reqwest_download(url: &str) -> u64 {
    let mut response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{url}/download"))
        .send()
        .await
        .expect("answered");
    let mut count = 0u64;
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        count += chunk.len() as u64;
    }
    count
}

/// The peak resident set of this process (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// A server on 127.0.0.1 that counts upload bytes (answering the count) and serves
/// downloads of `size` bytes, HTTP/1.1, one request per connection.
async fn serve(size: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::with_capacity(CHUNK, read);
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let length: u64 = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                if head.starts_with("PUT") {
                    let mut buffer = vec![0u8; CHUNK];
                    let mut read = 0u64;
                    while read < length {
                        let n = reader.read(&mut buffer).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        read += n as u64;
                    }
                    let body = read.to_string();
                    let answer = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                    let _ = write.write_all(answer.as_bytes()).await;
                } else {
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {size}\r\nconnection: close\r\n\r\n"
                    );
                    let _ = write.write_all(answer.as_bytes()).await;
                    let block = Bytes::from(vec![7u8; CHUNK]);
                    let mut left = size;
                    while left > 0 {
                        let n = left.min(CHUNK as u64) as usize;
                        if write.write_all(&block[..n]).await.is_err() {
                            return;
                        }
                        left -= n as u64;
                    }
                }
                let _ = write.shutdown().await;
            });
        }
    });
    url
}
