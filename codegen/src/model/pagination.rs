//! Pagination: how each list operation pages, from its query parameters and the fields of
//! its answer, or as the service's settings state it (`[pagination.<OperationId>]` in
//! `codegen.toml`, see [`crate::service::PaginationSetting`]).
//!
//! Detection looks at `GET` operations only. The cursor is a query parameter named like a
//! marker (`marker`, `cursor`), an offset (`offset`) or a page number (`page`, `page_no`,
//! `pageNum`, ...); the page size one named like a limit (`limit`, `maxitems`,
//! `page_size`, ...). The items are the one array of the success body; the next marker, the
//! total and has-more are fields of the body (or of an object in it, such as
//! `page_info.next_marker`) named like them. A marker with no next marker in the answer is
//! the last item's `id`, Huawei's convention ("以单页最后一条的id作为分页标记").
//! What detection cannot tell, an offset that counts pages (ECS `ListServersDetails`),
//! the settings say.

use super::{Location, Model, Operation, Role, Status, BodyKind, TypeId, TypeKind, TypeRef};
use crate::service::{PaginationSetting, PagingStyle};
use std::collections::BTreeMap;

/// How one operation pages, by [`Model::operations`] index (see [`Model::pagination`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Paging {
    /// Not a list operation: no cursor, no page size (or not a `GET`).
    NotList,
    /// A page size only: one page, nothing to page through.
    LimitOnly(Settled),
    /// A list operation whose paging is known.
    Paged(Pagination),
    /// A list-like operation (a cursor or page size) whose paging could not be told, and why.
    Unclassified(String),
    /// Its settings say it does not page (`style = "none"`).
    Off,
}

/// Who settled an operation's paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Detection alone.
    Detected,
    /// The service's settings (stating or correcting what detection found).
    Settings,
}

/// How a paged operation pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub style: Style,
    /// Index into [`Operation::params`] of the cursor (marker, offset or page number).
    pub cursor: usize,
    /// Index into [`Operation::params`] of the page size, if any.
    pub limit: Option<usize>,
    /// The first offset or page number, when the request gives none.
    pub first: u64,
    /// The success body: a struct.
    pub page: TypeId,
    /// The field holding the items (of the page, or of an object in it), and their type.
    pub items: FieldPath,
    pub item: TypeRef,
    /// Where the next marker comes from (marker style only).
    pub next_marker: Option<Source>,
    pub total: Option<FieldPath>,
    pub has_more: Option<FieldPath>,
    pub settled: Settled,
}

/// The kinds of paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Style {
    Marker,
    /// An offset counted in items.
    OffsetItems,
    /// An offset counted in pages.
    OffsetPages,
    PageNumber,
}

impl Style {
    /// The name used in settings and reports.
    pub fn name(self) -> &'static str {
        match self {
            Style::Marker => "marker",
            Style::OffsetItems => "offset_items",
            Style::OffsetPages => "offset_pages",
            Style::PageNumber => "page_number",
        }
    }
}

/// A field of the page, or of an object field of it: struct field indices from the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(pub Vec<usize>);

/// Where a next marker comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A field of the page.
    Field(FieldPath),
    /// A field of the last item (its index in the item struct).
    LastItem(usize),
}

/// Why a settings entry cannot be used: the message names the operation.
pub type SettingError = String;

const MARKERS: &[&str] = &["marker", "cursor"];
const OFFSETS: &[&str] = &["offset"];
const PAGES: &[&str] = &["page", "pageno", "pagenum", "pagenumber", "pageindex", "currentpage", "curpage"];
const LIMITS: &[&str] = &["limit", "maxitems", "pagesize", "perpage", "maxresults", "pagelimit", "rows"];
const NEXT_MARKERS: &[&str] = &["nextmarker", "nextpagemarker", "nextcursor"];
const TOTALS: &[&str] = &["count", "total", "totalcount", "totalnum", "totalnumber", "totalsize"];
const HAS_MORE: &[&str] = &["hasmore", "istruncated", "hasnext"];

/// A name without case, `_` and `-`: `page_no`, `pageNo` and `PageNo` are `pageno`.
fn key(name: &str) -> String {
    name.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
}

/// Classifies every operation of the model, then applies the settings; an entry naming an
/// operation that does not exist, or a parameter or field that does not, is an error.
pub fn classify(model: &Model, settings: &BTreeMap<String, PaginationSetting>) -> Result<Vec<Paging>, Vec<SettingError>> {
    let mut out: Vec<Paging> = model.operations.iter().map(|op| detect(model, op)).collect();
    let mut errors = Vec::new();
    for (id, setting) in settings {
        let Some(index) = model.operations.iter().position(|op| &op.id == id) else {
            errors.push(format!("[pagination.{id}]: no operation `{id}` in these specs"));
            continue;
        };
        match apply(model, &model.operations[index], &out[index], setting) {
            Ok(paging) => out[index] = paging,
            Err(message) => errors.push(format!("[pagination.{id}]: {message}")),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// The query parameters of an operation that a request carries, by their [`key`].
fn query_param(op: &Operation, names: &[&str]) -> Option<usize> {
    op.params.iter().position(|p| {
        p.location == Location::Query && p.role == Role::Value && names.contains(&key(&p.name).as_str())
    })
}

/// Whether a parameter can be a cursor: text or a whole number.
fn cursor_type(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::I8 | TypeRef::I16 | TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64)
}

/// The struct of the only success body, if it is one.
fn page_struct(model: &Model, op: &Operation) -> Result<TypeId, String> {
    let successes: Vec<_> = op
        .responses
        .iter()
        .filter(|r| matches!(r.status, Status::Code(200..=299) | Status::Class(2)))
        .collect();
    let [only] = successes.as_slice() else {
        return Err(format!("{} success responses, not one", successes.len()));
    };
    match &only.body {
        _ if only.status == Status::Code(204) => Err("the success answer is `204`, without a body".to_owned()),
        Some(BodyKind::Json(TypeRef::Named(id))) if matches!(model.get(*id).kind, TypeKind::Struct(_)) => Ok(*id),
        _ => Err("the success body is not an object".to_owned()),
    }
}

fn fields(model: &Model, id: TypeId) -> &[super::Field] {
    match &model.get(id).kind {
        TypeKind::Struct(def) => &def.fields,
        _ => &[],
    }
}

/// The fields of the page named like `names`, at the top or one object down, that `fits`.
fn find(model: &Model, page: TypeId, names: &[&str], fits: impl Fn(&TypeRef) -> bool) -> Option<FieldPath> {
    let top = fields(model, page);
    if let Some(i) = top.iter().position(|f| names.contains(&key(&f.json_name).as_str()) && fits(&f.ty)) {
        return Some(FieldPath(vec![i]));
    }
    top.iter().enumerate().find_map(|(i, f)| match &f.ty {
        TypeRef::Named(inner) => fields(model, *inner)
            .iter()
            .position(|g| names.contains(&key(&g.json_name).as_str()) && fits(&g.ty))
            .map(|j| FieldPath(vec![i, j])),
        _ => None,
    })
}

/// A field by its dotted JSON path (`page_info.next_marker`), for settings.
fn field_by_path(model: &Model, page: TypeId, path: &str) -> Option<FieldPath> {
    let mut out = Vec::new();
    let mut current = Some(page);
    for part in path.split('.') {
        let id = current?;
        let i = fields(model, id).iter().position(|f| f.json_name == part)?;
        current = match &fields(model, id)[i].ty {
            TypeRef::Named(inner) => Some(*inner),
            _ => None,
        };
        out.push(i);
    }
    (!out.is_empty() && out.len() <= 2).then_some(FieldPath(out))
}

/// The type at the end of a path.
fn path_type<'m>(model: &'m Model, page: TypeId, path: &FieldPath) -> Option<&'m TypeRef> {
    let mut id = page;
    let mut ty = None;
    for &i in &path.0 {
        let field = fields(model, id).get(i)?;
        ty = Some(&field.ty);
        if let TypeRef::Named(inner) = &field.ty {
            id = *inner;
        }
    }
    ty
}

fn integer(ty: &TypeRef) -> bool {
    cursor_type(ty) && *ty != TypeRef::String
}

/// The element type of an array field, through a definition that is an array.
fn array_item<'m>(model: &'m Model, ty: &'m TypeRef) -> Option<&'m TypeRef> {
    match ty {
        TypeRef::Array(item) => Some(item),
        TypeRef::Named(id) => match &model.get(*id).kind {
            TypeKind::Alias(TypeRef::Array(item)) => Some(item),
            _ => None,
        },
        _ => None,
    }
}

/// The array fields of struct `id` that can hold items: `(field, item type)`; links to
/// other pages (`ports_links`, OpenStack's) are not items.
fn arrays(model: &Model, id: TypeId) -> Vec<(usize, &TypeRef)> {
    fields(model, id)
        .iter()
        .enumerate()
        .filter(|(_, f)| !key(&f.json_name).ends_with("links"))
        .filter_map(|(i, f)| array_item(model, &f.ty).map(|item| (i, item)))
        .collect()
}

/// The one array of the page, or else of the one object field of the page holding one:
/// `(path, item type)`.
fn items_of(model: &Model, page: TypeId) -> Result<(FieldPath, TypeRef), String> {
    let top = arrays(model, page);
    match top.as_slice() {
        [(i, item)] => return Ok((FieldPath(vec![*i]), (*item).clone())),
        [] => {}
        _ => {
            return Err(format!(
                "the success body has {} arrays ({}); the settings must say which holds the items",
                top.len(),
                top.iter().map(|(i, _)| fields(model, page)[*i].json_name.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let nested: Vec<(FieldPath, &TypeRef)> = fields(model, page)
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.ty {
            TypeRef::Named(inner) if matches!(model.get(*inner).kind, TypeKind::Struct(_)) => Some((i, *inner)),
            _ => None,
        })
        .flat_map(|(i, inner)| arrays(model, inner).into_iter().map(move |(j, item)| (FieldPath(vec![i, j]), item)))
        .collect();
    match nested.as_slice() {
        [(path, item)] => Ok((path.clone(), (*item).clone())),
        [] => Err("the success body has no array of items".to_owned()),
        _ => Err(format!(
            "the success body has {} arrays one object down; the settings must say which holds the items",
            nested.len()
        )),
    }
}

/// The `id` field of an item struct, text or number.
fn item_id(model: &Model, item: &TypeRef) -> Option<usize> {
    let TypeRef::Named(id) = item else { return None };
    fields(model, *id).iter().position(|f| f.json_name == "id" && cursor_type(&f.ty))
}

/// What the specs alone say.
fn detect(model: &Model, op: &Operation) -> Paging {
    if op.method != "GET" {
        return Paging::NotList;
    }
    let marker = query_param(op, MARKERS);
    let offset = query_param(op, OFFSETS);
    let page_number = query_param(op, PAGES);
    let limit = query_param(op, LIMITS);
    if marker.is_none() && offset.is_none() && page_number.is_none() {
        return match limit {
            Some(_) => Paging::LimitOnly(Settled::Detected),
            None => Paging::NotList,
        };
    }
    let page = match page_struct(model, op) {
        Ok(page) => page,
        Err(why) => return Paging::Unclassified(why),
    };
    let (items, item) = match items_of(model, page) {
        Ok(found) => found,
        Err(why) => return Paging::Unclassified(why),
    };
    let next_marker = find(model, page, NEXT_MARKERS, cursor_type);
    let (style, cursor, next_marker) = match (marker, next_marker, offset, page_number) {
        (Some(m), Some(next), _, _) => (Style::Marker, m, Some(Source::Field(next))),
        (_, _, Some(o), _) => (Style::OffsetItems, o, None),
        (_, _, None, Some(p)) => (Style::PageNumber, p, None),
        (Some(m), None, None, None) => match item_id(model, &item) {
            Some(id) => (Style::Marker, m, Some(Source::LastItem(id))),
            None => return Paging::Unclassified("a marker, but no next marker in the answer and no item `id`".to_owned()),
        },
        (None, _, None, None) => return Paging::NotList,
    };
    if !cursor_type(&op.params[cursor].ty) {
        return Paging::Unclassified(format!("the cursor `{}` is neither text nor a whole number", op.params[cursor].name));
    }
    Paging::Paged(Pagination {
        style,
        cursor,
        limit,
        first: if style == Style::PageNumber { 1 } else { 0 },
        page,
        items,
        item,
        next_marker,
        total: find(model, page, TOTALS, integer),
        has_more: find(model, page, HAS_MORE, |ty| *ty == TypeRef::Bool),
        settled: Settled::Detected,
    })
}

/// Detection corrected by a settings entry: what the entry names replaces what was found.
fn apply(model: &Model, op: &Operation, detected: &Paging, setting: &PaginationSetting) -> Result<Paging, String> {
    let style = match setting.style {
        PagingStyle::None => return Ok(Paging::Off),
        PagingStyle::LimitOnly => return Ok(Paging::LimitOnly(Settled::Settings)),
        PagingStyle::Marker => Style::Marker,
        PagingStyle::OffsetItems => Style::OffsetItems,
        PagingStyle::OffsetPages => Style::OffsetPages,
        PagingStyle::PageNumber => Style::PageNumber,
    };
    let param = |name: &str| {
        op.params
            .iter()
            .position(|p| p.name == name && p.location == Location::Query && p.role == Role::Value)
            .ok_or_else(|| format!("no query parameter `{name}` in `{}`", op.id))
    };
    let cursor = match &setting.cursor {
        Some(name) => param(name)?,
        None => match (style, detected) {
            (_, Paging::Paged(found)) if found.style == style => Some(found.cursor),
            (Style::Marker, _) => query_param(op, MARKERS),
            (Style::OffsetItems | Style::OffsetPages, _) => query_param(op, OFFSETS),
            (Style::PageNumber, _) => query_param(op, PAGES),
        }
        .ok_or_else(|| format!("no cursor parameter found for the style `{}`; name it with `cursor`", style.name()))?,
    };
    if !cursor_type(&op.params[cursor].ty) {
        return Err(format!("the cursor `{}` is neither text nor a whole number", op.params[cursor].name));
    }
    let limit = match &setting.limit {
        Some(name) => Some(param(name)?),
        None => query_param(op, LIMITS),
    };
    let page = page_struct(model, op)?;
    let (items, item) = match &setting.items {
        Some(name) => {
            let path = field_by_path(model, page, name).ok_or_else(|| format!("no field `{name}` in the success body"))?;
            let item = path_type(model, page, &path)
                .and_then(|ty| array_item(model, ty))
                .ok_or_else(|| format!("the field `{name}` is not an array"))?;
            (path, item.clone())
        }
        None => items_of(model, page)?,
    };
    let path = |name: &str, what: &str, fits: &dyn Fn(&TypeRef) -> bool| -> Result<FieldPath, String> {
        let path = field_by_path(model, page, name).ok_or_else(|| format!("no field `{name}` in the success body"))?;
        match path_type(model, page, &path) {
            Some(ty) if fits(ty) => Ok(path),
            _ => Err(format!("the field `{name}` cannot be {what}")),
        }
    };
    let next_marker = match (&setting.next_marker, style) {
        (_, Style::OffsetItems | Style::OffsetPages | Style::PageNumber) => None,
        (Some(name), Style::Marker) => Some(match name.strip_prefix("last_item.") {
            Some(field) => {
                let TypeRef::Named(id) = &item else { return Err("the items are not objects".to_owned()) };
                let i = fields(model, *id)
                    .iter()
                    .position(|f| f.json_name == field && cursor_type(&f.ty))
                    .ok_or_else(|| format!("the items have no text or number field `{field}`"))?;
                Source::LastItem(i)
            }
            None => Source::Field(path(name, "a marker", &cursor_type)?),
        }),
        (None, Style::Marker) => Some(match find(model, page, NEXT_MARKERS, cursor_type) {
            Some(found) => Source::Field(found),
            None => Source::LastItem(
                item_id(model, &item).ok_or("no next marker in the answer; name it with `next_marker`")?,
            ),
        }),
    };
    let total = match &setting.total {
        Some(name) if name.is_empty() => None,
        Some(name) => Some(path(name, "a total", &integer)?),
        None => find(model, page, TOTALS, integer),
    };
    let has_more = match &setting.has_more {
        Some(name) if name.is_empty() => None,
        Some(name) => Some(path(name, "has-more", &|ty| *ty == TypeRef::Bool)?),
        None => find(model, page, HAS_MORE, |ty| *ty == TypeRef::Bool),
    };
    Ok(Paging::Paged(Pagination {
        style,
        cursor,
        limit,
        first: setting.first.unwrap_or(if matches!(style, Style::OffsetPages | Style::PageNumber) { 1 } else { 0 }),
        page,
        items,
        item,
        next_marker,
        total,
        has_more,
        settled: Settled::Settings,
    }))
}
