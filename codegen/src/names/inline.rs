//! Names of inline types shared by several parents (see `model::TypeDef::shared_hint`):
//! named after their property (`Runtime`, `CodeType`) when that name is unambiguous,
//! otherwise after their first parent as any other inline type.

use super::type_name;
use crate::model::Model;
use std::collections::HashMap;

/// Replaces the candidate of each shared inline type by its property name when no other
/// type has that candidate and no other shared type would take it too. Deterministic: a
/// function of the candidates alone.
pub(super) fn prefer_property_names(model: &Model, candidates: &mut [(String, bool)]) {
    let short: Vec<Option<String>> = model
        .types
        .iter()
        .map(|ty| ty.shared_hint.as_ref().map(|words| type_name(words)))
        .collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for name in candidates.iter().map(|(c, _)| c.as_str()).chain(short.iter().flatten().map(String::as_str)) {
        *uses.entry(name).or_default() += 1;
    }
    let chosen: Vec<Option<String>> = short
        .iter()
        .map(|name| name.clone().filter(|n| uses[n.as_str()] == 1))
        .collect();
    for (candidate, name) in candidates.iter_mut().zip(chosen) {
        if let Some(name) = name {
            *candidate = (name, false);
        }
    }
}
