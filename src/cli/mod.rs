//! The command line: one file per subcommand (tantivy-cli's shape), each with its clap
//! arguments and a `run` function.
//!
//! Output rules from the contract: `--json` prints exactly one JSON document on stdout;
//! progress and logs go to stderr. Exit codes: 0 success, 1 partial success (some rows
//! rejected), 2 error. `anyhow` is allowed here and in `main.rs` only.

pub mod demo_event;
pub mod fixtures;
pub mod fixtures_sirene;
pub mod import;
pub mod import_sirene;
pub mod matching;
pub mod reindex;
pub mod schedule;
pub mod search;
pub mod serve;
pub mod token;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked: exit 0.
    Success,
    /// Some input was rejected, the rest was processed: exit 1.
    Partial,
}

#[derive(Debug, Parser)]
#[command(
    name = "essor",
    version,
    about = "Search, matching and meeting scheduling for responsible public purchasing"
)]
pub struct Cli {
    /// Data directory (store and indexes).
    #[arg(long, global = true, env = "ESSOR_DATA", default_value = "./index")]
    pub data: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill an empty data directory from the bundled fixtures and serve the web UI and API.
    Demo(serve::DemoArgs),
    /// Serve the data directory over HTTP (web UI and API).
    Serve(serve::ServeArgs),
    /// Import suppliers, needs or the official SIRENE stock files.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Search suppliers.
    Search(Box<search::Args>),
    /// Rank suppliers for one buyer need.
    Match(matching::Args),
    /// Measure matching quality against generated ground truth.
    Eval(matching::EvalArgs),
    /// Solve a meeting-scheduling instance (b2b-sched-v1).
    Schedule(schedule::Args),
    /// Rebuild the search indexes from the store.
    Reindex(reindex::Args),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Generate a realistic synthetic data set (same seed, same bytes).
    Fixtures(fixtures::Args),
    /// Generate SIRENE-format test files (same seed, same bytes).
    FixturesSirene(fixtures_sirene::Args),
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Demo(a) => serve::run_demo(&cli.data, a),
        Command::Serve(a) => serve::run_serve(&cli.data, a),
        Command::Import(c) => import::run(&cli.data, c),
        Command::Search(a) => search::run(&cli.data, *a),
        Command::Match(a) => matching::run(&cli.data, a),
        Command::Eval(a) => matching::run_eval(&cli.data, a),
        Command::Schedule(a) => schedule::run(a),
        Command::Reindex(a) => reindex::run(&cli.data, a),
        Command::Token(c) => token::run(&cli.data, c),
        Command::Fixtures(a) => fixtures::run(a),
        Command::FixturesSirene(a) => fixtures_sirene::run(a),
    }
}

/// The error a subcommand of a later milestone returns: says so plainly, exits 2.
pub fn not_available(what: &str) -> anyhow::Error {
    anyhow::anyhow!("`essor {what}` is not available yet in this version")
}

/// Print one JSON document on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    let s = serde_json::to_string_pretty(v)?;
    println!("{s}");
    Ok(())
}
