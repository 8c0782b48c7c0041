//! Settings for catalogue services whose specs alone mislead the generator or do not say
//! enough (how a job's status reads, for waiters; how a list operation pages), used when the service folder has no
//! `codegen.toml` of its own (see [`crate::service::ServiceConfig`]).
//!
//! Each entry is the text of a `codegen.toml`, with the evidence for it. Keep the list
//! short and reviewed: an entry is a correction of the catalogue, like
//! `specs/overrides.json` is for vendored specs.

/// `(service folder, codegen.toml text)`, by folder name.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "BMS",
        // The job resource of bare metal servers reads like ECS's.
        r#"[waiters]
evidence = "ShowJobInfos.json (GET /v1/{project_id}/jobs/{job_id}) and huaweicloudsdkbms 3.1.219 ShowJobInfosResponse: status SUCCESS (成功), RUNNING (运行中), FAIL (失败), INIT (正在初始化); error_code and fail_reason when the job fails; entities with each sub-job's status and fail_reason. Batch operations answer the job_id to query."
operation = "ShowJobInfos"
status = "status"
success = ["SUCCESS"]
failure = ["FAIL"]
running = ["RUNNING", "INIT"]
error_code = "error_code"
reason = "fail_reason"
details = ["entities"]
"#,
    ),
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
        r#"[waiters]
evidence = "ShowJob.json (GET /v1/{project_id}/jobs/{job_id}): '对于创建云服务器、删除云服务器、云服务器批量操作和网卡操作等异步API,命令下发后,会返回job_id,通过job_id可以查询任务的执行状态'; status SUCCESS (成功), RUNNING (运行中), FAIL (失败), INIT (正在初始化), as in huaweicloudsdkecs 3.1.219 ShowJobResponse; error_code and fail_reason are set when the job fails; entities.sub_jobs carry each sub-job's fail_reason."
operation = "ShowJob"
status = "status"
success = ["SUCCESS"]
failure = ["FAIL"]
running = ["RUNNING", "INIT"]
error_code = "error_code"
reason = "fail_reason"
details = ["entities"]

# `offset` of `ListServersDetails` is a page number, not a count of items.
[pagination.ListServersDetails]
style = "offset_pages"
first = 1
evidence = "the spec's `offset`: 页码。当前页面数,默认为1 (the page number, default 1); huaweicloudsdkecs 3.1.219 ListServersDetailsRequest.offset says the same"
"#,
    ),
    (
        "EVS",
        r#"[waiters]
evidence = "ShowJob.json (GET /v1/{project_id}/jobs/{job_id}) and huaweicloudsdkevs 3.1.219 ShowJobResponse: status SUCCESS (成功), RUNNING (运行中), FAIL (失败), INIT (正在初始化); error_code and fail_reason (job执行失败时的错误码/错误原因); entities with the volume and sub-jobs. Volume creation, deletion and resizing answer the job_id."
operation = "ShowJob"
status = "status"
success = ["SUCCESS"]
failure = ["FAIL"]
running = ["RUNNING", "INIT"]
error_code = "error_code"
reason = "fail_reason"
details = ["entities"]
"#,
    ),
    (
        "IMS",
        r#"[waiters]
evidence = "ShowJob.json (GET /v1/{project_id}/jobs/{job_id}) and huaweicloudsdkims 3.1.219 ShowJobResponse: status SUCCESS (任务执行已经结束,任务执行成功), FAIL (任务执行已经结束,任务执行失败), RUNNING (正在执行), INIT (还未执行,正在初始化); entities holds the error code and message when the job fails ('任务异常时,返回错误码和信息'). Image creation, import, export, copy and sharing answer the job_id."
operation = "ShowJob"
status = "status"
success = ["SUCCESS"]
failure = ["FAIL"]
running = ["RUNNING", "INIT"]
error_code = "error_code"
reason = "fail_reason"
details = ["entities"]
"#,
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
        assert!(built_in("ECS").is_some_and(|text| text.contains("[waiters]") && text.contains("ListServersDetails")));
        assert!(built_in("VPC").is_none());
        let names: Vec<&str> = BUILT_IN.iter().map(|(name, _)| *name).collect();
        assert!(names.is_sorted(), "by folder name");
    }
}
