//! What generated code calls and users should not: request building, response decoding,
//! JSON and XML support for models and the macros behind open enums. Not part of the stable API;
//! it changes with the generator.

mod form;
mod model;
mod open_enum;
mod request;
mod response;

pub mod json;
pub mod number;
pub mod xml;
pub mod paging;

pub use model::missing_field;
pub use request::{RequestBuilder, ToParam};
pub use response::{api_error, buffered, decode, header_text};

/// Re-exported so that the open-enum macros reach serde through this crate.
pub use serde;
