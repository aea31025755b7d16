//! Hand-written migrations: what a diff cannot know (backfills, value
//! renames, SQL outside the model).
//!
//! A [`Migration`] is either an SQL file,
//! `DIR/<plugin>/migrations/<version>-<seq>-<name>.sql` (see [`parse_file`]),
//! or a Rust closure over the open transaction ([`Migration::closure`]). It
//! runs once, when its plugin is upgraded to a version >= its own, in
//! `(version, seq)` order, in the same transaction as the schema diff,
//! before or after it ([`Phase`]).
//!
//! ```
//! use graft::scripts::{Migration, Phase};
//! use semver::Version;
//!
//! let backfill = Migration::closure(Version::new(1, 1, 0), 1, "backfill-due-on", |tx| {
//!     Box::pin(async move {
//!         tx.execute("UPDATE billing.invoices SET due_on = now()::date WHERE due_on IS NULL", &[])
//!             .await?;
//!         Ok(())
//!     })
//! })
//! .phase(Phase::After)
//! .down(|tx| Box::pin(async move {
//!     tx.batch_execute("UPDATE billing.invoices SET due_on = NULL").await?;
//!     Ok(())
//! }));
//! assert_eq!(backfill.id(), "1.1.0-001-backfill-due-on");
//! ```

mod file;

pub use file::{load_migrations, migrations_dir, new_migration, parse_file, ScriptFileError};

use crate::snapshot::{hash_bytes, script_checksum, SnapshotHash};
use semver::Version;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::Transaction;

/// The error a closure returns: anything that converts with `?`
/// (`tokio_postgres::Error`, `String`, ...).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a closure returns (`Box::pin(async move { ... })`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A migration step written in Rust: receives the open migration
/// transaction.
pub type MigrationFn =
    Arc<dyn for<'a> Fn(&'a Transaction<'a>) -> BoxFuture<'a, Result<(), BoxError>> + Send + Sync>;

/// Whether a migration runs before or after the schema diff of its version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before the diff: sees the schema as it was.
    Before,
    /// After the diff (the default): new columns exist (still nullable),
    /// dropped ones are still there; see the README for the details.
    #[default]
    After,
}

impl Phase {
    /// `before` or `after`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::After => "after",
        }
    }

    /// Parses `before` or `after`.
    pub fn parse(s: &str) -> Option<Phase> {
        match s {
            "before" => Some(Phase::Before),
            "after" => Some(Phase::After),
            _ => None,
        }
    }
}

/// One part of a migration: SQL text or a closure.
#[derive(Clone)]
pub enum Action {
    /// SQL run with the simple query protocol (several statements allowed).
    Sql(String),
    /// A closure over the transaction.
    Closure(MigrationFn),
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Sql(s) => f.debug_tuple("Sql").field(s).finish(),
            Action::Closure(_) => f.write_str("Closure(..)"),
        }
    }
}

impl Action {
    /// The SQL text, for SQL actions.
    pub fn sql(&self) -> Option<&str> {
        match self {
            Action::Sql(s) => Some(s),
            Action::Closure(_) => None,
        }
    }
}

/// A precondition checked just before the up (or down) part runs.
#[derive(Clone)]
pub enum Validate {
    /// A query that returns no rows when the preconditions hold; each row it
    /// returns is a reason to refuse (its first column is shown).
    Sql(String),
    /// A closure: `Err(reason)` refuses.
    Closure(MigrationFn),
}

impl fmt::Debug for Validate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Validate::Sql(s) => f.debug_tuple("Sql").field(s).finish(),
            Validate::Closure(_) => f.write_str("Closure(..)"),
        }
    }
}

/// A hand-written migration.
#[derive(Debug, Clone)]
pub struct Migration {
    pub(crate) version: Version,
    pub(crate) seq: u32,
    pub(crate) name: String,
    pub(crate) phase: Phase,
    pub(crate) up: Action,
    pub(crate) down: Option<Action>,
    pub(crate) validate: Option<Validate>,
    pub(crate) timeout: Option<Duration>,
    /// Runs on a first install too (seed data); by default a first install
    /// records it without running it.
    pub(crate) on_install: bool,
    /// For closures: a text the author changes when the closure's meaning
    /// changes (part of the checksum).
    pub(crate) fingerprint: Option<String>,
    pub(crate) checksum: SnapshotHash,
    pub(crate) file: Option<PathBuf>,
}

impl Migration {
    /// A migration from SQL text (the parts given explicitly; files go
    /// through [`parse_file`]). The checksum covers the up, down and
    /// validate text, the phase and the timeout.
    pub fn sql(version: Version, seq: u32, name: impl Into<String>, up: impl Into<String>) -> Self {
        let mut m = Migration::bare(version, seq, name.into(), Action::Sql(up.into()));
        m.rehash();
        m
    }

    /// A migration written in Rust. Its checksum covers its id, phase,
    /// timeout, whether it has a down part and validate step, and the
    /// [`fingerprint`](Self::fingerprint) (code cannot be hashed: change
    /// the fingerprint when the closure's meaning changes after it shipped).
    pub fn closure<F>(version: Version, seq: u32, name: impl Into<String>, up: F) -> Self
    where
        F: for<'a> Fn(&'a Transaction<'a>) -> BoxFuture<'a, Result<(), BoxError>>
            + Send
            + Sync
            + 'static,
    {
        let mut m = Migration::bare(version, seq, name.into(), Action::Closure(Arc::new(up)));
        m.rehash();
        m
    }

    fn bare(version: Version, seq: u32, name: String, up: Action) -> Self {
        Migration {
            version,
            seq,
            name,
            phase: Phase::After,
            up,
            down: None,
            validate: None,
            timeout: None,
            on_install: false,
            fingerprint: None,
            checksum: SnapshotHash::from_hex(""),
            file: None,
        }
    }

    /// Runs before or after the schema diff of its version.
    pub fn phase(mut self, phase: Phase) -> Self {
        self.phase = phase;
        self.rehash();
        self
    }

    /// The down part, as a closure (used by rollbacks).
    pub fn down<F>(mut self, down: F) -> Self
    where
        F: for<'a> Fn(&'a Transaction<'a>) -> BoxFuture<'a, Result<(), BoxError>>
            + Send
            + Sync
            + 'static,
    {
        self.down = Some(Action::Closure(Arc::new(down)));
        self.rehash();
        self
    }

    /// The down part, as SQL.
    pub fn down_sql(mut self, sql: impl Into<String>) -> Self {
        self.down = Some(Action::Sql(sql.into()));
        self.rehash();
        self
    }

    /// A validate step as a closure: `Err(reason)` refuses the migration
    /// (and rolls everything back).
    pub fn validate<F>(mut self, check: F) -> Self
    where
        F: for<'a> Fn(&'a Transaction<'a>) -> BoxFuture<'a, Result<(), BoxError>>
            + Send
            + Sync
            + 'static,
    {
        self.validate = Some(Validate::Closure(Arc::new(check)));
        self.rehash();
        self
    }

    /// A validate step as SQL: a query that returns no rows when the
    /// preconditions hold; each row's first column is a reason to refuse.
    pub fn validate_sql(mut self, query: impl Into<String>) -> Self {
        self.validate = Some(Validate::Sql(query.into()));
        self.rehash();
        self
    }

    /// `SET LOCAL statement_timeout` while this migration's parts run.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self.rehash();
        self
    }

    /// Runs on a first install too, after the schema is created (seed
    /// data). By default a first install (no journal row yet) records the
    /// migration as applied without running it: the data it migrates never
    /// existed there, and the declared schema is created as it is.
    pub fn run_on_install(mut self) -> Self {
        self.on_install = true;
        self.rehash();
        self
    }

    /// Whether it runs on a first install.
    pub fn runs_on_install(&self) -> bool {
        self.on_install
    }

    /// For closures: a text that stands for the closure's code in the
    /// checksum (e.g. `"v2"`); change it when an applied closure changes.
    pub fn fingerprint(mut self, text: impl Into<String>) -> Self {
        self.fingerprint = Some(text.into());
        self.rehash();
        self
    }

    /// `<version>-<seq>-<name>`, seq zero-padded to 3 digits (the file stem).
    pub fn id(&self) -> String {
        migration_id(&self.version, self.seq, &self.name)
    }

    /// The version it belongs to.
    pub fn version(&self) -> &Version {
        &self.version
    }

    /// Its sequence number within the version.
    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its phase.
    pub fn phase_of(&self) -> Phase {
        self.phase
    }

    /// The up part.
    pub fn up_action(&self) -> &Action {
        &self.up
    }

    /// The down part, if any.
    pub fn down_action(&self) -> Option<&Action> {
        self.down.as_ref()
    }

    /// The validate step, if any.
    pub fn validate_step(&self) -> Option<&Validate> {
        self.validate.as_ref()
    }

    /// The timeout, if any.
    pub fn timeout_of(&self) -> Option<Duration> {
        self.timeout
    }

    /// The blake3 checksum recorded when it runs.
    pub fn checksum(&self) -> &SnapshotHash {
        &self.checksum
    }

    /// The file it was read from.
    pub fn file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }

    /// The file, or `closure`, for messages.
    pub fn source_name(&self) -> String {
        match &self.file {
            Some(f) => f.display().to_string(),
            None if matches!(self.up, Action::Closure(_)) => "closure".to_string(),
            None => "sql".to_string(),
        }
    }

    /// Whether it is written in Rust.
    pub fn is_closure(&self) -> bool {
        matches!(self.up, Action::Closure(_))
    }

    /// Recomputes the checksum of a migration built in code (files keep the
    /// checksum of their text).
    fn rehash(&mut self) {
        if self.file.is_some() {
            return;
        }
        let mut text = format!(
            "graft migration\nid {}\nphase {}\n",
            self.id(),
            self.phase.as_str()
        );
        if let Some(t) = self.timeout {
            text.push_str(&format!("timeout {}ms\n", t.as_millis()));
        }
        if self.on_install {
            text.push_str("on-install run\n");
        }
        let part = |label: &str, a: Option<&Action>| match a {
            None => String::new(),
            Some(Action::Sql(s)) => format!("{label} sql\n{s}\n"),
            Some(Action::Closure(_)) => format!("{label} closure\n"),
        };
        text.push_str(&part("up", Some(&self.up)));
        text.push_str(&part("down", self.down.as_ref()));
        match &self.validate {
            None => {}
            Some(Validate::Sql(s)) => text.push_str(&format!("validate sql\n{s}\n")),
            Some(Validate::Closure(_)) => text.push_str("validate closure\n"),
        }
        if let Some(f) = &self.fingerprint {
            text.push_str(&format!("fingerprint {f}\n"));
        }
        self.checksum = script_checksum(&text);
    }
}

/// `<version>-<seq>-<name>` with seq zero-padded to 3 digits.
pub fn migration_id(version: &Version, seq: u32, name: &str) -> String {
    format!("{version}-{seq:03}-{name}")
}

/// What identifies an applied migration in the digest the journal keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestEntry {
    /// Its version.
    pub version: Version,
    /// Its seq.
    pub seq: u32,
    /// `<version>-<seq>-<name>`.
    pub id: String,
    /// Its checksum.
    pub checksum: String,
}

/// The digest of a set of migrations, as `_journal.scripts_hash` records
/// it: blake3 over `id checksum` lines in `(version, seq, id)` order; `None`
/// for no migrations. The boot fast path compares it, so that a new, edited
/// or removed migration is noticed without another query.
pub fn digest(entries: &mut [DigestEntry]) -> Option<SnapshotHash> {
    if entries.is_empty() {
        return None;
    }
    entries.sort_by(|a, b| (&a.version, a.seq, &a.id).cmp(&(&b.version, b.seq, &b.id)));
    let mut text = String::from("graft scripts 1\n");
    for e in entries.iter() {
        text.push_str(&e.id);
        text.push(' ');
        text.push_str(&e.checksum);
        text.push('\n');
    }
    Some(hash_bytes(text.as_bytes()))
}

/// The digest of the migrations a plugin at `version` has run once it is
/// up to date: those with a version <= `version`.
pub fn declared_digest(
    migrations: &[Migration],
    version: Option<&Version>,
) -> Option<SnapshotHash> {
    let version = version?;
    let mut entries: Vec<DigestEntry> = migrations
        .iter()
        .filter(|m| &m.version <= version)
        .map(|m| DigestEntry {
            version: m.version.clone(),
            seq: m.seq,
            id: m.id(),
            checksum: m.checksum.to_string(),
        })
        .collect();
    digest(&mut entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_change_with_each_part() {
        let v = Version::new(1, 1, 0);
        let a = Migration::sql(v.clone(), 1, "x", "UPDATE t SET a = 1");
        let b = Migration::sql(v.clone(), 1, "x", "UPDATE t SET a = 2");
        let c = a.clone().phase(Phase::Before);
        let d = a.clone().down_sql("UPDATE t SET a = NULL");
        let e = a.clone().timeout(Duration::from_secs(1));
        let all = [&a, &b, &c, &d, &e];
        for (i, x) in all.iter().enumerate() {
            for y in &all[i + 1..] {
                assert_ne!(x.checksum(), y.checksum(), "{x:?} {y:?}");
            }
        }
        assert_eq!(
            a.checksum(),
            Migration::sql(v, 1, "x", "UPDATE t SET a = 1").checksum()
        );
    }

    #[test]
    fn digest_is_order_independent_and_none_when_empty() {
        let v = |s: &str| s.parse::<Version>().unwrap();
        let m1 = Migration::sql(v("1.10.0"), 1, "a", "SELECT 1");
        let m2 = Migration::sql(v("1.2.0"), 2, "b", "SELECT 2");
        let m3 = Migration::sql(v("2.0.0"), 1, "c", "SELECT 3");
        let all = [m1.clone(), m2.clone(), m3.clone()];
        let rev = [m3, m2, m1];
        assert_eq!(
            declared_digest(&all, Some(&v("1.10.0"))),
            declared_digest(&rev, Some(&v("1.10.0")))
        );
        assert_ne!(
            declared_digest(&all, Some(&v("1.10.0"))),
            declared_digest(&all, Some(&v("2.0.0")))
        );
        assert_eq!(declared_digest(&all, Some(&v("1.0.0"))), None);
        assert_eq!(declared_digest(&all, None), None);
    }
}
