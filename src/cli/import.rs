//! `essor import`: suppliers and needs (JSON Lines or CSV), and the official SIRENE files.
//!
//! Bad rows are listed on stderr (line, field, reason) and the rest is imported; the exit
//! code says whether everything went in (0), some rows were rejected (1) or the import could
//! not run (2). `--json` prints the full report on stdout.
use std::path::{Path, PathBuf};

use essor_import::{ImportOptions, ImportReport};

use super::Outcome;
use crate::import as essor_import;
use crate::store::Store;

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Suppliers from JSON Lines or CSV; upsert by SIRET.
    Suppliers {
        file: PathBuf,
        /// Print the report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Needs from JSON Lines; upsert by id.
    Needs {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The official INSEE SIRENE stock files; keeps SSE units.
    Sirene {
        #[arg(long)]
        units: PathBuf,
        #[arg(long)]
        establishments: PathBuf,
        #[arg(long)]
        geo: Option<PathBuf>,
        #[command(flatten)]
        options: super::import_sirene::Options,
    },
}

/// Most rejected rows listed on stderr; the JSON report always has them all.
const MAX_LISTED: usize = 10_000;

fn finish(report: &ImportReport, json: bool) -> anyhow::Result<Outcome> {
    for e in report.rejected.iter().take(MAX_LISTED) {
        eprintln!("rejected: {e}");
    }
    if report.rejected.len() > MAX_LISTED {
        eprintln!(
            "rejected: … and {} more",
            report.rejected.len() - MAX_LISTED
        );
    }
    eprintln!("{}", report.summary());
    if json {
        super::print_json(report)?;
    }
    Ok(if report.rejected_rows > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}

pub fn run(data: &Path, cmd: ImportCommand) -> anyhow::Result<Outcome> {
    let opts = ImportOptions::default();
    match cmd {
        ImportCommand::Suppliers { file, json } => {
            let store = Store::open(data)?;
            let report = essor_import::import_suppliers(&store, &file, &opts)?;
            finish(&report, json)
        }
        ImportCommand::Needs { file, json } => {
            let store = Store::open(data)?;
            let report = essor_import::import_needs(&store, &file, &opts)?;
            finish(&report, json)
        }
        ImportCommand::Sirene {
            units,
            establishments,
            geo,
            options,
        } => super::import_sirene::run(data, &units, &establishments, geo.as_deref(), options),
    }
}
