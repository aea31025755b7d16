//! Reading back the few pieces of SQL that sea-query renders but does not
//! expose through getters (index keys and options, table checks, enum
//! labels). The grammar is sea-query 1.0's Postgres output, read strictly:
//! anything left over is an error, never skipped.

use crate::sql::lex::{self, Kind};
use sea_query::{EscapeBuilder, PostgresQueryBuilder};

/// A cursor over rendered SQL.
pub(super) struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(sql: &'a str) -> Self {
        Cursor { rest: sql }
    }

    pub(super) fn rest(&self) -> &'a str {
        self.rest
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Consumes `word` when the text starts with it.
    pub(super) fn eat(&mut self, word: &str) -> bool {
        match self.rest.strip_prefix(word) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// A `"…"` identifier with `""` unescaped.
    pub(super) fn ident(&mut self) -> Option<String> {
        let t = *lex::tokens(self.rest).first()?;
        if t.kind != Kind::QuotedIdent || !t.terminated || !t.text.starts_with('"') {
            return None;
        }
        self.rest = &self.rest[t.end()..];
        t.name_as_written()
    }

    /// `"a"` or `"a"."b"`: (schema, name).
    pub(super) fn qualified(&mut self) -> Option<(Option<String>, String)> {
        let first = self.ident()?;
        if self.eat(".") {
            let second = self.ident()?;
            return Some((Some(first), second));
        }
        Some((None, first))
    }

    /// The text inside the parentheses the cursor is at, which it consumes.
    pub(super) fn parenthesized(&mut self) -> Option<&'a str> {
        let end = matching_paren(self.rest)?;
        let inner = &self.rest[1..end];
        self.rest = &self.rest[end + 1..];
        Some(inner)
    }

    /// Consumes up to the next top-level space (or the end): a bare word.
    pub(super) fn word(&mut self) -> &'a str {
        let end = self.rest.find(' ').unwrap_or(self.rest.len());
        let w = &self.rest[..end];
        self.rest = &self.rest[end..];
        w
    }
}

/// Where the parenthesis `s` starts with closes: the byte index of the
/// matching `)` (literals and quoted names skipped by graft's lexer).
pub(super) fn matching_paren(s: &str) -> Option<usize> {
    if !s.starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    for t in lex::tokens(s) {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(t.start);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `s` at the commas outside parentheses, literals and quoted
/// identifiers; each part trimmed.
pub(super) fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for t in lex::tokens(s) {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth -= 1,
            Kind::Comma if depth == 0 => {
                out.push(s[start..t.start].trim());
                start = t.end();
            }
            _ => {}
        }
    }
    let last = s[start..].trim();
    if !last.is_empty() || !out.is_empty() {
        out.push(last);
    }
    out
}

/// The value of a string literal as sea-query's Postgres backend writes
/// one (`'…'`, or `E'…'` with backslash escapes), or `None`.
pub(super) fn string_literal(s: &str) -> Option<String> {
    if let Some(body) = s.strip_prefix("E'").and_then(|b| b.strip_suffix('\'')) {
        return Some(PostgresQueryBuilder.unescape_string(body));
    }
    let body = s.strip_prefix('\'')?.strip_suffix('\'')?;
    // sea-query escapes every `'` (then writes `E'…'`); a plain literal has none
    // unless doubled, which PostgreSQL reads as one.
    Some(body.replace("''", "'"))
}

/// `CONSTRAINT "name" CHECK (expr)` or `CHECK (expr)`: (name, expr).
pub(super) fn check(sql: &str) -> Option<(Option<String>, String)> {
    let mut c = Cursor::new(sql.trim());
    let name = if c.eat("CONSTRAINT ") {
        let n = c.ident()?;
        if !c.eat(" ") {
            return None;
        }
        Some(n)
    } else {
        None
    };
    if !c.eat("CHECK ") {
        return None;
    }
    let expr = c.parenthesized()?;
    c.is_empty().then(|| (name, expr.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_commas_only() {
        assert_eq!(
            split_top_level(r#""a", (f(x, ',')), "b,c" DESC, E'\',' "#),
            vec![r#""a""#, "(f(x, ','))", r#""b,c" DESC"#, r"E'\','"]
        );
        assert!(split_top_level("").is_empty());
    }

    #[test]
    fn reads_checks_and_literals() {
        assert_eq!(
            check(r#"CONSTRAINT "a""b" CHECK ("x" > (1))"#),
            Some((Some("a\"b".into()), r#""x" > (1)"#.into()))
        );
        assert_eq!(check("CHECK (x) extra"), None);
        assert_eq!(string_literal(r"E'it\'s\n'").as_deref(), Some("it's\n"));
        assert_eq!(string_literal("'plain'").as_deref(), Some("plain"));
        assert_eq!(string_literal("plain"), None);
    }

    #[test]
    fn reads_identifiers() {
        let mut c = Cursor::new(r#""s"."t""x" rest"#);
        assert_eq!(c.qualified(), Some((Some("s".into()), "t\"x".into())));
        assert_eq!(c.rest(), " rest");
    }
}
