//! Model types: one module per definition, holding it and the types nested in it.

use super::docs::{doc_attrs, lines};
use super::json_impls::{newtype_impls, struct_impls, JsonField};
use super::xml_impls::{self, XmlField};
use super::types::{ident, named_in, type_tokens, Prelude};
use crate::model::{EnumDef, EnumValue, Model, StructDef, TypeId, TypeKind};
use crate::names::Names;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// One module of `models/`: its name, the types it exports, and its items.
pub struct ModelModule {
    pub name: String,
    pub exports: Vec<TypeId>,
    /// Builders of the exported structs that have required properties.
    pub builders: Vec<String>,
    pub tokens: TokenStream,
}

pub fn modules(model: &Model, names: &Names) -> Vec<ModelModule> {
    let prelude = Prelude::new(names);
    let xml = xml_impls::reachable(model);
    let mut groups: BTreeMap<TypeId, Vec<TypeId>> = BTreeMap::new();
    for i in 0..model.types.len() {
        let id = TypeId(i);
        groups.entry(model.root_of(id)).or_default().push(id);
    }
    let mut out: Vec<ModelModule> = groups
        .into_iter()
        .map(|(root, members)| {
            let name = names.module(root).unwrap_or("unnamed").to_owned();
            let items: Vec<TokenStream> = members
                .iter()
                .map(|&id| type_item(model, names, &prelude, &xml, id))
                .collect();
            let imports = imports(model, names, root, &members);
            let builders = members
                .iter()
                .filter(|&&id| matches!(&model.get(id).kind, TypeKind::Struct(def) if def.fields.iter().any(|f| f.required)))
                .map(|&id| builder_name(names, names.ty(id)))
                .collect();
            ModelModule {
                name,
                exports: members,
                builders,
                tokens: quote! {
                    #imports
                    #(#items)*
                },
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `use super::{...};` for the named types that live in other modules.
fn imports(model: &Model, names: &Names, root: TypeId, members: &[TypeId]) -> TokenStream {
    let mut used = Vec::new();
    for &id in members {
        match &model.get(id).kind {
            TypeKind::Struct(def) => {
                for field in &def.fields {
                    named_in(&field.ty, &mut used);
                }
                if let Some(additional) = &def.additional {
                    named_in(additional, &mut used);
                }
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => named_in(ty, &mut used),
            TypeKind::Enum(_) => {}
        }
    }
    let mut foreign: Vec<&str> = used
        .into_iter()
        .filter(|&id| model.root_of(id) != root)
        .map(|id| names.ty(id))
        .collect();
    foreign.sort_unstable();
    foreign.dedup();
    if foreign.is_empty() {
        return TokenStream::new();
    }
    let foreign = foreign.into_iter().map(ident);
    quote! { use super::{#(#foreign),*}; }
}

/// A type and its impls; `xml` holds the types that XML bodies reach, which also get
/// `FromXml` and `ToXml`.
fn type_item(model: &Model, names: &Names, prelude: &Prelude, xml: &BTreeSet<TypeId>, id: TypeId) -> TokenStream {
    let in_xml = xml.contains(&id);
    let ty = model.get(id);
    let mut extra = Vec::new();
    if ty.variant > 0 {
        let files: Vec<String> = ty
            .files
            .iter()
            .map(|&f| format!("`{}`", model.files[f]))
            .collect();
        extra.push(format!(
            "The spec files disagree on this type's shape; this is the shape used by {}.",
            files.join(", ")
        ));
    }
    let docs = doc_attrs(&lines(&ty.docs, &extra));
    let name = ident(names.ty(id));
    match &ty.kind {
        TypeKind::Struct(def) => struct_item(names, prelude, id, def, docs, in_xml),
        TypeKind::Enum(def) => {
            let (item, xml_macro) = if def.is_integer() {
                (integer_enum_item(names, id, def, docs), quote!(xml_integer_enum))
            } else {
                (string_enum_item(names, prelude, id, def, docs), quote!(xml_string_enum))
            };
            let xml_impls = in_xml.then(|| quote!(codegen_runtime::#xml_macro!(#name);));
            quote! {
                #item
                #xml_impls
            }
        }
        TypeKind::Newtype(target) => {
            let target = type_tokens(target, names, prelude);
            let impls = newtype_impls(&name, &target, &result_path(names));
            let xml_impls = in_xml.then(|| xml_impls::newtype_impls(&name, &target, &result_path(names)));
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Default)]
                pub struct #name(pub #target);
                #impls
                #xml_impls
            }
        }
        TypeKind::Alias(target) => {
            let target = type_tokens(target, names, prelude);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

/// At most this many required properties make a positional `new`; beyond, values of the
/// same type side by side (`memory_size`, `timeout`) would be too easy to swap, so only the
/// builder is offered.
const MAX_NEW_PARAMS: usize = 2;

fn struct_item(
    names: &Names,
    prelude: &Prelude,
    id: TypeId,
    def: &StructDef,
    docs: TokenStream,
    in_xml: bool,
) -> TokenStream {
    let name = ident(names.ty(id));
    let member_names = &names.members[id.0];
    let option = &prelude.option;
    let boxed = &prelude.boxed;
    let all_optional = def.fields.iter().all(|f| !f.required);

    let mut fields = Vec::new();
    let mut required_params = Vec::new();
    let mut inits = Vec::new();
    let mut with_setters = Vec::new();
    let mut builder = Builder::default();
    let mut json_fields = Vec::new();
    let mut xml_fields = Vec::new();
    for (field, field_name) in def.fields.iter().zip(member_names) {
        let field_ident = ident(field_name);
        let plain = type_tokens(&field.ty, names, prelude);
        let ty = if field.boxed { quote!(#boxed<#plain>) } else { plain.clone() };
        // `value` of type `plain` as the field's (possibly boxed) type.
        let wrap = |value: TokenStream| if field.boxed { quote!(#boxed::new(#value)) } else { value };
        let field_docs = doc_attrs(&lines(&field.docs, &[]));
        json_fields.push(JsonField {
            ident: field_ident.clone(),
            json: field.json_name.clone(),
            required: field.required,
            nullable: field.nullable,
            // Integral `number` values are written back as integers (see the runtime's
            // `number`), through the `Option<Option<_>>` of nullable fields too.
            number: holds_f64(&field.ty),
        });
        xml_fields.push(XmlField::of(field, field_ident.clone()));
        // The setters' parameter and what they store (the field's type, or its `Some`).
        let (param, stored) = if field.required && field.nullable {
            // Always sent; `None` is `null`.
            fields.push(quote! {
                #field_docs
                pub #field_ident: #option<#ty>,
            });
            let boxing = field.boxed.then(|| quote!(.map(#boxed::new)));
            (quote!(impl Into<#option<#plain>>), quote!(value.into() #boxing))
        } else if field.required {
            fields.push(quote! {
                #field_docs
                pub #field_ident: #ty,
            });
            (quote!(impl Into<#plain>), wrap(quote!(value.into())))
        } else if field.nullable {
            // Outer `None`: absent; `Some(None)`: `null`; `Some(Some(v))`: a value.
            fields.push(quote! {
                #field_docs
                pub #field_ident: #option<#option<#ty>>,
            });
            let value = wrap(quote!(value.into()));
            (quote!(impl Into<#plain>), quote!(Some(Some(#value))))
        } else {
            fields.push(quote! {
                #field_docs
                pub #field_ident: #option<#ty>,
            });
            let value = wrap(quote!(value.into()));
            (quote!(impl Into<#plain>), quote!(Some(#value)))
        };
        if field.required {
            required_params.push(quote!(#field_ident: #param));
            let value = quote!(#field_ident);
            inits.push(if field.nullable {
                let boxing = field.boxed.then(|| quote!(.map(#boxed::new)));
                quote!(#field_ident: #value.into() #boxing)
            } else {
                let value = wrap(quote!(#value.into()));
                quote!(#field_ident: #value)
            });
        } else {
            inits.push(quote!(#field_ident: None));
        }
        // Types with required properties are made with their builder, which has a setter
        // per property; `with_*` on the type itself serves the `Default` ones.
        if all_optional {
            let setter = ident(&format!("with_{field_name}"));
            let doc = format!(" Sets `{field_name}`.");
            with_setters.push(quote! {
                #[doc = #doc]
                pub fn #setter(mut self, value: #param) -> Self {
                    self.#field_ident = #stored;
                    self
                }
            });
        }
        builder.field(field_name, field, &ty, &param, &stored, option);
    }

    let string = &prelude.string;
    let (catch_all, catch_all_ident) = match (&def.additional, &names.additional[id.0]) {
        (Some(values), Some(map_name)) => {
            let map_ident = ident(map_name);
            let values = type_tokens(values, names, prelude);
            let field = quote! {
                /// Properties other than the named ones (`additionalProperties` in the spec).
                pub #map_ident: indexmap::IndexMap<#string, #values>,
            };
            (field, map_ident)
        }
        _ => {
            let unknown = ident(&names.catch_all[id.0]);
            let xml_doc = in_xml.then(|| {
                quote! {
                    ///
                    /// In XML: elements by name (text as a string, others as objects,
                    /// repeated ones as an array) and attributes as `@name`.
                }
            });
            let field = quote! {
                /// Properties the spec does not describe, kept so that they survive a
                /// deserialize → serialize round trip unchanged.
                #xml_doc
                pub #unknown: indexmap::IndexMap<#string, serde_json::Value>,
            };
            (field, unknown)
        }
    };
    let catch_all_init = quote!(#catch_all_ident: indexmap::IndexMap::new());
    inits.push(catch_all_init.clone());

    let derive_default = all_optional.then(|| quote!(Default,));
    let constructor = (!all_optional && required_params.len() <= MAX_NEW_PARAMS).then(|| {
        quote! {
            /// A value with the required properties set, in field order, and every optional
            /// one absent.
            pub fn new(#(#required_params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    });
    let builder_name = ident(&builder_name(names, names.ty(id)));
    let result = result_path(names);
    let builder = (!all_optional).then(|| builder.tokens(names.ty(id), &name, &builder_name, &result, &catch_all_init));
    let builder_fn = builder.as_ref().map(|_| {
        let doc = doc_attrs(&[
            "A builder with a setter per property;".to_owned(),
            format!("[`build`]({builder_name}::build) fails naming the first required one left unset."),
        ]);
        // `#[inline]` here and on `build`: compiled only in crates that use them.
        quote! {
            #doc
            #[inline]
            pub fn builder() -> #builder_name {
                // Fully qualified: a property named `default` gives the builder an
                // inherent `default` setter that would shadow the trait's.
                <#builder_name as ::core::default::Default>::default()
            }
        }
    });
    let inherent = (constructor.is_some() || builder_fn.is_some() || !with_setters.is_empty()).then(|| {
        quote! {
            impl #name {
                #constructor
                #builder_fn
                #(#with_setters)*
            }
        }
    });
    let json_impls = struct_impls(&name, names.ty(id), &json_fields, &catch_all_ident, &result);
    let xml_impls = in_xml.then(|| xml_impls::struct_impls(&name, &xml_fields, &catch_all_ident, &result));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        pub struct #name {
            #(#fields)*
            #catch_all
        }
        #json_impls
        #xml_impls
        #inherent
        #builder
    }
}

/// `Result`, fully qualified when a model type shadows it.
fn result_path(names: &Names) -> TokenStream {
    if names.is_shadowed("Result") {
        quote!(::std::result::Result)
    } else {
        quote!(Result)
    }
}

/// The builder of a struct type: the type's name with `Builder` appended, numbered in the
/// unlikely case that a model type already has that name.
pub fn builder_name(names: &Names, type_name: &str) -> String {
    let base = format!("{type_name}Builder");
    let mut candidate = base.clone();
    let mut n = 2;
    while names.types.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

/// The pieces of a struct's builder, gathered field by field.
#[derive(Default)]
struct Builder {
    fields: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    inits: Vec<TokenStream>,
}

impl Builder {
    fn field(
        &mut self,
        field_name: &str,
        field: &crate::model::Field,
        ty: &TokenStream,
        param: &TokenStream,
        stored: &TokenStream,
        option: &TokenStream,
    ) {
        let field_ident = ident(field_name);
        // The stored type is the struct field's, wrapped once more for required ones.
        let slot = match (field.required, field.nullable) {
            (true, true) => quote!(#option<#option<#ty>>),
            (true, false) | (false, false) => quote!(#option<#ty>),
            (false, true) => quote!(#option<#option<#ty>>),
        };
        self.fields.push(quote!(#field_ident: #slot,));
        // A property named `build` would shadow the method that finishes.
        let setter = ident(if field_name == "build" { "set_build" } else { field_name });
        let doc = format!(" Sets `{field_name}`.");
        let stored = if field.required { quote!(Some(#stored)) } else { stored.clone() };
        self.setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: #param) -> Self {
                self.#field_ident = #stored;
                self
            }
        });
        self.inits.push(if field.required {
            quote! {
                #field_ident: match self.#field_ident {
                    Some(value) => value,
                    None => return Err(codegen_runtime::__private::missing_field(TYPE, #field_name)),
                },
            }
        } else {
            quote!(#field_ident: self.#field_ident,)
        });
    }

    fn tokens(
        self,
        type_name: &str,
        name: &proc_macro2::Ident,
        builder: &proc_macro2::Ident,
        result: &TokenStream,
        catch_all_init: &TokenStream,
    ) -> TokenStream {
        let doc = format!(" Builds a [`{type_name}`] property by property; see [`{type_name}::builder`].");
        let Builder { fields, setters, inits } = self;
        quote! {
            #[doc = #doc]
            #[derive(Default)]
            pub struct #builder {
                #(#fields)*
            }

            impl #builder {
                #(#setters)*

                /// The value, or [`Error::InvalidRequest`](crate::Error::InvalidRequest)
                /// naming the first required property that was not set.
                #[inline]
                pub fn build(self) -> #result<#name, crate::Error> {
                    const TYPE: &str = #type_name;
                    Ok(#name {
                        #(#inits)*
                        #catch_all_init,
                    })
                }
            }
        }
    }
}

fn string_enum_item(
    names: &Names,
    prelude: &Prelude,
    id: TypeId,
    def: &EnumDef,
    docs: TokenStream,
) -> TokenStream {
    let name = ident(names.ty(id));
    let unknown = ident(&names.catch_all[id.0]);
    let string = &prelude.string;
    let values: Vec<&str> = def
        .values
        .iter()
        .map(|v| match v {
            EnumValue::String(s) => s.as_str(),
            EnumValue::Integer(_) => "",
        })
        .collect();
    let variants: Vec<_> = names.members[id.0].iter().map(|v| ident(v)).collect();
    let variant_docs = values.iter().map(|v| doc_attrs(&[crate::model::code_span(v)]));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value the spec does not list, kept as received so that it is sent back
            /// unchanged.
            #unknown(crate::UnknownValue<#string>),
        }

        impl #name {
            /// The value as it appears in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::#unknown(value) => value.as_str(),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::#unknown(crate::UnknownValue::__new(other.into())),
                }
            }
        }

        codegen_runtime::string_enum!(#name);
    }
}

fn integer_enum_item(names: &Names, id: TypeId, def: &EnumDef, docs: TokenStream) -> TokenStream {
    let name = ident(names.ty(id));
    let unknown = ident(&names.catch_all[id.0]);
    let numbers: Vec<i64> = def
        .values
        .iter()
        .map(|v| match v {
            EnumValue::Integer(n) => *n,
            EnumValue::String(_) => 0,
        })
        .collect();
    let values: Vec<proc_macro2::Literal> = numbers
        .iter()
        .map(|&n| proc_macro2::Literal::i64_unsuffixed(n))
        .collect();
    let variants: Vec<_> = names.members[id.0].iter().map(|v| ident(v)).collect();
    let variant_docs = numbers.iter().map(|v| {
        let text = format!(" `{v}`");
        quote!(#[doc = #text])
    });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value the spec does not list, kept as received so that it is sent back
            /// unchanged.
            #unknown(crate::UnknownValue<i64>),
        }

        impl #name {
            /// The value as it appears in JSON.
            pub fn as_i64(&self) -> i64 {
                match self {
                    #( Self::#variants => #values, )*
                    Self::#unknown(value) => *value.get(),
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::#unknown(crate::UnknownValue::__new(other)),
                }
            }
        }

        codegen_runtime::integer_enum!(#name);
    }
}

/// Whether a field's type is `f64` directly or through `Vec`/maps (not through a named type,
/// which handles its own fields).
fn holds_f64(ty: &crate::model::TypeRef) -> bool {
    use crate::model::TypeRef;
    match ty {
        TypeRef::F64 => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => holds_f64(inner),
        _ => false,
    }
}
