//! The `graft` binary: a thin shell over [`graft::cli`].

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GRAFT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    // Usage errors exit 1, not clap's 2: 2 means "changes pending".
    let cli = match graft::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let json = cli.json();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(cli.run()) {
        Ok(graft::cli::Exit::Ok) => ExitCode::SUCCESS,
        Ok(graft::cli::Exit::Pending) => ExitCode::from(2),
        Err(e) => {
            let text = graft::cli::error_text(&e);
            if json {
                println!("{}", serde_json::json!({ "error": text }));
            }
            eprintln!("error: {text}");
            ExitCode::from(1)
        }
    }
}
