//! Compiling generated crates cheaply: every crate the tests compile (the golden crates,
//! the ECS and VPN samples) goes into one scratch workspace, checked by one cargo
//! invocation in one target folder, `target/fixtures/`, so that the dependencies are
//! built once, in check mode, and the crates are checked in parallel.
//!
//! Warnings are denied with `cargo clippy ... -- -D warnings` and `RUSTDOCFLAGS`, which
//! reach the workspace's own crates only: `RUSTFLAGS=-Dwarnings` would also be part of
//! every dependency's fingerprint and rebuild them apart from any other build. `.ci/run`
//! checks more generated crates in the same target folder and shares these builds.

// Each test binary uses a part of this module only.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// The target folder of every compiled fixture.
pub fn target_dir() -> PathBuf {
    workspace_root().join("target").join("fixtures")
}

/// The folder of a vendored sample service, `tests/samples/<service>`.
pub fn samples_dir(service: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(service)
}

/// Generates the crate of one sample service with the library, as the binary would.
pub fn generate_sample(service: &str, crate_name: &str) -> Result<codegen::Generated, String> {
    let label = format!("tests/samples/{service}");
    let config = codegen::Config {
        specs: samples_dir(service),
        crate_name: crate_name.to_owned(),
        regenerate: format!("codegen --specs {label} --out <DIR> --crate-name {crate_name}"),
        specs_label: label,
        strict: true,
        // The samples are catalogue services: they get the catalogue's settings (ECS's
        // job resource, for waiters).
        default_settings: codegen::catalogue::built_in_settings(service).map(str::to_owned),
        ..codegen::Config::default()
    };
    codegen::generate(&config).map_err(|failure| format!("codegen fails on tests/samples/{service}:\n{failure}"))
}

/// The manifest of a scratch workspace over `members` (folders below it).
pub fn workspace_manifest(members: &[&str]) -> String {
    let list: String = members.iter().map(|m| format!("    \"{m}\",\n")).collect();
    format!(
        "# Scratch workspace of the compiled test fixtures, written by tests/tests/.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{list}]\n"
    )
}

/// Writes the workspace manifest and a copy of this workspace's `Cargo.lock`, which pins
/// the dependency versions the generated crates are known to build with.
pub fn finish_workspace(dir: &Path, members: &[&str]) -> Result<(), String> {
    fs::write(dir.join("Cargo.toml"), workspace_manifest(members))
        .map_err(|e| format!("cannot write the scratch manifest: {e}"))?;
    fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

/// Runs `cargo <command> <args>` in the scratch workspace `dir` (offline, the fixtures'
/// target folder, no flags inherited from the outer build); the compiler's output when it
/// fails.
pub fn cargo(dir: &Path, command: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut run = Command::new(cargo);
    // What cargo sets for running this test, which build scripts may watch (ring's does
    // watch `CARGO_MANIFEST_DIR`): inherited, it would rebuild them apart from the same
    // builds started from a shell, such as `.ci/run`'s.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_EXE_")
            || ["CARGO_MANIFEST_DIR", "CARGO_MANIFEST_PATH", "CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR", "CARGO_RUSTC_CURRENT_DIR", "OUT_DIR"]
                .contains(&name.as_ref())
        {
            run.env_remove(name.as_ref());
        }
    }
    let output = run
        .args([command, "--quiet", "--offline"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_TERM_COLOR", "never")
        .envs(env.iter().copied())
        // Anything that would add flags, or tie the build to the outer cargo.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTDOCFLAGS")
        .env_remove("CARGO_BUILD_RUSTDOCFLAGS")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {command} {}` fails in {}:\n{}{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// `(name, version)` of every package in a `Cargo.lock`.
pub fn locked_packages(lock: &str) -> BTreeSet<(String, String)> {
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

/// Packages of the scratch workspace's `Cargo.lock` (which cargo prunes to what its crates
/// use) that this workspace's lock does not pin, the scratch workspace's own `packages`
/// aside: anything resolved anew.
pub fn unpinned_packages(dir: &Path, packages: &[String]) -> Result<Vec<String>, String> {
    let read = |path: PathBuf| fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    let allowed = locked_packages(&read(workspace_root().join("Cargo.lock"))?);
    Ok(locked_packages(&read(dir.join("Cargo.lock"))?)
        .into_iter()
        .filter(|(name, _)| !packages.contains(name))
        .filter(|p| !allowed.contains(p))
        .map(|(name, version)| format!("{name} {version}"))
        .collect())
}
