//! Human and JSON output.
//!
//! Human output goes to stdout: an aligned table per command, details below
//! it, and a summary line last. Colour only when stdout is a terminal and
//! `NO_COLOR` is unset. JSON output is one pretty-printed object per command
//! (its shape is documented in the README's CLI section).

use crate::drift::LiveBasis;
use crate::migrate::{hazard_label, PluginPlan, Report};
use crate::plan::Step;
use crate::store::JournalHead;
use crate::Outcome;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

pub(super) const BOLD: &str = "1";
pub(super) const RED: &str = "31";
pub(super) const GREEN: &str = "32";
pub(super) const YELLOW: &str = "33";
const DIM: &str = "2";

fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub(super) fn paint(s: &str, code: &str) -> String {
    if colour() {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// `n thing` or `n things`.
pub(super) fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Escapes control characters, so that a name cannot break a line.
pub(super) fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A table cell: its text and an optional colour.
pub(super) struct Cell(String, Option<&'static str>);

impl Cell {
    pub(super) fn plain(s: impl Into<String>) -> Self {
        Cell(s.into(), None)
    }
    pub(super) fn painted(s: impl Into<String>, code: &'static str) -> Self {
        Cell(s.into(), Some(code))
    }
}

/// Rows aligned in columns two spaces apart; the first row is the header.
/// The last column is not padded.
pub(super) fn table(rows: &[Vec<Cell>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.0.chars().count());
        }
    }
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            let last = i + 1 == row.len();
            let pad = if last {
                String::new()
            } else {
                " ".repeat(widths[i] - c.0.chars().count() + 2)
            };
            let text = match (r, c.1) {
                (0, _) => paint(&c.0, DIM),
                (_, Some(code)) => paint(&c.0, code),
                (_, None) => c.0.clone(),
            };
            line.push_str(&text);
            line.push_str(&pad);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `1.0.0`, `1.0.0 -> 1.1.0` when the recorded version differs, `-` for none.
pub(super) fn version_cell(recorded: Option<&str>, declared: Option<&str>) -> String {
    let d = declared.unwrap_or("-");
    match recorded {
        Some(r) if Some(r) != declared => format!("{r} -> {d}"),
        _ => d.to_string(),
    }
}

fn hazard_line(step: &Step) -> Option<(String, &'static str)> {
    let mut parts: Vec<&str> = step.hazards.iter().map(|h| hazard_label(*h)).collect();
    if !step.transactional {
        parts.push("cannot run inside a transaction");
    }
    if parts.is_empty() {
        return None;
    }
    let (suffix, code) = if step.is_destructive() {
        (" (destructive: apply needs --allow-destructive)", RED)
    } else {
        ("", YELLOW)
    };
    let label = if parts.len() == 1 {
        "hazard"
    } else {
        "hazards"
    };
    Some((format!("{label}: {}{suffix}", parts.join(", ")), code))
}

fn step_title(i: usize, step: &Step) -> String {
    format!(
        "[{}] {} {}",
        i + 1,
        step.change.kind(),
        printable(&step.change.subject())
    )
}

fn plan_state(p: &PluginPlan) -> Cell {
    if !p.is_pending() {
        return Cell::painted("up to date", GREEN);
    }
    let scripts = super::commands::script_count(p);
    if p.plan.is_empty() && scripts == 0 && p.live.is_some() {
        return Cell::painted("baseline (adopt as is)", YELLOW);
    }
    if p.plan.is_empty() && scripts == 0 {
        return Cell::painted("version only", YELLOW);
    }
    let n = p.plan.steps.len();
    let destructive = p.plan.destructive_steps().count();
    let mut s = count(n, "step");
    if scripts > 0 {
        s.push_str(&format!(", {}", count(scripts, "migration")));
    }
    if destructive > 0 {
        s.push_str(&format!(", {destructive} destructive"));
        Cell::painted(s, RED)
    } else {
        Cell::painted(s, YELLOW)
    }
}

/// The human text of `graft plan`.
pub fn plans_text(plans: &[PluginPlan]) -> String {
    let mut out = String::new();
    if plans.is_empty() {
        out.push_str("No plugins declared.\n");
        return out;
    }
    let mut rows = vec![vec![
        Cell::plain("plugin"),
        Cell::plain("version"),
        Cell::plain("snapshot"),
        Cell::plain("changes"),
    ]];
    for p in plans {
        rows.push(vec![
            Cell::painted(printable(&p.plugin), BOLD),
            Cell::plain(version_cell(
                p.recorded_version.as_deref(),
                p.version.as_deref(),
            )),
            Cell::plain(p.from_idx.map_or("-".to_string(), |i| i.to_string())),
            plan_state(p),
        ]);
    }
    out.push_str(&table(&rows));

    for p in plans.iter().filter(|p| p.is_pending()) {
        out.push('\n');
        let name = paint(&printable(&p.plugin), BOLD);
        for w in &p.warnings {
            let _ = writeln!(out, "{}", paint(&format!("warning: {w}"), YELLOW));
        }
        if let Some(tr) = &p.transition {
            out.push_str(&super::commands::transition_text(p, tr));
            continue;
        }
        if p.plan.is_empty() && p.live.is_none() {
            let _ = writeln!(
                out,
                "{name}: schema unchanged; only the recorded version changes ({})",
                version_cell(p.recorded_version.as_deref(), p.version.as_deref())
            );
            continue;
        }
        let _ = writeln!(
            out,
            "{name}: {}{}",
            count(p.plan.steps.len(), "step"),
            match (p.from_idx, p.live.as_ref().map(|l| l.basis)) {
                (None, Some(LiveBasis::Adopt)) =>
                    " (first migration, adopting existing objects)".to_string(),
                (None, _) => " (first migration)".to_string(),
                (Some(i), Some(LiveBasis::Repair)) =>
                    format!(" (from the live database, repairing drift since snapshot {i})"),
                (Some(i), _) => format!(" (from snapshot {i})"),
            }
        );
        if let Some(l) = &p.live {
            let what = match l.basis {
                LiveBasis::Adopt => "adopts",
                LiveBasis::Repair => "repairs",
            };
            for o in &l.objects {
                let _ = writeln!(out, "  {what} {}", printable(o));
            }
        }
        for (i, step) in p.plan.steps.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&step_text(i, step));
        }
    }

    out.push('\n');
    out.push_str(&plan_summary(plans));
    out.push('\n');
    out
}

/// One step of `graft plan`: title, hazards, SQL.
pub(super) fn step_text(i: usize, step: &Step) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  {}", step_title(i, step));
    if let Some((h, code)) = hazard_line(step) {
        let _ = writeln!(out, "      {}", paint(&h, code));
    }
    for sql in &step.sql {
        let mut lines = sql.lines().peekable();
        while let Some(line) = lines.next() {
            let end = if lines.peek().is_none() { ";" } else { "" };
            let _ = writeln!(out, "      {line}{end}");
        }
    }
    out
}

/// The last line of `graft plan`.
fn plan_summary(plans: &[PluginPlan]) -> String {
    let pending: Vec<&PluginPlan> = plans.iter().filter(|p| p.is_pending()).collect();
    if pending.is_empty() {
        return paint(
            &format!(
                "Up to date: {}, nothing to apply.",
                count(plans.len(), "plugin")
            ),
            GREEN,
        );
    }
    let steps: usize = pending.iter().map(|p| p.plan.steps.len()).sum();
    let destructive: usize = pending
        .iter()
        .map(|p| p.plan.destructive_steps().count())
        .sum();
    let scripts: usize = pending
        .iter()
        .map(|p| super::commands::script_count(p))
        .sum();
    let mut s = format!(
        "Pending: {}{} in {} of {}.",
        count(steps, "step"),
        if scripts > 0 {
            format!(" and {}", count(scripts, "hand-written migration"))
        } else {
            String::new()
        },
        pending.len(),
        count(plans.len(), "plugin")
    );
    if destructive > 0 {
        s.push_str(&format!(
            " {} lose{} data: apply needs --allow-destructive.",
            count(destructive, "step"),
            if destructive == 1 { "s" } else { "" }
        ));
        paint(&s, RED)
    } else {
        s.push_str(" Run `graft apply` to apply.");
        paint(&s, YELLOW)
    }
}

pub(crate) fn step_json(i: usize, step: &Step) -> Value {
    json!({
        "index": i + 1,
        "kind": step.change.kind(),
        "subject": step.change.subject(),
        "sql": step.sql,
        "hazards": step.hazards,
        "destructive": step.is_destructive(),
        "transactional": step.transactional,
    })
}

/// The JSON of `graft plan`.
pub fn plans_json(plans: &[PluginPlan]) -> Value {
    let plugins: Vec<Value> = plans
        .iter()
        .map(|p| {
            json!({
                "plugin": p.plugin,
                "version": p.version,
                "recorded_version": p.recorded_version,
                "from_idx": p.from_idx,
                "from_hash": p.from_hash.as_ref().map(|h| h.as_str()),
                "to_hash": p.to_hash.as_str(),
                "pending": p.is_pending(),
                "live": p.live,
                "steps": p.plan.steps.iter().enumerate()
                    .map(|(i, s)| step_json(i, s)).collect::<Vec<_>>(),
                "warnings": p.warnings,
                "transition": p.transition,
            })
        })
        .collect();
    json!({
        "pending": plans.iter().any(|p| p.is_pending()),
        "steps": plans.iter().map(|p| p.plan.steps.len()).sum::<usize>(),
        "destructive_steps": plans.iter().map(|p| p.plan.destructive_steps().count()).sum::<usize>(),
        "plugins": plugins,
    })
}

/// The human text of `graft apply`; `plans` are the plans computed just
/// before applying, used to list the steps of each applied plugin.
pub fn report_text(report: &Report, plans: &[PluginPlan]) -> String {
    let mut out = String::new();
    if report.plugins.is_empty() {
        out.push_str("No plugins declared.\n");
        return out;
    }
    let plan_of = |name: &str| plans.iter().find(|p| p.plugin == name);
    let mut rows = vec![vec![
        Cell::plain("plugin"),
        Cell::plain("version"),
        Cell::plain("snapshot"),
        Cell::plain("result"),
    ]];
    for (plugin, o) in &report.plugins {
        let pp = plan_of(plugin);
        let declared = pp.and_then(|p| p.version.as_deref());
        let recorded = pp.and_then(|p| p.recorded_version.as_deref());
        let (version, snapshot, result) = match o {
            Outcome::UpToDate => (
                declared.unwrap_or("-").to_string(),
                pp.and_then(|p| p.from_idx)
                    .map_or("-".to_string(), |i| i.to_string()),
                Cell::painted("up to date", GREEN),
            ),
            Outcome::Applied {
                from_idx,
                to_idx,
                steps,
                statements,
            } => (
                version_cell(recorded, declared),
                format!(
                    "{} -> {to_idx}",
                    from_idx.map_or("-".to_string(), |i| i.to_string())
                ),
                Cell::painted(
                    format!(
                        "applied {}, {}",
                        count(*steps, "step"),
                        count(*statements, "statement")
                    ),
                    YELLOW,
                ),
            ),
            Outcome::VersionRecorded => (
                version_cell(recorded, declared),
                pp.and_then(|p| p.from_idx)
                    .map_or("-".to_string(), |i| i.to_string()),
                Cell::painted("version recorded (schema unchanged)", YELLOW),
            ),
            Outcome::Adopted {
                to_idx,
                steps,
                statements,
            } => (
                version_cell(recorded, declared),
                format!("- -> {to_idx}"),
                Cell::painted(
                    if *steps == 0 {
                        "adopted existing objects as they are (baseline)".to_string()
                    } else {
                        format!(
                            "adopted existing objects, applied {}, {}",
                            count(*steps, "step"),
                            count(*statements, "statement")
                        )
                    },
                    YELLOW,
                ),
            ),
            Outcome::RolledBack {
                from_idx,
                to_idx,
                steps,
                scripts,
            } => (
                version_cell(recorded, declared),
                format!(
                    "{} -> {to_idx}",
                    from_idx.map_or("-".to_string(), |i| i.to_string())
                ),
                Cell::painted(
                    format!(
                        "rolled back: {}, {}",
                        count(*steps, "step"),
                        count(*scripts, "down part")
                    ),
                    YELLOW,
                ),
            ),
        };
        rows.push(vec![
            Cell::painted(printable(plugin), BOLD),
            Cell::plain(version),
            Cell::plain(snapshot),
            result,
        ]);
    }
    out.push_str(&table(&rows));

    let mut applied_plugins = 0;
    let mut adopted = 0;
    let mut applied_steps = 0;
    let mut applied_statements = 0;
    for (plugin, o) in &report.plugins {
        match o {
            Outcome::Applied {
                steps, statements, ..
            }
            | Outcome::Adopted {
                steps, statements, ..
            } => {
                applied_plugins += 1;
                applied_steps += steps;
                applied_statements += statements;
                if matches!(o, Outcome::Adopted { .. }) {
                    adopted += 1;
                }
                let Some(pp) =
                    plan_of(plugin).filter(|p| *steps > 0 && p.plan.steps.len() == *steps)
                else {
                    continue;
                };
                let _ = writeln!(out, "\n{}:", paint(&printable(plugin), BOLD));
                let titles: Vec<String> = pp
                    .plan
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, step)| step_title(i, step))
                    .collect();
                let width = titles.iter().map(|t| t.chars().count()).max().unwrap_or(0);
                for (title, step) in titles.iter().zip(&pp.plan.steps) {
                    match hazard_line(step) {
                        Some((h, code)) => {
                            let pad = " ".repeat(width - title.chars().count() + 2);
                            let _ = writeln!(out, "  {title}{pad}{}", paint(&h, code));
                        }
                        None => {
                            let _ = writeln!(out, "  {title}");
                        }
                    }
                }
            }
            Outcome::VersionRecorded => applied_plugins += 1,
            Outcome::RolledBack { steps, .. } => {
                applied_plugins += 1;
                applied_steps += steps;
            }
            Outcome::UpToDate => {}
        }
    }
    out.push('\n');
    if applied_plugins == 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "Nothing to do: {} up to date.",
                    count(report.plugins.len(), "plugin")
                ),
                GREEN
            )
        );
    } else if applied_steps == 0 && adopted > 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "Adopted the existing objects of {} of {} as they are: baseline snapshots recorded.",
                    adopted,
                    count(report.plugins.len(), "plugin")
                ),
                GREEN
            )
        );
    } else if applied_steps == 0 && applied_statements == 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "Recorded the new version of {} of {}; no schema changes.",
                    applied_plugins,
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
                    "Applied {} ({}) to {} of {} in one transaction.",
                    count(applied_steps, "step"),
                    count(applied_statements, "statement"),
                    applied_plugins,
                    count(report.plugins.len(), "plugin")
                ),
                GREEN
            )
        );
    }
    out
}

/// The JSON of `graft apply`.
pub fn report_json(report: &Report) -> Value {
    let plugins: Vec<Value> = report
        .plugins
        .iter()
        .map(|(plugin, o)| {
            // `plugin` first, then the outcome's `status` and its fields.
            let mut m = serde_json::Map::new();
            m.insert("plugin".into(), json!(plugin));
            if let Ok(Value::Object(fields)) = serde_json::to_value(o) {
                m.extend(fields);
            }
            Value::Object(m)
        })
        .collect();
    json!({
        "applied": report.applied_any(),
        "fast_path": report.fast_path,
        "plugins": plugins,
    })
}

/// The human text of `graft status`.
pub fn status_text(rows: &[JournalHead], tracking_schema: &str, exists: bool) -> String {
    let mut out = String::new();
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "No plugins recorded yet{}.",
            if exists {
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
    let mut table_rows = vec![vec![
        Cell::plain("plugin"),
        Cell::plain("version"),
        Cell::plain("snapshot"),
        Cell::plain("hash"),
    ]];
    for r in rows {
        table_rows.push(vec![
            Cell::painted(printable(&r.plugin), BOLD),
            Cell::plain(r.version.as_deref().unwrap_or("-")),
            Cell::plain(r.head_idx.to_string()),
            Cell::plain(r.head_hash.short()),
        ]);
    }
    out.push_str(&table(&table_rows));
    let _ = writeln!(
        out,
        "\n{} recorded in {}._journal.",
        count(rows.len(), "plugin"),
        printable(tracking_schema)
    );
    out
}

/// The JSON of `graft status`.
pub fn status_json(rows: &[JournalHead], tracking_schema: &str, exists: bool) -> Value {
    let plugins: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "plugin": r.plugin,
                "version": r.version,
                "head_idx": r.head_idx,
                "head_hash": r.head_hash.as_str(),
            })
        })
        .collect();
    json!({
        "tracking_schema": tracking_schema,
        "initialized": exists,
        "plugins": plugins,
    })
}

/// Each plan's warnings on stderr, `warning: plugin `x`: …`.
pub fn print_warnings(plans: &[PluginPlan]) {
    for p in plans {
        for w in &p.warnings {
            eprintln!(
                "warning: plugin `{}`: {}",
                printable(&p.plugin),
                printable(w)
            );
        }
    }
}

/// Writes `text` to stdout. A closed pipe (`graft plan | head`) is not an
/// error.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    quiet_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub fn print_json(value: &Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    print(&text)
}

fn quiet_pipe(r: std::io::Result<()>) -> anyhow::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}
