//! Serde support for optional fields that may also be `null`.
//!
//! A field `Option<Option<T>>` with `#[serde(default, skip_serializing_if =
//! "Option::is_none", with = "codegen_runtime::__private::nullable")]` keeps the three states a
//! service can send apart: absent (`None`), `null` (`Some(None)`) and a value
//! (`Some(Some(v))`), and writes each back as it came.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(Some(v)) => v.serialize(serializer),
        // Absent values are skipped by `skip_serializing_if`; `null` stays `null`.
        Some(None) | None => serializer.serialize_none(),
    }
}

pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Probe {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
        role: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_round_trip() {
        for text in [r#"{}"#, r#"{"role":null}"#, r#"{"role":"x"}"#] {
            let probe: Probe = serde_json::from_str(text).expect("loads");
            assert_eq!(serde_json::to_string(&probe).expect("serializes"), text);
        }
    }
}
