//! SQL for the object kinds beyond tables: views and materialized views,
//! and comments on them. Same conventions as [`super::ddl`]: names quoted by
//! [`super::quote_ident`], comments by [`super::quote_literal`], SQL text from the
//! declaration (view queries) inserted verbatim, but never with a `;`
//! outside literals (it would end the statement).

use super::ddl::{comment_on, index_statement};
use super::ident::{qualified, quote_ident};
use super::RenderError;
use crate::diff::{Change, CommentTarget};
use crate::model::sequences::serial_sequence;
use crate::model::sqlscan::{tokens, Tok};
use crate::model::{CheckOption, Column, QualName, Sequence, View};

/// The statements of one change of the kinds this module renders.
pub(super) fn render(change: &Change) -> Result<Vec<String>, RenderError> {
    let invalid = |reason: String| RenderError::Invalid {
        kind: change.kind(),
        subject: change.subject(),
        reason,
    };
    Ok(match change {
        Change::CreateView { view } => {
            check_sql(&view.definition).map_err(invalid)?;
            let mut out = vec![create_view(view, false)];
            for index in &view.indexes {
                out.push(index_statement(change, &view.name, index)?);
            }
            if view.comment.is_some() {
                out.push(comment_on(
                    view_keyword(view),
                    &qualified(&view.name),
                    &view.comment,
                ));
            }
            out
        }
        Change::ReplaceView { new, .. } => {
            check_sql(&new.definition).map_err(invalid)?;
            if new.materialized {
                return Err(invalid(
                    "a materialized view cannot be replaced in place".into(),
                ));
            }
            vec![create_view(new, true)]
        }
        Change::DropView { view } => {
            vec![format!(
                "DROP {} {}",
                view_keyword(view),
                qualified(&view.name)
            )]
        }
        Change::SetObjectComment { target, comment } => {
            let (what, name) = match target {
                CommentTarget::View { name } => ("VIEW", qualified(name)),
                CommentTarget::MaterializedView { name } => ("MATERIALIZED VIEW", qualified(name)),
                CommentTarget::Sequence { name } => ("SEQUENCE", qualified(name)),
            };
            vec![comment_on(what, &name, comment)]
        }
        Change::CreateSequence { sequence } => {
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
        Change::AlterSequence { new, .. } => vec![alter_sequence(new)],
        Change::SetSequenceOwner { name, owned_by } => vec![format!(
            "ALTER SEQUENCE {} OWNED BY {}",
            qualified(name),
            match owned_by {
                None => "NONE".to_string(),
                Some(o) => format!("{}.{}", qualified(&o.table), quote_ident(&o.column)),
            }
        )],
        Change::DropSequence { name } => vec![format!("DROP SEQUENCE {}", qualified(name))],
        other => {
            return Err(RenderError::Invalid {
                kind: other.kind(),
                subject: other.subject(),
                reason: "not an object change".into(),
            })
        }
    })
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

/// `ALTER SEQUENCE` to every option of `s` (defaults spelled `NO …`).
fn alter_sequence(s: &Sequence) -> String {
    format!(
        "ALTER SEQUENCE {} AS {} INCREMENT BY {} {} {} START WITH {} CACHE {} {}",
        qualified(&s.name),
        s.ty,
        s.increment,
        s.min_value
            .map_or_else(|| "NO MINVALUE".to_string(), |v| format!("MINVALUE {v}")),
        s.max_value
            .map_or_else(|| "NO MAXVALUE".to_string(), |v| format!("MAXVALUE {v}")),
        s.effective_start(),
        s.cache,
        if s.cycle { "CYCLE" } else { "NO CYCLE" }
    )
}

/// The sequence of a serial column.
fn serial_of(table: &QualName, c: &Column) -> Option<QualName> {
    if !c.serial {
        return None;
    }
    serial_sequence(c.default.as_deref()?, &table.schema)
}

/// The integer type of a serial column's sequence.
fn serial_type(c: &Column) -> String {
    super::render_type(&c.ty)
}

/// Adds the statements a serial column needs around the change's own: its
/// sequence created before the column (whose default draws from it) and
/// owned by it after; on a change of column, the sequence moved past the
/// rows already there, the old one dropped once no default uses it, or its
/// type following the column's.
pub(super) fn with_serial_sequences(change: &Change, sql: Vec<String>) -> Vec<String> {
    let (table, pairs): (&QualName, Vec<(Option<&Column>, &Column)>) = match change {
        Change::CreateTable { table } => (
            &table.name,
            table.columns.iter().map(|c| (None, c)).collect(),
        ),
        Change::AddColumn { table, column } => (table, vec![(None, column)]),
        Change::AlterColumn { table, old, new } => (table, vec![(Some(old), new)]),
        _ => return sql,
    };
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (old, new) in pairs {
        let old_seq = old.and_then(|o| serial_of(table, o));
        let new_seq = serial_of(table, new);
        let col = format!("{}.{}", qualified(table), quote_ident(&new.name));
        match (&old_seq, &new_seq) {
            (_, Some(n)) if old_seq.as_ref() != Some(n) => {
                before.push(format!(
                    "CREATE SEQUENCE {} AS {}",
                    qualified(n),
                    serial_type(new)
                ));
                after.push(format!("ALTER SEQUENCE {} OWNED BY {col}", qualified(n)));
                if old.is_some() {
                    // an existing column: start past its values
                    after.push(format!(
                        "SELECT setval({}, coalesce(max({}), 0) + 1, false) FROM {}",
                        super::quote_literal(&qualified(n)),
                        quote_ident(&new.name),
                        qualified(table)
                    ));
                }
            }
            (Some(o), Some(n)) if o == n && old.is_some_and(|o| o.ty != new.ty) => {
                after.push(format!(
                    "ALTER SEQUENCE {} AS {}",
                    qualified(n),
                    serial_type(new)
                ));
            }
            _ => {}
        }
        if let (Some(o), Some(oc)) = (&old_seq, old) {
            if new_seq.as_ref() != Some(o) && oc.default != new.default {
                after.push(format!("DROP SEQUENCE {}", qualified(o)));
            }
        }
    }
    if before.is_empty() && after.is_empty() {
        return sql;
    }
    before.extend(sql);
    before.extend(after);
    before
}

/// `VIEW` or `MATERIALIZED VIEW`.
fn view_keyword(v: &View) -> &'static str {
    if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

/// Rejects SQL text that would end the statement it is inserted in.
fn check_sql(sql: &str) -> Result<(), String> {
    if tokens(sql)
        .iter()
        .any(|t| matches!(t, Tok::Symbol(s) if s == ";"))
    {
        return Err("the query contains `;` outside literals".into());
    }
    Ok(())
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW … [WITH (…)] AS … [WITH … CHECK OPTION]`.
fn create_view(v: &View, or_replace: bool) -> String {
    let mut s = format!(
        "CREATE {}{} {}",
        if or_replace { "OR REPLACE " } else { "" },
        view_keyword(v),
        qualified(&v.name)
    );
    let mut options = Vec::new();
    if v.security_barrier {
        options.push("security_barrier = true");
    }
    if v.security_invoker {
        options.push("security_invoker = true");
    }
    if !options.is_empty() {
        s.push_str(&format!(" WITH ({})", options.join(", ")));
    }
    s.push_str(" AS ");
    s.push_str(&v.definition);
    match v.check_option {
        None => {}
        Some(CheckOption::Local) => s.push_str(" WITH LOCAL CHECK OPTION"),
        Some(CheckOption::Cascaded) => s.push_str(" WITH CASCADED CHECK OPTION"),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;
    use crate::render::render_step;

    #[test]
    fn views_render_quoted_with_options() {
        let mut v = View::new(
            QualName::new("a\"pp", "open inv"),
            "SELECT t.id FROM \"a\"\"pp\".t",
        );
        v.security_barrier = true;
        v.check_option = Some(CheckOption::Local);
        v.comment = Some("it's".into());
        let step = render_step(Change::CreateView { view: v.clone() }).unwrap();
        assert_eq!(
            step.sql,
            [
                r#"CREATE VIEW "a""pp"."open inv" WITH (security_barrier = true) AS SELECT t.id FROM "a""pp".t WITH LOCAL CHECK OPTION"#,
                r#"COMMENT ON VIEW "a""pp"."open inv" IS 'it''s'"#,
            ]
        );
        assert!(step.hazards.is_empty());
        let step = render_step(Change::DropView { view: v }).unwrap();
        assert_eq!(step.sql, [r#"DROP VIEW "a""pp"."open inv""#]);
    }

    #[test]
    fn a_semicolon_cannot_end_the_statement() {
        let v = View::new(QualName::new("app", "v"), "SELECT 1; DROP TABLE app.t");
        let e = render_step(Change::CreateView { view: v }).unwrap_err();
        assert!(e.to_string().contains("`;`"), "{e}");
        let ok = View::new(QualName::new("app", "v"), "SELECT ';' AS x");
        assert!(render_step(Change::CreateView { view: ok }).is_ok());
    }
}
