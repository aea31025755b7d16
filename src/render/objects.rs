//! SQL for the object kinds beyond tables: views and materialized views,
//! and comments on them. Same conventions as [`super::ddl`]: names quoted by
//! [`super::quote_ident`], comments by [`super::quote_literal`], SQL text from the
//! declaration (view queries) inserted verbatim, but never with a `;`
//! outside literals (it would end the statement).

use super::ddl::{comment_on, index_statement};
use super::ident::qualified;
use super::RenderError;
use crate::diff::{Change, CommentTarget};
use crate::model::sqlscan::{tokens, Tok};
use crate::model::{CheckOption, View};

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
            };
            vec![comment_on(what, &name, comment)]
        }
        other => {
            return Err(RenderError::Invalid {
                kind: other.kind(),
                subject: other.subject(),
                reason: "not an object change".into(),
            })
        }
    })
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
