//! Meeting scheduling for purchasing events: buyers and suppliers meet one-to-one in short
//! slots at numbered tables (contract section 5, format `b2b-sched-v1`).
//!
//! Entry points: [`Instance::from_json`] (parse and validate), [`solve`] (an optimal or
//! near-optimal schedule with its distance to the flow upper bound), [`reoptimize`] (repair a
//! schedule during the day after no-shows), [`validate_schedule`] and [`evaluate`] (an
//! independent checker and objective evaluator), [`render_grid`] (a slots × tables text grid).
//!
//! How `solve` works (one file per step):
//! 1. `select`: a time-expanded min-cost flow (`flow`, cost scaling) picks the meetings as if
//!    each could use a different slot on each side; its value is the upper bound. Fairness is
//!    a concave reward on each participant's degree arc, so the flow stays exact for it.
//! 2. `colour`: the selected meetings get slots by bipartite edge colouring with Kempe swaps
//!    (two orders: static, and DSATUR), then de Werra's balancing brings every slot within
//!    the tables. Without unavailability this reaches the bound (König).
//! 3. `search` with `improve`: exact re-optimisation of one participant (a matroid greedy) or
//!    one slot (a matching flow), ejection-chain insertions of waiting pairs, then an iterated
//!    local search (force a pair in, repair around it, keep if no worse).
//! 4. `exact`: tiny instances are finished by branch and bound, which also proves optimality.
//! 5. `tables`: table numbers, keeping locked tables and buyers at the same table when free.
//!
//! **Invariant:** pure and deterministic. No IO, no async; the same input gives the same
//! output on any machine, because the search is bounded by counted work, not by the clock
//! (the optional time limit is a safety cap only).

mod check;
mod colour;
mod exact;
mod flow;
mod grid;
mod improve;
mod instance;
mod reopt;
mod search;
mod select;
mod solve;
mod state;
mod tables;

pub use check::{Evaluation, Side, Violation, evaluate, validate_schedule};
pub use grid::render_grid;
pub use instance::{
    FORMAT, Fairness, Instance, LockedMeeting, MAX_SLOTS, MAX_TABLES, MAX_WEIGHT, Meeting, Pair,
    Participant, Weights,
};
pub use reopt::{Reoptimization, Reoptimized, reoptimize};
pub use solve::solve;

use serde::{Deserialize, Serialize};

/// How hard and how long the solver may work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Multiplies the default work budget of the local search (1 is the default; 0 stops after
    /// the construction). The budget is counted in arc scans, so results do not depend on the
    /// machine.
    pub effort: u32,
    /// Safety cap on wall-clock time. Normal runs finish well before it; when it is hit the
    /// best schedule so far is returned and the result may depend on machine speed.
    pub time_limit_ms: Option<u64>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            effort: 1,
            time_limit_ms: Some(60_000),
        }
    }
}

/// A schedule with its objective and how far from optimal it can be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// `weight − shortfall_penalty × shortfall`.
    pub objective: i64,
    /// Sum of `w` over scheduled meetings.
    pub weight: i64,
    /// Sum over participants of the meetings missing to reach their fairness target.
    pub shortfall: i64,
    /// No schedule can do better than this (flow relaxation; equals `objective` when proven
    /// optimal).
    pub upper_bound: i64,
    /// Meetings sorted by slot, then table.
    pub meetings: Vec<Meeting>,
    pub stats: Stats,
}

impl Solution {
    /// Relative distance to the upper bound: (bound − objective) / |bound|, 0 when optimal.
    pub fn gap(&self) -> f64 {
        let d = (self.upper_bound - self.objective) as f64;
        if d <= 0.0 {
            0.0
        } else {
            d / (self.upper_bound.unsigned_abs().max(1)) as f64
        }
    }
}

/// How the solver got there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Wall-clock time (the only machine-dependent figure).
    pub time_ms: u64,
    /// Work done, in arc scans and search nodes.
    pub work: u64,
    /// The flow relaxation's bound. `upper_bound` is this, or the proven optimum when an
    /// exhaustive search could be run (tiny instances).
    pub flow_bound: i64,
    /// True when the objective reaches the upper bound.
    pub optimal: bool,
    /// True when the safety time limit cut the search short.
    pub time_limit_hit: bool,
}
