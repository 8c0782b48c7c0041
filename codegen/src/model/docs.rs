//! Documentation carried from the spec: the description verbatim, plus the constraints
//! that the Rust type itself cannot express, stated as short lines.

use crate::read::Schema;
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// The spec's description, verbatim (often Chinese).
    pub description: Option<String>,
    /// One line each: `Minimum length: 1.`, `Pattern: ^[a-z]+$`, ...
    pub notes: Vec<String>,
}

impl Docs {
    pub fn from_schema(schema: &Schema) -> Self {
        let description = schema
            .description
            .as_deref()
            .or(schema.title.as_deref())
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        let mut notes = constraint_notes(schema);
        if let Some(Value::Array(corrections)) = schema.extensions.get(crate::read::NOTE_KEY) {
            for c in corrections.iter().filter_map(Value::as_str) {
                notes.push(format!("Corrected from the vendor's spec: {c}."));
            }
        }
        Self { description, notes }
    }

    pub fn is_empty(&self) -> bool {
        self.description.is_none() && self.notes.is_empty()
    }
}

/// The constraint lines of a schema, in a fixed order.
pub fn constraint_notes(schema: &Schema) -> Vec<String> {
    let mut notes = Vec::new();
    let mut add = |label: &str, value: &Option<Value>| {
        if let Some(v) = value {
            notes.push(format!("{label}: {}", literal(v)));
        }
    };
    add("Minimum", &schema.minimum);
    add("Maximum", &schema.maximum);
    add("Exclusive minimum", &schema.exclusive_minimum);
    add("Exclusive maximum", &schema.exclusive_maximum);
    add("Minimum length", &schema.min_length);
    add("Maximum length", &schema.max_length);
    add("Minimum items", &schema.min_items);
    add("Maximum items", &schema.max_items);
    add("Pattern", &schema.pattern);
    add("Default", &schema.default);
    if schema.nullable == Some(true) || schema.extensions.get("x-nullable") == Some(&Value::Bool(true)) {
        notes.push("May be `null`.".to_owned());
    }
    if let Some(values) = &schema.enum_values {
        let mut list: Vec<String> = Vec::new();
        for value in values.iter().map(literal) {
            if !list.contains(&value) {
                list.push(value);
            }
        }
        notes.push(format!("Allowed values: {}", list.join(", ")));
    }
    // Formats the Rust type already states are not repeated.
    if let Some(format) = schema
        .format
        .as_ref()
        .filter(|f| !matches!(f.as_str(), "int32" | "int64" | "date-time" | "double" | "float"))
    {
        notes.push(format!("Format: {}", code_span(format)));
    }
    notes
}

/// A JSON value as inline code: strings without quotes, everything else as JSON.
fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => code_span(s),
        other => code_span(&other.to_string()),
    }
}

/// Wraps text in a Markdown code span, using a longer fence when the text has backticks.
pub fn code_span(text: &str) -> String {
    if text.is_empty() {
        return "`\"\"`".to_owned();
    }
    let longest_run = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}
