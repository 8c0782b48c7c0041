//! XML for the generated models, the way [`json`](super::json) does JSON: a body is
//! parsed once into a small tree of [`Element`]s (code compiled once, here and in
//! quick-xml), and each model reads its elements and attributes out of it with
//! [`FromXml`], one call per property; writing is [`ToXml`], a few calls per model into
//! one [`Writer`]. Nothing is derived and nothing is generic per document.
//!
//! How Swagger 2.0's `xml` hints map onto the calls:
//! - `name`: the element (or attribute) name passed to each call; a definition's name is
//!   its root element's, checked by [`decode`] and written by [`encode`].
//! - `attribute: true`: [`Reader::attribute`] and [`Writer::attribute`].
//! - arrays: repeated elements by default ([`Reader::list`]); with `wrapped: true`, inside
//!   one wrapper element ([`Reader::wrapped_list`]).
//! - `namespace` and `prefix`: written on output ([`Writer::declare`]); on input names
//!   are matched by their local part, whatever their prefix or namespace, as services
//!   answer in their own namespace (OBS: `xmlns="http://obs.../doc/2015-06-30/"`).
//!
//! Elements a model does not name are kept in its catch-all map as JSON values (text as a
//! string, an element with children or attributes as an object, attributes under `@name`,
//! text beside children under `$text`, repeated elements as an array), and written back
//! from it the same way, so that they survive a round trip.
//!
//! A document that does not fit is a [`Mismatch`] naming the element path as XPath would
//! (`ListBucketResult/Contents[2]/Size`, positions counted from 1 among same-named
//! siblings; attributes as `@name`).

use crate::DateTime;
use serde_json::{Map, Value};
use std::fmt;

/// Deepest element nesting accepted; real documents stay far below it, and it keeps a
/// hostile one from exhausting the stack of the recursive readers.
const MAX_DEPTH: usize = 128;

/// One element of a parsed document: its local name (prefix dropped), attributes
/// (namespace declarations dropped), child elements in order, and its own text (text
/// and CDATA directly inside it, entities resolved).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name: `Contents` of `<s3:Contents>`.
    pub name: String,
    /// `(local name, value)` in document order.
    pub attributes: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// The text directly inside the element, pieces joined.
    pub text: String,
}

impl Element {
    /// An element holding only `text` (how an attribute's value is read).
    pub fn text_only(name: &str, text: &str) -> Self {
        Self {
            name: name.to_owned(),
            text: text.to_owned(),
            ..Self::default()
        }
    }
}

/// Parses a whole document into its root element; the error says what is malformed and
/// at which byte.
pub fn parse(body: &[u8]) -> Result<Element, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).map_err(|e| format!("the XML body is not UTF-8: {e}"))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let at = |reader: &quick_xml::Reader<&[u8]>| reader.error_position();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", at(&reader)))?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(format!("malformed XML at byte {}: content after the root element", at(&reader)));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("the XML body nests deeper than {MAX_DEPTH} elements"));
                }
                stack.push(element_of(&start).map_err(|e| format!("malformed XML at byte {}: {e}", at(&reader)))?);
            }
            Event::Empty(start) => {
                let element = element_of(&start).map_err(|e| format!("malformed XML at byte {}: {e}", at(&reader)))?;
                close(element, &mut stack, &mut root);
            }
            Event::End(_) => {
                // quick-xml checks that end names match their start.
                let Some(element) = stack.pop() else {
                    return Err(format!("malformed XML at byte {}: an end tag without a start", at(&reader)));
                };
                close(element, &mut stack, &mut root);
            }
            Event::Text(text) => {
                let text = text.xml10_content().map_err(|e| format!("malformed XML text: {e}"))?;
                push_text(&mut stack, &text, root.is_some())?;
            }
            Event::CData(data) => {
                let data = data.decode().map_err(|e| format!("malformed XML CDATA: {e}"))?;
                push_text(&mut stack, &data, root.is_some())?;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = reference.decode().map_err(|e| format!("malformed XML entity: {e}"))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(text) => text.to_owned(),
                            None => return Err(format!("unknown XML entity `&{name};`")),
                        }
                    }
                    Err(e) => return Err(format!("malformed XML character reference: {e}")),
                };
                push_text(&mut stack, &resolved, root.is_some())?;
            }
            Event::DocType(_) => return Err("XML with a document type declaration is not accepted".to_owned()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("malformed XML: the document ends inside an element".to_owned());
    }
    root.ok_or_else(|| "the body has no XML element".to_owned())
}

fn element_of(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let name = local(start.name().as_ref())?;
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = attribute.key.as_ref();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            continue;
        }
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        attributes.push((local(key)?, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

/// The local part of a qualified name, as text.
fn local(name: &[u8]) -> Result<String, String> {
    let local = match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    };
    std::str::from_utf8(local).map(str::to_owned).map_err(|e| e.to_string())
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(stack: &mut [Element], text: &str, after_root: bool) -> Result<(), String> {
    match stack.last_mut() {
        Some(element) => element.text.push_str(text),
        None if text.trim().is_empty() => {}
        None if after_root => return Err("malformed XML: text after the root element".to_owned()),
        None => return Err("malformed XML: text before the root element".to_owned()),
    }
    Ok(())
}

/// Why an XML document does not fit its type, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// From the failing node outwards: the reverse of the path.
    trail: Vec<String>,
    message: String,
}

impl Mismatch {
    /// A mismatch with its own message, at the node being read.
    pub fn new(message: impl Into<String>) -> Self {
        Self { trail: Vec::new(), message: message.into() }
    }

    /// The same mismatch, seen from the element that holds `step` (`Size`,
    /// `Contents[2]`, `@Type`).
    pub fn within(mut self, step: String) -> Self {
        self.trail.push(step);
        self
    }

    /// Where the failing node is (`Contents[2]/Size`); `None` at the top.
    pub fn path(&self) -> Option<String> {
        if self.trail.is_empty() {
            return None;
        }
        let steps: Vec<&str> = self.trail.iter().rev().map(String::as_str).collect();
        Some(steps.join("/"))
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            Some(path) => write!(f, "{path}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Mismatch {}

/// A type read from an element.
pub trait FromXml: Sized {
    /// Reads `element`, or says why it does not fit and where.
    fn from_xml(element: Element) -> Result<Self, Mismatch>;

    /// Reads several same-named elements where one value is expected (a catch-all map's
    /// entry); only types that can hold a list accept them.
    fn from_xml_repeated(elements: Vec<Element>) -> Result<Self, Mismatch> {
        let name = elements.first().map(|e| e.name.clone()).unwrap_or_default();
        Err(Mismatch::new(format!("expected one <{name}> element, found {}", elements.len())))
    }
}

/// A type written as an element.
pub trait ToXml {
    /// Writes the value as the element `name` (nothing for an absent value, one element
    /// per item for a list).
    fn to_xml(&self, name: &str, out: &mut Writer);

    /// The value as an attribute's text; `None` for values that are not text.
    fn to_text(&self) -> Option<String> {
        None
    }
}

/// The text of an element that must hold text only.
fn text_of(element: Element) -> Result<String, Mismatch> {
    match element.children.first() {
        None => Ok(element.text),
        Some(child) => Err(Mismatch::new(format!("expected text, found the element <{}>", child.name))),
    }
}

/// Scalars from text: the text is parsed; a string field takes any text, so numbers
/// that a spec types as strings read too.
fn parsed<T: std::str::FromStr>(element: Element, expected: &str) -> Result<T, Mismatch> {
    let text = text_of(element)?;
    match text.trim().parse() {
        Ok(value) => Ok(value),
        Err(_) => Err(Mismatch::new(format!("expected {expected}, found {text:?}"))),
    }
}

macro_rules! text_scalars {
    ($($ty:ty => $expected:literal),* $(,)?) => {$(
        impl FromXml for $ty {
            fn from_xml(element: Element) -> Result<Self, Mismatch> {
                parsed(element, $expected)
            }
        }

        impl ToXml for $ty {
            fn to_xml(&self, name: &str, out: &mut Writer) {
                out.text_element(name, &self.to_string());
            }

            fn to_text(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}

text_scalars!(
    i8 => "an integer", i16 => "an integer", i32 => "an integer", i64 => "an integer",
    u8 => "an integer", u16 => "an integer", u32 => "an integer", u64 => "an integer",
);

impl FromXml for f64 {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        parsed(element, "a number")
    }
}

impl ToXml for f64 {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.text_element(name, &number_text(*self));
    }

    fn to_text(&self) -> Option<String> {
        Some(number_text(*self))
    }
}

/// A number's text; Rust writes integral values without a fraction (`950`), as JSON does.
fn number_text(value: f64) -> String {
    value.to_string()
}

impl FromXml for bool {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        // XML Schema's booleans: `true`, `false`, `1`, `0`.
        let text = text_of(element)?;
        match text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(Mismatch::new(format!("expected a boolean, found {text:?}"))),
        }
    }
}

impl ToXml for bool {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.text_element(name, if *self { "true" } else { "false" });
    }

    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl FromXml for String {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        text_of(element)
    }
}

impl ToXml for String {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.text_element(name, self);
    }

    fn to_text(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl FromXml for DateTime {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        // Any text is kept, as in JSON: it parses on demand.
        match text_of(element) {
            Ok(text) => Ok(DateTime::new(text)),
            Err(e) => Err(e),
        }
    }
}

impl ToXml for DateTime {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.text_element(name, &self.to_string());
    }

    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl FromXml for Value {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        Ok(value_of(element))
    }

    fn from_xml_repeated(elements: Vec<Element>) -> Result<Self, Mismatch> {
        Ok(Value::Array(elements.into_iter().map(value_of).collect()))
    }
}

/// An element as a JSON value: text alone as a string, else an object of `@attribute`s,
/// children (repeated ones as an array) and `$text`.
fn value_of(element: Element) -> Value {
    if element.attributes.is_empty() && element.children.is_empty() {
        return Value::String(element.text);
    }
    let mut map = Map::new();
    for (name, value) in element.attributes {
        map.insert(format!("@{name}"), Value::String(value));
    }
    for (name, group) in grouped(element.children) {
        let value = if group.len() == 1 {
            group.into_iter().next().map(value_of).unwrap_or(Value::Null)
        } else {
            Value::Array(group.into_iter().map(value_of).collect())
        };
        map.insert(name, value);
    }
    if !element.text.trim().is_empty() {
        map.insert("$text".to_owned(), Value::String(element.text));
    }
    Value::Object(map)
}

/// Elements grouped by name, groups in the order of their first element.
fn grouped(elements: Vec<Element>) -> Vec<(String, Vec<Element>)> {
    let mut groups: Vec<(String, Vec<Element>)> = Vec::new();
    for element in elements {
        match groups.iter_mut().find(|(name, _)| *name == element.name) {
            Some((_, group)) => group.push(element),
            None => groups.push((element.name.clone(), vec![element])),
        }
    }
    groups
}

impl ToXml for Value {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        match self {
            Value::Null => {
                out.start(name);
                out.end(name);
            }
            Value::Bool(b) => b.to_xml(name, out),
            Value::Number(n) => out.text_element(name, &n.to_string()),
            Value::String(s) => out.text_element(name, s),
            Value::Array(items) => {
                for item in items {
                    item.to_xml(name, out);
                }
            }
            Value::Object(map) => {
                out.start(name);
                for (key, value) in map {
                    if let (Some(attribute), Some(text)) = (key.strip_prefix('@'), value.to_text()) {
                        out.raw_attribute(attribute, &text);
                    }
                }
                for (key, value) in map {
                    match key.as_str() {
                        "$text" => out.text(&value.to_text().unwrap_or_default()),
                        key if key.starts_with('@') => {}
                        key => value.to_xml(key, out),
                    }
                }
                out.end(name);
            }
        }
    }

    fn to_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl<T: FromXml> FromXml for Option<T> {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        match T::from_xml(element) {
            Ok(value) => Ok(Some(value)),
            Err(e) => Err(e),
        }
    }
}

impl<T: ToXml> ToXml for Option<T> {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        if let Some(value) = self {
            value.to_xml(name, out);
        }
    }

    fn to_text(&self) -> Option<String> {
        self.as_ref().and_then(ToXml::to_text)
    }
}

impl<T: FromXml> FromXml for Box<T> {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        match T::from_xml(element) {
            Ok(value) => Ok(Box::new(value)),
            Err(e) => Err(e),
        }
    }
}

impl<T: ToXml> ToXml for Box<T> {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        (**self).to_xml(name, out);
    }

    fn to_text(&self) -> Option<String> {
        (**self).to_text()
    }
}

/// A list held by one element (an array inside an array): its child elements, whatever
/// their names.
impl<T: FromXml> FromXml for Vec<T> {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        items(element.children)
    }
}

/// Each item as an element of the same name (an unwrapped list).
impl<T: ToXml> ToXml for Vec<T> {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        for item in self {
            item.to_xml(name, out);
        }
    }
}

/// Elements read in order, a failure naming its position among them.
fn items<T: FromXml>(elements: Vec<Element>) -> Result<Vec<T>, Mismatch> {
    let mut out = Vec::with_capacity(elements.len());
    for (i, element) in elements.into_iter().enumerate() {
        let name = element.name.clone();
        match T::from_xml(element) {
            Ok(item) => out.push(item),
            Err(e) => return Err(e.within(format!("{name}[{}]", i + 1))),
        }
    }
    Ok(out)
}

/// A map: one entry per child element, by name.
impl<T: FromXml> FromXml for indexmap::IndexMap<String, T> {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        Reader::new(element).rest()
    }
}

impl<T: ToXml> ToXml for indexmap::IndexMap<String, T> {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.start(name);
        out.rest_attributes(self);
        out.rest_elements(self);
        out.end(name);
    }
}

/// The children and attributes of an element being read into a struct: each named one
/// is taken out, and what is left over goes to the struct's catch-all map.
///
/// As [`json::Reader`](super::json::Reader): reading never returns early; the first
/// failure is remembered, later reads are skipped, and [`rest`](Self::rest) reports it,
/// so that a struct's `from_xml` is a straight run of calls with one exit.
pub struct Reader {
    /// Children not yet taken (`None` once taken), in document order.
    children: Vec<Option<Element>>,
    attributes: Vec<Option<(String, String)>>,
    failed: Option<Mismatch>,
}

impl Reader {
    /// Starts reading `element`'s children and attributes (its text is not read).
    pub fn new(element: Element) -> Self {
        Self {
            children: element.children.into_iter().map(Some).collect(),
            attributes: element.attributes.into_iter().map(Some).collect(),
            failed: None,
        }
    }

    /// The first child named `name`, taken out; `Err` when an earlier read failed.
    fn take(&mut self, name: &str) -> Result<Option<Element>, ()> {
        if self.failed.is_some() {
            return Err(());
        }
        let slot = self.children.iter_mut().find(|c| c.as_ref().is_some_and(|c| c.name == name));
        Ok(slot.and_then(Option::take))
    }

    /// Every child named `name`, taken out in order.
    fn take_all(&mut self, name: &str) -> Result<Vec<Element>, ()> {
        if self.failed.is_some() {
            return Err(());
        }
        let mut out = Vec::new();
        for slot in &mut self.children {
            if slot.as_ref().is_some_and(|c| c.name == name) {
                out.extend(slot.take());
            }
        }
        Ok(out)
    }

    fn read<T: FromXml>(&mut self, element: Element, step: String) -> Option<T> {
        match T::from_xml(element) {
            Ok(value) => Some(value),
            Err(e) => {
                self.failed = Some(e.within(step));
                None
            }
        }
    }

    /// A child element that must be present; `None` when it is absent or does not read.
    #[inline(never)]
    pub fn required<T: FromXml>(&mut self, name: &str) -> Option<T> {
        match self.take(name) {
            Ok(Some(element)) => self.read(element, name.to_owned()),
            Ok(None) => {
                self.failed = Some(Mismatch::new(format!("missing element <{name}>")));
                None
            }
            Err(()) => None,
        }
    }

    /// A child element that may be absent.
    #[inline(never)]
    pub fn optional<T: FromXml>(&mut self, name: &str) -> Option<T> {
        match self.take(name) {
            Ok(Some(element)) => self.read(element, name.to_owned()),
            Ok(None) | Err(()) => None,
        }
    }

    /// A nullable property's element: absent is `None`, present `Some(Some(v))` (XML has
    /// no `null`).
    #[inline(never)]
    pub fn nullable<T: FromXml>(&mut self, name: &str) -> Option<Option<T>> {
        self.optional(name).map(Some)
    }

    /// A list as repeated `name` elements; `None` when there is none.
    #[inline(never)]
    pub fn list<T: FromXml>(&mut self, name: &str) -> Option<Vec<T>> {
        match self.take_all(name) {
            Ok(elements) if elements.is_empty() => None,
            Ok(elements) => self.items(elements, None),
            Err(()) => None,
        }
    }

    /// A required list as repeated `name` elements: none is an empty list.
    #[inline(never)]
    pub fn required_list<T: FromXml>(&mut self, name: &str) -> Option<Vec<T>> {
        match self.take_all(name) {
            Ok(elements) => self.items(elements, None),
            Err(()) => None,
        }
    }

    /// A list of `item` elements inside one `wrapper` element; `None` when the wrapper
    /// is absent.
    #[inline(never)]
    pub fn wrapped_list<T: FromXml>(&mut self, wrapper: &str, item: &str) -> Option<Vec<T>> {
        match self.take(wrapper) {
            Ok(Some(element)) => self.wrapped_items(element, item),
            Ok(None) | Err(()) => None,
        }
    }

    /// A required wrapped list: an absent wrapper is an empty list.
    #[inline(never)]
    pub fn required_wrapped_list<T: FromXml>(&mut self, wrapper: &str, item: &str) -> Option<Vec<T>> {
        match self.take(wrapper) {
            Ok(Some(element)) => self.wrapped_items(element, item),
            Ok(None) => Some(Vec::new()),
            Err(()) => None,
        }
    }

    fn wrapped_items<T: FromXml>(&mut self, wrapper: Element, item: &str) -> Option<Vec<T>> {
        let name = wrapper.name.clone();
        // Only the item elements are the list; anything else in the wrapper is ignored.
        let elements = wrapper.children.into_iter().filter(|c| c.name == item).collect();
        self.items(elements, Some(name))
    }

    fn items<T: FromXml>(&mut self, elements: Vec<Element>, wrapper: Option<String>) -> Option<Vec<T>> {
        match items(elements) {
            Ok(items) => Some(items),
            Err(e) => {
                self.failed = Some(match wrapper {
                    Some(wrapper) => e.within(wrapper),
                    None => e,
                });
                None
            }
        }
    }

    fn take_attribute(&mut self, name: &str) -> Result<Option<String>, ()> {
        if self.failed.is_some() {
            return Err(());
        }
        let slot = self.attributes.iter_mut().find(|a| a.as_ref().is_some_and(|(n, _)| n == name));
        Ok(slot.and_then(Option::take).map(|(_, value)| value))
    }

    /// An attribute that may be absent.
    #[inline(never)]
    pub fn attribute<T: FromXml>(&mut self, name: &str) -> Option<T> {
        match self.take_attribute(name) {
            Ok(Some(value)) => self.read(Element::text_only(name, &value), format!("@{name}")),
            Ok(None) | Err(()) => None,
        }
    }

    /// An attribute that must be present.
    #[inline(never)]
    pub fn required_attribute<T: FromXml>(&mut self, name: &str) -> Option<T> {
        match self.take_attribute(name) {
            Ok(Some(value)) => self.read(Element::text_only(name, &value), format!("@{name}")),
            Ok(None) => {
                self.failed = Some(Mismatch::new(format!("missing attribute `{name}`")));
                None
            }
            Err(()) => None,
        }
    }

    /// The attributes and children not taken, in document order (attributes as
    /// `@name`; same-named children as one entry); or the first read that failed.
    #[inline(never)]
    pub fn rest<T: FromXml>(self) -> Result<indexmap::IndexMap<String, T>, Mismatch> {
        if let Some(mismatch) = self.failed {
            return Err(mismatch);
        }
        let mut out = indexmap::IndexMap::new();
        for (name, value) in self.attributes.into_iter().flatten() {
            let key = format!("@{name}");
            match T::from_xml(Element::text_only(&name, &value)) {
                Ok(value) => {
                    out.insert(key, value);
                }
                Err(e) => return Err(e.within(key)),
            }
        }
        for (name, mut group) in grouped(self.children.into_iter().flatten().collect()) {
            let read = if group.len() == 1 {
                T::from_xml(group.remove(0))
            } else {
                T::from_xml_repeated(group)
            };
            match read {
                Ok(value) => {
                    out.insert(name, value);
                }
                Err(e) => return Err(e.within(name)),
            }
        }
        Ok(out)
    }
}

/// The mismatch of a struct that did not read: what [`Reader::rest`] reported.
pub fn failed(mismatch: Option<Mismatch>) -> Mismatch {
    mismatch.unwrap_or_else(|| Mismatch::new("a required element did not read"))
}

/// Writes a document: elements, escaped text and attributes, into one string.
///
/// A start tag stays open until the element's first child or text, so that attributes
/// can follow [`start`](Self::start).
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    /// The start tag is still open (`<Name a="1"`, no `>` yet).
    open: bool,
    /// A namespace to declare on the next start tag: `(prefix, uri)`.
    pending: Option<(Option<String>, String)>,
}

impl Writer {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a namespace on the next element started: the default namespace
    /// (`xmlns="uri"`), or `prefix` for it (`xmlns:prefix="uri"`).
    pub fn declare(&mut self, prefix: Option<&str>, uri: &str) {
        self.pending = Some((prefix.map(str::to_owned), uri.to_owned()));
    }

    fn close_tag(&mut self) {
        if self.open {
            self.out.push('>');
            self.open = false;
        }
    }

    /// Starts the element `name`; attributes may follow until its first child or text.
    pub fn start(&mut self, name: &str) {
        self.close_tag();
        self.out.push('<');
        self.out.push_str(name);
        self.open = true;
        if let Some((prefix, uri)) = self.pending.take() {
            match prefix {
                Some(prefix) => self.raw_attribute(&format!("xmlns:{prefix}"), &uri),
                None => self.raw_attribute("xmlns", &uri),
            }
        }
    }

    /// Ends the element `name` (`<Name/>` when it has nothing in it).
    pub fn end(&mut self, name: &str) {
        if self.open {
            self.out.push_str("/>");
            self.open = false;
        } else {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
    }

    /// Text inside the current element, escaped; none keeps an empty element `<Name/>`.
    pub fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.close_tag();
        escape_into(&mut self.out, text, false);
    }

    /// `<name>text</name>`.
    pub fn text_element(&mut self, name: &str, text: &str) {
        self.start(name);
        self.text(text);
        self.end(name);
    }

    /// An attribute of the element just started; nothing once its content began.
    pub fn raw_attribute(&mut self, name: &str, value: &str) {
        if !self.open {
            return;
        }
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(&mut self.out, value, true);
        self.out.push('"');
    }

    /// A property written as an attribute, when it has a value.
    pub fn attribute<T: ToXml + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(text) = value.to_text() {
            self.raw_attribute(name, &text);
        }
    }

    /// A property written as an element (nothing when absent; one per item of a list).
    pub fn element<T: ToXml + ?Sized>(&mut self, name: &str, value: &T) {
        value.to_xml(name, self);
    }

    /// A list inside one `wrapper` element, its items named `item`; nothing when absent.
    pub fn wrapped<T: ToXml>(&mut self, wrapper: &str, item: &str, value: &Option<Vec<T>>) {
        if let Some(items) = value {
            self.wrapped_required(wrapper, item, items);
        }
    }

    /// A required list inside one `wrapper` element (written even when empty).
    pub fn wrapped_required<T: ToXml>(&mut self, wrapper: &str, item: &str, items: &[T]) {
        self.start(wrapper);
        for value in items {
            value.to_xml(item, self);
        }
        self.end(wrapper);
    }

    /// The catch-all map's `@name` entries, as attributes (call before any element).
    pub fn rest_attributes<T: ToXml>(&mut self, map: &indexmap::IndexMap<String, T>) {
        for (key, value) in map {
            if let Some(name) = key.strip_prefix('@') {
                self.attribute(name, value);
            }
        }
    }

    /// The catch-all map's other entries, as elements.
    pub fn rest_elements<T: ToXml>(&mut self, map: &indexmap::IndexMap<String, T>) {
        for (key, value) in map {
            if key.starts_with('@') {
                continue;
            }
            if key == "$text" {
                if let Some(text) = value.to_text() {
                    self.text(&text);
                }
                continue;
            }
            value.to_xml(key, self);
        }
    }

    /// The document written so far.
    pub fn finish(mut self) -> String {
        self.close_tag();
        self.out
    }
}

/// Escapes `&`, `<`, `>` (and quotes, in attributes), and writes other control
/// characters as character references so that they survive parsing.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' if attribute => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
}

/// The root element a document is written as and read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Root {
    /// The element's name; on input, `None` accepts any root (see [`decode`]).
    pub name: Option<&'static str>,
    /// The namespace declared on it when written (`xmlns`), if any.
    pub namespace: Option<&'static str>,
    /// The prefix the namespace is bound to (`xmlns:prefix`, `<prefix:Name>`), if any.
    pub prefix: Option<&'static str>,
    /// The type stands for the document itself: its one property is the root element
    /// (`name`), read from and written as the whole document.
    pub document: bool,
}

/// The name of the element that holds the root of a [`Root::document`] type while it is
/// read or written; no document element has it, as `#` starts no XML name.
const DOCUMENT: &str = "#document";

/// A value as a whole document: the root element (named `root.name`, else
/// `fallback_name`) with its namespace, and no XML declaration, as the official SDK
/// sends request bodies (UTF-8, XML's default, needs none).
pub fn encode<T: ToXml>(value: &T, root: Root, fallback_name: &str) -> Vec<u8> {
    let mut out = Writer::new();
    if root.document {
        // The value writes its root element as a child of a stand-in, taken off again.
        value.to_xml(DOCUMENT, &mut out);
        let text = out.finish();
        let inner = text
            .strip_prefix(concat!("<", "#document", ">"))
            .and_then(|t| t.strip_suffix(concat!("</", "#document", ">")))
            .unwrap_or("");
        return inner.as_bytes().to_vec();
    }
    let name = root.name.unwrap_or(fallback_name);
    let qualified = match root.prefix {
        Some(prefix) => format!("{prefix}:{name}"),
        None => name.to_owned(),
    };
    if let Some(namespace) = root.namespace {
        out.declare(root.prefix, namespace);
    }
    value.to_xml(&qualified, &mut out);
    out.finish().into_bytes()
}

/// Reads a whole document as `T`: its root element must be `root.name` (by local name),
/// unless that is `None` (a response body the spec does not name the root of).
pub fn read_document<T: FromXml>(body: &[u8], root: Root) -> Result<T, DocumentError> {
    let element = if body.iter().all(u8::is_ascii_whitespace) {
        // An empty body reads as an empty root, for types whose properties are optional.
        return match T::from_xml(Element::text_only(root.name.unwrap_or(""), "")) {
            Ok(value) => Ok(value),
            Err(_) => Err(DocumentError::Empty),
        };
    } else {
        match parse(body) {
            Ok(element) => element,
            Err(message) => return Err(DocumentError::Malformed(message)),
        }
    };
    if let Some(expected) = root.name
        && element.name != expected
    {
        return Err(DocumentError::Mismatch(Mismatch::new(format!(
            "expected the root element <{expected}>, found <{}>",
            element.name
        ))));
    }
    if root.document {
        // The root is the one property of the type: read it as the child of a stand-in.
        let document = Element { name: DOCUMENT.to_owned(), children: vec![element], ..Element::default() };
        return match T::from_xml(document) {
            Ok(value) => Ok(value),
            Err(e) => Err(DocumentError::Mismatch(e)),
        };
    }
    let name = element.name.clone();
    match T::from_xml(element) {
        Ok(value) => Ok(value),
        Err(e) => Err(DocumentError::Mismatch(e.within(name))),
    }
}

/// Why [`read_document`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// The body is not well-formed XML.
    Malformed(String),
    /// The body is empty and the type needs a value.
    Empty,
    /// The document does not fit the type.
    Mismatch(Mismatch),
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(message) => f.write_str(message),
            Self::Empty => f.write_str("the body is empty and the documented type needs a value"),
            Self::Mismatch(mismatch) => mismatch.fmt(f),
        }
    }
}

impl std::error::Error for DocumentError {}

/// Decodes a success body as `T`, as [`decode`](super::decode) does JSON: a failure is
/// [`Error::Decode`](crate::Error::Decode) with the element path, the request id and the
/// body as received.
pub fn decode<T: FromXml>(
    vendor: &crate::vendor::Vendor,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: Vec<u8>,
    root: Root,
) -> Result<T, crate::Error> {
    let (path, message) = match read_document(&body, root) {
        Ok(value) => return Ok(value),
        Err(DocumentError::Mismatch(mismatch)) => (mismatch.path(), mismatch.message().to_owned()),
        Err(other) => (None, other.to_string()),
    };
    Err(crate::Error::from(crate::DecodeError {
        status: status.as_u16(),
        path,
        message,
        request_id: vendor.request_id(headers),
        headers: headers.clone(),
        body,
    }))
}

/// An open string enum from an element's text (any text: unknown values are kept).
pub fn string_enum<T: for<'a> From<&'a str>>(element: Element) -> Result<T, Mismatch> {
    match text_of(element) {
        Ok(text) => Ok(T::from(text.as_str())),
        Err(e) => Err(e),
    }
}

/// An open integer enum from an element's text (any integer: unknown values are kept).
pub fn integer_enum<T: From<i64>>(element: Element) -> Result<T, Mismatch> {
    parsed::<i64>(element, "an integer").map(T::from)
}

#[cfg(test)]
mod tests;
