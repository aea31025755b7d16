//! Changes to an index of a table or materialized view.

use super::{default_drift_subject, index_expressions, Facts};
use crate::drift::scope::ObjectKey;
use crate::model::{Index, QualName};
use crate::plan::order::layer;
use crate::plan::Hazard;
use serde::{Deserialize, Serialize};

/// A change to an index of a table or materialized view.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum IndexChange {
    /// `CREATE INDEX`.
    #[serde(rename = "CreateIndex")]
    Create {
        /// Table name.
        table: QualName,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`.
    #[serde(rename = "DropIndex")]
    Drop {
        /// Table name (the index lives in its namespace).
        table: QualName,
        /// Index name.
        name: String,
    },
    /// `ALTER INDEX … RENAME TO`: an index that keeps its definition under a
    /// new name.
    #[serde(rename = "RenameIndex")]
    Rename {
        /// Table name (after any table rename; the index lives in its namespace).
        table: QualName,
        /// Old index name.
        from: String,
        /// New index name.
        to: String,
    },
}

impl Facts for IndexChange {
    /// The step kind, e.g. `CreateIndex`.
    fn kind(&self) -> &'static str {
        match self {
            IndexChange::Create { .. } => "CreateIndex",
            IndexChange::Drop { .. } => "DropIndex",
            IndexChange::Rename { .. } => "RenameIndex",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            IndexChange::Create { table, index } => format!("{}.{}", table.schema, index.name),
            IndexChange::Drop { table, name } => format!("{}.{name}", table.schema),
            IndexChange::Rename { table, from, to } => format!("{}.{from} -> {to}", table.schema),
        }
    }

    /// Dropped with the checks, renamed after the columns of their table,
    /// created after the constraints.
    fn rank(&self) -> u8 {
        match self {
            IndexChange::Drop { .. } => layer::DROP_CHECKS,
            IndexChange::Rename { .. } => layer::RENAMES,
            IndexChange::Create { .. } => layer::INDEXES,
        }
    }

    /// A new index is built while the table is locked.
    fn hazards(&self) -> Vec<Hazard> {
        match self {
            IndexChange::Create { .. } => vec![Hazard::LongLock],
            _ => Vec::new(),
        }
    }

    fn scanned_table(&self) -> Option<&QualName> {
        match self {
            IndexChange::Create { table, .. } => Some(table),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let key = |table: &QualName, name: &str| ObjectKey::Index {
            table: table.clone(),
            name: name.to_string(),
        };
        match self {
            IndexChange::Create { table, index } => vec![key(table, &index.name)],
            IndexChange::Drop { table, name } => vec![key(table, name)],
            IndexChange::Rename { table, from, to } => vec![key(table, from), key(table, to)],
        }
    }

    fn drift(&self) -> String {
        match self {
            IndexChange::Create { .. } => "added outside graft".into(),
            IndexChange::Drop { .. } => "dropped outside graft".into(),
            IndexChange::Rename { .. } => "renamed outside graft".into(),
        }
    }

    fn drift_subject(&self) -> String {
        match self {
            IndexChange::Rename { table, from, to } => {
                format!("index {}.{from} -> {to} on {table}", table.schema)
            }
            _ => default_drift_subject(self),
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        match self {
            IndexChange::Create { index, .. } => index_expressions(index),
            _ => Vec::new(),
        }
    }
}
