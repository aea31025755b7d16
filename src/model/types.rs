//! Column types: parsing declared spellings into the canonical form that
//! PostgreSQL's `format_type()` prints, so that `int4`, `int` and `integer`
//! compare equal and a declared type equals the introspected one.

use crate::sql::QualName;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A column type in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColumnType {
    /// The element type.
    pub base: BaseType,
    /// Whether this is an array of `base` (PostgreSQL ignores declared dimensions).
    pub array: bool,
}

/// The element type of a column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BaseType {
    /// A built-in type, spelled exactly as `format_type()` prints it, modifiers
    /// included: `integer`, `numeric(12,2)`, `timestamp(3) with time zone`.
    Builtin(String),
    /// A user-defined type (an enum), always schema-qualified.
    Named(QualName),
}

/// Why a declared type was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    /// Neither a built-in type nor a declared enum.
    #[error("unknown type `{0}`")]
    Unknown(String),
    /// A known type with modifiers it does not take or out of range.
    #[error("invalid modifiers for type `{0}`: {1}")]
    Modifiers(String, String),
    /// Serial pseudo-types are not column types; identity columns replace them.
    #[error("`{0}` is not a type; use `\"type\": \"{1}\"` with `\"identity\": \"by_default\"`")]
    Serial(String, &'static str),
}

/// How a built-in type takes modifiers.
#[derive(Clone, Copy)]
enum Mods {
    None,
    Numeric,
    Length { default: Option<u32> },
    Precision,
    Float,
}

/// (spellings, canonical name, modifier kind, canonical suffix after the modifier)
const BUILTINS: &[(&[&str], &str, Mods, &str)] = &[
    (&["smallint", "int2"], "smallint", Mods::None, ""),
    (&["integer", "int", "int4"], "integer", Mods::None, ""),
    (&["bigint", "int8"], "bigint", Mods::None, ""),
    (&["real", "float4"], "real", Mods::None, ""),
    (
        &["double precision", "float8"],
        "double precision",
        Mods::None,
        "",
    ),
    (&["float"], "", Mods::Float, ""),
    (&["numeric", "decimal"], "numeric", Mods::Numeric, ""),
    (&["money"], "money", Mods::None, ""),
    (&["text"], "text", Mods::None, ""),
    (
        &["character varying", "varchar", "char varying"],
        "character varying",
        Mods::Length { default: None },
        "",
    ),
    (
        &["character", "char", "bpchar"],
        "character",
        Mods::Length { default: Some(1) },
        "",
    ),
    (&["bit"], "bit", Mods::Length { default: Some(1) }, ""),
    (
        &["bit varying", "varbit"],
        "bit varying",
        Mods::Length { default: None },
        "",
    ),
    (&["bytea"], "bytea", Mods::None, ""),
    (&["boolean", "bool"], "boolean", Mods::None, ""),
    (&["date"], "date", Mods::None, ""),
    (
        &["timestamp", "timestamp without time zone"],
        "timestamp",
        Mods::Precision,
        " without time zone",
    ),
    (
        &["timestamptz", "timestamp with time zone"],
        "timestamp",
        Mods::Precision,
        " with time zone",
    ),
    (
        &["time", "time without time zone"],
        "time",
        Mods::Precision,
        " without time zone",
    ),
    (
        &["timetz", "time with time zone"],
        "time",
        Mods::Precision,
        " with time zone",
    ),
    (&["interval"], "interval", Mods::Precision, ""),
    (&["uuid"], "uuid", Mods::None, ""),
    (&["json"], "json", Mods::None, ""),
    (&["jsonb"], "jsonb", Mods::None, ""),
    (&["xml"], "xml", Mods::None, ""),
    (&["inet"], "inet", Mods::None, ""),
    (&["cidr"], "cidr", Mods::None, ""),
    (&["macaddr"], "macaddr", Mods::None, ""),
    (&["macaddr8"], "macaddr8", Mods::None, ""),
    (&["tsvector"], "tsvector", Mods::None, ""),
    (&["tsquery"], "tsquery", Mods::None, ""),
    (&["point"], "point", Mods::None, ""),
    (&["line"], "line", Mods::None, ""),
    (&["lseg"], "lseg", Mods::None, ""),
    (&["box"], "box", Mods::None, ""),
    (&["path"], "path", Mods::None, ""),
    (&["polygon"], "polygon", Mods::None, ""),
    (&["circle"], "circle", Mods::None, ""),
    (&["int4range"], "int4range", Mods::None, ""),
    (&["int8range"], "int8range", Mods::None, ""),
    (&["numrange"], "numrange", Mods::None, ""),
    (&["tsrange"], "tsrange", Mods::None, ""),
    (&["tstzrange"], "tstzrange", Mods::None, ""),
    (&["daterange"], "daterange", Mods::None, ""),
    (&["int4multirange"], "int4multirange", Mods::None, ""),
    (&["int8multirange"], "int8multirange", Mods::None, ""),
    (&["nummultirange"], "nummultirange", Mods::None, ""),
    (&["tsmultirange"], "tsmultirange", Mods::None, ""),
    (&["tstzmultirange"], "tstzmultirange", Mods::None, ""),
    (&["datemultirange"], "datemultirange", Mods::None, ""),
    (&["oid"], "oid", Mods::None, ""),
    (&["pg_lsn"], "pg_lsn", Mods::None, ""),
    (&["name"], "name", Mods::None, ""),
    (&["regclass"], "regclass", Mods::None, ""),
    (&["txid_snapshot"], "txid_snapshot", Mods::None, ""),
    (&["pg_snapshot"], "pg_snapshot", Mods::None, ""),
];

impl ColumnType {
    /// A built-in type from an already canonical spelling (as introspection reads it).
    pub fn builtin(canonical: impl Into<String>) -> Self {
        let s: String = canonical.into();
        match s.strip_suffix("[]") {
            Some(base) => ColumnType {
                base: BaseType::Builtin(base.to_string()),
                array: true,
            },
            None => ColumnType {
                base: BaseType::Builtin(s),
                array: false,
            },
        }
    }

    /// A user-defined type.
    pub fn named(name: QualName, array: bool) -> Self {
        ColumnType {
            base: BaseType::Named(name),
            array,
        }
    }

    /// Parses a declared type. `user_type` resolves a (possibly unqualified) name
    /// to a declared user type, or `None` when there is no such type.
    pub fn parse(
        declared: &str,
        user_type: impl Fn(&str) -> Option<QualName>,
    ) -> Result<ColumnType, TypeError> {
        let (base_text, array) = strip_array(declared.trim());
        // A user type first: names may be quoted, qualified or mixed case.
        if let Some(q) = user_type(base_text) {
            return Ok(ColumnType::named(q, array));
        }
        let norm = normalize_type_text(base_text);
        let (head, args, tail) = split_mods(&norm);
        let name = format!("{head}{tail}");
        if let Some(fix) = match name.as_str() {
            "serial" | "serial4" => Some("integer"),
            "bigserial" | "serial8" => Some("bigint"),
            "smallserial" | "serial2" => Some("smallint"),
            _ => None,
        } {
            return Err(TypeError::Serial(declared.to_string(), fix));
        }
        let Some((_, canon, mods, suffix)) = BUILTINS
            .iter()
            .find(|(names, ..)| names.contains(&name.as_str()))
        else {
            return Err(TypeError::Unknown(declared.to_string()));
        };
        let bad = |why: &str| TypeError::Modifiers(declared.to_string(), why.to_string());
        let nums: Vec<i64> = match &args {
            None => Vec::new(),
            Some(a) => a
                .split(',')
                .map(|x| {
                    x.trim()
                        .parse::<i64>()
                        .map_err(|_| bad("modifiers must be integers"))
                })
                .collect::<Result<_, _>>()?,
        };
        let text = match (mods, nums.as_slice()) {
            (Mods::None, []) => canon.to_string(),
            (Mods::None, _) => return Err(bad("this type takes no modifiers")),
            (Mods::Float, []) => "double precision".to_string(),
            (Mods::Float, [p]) if (1..=24).contains(p) => "real".to_string(),
            (Mods::Float, [p]) if (25..=53).contains(p) => "double precision".to_string(),
            (Mods::Float, _) => return Err(bad("float precision must be between 1 and 53")),
            (Mods::Numeric, []) => "numeric".to_string(),
            (Mods::Numeric, [p]) if (1..=1000).contains(p) => format!("numeric({p},0)"),
            (Mods::Numeric, [p, s]) if (1..=1000).contains(p) && (-1000..=1000).contains(s) => {
                format!("numeric({p},{s})")
            }
            (Mods::Numeric, _) => {
                return Err(bad("precision must be 1..1000 and scale -1000..1000"))
            }
            (Mods::Length { default: None }, []) => canon.to_string(),
            (Mods::Length { default: Some(d) }, []) => format!("{canon}({d})"),
            (Mods::Length { .. }, [n]) if (1..=10_485_760).contains(n) => format!("{canon}({n})"),
            (Mods::Length { .. }, _) => return Err(bad("length must be between 1 and 10485760")),
            (Mods::Precision, []) => format!("{canon}{suffix}"),
            (Mods::Precision, [p]) if (0..=6).contains(p) => format!("{canon}({p}){suffix}"),
            (Mods::Precision, _) => return Err(bad("precision must be between 0 and 6")),
        };
        Ok(ColumnType {
            base: BaseType::Builtin(text),
            array,
        })
    }

    /// The canonical text: `integer`, `text[]`, `"billing"."status"`.
    pub fn canonical(&self) -> String {
        let mut s = match &self.base {
            BaseType::Builtin(b) => b.clone(),
            BaseType::Named(q) => format!("{}.{}", quote(&q.schema), quote(&q.name)),
        };
        if self.array {
            s.push_str("[]");
        }
        s
    }

    /// Parses [`ColumnType::canonical`] output back.
    pub fn from_canonical(s: &str) -> ColumnType {
        let (base, array) = match s.strip_suffix("[]") {
            Some(b) => (b, true),
            None => (s, false),
        };
        if base.starts_with('"') {
            ColumnType::named(QualName::parse(base, "public"), array)
        } else {
            ColumnType {
                base: BaseType::Builtin(base.to_string()),
                array,
            }
        }
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Removes trailing `[]`, `[3]` or ` array`/` array[3]` markers.
fn strip_array(s: &str) -> (&str, bool) {
    let mut t = s.trim_end();
    let mut array = false;
    loop {
        if t.ends_with(']') {
            if let Some(open) = t.rfind('[') {
                let inner = &t[open + 1..t.len() - 1];
                if inner.trim().chars().all(|c| c.is_ascii_digit()) {
                    t = t[..open].trim_end();
                    array = true;
                    continue;
                }
            }
        }
        let lower = t.to_ascii_lowercase();
        if lower.ends_with(" array") {
            t = t[..t.len() - " array".len()].trim_end();
            array = true;
            continue;
        }
        break;
    }
    (t, array)
}

/// Lower-cases, collapses whitespace and removes spaces around parentheses and commas.
fn normalize_type_text(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let collapsed = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
        .replace(", ", ",")
}

/// `timestamp(3) with time zone` → (`timestamp`, Some("3"), ` with time zone`).
fn split_mods(s: &str) -> (String, Option<String>, String) {
    match (s.find('('), s.find(')')) {
        (Some(open), Some(close)) if close > open => (
            s[..open].trim_end().to_string(),
            Some(s[open + 1..close].to_string()),
            {
                let tail = s[close + 1..].trim();
                if tail.is_empty() {
                    String::new()
                } else {
                    format!(" {tail}")
                }
            },
        ),
        _ => (s.to_string(), None, String::new()),
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl Serialize for ColumnType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.canonical())
    }
}

impl<'de> Deserialize<'de> for ColumnType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(ColumnType::from_canonical(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        ColumnType::parse(s, |_| None).unwrap().canonical()
    }

    #[test]
    fn aliases_are_canonical() {
        assert_eq!(p("int4"), "integer");
        assert_eq!(p("INT"), "integer");
        assert_eq!(p("int8"), "bigint");
        assert_eq!(p("float8"), "double precision");
        assert_eq!(p("float(10)"), "real");
        assert_eq!(p("decimal(12, 2)"), "numeric(12,2)");
        assert_eq!(p("numeric(5)"), "numeric(5,0)");
        assert_eq!(p("varchar(20)"), "character varying(20)");
        assert_eq!(p("char"), "character(1)");
        assert_eq!(p("timestamptz"), "timestamp with time zone");
        assert_eq!(p("timestamptz(3)"), "timestamp(3) with time zone");
        assert_eq!(
            p("timestamp(3) with time zone"),
            "timestamp(3) with time zone"
        );
        assert_eq!(p("timestamp"), "timestamp without time zone");
        assert_eq!(p("bool"), "boolean");
        assert_eq!(p("text[]"), "text[]");
        assert_eq!(p("int[][]"), "integer[]");
        assert_eq!(p("integer array[4]"), "integer[]");
        assert_eq!(p("varchar(3)[]"), "character varying(3)[]");
    }

    #[test]
    fn rejects() {
        assert!(matches!(
            ColumnType::parse("strnig", |_| None),
            Err(TypeError::Unknown(_))
        ));
        assert!(matches!(
            ColumnType::parse("serial", |_| None),
            Err(TypeError::Serial(..))
        ));
        assert!(matches!(
            ColumnType::parse("integer(3)", |_| None),
            Err(TypeError::Modifiers(..))
        ));
        assert!(matches!(
            ColumnType::parse("numeric(0)", |_| None),
            Err(TypeError::Modifiers(..))
        ));
    }

    #[test]
    fn user_types_round_trip() {
        let t = ColumnType::parse("status[]", |n| {
            (n == "status").then(|| QualName::new("b", "status"))
        })
        .unwrap();
        assert_eq!(t.canonical(), "\"b\".\"status\"[]");
        assert_eq!(ColumnType::from_canonical(&t.canonical()), t);
        let w = ColumnType::named(QualName::new("we\"ird", "x.y"), false);
        assert_eq!(ColumnType::from_canonical(&w.canonical()), w);
    }
}
