//! Rewriting the namespace of qualified names in SQL text, outside
//! literals, quoted bodies and comments (read by [`crate::sql::lex`]).
//!
//! `'draft'::billing.invoice_status` with `billing → graft_norm_x_0` becomes
//! `'draft'::graft_norm_x_0.invoice_status` when `invoice_status` is one of
//! the names being moved; `billing.uuid_generate_v4()` stays as it is when
//! that function is not. Identifiers compare as PostgreSQL does: unquoted
//! ones folded to lower case, quoted ones exactly.

use crate::sql::lex::{self, Kind, Quote};
use std::collections::{HashMap, HashSet};

/// The two parts of `ns.name` as `regclass` input reads them (quoted parts
/// unquoted, bare ones folded to lower case), with the byte offset where
/// the name part starts; `None` unless there are exactly two parts.
fn split_regclass(text: &str) -> Option<(String, String, usize)> {
    let mut parts: Vec<(String, usize)> = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut quoted = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek().map(|&(_, c)| c) == Some('"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            '"' => quoted = true,
            '.' if !quoted => {
                parts.push((std::mem::take(&mut cur), start));
                start = i + 1;
            }
            c if quoted => cur.push(c),
            c => cur.extend(c.to_lowercase()),
        }
    }
    parts.push((cur, start));
    match parts.as_slice() {
        [(ns, _), (name, at)] => Some((ns.clone(), name.clone(), *at)),
        _ => None,
    }
}

/// Replaces the qualifier of every `ns.name` whose `ns` is a key of `moves`
/// and whose `name` is in `names[ns]` by `moves[ns]` (written as given:
/// the caller quotes it if needed). A string literal that holds exactly
/// such a name (`nextval('app.t_id_seq'::regclass)`) is rewritten too: as
/// `regclass` it names the object; as any other string, the printed form
/// maps back to the same text.
pub(crate) fn requalify(
    sql: &str,
    moves: &HashMap<String, String>,
    names: &HashMap<String, HashSet<String>>,
) -> String {
    let toks = lex::tokens(sql);
    let next_solid = |from: usize| (from..toks.len()).find(|&k| !toks[k].is_trivia());
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for (k, t) in toks.iter().enumerate() {
        if t.kind == Kind::Str(Quote::Plain) {
            let raw = t.text;
            let inner = raw
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .map(|r| r.replace("''", "'"));
            let moved = inner
                .as_deref()
                .and_then(split_regclass)
                .and_then(|(ns, name, at)| {
                    let to = moves.get(&ns)?;
                    names.get(&ns).filter(|n| n.contains(&name))?;
                    let inner = inner.as_deref().unwrap_or_default();
                    Some(format!("'{}.{}'", to, inner[at..].replace('\'', "''")))
                });
            if let Some(lit) = moved {
                out.push_str(&sql[copied..t.start]);
                out.push_str(&lit);
                copied = t.end();
            }
            continue;
        }
        if !t.is_name() {
            continue;
        }
        // not itself the second part of a qualified name
        let prev = (0..k).rev().find(|&p| !toks[p].is_trivia());
        if prev.is_some_and(|p| toks[p].kind == Kind::Dot) {
            continue;
        }
        let Some(dot) = next_solid(k + 1).filter(|&d| toks[d].kind == Kind::Dot) else {
            continue;
        };
        let Some(name) = next_solid(dot + 1).filter(|&n| toks[n].is_name()) else {
            continue;
        };
        let Some(ns) = t.name() else { continue };
        let Some(to) = moves.get(&ns) else { continue };
        let Some(object) = toks[name].name() else {
            continue;
        };
        if !names.get(&ns).is_some_and(|n| n.contains(&object)) {
            continue;
        }
        out.push_str(&sql[copied..t.start]);
        out.push_str(to);
        copied = t.end();
    }
    out.push_str(&sql[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> String {
        let moves: HashMap<String, String> = [
            ("billing".to_string(), "shadow_0".to_string()),
            ("my ns".to_string(), "shadow_1".to_string()),
        ]
        .into();
        let names: HashMap<String, HashSet<String>> = [
            (
                "billing".to_string(),
                ["invoice_status", "invoices", "Mixed"]
                    .map(String::from)
                    .into(),
            ),
            ("my ns".to_string(), ["t"].map(String::from).into()),
        ]
        .into();
        requalify(sql, &moves, &names)
    }

    #[test]
    fn moves_declared_names_only() {
        assert_eq!(
            run("'draft'::billing.invoice_status"),
            "'draft'::shadow_0.invoice_status"
        );
        assert_eq!(
            run("'draft'::BILLING . Invoice_Status"),
            "'draft'::shadow_0 . Invoice_Status"
        );
        assert_eq!(
            run("billing.uuid_generate_v4()"),
            "billing.uuid_generate_v4()"
        );
        assert_eq!(run("\"my ns\".\"t\".a"), "shadow_1.\"t\".a");
        assert_eq!(run("\"billing\".\"Mixed\""), "shadow_0.\"Mixed\"");
        assert_eq!(run("billing.mixed"), "billing.mixed", "folds to mixed");
        // a column qualified by a table that is called like a namespace
        assert_eq!(run("x.billing.invoices"), "x.billing.invoices");
    }

    #[test]
    fn leaves_comments_and_bodies_alone_and_moves_names_in_literals() {
        assert_eq!(
            run("nextval('billing.invoices'::regclass)"),
            "nextval('shadow_0.invoices'::regclass)"
        );
        assert_eq!(
            run("nextval('\"my ns\".\"t\"'::regclass)"),
            "nextval('shadow_1.\"t\"'::regclass)"
        );
        assert_eq!(run("'BILLING.Invoices'"), "'shadow_0.Invoices'");
        for sql in [
            "'billing.invoices.x'",
            "'billing.other'",
            "'billing'",
            "E'it\\'s billing.invoices'",
            "$$billing.invoices$$",
            "$f$ billing.invoices $f$",
            "-- billing.invoices\n1",
            "/* billing.invoices /* nested */ billing.invoices */ 1",
            "\"billing.invoices\"",
        ] {
            assert_eq!(run(sql), sql);
        }
        assert_eq!(
            run("'a''b' || billing.invoices.x"),
            "'a''b' || shadow_0.invoices.x"
        );
        assert_eq!(run("1.5 + billing.invoices"), "1.5 + shadow_0.invoices");
    }
}
