//! Changes to a column of a table.

use crate::model::{Column, QualName};
use serde::{Deserialize, Serialize};

/// A change to a column of a table.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ColumnChange {
    /// `ALTER TABLE … ADD COLUMN`.
    #[serde(rename = "AddColumn")]
    Add {
        /// Table name.
        table: QualName,
        /// The new column.
        column: Column,
    },
    /// `ALTER TABLE … DROP COLUMN`. Destructive.
    #[serde(rename = "DropColumn")]
    Drop {
        /// Table name.
        table: QualName,
        /// Column name.
        column: String,
    },
    /// `ALTER TABLE … RENAME COLUMN` (from a `renamed_from` hint).
    #[serde(rename = "RenameColumn")]
    Rename {
        /// Table name (after any table rename).
        table: QualName,
        /// Old column name.
        from: String,
        /// New column name.
        to: String,
    },
    /// Type, nullability, default, identity or generation of a column changed.
    #[serde(rename = "AlterColumn")]
    Alter {
        /// Table name.
        table: QualName,
        /// The column as it was (after any rename).
        old: Column,
        /// The column as it must become.
        new: Column,
    },
    /// `ALTER COLUMN … DROP EXPRESSION`: a generated column becomes a
    /// regular one and keeps its values. A step of its own, under the
    /// table's and column's names before any rename, that runs before
    /// columns are dropped: PostgreSQL refuses to drop a column that a
    /// generated column reads.
    #[serde(rename = "DropExpression")]
    DropExpression {
        /// Table name (before any rename).
        table: QualName,
        /// Column name (before any rename).
        column: String,
    },
    /// `COMMENT ON COLUMN`.
    #[serde(rename = "SetColumnComment")]
    SetComment {
        /// Table name.
        table: QualName,
        /// Column name.
        column: String,
        /// New comment, `None` removes it.
        comment: Option<String>,
    },
}

impl ColumnChange {
    /// The step kind, e.g. `AddColumn`.
    pub fn kind(&self) -> &'static str {
        match self {
            ColumnChange::Add { .. } => "AddColumn",
            ColumnChange::Drop { .. } => "DropColumn",
            ColumnChange::Rename { .. } => "RenameColumn",
            ColumnChange::Alter { .. } => "AlterColumn",
            ColumnChange::DropExpression { .. } => "DropExpression",
            ColumnChange::SetComment { .. } => "SetColumnComment",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            ColumnChange::Add { table, column } => format!("{table}.{}", column.name),
            ColumnChange::Drop { table, column }
            | ColumnChange::DropExpression { table, column }
            | ColumnChange::SetComment { table, column, .. } => format!("{table}.{column}"),
            ColumnChange::Rename { table, from, to } => format!("{table}.{from} -> {to}"),
            ColumnChange::Alter { table, new, .. } => format!("{table}.{}", new.name),
        }
    }
}
