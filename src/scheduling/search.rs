//! The local search: exact block re-optimisations (see `improve`), ejection-chain insertions
//! of unscheduled pairs, and an iterated local search that forces a pair into the schedule,
//! repairs around it, and keeps the result when it is no worse.
//!
//! Every step counts its work (arc scans, chain nodes, list scans) against a budget, so the
//! same input gives the same schedule whatever the machine; the optional deadline is only a
//! safety cap. This module does not build the initial schedule nor the bound.

use std::collections::VecDeque;
use std::time::Instant;

use super::flow::MinCostFlow;
use super::improve::{reopt_participant, reopt_slot};
use super::instance::{slot_bit, slots_of};
use super::state::{NONE, State};
use crate::util::Rng;

/// Most chain nodes explored for one insertion attempt at one depth.
const NODE_LIMIT: u32 = 2_000;

pub(crate) struct Search<'a> {
    pub st: State<'a>,
    flow: MinCostFlow,
    scratch: Vec<(u32, usize)>,
    /// Work outside the flows (chain nodes, scans).
    own_work: u64,
    /// Stop once the work counter reaches this.
    budget: u64,
    deadline: Option<Instant>,
    /// True once the deadline cut the search short.
    pub deadline_hit: bool,
    rng: Rng,
    dirty_participant: Vec<bool>,
    participant_queue: VecDeque<u32>,
    dirty_slot: Vec<bool>,
}

impl<'a> Search<'a> {
    pub fn new(st: State<'a>, budget: u64, deadline: Option<Instant>, seed: u64) -> Search<'a> {
        let np = st.pb.num_participants();
        let num_slots = st.pb.num_slots;
        Search {
            st,
            flow: MinCostFlow::default(),
            scratch: Vec::new(),
            own_work: 0,
            budget,
            deadline,
            deadline_hit: false,
            rng: Rng::new(seed),
            dirty_participant: vec![false; np],
            participant_queue: VecDeque::new(),
            dirty_slot: vec![false; num_slots],
        }
    }

    /// Stop once the work counter reaches `budget`.
    pub fn set_budget(&mut self, budget: u64) {
        self.budget = budget;
    }

    /// Work done so far (arc scans and search nodes).
    pub fn work(&self) -> u64 {
        self.own_work + self.flow.work
    }

    /// True when the work budget is spent (or the safety deadline passed).
    pub fn exhausted(&mut self) -> bool {
        if self.work() >= self.budget {
            return true;
        }
        if let Some(d) = self.deadline
            && Instant::now() >= d
        {
            self.deadline_hit = true;
            return true;
        }
        false
    }

    fn mark_participant(&mut self, p: u32) {
        if !self.dirty_participant[p as usize] {
            self.dirty_participant[p as usize] = true;
            self.participant_queue.push_back(p);
        }
    }

    /// Everything changed since `mark` may open new improvements: flag the participants
    /// involved, their partners, and the slots concerned.
    fn note_changes(&mut self, mark: usize) {
        let pb = self.st.pb;
        let changes: Vec<(u32, u8)> = self.st.changes_since(mark).to_vec();
        for (e, prev) in changes {
            let ed = pb.edges[e as usize];
            for p in [ed.b, ed.s] {
                self.mark_participant(p);
                for &f in &pb.adj[p as usize] {
                    let fd = pb.edges[f as usize];
                    self.mark_participant(if fd.b == p { fd.s } else { fd.b });
                }
                self.own_work += pb.adj[p as usize].len() as u64;
            }
            for t in [prev as usize, self.st.slot_of[e as usize] as usize] {
                if t < pb.num_slots {
                    self.dirty_slot[t] = true;
                }
            }
        }
    }

    /// Local descent with all neighbourhoods until none improves: chain insertions of
    /// unscheduled pairs, then re-optimisation of every participant and every slot whose
    /// surroundings changed since it was last looked at. The change log is cleared.
    pub fn descent(&mut self, depth: u32) {
        for p in 0..self.st.pb.num_participants() as u32 {
            self.mark_participant(p);
        }
        self.dirty_slot.iter_mut().for_each(|d| *d = true);
        let mut first = true;
        loop {
            self.st.forget();
            let mut changed = false;
            if first || self.participant_queue.is_empty() {
                changed |= self.sweep_insertions(depth);
                first = false;
            }
            while let Some(p) = self.participant_queue.pop_front() {
                self.dirty_participant[p as usize] = false;
                if self.exhausted() {
                    break;
                }
                let mark = self.st.mark();
                if reopt_participant(&mut self.st, p, &mut self.scratch, &mut self.own_work) {
                    self.note_changes(mark);
                    changed = true;
                }
            }
            for t in 0..self.st.pb.num_slots {
                if !self.dirty_slot[t] || self.exhausted() {
                    continue;
                }
                self.dirty_slot[t] = false;
                let mark = self.st.mark();
                if reopt_slot(&mut self.st, t, &mut self.flow, &mut self.scratch) {
                    self.note_changes(mark);
                    changed = true;
                }
            }
            if !changed || self.exhausted() {
                break;
            }
        }
        self.participant_queue.clear();
        self.dirty_participant.iter_mut().for_each(|d| *d = false);
        self.st.forget();
    }

    /// Try to insert every unscheduled pair worth adding, best first, each through a short
    /// ejection chain. True when anything improved.
    pub fn sweep_insertions(&mut self, depth: u32) -> bool {
        let num_edges = self.st.pb.edges.len() as u32;
        let mut cands: Vec<(i64, u32)> = (0..num_edges)
            .filter(|&e| !self.st.is_scheduled(e))
            .map(|e| (self.st.add_gain(e), e))
            .filter(|&(g, _)| g > 0)
            .collect();
        cands.sort_unstable_by_key(|&(g, e)| (-g, e));
        self.own_work += u64::from(num_edges) + cands.len() as u64;
        let mut improved = false;
        for (_, e) in cands {
            if self.exhausted() {
                break;
            }
            if !self.st.is_scheduled(e) && self.st.add_gain(e) > 0 {
                let mark = self.st.mark();
                if self.insert(e, depth) {
                    self.note_changes(mark);
                    improved = true;
                }
            }
        }
        improved
    }

    /// Insert unscheduled edge `e` if some chain of at most `depth` moves makes room for it,
    /// possibly dropping meetings of the chain when the objective still improves. Returns true
    /// when the objective improved (otherwise the state is unchanged).
    pub fn insert(&mut self, e: u32, depth: u32) -> bool {
        let pb = self.st.pb;
        let ed = pb.edges[e as usize];
        if self.st.count[ed.b as usize] >= pb.cap[ed.b as usize]
            || self.st.count[ed.s as usize] >= pb.cap[ed.s as usize]
        {
            return false;
        }
        let before = self.st.objective();
        let start = self.st.mark();
        for d in 0..=depth {
            let mut nodes = 0u32;
            let placed = self.place(e, d, before, start, 0, &mut nodes);
            self.own_work += u64::from(nodes);
            if placed {
                if self.st.objective() > before {
                    return true;
                }
                self.st.undo_to(start);
            }
            if nodes >= NODE_LIMIT {
                break;
            }
        }
        false
    }

    /// Find a slot for unscheduled `f`, relocating at most `depth` other meetings. A meeting
    /// ejected on the way (not the first one) may instead be dropped when the objective, plus
    /// `pending` (the value of ejected meetings still to be placed), stays above `before`.
    /// On failure the state is unchanged.
    fn place(
        &mut self,
        f: u32,
        depth: u32,
        before: i64,
        start: usize,
        pending: i64,
        nodes: &mut u32,
    ) -> bool {
        *nodes += 1;
        let pb = self.st.pb;
        let fd = pb.edges[f as usize];
        let k = pb.num_tables;
        let st = &self.st;
        let free = fd.common & !st.busy_slots[fd.b as usize] & !st.busy_slots[fd.s as usize];
        if let Some(t) = slots_of(free)
            .filter(|&t| st.per_slot[t] < k)
            .min_by_key(|&t| (st.per_slot[t], t))
        {
            self.st.add(f, t);
            return true;
        }
        let is_first = self.st.mark() == start;
        let can_drop = |st: &State| !is_first && st.objective() + pending > before;
        if depth == 0 || *nodes >= NODE_LIMIT {
            return can_drop(&self.st);
        }
        for t in slots_of(fd.common) {
            *nodes += 1;
            let gb = self.st.busy_at(fd.b, t);
            let gs = self.st.busy_at(fd.s, t);
            if (gb != NONE && self.st.fixed[gb as usize])
                || (gs != NONE && self.st.fixed[gs as usize])
            {
                continue;
            }
            let mark = self.st.mark();
            match (gb, gs) {
                (NONE, NONE) => {
                    // A full slot: move out one meeting that fits elsewhere as it is.
                    let nb = pb.num_buyers as u32;
                    let mut moved = false;
                    for b in 0..nb {
                        let h = self.st.busy_at(b, t);
                        *nodes += 1;
                        if h == NONE || self.st.fixed[h as usize] {
                            continue;
                        }
                        let hd = pb.edges[h as usize];
                        let room = hd.common
                            & !slot_bit(t)
                            & !self.st.busy_slots[hd.b as usize]
                            & !self.st.busy_slots[hd.s as usize];
                        if let Some(u) = slots_of(room).find(|&u| self.st.per_slot[u] < k) {
                            self.st.remove(h);
                            self.st.add(h, u);
                            self.st.add(f, t);
                            moved = true;
                            break;
                        }
                    }
                    if moved {
                        return true;
                    }
                }
                (g, NONE) | (NONE, g) => {
                    self.st.remove(g);
                    self.st.add(f, t);
                    if self.place(g, depth - 1, before, start, pending, nodes) {
                        return true;
                    }
                    self.st.undo_to(mark);
                }
                (g1, g2) => {
                    if depth >= 2 {
                        let v2 = self.st.remove_loss(g2);
                        self.st.remove(g1);
                        self.st.remove(g2);
                        self.st.add(f, t);
                        if self.place(g1, depth - 2, before, start, pending + v2, nodes)
                            && self.place(g2, depth - 2, before, start, pending, nodes)
                        {
                            return true;
                        }
                        self.st.undo_to(mark);
                    }
                }
            }
            if *nodes >= NODE_LIMIT {
                break;
            }
        }
        can_drop(&self.st)
    }

    /// Iterated local search until the budget is spent or `bound` is reached: force a random
    /// unscheduled pair into a random slot of its own (ejecting what stands in the way),
    /// repair around it (participants involved re-optimised, their pairs re-inserted), and
    /// keep the result when it is no worse — so the current schedule is always the best seen.
    /// Gives up after `stall` work without improvement.
    pub fn iterate(&mut self, bound: i64, stall: u64) {
        let pb = self.st.pb;
        let num_edges = pb.edges.len();
        let mut touched: Vec<u32> = Vec::new();
        let mut pending: Vec<(i64, u32)> = Vec::new();
        let mut last_gain = self.work();
        while num_edges > 0 && self.st.objective() < bound && !self.exhausted() {
            // A random unscheduled pair worth adding.
            let mut pick = None;
            for _ in 0..64 {
                self.own_work += 1;
                let e = self.rng.index(num_edges) as u32;
                if !self.st.is_scheduled(e) && self.st.add_gain(e) > 0 {
                    pick = Some(e);
                    break;
                }
            }
            let Some(e) = pick else { break };
            self.st.forget();
            let before = self.st.objective();
            touched.clear();
            if !self.kick(e, &mut touched) {
                continue;
            }
            touched.sort_unstable();
            touched.dedup();
            for &p in &touched {
                reopt_participant(&mut self.st, p, &mut self.scratch, &mut self.own_work);
            }
            pending.clear();
            for &p in &touched {
                self.own_work += pb.adj[p as usize].len() as u64;
                for &f in &pb.adj[p as usize] {
                    if !self.st.is_scheduled(f) {
                        let g = self.st.add_gain(f);
                        if g > 0 {
                            pending.push((g, f));
                        }
                    }
                }
            }
            pending.sort_unstable_by_key(|&(g, f)| (-g, f));
            pending.dedup();
            self.own_work += 4 * pending.len() as u64;
            for &(_, f) in &pending {
                self.own_work += 1;
                if !self.st.is_scheduled(f) && self.st.add_gain(f) > 0 {
                    self.insert(f, 2);
                }
            }
            if self.st.objective() < before {
                self.st.undo_to(0);
            } else if self.st.objective() > before {
                last_gain = self.work();
            }
            if self.work() - last_gain > stall {
                break;
            }
        }
        self.st.forget();
    }

    /// Put unscheduled `e` into a random slot of its common availability, ejecting the
    /// meetings in its way (and one meeting of a full slot or of a participant at its cap).
    /// False when a locked meeting stands in the way.
    fn kick(&mut self, e: u32, touched: &mut Vec<u32>) -> bool {
        let pb = self.st.pb;
        let ed = pb.edges[e as usize];
        let slots: Vec<usize> = slots_of(ed.common).collect();
        let t = slots[self.rng.index(slots.len())];
        let mut eject = Vec::new();
        for p in [ed.b, ed.s] {
            let g = self.st.busy_at(p, t);
            if g != NONE {
                eject.push(g);
            } else if self.st.count[p as usize] >= pb.cap[p as usize] {
                let mine: Vec<usize> = slots_of(self.st.busy_slots[p as usize]).collect();
                if mine.is_empty() {
                    return false;
                }
                eject.push(self.st.busy_at(p, mine[self.rng.index(mine.len())]));
            }
        }
        eject.dedup();
        if eject.iter().any(|&g| self.st.fixed[g as usize]) {
            return false;
        }
        for &g in &eject {
            let gd = pb.edges[g as usize];
            self.st.remove(g);
            touched.extend([gd.b, gd.s]);
        }
        if self.st.per_slot[t] >= pb.num_tables {
            let here: Vec<u32> = (0..pb.num_buyers as u32)
                .map(|b| self.st.busy_at(b, t))
                .filter(|&g| g != NONE && !self.st.fixed[g as usize])
                .collect();
            self.own_work += pb.num_buyers as u64;
            if here.is_empty() {
                self.st.undo_to(0);
                return false;
            }
            let g = here[self.rng.index(here.len())];
            let gd = pb.edges[g as usize];
            self.st.remove(g);
            touched.extend([gd.b, gd.s]);
        }
        self.st.add(e, t);
        touched.extend([ed.b, ed.s]);
        self.own_work += 8;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduling::instance::{Fairness, Instance, Pair, Participant, Problem};

    fn person(id: u32, max_meetings: u32, unavailable: Vec<u32>) -> Participant {
        Participant {
            id,
            name: String::new(),
            max_meetings,
            unavailable,
        }
    }

    fn pair(b: u32, s: u32, w: i64) -> Pair {
        Pair {
            b,
            s,
            score: 0.0,
            buyer_wish: false,
            supplier_wish: false,
            w,
        }
    }

    fn instance(
        buyers: Vec<Participant>,
        suppliers: Vec<Participant>,
        pairs: Vec<Pair>,
    ) -> Instance {
        Instance {
            format: crate::scheduling::FORMAT.to_string(),
            name: String::new(),
            generator: None,
            num_slots: 2,
            num_tables: 2,
            weights: None,
            fairness: Fairness::default(),
            buyers,
            suppliers,
            pairs,
            locked: vec![],
        }
    }

    #[test]
    fn insertion_moves_a_meeting_out_of_the_way() {
        // S1 is only there in slot 0, where B0 already meets S0; S0 can move to slot 1.
        let inst = instance(
            vec![person(0, 2, vec![])],
            vec![person(0, 2, vec![]), person(1, 2, vec![1])],
            vec![pair(0, 0, 10), pair(0, 1, 20)],
        );
        let pb = Problem::build(&inst).unwrap();
        let mut st = State::new(&pb);
        st.add(0, 0);
        let mut search = Search::new(st, u64::MAX, None, 1);
        assert!(search.insert(1, 1));
        assert_eq!(search.st.assignment(), vec![(0, 1), (1, 0)]);
    }

    #[test]
    fn insertion_drops_a_cheaper_meeting_only_when_it_pays() {
        // B0 can meet only once: the better pair replaces the worse one, never the reverse.
        let inst = instance(
            vec![person(0, 1, vec![])],
            vec![person(0, 2, vec![]), person(1, 2, vec![])],
            vec![pair(0, 0, 10), pair(0, 1, 20)],
        );
        let pb = Problem::build(&inst).unwrap();
        let mut st = State::new(&pb);
        st.add(1, 0);
        let mut search = Search::new(st, u64::MAX, None, 1);
        assert!(
            !search.insert(0, 2),
            "B0 is at its cap and pair 0 is worth less"
        );
        assert_eq!(search.st.assignment(), vec![(1, 0)]);
        search.st.remove(1);
        search.st.add(0, 0);
        search.descent(2);
        assert_eq!(search.st.assignment().len(), 1);
        assert_eq!(search.st.weight, 20);
    }
}
