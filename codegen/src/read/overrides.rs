//! Corrections of vendor mistakes, applied to the JSON of a spec before it is parsed.
//!
//! Vendored files stay untouched; every correction lives in one reviewable file
//! (`specs/overrides.json`) with the pointer it changes, the value it expects to find
//! there, the new value, the reason and the payload that shows the problem. An override
//! whose expected value is no longer in the spec is an error, so a spec update can never
//! silently invalidate a correction. Each corrected schema gets an `x-codegen-overrides`
//! note, which ends up in the generated docs.

use crate::diag::{Diagnostic, Diagnostics};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Extension key under which applied corrections are noted on the schema they change.
pub const NOTE_KEY: &str = "x-codegen-overrides";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverridesFile {
    /// Free text for reviewers.
    #[serde(rename = "$comment", default)]
    _comment: Option<Value>,
    overrides: Vec<Override>,
}

/// One correction.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Spec files it applies to, relative to the overrides file's folder; `*` matches
    /// within a file name (`functiongraph/*.json`).
    pub files: String,
    /// RFC 6901 pointer into each matching file.
    pub pointer: String,
    /// The value the vendor's spec has there now; absent when the override adds a value.
    #[serde(default)]
    pub expect: Option<Value>,
    /// The corrected value; absent when the override removes the value.
    #[serde(default)]
    pub set: Option<Value>,
    /// Why the spec is wrong.
    pub reason: String,
    /// The payload that shows it (a fixture path with a pointer, or an example's pointer).
    pub evidence: String,
}

/// The corrections of one overrides file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    path: PathBuf,
    entries: Vec<Override>,
}

impl Overrides {
    pub fn load(path: &Path) -> Result<Self, Diagnostic> {
        let bytes = std::fs::read(path)
            .map_err(|e| Diagnostic::error(path, "", format!("cannot read overrides: {e}")))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let file: OverridesFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let pointer = e.path().to_string();
            Diagnostic::error(path, "", format!("invalid overrides file at `{pointer}`: {}", e.inner()))
        })?;
        for (i, entry) in file.overrides.iter().enumerate() {
            if entry.expect.is_none() && entry.set.is_none() {
                return Err(Diagnostic::error(
                    path,
                    format!("/overrides/{i}"),
                    "an override needs `expect` (to replace or remove) or `set` (to add)",
                ));
            }
            if !entry.pointer.starts_with('/') {
                return Err(Diagnostic::error(
                    path,
                    format!("/overrides/{i}/pointer"),
                    format!("`{}` is not a JSON pointer", entry.pointer),
                ));
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            entries: file.overrides,
        })
    }

    /// The folder `files` patterns are relative to.
    pub fn base(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }

    pub fn entries(&self) -> &[Override] {
        &self.entries
    }

    /// Applies every override whose pattern matches `relative` (the spec's path relative
    /// to [`base`](Self::base)) to `value`. Returns the indices of those that applied.
    pub fn apply(&self, relative: &str, file: &Path, value: &mut Value, diags: &mut Diagnostics) -> Vec<usize> {
        let mut applied = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if !matches_pattern(&entry.files, relative) {
                continue;
            }
            match apply_one(entry, value) {
                Outcome::Applied => {
                    note(value, &entry.pointer, &entry.reason, &self.path);
                    applied.push(i);
                }
                Outcome::NotHere => {}
                Outcome::Changed(found) => diags.push(
                    Diagnostic::error(
                        file,
                        entry.pointer.clone(),
                        format!(
                            "override {i} of {} expects {} here, but the spec has {found}",
                            self.path.display(),
                            entry.expect.as_ref().map_or("nothing".to_owned(), Value::to_string),
                        ),
                    )
                    .with_hint("the vendor changed the spec: check whether the correction is still needed, then update or delete it"),
                ),
            }
        }
        applied
    }

    /// Errors for overrides of the folder `prefix` (relative to [`base`](Self::base), as
    /// `functiongraph/`) that applied to no file at all: stale corrections. Entries about
    /// other folders (other services sharing the overrides file) are not this run's.
    pub fn unused(&self, applied: &HashSet<usize>, prefix: &str) -> Vec<Diagnostic> {
        (0..self.entries.len())
            .filter(|i| !applied.contains(i))
            .filter(|i| folder_of(&self.entries[*i].files) == prefix)
            .map(|i| {
                let entry = &self.entries[i];
                Diagnostic::error(
                    &self.path,
                    format!("/overrides/{i}"),
                    format!(
                        "override of `{}` in `{}` matches no spec (no file has {} there)",
                        entry.pointer,
                        entry.files,
                        entry.expect.as_ref().map_or("that parent".to_owned(), Value::to_string)
                    ),
                )
                .with_hint("the vendor changed the spec or the override is mistyped; update or delete it")
            })
            .collect()
    }
}

enum Outcome {
    Applied,
    /// The file does not have the place the override is about.
    NotHere,
    /// The file has another value than expected.
    Changed(String),
}

fn apply_one(entry: &Override, value: &mut Value) -> Outcome {
    let (parent_pointer, last) = split_pointer(&entry.pointer);
    let current = value.pointer(&entry.pointer).cloned();
    match (&entry.expect, current) {
        (Some(expect), Some(found)) if *expect == found => {}
        (Some(_), Some(found)) => return Outcome::Changed(found.to_string()),
        (Some(_), None) => return Outcome::NotHere,
        (None, Some(found)) => return Outcome::Changed(found.to_string()),
        (None, None) => {
            if !value.pointer(&parent_pointer).is_some_and(Value::is_object) {
                return Outcome::NotHere;
            }
        }
    }
    let Some(parent) = value.pointer_mut(&parent_pointer) else {
        return Outcome::NotHere;
    };
    match (parent, &entry.set) {
        (Value::Object(map), Some(new)) => {
            map.insert(last, new.clone());
        }
        (Value::Object(map), None) => {
            map.shift_remove(&last);
        }
        (Value::Array(items), set) => {
            let Ok(index) = last.parse::<usize>() else {
                return Outcome::NotHere;
            };
            if index >= items.len() {
                return Outcome::NotHere;
            }
            match set {
                Some(new) => items[index] = new.clone(),
                None => {
                    items.remove(index);
                }
            }
        }
        _ => return Outcome::NotHere,
    }
    Outcome::Applied
}

/// Records the correction on the object that holds the changed key (for an array item,
/// on the object holding the array; for a whole schema set in a map of schemas, such as a
/// property, on that schema), so the generated docs can mention it.
fn note(value: &mut Value, pointer: &str, reason: &str, file: &Path) {
    let (mut target, _) = split_pointer(pointer);
    if value.pointer(&target).is_some_and(Value::is_array) {
        target = split_pointer(&target).0;
    }
    let in_schema_map = matches!(split_pointer(&target).1.as_str(), "properties" | "definitions");
    if in_schema_map {
        // A schema set or changed carries its own note; a removed one is noted on the
        // schema that held it, never as a property of the map itself.
        target = match value.pointer(pointer).is_some_and(Value::is_object) {
            true => pointer.to_owned(),
            false => split_pointer(&target).0,
        };
    }
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(Value::Object(map)) = value.pointer_mut(&target) {
        let notes = map
            .entry(NOTE_KEY)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = notes {
            items.push(Value::String(format!("{reason} (correction in `specs/{file_name}`)")));
        }
    }
}

/// The folder part of a `files` pattern, ending in `/` (`functiongraph/`), or `""`.
fn folder_of(pattern: &str) -> &str {
    pattern.rfind('/').map_or("", |i| &pattern[..=i])
}

/// `/a/b/c` → (`/a/b`, `c`), the last token unescaped.
fn split_pointer(pointer: &str) -> (String, String) {
    match pointer.rfind('/') {
        Some(i) => (
            pointer[..i].to_owned(),
            pointer[i + 1..].replace("~1", "/").replace("~0", "~"),
        ),
        None => (String::new(), pointer.to_owned()),
    }
}

/// `*` matches any run of characters except `/`; everything else matches itself.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Classic wildcard matching with backtracking to the last star.
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star.filter(|_| t[mark] != '/') {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(pointer: &str, expect: Option<Value>, set: Option<Value>) -> Override {
        Override {
            files: "fg/*.json".to_owned(),
            pointer: pointer.to_owned(),
            expect,
            set,
            reason: "examples omit it".to_owned(),
            evidence: "x".to_owned(),
        }
    }

    #[test]
    fn patterns() {
        assert!(matches_pattern("fg/*.json", "fg/CreateFunction.json"));
        assert!(!matches_pattern("fg/*.json", "fg/sub/CreateFunction.json"));
        assert!(matches_pattern("fg/Create*.json", "fg/CreateFunction.json"));
        assert!(!matches_pattern("fg/Create*.json", "fg/DeleteFunction.json"));
    }

    #[test]
    fn a_replaced_property_schema_carries_its_note() {
        let overrides = Overrides {
            path: PathBuf::from("specs/overrides.json"),
            entries: vec![entry(
                "/definitions/R/properties/Part",
                Some(json!({"$ref": "#/definitions/Part"})),
                Some(json!({"type": "array", "items": {"$ref": "#/definitions/Part"}})),
            )],
        };
        let mut spec = json!({"definitions": {"R": {"properties": {"Part": {"$ref": "#/definitions/Part"}}}}});
        let mut diags = Diagnostics::default();
        assert_eq!(overrides.apply("fg/X.json", Path::new("fg/X.json"), &mut spec, &mut diags), vec![0]);
        let properties = &spec["definitions"]["R"]["properties"];
        assert_eq!(properties.as_object().map(|m| m.len()), Some(1), "no note among the properties: {properties}");
        assert!(properties["Part"][NOTE_KEY].is_array(), "{properties}");
    }

    #[test]
    fn a_removed_property_is_noted_on_its_schema() {
        let overrides = Overrides {
            path: PathBuf::from("specs/overrides.json"),
            entries: vec![entry("/definitions/R/properties/R", Some(json!({"type": "xml"})), None)],
        };
        let mut spec = json!({"definitions": {"R": {"properties": {"R": {"type": "xml"}, "A": {"type": "boolean"}}}}});
        let mut diags = Diagnostics::default();
        assert_eq!(overrides.apply("fg/X.json", Path::new("fg/X.json"), &mut spec, &mut diags), vec![0]);
        assert_eq!(spec["definitions"]["R"]["properties"], json!({"A": {"type": "boolean"}}));
        assert!(spec["definitions"]["R"][NOTE_KEY].is_array(), "{spec}");
    }

    #[test]
    fn replace_add_remove_and_detect_changes() {
        let overrides = Overrides {
            path: PathBuf::from("specs/overrides.json"),
            entries: vec![
                entry("/definitions/S/required", Some(json!(["a", "b"])), Some(json!(["a"]))),
                entry("/definitions/S/properties/a/x-nullable", None, Some(json!(true))),
                entry("/definitions/T/type", Some(json!("string")), None),
            ],
        };
        let mut spec = json!({"definitions": {"S": {"required": ["a", "b"], "properties": {"a": {}}}}});
        let mut diags = Diagnostics::default();
        let applied = overrides.apply("fg/X.json", Path::new("fg/X.json"), &mut spec, &mut diags);
        assert_eq!(applied, vec![0, 1]);
        assert_eq!(spec["definitions"]["S"]["required"], json!(["a"]));
        assert_eq!(spec["definitions"]["S"]["properties"]["a"]["x-nullable"], json!(true));
        assert!(spec["definitions"]["S"][NOTE_KEY].is_array());
        assert!(!diags.has_errors());
        let applied = applied.into_iter().collect();
        assert_eq!(overrides.unused(&applied, "fg/").len(), 1);
        // Entries about another folder are not stale for this one.
        assert_eq!(overrides.unused(&applied, "obs/").len(), 0);

        let mut changed = json!({"definitions": {"S": {"required": ["a", "c"]}}});
        overrides.apply("fg/Y.json", Path::new("fg/Y.json"), &mut changed, &mut diags);
        assert!(diags.has_errors(), "a changed spec is an error");
    }
}
