//! Typed XML bodies of the OBS operations in `tests/golden/xml/specs`, generated at build
//! time: the vendor's own examples in the specs (HTTP dumps: the XML after the headers)
//! decode into the generated types and encode back to the same tree; error answers are
//! `ApiError`s with the code, message and request id; mismatches name the element path.

use build_script::xml::models::{
    CompleteMultipartUploadPart, CompleteMultipartUploadRequestBody, CreateBucketRequestBody, DeleteObject,
    DeleteObjectsRequestBody, GetBucketAclResponseBody, ListBucketResult, ListMultipartUploadsResult,
};
use build_script::xml::operations::{
    CompleteMultipartUploadRequest, CreateBucketRequest, CreateBucketResponse, DeleteObjectsRequest, GetBucketAclRequest,
    ListMultipartUploadsRequest, ListObjectsRequest,
};
use build_script::xml::{Endpoint, Error, Operation};
use codegen_runtime::__private::xml::{self, Element, FromXml, Root, ToXml};
use std::path::PathBuf;

fn spec(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../golden/xml/specs").join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("the spec is vendored")).expect("the spec is JSON")
}

/// The XML documents of an HTTP dump: each from its `<?xml` declaration (or, without
/// one, from the first line that starts with `<`) to its last `>`, labels between
/// documents dropped.
fn documents(dump: &str) -> Vec<String> {
    let starts: Vec<usize> = if dump.contains("<?xml") {
        dump.match_indices("<?xml").map(|(at, _)| at).collect()
    } else {
        dump.find("\n<").map(|at| at + 1).into_iter().collect()
    };
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).copied().unwrap_or(dump.len());
            let text = &dump[start..end];
            text[..=text.rfind('>').expect("a document ends with `>`")].to_owned()
        })
        .collect()
}

/// The success answer examples of a spec's only operation.
fn answer_examples(name: &str) -> Vec<String> {
    let spec = spec(name);
    let mut out = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("operations").values() {
            let dump = &op["responses"]["200"]["examples"]["application/xml"];
            out.extend(dump.as_str().map(documents).unwrap_or_default());
        }
    }
    out
}

/// The request example of a spec's only operation.
fn request_example(name: &str) -> String {
    let spec = spec(name);
    let item = spec["paths"].as_object().expect("paths").values().next().expect("a path");
    let op = item.as_object().expect("operations").values().next().expect("an operation");
    let dump = op["x-request-examples-1"].as_str().expect("a request example");
    documents(dump).remove(0)
}

/// An element in a form that compares equal when the XML is equivalent: children sorted
/// by name (same-named ones keep their order), text trimmed, attributes sorted.
fn normal(mut element: Element) -> Element {
    element.text = element.text.trim().to_owned();
    element.attributes.sort();
    let mut children: Vec<Element> = element.children.into_iter().map(normal).collect();
    children.sort_by(|a, b| a.name.cmp(&b.name));
    element.children = children;
    element
}

fn tree(text: &[u8]) -> Element {
    normal(xml::parse(text).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(text))))
}

/// Decodes `document` as `T` through the operation's `parse`, encodes it back with the
/// same root, and compares the trees.
fn round_trip<T: FromXml + ToXml>(document: &str, root: Root) -> T {
    let value: T = xml::read_document(document.as_bytes(), root).unwrap_or_else(|e| panic!("{e}\n{document}"));
    let written = xml::encode(&value, root, "Fallback");
    let original = tree(document.as_bytes());
    let mut again = tree(&written);
    // A lenient root is written with the type's name; compare what is inside it.
    again.name = original.name.clone();
    assert_eq!(again, original, "{}", String::from_utf8_lossy(&written));
    value
}

fn answer(status: u16, content_type: &str, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("x-obs-request-id", "BF260000016435D758FBA857E0801874")
        .body(body.as_bytes().to_vec())
        .expect("a response")
}

const ANY: Root = Root { name: None, namespace: None, prefix: None, document: false };

#[test]
fn the_listing_example_decodes_through_parse_and_round_trips() {
    let examples = answer_examples("ListObjects");
    assert_eq!(examples.len(), 2, "a listing and a versioned listing");
    let listing = ListObjectsRequest::parse(answer(200, "application/xml", &examples[0]))
        .expect("a documented answer")
        .into_ok()
        .expect("a success");
    assert_eq!(listing.name.as_deref(), Some("examplebucket"));
    assert_eq!(listing.max_keys.as_deref(), Some("1000"), "the spec types it as a string");
    assert_eq!(listing.is_truncated, Some(false));
    let contents = listing.contents.as_ref().expect("one object");
    assert_eq!(contents.len(), 1);
    assert_eq!(contents[0].key.as_deref(), Some("object001"));
    assert_eq!(contents[0].size.as_deref(), Some("12041"));
    assert_eq!(contents[0].storage_class.as_ref().map(|c| c.as_str()), Some("STANDARD"));
    let owner = contents[0].owner.as_ref().expect("an owner");
    assert_eq!(owner.id.as_deref(), Some("b4bf1b36d9ca43d984fbcb9491b6fce9"));
    // The spec does not name `DisplayName`: kept, and written back.
    assert_eq!(owner.unknown_fields["DisplayName"], "ObjectOwnerName");
    let root = Root { name: Some("ListBucketResult"), namespace: None, prefix: None, document: false };
    assert_eq!(round_trip::<ListBucketResult>(&examples[0], root), listing);

    // The versioned listing has another root, which the spec does not describe.
    let Err(Error::Decode(error)) = ListObjectsRequest::parse(answer(200, "application/xml", &examples[1])) else {
        panic!("`ListVersionsResult` is not a `ListBucketResult`");
    };
    assert_eq!(error.message, "expected the root element <ListBucketResult>, found <ListVersionsResult>");
    assert_eq!(error.request_id.as_deref(), Some("BF260000016435D758FBA857E0801874"));
}

#[test]
fn the_acl_example_decodes_with_any_root_and_keeps_unknown_enum_values() {
    let examples = answer_examples("GetBucketAcl");
    let acl = GetBucketAclRequest::parse(answer(200, "application/xml", &examples[0]))
        .expect("a documented answer")
        .into_ok()
        .expect("a success");
    let grants = acl.access_control_list.as_ref().and_then(|l| l.grant.as_ref()).expect("grants");
    assert_eq!(grants.len(), 3);
    assert_eq!(grants[0].permission.as_ref().map(|p| p.as_str()), Some("FULL_CONTROL"));
    assert_eq!(grants[1].delivered, Some(false));
    // `READ_ACP` is not among the spec's values: kept as received.
    let unknown = grants[2].permission.as_ref().expect("a permission");
    assert!(format!("{unknown:?}").contains("READ_ACP"), "{unknown:?}");
    assert_eq!(unknown.as_str(), "READ_ACP");
    assert_eq!(round_trip::<GetBucketAclResponseBody>(&examples[0], ANY), acl);
}

#[test]
fn the_request_examples_round_trip() {
    let create = request_example("CreateBucket");
    let root = Root { name: Some("CreateBucketConfiguration"), namespace: None, prefix: None, document: false };
    let body = round_trip::<CreateBucketRequestBody>(&create, root);
    assert_eq!(body.location.as_deref(), Some("cn-north-4"));

    let delete = request_example("DeleteObjects");
    let root = Root { name: Some("Delete"), namespace: None, prefix: None, document: false };
    let body = round_trip::<DeleteObjectsRequestBody>(&delete, root);
    assert_eq!((body.quiet, body.object.as_ref().map(Vec::len)), (Some(true), Some(2)));

    let complete = request_example("CompleteMultipartUpload");
    let root = Root { name: Some("CompleteMultipartUpload"), namespace: None, prefix: None, document: false };
    let body = round_trip::<CompleteMultipartUploadRequestBody>(&complete, root);
    let parts = body.part.as_ref().expect("parts");
    assert_eq!(parts.iter().map(|p| p.part_number).collect::<Vec<_>>(), [Some(1), Some(2), Some(3)]);
}

#[test]
fn a_body_type_that_holds_the_root_element_reads_the_whole_document() {
    use build_script::xml::models::GetBucketCorsRequestBody;
    use build_script::xml::operations::GetBucketCorsRequest;
    // The answer's definition is `GetBucketCorsRequestBody { CORSConfiguration }`, and the
    // property's definition is named `CORSConfiguration`: the document is that element.
    let examples = answer_examples("GetBucketCors");
    let cors = GetBucketCorsRequest::parse(answer(200, "application/xml", &examples[0]))
        .expect("a documented answer")
        .into_ok()
        .expect("a success");
    let rules = &cors.cors_configuration.as_ref().expect("the root").cors_rule;
    assert_eq!(rules.len(), 1);
    let methods: Vec<&str> = rules[0].allowed_method.iter().map(|m| m.as_str()).collect();
    assert_eq!(methods, ["POST", "GET", "HEAD", "PUT", "DELETE"]);
    assert_eq!(rules[0].max_age_seconds.as_deref(), Some("100"));
    // `AllowedOrigin` repeats where the spec has one string: the first is the field, the
    // others are kept.
    assert_eq!(rules[0].allowed_origin, "obs.cn-north-4.myhuaweicloud.com");
    assert_eq!(rules[0].unknown_fields["AllowedOrigin"], serde_json::json!(["obs.example.com", "www.example.com"]));
    let root = Root { name: Some("CORSConfiguration"), namespace: None, prefix: None, document: true };
    assert_eq!(round_trip::<GetBucketCorsRequestBody>(&examples[0], root), cors);
}

fn endpoint() -> Endpoint {
    Endpoint::new("http://127.0.0.1:9").expect("a loopback endpoint")
}

fn body_text(request: &http::Request<Vec<u8>>) -> &str {
    std::str::from_utf8(request.body()).expect("UTF-8")
}

#[test]
fn requests_send_their_xml_body_with_its_root_and_content_type() {
    let create = CreateBucketRequest::new("bucket")
        .with_body(CreateBucketRequestBody::default().with_location("cn-north-4"));
    let request = create.build(&endpoint()).expect("a request");
    assert_eq!(request.headers()["content-type"], "application/xml");
    assert_eq!(
        body_text(&request),
        r#"<CreateBucketConfiguration><Location>cn-north-4</Location></CreateBucketConfiguration>"#
    );
    // No body: nothing sent.
    let request = CreateBucketRequest::new("bucket").build(&endpoint()).expect("a request");
    assert!(request.body().is_empty());

    let objects = vec![DeleteObject::default().with_key("a&b<c>"), DeleteObject::default().with_key("d").with_version_id("v1")];
    let delete = DeleteObjectsRequestBody::default().with_quiet(true).with_object(objects);
    let request = DeleteObjectsRequest::new("md5", "bucket", delete).build(&endpoint()).expect("a request");
    assert_eq!(
        body_text(&request),
        r#"<Delete><Object><Key>a&amp;b&lt;c&gt;</Key></Object><Object><Key>d</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>"#
    );

    let parts = (1..=2).map(|n| CompleteMultipartUploadPart::default().with_part_number(n).with_e_tag(format!("\"etag{n}\"")));
    let body = CompleteMultipartUploadRequestBody::default().with_part(parts.collect::<Vec<_>>());
    let request = CompleteMultipartUploadRequest::new("bucket", "key", "upload-1", body);
    assert_eq!(
        body_text(&request.build(&endpoint()).expect("a request")),
        r#"<CompleteMultipartUpload><Part><ETag>"etag1"</ETag><PartNumber>1</PartNumber></Part><Part><ETag>"etag2"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>"#
    );
}

#[test]
fn xml_error_answers_are_api_errors_with_code_message_and_request_id() {
    let body = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Error>
  <Code>BucketAlreadyExists</Code>
  <Message>The requested bucket name is not available.</Message>
  <RequestId>BODY-ID</RequestId>
  <HostId>6Nbe5dcXXl1l5WL4eW8aiSCaWt9UEcB5MY+IGX9fMR4eQWuP3ZaKQjSNoN3Dt6SO</HostId>
  <BucketName>bucket</BucketName>
</Error>"#;
    let response = CreateBucketRequest::parse(answer(409, "application/xml", body)).expect("any answer parses");
    let CreateBucketResponse::Undocumented { status, .. } = &response else {
        panic!("409 is not documented: {response:?}");
    };
    assert_eq!(*status, 409);
    let Err(Error::Api(api)) = response.into_ok() else { panic!("an API error") };
    assert_eq!(api.code.as_deref(), Some("BucketAlreadyExists"));
    assert_eq!(api.message.as_deref(), Some("The requested bucket name is not available."));
    assert_eq!(api.request_id.as_deref(), Some("BF260000016435D758FBA857E0801874"), "the header first");

    // A documented error status, without the request id header: the body's.
    let response = http::Response::builder().status(400).body(body.as_bytes().to_vec()).expect("a response");
    let Err(Error::Api(api)) = ListObjectsRequest::parse(response).expect("parses").into_ok() else {
        panic!("an API error")
    };
    assert_eq!((api.status, api.request_id.as_deref()), (400, Some("BODY-ID")));
    assert_eq!(api.to_string(), "API error 400 BucketAlreadyExists: The requested bucket name is not available. (request id BODY-ID)");
    assert!(!format!("{api:?}").contains("6Nbe5dcX"), "the body is not shown");
}

#[test]
fn mismatches_name_the_element_path() {
    let body = "<ListMultipartUploadsResult><Bucket>b</Bucket><MaxUploads>1000</MaxUploads>\
                <Upload><Key>k</Key></Upload></ListMultipartUploadsResult>";
    let result: ListMultipartUploadsResult = ListMultipartUploadsRequest::parse(answer(200, "application/xml", body))
        .expect("parses")
        .into_ok()
        .expect("a listing");
    assert_eq!(result.max_uploads, Some(1000));

    let bad = body.replace("<MaxUploads>1000", "<MaxUploads>many");
    let Err(Error::Decode(error)) = ListMultipartUploadsRequest::parse(answer(200, "application/xml", &bad)) else {
        panic!("`many` is no integer");
    };
    assert_eq!(error.path.as_deref(), Some("ListMultipartUploadsResult/MaxUploads"));
    assert_eq!(error.message, r#"expected an integer, found "many""#);
    assert_eq!(
        Error::Decode(error).to_string(),
        "cannot decode the 200 response body at `ListMultipartUploadsResult/MaxUploads`: \
         expected an integer, found \"many\" (request id BF260000016435D758FBA857E0801874)"
    );

    let examples = answer_examples("ListObjects");
    let bad = examples[0].replace("<IsTruncated>false", "<IsTruncated>maybe");
    let Err(Error::Decode(error)) = ListObjectsRequest::parse(answer(200, "application/xml", &bad)) else {
        panic!("`maybe` is no boolean");
    };
    assert_eq!(error.path.as_deref(), Some("ListBucketResult/IsTruncated"));

    let nested = examples[0].replace("<Owner>\n<ID>b4bf1b36d9ca43d984fbcb9491b6fce9</ID>", "<Owner>\n<ID><X/></ID>");
    let Err(Error::Decode(error)) = ListObjectsRequest::parse(answer(200, "application/xml", &nested)) else {
        panic!("an ID is text");
    };
    assert_eq!(error.path.as_deref(), Some("ListBucketResult/Contents[1]/Owner/ID"));

    let Err(Error::Decode(error)) = ListObjectsRequest::parse(answer(200, "application/xml", "<ListBucketResult>")) else {
        panic!("malformed");
    };
    assert!(error.message.contains("ends inside an element"), "{}", error.message);
}

/// `XmlHints.json`, written for the golden case: attributes, wrapped and unwrapped lists,
/// renamed items, namespaces and prefixes.
const SHELF: &str = r#"<lib:shelf xmlns:lib="urn:example:library" id="7" shelf-label="Poetry &amp; prose" extra="kept">
  <books>
    <book lang="en"><title>Leaves of Grass</title><pages>145</pages><price>9.5</price></book>
    <book lang="la"><title>Carmina</title><available>true</available><isbn>0-14</isbn></book>
  </books>
  <tag>a</tag><tag>b</tag>
  <rooms><rooms>1</rooms><rooms>2</rooms></rooms>
  <updated-at>2024-05-01T08:00:00+08:00</updated-at>
  <n:note xmlns:n="urn:example:notes">dusty</n:note>
</lib:shelf>"#;

#[test]
fn every_xml_hint_reads_and_writes() {
    use build_script::xml::models::{Book, Shelf};
    use build_script::xml::operations::PutShelfRequest;
    let shelf: Shelf = PutShelfRequest::parse(answer(200, "text/xml", SHELF)).expect("parses").into_ok().expect("a shelf");
    assert_eq!(shelf.id, 7);
    assert_eq!(shelf.label.as_deref(), Some("Poetry & prose"));
    assert_eq!(shelf.books.len(), 2);
    assert_eq!(shelf.books[0].lang.as_ref().map(|l| l.as_str()), Some("en"));
    assert_eq!(shelf.books[0].price, Some(9.5));
    assert_eq!(shelf.books[1].lang.as_ref().map(|l| l.as_str()), Some("la"), "an unknown value is kept");
    assert_eq!(shelf.books[1].unknown_fields["isbn"], "0-14");
    assert_eq!(shelf.tags.as_deref(), Some(&["a".to_owned(), "b".to_owned()][..]));
    assert_eq!(shelf.rooms.as_deref(), Some(&[1, 2][..]));
    assert_eq!(shelf.updated.as_ref().map(ToString::to_string).as_deref(), Some("2024-05-01T08:00:00+08:00"));
    assert_eq!(shelf.note.as_deref(), Some("dusty"));
    assert_eq!(shelf.unknown_fields["@extra"], "kept");

    let root = Root { name: Some("shelf"), namespace: Some("urn:example:library"), prefix: Some("lib"), document: false };
    assert_eq!(round_trip::<Shelf>(SHELF, root), shelf);

    let book = Book::builder().title("Odes").pages(3).build().expect("a title is set");
    let request = PutShelfRequest::new("s1", Shelf::builder().id(1).books(vec![book]).build().expect("complete"));
    let request = request.build(&endpoint()).expect("a request");
    assert_eq!(request.headers()["content-type"], "application/xml");
    assert_eq!(
        body_text(&request),
        r#"<lib:shelf xmlns:lib="urn:example:library" id="1"><books><book><title>Odes</title><pages>3</pages></book></books></lib:shelf>"#
    );

    let missing = SHELF.replace(r#" id="7""#, "");
    let Err(Error::Decode(error)) = PutShelfRequest::parse(answer(200, "text/xml", &missing)) else {
        panic!("`id` is required");
    };
    assert_eq!((error.path.as_deref(), error.message.as_str()), (Some("shelf"), "missing attribute `id`"));
    let bad = SHELF.replace("<pages>145", "<pages>many");
    let Err(Error::Decode(error)) = PutShelfRequest::parse(answer(200, "text/xml", &bad)) else {
        panic!("`many` is no page count");
    };
    assert_eq!(error.path.as_deref(), Some("shelf/books/book[1]/pages"));
    let bad = SHELF.replace(r#"id="7""#, r#"id="seven""#);
    let Err(Error::Decode(error)) = PutShelfRequest::parse(answer(200, "text/xml", &bad)) else {
        panic!("`seven` is no id");
    };
    assert_eq!(error.path.as_deref(), Some("shelf/@id"));
}
