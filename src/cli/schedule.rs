//! `essor schedule`: solve a b2b-sched-v1 meeting-scheduling instance.
use std::path::PathBuf;

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Instance file (contract section 5).
    #[arg(long)]
    pub instance: PathBuf,
    /// Time budget for the improvement phase, in milliseconds.
    #[arg(long)]
    pub time_limit_ms: Option<u64>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    Err(super::not_available("schedule"))
}
