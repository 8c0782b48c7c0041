//! Recursion: a struct that contains itself by value (directly or through other structs)
//! has infinite size. `Vec` and maps already put their items on the heap, so only fields
//! whose type is the named type itself (or `Option` of it) can close such a cycle. Those
//! edges inside one strongly connected component get `boxed`.

use super::{Model, TypeId, TypeKind, TypeRef};

pub(super) fn box_recursive_fields(model: &mut Model) {
    let edges: Vec<Vec<usize>> = model
        .types
        .iter()
        .map(|ty| match &ty.kind {
            TypeKind::Struct(def) => def.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
            TypeKind::Enum(_) | TypeKind::Newtype(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, ty) in model.types.iter_mut().enumerate() {
        if let TypeKind::Struct(def) = &mut ty.kind {
            for field in &mut def.fields {
                if let Some(target) = direct(&field.ty) {
                    field.boxed = component[target] == component[i];
                }
            }
        }
    }
}

/// Type aliases cannot refer to themselves, even through `Vec`. Aliases on a cycle of
/// aliases that hold an array or map become newtypes (which may); cycles left after that
/// are plain `$ref` loops with no content, returned as errors.
pub(super) fn break_alias_cycles(model: &mut Model) -> Vec<TypeId> {
    loop {
        let cyclic = cyclic_aliases(model);
        let mut changed = false;
        for &i in &cyclic {
            if let TypeKind::Alias(ty @ (TypeRef::Array(_) | TypeRef::Map(_))) = &model.types[i].kind {
                model.types[i].kind = TypeKind::Newtype(ty.clone());
                changed = true;
            }
        }
        if !changed {
            return cyclic.into_iter().map(TypeId).collect();
        }
    }
}

/// Aliases on a cycle made of aliases only.
fn cyclic_aliases(model: &Model) -> Vec<usize> {
    let is_alias = |id: usize| matches!(model.types.get(id).map(|t| &t.kind), Some(TypeKind::Alias(_)));
    let edges: Vec<Vec<usize>> = model
        .types
        .iter()
        .map(|ty| match &ty.kind {
            TypeKind::Alias(target) => {
                let mut named = Vec::new();
                mentioned(target, &mut named);
                named.into_iter().filter(|&t| is_alias(t)).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut size = vec![0usize; model.types.len()];
    for &c in &component {
        size[c] += 1;
    }
    (0..model.types.len())
        .filter(|&i| is_alias(i) && (size[component[i]] > 1 || edges[i].contains(&i)))
        .collect()
}

/// Every named type a reference mentions, through containers.
fn mentioned(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(TypeId(id)) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) => mentioned(inner, out),
        _ => {}
    }
}

/// The type a field holds by value, if it is a named one.
fn direct(ty: &TypeRef) -> Option<usize> {
    match ty {
        TypeRef::Named(TypeId(id)) => Some(*id),
        _ => None,
    }
}

/// Tarjan's algorithm, iterative so that long chains cannot overflow the stack.
/// Returns a component number per node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        // (node, position in its edge list)
        let mut call: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut pos)) = call.last_mut() {
            if let Some(&target) = edges[node].get(*pos) {
                *pos += 1;
                if target >= n {
                    continue;
                }
                if index[target] == UNSEEN {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    call.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn self_loop_and_pair_share_components() {
        // 0 → 0 (self), 1 ↔ 2, 3 → 1 (not in the cycle)
        let edges = vec![vec![0], vec![2], vec![1], vec![1]];
        let c = strongly_connected(&edges);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[1]);
        assert_ne!(c[3], c[1]);
    }
}
