//! Standalone sequences, paired by name. Options change in place (`ALTER
//! SEQUENCE` keeps the current value); the owner is detached early and
//! attached late (see [`SequenceChange::SetOwner`](crate::diff::SequenceChange::SetOwner)); a dropped sequence that
//! has an owner is detached first, so that dropping its table or column in
//! the same plan does not drop it before its own step.

use super::change::CommentTarget;
use super::Change;
use crate::diff::{CommentChange, SequenceChange};
use crate::model::{QualName, Schema, Sequence};
use std::collections::BTreeMap;

/// Pushes the sequence changes.
pub(super) fn push_sequences(old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    let olds: BTreeMap<&QualName, &Sequence> = old.sequences.iter().map(|s| (&s.name, s)).collect();
    let news: BTreeMap<&QualName, &Sequence> = new.sequences.iter().map(|s| (&s.name, s)).collect();
    for (name, o) in &olds {
        if news.contains_key(name) {
            continue;
        }
        if o.owned_by.is_some() {
            out.push(Change::Sequence(SequenceChange::SetOwner {
                name: o.name.clone(),
                owned_by: None,
            }));
        }
        out.push(Change::Sequence(SequenceChange::Drop {
            name: o.name.clone(),
        }));
    }
    for (name, n) in &news {
        let Some(o) = olds.get(name) else {
            let mut bare = (*n).clone();
            bare.owned_by = None;
            out.push(Change::Sequence(SequenceChange::Create { sequence: bare }));
            if n.owned_by.is_some() {
                out.push(Change::Sequence(SequenceChange::SetOwner {
                    name: n.name.clone(),
                    owned_by: n.owned_by.clone(),
                }));
            }
            continue;
        };
        let options = |s: &Sequence| Sequence {
            owned_by: None,
            comment: None,
            ..s.clone()
        };
        if options(o) != options(n) {
            out.push(Change::Sequence(SequenceChange::Alter {
                old: options(o),
                new: options(n),
            }));
        }
        if o.owned_by != n.owned_by {
            if o.owned_by.is_some() {
                out.push(Change::Sequence(SequenceChange::SetOwner {
                    name: n.name.clone(),
                    owned_by: None,
                }));
            }
            if n.owned_by.is_some() {
                out.push(Change::Sequence(SequenceChange::SetOwner {
                    name: n.name.clone(),
                    owned_by: n.owned_by.clone(),
                }));
            }
        }
        if o.comment != n.comment {
            out.push(Change::Comment(CommentChange::Set {
                target: CommentTarget::Sequence {
                    name: n.name.clone(),
                },
                comment: n.comment.clone(),
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::model::{Column, ColumnType, QualName, Schema, Sequence, SequenceOwner, Table};

    fn schema(seqs: Vec<Sequence>, with_table: bool) -> Schema {
        let mut s = Schema {
            namespaces: vec!["app".into()],
            sequences: seqs,
            ..Schema::default()
        };
        if with_table {
            let mut t = Table::new(QualName::new("app", "t"));
            t.columns
                .push(Column::new("n", ColumnType::builtin("bigint")));
            s.tables.push(t);
        }
        s.normalize();
        s
    }

    #[test]
    fn an_owned_sequence_is_detached_before_its_table_goes() {
        let mut seq = Sequence::new(QualName::new("app", "s"));
        seq.owned_by = Some(SequenceOwner {
            table: QualName::new("app", "t"),
            column: "n".into(),
        });
        let old = schema(vec![seq.clone()], true);
        let new = schema(vec![], false);
        let plan = crate::plan::order::order(diff(&old, &new));
        let kinds: Vec<&str> = plan.iter().map(|c| c.kind()).collect();
        assert_eq!(kinds, ["SetSequenceOwner", "DropTable", "DropSequence"]);
        // created: the sequence first, its owner once the table exists
        let plan = crate::plan::order::order(diff(&new, &old));
        let kinds: Vec<&str> = plan.iter().map(|c| c.kind()).collect();
        assert_eq!(kinds, ["CreateSequence", "CreateTable", "SetSequenceOwner"]);
        // options change in place
        let mut up = seq.clone();
        up.increment = 5;
        up.cycle = true;
        let kinds: Vec<String> = diff(&old, &schema(vec![up], true))
            .iter()
            .map(|c| c.kind().to_string())
            .collect();
        assert_eq!(kinds, ["AlterSequence"]);
    }
}
