//! One API Explorer file: a single operation wrapped in the catalogue's envelope
//! (`name`, `host`, `base_path`, `consumes`, `tags`, ...) around Swagger 2.0 (`definitions`,
//! `parameters`) or OpenAPI 3.0 (`components`) content.

use super::quirks::StringList;
use super::schema::Schema;
use indexmap::IndexMap;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Document {
    /// The operation's name, e.g. `CreateFunction`.
    pub name: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// `2.0` for Swagger, `3.0.x` for OpenAPI.
    pub version: Option<String>,
    /// The service's API version, e.g. `v2`.
    pub info_version: Option<String>,
    /// Short product name, e.g. `FunctionGraph`.
    pub product_short: Option<String>,
    pub host: Option<String>,
    pub base_path: Option<String>,
    pub consumes: Option<StringList>,
    pub produces: Option<StringList>,
    pub tags: Option<StringList>,
    pub schemes: Option<StringList>,
    pub method: Option<String>,
    pub region_id: Option<String>,
    pub definitions: Option<IndexMap<String, Schema>>,
    pub parameters: Option<IndexMap<String, Parameter>>,
    pub responses: Option<IndexMap<String, Response>>,
    pub components: Option<Components>,
    #[serde(default)]
    pub paths: IndexMap<String, PathItem>,
}

/// OpenAPI 3.0 `components`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Components {
    pub schemas: Option<IndexMap<String, Schema>>,
    pub parameters: Option<IndexMap<String, Parameter>>,
    pub responses: Option<IndexMap<String, Response>>,
    pub request_bodies: Option<IndexMap<String, RequestBody>>,
    pub headers: Option<IndexMap<String, Header>>,
    pub examples: Option<IndexMap<String, Value>>,
}

/// The operations under one path, by HTTP method.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PathItem {
    pub get: Option<Operation>,
    pub put: Option<Operation>,
    pub post: Option<Operation>,
    pub delete: Option<Operation>,
    pub options: Option<Operation>,
    pub head: Option<Operation>,
    pub patch: Option<Operation>,
    /// Parameters shared by every operation of the path.
    pub parameters: Option<Vec<Parameter>>,
}

impl PathItem {
    /// `(method, operation)` pairs in a fixed order.
    pub fn operations(&self) -> impl Iterator<Item = (&'static str, &Operation)> {
        [
            ("get", &self.get),
            ("put", &self.put),
            ("post", &self.post),
            ("delete", &self.delete),
            ("options", &self.options),
            ("head", &self.head),
            ("patch", &self.patch),
        ]
        .into_iter()
        .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Option<StringList>,
    pub consumes: Option<StringList>,
    pub produces: Option<StringList>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    #[serde(default)]
    pub responses: Responses,
    pub deprecated: Option<bool>,
    /// `x-request-examples-1`, `x-request-examples-url-1`, ... and other extensions.
    #[serde(flatten)]
    pub extensions: IndexMap<String, Value>,
}

/// A parameter (Swagger 2.0 carries the type inline, OpenAPI 3.0 in `schema`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "in")]
    pub location: Option<String>,
    pub description: Option<String>,
    pub required: Option<bool>,
    pub schema: Option<Schema>,
    #[serde(rename = "type")]
    pub type_name: Option<StringList>,
    pub format: Option<String>,
    pub items: Option<Box<Schema>>,
    pub collection_format: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<Value>>,
    pub default: Option<Value>,
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    pub min_length: Option<Value>,
    pub max_length: Option<Value>,
    pub pattern: Option<Value>,
    pub style: Option<String>,
    pub explode: Option<bool>,
    pub example: Option<Value>,
    pub content: Option<IndexMap<String, MediaType>>,
    #[serde(flatten)]
    pub extensions: IndexMap<String, Value>,
}

/// OpenAPI 3.0 `requestBody`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestBody {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    pub required: Option<bool>,
    #[serde(default)]
    pub content: IndexMap<String, MediaType>,
}

/// OpenAPI 3.0 media type entry of `content`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MediaType {
    pub schema: Option<Schema>,
    pub example: Option<Value>,
    pub examples: Option<IndexMap<String, Value>>,
}

/// The responses of an operation by status code; `x-*` keys are kept apart.
#[derive(Debug, Clone, Default)]
pub struct Responses {
    pub by_status: IndexMap<String, Response>,
    pub extensions: IndexMap<String, Value>,
}

impl<'de> Deserialize<'de> for Responses {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ResponsesVisitor;
        impl<'de> Visitor<'de> for ResponsesVisitor {
            type Value = Responses;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from status code to response")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Responses, A::Error> {
                let mut out = Responses::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key.starts_with("x-") {
                        let value = map.next_value::<Value>()?;
                        out.extensions.insert(key, value);
                    } else {
                        let value = map.next_value::<Response>()?;
                        out.by_status.insert(key, value);
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(ResponsesVisitor)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Response {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    /// Swagger 2.0 body schema.
    pub schema: Option<Schema>,
    /// Swagger 2.0 examples by media type.
    pub examples: Option<IndexMap<String, Value>>,
    pub headers: Option<IndexMap<String, Header>>,
    /// OpenAPI 3.0 bodies by media type.
    pub content: Option<IndexMap<String, MediaType>>,
    /// `x-*` keys (including notes of applied overrides).
    #[serde(flatten)]
    pub extensions: IndexMap<String, Value>,
}

/// A response header (Swagger 2.0 inline type, OpenAPI 3.0 `schema`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Header {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub type_name: Option<StringList>,
    pub format: Option<String>,
    pub schema: Option<Schema>,
    #[serde(flatten)]
    pub extensions: IndexMap<String, Value>,
}
