//! Exact large neighbourhoods for the local search. Each one frees a block of the schedule
//! and refills it optimally with a min-cost flow, everything else staying put:
//!
//! - one participant: all its movable meetings are removed, then its pairs are re-assigned to
//!   its free slots (an assignment problem with the concave fairness reward of its count);
//! - one slot: all its movable meetings are removed, then the slot is refilled with a
//!   max-weight matching of at most the free tables among unscheduled pairs.
//!
//! A move is kept only when it strictly improves the objective, so a sweep can only go up.
//! This module does not choose the order of moves nor decide when to stop (see `search`).

use super::flow::MinCostFlow;
use super::instance::{slot_bit, slots_of};
use super::state::{NONE, State};

/// Re-optimise every movable meeting of participant `p`. True when the objective improved.
pub(crate) fn reopt_participant(
    st: &mut State,
    p: u32,
    flow: &mut MinCostFlow,
    scratch: &mut Vec<(u32, usize)>,
) -> bool {
    let pb = st.pb;
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
    let t_count = pb.num_slots;
    let (src, sink, hub) = (0, 1, 2);
    let slot_node = |t: usize| 3 + t;
    let cand_node = |i: usize| 3 + t_count + i;
    flow.reset(3 + t_count + cands.len());
    let boosted = pb.target[p as usize].saturating_sub(c0).min(rest);
    if boosted > 0 {
        flow.add_arc(hub, sink, boosted as i32, -pb.penalty);
    }
    if rest > boosted {
        flow.add_arc(hub, sink, (rest - boosted) as i32, 0);
    }
    for t in slots_of(free_p) {
        flow.add_arc(slot_node(t), hub, 1, 0);
    }
    let mut arcs = Vec::new();
    for (i, &e) in cands.iter().enumerate() {
        let ed = pb.edges[e as usize];
        let q = if ed.b == p { ed.s } else { ed.b };
        flow.add_arc(src, cand_node(i), 1, -(ed.w + st.fair_gain(q)));
        for t in slots_of(ed.common & free_p & !st.busy_slots[q as usize]) {
            arcs.push((e, t, flow.add_arc(cand_node(i), slot_node(t), 1, 0)));
        }
    }
    let (_, cost) = flow.run(src, sink, i64::MAX, true);
    if st.objective() - cost <= before {
        restore(st, scratch);
        return false;
    }
    for &(e, t, a) in &arcs {
        if flow.flow_on(a) > 0 {
            st.add(e, t);
        }
    }
    debug_assert_eq!(st.objective(), before.max(st.objective()));
    true
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
        for s in nb as usize..np {
            if supplier_used[s] {
                flow.add_arc(s, sink, 1, -st.fair_gain(s as u32));
            }
        }
    }
    let (_, cost) = flow.run_scaling(super_source, sink, i64::MAX);
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
