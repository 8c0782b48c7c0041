//! The XML helpers with hand-written models shaped as the generated ones.

use super::*;
use indexmap::IndexMap;

/// `ListBucketResult`: scalars, an unwrapped list, a wrapped list, an attribute.
#[derive(Debug, Clone, PartialEq, Default)]
struct Listing {
    name: String,
    max_keys: Option<i32>,
    truncated: Option<bool>,
    contents: Option<Vec<Content>>,
    tags: Vec<String>,
    kind: Option<String>,
    unknown: IndexMap<String, Value>,
}

impl FromXml for Listing {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        let mut object = Reader::new(element);
        let kind = object.attribute("kind");
        let name = object.required("Name");
        let max_keys = object.optional("MaxKeys");
        let truncated = object.optional("IsTruncated");
        let contents = object.list("Contents");
        let tags = object.required_wrapped_list("Tags", "Tag");
        match (object.rest(), name, tags) {
            (Ok(unknown), Some(name), Some(tags)) => Ok(Self { name, max_keys, truncated, contents, tags, kind, unknown }),
            (rest, ..) => Err(failed(rest.err())),
        }
    }
}

impl ToXml for Listing {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.start(name);
        out.attribute("kind", &self.kind);
        out.rest_attributes(&self.unknown);
        out.element("Name", &self.name);
        out.element("MaxKeys", &self.max_keys);
        out.element("IsTruncated", &self.truncated);
        out.element("Contents", &self.contents);
        out.wrapped_required("Tags", "Tag", &self.tags);
        out.rest_elements(&self.unknown);
        out.end(name);
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Content {
    key: String,
    size: Option<i64>,
    modified: Option<DateTime>,
    unknown: IndexMap<String, Value>,
}

impl FromXml for Content {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        let mut object = Reader::new(element);
        let key = object.required("Key");
        let size = object.optional("Size");
        let modified = object.optional("LastModified");
        match (object.rest(), key) {
            (Ok(unknown), Some(key)) => Ok(Self { key, size, modified, unknown }),
            (rest, ..) => Err(failed(rest.err())),
        }
    }
}

impl ToXml for Content {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.start(name);
        out.rest_attributes(&self.unknown);
        out.element("Key", &self.key);
        out.element("Size", &self.size);
        out.element("LastModified", &self.modified);
        out.rest_elements(&self.unknown);
        out.end(name);
    }
}

const LISTING: Root = Root { name: Some("ListBucketResult"), namespace: None, prefix: None, document: false };

fn read(text: &str) -> Result<Listing, DocumentError> {
    read_document(text.as_bytes(), LISTING)
}

const OBS_LISTING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ListBucketResult xmlns="http://obs.cn-north-4.myhuaweicloud.com/doc/2015-06-30/" kind="v1">
  <Name>examplebucket</Name>
  <Prefix></Prefix>
  <MaxKeys>1000</MaxKeys>
  <IsTruncated>false</IsTruncated>
  <Contents>
    <Key>object001</Key>
    <LastModified>2015-07-01T00:32:16.482Z</LastModified>
    <Size> 12041 </Size>
    <Owner><ID>b4bf</ID><DisplayName>Owner</DisplayName></Owner>
  </Contents>
  <Contents><Key>object002</Key><Size>7</Size></Contents>
  <Tags><Tag>a</Tag><Tag>b</Tag></Tags>
</ListBucketResult>"#;

#[test]
fn reads_scalars_unwrapped_and_wrapped_lists_and_attributes_ignoring_the_namespace() {
    let listing = read(OBS_LISTING).unwrap();
    assert_eq!(listing.name, "examplebucket");
    assert_eq!(listing.kind.as_deref(), Some("v1"));
    assert_eq!(listing.max_keys, Some(1000));
    assert_eq!(listing.truncated, Some(false));
    let contents = listing.contents.as_ref().unwrap();
    assert_eq!(contents.len(), 2);
    assert_eq!(contents[0].size, Some(12041), "surrounding blanks are not part of a number");
    assert_eq!(contents[0].modified.as_ref().unwrap().to_string(), "2015-07-01T00:32:16.482Z");
    assert_eq!(contents[1].key, "object002");
    assert_eq!(listing.tags, ["a", "b"]);
    // Unknown elements are kept: text as a string, nested ones as objects.
    assert_eq!(listing.unknown["Prefix"], Value::String(String::new()));
    assert_eq!(
        contents[0].unknown["Owner"],
        serde_json::json!({"ID": "b4bf", "DisplayName": "Owner"})
    );
}

#[test]
fn prefixed_names_match_by_their_local_part() {
    let text = r#"<s:ListBucketResult xmlns:s="urn:x"><s:Name>b</s:Name><s:Tags/></s:ListBucketResult>"#;
    assert_eq!(read(text).unwrap().name, "b");
}

#[test]
fn round_trip_keeps_unknown_elements_and_attributes() {
    let listing = read(OBS_LISTING).unwrap();
    let written = encode(&listing, LISTING, "ignored");
    let text = String::from_utf8(written.clone()).unwrap();
    assert!(text.starts_with(r#"<ListBucketResult kind="v1"><Name>examplebucket</Name>"#), "{text}");
    assert!(text.contains("<Owner><ID>b4bf</ID><DisplayName>Owner</DisplayName></Owner>"), "{text}");
    assert!(text.contains("<Prefix></Prefix>") || text.contains("<Prefix/>"), "{text}");
    assert_eq!(read_document::<Listing>(&written, LISTING).unwrap(), listing);
}

#[test]
fn namespaces_and_prefixes_are_written_on_the_root() {
    let listing = Listing { name: "b".into(), ..Listing::default() };
    let root = Root { name: Some("ListBucketResult"), namespace: Some("urn:a"), prefix: None, document: false };
    let text = String::from_utf8(encode(&listing, root, "x")).unwrap();
    assert_eq!(text, r#"<ListBucketResult xmlns="urn:a"><Name>b</Name><Tags/></ListBucketResult>"#);
    let root = Root { prefix: Some("p"), ..root };
    let text = String::from_utf8(encode(&listing, root, "x")).unwrap();
    assert_eq!(text, r#"<p:ListBucketResult xmlns:p="urn:a"><Name>b</Name><Tags/></p:ListBucketResult>"#);
    // A root the spec does not name takes the fallback name.
    let any = Root { name: None, namespace: None, prefix: None, document: false };
    let text = String::from_utf8(encode(&listing, any, "Fallback")).unwrap();
    assert!(text.contains("<Fallback>"), "{text}");
}

#[test]
fn text_and_attributes_are_escaped_and_entities_and_cdata_read_back() {
    let listing = Listing {
        name: "a<b>&\"c\"\r\n".into(),
        kind: Some("q\"<&'\t".into()),
        tags: vec!["]]>".into()],
        ..Listing::default()
    };
    let written = encode(&listing, LISTING, "x");
    let text = String::from_utf8(written.clone()).unwrap();
    assert!(text.contains(r#"kind="q&quot;&lt;&amp;&apos;&#9;""#), "{text}");
    assert!(text.contains("<Name>a&lt;b&gt;&amp;\"c\"&#13;\n</Name>"), "{text}");
    assert_eq!(read_document::<Listing>(&written, LISTING).unwrap(), listing);

    let text = "<ListBucketResult><Name>x &amp; <![CDATA[<y> & z]]> &#65;&#x42; &lt;</Name><Tags/></ListBucketResult>";
    assert_eq!(read(text).unwrap().name, "x & <y> & z AB <");
}

#[test]
fn mismatches_name_the_element_path() {
    let text = "<ListBucketResult><Name>b</Name><Contents><Key>1</Key></Contents>\
                <Contents><Key>2</Key><Size>x</Size></Contents><Tags/></ListBucketResult>";
    let DocumentError::Mismatch(error) = read(text).unwrap_err() else { panic!("a mismatch") };
    assert_eq!(error.to_string(), r#"ListBucketResult/Contents[2]/Size: expected an integer, found "x""#);

    let text = "<ListBucketResult><Name>b</Name><Tags><Tag><i/></Tag></Tags></ListBucketResult>";
    let DocumentError::Mismatch(error) = read(text).unwrap_err() else { panic!("a mismatch") };
    assert_eq!(error.path().as_deref(), Some("ListBucketResult/Tags/Tag[1]"));
    assert_eq!(error.message(), "expected text, found the element <i>");

    let DocumentError::Mismatch(error) = read("<ListBucketResult><Tags/></ListBucketResult>").unwrap_err() else {
        panic!("a mismatch")
    };
    assert_eq!(error.to_string(), "ListBucketResult: missing element <Name>");

    let DocumentError::Mismatch(error) = read("<Error><Code>NoSuchBucket</Code></Error>").unwrap_err() else {
        panic!("a mismatch")
    };
    assert_eq!(error.to_string(), "expected the root element <ListBucketResult>, found <Error>");

    let text = "<ListBucketResult><Name>b</Name><IsTruncated>yes</IsTruncated><Tags/></ListBucketResult>";
    assert_eq!(
        read(text).unwrap_err().to_string(),
        r#"ListBucketResult/IsTruncated: expected a boolean, found "yes""#
    );
}

#[test]
fn a_lenient_root_accepts_any_element() {
    let any = Root { name: None, namespace: None, prefix: None, document: false };
    let listing: Listing = read_document(b"<AccessControlPolicy><Name>n</Name><Tags/></AccessControlPolicy>", any).unwrap();
    assert_eq!(listing.name, "n");
}

#[test]
fn malformed_documents_are_refused_with_a_reason() {
    for (text, expected) in [
        ("<a><b></a>", "malformed XML"),
        ("<a>", "ends inside an element"),
        ("<a/><b/>", "after the root element"),
        ("text<a/>", "before the root element"),
        ("<a>&bogus;</a>", "unknown XML entity"),
        ("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", "document type declaration"),
        ("<!-- only a comment -->", "no XML element"),
    ] {
        let error = parse(text.as_bytes()).unwrap_err();
        assert!(error.contains(expected), "{text}: {error}");
    }
    assert!(parse(b"\xff<a/>").unwrap_err().contains("UTF-8"));
    let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
    assert!(parse(deep.as_bytes()).unwrap_err().contains("deeper"));
}

#[test]
fn empty_bodies_read_where_the_type_allows() {
    #[derive(Debug, PartialEq)]
    struct AllOptional(Option<String>);
    impl FromXml for AllOptional {
        fn from_xml(element: Element) -> Result<Self, Mismatch> {
            let mut object = Reader::new(element);
            let name = object.optional("Name");
            object.rest::<Value>()?;
            Ok(Self(name))
        }
    }
    assert_eq!(read_document::<AllOptional>(b"  ", LISTING).unwrap(), AllOptional(None));
    assert_eq!(read_document::<Listing>(b"", LISTING).unwrap_err(), DocumentError::Empty);
}

#[test]
fn unknown_elements_as_json_values_and_back() {
    let element = parse(br#"<r a="1"><x>1</x><x>2</x><y b="2">t</y><z><w/></z></r>"#).unwrap();
    let value = Value::from_xml(element).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"@a": "1", "x": ["1", "2"], "y": {"@b": "2", "$text": "t"}, "z": {"w": ""}})
    );
    let mut out = Writer::new();
    value.to_xml("r", &mut out);
    assert_eq!(out.finish(), r#"<r a="1"><x>1</x><x>2</x><y b="2">t</y><z><w/></z></r>"#);
    // A typed map refuses a repeated element: it cannot hold two values under one name.
    let error = IndexMap::<String, i32>::from_xml(parse(b"<r><x>1</x><x>2</x></r>").unwrap()).unwrap_err();
    assert_eq!(error.to_string(), "x: expected one <x> element, found 2");
}

#[test]
fn scalars_read_from_text_and_attributes() {
    let text = |t: &str| Element::text_only("v", t);
    assert_eq!(u8::from_xml(text("255")).unwrap(), 255);
    assert_eq!(u8::from_xml(text("256")).unwrap_err().message(), r#"expected an integer, found "256""#);
    assert_eq!(f64::from_xml(text("1.5")).unwrap(), 1.5);
    assert!(bool::from_xml(text("1")).unwrap());
    assert_eq!(String::from_xml(text(" kept as is ")).unwrap(), " kept as is ");
    assert_eq!(950.0_f64.to_text().as_deref(), Some("950"));
    let mut out = Writer::new();
    out.start("a");
    out.attribute("n", &Some(3_i64));
    out.attribute("absent", &None::<String>);
    out.element("f", &2.5_f64);
    out.element("none", &None::<i32>);
    out.end("a");
    assert_eq!(out.finish(), r#"<a n="3"><f>2.5</f></a>"#);
}

#[test]
fn decode_failures_are_decode_errors_with_the_path_and_request_id() {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-request-id", http::HeaderValue::from_static("req-7"));
    let body = b"<ListBucketResult><Name>b</Name><Contents><Key>k</Key><Size>x</Size></Contents><Tags/></ListBucketResult>";
    let result = decode::<Listing>(&crate::vendor::GENERIC, http::StatusCode::OK, &headers, body.to_vec(), LISTING);
    let Err(crate::Error::Decode(error)) = result else { panic!("a decode error") };
    assert_eq!(error.path.as_deref(), Some("ListBucketResult/Contents[1]/Size"));
    assert_eq!(error.message, r#"expected an integer, found "x""#);
    assert_eq!(error.request_id.as_deref(), Some("req-7"));
    assert_eq!(error.body, body);
    let result = decode::<Listing>(&crate::vendor::GENERIC, http::StatusCode::OK, &headers, b"<a>".to_vec(), LISTING);
    let Err(crate::Error::Decode(error)) = result else { panic!("a decode error") };
    assert_eq!(error.path, None);
    assert!(error.message.contains("ends inside an element"), "{}", error.message);
}

/// A type that stands for the whole document: its one property is the root element.
#[derive(Debug, Clone, PartialEq, Default)]
struct ListingDocument {
    listing: Option<Listing>,
    unknown: IndexMap<String, Value>,
}

impl FromXml for ListingDocument {
    fn from_xml(element: Element) -> Result<Self, Mismatch> {
        let mut object = Reader::new(element);
        let listing = object.optional("ListBucketResult");
        Ok(Self { listing, unknown: object.rest()? })
    }
}

impl ToXml for ListingDocument {
    fn to_xml(&self, name: &str, out: &mut Writer) {
        out.start(name);
        out.rest_attributes(&self.unknown);
        out.element("ListBucketResult", &self.listing);
        out.rest_elements(&self.unknown);
        out.end(name);
    }
}

#[test]
fn a_document_type_reads_and_writes_its_property_as_the_root() {
    let root = Root { name: Some("ListBucketResult"), namespace: None, prefix: None, document: true };
    let document: ListingDocument = read_document(OBS_LISTING.as_bytes(), root).unwrap();
    let listing = document.listing.as_ref().expect("the root is the property");
    assert_eq!(listing.name, "examplebucket");
    assert!(document.unknown.is_empty());
    let written = encode(&document, root, "ignored");
    assert!(String::from_utf8_lossy(&written).starts_with(r#"<ListBucketResult kind="v1"><Name>"#));
    assert_eq!(read_document::<ListingDocument>(&written, root).unwrap(), document);
    assert!(encode(&ListingDocument::default(), root, "ignored").is_empty(), "no root, no document");

    let bad = OBS_LISTING.replace("<MaxKeys>1000", "<MaxKeys>x");
    let DocumentError::Mismatch(error) = read_document::<ListingDocument>(bad.as_bytes(), root).unwrap_err() else {
        panic!("a mismatch")
    };
    assert_eq!(error.path().as_deref(), Some("ListBucketResult/MaxKeys"));
    let other = read_document::<ListingDocument>(b"<Other/>", root).unwrap_err();
    assert_eq!(other.to_string(), "expected the root element <ListBucketResult>, found <Other>");
}
