//! Credentials from the profile file, as the official SDKs read it:
//! `~/.huaweicloud/credentials`, or the file `HUAWEICLOUD_SDK_CREDENTIALS_FILE` names.
//!
//! ```ini
//! [basic]
//! ak = ...
//! sk = ...
//! ; optional:
//! project_id = ...
//! ; optional, for temporary keys:
//! security_token = ...
//! ; optional:
//! iam_endpoint = ...
//! ; instead of ak and sk, IdP federation (taken first when both are set):
//! idp_id = ...
//! id_token_file = ...
//!
//! [global]
//! ak = ...
//! sk = ...
//! ; optional:
//! domain_id = ...
//! ```
//!
//! Comments take whole lines: as in Python's `configparser`, a `;` or `#` after a value
//! is part of the value.
//!
//! A file that is absent, or lacks the section or its keys, is skipped by the
//! [`CredentialChain`](super::CredentialChain); one that exists but cannot be read or
//! parsed stops it with an error, as in the official SDKs, rather than let the program
//! run as another identity (the server's agency) unnoticed.

use super::chain::Failure;
use super::{Account, AkSk, CredentialType, idp, ini};
use crate::{Credentials, Env, Error};
use std::path::{Path, PathBuf};

/// The variable naming another profile file.
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// The profile file that [`profile_credentials`] reads: the one
/// `HUAWEICLOUD_SDK_CREDENTIALS_FILE` names, else `.huaweicloud/credentials` in the home
/// folder; `None` without either.
pub fn profile_path(env: &Env) -> Option<PathBuf> {
    if let Some(path) = env.get(ENV_CREDENTIALS_FILE) {
        return Some(PathBuf::from(path));
    }
    env.home_dir().map(|home| home.join(".huaweicloud").join("credentials"))
}

/// Credentials from the profile file of `env` (see [`profile_path`]).
pub fn profile_credentials(env: &Env, kind: CredentialType) -> Result<Account, Error> {
    let path = profile_path(env).ok_or_else(|| {
        Error::Credentials(format!("no profile file: neither {ENV_CREDENTIALS_FILE} nor a home folder is set"))
    })?;
    read(&path, kind, env).map_err(Failure::into_error)
}

/// Credentials from the section `basic` or `global` (after `kind`) of the profile file at
/// `path`: `ak`, `sk`, optional `security_token`, `project_id` (basic) or `domain_id`
/// (global), and `iam_endpoint`; or, taken first as in the official SDKs, `idp_id` and
/// `id_token_file` for IdP federation (an `IdpProvider`, feature
/// `client`, exchanging at `iam_endpoint`, else `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else
/// `https://iam.myhuaweicloud.com`). Settings not in the file (the IAM endpoint variable,
/// proxies) are read from the process's environment: [`profile_credentials`] takes
/// another.
///
/// Fails with [`Error::Credentials`] when the file does not exist or cannot be read (not
/// UTF-8 included), is not valid (the message names the line, never its text), has no
/// such section, or the section lacks `ak` or `sk` (or has only one of `idp_id` and
/// `id_token_file`).
pub fn profile_file_credentials(path: &Path, kind: CredentialType) -> Result<Account, Error> {
    read(path, kind, &Env::process()).map_err(Failure::into_error)
}

/// The credentials of the profile file at `path`, or why not: no file, no such section or
/// no keys are skipped; a file that cannot be read or parsed, or half an IdP setting, is
/// broken.
pub(super) fn read(path: &Path, kind: CredentialType, env: &Env) -> Result<Account, Failure> {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::Skipped(format!("profile file {shown} does not exist")));
        }
        Err(e) => return Err(Failure::Broken(format!("profile file {shown} cannot be read: {e}"))),
    };
    let sections = ini::parse(&text).map_err(|e| Failure::Broken(format!("profile file {shown}, {e}")))?;
    let section = kind.section();
    let values = sections
        .get(section)
        .ok_or_else(|| Failure::Skipped(format!("profile file {shown} has no [{section}] section")))?;
    let value = |key: &str| values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
    let iam_endpoint = value("iam_endpoint");
    let mut account = match (value("idp_id"), value("id_token_file")) {
        (Some(idp_id), Some(file)) => {
            let federated = idp::federated(idp_id, PathBuf::from(file), iam_endpoint.as_deref(), env, "id_token_file");
            let mut account = federated.map_err(|why| Failure::Broken(format!("profile file {shown}: {why}")))?;
            account.source = format!("profile file {shown}, {}", account.source);
            account
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(Failure::Broken(format!(
                "the [{section}] section of profile file {shown} needs both `idp_id` and `id_token_file`"
            )));
        }
        (None, None) => {
            let skipped = |why| Failure::Skipped(format!("the [{section}] section of profile file {shown} {why}"));
            let mut account = keys(&value).map_err(skipped)?;
            account.source = format!("profile file {shown}");
            account
        }
    };
    account.env = env.clone();
    account.iam_endpoint = iam_endpoint;
    match kind {
        CredentialType::Basic => account.project_id = value("project_id"),
        CredentialType::Global => account.domain_id = value("domain_id"),
    }
    Ok(account)
}

/// An account with the section's `ak`, `sk` and `security_token`.
fn keys(value: &dyn Fn(&str) -> Option<String>) -> Result<Account, &'static str> {
    let (Some(ak), Some(sk)) = (value("ak"), value("sk")) else {
        return Err("needs both `ak` and `sk`");
    };
    let mut signer = AkSk::new(ak, sk);
    if let Some(token) = value("security_token") {
        signer = signer.with_security_token(token);
    }
    Ok(Account::new(Credentials::signer(signer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_from_the_variable_or_the_home_folder() {
        let named = Env::from_pairs([(ENV_CREDENTIALS_FILE, "/etc/hw"), ("HOME", "/home/me")]);
        assert_eq!(profile_path(&named), Some(PathBuf::from("/etc/hw")));
        let home = Env::from_pairs([("HOME", "/home/me")]);
        assert_eq!(profile_path(&home), Some(PathBuf::from("/home/me/.huaweicloud/credentials")));
        assert_eq!(profile_path(&Env::from_pairs::<&str, &str>([])), None);
        let error = profile_credentials(&Env::from_pairs::<&str, &str>([]), CredentialType::Basic).unwrap_err();
        assert!(error.to_string().contains("no profile file"), "{error}");
    }
}
