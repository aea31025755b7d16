//! Changes to the comment of an object other than a table or column.

use super::CommentTarget;
use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::plan::order::layer;
use serde::{Deserialize, Serialize};

/// A change to the comment of an object other than a table or column.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum CommentChange {
    /// `COMMENT ON` an object other than a table or a column.
    #[serde(rename = "SetObjectComment")]
    Set {
        /// The object.
        target: CommentTarget,
        /// New comment, `None` removes it.
        comment: Option<String>,
    },
}

impl Facts for CommentChange {
    /// The step kind, e.g. `SetObjectComment`.
    fn kind(&self) -> &'static str {
        match self {
            CommentChange::Set { .. } => "SetObjectComment",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            CommentChange::Set { target, .. } => target.to_string(),
        }
    }

    /// Once every object exists.
    fn rank(&self) -> u8 {
        layer::LAST
    }

    fn tie_break(&self) -> u8 {
        5
    }

    fn ordered(&self) -> bool {
        true
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let CommentChange::Set { target, .. } = self;
        vec![match target {
            CommentTarget::View { name } | CommentTarget::MaterializedView { name } => {
                ObjectKey::View { name: name.clone() }
            }
            CommentTarget::Sequence { name } => ObjectKey::Sequence { name: name.clone() },
            CommentTarget::Function { name, args, .. } => ObjectKey::Function {
                name: name.clone(),
                args: args.iter().map(|t| t.canonical()).collect(),
            },
            CommentTarget::Trigger { table, name } => ObjectKey::Trigger {
                table: table.clone(),
                name: name.clone(),
            },
        }]
    }

    fn drift(&self) -> String {
        "comment changed outside graft".into()
    }
}
