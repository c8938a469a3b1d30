//! `essor fixtures`: write a synthetic data set — `suppliers.jsonl`, `needs.jsonl` and
//! `needs_truth.jsonl` — byte-identical for the same arguments.
//!
//! Suppliers are generated in batches on all cores and streamed to the file in index order, so
//! memory stays small for millions of suppliers (only the few fields the ground truth needs
//! are kept when needs are requested) and the bytes do not depend on the number of threads.
//! A summary goes to stderr; `--stats` prints the Markdown statistics on stdout. What this
//! command does not do: import the files into a data directory (`essor import` does).

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::Outcome;
use super::matching::WordingArg;
use crate::referential::Referential;
use crate::synth::stats::{NeedStats, SupplierStats, render};
use crate::synth::{Fact, SupplierOptions, TruthBase, generate_needs_worded, generate_supplier};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of suppliers.
    #[arg(long, default_value_t = 1000)]
    pub suppliers: usize,
    /// Number of buyer needs (with their ground truth). Computing the truth keeps about 1.2 KB
    /// per supplier in memory (the fields the hard rules read); `--needs 0` keeps nothing.
    #[arg(long, default_value_t = 50)]
    pub needs: usize,
    /// Seed: the same seed and options give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Buyer wording of the needs: `catalog`, the vocabulary matching is developed against,
    /// or `fresh`, a held-out vocabulary nobody tunes on (suppliers and truth are the same).
    #[arg(long, value_enum, default_value_t = WordingArg::Catalog)]
    pub wording: WordingArg,
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

/// Suppliers per batch and thread.
const BATCH: u64 = 4096;

/// One thread's share of a batch: serialised lines, counters and truth facts.
struct Part {
    bytes: Result<Vec<u8>, serde_json::Error>,
    stats: SupplierStats,
    facts: Vec<Fact>,
}

fn generate_part(
    seed: u64,
    range: std::ops::Range<u64>,
    opts: &SupplierOptions,
    with_facts: bool,
    with_stats: bool,
) -> Part {
    let mut bytes = Vec::with_capacity((range.end - range.start) as usize * 1800);
    let mut stats = SupplierStats::default();
    let mut facts = Vec::new();
    for i in range {
        let s = generate_supplier(seed, i, opts);
        if let Err(e) = serde_json::to_writer(&mut bytes, &s) {
            return Part {
                bytes: Err(e),
                stats,
                facts,
            };
        }
        bytes.push(b'\n');
        if with_stats {
            stats.add(&s);
        }
        if with_facts {
            facts.push(Fact::of(&s));
        }
    }
    Part {
        bytes: Ok(bytes),
        stats,
        facts,
    }
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
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let opts = SupplierOptions {
        region: args.region.clone(),
        region_share: if args.region.is_some() {
            args.region_share
        } else {
            0.0
        },
    };

    let progress = (std::io::stderr().is_terminal() && args.suppliers >= 100_000).then(|| {
        let bar = indicatif::ProgressBar::new(args.suppliers as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} suppliers ({per_sec}, {eta})",
            )
            .expect("valid template"),
        );
        bar
    });

    // Suppliers are generated and serialised in batches on all cores; batches are written,
    // counted and added to the truth base in index order, so the bytes do not depend on the
    // number of threads.
    let num_threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut base = TruthBase::new();
    let mut sstats = SupplierStats::default();
    let mut out = create(&args.out, "suppliers.jsonl")?;
    let total = args.suppliers as u64;
    let mut start = 0u64;
    while start < total {
        let end = (start + BATCH * num_threads as u64).min(total);
        let parts: Vec<Part> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..num_threads as u64)
                .map(|t| start + t * BATCH)
                .take_while(|&lo| lo < end)
                .map(|lo| {
                    let hi = (lo + BATCH).min(end);
                    let opts = &opts;
                    let (with_facts, with_stats) = (args.needs > 0, args.stats);
                    scope.spawn(move || {
                        generate_part(args.seed, lo..hi, opts, with_facts, with_stats)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("generator thread"))
                .collect()
        });
        for part in parts {
            out.write_all(&part.bytes?)?;
            sstats.merge(part.stats);
            for f in part.facts {
                base.push_fact(f);
            }
        }
        if let Some(bar) = &progress {
            bar.set_position(end);
        }
        start = end;
    }
    out.flush()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let set = generate_needs_worded(args.seed, args.needs, &base, args.wording.into());
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
