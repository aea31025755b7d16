//! The plugin life-cycle verbs: `status FILES`, `history`, `rollback`,
//! `new`, and what `plan` / `apply` show of hand-written migrations, plus
//! the progress bar of multi-plugin runs; and, in their own modules, the
//! verbs that read whole databases: `drift`, `diff`, `pull`.

pub(super) mod diff;
pub(super) mod drift;
pub(super) mod pull;

use super::output::{
    count, paint, print, print_json, printable, step_text, table, version_cell, Cell, BOLD, GREEN,
    RED, YELLOW,
};
use super::Exit;
use crate::migrate::{
    Direction, Migrator, PluginPlan, Report, RollbackOptions, Segment, Transition, TransitionKind,
};
use crate::registry::Registry;
use crate::Outcome;
use serde_json::json;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use tokio_postgres::Client;

/// A progress bar on stderr for runs of more than one plugin, only on a
/// terminal and without `--json`.
pub(super) fn with_progress(
    migrator: Migrator,
    registry: &Registry,
    json: bool,
) -> (Migrator, Option<indicatif::ProgressBar>) {
    let n = registry.plugins().len();
    if json || n < 2 || !std::io::stderr().is_terminal() {
        return (migrator, None);
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{pos}/{len}] {wide_msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let b = bar.clone();
    let migrator = migrator.on_progress(move |ev| {
        b.set_position(ev.done as u64);
        b.set_length(ev.total as u64);
        match ev.step {
            None => b.set_message(ev.plugin.to_string()),
            Some(step) => b.set_message(format!("{}: {step}", ev.plugin)),
        }
    });
    (migrator, Some(bar))
}

/// Clears the progress bar.
pub(super) fn finish_progress(bar: Option<indicatif::ProgressBar>) {
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

fn script_label(r: &crate::migrate::ScriptRun) -> String {
    let what = match r.direction {
        Direction::Up => "migration",
        Direction::Down => "undo",
    };
    format!(
        "{what} {} ({}{})",
        printable(&r.id),
        r.phase.as_str(),
        if r.sql.is_none() && !r.skip {
            ", closure"
        } else {
            ""
        }
    )
}

/// `graft plan`'s text for a plugin with a transition: steps and
/// hand-written migrations in the order they run.
pub(super) fn transition_text(p: &PluginPlan, tr: &Transition) -> String {
    let mut out = String::new();
    let scripts = tr.scripts().filter(|r| !r.skip).count();
    let what = match tr.kind {
        TransitionKind::Upgrade => String::new(),
        TransitionKind::Rollback => format!(", {}", tr.name),
    };
    let _ = writeln!(
        out,
        "{}: {}, {}{}{}",
        paint(&printable(&p.plugin), BOLD),
        count(p.plan.steps.len(), "step"),
        count(scripts, "hand-written migration part"),
        match p.from_idx {
            None => " (first migration)".to_string(),
            Some(i) => format!(" (from snapshot {i})"),
        },
        what
    );
    let mut first = true;
    for seg in &tr.segments {
        match seg {
            Segment::Steps { from, to } => {
                for i in *from..*to {
                    if !first {
                        out.push('\n');
                    }
                    first = false;
                    out.push_str(&step_text(i, &p.plan.steps[i]));
                }
            }
            Segment::Script(r) => {
                if !first {
                    out.push('\n');
                }
                first = false;
                let _ = writeln!(out, "  {}", paint(&script_label(r), YELLOW));
                if r.skip {
                    let _ = writeln!(
                        out,
                        "      recorded without running (first install: the schema it expects never existed here)"
                    );
                }
                if let Some(sql) = &r.sql {
                    for line in sql.lines() {
                        let _ = writeln!(out, "      {line}");
                    }
                }
            }
        }
    }
    out
}

/// After `graft apply`'s table: the hand-written migrations that ran.
pub(super) fn print_script_summary(plans: &[PluginPlan], report: &Report) -> anyhow::Result<()> {
    let mut out = String::new();
    for (plugin, o) in &report.plugins {
        if matches!(o, Outcome::UpToDate) {
            continue;
        }
        let Some(tr) = plans
            .iter()
            .find(|p| &p.plugin == plugin)
            .and_then(|p| p.transition.as_deref())
        else {
            continue;
        };
        let ran: Vec<String> = tr
            .scripts()
            .map(|r| {
                if r.skip {
                    format!("{} (recorded, not run)", printable(&r.id))
                } else {
                    script_label(r)
                }
            })
            .collect();
        if !ran.is_empty() {
            let _ = writeln!(
                out,
                "{}: {}",
                paint(&printable(plugin), BOLD),
                ran.join(", ")
            );
        }
    }
    if !out.is_empty() {
        print(&format!("\nHand-written migrations:\n{out}"))?;
    }
    Ok(())
}

/// Hand-written migration parts that would run (not the ones only recorded).
pub(super) fn script_count(p: &PluginPlan) -> usize {
    p.transition
        .as_deref()
        .map_or(0, |t| t.scripts().filter(|r| !r.skip).count())
}

fn pending_cell(p: &PluginPlan) -> Cell {
    if !p.is_pending() {
        return Cell::painted("up to date", GREEN);
    }
    let scripts = script_count(p);
    let mut parts = Vec::new();
    if !p.plan.is_empty() {
        parts.push(count(p.plan.steps.len(), "step"));
    }
    if scripts > 0 {
        parts.push(count(scripts, "migration"));
    }
    if parts.is_empty() {
        parts.push("version only".to_string());
    }
    let code = if p.plan.destructive_steps().next().is_some() {
        RED
    } else {
        YELLOW
    };
    let what = match p.transition.as_deref().map(|t| t.kind) {
        Some(TransitionKind::Rollback) => "downgrade (apply needs --allow-downgrade)",
        _ => "pending",
    };
    Cell::painted(format!("{what}: {}", parts.join(", ")), code)
}

/// `graft status FILES`: recorded and declared versions, head, pending.
pub(super) async fn status_declared(
    migrator: &Migrator,
    client: &mut Client,
    registry: &Registry,
    json: bool,
) -> anyhow::Result<Exit> {
    let plans = migrator.plan_all(client, registry).await?;
    if json {
        let plugins: Vec<_> = plans
            .iter()
            .map(|p| {
                json!({
                    "plugin": p.plugin,
                    "recorded_version": p.recorded_version,
                    "declared_version": p.version,
                    "head_idx": p.from_idx,
                    "head_hash": p.from_hash.as_ref().map(|h| h.as_str()),
                    "declared_hash": p.to_hash.as_str(),
                    "pending": p.is_pending(),
                    "steps": p.plan.steps.len(),
                    "migrations": p.transition.as_deref().map_or(0, |t| t.scripts().filter(|r| !r.skip).count()),
                    "warnings": p.warnings,
                })
            })
            .collect();
        print_json(&json!({
            "tracking_schema": migrator.store().schema(),
            "pending": plans.iter().any(PluginPlan::is_pending),
            "plugins": plugins,
        }))?;
        return Ok(Exit::Ok);
    }
    let mut rows = vec![vec![
        Cell::plain("plugin"),
        Cell::plain("recorded"),
        Cell::plain("declared"),
        Cell::plain("snapshot"),
        Cell::plain("hash"),
        Cell::plain("state"),
    ]];
    for p in &plans {
        rows.push(vec![
            Cell::painted(printable(&p.plugin), BOLD),
            Cell::plain(p.recorded_version.as_deref().unwrap_or("-")),
            Cell::plain(p.version.as_deref().unwrap_or("-")),
            Cell::plain(p.from_idx.map_or("-".to_string(), |i| i.to_string())),
            Cell::plain(p.from_hash.as_ref().map_or("-", |h| h.short())),
            pending_cell(p),
        ]);
    }
    let mut out = table(&rows);
    for p in &plans {
        for w in &p.warnings {
            let _ = writeln!(out, "{}", paint(&format!("warning: {w}"), YELLOW));
        }
    }
    let pending = plans.iter().filter(|p| p.is_pending()).count();
    out.push('\n');
    if pending == 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!("Up to date: {}.", count(plans.len(), "plugin")),
                GREEN
            )
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "Pending: {} of {}; `graft plan` shows what would run.",
                    pending,
                    count(plans.len(), "plugin")
                ),
                YELLOW
            )
        );
    }
    print(&out)?;
    Ok(Exit::Ok)
}

/// `graft history [PLUGIN]`.
pub(super) async fn history(
    migrator: &Migrator,
    client: &Client,
    plugin: Option<&str>,
    json: bool,
) -> anyhow::Result<Exit> {
    let rows =
        crate::store::history::read_history(client, migrator.store().schema(), plugin).await?;
    if json {
        print_json(&json!({ "history": rows }))?;
        return Ok(Exit::Ok);
    }
    if rows.is_empty() {
        print(&format!(
            "No migrations recorded{}.\n",
            plugin
                .map(|p| format!(" for plugin `{}`", printable(p)))
                .unwrap_or_default()
        ))?;
        return Ok(Exit::Ok);
    }
    let mut table_rows = vec![vec![
        Cell::plain("id"),
        Cell::plain("plugin"),
        Cell::plain("idx"),
        Cell::plain("kind"),
        Cell::plain("name"),
        Cell::plain("version"),
        Cell::plain("hash"),
        Cell::plain("started (UTC)"),
        Cell::plain("ms"),
        Cell::plain("by"),
        Cell::plain("statements"),
    ]];
    for r in &rows {
        table_rows.push(vec![
            Cell::plain(r.id.to_string()),
            Cell::painted(printable(&r.plugin), BOLD),
            Cell::plain(r.idx.to_string()),
            match r.kind.as_str() {
                "rollback" => Cell::painted(r.kind.clone(), YELLOW),
                _ => Cell::plain(r.kind.clone()),
            },
            Cell::plain(printable(&r.name)),
            Cell::plain(r.version.as_deref().unwrap_or("-")),
            Cell::plain(&r.hash[..r.hash.len().min(12)]),
            Cell::plain(r.started_at.clone()),
            Cell::plain(r.duration_ms.to_string()),
            Cell::plain(printable(&r.applied_by)),
            Cell::plain(r.statements.to_string()),
        ]);
    }
    let mut out = table(&table_rows);
    let _ = writeln!(out, "\n{}.", count(rows.len(), "migration"));
    print(&out)?;
    Ok(Exit::Ok)
}

/// `graft rollback PLUGIN --to IDX`.
pub(super) async fn rollback(
    migrator: &Migrator,
    client: &mut Client,
    plugin: &str,
    to: i32,
    opts: RollbackOptions,
    json: bool,
) -> anyhow::Result<Exit> {
    let (report, pp) = migrator.rollback(client, plugin, to, opts, None).await?;
    let outcome = &report.plugins[0].1;
    if json {
        let mut v = json!({
            "plugin": plugin,
            "dry_run": opts.dry_run,
            "target_idx": to,
            "from_idx": pp.from_idx,
            "version": pp.version,
            "steps": pp.plan.steps.iter().map(|s| json!({
                "kind": s.change.kind(), "subject": s.change.subject(), "sql": s.sql,
                "destructive": s.is_destructive(),
            })).collect::<Vec<_>>(),
            "transition": pp.transition,
        });
        if let Outcome::RolledBack {
            to_idx, scripts, ..
        } = outcome
        {
            v["to_idx"] = json!(to_idx);
            v["scripts"] = json!(scripts);
        }
        print_json(&v)?;
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    if let Some(tr) = &pp.transition {
        out.push_str(&transition_text(&pp, tr));
    }
    out.push('\n');
    let line = match outcome {
        Outcome::RolledBack {
            from_idx,
            to_idx,
            steps,
            scripts,
        } => paint(
            &format!(
                "Rolled back `{}` from snapshot {} to snapshot {to} ({}): {}, {}; recorded as snapshot {to_idx}.",
                printable(plugin),
                from_idx.map_or("-".to_string(), |i| i.to_string()),
                version_cell(None, pp.version.as_deref()),
                count(*steps, "step"),
                count(*scripts, "down part"),
            ),
            GREEN,
        ),
        _ => paint(
            &format!(
                "Dry run: rolling `{}` back to snapshot {to} would run {} (nothing was applied).",
                printable(plugin),
                count(pp.plan.steps.len(), "step")
            ),
            YELLOW,
        ),
    };
    out.push_str(&line);
    out.push('\n');
    print(&out)?;
    Ok(Exit::Ok)
}

/// `graft new PLUGIN NAME [--dir DIR]`: no database needed.
pub(super) fn new_migration(
    dir: &Path,
    plugin: &str,
    name: &str,
    json: bool,
) -> anyhow::Result<Exit> {
    let declared = crate::declare::load_paths_with_files(&[dir.to_path_buf()])?;
    let Some((file, d)) = declared.iter().find(|(_, d)| d.plugin == plugin) else {
        let known: Vec<&str> = declared.iter().map(|(_, d)| d.plugin.as_str()).collect();
        anyhow::bail!(
            "no schema file in {} declares plugin `{plugin}`{}",
            dir.display(),
            if known.is_empty() {
                String::new()
            } else {
                format!(" (found: {})", known.join(", "))
            }
        );
    };
    let Some(version) = &d.version else {
        anyhow::bail!(
            "{}: plugin `{plugin}` has no version; hand-written migrations belong to a version",
            file.display()
        );
    };
    let mdir = crate::scripts::migrations_dir(file.parent().unwrap_or(Path::new(".")), plugin);
    let path = crate::scripts::new_migration(&mdir, plugin, version, name)?;
    if json {
        print_json(&json!({ "plugin": plugin, "version": version.to_string(), "path": path }))?;
    } else {
        print(&format!(
            "Wrote {} (plugin `{}` {version}); fill in its `-- graft:up` part.\n",
            path.display(),
            printable(plugin)
        ))?;
    }
    Ok(Exit::Ok)
}
