//! graft's model → sea-schema's Postgres `def` ([`to_sea_schema`]).

use crate::model::{
    BaseType, Column, ColumnType, Deferrable, FkAction, Identity, IndexTarget, Schema, Table,
};
use sea_schema::postgres::def;
use sea_schema::sea_query::RcOrArc;
use std::fmt;

/// [`to_sea_schema`]'s result: sea-schema's description of one namespace,
/// and what it could not carry.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SeaSchema {
    /// The namespace as sea-schema describes a discovered one.
    pub schema: def::Schema,
    /// What graft's model holds that [`SeaSchema::schema`] does not, in the
    /// model's order.
    pub omitted: Vec<Omission>,
}

/// One thing [`to_sea_schema`] left out, or carried only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omission {
    /// The object: ``table `shop.orders` ``, ``column `shop.orders.note` ``,
    /// ``view `shop.open_orders` ``.
    pub object: String,
    /// What of it is left out and why.
    pub what: String,
}

impl fmt::Display for Omission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.object, self.what)
    }
}

/// Describes the tables and enums of `namespace` in `schema` as sea-schema's
/// Postgres `def` types: what `sea_schema::postgres::discovery` would have
/// found in a database holding them, without one. Its
/// `writer` ([`def::Schema::write`]) turns them into the
/// `TableCreateStatement`s that SeaORM's entity generator
/// (`sea_orm_codegen::EntityTransformer::transform`) takes, so SeaORM
/// entities can be generated from a graft declaration.
///
/// Carried: tables; columns with their types (enums with their labels,
/// arrays, lengths and precisions), `NOT NULL`, defaults (integers and
/// booleans as values, `CURRENT_TIMESTAMP`, anything else as an
/// expression), stored generated expressions, identity and serial columns;
/// primary keys; unique constraints and plain unique indexes (a partial one
/// marked partial); foreign keys to tables of the namespace with their
/// actions; checks.
///
/// Reported in [`SeaSchema::omitted`] (sea-schema's `def` has no place for
/// them): other indexes, the predicate of a partial unique index, identity
/// `ALWAYS` (only "is identity"), collations, comments, deferrable foreign
/// keys (kept, not deferrable), foreign keys to other namespaces (left
/// out: the def names the target table without its schema), a column type
/// of another namespace (named without it), tables and enums of other
/// namespaces, and every object that is not a table or an enum (views,
/// sequences, functions, triggers, domains, composite types, extensions,
/// grants, row security and policies).
///
/// ```
/// use graft::declare::SchemaBuilder;
/// use graft::model::Identity;
/// use graft::sea::to_sea_schema;
/// use sea_schema::postgres::def::Type;
///
/// let d = SchemaBuilder::new("shop")
///     .enum_type("status", ["open", "paid"])
///     .table("orders", |t| t
///         .column("id", "bigint", |c| c.identity(Identity::ByDefault))
///         .column("status", "status", |c| c.not_null().default("'open'::shop.status"))
///         .column("note", "varchar(200)", |c| c.comment("free text"))
///         .primary_key(["id"])
///         .index(|i| i.column("status")))
///     .build()?;
/// let sea = to_sea_schema(&d.schema, "shop");
/// let orders = &sea.schema.tables[0];
/// assert!(orders.columns[0].is_identity);
/// assert!(matches!(&orders.columns[1].col_type, Type::Enum(e) if e.values == ["open", "paid"]));
/// assert_eq!(orders.primary_key_constraints[0].name, "orders_pkey");
/// let omitted: Vec<String> = sea.omitted.iter().map(|o| o.to_string()).collect();
/// assert_eq!(omitted, [
///     "column `shop.orders.note`: its comment (sea-schema's def has no comments)",
///     "index `shop.orders_status_idx`: sea-schema's def has no indexes other than unique ones on plain columns",
/// ]);
///
/// // What SeaORM's entity generator takes:
/// let statements: Vec<sea_schema::sea_query::TableCreateStatement> = sea.schema.write();
/// assert_eq!(statements.len(), 1);
/// # Ok::<(), graft::declare::DeclareError>(())
/// ```
pub fn to_sea_schema(schema: &Schema, namespace: &str) -> SeaSchema {
    let mut cx = Converter {
        model: schema,
        ns: namespace,
        omitted: Vec::new(),
    };
    let mut enums = Vec::new();
    for e in &schema.enums {
        if e.name.schema == namespace {
            enums.push(def::EnumDef {
                typename: e.name.name.clone(),
                values: e.values.clone(),
            });
        } else {
            cx.omit(format!("enum `{}`", e.name), "in another namespace");
        }
    }
    let mut tables = Vec::new();
    for t in &schema.tables {
        if t.name.schema == namespace {
            tables.push(cx.table(t));
        } else {
            cx.omit(format!("table `{}`", t.name), "in another namespace");
        }
    }
    let not_tables = [
        (
            "view",
            schema
                .views
                .iter()
                .map(|v| v.name.to_string())
                .collect::<Vec<_>>(),
        ),
        (
            "sequence",
            schema
                .sequences
                .iter()
                .map(|s| s.name.to_string())
                .collect(),
        ),
        (
            "function",
            schema
                .functions
                .iter()
                .map(|f| f.name.to_string())
                .collect(),
        ),
        (
            "trigger",
            schema.triggers.iter().map(|t| t.name.clone()).collect(),
        ),
        (
            "domain",
            schema.domains.iter().map(|d| d.name.to_string()).collect(),
        ),
        (
            "composite type",
            schema
                .composite_types
                .iter()
                .map(|c| c.name.to_string())
                .collect(),
        ),
        (
            "extension",
            schema.extensions.iter().map(|e| e.name.clone()).collect(),
        ),
    ];
    for (kind, names) in not_tables {
        for n in names {
            cx.omit(
                format!("{kind} `{n}`"),
                "sea-schema's def has only tables and enums",
            );
        }
    }
    if !schema.grants.is_empty() {
        cx.omit(
            "grants".to_string(),
            &format!(
                "{} left out: sea-schema's def has no privileges",
                schema.grants.len()
            ),
        );
    }
    SeaSchema {
        schema: def::Schema {
            schema: namespace.to_string(),
            tables,
            enums,
        },
        omitted: cx.omitted,
    }
}

struct Converter<'a> {
    model: &'a Schema,
    ns: &'a str,
    omitted: Vec<Omission>,
}

fn action(a: FkAction) -> def::ForeignKeyAction {
    match a {
        FkAction::NoAction => def::ForeignKeyAction::NoAction,
        FkAction::Restrict => def::ForeignKeyAction::Restrict,
        FkAction::Cascade => def::ForeignKeyAction::Cascade,
        FkAction::SetNull => def::ForeignKeyAction::SetNull,
        FkAction::SetDefault => def::ForeignKeyAction::SetDefault,
    }
}

/// `name(a,b) suffix` → (`name suffix`, [a, b]).
fn split_modifiers(text: &str) -> (String, Vec<u16>) {
    match (text.find('('), text.find(')')) {
        (Some(open), Some(close)) if close > open => {
            let mods = text[open + 1..close]
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect();
            let name = format!("{}{}", &text[..open], &text[close + 1..]);
            (name, mods)
        }
        _ => (text.to_string(), Vec::new()),
    }
}

/// A built-in type, spelled as graft's model spells it (`format_type()`).
fn builtin(text: &str) -> def::Type {
    use def::Type as T;
    let (name, mods) = split_modifiers(text);
    let first = mods.first().copied();
    let time = def::TimeAttr { precision: first };
    match name.as_str() {
        "smallint" => T::SmallInt,
        "integer" => T::Integer,
        "bigint" => T::BigInt,
        "numeric" => T::Numeric(def::ArbitraryPrecisionNumericAttr {
            precision: first,
            scale: mods.get(1).copied(),
        }),
        "real" => T::Real,
        "double precision" => T::DoublePrecision,
        "money" => T::Money,
        "character varying" => T::Varchar(def::StringAttr { length: first }),
        "character" => T::Char(def::StringAttr { length: first }),
        "text" => T::Text,
        "bytea" => T::Bytea,
        "timestamp without time zone" => T::Timestamp(time),
        "timestamp with time zone" => T::TimestampWithTimeZone(time),
        "date" => T::Date,
        "time without time zone" => T::Time(time),
        "time with time zone" => T::TimeWithTimeZone(time),
        "interval" => T::Interval(def::IntervalAttr {
            field: None,
            precision: first,
        }),
        "boolean" => T::Boolean,
        "point" => T::Point,
        "line" => T::Line,
        "lseg" => T::Lseg,
        "box" => T::Box,
        "path" => T::Path,
        "polygon" => T::Polygon,
        "circle" => T::Circle,
        "cidr" => T::Cidr,
        "inet" => T::Inet,
        "macaddr" => T::MacAddr,
        "macaddr8" => T::MacAddr8,
        "bit" => T::Bit(def::BitAttr { length: first }),
        "bit varying" => T::VarBit(def::BitAttr { length: first }),
        "tsvector" => T::TsVector,
        "tsquery" => T::TsQuery,
        "uuid" => T::Uuid,
        "xml" => T::Xml,
        "json" => T::Json,
        "jsonb" => T::JsonBinary,
        "int4range" => T::Int4Range,
        "int8range" => T::Int8Range,
        "numrange" => T::NumRange,
        "tsrange" => T::TsRange,
        "tstzrange" => T::TsTzRange,
        "daterange" => T::DateRange,
        "pg_lsn" => T::PgLsn,
        // sea-schema's own name for a type it has no variant for
        _ => T::Unknown(text.to_string()),
    }
}

impl Converter<'_> {
    fn omit(&mut self, object: String, what: &str) {
        self.omitted.push(Omission {
            object,
            what: what.to_string(),
        });
    }

    fn column_type(&mut self, at: &str, c: &Column) -> def::Type {
        let ColumnType { base, array } = &c.ty;
        let elem = match base {
            BaseType::Builtin(b) if c.serial => match b.as_str() {
                "smallint" => def::Type::SmallSerial,
                "bigint" => def::Type::BigSerial,
                _ => def::Type::Serial,
            },
            BaseType::Builtin(b) => builtin(b),
            BaseType::Named(q) => {
                if q.schema != self.ns {
                    self.omit(
                        at.to_string(),
                        &format!(
                            "the schema of its type `{q}` (sea-schema names types without one)"
                        ),
                    );
                }
                match self.model.enums.iter().find(|e| e.name == *q) {
                    Some(e) => def::Type::Enum(def::EnumDef {
                        typename: q.name.clone(),
                        values: e.values.clone(),
                    }),
                    None if q.schema == self.ns => def::Type::Unknown(q.name.clone()),
                    None => def::Type::Unknown(format!("{}.{}", q.schema, q.name)),
                }
            }
        };
        if *array {
            def::Type::Array(def::ArrayDef {
                col_type: Some(RcOrArc::new(elem)),
            })
        } else {
            elem
        }
    }

    fn column(&mut self, table: &Table, c: &Column) -> def::ColumnInfo {
        let at = format!("column `{}.{}`", table.name, c.name);
        if c.identity == Some(Identity::Always) {
            self.omit(
                at.clone(),
                "identity ALWAYS (sea-schema's def says only that it is an identity column)",
            );
        }
        if let Some(coll) = &c.collation {
            self.omit(
                at.clone(),
                &format!("its collation `{coll}` (sea-schema's def has no collations)"),
            );
        }
        if c.comment.is_some() {
            self.omit(at.clone(), "its comment (sea-schema's def has no comments)");
        }
        let default = match c.default.as_deref() {
            None => None,
            // a serial column's default is its sequence, which the type says
            Some(_) if c.serial => None,
            Some(d) => Some(match d {
                "true" => def::ColumnDefault::Bool(true),
                "false" => def::ColumnDefault::Bool(false),
                "CURRENT_TIMESTAMP" => def::ColumnDefault::CurrentTimestamp,
                _ => match d.parse::<i64>() {
                    Ok(i) => def::ColumnDefault::Int(i),
                    Err(_) => def::ColumnDefault::Expression(d.to_string()),
                },
            }),
        };
        def::ColumnInfo {
            name: c.name.clone(),
            col_type: self.column_type(&at, c),
            default,
            generated: c.generated.clone().map(def::ColumnExpression),
            not_null: def::NotNull::from_bool(!c.nullable),
            is_identity: c.identity.is_some(),
        }
    }

    fn table(&mut self, t: &Table) -> def::TableDef {
        let at = format!("table `{}`", t.name);
        if t.comment.is_some() {
            self.omit(at.clone(), "its comment (sea-schema's def has no comments)");
        }
        if t.row_security.enabled || t.row_security.forced || !t.policies.is_empty() {
            self.omit(
                at.clone(),
                "row level security and its policies (sea-schema's def has none)",
            );
        }
        let columns = t.columns.iter().map(|c| self.column(t, c)).collect();
        let mut unique_constraints: Vec<def::Unique> = t
            .uniques
            .iter()
            .map(|u| def::Unique {
                name: u.name.clone(),
                columns: u.columns.clone(),
                is_partial: false,
            })
            .collect();
        for i in &t.indexes {
            let what = format!("index `{}.{}`", t.name.schema, i.name);
            let columns: Option<Vec<String>> = i
                .keys
                .iter()
                .map(|k| match &k.target {
                    IndexTarget::Column(c) if !k.desc && k.nulls_first.is_none() => Some(c.clone()),
                    _ => None,
                })
                .collect();
            match columns {
                Some(columns) if i.unique && i.method == "btree" && i.include.is_empty() => {
                    if i.predicate.is_some() {
                        self.omit(
                            what,
                            "its predicate (sea-schema's def only marks a unique index partial)",
                        );
                    }
                    unique_constraints.push(def::Unique {
                        name: i.name.clone(),
                        columns,
                        is_partial: i.predicate.is_some(),
                    });
                }
                _ => self.omit(
                    what,
                    "sea-schema's def has no indexes other than unique ones on plain columns",
                ),
            }
        }
        let mut reference_constraints = Vec::new();
        for fk in &t.foreign_keys {
            let what = format!("foreign key `{}` of table `{}`", fk.name, t.name);
            if fk.ref_table.schema != self.ns {
                self.omit(
                    what,
                    &format!(
                        "it references `{}` in another namespace, and sea-schema's def names \
                         the referenced table without its schema",
                        fk.ref_table
                    ),
                );
                continue;
            }
            if fk.deferrable != Deferrable::No {
                self.omit(
                    what,
                    "that it is deferrable (sea-schema's def has no deferrability)",
                );
            }
            reference_constraints.push(def::References {
                name: fk.name.clone(),
                columns: fk.columns.clone(),
                table: fk.ref_table.name.clone(),
                foreign_columns: fk.ref_columns.clone(),
                on_update: Some(action(fk.on_update)),
                on_delete: Some(action(fk.on_delete)),
            });
        }
        def::TableDef {
            info: def::TableInfo {
                name: t.name.name.clone(),
                of_type: None,
            },
            columns,
            check_constraints: t
                .checks
                .iter()
                .map(|c| def::Check {
                    name: c.name.clone(),
                    expr: c.expr.clone(),
                    no_inherit: false,
                })
                .collect(),
            not_null_constraints: Vec::new(),
            unique_constraints,
            primary_key_constraints: t
                .primary_key
                .iter()
                .map(|p| def::PrimaryKey {
                    name: p.name.clone(),
                    columns: p.columns.clone(),
                })
                .collect(),
            reference_constraints,
            exclusion_constraints: Vec::new(),
        }
    }
}
