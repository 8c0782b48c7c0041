//! Form operations of the catalogue (`tests/golden/forms/specs`, generated at build time
//! by `tests/build_script`) end to end through the client, against the scripted server on
//! 127.0.0.1: the multipart body is read back with a parser written here from RFC 7578
//! (not the encoder's code), file bytes are compared by SHA-256, and the signature is
//! checked by the independent verifier of `support::aksk`.

mod support;

use build_script::forms::operations::{
    AddFacesByFileRequest, BatchUploadFilesRequest, CreateUnscopeTokenByIdpInitiatedRequest,
};
use build_script::forms::{Client, ClientConfig, Credentials, Endpoint, Error, FormFile, RetryPolicy};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use support::multipart::{boundary, parse_multipart};
use support::{Server, respond};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const ACCESS_KEY: &str = "AKIDFORMS0001";
const SECRET_KEY: &str = "sk-forms-very-secret";
const FACES: &str = r#"{"face_set_id":"T785tx1N","face_set_name":"test1","faces":[]}"#;

fn client(server: &Server) -> Client {
    let config = ClientConfig::builder(Credentials::aksk(ACCESS_KEY, SECRET_KEY))
        .retry(RetryPolicy::none())
        .without_proxy()
        .build()
        .expect("config");
    let endpoint = Endpoint::new(&server.base_url()).expect("endpoint").with_project_id(PROJECT);
    Client::new(&config, endpoint)
}

/// A file in the system's temporary folder with `data`, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, data: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("forms-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let path = dir.join(name);
        std::fs::write(&path, data).expect("write");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// An image-like file with every byte value, CR LF and the `--` of delimiters included.
fn image_bytes() -> Vec<u8> {
    let mut data: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    data.extend_from_slice(b"\r\n--not-the-boundary\r\n");
    data
}

#[tokio::test]
async fn a_file_and_text_fields_go_as_multipart_with_a_fresh_boundary() {
    let server = Server::start(vec![respond(200, FACES), respond(200, FACES)]).await;
    let image = TempFile::new("face.jpg", &image_bytes());
    let request = AddFacesByFileRequest::new("faces-1", FormFile::path(&image.0))
        .with_external_image_id("img 1/ü")
        .with_single(true);
    let answer = client(&server).add_faces_by_file(request.clone()).await.expect("sent").into_ok();
    assert_eq!(answer.expect("200").face_set_name, "test1");
    client(&server).add_faces_by_file(request).await.expect("sent again");

    let requests = server.requests();
    let sent = &requests[0];
    assert_eq!(sent.method, "POST");
    // The file was read while sent, its length known: the whole body's is announced.
    assert_eq!(sent.header("content-length"), Some(sent.body.len().to_string().as_str()));
    assert_eq!(sent.path(), format!("/v2/{PROJECT}/face-sets/faces-1/faces"));
    let boundary = boundary(sent);
    assert_ne!(boundary, self::boundary(&requests[1]), "each request draws its own boundary");
    let parts = parse_multipart(&sent.body, &boundary);
    // Text fields first, then files, each in the spec's order, as the official SDK sends
    // them; booleans as `true`/`false`.
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["external_image_id", "single", "image_file"]);
    assert_eq!(parts[0].data, "img 1/ü".as_bytes());
    assert_eq!((parts[0].file_name.as_deref(), parts[0].content_type.as_deref()), (None, None));
    assert_eq!(parts[1].data, b"true");
    let file = &parts[2];
    assert_eq!(file.file_name.as_deref(), Some("face.jpg"));
    assert_eq!(file.content_type, None, "no Content-Type unless given, as the official SDK sends it");
    assert_eq!(Sha256::digest(&file.data), Sha256::digest(image_bytes()));
    // A body that is not JSON is signed unhashed, as the official SDK signs it.
    assert_eq!(sent.header("x-sdk-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    support::aksk::verify(sent, ACCESS_KEY, SECRET_KEY);
}

#[tokio::test]
async fn file_names_and_content_types_are_sent_as_given_and_escaped() {
    let server = Server::start(vec![respond(200, FACES)]).await;
    let file = FormFile::bytes("evil\"\r\nX-Injected: 1.png", b"PNG".to_vec()).with_content_type("image/png");
    client(&server).add_faces_by_file(AddFacesByFileRequest::new("s", file)).await.expect("sent");
    let sent = &server.requests()[0];
    let parts = parse_multipart(&sent.body, &boundary(sent));
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].file_name.as_deref(), Some("evil%22%0D%0AX-Injected: 1.png"));
    assert_eq!(parts[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[0].data, b"PNG");
}

#[tokio::test]
async fn several_files_under_one_field() {
    let server = Server::start(vec![respond(200, "{}")]).await;
    let files = vec![
        FormFile::bytes("Dockerfile", b"FROM scratch\n".to_vec()),
        FormFile::bytes("deploy.yaml", b"kind: Pod\n".to_vec()).with_content_type("application/yaml"),
    ];
    client(&server).batch_upload_files(BatchUploadFilesRequest::new("dockerfile", files)).await.expect("sent");
    let sent = &server.requests()[0];
    let parts = parse_multipart(&sent.body, &boundary(sent));
    let summary: Vec<(&str, Option<&str>, &[u8])> =
        parts.iter().map(|p| (p.name.as_str(), p.file_name.as_deref(), p.data.as_slice())).collect();
    assert_eq!(
        summary,
        [
            ("upload_type", None, &b"dockerfile"[..]),
            ("files", Some("Dockerfile"), &b"FROM scratch\n"[..]),
            ("files", Some("deploy.yaml"), &b"kind: Pod\n"[..]),
        ]
    );
    support::aksk::verify(sent, ACCESS_KEY, SECRET_KEY);
}

#[tokio::test]
async fn url_encoded_forms_are_encoded_as_the_official_sdk_encodes_them() {
    // A refusal: only the request matters here (and it is still a typed answer).
    let server = Server::start(vec![respond(400, "{}")]).await;
    let saml = "PHNhbWw+ a+b/c=d&e";
    let request = CreateUnscopeTokenByIdpInitiatedRequest::new("idp-1", saml);
    client(&server).create_unscope_token_by_idp_initiated(request).await.expect("sent");
    let sent = &server.requests()[0];
    assert_eq!(sent.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(sent.header("x-idp-id"), Some("idp-1"));
    // Python's `urlencode` (quote_plus): space as `+`, everything else reserved encoded.
    assert_eq!(String::from_utf8_lossy(&sent.body), "SAMLResponse=PHNhbWw%2B+a%2Bb%2Fc%3Dd%26e");
    let decoded: String = percent_encoding::percent_decode(&sent.body.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect::<Vec<u8>>())
        .decode_utf8()
        .expect("UTF-8")
        .into_owned();
    assert_eq!(decoded, format!("SAMLResponse={saml}"));
    assert_eq!(sent.header("x-sdk-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    support::aksk::verify(sent, ACCESS_KEY, SECRET_KEY);
}

#[tokio::test]
async fn a_missing_file_is_an_error_naming_it_and_nothing_is_sent() {
    let server = Server::start(vec![respond(200, FACES)]).await;
    let missing = std::env::temp_dir().join("forms-test-no-such-dir/face.jpg");
    let result = client(&server).add_faces_by_file(AddFacesByFileRequest::new("s", FormFile::path(&missing))).await;
    match result {
        Err(Error::InvalidRequest(message)) => assert!(message.contains("face.jpg"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn bodies_described_by_a_schema_are_forms_too() {
    use build_script::forms::operations::{JoinGroupRequest, UploadReportRequest};
    let server = Server::start(vec![respond(200, "{}"), respond(204, "")]).await;
    // Swagger 2.0: a url-encoded body whose schema's property is the field.
    client(&server).join_group(JoinGroupRequest::new("cluster-1", "group 1")).await.expect("sent");
    // OpenAPI 3.0: a multipart body whose schema's `format: binary` property is a file.
    let report = UploadReportRequest::new(FormFile::bytes("q3.pdf", b"%PDF".to_vec()))
        .with_title("Q3")
        .with_tags(vec!["a".to_owned(), "b".to_owned()]);
    client(&server).upload_report(report).await.expect("sent");
    let requests = server.requests();
    assert_eq!(requests[0].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(requests[0].body, b"clusterGroupID=group+1");
    let parts = parse_multipart(&requests[1].body, &boundary(&requests[1]));
    let summary: Vec<(&str, Option<&str>, &[u8])> =
        parts.iter().map(|p| (p.name.as_str(), p.file_name.as_deref(), p.data.as_slice())).collect();
    assert_eq!(
        summary,
        [
            ("title", None, &b"Q3"[..]),
            ("tags", None, &b"a"[..]),
            ("tags", None, &b"b"[..]),
            ("report", Some("q3.pdf"), &b"%PDF"[..]),
        ]
    );
    for request in &requests {
        support::aksk::verify(request, ACCESS_KEY, SECRET_KEY);
    }
}

#[tokio::test]
async fn a_file_part_can_come_from_a_stream() {
    let server = Server::start(vec![respond(200, FACES)]).await;
    let chunks = futures_stream(vec![b"chunk-1 ".to_vec(), b"chunk-2".to_vec()]);
    let file = FormFile::from_body("stream.bin", build_script::forms::Body::from_stream(chunks, None));
    client(&server).add_faces_by_file(AddFacesByFileRequest::new("s", file)).await.expect("sent");
    let sent = &server.requests()[0];
    assert_eq!(sent.header("transfer-encoding"), Some("chunked"), "a stream of unknown length");
    let parts = parse_multipart(&sent.body, &boundary(sent));
    assert_eq!((parts[0].file_name.as_deref(), parts[0].data.as_slice()), (Some("stream.bin"), &b"chunk-1 chunk-2"[..]));
    support::aksk::verify(sent, ACCESS_KEY, SECRET_KEY);
}

/// A stream of the given chunks.
fn futures_stream(chunks: Vec<Vec<u8>>) -> impl futures_core::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static {
    struct Chunks(std::collections::VecDeque<Vec<u8>>);
    impl futures_core::Stream for Chunks {
        type Item = std::io::Result<bytes::Bytes>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.pop_front().map(|chunk| Ok(bytes::Bytes::from(chunk))))
        }
    }
    Chunks(chunks.into())
}
