//! Hazard classification: which changes lose data, rewrite tables or risk
//! failing casts. The capability questions about PostgreSQL live here, as
//! named functions, so that the renderer and the planner ask them the same way.
//!
//! - [`cast_kind`]: what changing a column's type costs.
//! - [`hazards`]: the risks of one [`Change`].

use super::step::{Hazard, Step};
use crate::diff::Change;
use crate::model::{BaseType, Column, ColumnType, QualName};
use std::collections::HashSet;

/// What converting a column from one type to another costs.
///
/// The classification is conservative: when in doubt a cast is [`Risky`].
///
/// [`Risky`]: CastKind::Risky
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CastKind {
    /// The same type: nothing to do.
    Same,
    /// PostgreSQL relabels the column without touching rows: `varchar(n)` to
    /// `varchar(m)` with `m >= n` or to `varchar`/`text`, `text` to `varchar`,
    /// `numeric(p,s)` to `numeric(q,s)` with `q >= p` or to `numeric`,
    /// `timestamp(p)`/`time(p)`/`interval(p)` to a larger precision,
    /// `varbit(n)` growth, `cidr` to `inet`. No `USING`, no rewrite.
    BinaryCoercible,
    /// Every value converts without loss, but the table is rewritten:
    /// `smallint` → `integer` → `bigint`, `real` → `double precision`,
    /// integers to a wide enough `numeric`, `numeric` scale growth with as
    /// many integer digits, anything to `text`, `json` ↔ `jsonb`,
    /// `date` → `timestamp`, `timestamp` ↔ `timestamptz`, an enum to `text`,
    /// and any binary-coercible element change of an array.
    Safe,
    /// The cast may fail on existing rows or lose information: `text` →
    /// `integer`, `bigint` → `integer`, narrowing `varchar`, `numeric` scale
    /// or integer-digit reduction, precision reduction, array ↔ scalar, to or
    /// between enums, and every pair not listed above.
    Risky,
}

/// Classifies converting a column of type `old` to type `new`.
pub fn cast_kind(old: &ColumnType, new: &ColumnType) -> CastKind {
    if old == new {
        return CastKind::Same;
    }
    if old.array != new.array {
        return CastKind::Risky;
    }
    let kind = match (&old.base, &new.base) {
        (BaseType::Builtin(a), BaseType::Builtin(b)) => {
            builtin_cast(&Builtin::parse(a), &Builtin::parse(b))
        }
        // An enum label always has a text form; varchar without a length too.
        (BaseType::Named(_), BaseType::Builtin(b)) => match Builtin::parse(b) {
            Builtin { name: "text", .. } => CastKind::Safe,
            Builtin {
                name: "character varying",
                mods,
            } if mods.is_empty() => CastKind::Safe,
            _ => CastKind::Risky,
        },
        (BaseType::Builtin(_), BaseType::Named(_)) | (BaseType::Named(_), BaseType::Named(_)) => {
            CastKind::Risky
        }
    };
    // Arrays are converted element by element (ArrayCoerceExpr), which
    // PostgreSQL always treats as a rewrite.
    if old.array && kind == CastKind::BinaryCoercible {
        CastKind::Safe
    } else {
        kind
    }
}

/// A built-in type split into its name and modifiers:
/// `timestamp(3) with time zone` → (`timestamp with time zone`, `[3]`).
struct Builtin<'a> {
    name: &'a str,
    mods: Vec<i64>,
}

impl<'a> Builtin<'a> {
    fn parse(text: &'a str) -> Builtin<'a> {
        match (text.find('('), text.find(')')) {
            (Some(open), Some(close)) if close > open => {
                let mods = text[open + 1..close]
                    .split(',')
                    .map(|m| m.trim().parse::<i64>())
                    .collect::<Result<Vec<_>, _>>();
                let tail = text[close + 1..].trim();
                let head = text[..open].trim_end();
                let name = match (head, tail) {
                    ("timestamp", "with time zone") => "timestamp with time zone",
                    ("timestamp", "without time zone") => "timestamp without time zone",
                    ("time", "with time zone") => "time with time zone",
                    ("time", "without time zone") => "time without time zone",
                    (h, "") => h,
                    // Unknown shape: keep the whole text as the name so that it
                    // only ever equals itself.
                    _ => text,
                };
                match mods {
                    Ok(mods) => Builtin { name, mods },
                    Err(_) => Builtin {
                        name: text,
                        mods: vec![],
                    },
                }
            }
            _ => Builtin {
                name: text,
                mods: vec![],
            },
        }
    }
}

/// Decimal digits needed for every value of an integer type.
fn int_digits(name: &str) -> Option<i64> {
    match name {
        "smallint" => Some(5),
        "integer" => Some(10),
        "bigint" => Some(19),
        _ => None,
    }
}

/// A length or precision modifier change, where no modifier means unbounded
/// (or the maximum): growing is binary coercible, shrinking is risky.
fn length_cast(old: &[i64], new: &[i64], grow: CastKind) -> CastKind {
    match (old.first(), new.first()) {
        (_, None) => grow,
        (None, Some(_)) => CastKind::Risky,
        (Some(o), Some(n)) if n >= o => grow,
        _ => CastKind::Risky,
    }
}

fn builtin_cast(old: &Builtin<'_>, new: &Builtin<'_>) -> CastKind {
    use CastKind::*;
    let ints = |n: &str| int_digits(n).is_some();
    match (old.name, new.name) {
        (a, b) if a == b => match a {
            "character varying" | "bit varying" => {
                length_cast(&old.mods, &new.mods, BinaryCoercible)
            }
            "timestamp with time zone"
            | "timestamp without time zone"
            | "time with time zone"
            | "time without time zone"
            | "interval" => length_cast(&old.mods, &new.mods, BinaryCoercible),
            // bpchar pads to its length: a change always rewrites.
            "character" => length_cast(&old.mods, &new.mods, Safe),
            "numeric" => numeric_cast(&old.mods, &new.mods),
            _ => Risky,
        },
        ("character varying", "text") => BinaryCoercible,
        ("text", "character varying") => length_cast(&[], &new.mods, BinaryCoercible),
        // char → text/varchar strips trailing blanks, as comparisons already do.
        ("character", "text") => Safe,
        ("character", "character varying") => length_cast(&old.mods, &new.mods, Safe),
        ("bit", "bit varying") => length_cast(&old.mods, &new.mods, Safe),
        ("cidr", "inet") => BinaryCoercible,
        ("macaddr", "macaddr8") => Safe,
        ("json", "jsonb") | ("jsonb", "json") => Safe,
        ("real", "double precision") => Safe,
        ("smallint", "real" | "double precision") => Safe,
        ("integer", "double precision") => Safe,
        (a, b) if ints(a) && ints(b) => {
            if int_digits(b) >= int_digits(a) {
                Safe
            } else {
                Risky
            }
        }
        (a, "numeric") if ints(a) => match new.mods.as_slice() {
            [] => Safe,
            [p, s] if p - s >= int_digits(a).unwrap_or(i64::MAX) => Safe,
            _ => Risky,
        },
        ("date", "timestamp without time zone" | "timestamp with time zone") => Safe,
        ("timestamp without time zone", "timestamp with time zone")
        | ("timestamp with time zone", "timestamp without time zone")
        | ("time without time zone", "time with time zone") => {
            length_cast(&old.mods, &new.mods, Safe)
        }
        // Every type has a text output form.
        (_, "text") => Safe,
        (_, "character varying") if new.mods.is_empty() => Safe,
        _ => Risky,
    }
}

fn numeric_cast(old: &[i64], new: &[i64]) -> CastKind {
    match (old, new) {
        (_, []) => CastKind::BinaryCoercible,
        ([], _) => CastKind::Risky,
        ([p, s], [q, t]) => {
            if t == s && q >= p {
                CastKind::BinaryCoercible
            } else if t < s || q - t < p - s {
                CastKind::Risky
            } else {
                CastKind::Safe
            }
        }
        _ => CastKind::Risky,
    }
}

/// How a column's generation expression changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GeneratedChange {
    /// Same expression (or neither is generated).
    Unchanged,
    /// A generated column becomes a regular one: `DROP EXPRESSION` keeps the
    /// values.
    DropExpression,
    /// PostgreSQL 15 cannot change or add a generation expression: the
    /// column is dropped and added again.
    Recreate,
}

/// See [`GeneratedChange`].
pub(crate) fn generated_change(old: &Column, new: &Column) -> GeneratedChange {
    match (&old.generated, &new.generated) {
        (a, b) if a == b => GeneratedChange::Unchanged,
        (Some(_), None) => GeneratedChange::DropExpression,
        _ => GeneratedChange::Recreate,
    }
}

/// The risks of one change, sorted and without duplicates: each kind's
/// [`crate::diff::Facts::hazards`], next to its change type. Dropping a
/// view, function or trigger loses nothing but its definition, which is in
/// the snapshots; dropping a table, column, type or sequence, or a cast
/// that may fail, loses data.
///
/// A step on a table the same plan creates carries none of the table's
/// hazards (see [`relax_for_new_tables`]).
pub fn hazards(change: &Change) -> Vec<Hazard> {
    change.hazards()
}

/// Drops the hazards of steps on tables the same plan creates: such a table
/// is empty, so its indexes and constraints build at once, it has no rows
/// to rewrite or to refuse a `NOT NULL` column. (A foreign key from a new
/// table locks the referenced table only while it checks the empty one.)
pub fn relax_for_new_tables(steps: &mut [Step], created: &HashSet<&QualName>) {
    for s in steps {
        if s.change
            .scanned_table()
            .is_some_and(|t| created.contains(t))
        {
            s.hazards.retain(|h| {
                !matches!(
                    h,
                    Hazard::LongLock | Hazard::TableRewrite | Hazard::NeedsEmptyTable
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ColumnChange, ConstraintChange, EnumChange, TableChange};
    use crate::model::{EnumType, QualName};
    use CastKind::*;

    fn t(s: &str) -> ColumnType {
        ColumnType::builtin(s)
    }

    #[test]
    fn cast_table() {
        let enum_t = ColumnType::named(QualName::new("b", "status"), false);
        let other_enum = ColumnType::named(QualName::new("b", "other"), false);
        let cases: &[(ColumnType, ColumnType, CastKind)] = &[
            (t("integer"), t("integer"), Same),
            (t("text[]"), t("text[]"), Same),
            // relabel only
            (
                t("character varying(10)"),
                t("character varying(20)"),
                BinaryCoercible,
            ),
            (
                t("character varying(10)"),
                t("character varying"),
                BinaryCoercible,
            ),
            (t("character varying(10)"), t("text"), BinaryCoercible),
            (t("text"), t("character varying"), BinaryCoercible),
            (t("numeric(10,2)"), t("numeric(12,2)"), BinaryCoercible),
            (t("numeric(10,2)"), t("numeric"), BinaryCoercible),
            (
                t("timestamp(3) with time zone"),
                t("timestamp with time zone"),
                BinaryCoercible,
            ),
            (
                t("timestamp(3) without time zone"),
                t("timestamp(6) without time zone"),
                BinaryCoercible,
            ),
            (t("bit varying(3)"), t("bit varying(8)"), BinaryCoercible),
            (t("cidr"), t("inet"), BinaryCoercible),
            // rewrite, no loss
            (t("smallint"), t("integer"), Safe),
            (t("integer"), t("bigint"), Safe),
            (t("smallint"), t("bigint"), Safe),
            (t("real"), t("double precision"), Safe),
            (t("integer"), t("double precision"), Safe),
            (t("integer"), t("numeric"), Safe),
            (t("integer"), t("numeric(12,2)"), Safe),
            (t("numeric(10,2)"), t("numeric(12,4)"), Safe),
            (t("integer"), t("text"), Safe),
            (t("uuid"), t("text"), Safe),
            (t("json"), t("jsonb"), Safe),
            (t("date"), t("timestamp with time zone"), Safe),
            (
                t("timestamp without time zone"),
                t("timestamp with time zone"),
                Safe,
            ),
            (t("character(3)"), t("character(5)"), Safe),
            (
                t("character varying(10)[]"),
                t("character varying(20)[]"),
                Safe,
            ),
            (t("integer[]"), t("bigint[]"), Safe),
            (enum_t.clone(), t("text"), Safe),
            // may fail or lose information
            (t("text"), t("integer"), Risky),
            (t("bigint"), t("integer"), Risky),
            (t("bigint"), t("double precision"), Risky),
            (t("integer"), t("real"), Risky),
            (t("double precision"), t("real"), Risky),
            (
                t("character varying(20)"),
                t("character varying(10)"),
                Risky,
            ),
            (t("text"), t("character varying(10)"), Risky),
            (t("character varying"), t("character varying(10)"), Risky),
            (t("numeric(12,2)"), t("numeric(12,1)"), Risky),
            (t("numeric(12,2)"), t("numeric(11,2)"), Risky),
            (t("numeric(12,2)"), t("numeric(12,4)"), Risky),
            (t("numeric"), t("numeric(12,2)"), Risky),
            (t("integer"), t("numeric(5,2)"), Risky),
            (
                t("timestamp with time zone"),
                t("timestamp(3) with time zone"),
                Risky,
            ),
            (t("timestamp with time zone"), t("date"), Risky),
            (t("text"), t("text[]"), Risky),
            (t("text[]"), t("text"), Risky),
            (t("boolean"), t("integer"), Risky),
            (t("text"), enum_t.clone(), Risky),
            (enum_t.clone(), other_enum, Risky),
            (enum_t, t("integer"), Risky),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(a, b, k)| cast_kind(a, b) != *k)
            .map(|(a, b, k)| format!("{a} -> {b}: expected {k:?}, got {:?}", cast_kind(a, b)))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    fn col(ty: &str) -> Column {
        Column::new("c", t(ty))
    }

    #[test]
    fn hazard_classes() {
        let tq = QualName::new("s", "t");
        let alter = |old: Column, new: Column| {
            Change::Column(ColumnChange::Alter {
                table: tq.clone(),
                old,
                new,
            })
        };
        assert_eq!(
            hazards(&Change::Table(TableChange::Drop { name: tq.clone() })),
            vec![Hazard::DataLoss]
        );
        assert_eq!(
            hazards(&alter(col("bigint"), col("integer"))),
            vec![Hazard::DataLoss, Hazard::RiskyCast, Hazard::TableRewrite]
        );
        assert_eq!(
            hazards(&alter(col("integer"), col("bigint"))),
            vec![Hazard::TableRewrite]
        );
        assert_eq!(
            hazards(&alter(col("character varying(3)"), col("text"))),
            vec![]
        );
        let mut not_null = col("text");
        not_null.nullable = false;
        assert_eq!(
            hazards(&alter(col("text"), not_null)),
            vec![Hazard::LongLock]
        );
        let mut g1 = col("integer");
        g1.generated = Some("a + 1".into());
        let mut g2 = col("integer");
        g2.generated = Some("a + 2".into());
        assert_eq!(hazards(&alter(g1.clone(), g2)), vec![Hazard::TableRewrite]);
        assert_eq!(hazards(&alter(g1.clone(), col("integer"))), vec![]);
        assert_eq!(
            hazards(&alter(col("integer"), g1)),
            vec![Hazard::DataLoss, Hazard::TableRewrite]
        );
        let e = |v: &[&str]| EnumType {
            name: QualName::new("s", "e"),
            values: v.iter().map(|s| s.to_string()).collect(),
        };
        let cols = vec![crate::diff::EnumColumn::new(tq.clone(), "c", false)];
        assert_eq!(
            hazards(&Change::Enum(EnumChange::Recreate {
                old: e(&["a", "b"]),
                new: e(&["b", "a"]),
                columns: cols.clone()
            })),
            vec![Hazard::TableRewrite]
        );
        assert_eq!(
            hazards(&Change::Enum(EnumChange::Recreate {
                old: e(&["a", "b"]),
                new: e(&["b"]),
                columns: cols
            })),
            vec![Hazard::DataLoss, Hazard::RiskyCast, Hazard::TableRewrite]
        );
        assert_eq!(
            hazards(&Change::Constraint(ConstraintChange::AddCheck {
                table: tq,
                check: crate::model::Check {
                    name: "k".into(),
                    expr: "c > 0".into()
                }
            })),
            vec![Hazard::LongLock]
        );
    }

    #[test]
    fn a_new_not_null_column_needs_an_empty_table_unless_it_fills_itself() {
        let tq = QualName::new("s", "t");
        let add = |c: Column| {
            hazards(&Change::Column(ColumnChange::Add {
                table: tq.clone(),
                column: c,
            }))
        };
        let mut c = col("integer");
        c.nullable = false;
        assert_eq!(add(c.clone()), vec![Hazard::NeedsEmptyTable]);
        let mut d = c.clone();
        d.default = Some("0".into());
        assert_eq!(add(d), vec![]);
        let mut i = c.clone();
        i.identity = Some(crate::model::Identity::ByDefault);
        assert_eq!(add(i), vec![Hazard::TableRewrite]);
        assert_eq!(add(col("integer")), vec![]);
    }

    #[test]
    fn steps_on_new_tables_carry_no_table_hazards() {
        use crate::model::{ForeignKey, Table};
        let new_t = QualName::new("s", "new");
        let old_t = QualName::new("s", "old");
        let fk = |table: &QualName, to: &QualName| {
            Change::Constraint(ConstraintChange::AddForeignKey {
                table: table.clone(),
                fk: ForeignKey {
                    name: "f".into(),
                    columns: vec!["a".into()],
                    ref_table: to.clone(),
                    ref_columns: vec!["id".into()],
                    on_delete: Default::default(),
                    on_update: Default::default(),
                    deferrable: Default::default(),
                },
            })
        };
        let plan = crate::plan::build_plan(vec![
            Change::Table(TableChange::Create {
                table: Table::new(new_t.clone()),
            }),
            fk(&new_t, &old_t),
            fk(&old_t, &new_t),
        ])
        .unwrap();
        let of = |i: usize| plan.steps[i].hazards.clone();
        assert_eq!(of(1), vec![], "from the new table");
        assert_eq!(of(2), vec![Hazard::LongLock], "the old table is scanned");
    }
}
