//! What every kind's statements are made of: the change being rendered
//! (for errors), sea-query's table references, identifier lists,
//! `COMMENT ON`, and the name a recreated type is parked under.

use super::ident::is_safe_builtin;
use super::RenderError;
use crate::diff::{Change, ColumnChange, TableChange};
use crate::model::{BaseType, ColumnType, QualName, MAX_IDENT_BYTES};
use crate::sql::{quote_ident, quote_literal};
use sea_query::{Alias, TableRef};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The change being rendered, for error context.
pub(super) struct Renderer<'a> {
    pub(super) change: &'a Change,
}

impl Renderer<'_> {
    /// An error about the change.
    pub(super) fn invalid(&self, reason: impl Into<String>) -> RenderError {
        RenderError::Invalid {
            kind: self.change.kind(),
            subject: self.change.subject(),
            reason: reason.into(),
        }
    }

    /// Runs a sea-query builder, turning a panic into an error.
    pub(super) fn build(&self, f: impl FnOnce() -> String) -> Result<String, RenderError> {
        catch_unwind(AssertUnwindSafe(f)).map_err(|p| RenderError::Builder {
            kind: self.change.kind(),
            subject: self.change.subject(),
            message: p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string()),
        })
    }

    /// A built-in type as SQL, rejecting type texts that are not plain type
    /// names (possible only from a hand-edited snapshot, since declarations
    /// and introspection produce canonical spellings).
    pub(super) fn ty(&self, t: &ColumnType) -> Result<String, RenderError> {
        match &t.base {
            BaseType::Builtin(b) if !is_safe_builtin(b) => {
                Err(self.invalid(format!("`{b}` is not a type name")))
            }
            _ => Ok(super::render_type(t)),
        }
    }

    /// Checks the column types of a table or column change (see
    /// [`Renderer::ty`]).
    pub(super) fn check_types(&self) -> Result<(), RenderError> {
        let check = |ty: &ColumnType| self.ty(ty).map(drop);
        match self.change {
            Change::Table(TableChange::Create { table }) => {
                table.columns.iter().try_for_each(|c| check(&c.ty))
            }
            Change::Column(ColumnChange::Add { column, .. }) => check(&column.ty),
            Change::Column(ColumnChange::Alter { old, new, .. }) => {
                check(&old.ty).and(check(&new.ty))
            }
            _ => Ok(()),
        }
    }
}

/// A sea-query table reference with owned (hence escaped) identifiers.
pub(super) fn table_ref(name: &QualName) -> TableRef {
    (
        Alias::new(name.schema.clone()),
        Alias::new(name.name.clone()),
    )
        .into()
}

pub(super) fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn comment_on(what: &str, target: &str, comment: &Option<String>) -> String {
    let value = comment
        .as_deref()
        .map_or_else(|| "NULL".to_string(), quote_literal);
    format!("COMMENT ON {what} {target} IS {value}")
}

/// `<name>__graft_old`, shortened to fit PostgreSQL's identifier length.
pub(super) fn parked_name(name: &str) -> String {
    const SUFFIX: &str = "__graft_old";
    let mut end = name.len().min(MAX_IDENT_BYTES - SUFFIX.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{SUFFIX}", &name[..end])
}
