//! The regions file, read as the official Python SDK reads it: `yaml.safe_load` (PyYAML),
//! then `ProfileRegionCache._resolve_profile` (`huaweicloudsdkcore/region/cache.py`):
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
//! What the SDK does, this reader does. The file maps service names to lists of regions:
//! an empty file, a service without a list or a region that is not a mapping fail (an
//! empty string or `{}` is an empty list). A region whose `id` is missing or false for
//! Python (empty, `null`, `0`, `false`) is skipped; its endpoints are the items of
//! `endpoints` (empty strings included), then `endpoint`; without any it is skipped too.
//! Each region is filed under the service name in upper case followed by its id, a later
//! one replacing an earlier: a region given twice in a list, or in the lists of `ECS` and
//! `ecs`, ends with its last endpoints. A key given twice in a mapping keeps its last
//! value (PyYAML), so of a service given twice only the last list counts.
//!
//! Hand-written rather than a YAML dependency: the maintained YAML crates are large next
//! to a file of a few lines that every generated crate would compile a parser for. It
//! reads one document (an optional `---` line before it, an optional `...` line after
//! it, then only comments), block mappings and sequences (a sequence may sit at its
//! key's indentation), flow collections `[a, b]` and `{k: v}` on one line, plain,
//! `'single'` and `"double"`-quoted scalars on one line, and comments. Plain scalars are
//! typed as PyYAML types them (`123`, `0x1f`, `1.5`, `true`, `null`, `2024-01-31`...),
//! which matters where the SDK tests them. It refuses what PyYAML refuses and, naming the
//! line rather than guessing, what PyYAML reads but it does not: anchors, aliases and
//! tags, block scalars (`|`, `>`), explicit (`?`) and merge (`<<`) keys, directives,
//! scalars and flow collections spanning lines, the line breaks U+0085, U+2028 and
//! U+2029, escapes of lone surrogates, keys over 1024 characters; and values the SDK
//! would keep as they are though they are not strings: service names and endpoints that
//! are not strings, and `endpoints` given as a string or a mapping (which the SDK would
//! split into characters or keys).

use std::collections::{HashMap, HashSet};

/// The regions of one service: `(id, endpoints)`, each id once, in the order the SDK
/// first files them, with the endpoints it ends with.
pub(crate) type ServiceRegions = Vec<(String, Vec<String>)>;

/// Regions by service name in upper case (lookups ignore case, as the official SDKs do).
/// A service without regions is absent.
pub(crate) fn parse(text: &str) -> Result<HashMap<String, ServiceRegions>, String> {
    let root = document(text)?;
    let Value::Map(services) = &root.value else {
        return Err(format!("line {}: expected `service:` and its list of regions", root.line));
    };
    // The SDK's `result[service.upper() + id]`: the later region wins.
    let mut filed: HashMap<String, Vec<String>> = HashMap::new();
    // The (service, id) pairs filed, in order, each once.
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for (key, regions) in services {
        let Value::Scalar(Scalar::Str(service)) = &key.value else {
            return Err(format!("line {}: a service name must be a string (quote it)", key.line));
        };
        for region in list(regions)? {
            let Value::Map(fields) = &region.value else {
                return Err(format!("line {}: a region must be a mapping with `id` and endpoints", region.line));
            };
            let Some(id) = get(fields, "id").filter(|id| id.is_true()) else {
                continue;
            };
            let mut endpoints = match get(fields, "endpoints").filter(|e| e.is_true()) {
                None => Vec::new(),
                Some(Node { value: Value::Seq(items), .. }) => items.iter().map(endpoint).collect::<Result<_, _>>()?,
                Some(other) => return Err(format!("line {}: `endpoints` must be a list", other.line)),
            };
            if let Some(node) = get(fields, "endpoint").filter(|e| e.is_true()) {
                endpoints.push(endpoint(node)?);
            }
            if endpoints.is_empty() {
                continue;
            }
            let Value::Scalar(Scalar::Str(id)) = &id.value else {
                return Err(format!("line {}: a region `id` must be a string (quote it)", id.line));
            };
            let service = service.to_uppercase();
            filed.insert(format!("{service}{id}"), endpoints);
            if seen.insert((service.clone(), id.clone())) {
                pairs.push((service, id.clone()));
            }
        }
    }
    let mut result: HashMap<String, ServiceRegions> = HashMap::new();
    for (service, id) in pairs {
        let endpoints = filed[&format!("{service}{id}")].clone();
        result.entry(service).or_default().push((id, endpoints));
    }
    Ok(result)
}

/// The regions of a service: what the SDK's `for region in regions` goes through without
/// failing (an empty string or mapping goes through nothing).
fn list(regions: &Node) -> Result<&[Node], String> {
    match &regions.value {
        Value::Seq(items) => Ok(items),
        Value::Scalar(Scalar::Str(text)) if text.is_empty() => Ok(&[]),
        Value::Map(entries) if entries.is_empty() => Ok(&[]),
        _ => Err(format!("line {}: the regions of a service must be a list", regions.line)),
    }
}

fn endpoint(node: &Node) -> Result<String, String> {
    match &node.value {
        Value::Scalar(Scalar::Str(text)) => Ok(text.clone()),
        _ => Err(format!("line {}: an endpoint must be a string (quote it)", node.line)),
    }
}

/// The value of the string key `key` in a mapping's entries.
fn get<'a>(entries: &'a [(Node, Node)], key: &str) -> Option<&'a Node> {
    entries.iter().find(|(k, _)| matches!(&k.value, Value::Scalar(Scalar::Str(s)) if s == key)).map(|(_, v)| v)
}

/// A scalar as PyYAML's `SafeLoader` builds it, as far as the SDK looks at it.
#[derive(Debug)]
enum Scalar {
    Str(String),
    Null,
    Bool(bool),
    /// An int or a float, and whether it is zero.
    Number {
        zero: bool,
    },
    /// A date or date and time (never false).
    Timestamp,
}

#[derive(Debug)]
enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in order, each string key once (PyYAML keeps the last value at the place
    /// of the first); keys are scalars.
    Map(Vec<(Node, Node)>),
}

/// A value and the line it starts on (from 1).
#[derive(Debug)]
struct Node {
    line: usize,
    value: Value,
}

impl Node {
    fn null(line: usize) -> Node {
        Node { line, value: Value::Scalar(Scalar::Null) }
    }

    /// What Python's `bool()` says.
    fn is_true(&self) -> bool {
        match &self.value {
            Value::Scalar(Scalar::Str(text)) => !text.is_empty(),
            Value::Scalar(Scalar::Null) => false,
            Value::Scalar(Scalar::Bool(value)) => *value,
            Value::Scalar(Scalar::Number { zero }) => !zero,
            Value::Scalar(Scalar::Timestamp) => true,
            Value::Seq(items) => !items.is_empty(),
            Value::Map(entries) => !entries.is_empty(),
        }
    }
}

/// A token of a line.
#[derive(Debug, PartialEq)]
enum Token {
    /// `-` and a blank: a block sequence entry.
    Dash,
    /// `:` after a key.
    Colon,
    Open(char),
    Close(char),
    Comma,
    /// A scalar's text, and whether it was quoted (never typed then).
    Scalar(String, bool),
}

/// A line with tokens: its number (from 1), indentation, and tokens with their columns
/// (in characters).
struct Line {
    number: usize,
    indent: usize,
    tokens: Vec<(usize, Token)>,
}

/// The one document of `text`.
fn document(text: &str) -> Result<Node, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Python reads the file with universal newlines.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = Vec::new();
    let (mut started, mut ended) = (false, false);
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let chars: Vec<char> = line.chars().collect();
        if let Some(c) = chars.iter().find(|&&c| !printable(c)) {
            return Err(format!("line {number}: PyYAML refuses the character U+{:04X}", u32::from(*c)));
        }
        if chars.iter().any(|c| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')) {
            return Err(format!("line {number}: YAML line breaks other than `\\n` are not supported"));
        }
        let marker =
            |m: &str| line.strip_prefix(m).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
        if marker("---") || marker("...") {
            if !tokenize(&chars, 3, number)?.is_empty() {
                return Err(format!("line {number}: nothing but a comment may follow `---` or `...`"));
            }
            if line.starts_with("---") {
                if started || ended {
                    return Err(format!("line {number}: only one YAML document is read"));
                }
                started = true;
            } else {
                ended = true;
            }
            continue;
        }
        if line.starts_with('%') {
            return Err(format!("line {number}: YAML directives are not supported"));
        }
        let indent = chars.iter().take_while(|&&c| c == ' ').count();
        let tokens = tokenize(&chars, indent, number)?;
        if tokens.is_empty() {
            continue;
        }
        if ended {
            return Err(format!("line {number}: only comments may follow `...`"));
        }
        started = true;
        lines.push(Line { number, indent, tokens });
    }
    let mut parser = Parser { lines, at: 0 };
    if parser.lines.is_empty() {
        // `safe_load` gives `None`, which the SDK fails on.
        return Err("the file holds no services".to_owned());
    }
    let root = parser.node(0, 0)?;
    match parser.next() {
        Some(line) => Err(format!("line {}: unexpected indentation", line.number)),
        None => Ok(root),
    }
}

/// Whether PyYAML's reader accepts `c`.
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// The tokens of `line` from column `from`, as PyYAML's scanner finds them, up to a
/// comment.
fn tokenize(line: &[char], from: usize, number: usize) -> Result<Vec<(usize, Token)>, String> {
    let unsupported = |what: &str| Err(format!("line {number}: {what} are not supported in this file"));
    let blank = |at: usize| line.get(at).is_none_or(|&c| c == ' ' || c == '\t');
    let mut tokens = Vec::new();
    // The depth in flow collections.
    let mut depth = 0usize;
    let mut at = from;
    loop {
        while line.get(at) == Some(&' ') {
            at += 1;
        }
        let Some(&c) = line.get(at) else { break };
        let start = at;
        at += 1;
        let token = match c {
            // A comment where a token could start, even right after a quote or bracket.
            '#' => break,
            '\t' => return Err(format!("line {number}: a tab cannot start a value (indent with spaces)")),
            '-' if blank(at) && depth == 0 => Token::Dash,
            '-' if blank(at) => return Err(format!("line {number}: a `- ` entry inside `[...]` or `{{...}}`")),
            '[' | '{' => {
                depth += 1;
                Token::Open(c)
            }
            ']' | '}' => {
                let Some(outer) = depth.checked_sub(1) else {
                    return Err(format!("line {number}: `{c}` closes nothing"));
                };
                depth = outer;
                Token::Close(c)
            }
            ',' => Token::Comma,
            ':' if depth > 0 || blank(at) => Token::Colon,
            '?' if depth > 0 || blank(at) => return unsupported("explicit keys (`?`)"),
            '\'' | '"' => {
                let (text, end) = quoted(line, start, number)?;
                at = end;
                Token::Scalar(text, true)
            }
            '&' | '*' => return unsupported("anchors and aliases"),
            '!' => return unsupported("tags"),
            '|' | '>' => return unsupported("block scalars (`|`, `>`)"),
            '%' | '@' | '`' => return Err(format!("line {number}: a value cannot start with `{c}`")),
            _ => {
                at = plain_end(line, start, depth > 0);
                Token::Scalar(line[start..at].iter().collect(), false)
            }
        };
        tokens.push((start, token));
    }
    if depth > 0 {
        return unsupported("`[...]` and `{...}` spanning lines");
    }
    Ok(tokens)
}

/// Where the plain scalar starting at `start` ends (PyYAML's `scan_plain` on one line):
/// at `: ` or ` #`, at a tab, at the end of the line, or in a flow collection at
/// `,?[]{}` or `:` before one of `,[]{}`; blanks inside are kept.
fn plain_end(line: &[char], start: usize, flow: bool) -> usize {
    let stops = |at: usize| {
        let c = line[at];
        let next_ends = line.get(at + 1).is_none_or(|&n| n == ' ' || n == '\t' || (flow && ",[]{}".contains(n)));
        c == ' ' || c == '\t' || (c == ':' && next_ends) || (flow && ",?[]{}".contains(c))
    };
    let (mut at, mut end) = (start, start);
    loop {
        let run = at;
        while at < line.len() && !stops(at) {
            at += 1;
        }
        if at == run {
            return end;
        }
        end = at;
        while line.get(at) == Some(&' ') {
            at += 1;
        }
        if at == end || line.get(at).is_none_or(|&c| c == '#') {
            return end;
        }
    }
}

/// The quoted scalar starting at `start` (`'` or `"`), and where it ends.
fn quoted(line: &[char], start: usize, number: usize) -> Result<(String, usize), String> {
    let quote = line[start];
    let mut text = String::new();
    let mut at = start + 1;
    loop {
        let Some(&c) = line.get(at) else {
            return Err(format!("line {number}: quoted values spanning lines are not supported in this file"));
        };
        at += 1;
        match c {
            '\'' if quote == '\'' && line.get(at) == Some(&'\'') => {
                text.push('\'');
                at += 1;
            }
            c if c == quote => return Ok((text, at)),
            '\\' if quote == '"' => {
                let Some(&escape) = line.get(at) else {
                    return Err(format!("line {number}: quoted values spanning lines are not supported in this file"));
                };
                at += 1;
                let simple = match escape {
                    '0' => Some('\0'),
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    't' | '\t' => Some('\t'),
                    'n' => Some('\n'),
                    'v' => Some('\u{b}'),
                    'f' => Some('\u{c}'),
                    'r' => Some('\r'),
                    'e' => Some('\u{1b}'),
                    ' ' | '"' | '/' | '\\' => Some(escape),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{a0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    _ => None,
                };
                if let Some(c) = simple {
                    text.push(c);
                    continue;
                }
                let digits = match escape {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => return Err(format!("line {number}: an unknown escape sequence")),
                };
                let hex: String = line.get(at..at + digits).unwrap_or_default().iter().collect();
                let is_hex = hex.len() == digits && hex.chars().all(|c| c.is_ascii_hexdigit());
                let code = u32::from_str_radix(&hex, 16).ok().filter(|_| is_hex);
                // Python also makes a lone surrogate, which a Rust string cannot hold.
                let Some(c) = code.and_then(char::from_u32) else {
                    return Err(format!("line {number}: an escape sequence that is not a character"));
                };
                text.push(c);
                at += digits;
            }
            c => text.push(c),
        }
    }
}

/// Reads the block structure of the lines.
struct Parser {
    lines: Vec<Line>,
    /// The next line to read.
    at: usize,
}

impl Parser {
    fn next(&self) -> Option<&Line> {
        self.lines.get(self.at)
    }

    /// Whether the next line is at `column` and starts with a token of `kind`.
    fn next_at(&self, column: usize, kind: fn(&[(usize, Token)]) -> bool) -> bool {
        self.next().is_some_and(|line| line.indent == column && kind(&line.tokens))
    }

    /// The block node starting with token `token` of line `line`; moves past it.
    fn node(&mut self, line: usize, token: usize) -> Result<Node, String> {
        let tokens = &self.lines[line].tokens[token..];
        if tokens[0].1 == Token::Dash {
            self.sequence(line, token)
        } else if is_key(tokens) {
            self.mapping(line, token)
        } else {
            self.inline(line, token)
        }
    }

    /// A scalar or flow collection filling line `line` from token `token`.
    fn inline(&mut self, line: usize, token: usize) -> Result<Node, String> {
        let Line { number, tokens, .. } = &self.lines[line];
        let mut at = token;
        let node = flow_node(tokens, &mut at, *number)?;
        if at < tokens.len() {
            return Err(format!("line {number}: unexpected text after a value"));
        }
        self.at = line + 1;
        Ok(node)
    }

    /// The value after `key:` or `-` at the end of line `line`, on the lines below: a
    /// node indented deeper than `column`, a sequence at `column` after a key, or null.
    fn below(&mut self, line: usize, column: usize, after_key: bool) -> Result<Node, String> {
        self.at = line + 1;
        match self.next() {
            Some(next) if next.indent > column => self.node(self.at, 0),
            Some(next) if after_key && next.indent == column && next.tokens[0].1 == Token::Dash => {
                self.sequence(self.at, 0)
            }
            _ => Ok(Node::null(self.lines[line].number)),
        }
    }

    /// The block sequence whose first `-` is token `token` of line `line`.
    fn sequence(&mut self, mut line: usize, mut token: usize) -> Result<Node, String> {
        let (column, number) = (self.lines[line].tokens[token].0, self.lines[line].number);
        let mut items = Vec::new();
        loop {
            let item = if token + 1 < self.lines[line].tokens.len() {
                self.node(line, token + 1)?
            } else {
                self.below(line, column, false)?
            };
            items.push(item);
            if !self.next_at(column, |tokens| tokens[0].1 == Token::Dash) {
                break;
            }
            (line, token) = (self.at, 0);
        }
        self.check_end(column)?;
        Ok(Node { line: number, value: Value::Seq(items) })
    }

    /// The block mapping whose first key is token `token` of line `line`.
    fn mapping(&mut self, mut line: usize, mut token: usize) -> Result<Node, String> {
        let (column, number) = (self.lines[line].tokens[token].0, self.lines[line].number);
        let mut entries = Vec::new();
        loop {
            let key = key_node(&self.lines[line].tokens, token, self.lines[line].number)?;
            // A value on the line of its key is a scalar or a flow collection (PyYAML
            // refuses `key: - a` and `key: k: v`).
            let value = if token + 2 < self.lines[line].tokens.len() {
                self.inline(line, token + 2)?
            } else {
                self.below(line, column, true)?
            };
            insert(&mut entries, key, value);
            if !self.next_at(column, is_key) {
                break;
            }
            (line, token) = (self.at, 0);
        }
        self.check_end(column)?;
        Ok(Node { line: number, value: Value::Map(entries) })
    }

    /// After a collection at `column`: the next line may not be deeper (a scalar
    /// continued on it, or an error for PyYAML too).
    fn check_end(&self, column: usize) -> Result<(), String> {
        match self.next() {
            Some(next) if next.indent > column => Err(format!(
                "line {}: unexpected indentation (values continued on another line are not supported)",
                next.number
            )),
            _ => Ok(()),
        }
    }
}

/// Whether `tokens` start with a mapping key: a scalar and `:`.
fn is_key(tokens: &[(usize, Token)]) -> bool {
    matches!(tokens, [(_, Token::Scalar(..)), (_, Token::Colon), ..])
}

/// The key `tokens[at]`, a scalar (followed by `:` when `is_key`).
fn key_node(tokens: &[(usize, Token)], at: usize, number: usize) -> Result<Node, String> {
    let Some((start, Token::Scalar(text, quoted))) = tokens.get(at) else {
        return Err(format!("line {number}: expected a key"));
    };
    // PyYAML looks no further than 1024 characters for the `:` of a key.
    if is_key(&tokens[at..]) && tokens[at + 1].0 - start > 1024 {
        return Err(format!("line {number}: keys over 1024 characters are not supported in this file"));
    }
    let value = match (text.as_str(), quoted) {
        (_, true) => Scalar::Str(text.clone()),
        ("<<", false) => return Err(format!("line {number}: merge keys (`<<`) are not supported in this file")),
        // The value indicator, which PyYAML reads as a string when it is a key.
        ("=", false) => Scalar::Str(text.clone()),
        (_, false) => resolve(text, number)?,
    };
    Ok(Node { line: number, value: Value::Scalar(value) })
}

/// Adds `key: value` to `entries`: PyYAML's dict keeps the last value of a key, at the
/// place of the first. Keys other than strings are kept as they come: the SDK refuses
/// them as service names and never reads them in a region.
fn insert(entries: &mut Vec<(Node, Node)>, key: Node, value: Node) {
    if let Value::Scalar(Scalar::Str(name)) = &key.value {
        let same = |(k, _): &&mut (Node, Node)| matches!(&k.value, Value::Scalar(Scalar::Str(n)) if n == name);
        if let Some(entry) = entries.iter_mut().find(same) {
            entry.1 = value;
            return;
        }
    }
    entries.push((key, value));
}

/// The scalar or flow collection at `tokens[*at]`, moving `at` past it.
fn flow_node(tokens: &[(usize, Token)], at: &mut usize, number: usize) -> Result<Node, String> {
    let Some((_, token)) = tokens.get(*at) else {
        return Err(format!("line {number}: expected a value"));
    };
    *at += 1;
    let value = match token {
        Token::Scalar(text, true) => Value::Scalar(Scalar::Str(text.clone())),
        Token::Scalar(text, false) if text == "=" || text == "<<" => {
            return Err(format!("line {number}: PyYAML cannot read `=` or `<<` as a value"));
        }
        Token::Scalar(text, false) => Value::Scalar(resolve(text, number)?),
        Token::Open(open) => {
            let close = if *open == '[' { ']' } else { '}' };
            let (mut items, mut entries) = (Vec::new(), Vec::new());
            loop {
                if tokens.get(*at).is_some_and(|(_, t)| *t == Token::Close(close)) {
                    *at += 1;
                    break;
                }
                if *open == '{' {
                    flow_entry(tokens, at, number, &mut entries)?;
                } else if is_key(&tokens[*at..]) {
                    // `[key: value]` holds a mapping of one entry.
                    let mut pair = Vec::new();
                    flow_entry(tokens, at, number, &mut pair)?;
                    items.push(Node { line: number, value: Value::Map(pair) });
                } else {
                    items.push(flow_node(tokens, at, number)?);
                }
                match tokens.get(*at) {
                    Some((_, Token::Comma)) => *at += 1,
                    Some((_, Token::Close(c))) if *c == close => {
                        *at += 1;
                        break;
                    }
                    _ => return Err(format!("line {number}: expected `,` or `{close}`")),
                }
            }
            if *open == '[' { Value::Seq(items) } else { Value::Map(entries) }
        }
        _ => return Err(format!("line {number}: expected a value")),
    };
    Ok(Node { line: number, value })
}

/// The entry `key: value`, `key:` or `key` (null both) of a flow mapping at `tokens[*at]`,
/// moving `at` past it.
fn flow_entry(
    tokens: &[(usize, Token)],
    at: &mut usize,
    number: usize,
    entries: &mut Vec<(Node, Node)>,
) -> Result<(), String> {
    let key = key_node(tokens, *at, number)?;
    let colon = is_key(&tokens[*at..]);
    *at += if colon { 2 } else { 1 };
    let value = match tokens.get(*at) {
        Some((_, Token::Comma | Token::Close(_))) => Node::null(number),
        _ if colon => flow_node(tokens, at, number)?,
        _ => Node::null(number),
    };
    insert(entries, key, value);
    Ok(())
}

/// The type PyYAML's resolver gives the plain scalar `text`, and the checks of its
/// constructors, which fail on some.
fn resolve(text: &str, number: usize) -> Result<Scalar, String> {
    Ok(match text {
        "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Scalar::Bool(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Scalar::Bool(false),
        _ => {
            if let Some(zero) = int(text) {
                Scalar::Number { zero: zero.ok_or_else(|| format!("line {number}: a number without digits"))? }
            } else if let Some(zero) = float(text) {
                Scalar::Number { zero }
            } else if let Some(valid) = timestamp(text) {
                if !valid {
                    return Err(format!("line {number}: not a valid date or time"));
                }
                Scalar::Timestamp
            } else {
                Scalar::Str(text.to_owned())
            }
        }
    })
}

fn all_digits(text: &str, underscores: bool) -> bool {
    text.chars().all(|c| c.is_ascii_digit() || (underscores && c == '_'))
}

fn starts_with_digit(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether `text` is zero if it is an int for PyYAML; `Some(None)` when its constructor
/// fails (`0b` or `0x` and only underscores).
fn int(text: &str) -> Option<Option<bool>> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let zero = |digits: &str| {
        let digits = digits.replace('_', "");
        (!digits.is_empty()).then(|| digits.chars().all(|c| c == '0'))
    };
    let after = |prefix: &str, digit: fn(char) -> bool| {
        unsigned.strip_prefix(prefix).filter(|d| !d.is_empty() && d.chars().all(|c| digit(c) || c == '_'))
    };
    if let Some(digits) = after("0b", |c| matches!(c, '0' | '1')).or_else(|| after("0x", |c| c.is_ascii_hexdigit())) {
        return Some(zero(digits));
    }
    // Octal, and 0 alone.
    if unsigned.starts_with('0') && unsigned.chars().all(|c| ('0'..='7').contains(&c) || c == '_') {
        return Some(zero(unsigned));
    }
    // Decimal, or base 60 (`1:30`); never zero.
    let mut parts = unsigned.split(':');
    let first = parts.next()?;
    let decimal = first.starts_with(|c: char| ('1'..='9').contains(&c)) && all_digits(first, true);
    (decimal && parts.all(sexagesimal)).then_some(Some(false))
}

/// A part after a `:` of a base 60 number: `[0-5]?[0-9]`.
fn sexagesimal(part: &str) -> bool {
    match part.as_bytes() {
        [d] => d.is_ascii_digit(),
        [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
        _ => false,
    }
}

/// Whether `text` is zero if it is a float for PyYAML: `1.5`, `-1.`, `1.5e+3`, `.5`
/// (without sign), `1:30.5` (base 60), `.inf`, `.nan`.
fn float(text: &str) -> Option<bool> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(false);
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let digits = exponent.strip_prefix(['-', '+'])?;
            (!digits.is_empty() && all_digits(digits, false)).then_some((mantissa, Some(exponent)))?
        }
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.')?;
    if !all_digits(fraction, true) {
        return None;
    }
    let signed = unsigned.len() < text.len();
    if (starts_with_digit(whole) && all_digits(whole, true))
        || (whole.is_empty() && !signed && starts_with_digit(fraction))
    {
        // Python's `float`, which gives 0 for an exponent too small.
        let number = format!("{}e{}", mantissa.replace('_', ""), exponent.unwrap_or("0"));
        return Some(number.parse::<f64>().ok()? == 0.0);
    }
    let mut parts = whole.split(':');
    let first = parts.next()?;
    let base60 = exponent.is_none() && starts_with_digit(first) && all_digits(first, true) && whole.contains(':');
    (base60 && parts.all(sexagesimal)).then(|| mantissa.chars().all(|c| "0:._".contains(c)))
}

/// Whether `text` is a valid date or date and time if PyYAML reads it as one:
/// `2024-01-31`, or with a time as in `2024-1-31T10:00:00.5 +08:00`.
fn timestamp(text: &str) -> Option<bool> {
    let mut rest = Cursor(text);
    let year = rest.digits(4, 4)?;
    let month = rest.eat(&['-']).then(|| rest.digits(1, 2))??;
    let day = rest.eat(&['-']).then(|| rest.digits(1, 2))??;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    let date = (1..=9999).contains(&year) && (1..=days).contains(&day);
    if rest.0.is_empty() {
        // Without a time, month and day have two digits.
        return (text.len() == 10).then_some(date);
    }
    let spaces = rest.spaces();
    if !(spaces || rest.eat(&['T', 't'])) {
        return None;
    }
    let hour = rest.digits(1, 2)?;
    let minute = rest.eat(&[':']).then(|| rest.digits(2, 2))??;
    let second = rest.eat(&[':']).then(|| rest.digits(2, 2))??;
    if rest.eat(&['.']) {
        rest.0 = rest.0.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    rest.spaces();
    // The offset of the time zone, in minutes.
    let mut offset = 0;
    if rest.eat(&['-', '+']) {
        let hours = rest.digits(1, 2)?;
        let minutes = if rest.eat(&[':']) { rest.digits(2, 2)? } else { 0 };
        offset = hours * 60 + minutes;
    } else {
        rest.eat(&['Z']);
    }
    let valid = date && hour < 24 && minute < 60 && second < 60 && offset < 24 * 60;
    rest.0.is_empty().then_some(valid)
}

/// What is left of a text being matched.
struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    /// Moves past one of `chars`, if there.
    fn eat(&mut self, chars: &[char]) -> bool {
        let rest = self.0.strip_prefix(chars);
        self.0 = rest.unwrap_or(self.0);
        rest.is_some()
    }

    /// Moves past spaces and tabs, if any.
    fn spaces(&mut self) -> bool {
        let rest = self.0.trim_start_matches([' ', '\t']);
        let moved = rest.len() < self.0.len();
        self.0 = rest;
        moved
    }

    /// The number of `min` to `max` digits, moving past them.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let len = self.0.bytes().take(max).take_while(u8::is_ascii_digit).count();
        let (digits, rest) = self.0.split_at(len);
        self.0 = rest;
        (len >= min).then(|| digits.parse().ok())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value as Json};

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
                    - id: r3\n  endpoints: [https://z.example.com]\n-\n  id: r4\n  endpoint: https://w.example.com\nEmpty: []\n...\n";
        assert_eq!(endpoints(text, "ECS", "cn-north-1"), Some(vec!["https://ecs.cn-north-1.example.com".to_owned()]));
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
        assert!(!parse(text).expect("valid").contains_key("EMPTY"));
    }

    #[test]
    fn the_last_service_region_and_key_win() {
        let text = "ecs:\n  - id: a\n    endpoint: https://1\n  - id: b\n    endpoint: https://2\n    endpoint: https://3\n\
                    ECS:\n  - id: a\n    endpoint: https://4\n  - id: a\n    endpoint: https://5\n";
        let parsed = parse(text).expect("valid");
        let expected = [("a", "https://5"), ("b", "https://3")].map(|(id, e)| (id.to_owned(), vec![e.to_owned()]));
        assert_eq!(parsed["ECS"], expected);
    }

    #[test]
    fn plain_scalars_are_typed_as_pyyaml_types_them() {
        for (text, zero) in [
            ("0", true),
            ("-0_0", true),
            ("0o7", false),
            ("0b10", false),
            ("0x0", true),
            ("017", false),
            ("1:30", false),
        ] {
            let typed = int(text).map(|zero| zero.expect("digits"));
            assert_eq!(typed, (text != "0o7").then_some(zero), "{text}");
        }
        assert_eq!(int("0x_"), Some(None));
        for (text, typed) in [
            ("1.5", Some(false)),
            ("0.", Some(true)),
            (".0", Some(true)),
            ("-.5", None),
            ("1e5", None),
            ("1.0e-400", Some(true)),
            ("1.0e+5", Some(false)),
            ("0:00.0", Some(true)),
            (".NaN", Some(false)),
            ("1.2.3", None),
        ] {
            assert_eq!(float(text), typed, "{text}");
        }
        for (text, typed) in [
            ("2024-02-29", Some(true)),
            ("2023-02-29", Some(false)),
            ("2024-2-3", None),
            ("2024-2-3t1:02:03.5 +05:30", Some(true)),
            ("2024-02-03 24:00:00", Some(false)),
            ("2024-02-03T10:00:00+24", Some(false)),
        ] {
            assert_eq!(timestamp(text), typed, "{text}");
        }
    }

    #[test]
    fn what_is_not_understood_is_refused_with_its_line() {
        for (text, expected) in [
            ("ECS: https://x\n", "line 1: the regions of a service must be a list"),
            ("ECS:\n  - id: a\n      endpoint: b\n", "line 3: unexpected indentation"),
            ("ECS:\n\t- id: a\n", "line 2: a tab"),
            ("ECS:\n  - id: &a x\n", "line 2: anchors"),
            ("ECS:\n  - id: a\n    endpoint: |\n      x\n", "line 3: block scalars"),
            ("ECS:\n  - id: 'a\n", "line 2: quoted values spanning lines"),
            ("ECS:\n  - id: a\n    endpoints: [x,\n", "line 3: `[...]` and `{...}` spanning lines"),
            ("ECS:\n  - just text\n", "line 2: a region must be a mapping"),
            ("a: []\n---\nb: []\n", "line 2: only one YAML document"),
            ("a: []\n...\nb: []\n", "line 3: only comments may follow `...`"),
            ("ECS:\n  - id: 12\n    endpoint: x\n", "line 2: a region `id` must be a string"),
            ("ECS:\n  - id: a\n    endpoint: 8080\n", "line 3: an endpoint must be a string"),
            ("ECS:\n", "line 1: the regions of a service must be a list"),
            ("# nothing\n", "the file holds no services"),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    /// The cases of `tests/fixtures/config_files/agree.py`, which records what the SDK
    /// makes of each file with PyYAML: the same endpoints for each service and region it
    /// files, or an error for both (see its README).
    #[test]
    fn agrees_with_python() {
        let fixture: Json =
            serde_json::from_str(include_str!("../../tests/fixtures/config_files/python.json")).expect("JSON");
        let cases = fixture["cases"].as_array().expect("cases");
        let mut checked = 0;
        for case in cases.iter().filter(|case| case["kind"] == "yaml") {
            let name = case["name"].as_str().expect("name");
            let text = case["text"].as_str().expect("text");
            // A deliberate difference: this reader refuses the file.
            let refused = case["rust"] == "refused";
            match (parse(text), case.get("ok").filter(|_| !refused)) {
                (Ok(services), Some(ok)) => {
                    let mut found = Map::new();
                    for (service, regions) in services {
                        let mut ids = Map::new();
                        for (id, endpoints) in regions {
                            assert!(ids.insert(id, endpoints.into()).is_none(), "{name}: an id twice in {service}");
                        }
                        found.insert(service, ids.into());
                    }
                    assert_eq!(&Json::Object(found), ok, "{name}");
                }
                (Err(error), None) => {
                    for line in text.lines() {
                        let value = line.split_once(':').map_or("", |(_, value)| value.trim());
                        assert!(value.len() < 3 || !error.contains(value), "{name}: {error}");
                    }
                }
                (Err(error), Some(_)) => panic!("{name}: the SDK reads it, this reader says: {error}"),
                (Ok(services), None) => {
                    panic!("{name}: the SDK fails ({}), this reader reads {services:?}", case["error"])
                }
            }
            checked += 1;
        }
        assert!(checked >= 30, "{checked} cases");
    }
}
