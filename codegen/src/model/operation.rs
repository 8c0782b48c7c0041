//! Operations: method, path template, parameters, request body and responses, with
//! `$ref`s to shared parameters and responses resolved and schemas turned into types.

use super::convert::{Converter, Place};
use super::{Docs, TypeRef};
use crate::diag::{child, pointer};
use crate::read::{self, Header, MediaType, Parameter, Response, Schema, SpecFile, StringList};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`, e.g. `CreateFunction` (the file name when the spec has none).
    pub id: String,
    /// Index into [`super::Model::files`].
    pub file: usize,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// Upper case: `GET`, `POST`, ...
    pub method: String,
    /// Path template with the file's `base_path` in front.
    pub path: Vec<PathPart>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The declared `Content-Type` of a `POST`, `PUT` or `PATCH` that has no body: sent
    /// anyway, as Huawei's SDKs send it.
    pub bodiless_content_type: Option<String>,
    pub responses: Vec<ResponseSpec>,
}

impl Operation {
    /// The path template as written in the spec, e.g. `/v2/{project_id}/fgs/functions`.
    pub fn path_template(&self) -> String {
        self.path
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => text.clone(),
                PathPart::Param(i) => format!("{{{}}}", self.params[*i].name),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// Index into [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire (`function_urn`, `X-Cff-Log-Type`, `marker`).
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub ty: TypeRef,
    pub docs: Docs,
    pub role: Role,
    /// How an array query value goes on the wire: as the spec declares it, until the
    /// service's `array_query` setting decides (see [`ArrayFormat`]).
    pub array_format: ArrayFormat,
}

/// How the elements of an array query parameter are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArrayFormat {
    /// One pair per element, `a=1&a=2`: `collectionFormat: multi`, OpenAPI 3.0 `form`
    /// with `explode: true` (its default), and what Huawei's SDKs send for every format.
    #[default]
    Repeat,
    /// One pair, elements joined by the separator: `,` for `csv` (Swagger 2.0's default)
    /// and OpenAPI 3.0 `explode: false`, ` ` for `ssv` and `spaceDelimited`, `\t` for
    /// `tsv`, `|` for `pipes` and `pipeDelimited`.
    Joined(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    /// A text field of the form body (Swagger `formData`).
    Form,
    /// A file field of the form body (`type: file`); the parameter's `ty` is unused.
    FormFile,
}

/// What fills a parameter: the caller, or the client's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A value of the request.
    Value,
    /// `{project_id}` / `X-Project-Id`: taken from the endpoint.
    ProjectId,
    /// Authentication headers (`X-Auth-Token`, ...): set by the credentials.
    Credentials,
    /// `Content-Type`: set from the body.
    ContentType,
    /// The bucket of an object storage request (a query parameter marked
    /// `x-location-cname`): a value of the request, sent in the host name
    /// (`{bucket}.obs.{region}...`) or, path-style, as the first path segment.
    Bucket,
    /// An object key (see the `object_key_parameters` setting): a path value whose `/`
    /// are sent as they are.
    ObjectKey,
    /// A required query parameter that can only be empty: a sub-resource of the
    /// operation (OBS's `?acl`, `?uploads`), always sent as a bare name.
    Flag,
    /// An optional query parameter that can only be empty (OBS's `?versions`): a `bool`
    /// of the request, sent as a bare name when true.
    Switch,
    /// A family of headers named `<prefix>xxx` or `<prefix>*` in the spec (OBS's
    /// `x-obs-meta-xxx`, the object's own metadata): a map of the request, one
    /// `<prefix><key>` header per entry.
    HeaderFamily,
}

/// The spec's ways of naming a family of headers: `x-obs-meta-xxx`, `x-obs-meta-*`.
const FAMILY_SUFFIXES: [&str; 2] = ["-xxx", "-*"];

/// The prefix of a family of headers (`x-obs-meta-`), for a name that is one.
fn family_prefix(name: &str) -> Option<&str> {
    FAMILY_SUFFIXES.iter().find_map(|suffix| {
        let stem = name.len().checked_sub(suffix.len() - 1).filter(|_| name.len() > suffix.len())?;
        name.get(stem - 1..)
            .filter(|tail| tail.eq_ignore_ascii_case(suffix))
            .map(|_| &name[..stem])
    })
}

impl Param {
    /// The prefix of a [`Role::HeaderFamily`] parameter's headers (`x-obs-meta-`).
    pub fn family_prefix(&self) -> &str {
        family_prefix(&self.name).unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Media type sent as `Content-Type`.
    pub media_type: String,
    pub kind: BodyKind,
    pub required: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// JSON of a known type.
    Json(TypeRef),
    /// XML (`application/xml`, `text/xml`, `+xml`) of a known struct type: a named one
    /// (a definition, or an inline object).
    Xml(TypeRef),
    /// Raw bytes held in memory: text, XML without an object schema, or JSON without a
    /// schema.
    Bytes,
    /// A file (an octet stream, a zip, an image, `type: file`, `format: binary`): a
    /// `Body` that is read while it is sent, and handed over as it arrives.
    Binary,
    /// A form (`multipart/form-data` or `application/x-www-form-urlencoded`) encoded from
    /// the operation's [`Location::Form`] and [`Location::FormFile`] parameters; the
    /// request carries no body field of its own.
    Form,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSpec {
    pub status: Status,
    pub docs: Docs,
    pub body: Option<BodyKind>,
    /// Documented response headers (names as in the spec).
    pub headers: Vec<ResponseHeader>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `2XX`, `4XX`, ...: any status of that class.
    Class(u16),
    /// `default`: any other status.
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    pub name: String,
    pub docs: Docs,
}

/// Header parameters that credentials set; request types do not carry them. A declared
/// `Authorization` is carried: operations that declare it authenticate with it (an
/// identity provider's token), and the runtime leaves requests that carry it unsigned.
/// Headers the credentials' signer sets. `Authorization` is always the signer's: a spec
/// that lists it (OBS lists it as required) documents the signature, not a value to give.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "x-auth-token", "x-sdk-date", "x-security-token"];

impl Converter<'_> {
    pub(super) fn operations_of(&mut self, file: usize) -> Vec<Operation> {
        let spec = &self.files[file];
        let mut out = Vec::new();
        for (path, item) in &spec.document.paths {
            for (method, op) in item.operations() {
                let op_pointer = pointer(&["paths", path, method]);
                let shared = item.parameters.as_deref().unwrap_or(&[]);
                out.extend(self.operation(file, path, method, op, shared, op_pointer));
            }
        }
        out
    }

    fn operation(
        &mut self,
        file: usize,
        path: &str,
        method: &str,
        op: &read::Operation,
        shared: &[Parameter],
        op_pointer: String,
    ) -> Option<Operation> {
        let spec: &SpecFile = &self.files[file];
        // A request part that cannot be typed leaves the whole operation out.
        let degraded_before = self.degraded.len();
        let mut untyped = false;
        let id = op
            .operation_id
            .clone()
            .filter(|id| !id.trim().is_empty())
            .unwrap_or_else(|| spec.stem.clone());
        let consumes = op
            .consumes
            .as_ref()
            .or(spec.document.consumes.as_ref())
            .and_then(|c| c.first().map(str::to_owned));
        let mut params: Vec<Param> = Vec::new();
        let mut body = None;
        let mut content_type_default = None;

        // Path-level parameters first; an operation's own one with the same name and
        // location replaces it.
        let mut all: Vec<(String, &Parameter)> = Vec::new();
        for (i, p) in shared.iter().enumerate() {
            all.push((pointer(&["paths", path, "parameters", &i.to_string()]), p));
        }
        for (i, p) in op.parameters.iter().enumerate() {
            all.push((child(&child(&op_pointer, "parameters"), &i.to_string()), p));
        }
        let mut resolved: Vec<(String, Parameter)> = Vec::new();
        for (at, p) in all {
            let Some((at, p)) = self.resolve_parameter(file, &at, p) else {
                untyped = true;
                continue;
            };
            resolved.retain(|(_, q)| !(q.name == p.name && q.location == p.location));
            resolved.push((at, p));
        }

        for (at, p) in &resolved {
            let name = p.name.clone().unwrap_or_default();
            let location = p.location.as_deref().unwrap_or("");
            match location {
                "body" => {
                    let schema = p.schema.clone().unwrap_or_default();
                    let media = consumes.clone().unwrap_or_else(|| "application/json".to_owned());
                    // A form whose fields the schema's properties describe.
                    if let Some(fields) = self.form_fields(file, &child(at, "schema"), &schema, &media, &id) {
                        params.extend(fields);
                        body = Some(form_body(media, p.description.clone()));
                        continue;
                    }
                    let hint = vec![id.clone(), "RequestBody".to_owned()];
                    let place = self.op_place(file, child(at, "schema"), &hint);
                    let media = consumes.clone().unwrap_or_else(|| "application/json".to_owned());
                    let before = self.degraded.len();
                    let kind = self.body_kind(&schema, &media, &place);
                    untyped |= self.degraded.len() > before && kind == BodyKind::Json(TypeRef::Any);
                    body = Some(Body {
                        media_type: media,
                        kind,
                        required: p.required.unwrap_or(false),
                        docs: Docs {
                            description: p.description.clone(),
                            notes: Vec::new(),
                        },
                    });
                }
                "formData" if name.is_empty() => {
                    self.error(file, at, "form field without a `name`; it cannot be sent".to_owned());
                }
                "formData" => {
                    // One request field per form field; the runtime encodes them as the body.
                    let schema = parameter_schema(p);
                    let (is_file, is_files) = (is_file_schema(&schema), schema.items.as_deref().is_some_and(is_file_schema));
                    let ty = if is_files {
                        TypeRef::Array(Box::new(TypeRef::String))
                    } else if is_file {
                        TypeRef::String
                    } else {
                        let hint = vec![id.clone(), name.clone()];
                        let place = self.op_place(file, at.clone(), &hint);
                        let before = self.degraded.len();
                        let ty = self.parameter_type(&schema, &place);
                        untyped |= self.degraded.len() > before;
                        ty
                    };
                    let mut docs = Docs::from_schema(&schema);
                    docs.description = p.description.clone().filter(|d| !d.trim().is_empty());
                    params.push(Param {
                        name,
                        location: if is_file || is_files { Location::FormFile } else { Location::Form },
                        required: p.required.unwrap_or(false),
                        ty,
                        docs,
                        role: Role::Value,
                        array_format: ArrayFormat::Repeat,
                    });
                    if body.is_none() {
                        let media = consumes.clone().filter(|m| !m.trim().is_empty());
                        body = Some(Body {
                            media_type: media.unwrap_or_else(|| "multipart/form-data".to_owned()),
                            kind: BodyKind::Form,
                            required: true,
                            docs: Docs::default(),
                        });
                    }
                }
                "path" | "query" | "header" if name.is_empty() => {
                    self.error(file, at, "parameter without a `name`; it cannot be sent".to_owned());
                }
                "path" | "query" | "header" => {
                    let location = match location {
                        "path" => Location::Path,
                        "query" => Location::Query,
                        _ => Location::Header,
                    };
                    let mut role = role_of(&name, location);
                    let only_empty = p.max_length.as_ref().and_then(Value::as_u64) == Some(0);
                    if location == Location::Query && p.extensions.get("x-location-cname") == Some(&Value::Bool(true)) {
                        role = Role::Bucket;
                    } else if location == Location::Query && only_empty {
                        role = if p.required.unwrap_or(false) { Role::Flag } else { Role::Switch };
                    } else if location == Location::Header && family_prefix(&name).is_some() {
                        role = Role::HeaderFamily;
                    }
                    if role == Role::ContentType {
                        content_type_default = p.default.as_ref().and_then(Value::as_str).map(str::to_owned);
                    }
                    let schema = parameter_schema(p);
                    let hint = vec![id.clone(), name.clone()];
                    let place = self.op_place(file, at.clone(), &hint);
                    let before = self.degraded.len();
                    let ty = match role {
                        Role::Switch => TypeRef::Bool,
                        Role::HeaderFamily => TypeRef::Map(Box::new(TypeRef::String)),
                        _ => self.parameter_type(&schema, &place),
                    };
                    untyped |= self.degraded.len() > before;
                    let mut docs = Docs::from_schema(&schema);
                    docs.description = p.description.clone().filter(|d| !d.trim().is_empty());
                    if role == Role::Switch {
                        docs.notes.push(format!("`true` sends `?{name}` (a bare name: the parameter takes no value)."));
                    }
                    if role == Role::HeaderFamily {
                        let prefix = family_prefix(&name).unwrap_or(&name);
                        docs.notes.push(format!("Each entry is sent as a header `{prefix}<key>: <value>` (the spec's `{name}`)."));
                    }
                    params.push(Param {
                        name,
                        location,
                        required: p.required.unwrap_or(false) || location == Location::Path,
                        ty,
                        docs,
                        role,
                        array_format: declared_array_format(p),
                    });
                }
                other => {
                    let message = format!("parameter location `{other}` is not supported; parameter skipped");
                    self.warning(file, &child(at, "in"), message);
                }
            }
        }

        if let Some(request_body) = &op.request_body {
            let at = child(&op_pointer, "requestBody");
            let resolved = self.resolve_request_body(file, &at, request_body);
            untyped |= resolved.is_none();
            // An OpenAPI 3 form body: its schema's properties are the fields.
            let form = resolved.as_ref().and_then(|rb| {
                rb.content.iter().find_map(|(media, entry)| {
                    let at = child(&child(&at, "content"), media);
                    let fields = self.form_fields(file, &child(&at, "schema"), entry.schema.as_ref()?, media, &id)?;
                    Some((media.clone(), fields, rb.description.clone()))
                })
            });
            if let Some((media, fields, description)) = form {
                params.extend(fields);
                body = Some(form_body(media, description));
            } else if let Some(rb) = resolved {
                let hint = vec![id.clone(), "RequestBody".to_owned()];
                let before = self.degraded.len();
                let content = self.content_kind(file, &child(&at, "content"), &rb.content, &hint);
                untyped |= self.degraded.len() > before
                    && matches!(&content, Some((_, BodyKind::Json(TypeRef::Any))));
                if let Some((media, kind)) = content {
                    body = Some(Body {
                        media_type: media,
                        kind,
                        required: rb.required.unwrap_or(false),
                        docs: Docs {
                            description: rb.description.clone(),
                            notes: Vec::new(),
                        },
                    });
                }
            }
        }
        if let (Some(body), Some(default)) = (&mut body, content_type_default)
            && matches!(body.kind, BodyKind::Json(_))
            && default.contains("json")
        {
            body.media_type = default;
        }

        if untyped {
            for degradation in &mut self.degraded[degraded_before..] {
                degradation.outcome = crate::diag::Outcome::LeftOut(id.clone());
            }
            return None;
        }
        let method = method.to_ascii_uppercase();
        let bodiless_content_type = consumes
            .filter(|_| body.is_none() && matches!(method.as_str(), "POST" | "PUT" | "PATCH"));
        let responses = self.responses(file, &op_pointer, op, &id);
        let path_parts = self.path_parts(file, &op_pointer, &spec_base_path(spec), path, &mut params);
        Some(Operation {
            id,
            file,
            pointer: op_pointer,
            method,
            path: path_parts,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated.unwrap_or(false),
            params,
            body,
            bodiless_content_type,
            responses,
        })
    }

    fn op_place<'h>(&self, file: usize, at: String, hint: &'h [String]) -> Place<'h> {
        Place {
            file,
            pointer: at,
            hint,
            parent: None,
            depth: 0,
        }
    }

    /// Parameters are scalars, enums or lists of them on the wire; anything else is
    /// sent as its text.
    /// The fields of a form body (`multipart/form-data`, `application/x-www-form-urlencoded`)
    /// whose schema is an object: one per property, a file where the property is one.
    /// `None` when the media type is not a form, or a property cannot be a form field (a
    /// nested object, or a file in a url-encoded form): the body then stays as it was.
    fn form_fields(&mut self, file: usize, at: &str, schema: &Schema, media: &str, id: &str) -> Option<Vec<Param>> {
        let media_lower = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let multipart = media_lower == "multipart/form-data";
        if !multipart && media_lower != "application/x-www-form-urlencoded" {
            return None;
        }
        let (object, at) = match &schema.reference {
            Some(reference) => (self.lookup_schema(file, reference)?.clone(), at.to_owned()),
            None => (schema.clone(), at.to_owned()),
        };
        let properties = object.properties.as_ref().filter(|p| !p.is_empty())?;
        let resolve = |this: &Self, s: &Schema| match &s.reference {
            Some(reference) if !is_file_schema(s) => this.lookup_schema(file, reference).cloned().unwrap_or_else(|| s.clone()),
            _ => s.clone(),
        };
        let scalar = |s: &Schema| matches!(s.primary_type(), Some("string" | "integer" | "number" | "boolean"));
        let mut fields = Vec::new();
        for (name, property) in properties {
            let property = resolve(self, property);
            let items = property.items.as_deref().map(|i| resolve(self, i));
            let is_file = is_file_schema(&property);
            let is_files = items.as_ref().is_some_and(is_file_schema);
            let fits = if is_file || is_files {
                multipart
            } else {
                scalar(&property) || items.as_ref().is_some_and(scalar)
            };
            if !fits {
                return None;
            }
            let pointer = child(&child(&at, "properties"), name);
            let ty = if is_files {
                TypeRef::Array(Box::new(TypeRef::String))
            } else if is_file {
                TypeRef::String
            } else {
                let hint = vec![id.to_owned(), name.clone()];
                let place = self.op_place(file, pointer, &hint);
                self.parameter_type(&property, &place)
            };
            let mut docs = Docs::from_schema(&property);
            docs.description = property.description.clone().filter(|d| !d.trim().is_empty());
            fields.push(Param {
                name: name.clone(),
                location: if is_file || is_files { Location::FormFile } else { Location::Form },
                required: object.required_names().contains(name) || property.required_flag(),
                ty,
                docs,
                role: Role::Value,
                array_format: ArrayFormat::Repeat,
            });
        }
        Some(fields)
    }

    fn parameter_type(&mut self, schema: &Schema, place: &Place<'_>) -> TypeRef {
        let ty = match self.type_ref(schema, place) {
            TypeRef::Array(item) => TypeRef::Array(Box::new(self.aliased(*item))),
            other => self.aliased(other),
        };
        let scalar = |t: &TypeRef, this: &Self| match t {
            TypeRef::Named(id) => this.is_enum(id.0),
            TypeRef::Any | TypeRef::Map(_) | TypeRef::Array(_) => false,
            _ => true,
        };
        let ok = match &ty {
            TypeRef::Array(inner) => scalar(inner, self),
            other => scalar(other, self),
        };
        if ok {
            ty
        } else {
            self.warning(
                place.file,
                &place.pointer,
                "parameter of a structured type; it is sent as text".to_owned(),
            );
            TypeRef::String
        }
    }

    fn body_kind(&mut self, schema: &Schema, media: &str, place: &Place<'_>) -> BodyKind {
        if is_binary(schema, media) {
            return BodyKind::Binary;
        }
        if is_xml(media) && schema.primary_type() != Some("file") {
            return self.xml_body(schema, place);
        }
        if !is_json(media) || schema.primary_type() == Some("file") {
            return BodyKind::Bytes;
        }
        BodyKind::Json(self.type_ref(schema, place))
    }

    /// An XML body typed by its schema when that is an object (a `$ref` to an object
    /// definition, or an inline object with properties); raw bytes otherwise, as XML
    /// has no standard form for a bare list or scalar.
    fn xml_body(&mut self, schema: &Schema, place: &Place<'_>) -> BodyKind {
        let object = schema.reference.is_some() || (super::convert::is_object_like(schema) && super::convert::has_properties(schema));
        if !object {
            return BodyKind::Bytes;
        }
        let ty = self.type_ref(schema, place);
        match self.aliased(ty) {
            TypeRef::Named(id) if matches!(self.locals.get(id.0).map(|l| &l.kind), Some(super::TypeKind::Struct(_))) => {
                BodyKind::Xml(TypeRef::Named(id))
            }
            _ => BodyKind::Bytes,
        }
    }

    /// The body type of an OpenAPI 3.0 `content` map: the first JSON media type with a
    /// schema, else the first media type as bytes.
    fn content_kind(
        &mut self,
        file: usize,
        at: &str,
        content: &indexmap::IndexMap<String, MediaType>,
        hint: &[String],
    ) -> Option<(String, BodyKind)> {
        if let Some((media, entry)) = content.iter().find(|(m, e)| is_json(m) && e.schema.is_some()) {
            let place = self.op_place(file, child(&child(at, media), "schema"), hint);
            let schema = entry.schema.clone().unwrap_or_default();
            let kind = self.body_kind(&schema, media, &place);
            return Some((media.clone(), kind));
        }
        content.iter().next().map(|(media, entry)| {
            let binary = is_binary(entry.schema.as_ref().unwrap_or(&Schema::default()), media);
            (media.clone(), if binary { BodyKind::Binary } else { BodyKind::Bytes })
        })
    }

    fn responses(&mut self, file: usize, op_pointer: &str, op: &read::Operation, id: &str) -> Vec<ResponseSpec> {
        let spec = &self.files[file];
        let produces = op
            .produces
            .as_ref()
            .or(spec.document.produces.as_ref())
            .and_then(StringList::first)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                // A service that declares no answer media but takes XML answers XML
                // (OBS's specs declare `consumes` only).
                let consumes = op.consumes.as_ref().or(spec.document.consumes.as_ref()).and_then(StringList::first);
                match consumes {
                    Some(media) if is_xml(media) => media.to_owned(),
                    _ => "application/json".to_owned(),
                }
            });
        let mut out = Vec::new();
        for (code, response) in &op.responses.by_status {
            let at = child(&child(op_pointer, "responses"), code);
            let status = match parse_status(code) {
                Some(status) => status,
                None => {
                    self.warning(file, &at, format!("status `{code}` is not a status code; response skipped"));
                    continue;
                }
            };
            let Some(response) = self.resolve_response(file, &at, response) else {
                continue;
            };
            let hint = vec![id.to_owned(), "Response".to_owned(), code.clone()];
            let body = if let Some(schema) = &response.schema {
                let place = self.op_place(file, child(&at, "schema"), &hint);
                Some(self.body_kind(schema, &produces, &place))
            } else if let Some(content) = &response.content {
                self.content_kind(file, &child(&at, "content"), content, &hint)
                    .map(|(_, kind)| kind)
            } else {
                None
            };
            let headers = response
                .headers
                .iter()
                .flatten()
                .map(|(name, header)| ResponseHeader {
                    name: name.clone(),
                    docs: header_docs(header),
                })
                .collect();
            let notes = match response.extensions.get(crate::read::NOTE_KEY) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|c| format!("Corrected from the vendor's spec: {c}."))
                    .collect(),
                _ => Vec::new(),
            };
            out.push(ResponseSpec {
                status,
                docs: Docs {
                    description: response.description.clone().filter(|d| !d.trim().is_empty()),
                    notes,
                },
                body,
                headers,
            });
        }
        out.sort_by(|a, b| a.status.cmp(&b.status));
        out
    }

    /// Splits the path template into literals and parameters; every `{name}` must be a
    /// path parameter, and every path parameter must appear.
    fn path_parts(
        &mut self,
        file: usize,
        op_pointer: &str,
        base: &str,
        path: &str,
        params: &mut Vec<Param>,
    ) -> Vec<PathPart> {
        let full = format!("{}{}", base.trim_end_matches('/'), path);
        let mut parts = Vec::new();
        let mut rest = full.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            match params.iter().position(|p| p.location == Location::Path && p.name == name) {
                Some(i) => parts.push(PathPart::Param(i)),
                None => {
                    // Undeclared: treat it as a required string parameter and say so.
                    self.warning(
                        file,
                        op_pointer,
                        format!("path template names `{{{name}}}` but no path parameter declares it; added as a string"),
                    );
                    params.push(Param {
                        name: name.to_owned(),
                        location: Location::Path,
                        required: true,
                        ty: TypeRef::String,
                        docs: Docs::default(),
                        role: role_of(name, Location::Path),
                        array_format: ArrayFormat::Repeat,
                    });
                    parts.push(PathPart::Param(params.len() - 1));
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        // `projects/{project_id}` names the project acted on (IAM's `/v3/projects/{project_id}`):
        // the caller's value, not the endpoint's.
        for (at, part) in parts.iter().enumerate() {
            if let PathPart::Param(i) = part
                && params[*i].role == Role::ProjectId
                && at > 0
                && matches!(&parts[at - 1], PathPart::Literal(text) if names_a_project(text))
            {
                params[*i].role = Role::Value;
            }
        }
        let unused: Vec<String> = params
            .iter()
            .enumerate()
            .filter(|(i, p)| p.location == Location::Path && !parts.contains(&PathPart::Param(*i)))
            .map(|(_, p)| p.name.clone())
            .collect();
        for name in unused {
            self.warning(
                file,
                op_pointer,
                format!("path parameter `{name}` does not appear in the path template; it is not sent"),
            );
        }
        parts
    }

    fn resolve_parameter(&mut self, file: usize, at: &str, p: &Parameter) -> Option<(String, Parameter)> {
        let Some(reference) = &p.reference else {
            return Some((at.to_owned(), p.clone()));
        };
        let doc = &self.files[file].document;
        let found = if let Some(name) = reference.strip_prefix("#/parameters/") {
            doc.parameters.as_ref().and_then(|m| m.get(&unescape(name))).map(|p| (pointer(&["parameters", &unescape(name)]), p))
        } else if let Some(name) = reference.strip_prefix("#/components/parameters/") {
            doc.components
                .as_ref()
                .and_then(|c| c.parameters.as_ref())
                .and_then(|m| m.get(&unescape(name)))
                .map(|p| (pointer(&["components", "parameters", &unescape(name)]), p))
        } else {
            None
        };
        let found = found.map(|(target, p)| (target, p.clone()));
        self.ref_target(file, at, reference, found, |(_, p)| p.reference.is_some(), "a parameter")
    }

    fn resolve_request_body(&mut self, file: usize, at: &str, rb: &read::RequestBody) -> Option<read::RequestBody> {
        let Some(reference) = &rb.reference else {
            return Some(rb.clone());
        };
        let found = reference.strip_prefix("#/components/requestBodies/").and_then(|name| {
            self.files[file]
                .document
                .components
                .as_ref()?
                .request_bodies
                .as_ref()?
                .get(&unescape(name))
                .cloned()
        });
        self.ref_target(file, at, reference, found, |b| b.reference.is_some(), "a request body")
    }

    fn resolve_response(&mut self, file: usize, at: &str, response: &Response) -> Option<Response> {
        let Some(reference) = &response.reference else {
            return Some(response.clone());
        };
        let doc = &self.files[file].document;
        let found = if let Some(name) = reference.strip_prefix("#/responses/") {
            doc.responses.as_ref().and_then(|m| m.get(&unescape(name))).cloned()
        } else if self.lookup_schema(file, reference).is_some() {
            // The catalogue also points a response at a definition: that is its body.
            Some(Response {
                schema: Some(Schema {
                    reference: Some(reference.clone()),
                    ..Schema::default()
                }),
                ..Response::default()
            })
        } else if let Some(name) = reference.strip_prefix("#/components/responses/") {
            doc.components
                .as_ref()
                .and_then(|c| c.responses.as_ref())
                .and_then(|m| m.get(&unescape(name)))
                .cloned()
        } else {
            None
        };
        let response = self.ref_target(file, at, reference, found, |r| r.reference.is_some(), "a response");
        // A response that points nowhere still has a status; its body is raw JSON.
        Some(response.unwrap_or_else(|| Response {
            schema: Some(Schema::default()),
            ..Response::default()
        }))
    }

    /// The target of a `$ref` found at `at`, or a degradation: a missing target, or one
    /// that is itself a `$ref` (chains are not followed, so loops cannot arise).
    fn ref_target<T>(
        &mut self,
        file: usize,
        at: &str,
        reference: &str,
        found: Option<T>,
        is_ref: impl Fn(&T) -> bool,
        kind: &str,
    ) -> Option<T> {
        let message = match &found {
            Some(target) if !is_ref(target) => return found,
            Some(_) => format!("`$ref` to `{reference}`, which is itself a `$ref`; chains of refs are not supported"),
            None => format!("`$ref` to `{reference}`, which the file does not define as {kind}"),
        };
        self.degrade(file, &child(at, "$ref"), message);
        None
    }
}

/// Whether the path text before a `{project_id}` ends in a collection of projects
/// (`/projects/`, `/project/`), so that the parameter names a project rather than scopes
/// the request.
fn names_a_project(before: &str) -> bool {
    let segment = before.strip_suffix('/').unwrap_or(before).rsplit('/').next().unwrap_or("");
    segment.eq_ignore_ascii_case("projects") || segment.eq_ignore_ascii_case("project")
}

/// The array format a parameter declares: Swagger 2.0 `collectionFormat` (default `csv`),
/// or OpenAPI 3.0 `style`/`explode` (a parameter with a `schema`; default `form`, exploded).
fn declared_array_format(p: &Parameter) -> ArrayFormat {
    let joined = |format: &str| match format {
        "multi" => Some(ArrayFormat::Repeat),
        "csv" => Some(ArrayFormat::Joined(",")),
        "ssv" | "spaceDelimited" => Some(ArrayFormat::Joined(" ")),
        "tsv" => Some(ArrayFormat::Joined("\t")),
        "pipes" | "pipeDelimited" => Some(ArrayFormat::Joined("|")),
        _ => None,
    };
    if p.schema.is_some() {
        return match (p.style.as_deref().unwrap_or("form"), p.explode) {
            ("form", Some(false)) => ArrayFormat::Joined(","),
            ("spaceDelimited" | "pipeDelimited", _) => joined(p.style.as_deref().unwrap_or("")).unwrap_or_default(),
            _ => ArrayFormat::Repeat,
        };
    }
    joined(p.collection_format.as_deref().unwrap_or("csv")).unwrap_or(ArrayFormat::Joined(","))
}

fn role_of(name: &str, location: Location) -> Role {
    let lower = name.to_ascii_lowercase();
    match location {
        Location::Path if lower == "project_id" => Role::ProjectId,
        Location::Header if lower == "x-project-id" => Role::ProjectId,
        Location::Header if lower == "content-type" => Role::ContentType,
        Location::Header if CREDENTIAL_HEADERS.contains(&lower.as_str()) => Role::Credentials,
        _ => Role::Value,
    }
}

/// Swagger 2.0 parameters carry their type inline; OpenAPI 3.0 ones in `schema`.
pub(super) fn parameter_schema(p: &Parameter) -> Schema {
    if let Some(schema) = &p.schema {
        return schema.clone();
    }
    Schema {
        type_name: p.type_name.clone(),
        format: p.format.clone(),
        items: p.items.clone(),
        enum_values: p.enum_values.clone(),
        default: p.default.clone(),
        minimum: p.minimum.clone(),
        maximum: p.maximum.clone(),
        min_length: p.min_length.clone(),
        max_length: p.max_length.clone(),
        pattern: p.pattern.clone(),
        ..Schema::default()
    }
}

fn header_docs(header: &Header) -> Docs {
    Docs {
        description: header.description.clone().filter(|d| !d.trim().is_empty()),
        notes: Vec::new(),
    }
}

fn spec_base_path(spec: &SpecFile) -> String {
    spec.document.base_path.clone().unwrap_or_default()
}

/// Whether a body is a file: `type: file`, `format: binary`, or a media type of files
/// (octet streams, archives, images, audio, video, PDF). Text, XML and JSON are not.
fn is_binary(schema: &Schema, media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let file_media = media == "application/octet-stream"
        || media == "application/pdf"
        || media == "application/force-download"
        || ["zip", "gzip", "x-tar", "x-7z-compressed", "x-rar-compressed", "x-msdownload", "x-download"]
            .iter()
            .any(|kind| media == format!("application/{kind}") || media.starts_with(&format!("application/{kind}-")))
        || ["image/", "audio/", "video/"].iter().any(|prefix| media.starts_with(prefix));
    file_media || schema.primary_type() == Some("file") || schema.format.as_deref() == Some("binary")
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == "application/json" || media.ends_with("+json") || media == "*/*" || media.is_empty()
}

/// `application/xml`, `text/xml` and `+xml` types (`application/atom+xml`).
pub fn is_xml(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == "application/xml" || media == "text/xml" || media.ends_with("+xml")
}

fn parse_status(code: &str) -> Option<Status> {
    if code == "default" {
        return Some(Status::Default);
    }
    if let Ok(n) = code.parse::<u16>() {
        return (100..=599).contains(&n).then_some(Status::Code(n));
    }
    let bytes = code.as_bytes();
    if bytes.len() == 3 && bytes[0].is_ascii_digit() && code[1..].eq_ignore_ascii_case("xx") {
        return Some(Status::Class(u16::from(bytes[0] - b'0')));
    }
    None
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The body of a form whose fields are the operation's form parameters.
fn form_body(media_type: String, description: Option<String>) -> Body {
    Body {
        media_type,
        kind: BodyKind::Form,
        required: true,
        docs: Docs {
            description,
            notes: Vec::new(),
        },
    }
}

/// Whether a form field's schema is a file: `type: file`, or a `$ref` to a definition
/// named `MultipartFile` (Spring's type, which some services' specs name for their file
/// parts, e.g. HSS `BatchUploadFiles`).
fn is_file_schema(schema: &Schema) -> bool {
    schema.primary_type() == Some("file")
        || (schema.primary_type() == Some("string") && schema.format.as_deref() == Some("binary"))
        || schema.reference.as_deref().is_some_and(|r| r.rsplit('/').next() == Some("MultipartFile"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_id_after_projects_names_a_project() {
        for before in ["/v3/projects/", "/v3.0/OS-AGENCY/projects/", "/api/v3/Projects/", "/v1/project/"] {
            assert!(names_a_project(before), "{before}");
        }
        for before in ["/v2/", "/", "/v2/kafka/", "/autoscaling-api/v1/", "/v1/myprojects/"] {
            assert!(!names_a_project(before), "{before}");
        }
    }

    #[test]
    fn declared_array_formats() {
        let swagger = |format: Option<&str>| Parameter {
            collection_format: format.map(str::to_owned),
            ..Parameter::default()
        };
        assert_eq!(declared_array_format(&swagger(None)), ArrayFormat::Joined(","));
        assert_eq!(declared_array_format(&swagger(Some("multi"))), ArrayFormat::Repeat);
        assert_eq!(declared_array_format(&swagger(Some("pipes"))), ArrayFormat::Joined("|"));
        assert_eq!(declared_array_format(&swagger(Some("tsv"))), ArrayFormat::Joined("\t"));
        let openapi = |style: Option<&str>, explode: Option<bool>| Parameter {
            schema: Some(Schema::default()),
            style: style.map(str::to_owned),
            explode,
            ..Parameter::default()
        };
        assert_eq!(declared_array_format(&openapi(None, None)), ArrayFormat::Repeat);
        assert_eq!(declared_array_format(&openapi(Some("form"), Some(false))), ArrayFormat::Joined(","));
        assert_eq!(declared_array_format(&openapi(Some("spaceDelimited"), Some(false))), ArrayFormat::Joined(" "));
    }
}


#[cfg(test)]
mod family_tests {
    use super::family_prefix;

    #[test]
    fn families_of_headers() {
        assert_eq!(family_prefix("x-obs-meta-xxx"), Some("x-obs-meta-"));
        assert_eq!(family_prefix("x-obs-meta-*"), Some("x-obs-meta-"));
        assert_eq!(family_prefix("X-Obs-Meta-XXX"), Some("X-Obs-Meta-"));
        for other in ["xxx", "-xxx", "x-obs-acl", "*", "-*", "x-auth-token"] {
            assert_eq!(family_prefix(other), None, "{other}");
        }
    }
}
