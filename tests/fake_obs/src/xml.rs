//! The little XML an object store speaks: documents written with escaped text, and the
//! two request bodies it reads (`CreateBucketConfiguration`, `CompleteMultipartUpload`),
//! whose elements hold text only.

/// OBS's namespace on response documents.
pub(crate) const NAMESPACE: &str = "http://obs.myhwclouds.com/doc/2015-06-30/";
/// The XML declaration OBS starts its documents with.
pub(crate) const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// `text` with `& < > " '` escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `<name>text</name>`, the text escaped.
pub(crate) fn element(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", escape(text))
}

/// A document whose root `name` carries OBS's namespace around `inner`.
pub(crate) fn document(name: &str, inner: &str) -> Vec<u8> {
    format!("{DECLARATION}<{name} xmlns=\"{NAMESPACE}\">{inner}</{name}>").into_bytes()
}

/// The contents of every `<name>...</name>` of `xml` at any depth, in order; an element
/// opened and never closed is an error naming it.
pub(crate) fn elements<'a>(xml: &'a str, name: &str) -> Result<Vec<&'a str>, String> {
    let open = format!("<{name}>");
    let open_attrs = format!("<{name} ");
    let empty = format!("<{name}/>");
    let close = format!("</{name}>");
    let mut found = Vec::new();
    let mut rest = xml;
    loop {
        let at = [rest.find(&open), rest.find(&open_attrs), rest.find(&empty)].into_iter().flatten().min();
        let Some(at) = at else { return Ok(found) };
        let tag_end = rest[at..].find('>').map(|i| at + i + 1).ok_or_else(|| format!("<{name}> is not closed"))?;
        if rest[..tag_end].ends_with("/>") {
            found.push(&rest[tag_end..tag_end]);
            rest = &rest[tag_end..];
            continue;
        }
        let end = rest[tag_end..].find(&close).map(|i| tag_end + i).ok_or_else(|| format!("<{name}> has no </{name}>"))?;
        found.push(&rest[tag_end..end]);
        rest = &rest[end + close.len()..];
    }
}

/// The text of the only `<name>` in `xml`, unescaped; `None` when there is none.
pub(crate) fn text(xml: &str, name: &str) -> Result<Option<String>, String> {
    match elements(xml, name)?.as_slice() {
        [] => Ok(None),
        [one] => unescape(one.trim()).map(Some),
        _ => Err(format!("<{name}> appears more than once")),
    }
}

/// `text` with the five predefined entities and numeric references replaced; a nested
/// element is refused.
pub(crate) fn unescape(text: &str) -> Result<String, String> {
    if text.contains('<') {
        return Err(format!("unexpected markup in `{text}`"));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').map(|i| at + i).ok_or_else(|| format!("unterminated entity in `{text}`"))?;
        let entity = &rest[at + 1..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32).ok_or_else(|| format!("unknown entity `&{entity};`"))?
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parts_and_text() {
        let xml = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part>\
                   <Part><PartNumber>2</PartNumber><ETag>b</ETag></Part></CompleteMultipartUpload>";
        let parts = elements(xml, "Part").expect("parts");
        assert_eq!(parts.len(), 2);
        assert_eq!(text(parts[0], "ETag").expect("etag").as_deref(), Some("\"a\""));
        assert_eq!(text(parts[1], "PartNumber").expect("number").as_deref(), Some("2"));
        assert_eq!(text("<a><Location/></a>", "Location").expect("empty").as_deref(), Some(""));
        assert!(elements("<Part><PartNumber>1", "Part").is_err());
        assert!(text("<x>&bogus;</x>", "x").is_err());
        assert_eq!(escape("a<&>\"'"), "a&lt;&amp;&gt;&quot;&apos;");
        assert_eq!(unescape("&#65;&#x42;").expect("refs"), "AB");
    }
}
