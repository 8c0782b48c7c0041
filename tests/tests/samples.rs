//! Generality: codegen must handle every service of the catalogue, not only FunctionGraph.
//!
//! The specs of two other services are vendored unchanged in `tests/samples/`: ECS in the
//! Swagger 2.0 flavour, VPN in the OpenAPI 3.0 one. The tests here check what generating
//! them reports. Their crates are compiled, outside this workspace, with clippy and every
//! warning denied, by `golden_and_sample_crates_compile` in `golden.rs`, in one scratch
//! workspace with the golden crates so that the dependencies are built once (see
//! `support/fixtures.rs`).

#[path = "support/fixtures.rs"]
mod fixtures;

use codegen::diag::Diagnostic;

fn warnings(service: &str, crate_name: &str) -> Vec<Diagnostic> {
    let generated = fixtures::generate_sample(service, crate_name).unwrap_or_else(|e| panic!("{e}"));
    assert!(!generated.files.files.is_empty());
    generated.warnings.0
}

/// ECS: Swagger 2.0 flavour, 123 operations, same-name definitions that differ across files.
#[test]
fn ecs_generates_and_names_the_definition_that_differs_across_files() {
    let warnings = warnings("ECS", "ecs");
    // `ServerDetail` has one shape in the list operations and another in the show ones:
    // both kept, the minority one renamed, with a warning naming the definition.
    let server_detail: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|w| !w.is_error() && w.pointer == "/definitions/ServerDetail")
        .collect();
    assert!(
        server_detail
            .iter()
            .any(|w| w.message.contains("`ServerDetail`") && w.message.contains("different shapes")),
        "expected a warning about `ServerDetail` differing across ECS files; warnings were:\n{}",
        warnings.iter().map(|w| format!("{w}\n")).collect::<String>()
    );
    for warning in &server_detail {
        assert!(
            warning.file.starts_with(fixtures::samples_dir("ECS")),
            "the warning names an ECS file: {warning}"
        );
    }
}

/// VPN: OpenAPI 3.0 flavour (`components`, `requestBody`), 89 operations.
#[test]
fn vpn_generates_without_errors() {
    let warnings = warnings("VPN", "vpn");
    assert!(
        warnings.iter().all(|w| !w.is_error()),
        "a successful run carries no errors"
    );
}
