//! The `graft` command line: argument parsing, connection, output.
//!
//! Exit codes: 0 ok, 1 error, 2 changes pending (`plan --check`).

mod output;

use crate::apply::{Migrator, Options, Outcome};
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
    #[arg(long, env = "DATABASE_URL", global = true)]
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
    },
    /// Apply the declared schemas in one transaction.
    Apply {
        /// Schema files or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Allow steps that lose data (dropped tables, columns, enum values, narrowing casts).
        #[arg(long)]
        allow_destructive: bool,
    },
    /// Show each plugin's recorded version and head snapshot.
    Status,
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
        };
        let migrator = Migrator::new(opts);
        match &self.command {
            Command::Plan { paths, check } => {
                let registry = load_registry(paths)?;
                let mut client = connect(g).await?;
                let plans = migrator.plan_all(&mut client, &registry).await?;
                let pending = plans.iter().any(|p| p.is_pending());
                output::plans(&plans, g.json)?;
                Ok(if *check && pending {
                    Exit::Pending
                } else {
                    Exit::Ok
                })
            }
            Command::Apply { paths, .. } => {
                let registry = load_registry(paths)?;
                let mut client = connect(g).await?;
                let plans = migrator.plan_all(&mut client, &registry).await?;
                if !g.json {
                    output::plans(&plans, false)?;
                }
                let report = migrator.migrate_all(&mut client, &registry).await?;
                output::report(&report, g.json)?;
                Ok(Exit::Ok)
            }
            Command::Status => {
                let client = connect(g).await?;
                let heads = migrator.store().read_heads(&client).await?;
                let mut rows: Vec<_> = heads.unwrap_or_default().into_values().collect();
                rows.sort_by(|a, b| a.plugin.cmp(&b.plugin));
                output::status(&rows, g.json)?;
                Ok(Exit::Ok)
            }
        }
    }
}

fn load_registry(paths: &[PathBuf]) -> anyhow::Result<Registry> {
    let declared = crate::declare::load_paths(paths)?;
    let mut registry = Registry::new();
    for d in declared {
        registry.add(Plugin::from(d))?;
    }
    registry.ordered()?;
    Ok(registry)
}

async fn connect(g: &Global) -> anyhow::Result<tokio_postgres::Client> {
    let config: tokio_postgres::Config = match &g.database_url {
        Some(url) => url
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid --database-url / DATABASE_URL: {e}"))?,
        None => {
            let cwd = std::env::current_dir()?;
            let (cluster, line) = crate::embedded::embedded_default(&cwd)?;
            if !g.json {
                eprintln!("{line}");
            }
            cluster.config("graft")
        }
    };
    let (client, conn) = config
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| anyhow::anyhow!("while connecting to the database: {e}"))?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::error!("connection error: {e}");
        }
    });
    Ok(client)
}

/// The summary line for an outcome.
fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::UpToDate => "up to date".to_string(),
        Outcome::Applied {
            from_idx,
            to_idx,
            steps,
            statements,
        } => format!(
            "applied {steps} step(s), {statements} statement(s): snapshot {} -> {to_idx}",
            from_idx.map_or("none".to_string(), |i| i.to_string())
        ),
        Outcome::VersionRecorded => "version recorded (schema unchanged)".to_string(),
    }
}
