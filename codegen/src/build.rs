//! Generating at build time: the models, operations and client of a service written as
//! a module tree into `OUT_DIR` by a build script, and `include!`d by the crate.
//!
//! ```no_run
//! // build.rs (with `codegen = { path = "...", default-features = false }` under
//! // [build-dependencies], and `codegen-runtime` with feature `huawei` and, for the
//! // client, `client` under [dependencies], plus `http`, `serde`, `serde_json`, `indexmap`)
//! codegen::build::Module::new("specs/functiongraph", "functiongraph")
//!     .generate()
//!     .unwrap_or_else(|failure| panic!("{failure}"));
//! ```
//!
//! ```text
//! // src/lib.rs: the module path matches `Module::new`'s name (or `module_path`).
//! pub mod functiongraph {
//!     include!(concat!(env!("OUT_DIR"), "/functiongraph.rs"));
//! }
//! ```

use crate::emit::crate_files::ClientGate;
use crate::{Config, Failure, diag::Diagnostics};
use std::path::{Path, PathBuf};

/// One service to generate as a module of the crate that runs the build script.
#[derive(Debug, Clone)]
pub struct Module {
    specs: PathBuf,
    name: String,
    module_path: String,
    overrides: Option<PathBuf>,
    client: bool,
    quiet: bool,
}

impl Module {
    /// The specs in folder `specs` (relative to the crate's manifest folder, or absolute),
    /// written as `OUT_DIR/<name>.rs` (the file to include) and `OUT_DIR/<name>/`, for
    /// inclusion at `crate::<name>`.
    pub fn new(specs: impl Into<PathBuf>, name: &str) -> Self {
        Self {
            specs: specs.into(),
            name: name.to_owned(),
            module_path: name.to_owned(),
            overrides: None,
            client: true,
            quiet: false,
        }
    }

    /// Where the crate includes the module, from its root: `services::ecs`, or `""` for
    /// the crate root itself. Default: the name given to [`Module::new`].
    pub fn module_path(mut self, path: &str) -> Self {
        path.clone_into(&mut self.module_path);
        self
    }

    /// Corrections of vendor mistakes to apply (the `overrides.json` format).
    pub fn overrides(mut self, path: impl Into<PathBuf>) -> Self {
        self.overrides = Some(path.into());
        self
    }

    /// Whether to include the `Client` (it needs the runtime's `client` feature); on by
    /// default.
    pub fn client(mut self, client: bool) -> Self {
        self.client = client;
        self
    }

    /// Do not print the specs' warnings as cargo warnings (they are still returned).
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Generates into the build script's `OUT_DIR` and tells cargo to run the script
    /// again when a spec changes. Returns the warnings (also printed as cargo warnings).
    pub fn generate(self) -> Result<Diagnostics, Failure> {
        let out_dir = std::env::var_os("OUT_DIR")
            .map(PathBuf::from)
            .ok_or_else(|| Failure::Spec(Diagnostics(vec![crate::diag::Diagnostic::error(
                &self.specs,
                "",
                "OUT_DIR is not set: Module::generate runs in a build script",
            )])))?;
        let warnings = self.generate_into(&out_dir)?;
        println!("cargo::rerun-if-changed={}", self.specs.display());
        if let Some(overrides) = &self.overrides {
            println!("cargo::rerun-if-changed={}", overrides.display());
        }
        for warning in warnings.warnings().filter(|_| !self.quiet) {
            println!("cargo::warning={}", warning.to_string().replace('\n', " "));
        }
        Ok(warnings)
    }

    /// Generates into `out_dir`: `<name>.rs` and the folder `<name>/`, replacing what an
    /// earlier run wrote there.
    pub fn generate_into(&self, out_dir: &Path) -> Result<Diagnostics, Failure> {
        let label = self.specs.display().to_string();
        let config = Config {
            specs: self.specs.clone(),
            crate_name: self.name.clone(),
            specs_label: label,
            regenerate: "cargo build (build script)".to_owned(),
            extras: None,
            overrides: self.overrides.clone(),
            runtime: String::new(),
            strict: false,
            default_settings: None,
        };
        let prepared = crate::prepare(&config)?;
        let gate = if self.client { ClientGate::Always } else { ClientGate::Never };
        let files = crate::emit::emit_module(
            &prepared.model,
            &prepared.names,
            &prepared.info,
            out_dir,
            &self.name,
            &self.module_path,
            gate,
        )
        .map_err(Failure::Emit)?;
        let io = |e: std::io::Error| {
            Failure::Spec(Diagnostics(vec![crate::diag::Diagnostic::error(
                out_dir,
                "",
                format!("cannot write the generated module: {e}"),
            )]))
        };
        let folder = out_dir.join(&self.name);
        if folder.exists() {
            std::fs::remove_dir_all(&folder).map_err(io)?;
        }
        for (path, text) in &files.files {
            let target = out_dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(&target, text).map_err(io)?;
        }
        Ok(prepared.warnings)
    }
}
