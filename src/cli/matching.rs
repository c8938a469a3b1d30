//! `essor match` and `essor eval`: rank suppliers for a need; measure matching quality.
use std::path::{Path, PathBuf};

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Need file (JSON, contract section 2).
    #[arg(long)]
    pub need: PathBuf,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct EvalArgs {}

pub fn run(_data: &Path, _args: Args) -> anyhow::Result<Outcome> {
    Err(super::not_available("match"))
}

pub fn run_eval(_data: &Path, _args: EvalArgs) -> anyhow::Result<Outcome> {
    Err(super::not_available("eval"))
}
