//! Services generated at build time by `build.rs` with codegen's library, and
//! included here: the modules need only the runtime crate (and serde, http, indexmap).

/// FunctionGraph's models and operations (no client), from `specs/functiongraph`.
pub mod functiongraph {
    include!(concat!(env!("OUT_DIR"), "/functiongraph.rs"));
}

/// Four ECS operations with their client, from `tests/samples/ECS`.
pub mod ecs {
    include!(concat!(env!("OUT_DIR"), "/ecs.rs"));
}

/// CodeArts Deploy's `ListDeployTasks` (paged by page number) with its client, from
/// `tests/build_script/specs/CodeArtsDeploy`.
pub mod deploy {
    include!(concat!(env!("OUT_DIR"), "/deploy.rs"));
}

/// Operations that take forms (`multipart/form-data`, `application/x-www-form-urlencoded`),
/// with their client, from `tests/golden/forms/specs`.
pub mod forms {
    include!(concat!(env!("OUT_DIR"), "/forms.rs"));
}

/// Operations that upload or download files (streamed `Body`s), with their client, from
/// `tests/golden/files/specs`.
pub mod files {
    include!(concat!(env!("OUT_DIR"), "/files.rs"));
}

/// OBS operations with XML bodies (bucket creation, listings, ACLs, multipart completion,
/// batch deletion), with their client, from `tests/golden/xml/specs`.
pub mod xml {
    include!(concat!(env!("OUT_DIR"), "/xml.rs"));
}
