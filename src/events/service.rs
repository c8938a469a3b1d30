//! Event operations against the store: create events, register participants, collect wishes,
//! compute suggestions with the matching engine, run the schedule, and change it on site
//! (move, add, lock, cancel, absences, re-optimisation, waiting-list refills).
//!
//! Keys: an event is `events/{id}`; its participants `participants/{id}/{pid}`; its wishes
//! `wishes/{id}/{from}>{to}`; its schedule `schedules/{id}`. Every write is one durable
//! transaction with its audit entry (action and `{event}/{detail}` key). Changes to one
//! event are serialised by a per-event lock held from the read to the write, so two
//! organisers editing at once never lose each other's change.
//!
//! What this module does not do: decide who may act (that is the API), or compute the
//! schedule itself (`events::planner`, pure).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::model::{Event, EventMeeting, EventSchedule, Participant, Role, Wish};
use super::planner::{self, AbsenceKind, Replan, Suggestion, conflict};
use crate::error::{Error, Result};
use crate::index::SearchIndex;
use crate::model::ids::Siret;
use crate::scheduling::Options;
use crate::store::{AuditEntry, Store, coll, now_rfc3339};

/// Time allowed to one schedule run (a safety cap; runs normally end far sooner).
pub const SOLVE_TIME_LIMIT_MS: u64 = 10_000;

/// One lock per event id, for the whole process.
fn event_lock(event_id: &str) -> Arc<Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut map = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    map.entry(event_id.to_string()).or_default().clone()
}

/// Run `f` holding the event's lock.
fn locked<T>(event_id: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let lock = event_lock(event_id);
    let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    f()
}

/// What an absence changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct AbsenceReport {
    pub participant: Participant,
    /// Meetings taken off the plan (now `no_show` or `cancelled`).
    pub removed: Vec<EventMeeting>,
    /// Meetings added by the re-optimisation.
    pub added: Vec<EventMeeting>,
    pub schedule: EventSchedule,
}

fn invalid(errors: Vec<crate::error::FieldError>) -> Error {
    Error::Invalid { errors }
}

/// Event operations over a store.
#[derive(Clone)]
pub struct Events {
    store: Store,
}

impl Events {
    pub fn new(store: Store) -> Events {
        Events { store }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn audit(&self, actor: &str, action: &str, c: &str, key: &str) -> Vec<AuditEntry> {
        vec![AuditEntry::new(actor, action, c, key)]
    }

    // ---- events ----

    /// Create an event (id generated when absent; an existing id is a conflict).
    pub fn create_event(&self, mut event: Event, actor: &str) -> Result<Event> {
        event.normalise();
        event.validate().map_err(invalid)?;
        let id = match event.id.as_deref().map(str::trim) {
            Some(id) => {
                if !crate::model::validate::valid_need_id(id) {
                    return Err(Error::invalid(
                        "id",
                        "must be 1 to 100 characters among letters, digits, '-', '_' and '.'",
                    ));
                }
                id.to_string()
            }
            None => {
                let mut bytes = [0u8; 4];
                crate::util::random_bytes(&mut bytes);
                format!("ev-{}", hex::encode(bytes))
            }
        };
        event.id = Some(id.clone());
        locked(&id, || {
            if self.get_event(&id)?.is_some() {
                return Err(conflict("id", format!("event {id} already exists")));
            }
            event.created_at = Some(now_rfc3339());
            let op = Store::doc_op(coll::EVENTS, &id, &event)?;
            self.store
                .apply(vec![op], self.audit(actor, "create", coll::EVENTS, &id))?;
            Ok(event)
        })
    }

    /// Replace an event's settings. A change that the planned meetings no longer fit (a
    /// slot or table they use removed, a cap below someone's meetings) is refused.
    pub fn update_event(&self, id: &str, mut event: Event, actor: &str) -> Result<Event> {
        locked(id, || {
            let old = self.require_event(id)?;
            event.normalise();
            if let Some(given) = event.id.as_deref()
                && given != id
            {
                return Err(Error::invalid(
                    "id",
                    format!("must be the id of the path ({id})"),
                ));
            }
            event.id = Some(id.to_string());
            event.created_at = old.created_at;
            event.validate().map_err(invalid)?;
            if let Some(s) = self.schedule(id)? {
                planner::check_event_fits(&event, &self.participants(id)?, &s)?;
            }
            let op = Store::doc_op(coll::EVENTS, id, &event)?;
            self.store
                .apply(vec![op], self.audit(actor, "put", coll::EVENTS, id))?;
            Ok(event)
        })
    }

    pub fn get_event(&self, id: &str) -> Result<Option<Event>> {
        self.store.get_doc(coll::EVENTS, id)
    }

    pub fn require_event(&self, id: &str) -> Result<Event> {
        self.get_event(id)?
            .ok_or_else(|| Error::not_found("event", id))
    }

    /// Every event, by date then id.
    pub fn list_events(&self) -> Result<Vec<Event>> {
        let mut events: Vec<Event> = self
            .store
            .scan_docs::<Event>(coll::EVENTS, "")?
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        events.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
        Ok(events)
    }

    // ---- participants ----

    fn check_needs(&self, p: &Participant) -> Result<()> {
        for (i, need) in p.needs.iter().enumerate() {
            if self.store.get_need(need)?.is_none() {
                return Err(Error::invalid(
                    format!("needs[{i}]"),
                    format!("unknown need {need}"),
                ));
            }
        }
        Ok(())
    }

    /// Register a participant. A supplier must exist in the directory (its SIRET is written
    /// in canonical form and its name defaults to the directory's); a supplier registers
    /// once per event. Ids are generated (`b1`, `s1`, …) when absent. `registered_by` is the
    /// registering buyer token's id, when a buyer registers itself.
    pub fn add_participant(
        &self,
        event_id: &str,
        mut p: Participant,
        registered_by: Option<&str>,
        actor: &str,
    ) -> Result<Participant> {
        let event = self.require_event(event_id)?;
        if let Some(s) = &p.siret
            && let Ok(canonical) = Siret::parse(s)
        {
            p.siret = Some(canonical.to_string());
        }
        p.validate(event.slots.len() as u32).map_err(invalid)?;
        p.registered_by = registered_by.map(str::to_string);
        p.name = p.name.trim().to_string();
        if p.role == Role::Supplier {
            let siret = Siret::parse(p.siret.as_deref().unwrap_or_default())
                .map_err(|r| Error::invalid("siret", r))?
                .to_string();
            let Some(stored) = self.store.get_supplier(&siret)? else {
                return Err(Error::invalid(
                    "siret",
                    format!("no supplier with SIRET {siret} in the directory"),
                ));
            };
            if p.name.is_empty() {
                p.name = stored.supplier.name;
            }
            p.siret = Some(siret);
        }
        self.check_needs(&p)?;
        locked(event_id, || {
            let existing = self.participants(event_id)?;
            if p.role == Role::Supplier
                && let Some(q) = existing
                    .iter()
                    .find(|q| q.role == Role::Supplier && q.siret == p.siret)
            {
                return Err(conflict(
                    "siret",
                    format!("this supplier is already registered as {}", q.pid()),
                ));
            }
            let id = match &p.id {
                Some(id) => {
                    if existing.iter().any(|q| q.pid() == id) {
                        return Err(conflict("id", format!("participant {id} already exists")));
                    }
                    id.clone()
                }
                None => {
                    let prefix = if p.role == Role::Buyer { "b" } else { "s" };
                    let n = existing
                        .iter()
                        .filter_map(|q| q.pid().strip_prefix(prefix)?.parse::<u32>().ok())
                        .max()
                        .unwrap_or(0);
                    format!("{prefix}{}", n + 1)
                }
            };
            p.id = Some(id.clone());
            let key = format!("{event_id}/{id}");
            let op = Store::doc_op(coll::PARTICIPANTS, &key, &p)?;
            self.store.apply(
                vec![op],
                self.audit(actor, "create", coll::PARTICIPANTS, &key),
            )?;
            Ok(p)
        })
    }

    /// Replace a participant's registration. Id, role, SIRET and `registered_by` cannot
    /// change; a change the planned meetings no longer fit (availability, cap, absence) is
    /// refused until they are moved or cancelled.
    pub fn update_participant(
        &self,
        event_id: &str,
        pid: &str,
        mut p: Participant,
        actor: &str,
    ) -> Result<Participant> {
        let event = self.require_event(event_id)?;
        locked(event_id, || {
            let old = self.require_participant(event_id, pid)?;
            if let Some(given) = p.id.as_deref()
                && given != pid
            {
                return Err(Error::invalid(
                    "id",
                    "the id of a participant cannot change",
                ));
            }
            p.id = Some(pid.to_string());
            if p.role != old.role {
                return Err(Error::invalid(
                    "role",
                    "the role of a participant cannot change",
                ));
            }
            p.validate(event.slots.len() as u32).map_err(invalid)?;
            if p.role == Role::Supplier {
                let same = p
                    .siret
                    .as_deref()
                    .and_then(|s| Siret::parse(s).ok())
                    .map(|s| s.to_string())
                    == old.siret;
                if !same {
                    return Err(Error::invalid(
                        "siret",
                        "the SIRET of a registered supplier cannot change",
                    ));
                }
                p.siret = old.siret.clone();
            }
            p.name = p.name.trim().to_string();
            if p.name.is_empty() {
                p.name = old.name.clone();
            }
            p.registered_by = old.registered_by.clone();
            self.check_needs(&p)?;
            if let Some(s) = self.schedule(event_id)? {
                planner::check_fits(&event, &p, &s)?;
            }
            let key = format!("{event_id}/{pid}");
            let op = Store::doc_op(coll::PARTICIPANTS, &key, &p)?;
            self.store
                .apply(vec![op], self.audit(actor, "put", coll::PARTICIPANTS, &key))?;
            Ok(p)
        })
    }

    /// Participants in natural id order (`b2` before `b10`).
    pub fn participants(&self, event_id: &str) -> Result<Vec<Participant>> {
        let mut ps: Vec<Participant> = self
            .store
            .scan_docs(coll::PARTICIPANTS, &format!("{event_id}/"))?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        ps.sort_by_key(|p| super::model::natural_key(p.pid()));
        Ok(ps)
    }

    pub fn participant(&self, event_id: &str, pid: &str) -> Result<Option<Participant>> {
        self.store
            .get_doc(coll::PARTICIPANTS, &format!("{event_id}/{pid}"))
    }

    pub fn require_participant(&self, event_id: &str, pid: &str) -> Result<Participant> {
        self.participant(event_id, pid)?
            .ok_or_else(|| Error::not_found("participant", pid))
    }

    // ---- wishes ----

    /// Record a wish between a buyer and a supplier of the event (either direction). A new
    /// wish from the same participant about the same counterpart replaces the old one.
    pub fn add_wish(&self, event_id: &str, wish: Wish, actor: &str) -> Result<Wish> {
        self.require_event(event_id)?;
        let from = self
            .participant(event_id, &wish.from)?
            .ok_or_else(|| Error::invalid("from", format!("unknown participant {}", wish.from)))?;
        let to = self
            .participant(event_id, &wish.to)?
            .ok_or_else(|| Error::invalid("to", format!("unknown participant {}", wish.to)))?;
        if from.role == to.role {
            return Err(Error::invalid("to", "a wish links a buyer and a supplier"));
        }
        let key = format!("{event_id}/{}>{}", wish.from, wish.to);
        let op = Store::doc_op(coll::WISHES, &key, &wish)?;
        self.store
            .apply(vec![op], self.audit(actor, "put", coll::WISHES, &key))?;
        Ok(wish)
    }

    /// Withdraw a wish.
    pub fn remove_wish(&self, event_id: &str, from: &str, to: &str, actor: &str) -> Result<()> {
        self.require_event(event_id)?;
        let key = format!("{event_id}/{from}>{to}");
        if self.store.get_doc::<Wish>(coll::WISHES, &key)?.is_none() {
            return Err(Error::not_found("wish", format!("{from}>{to}")));
        }
        let op = crate::store::Op::Delete {
            coll: coll::WISHES,
            key: key.clone(),
        };
        self.store
            .apply(vec![op], self.audit(actor, "delete", coll::WISHES, &key))?;
        Ok(())
    }

    /// The event's wishes, by author then counterpart.
    pub fn wishes(&self, event_id: &str) -> Result<Vec<Wish>> {
        Ok(self
            .store
            .scan_docs(coll::WISHES, &format!("{event_id}/"))?
            .into_iter()
            .map(|(_, w)| w)
            .collect())
    }

    // ---- suggestions and the schedule run ----

    /// What the matching engine suggests: for each buyer's needs, the registered suppliers
    /// it ranks, with the best score over the buyer's needs. Needs that no longer exist are
    /// skipped; a need the engine cannot match (unknown place) is logged and skipped.
    pub fn suggestions(&self, event_id: &str, index: &SearchIndex) -> Result<Vec<Suggestion>> {
        let participants = self.participants(event_id)?;
        let by_siret: HashMap<&str, &str> = participants
            .iter()
            .filter(|p| p.role == Role::Supplier)
            .filter_map(|p| Some((p.siret.as_deref()?, p.pid())))
            .collect();
        let mut best: HashMap<(String, String), Suggestion> = HashMap::new();
        for b in participants.iter().filter(|p| p.role == Role::Buyer) {
            for need_id in &b.needs {
                let Some(need) = self.store.get_need(need_id)? else {
                    continue;
                };
                let results = match crate::engine::match_need(index, &need, usize::MAX) {
                    Ok(r) => r.results,
                    Err(e) => {
                        tracing::warn!(event = %event_id, need = %need_id, error = %e, "cannot match a buyer's need");
                        continue;
                    }
                };
                for r in results {
                    let Some(&s) = by_siret.get(r.siret.as_str()) else {
                        continue;
                    };
                    let key = (b.pid().to_string(), s.to_string());
                    let better = best.get(&key).is_none_or(|x| r.score > x.score);
                    if better {
                        best.insert(
                            key,
                            Suggestion {
                                buyer: b.pid().to_string(),
                                supplier: s.to_string(),
                                score: r.score,
                                need: need_id.clone(),
                            },
                        );
                    }
                }
            }
        }
        let mut out: Vec<Suggestion> = best.into_values().collect();
        out.sort_by(|a, b| {
            (
                super::model::natural_key(&a.buyer),
                super::model::natural_key(&a.supplier),
            )
                .cmp(&(
                    super::model::natural_key(&b.buyer),
                    super::model::natural_key(&b.supplier),
                ))
        });
        Ok(out)
    }

    /// The pairs that may meet now (suggestions and wishes, exclusions applied).
    pub fn candidate_pairs(
        &self,
        event_id: &str,
        index: &SearchIndex,
    ) -> Result<Vec<planner::CandidatePair>> {
        let event = self.require_event(event_id)?;
        let participants = self.participants(event_id)?;
        let wishes = self.wishes(event_id)?;
        let suggestions = self.suggestions(event_id, index)?;
        Ok(planner::candidate_pairs(
            &event,
            &participants,
            &wishes,
            &suggestions,
        ))
    }

    /// Run the scheduler and store the schedule (locked meetings of the previous one kept).
    pub fn run_schedule(
        &self,
        event_id: &str,
        index: &SearchIndex,
        effort: u32,
        actor: &str,
    ) -> Result<EventSchedule> {
        let event = self.require_event(event_id)?;
        // Matching reads the index only: done before taking the event's lock.
        let suggestions = self.suggestions(event_id, index)?;
        locked(event_id, || {
            let participants = self.participants(event_id)?;
            let wishes = self.wishes(event_id)?;
            let previous = self.schedule(event_id)?;
            let pairs = planner::candidate_pairs(&event, &participants, &wishes, &suggestions);
            let options = Options {
                effort,
                time_limit_ms: Some(SOLVE_TIME_LIMIT_MS),
            };
            let mut plan =
                planner::plan(&event, &participants, &pairs, previous.as_ref(), &options)?;
            let now = now_rfc3339();
            plan.schedule.computed_at = now.clone();
            plan.schedule.updated_at = Some(now);
            self.write_schedule(
                event_id,
                &plan.schedule,
                None,
                "schedule.run",
                event_id,
                actor,
            )?;
            Ok(plan.schedule)
        })
    }

    pub fn schedule(&self, event_id: &str) -> Result<Option<EventSchedule>> {
        self.store.get_doc(coll::SCHEDULES, event_id)
    }

    /// The stored schedule, or not found when it was never run.
    pub fn require_schedule(&self, event_id: &str) -> Result<EventSchedule> {
        self.schedule(event_id)?
            .ok_or_else(|| Error::not_found("schedule", event_id))
    }

    /// Save a schedule and, in the same transaction, a participant update, with one audit
    /// entry keyed `{event}/{detail}`.
    fn write_schedule(
        &self,
        event_id: &str,
        schedule: &EventSchedule,
        participant: Option<&Participant>,
        action: &str,
        detail: &str,
        actor: &str,
    ) -> Result<()> {
        let mut ops = vec![Store::doc_op(coll::SCHEDULES, event_id, schedule)?];
        if let Some(p) = participant {
            let key = format!("{event_id}/{}", p.pid());
            ops.push(Store::doc_op(coll::PARTICIPANTS, &key, p)?);
        }
        let key = if detail == event_id {
            event_id.to_string()
        } else {
            format!("{event_id}/{detail}")
        };
        self.store
            .apply(ops, self.audit(actor, action, coll::SCHEDULES, &key))?;
        Ok(())
    }

    /// Load what an on-site change needs, apply `f` (pure), stamp and save its schedule.
    fn change<T>(
        &self,
        event_id: &str,
        action: &str,
        detail: &str,
        actor: &str,
        f: impl FnOnce(
            &Event,
            &[Participant],
            &[Wish],
            &EventSchedule,
        ) -> Result<(EventSchedule, Option<Participant>, T)>,
    ) -> Result<T> {
        let event = self.require_event(event_id)?;
        locked(event_id, || {
            let participants = self.participants(event_id)?;
            let wishes = self.wishes(event_id)?;
            let current = self.require_schedule(event_id)?;
            let (mut next, participant, out) = f(&event, &participants, &wishes, &current)?;
            if next != current || participant.is_some() {
                next.updated_at = Some(now_rfc3339());
                self.write_schedule(event_id, &next, participant.as_ref(), action, detail, actor)?;
            }
            Ok(out)
        })
    }

    /// Move a planned meeting to another slot (and table); see `planner::move_meeting`.
    #[allow(clippy::too_many_arguments)]
    pub fn move_meeting(
        &self,
        event_id: &str,
        buyer: &str,
        supplier: &str,
        slot: u32,
        table: Option<u32>,
        actor: &str,
    ) -> Result<EventSchedule> {
        self.change(
            event_id,
            "meeting.move",
            &format!("{buyer}>{supplier}"),
            actor,
            |e, ps, ws, s| {
                let next = planner::move_meeting(e, ps, ws, s, buyer, supplier, slot, table)?;
                Ok((next.clone(), None, next))
            },
        )
    }

    /// Place a pair by hand; see `planner::add_meeting`.
    #[allow(clippy::too_many_arguments)]
    pub fn add_meeting(
        &self,
        event_id: &str,
        buyer: &str,
        supplier: &str,
        slot: u32,
        table: Option<u32>,
        lock: bool,
        actor: &str,
    ) -> Result<EventSchedule> {
        self.change(
            event_id,
            "meeting.add",
            &format!("{buyer}>{supplier}"),
            actor,
            |e, ps, ws, s| {
                let (next, _) =
                    planner::add_meeting(e, ps, ws, s, buyer, supplier, slot, table, lock)?;
                Ok((next.clone(), None, next))
            },
        )
    }

    /// Lock or unlock a planned meeting.
    pub fn lock_meeting(
        &self,
        event_id: &str,
        buyer: &str,
        supplier: &str,
        lock: bool,
        actor: &str,
    ) -> Result<EventSchedule> {
        let action = if lock {
            "meeting.lock"
        } else {
            "meeting.unlock"
        };
        self.change(
            event_id,
            action,
            &format!("{buyer}>{supplier}"),
            actor,
            |_, _, _, s| {
                let next = planner::set_locked(s, buyer, supplier, lock)?;
                Ok((next.clone(), None, next))
            },
        )
    }

    /// Cancel a planned meeting.
    pub fn cancel_meeting(
        &self,
        event_id: &str,
        buyer: &str,
        supplier: &str,
        actor: &str,
    ) -> Result<EventSchedule> {
        self.change(
            event_id,
            "meeting.cancel",
            &format!("{buyer}>{supplier}"),
            actor,
            |e, ps, ws, s| {
                let next = planner::cancel_meeting(e, ps, ws, s, buyer, supplier)?;
                Ok((next.clone(), None, next))
            },
        )
    }

    /// Record a no-show or a late cancellation of `pid` from `from_slot` on, then (unless
    /// `replan_from` is `None`) re-optimise the rest of the day from `replan_from`: past and
    /// locked meetings stay as they are, freed capacity is refilled from the waiting list.
    #[allow(clippy::too_many_arguments)]
    pub fn mark_absent(
        &self,
        event_id: &str,
        pid: &str,
        from_slot: u32,
        kind: AbsenceKind,
        replan_from: Option<u32>,
        actor: &str,
    ) -> Result<AbsenceReport> {
        let action = match kind {
            AbsenceKind::NoShow => "participant.no_show",
            AbsenceKind::LateCancellation => "participant.late_cancellation",
        };
        self.change(event_id, action, pid, actor, |e, ps, ws, s| {
            let (participant, mut next, removed) =
                planner::mark_absent(e, ps, s, pid, from_slot, kind)?;
            let updated: Vec<Participant> = ps
                .iter()
                .map(|q| {
                    if q.pid() == pid {
                        participant.clone()
                    } else {
                        q.clone()
                    }
                })
                .collect();
            let mut added = Vec::new();
            match replan_from {
                Some(t) => {
                    let r = planner::reoptimize(e, &updated, ws, &next, t).map_err(
                        |err| match err {
                            Error::Invalid { errors } => Error::Invalid {
                                errors: errors
                                    .into_iter()
                                    .map(|f| {
                                        if f.field == "from_slot" {
                                            crate::error::FieldError::new(
                                                "replan_from_slot",
                                                f.reason,
                                            )
                                        } else {
                                            f
                                        }
                                    })
                                    .collect(),
                            },
                            other => other,
                        },
                    )?;
                    next = r.schedule;
                    next.computed_at = now_rfc3339();
                    added = r.added;
                }
                None => planner::refresh_figures(e, &updated, ws, &mut next)?,
            }
            let report = AbsenceReport {
                participant: participant.clone(),
                removed,
                added,
                schedule: next.clone(),
            };
            Ok((next, Some(participant), report))
        })
    }

    /// Re-optimise the rest of the day from `from_slot` (see `planner::reoptimize`).
    pub fn reoptimize(&self, event_id: &str, from_slot: u32, actor: &str) -> Result<Replan> {
        self.change(
            event_id,
            "schedule.reoptimize",
            event_id,
            actor,
            |e, ps, ws, s| {
                let mut r = planner::reoptimize(e, ps, ws, s, from_slot)?;
                r.schedule.computed_at = now_rfc3339();
                Ok((r.schedule.clone(), None, r))
            },
        )
    }

    /// Refill freed slots from the waiting list (see `planner::fill_from_waiting_list`).
    pub fn fill_waiting_list(&self, event_id: &str, from_slot: u32, actor: &str) -> Result<Replan> {
        self.change(
            event_id,
            "waiting_list.fill",
            event_id,
            actor,
            |e, ps, ws, s| {
                let r = planner::fill_from_waiting_list(e, ps, ws, s, from_slot)?;
                Ok((r.schedule.clone(), None, r))
            },
        )
    }
}
