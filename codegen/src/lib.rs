//! Generates Rust crates from Huawei Cloud API Explorer specs.
//!
//! The pipeline has one module per stage, each with one job:
//!
//! 1. [`read`]: spec files → typed documents (Swagger 2.0 and OpenAPI 3.0, Huawei quirks).
//! 2. [`model`]: documents → types with refs resolved and duplicates merged.
//! 3. [`names`]: every Rust identifier, decided once, collision-free.
//! 4. [`emit`]: model + names → formatted source files.
//! 5. [`write`](mod@write): files → disk (atomically), or a drift report (`--check`).
//!
//! Problems in specs are [`diag::Diagnostic`]s carrying the file and JSON pointer; the
//! pipeline never panics on input and writes nothing when a spec has an error.
//!
//! Some problems are confined to one piece of one file: a `$ref` that points nowhere, a
//! schema that cannot be read. By default the smallest enclosing piece degrades (a
//! property or response body becomes raw JSON, an operation whose request cannot be typed
//! is left out), each is a warning, and the crate's docs list them; with
//! [`Config::strict`] each is an error instead. [`Generated`] counts them.

#![forbid(unsafe_code)]

pub mod build;
pub mod catalogue;
pub mod diag;
pub mod emit;
pub mod model;
pub mod names;
pub mod read;
pub mod service;
pub mod write;

use diag::Diagnostics;
use emit::{CrateFiles, CrateInfo, EmitError};
use std::path::PathBuf;

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Folder of `*.json` spec files, one operation each.
    pub specs: PathBuf,
    /// Cargo package name of the generated crate.
    pub crate_name: String,
    /// How headers name the spec folder (e.g. `specs/functiongraph`).
    pub specs_label: String,
    /// The command headers tell readers to run to regenerate.
    pub regenerate: String,
    /// Hand-written files copied verbatim into the crate (examples, say), by path
    /// relative to this folder; none when `None`.
    pub extras: Option<PathBuf>,
    /// Corrections of vendor mistakes (`specs/overrides.json`), applied at read time.
    pub overrides: Option<PathBuf>,
    /// How the generated `Cargo.toml` finds the runtime crate: the keys of a dependency
    /// table, e.g. `path = "../codegen/runtime"` or `git = "URL", rev = "REV"`. Empty:
    /// this source tree's runtime by absolute path (see [`runtime_path_dependency`] for
    /// a relative one).
    pub runtime: String,
    /// Refuse to degrade: a part of the specs that cannot be read is an error instead of
    /// raw JSON or a left-out operation (`--strict`; this repository's own runs use it).
    pub strict: bool,
    /// The service settings to use when the spec folder has no `codegen.toml` of its own
    /// (the text of such a file); `None`: the defaults.
    pub default_settings: Option<String>,
}

/// The folder of the runtime crate that generated crates depend on.
pub const RUNTIME_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime");

/// A dependency on this source tree's runtime crate by a path relative to `crate_dir`
/// (the generated crate's folder, which need not exist yet), for [`Config::runtime`].
/// Falls back to the absolute path when no relative one exists (another drive).
pub fn runtime_path_dependency(crate_dir: &std::path::Path) -> String {
    let runtime = std::path::Path::new(RUNTIME_DIR);
    let path = relative_path(crate_dir, runtime).unwrap_or_else(|| runtime.to_path_buf());
    format!("path = {}", toml_quote(&path.to_string_lossy().replace('\\', "/")))
}

/// The path from folder `from` to `to`, both made absolute first (`from` need not exist:
/// its longest existing ancestor is resolved and the rest appended).
fn relative_path(from: &std::path::Path, to: &std::path::Path) -> Option<PathBuf> {
    use std::path::Component;
    let absolute = |path: &std::path::Path| -> Option<PathBuf> {
        let path = std::path::absolute(path).ok()?;
        let mut existing = path.as_path();
        let mut rest = Vec::new();
        while existing.canonicalize().is_err() {
            rest.push(existing.file_name()?.to_owned());
            existing = existing.parent()?;
        }
        let mut resolved = existing.canonicalize().ok()?;
        for part in rest.iter().rev() {
            if part == ".." {
                resolved.pop();
            } else {
                resolved.push(part);
            }
        }
        Some(resolved)
    };
    let (from, to) = (absolute(from)?, absolute(to)?);
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part.as_os_str());
    }
    Some(if out.as_os_str().is_empty() { PathBuf::from(".") } else { out })
}

/// Checks the keys of a dependency table given for [`Config::runtime`].
pub fn check_runtime_dependency(spec: &str) -> Result<(), String> {
    const KEYS: &[&str] = &["path", "git", "rev", "tag", "branch", "version", "registry", "package"];
    let table: toml::Table = toml::from_str(&format!("dep = {{ {spec} }}"))
        .map_err(|e| format!("`{spec}` is not the inside of a TOML inline table: {e}"))?;
    let Some(toml::Value::Table(dep)) = table.get("dep") else {
        return Err(format!("`{spec}` is not the inside of a TOML inline table"));
    };
    if let Some(key) = dep.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("`{key}` is not a dependency key codegen sets for the runtime (one of {})", KEYS.join(", ")));
    }
    if !["path", "git", "version"].iter().any(|k| dep.contains_key(*k)) {
        return Err(format!("`{spec}` names no `path`, `git` or `version`"));
    }
    Ok(())
}

/// A TOML basic string.
fn toml_quote(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

/// A successful run: the crate's files, warnings worth showing, and how much of the
/// specs made it into the crate.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: CrateFiles,
    pub warnings: Diagnostics,
    /// Operations generated.
    pub operations: usize,
    /// Parts kept as raw JSON because they could not be read (always empty when strict).
    pub degraded: Vec<diag::Degradation>,
    /// Parts that left their operation out (one or more per left-out operation; always
    /// empty when strict).
    pub left_out: Vec<diag::Degradation>,
}

impl Generated {
    /// The operations left out, by `operationId`, each once, in spec order.
    pub fn left_out_operations(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for d in &self.left_out {
            if let diag::Outcome::LeftOut(id) = &d.outcome
                && !out.contains(&id.as_str())
            {
                out.push(id);
            }
        }
        out
    }
}

/// Why a run produced nothing.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The specs have errors (warnings found alongside are included).
    Spec(Diagnostics),
    /// The emitter produced invalid Rust: a bug in codegen, not in the specs.
    Emit(EmitError),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spec(diags) => write!(f, "{diags}"),
            Failure::Emit(e) => write!(
                f,
                "internal error in codegen while emitting {}: {}",
                e.file.display(),
                e.message
            ),
        }
    }
}

/// Runs read → model → names → emit in memory.
pub fn generate(config: &Config) -> Result<Generated, Failure> {
    let prepared = prepare(config)?;
    let mut files = emit::emit(&prepared.model, &prepared.names, &prepared.info).map_err(Failure::Emit)?;
    if let Some(extras) = &config.extras {
        add_extras(extras, &mut files).map_err(|d| Failure::Spec(Diagnostics(vec![d])))?;
    }
    // A declared hand-written module must come with the extras.
    for name in &prepared.info.client_modules {
        let file = std::path::PathBuf::from("src").join(format!("{name}.rs"));
        if !files.files.contains_key(&file) {
            let settings = config.specs.join(service::FILE_NAME);
            return Err(Failure::Spec(Diagnostics(vec![diag::Diagnostic::error(
                &settings,
                "",
                format!("client_modules: `{name}` has no file {} in the extras", file.display()),
            )
            .with_hint("pass --extras DIR with the module's file, or remove it from client_modules")])));
        }
    }
    let (left_out, degraded) = prepared
        .degraded
        .into_iter()
        .partition(|d| matches!(d.outcome, diag::Outcome::LeftOut(_)));
    Ok(Generated {
        files,
        warnings: prepared.warnings,
        operations: prepared.model.operations.len(),
        degraded,
        left_out,
    })
}

/// The model of `config`'s specs and the Rust names of its items, after the service
/// settings' decisions: what [`generate`] emits from. For tools and tests that must know
/// how the generated code is made (which request field carries which wire parameter).
pub fn model_and_names(config: &Config) -> Result<(model::Model, names::Names), Failure> {
    let prepared = prepare(config)?;
    Ok((prepared.model, prepared.names))
}

/// The stages before emitting: the model, its names and how the crate presents it.
pub(crate) struct Prepared {
    pub model: model::Model,
    pub names: names::Names,
    pub info: CrateInfo,
    pub warnings: Diagnostics,
    /// Parts of the specs degraded instead of failing the run (empty when strict).
    pub degraded: Vec<diag::Degradation>,
}

/// Runs read → model → names and gathers the crate's settings.
pub(crate) fn prepare(config: &Config) -> Result<Prepared, Failure> {
    let overrides = match &config.overrides {
        Some(path) => Some(read::Overrides::load(path).map_err(|d| Failure::Spec(Diagnostics(vec![d])))?),
        None => None,
    };
    let (files, mut diags) = read::read_dir(&config.specs, overrides.as_ref());
    // Files that parsed are modelled even when others did not, so that one run reports
    // every problem.
    let (model, model_diags, degraded) = model::build(&files);
    diags.extend(model_diags);
    for d in &degraded {
        diags.push(d.diagnostic(config.strict));
    }
    if model.operations.is_empty() && !diags.has_errors() {
        diags.push(
            diag::Diagnostic::error(&config.specs, "", "no operations in these specs")
                .with_hint("every file is empty or left out; see the warnings above"),
        );
    }
    if diags.has_errors() {
        return Err(Failure::Spec(diags));
    }
    let settings = service::ServiceConfig::load_or(&config.specs, config.default_settings.as_deref()).map_err(|d| Failure::Spec(Diagnostics(vec![d])))?;
    let mut model = model;
    if settings.array_query.unwrap_or_default() == service::ArrayQuery::Repeat {
        model::repeat_array_queries(&mut model);
    }
    match settings.project_id_in_path.unwrap_or_default() {
        service::ProjectIdInPath::Auto => {}
        service::ProjectIdInPath::Endpoint => model::project_ids_in_paths(&mut model, model::Role::ProjectId),
        service::ProjectIdInPath::Request => model::project_ids_in_paths(&mut model, model::Role::Value),
    }
    if settings.signature == Some(service::Signature::Obs) {
        model::signer_headers(&mut model, &["date"]);
        // Required by DeleteObjects, and computed by the signer for a body in memory when
        // not given; still the caller's to give for a file or a stream.
        model::optional_headers(&mut model, &["content-md5"]);
    }
    let keys = settings.object_key_parameters.clone().unwrap_or_default();
    let unknown = model::object_key_parameters(&mut model, &keys);
    if !unknown.is_empty() {
        let settings_file = config.specs.join(service::FILE_NAME);
        return Err(Failure::Spec(Diagnostics(vec![diag::Diagnostic::error(
            &settings_file,
            "",
            format!("object_key_parameters: no operation has a path parameter named {}", unknown.join(", ")),
        )])));
    }
    let waiters = match &settings.waiters {
        Some(waiters) => Some(
            model::waiters(&model, waiters, &config.specs.join(service::FILE_NAME))
                .map_err(|d| Failure::Spec(Diagnostics(vec![d])))?,
        ),
        None => None,
    };
    if let Some(waiters) = &waiters {
        model::relax_failure_fields(&mut model, waiters);
    }
    // Paging settles on the model as the settings leave it (which parameters are values).
    let no_entries = std::collections::BTreeMap::new();
    model.pagination = model::pagination::classify(&model, settings.pagination.as_ref().unwrap_or(&no_entries))
        .map_err(|errors| {
            let at = config.specs.join(service::FILE_NAME);
            Failure::Spec(Diagnostics(errors.into_iter().map(|m| diag::Diagnostic::error(&at, "", m)).collect()))
        })?;
    // Names come after the settings' decisions: which parameters a request carries.
    let names = names::assign(&model);
    let service = settings
        .service
        .clone()
        .or_else(|| files.iter().find_map(|f| f.document.product_short.clone()))
        .unwrap_or_else(|| config.crate_name.clone());
    // `functiongraph.cn-north-4.myhuaweicloud.com` with region `cn-north-4` gives the
    // template `functiongraph.{region}.myhuaweicloud.com`.
    let derived = files.iter().find_map(|f| {
        let host = f.document.host.as_deref()?;
        let region = f.document.region_id.as_deref().filter(|r| !r.is_empty())?;
        host.contains(region)
            .then(|| (host.replacen(region, "{region}", 1), region.to_owned()))
    });
    let example_region = derived
        .as_ref()
        .map_or_else(|| "cn-north-4".to_owned(), |(_, region)| region.clone());
    let host_template = settings.host_template.clone().or(derived.map(|(t, _)| t));
    let runtime_dependency = if config.runtime.trim().is_empty() {
        format!("path = {}", toml_quote(RUNTIME_DIR))
    } else {
        check_runtime_dependency(&config.runtime)
            .map_err(|message| Failure::Spec(Diagnostics(vec![diag::Diagnostic::error(&config.specs, "", message)])))?;
        config.runtime.trim().to_owned()
    };
    let uses_project_id = model
        .operations
        .iter()
        .any(|op| op.params.iter().any(|p| p.role == model::Role::ProjectId));
    let vendor_module = settings.runtime_vendor.clone().unwrap_or_else(|| "huawei".to_owned());
    let regions = (vendor_module == "huawei").then(|| service::region_table_for(&settings, &service)).flatten();
    let derived_auth_service_name =
        (vendor_module == "huawei").then(|| service::derived_auth_service_name_for(&settings, &service)).flatten();
    let info = CrateInfo {
        crate_name: config.crate_name.clone(),
        vendor: settings.vendor.clone().unwrap_or_else(|| "Huawei Cloud".to_owned()),
        service,
        specs_label: config.specs_label.clone(),
        regenerate: config.regenerate.clone(),
        spec_count: files.len(),
        host_template,
        example_region,
        uses_project_id,
        scope: match settings.scope {
            Some(scope) => scope,
            None if uses_project_id => service::Scope::Project,
            None => service::Scope::Global,
        },
        signature: settings.signature.unwrap_or_default(),
        runtime_dependency,
        vendor_module,
        left_out: degraded.iter().map(diag::Degradation::note).collect(),
        client_modules: settings.client_modules.clone().unwrap_or_default(),
        dev_dependencies: settings
            .dev_dependencies
            .iter()
            .flatten()
            .map(|(name, value)| format!("{name} = {value}"))
            .collect(),
        regions,
        derived_auth_service_name,
        waiters,
        vendor_fields: settings
            .error_settings()
            .into_iter()
            .map(|(key, names)| (key.to_owned(), names.to_vec()))
            .collect(),
    };
    Ok(Prepared {
        model,
        names,
        info,
        warnings: diags,
        degraded,
    })
}

/// Copies the files below `dir` into the crate; a generated file may not be replaced.
fn add_extras(dir: &std::path::Path, files: &mut CrateFiles) -> Result<(), diag::Diagnostic> {
    let io = |e: std::io::Error| diag::Diagnostic::error(dir, "", format!("cannot read extras: {e}"));
    for relative in write::list_files(dir).map_err(io)? {
        let text = std::fs::read_to_string(dir.join(&relative)).map_err(io)?;
        if files.files.contains_key(&relative) {
            return Err(diag::Diagnostic::error(
                &dir.join(&relative),
                "",
                "an extra file would replace a generated one",
            ));
        }
        files.files.insert(relative, text);
    }
    Ok(())
}
