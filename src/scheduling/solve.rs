//! The solver pipeline: selection bound → slot colouring (two constructions) → local descent
//! → iterated local search → tables.
//!
//! Deterministic: every phase is bounded by a work budget counted in arc scans and search
//! nodes, never by the clock; `time_limit_ms` is only a safety cap that normal runs do not
//! reach. Tiny instances are finished by an exact search (see `exact`). This module does not
//! parse input nor render output.

use std::time::{Duration, Instant};

use super::colour::{balance_tables, colour, colour_dsatur};
use super::exact;
use super::flow::MinCostFlow;
use super::instance::{Instance, Meeting, Problem};
use super::search::Search;
use super::select::{Selection, select};
use super::state::State;
use super::tables::assign_tables;
use super::{Options, Solution, Stats};
use crate::error::Result;

/// Work budget per edge and participant at effort 1 (one unit is roughly 10 ns in a release
/// build). The iterated local search also stops after 30 % of the budget without gain.
const WORK_PER_ITEM: u64 = 16_000;

/// Solve an instance: the best schedule found within the work budget, with the flow upper
/// bound. Fails only on an invalid instance.
pub fn solve(instance: &Instance, options: &Options) -> Result<Solution> {
    let started = Instant::now();
    let pb = Problem::build(instance)?;
    let deadline = options
        .time_limit_ms
        .map(|ms| started + Duration::from_millis(ms));
    let mut flow = MinCostFlow::default();
    let sel = select(&pb, &mut flow);
    let items = (pb.edges.len() + pb.num_participants()) as u64;
    let budget = WORK_PER_ITEM
        .saturating_mul(items)
        .saturating_mul(u64::from(options.effort));
    let mut work = flow.work;
    let (st, search_work, deadline_hit) = improve(&pb, &sel, budget.saturating_sub(work), deadline);
    work += search_work;
    let mut stats = Stats {
        time_ms: 0,
        work,
        flow_bound: sel.bound,
        optimal: false,
        time_limit_hit: deadline_hit,
    };
    let mut bound = sel.bound;
    // Tiny instances: find the optimum, or prove the schedule optimal, exhaustively.
    let mut st = st;
    if st.objective() < bound
        && let Some(proof) = exact::solve_exact(&pb, st.objective())
    {
        stats.work += proof.nodes;
        if proof.optimum > st.objective() {
            st.restore(&proof.assignment);
        }
        bound = st.objective();
    }
    Ok(finish(&pb, &st, bound, stats, started))
}

/// Build a schedule from the selection and improve it: returns the best state, the work
/// spent and whether the deadline was hit.
fn improve<'a>(
    pb: &'a Problem,
    sel: &Selection,
    budget: u64,
    deadline: Option<Instant>,
) -> (State<'a>, u64, bool) {
    let mut used = 0u64;
    // Construction A: static order (fewest common slots first, heaviest first) with Kempe
    // swaps, then de Werra's table balancing.
    let mut order = sel.chosen.clone();
    order.sort_by_key(|&e| {
        let ed = pb.edges[e as usize];
        (ed.common.count_ones(), -ed.w, e)
    });
    let mut st = State::new(pb);
    colour(&mut st, &order, &mut used);
    balance_tables(&mut st, &mut used);
    let mut search = Search::new(st, budget.saturating_sub(used), deadline, 1);
    if search.st.objective() < sel.bound {
        search.descent(3);
    }
    used += search.work();
    let mut hit = search.deadline_hit;
    if search.st.objective() >= sel.bound || hit || used >= budget {
        return (search.st, used, hit);
    }
    // Construction B: dynamic order (DSATUR). Keep the better of the two, A on ties.
    let mut st = State::new(pb);
    colour_dsatur(&mut st, &order, &mut used);
    balance_tables(&mut st, &mut used);
    let mut other = Search::new(st, budget.saturating_sub(used), deadline, 2);
    if other.st.objective() < sel.bound {
        other.descent(3);
    }
    used += other.work();
    hit |= other.deadline_hit;
    let mut best = if other.st.objective() > search.st.objective() {
        other
    } else {
        search
    };
    // Iterated local search with what is left.
    let before = best.work();
    best.set_budget(before.saturating_add(budget.saturating_sub(used)));
    best.iterate(sel.bound, budget / 10 * 3);
    used += best.work() - before;
    hit |= best.deadline_hit;
    (best.st, used, hit)
}

pub(crate) fn finish(
    pb: &Problem,
    st: &State,
    bound: i64,
    mut stats: Stats,
    started: Instant,
) -> Solution {
    let placed = assign_tables(pb, &st.assignment());
    let meetings = placed
        .iter()
        .map(|&(e, t, table)| {
            let ed = pb.edges[e as usize];
            Meeting {
                b: pb.ids[ed.b as usize],
                s: pb.ids[ed.s as usize],
                slot: t as u32,
                table,
            }
        })
        .collect();
    let objective = st.objective();
    stats.optimal = objective >= bound;
    stats.time_ms = started.elapsed().as_millis() as u64;
    Solution {
        objective,
        weight: st.weight,
        shortfall: st.shortfall,
        upper_bound: bound.max(objective),
        meetings,
        stats,
    }
}
