//! Changes to an enum type.

use super::EnumColumn;
use crate::model::{EnumType, QualName};
use serde::{Deserialize, Serialize};

/// A change to an enum type.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum EnumChange {
    /// `CREATE TYPE … AS ENUM`.
    #[serde(rename = "CreateEnum")]
    Create {
        /// The new type.
        r#enum: EnumType,
    },
    /// `DROP TYPE` of an enum. Destructive.
    #[serde(rename = "DropEnum")]
    Drop {
        /// Type name.
        name: QualName,
    },
    /// `ALTER TYPE … ADD VALUE`.
    #[serde(rename = "AddEnumValue")]
    AddValue {
        /// Type name.
        r#enum: QualName,
        /// The new label.
        value: String,
        /// Placed before this label; `None` appends.
        before: Option<String>,
    },
    /// Values removed or reordered: the type is recreated and columns
    /// re-cast through text. Destructive when values are removed.
    #[serde(rename = "RecreateEnum")]
    Recreate {
        /// The type as it was.
        old: EnumType,
        /// The type as it must become.
        new: EnumType,
        /// Columns of that type (or arrays of it) to re-cast.
        columns: Vec<EnumColumn>,
    },
}

impl EnumChange {
    /// The step kind, e.g. `CreateEnum`.
    pub fn kind(&self) -> &'static str {
        match self {
            EnumChange::Create { .. } => "CreateEnum",
            EnumChange::Drop { .. } => "DropEnum",
            EnumChange::AddValue { .. } => "AddEnumValue",
            EnumChange::Recreate { .. } => "RecreateEnum",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            EnumChange::Create { r#enum } => r#enum.name.to_string(),
            EnumChange::Drop { name } => name.to_string(),
            EnumChange::AddValue { r#enum, value, .. } => format!("{enum}.{value}"),
            EnumChange::Recreate { new, .. } => new.name.to_string(),
        }
    }
}
