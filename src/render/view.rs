//! Views and materialized views (with their indexes and comment):
//! created, replaced in place, dropped. The query is inserted verbatim,
//! but never with a `;` outside literals (it would end the statement).

use super::index::create_index;
use super::parts::{comment_on, Renderer};
use super::RenderError;
use crate::diff::ViewChange;
use crate::model::{CheckOption, View};
use crate::sql::qualified;

/// The statements of a change to a view.
pub(super) fn render(r: &Renderer, c: &ViewChange) -> Result<Vec<String>, RenderError> {
    Ok(match c {
        ViewChange::Create { view } => {
            check_sql(&view.definition).map_err(|e| r.invalid(e))?;
            let mut out = vec![create_view(view, false)];
            for index in &view.indexes {
                out.push(create_index(r, &view.name, index)?);
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
        ViewChange::Replace { new, .. } => {
            check_sql(&new.definition).map_err(|e| r.invalid(e))?;
            if new.materialized {
                return Err(r.invalid("a materialized view cannot be replaced in place"));
            }
            vec![create_view(new, true)]
        }
        ViewChange::Drop { view } => vec![format!(
            "DROP {} {}",
            view_keyword(view),
            qualified(&view.name)
        )],
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
pub(super) fn check_sql(sql: &str) -> Result<(), String> {
    if crate::sql::lex::solid(sql)
        .iter()
        .any(|t| t.kind == crate::sql::lex::Kind::Semicolon)
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
    use crate::diff::{Change, ViewChange};
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
        let step = render_step(Change::View(ViewChange::Create { view: v.clone() })).unwrap();
        assert_eq!(
            step.sql,
            [
                r#"CREATE VIEW "a""pp"."open inv" WITH (security_barrier = true) AS SELECT t.id FROM "a""pp".t WITH LOCAL CHECK OPTION"#,
                r#"COMMENT ON VIEW "a""pp"."open inv" IS 'it''s'"#,
            ]
        );
        assert!(step.hazards.is_empty());
        let step = render_step(Change::View(ViewChange::Drop { view: v })).unwrap();
        assert_eq!(step.sql, [r#"DROP VIEW "a""pp"."open inv""#]);
    }

    #[test]
    fn a_semicolon_cannot_end_the_statement() {
        let v = View::new(QualName::new("app", "v"), "SELECT 1; DROP TABLE app.t");
        let e = render_step(Change::View(ViewChange::Create { view: v })).unwrap_err();
        assert!(e.to_string().contains("`;`"), "{e}");
        let ok = View::new(QualName::new("app", "v"), "SELECT ';' AS x");
        assert!(render_step(Change::View(ViewChange::Create { view: ok })).is_ok());
    }
}
