//! Hand-written support code shared by every generated crate.
//!
//! The generator copies these files verbatim, so every crate it produces carries the
//! same, separately tested behaviour; only the `models` (and operations) are generated.

mod datetime;
mod error;
mod open_enum;

pub use datetime::{DateTime, DateTimeParseError, ParsedDateTime};
pub use error::{ApiError, Error};
pub(crate) use open_enum::{integer_enum, string_enum};
