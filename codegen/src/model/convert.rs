//! Schemas → types, one file at a time.
//!
//! Two phases, so that forward refs and cycles need no special care: every definition of
//! every file first gets a local id, then bodies are converted and refs become ids. Inline
//! objects and enums become types of their own, named after their parent and property.
//! The result still has one type per file and definition; `dedupe` merges them.

use super::docs::Docs;
use super::operation::Operation;
use super::{EnumDef, EnumValue, Field, StructDef, TypeId, TypeKind, TypeRef};
use crate::diag::{child, pointer, Degradation, Diagnostic, Diagnostics, Outcome};
use crate::read::{AdditionalProperties, Schema, SpecFile};
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::HashMap;

/// A type as found in one file. `TypeRef::Named` holds a local id (an index into the
/// returned vector) until `dedupe` maps it to a merged [`TypeId`].
#[derive(Debug, Clone)]
pub(super) struct LocalType {
    pub file: usize,
    pub hint: Vec<String>,
    pub pointer: String,
    pub parent: Option<usize>,
    pub docs: Docs,
    pub kind: TypeKind,
    /// The schema's `xml` object.
    pub xml: crate::read::XmlHint,
}

/// Deepest schema nesting followed; real specs stay far below it, and it keeps a
/// pathological input from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// Everything found in the files, refs still local.
pub(super) struct Converted {
    pub locals: Vec<LocalType>,
    pub operations: Vec<Operation>,
}

/// The converted files, the problems found, and the parts that degraded.
pub(super) fn convert_files(files: &[SpecFile]) -> (Converted, Diagnostics, Vec<Degradation>) {
    let mut converter = Converter {
        files,
        locals: Vec::new(),
        definitions: HashMap::new(),
        diags: Diagnostics::default(),
        degraded: Vec::new(),
    };
    // Phase 1: an id for every definition.
    let mut pending = Vec::new();
    for (file, spec) in files.iter().enumerate() {
        for (section, name, schema) in definitions_of(spec) {
            let id = converter.locals.len();
            converter.locals.push(LocalType {
                file,
                hint: vec![name.clone()],
                pointer: {
                    let mut tokens = section.to_vec();
                    tokens.push(name);
                    pointer(&tokens)
                },
                parent: None,
                docs: Docs::from_schema(schema),
                kind: TypeKind::Alias(TypeRef::Any),
                xml: schema.xml_hint(),
            });
            converter.definitions.insert((file, name.clone()), id);
            pending.push((id, schema));
        }
    }
    // Phase 2: bodies.
    for (id, schema) in pending {
        let kind = converter.definition_kind(id, schema);
        converter.locals[id].kind = kind;
    }
    // Phase 3: operations, whose inline schemas become top-level types.
    let mut operations = Vec::new();
    for file in 0..files.len() {
        operations.extend(converter.operations_of(file));
    }
    let converted = Converted {
        locals: converter.locals,
        operations,
    };
    (converted, converter.diags, converter.degraded)
}

/// `(section path, name, schema)` of every named schema of a file: Swagger 2.0
/// `definitions` and OpenAPI 3.0 `components/schemas`.
fn definitions_of(spec: &SpecFile) -> Vec<(&'static [&'static str], &String, &Schema)> {
    let mut out: Vec<(&'static [&'static str], &String, &Schema)> = Vec::new();
    if let Some(defs) = &spec.document.definitions {
        out.extend(defs.iter().map(|(n, s)| (&["definitions"][..], n, s)));
    }
    if let Some(schemas) = spec.document.components.as_ref().and_then(|c| c.schemas.as_ref()) {
        out.extend(schemas.iter().map(|(n, s)| (&["components", "schemas"][..], n, s)));
    }
    out
}

pub(super) struct Converter<'a> {
    pub files: &'a [SpecFile],
    pub locals: Vec<LocalType>,
    definitions: HashMap<(usize, String), usize>,
    diags: Diagnostics,
    /// Parts that could not be read, in the order found.
    pub degraded: Vec<Degradation>,
}

/// Where a schema sits: its file, pointer, the words to name inline types by, and the
/// local type that contains it.
#[derive(Clone)]
pub(super) struct Place<'p> {
    pub file: usize,
    pub pointer: String,
    pub hint: &'p [String],
    /// The type containing this schema; `None` for schemas of operations (bodies,
    /// parameters), whose inline types are top-level.
    pub parent: Option<usize>,
    pub depth: usize,
}

impl Place<'_> {
    fn nested<'q>(&self, token: &str, hint: &'q [String]) -> Place<'q> {
        Place {
            file: self.file,
            pointer: child(&self.pointer, token),
            hint,
            parent: self.parent,
            depth: self.depth + 1,
        }
    }
}

impl Converter<'_> {
    pub(super) fn error(&mut self, file: usize, pointer: &str, message: String) {
        self.diags
            .push(Diagnostic::error(&self.files[file].path, pointer, message));
    }

    pub(super) fn warning(&mut self, file: usize, pointer: &str, message: String) {
        self.diags
            .push(Diagnostic::warning(&self.files[file].path, pointer, message));
    }

    /// Records a part that could not be read; its value becomes raw JSON (the caller
    /// returns [`TypeRef::Any`]).
    pub(super) fn degrade(&mut self, file: usize, pointer: &str, problem: String) {
        self.degraded.push(Degradation {
            file: self.files[file].path.clone(),
            pointer: pointer.to_owned(),
            problem,
            outcome: Outcome::RawJson,
        });
    }

    /// The kind of a named definition: a struct, an enum, or an alias of another type.
    fn definition_kind(&mut self, id: usize, schema: &Schema) -> TypeKind {
        let place = Place {
            file: self.locals[id].file,
            pointer: self.locals[id].pointer.clone(),
            hint: &[],
            parent: Some(id),
            depth: 0,
        };
        let hint = self.locals[id].hint.clone();
        let place = Place { hint: &hint, ..place };
        let schema = match self.flatten_all_of(schema, &place) {
            Some(merged) => merged,
            None => schema.clone(),
        };
        if let Some(def) = self.enum_def(&schema, &place) {
            return TypeKind::Enum(def);
        }
        // An object with named properties is a struct; one with only
        // `additionalProperties` is a map, and a bare `type: object` any JSON value.
        let empty_object = schema.properties.is_some() && schema.additional_properties.is_none();
        if is_object_like(&schema) && (has_properties(&schema) || empty_object) {
            return TypeKind::Struct(self.struct_def(&schema, &place));
        }
        TypeKind::Alias(self.type_ref_of_body(&schema, &place))
    }

    /// Whether a local type is an enum (known once definitions are converted).
    pub(super) fn is_enum(&self, local: usize) -> bool {
        matches!(self.locals.get(local).map(|l| &l.kind), Some(TypeKind::Enum(_)))
    }

    /// A type reference for a schema used in a property, item or map value.
    pub(super) fn type_ref(&mut self, schema: &Schema, place: &Place<'_>) -> TypeRef {
        if place.depth > MAX_DEPTH {
            self.error(
                place.file,
                &place.pointer,
                format!("schema nested deeper than {MAX_DEPTH} levels"),
            );
            return TypeRef::Any;
        }
        if let Some(reference) = &schema.reference {
            return self.resolve_ref(reference, place);
        }
        if let Some(merged) = self.flatten_all_of(schema, place) {
            return self.type_ref(&merged, place);
        }
        if let Some(def) = self.enum_def(schema, place) {
            return self.new_inline(schema, place, TypeKind::Enum(def));
        }
        if is_object_like(schema) && has_properties(schema) {
            let local = self.new_inline(schema, place, TypeKind::Alias(TypeRef::Any));
            let TypeRef::Named(TypeId(id)) = local else {
                return local;
            };
            let inner = Place {
                parent: Some(id),
                ..place.clone()
            };
            let def = self.struct_def(schema, &inner);
            self.locals[id].kind = TypeKind::Struct(def);
            return local;
        }
        self.type_ref_of_body(schema, place)
    }

    /// Arrays, maps and primitives (anything that is not a named or inline type).
    fn type_ref_of_body(&mut self, schema: &Schema, place: &Place<'_>) -> TypeRef {
        if let Some(why) = schema.unreadable() {
            self.degrade(place.file, &place.pointer, format!("schema cannot be read: {why}"));
            return TypeRef::Any;
        }
        if let Some(reference) = &schema.reference {
            return self.resolve_ref(reference, place);
        }
        if schema.one_of.is_some() || schema.any_of.is_some() {
            return TypeRef::Any;
        }
        match schema.primary_type() {
            Some("array") => self.array_ref(schema, place),
            Some("object") | None if schema.additional_properties.is_some() => {
                self.map_ref(schema, place)
            }
            Some("object") | None => {
                if has_properties(schema) {
                    self.type_ref(schema, place)
                } else {
                    TypeRef::Any
                }
            }
            Some("string") => match schema.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                _ => TypeRef::String,
            },
            Some("integer") => match schema.format.as_deref() {
                Some("int8") => TypeRef::I8,
                Some("int16") => TypeRef::I16,
                Some("int32") => TypeRef::I32,
                Some("uint32") => TypeRef::U32,
                Some("uint64") => TypeRef::U64,
                Some("int64" | "long" | "integer") | None => TypeRef::I64,
                Some(other) => {
                    let other = other.to_owned();
                    self.warning(
                        place.file,
                        &place.pointer,
                        format!("unknown integer format `{other}`; using a 64-bit integer"),
                    );
                    TypeRef::I64
                }
            },
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("file") => TypeRef::Any,
            Some(other) => {
                let other = other.to_owned();
                self.warning(
                    place.file,
                    &place.pointer,
                    format!("unknown type `{other}`; accepting any JSON value"),
                );
                TypeRef::Any
            }
        }
    }

    fn array_ref(&mut self, schema: &Schema, place: &Place<'_>) -> TypeRef {
        let Some(items) = &schema.items else {
            return TypeRef::Array(Box::new(TypeRef::Any));
        };
        let hint = extend(place.hint, "item");
        let inner = self.type_ref(items, &place.nested("items", &hint));
        TypeRef::Array(Box::new(inner))
    }

    fn map_ref(&mut self, schema: &Schema, place: &Place<'_>) -> TypeRef {
        match &schema.additional_properties {
            Some(AdditionalProperties::Schema(values)) => {
                let hint = extend(place.hint, "value");
                let inner = self.type_ref(values, &place.nested("additionalProperties", &hint));
                TypeRef::Map(Box::new(inner))
            }
            _ => TypeRef::Map(Box::new(TypeRef::Any)),
        }
    }

    fn struct_def(&mut self, schema: &Schema, place: &Place<'_>) -> StructDef {
        let mut def = StructDef::default();
        let required = schema.required_names();
        if let Some(properties) = &schema.properties {
            let props_pointer = child(&place.pointer, "properties");
            for (name, prop) in properties {
                let hint = extend(place.hint, name);
                let prop_place = Place {
                    file: place.file,
                    pointer: child(&props_pointer, name),
                    hint: &hint,
                    parent: place.parent,
                    depth: place.depth + 1,
                };
                let ty = self.type_ref(prop, &prop_place);
                let docs = Docs::from_schema(prop);
                let xml_item = self.xml_item_name(prop, place.file);
                def.fields.push(Field {
                    json_name: name.clone(),
                    ty,
                    required: required.iter().any(|r| r == name) || prop.required_flag(),
                    boxed: false,
                    nullable: prop.nullable == Some(true)
                        || prop.extensions.get("x-nullable") == Some(&Value::Bool(true)),
                    docs,
                    xml: prop.xml_hint(),
                    xml_item,
                });
            }
        }
        if let Some(AdditionalProperties::Schema(_) | AdditionalProperties::Allowed(true)) =
            &schema.additional_properties
            && let TypeRef::Map(values) = self.map_ref(schema, place)
        {
            def.additional = Some(*values);
        }
        def
    }

    /// The item element name of an array property: its items' `xml.name`, else (for a
    /// wrapped list, whose items need a name of their own) the `xml.name` of the
    /// definition the items refer to.
    fn xml_item_name(&self, prop: &Schema, file: usize) -> Option<String> {
        let items = prop.items.as_deref()?;
        if let Some(name) = items.xml_hint().name {
            return Some(name);
        }
        let target = items.reference.as_deref().and_then(|r| self.lookup_schema(file, r))?;
        target.xml_hint().name.filter(|_| prop.xml_hint().wrapped)
    }

    fn new_inline(&mut self, schema: &Schema, place: &Place<'_>, kind: TypeKind) -> TypeRef {
        let id = self.locals.len();
        self.locals.push(LocalType {
            file: place.file,
            hint: place.hint.to_vec(),
            pointer: place.pointer.clone(),
            parent: place.parent,
            docs: Docs::from_schema(schema),
            kind,
            xml: schema.xml_hint(),
        });
        TypeRef::Named(TypeId(id))
    }

    /// A schema `$ref`: a definition of the file, or the schema of a response or
    /// parameter the file defines. A ref that points nowhere degrades to raw JSON.
    fn resolve_ref(&mut self, reference: &str, place: &Place<'_>) -> TypeRef {
        let target = definition_name(reference);
        if let Some(id) = target.and_then(|name| self.definitions.get(&(place.file, name)).copied()) {
            return TypeRef::Named(TypeId(id));
        }
        if let Some(schema) = self.shared_schema(place.file, reference)
            && place.depth <= MAX_DEPTH
        {
            let deeper = Place {
                depth: place.depth + 1,
                ..place.clone()
            };
            return self.type_ref(&schema, &deeper);
        }
        self.degrade(place.file, &child(&place.pointer, "$ref"), dangling(reference));
        TypeRef::Any
    }

    /// The schema of a Swagger 2.0 `#/responses/<name>` or `#/parameters/<name>` the file
    /// defines, for a `$ref` found where a schema belongs.
    fn shared_schema(&self, file: usize, reference: &str) -> Option<Schema> {
        let doc = &self.files[file].document;
        let unescape = |name: &str| name.replace("~1", "/").replace("~0", "~");
        if let Some(name) = reference.strip_prefix("#/responses/") {
            return doc.responses.as_ref()?.get(&unescape(name))?.schema.clone();
        }
        let name = reference.strip_prefix("#/parameters/")?;
        let parameter = doc.parameters.as_ref()?.get(&unescape(name))?;
        Some(super::operation::parameter_schema(parameter))
    }

    /// Merges `allOf` parts into one object schema, refs resolved within the file.
    /// `None` when the schema has no `allOf`.
    fn flatten_all_of(&mut self, schema: &Schema, place: &Place<'_>) -> Option<Schema> {
        let parts = schema.all_of.as_ref()?;
        // `allOf: [{$ref}]` with nothing else is the common way to document a ref.
        if parts.len() == 1 && !has_properties(schema) {
            let mut only = parts[0].clone();
            if only.description.is_none() {
                only.description = schema.description.clone();
            }
            return Some(only);
        }
        let mut merged = Schema {
            all_of: None,
            ..schema.clone()
        };
        let mut properties: IndexMap<String, Schema> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut budget = 10_000usize;
        for (i, part) in parts.iter().enumerate() {
            let at = place.nested("allOf", place.hint).nested(&i.to_string(), place.hint);
            self.collect_all_of(part, &at, 0, &mut budget, &mut merged, &mut properties, &mut required);
        }
        for (name, prop) in schema.properties.iter().flatten() {
            properties.insert(name.clone(), prop.clone());
        }
        required.extend(schema.required_names().iter().cloned());
        let mut seen = std::collections::HashSet::new();
        required.retain(|r| seen.insert(r.clone()));
        merged.properties = Some(properties);
        merged.required = Some(crate::read::Required::Names(required));
        merged.type_name = None;
        Some(merged)
    }

    /// Adds one `allOf` part (at `place`): its own nested parts first, then its
    /// properties, so the result lists properties in the order a reader of the spec
    /// meets them.
    #[allow(clippy::too_many_arguments)]
    fn collect_all_of(
        &mut self,
        part: &Schema,
        place: &Place<'_>,
        depth: usize,
        budget: &mut usize,
        merged: &mut Schema,
        properties: &mut IndexMap<String, Schema>,
        required: &mut Vec<String>,
    ) {
        if depth > MAX_DEPTH || *budget == 0 {
            if *budget > 0 {
                self.error(place.file, &place.pointer, "`allOf` refers back to itself".into());
            }
            *budget = 0;
            return;
        }
        *budget -= 1;
        // Where the part's own schema is: the target of its ref, when it has one.
        let mut base = place.clone();
        let part = match &part.reference {
            Some(reference) => {
                let target = self.lookup_schema(place.file, reference).cloned();
                match target.or_else(|| self.shared_schema(place.file, reference)) {
                    Some(target) => {
                        if let Some(pointer) = reference.strip_prefix('#') {
                            base.pointer = pointer.to_owned();
                        }
                        target
                    }
                    None => {
                        self.degraded.push(Degradation {
                            file: self.files[place.file].path.clone(),
                            pointer: child(&place.pointer, "$ref"),
                            problem: dangling(reference),
                            outcome: Outcome::PartLeftOut,
                        });
                        return;
                    }
                }
            }
            None => part.clone(),
        };
        for (i, nested) in part.all_of.iter().flatten().enumerate() {
            let at = base.nested("allOf", place.hint).nested(&i.to_string(), place.hint);
            self.collect_all_of(nested, &at, depth + 1, budget, merged, properties, required);
        }
        for (name, prop) in part.properties.iter().flatten() {
            properties.insert(name.clone(), prop.clone());
        }
        required.extend(part.required_names().iter().cloned());
        if merged.description.is_none() {
            merged.description = part.description.clone();
        }
        if merged.additional_properties.is_none() {
            merged.additional_properties = part.additional_properties.clone();
        }
    }

    /// A named type that only renames another (an alias definition such as a string
    /// `UUID32Def`) as the type it renames; anything else unchanged.
    pub(super) fn aliased(&self, ty: TypeRef) -> TypeRef {
        let mut ty = ty;
        for _ in 0..MAX_DEPTH {
            match &ty {
                TypeRef::Named(TypeId(id)) => match self.locals.get(*id).map(|l| &l.kind) {
                    Some(TypeKind::Alias(inner)) if *inner != TypeRef::Any => ty = inner.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        ty
    }

    pub(super) fn lookup_schema(&self, file: usize, reference: &str) -> Option<&Schema> {
        let name = definition_name(reference)?;
        let doc = &self.files[file].document;
        doc.definitions
            .as_ref()
            .and_then(|d| d.get(&name))
            .or_else(|| doc.components.as_ref()?.schemas.as_ref()?.get(&name))
    }

    /// The enum of a schema with `enum`, or `None` when its values do not make one
    /// (booleans, mixed kinds: the plain type is used and the values documented).
    fn enum_def(&mut self, schema: &Schema, place: &Place<'_>) -> Option<EnumDef> {
        let raw = schema.enum_values.as_ref().filter(|v| !v.is_empty())?;
        let declared = schema.primary_type();
        let mut values: Vec<EnumValue> = Vec::new();
        for value in raw {
            let converted = match (value, declared) {
                (Value::String(s), Some("string") | None) => EnumValue::String(s.clone()),
                (Value::Number(n), Some("string")) => EnumValue::String(n.to_string()),
                (Value::Number(n), Some("integer") | None) if n.as_i64().is_some() => {
                    EnumValue::Integer(n.as_i64().unwrap_or_default())
                }
                _ => {
                    if declared != Some("boolean") {
                        self.warning(
                            place.file,
                            &child(&place.pointer, "enum"),
                            "enum values of mixed or unsupported kinds; generating the plain \
                             type and documenting the values"
                                .to_owned(),
                        );
                    }
                    return None;
                }
            };
            if !values.contains(&converted) {
                values.push(converted);
            }
        }
        let mixed = values.iter().any(|v| matches!(v, EnumValue::String(_)))
            && values.iter().any(|v| matches!(v, EnumValue::Integer(_)));
        if mixed {
            self.warning(
                place.file,
                &child(&place.pointer, "enum"),
                "enum mixes strings and numbers; generating an untyped value".to_owned(),
            );
            return None;
        }
        Some(EnumDef { values })
    }
}

fn extend(hint: &[String], word: &str) -> Vec<String> {
    let mut out = hint.to_vec();
    out.push(word.to_owned());
    out
}

pub(super) fn has_properties(schema: &Schema) -> bool {
    schema.properties.as_ref().is_some_and(|p| !p.is_empty())
}

/// An object schema: `type: object`, or no type but properties.
pub(super) fn is_object_like(schema: &Schema) -> bool {
    match schema.primary_type() {
        Some("object") => true,
        None => schema.properties.is_some(),
        _ => false,
    }
}

/// `#/definitions/Foo` and `#/components/schemas/Foo` → `Foo` (pointer escapes undone).
/// The catalogue also writes `definitions/Foo` without the leading `#/`.
fn definition_name(reference: &str) -> Option<String> {
    let reference = reference.strip_prefix('#').unwrap_or(reference);
    let reference = reference.strip_prefix('/').unwrap_or(reference);
    let rest = reference
        .strip_prefix("definitions/")
        .or_else(|| reference.strip_prefix("components/schemas/"))?;
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

/// The problem of a `$ref` that points nowhere.
fn dangling(reference: &str) -> String {
    match definition_name(reference) {
        Some(name) => format!("`$ref` to `{reference}`, but the file defines no `{name}`"),
        None => format!("`$ref` to `{reference}`, which the file does not define"),
    }
}
