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
            seen.push(load_file(&f)?, f, &mut out)?;
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
    err.kind = if let Some((key, expected)) = quoted("unknown field `") {
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
