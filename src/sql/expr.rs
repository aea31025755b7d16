//! Expressions: their normal form and how two compare through column
//! renames.
//!
//! Expressions (defaults, checks, predicates, generated columns, index
//! expressions) are SQL by definition. graft stores them in the form
//! PostgreSQL prints them back (`pg_get_expr`), so a declaration written in
//! that form compares equal to the live database. The pure normalisation here
//! only removes differences that cannot change meaning: surrounding and
//! repeated whitespace outside literals and quoted identifiers.
//!
//! Nothing user-supplied reaches the server except as a quoted name, a
//! literal or exactly one expression: [`one_expression`] is the check that
//! a text is one expression and nothing more.

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

/// Where an expression goes in a statement, for [`one_expression`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Inside parentheses graft writes around it (`CHECK (…)`, `USING
    /// (…)`, index keys, generation expressions, trigger `WHEN (…)`), or
    /// at the end of its statement or clause (index `WHERE`, `SET DEFAULT`,
    /// function argument defaults).
    Anywhere,
    /// A column or domain `DEFAULT`, which a column or domain constraint
    /// may follow in the statement: PostgreSQL's grammar ends such a
    /// default before `NOT`, `NULL`, `COLLATE`, …, which would then start
    /// a constraint of their own.
    Default,
}

/// Why a text is not exactly one SQL expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotOneExpression {
    /// `;`: it would end the statement.
    #[error("`;` would end the statement")]
    Semicolon,
    /// A `,` outside parentheses: it would start another column, argument
    /// or `ALTER TABLE` action.
    #[error("`,` outside parentheses would start another clause")]
    Comma,
    /// A `)` or `]` with no opening one: it would close the parenthesis
    /// graft writes around the expression, or the statement's own.
    #[error("`{0}` closes a parenthesis the expression did not open")]
    Closes(&'static str),
    /// A `(` or `[` never closed.
    #[error("`{0}` is never closed")]
    Unclosed(&'static str),
    /// A literal, quoted name or comment that does not end.
    #[error("unterminated {0}")]
    Unterminated(&'static str),
    /// A comment: graft writes SQL after the expression, and a `--`
    /// comment would swallow it; PostgreSQL keeps no comment in an
    /// expression anyway.
    #[error("comments are not kept in expressions (`{0}`)")]
    Comment(String),
    /// A keyword outside parentheses that would end the expression and
    /// start a constraint or clause of its own.
    #[error("`{0}` outside parentheses would start a constraint or clause of its own; put the expression in parentheses")]
    Keyword(String),
}

/// Reserved words that never continue an expression outside parentheses:
/// each starts a constraint or clause.
const CLAUSE_KEYWORDS: &[&str] = &[
    "check",
    "constraint",
    "default",
    "deferrable",
    "initially",
    "primary",
    "references",
    "unique",
];

/// Checks that `text` is exactly one SQL expression for [`Place`] `place`:
/// every literal, quoted name and parenthesis closed, no comment, and
/// outside parentheses no `;`, no `,` and no word that starts a constraint
/// or clause. Wrapped in parentheses as `(text)`, it is then still one
/// expression: nothing in it can close the wrapper, end the statement or
/// add to it. Whether the expression itself is valid, PostgreSQL decides.
pub fn one_expression(text: &str, place: Place) -> Result<(), NotOneExpression> {
    let toks = lex::tokens(text);
    let mut stack: Vec<Kind> = Vec::new();
    let mut first = true;
    let solid: Vec<&Token<'_>> = toks.iter().filter(|t| !t.is_trivia()).collect();
    for t in &toks {
        if !t.terminated {
            return Err(NotOneExpression::Unterminated(match t.kind {
                Kind::QuotedIdent => "quoted name",
                Kind::BlockComment => "comment",
                Kind::Str(super::lex::Quote::Dollar) => "dollar-quoted string",
                _ => "string literal",
            }));
        }
        if matches!(t.kind, Kind::LineComment | Kind::BlockComment) {
            return Err(NotOneExpression::Comment(t.text.to_string()));
        }
    }
    for (i, t) in solid.iter().enumerate() {
        let top = stack.is_empty();
        match t.kind {
            Kind::LParen | Kind::LBracket => stack.push(t.kind),
            Kind::RParen | Kind::RBracket => {
                let (open, close) = if t.kind == Kind::RParen {
                    (Kind::LParen, ")")
                } else {
                    (Kind::LBracket, "]")
                };
                if stack.pop() != Some(open) {
                    return Err(NotOneExpression::Closes(close));
                }
            }
            Kind::Semicolon => return Err(NotOneExpression::Semicolon),
            Kind::Comma if top => return Err(NotOneExpression::Comma),
            Kind::Ident if top => {
                let word = t.text.to_lowercase();
                let next_opens = solid.get(i + 1).is_some_and(|n| n.kind == Kind::LParen);
                let refused = CLAUSE_KEYWORDS.contains(&word.as_str())
                    || (place == Place::Default
                        && match word.as_str() {
                            "not" | "collate" => true,
                            "null" => !first,
                            "generated" => !next_opens,
                            _ => false,
                        });
                if refused {
                    return Err(NotOneExpression::Keyword(t.text.to_string()));
                }
            }
            _ => {}
        }
        first = false;
    }
    match stack.last() {
        Some(Kind::LBracket) => Err(NotOneExpression::Unclosed("[")),
        Some(_) => Err(NotOneExpression::Unclosed("(")),
        None => Ok(()),
    }
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

    #[test]
    fn one_expression_and_nothing_more() {
        use NotOneExpression as E;
        let any = |t: &str| one_expression(t, Place::Anywhere);
        let default = |t: &str| one_expression(t, Place::Default);
        for ok in [
            "0",
            "'a;b'::text",
            "$$);$$",
            "$x$ -- $x$",
            "lower(\"a)b\")",
            "f(a, b) + g(c)",
            "ARRAY[1, 2]",
            "(a > 0) AND NOT b",
            "x IS NOT NULL",
            "CASE WHEN a THEN 1 ELSE 2 END",
            "E'it\\'s'",
            "nextval('s'::regclass)",
        ] {
            assert_eq!(any(ok), Ok(()), "{ok}");
        }
        for ok in [
            "NULL::integer",
            "NULL",
            "generated(1)",
            "'{}'::text[]",
            "(1 IS NOT NULL)",
        ] {
            assert_eq!(default(ok), Ok(()), "{ok}");
        }
        let cases: &[(&str, E)] = &[
            ("0); DROP TABLE billing.invoices; SELECT (1", E::Closes(")")),
            ("0;", E::Semicolon),
            ("(0;)", E::Semicolon),
            ("0, DROP COLUMN secret", E::Comma),
            ("0) + (1", E::Closes(")")),
            ("a[1]]", E::Closes("]")),
            ("(0", E::Unclosed("(")),
            ("f(0]", E::Closes("]")),
            ("'abc", E::Unterminated("string literal")),
            ("\"abc", E::Unterminated("quoted name")),
            ("$x$ abc", E::Unterminated("dollar-quoted string")),
            ("1 /* abc", E::Unterminated("comment")),
            ("0 -- x", E::Comment("-- x".into())),
            ("0 /* ; */", E::Comment("/* ; */".into())),
            ("1 CHECK (false)", E::Keyword("CHECK".into())),
            ("1 references t", E::Keyword("references".into())),
        ];
        for (text, want) in cases {
            assert_eq!(any(text).as_ref(), Err(want), "{text}");
        }
        for (text, word) in [
            ("1 NOT NULL", "NOT"),
            ("1 NULL", "NULL"),
            ("'x' COLLATE \"C\"", "COLLATE"),
            ("1 GENERATED ALWAYS AS IDENTITY", "GENERATED"),
        ] {
            assert_eq!(default(text), Err(E::Keyword(word.into())), "{text}");
        }
    }
}
