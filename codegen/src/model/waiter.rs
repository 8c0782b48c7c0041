//! Waiters: the operation that shows one of the service's asynchronous jobs, and the
//! operations whose answers name such a job.
//!
//! Which operations start a job is read from the specs (a write whose one success answer
//! has a `job_id` text property); how a job's answer reads (where its status is, which
//! values end it) only the service's settings can say, with their evidence, and they are
//! checked here against the specs.

use super::{BodyKind, Location, Model, Operation, Status, TypeId, TypeKind, TypeRef};
use crate::diag::Diagnostic;
use crate::names::carried;
use crate::service::WaiterSettings;
use std::path::Path;

/// The service's job resource and the operations that start its jobs.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiters {
    /// The job operation, an index into [`Model::operations`].
    pub job_operation: usize,
    /// Its parameter that takes the job id, an index into its params.
    pub job_id_param: usize,
    /// Its success body.
    pub job_body: TypeRef,
    /// The operations that start a job, in model order.
    pub starters: Vec<Starter>,
    /// How the job's answers read.
    pub settings: WaiterSettings,
}

/// An operation whose success answer names a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Starter {
    /// An index into [`Model::operations`].
    pub operation: usize,
    /// The success body's type.
    pub body: TypeId,
    /// The index of its `job_id` field.
    pub field: usize,
}

/// The property whose value is a job's id.
const JOB_ID: &str = "job_id";

/// The operations that start a job, as the specs tell: a write (not `GET` or `HEAD`) whose
/// one success answer is an object with a `job_id` text property. A read that answers a
/// `job_id` only reports one.
pub fn job_starters(model: &Model) -> Vec<Starter> {
    model
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op.method.as_str(), "GET" | "HEAD"))
        .filter_map(|(index, op)| {
            let body = success_body(op)?;
            let TypeRef::Named(id) = body else { return None };
            let TypeKind::Struct(fields) = &model.get(*id).kind else { return None };
            let field = fields.fields.iter().position(|f| f.json_name == JOB_ID && f.ty == TypeRef::String)?;
            Some(Starter { operation: index, body: *id, field })
        })
        .collect()
}

/// The JSON type of an operation's one success answer, when it has exactly one and it is
/// JSON (the type `into_ok` gives).
fn success_body(op: &Operation) -> Option<&TypeRef> {
    let mut successes = op.responses.iter().filter(|r| match r.status {
        Status::Code(code) => (200..300).contains(&code),
        Status::Class(class) => class == 2,
        Status::Default => false,
    });
    let only = successes.next().filter(|_| successes.next().is_none())?;
    match (&only.status, &only.body) {
        (Status::Code(204 | 304), _) => None,
        (_, Some(BodyKind::Json(ty))) => Some(ty),
        _ => None,
    }
}

/// The waiters of a service: its `[waiters]` settings checked against the specs.
/// `settings_file` names the settings in errors.
pub fn waiters(model: &Model, settings: &WaiterSettings, settings_file: &Path) -> Result<Waiters, Diagnostic> {
    let error = |message: String| Diagnostic::error(settings_file, "/waiters", message);
    let find = |id: &str| model.operations.iter().position(|op| op.id == id);
    let job_operation = find(&settings.operation)
        .ok_or_else(|| error(format!("`operation = \"{}\"` is not an operation of these specs", settings.operation)))?;
    let op = &model.operations[job_operation];
    let param_name = settings.job_id_param();
    let job_id_param = op
        .params
        .iter()
        .position(|p| p.name == param_name && p.location == Location::Path && carried(p.role))
        .ok_or_else(|| error(format!("`{}` has no path parameter `{param_name}` to take the job id", op.id)))?;
    if let Some(other) = op.params.iter().enumerate().find(|(i, p)| *i != job_id_param && p.required && carried(p.role)) {
        return Err(error(format!(
            "`{}` needs `{}` besides the job id; a waiter can only give it the job id",
            op.id, other.1.name
        )));
    }
    let job_body = success_body(op)
        .cloned()
        .ok_or_else(|| error(format!("`{}` has no single JSON success answer to read the job from", op.id)))?;
    let paths = std::iter::once(&settings.status).chain(&settings.error_code).chain(&settings.reason).chain(&settings.details);
    for path in paths {
        if !has_path(model, &job_body, path) {
            return Err(error(format!("the answer of `{}` has no `{path}`", op.id)));
        }
    }
    let detected = job_starters(model);
    for id in &settings.exclude {
        let Some(index) = find(id) else {
            return Err(error(format!("`exclude` names `{id}`, which is not an operation of these specs")));
        };
        if !detected.iter().any(|s| s.operation == index) {
            return Err(error(format!("`exclude` names `{id}`, which does not answer a `job_id`")));
        }
    }
    let starters = detected
        .into_iter()
        .filter(|s| s.operation != job_operation && !settings.exclude.contains(&model.operations[s.operation].id))
        .collect();
    Ok(Waiters { job_operation, job_id_param, job_body, starters, settings: settings.clone() })
}

/// Makes the failure fields of the job's answer (its error code, reason and details)
/// optional: the service sends them as `null` until the job fails, though specs mark them
/// required (ECS `ShowJob`: "Job执行成功后,该值为null", and its example), and an answer that
/// does not decode would end the wait.
pub fn relax_failure_fields(model: &mut Model, waiters: &Waiters) {
    let settings = &waiters.settings;
    let paths = settings.error_code.iter().chain(&settings.reason).chain(&settings.details);
    let fields: Vec<(TypeId, usize)> = paths.filter_map(|path| field_at(model, &waiters.job_body, path)).collect();
    for (id, index) in fields {
        if let TypeKind::Struct(def) = &mut model.types[id.0].kind {
            def.fields[index].required = false;
        }
    }
}

/// Whether a dotted path names a property of the type (a free-form value may hold any).
fn has_path(model: &Model, ty: &TypeRef, path: &str) -> bool {
    walk(model, ty, path).is_some()
}

/// The struct and field index of the path's last property, when a struct declares it.
fn field_at(model: &Model, ty: &TypeRef, path: &str) -> Option<(TypeId, usize)> {
    walk(model, ty, path).flatten()
}

/// Follows a dotted path through the types: `None` when it leads nowhere, else the struct
/// field of its last step (`None` inside a free-form value or a map).
fn walk(model: &Model, ty: &TypeRef, path: &str) -> Option<Option<(TypeId, usize)>> {
    let mut current = ty.clone();
    let mut last = None;
    for key in path.split('.') {
        // Alias chains are acyclic (the model stage breaks cycles); the bound is a guard.
        for _ in 0..=model.types.len() {
            match &current {
                TypeRef::Named(id) => match &model.get(*id).kind {
                    TypeKind::Alias(target) | TypeKind::Newtype(target) => current = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        current = match &current {
            TypeRef::Any => return Some(None),
            TypeRef::Map(value) => {
                last = None;
                (**value).clone()
            }
            TypeRef::Named(id) => match &model.get(*id).kind {
                TypeKind::Struct(def) => {
                    let index = def.fields.iter().position(|f| f.json_name == key)?;
                    last = Some((*id, index));
                    def.fields[index].ty.clone()
                }
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_dir;

    /// The model of the ECS sample specs named.
    fn ecs(files: &[&str]) -> (Model, tempdir::Dir) {
        let dir = tempdir::Dir::new("ecs");
        for name in files {
            let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/samples/ECS").join(name);
            std::fs::copy(from, dir.0.join(name)).expect("the sample exists");
        }
        let (specs, diags) = read_dir(&dir.0, None);
        assert!(!diags.has_errors(), "{diags}");
        let (model, diags, _) = crate::model::build(&specs);
        assert!(!diags.has_errors(), "{diags}");
        (model, dir)
    }

    mod tempdir {
        /// A folder removed when dropped.
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new(name: &str) -> Self {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static N: AtomicUsize = AtomicUsize::new(0);
                let n = N.fetch_add(1, Ordering::SeqCst);
                let path = std::env::temp_dir().join(format!("codegen-waiter-{name}-{}-{n}", std::process::id()));
                std::fs::create_dir_all(&path).expect("temp folder");
                Self(path)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn settings(text: &str) -> WaiterSettings {
        let base = "evidence = \"test\"\noperation = \"ShowJob\"\nstatus = \"status\"\nsuccess = [\"SUCCESS\"]\nfailure = [\"FAIL\"]\n";
        toml::from_str(&format!("{base}{text}")).expect("valid settings")
    }

    fn ids(model: &Model, starters: &[Starter]) -> Vec<String> {
        starters.iter().map(|s| model.operations[s.operation].id.clone()).collect()
    }

    #[test]
    fn writes_answering_a_job_id_start_jobs_and_reads_do_not() {
        let (model, _dir) = ecs(&["ShowJob.json", "DeleteServers.json", "ShowServer.json", "BatchStartServers.json"]);
        assert_eq!(ids(&model, &job_starters(&model)), ["BatchStartServers", "DeleteServers"], "ShowJob is a GET");
        let waiters = waiters(&model, &settings("reason = \"fail_reason\"\ndetails = [\"entities.sub_jobs\"]\n"), Path::new("codegen.toml"))
            .expect("valid");
        assert_eq!(model.operations[waiters.job_operation].id, "ShowJob");
        assert_eq!(model.operations[waiters.job_operation].params[waiters.job_id_param].name, "job_id");
        assert_eq!(ids(&model, &waiters.starters), ["BatchStartServers", "DeleteServers"]);
        let excluded = super::waiters(&model, &settings("exclude = [\"BatchStartServers\"]\n"), Path::new("codegen.toml"))
            .expect("valid");
        assert_eq!(ids(&model, &excluded.starters), ["DeleteServers"]);
    }

    #[test]
    fn the_failure_fields_become_optional_and_nothing_else() {
        let (mut model, _dir) = ecs(&["ShowJob.json"]);
        let waiters = waiters(&model, &settings("error_code = \"error_code\"\nreason = \"fail_reason\"\ndetails = [\"entities\"]\n"), Path::new("codegen.toml"))
            .expect("valid");
        let required = |model: &Model| -> Vec<String> {
            let TypeRef::Named(id) = &waiters.job_body else { panic!("a model") };
            let TypeKind::Struct(def) = &model.get(*id).kind else { panic!("a struct") };
            def.fields.iter().filter(|f| f.required).map(|f| f.json_name.clone()).collect()
        };
        assert_eq!(required(&model), ["begin_time", "end_time", "entities", "error_code", "fail_reason", "job_id", "job_type", "status"]);
        relax_failure_fields(&mut model, &waiters);
        assert_eq!(required(&model), ["begin_time", "end_time", "job_id", "job_type", "status"]);
    }

    #[test]
    fn settings_that_do_not_fit_the_specs_are_errors() {
        let (model, _dir) = ecs(&["ShowJob.json", "DeleteServers.json", "ShowServer.json"]);
        let check = |text: &str, base: &str| {
            let settings: WaiterSettings = toml::from_str(&format!("{base}{text}")).expect("parses");
            waiters(&model, &settings, Path::new("codegen.toml")).expect_err("refused").message
        };
        let base = "evidence = \"e\"\nsuccess = [\"SUCCESS\"]\nfailure = [\"FAIL\"]\n";
        let message = check("operation = \"ShowJobs\"\nstatus = \"status\"\n", base);
        assert!(message.contains("\"ShowJobs\"") && message.contains("not an operation"), "{message}");
        let message = check("operation = \"ShowJob\"\nstatus = \"state\"\n", base);
        assert!(message.contains("no `state`"), "{message}");
        let message = check("operation = \"ShowJob\"\nstatus = \"status\"\ndetails = [\"entities.sub_job\"]\n", base);
        assert!(message.contains("entities.sub_job"), "{message}");
        let message = check("operation = \"ShowJob\"\nstatus = \"status\"\njob_id_param = \"id\"\n", base);
        assert!(message.contains("`id`"), "{message}");
        let message = check("operation = \"ShowJob\"\nstatus = \"status\"\nexclude = [\"ShowServer\"]\n", base);
        assert!(message.contains("does not answer a `job_id`"), "{message}");
        let message = check("operation = \"ShowJob\"\nstatus = \"status\"\nexclude = [\"DeleteServer\"]\n", base);
        assert!(message.contains("not an operation"), "{message}");
    }
}
