//! JSON for the generated models without serde's derive code.
//!
//! `#[derive(Deserialize)]` writes a visitor state machine per struct, and every
//! instantiation of it is compiled again for each deserializer: in a generated crate of
//! a few hundred models that was most of the build. Here a body is parsed once into a
//! [`serde_json::Value`] (code compiled once, in serde_json), and each model reads its
//! properties out of the parsed object with [`FromJson`]: a plain function per type, one
//! call per property. Writing keeps serde's `Serialize`, implemented per model with
//! [`Writer`] in a few lines rather than derived.
//!
//! A failure is a [`Mismatch`] that carries the path of the value that failed
//! (`functions[1].vpc.subnet_id`), gathered on the way out so that a successful read
//! pays nothing for it.

use serde::de::Unexpected;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::fmt;

pub use serde_json::{Map, Value};

use super::number::{Number, WriteNumber};

/// A type read from a parsed JSON value.
pub trait FromJson: Sized {
    /// Reads `value`, or says why it does not fit and where.
    fn from_json(value: Value) -> Result<Self, Mismatch>;
}

/// Why a JSON value does not fit its type, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// From the failing value outwards: the reverse of the path.
    trail: Vec<Step>,
    message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

impl Mismatch {
    /// A mismatch with its own message, at the value being read.
    pub fn new(message: impl Into<String>) -> Self {
        Self { trail: Vec::new(), message: message.into() }
    }

    /// `found` is not of the type `expected` describes ("a string", "i32").
    pub fn invalid_type(found: &Value, expected: &str) -> Self {
        Self::new(format!("invalid type: {}, expected {expected}", unexpected(found)))
    }

    /// A required property is absent from the object being read.
    pub fn missing_field(name: &str) -> Self {
        Self::new(format!("missing field `{name}`"))
    }

    /// The same mismatch, seen from the object that holds the value under `key`.
    pub fn at_key(mut self, key: &str) -> Self {
        self.trail.push(Step::Key(key.to_owned()));
        self
    }

    /// The same mismatch, seen from the array that holds the value at `index`.
    pub fn at_index(mut self, index: usize) -> Self {
        self.trail.push(Step::Index(index));
        self
    }

    /// Where the failing value is (`vpc.subnet_id`, `functions[2].name`); `None` at the top.
    pub fn path(&self) -> Option<String> {
        let mut path = String::new();
        for step in self.trail.iter().rev() {
            match step {
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        (!path.is_empty()).then_some(path)
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            Some(path) => write!(f, "{} at `{path}`", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Mismatch {}

/// serde's wording for a value of the wrong type ("integer `7`", "string \"x\"").
fn unexpected(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => Unexpected::Bool(*b).to_string(),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u).to_string(),
            (_, Some(i), _) => Unexpected::Signed(i).to_string(),
            (_, _, Some(f)) => Unexpected::Float(f).to_string(),
            _ => format!("number `{n}`"),
        },
        Value::String(s) => Unexpected::Str(s).to_string(),
        Value::Array(_) => Unexpected::Seq.to_string(),
        Value::Object(_) => Unexpected::Map.to_string(),
    }
}

/// `Deserialize` for a [`FromJson`] type: what each generated model's impl calls.
pub fn deserialize<'de, T: FromJson, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    T::from_json(value).map_err(serde::de::Error::custom)
}

// The generic code below matches on results rather than calling `map_err` or `?`: each
// of those is one more function instantiated for every property type of a crate.

/// The properties of an object being read into a struct: each named one is taken out,
/// and what is left over goes to the struct's catch-all map.
///
/// Reading a property never returns early: a property that does not read gives `None`
/// and is remembered, later ones are skipped, and [`rest`](Self::rest) reports it. A
/// struct's `from_json` is then a straight run of calls with one exit for failures;
/// returning at each property would make every exit drop the properties read before it,
/// which in large structs was most of the generated code. The methods are not inlined,
/// for the same reason.
pub struct Reader {
    map: Map<String, Value>,
    /// The first property that did not read.
    failed: Option<Mismatch>,
}

impl Reader {
    /// The object `value` holds, or a mismatch naming the struct it should have been.
    pub fn new(value: Value, type_name: &str) -> Result<Self, Mismatch> {
        match value {
            Value::Object(map) => Ok(Self { map, failed: None }),
            other => Err(Mismatch::invalid_type(&other, &format!("struct {type_name}"))),
        }
    }

    /// Takes a property out, keeping the order of the others for [`rest`](Self::rest);
    /// `Err` when an earlier property failed, so that the first failure is the one kept.
    fn take(&mut self, key: &str) -> Result<Option<Value>, ()> {
        match self.failed {
            Some(_) => Err(()),
            None => Ok(self.map.shift_remove(key)),
        }
    }

    fn fail(&mut self, mismatch: Mismatch) {
        self.failed = Some(mismatch);
    }

    /// A property that must be present; `None` when it is absent or does not read.
    #[inline(never)]
    pub fn required<T: FromJson>(&mut self, key: &str) -> Option<T> {
        match self.take(key) {
            Ok(Some(value)) => match T::from_json(value) {
                Ok(value) => Some(value),
                Err(e) => {
                    self.fail(e.at_key(key));
                    None
                }
            },
            Ok(None) => {
                self.fail(Mismatch::missing_field(key));
                None
            }
            Err(()) => None,
        }
    }

    /// A property that may be absent; absent and `null` are both `None`.
    #[inline(never)]
    pub fn optional<T: FromJson>(&mut self, key: &str) -> Option<T> {
        match self.take(key) {
            Ok(None | Some(Value::Null)) | Err(()) => None,
            Ok(Some(value)) => match T::from_json(value) {
                Ok(value) => Some(value),
                Err(e) => {
                    self.fail(e.at_key(key));
                    None
                }
            },
        }
    }

    /// A property that may be absent (`None`), `null` (`Some(None)`) or a value
    /// (`Some(Some(v))`): the three are kept apart so that each is written back as it came.
    #[inline(never)]
    pub fn nullable<T: FromJson>(&mut self, key: &str) -> Option<Option<T>> {
        match self.take(key) {
            Ok(None) | Err(()) => None,
            Ok(Some(Value::Null)) => Some(None),
            Ok(Some(value)) => match T::from_json(value) {
                Ok(value) => Some(Some(value)),
                Err(e) => {
                    self.fail(e.at_key(key));
                    None
                }
            },
        }
    }

    /// The properties not taken, in the order they came; or the first property that did
    /// not read.
    #[inline(never)]
    pub fn rest<T: FromJson>(self) -> Result<indexmap::IndexMap<String, T>, Mismatch> {
        if let Some(mismatch) = self.failed {
            return Err(mismatch);
        }
        let mut out = indexmap::IndexMap::with_capacity(self.map.len());
        for (key, value) in self.map {
            match T::from_json(value) {
                Ok(value) => {
                    out.insert(key, value);
                }
                Err(e) => return Err(e.at_key(&key)),
            }
        }
        Ok(out)
    }
}

/// The mismatch of a struct that did not read: what [`Reader::rest`] reported. A required
/// property that reads as `None` always makes `rest` fail, so the fallback names no
/// property.
pub fn failed(mismatch: Option<Mismatch>) -> Mismatch {
    mismatch.unwrap_or_else(|| Mismatch::new("a required property did not read"))
}

/// Writes a struct as a JSON object: named properties in field order (absent optional
/// ones skipped), then the catch-all map.
pub struct Writer<M> {
    map: M,
}

impl<M: SerializeMap> Writer<M> {
    /// Starts the object.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(serializer: S) -> Result<Self, M::Error> {
        Ok(Self { map: serializer.serialize_map(None)? })
    }

    /// A property always written (a required one; `None` of a nullable one is `null`).
    pub fn required<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), M::Error> {
        self.map.serialize_entry(key, value)
    }

    /// A property written when present: `Some(v)` is `v`, so `Some(None)` of a nullable
    /// one is `null`.
    pub fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => self.map.serialize_entry(key, value),
            None => Ok(()),
        }
    }

    /// [`required`](Self::required) for `number` properties: integral values are
    /// written as integers (see [`number`](super::number)).
    pub fn required_number<T: WriteNumber>(&mut self, key: &str, value: &T) -> Result<(), M::Error> {
        self.map.serialize_entry(key, &Number(value))
    }

    /// [`optional`](Self::optional) for `number` properties.
    pub fn optional_number<T: WriteNumber>(&mut self, key: &str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => self.map.serialize_entry(key, &Number(value)),
            None => Ok(()),
        }
    }

    /// The catch-all map's entries.
    pub fn rest<T: Serialize>(&mut self, map: &indexmap::IndexMap<String, T>) -> Result<(), M::Error> {
        for (key, value) in map {
            self.map.serialize_entry(key, value)?;
        }
        Ok(())
    }

    /// Ends the object.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.map.end()
    }
}

impl FromJson for Value {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        Ok(value)
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(Mismatch::invalid_type(&other, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(Mismatch::invalid_type(&other, "a boolean")),
        }
    }
}

impl FromJson for f64 {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        match &value {
            Value::Number(n) => n.as_f64().ok_or_else(|| Mismatch::invalid_type(&value, "f64")),
            _ => Err(Mismatch::invalid_type(&value, "f64")),
        }
    }
}

impl FromJson for () {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        match value {
            Value::Null => Ok(()),
            other => Err(Mismatch::invalid_type(&other, "unit")),
        }
    }
}

/// An integer of type `T`, in its range; serde's wording when it is not.
fn integer<T: TryFrom<i64> + TryFrom<u64>>(value: Value, name: &str) -> Result<T, Mismatch> {
    let Value::Number(n) = &value else {
        return Err(Mismatch::invalid_type(&value, name));
    };
    let fits = match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => T::try_from(i).ok(),
        (None, Some(u)) => T::try_from(u).ok(),
        (None, None) => return Err(Mismatch::invalid_type(&value, name)),
    };
    fits.ok_or_else(|| Mismatch::new(format!("invalid value: {}, expected {name}", unexpected(&value))))
}

macro_rules! integers {
    ($($ty:ident)*) => {$(
        impl FromJson for $ty {
            fn from_json(value: Value) -> Result<Self, Mismatch> {
                integer(value, stringify!($ty))
            }
        }
    )*};
}

integers!(i8 i16 i32 i64 u8 u16 u32 u64);

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        match value {
            Value::Null => Ok(None),
            value => match T::from_json(value) {
                Ok(value) => Ok(Some(value)),
                Err(e) => Err(e),
            },
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        match T::from_json(value) {
            Ok(value) => Ok(Box::new(value)),
            Err(e) => Err(e),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        let Value::Array(items) = value else {
            return Err(Mismatch::invalid_type(&value, "a sequence"));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match T::from_json(item) {
                Ok(item) => out.push(item),
                Err(e) => return Err(e.at_index(i)),
            }
        }
        Ok(out)
    }
}

impl<T: FromJson> FromJson for indexmap::IndexMap<String, T> {
    fn from_json(value: Value) -> Result<Self, Mismatch> {
        match value {
            Value::Object(map) => Reader { map, failed: None }.rest(),
            other => Err(Mismatch::invalid_type(&other, "a map")),
        }
    }
}

/// An open string enum from a JSON string (any string: unknown values are kept).
pub fn string_enum<T: for<'a> From<&'a str>>(value: Value) -> Result<T, Mismatch> {
    match value {
        Value::String(s) => Ok(T::from(s.as_str())),
        other => Err(Mismatch::invalid_type(&other, "a string")),
    }
}

/// An open integer enum from a JSON integer (any integer: unknown values are kept).
pub fn integer_enum<T: From<i64>>(value: Value) -> Result<T, Mismatch> {
    integer::<i64>(value, "i64").map(T::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Vpc {
        subnet_id: String,
        count: Option<i32>,
        role: Option<Option<String>>,
        unknown: indexmap::IndexMap<String, Value>,
    }

    impl FromJson for Vpc {
        fn from_json(value: Value) -> Result<Self, Mismatch> {
            let mut object = Reader::new(value, "Vpc")?;
            let subnet_id = object.required("subnet_id");
            let count = object.optional("count");
            let role = object.nullable("role");
            match (object.rest(), subnet_id) {
                (Ok(unknown), Some(subnet_id)) => Ok(Self { subnet_id, count, role, unknown }),
                (rest, ..) => Err(failed(rest.err())),
            }
        }
    }

    impl Serialize for Vpc {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Writer::new(serializer)?;
            object.required("subnet_id", &self.subnet_id)?;
            object.optional("count", &self.count)?;
            object.optional("role", &self.role)?;
            object.rest(&self.unknown)?;
            object.end()
        }
    }

    #[test]
    fn round_trip_keeps_absence_null_and_unknown_properties_in_order() {
        for text in [
            r#"{"subnet_id":"s"}"#,
            r#"{"subnet_id":"s","count":3,"role":null}"#,
            r#"{"subnet_id":"s","role":"r","zeta":1,"alpha":[true]}"#,
        ] {
            let vpc = Vpc::from_json(serde_json::from_str(text).unwrap()).unwrap();
            assert_eq!(serde_json::to_string(&vpc).unwrap(), text);
        }
    }

    #[test]
    fn mismatches_name_the_path_and_use_serde_wording() {
        let error = Vec::<Vpc>::from_json(json!([{"subnet_id": "a"}, {"subnet_id": 7}])).unwrap_err();
        assert_eq!(error.path().as_deref(), Some("[1].subnet_id"));
        assert_eq!(error.message(), "invalid type: integer `7`, expected a string");
        assert_eq!(error.to_string(), "invalid type: integer `7`, expected a string at `[1].subnet_id`");

        let error = Vpc::from_json(json!({"count": 1})).unwrap_err();
        assert_eq!((error.path(), error.message()), (None, "missing field `subnet_id`"));

        let error = Vpc::from_json(json!("text")).unwrap_err();
        assert_eq!(error.message(), "invalid type: string \"text\", expected struct Vpc");

        let error = Vpc::from_json(json!({"subnet_id": "s", "count": 1.5})).unwrap_err();
        assert_eq!(error.message(), "invalid type: floating point `1.5`, expected i32");
        let error = Vpc::from_json(json!({"subnet_id": "s", "count": 3_000_000_000_u64})).unwrap_err();
        assert_eq!(error.message(), "invalid value: integer `3000000000`, expected i32");
        assert_eq!(error.path().as_deref(), Some("count"));
    }

    #[test]
    fn the_first_property_that_fails_is_reported_and_later_ones_are_not_read() {
        let error = Vpc::from_json(json!({"subnet_id": 7, "count": "x", "role": 1})).unwrap_err();
        assert_eq!(error.path().as_deref(), Some("subnet_id"));
        let error = Vpc::from_json(json!({"subnet_id": "s", "count": "x", "zeta": 1})).unwrap_err();
        assert_eq!(error.path().as_deref(), Some("count"));
        assert_eq!(error.message(), "invalid type: string \"x\", expected i32");
    }

    #[test]
    fn scalars_and_containers() {
        assert_eq!(u8::from_json(json!(255)).unwrap(), 255);
        assert!(u8::from_json(json!(-1)).is_err());
        assert_eq!(i64::from_json(json!(-9_007_199_254_740_993_i64)).unwrap(), -9_007_199_254_740_993);
        assert_eq!(u64::from_json(json!(u64::MAX)).unwrap(), u64::MAX);
        assert_eq!(f64::from_json(json!(950)).unwrap(), 950.0);
        assert_eq!(Option::<bool>::from_json(Value::Null).unwrap(), None);
        let map = indexmap::IndexMap::<String, i32>::from_json(json!({"b": 1, "a": 2})).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "a"]);
        let error = indexmap::IndexMap::<String, i32>::from_json(json!({"b": "x"})).unwrap_err();
        assert_eq!(error.path().as_deref(), Some("b"));
    }
}
