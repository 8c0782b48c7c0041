//! The credentials profile file, read as the official Python SDK reads it: with
//! `configparser.ConfigParser()` (CPython 3.11 `RawConfigParser._read` with the default
//! options), then `parser.items(section)`, which expands `%` (`BasicInterpolation`).
//!
//! Hand-written rather than a dependency: the files hold a few `key = value` lines in a
//! section or two, and this reader is short, compiled by every generated crate anyway.
//! What it reads, line by line (blank meaning what Python's `str.isspace` calls blank):
//!
//! - lines end at `\n`, `\r\n` or `\r` (Python opens the file with universal newlines);
//! - a line whose first non-blank character is `#` or `;` is a comment, even among the
//!   lines of a value; nothing else is: `ak = A ; note` is the value `A ; note`;
//! - a line indented deeper than the line of the key being read continues its value
//!   (lines trimmed, joined with `\n`); blank lines do too, kept as empty lines of the
//!   value unless they end it;
//! - any other line starting with `[` and holding a later `]` is a section header, the
//!   name running to the last `]` (`[basic]  # note` is `basic`, `[a] x]` is `a] x`);
//!   names are case-sensitive, each at most once, except `[DEFAULT]`, which may return;
//! - any other line is `key = value` or `key: value`, split at the first `=` or `:`; keys
//!   are lower-cased, each at most once per section (`[DEFAULT]` included), key and value
//!   trimmed;
//! - every section has the keys of `[DEFAULT]` it does not set itself;
//! - in the values, `%%` is `%` and `%(key)s` the value of another key of the section
//!   (or of `[DEFAULT]`), itself expanded, up to 10 levels deep; any other `%` is an
//!   error.
//!
//! A key before any section, a line without `=` or `:`, an empty key, a section or key
//! given twice are errors naming the line number, never the line's text (it may hold a
//! secret); an error in a value names the key and section, never the value.
//!
//! Two differences with Python, on purpose: a UTF-8 byte order mark at the start is
//! skipped (Python decoding `utf-8` keeps it as a character before the first header and
//! refuses the file), and a bad `%` in any section fails the whole file (Python fails
//! only when that section is read).

use std::collections::{BTreeMap, HashMap};

/// Sections by name, each with its keys (lower case) and final values.
pub(crate) type Sections = HashMap<String, HashMap<String, String>>;

const DEFAULT_SECTION: &str = "DEFAULT";

/// `configparser.MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;

/// Blank as Python's `str.isspace`, which `str.strip` and regular expressions use: Rust's
/// whitespace and the separators U+001C to U+001F.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Parses `text`; the error says what is wrong and on which line (from 1).
pub(crate) fn parse(text: &str) -> Result<Sections, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    // Sections by name (`[DEFAULT]` among them), values as their lines, as `_read` keeps
    // them until the end of the file. Sorted for errors that do not vary between runs.
    let mut raw: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut section: Option<String> = None;
    let mut key: Option<String> = None;
    // The indentation of the last header or key line: deeper lines continue the value.
    let mut indent_level = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let value = line.trim_matches(is_blank);
        if value.starts_with(['#', ';']) {
            continue;
        }
        let current = section.as_ref().zip(key.as_ref());
        if value.is_empty() {
            if let Some((name, key)) = current {
                raw.get_mut(name).and_then(|s| s.get_mut(key)).expect("key read").push(String::new());
            }
            continue;
        }
        let indent = line.chars().take_while(|&c| is_blank(c)).count();
        if let Some((name, key)) = current.filter(|_| indent > indent_level) {
            raw.get_mut(name).and_then(|s| s.get_mut(key)).expect("key read").push(value.to_owned());
            continue;
        }
        indent_level = indent;
        if let Some(name) = section_header(value) {
            if name != DEFAULT_SECTION && raw.contains_key(name) {
                return Err(format!("line {number}: section `{name}` appears twice"));
            }
            raw.entry(name.to_owned()).or_default();
            section = Some(name.to_owned());
            key = None;
            continue;
        }
        let Some(name) = &section else {
            return Err(format!("line {number}: expected a `[section]` header first"));
        };
        let Some(at) = value.find(['=', ':']) else {
            return Err(format!("line {number}: expected `[section]` or `key = value`"));
        };
        let new_key = value[..at].trim_end_matches(is_blank).to_lowercase();
        if new_key.is_empty() {
            return Err(format!("line {number}: a value without a key"));
        }
        let values = raw.get_mut(name).expect("section read");
        if values.contains_key(&new_key) {
            return Err(format!("line {number}: key `{new_key}` appears twice in section `{name}`"));
        }
        values.insert(new_key.clone(), vec![value[at + 1..].trim_matches(is_blank).to_owned()]);
        key = Some(new_key);
    }
    let mut sections: BTreeMap<String, BTreeMap<String, String>> = raw
        .into_iter()
        .map(|(name, values)| {
            let values =
                values.into_iter().map(|(key, lines)| (key, lines.join("\n").trim_end_matches(is_blank).to_owned()));
            (name, values.collect())
        })
        .collect();
    let defaults = sections.remove(DEFAULT_SECTION).unwrap_or_default();
    // Values are expanded as Python expands them when a section is read: with the keys
    // of the section and those of `[DEFAULT]` it does not set.
    let mut result = Sections::new();
    for (name, own) in sections {
        let mut values = defaults.clone();
        values.extend(own);
        let mut expanded = HashMap::new();
        for (key, value) in &values {
            let mut out = String::new();
            interpolate(&mut out, value, &values, 1)
                .map_err(|e| format!("key `{key}` of section `{name}`: {e} (a `%` is written `%%`)"))?;
            expanded.insert(key.clone(), out);
        }
        result.insert(name, expanded);
    }
    Ok(result)
}

/// The name of the header `[name]` that starts `line` (`SECTCRE`, `\[(?P<header>.+)\]`,
/// matched at the start only): up to the last `]`, at least one character.
fn section_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    rest.rfind(']').filter(|&end| end > 0).map(|end| &rest[..end])
}

/// Appends `value` to `out`, `%%` as `%` and `%(key)s` as the value of `key` in `values`,
/// itself expanded (`BasicInterpolation._interpolate_some`; `depth` from 1).
fn interpolate(out: &mut String, value: &str, values: &BTreeMap<String, String>, depth: usize) -> Result<(), String> {
    if depth > MAX_INTERPOLATION_DEPTH {
        return Err(format!("`%(key)s` references nest deeper than {MAX_INTERPOLATION_DEPTH} levels"));
    }
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
            continue;
        }
        let Some(reference) = after.strip_prefix('(') else {
            return Err("a `%` is followed by neither `%` nor `(`".to_owned());
        };
        // `%\(([^)]+)\)s`: a name of one character or more, up to the first `)`.
        let Some(end) = reference.find(')').filter(|&end| end > 0 && reference[end + 1..].starts_with('s')) else {
            return Err("a `%(` does not start a `%(key)s` reference".to_owned());
        };
        let Some(referenced) = values.get(&reference[..end].to_lowercase()) else {
            return Err("a `%(key)s` reference names a key that neither the section nor `[DEFAULT]` has".to_owned());
        };
        if referenced.contains('%') {
            interpolate(out, referenced, values, depth + 1)?;
        } else {
            out.push_str(referenced);
        }
        rest = &reference[end + 2..];
    }
    out.push_str(rest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn sections_keys_comments_continuations_and_defaults() {
        let text = "\u{feff}# credentials\n[DEFAULT]\niam_endpoint = https://iam.example.com\n\n\
                    [basic]  ; note\nAK = A1\nsk: S%%1=x\n; comment\nproject_id =\n  p-1\n\n[global]\nak=A2\n";
        let sections = parse(text).expect("valid");
        let basic = &sections["basic"];
        assert_eq!(basic["ak"], "A1");
        assert_eq!(basic["sk"], "S%1=x");
        assert_eq!(basic["project_id"], "\np-1");
        assert_eq!(basic["iam_endpoint"], "https://iam.example.com");
        assert_eq!(sections["global"]["ak"], "A2");
        assert!(!sections.contains_key("DEFAULT"));
    }

    #[test]
    fn continuations_are_deeper_than_their_key() {
        let sections = parse("[basic]\n    ak = A\n    sk = S\n      more\n\n").expect("valid");
        assert_eq!(sections["basic"]["ak"], "A");
        assert_eq!(sections["basic"]["sk"], "S\nmore");
    }

    #[test]
    fn errors_name_the_line_but_never_its_text() {
        for (text, expected) in [
            ("[a]\nsecret-without-delimiter\n", "line 2: expected"),
            ("ak = secret\n", "line 1: expected a `[section]`"),
            ("[a]\n[a]\n", "line 2: section `a` appears twice"),
            ("[a]\nk = 1\nK = secret\n", "line 3: key `k` appears twice"),
            ("[a]\n = secret\n", "line 2: a value without a key"),
            ("[a]\nk = secret%\n", "key `k` of section `a`: a `%` is followed"),
            ("[a]\nk = %(secret)s\n", "key `k` of section `a`: a `%(key)s` reference names"),
            ("[a]\nk = %(k)s secret\n", "key `k` of section `a`: `%(key)s` references nest"),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.starts_with(expected), "{error}");
            assert!(!error.contains("secret"), "{error}");
        }
    }

    /// The cases of `tests/fixtures/config_files/agree.py`, which records what Python's
    /// `configparser` reads as the SDK reads the file: the same sections and values, or
    /// an error for both (see its README).
    #[test]
    fn agrees_with_python() {
        let fixture: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/config_files/python.json")).expect("JSON");
        let cases = fixture["cases"].as_array().expect("cases");
        let mut checked = 0;
        for case in cases.iter().filter(|case| case["kind"] == "ini") {
            let name = case["name"].as_str().expect("name");
            let text = case["text"].as_str().expect("text");
            // A deliberate difference gives what this reader must do instead.
            let expected = match &case["rust"] {
                Value::Null => case,
                other => other,
            };
            match (parse(text), expected.get("ok")) {
                (Ok(sections), Some(ok)) => assert_eq!(&serde_json::to_value(&sections).expect("JSON"), ok, "{name}"),
                (Err(error), None) => assert_no_value_in(&error, text, name),
                (Err(error), Some(_)) => panic!("{name}: Python reads it, this reader says: {error}"),
                (Ok(sections), None) => {
                    panic!("{name}: Python fails ({}), this reader reads {sections:?}", case["error"])
                }
            }
            checked += 1;
        }
        assert!(checked >= 30, "{checked} cases");
    }

    /// What follows the first `=` or `:` of a line of `text` (3 characters or more) is
    /// absent from `error`.
    fn assert_no_value_in(error: &str, text: &str, name: &str) {
        for line in text.lines() {
            let value = line.split_once(['=', ':']).map_or("", |(_, value)| value.trim());
            assert!(value.len() < 3 || !error.contains(value), "{name}: {error}");
        }
    }
}
