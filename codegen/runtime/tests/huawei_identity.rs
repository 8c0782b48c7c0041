//! Workload identity against fake STS, IAM, metadata and pod identity servers on
//! 127.0.0.1: OIDC and IdP federation, pod identity, the chain's order, the metadata
//! switch, the domain id from STS, and the one-line start. Every chain is given its
//! environment in code, with the metadata service turned off or pointed at a fake.

mod support;

use codegen_runtime::huawei::{
    self, Account, CredentialChain, IdToken, Loader, OidcProvider, OidcSettings, PodIdentityProvider,
};
use codegen_runtime::{Client, ClientConfig, Credentials, CredentialsProvider, Endpoint, Env, Error, RetryPolicy};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{Reply, Server, TempDir, access_key, expires_in, security_key, sts_credentials};

const ASSUME: &str = "/v5/agencies/assume-with-oidc";
/// A token with the characters JWTs carry, and one Python escapes.
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2ln-_é";

/// `pairs`, with the metadata service off unless they say where it is.
fn env(pairs: &[(&str, &str)]) -> Env {
    let mut vars: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    if !pairs.iter().any(|(k, _)| k.starts_with("HUAWEICLOUD_SDK_METADATA_")) {
        vars.push(("HUAWEICLOUD_SDK_METADATA_DISABLED".into(), "true".into()));
    }
    Env::from_pairs(vars)
}

/// A fake STS handing out keys that last `seconds`, named `{prefix}{n}` per exchange.
async fn sts(prefix: &'static str, seconds: f64) -> Server {
    Server::start(move |r, n| match r.path() {
        ASSUME => Reply::json(200, sts_credentials(&format!("{prefix}{n}"), &expires_in(seconds))),
        _ => Reply::status(404),
    })
    .await
}

/// The OIDC variables with a token file, STS at `sts`.
fn oidc_vars<'a>(sts: &'a str, token_file: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", "iam::1234:identity-provider:ci"),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", "iam::1234:agency:deployer"),
        ("HUAWEICLOUD_OIDC_TOKEN_FILE", token_file),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts),
    ]
}

fn id_token_sent(request: &support::Recorded) -> String {
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON");
    body["id_token"].as_str().expect("id_token").to_owned()
}

fn config(credentials: Credentials) -> ClientConfig {
    ClientConfig::builder(credentials)
        .retry(RetryPolicy::none())
        .without_proxy()
        .build()
        .expect("config")
}

/// Sends one request through `config` to `service`; the request as received.
async fn send(config: &ClientConfig, service: &Server) -> support::Recorded {
    let before = service.count();
    let request = http::Request::get(format!("{}/v1/things", service.url()))
        .body(Vec::new())
        .expect("request");
    Client::new(config, Endpoint::new(&service.url()).expect("endpoint"))
        .execute(request, true)
        .await
        .expect("answered");
    service.requests()[before].clone()
}

#[tokio::test]
async fn oidc_sends_the_sdks_request_with_the_token_as_read() {
    let sts = sts("OIDC_AK", 3600.0).await;
    let dir = TempDir::new();
    let file = dir.write("token", &format!("{ID_TOKEN}\n"));
    let sts_url = sts.url();
    let mut vars = oidc_vars(&sts_url, file.to_str().expect("utf-8"));
    vars.push(("HUAWEICLOUD_SDK_PROJECT_ID", "p-env"));
    let account = CredentialChain::basic()
        .env(env(&vars))
        .resolve()
        .await
        .expect("federated");
    assert_eq!(account.source, format!("OIDC federation (STS at {})", sts.url()));
    assert_eq!(account.project_id.as_deref(), Some("p-env"));
    assert_eq!(account.env.get("HUAWEICLOUD_OIDC_TOKEN_FILE").as_deref(), file.to_str());

    let exchange = &sts.requests()[0];
    assert_eq!((exchange.method.as_str(), exchange.path()), ("POST", ASSUME));
    assert_eq!(exchange.header("content-type"), Some("application/json;charset=UTF-8"));
    assert_eq!(exchange.header("authorization"), None, "unsigned, as the SDK sends it");
    assert_eq!(exchange.header("x-sdk-date"), None);
    assert_eq!(id_token_sent(exchange), ID_TOKEN, "the file's token, as read");
    // What huaweicloudsdkcore 3.1.219 sends for the same settings (json.dumps).
    let sdk = r#"{"provider_urn": "iam::1234:identity-provider:ci", "agency_urn": "iam::1234:agency:deployer", "agency_session_name": "oidc-sts-session", "id_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2ln-_\u00e9", "duration_seconds": 3600}"#;
    assert_eq!(String::from_utf8_lossy(&exchange.body), sdk);

    // Requests are signed with the agency's keys and security token.
    let service = Server::start(|_, _| Reply::json(200, "{}")).await;
    let seen = send(&config(account.credentials.clone()), &service).await;
    assert!(
        seen.header("authorization")
            .expect("signed")
            .starts_with("SDK-HMAC-SHA256 Access=OIDC_AK0,")
    );
    assert_eq!(seen.header("x-security-token"), Some("token-of-OIDC_AK0"));
    assert_eq!(sts.count(), 1, "the keys fetched by the chain are reused");
}

#[tokio::test]
async fn oidc_optional_settings_are_sent_as_the_sdk_sends_them() {
    let sts = sts("AK", 3600.0).await;
    let vars = [
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", "urn:p"),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", "urn:a"),
        ("HUAWEICLOUD_OIDC_ID_TOKEN", "eyJ.tok"),
        ("HUAWEICLOUD_OIDC_POLICY", r#"{"Version":"5.0"}"#),
        ("HUAWEICLOUD_OIDC_POLICY_IDS", "id1, id2"),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", &sts.url()),
    ];
    let provider = OidcProvider::from_env(&env(&vars)).expect("valid").expect("configured");
    assert!(!format!("{provider:?}").contains("eyJ.tok"), "{provider:?}");
    provider.signer().await.expect("keys");
    let sdk = r#"{"provider_urn": "urn:p", "agency_urn": "urn:a", "agency_session_name": "oidc-sts-session", "id_token": "eyJ.tok", "duration_seconds": 3600, "policy": "{\"Version\":\"5.0\"}", "policy_ids": ["id1", "id2"]}"#;
    assert_eq!(String::from_utf8_lossy(&sts.requests()[0].body), sdk);
}

#[tokio::test]
async fn oidc_refreshes_before_expiry_with_the_token_file_read_again() {
    // The first keys last 8 s: due from 4 s on, waited for from 6 s on.
    let sts = Server::start(|r, n| match (r.path(), n) {
        (ASSUME, 0) => Reply::json(200, sts_credentials("OLD", &expires_in(8.0))),
        (ASSUME, _) => Reply::json(200, sts_credentials("NEW", &expires_in(3600.0))).after(Duration::from_millis(300)),
        _ => Reply::status(404),
    })
    .await;
    let dir = TempDir::new();
    let file = dir.write("token", "first-token\n");
    let token = IdToken::File(file.clone());
    let mut settings = OidcSettings::new("urn:p", "urn:a", token);
    settings.sts_endpoint = Endpoint::new(&sts.url()).expect("endpoint");
    let provider = OidcProvider::with_http_client(settings, reqwest::Client::new()).expect("provider");
    assert_eq!(access_key(&provider.signer().await.expect("first")), "OLD");
    // The cluster rotates the projected token.
    std::fs::write(&file, "rotated-token").expect("write");
    tokio::time::sleep(Duration::from_millis(4300)).await;
    assert!(provider.fresh_signer().is_none(), "due");
    let started = Instant::now();
    assert_eq!(
        access_key(&provider.signer().await.expect("held")),
        "OLD",
        "signs with the keys held"
    );
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "without waiting for the refresh"
    );
    let refreshed = loop {
        if let Some(signer) = provider.fresh_signer() {
            break signer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "refreshed in the background"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(access_key(&refreshed), "NEW");
    let tokens: Vec<String> = sts.requests().iter().map(id_token_sent).collect();
    assert_eq!(tokens, ["first-token", "rotated-token"], "re-read at the refresh");
}

#[tokio::test]
async fn one_exchange_for_50_concurrent_requests() {
    let exchanges = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&exchanges);
    let sts = Server::start(move |_, _| {
        let n = counted.fetch_add(1, Ordering::SeqCst);
        // The first keys last 3 s: waited for from 2.25 s on.
        let seconds = if n == 0 { 3.0 } else { 3600.0 };
        Reply::json(200, sts_credentials(&format!("AK{n}"), &expires_in(seconds))).after(Duration::from_millis(200))
    })
    .await;
    let service = Server::start(|_, _| Reply::json(200, "{}")).await;
    let mut settings = OidcSettings::new("urn:p", "urn:a", IdToken::Value("eyJ.tok".into()));
    settings.sts_endpoint = Endpoint::new(&sts.url()).expect("endpoint");
    let provider = OidcProvider::with_http_client(settings, reqwest::Client::new()).expect("provider");
    let config = config(Credentials::provider(provider));
    // Nothing held yet: the 50 first requests wait for one exchange.
    fifty_requests(&config, &service).await;
    assert_eq!(sts.count(), 1, "one exchange for 50 first requests");
    // Expired: again one exchange for 50 waiting requests.
    tokio::time::sleep(Duration::from_millis(2600)).await;
    fifty_requests(&config, &service).await;
    assert_eq!(sts.count(), 2, "one refresh for 50 waiting requests");
    let keys: Vec<String> = service.requests().iter().map(signed_by).collect();
    assert!(
        keys[..50].iter().all(|k| k == "AK0") && keys[50..].iter().all(|k| k == "AK1"),
        "{keys:?}"
    );
}

/// 50 requests at once through `config`.
async fn fifty_requests(config: &ClientConfig, service: &Server) {
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (config, url) = (config.clone(), service.url());
            tokio::spawn(async move {
                let request = http::Request::get(format!("{url}/v1/things"))
                    .body(Vec::new())
                    .expect("request");
                Client::new(&config, Endpoint::new(&url).expect("endpoint"))
                    .execute(request, true)
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("answered");
    }
}

/// The access key id a request was signed with.
fn signed_by(request: &support::Recorded) -> String {
    let authorization = request.header("authorization").expect("signed");
    let after = authorization.split("Access=").nth(1).expect("access key");
    after.split(',').next().expect("key").to_owned()
}

#[tokio::test]
async fn a_refusal_names_the_source_and_setting_never_the_token() {
    let sts = Server::start(|_, _| {
        Reply::json(
            400,
            format!(r#"{{"error_code":"STS.0110","error_msg":"id_token {ID_TOKEN} has expired"}}"#),
        )
    })
    .await;
    let metadata = Server::start(|_, _| Reply::status(500)).await;
    let dir = TempDir::new();
    let file = dir.write("token", ID_TOKEN);
    let (sts_url, metadata_url) = (sts.url(), metadata.url());
    let mut vars = oidc_vars(&sts_url, file.to_str().expect("utf-8"));
    // Keys of the environment are not taken instead, and the metadata service is not asked.
    vars.extend([("HUAWEICLOUD_SDK_AK", "AK"), ("HUAWEICLOUD_SDK_SK", "sk")]);
    vars.push(("HUAWEICLOUD_SDK_METADATA_ENDPOINT", &metadata_url));
    let error = CredentialChain::basic()
        .env(env(&vars))
        .resolve()
        .await
        .expect_err("refused");
    let Error::Credentials(message) = &error else {
        panic!("{error:?}")
    };
    assert!(
        message.starts_with(&format!("OIDC federation (STS at {})", sts.url())),
        "{message}"
    );
    assert!(
        message.contains(&format!("HUAWEICLOUD_OIDC_TOKEN_FILE {}", file.display())),
        "{message}"
    );
    assert!(message.contains("API error 400 STS.0110"), "{message}");
    assert!(
        message.contains("not tried after it: environment variables"),
        "{message}"
    );
    assert!(
        !message.contains(ID_TOKEN) && !format!("{error:?}").contains(ID_TOKEN),
        "{message}"
    );
    assert_eq!(metadata.count(), 0);

    // A token file that is not there: the setting and the file, no exchange.
    let missing = dir.path().join("nowhere");
    let vars = oidc_vars(&sts_url, missing.to_str().expect("utf-8"));
    let error = CredentialChain::basic()
        .env(env(&vars))
        .resolve()
        .await
        .expect_err("no file");
    let message = error.to_string();
    assert!(
        message.contains("HUAWEICLOUD_OIDC_TOKEN_FILE") && message.contains("nowhere does not exist"),
        "{message}"
    );
    assert_eq!(sts.count(), 1);
}

#[tokio::test]
async fn pod_identity_posts_the_token_as_read() {
    let agent = Server::start(|r, _| match r.header("authorization") {
        Some(ID_TOKEN_ASCII) => Reply::json(200, security_key("POD_AK", &expires_in(3600.0))),
        _ => Reply::json(
            401,
            format!(
                r#"{{"message":"bad token {}"}}"#,
                r.header("authorization").unwrap_or("")
            ),
        ),
    })
    .await;
    let dir = TempDir::new();
    let file = dir.write("token", &format!("{ID_TOKEN_ASCII}\n"));
    let uri = format!("{}/v1/credentials", agent.url());
    let vars = [
        ("HC_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        ("HC_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.to_str().expect("utf-8")),
    ];
    let account = CredentialChain::global()
        .env(env(&vars))
        .resolve()
        .await
        .expect("pod identity");
    assert_eq!(account.source, format!("pod identity at {uri}"));
    let asked = &agent.requests()[0];
    assert_eq!(
        (asked.method.as_str(), asked.path(), asked.body.as_slice()),
        ("POST", "/v1/credentials", &b"{}"[..])
    );
    assert_eq!(asked.header("content-type"), Some("application/json"));
    let service = Server::start(|_, _| Reply::json(200, "{}")).await;
    let seen = send(&config(account.credentials.clone()), &service).await;
    assert!(
        seen.header("authorization")
            .expect("signed")
            .starts_with("SDK-HMAC-SHA256 Access=POD_AK,")
    );

    // A refused token: named by its setting, never shown, even when the agent quotes it.
    std::fs::write(&file, "stale-token-123").expect("write");
    let provider = PodIdentityProvider::new(&uri, &file).expect("provider");
    let message = provider.signer().await.expect_err("refused").to_string();
    assert!(
        message.contains(&format!("pod identity at {uri}"))
            && message.contains("HC_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
        "{message}"
    );
    assert!(
        message.contains("401") && !message.contains("stale-token-123"),
        "{message}"
    );
}

/// The ASCII part of [`ID_TOKEN`] (a header value).
const ID_TOKEN_ASCII: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2ln-_";

/// A fake IAM for IdP federation, and the domain lookups: `domains` as its answer.
async fn iam(domains: Reply) -> Server {
    Server::start(move |r, _| match r.path() {
        "/v3.0/OS-AUTH/id-token/tokens" => Reply::json(201, r#"{"token":{}}"#).header("x-subject-token", "subject-tok"),
        "/v3.0/OS-CREDENTIAL/securitytokens" => Reply::json(201, security_key("IDP_AK", &expires_in(3600.0))),
        "/v3/auth/domains" => domains.clone(),
        _ => Reply::status(404),
    })
    .await
}

#[tokio::test]
async fn idp_federation_from_the_environment_and_the_profile() {
    let iam = iam(Reply::status(404)).await;
    let dir = TempDir::new();
    let file = dir.write("id-token", &format!("{ID_TOKEN}\n"));
    let file = file.to_str().expect("utf-8");
    let vars = [
        ("HUAWEICLOUD_SDK_IDP_ID", "idp-1"),
        ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", file),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.url()),
        // The IdP is taken before keys, as in the SDK.
        ("HUAWEICLOUD_SDK_AK", "ENV_AK"),
        ("HUAWEICLOUD_SDK_SK", "env-sk"),
    ];
    let account = CredentialChain::basic()
        .env(env(&vars))
        .resolve()
        .await
        .expect("federated");
    assert_eq!(account.source, format!("IdP federation (idp-1 at IAM {})", iam.url()));
    assert_eq!(access_key(&account.credentials), "IDP_AK");
    // What huaweicloudsdkcore 3.1.219 sends (FederalAccessor), byte for byte.
    let [token, keys] = &iam.requests()[..] else {
        panic!("two exchanges")
    };
    assert_eq!(
        (token.method.as_str(), token.path()),
        ("POST", "/v3.0/OS-AUTH/id-token/tokens")
    );
    assert_eq!(
        (token.header("x-idp-id"), token.header("authorization")),
        (Some("idp-1"), None)
    );
    assert_eq!(token.header("content-type"), Some("application/json;charset=UTF-8"));
    let sdk = r#"{"auth": {"id_token": {"id": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2ln-_\u00e9"}}}"#;
    assert_eq!(String::from_utf8_lossy(&token.body), sdk);
    assert_eq!(
        (keys.path(), keys.header("authorization")),
        ("/v3.0/OS-CREDENTIAL/securitytokens", None)
    );
    let sdk =
        r#"{"auth": {"identity": {"methods": ["token"], "token": {"id": "subject-tok", "duration_seconds": 21600}}}}"#;
    assert_eq!(String::from_utf8_lossy(&keys.body), sdk);

    // The profile's idp_id and id_token_file, exchanged at its iam_endpoint.
    let profile = dir.write(
        "credentials",
        &format!(
            "[global]\nidp_id = idp-2\nid_token_file = {file}\niam_endpoint = {}\ndomain_id = d-1\n",
            iam.url()
        ),
    );
    let vars = [("HUAWEICLOUD_SDK_CREDENTIALS_FILE", profile.to_str().expect("utf-8"))];
    let account = CredentialChain::global()
        .env(env(&vars))
        .resolve()
        .await
        .expect("federated");
    assert!(
        account.source.starts_with("profile file ") && account.source.contains("IdP federation (idp-2"),
        "{}",
        account.source
    );
    assert_eq!(account.domain_id.as_deref(), Some("d-1"));
    assert_eq!(iam.requests()[2].header("x-idp-id"), Some("idp-2"));

    // Half a setting, or a token IAM refuses, stops the chain.
    let half = dir.write("half", "[basic]\nidp_id = idp-3\nak = A\nsk = S\n");
    let vars = [("HUAWEICLOUD_SDK_CREDENTIALS_FILE", half.to_str().expect("utf-8"))];
    let error = CredentialChain::basic()
        .env(env(&vars))
        .resolve()
        .await
        .expect_err("half");
    assert!(
        error.to_string().contains("needs both `idp_id` and `id_token_file`"),
        "{error}"
    );
    let refusing = Server::start(|_, _| Reply::json(401, r#"{"error":{"code":"1101","message":"expired"}}"#)).await;
    let vars = [
        ("HUAWEICLOUD_SDK_IDP_ID", "idp-1"),
        ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", file),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &refusing.url()),
    ];
    let message = CredentialChain::basic()
        .env(env(&vars))
        .resolve()
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        message.contains("IdP federation (idp-1") && message.contains("HUAWEICLOUD_SDK_ID_TOKEN_FILE"),
        "{message}"
    );
    assert!(
        message.contains("API error 401 1101: expired") && !message.contains(ID_TOKEN_ASCII),
        "{message}"
    );
}

#[tokio::test]
async fn the_chain_tries_the_sdks_order() {
    let sts = sts("OIDC_AK", 3600.0).await;
    let metadata = Server::start(|r, _| match r.path() {
        "/openstack/latest/securitykey" => Reply::json(200, security_key("META_AK", &expires_in(3600.0))),
        _ => Reply::status(404),
    })
    .await;
    let agent = Server::start(|_, _| Reply::json(200, security_key("POD_AK", &expires_in(3600.0)))).await;
    let dir = TempDir::new();
    let token = dir.write("token", "eyJ.tok");
    let profile = dir.write("credentials", "[basic]\nak = PROFILE_AK\nsk = s\n");
    let agent_uri = format!("{}/v1/credentials", agent.url());
    let (token, profile) = (token.to_str().expect("utf-8"), profile.to_str().expect("utf-8"));
    let sts_url = sts.url();
    let oidc = oidc_vars(&sts_url, token);
    let keys = [("HUAWEICLOUD_SDK_AK", "ENV_AK"), ("HUAWEICLOUD_SDK_SK", "env-sk")];
    let file = [("HUAWEICLOUD_SDK_CREDENTIALS_FILE", profile)];
    let metadata_url = metadata.url();
    let meta = [("HUAWEICLOUD_SDK_METADATA_ENDPOINT", metadata_url.as_str())];
    let pod = [
        ("HC_CONTAINER_CREDENTIALS_FULL_URI", agent_uri.as_str()),
        ("HC_CONTAINER_AUTHORIZATION_TOKEN_FILE", token),
    ];
    assert_eq!(found([&oidc[..], &keys, &file, &meta, &pod].concat()).await, "OIDC_AK0");
    assert_eq!(found([&keys[..], &file, &meta, &pod].concat()).await, "ENV_AK");
    assert_eq!(found([&file[..], &meta, &pod].concat()).await, "PROFILE_AK");
    assert_eq!(found([&meta[..], &pod].concat()).await, "META_AK");
    assert_eq!(agent.count(), 0, "pod identity comes last");
    assert_eq!(found(pod.to_vec()).await, "POD_AK", "metadata off: pod identity");
    assert_eq!((sts.count(), metadata.count() > 0, agent.count()), (1, true, 1));
}

/// The access key of the credentials the chain finds with `vars`.
async fn found(vars: Vec<(&str, &str)>) -> String {
    access_key(
        &CredentialChain::basic()
            .env(env(&vars))
            .resolve()
            .await
            .expect("found")
            .credentials,
    )
}

#[tokio::test]
async fn the_metadata_switch_turns_it_off_or_points_it_elsewhere() {
    let off = CredentialChain::basic()
        .env(env(&[]))
        .resolve()
        .await
        .expect_err("nothing");
    let message = off.to_string();
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 6, "{message}");
    let names: Vec<&str> = lines[1..].iter().map(|l| l.split(':').next().expect("name")).collect();
    assert_eq!(
        names,
        [
            "- OIDC federation",
            "- environment variables",
            "- profile file",
            "- metadata service",
            "- pod identity"
        ]
    );
    assert_eq!(
        lines[4],
        "- metadata service: skipped (HUAWEICLOUD_SDK_METADATA_DISABLED is true)"
    );

    let metadata = Server::start(|r, _| match r.path() {
        "/openstack/latest/securitykey" => Reply::json(200, security_key("META_AK", &expires_in(3600.0))),
        _ => Reply::status(404),
    })
    .await;
    let elsewhere = env(&[("HUAWEICLOUD_SDK_METADATA_ENDPOINT", &metadata.url())]);
    let account = CredentialChain::basic()
        .env(elsewhere.clone())
        .resolve()
        .await
        .expect("found");
    assert_eq!(account.source, format!("metadata service {}", metadata.url()));
    // Code wins over the environment.
    let skipped = CredentialChain::basic()
        .env(elsewhere)
        .without_metadata()
        .resolve()
        .await
        .expect_err("off");
    assert!(
        skipped
            .to_string()
            .contains("metadata service: skipped (without_metadata)"),
        "{skipped}"
    );
    let typo = env(&[("HUAWEICLOUD_SDK_METADATA_DISABLED", "ture")]);
    let error = CredentialChain::basic()
        .env(typo)
        .resolve()
        .await
        .expect_err("not a boolean");
    assert!(
        error
            .to_string()
            .contains("metadata service: HUAWEICLOUD_SDK_METADATA_DISABLED is `ture`"),
        "{error}"
    );
}

#[tokio::test]
async fn the_domain_id_falls_back_to_sts_caller_identity() {
    for refusal in [
        Reply::json(403, r#"{"error":{"code":"IAM.0002","message":"no permission"}}"#),
        Reply::json(200, r#"{"domains":[]}"#),
    ] {
        let iam = iam(refusal).await;
        let sts = Server::start(|r, _| match r.path() {
            "/v5/caller-identity" => Reply::json(200, r#"{"account_id":"d-sts","principal_id":"u"}"#),
            _ => Reply::status(404),
        })
        .await;
        let vars = env(&[
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.url()),
            ("HUAWEICLOUD_SDK_STS_ENDPOINT", &sts.url()),
        ]);
        let account = Account::new(Credentials::aksk("AK", "SK")).with_env(vars);
        let config = config(account.credentials.clone());
        assert_eq!(
            account.domain_id_for(&config, "cn-north-4").await.expect("from STS"),
            "d-sts"
        );
        let asked = &sts.requests()[0];
        assert_eq!(
            (asked.method.as_str(), asked.target.as_str()),
            ("GET", "/v5/caller-identity")
        );
        assert!(
            asked
                .header("authorization")
                .expect("signed")
                .starts_with("SDK-HMAC-SHA256 Access=AK,")
        );
        account.domain_id_for(&config, "cn-north-4").await.expect("remembered");
        assert_eq!((iam.count(), sts.count()), (1, 1));
    }

    // Neither tells: both answers, and how to give the id.
    let iam = iam(Reply::json(200, r#"{"domains":[]}"#)).await;
    let sts = Server::start(|_, _| Reply::json(403, r#"{"error_code":"STS.0003","error_msg":"denied"}"#)).await;
    let config = config(Credentials::aksk("AK", "SK"));
    let (at_iam, at_sts) = (
        Endpoint::new(&iam.url()).expect("iam"),
        Endpoint::new(&sts.url()).expect("sts"),
    );
    let message = huawei::resolve_domain_id_via(&config, &at_iam, &at_sts)
        .await
        .expect_err("neither")
        .to_string();
    assert!(
        message.contains("lists no domain") && message.contains("HUAWEICLOUD_SDK_DOMAIN_ID"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "STS at {} refused to tell the domain id: API error 403 STS.0003",
            sts.url()
        )),
        "{message}"
    );
    // Without the fallback, STS is not asked.
    huawei::resolve_domain_id_at(&config, &at_iam)
        .await
        .expect_err("IAM only");
    assert_eq!(sts.count(), 1);
}

#[tokio::test]
async fn the_one_line_start() {
    let service = Server::start(|_, _| Reply::json(200, "{}")).await;
    let vars = [
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
        ("HUAWEICLOUD_SDK_AK", "ENV_AK"),
        ("HUAWEICLOUD_SDK_SK", "env-sk"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "p-1"),
    ];
    let loaded = Loader::new().env(env(&vars)).load().await.expect("loaded");
    assert_eq!(
        (loaded.region.as_str(), loaded.account.source.as_str()),
        ("cn-north-4", "environment variables")
    );
    assert_eq!(loaded.account.project_id.as_deref(), Some("p-1"));
    assert!(!format!("{loaded:?}").contains("env-sk"));
    let seen = send(&loaded.config, &service).await;
    assert!(
        seen.header("authorization")
            .expect("signed")
            .starts_with("SDK-HMAC-SHA256 Access=ENV_AK,")
    );

    // Federated keys, for global services, with client settings and the region in code.
    let sts = sts("OIDC_AK", 3600.0).await;
    let dir = TempDir::new();
    let token = dir.write("token", "eyJ.tok");
    let loaded = Loader::new()
        .env(env(&oidc_vars(&sts.url(), token.to_str().expect("utf-8"))))
        .global()
        .region("ap-southeast-1")
        .configure(|builder| builder.retry(RetryPolicy::none()).without_proxy())
        .load()
        .await
        .expect("loaded");
    assert_eq!(loaded.region, "ap-southeast-1");
    let seen = send(&loaded.config, &service).await;
    assert!(
        seen.header("authorization")
            .expect("signed")
            .starts_with("SDK-HMAC-SHA256 Access=OIDC_AK0,")
    );

    // No region: the variable is named, and no source is asked.
    let without = Loader::new()
        .env(env(&oidc_vars(&sts.url(), "/nowhere")))
        .load()
        .await
        .expect_err("no region");
    assert!(
        matches!(&without, Error::InvalidRequest(m) if m.starts_with("HUAWEICLOUD_SDK_REGION is not set")),
        "{without}"
    );
    assert_eq!(sts.count(), 1);
}
