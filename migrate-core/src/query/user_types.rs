//! The types the migrations create, as a result column or a parameter meets them: enums
//! (whose labels are known) and domains (which PostgreSQL reports as their base type).

use crate::Dialect;
use crate::schema::{EnumType, Name, Schema};

/// The enum type `sql_type` names (PostgreSQL; an array's element type is not looked at).
pub fn enum_type<'s>(schema: &'s Schema, sql_type: &str) -> Option<&'s EnumType> {
    if schema.dialect != Dialect::Postgres {
        return None;
    }
    schema.enum_type(&type_name(sql_type)?)
}

/// The base type of the domain `sql_type` names, through domains over domains; `None` when
/// it is not a domain.
pub fn domain_base(schema: &Schema, sql_type: &str) -> Option<String> {
    if schema.dialect != Dialect::Postgres {
        return None;
    }
    let mut base = schema.domain(&type_name(sql_type)?)?.base_type.clone();
    // A cycle cannot be created in PostgreSQL; the bound only keeps a corrupt model finite.
    for _ in 0..16 {
        match type_name(&base).and_then(|n| schema.domain(&n)) {
            Some(inner) => base = inner.base_type.clone(),
            None => break,
        }
    }
    Some(base)
}

/// `sql_type` with a domain replaced by its base type, as PostgreSQL describes a result
/// column (and an operator's operand) of a domain type.
pub(crate) fn without_domain(schema: &Schema, sql_type: String) -> String {
    domain_base(schema, &sql_type).unwrap_or(sql_type)
}

/// The schema-qualified name a type spelling refers to (`public` by default), or `None` for
/// an array or a type with modifiers (never a user type's spelling in the model).
fn type_name(sql_type: &str) -> Option<Name> {
    let t = sql_type.trim();
    if t.ends_with(']') || t.ends_with(')') {
        return None;
    }
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut quoted = false;
    for c in t.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut part)),
            _ => part.push(c),
        }
    }
    parts.push(part);
    let name = parts.pop()?;
    let schema = parts.pop().unwrap_or_else(|| "public".to_owned());
    Some(Name::new(Some(&schema), &name))
}
