//! Project and domain id lookups against a fake IAM on 127.0.0.1.

mod support;

use codegen_runtime::huawei::{self, Account, CredentialType};
use codegen_runtime::{Client, ClientConfig, Credentials, Endpoint, Error, RetryPolicy};
use support::{Reply, Server, TempDir};

fn config() -> ClientConfig {
    ClientConfig::builder(Credentials::aksk("IAM_AK", "iam-sk"))
        .retry(RetryPolicy::none())
        .without_proxy()
        .build()
        .expect("config")
}

/// A fake IAM listing `projects` for any region and `domains`, both JSON arrays.
async fn iam(projects: &'static str, domains: &'static str) -> Server {
    Server::start(move |r, _| match r.path() {
        "/v3/projects" => Reply::json(200, format!(r#"{{"projects":{projects}}}"#)).header("x-iam-trace-id", "trace-1"),
        "/v3/auth/domains" => Reply::json(200, format!(r#"{{"domains":{domains}}}"#)),
        _ => Reply::status(404),
    })
    .await
}

fn endpoint(server: &Server) -> Endpoint {
    Endpoint::new(&server.url()).expect("endpoint")
}

#[tokio::test]
async fn one_project_is_looked_up_signed_and_remembered() {
    let server = iam(r#"[{"id":"p-1","name":"cn-north-4"}]"#, "[]").await;
    let config = config();
    let id = huawei::resolve_project_id_at(&config, &endpoint(&server), "cn-north-4").await.expect("found");
    assert_eq!(id, "p-1");
    let seen = &server.requests()[0];
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("GET", "/v3/projects?name=cn-north-4"));
    assert!(seen.header("authorization").expect("signed").starts_with("SDK-HMAC-SHA256 Access=IAM_AK,"));
    // Remembered with the credentials, clones of the configuration included.
    let again = huawei::resolve_project_id_at(&config.clone(), &endpoint(&server), "cn-north-4").await;
    assert_eq!(again.expect("remembered"), "p-1");
    assert_eq!(server.count(), 1);
    // Other regions and other credentials are looked up.
    huawei::resolve_project_id_at(&config, &endpoint(&server), "cn-east-3").await.expect("found");
    huawei::resolve_project_id_at(&self::config(), &endpoint(&server), "cn-north-4").await.expect("found");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn concurrent_first_lookups_ask_once() {
    let server = iam(r#"[{"id":"p-9"}]"#, "[]").await;
    let config = config();
    let lookups: Vec<_> = (0..10)
        .map(|_| {
            let (config, endpoint) = (config.clone(), endpoint(&server));
            tokio::spawn(async move { huawei::resolve_project_id_at(&config, &endpoint, "r1").await })
        })
        .collect();
    for lookup in lookups {
        assert_eq!(lookup.await.expect("task").expect("found"), "p-9");
    }
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn no_project_or_several_are_clear_errors() {
    let none = iam("[]", "[]").await;
    let error = huawei::resolve_project_id_at(&config(), &endpoint(&none), "cn-north-4").await.unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    assert!(message.contains("no project named `cn-north-4`") && message.contains("X-IAM-Trace-Id trace-1"), "{message}");
    assert!(message.contains("HUAWEICLOUD_SDK_PROJECT_ID"), "{message}");

    let two = iam(r#"[{"id":"p-1"},{"id":"p-2"}]"#, "[]").await;
    let error = huawei::resolve_project_id_at(&config(), &endpoint(&two), "cn-north-4").await.unwrap_err();
    assert!(error.to_string().contains("2 projects named `cn-north-4` (p-1, p-2)"), "{error}");
}

#[tokio::test]
async fn refusals_and_odd_answers_are_clear_errors() {
    let refusing = Server::start(|_, _| {
        Reply::json(403, r#"{"error":{"code":"IAM.0002","message":"no permission"}}"#)
    })
    .await;
    let error = huawei::resolve_project_id_at(&config(), &endpoint(&refusing), "r").await.unwrap_err();
    assert!(error.to_string().contains("refused to tell the project id: API error 403 IAM.0002: no permission"), "{error}");
    let odd = Server::start(|_, _| Reply::json(200, r#"{"projects":"none"}"#)).await;
    let error = huawei::resolve_project_id_at(&config(), &endpoint(&odd), "r").await.unwrap_err();
    assert!(error.to_string().contains("no list of projects"), "{error}");
}

#[tokio::test]
async fn domain_id_is_looked_up_and_sent_by_global_endpoints() {
    let server = iam("[]", r#"[{"id":"d-1","name":"account"}]"#).await;
    let config = config();
    let domain = huawei::resolve_domain_id_at(&config, &endpoint(&server)).await.expect("found");
    assert_eq!(domain, "d-1");
    assert_eq!(server.requests()[0].target, "/v3/auth/domains");

    let service = Server::start(|_, _| Reply::json(200, "{}")).await;
    let global = huawei::with_domain_id(endpoint(&service), &domain).expect("endpoint");
    let request = codegen_runtime::__private::RequestBuilder::new(http::Method::GET, &global)
        .literal("/v3/things")
        .build()
        .expect("request");
    Client::new(&config, global.clone()).execute(request, true).await.expect("answered");
    let seen = &service.requests()[0];
    assert_eq!(seen.header("x-domain-id"), Some("d-1"));
    assert!(seen.header("authorization").expect("signed").contains("x-domain-id"), "the header is signed");

    let empty = iam("[]", "[]").await;
    let error = huawei::resolve_domain_id_at(&config, &endpoint(&empty)).await.unwrap_err();
    assert!(error.to_string().contains("lists no domain"), "{error}");
}

#[tokio::test]
async fn a_profile_without_project_id_looks_it_up_at_its_iam_endpoint() {
    let server = iam(r#"[{"id":"p-from-iam"}]"#, "[]").await;
    let dir = TempDir::new();
    let with = dir.write("with", "[basic]\nak = A\nsk = S\nproject_id = p-own\n");
    let own = huawei::profile_file_credentials(&with, CredentialType::Basic).expect("profile");
    let config = ClientConfig::new(own.credentials.clone()).expect("config");
    assert_eq!(own.project_id_for(&config, "r1").await.expect("own"), "p-own");
    assert_eq!(server.count(), 0);

    let without = dir.write("without", &format!("[basic]\nak = A\nsk = S\niam_endpoint = {}\n", server.url()));
    let account: Account = huawei::profile_file_credentials(&without, CredentialType::Basic).expect("profile");
    let config = ClientConfig::builder(account.credentials.clone()).without_proxy().build().expect("config");
    assert_eq!(account.project_id_for(&config, "r1").await.expect("looked up"), "p-from-iam");
    assert_eq!(server.requests()[0].target, "/v3/projects?name=r1");
}

#[tokio::test]
async fn services_get_the_ids_of_their_scope() {
    use codegen_runtime::huawei::{Scope, Service};
    let server = iam(r#"[{"id":"p-7"}]"#, r#"[{"id":"d-7"}]"#).await;
    let account = Account::new(Credentials::aksk("AK", "SK")).with_iam_endpoint(server.url());
    let config = ClientConfig::builder(account.credentials.clone()).without_proxy().build().expect("config");
    let service = |scope| Service { name: "Test", host_template: "test.{region}.example.com", scope, regions: &[], derived_auth_service_name: None, signature: huawei::Signature::Sdk };

    let global = service(Scope::Global).endpoint_for_account(&config, &account, "r1").await.expect("endpoint");
    assert_eq!(global.base_url(), "https://test.r1.example.com");
    assert_eq!(global.headers()["x-domain-id"], "d-7");
    assert_eq!((global.project_id(), global.headers().get("x-project-id")), (None, None));

    let project = service(Scope::Project).endpoint_for_account(&config, &account, "r1").await.expect("endpoint");
    assert_eq!(project.project_id(), Some("p-7"));
    assert_eq!(project.headers()["x-project-id"], "p-7");
    assert_eq!(project.headers().get("x-domain-id"), None);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/v3/auth/domains", "/v3/projects?name=r1"]);
}

#[tokio::test]
async fn an_env_given_in_code_reaches_the_endpoint_and_iam() {
    use codegen_runtime::huawei::{CredentialChain, Scope, Service};
    let iam = iam(r#"[{"id":"p-env"}]"#, "[]").await;
    let service = Server::start(|_, _| Reply::json(200, "{}")).await;
    let vars = codegen_runtime::Env::from_pairs([
        ("HUAWEICLOUD_SDK_AK".to_owned(), "ENV_AK".to_owned()),
        ("HUAWEICLOUD_SDK_SK".to_owned(), "env-sk".to_owned()),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT".to_owned(), iam.url()),
        ("HUAWEICLOUD_SDK_REGION_TEST_R1".to_owned(), service.url()),
    ]);
    let account = CredentialChain::basic().env(vars).without_metadata().resolve().await.expect("found");
    let config = ClientConfig::builder(account.credentials.clone()).without_proxy().build().expect("config");
    let test = Service { name: "Test", host_template: "test.{region}.example.com", scope: Scope::Project, regions: &[], derived_auth_service_name: None, signature: huawei::Signature::Sdk };
    let endpoint = test.endpoint_for_account(&config, &account, "r1").await.expect("endpoint");
    assert_eq!(endpoint.base_url(), service.url(), "the override of the given env");
    assert_eq!(endpoint.project_id(), Some("p-env"), "looked up at the IAM of the given env");
    assert_eq!(iam.requests()[0].target, "/v3/projects?name=r1");
}

#[tokio::test]
async fn a_hanging_iam_stalls_only_its_own_lookups() {
    let hanging = Server::start(|_, _| Reply::json(200, r#"{"projects":[{"id":"late"}]}"#).after(std::time::Duration::from_secs(30))).await;
    let answering = iam(r#"[{"id":"p-fast"}]"#, r#"[{"id":"d-fast"}]"#).await;
    let config = config();
    let stalled = {
        let (config, endpoint) = (config.clone(), endpoint(&hanging));
        tokio::spawn(async move { huawei::resolve_project_id_at(&config, &endpoint, "r1").await })
    };
    // Let the stalled lookup take its lock and send.
    while hanging.count() == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let quick = async {
        // The same credentials, another IAM endpoint; the same region; other credentials.
        let project = huawei::resolve_project_id_at(&config, &endpoint(&answering), "r1").await.expect("found");
        let domain = huawei::resolve_domain_id_at(&config, &endpoint(&answering)).await.expect("found");
        let other = huawei::resolve_project_id_at(&self::config(), &endpoint(&answering), "r1").await.expect("found");
        (project, domain, other)
    };
    let (project, domain, other) = tokio::time::timeout(std::time::Duration::from_secs(5), quick)
        .await
        .expect("not stalled by the hanging IAM");
    assert_eq!((project.as_str(), domain.as_str(), other.as_str()), ("p-fast", "d-fast", "p-fast"));
    assert!(!stalled.is_finished());
    stalled.abort();
}
