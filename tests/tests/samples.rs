//! Generality: codegen must handle every service of the catalogue, not only FunctionGraph.
//!
//! The specs of two other services, vendored unchanged in `tests/samples/` (ECS in the
//! Swagger 2.0 flavour, VPN in the OpenAPI 3.0 one), are generated into standalone crates
//! under the system temp folder, outside this workspace. Each crate must then pass
//! `cargo check --all-targets` and `cargo clippy --all-targets -- -D warnings` with
//! `RUSTFLAGS=-Dwarnings`.
//!
//! The builds share `target/samples/` so that dependencies compile once, and start from a
//! copy of the workspace's `Cargo.lock` so that they use the dependency versions the
//! workspace is tested with and resolve nothing new.

use codegen::diag::Diagnostic;
use codegen::{Config, Generated, generate, write};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

fn samples_dir(service: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(service)
}

/// A folder under the system temp folder, unique to this process and call, removed when
/// dropped (also when the test panics).
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "codegen-sample-{label}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).expect("the temp folder is writable");
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Generates the crate of one sample service with the library, as the binary would.
fn generate_sample(service: &str, crate_name: &str) -> Generated {
    let label = format!("tests/samples/{service}");
    let config = Config {
        specs: samples_dir(service),
        crate_name: crate_name.to_owned(),
        regenerate: format!("codegen --specs {label} --out <DIR> --crate-name {crate_name}"),
        specs_label: label,
        extras: None,
        overrides: None,
        runtime: String::new(),
        strict: true,
    };
    match generate(&config) {
        Ok(generated) => generated,
        Err(failure) => panic!("codegen fails on tests/samples/{service}:\n{failure}"),
    }
}

/// `(name, version)` of every package in a `Cargo.lock`.
fn locked_packages(lock: &str) -> BTreeSet<(String, String)> {
    let mut packages = BTreeSet::new();
    let mut name: Option<String> = None;
    for line in lock.lines() {
        let quoted = |prefix: &str| {
            line.strip_prefix(prefix)
                .map(|rest| rest.trim_matches('"').to_owned())
        };
        if line == "[[package]]" {
            name = None;
        } else if let Some(n) = quoted("name = ") {
            name = Some(n);
        } else if let (Some(version), Some(n)) = (quoted("version = "), name.take()) {
            packages.insert((n, version));
        }
    }
    packages
}

/// Runs `cargo <args>` in the crate folder with warnings denied; panics with the compiler
/// output when it fails. Returns the time it took, in seconds.
fn run_cargo(crate_dir: &Path, args: &[&str]) -> f64 {
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(crate_dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target").join("samples"),
        )
        .env("RUSTFLAGS", "-Dwarnings")
        .env("CARGO_TERM_COLOR", "never")
        // Anything that would override RUSTFLAGS or tie the build to the outer cargo.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .expect("cargo can be started");
    if !output.status.success() {
        panic!(
            "`cargo {}` fails on {} (RUSTFLAGS=-Dwarnings):\n{}{}",
            args.join(" "),
            crate_dir.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    started.elapsed().as_secs_f64()
}

/// Which cargo commands to run on a generated sample crate.
#[derive(Clone, Copy, PartialEq)]
enum Gates {
    /// `cargo check --all-targets`, then `cargo clippy --all-targets -- -D warnings`.
    CheckAndClippy,
    /// `cargo check --all-targets` only.
    Check,
    /// `cargo clippy --all-targets -- -D warnings` only (it type-checks too).
    Clippy,
}

/// Generates the sample `service` into a fresh crate outside the workspace, builds it with
/// warnings denied, and returns the warnings of the run.
fn build_sample(service: &str, crate_name: &str, gates: Gates) -> Vec<Diagnostic> {
    let started = Instant::now();
    let generated = generate_sample(service, crate_name);
    let generate_secs = started.elapsed().as_secs_f64();

    let scratch = ScratchDir::new(crate_name);
    let crate_dir = scratch.0.join(crate_name);
    assert!(
        !crate_dir.starts_with(workspace_root()),
        "the sample crate must build outside the workspace: {}",
        crate_dir.display()
    );
    write::write(&crate_dir, &generated.files)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", crate_dir.display()));
    let workspace_lock = fs::read_to_string(workspace_root().join("Cargo.lock"))
        .expect("the workspace has a Cargo.lock");
    fs::write(crate_dir.join("Cargo.lock"), &workspace_lock).expect("Cargo.lock can be copied");

    let mut timings = format!(
        "{} files generated in {generate_secs:.1}s",
        generated.files.files.len()
    );
    if gates != Gates::Clippy {
        let secs = run_cargo(&crate_dir, &["check", "--all-targets"]);
        timings += &format!(", cargo check {secs:.1}s");
    }
    if gates != Gates::Check {
        let secs = run_cargo(
            &crate_dir,
            &["clippy", "--all-targets", "--", "-D", "warnings"],
        );
        timings += &format!(", cargo clippy {secs:.1}s");
    }

    // Cargo prunes the copied lock file to what the crate uses; every package left must be
    // pinned at the workspace's version: nothing was resolved anew.
    let lock =
        fs::read_to_string(crate_dir.join("Cargo.lock")).expect("the crate has a Cargo.lock");
    let allowed = locked_packages(&workspace_lock);
    let new: Vec<String> = locked_packages(&lock)
        .into_iter()
        .filter(|(name, _)| name != crate_name)
        .filter(|p| !allowed.contains(p))
        .map(|(name, version)| format!("{name} {version}"))
        .collect();
    assert!(
        new.is_empty(),
        "building {crate_name} resolved packages the workspace's Cargo.lock does not pin: {new:?}"
    );

    eprintln!(
        "{service}: {timings}; {:.1}s in all",
        started.elapsed().as_secs_f64()
    );
    generated.warnings.0
}

/// ECS: Swagger 2.0 flavour, 123 operations, same-name definitions that differ across files.
#[test]
fn ecs_crate_builds() {
    let warnings = build_sample("ECS", "ecs", Gates::Check);
    // `ServerDetail` has one shape in the list operations and another in the show ones:
    // both kept, the minority one renamed, with a warning naming the definition.
    let server_detail: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|w| !w.is_error() && w.pointer == "/definitions/ServerDetail")
        .collect();
    assert!(
        server_detail
            .iter()
            .any(|w| w.message.contains("`ServerDetail`") && w.message.contains("different shapes")),
        "expected a warning about `ServerDetail` differing across ECS files; warnings were:\n{}",
        warnings.iter().map(|w| format!("{w}\n")).collect::<String>()
    );
    for warning in &server_detail {
        assert!(
            warning.file.starts_with(samples_dir("ECS")),
            "the warning names an ECS file: {warning}"
        );
    }
}

/// Descriptions with list items ending in `;` (e.g. `NovaShowVersion.json` at
/// `/definitions/NovaVersionDetail/properties/status/description`) come out as doc comments
/// with blank lines between their `///` lines, which clippy denies.
#[test]
fn ecs_crate_passes_clippy() {
    build_sample("ECS", "ecs", Gates::Clippy);
}

/// VPN: OpenAPI 3.0 flavour (`components`, `requestBody`), 89 operations.
#[test]
fn vpn_crate_builds_and_passes_clippy() {
    let warnings = build_sample("VPN", "vpn", Gates::CheckAndClippy);
    assert!(
        warnings.iter().all(|w| !w.is_error()),
        "a successful run carries no errors"
    );
}
