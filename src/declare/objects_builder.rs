//! The Rust builder for the object kinds of [`super::objects`]: each method
//! adds to the same [`super::SchemaFile`] the file would hold, so that the
//! builder and the file say the same things.

use super::builder::{strings, IndexBuilder, SchemaBuilder};
use super::file::IndexDecl;
use super::objects::{MaterializedViewDecl, ViewDecl};
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
