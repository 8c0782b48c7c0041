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
    /// `x-*` keys and anything else this reader has no field for.
    #[serde(flatten)]
    pub extensions: IndexMap<String, Value>,
}

impl Schema {
    /// The first type name that is not `null`, if any.
    pub fn primary_type(&self) -> Option<&str> {
        self.type_name
            .as_ref()
            .and_then(|t| t.iter().find(|name| *name != "null"))
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
