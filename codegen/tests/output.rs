//! Output safety: the generated crate depends only on the specs' content, and the output
//! folder is either the old crate or the new one, byte for byte, never a mix.
//!
//! - the same specs give the same bytes, run after run and process after process;
//! - neither the order spec files were created in nor their modification times matter;
//! - a failed run leaves an existing output folder exactly as it was, whether generation
//!   fails (a broken spec) or writing does (`write::write` cannot stage or swap);
//! - after `write::write` the folder holds exactly the generated files (plus the build's
//!   `target/`), and no staging or retired sibling (nor lock file) is left behind;
//! - one run reports every broken file;
//! - only a folder codegen wrote, or an empty one, is replaced unless forced; a regular
//!   file never is; a symbolic link is followed and stays;
//! - runs writing to one folder at once take turns: each succeeds, the folder ends up as
//!   exactly one of their crates, and no run removes another's staging folder.

use codegen::diag::Diagnostic;
use codegen::emit::CrateFiles;
use codegen::{Config, Failure, Generated, generate, write};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, SystemTime};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ecs() -> PathBuf {
    repo().join("tests/samples/ECS")
}

fn vpn() -> PathBuf {
    repo().join("tests/samples/VPN")
}

fn functiongraph() -> PathBuf {
    repo().join("specs/functiongraph")
}

fn config(specs: &Path) -> Config {
    Config {
        specs: specs.to_path_buf(),
        crate_name: "sample".into(),
        // Fixed, so that headers do not depend on where the specs were copied to.
        specs_label: "specs/sample".into(),
        regenerate: "codegen --specs specs/sample --out <DIR> --crate-name sample".into(),
        extras: None,
        overrides: None,
        runtime: String::new(),
        strict: false,
        default_settings: None,
    }
}

fn generate_ok(specs: &Path) -> Generated {
    generate(&config(specs)).unwrap_or_else(|failure| panic!("{}: {failure}", specs.display()))
}

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("the codegen binary runs")
}

/// Every file below `dir` (hidden files and `target/` included) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, relative: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(root.join(relative)).expect("readable folder") {
            let entry = entry.expect("readable entry");
            let path = relative.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.clone(),
                    fs::read(root.join(&path)).expect("readable file"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, Path::new(""), &mut out);
    out
}

/// The generated files as bytes, keyed like [`snapshot`].
fn as_bytes(files: &CrateFiles) -> BTreeMap<PathBuf, Vec<u8>> {
    files
        .files
        .iter()
        .map(|(path, text)| (path.clone(), text.as_bytes().to_vec()))
        .collect()
}

/// Names of the staging and retired folders and lock files `write::write` leaves next to
/// `out`, if any.
fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .expect("readable parent")
        .map(|e| {
            e.expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| {
            [".codegen-new-", ".codegen-old-", ".codegen-lock"]
                .iter()
                .any(|mark| name.contains(mark))
        })
        .collect()
}

/// Lists the first differences between two snapshots (for assertion messages).
fn differences(left: &BTreeMap<PathBuf, Vec<u8>>, right: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    let mut out = Vec::new();
    for (path, bytes) in left {
        match right.get(path) {
            None => out.push(format!("only in the first: {}", path.display())),
            Some(other) if other != bytes => out.push(format!("differs: {}", path.display())),
            Some(_) => {}
        }
    }
    for path in right.keys().filter(|p| !left.contains_key(*p)) {
        out.push(format!("only in the second: {}", path.display()));
    }
    out.truncate(20);
    out.join("\n")
}

fn assert_same(left: &BTreeMap<PathBuf, Vec<u8>>, right: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    assert!(left == right, "{what}:\n{}", differences(left, right));
}

/// Diagnostics as text with `dir` taken out of paths, so that runs on copies compare.
fn diagnostics_text(diags: &[Diagnostic], dir: &Path) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let file = d
                .file
                .strip_prefix(dir)
                .unwrap_or(&d.file)
                .display()
                .to_string();
            format!("{:?} {file} {} {}", d.severity, d.pointer, d.message)
        })
        .collect()
}

/// A generator of permutations that is the same on every machine (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Copies the `*.json` files of `from` into the new folder `to`, creating them in
/// `order`, with modification times spread over a day by `rng`.
fn copy_specs(from: &Path, to: &Path, order: &[String], rng: &mut Rng) {
    fs::create_dir_all(to).expect("copy folder");
    let base = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for name in order {
        let target = to.join(name);
        fs::copy(from.join(name), &target).expect("spec copied");
        let mtime = base + Duration::from_secs(rng.next() % 86_400);
        // Read-only handle: the copies keep the (possibly read-only) mode of the originals.
        fs::File::open(&target)
            .and_then(|f| f.set_modified(mtime))
            .expect("mtime set");
    }
}

fn spec_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("spec folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------
// (a) Reproducible

#[test]
fn two_runs_give_the_same_bytes() {
    for specs in [functiongraph(), ecs(), vpn()] {
        let first = generate_ok(&specs);
        let second = generate_ok(&specs);
        assert_same(
            &as_bytes(&first.files),
            &as_bytes(&second.files),
            &format!("two runs on {} differ", specs.display()),
        );
        assert_eq!(
            first.warnings, second.warnings,
            "warnings of two runs differ"
        );
    }
}

/// Separate processes get different hash seeds: output must not depend on them.
#[test]
fn two_processes_write_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = ecs();
    let mut snapshots = Vec::new();
    for run in ["first", "second"] {
        let out = tmp.path().join(run).join("ecs");
        let output = codegen(&[
            "--specs",
            specs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--crate-name",
            "ecs",
            "--quiet",
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        snapshots.push(snapshot(&out));
    }
    assert_same(
        &snapshots[0],
        &snapshots[1],
        "two processes wrote different crates",
    );
}

// ---------------------------------------------------------------------------------------
// (b) Independent of file creation order and modification times

#[test]
fn creation_order_and_mtimes_do_not_matter() {
    for specs in [ecs(), vpn()] {
        let baseline = generate_ok(&specs);
        let names = spec_names(&specs);
        let mut rng = Rng(0x5eed);
        let mut orders: Vec<(&str, Vec<String>)> = vec![
            ("reverse", names.iter().rev().cloned().collect()),
            ("odd then even", {
                let (odd, even): (Vec<_>, Vec<_>) = names
                    .iter()
                    .cloned()
                    .enumerate()
                    .partition(|(i, _)| i % 2 == 1);
                odd.into_iter().chain(even).map(|(_, n)| n).collect()
            }),
        ];
        for label in ["shuffled once", "shuffled twice"] {
            let mut shuffled = names.clone();
            rng.shuffle(&mut shuffled);
            orders.push((label, shuffled));
        }
        let tmp = tempfile::tempdir().unwrap();
        for (i, (label, order)) in orders.iter().enumerate() {
            let copy = tmp.path().join(format!("copy{i}"));
            copy_specs(&specs, &copy, order, &mut rng);
            let generated = generate_ok(&copy);
            assert_same(
                &as_bytes(&baseline.files),
                &as_bytes(&generated.files),
                &format!(
                    "{}: files created in {label} order give other output",
                    specs.display()
                ),
            );
            assert_eq!(
                diagnostics_text(&baseline.warnings.0, &specs),
                diagnostics_text(&generated.warnings.0, &copy),
                "{}: warnings change with the {label} order",
                specs.display()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// (c) A failed run leaves the output folder byte-identical

/// A generated crate on disk with build output and a hand-made file beside the generated
/// ones, as a user's folder would have.
fn lived_in_crate(specs: &Path, out: &Path) {
    write::write(out, &generate_ok(specs).files).expect("first write");
    fs::create_dir_all(out.join("target/debug")).unwrap();
    fs::write(out.join("target/debug/artifact"), b"\x7fELF build output").unwrap();
    fs::write(out.join("NOTES.md"), "kept by hand\n").unwrap();
}

/// A small spec folder (a few FunctionGraph files) in `dir`.
fn small_specs(dir: &Path) -> PathBuf {
    let specs = dir.join("specs");
    fs::create_dir_all(&specs).unwrap();
    for name in [
        "CreateFunction.json",
        "DeleteFunction.json",
        "ListFunctions.json",
    ] {
        fs::copy(functiongraph().join(name), specs.join(name)).unwrap();
    }
    specs
}

#[test]
fn cli_run_with_a_broken_spec_leaves_the_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);
    let before = snapshot(&out);
    for (name, bytes) in [
        ("Truncated.json", &b"{\"paths\": {\"/x\": {\"get\": "[..]),
        (
            "WrongType.json",
            &b"{\"paths\": {\"/x\": {\"get\": {\"parameters\": 7}}}}"[..],
        ),
    ] {
        fs::write(specs.join(name), bytes).unwrap();
        let output = codegen(&[
            "--specs",
            specs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--crate-name",
            "fg",
            "--quiet",
        ]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_same(
            &before,
            &snapshot(&out),
            &format!("{name}: the output folder changed"),
        );
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
        fs::remove_file(specs.join(name)).unwrap();
    }
}

#[test]
fn library_run_with_a_broken_spec_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);
    let before = snapshot(&out);
    fs::write(
        specs.join("Broken.json"),
        b"{\"definitions\": {\"A\": {\"properties\": []}}}",
    )
    .unwrap();
    let strict = Config { strict: true, ..config(&specs) };
    match generate(&strict) {
        Err(Failure::Spec(diags)) => assert!(diags.has_errors()),
        Err(other) => panic!("expected a spec error, got {other}"),
        Ok(_) => panic!("a broken spec must fail the run"),
    }
    assert_same(&before, &snapshot(&out), "the output folder changed");
}

/// Another set of files than what `out` holds, to write over it.
fn other_files(specs: &Path) -> CrateFiles {
    let mut files = generate_ok(specs).files;
    for text in files.files.values_mut() {
        text.push_str("// changed\n");
    }
    files
}

/// The staging folder's name is taken by a file: `write` cannot stage, so it must fail
/// and leave the old crate as it was. (Works as root, unlike permission tricks.)
#[test]
fn write_fails_cleanly_when_the_staging_folder_cannot_be_created() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);
    let before = snapshot(&out);
    let blocker = tmp
        .path()
        .join(format!(".crate.codegen-new-{}", std::process::id()));
    fs::write(&blocker, "not a folder").unwrap();

    let result = write::write(&out, &other_files(&specs));
    assert!(
        result.is_err(),
        "writing cannot succeed without a staging folder"
    );
    assert_same(&before, &snapshot(&out), "the output folder changed");
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "not a folder");
}

/// A retired crate left by an interrupted run sits where the fallback swap would put the
/// old crate: it is cleaned up first, and the write then succeeds with nothing left over.
#[test]
fn write_clears_a_retired_crate_left_in_the_way() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);
    let blocker = tmp
        .path()
        .join(format!(".crate.codegen-old-{}", std::process::id()));
    fs::create_dir_all(&blocker).unwrap();
    fs::write(blocker.join("keep"), "occupied").unwrap();

    let files = other_files(&specs);
    write::write(&out, &files).expect("the leftover is cleared and the write succeeds");
    assert_eq!(write::check(&out, &files).unwrap(), Vec::new());
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "nothing left over"
    );
}

/// A run killed between the two renames of the fallback swap leaves no output folder and
/// the old crate under its retired name: the next run puts it back before writing.
#[test]
fn write_recovers_the_old_crate_after_an_interrupted_swap() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);
    let retired = tmp.path().join(".crate.codegen-old-4000000003");
    fs::rename(&out, &retired).unwrap();
    let files = other_files(&specs);
    write::write(&out, &files).unwrap();
    assert_eq!(write::check(&out, &files).unwrap(), Vec::new());
    assert!(
        out.join("target").is_dir(),
        "the recovered crate's build folder is kept"
    );
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Writes `files` into the new folder `dir` by hand (not through `write::write`).
fn put_files(dir: &Path, files: &CrateFiles) {
    for (path, text) in &files.files {
        let target = dir.join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }
}

/// Nothing can be created next to the output: its name is so long that the staging
/// folder's name exceeds the file system's limit of 255 bytes (which binds root too),
/// while the lock file's name just fits. The old crate must stay as it was.
#[test]
fn write_fails_cleanly_when_nothing_can_be_staged_beside_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    // `.NAME.codegen-lock` is 255 bytes long; `.NAME.codegen-new-PID` is longer.
    let name = "c".repeat(255 - ".".len() - ".codegen-lock".len());
    let out = tmp.path().join(&name);
    put_files(&out, &generate_ok(&specs).files);
    fs::create_dir_all(out.join("target/debug")).unwrap();
    fs::write(out.join("target/debug/artifact"), b"build output").unwrap();
    let before = snapshot(&out);

    let error = write::write(&out, &other_files(&specs))
        .expect_err("the staging folder's name is too long to be created");
    assert!(
        error.to_string().contains("too long"),
        "ENAMETOOLONG expected, got {error}"
    );
    assert_same(&before, &snapshot(&out), "the output folder changed");
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "left behind");
}

/// A folder on the way to the output is a regular file: the output cannot be created
/// (root included), and the file stays as it was.
#[test]
fn write_fails_cleanly_when_a_parent_is_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let file = tmp.path().join("notes");
    fs::write(&file, "a file where a folder would be").unwrap();
    let files = generate_ok(&specs).files;
    for out in [file.join("crate"), file.join("deeper/crate")] {
        write::write(&out, &files).expect_err("no folder can be made inside a file");
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            "a file where a folder would be"
        );
    }
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

/// A folder of the old crate is read-only (as a checkout can make it): its files might not
/// all be deletable after the swap, and a half-deleted crate could not be put back, so the
/// write is refused before anything moves. The mode bits decide, for root as for anyone.
#[test]
fn write_refuses_a_read_only_crate_and_leaves_it_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);
    let files = other_files(&specs);
    for read_only in [out.clone(), out.join("src")] {
        let before = snapshot(&out);
        set_mode(&read_only, 0o555);
        let result = write::write(&out, &files);
        let after = snapshot(&out);
        let left = leftovers(tmp.path());
        set_mode(&read_only, 0o755);
        let error = result.expect_err("a read-only crate is not replaced");
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied, "{error}");
        assert!(
            error.to_string().contains(&read_only.display().to_string()),
            "{error}"
        );
        assert_same(&before, &after, "the output folder changed");
        assert!(left.is_empty(), "left behind: {left:?}");
    }
    write::write(&out, &files).expect("writable again");
    assert_eq!(write::check(&out, &files).unwrap(), Vec::new());
}

/// `--out` names an existing regular file (directly or through a symbolic link): it is
/// refused, forced or not, and the file and link stay as they were.
#[test]
fn write_refuses_to_replace_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    fs::write(&out, "a file the user keeps").unwrap();
    let link = tmp.path().join("link");
    symlink("crate", &link).unwrap();
    let files = generate_ok(&specs).files;

    for target in [&out, &link] {
        for force in [false, true] {
            let error = write::write_with(target, &files, write::WriteOptions { force })
                .expect_err("a file is not a crate folder");
            assert_eq!(error.kind(), io::ErrorKind::AlreadyExists, "{error}");
            assert!(error.to_string().contains("is not a folder"), "{error}");
            assert_eq!(fs::read_to_string(&out).unwrap(), "a file the user keeps");
            assert_eq!(fs::read_link(&link).unwrap(), Path::new("crate"));
        }
    }
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "siblings left behind"
    );
}

// ---------------------------------------------------------------------------------------
// (d) Never half-written, nothing left over

#[test]
fn write_leaves_exactly_the_generated_files() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");

    // Into a new folder, and a nested one whose parents do not exist yet.
    let files = generate_ok(&specs).files;
    for target in [out.clone(), tmp.path().join("a/b/crate")] {
        write::write(&target, &files).unwrap();
        assert_same(
            &as_bytes(&files),
            &snapshot(&target),
            "a fresh folder holds other files",
        );
        assert_eq!(leftovers(target.parent().unwrap()), Vec::<String>::new());
    }

    // Over a lived-in crate with different content: stray files go, `target/` stays.
    lived_in_crate(&specs, &out);
    fs::create_dir_all(out.join("src/old_module")).unwrap();
    fs::write(out.join("src/old_module/mod.rs"), "// from an older run\n").unwrap();
    let build_output = snapshot(&out.join("target"));
    let changed = other_files(&specs);
    write::write(&out, &changed).unwrap();
    let mut expected = as_bytes(&changed);
    for (path, bytes) in build_output {
        expected.insert(Path::new("target").join(path), bytes);
    }
    assert_same(
        &expected,
        &snapshot(&out),
        "the rewritten folder holds other files",
    );
    assert!(
        !out.join("src/old_module").exists(),
        "empty folders of the old crate are gone too"
    );
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
    assert_eq!(
        write::check(&out, &changed).unwrap(),
        Vec::new(),
        "no drift after writing"
    );
}

/// A run that was killed while staging leaves `.<name>.codegen-new-<pid>`; later runs
/// have other process ids and must not let such folders pile up next to the output
/// (next to `generated/`, they would show up in `git status`).
#[test]
fn write_removes_what_an_interrupted_run_left() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);
    let stale_new = tmp.path().join(".crate.codegen-new-4000000001");
    let stale_old = tmp.path().join(".crate.codegen-old-4000000002");
    for stale in [&stale_new, &stale_old] {
        fs::create_dir_all(stale.join("src")).unwrap();
        fs::write(stale.join("src/lib.rs"), "// half written\n").unwrap();
    }
    write::write(&out, &generate_ok(&specs).files).unwrap();
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "stale siblings are still there"
    );
}

// ---------------------------------------------------------------------------------------
// (e) Every broken file is reported

#[test]
fn every_broken_file_gets_its_own_diagnostic() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let broken: [(&str, &[u8], &str); 4] = [
        ("NotJson.json", b"{\"paths\": {", ""),
        // The schema that cannot be read is named; the message has the exact place.
        ("WrongType.json", b"{\"definitions\": {\"A\": {\"properties\": \"x\"}}}", "/definitions/A"),
        (
            "Dangling.json",
            b"{\"definitions\": {\"A\": {\"properties\": {\"b\": {\"$ref\": \"#/definitions/Nope\"}}}}}",
            "/definitions/A/properties/b/$ref",
        ),
        ("NotAnObject.json", b"[1, 2]", ""),
    ];
    for (name, bytes, _) in &broken {
        fs::write(specs.join(name), bytes).unwrap();
    }
    let diags = match generate(&Config { strict: true, ..config(&specs) }) {
        Err(Failure::Spec(diags)) => diags,
        Err(other) => panic!("expected spec errors, got {other}"),
        Ok(_) => panic!("broken specs must fail the run"),
    };
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    for (name, _, pointer) in &broken {
        let file = specs.join(name);
        let mine: Vec<&&Diagnostic> = errors.iter().filter(|d| d.file == file).collect();
        assert_eq!(mine.len(), 1, "{name}: one error expected, got {mine:#?}");
        assert_eq!(mine[0].pointer, *pointer, "{name}: {}", mine[0]);
    }
    assert_eq!(
        errors.len(),
        broken.len(),
        "only the broken files are reported: {diags}"
    );
}

// ---------------------------------------------------------------------------------------
// (f) Only codegen's folders are replaced

/// The writer recognises its folders by the first line of `Cargo.toml`: every manifest
/// codegen emits, and the committed one, must begin with that mark.
#[test]
fn every_generated_manifest_begins_with_the_mark() {
    for specs in [functiongraph(), ecs(), vpn()] {
        let files = generate_ok(&specs).files;
        let manifest = &files.files[Path::new("Cargo.toml")];
        assert!(
            manifest.starts_with(write::GENERATED_MARK),
            "{}: {manifest:.80}",
            specs.display()
        );
    }
    let committed = fs::read_to_string(repo().join("generated/functiongraph/Cargo.toml")).unwrap();
    assert!(
        committed.starts_with(write::GENERATED_MARK),
        "{committed:.80}"
    );
}

/// Folders a user could point `--out` at by mistake.
fn not_codegens(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let cases: [(&str, &[(&str, &str)]); 5] = [
        (
            "a project",
            &[
                ("Cargo.toml", "[package]\nname = \"mine\"\n"),
                ("src/main.rs", "fn main() {}\n"),
                ("target/debug/mine", "build output"),
            ],
        ),
        (
            "no manifest",
            &[("README.md", "notes\n"), ("target/x", "build output")],
        ),
        (
            "the mark not first",
            &[(
                "Cargo.toml",
                "\n# @generated by codegen from specs/x.\n[package]\n",
            )],
        ),
        (
            "only a hidden folder",
            &[(".git/HEAD", "ref: refs/heads/main\n")],
        ),
        (
            "a file called target",
            &[("target", "not the build folder\n")],
        ),
    ];
    cases
        .iter()
        .enumerate()
        .map(|(i, (label, files))| {
            let folder = dir.join(format!("user{i}"));
            fs::create_dir_all(&folder).unwrap();
            for (path, text) in *files {
                let path = folder.join(path);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, text).unwrap();
            }
            (*label, folder)
        })
        .collect()
}

#[test]
fn write_refuses_a_folder_codegen_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let files = generate_ok(&specs).files;
    for (label, out) in not_codegens(tmp.path()) {
        let before = snapshot(&out);
        let error = write::write(&out, &files).expect_err(label);
        let refusal = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<write::NotGenerated>())
            .unwrap_or_else(|| panic!("{label}: not a NotGenerated error: {error}"));
        assert_eq!(refusal.0, out, "{label}");
        assert!(
            error.to_string().contains(&out.display().to_string()),
            "{label}: {error}"
        );
        assert_same(
            &before,
            &snapshot(&out),
            &format!("{label}: the folder changed"),
        );
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "{label}");
    }
}

#[test]
fn forced_write_replaces_any_folder_but_keeps_its_build_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let files = generate_ok(&specs).files;
    for (label, out) in not_codegens(tmp.path()) {
        let build = out
            .join("target")
            .is_dir()
            .then(|| snapshot(&out.join("target")));
        write::write_with(&out, &files, write::WriteOptions { force: true }).expect(label);
        assert_eq!(write::check(&out, &files).unwrap(), Vec::new(), "{label}");
        if let Some(build) = build {
            assert_same(&build, &snapshot(&out.join("target")), label);
        }
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "{label}");
    }
}

/// Nothing would be lost: an empty folder, or one holding only the build folder (which is
/// kept), is replaced without force.
#[test]
fn write_replaces_an_empty_folder_and_one_with_only_target() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let files = generate_ok(&specs).files;
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    write::write(&empty, &files).unwrap();
    assert_same(
        &as_bytes(&files),
        &snapshot(&empty),
        "the empty folder was not filled",
    );

    let built = tmp.path().join("built");
    fs::create_dir_all(built.join("target/debug")).unwrap();
    fs::write(built.join("target/debug/artifact"), b"build output").unwrap();
    write::write(&built, &files).unwrap();
    let mut expected = as_bytes(&files);
    expected.insert("target/debug/artifact".into(), b"build output".to_vec());
    assert_same(
        &expected,
        &snapshot(&built),
        "target/ is kept and the crate written",
    );
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------
// (g) A symbolic link at the output is followed

#[test]
fn write_follows_a_symlinked_output_and_keeps_the_link() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let real = tmp.path().join("real/crate");
    lived_in_crate(&specs, &real);
    let build = snapshot(&real.join("target"));
    fs::create_dir_all(tmp.path().join("links")).unwrap();
    // A relative link (resolved from its own folder), and an absolute link to that link.
    let link = tmp.path().join("links/crate");
    symlink("../real/crate", &link).unwrap();
    let chain = tmp.path().join("chain");
    symlink(&link, &chain).unwrap();

    for (i, through) in [&link, &chain].into_iter().enumerate() {
        let mut files = other_files(&specs);
        files
            .files
            .insert(format!("round{i}.txt").into(), "x\n".into());
        write::write(through, &files).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("../real/crate"));
        assert_eq!(fs::read_link(&chain).unwrap(), link);
        assert!(
            fs::symlink_metadata(&real).unwrap().is_dir(),
            "the target is a real folder"
        );
        assert_eq!(
            write::check(&real, &files).unwrap(),
            Vec::new(),
            "the target was written"
        );
        assert_same(
            &build,
            &snapshot(&real.join("target")),
            "the target's build folder is kept",
        );
        for folder in ["", "real", "links"] {
            assert_eq!(
                leftovers(&tmp.path().join(folder)),
                Vec::<String>::new(),
                "{folder}"
            );
        }
    }
}

#[test]
fn write_through_a_dangling_link_creates_its_target() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let link = tmp.path().join("link");
    symlink("not/yet/crate", &link).unwrap();
    let files = generate_ok(&specs).files;
    write::write(&link, &files).unwrap();
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("not/yet/crate"));
    assert_same(
        &as_bytes(&files),
        &snapshot(&tmp.path().join("not/yet/crate")),
        "target",
    );
    assert_eq!(leftovers(&tmp.path().join("not/yet")), Vec::<String>::new());
}

/// A link to a folder codegen did not write is refused like the folder itself, and a loop
/// of links is an error, not a hang.
#[test]
fn write_through_a_link_checks_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let files = generate_ok(&specs).files;
    let (_, project) = not_codegens(tmp.path()).remove(0);
    let link = tmp.path().join("link");
    symlink(&project, &link).unwrap();
    let before = snapshot(&project);
    let error = write::write(&link, &files).expect_err("the target is a user's project");
    assert!(
        error
            .get_ref()
            .is_some_and(|e| e.is::<write::NotGenerated>()),
        "{error}"
    );
    assert_same(&before, &snapshot(&project), "the project changed");
    assert_eq!(fs::read_link(&link).unwrap(), project);

    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    symlink(&b, &a).unwrap();
    symlink(&a, &b).unwrap();
    write::write(&a, &files).expect_err("a loop of links leads nowhere");
    assert_eq!(fs::read_link(&a).unwrap(), b);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------
// (h) Runs writing to one folder at once take turns

/// `specs`' crate with every file marked by `tag`, so that crates of different runs differ.
fn tagged_files(specs: &Path, tag: &str) -> CrateFiles {
    let mut files = generate_ok(specs).files;
    for text in files.files.values_mut() {
        text.push_str(&format!("// {tag}\n"));
    }
    files
}

/// Threads of one process share its id, and so would share staging names without the
/// lock.
#[test]
fn concurrent_writers_in_one_process_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let crates: Vec<CrateFiles> = ["a", "b", "c"]
        .iter()
        .map(|t| tagged_files(&specs, t))
        .collect();
    let out = tmp.path().join("shared/crate");
    for round in 0..8 {
        let start = Arc::new(Barrier::new(crates.len()));
        let writers: Vec<_> = crates
            .iter()
            .cloned()
            .map(|files| {
                let (out, start) = (out.clone(), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    write::write(&out, &files)
                })
            })
            .collect();
        for writer in writers {
            writer
                .join()
                .expect("no panic")
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        let result = snapshot(&out);
        assert!(
            crates.iter().any(|files| as_bytes(files) == result),
            "round {round}: the folder is not exactly one of the crates"
        );
        assert_eq!(
            leftovers(&tmp.path().join("shared")),
            Vec::<String>::new(),
            "round {round}"
        );
    }
}

/// Processes start at different moments, so some open the lock file after its holder
/// deleted it on release: they must wait for the next one, not run alongside it.
#[test]
fn concurrent_cli_runs_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let names = ["first", "second", "third", "fourth"];
    let args = |name: &str, out: &Path| {
        vec![
            "--specs".to_owned(),
            specs.display().to_string(),
            "--out".to_owned(),
            out.display().to_string(),
            "--crate-name".to_owned(),
            name.to_owned(),
            "--quiet".to_owned(),
        ]
    };
    // Each crate written alone, for reference.
    let expected: Vec<_> = names
        .iter()
        .map(|name| {
            let out = tmp.path().join("alone").join(name);
            let args = args(name, &out);
            let output = codegen(&args.iter().map(String::as_str).collect::<Vec<_>>());
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            snapshot(&out)
        })
        .collect();
    let out = tmp.path().join("shared/crate");
    for round in 0..6 {
        let runs: Vec<_> = names
            .iter()
            .map(|name| {
                Command::new(env!("CARGO_BIN_EXE_codegen"))
                    .args(args(name, &out))
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("the codegen binary runs")
            })
            .collect();
        for run in runs {
            let output = run.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let result = snapshot(&out);
        assert!(
            expected.contains(&result),
            "round {round}: the folder is not exactly one of the crates"
        );
        assert_eq!(
            leftovers(&tmp.path().join("shared")),
            Vec::<String>::new(),
            "round {round}"
        );
    }
}

/// A run that finds another run's staging folder while that run is alive (it holds the
/// lock) must wait, not delete it; once the owner is gone it is a leftover and goes.
#[cfg(target_os = "linux")]
#[test]
fn cleanup_spares_the_staging_folder_of_a_live_run() {
    use rustix::fs::{FlockOperation, flock};
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    lived_in_crate(&specs, &out);

    // Another run, midway: it holds the lock and is filling its staging folder.
    let lock = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(tmp.path().join(".crate.codegen-lock"))
        .unwrap();
    flock(&lock, FlockOperation::LockExclusive).unwrap();
    let live = tmp.path().join(".crate.codegen-new-4000000004");
    fs::create_dir_all(live.join("src")).unwrap();
    fs::write(live.join("src/lib.rs"), "// being written\n").unwrap();

    let files = other_files(&specs);
    let writer = thread::spawn({
        let (out, files) = (out.clone(), files.clone());
        move || write::write(&out, &files)
    });
    thread::sleep(Duration::from_millis(500));
    assert!(
        !writer.is_finished(),
        "the second run waits for the live one"
    );
    assert_eq!(
        fs::read_to_string(live.join("src/lib.rs")).unwrap(),
        "// being written\n",
        "the live run's staging folder is untouched"
    );

    // The other run dies: its lock goes with it, and its folder is a leftover now.
    drop(lock);
    writer.join().expect("no panic").unwrap();
    assert_eq!(write::check(&out, &files).unwrap(), Vec::new());
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

/// `lib.rs` of the crate generated from `specs` with `settings` as its `codegen.toml`.
fn lib_rs_with_settings(specs: &Path, settings: &str) -> String {
    fs::write(specs.join("codegen.toml"), settings).unwrap();
    let generated = generate_ok(specs);
    generated.files.files[Path::new("src/lib.rs")].clone()
}

#[test]
fn the_scope_comes_from_the_paths_unless_the_settings_say_otherwise() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let derived = lib_rs_with_settings(&specs, "");
    assert!(derived.contains("scope: huawei::Scope::Project"), "{derived}");
    let global = lib_rs_with_settings(&specs, "scope = \"global\"\n");
    assert!(global.contains("scope: huawei::Scope::Global"), "{global}");
    // The endpoint function still takes the project id its paths need.
    assert!(global.contains("pub fn endpoint(region: &str, project_id: &str)"), "{global}");
}

#[test]
fn project_ids_in_paths_follow_the_setting() {
    let operation = |specs: &Path, settings: &str, file: &str| {
        fs::write(specs.join("codegen.toml"), settings).unwrap();
        generate_ok(specs).files.files[Path::new("src/operations").join(file).as_path()].clone()
    };
    let tmp = tempfile::tempdir().unwrap();
    let functions = small_specs(tmp.path());
    let scoped = operation(&functions, "", "list_functions.rs");
    assert!(scoped.contains(".project_id_param(\"project_id\")"), "{scoped}");
    let own = operation(&functions, "project_id_in_path = \"request\"\n", "list_functions.rs");
    assert!(own.contains("pub project_id: String") && own.contains(".path_param(\"project_id\""), "{own}");

    let iam = tmp.path().join("iam");
    fs::create_dir_all(&iam).unwrap();
    let show = "KeystoneShowProject.json";
    fs::copy(repo().join("tests/golden/iam_global/specs").join(show), iam.join(show)).unwrap();
    let named = operation(&iam, "", "keystone_show_project.rs");
    assert!(named.contains(".path_param(\"project_id\""), "{named}");
    let filled = operation(&iam, "project_id_in_path = \"endpoint\"\n", "keystone_show_project.rs");
    assert!(filled.contains(".project_id_param(\"project_id\")") && !filled.contains("pub project_id"), "{filled}");
}
