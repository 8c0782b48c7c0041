//! Stage 4, emit: model + names → the files of a crate, as formatted source text.
//!
//! Every decision was taken by earlier stages; this stage only spells them out with
//! `quote`, then formats once with `prettyplease`.

mod client;
pub mod crate_files;
pub mod docs;
mod models;
pub mod operations;
mod types;

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
    /// The keys of the runtime dependency's table (`path = "../codegen/runtime"`).
    pub runtime_dependency: String,
    /// The runtime's vendor module and feature: `huawei`, `alibaba`.
    pub vendor_module: String,
    /// What of the specs was left out or degraded, one line each, for the crate docs.
    pub left_out: Vec<String>,
    /// Extra `[dev-dependencies]` lines (`base64 = "0.22"`).
    pub dev_dependencies: Vec<String>,
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
    let mut out = CrateFiles::default();
    let header = crate_files::header(info);
    let modules = models::modules(model, names);
    for module in &modules {
        let path = PathBuf::from(format!("src/models/{}.rs", module.name));
        let text = format_rust(&path, module.tokens.clone(), &header)?;
        out.files.insert(path, text);
    }
    let path = PathBuf::from("src/models/mod.rs");
    let text = format_rust(&path, crate_files::models_mod(&modules, names, info), &header)?;
    out.files.insert(path, text);
    let operation_modules = operations::modules(model, names);
    for module in &operation_modules {
        let path = PathBuf::from(format!("src/operations/{}.rs", module.name));
        let text = format_rust(&path, module.tokens.clone(), &header)?;
        out.files.insert(path, text);
    }
    let index: Vec<(String, Vec<String>)> = operation_modules
        .iter()
        .map(|m| (m.name.clone(), m.exports.clone()))
        .collect();
    let operations_mod = crate_files::module_index(
        format!(
            "Operations of the {} API: per operation a request type implementing \
             [`Operation`](crate::Operation) and a response enum.",
            info.service
        ),
        &index,
    );
    let path = PathBuf::from("src/operations/mod.rs");
    let text = format_rust(&path, operations_mod, &header)?;
    out.files.insert(path, text);
    let path = PathBuf::from("src/client.rs");
    let text = format_rust(&path, client::client_tokens(model, names, &info.service), &header)?;
    out.files.insert(path, text);
    let path = PathBuf::from("src/lib.rs");
    let text = format_rust(&path, crate_files::lib_rs(info), &header)?;
    out.files.insert(path, text);
    out.files
        .insert(PathBuf::from("Cargo.toml"), crate_files::cargo_toml(info));
    Ok(out)
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
