//! Enum types: created, values added, recreated (values removed or
//! reordered), dropped.

use super::ident::render_type;
use super::parts::parked_name;
use crate::diff::{EnumChange, EnumColumn};
use crate::model::{ColumnType, EnumType, QualName};
use crate::sql::{qualified, quote_ident, quote_literal};

/// The statements of a change to an enum type.
pub(super) fn render(c: &EnumChange) -> Vec<String> {
    match c {
        EnumChange::Create { r#enum } => vec![create_enum(r#enum)],
        EnumChange::Drop { name } => vec![format!("DROP TYPE {}", qualified(name))],
        EnumChange::AddValue {
            r#enum,
            value,
            before,
        } => {
            let mut s = format!(
                "ALTER TYPE {} ADD VALUE {}",
                qualified(r#enum),
                quote_literal(value)
            );
            if let Some(b) = before {
                s.push_str(" BEFORE ");
                s.push_str(&quote_literal(b));
            }
            vec![s]
        }
        EnumChange::Recreate { old, new, columns } => recreate_enum(old, new, columns),
    }
}

fn create_enum(e: &EnumType) -> String {
    let labels: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qualified(&e.name),
        labels.join(", ")
    )
}

/// Renames the old type out of the way, creates the new one, re-casts every
/// column through text and drops the old type.
///
/// PostgreSQL cannot cast a column default that mentions the type: the
/// default is dropped before the cast and the declared one (see
/// [`EnumColumn::default`]) set after it.
fn recreate_enum(old: &EnumType, new: &EnumType, columns: &[EnumColumn]) -> Vec<String> {
    let parked = QualName::new(old.name.schema.clone(), parked_name(&old.name.name));
    let mut out = vec![
        format!(
            "ALTER TYPE {} RENAME TO {}",
            qualified(&old.name),
            quote_ident(&parked.name)
        ),
        create_enum(new),
    ];
    for col in columns {
        let c = quote_ident(&col.column);
        let ty = render_type(&ColumnType::named(new.name.clone(), col.array));
        let via = if col.array { "text[]" } else { "text" };
        let mut clauses = Vec::new();
        if col.has_default {
            clauses.push(format!("ALTER COLUMN {c} DROP DEFAULT"));
        }
        clauses.push(format!("ALTER COLUMN {c} TYPE {ty} USING {c}::{via}::{ty}"));
        if let Some(d) = &col.default {
            clauses.push(format!("ALTER COLUMN {c} SET DEFAULT {d}"));
        }
        out.push(format!(
            "ALTER TABLE {} {}",
            qualified(&col.table),
            clauses.join(", ")
        ));
    }
    out.push(format!("DROP TYPE {}", qualified(&parked)));
    out
}
