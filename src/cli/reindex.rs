//! `essor reindex`: rebuild the search index from the store into a fresh generation and swap
//! it in atomically (a running server follows the swap by itself).
//!
//! The rebuild itself is `SearchIndex::rebuild`; this file only opens things and reports.

use std::path::Path;

use anyhow::Context;

use super::Outcome;
use crate::index::SearchIndex;
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(data: &Path, _args: Args) -> anyhow::Result<Outcome> {
    let started = std::time::Instant::now();
    let store =
        Store::open(data).with_context(|| format!("opening the store in {}", data.display()))?;
    let index = SearchIndex::open(data).context("opening the search index")?;
    let report = index
        .rebuild(&store)
        .context("rebuilding the search index")?;
    let snap = index.snapshot();
    eprintln!(
        "reindexed {} searchable suppliers up to store sequence {} in {:.1} s",
        snap.num_suppliers(),
        report.seq,
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome::Success)
}
