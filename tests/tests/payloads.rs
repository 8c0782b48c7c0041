//! Real payloads round-trip: every example in the vendored specs (request examples and
//! response examples of every status) and every payload of the seed documents loads into
//! its generated type and serializes back to an equal JSON value.
//!
//! The payload's type is found from the spec's own data (the definition a body or
//! response schema refers to), independently of codegen. Overrides (specs/overrides.json)
//! are applied by codegen at read time, so the examples are checked against the corrected
//! types. A payload may only fail when `tests/fixtures/payloads-expected-failures.json`
//! lists it with a reason.

use heck::ToUpperCamelCase;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/model_dispatch.rs"));

fn roundtrip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| format!("does not load: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("does not serialize: {e}"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One payload and the definition it should load into.
struct Payload {
    /// `file#pointer` of the payload.
    label: String,
    definition: String,
    value: Value,
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn ref_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
        .map(str::to_owned)
}

/// `(METHOD, path template)` → the body definition of that operation, over all specs.
type Routes = BTreeMap<(String, String), String>;

fn body_definition(spec: &Value, op: &Value) -> Option<String> {
    op["parameters"].as_array().into_iter().flatten().find_map(|p| {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => &spec["parameters"][r.trim_start_matches("#/parameters/")],
            None => p,
        };
        (p["in"] == "body").then(|| ref_name(&p["schema"])).flatten()
    })
}

fn routes(specs: &[(PathBuf, Value)]) -> Routes {
    let mut out = Routes::new();
    for (_, spec) in specs {
        for (route, item) in spec["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(definition) = body_definition(spec, op) {
                    out.insert((method.to_uppercase(), route.clone()), definition);
                }
            }
        }
    }
    out
}

/// The operation an example's own `x-request-examples-url-N` names
/// (`POST https://{Endpoint}/v2/{project_id}/fgs/dependencies/version`), when the vendor
/// filed the example under another operation.
fn example_route(op: &Value, n: &str, routes: &Routes) -> Option<String> {
    let url = op[format!("x-request-examples-url-{n}")].as_str()?;
    let (method, rest) = url.split_once(' ')?;
    let path = rest.trim().trim_start_matches("https://{Endpoint}");
    let path = path.split('?').next()?;
    routes.get(&(method.to_uppercase(), path.to_owned())).cloned()
}

/// The examples of one spec file, after the overrides codegen applies.
fn spec_payloads(path: &Path, spec: &Value, routes: &Routes, out: &mut Vec<Payload>, skipped: &mut Vec<String>) {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    for (route, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let at = format!("{file}#/paths/{}/{method}", escape(route));
            let body = body_definition(spec, op);
            for (key, example) in op.as_object().into_iter().flatten() {
                let Some(n) = key.strip_prefix("x-request-examples-") else { continue };
                if n.parse::<u32>().is_err() {
                    continue;
                }
                match body.clone().or_else(|| example_route(op, n, routes)) {
                    Some(definition) => out.push(Payload {
                        label: format!("{at}/{key}"),
                        definition,
                        value: example.clone(),
                    }),
                    None => skipped.push(format!("{at}/{key}: the operation has no body definition")),
                }
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                for (media, example) in response["examples"].as_object().into_iter().flatten() {
                    let label = format!("{at}/responses/{status}/examples/{}", escape(media));
                    match ref_name(&response["schema"]) {
                        Some(definition) if media.contains("json") => out.push(Payload {
                            label,
                            definition,
                            value: example.clone(),
                        }),
                        Some(_) => skipped.push(format!("{label}: `{media}` is not JSON")),
                        None => skipped.push(format!("{label}: the response has no body definition")),
                    }
                }
            }
        }
    }
}

/// The specs as codegen reads them: overrides applied.
fn corrected_specs() -> Vec<(PathBuf, Value)> {
    let dir = root().join("specs/functiongraph");
    let overrides = codegen::read::Overrides::load(&root().join("specs/overrides.json"))
        .unwrap_or_else(|d| panic!("{d}"));
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let mut value: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
            let relative = format!("functiongraph/{}", path.file_name().unwrap().to_string_lossy());
            let mut diags = codegen::diag::Diagnostics::default();
            overrides.apply(&relative, &path, &mut value, &mut diags);
            assert!(!diags.has_errors(), "{diags}");
            (path, value)
        })
        .collect()
}

fn seed_payloads(out: &mut Vec<Payload>) {
    let dir = root().join("tests/fixtures/seeds");
    let index: Value = serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    for entry in index.as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        out.push(Payload {
            label: format!("tests/fixtures/seeds/{file}"),
            definition: entry["definition"].as_str().unwrap().to_owned(),
            value: serde_json::from_slice(&fs::read(dir.join(file)).unwrap()).unwrap(),
        });
    }
}

#[test]
fn every_payload_round_trips() {
    let mut payloads = Vec::new();
    let mut skipped = Vec::new();
    let specs = corrected_specs();
    let routes = routes(&specs);
    for (path, spec) in &specs {
        spec_payloads(path, spec, &routes, &mut payloads, &mut skipped);
    }
    let from_specs = payloads.len();
    seed_payloads(&mut payloads);

    let expected: BTreeMap<String, String> = {
        let path = root().join("tests/fixtures/payloads-expected-failures.json");
        let list: Vec<Value> = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        list.iter()
            .map(|e| (e["payload"].as_str().unwrap().to_owned(), e["reason"].as_str().unwrap().to_owned()))
            .collect()
    };

    let mut failures = BTreeMap::new();
    for payload in &payloads {
        let name = payload.definition.to_upper_camel_case();
        let outcome = match roundtrip_as(&name, &payload.value) {
            None => Err(format!("no model type `{name}`")),
            Some(Err(e)) => Err(e),
            Some(Ok(back)) if back == payload.value => Ok(()),
            Some(Ok(back)) => Err(format!(
                "round trip changed the value:\n  sent {}\n  back {}",
                payload.value, back
            )),
        };
        if let Err(e) = outcome {
            failures.insert(payload.label.clone(), format!("{name}: {e}"));
        }
    }

    let passed = payloads.len() - failures.len();
    println!(
        "payloads: {} checked ({from_specs} spec examples, {} seed payloads), {passed} round-trip, {} expected failures; {} examples not checked:",
        payloads.len(),
        payloads.len() - from_specs,
        expected.len(),
        skipped.len()
    );
    for s in &skipped {
        println!("  not checked: {s}");
    }
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(label, _)| !expected.contains_key(*label))
        .map(|(label, e)| format!("{label}\n  {e}"))
        .collect();
    let stale: Vec<&String> = expected.keys().filter(|label| !failures.contains_key(*label)).collect();
    assert!(unexpected.is_empty(), "{} payloads fail:\n{}", unexpected.len(), unexpected.join("\n"));
    assert!(stale.is_empty(), "expected failures that now pass (remove them): {stale:?}");
    assert!(payloads.len() >= 100, "too few payloads found: {}", payloads.len());
}

#[test]
fn required_fields_only_give_minimal_json() {
    use functiongraph::models::{CreateFunctionRequestBody, Runtime, StrategyConfig};
    let body = CreateFunctionRequestBody::builder()
        .func_name("hello")
        .handler("index.handler")
        .memory_size(128)
        .package("default")
        .runtime(Runtime::Python3_9)
        .timeout(3)
        .build()
        .expect("every required value is set");
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::json!({
            "func_name": "hello",
            "handler": "index.handler",
            "memory_size": 128,
            "package": "default",
            "runtime": "Python3.9",
            "timeout": 3
        })
    );
    assert_eq!(serde_json::to_value(StrategyConfig::new(5)).unwrap(), serde_json::json!({"concurrency": 5}));
}
