//! The Rust builder for the object kinds of [`super::objects`]: each method
//! adds to the same [`super::SchemaFile`] the file would hold, so that the
//! builder and the file say the same things.

use super::builder::{strings, IndexBuilder, SchemaBuilder};
use super::file::IndexDecl;
use super::objects::{
    ArgDecl, ForEach, FunctionDecl, MaterializedViewDecl, ReturnColumnDecl, SequenceDecl,
    TriggerDecl, ViewDecl,
};
use super::to_file::quote_if_needed;
use crate::model::{
    ArgMode, CheckOption, FunctionKind, Parallel, TriggerEnabled, TriggerEvent, TriggerTiming,
    Volatility,
};

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

impl SchemaBuilder {
    /// Declares a function in `language` with `body` (its source text; see
    /// [`FunctionBuilder::sql_body`] for SQL-standard bodies), described
    /// by `f`: at least its result, unless `OUT` arguments say it.
    pub fn function(
        mut self,
        name: impl Into<String>,
        language: impl Into<String>,
        body: impl Into<String>,
        f: impl FnOnce(FunctionBuilder) -> FunctionBuilder,
    ) -> Self {
        let b = f(FunctionBuilder {
            decl: FunctionDecl {
                name: name.into(),
                language: language.into(),
                body: body.into(),
                ..FunctionDecl::default()
            },
        });
        self.file.functions.push(b.decl);
        self
    }

    /// Declares a procedure (as [`SchemaBuilder::function`]; procedures
    /// have no result, volatility, strictness or parallel safety).
    pub fn procedure(
        self,
        name: impl Into<String>,
        language: impl Into<String>,
        body: impl Into<String>,
        f: impl FnOnce(FunctionBuilder) -> FunctionBuilder,
    ) -> Self {
        self.function(name, language, body, |b| {
            let mut b = f(b);
            b.decl.kind = FunctionKind::Procedure;
            b
        })
    }

    /// Declares a trigger on `table` (a table or view: `name` in the
    /// plugin's namespace or `namespace.name`) that runs `function` (a
    /// function returning `trigger`) at `timing` on `events`.
    pub fn trigger(
        mut self,
        table: impl Into<String>,
        name: impl Into<String>,
        timing: TriggerTiming,
        events: impl IntoIterator<Item = TriggerEvent>,
        function: impl Into<String>,
        f: impl FnOnce(TriggerBuilder) -> TriggerBuilder,
    ) -> Self {
        let t = f(TriggerBuilder {
            decl: TriggerDecl {
                name: name.into(),
                table: table.into(),
                timing,
                events: events.into_iter().collect(),
                update_of: Vec::new(),
                for_each: ForEach::Statement,
                when: None,
                function: function.into(),
                args: Vec::new(),
                old_table: None,
                new_table: None,
                enabled: TriggerEnabled::Origin,
                comment: None,
            },
        });
        self.file.triggers.push(t.decl);
        self
    }
}

/// Describes one function or procedure. See [`SchemaBuilder::function`].
#[derive(Debug, Clone)]
#[must_use]
pub struct FunctionBuilder {
    decl: FunctionDecl,
}

impl FunctionBuilder {
    /// An `IN` argument.
    pub fn arg(self, name: impl Into<String>, ty: impl Into<String>) -> Self {
        self.arg_with(name, ty, |a| a)
    }

    /// An argument whose mode or default `f` sets.
    pub fn arg_with(
        mut self,
        name: impl Into<String>,
        ty: impl Into<String>,
        f: impl FnOnce(ArgBuilder) -> ArgBuilder,
    ) -> Self {
        let a = f(ArgBuilder {
            decl: ArgDecl {
                name: Some(name.into()),
                ty: ty.into(),
                ..ArgDecl::default()
            },
        });
        self.decl.args.push(a.decl);
        self
    }

    /// An unnamed `IN` argument.
    pub fn unnamed_arg(mut self, ty: impl Into<String>) -> Self {
        self.decl.args.push(ArgDecl {
            ty: ty.into(),
            ..ArgDecl::default()
        });
        self
    }

    /// `RETURNS type` (`setof …` allowed).
    pub fn returns(mut self, ty: impl Into<String>) -> Self {
        self.decl.returns = Some(ty.into());
        self
    }

    /// `RETURNS TABLE (name type, …)`.
    pub fn returns_table(
        mut self,
        columns: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        self.decl.returns_table = columns
            .into_iter()
            .map(|(n, t)| ReturnColumnDecl {
                name: n.into(),
                ty: t.into(),
            })
            .collect();
        self
    }

    /// The body is SQL-standard (`RETURN …` or `BEGIN ATOMIC … END`).
    pub fn sql_body(mut self) -> Self {
        self.decl.sql_body = true;
        self
    }

    /// `STABLE`, `IMMUTABLE` (or `VOLATILE`, the default).
    pub fn volatility(mut self, v: Volatility) -> Self {
        self.decl.volatility = v;
        self
    }

    /// `STRICT`.
    pub fn strict(mut self) -> Self {
        self.decl.strict = true;
        self
    }

    /// `SECURITY DEFINER`.
    pub fn security_definer(mut self) -> Self {
        self.decl.security_definer = true;
        self
    }

    /// `LEAKPROOF`.
    pub fn leakproof(mut self) -> Self {
        self.decl.leakproof = true;
        self
    }

    /// `PARALLEL SAFE` / `RESTRICTED` (or `UNSAFE`, the default).
    pub fn parallel(mut self, p: Parallel) -> Self {
        self.decl.parallel = p;
        self
    }

    /// `SET name = value`, e.g. `("search_path", "app, pg_catalog")`.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.decl.set.insert(name.into(), value.into());
        self
    }

    /// `COMMENT ON FUNCTION`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.decl.comment = Some(comment.into());
        self
    }
}

/// Describes one argument. See [`FunctionBuilder::arg_with`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ArgBuilder {
    decl: ArgDecl,
}

impl ArgBuilder {
    /// `OUT`, `INOUT`, `VARIADIC` (or `IN`, the default).
    pub fn mode(mut self, mode: ArgMode) -> Self {
        self.decl.mode = mode;
        self
    }

    /// A default, written as PostgreSQL prints it back (`'x'::text`).
    pub fn default(mut self, expr: impl Into<String>) -> Self {
        self.decl.default = Some(expr.into());
        self
    }
}

/// Describes one trigger. See [`SchemaBuilder::trigger`].
#[derive(Debug, Clone)]
#[must_use]
pub struct TriggerBuilder {
    decl: TriggerDecl,
}

impl TriggerBuilder {
    /// `FOR EACH ROW` (the default is `FOR EACH STATEMENT`).
    pub fn for_each_row(mut self) -> Self {
        self.decl.for_each = ForEach::Row;
        self
    }

    /// `UPDATE OF` these columns.
    pub fn update_of(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.decl.update_of = strings(columns);
        self
    }

    /// `WHEN (condition)`, written as PostgreSQL prints it back.
    pub fn when(mut self, condition: impl Into<String>) -> Self {
        self.decl.when = Some(condition.into());
        self
    }

    /// Arguments to the function.
    pub fn args(mut self, args: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.decl.args = strings(args);
        self
    }

    /// `REFERENCING OLD TABLE AS name`.
    pub fn old_table(mut self, name: impl Into<String>) -> Self {
        self.decl.old_table = Some(name.into());
        self
    }

    /// `REFERENCING NEW TABLE AS name`.
    pub fn new_table(mut self, name: impl Into<String>) -> Self {
        self.decl.new_table = Some(name.into());
        self
    }

    /// Enabled state (`ENABLE ALWAYS`, `DISABLE`, …).
    pub fn enabled(mut self, state: TriggerEnabled) -> Self {
        self.decl.enabled = state;
        self
    }

    /// `COMMENT ON TRIGGER`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.decl.comment = Some(comment.into());
        self
    }
}
