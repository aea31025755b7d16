//! Changes to a trigger.

use crate::model::{QualName, Trigger, TriggerEnabled};
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

impl TriggerChange {
    /// The step kind, e.g. `CreateTrigger`.
    pub fn kind(&self) -> &'static str {
        match self {
            TriggerChange::Create { .. } => "CreateTrigger",
            TriggerChange::Replace { .. } => "ReplaceTrigger",
            TriggerChange::Drop { .. } => "DropTrigger",
            TriggerChange::SetEnabled { .. } => "SetTriggerEnabled",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            TriggerChange::Create { trigger } | TriggerChange::Drop { trigger } => trigger.label(),
            TriggerChange::Replace { new, .. } => new.label(),
            TriggerChange::SetEnabled { table, name, .. } => format!("{name} on {table}"),
        }
    }
}
