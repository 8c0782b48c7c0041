//! Identical inline types under different parents are one type, named after their
//! property when that name is free; differing ones keep their parent-and-property names.

use codegen::{Config, Generated, generate};
use serde_json::json;
use std::fs;
use std::path::{Path, PathBuf};

fn config(specs: &Path, overrides: Option<PathBuf>) -> Config {
    Config {
        specs: specs.to_path_buf(),
        crate_name: "sample".into(),
        specs_label: "specs/sample".into(),
        regenerate: "codegen --specs specs/sample --out <DIR> --crate-name sample".into(),
        extras: None,
        overrides,
        runtime: String::new(),
        strict: true,
        default_settings: None,
    }
}

fn file(generated: &Generated, path: &str) -> String {
    generated
        .files
        .files
        .get(Path::new(path))
        .unwrap_or_else(|| {
            let names: Vec<_> = generated.files.files.keys().collect();
            panic!("no {path} in {names:?}")
        })
        .clone()
}

/// One operation `name` whose body is the definition `body` with the given properties.
fn spec(name: &str, body: &str, properties: serde_json::Value) -> serde_json::Value {
    json!({
        "name": name, "method": "post", "host": "svc.cn-north-4.myhuaweicloud.com",
        "product_short": "Svc", "info_version": "v1", "region_id": "cn-north-4",
        "consumes": "[\"application/json\"]",
        "definitions": { body: { "properties": properties } },
        "paths": { format!("/v1/{}", name.to_lowercase()): { "post": {
            "operationId": name,
            "parameters": [{"in": "body", "name": body, "required": true,
                            "schema": {"$ref": format!("#/definitions/{body}")}}],
            "responses": {"200": {"description": "ok"}}
        }}}
    })
}

fn mode(values: &[&str]) -> serde_json::Value {
    json!({"type": "string", "enum": values})
}

#[test]
fn identical_inline_enums_share_one_type_named_after_the_property() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let specs = [
        spec("CreateThing", "CreateThingBody", json!({"mode": mode(&["fast", "slow"]), "level": mode(&["a"])})),
        spec("UpdateThing", "UpdateThingBody", json!({"mode": mode(&["fast", "slow"]), "level": mode(&["b"])})),
        spec("MoveThing", "MoveThingBody", json!({"mode": mode(&["fast", "slow"])})),
    ];
    for s in &specs {
        let path = dir.path().join(format!("{}.json", s["name"].as_str().unwrap()));
        fs::write(path, serde_json::to_vec(s).unwrap()).unwrap();
    }
    let generated = generate(&config(dir.path(), None)).unwrap_or_else(|f| panic!("{f}"));
    let shared = file(&generated, "src/models/mode.rs");
    assert!(shared.contains("pub enum Mode {"), "{shared}");
    for parent in ["create_thing_body", "update_thing_body", "move_thing_body"] {
        let text = file(&generated, &format!("src/models/{parent}.rs"));
        assert!(text.contains("pub mode: Option<Mode>,"), "{parent}: {text}");
        assert!(!text.contains("enum") || parent != "move_thing_body", "{text}");
    }
    // `level` differs between the two parents: two types, each named after its parent.
    let create = file(&generated, "src/models/create_thing_body.rs");
    let update = file(&generated, "src/models/update_thing_body.rs");
    assert!(create.contains("pub enum CreateThingBodyLevel {"), "{create}");
    assert!(update.contains("pub enum UpdateThingBodyLevel {"), "{update}");
    assert!(!generated.files.files.contains_key(Path::new("src/models/level.rs")));
}

/// FunctionGraph: the runtime read from `ShowFunctionConfig` has the type that
/// `UpdateFunctionConfig` takes, and no per-parent copy of it is left.
#[test]
fn functiongraph_has_one_runtime_enum() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let overrides = repo.join("specs/overrides.json");
    let generated =
        generate(&config(&repo.join("specs/functiongraph"), Some(overrides))).unwrap_or_else(|f| panic!("{f}"));
    assert!(file(&generated, "src/models/runtime.rs").contains("pub enum Runtime {"));
    let show = file(&generated, "src/models/show_function_config_response_body.rs");
    let update = file(&generated, "src/models/update_function_config_request_body.rs");
    assert!(show.contains("pub runtime: Runtime,"));
    assert!(update.contains("pub runtime: Runtime,"));
    let copies: Vec<&PathBuf> = generated
        .files
        .files
        .iter()
        .filter(|(_, text)| text.lines().any(|l| l.starts_with("pub enum") && l.contains("Runtime {") && !l.contains("enum Runtime {")))
        .map(|(path, _)| path)
        .collect();
    assert!(copies.is_empty(), "per-parent runtime enums left: {copies:?}");
    assert!(file(&generated, "src/models/code_type.rs").contains("pub enum CodeType {"));
}
