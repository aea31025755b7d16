//! Expressions: their normal form and how two compare through column
//! renames.
//!
//! Expressions (defaults, checks, predicates, generated columns, index
//! expressions) are SQL by definition. graft stores them in the form
//! PostgreSQL prints them back (`pg_get_expr`), so a declaration written in
//! that form compares equal to the live database. The pure normalisation here
//! only removes differences that cannot change meaning: surrounding and
//! repeated whitespace outside literals and quoted identifiers.

use super::lex::{self, Kind, Token};

/// Collapses whitespace outside literals, quoted names and comments to
/// single spaces, drops it after `(` and before `)`, and trims the ends.
/// Whitespace after a `--` comment stays a line break, so that the comment
/// still ends where it ended.
pub fn normalize_expr(expr: &str) -> String {
    let text = expr.trim();
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<&str> = None;
    let mut prev: Option<Kind> = None;
    for t in lex::tokens(text) {
        if t.kind == Kind::Space {
            pending = Some(if prev == Some(Kind::LineComment) {
                "\n"
            } else {
                " "
            });
            continue;
        }
        if let Some(sep) = pending.take() {
            if sep == "\n" || !(out.is_empty() || out.ends_with('(') || t.kind == Kind::RParen) {
                out.push_str(sep);
            }
        }
        out.push_str(t.text);
        prev = Some(t.kind);
    }
    out
}

/// A token of an expression for comparisons: a name (as written, quotes
/// removed) or any other text.
#[derive(Debug, PartialEq, Eq)]
enum Part<'a> {
    Name(String),
    Other(&'a str),
}

fn parts(expr: &str) -> Vec<Part<'_>> {
    lex::solid(expr)
        .into_iter()
        .map(|t: Token<'_>| match t.name_as_written() {
            Some(n) => Part::Name(n),
            None => Part::Other(t.text),
        })
        .collect()
}

/// Whether expression `old`, with the columns it names renamed by `rename`,
/// is expression `new`, as PostgreSQL follows a column rename in the
/// expressions that read the column (`(a > 0)` becomes `("A b" > 0)`).
///
/// Identifiers compare unquoted; only those in a column's position are
/// renamed (not a function name before `(`, a qualifier before `.`, a field
/// after `.` or a type after `::`). When unsure the answer is "different",
/// which costs recreating the object, never a missed change.
pub fn same_through_renames<'a>(
    old: &str,
    new: &str,
    rename: impl Fn(&str) -> Option<&'a str>,
) -> bool {
    let (a, b) = (parts(old), parts(new));
    if a.len() != b.len() {
        return false;
    }
    let other = |t: Option<&Part>, s: &str| matches!(t, Some(Part::Other(x)) if *x == s);
    a.iter().zip(&b).enumerate().all(|(i, pair)| match pair {
        (Part::Name(x), Part::Name(y)) => {
            let column = !(i > 0 && (other(a.get(i - 1), ".") || other(a.get(i - 1), "::")))
                && !other(a.get(i + 1), "(")
                && !other(a.get(i + 1), ".");
            match rename(x).filter(|_| column) {
                Some(to) => to == y,
                None => x == y,
            }
        }
        (Part::Other(x), Part::Other(y)) => x == y,
        _ => false,
    })
}

/// Whether expression `expr` may read column `column`: an identifier with
/// that name appears in it (in any position: when unsure, yes).
pub fn mentions(expr: &str, column: &str) -> bool {
    parts(expr)
        .iter()
        .any(|t| matches!(t, Part::Name(x) if x == column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_through_renames() {
        let r = |c: &str| match c {
            "a" => Some("A b"),
            "lower" => Some("x"),
            "t" => Some("u"),
            _ => None,
        };
        assert!(same_through_renames("(a > 0)", "(\"A b\" > 0)", r));
        assert!(same_through_renames(
            "(a IS NOT NULL)",
            "(\"A b\" IS NOT NULL)",
            r
        ));
        assert!(same_through_renames("lower(a)", "lower(\"A b\")", r));
        assert!(same_through_renames(
            "(b)::text <> 'a'::text",
            "(b)::text <> 'a'::text",
            r
        ));
        assert!(same_through_renames("\"b\" > 0", "b > 0", r));
        // not renamed: a literal, a function, a qualified name, a type
        assert!(!same_through_renames("'a' = b", "'A b' = b", r));
        assert!(same_through_renames("lower(b)", "lower(b)", r));
        assert!(same_through_renames("t.a = 1", "t.a = 1", |c| (c == "t").then_some("u")));
        assert!(same_through_renames("b::t", "b::t", |c| (c == "t").then_some("u")));
        // a real change
        assert!(!same_through_renames("(a > 0)", "(\"A b\" > 1)", r));
        assert!(!same_through_renames("(a > 0)", "(a > 0)", r));
        assert!(!same_through_renames("(a > 0)", "(a > 0) AND b", r));
    }

    #[test]
    fn mentioned_columns() {
        assert!(mentions("(\"A b\" > 0)", "A b"));
        assert!(mentions("lower(a)", "a"));
        assert!(!mentions("lower(ab)", "a"));
        assert!(!mentions("'a' = b", "a"));
    }

    #[test]
    fn whitespace_only_outside_literals() {
        assert_eq!(normalize_expr("  total   >=  0 "), "total >= 0");
        assert_eq!(normalize_expr("lower( note )"), "lower(note)");
        assert_eq!(normalize_expr("'a   b'::text"), "'a   b'::text");
        assert_eq!(normalize_expr("'it''s  x'"), "'it''s  x'");
        assert_eq!(normalize_expr("\"we  ird\"  +  1"), "\"we  ird\" + 1");
        assert_eq!(normalize_expr("$$a   b$$"), "$$a   b$$");
        assert_eq!(normalize_expr("(a\n AND\tb)"), "(a AND b)");
        assert_eq!(normalize_expr("E'a\\'  b'  ||  x"), "E'a\\'  b' || x");
        // a line comment keeps its end: the rest is not swallowed
        assert_eq!(normalize_expr("a  -- x  y\n  + b"), "a -- x  y\n+ b");
    }
}
