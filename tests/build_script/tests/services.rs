//! The services generated at build time work like generated crates, and share one
//! runtime with them: one `ClientConfig` (credentials, connection pool) serves the
//! committed FunctionGraph crate and the ECS module, and one `Error` type serves both.

use build_script::ecs;
use functiongraph::{ClientConfig, Credentials, Endpoint, Operation};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const URN: &str = "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:hello:latest";

#[test]
fn a_build_time_operation_builds_its_request() {
    let endpoint = Endpoint::new("https://functiongraph.cn-north-4.myhuaweicloud.com")
        .expect("endpoint")
        .with_project_id(PROJECT);
    let request = build_script::functiongraph::operations::ShowFunctionConfigRequest::new(URN)
        .build(&endpoint)
        .expect("a request");
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri().path(),
        "/v2/0123456789abcdef0123456789abcdef/fgs/functions/urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Ahello%3Alatest/config"
    );
    // The same operation as the committed crate's, down to the bytes.
    let committed = functiongraph::operations::ShowFunctionConfigRequest::new(URN)
        .build(&endpoint)
        .expect("a request");
    assert_eq!(request.uri(), committed.uri());
}

/// A keep-alive HTTP/1.1 server on loopback that answers every request with `body`,
/// counting connections and recording request heads.
struct Server {
    address: String,
    connections: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
}

async fn serve(body: &'static str) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let heads = Arc::new(Mutex::new(Vec::new()));
    let (count, seen) = (connections.clone(), heads.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                loop {
                    let mut head = String::new();
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                        head.push_str(&line);
                    }
                    let mut request_body = vec![0; length];
                    if reader.read_exact(&mut request_body).await.is_err() {
                        return;
                    }
                    seen.lock().expect("lock").push(head);
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: r-1\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if reader.get_mut().write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Server { address, connections, heads }
}

/// Lists functions, then flavors: `?` works on both calls because both services return
/// the runtime's one `Error`.
async fn list_both(
    functions: &functiongraph::Client,
    servers: &ecs::Client,
) -> Result<(usize, usize), functiongraph::Error> {
    let listed = functions
        .list_functions(functiongraph::operations::ListFunctionsRequest::new())
        .await?
        .into_ok()?;
    let flavors = servers
        .list_flavors(ecs::operations::ListFlavorsRequest::new())
        .await?
        .into_ok()?;
    Ok((listed.functions.len(), flavors.flavors.len()))
}

#[tokio::test]
async fn two_services_share_one_config_one_pool_and_one_error_type() {
    // One body that satisfies both answers' documented types.
    let server = serve(r#"{"functions":[],"next_marker":0,"flavors":[]}"#).await;
    let config = ClientConfig::new(Credentials::aksk("AKID-SHARED", "sk-shared")).expect("config");
    let endpoint = Endpoint::new(&server.address).expect("endpoint").with_project_id(PROJECT);
    let functions = functiongraph::Client::new(&config, endpoint.clone());
    let servers = ecs::Client::new(&config, endpoint);
    assert!(functions.config().same_pool(servers.config()));

    assert_eq!(list_both(&functions, &servers).await.expect("both answer"), (0, 0));
    list_both(&functions, &servers).await.expect("again");

    let heads = server.heads.lock().expect("lock").clone();
    assert_eq!(heads.len(), 4);
    assert!(heads[0].starts_with("GET /v2/0123456789abcdef0123456789abcdef/fgs/functions "), "{}", heads[0]);
    assert!(heads[1].starts_with("GET /v1/0123456789abcdef0123456789abcdef/cloudservers/flavors "), "{}", heads[1]);
    for head in &heads {
        let signed = head.lines().any(|l| l.to_ascii_lowercase().starts_with("authorization: sdk-hmac-sha256 access=akid-shared,"));
        assert!(signed, "signed with the shared credentials: {head}");
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "one pool: four requests over one connection");
}
