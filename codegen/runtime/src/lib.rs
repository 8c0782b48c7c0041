//! The runtime shared by every API crate that codegen generates.
//!
//! A generated crate (FunctionGraph, ECS, ...) holds its models, its operations and the
//! client methods of its service; everything else lives here, once, so that several
//! services in one program share one [`Credentials`], one [`Error`], one [`Endpoint`] and,
//! with the `client` feature, one connection pool ([`ClientConfig`]). Generated crates
//! re-export these types at their root, so `functiongraph::Error` and `ecs::Error` are the
//! same type and `?` works across services.
//!
//! - [`Operation`]: what every generated request type implements. `build` gives an
//!   [`http::Request`], `parse` a typed response; no I/O in either, so any HTTP stack can
//!   drive them.
//! - [`Paginate`] and [`Pager`]: list operations page by page, sans-IO (with the
//!   `client` feature, as streams of pages and of items).
//! - [`Credentials`], [`auth::Signer`] and [`CredentialsProvider`]: how requests prove
//!   who sends them, with fixed keys or temporary ones that refresh themselves.
//! - [`Endpoint`]: where requests go (`https://`, or plain `http://` only to this machine
//!   unless asked for), the project they act for, and headers every request carries.
//! - [`Env`]: where settings read from environment variables come from (the process's,
//!   or a set given in code).
//! - [`Error`], [`ApiError`], [`DecodeError`]: what can go wrong, with the request id and
//!   the body as received.
//! - [`FormFile`]: a file part of a `multipart/form-data` form.
//! - [`DateTime`]: `date-time` values, kept as sent and parsed on demand.
//! - [`WaitOptions`], [`JobRule`]: waiting for a service's asynchronous jobs (the polling
//!   loop is the client's; the rest is sans-IO).
//! - [`UnknownValue`]: the catch-all of every generated (open) enum.
//!
//! # Features
//!
//! Vendor-specific code sits in one module per vendor, each behind its cargo feature, and
//! a generated crate enables only its own vendor's:
//!
//! | feature | module | what |
//! | --- | --- | --- |
//! | `huawei` | `huawei` | `SDK-HMAC-SHA256` and derived `V11-HMAC-SHA256` signing (`AkSk`), IAM tokens, credentials from the environment, the profile file and (with `client`) the metadata service, project and domain ids, endpoint overrides, Huawei error bodies |
//! | `huawei-sm` | `huawei` | `SDK-HMAC-SM3` and `SDK-SM2-SM3` signing (`SigningAlgorithm`); implies `huawei` |
//! | `huawei-ecdsa` | `huawei` | `SDK-ECDSA-P256-SHA256` signing (`SigningAlgorithm`); implies `huawei` |
//! | `alibaba` | `alibaba` | Function Compute 2.0 signing (`FcAccessKey`), Alibaba error bodies |
//! | `client` | — | [`ClientConfig`] and [`Client`]: reqwest with timeouts, retries, proxies, extra root certificates, interceptors and endpoint failover |
//! | `tracing` | — | one `tracing` span per operation (level info) and per attempt (level debug) of the client |
//!
//! ```
//! use codegen_runtime::{Endpoint, Operation};
//!
//! // A request type as codegen generates it, written by hand.
//! struct Ping;
//! impl Operation for Ping {
//!     type Response = u16;
//!     type RequestBody = Vec<u8>;
//!     type ResponseBody = Vec<u8>;
//!     const ID: &'static str = "Ping";
//!     const METHOD: http::Method = http::Method::GET;
//!     fn build(&self, endpoint: &Endpoint) -> Result<http::Request<Vec<u8>>, codegen_runtime::Error> {
//!         codegen_runtime::__private::RequestBuilder::new(Self::METHOD, endpoint)
//!             .literal("/ping")
//!             .build()
//!     }
//!     fn parse(response: http::Response<Vec<u8>>) -> Result<u16, codegen_runtime::Error> {
//!         Ok(response.status().as_u16())
//!     }
//! }
//!
//! let endpoint = Endpoint::new("https://example.com")?;
//! let request = Ping.build(&endpoint)?;
//! assert_eq!(request.uri(), "https://example.com/ping");
//! # Ok::<(), codegen_runtime::Error>(())
//! ```
// The client types are linked when the feature that defines them is on, else the
// features table is.
#![cfg_attr(feature = "client", doc = "\n[`ClientConfig`]: crate::ClientConfig\n[`Client`]: crate::Client")]
#![cfg_attr(not(feature = "client"), doc = "\n[`ClientConfig`]: #features\n[`Client`]: #features")]

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
mod body;
mod credentials;
mod datetime;
mod endpoint;
mod env;
mod error;
mod form;
mod operation;
mod paginate;
mod unknown;
pub mod vendor;
mod waiter;

#[cfg(feature = "client")]
mod client;

#[cfg(feature = "alibaba")]
pub mod alibaba;
#[cfg(feature = "huawei")]
pub mod huawei;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

#[cfg(feature = "client")]
pub use client::{
    BodyKind, Client, ClientConfig, ClientConfigBuilder, HeaderView, Interceptor, RequestContext, ResponseContext,
    RetryPolicy, TransportErrorContext,
};
pub use body::{Body, ByteStream, Progress, SignableBody};
pub use credentials::{BoxFuture, Credentials, CredentialsProvider};
pub use datetime::{DateTime, DateTimeParseError, ParsedDateTime};
pub use endpoint::{BucketAddress, Endpoint, MAX_OBJECT_KEY_BYTES, encode_object_key, validate_bucket_name, validate_object_key};
pub use env::Env;
pub use error::{ApiError, DecodeError, Error};
pub use form::FormFile;
pub use operation::{FromBody, Operation};
pub use paginate::{PageSignals, PageStyle, Paginate, Pager};
#[cfg(feature = "client")]
pub use client::{Items, Pages};
pub use unknown::UnknownValue;
pub use waiter::{Backoff, JobDone, JobFailure, JobRule, JobState, WaitOptions, WaitTimeout};
