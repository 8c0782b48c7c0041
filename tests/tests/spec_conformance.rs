//! The generated models against the spec itself.
//!
//! For every definition of every vendored FunctionGraph spec, the generated type must
//! have every property under the spec's JSON name, optional exactly when the spec does not
//! require it, with the Rust type the spec's type maps to. The expectations are derived
//! here from the raw JSON, independently of codegen's reader and model, and compared with
//! the generated source parsed by `syn`.

use heck::ToUpperCamelCase;
use quote::ToTokens;
use serde_json::Value;
use std::collections::HashMap;
use std::fs;
use std::path::Path;

/// What the generated source declares: structs with their fields, enums with their values.
#[derive(Default)]
struct Source {
    structs: HashMap<String, Vec<FieldInfo>>,
    enums: HashMap<String, Vec<String>>,
    aliases: HashMap<String, String>,
}

struct FieldInfo {
    json_name: String,
    ty: String,
}

fn compact(tokens: impl ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

/// The JSON name of each property a model's `FromJson` reads, by field: its body is one
/// `let field = reader.method("json name");` per property. The catch-all map, read by
/// `rest()`, is not among them.
fn json_names(item: &syn::ItemImpl) -> Option<HashMap<String, String>> {
    let (path, _) = item.trait_.as_ref()?;
    if path.segments.last()?.ident != "FromJson" {
        return None;
    }
    let mut names = HashMap::new();
    for impl_item in &item.items {
        let syn::ImplItem::Fn(f) = impl_item else { continue };
        for stmt in &f.block.stmts {
            let syn::Stmt::Local(local) = stmt else { continue };
            let (syn::Pat::Ident(binding), Some(init)) = (&local.pat, &local.init) else { continue };
            let syn::Expr::MethodCall(call) = &*init.expr else { continue };
            if let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(key), .. })) = call.args.first() {
                names.insert(binding.ident.to_string(), key.value());
            }
        }
    }
    Some(names)
}

/// Wire values of an open enum, read from its `as_str` (or `as_i64`) match.
fn enum_values(item: &syn::ItemImpl) -> Option<Vec<String>> {
    for impl_item in &item.items {
        let syn::ImplItem::Fn(f) = impl_item else { continue };
        if f.sig.ident != "as_str" && f.sig.ident != "as_i64" {
            continue;
        }
        let Some(syn::Stmt::Expr(syn::Expr::Match(m), _)) = f.block.stmts.first() else {
            continue;
        };
        let values = m
            .arms
            .iter()
            .filter_map(|arm| match &*arm.body {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n),
                    ..
                }) => Some(n.base10_digits().to_owned()),
                syn::Expr::Unary(syn::ExprUnary {
                    op: syn::UnOp::Neg(_),
                    expr,
                    ..
                }) => Some(format!("-{}", compact(expr))),
                _ => None,
            })
            .collect();
        return Some(values);
    }
    None
}

fn load_source(models: &Path) -> Source {
    let mut source = Source::default();
    // Fields by struct, and the JSON names their `FromJson` reads, joined at the end.
    let mut struct_fields: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut read_names: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut paths: Vec<_> = fs::read_dir(models)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for item in file.items {
            match item {
                syn::Item::Struct(s) => {
                    let fields = s
                        .fields
                        .iter()
                        .map(|f| (f.ident.as_ref().unwrap().to_string(), compact(&f.ty)))
                        .collect();
                    struct_fields.insert(s.ident.to_string(), fields);
                }
                syn::Item::Impl(i) => {
                    if let Some(names) = json_names(&i) {
                        read_names.insert(compact(&i.self_ty), names);
                    }
                    if let Some(values) = enum_values(&i) {
                        source.enums.insert(compact(&i.self_ty), values);
                    }
                }
                syn::Item::Type(t) => {
                    source.aliases.insert(t.ident.to_string(), compact(&t.ty));
                }
                _ => {}
            }
        }
    }
    for (name, fields) in struct_fields {
        // A struct without `FromJson` is a newtype or a builder: no JSON properties.
        let Some(json) = read_names.get(&name) else { continue };
        let fields = fields
            .into_iter()
            .filter_map(|(ident, ty)| Some(FieldInfo { json_name: json.get(&ident)?.clone(), ty }))
            .collect();
        source.structs.insert(name, fields);
    }
    source
}

struct Checker<'a> {
    source: &'a Source,
    file: String,
    problems: Vec<String>,
    properties_checked: usize,
}

impl Checker<'_> {
    fn fail(&mut self, pointer: &str, message: String) {
        self.problems.push(format!("{} {pointer}: {message}", self.file));
    }

    /// Checks that generated type `ty` (compact tokens) matches `schema`.
    fn check_type(&mut self, pointer: &str, schema: &Value, ty: &str) {
        let ty = ty
            .strip_prefix("Box<")
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(ty);
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = reference.trim_start_matches("#/definitions/").to_upper_camel_case();
            if ty != target {
                self.fail(pointer, format!("$ref {reference}: expected type {target}, found {ty}"));
            }
            return;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let scalar = |v: &Value| v.as_str().map(str::to_owned).or_else(|| v.as_i64().map(|n| n.to_string()));
            if values.iter().all(|v| v.is_string()) || values.iter().all(Value::is_i64) {
                let expected: Vec<String> = values.iter().filter_map(scalar).collect();
                match self.source.enums.get(ty) {
                    Some(found) if *found == expected => {}
                    Some(found) => self.fail(pointer, format!("enum {ty} has {found:?}, spec {expected:?}")),
                    None => self.fail(pointer, format!("expected an enum type, found {ty}")),
                }
                return;
            }
        }
        let kind = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        let has_properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        let expected = match (kind, format) {
            (Some("string"), Some("date-time")) => "crate::DateTime".to_owned(),
            (Some("string"), _) => "String".to_owned(),
            (Some("integer"), Some("int32")) => "i32".to_owned(),
            (Some("integer"), _) => "i64".to_owned(),
            (Some("number"), _) => "f64".to_owned(),
            (Some("boolean"), _) => "bool".to_owned(),
            (Some("array"), _) => {
                let Some(inner) = ty.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) else {
                    self.fail(pointer, format!("expected Vec<_>, found {ty}"));
                    return;
                };
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                self.check_type(&format!("{pointer}/items"), &items, inner);
                return;
            }
            (Some("object") | None, _) if has_properties => {
                match self.source.structs.get(ty) {
                    Some(_) => self.check_struct(pointer, schema, ty),
                    None => self.fail(pointer, format!("expected a struct, found {ty}")),
                }
                return;
            }
            (Some("object") | None, _) if schema.get("additionalProperties").is_some() => {
                let prefix = "indexmap::IndexMap<String,";
                let Some(inner) = ty.strip_prefix(prefix).and_then(|t| t.strip_suffix('>')) else {
                    self.fail(pointer, format!("expected a map, found {ty}"));
                    return;
                };
                match schema.get("additionalProperties") {
                    Some(values @ Value::Object(o)) if !o.is_empty() => {
                        self.check_type(&format!("{pointer}/additionalProperties"), values, inner)
                    }
                    _ => {
                        if inner != "serde_json::Value" {
                            self.fail(pointer, format!("free-form map values should be Value, found {inner}"));
                        }
                    }
                }
                return;
            }
            (Some("object") | None, _) => "serde_json::Value".to_owned(),
            (Some(other), _) => panic!("{} {pointer}: spec type {other} not covered by this test", self.file),
        };
        if ty != expected {
            self.fail(pointer, format!("expected {expected}, found {ty}"));
        }
    }

    fn check_struct(&mut self, pointer: &str, schema: &Value, name: &str) {
        let Some(fields) = self.source.structs.get(name) else {
            self.fail(pointer, format!("no struct {name}"));
            return;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        if fields.len() != properties.len() {
            self.fail(pointer, format!("{name} has {} fields, spec {} properties", fields.len(), properties.len()));
        }
        for (json_name, property) in &properties {
            self.properties_checked += 1;
            let at = format!("{pointer}/properties/{json_name}");
            let Some(field) = fields.iter().find(|f| &f.json_name == json_name) else {
                self.fail(&at, format!("{name} has no field for `{json_name}`"));
                continue;
            };
            let ty = field.ty.clone();
            // A nullable optional property is `Option<Option<T>>` (absent / null / value).
            let nullable = property.get("x-nullable") == Some(&Value::Bool(true));
            let ty = match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
                Some(inner) if nullable && !required.contains(&json_name.as_str()) => inner.to_owned(),
                _ if nullable => {
                    self.fail(&at, format!("nullable but generated as {ty}"));
                    continue;
                }
                _ => ty,
            };
            let inner = match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
                Some(inner) => {
                    if required.contains(&json_name.as_str()) {
                        self.fail(&at, format!("required but generated as {ty}"));
                    }
                    inner.to_owned()
                }
                None => {
                    if !required.contains(&json_name.as_str()) {
                        self.fail(&at, format!("optional but generated as {ty}"));
                    }
                    ty.clone()
                }
            };
            self.check_type(&at, property, &inner);
        }
    }
}

#[test]
fn every_definition_matches_its_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let source = load_source(&root.join("generated/functiongraph/src/models"));
    let mut spec_paths: Vec<_> = fs::read_dir(root.join("specs/functiongraph"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    spec_paths.sort();
    // The spec as codegen reads it: vendor mistakes corrected by specs/overrides.json.
    let overrides = codegen::read::Overrides::load(&root.join("specs/overrides.json")).unwrap_or_else(|d| panic!("{d}"));
    let mut problems = Vec::new();
    let (mut definitions, mut properties) = (0, 0);
    for path in &spec_paths {
        let mut spec: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        let relative = format!("functiongraph/{}", path.file_name().unwrap().to_string_lossy());
        let mut diags = codegen::diag::Diagnostics::default();
        overrides.apply(&relative, path, &mut spec, &mut diags);
        assert!(!diags.has_errors(), "{diags}");
        let mut checker = Checker {
            source: &source,
            file: path.file_name().unwrap().to_string_lossy().into_owned(),
            problems: Vec::new(),
            properties_checked: 0,
        };
        for (name, schema) in spec["definitions"].as_object().into_iter().flatten() {
            definitions += 1;
            let pointer = format!("/definitions/{name}");
            let rust_name = name.to_upper_camel_case();
            if schema.get("properties").is_some() {
                checker.check_struct(&pointer, schema, &rust_name);
            } else if let Some(alias) = source.aliases.get(&rust_name) {
                let alias = alias.clone();
                checker.check_type(&pointer, schema, &alias);
            } else {
                checker.check_type(&pointer, schema, &rust_name);
            }
        }
        properties += checker.properties_checked;
        problems.extend(checker.problems);
    }
    println!(
        "checked {definitions} definitions and {properties} properties in {} spec files",
        spec_paths.len()
    );
    assert!(problems.is_empty(), "{} mismatches:\n{}", problems.len(), problems.join("\n"));
    assert!(definitions > 300 && properties > 2000, "too little was checked");
}

#[test]
fn seed_request_examples_deserialize_into_the_current_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seed: Value =
        serde_json::from_slice(&fs::read(root.join("specs/seed/CreateFunction.json")).unwrap()).unwrap();
    let operation = &seed["paths"]["/v2/{project_id}/fgs/functions"]["post"];
    let examples: Vec<(&String, &Value)> = operation
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("x-request-examples-") && !k.contains("description") && !k.contains("url") && !k.contains("text"))
        .collect();
    assert!(!examples.is_empty(), "the seed has request examples");
    for (key, example) in examples {
        let body: functiongraph::models::CreateFunctionRequestBody = serde_json::from_value(example.clone())
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        let back = serde_json::to_value(&body).unwrap();
        assert_eq!(&back, example, "{key} round-trips unchanged");
    }
}
