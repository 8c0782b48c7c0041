//! Stage 4, emit: model + names → the files of a crate, as formatted source text.
//!
//! Every decision was taken by earlier stages; this stage only spells them out with
//! `quote`, then formats once with `prettyplease`.

mod client;
pub mod crate_files;
pub mod docs;
mod json_impls;
mod models;
pub mod operations;
mod paginators;
mod rebase;
mod types;
mod waiters;
mod xml_impls;

use crate::model::Model;
use crate::names::Names;
use proc_macro2::TokenStream;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the generated crate is called and how its files describe their origin.
#[derive(Debug, Clone)]
pub struct CrateInfo {
    /// Cargo package name, e.g. `functiongraph`.
    pub crate_name: String,
    /// Whose API it is, e.g. `Huawei Cloud`.
    pub vendor: String,
    /// Service name for docs, e.g. `FunctionGraph`.
    pub service: String,
    /// Where the specs came from, as shown in headers (e.g. `specs/functiongraph`).
    pub specs_label: String,
    /// The command that regenerates the crate.
    pub regenerate: String,
    /// Number of spec files the crate was generated from.
    pub spec_count: usize,
    /// The service's host with `{region}` for the region name, when the specs tell it.
    pub host_template: Option<String>,
    /// A region the specs name, for docs.
    pub example_region: String,
    /// Whether operations need a project id (`{project_id}`, `X-Project-Id`).
    pub uses_project_id: bool,
    /// Whom requests act for: `SERVICE`'s scope.
    pub scope: crate::service::Scope,
    /// How requests are signed: `SERVICE`'s signature.
    pub signature: crate::service::Signature,
    /// The keys of the runtime dependency's table (`path = "../codegen/runtime"`).
    pub runtime_dependency: String,
    /// The runtime's vendor module and feature: `huawei`, `alibaba`.
    pub vendor_module: String,
    /// What of the specs was left out or degraded, one line each, for the crate docs.
    pub left_out: Vec<String>,
    /// Extra `[dev-dependencies]` lines (`base64 = "0.22"`).
    pub dev_dependencies: Vec<String>,
    /// Hand-written modules declared behind the `client` feature (`transfer`).
    pub client_modules: Vec<String>,
    /// The official SDK's regions and endpoints of a Huawei service, when known.
    pub regions: Option<crate::service::RegionTable>,
    /// The service's name in derived signing of a Huawei service (`iotdm`), when it has one.
    pub derived_auth_service_name: Option<String>,
    /// The service's job resource and the operations that start its jobs, when its
    /// settings describe one.
    pub waiters: Option<crate::model::Waiters>,
    /// Fields of the runtime vendor's `Vendor` that the service's settings replace
    /// (`request_id_headers`, `error_code_fields`, ...), with their values.
    pub vendor_fields: Vec<(String, Vec<String>)>,
}

/// The generated crate: file contents by path relative to the crate root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrateFiles {
    pub files: BTreeMap<PathBuf, String>,
}

/// A bug in the emitter (tokens that do not parse as Rust); never caused by spec content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError {
    pub file: PathBuf,
    pub message: String,
}

pub fn emit(model: &Model, names: &Names, info: &CrateInfo) -> Result<CrateFiles, EmitError> {
    let header = crate_files::header(info);
    let mut out = CrateFiles::default();
    for (path, tokens) in source_files(model, names, info) {
        let path = PathBuf::from("src").join(path);
        let text = format_rust(&path, tokens, &header)?;
        out.files.insert(path, text);
    }
    let path = PathBuf::from("src/lib.rs");
    let text = format_rust(&path, crate_files::lib_rs(info), &header)?;
    out.files.insert(path, text);
    out.files
        .insert(PathBuf::from("Cargo.toml"), crate_files::cargo_toml(info));
    Ok(out)
}

/// The modules of a service for `include!` into another crate (the build-script mode):
/// `<name>.rs`, the root to include at `crate::<module_path>`, and the folder `<name>/`
/// with the module files, all to be written to `out_dir`.
pub fn emit_module(
    model: &Model,
    names: &Names,
    info: &CrateInfo,
    out_dir: &std::path::Path,
    name: &str,
    module_path: &str,
    client: crate_files::ClientGate,
) -> Result<CrateFiles, EmitError> {
    let header = crate_files::header(info);
    let mut out = CrateFiles::default();
    for (path, tokens) in source_files(model, names, info) {
        if client == crate_files::ClientGate::Never && crate_files::needs_client(&path) {
            continue;
        }
        let path = PathBuf::from(name).join(path);
        let text = format_rust(&path, rebase::rebase(tokens, module_path), &header)?;
        out.files.insert(path, text);
    }
    let root = crate_files::included_root(info, &out_dir.join(name), client);
    let path = PathBuf::from(format!("{name}.rs"));
    let text = format_rust(&path, rebase::rebase(root, module_path), &header)?;
    out.files.insert(path, text);
    Ok(out)
}

/// Models, operations and the client, by path relative to the crate's `src/`.
fn source_files(model: &Model, names: &Names, info: &CrateInfo) -> Vec<(PathBuf, TokenStream)> {
    let mut out = Vec::new();
    let modules = models::modules(model, names);
    for module in &modules {
        out.push((PathBuf::from(format!("models/{}.rs", module.name)), module.tokens.clone()));
    }
    out.push((PathBuf::from("models/mod.rs"), crate_files::models_mod(&modules, names, info)));
    let operation_modules = operations::modules(model, names);
    let index: Vec<(String, Vec<String>)> = operation_modules
        .iter()
        .map(|m| (m.name.clone(), m.exports.clone()))
        .collect();
    for mut module in operation_modules {
        // A paged operation's `impl Paginate` goes beside its request type.
        if let Some(index) = names.operations.iter().position(|n| n.method == module.name) {
            module.tokens.extend(paginators::impl_tokens(model, names, index));
        }
        out.push((PathBuf::from(format!("operations/{}.rs", module.name)), module.tokens));
    }
    let operations_mod = crate_files::module_index(
        format!(
            "Operations of the {} API: per operation a request type implementing \
             [`Operation`](crate::Operation) and a response enum.",
            info.service
        ),
        &index,
    );
    out.push((PathBuf::from("operations/mod.rs"), operations_mod));
    let mut client = client::client_tokens(model, names, info);
    client.extend(paginators::client_tokens(model, names));
    out.push((PathBuf::from("client.rs"), client));
    if let Some(tokens) = waiters::waiters_tokens(model, names, info) {
        out.push((PathBuf::from("waiters.rs"), tokens));
    }
    out
}

/// Parses tokens as a Rust file and pretty-prints them under the header comment.
fn format_rust(path: &std::path::Path, tokens: TokenStream, header: &str) -> Result<String, EmitError> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| EmitError {
        file: path.to_path_buf(),
        message: format!("generated tokens are not valid Rust: {e}"),
    })?;
    Ok(format!("{header}\n{}", space_items(&prettyplease::unparse(&file))))
}

/// Puts a blank line between top-level items, which `prettyplease` packs together.
fn space_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut previous: Option<&str> = None;
    for line in source.lines() {
        if let Some(prev) = previous {
            let comment = prev.starts_with("//");
            let ends_item = prev == "}" || (prev.ends_with(';') && !prev.starts_with(' ') && !comment);
            let starts_item = !line.starts_with(' ') && !line.is_empty() && !line.starts_with('}');
            let both_uses = prev.starts_with("use ") && line.starts_with("use ");
            let both_mods = prev.starts_with("mod ") && line.starts_with("pub use ");
            if ends_item && starts_item && !both_uses && !both_mods {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}
