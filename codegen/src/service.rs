//! Per-service settings: `codegen.toml` beside the specs.
//!
//! The specs say what the operations are; this file says how the crate presents the
//! service: whose it is, what to call it, and where it is reached. A second vendor goes
//! through the same pipeline by configuration alone.
//!
//! ```toml
//! vendor = "Alibaba Cloud"
//! service = "Function Compute"
//! host_template = "{account_id}.{region}.fc.aliyuncs.com"
//! runtime_vendor = "alibaba"
//! array_query = "spec"
//! ```

use crate::diag::Diagnostic;
use serde::Deserialize;
use std::path::Path;

/// The file name looked for in the spec folder.
pub const FILE_NAME: &str = "codegen.toml";

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// Whose API it is, e.g. `Huawei Cloud` (the default) or `Alibaba Cloud`.
    pub vendor: Option<String>,
    /// The service's name in docs; default: the specs' `product_short`.
    pub service: Option<String>,
    /// The host with `{placeholders}` (e.g. `{region}`) that the generated `endpoint`
    /// function takes as arguments; default: the specs' `host` with its region replaced
    /// by `{region}`.
    pub host_template: Option<String>,
    /// The runtime's vendor module (and cargo feature) the crate uses for signing and
    /// for reading answers: `huawei` (the default) or `alibaba`.
    pub runtime_vendor: Option<String>,
    /// How array query parameters are sent: `repeat` (the default) sends one `name=value`
    /// pair per element whatever the spec declares, as Huawei's SDKs do; `spec` sends
    /// what the spec declares (`collectionFormat`, or OpenAPI 3.0 `style`/`explode`), for
    /// a service that really wants `a=1,2`.
    pub array_query: Option<ArrayQuery>,
    /// Whom the service's requests act for (`SERVICE` and `Client::from_account` of a
    /// Huawei crate): `project` (a project id in paths and `X-Project-Id`) or `global`
    /// (the domain id in `X-Domain-Id`). Default: `project` when a path is scoped by
    /// `{project_id}`, else `global`; set it for a regional service whose paths carry no
    /// project id.
    pub scope: Option<Scope>,
    /// Who fills `{project_id}` path parameters: `auto` (the default: the endpoint, except
    /// right after a `projects` segment, where the parameter names the project acted on),
    /// `endpoint` (always, as for CCE's `/api/v3/projects/{project_id}/clusters`), or
    /// `request` (never: an id of the service's own projects, as in CodeArts Repo).
    pub project_id_in_path: Option<ProjectIdInPath>,
    /// Extra `[dev-dependencies]` of the crate, for its hand-written examples
    /// (`base64 = "0.22"`).
    #[serde(rename = "dev-dependencies")]
    pub dev_dependencies: Option<toml::Table>,
}

/// The `project_id_in_path` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectIdInPath {
    /// The endpoint's, unless it follows a `projects` segment.
    #[default]
    Auto,
    /// Always the endpoint's.
    Endpoint,
    /// Always a field of the request.
    Request,
}

/// The `scope` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// A project of one region.
    Project,
    /// The whole account.
    Global,
}

/// The `array_query` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArrayQuery {
    /// One pair per element (`a=1&a=2`), whatever the spec declares.
    #[default]
    Repeat,
    /// As the spec declares.
    Spec,
}

/// The vendor modules of the runtime crate.
pub const RUNTIME_VENDORS: &[&str] = &["huawei", "alibaba"];

impl ServiceConfig {
    /// Reads `codegen.toml` from the spec folder; the defaults when there is none.
    pub fn load(specs: &Path) -> Result<Self, Diagnostic> {
        Self::load_or(specs, None)
    }

    /// Reads `codegen.toml` from the spec folder; when there is none, `fallback` (the
    /// text of such a file, e.g. a catalogue's built-in settings for the service), else
    /// the defaults.
    pub fn load_or(specs: &Path, fallback: Option<&str>) -> Result<Self, Diagnostic> {
        let path = specs.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match fallback {
                Some(text) => text.to_owned(),
                None => return Ok(Self::default()),
            },
            Err(e) => return Err(Diagnostic::error(&path, "", format!("cannot read: {e}"))),
        };
        let config: Self = toml::from_str(&text)
            .map_err(|e| Diagnostic::error(&path, "", format!("invalid service settings: {e}")))?;
        if let Some(template) = &config.host_template {
            for name in placeholders(template) {
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    return Err(Diagnostic::error(
                        &path,
                        "",
                        format!("`{{{name}}}` in host_template: placeholders are snake_case words"),
                    ));
                }
            }
        }
        if let Some(vendor) = &config.runtime_vendor
            && !RUNTIME_VENDORS.contains(&vendor.as_str())
        {
            return Err(Diagnostic::error(
                &path,
                "",
                format!("runtime_vendor `{vendor}` is not one of {}", RUNTIME_VENDORS.join(", ")),
            ));
        }
        Ok(config)
    }
}

/// The `{names}` of a template, in order, without repeats.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        let name = rest[open + 1..open + close].to_owned();
        if !out.contains(&name) {
            out.push(name);
        }
        rest = &rest[open + close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_order() {
        assert_eq!(
            placeholders("{account_id}.{region}.fc.aliyuncs.com"),
            vec!["account_id".to_owned(), "region".to_owned()]
        );
        assert!(placeholders("fixed.example.com").is_empty());
    }

    #[test]
    fn array_query_is_repeat_or_spec() {
        let spec: ServiceConfig = toml::from_str("array_query = \"spec\"").expect("valid");
        assert_eq!(spec.array_query, Some(ArrayQuery::Spec));
        let repeat: ServiceConfig = toml::from_str("array_query = \"repeat\"").expect("valid");
        assert_eq!(repeat.array_query, Some(ArrayQuery::Repeat));
        assert!(toml::from_str::<ServiceConfig>("array_query = \"csv\"").is_err());
        let global: ServiceConfig = toml::from_str("scope = \"global\"").expect("valid");
        assert_eq!(global.scope, Some(Scope::Global));
        assert!(toml::from_str::<ServiceConfig>("scope = \"region\"").is_err());
        let request: ServiceConfig = toml::from_str("project_id_in_path = \"request\"").expect("valid");
        assert_eq!(request.project_id_in_path, Some(ProjectIdInPath::Request));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let dir = std::env::temp_dir().join(format!("codegen-service-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        std::fs::write(dir.join(FILE_NAME), "vendr = \"x\"\n").expect("write");
        let result = ServiceConfig::load(&dir);
        std::fs::remove_dir_all(&dir).expect("cleanup");
        assert!(result.is_err());
    }
}
