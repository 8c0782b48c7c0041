//! Stage 2, model: typed documents → an intermediate representation with every ref
//! resolved, identical definitions merged across files, and recursion marked.
//!
//! Nothing here knows Rust syntax; names are only hints (the spec's own words) that the
//! `names` stage turns into identifiers.

mod convert;
mod cycles;
mod dedupe;
mod docs;
mod operation;
mod waiter;
pub mod pagination;

pub use docs::{code_span, Docs};
pub use operation::{
    ArrayFormat, Body, BodyKind, Location, Operation, Param, PathPart, ResponseHeader, ResponseSpec,
    Role, Status,
};
pub use waiter::{job_starters, relax_failure_fields, waiters, Starter, Waiters};

use crate::diag::{Degradation, Diagnostics};
pub use crate::read::XmlHint;
use crate::read::SpecFile;

/// Index of a type in [`Model::types`]; stable for a given set of specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// Everything the later stages need, free of spec syntax.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Spec file stems in processing (sorted) order; [`TypeDef::files`] indexes this.
    pub files: Vec<String>,
    pub types: Vec<TypeDef>,
    /// Operations in file order, then path and method order within a file.
    pub operations: Vec<Operation>,
    /// How each operation pages, by index into `operations`; empty until classified
    /// (see [`pagination::classify`]).
    pub pagination: Vec<pagination::Paging>,
}

impl Model {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The root element of an XML document of type `id`, as [`XmlRoot`] describes.
    pub fn xml_root(&self, id: TypeId) -> XmlRoot {
        let ty = self.get(id);
        // Only definitions are named after their spec name; an inline type's hint starts
        // with its operation's id.
        let definition = ty.owner.is_none() && ty.hint.len() == 1 && ty.pointer.contains("definitions");
        let generated_name = ty.hint.first().is_some_and(|n| n.ends_with("ResponseBody") || n.ends_with("RequestBody"));
        let namespace = ty.xml.namespace.clone();
        let prefix = ty.xml.prefix.clone().filter(|_| namespace.is_some());
        if let Some(name) = &ty.xml.name {
            return XmlRoot { name: Some(name.clone()), namespace, prefix, document: false };
        }
        if definition && !generated_name {
            return XmlRoot { name: ty.hint.first().cloned(), namespace, prefix, document: false };
        }
        // `GetBucketCorsResponseBody { CORSConfiguration: SetBucketCorsRequestBody }`,
        // where that definition's `xml.name` is `CORSConfiguration`: the type is the
        // document, and its one property the root element.
        if let TypeKind::Struct(def) = &ty.kind
            && let [field] = def.fields.as_slice()
            && !field.xml.attribute
            && let TypeRef::Named(target) = &field.ty
            && let element = field.xml.name.as_ref().unwrap_or(&field.json_name)
            && self.get(*target).xml.name.as_ref() == Some(element)
        {
            return XmlRoot { name: Some(element.clone()), namespace: None, prefix: None, document: true };
        }
        XmlRoot { name: None, namespace, prefix, document: false }
    }

    /// The top-level type whose module holds `id` (itself for definitions).
    pub fn root_of(&self, id: TypeId) -> TypeId {
        let mut current = id;
        // Owner chains are acyclic by construction (an inline type is created by its
        // parent); the bound only guards against a bug turning into a hang.
        for _ in 0..self.types.len() {
            match self.types[current.0].owner {
                Some(owner) => current = owner,
                None => break,
            }
        }
        current
    }
}

/// One Rust type to be.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Words to name it by: the definition name, then property names for inline types
    /// (`["CreateFunctionRequestBody", "runtime"]`).
    pub hint: Vec<String>,
    /// For an inline type standing for identical inline schemas under several parents: the
    /// property words all of them share (`["runtime"]`, `["tags", "item"]`), if they do.
    /// Such a type has no owner (it gets a module of its own).
    pub shared_hint: Option<Vec<String>>,
    /// 0 for the variant of this hint used by the most files; 1, 2, ... for other variants
    /// of a same-name definition that differs between files.
    pub variant: usize,
    /// Indices into [`Model::files`] of the files that define this type, ascending.
    pub files: Vec<usize>,
    /// JSON pointer of the schema in the first of `files`.
    pub pointer: String,
    /// For inline types: the type whose schema contains this one.
    pub owner: Option<TypeId>,
    pub docs: Docs,
    pub kind: TypeKind,
    /// The schema's `xml` object: for a definition, its root element's name and namespace.
    pub xml: XmlHint,
}

/// The root element of an XML body.
///
/// Swagger's rule names it after the definition's `xml.name`, else the definition's name.
/// A definition named `…ResponseBody` or `…RequestBody` without `xml.name` is the
/// catalogue's generated name for a body whose root the spec only shows in its examples
/// (OBS's `GetBucketAclResponseBody` is `<AccessControlPolicy>`, and its answer of
/// `GetBucketCors`, named `GetBucketCorsRequestBody`, `<CORSConfiguration>`), so its root
/// is not checked on input (`name` is `None`) and is written with the type's name, as the
/// official SDK writes a body without `xml_name`; the same goes for bodies described
/// inline. Such a definition whose one property is a definition named (by `xml.name`)
/// like the property stands for the whole document (OBS's
/// `GetBucketTaggingResponseBody { Tagging }`): that property is the root element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlRoot {
    /// The element's name; `None`: any on input.
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// Only with a namespace.
    pub prefix: Option<String>,
    /// The type is the document, holding the root element as its one property.
    pub document: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with named properties, in spec order.
    Struct(StructDef),
    /// A closed list of values in the spec, open in the generated type.
    Enum(EnumDef),
    /// A definition that is not an object: an array, a map or a primitive.
    Alias(TypeRef),
    /// An array or map definition that contains itself: a type alias cannot be recursive,
    /// so it becomes a transparent one-field struct.
    Newtype(TypeRef),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// Value type of `additionalProperties` when the object also has properties.
    pub additional: Option<TypeRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub json_name: String,
    pub ty: TypeRef,
    pub required: bool,
    /// Set by the cycle pass when the field's type contains the struct itself.
    pub boxed: bool,
    /// The service may send `null` (`nullable: true` or `x-nullable: true`): kept apart
    /// from an absent value so that it is sent back as `null`.
    pub nullable: bool,
    pub docs: Docs,
    /// The property's `xml` object: its element or attribute name, wrapping, namespace.
    pub xml: XmlHint,
    /// For an array: the name of its item elements when the items say (`items.xml.name`,
    /// or for a wrapped list the `xml.name` of the definition they refer to).
    pub xml_item: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub values: Vec<EnumValue>,
}

impl EnumDef {
    pub fn is_integer(&self) -> bool {
        self.values.iter().all(|v| matches!(v, EnumValue::Integer(_)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnumValue {
    String(String),
    Integer(i64),
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    String,
    I8,
    I16,
    I32,
    I64,
    U32,
    U64,
    F64,
    Bool,
    /// `format: date-time`: text kept as sent, parsed on demand.
    DateTime,
    /// Any JSON value (untyped schemas, free-form objects).
    Any,
    Array(Box<TypeRef>),
    /// JSON object with arbitrary keys (`additionalProperties`), order kept.
    Map(Box<TypeRef>),
    Named(TypeId),
}

/// Builds the model of a set of spec files: the model, the problems found, and the parts
/// of the specs that could not be read and were degraded (raw JSON, operation left out).
pub fn build(files: &[SpecFile]) -> (Model, Diagnostics, Vec<Degradation>) {
    let (converted, mut diags, degraded) = convert::convert_files(files);
    let mut model = dedupe::merge(files, converted, &mut diags);
    for id in cycles::break_alias_cycles(&mut model) {
        let ty = model.get(id);
        let Some(&file) = ty.files.first() else { continue };
        diags.push(
            crate::diag::Diagnostic::error(
                &files[file].path,
                ty.pointer.clone(),
                format!("`{}` is only a reference to itself (directly or through other definitions)", ty.hint.join(".")),
            )
            .with_hint("give the definition a type or properties, or correct it in the overrides file"),
        );
    }
    cycles::box_recursive_fields(&mut model);
    (model, diags, degraded)
}

/// Sends every array query parameter as repeated keys (`a=1&a=2`), whatever its spec
/// declares: what Huawei's SDKs send (their core turns each `collectionFormat` into
/// repeated keys), and the default of the `array_query` service setting.
pub fn repeat_array_queries(model: &mut Model) {
    for op in &mut model.operations {
        for param in &mut op.params {
            param.array_format = ArrayFormat::Repeat;
        }
    }
}

/// Gives every `{project_id}` path parameter `role`: the endpoint's
/// ([`Role::ProjectId`]) or the request's ([`Role::Value`]), whatever its position (the
/// `project_id_in_path` service setting).
pub fn project_ids_in_paths(model: &mut Model, role: Role) {
    for op in &mut model.operations {
        for param in &mut op.params {
            if param.location == Location::Path && param.name.eq_ignore_ascii_case("project_id") {
                param.role = role;
            }
        }
    }
}

/// Makes the path parameters named in `names` object keys ([`Role::ObjectKey`]: the
/// `object_key_parameters` service setting). Returns the names no operation has, which
/// the caller reports: a setting that matches nothing is a mistake.
pub fn object_key_parameters(model: &mut Model, names: &[String]) -> Vec<String> {
    let mut unused: Vec<String> = names.to_vec();
    for op in &mut model.operations {
        for param in &mut op.params {
            if param.location == Location::Path && param.role == Role::Value && names.contains(&param.name) {
                param.role = Role::ObjectKey;
                unused.retain(|n| *n != param.name);
            }
        }
    }
    unused
}

/// Makes the header parameters named in `headers` (any case) optional: values the signer
/// fills when the caller gives none (the OBS signer's `Content-MD5` of a body in memory).
pub fn optional_headers(model: &mut Model, headers: &[&str]) {
    for op in &mut model.operations {
        for param in &mut op.params {
            if param.location == Location::Header && headers.iter().any(|h| param.name.eq_ignore_ascii_case(h)) {
                param.required = false;
            }
        }
    }
}

/// Gives the header parameters named in `headers` (any case) to the signer
/// ([`Role::Credentials`]): the OBS signature sets `Date` itself.
pub fn signer_headers(model: &mut Model, headers: &[&str]) {
    for op in &mut model.operations {
        for param in &mut op.params {
            if param.location == Location::Header && headers.iter().any(|h| param.name.eq_ignore_ascii_case(h)) {
                param.role = Role::Credentials;
            }
        }
    }
}
