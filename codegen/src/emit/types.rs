//! Rust types for model type references.

use crate::model::{TypeId, TypeRef};
use crate::names::Names;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Paths of the std prelude types, fully qualified when a model type shadows them.
pub struct Prelude {
    pub string: TokenStream,
    pub vec: TokenStream,
    pub option: TokenStream,
    pub boxed: TokenStream,
}

impl Prelude {
    /// Plain names: for modules that import no model type by name.
    pub fn plain() -> Self {
        Self::new(&Names::default())
    }

    pub fn new(names: &Names) -> Self {
        let pick = |name: &str, full: TokenStream| {
            if names.is_shadowed(name) {
                full
            } else {
                let id = ident(name);
                quote!(#id)
            }
        };
        Self {
            string: pick("String", quote!(::std::string::String)),
            vec: pick("Vec", quote!(::std::vec::Vec)),
            option: pick("Option", quote!(::std::option::Option)),
            boxed: pick("Box", quote!(::std::boxed::Box)),
        }
    }
}

/// The Rust type of a reference; named types by their bare name (the file imports them).
pub fn type_tokens(ty: &TypeRef, names: &Names, prelude: &Prelude) -> TokenStream {
    type_tokens_in(ty, names, prelude, None)
}

/// The Rust type of a reference, named types behind `module::` (e.g. `models::ErrorResp`).
pub fn type_tokens_in(
    ty: &TypeRef,
    names: &Names,
    prelude: &Prelude,
    module: Option<&TokenStream>,
) -> TokenStream {
    match ty {
        TypeRef::String => prelude.string.clone(),
        TypeRef::I8 => quote!(i8),
        TypeRef::I16 => quote!(i16),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::DateTime => quote!(crate::DateTime),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = type_tokens_in(inner, names, prelude, module);
            let vec = &prelude.vec;
            quote!(#vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens_in(inner, names, prelude, module);
            let string = &prelude.string;
            quote!(indexmap::IndexMap<#string, #inner>)
        }
        TypeRef::Named(id) => {
            let name = ident(names.ty(*id));
            match module {
                Some(module) => quote!(#module::#name),
                None => quote!(#name),
            }
        }
    }
}

/// Every named type a reference mentions.
pub fn named_in(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}
