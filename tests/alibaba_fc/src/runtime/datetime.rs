// @generated: copied verbatim from codegen/runtime/datetime.rs; edit the original there.

//! `format: date-time` values.
//!
//! Services send dates with and without offsets (`2019-10-25T15:37:27+08:00`,
//! `2019-10-25 15:37:27`), and sometimes text that is no date at all. Deserializing must
//! never fail on those, and sending a value back must not change it, so [`DateTime`] keeps
//! the text exactly as received and parses only when asked.

use std::fmt;

/// A date-time as text, exactly as sent or received, with typed parsing on demand.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DateTime(String);

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
        Self(text.into())
    }

    /// An RFC 3339 value for a typed date-time (`2024-05-01T08:30:00+08:00`).
    pub fn from_chrono<Tz: chrono::TimeZone>(value: &chrono::DateTime<Tz>) -> Self
    where
        Tz::Offset: fmt::Display,
    {
        Self(value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }

    /// The text exactly as received or given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the value, returning its text.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Parses the text: RFC 3339 first, then ISO 8601 variants with a space separator, an
    /// offset without colon, or no offset at all.
    pub fn parse(&self) -> Result<ParsedDateTime, DateTimeParseError> {
        let text = self.0.trim();
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
        Err(DateTimeParseError {
            text: self.0.clone(),
        })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for DateTime {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for DateTime {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
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
    fn serde_keeps_text_unchanged() {
        let value: DateTime = serde_json::from_str("\"2019-10-25 15:37:27\"").expect("string");
        assert_eq!(serde_json::to_string(&value).expect("ser"), "\"2019-10-25 15:37:27\"");
        let malformed: DateTime = serde_json::from_str("\"yesterday\"").expect("any text");
        assert_eq!(malformed.as_str(), "yesterday");
    }
}
