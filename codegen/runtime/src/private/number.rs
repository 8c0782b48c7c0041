//! JSON numbers typed `number` in a spec are `f64` in Rust, but services mostly send
//! integers there (`"value": 950`). Serde would write them back as `950.0`; this
//! module writes an integral value as an integer, so a payload survives a round trip.
//!
//! Used by [`Writer`](super::json::Writer)'s `*_number` methods on fields whose type is
//! `f64`, or `Option`, `Vec`, `Box` or a map of it. A value written with a
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
            Some(value) => serializer.serialize_some(&Number(value)),
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
        serializer.collect_seq(self.iter().map(Number))
    }
}

impl<T: WriteNumber> WriteNumber for indexmap::IndexMap<String, T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Number(v))))
    }
}

/// Serializes the `f64`s it holds as [`WriteNumber`] does.
pub struct Number<'a, T>(pub &'a T);

impl<T: WriteNumber> Serialize for Number<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::{FromJson, Mismatch, Reader, Value, Writer, failed};
    use serde::{Serialize, Serializer};

    /// A model with a `number` array, an optional one and a nullable one.
    struct Probe {
        values: Vec<f64>,
        one: Option<f64>,
        nullable: Option<Option<f64>>,
    }

    impl FromJson for Probe {
        fn from_json(value: Value) -> Result<Self, Mismatch> {
            let mut object = Reader::new(value, "Probe")?;
            let values = object.required("values");
            let one = object.optional("one");
            let nullable = object.nullable("nullable");
            match (object.rest::<Value>(), values) {
                (Ok(_), Some(values)) => Ok(Self { values, one, nullable }),
                (rest, ..) => Err(failed(rest.err())),
            }
        }
    }

    impl Serialize for Probe {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Writer::new(serializer)?;
            object.required_number("values", &self.values)?;
            object.optional_number("one", &self.one)?;
            object.optional_number("nullable", &self.nullable)?;
            object.end()
        }
    }

    fn round_trip(text: &str) -> String {
        let probe = Probe::from_json(serde_json::from_str(text).expect("json")).expect("loads");
        serde_json::to_string(&probe).expect("serializes")
    }

    #[test]
    fn nullable_numbers_keep_integers_null_and_absence() {
        for nullable in [r#","nullable":950"#, r#","nullable":0.25"#, r#","nullable":null"#, ""] {
            let text = format!(r#"{{"values":[]{nullable}}}"#);
            assert_eq!(round_trip(&text), text);
        }
    }

    #[test]
    fn integers_stay_integers() {
        let text = r#"{"values":[-1,950,0.5,1e300],"one":1597374286}"#;
        let back: Value = serde_json::from_str(&round_trip(text)).expect("json");
        let sent: Value = serde_json::from_str(text).expect("json");
        assert_eq!(back, sent);
        assert_eq!(round_trip(r#"{"values":[2.0]}"#), r#"{"values":[2]}"#);
    }
}
