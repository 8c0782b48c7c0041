//! Credential sources alone and in the default chain, with environments given in code and
//! files in a temporary folder: no real environment variable is read or written.

mod support;

use codegen_runtime::huawei::{
    CredentialChain, CredentialType, MetadataProvider, env_credentials, profile_credentials,
    profile_file_credentials,
};
use codegen_runtime::{Env, Error};
use support::{Reply, Server, TempDir, expires_in, security_key};

const PROFILE: &str = "\
[basic]
ak = PROFILE_AK
sk = profile-sk
project_id = profile-project
iam_endpoint = https://iam.private.example.com

[global]
ak = GLOBAL_AK
sk = global-sk
domain_id = profile-domain
";

fn env(pairs: &[(&str, &str)]) -> Env {
    Env::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

/// A fake metadata service handing out `META_AK`.
async fn metadata() -> Server {
    Server::start(|r, _| match r.path() {
        "/meta-data/latest/api/token" => Reply::status(404),
        _ => Reply::json(200, security_key("META_AK", &expires_in(3600.0))),
    })
    .await
}

fn access_key(account: &codegen_runtime::huawei::Account) -> String {
    let shown = format!("{:?}", account.credentials);
    let after = &shown[shown.find("access_key: ").expect("access key")..];
    after.split('"').nth(1).expect("quoted").to_owned()
}

#[test]
fn environment_alone() {
    let vars = env(&[
        ("HUAWEICLOUD_SDK_AK", "ENV_AK"),
        ("HUAWEICLOUD_SDK_SK", "env-sk"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "env-project"),
    ]);
    let account = env_credentials(&vars, CredentialType::Basic).expect("found");
    assert_eq!(access_key(&account), "ENV_AK");
    assert_eq!(account.project_id.as_deref(), Some("env-project"));
    assert_eq!(account.source, "environment variables");
}

#[test]
fn profile_with_and_without_project_id() {
    let dir = TempDir::new();
    let with = dir.write("with", PROFILE);
    let basic = profile_file_credentials(&with, CredentialType::Basic).expect("basic");
    assert_eq!(access_key(&basic), "PROFILE_AK");
    assert_eq!(basic.project_id.as_deref(), Some("profile-project"));
    assert_eq!(basic.iam_endpoint.as_deref(), Some("https://iam.private.example.com"));
    let global = profile_file_credentials(&with, CredentialType::Global).expect("global");
    assert_eq!(access_key(&global), "GLOBAL_AK");
    assert_eq!((global.project_id, global.domain_id.as_deref()), (None, Some("profile-domain")));

    let without = dir.write("without", "[basic]\nak = A\nsk = S\nsecurity_token = T\n");
    let basic = profile_file_credentials(&without, CredentialType::Basic).expect("basic");
    assert_eq!((basic.project_id, basic.iam_endpoint), (None, None));
    let missing_section = profile_file_credentials(&without, CredentialType::Global).unwrap_err();
    assert!(missing_section.to_string().contains("no [global] section"), "{missing_section}");
}

#[test]
fn profile_found_by_variable_or_home_and_errors_hide_secrets() {
    let dir = TempDir::new();
    let named = dir.write("elsewhere/creds.ini", PROFILE);
    let by_variable = env(&[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", named.to_str().expect("utf-8"))]);
    assert_eq!(access_key(&profile_credentials(&by_variable, CredentialType::Basic).expect("found")), "PROFILE_AK");
    dir.write("home/.huaweicloud/credentials", "[basic]\nak = HOME_AK\nsk = s\n");
    let home = dir.path().join("home");
    let by_home = env(&[("HOME", home.to_str().expect("utf-8"))]);
    let account = profile_credentials(&by_home, CredentialType::Basic).expect("found");
    assert_eq!(access_key(&account), "HOME_AK");
    assert!(account.source.contains(".huaweicloud/credentials"), "{}", account.source);

    let broken = dir.write("broken", "[basic]\nak = A\nsk very-secret-sk\n");
    let error = profile_file_credentials(&broken, CredentialType::Basic).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("line 3") && !message.contains("very-secret-sk"), "{message}");
    let half = dir.write("half", "[basic]\nak = A\n");
    let error = profile_file_credentials(&half, CredentialType::Basic).unwrap_err();
    assert!(error.to_string().contains("needs both `ak` and `sk`"), "{error}");
}

#[tokio::test]
async fn chain_takes_the_environment_first() {
    let dir = TempDir::new();
    let profile = dir.write("credentials", PROFILE);
    let server = metadata().await;
    let vars = env(&[
        ("HUAWEICLOUD_SDK_AK", "ENV_AK"),
        ("HUAWEICLOUD_SDK_SK", "env-sk"),
        ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", profile.to_str().expect("utf-8")),
    ]);
    let chain = CredentialChain::basic()
        .env(vars)
        .metadata(MetadataProvider::with_base_url(&server.url()).expect("address"));
    assert_eq!(access_key(&chain.resolve().await.expect("found")), "ENV_AK");
    assert_eq!(server.count(), 0, "the metadata service is not asked");
}

#[tokio::test]
async fn chain_takes_the_profile_before_the_metadata_service() {
    let dir = TempDir::new();
    let profile = dir.write("credentials", PROFILE);
    let server = metadata().await;
    let vars = env(&[
        ("HUAWEICLOUD_SDK_AK", "ENV_AK_WITHOUT_SK"),
        ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", profile.to_str().expect("utf-8")),
    ]);
    let chain = CredentialChain::global()
        .env(vars)
        .metadata(MetadataProvider::with_base_url(&server.url()).expect("address"));
    let account = chain.resolve().await.expect("found");
    assert_eq!(access_key(&account), "GLOBAL_AK");
    assert_eq!(account.domain_id.as_deref(), Some("profile-domain"));
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn chain_ends_with_the_metadata_service() {
    let dir = TempDir::new();
    let server = metadata().await;
    let vars = env(&[("HOME", dir.path().to_str().expect("utf-8"))]);
    let chain = CredentialChain::basic()
        .env(vars)
        .metadata(MetadataProvider::with_base_url(&server.url()).expect("address"));
    let account = chain.resolve().await.expect("found");
    assert!(account.source.starts_with("metadata service http://127.0.0.1:"), "{}", account.source);
    assert_eq!(account.project_id, None);
    assert!(account.credentials.is_refreshing());
    assert_eq!(server.count(), 2, "asked once, through the chain");
}

#[tokio::test]
async fn chain_says_why_each_source_was_skipped() {
    let dir = TempDir::new();
    let closed = support::closed_port().await;
    let vars = env(&[("HOME", dir.path().to_str().expect("utf-8")), ("HUAWEICLOUD_SDK_SK", "only-sk")]);
    let chain = CredentialChain::basic()
        .env(vars)
        .metadata(MetadataProvider::with_base_url(&format!("http://{closed}")).expect("address"));
    let error = chain.resolve().await.expect_err("nothing found");
    let Error::Credentials(message) = &error else {
        panic!("{error:?}");
    };
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 6, "{message}");
    assert!(lines[1].starts_with("- OIDC federation: HUAWEICLOUD_OIDC_PROVIDER_URN, "), "{message}");
    assert!(lines[2].starts_with("- environment variables: HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not"), "{message}");
    assert!(lines[3].starts_with("- profile file: profile file ") && lines[3].ends_with("does not exist"), "{message}");
    assert!(lines[4].starts_with("- metadata service: ") && lines[4].contains("cannot be reached"), "{message}");
    assert!(lines[5].starts_with("- pod identity: HC_CONTAINER_CREDENTIALS_FULL_URI and "), "{message}");
    assert!(!message.contains("only-sk"));
    let skipped = CredentialChain::basic().env(env(&[])).without_metadata().resolve().await.unwrap_err();
    assert!(skipped.to_string().contains("metadata service: skipped"), "{skipped}");
}

#[tokio::test]
async fn a_broken_profile_stops_the_chain_before_the_metadata_service() {
    let dir = TempDir::new();
    let server = metadata().await;
    let broken = dir.write("broken", "[basic]\nak = A\nsk very-secret-sk\n");
    let not_utf8 = dir.path().join("latin1");
    std::fs::write(&not_utf8, b"[basic]\nak = A\nsk = caf\xe9\n").expect("write");
    for path in [&broken, &not_utf8] {
        let vars = env(&[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", path.to_str().expect("utf-8"))]);
        let chain = CredentialChain::basic()
            .env(vars)
            .metadata(MetadataProvider::with_base_url(&server.url()).expect("address"));
        let error = chain.resolve().await.expect_err("the profile is broken");
        let message = error.to_string();
        assert!(matches!(error, Error::Credentials(_)), "{error:?}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("not tried") && !message.contains("very-secret-sk"), "{message}");
    }
    assert_eq!(server.count(), 0, "the metadata service was not asked");

    // Absent, or without the section or the keys: skipped, as the official SDKs do.
    let other_section = dir.write("global-only", "[global]\nak = G\nsk = S\n");
    for vars in [
        env(&[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/nonexistent/credentials")]),
        env(&[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", other_section.to_str().expect("utf-8"))]),
    ] {
        let chain = CredentialChain::basic()
            .env(vars)
            .metadata(MetadataProvider::with_base_url(&server.url()).expect("address"));
        let account = chain.resolve().await.expect("from the metadata service");
        assert!(account.source.starts_with("metadata service"), "{}", account.source);
    }
}

#[tokio::test]
async fn accounts_carry_the_environment_they_were_found_in() {
    let dir = TempDir::new();
    let profile = dir.write("credentials", PROFILE);
    let server = metadata().await;
    for vars in [
        env(&[("HUAWEICLOUD_SDK_AK", "ENV_AK"), ("HUAWEICLOUD_SDK_SK", "env-sk"), ("MARK", "1")]),
        env(&[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", profile.to_str().expect("utf-8")), ("MARK", "1")]),
        env(&[("HOME", dir.path().join("nowhere").to_str().expect("utf-8")), ("MARK", "1")]),
    ] {
        let chain = CredentialChain::basic()
            .env(vars)
            .metadata(MetadataProvider::with_base_url(&server.url()).expect("address"));
        let account = chain.resolve().await.expect("found");
        assert_eq!(account.env.get("MARK").as_deref(), Some("1"), "{}", account.source);
    }
}
