//! Operations: per operation a request type (with sans-IO `build`/`parse`) and a
//! response enum with one variant per documented status.

use super::docs::{doc_attrs, lines, text_lines};
use super::types::{ident, type_tokens_in, Prelude};
use crate::model::{
    BodyKind, Docs, Location, Model, Operation, Param, PathPart, ResponseSpec, Role, Status,
};
use crate::names::{carried, Names, OperationNames};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// One module of `operations/`.
pub struct OperationModule {
    pub name: String,
    pub exports: Vec<String>,
    pub tokens: TokenStream,
}

pub fn modules(model: &Model, names: &Names) -> Vec<OperationModule> {
    let mut out: Vec<OperationModule> = model
        .operations
        .iter()
        .zip(&names.operations)
        .map(|(op, op_names)| OperationModule {
            name: op_names.method.clone(),
            exports: vec![op_names.request.clone(), op_names.response.clone()],
            tokens: operation_tokens(model, names, op, op_names),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The `METHOD /path` line, e.g. `` `POST /v2/{project_id}/fgs/functions` ``.
pub fn route(op: &Operation) -> String {
    format!("`{} {}`", op.method, op.path_template())
}

/// Docs of an operation: summary, description, route.
pub fn operation_doc_lines(op: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |paragraph: Vec<String>| {
        if paragraph.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(paragraph);
    };
    let summary = op.summary.as_deref().unwrap_or("").trim();
    push(text_lines(summary));
    if let Some(description) = &op.description
        && description.trim() != summary
    {
        push(text_lines(description));
    }
    let mut route_line = format!("{} (operation `{}`)", route(op), op.id);
    if op.deprecated {
        route_line.push_str("; deprecated by the service");
    }
    push(vec![route_line]);
    out
}

struct Ctx<'a> {
    model: &'a Model,
    names: &'a Names,
    prelude: Prelude,
    models: TokenStream,
}

impl Ctx<'_> {
    fn ty(&self, ty: &crate::model::TypeRef) -> TokenStream {
        type_tokens_in(ty, self.names, &self.prelude, Some(&self.models))
    }

    /// Whether a body type is any JSON object or value (`additionalProperties` of any
    /// type, or no schema), directly or through aliases.
    fn is_free_form(&self, ty: &crate::model::TypeRef) -> bool {
        use crate::model::{TypeKind, TypeRef};
        let mut current = ty;
        // Alias chains are acyclic (the model stage breaks cycles); the bound is a guard.
        for _ in 0..=self.model.types.len() {
            match current {
                TypeRef::Any => return true,
                TypeRef::Map(inner) => return **inner == TypeRef::Any,
                TypeRef::Named(id) => match &self.model.get(*id).kind {
                    TypeKind::Alias(target) => current = target,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }

    /// The Rust name of a named type (the fallback name of an XML root).
    fn type_name(&self, ty: &crate::model::TypeRef) -> String {
        match ty {
            crate::model::TypeRef::Named(id) => self.names.ty(*id).to_owned(),
            _ => String::new(),
        }
    }

    fn body_ty(&self, kind: &BodyKind) -> TokenStream {
        match kind {
            BodyKind::Json(ty) | BodyKind::Xml(ty) => self.ty(ty),
            BodyKind::Bytes | BodyKind::Form => quote!(Vec<u8>),
            BodyKind::Binary => quote!(crate::Body),
        }
    }
}

fn operation_tokens(model: &Model, names: &Names, op: &Operation, n: &OperationNames) -> TokenStream {
    let ctx = Ctx {
        model,
        names,
        prelude: Prelude::plain(),
        models: quote!(models),
    };
    let request = request_tokens(&ctx, op, n);
    let response = response_tokens(&ctx, op, n);
    let uses_models = uses_models(&ctx, op);
    let import = uses_models.then(|| quote!(use crate::models;));
    quote! {
        #import
        #request
        #response
    }
}

/// Whether the module names a model in code (error bodies are only named in docs).
fn uses_models(ctx: &Ctx<'_>, op: &Operation) -> bool {
    let named = |ty: &crate::model::TypeRef| {
        let mut found = Vec::new();
        super::types::named_in(ty, &mut found);
        !found.is_empty()
    };
    op.params.iter().any(|p| carried(p.role) && named(&p.ty))
        || matches!(&op.body, Some(b) if matches!(&b.kind, BodyKind::Json(ty) if named(ty) && !ctx.is_free_form(ty)))
        || matches!(&op.body, Some(b) if matches!(b.kind, BodyKind::Xml(_)))
        || op.responses.iter().any(|r| {
            is_success(&r.status) && has_body(r) && matches!(&r.body, Some(BodyKind::Json(ty) | BodyKind::Xml(ty)) if named(ty))
        })
}

fn request_tokens(ctx: &Ctx<'_>, op: &Operation, n: &OperationNames) -> TokenStream {
    let request = ident(&n.request);
    let response = ident(&n.response);
    let docs = doc_attrs(&operation_doc_lines(op));

    let mut fields = Vec::new();
    let mut new_params = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    // `arg`: the type the constructor or setter takes; `convert`: `value` of that type as
    // the field's type.
    let mut push = |field: &str, ty: TokenStream, arg: Arg, required: bool, docs: &Docs, wire: &str| {
        let field_ident = ident(field);
        let arg_kind = arg;
        let (arg, convert) = (arg.param(&ty), |source: TokenStream| arg.convert(source));
        let mut doc_lines = lines(docs, &[]);
        if !wire.is_empty() {
            if !doc_lines.is_empty() {
                doc_lines.push(String::new());
            }
            doc_lines.push(wire.to_owned());
        }
        let field_docs = doc_attrs(&doc_lines);
        if required {
            fields.push(quote! { #field_docs pub #field_ident: #ty, });
            new_params.push(quote!(#field_ident: #arg));
            new_inits.push(if matches!(arg_kind, Arg::Plain) {
                quote!(#field_ident)
            } else {
                let value = convert(quote!(#field_ident));
                quote!(#field_ident: #value)
            });
        } else {
            fields.push(quote! { #field_docs pub #field_ident: Option<#ty>, });
            new_inits.push(quote!(#field_ident: None));
            let setter = ident(&format!("with_{field}"));
            let setter_doc = format!(" Sets `{field}`.");
            let value = convert(quote!(value));
            setters.push(quote! {
                #[doc = #setter_doc]
                pub fn #setter(mut self, value: #arg) -> Self {
                    self.#field_ident = Some(#value);
                    self
                }
            });
        }
    };
    for (param, field) in op.params.iter().zip(&n.params) {
        if !carried(param.role) {
            continue;
        }
        let wire = match param.role {
            Role::Bucket => format!(
                "The bucket (`{}`): sent in the host name, `<bucket>.<endpoint host>`, or path-style as the first path segment when the endpoint's host is an IP address or `localhost`.",
                param.name
            ),
            Role::ObjectKey => format!("Path parameter `{}`: an object key, its `/` sent as they are.", param.name),
            Role::HeaderFamily => format!("Headers `{}<key>`.", param.family_prefix()),
            _ => format!("{} parameter `{}`.", location_word(param.location), param.name),
        };
        // A query string is text whatever the spec's type says: numbers documented as
        // strings (`maxitems`) can be given as integers and are sent as their digits.
        let arg = if param.location == Location::Query && param.ty == crate::model::TypeRef::String {
            Arg::Text
        } else {
            Arg::Into
        };
        let ty = if param.location == Location::FormFile {
            match param.ty {
                crate::model::TypeRef::Array(_) => quote!(Vec<crate::FormFile>),
                _ => quote!(crate::FormFile),
            }
        } else {
            ctx.ty(&param.ty)
        };
        push(field, ty, arg, param.required, &param.docs, &wire);
    }
    // A required free-form JSON body is any `Serialize` value, `serde_json::Value` unless
    // told otherwise (`json!({...})`): the request type is generic over it.
    let mut generic = false;
    // A form's fields are the request's own fields (above); it has no body field.
    if let Some(body) = op.body.as_ref().filter(|b| b.kind != BodyKind::Form) {
        let mut wire = format!("Request body, sent as `{}`.", body.media_type);
        let (ty, arg) = match &body.kind {
            BodyKind::Json(ty) if ctx.is_free_form(ty) && body.required => {
                generic = true;
                wire.push_str(" Any `Serialize` value: a [`serde_json::Value`] by default.");
                (quote!(B), Arg::Plain)
            }
            BodyKind::Json(ty) if ctx.is_free_form(ty) => (quote!(serde_json::Value), Arg::Into),
            kind => (ctx.body_ty(kind), Arg::Into),
        };
        push(&n.body, ty, arg, body.required, &body.docs, &wire);
    }
    let (declared, params, bounded) = if generic {
        (quote!(<B = serde_json::Value>), quote!(<B>), quote!(<B: serde::Serialize>))
    } else {
        (TokenStream::new(), TokenStream::new(), TokenStream::new())
    };

    let many = (new_params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let body_of = |file: bool| if file { quote!(crate::Body) } else { quote!(Vec<u8>) };
    let (request_body, response_body) = (body_of(uploads(op)), body_of(streams(op)));
    let build = build_tokens(ctx, op, n);
    let parse = parse_tokens(ctx, op, n);
    let id = &op.id;
    let method = ident(&op.method);
    let derive_default = new_params.is_empty().then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        pub struct #request #declared {
            #(#fields)*
        }

        impl #params #request #params {
            /// A request with the required values; optional ones are set with `with_*`.
            #many
            pub fn new(#(#new_params),*) -> Self {
                Self { #(#new_inits),* }
            }

            #(#setters)*
        }

        impl #bounded crate::Operation for #request #params {
            type Response = #response;
            type RequestBody = #request_body;
            type ResponseBody = #response_body;
            const ID: &'static str = #id;
            const METHOD: http::Method = http::Method::#method;

            fn build(&self, endpoint: &crate::Endpoint) -> Result<http::Request<Self::RequestBody>, crate::Error> {
                #build
            }

            fn parse(response: http::Response<Self::ResponseBody>) -> Result<Self::Response, crate::Error> {
                #parse
            }
        }
    }
}

/// How a request value is taken by the constructor and setters.
#[derive(Clone, Copy)]
enum Arg {
    /// `impl Into<T>`.
    Into,
    /// `impl ToString`, for a `String` field.
    Text,
    /// The field's own type.
    Plain,
}

impl Arg {
    /// The parameter type for a field of type `ty`.
    fn param(self, ty: &TokenStream) -> TokenStream {
        match self {
            Arg::Into => quote!(impl Into<#ty>),
            Arg::Text => quote!(impl ToString),
            Arg::Plain => ty.clone(),
        }
    }

    /// `source`, of the parameter type, as the field's type.
    fn convert(self, source: TokenStream) -> TokenStream {
        match self {
            Arg::Into => quote!(#source.into()),
            Arg::Text => quote!(#source.to_string()),
            Arg::Plain => source,
        }
    }
}

fn location_word(location: Location) -> &'static str {
    match location {
        Location::Path => "Path",
        Location::Query => "Query",
        Location::Header => "Header",
        Location::Form => "Form field",
        Location::FormFile => "Form file",
    }
}

fn build_tokens(ctx: &Ctx<'_>, op: &Operation, n: &OperationNames) -> TokenStream {
    let finish = if uploads(op) { quote!(build_body) } else { quote!(build) };
    let mut steps = Vec::new();
    for part in &op.path {
        match part {
            PathPart::Literal(text) => steps.push(quote!(.literal(#text))),
            PathPart::Param(i) => {
                let param = &op.params[*i];
                let name = &param.name;
                if param.role == Role::ProjectId {
                    steps.push(quote!(.project_id_param(#name)));
                } else if param.role == Role::ObjectKey {
                    let field = ident(&n.params[*i]);
                    steps.push(quote!(.object_key(#name, &self.#field)));
                } else {
                    let field = ident(&n.params[*i]);
                    steps.push(quote!(.path_param(#name, &self.#field)));
                }
            }
        }
    }
    for (param, field) in op.params.iter().zip(&n.params) {
        let name = &param.name;
        match (param.location, param.role) {
            (Location::Path, _) => {}
            (Location::Header, Role::ProjectId) => steps.push(quote!(.project_id_header(#name))),
            (Location::Query, Role::Flag) => steps.push(quote!(.query_flag(#name))),
            (Location::Query, Role::Switch) => {
                let field = ident(field);
                steps.push(quote!(.query_flag_if(#name, self.#field == Some(true))));
            }
            (Location::Header, Role::HeaderFamily) => {
                let field = ident(field);
                let prefix = param.family_prefix();
                steps.push(quote!(.header_family(#prefix, self.#field.as_ref())));
            }
            (Location::Query, Role::Bucket) => {
                let field = ident(field);
                steps.push(quote!(.bucket(&self.#field)));
            }
            (_, role) if !carried(role) => {}
            (Location::Query, _) => steps.push(query_step(param, field)),
            (Location::Header, _) => {
                let field = ident(field);
                steps.push(if param.required {
                    quote!(.header(#name, &self.#field))
                } else {
                    quote!(.header_opt(#name, self.#field.as_ref()))
                });
            }
            (Location::Form | Location::FormFile, _) => steps.push(form_step(param, field)),
        }
    }
    if let Some(content_type) = &op.bodiless_content_type {
        steps.push(quote!(.content_type(#content_type)));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.kind == BodyKind::Form) {
        let media = &body.media_type;
        steps.push(quote!(.form(#media)));
    } else if let Some(body) = &op.body {
        let field = ident(&n.body);
        let media = &body.media_type;
        // The step that sets the body from `value` (a reference).
        let send = |value: TokenStream| match &body.kind {
            BodyKind::Json(_) => quote!(.json(#media, #value)),
            BodyKind::Xml(ty) => {
                let root = xml_root(ctx, ty);
                let name = ctx.type_name(ty);
                quote!(.bytes(#media, &codegen_runtime::__private::xml::encode(#value, #root, #name)))
            }
            BodyKind::Bytes | BodyKind::Form => quote!(.bytes(#media, #value)),
            BodyKind::Binary => quote!(.upload(#media, #value)),
        };
        if body.required {
            steps.push(send(quote!(&self.#field)));
        } else {
            // An absent optional body sends nothing.
            let step = send(quote!(body));
            return quote! {
                let builder = codegen_runtime::__private::RequestBuilder::new(Self::METHOD, endpoint) #(#steps)*;
                match &self.#field {
                    Some(body) => builder #step.#finish(),
                    None => builder.#finish(),
                }
            };
        }
    }
    quote! {
        codegen_runtime::__private::RequestBuilder::new(Self::METHOD, endpoint)
            #(#steps)*
            .#finish()
    }
}

/// Whether the operation uploads a file: its request body is a `Body` (a binary body, or
/// a form with a file field, whose files are read while sent).
fn uploads(op: &Operation) -> bool {
    match &op.body {
        Some(body) if body.kind == BodyKind::Binary => true,
        Some(body) if body.kind == BodyKind::Form => op.params.iter().any(|p| p.location == Location::FormFile),
        _ => false,
    }
}

/// Whether a success answer of the operation is a file, handed over as a `Body`.
fn streams(op: &Operation) -> bool {
    op.responses
        .iter()
        .any(|r| is_success(&r.status) && has_body(r) && r.body == Some(BodyKind::Binary))
}

/// A form field: text (one field per element of an array), or a file.
fn form_step(param: &Param, field: &str) -> TokenStream {
    let name = &param.name;
    let field = ident(field);
    let is_list = matches!(param.ty, crate::model::TypeRef::Array(_));
    match (param.location == Location::FormFile, is_list, param.required) {
        (true, true, true) => quote!(.form_file_each(#name, &self.#field)),
        (true, true, false) => quote!(.form_file_each_opt(#name, self.#field.as_ref())),
        (true, false, true) => quote!(.form_file(#name, &self.#field)),
        (true, false, false) => quote!(.form_file_opt(#name, self.#field.as_ref())),
        (false, true, true) => quote!(.form_text_each(#name, &self.#field)),
        (false, true, false) => quote!(.form_text_each_opt(#name, self.#field.as_ref())),
        (false, false, true) => quote!(.form_text(#name, &self.#field)),
        (false, false, false) => quote!(.form_text_opt(#name, self.#field.as_ref())),
    }
}

fn query_step(param: &Param, field: &str) -> TokenStream {
    let name = &param.name;
    let field = ident(field);
    let is_list = matches!(param.ty, crate::model::TypeRef::Array(_));
    if let (true, crate::model::ArrayFormat::Joined(separator)) = (is_list, param.array_format) {
        return if param.required {
            quote!(.query_joined(#name, &self.#field, #separator))
        } else {
            quote!(.query_joined_opt(#name, self.#field.as_ref(), #separator))
        };
    }
    match (is_list, param.required) {
        (true, true) => quote!(.query_each(#name, &self.#field)),
        (true, false) => quote!(.query_each_opt(#name, self.#field.as_ref())),
        (false, true) => quote!(.query(#name, &self.#field)),
        (false, false) => quote!(.query_opt(#name, self.#field.as_ref())),
    }
}

/// Whether a response of this status carries a body field (204, 304 and 1xx cannot).
fn has_body(response: &ResponseSpec) -> bool {
    match response.status {
        Status::Code(code) => !(code == 204 || code == 304 || code < 200),
        _ => true,
    }
}

fn is_success(status: &Status) -> bool {
    match status {
        Status::Code(code) => (200..300).contains(code),
        Status::Class(class) => *class == 2,
        Status::Default => false,
    }
}

/// Whether the variant records the exact status (ranges and `default` cover several).
fn keeps_status(status: &Status) -> bool {
    !matches!(status, Status::Code(_))
}

fn parse_tokens(ctx: &Ctx<'_>, op: &Operation, n: &OperationNames) -> TokenStream {
    let response = ident(&n.response);
    // A streamed operation's answers come as a `Body`; what is read whole (error bodies,
    // JSON) was read whole by the client, and is taken out of it.
    let whole = if streams(op) {
        quote!(codegen_runtime::__private::buffered(body))
    } else {
        quote!(body)
    };
    let mut arms = Vec::new();
    for ((spec, variant), header_fields) in op.responses.iter().zip(&n.variants).zip(&n.headers) {
        let variant = ident(variant);
        let pattern = match spec.status {
            Status::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            Status::Class(class) => {
                let low = Literal::u16_unsuffixed(class * 100);
                let high = Literal::u16_unsuffixed(class * 100 + 99);
                quote!(#low..=#high)
            }
            Status::Default => quote!(_),
        };
        if !is_success(&spec.status) {
            // Whatever an error answer holds, it is kept as received.
            arms.push(quote! {
                #pattern => #response::#variant(codegen_runtime::__private::api_error(crate::VENDOR, status, headers, #whole)),
            });
            continue;
        }
        let mut inits = Vec::new();
        if keeps_status(&spec.status) {
            inits.push(quote!(status));
        }
        if has_body(spec) {
            inits.push(match &spec.body {
                Some(BodyKind::Json(_)) => {
                    quote!(body: codegen_runtime::__private::decode(crate::VENDOR, status, &headers, #whole)?)
                }
                Some(BodyKind::Xml(ty)) => {
                    let root = xml_root(ctx, ty);
                    quote!(body: codegen_runtime::__private::xml::decode(crate::VENDOR, status, &headers, #whole, #root)?)
                }
                Some(BodyKind::Binary) => quote!(body),
                _ if streams(op) => quote!(body: #whole),
                _ => quote!(body),
            });
        }
        for (header, field) in spec.headers.iter().zip(header_fields) {
            let field = ident(field);
            let name = &header.name;
            inits.push(quote!(#field: codegen_runtime::__private::header_text(&headers, #name)));
        }
        inits.push(quote!(headers));
        arms.push(quote!(#pattern => #response::#variant { #(#inits),* },));
    }
    let has_default = op.responses.iter().any(|r| r.status == Status::Default);
    if !has_default {
        let undocumented = ident(&n.undocumented);
        if arms.is_empty() {
            // No documented response: every answer is undocumented, no `match` needed.
            return quote! {
                let (parts, body) = response.into_parts();
                Ok(#response::#undocumented { status: parts.status, headers: parts.headers, body })
            };
        }
        arms.push(quote!(_ => #response::#undocumented { status, headers, body },));
    }
    quote! {
        let (parts, body) = response.into_parts();
        let (status, headers) = (parts.status, parts.headers);
        Ok(match status.as_u16() {
            #(#arms)*
        })
    }
}

/// The runtime's `xml::Root` of an XML body's type (see [`crate::model::XmlRoot`]).
fn xml_root(ctx: &Ctx<'_>, ty: &crate::model::TypeRef) -> TokenStream {
    let root = match ty {
        crate::model::TypeRef::Named(id) => ctx.model.xml_root(*id),
        _ => crate::model::XmlRoot { name: None, namespace: None, prefix: None, document: false },
    };
    let option = |value: &Option<String>| match value {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    };
    let (name, namespace, prefix) = (option(&root.name), option(&root.namespace), option(&root.prefix));
    let document = root.document;
    quote!(codegen_runtime::__private::xml::Root { name: #name, namespace: #namespace, prefix: #prefix, document: #document })
}

/// `crate::models::Name` for a body that is one named model, for doc links.
fn model_path(ctx: &Ctx<'_>, kind: &BodyKind) -> Option<String> {
    match kind {
        BodyKind::Json(crate::model::TypeRef::Named(id)) | BodyKind::Xml(crate::model::TypeRef::Named(id)) => {
            Some(format!("crate::models::{}", ctx.names.ty(*id)))
        }
        _ => None,
    }
}

fn response_tokens(ctx: &Ctx<'_>, op: &Operation, n: &OperationNames) -> TokenStream {
    let response = ident(&n.response);
    let doc = format!(" The responses of `{}`, one variant per documented status.", op.id);
    let mut variants = Vec::new();
    let mut status_arms = Vec::new();
    let mut header_arms = Vec::new();
    let mut ok_arms = Vec::new();
    let successes: Vec<&ResponseSpec> = op.responses.iter().filter(|r| is_success(&r.status)).collect();
    // One success, or several of one body type (GetObject's `200` and `206`).
    let success_type = |spec: &ResponseSpec| match (&spec.body, has_body(spec)) {
        (_, false) => quote!(()),
        (Some(kind), true) => ctx.body_ty(kind),
        (None, true) => quote!(Vec<u8>),
    };
    let ok_type = match successes.as_slice() {
        [] => None,
        [first, rest @ ..] => {
            let ty = success_type(first);
            rest.iter().all(|s| success_type(s).to_string() == ty.to_string()).then_some(ty)
        }
    };
    for ((spec, variant), header_fields) in op.responses.iter().zip(&n.variants).zip(&n.headers) {
        let variant = ident(variant);
        let status_text = match spec.status {
            Status::Code(code) => format!("`{code}`"),
            Status::Class(class) => format!("`{class}XX`"),
            Status::Default => "Any other status".to_owned(),
        };
        let mut doc_lines = vec![match &spec.docs.description {
            Some(d) => format!("{status_text}: {}", text_lines(d).join(" ")),
            None => format!("{status_text}."),
        }];
        doc_lines.retain(|l| !l.is_empty());
        for note in &spec.docs.notes {
            doc_lines.push(String::new());
            doc_lines.push(note.clone());
        }
        if !is_success(&spec.status) {
            // An error answer: kept as received, whatever its body holds.
            doc_lines.push(String::new());
            let documented = spec.body.as_ref().filter(|_| has_body(spec));
            let xml = matches!(documented, Some(BodyKind::Xml(_)));
            doc_lines.push(match documented.and_then(|kind| model_path(ctx, kind)) {
                Some(path) if xml => format!(
                    "The body is XML documented as [`{}`]({path}); its code, message and request \
                     id are read into the [`ApiError`](crate::ApiError)'s fields, and it is kept \
                     as received in [`ApiError::body`](crate::ApiError::body).",
                    path.trim_start_matches("crate::")
                ),
                Some(path) => format!(
                    "The body is documented as [`{}`]({path}); read it with \
                     [`ApiError::decode`](crate::ApiError::decode).",
                    path.trim_start_matches("crate::")
                ),
                None => "The body is kept as received in [`ApiError::body`](crate::ApiError::body).".to_owned(),
            });
            if !spec.headers.is_empty() {
                let names: Vec<String> = spec.headers.iter().map(|h| format!("`{}`", h.name)).collect();
                doc_lines.push(format!("Documented headers: {}.", names.join(", ")));
            }
            let docs = doc_attrs(&doc_lines);
            variants.push(quote! { #docs #variant(crate::ApiError), });
            status_arms.push(quote!(Self::#variant(error) => error.status,));
            header_arms.push(quote!(Self::#variant(error) => &error.headers,));
            ok_arms.push(quote!(Self::#variant(error) => Err(error.into()),));
            continue;
        }
        let docs = doc_attrs(&doc_lines);
        let mut fields = Vec::new();
        if keeps_status(&spec.status) {
            fields.push(quote!(status: http::StatusCode));
        }
        let body_ty = has_body(spec).then(|| match &spec.body {
            Some(kind) => ctx.body_ty(kind),
            None => quote!(Vec<u8>),
        });
        if let Some(ty) = &body_ty {
            let body_doc = match &spec.body {
                Some(BodyKind::Json(_)) => " The decoded body.",
                Some(BodyKind::Xml(_)) => " The decoded XML body.",
                _ => " The body as received.",
            };
            fields.push(quote!(#[doc = #body_doc] body: #ty));
        }
        for (header, field) in spec.headers.iter().zip(header_fields) {
            let field = ident(field);
            let mut header_doc = vec![format!("Header `{}`.", header.name)];
            if let Some(d) = &header.docs.description {
                header_doc.extend(text_lines(d));
            }
            let header_doc = doc_attrs(&header_doc);
            fields.push(quote!(#header_doc #field: Option<String>));
        }
        fields.push(quote!(#[doc = " Every response header."] headers: http::HeaderMap));
        variants.push(quote! { #docs #variant { #(#fields),* }, });

        status_arms.push(match spec.status {
            Status::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!(Self::#variant { .. } => #code,)
            }
            _ => quote!(Self::#variant { status, .. } => status.as_u16(),),
        });
        header_arms.push(quote!(Self::#variant { headers, .. } => headers,));
        ok_arms.push(if body_ty.is_some() {
            quote!(Self::#variant { body, .. } => Ok(body),)
        } else {
            quote!(Self::#variant { .. } => Ok(()),)
        });
    }
    let has_default = op.responses.iter().any(|r| r.status == Status::Default);
    if !has_default {
        let undocumented = ident(&n.undocumented);
        // A streamed operation's undocumented success answers come as they arrive too.
        let (body_ty, whole) = if streams(op) {
            (quote!(crate::Body), quote!(codegen_runtime::__private::buffered(body)))
        } else {
            (quote!(Vec<u8>), quote!(body))
        };
        variants.push(quote! {
            /// A status the spec does not document, with the body as received.
            #undocumented { status: http::StatusCode, headers: http::HeaderMap, body: #body_ty },
        });
        status_arms.push(quote!(Self::#undocumented { status, .. } => status.as_u16(),));
        header_arms.push(quote!(Self::#undocumented { headers, .. } => headers,));
        ok_arms.push(quote! {
            Self::#undocumented { status, headers, body } => {
                Err(codegen_runtime::__private::api_error(crate::VENDOR, status, headers, #whole).into())
            }
        });
    }
    let into_ok = ok_type.map(|ty| {
        quote! {
            /// The success body, or the answer as [`Error::Api`](crate::Error::Api) when
            /// the status is not a documented success.
            #[inline]
            pub fn into_ok(self) -> Result<#ty, crate::Error> {
                match self {
                    #(#ok_arms)*
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #response {
            #(#variants)*
        }

        impl #response {
            // `#[inline]`: these accessors are compiled only in crates that call them.

            /// The HTTP status of the response.
            #[inline]
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }

            /// The response headers.
            #[inline]
            pub fn headers(&self) -> &http::HeaderMap {
                match self {
                    #(#header_arms)*
                }
            }

            /// The request id the service assigned (`X-Request-Id`, or the vendor's own
            /// header), for support tickets.
            #[inline]
            pub fn request_id(&self) -> Option<String> {
                crate::VENDOR.request_id(self.headers())
            }

            #into_ok
        }
    }
}
