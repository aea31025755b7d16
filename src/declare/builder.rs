//! The Rust builder API: the same declarations as the JSON file, written in
//! code. It builds a [`SchemaFile`], so both paths share one validation.
//!
//! ```
//! use graft::declare::SchemaBuilder;
//! use graft::model::{FkAction, Identity};
//!
//! let decl = SchemaBuilder::new("billing")
//!     .version("1.2.0")
//!     .depends_on("accounts", ">=1.0.0")
//!     .extension("pgcrypto")
//!     .enum_type("invoice_status", ["draft", "open", "paid"])
//!     .table("invoices", |t| t
//!         .comment("one row per invoice")
//!         .column("id", "bigint", |c| c.identity(Identity::Always))
//!         .column("account_id", "uuid", |c| c.not_null())
//!         .column("status", "invoice_status", |c| c.not_null().default("'draft'::billing.invoice_status"))
//!         .primary_key(["id"])
//!         .foreign_key(["account_id"], "accounts.accounts", ["id"], |f| f.on_delete(FkAction::Cascade))
//!         .index(|i| i.column("status").where_("(status <> 'paid'::billing.invoice_status)")))
//!     .build()?;
//!
//! let invoices = &decl.schema.tables[0];
//! assert_eq!(invoices.foreign_keys[0].name, "invoices_account_id_fkey");
//! assert_eq!(invoices.indexes[0].name, "invoices_status_idx");
//! # Ok::<(), graft::declare::DeclareError>(())
//! ```

use super::error::DeclareError;
use super::file::{
    CheckDecl, ColumnDecl, EnumDecl, ExtensionDecl, ForeignKeyDecl, IndexDecl, IndexKeyDecl, Nulls,
    PrimaryKeyDecl, ReferencesDecl, SchemaFile, TableDecl, UniqueDecl,
};
use super::kinds_builder::ExtensionBuilder;
use super::validate::{lower, Declared};
use crate::model::{Deferrable, FkAction, Identity};

pub(super) fn strings(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

/// Builds one plugin's declaration: a [`SchemaFile`], validated by [`SchemaBuilder::build`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SchemaBuilder {
    pub(super) file: SchemaFile,
}

impl SchemaBuilder {
    /// A plugin with nothing declared; its namespace is its name.
    pub fn new(plugin: impl Into<String>) -> Self {
        SchemaBuilder {
            file: SchemaFile {
                plugin: plugin.into(),
                ..SchemaFile::default()
            },
        }
    }

    /// The plugin's version (semver, checked by [`SchemaBuilder::build`]).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.file.version = Some(version.into());
        self
    }

    /// The PostgreSQL schema the plugin owns, when not its name.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.file.namespace = Some(namespace.into());
        self
    }

    /// Requires `plugin` at a version matching `requirement` (e.g. `>=1.0.0`).
    pub fn depends_on(mut self, plugin: impl Into<String>, requirement: impl Into<String>) -> Self {
        self.file
            .depends_on
            .insert(plugin.into(), requirement.into());
        self
    }

    /// Requires an extension.
    pub fn extension(mut self, name: impl Into<String>) -> Self {
        self.file.extensions.push(ExtensionDecl::new(name));
        self
    }

    /// Requires an extension at a version and/or in a namespace, set by `f`.
    pub fn extension_with(
        mut self,
        name: impl Into<String>,
        f: impl FnOnce(ExtensionBuilder) -> ExtensionBuilder,
    ) -> Self {
        let e = f(ExtensionBuilder(ExtensionDecl::new(name)));
        self.file.extensions.push(e.0);
        self
    }

    /// Declares an enum type with its labels in sort order.
    pub fn enum_type(
        mut self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.file.enums.push(EnumDecl {
            name: name.into(),
            values: strings(values),
        });
        self
    }

    /// Declares a table, described by `f`.
    pub fn table(
        mut self,
        name: impl Into<String>,
        f: impl FnOnce(TableBuilder) -> TableBuilder,
    ) -> Self {
        let t = f(TableBuilder {
            decl: TableDecl {
                name: name.into(),
                ..TableDecl::default()
            },
        });
        self.file.tables.push(t.decl);
        self
    }

    /// The declaration as a schema file, unvalidated.
    pub fn into_file(self) -> SchemaFile {
        self.file
    }

    /// Validates the declaration (see [`lower`]).
    pub fn build(self) -> Result<Declared, DeclareError> {
        lower(&self.file)
    }
}

/// Describes one table. See [`SchemaBuilder::table`].
#[derive(Debug, Clone)]
#[must_use]
pub struct TableBuilder {
    pub(super) decl: TableDecl,
}

impl TableBuilder {
    /// The table's previous name, so the diff renames instead of recreating.
    pub fn renamed_from(mut self, old: impl Into<String>) -> Self {
        self.decl.renamed_from = Some(old.into());
        self
    }

    /// `COMMENT ON TABLE`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.decl.comment = Some(comment.into());
        self
    }

    /// A column of type `ty` (any spelling PostgreSQL accepts, or one of the
    /// plugin's enums), described by `f` (`|c| c` for a plain nullable column).
    pub fn column(
        mut self,
        name: impl Into<String>,
        ty: impl Into<String>,
        f: impl FnOnce(ColumnBuilder) -> ColumnBuilder,
    ) -> Self {
        let c = f(ColumnBuilder {
            decl: ColumnDecl {
                name: name.into(),
                ty: ty.into(),
                ..ColumnDecl::default()
            },
        });
        self.decl.columns.push(c.decl);
        self
    }

    /// The primary key, named `<table>_pkey`.
    pub fn primary_key(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.decl.primary_key = Some(PrimaryKeyDecl {
            name: None,
            columns: strings(columns),
        });
        self
    }

    /// The primary key with a constraint name of your choosing.
    pub fn primary_key_named(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.decl.primary_key = Some(PrimaryKeyDecl {
            name: Some(name.into()),
            columns: strings(columns),
        });
        self
    }

    /// A unique constraint, named `<table>_<columns>_key`.
    pub fn unique(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.decl.unique.push(UniqueDecl {
            name: None,
            columns: strings(columns),
        });
        self
    }

    /// A named unique constraint.
    pub fn unique_named(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.decl.unique.push(UniqueDecl {
            name: Some(name.into()),
            columns: strings(columns),
        });
        self
    }

    /// A foreign key from `columns` to `table` (`name` in the plugin's
    /// namespace, or `namespace.name`) `ref_columns`, described by `f`.
    pub fn foreign_key(
        mut self,
        columns: impl IntoIterator<Item = impl Into<String>>,
        table: impl Into<String>,
        ref_columns: impl IntoIterator<Item = impl Into<String>>,
        f: impl FnOnce(ForeignKeyBuilder) -> ForeignKeyBuilder,
    ) -> Self {
        let fk = f(ForeignKeyBuilder {
            decl: ForeignKeyDecl {
                columns: strings(columns),
                references: ReferencesDecl {
                    table: table.into(),
                    columns: strings(ref_columns),
                },
                ..ForeignKeyDecl::default()
            },
        });
        self.decl.foreign_keys.push(fk.decl);
        self
    }

    /// A check constraint, named `<table>_check` (then `…_check1`, …). Write
    /// `expr` as PostgreSQL prints it back, e.g. `(total >= (0)::numeric)`.
    pub fn check(mut self, expr: impl Into<String>) -> Self {
        self.decl.checks.push(CheckDecl {
            name: None,
            expr: expr.into(),
        });
        self
    }

    /// A named check constraint.
    pub fn check_named(mut self, name: impl Into<String>, expr: impl Into<String>) -> Self {
        self.decl.checks.push(CheckDecl {
            name: Some(name.into()),
            expr: expr.into(),
        });
        self
    }

    /// An index, described by `f`; named `<table>_<keys>_idx` unless named.
    pub fn index(mut self, f: impl FnOnce(IndexBuilder) -> IndexBuilder) -> Self {
        let i = f(IndexBuilder {
            decl: IndexDecl::default(),
            keys: Vec::new(),
        });
        let mut decl = i.decl;
        decl.set_keys(i.keys);
        self.decl.indexes.push(decl);
        self
    }
}

/// Describes one column. See [`TableBuilder::column`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ColumnBuilder {
    decl: ColumnDecl,
}

impl ColumnBuilder {
    /// `NOT NULL`.
    pub fn not_null(mut self) -> Self {
        self.decl.nullable = Some(false);
        self
    }

    /// Explicitly nullable (the default unless in the primary key or identity).
    pub fn nullable(mut self) -> Self {
        self.decl.nullable = Some(true);
        self
    }

    /// `COLLATE`: `"C"`, `"und-x-icu"` (collations of `pg_catalog` by
    /// name), or another one quoted and qualified.
    pub fn collation(mut self, collation: impl Into<String>) -> Self {
        self.decl.collation = Some(collation.into());
        self
    }

    /// A default expression, written as PostgreSQL prints it back.
    pub fn default(mut self, expr: impl Into<String>) -> Self {
        self.decl.default = Some(expr.into());
        self
    }

    /// An identity column (implies NOT NULL).
    pub fn identity(mut self, identity: Identity) -> Self {
        self.decl.identity = Some(identity);
        self
    }

    /// A stored generated column.
    pub fn generated(mut self, expr: impl Into<String>) -> Self {
        self.decl.generated = Some(expr.into());
        self
    }

    /// A serial column (implies NOT NULL): its sequence,
    /// `<table>_<column>_seq`, is created and dropped with it.
    pub fn serial(mut self) -> Self {
        self.decl.serial = true;
        self
    }

    /// `COMMENT ON COLUMN`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.decl.comment = Some(comment.into());
        self
    }

    /// The column's previous name, so the diff renames instead of recreating.
    pub fn renamed_from(mut self, old: impl Into<String>) -> Self {
        self.decl.renamed_from = Some(old.into());
        self
    }
}

/// Describes one foreign key. See [`TableBuilder::foreign_key`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ForeignKeyBuilder {
    decl: ForeignKeyDecl,
}

impl ForeignKeyBuilder {
    /// A constraint name instead of `<table>_<columns>_fkey`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.decl.name = Some(name.into());
        self
    }

    /// `ON DELETE`.
    pub fn on_delete(mut self, action: FkAction) -> Self {
        self.decl.on_delete = action;
        self
    }

    /// `ON UPDATE`.
    pub fn on_update(mut self, action: FkAction) -> Self {
        self.decl.on_update = action;
        self
    }

    /// `DEFERRABLE INITIALLY IMMEDIATE` / `DEFERRED`.
    pub fn deferrable(mut self, deferrable: Deferrable) -> Self {
        self.decl.deferrable = deferrable;
        self
    }
}

/// Describes one index. See [`TableBuilder::index`].
#[derive(Debug, Clone)]
#[must_use]
pub struct IndexBuilder {
    pub(super) decl: IndexDecl,
    pub(super) keys: Vec<IndexKeyDecl>,
}

impl IndexBuilder {
    /// An index name instead of `<table>_<keys>_idx`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.decl.name = Some(name.into());
        self
    }

    /// An ascending key on a column.
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.keys.push(IndexKeyDecl::column(column));
        self
    }

    /// A key on a column with its order set by `f`.
    pub fn column_with(
        mut self,
        column: impl Into<String>,
        f: impl FnOnce(KeyBuilder) -> KeyBuilder,
    ) -> Self {
        self.keys
            .push(f(KeyBuilder(IndexKeyDecl::column(column))).0);
        self
    }

    /// An ascending key on an expression, e.g. `lower(email)`.
    pub fn expr(mut self, expr: impl Into<String>) -> Self {
        self.keys.push(IndexKeyDecl::expr(expr));
        self
    }

    /// A key on an expression with its order set by `f`.
    pub fn expr_with(
        mut self,
        expr: impl Into<String>,
        f: impl FnOnce(KeyBuilder) -> KeyBuilder,
    ) -> Self {
        self.keys.push(f(KeyBuilder(IndexKeyDecl::expr(expr))).0);
        self
    }

    /// `UNIQUE`.
    pub fn unique(mut self) -> Self {
        self.decl.unique = true;
        self
    }

    /// The access method (`btree` by default): `gin`, `gist`, `brin`, `hash`, ….
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.decl.method = Some(method.into());
        self
    }

    /// A partial index predicate, written as PostgreSQL prints it back.
    pub fn where_(mut self, predicate: impl Into<String>) -> Self {
        self.decl.where_ = Some(predicate.into());
        self
    }

    /// `INCLUDE` columns.
    pub fn include(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.decl.include.extend(strings(columns));
        self
    }
}

/// Sets one index key's order. See [`IndexBuilder::column_with`].
#[derive(Debug, Clone)]
#[must_use]
pub struct KeyBuilder(IndexKeyDecl);

impl KeyBuilder {
    /// `DESC`.
    pub fn desc(mut self) -> Self {
        self.0.desc = true;
        self
    }

    /// `NULLS FIRST`.
    pub fn nulls_first(mut self) -> Self {
        self.0.nulls = Some(Nulls::First);
        self
    }

    /// `NULLS LAST`.
    pub fn nulls_last(mut self) -> Self {
        self.0.nulls = Some(Nulls::Last);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declare::{from_json_str, parse_json_str};
    use crate::model::IndexTarget;

    fn design_example() -> SchemaBuilder {
        SchemaBuilder::new("billing")
            .version("1.2.0")
            .namespace("billing")
            .depends_on("accounts", ">=1.0.0")
            .extension("pgcrypto")
            .enum_type("invoice_status", ["draft", "open", "paid"])
            .table("invoices", |t| {
                t.renamed_from("bills")
                    .comment("one row per invoice")
                    .column("id", "bigint", |c| c.identity(Identity::Always))
                    .column("account_id", "uuid", |c| c.not_null())
                    .column("status", "invoice_status", |c| {
                        c.not_null().default("'draft'")
                    })
                    .column("total", "numeric(12,2)", |c| c.not_null().default("0"))
                    .column("note", "text", |c| c.renamed_from("memo"))
                    .column("total_x2", "numeric", |c| c.generated("total * 2"))
                    .primary_key(["id"])
                    .unique(["account_id", "note"])
                    .foreign_key(["account_id"], "accounts.accounts", ["id"], |f| {
                        f.on_delete(FkAction::Cascade)
                    })
                    .check_named("total_nonneg", "total >= 0")
                    .index(|i| i.column("status").where_("status <> 'paid'"))
                    .index(|i| i.expr("lower(note)").method("btree"))
            })
    }

    #[test]
    fn builder_and_file_say_the_same_thing() {
        let json = include_str!("testdata/design_example.json");
        assert_eq!(design_example().into_file(), parse_json_str(json).unwrap());
        assert_eq!(
            design_example().build().unwrap(),
            from_json_str(json, None).unwrap()
        );
    }

    #[test]
    fn builder_errors_are_the_file_errors() {
        let e = SchemaBuilder::new("billing")
            .table("invoices", |t| t.column("status", "invoice_stat", |c| c))
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "plugin `billing`, table `invoices`, column `status`: unknown type `invoice_stat`"
        );
    }

    #[test]
    fn index_keys_keep_their_order_and_sort_options() {
        let d = SchemaBuilder::new("p")
            .table("t", |t| {
                t.column("a", "int", |c| c)
                    .column("b", "text", |c| c)
                    .index(|i| {
                        i.name("ix")
                            .expr_with("lower(b)", |k| k.desc())
                            .column_with("a", |k| k.desc().nulls_last())
                            .column_with("b", |k| k.nulls_first())
                            .unique()
                            .method("HASH")
                            .include(["a"])
                    })
                    .foreign_key(["a"], "other.t", ["id"], |f| {
                        f.name("fk")
                            .on_update(FkAction::SetNull)
                            .deferrable(Deferrable::Immediate)
                    })
                    .unique_named("u", ["b"])
                    .primary_key_named("pk", ["a"])
                    .check("a > 0")
            })
            .build()
            .unwrap();
        let t = &d.schema.tables[0];
        let ix = &t.indexes[0];
        assert_eq!(ix.method, "hash");
        assert_eq!(ix.keys[0].target, IndexTarget::Expr("lower(b)".into()));
        assert!(ix.keys[0].desc);
        assert_eq!(ix.keys[1].nulls_first, Some(false));
        assert_eq!(ix.keys[2].nulls_first, Some(true));
        assert_eq!(t.primary_key.as_ref().unwrap().name, "pk");
        assert_eq!(t.uniques[0].name, "u");
        assert_eq!(t.foreign_keys[0].deferrable, Deferrable::Immediate);
        assert_eq!(t.checks[0].name, "t_check");
        assert!(!t.column("a").unwrap().nullable);
    }
}
