//! The Rust builder for the object kinds of [`super::objects`]: each method
//! adds to the same [`super::SchemaFile`] the file would hold, so that the
//! builder and the file say the same things.

use super::builder::{strings, IndexBuilder, SchemaBuilder};
use super::file::IndexDecl;
use super::objects::{MaterializedViewDecl, SequenceDecl, ViewDecl};
use super::to_file::quote_if_needed;
use crate::model::CheckOption;

impl SchemaBuilder {
    /// Declares a view. Write `definition` as `pg_get_viewdef` prints it
    /// back (names schema-qualified), e.g.
    /// `SELECT t.id, t.total FROM billing.invoices t WHERE t.total > 0::numeric`.
    pub fn view(
        mut self,
        name: impl Into<String>,
        definition: impl Into<String>,
        f: impl FnOnce(ViewBuilder) -> ViewBuilder,
    ) -> Self {
        let v = f(ViewBuilder {
            decl: ViewDecl {
                name: name.into(),
                definition: definition.into(),
                ..ViewDecl::default()
            },
        });
        self.file.views.push(v.decl);
        self
    }

    /// Declares a materialized view (created `WITH DATA`).
    pub fn materialized_view(
        mut self,
        name: impl Into<String>,
        definition: impl Into<String>,
        f: impl FnOnce(MaterializedViewBuilder) -> MaterializedViewBuilder,
    ) -> Self {
        let v = f(MaterializedViewBuilder {
            decl: MaterializedViewDecl {
                name: name.into(),
                definition: definition.into(),
                ..MaterializedViewDecl::default()
            },
        });
        self.file.materialized_views.push(v.decl);
        self
    }
}

impl SchemaBuilder {
    /// Declares a standalone sequence (`bigint`, ascending from 1 unless
    /// `f` says otherwise).
    pub fn sequence(
        mut self,
        name: impl Into<String>,
        f: impl FnOnce(SequenceBuilder) -> SequenceBuilder,
    ) -> Self {
        let s = f(SequenceBuilder {
            decl: SequenceDecl {
                name: name.into(),
                ..SequenceDecl::default()
            },
        });
        self.file.sequences.push(s.decl);
        self
    }
}

/// Describes one sequence. See [`SchemaBuilder::sequence`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SequenceBuilder {
    decl: SequenceDecl,
}

impl SequenceBuilder {
    /// `AS smallint | integer | bigint`.
    pub fn ty(mut self, ty: impl Into<String>) -> Self {
        self.decl.ty = Some(ty.into());
        self
    }

    /// `INCREMENT BY`.
    pub fn increment(mut self, by: i64) -> Self {
        self.decl.increment = Some(by);
        self
    }

    /// `MINVALUE`.
    pub fn min_value(mut self, v: i64) -> Self {
        self.decl.min_value = Some(v);
        self
    }

    /// `MAXVALUE`.
    pub fn max_value(mut self, v: i64) -> Self {
        self.decl.max_value = Some(v);
        self
    }

    /// `START WITH`.
    pub fn start(mut self, v: i64) -> Self {
        self.decl.start = Some(v);
        self
    }

    /// `CACHE`.
    pub fn cache(mut self, n: i64) -> Self {
        self.decl.cache = Some(n);
        self
    }

    /// `CYCLE`.
    pub fn cycle(mut self) -> Self {
        self.decl.cycle = true;
        self
    }

    /// `OWNED BY table.column` (a table of the plugin's namespace).
    pub fn owned_by(mut self, table: impl Into<String>, column: impl Into<String>) -> Self {
        self.decl.owned_by = Some(format!(
            "{}.{}",
            quote_if_needed(&table.into()),
            quote_if_needed(&column.into())
        ));
        self
    }

    /// `COMMENT ON SEQUENCE`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.decl.comment = Some(comment.into());
        self
    }
}

/// Describes one view. See [`SchemaBuilder::view`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ViewBuilder {
    decl: ViewDecl,
}

impl ViewBuilder {
    /// `security_barrier`.
    pub fn security_barrier(mut self) -> Self {
        self.decl.security_barrier = true;
        self
    }

    /// `security_invoker`.
    pub fn security_invoker(mut self) -> Self {
        self.decl.security_invoker = true;
        self
    }

    /// `WITH LOCAL` / `CASCADED CHECK OPTION`.
    pub fn check_option(mut self, option: CheckOption) -> Self {
        self.decl.check_option = Some(option);
        self
    }

    /// A relation the view reads that its definition does not name
    /// (`name` in the plugin's namespace, or `namespace.name`).
    pub fn depends_on(mut self, relations: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.decl.depends_on.extend(strings(relations));
        self
    }

    /// `COMMENT ON VIEW`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.decl.comment = Some(comment.into());
        self
    }
}

/// Describes one materialized view. See [`SchemaBuilder::materialized_view`].
#[derive(Debug, Clone)]
#[must_use]
pub struct MaterializedViewBuilder {
    decl: MaterializedViewDecl,
}

impl MaterializedViewBuilder {
    /// An index, described by `f` as on a table; named
    /// `<view>_<keys>_idx` unless named.
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

    /// As [`ViewBuilder::depends_on`].
    pub fn depends_on(mut self, relations: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.decl.depends_on.extend(strings(relations));
        self
    }

    /// `COMMENT ON MATERIALIZED VIEW`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.decl.comment = Some(comment.into());
        self
    }
}
