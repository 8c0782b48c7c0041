//! A `multipart/form-data` parser written from RFC 7578 and RFC 2046 (not the encoder's
//! code), to read back what the client sent.

use super::Recorded;

/// One part of a `multipart/form-data` body as a server reads it.
#[derive(Debug)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary of the multipart body a request carries.
pub fn boundary(request: &Recorded) -> String {
    boundary_of(request.header("content-type").expect("Content-Type"))
}

/// The boundary of a `multipart/form-data; boundary=...` content type.
pub fn boundary_of(content_type: &str) -> String {
    let (media, parameters) = content_type.split_once(';').expect("a boundary parameter");
    assert_eq!(media.trim(), "multipart/form-data");
    let value = parameters.trim().strip_prefix("boundary=").expect("boundary=");
    value.trim_matches('"').to_owned()
}

/// Parses a multipart body per RFC 7578 / RFC 2046: parts between `--boundary` delimiter
/// lines (each preceded by CRLF but the first), a closing `--boundary--`, each part
/// headers, an empty line, and content.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |haystack: &[u8], needle: &[u8], from: usize| {
        haystack[from..].windows(needle.len()).position(|w| w == needle).map(|at| at + from)
    };
    assert!(body.starts_with(&delimiter), "the body starts with the first delimiter");
    let mut parts = Vec::new();
    let mut at = delimiter.len();
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            assert_eq!(&rest[2..], b"\r\n", "nothing after the closing delimiter");
            return parts;
        }
        assert!(rest.starts_with(b"\r\n"), "a delimiter line ends in CRLF");
        let start = at + 2;
        let mut next_delimiter = b"\r\n".to_vec();
        next_delimiter.extend_from_slice(&delimiter);
        let end = find(body, &next_delimiter, start).expect("every part is closed by a delimiter");
        let part = &body[start..end];
        let head_end = find(part, b"\r\n\r\n", 0).expect("headers end with an empty line");
        let head = std::str::from_utf8(&part[..head_end]).expect("headers are text");
        let (mut name, mut file_name, mut content_type) = (None, None, None);
        for line in head.split("\r\n") {
            let (header, value) = line.split_once(':').expect("name: value");
            match header.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    let mut params = value.split(';').map(str::trim);
                    assert_eq!(params.next(), Some("form-data"));
                    for param in params {
                        let (key, quoted) = param.split_once('=').expect("key=\"value\"");
                        let unquoted = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')).expect("quoted");
                        match key {
                            "name" => name = Some(unquoted.to_owned()),
                            "filename" => file_name = Some(unquoted.to_owned()),
                            other => panic!("unexpected parameter {other}"),
                        }
                    }
                }
                "content-type" => content_type = Some(value.trim().to_owned()),
                other => panic!("unexpected part header {other}"),
            }
        }
        parts.push(Part {
            name: name.expect("every part is named"),
            file_name,
            content_type,
            data: part[head_end + 4..].to_vec(),
        });
        at = end + next_delimiter.len();
    }
}

