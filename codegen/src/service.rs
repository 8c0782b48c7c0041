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
//!
//! How error answers are read is data too: OBS answers `<Error><Code>..` with its request
//! id in `x-obs-request-id`, which these keys tell the crate's `VENDOR`:
//!
//! ```toml
//! request_id_headers = ["x-obs-request-id", "x-obs-id-2"]
//! error_code_fields = ["Code"]
//! error_message_fields = ["Message"]
//! request_id_fields = ["RequestId"]
//! ```
//!
//! A Huawei service also carries the official SDK's regions and endpoints
//! ([`region_table`]), from `specs/regions/<Service>.json`, and its name in derived
//! signing ([`derived_auth_service_name_for`]), from `specs/derived-auth/services.json`.

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
    /// Huawei crate): `project` (a project id in paths and `X-Project-Id`), `global`
    /// (the domain id in `X-Domain-Id`) or `unscoped` (the credentials alone, no id
    /// looked up: OBS, whose buckets say whose they are). Default: `project` when a path is
    /// scoped by `{project_id}`, else `global`; set it for a regional service whose paths
    /// carry no project id.
    pub scope: Option<Scope>,
    /// How requests are signed: `sdk` (the default: `SDK-HMAC-SHA256` or the algorithm the
    /// credentials choose) or `obs` (OBS's own `Authorization: OBS <AK>:<signature>`, whose
    /// `Date` header the signer sets too, so neither is a request field).
    pub signature: Option<Signature>,
    /// Path parameters that are object keys (OBS's `object_key`): their `/` separate the
    /// key's own "folders" and are sent as they are, where any other path parameter stays
    /// one segment.
    pub object_key_parameters: Option<Vec<String>>,
    /// Who fills `{project_id}` path parameters: `auto` (the default: the endpoint, except
    /// right after a `projects` segment, where the parameter names the project acted on),
    /// `endpoint` (always, as for CCE's `/api/v3/projects/{project_id}/clusters`), or
    /// `request` (never: an id of the service's own projects, as in CodeArts Repo).
    pub project_id_in_path: Option<ProjectIdInPath>,
    /// The region table (`specs/regions/<name>.json`) the crate carries, for a service
    /// whose name is not the table's; default: the table named like the service, if any.
    pub regions: Option<String>,
    /// The service's name in derived signing (`V11-HMAC-SHA256`), which a Huawei crate's
    /// `SERVICE` carries for credentials with a derived predicate; `""` for none. Default:
    /// the official SDK's for the service named like it (`specs/derived-auth/services.json`:
    /// IoTDA's `iotdm`), else none.
    pub derived_auth_service_name: Option<String>,
    /// Hand-written modules of the crate that use its client (`transfer`): their files,
    /// `src/<name>.rs`, come with the crate's extras (`codegen/extras/<crate>/`), and the
    /// crate root declares them `pub mod <name>;` behind the `client` feature.
    pub client_modules: Option<Vec<String>>,
    /// Response headers that carry the request id, most specific first; replaces the
    /// runtime vendor's list (`huawei`: `x-request-id`, `x-cff-request-id`), so list
    /// those too where the service also sends them.
    pub request_id_headers: Option<Vec<String>>,
    /// Members of an error body (JSON members, or child elements of an XML body's root)
    /// that hold the error code, tried in order; replaces the vendor's list.
    pub error_code_fields: Option<Vec<String>>,
    /// Members that hold the error message; replaces the vendor's list.
    pub error_message_fields: Option<Vec<String>>,
    /// Members that hold the request id when no header does; replaces the vendor's list.
    pub request_id_fields: Option<Vec<String>>,
    /// How list operations page, by `operationId`, where detection is wrong or cannot
    /// tell (see [`crate::model::pagination`]); each entry gives its evidence.
    pub pagination: Option<std::collections::BTreeMap<String, PaginationSetting>>,
    /// Extra `[dev-dependencies]` of the crate, for its hand-written examples
    /// (`base64 = "0.22"`).
    #[serde(rename = "dev-dependencies")]
    pub dev_dependencies: Option<toml::Table>,
    /// The service's job resource, for waiters (`[waiters]`; see [`WaiterSettings`]).
    pub waiters: Option<WaiterSettings>,
}

/// The `[waiters]` table: which operation shows one of the service's asynchronous jobs,
/// how to read its answer, and which operations start such jobs.
///
/// ```toml
/// [waiters]
/// evidence = "ShowJob.json: status SUCCESS / RUNNING / FAIL / INIT; DeleteServers answers a job_id"
/// operation = "ShowJob"
/// status = "status"
/// success = ["SUCCESS"]
/// failure = ["FAIL"]
/// running = ["RUNNING", "INIT"]
/// error_code = "error_code"
/// reason = "fail_reason"
/// details = ["entities"]
/// ```
///
/// The operations that start a job are found in the specs: those whose one success answer
/// has a `job_id` text property. `exclude` takes out those whose `job_id` is not one of
/// this resource's.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterSettings {
    /// Why these settings are right: the spec text or SDK model that says so. Required.
    pub evidence: String,
    /// The `operationId` of the job resource (`ShowJob`, `GET /v1/{project_id}/jobs/{job_id}`).
    pub operation: String,
    /// Its parameter that takes the job id; default `job_id`.
    pub job_id_param: Option<String>,
    /// Where the status is in its answer, with dots for nested objects (`status`,
    /// `job.status`).
    pub status: String,
    /// The status values that mean the job succeeded.
    pub success: Vec<String>,
    /// The status values that mean the job failed.
    pub failure: Vec<String>,
    /// The status values that mean the job is still going (others are waited for too,
    /// but these are documented).
    #[serde(default)]
    pub running: Vec<String>,
    /// Where a failed job's error code is (`error_code`).
    pub error_code: Option<String>,
    /// Where a failed job's reason is (`fail_reason`).
    pub reason: Option<String>,
    /// Further parts of a failed job's answer worth keeping (`entities`).
    #[serde(default)]
    pub details: Vec<String>,
    /// Operations with a `job_id` that is not one of this resource's.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl WaiterSettings {
    /// The parameter of the job operation that takes the job id.
    pub fn job_id_param(&self) -> &str {
        self.job_id_param.as_deref().unwrap_or("job_id")
    }

    /// Checks what can be checked without the specs.
    fn check(&self) -> Result<(), String> {
        if self.evidence.trim().is_empty() {
            return Err("[waiters] needs an `evidence`: the spec text or SDK model that says so".to_owned());
        }
        if self.success.is_empty() || self.failure.is_empty() {
            return Err("[waiters] needs at least one `success` and one `failure` status".to_owned());
        }
        let mut seen: Vec<&str> = Vec::new();
        for value in self.success.iter().chain(&self.failure).chain(&self.running) {
            if value.is_empty() || seen.contains(&value.as_str()) {
                return Err(format!("[waiters] status `{value}` is empty or listed twice"));
            }
            seen.push(value);
        }
        let paths = std::iter::once(&self.status).chain(&self.error_code).chain(&self.reason).chain(&self.details);
        for path in paths {
            let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !path.split('.').all(word) {
                return Err(format!("[waiters] `{path}` is not a path of property names joined by dots"));
            }
        }
        Ok(())
    }
}

/// A `[pagination.<OperationId>]` entry: the style of one operation, and the names
/// detection would otherwise guess. Unset names are detected as usual.
///
/// ```toml
/// [pagination.ListServersDetails]
/// style = "offset_pages"
/// first = 1
/// evidence = "the spec: `offset` is 页码 (the page number), default 1"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSetting {
    /// How the operation pages.
    pub style: PagingStyle,
    /// Why: where the vendor says so (the spec's words, the SDK, the API reference).
    pub evidence: String,
    /// The query parameter of the marker, offset or page number.
    pub cursor: Option<String>,
    /// The query parameter of the page size.
    pub limit: Option<String>,
    /// The first offset or page number, when the request gives none (default: 0 for
    /// offsets counted in items, 1 for pages).
    pub first: Option<u64>,
    /// The array field of the answer holding the items.
    pub items: Option<String>,
    /// The field of the next marker (`next_marker`, `page_info.next_marker`), or
    /// `last_item.<field>` for a field of the page's last item.
    pub next_marker: Option<String>,
    /// The field of the total number of items (`count`); `""`: none.
    pub total: Option<String>,
    /// The field saying whether more pages follow; `""`: none.
    pub has_more: Option<String>,
}

/// The `style` of a `[pagination.<OperationId>]` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PagingStyle {
    /// A marker: `next_marker` of the page, or its last item's id.
    Marker,
    /// An offset counted in items.
    OffsetItems,
    /// An offset counted in pages (a page number under the name `offset`).
    OffsetPages,
    /// A page number.
    PageNumber,
    /// A page size only: one page.
    LimitOnly,
    /// Not paged, whatever detection finds.
    None,
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
    /// Whoever the credentials are; no id is sent.
    Unscoped,
}

/// The `signature` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Signature {
    /// Huawei's API Gateway signature (`SDK-HMAC-SHA256` and its variants).
    #[default]
    Sdk,
    /// OBS's own (`Authorization: OBS <AK>:<Base64(HMAC-SHA1)>`).
    Obs,
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
        if let Some(name) = &config.regions
            && region_table(name).is_none()
        {
            return Err(Diagnostic::error(
                &path,
                "",
                format!("regions `{name}` is not a table of specs/regions (one of {})", table_names().join(", ")),
            ));
        }
        for name in config.client_modules.iter().flatten() {
            let word = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !word || ["models", "operations", "client", "huawei", "alibaba", "auth"].contains(&name.as_str()) {
                return Err(Diagnostic::error(
                    &path,
                    "",
                    format!("client_modules: `{name}` is not a snake_case module name of its own"),
                ));
            }
        }
        if let Some(name) = config.derived_auth_service_name.as_deref().filter(|n| !n.is_empty()) {
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
                return Err(Diagnostic::error(
                    &path,
                    "",
                    format!("derived_auth_service_name `{name}`: letters, digits, `-`, `_` and `.` only"),
                ));
            }
            if config.runtime_vendor.as_deref().is_some_and(|v| v != "huawei") {
                return Err(Diagnostic::error(&path, "", "derived_auth_service_name is a setting of Huawei services"));
            }
        }
        if config.signature.is_some_and(|s| s != Signature::Sdk)
            && config.runtime_vendor.as_deref().is_some_and(|v| v != "huawei")
        {
            return Err(Diagnostic::error(&path, "", "signature is a setting of Huawei services"));
        }
        if let Some(waiters) = &config.waiters {
            waiters.check().map_err(|message| Diagnostic::error(&path, "", message))?;
        }
        for (key, names) in config.error_settings() {
            let header = key == "request_id_headers";
            for name in names {
                let fits = if header {
                    http_header_name(name)
                } else {
                    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c.is_control())
                };
                if !fits {
                    let what = if header { "a lower-case HTTP header name" } else { "a member name without blanks" };
                    return Err(Diagnostic::error(&path, "", format!("`{name}` in {key}: expected {what}")));
                }
            }
        }
        for (id, entry) in config.pagination.iter().flatten() {
            if entry.evidence.trim().is_empty() {
                return Err(Diagnostic::error(&path, "", format!("[pagination.{id}]: `evidence` is empty; say where the vendor tells the style")));
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

impl ServiceConfig {
    /// The error-answer settings that are set, by key (also the runtime `Vendor`'s field
    /// names), in the order of `Vendor`'s fields.
    pub fn error_settings(&self) -> Vec<(&'static str, &[String])> {
        [
            ("request_id_headers", &self.request_id_headers),
            ("error_code_fields", &self.error_code_fields),
            ("error_message_fields", &self.error_message_fields),
            ("request_id_fields", &self.request_id_fields),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_deref().map(|names| (key, names)))
        .collect()
    }
}

/// A header name as the runtime looks it up: a non-empty HTTP token in lower case.
fn http_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "!#$%&'*+-.^_`|~".contains(c))
}

/// The regions of a service as Huawei's official Python SDK lists them, read by
/// `specs/regions/extract.py` from the package's `<service>_region.py`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RegionTable {
    /// The SDK package, e.g. `huaweicloudsdkfunctiongraph`.
    pub package: String,
    /// Its version, e.g. `3.1.219`.
    pub version: String,
    /// `region id → endpoints`, in the SDK's order; a client uses the first endpoint.
    pub regions: indexmap::IndexMap<String, Vec<String>>,
}

/// The tables of `specs/regions`, built into codegen so that a build script or a copy
/// of the binary needs no path to them (`region_tables_are_those_of_the_folder` checks
/// the list).
const REGION_TABLES: &[(&str, &str)] = &[
    ("AOS", include_str!("../../specs/regions/AOS.json")),
    ("BMS", include_str!("../../specs/regions/BMS.json")),
    ("CAE", include_str!("../../specs/regions/CAE.json")),
    ("CC", include_str!("../../specs/regions/CC.json")),
    ("CCE", include_str!("../../specs/regions/CCE.json")),
    ("COC", include_str!("../../specs/regions/COC.json")),
    ("CPH", include_str!("../../specs/regions/CPH.json")),
    ("CSE", include_str!("../../specs/regions/CSE.json")),
    ("CodeHub", include_str!("../../specs/regions/CodeHub.json")),
    ("DGC", include_str!("../../specs/regions/DGC.json")),
    ("DataArtsStudio", include_str!("../../specs/regions/DataArtsStudio.json")),
    ("ECS", include_str!("../../specs/regions/ECS.json")),
    ("FRS", include_str!("../../specs/regions/FRS.json")),
    ("FunctionGraph", include_str!("../../specs/regions/FunctionGraph.json")),
    ("HSS", include_str!("../../specs/regions/HSS.json")),
    ("IAM", include_str!("../../specs/regions/IAM.json")),
    ("IEF", include_str!("../../specs/regions/IEF.json")),
    ("ImageSearch", include_str!("../../specs/regions/ImageSearch.json")),
    ("Kafka", include_str!("../../specs/regions/Kafka.json")),
    ("LTS", include_str!("../../specs/regions/LTS.json")),
    ("MAS", include_str!("../../specs/regions/MAS.json")),
    ("MetaStudio", include_str!("../../specs/regions/MetaStudio.json")),
    ("OBS", include_str!("../../specs/regions/OBS.json")),
    ("RDS", include_str!("../../specs/regions/RDS.json")),
    ("SA", include_str!("../../specs/regions/SA.json")),
    ("STS", include_str!("../../specs/regions/STS.json")),
    ("SWR", include_str!("../../specs/regions/SWR.json")),
    ("VCM", include_str!("../../specs/regions/VCM.json")),
    ("VPN", include_str!("../../specs/regions/VPN.json")),
];

/// The names of the region tables, as their files are named.
pub fn table_names() -> Vec<&'static str> {
    REGION_TABLES.iter().map(|(name, _)| *name).collect()
}

/// The region table named `name` (any case: `FunctionGraph`, `ECS`), if there is one.
pub fn region_table(name: &str) -> Option<RegionTable> {
    let (file, json) = REGION_TABLES.iter().find(|(table, _)| table.eq_ignore_ascii_case(name))?;
    // Checked for every table by `every_region_table_parses`.
    Some(serde_json::from_str(json).unwrap_or_else(|e| panic!("specs/regions/{file}.json: {e}")))
}

/// The region table a service carries: the one its settings name, else the one named
/// like the service (its letters and digits: `Function Graph` → `FunctionGraph`).
pub fn region_table_for(settings: &ServiceConfig, service: &str) -> Option<RegionTable> {
    match &settings.regions {
        Some(name) => region_table(name),
        None => region_table(&service.chars().filter(char::is_ascii_alphanumeric).collect::<String>()),
    }
}

/// Whether and how the official Python SDK signs a service with derived keys, read by
/// `specs/derived-auth/extract.py` from the package's clients
/// (`client_builder._with_derived_auth_service_name("iotdm")`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DerivedAuth {
    /// The SDK package, e.g. `huaweicloudsdkiotda`.
    pub package: String,
    /// Its version, e.g. `3.1.219`.
    pub version: String,
    /// The name its clients give, e.g. `iotdm`; `None`: the package was read and gives none.
    pub derived_auth_service_name: Option<String>,
    /// The client files that give it.
    pub files: Vec<String>,
}

/// `specs/derived-auth/services.json`, built into codegen as the region tables are.
const DERIVED_AUTH: &str = include_str!("../../specs/derived-auth/services.json");

/// The services `specs/derived-auth/services.json` records, by our service name.
pub fn derived_auth_table() -> indexmap::IndexMap<String, DerivedAuth> {
    // Checked by `the_derived_auth_table_parses`.
    serde_json::from_str(DERIVED_AUTH).unwrap_or_else(|e| panic!("specs/derived-auth/services.json: {e}"))
}

/// The service's name in derived signing: the settings' (`""`: none), else the official
/// SDK's for the service named like it (any case, its letters and digits: `IoTDA`).
pub fn derived_auth_service_name_for(settings: &ServiceConfig, service: &str) -> Option<String> {
    if let Some(name) = &settings.derived_auth_service_name {
        return Some(name.clone()).filter(|name| !name.is_empty());
    }
    let key: String = service.chars().filter(char::is_ascii_alphanumeric).collect();
    derived_auth_table()
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&key))
        .and_then(|(_, entry)| entry.derived_auth_service_name)
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
    fn every_region_table_parses() {
        for name in table_names() {
            let table = region_table(name).expect("listed");
            assert!(table.package.starts_with("huaweicloudsdk") && !table.version.is_empty(), "{name}");
            assert!(!table.regions.is_empty(), "{name}");
            for (id, urls) in &table.regions {
                assert!(!urls.is_empty() && urls.iter().all(|u| u.starts_with("https://")), "{name} {id}");
            }
        }
        let functiongraph = region_table("functiongraph").expect("any case");
        assert_eq!(functiongraph.regions.first().map(|(id, _)| id.as_str()), Some("cn-north-4"), "the SDK's order");
        let iam = region_table("IAM").expect("IAM");
        assert_eq!(iam.regions["eu-west-101"], ["https://iam.eu-west-101.myhuaweicloud.eu"]);
        assert_eq!(region_table("CAE").expect("CAE").regions["cn-north-4"].len(), 2, "several endpoints kept");
        assert!(region_table("VIS").is_none(), "no SDK package");
    }

    #[test]
    fn region_tables_are_those_of_the_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/regions");
        let mut files: Vec<String> = std::fs::read_dir(folder)
            .expect("specs/regions")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
            .filter(|name| name != "sdk-core")
            .collect();
        files.sort();
        let mut listed: Vec<String> = table_names().into_iter().map(str::to_owned).collect();
        listed.sort();
        assert_eq!(listed, files, "REGION_TABLES lists every specs/regions/<Service>.json");
    }

    #[test]
    fn the_table_is_the_services_or_the_settings() {
        let default = ServiceConfig::default();
        assert_eq!(region_table_for(&default, "ECS").map(|t| t.package), Some("huaweicloudsdkecs".to_owned()));
        assert_eq!(region_table_for(&default, "Function Graph").map(|t| t.package), Some("huaweicloudsdkfunctiongraph".to_owned()));
        assert_eq!(region_table_for(&default, "KooPhone"), None);
        let named: ServiceConfig = toml::from_str("regions = \"FunctionGraph\"").expect("valid");
        assert_eq!(region_table_for(&named, "fgs").map(|t| t.package), Some("huaweicloudsdkfunctiongraph".to_owned()));

        let dir = std::env::temp_dir().join(format!("codegen-regions-setting-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        std::fs::write(dir.join(FILE_NAME), "regions = \"FunctionGraf\"\n").expect("write");
        let result = ServiceConfig::load(&dir);
        std::fs::remove_dir_all(&dir).expect("cleanup");
        let message = result.expect_err("no such table").message;
        assert!(message.contains("FunctionGraf") && message.contains("FunctionGraph"), "{message}");
    }

    #[test]
    fn the_derived_auth_table_parses() {
        let table = derived_auth_table();
        for (service, entry) in &table {
            assert!(entry.package.starts_with("huaweicloudsdk") && !entry.version.is_empty(), "{service}");
            assert_eq!(entry.derived_auth_service_name.is_some(), !entry.files.is_empty(), "{service}");
        }
        let iotda = &table["IoTDA"];
        assert_eq!((iotda.package.as_str(), iotda.derived_auth_service_name.as_deref()), ("huaweicloudsdkiotda", Some("iotdm")));
        assert!(table["ECS"].derived_auth_service_name.is_none(), "read, and none");
    }

    #[test]
    fn the_derived_name_is_the_settings_or_the_sdks() {
        let default = ServiceConfig::default();
        assert_eq!(derived_auth_service_name_for(&default, "IoTDA").as_deref(), Some("iotdm"));
        assert_eq!(derived_auth_service_name_for(&default, "iot da").as_deref(), Some("iotdm"), "any case");
        assert_eq!(derived_auth_service_name_for(&default, "ECS"), None);
        assert_eq!(derived_auth_service_name_for(&default, "KooPhone"), None, "not in the table");
        let named: ServiceConfig = toml::from_str("derived_auth_service_name = \"fgs\"").expect("valid");
        assert_eq!(derived_auth_service_name_for(&named, "FunctionGraph").as_deref(), Some("fgs"));
        let none: ServiceConfig = toml::from_str("derived_auth_service_name = \"\"").expect("valid");
        assert_eq!(derived_auth_service_name_for(&none, "IoTDA"), None, "\"\" turns it off");

        let dir = std::env::temp_dir().join(format!("codegen-derived-setting-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        let load = |text: &str| {
            std::fs::write(dir.join(FILE_NAME), text).expect("write");
            ServiceConfig::load(&dir)
        };
        let read = load("derived_auth_service_name = \"iotdm\"\n").map(|c| c.derived_auth_service_name);
        let slash = load("derived_auth_service_name = \"a/b\"\n");
        let alibaba = load("runtime_vendor = \"alibaba\"\nderived_auth_service_name = \"fc\"\n");
        std::fs::remove_dir_all(&dir).expect("cleanup");
        assert_eq!(read.expect("valid"), Some("iotdm".to_owned()));
        assert!(slash.expect_err("a slash would change the scope").message.contains("a/b"));
        assert!(alibaba.is_err(), "a Huawei setting");
    }

    #[test]
    fn waiter_settings_need_evidence_and_distinct_statuses() {
        let dir = std::env::temp_dir().join(format!("codegen-waiters-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        let load = |text: &str| {
            std::fs::write(dir.join(FILE_NAME), text).expect("write");
            ServiceConfig::load(&dir)
        };
        let table = "[waiters]\noperation = \"ShowJob\"\nstatus = \"job.status\"\nsuccess = [\"SUCCESS\"]\nfailure = [\"FAIL\"]\n";
        let valid = load(&format!("{table}evidence = \"ShowJob.json\"\nrunning = [\"INIT\"]\n"));
        let no_evidence = load(table);
        let blank = load(&format!("{table}evidence = \" \"\n"));
        let twice = load(&format!("{table}evidence = \"x\"\nrunning = [\"FAIL\"]\n"));
        let path = load(&format!("{table}evidence = \"x\"\nreason = \"a..b\"\n"));
        let unknown = load(&format!("{table}evidence = \"x\"\nstatuses = []\n"));
        std::fs::remove_dir_all(&dir).expect("cleanup");
        let valid = valid.expect("valid").waiters.expect("read");
        assert_eq!((valid.status.as_str(), valid.job_id_param(), valid.running.as_slice()), ("job.status", "job_id", &["INIT".to_owned()][..]));
        assert!(no_evidence.expect_err("required").message.contains("evidence"));
        assert!(blank.expect_err("blank").message.contains("evidence"));
        assert!(twice.expect_err("twice").message.contains("`FAIL`"));
        assert!(path.expect_err("bad path").message.contains("a..b"));
        assert!(unknown.expect_err("unknown key").message.contains("statuses"));
    }

    #[test]
    fn error_answer_settings_are_checked() {
        let dir = std::env::temp_dir().join(format!("codegen-error-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        let load = |text: &str| {
            std::fs::write(dir.join(FILE_NAME), text).expect("write");
            ServiceConfig::load(&dir)
        };
        let good = load("request_id_headers = [\"x-obs-request-id\"]\nerror_code_fields = [\"Code\"]\n");
        let upper = load("request_id_headers = [\"X-Obs-Request-Id\"]\n");
        let blank = load("error_message_fields = [\"a b\"]\n");
        let empty = load("request_id_fields = [\"\"]\n");
        std::fs::remove_dir_all(&dir).expect("cleanup");
        let good = good.expect("valid");
        assert_eq!(
            good.error_settings(),
            vec![("request_id_headers", &["x-obs-request-id".to_owned()][..]), ("error_code_fields", &["Code".to_owned()][..])]
        );
        assert!(upper.expect_err("headers are looked up in lower case").message.contains("X-Obs-Request-Id"));
        assert!(blank.expect_err("no blanks").message.contains("error_message_fields"));
        assert!(empty.is_err());
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
