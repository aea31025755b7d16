//! Renders typed changes as PostgreSQL SQL, and plans as text.
//!
//! [`render_step`] turns one [`Change`] into a [`Step`]: its statements, its
//! hazards (from [`crate::plan::hazard`]) and whether it may run in a
//! transaction. [`plan_text`] and [`plan_sql`] print a whole [`Plan`](crate::plan::Plan).
//!
//! # Conventions
//!
//! - **Identifiers are always quoted** and escaped by [`quote_ident`]
//!   (embedded `"` doubled), schema-qualified where PostgreSQL allows it.
//!   No name from a declaration reaches SQL any other way.
//! - **Literals** (comments, enum labels) go through [`quote_literal`].
//! - **Expressions** (defaults, checks, index predicates and expressions,
//!   generation expressions) are inserted verbatim: they are SQL by
//!   definition. Index expressions are wrapped in parentheses.
//! - **Types**: built-in types verbatim in their canonical spelling, user
//!   types qualified and quoted ([`render_type`]).
//! - **Keywords upper case**; one space between tokens; `CREATE TABLE` lists
//!   its columns and constraints one per line, indented by four spaces.
//! - **No trailing `;`**: a step holds bare statements; [`plan_sql`] and
//!   [`plan_text`] add the separators.
//! - Statements never use `CONCURRENTLY` and are all transactional: a plan
//!   is applied inside one transaction.
//! - sea-query builds the statements it can build safely (`DROP TABLE`,
//!   `RENAME`, `ADD`/`DROP`/`RENAME COLUMN`, `DROP CONSTRAINT`), always with
//!   owned identifiers, which its Postgres backend escapes; builder panics
//!   are caught and returned as [`RenderError::Builder`]. Everything sea-query
//!   cannot say, or says unsafely (index and constraint names, custom types,
//!   comments, identity, enums, schemas), is written here with
//!   [`quote_ident`].
//!
//! # What PostgreSQL 15 does not allow, and how each change copes
//!
//! Checked against a PostgreSQL 15 server.
//!
//! - **Changed generation expression**: no `SET EXPRESSION` before 17, so
//!   `AlterColumn` drops the column and adds it again (at the end of the
//!   table, its comment re-set). Indexes and constraints on that column go
//!   with it: the diff drops them before and adds them back after.
//! - **Type change of a column that a generated column reads**: refused by
//!   PostgreSQL ("cannot alter type of a column used by a generated
//!   column"); the plan must drop and re-add the generated column around it.
//! - **Type change with a default**: `USING` does not apply to the default,
//!   so unless the cast is binary coercible the default is dropped before
//!   the `TYPE` clause and set again after it, in the same statement.
//! - **Type change of a generated column**: PostgreSQL refuses `USING`; the
//!   value is recomputed.
//! - **New identity on a filled column**: the sequence would start at 1, so
//!   a `SELECT setval(…)` moves it past the largest value.
//! - **`RecreateEnum`**: the old type is renamed to `<name>__graft_old`, the
//!   new one created, every listed column re-cast through `text`, the old
//!   type dropped. A column default is dropped before the cast and the
//!   declared one set after it. An index or check constraint that names the
//!   type would make the cast fail: the diff drops it before and adds it
//!   back after.
//! - **`AddEnumValue`** runs in a transaction, but the new label cannot be
//!   used (as a default, in a check, in a row) before that transaction
//!   commits, unless the type was created in the same transaction: when
//!   the new schema's expressions use a new label, the diff recreates the
//!   type instead.
//! - **Narrowing to `varchar(n)`, `char(n)`, `bit(n)`, `varbit(n)`**: an
//!   explicit cast to such a type silently cuts longer values. `USING`
//!   casts to the unbounded type; PostgreSQL applies the column's length as
//!   an assignment, which fails on a value that does not fit.

mod ddl;
mod ident;
mod kinds;
mod objects;
mod text;

use crate::diff::Change;
use crate::plan::{hazard, Step};

pub use crate::sql::{qualified, quote_ident, quote_literal};
pub use ident::render_type;
pub use text::{plan_sql, plan_text};

/// Why a change could not be rendered. Every variant means the change broke
/// an invariant of the model or of [`Change`]: a bug upstream, reported
/// instead of a panic or of wrong SQL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The change holds data that cannot be expressed as valid SQL.
    #[error("cannot render {kind} {subject}: {reason}")]
    Invalid {
        /// The change kind, e.g. `CreateIndex`.
        kind: &'static str,
        /// The object, e.g. `billing.invoices_status_idx`.
        subject: String,
        /// What is wrong.
        reason: String,
    },
    /// A sea-query builder panicked.
    #[error("cannot render {kind} {subject}: sea-query panicked: {message}")]
    Builder {
        /// The change kind.
        kind: &'static str,
        /// The object.
        subject: String,
        /// The panic message.
        message: String,
    },
}

/// Renders one change as a plan step: statements, hazards and
/// transactionality.
///
/// ```
/// use graft::diff::Change;
/// use graft::model::QualName;
///
/// let step = graft::render::render_step(Change::DropTable {
///     name: QualName::new("billing", "old invoices"),
/// })
/// .unwrap();
/// assert_eq!(step.sql, [r#"DROP TABLE "billing"."old invoices""#]);
/// assert!(step.is_destructive());
/// ```
pub fn render_step(change: Change) -> Result<Step, RenderError> {
    let sql = ddl::render_sql(&change)?;
    let hazards = hazard::hazards(&change);
    Ok(Step {
        change,
        sql,
        hazards,
        // `ALTER TYPE … ADD VALUE` runs in a transaction block since
        // PostgreSQL 12; the new label only cannot be *used* before commit.
        // Nothing graft renders needs to run outside one.
        transactional: true,
    })
}

#[cfg(test)]
mod tests;
