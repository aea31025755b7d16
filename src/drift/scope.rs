//! Objects by name: which objects a schema holds, which a change touches,
//! and a schema restricted to (or patched at) some of them.
//!
//! An [`ObjectKey`] names one object graft models: a *top-level* object
//! (namespace, extension, enum, table) or a part of a table (column,
//! constraint, index, the table's comment). A plugin *claims* the top-level
//! objects its declaration holds; drift and adoption compare a live schema
//! with a snapshot only over what is claimed, and the apply guard compares
//! the objects a plan touches with the objects that drifted.
//!
//! **When the model learns a kind** (views, sequences, functions, …): add a
//! variant here, and arms to [`top_level`], [`restrict`], [`patch`] and
//! [`ObjectKey`]'s `Display`; the keys a change touches are its kind's
//! [`crate::diff::Facts::keys`]. The compiler points at the exhaustive
//! matches.

use crate::diff::Change;
use crate::model::{Function, GrantObject, QualName, Schema, Table, Trigger};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

/// One object graft models, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum ObjectKey {
    /// A namespace (PostgreSQL schema).
    Namespace {
        /// Its name.
        name: String,
    },
    /// An extension (database-wide).
    Extension {
        /// Its name.
        name: String,
    },
    /// An enum type.
    Enum {
        /// Its name.
        name: QualName,
    },
    /// A table, with everything in it.
    Table {
        /// Its name.
        name: QualName,
    },
    /// A view or materialized view, with its indexes and comment.
    View {
        /// Its name.
        name: QualName,
    },
    /// A standalone sequence (not an identity column's), with its owner.
    Sequence {
        /// Its name.
        name: QualName,
    },
    /// A domain, with its default and checks.
    Domain {
        /// Its name.
        name: QualName,
    },
    /// A composite type, with its attributes.
    CompositeType {
        /// Its name.
        name: QualName,
    },
    /// A function or procedure, by name and input types (canonical).
    Function {
        /// Its name.
        name: QualName,
        /// Its input types, as [`crate::model::ColumnType::canonical`] prints them.
        args: Vec<String>,
    },
    /// A trigger (a top-level object that a change of its table overlaps).
    Trigger {
        /// Its table or view.
        table: QualName,
        /// Its name.
        name: String,
    },
    /// The comment of a table.
    TableComment {
        /// The table.
        table: QualName,
    },
    /// Whether row-level security is enabled and forced on a table.
    RowSecurity {
        /// The table.
        table: QualName,
    },
    /// A row-level security policy.
    Policy {
        /// The table.
        table: QualName,
        /// The policy.
        name: String,
    },
    /// A column, with its comment.
    Column {
        /// The table.
        table: QualName,
        /// The column.
        name: String,
    },
    /// A primary key, unique, foreign key or check constraint.
    Constraint {
        /// The table.
        table: QualName,
        /// The constraint.
        name: String,
    },
    /// An index that does not back a constraint.
    Index {
        /// The table.
        table: QualName,
        /// The index (in the table's namespace).
        name: String,
    },
}

impl ObjectKey {
    /// A table key.
    pub fn table(name: &QualName) -> Self {
        ObjectKey::Table { name: name.clone() }
    }

    /// A function's key.
    pub fn function(f: &Function) -> Self {
        ObjectKey::Function {
            name: f.name.clone(),
            args: f.identity_types().iter().map(|t| t.canonical()).collect(),
        }
    }

    /// The keys of the object a privilege is on (a table grant may be on a
    /// view: both keys).
    pub fn of_grant(on: &GrantObject) -> Vec<Self> {
        match on {
            GrantObject::Namespace { name } => vec![ObjectKey::Namespace { name: name.clone() }],
            GrantObject::Table { name } => {
                vec![
                    ObjectKey::table(name),
                    ObjectKey::View { name: name.clone() },
                ]
            }
            GrantObject::Column { table, column } => vec![ObjectKey::Column {
                table: table.clone(),
                name: column.clone(),
            }],
            GrantObject::Sequence { name } => vec![ObjectKey::Sequence { name: name.clone() }],
            GrantObject::Function { name, args } => vec![ObjectKey::Function {
                name: name.clone(),
                args: args.iter().map(|t| t.canonical()).collect(),
            }],
        }
    }

    /// A trigger's key.
    pub fn trigger(t: &Trigger) -> Self {
        ObjectKey::Trigger {
            table: t.table.clone(),
            name: t.name.clone(),
        }
    }

    /// The top-level object this key is, or is part of.
    pub fn top(&self) -> ObjectKey {
        match self {
            ObjectKey::TableComment { table }
            | ObjectKey::RowSecurity { table }
            | ObjectKey::Policy { table, .. }
            | ObjectKey::Column { table, .. }
            | ObjectKey::Constraint { table, .. }
            | ObjectKey::Index { table, .. } => ObjectKey::table(table),
            other => other.clone(),
        }
    }

    /// Whether this is a top-level object (not part of a table).
    pub fn is_top_level(&self) -> bool {
        self.top() == *self
    }

    /// Whether this is a named object in a namespace (a table, view, type,
    /// sequence, …), not a namespace, an extension or a part of a table:
    /// what someone can create by hand beside a plugin's objects.
    pub fn is_namespaced_object(&self) -> bool {
        self.is_top_level()
            && !matches!(
                self,
                ObjectKey::Namespace { .. } | ObjectKey::Extension { .. }
            )
    }

    /// The namespace the object lives in (`None` for extensions).
    pub fn namespace(&self) -> Option<&str> {
        match self {
            ObjectKey::Namespace { name } => Some(name),
            ObjectKey::Extension { .. } => None,
            ObjectKey::Enum { name }
            | ObjectKey::Table { name }
            | ObjectKey::View { name }
            | ObjectKey::Sequence { name }
            | ObjectKey::Domain { name }
            | ObjectKey::CompositeType { name }
            | ObjectKey::Function { name, .. } => Some(&name.schema),
            ObjectKey::Trigger { table, .. } => Some(&table.schema),
            ObjectKey::TableComment { table }
            | ObjectKey::RowSecurity { table }
            | ObjectKey::Policy { table, .. }
            | ObjectKey::Column { table, .. }
            | ObjectKey::Constraint { table, .. }
            | ObjectKey::Index { table, .. } => Some(&table.schema),
        }
    }

    /// Whether a change of `self` and a change of `other` concern the same
    /// object: equal keys, a table and anything in it, a namespace and
    /// anything in it.
    pub fn overlaps(&self, other: &ObjectKey) -> bool {
        if self == other || self.top() == *other || other.top() == *self {
            return true;
        }
        match (self, other) {
            // a trigger goes with its table
            (ObjectKey::Trigger { table, .. }, o) | (o, ObjectKey::Trigger { table, .. })
                if o.top() == ObjectKey::table(table) =>
            {
                true
            }
            (ObjectKey::Namespace { name }, o) | (o, ObjectKey::Namespace { name }) => {
                o.namespace() == Some(name.as_str())
            }
            _ => false,
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectKey::Namespace { name } => write!(f, "namespace {name}"),
            ObjectKey::Extension { name } => write!(f, "extension {name}"),
            ObjectKey::Enum { name } => write!(f, "enum {name}"),
            ObjectKey::Table { name } => write!(f, "table {name}"),
            ObjectKey::View { name } => write!(f, "view {name}"),
            ObjectKey::Sequence { name } => write!(f, "sequence {name}"),
            ObjectKey::Domain { name } => write!(f, "domain {name}"),
            ObjectKey::CompositeType { name } => write!(f, "composite type {name}"),
            ObjectKey::Function { name, args } => write!(f, "function {name}({})", args.join(", ")),
            ObjectKey::Trigger { table, name } => write!(f, "trigger {name} on {table}"),
            ObjectKey::TableComment { table } => write!(f, "comment of table {table}"),
            ObjectKey::RowSecurity { table } => write!(f, "row-level security of table {table}"),
            ObjectKey::Policy { table, name } => write!(f, "policy {name} on {table}"),
            ObjectKey::Column { table, name } => write!(f, "column {table}.{name}"),
            ObjectKey::Constraint { table, name } => write!(f, "constraint {table}.{name}"),
            ObjectKey::Index { table, name } => {
                write!(f, "index {}.{name} on {table}", table.schema)
            }
        }
    }
}

/// The top-level objects `schema` holds: what a plugin declaring it claims.
pub fn top_level(schema: &Schema) -> BTreeSet<ObjectKey> {
    let mut out = BTreeSet::new();
    for n in &schema.namespaces {
        out.insert(ObjectKey::Namespace { name: n.clone() });
    }
    for e in &schema.extensions {
        out.insert(ObjectKey::Extension {
            name: e.name.clone(),
        });
    }
    for e in &schema.enums {
        out.insert(ObjectKey::Enum {
            name: e.name.clone(),
        });
    }
    for t in &schema.tables {
        out.insert(ObjectKey::table(&t.name));
    }
    for v in &schema.views {
        out.insert(ObjectKey::View {
            name: v.name.clone(),
        });
    }
    for q in &schema.sequences {
        out.insert(ObjectKey::Sequence {
            name: q.name.clone(),
        });
    }
    for d in &schema.domains {
        out.insert(ObjectKey::Domain {
            name: d.name.clone(),
        });
    }
    for c in &schema.composite_types {
        out.insert(ObjectKey::CompositeType {
            name: c.name.clone(),
        });
    }
    for f in &schema.functions {
        out.insert(ObjectKey::function(f));
    }
    for t in &schema.triggers {
        out.insert(ObjectKey::trigger(t));
    }
    out
}

/// `schema` with only the top-level objects for which `keep` is true.
pub fn restrict(schema: &Schema, keep: impl Fn(&ObjectKey) -> bool) -> Schema {
    let mut out = Schema {
        namespaces: schema
            .namespaces
            .iter()
            .filter(|n| keep(&ObjectKey::Namespace { name: (*n).clone() }))
            .cloned()
            .collect(),
        extensions: schema
            .extensions
            .iter()
            .filter(|e| {
                keep(&ObjectKey::Extension {
                    name: e.name.clone(),
                })
            })
            .cloned()
            .collect(),
        enums: schema
            .enums
            .iter()
            .filter(|e| {
                keep(&ObjectKey::Enum {
                    name: e.name.clone(),
                })
            })
            .cloned()
            .collect(),
        tables: schema
            .tables
            .iter()
            .filter(|t| keep(&ObjectKey::table(&t.name)))
            .cloned()
            .collect(),
        views: schema
            .views
            .iter()
            .filter(|v| {
                keep(&ObjectKey::View {
                    name: v.name.clone(),
                })
            })
            .cloned()
            .collect(),
        sequences: schema
            .sequences
            .iter()
            .filter(|q| {
                keep(&ObjectKey::Sequence {
                    name: q.name.clone(),
                })
            })
            .cloned()
            .collect(),
        domains: schema
            .domains
            .iter()
            .filter(|d| {
                keep(&ObjectKey::Domain {
                    name: d.name.clone(),
                })
            })
            .cloned()
            .collect(),
        composite_types: schema
            .composite_types
            .iter()
            .filter(|c| {
                keep(&ObjectKey::CompositeType {
                    name: c.name.clone(),
                })
            })
            .cloned()
            .collect(),
        functions: schema
            .functions
            .iter()
            .filter(|f| keep(&ObjectKey::function(f)))
            .cloned()
            .collect(),
        triggers: schema
            .triggers
            .iter()
            .filter(|t| keep(&ObjectKey::trigger(t)))
            .cloned()
            .collect(),
        grants: schema
            .grants
            .iter()
            .filter(|g| {
                ObjectKey::of_grant(&g.on).iter().any(&keep)
                    || matches!(&g.on, GrantObject::Column { table, .. } if keep(&ObjectKey::table(table)))
            })
            .cloned()
            .collect(),
    };
    out.normalize();
    out
}

/// The objects a change creates, drops, renames or alters
/// ([`Change::keys`]). A rename touches both names; re-casting the columns
/// of a recreated enum touches those columns.
pub fn change_keys(change: &Change) -> Vec<ObjectKey> {
    change.keys()
}

/// Makes `target`'s object at `key` what it is in `source`: replaced,
/// added (a column at its position in `source`, clamped) or removed.
/// `target` stays normalised.
pub fn patch(target: &mut Schema, source: &Schema, key: &ObjectKey) {
    match key {
        ObjectKey::Namespace { name } => {
            target.namespaces.retain(|n| n != name);
            if source.namespaces.contains(name) {
                target.namespaces.push(name.clone());
            }
        }
        ObjectKey::Extension { name } => {
            target.extensions.retain(|e| &e.name != name);
            target.extensions.extend(
                source
                    .extensions
                    .iter()
                    .filter(|e| &e.name == name)
                    .cloned(),
            );
        }
        ObjectKey::Enum { name } => {
            target.enums.retain(|e| &e.name != name);
            target
                .enums
                .extend(source.enums.iter().filter(|e| &e.name == name).cloned());
        }
        ObjectKey::Table { name } => {
            target.tables.retain(|t| &t.name != name);
            target.tables.extend(source.table(name).cloned());
        }
        ObjectKey::View { name } => {
            target.views.retain(|v| &v.name != name);
            target.views.extend(source.view(name).cloned());
        }
        ObjectKey::Sequence { name } => {
            target.sequences.retain(|q| &q.name != name);
            target
                .sequences
                .extend(source.sequences.iter().filter(|q| &q.name == name).cloned());
        }
        ObjectKey::Domain { name } => {
            target.domains.retain(|d| &d.name != name);
            target
                .domains
                .extend(source.domains.iter().filter(|d| &d.name == name).cloned());
        }
        ObjectKey::Function { .. } => {
            target.functions.retain(|f| ObjectKey::function(f) != *key);
            target.functions.extend(
                source
                    .functions
                    .iter()
                    .filter(|f| ObjectKey::function(f) == *key)
                    .cloned(),
            );
        }
        ObjectKey::Trigger { .. } => {
            target.triggers.retain(|t| ObjectKey::trigger(t) != *key);
            target.triggers.extend(
                source
                    .triggers
                    .iter()
                    .filter(|t| ObjectKey::trigger(t) == *key)
                    .cloned(),
            );
        }
        ObjectKey::CompositeType { name } => {
            target.composite_types.retain(|c| &c.name != name);
            target.composite_types.extend(
                source
                    .composite_types
                    .iter()
                    .filter(|c| &c.name == name)
                    .cloned(),
            );
        }
        ObjectKey::TableComment { table }
        | ObjectKey::RowSecurity { table }
        | ObjectKey::Policy { table, .. }
        | ObjectKey::Column { table, .. }
        | ObjectKey::Constraint { table, .. }
        | ObjectKey::Index { table, .. } => {
            let Some(src) = source.table(table) else {
                return;
            };
            let Some(t) = target.tables.iter_mut().find(|t| &t.name == table) else {
                return;
            };
            patch_in_table(t, src, key);
        }
    }
    target.normalize();
}

fn patch_in_table(t: &mut Table, src: &Table, key: &ObjectKey) {
    match key {
        ObjectKey::TableComment { .. } => t.comment = src.comment.clone(),
        ObjectKey::RowSecurity { .. } => t.row_security = src.row_security,
        ObjectKey::Policy { name, .. } => {
            t.policies.retain(|p| &p.name != name);
            t.policies
                .extend(src.policies.iter().filter(|p| &p.name == name).cloned());
        }
        ObjectKey::Column { name, .. } => {
            t.columns.retain(|c| &c.name != name);
            if let Some((i, c)) = src
                .columns
                .iter()
                .enumerate()
                .find(|(_, c)| &c.name == name)
            {
                t.columns.insert(i.min(t.columns.len()), c.clone());
            }
        }
        ObjectKey::Constraint { name, .. } => {
            if t.primary_key.as_ref().is_some_and(|p| &p.name == name) {
                t.primary_key = None;
            }
            t.uniques.retain(|u| &u.name != name);
            t.foreign_keys.retain(|f| &f.name != name);
            t.checks.retain(|c| &c.name != name);
            if let Some(pk) = src.primary_key.as_ref().filter(|p| &p.name == name) {
                t.primary_key = Some(pk.clone());
            }
            t.uniques
                .extend(src.uniques.iter().filter(|u| &u.name == name).cloned());
            t.foreign_keys
                .extend(src.foreign_keys.iter().filter(|f| &f.name == name).cloned());
            t.checks
                .extend(src.checks.iter().filter(|c| &c.name == name).cloned());
        }
        ObjectKey::Index { name, .. } => {
            t.indexes.retain(|i| &i.name != name);
            t.indexes
                .extend(src.indexes.iter().filter(|i| &i.name == name).cloned());
        }
        _ => {}
    }
}

/// What a change that turns a recorded schema into the live one means, in
/// words ([`Change::drift_line`]): `column billing.invoices.note: added`.
pub fn describe_drift(change: &Change) -> String {
    change.drift_line()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ColumnChange, IndexChange, TableChange};
    use crate::model::{Check, Column, ColumnType, Index, IndexKey, IndexTarget};

    fn table(name: &str, cols: &[&str]) -> Table {
        let mut t = Table::new(QualName::new("app", name));
        for c in cols {
            t.columns
                .push(Column::new(*c, ColumnType::builtin("integer")));
        }
        t
    }

    fn schema(tables: Vec<Table>) -> Schema {
        let mut s = Schema {
            namespaces: vec!["app".into()],
            tables,
            ..Schema::default()
        };
        s.normalize();
        s
    }

    #[test]
    fn overlapping_keys() {
        let t = QualName::new("app", "t");
        let tk = ObjectKey::table(&t);
        let c = ObjectKey::Column {
            table: t.clone(),
            name: "a".into(),
        };
        let d = ObjectKey::Column {
            table: t.clone(),
            name: "b".into(),
        };
        let i = ObjectKey::Index {
            table: t.clone(),
            name: "i".into(),
        };
        let other = ObjectKey::table(&QualName::new("app", "u"));
        let ns = ObjectKey::Namespace { name: "app".into() };
        assert!(tk.overlaps(&c) && c.overlaps(&tk) && c.overlaps(&c));
        assert!(!c.overlaps(&d) && !c.overlaps(&i) && !tk.overlaps(&other));
        assert!(ns.overlaps(&c) && other.overlaps(&ns));
        assert!(!ObjectKey::Extension { name: "x".into() }.overlaps(&ns));
        assert_eq!(i.top(), tk);
        assert!(tk.is_top_level() && !i.is_top_level());
        assert_eq!(i.to_string(), "index app.i on app.t");
    }

    #[test]
    fn restrict_keeps_only_what_is_asked() {
        let s = schema(vec![table("t", &["a"]), table("u", &["b"])]);
        let keep = top_level(&schema(vec![table("u", &[])]));
        let r = restrict(&s, |k| keep.contains(k));
        assert_eq!(r.namespaces, ["app"]);
        assert_eq!(r.tables.len(), 1);
        assert_eq!(r.tables[0].name.name, "u");
        assert_eq!(r.tables[0].columns[0].name, "b");
    }

    #[test]
    fn patch_puts_back_one_object() {
        let mut expected = table("t", &["a", "b", "c"]);
        expected.checks.push(Check {
            name: "t_check".into(),
            expr: "(a > 0)".into(),
        });
        expected.indexes.push(Index {
            name: "t_a_idx".into(),
            unique: false,
            method: "btree".into(),
            keys: vec![IndexKey {
                target: IndexTarget::Column("a".into()),
                desc: false,
                nulls_first: None,
            }],
            include: vec![],
            predicate: None,
        });
        let expected = schema(vec![expected]);
        // live: b dropped, d added, the check and the index gone
        let mut live = schema(vec![table("t", &["a", "c", "d"])]);
        let t = QualName::new("app", "t");
        for key in [
            ObjectKey::Column {
                table: t.clone(),
                name: "b".into(),
            },
            ObjectKey::Column {
                table: t.clone(),
                name: "d".into(),
            },
            ObjectKey::Constraint {
                table: t.clone(),
                name: "t_check".into(),
            },
            ObjectKey::Index {
                table: t.clone(),
                name: "t_a_idx".into(),
            },
        ] {
            patch(&mut live, &expected, &key);
        }
        assert_eq!(live, expected);
        // a whole table
        let mut empty = schema(vec![]);
        patch(&mut empty, &expected, &ObjectKey::table(&t));
        assert_eq!(empty, expected);
    }

    #[test]
    fn drift_in_words() {
        let t = QualName::new("app", "t");
        let mut old = Column::new("a", ColumnType::builtin("integer"));
        old.default = Some("0".into());
        let mut new = old.clone();
        new.default = Some("1".into());
        new.nullable = false;
        assert_eq!(
            describe_drift(&Change::Column(ColumnChange::Alter {
                table: t.clone(),
                old,
                new
            })),
            "column app.t.a: changed outside graft (NOT NULL added, default 0 -> 1)"
        );
        assert_eq!(
            describe_drift(&Change::Index(IndexChange::Drop {
                table: t.clone(),
                name: "i".into()
            })),
            "index app.i on app.t: dropped outside graft"
        );
        assert_eq!(
            describe_drift(&Change::Table(TableChange::Rename {
                from: t.clone(),
                to: QualName::new("app", "u")
            })),
            "table app.t -> u: renamed outside graft"
        );
    }
}
