//! Changes to a standalone sequence.

use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::model::{QualName, Sequence, SequenceOwner};
use crate::plan::order::layer;
use crate::plan::Hazard;
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

impl Facts for SequenceChange {
    /// The step kind, e.g. `CreateSequence`.
    fn kind(&self) -> &'static str {
        match self {
            SequenceChange::Create { .. } => "CreateSequence",
            SequenceChange::Alter { .. } => "AlterSequence",
            SequenceChange::SetOwner { .. } => "SetSequenceOwner",
            SequenceChange::Drop { .. } => "DropSequence",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            SequenceChange::Create { sequence } => sequence.name.to_string(),
            SequenceChange::Alter { new, .. } => new.name.to_string(),
            SequenceChange::SetOwner { name, .. } | SequenceChange::Drop { name } => {
                name.to_string()
            }
        }
    }

    /// Created and altered before the tables whose defaults draw from
    /// them; detached from an old owner before drops (which would take
    /// them along), attached to a new one once it exists; dropped once no
    /// default uses them.
    fn rank(&self) -> u8 {
        match self {
            SequenceChange::Create { .. } | SequenceChange::Alter { .. } => layer::TYPES,
            SequenceChange::SetOwner { owned_by: None, .. } => layer::EARLY_DROPS,
            SequenceChange::SetOwner { .. } => layer::LATE_CREATES,
            SequenceChange::Drop { .. } => layer::DROP_TYPES,
        }
    }

    fn tie_break(&self) -> u8 {
        match self {
            SequenceChange::Create { .. } | SequenceChange::Alter { .. } => 1,
            _ => 0,
        }
    }

    /// A drop loses the current value; a narrower range restarts the
    /// sequence.
    fn hazards(&self) -> Vec<Hazard> {
        match self {
            SequenceChange::Drop { .. } => vec![Hazard::DataLoss],
            SequenceChange::Alter { old, new } if !new.keeps_values_of(old) => {
                vec![Hazard::DataLoss]
            }
            _ => Vec::new(),
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let name = match self {
            SequenceChange::Create { sequence } => &sequence.name,
            SequenceChange::Alter { new, .. } => &new.name,
            SequenceChange::SetOwner { name, .. } | SequenceChange::Drop { name } => name,
        };
        vec![ObjectKey::Sequence { name: name.clone() }]
    }

    fn drift(&self) -> String {
        match self {
            SequenceChange::Create { .. } => "added outside graft".into(),
            SequenceChange::Drop { .. } => "dropped outside graft".into(),
            SequenceChange::Alter { .. } => "options changed outside graft".into(),
            SequenceChange::SetOwner { .. } => "owner changed outside graft".into(),
        }
    }
}
