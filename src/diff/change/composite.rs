//! Changes to a composite type.

use crate::model::{Attribute, CompositeType, QualName};
use serde::{Deserialize, Serialize};

/// A change to a composite type.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum CompositeChange {
    /// `CREATE TYPE … AS (…)`.
    #[serde(rename = "CreateCompositeType")]
    Create {
        /// The new type.
        composite: CompositeType,
    },
    /// `DROP TYPE` of a composite type. Destructive. Carries the old
    /// definition (see [`DomainChange::Drop`](crate::diff::DomainChange::Drop)).
    #[serde(rename = "DropCompositeType")]
    Drop {
        /// The type as it was.
        composite: CompositeType,
    },
    /// `ALTER TYPE … ADD ATTRIBUTE` (at the end of the type).
    #[serde(rename = "AddAttribute")]
    AddAttribute {
        /// The composite type.
        r#type: QualName,
        /// The new attribute.
        attribute: Attribute,
    },
    /// `ALTER TYPE … DROP ATTRIBUTE`. Destructive.
    #[serde(rename = "DropAttribute")]
    DropAttribute {
        /// The composite type.
        r#type: QualName,
        /// Attribute name.
        name: String,
    },
    /// `ALTER TYPE … ALTER ATTRIBUTE … SET DATA TYPE … [COLLATE …]`.
    #[serde(rename = "AlterAttribute")]
    AlterAttribute {
        /// The composite type.
        r#type: QualName,
        /// The attribute as it was.
        old: Attribute,
        /// The attribute as it must become.
        new: Attribute,
    },
}

impl CompositeChange {
    /// The step kind, e.g. `CreateCompositeType`.
    pub fn kind(&self) -> &'static str {
        match self {
            CompositeChange::Create { .. } => "CreateCompositeType",
            CompositeChange::Drop { .. } => "DropCompositeType",
            CompositeChange::AddAttribute { .. } => "AddAttribute",
            CompositeChange::DropAttribute { .. } => "DropAttribute",
            CompositeChange::AlterAttribute { .. } => "AlterAttribute",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            CompositeChange::Create { composite } | CompositeChange::Drop { composite } => {
                composite.name.to_string()
            }
            CompositeChange::AddAttribute { r#type, attribute } => {
                format!("{type}.{}", attribute.name)
            }
            CompositeChange::DropAttribute { r#type, name } => format!("{type}.{name}"),
            CompositeChange::AlterAttribute { r#type, new, .. } => format!("{type}.{}", new.name),
        }
    }
}
