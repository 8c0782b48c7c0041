//! Every OBS operation sends what Huawei's official Python SDK sends.
//!
//! `tests/fixtures/obs-agreement/agree.py` ran `huaweicloudsdkobs` on the operations of
//! `specs/obs` it has and recorded, for values made by one rule from each field's wire name
//! and type, the method, host, path, query, headers and body of the signed request
//! (`sdk.json`). This test makes the same values from codegen's model of `specs/obs`, fills
//! the generated request types with them (`$OUT_DIR/obs_requests.rs`, written by
//! `build.rs`: one struct literal per operation), builds each with its own `build` for the
//! crate's endpoint in `cn-north-4`, signs it with the OBS signer, and compares: XML
//! bodies as trees (elements in order, attributes, text), JSON bodies as values, query
//! pairs as a set (the SDK sorts them), everything else exactly. Differences the SDK's own bugs or choices, or the
//! corrections of `specs/overrides.json`, explain are listed, with their reason, in
//! `differences.json`; any other difference, or a listed one that no longer happens, fails.

use codegen::model::{EnumValue, Model, Param, Role, TypeKind, TypeRef};
use obs::auth::Signer;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Headers that vary with the time or the client's version (as `agree.py` drops them).
const DROPPED_HEADERS: &[&str] = &["date", "authorization", "user-agent"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/obs-agreement")
}

/// The values of one request: parameters by wire name, the body, the object's bytes.
pub struct Values {
    params: BTreeMap<String, Value>,
    body: Value,
    object: Vec<u8>,
}

/// The request field of an object's bytes (`PutObject`'s body, required or not).
pub trait ObjectBytes {
    fn from_bytes(bytes: Vec<u8>) -> Self;
}

impl ObjectBytes for obs::Body {
    fn from_bytes(bytes: Vec<u8>) -> Self {
        bytes.into()
    }
}

impl ObjectBytes for Option<obs::Body> {
    fn from_bytes(bytes: Vec<u8>) -> Self {
        Some(bytes.into())
    }
}

impl Values {
    /// The parameter `wire` as the field's type (`None` for an optional one not given).
    fn param<T: DeserializeOwned>(&self, wire: &str) -> Result<T, String> {
        let value = self.params.get(wire).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| format!("parameter `{wire}`: {e}"))
    }

    /// The body, through the generated model's serde `Deserialize`.
    fn body<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(self.body.clone()).map_err(|e| format!("body: {e}"))
    }

    fn object<T: ObjectBytes>(&self) -> T {
        T::from_bytes(self.object.clone())
    }

    /// A file field of a form: `<wire>.bin` holding `FILE-<wire>`.
    fn file(&self, wire: &str) -> obs::FormFile {
        obs::FormFile::bytes(format!("{wire}.bin"), format!("FILE-{wire}").into_bytes())
    }
}

include!(concat!(env!("OUT_DIR"), "/obs_requests.rs"));

/// A value by the rule `agree.py` follows, for a value of type `ty` named `wire`.
fn value(model: &Model, ty: &TypeRef, wire: &str, rules: &Value, depth: usize) -> Value {
    assert!(depth < 16, "`{wire}`: the rule does not fill recursive types");
    match ty {
        TypeRef::String => json!(format!("v-{wire}")),
        TypeRef::I8 | TypeRef::I16 | TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => json!(7),
        TypeRef::F64 => json!(1.5),
        TypeRef::Bool => json!(true),
        TypeRef::DateTime => rules["date_time"].clone(),
        TypeRef::Any => json!({ "k": format!("v-{wire}") }),
        TypeRef::Array(item) if **item == TypeRef::String => json!([format!("a-{wire}"), format!("b-{wire}")]),
        TypeRef::Array(item) => {
            let one = value(model, item, wire, rules, depth + 1);
            json!([one.clone(), one])
        }
        TypeRef::Map(item) => json!({ "k": value(model, item, wire, rules, depth + 1) }),
        TypeRef::Named(id) => match &model.get(*id).kind {
            TypeKind::Enum(def) => match &def.values[0] {
                EnumValue::String(text) => json!(text),
                EnumValue::Integer(n) => json!(n),
            },
            TypeKind::Struct(def) => Value::Object(
                def.fields
                    .iter()
                    .map(|f| (f.json_name.clone(), value(model, &f.ty, &f.json_name, rules, depth + 1)))
                    .collect(),
            ),
            TypeKind::Alias(inner) | TypeKind::Newtype(inner) => value(model, inner, wire, rules, depth + 1),
        },
    }
}

fn param_value(model: &Model, param: &Param, rules: &Value) -> Value {
    match param.role {
        Role::Bucket => rules["bucket"].clone(),
        Role::ObjectKey => rules["object_key"].clone(),
        Role::Switch => json!(true),
        // `x-obs-meta-xxx`: one header of the family, named as the spec names it.
        Role::HeaderFamily => {
            let key = &param.name[param.family_prefix().len()..];
            json!({ key: format!("v-{}", param.name) })
        }
        _ => value(model, &param.ty, &param.name, rules, 0),
    }
}

/// An XML document as a tree: elements with their attributes and children, text trimmed;
/// the declaration, comments and whitespace between elements left out.
#[derive(Debug, PartialEq)]
enum Node {
    Element { name: String, attributes: Vec<(String, String)>, children: Vec<Node> },
    Text(String),
}

fn xml_tree(text: &str) -> Result<Vec<Node>, String> {
    use quick_xml::events::{BytesStart, Event};
    /// An element whose end is still to come, with what it holds so far.
    fn open(e: &BytesStart) -> Result<Node, String> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let mut attributes = Vec::new();
        for attribute in e.attributes() {
            let attribute = attribute.map_err(|e| e.to_string())?;
            let value = attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
            attributes.push((String::from_utf8_lossy(attribute.key.as_ref()).into_owned(), value.into_owned()));
        }
        attributes.sort();
        Ok(Node::Element { name, attributes, children: Vec::new() })
    }
    fn push(stack: &mut [Node], node: Node) {
        if let Some(Node::Element { children, .. }) = stack.last_mut() {
            children.push(node);
        }
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack = vec![Node::Element { name: String::new(), attributes: Vec::new(), children: Vec::new() }];
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => stack.push(open(&e)?),
            Event::Empty(e) => {
                let node = open(&e)?;
                push(&mut stack, node);
            }
            Event::End(_) => {
                let node = stack.pop().filter(|_| !stack.is_empty()).ok_or("an end tag without a start")?;
                push(&mut stack, node);
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                let text = quick_xml::escape::unescape(&text).map_err(|e| e.to_string())?;
                if !text.trim().is_empty() {
                    push(&mut stack, Node::Text(text.trim().to_owned()));
                }
            }
            Event::GeneralRef(r) => {
                let entity = format!("&{};", r.decode().map_err(|e| e.to_string())?);
                let text = quick_xml::escape::unescape(&entity).map_err(|e| e.to_string())?.into_owned();
                push(&mut stack, Node::Text(text));
            }
            Event::CData(t) => push(&mut stack, Node::Text(String::from_utf8_lossy(&t).into_owned())),
            Event::Eof => break,
            _ => {}
        }
    }
    match (stack.pop(), stack.is_empty()) {
        (Some(Node::Element { children, .. }), true) => Ok(children),
        _ => Err("unclosed elements".to_owned()),
    }
}

/// Whether two bodies say the same: XML as trees, JSON as values (its objects' members
/// are unordered), anything else as text.
fn same_body(sdk: &Value, ours: &Value) -> bool {
    let (Some(a), Some(b)) = (sdk.as_str(), ours.as_str()) else {
        return sdk == ours;
    };
    if a.trim_start().starts_with('<') {
        if let (Ok(a), Ok(b)) = (xml_tree(a), xml_tree(b)) {
            return a == b;
        }
    }
    if let (Ok(a), Ok(b)) = (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)) {
        return a == b;
    }
    a == b
}

/// What the generated crate sends for `entry`'s operation, as `sdk.json` records it.
fn sent(model: &Model, rules: &Value, endpoint: &obs::Endpoint, operation: &str) -> Result<Value, String> {
    let op = model.operations.iter().find(|op| op.id == operation).ok_or("the model has no such operation")?;
    let params = op.params.iter().map(|p| (p.name.clone(), param_value(model, p, rules))).collect();
    let body = match op.body.as_ref().map(|b| &b.kind) {
        Some(codegen::model::BodyKind::Json(ty) | codegen::model::BodyKind::Xml(ty)) => value(model, ty, "body", rules, 0),
        _ => Value::Null,
    };
    let object = rules["object_bytes"].as_str().expect("object_bytes").as_bytes().to_vec();
    let values = Values { params, body, object };
    let mut request = build_obs_request(operation, &values, endpoint).ok_or("no generated request type")??;
    let signer = obs::huawei::AkSk::new("AK", "SK");
    Signer::sign(&signer, &mut request, std::time::SystemTime::now()).map_err(|e| e.to_string())?;
    let uri = request.uri();
    let mut headers = BTreeMap::new();
    for (name, value) in request.headers() {
        if !DROPPED_HEADERS.contains(&name.as_str()) {
            headers.insert(name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
    }
    let body = request.body().as_bytes().filter(|b| !b.is_empty()).map(|b| String::from_utf8_lossy(b).into_owned());
    let mut query: Vec<String> = uri.query().map(|q| q.split('&').map(str::to_owned).collect()).unwrap_or_default();
    query.sort_unstable();
    Ok(json!({
        "method": request.method().as_str(),
        "host": uri.host(),
        "path": uri.path(),
        "query": query,
        "headers": headers,
        "body": body,
    }))
}

/// The fields that differ (`path`, `query`, `header <name>`, `body`, ...), each with
/// both values.
fn differences(sdk: &Value, ours: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for field in ["method", "host", "path"] {
        if sdk[field] != ours[field] {
            out.insert(field.to_owned(), format!("SDK {} ours {}", sdk[field], ours[field]));
        }
    }
    let mut sdk_query: Vec<&Value> = sdk["query"].as_array().expect("query").iter().collect();
    sdk_query.sort_by_key(|v| v.as_str().unwrap_or(""));
    let ours_query: Vec<&Value> = ours["query"].as_array().expect("query").iter().collect();
    if sdk_query != ours_query {
        out.insert("query".to_owned(), format!("SDK {sdk_query:?} ours {ours_query:?}"));
    }
    let (sdk_headers, ours_headers) = (sdk["headers"].as_object().expect("headers"), ours["headers"].as_object().expect("headers"));
    for name in sdk_headers.keys().chain(ours_headers.keys().filter(|k| !sdk_headers.contains_key(*k))) {
        if sdk_headers.get(name) != ours_headers.get(name) {
            let both = format!("SDK {:?} ours {:?}", sdk_headers.get(name), ours_headers.get(name));
            out.insert(format!("header {name}"), both);
        }
    }
    if !same_body(&sdk["body"], &ours["body"]) {
        out.insert("body".to_owned(), format!("SDK {} ours {}", sdk["body"], ours["body"]));
    }
    out
}

#[test]
fn every_obs_operation_sends_what_the_official_sdk_sends() {
    let sdk: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join("sdk.json")).expect("sdk.json"))
        .expect("JSON");
    // Per operation, per differing field (`path`, `query`, `header <name>`, `body`), why.
    let listed: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("differences.json")).expect("differences.json"),
    )
    .expect("JSON");
    let config = codegen::Config {
        specs: root().join("specs/obs"),
        crate_name: "obs".to_owned(),
        specs_label: "specs/obs".to_owned(),
        regenerate: "cargo run -p codegen".to_owned(),
        extras: None,
        overrides: Some(root().join("specs/overrides.json")),
        runtime: String::new(),
        strict: true,
        default_settings: None,
    };
    let (model, _) = codegen::model_and_names(&config).unwrap_or_else(|failure| panic!("specs/obs: {failure}"));
    // The SDK's table and the crate's agree on the region's endpoint; no override is read.
    let endpoint = obs::SERVICE.endpoint_in(&obs::Env::from_pairs::<&str, &str>([]), "cn-north-4").expect("endpoint");
    assert_eq!(endpoint.base_url().trim_end_matches('/'), sdk["endpoint"].as_str().expect("endpoint"));
    let rules = &sdk["values"];
    let operations = sdk["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), model.operations.len(), "sdk.json covers every operation of specs/obs");
    let (mut agree, mut differ, mut without_sdk) = (0, BTreeMap::new(), 0);
    for entry in operations {
        let operation = entry["operation"].as_str().expect("operation");
        if entry.get("error").is_some() {
            without_sdk += 1;
            continue;
        }
        let ours = sent(&model, rules, &endpoint, operation).unwrap_or_else(|e| panic!("{operation}: {e}"));
        let found = differences(entry, &ours);
        if found.is_empty() {
            agree += 1;
        } else {
            differ.insert(operation.to_owned(), found);
        }
    }
    let listed_fields: usize = listed.values().map(BTreeMap::len).sum();
    println!(
        "OBS agreement: {} operations, {} built by the SDK, {agree} agree, {} differ in {} listed differences, {without_sdk} not in the SDK",
        operations.len(),
        operations.len() - without_sdk,
        differ.len(),
        listed_fields,
    );
    let mut unexpected = Vec::new();
    for (operation, fields) in &differ {
        for (field, both) in fields {
            if !listed.get(operation).is_some_and(|l| l.contains_key(field)) {
                println!("{operation} {field}: {both}");
                unexpected.push(format!("{operation} {field}"));
            }
        }
    }
    let stale: Vec<String> = listed
        .iter()
        .flat_map(|(operation, fields)| fields.keys().map(move |field| (operation, field)))
        .filter(|(operation, field)| !differ.get(*operation).is_some_and(|d| d.contains_key(*field)))
        .map(|(operation, field)| format!("{operation} {field}"))
        .collect();
    assert!(unexpected.is_empty(), "differences from the SDK not listed in differences.json: {unexpected:?}");
    assert!(stale.is_empty(), "listed differences that no longer happen: {stale:?}");
}

#[test]
fn xml_bodies_compare_as_trees_in_order() {
    let sdk = json!("<A><B x=\"1\">text</B><C/></A>");
    let same = json!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<A>\n  <B x='1'>text</B>\n  <C></C>\n</A>");
    assert!(same_body(&sdk, &same));
    assert!(!same_body(&sdk, &json!("<A><C/><B x=\"1\">text</B></A>")), "sibling order counts");
    assert!(!same_body(&sdk, &json!("<A><B x=\"2\">text</B><C/></A>")), "attributes count");
    assert!(!same_body(&sdk, &json!("<A><B x=\"1\">other</B><C/></A>")), "text counts");
    assert!(same_body(&json!("{\"a\": 1, \"b\": [2]}"), &json!("{\"b\":[2],\"a\":1}")), "JSON as values");
    assert!(!same_body(&json!("{\"b\": [2, 3]}"), &json!("{\"b\":[3,2]}")), "JSON arrays keep their order");
}
