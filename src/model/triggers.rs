//! Triggers on tables and views.

use crate::sql::normalize_expr;
use crate::sql::QualName;
use serde::{Deserialize, Serialize};

/// `BEFORE`, `AFTER` or `INSTEAD OF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    /// `BEFORE`.
    Before,
    /// `AFTER`.
    After,
    /// `INSTEAD OF` (views, row level).
    InsteadOf,
}

/// An event that fires a trigger, in the order PostgreSQL prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    /// `INSERT`.
    Insert,
    /// `DELETE`.
    Delete,
    /// `UPDATE` (of the columns in [`Trigger::update_of`], when any).
    Update,
    /// `TRUNCATE` (statement level).
    Truncate,
}

/// Whether a trigger fires (`ALTER TABLE … ENABLE / DISABLE TRIGGER`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEnabled {
    /// Fires in the default `session_replication_role` (`ENABLE`).
    #[default]
    Origin,
    /// Fires always (`ENABLE ALWAYS`).
    Always,
    /// Fires only on replicas (`ENABLE REPLICA`).
    Replica,
    /// Never fires (`DISABLE`).
    Disabled,
}

impl TriggerEnabled {
    /// Is this the default?
    pub fn is_default(&self) -> bool {
        *self == TriggerEnabled::Origin
    }
}

/// A trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// The table or view it is on.
    pub table: QualName,
    /// Its name (unique per table).
    pub name: String,
    /// When it fires.
    pub timing: TriggerTiming,
    /// What fires it, sorted.
    pub events: Vec<TriggerEvent>,
    /// `UPDATE OF` these columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_of: Vec<String>,
    /// `FOR EACH ROW` (else `FOR EACH STATEMENT`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub for_each_row: bool,
    /// `WHEN (…)`: the condition, as `pg_get_triggerdef` prints it inside
    /// the parentheses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The trigger function (no arguments, returns `trigger`).
    pub function: QualName,
    /// Arguments passed to the function (`TG_ARGV`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// `REFERENCING OLD TABLE AS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_table: Option<String>,
    /// `REFERENCING NEW TABLE AS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_table: Option<String>,
    /// Enabled state.
    #[serde(default, skip_serializing_if = "TriggerEnabled::is_default")]
    pub enabled: TriggerEnabled,
    /// `COMMENT ON TRIGGER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Trigger {
    /// Normal form: events sorted, the condition normalised, an empty
    /// comment is none.
    pub fn normalize(&mut self) {
        self.events.sort();
        self.events.dedup();
        if let Some(w) = &mut self.when {
            *w = normalize_expr(w);
        }
        if self.comment.as_deref() == Some("") {
            self.comment = None;
        }
    }

    /// `name on table`, for messages.
    pub fn label(&self) -> String {
        format!("{} on {}", self.name, self.table)
    }
}
