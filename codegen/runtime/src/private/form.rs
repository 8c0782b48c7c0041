//! Form bodies, laid out byte for byte as Huawei's Python SDK sends them:
//! `multipart/form-data` (RFC 7578) as requests-toolbelt's `MultipartEncoder` writes it,
//! and `application/x-www-form-urlencoded` as Python's `urlencode` writes it.
//!
//! Hand-written rather than a multipart crate: the layout has to match the official SDK's
//! to the byte (its header order and escaping), the body has to exist before the request
//! is sent so that any HTTP stack can send it (sans-IO), and the encoder is a few lines.

use crate::Body;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// A form's fields in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct Form {
    /// Text fields: name and value.
    pub text: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

/// A file field: its content is bytes, a file or a stream, read while sent.
#[derive(Debug)]
pub(crate) struct FilePart {
    pub name: String,
    pub file_name: String,
    pub content_type: Option<String>,
    pub data: Body,
}

/// What Python's `quote_plus` leaves as it is: letters, digits and `_ . - ~`.
const URLENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'.').remove(b'-').remove(b'~');

impl Form {
    /// `name=value&...`, spaces as `+`, everything but letters, digits and `_ . - ~`
    /// percent-encoded (UTF-8).
    pub fn urlencoded(&self) -> String {
        let encode = |text: &str| utf8_percent_encode(text, URLENCODED).to_string().replace("%20", "+");
        let pairs: Vec<String> = self
            .text
            .iter()
            .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
            .collect();
        pairs.join("&")
    }

    /// The multipart body with `boundary`: the text fields first, then the files, each in
    /// the order added (as the official SDK orders them). Bytes in memory when every file
    /// is; otherwise the parts in order, each file or stream read while sent.
    pub fn multipart(&self, boundary: &str) -> Body {
        let mut segments: Vec<Body> = Vec::new();
        let mut pending = Vec::new();
        for (name, value) in &self.text {
            part_head(&mut pending, boundary, name, None, None);
            pending.extend_from_slice(value.as_bytes());
            pending.extend_from_slice(b"\r\n");
        }
        for file in &self.files {
            part_head(&mut pending, boundary, &file.name, Some(&file.file_name), file.content_type.as_deref());
            match file.data.as_bytes() {
                Some(bytes) => pending.extend_from_slice(bytes),
                None => {
                    segments.push(Body::from(std::mem::take(&mut pending)));
                    segments.push(file.data.clone());
                }
            }
            pending.extend_from_slice(b"\r\n");
        }
        pending.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        if segments.is_empty() {
            return Body::from(pending);
        }
        segments.push(Body::from(pending));
        Body::concat(segments)
    }

    /// Whether `boundary` occurs in a value held in memory, where it would end a part
    /// early. (Files and streams are not read ahead: a 128-bit random boundary is there
    /// by chance with a probability of 2^-128 per position.)
    pub fn contains(&self, boundary: &str) -> bool {
        let needle = boundary.as_bytes();
        let found = |data: &[u8]| data.windows(needle.len()).any(|window| window == needle);
        self.text.iter().any(|(name, value)| found(name.as_bytes()) || found(value.as_bytes()))
            || self.files.iter().any(|f| f.data.as_bytes().is_some_and(found) || found(f.file_name.as_bytes()))
    }
}

/// `--boundary`, `Content-Disposition` and, when given, `Content-Type`, then the blank
/// line before the part's content.
fn part_head(body: &mut Vec<u8>, boundary: &str, name: &str, file_name: Option<&str>, content_type: Option<&str>) {
    let mut head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", escape(name));
    if let Some(file_name) = file_name {
        head.push_str(&format!("; filename=\"{}\"", escape(file_name)));
    }
    head.push_str("\r\n");
    if let Some(content_type) = content_type {
        // A line break would add a header of the caller's choosing: as in names, encode it.
        head.push_str(&format!("Content-Type: {}\r\n", content_type.replace('\r', "%0D").replace('\n', "%0A")));
    }
    head.push_str("\r\n");
    body.extend_from_slice(head.as_bytes());
}

/// A quoted header parameter as browsers, curl and urllib3 write it (WHATWG HTML):
/// `"`, CR and LF percent-encoded, so a name can never end the quotes or the line.
fn escape(value: &str) -> String {
    value.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// A fresh boundary: 32 random hexadecimal digits, as the official SDK's `uuid4().hex`.
pub(crate) fn fresh_boundary() -> String {
    format!("{:016x}{:016x}", random_u64(), random_u64())
}

/// 64 unpredictable bits without a dependency (the runtime builds without `client`,
/// whose `fastrand` is optional): std seeds `RandomState` from the operating system and
/// gives every new one other keys, so each hash below is a fresh random number. A
/// boundary only has to be unlikely in the content, which is checked anyway.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u8(0);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form {
            text: vec![("a".into(), "1".into()), ("b".into(), "x y".into())],
            files: vec![FilePart {
                name: "f".into(),
                file_name: "na\"me\r\n.txt".into(),
                content_type: None,
                data: Body::from(b"DATA".to_vec()),
            }],
        }
    }

    #[test]
    fn multipart_as_requests_toolbelt_writes_it() {
        // Written by requests-toolbelt 1.0.0 / urllib3 2.7.0 for the same fields.
        let expected = "--BND\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--BND\r\n\
                        Content-Disposition: form-data; name=\"b\"\r\n\r\nx y\r\n--BND\r\n\
                        Content-Disposition: form-data; name=\"f\"; filename=\"na%22me%0D%0A.txt\"\r\n\r\n\
                        DATA\r\n--BND--\r\n";
        let text = |body: Body| String::from_utf8(body.as_bytes().expect("in memory").to_vec()).expect("utf-8");
        assert_eq!(text(form().multipart("BND")), expected);
        let mut typed = form();
        typed.text.clear();
        typed.files[0].file_name = "n.txt".into();
        typed.files[0].content_type = Some("text/plain".into());
        let expected = "--BND\r\nContent-Disposition: form-data; name=\"f\"; filename=\"n.txt\"\r\n\
                        Content-Type: text/plain\r\n\r\nDATA\r\n--BND--\r\n";
        assert_eq!(text(typed.multipart("BND")), expected);
        // A file on disk: the parts around it in memory, the file read while sent.
        let mut on_disk = form();
        on_disk.files[0].data = Body::from_file("/data/report.pdf");
        let body = on_disk.multipart("BND");
        assert_eq!(body.as_bytes(), None);
        assert_eq!(format!("{body:?}"), "Body::Parts(3)");
    }

    #[test]
    fn urlencoded_as_python_writes_it() {
        let form = Form {
            text: vec![("a".into(), "x y*~+&=é".into()), ("b".into(), "1".into()), ("b".into(), "2".into())],
            files: Vec::new(),
        };
        assert_eq!(form.urlencoded(), "a=x+y%2A~%2B%26%3D%C3%A9&b=1&b=2");
    }

    #[test]
    fn boundaries_are_fresh_and_checked_against_the_content() {
        let (a, b) = (fresh_boundary(), fresh_boundary());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(form().contains("DAT"));
        assert!(!form().contains(&a));
    }
}
