//! Service endpoints, with the overrides of the official SDKs: an environment variable
//! per service and region, then the regions file, then the public endpoint; and the
//! official SDK's IAM and STS endpoints by region.

use super::{endpoint_from_setting, region_table, regions_yaml};
use crate::{Endpoint, Env, Error};
use std::path::{Path, PathBuf};

/// The variable naming another regions file.
pub const ENV_REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";

/// The prefix of the variables that override one service's endpoint in one region.
pub const ENV_REGION_PREFIX: &str = "HUAWEICLOUD_SDK_REGION";

/// The variable that, set to `true`, lets a service whose regions are known
/// ([`Service::regions`](super::Service::regions)) go to a region it does not know, at its
/// host template; unset, such a region is refused (a typo would otherwise reach a host
/// that does not exist, or someone else's).
pub const ENV_ALLOW_UNKNOWN_REGION: &str = "HUAWEICLOUD_SDK_ALLOW_UNKNOWN_REGION";

/// IAM for a region the official SDK's table lacks (`IamHelper.DEFAULT_ENDPOINT`).
pub const IAM_DEFAULT_ENDPOINT: &str = region_table::IAM_DEFAULT;

/// STS for a region the official SDK's table lacks (`StsHelper.DEFAULT_STS_ENDPOINT`).
pub const STS_DEFAULT_ENDPOINT: &str = region_table::STS_DEFAULT;

/// The endpoint of `service` in `region`, reading the process's environment; see
/// [`endpoint_for_env`].
pub fn endpoint_for(service: &str, region: &str, host_template: &str) -> Result<Endpoint, Error> {
    endpoint_for_env(&Env::process(), service, region, host_template)
}

/// The endpoint of `service` (such as `FunctionGraph` or `ECS`) in `region` (such as
/// `cn-north-4`), the first of:
///
/// 1. the variable `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` (both upper case, `-`
///    as `_`: `HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4`), holding the endpoint URL;
/// 2. the regions file ([`regions_file_path`]), whose entry for the service (any case)
///    and region id gives the endpoint:
///    ```yaml
///    ECS:
///      - id: cn-north-4
///        endpoint: https://ecs.cn-north-4.example.com
///    ```
/// 3. `https://` and `host_template` with `{region}` filled in
///    ([`Endpoint::from_template`]).
///
/// Where several endpoints are given (a comma-separated variable, `endpoints:` in the
/// file), the first is used. An endpoint without a scheme gets `https://`; plain
/// `http://` is refused unless the host is this machine (see [`Endpoint::new`]). A
/// regions file that does not exist is skipped; one that cannot be read or parsed is an
/// error naming the line.
///
/// This knows no region table: [`Service::endpoint_in`](super::Service::endpoint_in) puts
/// the official SDK's endpoints between the overrides and the template.
pub fn endpoint_for_env(env: &Env, service: &str, region: &str, host_template: &str) -> Result<Endpoint, Error> {
    match overridden_endpoints(env, service, region)? {
        Some(urls) => endpoint_from_setting(&urls[0]),
        None => Endpoint::from_template(host_template, &[("region", region)]),
    }
}

/// The endpoints the overrides give `service` in `region`, in order, never empty: the
/// variable's (comma-separated), else the regions file's; `None` when neither has any.
pub(super) fn overridden_endpoints(env: &Env, service: &str, region: &str) -> Result<Option<Vec<String>>, Error> {
    let variable = region_variable(service, region);
    if let Some(value) = env.get(&variable) {
        let urls: Vec<String> = value.split(',').map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect();
        if urls.is_empty() {
            return Err(Error::InvalidRequest(format!("{variable} holds no endpoint")));
        }
        return Ok(Some(urls));
    }
    match regions_file_path(env) {
        Some(path) => endpoints_in_file(&path, service, region),
        None => Ok(None),
    }
}

/// Whether [`ENV_ALLOW_UNKNOWN_REGION`] is `true` (or `1`) in `env`.
pub fn allows_unknown_region(env: &Env) -> bool {
    env.get(ENV_ALLOW_UNKNOWN_REGION)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true") || v.trim() == "1")
}

/// The refusal of `region`, which the table `known` of `service` lacks: the known ones
/// sorted (as the SDK lists them), the nearest when it looks like a typo, and the
/// ways to go there anyway.
pub(super) fn unknown_region(service: &str, region: &str, known: &[(&str, &[&str])], host_template: &str) -> Error {
    let mut ids: Vec<&str> = known.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    let nearest = ids
        .iter()
        .map(|id| (edit_distance(id, region), *id))
        .filter(|(distance, _)| *distance <= 2)
        .min();
    let hint = nearest.map(|(_, id)| format!(" (did you mean `{id}`?)")).unwrap_or_default();
    Error::InvalidRequest(format!(
        "region `{region}` is not one of the {} regions the official SDK knows for {service}{hint}: {}; \
         for another region give its endpoint in {} or the regions file, or set \
         {ENV_ALLOW_UNKNOWN_REGION}=true to use `{host_template}`",
        ids.len(),
        ids.join(", "),
        region_variable(service, region),
    ))
}

/// Levenshtein distance (characters inserted, removed or replaced), for short ids.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let replaced = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = replaced.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// IAM's endpoint for `region` as the official SDK finds it when
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT` is unset (`IamHelper.get_iam_endpoint`): the core's
/// table, whose hosts are `iam.{region}.myhuaweicloud.com`, else [`IAM_DEFAULT_ENDPOINT`],
/// the global one, for every other region (`eu-west-101`, `cn-north-11`, ...).
pub fn iam_endpoint_of(region: &str) -> &'static str {
    lookup(region_table::IAM, region).unwrap_or(IAM_DEFAULT_ENDPOINT)
}

/// STS's endpoint for `region` as the official SDK finds it when
/// `HUAWEICLOUD_SDK_STS_ENDPOINT` is unset (`StsHelper.get_sts_endpoint`): the core's
/// table, else [`STS_DEFAULT_ENDPOINT`].
pub fn sts_endpoint_of(region: &str) -> &'static str {
    lookup(region_table::STS, region).unwrap_or(STS_DEFAULT_ENDPOINT)
}

fn lookup(table: &[(&str, &'static str)], region: &str) -> Option<&'static str> {
    table.iter().find(|(id, _)| *id == region).map(|(_, url)| *url)
}

/// The variable that overrides the endpoint of `service` in `region`:
/// `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`, upper case, `-` as `_`.
pub fn region_variable(service: &str, region: &str) -> String {
    let name = format!("{ENV_REGION_PREFIX}_{service}_{region}");
    name.to_uppercase().replace('-', "_")
}

/// The regions file: the one `HUAWEICLOUD_SDK_REGIONS_FILE` names, else
/// `.huaweicloud/regions.yaml` in the home folder; `None` without either.
pub fn regions_file_path(env: &Env) -> Option<PathBuf> {
    if let Some(path) = env.get(ENV_REGIONS_FILE) {
        return Some(PathBuf::from(path));
    }
    env.home_dir().map(|home| home.join(".huaweicloud").join("regions.yaml"))
}

/// The first endpoint the regions file at `path` gives for `service` in `region`;
/// `None` when the file does not exist or has no such entry. Read at each call, so edits
/// apply without a restart.
pub fn endpoint_in_file(path: &Path, service: &str, region: &str) -> Result<Option<String>, Error> {
    Ok(endpoints_in_file(path, service, region)?.map(|mut urls| urls.swap_remove(0)))
}

/// Every endpoint the regions file at `path` gives for `service` in `region`, in order;
/// `None` when the file does not exist or has no endpoint for it.
pub fn endpoints_in_file(path: &Path, service: &str, region: &str) -> Result<Option<Vec<String>>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::InvalidRequest(format!("regions file {} cannot be read: {e}", path.display())));
        }
    };
    let services = regions_yaml::parse(&text)
        .map_err(|e| Error::InvalidRequest(format!("regions file {}, {e}", path.display())))?;
    let regions = services.get(&service.to_uppercase());
    let endpoints = regions.and_then(|regions| regions.iter().find(|(id, _)| id == region));
    Ok(endpoints.map(|(_, endpoints)| endpoints.clone()).filter(|urls| !urls.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert_eq!(region_variable("FunctionGraph", "cn-north-4"), "HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_CN_NORTH_4");
        assert_eq!(region_variable("ecs", "ap-southeast-1"), "HUAWEICLOUD_SDK_REGION_ECS_AP_SOUTHEAST_1");
    }

    #[test]
    fn variable_then_template() {
        let template = "ecs.{region}.myhuaweicloud.com";
        let env = Env::from_pairs([("HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4", "ecs.private.example.com, https://b")]);
        let overridden = endpoint_for_env(&env, "ecs", "cn-north-4", template).expect("endpoint");
        assert_eq!(overridden.base_url(), "https://ecs.private.example.com");
        let other = endpoint_for_env(&env, "ecs", "cn-north-1", template).expect("endpoint");
        assert_eq!(other.base_url(), "https://ecs.cn-north-1.myhuaweicloud.com");
        let insecure = Env::from_pairs([("HUAWEICLOUD_SDK_REGION_ECS_R1", "http://10.1.2.3")]);
        assert!(endpoint_for_env(&insecure, "ECS", "r1", template).is_err());
    }

    #[test]
    fn iam_and_sts_as_the_sdk_finds_them() {
        assert_eq!(iam_endpoint_of("cn-north-4"), "https://iam.cn-north-4.myhuaweicloud.com");
        assert_eq!(iam_endpoint_of("eu-west-101"), "https://iam.myhuaweicloud.com", "not in the core's table");
        assert_eq!(sts_endpoint_of("ap-southeast-1"), "https://sts.ap-southeast-1.myhuaweicloud.com");
        assert_eq!(sts_endpoint_of("cn-north-1"), "https://sts.cn-north-4.myhuaweicloud.com");
    }

    /// `region_table.rs` is the runtime's copy of `specs/regions/sdk-core.json`.
    #[test]
    fn the_core_tables_are_those_of_the_json() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/regions/sdk-core.json");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
        for (kind, table, default) in [
            ("iam", region_table::IAM, region_table::IAM_DEFAULT),
            ("sts", region_table::STS, region_table::STS_DEFAULT),
        ] {
            let listed: Vec<(&str, &str)> = json[kind]
                .as_object()
                .expect("table")
                .iter()
                .map(|(id, urls)| (id.as_str(), urls[0].as_str().expect("url")))
                .collect();
            assert_eq!(listed, table, "{kind}: rerun specs/regions/extract.py");
            assert_eq!(json[format!("{kind}_default")], default, "{kind}");
        }
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("cn-north-4", "cn-nort-4"), 1);
        assert_eq!(edit_distance("cn-north-4", "cn-north-4"), 0);
        assert_eq!(edit_distance("ab", "ba"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn regions_file_path_from_the_variable_or_home() {
        let named = Env::from_pairs([(ENV_REGIONS_FILE, "/etc/regions.yaml"), ("HOME", "/home/me")]);
        assert_eq!(regions_file_path(&named), Some(PathBuf::from("/etc/regions.yaml")));
        let home = Env::from_pairs([("HOME", "/home/me")]);
        assert_eq!(regions_file_path(&home), Some(PathBuf::from("/home/me/.huaweicloud/regions.yaml")));
        let missing = endpoint_in_file(Path::new("/nonexistent/regions.yaml"), "ECS", "r").expect("skipped");
        assert_eq!(missing, None);
    }
}
