//! Generated schemas and timing helpers shared by `benches/` and tests.
//! Not part of the stable API.

use crate::model::{
    Column, ColumnType, EnumType, ForeignKey, Identity, Index, IndexKey, IndexTarget, PrimaryKey,
    QualName, Schema, Table,
};
use std::time::Instant;

/// A schema of `n` tables in namespace `app`, each with six columns of mixed
/// types, a primary key, an index and a foreign key to the previous table.
/// `variant` 1 alters every 10th table (a new column, a wider numeric), drops
/// every 50th and adds `n / 20` new tables.
pub fn generated_schema(n: usize, variant: u8) -> Schema {
    generated_schema_in("app", n, variant)
}

/// [`generated_schema`] in namespace `ns`.
pub fn generated_schema_in(ns: &str, n: usize, variant: u8) -> Schema {
    let mut tables = Vec::with_capacity(n + n / 20);
    let extra = if variant == 1 { n / 20 } else { 0 };
    for i in 0..n + extra {
        if variant == 1 && i < n && i % 50 == 49 {
            continue;
        }
        let altered = variant == 1 && i % 10 == 0;
        let name = QualName::new(ns, format!("t{i:05}"));
        let mut t = Table::new(name.clone());
        let mut id = Column::new("id", ColumnType::builtin("bigint"));
        id.identity = Some(Identity::Always);
        id.nullable = false;
        t.columns.push(id);
        let mut c = Column::new("name", ColumnType::builtin("text"));
        c.nullable = false;
        t.columns.push(c);
        let mut c = Column::new(
            "amount",
            ColumnType::builtin(if altered {
                "numeric(14,2)"
            } else {
                "numeric(12,2)"
            }),
        );
        c.default = Some("0".into());
        t.columns.push(c);
        t.columns.push(Column::new(
            "status",
            ColumnType::named(QualName::new(ns, "status"), false),
        ));
        let mut c = Column::new(
            "created_at",
            ColumnType::builtin("timestamp with time zone"),
        );
        c.default = Some("now()".into());
        c.nullable = false;
        t.columns.push(c);
        t.columns
            .push(Column::new("parent_id", ColumnType::builtin("bigint")));
        if altered {
            t.columns
                .push(Column::new("note", ColumnType::builtin("text")));
        }
        t.primary_key = Some(PrimaryKey {
            name: format!("t{i:05}_pkey"),
            columns: vec!["id".into()],
        });
        t.indexes.push(Index {
            name: format!("t{i:05}_name_idx"),
            unique: false,
            method: "btree".into(),
            keys: vec![IndexKey {
                target: IndexTarget::Column("name".into()),
                desc: false,
                nulls_first: None,
            }],
            include: vec![],
            predicate: None,
        });
        if i > 0 {
            // reference the previous table that exists in this variant
            let mut j = i - 1;
            while variant == 1 && j < n && j % 50 == 49 && j > 0 {
                j -= 1;
            }
            if !(variant == 1 && j < n && j % 50 == 49) {
                t.foreign_keys.push(ForeignKey {
                    name: format!("t{i:05}_parent_id_fkey"),
                    columns: vec!["parent_id".into()],
                    ref_table: QualName::new(ns, format!("t{j:05}")),
                    ref_columns: vec!["id".into()],
                    on_delete: Default::default(),
                    on_update: Default::default(),
                    deferrable: Default::default(),
                });
            }
        }
        tables.push(t);
    }
    let mut s = Schema {
        namespaces: vec![ns.to_string()],
        extensions: vec![],
        enums: vec![EnumType {
            name: QualName::new(ns, "status"),
            values: vec!["new".into(), "active".into(), "closed".into()],
        }],
        tables,
        ..Schema::default()
    };
    s.normalize();
    s
}

/// Runs `f` `runs` times (after one warm-up run) and returns the median in ms.
pub fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut v: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN timings"));
    v[v.len() / 2]
}

/// Median, minimum and maximum of timing samples (any unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// The median (the upper one for an even count).
    pub median: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
}

impl Summary {
    /// Summarises `samples`; panics when there are none.
    pub fn of(samples: &[f64]) -> Summary {
        assert!(!samples.is_empty(), "no samples");
        let mut v = samples.to_vec();
        v.sort_by(f64::total_cmp);
        Summary {
            median: v[v.len() / 2],
            min: v[0],
            max: v[v.len() - 1],
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.3} ms median (min {:.3}, max {:.3})",
            self.median, self.min, self.max
        )
    }
}

/// `n` plugin schemas `p00`, `p01`, … of `tables` generated tables each, one
/// namespace per plugin (see [`generated_schema_in`]).
pub fn plugin_schemas(n: usize, tables: usize) -> Vec<(String, Schema)> {
    (0..n)
        .map(|i| {
            let name = format!("p{i:02}");
            let schema = generated_schema_in(&name, tables, 0);
            (name, schema)
        })
        .collect()
}
