//! Golden-file tests of the generator.
//!
//! Each folder `tests/golden/<case>/specs/` holds a few API Explorer spec files showing one
//! quirk of the catalogue; `tests/golden/<case>/expected/` holds the crate codegen makes of
//! them (every file; the runtime crate is a dependency, tested on its own) and
//! `warnings.txt`, the warnings of the run.
//!
//! After an intended change to the generator, refresh the expectations and review the diff:
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test -p tests --test golden
//! ```
//!
//! `golden_and_sample_crates_compile` checks every expected crate, with the ECS and VPN
//! sample crates, with warnings denied in one scratch workspace under the system temp
//! folder, so the expectations are known to be real Rust.

#[path = "support/fixtures.rs"]
mod fixtures;

use codegen::diag::{Diagnostic, Diagnostics};
use fixtures::workspace_root;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// The command the headers of the expected files tell readers to run.
const REGENERATE: &str = "UPDATE_GOLDEN=1 cargo test -p tests --test golden";

/// The file holding a case's expected warnings, next to the expected crate files.
const WARNINGS_FILE: &str = "warnings.txt";

/// How the expected crates name the runtime: by its path from `tests/golden/<case>/expected`.
const RUNTIME_DEPENDENCY: &str = r#"path = "../../../../codegen/runtime""#;

macro_rules! golden_cases {
    ($($case:ident),* $(,)?) => {
        /// Every case folder under `tests/golden/`, in the order their tests are declared.
        const CASES: &[&str] = &[$(stringify!($case)),*];

        /// One test per case, so that a failure names the quirk that broke.
        mod case {
            $(
                #[test]
                fn $case() {
                    super::check_case(stringify!($case));
                }
            )*
        }
    };
}

golden_cases!(
    string_consumes,
    parameter_refs,
    open_enums,
    integer_enum,
    maps,
    date_time,
    keywords,
    name_collisions,
    recursion,
    same_name_definitions,
    all_of,
    seed,
    iam_global,
    array_formats,
    array_formats_spec,
    empty_documents,
    response_refs,
    dangling_refs,
    vendor_types,
    no_content,
    oas3_parameter_refs,
    forms,
    files,
    xml,
);

/// Serialises access to the `expected/` folders: case tests may rewrite them (with
/// `UPDATE_GOLDEN=1`) while the compile check copies them.
static EXPECTED: Mutex<()> = Mutex::new(());

fn lock_expected() -> MutexGuard<'static, ()> {
    // A panicking test never holds the lock (reports are raised after it is released), but
    // a poisoned lock must not hide the real failure either.
    EXPECTED.lock().unwrap_or_else(PoisonError::into_inner)
}

fn case_dir(case: &str) -> PathBuf {
    workspace_root().join("tests").join("golden").join(case)
}

fn updating() -> bool {
    std::env::var("UPDATE_GOLDEN").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A path relative to the workspace root, with `/` separators, for stable output.
fn relative(path: &Path) -> String {
    let root = workspace_root();
    let path = path.strip_prefix(&root).unwrap_or(path);
    slash_path(path)
}

fn slash_path(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Diagnostics as the CLI shows them, spec paths relative to the workspace root.
fn diagnostics_text(diags: &Diagnostics) -> String {
    let mut out = String::new();
    for d in &diags.0 {
        let d = Diagnostic {
            file: PathBuf::from(relative(&d.file)),
            ..d.clone()
        };
        let _ = writeln!(out, "{d}");
    }
    out
}

/// Runs codegen on a case's specs: every file of the crate by relative path.
fn generate(case: &str) -> Result<BTreeMap<String, String>, String> {
    let config = codegen::Config {
        specs: case_dir(case).join("specs"),
        crate_name: format!("golden_{case}"),
        specs_label: format!("tests/golden/{case}/specs"),
        regenerate: REGENERATE.to_owned(),
        extras: None,
        overrides: None,
        runtime: RUNTIME_DEPENDENCY.to_owned(),
        strict: false,
        default_settings: None,
    };
    match codegen::generate(&config) {
        Ok(generated) => {
            let mut files: BTreeMap<String, String> = generated
                .files
                .files
                .into_iter()
                .map(|(path, text)| (slash_path(&path), text))
                .collect();
            files.insert(
                WARNINGS_FILE.to_owned(),
                diagnostics_text(&generated.warnings),
            );
            Ok(files)
        }
        Err(codegen::Failure::Spec(diags)) => Err(format!(
            "codegen rejected the specs of golden case `{case}`:\n{}",
            diagnostics_text(&diags)
        )),
        Err(failure) => Err(format!("codegen failed on golden case `{case}`: {failure}")),
    }
}

/// Every file under `dir` by path relative to it; an absent folder is empty.
fn read_tree(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current)
            .map_err(|e| format!("cannot list {}: {e}", relative(&current)))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot list {}: {e}", relative(&current)))?
                .path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", relative(&path)))?;
            let key = slash_path(path.strip_prefix(dir).unwrap_or(&path));
            // Tolerate a checkout that turned line ends into CRLF.
            out.insert(key, text.replace("\r\n", "\n"));
        }
    }
    Ok(out)
}

/// Differences between the expected and the generated files, one report per file.
fn compare(
    expected_dir: &Path,
    expected: &BTreeMap<String, String>,
    actual: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in actual {
        let shown = relative(&expected_dir.join(path));
        match expected.get(path) {
            None => problems.push(format!(
                "missing expected file {shown} (codegen produces it)"
            )),
            Some(old) if old != text => {
                let diff = similar::TextDiff::from_lines(old.as_str(), text.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("expected {shown}"), &format!("generated {path}"))
                    .to_string();
                problems.push(format!(
                    "{shown} differs from what codegen generates:\n{diff}"
                ));
            }
            Some(_) => {}
        }
    }
    for path in expected.keys().filter(|p| !actual.contains_key(*p)) {
        let shown = relative(&expected_dir.join(path));
        problems.push(format!(
            "extra expected file {shown} (codegen no longer produces it)"
        ));
    }
    problems
}

/// Makes `dir` hold exactly `files`: changed files are rewritten, stale ones deleted.
fn update(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    let on_disk = read_tree(dir)?;
    for (path, text) in files {
        if on_disk.get(path) == Some(text) {
            continue;
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", relative(parent)))?;
        }
        fs::write(&target, text).map_err(|e| format!("cannot write {}: {e}", relative(&target)))?;
    }
    for path in on_disk.keys().filter(|p| !files.contains_key(*p)) {
        let target = dir.join(path);
        fs::remove_file(&target)
            .map_err(|e| format!("cannot delete {}: {e}", relative(&target)))?;
    }
    remove_empty_dirs(dir);
    Ok(())
}

fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_empty_dirs(&path);
            // Fails, as intended, when the folder still has files.
            let _ = fs::remove_dir(&path);
        }
    }
}

/// Compares (or, with `UPDATE_GOLDEN=1`, rewrites) one case's expectations. Returns the
/// problems found; the caller holds the lock.
fn sync_case(case: &str) -> Vec<String> {
    let actual = match generate(case) {
        Ok(files) => files,
        Err(message) => return vec![message],
    };
    let expected_dir = case_dir(case).join("expected");
    if updating() {
        return match update(&expected_dir, &actual) {
            Ok(()) => Vec::new(),
            Err(message) => vec![message],
        };
    }
    match read_tree(&expected_dir) {
        Ok(expected) => compare(&expected_dir, &expected, &actual),
        Err(message) => vec![message],
    }
}

fn check_case(case: &str) {
    let problems = {
        let _guard = lock_expected();
        sync_case(case)
    };
    if !problems.is_empty() {
        panic!(
            "golden case `{case}`: {} problem(s)\n\n{}\n\nIf the change is intended, run \
             `{REGENERATE}` and review the new expectations.",
            problems.len(),
            problems.join("\n")
        );
    }
}

#[test]
fn every_case_folder_has_a_test() {
    let golden = workspace_root().join("tests").join("golden");
    let mut folders: Vec<String> = fs::read_dir(&golden)
        .expect("tests/golden exists")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut cases: Vec<String> = CASES.iter().map(|c| (*c).to_owned()).collect();
    cases.sort();
    assert_eq!(
        folders, cases,
        "the folders of tests/golden and the cases of golden_cases! must match"
    );
}

/// The sample services compiled beside the golden crates: (folder under `tests/samples/`,
/// crate name). `samples.rs` checks what generating them reports.
const SAMPLES: &[(&str, &str)] = &[("ECS", "ecs"), ("VPN", "vpn")];

/// Fills `dir` with every case's expected crate and the crates of the samples, under one
/// workspace manifest.
fn write_scratch_workspace(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    for case in CASES {
        let expected_dir = case_dir(case).join("expected");
        let mut files = read_tree(&expected_dir)?;
        if !files.contains_key("Cargo.toml") {
            return Err(format!(
                "{} has no Cargo.toml; run `{REGENERATE}` first",
                relative(&expected_dir)
            ));
        }
        files.remove(WARNINGS_FILE);
        // The scratch copy lives elsewhere: it names the runtime by absolute path.
        if let Some(manifest) = files.get_mut("Cargo.toml") {
            let absolute = format!("path = {:?}", codegen::RUNTIME_DIR);
            *manifest = manifest.replace(RUNTIME_DEPENDENCY, &absolute);
        }
        for (path, text) in files {
            let target = dir.join(case).join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            fs::write(&target, text)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        }
    }
    for (service, crate_name) in SAMPLES {
        let generated = fixtures::generate_sample(service, crate_name)?;
        let crate_dir = dir.join(crate_name);
        codegen::write::write(&crate_dir, &generated.files)
            .map_err(|e| format!("cannot write {}: {e}", crate_dir.display()))?;
    }
    fixtures::finish_workspace(dir, &members())
}

/// The scratch workspace's members: the golden cases, then the samples.
fn members() -> Vec<&'static str> {
    CASES.iter().copied().chain(SAMPLES.iter().map(|(_, name)| *name)).collect()
}

/// A scratch folder outside the repository, one per checkout.
fn scratch_dir() -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    workspace_root().hash(&mut hasher);
    std::env::temp_dir().join(format!("codegen-golden-check-{:016x}", hasher.finish()))
}

/// Every crate the tests compile (the golden crates, the ECS and VPN samples), checked in
/// one scratch workspace (see `support/fixtures.rs`): clippy with every warning denied
/// (one clippy lint aside for the golden crates, see below); then rustdoc with warnings denied on the golden crates, so that the spec
/// text in doc comments is known to be escaped well enough for rustdoc's lints. The
/// samples are also generated outside this workspace, so they build as standalone crates.
#[test]
fn golden_and_sample_crates_compile() {
    let started = Instant::now();
    let dir = scratch_dir();
    assert!(!dir.starts_with(workspace_root()), "the scratch workspace lies outside this one");
    let prepared = {
        let _guard = lock_expected();
        // With UPDATE_GOLDEN=1 the case tests may not have run yet: bring every
        // expectation up to date first so that the new output is what gets compiled.
        let stale: Vec<String> = if updating() {
            CASES.iter().flat_map(|case| sync_case(case)).collect()
        } else {
            Vec::new()
        };
        if stale.is_empty() {
            write_scratch_workspace(&dir)
        } else {
            Err(stale.join("\n"))
        }
    };
    if let Err(message) = prepared {
        panic!("cannot prepare the golden and sample crates for compiling:\n{message}");
    }
    let fail = |message: String| -> ! {
        panic!("{message}\n(warnings denied; the workspace is kept in {} for inspection)", dir.display())
    };

    // Generated crates have no target but their library and no `cfg(test)` code, so
    // `--all-targets` would only check each library twice. It would also turn on the
    // dev-dependencies' features, which `cargo doc` leaves off: every dependency built
    // with them would be built twice.
    fixtures::cargo(&dir, "clippy", &["--workspace", "--lib", "--keep-going", "--", "-D", "warnings"], &[])
        .unwrap_or_else(|e| fail(e));
    let checked = started.elapsed().as_secs_f64();
    let mut doc = vec!["--no-deps", "--workspace", "--keep-going"];
    for (_, name) in SAMPLES {
        doc.extend(["--exclude", name]);
    }
    fixtures::cargo(&dir, "doc", &doc, &[("RUSTDOCFLAGS", "-Dwarnings")]).unwrap_or_else(|e| fail(e));
    // Nothing was resolved anew: every package is pinned at this workspace's version.
    let packages: Vec<String> = CASES
        .iter()
        .map(|case| format!("golden_{case}"))
        .chain(SAMPLES.iter().map(|(_, name)| (*name).to_owned()))
        .collect();
    let unpinned = fixtures::unpinned_packages(&dir, &packages).unwrap_or_else(|e| fail(e));
    assert!(unpinned.is_empty(), "the crates resolved packages this workspace's Cargo.lock does not pin: {unpinned:?}");
    eprintln!(
        "golden and sample crates: clippy {checked:.1}s, docs {:.1}s ({})",
        started.elapsed().as_secs_f64() - checked,
        dir.display()
    );
    let _ = fs::remove_dir_all(&dir);
}
