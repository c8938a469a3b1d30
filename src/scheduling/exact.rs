//! Exhaustive branch and bound for tiny instances (a few pairs): each pair is either left
//! out or put in one of its slots, pruning with an optimistic bound (every remaining pair of
//! positive weight added, every shortfall that remaining pairs could still cover covered).
//!
//! It lets the solver prove optimality where the flow bound is not reachable, and is the
//! reference the property tests rely on through `solve`. It gives up (returns `None`) on
//! anything larger than a node budget; it is not meant for real events.

use super::instance::{Problem, slots_of};
use super::state::State;

/// Largest number of movable pairs tried.
const MAX_EDGES: usize = 24;
/// Most search nodes before giving up.
const MAX_NODES: u64 = 2_000_000;

/// The outcome of an exhaustive search.
pub(crate) struct Proof {
    /// The optimal assignment ((edge, slot) pairs, locked ones included), or empty when the
    /// incumbent is optimal.
    pub assignment: Vec<(u32, usize)>,
    /// The optimal objective.
    pub optimum: i64,
    /// Search nodes explored.
    pub nodes: u64,
}

/// Search exhaustively for an assignment strictly better than `incumbent`; `None` when the
/// instance is too large to search.
pub(crate) fn solve_exact(pb: &Problem, incumbent: i64) -> Option<Proof> {
    let mut st = State::new(pb);
    let edges: Vec<u32> = (0..pb.edges.len() as u32)
        .filter(|&e| !st.fixed[e as usize])
        .collect();
    if edges.len() > MAX_EDGES {
        return None;
    }
    // Per participant: movable edges not decided yet.
    let mut remaining = vec![0u32; pb.num_participants()];
    for &e in &edges {
        let ed = pb.edges[e as usize];
        remaining[ed.b as usize] += 1;
        remaining[ed.s as usize] += 1;
    }
    let positive_rest: Vec<i64> = {
        let mut v = vec![0i64; edges.len() + 1];
        for i in (0..edges.len()).rev() {
            v[i] = v[i + 1] + pb.edges[edges[i] as usize].w.max(0);
        }
        v
    };
    let mut search = Exact {
        edges,
        remaining,
        positive_rest,
        best: incumbent,
        best_assignment: Vec::new(),
        nodes: 0,
    };
    search.dfs(&mut st, 0);
    if search.nodes >= MAX_NODES {
        return None;
    }
    Some(Proof {
        assignment: search.best_assignment,
        optimum: search.best,
        nodes: search.nodes,
    })
}

struct Exact {
    edges: Vec<u32>,
    remaining: Vec<u32>,
    positive_rest: Vec<i64>,
    best: i64,
    best_assignment: Vec<(u32, usize)>,
    nodes: u64,
}

impl Exact {
    fn optimistic(&self, st: &State, i: usize) -> i64 {
        let pb = st.pb;
        let mut shortfall = 0i64;
        for p in 0..pb.num_participants() {
            let reachable = st.count[p] + self.remaining[p];
            shortfall += i64::from(pb.target[p].saturating_sub(reachable));
        }
        st.weight + self.positive_rest[i] - pb.penalty * shortfall
    }

    fn dfs(&mut self, st: &mut State, i: usize) {
        self.nodes += 1;
        if self.nodes >= MAX_NODES {
            return;
        }
        if i == self.edges.len() {
            if st.objective() > self.best {
                self.best = st.objective();
                self.best_assignment = st.assignment();
            }
            return;
        }
        if self.optimistic(st, i) <= self.best {
            return;
        }
        let e = self.edges[i];
        let ed = st.pb.edges[e as usize];
        self.remaining[ed.b as usize] -= 1;
        self.remaining[ed.s as usize] -= 1;
        for t in slots_of(ed.common) {
            if st.can_place(e, t) {
                st.add(e, t);
                self.dfs(st, i + 1);
                st.remove(e);
            }
        }
        self.dfs(st, i + 1);
        self.remaining[ed.b as usize] += 1;
        self.remaining[ed.s as usize] += 1;
    }
}
