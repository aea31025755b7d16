//! `graft pull [--schema NAME]... [--out DIR] [--force]`: schema files from
//! a live database, one per namespace, so that an existing database can be
//! adopted: `graft apply` of the pulled files changes nothing and records a
//! baseline snapshot per plugin.

use super::super::output::{count, print, print_json, printable, table, Cell, BOLD};
use super::super::{connect, Exit, Global};
use crate::declare::from_json_str;
use crate::introspect::introspect;
use crate::snapshot::{diff_text, Snapshot};
use crate::sources::{declarations, file_name, user_namespaces};
use serde_json::json;
use std::path::{Path, PathBuf};

pub(in crate::cli) async fn run(
    g: &Global,
    schemas: &[String],
    out: &Path,
    force: bool,
) -> anyhow::Result<Exit> {
    let mut client = connect(g).await?;
    let explicit = !schemas.is_empty();
    let namespaces = if explicit {
        schemas.to_vec()
    } else {
        user_namespaces(&client, &g.tracking_schema).await?
    };
    let live = introspect(&mut client, &namespaces).await?;
    let mut pulled_ns = live.schema.namespaces.clone();
    for n in &namespaces {
        if !pulled_ns.contains(n) {
            anyhow::bail!("the database has no namespace `{}`", printable(n));
        }
    }
    if !explicit {
        // `public` exists everywhere: pulled only when it holds something
        let used = |n: &str| {
            crate::drift::scope::top_level(&live.schema)
                .iter()
                .any(|k| k.is_namespaced_object() && k.namespace() == Some(n))
        };
        pulled_ns.retain(|n| n != "public" || used(n));
    }
    let pulled = declarations(&live.schema, &pulled_ns);
    for w in &pulled.warnings {
        eprintln!("warning: {}", printable(w));
    }
    for u in &live.unmodeled {
        eprintln!(
            "warning: not modelled by graft, not pulled: {}",
            printable(&u.to_string())
        );
    }

    // every file is checked before any is written
    let mut files: Vec<(PathBuf, String, &crate::declare::Declared)> = Vec::new();
    for d in &pulled.declared {
        let path = out.join(file_name(&d.plugin));
        if path.exists() && !force {
            anyhow::bail!(
                "{} exists; pull into another --out directory, or pass --force to overwrite",
                path.display()
            );
        }
        let mut text = serde_json::to_string_pretty(&d.to_file())?;
        text.push('\n');
        let back = from_json_str(&text, Some(&path)).map_err(|e| {
            anyhow::anyhow!(
                "namespace `{}` cannot be written as a schema file: {e}",
                printable(&d.plugin)
            )
        })?;
        if back.schema != d.schema {
            anyhow::bail!(
                "namespace `{}` does not read back the same from its schema file:\n{}",
                printable(&d.plugin),
                diff_text(
                    &Snapshot::new(d.schema.clone()),
                    &Snapshot::new(back.schema.clone())
                )
            );
        }
        files.push((path, text, d));
    }
    std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("creating {}: {e}", out.display()))?;
    for (path, text, _) in &files {
        std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    }

    if g.json {
        print_json(&json!({
            "files": files.iter().map(|(path, _, d)| json!({
                "path": path,
                "plugin": d.plugin,
                "namespace": d.namespace(),
                "depends_on": d.depends_on.keys().collect::<Vec<_>>(),
                "objects": objects(d),
            })).collect::<Vec<_>>(),
            "unmodeled": live.unmodeled,
            "warnings": pulled.warnings,
        }))?;
    } else {
        let mut rows = vec![vec![
            Cell::plain("namespace"),
            Cell::plain("file"),
            Cell::plain("objects"),
        ]];
        for (path, _, d) in &files {
            rows.push(vec![
                Cell::painted(printable(&d.plugin), BOLD),
                Cell::plain(path.display().to_string()),
                Cell::plain(objects(d).to_string()),
            ]);
        }
        let mut text = table(&rows);
        text.push_str(&format!(
            "\nWrote {}. `graft apply {}` adopts them as they are (a baseline snapshot per plugin).\n",
            count(files.len(), "schema file"),
            out.display()
        ));
        print(&text)?;
    }
    Ok(Exit::Ok)
}

/// The number of named objects a declaration holds.
fn objects(d: &crate::declare::Declared) -> usize {
    crate::drift::scope::top_level(&d.schema)
        .iter()
        .filter(|k| k.is_namespaced_object())
        .count()
}
