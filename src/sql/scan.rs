//! A light SQL scanner for what graft must know about SQL text it does not
//! parse: which relations and functions a view definition, a function body
//! or an expression names (to order objects that read each other), whether
//! it mentions a column, and the select list of a query (to know whether
//! `CREATE OR REPLACE VIEW` can keep a view's columns).
//!
//! It reads the tokens of [`super::lex`]: unquoted identifiers fold to
//! lower case, `"…"` identifiers keep their case with `""` unescaped,
//! string literals and comments are skipped. It never fails: when unsure it
//! over-reports names (an extra ordering edge is harmless; a missed one is
//! not).

use super::lex::{self, Kind, Token};
use super::name::QualName;
use std::collections::BTreeSet;

/// Whether the token is a bare keyword that cannot be a name unquoted.
fn is_bare_keyword(t: &Token) -> bool {
    t.kind == Kind::Ident && super::printed::is_quoted_keyword(&t.text.to_lowercase())
}

/// Dotted name chains with their positions: `a.b.c` → (start, end, [a, b, c]).
fn chains(toks: &[Token]) -> Vec<(usize, usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(first) = toks[i].name() else {
            i += 1;
            continue;
        };
        // a field after `.` (e.g. `(x).y`) or a `*` chain is not a start
        if i > 0 && toks[i - 1].kind == Kind::Dot {
            i += 1;
            continue;
        }
        let start = i;
        let mut parts = vec![first];
        let mut j = i + 1;
        while j + 1 < toks.len() && toks[j].kind == Kind::Dot {
            match toks[j + 1].name() {
                Some(p) => {
                    parts.push(p);
                    j += 2;
                }
                None => break,
            }
        }
        out.push((start, j, parts));
        i = j;
    }
    out
}

/// Whether the chain at `start` is a type (after `::`) or an alias (after `AS`).
fn not_a_reference(toks: &[Token], start: usize) -> bool {
    start > 0 && (toks[start - 1].kind == Kind::Cast || toks[start - 1].is_keyword("as"))
}

/// Whether the token at `i` is `(`.
fn opens(toks: &[Token], i: usize) -> bool {
    toks.get(i).is_some_and(|t| t.kind == Kind::LParen)
}

/// Names in `sql` that may be relations: `schema.name` (and the first two
/// parts of `schema.name.column`), and bare names taken to be in
/// `default_schema` (not keywords such as `select`, which need quotes to be
/// names). Not function calls, types after `::` or aliases after `AS`.
/// Over-reports: callers intersect with the relations they know.
pub fn relation_candidates(sql: &str, default_schema: &str) -> BTreeSet<QualName> {
    let toks = lex::solid(sql);
    let mut out = BTreeSet::new();
    for (start, end, parts) in chains(&toks) {
        if not_a_reference(&toks, start) || opens(&toks, end) {
            continue;
        }
        match parts.as_slice() {
            [_] if is_bare_keyword(&toks[start]) => {}
            [one] => {
                out.insert(QualName::new(default_schema, one.clone()));
            }
            [a, b, ..] => {
                out.insert(QualName::new(a.clone(), b.clone()));
            }
            [] => {}
        }
    }
    out
}

/// Names in `sql` that are called as functions: `name(` (taken to be in
/// `default_schema`) and `schema.name(`.
pub fn function_candidates(sql: &str, default_schema: &str) -> BTreeSet<QualName> {
    let toks = lex::solid(sql);
    let mut out = BTreeSet::new();
    for (start, end, parts) in chains(&toks) {
        if not_a_reference(&toks, start) || !opens(&toks, end) {
            continue;
        }
        match parts.as_slice() {
            [one] => {
                out.insert(QualName::new(default_schema, one.clone()));
            }
            [.., a, b] => {
                out.insert(QualName::new(a.clone(), b.clone()));
            }
            [] => {}
        }
    }
    out
}

/// Type names after `::` in `sql`, qualified ones only (`x::app.status`).
pub fn cast_types(sql: &str) -> BTreeSet<QualName> {
    let toks = lex::solid(sql);
    let mut out = BTreeSet::new();
    for (start, _, parts) in chains(&toks) {
        if start > 0 && toks[start - 1].kind == Kind::Cast {
            if let [a, b] = parts.as_slice() {
                out.insert(QualName::new(a.clone(), b.clone()));
            }
        }
    }
    out
}

/// Whether `sql` may read column `column`: an identifier with that name
/// appears in it, or a `*` (which expands to every column).
pub fn may_read_column(sql: &str, column: &str) -> bool {
    lex::solid(sql)
        .iter()
        .any(|t| t.is_op("*") || t.name().is_some_and(|n| n == column))
}

/// The items of the top-level select list of a query, each as its tokens
/// printed back with single spaces: `SELECT t.a, t.b AS c FROM …` →
/// `["t . a", "t . b as c"]`. `None` when the text does not start with
/// `SELECT` (after any `WITH …` clause) or the list cannot be found.
pub fn select_items(sql: &str) -> Option<Vec<String>> {
    let toks = lex::solid(sql);
    let mut depth = 0usize;
    let mut i = 0;
    // the first SELECT at depth 0 (a WITH clause's queries are in parentheses)
    loop {
        let t = toks.get(i)?;
        if t.kind == Kind::LParen {
            depth += 1;
        } else if t.kind == Kind::RParen {
            depth = depth.checked_sub(1)?;
        } else if depth == 0 && t.is_keyword("select") {
            break;
        }
        i += 1;
    }
    i += 1;
    let enders = [
        "from",
        "where",
        "group",
        "having",
        "window",
        "union",
        "intersect",
        "except",
        "order",
        "limit",
        "offset",
        "fetch",
        "for",
        "into",
    ];
    let mut items = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    while let Some(t) = toks.get(i) {
        if matches!(t.kind, Kind::LParen | Kind::LBracket) {
            depth += 1;
        } else if matches!(t.kind, Kind::RParen | Kind::RBracket) {
            depth = depth.checked_sub(1)?;
        }
        if depth == 0 {
            if enders.iter().any(|k| t.is_keyword(k)) || t.kind == Kind::Semicolon {
                break;
            }
            if t.kind == Kind::Comma {
                items.push(std::mem::take(&mut cur).join(" "));
                i += 1;
                continue;
            }
        }
        cur.push(match (t.kind, t.name()) {
            (Kind::QuotedIdent, Some(n)) => super::quote::quote_ident(&n),
            (_, Some(n)) => n,
            _ => t.text.to_string(),
        });
        i += 1;
    }
    if !cur.is_empty() {
        items.push(cur.join(" "));
    }
    (!items.is_empty()).then_some(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str, n: &str) -> QualName {
        QualName::new(s, n)
    }

    #[test]
    fn relations_qualified_bare_and_quoted() {
        let got = relation_candidates(
            "SELECT o.id, count(*) AS n FROM app.orders o JOIN \"We\"\"ird\".\"T x\" w ON w.id = o.id \
             JOIN Items ON true WHERE o.x::app.status = 'a' -- app.not_this\n AND 'app.nor_this' <> $$app.nor$$",
            "app",
        );
        assert!(got.contains(&q("app", "orders")));
        assert!(got.contains(&q("We\"ird", "T x")));
        assert!(got.contains(&q("app", "items")));
        assert!(!got.contains(&q("app", "count")), "a call");
        assert!(!got.contains(&q("app", "n")), "an alias after AS");
        assert!(!got.contains(&q("app", "status")));
        assert!(!got.iter().any(|n| n.name.starts_with("no")), "{got:?}");
        // `o.id` is a column of alias o: the pair (o, id) is reported, and
        // callers only keep names they know as relations
        assert!(got.contains(&q("o", "id")));
    }

    #[test]
    fn functions_and_types() {
        let f = function_candidates("SELECT app.f(x), lower(y), g (z) FROM t", "app");
        assert_eq!(
            f.into_iter().collect::<Vec<_>>(),
            [q("app", "f"), q("app", "g"), q("app", "lower")]
        );
        let t = cast_types("SELECT 'a'::app.status, x::text, y::\"S\".\"T\"[]");
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            [q("S", "T"), q("app", "status")]
        );
    }

    #[test]
    fn columns() {
        assert!(may_read_column("SELECT t.total FROM app.t", "total"));
        assert!(!may_read_column("SELECT t.total FROM app.t", "tot"));
        assert!(!may_read_column("SELECT 'total' FROM app.t", "total"));
        assert!(may_read_column("SELECT count(*) FROM app.t", "x"));
        assert!(may_read_column("SELECT t.\"A b\" FROM app.t", "A b"));
    }

    #[test]
    fn select_lists() {
        assert_eq!(
            select_items("SELECT t.a, f(t.b, 1) AS c, (x).y FROM app.t WHERE t.a > 0"),
            Some(vec![
                "t . a".into(),
                "f ( t . b , 1 ) as c".into(),
                "( x ) . y".into()
            ])
        );
        assert_eq!(
            select_items("WITH w AS (SELECT 1 AS k FROM x) SELECT w.k FROM w"),
            Some(vec!["w . k".into()])
        );
        assert_eq!(
            select_items("SELECT t.a FROM t UNION SELECT 2"),
            Some(vec!["t . a".into()])
        );
        assert_eq!(select_items("VALUES (1)"), None);
    }
}
