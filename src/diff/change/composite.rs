//! Changes to a composite type.

use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::model::usertypes::named;
use crate::model::{Attribute, CompositeType, QualName};
use crate::plan::order::layer;
use crate::plan::Hazard;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

impl Facts for CompositeChange {
    /// The step kind, e.g. `CreateCompositeType`.
    fn kind(&self) -> &'static str {
        match self {
            CompositeChange::Create { .. } => "CreateCompositeType",
            CompositeChange::Drop { .. } => "DropCompositeType",
            CompositeChange::AddAttribute { .. } => "AddAttribute",
            CompositeChange::DropAttribute { .. } => "DropAttribute",
            CompositeChange::AlterAttribute { .. } => "AlterAttribute",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
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

    /// Created and altered with the other types, in the order of what they
    /// are built on; dropped with them, users first.
    fn rank(&self) -> u8 {
        match self {
            CompositeChange::Drop { .. } => layer::DROP_TYPES,
            _ => layer::TYPES,
        }
    }

    fn ordered(&self) -> bool {
        !matches!(self, CompositeChange::DropAttribute { .. })
    }

    fn provides(&self) -> Option<&QualName> {
        match self {
            CompositeChange::Create { composite } => Some(&composite.name),
            _ => None,
        }
    }

    /// A new type needs what it is built on; a new or changed attribute
    /// its type.
    fn needs(&self) -> BTreeSet<QualName> {
        match self {
            CompositeChange::Create { composite } => composite.uses(),
            CompositeChange::AddAttribute { attribute, .. }
            | CompositeChange::AlterAttribute { new: attribute, .. } => {
                named(&attribute.ty).into_iter().cloned().collect()
            }
            _ => BTreeSet::new(),
        }
    }

    fn drop_edges(&self) -> Option<(&QualName, BTreeSet<QualName>)> {
        match self {
            CompositeChange::Drop { composite } => Some((&composite.name, composite.uses())),
            _ => None,
        }
    }

    /// Dropping the type or an attribute loses data.
    fn hazards(&self) -> Vec<Hazard> {
        match self {
            CompositeChange::Drop { .. } | CompositeChange::DropAttribute { .. } => {
                vec![Hazard::DataLoss]
            }
            _ => Vec::new(),
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let name = match self {
            CompositeChange::Create { composite } | CompositeChange::Drop { composite } => {
                &composite.name
            }
            CompositeChange::AddAttribute { r#type, .. }
            | CompositeChange::DropAttribute { r#type, .. }
            | CompositeChange::AlterAttribute { r#type, .. } => r#type,
        };
        vec![ObjectKey::CompositeType { name: name.clone() }]
    }

    fn drift(&self) -> String {
        match self {
            CompositeChange::Create { .. } => "added outside graft".into(),
            CompositeChange::Drop { .. } => "dropped outside graft".into(),
            CompositeChange::AddAttribute { attribute, .. } => {
                format!("attribute `{}` added outside graft", attribute.name)
            }
            CompositeChange::DropAttribute { name, .. } => {
                format!("attribute `{name}` dropped outside graft")
            }
            CompositeChange::AlterAttribute { new, .. } => {
                format!("attribute `{}` changed outside graft", new.name)
            }
        }
    }
}
