//! What differs between two schemas: typed changes with no SQL and no
//! ordering promises. [`crate::plan`] orders them, [`crate::render`] writes SQL.

mod column;
mod comment;
mod composite;
mod constraint;
mod domain;
mod enum_type;
mod extension;
mod function;
mod grant;
mod index;
mod namespace;
mod policy;
mod sequence;
mod table;
mod trigger;
mod view;

pub use column::ColumnChange;
pub use comment::CommentChange;
pub use composite::CompositeChange;
pub use constraint::ConstraintChange;
pub use domain::DomainChange;
pub use enum_type::EnumChange;
pub use extension::ExtensionChange;
pub use function::FunctionChange;
pub use grant::GrantChange;
pub use index::IndexChange;
pub use namespace::NamespaceChange;
pub use policy::PolicyChange;
pub use sequence::SequenceChange;
pub use table::TableChange;
pub use trigger::TriggerChange;
pub use view::ViewChange;

use crate::drift::scope::ObjectKey;
use crate::model::{Check, Column, ColumnType, Index, IndexTarget, QualName};
use crate::plan::Hazard;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What each kind of change tells the stages after the diff, implemented
/// next to the kind's enum (`diff/change/<kind>.rs`) and reached through
/// [`Change`]'s methods. A new kind implements the required methods; the
/// others default to "nothing": no dependencies, no hazards, no
/// expressions.
pub trait Facts {
    /// The step kind, e.g. `AddColumn`: the `kind` of its JSON.
    fn kind(&self) -> &'static str;

    /// The object it is about, for headers and error messages:
    /// `billing.invoices.note`.
    fn subject(&self) -> String;

    /// Its layer in a plan ([`crate::plan::order::layer`]): lower runs
    /// first. Every dependency between kinds goes from a lower layer to a
    /// higher one.
    fn rank(&self) -> u8;

    /// Within its layer, when [`Facts::ordered`] and no dependency
    /// decides: lower first.
    fn tie_break(&self) -> u8 {
        0
    }

    /// Whether it takes part in the dependency order of its layer
    /// ([`Facts::provides`], [`Facts::needs`], [`Facts::drop_edges`],
    /// then [`Facts::tie_break`]).
    fn ordered(&self) -> bool {
        false
    }

    /// The object a create brings into being, for the dependencies of the
    /// others of its layer.
    fn provides(&self) -> Option<&QualName> {
        None
    }

    /// The objects a create needs to exist first.
    fn needs(&self) -> BTreeSet<QualName> {
        BTreeSet::new()
    }

    /// For a drop: the object it drops, and the dropped objects that must
    /// go after it.
    fn drop_edges(&self) -> Option<(&QualName, BTreeSet<QualName>)> {
        None
    }

    /// Its risks (the dispatch through [`Change::hazards`] sorts them).
    fn hazards(&self) -> Vec<Hazard> {
        Vec::new()
    }

    /// The table whose rows it scans, rewrites or needs to be absent: on a
    /// table the same plan creates, it carries none of those hazards.
    fn scanned_table(&self) -> Option<&QualName> {
        None
    }

    /// The objects it creates, drops, renames or alters (a rename touches
    /// both names).
    fn keys(&self) -> Vec<ObjectKey>;

    /// What it means as drift (a change that turns a recorded schema into
    /// the live one), in words: `added outside graft`.
    fn drift(&self) -> String;

    /// The object a drift line names: its first key.
    fn drift_subject(&self) -> String {
        default_drift_subject(self)
    }

    /// The expressions it writes into SQL, each with what it is: each must
    /// be exactly one expression ([`crate::sql::expr::one_expression`]).
    fn expressions(&self) -> Vec<(String, &str)> {
        Vec::new()
    }
}

/// The first key of a change, or its subject.
fn default_drift_subject<F: Facts + ?Sized>(c: &F) -> String {
    c.keys()
        .first()
        .map(ToString::to_string)
        .unwrap_or_else(|| c.subject())
}

/// A column's default and generation expression.
fn column_expressions(c: &Column) -> Vec<(String, &str)> {
    [("default", &c.default), ("generated", &c.generated)]
        .into_iter()
        .filter_map(|(key, e)| Some((format!("{key} of column `{}`", c.name), e.as_deref()?)))
        .collect()
}

/// An index's key expressions and predicate.
fn index_expressions(i: &Index) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = Vec::new();
    for k in &i.keys {
        if let IndexTarget::Expr(e) = &k.target {
            out.push((format!("expression of index `{}`", i.name), e));
        }
    }
    if let Some(p) = &i.predicate {
        out.push((format!("`where` of index `{}`", i.name), p));
    }
    out
}

/// A check constraint's expression.
fn check_expression(c: &Check) -> (String, &str) {
    (format!("check `{}`", c.name), &c.expr)
}

/// One difference between an old and a new schema, by the kind of object
/// it changes. Each kind's facts (its step kinds, subject, order rank,
/// dependencies, hazards, the objects it touches) are methods of its own
/// enum, in the file of the same name.
///
/// Serialized as one flat object tagged by `kind` (`{"kind": "AddColumn",
/// "table": …, "column": …}`): the outer enum is untagged, the inner ones
/// are tagged with the step kind.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Change {
    /// A namespace.
    Namespace(NamespaceChange),
    /// An extension.
    Extension(ExtensionChange),
    /// An enum type.
    Enum(EnumChange),
    /// A domain.
    Domain(DomainChange),
    /// A composite type.
    Composite(CompositeChange),
    /// A table as a whole.
    Table(TableChange),
    /// A column.
    Column(ColumnChange),
    /// A constraint: primary key, unique, check, foreign key.
    Constraint(ConstraintChange),
    /// An index.
    Index(IndexChange),
    /// A view or materialized view.
    View(ViewChange),
    /// A standalone sequence.
    Sequence(SequenceChange),
    /// A function or procedure.
    Function(FunctionChange),
    /// A trigger.
    Trigger(TriggerChange),
    /// Row-level security and policies.
    Policy(PolicyChange),
    /// Privileges.
    Grant(GrantChange),
    /// The comment of an object other than a table or column.
    Comment(CommentChange),
}

/// A column default that calls a function being recreated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionDefault {
    /// The table (its new name).
    pub table: QualName,
    /// The column (its new name).
    pub column: String,
    /// The default to set again.
    pub default: String,
}

/// An object [`CommentChange::Set`](crate::diff::CommentChange::Set) comments on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum CommentTarget {
    /// A view.
    View {
        /// Its name.
        name: QualName,
    },
    /// A materialized view.
    MaterializedView {
        /// Its name.
        name: QualName,
    },
    /// A sequence.
    Sequence {
        /// Its name.
        name: QualName,
    },
    /// A function or procedure.
    Function {
        /// Its name.
        name: QualName,
        /// Its input types.
        args: Vec<ColumnType>,
        /// A procedure.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        procedure: bool,
    },
    /// A trigger.
    Trigger {
        /// Its table or view.
        table: QualName,
        /// Its name.
        name: String,
    },
}

impl std::fmt::Display for CommentTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommentTarget::View { name }
            | CommentTarget::MaterializedView { name }
            | CommentTarget::Sequence { name } => write!(f, "{name}"),
            CommentTarget::Function { name, args, .. } => {
                let a: Vec<String> = args.iter().map(ColumnType::canonical).collect();
                write!(f, "{name}({})", a.join(", "))
            }
            CommentTarget::Trigger { table, name } => write!(f, "{name} on {table}"),
        }
    }
}

/// A column re-cast by [`EnumChange::Recreate`](crate::diff::EnumChange::Recreate) (or
/// [`DomainChange::Recreate`](crate::diff::DomainChange::Recreate)). PostgreSQL cannot cast a
/// default that names the type: it is dropped before the cast and the
/// declared one set after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumColumn {
    /// The table (its name before any rename: the enum changes first).
    pub table: QualName,
    /// The column (its name before any rename).
    pub column: String,
    /// Whether the column is an array of the type.
    pub array: bool,
    /// Whether the column has a default now (dropped before the cast).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_default: bool,
    /// The default to set after the cast: the declared one, when the
    /// column keeps the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl EnumColumn {
    /// The column's key.
    fn key(&self) -> ObjectKey {
        ObjectKey::Column {
            table: self.table.clone(),
            name: self.column.clone(),
        }
    }

    /// The defaults set again after the cast.
    fn defaults(columns: &[EnumColumn]) -> Vec<(String, &str)> {
        columns
            .iter()
            .filter_map(|c| {
                Some((
                    format!("default of column `{}`", c.column),
                    c.default.as_deref()?,
                ))
            })
            .collect()
    }

    /// A column without a default.
    pub fn new(table: QualName, column: impl Into<String>, array: bool) -> Self {
        EnumColumn {
            table,
            column: column.into(),
            array,
            has_default: false,
            default: None,
        }
    }
}

/// Calls `$f` on the inner change, whatever its kind.
macro_rules! each_kind {
    ($c:expr, $x:ident => $e:expr) => {
        match $c {
            Change::Namespace($x) => $e,
            Change::Extension($x) => $e,
            Change::Enum($x) => $e,
            Change::Domain($x) => $e,
            Change::Composite($x) => $e,
            Change::Table($x) => $e,
            Change::Column($x) => $e,
            Change::Constraint($x) => $e,
            Change::Index($x) => $e,
            Change::View($x) => $e,
            Change::Sequence($x) => $e,
            Change::Function($x) => $e,
            Change::Trigger($x) => $e,
            Change::Policy($x) => $e,
            Change::Grant($x) => $e,
            Change::Comment($x) => $e,
        }
    };
}

impl Change {
    /// The step kind, e.g. `AddColumn`.
    pub fn kind(&self) -> &'static str {
        each_kind!(self, c => c.kind())
    }

    /// The object the change is about, for headers and error messages:
    /// `billing.invoices.note`.
    pub fn subject(&self) -> String {
        each_kind!(self, c => c.subject())
    }

    /// Its layer in a plan; see [`Facts::rank`].
    pub fn rank(&self) -> u8 {
        each_kind!(self, c => c.rank())
    }

    /// See [`Facts::tie_break`].
    pub fn tie_break(&self) -> u8 {
        each_kind!(self, c => c.tie_break())
    }

    /// See [`Facts::ordered`].
    pub fn ordered(&self) -> bool {
        each_kind!(self, c => c.ordered())
    }

    /// See [`Facts::provides`].
    pub fn provides(&self) -> Option<&QualName> {
        each_kind!(self, c => c.provides())
    }

    /// See [`Facts::needs`].
    pub fn needs(&self) -> BTreeSet<QualName> {
        each_kind!(self, c => c.needs())
    }

    /// See [`Facts::drop_edges`].
    pub fn drop_edges(&self) -> Option<(&QualName, BTreeSet<QualName>)> {
        each_kind!(self, c => c.drop_edges())
    }

    /// Its risks, sorted and without duplicates; see [`Facts::hazards`].
    pub fn hazards(&self) -> Vec<Hazard> {
        let mut out = each_kind!(self, c => c.hazards());
        out.sort();
        out.dedup();
        out
    }

    /// See [`Facts::scanned_table`].
    pub fn scanned_table(&self) -> Option<&QualName> {
        each_kind!(self, c => c.scanned_table())
    }

    /// See [`Facts::keys`].
    pub fn keys(&self) -> Vec<ObjectKey> {
        each_kind!(self, c => c.keys())
    }

    /// The drift line of the change: `column billing.invoices.note: added
    /// outside graft`; see [`Facts::drift`].
    pub fn drift_line(&self) -> String {
        each_kind!(self, c => format!("{}: {}", c.drift_subject(), c.drift()))
    }

    /// See [`Facts::expressions`].
    pub fn expressions(&self) -> Vec<(String, &str)> {
        each_kind!(self, c => c.expressions())
    }
}

#[cfg(test)]
pub(crate) mod samples {
    //! One change of every kind, for tests that must cover them all.
    use super::*;
    use crate::model::{
        Attribute, Check, Column, CompositeType, Domain, EnumType, ForeignKey, Function,
        FunctionKind, GrantObject, Index, Policy, PolicyCommand, PrimaryKey, Privilege,
        RowSecurity, Sequence, SequenceOwner, Table, Trigger, TriggerEnabled, TriggerEvent,
        TriggerTiming, Unique, View,
    };

    fn q(n: &str) -> QualName {
        QualName::new("s", n)
    }

    fn col(n: &str) -> Column {
        let mut c = Column::new(n, ColumnType::builtin("integer"));
        c.default = Some("0".into());
        c
    }

    /// Every kind of change once, in the order of [`Change::kind`]'s list.
    pub(crate) fn all() -> Vec<Change> {
        let mut t = Table::new(q("t"));
        t.columns.push(col("c"));
        let e = EnumType {
            name: q("e"),
            values: vec!["a".into(), "b".into()],
        };
        let mut f = Function::new(q("f"), None, "sql", "SELECT 1");
        f.kind = FunctionKind::Procedure;
        let trigger = Trigger {
            table: q("t"),
            name: "tr".into(),
            timing: TriggerTiming::Before,
            events: vec![TriggerEvent::Insert],
            update_of: vec![],
            for_each_row: true,
            when: None,
            function: q("tf"),
            args: vec![],
            old_table: None,
            new_table: None,
            enabled: TriggerEnabled::Origin,
            comment: None,
        };
        let d = Domain::new(q("d"), ColumnType::builtin("text"));
        let comp = CompositeType {
            name: q("ct"),
            attributes: vec![Attribute::new("x", ColumnType::builtin("text"))],
        };
        let check = Check {
            name: "k".into(),
            expr: "(c > 0)".into(),
        };
        let mut policy = Policy::new("p");
        policy.command = PolicyCommand::Select;
        policy.using = Some("true".into());
        let seq = Sequence::new(q("sq"));
        let view = View::new(q("v"), "SELECT 1 AS x");
        let ec = EnumColumn::new(q("t"), "c", false);
        vec![
            Change::Namespace(NamespaceChange::Create { name: "s".into() }),
            Change::Namespace(NamespaceChange::Drop { name: "s".into() }),
            Change::Extension(ExtensionChange::Create {
                name: "x".into(),
                version: Some("1.0".into()),
                schema: None,
            }),
            Change::Extension(ExtensionChange::Alter {
                name: "x".into(),
                version: None,
                schema: Some("s".into()),
            }),
            Change::Extension(ExtensionChange::Drop { name: "x".into() }),
            Change::Enum(EnumChange::Create { r#enum: e.clone() }),
            Change::Enum(EnumChange::Drop { name: q("e") }),
            Change::Enum(EnumChange::AddValue {
                r#enum: q("e"),
                value: "c".into(),
                before: Some("a".into()),
            }),
            Change::Enum(EnumChange::Recreate {
                old: e.clone(),
                new: e,
                columns: vec![ec.clone()],
            }),
            Change::Table(TableChange::Create { table: t }),
            Change::Table(TableChange::Drop { name: q("t") }),
            Change::Table(TableChange::Rename {
                from: q("t"),
                to: q("u"),
            }),
            Change::Table(TableChange::SetComment {
                table: q("t"),
                comment: Some("x".into()),
            }),
            Change::Column(ColumnChange::Add {
                table: q("t"),
                column: col("c"),
            }),
            Change::Column(ColumnChange::Drop {
                table: q("t"),
                column: "c".into(),
            }),
            Change::Column(ColumnChange::Rename {
                table: q("t"),
                from: "c".into(),
                to: "d".into(),
            }),
            Change::Column(ColumnChange::Alter {
                table: q("t"),
                old: col("c"),
                new: Column::new("c", ColumnType::builtin("bigint")),
            }),
            Change::Column(ColumnChange::DropExpression {
                table: q("t"),
                column: "c".into(),
            }),
            Change::Column(ColumnChange::SetComment {
                table: q("t"),
                column: "c".into(),
                comment: None,
            }),
            Change::Constraint(ConstraintChange::AddPrimaryKey {
                table: q("t"),
                pk: PrimaryKey {
                    name: "t_pkey".into(),
                    columns: vec!["c".into()],
                },
            }),
            Change::Constraint(ConstraintChange::DropPrimaryKey {
                table: q("t"),
                name: "t_pkey".into(),
            }),
            Change::Constraint(ConstraintChange::AddUnique {
                table: q("t"),
                unique: Unique {
                    name: "t_c_key".into(),
                    columns: vec!["c".into()],
                },
            }),
            Change::Constraint(ConstraintChange::DropUnique {
                table: q("t"),
                name: "t_c_key".into(),
            }),
            Change::Constraint(ConstraintChange::AddCheck {
                table: q("t"),
                check: check.clone(),
            }),
            Change::Constraint(ConstraintChange::DropCheck {
                table: q("t"),
                name: "k".into(),
            }),
            Change::Constraint(ConstraintChange::AddForeignKey {
                table: q("t"),
                fk: ForeignKey {
                    name: "t_c_fkey".into(),
                    columns: vec!["c".into()],
                    ref_table: q("u"),
                    ref_columns: vec!["id".into()],
                    on_delete: Default::default(),
                    on_update: Default::default(),
                    deferrable: Default::default(),
                },
            }),
            Change::Constraint(ConstraintChange::DropForeignKey {
                table: q("t"),
                name: "t_c_fkey".into(),
            }),
            Change::Index(IndexChange::Create {
                table: q("t"),
                index: Index {
                    name: "t_c_idx".into(),
                    unique: false,
                    method: "btree".into(),
                    keys: vec![crate::model::IndexKey {
                        target: crate::model::IndexTarget::Column("c".into()),
                        desc: false,
                        nulls_first: None,
                    }],
                    include: vec![],
                    predicate: None,
                },
            }),
            Change::Index(IndexChange::Drop {
                table: q("t"),
                name: "t_c_idx".into(),
            }),
            Change::Constraint(ConstraintChange::Rename {
                table: q("t"),
                from: "a".into(),
                to: "b".into(),
            }),
            Change::Index(IndexChange::Rename {
                table: q("t"),
                from: "a".into(),
                to: "b".into(),
            }),
            Change::View(ViewChange::Create { view: view.clone() }),
            Change::View(ViewChange::Drop { view: view.clone() }),
            Change::View(ViewChange::Replace {
                old: view.clone(),
                new: view,
            }),
            Change::Comment(CommentChange::Set {
                target: CommentTarget::Function {
                    name: q("f"),
                    args: vec![ColumnType::builtin("integer")],
                    procedure: true,
                },
                comment: Some("c".into()),
            }),
            Change::Sequence(SequenceChange::Create {
                sequence: seq.clone(),
            }),
            Change::Sequence(SequenceChange::Alter {
                old: seq.clone(),
                new: seq,
            }),
            Change::Sequence(SequenceChange::SetOwner {
                name: q("sq"),
                owned_by: Some(SequenceOwner {
                    table: q("t"),
                    column: "c".into(),
                }),
            }),
            Change::Sequence(SequenceChange::Drop { name: q("sq") }),
            Change::Function(FunctionChange::Create {
                function: f.clone(),
            }),
            Change::Function(FunctionChange::Replace {
                old: f.clone(),
                new: f.clone(),
            }),
            Change::Function(FunctionChange::Recreate {
                old: f.clone(),
                new: f.clone(),
                defaults: vec![FunctionDefault {
                    table: q("t"),
                    column: "c".into(),
                    default: "s.f()".into(),
                }],
            }),
            Change::Function(FunctionChange::Drop { function: f }),
            Change::Trigger(TriggerChange::Create {
                trigger: trigger.clone(),
            }),
            Change::Trigger(TriggerChange::Replace {
                old: trigger.clone(),
                new: trigger.clone(),
            }),
            Change::Trigger(TriggerChange::Drop { trigger }),
            Change::Trigger(TriggerChange::SetEnabled {
                table: q("t"),
                name: "tr".into(),
                enabled: TriggerEnabled::Disabled,
            }),
            Change::Domain(DomainChange::Create { domain: d.clone() }),
            Change::Domain(DomainChange::Drop { domain: d.clone() }),
            Change::Domain(DomainChange::Recreate {
                old: d.clone(),
                new: d,
                columns: vec![ec],
            }),
            Change::Domain(DomainChange::SetDefault {
                name: q("d"),
                default: Some("'x'::text".into()),
            }),
            Change::Domain(DomainChange::SetNotNull {
                name: q("d"),
                not_null: true,
            }),
            Change::Domain(DomainChange::AddCheck {
                domain: q("d"),
                check,
            }),
            Change::Domain(DomainChange::DropCheck {
                domain: q("d"),
                name: "k".into(),
            }),
            Change::Composite(CompositeChange::Create {
                composite: comp.clone(),
            }),
            Change::Composite(CompositeChange::Drop { composite: comp }),
            Change::Composite(CompositeChange::AddAttribute {
                r#type: q("ct"),
                attribute: Attribute::new("y", ColumnType::builtin("integer")),
            }),
            Change::Composite(CompositeChange::DropAttribute {
                r#type: q("ct"),
                name: "y".into(),
            }),
            Change::Composite(CompositeChange::AlterAttribute {
                r#type: q("ct"),
                old: Attribute::new("x", ColumnType::builtin("text")),
                new: Attribute::new("x", ColumnType::builtin("integer")),
            }),
            Change::Grant(GrantChange::Grant {
                on: GrantObject::Table { name: q("t") },
                grantee: "r".into(),
                privileges: vec![Privilege::Select],
                with_grant_option: true,
            }),
            Change::Grant(GrantChange::Revoke {
                on: GrantObject::Namespace { name: "s".into() },
                grantee: "public".into(),
                privileges: vec![Privilege::Usage],
                grant_option_only: false,
            }),
            Change::Policy(PolicyChange::AlterRowSecurity {
                table: q("t"),
                old: RowSecurity::default(),
                new: RowSecurity {
                    enabled: true,
                    forced: false,
                },
            }),
            Change::Policy(PolicyChange::Create {
                table: q("t"),
                policy,
            }),
            Change::Policy(PolicyChange::Drop {
                table: q("t"),
                name: "p".into(),
            }),
            Change::Policy(PolicyChange::Alter {
                table: q("t"),
                name: "p".into(),
                roles: Some(vec!["r".into()]),
                using: None,
                with_check: Some("true".into()),
            }),
        ]
    }

    /// The JSON of a change (what `graft plan --json` prints in each step)
    /// is one flat object tagged by `kind`, for every kind.
    #[test]
    fn every_change_serializes_as_one_flat_object_tagged_by_kind() {
        let all = all();
        let kinds: std::collections::BTreeSet<&str> = all.iter().map(Change::kind).collect();
        assert_eq!(kinds.len(), all.len(), "one sample per kind");
        let mut text = String::new();
        for c in &all {
            let v = serde_json::to_value(c).unwrap();
            assert_eq!(v["kind"], c.kind(), "{v}");
            assert_eq!(&serde_json::from_value::<Change>(v.clone()).unwrap(), c);
            text.push_str(&v.to_string());
            text.push('\n');
        }
        expect_test::expect_file!["serde_samples.jsonl"].assert_eq(&text);
    }
}

#[cfg(test)]
mod facts {
    /// What every stage knows of each kind of change, pinned: subject,
    /// order rank and tie-break, hazards, the objects it touches, its
    /// words as drift, and its SQL.
    #[test]
    fn facts_of_every_kind() {
        let mut text = String::new();
        for c in super::samples::all() {
            let sql = match crate::render::render_step(c.clone()) {
                Ok(s) => s.sql.join("; "),
                Err(e) => format!("error: {e}"),
            };
            text.push_str(&format!(
                "{} {}\n  rank {} tie {} hazards {:?}\n  keys {}\n  drift {}\n  sql {}\n",
                c.kind(),
                c.subject(),
                crate::plan::order::rank(&c),
                crate::plan::topo::kind_rank(&c),
                crate::plan::hazard::hazards(&c),
                crate::drift::scope::change_keys(&c)
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::drift::scope::describe_drift(&c),
                sql,
            ));
        }
        expect_test::expect_file!["change_facts.txt"].assert_eq(&text);
    }
}
