//! Hand-written migration files: `<version>-<seq>-<name>.sql` with
//! `-- graft:` directives.
//!
//! ```sql
//! -- graft:phase after          (before | after; default after)
//! -- graft:timeout 30s          (optional: ms, s or min; SET LOCAL statement_timeout)
//! -- graft:on-install run       (optional: also on a first install; default skip)
//! -- graft:validate             (optional: a query; every row it returns is a refusal)
//! SELECT format('%s invoices without account', count(*)) FROM billing.invoices
//!  WHERE account_id IS NULL HAVING count(*) > 0;
//! -- graft:up
//! UPDATE billing.invoices SET due_on = created_at::date + 30 WHERE due_on IS NULL;
//! -- graft:down                 (optional)
//! UPDATE billing.invoices SET due_on = NULL;
//! ```

use super::{Action, Migration, Phase, Validate};
use crate::snapshot::script_checksum;
use semver::Version;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A hand-written migration file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {msg}", .file.display(), .line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ScriptFileError {
    /// The file (or directory).
    pub file: PathBuf,
    /// 1-based line, when the problem is on one.
    pub line: Option<usize>,
    /// What is wrong.
    pub msg: String,
}

fn err(file: &Path, line: Option<usize>, msg: impl Into<String>) -> ScriptFileError {
    ScriptFileError {
        file: file.to_path_buf(),
        line,
        msg: msg.into(),
    }
}

/// `DIR/<plugin>/migrations` for a schema file in `DIR`.
pub fn migrations_dir(schema_dir: &Path, plugin: &str) -> PathBuf {
    schema_dir.join(plugin).join("migrations")
}

/// Splits a file stem `<version>-<seq>-<name>`: the first `-<digits>-`
/// whose prefix is a semver version (so prerelease versions work).
fn split_stem(stem: &str) -> Option<(Version, u32, String)> {
    let bytes = stem.as_bytes();
    for (i, _) in stem.match_indices('-') {
        let rest = &stem[i + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || bytes.get(i + 1 + digits) != Some(&b'-') {
            continue;
        }
        let Ok(version) = stem[..i].parse::<Version>() else {
            continue;
        };
        let name = &rest[digits + 1..];
        let seq: u32 = rest[..digits].parse().ok()?;
        if name.is_empty() {
            return None;
        }
        return Some((version, seq, name.to_string()));
    }
    None
}

fn parse_timeout(s: &str) -> Option<Duration> {
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "s" | "" => Some(Duration::from_secs(n)),
        "min" | "m" => Some(Duration::from_secs(n * 60)),
        _ => None,
    }
}

/// Whether SQL text holds nothing but comments and blank space.
fn is_blank_sql(s: &str) -> bool {
    s.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with("--"))
}

/// Parses one migration file's text; `file` names it (its stem gives
/// version, seq and name) and labels errors. The checksum is blake3 of the
/// whole text with CRLF folded to LF.
pub fn parse_file(file: &Path, text: &str) -> Result<Migration, ScriptFileError> {
    let stem = file
        .file_name()
        .and_then(|s| s.to_str())
        .and_then(|s| s.strip_suffix(".sql"))
        .ok_or_else(|| err(file, None, "a migration file name ends in .sql"))?;
    let (version, seq, name) = split_stem(stem).ok_or_else(|| {
        err(
            file,
            None,
            "a migration file is named <version>-<seq>-<name>.sql, e.g. 1.1.0-001-backfill.sql",
        )
    })?;
    let text_lf = text.replace("\r\n", "\n");
    let mut phase = None;
    let mut timeout = None;
    let mut on_install = None;
    #[derive(Clone, Copy, PartialEq)]
    enum Part {
        Header,
        Up,
        Down,
        Validate,
    }
    let mut part = Part::Header;
    let (mut up, mut down, mut validate): (Option<String>, Option<String>, Option<String>) =
        (None, None, None);
    let mut header = String::new();
    for (n, line) in text_lf.split('\n').enumerate() {
        let lineno = n + 1;
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("-- graft:") {
            let mut words = rest.split_whitespace();
            let directive = words.next().unwrap_or("");
            let value = words.next();
            let tail: Vec<&str> = words.collect();
            let tail_ok = tail
                .first()
                .map_or(true, |w| w.starts_with('(') || w.starts_with("--"));
            let section_value_ok =
                value.map_or(true, |w| w.starts_with('(') || w.starts_with("--"));
            let mut start = |p: Part, slot: &mut Option<String>, label: &str| {
                if slot.is_some() {
                    return Err(err(
                        file,
                        Some(lineno),
                        format!("a second `-- graft:{label}`"),
                    ));
                }
                if !section_value_ok {
                    return Err(err(
                        file,
                        Some(lineno),
                        format!("`-- graft:{label}` takes no value"),
                    ));
                }
                *slot = Some(String::new());
                part = p;
                Ok(())
            };
            match directive {
                "up" => start(Part::Up, &mut up, "up")?,
                "down" => start(Part::Down, &mut down, "down")?,
                "validate" => start(Part::Validate, &mut validate, "validate")?,
                "phase" => {
                    let p = value
                        .and_then(Phase::parse)
                        .filter(|_| tail_ok)
                        .ok_or_else(|| {
                            err(
                                file,
                                Some(lineno),
                                "`-- graft:phase` is `before` or `after`",
                            )
                        })?;
                    if phase.replace(p).is_some() {
                        return Err(err(file, Some(lineno), "a second `-- graft:phase`"));
                    }
                }
                "timeout" => {
                    let t = value
                        .and_then(parse_timeout)
                        .filter(|_| tail_ok)
                        .ok_or_else(|| {
                            err(
                                file,
                                Some(lineno),
                                "`-- graft:timeout` is a duration such as 500ms, 30s or 5min",
                            )
                        })?;
                    if timeout.replace(t).is_some() {
                        return Err(err(file, Some(lineno), "a second `-- graft:timeout`"));
                    }
                }
                "on-install" => {
                    let v = value.filter(|_| tail_ok).and_then(|v| match v {
                        "run" => Some(true),
                        "skip" => Some(false),
                        _ => None,
                    });
                    let v = v.ok_or_else(|| {
                        err(
                            file,
                            Some(lineno),
                            "`-- graft:on-install` is `run` or `skip`",
                        )
                    })?;
                    if on_install.replace(v).is_some() {
                        return Err(err(file, Some(lineno), "a second `-- graft:on-install`"));
                    }
                }
                other => {
                    return Err(err(
                        file,
                        Some(lineno),
                        format!(
                            "unknown directive `-- graft:{other}` (known: up, down, validate, \
                             phase, timeout, on-install)"
                        ),
                    ))
                }
            }
            continue;
        }
        let slot = match part {
            Part::Header => &mut header,
            Part::Up => up.as_mut().expect("started"),
            Part::Down => down.as_mut().expect("started"),
            Part::Validate => validate.as_mut().expect("started"),
        };
        if part == Part::Header && !(trimmed.is_empty() || trimmed.starts_with("--")) {
            return Err(err(
                file,
                Some(lineno),
                "SQL before `-- graft:up` (every statement belongs to an up, down or validate part)",
            ));
        }
        slot.push_str(line);
        slot.push('\n');
    }
    let up = up.ok_or_else(|| err(file, None, "no `-- graft:up` part"))?;
    if is_blank_sql(&up) {
        return Err(err(file, None, "the `-- graft:up` part is empty"));
    }
    if validate.as_deref().is_some_and(is_blank_sql) {
        return Err(err(file, None, "the `-- graft:validate` part is empty"));
    }
    let down = down.filter(|d| !is_blank_sql(d));
    Ok(Migration {
        version,
        seq,
        name,
        phase: phase.unwrap_or_default(),
        up: Action::Sql(up.trim_end().to_string()),
        down: down.map(|d| Action::Sql(d.trim_end().to_string())),
        validate: validate.map(|v| Validate::Sql(v.trim_end().to_string())),
        timeout,
        on_install: on_install.unwrap_or(false),
        fingerprint: None,
        checksum: script_checksum(text),
        file: Some(file.to_path_buf()),
    })
}

/// The migrations in `dir` (`*.sql`, in `(version, seq)` order); none when
/// the directory does not exist. Other files are ignored.
pub fn load_migrations(dir: &Path) -> Result<Vec<Migration>, ScriptFileError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(err(dir, None, format!("cannot read the directory: {e}"))),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| err(dir, None, format!("cannot read the directory: {e}")))?
            .path();
        if path.extension().map_or(true, |e| e != "sql") || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| err(&path, None, format!("cannot read: {e}")))?;
        out.push(parse_file(&path, &text)?);
    }
    out.sort_by(|a, b| (&a.version, a.seq, &a.name).cmp(&(&b.version, b.seq, &b.name)));
    for w in out.windows(2) {
        if w[0].version == w[1].version && w[0].seq == w[1].seq {
            return Err(err(
                w[1].file.as_deref().unwrap_or(dir),
                None,
                format!(
                    "seq {} of version {} is also used by {}",
                    w[1].seq,
                    w[1].version,
                    w[0].file.as_deref().unwrap_or(dir).display()
                ),
            ));
        }
    }
    Ok(out)
}

/// `name` as a file name part: lower case, runs of other characters as `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Writes a new migration for `plugin` at `version` in `dir` (created if
/// needed) from the template, with the next seq for that version, and
/// returns its path. Refuses to overwrite a file.
pub fn new_migration(
    dir: &Path,
    plugin: &str,
    version: &Version,
    name: &str,
) -> Result<PathBuf, ScriptFileError> {
    let name = slug(name);
    if name.is_empty() {
        return Err(err(
            dir,
            None,
            "a migration needs a name of letters or digits",
        ));
    }
    // From the file names only: a template not filled in yet still counts.
    let mut seq = 1;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let file_name = e.file_name();
            let Some(stem) = file_name.to_str().and_then(|s| s.strip_suffix(".sql")) else {
                continue;
            };
            if let Some((v, s, _)) = split_stem(stem) {
                if &v == version {
                    seq = seq.max(s + 1);
                }
            }
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| err(dir, None, format!("cannot create the directory: {e}")))?;
    let path = dir.join(format!("{}.sql", super::migration_id(version, seq, &name)));
    let text = format!(
        "-- A hand-written migration of plugin `{plugin}`: it runs once, when `{plugin}` is\n\
         -- upgraded to {version} or later, in the same transaction as the schema diff.\n\
         -- graft:phase after\n\
         -- (before: runs on the schema as it was; after: new columns exist, still nullable,\n\
         -- and dropped ones are still there; NOT NULL, checks and foreign keys come after it.)\n\
         -- Optional: `-- graft:timeout 30s`; `-- graft:on-install run` to run it on a first\n\
         -- install too (by default a first install records it without running it); and a\n\
         -- `-- graft:validate` part: a query whose rows are reasons to refuse.\n\
         -- graft:up\n\
         \n\
         -- graft:down\n\
         -- (what undoes it, for `graft rollback`; delete this part if nothing can.)\n"
    );
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| err(&path, None, format!("cannot create: {e}")))?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .map_err(|e| err(&path, None, format!("cannot write: {e}")))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<Migration, ScriptFileError> {
        parse_file(Path::new(name), text)
    }

    #[test]
    fn parses_the_parts() {
        let m = parse(
            "1.1.0-001-backfill-due-on.sql",
            "-- a comment\n-- graft:phase before   (runs first)\n-- graft:timeout 2s\n\
             -- graft:validate\nSELECT 'no' WHERE false;\n-- graft:up\nUPDATE t SET a = 1;\n\
             -- graft:down\nUPDATE t SET a = NULL;\n",
        )
        .unwrap();
        assert_eq!(m.id(), "1.1.0-001-backfill-due-on");
        assert_eq!(m.phase, Phase::Before);
        assert_eq!(m.timeout, Some(Duration::from_secs(2)));
        assert_eq!(m.up.sql(), Some("UPDATE t SET a = 1;"));
        assert_eq!(
            m.down.as_ref().and_then(Action::sql),
            Some("UPDATE t SET a = NULL;")
        );
        assert!(matches!(&m.validate, Some(Validate::Sql(s)) if s == "SELECT 'no' WHERE false;"));
        let pre = parse("2.0.0-rc.1-002-x.sql", "-- graft:up\nSELECT 1;").unwrap();
        assert_eq!(pre.version.to_string(), "2.0.0-rc.1");
        assert_eq!((pre.seq, pre.name.as_str()), (2, "x"));
        assert_eq!(pre.phase, Phase::After);
        assert!(pre.down.is_none());
    }

    #[test]
    fn crlf_is_folded_in_the_checksum() {
        let a = parse("1.0.0-001-a.sql", "-- graft:up\nSELECT 1;\n").unwrap();
        let b = parse("1.0.0-001-a.sql", "-- graft:up\r\nSELECT 1;\r\n").unwrap();
        let c = parse("1.0.0-001-a.sql", "-- graft:up\nSELECT 2;\n").unwrap();
        assert_eq!(a.checksum(), b.checksum());
        assert_ne!(a.checksum(), c.checksum());
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            (
                "x.sql",
                "-- graft:up\nSELECT 1;",
                "x.sql: a migration file is named",
            ),
            (
                "1.0.0-001-a.sql",
                "SELECT 1;\n-- graft:up\nSELECT 1;",
                "1.0.0-001-a.sql:1: SQL before",
            ),
            (
                "1.0.0-001-a.sql",
                "-- graft:up\n-- graft:sideways",
                "1.0.0-001-a.sql:2: unknown directive",
            ),
            (
                "1.0.0-001-a.sql",
                "-- graft:phase during\n-- graft:up\nSELECT 1;",
                ":1: `-- graft:phase` is",
            ),
            (
                "1.0.0-001-a.sql",
                "-- graft:timeout soon\n-- graft:up\nSELECT 1;",
                ":1: `-- graft:timeout`",
            ),
            (
                "1.0.0-001-a.sql",
                "-- graft:up\n-- nothing\n",
                "the `-- graft:up` part is empty",
            ),
            (
                "1.0.0-001-a.sql",
                "-- graft:down\nSELECT 1;",
                "no `-- graft:up` part",
            ),
            (
                "1.0.0-001-a.sql",
                "-- graft:up\nSELECT 1;\n-- graft:up\nSELECT 2;",
                ":3: a second `-- graft:up`",
            ),
        ];
        for (name, text, want) in cases {
            let e = parse(name, text).unwrap_err().to_string();
            assert!(e.contains(want), "{name}: {e:?} lacks {want:?}");
        }
    }

    #[test]
    fn new_migration_takes_the_next_seq() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("billing").join("migrations");
        let v = Version::new(1, 2, 0);
        let a = new_migration(&d, "billing", &v, "Backfill due on!").unwrap();
        assert!(a.ends_with("1.2.0-001-backfill-due-on.sql"), "{a:?}");
        let b = new_migration(&d, "billing", &v, "second").unwrap();
        assert!(b.ends_with("1.2.0-002-second.sql"), "{b:?}");
        let c = new_migration(&d, "billing", &Version::new(1, 3, 0), "x").unwrap();
        assert!(c.ends_with("1.3.0-001-x.sql"), "{c:?}");
        // The template parses once its up part is written.
        let text = std::fs::read_to_string(&b)
            .unwrap()
            .replace("-- graft:up\n", "-- graft:up\nUPDATE t SET a = 1;\n");
        let m = parse_file(&b, &text).unwrap();
        assert_eq!(m.phase, Phase::After);
        assert!(
            m.down.is_none(),
            "the template's down part is only a comment"
        );
    }
}
