//! Re-optimisation during the event day, with minimal disruption of the agendas people hold.
//!
//! Given the published schedule, the first slot that may still change (`from_slot`) and the
//! participants who did not show up:
//!
//! 1. Meetings before `from_slot` are history: kept as they are. Slots before `from_slot` are
//!    closed (nobody can be given a meeting there any more).
//! 2. An absent participant is unavailable from `from_slot` on; its meetings from `from_slot`
//!    on are cancelled, locked ones included (they cannot take place).
//! 3. Every other meeting is kept exactly: same slot, same table. Nobody's agenda changes
//!    except by the cancellations of rule 2 and the additions of rule 4.
//! 4. The freed capacity is filled from the waiting list: the pairs that are not scheduled
//!    and whose two sides are present. The list is served best first, by what a pair adds
//!    to the objective (its weight, plus the shortfall penalty for each side still below its
//!    fairness minimum), ties by weight then by pair order in the instance; each pair goes to
//!    the earliest open slot where both sides are available and free, both are under their
//!    `max_meetings`, and a table is free (the buyer's previous table when possible, else the
//!    lowest free one). A pair that fits nowhere is skipped.
//!
//! The result is measured on the day as it now stands (closed slots, absentees unavailable,
//! every kept meeting locked), returned as `Reoptimized::instance`; its bound is the best any
//! set of additions could reach under these rules. This module does no IO.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::check::validate_schedule;
use super::flow::MinCostFlow;
use super::instance::{Instance, LockedMeeting, Meeting, Problem, slot_bit, slots_of};
use super::select::select;
use super::solve::finish;
use super::state::State;
use super::{Solution, Stats};
use crate::error::{Error, FieldError, Result};

/// What happened since the schedule was published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reoptimization {
    /// The first slot that may still change; earlier slots are closed.
    pub from_slot: u32,
    /// Buyers who are not there (ids); unavailable from `from_slot` on.
    #[serde(default)]
    pub absent_buyers: Vec<u32>,
    /// Suppliers who are not there (ids); unavailable from `from_slot` on.
    #[serde(default)]
    pub absent_suppliers: Vec<u32>,
}

/// A repaired schedule and what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reoptimized {
    /// The day as it now stands: the schedule is valid for it and measured on it.
    pub instance: Instance,
    /// The whole schedule: history, kept meetings and additions.
    pub solution: Solution,
    /// Meetings of the previous schedule that are kept unchanged (history included).
    pub kept: Vec<Meeting>,
    /// Meetings of the previous schedule cancelled because a side is absent.
    pub cancelled: Vec<Meeting>,
    /// New meetings taken from the waiting list.
    pub added: Vec<Meeting>,
}

/// Repair `current` (a valid schedule of `instance`) after `change`; see the module doc for
/// the rules. Invalid input (instance, schedule, slot or ids) gives [`Error::Invalid`].
pub fn reoptimize(
    instance: &Instance,
    current: &[Meeting],
    change: &Reoptimization,
) -> Result<Reoptimized> {
    let started = Instant::now();
    instance.validate()?;
    if let Err(violations) = validate_schedule(instance, current) {
        let errors = violations
            .iter()
            .map(|v| FieldError::new("meetings", v.to_string()))
            .collect();
        return Err(Error::Invalid { errors });
    }
    let mut errors = Vec::new();
    if change.from_slot > instance.num_slots {
        errors.push(FieldError::new(
            "from_slot",
            format!("must be at most num_slots ({})", instance.num_slots),
        ));
    }
    let buyer_ids: HashSet<u32> = instance.buyers.iter().map(|p| p.id).collect();
    let supplier_ids: HashSet<u32> = instance.suppliers.iter().map(|p| p.id).collect();
    for (i, id) in change.absent_buyers.iter().enumerate() {
        if !buyer_ids.contains(id) {
            errors.push(FieldError::new(
                format!("absent_buyers[{i}]"),
                format!("unknown buyer id {id}"),
            ));
        }
    }
    for (i, id) in change.absent_suppliers.iter().enumerate() {
        if !supplier_ids.contains(id) {
            errors.push(FieldError::new(
                format!("absent_suppliers[{i}]"),
                format!("unknown supplier id {id}"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid { errors });
    }
    let from = change.from_slot;
    let absent_b: HashSet<u32> = change.absent_buyers.iter().copied().collect();
    let absent_s: HashSet<u32> = change.absent_suppliers.iter().copied().collect();
    let (cancelled, kept): (Vec<Meeting>, Vec<Meeting>) = current
        .iter()
        .partition(|m| m.slot >= from && (absent_b.contains(&m.b) || absent_s.contains(&m.s)));

    // The day as it stands.
    let mut day = instance.clone();
    let busy_b: HashSet<(u32, u32)> = kept.iter().map(|m| (m.b, m.slot)).collect();
    let busy_s: HashSet<(u32, u32)> = kept.iter().map(|m| (m.s, m.slot)).collect();
    for (list, busy, absent) in [
        (&mut day.buyers, &busy_b, &absent_b),
        (&mut day.suppliers, &busy_s, &absent_s),
    ] {
        for p in list.iter_mut() {
            let mut off: Vec<u32> = p.unavailable.clone();
            off.extend((0..from.min(instance.num_slots)).filter(|&t| !busy.contains(&(p.id, t))));
            if absent.contains(&p.id) {
                off.extend(from..instance.num_slots);
            }
            off.sort_unstable();
            off.dedup();
            p.unavailable = off;
        }
    }
    day.locked = kept
        .iter()
        .map(|m| LockedMeeting {
            b: m.b,
            s: m.s,
            slot: m.slot,
            table: Some(m.table),
        })
        .collect();
    let pb = Problem::build(&day)
        .map_err(|e| Error::Internal(format!("re-optimised day is inconsistent: {e}")))?;

    // Serve the waiting list.
    let mut st = State::new(&pb);
    let open: u128 = (from as usize..pb.num_slots).fold(0, |acc, t| acc | slot_bit(t));
    let mut heap: BinaryHeap<(i64, i64, Reverse<u32>)> = (0..pb.edges.len() as u32)
        .filter(|&e| !st.is_scheduled(e) && pb.edges[e as usize].common & open != 0)
        .map(|e| (st.add_gain(e), pb.edges[e as usize].w, Reverse(e)))
        .filter(|&(g, _, _)| g > 0)
        .collect();
    let mut work = heap.len() as u64;
    while let Some((gain, w, Reverse(e))) = heap.pop() {
        work += 1;
        let now = st.add_gain(e);
        if now < gain {
            // Worth less since a side reached its minimum: back in line at its new value.
            if now > 0 {
                heap.push((now, w, Reverse(e)));
            }
            continue;
        }
        if let Some(t) = slots_of(pb.edges[e as usize].common & open).find(|&t| st.can_place(e, t))
        {
            st.add(e, t);
        }
    }
    let mut flow = MinCostFlow::default();
    let bound = select(&pb, &mut flow).bound;
    let stats = Stats {
        time_ms: 0,
        work: work + flow.work,
        flow_bound: bound,
        optimal: false,
        time_limit_hit: false,
    };
    let solution = finish(&pb, &st, bound, stats, started);
    let before: HashSet<(u32, u32)> = current.iter().map(|m| (m.b, m.s)).collect();
    let added = solution
        .meetings
        .iter()
        .filter(|m| !before.contains(&(m.b, m.s)))
        .copied()
        .collect();
    Ok(Reoptimized {
        instance: day,
        solution,
        kept,
        cancelled,
        added,
    })
}
