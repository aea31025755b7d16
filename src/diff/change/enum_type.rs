//! Changes to an enum type.

use super::EnumColumn;
use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::model::{EnumType, QualName};
use crate::plan::order::layer;
use crate::plan::Hazard;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

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

impl Facts for EnumChange {
    /// The step kind, e.g. `CreateEnum`.
    fn kind(&self) -> &'static str {
        match self {
            EnumChange::Create { .. } => "CreateEnum",
            EnumChange::Drop { .. } => "DropEnum",
            EnumChange::AddValue { .. } => "AddEnumValue",
            EnumChange::Recreate { .. } => "RecreateEnum",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            EnumChange::Create { r#enum } => r#enum.name.to_string(),
            EnumChange::Drop { name } => name.to_string(),
            EnumChange::AddValue { r#enum, value, .. } => format!("{enum}.{value}"),
            EnumChange::Recreate { new, .. } => new.name.to_string(),
        }
    }

    /// Created (and values added) with the other types, before the tables
    /// that use them; recreated after the checks and indexes naming the
    /// type are dropped and before renames (it names columns as they
    /// were); dropped once no column uses it.
    fn rank(&self) -> u8 {
        match self {
            EnumChange::Create { .. } | EnumChange::AddValue { .. } => layer::TYPES,
            EnumChange::Recreate { .. } => layer::RECREATE_TYPES,
            EnumChange::Drop { .. } => layer::DROP_TYPES,
        }
    }

    fn ordered(&self) -> bool {
        matches!(self, EnumChange::Create { .. } | EnumChange::Drop { .. })
    }

    fn provides(&self) -> Option<&QualName> {
        match self {
            EnumChange::Create { r#enum } => Some(&r#enum.name),
            _ => None,
        }
    }

    fn drop_edges(&self) -> Option<(&QualName, BTreeSet<QualName>)> {
        match self {
            EnumChange::Drop { name } => Some((name, BTreeSet::new())),
            _ => None,
        }
    }

    /// A drop loses data; a recreation that removes values loses the rows'
    /// values too and may fail ([`Hazard::RiskyCast`]), and rewrites the
    /// tables of the columns it re-casts.
    fn hazards(&self) -> Vec<Hazard> {
        let mut out = Vec::new();
        match self {
            EnumChange::Drop { .. } => out.push(Hazard::DataLoss),
            EnumChange::Recreate { old, new, columns } => {
                let kept: HashSet<&str> = new.values.iter().map(String::as_str).collect();
                if old.values.iter().any(|v| !kept.contains(v.as_str())) {
                    out.extend([Hazard::DataLoss, Hazard::RiskyCast]);
                }
                if !columns.is_empty() {
                    out.push(Hazard::TableRewrite);
                }
            }
            EnumChange::Create { .. } | EnumChange::AddValue { .. } => {}
        }
        out
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            EnumChange::Create { r#enum } => vec![ObjectKey::Enum {
                name: r#enum.name.clone(),
            }],
            EnumChange::Drop { name } | EnumChange::AddValue { r#enum: name, .. } => {
                vec![ObjectKey::Enum { name: name.clone() }]
            }
            EnumChange::Recreate { new, columns, .. } => {
                let mut out = vec![ObjectKey::Enum {
                    name: new.name.clone(),
                }];
                out.extend(columns.iter().map(EnumColumn::key));
                out
            }
        }
    }

    fn drift(&self) -> String {
        match self {
            EnumChange::Create { .. } => "added outside graft".into(),
            EnumChange::Drop { .. } => "dropped outside graft".into(),
            EnumChange::AddValue { value, .. } => format!("value `{value}` added outside graft"),
            EnumChange::Recreate { old, new, .. } => format!(
                "values changed outside graft ({:?} -> {:?})",
                old.values, new.values
            ),
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        match self {
            EnumChange::Recreate { columns, .. } => EnumColumn::defaults(columns),
            _ => Vec::new(),
        }
    }
}
