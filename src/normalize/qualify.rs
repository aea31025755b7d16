//! Rewriting the namespace of qualified names in SQL text, outside
//! literals, quoted bodies and comments.
//!
//! `'draft'::billing.invoice_status` with `billing → graft_norm_x_0` becomes
//! `'draft'::graft_norm_x_0.invoice_status` when `invoice_status` is one of
//! the names being moved; `billing.uuid_generate_v4()` stays as it is when
//! that function is not. Identifiers compare as PostgreSQL does: unquoted
//! ones folded to lower case, quoted ones exactly.

use std::collections::{HashMap, HashSet};

/// A lexical token of SQL text, as a byte range of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An identifier, bare or double-quoted.
    Ident,
    /// A plain `'…'` string literal (no `E`, `B`, `X` prefix).
    Str,
    /// `.`
    Dot,
    /// Whitespace or a comment.
    Space,
    /// Anything else: literals, numbers, operators, punctuation.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || !c.is_ascii()
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

/// Splits `sql` into tokens. Never fails: unterminated literals and
/// comments run to the end of the text.
fn tokens(sql: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let pos = |i: usize| chars.get(i).map_or(sql.len(), |&(p, _)| p);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let c = chars[i].1;
        let kind = if c.is_whitespace() {
            while at(i).is_some_and(char::is_whitespace) {
                i += 1;
            }
            Kind::Space
        } else if c == '-' && at(i + 1) == Some('-') {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
            Kind::Space
        } else if c == '/' && at(i + 1) == Some('*') {
            // block comments nest in PostgreSQL
            let mut depth = 0;
            while i < chars.len() {
                if at(i) == Some('/') && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if at(i) == Some('*') && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            Kind::Space
        } else if c == '"' {
            i += 1;
            while i < chars.len() {
                if at(i) == Some('"') {
                    if at(i + 1) == Some('"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            Kind::Ident
        } else if c == '\'' {
            i = skip_string(&chars, i, false);
            Kind::Str
        } else if c == '$' && dollar_tag(&chars, i).is_some() {
            let tag = dollar_tag(&chars, i).unwrap_or_default();
            let n = tag.chars().count();
            i += n;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i].1 == '$' && dollar_tag(&chars, i).as_deref() == Some(tag.as_str()) {
                    i += n;
                    break;
                }
                i += 1;
            }
            Kind::Other
        } else if ident_start(c) {
            while at(i).is_some_and(ident_char) {
                i += 1;
            }
            // E'…' takes backslash escapes; B'…', X'…', U&'…' do not
            let word: String = chars[start..i].iter().map(|&(_, c)| c).collect();
            if at(i) == Some('\'') && word.eq_ignore_ascii_case("e") {
                i = skip_string(&chars, i, true);
                Kind::Other
            } else if at(i) == Some('\'') && matches!(word.to_ascii_lowercase().as_str(), "b" | "x")
            {
                i = skip_string(&chars, i, false);
                Kind::Other
            } else {
                Kind::Ident
            }
        } else if c == '.' && !at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
            Kind::Dot
        } else if c.is_ascii_digit() || c == '.' {
            while at(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
                i += 1;
            }
            Kind::Other
        } else {
            i += 1;
            Kind::Other
        };
        out.push(Token {
            kind,
            start: pos(start),
            end: pos(i),
        });
    }
    out
}

/// The index after a `'…'` literal starting at `i` (`''` doubles a quote;
/// with `backslash`, `\'` escapes one too).
fn skip_string(chars: &[(usize, char)], mut i: usize, backslash: bool) -> usize {
    i += 1;
    while i < chars.len() {
        let c = chars[i].1;
        if backslash && c == '\\' {
            i += 2;
            continue;
        }
        if c == '\'' {
            if chars.get(i + 1).map(|&(_, c)| c) == Some('\'') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// The dollar-quote tag (`$$`, `$body$`) starting at `i`, if one does.
fn dollar_tag(chars: &[(usize, char)], i: usize) -> Option<String> {
    let mut j = i + 1;
    if chars.get(j).is_some_and(|&(_, c)| c.is_ascii_digit()) {
        return None; // a positional parameter
    }
    while chars
        .get(j)
        .is_some_and(|&(_, c)| ident_char(c) && c != '$')
    {
        j += 1;
    }
    (chars.get(j).map(|&(_, c)| c) == Some('$'))
        .then(|| chars[i..=j].iter().map(|&(_, c)| c).collect())
}

/// The name an identifier token denotes: quoted ones unquoted, bare ones
/// folded to lower case.
fn ident_value(text: &str) -> String {
    match text.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"').unwrap_or(rest).replace("\"\"", "\""),
        None => text.to_lowercase(),
    }
}

/// The two parts of `ns.name` as `regclass` input reads them (quoted parts
/// unquoted, bare ones folded to lower case), with the byte offset where
/// the name part starts; `None` unless there are exactly two parts.
fn split_regclass(text: &str) -> Option<(String, String, usize)> {
    let mut parts: Vec<(String, usize)> = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut quoted = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek().map(|&(_, c)| c) == Some('"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            '"' => quoted = true,
            '.' if !quoted => {
                parts.push((std::mem::take(&mut cur), start));
                start = i + 1;
            }
            c if quoted => cur.push(c),
            c => cur.extend(c.to_lowercase()),
        }
    }
    parts.push((cur, start));
    match parts.as_slice() {
        [(ns, _), (name, at)] => Some((ns.clone(), name.clone(), *at)),
        _ => None,
    }
}

/// Replaces the qualifier of every `ns.name` whose `ns` is a key of `moves`
/// and whose `name` is in `names[ns]` by `moves[ns]` (written as given:
/// the caller quotes it if needed). A string literal that holds exactly
/// such a name (`nextval('app.t_id_seq'::regclass)`) is rewritten too: as
/// `regclass` it names the object; as any other string, the printed form
/// maps back to the same text.
pub(crate) fn requalify(
    sql: &str,
    moves: &HashMap<String, String>,
    names: &HashMap<String, HashSet<String>>,
) -> String {
    let toks = tokens(sql);
    let next_solid = |from: usize| (from..toks.len()).find(|&k| toks[k].kind != Kind::Space);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for (k, t) in toks.iter().enumerate() {
        if t.kind == Kind::Str {
            let raw = &sql[t.start..t.end];
            let inner = raw
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .map(|r| r.replace("''", "'"));
            let moved = inner
                .as_deref()
                .and_then(split_regclass)
                .and_then(|(ns, name, at)| {
                    let to = moves.get(&ns)?;
                    names.get(&ns).filter(|n| n.contains(&name))?;
                    let inner = inner.as_deref().unwrap_or_default();
                    Some(format!("'{}.{}'", to, inner[at..].replace('\'', "''")))
                });
            if let Some(lit) = moved {
                out.push_str(&sql[copied..t.start]);
                out.push_str(&lit);
                copied = t.end;
            }
            continue;
        }
        if t.kind != Kind::Ident {
            continue;
        }
        // not itself the second part of a qualified name
        let prev = (0..k).rev().find(|&p| toks[p].kind != Kind::Space);
        if prev.is_some_and(|p| toks[p].kind == Kind::Dot) {
            continue;
        }
        let Some(dot) = next_solid(k + 1).filter(|&d| toks[d].kind == Kind::Dot) else {
            continue;
        };
        let Some(name) = next_solid(dot + 1).filter(|&n| toks[n].kind == Kind::Ident) else {
            continue;
        };
        let ns = ident_value(&sql[t.start..t.end]);
        let Some(to) = moves.get(&ns) else { continue };
        let object = ident_value(&sql[toks[name].start..toks[name].end]);
        if !names.get(&ns).is_some_and(|n| n.contains(&object)) {
            continue;
        }
        out.push_str(&sql[copied..t.start]);
        out.push_str(to);
        copied = t.end;
    }
    out.push_str(&sql[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> String {
        let moves: HashMap<String, String> = [
            ("billing".to_string(), "shadow_0".to_string()),
            ("my ns".to_string(), "shadow_1".to_string()),
        ]
        .into();
        let names: HashMap<String, HashSet<String>> = [
            (
                "billing".to_string(),
                ["invoice_status", "invoices", "Mixed"]
                    .map(String::from)
                    .into(),
            ),
            ("my ns".to_string(), ["t"].map(String::from).into()),
        ]
        .into();
        requalify(sql, &moves, &names)
    }

    #[test]
    fn moves_declared_names_only() {
        assert_eq!(
            run("'draft'::billing.invoice_status"),
            "'draft'::shadow_0.invoice_status"
        );
        assert_eq!(
            run("'draft'::BILLING . Invoice_Status"),
            "'draft'::shadow_0 . Invoice_Status"
        );
        assert_eq!(
            run("billing.uuid_generate_v4()"),
            "billing.uuid_generate_v4()"
        );
        assert_eq!(run("\"my ns\".\"t\".a"), "shadow_1.\"t\".a");
        assert_eq!(run("\"billing\".\"Mixed\""), "shadow_0.\"Mixed\"");
        assert_eq!(run("billing.mixed"), "billing.mixed", "folds to mixed");
        // a column qualified by a table that is called like a namespace
        assert_eq!(run("x.billing.invoices"), "x.billing.invoices");
    }

    #[test]
    fn leaves_comments_and_bodies_alone_and_moves_names_in_literals() {
        assert_eq!(
            run("nextval('billing.invoices'::regclass)"),
            "nextval('shadow_0.invoices'::regclass)"
        );
        assert_eq!(
            run("nextval('\"my ns\".\"t\"'::regclass)"),
            "nextval('shadow_1.\"t\"'::regclass)"
        );
        assert_eq!(run("'BILLING.Invoices'"), "'shadow_0.Invoices'");
        for sql in [
            "'billing.invoices.x'",
            "'billing.other'",
            "'billing'",
            "E'it\\'s billing.invoices'",
            "$$billing.invoices$$",
            "$f$ billing.invoices $f$",
            "-- billing.invoices\n1",
            "/* billing.invoices /* nested */ billing.invoices */ 1",
            "\"billing.invoices\"",
        ] {
            assert_eq!(run(sql), sql);
        }
        assert_eq!(
            run("'a''b' || billing.invoices.x"),
            "'a''b' || shadow_0.invoices.x"
        );
        assert_eq!(run("1.5 + billing.invoices"), "1.5 + shadow_0.invoices");
    }
}
