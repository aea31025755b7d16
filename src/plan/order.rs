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

use crate::diff::Change;

/// The layer of a change; lower runs first.
pub fn rank(change: &Change) -> u8 {
    match change {
        Change::CreateNamespace { .. } => 0,
        Change::CreateExtension { .. } => 1,
        Change::CreateEnum { .. } | Change::AddEnumValue { .. } | Change::RecreateEnum { .. } => 2,
        Change::DropForeignKey { .. } => 3,
        Change::DropIndex { .. } | Change::DropCheck { .. } | Change::DropUnique { .. } => 4,
        Change::DropPrimaryKey { .. } => 5,
        // Dropping tables and columns early frees their names for renames.
        Change::DropTable { .. } => 6,
        Change::DropColumn { .. } => 7,
        Change::RenameTable { .. } => 8,
        Change::RenameColumn { .. } => 9,
        Change::CreateTable { .. } => 10,
        Change::AddColumn { .. } => 11,
        Change::AlterColumn { .. } => 12,
        Change::AddPrimaryKey { .. } => 13,
        Change::AddUnique { .. } => 14,
        Change::AddCheck { .. } => 15,
        Change::CreateIndex { .. } => 16,
        Change::AddForeignKey { .. } => 17,
        Change::SetTableComment { .. } | Change::SetColumnComment { .. } => 18,
        Change::DropEnum { .. } => 19,
        Change::DropExtension { .. } => 20,
        Change::DropNamespace { .. } => 21,
    }
}

/// Orders changes for execution (stable: ties keep their input order), and
/// orders renames within their layer so that a rename into a name another
/// rename frees runs after it.
pub fn order(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by_key(rank);
    order_renames(&mut changes);
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
