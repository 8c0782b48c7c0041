//! Generation speed and memory: `cargo bench -p codegen [-- <spec folder>...]`.
//!
//! For each spec folder (default: the vendored FunctionGraph specs) prints the median
//! wall time of the whole in-memory pipeline (read → model → names → emit, formatting
//! included; nothing written), spec files per second, and the process's peak resident
//! memory. Each folder runs in its own child process so that peaks do not add up.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if let Some(folder) = std::env::var_os("CODEGEN_BENCH_CHILD") {
        measure(Path::new(&folder));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let folders: Vec<PathBuf> = if args.is_empty() {
        let mut defaults = vec![root.join("specs/functiongraph")];
        for sample in ["ECS", "VPN"] {
            let dir = root.join("tests/samples").join(sample);
            if dir.is_dir() {
                defaults.push(dir);
            }
        }
        defaults
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    println!("{:<28} {:>6} {:>12} {:>12} {:>14}", "specs", "files", "median", "files/s", "peak RSS");
    for folder in folders {
        let exe = std::env::current_exe().expect("the bench knows its own path");
        let status = Command::new(exe)
            .env("CODEGEN_BENCH_CHILD", &folder)
            .status()
            .expect("the bench can start itself");
        if !status.success() {
            eprintln!("{}: generation failed", folder.display());
        }
    }
}

fn measure(folder: &Path) {
    let config = codegen::Config {
        specs: folder.to_path_buf(),
        crate_name: "bench".to_owned(),
        specs_label: folder.display().to_string(),
        regenerate: "cargo bench -p codegen".to_owned(),
        extras: None,
        overrides: None,
        runtime: String::new(),
        strict: false,
        default_settings: None,
    };
    let files = codegen::read::list_spec_files(folder).map(|f| f.len()).unwrap_or(0);
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let result = codegen::generate(&config);
        times.push(start.elapsed());
        if let Err(failure) = result {
            eprint!("{failure}");
            std::process::exit(1);
        }
    }
    times.sort();
    let median = times[RUNS / 2];
    let per_second = files as f64 / median.as_secs_f64();
    let label = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    println!(
        "{:<28} {:>6} {:>9.1} ms {:>12.0} {:>11.1} MiB",
        label,
        files,
        median.as_secs_f64() * 1000.0,
        per_second,
        peak_rss_kib() as f64 / 1024.0
    );
}

/// Peak resident set size of this process (Linux `VmHWM`); 0 where unavailable.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
