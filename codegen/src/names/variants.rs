//! Words for type names that need more than the spec's own: a same-name definition that
//! differs between files is named after the operation it mainly belongs to, and names
//! longer than [`MAX_TYPE_NAME`] are shortened.

use super::ident::type_name;
use crate::model::{BodyKind, Model, TypeId, TypeKind, TypeRef};
use std::collections::VecDeque;

/// Longest type name kept as derived; module file names grow with it (about 10% more).
pub const MAX_TYPE_NAME: usize = 60;

/// Per type with `variant > 0`: the file (index into [`Model::files`]) to name it after.
/// That is the file of the operation that reaches the type in the fewest steps from a
/// request or response body (its own operation rather than one that only nests it),
/// ties going to the shorter, then alphabetically first, file name; a type no operation
/// reaches goes by the first file defining it.
pub fn naming_files(model: &Model) -> Vec<Option<usize>> {
    let mut best: Vec<Option<(usize, usize, &str, usize)>> = vec![None; model.types.len()];
    if model.types.iter().all(|t| t.variant == 0) {
        return vec![None; model.types.len()];
    }
    let mut seen = vec![usize::MAX; model.types.len()];
    for (op_index, op) in model.operations.iter().enumerate() {
        let stem = model.files[op.file].as_str();
        let mut queue: VecDeque<(TypeId, usize)> = VecDeque::new();
        let mut roots = Vec::new();
        for param in &op.params {
            named(&param.ty, &mut roots);
        }
        let bodies = op.body.iter().map(|b| &b.kind).chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
        for kind in bodies {
            if let BodyKind::Json(ty) | BodyKind::Xml(ty) = kind {
                named(ty, &mut roots);
            }
        }
        for id in roots {
            queue.push_back((id, 0));
        }
        while let Some((id, depth)) = queue.pop_front() {
            if seen[id.0] == op_index {
                continue;
            }
            seen[id.0] = op_index;
            let ty = model.get(id);
            if ty.variant > 0 {
                let candidate = (depth, stem.len(), stem, op.file);
                if best[id.0].is_none_or(|b| candidate < b) {
                    best[id.0] = Some(candidate);
                }
            }
            let mut next = Vec::new();
            match &ty.kind {
                TypeKind::Struct(def) => {
                    for field in &def.fields {
                        named(&field.ty, &mut next);
                    }
                    if let Some(additional) = &def.additional {
                        named(additional, &mut next);
                    }
                }
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) => named(inner, &mut next),
                TypeKind::Enum(_) => {}
            }
            queue.extend(next.into_iter().map(|n| (n, depth + 1)));
        }
    }
    model
        .types
        .iter()
        .zip(best)
        .map(|(ty, best)| (ty.variant > 0).then(|| best.map(|b| b.3).or(ty.files.first().copied())).flatten())
        .collect()
}

fn named(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named(inner, out),
        _ => {}
    }
}

/// The type name of `hint` words, plus `In<file>` for a variant, within
/// [`MAX_TYPE_NAME`] where the words allow: inner words of an inline type's hint go first
/// (`Outer`, `middle`, `leaf` → `OuterLeaf`), then the name is cut after a whole word.
/// Collisions the cut causes are numbered by the caller.
pub fn bounded_type_name(hint: &[String], file: Option<&str>) -> String {
    let suffix = file.map(|f| format!("In{}", type_name(&[f.to_owned()]))).unwrap_or_default();
    let full = format!("{}{suffix}", type_name(hint));
    if full.len() <= MAX_TYPE_NAME {
        return full;
    }
    let short_hint: Vec<String> = match hint {
        [first, .., last] if hint.len() > 2 => vec![first.clone(), last.clone()],
        _ => hint.to_vec(),
    };
    let short = format!("{}{suffix}", type_name(&short_hint));
    if short.len() <= MAX_TYPE_NAME {
        return short;
    }
    cut_at_word(&short, MAX_TYPE_NAME)
}

/// The longest prefix of a camel-case name, at most `max` bytes, that ends before an
/// upper-case letter (a word boundary); the name itself when it has no such prefix.
fn cut_at_word(name: &str, max: usize) -> String {
    let cut = name
        .char_indices()
        .filter(|&(i, c)| i > 0 && i <= max && c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .next_back();
    match cut {
        Some(i) => name[..i].to_owned(),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn short_names_are_kept() {
        assert_eq!(bounded_type_name(&words(&["ServerDetail"]), Some("ShowServer")), "ServerDetailInShowServer");
        assert_eq!(bounded_type_name(&words(&["Outer", "middle", "leaf"]), None), "OuterMiddleLeaf");
    }

    #[test]
    fn long_names_are_shortened_within_the_cap() {
        let hint = words(&["RdmParamVoListVersionModel", "VersionCheckoutAndUpdateDto", "versionModel"]);
        let name = bounded_type_name(&hint, Some("ShowBatchCheckoutAndUpdateUsingPost"));
        assert!(name.len() <= MAX_TYPE_NAME, "{name}");
        assert!(name.starts_with("RdmParamVoListVersionModelVersionModelIn"), "{name}");
        let long = words(&["x".repeat(80).as_str()]);
        assert_eq!(bounded_type_name(&long, None).len(), 80, "no word boundary: kept");
    }
}
