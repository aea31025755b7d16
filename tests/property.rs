//! Property test: random schema pairs round-trip through a real database.
//!
//! A case is a namespace, a list of edits that builds schema A from nothing
//! and a second list that turns A into B, so that B overlaps A: tables and
//! columns added, dropped and renamed (with `renamed_from` hints, sometimes
//! to the name of something B dropped), types changed along casts
//! (widening, narrowing, to and from text, enums and arrays), nullability,
//! defaults, identity, stored generated columns, primary keys, unique
//! constraints, checks, indexes (unique, partial, expression, DESC, NULLS
//! FIRST/LAST, INCLUDE, hash), foreign keys between the tables (self
//! references and cycles, every action, deferrable), enums and arrays of
//! them (values added anywhere, removed), comments, extensions, views and
//! materialized views on the tables (and views on those views: their chains
//! are recreated when a column they read changes under them), standalone
//! sequences (type, direction, start, cycle, comment). Names are
//! often hostile: quotes, spaces, semicolons, upper case, reserved words,
//! dots, backslashes, non-ASCII, leading digits, trailing spaces, 63 bytes.
//!
//! For each case, on one database per test run (every schema is dropped
//! between cases):
//!
//! 1. A, B and A-with-hints-back survive the schema file: `to_file` → JSON
//!    → `from_json_str` gives the same model back, rename hints included;
//! 2. migrate to A, introspect equals A; in most cases one row per table;
//! 3. the dry run plans what the diff plans; migrate to B
//!    (`allow_destructive`), introspect equals B; migrating B again is a
//!    no-op; every row is still there, and every column that kept its type
//!    (renamed or not) kept its value;
//! 4. roll back: the tables emptied, migrate B back to A (hints from B's
//!    names), introspect equals A (up to column order: a column dropped and
//!    added back comes back last).
//!
//! Expressions are generated in the form PostgreSQL prints them back. The
//! generator steers around what graft documents it cannot do on
//! PostgreSQL 15: changing the type of a column a generated column reads
//! (recreating the generated column would move it), a generated column
//! reading an enum column (recreating the enum changes its type); added or
//! changed generation expressions move the column last, as graft does. It
//! also keeps to what a single cast can do: one type change per column, to
//! types the row's value and the roll back can cast to.
//!
//! The edits are abstract (indexes into whatever exists when they apply), so
//! proptest shrinks a failure to a few edits; the failure message prints
//! both schemas as schema files and the SQL of the failing plan.
//!
//! `random_schema_pairs_diff_between_databases` takes the same pairs as
//! whole databases (A and B each applied to a database of its own): the
//! diff of the two introspected databases, applied to A's, gives B's
//! (columns compared by name), and so does the diff from A's database to
//! B's declaration normalised through it (`graft diff --from DB --to
//! FILES`), exactly; the second diff is then empty. Half as many cases.
//!
//! `GRAFT_PROPTEST_CASES` sets the number of cases (default 48, about five
//! seconds); `GRAFT_PROPTEST_SEED` (a u64) picks the random seed;
//! `GRAFT_PROPTEST_STATS=1` prints how often each kind of change was planned.

use graft::declare::{from_json_str, Declared};
use graft::diff::diff;
use graft::introspect::introspect;
use graft::model::{
    Check, Column, ColumnType, Deferrable, EnumType, Extension, FkAction, ForeignKey, Identity,
    Index, IndexKey, IndexTarget, PrimaryKey, QualName, Schema, Sequence, Table, Unique, View,
};
use graft::plan::build_plan;
use graft::render::{plan_sql, quote_ident};
use graft::snapshot::{diff_text, Snapshot};
use graft::sql::make_name;
use graft::sql::pg_ident as printed_ident;
use graft::testing::{test_db, TestDb};
use graft::{Migrator, Options, Plugin};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::Index as Ix;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

const PLUGIN: &str = "prop";

// ---------------------------------------------------------------------------
// Types, and the forms PostgreSQL prints expressions in
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    I4,
    I2,
    I8,
    Num,
    Num102,
    Num122,
    Text,
    Vc20,
    Vc40,
    Bool,
    Ts,
    Tstz,
    Date,
    Json,
    Jsonb,
    Uuid,
    TextArr,
    I4Arr,
    /// An enum of the schema, by id.
    Enum(u32),
    /// An array of an enum of the schema.
    EnumArr(u32),
}

const BUILTINS: [Ty; 18] = [
    Ty::I4,
    Ty::I2,
    Ty::I8,
    Ty::Num,
    Ty::Num102,
    Ty::Num122,
    Ty::Text,
    Ty::Vc20,
    Ty::Vc40,
    Ty::Bool,
    Ty::Ts,
    Ty::Tstz,
    Ty::Date,
    Ty::Json,
    Ty::Jsonb,
    Ty::Uuid,
    Ty::TextArr,
    Ty::I4Arr,
];

impl Ty {
    fn is_int(self) -> bool {
        matches!(self, Ty::I2 | Ty::I4 | Ty::I8)
    }
    fn is_num(self) -> bool {
        matches!(self, Ty::Num | Ty::Num102 | Ty::Num122)
    }
    fn is_varchar(self) -> bool {
        matches!(self, Ty::Vc20 | Ty::Vc40)
    }
    /// Has a btree operator class (json has none).
    fn indexable(self) -> bool {
        self != Ty::Json
    }

    fn canonical(self) -> &'static str {
        match self {
            Ty::I2 => "smallint",
            Ty::I4 => "integer",
            Ty::I8 => "bigint",
            Ty::Num => "numeric",
            Ty::Num102 => "numeric(10,2)",
            Ty::Num122 => "numeric(12,2)",
            Ty::Text => "text",
            Ty::Vc20 => "character varying(20)",
            Ty::Vc40 => "character varying(40)",
            Ty::Bool => "boolean",
            Ty::Ts => "timestamp without time zone",
            Ty::Tstz => "timestamp with time zone",
            Ty::Date => "date",
            Ty::Json => "json",
            Ty::Jsonb => "jsonb",
            Ty::Uuid => "uuid",
            Ty::TextArr => "text[]",
            Ty::I4Arr => "integer[]",
            Ty::Enum(_) | Ty::EnumArr(_) => unreachable!("enums are named types"),
        }
    }

    /// Types a column of this type may change to. Every target casts the
    /// row value [`data_literal`] writes.
    fn targets(self, data: bool, enums: &[GEnum]) -> Vec<Ty> {
        let mut v = match self {
            Ty::I2 => vec![Ty::I4, Ty::I8, Ty::Num, Ty::Text],
            Ty::I4 => vec![Ty::I8, Ty::I2, Ty::Num, Ty::Num102, Ty::Text],
            Ty::I8 => vec![Ty::I4, Ty::I2, Ty::Num],
            Ty::Num => vec![Ty::Num102, Ty::Text],
            Ty::Num102 => vec![Ty::Num122, Ty::Num],
            Ty::Num122 => vec![Ty::Num102, Ty::Num],
            Ty::Text => vec![Ty::Vc40, Ty::I4],
            Ty::Vc20 => vec![Ty::Vc40, Ty::Text],
            Ty::Vc40 => vec![Ty::Vc20, Ty::Text],
            Ty::Bool => vec![Ty::Text],
            Ty::Ts => vec![Ty::Tstz, Ty::Text],
            Ty::Tstz => vec![Ty::Ts],
            Ty::Date => vec![Ty::Ts, Ty::Tstz],
            Ty::Json => vec![Ty::Jsonb, Ty::Text],
            Ty::Jsonb => vec![Ty::Text],
            Ty::Uuid => vec![Ty::Text],
            Ty::TextArr => vec![],
            Ty::EnumArr(_) => vec![Ty::TextArr],
            Ty::I4Arr => vec![Ty::TextArr],
            // a label may be longer than 40 characters
            Ty::Enum(_) if data => vec![Ty::Text],
            Ty::Enum(_) => vec![Ty::Text, Ty::Vc40],
        };
        if self == Ty::Text && !data {
            // '1' is no label: only without rows
            v.extend(enums.iter().map(|e| Ty::Enum(e.id)));
        }
        if self == Ty::TextArr && !data {
            v.extend(enums.iter().map(|e| Ty::EnumArr(e.id)));
        }
        v
    }
}

/// PostgreSQL's `quote_identifier`: bare when lower-case plain and not a
/// reserved word.
fn pg_ident(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !KEYWORDS.contains(&s);
    if plain {
        s.to_string()
    } else {
        quote_ident(s)
    }
}

/// A string literal as PostgreSQL prints it (standard conforming strings).
fn pg_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Reserved words used as names (each at most once per case).
const KEYWORDS: &[&str] = &[
    "order", "user", "table", "select", "check", "default", "group", "primary", "from", "limit",
];

const COMMENTS: &[&str] = &[
    "plain comment",
    "it's \"quoted\"; DROP TABLE x; --",
    "two\nlines",
    "back\\slash",
    "ünïcödé ✓",
    "  padded  ",
    "",
];

/// A column default: a constant of the type, or a function of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Def {
    Value(u8),
    Func(u8),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    NotNull,
    Positive,
    NonEmpty,
}

fn kind_of(k: u8) -> Kind {
    match k % 3 {
        0 => Kind::NotNull,
        1 => Kind::Positive,
        _ => Kind::NonEmpty,
    }
}

/// The kind a check or predicate takes for a column type: what does not
/// apply to the type falls back to `IS NOT NULL`. With rows, an enum column
/// holds the label it would be compared with.
fn effective(kind: Kind, ty: Ty, data: bool) -> Kind {
    match kind {
        Kind::Positive if ty.is_int() || ty.is_num() => Kind::Positive,
        Kind::NonEmpty if ty == Ty::Text || ty.is_varchar() => Kind::NonEmpty,
        Kind::NonEmpty if matches!(ty, Ty::Enum(_)) && !data => Kind::NonEmpty,
        _ => Kind::NotNull,
    }
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, Default)]
struct Names {
    n: u32,
    used: HashSet<String>,
}

impl Names {
    /// A name never used before in the case, hostile by `style`.
    fn fresh(&mut self, prefix: &str, style: u8) -> String {
        loop {
            self.n += 1;
            let n = self.n;
            let s = match style % 20 {
                0..=7 => format!("{prefix}{n}"),
                8 => format!("{}{n}", prefix.to_uppercase()),
                9 => format!("{prefix} {n}"),
                10 => format!("{prefix}\"{n}"),
                11 => format!("{prefix}{n}\"; DROP TABLE x; --"),
                12 => KEYWORDS[n as usize % KEYWORDS.len()].to_string(),
                13 => format!("ñ{prefix}{n}"),
                14 => {
                    let mut s = format!("{prefix}{n}_{}", "long".repeat(16));
                    s.truncate(63);
                    s
                }
                15 => format!("{prefix}.{n}"),
                16 => format!("{prefix}\\{n}"),
                17 => format!("{n}{prefix} "),
                18 => format!("{prefix}'{n}"),
                _ => format!("Mixed{prefix}{n}"),
            };
            if self.used.insert(s.clone()) {
                return s;
            }
        }
    }

    /// `make_name(a, b, label)` (the declared default) when still free, else fresh.
    fn default_or_fresh(&mut self, a: &str, b: &str, label: &str, style: u8) -> String {
        let d = make_name(a, b, label);
        if style % 3 == 0 && self.used.insert(d.clone()) {
            d
        } else {
            self.fresh(label, style / 3)
        }
    }
}

// ---------------------------------------------------------------------------
// The generator's own model: stable ids, names rendered at the end
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct GEnum {
    id: u32,
    name: String,
    values: Vec<String>,
    /// The first label: never removed, used by defaults and rows.
    anchor: String,
}

#[derive(Clone, Debug)]
struct GCol {
    id: u32,
    name: String,
    ty: Ty,
    nullable: bool,
    default: Option<Def>,
    identity: Option<Identity>,
    /// Generated as `(<src> IS NOT NULL)`, a boolean.
    gen_src: Option<u32>,
    comment: Option<String>,
    /// A foreign key column: nullable, NULL in rows.
    is_ref: bool,
}

#[derive(Clone, Debug)]
struct GKey {
    name: String,
    cols: Vec<u32>,
}

#[derive(Clone, Debug)]
struct GCheck {
    name: String,
    col: u32,
    kind: Kind,
}

#[derive(Clone, Debug)]
struct GIdxKey {
    col: u32,
    lower: bool,
    desc: bool,
    nulls_first: Option<bool>,
}

#[derive(Clone, Debug)]
struct GIndex {
    name: String,
    unique: bool,
    hash: bool,
    keys: Vec<GIdxKey>,
    include: Vec<u32>,
    pred: Option<(u32, Kind)>,
}

#[derive(Clone, Debug)]
struct GFk {
    name: String,
    cols: Vec<u32>,
    ref_table: u32,
    ref_cols: Vec<u32>,
    on_delete: FkAction,
    on_update: FkAction,
    deferrable: Deferrable,
}

#[derive(Clone, Debug)]
struct GTable {
    id: u32,
    name: String,
    comment: Option<String>,
    cols: Vec<GCol>,
    pk: Option<GKey>,
    uniques: Vec<GKey>,
    checks: Vec<GCheck>,
    indexes: Vec<GIndex>,
    fks: Vec<GFk>,
}

impl GTable {
    fn col(&self, id: u32) -> Option<&GCol> {
        self.cols.iter().find(|c| c.id == id)
    }
    fn has_col(&self, id: u32) -> bool {
        self.col(id).is_some()
    }
    fn col_name(&self, id: u32) -> &str {
        &self.col(id).expect("column exists").name
    }
    /// Column sets that a foreign key may reference: primary key, unique
    /// constraints and unique indexes on plain columns without predicate.
    fn keys(&self) -> Vec<Vec<u32>> {
        let plain =
            |k: &GIdxKey| !(k.lower && self.col(k.col).is_some_and(|c| effective_lower(c.ty)));
        let indexes = self
            .indexes
            .iter()
            .filter(|i| i.unique && !i.hash && i.pred.is_none() && i.keys.iter().all(plain));
        self.pk
            .iter()
            .chain(self.uniques.iter())
            .map(|k| k.cols.clone())
            .chain(indexes.map(|i| i.keys.iter().map(|k| k.col).collect()))
            .filter(|k: &Vec<u32>| k.iter().collect::<HashSet<_>>().len() == k.len())
            .collect()
    }
}

/// A view selecting columns of a table (`SELECT t.a, t.b FROM ns.t`), or
/// the first column of another view (`base`).
#[derive(Clone, Debug)]
struct GView {
    id: u32,
    name: String,
    table: u32,
    cols: Vec<u32>,
    base: Option<u32>,
    materialized: bool,
    comment: Option<String>,
}

#[derive(Clone, Debug)]
struct GSeq {
    name: String,
    /// smallint, integer or bigint; ascending or descending; a start or
    /// not; cycle or not.
    opts: u8,
    comment: Option<String>,
}

#[derive(Clone, Debug)]
struct G {
    ns: String,
    names: Names,
    next_id: u32,
    extensions: BTreeSet<&'static str>,
    enums: Vec<GEnum>,
    tables: Vec<GTable>,
    views: Vec<GView>,
    sequences: Vec<GSeq>,
    /// Rows are inserted between A and B: B must keep them valid.
    data: bool,
    /// Ids and types of the columns of A (in tables of A).
    a_cols: HashMap<u32, Ty>,
    /// Ids of the tables of A.
    a_tables: HashSet<u32>,
    /// Labels of A's enums: the only ones usable in B's defaults.
    a_labels: HashSet<(u32, String)>,
    /// A's table names, and column names by table.
    a_names: HashMap<u32, (String, HashMap<u32, String>)>,
    /// B renames something to a name A used for something it dropped.
    reused: bool,
}

const EXTENSIONS: [&str; 3] = ["hstore", "citext", "pg_trgm"];

// ---------------------------------------------------------------------------
// Edits
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct ColSeed {
    ty: u8,
    nullable: bool,
    default: Option<u8>,
    identity: Option<bool>,
    gen: Option<Ix>,
    comment: Option<u8>,
    style: u8,
}

#[derive(Clone, Debug)]
struct IndexSeed {
    keys: Vec<(Ix, bool, bool, Option<bool>)>,
    unique: bool,
    hash: bool,
    include: Vec<Ix>,
    pred: Option<(Ix, u8)>,
    style: u8,
}

#[derive(Clone, Debug)]
struct FkSeed {
    key: Ix,
    on_delete: u8,
    on_update: u8,
    deferrable: u8,
    style: u8,
}

#[derive(Clone, Debug)]
enum Edit {
    AddTable {
        cols: Vec<ColSeed>,
        pk: Option<u8>,
        comment: Option<u8>,
        style: u8,
    },
    DropTable(Ix),
    RenameTable(Ix, u8),
    AddColumn(Ix, ColSeed),
    DropColumn(Ix, Ix),
    RenameColumn(Ix, Ix, u8),
    ChangeType(Ix, Ix, Ix),
    SetNullable(Ix, Ix, bool),
    SetDefault(Ix, Ix, Option<u8>),
    SetIdentity(Ix, Ix, Option<bool>),
    SetGenerated(Ix, Ix, Option<Ix>),
    SetPk(Ix, Option<Vec<Ix>>, u8),
    AddUnique(Ix, Vec<Ix>, u8),
    DropUnique(Ix, Ix),
    AddCheck(Ix, Ix, u8, u8),
    DropCheck(Ix, Ix),
    AddIndex(Ix, IndexSeed),
    DropIndex(Ix, Ix),
    AddFk(Ix, Ix, FkSeed),
    DropFk(Ix, Ix),
    AddEnum(u8, u8),
    AddEnumValue(Ix, Ix, u8),
    RemoveEnumValue(Ix, Ix),
    DropEnum(Ix),
    SetTableComment(Ix, Option<u8>),
    SetColumnComment(Ix, Ix, Option<u8>),
    SetExtension(u8, bool),
    /// A view on a table's columns (materialized when the flag says so).
    AddView(Ix, Vec<Ix>, bool, u8),
    /// A view on another view.
    AddViewOnView(Ix, u8),
    /// Other columns for a view on a table.
    ChangeView(Ix, Vec<Ix>),
    DropView(Ix),
    SetViewComment(Ix, Option<u8>),
    AddSequence(u8, u8),
    AlterSequence(Ix, u8),
    DropSequence(Ix),
    SetSequenceComment(Ix, Option<u8>),
}

fn col_seed() -> impl Strategy<Value = ColSeed> {
    (
        any::<u8>(),
        any::<bool>(),
        option::weighted(0.3, any::<u8>()),
        option::weighted(0.1, any::<bool>()),
        option::weighted(0.1, any::<Ix>()),
        option::weighted(0.15, any::<u8>()),
        any::<u8>(),
    )
        .prop_map(
            |(ty, nullable, default, identity, gen, comment, style)| ColSeed {
                ty,
                nullable,
                default,
                identity,
                gen,
                comment,
                style,
            },
        )
}

fn index_seed() -> impl Strategy<Value = IndexSeed> {
    (
        vec(
            (
                any::<Ix>(),
                prop::bool::weighted(0.15),
                prop::bool::weighted(0.3),
                option::weighted(0.2, any::<bool>()),
            ),
            1..4,
        ),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.1),
        vec(any::<Ix>(), 0..2),
        option::weighted(0.3, (any::<Ix>(), any::<u8>())),
        any::<u8>(),
    )
        .prop_map(|(keys, unique, hash, include, pred, style)| IndexSeed {
            keys,
            unique,
            hash,
            include,
            pred,
            style,
        })
}

fn fk_seed() -> impl Strategy<Value = FkSeed> {
    (
        any::<Ix>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
    )
        .prop_map(|(key, on_delete, on_update, deferrable, style)| FkSeed {
            key,
            on_delete,
            on_update,
            deferrable,
            style,
        })
}

/// One edit. `b` weighs the kinds for the second list (more changes, fewer
/// new tables).
fn edit(b: bool) -> BoxedStrategy<Edit> {
    let w = |a: u32, bw: u32| if b { bw } else { a };
    let ix = || any::<Ix>();
    let u = || any::<u8>();
    prop_oneof![
        w(4, 2) => add_table(),
        w(1, 2) => ix().prop_map(Edit::DropTable),
        w(1, 3) => (ix(), u()).prop_map(|(t, s)| Edit::RenameTable(t, s)),
        w(4, 4) => (ix(), col_seed()).prop_map(|(t, c)| Edit::AddColumn(t, c)),
        w(1, 3) => (ix(), ix()).prop_map(|(t, c)| Edit::DropColumn(t, c)),
        w(1, 4) => (ix(), ix(), u()).prop_map(|(t, c, s)| Edit::RenameColumn(t, c, s)),
        w(1, 4) => (ix(), ix(), ix()).prop_map(|(t, c, x)| Edit::ChangeType(t, c, x)),
        w(1, 3) => (ix(), ix(), any::<bool>()).prop_map(|(t, c, x)| Edit::SetNullable(t, c, x)),
        w(1, 3) => (ix(), ix(), option::of(u())).prop_map(|(t, c, x)| Edit::SetDefault(t, c, x)),
        w(1, 2) => (ix(), ix(), option::of(any::<bool>())).prop_map(|(t, c, x)| Edit::SetIdentity(t, c, x)),
        w(1, 1) => (ix(), ix(), option::of(ix())).prop_map(|(t, c, x)| Edit::SetGenerated(t, c, x)),
        w(2, 2) => (ix(), option::weighted(0.8, vec(ix(), 1..3)), u()).prop_map(|(t, c, s)| Edit::SetPk(t, c, s)),
        w(2, 2) => (ix(), vec(ix(), 1..3), u()).prop_map(|(t, c, s)| Edit::AddUnique(t, c, s)),
        w(1, 2) => (ix(), ix()).prop_map(|(t, c)| Edit::DropUnique(t, c)),
        w(2, 2) => (ix(), ix(), u(), u()).prop_map(|(t, c, k, s)| Edit::AddCheck(t, c, k, s)),
        w(1, 2) => (ix(), ix()).prop_map(|(t, c)| Edit::DropCheck(t, c)),
        w(3, 3) => (ix(), index_seed()).prop_map(|(t, s)| Edit::AddIndex(t, s)),
        w(1, 2) => (ix(), ix()).prop_map(|(t, c)| Edit::DropIndex(t, c)),
        w(8, 4) => (ix(), ix(), fk_seed()).prop_map(|(t, r, s)| Edit::AddFk(t, r, s)),
        w(1, 2) => (ix(), ix()).prop_map(|(t, c)| Edit::DropFk(t, c)),
        w(2, 1) => (1..4u8, u()).prop_map(|(n, s)| Edit::AddEnum(n, s)),
        w(1, 3) => (ix(), ix(), u()).prop_map(|(e, p, s)| Edit::AddEnumValue(e, p, s)),
        w(1, 2) => (ix(), ix()).prop_map(|(e, p)| Edit::RemoveEnumValue(e, p)),
        w(1, 1) => ix().prop_map(Edit::DropEnum),
        w(1, 2) => (ix(), option::of(u())).prop_map(|(t, c)| Edit::SetTableComment(t, c)),
        w(1, 2) => (ix(), ix(), option::of(u())).prop_map(|(t, c, x)| Edit::SetColumnComment(t, c, x)),
        w(1, 1) => (u(), any::<bool>()).prop_map(|(e, on)| Edit::SetExtension(e, on)),
        w(3, 2) => (ix(), vec(ix(), 1..4), prop::bool::weighted(0.2), u()).prop_map(|(t, c, m, s)| Edit::AddView(t, c, m, s)),
        w(1, 1) => (ix(), u()).prop_map(|(v, s)| Edit::AddViewOnView(v, s)),
        w(1, 2) => (ix(), vec(ix(), 1..4)).prop_map(|(v, c)| Edit::ChangeView(v, c)),
        w(1, 2) => ix().prop_map(Edit::DropView),
        w(1, 1) => (ix(), option::of(u())).prop_map(|(v, c)| Edit::SetViewComment(v, c)),
        w(2, 1) => (u(), u()).prop_map(|(s, o)| Edit::AddSequence(s, o)),
        w(1, 2) => (ix(), u()).prop_map(|(s, o)| Edit::AlterSequence(s, o)),
        w(1, 1) => ix().prop_map(Edit::DropSequence),
        w(1, 1) => (ix(), option::of(u())).prop_map(|(s, c)| Edit::SetSequenceComment(s, c)),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
struct Case {
    ns_style: u8,
    data: bool,
    a: Vec<Edit>,
    b: Vec<Edit>,
}

fn add_table() -> impl Strategy<Value = Edit> {
    let u = || any::<u8>();
    (
        vec(col_seed(), 1..6),
        option::weighted(0.7, u()),
        option::weighted(0.2, u()),
        u(),
        prop::bool::weighted(0.6),
    )
        .prop_map(|(mut cols, pk, comment, style, int_id)| {
            if int_id && pk.is_some() {
                // an integer first column, for keys that foreign keys can reference
                cols[0].ty %= 3;
            }
            Edit::AddTable {
                cols,
                pk,
                comment,
                style,
            }
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<u8>(),
        prop::bool::weighted(0.6),
        vec(
            (1..4u8, any::<u8>()).prop_map(|(n, s)| Edit::AddEnum(n, s)),
            0..3,
        ),
        vec(add_table(), 1..5),
        vec(edit(false), 0..14),
        vec(edit(true), 0..14),
    )
        .prop_map(|(ns_style, data, mut a, tables, more, b)| {
            a.extend(tables);
            a.extend(more);
            Case {
                ns_style,
                data,
                a,
                b,
            }
        })
}

fn pick<T>(v: &[T], ix: &Ix) -> Option<usize> {
    (!v.is_empty()).then(|| ix.index(v.len()))
}

fn fk_action(n: u8) -> FkAction {
    match n % 8 {
        0 => FkAction::Cascade,
        1 => FkAction::Restrict,
        2 => FkAction::SetNull,
        3 => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

fn comment(c: Option<u8>) -> Option<String> {
    c.map(|c| COMMENTS[c as usize % COMMENTS.len()].to_string())
}

impl G {
    fn new(ns_style: u8, data: bool) -> G {
        let mut names = Names::default();
        let ns = names.fresh("ns", ns_style);
        G {
            ns,
            names,
            next_id: 0,
            extensions: BTreeSet::new(),
            enums: Vec::new(),
            tables: Vec::new(),
            views: Vec::new(),
            sequences: Vec::new(),
            data,
            a_cols: HashMap::new(),
            a_tables: HashSet::new(),
            a_labels: HashSet::new(),
            a_names: HashMap::new(),
            reused: false,
        }
    }

    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    /// Marks everything as A's: what B may rely on.
    fn freeze_a(&mut self) {
        for t in &self.tables {
            self.a_tables.insert(t.id);
            let cols = t.cols.iter().map(|c| (c.id, c.name.clone())).collect();
            self.a_names.insert(t.id, (t.name.clone(), cols));
            for c in &t.cols {
                self.a_cols.insert(c.id, c.ty);
            }
        }
        for e in &self.enums {
            for v in &e.values {
                self.a_labels.insert((e.id, v.clone()));
            }
        }
    }

    fn ty_from_seed(&self, s: u8) -> Ty {
        let n = BUILTINS.len() + 5;
        let i = s as usize % n;
        match self.enums.get(s as usize / n % self.enums.len().max(1)) {
            _ if i < BUILTINS.len() => BUILTINS[i],
            Some(e) if i == BUILTINS.len() + 4 => Ty::EnumArr(e.id),
            Some(e) => Ty::Enum(e.id),
            None => Ty::Text,
        }
    }

    fn new_col(&mut self, others: &[GCol], s: &ColSeed) -> GCol {
        let mut ty = self.ty_from_seed(s.ty);
        let id = self.id();
        let name = self.names.fresh("c", s.style);
        let mut c = GCol {
            id,
            name,
            ty,
            nullable: s.nullable,
            default: s.default.map(|d| {
                if d % 2 == 0 {
                    Def::Value(d / 2)
                } else {
                    Def::Func(d / 2)
                }
            }),
            identity: None,
            gen_src: None,
            comment: comment(s.comment),
            is_ref: false,
        };
        if let (Some(k), true) = (s.identity, ty.is_int()) {
            c.identity = Some(if k {
                Identity::Always
            } else {
                Identity::ByDefault
            });
            c.nullable = false;
            c.default = None;
        } else if let Some(g) = &s.gen {
            let srcs: Vec<&GCol> = others.iter().filter(|o| gen_source(o)).collect();
            if let Some(i) = pick(&srcs, g) {
                ty = Ty::Bool;
                c.ty = ty;
                c.gen_src = Some(srcs[i].id);
                c.default = None;
            }
        }
        c
    }

    fn table_ix(&self, ix: &Ix) -> Option<usize> {
        pick(&self.tables, ix)
    }

    fn col_ix(&self, t: usize, ix: &Ix) -> Option<usize> {
        pick(&self.tables[t].cols, ix)
    }

    /// Whether a foreign key uses the column (on either side).
    fn in_fk(&self, table: u32, col: u32) -> bool {
        self.tables.iter().any(|t| {
            t.fks.iter().any(|f| {
                (t.id == table && f.cols.contains(&col))
                    || (f.ref_table == table && f.ref_cols.contains(&col))
            })
        })
    }

    fn apply(&mut self, e: &Edit) {
        match e {
            Edit::AddTable {
                cols,
                pk,
                comment: cm,
                style,
            } => {
                let id = self.id();
                let name = self.names.fresh("t", *style);
                let mut t = GTable {
                    id,
                    name,
                    comment: comment(*cm),
                    cols: Vec::new(),
                    pk: None,
                    uniques: Vec::new(),
                    checks: Vec::new(),
                    indexes: Vec::new(),
                    fks: Vec::new(),
                };
                for s in cols {
                    let c = self.new_col(&t.cols, s);
                    t.cols.push(c);
                }
                if let Some(p) = pk {
                    // integer keys first: foreign keys reference only those
                    let mut cands: Vec<usize> = (0..t.cols.len())
                        .filter(|&i| pk_candidate(&t.cols[i]) && t.cols[i].ty.is_int())
                        .collect();
                    if cands.is_empty() || p % 7 == 6 {
                        cands = (0..t.cols.len())
                            .filter(|&i| pk_candidate(&t.cols[i]))
                            .collect();
                    }
                    if !cands.is_empty() {
                        let mut pcols = vec![t.cols[cands[*p as usize % cands.len()]].id];
                        if p % 5 == 4 && cands.len() > 1 {
                            let other = t.cols[cands[(*p as usize / 5) % cands.len()]].id;
                            if !pcols.contains(&other) {
                                pcols.push(other);
                            }
                        }
                        for c in &mut t.cols {
                            if pcols.contains(&c.id) {
                                c.nullable = false;
                            }
                        }
                        let name = self.names.default_or_fresh(&t.name, "", "pkey", *p);
                        t.pk = Some(GKey { name, cols: pcols });
                    }
                }
                self.tables.push(t);
            }
            Edit::DropTable(ix) => {
                if let Some(t) = self.table_ix(ix) {
                    self.tables.remove(t);
                }
            }
            Edit::RenameTable(ix, style) => {
                if let Some(t) = self.table_ix(ix) {
                    // sometimes to the name of a table of A that B dropped
                    let mut freed: Vec<&String> = self
                        .a_names
                        .iter()
                        .filter(|(id, (n, _))| {
                            !self.tables.iter().any(|t| t.id == **id || t.name == *n)
                        })
                        .map(|(_, (n, _))| n)
                        .collect();
                    freed.sort();
                    // (only a table of A: a new one would be paired by name)
                    let of_a = self.a_tables.contains(&self.tables[t].id);
                    self.tables[t].name = if style % 5 == 4 && of_a && !freed.is_empty() {
                        self.reused = true;
                        freed[*style as usize / 5 % freed.len()].clone()
                    } else {
                        self.names.fresh("t", *style)
                    };
                }
            }
            Edit::AddColumn(ix, s) => {
                if let Some(t) = self.table_ix(ix) {
                    let others = self.tables[t].cols.clone();
                    let c = self.new_col(&others, s);
                    self.tables[t].cols.push(c);
                }
            }
            Edit::DropColumn(t, c) => {
                if let Some(t) = self.table_ix(t) {
                    if let Some(c) = self.col_ix(t, c) {
                        self.tables[t].cols.remove(c);
                    }
                }
            }
            Edit::RenameColumn(t, c, style) => {
                if let Some(t) = self.table_ix(t) {
                    if let Some(c) = self.col_ix(t, c) {
                        // sometimes to the name of a column of A that B dropped
                        let tb = &self.tables[t];
                        let mut freed: Vec<&String> = self
                            .a_names
                            .get(&tb.id)
                            .map(|(_, cols)| {
                                cols.iter()
                                    .filter(|(id, n)| {
                                        !tb.cols.iter().any(|c| c.id == **id || c.name == **n)
                                    })
                                    .map(|(_, n)| n)
                                    .collect()
                            })
                            .unwrap_or_default();
                        freed.sort();
                        let of_a = self.a_cols.contains_key(&tb.cols[c].id);
                        let name = if style % 5 == 4 && of_a && !freed.is_empty() {
                            self.reused = true;
                            freed[*style as usize / 5 % freed.len()].clone()
                        } else {
                            self.names.fresh("c", *style)
                        };
                        self.tables[t].cols[c].name = name;
                    }
                }
            }
            Edit::ChangeType(t, c, x) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(c) = self.col_ix(t, c) else { return };
                let col = &self.tables[t].cols[c];
                // Known limitation (render docs): PostgreSQL 15 refuses to
                // change the type of a column a generated column reads, and
                // recreating the generated column would move it to the end.
                let read = self.tables[t]
                    .cols
                    .iter()
                    .any(|o| o.gen_src == Some(col.id));
                if col.gen_src.is_some() || read {
                    return;
                }
                // (a foreign key column, even one whose key is gone, holds
                // NULL: a check on it must stay one that NULL passes)
                let int_only =
                    col.identity.is_some() || col.is_ref || self.in_fk(self.tables[t].id, col.id);
                let targets: Vec<Ty> = col
                    .ty
                    .targets(self.data, &self.enums)
                    .into_iter()
                    .filter(|ty| !int_only || ty.is_int())
                    .collect();
                // One cast from A's type: each is chosen to take the row's
                // value and to have a cast back (for the roll back); two in a
                // row may not (jsonb → text → integer: no cast integer → jsonb).
                if self.a_cols.get(&col.id).is_some_and(|a| *a != col.ty) {
                    return;
                }
                if let Some(i) = pick(&targets, x) {
                    self.tables[t].cols[c].ty = targets[i];
                }
            }
            Edit::SetNullable(t, c, v) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(c) = self.col_ix(t, c) else { return };
                let tb = &self.tables[t];
                let col = &tb.cols[c];
                let in_pk = tb.pk.as_ref().is_some_and(|p| p.cols.contains(&col.id));
                if (col.is_ref && !v) || in_pk || col.identity.is_some() {
                    return;
                }
                self.tables[t].cols[c].nullable = *v;
            }
            Edit::SetDefault(t, c, d) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(c) = self.col_ix(t, c) else { return };
                let col = &mut self.tables[t].cols[c];
                // a foreign key column's default would fill rows added to
                if col.identity.is_some() || col.gen_src.is_some() || col.is_ref {
                    return;
                }
                col.default = d.map(|d| {
                    if d % 2 == 0 {
                        Def::Value(d / 2)
                    } else {
                        Def::Func(d / 2)
                    }
                });
            }
            Edit::SetIdentity(t, c, k) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(c) = self.col_ix(t, c) else { return };
                let col = &mut self.tables[t].cols[c];
                if !col.ty.is_int() || col.is_ref || col.gen_src.is_some() {
                    return;
                }
                match k {
                    Some(k) => {
                        col.identity = Some(if *k {
                            Identity::Always
                        } else {
                            Identity::ByDefault
                        });
                        col.nullable = false;
                        col.default = None;
                    }
                    None => col.identity = None,
                }
            }
            Edit::SetGenerated(t, c, src) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(c) = self.col_ix(t, c) else { return };
                let tid = self.tables[t].id;
                let col = self.tables[t].cols[c].clone();
                match src {
                    None => {
                        // generated → regular: DROP EXPRESSION keeps it in place
                        self.tables[t].cols[c].gen_src = None;
                    }
                    Some(src) => {
                        // Rolling back casts the boolean to the old type:
                        // only types boolean has a cast to.
                        let from_bool =
                            |ty: Ty| matches!(ty, Ty::Bool | Ty::I4 | Ty::Text) || ty.is_varchar();
                        let castable = from_bool(col.ty)
                            && self.a_cols.get(&col.id).map_or(true, |ty| from_bool(*ty));
                        if col.identity.is_some()
                            || col.is_ref
                            || !castable
                            || self.in_fk(tid, col.id)
                        {
                            return;
                        }
                        let tb = &self.tables[t];
                        if tb.cols.iter().any(|o| o.gen_src == Some(col.id)) {
                            return;
                        }
                        let srcs: Vec<u32> = tb
                            .cols
                            .iter()
                            .filter(|o| o.id != col.id && gen_source(o))
                            .map(|o| o.id)
                            .collect();
                        let Some(i) = pick(&srcs, src) else { return };
                        if col.gen_src == Some(srcs[i]) {
                            return;
                        }
                        let col = &mut self.tables[t].cols[c];
                        col.gen_src = Some(srcs[i]);
                        col.ty = Ty::Bool;
                        col.default = None;
                    }
                }
            }
            Edit::SetPk(t, cols, style) => {
                let Some(t) = self.table_ix(t) else { return };
                match cols {
                    None => self.tables[t].pk = None,
                    Some(ixs) => {
                        let tb = &self.tables[t];
                        let cands: Vec<u32> = tb
                            .cols
                            .iter()
                            .filter(|c| pk_candidate(c))
                            .map(|c| c.id)
                            .collect();
                        let mut pcols: Vec<u32> = Vec::new();
                        for ix in ixs {
                            if let Some(i) = pick(&cands, ix) {
                                if !pcols.contains(&cands[i]) {
                                    pcols.push(cands[i]);
                                }
                            }
                        }
                        if pcols.is_empty() {
                            return;
                        }
                        let tname = tb.name.clone();
                        let name = self.names.default_or_fresh(&tname, "", "pkey", *style);
                        let tb = &mut self.tables[t];
                        for c in &mut tb.cols {
                            if pcols.contains(&c.id) {
                                c.nullable = false;
                            }
                        }
                        tb.pk = Some(GKey { name, cols: pcols });
                    }
                }
            }
            Edit::AddUnique(t, ixs, style) => {
                let Some(t) = self.table_ix(t) else { return };
                let tb = &self.tables[t];
                let cands: Vec<u32> = tb
                    .cols
                    .iter()
                    .filter(|c| c.ty.indexable())
                    .map(|c| c.id)
                    .collect();
                let mut ucols: Vec<u32> = Vec::new();
                for ix in ixs {
                    if let Some(i) = pick(&cands, ix) {
                        if !ucols.contains(&cands[i]) {
                            ucols.push(cands[i]);
                        }
                    }
                }
                if ucols.is_empty() || tb.keys().iter().any(|k| same_set(k, &ucols)) {
                    return;
                }
                let label: Vec<&str> = ucols.iter().map(|c| tb.col_name(*c)).collect();
                let (tname, label) = (tb.name.clone(), label.join("_"));
                let name = self.names.default_or_fresh(&tname, &label, "key", *style);
                self.tables[t].uniques.push(GKey { name, cols: ucols });
            }
            Edit::DropUnique(t, u) => {
                let Some(t) = self.table_ix(t) else { return };
                if let Some(u) = pick(&self.tables[t].uniques, u) {
                    self.tables[t].uniques.remove(u);
                }
            }
            Edit::AddCheck(t, c, k, style) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(c) = self.col_ix(t, c) else { return };
                let col = &self.tables[t].cols[c];
                let mut kind = kind_of(*k);
                if col.is_ref {
                    // NULL in every row: `IS NOT NULL` would fail
                    kind = Kind::Positive;
                }
                let col = col.id;
                let tname = self.tables[t].name.clone();
                let name = self.names.default_or_fresh(&tname, "", "check", *style);
                self.tables[t].checks.push(GCheck { name, col, kind });
            }
            Edit::DropCheck(t, c) => {
                let Some(t) = self.table_ix(t) else { return };
                if let Some(c) = pick(&self.tables[t].checks, c) {
                    self.tables[t].checks.remove(c);
                }
            }
            Edit::AddIndex(t, s) => {
                let Some(t) = self.table_ix(t) else { return };
                let tb = &self.tables[t];
                let cands: Vec<&GCol> = tb.cols.iter().filter(|c| c.ty.indexable()).collect();
                let mut keys: Vec<GIdxKey> = Vec::new();
                for (ix, lower, desc, nulls) in &s.keys {
                    if let Some(i) = pick(&cands, ix) {
                        let col = cands[i].id;
                        if keys.iter().any(|k| k.col == col && k.lower == *lower) {
                            continue;
                        }
                        keys.push(GIdxKey {
                            col,
                            lower: *lower,
                            desc: *desc && !s.hash,
                            nulls_first: nulls.filter(|_| !s.hash),
                        });
                    }
                }
                if keys.is_empty() {
                    return;
                }
                if s.hash {
                    keys.truncate(1);
                }
                let include: Vec<u32> = if s.hash {
                    vec![]
                } else {
                    let mut inc = Vec::new();
                    for ix in &s.include {
                        if let Some(i) = pick(&tb.cols, ix) {
                            let c = tb.cols[i].id;
                            if !keys.iter().any(|k| k.col == c) && !inc.contains(&c) {
                                inc.push(c);
                            }
                        }
                    }
                    inc
                };
                let pred = s.pred.as_ref().and_then(|(ix, k)| {
                    pick(&tb.cols, ix).map(|i| {
                        let c = &tb.cols[i];
                        (
                            c.id,
                            if c.is_ref {
                                Kind::Positive
                            } else {
                                kind_of(*k)
                            },
                        )
                    })
                });
                let label: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        if k.lower && effective_lower(tb.col(k.col).unwrap().ty) {
                            "lower".to_string()
                        } else {
                            tb.col_name(k.col).to_string()
                        }
                    })
                    .collect();
                let (tname, label) = (tb.name.clone(), label.join("_"));
                let name = self.names.default_or_fresh(&tname, &label, "idx", s.style);
                self.tables[t].indexes.push(GIndex {
                    name,
                    unique: s.unique && !s.hash,
                    hash: s.hash,
                    keys,
                    include,
                    pred,
                });
            }
            Edit::DropIndex(t, i) => {
                let Some(t) = self.table_ix(t) else { return };
                if let Some(i) = pick(&self.tables[t].indexes, i) {
                    self.tables[t].indexes.remove(i);
                }
            }
            Edit::AddFk(t, r, s) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(r) = self.table_ix(r) else { return };
                let rt = &self.tables[r];
                let keys: Vec<Vec<u32>> = rt
                    .keys()
                    .into_iter()
                    .filter(|k| k.iter().all(|c| rt.col(*c).unwrap().ty.is_int()))
                    .collect();
                let Some(k) = pick(&keys, &s.key) else { return };
                let ref_cols = keys[k].clone();
                let ref_tys: Vec<Ty> = ref_cols.iter().map(|c| rt.col(*c).unwrap().ty).collect();
                let ref_table = rt.id;
                let mut cols = Vec::new();
                for ty in ref_tys {
                    let id = self.id();
                    let name = self.names.fresh("r", s.style / 2);
                    cols.push(id);
                    self.tables[t].cols.push(GCol {
                        id,
                        name,
                        ty,
                        nullable: true,
                        default: None,
                        identity: None,
                        gen_src: None,
                        comment: None,
                        is_ref: true,
                    });
                }
                let tb = &self.tables[t];
                let label: Vec<&str> = cols.iter().map(|c| tb.col_name(*c)).collect();
                let (tname, label) = (tb.name.clone(), label.join("_"));
                let name = self.names.default_or_fresh(&tname, &label, "fkey", s.style);
                self.tables[t].fks.push(GFk {
                    name,
                    cols,
                    ref_table,
                    ref_cols,
                    on_delete: fk_action(s.on_delete),
                    on_update: fk_action(s.on_update),
                    deferrable: match s.deferrable % 4 {
                        0 => Deferrable::Immediate,
                        1 => Deferrable::Deferred,
                        _ => Deferrable::No,
                    },
                });
            }
            Edit::DropFk(t, f) => {
                let Some(t) = self.table_ix(t) else { return };
                if let Some(f) = pick(&self.tables[t].fks, f) {
                    self.tables[t].fks.remove(f);
                }
            }
            Edit::AddEnum(n, style) => {
                let id = self.id();
                let name = self.names.fresh("e", *style);
                let values: Vec<String> = (0..*n)
                    .map(|i| self.names.fresh("v", style.wrapping_add(i * 7)))
                    .collect();
                let anchor = values[0].clone();
                self.enums.push(GEnum {
                    id,
                    name,
                    values,
                    anchor,
                });
            }
            Edit::AddEnumValue(e, p, style) => {
                let Some(e) = pick(&self.enums, e) else {
                    return;
                };
                let v = self.names.fresh("v", *style);
                let n = self.enums[e].values.len();
                let at = p.index(n + 1);
                self.enums[e].values.insert(at, v);
            }
            Edit::RemoveEnumValue(e, p) => {
                let Some(e) = pick(&self.enums, e) else {
                    return;
                };
                let en = &mut self.enums[e];
                let i = p.index(en.values.len());
                if en.values[i] != en.anchor {
                    en.values.remove(i);
                }
            }
            Edit::DropEnum(e) => {
                let Some(e) = pick(&self.enums, e) else {
                    return;
                };
                let id = self.enums[e].id;
                let used = self.tables.iter().any(|t| {
                    t.cols
                        .iter()
                        .any(|c| c.ty == Ty::Enum(id) || c.ty == Ty::EnumArr(id))
                });
                if !used {
                    self.enums.remove(e);
                }
            }
            Edit::SetTableComment(t, c) => {
                if let Some(t) = self.table_ix(t) {
                    self.tables[t].comment = comment(*c);
                }
            }
            Edit::SetColumnComment(t, c, x) => {
                let Some(t) = self.table_ix(t) else { return };
                let Some(c) = self.col_ix(t, c) else { return };
                self.tables[t].cols[c].comment = comment(*x);
            }
            Edit::SetExtension(e, on) => {
                let e = EXTENSIONS[*e as usize % EXTENSIONS.len()];
                if *on {
                    self.extensions.insert(e);
                } else {
                    self.extensions.remove(e);
                }
            }
            Edit::AddView(t, cols, materialized, style) => {
                let Some(t) = self.table_ix(t) else { return };
                let table = &self.tables[t];
                let mut picked: Vec<u32> = Vec::new();
                for c in cols {
                    if let Some(c) = pick(&table.cols, c) {
                        if !picked.contains(&table.cols[c].id) {
                            picked.push(table.cols[c].id);
                        }
                    }
                }
                if picked.is_empty() {
                    return;
                }
                let table = table.id;
                let id = self.id();
                let name = self.names.fresh("v", *style);
                self.views.push(GView {
                    id,
                    name,
                    table,
                    cols: picked,
                    base: None,
                    materialized: *materialized,
                    comment: None,
                });
            }
            Edit::AddViewOnView(v, style) => {
                let Some(v) = pick(&self.views, v) else {
                    return;
                };
                let base = self.views[v].clone();
                let id = self.id();
                let name = self.names.fresh("w", *style);
                self.views.push(GView {
                    id,
                    name,
                    base: Some(base.id),
                    materialized: false,
                    comment: None,
                    ..base
                });
            }
            Edit::ChangeView(v, cols) => {
                let Some(v) = pick(&self.views, v) else {
                    return;
                };
                if self.views[v].base.is_some() {
                    return;
                }
                let Some(t) = self.tables.iter().find(|t| t.id == self.views[v].table) else {
                    return;
                };
                let mut picked: Vec<u32> = Vec::new();
                for c in cols {
                    if let Some(c) = pick(&t.cols, c) {
                        if !picked.contains(&t.cols[c].id) {
                            picked.push(t.cols[c].id);
                        }
                    }
                }
                if !picked.is_empty() {
                    self.views[v].cols = picked;
                }
            }
            Edit::DropView(v) => {
                if let Some(v) = pick(&self.views, v) {
                    self.views.remove(v);
                }
            }
            Edit::SetViewComment(v, c) => {
                if let Some(v) = pick(&self.views, v) {
                    self.views[v].comment = comment(*c);
                }
            }
            Edit::AddSequence(style, opts) => {
                let name = self.names.fresh("s", *style);
                self.sequences.push(GSeq {
                    name,
                    opts: *opts,
                    comment: None,
                });
            }
            Edit::AlterSequence(s, opts) => {
                if let Some(s) = pick(&self.sequences, s) {
                    self.sequences[s].opts = *opts;
                }
            }
            Edit::DropSequence(s) => {
                if let Some(s) = pick(&self.sequences, s) {
                    self.sequences.remove(s);
                }
            }
            Edit::SetSequenceComment(s, c) => {
                if let Some(s) = pick(&self.sequences, s) {
                    self.sequences[s].comment = comment(*c);
                }
            }
        }
        self.repair();
    }

    /// Removes what a removal left dangling, as B would have to say (and as
    /// PostgreSQL does when it drops a column).
    fn repair(&mut self) {
        loop {
            let mut changed = false;
            let table_ids: HashSet<u32> = self.tables.iter().map(|t| t.id).collect();
            for t in &mut self.tables {
                let ids: HashSet<u32> = t.cols.iter().map(|c| c.id).collect();
                let before = t.cols.len();
                t.cols
                    .retain(|c| c.gen_src.map_or(true, |s| ids.contains(&s)));
                changed |= t.cols.len() != before;
                let has = |c: &u32| t.cols.iter().any(|x| x.id == *c);
                if t.pk.as_ref().is_some_and(|p| !p.cols.iter().all(has)) {
                    t.pk = None;
                    changed = true;
                }
                let n = t.uniques.len() + t.checks.len() + t.indexes.len();
                t.uniques.retain(|u| u.cols.iter().all(has));
                t.checks.retain(|c| has(&c.col));
                t.indexes.retain(|i| {
                    i.keys.iter().all(|k| has(&k.col))
                        && i.include.iter().all(has)
                        && i.pred.map_or(true, |(c, _)| has(&c))
                });
                changed |= n != t.uniques.len() + t.checks.len() + t.indexes.len();
                let n = t.fks.len();
                t.fks
                    .retain(|f| f.cols.iter().all(has) && table_ids.contains(&f.ref_table));
                changed |= n != t.fks.len();
            }
            // a foreign key needs a key of exactly its columns on the other side
            let snapshot = self.tables.clone();
            for t in &mut self.tables {
                let n = t.fks.len();
                t.fks.retain(|f| {
                    snapshot
                        .iter()
                        .find(|r| r.id == f.ref_table)
                        .is_some_and(|r| {
                            f.ref_cols.iter().all(|c| r.has_col(*c))
                                && r.keys().iter().any(|k| same_set(k, &f.ref_cols))
                        })
                });
                changed |= n != t.fks.len();
            }
            // views: their table and columns (and base view) must exist
            let n = self.views.len();
            let tables = &self.tables;
            for v in &mut self.views {
                if let Some(t) = tables.iter().find(|t| t.id == v.table) {
                    v.cols.retain(|c| t.has_col(*c));
                } else {
                    v.cols.clear();
                }
            }
            let ids: HashSet<u32> = self
                .views
                .iter()
                .filter(|v| !v.cols.is_empty())
                .map(|v| v.id)
                .collect();
            self.views
                .retain(|v| !v.cols.is_empty() && v.base.map_or(true, |b| ids.contains(&b)));
            changed |= n != self.views.len();
            if !changed {
                break;
            }
        }
    }

    /// B after its edits: columns new in B on tables with rows need a value
    /// for those rows.
    fn finish_b(&mut self, a: &G) {
        // PostgreSQL 15 cannot add or change a generation expression: graft
        // drops the column and adds it back after the new columns
        // (documented), and adds new generated columns after the other new
        // columns (they may read them), so B says so.
        for t in &mut self.tables {
            let Some(ta) = a.tables.iter().find(|x| x.id == t.id) else {
                continue;
            };
            let recreated = |c: &GCol| {
                c.gen_src.is_some() && ta.col(c.id).is_some_and(|o| o.gen_src != c.gen_src)
            };
            // then new columns, new generated ones (which may read them)
            // with the recreated ones last
            let last = |c: &GCol| recreated(c) || (!ta.has_col(c.id) && c.gen_src.is_some());
            let (kept, moved): (Vec<GCol>, Vec<GCol>) = t.cols.drain(..).partition(|c| !last(c));
            let (old, new): (Vec<GCol>, Vec<GCol>) =
                kept.into_iter().partition(|c| ta.has_col(c.id));
            t.cols = old.into_iter().chain(new).chain(moved).collect();
        }
        if !self.data {
            return;
        }
        for t in &mut self.tables {
            if !self.a_tables.contains(&t.id) {
                continue;
            }
            for c in &mut t.cols {
                if !self.a_cols.contains_key(&c.id)
                    && !c.is_ref
                    && c.identity.is_none()
                    && c.gen_src.is_none()
                    && c.default.is_none()
                {
                    c.default = Some(Def::Value(0));
                }
            }
        }
    }

    fn enum_qual(&self, id: u32) -> QualName {
        let e = self.enums.iter().find(|e| e.id == id).expect("enum exists");
        QualName::new(self.ns.clone(), e.name.clone())
    }

    fn enum_printed(&self, id: u32) -> String {
        let q = self.enum_qual(id);
        format!("{}.{}", pg_ident(&q.schema), pg_ident(&q.name))
    }

    fn column_type(&self, ty: Ty) -> ColumnType {
        match ty {
            Ty::Enum(id) => ColumnType::named(self.enum_qual(id), false),
            Ty::EnumArr(id) => ColumnType::named(self.enum_qual(id), true),
            t => ColumnType::builtin(t.canonical()),
        }
    }

    /// A default as PostgreSQL prints it back.
    fn default_text(&self, ty: Ty, d: Def) -> String {
        // rows must pass `> 0` checks: no negative defaults with rows
        let v = match d {
            _ if self.data => 0,
            Def::Value(v) | Def::Func(v) => v % 2,
        };
        match (ty, d) {
            (Ty::Ts | Ty::Tstz, Def::Func(_)) => ["now()", "CURRENT_TIMESTAMP"][v as usize].into(),
            (Ty::Date, Def::Func(_)) => "CURRENT_DATE".into(),
            (Ty::Uuid, Def::Func(_)) => "gen_random_uuid()".into(),
            (t, _) if t.is_int() => ["7", "'-5'::integer"][v as usize].into(),
            (t, _) if t.is_num() => ["1.5", "'-1.5'::numeric"][v as usize].into(),
            (Ty::Text, _) => ["'x'::text", "'it''s; \"q\" \\'::text"][v as usize].into(),
            (Ty::Vc20 | Ty::Vc40, _) => {
                ["'y'::character varying", "'a b;c'::character varying"][v as usize].into()
            }
            (Ty::Bool, _) => ["true", "false"][v as usize].into(),
            (Ty::Ts, _) => "'2020-01-02 03:04:05'::timestamp without time zone".into(),
            (Ty::Tstz, _) => "now()".into(),
            (Ty::Date, _) => "'2020-01-02'::date".into(),
            (Ty::Json, _) => "'{}'::json".into(),
            (Ty::Jsonb, _) => "'{\"a\": 1}'::jsonb".into(),
            (Ty::Uuid, _) => "'00000000-0000-0000-0000-000000000002'::uuid".into(),
            (Ty::TextArr, _) => ["'{}'::text[]", "'{a,\"b c\"}'::text[]"][v as usize].into(),
            (Ty::I4Arr, _) => "'{1,2}'::integer[]".into(),
            (Ty::EnumArr(id), _) => format!("'{{}}'::{}[]", self.enum_printed(id)),
            (Ty::Enum(id), _) => self.anchor_literal(id),
            _ => unreachable!(),
        }
    }

    /// The schema, with rename hints from `from` (the other side) when given.
    fn materialize(&self, from: Option<&G>) -> Schema {
        let q = |n: &str| QualName::new(self.ns.clone(), n.to_string());
        let mut s = Schema {
            namespaces: vec![self.ns.clone()],
            extensions: self
                .extensions
                .iter()
                .map(|e| Extension::new(e.to_string()))
                .collect(),
            enums: self
                .enums
                .iter()
                .map(|e| EnumType {
                    name: q(&e.name),
                    values: e.values.clone(),
                })
                .collect(),
            tables: Vec::new(),
            ..Schema::default()
        };
        for t in &self.tables {
            let other = from.and_then(|g| g.tables.iter().find(|o| o.id == t.id));
            let mut mt = Table::new(q(&t.name));
            mt.renamed_from = other.filter(|o| o.name != t.name).map(|o| o.name.clone());
            mt.comment = t.comment.clone();
            for c in &t.cols {
                let mut mc = Column::new(c.name.clone(), self.column_type(c.ty));
                mc.renamed_from = other
                    .and_then(|o| o.col(c.id))
                    .filter(|o| o.name != c.name)
                    .map(|o| o.name.clone());
                mc.nullable = c.nullable;
                mc.default = c.default.map(|d| self.default_text(c.ty, d));
                mc.identity = c.identity;
                mc.generated = c
                    .gen_src
                    .map(|s| format!("({} IS NOT NULL)", pg_ident(t.col_name(s))));
                mc.comment = c.comment.clone();
                mt.columns.push(mc);
            }
            let names = |cols: &[u32]| -> Vec<String> {
                cols.iter().map(|c| t.col_name(*c).to_string()).collect()
            };
            mt.primary_key = t.pk.as_ref().map(|p| PrimaryKey {
                name: p.name.clone(),
                columns: names(&p.cols),
            });
            mt.uniques = t
                .uniques
                .iter()
                .map(|u| Unique {
                    name: u.name.clone(),
                    columns: names(&u.cols),
                })
                .collect();
            mt.checks = t
                .checks
                .iter()
                .map(|c| {
                    let col = t.col(c.col).unwrap();
                    Check {
                        name: c.name.clone(),
                        expr: self.check_text(c.kind, &col.name, col.ty),
                    }
                })
                .collect();
            mt.indexes = t
                .indexes
                .iter()
                .map(|i| Index {
                    name: i.name.clone(),
                    unique: i.unique,
                    method: if i.hash { "hash" } else { "btree" }.into(),
                    keys: i
                        .keys
                        .iter()
                        .map(|k| {
                            let col = t.col(k.col).unwrap();
                            IndexKey {
                                target: if k.lower && effective_lower(col.ty) {
                                    IndexTarget::Expr(if col.ty == Ty::Text {
                                        format!("lower({})", pg_ident(&col.name))
                                    } else {
                                        format!("lower({}::text)", pg_ident(&col.name))
                                    })
                                } else {
                                    IndexTarget::Column(col.name.clone())
                                },
                                desc: k.desc,
                                nulls_first: k.nulls_first,
                            }
                        })
                        .collect(),
                    include: names(&i.include),
                    predicate: i.pred.map(|(c, k)| {
                        let col = t.col(c).unwrap();
                        self.pred_text(k, &col.name, col.ty)
                    }),
                })
                .collect();
            mt.foreign_keys = t
                .fks
                .iter()
                .map(|f| {
                    let r = self.tables.iter().find(|r| r.id == f.ref_table).unwrap();
                    ForeignKey {
                        name: f.name.clone(),
                        columns: names(&f.cols),
                        ref_table: q(&r.name),
                        ref_columns: f
                            .ref_cols
                            .iter()
                            .map(|c| r.col_name(*c).to_string())
                            .collect(),
                        on_delete: f.on_delete,
                        on_update: f.on_update,
                        deferrable: f.deferrable,
                    }
                })
                .collect();
            s.tables.push(mt);
        }
        // views as pg_get_viewdef prints them: columns qualified by the
        // relation's name, the relation by the namespace
        let ns = printed_ident(&self.ns);
        for v in &self.views {
            let definition = match v.base {
                Some(b) => {
                    let base = self.views.iter().find(|x| x.id == b).unwrap();
                    let t = self.tables.iter().find(|t| t.id == base.table).unwrap();
                    let b = printed_ident(&base.name);
                    format!(
                        "SELECT {b}.{} FROM {ns}.{b}",
                        printed_ident(t.col_name(base.cols[0]))
                    )
                }
                None => {
                    let t = self.tables.iter().find(|t| t.id == v.table).unwrap();
                    let tn = printed_ident(&t.name);
                    let cols: Vec<String> = v
                        .cols
                        .iter()
                        .map(|c| format!("{tn}.{}", printed_ident(t.col_name(*c))))
                        .collect();
                    format!("SELECT {} FROM {ns}.{tn}", cols.join(", "))
                }
            };
            let mut mv = View::new(q(&v.name), definition);
            mv.materialized = v.materialized;
            mv.comment = v.comment.clone();
            s.views.push(mv);
        }
        for sq in &self.sequences {
            let mut ms = Sequence::new(q(&sq.name));
            let o = sq.opts;
            ms.ty = ["smallint", "integer", "bigint"][o as usize % 3].into();
            ms.increment = if o / 3 % 2 == 0 { 1 } else { -3 };
            if o / 6 % 2 == 1 {
                ms.start = Some(if ms.increment > 0 { 1000 } else { -1000 });
            }
            ms.cycle = o / 12 % 2 == 1;
            ms.comment = sq.comment.clone();
            s.sequences.push(ms);
        }
        s.normalize();
        s
    }
}

/// A column a generated column may read. Not an enum: recreating the enum
/// would change the type of a column a generated column reads, which
/// PostgreSQL 15 refuses (a known limitation, like any type change of it).
fn gen_source(c: &GCol) -> bool {
    c.gen_src.is_none() && !matches!(c.ty, Ty::Enum(_) | Ty::EnumArr(_))
}

fn pk_candidate(c: &GCol) -> bool {
    c.ty.indexable() && c.gen_src.is_none() && !c.is_ref
}

fn same_set(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

fn effective_lower(ty: Ty) -> bool {
    ty == Ty::Text || ty.is_varchar()
}

impl G {
    /// `'<anchor>'::<enum>`, as PostgreSQL prints it.
    fn anchor_literal(&self, id: u32) -> String {
        let e = self.enums.iter().find(|e| e.id == id).unwrap();
        format!("{}::{}", pg_lit(&e.anchor), self.enum_printed(id))
    }

    /// A check as `pg_get_expr(conbin)` prints it.
    fn check_text(&self, kind: Kind, col: &str, ty: Ty) -> String {
        let c = pg_ident(col);
        match (effective(kind, ty, self.data), ty) {
            (Kind::Positive, t) if t.is_int() => format!("({c} > 0)"),
            (Kind::Positive, _) => format!("({c} > (0)::numeric)"),
            (Kind::NonEmpty, Ty::Text) => format!("({c} <> ''::text)"),
            (Kind::NonEmpty, Ty::Enum(id)) => format!("({c} <> {})", self.anchor_literal(id)),
            (Kind::NonEmpty, _) => format!("(({c})::text <> ''::text)"),
            (Kind::NotNull, _) => format!("({c} IS NOT NULL)"),
        }
    }

    /// An index predicate as `pg_get_expr(indpred, indrelid, true)` prints it.
    fn pred_text(&self, kind: Kind, col: &str, ty: Ty) -> String {
        let c = pg_ident(col);
        match (effective(kind, ty, self.data), ty) {
            (Kind::Positive, t) if t.is_int() => format!("{c} > 0"),
            (Kind::Positive, _) => format!("{c} > 0::numeric"),
            (Kind::NonEmpty, Ty::Text) => format!("{c} <> ''::text"),
            (Kind::NonEmpty, Ty::Enum(id)) => format!("{c} <> {}", self.anchor_literal(id)),
            (Kind::NonEmpty, _) => format!("{c}::text <> ''::text"),
            (Kind::NotNull, _) => format!("{c} IS NOT NULL"),
        }
    }
}

/// The value a row holds in a column of this type: every cast of
/// [`Ty::targets`] accepts it and every check kind holds for it.
fn data_literal(g: &G, ty: Ty) -> String {
    match ty {
        t if t.is_int() || t.is_num() => "1".into(),
        Ty::Text | Ty::Vc20 | Ty::Vc40 => "'1'".into(),
        Ty::Bool => "true".into(),
        Ty::Ts => "'2020-01-02 03:04:05'".into(),
        Ty::Tstz => "'2020-01-02 03:04:05+00'".into(),
        Ty::Date => "'2020-01-02'".into(),
        Ty::Json | Ty::Jsonb => "'{\"a\": 1}'".into(),
        Ty::Uuid => "'00000000-0000-0000-0000-000000000001'".into(),
        Ty::TextArr | Ty::I4Arr => "'{1}'".into(),
        Ty::Enum(id) => pg_lit(&g.enums.iter().find(|e| e.id == id).unwrap().anchor),
        Ty::EnumArr(_) => "'{}'".into(),
        _ => unreachable!(),
    }
}

// ---------------------------------------------------------------------------
// Running a case
// ---------------------------------------------------------------------------

struct Built {
    g_a: G,
    g_b: G,
    a: Schema,
    b: Schema,
    /// A with hints from B's names: migrating B to it rolls back.
    a_back: Schema,
}

fn build(case: &Case) -> Built {
    let mut g = G::new(case.ns_style, case.data);
    for e in &case.a {
        g.apply(e);
    }
    g.freeze_a();
    let g_a = g.clone();
    for e in &case.b {
        g.apply(e);
    }
    g.finish_b(&g_a);
    let a = g_a.materialize(None);
    let b = g.materialize(Some(&g_a));
    let a_back = g_a.materialize(Some(&g));
    Built {
        g_a,
        g_b: g,
        a,
        b,
        a_back,
    }
}

fn declared(schema: &Schema) -> Declared {
    Declared {
        plugin: PLUGIN.to_string(),
        version: None,
        depends_on: BTreeMap::new(),
        schema: schema.clone(),
    }
}

fn file_json(schema: &Schema) -> String {
    serde_json::to_string_pretty(&declared(schema).to_file()).unwrap()
}

/// The schema through its schema file and back: the same model, hints included.
fn through_file(schema: &Schema) -> Result<Schema, String> {
    let json = serde_json::to_string(&declared(schema).to_file()).unwrap();
    let back = from_json_str(&json, None)
        .map_err(|e| format!("the schema file does not load back: {e}\n{json}"))?;
    if back.schema != *schema {
        return Err(format!(
            "the schema file loads back different:\n{}\nhints: {:?}\nvs {:?}",
            diff_text(
                &Snapshot::new(schema.clone()),
                &Snapshot::new(back.schema.clone())
            ),
            hints(schema),
            hints(&back.schema)
        ));
    }
    Ok(back.schema)
}

fn hints(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for t in &s.tables {
        if let Some(r) = &t.renamed_from {
            out.push(format!("{} <- {r}", t.name.name));
        }
        for c in &t.columns {
            if let Some(r) = &c.renamed_from {
                out.push(format!("{}.{} <- {r}", t.name.name, c.name));
            }
        }
    }
    out
}

/// Change kinds planned over the run, for `GRAFT_PROPTEST_STATS=1`.
static STATS: std::sync::Mutex<BTreeMap<String, usize>> = std::sync::Mutex::new(BTreeMap::new());

fn count(what: &str, old: &Schema, new: &Schema) {
    let mut st = STATS.lock().unwrap();
    for c in diff(old, new) {
        *st.entry(format!("{what} {}", c.kind())).or_default() += 1;
    }
}

const NO_CHANGES: &str = "-- no changes\n";

fn plan_of(old: &Schema, new: &Schema) -> String {
    match build_plan(diff(old, new)) {
        Ok(p) if p.is_empty() => NO_CHANGES.into(),
        Ok(p) => plan_sql(&p),
        Err(e) => format!("-- does not render: {e}\n"),
    }
}

fn error_text(e: &graft::Error) -> String {
    let mut s = e.to_string();
    if let graft::Error::Apply { source, .. } | graft::Error::Db { source, .. } = e {
        let _ = write!(
            s,
            "\n  postgres: {}",
            graft::embedded::pg_error_text(source)
        );
    }
    s
}

struct Ctx {
    rt: tokio::runtime::Runtime,
    db: TestDb,
    client: Option<tokio_postgres::Client>,
}

impl Ctx {
    fn new() -> Ctx {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let db = rt.block_on(test_db());
        Ctx {
            rt,
            db,
            client: None,
        }
    }
}

/// Drops every schema and extension a case made.
async fn reset(client: &tokio_postgres::Client) {
    let rows = client
        .query(
            "SELECT nspname::text FROM pg_namespace \
             WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')",
            &[],
        )
        .await
        .unwrap();
    let mut sql = String::new();
    for r in rows {
        let n: String = r.get(0);
        let _ = writeln!(sql, "DROP SCHEMA {} CASCADE;", quote_ident(&n));
    }
    for e in EXTENSIONS {
        let _ = writeln!(sql, "DROP EXTENSION IF EXISTS {} CASCADE;", quote_ident(e));
    }
    client.batch_execute(&sql).await.unwrap();
}

async fn live(client: &mut tokio_postgres::Client, expected: &Schema) -> Result<Schema, String> {
    let mut s = introspect(client, &expected.namespaces)
        .await
        .map_err(|e| format!("introspection failed: {e}"))?
        .schema;
    s.extensions = graft::model::extensions_as_declared(&s.extensions, &expected.extensions);
    Ok(s)
}

/// [`compare`] with each table's columns in name order: a column dropped
/// and added back comes back at the end of its table.
fn compare_unordered(expected: &Schema, live: &Schema) -> Option<String> {
    let sorted = |s: &Schema| {
        let mut s = s.clone();
        for t in &mut s.tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        s
    };
    compare(&sorted(expected), &sorted(live))
}

fn compare(expected: &Schema, live: &Schema) -> Option<String> {
    let d = diff_text(
        &Snapshot::new(expected.clone()),
        &Snapshot::new(live.clone()),
    );
    (!d.is_empty()).then_some(d)
}

/// One row per table, columns read back as text (by column id).
type Rows = BTreeMap<u32, BTreeMap<u32, Option<String>>>;

async fn insert_rows(client: &tokio_postgres::Client, g: &G) -> Result<(), String> {
    for t in &g.tables {
        let cols: Vec<&GCol> = t
            .cols
            .iter()
            .filter(|c| c.gen_src.is_none() && c.identity.is_none())
            .collect();
        let table = format!("{}.{}", quote_ident(&g.ns), quote_ident(&t.name));
        let sql = if cols.is_empty() {
            format!("INSERT INTO {table} DEFAULT VALUES")
        } else {
            format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                cols.iter()
                    .map(|c| quote_ident(&c.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                cols.iter()
                    .map(|c| if c.is_ref {
                        "NULL".into()
                    } else {
                        data_literal(g, c.ty)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        client
            .batch_execute(&sql)
            .await
            .map_err(|e| format!("{sql}: {}", graft::embedded::pg_error_text(&e)))?;
    }
    Ok(())
}

/// The row of every table of `g` that was in A.
async fn read_rows(client: &tokio_postgres::Client, g: &G) -> Result<Rows, String> {
    let mut out = Rows::new();
    for t in g.tables.iter().filter(|t| g.a_tables.contains(&t.id)) {
        let table = format!("{}.{}", quote_ident(&g.ns), quote_ident(&t.name));
        let sel: Vec<String> = t
            .cols
            .iter()
            .map(|c| format!("{}::text", quote_ident(&c.name)))
            .collect();
        let sql = if sel.is_empty() {
            format!("SELECT FROM {table}")
        } else {
            format!("SELECT {} FROM {table}", sel.join(", "))
        };
        let rows = client
            .query(&sql, &[])
            .await
            .map_err(|e| format!("{sql}: {}", graft::embedded::pg_error_text(&e)))?;
        if rows.len() != 1 {
            return Err(format!("table {} holds {} rows, not 1", t.name, rows.len()));
        }
        let vals = t
            .cols
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, rows[0].get::<_, Option<String>>(i)))
            .collect();
        out.insert(t.id, vals);
    }
    Ok(out)
}

fn report(built: &Built, stage: &str, what: &str, plan: &str) -> TestCaseError {
    TestCaseError::fail(format!(
        "{stage}: {what}\n\n== plan SQL ==\n{plan}\n== A ==\n{}\n== B ==\n{}\n",
        file_json(&built.a),
        file_json(&built.b),
    ))
}

/// With `around`, A -> B runs around a hand-written `after` migration (so
/// through the expanded schema of `graft::migrate::expand`), and the way
/// back is `Migrator::rollback` to snapshot 1 (again around its down part).
async fn run_case(
    client: &mut tokio_postgres::Client,
    case: &Case,
    around: bool,
) -> Result<(), TestCaseError> {
    let built = build(case);
    let fail = |stage: &str, what: String, plan: &str| Err(report(&built, stage, &what, plan));

    // 1. the schema file carries A and B (with their hints) exactly
    for (n, s) in [
        ("A", &built.a),
        ("B", &built.b),
        ("A (back)", &built.a_back),
    ] {
        if n == "A (back)" && built.g_b.reused {
            continue;
        }
        if let Err(e) = through_file(s) {
            return fail(&format!("schema file of {n}"), e, "");
        }
    }

    if std::env::var_os("GRAFT_PROPTEST_STATS").is_some() {
        count("A", &Schema::default(), &built.a);
        count("B", &built.a, &built.b);
        count("back", &built.b, &built.a_back);
        *STATS
            .lock()
            .unwrap()
            .entry(format!("cases with rows: {}", case.data))
            .or_default() += 1;
    }
    reset(client).await;
    let migrator = Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    });
    let empty = Schema::default();

    // 2. apply A
    let plan_a = plan_of(&empty, &built.a);
    let mut pa = Plugin::new(PLUGIN, built.a.clone());
    if around {
        pa = pa.with_version(semver::Version::new(1, 0, 0));
    }
    if let Err(e) = migrator.migrate(client, &pa).await {
        return fail("migrate to A", error_text(&e), &plan_a);
    }
    match live(client, &built.a).await {
        Err(e) => return fail("introspect A", e, &plan_a),
        Ok(l) => {
            if let Some(d) = compare(&built.a, &l) {
                return fail("live schema differs from A", d, &plan_a);
            }
        }
    }
    let mut before = None;
    if case.data {
        if let Err(e) = insert_rows(client, &built.g_a).await {
            return fail("inserting rows into A", e, &plan_a);
        }
        before = Some(
            read_rows(client, &built.g_a)
                .await
                .map_err(|e| report(&built, "reading rows of A", &e, &plan_a))?,
        );
    }

    // 3. A → B; the dry run (from the stored snapshot) plans what the diff does
    let plan_b = plan_of(&built.a, &built.b);
    let mut pb = Plugin::new(PLUGIN, built.b.clone());
    if around {
        let v = semver::Version::new(2, 0, 0);
        pb = pb
            .with_version(v.clone())
            .with_migration(graft::Migration::sql(v, 1, "noop", "SELECT 1").down_sql("SELECT 2"));
    }
    match migrator.plan(client, &pb).await {
        Ok(_) if around => {}
        Ok(pp) if plan_sql(&pp.plan) == plan_b || (pp.plan.is_empty() && plan_b == NO_CHANGES) => {}
        Ok(pp) => {
            let dry = plan_sql(&pp.plan);
            return fail("the dry run plans something else", dry, &plan_b);
        }
        Err(e) => return fail("dry run of B", error_text(&e), &plan_b),
    }
    if let Err(e) = migrator.migrate(client, &pb).await {
        return fail("migrate A to B", error_text(&e), &plan_b);
    }
    match live(client, &built.b).await {
        Err(e) => return fail("introspect B", e, &plan_b),
        Ok(l) => {
            if let Some(d) = compare(&built.b, &l) {
                return fail("live schema differs from B", d, &plan_b);
            }
        }
    }
    match migrator.migrate(client, &pb).await {
        Ok(r) if r.fast_path && !r.applied_any() => {}
        Ok(r) => return fail("B again is not a no-op", format!("{r:?}"), &plan_b),
        Err(e) => return fail("B again", error_text(&e), &plan_b),
    }
    if let Some(before) = before {
        let after = read_rows(client, &built.g_b)
            .await
            .map_err(|e| report(&built, "reading rows of B", &e, &plan_b))?;
        for ta in &built.g_a.tables {
            let Some(tb) = built.g_b.tables.iter().find(|t| t.id == ta.id) else {
                continue;
            };
            for ca in &ta.cols {
                let Some(cb) = tb.col(ca.id) else { continue };
                if ca.ty != cb.ty || ca.gen_src != cb.gen_src {
                    continue;
                }
                let (x, y) = (&before[&ta.id][&ca.id], &after[&tb.id][&cb.id]);
                if x != y {
                    return fail(
                        "data lost",
                        format!(
                            "column {}.{} (now {}.{}) held {x:?}, now {y:?}",
                            ta.name, ca.name, tb.name, cb.name
                        ),
                        &plan_b,
                    );
                }
            }
        }
    }

    // 4. roll back: B → A, on empty tables. Not after B reused a name A
    // dropped: A would rename back from a name it declares, which a schema
    // file cannot say.
    if built.g_b.reused {
        return Ok(());
    }
    if !built.g_b.tables.is_empty() {
        let list: Vec<String> = built
            .g_b
            .tables
            .iter()
            .map(|t| format!("{}.{}", quote_ident(&built.g_b.ns), quote_ident(&t.name)))
            .collect();
        client
            .batch_execute(&format!("TRUNCATE {} CASCADE", list.join(", ")))
            .await
            .map_err(|e| report(&built, "truncate", &e.to_string(), ""))?;
    }
    let plan_back = plan_of(&built.b, &built.a_back);
    if around {
        let opts = graft::RollbackOptions {
            allow_destructive: true,
            ..Default::default()
        };
        if let Err(e) = migrator.rollback(client, PLUGIN, 1, opts, Some(&pb)).await {
            return fail("roll B back to snapshot 1", error_text(&e), &plan_back);
        }
    } else {
        let pback = Plugin::new(PLUGIN, built.a_back.clone());
        if let Err(e) = migrator.migrate(client, &pback).await {
            return fail("migrate B back to A", error_text(&e), &plan_back);
        }
    }
    match live(client, &built.a).await {
        Err(e) => return fail("introspect A after rollback", e, &plan_back),
        Ok(l) => {
            if let Some(d) = compare_unordered(&built.a, &l) {
                return fail("live schema differs from A after rollback", d, &plan_back);
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("GRAFT_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48)
}

#[test]
fn random_schema_pairs_round_trip() {
    round_trip(cases(), false);
}

/// The same pairs, A -> B around a hand-written migration and back by a
/// rollback: the expanded schema between them is one PostgreSQL accepts,
/// and the two diffs around it end exactly at B (and at A).
#[test]
fn random_schema_pairs_round_trip_around_a_migration() {
    round_trip(cases().div_ceil(2), true);
}

fn round_trip(cases: u32, around: bool) {
    let ctx = RefCell::new(Ctx::new());
    let config = Config {
        cases,
        max_shrink_iters: 400,
        source_file: Some(file!()),
        ..Config::default()
    };
    let mut runner = match std::env::var("GRAFT_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
        }
        None => TestRunner::new(config),
    };
    let result = runner.run(&case(), |case| {
        let mut ctx = ctx.borrow_mut();
        let ctx = &mut *ctx;
        if ctx.client.is_none() {
            ctx.client = Some(ctx.rt.block_on(ctx.db.connect()));
        }
        let client = ctx.client.as_mut().unwrap();
        let r = ctx.rt.block_on(run_case(client, &case, around));
        if r.is_err() && client.is_closed() {
            ctx.client = None;
        }
        r
    });
    if std::env::var_os("GRAFT_PROPTEST_STATS").is_some() {
        for (k, v) in STATS.lock().unwrap().iter() {
            eprintln!("{v:6} {k}");
        }
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------
// The same pairs as whole databases: `graft diff` between two databases, and
// from a database to a declaration normalised through it
// ---------------------------------------------------------------------------

/// Runs `sql` (a plan's statements) in one transaction, as graft applies.
async fn run_sql(client: &tokio_postgres::Client, sql: &str) -> Result<(), String> {
    match client.batch_execute(&format!("BEGIN;\n{sql}COMMIT;")).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(graft::embedded::pg_error_text(&e))
        }
    }
}

async fn read_ns(c: &mut tokio_postgres::Client, ns: &[String]) -> Result<Schema, String> {
    introspect(c, ns)
        .await
        .map(|i| i.schema)
        .map_err(|e| e.to_string())
}

/// A database holding A and one holding B (each applied by graft); then:
///
/// 1. the diff of the two introspected databases (printed forms on both
///    sides, no rename hints), applied to A's database, makes it equal to
///    B's (columns compared by name: without hints a renamed column comes
///    back last);
/// 2. A's database again, and the diff from it to B's declaration
///    normalised through it (hints kept, as `graft diff --from DB --to
///    FILES` does), applied, makes it equal to B's database exactly.
async fn run_db_case(
    c1: &mut tokio_postgres::Client,
    c2: &mut tokio_postgres::Client,
    case: &Case,
) -> Result<(), TestCaseError> {
    let built = build(case);
    let fail = |stage: &str, what: String, plan: &str| Err(report(&built, stage, &what, plan));
    let m = Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    });
    reset(c1).await;
    reset(c2).await;
    if let Err(e) = m.migrate(c1, &Plugin::new(PLUGIN, built.a.clone())).await {
        return fail("migrate to A", error_text(&e), "");
    }
    if let Err(e) = m.migrate(c2, &Plugin::new(PLUGIN, built.b.clone())).await {
        return fail("migrate to B (fresh)", error_text(&e), "");
    }
    let mut namespaces = built.a.namespaces.clone();
    namespaces.extend(built.b.namespaces.iter().cloned());
    namespaces.sort();
    namespaces.dedup();
    let live_a = read_ns(c1, &namespaces)
        .await
        .map_err(|e| report(&built, "introspect A", &e, ""))?;
    let live_b = read_ns(c2, &namespaces)
        .await
        .map_err(|e| report(&built, "introspect B", &e, ""))?;

    // 1. database to database
    let sql = match build_plan(diff(&live_a, &live_b)) {
        Ok(p) => plan_sql(&p),
        Err(e) => return fail("db diff does not render", e.to_string(), ""),
    };
    if let Err(e) = run_sql(c1, &sql).await {
        return fail("applying the db diff to A", e, &sql);
    }
    let after = read_ns(c1, &namespaces)
        .await
        .map_err(|e| report(&built, "introspect", &e, &sql))?;
    if let Some(d) = compare_unordered(&live_b, &after) {
        return fail("A's database after the db diff differs from B's", d, &sql);
    }

    // 2. database to the normalised declaration of B
    reset(c1).await;
    if let Err(e) = m.migrate(c1, &Plugin::new(PLUGIN, built.a.clone())).await {
        return fail("migrate to A again", error_text(&e), "");
    }
    let mut live_a = read_ns(c1, &namespaces)
        .await
        .map_err(|e| report(&built, "introspect A", &e, ""))?;
    let norm_b = {
        let tx = c1
            .transaction()
            .await
            .map_err(|e| report(&built, "tx", &e.to_string(), ""))?;
        let n = graft::normalize::normalize_in(&tx, &built.b).await;
        let _ = tx.rollback().await;
        n.map_err(|e| report(&built, "normalising B", &e.to_string(), ""))?
    };
    live_a.extensions =
        graft::model::extensions_as_declared(&live_a.extensions, &built.b.extensions);
    live_a.normalize();
    let sql = match build_plan(diff(&live_a, &norm_b)) {
        Ok(p) => plan_sql(&p),
        Err(e) => return fail("file diff does not render", e.to_string(), ""),
    };
    if let Err(e) = run_sql(c1, &sql).await {
        return fail("applying the file diff to A", e, &sql);
    }
    let (after, want) = (
        live(c1, &built.b)
            .await
            .map_err(|e| report(&built, "introspect", &e, &sql))?,
        live(c2, &built.b)
            .await
            .map_err(|e| report(&built, "introspect", &e, &sql))?,
    );
    if let Some(d) = compare(&want, &after) {
        return fail("A's database after the file diff differs from B's", d, &sql);
    }
    // and nothing is left to do
    match build_plan(diff(&after, &norm_b)) {
        Ok(p) if p.is_empty() => Ok(()),
        Ok(p) => fail("the file diff again is not empty", plan_sql(&p), &sql),
        Err(e) => fail("file diff again does not render", e.to_string(), &sql),
    }
}

#[test]
fn random_schema_pairs_diff_between_databases() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (db1, db2) = rt.block_on(async { (test_db().await, test_db().await) });
    let clients = RefCell::new(None::<(tokio_postgres::Client, tokio_postgres::Client)>);
    let config = Config {
        cases: cases().div_ceil(2),
        max_shrink_iters: 200,
        source_file: Some(file!()),
        ..Config::default()
    };
    let mut runner = match std::env::var("GRAFT_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
        }
        None => TestRunner::new(config),
    };
    let result = runner.run(&case(), |case| {
        let mut guard = clients.borrow_mut();
        if guard
            .as_ref()
            .is_none_or(|(a, b)| a.is_closed() || b.is_closed())
        {
            *guard = Some(rt.block_on(async { (db1.connect().await, db2.connect().await) }));
        }
        let (c1, c2) = guard.as_mut().unwrap();
        rt.block_on(run_db_case(c1, c2, &case))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
