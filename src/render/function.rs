//! Functions and procedures: created, replaced in place, recreated (with
//! the defaults that call them), dropped.

use super::parts::{comment_on, Renderer};
use super::view::check_sql;
use super::RenderError;
use crate::diff::FunctionChange;
use crate::model::functions::is_name_list_setting;
use crate::model::{
    ArgMode, ColumnType, Function, FunctionKind, Parallel, QualName, Returns, Volatility,
};
use crate::sql::{qualified, quote_ident};

/// The statements of a change to a function or procedure.
pub(super) fn render(r: &Renderer, c: &FunctionChange) -> Result<Vec<String>, RenderError> {
    let invalid = |reason: String| r.invalid(reason);
    Ok(match c {
        FunctionChange::Create { function } => {
            let mut out = vec![create_function(function, false).map_err(invalid)?];
            if function.comment.is_some() {
                out.push(function_comment(function));
            }
            out
        }
        FunctionChange::Replace { new, .. } => vec![create_function(new, true).map_err(invalid)?],
        FunctionChange::Recreate { old, new, defaults } => {
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
        FunctionChange::Drop { function } => vec![drop_function(function)],
    })
}

/// `"app"."f"(integer, text)`: a function by its identity.
pub(super) fn signature<'a>(
    name: &QualName,
    types: impl Iterator<Item = &'a ColumnType>,
) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, FunctionChange};
    use crate::render::render_step;

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
        let step = render_step(Change::Function(FunctionChange::Create {
            function: f.clone(),
        }))
        .unwrap();
        assert_eq!(
            step.sql,
            [
                r#"CREATE FUNCTION "a""pp"."f; x"(INOUT "A b" text DEFAULT 'x'::text) RETURNS SETOF integer LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE SET search_path TO "a""pp", "pg_catalog" AS $function1$BEGIN RETURN QUERY SELECT 1; END -- $function$$function1$"#
            ]
        );
        let step = render_step(Change::Function(FunctionChange::Drop { function: f })).unwrap();
        assert_eq!(step.sql, [r#"DROP FUNCTION "a""pp"."f; x"(text)"#]);
        assert!(step.hazards.is_empty());
        assert_eq!(dollar_tag("x $function"), "$function1$");
    }
}
