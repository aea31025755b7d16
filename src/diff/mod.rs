//! Pure diff: `(old, new) → Vec<Change>`. No connection, no SQL, no ordering
//! promises ([`crate::plan::order`] orders).
//!
//! Everything is paired once through hash maps keyed by name, so the diff is
//! linear in the size of the schemas. Renames come only from `renamed_from`
//! hints, applied by re-keying the old side before pairing.

mod change;
mod functions;
mod grants;
mod pair;
mod security;
mod sequences;
mod tables;
mod triggers;
mod usertypes;
mod views;

pub use change::{
    Change, ColumnChange, CommentChange, CommentTarget, CompositeChange, ConstraintChange,
    DomainChange, EnumChange, EnumColumn, ExtensionChange, Facts, FunctionChange, FunctionDefault,
    GrantChange, IndexChange, NamespaceChange, PolicyChange, SequenceChange, TableChange,
    TriggerChange, ViewChange,
};
pub use pair::Pair;

use crate::model::{Column, EnumType, Extension, QualName, Schema};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Computes the changes that turn `old` into `new`. Both must be normalised
/// ([`Schema::normalize`]); the result is deterministic.
pub fn diff(old: &Schema, new: &Schema) -> Vec<Change> {
    let mut out = Vec::new();
    push_namespaces(old, new, &mut out);
    push_extensions(old, new, &mut out);
    push_enums(old, new, &mut out);
    usertypes::push_types(old, new, &mut out);
    // Checks and indexes whose expressions name a recreated enum type are
    // dropped before and added back after it: PostgreSQL cannot re-cast them.
    let recreated: HashSet<&QualName> = out
        .iter()
        .filter_map(|c| match c {
            Change::Enum(EnumChange::Recreate { new, .. }) => Some(&new.name),
            Change::Domain(DomainChange::Recreate { new, .. }) => Some(&new.name),
            _ => None,
        })
        .collect();
    let mut tables_out = Vec::new();
    tables::push_tables(old, new, &recreated, &mut tables_out);
    out.extend(tables_out);
    // Functions first: views and triggers that use a function recreated
    // or dropped must be recreated or dropped with it.
    let (functions, gone_functions) = functions::function_changes(old, new);
    views::push_views(old, new, &gone_functions, &mut out);
    sequences::push_sequences(old, new, &mut out);
    out.extend(functions);
    triggers::push_triggers(old, new, &gone_functions, &mut out);
    security::push_row_security(old, new, &mut out);
    grants::push_grants(old, new, &mut out);
    out
}

fn push_namespaces(old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    let o: BTreeSet<&String> = old.namespaces.iter().collect();
    let n: BTreeSet<&String> = new.namespaces.iter().collect();
    for name in n.difference(&o) {
        out.push(Change::Namespace(NamespaceChange::Create {
            name: (*name).clone(),
        }));
    }
    for name in o.difference(&n) {
        if name.as_str() != "public" {
            out.push(Change::Namespace(NamespaceChange::Drop {
                name: (*name).clone(),
            }));
        }
    }
}

fn push_extensions(old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    let o: BTreeMap<&str, &Extension> = old
        .extensions
        .iter()
        .map(|e| (e.name.as_str(), e))
        .collect();
    let n: BTreeMap<&str, &Extension> = new
        .extensions
        .iter()
        .map(|e| (e.name.as_str(), e))
        .collect();
    for (name, e) in &n {
        match o.get(name) {
            None => out.push(Change::Extension(ExtensionChange::Create {
                name: name.to_string(),
                version: e.version.clone(),
                schema: e.schema.clone(),
            })),
            // An undeclared version or namespace accepts whatever is there.
            Some(old) => {
                let version = e
                    .version
                    .clone()
                    .filter(|v| old.version.as_ref() != Some(v));
                let schema = e.schema.clone().filter(|s| old.schema.as_ref() != Some(s));
                if version.is_some() || schema.is_some() {
                    out.push(Change::Extension(ExtensionChange::Alter {
                        name: name.to_string(),
                        version,
                        schema,
                    }));
                }
            }
        }
    }
    for name in o.keys() {
        if !n.contains_key(name) {
            out.push(Change::Extension(ExtensionChange::Drop {
                name: name.to_string(),
            }));
        }
    }
}

fn push_enums(old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    let olds: HashMap<&QualName, &EnumType> = old.enums.iter().map(|e| (&e.name, e)).collect();
    let news: HashMap<&QualName, &EnumType> = new.enums.iter().map(|e| (&e.name, e)).collect();
    for n in &new.enums {
        match olds.get(&n.name) {
            None => out.push(Change::Enum(EnumChange::Create { r#enum: n.clone() })),
            Some(o) if o.values == n.values => {}
            Some(o) => push_enum_values(old, new, o, n, out),
        }
    }
    for o in &old.enums {
        if !news.contains_key(&o.name) {
            out.push(Change::Enum(EnumChange::Drop {
                name: o.name.clone(),
            }));
        }
    }
}

/// The column `table.column` of the old schema as the new schema declares
/// it: paired by rename hint first, then by name, as tables and columns are
/// (close enough: whether the hint is usable is not checked).
fn new_column<'a>(new: &'a Schema, table: &QualName, column: &str) -> Option<&'a Column> {
    let t = new
        .tables
        .iter()
        .find(|t| t.name.schema == table.schema && t.renamed_from.as_deref() == Some(&table.name))
        .or_else(|| new.table(table))?;
    t.columns
        .iter()
        .find(|c| c.renamed_from.as_deref() == Some(column))
        .or_else(|| t.column(column))
}

/// Values only added (old labels keep their relative order): `ADD VALUE`s.
/// Anything else recreates the type, and so does a new label that an
/// expression of the new schema uses: PostgreSQL refuses to use a label
/// `ADD VALUE` added before the transaction commits ("unsafe use of new
/// value"), while a type created in the transaction is usable at once.
fn push_enum_values(
    old_schema: &Schema,
    new_schema: &Schema,
    o: &EnumType,
    n: &EnumType,
    out: &mut Vec<Change>,
) {
    let kept: Vec<&String> = n.values.iter().filter(|v| o.values.contains(v)).collect();
    let only_added =
        kept.len() == o.values.len() && kept.iter().zip(&o.values).all(|(a, b)| *a == b);
    let added_used = || {
        n.values
            .iter()
            .filter(|v| !o.values.contains(v))
            .any(|v| uses_label(new_schema, v))
    };
    if only_added && !added_used() {
        let old_set: BTreeSet<&String> = o.values.iter().collect();
        for (i, v) in n.values.iter().enumerate() {
            if old_set.contains(v) {
                continue;
            }
            // place before the next label that already exists, else append
            let before = n.values[i + 1..]
                .iter()
                .find(|x| old_set.contains(x))
                .cloned();
            out.push(Change::Enum(EnumChange::AddValue {
                r#enum: n.name.clone(),
                value: v.clone(),
                before,
            }));
        }
        return;
    }
    let mut columns = Vec::new();
    for t in &old_schema.tables {
        for c in &t.columns {
            if let crate::model::BaseType::Named(q) = &c.ty.base {
                if q == &o.name {
                    let mut col = EnumColumn::new(t.name.clone(), c.name.clone(), c.ty.array);
                    col.has_default = c.default.is_some();
                    col.default = new_column(new_schema, &t.name, &c.name)
                        .filter(|n| n.ty == c.ty && n.identity.is_none() && n.generated.is_none())
                        .and_then(|n| n.default.clone());
                    columns.push(col);
                }
            }
        }
    }
    out.push(Change::Enum(EnumChange::Recreate {
        old: o.clone(),
        new: n.clone(),
        columns,
    }));
}

/// Whether an expression of `schema` (a default, generation expression,
/// check, index key or predicate) may use enum label `label`: it holds the
/// label as a string literal, as PostgreSQL prints it (`'open'::app.state`).
/// When unsure the answer is yes, which costs recreating the type.
fn uses_label(schema: &Schema, label: &str) -> bool {
    let literal = format!("'{}'", label.replace('\'', "''"));
    let has = |e: &str| e.contains(&literal);
    schema.tables.iter().any(|t| {
        t.columns.iter().any(|c| {
            c.default.as_deref().is_some_and(has) || c.generated.as_deref().is_some_and(has)
        }) || t.checks.iter().any(|c| has(&c.expr))
            || t.indexes.iter().any(|i| {
                i.predicate.as_deref().is_some_and(has)
                    || i.keys.iter().any(|k| match &k.target {
                        crate::model::IndexTarget::Expr(e) => has(e),
                        crate::model::IndexTarget::Column(_) => false,
                    })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::EnumChange;
    use crate::model::{ColumnType, Table};

    #[test]
    fn checks_and_indexes_naming_a_recreated_enum_are_dropped_before_it() {
        use crate::model::{Check, Index, IndexKey, IndexTarget};
        let e = QualName::new("app", "e");
        let schema = |values: &[&str]| {
            let mut t = Table::new(QualName::new("app", "t"));
            t.columns
                .push(Column::new("c", ColumnType::named(e.clone(), false)));
            t.checks.push(Check {
                name: "t_check".into(),
                expr: "(c <> 'a'::app.e)".into(),
            });
            t.indexes.push(Index {
                name: "t_c_idx".into(),
                unique: false,
                method: "btree".into(),
                keys: vec![IndexKey {
                    target: IndexTarget::Column("c".into()),
                    desc: false,
                    nulls_first: None,
                }],
                include: vec![],
                predicate: Some("c <> 'a'::app.e".into()),
            });
            let mut s = Schema {
                namespaces: vec!["app".into()],
                enums: vec![EnumType {
                    name: e.clone(),
                    values: values.iter().map(|v| v.to_string()).collect(),
                }],
                tables: vec![t],
                ..Schema::default()
            };
            s.normalize();
            s
        };
        let plan = crate::plan::order::order(diff(&schema(&["a", "b"]), &schema(&["b", "a"])));
        let kinds: Vec<&str> = plan.iter().map(Change::kind).collect();
        assert_eq!(
            kinds,
            [
                "DropCheck",
                "DropIndex",
                "RecreateEnum",
                "AddCheck",
                "CreateIndex"
            ]
        );
    }

    #[test]
    fn recreated_enum_columns_carry_their_defaults() {
        let e = QualName::new("app", "e");
        let schema = |values: &[&str], default: &str, column: &str| {
            let mut t = Table::new(QualName::new("app", "t"));
            let mut c = Column::new(column, ColumnType::named(e.clone(), false));
            c.default = Some(default.into());
            if column != "c" {
                c.renamed_from = Some("c".into());
            }
            t.columns.push(c);
            let mut s = Schema {
                namespaces: vec!["app".into()],
                enums: vec![EnumType {
                    name: e.clone(),
                    values: values.iter().map(|v| v.to_string()).collect(),
                }],
                tables: vec![t],
                ..Schema::default()
            };
            s.normalize();
            s
        };
        let old = schema(&["a", "b"], "'a'::app.e", "c");
        let new = schema(&["b", "a"], "'b'::app.e", "d");
        let Some(Change::Enum(EnumChange::Recreate { columns, .. })) = diff(&old, &new)
            .into_iter()
            .find(|c| matches!(c, Change::Enum(EnumChange::Recreate { .. })))
        else {
            panic!("no RecreateEnum");
        };
        assert_eq!(
            columns,
            [EnumColumn {
                has_default: true,
                default: Some("'b'::app.e".into()),
                ..EnumColumn::new(QualName::new("app", "t"), "c", false)
            }]
        );
    }

    #[test]
    fn a_label_added_and_used_recreates_the_type() {
        let e = QualName::new("app", "e");
        let schema = |values: &[&str], default: Option<&str>| {
            let mut t = Table::new(QualName::new("app", "t"));
            let mut c = Column::new("c", ColumnType::named(e.clone(), false));
            c.default = default.map(str::to_string);
            t.columns.push(c);
            let mut s = Schema {
                namespaces: vec!["app".into()],
                enums: vec![EnumType {
                    name: e.clone(),
                    values: values.iter().map(|v| v.to_string()).collect(),
                }],
                tables: vec![t],
                ..Schema::default()
            };
            s.normalize();
            s
        };
        let kinds = |old: &Schema, new: &Schema| -> Vec<&'static str> {
            diff(old, new).iter().map(Change::kind).collect()
        };
        let old = schema(&["a"], None);
        assert_eq!(kinds(&old, &schema(&["a", "b"], None)), ["AddEnumValue"]);
        assert_eq!(
            kinds(&old, &schema(&["a", "b"], Some("'b'::app.e"))),
            ["RecreateEnum", "AlterColumn"]
        );
        // an old label in use is no reason
        assert_eq!(
            kinds(&old, &schema(&["a", "b"], Some("'a'::app.e"))),
            ["AddEnumValue", "AlterColumn"]
        );
        // quotes in labels are doubled as PostgreSQL prints them
        assert!(uses_label(
            &schema(&["it's"], Some("'it''s'::app.e")),
            "it's"
        ));
    }
}
