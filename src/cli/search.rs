//! `essor search`: query the supplier indexes from the command line.
use std::path::Path;

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Free text (French).
    pub query: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_data: &Path, _args: Args) -> anyhow::Result<Outcome> {
    Err(super::not_available("search"))
}
