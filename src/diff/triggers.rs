//! Triggers, paired by table (followed through table renames) and name.
//!
//! A changed trigger is replaced in place (`CREATE OR REPLACE TRIGGER`); one
//! whose view is recreated, whose function is recreated or dropped, or that
//! names a column that is dropped or changes type (in `UPDATE OF` or its
//! condition) is dropped first and created again after. Its enabled state
//! and comment change on their own (a replace sets the state again:
//! `CREATE OR REPLACE TRIGGER` enables the trigger).

use super::change::CommentTarget;
use super::views::Breaks;
use super::Change;
use crate::diff::{CommentChange, TableChange, TriggerChange, ViewChange};
use crate::model::{QualName, Schema, Trigger, TriggerEnabled};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Pushes the trigger changes; `out` holds everything else so far.
pub(super) fn push_triggers(
    old: &Schema,
    new: &Schema,
    gone_functions: &HashSet<QualName>,
    out: &mut Vec<Change>,
) {
    if old.triggers.is_empty() && new.triggers.is_empty() {
        return;
    }
    let renamed: HashMap<&QualName, &QualName> = out
        .iter()
        .filter_map(|c| match c {
            Change::Table(TableChange::Rename { from, to }) => Some((from, to)),
            _ => None,
        })
        .collect();
    let recreated_views: HashSet<&QualName> = out
        .iter()
        .filter_map(|c| match c {
            Change::View(ViewChange::Drop { view }) => Some(&view.name),
            _ => None,
        })
        .collect();
    let breaks = Breaks::from_changes(out);
    let key = |t: &Trigger, follow: bool| {
        let table = if follow {
            renamed
                .get(&t.table)
                .map_or(t.table.clone(), |n| (*n).clone())
        } else {
            t.table.clone()
        };
        (table, t.name.clone())
    };
    let olds: BTreeMap<(QualName, String), &Trigger> =
        old.triggers.iter().map(|t| (key(t, true), t)).collect();
    let news: BTreeMap<(QualName, String), &Trigger> =
        new.triggers.iter().map(|t| (key(t, false), t)).collect();
    let mut changes = Vec::new();
    for (k, o) in &olds {
        if !news.contains_key(k) {
            changes.push(Change::Trigger(TriggerChange::Drop {
                trigger: (*o).clone(),
            }));
        }
    }
    for (k, n) in &news {
        let Some(o) = olds.get(k) else {
            changes.push(Change::Trigger(TriggerChange::Create {
                trigger: (*n).clone(),
            }));
            continue;
        };
        let reads: BTreeSet<QualName> = [o.table.clone()].into();
        let broken = recreated_views.contains(&o.table)
            || gone_functions.contains(&o.function)
            || breaks.breaks_columns(&o.table, &o.update_of)
            || o.when.as_deref().is_some_and(|w| breaks.breaks(w, &reads));
        if broken {
            changes.push(Change::Trigger(TriggerChange::Drop {
                trigger: (*o).clone(),
            }));
            changes.push(Change::Trigger(TriggerChange::Create {
                trigger: (*n).clone(),
            }));
            continue;
        }
        let core = |t: &Trigger| Trigger {
            table: n.table.clone(),
            enabled: TriggerEnabled::Origin,
            comment: None,
            ..t.clone()
        };
        let replaced = core(o) != core(n);
        if replaced {
            // sets the enabled state too
            changes.push(Change::Trigger(TriggerChange::Replace {
                old: (*o).clone(),
                new: (*n).clone(),
            }));
        } else if o.enabled != n.enabled {
            changes.push(Change::Trigger(TriggerChange::SetEnabled {
                table: n.table.clone(),
                name: n.name.clone(),
                enabled: n.enabled,
            }));
        }
        if o.comment != n.comment {
            changes.push(Change::Comment(CommentChange::Set {
                target: CommentTarget::Trigger {
                    table: n.table.clone(),
                    name: n.name.clone(),
                },
                comment: n.comment.clone(),
            }));
        }
    }
    out.extend(changes);
}
