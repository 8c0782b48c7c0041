//! OBS's error answers: a status, a code and a message, sent as the
//! `<Error><Code/><Message/><RequestId/><HostId/></Error>` document.

use crate::http::{Payload, Response};
use crate::xml;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObsError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ObsError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(403, "AccessDenied", message)
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }

    pub fn no_such_bucket(bucket: &str) -> Self {
        Self::new(404, "NoSuchBucket", format!("The specified bucket `{bucket}` does not exist"))
    }

    pub fn no_such_key(key: &str) -> Self {
        Self::new(404, "NoSuchKey", format!("The specified key `{key}` does not exist."))
    }

    pub fn no_such_upload(upload_id: &str) -> Self {
        Self::new(404, "NoSuchUpload", format!("The specified multipart upload `{upload_id}` does not exist."))
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The answer, with its XML body unless it answers a `HEAD` (which has none).
    pub fn response(&self, request_id: &str, head: bool) -> Response {
        let body = format!(
            "{}<Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId><HostId>{}</HostId></Error>",
            xml::DECLARATION,
            self.code,
            xml::escape(&self.message),
            request_id,
            crate::HOST_ID,
        );
        let payload = if head { Payload::Head(body.len() as u64) } else { Payload::Bytes(body.into_bytes()) };
        let mut response = Response::new(self.status, payload).header("Content-Type", "application/xml");
        response.error_code = Some(self.code);
        if head {
            // A HEAD answer has no body to carry the code: OBS sends it in headers.
            response = response.header("x-obs-error-code", self.code);
        }
        response
    }
}

impl From<std::io::Error> for ObsError {
    fn from(error: std::io::Error) -> Self {
        ObsError::internal(format!("the store's disk failed: {error}"))
    }
}
