//! SeaQuery statements → a graft declaration ([`FromSeaQuery`]).

use super::scan::{self, Cursor};
use crate::declare::{
    lower, CheckDecl, ColumnDecl, DeclareError, DeclareErrorKind, Declared, EnumDecl,
    ForeignKeyDecl, IndexDecl, IndexKeyDecl, PrimaryKeyDecl, ReferencesDecl, SchemaBuilder,
    SchemaFile, TableDecl, UniqueDecl,
};
use crate::model::{FkAction, Identity, IndexTarget};
use crate::sql::make_name;
use sea_query::extension::postgres::TypeCreateStatement;
use sea_query::{
    ColumnDef, ColumnType, Expr, ForeignKeyAction, ForeignKeyCreateStatement, IndexCreateStatement,
    PostgresQueryBuilder, QueryBuilder, Table, TableBuilder, TableCreateStatement, TableRef,
};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Declares a plugin schema from SeaQuery statements: what SeaORM's
/// `Schema::create_table_from_entity`, `create_enum_from_active_enum` and
/// `create_index_from_entity` produce, or what a SeaQuery migration builds.
///
/// The plugin's name, version, namespace, dependencies and anything else
/// come from a [`SchemaBuilder`] (which may declare more tables, views and
/// functions of its own); the statements add enum types, tables and
/// indexes to it. [`FromSeaQuery::into_file`] reads them into a
/// [`SchemaFile`] and [`FromSeaQuery::build`] validates it like any other
/// declaration, so the result is exactly what the same schema written as a
/// JSON file would give.
///
/// What is read, and how (sea-query 1.0's Postgres backend decides):
///
/// - table and column names; a table or enum qualified with a schema must
///   be in the plugin's namespace; an unqualified foreign key target is a
///   table of the namespace;
/// - column types as the Postgres backend renders them (`ColumnType::String`
///   is `varchar`, `Decimal(Some((p, s)))` is `numeric(p,s)`, `Enum` also
///   declares the enum), `NOT NULL` / `NULL`, `DEFAULT` and stored generated
///   expressions (rendered by the Postgres backend, then taken like a
///   file's expression), `auto_increment` (an identity column `BY DEFAULT`,
///   or a `serial` one when sea-query renders serials), `unique_key`,
///   `primary_key`, column checks, comments;
/// - primary keys and unique constraints added with `Table::primary_key` /
///   `Table::index`, foreign keys with their actions, table checks;
/// - indexes: unique, access method, column and expression keys with their
///   order, `INCLUDE`, partial predicates; `CONCURRENTLY` and
///   `IF NOT EXISTS` (of indexes and tables) are ways of running a
///   statement, not schema, and are ignored;
/// - comments of tables and columns, which sea-query's Postgres backend
///   leaves out of its SQL: graft creates them.
///
/// Expressions are SQL as sea-query renders them, taken as a schema file's
/// expressions are: a name in one is looked up when graft applies it, not
/// in the plugin's namespace, so qualify the plugin's own types and
/// functions (`Expr::cust("'open'::shop.order_status")`).
///
/// Anything else is an error naming the table and column and what graft
/// cannot represent: `ColumnDef::extra` and `Table::extra` SQL, virtual
/// generated columns, `NULLS NOT DISTINCT`, operator classes, index key
/// prefixes, temporary or partitioned tables, a plain index inside
/// `Table::create` (PostgreSQL has no such clause), `ColumnType::Year`,
/// and types graft does not know (`interval` fields, `vector`, …).
///
/// ```
/// use graft::declare::SchemaBuilder;
/// use graft::sea::FromSeaQuery;
/// use sea_query::extension::postgres::Type;
/// use sea_query::{Alias, ColumnDef, ColumnType, Expr, ForeignKey, ForeignKeyAction, Index, Table};
///
/// let status = Type::create()
///     .as_enum(Alias::new("order_status"))
///     .values([Alias::new("open"), Alias::new("paid")])
///     .to_owned();
/// let customers = Table::create()
///     .table(Alias::new("customers"))
///     .col(ColumnDef::new(Alias::new("id")).big_integer().not_null().auto_increment().primary_key())
///     .col(ColumnDef::new(Alias::new("email")).string_len(200).not_null().unique_key())
///     .to_owned();
/// let orders = Table::create()
///     .table(Alias::new("orders"))
///     .col(ColumnDef::new(Alias::new("id")).big_integer().not_null().auto_increment().primary_key())
///     .col(ColumnDef::new(Alias::new("customer_id")).big_integer().not_null())
///     .col(ColumnDef::new(Alias::new("status")).custom(Alias::new("order_status")).not_null().default("open"))
///     .col(ColumnDef::new(Alias::new("total")).decimal_len(12, 2).not_null().default(0))
///     .foreign_key(
///         ForeignKey::create()
///             .from(Alias::new("orders"), Alias::new("customer_id"))
///             .to(Alias::new("customers"), Alias::new("id"))
///             .on_delete(ForeignKeyAction::Cascade),
///     )
///     .to_owned();
/// let by_status = Index::create()
///     .name("orders_status_idx")
///     .table(Alias::new("orders"))
///     .col(Alias::new("status"))
///     .to_owned();
///
/// let declared = FromSeaQuery::new(SchemaBuilder::new("shop").version("1.0.0"))
///     .enum_type(&status)
///     .table(&customers)
///     .table(&orders)
///     .index(&by_status)
///     .build()?;
///
/// let orders = &declared.schema.tables.iter().find(|t| t.name.name == "orders").unwrap();
/// assert_eq!(orders.columns[3].ty.canonical(), "numeric(12,2)");
/// assert_eq!(orders.columns[2].default.as_deref(), Some("'open'"));
/// assert_eq!(orders.foreign_keys[0].ref_table.to_string(), "shop.customers");
/// assert_eq!(orders.indexes[0].name, "orders_status_idx");
/// # Ok::<(), graft::declare::DeclareError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct FromSeaQuery {
    file: SchemaFile,
    types: Vec<TypeCreateStatement>,
    tables: Vec<TableCreateStatement>,
    indexes: Vec<IndexCreateStatement>,
}

impl FromSeaQuery {
    /// Starts from `base`: the plugin's name, version, namespace and
    /// anything it declares itself.
    ///
    /// ```
    /// use graft::declare::SchemaBuilder;
    /// use graft::sea::FromSeaQuery;
    ///
    /// let d = FromSeaQuery::new(SchemaBuilder::new("shop").namespace("public")).build()?;
    /// assert_eq!(d.namespace(), "public");
    /// # Ok::<(), graft::declare::DeclareError>(())
    /// ```
    pub fn new(base: SchemaBuilder) -> Self {
        FromSeaQuery {
            file: base.into_file(),
            types: Vec::new(),
            tables: Vec::new(),
            indexes: Vec::new(),
        }
    }

    /// Adds an enum type (`Type::create().as_enum(…).values(…)`, or SeaORM's
    /// `Schema::create_enum_from_active_enum`).
    ///
    /// ```
    /// use graft::declare::SchemaBuilder;
    /// use graft::sea::FromSeaQuery;
    /// use sea_query::{extension::postgres::Type, Alias};
    ///
    /// let t = Type::create().as_enum(Alias::new("mood")).values([Alias::new("ok")]).to_owned();
    /// let d = FromSeaQuery::new(SchemaBuilder::new("app")).enum_type(&t).build()?;
    /// assert_eq!(d.schema.enums[0].values, ["ok"]);
    /// # Ok::<(), graft::declare::DeclareError>(())
    /// ```
    pub fn enum_type(mut self, stmt: &TypeCreateStatement) -> Self {
        self.types.push(stmt.clone());
        self
    }

    /// Adds a table (`Table::create()…`, or SeaORM's
    /// `Schema::create_table_from_entity`).
    ///
    /// ```
    /// use graft::declare::SchemaBuilder;
    /// use graft::sea::FromSeaQuery;
    /// use sea_query::{Alias, ColumnDef, Table};
    ///
    /// let t = Table::create()
    ///     .table(Alias::new("notes"))
    ///     .col(ColumnDef::new(Alias::new("body")).text().not_null())
    ///     .to_owned();
    /// let d = FromSeaQuery::new(SchemaBuilder::new("app")).table(&t).build()?;
    /// assert!(!d.schema.tables[0].columns[0].nullable);
    /// # Ok::<(), graft::declare::DeclareError>(())
    /// ```
    pub fn table(mut self, stmt: &TableCreateStatement) -> Self {
        self.tables.push(stmt.clone());
        self
    }

    /// Adds an index of one of the tables (`Index::create()…`).
    ///
    /// ```
    /// use graft::declare::SchemaBuilder;
    /// use graft::sea::FromSeaQuery;
    /// use sea_query::{Alias, ColumnDef, Index, IndexOrder, Table};
    ///
    /// let t = Table::create()
    ///     .table(Alias::new("notes"))
    ///     .col(ColumnDef::new(Alias::new("at")).timestamp_with_time_zone())
    ///     .to_owned();
    /// let i = Index::create().table(Alias::new("notes")).col((Alias::new("at"), IndexOrder::Desc)).to_owned();
    /// let d = FromSeaQuery::new(SchemaBuilder::new("app")).table(&t).index(&i).build()?;
    /// assert!(d.schema.tables[0].indexes[0].keys[0].desc);
    /// # Ok::<(), graft::declare::DeclareError>(())
    /// ```
    pub fn index(mut self, stmt: &IndexCreateStatement) -> Self {
        self.indexes.push(stmt.clone());
        self
    }

    /// Adds several indexes (SeaORM's `Schema::create_index_from_entity`
    /// returns a `Vec`).
    ///
    /// ```
    /// use graft::declare::SchemaBuilder;
    /// use graft::sea::FromSeaQuery;
    /// use sea_query::{Alias, ColumnDef, Index, Table};
    ///
    /// let t = Table::create()
    ///     .table(Alias::new("notes"))
    ///     .col(ColumnDef::new(Alias::new("a")).integer())
    ///     .col(ColumnDef::new(Alias::new("b")).integer())
    ///     .to_owned();
    /// let ix = vec![
    ///     Index::create().table(Alias::new("notes")).col(Alias::new("a")).to_owned(),
    ///     Index::create().table(Alias::new("notes")).col(Alias::new("b")).unique().to_owned(),
    /// ];
    /// let d = FromSeaQuery::new(SchemaBuilder::new("app")).table(&t).indexes(&ix).build()?;
    /// assert_eq!(d.schema.tables[0].indexes.len(), 2);
    /// # Ok::<(), graft::declare::DeclareError>(())
    /// ```
    pub fn indexes<'a>(
        mut self,
        stmts: impl IntoIterator<Item = &'a IndexCreateStatement>,
    ) -> Self {
        self.indexes.extend(stmts.into_iter().cloned());
        self
    }

    /// Reads the statements into the base declaration, unvalidated (the
    /// errors here are about what the statements say that graft cannot
    /// represent; [`lower`] checks the rest).
    ///
    /// ```
    /// use graft::declare::SchemaBuilder;
    /// use graft::sea::FromSeaQuery;
    /// use sea_query::{Alias, ColumnDef, Table};
    ///
    /// let t = Table::create()
    ///     .table(Alias::new("notes"))
    ///     .col(ColumnDef::new(Alias::new("id")).integer().not_null().auto_increment().primary_key())
    ///     .to_owned();
    /// let file = FromSeaQuery::new(SchemaBuilder::new("app")).table(&t).into_file()?;
    /// assert_eq!(
    ///     serde_json::to_string(&file.tables[0])?,
    ///     r#"{"name":"notes","columns":[{"name":"id","type":"integer","nullable":false,"identity":"by_default"}],"primary_key":["id"]}"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_file(self) -> Result<SchemaFile, DeclareError> {
        let mut file = self.file;
        let mut cx = Reader {
            plugin: file.plugin.clone(),
            ns: file
                .namespace
                .clone()
                .unwrap_or_else(|| file.plugin.clone()),
            serial: renders_serial(),
            enums: std::mem::take(&mut file.enums),
        };
        for t in &self.types {
            cx.enum_type(t)?;
        }
        for t in &self.tables {
            let decl = cx.table(t)?;
            file.tables.push(decl);
        }
        for i in &self.indexes {
            cx.index(i, &mut file.tables)?;
        }
        file.enums = cx.enums;
        Ok(file)
    }

    /// Reads the statements and validates the whole declaration.
    ///
    /// ```
    /// use graft::declare::SchemaBuilder;
    /// use graft::sea::FromSeaQuery;
    /// use sea_query::{Alias, ColumnDef, Table};
    ///
    /// let t = Table::create()
    ///     .table(Alias::new("notes"))
    ///     .col(ColumnDef::new(Alias::new("body")).text().extra("COLLATE \"C\""))
    ///     .to_owned();
    /// let err = FromSeaQuery::new(SchemaBuilder::new("app")).table(&t).build().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "plugin `app`, table `notes`, column `body`: `extra(\"COLLATE \\\"C\\\"\")`: \
    ///      graft cannot represent raw SQL added to a column; declare what it says \
    ///      with graft's own keys (a schema file or `SchemaBuilder`)"
    /// );
    /// # Ok::<(), graft::declare::DeclareError>(())
    /// ```
    pub fn build(self) -> Result<Declared, DeclareError> {
        lower(&self.into_file()?)
    }
}

/// Whether this build of sea-query renders `auto_increment` as `serial`
/// (its `option-postgres-use-serial` feature) rather than as an identity.
fn renders_serial() -> bool {
    let mut s = String::new();
    let mut probe = ColumnDef::new_with_type("x", ColumnType::Integer);
    PostgresQueryBuilder.prepare_column_def(probe.auto_increment(), &mut s);
    s.contains("serial")
}

/// Runs a sea-query renderer, turning its panics (`unimplemented!` on
/// types a backend lacks, "Not supported" on some shapes) into `None`.
fn render(f: impl FnOnce(&mut String)) -> Option<String> {
    let mut s = String::new();
    catch_unwind(AssertUnwindSafe(|| f(&mut s))).ok()?;
    Some(s)
}

/// An expression as the Postgres backend renders it (values inline).
fn expr_sql(e: &Expr) -> Option<String> {
    render(|s| PostgresQueryBuilder.prepare_expr(e, s))
}

/// `name`, or `"na.me"` when a dot or quote would change how graft reads it.
fn table_text(schema: Option<&str>, name: &str) -> String {
    let q = |s: &str| {
        if s.contains(['.', '"']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    match schema {
        Some(s) => format!("{}.{}", q(s), q(name)),
        None => q(name),
    }
}

/// Names the unnamed checks as PostgreSQL would have: after the table and
/// the one column the expression reads, or after the table alone when it
/// reads none or several (then graft's default, `<table>_check`, is that
/// name). Column and table checks alike: PostgreSQL goes by the
/// expression, not by where it was written.
fn name_checks(t: &mut TableDecl) {
    for c in t.checks.iter_mut().filter(|c| c.name.is_none()) {
        let mut read = t
            .columns
            .iter()
            .filter(|col| crate::sql::scan::may_read_column(&c.expr, &col.name));
        if let (Some(col), None) = (read.next(), read.next()) {
            c.name = Some(make_name(&t.name, &col.name, "check"));
        }
    }
}

struct Reader {
    plugin: String,
    ns: String,
    serial: bool,
    enums: Vec<EnumDecl>,
}

/// An index as read back from its rendered statement.
struct ReadIndex {
    table: Option<(Option<String>, String)>,
    method: Option<String>,
    keys: Vec<IndexKeyDecl>,
    include: Vec<String>,
    nulls_not_distinct: bool,
    predicate: Option<String>,
}

impl ReadIndex {
    /// A plain list of columns, as a key constraint takes.
    fn plain_columns(&self) -> Option<Vec<String>> {
        if self.method.is_some()
            || !self.include.is_empty()
            || self.nulls_not_distinct
            || self.predicate.is_some()
        {
            return None;
        }
        self.keys
            .iter()
            .map(|k| match &k.target {
                IndexTarget::Column(c) if !k.desc => Some(c.clone()),
                _ => None,
            })
            .collect()
    }
}

impl Reader {
    fn err(
        &self,
        table: Option<&str>,
        column: Option<&str>,
        what: &str,
        why: &str,
    ) -> DeclareError {
        let mut e = DeclareError::new(DeclareErrorKind::Invalid {
            what: what.to_string(),
            why: why.to_string(),
        })
        .with_plugin(&self.plugin);
        if let Some(t) = table {
            e = e.with_table(t);
        }
        if let Some(c) = column {
            e = e.with_column(c);
        }
        e
    }

    /// The name of a table reference in the plugin's namespace, or the
    /// target text (`other_ns.table`) for a reference elsewhere when
    /// `elsewhere` allows it.
    fn table_ref(
        &self,
        r: &TableRef,
        at: Option<&str>,
        what: &str,
        elsewhere: bool,
    ) -> Result<String, DeclareError> {
        let TableRef::Table(t, None) = r else {
            return Err(self.err(
                at,
                None,
                what,
                "is not a plain table name (an alias, a subquery or values)",
            ));
        };
        let schema = match &t.0 {
            None => None,
            Some(sea_query::SchemaName(Some(_), _)) => {
                return Err(self.err(
                    at,
                    None,
                    what,
                    "names a database; graft declares tables of one database",
                ));
            }
            Some(sea_query::SchemaName(None, s)) => Some(s.to_string()),
        };
        let name = t.1.to_string();
        match schema {
            Some(s) if s != self.ns => {
                if elsewhere {
                    Ok(table_text(Some(&s), &name))
                } else {
                    Err(self.err(
                        at.or(Some(&name)),
                        None,
                        what,
                        &format!(
                            "is in schema `{s}`, but the plugin's namespace is `{}`",
                            self.ns
                        ),
                    ))
                }
            }
            _ => Ok(table_text(None, &name)),
        }
    }

    fn add_enum(
        &mut self,
        table: Option<&str>,
        column: Option<&str>,
        name: String,
        values: Vec<String>,
    ) -> Result<(), DeclareError> {
        match self.enums.iter().find(|e| e.name == name) {
            Some(e) if e.values == values => Ok(()),
            Some(e) => Err(self.err(
                table,
                column,
                &format!("enum `{name}`"),
                &format!("declared with labels {:?} and also {:?}", e.values, values),
            )),
            None => {
                self.enums.push(EnumDecl { name, values });
                Ok(())
            }
        }
    }

    fn enum_type(&mut self, t: &TypeCreateStatement) -> Result<(), DeclareError> {
        let Some(sql) = render(|s| *s = t.to_string(PostgresQueryBuilder)) else {
            return Err(self.err(None, None, "a type statement", "sea-query cannot render it"));
        };
        let what = format!("`{sql}`");
        let unreadable = || {
            self.err(
                None,
                None,
                &what,
                "graft reads only `CREATE TYPE … AS ENUM (…)`",
            )
        };
        let mut c = Cursor::new(&sql);
        if !c.eat("CREATE TYPE ") {
            return Err(unreadable());
        }
        let (schema, name) = c.qualified().ok_or_else(unreadable)?;
        if !c.eat(" AS ENUM ") {
            return Err(unreadable());
        }
        let inner = c.parenthesized().ok_or_else(unreadable)?;
        if !c.is_empty() {
            return Err(unreadable());
        }
        if let Some(s) = schema.filter(|s| *s != self.ns) {
            return Err(self.err(
                None,
                None,
                &format!("enum `{name}`"),
                &format!(
                    "is in schema `{s}`, but the plugin's namespace is `{}`",
                    self.ns
                ),
            ));
        }
        let values = scan::split_top_level(inner)
            .into_iter()
            .map(scan::string_literal)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(unreadable)?;
        self.add_enum(None, None, name, values)
    }

    /// The type text graft reads, as the Postgres backend renders it.
    fn column_type(
        &mut self,
        ty: &ColumnType,
        table: &str,
        column: &str,
    ) -> Result<String, DeclareError> {
        match ty {
            ColumnType::Year => Err(self.err(
                Some(table),
                Some(column),
                "type `ColumnType::Year`",
                "PostgreSQL has no year type",
            )),
            ColumnType::Enum { name, variants } => {
                let values = variants.iter().map(|v| v.to_string()).collect();
                self.add_enum(Some(table), Some(column), name.to_string(), values)?;
                Ok(name.to_string())
            }
            ColumnType::Array(inner) => {
                Ok(format!("{}[]", self.column_type(inner, table, column)?))
            }
            _ => render(|s| PostgresQueryBuilder.prepare_column_type(ty, s)).ok_or_else(|| {
                self.err(
                    Some(table),
                    Some(column),
                    &format!("type `{ty:?}`"),
                    "sea-query's Postgres backend cannot render it",
                )
            }),
        }
    }

    fn table(&mut self, stmt: &TableCreateStatement) -> Result<TableDecl, DeclareError> {
        let Some(r) = stmt.get_table_name() else {
            return Err(self.err(None, None, "a table statement", "names no table"));
        };
        let name = self.table_ref(r, None, "the table", false)?;
        let name = crate::model::QualName::parse(&name, &self.ns).name;
        let at = Some(name.as_str());
        if let Some(extra) = stmt.get_extra() {
            return Err(self.err(
                at,
                None,
                &format!("`extra({extra:?})`"),
                "graft cannot represent raw SQL added to a table statement",
            ));
        }
        let mut t = TableDecl {
            name: name.clone(),
            comment: stmt.get_comment().cloned(),
            ..TableDecl::default()
        };
        let mut pk = Vec::new();
        for c in stmt.get_columns() {
            self.column(&mut t, &mut pk, c)?;
        }
        if !pk.is_empty() {
            t.primary_key = Some(PrimaryKeyDecl {
                name: None,
                columns: pk,
            });
        }
        for i in stmt.get_indexes() {
            self.table_index(&mut t, i)?;
        }
        for fk in stmt.get_foreign_key_create_stmts() {
            let decl = self.foreign_key(&name, fk)?;
            t.foreign_keys.push(decl);
        }
        let checks = self.table_checks(stmt, &t)?;
        t.checks.extend(checks);
        name_checks(&mut t);
        Ok(t)
    }

    fn column(
        &mut self,
        t: &mut TableDecl,
        pk: &mut Vec<String>,
        c: &ColumnDef,
    ) -> Result<(), DeclareError> {
        let name = c.get_column_name();
        let spec = c.get_column_spec();
        let err = |what: &str, why: &str| self.err(Some(&t.name), Some(&name), what, why);
        let Some(ty) = c.get_column_type() else {
            return Err(err("the column", "has no type"));
        };
        let ty_text = self.column_type(ty, &t.name, &name)?;
        let err = |what: &str, why: &str| self.err(Some(&t.name), Some(&name), what, why);
        let mut d = ColumnDecl {
            name: name.clone(),
            ty: ty_text,
            nullable: spec.nullable,
            comment: spec.comment.clone(),
            ..ColumnDecl::default()
        };
        if spec.auto_increment {
            if !matches!(
                ty,
                ColumnType::SmallInteger | ColumnType::Integer | ColumnType::BigInteger
            ) {
                return Err(err(
                    "`auto_increment`",
                    "takes a small_integer, integer or big_integer column",
                ));
            }
            if self.serial {
                d.serial = true;
            } else {
                d.identity = Some(Identity::ByDefault);
            }
        }
        if let Some(e) = &spec.default {
            d.default =
                Some(expr_sql(e).ok_or_else(|| err("the default", "sea-query cannot render it"))?);
        }
        if let Some(g) = &spec.generated {
            if !g.stored {
                return Err(err(
                    "a virtual generated column",
                    "PostgreSQL before 18 has only stored generated columns; use `generated(expr, true)`",
                ));
            }
            d.generated =
                Some(expr_sql(&g.expr).ok_or_else(|| {
                    err("the generated expression", "sea-query cannot render it")
                })?);
        }
        if let Some(extra) = &spec.extra {
            return Err(err(
                &format!("`extra({extra:?})`"),
                "graft cannot represent raw SQL added to a column; declare what it says with \
                 graft's own keys (a schema file or `SchemaBuilder`)",
            ));
        }
        if spec.using.is_some() {
            return Err(err(
                "`using`",
                "applies to `ALTER COLUMN … TYPE`, not to a declared column",
            ));
        }
        if let Some(check) = &spec.check {
            let sql = render(|s| PostgresQueryBuilder.prepare_check_constraint(check, s))
                .ok_or_else(|| err("the check", "sea-query cannot render it"))?;
            let (cname, expr) = scan::check(&sql)
                .ok_or_else(|| err(&format!("`{sql}`"), "is not a check graft can read"))?;
            t.checks.push(CheckDecl { name: cname, expr });
        }
        if spec.unique {
            t.unique.push(UniqueDecl {
                name: None,
                columns: vec![name.clone()],
            });
        }
        if spec.primary_key {
            pk.push(name.clone());
        }
        if pk.len() > 1 {
            return Err(err(
                "`primary_key`",
                "is on more than one column; declare a composite key with `Table::primary_key`",
            ));
        }
        t.columns.push(d);
        Ok(())
    }

    /// Reads an index statement back from its rendering.
    fn read_index(
        &self,
        i: &IndexCreateStatement,
        at: Option<&str>,
    ) -> Result<ReadIndex, DeclareError> {
        let name = i.get_index_spec().get_name();
        let what = match name {
            Some(n) => format!("index `{n}`"),
            None => "an index".to_string(),
        };
        let Some(sql) = render(|s| *s = i.to_string(PostgresQueryBuilder)) else {
            return Err(self.err(at, None, &what, "sea-query cannot render it"));
        };
        let bad = |why: &str| self.err(at, None, &format!("{what} (`{sql}`)"), why);
        let unreadable = || bad("graft cannot read this index statement");
        let mut c = Cursor::new(&sql);
        if !c.eat("CREATE ") {
            return Err(unreadable());
        }
        c.eat("PRIMARY KEY ");
        c.eat("UNIQUE ");
        if !c.eat("INDEX ") {
            return Err(unreadable());
        }
        c.eat("CONCURRENTLY ");
        c.eat("IF NOT EXISTS ");
        if let Some(n) = name {
            // written between quotes without escaping
            if !c.eat(&format!("\"{n}\"")) {
                return Err(unreadable());
            }
        }
        if !c.eat(" ON ") {
            return Err(unreadable());
        }
        let table = if c.rest().starts_with('"') {
            Some(c.qualified().ok_or_else(unreadable)?)
        } else {
            None
        };
        let method = if c.eat(" USING ") {
            Some(c.word().to_lowercase())
        } else {
            None
        };
        if !c.eat(" ") {
            return Err(unreadable());
        }
        let inner = c.parenthesized().ok_or_else(unreadable)?;
        let mut keys = Vec::new();
        for item in scan::split_top_level(inner) {
            let mut k = Cursor::new(item);
            let target = if item.starts_with('"') {
                IndexTarget::Column(k.ident().ok_or_else(unreadable)?)
            } else if item.starts_with('(') {
                IndexTarget::Expr(k.parenthesized().ok_or_else(unreadable)?.to_string())
            } else {
                return Err(unreadable());
            };
            if k.rest().starts_with(" (") {
                return Err(bad("key prefix lengths are MySQL's; PostgreSQL has none"));
            }
            let desc = if k.eat(" DESC") {
                true
            } else {
                k.eat(" ASC");
                false
            };
            if !k.is_empty() {
                return Err(bad("graft does not declare operator classes of index keys"));
            }
            keys.push(IndexKeyDecl {
                target,
                desc,
                nulls: None,
            });
        }
        let include = if c.eat(" INCLUDE ") {
            let list = c.parenthesized().ok_or_else(unreadable)?;
            scan::split_top_level(list)
                .into_iter()
                .map(|s| {
                    let mut k = Cursor::new(s);
                    k.ident().filter(|_| k.is_empty())
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(unreadable)?
        } else {
            Vec::new()
        };
        let nulls_not_distinct = c.eat(" NULLS NOT DISTINCT");
        let predicate = if c.eat(" WHERE ") {
            Some(
                std::mem::replace(&mut c, Cursor::new(""))
                    .rest()
                    .to_string(),
            )
        } else {
            None
        };
        if !c.is_empty() {
            return Err(unreadable());
        }
        Ok(ReadIndex {
            table,
            method,
            keys,
            include,
            nulls_not_distinct,
            predicate,
        })
    }

    /// A key added inside `Table::create`: a primary key or a unique
    /// constraint.
    fn table_index(&self, t: &mut TableDecl, i: &IndexCreateStatement) -> Result<(), DeclareError> {
        let at = Some(t.name.as_str());
        let r = self.read_index(i, at)?;
        let name = i.get_index_spec().get_name().map(str::to_string);
        let what = match &name {
            Some(n) => format!("key `{n}`"),
            None => "a key".to_string(),
        };
        let kind = if i.is_primary_key() {
            "primary key"
        } else if i.is_unique_key() {
            "unique constraint"
        } else {
            return Err(self.err(
                at,
                None,
                &what,
                "a plain index inside `Table::create` is not PostgreSQL (sea-query renders \
                 `CONSTRAINT … (…)`); add it with `Index::create()` instead",
            ));
        };
        let Some(columns) = r.plain_columns() else {
            return Err(self.err(
                at,
                None,
                &what,
                &format!(
                    "a {kind} is a plain list of columns (no order, method, INCLUDE, \
                     NULLS NOT DISTINCT or predicate); declare a unique index with \
                     `Index::create()` for more"
                ),
            ));
        };
        if i.is_primary_key() {
            if t.primary_key.is_some() {
                return Err(self.err(at, None, &what, "the table already has a primary key"));
            }
            t.primary_key = Some(PrimaryKeyDecl { name, columns });
        } else {
            t.unique.push(UniqueDecl { name, columns });
        }
        Ok(())
    }

    /// A stand-alone index, added to its table.
    fn index(
        &self,
        i: &IndexCreateStatement,
        tables: &mut [TableDecl],
    ) -> Result<(), DeclareError> {
        let r = self.read_index(i, None)?;
        let name = i.get_index_spec().get_name().map(str::to_string);
        let what = match &name {
            Some(n) => format!("index `{n}`"),
            None => "an index".to_string(),
        };
        let Some((schema, table)) = &r.table else {
            return Err(self.err(None, None, &what, "names no table"));
        };
        let at = Some(table.as_str());
        if let Some(s) = schema.as_ref().filter(|s| **s != self.ns) {
            return Err(self.err(
                at,
                None,
                &what,
                &format!(
                    "is on a table of schema `{s}`, but the plugin's namespace is `{}`",
                    self.ns
                ),
            ));
        }
        if i.is_primary_key() {
            return Err(self.err(at, None, &what, "a primary key belongs in `Table::create`"));
        }
        if r.nulls_not_distinct {
            return Err(self.err(at, None, &what, "graft does not declare NULLS NOT DISTINCT"));
        }
        let Some(t) = tables.iter_mut().find(|t| t.name == *table) else {
            return Err(self.err(
                at,
                None,
                &what,
                "is on a table the declaration does not have",
            ));
        };
        let mut decl = IndexDecl {
            name,
            unique: i.is_unique_key(),
            method: r.method,
            where_: r.predicate,
            include: r.include,
            ..IndexDecl::default()
        };
        decl.set_keys(r.keys);
        t.indexes.push(decl);
        Ok(())
    }

    fn foreign_key(
        &self,
        table: &str,
        fk: &ForeignKeyCreateStatement,
    ) -> Result<ForeignKeyDecl, DeclareError> {
        let f = fk.get_foreign_key();
        let what = match f.get_name() {
            Some(n) => format!("foreign key `{n}`"),
            None => "a foreign key".to_string(),
        };
        let at = Some(table);
        if let Some(from) = f.get_table() {
            let from = self.table_ref(from, at, &what, false)?;
            if crate::model::QualName::parse(&from, &self.ns).name != table {
                return Err(self.err(at, None, &what, &format!("is from table `{from}`")));
            }
        }
        let Some(to) = f.get_ref_table() else {
            return Err(self.err(at, None, &what, "references no table"));
        };
        let target = self.table_ref(to, at, &what, true)?;
        let action = |a: Option<ForeignKeyAction>| match a {
            None | Some(ForeignKeyAction::NoAction) => Ok(FkAction::NoAction),
            Some(ForeignKeyAction::Restrict) => Ok(FkAction::Restrict),
            Some(ForeignKeyAction::Cascade) => Ok(FkAction::Cascade),
            Some(ForeignKeyAction::SetNull) => Ok(FkAction::SetNull),
            Some(ForeignKeyAction::SetDefault) => Ok(FkAction::SetDefault),
            Some(other) => Err(self.err(
                at,
                None,
                &what,
                &format!("has action {other:?}, which graft does not know"),
            )),
        };
        Ok(ForeignKeyDecl {
            name: f.get_name().map(str::to_string),
            columns: f.get_columns(),
            references: ReferencesDecl {
                table: target,
                columns: f.get_ref_columns(),
            },
            on_delete: action(f.get_on_delete())?,
            on_update: action(f.get_on_update())?,
            ..ForeignKeyDecl::default()
        })
    }

    /// The table checks, which sea-query does not expose: the statement's
    /// rendering less that of the same table rebuilt from what it does
    /// expose. Any other difference (TEMPORARY, partitioning, options) is
    /// an error.
    fn table_checks(
        &self,
        stmt: &TableCreateStatement,
        t: &TableDecl,
    ) -> Result<Vec<CheckDecl>, DeclareError> {
        let at = Some(t.name.as_str());
        let mut rebuilt = Table::create();
        if let Some(r) = stmt.get_table_name() {
            rebuilt.table(r.clone());
        }
        for c in stmt.get_columns() {
            rebuilt.col(c.clone());
        }
        for i in stmt.get_indexes() {
            rebuilt.index(&mut i.clone());
        }
        for f in stmt.get_foreign_key_create_stmts() {
            rebuilt.foreign_key(&mut f.clone());
        }
        let (Some(ours), Some(theirs)) = (
            render(|s| *s = rebuilt.to_string(PostgresQueryBuilder)),
            render(|s| *s = stmt.to_string(PostgresQueryBuilder)),
        ) else {
            return Err(self.err(
                at,
                None,
                "the table statement",
                "sea-query cannot render it",
            ));
        };
        let theirs = match theirs.strip_prefix("CREATE TABLE IF NOT EXISTS ") {
            Some(rest) => format!("CREATE TABLE {rest}"),
            None => theirs,
        };
        if theirs == ours {
            return Ok(Vec::new());
        }
        let extra = match ours.strip_suffix(" )") {
            Some(head) => theirs
                .strip_prefix(head)
                .and_then(|r| r.strip_prefix(", "))
                .and_then(|r| r.strip_suffix(" )")),
            None => theirs
                .strip_prefix(ours.as_str())
                .and_then(|r| r.strip_prefix(" ( "))
                .and_then(|r| r.strip_suffix(" )")),
        };
        let unreadable = || {
            self.err(
                at,
                None,
                &format!("`{theirs}`"),
                "has parts graft cannot represent (TEMPORARY, partitioning or table options)",
            )
        };
        let mut out = Vec::new();
        for item in scan::split_top_level(extra.ok_or_else(unreadable)?) {
            let (name, expr) = scan::check(item).ok_or_else(unreadable)?;
            out.push(CheckDecl { name, expr });
        }
        Ok(out)
    }
}
