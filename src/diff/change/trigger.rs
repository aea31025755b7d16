//! Changes to a trigger.

use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::model::{QualName, Trigger, TriggerEnabled};
use crate::plan::order::layer;
use serde::{Deserialize, Serialize};

/// A change to a trigger.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum TriggerChange {
    /// `CREATE TRIGGER`, with its enabled state and comment.
    #[serde(rename = "CreateTrigger")]
    Create {
        /// The new trigger.
        trigger: Trigger,
    },
    /// `CREATE OR REPLACE TRIGGER`.
    #[serde(rename = "ReplaceTrigger")]
    Replace {
        /// The trigger as it was.
        old: Trigger,
        /// The trigger as it must become.
        new: Trigger,
    },
    /// `DROP TRIGGER`.
    #[serde(rename = "DropTrigger")]
    Drop {
        /// The trigger as it was.
        trigger: Trigger,
    },
    /// `ALTER TABLE … ENABLE / DISABLE TRIGGER`.
    #[serde(rename = "SetTriggerEnabled")]
    SetEnabled {
        /// The table or view.
        table: QualName,
        /// The trigger.
        name: String,
        /// The new state.
        enabled: TriggerEnabled,
    },
}

impl Facts for TriggerChange {
    /// The step kind, e.g. `CreateTrigger`.
    fn kind(&self) -> &'static str {
        match self {
            TriggerChange::Create { .. } => "CreateTrigger",
            TriggerChange::Replace { .. } => "ReplaceTrigger",
            TriggerChange::Drop { .. } => "DropTrigger",
            TriggerChange::SetEnabled { .. } => "SetTriggerEnabled",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            TriggerChange::Create { trigger } | TriggerChange::Drop { trigger } => trigger.label(),
            TriggerChange::Replace { new, .. } => new.label(),
            TriggerChange::SetEnabled { table, name, .. } => format!("{name} on {table}"),
        }
    }

    /// Dropped before their table, view or function; created after all
    /// of them.
    fn rank(&self) -> u8 {
        match self {
            TriggerChange::Drop { .. } => layer::EARLY_DROPS,
            _ => layer::LAST,
        }
    }

    fn tie_break(&self) -> u8 {
        match self {
            TriggerChange::Drop { .. } => 1,
            _ => 4,
        }
    }

    fn ordered(&self) -> bool {
        matches!(
            self,
            TriggerChange::Create { .. } | TriggerChange::Drop { .. }
        )
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            TriggerChange::Create { trigger } | TriggerChange::Drop { trigger } => {
                vec![ObjectKey::trigger(trigger)]
            }
            TriggerChange::Replace { new, .. } => vec![ObjectKey::trigger(new)],
            TriggerChange::SetEnabled { table, name, .. } => vec![ObjectKey::Trigger {
                table: table.clone(),
                name: name.clone(),
            }],
        }
    }

    fn drift(&self) -> String {
        match self {
            TriggerChange::Create { .. } => "added outside graft".into(),
            TriggerChange::Drop { .. } => "dropped outside graft".into(),
            TriggerChange::Replace { .. } => "definition changed outside graft".into(),
            TriggerChange::SetEnabled { enabled, .. } => {
                format!("enabled changed outside graft (now {enabled:?})")
            }
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        match self {
            TriggerChange::Create { trigger: t } | TriggerChange::Replace { new: t, .. } => t
                .when
                .iter()
                .map(|w| ("`when`".to_string(), w.as_str()))
                .collect(),
            _ => Vec::new(),
        }
    }
}
