//! Settings for catalogue services whose specs alone mislead the generator, used when the
//! service folder has no `codegen.toml` of its own (see [`crate::service::ServiceConfig`]).
//!
//! Each entry is the text of a `codegen.toml`, with the evidence for it. Keep the list
//! short and reviewed: an entry is a correction of the catalogue, like
//! `specs/overrides.json` is for vendored specs.

/// `(service folder, codegen.toml text)`, by folder name.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "CCE",
        // `/api/v3/projects/{project_id}/clusters/...`: the project follows a `projects`
        // segment, yet it is the caller's own project, which Huawei's SDKs fill from the
        // credentials (huaweicloudsdkcce 3.1.219: `project_id` is an auth setting of every
        // CCE request, never a request field).
        "project_id_in_path = \"endpoint\"\n",
    ),
    (
        "ECS",
        // `offset` of `ListServersDetails` is a page number, not a count of items.
        "[pagination.ListServersDetails]\n\
         style = \"offset_pages\"\n\
         first = 1\n\
         evidence = \"the spec's `offset`: 页码。当前页面数,默认为1 (the page number, default 1); \
         huaweicloudsdkecs 3.1.219 ListServersDetailsRequest.offset says the same\"\n",
    ),
];

/// The built-in settings of the service folder `folder`, if any.
pub fn built_in(folder: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(name, _)| *name == folder).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_valid_settings() {
        for (folder, text) in BUILT_IN {
            let dir = std::env::temp_dir().join(format!("codegen-no-settings-{folder}-{}", std::process::id()));
            let settings = crate::service::ServiceConfig::load_or(&dir, Some(text))
                .unwrap_or_else(|d| panic!("the built-in settings of {folder} do not parse: {d}"));
            assert_ne!(settings, crate::service::ServiceConfig::default(), "{folder}");
        }
        assert!(built_in("CCE").is_some());
        assert!(built_in("ECS").is_some_and(|text| text.contains("ListServersDetails")));
        assert!(built_in("VPC").is_none());
    }
}
