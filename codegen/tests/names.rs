//! Names chosen from real specs: a same-name definition whose shape differs between files
//! is named after the operation it mainly belongs to.

use codegen::{Config, generate};
use std::fs;
use std::path::Path;

/// ECS defines `ServerDetail` in four files with two shapes: the list operations share
/// one (it keeps the name), `ShowServer` and `ShowRecycleBinServer` the other. That one is
/// named after `ShowServer`, the shorter of the two operations that return it directly,
/// not after the alphabetically first file.
#[test]
fn a_differing_definition_is_named_after_its_own_operation() {
    let tmp = tempfile::tempdir().expect("temp folder");
    let ecs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/samples/ECS");
    for name in ["ListRecycleBinServers.json", "ListServersDetails.json", "ShowRecycleBinServer.json", "ShowServer.json"] {
        fs::copy(ecs.join(name), tmp.path().join(name)).expect("sample copied");
    }
    let generated = generate(&Config {
        specs: tmp.path().to_path_buf(),
        crate_name: "ecs".into(),
        specs_label: "specs/ecs".into(),
        regenerate: "codegen".into(),
        extras: None,
        overrides: None,
        runtime: String::new(),
        strict: true,
        default_settings: None,
    })
    .expect("ECS generates");
    let files = &generated.files.files;
    assert!(files.contains_key(Path::new("src/models/server_detail.rs")));
    assert!(files.contains_key(Path::new("src/models/server_detail_in_show_server.rs")));
    assert!(!files.keys().any(|p| p.to_string_lossy().contains("in_show_recycle_bin_server")));
}
