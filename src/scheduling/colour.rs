//! Slot assignment of a selected set of meetings: bipartite edge colouring with slots as
//! colours, restricted to each pair's common available slots.
//!
//! Each edge goes to a slot free for both sides when there is one; otherwise an alternating
//! (Kempe) path in two slots α/β is swapped to free one (König's argument: in a bipartite
//! graph the path never comes back to the edge's other end). Afterwards de Werra's balancing
//! moves meetings out of slots with more meetings than tables along alternating paths with
//! one more edge in the full slot. Without unavailability both steps always succeed; with
//! it, paths whose edges cannot use both slots are skipped and the edge is left out for the
//! local search. This module does not choose which meetings to hold.

use super::instance::{Slots, slot_bit, slots_of};
use super::state::{NONE, State};

/// Place `order` (unscheduled edges) one by one; table counts are ignored here and fixed by
/// [`balance_tables`]. Returns the edges that could not be placed.
pub(crate) fn colour(st: &mut State, order: &[u32], work: &mut u64) -> Vec<u32> {
    let mut failed = Vec::new();
    for &e in order {
        if !place_with_kempe(st, e, work) {
            failed.push(e);
        }
    }
    failed
}

/// Try to place unscheduled edge `e`, ignoring tables: a common free slot, else one Kempe
/// swap. Respects caps.
pub(crate) fn place_with_kempe(st: &mut State, e: u32, work: &mut u64) -> bool {
    let pb = st.pb;
    let ed = pb.edges[e as usize];
    if st.count[ed.b as usize] >= pb.cap[ed.b as usize]
        || st.count[ed.s as usize] >= pb.cap[ed.s as usize]
    {
        return false;
    }
    let free_b = ed.common & !st.busy_slots[ed.b as usize];
    let free_s = ed.common & !st.busy_slots[ed.s as usize];
    let both = free_b & free_s;
    if both != 0 {
        let t = least_loaded(st, both);
        st.add(e, t);
        return true;
    }
    // α free at b (busy at s), β free at s (busy at b). Prefer short paths.
    let mut best: Option<(usize, usize, usize, bool)> = None;
    for alpha in slots_of(free_b) {
        for beta in slots_of(free_s) {
            // Path from s starting with its α edge: after the swap, α is free at s.
            if let Some(len) = kempe_path_len(st, ed.s, alpha, beta, work)
                && best.is_none_or(|(_, _, l, _)| len < l)
            {
                best = Some((alpha, beta, len, true));
            }
            // Path from b starting with its β edge: after the swap, β is free at b.
            if let Some(len) = kempe_path_len(st, ed.b, beta, alpha, work)
                && best.is_none_or(|(_, _, l, _)| len < l)
            {
                best = Some((alpha, beta, len, false));
            }
        }
    }
    match best {
        Some((alpha, beta, _, true)) => {
            swap_path(st, ed.s, alpha, beta);
            st.add(e, alpha);
            true
        }
        Some((alpha, beta, _, false)) => {
            swap_path(st, ed.b, beta, alpha);
            st.add(e, beta);
            true
        }
        None => false,
    }
}

fn least_loaded(st: &State, set: Slots) -> usize {
    slots_of(set)
        .min_by_key(|&t| (st.per_slot[t], t))
        .expect("non-empty slot set")
}

/// Length of the path from `start` alternating slots `a`, `b`, `a`, … (first edge in `a`) if
/// every edge on it is movable and available in both slots; `None` otherwise.
fn kempe_path_len(st: &State, start: u32, a: usize, b: usize, work: &mut u64) -> Option<usize> {
    let both = slot_bit(a) | slot_bit(b);
    let mut v = start;
    let (mut cur, mut next) = (a, b);
    let mut len = 0;
    loop {
        *work += 1;
        let f = st.busy_at(v, cur);
        if f == NONE {
            return Some(len);
        }
        let fd = st.pb.edges[f as usize];
        if st.fixed[f as usize] || fd.common & both != both {
            return None;
        }
        len += 1;
        v = if fd.b == v { fd.s } else { fd.b };
        std::mem::swap(&mut cur, &mut next);
    }
}

/// Swap slots `a` and `b` along the alternating path from `start` (first edge in `a`).
fn swap_path(st: &mut State, start: u32, a: usize, b: usize) {
    let mut path = Vec::new();
    let mut v = start;
    let (mut cur, mut next) = (a, b);
    loop {
        let f = st.busy_at(v, cur);
        if f == NONE {
            break;
        }
        path.push((f, next));
        let fd = st.pb.edges[f as usize];
        v = if fd.b == v { fd.s } else { fd.b };
        std::mem::swap(&mut cur, &mut next);
    }
    for &(f, _) in &path {
        st.remove(f);
    }
    for &(f, t) in &path {
        st.add(f, t);
    }
}

/// Bring every slot down to at most `num_tables` meetings: swap alternating paths between an
/// over-full slot and an under-full one (each swap moves one meeting across), and when no
/// such path exists, drop the over-full slot's least valuable movable meeting. Returns the
/// dropped edges.
pub(crate) fn balance_tables(st: &mut State, work: &mut u64) -> Vec<u32> {
    let pb = st.pb;
    let k = pb.num_tables;
    let mut dropped = Vec::new();
    for t in 0..pb.num_slots {
        while st.per_slot[t] > k {
            let mut moved = false;
            'under: for u in 0..pb.num_slots {
                if st.per_slot[u] >= k {
                    continue;
                }
                // A path starting and ending with a `t` edge: its ends are free in `u`.
                for p in 0..pb.num_participants() as u32 {
                    *work += 1;
                    let f = st.busy_at(p, t);
                    if f == NONE || st.busy_at(p, u) != NONE {
                        continue;
                    }
                    if let Some(len) = kempe_path_len(st, p, t, u, work)
                        && len % 2 == 1
                    {
                        swap_path(st, p, t, u);
                        moved = true;
                        break 'under;
                    }
                }
            }
            if !moved {
                let worst = (0..pb.edges.len() as u32)
                    .filter(|&f| st.slot_of[f as usize] as usize == t && !st.fixed[f as usize])
                    .min_by_key(|&f| (st.remove_loss(f), f));
                match worst {
                    Some(f) => {
                        st.remove(f);
                        dropped.push(f);
                    }
                    None => break,
                }
            }
        }
    }
    dropped
}

/// DSATUR-style list colouring: repeatedly place the unplaced edge with the fewest feasible
/// slots left (heaviest first on ties), in the slot that removes the fewest options from the
/// other unplaced edges of its two participants; an edge with no option left gets one Kempe
/// swap. Returns the edges that could not be placed.
pub(crate) fn colour_dsatur(st: &mut State, edges: &[u32], work: &mut u64) -> Vec<u32> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let pb = st.pb;
    let k = pb.num_tables;
    let mut pending = vec![false; pb.edges.len()];
    for &e in edges {
        pending[e as usize] = true;
    }
    let options = |st: &State, e: u32| -> Slots {
        let ed = pb.edges[e as usize];
        let mut set = ed.common & !st.busy_slots[ed.b as usize] & !st.busy_slots[ed.s as usize];
        for t in slots_of(set) {
            if st.per_slot[t] >= k {
                set &= !slot_bit(t);
            }
        }
        set
    };
    let mut heap = BinaryHeap::new();
    let mut key = vec![0u32; pb.edges.len()];
    for &e in edges {
        key[e as usize] = options(st, e).count_ones();
        heap.push(Reverse((key[e as usize], -pb.edges[e as usize].w, e)));
    }
    let mut failed = Vec::new();
    while let Some(Reverse((n, _, e))) = heap.pop() {
        *work += 1;
        if !pending[e as usize] || n != key[e as usize] {
            continue;
        }
        pending[e as usize] = false;
        let ed = pb.edges[e as usize];
        let set = options(st, e);
        if set == 0
            || st.count[ed.b as usize] >= pb.cap[ed.b as usize]
            || st.count[ed.s as usize] >= pb.cap[ed.s as usize]
        {
            if !place_with_kempe(st, e, work) || st.per_slot[st.slot_of[e as usize] as usize] > k {
                if st.is_scheduled(e) {
                    st.remove(e);
                }
                failed.push(e);
            }
        } else {
            let damage = |t: usize| -> usize {
                let mut d = 0;
                for p in [ed.b, ed.s] {
                    for &f in &pb.adj[p as usize] {
                        if pending[f as usize] && pb.edges[f as usize].common & slot_bit(t) != 0 {
                            d += 1;
                        }
                    }
                }
                d
            };
            let t = slots_of(set)
                .min_by_key(|&t| (damage(t), st.per_slot[t], t))
                .expect("non-empty");
            *work += (pb.adj[ed.b as usize].len() + pb.adj[ed.s as usize].len()) as u64
                * u64::from(set.count_ones());
            st.add(e, t);
        }
        // Refresh the keys of the unplaced edges that share a participant.
        for p in [ed.b, ed.s] {
            for &f in &pb.adj[p as usize] {
                if pending[f as usize] {
                    let n = options(st, f).count_ones();
                    if n != key[f as usize] {
                        key[f as usize] = n;
                        heap.push(Reverse((n, -pb.edges[f as usize].w, f)));
                    }
                }
            }
        }
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduling::instance::{Fairness, Instance, Pair, Participant, Problem};
    use crate::util::Rng;

    /// König and de Werra: without unavailability, any bipartite selection of max degree at
    /// most the number of slots and at most slots × tables edges fits.
    #[test]
    fn every_selection_fits_without_unavailability() {
        let mut rng = Rng::new(11);
        for _ in 0..300 {
            let num_slots = 1 + rng.below(5) as u32;
            let (nb, ns) = (1 + rng.below(6) as u32, 1 + rng.below(6) as u32);
            let mut pairs = Vec::new();
            let mut degree = vec![0u32; (nb + ns) as usize];
            for b in 0..nb {
                for s in 0..ns {
                    let (db, ds) = (degree[b as usize], degree[(nb + s) as usize]);
                    if rng.chance(0.6) && db < num_slots && ds < num_slots {
                        degree[b as usize] += 1;
                        degree[(nb + s) as usize] += 1;
                        pairs.push(Pair {
                            b,
                            s,
                            score: 0.0,
                            buyer_wish: false,
                            supplier_wish: false,
                            w: 1,
                        });
                    }
                }
            }
            let num_tables = (pairs.len() as u32).div_ceil(num_slots).max(1);
            let person = |id| Participant {
                id,
                name: String::new(),
                max_meetings: num_slots,
                unavailable: vec![],
            };
            let instance = Instance {
                format: crate::scheduling::FORMAT.to_string(),
                name: String::new(),
                generator: None,
                num_slots,
                num_tables,
                weights: None,
                fairness: Fairness::default(),
                buyers: (0..nb).map(person).collect(),
                suppliers: (0..ns).map(person).collect(),
                pairs,
                locked: vec![],
            };
            let pb = Problem::build(&instance).unwrap();
            let mut st = State::new(&pb);
            let all: Vec<u32> = (0..pb.edges.len() as u32).collect();
            let mut work = 0;
            assert!(colour(&mut st, &all, &mut work).is_empty());
            assert!(balance_tables(&mut st, &mut work).is_empty());
            assert!(st.per_slot.iter().all(|&n| n <= num_tables));
            assert_eq!(st.assignment().len(), pb.edges.len());
        }
    }
}
