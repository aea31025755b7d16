//! Changes to row-level security: the flags of a table and its policies.

use crate::model::{Policy, QualName, RowSecurity};
use serde::{Deserialize, Serialize};

/// A change to row-level security: the flags of a table and its policies.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum PolicyChange {
    /// `ALTER TABLE … ENABLE` / `DISABLE` / `FORCE` / `NO FORCE ROW LEVEL
    /// SECURITY`.
    #[serde(rename = "AlterRowSecurity")]
    AlterRowSecurity {
        /// The table.
        table: QualName,
        /// The flags as they were.
        old: RowSecurity,
        /// The flags as they must become.
        new: RowSecurity,
    },
    /// `CREATE POLICY`.
    #[serde(rename = "CreatePolicy")]
    Create {
        /// The table (after any rename).
        table: QualName,
        /// The policy.
        policy: Policy,
    },
    /// `DROP POLICY`.
    #[serde(rename = "DropPolicy")]
    Drop {
        /// The table (before any rename).
        table: QualName,
        /// Policy name.
        name: String,
    },
    /// `ALTER POLICY … [TO …] [USING (…)] [WITH CHECK (…)]`: what changes.
    #[serde(rename = "AlterPolicy")]
    Alter {
        /// The table (after any rename).
        table: QualName,
        /// Policy name.
        name: String,
        /// The new roles, when they change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        roles: Option<Vec<String>>,
        /// The new `USING` expression, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        using: Option<String>,
        /// The new `WITH CHECK` expression, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        with_check: Option<String>,
    },
}

impl PolicyChange {
    /// The step kind, e.g. `AlterRowSecurity`.
    pub fn kind(&self) -> &'static str {
        match self {
            PolicyChange::AlterRowSecurity { .. } => "AlterRowSecurity",
            PolicyChange::Create { .. } => "CreatePolicy",
            PolicyChange::Drop { .. } => "DropPolicy",
            PolicyChange::Alter { .. } => "AlterPolicy",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            PolicyChange::AlterRowSecurity { table, .. } => table.to_string(),
            PolicyChange::Create { table, policy } => format!("{table}.{}", policy.name),
            PolicyChange::Drop { table, name } | PolicyChange::Alter { table, name, .. } => {
                format!("{table}.{name}")
            }
        }
    }
}
