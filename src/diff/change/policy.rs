//! Changes to row-level security: the flags of a table and its policies.

use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::model::{Policy, QualName, RowSecurity};
use crate::plan::order::layer;
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

impl Facts for PolicyChange {
    /// The step kind, e.g. `AlterRowSecurity`.
    fn kind(&self) -> &'static str {
        match self {
            PolicyChange::AlterRowSecurity { .. } => "AlterRowSecurity",
            PolicyChange::Create { .. } => "CreatePolicy",
            PolicyChange::Drop { .. } => "DropPolicy",
            PolicyChange::Alter { .. } => "AlterPolicy",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            PolicyChange::AlterRowSecurity { table, .. } => table.to_string(),
            PolicyChange::Create { table, policy } => format!("{table}.{}", policy.name),
            PolicyChange::Drop { table, name } | PolicyChange::Alter { table, name, .. } => {
                format!("{table}.{name}")
            }
        }
    }

    /// Dropped with the checks (before the columns they name change),
    /// created and altered once every table, column and view exists, with
    /// the row-level security flags.
    fn rank(&self) -> u8 {
        match self {
            PolicyChange::Drop { .. } => layer::DROP_CHECKS,
            _ => layer::LAST,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            PolicyChange::AlterRowSecurity { table, .. } => vec![ObjectKey::RowSecurity {
                table: table.clone(),
            }],
            PolicyChange::Create { table, policy } => vec![ObjectKey::Policy {
                table: table.clone(),
                name: policy.name.clone(),
            }],
            PolicyChange::Drop { table, name } | PolicyChange::Alter { table, name, .. } => {
                vec![ObjectKey::Policy {
                    table: table.clone(),
                    name: name.clone(),
                }]
            }
        }
    }

    fn drift(&self) -> String {
        match self {
            PolicyChange::Create { .. } => "added outside graft".into(),
            PolicyChange::Drop { .. } => "dropped outside graft".into(),
            PolicyChange::Alter { .. } => "changed outside graft".into(),
            PolicyChange::AlterRowSecurity { new, .. } => {
                format!("changed outside graft (now {new:?})")
            }
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        let (using, with_check) = match self {
            PolicyChange::Create { policy, .. } => (&policy.using, &policy.with_check),
            PolicyChange::Alter {
                using, with_check, ..
            } => (using, with_check),
            _ => return Vec::new(),
        };
        [("`using`", using), ("`with_check`", with_check)]
            .into_iter()
            .filter_map(|(key, e)| Some((key.to_string(), e.as_deref()?)))
            .collect()
    }
}
