//! Endpoint overrides by variable and by regions file, with environments given in code.

mod support;

use codegen_runtime::Env;
use codegen_runtime::huawei::endpoint_for_env;
use support::TempDir;

const TEMPLATE: &str = "functiongraph.{region}.myhuaweicloud.com";

fn env(pairs: &[(&str, &str)]) -> Env {
    Env::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

const REGIONS: &str = "\
FunctionGraph:
  - id: cn-north-4
    endpoint: 'https://fgs.file.example.com'
  - id: private-1
    endpoints:
      - https://fgs-a.private.example.com
      - https://fgs-b.private.example.com
ECS:
  - id: cn-north-4
    endpoint: https://ecs.file.example.com
";

#[test]
fn public_endpoint_without_overrides() {
    let endpoint = endpoint_for_env(&env(&[]), "FunctionGraph", "cn-north-4", TEMPLATE).expect("endpoint");
    assert_eq!(endpoint.base_url(), "https://functiongraph.cn-north-4.myhuaweicloud.com");
}

#[test]
fn override_by_variable_wins_over_the_file() {
    let dir = TempDir::new();
    let file = dir.write("regions.yaml", REGIONS);
    let vars = env(&[
        ("HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_CN_NORTH_4", "https://fgs.variable.example.com"),
        ("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().expect("utf-8")),
    ]);
    let endpoint = endpoint_for_env(&vars, "FunctionGraph", "cn-north-4", TEMPLATE).expect("endpoint");
    assert_eq!(endpoint.base_url(), "https://fgs.variable.example.com");
}

#[test]
fn override_by_file_named_by_variable_or_in_home() {
    let dir = TempDir::new();
    let file = dir.write("elsewhere.yaml", REGIONS);
    let named = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().expect("utf-8"))]);
    let endpoint = endpoint_for_env(&named, "functiongraph", "cn-north-4", TEMPLATE).expect("endpoint");
    assert_eq!(endpoint.base_url(), "https://fgs.file.example.com");
    let several = endpoint_for_env(&named, "FunctionGraph", "private-1", TEMPLATE).expect("endpoint");
    assert_eq!(several.base_url(), "https://fgs-a.private.example.com");
    let not_listed = endpoint_for_env(&named, "FunctionGraph", "cn-east-3", TEMPLATE).expect("endpoint");
    assert_eq!(not_listed.base_url(), "https://functiongraph.cn-east-3.myhuaweicloud.com");

    dir.write("home/.huaweicloud/regions.yaml", REGIONS);
    let home = env(&[("HOME", dir.path().join("home").to_str().expect("utf-8"))]);
    let ecs = endpoint_for_env(&home, "ECS", "cn-north-4", "ecs.{region}.myhuaweicloud.com").expect("endpoint");
    assert_eq!(ecs.base_url(), "https://ecs.file.example.com");
}

#[test]
fn a_broken_file_or_plain_http_elsewhere_is_an_error() {
    let dir = TempDir::new();
    let broken = dir.write("broken.yaml", "FunctionGraph:\n  - id: cn-north-4\n    endpoint: |\n      x\n");
    let vars = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", broken.to_str().expect("utf-8"))]);
    let error = endpoint_for_env(&vars, "FunctionGraph", "cn-north-4", TEMPLATE).unwrap_err();
    assert!(error.to_string().contains("line 3"), "{error}");

    let insecure = dir.write("insecure.yaml", "FunctionGraph:\n  - id: r1\n    endpoint: http://fgs.example.com\n");
    let vars = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", insecure.to_str().expect("utf-8"))]);
    let error = endpoint_for_env(&vars, "FunctionGraph", "r1", TEMPLATE).unwrap_err();
    assert!(error.to_string().contains("new_insecure"), "{error}");
    let local = env(&[("HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_R1", "http://127.0.0.1:8080")]);
    let endpoint = endpoint_for_env(&local, "FunctionGraph", "r1", TEMPLATE).expect("loopback");
    assert_eq!(endpoint.base_url(), "http://127.0.0.1:8080");
}
