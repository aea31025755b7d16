//! Standalone sequences, and the sequences behind serial columns.
//!
//! A sequence that belongs to an identity column, or to a serial column (a
//! column whose default is `nextval()` of a sequence it owns), is not a
//! standalone object: the first is part of the identity, the second is
//! modelled as the column's `serial` flag (see [`serial_sequence`]).

use crate::sql::QualName;
use crate::sql::{parse_pg_name, pg_qualified};
use serde::{Deserialize, Serialize};

/// `OWNED BY table.column`: the sequence is dropped with the column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SequenceOwner {
    /// The table (in the sequence's namespace, as PostgreSQL requires).
    pub table: QualName,
    /// The column.
    pub column: String,
}

/// A standalone sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Qualified name.
    pub name: QualName,
    /// `smallint`, `integer` or `bigint` (the default).
    #[serde(rename = "type", default = "bigint", skip_serializing_if = "is_bigint")]
    pub ty: String,
    /// `INCREMENT BY`, never 0.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub increment: i64,
    /// `MINVALUE`; `None`: the default for the type and direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    /// `MAXVALUE`; `None`: the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// `START WITH`; `None`: the minimum (ascending) or maximum (descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// `CACHE`, at least 1.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub cache: i64,
    /// `CYCLE`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
    /// `OWNED BY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<SequenceOwner>,
    /// `COMMENT ON SEQUENCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn bigint() -> String {
    "bigint".into()
}

fn is_bigint(s: &str) -> bool {
    s == "bigint"
}

fn one() -> i64 {
    1
}

fn is_one(n: &i64) -> bool {
    *n == 1
}

/// The range of a sequence type.
pub fn type_range(ty: &str) -> Option<(i64, i64)> {
    match ty {
        "smallint" => Some((i16::MIN as i64, i16::MAX as i64)),
        "integer" => Some((i32::MIN as i64, i32::MAX as i64)),
        "bigint" => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

impl Sequence {
    /// A `bigint` sequence with every default.
    pub fn new(name: QualName) -> Self {
        Sequence {
            name,
            ty: bigint(),
            increment: 1,
            min_value: None,
            max_value: None,
            start: None,
            cache: 1,
            cycle: false,
            owned_by: None,
            comment: None,
        }
    }

    /// The minimum in effect: `MINVALUE` or the default (1 ascending, the
    /// type's minimum descending).
    pub fn effective_min(&self) -> i64 {
        self.min_value.unwrap_or_else(|| self.default_min())
    }

    /// The maximum in effect.
    pub fn effective_max(&self) -> i64 {
        self.max_value.unwrap_or_else(|| self.default_max())
    }

    /// The start in effect.
    pub fn effective_start(&self) -> i64 {
        self.start.unwrap_or_else(|| self.default_start())
    }

    fn default_min(&self) -> i64 {
        let (lo, _) = type_range(&self.ty).unwrap_or((i64::MIN, i64::MAX));
        if self.increment > 0 {
            1
        } else {
            lo
        }
    }

    fn default_max(&self) -> i64 {
        let (_, hi) = type_range(&self.ty).unwrap_or((i64::MIN, i64::MAX));
        if self.increment > 0 {
            hi
        } else {
            -1
        }
    }

    fn default_start(&self) -> i64 {
        if self.increment > 0 {
            self.effective_min()
        } else {
            self.effective_max()
        }
    }

    /// Whether every value `old` can hold, `self` can hold too: then
    /// `ALTER SEQUENCE` keeps the current value; otherwise it may be out of
    /// the new range and the sequence restarts.
    pub fn keeps_values_of(&self, old: &Sequence) -> bool {
        self.effective_min() <= old.effective_min() && self.effective_max() >= old.effective_max()
    }

    /// Normal form: options equal to their default are `None`; an empty
    /// comment is none.
    pub fn normalize(&mut self) {
        if self.min_value == Some(self.default_min()) {
            self.min_value = None;
        }
        if self.max_value == Some(self.default_max()) {
            self.max_value = None;
        }
        if self.start == Some(self.default_start()) {
            self.start = None;
        }
        if self.comment.as_deref() == Some("") {
            self.comment = None;
        }
    }
}

/// The sequence a serial column's default draws from: `X` in
/// `nextval('X'::regclass)` as PostgreSQL prints it, parsed as `regclass`
/// input does. `None` for any other default.
pub fn serial_sequence(default: &str, default_schema: &str) -> Option<QualName> {
    let inner = default
        .trim()
        .strip_prefix("nextval('")?
        .strip_suffix("'::regclass)")?;
    if inner.contains('\'') && !inner.contains("''") {
        return None;
    }
    parse_pg_name(&inner.replace("''", "'"), default_schema)
}

/// The default of a serial column drawing from `seq`, as PostgreSQL prints it.
pub fn serial_default(seq: &QualName) -> String {
    format!(
        "nextval('{}'::regclass)",
        pg_qualified(seq).replace('\'', "''")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_normalise_away() {
        let mut s = Sequence::new(QualName::new("app", "s"));
        s.ty = "smallint".into();
        s.increment = -2;
        s.min_value = Some(-32768);
        s.max_value = Some(-1);
        s.start = Some(-1);
        s.normalize();
        assert_eq!((s.min_value, s.max_value, s.start), (None, None, None));
        s.start = Some(-5);
        s.normalize();
        assert_eq!(s.start, Some(-5));
        let mut up = Sequence::new(QualName::new("app", "s"));
        up.min_value = Some(10);
        up.start = Some(10);
        up.normalize();
        assert_eq!((up.min_value, up.start), (Some(10), None));
    }

    #[test]
    fn serial_defaults_round_trip() {
        for q in [
            QualName::new("app", "t_id_seq"),
            QualName::new("My ns", "Odd_user_seq"),
            QualName::new("a'b", "we\"ird"),
        ] {
            let d = serial_default(&q);
            assert_eq!(serial_sequence(&d, "x"), Some(q), "{d}");
        }
        assert_eq!(
            serial_default(&QualName::new("app", "t_id_seq")),
            "nextval('app.t_id_seq'::regclass)"
        );
        assert_eq!(serial_sequence("now()", "x"), None);
        assert_eq!(
            serial_sequence("nextval('s'::regclass)", "x"),
            Some(QualName::new("x", "s"))
        );
    }
}
