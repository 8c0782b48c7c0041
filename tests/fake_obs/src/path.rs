//! Request targets: percent-decoding, query pairs, and the bucket and key of a
//! path-style path (`/{bucket}/{key}`), checked against OBS's naming rules.

use crate::error::ObsError;

/// Longest object key, in bytes.
pub(crate) const MAX_KEY: usize = 1024;

/// `text` with `%XX` decoded (`+` stays `+`); `None` when the result is not UTF-8 or an
/// escape is malformed.
pub(crate) fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The query's `name=value` pairs, decoded, in order; a name alone has an empty value.
/// Pairs that do not decode are kept as sent.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (name, value) = item.split_once('=').unwrap_or((item, ""));
            (decode(name).unwrap_or_else(|| name.to_owned()), decode(value).unwrap_or_else(|| value.to_owned()))
        })
        .collect()
}

/// The bucket and key of a path-style path; either may be absent (`/`, `/bucket`).
pub(crate) fn split(path: &str) -> Result<(Option<String>, Option<String>), ObsError> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    if rest.is_empty() {
        return Ok((None, None));
    }
    let (bucket, key) = match rest.split_once('/') {
        Some((bucket, key)) => (bucket, Some(key)),
        None => (rest, None),
    };
    let bucket = decode(bucket).ok_or_else(|| ObsError::bad_request("InvalidURI", format!("cannot decode `{bucket}`")))?;
    check_bucket(&bucket)?;
    let key = match key {
        None | Some("") => None,
        Some(raw) => {
            let key = decode(raw)
                .ok_or_else(|| ObsError::bad_request("InvalidURI", format!("the key `{raw}` is not UTF-8 once decoded")))?;
            if key.len() > MAX_KEY {
                return Err(ObsError::bad_request(
                    "KeyTooLongError",
                    format!("the key is {} bytes, over the {MAX_KEY} allowed", key.len()),
                ));
            }
            Some(key)
        }
    };
    Ok((Some(bucket), key))
}

/// OBS's bucket naming rules: 3 to 63 characters of `a-z 0-9 - .`, starting and ending
/// with a letter or a digit, no `..`, `.-` or `-.`, not an IP address.
pub(crate) fn check_bucket(bucket: &str) -> Result<(), ObsError> {
    let bad = |why: &str| Err(ObsError::bad_request("InvalidBucketName", format!("the bucket name `{bucket}` {why}")));
    if !(3..=63).contains(&bucket.len()) {
        return bad("is not 3 to 63 characters long");
    }
    if !bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.') {
        return bad("has characters other than lower-case letters, digits, `-` and `.`");
    }
    let edge = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !edge(bucket.as_bytes()[0]) || !edge(bucket.as_bytes()[bucket.len() - 1]) {
        return bad("does not start and end with a letter or a digit");
    }
    if bucket.contains("..") || bucket.contains(".-") || bucket.contains("-.") {
        return bad("has `..`, `.-` or `-.`");
    }
    if bucket.parse::<std::net::Ipv4Addr>().is_ok() {
        return bad("is an IP address");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paths() {
        assert_eq!(split("/").expect("root"), (None, None));
        assert_eq!(split("/bkt").expect("bucket"), (Some("bkt".into()), None));
        assert_eq!(split("/bkt/").expect("bucket"), (Some("bkt".into()), None));
        assert_eq!(split("/bkt/a/b%20c+d").expect("key"), (Some("bkt".into()), Some("a/b c+d".into())));
        assert_eq!(split("/Bad").map_err(|e| e.code), Err("InvalidBucketName"));
        assert_eq!(split("/bkt/%FF").map_err(|e| e.code), Err("InvalidURI"));
        let long = format!("/bkt/{}", "k".repeat(1025));
        assert_eq!(split(&long).map_err(|e| e.code), Err("KeyTooLongError"));
        assert!(check_bucket("192.168.1.1").is_err());
        assert!(check_bucket("a-.b").is_err());
        assert!(check_bucket("my.bucket-1").is_ok());
    }

    #[test]
    fn decodes_queries() {
        assert_eq!(
            query_pairs("uploads&uploadId=a%2Bb&x="),
            vec![("uploads".into(), String::new()), ("uploadId".into(), "a+b".into()), ("x".into(), String::new())]
        );
    }
}
