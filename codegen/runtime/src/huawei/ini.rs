//! The INI subset of credentials files, read as Python's `configparser` reads them.
//!
//! Hand-written rather than a dependency: the files hold a few `key = value` lines in a
//! section or two, and this reader is a few dozen lines that every generated crate
//! compiles anyway. What it reads:
//!
//! - `[section]` headers (names case-sensitive, each at most once);
//! - `key = value` or `key: value` (keys case-insensitive, each at most once per section;
//!   keys and values trimmed; no interpolation, `%` is a plain character);
//! - indented lines continuing the value above (joined with a line break);
//! - comment lines starting with `#` or `;`, and blank lines;
//! - a `[DEFAULT]` section whose keys every other section inherits.
//!
//! Anything else is an error naming the line number, never the line's text (it may hold
//! a secret).

use std::collections::HashMap;

/// Sections by name, each with its keys (lower case) and values.
pub(crate) type Sections = HashMap<String, HashMap<String, String>>;

const DEFAULT_SECTION: &str = "DEFAULT";

/// Parses `text`; the error says what is wrong and on which line (from 1).
pub(crate) fn parse(text: &str) -> Result<Sections, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections = Sections::new();
    let mut section: Option<String> = None;
    let mut last_key: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented {
            if let (Some(name), Some(key)) = (&section, &last_key) {
                let value = sections.get_mut(name).and_then(|s| s.get_mut(key)).expect("key just read");
                value.push('\n');
                value.push_str(trimmed);
                continue;
            }
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
            let name = name.trim().to_owned();
            if sections.contains_key(&name) {
                return Err(format!("line {number}: section `{name}` appears twice"));
            }
            sections.insert(name.clone(), HashMap::new());
            section = Some(name);
            last_key = None;
            continue;
        }
        let Some(at) = trimmed.find(['=', ':']) else {
            return Err(format!("line {number}: expected `[section]` or `key = value`"));
        };
        let Some(name) = &section else {
            return Err(format!("line {number}: a key before any `[section]`"));
        };
        let key = trimmed[..at].trim().to_lowercase();
        if key.is_empty() {
            return Err(format!("line {number}: a value without a key"));
        }
        let values = sections.get_mut(name).expect("section just read");
        if values.contains_key(&key) {
            return Err(format!("line {number}: key `{key}` appears twice in section `{name}`"));
        }
        values.insert(key.clone(), trimmed[at + 1..].trim().to_owned());
        last_key = Some(key);
    }
    if let Some(defaults) = sections.remove(DEFAULT_SECTION) {
        for values in sections.values_mut() {
            for (key, value) in &defaults {
                values.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_continuations_and_defaults() {
        let text = "\u{feff}# credentials\n[DEFAULT]\niam_endpoint = https://iam.example.com\n\n\
                    [basic]\nAK = A1\nsk: S%1=x\n; comment\nproject_id =\n  p-1\n\n[global]\nak=A2\n";
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
    fn errors_name_the_line_but_never_its_text() {
        for (text, expected) in [
            ("[a]\nsecret-without-delimiter\n", "line 2: expected"),
            ("ak = secret\n", "line 1: a key before"),
            ("[a]\n[a]\n", "line 2: section `a` appears twice"),
            ("[a]\nk = 1\nK = secret\n", "line 3: key `k` appears twice"),
            ("[a]\n = secret\n", "line 2: a value without a key"),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.starts_with(expected), "{error}");
            assert!(!error.contains("secret"), "{error}");
        }
    }
}
