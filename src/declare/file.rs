//! The schema file format v1 as serde types: one JSON object per plugin.
//!
//! These types mirror the file exactly (unknown keys are errors) and hold
//! declarations as written: names unchecked, types and expressions as text.
//! [`super::lower`] validates them into a [`super::Declared`]; the builder
//! ([`super::SchemaBuilder`]) produces them too, so both paths share one
//! validation. They also serialize, for writing a schema back as a file.
//!
//! Index keys are written as a string (a column in `columns`, an expression
//! in `expressions`) or as an object `{"column": "x", "desc": true, "nulls":
//! "first"}` / `{"expr": "lower(x)", "desc": true}`. Keys are `columns` in
//! order, then `expressions` in order; for another order put `{"expr": …}`
//! objects in `columns`.

pub use super::kinds::{AttributeDecl, CompositeTypeDecl, DomainDecl, ExtensionDecl, PolicyDecl};
pub use super::objects::{
    ArgDecl, ForEach, FunctionDecl, MaterializedViewDecl, ReturnColumnDecl, SequenceDecl,
    TriggerDecl, ViewDecl,
};
use crate::model::{Deferrable, FkAction, Identity, IndexTarget};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A whole schema file: what one plugin declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFile {
    /// The plugin's name.
    pub plugin: String,
    /// The plugin's version (semver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The PostgreSQL schema the plugin owns; the plugin name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Plugins this one needs, with a semver requirement each.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "de_unique_map"
    )]
    pub depends_on: BTreeMap<String, String>,
    /// Extensions to create: names, or objects with a version and namespace.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionDecl>,
    /// Enum types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumDecl>,
    /// Domains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainDecl>,
    /// Composite types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub composite_types: Vec<CompositeTypeDecl>,
    /// Tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableDecl>,
    /// Views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<ViewDecl>,
    /// Materialized views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materialized_views: Vec<MaterializedViewDecl>,
    /// Standalone sequences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<SequenceDecl>,
    /// Functions and procedures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<FunctionDecl>,
    /// Triggers on the plugin's tables and views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<TriggerDecl>,
    /// Row-level security policies of the plugin's tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyDecl>,
}

/// `{"name": …, "values": […]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDecl {
    /// Type name, unqualified.
    pub name: String,
    /// Labels in sort order.
    pub values: Vec<String>,
}

/// A table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDecl {
    /// Table name, unqualified.
    pub name: String,
    /// The table's previous name (a rename hint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// `COMMENT ON TABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Columns in order.
    pub columns: Vec<ColumnDecl>,
    /// `["id"]`, or `{"name": "…", "columns": ["id"]}` to name the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKeyDecl>,
    /// Unique constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique: Vec<UniqueDecl>,
    /// Foreign keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKeyDecl>,
    /// Check constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckDecl>,
    /// Indexes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexDecl>,
    /// `ENABLE ROW LEVEL SECURITY`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub row_level_security: bool,
    /// `FORCE ROW LEVEL SECURITY` (policies apply to the table's owner too).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force_row_level_security: bool,
}

/// A column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDecl {
    /// Column name.
    pub name: String,
    /// Type as written: `int4`, `varchar(20)`, `text[]`, `invoice_status`,
    /// `other_ns.some_enum`.
    #[serde(rename = "type")]
    pub ty: String,
    /// `COLLATE`: a collation of `pg_catalog` by name (`"C"`,
    /// `"und-x-icu"`), or another one quoted and qualified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// `false` for NOT NULL. Absent: nullable unless in the primary key or identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// Default expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `"always"` or `"by_default"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_via_str"
    )]
    pub identity: Option<Identity>,
    /// Stored generated column expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// A serial column: a sequence of its own (`<table>_<column>_seq`
    /// unless `default` names another) supplies its default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub serial: bool,
    /// `COMMENT ON COLUMN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The column's previous name (a rename hint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

/// A primary key: a list of columns, or an object naming the constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrimaryKeyDecl {
    /// Constraint name; `<table>_pkey` when absent.
    pub name: Option<String>,
    /// Key columns.
    pub columns: Vec<String>,
}

/// The object form of [`PrimaryKeyDecl`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrimaryKeyObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    columns: Vec<String>,
}

impl Serialize for PrimaryKeyDecl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.name {
            None => self.columns.serialize(s),
            Some(name) => PrimaryKeyObject {
                name: Some(name.clone()),
                columns: self.columns.clone(),
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for PrimaryKeyDecl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PrimaryKeyDecl;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of column names or an object with `name` and `columns`")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let columns =
                    Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(PrimaryKeyDecl {
                    name: None,
                    columns,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let o = PrimaryKeyObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(PrimaryKeyDecl {
                    name: o.name,
                    columns: o.columns,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A unique constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniqueDecl {
    /// Constraint name; `<table>_<columns>_key` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Columns.
    pub columns: Vec<String>,
}

/// A foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeyDecl {
    /// Constraint name; `<table>_<columns>_fkey` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// The referenced table and columns.
    pub references: ReferencesDecl,
    /// `ON DELETE`: `no_action` (default), `restrict`, `cascade`, `set_null`, `set_default`.
    #[serde(
        default,
        skip_serializing_if = "FkAction::is_default",
        deserialize_with = "de_via_str"
    )]
    pub on_delete: FkAction,
    /// `ON UPDATE`, same values.
    #[serde(
        default,
        skip_serializing_if = "FkAction::is_default",
        deserialize_with = "de_via_str"
    )]
    pub on_update: FkAction,
    /// `"immediate"` or `"deferred"` for `DEFERRABLE INITIALLY …`; absent (or
    /// `"no"`): not deferrable.
    #[serde(
        default,
        skip_serializing_if = "Deferrable::is_default",
        deserialize_with = "de_via_str"
    )]
    pub deferrable: Deferrable,
}

/// The target of a foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferencesDecl {
    /// `table` (the plugin's namespace) or `namespace.table`.
    pub table: String,
    /// Referenced columns.
    pub columns: Vec<String>,
}

/// A check constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDecl {
    /// Constraint name; `<table>_check` (then `…_check1`, …) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Boolean expression.
    pub expr: String,
}

/// An index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexDecl {
    /// Index name; `<table>_<keys>_idx` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Leading keys: strings are column names.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "de_column_keys",
        serialize_with = "ser_column_keys"
    )]
    pub columns: Vec<IndexKeyDecl>,
    /// Keys after `columns`: strings are expressions.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "de_expr_keys",
        serialize_with = "ser_expr_keys"
    )]
    pub expressions: Vec<IndexKeyDecl>,
    /// `UNIQUE`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    /// Access method; `btree` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Partial index predicate.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_: Option<String>,
    /// `INCLUDE` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
}

impl IndexDecl {
    /// All keys in order: `columns`, then `expressions`.
    pub fn keys(&self) -> impl Iterator<Item = &IndexKeyDecl> {
        self.columns.iter().chain(&self.expressions)
    }

    /// Stores `keys` in the plainest shape: leading column keys in `columns`,
    /// then the rest in `expressions` when they are all expressions,
    /// otherwise everything in `columns`.
    pub fn set_keys(&mut self, mut keys: Vec<IndexKeyDecl>) {
        let lead = keys
            .iter()
            .take_while(|k| matches!(k.target, IndexTarget::Column(_)))
            .count();
        let rest_exprs = keys[lead..]
            .iter()
            .all(|k| matches!(k.target, IndexTarget::Expr(_)));
        if rest_exprs {
            self.expressions = keys.split_off(lead);
        } else {
            self.expressions = Vec::new();
        }
        self.columns = keys;
    }
}

/// `NULLS FIRST` / `NULLS LAST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nulls {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

/// One index key: a column or an expression, with its sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKeyDecl {
    /// What is indexed.
    pub target: IndexTarget,
    /// `DESC`.
    pub desc: bool,
    /// `NULLS FIRST` / `NULLS LAST`; absent: the default for the order.
    pub nulls: Option<Nulls>,
}

impl IndexKeyDecl {
    /// An ascending key on a column.
    pub fn column(name: impl Into<String>) -> Self {
        IndexKeyDecl {
            target: IndexTarget::Column(name.into()),
            desc: false,
            nulls: None,
        }
    }

    /// An ascending key on an expression.
    pub fn expr(expr: impl Into<String>) -> Self {
        IndexKeyDecl {
            target: IndexTarget::Expr(expr.into()),
            desc: false,
            nulls: None,
        }
    }

    fn out(&self, list: KeyList) -> KeyOut<'_> {
        let plain = !self.desc && self.nulls.is_none();
        match (&self.target, list) {
            (IndexTarget::Column(c), KeyList::Columns) if plain => KeyOut::Plain(c),
            (IndexTarget::Expr(e), KeyList::Exprs) if plain => KeyOut::Plain(e),
            (target, _) => KeyOut::Full(KeyObject {
                column: match target {
                    IndexTarget::Column(c) => Some(c.clone()),
                    IndexTarget::Expr(_) => None,
                },
                expr: match target {
                    IndexTarget::Expr(e) => Some(e.clone()),
                    IndexTarget::Column(_) => None,
                },
                desc: self.desc,
                nulls: self.nulls,
            }),
        }
    }
}

/// Which list a key is in: decides what a bare string means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyList {
    Columns,
    Exprs,
}

#[derive(Serialize)]
#[serde(untagged)]
enum KeyOut<'a> {
    Plain(&'a str),
    Full(KeyObject),
}

/// The object form of an index key.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expr: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    desc: bool,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_via_str"
    )]
    nulls: Option<Nulls>,
}

struct KeySeed(KeyList);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = IndexKeyDecl;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = IndexKeyDecl;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            KeyList::Columns => f.write_str("a column name or an object with `column` or `expr`"),
            KeyList::Exprs => f.write_str("an expression or an object with `expr`"),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match self.0 {
            KeyList::Columns => IndexKeyDecl::column(v),
            KeyList::Exprs => IndexKeyDecl::expr(v),
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let o = KeyObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
        let target = match (o.column, o.expr) {
            (Some(_), _) if self.0 == KeyList::Exprs => {
                return Err(de::Error::unknown_field(
                    "column",
                    &["expr", "desc", "nulls"],
                ))
            }
            (Some(c), None) => IndexTarget::Column(c),
            (None, Some(e)) => IndexTarget::Expr(e),
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "an index key has `column` or `expr`, not both",
                ))
            }
            (None, None) => {
                return Err(de::Error::custom(match self.0 {
                    KeyList::Columns => "missing field `column` or `expr`",
                    KeyList::Exprs => "missing field `expr`",
                }))
            }
        };
        Ok(IndexKeyDecl {
            target,
            desc: o.desc,
            nulls: o.nulls,
        })
    }
}

fn de_keys<'de, D: Deserializer<'de>>(d: D, list: KeyList) -> Result<Vec<IndexKeyDecl>, D::Error> {
    struct V(KeyList);
    impl<'de> Visitor<'de> for V {
        type Value = Vec<IndexKeyDecl>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of index keys")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(k) = seq.next_element_seed(KeySeed(self.0))? {
                out.push(k);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V(list))
}

fn de_column_keys<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IndexKeyDecl>, D::Error> {
    de_keys(d, KeyList::Columns)
}

fn de_expr_keys<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IndexKeyDecl>, D::Error> {
    de_keys(d, KeyList::Exprs)
}

fn ser_column_keys<S: Serializer>(keys: &[IndexKeyDecl], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(keys.iter().map(|k| k.out(KeyList::Columns)))
}

fn ser_expr_keys<S: Serializer>(keys: &[IndexKeyDecl], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(keys.iter().map(|k| k.out(KeyList::Exprs)))
}

/// An enumerated value: a string first, so that a wrong JSON type says so
/// (serde_json's enum path only says "expected value").
pub(super) fn de_via_str<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    T::deserialize(de::value::StringDeserializer::<D::Error>::new(s))
}

/// [`de_via_str`] for an optional value (`null` is absent).
pub(super) fn de_opt_via_str<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => T::deserialize(de::value::StringDeserializer::<D::Error>::new(s)).map(Some),
    }
}

/// A string map that rejects a key given twice.
pub(super) fn de_unique_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object mapping plugin names to version requirements")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(k) = map.next_key::<String>()? {
                let v: String = map.next_value()?;
                if out.contains_key(&k) {
                    return Err(de::Error::custom(format_args!("duplicate field `{k}`")));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keys_both_forms() {
        let i: IndexDecl = serde_json::from_str(
            r#"{"columns": ["a", {"column": "b", "desc": true, "nulls": "last"}, {"expr": "lower(c)"}],
                "expressions": ["d + 1", {"expr": "e", "desc": true}]}"#,
        )
        .unwrap();
        let keys: Vec<_> = i.keys().cloned().collect();
        assert_eq!(keys.len(), 5);
        assert_eq!(keys[0], IndexKeyDecl::column("a"));
        assert_eq!(keys[1].nulls, Some(Nulls::Last));
        assert_eq!(keys[2], IndexKeyDecl::expr("lower(c)"));
        assert_eq!(keys[3], IndexKeyDecl::expr("d + 1"));
        assert!(keys[4].desc);
        let back = serde_json::to_value(&i).unwrap();
        assert_eq!(back["columns"][0], "a");
        assert_eq!(back["columns"][2]["expr"], "lower(c)");
        assert_eq!(back["expressions"][0], "d + 1");
    }

    #[test]
    fn set_keys_picks_plain_shape() {
        let mut i = IndexDecl::default();
        i.set_keys(vec![
            IndexKeyDecl::column("a"),
            IndexKeyDecl::expr("lower(b)"),
        ]);
        assert_eq!(
            serde_json::to_string(&i).unwrap(),
            r#"{"columns":["a"],"expressions":["lower(b)"]}"#
        );
        i.set_keys(vec![
            IndexKeyDecl::expr("lower(b)"),
            IndexKeyDecl::column("a"),
        ]);
        assert_eq!(
            serde_json::to_string(&i).unwrap(),
            r#"{"columns":[{"expr":"lower(b)"},"a"]}"#
        );
    }

    #[test]
    fn primary_key_both_forms() {
        let t: TableDecl =
            serde_json::from_str(r#"{"name": "t", "columns": [], "primary_key": ["a", "b"]}"#)
                .unwrap();
        assert_eq!(t.primary_key.as_ref().unwrap().columns, ["a", "b"]);
        assert_eq!(
            serde_json::to_value(&t).unwrap()["primary_key"],
            serde_json::json!(["a", "b"])
        );
        let t: TableDecl = serde_json::from_str(
            r#"{"name": "t", "columns": [], "primary_key": {"name": "pk", "columns": ["a"]}}"#,
        )
        .unwrap();
        assert_eq!(t.primary_key.as_ref().unwrap().name.as_deref(), Some("pk"));
        assert_eq!(
            serde_json::to_value(&t).unwrap()["primary_key"],
            serde_json::json!({"name": "pk", "columns": ["a"]})
        );
    }

    #[test]
    fn depends_on_rejects_duplicates() {
        let e = serde_json::from_str::<SchemaFile>(
            r#"{"plugin": "p", "depends_on": {"a": "1", "a": "2"}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("duplicate field `a`"), "{e}");
    }
}
