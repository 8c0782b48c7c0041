//! Puts and gets a 1 GiB object (or `OBS_BENCH_MIB` MiB) in the fake OBS on 127.0.0.1
//! through the OBS crate's transfer helper (`obs::transfer::upload_file` and
//! `download_file`: 16 MiB parts or ranges, 4 at once), through its client alone
//! (`PutObject` from a file, `GetObject` written to a file), and with plain reqwest and
//! presigned URLs on the same loopback, in the same run; prints the throughput and the
//! peak memory (VmHWM) of each client process.
//!
//! `cargo bench -p fake-obs --bench obs_1gib`
//!
//! Each measurement runs in a child process of its own (this binary, called again), so
//! that its peak resident memory is its own; the fake OBS is this parent process, which
//! stores the object on disk in a temporary folder. `OBS_BENCH_REPEATS` (2 by default)
//! runs alternate the modes, so that the machine's load falls on all alike.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use fake_obs::{FakeObs, Options};
use md5::{Digest, Md5};
use obs::operations::{CreateBucketRequest, GetObjectRequest, PutObjectRequest, PutObjectResponse};
use obs::{Client, ClientConfig, Credentials, Operation};

const AK: &str = "BENCHAK";
const SK: &str = "bench-secret";
const BUCKET: &str = "bench";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; a child gets `child <mode> <url> <file> <bytes> <etag>`.
    if args.get(1).map(String::as_str) == Some("child") {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let size: u64 = args[5].parse().expect("size");
        let started = Instant::now();
        runtime.block_on(child(&args[2], &args[3], Path::new(&args[4]), size, &args[6]));
        let seconds = started.elapsed().as_secs_f64();
        // Outside the measured time: what came back is what the last put sent.
        if args[2].ends_with("-get") {
            assert_eq!(file_etag(Path::new(&args[4])), args[6], "{} got other bytes", args[2]);
        }
        println!("{seconds} {}", peak_rss_kib());
        return;
    }
    let mib: u64 = std::env::var("OBS_BENCH_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let repeats: usize = std::env::var("OBS_BENCH_REPEATS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    let size = mib * 1024 * 1024;
    let work = tempfile::tempdir().expect("a work folder");
    let source = work.path().join("source.bin");
    let etag = write_file(&source, size);

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let obs = runtime.block_on(FakeObs::start(Options::new(AK, SK))).expect("the fake OBS starts");
    runtime.block_on(async {
        client(&obs.url()).create_bucket(CreateBucketRequest::new(BUCKET)).await.expect("create").into_ok().expect("200");
    });

    println!("put and get of {mib} MiB in the fake OBS over 127.0.0.1 (throughput, peak RSS of the client process)");
    println!("| run | mode | MiB/s | peak RSS MiB |");
    println!("| ---: | --- | ---: | ---: |");
    for run in 1..=repeats {
        for mode in ["reqwest-put", "obs-put", "helper-put", "reqwest-get", "obs-get", "helper-get"] {
            let target = work.path().join(format!("{mode}.out"));
            let file = if mode.ends_with("put") { &source } else { &target };
            let output = Command::new(&args[0])
                .args(["child", mode, &obs.url(), file.to_str().expect("a UTF-8 path"), &size.to_string(), &etag])
                .output()
                .expect("the child runs");
            let report = String::from_utf8_lossy(&output.stdout);
            let mut fields = report.split_whitespace();
            let (seconds, peak_kib): (f64, u64) = match (fields.next(), fields.next()) {
                (Some(s), Some(p)) if output.status.success() => (s.parse().expect("seconds"), p.parse().expect("KiB")),
                _ => panic!("{mode} failed: {}", String::from_utf8_lossy(&output.stderr)),
            };
            let _ = std::fs::remove_file(&target);
            let throughput = size as f64 / 1024.0 / 1024.0 / seconds;
            println!("| {run} | {mode} | {throughput:.0} | {:.1} |", peak_kib as f64 / 1024.0);
        }
    }
    let parent = peak_rss_kib();
    println!("peak RSS of the fake OBS (parent) process: {:.1} MiB", parent as f64 / 1024.0);
    drop(obs);
}

fn client(url: &str) -> Client {
    let env = obs::Env::from_pairs([("HUAWEICLOUD_SDK_REGION_OBS_CN_NORTH_4", url)]);
    let endpoint = obs::SERVICE.endpoint_in(&env, "cn-north-4").expect("endpoint");
    let config = ClientConfig::builder(Credentials::signer(obs::huawei::AkSk::new(AK, SK)))
        .without_proxy()
        .timeout(Duration::from_secs(600))
        .build()
        .expect("config");
    Client::new(&config, endpoint)
}

/// One measured transfer; panics (non-zero exit) when it fails or its result is wrong.
async fn child(mode: &str, url: &str, file: &Path, size: u64, etag: &str) {
    let key = "objects/one-gib.bin";
    match mode {
        "obs-put" => {
            let put = PutObjectRequest::new(BUCKET, key, obs::Body::from_file(file));
            match client(url).put_object(put).await.expect("put") {
                PutObjectResponse::Ok { e_tag, .. } => assert_eq!(e_tag.as_deref(), Some(etag), "the server got the file"),
                other => panic!("{other:?}"),
            }
        }
        "helper-put" => {
            let uploaded = obs::transfer::upload_file(&client(url), BUCKET, key, file, obs::transfer::UploadOptions::new())
                .await
                .expect("uploaded");
            assert_eq!(uploaded.bytes, size);
            // A multipart ETag is the MD5 of the parts' MD5s: check the content by reading
            // it back instead (below, helper-get and obs-get).
            assert!(uploaded.e_tag.is_some_and(|e| e.ends_with(&format!("-{}\"", size.div_ceil(16 << 20)))));
        }
        "helper-get" => {
            let written = obs::transfer::download_file(&client(url), BUCKET, key, file, obs::transfer::DownloadOptions::new())
                .await
                .expect("downloaded");
            assert_eq!(written, size);
        }
        "obs-get" => {
            let body = client(url).get_object(GetObjectRequest::new(BUCKET, key)).await.expect("get").into_ok().expect("200");
            assert_eq!(body.write_to_file(file).await.expect("written"), size);
        }
        "reqwest-put" | "reqwest-get" => {
            let endpoint = client(url).endpoint().clone();
            let signer = obs::huawei::AkSk::new(AK, SK);
            let http = reqwest::Client::builder().no_proxy().build().expect("reqwest");
            if mode == "reqwest-put" {
                let request = PutObjectRequest::new(BUCKET, key, obs::Body::empty()).build(&endpoint).expect("request");
                let url = signer.presign(&request, Duration::from_secs(3600)).expect("presigned");
                let source = tokio::fs::File::open(file).await.expect("open");
                let answer = http.put(url.url()).headers(url.headers().clone()).header("content-length", size).body(reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(source, 256 * 1024))).send().await.expect("PUT");
                assert_eq!(answer.status(), 200);
                assert_eq!(answer.headers().get("etag").and_then(|v| v.to_str().ok()), Some(etag));
            } else {
                let request = GetObjectRequest::new(BUCKET, key).build(&endpoint).expect("request");
                let url = signer.presign(&request, Duration::from_secs(3600)).expect("presigned");
                let mut answer = http.get(url.url()).send().await.expect("GET");
                assert_eq!(answer.status(), 200);
                let mut out = tokio::fs::File::create(file).await.expect("create");
                let mut written = 0u64;
                while let Some(chunk) = answer.chunk().await.expect("a chunk") {
                    tokio::io::AsyncWriteExt::write_all(&mut out, &chunk).await.expect("write");
                    written += chunk.len() as u64;
                }
                tokio::io::AsyncWriteExt::flush(&mut out).await.expect("flush");
                assert_eq!(written, size);
            }
        }
        other => panic!("unknown mode {other}"),
    }
}

/// Writes `size` bytes of a pattern that does not compress; the quoted hex MD5 (ETag).
fn write_file(path: &Path, size: u64) -> String {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut md5 = Md5::new();
    let mut block = vec![0u8; 1024 * 1024];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut left = size;
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            // xorshift64
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
        }
        let n = usize::try_from(left.min(block.len() as u64)).expect("small");
        md5.update(&block[..n]);
        file.write_all(&block[..n]).expect("write");
        left -= n as u64;
    }
    file.flush().expect("flush");
    format!("\"{}\"", md5.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// The quoted hex MD5 of a file, read in 1 MiB blocks (after the measured transfer).
fn file_etag(path: &Path) -> String {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).expect("open");
    let mut md5 = Md5::new();
    let mut block = vec![0u8; 1024 * 1024];
    loop {
        let n = file.read(&mut block).expect("read");
        if n == 0 {
            break;
        }
        md5.update(&block[..n]);
    }
    format!("\"{}\"", md5.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// VmHWM of this process, in KiB (0 where /proc is not there).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| line.strip_prefix("VmHWM:").and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()))
        })
        .unwrap_or(0)
}
