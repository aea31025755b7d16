//! diff + plan + render for 1,000 and 10,000 generated tables (no database).
//!
//! `cargo bench --bench diff` prints the median of several runs. Target:
//! 10,000 tables under 100 ms. Also times the readable snapshot diff that
//! `graft plan` prints (`snapshot::diff_text`), between the two versions and
//! from nothing (a first migration).

use graft::bench_support::{generated_schema, median_ms};
use graft::diff::diff;
use graft::plan::build_plan;
use graft::snapshot::{diff_text, Snapshot};

fn main() {
    for n in [1_000usize, 10_000] {
        let old = generated_schema(n, 0);
        let new = generated_schema(n, 1);
        let mut steps = 0;
        let mut sql_bytes = 0;
        let ms = median_ms(7, || {
            let changes = diff(&old, &new);
            let plan = build_plan(changes).expect("renders");
            steps = plan.steps.len();
            sql_bytes = plan.statements().map(str::len).sum::<usize>();
        });
        let create_ms = median_ms(5, || {
            let plan = build_plan(diff(&graft::model::Schema::default(), &new)).expect("renders");
            sql_bytes = plan.statements().map(str::len).sum::<usize>();
        });
        println!(
            "diff+plan+render {n:>6} tables: {ms:>8.2} ms median ({steps} steps: every 10th table altered, \
             every 50th dropped, new tables added); from empty: {create_ms:>8.2} ms ({sql_bytes} bytes of SQL)"
        );
        // The readable snapshot diff that `graft plan` shows.
        let (old_snap, new_snap) = (Snapshot::new(old.clone()), Snapshot::new(new.clone()));
        let empty = Snapshot::new(graft::model::Schema::default());
        let mut lines = 0;
        let text_ms = median_ms(3, || {
            lines = diff_text(&old_snap, &new_snap).lines().count()
        });
        let text_empty_ms = median_ms(3, || {
            lines = diff_text(&empty, &new_snap).lines().count();
        });
        println!(
            "readable snapshot diff {n:>6} tables: {text_ms:>8.2} ms median; from empty: \
             {text_empty_ms:>8.2} ms ({lines} lines)"
        );
    }
}
