//! Changes to an index of a table or materialized view.

use crate::model::{Index, QualName};
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

impl IndexChange {
    /// The step kind, e.g. `CreateIndex`.
    pub fn kind(&self) -> &'static str {
        match self {
            IndexChange::Create { .. } => "CreateIndex",
            IndexChange::Drop { .. } => "DropIndex",
            IndexChange::Rename { .. } => "RenameIndex",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            IndexChange::Create { table, index } => format!("{}.{}", table.schema, index.name),
            IndexChange::Drop { table, name } => format!("{}.{name}", table.schema),
            IndexChange::Rename { table, from, to } => format!("{}.{from} -> {to}", table.schema),
        }
    }
}
