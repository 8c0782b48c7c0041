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

use super::{Account, AkSk, CredentialType, ini};
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
    profile_file_credentials(&path, kind).map(|account| account.with_env(env.clone()))
}

/// Credentials from the section `basic` or `global` (after `kind`) of the profile file at
/// `path`: `ak`, `sk`, optional `security_token`, `project_id` (basic) or `domain_id`
/// (global), and `iam_endpoint`.
///
/// Fails with [`Error::Credentials`] when the file does not exist or cannot be read (not
/// UTF-8 included), is not valid (the message names the line, never its text), has no
/// such section, or the section lacks `ak` or `sk`.
pub fn profile_file_credentials(path: &Path, kind: CredentialType) -> Result<Account, Error> {
    read(path, kind).map_err(|failure| match failure {
        Failure::Skipped(reason) | Failure::Broken(reason) => Error::Credentials(reason),
    })
}

/// Why the profile file gave no credentials.
pub(super) enum Failure {
    /// Nothing to use: no file, no such section, no keys. The chain goes on.
    Skipped(String),
    /// The file exists but cannot be read or parsed. The chain stops.
    Broken(String),
}

/// The credentials of the profile file at `path`, or why not.
pub(super) fn read(path: &Path, kind: CredentialType) -> Result<Account, Failure> {
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
    let (Some(ak), Some(sk)) = (value("ak"), value("sk")) else {
        return Err(Failure::Skipped(format!(
            "the [{section}] section of profile file {shown} needs both `ak` and `sk`"
        )));
    };
    let mut signer = AkSk::new(ak, sk);
    if let Some(token) = value("security_token") {
        signer = signer.with_security_token(token);
    }
    let mut account = Account::new(Credentials::signer(signer));
    account.source = format!("profile file {shown}");
    account.iam_endpoint = value("iam_endpoint");
    match kind {
        CredentialType::Basic => account.project_id = value("project_id"),
        CredentialType::Global => account.domain_id = value("domain_id"),
    }
    Ok(account)
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
