//! `FromXml` and `ToXml` of the model types that XML bodies reach, written out as one
//! call per property into the runtime's `xml::Reader` and `xml::Writer` (as
//! `json_impls` does for JSON), so that a model costs a few lines to compile. Types no
//! XML body reaches get none.

use crate::model::{BodyKind, Field, Model, TypeId, TypeKind, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

/// The types that request or success response bodies of XML reach, through fields,
/// lists, maps, aliases and newtypes. Error bodies are not decoded by type (an error
/// answer is an `ApiError`), so what only they reach gets no impls.
pub fn reachable(model: &Model) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack = Vec::new();
    for op in &model.operations {
        let successes = op.responses.iter().filter(|r| success(&r.status)).filter_map(|r| r.body.as_ref());
        let bodies = op.body.iter().map(|b| &b.kind).chain(successes);
        for kind in bodies {
            if let BodyKind::Xml(ty) = kind {
                super::types::named_in(ty, &mut stack);
            }
        }
    }
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        match &model.get(id).kind {
            TypeKind::Struct(def) => {
                for field in &def.fields {
                    super::types::named_in(&field.ty, &mut stack);
                }
                if let Some(additional) = &def.additional {
                    super::types::named_in(additional, &mut stack);
                }
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => super::types::named_in(ty, &mut stack),
            TypeKind::Enum(_) => {}
        }
    }
    seen
}

fn success(status: &crate::model::Status) -> bool {
    match status {
        crate::model::Status::Code(code) => (200..300).contains(code),
        crate::model::Status::Class(class) => *class == 2,
        crate::model::Status::Default => false,
    }
}

/// How a property is read and written in XML.
pub struct XmlField {
    pub ident: Ident,
    /// Its element or attribute name (the wrapper's, for a wrapped list).
    pub name: String,
    pub shape: Shape,
    /// Read with the `required*` methods (a `None` makes the struct fail).
    pub required: bool,
    /// `Option<Option<_>>`: read with `nullable`.
    pub nullable: bool,
    /// A namespace declared on the property's element: `(prefix, uri)`.
    pub namespace: Option<(Option<String>, String)>,
}

/// Where a property is in the element.
pub enum Shape {
    Attribute,
    /// One child element.
    Element,
    /// Repeated child elements (an array without `wrapped`).
    List,
    /// Items named `item` inside one wrapper element.
    Wrapped { item: String },
}

impl XmlField {
    /// The XML side of a struct field, named `ident` in Rust.
    pub fn of(field: &Field, ident: Ident) -> Self {
        let list = matches!(field.ty, TypeRef::Array(_)) && !field.boxed && !field.nullable;
        let xml = &field.xml;
        let own = xml.name.clone().unwrap_or_else(|| field.json_name.clone());
        let (name, shape) = if xml.attribute && !matches!(field.ty, TypeRef::Array(_)) {
            (own, Shape::Attribute)
        } else if list && xml.wrapped {
            // Items are named by the items' own `xml.name`, else like the property.
            let item = field.xml_item.clone().unwrap_or_else(|| field.json_name.clone());
            (own, Shape::Wrapped { item })
        } else if list {
            // Unwrapped: each item is an element named by the items, else the property.
            (field.xml_item.clone().unwrap_or(own), Shape::List)
        } else {
            (own, Shape::Element)
        };
        let qualified = match (&xml.prefix, &xml.namespace) {
            (Some(prefix), Some(_)) if !matches!(shape, Shape::Attribute) => format!("{prefix}:{name}"),
            _ => name,
        };
        XmlField {
            ident,
            name: qualified,
            shape,
            required: field.required && !field.nullable,
            nullable: field.nullable && !field.required,
            namespace: xml.namespace.clone().map(|uri| (xml.prefix.clone(), uri)),
        }
    }

    /// The name matched on input: the local part.
    fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }
}

/// The two impls of a struct with named properties and a catch-all map `rest`.
pub fn struct_impls(name: &Ident, fields: &[XmlField], rest: &Ident, result: &TokenStream) -> TokenStream {
    let xml = quote!(codegen_runtime::__private::xml);
    let (ok, err) = if result.to_string() == "Result" {
        (quote!(Ok), quote!(Err))
    } else {
        (quote!(#result::Ok), quote!(#result::Err))
    };
    let object = ["object", "reader", "properties"]
        .into_iter()
        .find(|name| fields.iter().all(|f| f.ident != name))
        .map(super::types::ident)
        .unwrap_or_else(|| super::types::ident("xml_object"));
    // Attributes first: a writer must put them in the start tag.
    let ordered: Vec<&XmlField> = fields
        .iter()
        .filter(|f| matches!(f.shape, Shape::Attribute))
        .chain(fields.iter().filter(|f| !matches!(f.shape, Shape::Attribute)))
        .collect();
    let reads = ordered.iter().map(|f| {
        let ident = &f.ident;
        let local = f.local();
        match (&f.shape, f.required) {
            (Shape::Attribute, true) => quote!(let #ident = #object.required_attribute(#local);),
            (Shape::Attribute, false) => quote!(let #ident = #object.attribute(#local);),
            (Shape::List, true) => quote!(let #ident = #object.required_list(#local);),
            (Shape::List, false) => quote!(let #ident = #object.list(#local);),
            (Shape::Wrapped { item }, true) => {
                let item = local_of(item);
                quote!(let #ident = #object.required_wrapped_list(#local, #item);)
            }
            (Shape::Wrapped { item }, false) => {
                let item = local_of(item);
                quote!(let #ident = #object.wrapped_list(#local, #item);)
            }
            (Shape::Element, true) => quote!(let #ident = #object.required(#local);),
            (Shape::Element, false) if f.nullable => quote!(let #ident = #object.nullable(#local);),
            (Shape::Element, false) => quote!(let #ident = #object.optional(#local);),
        }
    });
    let idents: Vec<&Ident> = fields.iter().map(|f| &f.ident).collect();
    let required: Vec<&Ident> = fields.iter().filter(|f| f.required).map(|f| &f.ident).collect();
    let finish = if required.is_empty() {
        quote! {
            #ok(Self {
                #(#idents,)*
                #rest: #object.rest()?,
            })
        }
    } else {
        quote! {
            match (#object.rest(), #(#required),*) {
                (#ok(#rest), #(Some(#required)),*) => #ok(Self {
                    #(#idents,)*
                    #rest,
                }),
                (rest, ..) => #err(#xml::failed(rest.err())),
            }
        }
    };
    let mutable = (!fields.is_empty()).then(|| quote!(mut));
    let attributes = ordered.iter().filter(|f| matches!(f.shape, Shape::Attribute)).map(|f| {
        let ident = &f.ident;
        let name = &f.name;
        quote!(out.attribute(#name, &self.#ident);)
    });
    let elements = ordered.iter().filter(|f| !matches!(f.shape, Shape::Attribute)).map(|f| {
        let ident = &f.ident;
        let name = &f.name;
        let declare = f.namespace.as_ref().map(|(prefix, uri)| {
            let prefix = match prefix {
                Some(p) => quote!(Some(#p)),
                None => quote!(None),
            };
            quote!(out.declare(#prefix, #uri);)
        });
        let write = match (&f.shape, f.required) {
            (Shape::Wrapped { item }, true) => quote!(out.wrapped_required(#name, #item, &self.#ident);),
            (Shape::Wrapped { item }, false) => quote!(out.wrapped(#name, #item, &self.#ident);),
            _ => quote!(out.element(#name, &self.#ident);),
        };
        quote!(#declare #write)
    });
    quote! {
        impl #xml::FromXml for #name {
            fn from_xml(element: #xml::Element) -> #result<Self, #xml::Mismatch> {
                let #mutable #object = #xml::Reader::new(element);
                #(#reads)*
                #finish
            }
        }

        impl #xml::ToXml for #name {
            fn to_xml(&self, name: &str, out: &mut #xml::Writer) {
                out.start(name);
                #(#attributes)*
                out.rest_attributes(&self.#rest);
                #(#elements)*
                out.rest_elements(&self.#rest);
                out.end(name);
            }
        }
    }
}

fn local_of(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The impls of a newtype, which reads and writes as the type it wraps.
pub fn newtype_impls(name: &Ident, target: &TokenStream, result: &TokenStream) -> TokenStream {
    let xml = quote!(codegen_runtime::__private::xml);
    quote! {
        impl #xml::FromXml for #name {
            fn from_xml(element: #xml::Element) -> #result<Self, #xml::Mismatch> {
                <#target as #xml::FromXml>::from_xml(element).map(Self)
            }
        }

        impl #xml::ToXml for #name {
            fn to_xml(&self, name: &str, out: &mut #xml::Writer) {
                #xml::ToXml::to_xml(&self.0, name, out);
            }
        }
    }
}
