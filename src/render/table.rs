//! Tables: created (columns, primary key, unique constraints and checks
//! inline), renamed, commented, dropped.

use super::column::{check_column, column_comment, column_def};
use super::constraint::{add_constraint, check_constraint, primary_key, unique};
use super::parts::{comment_on, table_ref, Renderer};
use super::RenderError;
use crate::diff::TableChange;
use crate::model::{QualName, Table};
use crate::sql::{qualified, quote_ident};
use sea_query::{Alias, PostgresQueryBuilder, Table as SqTable};

/// The statements of a change to a table.
pub(super) fn render(r: &Renderer, c: &TableChange) -> Result<Vec<String>, RenderError> {
    Ok(match c {
        TableChange::Create { table } => create_table(r, table)?,
        TableChange::Drop { name } => {
            vec![r.build(|| {
                SqTable::drop()
                    .table(table_ref(name))
                    .to_string(PostgresQueryBuilder)
            })?]
        }
        TableChange::Rename { from, to } => rename_table(r, from, to)?,
        TableChange::SetComment { table, comment } => {
            vec![comment_on("TABLE", &qualified(table), comment)]
        }
    })
}

fn create_table(r: &Renderer, t: &Table) -> Result<Vec<String>, RenderError> {
    if !t.foreign_keys.is_empty() || !t.indexes.is_empty() {
        return Err(r.invalid("foreign keys and indexes must come as their own changes"));
    }
    let mut items = Vec::with_capacity(t.columns.len() + t.uniques.len() + t.checks.len() + 1);
    for c in &t.columns {
        check_column(r, c)?;
        items.push(column_def(c));
    }
    if let Some(pk) = &t.primary_key {
        items.push(primary_key(r, pk)?);
    }
    // CREATE TABLE silently drops a unique constraint on the same columns
    // as the primary key or an earlier unique constraint; ALTER TABLE
    // keeps it.
    let mut keys: Vec<&[String]> = t.primary_key.iter().map(|p| &p.columns[..]).collect();
    let mut redundant = Vec::new();
    for u in &t.uniques {
        if keys.contains(&&u.columns[..]) {
            redundant.push(add_constraint(&t.name, &unique(r, u)?));
        } else {
            items.push(unique(r, u)?);
            keys.push(&u.columns);
        }
    }
    items.extend(t.checks.iter().map(check_constraint));
    let name = qualified(&t.name);
    let mut out = vec![if items.is_empty() {
        format!("CREATE TABLE {name} ()")
    } else {
        format!("CREATE TABLE {name} (\n    {}\n)", items.join(",\n    "))
    }];
    out.extend(redundant);
    if t.comment.is_some() {
        out.push(comment_on("TABLE", &name, &t.comment));
    }
    for c in t.columns.iter().filter(|c| c.comment.is_some()) {
        out.push(column_comment(&t.name, &c.name, &c.comment));
    }
    Ok(out)
}

fn rename_table(r: &Renderer, from: &QualName, to: &QualName) -> Result<Vec<String>, RenderError> {
    let mut out = Vec::new();
    let mut current = from.clone();
    if from.schema != to.schema {
        out.push(format!(
            "ALTER TABLE {} SET SCHEMA {}",
            qualified(from),
            quote_ident(&to.schema)
        ));
        current.schema = to.schema.clone();
    }
    if from.name != to.name {
        // The new name is unqualified: a table cannot change schema by rename.
        out.push(r.build(|| {
            SqTable::rename()
                .table(table_ref(&current), Alias::new(to.name.clone()))
                .to_string(PostgresQueryBuilder)
        })?);
    }
    Ok(out)
}
