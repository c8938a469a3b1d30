//! An independent checker and objective evaluator for schedules, written straight from the
//! contract's wording on the serde types (no solver structure is reused), so that tests and
//! callers can trust a schedule without trusting the solver.
//!
//! It does not repair anything and does not judge optimality.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::instance::{Instance, Meeting};
use crate::error::{Error, Result};

/// Which side of the market a participant is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buyer,
    Supplier,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Buyer => "buyer",
            Side::Supplier => "supplier",
        })
    }
}

/// One broken rule in a schedule; `index` is the position of the meeting in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Violation {
    /// The instance itself is invalid, so nothing else was checked.
    InvalidInstance {
        message: String,
    },
    UnknownBuyer {
        index: usize,
        b: u32,
    },
    UnknownSupplier {
        index: usize,
        s: u32,
    },
    /// The pair is not listed in the instance.
    UnknownPair {
        index: usize,
        b: u32,
        s: u32,
    },
    /// The pair meets more than once.
    RepeatedPair {
        index: usize,
        b: u32,
        s: u32,
    },
    SlotOutOfRange {
        index: usize,
        slot: u32,
    },
    TableOutOfRange {
        index: usize,
        table: u32,
    },
    /// A participant has more than one meeting in a slot.
    DoubleBooked {
        side: Side,
        id: u32,
        slot: u32,
    },
    /// Two meetings share a table in a slot.
    TableDoubleBooked {
        slot: u32,
        table: u32,
    },
    /// A participant meets in a slot listed in its `unavailable`.
    Unavailable {
        index: usize,
        side: Side,
        id: u32,
        slot: u32,
    },
    /// A participant meets more than `max_meetings` times.
    OverCap {
        side: Side,
        id: u32,
        meetings: u32,
        max_meetings: u32,
    },
    /// A locked meeting is not in the schedule as locked.
    LockedMissing {
        b: u32,
        s: u32,
        slot: u32,
        table: Option<u32>,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::InvalidInstance { message } => write!(f, "invalid instance: {message}"),
            Violation::UnknownBuyer { index, b } => {
                write!(f, "meetings[{index}]: unknown buyer {b}")
            }
            Violation::UnknownSupplier { index, s } => {
                write!(f, "meetings[{index}]: unknown supplier {s}")
            }
            Violation::UnknownPair { index, b, s } => {
                write!(f, "meetings[{index}]: (b {b}, s {s}) is not a listed pair")
            }
            Violation::RepeatedPair { index, b, s } => {
                write!(f, "meetings[{index}]: (b {b}, s {s}) meets more than once")
            }
            Violation::SlotOutOfRange { index, slot } => {
                write!(f, "meetings[{index}]: slot {slot} out of range")
            }
            Violation::TableOutOfRange { index, table } => {
                write!(f, "meetings[{index}]: table {table} out of range")
            }
            Violation::DoubleBooked { side, id, slot } => {
                write!(f, "{side} {id} has several meetings in slot {slot}")
            }
            Violation::TableDoubleBooked { slot, table } => {
                write!(f, "table {table} is used twice in slot {slot}")
            }
            Violation::Unavailable {
                index,
                side,
                id,
                slot,
            } => {
                write!(
                    f,
                    "meetings[{index}]: {side} {id} is unavailable in slot {slot}"
                )
            }
            Violation::OverCap {
                side,
                id,
                meetings,
                max_meetings,
            } => {
                write!(
                    f,
                    "{side} {id} has {meetings} meetings, more than its max_meetings {max_meetings}"
                )
            }
            Violation::LockedMissing { b, s, slot, table } => match table {
                Some(x) => write!(
                    f,
                    "locked meeting (b {b}, s {s}) in slot {slot} at table {x} is missing"
                ),
                None => write!(f, "locked meeting (b {b}, s {s}) in slot {slot} is missing"),
            },
        }
    }
}

/// Check every constraint of the contract (and the `locked` extension) on a schedule.
/// Returns all violations found, in a stable order.
pub fn validate_schedule(instance: &Instance, meetings: &[Meeting]) -> Result<(), Vec<Violation>> {
    if let Err(e) = instance.validate() {
        return Err(vec![Violation::InvalidInstance {
            message: e.to_string(),
        }]);
    }
    let buyers: HashMap<u32, (u32, HashSet<u32>)> = instance
        .buyers
        .iter()
        .map(|p| {
            (
                p.id,
                (p.max_meetings, p.unavailable.iter().copied().collect()),
            )
        })
        .collect();
    let suppliers: HashMap<u32, (u32, HashSet<u32>)> = instance
        .suppliers
        .iter()
        .map(|p| {
            (
                p.id,
                (p.max_meetings, p.unavailable.iter().copied().collect()),
            )
        })
        .collect();
    let pairs: HashSet<(u32, u32)> = instance.pairs.iter().map(|p| (p.b, p.s)).collect();
    let mut out = Vec::new();
    let mut met: HashSet<(u32, u32)> = HashSet::new();
    let mut booked: HashMap<(Side, u32, u32), u32> = HashMap::new();
    let mut tables: HashMap<(u32, u32), u32> = HashMap::new();
    let mut count: HashMap<(Side, u32), u32> = HashMap::new();
    for (index, m) in meetings.iter().enumerate() {
        let b = buyers.get(&m.b);
        let s = suppliers.get(&m.s);
        if b.is_none() {
            out.push(Violation::UnknownBuyer { index, b: m.b });
        }
        if s.is_none() {
            out.push(Violation::UnknownSupplier { index, s: m.s });
        }
        if b.is_some() && s.is_some() && !pairs.contains(&(m.b, m.s)) {
            out.push(Violation::UnknownPair {
                index,
                b: m.b,
                s: m.s,
            });
        }
        if !met.insert((m.b, m.s)) {
            out.push(Violation::RepeatedPair {
                index,
                b: m.b,
                s: m.s,
            });
        }
        if m.slot >= instance.num_slots {
            out.push(Violation::SlotOutOfRange {
                index,
                slot: m.slot,
            });
        }
        if m.table >= instance.num_tables {
            out.push(Violation::TableOutOfRange {
                index,
                table: m.table,
            });
        }
        for (side, id, p) in [(Side::Buyer, m.b, b), (Side::Supplier, m.s, s)] {
            if let Some((_, unavailable)) = p
                && unavailable.contains(&m.slot)
            {
                out.push(Violation::Unavailable {
                    index,
                    side,
                    id,
                    slot: m.slot,
                });
            }
            *booked.entry((side, id, m.slot)).or_default() += 1;
            *count.entry((side, id)).or_default() += 1;
        }
        *tables.entry((m.slot, m.table)).or_default() += 1;
    }
    let mut doubles: Vec<_> = booked
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(k, _)| k)
        .collect();
    doubles.sort();
    out.extend(
        doubles
            .into_iter()
            .map(|(side, id, slot)| Violation::DoubleBooked { side, id, slot }),
    );
    let mut shared: Vec<_> = tables
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(k, _)| k)
        .collect();
    shared.sort();
    out.extend(
        shared
            .into_iter()
            .map(|(slot, table)| Violation::TableDoubleBooked { slot, table }),
    );
    let mut over: Vec<(Side, u32, u32, u32)> = count
        .into_iter()
        .filter_map(|((side, id), n)| {
            let max = match side {
                Side::Buyer => buyers.get(&id),
                Side::Supplier => suppliers.get(&id),
            }?
            .0;
            (n > max).then_some((side, id, n, max))
        })
        .collect();
    over.sort();
    out.extend(
        over.into_iter()
            .map(|(side, id, meetings, max_meetings)| Violation::OverCap {
                side,
                id,
                meetings,
                max_meetings,
            }),
    );
    for l in &instance.locked {
        let kept = meetings.iter().any(|m| {
            m.b == l.b && m.s == l.s && m.slot == l.slot && l.table.is_none_or(|x| x == m.table)
        });
        if !kept {
            out.push(Violation::LockedMissing {
                b: l.b,
                s: l.s,
                slot: l.slot,
                table: l.table,
            });
        }
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// The contract's objective of a schedule and its two terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// `weight − shortfall_penalty × shortfall`.
    pub objective: i64,
    /// Sum of `w` over the meetings.
    pub weight: i64,
    /// Sum over participants of max(0, target − meetings).
    pub shortfall: i64,
}

/// Evaluate a schedule with the contract's formula. Feasibility is not checked (see
/// [`validate_schedule`]); meetings of unlisted pairs are an error.
pub fn evaluate(instance: &Instance, meetings: &[Meeting]) -> Result<Evaluation> {
    let all: HashSet<u32> = (0..instance.num_slots).collect();
    let available = |unavailable: &[u32]| -> HashSet<u32> {
        let off: HashSet<u32> = unavailable.iter().copied().collect();
        all.difference(&off).copied().collect()
    };
    let buyer_slots: HashMap<u32, HashSet<u32>> = instance
        .buyers
        .iter()
        .map(|p| (p.id, available(&p.unavailable)))
        .collect();
    let supplier_slots: HashMap<u32, HashSet<u32>> = instance
        .suppliers
        .iter()
        .map(|p| (p.id, available(&p.unavailable)))
        .collect();
    let mut weight_of: HashMap<(u32, u32), i64> = HashMap::new();
    // Pairs sharing at least one available slot, per participant.
    let mut reachable_b: HashMap<u32, u32> = HashMap::new();
    let mut reachable_s: HashMap<u32, u32> = HashMap::new();
    for p in &instance.pairs {
        weight_of.insert((p.b, p.s), p.w);
        if let (Some(bs), Some(ss)) = (buyer_slots.get(&p.b), supplier_slots.get(&p.s))
            && !bs.is_disjoint(ss)
        {
            *reachable_b.entry(p.b).or_default() += 1;
            *reachable_s.entry(p.s).or_default() += 1;
        }
    }
    let mut weight = 0i64;
    let mut count_b: HashMap<u32, u32> = HashMap::new();
    let mut count_s: HashMap<u32, u32> = HashMap::new();
    for (i, m) in meetings.iter().enumerate() {
        let Some(&w) = weight_of.get(&(m.b, m.s)) else {
            return Err(Error::invalid(
                format!("meetings[{i}]"),
                format!("(b {}, s {}) is not a listed pair", m.b, m.s),
            ));
        };
        weight += w;
        *count_b.entry(m.b).or_default() += 1;
        *count_s.entry(m.s).or_default() += 1;
    }
    let min = instance.fairness.min_meetings;
    let mut shortfall = 0i64;
    for (list, slots, reachable, count) in [
        (&instance.buyers, &buyer_slots, &reachable_b, &count_b),
        (&instance.suppliers, &supplier_slots, &reachable_s, &count_s),
    ] {
        for p in list {
            let target = min
                .min(p.max_meetings)
                .min(slots[&p.id].len() as u32)
                .min(reachable.get(&p.id).copied().unwrap_or(0));
            shortfall += i64::from(target.saturating_sub(count.get(&p.id).copied().unwrap_or(0)));
        }
    }
    Ok(Evaluation {
        objective: weight - instance.fairness.shortfall_penalty * shortfall,
        weight,
        shortfall,
    })
}
