//! Doc comments: spec text made safe for rustdoc, one `#[doc]` per source line.
//!
//! Vendor descriptions are free text: `[label]` would be read as an intra-doc link,
//! `<br>` as HTML, a bare URL is linted, indentation starts a code block and a ``` fence a
//! doctest. Each of these is neutralised while the text stays verbatim when rendered.

use crate::model::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line.
pub fn doc_attrs(lines: &[String]) -> TokenStream {
    lines.iter().map(|line| attr_text(line)).map(|text| quote! { #[doc = #text] }).collect()
}

/// `#![doc = "..."]` attributes (module and crate docs), one per line.
pub fn inner_doc_attrs(lines: &[String]) -> TokenStream {
    lines.iter().map(|line| attr_text(line)).map(|text| quote! { #![doc = #text] }).collect()
}

/// The text of one doc attribute: a leading space, and nothing a `///` comment cannot
/// hold (line breaks, other control characters, direction overrides rustc rejects).
fn attr_text(line: &str) -> String {
    let clean = sanitize(line);
    if clean.is_empty() {
        String::new()
    } else {
        format!(" {clean}")
    }
}

/// Replaces control characters with spaces and drops the Unicode direction controls
/// (U+202A–U+202E, U+2066–U+2069) that rustc denies in comments and literals.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Lines of a model element's docs: the escaped description, then the notes (written by
/// codegen, already safe), a blank line between them; `extra` paragraphs follow.
pub fn lines(docs: &Docs, extra: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut paragraph = |lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
    };
    if let Some(description) = &docs.description {
        paragraph(text_lines(description));
    }
    paragraph(docs.notes.clone());
    for text in extra {
        paragraph(text.lines().map(str::to_owned).collect());
    }
    out
}

/// Spec text as escaped lines. Each source line becomes its own paragraph: vendors
/// write lists and line-per-item tables without Markdown, which would otherwise render
/// as one run-on paragraph (or as a list swallowing the lines after it).
pub fn text_lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A lone `\r` (old Mac line ends) breaks lines too.
    for line in text.split(['\n', '\r']) {
        let escaped = escape_line(line);
        if escaped.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.push(escaped);
    }
    out
}

/// Escapes one line of spec text so rustdoc renders it literally and lints nothing.
pub fn escape_line(line: &str) -> String {
    let line = line.trim();
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        match c {
            '[' | ']' | '<' | '>' | '\\' | '*' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '~' if rest.starts_with("~~~") => out.push_str("\\~"),
            _ => out.push(c),
        }
        rest = chars.as_str();
    }
    out
}

/// Length of a URL starting at the beginning of `text`, if one does.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .char_indices()
        .find(|&(_, c)| {
            c.is_whitespace() || !c.is_ascii() || matches!(c, ')' | ']' | '>' | '"' | '\'' | '<')
        })
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::escape_line;

    #[test]
    fn spec_text_is_neutralised() {
        assert_eq!(escape_line("  see [获取项目ID](a.xml)"), "see \\[获取项目ID\\](a.xml)");
        assert_eq!(escape_line("a<br>b"), "a\\<br\\>b");
        assert_eq!(escape_line("go to https://x.y/z."), "go to <https://x.y/z>.");
        assert_eq!(escape_line("```rust"), "\\`\\`\\`rust");
        assert_eq!(escape_line("func_name"), "func_name");
    }
}
