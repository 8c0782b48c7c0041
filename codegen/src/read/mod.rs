//! Stage 1, read: spec files on disk → typed documents.
//!
//! Only parsing happens here. A file that is not JSON, or whose structure does not fit,
//! yields a diagnostic with the file and the JSON pointer of the offending value; the other
//! files are still read so that one run reports every broken file.

mod document;
mod overrides;
mod quirks;
mod schema;

pub use document::{
    Components, Document, Header, MediaType, Operation, Parameter, PathItem, RequestBody,
    Response, Responses,
};
pub use overrides::{Override, Overrides, NOTE_KEY};
pub use quirks::{AdditionalProperties, Required, StringList};
pub use schema::{Schema, XmlHint};

use crate::diag::{escape_token, Diagnostic, Diagnostics};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One parsed spec file.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// Path as found on disk (used in diagnostics).
    pub path: PathBuf,
    /// File stem, e.g. `CreateFunction`; files are ordered by it.
    pub stem: String,
    pub document: Document,
}

/// Lists the `*.json` files of `dir`, sorted by name so that the result never depends on
/// the order the file system returns them in.
pub fn list_spec_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(dir, "", format!("cannot read the spec folder: {e}"))
            .with_hint("pass an existing folder of *.json files with --specs")
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Diagnostic::error(dir, "", e.to_string()))?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::error(dir, "", "no *.json spec files in this folder"));
    }
    Ok(files)
}

/// Reads every spec file of `dir`, corrected by `overrides`. Returns the files that
/// parsed and the problems found.
pub fn read_dir(dir: &Path, overrides: Option<&Overrides>) -> (Vec<SpecFile>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let files = match list_spec_files(dir) {
        Ok(files) => files,
        Err(d) => {
            diags.push(d);
            return (Vec::new(), diags);
        }
    };
    let prefix = overrides.map(|o| relative_dir(o.base(), dir)).unwrap_or_default();
    let mut applied = std::collections::HashSet::new();
    let mut specs = Vec::with_capacity(files.len());
    for path in files {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                diags.push(Diagnostic::error(&path, "", format!("cannot read file: {e}")));
                continue;
            }
        };
        let mut value = match parse_value(&path, &bytes) {
            Ok(value) => value,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if let Some(overrides) = overrides {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let relative = format!("{prefix}{name}");
            applied.extend(overrides.apply(&relative, &path, &mut value, &mut diags));
        }
        if is_empty_document(&value) {
            diags.push(Diagnostic::warning(&path, "", "empty document (no `paths`): skipped"));
            continue;
        }
        match parse_document_lenient(&path, value) {
            Ok(spec) => specs.push(spec),
            Err(d) => diags.push(d),
        }
    }
    if let Some(overrides) = overrides {
        for d in overrides.unused(&applied, &prefix) {
            diags.push(d);
        }
    }
    (specs, diags)
}

/// `dir` relative to `base`, as a `/`-separated prefix ending in `/` (`functiongraph/`).
fn relative_dir(base: &Path, dir: &Path) -> String {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (base, dir) = (canonical(base), canonical(dir));
    let relative = dir.strip_prefix(&base).map(Path::to_path_buf).unwrap_or_else(|_| {
        dir.file_name().map(PathBuf::from).unwrap_or_default()
    });
    let mut out = String::new();
    for part in relative.components() {
        out.push_str(&part.as_os_str().to_string_lossy());
        out.push('/');
    }
    out
}

/// Deepest JSON nesting accepted. Catalogue files nest about 13 levels; the limit keeps
/// every later stage (all recursive) within a small thread stack.
pub const MAX_JSON_DEPTH: usize = 48;

/// Parses raw bytes as JSON. Syntax errors have no pointer, so line and column are given.
pub fn parse_value(path: &Path, bytes: &[u8]) -> Result<Value, Diagnostic> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Diagnostic::error(path, "", format!("not valid JSON: {e}"))
            .with_hint("API Explorer files are UTF-8 JSON documents")
    })?;
    if let Some(deep) = too_deep(&value) {
        return Err(Diagnostic::error(
            path,
            deep,
            format!("nested deeper than {MAX_JSON_DEPTH} levels"),
        )
        .with_hint("API Explorer specs nest about 13 levels; this file is likely corrupt"));
    }
    Ok(value)
}

/// The pointer of the first value nested deeper than [`MAX_JSON_DEPTH`], found without
/// recursion.
fn too_deep(value: &Value) -> Option<String> {
    let mut pending: Vec<(&Value, String, usize)> = vec![(value, String::new(), 0)];
    while let Some((v, at, depth)) = pending.pop() {
        if depth > MAX_JSON_DEPTH {
            return Some(at);
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    pending.push((child, format!("{at}/{}", escape_token(k)), depth + 1));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    pending.push((child, format!("{at}/{i}"), depth + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a file holds nothing to generate: the catalogue's placeholder string `"{}"`, an
/// empty object, or a document without `paths` (nor definitions that would make types).
pub fn is_empty_document(value: &Value) -> bool {
    let blank = |key: &str, map: &serde_json::Map<String, Value>| match map.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Object(inner)) => inner.is_empty(),
        Some(_) => false,
    };
    match value {
        Value::String(text) => text.trim().trim_matches(|c| c == '{' || c == '}').trim().is_empty(),
        Value::Object(map) => ["paths", "definitions", "components"].iter().all(|key| blank(key, map)),
        _ => false,
    }
}

/// The key that marks a schema the reader could not understand; its value says why. The
/// model stage turns such a schema into raw JSON and reports it as degraded.
pub const UNREADABLE_KEY: &str = "x-codegen-unreadable";

/// Most schemas one file may have replaced by [`UNREADABLE_KEY`] markers before the file
/// as a whole counts as unreadable.
const MAX_UNREADABLE: usize = 32;

/// [`parse_document`], but a schema whose shape does not fit (CAE's `Agency` has an
/// `enum` list among its `properties`) is replaced by a marker instead of failing the file:
/// only that schema is lost.
pub fn parse_document_lenient(path: &Path, mut value: Value) -> Result<SpecFile, Diagnostic> {
    for _ in 0..MAX_UNREADABLE {
        let error = match parse_document_ref(path, &value) {
            Ok(spec) => return Ok(spec),
            Err(error) => error,
        };
        let Some(at) = enclosing_schema(&error.pointer) else {
            return Err(error);
        };
        let Some(slot) = value.pointer_mut(&at) else {
            return Err(error);
        };
        let why = format!("{} (at {})", error.message, error.pointer);
        *slot = serde_json::json!({ UNREADABLE_KEY: why });
    }
    parse_document_ref(path, &value)
}

/// The pointer of the innermost schema containing `pointer` (itself included), judged by
/// the keys that hold schemas in Swagger 2.0 and OpenAPI 3.0.
fn enclosing_schema(pointer: &str) -> Option<String> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    (1..=tokens.len()).rev().find_map(|end| {
        let last = tokens[end - 1];
        let parent = end.checked_sub(2).map(|i| tokens[i]);
        let is_schema = matches!(last, "schema" | "items" | "additionalProperties")
            || matches!(parent, Some("properties" | "allOf" | "oneOf" | "anyOf"))
            || (end == 2 && parent == Some("definitions"))
            || (end == 3 && parent == Some("schemas") && tokens[0] == "components");
        is_schema.then(|| format!("/{}", tokens[..end].join("/")))
    })
}

/// Turns a JSON value into a typed document.
pub fn parse_document(path: &Path, value: Value) -> Result<SpecFile, Diagnostic> {
    parse_document_ref(path, &value)
}

/// [`parse_document`] without consuming the value, so that it can be retried.
fn parse_document_ref(path: &Path, value: &Value) -> Result<SpecFile, Diagnostic> {
    if !value.is_object() {
        return Err(Diagnostic::error(path, "", "the document is not a JSON object"));
    }
    if let Some(deep) = too_deep(value) {
        return Err(Diagnostic::error(path, deep, format!("nested deeper than {MAX_JSON_DEPTH} levels")));
    }
    let document: Document = serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        Diagnostic::error(path, pointer, e.into_inner().to_string())
    })?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(SpecFile {
        path: path.to_path_buf(),
        stem,
        document,
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_token(key));
            }
            Segment::Enum { variant } => {
                out.push('/');
                out.push_str(&escape_token(variant));
            }
            Segment::Unknown => {}
        }
    }
    out
}
