//! Field shapes that Huawei's API Explorer writes differently from plain Swagger/OpenAPI.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// A list of strings that the catalogue writes in any of three ways: a JSON array
/// (`["application/json"]`), a string holding a JSON-encoded array (`"[\"application/json\"]"`),
/// or a plain string (`"函数生命周期管理"`, `""`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringList(pub Vec<String>);

impl StringList {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn first(&self) -> Option<&str> {
        self.0.first().map(String::as_str)
    }

    /// Splits a string value: a JSON array inside the string wins; otherwise the string
    /// itself is the one element (none when blank).
    fn from_text(text: &str) -> Self {
        let trimmed = text.trim();
        if trimmed.starts_with('[')
            && let Ok(items) = serde_json::from_str::<Vec<String>>(trimmed)
        {
            return Self(items);
        }
        if trimmed.is_empty() {
            Self(Vec::new())
        } else {
            Self(vec![trimmed.to_owned()])
        }
    }
}

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a JSON-encoded array of strings, or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StringList, E> {
                Ok(StringList::from_text(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StringList, E> {
                Ok(StringList::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(StringList(items))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// `required` on a schema: a list of property names (the standard) or, in some catalogue
/// files, a boolean on the property itself.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Required {
    Names(Vec<String>),
    Flag(bool),
}

/// `additionalProperties`: `true`/`false` or the schema of the values.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    Allowed(bool),
    Schema(Box<super::Schema>),
}
