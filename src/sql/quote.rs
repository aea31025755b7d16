//! Quoting: the only place where names and literals become SQL text.
//!
//! - Identifiers are always double-quoted, with embedded `"` doubled, so any
//!   name that [`super::check_ident`] accepts (spaces, `;`, `"`, upper
//!   case, keywords) reaches PostgreSQL as exactly that name.
//! - String literals are single-quoted with embedded `'` doubled. A literal
//!   that contains a backslash is written in the escape-string form
//!   `E'…'` with the backslashes doubled too. The plain form would be enough
//!   with `standard_conforming_strings = on` (PostgreSQL's default since 9.1),
//!   but `E'…'` means the same thing whatever that setting is, so a session
//!   that turned it off cannot make a backslash escape the closing quote.

use super::name::QualName;

/// `name` as a quoted identifier: `we"ird` → `"we""ird"`.
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A schema-qualified name: `"billing"."invoices"`.
pub fn qualified(name: &QualName) -> String {
    format!("{}.{}", quote_ident(&name.schema), quote_ident(&name.name))
}

/// `text` as a string literal: `it's` → `'it''s'`, `a\b` → `E'a\\b'`.
pub fn quote_literal(text: &str) -> String {
    let backslash = text.contains('\\');
    let mut out = String::with_capacity(text.len() + 3);
    if backslash {
        out.push('E');
    }
    out.push('\'');
    for c in text.chars() {
        if c == '\'' || (backslash && c == '\\') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(quote_ident("plain"), r#""plain""#);
        assert_eq!(quote_ident(r#"we"ird; name"#), r#""we""ird; name""#);
        assert_eq!(quote_ident(r#""""#), r#""""""""#);
        assert_eq!(quote_ident("Upper Case"), r#""Upper Case""#);
        assert_eq!(
            qualified(&QualName::new("a b", "x;DROP TABLE y")),
            r#""a b"."x;DROP TABLE y""#
        );
    }

    #[test]
    fn literals() {
        assert_eq!(quote_literal("plain"), "'plain'");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal(r"a\b"), r"E'a\\b'");
        assert_eq!(
            quote_literal(r"x\'; DROP TABLE y; --"),
            r"E'x\\''; DROP TABLE y; --'"
        );
        assert_eq!(quote_literal(""), "''");
    }
}
