//! Generates services into `OUT_DIR` with codegen's library, as any crate can:
//! FunctionGraph (models and operations only), five ECS operations (with a client, and the
//! catalogue's built-in ECS settings: the waiters of its jobs, `ListServersDetails` paging
//! by pages), CodeArts Deploy's `ListDeployTasks` (with a client), and
//! the form operations of the `forms` golden case (FRS, HSS, CSE, IAM) and the file
//! operations of the `files` case (CCE, CodeArtsBuild, OBS), both with a client, and the
//! OBS operations of the `xml` case (typed XML bodies, XML error answers).
//! Their spec warnings are known (see `cargo run -p codegen`), so they are not repeated.

use std::path::Path;

/// The ECS operations of the slice, from the vendored sample specs.
const ECS_OPERATIONS: &[&str] =
    &["ShowServer.json", "ListServersDetails.json", "ListFlavors.json", "DeleteServers.json", "ShowJob.json"];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    codegen::build::Module::new(root.join("specs/functiongraph"), "functiongraph")
        .overrides(root.join("specs/overrides.json"))
        .client(false)
        .quiet()
        .generate()
        .unwrap_or_else(|failure| panic!("{failure}"));

    // A folder of specs is what codegen reads: copy the slice into one.
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let slice = Path::new(&out_dir).join("ecs-specs");
    std::fs::create_dir_all(&slice).expect("OUT_DIR is writable");
    for name in ECS_OPERATIONS {
        let from = root.join("tests/samples/ECS").join(name);
        println!("cargo::rerun-if-changed={}", from.display());
        std::fs::copy(&from, slice.join(name)).expect("the sample spec exists");
    }
    // The catalogue's built-in settings of ECS: its job resource, for waiters, and
    // `ListServersDetails` counting `offset` in pages.
    let settings = codegen::catalogue::built_in_settings("ECS").expect("ECS has built-in settings");
    std::fs::write(slice.join(codegen::service::FILE_NAME), settings).expect("OUT_DIR is writable");
    codegen::build::Module::new(&slice, "ecs")
        .quiet()
        .generate()
        .unwrap_or_else(|failure| panic!("{failure}"));

    codegen::build::Module::new(root.join("tests/build_script/specs/CodeArtsDeploy"), "deploy")
        .quiet()
        .generate()
        .unwrap_or_else(|failure| panic!("{failure}"));

    codegen::build::Module::new(root.join("tests/golden/forms/specs"), "forms")
        .quiet()
        .generate()
        .unwrap_or_else(|failure| panic!("{failure}"));
    codegen::build::Module::new(root.join("tests/golden/files/specs"), "files")
        .quiet()
        .generate()
        .unwrap_or_else(|failure| panic!("{failure}"));
    codegen::build::Module::new(root.join("tests/golden/xml/specs"), "xml")
        .quiet()
        .generate()
        .unwrap_or_else(|failure| panic!("{failure}"));
}
