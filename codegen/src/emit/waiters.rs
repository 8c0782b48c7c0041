//! `src/waiters.rs`: how the service's job answers read (`JOBS`), and on the `Client`
//! `wait_for_job` plus one `<operation>_and_wait` per operation that starts a job.

use super::docs::{doc_attrs, inner_doc_attrs, text_lines};
use super::operations::route;
use super::types::{ident, type_tokens_in, Prelude};
use super::CrateInfo;
use crate::model::{Model, Waiters};
use crate::names::Names;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashSet;

/// The module, when the service has waiters.
pub fn waiters_tokens(model: &Model, names: &Names, info: &CrateInfo) -> Option<TokenStream> {
    let waiters = info.waiters.as_ref()?;
    let service = info.service.as_str();
    let settings = &waiters.settings;
    let job_op = &model.operations[waiters.job_operation];
    let job_names = &names.operations[waiters.job_operation];
    let job_request = ident(&job_names.request);
    let job_id_field = ident(&job_names.params[waiters.job_id_param]);
    let models = quote!(models);
    let ty = |t: &crate::model::TypeRef| type_tokens_in(t, names, &Prelude::plain(), Some(&models));
    let job_ty = ty(&waiters.job_body);

    // Method names beside the operations' own: a numbered suffix on a clash.
    let mut taken: HashSet<String> = names.operations.iter().map(|n| n.method.clone()).collect();
    let mut claim = |base: String| {
        let mut name = base.clone();
        let mut n = 1;
        while !taken.insert(name.clone()) {
            n += 1;
            name = format!("{base}_{n}");
        }
        name
    };
    let wait_for_job_name = claim("wait_for_job".to_owned());
    let wait_for_job = ident(&wait_for_job_name);
    let and_wait_names: Vec<String> = waiters
        .starters
        .iter()
        .map(|s| claim(format!("{}_and_wait", names.operations[s.operation].method)))
        .collect();

    let strs = |values: &[String]| quote!(&[#(#values),*]);
    let status = &settings.status;
    let (success, failure, running) = (strs(&settings.success), strs(&settings.failure), strs(&settings.running));
    let option = |value: &Option<String>| match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let (error_code, reason, details) = (option(&settings.error_code), option(&settings.reason), strs(&settings.details));
    let listed = |values: &[String]| values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    let running_values = match settings.running.as_slice() {
        [] => "any other value".to_owned(),
        values => format!("{} (or any other value)", listed(values)),
    };
    let mut jobs_doc = vec![
        format!("How {service} job answers (of [`{}`](crate::operations::{})) read: the status at", job_op.id, job_names.request),
        format!(
            "`{status}`, success {}, failure {}, still going {running_values}.",
            listed(&settings.success),
            listed(&settings.failure)
        ),
    ];
    let failure_parts: Vec<String> = settings
        .error_code
        .iter()
        .chain(&settings.reason)
        .chain(&settings.details)
        .map(|p| format!("`{p}`"))
        .collect();
    if !failure_parts.is_empty() {
        jobs_doc.push(format!("A failed job's [`JobFailure`](crate::JobFailure) keeps {}.", failure_parts.join(", ")));
    }
    jobs_doc.push(String::new());
    jobs_doc.push("From the service's settings, on this evidence:".to_owned());
    jobs_doc.extend(text_lines(&settings.evidence));
    let jobs_doc = doc_attrs(&jobs_doc);

    let wait_doc = doc_attrs(&[
        format!("Waits for job `job_id` of {service} to end, polling [`{}`](Self::{}) on the", job_op.id, job_names.method),
        "schedule of `options`: the job's last answer when it succeeds.".to_owned(),
        String::new(),
        "Fails with [`Error::JobFailed`](crate::Error::JobFailed) (the job's own error code, reason".to_owned(),
        "and details) when it fails, [`Error::WaitTimeout`](crate::Error::WaitTimeout) when".to_owned(),
        "`options`' timeout passes first, and with a poll's error when one fails after the".to_owned(),
        "client's retries. Dropping the future stops polling; the job goes on at the service.".to_owned(),
        String::new(),
        format!("See [`JOBS`] for how answers read; {}.", route(job_op)),
    ]);

    let starters = waiters.starters.iter().zip(&and_wait_names).map(|(starter, and_wait)| {
        let op = &model.operations[starter.operation];
        let op_names = &names.operations[starter.operation];
        let method = ident(&op_names.method);
        let and_wait = ident(and_wait);
        let request = ident(&op_names.request);
        let started_ty = ty(&crate::model::TypeRef::Named(starter.body));
        let crate::model::TypeKind::Struct(def) = &model.get(starter.body).kind else {
            unreachable!("a starter's body is a struct (model::job_starters)")
        };
        let field = &def.fields[starter.field];
        let field_ident = ident(&names.members[starter.body.0][starter.field]);
        let missing = format!("the answer of {} has no job_id", op.id);
        // `String`, `Option<String>` (optional or nullable), or `Option<Option<String>>`
        // (both): see `emit::models`.
        let job_id = match (field.required, field.nullable) {
            (true, false) => quote!(started.#field_ident.clone()),
            (false, true) => quote! {
                match started.#field_ident.clone().flatten() {
                    Some(job_id) => job_id,
                    None => return Err(crate::Error::JobUnreadable(#missing.to_owned())),
                }
            },
            _ => quote! {
                match started.#field_ident.clone() {
                    Some(job_id) => job_id,
                    None => return Err(crate::Error::JobUnreadable(#missing.to_owned())),
                }
            },
        };
        let summary = op.summary.as_deref().map(text_lines).unwrap_or_default();
        let mut doc = vec![format!(
            "[`{}`](Self::{}), then [`{}`](Self::{}) for the job it starts: its answer and",
            op_names.method, op_names.method, wait_for_job, wait_for_job
        )];
        doc.push("the job's last one.".to_owned());
        if !summary.is_empty() {
            doc.push(String::new());
            doc.extend(summary);
        }
        doc.push(String::new());
        doc.push(format!("{} (operation `{}`).", route(op), op.id));
        let doc = doc_attrs(&doc);
        quote! {
            #doc
            pub async fn #and_wait(
                &self,
                request: operations::#request,
                options: &crate::WaitOptions,
            ) -> Result<crate::JobDone<#started_ty, #job_ty>, crate::Error> {
                let started = self.#method(request).await?.into_ok()?;
                let job_id = #job_id;
                let job = self.#wait_for_job(job_id, options).await?;
                Ok(crate::JobDone { started, job })
            }
        }
    });
    let starters: Vec<TokenStream> = starters.collect();

    let module_doc = inner_doc_attrs(&module_doc_lines(model, names, waiters, service, &wait_for_job_name, &and_wait_names));
    Some(quote! {
        #module_doc
        use crate::{models, operations};

        #jobs_doc
        pub const JOBS: codegen_runtime::JobRule = codegen_runtime::JobRule::new(#status, #success, #failure, #running)
            .with_failure_fields(#error_code, #reason)
            .with_details(#details);

        impl crate::Client {
            #wait_doc
            pub async fn #wait_for_job(
                &self,
                job_id: impl Into<String>,
                options: &crate::WaitOptions,
            ) -> Result<#job_ty, crate::Error> {
                let request = &operations::#job_request::new(job_id);
                JOBS.wait(&request.#job_id_field, options, || async move { self.send(request).await?.into_ok() })
                    .await
            }

            #(#starters)*
        }
    })
}

/// The module's docs: what waits, with an example and the operations that can.
fn module_doc_lines(
    model: &Model,
    names: &Names,
    waiters: &Waiters,
    service: &str,
    wait_for_job: &str,
    and_wait: &[String],
) -> Vec<String> {
    let job_names = &names.operations[waiters.job_operation];
    let mut lines = vec![
        format!("Waiting for {service}'s asynchronous jobs."),
        String::new(),
        format!(
            "Operations that start a job answer a `job_id`; [`{}`](crate::operations::{}) tells how",
            model.operations[waiters.job_operation].id, job_names.request
        ),
        format!("it goes. The [`Client`](crate::Client) waits for one with [`{wait_for_job}`](crate::Client::{wait_for_job}),"),
        "or sends an operation and waits for its job with `<operation>_and_wait(request, &options)`.".to_owned(),
        "[`WaitOptions`](crate::WaitOptions) set the poll interval, its growth and the overall".to_owned(),
        "timeout.".to_owned(),
    ];
    lines.push(String::new());
    lines.push(format!("The operations that start a job ({}):", waiters.starters.len()));
    lines.push(String::new());
    for (starter, method) in waiters.starters.iter().zip(and_wait) {
        let op = &model.operations[starter.operation];
        lines.push(format!("- [`{method}`](crate::Client::{method}): `{}` ({})", op.id, route(op)));
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Generates ECS's `ShowJob` and `DeleteServers` with the catalogue's ECS settings (and
    /// `ListServersDetails`, which those settings page), plus `extra` spec files (name,
    /// text), and gives `src/waiters.rs`.
    fn waiters_rs(extra: &[(&str, String)]) -> String {
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/samples/ECS");
        let dir = std::env::temp_dir().join(format!("codegen-emit-waiters-{}-{}", std::process::id(), extra.len()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        for name in ["ShowJob.json", "DeleteServers.json", "ListServersDetails.json"] {
            std::fs::copy(samples.join(name), dir.join(name)).expect("the sample exists");
        }
        for (name, text) in extra {
            std::fs::write(dir.join(name), text).expect("write");
        }
        let config = crate::Config {
            specs: dir.clone(),
            crate_name: "ecs".to_owned(),
            default_settings: crate::catalogue::built_in_settings("ECS").map(str::to_owned),
            strict: true,
            ..crate::Config::default()
        };
        let generated = crate::generate(&config);
        std::fs::remove_dir_all(&dir).expect("cleanup");
        let generated = generated.unwrap_or_else(|failure| panic!("{failure}"));
        let lib = &generated.files.files[Path::new("src/lib.rs")];
        assert!(lib.contains("pub mod waiters;") && lib.contains("WaitOptions"), "{lib}");
        generated.files.files[Path::new("src/waiters.rs")].clone()
    }

    #[test]
    fn each_job_starter_gets_a_method_and_the_job_operation_a_waiter() {
        let source = waiters_rs(&[]);
        assert!(source.contains("pub async fn wait_for_job("), "{source}");
        assert!(source.contains("pub async fn delete_servers_and_wait("), "{source}");
        assert!(source.contains("operations::ShowJobRequest::new(job_id)"), "{source}");
        assert!(source.contains("crate::JobDone<models::JobResult, models::ShowJobResponseBody>"), "{source}");
        assert!(source.contains("\"status\",") && source.contains(".with_details(&[\"entities\"])"), "{source}");
    }

    #[test]
    fn a_method_name_an_operation_took_gets_a_suffix() {
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/samples/ECS");
        let delete = std::fs::read_to_string(samples.join("DeleteServers.json")).expect("the sample exists");
        // Operations of these names would be the methods `wait_for_job` and
        // `delete_servers_and_wait`.
        let clash = |id: &str, path: &str| {
            delete.replace("\"operationId\":\"DeleteServers\"", &format!("\"operationId\":\"{id}\"")).replace("/cloudservers/delete", path)
        };
        let source = waiters_rs(&[
            ("WaitForJob.json", clash("WaitForJob", "/cloudservers/wait")),
            ("DeleteServersAndWait.json", clash("DeleteServersAndWait", "/cloudservers/delete-and-wait")),
        ]);
        assert!(source.contains("pub async fn wait_for_job_2("), "{source}");
        assert!(source.contains("pub async fn delete_servers_and_wait_2("), "{source}");
        // The clashing operations answer a job_id too, and get their own.
        assert!(source.contains("pub async fn wait_for_job_and_wait("), "{source}");
        assert!(source.contains("pub async fn delete_servers_and_wait_and_wait("), "{source}");
    }
}
