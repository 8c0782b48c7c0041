//! Names of the operation layer: request and response types, their fields and
//! variants, modules and client methods.

use super::ident::{snake_name, type_name};
use super::Taken;
use crate::model::{Model, Operation, Role, Status};

#[derive(Debug, Clone, Default)]
pub struct OperationNames {
    /// `CreateFunctionRequest`
    pub request: String,
    /// `CreateFunctionResponse`
    pub response: String,
    /// Module (file stem) in `operations/`, also the client method: `create_function`.
    pub method: String,
    /// Request field per parameter (empty for parameters the request does not carry).
    pub params: Vec<String>,
    /// Request field of the body (`body`, unless a parameter took it).
    pub body: String,
    /// Response variant per response, in model order.
    pub variants: Vec<String>,
    /// Per response: field per documented header.
    pub headers: Vec<Vec<String>>,
    /// The variant for statuses the spec does not document.
    pub undocumented: String,
}

/// Operation types live in their own module, so they only need to be unique among
/// themselves; models are referred to as `models::Name`.
pub(super) fn assign(model: &Model) -> Vec<OperationNames> {
    let mut taken_types = Taken::default();
    let mut methods = Taken::default();
    model
        .operations
        .iter()
        .map(|op| {
            let base = type_name(std::slice::from_ref(&op.id));
            let request = taken_types.claim(format!("{base}Request"), false);
            let response = taken_types.claim(format!("{base}Response"), false);
            let method = methods.claim(snake_name(&op.id), true);
            let (params, body) = request_fields(op);
            let (variants, headers, undocumented) = response_variants(op);
            OperationNames {
                request,
                response,
                method,
                params,
                body,
                variants,
                headers,
                undocumented,
            }
        })
        .collect()
}

/// Whether the request type carries a parameter (others come from the endpoint, the
/// credentials or the body).
pub fn carried(role: Role) -> bool {
    matches!(role, Role::Value | Role::Bucket | Role::ObjectKey | Role::Switch | Role::HeaderFamily)
}

fn request_fields(op: &Operation) -> (Vec<String>, String) {
    let mut taken = Taken::default();
    let params = op
        .params
        .iter()
        .map(|p| {
            if p.role == Role::HeaderFamily {
                // `x-obs-meta-xxx` is the field `x_obs_meta`.
                taken.claim(snake_name(p.family_prefix().trim_end_matches('-')), true)
            } else if carried(p.role) {
                taken.claim(snake_name(&p.name), true)
            } else {
                String::new()
            }
        })
        .collect();
    let body = taken.claim("body".to_owned(), true);
    (params, body)
}

fn response_variants(op: &Operation) -> (Vec<String>, Vec<Vec<String>>, String) {
    let mut taken = Taken::default();
    let variants = op
        .responses
        .iter()
        .map(|r| taken.claim(status_variant(&r.status), false))
        .collect();
    let headers = op
        .responses
        .iter()
        .map(|r| {
            let mut fields = Taken::default();
            fields.0.insert("body".to_owned());
            fields.0.insert("headers".to_owned());
            r.headers
                .iter()
                .map(|h| fields.claim(snake_name(&h.name), true))
                .collect()
        })
        .collect();
    let undocumented = taken.claim("Undocumented".to_owned(), false);
    (variants, headers, undocumented)
}

/// `200` → `Ok`, `404` → `NotFound`, `2XX` → `Status2xx`, `default` → `Other`.
fn status_variant(status: &Status) -> String {
    match status {
        Status::Code(code) => http_reason(*code)
            .map(|reason| type_name(&[reason.to_owned()]))
            .unwrap_or_else(|| format!("Status{code}")),
        Status::Class(class) => format!("Status{class}xx"),
        Status::Default => "Other".to_owned(),
    }
}

/// Reason phrases of the statuses APIs document (RFC 9110 and common extensions).
fn http_reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        207 => "Multi Status",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}
