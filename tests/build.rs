//! Writes `$OUT_DIR/model_dispatch.rs`: a function that round-trips a JSON value through
//! the generated model type of a given name, so that payload tests can pick the type
//! from data (the spec's definition name) instead of a hand-kept list.
//!
//! Writes `$OUT_DIR/obs_requests.rs`: per OBS operation, the generated request type filled
//! field by field from values named by their wire names, so that the agreement test
//! (`tests/obs_agreement.rs`) builds all 96 with the generated code, from codegen's own
//! model and names of `specs/obs`.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/functiongraph/src/models/mod.rs");
    println!("cargo:rerun-if-changed={}", index.display());
    let source = std::fs::read_to_string(&index).unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    // `pub use module::{A, B};` or `pub use module::A;`, possibly over several lines.
    for statement in source.split(';') {
        let Some(start) = statement.find("pub use ") else { continue };
        let path = &statement[start + "pub use ".len()..];
        let list = match (path.find('{'), path.rfind('}')) {
            (Some(open), Some(close)) => &path[open + 1..close],
            _ => path.rsplit("::").next().unwrap_or(""),
        };
        names.extend(list.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned));
    }
    names.sort();
    names.dedup();
    // `XBuilder` next to `X` is the builder of the model `X`, not a serde type.
    let exported = names.clone();
    names.retain(|n| !n.strip_suffix("Builder").is_some_and(|model| exported.iter().any(|e| e == model)));
    let mut out = String::from(
        "/// Deserializes `value` as the model type `name` and serializes it back;\n\
         /// `None` when the crate has no such type.\n\
         pub fn roundtrip_as(name: &str, value: &serde_json::Value) -> Option<Result<serde_json::Value, String>> {\n\
         \x20   Some(match name {\n",
    );
    for name in &names {
        let _ = writeln!(out, "        {name:?} => roundtrip::<functiongraph::models::{name}>(value),");
    }
    out.push_str("        _ => return None,\n    })\n}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("model_dispatch.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
    obs_requests();
}

/// `build_obs_request(id, values, endpoint)`: a `match` on the operation id with, per
/// operation, a struct literal of its request type (every field named, so a field the
/// model and the generated crate disagree on fails to compile) whose values `values`
/// gives by wire name, built with the request type's own `build`.
fn obs_requests() {
    use codegen::model::{BodyKind, Location};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = root.join("specs/obs");
    let overrides = root.join("specs/overrides.json");
    println!("cargo:rerun-if-changed={}", specs.display());
    println!("cargo:rerun-if-changed={}", overrides.display());
    let config = codegen::Config {
        specs,
        crate_name: "obs".to_owned(),
        specs_label: "specs/obs".to_owned(),
        regenerate: "cargo run -p codegen".to_owned(),
        extras: None,
        overrides: Some(overrides),
        runtime: String::new(),
        strict: true,
        default_settings: None,
    };
    let (model, names) = codegen::model_and_names(&config).unwrap_or_else(|failure| panic!("specs/obs: {failure}"));
    let mut out = String::from(
        "/// The request of the OBS operation `id`, made by its generated request type from\n\
         /// `values` and built for `endpoint`; `None` for an unknown id.\n\
         pub fn build_obs_request(id: &str, values: &Values, endpoint: &obs::Endpoint) -> Option<Result<http::Request<obs::Body>, String>> {\n\
         \x20   Some(match id {\n",
    );
    for (op, op_names) in model.operations.iter().zip(&names.operations) {
        let _ = writeln!(out, "        {:?} => (|| {{", op.id);
        let _ = writeln!(out, "            let request = obs::operations::{} {{", op_names.request);
        for (param, field) in op.params.iter().zip(&op_names.params) {
            if field.is_empty() {
                continue;
            }
            if param.location == Location::FormFile {
                let _ = writeln!(out, "                {field}: values.file({:?}),", param.name);
            } else {
                let _ = writeln!(out, "                {field}: values.param({:?})?,", param.name);
            }
        }
        match op.body.as_ref().map(|b| &b.kind) {
            None | Some(BodyKind::Form) => {}
            Some(BodyKind::Binary) => {
                let _ = writeln!(out, "                {}: values.object(),", op_names.body);
            }
            Some(_) => {
                let _ = writeln!(out, "                {}: values.body()?,", op_names.body);
            }
        }
        out.push_str("            };\n");
        out.push_str("            let request = obs::Operation::build(&request, endpoint).map_err(|e| e.to_string())?;\n");
        out.push_str("            Ok(request.map(Into::into))\n");
        out.push_str("        })(),\n");
    }
    out.push_str("        _ => return None,\n    })\n}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("obs_requests.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
