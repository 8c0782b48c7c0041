//! `codegen`: regenerate the committed crates of `generated/` from `specs/`, check them for
//! drift, or generate a crate for any folder of specs.

#![forbid(unsafe_code)]

use clap::Parser;
use codegen::{generate, write, Config, Failure};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Generating is allocation-heavy (token trees, syntax trees); mimalloc takes about 30%
// less CPU time than the system allocator over the whole catalogue.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generate a Rust crate from Huawei Cloud API Explorer specs.
///
/// Without arguments, regenerates the crates committed in this repository:
/// `generated/functiongraph` (package `functiongraph`) from `specs/functiongraph/` and
/// `generated/obs` (package `obs`) from `specs/obs/`.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// Folder of spec files (`*.json`, one operation each).
    #[arg(long, value_name = "DIR", requires = "out")]
    specs: Option<PathBuf>,
    /// Folder to write the crate to; it is replaced as a whole, but only if codegen wrote it
    /// or it is empty (see `--force`). A symbolic link is followed: its target is written.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace the `--out` folder even if codegen did not write it (its Cargo.toml lacks
    /// codegen's header); everything in it but `target/` is deleted.
    #[arg(long)]
    force: bool,
    /// Package name of the generated crate (default: the spec folder's name in snake_case).
    #[arg(long, value_name = "NAME")]
    crate_name: Option<String>,
    /// Write nothing; exit with status 1 and list the files that differ from what would be
    /// generated.
    #[arg(long)]
    check: bool,
    /// Corrections of vendor mistakes to apply at read time (default run:
    /// `specs/overrides.json`).
    #[arg(long, value_name = "FILE")]
    overrides: Option<PathBuf>,
    /// Folder of hand-written files (e.g. `examples/`) copied verbatim into the crate.
    #[arg(long, value_name = "DIR")]
    extras: Option<PathBuf>,
    /// How the generated Cargo.toml finds the runtime crate: the keys of a dependency
    /// table, e.g. `git = "https://example.com/codegen.git", rev = "1a2b3c"` or
    /// `version = "0.1"` (default: a path to this source tree's `codegen/runtime`,
    /// relative to the output folder).
    #[arg(long, value_name = "KEYS")]
    runtime_dep: Option<String>,
    /// Fail (exit 1, output untouched) on any part of the specs that cannot be read,
    /// instead of degrading it to raw JSON or leaving its operation out. The default run
    /// (no `--specs`) is always strict.
    #[arg(long)]
    strict: bool,
    /// Do not print warnings.
    #[arg(long, short)]
    quiet: bool,
    /// Folder of service folders (each with `src/*.json` or `*.json`): generate one crate
    /// per service, in parallel, into `--out/<service>` under a Cargo workspace
    /// `--out/Cargo.toml`, and print one line per service. Exit status 1 if any service
    /// was refused (the others are written all the same).
    #[arg(long, value_name = "DIR", requires = "out",
          conflicts_with_all = ["specs", "check", "crate_name", "extras", "overrides"])]
    catalogue: Option<PathBuf>,
    /// With `--catalogue`: services generated at once (default: one per available CPU).
    #[arg(long, value_name = "N", requires = "catalogue")]
    jobs: Option<usize>,
}

/// Exit status for a broken spec or a drifted output.
const EXIT_FAILURE: u8 = 1;
/// Exit status for bad arguments (the same clap uses).
const EXIT_USAGE: u8 = 2;

/// The crates committed in this repository, which the default run regenerates (or checks):
/// `(spec folder, output folder, package name)`, relative to the repository root.
/// Hand-written files of a crate (examples, modules) are in `codegen/extras/<package>/`.
const COMMITTED: &[(&str, &str, &str)] = &[
    ("specs/functiongraph", "generated/functiongraph", "functiongraph"),
    ("specs/obs", "generated/obs", "obs"),
];

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(catalogue) = &cli.catalogue {
        return catalogue_command(&cli, catalogue);
    }
    let Some(specs) = cli.specs.clone() else {
        return default_run(&cli);
    };
    let Some(out) = cli.out.clone() else {
        eprintln!("error: --specs needs --out");
        return ExitCode::from(EXIT_USAGE);
    };
    let crate_name = cli.crate_name.clone().unwrap_or_else(|| default_crate_name(&specs));
    if !is_crate_name(&crate_name) {
        eprintln!(
            "error: `{crate_name}` is not a valid crate name (letters, digits, `_` and `-`, \
             starting with a letter)"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let Some(runtime) = runtime_dependency(&cli, &out) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let label = specs.display().to_string();
    let config = Config {
        regenerate: format!("codegen --specs {label} --out <DIR> --crate-name {crate_name}"),
        specs,
        crate_name,
        specs_label: label,
        extras: cli.extras.clone(),
        overrides: cli.overrides.clone(),
        runtime,
        strict: cli.strict,
        default_settings: None,
    };
    ExitCode::from(run_one(&cli, &config, &out))
}

/// No `--specs`: every committed crate, strictly, with the repository's corrections.
fn default_run(cli: &Cli) -> ExitCode {
    if cli.out.is_some() || cli.crate_name.is_some() || cli.extras.is_some() {
        eprintln!(
            "error: --out, --crate-name and --extras need --specs; without it codegen \
             regenerates every committed crate ({})",
            COMMITTED.iter().map(|(_, out, _)| *out).collect::<Vec<_>>().join(", ")
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let root = workspace_root();
    let overrides = cli
        .overrides
        .clone()
        .or_else(|| Some(root.join("specs").join("overrides.json")).filter(|p| p.is_file()));
    let mut status = ExitCode::SUCCESS;
    for (specs, out, crate_name) in COMMITTED {
        let out = root.join(out);
        let Some(runtime) = runtime_dependency(cli, &out) else {
            return ExitCode::from(EXIT_USAGE);
        };
        let extras = root.join("codegen").join("extras").join(crate_name);
        let config = Config {
            specs: root.join(specs),
            crate_name: (*crate_name).to_owned(),
            specs_label: (*specs).to_owned(),
            regenerate: "cargo run -p codegen".to_owned(),
            extras: extras.is_dir().then_some(extras),
            overrides: overrides.clone(),
            runtime,
            strict: true,
            default_settings: None,
        };
        // Every crate is checked or written, so that one run reports every problem.
        if run_one(cli, &config, &out) != 0 {
            status = ExitCode::from(EXIT_FAILURE);
        }
    }
    status
}

/// How the generated Cargo.toml finds the runtime; `None` after printing why `--runtime-dep`
/// is unusable.
fn runtime_dependency(cli: &Cli, out: &Path) -> Option<String> {
    match &cli.runtime_dep {
        Some(spec) => match codegen::check_runtime_dependency(spec) {
            Ok(()) => Some(spec.clone()),
            Err(message) => {
                eprintln!("error: --runtime-dep: {message}");
                None
            }
        },
        None => Some(codegen::runtime_path_dependency(out)),
    }
}

/// Generates one crate and checks or writes it; the exit status.
fn run_one(cli: &Cli, config: &Config, out: &Path) -> u8 {
    let generated = match generate(config) {
        Ok(generated) => generated,
        Err(failure) => {
            eprint!("{failure}");
            if let Failure::Spec(diags) = &failure {
                let errors = diags.errors().count();
                eprintln!("error: {errors} problem(s) in the specs; {} left untouched", out.display());
            }
            return EXIT_FAILURE;
        }
    };
    if !cli.quiet {
        for warning in generated.warnings.warnings() {
            eprintln!("{warning}");
        }
    }

    if cli.check {
        return match write::check(out, &generated.files) {
            Ok(drift) if drift.is_empty() => {
                eprintln!("{} is up to date ({} files)", out.display(), generated.files.files.len());
                0
            }
            Ok(drift) => {
                eprintln!("{} differs from what codegen generates:", out.display());
                for d in &drift {
                    eprintln!("  {d}");
                }
                eprintln!("run `{}` to regenerate it", config.regenerate);
                EXIT_FAILURE
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", out.display());
                EXIT_FAILURE
            }
        };
    }
    let options = write::WriteOptions { force: cli.force };
    match write::write_with(out, &generated.files, options) {
        Ok(()) => {
            eprintln!("wrote {} files to {}", generated.files.files.len(), out.display());
            0
        }
        Err(e) if e.get_ref().is_some_and(|inner| inner.is::<write::NotGenerated>()) => {
            eprintln!(
                "error: refusing to replace {}: {e}; it was left as it was. Pass --force to \
                 replace it (everything in it but target/ is deleted)",
                out.display()
            );
            EXIT_FAILURE
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}; it was left as it was", out.display());
            EXIT_FAILURE
        }
    }
}

/// `--catalogue`: see [`codegen::catalogue`].
fn catalogue_command(cli: &Cli, catalogue: &Path) -> ExitCode {
    if let Some(Err(message)) = cli.runtime_dep.as_deref().map(codegen::check_runtime_dependency) {
        eprintln!("error: --runtime-dep: {message}");
        return ExitCode::from(EXIT_USAGE);
    }
    let options = codegen::catalogue::Options {
        catalogue: catalogue.to_path_buf(),
        out: cli.out.clone().unwrap_or_default(),
        runtime: cli.runtime_dep.clone(),
        force: cli.force,
        workers: cli.jobs.unwrap_or(0),
        strict: cli.strict,
    };
    match codegen::catalogue::run(&options) {
        Ok(run) => {
            let printed = codegen::catalogue::print(&run, cli.quiet, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
            if printed.is_err() {
                return ExitCode::from(EXIT_FAILURE);
            }
            ExitCode::from(codegen::catalogue::exit_status(&run))
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// The repository root: codegen's manifest folder's parent, fixed at build time so that
/// the default run works from any working directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn default_crate_name(specs: &Path) -> String {
    let folder = specs
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "generated".to_owned());
    codegen::names::snake_name(&folder)
}

fn is_crate_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
