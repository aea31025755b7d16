//! One function per change kind: `Change` → statements (no trailing `;`).
//!
//! See the conventions in [`crate::render`].

use super::ident::{is_safe_builtin, render_type};
use super::{kinds, RenderError};
use crate::diff::{Change, EnumColumn};
use crate::model::{
    BaseType, Check, Column, ColumnType, Deferrable, EnumType, FkAction, ForeignKey, Identity,
    Index, IndexTarget, PrimaryKey, QualName, Table, Unique, MAX_IDENT_BYTES,
};
use crate::plan::hazard::{cast_kind, generated_change, CastKind, GeneratedChange};
use crate::sql::{qualified, quote_ident, quote_literal};
use sea_query::{Alias, ColumnDef, PostgresQueryBuilder, Table as SqTable, TableRef};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Renders the statements of one change.
pub(super) fn render_sql(change: &Change) -> Result<Vec<String>, RenderError> {
    let r = Renderer { change };
    r.check_types()?;
    let sql = super::objects::with_serial_sequences(change, r.render()?);
    if sql.iter().any(|s| s.contains('\0')) {
        return Err(r.invalid("a name, literal or expression contains a NUL byte"));
    }
    Ok(sql)
}

/// The change being rendered, for error context.
struct Renderer<'a> {
    change: &'a Change,
}

/// `CREATE INDEX` of `index` on `relation`, for the renderers of other
/// object kinds (materialized views); errors name `change`.
pub(super) fn index_statement(
    change: &Change,
    relation: &QualName,
    index: &Index,
) -> Result<String, RenderError> {
    Renderer { change }.create_index(relation, index)
}

impl Renderer<'_> {
    fn invalid(&self, reason: impl Into<String>) -> RenderError {
        RenderError::Invalid {
            kind: self.change.kind(),
            subject: self.change.subject(),
            reason: reason.into(),
        }
    }

    /// Runs a sea-query builder, turning a panic into an error.
    fn build(&self, f: impl FnOnce() -> String) -> Result<String, RenderError> {
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

    /// Rejects built-in type texts that are not plain type names (possible
    /// only from a hand-edited snapshot, since declarations and introspection
    /// produce canonical spellings).
    fn check_types(&self) -> Result<(), RenderError> {
        let check = |ty: &ColumnType| match &ty.base {
            BaseType::Builtin(b) if !is_safe_builtin(b) => {
                Err(self.invalid(format!("`{b}` is not a type name")))
            }
            _ => Ok(()),
        };
        match self.change {
            Change::CreateTable { table } => table.columns.iter().try_for_each(|c| check(&c.ty)),
            Change::AddColumn { column, .. } => check(&column.ty),
            Change::AlterColumn { old, new, .. } => check(&old.ty).and(check(&new.ty)),
            _ => Ok(()),
        }
    }

    fn render(&self) -> Result<Vec<String>, RenderError> {
        Ok(match self.change {
            Change::CreateNamespace { name } => {
                vec![format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(name))]
            }
            Change::DropNamespace { name } => vec![format!("DROP SCHEMA {}", quote_ident(name))],
            Change::CreateExtension {
                name,
                version,
                schema,
            } => kinds::create_extension(name, version.as_deref(), schema.as_deref()),
            Change::AlterExtension {
                name,
                version,
                schema,
            } => kinds::alter_extension(name, version.as_deref(), schema.as_deref()),
            Change::DropExtension { name } => vec![format!("DROP EXTENSION {}", quote_ident(name))],
            Change::CreateEnum { r#enum } => vec![create_enum(r#enum)],
            Change::DropEnum { name } => vec![format!("DROP TYPE {}", qualified(name))],
            Change::AddEnumValue {
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
            Change::RecreateEnum { old, new, columns } => recreate_enum(old, new, columns),
            Change::CreateTable { table } => self.create_table(table)?,
            Change::DropTable { name } => {
                vec![self.build(|| {
                    SqTable::drop()
                        .table(table_ref(name))
                        .to_string(PostgresQueryBuilder)
                })?]
            }
            Change::RenameTable { from, to } => self.rename_table(from, to)?,
            Change::SetTableComment { table, comment } => {
                vec![comment_on("TABLE", &qualified(table), comment)]
            }
            Change::AddColumn { table, column } => {
                self.check_column(column)?;
                let mut out = vec![self.add_column(table, column)?];
                if column.comment.is_some() {
                    out.push(column_comment(table, &column.name, &column.comment));
                }
                out
            }
            Change::DropColumn { table, column } => vec![self.build(|| {
                SqTable::alter()
                    .table(table_ref(table))
                    .drop_column(Alias::new(column.clone()))
                    .to_string(PostgresQueryBuilder)
            })?],
            Change::RenameColumn { table, from, to } => vec![self.build(|| {
                SqTable::alter()
                    .table(table_ref(table))
                    .rename_column(Alias::new(from.clone()), Alias::new(to.clone()))
                    .to_string(PostgresQueryBuilder)
            })?],
            Change::AlterColumn { table, old, new } => self.alter_column(table, old, new)?,
            Change::DropExpression { table, column } => vec![format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP EXPRESSION",
                qualified(table),
                quote_ident(column)
            )],
            Change::SetColumnComment {
                table,
                column,
                comment,
            } => vec![column_comment(table, column, comment)],
            Change::AddPrimaryKey { table, pk } => {
                vec![add_constraint(table, &self.primary_key(pk)?)]
            }
            Change::AddUnique { table, unique } => {
                vec![add_constraint(table, &self.unique(unique)?)]
            }
            Change::AddCheck { table, check } => {
                vec![add_constraint(table, &check_constraint(check))]
            }
            Change::AddForeignKey { table, fk } => {
                vec![add_constraint(table, &self.foreign_key(fk)?)]
            }
            Change::DropPrimaryKey { table, name }
            | Change::DropUnique { table, name }
            | Change::DropCheck { table, name }
            | Change::DropForeignKey { table, name } => vec![self.build(|| {
                SqTable::alter()
                    .table(table_ref(table))
                    .drop_constraint(Alias::new(name.clone()))
                    .to_string(PostgresQueryBuilder)
            })?],
            Change::CreateIndex { table, index } => vec![self.create_index(table, index)?],
            Change::DropIndex { table, name } => {
                vec![format!(
                    "DROP INDEX {}.{}",
                    quote_ident(&table.schema),
                    quote_ident(name)
                )]
            }
            Change::RenameConstraint { table, from, to } => vec![format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                qualified(table),
                quote_ident(from),
                quote_ident(to)
            )],
            Change::RenameIndex { table, from, to } => vec![format!(
                "ALTER INDEX {}.{} RENAME TO {}",
                quote_ident(&table.schema),
                quote_ident(from),
                quote_ident(to)
            )],
            Change::CreateView { .. }
            | Change::DropView { .. }
            | Change::ReplaceView { .. }
            | Change::SetObjectComment { .. }
            | Change::CreateSequence { .. }
            | Change::AlterSequence { .. }
            | Change::SetSequenceOwner { .. }
            | Change::DropSequence { .. }
            | Change::CreateFunction { .. }
            | Change::ReplaceFunction { .. }
            | Change::RecreateFunction { .. }
            | Change::DropFunction { .. }
            | Change::CreateTrigger { .. }
            | Change::ReplaceTrigger { .. }
            | Change::DropTrigger { .. }
            | Change::SetTriggerEnabled { .. } => super::objects::render(self.change)?,
            Change::CreateDomain { .. }
            | Change::DropDomain { .. }
            | Change::RecreateDomain { .. }
            | Change::SetDomainDefault { .. }
            | Change::SetDomainNotNull { .. }
            | Change::AddDomainCheck { .. }
            | Change::DropDomainCheck { .. }
            | Change::CreateCompositeType { .. }
            | Change::DropCompositeType { .. }
            | Change::AddAttribute { .. }
            | Change::DropAttribute { .. }
            | Change::AlterAttribute { .. } => kinds::render_types(self.change)?,
            Change::AlterRowSecurity { .. }
            | Change::CreatePolicy { .. }
            | Change::DropPolicy { .. }
            | Change::AlterPolicy { .. }
            | Change::GrantPrivileges { .. }
            | Change::RevokePrivileges { .. } => kinds::render_security(self.change)?,
        })
    }

    fn check_column(&self, c: &Column) -> Result<(), RenderError> {
        if c.identity.is_some() && c.generated.is_some() {
            return Err(self.invalid(format!(
                "column `{}` is both identity and generated",
                c.name
            )));
        }
        Ok(())
    }

    fn create_table(&self, t: &Table) -> Result<Vec<String>, RenderError> {
        if !t.foreign_keys.is_empty() || !t.indexes.is_empty() {
            return Err(self.invalid("foreign keys and indexes must come as their own changes"));
        }
        let mut items = Vec::with_capacity(t.columns.len() + t.uniques.len() + t.checks.len() + 1);
        for c in &t.columns {
            self.check_column(c)?;
            items.push(column_def(c));
        }
        if let Some(pk) = &t.primary_key {
            items.push(self.primary_key(pk)?);
        }
        // CREATE TABLE silently drops a unique constraint on the same columns
        // as the primary key or an earlier unique constraint; ALTER TABLE
        // keeps it.
        let mut keys: Vec<&[String]> = t.primary_key.iter().map(|p| &p.columns[..]).collect();
        let mut redundant = Vec::new();
        for u in &t.uniques {
            if keys.contains(&&u.columns[..]) {
                redundant.push(add_constraint(&t.name, &self.unique(u)?));
            } else {
                items.push(self.unique(u)?);
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

    fn rename_table(&self, from: &QualName, to: &QualName) -> Result<Vec<String>, RenderError> {
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
            out.push(self.build(|| {
                SqTable::rename()
                    .table(table_ref(&current), Alias::new(to.name.clone()))
                    .to_string(PostgresQueryBuilder)
            })?);
        }
        Ok(out)
    }

    fn add_column(&self, table: &QualName, c: &Column) -> Result<String, RenderError> {
        self.build(|| {
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
        &self,
        table: &QualName,
        old: &Column,
        new: &Column,
    ) -> Result<Vec<String>, RenderError> {
        if old.name != new.name {
            return Err(self.invalid(format!(
                "column renamed from `{}` to `{}`: renames are RenameColumn changes",
                old.name, new.name
            )));
        }
        self.check_column(new)?;
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
            if !matches!(cast, CastKind::Same | CastKind::BinaryCoercible)
                && new.generated.is_none()
            {
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
            (None, Some(k)) => {
                clauses.push(format!("ADD GENERATED {} AS IDENTITY", identity_kind(k)))
            }
            (Some(a), Some(b)) if a != b => {
                clauses.push(format!("SET GENERATED {}", identity_kind(b)))
            }
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

    fn primary_key(&self, pk: &PrimaryKey) -> Result<String, RenderError> {
        if pk.columns.is_empty() {
            return Err(self.invalid(format!("primary key `{}` has no columns", pk.name)));
        }
        Ok(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            quote_ident(&pk.name),
            ident_list(&pk.columns)
        ))
    }

    fn unique(&self, u: &Unique) -> Result<String, RenderError> {
        if u.columns.is_empty() {
            return Err(self.invalid(format!("unique constraint `{}` has no columns", u.name)));
        }
        Ok(format!(
            "CONSTRAINT {} UNIQUE ({})",
            quote_ident(&u.name),
            ident_list(&u.columns)
        ))
    }

    fn foreign_key(&self, fk: &ForeignKey) -> Result<String, RenderError> {
        if fk.columns.is_empty() || fk.columns.len() != fk.ref_columns.len() {
            return Err(self.invalid(format!(
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

    fn create_index(&self, table: &QualName, index: &Index) -> Result<String, RenderError> {
        if index.keys.is_empty() {
            return Err(self.invalid("an index needs at least one key"));
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
}

/// A sea-query table reference with owned (hence escaped) identifiers.
fn table_ref(name: &QualName) -> TableRef {
    (
        Alias::new(name.schema.clone()),
        Alias::new(name.name.clone()),
    )
        .into()
}

fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn identity_kind(k: Identity) -> &'static str {
    match k {
        Identity::Always => "ALWAYS",
        Identity::ByDefault => "BY DEFAULT",
    }
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
fn column_def(c: &Column) -> String {
    format!(
        "{} {}{}",
        quote_ident(&c.name),
        render_type(&c.ty),
        column_constraints(c)
    )
}

fn check_constraint(c: &Check) -> String {
    format!("CONSTRAINT {} CHECK ({})", quote_ident(&c.name), c.expr)
}

fn add_constraint(table: &QualName, constraint: &str) -> String {
    format!("ALTER TABLE {} ADD {constraint}", qualified(table))
}

pub(super) fn comment_on(what: &str, target: &str, comment: &Option<String>) -> String {
    let value = comment
        .as_deref()
        .map_or_else(|| "NULL".to_string(), quote_literal);
    format!("COMMENT ON {what} {target} IS {value}")
}

fn column_comment(table: &QualName, column: &str, comment: &Option<String>) -> String {
    comment_on(
        "COLUMN",
        &format!("{}.{}", qualified(table), quote_ident(column)),
        comment,
    )
}

fn create_enum(e: &EnumType) -> String {
    let labels: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qualified(&e.name),
        labels.join(", ")
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

/// `<name>__graft_old`, shortened to fit PostgreSQL's identifier length.
pub(super) fn parked_name(name: &str) -> String {
    const SUFFIX: &str = "__graft_old";
    let mut end = name.len().min(MAX_IDENT_BYTES - SUFFIX.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{SUFFIX}", &name[..end])
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
