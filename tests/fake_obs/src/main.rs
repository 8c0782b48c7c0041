//! `fake-obs`: serves a fake OBS on 127.0.0.1 until killed.
//!
//! ```text
//! fake-obs --listen 127.0.0.1:9000 --dir /tmp/obs-data --access-key AK --secret-key SK [--security-token TOKEN]
//! ```
//!
//! Prints the endpoint's URL on the first line of standard output. Without `--dir` the
//! data lives in a temporary folder removed at exit; without `--listen`, on a free port.

use std::process::ExitCode;

use fake_obs::{FakeObs, Options};

const USAGE: &str = "usage: fake-obs [--listen 127.0.0.1:PORT] [--dir DIR] --access-key AK --secret-key SK [--security-token TOKEN]";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => serve(options),
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("fake-obs: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The options of the command line; `None` for `--help`.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let (mut listen, mut dir, mut access_key, mut secret_key, mut token) = (None, None, None, None, None);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => listen = Some(value.parse().map_err(|_| format!("--listen `{value}` is not an address such as 127.0.0.1:9000"))?),
            "--dir" => dir = Some(value),
            "--access-key" => access_key = Some(value),
            "--secret-key" => secret_key = Some(value),
            "--security-token" => token = Some(value),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let access_key = access_key.ok_or("--access-key is required")?;
    let secret_key = secret_key.ok_or("--secret-key is required")?;
    let mut options = Options::new(access_key, secret_key);
    if let Some(listen) = listen {
        options = options.listen(listen);
    }
    if let Some(dir) = dir {
        options = options.dir(dir);
    }
    if let Some(token) = token {
        options = options.security_token(token);
    }
    Ok(Some(options))
}

fn serve(options: Options) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("fake-obs: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match FakeObs::start(options).await {
            Ok(obs) => {
                println!("{}", obs.url());
                eprintln!("fake-obs: serving {} from {}", obs.url(), obs.dir().display());
                std::future::pending::<()>().await;
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("fake-obs: {error}");
                ExitCode::FAILURE
            }
        }
    })
}
