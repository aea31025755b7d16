//! Views and materialized views.
//!
//! Views are paired by name. A view is **recreated** (dropped, then created
//! again) when PostgreSQL cannot change it in place:
//!
//! - its definition changed and `CREATE OR REPLACE VIEW` cannot keep its
//!   columns (the old select list must be a prefix of the new one, item for
//!   item; always for materialized views), or it became (or stopped being)
//!   materialized;
//! - something it reads changes under it: a table it reads is dropped or
//!   loses its primary key (a view may rely on it for `GROUP BY`), or a
//!   column it may read (see [`scan::may_read_column`]) is dropped,
//!   changes type or collation, has its generation expression recreated or
//!   is re-cast with a recreated enum or domain;
//! - a view it reads is dropped or recreated (the chain: PostgreSQL refuses
//!   to drop a view others depend on), or a function it calls is dropped or
//!   recreated.
//!
//! What a view reads is what its definition names among the relations of
//! the schema (see [`View::reads`]), plus its `depends_on`. The drops and
//! creates are ordered by [`crate::plan::order`]: dependents dropped first,
//! recreated last. Data in tables is never touched.

use super::change::CommentTarget;
use super::Change;
use crate::model::{Index, QualName, Schema, View};
use crate::plan::hazard::{generated_change, GeneratedChange};
use crate::sql::scan;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What happens to a view of the old or new schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    Replace,
    Recreate,
}

/// Pairs views and pushes their changes; `out` holds the changes of
/// everything else so far (what the views read may change under them).
pub(super) fn push_views(
    old: &Schema,
    new: &Schema,
    gone_functions: &HashSet<QualName>,
    out: &mut Vec<Change>,
) {
    if old.views.is_empty() && new.views.is_empty() {
        return;
    }
    let olds: BTreeMap<&QualName, &View> = old.views.iter().map(|v| (&v.name, v)).collect();
    let news: BTreeMap<&QualName, &View> = new.views.iter().map(|v| (&v.name, v)).collect();
    let old_relations: HashSet<&QualName> = old
        .tables
        .iter()
        .map(|t| &t.name)
        .chain(olds.keys().copied())
        .collect();
    // What each old view reads among the old schema's relations.
    let old_reads: HashMap<&QualName, BTreeSet<QualName>> = olds
        .iter()
        .map(|(n, v)| {
            let mut r = v.reads();
            r.retain(|q| old_relations.contains(q));
            (*n, r)
        })
        .collect();
    let broken = Breaks::from_changes(out);

    let mut fate: BTreeMap<&QualName, Fate> = BTreeMap::new();
    for (name, o) in &olds {
        let Some(n) = news.get(name) else { continue };
        let calls_gone = o.calls().iter().any(|f| gone_functions.contains(f));
        let f = if o.materialized != n.materialized
            || calls_gone
            || broken.breaks(&o.definition, &old_reads[name])
        {
            Fate::Recreate
        } else if same_object(o, n) {
            Fate::Keep
        } else if !o.materialized && keeps_columns(o, n) {
            Fate::Replace
        } else {
            Fate::Recreate
        };
        fate.insert(*name, f);
    }
    // The chain: whatever reads a dropped or recreated view is recreated.
    let mut gone: Vec<&QualName> = olds
        .keys()
        .copied()
        .filter(|n| fate.get(n).map_or(true, |f| *f == Fate::Recreate))
        .collect();
    while let Some(g) = gone.pop() {
        for (name, reads) in &old_reads {
            if reads.contains(g) {
                if let Some(f) = fate.get_mut(name) {
                    if *f != Fate::Recreate {
                        *f = Fate::Recreate;
                        gone.push(name);
                    }
                }
            }
        }
    }

    for (name, o) in &olds {
        if fate.get(name).map_or(true, |f| *f == Fate::Recreate) {
            out.push(Change::DropView { view: (*o).clone() });
        }
    }
    for (name, n) in &news {
        match fate.get(name) {
            None | Some(Fate::Recreate) => out.push(Change::CreateView { view: (*n).clone() }),
            Some(Fate::Replace) => out.push(Change::ReplaceView {
                old: olds[name].clone(),
                new: (*n).clone(),
            }),
            Some(Fate::Keep) => {}
        }
        if let Some(Fate::Keep | Fate::Replace) = fate.get(name) {
            let o = olds[name];
            push_indexes(o, n, out);
            if o.comment != n.comment {
                out.push(Change::SetObjectComment {
                    target: comment_target(n),
                    comment: n.comment.clone(),
                });
            }
        }
    }
}

/// The comment target for a view.
pub(super) fn comment_target(v: &View) -> CommentTarget {
    if v.materialized {
        CommentTarget::MaterializedView {
            name: v.name.clone(),
        }
    } else {
        CommentTarget::View {
            name: v.name.clone(),
        }
    }
}

/// Equal but for comment and indexes (which change in place).
fn same_object(o: &View, n: &View) -> bool {
    let strip = |v: &View| View {
        comment: None,
        indexes: Vec::new(),
        ..v.clone()
    };
    strip(o) == strip(n)
}

/// Whether `CREATE OR REPLACE VIEW` keeps the old view's columns: the old
/// select list is a prefix of the new one, item for item (the same
/// expressions over the same inputs have the same names and types).
fn keeps_columns(o: &View, n: &View) -> bool {
    if o.definition == n.definition {
        return true;
    }
    match (
        scan::select_items(&o.definition),
        scan::select_items(&n.definition),
    ) {
        (Some(a), Some(b)) => a.len() <= b.len() && a.iter().zip(&b).all(|(x, y)| x == y),
        _ => false,
    }
}

/// A kept materialized view's index changes: dropped, added, or changed
/// (dropped and added).
fn push_indexes(o: &View, n: &View, out: &mut Vec<Change>) {
    let olds: BTreeMap<&str, &Index> = o.indexes.iter().map(|i| (i.name.as_str(), i)).collect();
    let news: BTreeMap<&str, &Index> = n.indexes.iter().map(|i| (i.name.as_str(), i)).collect();
    for (name, oi) in &olds {
        if news.get(name) != Some(oi) {
            out.push(Change::DropIndex {
                table: o.name.clone(),
                name: name.to_string(),
            });
        }
    }
    for (name, ni) in &news {
        if olds.get(name) != Some(ni) {
            out.push(Change::CreateIndex {
                table: n.name.clone(),
                index: (*ni).clone(),
            });
        }
    }
}

/// The changes to tables that a view reading them cannot survive, by the
/// table's old name: the whole table (`None`), or these columns (old and
/// new names, to be safe).
#[derive(Default)]
pub(super) struct Breaks {
    tables: HashMap<QualName, Option<HashSet<String>>>,
}

impl Breaks {
    pub(super) fn from_changes(changes: &[Change]) -> Breaks {
        let mut b = Breaks::default();
        // new name → old name, for changes that name a table as it becomes
        let renamed: HashMap<&QualName, &QualName> = changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameTable { from, to } => Some((to, from)),
                _ => None,
            })
            .collect();
        let column_renames: HashMap<(&QualName, &str), &str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameColumn { table, from, to } => {
                    Some(((table, to.as_str()), from.as_str()))
                }
                _ => None,
            })
            .collect();
        for c in changes {
            match c {
                Change::DropTable { name } | Change::DropPrimaryKey { table: name, .. } => {
                    b.tables.insert(name.clone(), None);
                }
                Change::DropColumn { table, column } => b.column(table, column),
                Change::AlterColumn { table, old, new }
                    if old.ty != new.ty
                        || old.collation != new.collation
                        || generated_change(old, new) == GeneratedChange::Recreate =>
                {
                    let old_table = renamed.get(table).copied().unwrap_or(table);
                    b.column(old_table, &new.name);
                    if let Some(from) = column_renames.get(&(table, new.name.as_str())) {
                        b.column(old_table, from);
                    }
                }
                Change::RecreateEnum { columns, .. } | Change::RecreateDomain { columns, .. } => {
                    for col in columns {
                        b.column(&col.table, &col.column);
                    }
                }
                _ => {}
            }
        }
        b
    }

    fn column(&mut self, table: &QualName, column: &str) {
        if let Some(cols) = self
            .tables
            .entry(table.clone())
            .or_insert_with(|| Some(HashSet::new()))
        {
            cols.insert(column.to_string());
        }
    }

    /// Whether SQL text `sql`, reading the relations `reads`, is broken by
    /// these changes.
    pub(super) fn breaks(&self, sql: &str, reads: &BTreeSet<QualName>) -> bool {
        reads.iter().any(|t| match self.tables.get(t) {
            None => false,
            Some(None) => true,
            Some(Some(cols)) => cols.iter().any(|c| scan::may_read_column(sql, c)),
        })
    }

    /// Whether `table` loses the columns `columns` reads (or the table).
    pub(super) fn breaks_columns(&self, table: &QualName, columns: &[String]) -> bool {
        match self.tables.get(table) {
            None => false,
            Some(None) => true,
            Some(Some(cols)) => columns.iter().any(|c| cols.contains(c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::model::{Column, ColumnType, Table};

    fn schema(views: Vec<View>, total_type: &str) -> Schema {
        let mut t = Table::new(QualName::new("app", "t"));
        t.columns = vec![
            Column::new("id", ColumnType::builtin("integer")),
            Column::new("total", ColumnType::builtin(total_type)),
        ];
        let mut s = Schema {
            namespaces: vec!["app".into()],
            tables: vec![t],
            views,
            ..Schema::default()
        };
        s.normalize();
        s
    }

    fn v(name: &str, def: &str) -> View {
        View::new(QualName::new("app", name), def)
    }

    fn kinds(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| format!("{} {}", c.kind(), c.subject()))
            .collect()
    }

    #[test]
    fn a_type_change_at_the_bottom_recreates_the_chain() {
        let views = || {
            vec![
                v("a", "SELECT t.id, t.total FROM app.t"),
                v("b", "SELECT a.id FROM app.a"),
                v("c", "SELECT t.id FROM app.t"),
            ]
        };
        let old = schema(views(), "integer");
        let new = schema(views(), "bigint");
        let plan = crate::plan::order::order(diff(&old, &new));
        // c reads t but not `total`: kept
        assert_eq!(
            kinds(&plan),
            [
                "DropView app.b",
                "DropView app.a",
                "AlterColumn app.t.total",
                "CreateView app.a",
                "CreateView app.b",
            ]
        );
    }

    #[test]
    fn compatible_definitions_are_replaced_in_place() {
        let old = schema(
            vec![
                v("a", "SELECT t.id FROM app.t"),
                v("b", "SELECT a.id FROM app.a"),
            ],
            "integer",
        );
        let new = schema(
            vec![
                v("a", "SELECT t.id, t.total FROM app.t WHERE t.id > 0"),
                v("b", "SELECT a.id FROM app.a"),
            ],
            "integer",
        );
        assert_eq!(kinds(&diff(&old, &new)), ["ReplaceView app.a"]);
        // an item changed: a and the chain above it are recreated
        let new = schema(
            vec![
                v("a", "SELECT t.total FROM app.t"),
                v("b", "SELECT a.id FROM app.a"),
            ],
            "integer",
        );
        let plan = crate::plan::order::order(diff(&old, &new));
        assert_eq!(
            kinds(&plan),
            [
                "DropView app.b",
                "DropView app.a",
                "CreateView app.a",
                "CreateView app.b"
            ]
        );
    }

    #[test]
    fn unchanged_views_have_no_changes_and_comments_change_in_place() {
        let old = schema(vec![v("a", "SELECT t.id FROM app.t")], "integer");
        assert!(diff(&old, &old).is_empty());
        let mut new = old.clone();
        new.views[0].comment = Some("c".into());
        assert_eq!(kinds(&diff(&old, &new)), ["SetObjectComment app.a"]);
    }
}
