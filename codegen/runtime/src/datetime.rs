//! `format: date-time` values.
//!
//! Services send dates with and without offsets (`2019-10-25T15:37:27+08:00`,
//! `2019-10-25 15:37:27`), epoch numbers, `null`, and sometimes text that is no date at
//! all. Deserializing must never fail on those, and sending a value back must not change
//! it, so [`DateTime`] keeps the value exactly as received and parses only when asked.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A date-time exactly as sent or received (text, a JSON number or `null`), with typed
/// parsing on demand.
///
/// Equality, order and hash go by the instant when the value parses (a time without an
/// offset is read as UTC), so `2019-10-25T07:37:27Z` equals `2019-10-25T15:37:27+08:00`
/// and sorts before `2019-10-25T08:00:00Z`. Values that do not parse sort after all that
/// do, by their text.
#[derive(Debug, Clone, Default)]
pub struct DateTime {
    /// The text, or the number's digits; empty for `null`.
    text: String,
    form: Form,
}

/// The JSON form the value came in, so that it is written back in the same form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Form {
    #[default]
    Text,
    Number,
    Null,
}

/// The result of [`DateTime::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsedDateTime {
    /// The text carried a UTC offset (`Z`, `+08:00`, `+0800`).
    WithOffset(chrono::DateTime<chrono::FixedOffset>),
    /// The text had no offset; which zone it means is up to the service.
    Naive(chrono::NaiveDateTime),
}

impl ParsedDateTime {
    /// The instant in UTC, reading a naive time as UTC.
    pub fn assume_utc(self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Self::WithOffset(dt) => dt.with_timezone(&chrono::Utc),
            Self::Naive(naive) => naive.and_utc(),
        }
    }
}

/// The text of a [`DateTime`] is not a date-time in any accepted layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError {
    text: String,
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an RFC 3339 or ISO 8601 date-time", self.text)
    }
}

impl std::error::Error for DateTimeParseError {}

/// Layouts with an offset, tried in order after RFC 3339.
const WITH_OFFSET: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"];
/// Layouts without an offset.
const NAIVE: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"];

impl DateTime {
    /// Wraps text as is; no validation, so any value the service sends can be kept.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            form: Form::Text,
        }
    }

    /// An RFC 3339 value for a typed date-time (`2024-05-01T08:30:00+08:00`).
    pub fn from_chrono<Tz: chrono::TimeZone>(value: &chrono::DateTime<Tz>) -> Self
    where
        Tz::Offset: fmt::Display,
    {
        Self::new(value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }

    /// The text exactly as received or given (a number's digits; empty for `null`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Consumes the value, returning its text.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Whether the service sent `null`.
    pub fn is_null(&self) -> bool {
        self.form == Form::Null
    }

    /// Parses the value: RFC 3339 first, then ISO 8601 variants with a space separator,
    /// an offset without colon, or no offset at all. A JSON number counts seconds since
    /// the Unix epoch, or milliseconds when it is too large for seconds (after 5138).
    pub fn parse(&self) -> Result<ParsedDateTime, DateTimeParseError> {
        let error = || DateTimeParseError {
            text: self.text.clone(),
        };
        match self.form {
            Form::Null => return Err(error()),
            Form::Number => return epoch(&self.text).ok_or_else(error),
            Form::Text => {}
        }
        let text = self.text.trim();
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text) {
            return Ok(ParsedDateTime::WithOffset(dt));
        }
        for layout in WITH_OFFSET {
            if let Ok(dt) = chrono::DateTime::parse_from_str(text, layout) {
                return Ok(ParsedDateTime::WithOffset(dt));
            }
        }
        for layout in NAIVE {
            if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, layout) {
                return Ok(ParsedDateTime::Naive(naive));
            }
        }
        Err(error())
    }

    /// What equality, order and hash compare.
    fn key(&self) -> Key<'_> {
        match self.parse() {
            Ok(parsed) => Key::Instant(parsed.assume_utc()),
            Err(_) => Key::Text(&self.text),
        }
    }
}

/// An epoch number: seconds, or milliseconds past what seconds can reach by year 5138.
fn epoch(digits: &str) -> Option<ParsedDateTime> {
    const MAX_SECONDS: f64 = 1e11;
    let number: f64 = digits.parse().ok()?;
    let millis = if number.abs() < MAX_SECONDS { number * 1000.0 } else { number };
    if !millis.is_finite() || millis.abs() > 8.0e15 {
        return None;
    }
    let instant = chrono::DateTime::from_timestamp_millis(millis.round() as i64)?;
    Some(ParsedDateTime::WithOffset(instant.fixed_offset()))
}

/// Instants first, in time order; then unparsable values by text.
#[derive(PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key<'a> {
    Instant(chrono::DateTime<chrono::Utc>),
    Text(&'a str),
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for DateTime {}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for DateTime {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<&str> for DateTime {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.form {
            Form::Text => serializer.serialize_str(&self.text),
            Form::Null => serializer.serialize_none(),
            // The digits came from a JSON number, so they parse back into one.
            Form::Number => match self.text.parse::<serde_json::Number>() {
                Ok(number) => number.serialize(serializer),
                Err(_) => serializer.serialize_str(&self.text),
            },
        }
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::__private::json::deserialize(deserializer)
    }
}

impl crate::__private::json::FromJson for DateTime {
    fn from_json(value: serde_json::Value) -> Result<Self, crate::__private::json::Mismatch> {
        // Any scalar is kept; only arrays and objects are refused.
        let (text, form) = match value {
            serde_json::Value::String(text) => (text, Form::Text),
            serde_json::Value::Number(number) => (number.to_string(), Form::Number),
            serde_json::Value::Null => (String::new(), Form::Null),
            serde_json::Value::Bool(b) => (b.to_string(), Form::Text),
            other => return Err(crate::__private::json::Mismatch::invalid_type(&other, "a date-time")),
        };
        Ok(Self { text, form })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_and_parses_common_layouts() {
        let with_offset = DateTime::new("2019-10-25T15:37:27+08:00");
        let parsed = with_offset.parse().expect("RFC 3339");
        assert_eq!(parsed.assume_utc().to_rfc3339(), "2019-10-25T07:37:27+00:00");

        let naive = DateTime::new("2019-10-25 15:37:27");
        assert!(matches!(naive.parse(), Ok(ParsedDateTime::Naive(_))));

        let compact = DateTime::new("2019-10-25T15:37:27.123+0800");
        assert!(matches!(compact.parse(), Ok(ParsedDateTime::WithOffset(_))));

        let broken = DateTime::new("2019-13-45Tnonsense");
        assert!(broken.parse().is_err());
        assert_eq!(broken.as_str(), "2019-13-45Tnonsense");
    }

    #[test]
    fn numbers_and_null_load_and_round_trip() {
        for text in ["1571988000", "1571988000123", "null", "1.5", "true"] {
            let value: DateTime = serde_json::from_str(text).expect("any scalar loads");
            let back = serde_json::to_string(&value).expect("ser");
            let expected = if text == "true" { "\"true\"" } else { text };
            assert_eq!(back, expected);
        }
        let seconds: DateTime = serde_json::from_str("1571988000").unwrap();
        let millis: DateTime = serde_json::from_str("1571988000000").unwrap();
        assert_eq!(seconds, millis);
        assert_eq!(seconds.parse().unwrap().assume_utc().to_rfc3339(), "2019-10-25T07:20:00+00:00");
        let null: DateTime = serde_json::from_str("null").unwrap();
        assert!(null.is_null() && null.parse().is_err());
        assert!(serde_json::from_str::<DateTime>("[1]").is_err());
    }

    #[test]
    fn order_and_equality_follow_the_instant() {
        let utc = DateTime::new("2019-10-25T07:37:27Z");
        let beijing = DateTime::new("2019-10-25T15:37:27+08:00");
        let later = DateTime::new("2019-10-25T08:00:00Z");
        let broken = DateTime::new("yesterday");
        assert_eq!(utc, beijing);
        assert!(beijing < later, "15:37+08:00 is 07:37Z, before 08:00Z");
        assert!(later < broken, "unparsable values sort last");
        use std::hash::BuildHasher;
        let state = std::collections::hash_map::RandomState::new();
        assert_eq!(state.hash_one(&utc), state.hash_one(&beijing));
        let mut sorted = vec![broken.clone(), later.clone(), beijing.clone()];
        sorted.sort();
        assert_eq!(sorted, vec![beijing, later, broken]);
    }

    #[test]
    fn serde_keeps_text_unchanged() {
        let value: DateTime = serde_json::from_str("\"2019-10-25 15:37:27\"").expect("string");
        assert_eq!(serde_json::to_string(&value).expect("ser"), "\"2019-10-25 15:37:27\"");
        let malformed: DateTime = serde_json::from_str("\"yesterday\"").expect("any text");
        assert_eq!(malformed.as_str(), "yesterday");
    }
}
