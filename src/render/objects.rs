//! SQL for the object kinds beyond tables: views and materialized views,
//! and comments on them. Same conventions as [`super::ddl`]: names quoted by
//! [`super::quote_ident`], comments by [`super::quote_literal`], SQL text from the
//! declaration (view queries) inserted verbatim, but never with a `;`
//! outside literals (it would end the statement).

use super::ddl::{comment_on, index_statement};
use super::RenderError;
use crate::diff::{Change, CommentTarget};
use crate::model::functions::is_name_list_setting;
use crate::model::sequences::serial_sequence;
use crate::model::{
    ArgMode, CheckOption, Column, ColumnType, Function, FunctionKind, Parallel, QualName, Returns,
    Sequence, Trigger, TriggerEnabled, TriggerEvent, TriggerTiming, View, Volatility,
};
use crate::sql::{qualified, quote_ident};

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
                CommentTarget::Function {
                    name,
                    args,
                    procedure,
                } => (
                    if *procedure { "PROCEDURE" } else { "FUNCTION" },
                    signature(name, args.iter()),
                ),
                CommentTarget::Trigger { table, name } => (
                    "TRIGGER",
                    format!("{} ON {}", quote_ident(name), qualified(table)),
                ),
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
        Change::AlterSequence { old, new } => vec![alter_sequence(old, new)],
        Change::SetSequenceOwner { name, owned_by } => vec![format!(
            "ALTER SEQUENCE {} OWNED BY {}",
            qualified(name),
            match owned_by {
                None => "NONE".to_string(),
                Some(o) => format!("{}.{}", qualified(&o.table), quote_ident(&o.column)),
            }
        )],
        Change::DropSequence { name } => vec![format!("DROP SEQUENCE {}", qualified(name))],
        Change::CreateFunction { function } => {
            let mut out = vec![create_function(function, false).map_err(invalid)?];
            if function.comment.is_some() {
                out.push(function_comment(function));
            }
            out
        }
        Change::ReplaceFunction { new, .. } => vec![create_function(new, true).map_err(invalid)?],
        Change::RecreateFunction { old, new, defaults } => {
            let mut out = Vec::new();
            for d in defaults {
                out.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                    qualified(&d.table),
                    quote_ident(&d.column)
                ));
            }
            out.push(drop_function(old));
            out.push(create_function(new, false).map_err(invalid)?);
            if new.comment.is_some() {
                out.push(function_comment(new));
            }
            for d in defaults {
                out.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}",
                    qualified(&d.table),
                    quote_ident(&d.column),
                    d.default
                ));
            }
            out
        }
        Change::DropFunction { function } => vec![drop_function(function)],
        Change::CreateTrigger { trigger } => {
            let mut out = vec![create_trigger(trigger, false).map_err(invalid)?];
            if !trigger.enabled.is_default() {
                out.push(trigger_enabled(
                    &trigger.table,
                    &trigger.name,
                    trigger.enabled,
                ));
            }
            if trigger.comment.is_some() {
                out.push(comment_on(
                    "TRIGGER",
                    &format!(
                        "{} ON {}",
                        quote_ident(&trigger.name),
                        qualified(&trigger.table)
                    ),
                    &trigger.comment,
                ));
            }
            out
        }
        Change::ReplaceTrigger { new, .. } => {
            // CREATE OR REPLACE TRIGGER enables the trigger again
            let mut out = vec![create_trigger(new, true).map_err(invalid)?];
            if !new.enabled.is_default() {
                out.push(trigger_enabled(&new.table, &new.name, new.enabled));
            }
            out
        }
        Change::DropTrigger { trigger } => vec![format!(
            "DROP TRIGGER {} ON {}",
            quote_ident(&trigger.name),
            qualified(&trigger.table)
        )],
        Change::SetTriggerEnabled {
            table,
            name,
            enabled,
        } => vec![trigger_enabled(table, name, *enabled)],
        other => {
            return Err(RenderError::Invalid {
                kind: other.kind(),
                subject: other.subject(),
                reason: "not an object change".into(),
            })
        }
    })
}

/// `"app"."f"(integer, text)`: a function by its identity.
fn signature<'a>(name: &QualName, types: impl Iterator<Item = &'a ColumnType>) -> String {
    let t: Vec<String> = types.map(super::render_type).collect();
    format!("{}({})", qualified(name), t.join(", "))
}

fn function_keyword(f: &Function) -> &'static str {
    match f.kind {
        FunctionKind::Function => "FUNCTION",
        FunctionKind::Procedure => "PROCEDURE",
    }
}

fn function_comment(f: &Function) -> String {
    comment_on(
        function_keyword(f),
        &signature(&f.name, f.identity_types().into_iter()),
        &f.comment,
    )
}

fn drop_function(f: &Function) -> String {
    format!(
        "DROP {} {}",
        function_keyword(f),
        signature(&f.name, f.identity_types().into_iter())
    )
}

/// A dollar quote tag that does not occur in `body` (nor across its end):
/// `$function$`, then `$function1$`, ….
fn dollar_tag(body: &str) -> String {
    let mut n = 0usize;
    loop {
        let tag = if n == 0 {
            "$function$".to_string()
        } else {
            format!("$function{n}$")
        };
        // not in the body, nor made by its end and the closing tag
        if format!("{body}{tag}").find(&tag) == Some(body.len()) {
            return tag;
        }
        n += 1;
    }
}

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE …`, every attribute spelled out
/// (a replace sets them all).
fn create_function(f: &Function, or_replace: bool) -> Result<String, String> {
    let mut args = Vec::with_capacity(f.args.len());
    for a in &f.args {
        let mut s = String::new();
        match a.mode {
            ArgMode::In => {}
            ArgMode::Out => s.push_str("OUT "),
            ArgMode::InOut => s.push_str("INOUT "),
            ArgMode::Variadic => s.push_str("VARIADIC "),
        }
        if let Some(n) = &a.name {
            s.push_str(&quote_ident(n));
            s.push(' ');
        }
        s.push_str(&super::render_type(&a.ty));
        if let Some(d) = &a.default {
            check_sql(d)?;
            s.push_str(" DEFAULT ");
            s.push_str(d);
        }
        args.push(s);
    }
    let mut out = format!(
        "CREATE {}{} {}({})",
        if or_replace { "OR REPLACE " } else { "" },
        function_keyword(f),
        qualified(&f.name),
        args.join(", ")
    );
    match &f.returns {
        None => {}
        Some(Returns::Type { ty, setof }) => {
            out.push_str(" RETURNS ");
            if *setof {
                out.push_str("SETOF ");
            }
            out.push_str(&super::render_type(ty));
        }
        Some(Returns::Table { columns }) => {
            let cols: Vec<String> = columns
                .iter()
                .map(|c| format!("{} {}", quote_ident(&c.name), super::render_type(&c.ty)))
                .collect();
            out.push_str(&format!(" RETURNS TABLE ({})", cols.join(", ")));
        }
    }
    out.push_str(&format!(" LANGUAGE {}", quote_ident(&f.language)));
    if f.kind == FunctionKind::Function {
        out.push_str(match f.volatility {
            Volatility::Volatile => " VOLATILE",
            Volatility::Stable => " STABLE",
            Volatility::Immutable => " IMMUTABLE",
        });
        if f.strict {
            out.push_str(" STRICT");
        }
        if f.leakproof {
            out.push_str(" LEAKPROOF");
        }
        out.push_str(match f.parallel {
            Parallel::Unsafe => " PARALLEL UNSAFE",
            Parallel::Restricted => " PARALLEL RESTRICTED",
            Parallel::Safe => " PARALLEL SAFE",
        });
    }
    if f.security_definer {
        out.push_str(" SECURITY DEFINER");
    }
    for s in &f.config {
        let name_ok = !s.name.is_empty()
            && s.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
        if !name_ok {
            return Err(format!("`{}` is not a parameter name", s.name));
        }
        let value = match crate::model::functions::setting_names(&s.value) {
            Some(names) if is_name_list_setting(&s.name) => names
                .iter()
                .map(|n| quote_ident(n))
                .collect::<Vec<_>>()
                .join(", "),
            _ => super::quote_literal(&s.value),
        };
        out.push_str(&format!(" SET {} TO {value}", s.name));
    }
    if f.sql_body {
        if f.body.to_lowercase().starts_with("return") {
            check_sql(&f.body)?;
        }
        out.push(' ');
        out.push_str(&f.body);
    } else {
        let tag = dollar_tag(&f.body);
        out.push_str(&format!(" AS {tag}{}{tag}", f.body));
    }
    Ok(out)
}

/// `CREATE [OR REPLACE] TRIGGER …`.
fn create_trigger(t: &Trigger, or_replace: bool) -> Result<String, String> {
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Insert => "INSERT".to_string(),
            TriggerEvent::Delete => "DELETE".to_string(),
            TriggerEvent::Truncate => "TRUNCATE".to_string(),
            TriggerEvent::Update if t.update_of.is_empty() => "UPDATE".to_string(),
            TriggerEvent::Update => format!(
                "UPDATE OF {}",
                t.update_of
                    .iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    if events.is_empty() {
        return Err("a trigger needs an event".into());
    }
    let mut s = format!(
        "CREATE {}TRIGGER {} {} {} ON {}",
        if or_replace { "OR REPLACE " } else { "" },
        quote_ident(&t.name),
        match t.timing {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        },
        events.join(" OR "),
        qualified(&t.table)
    );
    if t.old_table.is_some() || t.new_table.is_some() {
        s.push_str(" REFERENCING");
        if let Some(o) = &t.old_table {
            s.push_str(&format!(" OLD TABLE AS {}", quote_ident(o)));
        }
        if let Some(n) = &t.new_table {
            s.push_str(&format!(" NEW TABLE AS {}", quote_ident(n)));
        }
    }
    s.push_str(if t.for_each_row {
        " FOR EACH ROW"
    } else {
        " FOR EACH STATEMENT"
    });
    if let Some(w) = &t.when {
        check_sql(w)?;
        s.push_str(&format!(" WHEN ({w})"));
    }
    let args: Vec<String> = t.args.iter().map(|a| super::quote_literal(a)).collect();
    s.push_str(&format!(
        " EXECUTE FUNCTION {}({})",
        qualified(&t.function),
        args.join(", ")
    ));
    Ok(s)
}

fn trigger_enabled(table: &QualName, name: &str, enabled: TriggerEnabled) -> String {
    format!(
        "ALTER TABLE {} {} TRIGGER {}",
        qualified(table),
        match enabled {
            TriggerEnabled::Origin => "ENABLE",
            TriggerEnabled::Always => "ENABLE ALWAYS",
            TriggerEnabled::Replica => "ENABLE REPLICA",
            TriggerEnabled::Disabled => "DISABLE",
        },
        quote_ident(name)
    )
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
    fn functions_quote_names_and_pick_a_free_dollar_tag() {
        use crate::model::{FunctionArg, FunctionSetting, Returns};
        let mut f = Function::new(
            QualName::new("a\"pp", "f; x"),
            Some(Returns::Type {
                ty: ColumnType::builtin("integer"),
                setof: true,
            }),
            "plpgsql",
            "BEGIN RETURN QUERY SELECT 1; END -- $function$",
        );
        f.args = vec![FunctionArg {
            mode: ArgMode::InOut,
            name: Some("A b".into()),
            ty: ColumnType::builtin("text"),
            default: Some("'x'::text".into()),
        }];
        f.config = vec![FunctionSetting {
            name: "search_path".into(),
            value: "\"a\"\"pp\", pg_catalog".into(),
        }];
        let step = render_step(Change::CreateFunction {
            function: f.clone(),
        })
        .unwrap();
        assert_eq!(
            step.sql,
            [
                r#"CREATE FUNCTION "a""pp"."f; x"(INOUT "A b" text DEFAULT 'x'::text) RETURNS SETOF integer LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE SET search_path TO "a""pp", "pg_catalog" AS $function1$BEGIN RETURN QUERY SELECT 1; END -- $function$$function1$"#
            ]
        );
        let step = render_step(Change::DropFunction { function: f }).unwrap();
        assert_eq!(step.sql, [r#"DROP FUNCTION "a""pp"."f; x"(text)"#]);
        assert!(step.hazards.is_empty());
        assert_eq!(dollar_tag("x $function"), "$function1$");
    }

    #[test]
    fn a_narrower_sequence_restarts() {
        let old = Sequence::new(QualName::new("app", "s"));
        let mut new = old.clone();
        new.increment = -1;
        new.normalize();
        let step = render_step(Change::AlterSequence {
            old: old.clone(),
            new,
        })
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
        let step = render_step(Change::AlterSequence { old, new: wider }).unwrap();
        assert!(!step.sql[0].contains("RESTART") && !step.is_destructive());
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
