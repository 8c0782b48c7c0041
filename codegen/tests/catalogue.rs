//! `codegen --catalogue`: one crate per service of a folder of service folders, under one
//! Cargo workspace, on a small catalogue of real services (`tests/catalogue/`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("the codegen binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("catalogue")
}

/// The line of `stdout` about the service folder `folder`.
fn line<'a>(stdout: &'a str, folder: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(folder))
        .unwrap_or_else(|| panic!("no line for {folder} in:\n{stdout}"))
}

/// Copies the fixture catalogue, so that a test can change a service.
fn copy_fixture(to: &Path) {
    for relative in codegen::write::list_files(&fixture()).unwrap() {
        let target = to.join(&relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(fixture().join(&relative), target).unwrap();
    }
}

#[test]
fn every_service_gets_a_crate_in_one_workspace_and_a_refused_one_stops_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("workspace");
    let output = codegen(&["--catalogue", fixture().to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    // A refused service makes the run fail, after the others were written.
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");

    assert!(line(&stdout, "DCC").contains("generated dcc: 1 operations, 0 degraded, 0 left out"), "{stdout}");
    // Specs directly in the service folder, without `src/`.
    assert!(line(&stdout, "OrgID").contains("generated org_id: 3 operations"), "{stdout}");
    assert!(line(&stdout, "SMSApi").contains("generated sms_api: 2 operations"), "{stdout}");
    assert!(line(&stdout, "CGS").contains("refused"), "{stdout}");
    // CCE's built-in settings: `/api/v3/projects/{project_id}/...` is the caller's own
    // project, filled from the endpoint, not a request field.
    let cce = fs::read_to_string(out.join("cce/src/operations/pause_upgrade_cluster_task.rs")).unwrap();
    assert!(cce.contains(".project_id_param(\"project_id\")"), "{cce}");
    assert!(!cce.contains("pub project_id"), "{cce}");
    // A ref that points nowhere degrades its error bodies to raw JSON, counted per service.
    assert!(line(&stdout, "LTS").contains("generated lts: 1 operations, 3 degraded, 0 left out"), "{stdout}");
    // CGS holds only empty documents (`"{}"`): skipped, which leaves nothing to generate.
    assert!(
        stderr.contains(&format!("CGS{}src: no operations in these specs", std::path::MAIN_SEPARATOR)),
        "the refusal names the folder: {stderr}"
    );
    let total = stdout.lines().last().unwrap();
    assert!(total.starts_with("total: 6 services, 5 generated (8 operations, 3 degraded, 0 left out"), "{total}");
    assert!(total.contains(", 1 refused;"), "{total}");
    // Lines come in folder-name order, whatever order the workers finished in.
    let folders: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with("pagination:"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(folders, ["CCE", "CGS", "DCC", "LTS", "OrgID", "SMSApi", "total:"]);

    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.starts_with(codegen::write::GENERATED_MARK), "{manifest}");
    let members: toml::Table = toml::from_str(&manifest).unwrap();
    assert_eq!(
        members["workspace"]["members"],
        toml::Value::Array(["cce", "dcc", "lts", "org_id", "sms_api"].map(toml::Value::from).to_vec())
    );
    assert!(!out.join("cgs").exists(), "nothing is written for a refused service");

    // Each crate finds the runtime by a path relative to its own folder.
    for name in ["cce", "dcc", "lts", "org_id", "sms_api"] {
        let crate_dir = out.join(name);
        let cargo: toml::Table = toml::from_str(&fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap()).unwrap();
        assert_eq!(cargo["package"]["name"].as_str(), Some(name));
        let runtime = cargo["dependencies"]["codegen-runtime"]["path"].as_str().unwrap();
        assert!(Path::new(runtime).is_relative(), "{runtime}");
        assert_eq!(
            crate_dir.join(runtime).canonicalize().unwrap(),
            Path::new(codegen::RUNTIME_DIR).canonicalize().unwrap()
        );
        assert!(crate_dir.join("src/lib.rs").is_file());
    }
}

#[test]
fn strict_refuses_a_service_with_degraded_parts_and_keeps_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ws");
    let output = codegen(&["--catalogue", fixture().to_str().unwrap(), "--out", out.to_str().unwrap(), "--strict"]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(line(&stdout, "LTS").contains("refused: 3 error(s)"), "{stdout}");
    assert!(stderr.contains("DeleteConsumerGroup.json"), "the refusal names the file: {stderr}");
    // The error says what went wrong; what degrading would have done is only a hint.
    assert!(stderr.contains("hint: without --strict: kept as raw JSON"), "{stderr}");
    assert!(!stderr.contains("ErrorMsgDeleteConsumerGroupFailed`; kept as raw JSON"), "{stderr}");
    assert!(line(&stdout, "DCC").contains("generated dcc"), "{stdout}");
    assert!(!out.join("lts").exists(), "nothing is written for a refused service");
    let total = stdout.lines().last().unwrap();
    assert!(total.starts_with("total: 6 services, 4 generated (7 operations, 0 degraded, 0 left out"), "{total}");
}

#[test]
fn a_service_refused_on_a_rerun_keeps_its_crate_outside_the_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let catalogue = tmp.path().join("catalogue");
    copy_fixture(&catalogue);
    let cgs = catalogue.join("CGS").join("src").join("ListContainerNodes.json");
    // First CGS has a real operation (DCC's), then its empty document again.
    fs::copy(catalogue.join("DCC/src/ShowResourceClusters.json"), &cgs).unwrap();
    let out = tmp.path().join("workspace");
    let args = ["--catalogue", catalogue.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"];
    let first = codegen(&args);
    assert_eq!(first.status.code(), Some(0), "{}{}", text(&first.stdout), text(&first.stderr));
    let lib = fs::read(out.join("cgs/src/lib.rs")).unwrap();

    fs::write(&cgs, "\"{}\"").unwrap();
    let second = codegen(&args);
    assert_eq!(second.status.code(), Some(1), "{}", text(&second.stdout));
    assert!(line(&text(&second.stdout), "CGS").contains("refused"));
    assert_eq!(fs::read(out.join("cgs/src/lib.rs")).unwrap(), lib, "the older crate is left as it was");
    let manifest: toml::Table = toml::from_str(&fs::read_to_string(out.join("Cargo.toml")).unwrap()).unwrap();
    assert_eq!(manifest["workspace"]["exclude"], toml::Value::Array(vec!["cgs".into()]));
    assert!(!manifest["workspace"]["members"].as_array().unwrap().contains(&"cgs".into()));
}

#[test]
fn a_workspace_manifest_codegen_did_not_write_is_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("workspace");
    fs::create_dir_all(&out).unwrap();
    let mine = "[workspace]\nmembers = [\"mine\"]\n";
    fs::write(out.join("Cargo.toml"), mine).unwrap();
    let fixture = fixture();
    let args = ["--catalogue", fixture.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"];
    let refused = codegen(&args);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("refusing to replace"), "{}", text(&refused.stderr));
    assert_eq!(fs::read_to_string(out.join("Cargo.toml")).unwrap(), mine);
    assert!(!out.join("dcc").exists(), "nothing is generated when the run cannot finish");

    let forced = codegen(&[&args[..], &["--force"]].concat());
    assert_eq!(forced.status.code(), Some(1), "CGS is still refused: {}", text(&forced.stdout));
    assert!(fs::read_to_string(out.join("Cargo.toml")).unwrap().starts_with(codegen::write::GENERATED_MARK));
}

#[test]
fn catalogue_takes_no_single_crate_options() {
    let fixture = fixture();
    let fixture = fixture.to_str().unwrap();
    for extra in [&["--specs", "x"][..], &["--check"], &["--crate-name", "x"]] {
        let output = codegen(&[&["--catalogue", fixture, "--out", "x"][..], extra].concat());
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {}", text(&output.stderr));
    }
    let output = codegen(&["--catalogue", fixture]);
    assert_eq!(output.status.code(), Some(2), "--out is required");
}
