//! `essor reindex`: rebuild the search indexes from the store.
use std::path::Path;

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_data: &Path, _args: Args) -> anyhow::Result<Outcome> {
    Err(super::not_available("reindex"))
}
