//! Columns: added, altered (type, nullability, default, identity,
//! generation, collation), renamed, commented, dropped; and the sequences
//! of serial columns around the changes of their tables.

use super::ident::render_type;
use super::parts::{comment_on, table_ref, Renderer};
use super::RenderError;
use crate::diff::{Change, ColumnChange, TableChange};
use crate::model::sequences::serial_sequence;
use crate::model::{BaseType, Column, ColumnType, Identity, QualName};
use crate::plan::hazard::{cast_kind, generated_change, CastKind, GeneratedChange};
use crate::sql::{qualified, quote_ident, quote_literal};
use sea_query::{Alias, ColumnDef, PostgresQueryBuilder, Table as SqTable};

/// The statements of a change to a column.
pub(super) fn render(r: &Renderer, c: &ColumnChange) -> Result<Vec<String>, RenderError> {
    Ok(match c {
        ColumnChange::Add { table, column } => {
            check_column(r, column)?;
            let mut out = vec![add_column(r, table, column)?];
            if column.comment.is_some() {
                out.push(column_comment(table, &column.name, &column.comment));
            }
            out
        }
        ColumnChange::Drop { table, column } => vec![r.build(|| {
            SqTable::alter()
                .table(table_ref(table))
                .drop_column(Alias::new(column.clone()))
                .to_string(PostgresQueryBuilder)
        })?],
        ColumnChange::Rename { table, from, to } => vec![r.build(|| {
            SqTable::alter()
                .table(table_ref(table))
                .rename_column(Alias::new(from.clone()), Alias::new(to.clone()))
                .to_string(PostgresQueryBuilder)
        })?],
        ColumnChange::Alter { table, old, new } => alter_column(r, table, old, new)?,
        ColumnChange::DropExpression { table, column } => vec![format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP EXPRESSION",
            qualified(table),
            quote_ident(column)
        )],
        ColumnChange::SetComment {
            table,
            column,
            comment,
        } => vec![column_comment(table, column, comment)],
    })
}

pub(super) fn check_column(r: &Renderer, c: &Column) -> Result<(), RenderError> {
    if c.identity.is_some() && c.generated.is_some() {
        return Err(r.invalid(format!(
            "column `{}` is both identity and generated",
            c.name
        )));
    }
    Ok(())
}

fn add_column(r: &Renderer, table: &QualName, c: &Column) -> Result<String, RenderError> {
    r.build(|| {
        let mut def = ColumnDef::new(Alias::new(c.name.clone()));
        // Custom types are written verbatim: pass the quoted rendering.
        def.custom(Alias::new(render_type(&c.ty)));
        let constraints = column_constraints(c);
        if let Some(extra) = constraints.strip_prefix(' ') {
            def.extra(extra.to_string());
        }
        SqTable::alter()
            .table(table_ref(table))
            .add_column(def)
            .to_string(PostgresQueryBuilder)
    })
}

fn alter_column(
    r: &Renderer,
    table: &QualName,
    old: &Column,
    new: &Column,
) -> Result<Vec<String>, RenderError> {
    if old.name != new.name {
        return Err(r.invalid(format!(
            "column renamed from `{}` to `{}`: renames are RenameColumn changes",
            old.name, new.name
        )));
    }
    check_column(r, new)?;
    let t = qualified(table);
    let c = quote_ident(&new.name);
    let gen = generated_change(old, new);
    if gen == GeneratedChange::Recreate {
        // PostgreSQL 15 cannot change a generation expression: drop the
        // column and add it back (at the end of the table).
        let mut out = vec![format!(
            "ALTER TABLE {t} DROP COLUMN {c}, ADD COLUMN {}",
            column_def(new)
        )];
        if new.comment.is_some() {
            out.push(column_comment(table, &new.name, &new.comment));
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    if gen == GeneratedChange::DropExpression {
        // Alone: PostgreSQL checks `TYPE … USING` against the column as
        // it was before the statement, still generated.
        out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP EXPRESSION"));
    }
    // Within one ALTER TABLE, PostgreSQL runs drops first, then type
    // changes, then defaults and constraints, then identity in the order
    // written; the clauses follow that order for the reader.
    let mut clauses = Vec::new();
    let (old_default, new_default) = (effective_default(old), effective_default(new));
    let cast = cast_kind(&old.ty, &new.ty);
    // The USING clause does not apply to the default, which PostgreSQL
    // then fails to cast unless the cast is implicit: drop it, set it again.
    let reset_default =
        old_default.is_some() && !matches!(cast, CastKind::Same | CastKind::BinaryCoercible);
    if old.identity.is_some() && new.identity.is_none() {
        if cast == CastKind::Same {
            clauses.push("DROP IDENTITY".to_string());
        } else {
            // Alone: PostgreSQL checks `TYPE` against the column as it
            // was before the statement, still an identity (integers only).
            out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP IDENTITY"));
        }
    }
    if old_default.is_some() && (new_default.is_none() || reset_default) {
        clauses.push("DROP DEFAULT".to_string());
    }
    // A collation is set with the type (`TYPE … COLLATE …`); without
    // one, the type's default collation.
    if cast != CastKind::Same || old.collation != new.collation {
        let ty = render_type(&new.ty);
        let mut clause = format!("TYPE {ty}");
        if let Some(coll) = &new.collation {
            clause.push_str(&format!(" COLLATE {}", qualified(coll)));
        }
        // A generated column is recomputed: PostgreSQL refuses USING there.
        if !matches!(cast, CastKind::Same | CastKind::BinaryCoercible) && new.generated.is_none() {
            clause.push_str(&format!(" USING {}", using_cast(&c, &old.ty, &new.ty)));
        }
        clauses.push(clause);
    }
    if let Some(d) = new_default {
        if new_default != old_default || reset_default {
            clauses.push(format!("SET DEFAULT {d}"));
        }
    }
    match (old.nullable, new.nullable) {
        (true, false) => clauses.push("SET NOT NULL".to_string()),
        (false, true) => clauses.push("DROP NOT NULL".to_string()),
        _ => {}
    }
    match (old.identity, new.identity) {
        (None, Some(k)) => clauses.push(format!("ADD GENERATED {} AS IDENTITY", identity_kind(k))),
        (Some(a), Some(b)) if a != b => clauses.push(format!("SET GENERATED {}", identity_kind(b))),
        _ => {}
    }
    if !clauses.is_empty() {
        out.push(format!(
            "ALTER TABLE {t} {}",
            clauses
                .iter()
                .map(|cl| format!("ALTER COLUMN {c} {cl}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if old.identity.is_none() && new.identity.is_some() {
        // A new identity sequence starts at 1: move it past existing values.
        out.push(format!(
            "SELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({c}), 0) + 1, false) FROM {t}",
            quote_literal(&t),
            quote_literal(&new.name),
        ));
    }
    Ok(out)
}

fn identity_kind(k: Identity) -> &'static str {
    match k {
        Identity::Always => "ALWAYS",
        Identity::ByDefault => "BY DEFAULT",
    }
}

/// ` COLLATE …`, ` NOT NULL`, then one of ` GENERATED ALWAYS AS (…) STORED`,
/// ` GENERATED … AS IDENTITY` or ` DEFAULT …` (a column has at most one,
/// as [`crate::model::Table::normalize`] ensures).
fn column_constraints(c: &Column) -> String {
    let mut s = String::new();
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", qualified(coll)));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
    } else if let Some(k) = c.identity {
        s.push_str(&format!(" GENERATED {} AS IDENTITY", identity_kind(k)));
    } else if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    s
}

/// The default PostgreSQL keeps: none on identity and generated columns.
fn effective_default(col: &Column) -> Option<&str> {
    if col.identity.is_none() && col.generated.is_none() {
        col.default.as_deref()
    } else {
        None
    }
}

/// `"name" type [constraints]`.
pub(super) fn column_def(c: &Column) -> String {
    format!(
        "{} {}{}",
        quote_ident(&c.name),
        render_type(&c.ty),
        column_constraints(c)
    )
}

pub(super) fn column_comment(table: &QualName, column: &str, comment: &Option<String>) -> String {
    comment_on(
        "COLUMN",
        &format!("{}.{}", qualified(table), quote_ident(column)),
        comment,
    )
}

/// The expression converting column `c` from `old` to `new`. Enums have no
/// casts to or from other types except through text.
///
/// To a length-limited string or bit type (`varchar(n)`, `char(n)`,
/// `bit(n)`, `varbit(n)`, or arrays of them) the cast goes to the unbounded
/// type only: an explicit cast to the limited type would silently cut a
/// longer value, while PostgreSQL applies the column's length to the USING
/// result as an assignment, which fails on a value that does not fit.
fn using_cast(c: &str, old: &ColumnType, new: &ColumnType) -> String {
    let ty = render_type(new);
    let arr = if new.array { "[]" } else { "" };
    if let Some(unbounded) = unbounded_form(new) {
        let via = if matches!(old.base, BaseType::Named(_)) && unbounded != "text" {
            format!("::text{arr}")
        } else {
            String::new()
        };
        return format!("{c}{via}::{unbounded}{arr}");
    }
    let via_text = matches!(old.base, BaseType::Named(_)) || matches!(new.base, BaseType::Named(_));
    let to_text = matches!(&new.base, BaseType::Builtin(b) if b == "text");
    match (via_text && !to_text, new.array) {
        (false, _) => format!("{c}::{ty}"),
        (true, false) => format!("{c}::text::{ty}"),
        (true, true) => format!("{c}::text[]::{ty}"),
    }
}

/// The type without its length limit that a cast to the length-limited
/// string or bit type `ty` must go through (see [`using_cast`]); `None` for
/// every other type. `character` without a length is `character(1)`, so
/// `char(n)` goes through `text`.
fn unbounded_form(ty: &ColumnType) -> Option<&'static str> {
    let BaseType::Builtin(b) = &ty.base else {
        return None;
    };
    let (head, rest) = b.split_once('(')?;
    if !rest.ends_with(')') {
        return None;
    }
    match head {
        "character varying" => Some("character varying"),
        "character" => Some("text"),
        "bit" | "bit varying" => Some("bit varying"),
        _ => None,
    }
}

/// The sequence of a serial column.
fn serial_of(table: &QualName, c: &Column) -> Option<QualName> {
    if !c.serial {
        return None;
    }
    serial_sequence(c.default.as_deref()?, &table.schema)
}

/// The integer type of a serial column's sequence.
fn serial_type(c: &Column) -> String {
    super::render_type(&c.ty)
}

/// Adds the statements a serial column needs around the change's own: its
/// sequence created before the column (whose default draws from it) and
/// owned by it after; on a change of column, the sequence moved past the
/// rows already there, the old one dropped once no default uses it, or its
/// type following the column's.
pub(super) fn with_serial_sequences(change: &Change, sql: Vec<String>) -> Vec<String> {
    let (table, pairs): (&QualName, Vec<(Option<&Column>, &Column)>) = match change {
        Change::Table(TableChange::Create { table }) => (
            &table.name,
            table.columns.iter().map(|c| (None, c)).collect(),
        ),
        Change::Column(ColumnChange::Add { table, column }) => (table, vec![(None, column)]),
        Change::Column(ColumnChange::Alter { table, old, new }) => (table, vec![(Some(old), new)]),
        _ => return sql,
    };
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (old, new) in pairs {
        let old_seq = old.and_then(|o| serial_of(table, o));
        let new_seq = serial_of(table, new);
        let col = format!("{}.{}", qualified(table), quote_ident(&new.name));
        match (&old_seq, &new_seq) {
            (_, Some(n)) if old_seq.as_ref() != Some(n) => {
                before.push(format!(
                    "CREATE SEQUENCE {} AS {}",
                    qualified(n),
                    serial_type(new)
                ));
                after.push(format!("ALTER SEQUENCE {} OWNED BY {col}", qualified(n)));
                if old.is_some() {
                    // an existing column: start past its values
                    after.push(format!(
                        "SELECT setval({}, coalesce(max({}), 0) + 1, false) FROM {}",
                        super::quote_literal(&qualified(n)),
                        quote_ident(&new.name),
                        qualified(table)
                    ));
                }
            }
            (Some(o), Some(n)) if o == n && old.is_some_and(|o| o.ty != new.ty) => {
                after.push(format!(
                    "ALTER SEQUENCE {} AS {}",
                    qualified(n),
                    serial_type(new)
                ));
            }
            _ => {}
        }
        if let (Some(o), Some(oc)) = (&old_seq, old) {
            if new_seq.as_ref() != Some(o) && oc.default != new.default {
                after.push(format!("DROP SEQUENCE {}", qualified(o)));
            }
        }
    }
    if before.is_empty() && after.is_empty() {
        return sql;
    }
    before.extend(sql);
    before.extend(after);
    before
}
