//! Robustness: no input makes codegen panic or hang, and every error is located.
//!
//! Real specs (FunctionGraph, ECS in the Swagger 2.0 flavour, VPN in the OpenAPI 3.0 one)
//! are mutated deterministically (a seeded generator, no outside randomness): keys dropped,
//! values of the wrong type, truncated files, invalid UTF-8, dangling and cyclic refs,
//! huge names and enums, odd property names, deep nesting. Each mutant goes through
//! `read::parse_value` + `read::parse_document` and through the whole pipeline
//! (`generate`, reading the mutant from a folder on disk).
//!
//! Every run must return `Ok` or `Err` (a panic is caught and reported with the mutation
//! that caused it; a run that does not finish in time is reported too). Every error names
//! the mutated file and, unless the file is not JSON at all, a JSON pointer that exists in
//! it. The source files of successful runs must parse as Rust, and hold nothing rustc or
//! cargo reject that `syn` accepts (direction-changing characters, broken manifest strings).
//!
//! Mutants run on a thread with the 8 MiB stack of a main thread, where the `codegen`
//! binary runs; the tests at the end cover single inputs: huge enums, and problems found
//! this way that are not panics (each named in its `ignore` reason while it is open).
//!
//! `ROBUSTNESS_TRACE=1 cargo test -p codegen --test robustness -- --nocapture` prints each
//! mutant with the time it took.

use codegen::diag::Diagnostic;
use codegen::read::{parse_document, parse_value};
use codegen::{Config, Failure, generate};
use serde_json::{Map, Value, json};
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------
// Inputs

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A real spec file to mutate, with a second file of the same service that goes into the
/// spec folder beside it, unchanged (so that merging across files takes part).
struct Seed {
    /// File name of the seed, e.g. `CreateFunction.json`.
    file: &'static str,
    /// Position among the seeds of its service: lists of special cases are shared out
    /// between the seeds of a service so that each case runs once per service.
    part: usize,
    bytes: Vec<u8>,
    value: Value,
    companion: (&'static str, Vec<u8>),
}

#[derive(Clone, Copy, PartialEq)]
enum Flavour {
    Swagger,
    OpenApi,
}

impl Seed {
    fn load(folder: &str, part: usize, file: &'static str, companion: &'static str) -> Seed {
        let dir = repo().join(folder);
        let bytes = fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{folder}/{file}: {e}"));
        let value = serde_json::from_slice(&bytes).expect("seed specs are JSON");
        let companion_bytes = fs::read(dir.join(companion)).expect("companion spec is readable");
        Seed {
            file,
            part,
            bytes,
            value,
            companion: (companion, companion_bytes),
        }
    }

    fn flavour(&self) -> Flavour {
        if self
            .value
            .pointer("/components/schemas")
            .is_some_and(Value::is_object)
        {
            Flavour::OpenApi
        } else {
            Flavour::Swagger
        }
    }
}

fn functiongraph_seeds() -> Vec<Seed> {
    let dir = "specs/functiongraph";
    vec![
        Seed::load(dir, 0, "UpdateFunctionCode.json", "DeleteFunctionApp.json"),
        Seed::load(dir, 1, "ShowVersionAlias.json", "DeleteFunctionApp.json"),
        Seed::load(dir, 2, "DeleteVersionAlias.json", "DeleteFunctionApp.json"),
    ]
}

fn ecs_seeds() -> Vec<Seed> {
    let dir = "tests/samples/ECS";
    vec![
        Seed::load(dir, 0, "NovaShowVersion.json", "DeleteServerGroup.json"),
        Seed::load(dir, 1, "NovaShowServerGroup.json", "DeleteServerGroup.json"),
        Seed::load(dir, 2, "BatchDetachVolumes.json", "DeleteServerGroup.json"),
    ]
}

fn vpn_seeds() -> Vec<Seed> {
    let dir = "tests/samples/VPN";
    vec![
        Seed::load(dir, 0, "CreateVpnConnection.json", "DeleteCgw.json"),
        Seed::load(dir, 1, "ShowCgw.json", "DeleteCgw.json"),
        Seed::load(dir, 2, "DeleteVgw.json", "DeleteCgw.json"),
    ]
}

// ---------------------------------------------------------------------------------------
// Deterministic randomness

/// SplitMix64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn seeded(label: &str) -> Rng {
        // FNV-1a of the label, so each seed file gets its own fixed sequence.
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for byte in label.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------
// Mutations

/// One mutated spec file: what was done, and the bytes to put on disk.
struct Mutant {
    description: String,
    bytes: Vec<u8>,
}

fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).expect("values serialize")
}

/// RFC 6901 pointer token.
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Pointers of every value in the document (the root excluded), in document order.
fn all_pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let here = format!("{at}/{}", token(k));
                    out.push(here.clone());
                    walk(v, here, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let here = format!("{at}/{i}");
                    out.push(here.clone());
                    walk(v, here, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

/// Splits `/a/b/c` into the parent pointer `/a/b` and the last token, unescaped.
fn split_pointer(pointer: &str) -> (&str, String) {
    let cut = pointer.rfind('/').expect("pointers start with /");
    let last = pointer[cut + 1..].replace("~1", "/").replace("~0", "~");
    (&pointer[..cut], last)
}

/// A value of another JSON type than `current`.
fn wrong_type(current: &Value, rng: &mut Rng) -> Value {
    let candidates = [
        json!("text"),
        json!(""),
        json!(42),
        json!(-1.5),
        json!(18_446_744_073_709_551_615u64),
        json!(true),
        json!(null),
        json!([]),
        json!(["a", 1, null]),
        json!({}),
        json!({"type": 7, "properties": "x"}),
    ];
    loop {
        let candidate = rng.pick(&candidates);
        let same_kind = std::mem::discriminant(candidate) == std::mem::discriminant(current);
        if !same_kind {
            return candidate.clone();
        }
    }
}

/// Where named schemas live in this flavour, created when absent.
fn schemas_mut(doc: &mut Value, flavour: Flavour) -> &mut Map<String, Value> {
    let root = doc.as_object_mut().expect("seed documents are objects");
    let slot = match flavour {
        Flavour::Swagger => root.entry("definitions").or_insert(Value::Null),
        Flavour::OpenApi => {
            let components = root.entry("components").or_insert(Value::Null);
            if !components.is_object() {
                *components = json!({});
            }
            components
                .as_object_mut()
                .expect("just made an object")
                .entry("schemas")
                .or_insert(Value::Null)
        }
    };
    if !slot.is_object() {
        *slot = json!({});
    }
    slot.as_object_mut().expect("just made an object")
}

fn ref_prefix(flavour: Flavour) -> &'static str {
    match flavour {
        Flavour::Swagger => "#/definitions/",
        Flavour::OpenApi => "#/components/schemas/",
    }
}

/// Adds named schemas and a property using the first of them to the first definition with
/// properties, so that they are reachable from an operation's types.
fn add_schemas(doc: &mut Value, flavour: Flavour, schemas: Vec<(String, Value)>) {
    let first = schemas.first().map(|(name, _)| name.clone());
    let defs = schemas_mut(doc, flavour);
    let host = defs
        .iter()
        .find(|(_, s)| s.get("properties").is_some_and(Value::is_object))
        .map(|(name, _)| name.clone());
    for (name, schema) in schemas {
        defs.insert(name, schema);
    }
    if let (Some(host), Some(first)) = (host, first) {
        let reference = format!("{}{}", ref_prefix(flavour), token(&first));
        defs[&host]["properties"]["mutant_link"] = json!({ "$ref": reference });
    }
}

/// The first operation object of the document, if any.
fn first_operation(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let paths = doc.get_mut("paths")?.as_object_mut()?;
    let item = paths.values_mut().next()?.as_object_mut()?;
    let method = ["get", "put", "post", "delete", "patch", "head", "options"]
        .into_iter()
        .find(|m| item.contains_key(*m))?;
    item.get_mut(method)?.as_object_mut()
}

/// Renames a named schema and every `$ref` to it.
fn rename_schema(doc: &mut Value, flavour: Flavour, from: &str, to: &str) {
    let defs = schemas_mut(doc, flavour);
    if let Some(schema) = defs.remove(from) {
        defs.insert(to.to_owned(), schema);
    }
    let old = format!("{}{}", ref_prefix(flavour), token(from));
    let new = format!("{}{}", ref_prefix(flavour), token(to));
    fn walk(value: &mut Value, old: &str, new: &str) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if k == "$ref" && v.as_str() == Some(old) {
                        *v = Value::String(new.to_owned());
                    } else {
                        walk(v, old, new);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, old, new)),
            _ => {}
        }
    }
    walk(doc, &old, &new);
}

/// Pointers of every `$ref` string in the document.
fn ref_pointers(doc: &Value) -> Vec<String> {
    all_pointers(doc)
        .into_iter()
        .filter(|p| p.ends_with("/$ref") && doc.pointer(p).is_some_and(Value::is_string))
        .collect()
}

/// Nested schema `depth` levels deep, through `key` (`properties`, `items`,
/// `additionalProperties`, `allOf`).
fn nested_schema(depth: usize, key: &str) -> Value {
    let mut schema = json!({"type": "string", "description": "leaf"});
    for level in 0..depth {
        schema = match key {
            "properties" => {
                json!({"type": "object", "properties": {format!("level{level}"): schema}})
            }
            "items" => json!({"type": "array", "items": schema}),
            "additionalProperties" => json!({"type": "object", "additionalProperties": schema}),
            _ => {
                json!({"allOf": [schema], "properties": {format!("p{level}"): {"type": "integer"}}})
            }
        };
    }
    schema
}

/// Property names that are hard to turn into identifiers. (Direction-changing characters
/// have a test of their own below.)
const ODD_NAMES: &[&str] = &[
    "",
    " ",
    "!!!",
    "$",
    "-",
    "_",
    "__",
    "0",
    "1abc",
    "名称",
    "类型",
    "🦀",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "fn",
    "r#type",
    "unknown_fields",
    "new",
    "Default",
    "a b",
    "a-b",
    "a_b",
    "A_B",
    "aB",
    "\n",
    "\"",
    "\\",
    "*/",
    "/*",
    "x\u{0}y",
    "~",
    "/",
    "é",
];

/// Descriptions that are hard to put in doc comments. (A lone carriage return and
/// direction-changing characters have tests of their own below.)
const ODD_TEXTS: &[&str] = &[
    "line\r\nbreaks\r\n",
    "ends with a backslash \\",
    "*/ closes a comment /*",
    "```rust\npanic!(\"doctest\")\n```",
    "[not a link] and <b>html</b> and `tick",
    "nul \u{0} byte",
    "tab\tand\u{2028}line separator",
    "#![no_std]",
    "\"quoted\" and 'single'",
];

/// How many seeds each service has.
const PARTS: usize = 3;

/// The share of `items` that the seed at `part` runs.
fn share<T: Clone>(part: usize, items: &[T]) -> Vec<T> {
    items.iter().skip(part).step_by(PARTS).cloned().collect()
}

/// Every mutant of one seed, in a fixed order.
fn mutants(seed: &Seed, random_count: usize) -> Vec<Mutant> {
    let mut rng = Rng::seeded(seed.file);
    let flavour = seed.flavour();
    let mut out: Vec<Mutant> = Vec::new();
    let push_value = |out: &mut Vec<Mutant>, description: String, value: &Value| {
        out.push(Mutant {
            description,
            bytes: to_bytes(value),
        });
    };
    let pointers = all_pointers(&seed.value);

    // Random structural mutations: drop a key, or give a value the wrong type.
    for _ in 0..random_count {
        let at = rng.pick(&pointers).clone();
        let mut doc = seed.value.clone();
        let (parent, last) = split_pointer(&at);
        let description = if rng.below(3) == 0 {
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&last);
                }
                Some(Value::Array(items)) => {
                    let i: usize = last.parse().expect("array tokens are indices");
                    items.remove(i);
                }
                _ => unreachable!("pointers come from the document"),
            }
            format!("drop {at}")
        } else {
            let slot = doc
                .pointer_mut(&at)
                .expect("pointers come from the document");
            let replacement = wrong_type(slot, &mut rng);
            let description = format!("replace {at} with {replacement}");
            *slot = replacement;
            description
        };
        push_value(&mut out, description, &doc);
    }

    // Every key of the envelope and of the places schemas live in gets a wrong value, once
    // per service (which value rotates).
    let start = out.len();
    let replacements = [
        json!(null),
        json!(7),
        json!("s"),
        json!([1]),
        json!({"x": {}}),
    ];
    let mut turn = 0;
    for place in ["", "/paths", "/definitions", "/components", "/parameters"] {
        let Some(Value::Object(map)) = seed.value.pointer(place) else {
            continue;
        };
        for key in map.keys() {
            let at = format!("{place}/{}", token(key));
            let replacement = &replacements[turn % replacements.len()];
            turn += 1;
            let mut doc = seed.value.clone();
            *doc.pointer_mut(&at).expect("key exists") = replacement.clone();
            push_value(&mut out, format!("replace {at} with {replacement}"), &doc);
        }
    }

    keep_share(&mut out, start, seed.part);

    // Truncation at random byte offsets, and at the edges.
    let len = seed.bytes.len();
    let mut cuts = vec![0, 1, len / 2, len - 1];
    cuts.extend((0..8).map(|_| rng.below(len)));
    for cut in cuts {
        out.push(Mutant {
            description: format!("truncate at byte {cut} of {len}"),
            bytes: seed.bytes[..cut].to_vec(),
        });
    }

    // Invalid UTF-8: at random offsets, inside string values, and a byte order mark.
    let bad_sequences: [&[u8]; 4] = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x9f\x98"];
    let quotes: Vec<usize> = seed
        .bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'"')
        .map(|(i, _)| i + 1)
        .collect();
    for i in 0..8 {
        let bad = bad_sequences[i % bad_sequences.len()];
        let at = if i % 2 == 0 {
            rng.below(len)
        } else {
            *rng.pick(&quotes)
        };
        let mut bytes = seed.bytes.clone();
        bytes.splice(at..at, bad.iter().copied());
        out.push(Mutant {
            description: format!("insert invalid UTF-8 {bad:x?} at byte {at}"),
            bytes,
        });
    }
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(&seed.bytes);
    out.push(Mutant {
        description: "UTF-8 byte order mark in front".into(),
        bytes: bom,
    });
    for (description, bytes) in [
        ("empty file", Vec::new()),
        ("only whitespace", b" \n\t ".to_vec()),
        ("top-level array", b"[]".to_vec()),
        ("top-level null", b"null".to_vec()),
        ("top-level number", b"12".to_vec()),
        ("top-level string", b"\"spec\"".to_vec()),
        ("number out of range", b"{\"x\": 1e400}".to_vec()),
        ("NUL bytes", b"\0\0\0".to_vec()),
    ] {
        out.push(Mutant {
            description: description.into(),
            bytes,
        });
    }
    let mut trailing = seed.bytes.clone();
    trailing.extend_from_slice(b"\n}{garbage");
    out.push(Mutant {
        description: "trailing garbage".into(),
        bytes: trailing,
    });

    // Dangling and malformed refs.
    let refs = ref_pointers(&seed.value);
    let bad_refs = [
        format!("{}Missing", ref_prefix(flavour)),
        ref_prefix(flavour).to_owned(),
        format!("{}a/b", ref_prefix(flavour)),
        "#/definitions/~2".to_owned(),
        "#/".to_owned(),
        "#".to_owned(),
        String::new(),
        "other.json#/definitions/X".to_owned(),
        "#/parameters/Missing".to_owned(),
        "#/components/parameters/Missing".to_owned(),
        "#/components/requestBodies/Missing".to_owned(),
        "#/responses/Missing".to_owned(),
        "#/components/responses/Missing".to_owned(),
        "#/paths".to_owned(),
    ];
    for (i, at) in refs.iter().enumerate().take(12) {
        let mut doc = seed.value.clone();
        let bad = &bad_refs[i % bad_refs.len()];
        *doc.pointer_mut(at).expect("ref exists") = json!(bad);
        push_value(
            &mut out,
            format!("set {at} to the dangling ref {bad:?}"),
            &doc,
        );
    }
    if let Some(at) = refs.first() {
        let mut doc = seed.value.clone();
        *doc.pointer_mut(at).expect("ref exists") = json!(42);
        push_value(&mut out, format!("set {at} to a number"), &doc);
    }

    // Cyclic refs between named schemas; these and the special cases below are shared out
    // between the seeds of a service.
    let start = out.len();
    let prefix = ref_prefix(flavour);
    let cycles: Vec<(&str, Vec<(String, Value)>)> = vec![
        (
            "alias cycle A = $ref B, B = $ref A",
            vec![
                (
                    "MutantA".into(),
                    json!({"$ref": format!("{prefix}MutantB")}),
                ),
                (
                    "MutantB".into(),
                    json!({"$ref": format!("{prefix}MutantA")}),
                ),
            ],
        ),
        (
            "alias to itself",
            vec![(
                "MutantSelf".into(),
                json!({"$ref": format!("{prefix}MutantSelf")}),
            )],
        ),
        (
            "array alias to itself",
            vec![(
                "MutantList".into(),
                json!({"type": "array", "items": {"$ref": format!("{prefix}MutantList")}}),
            )],
        ),
        (
            "map alias to itself",
            vec![(
                "MutantMap".into(),
                json!({"type": "object", "additionalProperties": {"$ref": format!("{prefix}MutantMap")}}),
            )],
        ),
        (
            "allOf cycle A = allOf[B], B = allOf[A]",
            vec![
                (
                    "MutantA".into(),
                    json!({"allOf": [{"$ref": format!("{prefix}MutantB")}], "properties": {"a": {"type": "string"}}}),
                ),
                (
                    "MutantB".into(),
                    json!({"allOf": [{"$ref": format!("{prefix}MutantA")}], "properties": {"b": {"type": "string"}}}),
                ),
            ],
        ),
        (
            "allOf of itself only",
            vec![(
                "MutantSelf".into(),
                json!({"allOf": [{"$ref": format!("{prefix}MutantSelf")}]}),
            )],
        ),
        (
            "struct containing itself required, directly and through another struct",
            vec![
                (
                    "MutantA".into(),
                    json!({"type": "object", "required": ["b", "me"], "properties": {"b": {"$ref": format!("{prefix}MutantB")}, "me": {"$ref": format!("{prefix}MutantA")}}}),
                ),
                (
                    "MutantB".into(),
                    json!({"type": "object", "required": ["a"], "properties": {"a": {"$ref": format!("{prefix}MutantA")}}}),
                ),
            ],
        ),
        (
            "struct reaching itself through an alias cycle",
            vec![
                (
                    "MutantS".into(),
                    json!({"type": "object", "required": ["x"], "properties": {"x": {"$ref": format!("{prefix}MutantT")}}}),
                ),
                (
                    "MutantT".into(),
                    json!({"$ref": format!("{prefix}MutantS")}),
                ),
            ],
        ),
    ];
    for (description, schemas) in cycles {
        let mut doc = seed.value.clone();
        add_schemas(&mut doc, flavour, schemas);
        push_value(&mut out, description.to_owned(), &doc);
    }

    // Shared parameters, request bodies and responses that refer to themselves.
    let (param_prefix, param_section): (&str, &[&str]) = match flavour {
        Flavour::Swagger => ("#/parameters/", &["parameters"]),
        Flavour::OpenApi => ("#/components/parameters/", &["components", "parameters"]),
    };
    // Each case: the shared parameters; the operation then uses `x`.
    let self_refs: Vec<(&str, Vec<(&str, Value)>)> = vec![
        (
            "shared parameter x = $ref x",
            vec![("x", json!({"$ref": format!("{param_prefix}x")}))],
        ),
        (
            "shared parameters x = $ref y, y = $ref x",
            vec![
                ("x", json!({"$ref": format!("{param_prefix}y")})),
                ("y", json!({"$ref": format!("{param_prefix}x")})),
            ],
        ),
    ];
    for (description, shared) in self_refs {
        let mut doc = seed.value.clone();
        let mut section = &mut doc;
        for key in param_section {
            if !section.get(*key).is_some_and(Value::is_object) {
                section[*key] = json!({});
            }
            section = &mut section[*key];
        }
        for (name, p) in shared {
            section[name] = p;
        }
        if let Some(op) = first_operation(&mut doc) {
            let list = op.entry("parameters").or_insert(json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            let use_x = json!({"$ref": format!("{param_prefix}x")});
            list.as_array_mut().expect("just made an array").push(use_x);
        }
        push_value(&mut out, description.to_owned(), &doc);
    }
    {
        let mut doc = seed.value.clone();
        let (reference, slot) = match flavour {
            Flavour::Swagger => ("#/responses/r", "/responses"),
            Flavour::OpenApi => ("#/components/responses/r", "/components/responses"),
        };
        if slot == "/responses" {
            doc["responses"] = json!({"r": {"$ref": reference}});
        } else {
            doc["components"]["responses"] = json!({"r": {"$ref": reference}});
        }
        if let Some(op) = first_operation(&mut doc) {
            op.insert("responses".into(), json!({"200": {"$ref": reference}}));
        }
        push_value(
            &mut out,
            format!("response {reference} = $ref itself"),
            &doc,
        );
    }
    if flavour == Flavour::OpenApi {
        let mut doc = seed.value.clone();
        doc["components"]["requestBodies"] = json!({"b": {"$ref": "#/components/requestBodies/b"}});
        if let Some(op) = first_operation(&mut doc) {
            op.insert(
                "requestBody".into(),
                json!({"$ref": "#/components/requestBodies/b"}),
            );
        }
        push_value(&mut out, "request body b = $ref itself".into(), &doc);
    }

    keep_share(&mut out, start, seed.part);

    // Very long names.
    let start = out.len();
    let long = "A".repeat(10_000);
    let long_chinese = "名".repeat(10_000);
    let schema_names: Vec<String> = match seed.value.pointer(match flavour {
        Flavour::Swagger => "/definitions",
        Flavour::OpenApi => "/components/schemas",
    }) {
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    if let Some(name) = schema_names.first() {
        for new_name in [&long, &long_chinese] {
            let mut doc = seed.value.clone();
            rename_schema(&mut doc, flavour, name, new_name);
            push_value(
                &mut out,
                format!("rename schema {name} to {} chars", new_name.chars().count()),
                &doc,
            );
        }
    }
    {
        let mut doc = seed.value.clone();
        add_schemas(
            &mut doc,
            flavour,
            vec![(
                "MutantLong".into(),
                json!({"type": "object", "required": [long.clone()], "properties": {
                    long.clone(): {"type": "string", "enum": [long.clone(), "x"]},
                    long_chinese.clone(): {"type": "object", "properties": {long.clone(): {"type": "integer"}}},
                }}),
            )],
        );
        if let Some(op) = first_operation(&mut doc) {
            op.insert("operationId".into(), json!(long.clone()));
        }
        push_value(
            &mut out,
            "10,000-character property names, enum value and operationId".into(),
            &doc,
        );
    }
    {
        let mut doc = seed.value.clone();
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            let entries: Vec<(String, Value)> = std::mem::take(paths).into_iter().collect();
            for (i, (_, item)) in entries.into_iter().enumerate() {
                paths.insert(format!("/{}/{{{long}}}/{i}", "p".repeat(5000)), item);
            }
        }
        push_value(&mut out, "10,000-character path parameter".into(), &doc);
    }

    keep_share(&mut out, start, seed.part);

    // Odd property names, all in one definition and one per definition.
    {
        let mut doc = seed.value.clone();
        let properties: Map<String, Value> = ODD_NAMES
            .iter()
            .map(|n| {
                (
                    (*n).to_owned(),
                    json!({"type": "string", "description": *n}),
                )
            })
            .collect();
        let required: Vec<&str> = ODD_NAMES.to_vec();
        add_schemas(
            &mut doc,
            flavour,
            vec![(
                "MutantOddNames".into(),
                json!({"type": "object", "required": required, "properties": properties}),
            )],
        );
        push_value(
            &mut out,
            "property names that are empty, symbols, Chinese, keywords".into(),
            &doc,
        );
    }
    // One schema per odd name, for a rotating few of them.
    let offset = rng.below(ODD_NAMES.len());
    for name in ODD_NAMES.iter().cycle().skip(offset).take(4) {
        let mut doc = seed.value.clone();
        add_schemas(
            &mut doc,
            flavour,
            vec![(
                (*name).to_owned(),
                json!({"type": "object", "properties": {*name: {"type": "string"}}}),
            )],
        );
        push_value(
            &mut out,
            format!("schema and property named {name:?}"),
            &doc,
        );
    }
    // Odd texts in descriptions, summaries and the envelope.
    for text in share(seed.part, ODD_TEXTS) {
        let mut doc = seed.value.clone();
        for at in all_pointers(&seed.value) {
            if at.ends_with("/description") || at.ends_with("/summary") || at.ends_with("/title") {
                if let Some(slot @ Value::String(_)) = doc.pointer_mut(&at) {
                    *slot = json!(text);
                }
            }
        }
        // `product_short` is left alone: see `product_short_is_escaped_in_cargo_toml`.
        for key in ["name", "host", "region_id", "base_path", "summary"] {
            doc[key] = json!(text);
        }
        push_value(
            &mut out,
            format!("every description, summary and envelope string set to {text:?}"),
            &doc,
        );
    }
    // Odd paths, methods and status codes.
    let templates = [
        "",
        "{",
        "}",
        "/v1/{unclosed",
        "/v1/}{",
        "/{}/",
        "/{a}{b}",
        "/{{a}}",
        "/{项目}/x",
        "/{a}/{a}",
        "no-slash",
    ];
    for path in share(seed.part, &templates) {
        let mut doc = seed.value.clone();
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            let entries: Vec<(String, Value)> = std::mem::take(paths).into_iter().collect();
            for (i, (_, item)) in entries.into_iter().enumerate() {
                paths.insert(format!("{path}{}", "/x".repeat(i)), item);
            }
        }
        push_value(&mut out, format!("path template {path:?}"), &doc);
    }
    let statuses = [
        "999999", "2XX", "abc", "", "-1", "0", "1e3", "default", "x-ext",
    ];
    for status in share(seed.part, &statuses) {
        let mut doc = seed.value.clone();
        if let Some(op) = first_operation(&mut doc) {
            op.insert(
                "responses".into(),
                json!({status: {"description": "odd", "schema": {"type": "string"}, "content": {"application/json": {"schema": {"type": "string"}}}}}),
            );
        }
        push_value(&mut out, format!("response status {status:?}"), &doc);
    }
    {
        let mut doc = seed.value.clone();
        if let Some(op) = first_operation(&mut doc) {
            op.insert("operationId".into(), json!(""));
            op.insert("consumes".into(), json!("[1, 2]"));
            op.insert("produces".into(), json!("["));
            op.insert("parameters".into(), json!([{"in": "nowhere"}, {"name": "q"}, {}, {"in": "body"}, {"in": "formData", "name": "f", "type": "file"}]));
        }
        push_value(
            &mut out,
            "empty operationId, odd consumes/produces, parameters without name or location".into(),
            &doc,
        );
    }

    // Enums: mixed kinds, odd values, huge.
    let enums: Vec<(&str, Value)> = vec![
        (
            "enum of mixed kinds",
            json!({"enum": [1, "a", null, true, 1.5, {}, []]}),
        ),
        (
            "integer enum with strings",
            json!({"type": "integer", "enum": ["a", 1]}),
        ),
        (
            "string enum with numbers",
            json!({"type": "string", "enum": [1, 2.5, -3, 18_446_744_073_709_551_615u64]}),
        ),
        (
            "integer enum beyond i64",
            json!({"type": "integer", "enum": [18_446_744_073_709_551_615u64, -9_223_372_036_854_775_807i64 - 1]}),
        ),
        (
            "boolean enum",
            json!({"type": "boolean", "enum": [true, false]}),
        ),
        ("empty enum", json!({"type": "string", "enum": []})),
        (
            "enum of odd names",
            json!({"type": "string", "enum": ODD_NAMES}),
        ),
        (
            "enum values colliding once converted",
            json!({"type": "string", "enum": ["a-b", "a_b", "A B", "aB", "AB", "Unknown", "unknown", "V1", "1", "v1", "Empty", ""]}),
        ),
        (
            "enum with type array",
            json!({"type": "array", "enum": ["a"]}),
        ),
        (
            "enum with an unknown type",
            json!({"type": "uuid", "enum": ["a"]}),
        ),
        (
            "enum with a type list",
            json!({"type": ["string", "null"], "enum": ["a", null]}),
        ),
    ];
    for (description, schema) in share(seed.part, &enums) {
        let mut doc = seed.value.clone();
        add_schemas(
            &mut doc,
            flavour,
            vec![
                ("MutantEnum".into(), schema.clone()),
                (
                    "MutantHolder".into(),
                    json!({"type": "object", "properties": {"inline": schema, "list": {"type": "array", "items": {"$ref": format!("{prefix}MutantEnum")}}}}),
                ),
            ],
        );
        push_value(&mut out, description.to_owned(), &doc);
    }
    // Deep nesting, below and beyond what the reader and the model accept.
    let start = out.len();
    for (depth, key) in [
        (200, "properties"),
        (200, "items"),
        (40, "properties"),
        (60, "items"),
        (100, "items"),
        (100, "additionalProperties"),
        (50, "allOf"),
    ] {
        let mut doc = seed.value.clone();
        add_schemas(
            &mut doc,
            flavour,
            vec![("MutantDeep".into(), nested_schema(depth, key))],
        );
        push_value(
            &mut out,
            format!("schema nested {depth} levels through {key}"),
            &doc,
        );
    }
    keep_share(&mut out, start, seed.part);
    out
}

/// Keeps, of the mutants from `start` on, the share of the seed at `part`.
fn keep_share(out: &mut Vec<Mutant>, start: usize, part: usize) {
    let tail: Vec<Mutant> = out.drain(start..).collect();
    out.extend(tail.into_iter().skip(part).step_by(PARTS));
}

// ---------------------------------------------------------------------------------------
// Checks

/// The text of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-text panic payload)".to_owned()
    }
}

/// Whether `pointer` names a place in `doc`; an error may also point at a key that is
/// missing or at a `$ref` key inside an existing object.
fn pointer_exists(doc: &Value, pointer: &str) -> bool {
    doc.pointer(pointer).is_some() || {
        let (parent, _) = split_pointer(pointer);
        doc.pointer(parent).is_some_and(Value::is_object)
    }
}

/// What a mutant's bytes are, judged independently of codegen.
enum Shape {
    /// Not JSON: an error without pointer is right, but it must give line and column.
    NotJson,
    /// JSON, but not an object: an error about the whole document is right.
    NotObject,
    Object(Value),
}

fn shape(bytes: &[u8]) -> Shape {
    match serde_json::from_slice::<Value>(bytes) {
        Err(_) => Shape::NotJson,
        Ok(value @ Value::Object(_)) => Shape::Object(value),
        Ok(_) => Shape::NotObject,
    }
}

/// Problems with one error diagnostic of a mutant written to `file`.
fn check_error(diag: &Diagnostic, file: &Path, shape: &Shape) -> Option<String> {
    if diag.file != file {
        return Some(format!(
            "error names {} instead of the mutated file: {diag}",
            diag.file.display()
        ));
    }
    match shape {
        Shape::NotJson => {
            let located = diag.message.contains("line") && diag.message.contains("column");
            (!located).then(|| format!("JSON syntax error without line and column: {diag}"))
        }
        Shape::NotObject => None,
        Shape::Object(doc) => {
            if diag.pointer.is_empty() {
                Some(format!("error without JSON pointer: {diag}"))
            } else if !diag.pointer.starts_with('/') {
                Some(format!("malformed JSON pointer {:?}: {diag}", diag.pointer))
            } else if !pointer_exists(doc, &diag.pointer) {
                Some(format!(
                    "pointer {} is not in the document: {diag}",
                    diag.pointer
                ))
            } else {
                None
            }
        }
    }
}

/// Reads one mutant with `parse_value` and `parse_document`.
fn check_read(file: &Path, mutant: &Mutant) -> Vec<String> {
    let shape = shape(&mutant.bytes);
    let result = catch_unwind(AssertUnwindSafe(|| {
        parse_value(file, &mutant.bytes).and_then(|value| parse_document(file, value))
    }));
    match result {
        Err(payload) => vec![format!("read panicked: {}", panic_message(&*payload))],
        Ok(Ok(_)) => match shape {
            Shape::NotJson | Shape::NotObject => {
                vec!["read accepted a file that is not a JSON object".into()]
            }
            Shape::Object(_) => Vec::new(),
        },
        Ok(Err(diag)) => check_error(&diag, file, &shape).into_iter().collect(),
    }
}

/// Runs the whole pipeline on `dir`, where the mutant was written as `file`. Returns the
/// problems found, and whether a crate was generated.
fn check_generate(
    dir: &Path,
    file: &Path,
    mutant: &Mutant,
    parse_output: bool,
) -> (Vec<String>, bool) {
    let shape = shape(&mutant.bytes);
    let config = Config {
        specs: dir.to_path_buf(),
        crate_name: "mutant".into(),
        specs_label: "specs/mutant".into(),
        regenerate: "codegen".into(),
        extras: None,
        overrides: None,
        runtime: String::new(),
        strict: false,
        default_settings: None,
    };
    let result = catch_unwind(AssertUnwindSafe(|| generate(&config)));
    let generated = matches!(result, Ok(Ok(_)));
    let mut problems = Vec::new();
    match result {
        Err(payload) => problems.push(format!("generate panicked: {}", panic_message(&*payload))),
        Ok(Err(Failure::Emit(e))) => problems.push(format!(
            "emitter produced invalid Rust in {}: {}",
            e.file.display(),
            e.message
        )),
        Ok(Err(Failure::Spec(diags))) => {
            if !diags.has_errors() {
                problems.push("failed without an error diagnostic".into());
            }
            for diag in diags.errors() {
                problems.extend(check_error(diag, file, &shape));
            }
        }
        Ok(Ok(generated)) => {
            if matches!(shape, Shape::NotJson | Shape::NotObject) {
                problems.push("generate accepted a file that is not a JSON object".into());
            }
            // What degraded is a warning here (an error under `--strict`): it must name
            // the mutated file and a pointer into it, as errors do.
            for degraded in &generated.degraded {
                problems.extend(check_error(&degraded.diagnostic(true), file, &shape));
            }
            problems.extend(rustc_rejects(&generated.files.files));
            if parse_output {
                for (path, text) in &generated.files.files {
                    if path.extension().is_some_and(|e| e == "rs")
                        && !path.starts_with("src/runtime")
                    {
                        if let Err(e) = syn::parse_file(text) {
                            problems
                                .push(format!("{} does not parse as Rust: {e}", path.display()));
                        }
                    }
                }
            }
        }
    }
    (problems, generated)
}

/// The stack of a program's main thread on Linux, where the `codegen` binary runs the
/// pipeline. Threads spawned by std (and test threads) get 2 MiB, on which deep nesting
/// overflows: see `deep_nesting_fits_a_spawned_threads_stack`.
const MAIN_THREAD_STACK: usize = 8 << 20;

/// Text characters that change the direction of text: rustc denies them in comments and
/// literals (`text_direction_codepoint_in_comment`, `..._in_literal`).
const BIDI_CONTROLS: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// Problems that `syn` does not see but rustc or cargo would: direction-changing
/// characters in Rust sources, and `Cargo.toml` strings that are not valid TOML.
fn rustc_rejects(files: &std::collections::BTreeMap<PathBuf, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        if path.extension().is_some_and(|e| e == "rs") && text.contains(BIDI_CONTROLS) {
            problems.push(format!(
                "{} contains a direction-changing character",
                path.display()
            ));
        }
    }
    if let Some(manifest) = files.get(Path::new("Cargo.toml")) {
        for (n, line) in manifest.lines().enumerate() {
            if let Err(e) = toml_line(line) {
                problems.push(format!("Cargo.toml line {}: {e}: {line:?}", n + 1));
            }
        }
    }
    problems
}

/// A light check of one manifest line: comments, `[section]`s, and `key = value` where a
/// value starting with `"` is one well-formed basic string with nothing after it.
fn toml_line(line: &str) -> Result<(), &'static str> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
        return Ok(());
    }
    let Some((key, value)) = line.split_once('=') else {
        return Err("neither a comment, a section nor `key = value`");
    };
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err("not a bare key");
    }
    let value = value.trim();
    let Some(body) = value.strip_prefix('"') else {
        return Ok(());
    };
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => {
                let rest = chars.as_str().trim();
                return if rest.is_empty() || rest.starts_with('#') {
                    Ok(())
                } else {
                    Err("text after the closing quote of a string")
                };
            }
            c if c.is_control() && c != '\t' => return Err("control character in a string"),
            _ => {}
        }
    }
    Err("unterminated string")
}

/// How long one mutant may take before the run counts as hanging.
const MUTANT_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs every mutant of `seeds` through the reader and the pipeline on a worker thread,
/// so that a hang is reported with its mutant instead of stalling the test. Panics with
/// every problem found.
fn run_seeds(seeds: Vec<Seed>, random_count: usize) {
    let started = Instant::now();
    let (tx, rx) = mpsc::channel::<(String, Vec<String>)>();
    let worker = std::thread::Builder::new()
        .name("mutants".into())
        .stack_size(MAIN_THREAD_STACK)
        .spawn(move || {
            let trace = std::env::var_os("ROBUSTNESS_TRACE").is_some();
            let (mut count, mut generated) = (0usize, 0usize);
            for seed in &seeds {
                let tmp = tempfile::tempdir().expect("temp folder");
                fs::write(tmp.path().join(seed.companion.0), &seed.companion.1)
                    .expect("companion written");
                let file = tmp.path().join(seed.file);
                for (i, mutant) in mutants(seed, random_count).into_iter().enumerate() {
                    let label = format!("{} mutant #{i}: {}", seed.file, mutant.description);
                    // Announce before running, so that a hang names its mutant.
                    if tx.send((label.clone(), Vec::new())).is_err() {
                        return (count, generated);
                    }
                    let t0 = Instant::now();
                    let mut problems = check_read(&file, &mutant);
                    fs::write(&file, &mutant.bytes).expect("mutant written");
                    let (more, ok) = check_generate(tmp.path(), &file, &mutant, i % 3 == 0);
                    problems.extend(more);
                    count += 1;
                    generated += usize::from(ok);
                    if trace {
                        let outcome = if ok { "generated" } else { "rejected" };
                        eprintln!("{:>8.1?} {outcome:>9} {label}", t0.elapsed());
                    }
                    if !problems.is_empty() && tx.send((label, problems)).is_err() {
                        return (count, generated);
                    }
                }
            }
            (count, generated)
        })
        .expect("worker thread starts");

    let mut failures: Vec<String> = Vec::new();
    let mut current = String::from("(before the first mutant)");
    loop {
        match rx.recv_timeout(MUTANT_TIMEOUT) {
            Ok((label, problems)) if problems.is_empty() => current = label,
            Ok((label, problems)) => {
                for problem in problems {
                    failures.push(format!("{label}\n    {problem}"));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                failures.push(format!(
                    "{current}\n    did not finish within {MUTANT_TIMEOUT:?}"
                ));
                panic!("{}", report(&failures));
            }
        }
    }
    let (count, generated) = worker.join().expect("the worker catches every panic");
    eprintln!(
        "{count} mutants ({generated} generated a crate, {} rejected) in {:.1}s",
        count - generated,
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", report(&failures));
}

fn report(failures: &[String]) -> String {
    let shown: Vec<&str> = failures.iter().take(40).map(String::as_str).collect();
    format!(
        "{} problem(s) with mutated specs{}:\n{}",
        failures.len(),
        if failures.len() > shown.len() {
            " (first 40 shown)"
        } else {
            ""
        },
        shown.join("\n")
    )
}

// ---------------------------------------------------------------------------------------
// Tests

#[test]
fn functiongraph_mutants_never_panic() {
    run_seeds(functiongraph_seeds(), 12);
}

#[test]
fn ecs_mutants_never_panic() {
    run_seeds(ecs_seeds(), 12);
}

#[test]
fn vpn_mutants_never_panic() {
    run_seeds(vpn_seeds(), 12);
}

/// The same mutants generated twice give the same mutants: the generator is seeded.
#[test]
fn mutations_are_deterministic() {
    let seed = Seed::load(
        "specs/functiongraph",
        1,
        "ShowVersionAlias.json",
        "DeleteFunctionApp.json",
    );
    let first: Vec<Vec<u8>> = mutants(&seed, 20).into_iter().map(|m| m.bytes).collect();
    let second: Vec<Vec<u8>> = mutants(&seed, 20).into_iter().map(|m| m.bytes).collect();
    assert_eq!(first, second);
}

// ---------------------------------------------------------------------------------------
// Single inputs

/// A small spec: one definition with a described, enumerated property, used by one
/// operation.
fn probe_spec(description: &str, enum_values: Value) -> Value {
    json!({
        "name": "ShowProbe",
        "product_short": "Probe",
        "host": "probe.cn-north-4.myhuaweicloud.com",
        "region_id": "cn-north-4",
        "definitions": {
            "Probe": {
                "type": "object",
                "description": description,
                "properties": {
                    "status": {"type": "string", "description": description, "enum": enum_values},
                    "count": {"type": "integer", "format": "int32", "description": description}
                }
            }
        },
        "paths": {
            "/v1/probe": {
                "get": {
                    "operationId": "ShowProbe",
                    "summary": description,
                    "description": description,
                    "responses": {"200": {"description": description, "schema": {"$ref": "#/definitions/Probe"}}}
                }
            }
        }
    })
}

/// Generates a crate from one spec document.
fn generate_one(doc: &Value) -> Result<codegen::Generated, Failure> {
    let tmp = tempfile::tempdir().expect("temp folder");
    fs::write(tmp.path().join("ShowProbe.json"), to_bytes(doc)).expect("spec written");
    generate(&Config {
        specs: tmp.path().to_path_buf(),
        crate_name: "probe".into(),
        specs_label: "specs/probe".into(),
        regenerate: "codegen".into(),
        extras: None,
        overrides: None,
        runtime: String::new(),
        strict: false,
        default_settings: None,
    })
}

/// The generated sources of `doc`, panicking when generation fails.
fn sources(doc: &Value) -> std::collections::BTreeMap<PathBuf, String> {
    match generate_one(doc) {
        Ok(generated) => generated.files.files,
        Err(failure) => panic!("generation fails:\n{failure}"),
    }
}

/// The variants of the enum `name`, searched in every generated source file.
fn enum_variants(files: &std::collections::BTreeMap<PathBuf, String>, name: &str) -> Vec<String> {
    for (path, text) in files {
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for item in file.items {
            if let syn::Item::Enum(item) = item
                && item.ident == name
            {
                return item.variants.iter().map(|v| v.ident.to_string()).collect();
            }
        }
    }
    panic!("no enum {name} in the generated crate");
}

/// Enums of 5,000 values (strings: three of every four colliding once converted to
/// identifiers, `value-0`, `value_0`, `VALUE 0`, the fourth Chinese; integers): one
/// distinct variant each, plus `Unknown`.
#[test]
fn huge_enums_get_one_distinct_variant_per_value() {
    const COUNT: i64 = 5_000;
    let strings: Vec<Value> = (0..COUNT)
        .map(|i| match i % 4 {
            0 => json!(format!("value-{i}")),
            1 => json!(format!("value_{}", i - 1)),
            2 => json!(format!("VALUE {}", i - 2)),
            _ => json!(format!("值{i}")),
        })
        .collect();
    let integers: Vec<i64> = (0..COUNT).map(|i| i * 7 - COUNT * 3).collect();
    for (kind, values) in [("string", json!(strings)), ("integer", json!(integers))] {
        let mut doc = probe_spec("huge", json!([]));
        doc["definitions"]["Probe"]["properties"]["status"] = json!({"type": kind, "enum": values});
        let started = Instant::now();
        let files = sources(&doc);
        let variants = enum_variants(&files, "ProbeStatus");
        let distinct: std::collections::BTreeSet<&String> = variants.iter().collect();
        assert_eq!(
            variants.len() as i64,
            COUNT + 1,
            "{kind}: one variant per value, plus Unknown"
        );
        assert_eq!(
            distinct.len(),
            variants.len(),
            "{kind}: variant names collide"
        );
        eprintln!(
            "{kind} enum of {COUNT} values generated in {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
}

/// A lone carriage return (old Mac line ends) in spec text must not reach a doc comment:
/// rustc rejects "bare CR not allowed in doc-comment".
#[test]
fn carriage_return_in_a_description_gives_valid_rust() {
    let files = sources(&probe_spec("first line\rsecond line", json!(["a\rb", "c"])));
    let broken: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .filter_map(|(path, text)| {
            syn::parse_file(text)
                .err()
                .map(|e| format!("{}: {e}", path.display()))
        })
        .collect();
    assert!(
        broken.is_empty(),
        "generated files that are not Rust:\n{}",
        broken.join("\n")
    );
}

/// Direction-changing characters (U+202E and friends) in spec text must not reach the
/// source: rustc denies them in comments and literals
/// (`text_direction_codepoint_in_comment`, deny by default).
#[test]
fn direction_changing_characters_do_not_reach_the_source() {
    let files = sources(&probe_spec("\u{202e}reversed", json!(["\u{202e}a", "b"])));
    let problems = rustc_rejects(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `product_short` names the service in `Cargo.toml`'s `description`; a quote or a line
/// break in it must be escaped, or cargo cannot read the manifest.
#[test]
fn product_short_is_escaped_in_cargo_toml() {
    for product in ["Probe \"Quoted\"", "Probe\nService", "Probe\\"] {
        let mut doc = probe_spec("text", json!(["a"]));
        doc["product_short"] = json!(product);
        let problems = rustc_rejects(&sources(&doc));
        assert!(
            problems.is_empty(),
            "product_short {product:?}:\n{}",
            problems.join("\n")
        );
    }
}

/// Description lines ending in `;` (as in ECS `NovaShowVersion.json` at
/// `/definitions/NovaVersionDetail/properties/status/description`) must not be followed by
/// a blank line inside a doc comment: clippy denies `empty_line_after_doc_comments`.
#[test]
fn doc_comment_lines_stay_together() {
    let files = sources(&probe_spec(
        "可以是:\n- CURRENT;\n- SUPPORTED;\n- DEPRECATED",
        json!(["CURRENT", "SUPPORTED"]),
    ));
    let mut gaps = Vec::new();
    for (path, text) in &files {
        let lines: Vec<&str> = text.lines().collect();
        for (n, window) in lines.windows(3).enumerate() {
            let doc = |l: &str| l.trim_start().starts_with("///");
            if doc(window[0]) && window[1].trim().is_empty() && doc(window[2]) {
                gaps.push(format!("{}:{}: {:?}", path.display(), n + 2, window[0]));
            }
        }
    }
    assert!(
        gaps.is_empty(),
        "blank lines inside doc comments:\n{}",
        gaps.join("\n")
    );
}

/// Runs `stage` on arrays nested `depth` deep in a thread with std's default stack for
/// spawned threads (2 MiB), in a child process so that an overflow (an abort, not a
/// panic) is reported instead of ending this test binary. The parent writes the spec and
/// removes it afterwards, so an aborted child leaves nothing behind.
fn nested_arrays_on_a_spawned_threads_stack(test: &str, stage: &str, depth: usize) {
    const CHILD: &str = "CODEGEN_ROBUSTNESS_CHILD";
    if let Ok(request) = std::env::var(CHILD) {
        let mut parts = request.splitn(2, ':');
        let stage = parts.next().expect("stage").to_owned();
        let dir = PathBuf::from(parts.next().expect("folder"));
        std::thread::Builder::new()
            .name("two-mib-stack".into())
            .stack_size(2 << 20)
            .spawn(move || {
                let path = dir.join("ShowProbe.json");
                let bytes = fs::read(&path).expect("spec written by the parent");
                // Input nested beyond codegen's limit is refused before any recursive stage.
                let Ok(value) = parse_value(&path, &bytes) else { return };
                match stage.as_str() {
                    "read" => drop(parse_document(&path, value)),
                    _ => drop(generate(&Config {
                        specs: dir.clone(),
                        crate_name: "probe".into(),
                        specs_label: "specs/probe".into(),
                        regenerate: "codegen".into(),
                        extras: None,
                        overrides: None,
                        runtime: String::new(),
                        strict: false,
                        default_settings: None,
                    })),
                }
            })
            .expect("thread starts")
            .join()
            .expect("no panic");
        return;
    }
    let mut doc = probe_spec("deep", json!(["a"]));
    doc["definitions"]["Deep"] = nested_schema(depth, "items");
    doc["definitions"]["Probe"]["properties"]["deep"] = json!({"$ref": "#/definitions/Deep"});
    let tmp = tempfile::tempdir().expect("temp folder");
    fs::write(tmp.path().join("ShowProbe.json"), to_bytes(&doc)).expect("spec written");
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            test,
            "--include-ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, format!("{stage}:{}", tmp.path().display()))
        .output()
        .expect("the test binary runs");
    assert!(
        output.status.success(),
        "{stage} of arrays nested {depth} deep did not finish on a 2 MiB stack ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|l| l.contains("overflow") || l.contains("panicked"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Deep nesting is refused with an error or generated, within a spawned thread's stack. (The `codegen` binary runs on the 8 MiB main thread, where this
/// passes.)
#[test]
fn nested_arrays_generate_on_a_spawned_threads_stack() {
    nested_arrays_on_a_spawned_threads_stack(
        "nested_arrays_generate_on_a_spawned_threads_stack",
        "generate",
        60,
    );
}

/// Reading deeply nested input fails cleanly (or succeeds) within a spawned thread's stack.
#[test]
fn nested_arrays_read_on_a_spawned_threads_stack() {
    nested_arrays_on_a_spawned_threads_stack(
        "nested_arrays_read_on_a_spawned_threads_stack",
        "read",
        120,
    );
}

/// Type aliases of the generated sources that refer back to themselves, directly or
/// through other aliases (rustc: E0391 "cycle detected when expanding type alias").
fn alias_cycles(files: &std::collections::BTreeMap<PathBuf, String>) -> Vec<String> {
    use quote::ToTokens;
    let mut aliases: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (path, text) in files {
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for item in file.items {
            if let syn::Item::Type(alias) = item {
                let mut used = Vec::new();
                fn idents(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
                    for token in tokens {
                        match token {
                            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
                            proc_macro2::TokenTree::Group(g) => idents(g.stream(), out),
                            _ => {}
                        }
                    }
                }
                idents(alias.ty.to_token_stream(), &mut used);
                aliases.insert(alias.ident.to_string(), used);
            }
        }
    }
    let mut cyclic = Vec::new();
    for start in aliases.keys() {
        let mut seen = std::collections::BTreeSet::new();
        let mut pending: Vec<&String> = aliases[start].iter().collect();
        while let Some(name) = pending.pop() {
            if name == start {
                cyclic.push(start.clone());
                break;
            }
            if seen.insert(name.clone())
                && let Some(next) = aliases.get(name)
            {
                pending.extend(next);
            }
        }
    }
    cyclic
}

/// Definitions that are nothing but a ref to themselves, directly, through each other,
/// through `allOf`, or as the items or values of an array or map alias: a Rust type
/// alias cannot express them. Codegen must report them (with their pointer) or emit
/// something that compiles (a newtype), not `pub type A = B; pub type B = A;`.
#[test]
fn alias_cycles_are_rejected_or_made_valid() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "CycA = $ref CycB, CycB = $ref CycA",
            json!({"CycA": {"$ref": "#/definitions/CycB"}, "CycB": {"$ref": "#/definitions/CycA"}}),
        ),
        (
            "SelfAlias = $ref SelfAlias",
            json!({"SelfAlias": {"$ref": "#/definitions/SelfAlias"}}),
        ),
        (
            "ListSelf = array of ListSelf",
            json!({"ListSelf": {"type": "array", "items": {"$ref": "#/definitions/ListSelf"}}}),
        ),
        (
            "MapSelf = map of MapSelf",
            json!({"MapSelf": {"type": "object", "additionalProperties": {"$ref": "#/definitions/MapSelf"}}}),
        ),
        (
            "AllOfSelf = allOf [$ref AllOfSelf]",
            json!({"AllOfSelf": {"allOf": [{"$ref": "#/definitions/AllOfSelf"}]}}),
        ),
    ];
    let mut problems = Vec::new();
    for (description, definitions) in cases {
        let mut doc = probe_spec("probe", json!(["a"]));
        let first = definitions
            .as_object()
            .and_then(|m| m.keys().next().cloned())
            .expect("a definition");
        for (name, schema) in definitions.as_object().expect("an object") {
            doc["definitions"][name] = schema.clone();
        }
        doc["definitions"]["Probe"]["properties"]["link"] =
            json!({"$ref": format!("#/definitions/{first}")});
        match generate_one(&doc) {
            Err(Failure::Spec(diags)) => {
                if !diags.errors().any(|d| d.pointer.contains(first.as_str())) {
                    problems.push(format!(
                        "{description}: rejected without pointing at the definition:\n{diags}"
                    ));
                }
            }
            Err(Failure::Emit(e)) => {
                problems.push(format!("{description}: emitter error {}", e.message))
            }
            Ok(generated) => {
                let cyclic = alias_cycles(&generated.files.files);
                if !cyclic.is_empty() {
                    problems.push(format!(
                        "{description}: generated, with cyclic type aliases {cyclic:?}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// OpenAPI 3.0: an operation's `requestBody` refers to a request body that refers to
/// itself. Shared parameters and responses that do this are reported; a request body must
/// be too, not silently dropped from the operation (the operation is left out, and the
/// file holds no other, so the run fails).
#[test]
fn self_referencing_request_body_is_reported() {
    let seed = Seed::load(
        "tests/samples/VPN",
        0,
        "CreateVpnConnection.json",
        "DeleteCgw.json",
    );
    let mut doc = seed.value.clone();
    doc["components"]["requestBodies"] =
        json!({"Body": {"$ref": "#/components/requestBodies/Body"}});
    let op = first_operation(&mut doc).expect("an operation");
    op.insert(
        "requestBody".into(),
        json!({"$ref": "#/components/requestBodies/Body"}),
    );
    match generate_one(&doc) {
        Err(Failure::Spec(diags)) => assert!(
            diags.0.iter().any(|d| d.pointer.contains("requestBod") && d.message.contains("left out")),
            "rejected, but not for the request body:\n{diags}"
        ),
        Err(Failure::Emit(e)) => panic!("emitter error: {}", e.message),
        Ok(generated) => panic!(
            "generated without any diagnostic about the request body; warnings:\n{}",
            generated.warnings
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Degrading: what cannot be read costs only the smallest piece that holds it

fn golden_specs(case: &str) -> PathBuf {
    repo().join("tests/golden").join(case).join("specs")
}

fn config_for(specs: &Path, strict: bool) -> Config {
    Config {
        specs: specs.to_path_buf(),
        crate_name: "probe".into(),
        specs_label: "specs/probe".into(),
        regenerate: "codegen".into(),
        extras: None,
        overrides: None,
        runtime: String::new(),
        strict,
        default_settings: None,
    }
}

fn lib_rs(generated: &codegen::Generated) -> &str {
    generated
        .files
        .files
        .get(Path::new("src/lib.rs"))
        .map(String::as_str)
        .expect("a lib.rs")
}

/// Dangling refs in error bodies and in models, and a schema that cannot be read (files
/// of LTS, SA, MAS and CAE): raw JSON by default, listed in the crate docs and counted;
/// each an error with `strict`.
#[test]
fn unreadable_parts_degrade_unless_strict() {
    let specs = golden_specs("dangling_refs");
    let generated = generate(&config_for(&specs, false)).expect("degrades instead of failing");
    assert_eq!(generated.operations, 4);
    assert!(generated.left_out.is_empty(), "{:?}", generated.left_out);
    let pointers: Vec<&str> = generated.degraded.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(pointers.len(), 7, "{pointers:#?}");
    assert!(pointers.contains(&"/definitions/Agency/properties/metadata/properties/enum"));
    assert!(pointers.contains(&"/definitions/FailStrategy/properties/actions/items/$ref"));
    assert!(pointers.iter().any(|p| p.ends_with("/delete/responses/400/schema/$ref")));
    let docs = lib_rs(&generated);
    assert!(docs.contains("# Left out or degraded"), "{docs}");
    for file in ["CreateAgency.json", "ShowMonitor.json", "DeleteConsumerGroup.json", "DeleteDataobjectRelation.json"] {
        assert!(docs.contains(&format!("`{file}` at `/")), "{file} not listed:\n{docs}");
    }
    for degraded in &generated.degraded {
        let warned = generated.warnings.warnings().any(|w| w.file == degraded.file && w.pointer == degraded.pointer);
        assert!(warned, "no warning for {degraded:?}");
    }

    let Err(Failure::Spec(diags)) = generate(&config_for(&specs, true)) else {
        panic!("strict must refuse to degrade");
    };
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    assert_eq!(errors.len(), 7, "{diags}");
    for degraded in &generated.degraded {
        assert!(
            errors.iter().any(|e| e.file == degraded.file && e.pointer == degraded.pointer),
            "strict run does not report {degraded:?}"
        );
    }
}

/// A spec with three operations: one fine, one whose body is a ref to nothing, one with a
/// shared parameter that the file does not define.
fn spec_with_untypable_requests() -> Value {
    let mut doc = probe_spec("probe", json!(["on", "off"]));
    doc["paths"]["/v1/probes"] = json!({
        "post": {
            "operationId": "CreateProbe",
            "parameters": [{"in": "body", "name": "body", "required": true, "schema": {"$ref": "#/definitions/Missing"}}],
            "responses": {"201": {"description": "created", "schema": {"$ref": "#/definitions/Probe"}}}
        },
        "get": {
            "operationId": "ListProbes",
            "parameters": [{"$ref": "#/parameters/missing_limit"}],
            "responses": {"200": {"description": "listed"}}
        }
    });
    doc
}

#[test]
fn an_operation_whose_request_cannot_be_typed_is_left_out() {
    let generated = generate_one(&spec_with_untypable_requests()).expect("the other operation is generated");
    assert_eq!(generated.operations, 1);
    assert_eq!(generated.left_out_operations(), ["ListProbes", "CreateProbe"], "in path and method order");
    assert!(generated.degraded.is_empty(), "{:?}", generated.degraded);
    let files = &generated.files.files;
    assert!(files.contains_key(Path::new("src/operations/show_probe.rs")));
    assert!(!files.contains_key(Path::new("src/operations/create_probe.rs")));
    assert!(!files.contains_key(Path::new("src/operations/list_probes.rs")));
    let docs = lib_rs(&generated);
    assert!(docs.contains("operation `CreateProbe` left out"), "{docs}");
    assert!(docs.contains("operation `ListProbes` left out"), "{docs}");
    let warning = generated
        .warnings
        .warnings()
        .find(|w| w.message.contains("ListProbes"))
        .expect("a warning for the left-out operation");
    assert_eq!(warning.pointer, "/paths/~1v1~1probes/get/parameters/0/$ref");

    let tmp = tempfile::tempdir().expect("temp folder");
    fs::write(tmp.path().join("ShowProbe.json"), to_bytes(&spec_with_untypable_requests())).expect("spec written");
    let Err(Failure::Spec(diags)) = generate(&config_for(tmp.path(), true)) else {
        panic!("strict must refuse to leave operations out");
    };
    assert_eq!(diags.errors().count(), 2, "{diags}");
}

#[test]
fn empty_documents_are_skipped_and_a_folder_of_only_them_is_an_error() {
    let tmp = tempfile::tempdir().expect("temp folder");
    fs::write(tmp.path().join("EnableDns.json"), b"\"{}\"").expect("written");
    fs::write(tmp.path().join("Nothing.json"), b"{}").expect("written");
    let Err(Failure::Spec(diags)) = generate(&config_for(tmp.path(), false)) else {
        panic!("a folder of empty documents has nothing to generate");
    };
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    assert_eq!(errors.len(), 1, "{diags}");
    assert_eq!(errors[0].message, "no operations in these specs");
    assert_eq!(errors[0].file, tmp.path());

    fs::write(tmp.path().join("ShowProbe.json"), to_bytes(&probe_spec("probe", json!(["on"])))).expect("written");
    let generated = generate(&config_for(tmp.path(), true)).expect("the good file generates, even when strict");
    assert_eq!(generated.operations, 1);
    for name in ["EnableDns.json", "Nothing.json"] {
        let skipped = generated.warnings.warnings().any(|w| w.file == tmp.path().join(name) && w.message.contains("empty document"));
        assert!(skipped, "{name} is not reported:\n{}", generated.warnings);
    }
}

/// An `allOf` part whose ref points nowhere is left out of the merged type: the warning
/// and the crate docs say that its properties are missing (not that anything became raw
/// JSON), and the other parts still make the type.
#[test]
fn a_dangling_all_of_part_is_reported_as_missing_properties() {
    let mut doc = probe_spec("probe", json!(["on", "off"]));
    doc["definitions"]["Probe"]["allOf"] = json!([
        {"$ref": "#/definitions/Missing"},
        {"properties": {"extra": {"type": "string"}}}
    ]);
    let generated = generate_one(&doc).expect("degrades instead of failing");
    let [degraded] = generated.degraded.as_slice() else {
        panic!("one degradation expected: {:#?}", generated.degraded);
    };
    assert_eq!(degraded.pointer, "/definitions/Probe/allOf/0/$ref");
    assert_eq!(degraded.outcome, codegen::diag::Outcome::PartLeftOut);
    let warning = generated.warnings.warnings().find(|w| w.pointer == degraded.pointer).expect("a warning");
    assert!(warning.message.ends_with("left out of the `allOf`, so its properties are missing"), "{}", warning.message);
    assert!(!warning.message.contains("raw JSON"), "{}", warning.message);
    assert!(lib_rs(&generated).contains("`allOf` part left out: its properties are missing"));
    let probe = &generated.files.files[Path::new("src/models/probe.rs")];
    for field in ["pub extra:", "pub status:", "pub count:"] {
        assert!(probe.contains(field), "{field} missing:\n{probe}");
    }
}
