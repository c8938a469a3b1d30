//! The `essor` binary: parses the command line, sets up logging to stderr, runs the command
//! and maps its outcome to an exit code (0 success, 1 partial, 2 error).

use std::process::ExitCode;

use clap::Parser;
use essor::cli::{self, Cli, Outcome};

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ESSOR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match cli::run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `essor eval | head -3`: once the reader has gone, `println!` panics with a broken pipe.
/// Like a Unix tool killed by SIGPIPE, the process then ends quietly with status 141
/// (128 + SIGPIPE) instead of printing a panic; every other panic keeps the default report.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
