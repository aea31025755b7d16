//! Normal forms for SQL expressions and names graft chooses itself.
//!
//! Expressions (defaults, checks, predicates, generated columns, index
//! expressions) are SQL by definition. graft stores them in the form
//! PostgreSQL prints them back (`pg_get_expr`), so a declaration written in
//! that form compares equal to the live database. The pure normalisation here
//! only removes differences that cannot change meaning: surrounding and
//! repeated whitespace outside literals and quoted identifiers.

use super::name::MAX_IDENT_BYTES;

/// Collapses whitespace outside `'…'`, `"…"` and `$tag$…$tag$` to single
/// spaces, drops it next to parentheses and trims the ends.
pub fn normalize_expr(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let chars: Vec<char> = expr.trim().chars().collect();
    let mut i = 0;
    let mut pending_space = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            pending_space = true;
            i += 1;
            continue;
        }
        if pending_space {
            let prev = out.chars().last();
            if !(matches!(prev, Some('(') | None) || c == ')') {
                out.push(' ');
            }
            pending_space = false;
        }
        match c {
            '\'' | '"' => {
                // copy through the closing quote; doubled quotes stay inside
                out.push(c);
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == c {
                        if i + 1 < chars.len() && chars[i + 1] == c {
                            out.push(c);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            '$' => {
                // dollar quote: $tag$ ... $tag$
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < chars.len()
                    && chars[j] == '$'
                    && !chars[i + 1..j]
                        .iter()
                        .any(|c| c.is_ascii_digit() && j == i + 2)
                {
                    let tag: String = chars[i..=j].iter().collect();
                    let rest: String = chars[j + 1..].iter().collect();
                    if let Some(end) = rest.find(&tag) {
                        out.push_str(&tag);
                        out.push_str(&rest[..end + tag.len()]);
                        i = j + 1 + rest[..end + tag.len()].chars().count();
                        continue;
                    }
                }
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Builds a PostgreSQL-style object name `<a>_<b>_<suffix>`, shortening the
/// longer part until the whole fits in 63 bytes, as PostgreSQL's
/// `makeObjectName` does.
pub fn make_name(a: &str, b: &str, suffix: &str) -> String {
    let mut a = a.to_string();
    let mut b = b.to_string();
    let fixed = suffix.len() + if b.is_empty() { 1 } else { 2 };
    while a.len() + b.len() + fixed > MAX_IDENT_BYTES {
        if a.len() >= b.len() {
            a.pop();
        } else {
            b.pop();
        }
    }
    if b.is_empty() {
        format!("{a}_{suffix}")
    } else {
        format!("{a}_{b}_{suffix}")
    }
}

/// A short label for an index expression, for naming: the leading identifier
/// (`lower(note)` → `lower`) or `expr`.
pub fn expr_label(expr: &str) -> String {
    let label: String = expr
        .trim_start_matches('(')
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if label.is_empty() {
        "expr".to_string()
    } else {
        label.to_lowercase()
    }
}

/// A token of an expression: an identifier (unquoted) or any other text.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    /// An identifier: a bare word as written, a quoted one without its quotes.
    Ident(String),
    /// A literal, number, operator or punctuation, as written.
    Other(String),
}

fn tokens(expr: &str) -> Vec<Token> {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            // through the closing quote; a doubled quote stays inside
            let mut text = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        text.push(c);
                        i += 2;
                        continue;
                    }
                    break;
                }
                text.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(if c == '"' {
                Token::Ident(text)
            } else {
                Token::Other(format!("'{text}'"))
            });
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$')) {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Token::Other(chars[start..i].iter().collect()));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token::Other("::".into()));
            i += 2;
        } else {
            out.push(Token::Other(c.to_string()));
            i += 1;
        }
    }
    out
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
    let (a, b) = (tokens(old), tokens(new));
    if a.len() != b.len() {
        return false;
    }
    let other = |t: Option<&Token>, s: &str| matches!(t, Some(Token::Other(x)) if x == s);
    a.iter().zip(&b).enumerate().all(|(i, pair)| match pair {
        (Token::Ident(x), Token::Ident(y)) => {
            let column = !(i > 0 && (other(a.get(i - 1), ".") || other(a.get(i - 1), "::")))
                && !other(a.get(i + 1), "(")
                && !other(a.get(i + 1), ".");
            match rename(x).filter(|_| column) {
                Some(to) => to == y,
                None => x == y,
            }
        }
        (Token::Other(x), Token::Other(y)) => x == y,
        _ => false,
    })
}

/// Whether expression `expr` may read column `column`: an identifier with
/// that name appears in it (in any position: when unsure, yes).
pub fn mentions(expr: &str, column: &str) -> bool {
    tokens(expr)
        .iter()
        .any(|t| matches!(t, Token::Ident(x) if x == column))
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
    }

    #[test]
    fn names_fit() {
        assert_eq!(
            make_name("invoices", "status", "idx"),
            "invoices_status_idx"
        );
        assert_eq!(make_name("invoices", "", "pkey"), "invoices_pkey");
        let long = make_name(&"t".repeat(60), &"c".repeat(60), "fkey");
        assert!(long.len() <= 63, "{}", long.len());
        assert_eq!(expr_label("lower(note)"), "lower");
        assert_eq!(expr_label("(a + b)"), "a");
        assert_eq!(expr_label("1 + 2"), "1");
    }
}
