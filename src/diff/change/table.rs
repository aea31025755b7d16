//! Changes to a table as a whole (its columns, constraints and indexes have kinds of their own).

use super::{check_expression, column_expressions, default_drift_subject, Facts};
use crate::drift::scope::ObjectKey;
use crate::model::{QualName, Table};
use crate::plan::order::layer;
use crate::plan::Hazard;
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

impl Facts for TableChange {
    /// The step kind, e.g. `CreateTable`.
    fn kind(&self) -> &'static str {
        match self {
            TableChange::Create { .. } => "CreateTable",
            TableChange::Drop { .. } => "DropTable",
            TableChange::Rename { .. } => "RenameTable",
            TableChange::SetComment { .. } => "SetTableComment",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            TableChange::Create { table } => table.name.to_string(),
            TableChange::Drop { name } => name.to_string(),
            TableChange::Rename { from, to } => format!("{from} -> {to}"),
            TableChange::SetComment { table, .. } => table.to_string(),
        }
    }

    /// Dropped early (which frees names for renames), renamed next,
    /// created after the drops and renames; comments late.
    fn rank(&self) -> u8 {
        match self {
            TableChange::Drop { .. } => layer::DROP_TABLES,
            TableChange::Rename { .. } => layer::RENAME_TABLES,
            TableChange::Create { .. } => layer::CREATE_TABLES,
            TableChange::SetComment { .. } => layer::LAST,
        }
    }

    /// A drop loses the rows.
    fn hazards(&self) -> Vec<Hazard> {
        match self {
            TableChange::Drop { .. } => vec![Hazard::DataLoss],
            _ => Vec::new(),
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            TableChange::Create { table } => vec![ObjectKey::table(&table.name)],
            TableChange::Drop { name } => vec![ObjectKey::table(name)],
            TableChange::Rename { from, to } => vec![ObjectKey::table(from), ObjectKey::table(to)],
            TableChange::SetComment { table, .. } => vec![ObjectKey::TableComment {
                table: table.clone(),
            }],
        }
    }

    fn drift(&self) -> String {
        match self {
            TableChange::Create { .. } => "added outside graft".into(),
            TableChange::Drop { .. } => "dropped outside graft".into(),
            TableChange::Rename { .. } => "renamed outside graft".into(),
            TableChange::SetComment { .. } => "comment changed outside graft".into(),
        }
    }

    fn drift_subject(&self) -> String {
        match self {
            // the renamed-to table is what is live now
            TableChange::Rename { from, to } => format!("table {from} -> {}", to.name),
            _ => default_drift_subject(self),
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        match self {
            TableChange::Create { table } => {
                let mut out: Vec<(String, &str)> = Vec::new();
                for c in &table.columns {
                    out.extend(column_expressions(c));
                }
                out.extend(table.checks.iter().map(check_expression));
                out
            }
            _ => Vec::new(),
        }
    }
}
