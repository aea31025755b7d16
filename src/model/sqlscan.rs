//! A light SQL scanner for what graft must know about SQL text it does not
//! parse: which relations and functions a view definition, a function body
//! or an expression names (to order objects that read each other), whether
//! it mentions a column, and the select list of a query (to know whether
//! `CREATE OR REPLACE VIEW` can keep a view's columns).
//!
//! It tokenises like PostgreSQL's lexer as far as names go: unquoted
//! identifiers fold to lower case, `"…"` identifiers keep their case with
//! `""` unescaped, string literals (`'…'`, `E'…'`, `$tag$…$tag$`) and
//! comments (`--`, `/* */`, nested) are skipped. Everything else is a symbol
//! or a number. It never fails: when unsure it over-reports names (an extra
//! ordering edge is harmless; a missed one is not).

use super::name::QualName;
use std::collections::BTreeSet;

/// A token of SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An identifier or keyword: folded to lower case when unquoted.
    Ident {
        /// The name.
        text: String,
        /// Whether it was written `"…"`.
        quoted: bool,
    },
    /// A string literal (its content is irrelevant here).
    Literal(String),
    /// A number.
    Number(String),
    /// Punctuation or an operator: `(`, `)`, `,`, `.`, `::`, `;`, `*`, `+`, ….
    Symbol(String),
}

impl Tok {
    fn is_sym(&self, s: &str) -> bool {
        matches!(self, Tok::Symbol(x) if x == s)
    }

    fn is_keyword(&self, k: &str) -> bool {
        matches!(self, Tok::Ident { text, quoted: false } if text == k)
    }

    fn ident(&self) -> Option<&str> {
        match self {
            Tok::Ident { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Tokenises `sql`; see the module docs.
pub(crate) fn tokens(sql: &str) -> Vec<Tok> {
    let c: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '-' && c.get(i + 1) == Some(&'-') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '"' {
            let mut text = String::new();
            i += 1;
            while i < c.len() {
                if c[i] == '"' {
                    if c.get(i + 1) == Some(&'"') {
                        text.push('"');
                        i += 2;
                        continue;
                    }
                    break;
                }
                text.push(c[i]);
                i += 1;
            }
            i += 1;
            out.push(Tok::Ident { text, quoted: true });
        } else if ch == '\''
            || ((ch == 'e' || ch == 'E' || ch == 'b' || ch == 'B' || ch == 'x' || ch == 'X')
                && c.get(i + 1) == Some(&'\''))
        {
            let escapes = ch == 'e' || ch == 'E';
            let start = i;
            if ch != '\'' {
                i += 1;
            }
            i += 1;
            while i < c.len() {
                if escapes && c[i] == '\\' {
                    i += 2;
                    continue;
                }
                if c[i] == '\'' {
                    if c.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push(Tok::Literal(c[start..i.min(c.len())].iter().collect()));
        } else if ch == '$' && dollar_tag(&c, i).is_some() {
            let tag = dollar_tag(&c, i).unwrap_or_default();
            let start = i;
            i += tag.len();
            let tag_chars: Vec<char> = tag.chars().collect();
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i..].starts_with(&tag_chars) {
                    i += tag_chars.len();
                    break;
                }
                i += 1;
            }
            out.push(Tok::Literal(c[start..i.min(c.len())].iter().collect()));
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            let text: String = c[start..i].iter().collect();
            out.push(Tok::Ident {
                text: text.to_lowercase(),
                quoted: false,
            });
        } else if ch.is_ascii_digit() {
            let start = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '.' || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Number(c[start..i].iter().collect()));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::Symbol("::".into()));
            i += 2;
        } else if "(),.;[]".contains(ch) {
            out.push(Tok::Symbol(ch.to_string()));
            i += 1;
        } else {
            // an operator: a run of operator characters
            let start = i;
            while i < c.len() && "+-*/<>=~!@#%^&|`?:".contains(c[i]) {
                if c[i] == '-' && c.get(i + 1) == Some(&'-') && i > start {
                    break;
                }
                i += 1;
            }
            if i == start {
                i += 1;
            }
            out.push(Tok::Symbol(c[start..i].iter().collect()));
        }
    }
    out
}

/// `$tag$` starting at `i`, if there is one (`$1` is a parameter, not a tag).
fn dollar_tag(c: &[char], i: usize) -> Option<String> {
    let mut j = i + 1;
    if c.get(j).is_some_and(|d| d.is_ascii_digit()) {
        return None;
    }
    while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
        j += 1;
    }
    (c.get(j) == Some(&'$')).then(|| c[i..=j].iter().collect())
}

/// Whether the token is a bare keyword that cannot be a name unquoted.
fn is_bare_keyword(t: &Tok) -> bool {
    matches!(t, Tok::Ident { text, quoted: false } if super::printed::is_quoted_keyword(text))
}

/// Dotted name chains with their positions: `a.b.c` → (start, end, [a, b, c]).
fn chains(toks: &[Tok]) -> Vec<(usize, usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(first) = toks[i].ident() else {
            i += 1;
            continue;
        };
        // a field after `.` (e.g. `(x).y`) or a `*` chain is not a start
        if i > 0 && toks[i - 1].is_sym(".") {
            i += 1;
            continue;
        }
        let start = i;
        let mut parts = vec![first.to_string()];
        let mut j = i + 1;
        while j + 1 < toks.len() && toks[j].is_sym(".") {
            match toks[j + 1].ident() {
                Some(p) => {
                    parts.push(p.to_string());
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
fn not_a_reference(toks: &[Tok], start: usize) -> bool {
    start > 0 && (toks[start - 1].is_sym("::") || toks[start - 1].is_keyword("as"))
}

/// Names in `sql` that may be relations: `schema.name` (and the first two
/// parts of `schema.name.column`), and bare names taken to be in
/// `default_schema` (not keywords such as `select`, which need quotes to be
/// names). Not function calls, types after `::` or aliases after `AS`.
/// Over-reports: callers intersect with the relations they know.
pub fn relation_candidates(sql: &str, default_schema: &str) -> BTreeSet<QualName> {
    let toks = tokens(sql);
    let mut out = BTreeSet::new();
    for (start, end, parts) in chains(&toks) {
        if not_a_reference(&toks, start) || toks.get(end).is_some_and(|t| t.is_sym("(")) {
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
    let toks = tokens(sql);
    let mut out = BTreeSet::new();
    for (start, end, parts) in chains(&toks) {
        if not_a_reference(&toks, start) || !toks.get(end).is_some_and(|t| t.is_sym("(")) {
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
    let toks = tokens(sql);
    let mut out = BTreeSet::new();
    for (start, _, parts) in chains(&toks) {
        if start > 0 && toks[start - 1].is_sym("::") {
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
    tokens(sql).iter().any(|t| match t {
        Tok::Ident { text, .. } => text == column,
        Tok::Symbol(s) => s == "*",
        _ => false,
    })
}

/// The items of the top-level select list of a query, each as its tokens
/// printed back with single spaces: `SELECT t.a, t.b AS c FROM …` →
/// `["t . a", "t . b as c"]`. `None` when the text does not start with
/// `SELECT` (after any `WITH …` clause) or the list cannot be found.
pub fn select_items(sql: &str) -> Option<Vec<String>> {
    let toks = tokens(sql);
    let mut depth = 0usize;
    let mut i = 0;
    // the first SELECT at depth 0 (a WITH clause's queries are in parentheses)
    loop {
        let t = toks.get(i)?;
        if t.is_sym("(") {
            depth += 1;
        } else if t.is_sym(")") {
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
        if t.is_sym("(") || t.is_sym("[") {
            depth += 1;
        } else if t.is_sym(")") || t.is_sym("]") {
            depth = depth.checked_sub(1)?;
        }
        if depth == 0 {
            if enders.iter().any(|k| t.is_keyword(k)) || t.is_sym(";") {
                break;
            }
            if t.is_sym(",") {
                items.push(std::mem::take(&mut cur).join(" "));
                i += 1;
                continue;
            }
        }
        cur.push(match t {
            Tok::Ident { text, quoted: true } => format!("\"{}\"", text.replace('"', "\"\"")),
            Tok::Ident { text, .. } => text.clone(),
            Tok::Literal(s) | Tok::Number(s) | Tok::Symbol(s) => s.clone(),
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

    #[test]
    fn tokens_skip_literals_and_comments() {
        let t = tokens("a /* b /* c */ d */ E'x\\'y' $f$ z $f$ \"Q\"\"\" -- e\n F");
        assert_eq!(
            t,
            [
                Tok::Ident {
                    text: "a".into(),
                    quoted: false
                },
                Tok::Literal("E'x\\'y'".into()),
                Tok::Literal("$f$ z $f$".into()),
                Tok::Ident {
                    text: "Q\"".into(),
                    quoted: true
                },
                Tok::Ident {
                    text: "f".into(),
                    quoted: false
                },
            ]
        );
    }
}
