//! Standalone sequences: created, altered, attached to or detached from
//! an owner, dropped.

use super::parts::comment_on;
use crate::diff::SequenceChange;
use crate::model::Sequence;
use crate::sql::{qualified, quote_ident};

/// The statements of a change to a sequence.
pub(super) fn render(c: &SequenceChange) -> Vec<String> {
    match c {
        SequenceChange::Create { sequence } => {
            let mut out = vec![create_sequence(sequence)];
            if sequence.comment.is_some() {
                out.push(comment_on(
                    "SEQUENCE",
                    &qualified(&sequence.name),
                    &sequence.comment,
                ));
            }
            out
        }
        SequenceChange::Alter { old, new } => vec![alter_sequence(old, new)],
        SequenceChange::SetOwner { name, owned_by } => vec![format!(
            "ALTER SEQUENCE {} OWNED BY {}",
            qualified(name),
            match owned_by {
                None => "NONE".to_string(),
                Some(o) => format!("{}.{}", qualified(&o.table), quote_ident(&o.column)),
            }
        )],
        SequenceChange::Drop { name } => vec![format!("DROP SEQUENCE {}", qualified(name))],
    }
}

/// `CREATE SEQUENCE` with the options that differ from the defaults.
fn create_sequence(s: &Sequence) -> String {
    let mut out = format!("CREATE SEQUENCE {}", qualified(&s.name));
    if s.ty != "bigint" {
        out.push_str(&format!(" AS {}", s.ty));
    }
    if s.increment != 1 {
        out.push_str(&format!(" INCREMENT BY {}", s.increment));
    }
    if let Some(v) = s.min_value {
        out.push_str(&format!(" MINVALUE {v}"));
    }
    if let Some(v) = s.max_value {
        out.push_str(&format!(" MAXVALUE {v}"));
    }
    if let Some(v) = s.start {
        out.push_str(&format!(" START WITH {v}"));
    }
    if s.cache != 1 {
        out.push_str(&format!(" CACHE {}", s.cache));
    }
    if s.cycle {
        out.push_str(" CYCLE");
    }
    out
}

/// `ALTER SEQUENCE` to every option of `s`, the bounds spelled out:
/// PostgreSQL resolves `NO MINVALUE` / `NO MAXVALUE` against the old
/// direction, and `AS` resets bounds that were the old type's (even to the
/// same type), so `AS` is written only when the type changes. When the new
/// range does not hold the old one, the current value may fall outside it
/// and PostgreSQL would refuse: the sequence `RESTART`s at its new start.
fn alter_sequence(old: &Sequence, s: &Sequence) -> String {
    let mut out = format!("ALTER SEQUENCE {}", qualified(&s.name));
    if old.ty != s.ty {
        out.push_str(&format!(" AS {}", s.ty));
    }
    out.push_str(&format!(
        " INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}",
        s.increment,
        s.effective_min(),
        s.effective_max(),
        s.effective_start(),
        s.cache,
        if s.cycle { "CYCLE" } else { "NO CYCLE" }
    ));
    if !s.keeps_values_of(old) {
        out.push_str(" RESTART");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, SequenceChange};
    use crate::model::QualName;
    use crate::render::render_step;

    #[test]
    fn a_narrower_sequence_restarts() {
        let old = Sequence::new(QualName::new("app", "s"));
        let mut new = old.clone();
        new.increment = -1;
        new.normalize();
        let step = render_step(Change::Sequence(SequenceChange::Alter {
            old: old.clone(),
            new,
        }))
        .unwrap();
        assert_eq!(
            step.sql,
            [
                r#"ALTER SEQUENCE "app"."s" INCREMENT BY -1 MINVALUE -9223372036854775808 MAXVALUE -1 START WITH -1 CACHE 1 NO CYCLE RESTART"#
            ]
        );
        assert!(step.is_destructive());
        let mut wider = old.clone();
        wider.cache = 10;
        let step =
            render_step(Change::Sequence(SequenceChange::Alter { old, new: wider })).unwrap();
        assert!(!step.sql[0].contains("RESTART") && !step.is_destructive());
    }
}
