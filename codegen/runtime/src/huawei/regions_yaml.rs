//! The YAML subset of regions files, for their one shape:
//!
//! ```yaml
//! ECS:
//!   - id: 'cn-north-1'
//!     endpoint: 'https://ecs.cn-north-1.myhuaweicloud.com'
//!   - id: cn-north-9
//!     endpoints:
//!       - https://ecs.cn-north-9.myhuaweicloud.com
//! IoTDA:
//! - {id: cn-north-4, endpoints: [https://iotda.cn-north-4.myhuaweicloud.com]}
//! ```
//!
//! Hand-written rather than a YAML dependency: the maintained YAML crates are large next
//! to a file of a few lines that every generated crate would compile a parser for, and
//! this reader refuses (with the line number) whatever it does not understand instead of
//! guessing. It reads block mappings and sequences (sequences may sit at their key's
//! indentation), flow sequences `[a, b]` and flow mappings `{k: v}` of scalars, plain,
//! `'single'` and `"double"`-quoted scalars, comments, and a `---` document start. Other
//! keys of a region are skipped, with their nested lines. Anchors, tags, block scalars
//! (`|`, `>`) and multi-line flow collections are refused.

use std::collections::HashMap;

/// The regions of one service: `(id, endpoints)`, in file order.
pub(crate) type ServiceRegions = Vec<(String, Vec<String>)>;

/// A line with content: its number (from 1), indentation and text without comment.
#[derive(Clone, Copy)]
struct Line<'a> {
    number: usize,
    indent: usize,
    text: &'a str,
}

/// Regions by service name in upper case (lookups ignore case, as the official SDKs do).
pub(crate) fn parse(text: &str) -> Result<HashMap<String, ServiceRegions>, String> {
    let lines = lines(text)?;
    let mut services: HashMap<String, ServiceRegions> = HashMap::new();
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at];
        if line.indent != 0 {
            return Err(format!("line {}: expected `service:` at the start of the line", line.number));
        }
        let (key, value) = key_value(line)?;
        let service = scalar(key, line.number)?.to_uppercase();
        at += 1;
        let regions = services.entry(service).or_default();
        match value {
            "" => {}
            "[]" => continue,
            _ => return Err(format!("line {}: expected a list of regions after `{key}:`", line.number)),
        }
        let Some(first) = lines.get(at).filter(|l| is_item(l.text)) else {
            continue;
        };
        let indent = first.indent;
        while let Some(item) = lines.get(at).filter(|l| l.indent == indent && is_item(l.text)) {
            regions.extend(region(&lines, &mut at, *item)?);
        }
        if let Some(stray) = lines.get(at).filter(|l| l.indent > 0) {
            return Err(format!("line {}: unexpected indentation", stray.number));
        }
    }
    Ok(services)
}

/// Reads the region item starting at `lines[*at]` (`- ...`), moving `at` past it. `None`
/// for an item without `id` or endpoints, which the official SDKs skip too.
fn region(lines: &[Line<'_>], at: &mut usize, item: Line<'_>) -> Result<Option<(String, Vec<String>)>, String> {
    let rest = &item.text[1..];
    let content = rest.trim_start();
    let mut fields: Vec<(String, Value)> = Vec::new();
    *at += 1;
    if content.starts_with('{') {
        for (key, value) in flow_mapping(content, item.number)? {
            fields.push((key, value));
        }
    } else {
        let indent = if content.is_empty() {
            match lines.get(*at) {
                Some(next) if next.indent > item.indent && !is_item(next.text) => next.indent,
                _ => return Err(format!("line {}: expected the keys of a region", item.number)),
            }
        } else {
            item.indent + 1 + (rest.len() - content.len())
        };
        if !content.is_empty() {
            let first = Line { text: content, indent, ..item };
            fields.push(field(lines, at, first)?);
        }
        while let Some(line) = lines.get(*at).filter(|l| l.indent == indent && !is_item(l.text)) {
            let line = *line;
            *at += 1;
            fields.push(field(lines, at, line)?);
        }
        if let Some(stray) = lines.get(*at).filter(|l| l.indent > item.indent) {
            return Err(format!("line {}: unexpected indentation", stray.number));
        }
    }
    let mut id = None;
    let mut endpoints = Vec::new();
    let mut endpoint = None;
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("id", Value::Scalar(text)) => id = Some(text),
            ("endpoint", Value::Scalar(text)) => endpoint = Some(text),
            ("endpoints", Value::List(list)) => endpoints = list,
            ("id" | "endpoint" | "endpoints", _) => {
                return Err(format!("line {}: `{key}` has a value of the wrong kind", item.number));
            }
            _ => {}
        }
    }
    // Listed endpoints first, then `endpoint`, as the official SDKs order them.
    endpoints.extend(endpoint);
    endpoints.retain(|e| !e.is_empty());
    Ok(id.filter(|id| !id.is_empty() && !endpoints.is_empty()).map(|id| (id, endpoints)))
}

/// A value of a region's key.
enum Value {
    Scalar(String),
    List(Vec<String>),
    /// A nested block of a key this reader does not use.
    Skipped,
}

/// Reads `key: value` of `line` (already consumed), and a block list or a nested block
/// after it; `at` moves past what was read.
fn field(lines: &[Line<'_>], at: &mut usize, line: Line<'_>) -> Result<(String, Value), String> {
    let (key, value) = key_value(line)?;
    let key = scalar(key, line.number)?;
    if value.starts_with('[') {
        return Ok((key, Value::List(flow_list(value, line.number)?)));
    }
    if !value.is_empty() {
        return Ok((key, Value::Scalar(scalar(value, line.number)?)));
    }
    // A block below: a list (its dashes may sit at the key's indentation), or anything
    // else, skipped.
    let Some(next) = lines.get(*at).copied() else {
        return Ok((key, Value::Scalar(String::new())));
    };
    if is_item(next.text) && next.indent >= line.indent {
        let mut list = Vec::new();
        while let Some(entry) = lines.get(*at).filter(|l| l.indent == next.indent && is_item(l.text)) {
            list.push(scalar(entry.text[1..].trim_start(), entry.number)?);
            *at += 1;
        }
        return Ok((key, Value::List(list)));
    }
    if next.indent > line.indent {
        while lines.get(*at).is_some_and(|l| l.indent > line.indent) {
            *at += 1;
        }
        return Ok((key, Value::Skipped));
    }
    Ok((key, Value::Scalar(String::new())))
}

/// The lines with content, comments removed.
fn lines(text: &str) -> Result<Vec<Line<'_>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let content = without_comment(raw).trim_end();
        let text = content.trim_start();
        if text.is_empty() || (lines.is_empty() && text == "---") {
            continue;
        }
        let indentation = &content[..content.len() - text.len()];
        if indentation.contains('\t') {
            return Err(format!("line {number}: tabs cannot indent YAML"));
        }
        if text == "---" || text == "..." || text.starts_with('%') {
            return Err(format!("line {number}: only one YAML document is read"));
        }
        lines.push(Line {
            number,
            indent: indentation.len(),
            text,
        });
    }
    Ok(lines)
}

/// `line` up to a `#` that starts a comment (at the start or after a blank, outside
/// quotes).
fn without_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' && previous.is_whitespace() => return &line[..at],
            None if (c == '\'' || c == '"') && (previous.is_whitespace() || "[{,:-".contains(previous)) => {
                quote = Some(c);
            }
            None => {}
        }
        previous = c;
    }
    line
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Splits `key: value` at the first `:` followed by a blank or the end, outside quotes.
fn key_value(line: Line<'_>) -> Result<(&str, &str), String> {
    let text = line.text;
    let mut quote = None;
    for (at, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == ':' && text[at + 1..].chars().next().is_none_or(char::is_whitespace) => {
                return Ok((text[..at].trim(), text[at + 1..].trim()));
            }
            None => {}
        }
    }
    Err(format!("line {}: expected `key: value`", line.number))
}

/// A scalar: plain, `'single'` (`''` is a quote) or `"double"`-quoted (with `\"`, `\\`,
/// `\/`, `\t` and `\n`).
fn scalar(text: &str, number: usize) -> Result<String, String> {
    let text = text.trim();
    let unsupported = |what: &str| Err(format!("line {number}: {what} are not supported in this file"));
    if let Some(inner) = text.strip_prefix('\'') {
        let Some(inner) = inner.strip_suffix('\'') else {
            return Err(format!("line {number}: a quoted value is not closed"));
        };
        return Ok(inner.replace("''", "'"));
    }
    if let Some(inner) = text.strip_prefix('"') {
        let Some(inner) = inner.strip_suffix('"') else {
            return Err(format!("line {number}: a quoted value is not closed"));
        };
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some(c @ ('"' | '\\' | '/')) => out.push(c),
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                _ => return unsupported("escape sequences other than \\\" \\\\ \\/ \\t \\n"),
            }
        }
        return Ok(out);
    }
    match text.chars().next() {
        Some('&' | '*') => unsupported("anchors and aliases"),
        Some('!') => unsupported("tags"),
        Some('|' | '>') => unsupported("block scalars"),
        Some('[' | '{') => unsupported("nested collections"),
        _ => Ok(text.to_owned()),
    }
}

/// `[a, 'b', "c"]` on one line.
fn flow_list(text: &str, number: usize) -> Result<Vec<String>, String> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| format!("line {number}: a `[` list must close on its line"))?;
    split_commas(inner)
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .map(|part| scalar(part, number))
        .collect()
}

/// `{id: a, endpoints: [b, c]}` on one line.
fn flow_mapping(text: &str, number: usize) -> Result<Vec<(String, Value)>, String> {
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .ok_or_else(|| format!("line {number}: a `{{` mapping must close on its line"))?;
    let mut fields = Vec::new();
    for part in split_commas(inner).into_iter().filter(|p| !p.trim().is_empty()) {
        let (key, value) = key_value(Line { number, indent: 0, text: part.trim() })?;
        let value = if value.starts_with('[') {
            Value::List(flow_list(value, number)?)
        } else {
            Value::Scalar(scalar(value, number)?)
        };
        fields.push((scalar(key, number)?, value));
    }
    Ok(fields)
}

/// Splits at commas outside quotes and brackets.
fn split_commas(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quote, mut depth, mut start) = (None, 0usize, 0);
    for (at, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    parts.push(&text[start..at]);
                    start = at + 1;
                }
                _ => {}
            },
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(text: &str, service: &str, id: &str) -> Option<Vec<String>> {
        let parsed = parse(text).expect("valid");
        let regions = parsed.get(service)?;
        regions.iter().find(|(i, _)| i == id).map(|(_, e)| e.clone())
    }

    #[test]
    fn the_documented_shapes() {
        let text = "---\n# regions\nECS:\n  - id: 'cn-north-1'   # first\n    endpoint: 'https://ecs.cn-north-1.example.com'\n  \
                    - id: \"cn-north-9\"\n    endpoints:\n      - https://a.example.com\n      - 'https://b.example.com#x'\n    \
                    endpoint: https://c.example.com\nIoTDA:\n- id: r1\n  endpoints:\n  - https://iot.example.com\n  \
                    extra:\n    nested: ignored\n- {id: r2, endpoints: [https://x.example.com, 'https://y.example.com']}\n\
                    - id: r3\n  endpoints: [https://z.example.com]\n-\n  id: r4\n  endpoint: https://w.example.com\nEmpty: []\n";
        assert_eq!(
            endpoints(text, "ECS", "cn-north-1"),
            Some(vec!["https://ecs.cn-north-1.example.com".to_owned()])
        );
        assert_eq!(
            endpoints(text, "ECS", "cn-north-9"),
            Some(vec![
                "https://a.example.com".to_owned(),
                "https://b.example.com#x".to_owned(),
                "https://c.example.com".to_owned()
            ])
        );
        assert_eq!(endpoints(text, "IOTDA", "r1"), Some(vec!["https://iot.example.com".to_owned()]));
        assert_eq!(
            endpoints(text, "IOTDA", "r2"),
            Some(vec!["https://x.example.com".to_owned(), "https://y.example.com".to_owned()])
        );
        assert_eq!(endpoints(text, "IOTDA", "r3"), Some(vec!["https://z.example.com".to_owned()]));
        assert_eq!(endpoints(text, "IOTDA", "r4"), Some(vec!["https://w.example.com".to_owned()]));
        assert_eq!(parse(text).expect("valid")["EMPTY"].len(), 0);
    }

    #[test]
    fn regions_without_id_or_endpoint_are_skipped() {
        let text = "ECS:\n  - id: a\n  - endpoint: https://x\n  - id: b\n    endpoint: https://b\n";
        let parsed = parse(text).expect("valid");
        assert_eq!(parsed["ECS"], vec![("b".to_owned(), vec!["https://b".to_owned()])]);
    }

    #[test]
    fn what_is_not_understood_is_refused_with_its_line() {
        for (text, expected) in [
            ("ECS: https://x\n", "line 1: expected a list"),
            ("ECS:\n  - id: a\n      endpoint: b\n", "line 3: unexpected indentation"),
            ("ECS:\n\t- id: a\n", "line 2: tabs"),
            ("ECS:\n  - id: &a x\n", "line 2: anchors"),
            ("ECS:\n  - id: a\n    endpoint: |\n      x\n", "line 3: block scalars"),
            ("ECS:\n  - id: 'a\n", "line 2: a quoted value is not closed"),
            ("ECS:\n  - id: a\n    endpoints: [x,\n", "line 3: a `[` list"),
            ("  ECS:\n", "line 1: expected `service:`"),
            ("ECS:\n  - just text\n", "line 2: expected `key: value`"),
            ("a:\n---\nb:\n", "line 2: only one YAML document"),
            ("ECS:\n  - id: [a]\n", "`id` has a value of the wrong kind"),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }
}
