//! Domains and composite types: user types that columns (and each other)
//! may use, beside enums.

use super::schema::Check;
use super::types::{BaseType, ColumnType};
use crate::sql::QualName;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `CREATE DOMAIN`: a base type with constraints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// Qualified type name.
    pub name: QualName,
    /// The underlying type: built-in, an enum, another domain, a composite
    /// type, or an array of any of them.
    #[serde(rename = "type")]
    pub base: ColumnType,
    /// `COLLATE`, when it is not the base type's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualName>,
    /// `NOT NULL`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_null: bool,
    /// `DEFAULT`, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Named `CHECK` constraints on `VALUE`, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

impl Domain {
    /// A domain over `base` without constraints.
    pub fn new(name: QualName, base: ColumnType) -> Self {
        Domain {
            name,
            base,
            collation: None,
            not_null: false,
            default: None,
            checks: Vec::new(),
        }
    }

    /// The user types it is built on (its base, when that is one).
    pub fn uses(&self) -> BTreeSet<QualName> {
        named(&self.base).into_iter().cloned().collect()
    }
}

/// One attribute of a composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Attribute name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// `COLLATE`, when it is not the type's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualName>,
}

impl Attribute {
    /// An attribute of type `ty`.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Attribute {
            name: name.into(),
            ty,
            collation: None,
        }
    }
}

/// `CREATE TYPE … AS (…)`: a standalone composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeType {
    /// Qualified type name.
    pub name: QualName,
    /// Attributes in declaration order.
    pub attributes: Vec<Attribute>,
}

impl CompositeType {
    /// The user types its attributes use.
    pub fn uses(&self) -> BTreeSet<QualName> {
        self.attributes
            .iter()
            .filter_map(|a| named(&a.ty))
            .cloned()
            .collect()
    }

    /// The attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// The user type a type names, if any (the element type of an array).
pub fn named(ty: &ColumnType) -> Option<&QualName> {
    match &ty.base {
        BaseType::Named(q) => Some(q),
        BaseType::Builtin(_) => None,
    }
}
