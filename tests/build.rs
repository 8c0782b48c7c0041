//! Writes `$OUT_DIR/model_dispatch.rs`: a function that round-trips a JSON value through
//! the generated model type of a given name, so that payload tests can pick the type
//! from data (the spec's definition name) instead of a hand-kept list.

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
}
