//! Merging across files: each operation's file repeats the definitions it uses
//! (`ErrorResp` appears in 80 of FunctionGraph's 92 files). Same-name types with the same
//! shape become one type; same-name types that differ stay apart and are ranked so that
//! the `names` stage can name them deterministically.
//!
//! Shape equality must look through refs: two `FuncMount` definitions with identical text
//! differ if the `MountUser` they point to differs. Partition refinement settles this, cycles
//! included: start with one class, split classes by (hint, shape with refs replaced by the
//! classes they point to) until nothing splits.
//!
//! Documentation does not take part: definitions that differ only in wording are one type
//! (its docs come from the first file).
//!
//! Inline types (enums and objects written in place) are compared by shape alone, whatever
//! their parent: the 18 identical `runtime` enums of FunctionGraph become one type, so a
//! value read from one operation can be sent to another as is. Such a shared type gets a
//! module of its own and, in [`TypeDef::shared_hint`], the property words its uses have
//! in common, for the `names` stage to name it after.

use super::convert::{Converted, LocalType};
use super::{BodyKind, Model, StructDef, TypeDef, TypeId, TypeKind, TypeRef};
use crate::diag::{Diagnostic, Diagnostics};
use crate::read::SpecFile;
use std::collections::HashMap;
use std::fmt::Write;

pub(super) fn merge(files: &[SpecFile], converted: Converted, diags: &mut Diagnostics) -> Model {
    let Converted { locals, mut operations } = converted;
    let class = refine(&locals);
    let class_count = class.iter().map(|c| c + 1).max().unwrap_or(0);

    // Representative = first member; classes are numbered in order of first member, so
    // definitions (registered first, file by file) come before inline types.
    let mut representative: Vec<Option<usize>> = vec![None; class_count];
    let mut members_files: Vec<Vec<usize>> = vec![Vec::new(); class_count];
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); class_count];
    let mut properties: Vec<Option<&[String]>> = vec![None; class_count];
    let mut agree = vec![true; class_count];
    for (i, local) in locals.iter().enumerate() {
        let c = class[i];
        representative[c].get_or_insert(i);
        let files_of = &mut members_files[c];
        if !files_of.contains(&local.file) {
            files_of.push(local.file);
        }
        if let Some(parent) = local.parent {
            if !parents[c].contains(&class[parent]) {
                parents[c].push(class[parent]);
            }
            let words = local.hint.get(1..).unwrap_or_default();
            agree[c] &= *properties[c].get_or_insert(words) == words;
        }
    }
    let mut types: Vec<TypeDef> = Vec::with_capacity(class_count);
    for (c, rep) in representative.iter().enumerate() {
        let Some(rep) = *rep else { continue };
        let local = &locals[rep];
        let mut files_of = std::mem::take(&mut members_files[c]);
        files_of.sort_unstable();
        let shared = parents[c].len() > 1;
        let shared_hint = match properties[c] {
            Some(words) if shared && agree[c] && !words.is_empty() => Some(words.to_vec()),
            _ => None,
        };
        types.push(TypeDef {
            hint: local.hint.clone(),
            shared_hint,
            variant: 0,
            files: files_of,
            pointer: local.pointer.clone(),
            owner: local.parent.filter(|_| !shared).map(|p| TypeId(class[p])),
            docs: local.docs.clone(),
            kind: remap_kind(&local.kind, &class),
            xml: local.xml.clone(),
        });
    }
    rank_variants(files, &mut types, diags);
    for op in &mut operations {
        for param in &mut op.params {
            param.ty = remap_ref(&param.ty, &class);
        }
        if let Some(super::Body { kind: BodyKind::Json(ty) | BodyKind::Xml(ty), .. }) = &mut op.body {
            *ty = remap_ref(ty, &class);
        }
        for response in &mut op.responses {
            if let Some(BodyKind::Json(ty) | BodyKind::Xml(ty)) = &mut response.body {
                *ty = remap_ref(ty, &class);
            }
        }
    }
    Model {
        files: files.iter().map(|f| f.stem.clone()).collect(),
        types,
        operations,
        pagination: Vec::new(),
    }
}

/// Class of every local type after partition refinement.
fn refine(locals: &[LocalType]) -> Vec<usize> {
    let mut class = vec![0usize; locals.len()];
    let mut count = 1usize.min(locals.len());
    loop {
        let mut ids: HashMap<String, usize> = HashMap::with_capacity(count * 2);
        let mut next = Vec::with_capacity(locals.len());
        for (i, local) in locals.iter().enumerate() {
            let mut sig = String::new();
            let _ = write!(sig, "{}|", class[i]);
            signature(local, &class, &mut sig);
            let fresh = ids.len();
            next.push(*ids.entry(sig).or_insert(fresh));
        }
        let new_count = ids.len();
        class = next;
        if new_count == count {
            return class;
        }
        count = new_count;
    }
}

fn signature(local: &LocalType, class: &[usize], out: &mut String) {
    if local.parent.is_some() {
        // Inline: the shape alone (a definition never merges with an inline type).
        out.push_str("inline\u{1f}");
    } else {
        for word in &local.hint {
            out.push_str(word);
            out.push('\u{1f}');
        }
    }
    if local.xml != super::XmlHint::default() {
        let _ = write!(out, "x{:?}", local.xml);
    }
    match &local.kind {
        TypeKind::Struct(def) => {
            out.push_str("S{");
            for field in &def.fields {
                let _ = write!(
                    out,
                    "{:?}{}{}:",
                    field.json_name,
                    u8::from(field.required),
                    u8::from(field.nullable)
                );
                // XML names take part: the same JSON shape may be different XML.
                if field.xml != super::XmlHint::default() || field.xml_item.is_some() {
                    let _ = write!(out, "x{:?}{:?}", field.xml, field.xml_item);
                }
                ref_signature(&field.ty, class, out);
                out.push(',');
            }
            out.push('}');
            if let Some(additional) = &def.additional {
                out.push('+');
                ref_signature(additional, class, out);
            }
        }
        TypeKind::Enum(def) => {
            let _ = write!(out, "E{:?}", def.values);
        }
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => {
            out.push_str("A:");
            ref_signature(ty, class, out);
        }
    }
}

fn ref_signature(ty: &TypeRef, class: &[usize], out: &mut String) {
    match ty {
        TypeRef::Named(TypeId(local)) => {
            let _ = write!(out, "#{}", class[*local]);
        }
        TypeRef::Array(inner) => {
            out.push('[');
            ref_signature(inner, class, out);
            out.push(']');
        }
        TypeRef::Map(inner) => {
            out.push('{');
            ref_signature(inner, class, out);
            out.push('}');
        }
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

fn remap_kind(kind: &TypeKind, class: &[usize]) -> TypeKind {
    match kind {
        TypeKind::Struct(def) => TypeKind::Struct(StructDef {
            fields: def
                .fields
                .iter()
                .map(|f| super::Field {
                    ty: remap_ref(&f.ty, class),
                    ..f.clone()
                })
                .collect(),
            additional: def.additional.as_ref().map(|a| remap_ref(a, class)),
        }),
        TypeKind::Enum(def) => TypeKind::Enum(def.clone()),
        TypeKind::Alias(ty) => TypeKind::Alias(remap_ref(ty, class)),
        TypeKind::Newtype(ty) => TypeKind::Newtype(remap_ref(ty, class)),
    }
}

fn remap_ref(ty: &TypeRef, class: &[usize]) -> TypeRef {
    match ty {
        TypeRef::Named(TypeId(local)) => TypeRef::Named(TypeId(class[*local])),
        TypeRef::Array(inner) => TypeRef::Array(Box::new(remap_ref(inner, class))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(remap_ref(inner, class))),
        other => other.clone(),
    }
}

/// Orders the variants of each hint: the shape used by the most files first (ties: the
/// one seen first). Warns once per definition that has more than one shape.
fn rank_variants(files: &[SpecFile], types: &mut [TypeDef], diags: &mut Diagnostics) {
    let mut by_hint: HashMap<&[String], Vec<usize>> = HashMap::new();
    let mut order: Vec<&[String]> = Vec::new();
    for (i, ty) in types.iter().enumerate() {
        let entry = by_hint.entry(&ty.hint).or_insert_with(|| {
            order.push(&ty.hint);
            Vec::new()
        });
        entry.push(i);
    }
    let mut ranks: Vec<(usize, usize)> = Vec::new();
    let mut warnings = Vec::new();
    for hint in order {
        let mut group = by_hint[hint].clone();
        if group.len() < 2 {
            continue;
        }
        group.sort_by_key(|&i| (std::cmp::Reverse(types[i].files.len()), types[i].files[0], i));
        for (rank, &i) in group.iter().enumerate() {
            ranks.push((i, rank));
        }
        if hint.len() == 1 {
            let shapes: Vec<String> = group
                .iter()
                .map(|&i| {
                    let names: Vec<&str> =
                        types[i].files.iter().map(|&f| files[f].stem.as_str()).collect();
                    format!("[{}]", names.join(", "))
                })
                .collect();
            let first_other = &types[group[1]];
            warnings.push(
                Diagnostic::warning(
                    &files[first_other.files[0]].path,
                    first_other.pointer.clone(),
                    format!(
                        "definition `{}` has {} different shapes across files: {}",
                        hint[0],
                        group.len(),
                        shapes.join(" vs ")
                    ),
                )
                .with_hint(
                    "the shape used by most files keeps the name; each other one is named \
                     after the operation it mainly belongs to",
                ),
            );
        }
    }
    for (i, rank) in ranks {
        types[i].variant = rank;
    }
    for w in warnings {
        diags.push(w);
    }
}
