//! Table constraints: primary keys, unique constraints, checks and
//! foreign keys, added, renamed and dropped.

use super::parts::{ident_list, table_ref, Renderer};
use super::RenderError;
use crate::diff::ConstraintChange;
use crate::model::{Check, Deferrable, FkAction, ForeignKey, PrimaryKey, QualName, Unique};
use crate::sql::{qualified, quote_ident};
use sea_query::{Alias, PostgresQueryBuilder, Table as SqTable};

/// The statements of a change to a constraint.
pub(super) fn render(r: &Renderer, c: &ConstraintChange) -> Result<Vec<String>, RenderError> {
    Ok(match c {
        ConstraintChange::AddPrimaryKey { table, pk } => {
            vec![add_constraint(table, &primary_key(r, pk)?)]
        }
        ConstraintChange::AddUnique { table, unique: u } => {
            vec![add_constraint(table, &unique(r, u)?)]
        }
        ConstraintChange::AddCheck { table, check } => {
            vec![add_constraint(table, &check_constraint(check))]
        }
        ConstraintChange::AddForeignKey { table, fk } => {
            vec![add_constraint(table, &foreign_key(r, fk)?)]
        }
        ConstraintChange::DropPrimaryKey { table, name }
        | ConstraintChange::DropUnique { table, name }
        | ConstraintChange::DropCheck { table, name }
        | ConstraintChange::DropForeignKey { table, name } => vec![r.build(|| {
            SqTable::alter()
                .table(table_ref(table))
                .drop_constraint(Alias::new(name.clone()))
                .to_string(PostgresQueryBuilder)
        })?],
        ConstraintChange::Rename { table, from, to } => vec![format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            qualified(table),
            quote_ident(from),
            quote_ident(to)
        )],
    })
}

pub(super) fn primary_key(r: &Renderer, pk: &PrimaryKey) -> Result<String, RenderError> {
    if pk.columns.is_empty() {
        return Err(r.invalid(format!("primary key `{}` has no columns", pk.name)));
    }
    Ok(format!(
        "CONSTRAINT {} PRIMARY KEY ({})",
        quote_ident(&pk.name),
        ident_list(&pk.columns)
    ))
}

pub(super) fn unique(r: &Renderer, u: &Unique) -> Result<String, RenderError> {
    if u.columns.is_empty() {
        return Err(r.invalid(format!("unique constraint `{}` has no columns", u.name)));
    }
    Ok(format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_ident(&u.name),
        ident_list(&u.columns)
    ))
}

fn foreign_key(r: &Renderer, fk: &ForeignKey) -> Result<String, RenderError> {
    if fk.columns.is_empty() || fk.columns.len() != fk.ref_columns.len() {
        return Err(r.invalid(format!(
            "foreign key `{}` has {} columns referencing {}",
            fk.name,
            fk.columns.len(),
            fk.ref_columns.len()
        )));
    }
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_ident(&fk.name),
        ident_list(&fk.columns),
        qualified(&fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    if !fk.on_delete.is_default() {
        s.push_str(" ON DELETE ");
        s.push_str(fk_action(fk.on_delete));
    }
    if !fk.on_update.is_default() {
        s.push_str(" ON UPDATE ");
        s.push_str(fk_action(fk.on_update));
    }
    match fk.deferrable {
        Deferrable::No => {}
        Deferrable::Immediate => s.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        Deferrable::Deferred => s.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
    Ok(s)
}

fn fk_action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "NO ACTION",
        FkAction::Restrict => "RESTRICT",
        FkAction::Cascade => "CASCADE",
        FkAction::SetNull => "SET NULL",
        FkAction::SetDefault => "SET DEFAULT",
    }
}

pub(super) fn check_constraint(c: &Check) -> String {
    format!("CONSTRAINT {} CHECK ({})", quote_ident(&c.name), c.expr)
}

pub(super) fn add_constraint(table: &QualName, constraint: &str) -> String {
    format!("ALTER TABLE {} ADD {constraint}", qualified(table))
}
