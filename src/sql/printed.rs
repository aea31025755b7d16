//! Names as PostgreSQL prints them in SQL text it generates (`regclass`
//! output, `pg_get_viewdef`, `proconfig` values): double-quoted only when
//! needed, as `quote_identifier()` in `ruleutils.c` decides. graft needs the
//! same spelling where it writes such text itself (the default of a serial
//! column, `nextval('app.t_id_seq'::regclass)`) so that it compares equal to
//! what introspection reads back.

use super::name::QualName;

/// Keywords that `quote_identifier()` quotes: every keyword PostgreSQL 15
/// does not class as unreserved (`SELECT word FROM pg_get_keywords() WHERE
/// catcode <> 'U'`).
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// Whether `word` (lower case) is a keyword PostgreSQL quotes when it is
/// used as a name: written bare, it is the keyword.
pub fn is_quoted_keyword(word: &str) -> bool {
    QUOTED_KEYWORDS.binary_search(&word).is_ok()
}

/// `name` as PostgreSQL prints it: bare when it is lower case letters,
/// digits, `_` and `$` (not first) and not a keyword that needs quoting;
/// otherwise double-quoted with `"` doubled.
pub fn pg_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && QUOTED_KEYWORDS.binary_search(&name).is_err();
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// `schema.name` as PostgreSQL prints a qualified name.
pub fn pg_qualified(q: &QualName) -> String {
    format!("{}.{}", pg_ident(&q.schema), pg_ident(&q.name))
}

/// Parses a name PostgreSQL printed or a user wrote, as `regclass` input
/// does: parts split on unquoted dots, unquoted parts folded to lower case,
/// `"…"` parts kept with `""` unescaped. `None` unless one or two parts.
pub fn parse_pg_name(text: &str, default_schema: &str) -> Option<QualName> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = text.trim().chars().peekable();
    let mut quoted = false;
    let mut any = false;
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
            '"' => {
                quoted = true;
                any = true;
            }
            '.' if !quoted => {
                parts.push(std::mem::take(&mut cur));
                any = false;
            }
            c if quoted => cur.push(c),
            c if c.is_whitespace() => return None,
            c => {
                any = true;
                cur.extend(c.to_lowercase());
            }
        }
    }
    if quoted || (!any && cur.is_empty()) {
        return None;
    }
    parts.push(cur);
    match parts.as_slice() {
        [n] if !n.is_empty() => Some(QualName::new(default_schema, n.clone())),
        [s, n] if !s.is_empty() && !n.is_empty() => Some(QualName::new(s.clone(), n.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted() {
        let mut sorted = QUOTED_KEYWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, QUOTED_KEYWORDS);
    }

    #[test]
    fn printed_like_postgres() {
        assert_eq!(pg_ident("t_id_seq"), "t_id_seq");
        assert_eq!(pg_ident("_x$1"), "_x$1");
        assert_eq!(pg_ident("Odd_user_seq"), "\"Odd_user_seq\"");
        assert_eq!(pg_ident("user"), "\"user\"");
        assert_eq!(pg_ident("name"), "name");
        assert_eq!(pg_ident("1a"), "\"1a\"");
        assert_eq!(pg_ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(pg_qualified(&QualName::new("my ns", "s")), "\"my ns\".s");
    }

    #[test]
    fn parses_like_regclass() {
        assert_eq!(
            parse_pg_name("App.\"T x\"", "d"),
            Some(QualName::new("app", "T x"))
        );
        assert_eq!(parse_pg_name("seq", "d"), Some(QualName::new("d", "seq")));
        assert_eq!(
            parse_pg_name("\"a.b\".\"c\"\"d\"", "d"),
            Some(QualName::new("a.b", "c\"d"))
        );
        assert_eq!(parse_pg_name("a.b.c", "d"), None);
        assert_eq!(parse_pg_name("a b", "d"), None);
        assert_eq!(parse_pg_name("\"\"", "d"), None);
        assert_eq!(parse_pg_name("", "d"), None);
    }
}
