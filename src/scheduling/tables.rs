//! Table numbers for a slot assignment. Any set of at most `num_tables` meetings per slot fits,
//! so this is bookkeeping, done so that agendas are easy to follow: locked tables are kept,
//! and a buyer stays at the table it had in its previous meeting whenever that table is free.
//! This module does not move meetings between slots.

use super::instance::Problem;
use super::state::NONE;

/// Tables for `assignment` ((edge, slot) pairs, at most `num_tables` per slot). Returns
/// (edge, slot, table) sorted by slot, then table.
pub(crate) fn assign_tables(pb: &Problem, assignment: &[(u32, usize)]) -> Vec<(u32, usize, u32)> {
    let k = pb.num_tables as usize;
    let mut by_slot: Vec<Vec<u32>> = vec![Vec::new(); pb.num_slots];
    for &(e, t) in assignment {
        by_slot[t].push(e);
    }
    let mut locked_table = vec![NONE; pb.edges.len()];
    for &(e, _, table) in &pb.locked {
        if let Some(x) = table {
            locked_table[e as usize] = x;
        }
    }
    let mut last_table = vec![NONE; pb.num_buyers];
    let mut out = Vec::with_capacity(assignment.len());
    let mut used = vec![false; k];
    for (t, edges) in by_slot.iter_mut().enumerate() {
        edges.sort_by_key(|&e| (pb.edges[e as usize].b, e));
        used.iter_mut().for_each(|u| *u = false);
        let mut table_of = vec![NONE; edges.len()];
        for (i, &e) in edges.iter().enumerate() {
            let x = locked_table[e as usize];
            if x != NONE {
                used[x as usize] = true;
                table_of[i] = x;
            }
        }
        for (i, &e) in edges.iter().enumerate() {
            let x = last_table[pb.edges[e as usize].b as usize];
            if table_of[i] == NONE && x != NONE && !used[x as usize] {
                used[x as usize] = true;
                table_of[i] = x;
            }
        }
        let mut next = 0;
        for x in table_of.iter_mut() {
            if *x == NONE {
                while used[next] {
                    next += 1;
                }
                used[next] = true;
                *x = next as u32;
            }
        }
        for (i, &e) in edges.iter().enumerate() {
            last_table[pb.edges[e as usize].b as usize] = table_of[i];
            out.push((e, t, table_of[i]));
        }
    }
    out.sort_by_key(|&(_, t, x)| (t, x));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduling::instance::{Fairness, Instance, LockedMeeting, Pair, Participant};

    #[test]
    fn locked_tables_are_kept_and_buyers_keep_their_table() {
        let person = |id| Participant {
            id,
            name: String::new(),
            max_meetings: 3,
            unavailable: vec![],
        };
        let pair = |b, s| Pair {
            b,
            s,
            score: 0.0,
            buyer_wish: false,
            supplier_wish: false,
            w: 1,
        };
        let instance = Instance {
            format: crate::scheduling::FORMAT.to_string(),
            name: String::new(),
            generator: None,
            num_slots: 2,
            num_tables: 3,
            weights: None,
            fairness: Fairness::default(),
            buyers: vec![person(0), person(1)],
            suppliers: vec![person(0), person(1)],
            pairs: vec![pair(0, 0), pair(0, 1), pair(1, 0), pair(1, 1)],
            locked: vec![LockedMeeting {
                b: 1,
                s: 0,
                slot: 0,
                table: Some(0),
            }],
        };
        let pb = Problem::build(&instance).unwrap();
        // Edges in pair order: (0,0)=0, (0,1)=1, (1,0)=2, (1,1)=3.
        let placed = assign_tables(&pb, &[(1, 0), (2, 0), (0, 1), (3, 1)]);
        let table = |e: u32| placed.iter().find(|&&(f, _, _)| f == e).unwrap().2;
        assert_eq!(table(2), 0, "locked table");
        assert_eq!(table(1), 1, "lowest free table");
        assert_eq!(table(0), 1, "buyer 0 stays at table 1");
        assert_eq!(table(3), 0, "buyer 1 stays at table 0");
    }
}
