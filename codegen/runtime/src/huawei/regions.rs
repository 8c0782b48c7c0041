//! Service endpoints, with the overrides of the official SDKs: an environment variable
//! per service and region, then the regions file, then the public endpoint.

use super::{endpoint_from_setting, regions_yaml};
use crate::{Endpoint, Env, Error};
use std::path::{Path, PathBuf};

/// The variable naming another regions file.
pub const ENV_REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";

/// The prefix of the variables that override one service's endpoint in one region.
pub const ENV_REGION_PREFIX: &str = "HUAWEICLOUD_SDK_REGION";

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
pub fn endpoint_for_env(env: &Env, service: &str, region: &str, host_template: &str) -> Result<Endpoint, Error> {
    if let Some(value) = env.get(&region_variable(service, region)) {
        let first = value.split(',').map(str::trim).find(|e| !e.is_empty()).unwrap_or_default();
        return endpoint_from_setting(first);
    }
    if let Some(path) = regions_file_path(env) {
        if let Some(url) = endpoint_in_file(&path, service, region)? {
            return endpoint_from_setting(&url);
        }
    }
    Endpoint::from_template(host_template, &[("region", region)])
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
    Ok(endpoints.and_then(|(_, endpoints)| endpoints.first().cloned()))
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
    fn regions_file_path_from_the_variable_or_home() {
        let named = Env::from_pairs([(ENV_REGIONS_FILE, "/etc/regions.yaml"), ("HOME", "/home/me")]);
        assert_eq!(regions_file_path(&named), Some(PathBuf::from("/etc/regions.yaml")));
        let home = Env::from_pairs([("HOME", "/home/me")]);
        assert_eq!(regions_file_path(&home), Some(PathBuf::from("/home/me/.huaweicloud/regions.yaml")));
        let missing = endpoint_in_file(Path::new("/nonexistent/regions.yaml"), "ECS", "r").expect("skipped");
        assert_eq!(missing, None);
    }
}
