//! Turning spec words into Rust identifiers. Pure functions; every output is a valid,
//! lint-clean identifier whatever the input (empty, symbols, non-ASCII, keywords).

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2024; `r#` cannot be used for all of them
/// (`self`, `crate`, `super`, `Self`), so a trailing `_` is used uniformly instead.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try",
    "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Symbols that carry meaning in enum values (`C#`, `<`, `>=`) get a word; every other
/// non-alphanumeric character separates words.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '#' => "Sharp",
        '+' => "Plus",
        '<' => "LessThan",
        '>' => "GreaterThan",
        '=' => "Equals",
        '!' => "Not",
        '*' => "Star",
        '&' => "And",
        '|' => "Or",
        '%' => "Percent",
        '@' => "At",
        '$' => "Dollar",
        '~' => "Tilde",
        '^' => "Caret",
        '?' => "Question",
        '/' => "Slash",
        '\\' => "Backslash",
        _ => return None,
    })
}

/// Non-ASCII characters become `U` and their code point, so that identifiers stay ASCII
/// (and free of confusable-character lints) while distinct values stay distinct.
fn push_non_ascii(word: &mut String, c: char) {
    word.push_str(&format!("U{:x}", c as u32));
}

/// An `UpperCamelCase` type name from words such as `["CreateFunctionRequestBody", "runtime"]`.
pub fn type_name(words: &[String]) -> String {
    let mut out = String::new();
    for word in words {
        out.push_str(&camel_words(word));
    }
    fix_camel(out)
}

/// An `UpperCamelCase` enum variant for a wire value: `Python3.12` → `Python3_12`,
/// `C#(.NET Core 2.0)` → `CSharpNetCore2_0`, `""` → `Empty`, `<` → `LessThan`.
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    let minus = value.starts_with('-') && value[1..].starts_with(|c: char| c.is_ascii_digit());
    let camel = camel_words(value);
    let camel = if minus { format!("Minus{camel}") } else { camel };
    fix_camel(camel)
}

/// The variant of an integer enum value: `0` → `V0`, `-1` → `Minus1`.
pub fn integer_variant_name(value: i64) -> String {
    if value < 0 {
        format!("Minus{}", value.unsigned_abs())
    } else {
        format!("V{value}")
    }
}

/// Words whose capitals do not start new words, as the catalogue spells them, and the
/// spelling that makes the case converter keep them whole (`DDoS` → `ddos`, not `d_do_s`).
const MIXED_CASE_WORDS: &[(&str, &str)] = &[
    ("DDoS", "Ddos"),
    ("IPv4", "Ipv4"),
    ("IPv6", "Ipv6"),
    ("OAuth", "Oauth"),
    ("GiB", "Gib"),
    ("MiB", "Mib"),
    ("KiB", "Kib"),
    ("TiB", "Tib"),
];

/// Rewrites acronyms the case converter would split: the words above, and plural
/// acronyms (`IPs`, `VPCs` → `Ips`, `Vpcs`: an upper-case run, then `s`, then no
/// lower-case letter).
fn keep_acronyms(word: &str) -> String {
    let mut text = word.to_owned();
    for (from, to) in MIXED_CASE_WORDS {
        if text.contains(from) {
            text = text.replace(from, to);
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_uppercase()).count();
        let plural = run >= 2
            && chars.get(i + run) == Some(&'s')
            && !chars.get(i + run + 1).is_some_and(char::is_ascii_lowercase);
        if plural {
            out.push(chars[i]);
            out.extend(chars[i + 1..i + run].iter().map(char::to_ascii_lowercase));
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A `snake_case` field or module name; keywords get a trailing `_`.
pub fn snake_name(word: &str) -> String {
    let word = keep_acronyms(word);
    let mut ascii = String::new();
    for c in word.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            ascii.push('_');
            push_non_ascii(&mut ascii, c);
            ascii.push('_');
        }
    }
    let mut snake = ascii.to_snake_case();
    if snake.is_empty() {
        snake = "field".to_owned();
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake = format!("n{snake}");
    }
    if is_keyword(&snake) {
        snake.push('_');
    }
    snake
}

/// Splits text into words and camel-cases each. Digits joined by `.`, `-` or `_` keep an
/// underscore between them (`3.12` → `3_12`), the one place `UpperCamelCase` allows it,
/// so that `Python3.1.2` and `Python31.2` stay apart.
fn camel_words(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let camel: Vec<String> = word.split('_').map(|p| p.to_upper_camel_case()).collect();
            out.push_str(&camel.join("_"));
            word.clear();
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
            continue;
        }
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if between_digits && matches!(c, '.' | '-' | '_' | ',') {
            word.push('_');
            continue;
        }
        flush(&mut word, &mut out);
        if let Some(symbol) = symbol_word(c) {
            out.push_str(symbol);
        } else if !c.is_ascii() {
            push_non_ascii(&mut out, c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Makes a camel-case candidate valid: never empty, never starting with a digit, never
/// the keyword `Self`.
fn fix_camel(name: String) -> String {
    if name.is_empty() {
        return "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{name}");
    }
    if name == "Self" {
        return "SelfValue".to_owned();
    }
    name
}

/// Appends a counter to make `base` unique: `Foo` → `Foo2`; after a digit an underscore
/// keeps the number readable (`Python3_12` → `Python3_12_2`, `field` → `field_2`).
pub fn with_suffix(base: &str, n: usize, snake: bool) -> String {
    if base.ends_with('_') {
        // `self_` → `self_2`, not `self__2` (which the snake-case lint rejects).
        format!("{base}{n}")
    } else if snake || base.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{base}_{n}")
    } else {
        format!("{base}{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_stay_lint_clean() {
        assert_eq!(with_suffix("self_", 2, true), "self_2");
        assert_eq!(with_suffix("func_name", 2, true), "func_name_2");
        assert_eq!(with_suffix("FuncVpc", 2, false), "FuncVpc2");
        assert_eq!(with_suffix("Python3_12", 2, false), "Python3_12_2");
    }

    #[test]
    fn runtime_values_get_readable_variants() {
        assert_eq!(variant_name("Python3.12"), "Python3_12");
        assert_eq!(variant_name("Python2.7"), "Python2_7");
        assert_eq!(variant_name("Node.js6.10"), "NodeJs6_10");
        assert_eq!(variant_name("C#(.NET Core 2.0)"), "CSharpNetCore2_0");
        assert_eq!(variant_name("Custom Image"), "CustomImage");
        assert_eq!(variant_name("http"), "Http");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("<"), "LessThan");
        assert_eq!(variant_name("2.0"), "V2_0");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("Self"), "SelfValue");
        assert_eq!(variant_name("是"), "U662f");
    }

    #[test]
    fn fields_are_snake_case_and_keyword_safe() {
        assert_eq!(snake_name("funcName"), "func_name");
        assert_eq!(snake_name("type"), "type_");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("crate"), "crate_");
        assert_eq!(snake_name("X-Auth-Token"), "x_auth_token");
        assert_eq!(snake_name(""), "field");
        assert_eq!(snake_name("2fa"), "n2fa");
    }

    #[test]
    fn common_acronyms_stay_whole() {
        assert_eq!(snake_name("ListDDoSFlow"), "list_ddos_flow");
        assert_eq!(snake_name("IPv6SubnetCreateRequest"), "ipv6_subnet_create_request");
        assert_eq!(snake_name("ListDomainIPs"), "list_domain_ips");
        assert_eq!(snake_name("ListVPCsByTag"), "list_vpcs_by_tag");
        assert_eq!(snake_name("OAuthToken"), "oauth_token");
        assert_eq!(snake_name("sizeInGiB"), "size_in_gib");
        // Unchanged: ordinary acronyms and plurals of words.
        assert_eq!(snake_name("HTTPServer"), "http_server");
        assert_eq!(snake_name("IDs"), "ids");
        assert_eq!(snake_name("ServerIDsList"), "server_ids_list");
        assert_eq!(snake_name("funcName"), "func_name");
        assert_eq!(snake_name("ALLs"), "alls");
    }

    #[test]
    fn type_names_join_words() {
        let words = vec!["CreateFunctionRequestBody".to_owned(), "runtime".to_owned()];
        assert_eq!(type_name(&words), "CreateFunctionRequestBodyRuntime");
        assert_eq!(type_name(&["func_vpc".to_owned()]), "FuncVpc");
        assert_eq!(type_name(&[String::new()]), "Unnamed");
    }
}
