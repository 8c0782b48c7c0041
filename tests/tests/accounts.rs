//! The generated crate's clients made from an account, end to end against a fake IAM and
//! a fake FunctionGraph on 127.0.0.1: the endpoint override variable is honoured, the
//! project id is looked up at IAM once per region and sent in the path and
//! `X-Project-Id`, and a plain `http://` override to another machine is refused.
//!
//! The overrides are read from the process's environment, as in a real program, so this
//! binary has a single test that sets the variables before anything else reads them.

mod support;

use functiongraph::huawei::{Account, CredentialChain};
use functiongraph::operations::{ListFunctionsRequest, ListFunctionsResponse};
use functiongraph::{Client, ClientConfig, Error, RetryPolicy};
use support::{Recorded, Reply, Server, respond, with_header};

const REGION: &str = "test-region-1";
const INSECURE_REGION: &str = "test-region-2";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// IAM: one project named after the region asked for.
fn iam(request: &Recorded) -> Reply {
    match request.path() {
        "/v3/projects" => with_header(
            respond(200, &format!(r#"{{"projects":[{{"id":"{PROJECT}","name":"{REGION}"}}]}}"#)),
            "x-iam-trace-id",
            "trace-1",
        ),
        _ => respond(404, ""),
    }
}

fn functions(_: &Recorded) -> Reply {
    respond(200, r#"{"functions":[],"next_marker":0}"#)
}

fn config(account: &Account) -> ClientConfig {
    ClientConfig::builder(account.credentials.clone())
        .retry(RetryPolicy::none())
        .without_proxy()
        .build()
        .expect("config")
}

#[test]
fn clients_from_an_account_honour_the_overrides_and_look_the_project_id_up_once() {
    // One thread only (a current-thread runtime, the only test of this binary), so
    // setting variables cannot race with another thread reading them.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let iam = Server::start_with(iam).await;
        let service = Server::start_with(functions).await;
        // SAFETY: no other thread exists that could read the environment meanwhile.
        unsafe {
            std::env::set_var("HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_TEST_REGION_1", service.base_url());
            std::env::set_var("HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_TEST_REGION_2", "http://10.1.2.3:8080");
            std::env::set_var("HUAWEICLOUD_SDK_IAM_ENDPOINT", iam.base_url());
        }
        from_the_chain_without_a_project_id(&iam, &service).await;
        with_a_project_id_iam_is_not_asked(&iam).await;
        plain_http_to_another_machine_is_refused().await;
        explicit_endpoints_honour_the_variable_too(&service);
    });
}

/// Keys from the chain (its environment step, given in code), no project id: IAM is
/// asked once for the region, the id fills the path and `X-Project-Id`. The account
/// carries the chain's environment, so the overrides come from it, not the process's.
async fn from_the_chain_without_a_project_id(iam: &Server, service: &Server) {
    let env = functiongraph::Env::from_pairs([
        ("HUAWEICLOUD_SDK_AK".to_owned(), "AK-CHAIN".to_owned()),
        ("HUAWEICLOUD_SDK_SK".to_owned(), "sk-chain".to_owned()),
        ("HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_TEST_REGION_1".to_owned(), service.base_url()),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT".to_owned(), iam.base_url()),
    ]);
    let account = CredentialChain::basic().env(env).without_metadata().resolve().await.expect("account");
    assert_eq!(account.project_id, None);
    let config = config(&account);
    let client = Client::from_account(&config, &account, REGION).await.expect("client");
    assert_eq!(client.endpoint().base_url(), service.base_url());
    let listed = client.list_functions(ListFunctionsRequest::new()).await.expect("answered");
    assert!(matches!(listed, ListFunctionsResponse::Ok { .. }), "{listed:?}");

    let looked_up = iam.only_request();
    assert_eq!(looked_up.target, format!("/v3/projects?name={REGION}"));
    assert!(looked_up.header("authorization").expect("signed").contains("Access=AK-CHAIN"));
    let sent = service.only_request();
    assert_eq!(sent.path(), format!("/v2/{PROJECT}/fgs/functions"));
    assert_eq!(sent.header("x-project-id"), Some(PROJECT));
    let authorization = sent.header("authorization").expect("signed");
    assert!(authorization.contains("Access=AK-CHAIN") && authorization.contains("x-project-id"), "{authorization}");

    // A second client (the configuration cloned) finds the id remembered.
    let again = Client::from_account(&config.clone(), &account, REGION).await.expect("client");
    assert_eq!(again.endpoint().project_id(), Some(PROJECT));
    assert_eq!(iam.requests().len(), 1, "IAM asked once per region");
}

async fn with_a_project_id_iam_is_not_asked(iam: &Server) {
    let before = iam.requests().len();
    let account = Account::new(functiongraph::Credentials::aksk("AK", "SK")).with_project_id("p-given");
    let client = Client::from_account(&config(&account), &account, REGION).await.expect("client");
    assert_eq!(client.endpoint().project_id(), Some("p-given"));
    assert_eq!(iam.requests().len(), before);
}

async fn plain_http_to_another_machine_is_refused() {
    let account = Account::new(functiongraph::Credentials::aksk("AK", "SK")).with_project_id("p");
    let refused = Client::from_account(&config(&account), &account, INSECURE_REGION).await.unwrap_err();
    assert!(matches!(&refused, Error::InvalidRequest(m) if m.contains("new_insecure")), "{refused}");
}

fn explicit_endpoints_honour_the_variable_too(service: &Server) {
    let endpoint = functiongraph::endpoint(REGION, "p-1").expect("endpoint");
    assert_eq!(endpoint.base_url(), service.base_url());
    let public = functiongraph::endpoint("cn-north-4", "p-1").expect("endpoint");
    assert_eq!(public.base_url(), "https://functiongraph.cn-north-4.myhuaweicloud.com");
    assert_eq!(public.project_id(), Some("p-1"));
    assert_eq!(public.headers()["x-project-id"], "p-1");
}
