//! Reading schema files: JSON text → [`SchemaFile`] → [`Declared`], with
//! serde's errors mapped back to the table and column they are in.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::file::SchemaFile;
use super::validate::{lower, Declared};
use serde_json::Value;
use serde_path_to_error::Segment;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Parses and validates one schema file's text. `file` only labels errors.
pub fn from_json_str(text: &str, file: Option<&Path>) -> Result<Declared, DeclareError> {
    parse_json_str(text)
        .and_then(|f| lower(&f))
        .map_err(|e| match file {
            Some(p) => e.with_file(p),
            None => e,
        })
}

/// Parses one schema file's text into its [`SchemaFile`], without validating
/// the declarations (see [`super::lower`]).
pub fn parse_json_str(text: &str) -> Result<SchemaFile, DeclareError> {
    // A first pass as a plain value gives syntax errors, and names to locate
    // the errors of the typed pass with.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        DeclareError::new(K::Json {
            line: e.line(),
            column: e.column(),
            msg: message(&e),
        })
    })?;
    if !value.is_object() {
        return Err(DeclareError::new(K::BadValue {
            at: String::new(),
            msg: "a schema file is one JSON object".into(),
        }));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, SchemaFile>(&mut de).map_err(|e| locate(e, &value))
}

/// Reads, parses and validates one schema file.
pub fn load_file(path: impl AsRef<Path>) -> Result<Declared, DeclareError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|source| DeclareError::new(K::Io { source }).with_file(path))?;
    from_json_str(&text, Some(path))
}

/// Loads every `*.json` file directly in `dir` (not recursively), in file
/// name order. Two files declaring the same plugin are an error naming both.
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<Declared>, DeclareError> {
    let mut seen = Seen::default();
    let mut out = Vec::new();
    for f in json_files(dir.as_ref())? {
        seen.push(load_file(&f)?, f, &mut out)?;
    }
    Ok(out)
}

/// Loads files and directories (as [`load_dir`]), in the order given. A
/// file named twice is loaded once; a plugin declared twice is an error.
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<Declared>, DeclareError> {
    Ok(load_paths_with_files(paths)?
        .into_iter()
        .map(|(_, d)| d)
        .collect())
}

/// [`load_paths`], with the file each declaration came from.
pub fn load_paths_with_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Declared)>, DeclareError> {
    let mut seen = Seen::default();
    let mut out = Vec::new();
    for p in paths {
        let files = if p.is_dir() {
            json_files(p)?
        } else {
            vec![p.clone()]
        };
        for f in files {
            let key = std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone());
            if !seen.files.insert(key) {
                continue;
            }
            let d = load_file(&f)?;
            let mut one = Vec::new();
            seen.push(d, f.clone(), &mut one)?;
            out.extend(one.into_iter().map(|d| (f.clone(), d)));
        }
    }
    Ok(out)
}

/// Files and plugins loaded so far.
#[derive(Default)]
struct Seen {
    files: std::collections::HashSet<PathBuf>,
    plugins: HashMap<String, PathBuf>,
}

impl Seen {
    fn push(
        &mut self,
        d: Declared,
        file: PathBuf,
        out: &mut Vec<Declared>,
    ) -> Result<(), DeclareError> {
        if let Some(other) = self.plugins.get(&d.plugin) {
            return Err(DeclareError::new(K::DuplicatePlugin {
                other: other.clone(),
            })
            .with_file(file)
            .with_plugin(&d.plugin));
        }
        self.plugins.insert(d.plugin.clone(), file);
        out.push(d);
        Ok(())
    }
}

/// The `*.json` regular files directly in `dir`, sorted by name.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, DeclareError> {
    let io = |source| DeclareError::new(K::Io { source }).with_file(dir);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// serde_json's message without its ` at line L column C` suffix.
fn message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    s.strip_suffix(&suffix).map(str::to_string).unwrap_or(s)
}

/// Turns a typed-pass error into a [`DeclareError`] located at the plugin,
/// table and column whose names `value` holds.
fn locate(e: serde_path_to_error::Error<serde_json::Error>, value: &Value) -> DeclareError {
    let segs: Vec<&Segment> = e.path().iter().collect();
    let mut err = DeclareError::new(K::BadValue {
        at: String::new(),
        msg: String::new(),
    });
    err.plugin = value
        .get("plugin")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut rest: &[&Segment] = &segs;
    if let [Segment::Map { key }, Segment::Seq { index }, tail @ ..] = rest {
        let item = &value[key.as_str()][*index];
        if let (Some(kind), Some(name)) = (object_kind(key), item["name"].as_str()) {
            err.object = Some(format!("{kind} `{name}`").into_boxed_str());
            rest = tail;
        }
    }
    if let [Segment::Map { key }, Segment::Seq { index: ti }, tail @ ..] = rest {
        let t = &value["tables"][*ti];
        if let (true, Some(name)) = (key == "tables", t["name"].as_str()) {
            err.table = Some(name.to_string());
            rest = tail;
            if let [Segment::Map { key }, Segment::Seq { index: ci }, tail @ ..] = rest {
                if let (true, Some(name)) = (key == "columns", t["columns"][*ci]["name"].as_str()) {
                    err.column = Some(name.to_string());
                    rest = tail;
                }
            }
        }
    }
    let msg = message(e.inner());
    let quoted = |prefix: &str| -> Option<(String, String)> {
        let body = msg.strip_prefix(prefix)?;
        let end = body
            .rfind("`, expected ")
            .or_else(|| body.rfind("`, there are no"))
            .or_else(|| body.strip_suffix('`').map(|b| b.len()))?;
        let after = body[end + 1..].trim_start_matches(", ");
        Some((
            body[..end].to_string(),
            after.trim_start_matches("expected ").to_string(),
        ))
    };
    *err.kind = if let Some((key, expected)) = quoted("unknown field `") {
        // The path ends at the unknown key itself.
        if let [init @ .., Segment::Map { key: k }] = rest {
            if *k == key {
                rest = init;
            }
        }
        K::UnknownKey {
            key,
            at: render(rest),
            expected,
        }
    } else if let Some((value, expected)) = quoted("unknown variant `") {
        K::UnknownValue {
            value,
            at: render(rest),
            expected,
        }
    } else if let Some((key, _)) = quoted("missing field `") {
        K::MissingKey {
            key,
            at: render(rest),
        }
    } else if let Some((key, _)) = quoted("duplicate field `") {
        if let [init @ .., Segment::Map { key: k }] = rest {
            if *k == key {
                rest = init;
            }
        }
        K::DuplicateKey {
            key,
            at: render(rest),
        }
    } else {
        K::BadValue {
            at: render(rest),
            msg,
        }
    };
    err
}

/// The object kind of a top-level list, for error context (tables have
/// their own, with columns).
fn object_kind(key: &str) -> Option<&'static str> {
    match key {
        "views" => Some("view"),
        "materialized_views" => Some("materialized view"),
        "sequences" => Some("sequence"),
        "functions" => Some("function"),
        "triggers" => Some("trigger"),
        _ => None,
    }
}

/// `indexes[1].columns[0]`.
fn render(segs: &[&Segment]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Segment::Seq { index } => s.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema-fixtures")
    }

    fn err(text: &str) -> String {
        from_json_str(text, Some(Path::new("billing.json")))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn serde_errors_name_the_table_and_column() {
        let col = |extra: &str| {
            format!(
                r#"{{"plugin": "billing", "tables": [{{"name": "other", "columns": []}},
                   {{"name": "invoices", "columns": [{{"name": "id", "type": "int"}}, {{"name": "status", "type": "text"{extra}}}]}}]}}"#
            )
        };
        let ctx = "billing.json: plugin `billing`, table `invoices`, column `status`";
        assert_eq!(
            err(&col(r#", "nulable": false"#)),
            format!("{ctx}: unknown key `nulable`; expected one of `name`, `type`, `collation`, `nullable`, `default`, `identity`, `generated`, `serial`, `comment`, `renamed_from`")
        );
        assert_eq!(
            err(&col(r#", "nullable": "no""#)),
            format!("{ctx}: `nullable`: invalid type: string \"no\", expected a boolean")
        );
        assert_eq!(
            err(&col(r#", "identity": "alwayz""#)),
            format!(
                "{ctx}: unknown value `alwayz` for `identity`; expected `always` or `by_default`"
            )
        );
        assert_eq!(
            err(&col(r#", "type": "int""#)),
            format!("{ctx}: key `type` given twice")
        );
        assert_eq!(
            err(
                r#"{"plugin": "billing", "tables": [{"name": "invoices", "columns": [{"name": "status"}]}]}"#
            ),
            "billing.json: plugin `billing`, table `invoices`, column `status`: missing key `type`"
        );
    }

    #[test]
    fn serde_errors_below_a_table_give_the_path() {
        let t = |body: &str| {
            err(&format!(
                r#"{{"plugin": "billing", "tables": [{{"name": "invoices", "columns": [], {body}}}]}}"#
            ))
        };
        let ctx = "billing.json: plugin `billing`, table `invoices`";
        assert_eq!(
            t(r#""foreign_keys": [{"columns": ["a"], "references": {"table": "x", "columns": ["a"]}, "on_delete": "cascad"}]"#),
            format!("{ctx}: unknown value `cascad` for `foreign_keys[0].on_delete`; expected one of `no_action`, `restrict`, `cascade`, `set_null`, `set_default`")
        );
        assert_eq!(
            t(r#""foreign_keys": [{"columns": ["a"], "references": {"table": "x", "columns": ["a"]}, "deferrable": true}]"#),
            format!("{ctx}: `foreign_keys[0].deferrable`: invalid type: boolean `true`, expected a string")
        );
        assert_eq!(
            t(r#""foreign_keys": [{"columns": ["a"], "references": {"table": "x", "columns": ["a"]}, "deferrable": "later"}]"#),
            format!("{ctx}: unknown value `later` for `foreign_keys[0].deferrable`; expected one of `no`, `immediate`, `deferred`")
        );
        assert_eq!(
            t(r#""indexes": [{"columns": [{"column": "a", "nulls": "middle"}]}]"#),
            format!("{ctx}: unknown value `middle` for `indexes[0].columns[0].nulls`; expected `first` or `last`")
        );
        assert_eq!(
            t(r#""indexes": [{"columns": [{"column": "a", "dsc": true}]}]"#),
            format!("{ctx}: unknown key `dsc` in `indexes[0].columns[0]`; expected one of `column`, `expr`, `desc`, `nulls`")
        );
        assert_eq!(
            t(r#""indexes": [{"columns": ["a"], "nulls": "first"}]"#),
            format!("{ctx}: unknown key `nulls` in `indexes[0]`; expected one of `name`, `columns`, `expressions`, `unique`, `method`, `where`, `include`")
        );
        assert_eq!(
            t(r#""primary_key": "id""#),
            format!("{ctx}: `primary_key`: invalid type: string \"id\", expected a list of column names or an object with `name` and `columns`")
        );
        assert_eq!(
            t(r#""checks": [{"name": "c"}]"#),
            format!("{ctx}: missing key `expr` in `checks[0]`")
        );
    }

    #[test]
    fn serde_errors_outside_tables() {
        assert_eq!(
            err(r#"{"plugin": "billing", "tables": [], "extra": 1}"#),
            "billing.json: plugin `billing`: unknown key `extra`; expected one of `plugin`, `version`, `namespace`, `depends_on`, `extensions`, `enums`, `domains`, `composite_types`, `tables`, `views`, `materialized_views`, `sequences`, `functions`, `triggers`, `policies`"
        );
        assert_eq!(
            err(r#"{"plugin": "billing", "tables": [{"columns": []}]}"#),
            "billing.json: plugin `billing`: missing key `name` in `tables[0]`"
        );
        assert_eq!(
            err(r#"{"plugin": "billing", "depends_on": {"a": "1", "a": "2"}}"#),
            "billing.json: plugin `billing`: key `a` given twice in `depends_on`"
        );
        assert_eq!(
            err(r#"{"plugin": "billing", "enums": [{"name": "e", "values": [1]}]}"#),
            "billing.json: plugin `billing`: `enums[0].values[0]`: invalid type: integer `1`, expected a string"
        );
        assert_eq!(
            err(r#"{"tables": []}"#),
            "billing.json: missing key `plugin`"
        );
        assert_eq!(err("[]"), "billing.json: a schema file is one JSON object");
    }

    #[test]
    fn malformed_json_gives_line_and_column() {
        assert_eq!(
            err("{\"plugin\": \"billing\",\n  \"tables\": [}\n"),
            "billing.json: invalid JSON at line 2 column 14: expected value"
        );
        assert_eq!(
            err(""),
            "billing.json: invalid JSON at line 1 column 0: EOF while parsing a value"
        );
    }

    #[test]
    fn the_fixtures_load_in_name_order() {
        let all = load_dir(fixtures()).unwrap();
        let names: Vec<&str> = all.iter().map(|d| d.plugin.as_str()).collect();
        assert_eq!(names, ["accounts", "audit", "billing"]);
        assert!(all.iter().all(|d| d.namespace() == d.plugin));
        assert_eq!(all[2].depends_on.keys().collect::<Vec<_>>(), ["accounts"]);
        let one = load_file(fixtures().join("billing.json")).unwrap();
        assert_eq!(one, all[2]);
    }

    #[test]
    fn directories_and_duplicate_plugins() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("b.json", r#"{"plugin": "shop"}"#);
        write("a.json", r#"{"plugin": "accounts"}"#);
        write("notes.txt", "not a schema");
        std::fs::create_dir(dir.path().join("shop")).unwrap();
        write("shop/nested.json", "not even json");
        let all = load_dir(dir.path()).unwrap();
        assert_eq!(
            all.iter().map(|d| d.plugin.as_str()).collect::<Vec<_>>(),
            ["accounts", "shop"]
        );

        // A file named twice loads once; a directory and a file in it overlap.
        let paths = [
            dir.path().join("b.json"),
            dir.path().to_path_buf(),
            dir.path().join("b.json"),
        ];
        let all = load_paths(&paths).unwrap();
        assert_eq!(
            all.iter().map(|d| d.plugin.as_str()).collect::<Vec<_>>(),
            ["shop", "accounts"]
        );

        write("c.json", r#"{"plugin": "shop", "version": "2.0.0"}"#);
        let e = load_dir(dir.path()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: plugin `shop`: plugin is also declared in {}",
                dir.path().join("c.json").display(),
                dir.path().join("b.json").display()
            )
        );
        let e = load_paths(&[
            dir.path().join("c.json"),
            fixtures(),
            dir.path().join("b.json"),
        ])
        .unwrap_err();
        assert!(matches!(*e.kind, K::DuplicatePlugin { .. }), "{e}");
        assert_eq!(e.file.as_deref(), Some(dir.path().join("b.json").as_path()));

        write(
            "d.json",
            r#"{"plugin": "x", "tables": [{"name": "t", "columns": [{"name": "c", "type": "strnig"}]}]}"#,
        );
        std::fs::remove_file(dir.path().join("c.json")).unwrap();
        assert_eq!(
            load_dir(dir.path()).unwrap_err().to_string(),
            format!(
                "{}: plugin `x`, table `t`, column `c`: unknown type `strnig`",
                dir.path().join("d.json").display()
            )
        );
    }

    #[test]
    fn unreadable_paths_say_which() {
        let e = load_file("/nonexistent/graft/x.json").unwrap_err();
        assert!(matches!(*e.kind, K::Io { .. }));
        assert!(
            e.to_string()
                .starts_with("/nonexistent/graft/x.json: cannot read: "),
            "{e}"
        );
        let e = load_dir("/nonexistent/graft").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nonexistent/graft: cannot read: "),
            "{e}"
        );
    }
}
