//! Credentials from environment variables, named as in the official SDKs: keys, or an
//! identity provider's ID token to exchange for keys (IdP federation).

use super::chain::Failure;
use super::{Account, AkSk, CredentialType, idp};
use crate::{Credentials, Env, Error};
use std::path::PathBuf;

/// The access key id.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// The secret key.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// The security token of temporary credentials (optional).
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// The project id, for [`CredentialType::Basic`] (optional).
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// The domain (account) id, for [`CredentialType::Global`] (optional).
pub const ENV_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
/// The id of an identity provider configured in IAM (IdP federation, with
/// [`ENV_ID_TOKEN_FILE`]).
pub const ENV_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
/// A file holding an ID token of that identity provider.
pub const ENV_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";

/// Credentials from the environment, as the official SDKs read it:
///
/// - with `HUAWEICLOUD_SDK_IDP_ID` and `HUAWEICLOUD_SDK_ID_TOKEN_FILE` both set, the
///   temporary keys the identity provider's ID token is exchanged for at IAM (an
///   `IdpProvider`, feature `client`; IAM at
///   `HUAWEICLOUD_SDK_IAM_ENDPOINT` or `https://iam.myhuaweicloud.com`), taken before any
///   keys;
/// - else `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`, with
///   `HUAWEICLOUD_SDK_SECURITY_TOKEN` when set;
///
/// with `HUAWEICLOUD_SDK_PROJECT_ID` ([`CredentialType::Basic`]) or
/// `HUAWEICLOUD_SDK_DOMAIN_ID` ([`CredentialType::Global`]).
///
/// Empty variables count as unset. Fails with [`Error::Credentials`], saying which
/// variable is missing, unless both keys or both IdP settings are set (and, for IdP
/// federation, without the `client` feature). Nothing is exchanged yet: the
/// [`CredentialChain`](super::CredentialChain) does that once to check.
pub fn env_credentials(env: &Env, kind: CredentialType) -> Result<Account, Error> {
    read(env, kind).map_err(Failure::into_error)
}

/// The credentials of `env`, or why not: half an IdP setting is broken (the program
/// meant to federate), half a key pair only skipped, as before IdP federation existed.
pub(super) fn read(env: &Env, kind: CredentialType) -> Result<Account, Failure> {
    let mut account = match (env.get(ENV_IDP_ID), env.get(ENV_ID_TOKEN_FILE)) {
        (Some(idp_id), Some(file)) => {
            idp::federated(idp_id, PathBuf::from(file), None, env, ENV_ID_TOKEN_FILE).map_err(Failure::Broken)?
        }
        (Some(_), None) => {
            return Err(Failure::Broken(format!("IdP federation: {ENV_IDP_ID} is set but {ENV_ID_TOKEN_FILE} is not")));
        }
        (None, Some(_)) => {
            return Err(Failure::Broken(format!("IdP federation: {ENV_ID_TOKEN_FILE} is set but {ENV_IDP_ID} is not")));
        }
        (None, None) => keys(env)?,
    };
    account.env = env.clone();
    match kind {
        CredentialType::Basic => account.project_id = env.get(ENV_PROJECT_ID),
        CredentialType::Global => account.domain_id = env.get(ENV_DOMAIN_ID),
    }
    Ok(account)
}

/// `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` and `HUAWEICLOUD_SDK_SECURITY_TOKEN`.
fn keys(env: &Env) -> Result<Account, Failure> {
    let (ak, sk) = match (env.get(ENV_AK), env.get(ENV_SK)) {
        (Some(ak), Some(sk)) => (ak, sk),
        (None, None) => return Err(Failure::Skipped(format!("{ENV_AK} and {ENV_SK} are not set"))),
        (Some(_), None) => return Err(Failure::Skipped(format!("{ENV_AK} is set but {ENV_SK} is not"))),
        (None, Some(_)) => return Err(Failure::Skipped(format!("{ENV_SK} is set but {ENV_AK} is not"))),
    };
    let mut signer = AkSk::new(ak, sk);
    if let Some(token) = env.get(ENV_SECURITY_TOKEN) {
        signer = signer.with_security_token(token);
    }
    let mut account = Account::new(Credentials::signer(signer));
    account.source = "environment variables".to_owned();
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn keys_token_and_the_id_of_the_type() {
        let vars = env(&[
            (ENV_AK, "AK1"),
            (ENV_SK, "s3cr3t-sk"),
            (ENV_SECURITY_TOKEN, "s3cr3t-token"),
            (ENV_PROJECT_ID, "p1"),
            (ENV_DOMAIN_ID, "d1"),
        ]);
        let basic = env_credentials(&vars, CredentialType::Basic).expect("found");
        assert_eq!((basic.project_id.as_deref(), basic.domain_id.as_deref()), (Some("p1"), None));
        let global = env_credentials(&vars, CredentialType::Global).expect("found");
        assert_eq!((global.project_id.as_deref(), global.domain_id.as_deref()), (None, Some("d1")));
        let shown = format!("{basic:?}");
        assert!(shown.contains("AK1") && !shown.contains("s3cr3t"), "{shown}");
        let mut request = http::Request::get("https://ecs.example.com/v1").body(Vec::new()).unwrap();
        basic.credentials.apply(&mut request, SystemTime::now()).expect("signed");
        assert_eq!(request.headers()["x-security-token"], "s3cr3t-token");
        let signed = request.headers()["authorization"].to_str().unwrap();
        assert!(signed.contains("x-security-token"), "the token is signed: {signed}");
    }

    #[test]
    fn half_an_idp_setting_is_broken_half_a_key_pair_skipped() {
        let idp_only = env(&[(ENV_IDP_ID, "idp-1"), (ENV_AK, "A"), (ENV_SK, "S")]);
        let Err(Failure::Broken(why)) = read(&idp_only, CredentialType::Basic) else { panic!("broken") };
        assert_eq!(why, "IdP federation: HUAWEICLOUD_SDK_IDP_ID is set but HUAWEICLOUD_SDK_ID_TOKEN_FILE is not");
        let Err(Failure::Skipped(_)) = read(&env(&[(ENV_AK, "A")]), CredentialType::Basic) else { panic!("skipped") };
    }

    #[test]
    fn says_which_key_is_missing() {
        let reason = |pairs: &[(&str, &str)]| env_credentials(&env(pairs), CredentialType::Basic).unwrap_err().to_string();
        assert!(reason(&[]).contains("HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set"));
        assert!(reason(&[(ENV_AK, "a")]).contains("HUAWEICLOUD_SDK_SK is not"));
        assert!(reason(&[(ENV_SK, "s"), (ENV_AK, "")]).contains("HUAWEICLOUD_SDK_AK is not"));
    }
}
