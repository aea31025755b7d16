//! Changes to a table as a whole (its columns, constraints and indexes have kinds of their own).

use crate::model::{QualName, Table};
use serde::{Deserialize, Serialize};

/// A change to a table as a whole (its columns, constraints and indexes have kinds of their own).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum TableChange {
    /// `CREATE TABLE` with columns, primary key, uniques and checks. Foreign
    /// keys and indexes come as their own changes.
    #[serde(rename = "CreateTable")]
    Create {
        /// The new table (its `foreign_keys` and `indexes` are empty).
        table: Table,
    },
    /// `DROP TABLE`. Destructive.
    #[serde(rename = "DropTable")]
    Drop {
        /// Table name.
        name: QualName,
    },
    /// `ALTER TABLE … RENAME TO` (from a `renamed_from` hint).
    #[serde(rename = "RenameTable")]
    Rename {
        /// Old name.
        from: QualName,
        /// New name (same namespace).
        to: QualName,
    },
    /// `COMMENT ON TABLE`.
    #[serde(rename = "SetTableComment")]
    SetComment {
        /// Table name.
        table: QualName,
        /// New comment, `None` removes it.
        comment: Option<String>,
    },
}

impl TableChange {
    /// The step kind, e.g. `CreateTable`.
    pub fn kind(&self) -> &'static str {
        match self {
            TableChange::Create { .. } => "CreateTable",
            TableChange::Drop { .. } => "DropTable",
            TableChange::Rename { .. } => "RenameTable",
            TableChange::SetComment { .. } => "SetTableComment",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            TableChange::Create { table } => table.name.to_string(),
            TableChange::Drop { name } => name.to_string(),
            TableChange::Rename { from, to } => format!("{from} -> {to}"),
            TableChange::SetComment { table, .. } => table.to_string(),
        }
    }
}
