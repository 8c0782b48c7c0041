//! Stage 3, names: every Rust identifier of the output, decided in one place.
//!
//! Deterministic (a function of the model alone, taken in `TypeId` order) and total: any
//! spec word yields a valid identifier, and collisions get numbered suffixes.

mod ident;

pub use ident::{is_keyword, snake_name, type_name, variant_name};

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
struct Taken(HashSet<String>);

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
}

pub fn assign(model: &Model) -> Names {
    let mut names = Names::default();
    let mut taken_types = Taken::default();
    for ty in &model.types {
        let mut words = ty.hint.clone();
        if ty.variant > 0 {
            let file = ty.files.first().map(|&f| model.files[f].as_str()).unwrap_or("");
            words.push(format!("In{}", type_name(&[file.to_owned()])));
        }
        let name = taken_types.claim(type_name(&words), false);
        if PRELUDE_TYPES.contains(&name.as_str()) {
            names.shadowed.insert(name.clone());
        }
        names.types.push(name);
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
                let mut taken = Taken::default();
                let fields = def
                    .fields
                    .iter()
                    .map(|f| taken.claim(snake_name(&f.json_name), true))
                    .collect();
                let additional = def
                    .additional
                    .as_ref()
                    .map(|_| taken.claim("additional_properties".to_owned(), true));
                (fields, taken.claim("unknown_fields".to_owned(), true), additional)
            }
            TypeKind::Enum(def) => {
                let mut taken = Taken::default();
                let variants = def
                    .values
                    .iter()
                    .map(|v| {
                        let base = match v {
                            EnumValue::String(s) => variant_name(s),
                            EnumValue::Integer(n) => ident::integer_variant_name(*n),
                        };
                        taken.claim(base, false)
                    })
                    .collect();
                (variants, taken.claim("Unknown".to_owned(), false), None)
            }
            TypeKind::Alias(_) => (Vec::new(), String::new(), None),
        };
        names.members.push(members);
        names.catch_all.push(catch_all);
        names.additional.push(additional);
    }
    names
}
