//! Where a schema comes from when graft compares or pulls whole databases:
//! a live database (a connection string) or schema files (a file or a
//! directory of them). Used by `graft diff --from SRC --to DST` and
//! `graft pull`.

use crate::declare::{DeclareError, Declared};
use crate::error::Error;
use crate::model::Schema;
use std::path::{Path, PathBuf};
use tokio_postgres::GenericClient;

/// One side of a comparison, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A database: a `postgres://` / `postgresql://` URL or a libpq
    /// `key=value` string.
    Database(String),
    /// A schema file, or a directory of them.
    Files(PathBuf),
}

impl Source {
    /// Reads `text`: an existing file or directory is schema files; a
    /// `postgres://` or `postgresql://` URL, or text with a `=` (libpq
    /// `key=value` pairs), is a database. Anything else is an error that
    /// says so.
    pub fn parse(text: &str) -> Result<Source, String> {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Source::Database(text.to_string()));
        }
        let path = Path::new(text);
        if path.exists() {
            return Ok(Source::Files(path.to_path_buf()));
        }
        if text.contains('=') {
            return Ok(Source::Database(text.to_string()));
        }
        Err(format!(
            "`{text}` is neither a schema file, a directory nor a database URL \
             (postgres://…, or key=value pairs such as `host=/run/postgresql dbname=app`)"
        ))
    }

    /// The source for messages, a database URL without its password.
    pub fn label(&self) -> String {
        match self {
            Source::Database(url) => redact(url),
            Source::Files(p) => p.display().to_string(),
        }
    }
}

/// `url` with any password replaced by `***`, for messages: the
/// `user:password@` part of a URL and `password=…` pairs.
pub fn redact(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        let scheme_end = url.find("://").map_or(0, |i| i + 3);
        let rest = &url[scheme_end..];
        let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..auth_end].rfind('@') {
            if let Some(colon) = rest[..at].find(':') {
                return format!(
                    "{}{}:***{}",
                    &url[..scheme_end],
                    &rest[..colon],
                    &rest[at..]
                );
            }
        }
        return url.to_string();
    }
    url.split_whitespace()
        .map(|part| {
            if part.to_ascii_lowercase().starts_with("password=") {
                "password=***".to_string()
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The namespaces of a database that hold user objects: all but
/// `pg_catalog`, `pg_toast`, `pg_temp_*` and the other `pg_*`,
/// `information_schema`, and graft's tracking schema. Sorted.
pub async fn user_namespaces(
    client: &impl GenericClient,
    tracking_schema: &str,
) -> Result<Vec<String>, Error> {
    let rows = client
        .query(
            "SELECT n.nspname::text FROM pg_catalog.pg_namespace n
             WHERE n.nspname NOT LIKE 'pg\\_%'
               AND n.nspname <> 'information_schema'
               AND n.nspname <> $1
             ORDER BY 1",
            &[&tracking_schema],
        )
        .await
        .map_err(Error::db("listing the database's namespaces"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The declarations of `paths` (files and directories, as `graft plan`
/// reads them) and their union: every plugin's objects in one schema.
pub fn load_files(paths: &[PathBuf]) -> Result<(Vec<Declared>, Schema), DeclareError> {
    let declared = crate::declare::load_paths(paths)?;
    let schema = crate::drift::union(declared.iter().map(|d| &d.schema));
    Ok((declared, schema))
}

/// `schema` restricted to `namespaces` (when given): its namespaces and
/// their objects; extensions, which are database-wide, stay.
pub fn only_namespaces(schema: &Schema, namespaces: &[String]) -> Schema {
    if namespaces.is_empty() {
        return schema.clone();
    }
    crate::drift::scope::restrict(schema, |k| match k.namespace() {
        Some(n) => namespaces.iter().any(|x| x == n),
        None => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_redaction() {
        assert_eq!(
            Source::parse("postgres://u:secret@h/db").unwrap(),
            Source::Database("postgres://u:secret@h/db".into())
        );
        assert_eq!(
            Source::parse("host=/tmp dbname=x").unwrap(),
            Source::Database("host=/tmp dbname=x".into())
        );
        let dir = env!("CARGO_MANIFEST_DIR");
        assert_eq!(
            Source::parse(dir).unwrap(),
            Source::Files(PathBuf::from(dir))
        );
        let err = Source::parse("no/such/thing.json").unwrap_err();
        assert!(err.starts_with("`no/such/thing.json` is neither"), "{err}");
        assert_eq!(
            redact("postgres://u:secret@h:5/db"),
            "postgres://u:***@h:5/db"
        );
        assert_eq!(redact("postgresql://u@h/db"), "postgresql://u@h/db");
        assert_eq!(
            redact("host=h password=secret dbname=x"),
            "host=h password=*** dbname=x"
        );
        assert_eq!(
            Source::Database("postgres://a:b@c/d".into()).label(),
            "postgres://a:***@c/d"
        );
    }
}

/// What `graft pull` makes of a live schema: one declaration per namespace.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// One plugin per namespace, named after it, in namespace order.
    pub declared: Vec<Declared>,
    /// What could not be said exactly (a dependency cycle between
    /// namespaces, dropped from `depends_on`).
    pub warnings: Vec<String>,
}

/// Splits a live schema into one declaration per namespace of
/// `namespaces`: plugin and namespace named alike, no version, the objects
/// of that namespace, and `depends_on` (`*`) every other pulled namespace
/// its objects name (foreign keys, types, views' relations and functions).
/// An extension goes, by name only (any version, any namespace), with the
/// namespace it is installed in when that is pulled, else with the first
/// pulled namespace. Dependencies that would close a cycle are left out,
/// with a warning.
pub fn declarations(live: &Schema, namespaces: &[String]) -> Pulled {
    use std::collections::{BTreeMap, BTreeSet};
    let mut namespaces: Vec<String> = namespaces.to_vec();
    namespaces.sort();
    namespaces.dedup();
    let mut parts: BTreeMap<String, Schema> = BTreeMap::new();
    for n in &namespaces {
        let mut s = crate::drift::scope::restrict(live, |k| k.namespace() == Some(n.as_str()));
        s.namespaces = vec![n.clone()];
        s.extensions.clear();
        parts.insert(n.clone(), s);
    }
    for e in &live.extensions {
        let home = e
            .schema
            .as_ref()
            .filter(|s| parts.contains_key(*s))
            .cloned()
            .or_else(|| namespaces.first().cloned());
        if let Some(h) = home {
            if let Some(s) = parts.get_mut(&h) {
                // by name: any version, wherever PostgreSQL puts it, so that
                // the file also applies where another version is installed
                s.extensions
                    .push(crate::model::Extension::new(e.name.clone()));
            }
        }
    }
    // who names whom
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (n, s) in &parts {
        let mut named = BTreeSet::new();
        if let Ok(v) = serde_json::to_value(s) {
            collect_namespaces(&v, &mut named);
        }
        for view in &s.views {
            named.extend(view.reads().into_iter().map(|q| q.schema));
            named.extend(view.calls().into_iter().map(|q| q.schema));
        }
        named.remove(n);
        named.retain(|m| parts.contains_key(m));
        edges.insert(n.clone(), named);
    }
    // keep the edges that do not close a cycle, in name order
    let mut kept: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (n, targets) in &edges {
        for m in targets {
            if reaches(&kept, m, n) {
                warnings.push(format!(
                    "namespaces `{n}` and `{m}` name each other: `{n}` does not declare \
                     `depends_on` `{m}` (graft orders plugins by it, and cannot order a cycle)"
                ));
            } else {
                kept.entry(n.clone()).or_default().insert(m.clone());
            }
        }
    }
    let star = semver::VersionReq::STAR;
    let declared = parts
        .into_iter()
        .map(|(n, mut schema)| {
            schema.normalize();
            Declared {
                plugin: n.clone(),
                version: None,
                depends_on: kept
                    .get(&n)
                    .into_iter()
                    .flatten()
                    .map(|m| (m.clone(), star.clone()))
                    .collect(),
                schema,
            }
        })
        .collect();
    Pulled { declared, warnings }
}

/// Whether `to` is reachable from `from` over `edges`.
fn reaches(
    edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    from: &str,
    to: &str,
) -> bool {
    let mut stack = vec![from.to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(x) = stack.pop() {
        if x == to {
            return true;
        }
        if seen.insert(x.clone()) {
            stack.extend(edges.get(&x).into_iter().flatten().cloned());
        }
    }
    false
}

/// The namespaces a serialized schema names: every `{"schema": …, "name":
/// …}` object (a qualified name) and every type written `"ns"."name"`.
fn collect_namespaces(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(s)), Some(Value::String(_)), 2) =
                (m.get("schema"), m.get("name"), m.len())
            {
                out.insert(s.clone());
            }
            for x in m.values() {
                collect_namespaces(x, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                collect_namespaces(x, out);
            }
        }
        Value::String(s) if s.starts_with('"') => {
            let q = crate::model::QualName::parse(s.trim_end_matches("[]"), "");
            if !q.schema.is_empty() {
                out.insert(q.schema);
            }
        }
        _ => {}
    }
}

/// A file name for namespace `ns`: `<ns>.json`, with `/`, `\` and control
/// characters percent-encoded (and a leading `.` too), so that every
/// namespace gets a file of its own in the directory.
pub fn file_name(ns: &str) -> String {
    let mut out = String::with_capacity(ns.len() + 5);
    for (i, c) in ns.chars().enumerate() {
        if c == '/' || c == '\\' || c == '%' || c.is_control() || (i == 0 && c == '.') {
            for b in c.to_string().bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push_str(".json");
    out
}

#[cfg(test)]
mod pull_tests {
    use super::*;
    use crate::model::{Column, ColumnType, ForeignKey, QualName, Table};

    #[test]
    fn one_declaration_per_namespace_with_dependencies() {
        let fk = |to: &str| ForeignKey {
            name: format!("fk_{to}"),
            columns: vec!["x".into()],
            ref_table: QualName::new(to, "t"),
            ref_columns: vec!["x".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferrable: Default::default(),
        };
        let table = |ns: &str, fks: Vec<ForeignKey>, ty: Option<&str>| {
            let mut t = Table::new(QualName::new(ns, "t"));
            t.columns
                .push(Column::new("x", ColumnType::builtin("integer")));
            if let Some(ty) = ty {
                t.columns.push(Column::new(
                    "y",
                    ColumnType::named(QualName::new(ty, "e"), false),
                ));
            }
            t.foreign_keys = fks;
            t
        };
        let mut live = Schema {
            namespaces: vec!["a".into(), "b".into(), "c".into()],
            tables: vec![
                table("a", vec![], None),
                table("b", vec![fk("a")], Some("c")),
                table("c", vec![fk("b")], None),
            ],
            ..Schema::default()
        };
        live.normalize();
        let p = declarations(&live, &live.namespaces.clone());
        let deps: Vec<(String, Vec<String>)> = p
            .declared
            .iter()
            .map(|d| (d.plugin.clone(), d.depends_on.keys().cloned().collect()))
            .collect();
        assert_eq!(
            deps,
            [
                ("a".to_string(), vec![]),
                ("b".to_string(), vec!["a".to_string(), "c".to_string()]),
                ("c".to_string(), vec![])
            ]
        );
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(
            p.warnings[0].contains("`c` and `b` name each other"),
            "{:?}",
            p.warnings
        );
        assert_eq!(p.declared[1].schema.tables.len(), 1);
        assert_eq!(file_name("a/b"), "a%2Fb.json");
        assert_eq!(file_name(".x"), "%2Ex.json");
        assert_eq!(file_name("my ns"), "my ns.json");
    }
}
