//! `src/client.rs`: the service's `Client`, the runtime's client plus one async method per
//! operation.

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
    let client_doc = doc_attrs(&[
        format!("A client of the {service} API: one async method per operation."),
        String::new(),
        "Made from a [`ClientConfig`](crate::ClientConfig) (credentials, connection pool,".to_owned(),
        "timeouts, retries) that clients of other services can share, and this service's".to_owned(),
        "[`Endpoint`](crate::Endpoint). Cloning is cheap.".to_owned(),
    ]);
    quote! {
        #module_docs
        use crate::operations;

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: codegen_runtime::Client,
        }

        impl Client {
            /// A client sending to `endpoint` with the shared `config`.
            pub fn new(config: &crate::ClientConfig, endpoint: crate::Endpoint) -> Self {
                Self { inner: codegen_runtime::Client::new(config, endpoint) }
            }

            /// Where requests go.
            pub fn endpoint(&self) -> &crate::Endpoint {
                self.inner.endpoint()
            }

            /// The shared configuration.
            pub fn config(&self) -> &crate::ClientConfig {
                self.inner.config()
            }

            /// Sends any [`Operation`](crate::Operation) and parses its answer.
            pub async fn send<O: crate::Operation>(&self, operation: &O) -> Result<O::Response, crate::Error> {
                self.inner.send(operation).await
            }

            #(#methods)*
        }

        impl From<codegen_runtime::Client> for Client {
            fn from(inner: codegen_runtime::Client) -> Self {
                Self { inner }
            }
        }
    }
}
