//! `src/client.rs`: the service's `Client`, the runtime's client plus one async method per
//! operation.

use super::docs::{doc_attrs, inner_doc_attrs};
use super::CrateInfo;
use super::operations::operation_doc_lines;
use super::types::ident;
use crate::model::Model;
use crate::names::Names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn client_tokens(model: &Model, names: &Names, info: &CrateInfo) -> TokenStream {
    let service = info.service.as_str();
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
    let from_account = has_service(info).then(|| from_account(info));
    // A service signed its own way signs requests to an endpoint made by hand so too.
    let presign = (has_service(info) && info.signature != crate::service::Signature::Sdk).then(|| {
        quote! {
            /// A URL that performs `operation` by itself for `expires_in` from now (a
            /// download or upload link for any HTTP client; nothing is sent now), signed
            /// with the configuration's credentials. A duration under a second is refused.
            pub async fn presign<O: crate::Operation>(
                &self,
                operation: &O,
                expires_in: std::time::Duration,
            ) -> Result<crate::auth::PresignedUrl, crate::Error> {
                self.inner.presign(operation, expires_in).await
            }
        }
    });
    let (endpoint, signed_doc) = if has_service(info) && info.signature != crate::service::Signature::Sdk {
        (
            quote!(crate::SERVICE.with_signature(endpoint)),
            quote! {
                ///
                /// The endpoint is given the service's signature (see
                /// [`huawei::Service::with_signature`](crate::huawei::Service::with_signature)).
            },
        )
    } else {
        (quote!(endpoint), TokenStream::new())
    };
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
            #signed_doc
            pub fn new(config: &crate::ClientConfig, endpoint: crate::Endpoint) -> Self {
                Self { inner: codegen_runtime::Client::new(config, #endpoint) }
            }

            #presign

            /// Where requests go: the endpoint in use.
            pub fn endpoint(&self) -> &crate::Endpoint {
                self.inner.endpoint()
            }

            /// Every endpoint, best first; the client fails over from one to the next when
            /// connecting fails.
            pub fn endpoints(&self) -> &[crate::Endpoint] {
                self.inner.endpoints()
            }

            /// The shared configuration.
            pub fn config(&self) -> &crate::ClientConfig {
                self.inner.config()
            }

            /// Sends any [`Operation`](crate::Operation) and parses its answer.
            pub async fn send<O: crate::Operation>(&self, operation: &O) -> Result<O::Response, crate::Error> {
                self.inner.send(operation).await
            }

            #from_account

            #(#methods)*
        }

        impl From<codegen_runtime::Client> for Client {
            fn from(inner: codegen_runtime::Client) -> Self {
                Self { inner }
            }
        }
    }
}

/// Whether the crate has a `SERVICE` (see `crate_files::override_name`).
fn has_service(info: &CrateInfo) -> bool {
    let Some(template) = &info.host_template else { return false };
    super::crate_files::override_name(info, &crate::service::placeholders(template)).is_some()
}

/// `Client::from_account`: every endpoint of the region (overrides honoured), each with the
/// ids of the service's scope, failed over as the SDK does.
fn from_account(info: &CrateInfo) -> TokenStream {
    use crate::service::Scope;
    let ids = match info.scope {
        Scope::Project => ["the account's project id, or the one IAM lists for `region` (looked up once", "per region and remembered with the credentials)."],
        Scope::Global => ["the account's domain id (sent as `X-Domain-Id`), or the one IAM tells (looked", "up once and remembered with the credentials)."],
        Scope::Unscoped => ["the account's credentials alone: no project or domain id is looked up or", "sent."],
    };
    let docs = doc_attrs(&[
        format!("A client of {} in `region` for `account` (credentials found by", info.service),
        "[`huawei::CredentialChain`](crate::huawei::CredentialChain), or given in code),".to_owned(),
        "sending with `config`: the endpoints honour the overrides (see".to_owned(),
        "[`endpoint`](crate::endpoint)), with".to_owned(),
        ids[0].to_owned(),
        ids[1].to_owned(),
        String::new(),
        "Every endpoint the override or the official SDK lists for `region` is used, best".to_owned(),
        "first: when connecting to one fails, the client moves to the next, as the SDK does".to_owned(),
        "(see [`codegen_runtime::Client`]).".to_owned(),
        String::new(),
        "Fails when an override is not a usable URL or the id cannot be looked up (the".to_owned(),
        "[`Error::Credentials`](crate::Error::Credentials) says why).".to_owned(),
    ]);
    quote! {
        #docs
        pub async fn from_account(
            config: &crate::ClientConfig,
            account: &crate::huawei::Account,
            region: &str,
        ) -> Result<Self, crate::Error> {
            let mut endpoints = Vec::new();
            for endpoint in crate::SERVICE.endpoints_in(&account.env, region)? {
                endpoints.push(crate::SERVICE.with_ids(endpoint, config, account, region).await?);
            }
            Ok(Self { inner: codegen_runtime::Client::with_endpoints(config, endpoints)? })
        }
    }
}
