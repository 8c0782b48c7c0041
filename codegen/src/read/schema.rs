//! JSON Schema as Swagger 2.0 and OpenAPI 3.0 use it, with the catalogue's extensions.

use super::quirks::{AdditionalProperties, Required, StringList};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// One schema object. Structural keys are typed (a wrong shape is an error with its
/// pointer); keys that only feed documentation are kept as raw JSON so that an odd value
/// (a string `maximum`, say) never stops generation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    /// Usually one name; OpenAPI 3.1 style lists (`["string", "null"]`) are accepted.
    #[serde(rename = "type")]
    pub type_name: Option<StringList>,
    pub format: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub properties: Option<IndexMap<String, Schema>>,
    pub required: Option<Required>,
    pub items: Option<Box<Schema>>,
    pub additional_properties: Option<AdditionalProperties>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<Value>>,
    pub all_of: Option<Vec<Schema>>,
    pub one_of: Option<Vec<Schema>>,
    pub any_of: Option<Vec<Schema>>,
    pub nullable: Option<bool>,
    pub read_only: Option<bool>,
    pub default: Option<Value>,
    pub example: Option<Value>,
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    pub exclusive_minimum: Option<Value>,
    pub exclusive_maximum: Option<Value>,
    pub min_length: Option<Value>,
    pub max_length: Option<Value>,
    pub min_items: Option<Value>,
    pub max_items: Option<Value>,
    pub pattern: Option<Value>,
    /// Swagger 2.0's XML object (`name`, `namespace`, `prefix`, `attribute`, `wrapped`),
    /// kept raw and read leniently by [`Schema::xml_hint`]: a malformed one must not stop
    /// a JSON-only service from generating.
    pub xml: Option<Value>,
    /// `x-*` keys and anything else this reader has no field for.
    #[serde(flatten)]
    pub extensions: IndexMap<String, Value>,
}

impl Schema {
    /// The first type name that is not `null`, if any, with the catalogue's other
    /// spellings of the standard names normalised (`long`, `Integer` → `integer`, ...).
    pub fn primary_type(&self) -> Option<&str> {
        let name = self
            .type_name
            .as_ref()
            .and_then(|t| t.iter().find(|name| *name != "null"))?;
        Some(standard_type_name(name).unwrap_or(name))
    }

    /// The schema that the reader could not understand, replaced by a marker (see
    /// [`super::UNREADABLE_KEY`]): why it could not be read.
    pub fn unreadable(&self) -> Option<&str> {
        self.extensions.get(super::UNREADABLE_KEY).and_then(Value::as_str)
    }

    /// Property names listed as required on this (object) schema.
    pub fn required_names(&self) -> &[String] {
        match &self.required {
            Some(Required::Names(names)) => names,
            _ => &[],
        }
    }

    /// `required: true` written on a property schema itself.
    pub fn required_flag(&self) -> bool {
        matches!(self.required, Some(Required::Flag(true)))
    }
}

/// What a schema's `xml` object says; all absent when there is none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct XmlHint {
    /// The element (or attribute) name, instead of the property's or definition's.
    pub name: Option<String>,
    /// The namespace URI written on the element.
    pub namespace: Option<String>,
    /// The prefix bound to the namespace.
    pub prefix: Option<String>,
    /// The property is an attribute rather than an element.
    pub attribute: bool,
    /// An array is inside a wrapper element rather than repeated elements.
    pub wrapped: bool,
}

impl Schema {
    /// The `xml` object's members, each ignored when of the wrong type; names that are
    /// not XML names (empty, with blanks or markup) are ignored too.
    pub fn xml_hint(&self) -> XmlHint {
        let Some(Value::Object(xml)) = &self.xml else {
            return XmlHint::default();
        };
        let text = |key: &str| xml.get(key).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let flag = |key: &str| xml.get(key).and_then(Value::as_bool).unwrap_or(false);
        let is_name = |name: &String| !name.chars().any(|c| c.is_whitespace() || "<>&\"'=/".contains(c));
        XmlHint {
            name: text("name").filter(is_name),
            namespace: text("namespace"),
            prefix: text("prefix").filter(|p| is_name(p) && !p.contains(':')),
            attribute: flag("attribute"),
            wrapped: flag("wrapped"),
        }
    }
}

/// The standard JSON Schema type a vendor spelling stands for: the catalogue writes
/// `long`, `int`, `Integer`, `Bigint`, `double`, `float`, `Object`, `String`, `bool`, ...
fn standard_type_name(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "integer" | "int" | "long" | "bigint" | "int32" | "int64" => "integer",
        "number" | "double" | "float" => "number",
        "string" | "str" => "string",
        "boolean" | "bool" => "boolean",
        "object" => "object",
        "array" => "array",
        "file" => "file",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(name: &str) -> Schema {
        Schema {
            type_name: Some(StringList(vec![name.to_owned()])),
            ..Schema::default()
        }
    }

    #[test]
    fn xml_hints_are_read_leniently() {
        let with = |xml: Value| Schema { xml: Some(xml), ..Schema::default() }.xml_hint();
        let hint = with(serde_json::json!({"name": "Grant", "attribute": true, "wrapped": true, "namespace": "urn:a", "prefix": "p"}));
        assert_eq!(hint.name.as_deref(), Some("Grant"));
        assert!(hint.attribute && hint.wrapped);
        assert_eq!((hint.namespace.as_deref(), hint.prefix.as_deref()), (Some("urn:a"), Some("p")));
        assert_eq!(with(serde_json::json!("Grant")), XmlHint::default());
        assert_eq!(with(serde_json::json!({"name": "a b", "wrapped": "yes", "prefix": "a:b"})), XmlHint::default());
        assert_eq!(Schema::default().xml_hint(), XmlHint::default());
    }

    #[test]
    fn vendor_type_spellings_are_standard_types() {
        for (vendor, standard) in [
            ("long", "integer"),
            ("int", "integer"),
            ("Integer", "integer"),
            ("Bigint", "integer"),
            ("double", "number"),
            ("float", "number"),
            ("Object", "object"),
            ("String", "string"),
            ("integer", "integer"),
            ("custom", "custom"),
        ] {
            assert_eq!(typed(vendor).primary_type(), Some(standard), "{vendor}");
        }
    }
}
