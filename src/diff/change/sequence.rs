//! Changes to a standalone sequence.

use crate::model::{QualName, Sequence, SequenceOwner};
use serde::{Deserialize, Serialize};

/// A change to a standalone sequence.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum SequenceChange {
    /// `CREATE SEQUENCE` with its options and comment; its owner comes as a
    /// [`SequenceChange::SetOwner`](crate::diff::SequenceChange::SetOwner), once the table exists.
    #[serde(rename = "CreateSequence")]
    Create {
        /// The new sequence.
        sequence: Sequence,
    },
    /// `ALTER SEQUENCE` to new options (the current value is kept).
    #[serde(rename = "AlterSequence")]
    Alter {
        /// The sequence as it was.
        old: Sequence,
        /// The sequence as it must become.
        new: Sequence,
    },
    /// `ALTER SEQUENCE … OWNED BY`: `None` (early, so that dropping the
    /// old owner does not take the sequence with it) or the new owner
    /// (late, once it exists).
    #[serde(rename = "SetSequenceOwner")]
    SetOwner {
        /// The sequence.
        name: QualName,
        /// The owner, or none.
        owned_by: Option<SequenceOwner>,
    },
    /// `DROP SEQUENCE`. Destructive: its current value is lost.
    #[serde(rename = "DropSequence")]
    Drop {
        /// The sequence.
        name: QualName,
    },
}

impl SequenceChange {
    /// The step kind, e.g. `CreateSequence`.
    pub fn kind(&self) -> &'static str {
        match self {
            SequenceChange::Create { .. } => "CreateSequence",
            SequenceChange::Alter { .. } => "AlterSequence",
            SequenceChange::SetOwner { .. } => "SetSequenceOwner",
            SequenceChange::Drop { .. } => "DropSequence",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            SequenceChange::Create { sequence } => sequence.name.to_string(),
            SequenceChange::Alter { new, .. } => new.name.to_string(),
            SequenceChange::SetOwner { name, .. } | SequenceChange::Drop { name } => {
                name.to_string()
            }
        }
    }
}
