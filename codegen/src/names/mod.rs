//! Stage 3, names: every Rust identifier of the output, decided in one place.
//!
//! Deterministic (a function of the model alone, taken in `TypeId` order) and total: any
//! spec word yields a valid identifier, and collisions get numbered suffixes.

mod ident;
mod inline;
mod operations;
mod variants;

pub use ident::{is_keyword, snake_name, type_name, variant_name};
pub use operations::{carried, OperationNames};

use crate::model::{EnumValue, Model, TypeId, TypeKind};
use std::collections::{BTreeSet, HashSet};

/// Std prelude types the generated code names; a model type of the same name shadows them,
/// in which case the emitter writes the full path.
pub const PRELUDE_TYPES: &[&str] = &["String", "Vec", "Option", "Box", "Result"];

#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Type identifier per [`TypeId`].
    pub types: Vec<String>,
    /// Module (file stem) per [`TypeId`]; only set for types that own a file.
    pub modules: Vec<Option<String>>,
    /// Per type: struct field identifiers, or enum variant identifiers, in model order.
    pub members: Vec<Vec<String>>,
    /// Per type: the struct field keeping unknown JSON properties, or the enum variant
    /// carrying unknown values.
    pub catch_all: Vec<String>,
    /// Per struct type with `additionalProperties` alongside properties: that map's field.
    pub additional: Vec<Option<String>>,
    /// Prelude names that some model type shadows.
    pub shadowed: BTreeSet<String>,
    /// Per operation of [`Model::operations`].
    pub operations: Vec<OperationNames>,
}

impl Names {
    pub fn ty(&self, id: TypeId) -> &str {
        &self.types[id.0]
    }

    pub fn module(&self, id: TypeId) -> Option<&str> {
        self.modules[id.0].as_deref()
    }

    pub fn is_shadowed(&self, prelude: &str) -> bool {
        self.shadowed.contains(prelude)
    }
}

/// Hands out unique names from candidates.
#[derive(Default)]
pub(crate) struct Taken(pub(crate) HashSet<String>);

impl Taken {
    fn claim(&mut self, base: String, snake: bool) -> String {
        if self.0.insert(base.clone()) {
            return base;
        }
        let mut n = 2;
        loop {
            let candidate = ident::with_suffix(&base, n, snake);
            if self.0.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Unique names for candidates `(name, exact)`: a candidate spelled exactly like its
    /// source word wins over one that only became equal after case conversion
    /// (`func_name` keeps `func_name`, `funcName` gets `func_name_2`), whatever the order.
    fn claim_all(&mut self, items: &[(String, bool)], snake: bool) -> Vec<String> {
        let mut out = vec![String::new(); items.len()];
        for pass in [true, false] {
            for (i, (candidate, exact)) in items.iter().enumerate() {
                if *exact == pass {
                    out[i] = self.claim(candidate.clone(), snake);
                }
            }
        }
        out
    }
}

/// An enum variant; when two values differ only in case, an all-upper or all-lower one
/// says so (`HTTP` next to `http` → `HttpUpper`) instead of taking a bare number.
fn claim_variant(taken: &mut Taken, candidate: String, value: &str) -> String {
    if taken.0.contains(&candidate) {
        let has_letters = value.chars().any(|c| c.is_ascii_alphabetic());
        let case = if has_letters && !value.chars().any(|c| c.is_ascii_lowercase()) {
            Some("Upper")
        } else if has_letters && !value.chars().any(|c| c.is_ascii_uppercase()) {
            Some("Lower")
        } else {
            None
        };
        if let Some(case) = case {
            return taken.claim(format!("{candidate}{case}"), false);
        }
    }
    taken.claim(candidate, false)
}

pub fn assign(model: &Model) -> Names {
    let mut names = Names::default();
    let naming_files = variants::naming_files(model);
    let mut candidates: Vec<(String, bool)> = model
        .types
        .iter()
        .zip(&naming_files)
        .map(|(ty, file)| {
            let file = file.map(|f| model.files[f].as_str()).or((ty.variant > 0).then_some(""));
            let candidate = variants::bounded_type_name(&ty.hint, file);
            let exact = ty.variant == 0 && ty.hint.len() == 1 && candidate == ty.hint[0];
            (candidate, exact)
        })
        .collect();
    inline::prefer_property_names(model, &mut candidates);
    names.types = Taken::default().claim_all(&candidates, false);
    for name in &names.types {
        if PRELUDE_TYPES.contains(&name.as_str()) {
            names.shadowed.insert(name.clone());
        }
    }

    let mut taken_modules = Taken::default();
    for (i, ty) in model.types.iter().enumerate() {
        let module = ty
            .owner
            .is_none()
            .then(|| taken_modules.claim(snake_name(&names.types[i]), true));
        names.modules.push(module);
    }

    for ty in &model.types {
        let (members, catch_all, additional) = match &ty.kind {
            TypeKind::Struct(def) => {
                // The catch-all names are promised by the crate docs: reserved first.
                let mut taken = Taken::default();
                let catch_all = taken.claim("unknown_fields".to_owned(), true);
                let additional = def
                    .additional
                    .as_ref()
                    .map(|_| taken.claim("additional_properties".to_owned(), true));
                let candidates: Vec<(String, bool)> = def
                    .fields
                    .iter()
                    .map(|f| {
                        let snake = snake_name(&f.json_name);
                        let exact = snake == f.json_name;
                        (snake, exact)
                    })
                    .collect();
                (taken.claim_all(&candidates, true), catch_all, additional)
            }
            TypeKind::Enum(def) => {
                let mut taken = Taken::default();
                let catch_all = taken.claim("Unknown".to_owned(), false);
                let variants = def
                    .values
                    .iter()
                    .map(|v| match v {
                        EnumValue::String(s) => claim_variant(&mut taken, variant_name(s), s),
                        EnumValue::Integer(n) => {
                            taken.claim(ident::integer_variant_name(*n), false)
                        }
                    })
                    .collect();
                (variants, catch_all, None)
            }
            TypeKind::Alias(_) | TypeKind::Newtype(_) => (Vec::new(), String::new(), None),
        };
        names.members.push(members);
        names.catch_all.push(catch_all);
        names.additional.push(additional);
    }
    names.operations = operations::assign(model);
    names
}
