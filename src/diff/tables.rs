//! Tables, columns, constraints and indexes.

use super::{Change, Pair};
use crate::model::{
    Check, Column, ForeignKey, Index, IndexTarget, QualName, Schema, Table, Unique,
};
use crate::sql::{mentions, same_through_renames};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Pairs tables (after applying rename hints) and pushes their changes.
pub(super) fn push_tables(
    old: &Schema,
    new: &Schema,
    recreated_types: &HashSet<&QualName>,
    out: &mut Vec<Change>,
) {
    let olds: HashMap<&QualName, &Table> = old.tables.iter().map(|t| (&t.name, t)).collect();
    let new_names: HashSet<&QualName> = new.tables.iter().map(|t| &t.name).collect();

    // Re-key the old side through the hints first: a hint is used when its
    // source exists and is not kept under its own name. It wins over a name
    // match: renamed to the name of a table that is dropped, the table keeps
    // its rows.
    let mut renamed_away: HashSet<&QualName> = HashSet::new();
    let mut hinted: Vec<Option<&Table>> = Vec::with_capacity(new.tables.len());
    for n in &new.tables {
        let source = n.renamed_from.as_ref().and_then(|from| {
            let q = QualName::new(n.name.schema.clone(), from.clone());
            olds.get_key_value(&q)
                .filter(|(k, _)| !new_names.contains(*k) && !renamed_away.contains(*k))
                .map(|(k, t)| (*k, *t))
        });
        if let Some((k, _)) = source {
            renamed_away.insert(k);
        }
        hinted.push(source.map(|(_, t)| t));
    }
    let mut table_renames: HashMap<QualName, QualName> = HashMap::new(); // old → new
    let mut pairs: Vec<Pair<&Table>> = Vec::new();
    let mut created: Vec<&Table> = Vec::new();
    for (n, source) in new.tables.iter().zip(hinted) {
        if let Some(o) = source {
            table_renames.insert(o.name.clone(), n.name.clone());
            out.push(Change::RenameTable {
                from: o.name.clone(),
                to: n.name.clone(),
            });
            pairs.push(Pair::new(o, n));
        } else if let Some(o) = olds
            .get(&n.name)
            .filter(|o| !renamed_away.contains(&o.name))
        {
            pairs.push(Pair::new(o, n));
        } else {
            created.push(n);
        }
    }
    let paired: HashSet<&QualName> = pairs.iter().map(|p| &p.old.name).collect();
    let dropped: Vec<&Table> = old
        .tables
        .iter()
        .filter(|t| !paired.contains(&t.name))
        .collect();

    for t in created {
        push_create_table(t, out);
    }

    // Dropped tables: first their foreign keys to other tables, so that the
    // drops never depend on each other's order, and the keys they reference
    // (in kept tables too) can be dropped before them.
    for t in &dropped {
        for fk in &t.foreign_keys {
            if fk.ref_table != t.name {
                out.push(Change::DropForeignKey {
                    table: t.name.clone(),
                    name: fk.name.clone(),
                });
            }
        }
    }
    for t in &dropped {
        out.push(Change::DropTable {
            name: t.name.clone(),
        });
    }

    let dropped_names: HashSet<&QualName> = dropped.iter().map(|t| &t.name).collect();
    let start = out.len();
    for p in &pairs {
        push_table_changes(*p, &table_renames, &dropped_names, recreated_types, out);
    }
    push_foreign_keys_of_dropped_keys(&pairs, start, out);
}

/// A foreign key depends on the key (primary key, unique constraint or plain
/// unique index) it references: PostgreSQL refuses to drop that key while the foreign key
/// exists. When a kept foreign key references a key that is dropped (or
/// replaced, e.g. renamed), drop the foreign key before it and add it back.
/// `out[start..]` holds the changes of the paired tables.
fn push_foreign_keys_of_dropped_keys(pairs: &[Pair<&Table>], start: usize, out: &mut Vec<Change>) {
    let by_old: HashMap<&QualName, &Table> = pairs.iter().map(|p| (&p.old.name, p.old)).collect();
    let mut dropped_keys: HashMap<&QualName, Vec<BTreeSet<&str>>> = HashMap::new();
    let mut dropped_fks: HashSet<(QualName, String)> = HashSet::new();
    for c in &out[start..] {
        let (table, columns): (_, Option<Vec<&str>>) = match c {
            Change::DropPrimaryKey { table, .. } => (
                table,
                by_old
                    .get(table)
                    .and_then(|t| t.primary_key.as_ref())
                    .map(|k| k.columns.iter().map(String::as_str).collect()),
            ),
            Change::DropUnique { table, name } => (
                table,
                by_old
                    .get(table)
                    .and_then(|t| t.uniques.iter().find(|u| &u.name == name))
                    .map(|u| u.columns.iter().map(String::as_str).collect()),
            ),
            // a plain unique index can back a foreign key too
            Change::DropIndex { table, name } => (
                table,
                by_old
                    .get(table)
                    .and_then(|t| t.indexes.iter().find(|i| &i.name == name))
                    .filter(|i| i.unique && i.predicate.is_none())
                    .and_then(|i| {
                        i.keys
                            .iter()
                            .map(|k| match &k.target {
                                IndexTarget::Column(c) => Some(c.as_str()),
                                IndexTarget::Expr(_) => None,
                            })
                            .collect()
                    }),
            ),
            Change::DropForeignKey { table, name } => {
                dropped_fks.insert((table.clone(), name.clone()));
                continue;
            }
            _ => continue,
        };
        if let (Some(t), Some(cols)) = (by_old.get(table), columns) {
            dropped_keys
                .entry(&t.name)
                .or_default()
                .push(cols.into_iter().collect());
        }
    }
    if dropped_keys.is_empty() {
        return;
    }
    for p in pairs {
        for fk in &p.old.foreign_keys {
            let cols: BTreeSet<&str> = fk.ref_columns.iter().map(String::as_str).collect();
            let references_dropped = dropped_keys
                .get(&fk.ref_table)
                .is_some_and(|keys| keys.contains(&cols));
            if !references_dropped || dropped_fks.contains(&(p.old.name.clone(), fk.name.clone())) {
                continue;
            }
            // kept as it is (a changed one is dropped and added already)
            if let Some(n) = p.new.foreign_keys.iter().find(|f| f.name == fk.name) {
                out.push(Change::DropForeignKey {
                    table: p.old.name.clone(),
                    name: fk.name.clone(),
                });
                out.push(Change::AddForeignKey {
                    table: p.new.name.clone(),
                    fk: n.clone(),
                });
            }
        }
    }
}

/// `CreateTable` without foreign keys and indexes, which follow as their own changes.
pub(super) fn push_create_table(t: &Table, out: &mut Vec<Change>) {
    let mut bare = t.clone();
    bare.renamed_from = None;
    for c in &mut bare.columns {
        c.renamed_from = None;
    }
    let fks = std::mem::take(&mut bare.foreign_keys);
    let indexes = std::mem::take(&mut bare.indexes);
    out.push(Change::CreateTable { table: bare });
    for index in indexes {
        out.push(Change::CreateIndex {
            table: t.name.clone(),
            index,
        });
    }
    for fk in fks {
        out.push(Change::AddForeignKey {
            table: t.name.clone(),
            fk,
        });
    }
}

fn push_table_changes(
    p: Pair<&Table>,
    table_renames: &HashMap<QualName, QualName>,
    dropped_tables: &HashSet<&QualName>,
    recreated_types: &HashSet<&QualName>,
    out: &mut Vec<Change>,
) {
    let table = &p.new.name;
    // Drops run before table renames (see `plan::order`): they name the
    // table as it was.
    let old_table = &p.old.name;
    if p.old.comment != p.new.comment {
        out.push(Change::SetTableComment {
            table: table.clone(),
            comment: p.new.comment.clone(),
        });
    }

    // Columns, with rename hints applied to the old side.
    let old_cols: HashMap<&str, &Column> =
        p.old.columns.iter().map(|c| (c.name.as_str(), c)).collect();
    let new_col_names: HashSet<&str> = p.new.columns.iter().map(|c| c.name.as_str()).collect();
    let mut col_renames: HashMap<String, String> = HashMap::new(); // old → new
    let mut renamed_away: HashSet<&str> = HashSet::new();
    // First every pairing and rename: a generated column compares its
    // expression through the renames of the columns it reads. Hints first,
    // as for tables: renamed to the name of a dropped column, a column keeps
    // its values.
    let mut hinted: Vec<Option<&Column>> = Vec::with_capacity(p.new.columns.len());
    for n in &p.new.columns {
        let source = match n.renamed_from.as_deref() {
            Some(from)
                if old_cols.contains_key(from)
                    && !new_col_names.contains(from)
                    && !renamed_away.contains(from) =>
            {
                renamed_away.insert(from);
                col_renames.insert(from.to_string(), n.name.clone());
                out.push(Change::RenameColumn {
                    table: table.clone(),
                    from: from.to_string(),
                    to: n.name.clone(),
                });
                Some(old_cols[from])
            }
            _ => None,
        };
        hinted.push(source);
    }
    let mut paired: Vec<(&Column, Option<&Column>)> = Vec::with_capacity(p.new.columns.len());
    for (n, source) in p.new.columns.iter().zip(hinted) {
        let old = source.or_else(|| {
            old_cols
                .get(n.name.as_str())
                .copied()
                .filter(|o| !renamed_away.contains(o.name.as_str()))
        });
        paired.push((n, old));
    }
    let kept: HashSet<&str> = paired
        .iter()
        .filter_map(|(_, o)| o.map(|o| o.name.as_str()))
        .collect();
    // An old column dropped while a new one takes its name is not that one:
    // `\0` never matches a name.
    let dropped = |c: &str| old_cols.contains_key(c) && !kept.contains(c);
    let renamed = |c: &str| {
        col_renames
            .get(c)
            .map(String::as_str)
            .or_else(|| dropped(c).then_some("\0"))
    };
    // Columns whose generation expression is added or changed: PostgreSQL 15
    // cannot alter it, so the column is dropped and added back, and every
    // key, check and index on it must be added back too.
    let recreated: HashSet<&str> = paired
        .iter()
        .filter_map(|(n, o)| {
            let ng = n.generated.as_deref()?;
            let same = o
                .and_then(|o| o.generated.as_deref())
                .is_some_and(|og| same_through_renames(og, ng, renamed));
            (o.is_some() && !same).then_some(n.name.as_str())
        })
        .collect();
    let on_recreated = |cols: &[String]| cols.iter().any(|c| recreated.contains(c.as_str()));
    let reads_recreated = |e: &str| {
        recreated.iter().any(|c| mentions(e, c))
            || recreated_types.iter().any(|q| mentions(e, &q.name))
    };
    for (n, old) in paired {
        match old {
            None => {
                let mut c = n.clone();
                c.renamed_from = None;
                out.push(Change::AddColumn {
                    table: table.clone(),
                    column: c,
                });
            }
            Some(o) => push_column_changes(Pair::new(old_table, table), o, n, renamed, out),
        }
    }
    // Generated columns first: PostgreSQL refuses to drop a column that a
    // generated column still reads.
    let (generated, regular): (Vec<&Column>, Vec<&Column>) =
        p.old.columns.iter().partition(|c| c.generated.is_some());
    for o in generated.into_iter().chain(regular) {
        if dropped(&o.name) {
            out.push(Change::DropColumn {
                table: old_table.clone(),
                column: o.name.clone(),
            });
        }
    }

    // Constraints and indexes refer to columns by name; PostgreSQL follows
    // renames, so compare the old side through the renames.
    let rc = |c: &String| renamed(c).map_or_else(|| c.clone(), str::to_string);
    let rcs = |cs: &[String]| cs.iter().map(rc).collect::<Vec<_>>();

    let rename_constraint = |from, to| Change::RenameConstraint {
        table: table.clone(),
        from,
        to,
    };
    let old_pk = p.old.primary_key.as_ref().map(|pk| {
        let mut pk = pk.clone();
        pk.columns = rcs(&pk.columns);
        pk
    });
    let pk_recreated = p
        .new
        .primary_key
        .as_ref()
        .is_some_and(|k| on_recreated(&k.columns));
    let pk_renamed = match (&old_pk, &p.new.primary_key) {
        (Some(o), Some(n)) => o.name != n.name && o.columns == n.columns && !pk_recreated,
        _ => false,
    };
    if pk_renamed {
        // kept under a new name, e.g. `<table>_pkey` of a renamed table
        if let (Some(o), Some(n)) = (&p.old.primary_key, &p.new.primary_key) {
            out.push(Change::RenameConstraint {
                table: table.clone(),
                from: o.name.clone(),
                to: n.name.clone(),
            });
        }
    } else if old_pk != p.new.primary_key || pk_recreated {
        if let Some(o) = &p.old.primary_key {
            out.push(Change::DropPrimaryKey {
                table: old_table.clone(),
                name: o.name.clone(),
            });
        }
        if let Some(n) = &p.new.primary_key {
            out.push(Change::AddPrimaryKey {
                table: table.clone(),
                pk: n.clone(),
            });
        }
    }

    push_named(
        &p.old.uniques,
        &p.new.uniques,
        |u, _| {
            let mut u = u.clone();
            u.columns = rcs(&u.columns);
            u
        },
        |u| on_recreated(&u.columns),
        |name| Change::DropUnique {
            table: old_table.clone(),
            name,
        },
        |unique| Change::AddUnique {
            table: table.clone(),
            unique,
        },
        rename_constraint,
        out,
    );
    push_named(
        &p.old.checks,
        &p.new.checks,
        |c, n| {
            let mut c = c.clone();
            if same_through_renames(&c.expr, &n.expr, renamed) {
                c.expr = n.expr.clone();
            }
            c
        },
        |c| reads_recreated(&c.expr),
        |name| Change::DropCheck {
            table: old_table.clone(),
            name,
        },
        |check| Change::AddCheck {
            table: table.clone(),
            check,
        },
        rename_constraint,
        out,
    );
    push_named(
        &p.old.indexes,
        &p.new.indexes,
        |i, n: &Index| {
            let mut i = i.clone();
            for (j, k) in i.keys.iter_mut().enumerate() {
                match &mut k.target {
                    IndexTarget::Column(c) => *c = rc(c),
                    IndexTarget::Expr(e) => {
                        if let Some(IndexTarget::Expr(ne)) = n.keys.get(j).map(|k| &k.target) {
                            if same_through_renames(e, ne, renamed) {
                                *e = ne.clone();
                            }
                        }
                    }
                }
            }
            if let (Some(pred), Some(np)) = (&mut i.predicate, &n.predicate) {
                if same_through_renames(pred, np, renamed) {
                    *pred = np.clone();
                }
            }
            i.include = rcs(&i.include);
            i
        },
        |i| {
            on_recreated(&i.include)
                || i.predicate.as_deref().is_some_and(reads_recreated)
                || i.keys.iter().any(|k| match &k.target {
                    IndexTarget::Column(c) => recreated.contains(c.as_str()),
                    IndexTarget::Expr(e) => reads_recreated(e),
                })
        },
        |name| Change::DropIndex {
            table: old_table.clone(),
            name,
        },
        |index| Change::CreateIndex {
            table: table.clone(),
            index,
        },
        |from, to| Change::RenameIndex {
            table: table.clone(),
            from,
            to,
        },
        out,
    );
    push_named(
        &p.old.foreign_keys,
        &p.new.foreign_keys,
        |f, _| {
            let mut f = f.clone();
            f.columns = rcs(&f.columns);
            if let Some(to) = table_renames.get(&f.ref_table) {
                f.ref_table = to.clone();
            } else if dropped_tables.contains(&f.ref_table) {
                // a new table may have taken its name
                f.ref_table.name.insert(0, '\0');
            }
            // Column renames of the referenced table are followed too when
            // the table references itself.
            if f.ref_table == *table {
                f.ref_columns = rcs(&f.ref_columns);
            }
            f
        },
        |f| on_recreated(&f.columns) || (f.ref_table == *table && on_recreated(&f.ref_columns)),
        |name| Change::DropForeignKey {
            table: old_table.clone(),
            name,
        },
        |fk| Change::AddForeignKey {
            table: table.clone(),
            fk,
        },
        rename_constraint,
        out,
    );
}

fn push_column_changes<'a>(
    tables: Pair<&QualName>,
    o: &Column,
    n: &Column,
    renamed: impl Fn(&str) -> Option<&'a str>,
    out: &mut Vec<Change>,
) {
    let table = tables.new;
    let mut old = o.clone();
    old.name = n.name.clone();
    old.renamed_from = None;
    match (&old.generated, &n.generated) {
        // PostgreSQL follows renames in the generation expression.
        (Some(og), Some(ng)) if same_through_renames(og, ng, renamed) => {
            old.generated = n.generated.clone();
        }
        // Early, before the columns it reads may be dropped.
        (Some(_), None) => {
            out.push(Change::DropExpression {
                table: tables.old.clone(),
                column: o.name.clone(),
            });
            old.generated = None;
        }
        // Recreated (AlterColumn, late): its old expression goes early too,
        // so that the columns it read may be dropped or change type.
        (Some(_), Some(_)) => out.push(Change::DropExpression {
            table: tables.old.clone(),
            column: o.name.clone(),
        }),
        _ => {}
    }
    let mut new = n.clone();
    new.renamed_from = None;
    let comment_changed = old.comment != new.comment;
    let mut old_cmp = old.clone();
    old_cmp.comment = new.comment.clone();
    if old_cmp != new {
        out.push(Change::AlterColumn {
            table: table.clone(),
            old,
            new: new.clone(),
        });
    }
    if comment_changed {
        out.push(Change::SetColumnComment {
            table: table.clone(),
            column: new.name.clone(),
            comment: new.comment,
        });
    }
}

/// A constraint or index: something with a name in its table or namespace.
trait Named: Clone + PartialEq {
    fn name(&self) -> &String;
    fn set_name(&mut self, name: &str);
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn name(&self) -> &String {
                &self.name
            }
            fn set_name(&mut self, name: &str) {
                self.name = name.to_string();
            }
        }
    )*};
}
named!(Unique, Check, Index, ForeignKey);

/// Pairs named items by name: removed → drop, added → add, changed (or
/// `on_recreated`, a new item on a recreated column) → drop + add.
/// `through_renames(old, new)` is the old item as it reads after the
/// column and table renames, compared with `new`.
///
/// An item gone under its name while an equal one (through renames) comes
/// under a new name is renamed instead: names derived from the table and
/// its columns (`<table>_<cols>_key`) follow their renames this way.
#[allow(clippy::too_many_arguments)]
fn push_named<T: Named>(
    old: &[T],
    new: &[T],
    through_renames: impl Fn(&T, &T) -> T,
    on_recreated: impl Fn(&T) -> bool,
    drop: impl Fn(String) -> Change,
    add: impl Fn(T) -> Change,
    rename: impl Fn(String, String) -> Change,
    out: &mut Vec<Change>,
) {
    let olds: BTreeMap<&String, &T> = old.iter().map(|x| (x.name(), x)).collect();
    let news: BTreeMap<&String, &T> = new.iter().map(|x| (x.name(), x)).collect();
    // New names, in name order; a rename takes its target out.
    let mut added: Vec<&T> = news
        .iter()
        .filter(|(k, _)| !olds.contains_key(*k))
        .map(|(_, n)| *n)
        .collect();
    for (k, o) in &olds {
        match news.get(k) {
            None => {
                let same = added.iter().position(|n| {
                    !on_recreated(n) && {
                        let mut r = through_renames(o, n);
                        r.set_name(n.name());
                        r == **n
                    }
                });
                match same {
                    Some(i) => {
                        let n = added.remove(i);
                        out.push(rename((*k).clone(), n.name().clone()));
                    }
                    None => out.push(drop((*k).clone())),
                }
            }
            Some(n) if through_renames(o, n) != **n || on_recreated(n) => {
                out.push(drop((*k).clone()));
                out.push(add((*n).clone()));
            }
            Some(_) => {}
        }
    }
    for n in added {
        out.push(add(n.clone()));
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::{diff, Change};
    use crate::model::{Column, ColumnType, QualName, Schema, Table};

    fn schema(columns: Vec<Column>) -> Schema {
        let mut t = Table::new(QualName::new("app", "t"));
        t.columns = columns;
        let mut s = Schema {
            namespaces: vec!["app".into()],
            tables: vec![t],
            ..Schema::default()
        };
        s.normalize();
        s
    }

    #[test]
    fn drops_on_a_renamed_table_name_it_as_it_was() {
        // they run before the rename
        let old = schema(vec![
            Column::new("a", ColumnType::builtin("integer")),
            Column::new("b", ColumnType::builtin("integer")),
        ]);
        let mut new = old.clone();
        new.tables[0].name.name = "u".into();
        new.tables[0].renamed_from = Some("t".into());
        new.tables[0].columns.pop();
        let changes = diff(&old, &new);
        assert!(
            changes.contains(&Change::DropColumn {
                table: QualName::new("app", "t"),
                column: "b".into()
            }),
            "{changes:?}"
        );
    }

    #[test]
    fn expressions_follow_column_renames() {
        use crate::model::{Check, Index, IndexKey, IndexTarget};
        let mut g = Column::new("g", ColumnType::builtin("boolean"));
        g.generated = Some("(a IS NOT NULL)".into());
        let mut old = schema(vec![g, Column::new("a", ColumnType::builtin("text"))]);
        old.tables[0].checks.push(Check {
            name: "c".into(),
            expr: "(a <> ''::text)".into(),
        });
        old.tables[0].indexes.push(Index {
            name: "i".into(),
            unique: false,
            method: "btree".into(),
            keys: vec![IndexKey {
                target: IndexTarget::Expr("lower(a)".into()),
                desc: false,
                nulls_first: None,
            }],
            include: vec![],
            predicate: Some("a IS NOT NULL".into()),
        });
        let mut new = old.clone();
        let t = &mut new.tables[0];
        t.columns[0].generated = Some("(\"A b\" IS NOT NULL)".into());
        t.columns[1].name = "A b".into();
        t.columns[1].renamed_from = Some("a".into());
        t.checks[0].expr = "(\"A b\" <> ''::text)".into();
        t.indexes[0].keys[0].target = IndexTarget::Expr("lower(\"A b\")".into());
        t.indexes[0].predicate = Some("\"A b\" IS NOT NULL".into());
        let changes = diff(&old, &new);
        assert_eq!(
            changes,
            [Change::RenameColumn {
                table: QualName::new("app", "t"),
                from: "a".into(),
                to: "A b".into()
            }]
        );
    }

    #[test]
    fn foreign_keys_of_dropped_tables_are_dropped_first() {
        use crate::model::{ForeignKey, PrimaryKey};
        let mut a = Table::new(QualName::new("app", "a"));
        a.columns
            .push(Column::new("id", ColumnType::builtin("integer")));
        a.primary_key = Some(PrimaryKey {
            name: "a_pkey".into(),
            columns: vec!["id".into()],
        });
        let mut b = Table::new(QualName::new("app", "b"));
        b.columns
            .push(Column::new("a_id", ColumnType::builtin("integer")));
        b.foreign_keys.push(ForeignKey {
            name: "b_a_id_fkey".into(),
            columns: vec!["a_id".into()],
            ref_table: a.name.clone(),
            ref_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferrable: Default::default(),
        });
        let mut old = Schema {
            namespaces: vec!["app".into()],
            tables: vec![a.clone(), b],
            ..Schema::default()
        };
        old.normalize();
        // b goes, and a's primary key with it: the key is referenced by b's
        // foreign key until b is dropped, so that goes first
        a.primary_key = None;
        let mut new = Schema {
            namespaces: vec!["app".into()],
            tables: vec![a],
            ..Schema::default()
        };
        new.normalize();
        let plan = crate::plan::order::order(diff(&old, &new));
        assert!(
            matches!(&plan[0], Change::DropForeignKey { name, .. } if name == "b_a_id_fkey"),
            "{plan:?}"
        );
    }

    #[test]
    fn a_foreign_key_is_dropped_and_added_around_a_replaced_key() {
        use crate::model::{ForeignKey, PrimaryKey};
        let mut t = Table::new(QualName::new("app", "t"));
        t.columns
            .push(Column::new("id", ColumnType::builtin("integer")));
        t.columns
            .push(Column::new("parent", ColumnType::builtin("integer")));
        t.primary_key = Some(PrimaryKey {
            name: "t_pkey".into(),
            columns: vec!["id".into()],
        });
        t.foreign_keys.push(ForeignKey {
            name: "t_parent_fkey".into(),
            columns: vec!["parent".into()],
            ref_table: t.name.clone(),
            ref_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferrable: Default::default(),
        });
        let mut old = Schema {
            namespaces: vec!["app".into()],
            tables: vec![t],
            ..Schema::default()
        };
        old.normalize();
        // only renamed: the key stays, and the foreign key on it
        let mut new = old.clone();
        new.tables[0].primary_key.as_mut().unwrap().name = "t_key".into();
        let plan = crate::plan::order::order(diff(&old, &new));
        assert_eq!(
            plan,
            [Change::RenameConstraint {
                table: QualName::new("app", "t"),
                from: "t_pkey".into(),
                to: "t_key".into()
            }]
        );
        // replaced by a unique constraint on the same column
        let mut new = old.clone();
        let t = &mut new.tables[0];
        t.primary_key = None;
        t.uniques.push(crate::model::Unique {
            name: "t_id_key".into(),
            columns: vec!["id".into()],
        });
        t.columns[0].nullable = false;
        let plan = crate::plan::order::order(diff(&old, &new));
        let kinds: Vec<&str> = plan.iter().map(Change::kind).collect();
        assert_eq!(
            kinds,
            [
                "DropForeignKey",
                "DropPrimaryKey",
                "AddUnique",
                "AddForeignKey"
            ]
        );
    }

    #[test]
    fn keys_and_indexes_on_a_recreated_generated_column_are_added_back() {
        use crate::model::{Index, IndexKey, IndexTarget, PrimaryKey};
        let mut old = schema(vec![
            Column::new("a", ColumnType::builtin("integer")),
            Column::new("g", ColumnType::builtin("boolean")),
        ]);
        let t = &mut old.tables[0];
        t.primary_key = Some(PrimaryKey {
            name: "t_pkey".into(),
            columns: vec!["g".into()],
        });
        t.indexes.push(Index {
            name: "t_i".into(),
            unique: false,
            method: "btree".into(),
            keys: vec![IndexKey {
                target: IndexTarget::Column("a".into()),
                desc: false,
                nulls_first: None,
            }],
            include: vec![],
            predicate: Some("g".into()),
        });
        old.normalize();
        let mut new = old.clone();
        new.tables[0].columns[1].generated = Some("(a IS NOT NULL)".into());
        let mut kinds: Vec<&str> = diff(&old, &new).iter().map(Change::kind).collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                "AddPrimaryKey",
                "AlterColumn",
                "CreateIndex",
                "DropIndex",
                "DropPrimaryKey"
            ]
        );
    }

    #[test]
    fn a_generated_column_stops_reading_before_its_source_is_dropped() {
        let mut g = Column::new("g", ColumnType::builtin("boolean"));
        g.generated = Some("(a IS NOT NULL)".into());
        let old = schema(vec![Column::new("a", ColumnType::builtin("integer")), g]);
        let mut h = Column::new("h", ColumnType::builtin("integer"));
        h.renamed_from = Some("g".into());
        let mut new = schema(vec![h]);
        new.tables[0].name.name = "u".into();
        new.tables[0].renamed_from = Some("t".into());
        let plan = crate::plan::order::order(diff(&old, &new));
        let t = QualName::new("app", "t");
        assert_eq!(
            plan[..2],
            [
                Change::DropExpression {
                    table: t.clone(),
                    column: "g".into()
                },
                Change::DropColumn {
                    table: t,
                    column: "a".into()
                },
            ],
            "{plan:?}"
        );
        let Change::AlterColumn { old, .. } = &plan[4] else {
            panic!("{plan:?}")
        };
        assert_eq!(old.generated, None);
    }

    #[test]
    fn a_rename_hint_wins_over_a_name_match() {
        use crate::model::{Index, IndexKey, IndexTarget};
        // b is dropped and a renamed to b; a keeps its rows, b's index goes
        let mut old = schema(vec![
            Column::new("a", ColumnType::builtin("integer")),
            Column::new("b", ColumnType::builtin("integer")),
        ]);
        old.tables[0].indexes.push(Index {
            name: "t_b_idx".into(),
            unique: false,
            method: "btree".into(),
            keys: vec![IndexKey {
                target: IndexTarget::Column("b".into()),
                desc: false,
                nulls_first: None,
            }],
            include: vec![],
            predicate: None,
        });
        let other = Table::new(QualName::new("app", "u"));
        old.tables.push(other);
        old.normalize();
        let mut new = old.clone();
        new.tables.retain(|t| t.name.name == "t");
        let t = &mut new.tables[0];
        t.columns.remove(1);
        t.columns[0].name = "b".into();
        t.columns[0].renamed_from = Some("a".into());
        t.name.name = "u".into();
        t.renamed_from = Some("t".into());
        let tq = |n: &str| QualName::new("app", n);
        let plan = crate::plan::order::order(diff(&old, &new));
        assert_eq!(
            plan,
            [
                Change::DropIndex {
                    table: tq("t"),
                    name: "t_b_idx".into()
                },
                Change::DropTable { name: tq("u") },
                Change::DropColumn {
                    table: tq("t"),
                    column: "b".into()
                },
                Change::RenameTable {
                    from: tq("t"),
                    to: tq("u")
                },
                Change::RenameColumn {
                    table: tq("u"),
                    from: "a".into(),
                    to: "b".into()
                },
                Change::CreateIndex {
                    table: tq("u"),
                    index: new.tables[0].indexes[0].clone()
                },
            ]
        );
    }

    #[test]
    fn a_foreign_key_is_dropped_and_added_around_a_dropped_unique_index() {
        use crate::model::{ForeignKey, Index, IndexKey, IndexTarget, PrimaryKey};
        let mut t = Table::new(QualName::new("app", "t"));
        t.columns
            .push(Column::new("id", ColumnType::builtin("integer")));
        t.columns
            .push(Column::new("parent", ColumnType::builtin("integer")));
        t.indexes.push(Index {
            name: "t_id_idx".into(),
            unique: true,
            method: "btree".into(),
            keys: vec![IndexKey {
                target: IndexTarget::Column("id".into()),
                desc: false,
                nulls_first: None,
            }],
            include: vec![],
            predicate: None,
        });
        t.foreign_keys.push(ForeignKey {
            name: "t_parent_fkey".into(),
            columns: vec!["parent".into()],
            ref_table: t.name.clone(),
            ref_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferrable: Default::default(),
        });
        let mut old = Schema {
            namespaces: vec!["app".into()],
            tables: vec![t],
            ..Schema::default()
        };
        old.normalize();
        // the key moves from the index to a primary key
        let mut new = old.clone();
        new.tables[0].indexes.clear();
        new.tables[0].primary_key = Some(PrimaryKey {
            name: "t_pkey".into(),
            columns: vec!["id".into()],
        });
        new.normalize();
        let plan = crate::plan::order::order(diff(&old, &new));
        let kinds: Vec<&str> = plan.iter().map(Change::kind).collect();
        assert_eq!(
            kinds,
            [
                "DropForeignKey",
                "DropIndex",
                "AlterColumn",
                "AddPrimaryKey",
                "AddForeignKey"
            ]
        );
    }

    #[test]
    fn a_recreated_generated_column_stops_reading_early() {
        // g reads b, then a; b changes type meanwhile
        let gen = |e: &str| {
            let mut g = Column::new("g", ColumnType::builtin("boolean"));
            g.generated = Some(e.into());
            g
        };
        let int = |n: &str, t: &str| Column::new(n, ColumnType::builtin(t));
        let old = schema(vec![
            int("a", "integer"),
            int("b", "integer"),
            gen("(b IS NOT NULL)"),
        ]);
        let new = schema(vec![
            int("a", "integer"),
            int("b", "bigint"),
            gen("(a IS NOT NULL)"),
        ]);
        let plan = crate::plan::order::order(diff(&old, &new));
        let kinds: Vec<&str> = plan.iter().map(Change::kind).collect();
        assert_eq!(kinds, ["DropExpression", "AlterColumn", "AlterColumn"]);
        assert!(
            matches!(&plan[2], Change::AlterColumn { old, .. } if old.generated.is_some()),
            "{plan:?}"
        );
    }

    #[test]
    fn generated_columns_are_dropped_before_the_columns_they_read() {
        let a = Column::new("a", ColumnType::builtin("integer"));
        let mut g = Column::new("g", ColumnType::builtin("boolean"));
        g.generated = Some("(a IS NOT NULL)".into());
        let changes = diff(&schema(vec![a, g]), &schema(vec![]));
        let dropped: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::DropColumn { column, .. } => Some(column.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(dropped, ["g", "a"]);
    }
}
