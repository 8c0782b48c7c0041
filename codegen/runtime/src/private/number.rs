//! JSON numbers typed `number` in a spec are `f64` in Rust, but services mostly send
//! integers there (`"value": 950`). Serde would write them back as `950.0`; this
//! module writes an integral value as an integer, so a payload survives a round trip.
//!
//! Used as `#[serde(serialize_with = "codegen_runtime::__private::number::serialize")]` on fields
//! whose type is `f64`, or `Option`, `Vec`, `Box` or a map of it. A value written with a
//! fraction of zero (`2.0`) is therefore sent back as `2`: numerically the same.

use serde::{Serialize, Serializer};

/// Largest integer an `f64` holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Types holding `f64`s that serialize integral values as integers.
pub trait WriteNumber {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl WriteNumber for f64 {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() && self.fract() == 0.0 && self.abs() <= EXACT {
            // Exact: the value is an integer within f64's exact range.
            serializer.serialize_i64(*self as i64)
        } else {
            serializer.serialize_f64(*self)
        }
    }
}

impl<T: WriteNumber> WriteNumber for Option<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Wrap(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<T: WriteNumber> WriteNumber for Box<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).write(serializer)
    }
}

impl<T: WriteNumber> WriteNumber for Vec<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Wrap))
    }
}

impl<T: WriteNumber> WriteNumber for indexmap::IndexMap<String, T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Wrap(v))))
    }
}

struct Wrap<'a, T>(&'a T);

impl<T: WriteNumber> Serialize for Wrap<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

/// `serialize_with` entry point.
pub fn serialize<T: WriteNumber, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.write(serializer)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Probe {
        #[serde(serialize_with = "super::serialize")]
        values: Vec<f64>,
        #[serde(skip_serializing_if = "Option::is_none", serialize_with = "super::serialize")]
        one: Option<f64>,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Nullable {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "super::serialize",
            deserialize_with = "crate::__private::nullable::deserialize"
        )]
        value: Option<Option<f64>>,
    }

    #[test]
    fn nullable_numbers_keep_integers_null_and_absence() {
        for text in [r#"{"value":950}"#, r#"{"value":0.25}"#, r#"{"value":null}"#, r#"{}"#] {
            let probe: Nullable = serde_json::from_str(text).expect("loads");
            assert_eq!(serde_json::to_string(&probe).expect("serializes"), text);
        }
    }

    #[test]
    fn integers_stay_integers() {
        let text = r#"{"values":[-1,950,0.5,1e300],"one":1597374286}"#;
        let probe: Probe = serde_json::from_str(text).expect("loads");
        let back: serde_json::Value = serde_json::to_value(&probe).expect("serializes");
        let sent: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(back, sent);
    }
}
