//! Names: [`QualName`] (schema-qualified), identifier rules, and the names
//! graft chooses itself ([`make_name`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1).
pub const MAX_IDENT_BYTES: usize = 63;

/// Why a string is not a usable identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    /// The empty string.
    #[error("identifier is empty")]
    Empty,
    /// Longer than 63 bytes: PostgreSQL would silently truncate it.
    #[error("identifier `{0}` is {1} bytes long; PostgreSQL allows at most 63")]
    TooLong(String, usize),
    /// Contains a NUL byte, which PostgreSQL cannot store.
    #[error("identifier contains a NUL byte")]
    Nul,
}

/// Checks that `name` can be used verbatim as a (quoted) PostgreSQL identifier.
///
/// Any other character is allowed, including `"`, spaces and `;`: the renderer
/// always quotes and escapes identifiers.
pub fn check_ident(name: &str) -> Result<(), IdentError> {
    if name.is_empty() {
        return Err(IdentError::Empty);
    }
    if name.len() > MAX_IDENT_BYTES {
        return Err(IdentError::TooLong(name.to_string(), name.len()));
    }
    if name.contains('\0') {
        return Err(IdentError::Nul);
    }
    Ok(())
}

/// A schema-qualified object name, e.g. `billing.invoices`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualName {
    /// The namespace (PostgreSQL schema).
    pub schema: String,
    /// The object name inside the namespace.
    pub name: String,
}

impl QualName {
    /// Builds a qualified name.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualName {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// Parses `schema.name` or `name` (then in `default_schema`). Only the first
    /// unquoted dot splits; `"a.b".c` style quoting is honoured.
    pub fn parse(s: &str, default_schema: &str) -> QualName {
        let parts = split_qualified(s);
        match parts.as_slice() {
            [name] => QualName::new(default_schema, name.clone()),
            [schema, name] => QualName::new(schema.clone(), name.clone()),
            _ => QualName::new(default_schema, s),
        }
    }
}

/// Splits `a.b`, `"a.b"."c"` into unquoted parts; more than two parts are returned as is.
fn split_qualified(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            '"' => quoted = true,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

impl fmt::Display for QualName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
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
    fn parse_qualified() {
        assert_eq!(QualName::parse("a.b", "x"), QualName::new("a", "b"));
        assert_eq!(QualName::parse("b", "x"), QualName::new("x", "b"));
        assert_eq!(
            QualName::parse("\"a.b\".\"c\"\"d\"", "x"),
            QualName::new("a.b", "c\"d")
        );
    }

    #[test]
    fn ident_rules() {
        assert!(check_ident("ok").is_ok());
        assert!(check_ident("we\"ird; name").is_ok());
        assert_eq!(check_ident(""), Err(IdentError::Empty));
        assert!(matches!(
            check_ident(&"x".repeat(64)),
            Err(IdentError::TooLong(_, 64))
        ));
        assert!(check_ident(&"é".repeat(31)).is_ok());
        assert!(check_ident(&"é".repeat(32)).is_err());
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
