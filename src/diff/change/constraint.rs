//! Changes to a constraint of a table (primary key, unique, check, foreign key).

use super::{check_expression, default_drift_subject, Facts};
use crate::drift::scope::ObjectKey;
use crate::model::{Check, ForeignKey, PrimaryKey, QualName, Unique};
use crate::plan::order::layer;
use crate::plan::Hazard;
use serde::{Deserialize, Serialize};

/// A change to a constraint of a table (primary key, unique, check, foreign key).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ConstraintChange {
    /// `ADD CONSTRAINT … PRIMARY KEY`.
    #[serde(rename = "AddPrimaryKey")]
    AddPrimaryKey {
        /// Table name.
        table: QualName,
        /// The key.
        pk: PrimaryKey,
    },
    /// `DROP CONSTRAINT` of the primary key.
    #[serde(rename = "DropPrimaryKey")]
    DropPrimaryKey {
        /// Table name.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `ADD CONSTRAINT … UNIQUE`.
    #[serde(rename = "AddUnique")]
    AddUnique {
        /// Table name.
        table: QualName,
        /// The constraint.
        unique: Unique,
    },
    /// `DROP CONSTRAINT` of a unique constraint.
    #[serde(rename = "DropUnique")]
    DropUnique {
        /// Table name.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `ADD CONSTRAINT … CHECK`.
    #[serde(rename = "AddCheck")]
    AddCheck {
        /// Table name.
        table: QualName,
        /// The constraint.
        check: Check,
    },
    /// `DROP CONSTRAINT` of a check.
    #[serde(rename = "DropCheck")]
    DropCheck {
        /// Table name.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `ADD CONSTRAINT … FOREIGN KEY`.
    #[serde(rename = "AddForeignKey")]
    AddForeignKey {
        /// Referencing table.
        table: QualName,
        /// The constraint.
        fk: ForeignKey,
    },
    /// `DROP CONSTRAINT` of a foreign key.
    #[serde(rename = "DropForeignKey")]
    DropForeignKey {
        /// Referencing table.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `ALTER TABLE … RENAME CONSTRAINT`: a primary key, unique constraint,
    /// check or foreign key that keeps its definition under a new name, as
    /// when its name derives from a renamed table or column
    /// (`<table>_pkey`). A key's index is renamed with it.
    #[serde(rename = "RenameConstraint")]
    Rename {
        /// Table name (after any table rename).
        table: QualName,
        /// Old constraint name.
        from: String,
        /// New constraint name.
        to: String,
    },
}

impl Facts for ConstraintChange {
    /// The step kind, e.g. `AddPrimaryKey`.
    fn kind(&self) -> &'static str {
        match self {
            ConstraintChange::AddPrimaryKey { .. } => "AddPrimaryKey",
            ConstraintChange::DropPrimaryKey { .. } => "DropPrimaryKey",
            ConstraintChange::AddUnique { .. } => "AddUnique",
            ConstraintChange::DropUnique { .. } => "DropUnique",
            ConstraintChange::AddCheck { .. } => "AddCheck",
            ConstraintChange::DropCheck { .. } => "DropCheck",
            ConstraintChange::AddForeignKey { .. } => "AddForeignKey",
            ConstraintChange::DropForeignKey { .. } => "DropForeignKey",
            ConstraintChange::Rename { .. } => "RenameConstraint",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            ConstraintChange::AddPrimaryKey { table, pk } => format!("{table}.{}", pk.name),
            ConstraintChange::AddUnique { table, unique } => format!("{table}.{}", unique.name),
            ConstraintChange::AddCheck { table, check } => format!("{table}.{}", check.name),
            ConstraintChange::AddForeignKey { table, fk } => format!("{table}.{}", fk.name),
            ConstraintChange::DropPrimaryKey { table, name }
            | ConstraintChange::DropUnique { table, name }
            | ConstraintChange::DropCheck { table, name }
            | ConstraintChange::DropForeignKey { table, name } => format!("{table}.{name}"),
            ConstraintChange::Rename { table, from, to } => format!("{table}.{from} -> {to}"),
        }
    }

    /// Dropped early, foreign keys first (they depend on the keys they
    /// reference); primary keys after the checks and indexes; renamed
    /// after the columns of their table; added after the columns, keys
    /// before uniques before checks, foreign keys once every table and
    /// index exists (which also breaks foreign-key cycles).
    fn rank(&self) -> u8 {
        match self {
            ConstraintChange::DropForeignKey { .. } => layer::EARLY_DROPS,
            ConstraintChange::DropCheck { .. } | ConstraintChange::DropUnique { .. } => {
                layer::DROP_CHECKS
            }
            ConstraintChange::DropPrimaryKey { .. } => layer::RECREATE_TYPES,
            ConstraintChange::Rename { .. } => layer::RENAMES,
            ConstraintChange::AddPrimaryKey { .. } => layer::PRIMARY_KEYS,
            ConstraintChange::AddUnique { .. } => layer::UNIQUES,
            ConstraintChange::AddCheck { .. } => layer::CHECKS,
            ConstraintChange::AddForeignKey { .. } => layer::LATE_CREATES,
        }
    }

    /// A new constraint is validated while the table is locked.
    fn hazards(&self) -> Vec<Hazard> {
        match self.scanned_table() {
            Some(_) => vec![Hazard::LongLock],
            None => Vec::new(),
        }
    }

    fn scanned_table(&self) -> Option<&QualName> {
        match self {
            ConstraintChange::AddPrimaryKey { table, .. }
            | ConstraintChange::AddUnique { table, .. }
            | ConstraintChange::AddCheck { table, .. }
            | ConstraintChange::AddForeignKey { table, .. } => Some(table),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let con = |table: &QualName, name: &str| ObjectKey::Constraint {
            table: table.clone(),
            name: name.to_string(),
        };
        match self {
            ConstraintChange::AddPrimaryKey { table, pk } => vec![con(table, &pk.name)],
            ConstraintChange::AddUnique { table, unique } => vec![con(table, &unique.name)],
            ConstraintChange::AddCheck { table, check } => vec![con(table, &check.name)],
            ConstraintChange::AddForeignKey { table, fk } => vec![con(table, &fk.name)],
            ConstraintChange::DropPrimaryKey { table, name }
            | ConstraintChange::DropUnique { table, name }
            | ConstraintChange::DropCheck { table, name }
            | ConstraintChange::DropForeignKey { table, name } => vec![con(table, name)],
            ConstraintChange::Rename { table, from, to } => {
                vec![con(table, from), con(table, to)]
            }
        }
    }

    fn drift(&self) -> String {
        match self {
            ConstraintChange::Rename { .. } => "renamed outside graft".into(),
            _ if self.scanned_table().is_some() => "added outside graft".into(),
            _ => "dropped outside graft".into(),
        }
    }

    fn drift_subject(&self) -> String {
        match self {
            ConstraintChange::Rename { table, from, to } => {
                format!("constraint {table}.{from} -> {to}")
            }
            _ => default_drift_subject(self),
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        match self {
            ConstraintChange::AddCheck { check, .. } => vec![check_expression(check)],
            _ => Vec::new(),
        }
    }
}
