//! `essor import`: suppliers and needs (JSON Lines or CSV), and the official SIRENE files.
use std::path::{Path, PathBuf};

use super::Outcome;

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Suppliers from JSON Lines or CSV; upsert by SIRET.
    Suppliers { file: PathBuf },
    /// Needs from JSON Lines; upsert by id.
    Needs { file: PathBuf },
    /// The official INSEE SIRENE stock files; keeps SSE units.
    Sirene {
        #[arg(long)]
        units: PathBuf,
        #[arg(long)]
        establishments: PathBuf,
        #[arg(long)]
        geo: Option<PathBuf>,
    },
}

pub fn run(_data: &Path, _cmd: ImportCommand) -> anyhow::Result<Outcome> {
    Err(super::not_available("import"))
}
