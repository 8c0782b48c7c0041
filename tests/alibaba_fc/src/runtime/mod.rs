// @generated: copied verbatim from codegen/runtime/mod.rs; edit the original there.

//! Hand-written support code shared by every generated crate.
//!
//! The generator copies these files verbatim, so every crate it produces carries the
//! same, separately tested behaviour; only the `models` (and operations) are generated.
//!
//! The `Client` (and its retries) needs the `client` feature, on by default; without
//! it the crate builds requests and parses responses for any HTTP stack.

pub mod auth;
#[cfg(feature = "client")]
mod client;
mod credentials;
mod datetime;
mod endpoint;
mod error;
pub mod nullable;
pub mod number;
mod open_enum;
mod operation;
mod request;
mod response;
#[cfg(feature = "client")]
mod retry;
mod sign_alibaba;
mod sign_huawei;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder};
pub use credentials::Credentials;
pub use datetime::{DateTime, DateTimeParseError, ParsedDateTime};
pub use endpoint::Endpoint;
pub use error::{ApiError, Error};
pub use operation::Operation;
pub use request::{RequestBuilder, ToParam};
pub use response::{api_error, api_error_raw, header_text, json, request_id};
#[cfg(feature = "client")]
pub use retry::RetryPolicy;
#[allow(unused_imports)]
pub(crate) use open_enum::{integer_enum, string_enum};
