//! A plan: ordered steps, each with its SQL and hazards.

use crate::diff::Change;
use serde::{Deserialize, Serialize};

/// A risk a step carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hazard {
    /// Data is lost: a dropped table, column, enum or enum value, or a
    /// narrowing type change. Needs explicit permission.
    DataLoss,
    /// A type change whose cast may fail on existing rows.
    RiskyCast,
    /// The table is rewritten (type change, stored generated column).
    TableRewrite,
    /// Holds an ACCESS EXCLUSIVE lock while it scans the table (NOT NULL,
    /// new constraint validation, index build).
    LongLock,
    /// Fails if the table has rows: a new `NOT NULL` column without a
    /// default, which PostgreSQL refuses to add to a table that is not empty.
    NeedsEmptyTable,
}

impl Hazard {
    /// Whether this hazard makes a step destructive.
    pub fn is_destructive(&self) -> bool {
        matches!(self, Hazard::DataLoss)
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What the step does, as data.
    pub change: Change,
    /// The statements that perform it, in order, without trailing `;`.
    pub sql: Vec<String>,
    /// Its risks.
    pub hazards: Vec<Hazard>,
    /// Whether it may run inside a transaction block.
    pub transactional: bool,
}

impl Step {
    /// Whether this step loses data.
    pub fn is_destructive(&self) -> bool {
        self.hazards.iter().any(Hazard::is_destructive)
    }
}

/// An ordered list of steps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Steps in execution order.
    pub steps: Vec<Step>,
}

impl Plan {
    /// No steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The destructive steps.
    pub fn destructive_steps(&self) -> impl Iterator<Item = (usize, &Step)> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_destructive())
    }

    /// Every statement in order.
    pub fn statements(&self) -> impl Iterator<Item = &str> {
        self.steps
            .iter()
            .flat_map(|s| s.sql.iter().map(String::as_str))
    }
}
