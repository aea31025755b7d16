//! The `graft` command line: argument parsing, connection, output.
//!
//! Exit codes: 0 ok, 1 error (usage errors included), 2 changes pending
//! (`plan --check`).

mod commands;
mod output;

use crate::error::pg_error_text;
use crate::migrate::{Migrator, Options};
use crate::registry::{Plugin, Registry};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// Keeps PostgreSQL schemas in step with what plugins declare.
#[derive(Debug, Parser)]
#[command(name = "graft", version, about)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Global {
    /// PostgreSQL connection string (URL or key=value). Without one, graft
    /// starts its own local PostgreSQL under .graft/ (the embedded default).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    /// Schema of the tracking tables.
    #[arg(long, default_value = "graft", global = true)]
    tracking_schema: String,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    /// lock_timeout for DDL, in milliseconds.
    #[arg(long, default_value_t = 10_000, global = true)]
    lock_timeout_ms: u64,
    /// A changed schema under an unchanged version is an error (for production).
    #[arg(long, global = true)]
    strict: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the SQL and hazards that `apply` would run (dry run).
    Plan {
        /// Schema files or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Exit with code 2 when changes are pending.
        #[arg(long)]
        check: bool,
        /// Plan a declared version lower than the recorded one as a rollback.
        #[arg(long)]
        allow_downgrade: bool,
        /// Plan drifted objects from the live database back to the declaration.
        #[arg(long)]
        repair_drift: bool,
    },
    /// Apply the declared schemas in one transaction.
    Apply {
        /// Schema files or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Allow steps that lose data (dropped tables, columns, enum values, narrowing casts).
        #[arg(long)]
        allow_destructive: bool,
        /// Plan a declared version lower than the recorded one as a rollback.
        #[arg(long)]
        allow_downgrade: bool,
        /// A downgrade may undo hand-written migrations that have no down part.
        #[arg(long)]
        allow_missing_down: bool,
        /// Turn objects that drifted from the recorded schema back into the
        /// declaration, instead of refusing to migrate over them.
        #[arg(long)]
        repair_drift: bool,
    },
    /// Show each plugin's recorded version and head snapshot; with schema
    /// files, also the declared version and whether anything is pending.
    Status {
        /// Schema files or directories of them (optional).
        paths: Vec<PathBuf>,
    },
    /// List what ran (graft._migrations): when, how long, by whom, version, hash.
    History {
        /// Only this plugin.
        plugin: Option<String>,
    },
    /// Return a plugin to an earlier snapshot (recorded as a new head).
    Rollback {
        /// The plugin.
        plugin: String,
        /// The snapshot index to return to (see `graft history`).
        #[arg(long = "to", value_name = "IDX")]
        to: i32,
        /// Allow steps that lose data.
        #[arg(long)]
        allow_destructive: bool,
        /// Undo hand-written migrations that have no down part (their effects stay).
        #[arg(long)]
        allow_missing_down: bool,
        /// Show the plan only.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a hand-written migration from a template (next seq for the declared version).
    New {
        /// The plugin.
        plugin: String,
        /// A name for the migration (becomes part of the file name).
        name: String,
        /// The directory of schema files the plugin's file is in.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Compare the live database with each plugin's last snapshot; exit 2 on drift.
    Drift {
        /// Only the plugins these schema files declare (default: every recorded plugin).
        paths: Vec<PathBuf>,
    },
    /// Print the SQL that turns SRC into DST; each is a database URL, a
    /// schema file or a directory of them.
    Diff {
        /// What the SQL starts from.
        #[arg(long, value_name = "SRC")]
        from: String,
        /// What the SQL turns it into.
        #[arg(long, value_name = "DST")]
        to: String,
        /// Only this namespace (repeatable). Default: the namespaces the
        /// files declare, else every one but the system's and graft's.
        #[arg(long = "schema", value_name = "NAME")]
        schemas: Vec<String>,
        /// Exit with code 2 when SRC and DST differ.
        #[arg(long)]
        check: bool,
    },
    /// Write schema files from the live database, one per namespace.
    Pull {
        /// Only this namespace (repeatable). Default: every one but the
        /// system's and graft's (`public` only when it holds something).
        #[arg(long = "schema", value_name = "NAME")]
        schemas: Vec<String>,
        /// The directory to write into (created if missing).
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
}

/// What `main` should exit with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0.
    Ok,
    /// 2: changes pending (`plan --check`).
    Pending,
}

impl Cli {
    /// Whether `--json` was given (errors are then also reported as JSON).
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// Runs the command.
    pub async fn run(self) -> anyhow::Result<Exit> {
        let g = &self.global;
        let opts = Options {
            tracking_schema: g.tracking_schema.clone(),
            allow_destructive: matches!(
                self.command,
                Command::Apply {
                    allow_destructive: true,
                    ..
                }
            ),
            lock_timeout: Duration::from_millis(g.lock_timeout_ms),
            applied_by: None,
            strict: g.strict,
            allow_downgrade: matches!(
                self.command,
                Command::Apply {
                    allow_downgrade: true,
                    ..
                } | Command::Plan {
                    allow_downgrade: true,
                    ..
                } | Command::Status { .. }
            ),
            allow_missing_down: matches!(
                self.command,
                Command::Apply {
                    allow_missing_down: true,
                    ..
                }
            ),
            repair_drift: matches!(
                self.command,
                Command::Plan {
                    repair_drift: true,
                    ..
                } | Command::Apply {
                    repair_drift: true,
                    ..
                }
            ),
        };
        let migrator = Migrator::new(opts);
        match &self.command {
            Command::Plan { paths, check, .. } => {
                let registry = load_registry(paths)?;
                let mut client = connect(g).await?;
                let plans = migrator.plan_all(&mut client, &registry).await?;
                let pending = plans.iter().any(|p| p.is_pending());
                if g.json {
                    output::print_json(&output::plans_json(&plans))?;
                } else {
                    output::print(&output::plans_text(&plans))?;
                }
                Ok(if *check && pending {
                    Exit::Pending
                } else {
                    Exit::Ok
                })
            }
            Command::Apply { paths, .. } => {
                let registry = load_registry(paths)?;
                let mut client = connect(g).await?;
                let (migrator, bar) = commands::with_progress(migrator, &registry, g.json);
                if g.json {
                    let report = migrator.migrate_all(&mut client, &registry).await?;
                    output::print_json(&output::report_json(&report))?;
                } else {
                    // The plans name the steps each applied plugin ran.
                    let plans = migrator.plan_all(&mut client, &registry).await?;
                    output::print_warnings(&plans);
                    let report = migrator.migrate_all(&mut client, &registry).await;
                    commands::finish_progress(bar);
                    let report = report?;
                    output::print(&output::report_text(&report, &plans))?;
                    commands::print_script_summary(&plans, &report)?;
                }
                Ok(Exit::Ok)
            }
            Command::Status { paths } if !paths.is_empty() => {
                let registry = load_registry(paths)?;
                let mut client = connect(g).await?;
                commands::status_declared(&migrator, &mut client, &registry, g.json).await
            }
            Command::History { plugin } => {
                let client = connect(g).await?;
                commands::history(&migrator, &client, plugin.as_deref(), g.json).await
            }
            Command::Rollback {
                plugin,
                to,
                allow_destructive,
                allow_missing_down,
                dry_run,
            } => {
                let mut client = connect(g).await?;
                let opts = crate::migrate::RollbackOptions {
                    allow_destructive: *allow_destructive,
                    allow_missing_down: *allow_missing_down,
                    dry_run: *dry_run,
                };
                commands::rollback(&migrator, &mut client, plugin, *to, opts, g.json).await
            }
            Command::New { plugin, name, dir } => {
                commands::new_migration(dir, plugin, name, g.json)
            }
            Command::Status { .. } => {
                let client = connect(g).await?;
                let heads = migrator.store().read_heads(&client).await?;
                let exists = heads.is_some();
                let mut rows: Vec<_> = heads.unwrap_or_default().into_values().collect();
                rows.sort_by(|a, b| a.plugin.cmp(&b.plugin));
                if g.json {
                    output::print_json(&output::status_json(&rows, &g.tracking_schema, exists))?;
                } else {
                    output::print(&output::status_text(&rows, &g.tracking_schema, exists))?;
                }
                Ok(Exit::Ok)
            }
            Command::Drift { paths } => commands::drift::run(g, paths).await,
            Command::Diff {
                from,
                to,
                schemas,
                check,
            } => commands::diff::run(g, from, to, schemas, *check).await,
            Command::Pull {
                schemas,
                out,
                force,
            } => commands::pull::run(g, schemas, out, *force).await,
        }
    }
}

fn load_registry(paths: &[PathBuf]) -> anyhow::Result<Registry> {
    let declared = crate::declare::load_paths_with_files(paths)?;
    if declared.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!("no schema files (*.json) in {}", names.join(", "));
    }
    let mut registry = Registry::new();
    for (file, d) in declared {
        // Hand-written migrations: DIR/<plugin>/migrations/ beside DIR/<plugin>.json.
        let dir = crate::scripts::migrations_dir(
            file.parent().unwrap_or(std::path::Path::new(".")),
            &d.plugin,
        );
        let plugin = Plugin::from(d)
            .with_migrations_dir(dir)
            .map_err(crate::migrate::PluginError::from)
            .map_err(crate::Error::from)?;
        registry.add(plugin)?;
    }
    registry.ordered()?;
    Ok(registry)
}

/// How long connecting may take unless the connection string says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

async fn connect(g: &Global) -> anyhow::Result<tokio_postgres::Client> {
    let config: tokio_postgres::Config = match &g.database_url {
        Some(url) => url.parse().map_err(|e| {
            anyhow::anyhow!(
                "invalid --database-url / DATABASE_URL: {} (expected postgres://user@host:port/dbname \
                 or key=value pairs such as `host=/run/postgresql dbname=app`)",
                pg_error_text(&e)
            )
        })?,
        None => {
            let cwd = std::env::current_dir()?;
            let (cluster, line) = crate::embedded::embedded_default(&cwd)
                .map_err(|e| anyhow::anyhow!("starting the embedded PostgreSQL: {e}"))?;
            eprintln!("{line}");
            cluster.config("graft")
        }
    };
    connect_config(config).await
}

/// Connects to `url`, a `--from` / `--to` side of `graft diff`.
async fn connect_url(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let config: tokio_postgres::Config = url.parse().map_err(|e| {
        anyhow::anyhow!(
            "invalid database URL `{}`: {}",
            crate::sources::redact(url),
            pg_error_text(&e)
        )
    })?;
    connect_config(config).await
}

async fn connect_config(
    mut config: tokio_postgres::Config,
) -> anyhow::Result<tokio_postgres::Client> {
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot connect to the database ({}): {}",
            describe_target(&config),
            pg_error_text(&e)
        )
    })?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::error!("connection error: {}", pg_error_text(&e));
        }
    });
    Ok(client)
}

/// `host H, port P, database D, user U` for messages (never the password).
fn describe_target(config: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(h) => h.clone(),
            Host::Unix(p) => p.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    let mut parts = vec![format!(
        "host {}",
        if hosts.is_empty() {
            "localhost".to_string()
        } else {
            hosts.join(",")
        }
    )];
    parts.push(format!(
        "port {}",
        if ports.is_empty() {
            "5432".to_string()
        } else {
            ports.join(",")
        }
    ));
    if let Some(db) = config.get_dbname() {
        parts.push(format!("database {db}"));
    }
    if let Some(user) = config.get_user() {
        parts.push(format!("user {user}"));
    }
    parts.join(", ")
}

/// An error and its causes as one message: each cause only when its text is
/// not already part of the message, and database errors with the server's
/// message, SQLSTATE, detail and hint rather than just `db error`.
pub fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        if cause.is::<tokio_postgres::error::DbError>() {
            break;
        }
        let pg = cause.downcast_ref::<tokio_postgres::Error>().or_else(|| {
            cause
                .downcast_ref::<Box<tokio_postgres::Error>>()
                .map(|b| &**b)
        });
        let part = match pg {
            Some(e) => pg_error_text(e),
            None => cause.to_string(),
        };
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        // pg_error_text covers the database error's own causes.
        if pg.is_some() {
            break;
        }
    }
    text
}
