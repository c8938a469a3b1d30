//! Min-cost flow, our own: Goldberg-Tarjan cost scaling (successive ε-optimal
//! approximations refined by push/relabel), on a compact arc array.
//!
//! Used for the selection bound (a time-expanded degree-constrained subgraph) and for the
//! exact one-slot neighbourhood of the local search. Only the "min cost over all flow values"
//! question is answered (flow is sent only while it pays), which is what both need. Sized for
//! thousands of nodes and up to ~10^5 arcs; costs must fit in 31 bits. Deterministic: the same
//! arcs added in the same order give the same flow.

/// How much ε shrinks between cost-scaling refinements.
const SCALING_FACTOR: i64 = 8;

/// One residual arc, packed so that scanning a node's arcs reads contiguous memory.
#[derive(Debug, Clone, Copy, Default)]
struct Arc {
    to: u32,
    /// Position of the twin arc.
    rev: u32,
    cap: i32,
    cost: i32,
}

/// A flow network with integer capacities and costs (|cost| < 2^31).
#[derive(Debug, Default)]
pub(crate) struct MinCostFlow {
    num_nodes: usize,
    /// Arcs as added: (from, to, cap, cost).
    added: Vec<(u32, u32, i32, i32)>,
    /// Position in `arcs` of each added arc.
    pos: Vec<u32>,
    /// Residual arcs grouped by tail: node `u` owns `arcs[start[u]..start[u + 1]]`.
    arcs: Vec<Arc>,
    start: Vec<u32>,
    /// Node prices (reduced cost of arc u → v: cost × scale + price(u) − price(v)).
    potential: Vec<i64>,
    /// Arc costs × (n + 1), so that 1-optimal means optimal.
    scaled: Vec<i64>,
    excess: Vec<i64>,
    /// Current arc of each node for push/relabel.
    cursor: Vec<u32>,
    /// FIFO of active nodes.
    queue: Vec<u32>,
    in_queue: Vec<bool>,
    /// Arc scans done so far: the deterministic measure of work.
    pub work: u64,
}

impl MinCostFlow {
    /// Forget all arcs and size the network for `num_nodes` nodes; keeps allocations.
    pub fn reset(&mut self, num_nodes: usize) {
        self.num_nodes = num_nodes;
        self.added.clear();
    }

    /// Add an arc and return its index (for [`MinCostFlow::flow_on`]).
    pub fn add_arc(&mut self, u: usize, v: usize, cap: i32, cost: i64) -> usize {
        debug_assert!(u < self.num_nodes && v < self.num_nodes && cap >= 0);
        debug_assert!(cost.abs() < i64::from(i32::MAX));
        self.added.push((u as u32, v as u32, cap, cost as i32));
        self.added.len() - 1
    }

    /// The flow on arc `a` after [`MinCostFlow::run`].
    pub fn flow_on(&self, a: usize) -> i32 {
        let arc = self.arcs[self.pos[a] as usize];
        self.arcs[arc.rev as usize].cap
    }

    fn build(&mut self) {
        let n = self.num_nodes;
        self.start.clear();
        self.start.resize(n + 2, 0);
        for &(u, v, _, _) in &self.added {
            self.start[u as usize + 2] += 1;
            self.start[v as usize + 2] += 1;
        }
        for i in 2..n + 2 {
            self.start[i] += self.start[i - 1];
        }
        // start[u + 1] is now the fill cursor of node u.
        self.arcs.clear();
        self.arcs.resize(2 * self.added.len(), Arc::default());
        self.pos.clear();
        for &(u, v, cap, cost) in &self.added {
            let i = self.start[u as usize + 1];
            self.start[u as usize + 1] += 1;
            let j = self.start[v as usize + 1];
            self.start[v as usize + 1] += 1;
            self.arcs[i as usize] = Arc {
                to: v,
                rev: j,
                cap,
                cost,
            };
            self.arcs[j as usize] = Arc {
                to: u,
                rev: i,
                cap: 0,
                cost: -cost,
            };
            self.pos.push(i);
        }
        self.start.truncate(n + 1);
    }

    /// A min-cost flow from `s` to `t` over all flow values up to `max_flow` (flow is only
    /// sent while it lowers the cost). The flow is turned into a circulation with an arc
    /// t → s, then refined from ε = max |cost| down to exactness with push/relabel
    /// (Goldberg-Tarjan cost scaling). Returns (flow, cost).
    pub fn run(&mut self, s: usize, t: usize, max_flow: i64) -> (i64, i64) {
        let back = self.add_arc(t, s, max_flow.min(i64::from(i32::MAX)) as i32, 0);
        self.build();
        let n = self.num_nodes;
        // With costs multiplied by n + 1, 1-optimal means optimal.
        let scale = n as i64 + 1;
        self.scaled.clear();
        self.scaled
            .extend(self.arcs.iter().map(|a| i64::from(a.cost) * scale));
        self.potential.clear();
        self.potential.resize(n, 0);
        self.excess.clear();
        self.excess.resize(n, 0);
        self.cursor.resize(n, 0);
        self.in_queue.clear();
        self.in_queue.resize(n, false);
        let mut eps = self.scaled.iter().map(|c| c.abs()).max().unwrap_or(0);
        while eps > 1 {
            eps = (eps / SCALING_FACTOR).max(1);
            self.refine(eps);
        }
        let flow = i64::from(self.flow_on(back));
        let mut cost = 0i64;
        for (a, &(_, _, _, c)) in self.added.iter().enumerate() {
            cost += i64::from(c) * i64::from(self.flow_on(a));
        }
        self.added.pop();
        (flow, cost)
    }

    fn refine(&mut self, eps: i64) {
        let n = self.num_nodes;
        // Saturate every arc of negative reduced cost: the pseudo-flow is then 0-optimal.
        for u in 0..n {
            let pu = self.potential[u];
            for i in self.start[u] as usize..self.start[u + 1] as usize {
                let arc = self.arcs[i];
                self.work += 1;
                if arc.cap > 0 && self.scaled[i] + pu - self.potential[arc.to as usize] < 0 {
                    self.arcs[i].cap = 0;
                    self.arcs[arc.rev as usize].cap += arc.cap;
                    self.excess[u] -= i64::from(arc.cap);
                    self.excess[arc.to as usize] += i64::from(arc.cap);
                }
            }
        }
        self.queue.clear();
        for u in 0..n {
            self.cursor[u] = self.start[u];
            self.in_queue[u] = self.excess[u] > 0;
            if self.in_queue[u] {
                self.queue.push(u as u32);
            }
        }
        let mut head = 0;
        while head < self.queue.len() {
            let u = self.queue[head] as usize;
            head += 1;
            self.in_queue[u] = false;
            self.discharge(u, eps);
            // Keep the FIFO buffer from growing without bound.
            if head > 4096 && head * 2 > self.queue.len() {
                self.queue.drain(..head);
                head = 0;
            }
        }
    }

    /// Push the excess of `u` along admissible arcs (residual, negative reduced cost),
    /// relabelling `u` whenever it has none left.
    fn discharge(&mut self, u: usize, eps: i64) {
        let end = self.start[u + 1];
        while self.excess[u] > 0 {
            if self.cursor[u] == end {
                self.relabel(u, eps);
                self.cursor[u] = self.start[u];
                continue;
            }
            let i = self.cursor[u] as usize;
            let arc = self.arcs[i];
            self.work += 1;
            let v = arc.to as usize;
            if arc.cap > 0 && self.scaled[i] + self.potential[u] - self.potential[v] < 0 {
                let delta = self.excess[u].min(i64::from(arc.cap));
                self.arcs[i].cap -= delta as i32;
                self.arcs[arc.rev as usize].cap += delta as i32;
                self.excess[u] -= delta;
                let was_active = self.excess[v] > 0;
                self.excess[v] += delta;
                if !was_active && self.excess[v] > 0 && !self.in_queue[v] {
                    self.in_queue[v] = true;
                    self.queue.push(v as u32);
                }
                if self.arcs[i].cap > 0 {
                    break;
                }
            }
            self.cursor[u] += 1;
        }
    }

    /// Lower the price of `u` just enough for its best residual arc to become admissible.
    fn relabel(&mut self, u: usize, eps: i64) {
        let mut best = i64::MIN;
        for i in self.start[u] as usize..self.start[u + 1] as usize {
            let arc = self.arcs[i];
            self.work += 1;
            if arc.cap > 0 {
                best = best.max(self.potential[arc.to as usize] - self.scaled[i]);
            }
        }
        debug_assert!(best > i64::MIN, "an active node has a residual arc");
        self.potential[u] = best - eps;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over all 0/1 choices of the middle arcs of a small assignment problem.
    #[test]
    fn assignment_matches_brute_force() {
        let mut rng = crate::util::Rng::new(7);
        for _ in 0..200 {
            let (nl, nr) = (1 + rng.index(4), 1 + rng.index(4));
            let mut w = vec![vec![None; nr]; nl];
            for row in w.iter_mut() {
                for x in row.iter_mut() {
                    if rng.chance(0.7) {
                        *x = Some(rng.range_i64(-3, 9));
                    }
                }
            }
            let mut f = MinCostFlow::default();
            let (s, t) = (nl + nr, nl + nr + 1);
            f.reset(nl + nr + 2);
            for i in 0..nl {
                f.add_arc(s, i, 1, 0);
            }
            for j in 0..nr {
                f.add_arc(nl + j, t, 1, 0);
            }
            for (i, row) in w.iter().enumerate() {
                for (j, x) in row.iter().enumerate() {
                    if let Some(x) = x {
                        f.add_arc(i, nl + j, 1, -x);
                    }
                }
            }
            let (_, cost) = f.run(s, t, i64::MAX);
            // Brute force: every matching, as a choice of right vertex (or none) per left one.
            let mut best = 0i64;
            let mut choice = vec![0usize; nl];
            loop {
                let mut used = vec![false; nr];
                let mut ok = true;
                let mut total = 0;
                for (i, &c) in choice.iter().enumerate() {
                    if c > 0 {
                        match w[i][c - 1] {
                            Some(x) if !used[c - 1] => {
                                used[c - 1] = true;
                                total += x;
                            }
                            _ => ok = false,
                        }
                    }
                }
                if ok {
                    best = best.max(total);
                }
                let mut i = 0;
                while i < nl {
                    choice[i] += 1;
                    if choice[i] <= nr {
                        break;
                    }
                    choice[i] = 0;
                    i += 1;
                }
                if i == nl {
                    break;
                }
            }
            assert_eq!(-cost, best);
        }
    }

    #[test]
    fn flow_stops_at_the_limit_and_where_it_stops_paying() {
        let mut f = MinCostFlow::default();
        f.reset(3);
        let a = f.add_arc(0, 1, 5, -4);
        f.add_arc(1, 2, 5, 1);
        assert_eq!(f.run(0, 2, 3), (3, -9));
        assert_eq!(f.flow_on(a), 3);
        f.reset(3);
        f.add_arc(0, 1, 5, -1);
        f.add_arc(1, 2, 5, 1);
        assert_eq!(
            f.run(0, 2, 10),
            (0, 0),
            "a zero-cost path is not worth sending"
        );
    }
}
