//! `graft drift [FILES|DIR]`: the live database against each plugin's last
//! snapshot. Exit 2 when anything drifted.

use super::super::output::{
    count, paint, print, print_json, printable, table, Cell, BOLD, GREEN, RED, YELLOW,
};
use super::super::{connect, Exit, Global};
use crate::drift::{detect, Baseline, DriftReport};
use crate::store::Store;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

pub(in crate::cli) async fn run(g: &Global, paths: &[PathBuf]) -> anyhow::Result<Exit> {
    let only: Option<Vec<String>> = if paths.is_empty() {
        None
    } else {
        let declared = crate::declare::load_paths(paths)?;
        Some(declared.into_iter().map(|d| d.plugin).collect())
    };
    let mut client = connect(g).await?;
    let store = Store::new(g.tracking_schema.clone());
    // read-write only to normalise snapshots recorded without their live
    // schema; always rolled back
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await
        .map_err(crate::Error::db("starting the drift transaction"))?;
    let report = detect(&tx, &store, only.as_deref()).await?;
    tx.rollback()
        .await
        .map_err(crate::Error::db("ending the drift transaction"))?;
    warn(&report);
    if g.json {
        print_json(&to_json(&report))?;
    } else {
        print(&text(&report, &g.tracking_schema))?;
    }
    Ok(if report.has_drift() {
        Exit::Pending
    } else {
        Exit::Ok
    })
}

/// Unmanaged and unmodelled objects, and normalised baselines, on stderr.
fn warn(report: &DriftReport) {
    for p in &report.plugins {
        if p.baseline == Baseline::Normalized {
            eprintln!(
                "note: plugin `{}`: snapshot {} was recorded without its live schema (by an \
                 older graft); compared with the declaration as the server prints it",
                printable(&p.plugin),
                p.idx
            );
        }
        for u in &p.unmodeled {
            eprintln!(
                "warning: plugin `{}`: not modelled by graft, not compared: {}",
                printable(&p.plugin),
                printable(&u.to_string())
            );
        }
        for k in &p.unmanaged {
            eprintln!(
                "warning: plugin `{}`: not declared by any plugin (public is shared, so not \
                 drift): {}",
                printable(&p.plugin),
                printable(&k.to_string())
            );
        }
    }
}

fn text(report: &DriftReport, tracking_schema: &str) -> String {
    let mut out = String::new();
    if !report.initialized || (report.plugins.is_empty() && report.not_recorded.is_empty()) {
        let _ = writeln!(
            out,
            "No plugins recorded yet{}.",
            if report.initialized {
                String::new()
            } else {
                format!(
                    " (no `{}` tracking tables in this database)",
                    printable(tracking_schema)
                )
            }
        );
        return out;
    }
    let mut rows = vec![vec![
        Cell::plain("plugin"),
        Cell::plain("snapshot"),
        Cell::plain("drift"),
    ]];
    for p in &report.plugins {
        rows.push(vec![
            Cell::painted(printable(&p.plugin), BOLD),
            Cell::plain(p.idx.to_string()),
            if p.drifted() {
                Cell::painted(count(p.lines.len(), "object"), RED)
            } else {
                Cell::painted("none", GREEN)
            },
        ]);
    }
    for n in &report.not_recorded {
        rows.push(vec![
            Cell::painted(printable(n), BOLD),
            Cell::plain("-"),
            Cell::painted("not applied yet", YELLOW),
        ]);
    }
    out.push_str(&table(&rows));
    for p in report.plugins.iter().filter(|p| p.drifted()) {
        let _ = writeln!(
            out,
            "\n{}: changed outside graft since snapshot {}:",
            paint(&printable(&p.plugin), BOLD),
            p.idx
        );
        for l in &p.lines {
            let _ = writeln!(out, "  {}", printable(l));
        }
        if !p.diff.is_empty() {
            out.push('\n');
            for line in p.diff.lines() {
                let painted = if line.starts_with('+') && !line.starts_with("+++") {
                    paint(line, GREEN)
                } else if line.starts_with('-') && !line.starts_with("---") {
                    paint(line, RED)
                } else {
                    line.to_string()
                };
                let _ = writeln!(out, "  {painted}");
            }
        }
    }
    out.push('\n');
    let drifted = report.plugins.iter().filter(|p| p.drifted()).count();
    if drifted == 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "No drift: {} as recorded.",
                    count(report.plugins.len(), "plugin")
                ),
                GREEN
            )
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "Drift in {drifted} of {}. `graft apply --repair-drift` turns it back into \
                     the declarations.",
                    count(report.plugins.len(), "plugin")
                ),
                RED
            )
        );
    }
    out
}

fn to_json(report: &DriftReport) -> Value {
    let plugins: Vec<Value> = report
        .plugins
        .iter()
        .map(|p| {
            json!({
                "plugin": p.plugin,
                "snapshot": p.idx,
                "baseline": p.baseline,
                "drifted": p.drifted(),
                "objects": p.lines,
                "changes": p.changes.iter().map(|c| json!({
                    "kind": c.kind(),
                    "subject": c.subject(),
                    "change": c,
                })).collect::<Vec<_>>(),
                "diff": p.diff,
                "unmanaged": p.unmanaged.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "unmodeled": p.unmodeled,
            })
        })
        .collect();
    json!({
        "drift": report.has_drift(),
        "initialized": report.initialized,
        "plugins": plugins,
        "not_recorded": report.not_recorded,
    })
}
