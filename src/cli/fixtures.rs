//! `essor fixtures`: write a synthetic data set — `suppliers.jsonl`, `needs.jsonl` and
//! `needs_truth.jsonl` — byte-identical for the same arguments.
//!
//! Suppliers are streamed to the file one at a time, so memory stays small for millions of
//! suppliers (only the few fields the ground truth needs are kept when needs are requested).
//! A summary goes to stderr; `--stats` prints the Markdown statistics on stdout. What this
//! command does not do: import the files into a data directory (`essor import` does).

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::Outcome;
use crate::referential::Referential;
use crate::synth::stats::{NeedStats, SupplierStats, render};
use crate::synth::{SupplierOptions, TruthBase, generate_needs_from, supplier_stream};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of suppliers.
    #[arg(long, default_value_t = 1000)]
    pub suppliers: usize,
    /// Number of buyer needs (with their ground truth).
    #[arg(long, default_value_t = 50)]
    pub needs: usize,
    /// Seed: the same seed and options give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (created if missing; existing files are overwritten).
    #[arg(long)]
    pub out: PathBuf,
    /// Weight suppliers towards this region (INSEE region code, e.g. 76 for Occitanie).
    #[arg(long)]
    pub region: Option<String>,
    /// Share of suppliers drawn from `--region` only; the rest come from all of France.
    #[arg(long, default_value_t = 0.6)]
    pub region_share: f64,
    /// Print statistics of the generated set (Markdown) on stdout.
    #[arg(long)]
    pub stats: bool,
}

fn create(dir: &Path, name: &str) -> anyhow::Result<BufWriter<File>> {
    let path = dir.join(name);
    let f = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if let Some(code) = &args.region
        && Referential::get().region(code).is_none()
    {
        bail!("unknown region code {code} (expected an INSEE region code such as 76)");
    }
    if !(0.0..=1.0).contains(&args.region_share) {
        bail!("--region-share must be between 0 and 1");
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let opts = SupplierOptions { region: args.region.clone(), region_share: if args.region.is_some() { args.region_share } else { 0.0 } };

    let progress = (std::io::stderr().is_terminal() && args.suppliers >= 100_000).then(|| {
        let bar = indicatif::ProgressBar::new(args.suppliers as u64);
        bar.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} suppliers ({per_sec}, {eta})").expect("valid template"));
        bar
    });

    let mut base = TruthBase::new();
    let mut sstats = SupplierStats::default();
    let mut out = create(&args.out, "suppliers.jsonl")?;
    for (i, s) in supplier_stream(args.seed, args.suppliers, &opts).enumerate() {
        serde_json::to_writer(&mut out, &s)?;
        out.write_all(b"\n")?;
        if args.needs > 0 {
            base.push(&s);
        }
        sstats.add(&s);
        if let Some(bar) = &progress
            && i % 4096 == 0
        {
            bar.set_position(i as u64);
        }
    }
    out.flush()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let set = generate_needs_from(args.seed, args.needs, &base);
    let mut needs_out = create(&args.out, "needs.jsonl")?;
    let mut truth_out = create(&args.out, "needs_truth.jsonl")?;
    let mut nstats = NeedStats::default();
    for (n, t) in set.needs.iter().zip(&set.truth) {
        serde_json::to_writer(&mut needs_out, n)?;
        needs_out.write_all(b"\n")?;
        serde_json::to_writer(&mut truth_out, t)?;
        truth_out.write_all(b"\n")?;
        nstats.add(n, t);
    }
    needs_out.flush()?;
    truth_out.flush()?;

    eprintln!(
        "wrote {} suppliers, {} needs and their ground truth to {} (seed {}); {} needs have no relevant supplier",
        args.suppliers,
        args.needs,
        args.out.display(),
        args.seed,
        nstats.num_without_relevant
    );
    if args.stats {
        print!("{}", render(&sstats, &nstats));
    }
    Ok(Outcome::Success)
}
