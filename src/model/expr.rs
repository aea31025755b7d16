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

#[cfg(test)]
mod tests {
    use super::*;

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
