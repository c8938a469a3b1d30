//! `essor fixtures-sirene --units N --seed S --out DIR`: SIRENE-format test files (units,
//! establishments, geolocation) for the SIRENE import; same seed, same bytes. `--epoch E`
//! writes a later file of the same population; `--vintage` picks the column layout.
use std::path::PathBuf;

use anyhow::anyhow;

use super::Outcome;
use crate::synth::sirene::{SireneSynthOptions, Vintage, generate};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of legal units (establishments are about twice as many).
    #[arg(long, default_value_t = 1000)]
    pub units: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 0 for the base register; 1, 2… for later files of the same population.
    #[arg(long, default_value_t = 0)]
    pub epoch: u32,
    /// Column layout: 2021, 2025 or shuffled.
    #[arg(long, default_value = "2025")]
    pub vintage: String,
    #[arg(long)]
    pub out: PathBuf,
    /// Print what was written as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> anyhow::Result<Outcome> {
    let vintage = Vintage::parse(&a.vintage)
        .ok_or_else(|| anyhow!("unknown vintage {:?} (2021, 2025 or shuffled)", a.vintage))?;
    let stats = generate(
        &SireneSynthOptions {
            units: a.units,
            seed: a.seed,
            epoch: a.epoch,
            vintage,
        },
        &a.out,
    )?;
    eprintln!(
        "wrote {} units ({} SSE), {} establishments ({} active), {} geolocation rows to {}",
        stats.units,
        stats.sse_units,
        stats.establishments,
        stats.active_establishments,
        stats.geo_rows,
        a.out.display()
    );
    if a.json {
        super::print_json(&stats)?;
    }
    Ok(Outcome::Success)
}
