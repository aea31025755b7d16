//! Changes to a constraint of a table (primary key, unique, check, foreign key).

use crate::model::{Check, ForeignKey, PrimaryKey, QualName, Unique};
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

impl ConstraintChange {
    /// The step kind, e.g. `AddPrimaryKey`.
    pub fn kind(&self) -> &'static str {
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
    pub fn subject(&self) -> String {
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
}
