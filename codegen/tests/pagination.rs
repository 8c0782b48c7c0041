//! Pagination: what detection finds in a list operation's parameters and answer, what the
//! `[pagination.<OperationId>]` settings state or correct, and the errors of bad entries.

use codegen::{Config, Failure, Generated, generate};
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

/// A `GET` operation with the query parameters `query` (name → type) and a 200 body of
/// the object `body` (property → schema).
fn spec(id: &str, query: &[(&str, &str)], body: Value) -> Value {
    let parameters: Vec<Value> = query
        .iter()
        .map(|(name, ty)| json!({"name": name, "in": "query", "required": false, "type": ty}))
        .collect();
    json!({
        "swagger": "2.0",
        "info": {"title": id, "version": "v1"},
        "host": "things.cn-north-4.example.com",
        "paths": {format!("/v1/{}", id.to_lowercase()): {"get": {
            "operationId": id,
            "parameters": parameters,
            "responses": {"200": {"description": "ok", "schema": {"$ref": format!("#/definitions/{id}Body")}}}
        }}},
        "definitions": {
            format!("{id}Body"): {"type": "object", "properties": body},
            "Thing": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
        }
    })
}

fn things() -> Value {
    json!({"type": "array", "items": {"$ref": "#/definitions/Thing"}})
}

/// The specs of every style, and `settings` as the folder's `codegen.toml`.
fn run(dir: &Path, settings: Option<&str>) -> Result<Generated, Failure> {
    let specs = [
        spec("ListByMarker", &[("marker", "string"), ("limit", "integer"), ("name", "string")],
            json!({"things": things(), "page_info": {"$ref": "#/definitions/PageInfo"}})),
        spec("ListByLastId", &[("marker", "string"), ("limit", "integer")], json!({"things": things()})),
        spec("ListByOffset", &[("offset", "integer"), ("limit", "integer")],
            json!({"things": things(), "total_count": {"type": "integer"}})),
        spec("ListByPage", &[("page_no", "integer"), ("page_size", "integer")],
            json!({"data": {"$ref": "#/definitions/Data"}})),
        spec("ListByLimit", &[("limit", "integer")], json!({"things": things()})),
        spec("ListTwoArrays", &[("offset", "integer")], json!({"things": things(), "others": things()})),
    ];
    fs::create_dir_all(dir).unwrap();
    for spec in specs {
        let mut spec = spec;
        let id = spec["paths"].as_object().unwrap().values().next().unwrap()["get"]["operationId"].as_str().unwrap().to_owned();
        let definitions = spec["definitions"].as_object_mut().unwrap();
        definitions.insert("PageInfo".into(), json!({"type": "object", "properties": {
            "next_marker": {"type": "string"}, "current_count": {"type": "integer"}}}));
        definitions.insert("Data".into(), json!({"type": "object", "properties": {
            "records": things(), "total": {"type": "integer"}}}));
        fs::write(dir.join(format!("{id}.json")), spec.to_string()).unwrap();
    }
    if let Some(text) = settings {
        fs::write(dir.join("codegen.toml"), text).unwrap();
    }
    generate(&Config {
        specs: dir.to_path_buf(),
        crate_name: "things".into(),
        specs_label: "specs/things".into(),
        regenerate: "codegen".into(),
        ..Config::default()
    })
}

fn file(generated: &Generated, path: &str) -> String {
    generated.files.files.get(Path::new(path)).cloned().unwrap_or_else(|| panic!("no {path}"))
}

fn errors(failure: Failure) -> String {
    match failure {
        Failure::Spec(diags) => diags.to_string(),
        other => panic!("{other}"),
    }
}

#[test]
fn detection_tells_each_style_and_where_its_signals_are() {
    let dir = tempfile::tempdir().unwrap();
    let generated = run(dir.path(), None).expect("generated");

    let marker = file(&generated, "src/operations/list_by_marker.rs");
    assert!(marker.contains("crate::PageStyle::Marker"), "{marker}");
    assert!(marker.contains(".and_then(|v| codegen_runtime::__private::paging::text(&v.next_marker))"), "{marker}");
    assert!(marker.contains("paging::text(&self.marker)"), "{marker}");
    assert!(!marker.contains("current_count"), "the count of this page is not a total: {marker}");

    let last_id = file(&generated, "src/operations/list_by_last_id.rs");
    assert!(last_id.contains(".last()") && last_id.contains("&item.id"), "Huawei's marker: the last item's id: {last_id}");

    let offset = file(&generated, "src/operations/list_by_offset.rs");
    assert!(offset.contains("crate::PageStyle::OffsetItems") && offset.contains("first: 0"), "{offset}");
    assert!(offset.contains("paging::count(&page.total_count)"), "{offset}");

    let page = file(&generated, "src/operations/list_by_page.rs");
    assert!(page.contains("crate::PageStyle::PageNumber") && page.contains("first: 1"), "{page}");
    assert!(page.contains("&v.records") && page.contains("&v.total"), "items and total one object down: {page}");

    for unpaged in ["list_by_limit", "list_two_arrays"] {
        let text = file(&generated, &format!("src/operations/{unpaged}.rs"));
        assert!(!text.contains("Paginate"), "{unpaged}: {text}");
    }
    let client = file(&generated, "src/client.rs");
    for method in ["list_by_marker_pages", "list_by_last_id_pages", "list_by_offset_pages", "list_by_page_pages"] {
        assert!(client.contains(&format!("pub fn {method}(")), "{method}: {client}");
    }
    assert!(!client.contains("list_by_limit_pages") && !client.contains("list_two_arrays_pages"), "{client}");
}

#[test]
fn settings_state_or_correct_the_style_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let settings = r#"
[pagination.ListByOffset]
style = "offset_pages"
first = 1
evidence = "the API reference: offset is the page number"

[pagination.ListTwoArrays]
style = "offset_items"
items = "others"
total = ""
evidence = "the API reference: `others` holds the listed things"

[pagination.ListByMarker]
style = "none"
evidence = "the marker is ignored by the service"
"#;
    let generated = run(dir.path(), Some(settings)).expect("generated");
    let offset = file(&generated, "src/operations/list_by_offset.rs");
    assert!(offset.contains("crate::PageStyle::PageNumber") && offset.contains("first: 1"), "{offset}");
    let two = file(&generated, "src/operations/list_two_arrays.rs");
    assert!(two.contains("paging::items(&page.others)") && !two.contains("fn signals"), "{two}");
    assert!(!file(&generated, "src/operations/list_by_marker.rs").contains("Paginate"));
}

#[test]
fn bad_entries_are_errors_naming_them() {
    let cases = [
        ("[pagination.ListNothing]\nstyle = \"marker\"\nevidence = \"e\"\n", "no operation `ListNothing`"),
        ("[pagination.ListByOffset]\nstyle = \"marker\"\n", "evidence"),
        ("[pagination.ListByOffset]\nstyle = \"marker\"\nevidence = \" \"\n", "`evidence` is empty"),
        ("[pagination.ListByOffset]\nstyle = \"offset_items\"\nevidence = \"e\"\nstep = 2\n", "unknown field `step`"),
        ("[pagination.ListByOffset]\nstyle = \"offset_items\"\nevidence = \"e\"\ncursor = \"skip\"\n", "no query parameter `skip`"),
        ("[pagination.ListByOffset]\nstyle = \"offset_items\"\nevidence = \"e\"\ntotal = \"things\"\n", "cannot be a total"),
        ("[pagination.ListByOffset]\nstyle = \"sideways\"\nevidence = \"e\"\n", "unknown variant `sideways`"),
    ];
    for (i, (settings, expected)) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let message = errors(run(&dir.path().join(i.to_string()), Some(settings)).expect_err(settings));
        assert!(message.contains(expected), "{settings}: {message}");
    }
}
