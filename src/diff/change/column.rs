//! Changes to a column of a table.

use super::{column_expressions, default_drift_subject, Facts};
use crate::drift::scope::ObjectKey;
use crate::model::{Column, QualName};
use crate::plan::hazard::{cast_kind, generated_change, CastKind, GeneratedChange};
use crate::plan::order::layer;
use crate::plan::Hazard;
use serde::{Deserialize, Serialize};

/// A change to a column of a table.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ColumnChange {
    /// `ALTER TABLE … ADD COLUMN`.
    #[serde(rename = "AddColumn")]
    Add {
        /// Table name.
        table: QualName,
        /// The new column.
        column: Column,
    },
    /// `ALTER TABLE … DROP COLUMN`. Destructive.
    #[serde(rename = "DropColumn")]
    Drop {
        /// Table name.
        table: QualName,
        /// Column name.
        column: String,
    },
    /// `ALTER TABLE … RENAME COLUMN` (from a `renamed_from` hint).
    #[serde(rename = "RenameColumn")]
    Rename {
        /// Table name (after any table rename).
        table: QualName,
        /// Old column name.
        from: String,
        /// New column name.
        to: String,
    },
    /// Type, nullability, default, identity or generation of a column changed.
    #[serde(rename = "AlterColumn")]
    Alter {
        /// Table name.
        table: QualName,
        /// The column as it was (after any rename).
        old: Column,
        /// The column as it must become.
        new: Column,
    },
    /// `ALTER COLUMN … DROP EXPRESSION`: a generated column becomes a
    /// regular one and keeps its values. A step of its own, under the
    /// table's and column's names before any rename, that runs before
    /// columns are dropped: PostgreSQL refuses to drop a column that a
    /// generated column reads.
    #[serde(rename = "DropExpression")]
    DropExpression {
        /// Table name (before any rename).
        table: QualName,
        /// Column name (before any rename).
        column: String,
    },
    /// `COMMENT ON COLUMN`.
    #[serde(rename = "SetColumnComment")]
    SetComment {
        /// Table name.
        table: QualName,
        /// Column name.
        column: String,
        /// New comment, `None` removes it.
        comment: Option<String>,
    },
}

impl Facts for ColumnChange {
    /// The step kind, e.g. `AddColumn`.
    fn kind(&self) -> &'static str {
        match self {
            ColumnChange::Add { .. } => "AddColumn",
            ColumnChange::Drop { .. } => "DropColumn",
            ColumnChange::Rename { .. } => "RenameColumn",
            ColumnChange::Alter { .. } => "AlterColumn",
            ColumnChange::DropExpression { .. } => "DropExpression",
            ColumnChange::SetComment { .. } => "SetColumnComment",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            ColumnChange::Add { table, column } => format!("{table}.{}", column.name),
            ColumnChange::Drop { table, column }
            | ColumnChange::DropExpression { table, column }
            | ColumnChange::SetComment { table, column, .. } => format!("{table}.{column}"),
            ColumnChange::Rename { table, from, to } => format!("{table}.{from} -> {to}"),
            ColumnChange::Alter { table, new, .. } => format!("{table}.{}", new.name),
        }
    }

    /// Generation expressions dropped early (PostgreSQL refuses to drop a
    /// column a generated column reads), then columns dropped; renamed
    /// after the tables; altered before new columns are added (PostgreSQL
    /// refuses to change the type of a column a new generated column
    /// reads); new generated and recreated ones last (they may read a new
    /// column); comments late.
    fn rank(&self) -> u8 {
        match self {
            ColumnChange::DropExpression { .. } => layer::DROP_TABLES,
            ColumnChange::Drop { .. } => layer::DROP_COLUMNS,
            ColumnChange::Rename { .. } => layer::RENAMES,
            ColumnChange::Alter { old, new, .. }
                if generated_change(old, new) != GeneratedChange::Recreate =>
            {
                layer::ALTER_COLUMNS
            }
            ColumnChange::Add { column, .. } if column.generated.is_some() => {
                layer::GENERATED_COLUMNS
            }
            ColumnChange::Add { .. } => layer::ADD_COLUMNS,
            ColumnChange::Alter { .. } => layer::GENERATED_COLUMNS,
            ColumnChange::SetComment { .. } => layer::LAST,
        }
    }

    /// - `Drop`: [`Hazard::DataLoss`].
    /// - `Alter`: by [`cast_kind`] — [`CastKind::Safe`] rewrites,
    ///   [`CastKind::Risky`] also loses data and may fail; `SET NOT NULL`
    ///   and a new collation lock the table while they scan it; a changed
    ///   generation expression recreates the column
    ///   ([`Hazard::TableRewrite`], plus [`Hazard::DataLoss`] when a
    ///   regular column becomes generated).
    /// - `Add` of an identity, generated or serial column:
    ///   [`Hazard::TableRewrite`]; of a `NOT NULL` column without a
    ///   default: [`Hazard::NeedsEmptyTable`].
    fn hazards(&self) -> Vec<Hazard> {
        let mut out = Vec::new();
        match self {
            ColumnChange::Drop { .. } => out.push(Hazard::DataLoss),
            ColumnChange::Alter { old, new, .. } => match generated_change(old, new) {
                GeneratedChange::Recreate => {
                    out.push(Hazard::TableRewrite);
                    if old.generated.is_none() {
                        out.push(Hazard::DataLoss);
                    }
                }
                GeneratedChange::Unchanged | GeneratedChange::DropExpression => {
                    match cast_kind(&old.ty, &new.ty) {
                        CastKind::Same | CastKind::BinaryCoercible => {}
                        CastKind::Safe => out.push(Hazard::TableRewrite),
                        CastKind::Risky => {
                            out.extend([Hazard::DataLoss, Hazard::RiskyCast, Hazard::TableRewrite])
                        }
                    }
                    if old.nullable && !new.nullable {
                        out.push(Hazard::LongLock);
                    }
                    // A new collation rebuilds the column's indexes under lock.
                    if old.collation != new.collation {
                        out.push(Hazard::LongLock);
                    }
                }
            },
            ColumnChange::Add { column, .. } => {
                if column.identity.is_some() || column.generated.is_some() || column.serial {
                    out.push(Hazard::TableRewrite);
                } else if !column.nullable && column.default.is_none() {
                    out.push(Hazard::NeedsEmptyTable);
                }
            }
            ColumnChange::Rename { .. }
            | ColumnChange::DropExpression { .. }
            | ColumnChange::SetComment { .. } => {}
        }
        out
    }

    fn scanned_table(&self) -> Option<&QualName> {
        match self {
            ColumnChange::Add { table, .. } | ColumnChange::Alter { table, .. } => Some(table),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let col = |table: &QualName, name: &str| ObjectKey::Column {
            table: table.clone(),
            name: name.to_string(),
        };
        match self {
            ColumnChange::Add { table, column } => vec![col(table, &column.name)],
            ColumnChange::Drop { table, column }
            | ColumnChange::DropExpression { table, column }
            | ColumnChange::SetComment { table, column, .. } => vec![col(table, column)],
            ColumnChange::Rename { table, from, to } => vec![col(table, from), col(table, to)],
            ColumnChange::Alter { table, old, new } => {
                let mut out = vec![col(table, &new.name)];
                if old.name != new.name {
                    out.push(col(table, &old.name));
                }
                out
            }
        }
    }

    fn drift(&self) -> String {
        match self {
            ColumnChange::Add { .. } => "added outside graft".into(),
            ColumnChange::Drop { .. } => "dropped outside graft".into(),
            ColumnChange::Rename { .. } => "renamed outside graft".into(),
            ColumnChange::SetComment { .. } => "comment changed outside graft".into(),
            ColumnChange::DropExpression { .. } => {
                "generation expression dropped outside graft".into()
            }
            ColumnChange::Alter { old, new, .. } => {
                let mut parts = Vec::new();
                if old.ty != new.ty {
                    parts.push(format!("type {} -> {}", old.ty, new.ty));
                }
                if old.nullable != new.nullable {
                    parts.push(if new.nullable {
                        "NOT NULL dropped".to_string()
                    } else {
                        "NOT NULL added".to_string()
                    });
                }
                if old.default != new.default {
                    parts.push(format!(
                        "default {} -> {}",
                        old.default.as_deref().unwrap_or("none"),
                        new.default.as_deref().unwrap_or("none")
                    ));
                }
                if old.identity != new.identity {
                    parts.push(format!("identity {:?} -> {:?}", old.identity, new.identity));
                }
                if old.generated != new.generated {
                    parts.push(format!(
                        "generated {} -> {}",
                        old.generated.as_deref().unwrap_or("none"),
                        new.generated.as_deref().unwrap_or("none")
                    ));
                }
                format!("changed outside graft ({})", parts.join(", "))
            }
        }
    }

    fn drift_subject(&self) -> String {
        match self {
            ColumnChange::Rename { table, from, to } => format!("column {table}.{from} -> {to}"),
            _ => default_drift_subject(self),
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        match self {
            ColumnChange::Add { column, .. } | ColumnChange::Alter { new: column, .. } => {
                column_expressions(column)
            }
            _ => Vec::new(),
        }
    }
}
