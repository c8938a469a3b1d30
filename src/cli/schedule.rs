//! `essor schedule`: solve a b2b-sched-v1 meeting-scheduling instance (contract section 5)
//! and print the schedule, as one JSON document with `--json` or as a short human summary.
//! It reads one file and writes stdout only; the solving itself is `scheduling::solve`.

use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;

use super::Outcome;
use crate::scheduling::{self, Instance, Meeting, Options};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Instance file (contract section 5).
    #[arg(long)]
    pub instance: PathBuf,
    /// Safety cap on solving time, in milliseconds. The search is bounded by counted work, so
    /// results do not depend on the machine unless this cap is reached.
    #[arg(long)]
    pub time_limit_ms: Option<u64>,
    #[arg(long)]
    pub json: bool,
    /// Search effort: multiplies the default work budget (0 stops after the construction).
    #[arg(long, default_value_t = 1)]
    pub effort: u32,
    /// Also print the slots × tables grid (human output only).
    #[arg(long)]
    pub grid: bool,
}

/// The `--json` document: the contract's fields first, then the distance to optimal.
#[derive(Debug, Serialize)]
struct Output<'a> {
    objective: i64,
    weight: i64,
    shortfall: i64,
    upper_bound: i64,
    /// (upper_bound − objective) / upper_bound.
    gap: f64,
    optimal: bool,
    time_ms: u64,
    work: u64,
    meetings: &'a [Meeting],
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let path = args.instance.display();
    let bytes = std::fs::read(&args.instance)
        .with_context(|| format!("cannot read instance file {path}"))?;
    let instance =
        Instance::from_json(&bytes).with_context(|| format!("bad instance file {path}"))?;
    let options = Options {
        effort: args.effort,
        time_limit_ms: args.time_limit_ms.or(Options::default().time_limit_ms),
    };
    let solution =
        scheduling::solve(&instance, &options).with_context(|| format!("cannot solve {path}"))?;
    if solution.stats.time_limit_hit {
        tracing::warn!(time_limit_ms = ?options.time_limit_ms, "time limit reached, the schedule may not be the best");
    }
    if args.json {
        super::print_json(&Output {
            objective: solution.objective,
            weight: solution.weight,
            shortfall: solution.shortfall,
            upper_bound: solution.upper_bound,
            gap: solution.gap(),
            optimal: solution.stats.optimal,
            time_ms: solution.stats.time_ms,
            work: solution.stats.work,
            meetings: &solution.meetings,
        })?;
    } else {
        let name = if instance.name.is_empty() {
            path.to_string()
        } else {
            instance.name.clone()
        };
        println!(
            "{name}: {} meetings in {} slots at {} tables",
            solution.meetings.len(),
            instance.num_slots,
            instance.num_tables
        );
        println!(
            "objective {} (weight {}, shortfall {}), bound {}, gap {:.3} %{}",
            solution.objective,
            solution.weight,
            solution.shortfall,
            solution.upper_bound,
            100.0 * solution.gap(),
            if solution.stats.optimal {
                " (optimal)"
            } else {
                ""
            }
        );
        println!("solved in {} ms", solution.stats.time_ms);
        if args.grid {
            print!("{}", scheduling::render_grid(&instance, &solution));
        }
    }
    Ok(Outcome::Success)
}
