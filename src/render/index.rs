//! Indexes of tables and materialized views: created, renamed, dropped.

use super::parts::{ident_list, Renderer};
use super::RenderError;
use crate::diff::IndexChange;
use crate::model::{Index, IndexTarget, QualName};
use crate::sql::{qualified, quote_ident};

/// The statements of a change to an index.
pub(super) fn render(r: &Renderer, c: &IndexChange) -> Result<Vec<String>, RenderError> {
    Ok(match c {
        IndexChange::Create { table, index } => vec![create_index(r, table, index)?],
        IndexChange::Drop { table, name } => vec![format!(
            "DROP INDEX {}.{}",
            quote_ident(&table.schema),
            quote_ident(name)
        )],
        IndexChange::Rename { table, from, to } => vec![format!(
            "ALTER INDEX {}.{} RENAME TO {}",
            quote_ident(&table.schema),
            quote_ident(from),
            quote_ident(to)
        )],
    })
}

pub(super) fn create_index(
    r: &Renderer,
    table: &QualName,
    index: &Index,
) -> Result<String, RenderError> {
    if index.keys.is_empty() {
        return Err(r.invalid("an index needs at least one key"));
    }
    let keys: Vec<String> = index
        .keys
        .iter()
        .map(|k| {
            let mut s = match &k.target {
                IndexTarget::Column(c) => quote_ident(c),
                IndexTarget::Expr(e) => format!("({e})"),
            };
            if k.desc {
                s.push_str(" DESC");
            }
            match k.nulls_first {
                Some(true) => s.push_str(" NULLS FIRST"),
                Some(false) => s.push_str(" NULLS LAST"),
                None => {}
            }
            s
        })
        .collect();
    let mut s = format!(
        "CREATE {}INDEX {} ON {} USING {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        qualified(table),
        quote_ident(if index.method.is_empty() {
            "btree"
        } else {
            &index.method
        }),
        keys.join(", ")
    );
    if !index.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", ident_list(&index.include)));
    }
    if let Some(p) = &index.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    Ok(s)
}
