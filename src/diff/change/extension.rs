//! Changes to an extension.

use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::plan::order::layer;
use serde::{Deserialize, Serialize};

/// A change to an extension.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ExtensionChange {
    /// `CREATE EXTENSION IF NOT EXISTS`, then `UPDATE TO` the declared
    /// version (in case it existed already at another one).
    #[serde(rename = "CreateExtension")]
    Create {
        /// Extension name.
        name: String,
        /// `VERSION`, when declared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// `SCHEMA`, when declared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schema: Option<String>,
    },
    /// `ALTER EXTENSION … UPDATE TO` and/or `SET SCHEMA`.
    #[serde(rename = "AlterExtension")]
    Alter {
        /// Extension name.
        name: String,
        /// The version to update to, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// The namespace to move it to, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schema: Option<String>,
    },
    /// `DROP EXTENSION`.
    #[serde(rename = "DropExtension")]
    Drop {
        /// Extension name.
        name: String,
    },
}

impl Facts for ExtensionChange {
    /// The step kind, e.g. `CreateExtension`.
    fn kind(&self) -> &'static str {
        match self {
            ExtensionChange::Create { .. } => "CreateExtension",
            ExtensionChange::Alter { .. } => "AlterExtension",
            ExtensionChange::Drop { .. } => "DropExtension",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            ExtensionChange::Create { name, .. }
            | ExtensionChange::Alter { name, .. }
            | ExtensionChange::Drop { name } => name.clone(),
        }
    }

    /// Created and updated before the types that may come from them,
    /// dropped after the types.
    fn rank(&self) -> u8 {
        match self {
            ExtensionChange::Create { .. } | ExtensionChange::Alter { .. } => layer::EXTENSIONS,
            ExtensionChange::Drop { .. } => layer::DROP_EXTENSIONS,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            ExtensionChange::Create { name, .. }
            | ExtensionChange::Alter { name, .. }
            | ExtensionChange::Drop { name } => vec![ObjectKey::Extension { name: name.clone() }],
        }
    }

    fn drift(&self) -> String {
        match self {
            ExtensionChange::Create { .. } => "added outside graft".into(),
            ExtensionChange::Drop { .. } => "dropped outside graft".into(),
            ExtensionChange::Alter {
                version, schema, ..
            } => {
                let mut parts = Vec::new();
                if let Some(v) = version {
                    parts.push(format!("version now {v}"));
                }
                if let Some(s) = schema {
                    parts.push(format!("namespace now {s}"));
                }
                format!("changed outside graft ({})", parts.join(", "))
            }
        }
    }
}
