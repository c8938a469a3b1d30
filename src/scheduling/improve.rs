//! Exact large neighbourhoods for the local search. Each one frees a block of the schedule
//! and refills it optimally, everything else staying put:
//!
//! - one participant: all its movable meetings are removed, then its pairs are re-assigned to
//!   its free slots (an assignment problem with the concave fairness reward of its count,
//!   solved greedily since its feasible sets form a matroid);
//! - one slot: all its movable meetings are removed, then the slot is refilled with a
//!   max-weight matching of at most the free tables among unscheduled pairs.
//!
//! A move is kept only when it strictly improves the objective, so a sweep can only go up.
//! This module does not choose the order of moves nor decide when to stop (see `search`).

use super::flow::MinCostFlow;
use super::instance::{Slots, slot_bit, slots_of};
use super::state::{NONE, State};

/// Re-optimise every movable meeting of participant `p`. True when the objective improved.
pub(crate) fn reopt_participant(
    st: &mut State,
    p: u32,
    scratch: &mut Vec<(u32, usize)>,
    work: &mut u64,
) -> bool {
    let pb = st.pb;
    *work += 4 + 2 * pb.adj[p as usize].len() as u64;
    if !may_improve(st, p) {
        return false;
    }
    *work += 2 * pb.adj[p as usize].len() as u64;
    let before = st.objective();
    scratch.clear();
    for t in slots_of(st.busy_slots[p as usize]) {
        let e = st.busy_at(p, t);
        if !st.fixed[e as usize] {
            scratch.push((e, t));
        }
    }
    for &(e, _) in scratch.iter() {
        st.remove(e);
    }
    let k = pb.num_tables;
    let mut table_free = 0;
    for t in 0..pb.num_slots {
        if st.per_slot[t] < k {
            table_free |= slot_bit(t);
        }
    }
    let free_p = pb.avail[p as usize] & !st.busy_slots[p as usize] & table_free;
    let c0 = st.count[p as usize];
    let rest = pb.cap[p as usize].saturating_sub(c0);
    let cands: Vec<u32> = if rest == 0 || free_p == 0 {
        Vec::new()
    } else {
        pb.adj[p as usize]
            .iter()
            .copied()
            .filter(|&e| {
                let ed = pb.edges[e as usize];
                let q = if ed.b == p { ed.s } else { ed.b };
                !st.fixed[e as usize]
                    && st.count[q as usize] < pb.cap[q as usize]
                    && ed.common & free_p & !st.busy_slots[q as usize] != 0
            })
            .collect()
    };
    if cands.is_empty() {
        restore(st, scratch);
        return false;
    }
    // Each candidate's value does not depend on its slot, so the sets of candidates that can
    // be matched to distinct slots form a (transversal) matroid: taking candidates by
    // decreasing value whenever they still fit (an augmenting path over the slots exists)
    // is optimal. `p`'s concave fairness reward only raises the first `boosted` marginals.
    let mut order: Vec<(i64, u32, Slots)> = cands
        .iter()
        .map(|&e| {
            let ed = pb.edges[e as usize];
            let q = if ed.b == p { ed.s } else { ed.b };
            (
                ed.w + st.fair_gain(q),
                e,
                ed.common & free_p & !st.busy_slots[q as usize],
            )
        })
        .collect();
    order.sort_unstable_by_key(|&(v, e, _)| (-v, e));
    let boosted = pb.target[p as usize].saturating_sub(c0).min(rest);
    let mut owner = [NONE; 128];
    let mut taken = 0u32;
    let mut gain = 0i64;
    for (i, &(value, _, allowed)) in order.iter().enumerate() {
        let marginal = value + if taken < boosted { pb.penalty } else { 0 };
        if taken >= rest || marginal <= 0 {
            break;
        }
        let mut visited: Slots = 0;
        if augment(&order, i, allowed, &mut owner, &mut visited, work) {
            taken += 1;
            gain += marginal;
        }
    }
    *work += 4 * order.len() as u64 + 2 * scratch.len() as u64;
    if gain <= before - st.objective() {
        restore(st, scratch);
        return false;
    }
    for (t, &i) in owner.iter().enumerate().take(pb.num_slots) {
        if i != NONE {
            st.add(order[i as usize].1, t);
        }
    }
    debug_assert!(st.objective() > before);
    true
}

/// Kuhn's augmenting path: give candidate `i` a slot among `allowed`, moving earlier
/// candidates to other slots of theirs if needed.
fn augment(
    order: &[(i64, u32, Slots)],
    i: usize,
    allowed: Slots,
    owner: &mut [u32; 128],
    visited: &mut Slots,
    work: &mut u64,
) -> bool {
    for t in slots_of(allowed & !*visited) {
        *work += 1;
        *visited |= slot_bit(t);
        let j = owner[t];
        if j == NONE || augment(order, j as usize, order[j as usize].2, owner, visited, work) {
            owner[t] = i as u32;
            return true;
        }
    }
    false
}

/// A quick necessary condition for [`reopt_participant`] to improve: only a change in the
/// set of `p`'s meetings changes the objective, so some unscheduled pair of `p` must be able
/// to come in (partner under its cap and free in a slot `p` could use) and be worth more than
/// what it would replace; or some meeting of `p` must be worth less than nothing.
fn may_improve(st: &State, p: u32) -> bool {
    let pb = st.pb;
    let k = pb.num_tables;
    let mut movable = 0;
    let mut worst_kept = i64::MAX;
    for t in slots_of(st.busy_slots[p as usize]) {
        let e = st.busy_at(p, t);
        if !st.fixed[e as usize] {
            movable |= slot_bit(t);
            let ed = pb.edges[e as usize];
            let q = if ed.b == p { ed.s } else { ed.b };
            let value = ed.w + st.fair_loss(q);
            if value + st.fair_loss(p) < 0 {
                return true;
            }
            worst_kept = worst_kept.min(value);
        }
    }
    let fixed = st.busy_slots[p as usize] & !movable;
    let mut room = movable;
    for t in slots_of(pb.avail[p as usize] & !fixed & !movable) {
        if st.per_slot[t] < k {
            room |= slot_bit(t);
        }
    }
    let full = st.count[p as usize] >= pb.cap[p as usize];
    if full && movable == 0 {
        return false;
    }
    // The bar an entering pair must clear: the weakest meeting it would replace, or when
    // `p` has room, nothing (less `p`'s own fairness gain, which helps entering pairs).
    if worst_kept < 0 && movable != 0 {
        return true;
    }
    let bar = if full {
        worst_kept
    } else {
        worst_kept.min(-st.fair_gain(p))
    };
    pb.adj[p as usize].iter().any(|&f| {
        let fd = pb.edges[f as usize];
        let q = if fd.b == p { fd.s } else { fd.b };
        !st.is_scheduled(f)
            && st.count[q as usize] < pb.cap[q as usize]
            && fd.w + st.fair_gain(q) > bar
            && fd.common & room & !st.busy_slots[q as usize] != 0
    })
}

/// Re-optimise slot `t`: the best set of meetings in it given everything else. True when the
/// objective improved.
pub(crate) fn reopt_slot(
    st: &mut State,
    t: usize,
    flow: &mut MinCostFlow,
    scratch: &mut Vec<(u32, usize)>,
) -> bool {
    let pb = st.pb;
    let before = st.objective();
    let nb = pb.num_buyers as u32;
    let np = pb.num_participants();
    scratch.clear();
    for b in 0..nb {
        let e = st.busy_at(b, t);
        if e != NONE && !st.fixed[e as usize] {
            scratch.push((e, t));
        }
    }
    for &(e, _) in scratch.iter() {
        st.remove(e);
    }
    let free_tables = pb.num_tables.saturating_sub(st.per_slot[t]);
    let bit = slot_bit(t);
    let eligible = |st: &State, p: u32| {
        pb.avail[p as usize] & bit != 0
            && st.busy_at(p, t) == NONE
            && st.count[p as usize] < pb.cap[p as usize]
    };
    let (super_source, source, sink) = (np, np + 1, np + 2);
    flow.reset(np + 3);
    flow.add_arc(super_source, source, free_tables as i32, 0);
    let mut arcs = Vec::new();
    let mut supplier_used = vec![false; np];
    if free_tables > 0 {
        for b in 0..nb {
            if !eligible(st, b) {
                continue;
            }
            let mut any = false;
            for &e in &pb.adj[b as usize] {
                let ed = pb.edges[e as usize];
                if ed.common & bit != 0
                    && !st.is_scheduled(e)
                    && !st.fixed[e as usize]
                    && eligible(st, ed.s)
                {
                    arcs.push((e, flow.add_arc(b as usize, ed.s as usize, 1, -ed.w)));
                    supplier_used[ed.s as usize] = true;
                    any = true;
                }
            }
            if any {
                flow.add_arc(source, b as usize, 1, -st.fair_gain(b));
            }
        }
        for (s, _) in supplier_used.iter().enumerate().filter(|&(_, &used)| used) {
            flow.add_arc(s, sink, 1, -st.fair_gain(s as u32));
        }
    }
    let (_, cost) = flow.run(super_source, sink, i64::MAX);
    if st.objective() - cost <= before {
        restore(st, scratch);
        return false;
    }
    for &(e, a) in &arcs {
        if flow.flow_on(a) > 0 {
            st.add(e, t);
        }
    }
    true
}

fn restore(st: &mut State, removed: &[(u32, usize)]) {
    for &(e, t) in removed {
        st.add(e, t);
    }
}
