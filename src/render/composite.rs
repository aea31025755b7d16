//! Composite types: created, attributes added, altered and dropped, the
//! type dropped.

use super::parts::Renderer;
use super::RenderError;
use crate::diff::CompositeChange;
use crate::model::QualName;
use crate::sql::{qualified, quote_ident};

/// The statements of a change to a composite type.
pub(super) fn render(r: &Renderer, c: &CompositeChange) -> Result<Vec<String>, RenderError> {
    let collate = |c: &Option<QualName>| {
        c.as_ref()
            .map(|c| format!(" COLLATE {}", qualified(c)))
            .unwrap_or_default()
    };
    Ok(match c {
        CompositeChange::Create { composite } => {
            let attrs = composite
                .attributes
                .iter()
                .map(|a| {
                    Ok(format!(
                        "{} {}{}",
                        quote_ident(&a.name),
                        r.ty(&a.ty)?,
                        collate(&a.collation)
                    ))
                })
                .collect::<Result<Vec<_>, RenderError>>()?;
            vec![format!(
                "CREATE TYPE {} AS ({})",
                qualified(&composite.name),
                attrs.join(", ")
            )]
        }
        CompositeChange::Drop { composite } => {
            vec![format!("DROP TYPE {}", qualified(&composite.name))]
        }
        CompositeChange::AddAttribute { r#type, attribute } => vec![format!(
            "ALTER TYPE {} ADD ATTRIBUTE {} {}{}",
            qualified(r#type),
            quote_ident(&attribute.name),
            r.ty(&attribute.ty)?,
            collate(&attribute.collation)
        )],
        CompositeChange::DropAttribute { r#type, name } => vec![format!(
            "ALTER TYPE {} DROP ATTRIBUTE {}",
            qualified(r#type),
            quote_ident(name)
        )],
        CompositeChange::AlterAttribute { r#type, new, .. } => vec![format!(
            "ALTER TYPE {} ALTER ATTRIBUTE {} SET DATA TYPE {}{}",
            qualified(r#type),
            quote_ident(&new.name),
            r.ty(&new.ty)?,
            collate(&new.collation)
        )],
    })
}
