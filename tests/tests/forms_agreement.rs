//! Every form operation of the catalogue sends what Huawei's official Python SDK sends.
//!
//! `tests/fixtures/forms-agreement/agree.py` ran the SDK on the 61 operations with
//! `formData` parameters of the public catalogue and recorded, for values made by one rule
//! from each field's name and type, the parts of the body (names, file names, content
//! types, bytes), its media type and `X-Sdk-Content-Sha256` (`sdk.json`). This test reads
//! the same spec files with codegen's reader and model, sends the same values through the
//! runtime in the order the generated code sends them (the model's form parameters), signs
//! with the runtime's signer, and compares. Differences the SDK's own bugs explain are
//! listed, with their reason, in `differences.json`; any other difference, or a listed one
//! that no longer happens, fails.

mod support;

use codegen::model::{Location, Param, TypeRef};
use functiongraph::{Credentials, Endpoint, FormFile};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::multipart::{boundary_of, parse_multipart};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/forms-agreement")
}

/// A field's value by the rule `agree.py` follows: text, numbers, booleans, files, lists.
enum Field {
    Text(Vec<String>),
    File(FormFile),
}

fn value(param: &Param) -> Field {
    let name = &param.name;
    let file = || FormFile::bytes(format!("{name}.bin"), format!("FILE-{name}").into_bytes());
    let scalar = |ty: &TypeRef| match ty {
        TypeRef::I8 | TypeRef::I16 | TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "7".to_owned(),
        TypeRef::F64 => "1.5".to_owned(),
        TypeRef::Bool => "true".to_owned(),
        _ => format!("v-{name}"),
    };
    match (&param.location, &param.ty) {
        (Location::FormFile, _) => Field::File(file()),
        (_, TypeRef::Array(_)) => Field::Text(vec![format!("a-{name}"), format!("b-{name}")]),
        (_, ty) => Field::Text(vec![scalar(ty)]),
    }
}

/// What the runtime sends for `operation` of the spec files in `folder`: the media type,
/// `X-Sdk-Content-Sha256`, and the parts or the url-encoded text, as `sdk.json` records
/// them.
fn sent(folder: &Path, operation: &str) -> Result<Value, String> {
    let (files, diags) = codegen::read::read_dir(folder, None);
    if diags.has_errors() {
        return Err(format!("the specs do not read: {diags}"));
    }
    let (model, _, _) = codegen::model::build(&files);
    let op = model.operations.iter().find(|op| op.id == operation).ok_or("the model has no such operation")?;
    let media = op.body.as_ref().map(|b| b.media_type.clone()).ok_or("no body")?;
    let endpoint = Endpoint::new("https://127.0.0.1:9").expect("endpoint").with_project_id("p-project_id");
    let mut builder = codegen_runtime::__private::RequestBuilder::new(http::Method::POST, &endpoint).literal("/form");
    for param in op.params.iter().filter(|p| matches!(p.location, Location::Form | Location::FormFile)) {
        builder = match value(param) {
            Field::Text(values) => builder.form_text_each(&param.name, &values),
            Field::File(file) => builder.form_file(&param.name, &file),
        };
    }
    let mut request = builder.form(&media).build().map_err(|e| e.to_string())?;
    Credentials::aksk("AK", "SK").apply(&mut request, std::time::SystemTime::now()).map_err(|e| e.to_string())?;
    let content_type = request.headers()["content-type"].to_str().expect("text").to_owned();
    let mut out = serde_json::json!({
        "media_type": content_type.split(';').next().unwrap_or("").trim(),
        "content_sha256": request.headers().get("x-sdk-content-sha256").map(|v| v.to_str().expect("text")),
    });
    if content_type.starts_with("multipart/") {
        let parts: Vec<Value> = parse_multipart(request.body(), &boundary_of(&content_type))
            .into_iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name,
                    "filename": p.file_name,
                    "content_type": p.content_type,
                    "data": String::from_utf8_lossy(&p.data),
                })
            })
            .collect();
        out["parts"] = Value::Array(parts);
    } else {
        out["urlencoded"] = Value::String(String::from_utf8_lossy(request.body()).into_owned());
    }
    Ok(out)
}

#[test]
fn every_form_operation_sends_what_the_official_sdk_sends() {
    let sdk: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join("sdk.json")).expect("sdk.json"))
        .expect("JSON");
    let listed: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("differences.json")).expect("differences.json"),
    )
    .expect("JSON");
    let (mut agree, mut differ, mut without_sdk) = (0, BTreeMap::new(), 0);
    let operations = sdk["operations"].as_array().expect("operations");
    for entry in operations {
        let service = entry["service"].as_str().expect("service");
        let operation = entry["operation"].as_str().expect("operation");
        let key = format!("{service}/{operation}");
        if entry.get("error").is_some() {
            without_sdk += 1;
            continue;
        }
        let ours = sent(&fixtures().join("specs").join(service), operation).unwrap_or_else(|e| panic!("{key}: {e}"));
        let compared = ["media_type", "content_sha256", "parts", "urlencoded"];
        let same = compared.iter().all(|field| entry.get(*field) == ours.get(*field));
        if same {
            agree += 1;
        } else {
            differ.insert(key, format!("SDK {entry}\nours {ours}"));
        }
    }
    println!(
        "forms agreement: {} form operations, {} built by the SDK, {agree} agree, {} differ ({} listed), {without_sdk} without an SDK request type",
        operations.len(),
        operations.len() - without_sdk,
        differ.len(),
        listed.len()
    );
    let unexpected: Vec<&String> = differ.keys().filter(|k| !listed.contains_key(*k)).collect();
    let stale: Vec<&String> = listed.keys().filter(|k| !differ.contains_key(*k)).collect();
    for key in &unexpected {
        println!("{key}:\n{}", differ[*key]);
    }
    assert!(unexpected.is_empty(), "operations that differ from the SDK: {unexpected:?}");
    assert!(stale.is_empty(), "listed differences that no longer differ: {stale:?}");
}
