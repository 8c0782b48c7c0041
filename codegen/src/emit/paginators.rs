//! Paginators: per paged operation, a small `impl Paginate` in its module (the runtime's
//! generic code does the paging), and a `<method>_pages` method on the client.

use super::docs::doc_attrs;
use super::types::{Prelude, ident, type_tokens_in};
use crate::model::pagination::{FieldPath, Pagination, Paging, Source, Style};
use crate::model::{Model, TypeId, TypeKind};
use crate::names::Names;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashSet;

/// The paged operations: `(index into Model::operations, its pagination)`.
fn paged(model: &Model) -> impl Iterator<Item = (usize, &Pagination)> {
    model.pagination.iter().enumerate().filter_map(|(i, paging)| match paging {
        Paging::Paged(p) => Some((i, p)),
        _ => None,
    })
}

/// `impl crate::Paginate` for the request of operation `index`, if it pages.
pub fn impl_tokens(model: &Model, names: &Names, index: usize) -> Option<TokenStream> {
    let Some(Paging::Paged(p)) = model.pagination.get(index) else {
        return None;
    };
    let n = &names.operations[index];
    let request = ident(&n.request);
    let response = ident(&n.response);
    let prelude = Prelude::plain();
    let models = quote!(models);
    let page = type_tokens_in(&crate::model::TypeRef::Named(p.page), names, &prelude, Some(&models));
    let item = type_tokens_in(&p.item, names, &prelude, Some(&models));
    let (items, into_items) = items_access(model, names, p.page, &p.items);
    let style = match p.style {
        Style::Marker => quote!(crate::PageStyle::Marker),
        Style::OffsetItems => {
            let first = proc_macro2::Literal::u64_unsuffixed(p.first);
            quote!(crate::PageStyle::OffsetItems { first: #first })
        }
        Style::OffsetPages | Style::PageNumber => {
            let first = proc_macro2::Literal::u64_unsuffixed(p.first);
            quote!(crate::PageStyle::PageNumber { first: #first })
        }
    };
    let paging = quote!(codegen_runtime::__private::paging);
    let next_marker = match &p.next_marker {
        Some(Source::Field(path)) => access(model, names, p.page, path, &quote!(#paging::text)),
        Some(Source::LastItem(field)) => {
            let crate::model::TypeRef::Named(item_type) = &p.item else {
                return None;
            };
            let id = member(names, *item_type, *field);
            quote!(Self::items(page).last().and_then(|item| #paging::text(&item.#id)))
        }
        None => quote!(None),
    };
    let total = p
        .total
        .as_ref()
        .map_or_else(|| quote!(None), |path| access(model, names, p.page, path, &quote!(#paging::count)));
    let has_more = p
        .has_more
        .as_ref()
        .map_or_else(|| quote!(None), |path| access(model, names, p.page, path, &quote!(#paging::flag)));
    let signals = (p.next_marker.is_some() || p.total.is_some() || p.has_more.is_some()).then(|| {
        quote! {
            fn signals(page: &Self::Page) -> crate::PageSignals {
                crate::PageSignals { next_marker: #next_marker, total: #total, has_more: #has_more }
            }
        }
    });
    let cursor = ident(&n.params[p.cursor]);
    // Only the cursor changes from page to page: filters and page size are kept.
    Some(quote! {
        impl crate::Paginate for #request {
            type Page = #page;
            type Item = #item;
            const STYLE: crate::PageStyle = #style;
            fn into_page(response: #response) -> Result<Self::Page, crate::Error> {
                response.into_ok()
            }
            fn items(page: &Self::Page) -> &[Self::Item] {
                #items
            }
            fn into_items(page: Self::Page) -> Vec<Self::Item> {
                #into_items
            }
            #signals
            fn cursor(&self) -> Option<String> {
                #paging::text(&self.#cursor)
            }
            fn with_cursor(self, cursor: &str) -> Result<Self, crate::Error> {
                Ok(Self { #cursor: #paging::cursor(cursor)?, ..self })
            }
        }
    })
}

/// The field `index` of struct `id`.
fn member(names: &Names, id: TypeId, index: usize) -> proc_macro2::Ident {
    ident(&names.members[id.0][index])
}

/// The bodies of `items` and `into_items`: the field `a` of the page, or `a.b` through
/// the `Option` of an optional or nullable `a`.
fn items_access(model: &Model, names: &Names, page: TypeId, path: &FieldPath) -> (TokenStream, TokenStream) {
    let paging = quote!(codegen_runtime::__private::paging);
    let first = member(names, page, path.0[0]);
    let inner = match (&model.get(page).kind, path.0.get(1)) {
        (TypeKind::Struct(def), Some(&j)) => match &def.fields[path.0[0]] {
            field @ crate::model::Field { ty: crate::model::TypeRef::Named(inner), .. } => Some((field, member(names, *inner, j))),
            _ => None,
        },
        _ => None,
    };
    let Some((field, second)) = inner else {
        return (quote!(#paging::items(&page.#first)), quote!(#paging::into_items(page.#first)));
    };
    match (field.required, field.nullable) {
        (true, false) => (quote!(#paging::items(&page.#first.#second)), quote!(#paging::into_items(page.#first.#second))),
        (false, true) => (
            quote!(page.#first.as_ref().and_then(Option::as_ref).map_or(&[][..], |v| #paging::items(&v.#second))),
            quote!(page.#first.flatten().map(|v| #paging::into_items(v.#second)).unwrap_or_default()),
        ),
        _ => (
            quote!(page.#first.as_ref().map_or(&[][..], |v| #paging::items(&v.#second))),
            quote!(page.#first.map(|v| #paging::into_items(v.#second)).unwrap_or_default()),
        ),
    }
}

/// `convert(&page.a)` or, one object down, `convert(&page.a.b)` (through the `Option` of
/// an optional or nullable `a`).
fn access(model: &Model, names: &Names, page: TypeId, path: &FieldPath, convert: &TokenStream) -> TokenStream {
    let first = member(names, page, path.0[0]);
    let Some(&inner_index) = path.0.get(1) else {
        return quote!(#convert(&page.#first));
    };
    let TypeKind::Struct(def) = &model.get(page).kind else {
        return quote!(None);
    };
    let field = &def.fields[path.0[0]];
    let crate::model::TypeRef::Named(inner) = &field.ty else {
        return quote!(None);
    };
    let second = member(names, *inner, inner_index);
    match (field.required, field.nullable) {
        (true, false) => quote!(#convert(&page.#first.#second)),
        (false, true) => quote!(page.#first.as_ref().and_then(Option::as_ref).and_then(|v| #convert(&v.#second))),
        _ => quote!(page.#first.as_ref().and_then(|v| #convert(&v.#second))),
    }
}

/// A second `impl Client` with one `<method>_pages` per paged operation, in method order.
pub fn client_tokens(model: &Model, names: &Names) -> TokenStream {
    let taken: HashSet<&str> = names.operations.iter().map(|n| n.method.as_str()).collect();
    let mut ops: Vec<(usize, &Pagination)> = paged(model).collect();
    ops.sort_by(|a, b| names.operations[a.0].method.cmp(&names.operations[b.0].method));
    if ops.is_empty() {
        return TokenStream::new();
    }
    let methods = ops.into_iter().map(|(index, p)| {
        let op = &model.operations[index];
        let n = &names.operations[index];
        let base = format!("{}_pages", n.method);
        let name = if taken.contains(base.as_str()) { format!("{}_paginated", n.method) } else { base };
        let method = ident(&name);
        let request = ident(&n.request);
        let cursor = &op.params[p.cursor].name;
        let kept = match p.limit {
            Some(limit) => format!("filters and the page size `{}` kept", op.params[limit].name),
            None => "filters kept".to_owned(),
        };
        let how = match p.style {
            Style::Marker => match &p.next_marker {
                Some(Source::LastItem(_)) => format!("`{cursor}` set to the id of the page's last item"),
                _ => format!("`{cursor}` set to the page's next marker"),
            },
            Style::OffsetItems => format!("`{cursor}` (counted in items) moved past the page's items"),
            Style::OffsetPages => format!("`{cursor}` (counted in pages, from {}) plus one", p.first),
            Style::PageNumber => format!("the page number `{cursor}` (from {}) plus one", p.first),
        };
        let docs = doc_attrs(&[
            format!("The pages of [`{}`](Self::{}), fetched lazily; `.items()` for the items.", n.method, n.method),
            String::new(),
            format!("The first page answers `request` as given; each next one, `request` with {how}"),
            format!("({kept}). The stream ends after the last page (an empty page, no"),
            "next marker, the total reached) or with an error: the operation's, or".to_owned(),
            "[`Error::InvalidResponse`](crate::Error::InvalidResponse) for a repeated marker.".to_owned(),
        ]);
        quote! {
            #docs
            pub fn #method(&self, request: operations::#request) -> crate::Pages<operations::#request> {
                self.inner.pages(request)
            }
        }
    });
    quote! {
        /// Paginators: one `<operation>_pages` method per list operation.
        impl Client {
            #(#methods)*
        }
    }
}
