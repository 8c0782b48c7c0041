//! `src/client.rs`: one async method per operation on the runtime's `Client`.

use super::docs::{doc_attrs, inner_doc_attrs};
use super::operations::operation_doc_lines;
use super::types::ident;
use crate::model::Model;
use crate::names::Names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn client_tokens(model: &Model, names: &Names, service: &str) -> TokenStream {
    let module_docs = inner_doc_attrs(&[format!(
        "One async method per operation of the {service} API on [`Client`](crate::Client)."
    )]);
    let mut ops: Vec<_> = model.operations.iter().zip(&names.operations).collect();
    ops.sort_by(|a, b| a.1.method.cmp(&b.1.method));
    let methods = ops.into_iter().map(|(op, n)| {
        let method = ident(&n.method);
        let request = ident(&n.request);
        let response = ident(&n.response);
        let docs = doc_attrs(&operation_doc_lines(op));
        quote! {
            #docs
            pub async fn #method(&self, request: operations::#request) -> Result<operations::#response, crate::Error> {
                self.send(&request).await
            }
        }
    });
    quote! {
        #module_docs
        use crate::operations;

        impl crate::Client {
            #(#methods)*
        }
    }
}
