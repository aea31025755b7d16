//! Step order.
//!
//! The dependency graph between changes of one plan is layered: namespaces,
//! extensions and types come before the tables that use them; drops of
//! constraints and indexes come before the drops and renames that would
//! otherwise break them; tables exist before any foreign key is added (which
//! also breaks FK cycles, as Atlas's `DetachCycles` does); types are dropped
//! only after the columns using them. Every edge of that graph goes from a
//! lower rank to a higher one, so a stable sort by rank is a topological
//! order, and ties keep the diff's deterministic (name-sorted) order.
//! Where objects of one layer depend on each other (views on views), that
//! layer is then sorted by its own edges ([`super::topo`]).

use crate::diff::Change;
use crate::plan::hazard::{generated_change, GeneratedChange};

/// The layer of a change; lower runs first.
pub fn rank(change: &Change) -> u8 {
    match change {
        Change::CreateNamespace { .. } => 0,
        Change::CreateExtension { .. } | Change::AlterExtension { .. } => 1,
        Change::CreateEnum { .. } | Change::AddEnumValue { .. } => 2,
        Change::DropForeignKey { .. } => 3,
        Change::DropIndex { .. } | Change::DropCheck { .. } | Change::DropUnique { .. } => 4,
        // After the checks and indexes naming the type are dropped, before
        // renames (it names columns as they were).
        Change::DropPrimaryKey { .. } | Change::RecreateEnum { .. } => 5,
        // Dropping tables and columns early frees their names for renames.
        Change::DropTable { .. } | Change::DropExpression { .. } => 6,
        Change::DropColumn { .. } => 7,
        Change::RenameTable { .. } => 8,
        Change::RenameColumn { .. } => 9,
        Change::CreateTable { .. } => 10,
        // Column changes before new columns: PostgreSQL refuses to change
        // the type of a column that a (new) generated column reads. New
        // columns keep their declared order.
        Change::AlterColumn { old, new, .. }
            if generated_change(old, new) != GeneratedChange::Recreate =>
        {
            11
        }
        // New generated columns, and recreated ones, last: they may read a
        // new column, which PostgreSQL needs to exist first.
        Change::AddColumn { column, .. } if column.generated.is_some() => 13,
        Change::AddColumn { .. } => 12,
        Change::AlterColumn { .. } => 13,
        Change::AddPrimaryKey { .. } => 14,
        Change::AddUnique { .. } => 15,
        Change::AddCheck { .. } => 16,
        Change::CreateIndex { .. } => 17,
        Change::AddForeignKey { .. } => 18,
        Change::SetTableComment { .. } | Change::SetColumnComment { .. } => 19,
        Change::DropEnum { .. } => 20,
        Change::DropExtension { .. } => 21,
        Change::DropNamespace { .. } => 22,
        // Views: dropped before anything they read changes (their order
        // among themselves: `plan::topo`), created once every table and
        // column they may read is in place, before comments.
        Change::DropView { .. } => 3,
        Change::CreateView { .. } | Change::ReplaceView { .. } => 18,
        Change::SetObjectComment { .. } => 19,
    }
}

/// Orders changes for execution (stable: ties keep their input order), and
/// orders renames within their layer so that a rename into a name another
/// rename frees runs after it.
pub fn order(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by_key(rank);
    order_renames(&mut changes);
    let ranks: Vec<u8> = changes.iter().map(rank).collect();
    super::topo::order_runs(&mut changes, &ranks);
    changes
}

/// `a → b` and `b → c` in one plan: `b → c` must run first.
fn order_renames(changes: &mut [Change]) {
    let start = changes
        .iter()
        .position(|c| matches!(c, Change::RenameTable { .. }));
    let Some(start) = start else { return };
    let end = start
        + changes[start..]
            .iter()
            .take_while(|c| matches!(c, Change::RenameTable { .. }))
            .count();
    let slice = &mut changes[start..end];
    // Repeatedly move a rename whose target is another's source after that one.
    // Bounded: at most n² swaps on a handful of renames; cycles are left as is
    // and fail loudly in PostgreSQL.
    let n = slice.len();
    for _ in 0..n {
        let mut moved = false;
        for i in 0..n {
            for j in i + 1..n {
                if let (Change::RenameTable { to, .. }, Change::RenameTable { from, .. }) =
                    (&slice[i], &slice[j])
                {
                    if to == from {
                        slice.swap(i, j);
                        moved = true;
                    }
                }
            }
        }
        if !moved {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType, QualName};

    #[test]
    fn generated_columns_come_after_type_changes() {
        let t = QualName::new("app", "t");
        let mut g = Column::new("g", ColumnType::builtin("boolean"));
        g.generated = Some("(a IS NOT NULL)".into());
        let add = Change::AddColumn {
            table: t.clone(),
            column: g,
        };
        let alter = Change::AlterColumn {
            table: t,
            old: Column::new("a", ColumnType::builtin("integer")),
            new: Column::new("a", ColumnType::builtin("bigint")),
        };
        assert_eq!(
            order(vec![add.clone(), alter.clone()]),
            [alter, add.clone()]
        );
        let plain = Change::AddColumn {
            table: QualName::new("app", "t"),
            column: Column::new("a", ColumnType::builtin("integer")),
        };
        assert_eq!(order(vec![add.clone(), plain.clone()]), [plain, add]);
    }
}
