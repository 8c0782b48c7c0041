//! The command line as a user meets it: regenerate, `--check`, broken specs, bad arguments,
//! an `--out` that is not codegen's.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("the codegen binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A folder with a few real FunctionGraph specs, small enough to generate quickly.
fn spec_folder(dir: &Path) -> PathBuf {
    let specs = dir.join("specs");
    fs::create_dir_all(&specs).unwrap();
    for name in ["CreateFunction.json", "DeleteFunction.json", "ListFunctions.json"] {
        fs::copy(repo().join("specs/functiongraph").join(name), specs.join(name)).unwrap();
    }
    specs
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    codegen::write::list_files(dir)
        .unwrap()
        .into_iter()
        .map(|p| {
            let bytes = fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn committed_crate_has_no_drift() {
    let output = codegen(&["--check", "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("up to date"));
}

#[test]
fn check_names_modified_missing_and_extra_files() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = spec_folder(tmp.path());
    let out = tmp.path().join("crate");
    let (specs, out) = (specs.to_str().unwrap(), out.to_str().unwrap());
    let args = ["--specs", specs, "--out", out, "--crate-name", "fg", "--quiet"];
    assert!(codegen(&args).status.success());

    let mut check = args.to_vec();
    check.push("--check");
    let fresh = codegen(&check);
    assert!(fresh.status.success(), "fresh output passes: {}", stderr(&fresh));

    let out = Path::new(out);
    let lib = out.join("src/lib.rs");
    fs::write(&lib, fs::read_to_string(&lib).unwrap() + "\n// edited\n").unwrap();
    fs::remove_file(out.join("src/client.rs")).unwrap();
    fs::write(out.join("src/notes.rs"), "// stray\n").unwrap();
    let drifted = codegen(&check);
    assert_eq!(drifted.status.code(), Some(1));
    let report = stderr(&drifted);
    assert!(report.contains("modified: src/lib.rs"), "{report}");
    assert!(report.contains("missing:  src/client.rs"), "{report}");
    assert!(report.contains("extra:    src/notes.rs"), "{report}");
}

#[test]
fn broken_spec_names_file_and_pointer_and_leaves_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = spec_folder(tmp.path());
    let out = tmp.path().join("crate");
    let (specs_s, out_s) = (specs.to_str().unwrap(), out.to_str().unwrap());
    let args = ["--specs", specs_s, "--out", out_s, "--crate-name", "fg", "--quiet"];
    assert!(codegen(&args).status.success());
    let before = snapshot(&out);

    // A wrong type deep inside a definition, and a dangling ref in another file.
    let create = specs.join("CreateFunction.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(&create).unwrap()).unwrap();
    doc["definitions"]["FuncVpc"]["properties"] = serde_json::json!("not an object");
    fs::write(&create, serde_json::to_vec(&doc).unwrap()).unwrap();
    let list = specs.join("ListFunctions.json");
    let text = fs::read_to_string(&list).unwrap();
    fs::write(&list, text.replacen("#/definitions/StrategyConfig", "#/definitions/Missing", 1)).unwrap();

    // Both degrade by default; `--strict` makes them errors.
    let strict: Vec<&str> = args.iter().copied().chain(["--strict"]).collect();
    let output = codegen(&strict);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(report.contains("CreateFunction.json at /definitions/FuncVpc: schema cannot be read"), "{report}");
    assert!(report.contains("(at /definitions/FuncVpc/properties)"), "{report}");
    assert!(report.contains("ListFunctions.json at /definitions/"), "{report}");
    assert!(report.contains("#/definitions/Missing"), "{report}");
    assert!(!report.contains("panicked"), "{report}");
    assert_eq!(snapshot(&out), before, "output folder changed after a failed run");

    // Without `--strict` both parts degrade to raw JSON, with warnings, and the rest is written.
    let verbose: Vec<&str> = args.iter().copied().filter(|a| *a != "--quiet").collect();
    let degraded = codegen(&verbose);
    let report = stderr(&degraded);
    assert!(degraded.status.success(), "{report}");
    assert!(report.contains("warning: ") && report.contains("kept as raw JSON"), "{report}");
    let lib = fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("# Left out or degraded"), "{lib}");
}

#[test]
fn not_json_is_reported_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = spec_folder(tmp.path());
    fs::write(specs.join("Broken.json"), b"{\"name\": \"Broken\", \"paths\": {").unwrap();
    let out = tmp.path().join("crate");
    let output = codegen(&[
        "--specs",
        specs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(report.contains("Broken.json: not valid JSON"), "{report}");
    assert!(!out.exists(), "nothing is written when a spec is broken");
}

#[test]
fn usage_errors_exit_with_2() {
    let bad_flag = codegen(&["--no-such-flag"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    // --specs without --out would overwrite the FunctionGraph crate: refused.
    let no_out = codegen(&["--specs", "somewhere"]);
    assert_eq!(no_out.status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let bad_name = codegen(&[
        "--specs",
        tmp.path().to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
        "--crate-name",
        "9 lives",
    ]);
    assert_eq!(bad_name.status.code(), Some(2));
}

#[test]
fn stale_and_malformed_overrides_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = spec_folder(tmp.path());
    let out = tmp.path().join("crate");
    let overrides = tmp.path().join("overrides.json");
    let run = || {
        codegen(&[
            "--specs",
            specs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--overrides",
            overrides.to_str().unwrap(),
            "--quiet",
        ])
    };

    // The vendor's value changed: the correction no longer fits.
    let changed = serde_json::json!({"overrides": [{
        "files": "specs/*.json",
        "pointer": "/definitions/StrategyConfig/required",
        "expect": ["concurrency", "something_else"],
        "set": ["concurrency"],
        "reason": "r",
        "evidence": "e"
    }]});
    fs::write(&overrides, serde_json::to_vec(&changed).unwrap()).unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(report.contains("at /definitions/StrategyConfig/required"), "{report}");
    assert!(report.contains("expects"), "{report}");

    // The pointer matches no file at all.
    let stale = serde_json::json!({"overrides": [{
        "files": "specs/*.json",
        "pointer": "/definitions/NoSuchDefinition/required",
        "expect": ["x"],
        "set": [],
        "reason": "r",
        "evidence": "e"
    }]});
    fs::write(&overrides, serde_json::to_vec(&stale).unwrap()).unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("matches no spec"), "{}", stderr(&output));

    // A typo in the overrides file itself.
    fs::write(&overrides, br#"{"overrides": [{"file": "x"}]}"#).unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("invalid overrides file"), "{}", stderr(&output));
    assert!(!out.exists(), "nothing is written when the overrides are wrong");
}

/// `--out` pointed at a project by mistake: refused with status 1, a message naming the
/// folder and `--force`, and the folder untouched; `--force` replaces it.
#[test]
fn out_folder_codegen_did_not_write_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = spec_folder(tmp.path());
    let out = tmp.path().join("my-project");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    fs::write(out.join("src/main.rs"), "fn main() {}\n").unwrap();
    let before = snapshot(&out);
    let (specs, out_s) = (specs.to_str().unwrap(), out.to_str().unwrap());
    let args = ["--specs", specs, "--out", out_s, "--crate-name", "fg", "--quiet"];

    let refused = codegen(&args);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let report = stderr(&refused);
    assert!(report.contains(out_s), "{report}");
    assert!(report.contains("--force"), "{report}");
    assert!(!report.contains("panicked"), "{report}");
    assert_eq!(snapshot(&out), before, "the refused folder changed");

    let mut forced = args.to_vec();
    forced.push("--force");
    let output = codegen(&forced);
    assert!(output.status.success(), "{}", stderr(&output));
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.starts_with(codegen::write::GENERATED_MARK), "{manifest:.80}");
    assert!(!out.join("src/main.rs").exists(), "forced: the old files are gone");
    // Now codegen's: later runs need no force.
    assert!(codegen(&args).status.success());
}

#[test]
fn empty_out_folder_is_written_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = spec_folder(tmp.path());
    let out = tmp.path().join("empty");
    fs::create_dir(&out).unwrap();
    let (specs, out_s) = (specs.to_str().unwrap(), out.to_str().unwrap());
    let output = codegen(&["--specs", specs, "--out", out_s, "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("Cargo.toml").is_file());
}

/// A symbolic link as `--out`: the folder it points to is written, the link stays.
#[test]
fn symlinked_out_writes_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = spec_folder(tmp.path());
    let target = tmp.path().join("crates/fg");
    let link = tmp.path().join("fg");
    std::os::unix::fs::symlink("crates/fg", &link).unwrap();
    let args = ["--specs", specs.to_str().unwrap(), "--out", link.to_str().unwrap(), "--quiet"];
    for run in ["creates", "replaces"] {
        let output = codegen(&args);
        assert!(output.status.success(), "{run}: {}", stderr(&output));
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("crates/fg"), "{run}: the link stays");
        assert!(fs::symlink_metadata(&target).unwrap().is_dir(), "{run}");
        assert!(target.join("Cargo.toml").is_file(), "{run}");
    }
    let mut check = args.to_vec();
    check.push("--check");
    assert!(codegen(&check).status.success(), "the link's target is what was written");
}
