//! `pg_dump --schema-only` output, normalised so that two databases holding
//! the same schema print the same text and nothing else is hidden.
//!
//! The dump is split into statements by a small SQL lexer that knows
//! single-quoted strings (`'…'`, `E'…'`), quoted identifiers (`"…"`),
//! dollar quotes (`$tag$…$tag$`) and comments; what is inside quotes is
//! kept byte for byte (function bodies must round-trip exactly), outside
//! quotes every run of whitespace becomes one space, or one line break when
//! it holds one. Comments, psql meta-commands (`\restrict <random key>`,
//! `\connect`), `SET …` (but for the table placement settings) and
//! `SELECT pg_catalog.set_config(…)` are dropped: they are how pg_dump sets
//! its session up, not the schema. The statements are then sorted
//! (pg_dump's order follows dependencies and OIDs, which differ between two
//! databases built in another order); each statement keeps its own text,
//! so the column order inside `CREATE TABLE` still counts.

/// The statements of a dump, normalised and sorted.
pub fn normalise(dump: &str) -> Vec<String> {
    let mut out: Vec<String> = statements(dump)
        .into_iter()
        .filter(|s| !is_session_setup(s))
        .collect();
    out.sort();
    // pg_dump repeats these whenever the next table needs another value:
    // which values occur is the schema, how often is pg_dump's order
    out.dedup_by(|a, b| a == b && is_placement(a));
    out
}

/// Whether a statement only sets up pg_dump's session. `SET
/// default_tablespace` and `SET default_table_access_method` are kept:
/// they say where and how the tables after them are stored.
fn is_session_setup(s: &str) -> bool {
    (s.starts_with("SET ") && !is_placement(s)) || s.starts_with("SELECT pg_catalog.set_config(")
}

fn is_placement(s: &str) -> bool {
    s.starts_with("SET default_tablespace ") || s.starts_with("SET default_table_access_method ")
}

/// The text of a normalised dump, statements separated by blank lines.
pub fn text(statements: &[String]) -> String {
    let mut out = String::new();
    for s in statements {
        out.push_str(s);
        out.push_str(";\n\n");
    }
    out
}

/// A unified diff of two normalised dumps (`-` first, `+` second); empty
/// when they are equal.
pub fn unified(first: &str, second: &str, first_name: &str, second_name: &str) -> String {
    if first == second {
        return String::new();
    }
    similar::TextDiff::from_lines(first, second)
        .unified_diff()
        .context_radius(3)
        .header(first_name, second_name)
        .to_string()
}

/// What a summary says about two normalised dumps that differ, at most
/// `max` items: a statement only `first` holds as `-<statement>`, one only
/// `second` holds as `+<statement>`, and two that share their first line
/// (the same object, changed) as `~<first line>: -<line> +<line>` with the
/// first lines that differ. Statements are flattened to one line and cut.
pub fn changed_statements(first: &[String], second: &[String], max: usize) -> Vec<String> {
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter()
            .filter(|s| b.binary_search(s).is_err())
            .cloned()
            .collect()
    };
    let (gone, came) = (only(first, second), only(second, first));
    let head = |s: &str| s.lines().next().unwrap_or("").to_string();
    let mut out = Vec::new();
    let mut came_left: Vec<&String> = came.iter().collect();
    for g in &gone {
        match came_left.iter().position(|c| head(c) == head(g)) {
            Some(i) => {
                let c = came_left.remove(i);
                let (gl, cl): (Vec<&str>, Vec<&str>) = (g.lines().collect(), c.lines().collect());
                let at = gl.iter().zip(&cl).position(|(x, y)| x != y).unwrap_or(0);
                let pick = |ls: &[&str]| ls.get(at).map_or(String::new(), |l| cut(l, 60));
                out.push(format!(
                    "~{}: -{} +{}",
                    cut(&head(g), 50),
                    pick(&gl),
                    pick(&cl)
                ));
            }
            None => out.push(format!("-{}", cut(&g.replace('\n', " "), 90))),
        }
    }
    out.extend(
        came_left
            .iter()
            .map(|c| format!("+{}", cut(&c.replace('\n', " "), 90))),
    );
    if out.len() > max {
        out.truncate(max);
        out.push("…".to_string());
    }
    out
}

fn cut(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// Splits SQL text (as pg_dump prints it) into statements without their
/// terminating `;`, whitespace outside quotes normalised, comments and
/// psql meta-commands dropped.
pub fn statements(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    // whitespace seen since the last token: none, blanks, or a line break
    let mut pending_space: Option<char> = None;
    let flush_space = |cur: &mut String, pending: &mut Option<char>| {
        if let Some(c) = pending.take() {
            if !cur.is_empty() {
                cur.push(c);
            }
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                if c == b'\n' {
                    pending_space = Some('\n');
                } else if pending_space.is_none() {
                    pending_space = Some(' ');
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = line_end(b, i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(b, i);
                if pending_space.is_none() {
                    pending_space = Some(' ');
                }
            }
            b'\\' if cur.is_empty() => {
                // a psql meta-command: the rest of the line
                i = line_end(b, i);
                pending_space = None;
            }
            b';' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                pending_space = None;
                i += 1;
            }
            b'\'' => {
                flush_space(&mut cur, &mut pending_space);
                let escapes =
                    i > 0 && matches!(b[i - 1], b'E' | b'e') && (i < 2 || !is_ident_byte(b[i - 2]));
                let end = quoted_end(b, i, b'\'', escapes);
                cur.push_str(&sql[i..end]);
                i = end;
            }
            b'"' => {
                flush_space(&mut cur, &mut pending_space);
                let end = quoted_end(b, i, b'"', false);
                cur.push_str(&sql[i..end]);
                i = end;
            }
            b'$' => {
                flush_space(&mut cur, &mut pending_space);
                let prev_ident = i > 0 && is_ident_byte(b[i - 1]);
                match dollar_tag(b, i).filter(|_| !prev_ident) {
                    Some(tag_len) => {
                        let tag = &b[i..i + tag_len];
                        let body_start = i + tag_len;
                        let end = find(b, body_start, tag).map_or(b.len(), |p| p + tag_len);
                        cur.push_str(&sql[i..end]);
                        i = end;
                    }
                    None => {
                        cur.push('$');
                        i += 1;
                    }
                }
            }
            _ => {
                flush_space(&mut cur, &mut pending_space);
                let ch = sql[i..].chars().next().expect("a char at a char boundary");
                cur.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn line_end(b: &[u8], from: usize) -> usize {
    find(b, from, b"\n").unwrap_or(b.len())
}

fn block_comment_end(b: &[u8], from: usize) -> usize {
    let mut depth = 0;
    let mut i = from;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// The end (one past the closing quote) of a quoted token starting at
/// `from`; a doubled quote stands for itself, and with `escapes` a
/// backslash escapes the next byte.
fn quoted_end(b: &[u8], from: usize, q: u8, escapes: bool) -> usize {
    let mut i = from + 1;
    while i < b.len() {
        if escapes && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

/// The length of the dollar-quote tag (`$$`, `$body$`) starting at `from`,
/// if there is one there (`$1` is a parameter, not a tag).
fn dollar_tag(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from + 1;
    if b.get(i).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    while i < b.len() && is_ident_byte(b[i]) {
        i += 1;
    }
    (b.get(i) == Some(&b'$')).then_some(i + 1 - from)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_quotes_only() {
        let sql = "--\n-- header\n--\n\n\\restrict abc123\nSET x = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\
            CREATE FUNCTION f() RETURNS int\n    LANGUAGE plpgsql\n    AS $_$\n  -- kept; inside\n  BEGIN RETURN $1; END;\n$_$;\n\
            CREATE TABLE \"a;b\" (\n    c text DEFAULT 'x;''y' -- gone\n);\n\\unrestrict abc123\n";
        assert_eq!(
            normalise(sql),
            vec![
                "CREATE FUNCTION f() RETURNS int\nLANGUAGE plpgsql\nAS $_$\n  -- kept; inside\n  BEGIN RETURN $1; END;\n$_$".to_string(),
                "CREATE TABLE \"a;b\" (\nc text DEFAULT 'x;''y'\n)".to_string(),
            ]
        );
    }

    #[test]
    fn table_placement_is_kept_once() {
        let sql = "SET default_table_access_method = heap;\nCREATE TABLE a ();\n\
                   SET default_table_access_method = heap;\nCREATE TABLE b ();\nSET lock_timeout = 0;";
        assert_eq!(
            normalise(sql),
            [
                "CREATE TABLE a ()",
                "CREATE TABLE b ()",
                "SET default_table_access_method = heap"
            ]
        );
    }

    #[test]
    fn whitespace_counts_inside_bodies_only() {
        let a = statements("CREATE  VIEW v AS\n   SELECT 1;");
        let b = statements("CREATE VIEW v AS\nSELECT   1 ;");
        assert_eq!(a, vec!["CREATE VIEW v AS\nSELECT 1".to_string()]);
        assert_eq!(b, vec!["CREATE VIEW v AS\nSELECT 1".to_string()]);
        assert_ne!(statements("AS $$ x$$;"), statements("AS $$x$$;"));
        assert_ne!(statements("AS 'a  b';"), statements("AS 'a b';"));
    }

    #[test]
    fn escapes_and_parameters() {
        assert_eq!(
            statements(r"SELECT E'a\';b', $1, x$y;z"),
            vec![r"SELECT E'a\';b', $1, x$y".to_string(), "z".to_string()]
        );
    }

    #[test]
    fn differences_are_printed() {
        let d = unified("a\nb\n", "a\nc\n", "original", "rebuilt");
        assert!(d.contains("-b\n+c"), "{d}");
        assert_eq!(unified("a\n", "a\n", "x", "y"), "");
        let (a, b) = (normalise("X 1;\nY\n2;Z;"), normalise("Y\n3;\nX 1;W\nV;"));
        assert_eq!(changed_statements(&a, &b, 5), ["~Y: -2 +3", "-Z", "+W V"]);
        assert_eq!(changed_statements(&a, &a, 5), Vec::<String>::new());
    }
}
