//! A plugin's move from its head to a target (an upgrade, a downgrade or a
//! rollback) is a [`Transition`]: segments of DDL steps and hand-written
//! migration parts, run in order in the migration transaction:
//!
//! ```text
//! [before ups] [diff head -> expanded] [after downs] [after ups] [diff expanded -> target] [before downs]
//! ```
//!
//! Without `after` parts there is one diff (`head -> target`) and no
//! expanded schema (see [`super::expand`]). Scripts of several versions run in
//! `(version, seq)` order (downs in the reverse order) within their phase:
//! a jump from 1.0 to 1.3 runs every `before` migration of 1.1 to 1.3 on
//! the 1.0 schema, then one diff to the expanded 1.3 schema, then every
//! `after` migration, then the rest of the diff; the schemas of the
//! intermediate versions are not known, only the declared one.

use crate::scripts::{Action, Phase, Validate};
use crate::snapshot::{Snapshot, SnapshotHash};
use semver::Version;
use serde::Serialize;
use std::time::Duration;

/// Which way a hand-written migration part runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Its up part (an upgrade).
    Up,
    /// Its down part (a rollback or downgrade).
    Down,
}

/// One hand-written migration part in a [`Transition`].
#[derive(Debug, Clone, Serialize)]
pub struct ScriptRun {
    /// `<version>-<seq>-<name>`.
    pub id: String,
    /// Its version.
    #[serde(serialize_with = "display")]
    pub version: Version,
    /// Its seq.
    pub seq: u32,
    /// Its phase.
    pub phase: Phase,
    /// Up or down.
    pub direction: Direction,
    /// Its checksum.
    pub checksum: String,
    /// The file, or `closure`.
    pub source: String,
    /// The SQL that runs (`None` for closures and skipped parts).
    pub sql: Option<String>,
    /// Recorded without running: on a first install (unless the migration
    /// says `on-install run`), where the data it migrates never existed.
    pub skip: bool,
    /// What runs.
    #[serde(skip)]
    pub action: Option<Action>,
    /// The precondition (ups only).
    #[serde(skip)]
    pub validate: Option<Validate>,
    /// `statement_timeout` while it runs.
    #[serde(skip)]
    pub timeout: Option<Duration>,
    /// Stored in `_scripts` when it runs up.
    #[serde(skip)]
    pub up_sql: Option<String>,
    /// Stored in `_scripts` when it runs up.
    #[serde(skip)]
    pub down_sql: Option<String>,
    /// Stored in `_scripts` when it runs up.
    #[serde(skip)]
    pub has_down: bool,
}

fn display<S: serde::Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// One part of a [`Transition`].
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "segment", rename_all = "snake_case")]
pub enum Segment {
    /// Steps `from..to` (0-based) of the plugin plan.
    Steps {
        /// First step.
        from: usize,
        /// One past the last step.
        to: usize,
    },
    /// A hand-written migration part.
    Script(Box<ScriptRun>),
}

/// What the record of a transition says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    /// An upgrade (`_migrations.kind = 'schema'`).
    Upgrade,
    /// A rollback or an allowed downgrade (`kind = 'rollback'`).
    Rollback,
}

/// A plugin's move from its head to a target, with hand-written migrations.
#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    /// Upgrade or rollback.
    pub kind: TransitionKind,
    /// `_migrations.name` of the main row.
    pub name: String,
    /// The version recorded afterwards.
    pub version: Option<String>,
    /// What runs, in order.
    pub segments: Vec<Segment>,
    /// The ids applied afterwards (recorded with the new snapshot).
    pub applied_after: Vec<String>,
    /// Their digest (`_journal.scripts_hash`).
    pub scripts_hash: Option<SnapshotHash>,
    /// The snapshot recorded as the new head.
    #[serde(skip)]
    pub snapshot: Snapshot,
}

impl Transition {
    /// The hand-written migration parts, in order.
    pub fn scripts(&self) -> impl Iterator<Item = &ScriptRun> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Script(r) => Some(&**r),
            Segment::Steps { .. } => None,
        })
    }
}
