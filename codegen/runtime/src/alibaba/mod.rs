//! Alibaba Cloud Function Compute 2.0 (feature `alibaba`): `FC` signing and the shape of
//! Function Compute's answers.
//!
//! ```
//! use codegen_runtime::Credentials;
//! use codegen_runtime::alibaba::FcAccessKey;
//!
//! let credentials = Credentials::signer(FcAccessKey::new("key-id", "key-secret"));
//! assert!(!format!("{credentials:?}").contains("key-secret"));
//! ```

mod sign;

pub use sign::{FcAccessKey, canonical_fc_headers, canonical_resource, string_to_sign};

use crate::vendor::Vendor;

/// How Function Compute answers: `X-Fc-Request-Id`, and error bodies with
/// `ErrorCode`/`ErrorMessage`.
pub const VENDOR: Vendor = Vendor {
    name: "Alibaba Cloud",
    request_id_headers: &["x-fc-request-id", "x-acs-request-id"],
    error_code_fields: &["ErrorCode", "Code", "errorCode"],
    error_message_fields: &["ErrorMessage", "Message", "errorMessage"],
    request_id_fields: &["RequestId", "requestId"],
    error_wrapper: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_compute_error_bodies() {
        let details = VENDOR.error_details(br#"{"ErrorCode":"FunctionNotFound","ErrorMessage":"no such function","RequestId":"r-1"}"#);
        assert_eq!(details.code.as_deref(), Some("FunctionNotFound"));
        assert_eq!(details.message.as_deref(), Some("no such function"));
        assert_eq!(details.request_id.as_deref(), Some("r-1"));
    }
}
