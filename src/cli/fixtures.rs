//! `essor fixtures`: generate a synthetic data set.
use std::path::PathBuf;

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 1000)]
    pub suppliers: usize,
    #[arg(long, default_value_t = 50)]
    pub needs: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    Err(super::not_available("fixtures"))
}
