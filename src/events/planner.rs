//! From an event to the scheduler and back: which pairs may meet and with what weight, the
//! `b2b-sched-v1` instance of the event, the schedule run, the re-optimisation of the rest
//! of the day, and the refill of freed slots from the waiting list.
//!
//! Pairs: a buyer and a supplier may meet when the matching engine suggested the supplier
//! for one of the buyer's needs with a score of at least the event's `min_suggestion_score`,
//! or when one of them wished to meet the other; a "do not meet" wish from either side
//! excludes the pair. The weight is the event's `PairWeights` rule (contract section 5):
//! `score × score_mult`, plus the wish bonuses, plus the mutual bonus when both wished.
//!
//! Ids: participants are numbered for the instance in natural id order (`b2` before `b10`),
//! buyers and suppliers separately, so the same event gives the same instance and, the
//! solver being deterministic, the same schedule.
//!
//! **Invariant:** pure and deterministic: no IO, no clock (callers stamp times), no async.
//! What this module does not do: read or write the store, run the matching engine (the
//! service passes the suggestions in), or check who may do what.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{
    Event, EventMeeting, EventSchedule, MeetingStatus, Participant, Role, WaitingPair, Wish,
    WishKind, natural_key,
};
use crate::error::{Error, FieldError, Result};
use crate::scheduling::{
    self, FORMAT, Fairness, Instance, LockedMeeting, MAX_WEIGHT, Meeting, Options, Pair,
    Reoptimization, Solution, Weights,
};

/// The matching engine's opinion of a buyer-supplier pair: the supplier matched one of the
/// buyer's needs with this score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Suggestion {
    /// Buyer participant id.
    pub buyer: String,
    /// Supplier participant id.
    pub supplier: String,
    /// Match score in [0, 1] (the best over the buyer's needs).
    pub score: f64,
    /// The need that gave this score.
    pub need: String,
}

/// A pair that may meet, with what its weight is made of.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CandidatePair {
    pub buyer: String,
    pub supplier: String,
    /// Match score in [0, 1]; 0 when the engine did not suggest the pair.
    pub score: f64,
    pub buyer_wish: bool,
    pub supplier_wish: bool,
    /// The pair's weight `w` in the scheduling instance.
    pub weight: i64,
}

/// A conflict with the event's current state, naming the field the caller should change.
/// The message is `field: reason` (the API splits it to fill the error's `field`).
pub fn conflict(field: &str, reason: impl std::fmt::Display) -> Error {
    Error::Conflict {
        message: format!("{field}: {reason}"),
    }
}

fn pair_order(buyer: &str, supplier: &str) -> ((String, u64, String), (String, u64, String)) {
    (natural_key(buyer), natural_key(supplier))
}

/// Weight of a pair under the event's rule, within the scheduler's limits.
pub fn pair_weight(event: &Event, score: f64, buyer_wish: bool, supplier_wish: bool) -> i64 {
    let w = &event.weights;
    Weights {
        score_mult: w.score_mult,
        buyer_wish: w.buyer_wish,
        supplier_wish: w.supplier_wish,
        mutual_bonus: w.mutual_bonus,
    }
    .weight_of(score.clamp(0.0, 1.0), buyer_wish, supplier_wish)
    .clamp(-MAX_WEIGHT, MAX_WEIGHT)
}

/// Whether a "do not meet" wish, in either direction, excludes the pair.
pub fn excluded(wishes: &[Wish], a: &str, b: &str) -> bool {
    wishes.iter().any(|w| {
        w.kind == WishKind::DoNotMeet && ((w.from == a && w.to == b) || (w.from == b && w.to == a))
    })
}

/// The pairs that may meet (see the module doc), in natural order of buyer then supplier.
/// Suggestions and wishes about unknown participants are ignored.
pub fn candidate_pairs(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    suggestions: &[Suggestion],
) -> Vec<CandidatePair> {
    let role: HashMap<&str, Role> = participants.iter().map(|p| (p.pid(), p.role)).collect();
    // (buyer, supplier) → (score, buyer wish, supplier wish)
    let mut pairs: HashMap<(&str, &str), (f64, bool, bool)> = HashMap::new();
    for s in suggestions {
        if role.get(s.buyer.as_str()) == Some(&Role::Buyer)
            && role.get(s.supplier.as_str()) == Some(&Role::Supplier)
            && s.score.is_finite()
        {
            let e = pairs
                .entry((s.buyer.as_str(), s.supplier.as_str()))
                .or_default();
            e.0 = e.0.max(s.score.clamp(0.0, 1.0));
        }
    }
    for w in wishes.iter().filter(|w| w.kind == WishKind::Meet) {
        match (role.get(w.from.as_str()), role.get(w.to.as_str())) {
            (Some(Role::Buyer), Some(Role::Supplier)) => {
                pairs.entry((w.from.as_str(), w.to.as_str())).or_default().1 = true;
            }
            (Some(Role::Supplier), Some(Role::Buyer)) => {
                pairs.entry((w.to.as_str(), w.from.as_str())).or_default().2 = true;
            }
            _ => {}
        }
    }
    let mut out: Vec<CandidatePair> = pairs
        .into_iter()
        .filter(|&((b, s), (score, bw, sw))| {
            (bw || sw || score >= event.min_suggestion_score) && !excluded(wishes, b, s)
        })
        .map(|((b, s), (score, bw, sw))| CandidatePair {
            buyer: b.to_string(),
            supplier: s.to_string(),
            score,
            buyer_wish: bw,
            supplier_wish: sw,
            weight: pair_weight(event, score, bw, sw),
        })
        .collect();
    out.sort_by_key(|p| pair_order(&p.buyer, &p.supplier));
    out
}

/// An event compiled into a scheduling instance, with the way back to participant ids.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub instance: Instance,
    /// Instance buyer id → participant id.
    pub buyer_ids: Vec<String>,
    /// Instance supplier id → participant id.
    pub supplier_ids: Vec<String>,
    buyer_index: HashMap<String, u32>,
    supplier_index: HashMap<String, u32>,
    /// (buyer, supplier) instance ids → (weight, score).
    info: HashMap<(u32, u32), (i64, f64)>,
}

impl Compiled {
    /// The instance meeting of an event meeting (`None` for unknown participants).
    pub fn meeting(&self, m: &EventMeeting) -> Option<Meeting> {
        Some(Meeting {
            b: *self.buyer_index.get(&m.buyer)?,
            s: *self.supplier_index.get(&m.supplier)?,
            slot: m.slot,
            table: m.table,
        })
    }

    /// The event meeting of an instance meeting (planned, unlocked).
    pub fn event_meeting(&self, m: &Meeting) -> EventMeeting {
        let (weight, score) = self.info.get(&(m.b, m.s)).copied().unwrap_or((0, 0.0));
        EventMeeting {
            buyer: self.buyer_ids[m.b as usize].clone(),
            supplier: self.supplier_ids[m.s as usize].clone(),
            slot: m.slot,
            table: m.table,
            locked: false,
            status: MeetingStatus::Planned,
            weight,
            score,
        }
    }

    /// The pairs of the instance that `scheduled` does not use, best weight first.
    fn waiting_list(&self, scheduled: &HashSet<(u32, u32)>) -> Vec<WaitingPair> {
        let mut out: Vec<WaitingPair> = self
            .instance
            .pairs
            .iter()
            .filter(|p| !scheduled.contains(&(p.b, p.s)))
            .map(|p| WaitingPair {
                buyer: self.buyer_ids[p.b as usize].clone(),
                supplier: self.supplier_ids[p.s as usize].clone(),
                weight: p.w,
                score: p.score,
            })
            .collect();
        sort_waiting(&mut out);
        out
    }
}

fn sort_waiting(list: &mut [WaitingPair]) {
    list.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then_with(|| pair_order(&a.buyer, &a.supplier).cmp(&pair_order(&b.buyer, &b.supplier)))
    });
}

fn sort_meetings(list: &mut [EventMeeting]) {
    list.sort_by(|a, b| {
        (a.slot, a.table, a.status != MeetingStatus::Planned)
            .cmp(&(b.slot, b.table, b.status != MeetingStatus::Planned))
            .then_with(|| pair_order(&a.buyer, &a.supplier).cmp(&pair_order(&b.buyer, &b.supplier)))
    });
}

/// Compile an event: participants (availability, absences, caps), the given pairs, and the
/// meetings to keep exactly (`locked`). Locked meetings whose pair is not among `pairs`
/// are added as pairs with their stored weight, so a lock always wins over later wishes.
/// Locked meetings that no longer fit (a side unavailable, double-booked, over its cap)
/// are a conflict naming the meeting.
pub fn compile(
    event: &Event,
    participants: &[Participant],
    pairs: &[CandidatePair],
    locked: &[&EventMeeting],
) -> Result<Compiled> {
    let num_slots = event.slots.len() as u32;
    let mut sorted: Vec<&Participant> = participants.iter().collect();
    sorted.sort_by_key(|p| natural_key(p.pid()));
    let mut buyers = Vec::new();
    let mut suppliers = Vec::new();
    let mut buyer_ids = Vec::new();
    let mut supplier_ids = Vec::new();
    for p in sorted {
        let mut unavailable: Vec<u32> = p
            .unavailable
            .iter()
            .copied()
            .filter(|&t| t < num_slots)
            .collect();
        if let Some(a) = p.absent_from_slot {
            unavailable.extend(a.min(num_slots)..num_slots);
        }
        unavailable.sort_unstable();
        unavailable.dedup();
        let (list, ids) = match p.role {
            Role::Buyer => (&mut buyers, &mut buyer_ids),
            Role::Supplier => (&mut suppliers, &mut supplier_ids),
        };
        list.push(scheduling::Participant {
            id: ids.len() as u32,
            name: p.pid().to_string(),
            max_meetings: p.cap(event),
            unavailable,
        });
        ids.push(p.pid().to_string());
    }
    let index = |ids: &[String]| -> HashMap<String, u32> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i as u32))
            .collect()
    };
    let buyer_index = index(&buyer_ids);
    let supplier_index = index(&supplier_ids);
    let mut info: HashMap<(u32, u32), (i64, f64)> = HashMap::new();
    let mut instance_pairs = Vec::with_capacity(pairs.len());
    for p in pairs {
        let (Some(&b), Some(&s)) = (buyer_index.get(&p.buyer), supplier_index.get(&p.supplier))
        else {
            continue;
        };
        if info.insert((b, s), (p.weight, p.score)).is_some() {
            continue;
        }
        instance_pairs.push(Pair {
            b,
            s,
            score: p.score,
            buyer_wish: p.buyer_wish,
            supplier_wish: p.supplier_wish,
            w: p.weight,
        });
    }
    let mut locked_meetings = Vec::with_capacity(locked.len());
    for m in locked {
        let (Some(&b), Some(&s)) = (buyer_index.get(&m.buyer), supplier_index.get(&m.supplier))
        else {
            return Err(conflict(
                "meetings",
                format!(
                    "locked meeting {}–{} refers to an unknown participant",
                    m.buyer, m.supplier
                ),
            ));
        };
        if let std::collections::hash_map::Entry::Vacant(e) = info.entry((b, s)) {
            e.insert((m.weight, m.score));
            instance_pairs.push(Pair {
                b,
                s,
                score: m.score,
                buyer_wish: false,
                supplier_wish: false,
                w: m.weight.clamp(-MAX_WEIGHT, MAX_WEIGHT),
            });
        }
        locked_meetings.push(LockedMeeting {
            b,
            s,
            slot: m.slot,
            table: Some(m.table),
        });
    }
    let instance = Instance {
        format: FORMAT.to_string(),
        name: event.name.clone(),
        generator: None,
        num_slots,
        num_tables: event.num_tables,
        weights: Some(Weights {
            score_mult: event.weights.score_mult,
            buyer_wish: event.weights.buyer_wish,
            supplier_wish: event.weights.supplier_wish,
            mutual_bonus: event.weights.mutual_bonus,
        }),
        fairness: Fairness {
            min_meetings: event.min_meetings,
            shortfall_penalty: event.shortfall_penalty,
        },
        buyers,
        suppliers,
        pairs: instance_pairs,
        locked: locked_meetings,
    };
    if let Err(e) = instance.validate() {
        return Err(match e {
            Error::Invalid { errors } => {
                // Only locked meetings can break the instance: everything else was validated
                // when it was stored. Name them by participant ids.
                let reasons: Vec<String> =
                    errors.iter().map(|f| locked_reason(f, locked)).collect();
                conflict("meetings", reasons.join("; "))
            }
            other => other,
        });
    }
    Ok(Compiled {
        instance,
        buyer_ids,
        supplier_ids,
        buyer_index,
        supplier_index,
        info,
    })
}

fn locked_reason(f: &FieldError, locked: &[&EventMeeting]) -> String {
    let which = f
        .field
        .strip_prefix("locked[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| locked.get(i));
    match which {
        Some(m) => format!(
            "locked meeting {}–{} in slot {} no longer fits ({})",
            m.buyer, m.supplier, m.slot, f.reason
        ),
        None => format!("{}: {}", f.field, f.reason),
    }
}

/// A schedule computed for an event.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The schedule to store (`computed_at` left for the caller to stamp).
    pub schedule: EventSchedule,
    pub compiled: Compiled,
    pub solution: Solution,
}

/// Run the scheduler on an event. Locked, planned meetings of `previous` are kept exactly;
/// everything else is planned afresh.
pub fn plan(
    event: &Event,
    participants: &[Participant],
    pairs: &[CandidatePair],
    previous: Option<&EventSchedule>,
    options: &Options,
) -> Result<Plan> {
    let locked: Vec<&EventMeeting> = previous
        .map(|s| {
            s.meetings
                .iter()
                .filter(|m| m.locked && m.status == MeetingStatus::Planned)
                .collect()
        })
        .unwrap_or_default();
    let compiled = compile(event, participants, pairs, &locked)?;
    let solution = scheduling::solve(&compiled.instance, options)?;
    let locked_keys: HashSet<(u32, u32, u32)> = compiled
        .instance
        .locked
        .iter()
        .map(|l| (l.b, l.s, l.slot))
        .collect();
    let mut meetings: Vec<EventMeeting> = solution
        .meetings
        .iter()
        .map(|m| {
            let mut em = compiled.event_meeting(m);
            em.locked = locked_keys.contains(&(m.b, m.s, m.slot));
            em
        })
        .collect();
    sort_meetings(&mut meetings);
    let scheduled: HashSet<(u32, u32)> = solution.meetings.iter().map(|m| (m.b, m.s)).collect();
    let schedule = EventSchedule {
        meetings,
        waiting_list: compiled.waiting_list(&scheduled),
        objective: solution.objective,
        weight: solution.weight,
        shortfall: solution.shortfall,
        upper_bound: solution.upper_bound,
        optimal: solution.stats.optimal,
        computed_at: String::new(),
        solve_time_ms: solution.stats.time_ms,
        updated_at: None,
        revision: previous.map_or(0, |p| p.revision + 1),
    };
    Ok(Plan {
        schedule,
        compiled,
        solution,
    })
}

/// The pairs a stored schedule works from: its planned meetings and its waiting list,
/// minus waiting pairs now excluded by a "do not meet" wish (planned meetings stay until
/// the organiser cancels them).
fn stored_pairs(schedule: &EventSchedule, wishes: &[Wish]) -> Vec<CandidatePair> {
    let planned = schedule
        .meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Planned)
        .map(|m| (m.buyer.as_str(), m.supplier.as_str(), m.weight, m.score));
    let waiting = schedule
        .waiting_list
        .iter()
        .filter(|w| !excluded(wishes, &w.buyer, &w.supplier))
        .map(|w| (w.buyer.as_str(), w.supplier.as_str(), w.weight, w.score));
    planned
        .chain(waiting)
        .map(|(b, s, weight, score)| CandidatePair {
            buyer: b.to_string(),
            supplier: s.to_string(),
            score,
            buyer_wish: false,
            supplier_wish: false,
            weight,
        })
        .collect()
}

fn planned(schedule: &EventSchedule) -> impl Iterator<Item = &EventMeeting> {
    schedule
        .meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Planned)
}

/// Compile a stored schedule's day: its pairs, its locked meetings, the participants as
/// they are now.
fn compile_stored(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    schedule: &EventSchedule,
) -> Result<Compiled> {
    let pairs = stored_pairs(schedule, wishes);
    let locked: Vec<&EventMeeting> = planned(schedule).filter(|m| m.locked).collect();
    compile(event, participants, &pairs, &locked)
}

/// Recompute objective, weight and shortfall of a stored schedule after a change (the upper
/// bound stays the last run's).
pub fn refresh_figures(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    schedule: &mut EventSchedule,
) -> Result<()> {
    let compiled = compile_stored(event, participants, wishes, schedule)?;
    let meetings: Vec<Meeting> = planned(schedule)
        .filter_map(|m| compiled.meeting(m))
        .collect();
    let e = scheduling::evaluate(&compiled.instance, &meetings)?;
    schedule.objective = e.objective;
    schedule.weight = e.weight;
    schedule.shortfall = e.shortfall;
    schedule.optimal = schedule.optimal && e.objective >= schedule.upper_bound;
    Ok(())
}

/// A schedule changed on site, and the meetings the change added.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Replan {
    pub schedule: EventSchedule,
    /// New meetings, by slot then table.
    pub added: Vec<EventMeeting>,
}

fn check_from_slot(event: &Event, from_slot: u32) -> Result<()> {
    let n = event.slots.len() as u32;
    if from_slot >= n {
        return Err(Error::invalid(
            "from_slot",
            format!("no slot {from_slot} (the event has {n}, numbered from 0)"),
        ));
    }
    Ok(())
}

/// Re-optimise the rest of the day from `from_slot` (`scheduling::reoptimize`): every
/// planned meeting is kept exactly (past, locked and others alike), slots before
/// `from_slot` are closed, and the freed capacity is filled from the waiting list, best
/// gain first (weight plus the fairness penalty it saves). Absences are already in the
/// participants (`absent_from_slot`), and their meetings already off the plan.
pub fn reoptimize(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    schedule: &EventSchedule,
    from_slot: u32,
) -> Result<Replan> {
    check_from_slot(event, from_slot)?;
    let compiled = compile_stored(event, participants, wishes, schedule)?;
    let current: Vec<Meeting> = planned(schedule)
        .filter_map(|m| compiled.meeting(m))
        .collect();
    let change = Reoptimization {
        from_slot,
        absent_buyers: Vec::new(),
        absent_suppliers: Vec::new(),
    };
    let r = scheduling::reoptimize(&compiled.instance, &current, &change).map_err(|e| {
        // The stored schedule no longer fits the participants (a cap lowered or a slot made
        // unavailable after the run): the organiser must move or cancel first.
        match e {
            Error::Invalid { errors } => conflict(
                "meetings",
                errors
                    .iter()
                    .map(|f| f.reason.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => other,
        }
    })?;
    let mut added: Vec<EventMeeting> = r.added.iter().map(|m| compiled.event_meeting(m)).collect();
    sort_meetings(&mut added);
    let mut next = schedule.clone();
    next.meetings.extend(added.iter().cloned());
    sort_meetings(&mut next.meetings);
    let added_keys: HashSet<(&str, &str)> = added
        .iter()
        .map(|m| (m.buyer.as_str(), m.supplier.as_str()))
        .collect();
    next.waiting_list
        .retain(|w| !added_keys.contains(&(w.buyer.as_str(), w.supplier.as_str())));
    next.objective = r.solution.objective;
    next.weight = r.solution.weight;
    next.shortfall = r.solution.shortfall;
    next.upper_bound = r.solution.upper_bound;
    next.optimal = r.solution.stats.optimal;
    next.solve_time_ms = r.solution.stats.time_ms;
    next.revision += 1;
    Ok(Replan {
        schedule: next,
        added,
    })
}

/// Who is busy when, and which tables are taken, in a schedule's planned meetings.
struct Occupancy {
    busy: HashSet<(String, u32)>,
    tables: HashSet<(u32, u32)>,
    count: HashMap<String, u32>,
}

impl Occupancy {
    fn of(schedule: &EventSchedule, ignore: Option<(&str, &str)>) -> Occupancy {
        let mut o = Occupancy {
            busy: HashSet::new(),
            tables: HashSet::new(),
            count: HashMap::new(),
        };
        for m in planned(schedule) {
            if ignore == Some((m.buyer.as_str(), m.supplier.as_str())) {
                continue;
            }
            o.add(m);
        }
        o
    }

    fn add(&mut self, m: &EventMeeting) {
        self.busy.insert((m.buyer.clone(), m.slot));
        self.busy.insert((m.supplier.clone(), m.slot));
        self.tables.insert((m.slot, m.table));
        *self.count.entry(m.buyer.clone()).or_default() += 1;
        *self.count.entry(m.supplier.clone()).or_default() += 1;
    }

    fn free_table(&self, event: &Event, slot: u32, preferred: &[u32]) -> Option<u32> {
        preferred
            .iter()
            .copied()
            .find(|&t| t < event.num_tables && !self.tables.contains(&(slot, t)))
            .or_else(|| (0..event.num_tables).find(|&t| !self.tables.contains(&(slot, t))))
    }
}

/// The tables a buyer already uses, most used first (to keep buyers at one table).
fn buyer_tables(schedule: &EventSchedule, buyer: &str) -> Vec<u32> {
    let mut count: HashMap<u32, u32> = HashMap::new();
    for m in planned(schedule).filter(|m| m.buyer == buyer) {
        *count.entry(m.table).or_default() += 1;
    }
    let mut tables: Vec<(u32, u32)> = count.into_iter().collect();
    tables.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    tables.into_iter().map(|(t, _)| t).collect()
}

/// Refill freed slots from the waiting list: pairs are taken best weight first; each goes
/// to the earliest slot from `from_slot` on where both sides are available and free, under
/// their caps, with a free table (the buyer's usual table when possible). Pairs that fit
/// nowhere stay on the list. Nothing already planned moves.
pub fn fill_from_waiting_list(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    schedule: &EventSchedule,
    from_slot: u32,
) -> Result<Replan> {
    check_from_slot(event, from_slot)?;
    let people: HashMap<&str, &Participant> = participants.iter().map(|p| (p.pid(), p)).collect();
    let mut occ = Occupancy::of(schedule, None);
    let mut next = schedule.clone();
    let mut waiting = next.waiting_list.clone();
    sort_waiting(&mut waiting);
    let mut added = Vec::new();
    let mut kept = Vec::with_capacity(waiting.len());
    for w in waiting {
        let (Some(b), Some(s)) = (
            people.get(w.buyer.as_str()),
            people.get(w.supplier.as_str()),
        ) else {
            kept.push(w);
            continue;
        };
        let under_cap =
            |p: &Participant| occ.count.get(p.pid()).copied().unwrap_or(0) < p.cap(event);
        if excluded(wishes, &w.buyer, &w.supplier) || !under_cap(b) || !under_cap(s) {
            kept.push(w);
            continue;
        }
        let preferred = buyer_tables(&next, &w.buyer);
        let place = (from_slot..event.slots.len() as u32).find_map(|t| {
            let fits = b.available_in(t)
                && s.available_in(t)
                && !occ.busy.contains(&(w.buyer.clone(), t))
                && !occ.busy.contains(&(w.supplier.clone(), t));
            if !fits {
                return None;
            }
            occ.free_table(event, t, &preferred).map(|table| (t, table))
        });
        match place {
            Some((slot, table)) => {
                let m = EventMeeting {
                    buyer: w.buyer.clone(),
                    supplier: w.supplier.clone(),
                    slot,
                    table,
                    locked: false,
                    status: MeetingStatus::Planned,
                    weight: w.weight,
                    score: w.score,
                };
                occ.add(&m);
                next.meetings.push(m.clone());
                added.push(m);
            }
            None => kept.push(w),
        }
    }
    next.waiting_list = kept;
    sort_meetings(&mut next.meetings);
    sort_meetings(&mut added);
    if !added.is_empty() {
        next.revision += 1;
        refresh_figures(event, participants, wishes, &mut next)?;
    }
    Ok(Replan {
        schedule: next,
        added,
    })
}

fn find_planned<'a>(
    schedule: &'a mut EventSchedule,
    buyer: &str,
    supplier: &str,
) -> Result<&'a mut EventMeeting> {
    schedule
        .meetings
        .iter_mut()
        .find(|m| m.buyer == buyer && m.supplier == supplier && m.status == MeetingStatus::Planned)
        .ok_or_else(|| {
            Error::invalid(
                "supplier",
                format!("no planned meeting between {buyer} and {supplier}"),
            )
        })
}

/// Check that `buyer` and `supplier` can meet in `slot` (both registered with the right
/// roles, available, not busy elsewhere) and pick the table: `table` when given and free,
/// else the first free of `preferred`, else the lowest free one.
#[allow(clippy::too_many_arguments)]
fn check_place(
    event: &Event,
    participants: &[Participant],
    occ: &Occupancy,
    buyer: &str,
    supplier: &str,
    slot: u32,
    table: Option<u32>,
    preferred: &[u32],
) -> Result<u32> {
    let n = event.slots.len() as u32;
    if slot >= n {
        return Err(Error::invalid(
            "slot",
            format!("no slot {slot} (the event has {n}, numbered from 0)"),
        ));
    }
    if let Some(t) = table
        && t >= event.num_tables
    {
        return Err(Error::invalid(
            "table",
            format!(
                "no table {t} (the event has {}, numbered from 0)",
                event.num_tables
            ),
        ));
    }
    for (field, id, role) in [
        ("buyer", buyer, Role::Buyer),
        ("supplier", supplier, Role::Supplier),
    ] {
        let p = participants
            .iter()
            .find(|p| p.pid() == id)
            .filter(|p| p.role == role)
            .ok_or_else(|| {
                Error::invalid(field, format!("no {} {id} in this event", role.label_fr()))
            })?;
        if !p.available_in(slot) {
            return Err(conflict(
                "slot",
                format!("{id} is not available in slot {slot}"),
            ));
        }
        if occ.busy.contains(&(id.to_string(), slot)) {
            return Err(conflict(
                "slot",
                format!("{id} already has a meeting in slot {slot}"),
            ));
        }
    }
    match table {
        Some(t) if occ.tables.contains(&(slot, t)) => Err(conflict(
            "table",
            format!("table {t} is taken in slot {slot}"),
        )),
        Some(t) => Ok(t),
        None => occ
            .free_table(event, slot, preferred)
            .ok_or_else(|| conflict("slot", format!("no free table in slot {slot}"))),
    }
}

/// Move a planned meeting to another slot (and table). Its lock is kept.
#[allow(clippy::too_many_arguments)]
pub fn move_meeting(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    schedule: &EventSchedule,
    buyer: &str,
    supplier: &str,
    slot: u32,
    table: Option<u32>,
) -> Result<EventSchedule> {
    let mut next = schedule.clone();
    let current = find_planned(&mut next, buyer, supplier)?.clone();
    let occ = Occupancy::of(schedule, Some((buyer, supplier)));
    let mut preferred = vec![current.table];
    preferred.extend(buyer_tables(schedule, buyer));
    let table = check_place(
        event,
        participants,
        &occ,
        buyer,
        supplier,
        slot,
        table,
        &preferred,
    )?;
    let m = find_planned(&mut next, buyer, supplier)?;
    m.slot = slot;
    m.table = table;
    sort_meetings(&mut next.meetings);
    next.revision += 1;
    refresh_figures(event, participants, wishes, &mut next)?;
    Ok(next)
}

/// Place a pair by hand (typically from the waiting list). The pair must not already have
/// a planned meeting, nor be excluded by a "do not meet" wish; both sides must be under
/// their caps. A cancelled earlier meeting of the pair is replaced.
#[allow(clippy::too_many_arguments)]
pub fn add_meeting(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    schedule: &EventSchedule,
    buyer: &str,
    supplier: &str,
    slot: u32,
    table: Option<u32>,
    locked: bool,
) -> Result<(EventSchedule, EventMeeting)> {
    if planned(schedule).any(|m| m.buyer == buyer && m.supplier == supplier) {
        return Err(conflict(
            "supplier",
            format!("{buyer} and {supplier} already have a planned meeting (move it instead)"),
        ));
    }
    if excluded(wishes, buyer, supplier) {
        return Err(conflict(
            "supplier",
            format!("a \"do not meet\" wish excludes {buyer} and {supplier}"),
        ));
    }
    let occ = Occupancy::of(schedule, None);
    let table = check_place(
        event,
        participants,
        &occ,
        buyer,
        supplier,
        slot,
        table,
        &buyer_tables(schedule, buyer),
    )?;
    for (field, id) in [("buyer", buyer), ("supplier", supplier)] {
        if let Some(p) = participants.iter().find(|p| p.pid() == id) {
            let n = occ.count.get(id).copied().unwrap_or(0);
            if n >= p.cap(event) {
                return Err(conflict(
                    field,
                    format!("{id} already has {n} meetings, its cap"),
                ));
            }
        }
    }
    // The pair's weight as planned: from the waiting list, or from its cancelled meeting.
    let (weight, score) = schedule
        .waiting_list
        .iter()
        .find(|w| w.buyer == buyer && w.supplier == supplier)
        .map(|w| (w.weight, w.score))
        .or_else(|| {
            schedule
                .meetings
                .iter()
                .find(|m| m.buyer == buyer && m.supplier == supplier)
                .map(|m| (m.weight, m.score))
        })
        .unwrap_or_else(|| (pair_weight(event, 0.0, false, false), 0.0));
    let m = EventMeeting {
        buyer: buyer.to_string(),
        supplier: supplier.to_string(),
        slot,
        table,
        locked,
        status: MeetingStatus::Planned,
        weight,
        score,
    };
    let mut next = schedule.clone();
    next.meetings
        .retain(|x| !(x.buyer == buyer && x.supplier == supplier));
    next.waiting_list
        .retain(|w| !(w.buyer == buyer && w.supplier == supplier));
    next.meetings.push(m.clone());
    sort_meetings(&mut next.meetings);
    next.revision += 1;
    refresh_figures(event, participants, wishes, &mut next)?;
    Ok((next, m))
}

/// Lock or unlock a planned meeting (locked meetings are kept by every later run).
pub fn set_locked(
    schedule: &EventSchedule,
    buyer: &str,
    supplier: &str,
    locked: bool,
) -> Result<EventSchedule> {
    let mut next = schedule.clone();
    let m = find_planned(&mut next, buyer, supplier)?;
    if m.locked != locked {
        m.locked = locked;
        next.revision += 1;
    }
    Ok(next)
}

/// Cancel a planned meeting. The pair is not offered again by refills or re-optimisation;
/// its slot and table are freed for others.
pub fn cancel_meeting(
    event: &Event,
    participants: &[Participant],
    wishes: &[Wish],
    schedule: &EventSchedule,
    buyer: &str,
    supplier: &str,
) -> Result<EventSchedule> {
    let mut next = schedule.clone();
    let m = find_planned(&mut next, buyer, supplier)?;
    m.status = MeetingStatus::Cancelled;
    m.locked = false;
    sort_meetings(&mut next.meetings);
    next.revision += 1;
    refresh_figures(event, participants, wishes, &mut next)?;
    Ok(next)
}

/// Why a participant misses the rest of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceKind {
    /// Did not come: the meetings become `no_show`.
    NoShow,
    /// Cancelled at the last minute, or left: the meetings become `cancelled`.
    LateCancellation,
}

/// Record that participant `pid` misses every slot from `from_slot` on: it becomes
/// unavailable from there (an earlier absence is kept), and its planned meetings from
/// there, locked ones included, become no-shows or cancellations. Returns the updated
/// participant, the schedule and the meetings taken off the plan.
pub fn mark_absent(
    event: &Event,
    participants: &[Participant],
    schedule: &EventSchedule,
    pid: &str,
    from_slot: u32,
    kind: AbsenceKind,
) -> Result<(Participant, EventSchedule, Vec<EventMeeting>)> {
    check_from_slot(event, from_slot)?;
    let mut p = participants
        .iter()
        .find(|p| p.pid() == pid)
        .cloned()
        .ok_or_else(|| Error::invalid("participant", format!("no participant {pid}")))?;
    p.absent_from_slot = Some(p.absent_from_slot.map_or(from_slot, |a| a.min(from_slot)));
    let status = match kind {
        AbsenceKind::NoShow => MeetingStatus::NoShow,
        AbsenceKind::LateCancellation => MeetingStatus::Cancelled,
    };
    let mut next = schedule.clone();
    let mut removed = Vec::new();
    for m in next.meetings.iter_mut() {
        if m.status == MeetingStatus::Planned
            && m.slot >= from_slot
            && (m.buyer == pid || m.supplier == pid)
        {
            m.status = status;
            m.locked = false;
            removed.push(m.clone());
        }
    }
    sort_meetings(&mut next.meetings);
    next.revision += 1;
    Ok((p, next, removed))
}

/// Check that a participant's new registration fits its planned meetings (no meeting in a
/// slot it is now unavailable in, no more meetings than its new cap).
pub fn check_fits(event: &Event, p: &Participant, schedule: &EventSchedule) -> Result<()> {
    let mine: Vec<&EventMeeting> = planned(schedule)
        .filter(|m| m.buyer == p.pid() || m.supplier == p.pid())
        .collect();
    if let Some(m) = mine.iter().find(|m| !p.available_in(m.slot)) {
        let field = if p.unavailable.contains(&m.slot) {
            "unavailable"
        } else {
            "absent_from_slot"
        };
        return Err(conflict(
            field,
            format!(
                "{} has a planned meeting in slot {} (move or cancel it first)",
                p.pid(),
                m.slot
            ),
        ));
    }
    let cap = p.cap(event);
    if mine.len() as u32 > cap {
        return Err(conflict(
            "max_meetings",
            format!(
                "{} has {} planned meetings, more than the new cap {cap} (cancel some first)",
                p.pid(),
                mine.len()
            ),
        ));
    }
    Ok(())
}

/// Check that every planned meeting of a schedule still fits an updated event (slots,
/// tables, caps).
pub fn check_event_fits(
    event: &Event,
    participants: &[Participant],
    schedule: &EventSchedule,
) -> Result<()> {
    let n = event.slots.len() as u32;
    if let Some(m) = schedule.meetings.iter().find(|m| m.slot >= n) {
        return Err(conflict(
            "slots",
            format!(
                "the schedule has a meeting in slot {} (re-run or cancel first)",
                m.slot
            ),
        ));
    }
    if let Some(m) = planned(schedule).find(|m| m.table >= event.num_tables) {
        return Err(conflict(
            "num_tables",
            format!("the schedule uses table {} (re-run or move first)", m.table),
        ));
    }
    for p in participants {
        let count = planned(schedule)
            .filter(|m| m.buyer == p.pid() || m.supplier == p.pid())
            .count() as u32;
        if count > p.cap(event) {
            let field = match p.role {
                Role::Buyer => "max_meetings_buyer",
                Role::Supplier => "max_meetings_supplier",
            };
            return Err(conflict(
                field,
                format!(
                    "{} has {count} planned meetings, more than the new cap",
                    p.pid()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::model::{PairWeights, Slot};

    fn event(num_slots: usize, num_tables: u32) -> Event {
        Event {
            id: Some("ev".into()),
            name: "Test".into(),
            venue: String::new(),
            date: "2026-12-03".into(),
            slots: (0..num_slots)
                .map(|i| Slot {
                    start: format!("{:02}:00", 9 + i),
                    end: format!("{:02}:30", 9 + i),
                })
                .collect(),
            num_tables,
            max_meetings_buyer: 3,
            max_meetings_supplier: 3,
            min_meetings: 1,
            shortfall_penalty: 1000,
            weights: PairWeights::default(),
            min_suggestion_score: 0.35,
            created_at: None,
        }
    }

    fn person(id: &str, role: Role) -> Participant {
        Participant {
            id: Some(id.into()),
            ..Participant::new(role, id)
        }
    }

    fn wish(from: &str, to: &str, kind: WishKind) -> Wish {
        Wish {
            from: from.into(),
            to: to.into(),
            kind,
        }
    }

    fn suggestion(b: &str, s: &str, score: f64) -> Suggestion {
        Suggestion {
            buyer: b.into(),
            supplier: s.into(),
            score,
            need: "n1".into(),
        }
    }

    #[test]
    fn pairs_combine_scores_and_wishes_and_drop_excluded_ones() {
        let ev = event(2, 2);
        let ps = vec![
            person("b1", Role::Buyer),
            person("b2", Role::Buyer),
            person("s1", Role::Supplier),
            person("s2", Role::Supplier),
        ];
        let wishes = vec![
            wish("b1", "s1", WishKind::Meet),
            wish("s1", "b1", WishKind::Meet),
            wish("s2", "b2", WishKind::DoNotMeet),
            wish("b2", "s2", WishKind::Meet),
        ];
        let sugg = vec![
            suggestion("b1", "s1", 0.5),
            suggestion("b1", "s2", 0.2),
            suggestion("b2", "s1", 0.8),
            suggestion("b2", "s1", 0.6),
        ];
        let pairs = candidate_pairs(&ev, &ps, &wishes, &sugg);
        let got: Vec<(&str, &str, i64)> = pairs
            .iter()
            .map(|p| (p.buyer.as_str(), p.supplier.as_str(), p.weight))
            .collect();
        // b1–s1: 0.5 × 100 + 150 + 150 + 300; b1–s2 below the threshold; b2–s1 best score;
        // b2–s2 excluded by the supplier's "do not meet".
        assert_eq!(got, [("b1", "s1", 650), ("b2", "s1", 80)]);
    }

    #[test]
    fn natural_order_numbers_the_instance() {
        let ev = event(2, 2);
        let ps = vec![
            person("b10", Role::Buyer),
            person("s1", Role::Supplier),
            person("b2", Role::Buyer),
        ];
        let c = compile(&ev, &ps, &[], &[]).unwrap();
        assert_eq!(c.buyer_ids, ["b2", "b10"]);
        assert_eq!(c.supplier_ids, ["s1"]);
    }

    #[test]
    fn absences_and_caps_reach_the_instance() {
        let ev = event(4, 2);
        let mut b = person("b1", Role::Buyer);
        b.unavailable = vec![0];
        b.absent_from_slot = Some(2);
        b.max_meetings = Some(9);
        let mut s = person("s1", Role::Supplier);
        s.max_meetings = Some(1);
        let c = compile(&ev, &[b, s], &[], &[]).unwrap();
        assert_eq!(c.instance.buyers[0].unavailable, [0, 2, 3]);
        assert_eq!(c.instance.buyers[0].max_meetings, 3, "capped by the event");
        assert_eq!(c.instance.suppliers[0].max_meetings, 1);
    }

    #[test]
    fn a_locked_meeting_that_no_longer_fits_is_a_conflict_naming_it() {
        let ev = event(2, 2);
        let mut b = person("b1", Role::Buyer);
        b.unavailable = vec![1];
        let ps = vec![b, person("s1", Role::Supplier)];
        let m = EventMeeting {
            buyer: "b1".into(),
            supplier: "s1".into(),
            slot: 1,
            table: 0,
            locked: true,
            status: MeetingStatus::Planned,
            weight: 10,
            score: 0.1,
        };
        let err = compile(&ev, &ps, &[], &[&m]).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::Conflict { .. }));
        assert!(
            msg.contains("meetings: locked meeting b1–s1 in slot 1"),
            "{msg}"
        );
    }
}
