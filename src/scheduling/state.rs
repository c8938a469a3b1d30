//! The solver's working schedule: which edge sits in which slot, who is busy when, and the
//! running objective, all updated in O(1) per added or removed meeting.
//!
//! It enforces nothing by itself beyond debug assertions: callers check `can_place` first.
//! Tables are not assigned here (any meeting count up to `num_tables` per slot can be laid
//! out on tables at the end).

use super::instance::{Problem, Slots, slot_bit};

pub(crate) const NONE: u32 = u32::MAX;
pub(crate) const UNSCHEDULED: u8 = u8::MAX;

#[derive(Debug, Clone)]
pub(crate) struct State<'a> {
    pub pb: &'a Problem,
    /// Per edge: its slot, or [`UNSCHEDULED`].
    pub slot_of: Vec<u8>,
    /// Per edge: locked meetings never move.
    pub fixed: Vec<bool>,
    /// Per (participant, slot): the edge met there, or [`NONE`].
    busy: Vec<u32>,
    /// Per participant: slots where it meets someone.
    pub busy_slots: Vec<Slots>,
    /// Per participant: number of meetings.
    pub count: Vec<u32>,
    /// Per slot: number of meetings.
    pub per_slot: Vec<u32>,
    /// Sum of weights of scheduled edges.
    pub weight: i64,
    /// Sum over participants of max(0, target - count).
    pub shortfall: i64,
    /// Every change since the last [`State::forget`]: (edge, its previous slot).
    log: Vec<(u32, u8)>,
}

impl<'a> State<'a> {
    /// An empty schedule holding only the locked meetings.
    pub fn new(pb: &'a Problem) -> State<'a> {
        let np = pb.num_participants();
        let mut st = State {
            pb,
            slot_of: vec![UNSCHEDULED; pb.edges.len()],
            fixed: vec![false; pb.edges.len()],
            busy: vec![NONE; np * pb.num_slots],
            busy_slots: vec![0; np],
            count: vec![0; np],
            per_slot: vec![0; pb.num_slots],
            weight: 0,
            shortfall: pb.target.iter().map(|&t| i64::from(t)).sum(),
            log: Vec::new(),
        };
        for &(e, t, _) in &pb.locked {
            st.add(e, t);
            st.fixed[e as usize] = true;
        }
        st.forget();
        st
    }

    pub fn objective(&self) -> i64 {
        self.weight - self.pb.penalty * self.shortfall
    }

    /// The edge participant `p` meets in slot `t`, or [`NONE`].
    #[inline]
    pub fn busy_at(&self, p: u32, t: usize) -> u32 {
        self.busy[p as usize * self.pb.num_slots + t]
    }

    #[inline]
    pub fn is_scheduled(&self, e: u32) -> bool {
        self.slot_of[e as usize] != UNSCHEDULED
    }

    /// What one more meeting is worth to `p`'s fairness term.
    #[inline]
    pub fn fair_gain(&self, p: u32) -> i64 {
        if self.count[p as usize] < self.pb.target[p as usize] {
            self.pb.penalty
        } else {
            0
        }
    }

    /// What one meeting less costs `p`'s fairness term.
    #[inline]
    pub fn fair_loss(&self, p: u32) -> i64 {
        if self.count[p as usize] <= self.pb.target[p as usize] {
            self.pb.penalty
        } else {
            0
        }
    }

    /// The objective gained by adding unscheduled edge `e` (ignoring feasibility).
    pub fn add_gain(&self, e: u32) -> i64 {
        let ed = &self.pb.edges[e as usize];
        ed.w + self.fair_gain(ed.b) + self.fair_gain(ed.s)
    }

    /// The objective lost by removing scheduled edge `e`.
    pub fn remove_loss(&self, e: u32) -> i64 {
        let ed = &self.pb.edges[e as usize];
        ed.w + self.fair_loss(ed.b) + self.fair_loss(ed.s)
    }

    /// True when unscheduled edge `e` fits in slot `t` as things stand: both sides available
    /// and free, under their caps, and a table free.
    pub fn can_place(&self, e: u32, t: usize) -> bool {
        let ed = &self.pb.edges[e as usize];
        ed.common & slot_bit(t) != 0
            && self.busy_at(ed.b, t) == NONE
            && self.busy_at(ed.s, t) == NONE
            && self.count[ed.b as usize] < self.pb.cap[ed.b as usize]
            && self.count[ed.s as usize] < self.pb.cap[ed.s as usize]
            && self.per_slot[t] < self.pb.num_tables
    }

    pub fn add(&mut self, e: u32, t: usize) {
        let ed = self.pb.edges[e as usize];
        debug_assert!(self.slot_of[e as usize] == UNSCHEDULED);
        debug_assert!(ed.common & slot_bit(t) != 0);
        let n = self.pb.num_slots;
        for p in [ed.b, ed.s] {
            debug_assert!(self.busy[p as usize * n + t] == NONE);
            self.busy[p as usize * n + t] = e;
            self.busy_slots[p as usize] |= slot_bit(t);
            if self.count[p as usize] < self.pb.target[p as usize] {
                self.shortfall -= 1;
            }
            self.count[p as usize] += 1;
        }
        self.slot_of[e as usize] = t as u8;
        self.log.push((e, UNSCHEDULED));
        self.per_slot[t] += 1;
        self.weight += ed.w;
    }

    /// Remove scheduled edge `e`; returns the slot it was in.
    pub fn remove(&mut self, e: u32) -> usize {
        let ed = self.pb.edges[e as usize];
        let t = self.slot_of[e as usize] as usize;
        debug_assert!(t != UNSCHEDULED as usize);
        let n = self.pb.num_slots;
        for p in [ed.b, ed.s] {
            self.busy[p as usize * n + t] = NONE;
            self.busy_slots[p as usize] &= !slot_bit(t);
            self.count[p as usize] -= 1;
            if self.count[p as usize] < self.pb.target[p as usize] {
                self.shortfall += 1;
            }
        }
        self.slot_of[e as usize] = UNSCHEDULED;
        self.log.push((e, t as u8));
        self.per_slot[t] -= 1;
        self.weight -= ed.w;
        t
    }

    /// Forget the change log (the current schedule becomes the one to return to).
    pub fn forget(&mut self) {
        self.log.clear();
    }

    /// Position in the change log, for [`State::undo_to`].
    pub fn mark(&self) -> usize {
        self.log.len()
    }

    /// The changes made since `mark`: (edge, its slot before the change).
    pub fn changes_since(&self, mark: usize) -> &[(u32, u8)] {
        &self.log[mark..]
    }

    /// Undo every change made since `mark`.
    pub fn undo_to(&mut self, mark: usize) {
        while self.log.len() > mark {
            let (e, prev) = self.log.pop().expect("log entry");
            if prev == UNSCHEDULED {
                self.remove(e);
            } else {
                self.add(e, prev as usize);
            }
            // Undoing must not log.
            self.log.pop();
        }
    }

    /// The scheduled edges with their slots, in edge order.
    pub fn assignment(&self) -> Vec<(u32, usize)> {
        self.slot_of
            .iter()
            .enumerate()
            .filter(|&(_, &t)| t != UNSCHEDULED)
            .map(|(e, &t)| (e as u32, t as usize))
            .collect()
    }

    /// Replace the whole schedule by `assignment` (locked meetings must be in it).
    pub fn restore(&mut self, assignment: &[(u32, usize)]) {
        for e in 0..self.slot_of.len() as u32 {
            if self.is_scheduled(e) {
                self.remove(e);
            }
        }
        for &(e, t) in assignment {
            self.add(e, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduling::instance::{Fairness, Instance, Pair, Participant};

    fn problem() -> Problem {
        let person = |id| Participant {
            id,
            name: String::new(),
            max_meetings: 2,
            unavailable: vec![],
        };
        let pair = |b, s, w| Pair {
            b,
            s,
            score: 0.0,
            buyer_wish: false,
            supplier_wish: false,
            w,
        };
        let instance = Instance {
            format: crate::scheduling::FORMAT.to_string(),
            name: String::new(),
            generator: None,
            num_slots: 2,
            num_tables: 2,
            weights: None,
            fairness: Fairness {
                min_meetings: 1,
                shortfall_penalty: 100,
            },
            buyers: vec![person(0), person(1)],
            suppliers: vec![person(0), person(1)],
            pairs: vec![pair(0, 0, 10), pair(0, 1, 20), pair(1, 0, 30)],
            locked: vec![],
        };
        Problem::build(&instance).unwrap()
    }

    #[test]
    fn objective_tracks_weight_and_shortfall() {
        let pb = problem();
        let mut st = State::new(&pb);
        assert_eq!((st.weight, st.shortfall), (0, 4));
        assert_eq!(st.add_gain(0), 10 + 100 + 100);
        st.add(0, 1);
        assert_eq!((st.weight, st.shortfall, st.objective()), (10, 2, 10 - 200));
        assert_eq!(st.busy_at(0, 1), 0);
        assert_eq!(st.busy_at(2, 1), 0);
        assert!(!st.can_place(2, 1), "supplier 0 is busy in slot 1");
        assert!(st.can_place(2, 0));
        assert_eq!(st.remove_loss(0), 10 + 100 + 100);
    }

    #[test]
    fn undo_restores_the_schedule_exactly() {
        let pb = problem();
        let mut st = State::new(&pb);
        st.add(0, 0);
        st.forget();
        let before = (
            st.assignment(),
            st.objective(),
            st.per_slot.clone(),
            st.count.clone(),
        );
        let mark = st.mark();
        st.remove(0);
        st.add(0, 1);
        st.add(2, 0);
        st.add(1, 0);
        assert_eq!(st.changes_since(mark).len(), 4);
        st.undo_to(mark);
        assert_eq!(
            (
                st.assignment(),
                st.objective(),
                st.per_slot.clone(),
                st.count.clone()
            ),
            before
        );
        assert_eq!(st.mark(), mark);
    }
}
