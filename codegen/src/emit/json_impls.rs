//! `Serialize`, `Deserialize` and `FromJson` of the model types, written out rather than
//! derived: serde's derive writes a visitor state machine per struct, which was most of
//! a generated crate's build time. Reading goes through the runtime's `json::Reader`
//! (one call per property on a parsed value), writing through its `json::Writer`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// How a property is read and written.
pub struct JsonField {
    pub ident: Ident,
    /// Its name in JSON.
    pub json: String,
    /// Always present (`Reader::required`, `Writer::required`); otherwise skipped when
    /// absent.
    pub required: bool,
    /// `null` is a value of its own (`Option<Option<_>>`, `Reader::nullable`).
    pub nullable: bool,
    /// Holds `f64`s, written with integral values as integers (`Writer::*_number`).
    pub number: bool,
}

/// The three impls of a struct with named properties and a catch-all map `rest`.
pub fn struct_impls(name: &Ident, type_name: &str, fields: &[JsonField], rest: &Ident, result: &TokenStream) -> TokenStream {
    let json = quote!(codegen_runtime::__private::json);
    let (ok, err) = if result.to_string() == "Result" {
        (quote!(Ok), quote!(Err))
    } else {
        (quote!(#result::Ok), quote!(#result::Err))
    };
    // The reader's name: `object`, unless a property's local would take it.
    let object = ["object", "reader", "properties"]
        .into_iter()
        .find(|name| fields.iter().all(|f| f.ident != name))
        .map(super::types::ident)
        .unwrap_or_else(|| super::types::ident("json_object"));
    // One `let` per property, without `?`: the reader remembers the first failure and
    // `rest` reports it, so there is one exit for failures instead of one per property
    // (each dropping the properties read before it: most of the code of large structs).
    let reads = fields.iter().map(|f| {
        let ident = &f.ident;
        let key = &f.json;
        let method = match (f.required, f.nullable) {
            (true, false) => quote!(required),
            // Required but nullable: absent reads as `null`, as serde reads an `Option`.
            (true, true) | (false, false) => quote!(optional),
            (false, true) => quote!(nullable),
        };
        quote!(let #ident = #object.#method(#key);)
    });
    let idents: Vec<&Ident> = fields.iter().map(|f| &f.ident).collect();
    // Required properties read as `Option`s; the struct is made when all are `Some`.
    let required: Vec<&Ident> = fields.iter().filter(|f| f.required && !f.nullable).map(|f| &f.ident).collect();
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
                (rest, ..) => #err(#json::failed(rest.err())),
            }
        }
    };
    // Only `rest`, which takes the reader by value, when there is no named property.
    let mutable = (!fields.is_empty()).then(|| quote!(mut));
    let writes = fields.iter().map(|f| {
        let ident = &f.ident;
        let key = &f.json;
        let method = match (f.required, f.number) {
            (true, false) => quote!(required),
            (true, true) => quote!(required_number),
            (false, false) => quote!(optional),
            (false, true) => quote!(optional_number),
        };
        quote!(object.#method(#key, &self.#ident)?;)
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                let mut object = #json::Writer::new(serializer)?;
                #(#writes)*
                object.rest(&self.#rest)?;
                object.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                #json::deserialize(deserializer)
            }
        }

        impl #json::FromJson for #name {
            fn from_json(value: serde_json::Value) -> #result<Self, #json::Mismatch> {
                let #mutable #object = #json::Reader::new(value, #type_name)?;
                #(#reads)*
                #finish
            }
        }
    }
}

/// The impls of a newtype, which reads and writes as the type it wraps.
pub fn newtype_impls(name: &Ident, target: &TokenStream, result: &TokenStream) -> TokenStream {
    let json = quote!(codegen_runtime::__private::json);
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                #json::deserialize(deserializer)
            }
        }

        impl #json::FromJson for #name {
            fn from_json(value: serde_json::Value) -> #result<Self, #json::Mismatch> {
                <#target as #json::FromJson>::from_json(value).map(Self)
            }
        }
    }
}
