//! The selection relaxation: which meetings to hold if each meeting could use a different
//! slot on each side, as a min-cost flow. Its value is the upper bound every schedule is
//! measured against, and its chosen pairs seed the slot colouring.
//!
//! Network: source → (buyer side) slot t, capacity the free tables of t → buyer b if b is
//! available in t (capacity 1) → b's degree arc → supplier s for each pair (capacity 1,
//! cost −w) → s's degree arc → (supplier side) slot t' if s is available in t' (capacity 1)
//! → sink (capacity the free tables of t'). Any schedule is such a flow (t = t'), so the
//! optimum bounds every schedule; the slot layers make it tighter than the plain bipartite
//! selection when tables or availability bind. A degree arc is split in two: the first
//! `target` units earn the shortfall penalty on top of the pair weight, the rest earn nothing
//! extra — a concave reward, so the flow stays exact for the fairness term. Degrees are capped
//! by min(max_meetings, available slots); locked meetings are taken as given. Without
//! unavailability the bound is reachable (König's edge-colouring theorem and de Werra's
//! balancing); with it, it may not be. This module does not assign slots.

use super::flow::MinCostFlow;
use super::instance::{Problem, Slots, slot_bit};

#[derive(Debug, Clone)]
pub(crate) struct Selection {
    /// Upper bound on the objective of any schedule.
    pub bound: i64,
    /// Unlocked edges chosen by the relaxation, in edge order.
    pub chosen: Vec<u32>,
}

/// Solve the relaxation (by cost scaling: it is the largest flow the solver runs).
pub(crate) fn select(pb: &Problem, flow: &mut MinCostFlow) -> Selection {
    let np = pb.num_participants();
    let nb = pb.num_buyers;
    let mut locked_count = vec![0u32; np];
    let mut locked_slots: Vec<Slots> = vec![0; np];
    let mut locked_weight = 0i64;
    let mut locked_edge = vec![false; pb.edges.len()];
    for &(e, t, _) in &pb.locked {
        let ed = pb.edges[e as usize];
        locked_weight += ed.w;
        locked_edge[e as usize] = true;
        for p in [ed.b, ed.s] {
            locked_count[p as usize] += 1;
            locked_slots[p as usize] |= slot_bit(t);
        }
    }
    // Nodes: buyer-side slots, buyers in/out, suppliers in/out, supplier-side slots.
    let t_count = pb.num_slots;
    let (source, sink) = (0, 1);
    let slot_b = |t: usize| 2 + t;
    let slot_s = |t: usize| 2 + t_count + t;
    let p_in = |p: usize| 2 + 2 * t_count + 2 * p;
    let p_out = |p: usize| 3 + 2 * t_count + 2 * p;
    flow.reset(2 + 2 * t_count + 2 * np);
    let mut locked_per_slot = vec![0u32; t_count];
    for &(_, t, _) in &pb.locked {
        locked_per_slot[t] += 1;
    }
    for (t, &locked) in locked_per_slot.iter().enumerate() {
        let free = pb.num_tables.saturating_sub(locked).min(i32::MAX as u32) as i32;
        flow.add_arc(source, slot_b(t), free, 0);
        flow.add_arc(slot_s(t), sink, free, 0);
    }
    let mut fairness_reward = 0i64;
    for p in 0..np {
        let rest = pb.cap[p].saturating_sub(locked_count[p]);
        let boosted = pb.target[p].saturating_sub(locked_count[p]).min(rest);
        fairness_reward += pb.penalty * i64::from(pb.target[p].min(locked_count[p]));
        if boosted > 0 {
            flow.add_arc(p_in(p), p_out(p), boosted as i32, -pb.penalty);
        }
        if rest > boosted {
            flow.add_arc(p_in(p), p_out(p), (rest - boosted) as i32, 0);
        }
        for t in super::instance::slots_of(pb.avail[p] & !locked_slots[p]) {
            if p < nb {
                flow.add_arc(slot_b(t), p_in(p), 1, 0);
            } else {
                flow.add_arc(p_out(p), slot_s(t), 1, 0);
            }
        }
    }
    let mut arc_of = Vec::with_capacity(pb.edges.len());
    for (e, ed) in pb.edges.iter().enumerate() {
        let usable = ed.common & !locked_slots[ed.b as usize] & !locked_slots[ed.s as usize];
        if locked_edge[e] || usable == 0 {
            continue;
        }
        arc_of.push((
            e as u32,
            flow.add_arc(p_out(ed.b as usize), p_in(ed.s as usize), 1, -ed.w),
        ));
    }
    let (_, cost) = flow.run(source, sink, i64::MAX);
    let total_target: i64 = pb.target.iter().map(|&t| i64::from(t)).sum();
    let bound = locked_weight + fairness_reward - cost - pb.penalty * total_target;
    let chosen = arc_of
        .iter()
        .filter(|&&(_, a)| flow.flow_on(a) > 0)
        .map(|&(e, _)| e)
        .collect();
    Selection { bound, chosen }
}
