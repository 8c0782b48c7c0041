//! Output safety: the generated crate depends only on the specs' content, and the output
//! folder is either the old crate or the new one, byte for byte, never a mix.
//!
//! - the same specs give the same bytes, run after run and process after process;
//! - neither the order spec files were created in nor their modification times matter;
//! - a failed run leaves an existing output folder exactly as it was, whether generation
//!   fails (a broken spec) or writing does (`write::write` cannot stage or swap);
//! - after `write::write` the folder holds exactly the generated files (plus the build's
//!   `target/`), and no staging or retired sibling is left behind;
//! - one run reports every broken file.

use codegen::diag::Diagnostic;
use codegen::emit::CrateFiles;
use codegen::{Config, Failure, Generated, generate, write};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
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

/// Names of the staging and retired folders `write::write` leaves next to `out`, if any.
fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .expect("readable parent")
        .map(|e| {
            e.expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.contains(".codegen-new-") || name.contains(".codegen-old-"))
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
    match generate(&config(&specs)) {
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
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "nothing left over");
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
    assert!(out.join("target").is_dir(), "the recovered crate's build folder is kept");
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

/// Whether permissions stop this process (they do not stop root).
fn permissions_apply(read_only: &Path) -> bool {
    let probe = read_only.join("probe");
    let blocked = fs::write(&probe, "x").is_err();
    let _ = fs::remove_file(&probe);
    blocked
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// The parent of the output folder is read-only: nothing can be staged next to it.
#[test]
fn write_fails_cleanly_in_a_read_only_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let parent = tmp.path().join("parent");
    let out = parent.join("crate");
    lived_in_crate(&specs, &out);
    let before = snapshot(&out);
    let files = other_files(&specs);

    set_mode(&parent, 0o555);
    if !permissions_apply(&parent) {
        set_mode(&parent, 0o755);
        eprintln!("skipped: permissions do not apply to this user (root?)");
        return;
    }
    let result = write::write(&out, &files);
    let after = snapshot(&out);
    let left = leftovers(&parent);
    set_mode(&parent, 0o755);
    assert!(
        result.is_err(),
        "writing into a read-only folder cannot succeed"
    );
    assert_same(&before, &after, "the output folder changed");
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// The old crate's files are read-only (as a checkout can make them): the swap succeeds
/// but the retired crate cannot be deleted. The call must not report failure once the
/// new crate is in place, nor leave the old one behind as a hidden sibling.
#[test]
fn write_over_a_read_only_crate_is_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    write::write(&out, &generate_ok(&specs).files).unwrap();
    let before = snapshot(&out);
    let files = other_files(&specs);
    set_mode(&out, 0o555);
    if !permissions_apply(&out) {
        set_mode(&out, 0o755);
        eprintln!("skipped: permissions do not apply to this user (root?)");
        return;
    }
    let result = write::write(&out, &files);
    let after = snapshot(&out);
    let left = leftovers(tmp.path());
    for dir in [out.clone()]
        .into_iter()
        .chain(left.iter().map(|n| tmp.path().join(n)))
    {
        set_mode(&dir, 0o755);
    }
    match result {
        Ok(()) => assert_same(&as_bytes(&files), &after, "the new crate was written"),
        Err(e) => assert_same(
            &before,
            &after,
            &format!("write failed ({e}) but the folder changed"),
        ),
    }
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// `--out` names an existing regular file. Writing must either refuse and leave the file
/// as it was, or succeed; the file must not end up renamed to a hidden sibling while the
/// call reports failure (the CLI then says the output "was left as it was").
#[test]
fn write_over_a_file_is_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = small_specs(tmp.path());
    let out = tmp.path().join("crate");
    fs::write(&out, "a file the user keeps").unwrap();
    let files = generate_ok(&specs).files;

    match write::write(&out, &files) {
        Ok(()) => assert_same(&as_bytes(&files), &snapshot(&out), "the crate was written"),
        Err(e) => {
            assert!(
                out.is_file(),
                "write failed ({e}) but {} is no longer the file",
                out.display()
            );
            assert_eq!(fs::read_to_string(&out).unwrap(), "a file the user keeps");
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
        ("WrongType.json", b"{\"definitions\": {\"A\": {\"properties\": \"x\"}}}", "/definitions/A/properties"),
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
    let diags = match generate(&config(&specs)) {
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
