//! What a credential source finds: the credentials, and the ids and IAM endpoint that
//! came with them.

use crate::{Credentials, Env};

/// Which services the credentials are for, as in the official SDKs: project-level
/// services act for a project of one region (`BasicCredentials`), global services (IAM,
/// billing, ...) for the whole account (`GlobalCredentials`).
///
/// It picks the profile file section (`basic` or `global`) and the id read with the keys
/// (`project_id` or `domain_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialType {
    /// Project-level services; ids are project ids.
    Basic,
    /// Global services; ids are domain (account) ids.
    Global,
}

impl CredentialType {
    /// The profile file section of this type: `basic` or `global`.
    pub fn section(self) -> &'static str {
        match self {
            CredentialType::Basic => "basic",
            CredentialType::Global => "global",
        }
    }
}

/// Credentials as a source found them, with the project or domain id and the IAM
/// endpoint configured next to them (each `None` when not given: the ids can then be
/// looked up, see `Account::project_id_for` with the `client` feature).
///
/// `Debug` never shows a secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Account {
    /// What signs the requests.
    pub credentials: Credentials,
    /// The project id, for [`CredentialType::Basic`].
    pub project_id: Option<String>,
    /// The domain (account) id, for [`CredentialType::Global`].
    pub domain_id: Option<String>,
    /// The IAM endpoint to look ids up at (`iam_endpoint` of a profile file).
    pub iam_endpoint: Option<String>,
    /// Where the credentials came from, for messages: `environment variables`,
    /// `profile file /home/me/.huaweicloud/credentials`, ...
    pub source: String,
    /// Where the settings that go with these credentials are read: the endpoint
    /// overrides (`HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`, the regions file) and
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`. The environment the source read (a
    /// [`CredentialChain`](super::CredentialChain)'s, given with its `env`), else the
    /// process's.
    pub env: Env,
}

impl Account {
    /// Credentials given in code, with nothing else known yet.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            project_id: None,
            domain_id: None,
            iam_endpoint: None,
            source: "code".to_owned(),
            env: Env::process(),
        }
    }

    /// Sets the project id.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sets the domain (account) id.
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// Reads the endpoint overrides and the IAM endpoint variable from `env` instead of
    /// the process's environment.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Sets the IAM endpoint ids are looked up at.
    pub fn with_iam_endpoint(mut self, iam_endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(iam_endpoint.into());
        self
    }
}
