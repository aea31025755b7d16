//! Changes to the comment of an object other than a table or column.

use super::CommentTarget;
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

impl CommentChange {
    /// The step kind, e.g. `SetObjectComment`.
    pub fn kind(&self) -> &'static str {
        match self {
            CommentChange::Set { .. } => "SetObjectComment",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            CommentChange::Set { target, .. } => target.to_string(),
        }
    }
}
