//! `essor import sirene --units F --establishments F [--geo F]`: the official INSEE SIRENE
//! stock files into supplier profiles (see `import::sirene` for what is kept and how).
//!
//! Rejected rows go to stderr (file, line, field, reason), then a summary; `--json` prints
//! the full report on stdout. Exit code 0 when every row was usable, 1 when some were
//! rejected, 2 when the import could not run (missing file or column, store error).
use std::path::Path;

use super::Outcome;
use crate::import::sirene::{SireneFiles, SireneOptions, import_sirene};
use crate::store::Store;

/// Options of `essor import sirene` beyond the three files.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Options {
    /// Also keep units with these legal forms, SSE or not (INSEE codes, comma-separated),
    /// e.g. 9221,9222.
    #[arg(long, value_delimiter = ',')]
    pub legal_forms: Vec<String>,
    /// Also keep establishments with these activities (NAF codes, comma-separated), SSE or
    /// not, e.g. 88.10C for ESAT.
    #[arg(long, value_delimiter = ',')]
    pub naf: Vec<String>,
    /// Profiles per durable transaction.
    #[arg(long, default_value_t = 1000)]
    pub batch_size: usize,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Most rejected rows listed on stderr; the JSON report lists more.
const MAX_LISTED: usize = 10_000;

pub fn run(
    data: &Path,
    units: &Path,
    establishments: &Path,
    geo: Option<&Path>,
    options: Options,
) -> anyhow::Result<Outcome> {
    let store = Store::open(data)?;
    let opts = SireneOptions {
        legal_forms: options.legal_forms,
        naf: options.naf,
        batch_size: options.batch_size,
        ..SireneOptions::default()
    };
    let report = import_sirene(
        &store,
        &SireneFiles {
            units,
            establishments,
            geo,
        },
        &opts,
    )?;
    store.flush()?;
    for e in report.rejected.iter().take(MAX_LISTED) {
        eprintln!("rejected: {e}");
    }
    if report.rejected_rows as usize > MAX_LISTED.min(report.rejected.len()) {
        eprintln!("rejected: … {} rows in all", report.rejected_rows);
    }
    eprintln!("{}", report.summary());
    if options.json {
        super::print_json(&report)?;
    }
    Ok(if report.rejected_rows > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
