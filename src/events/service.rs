//! Event operations against the store: create events, register participants, collect wishes,
//! read and write the schedule.
//!
//! Keys: an event is `events/{id}`; its participants `participants/{id}/{pid}`; its wishes
//! `wishes/{id}/{from}>{to}`; its schedule `schedules/{id}`. Every write is one durable
//! transaction with its audit entry. Scheduling itself is `events::planner`.

use super::model::{Event, EventSchedule, Participant, Role, Wish, WishKind};
use crate::error::{Error, Result};
use crate::store::{AuditEntry, Store, coll, now_rfc3339};

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

    /// Create an event (id generated when absent; an existing id is a conflict).
    pub fn create_event(&self, mut event: Event, actor: &str) -> Result<Event> {
        event.validate().map_err(invalid)?;
        match &event.id {
            Some(id) => {
                if !crate::model::validate::valid_need_id(id) {
                    return Err(Error::invalid(
                        "id",
                        "must be 1 to 100 characters among letters, digits, '-', '_' and '.'",
                    ));
                }
                if self.get_event(id)?.is_some() {
                    return Err(Error::Conflict {
                        message: format!("event {id} already exists"),
                    });
                }
            }
            None => {
                let mut bytes = [0u8; 4];
                crate::util::random_bytes(&mut bytes);
                event.id = Some(format!("ev-{}", hex::encode(bytes)));
            }
        }
        event.created_at = Some(now_rfc3339());
        let id = event.id.clone().unwrap_or_default();
        let op = Store::doc_op(coll::EVENTS, &id, &event)?;
        self.store.apply(
            vec![op],
            vec![AuditEntry::new(actor, "create", coll::EVENTS, &id)],
        )?;
        Ok(event)
    }

    /// Replace an event's settings. Slots may only be added at the end or edited in place
    /// while the schedule refers to them; removing a slot that holds meetings is refused.
    pub fn update_event(&self, id: &str, mut event: Event, actor: &str) -> Result<Event> {
        let old = self.require_event(id)?;
        event.id = Some(id.to_string());
        event.created_at = old.created_at;
        event.validate().map_err(invalid)?;
        if let Some(s) = self.schedule(id)?
            && s.meetings
                .iter()
                .any(|m| m.slot as usize >= event.slots.len() || m.table >= event.num_tables)
        {
            return Err(Error::Conflict { message: "the schedule uses slots or tables this change removes; re-run the schedule first".into() });
        }
        let op = Store::doc_op(coll::EVENTS, id, &event)?;
        self.store.apply(
            vec![op],
            vec![AuditEntry::new(actor, "put", coll::EVENTS, id)],
        )?;
        Ok(event)
    }

    pub fn get_event(&self, id: &str) -> Result<Option<Event>> {
        self.store.get_doc(coll::EVENTS, id)
    }

    pub fn require_event(&self, id: &str) -> Result<Event> {
        self.get_event(id)?
            .ok_or_else(|| Error::not_found("event", id))
    }

    pub fn list_events(&self) -> Result<Vec<Event>> {
        Ok(self
            .store
            .scan_docs::<Event>(coll::EVENTS, "")?
            .into_iter()
            .map(|(_, e)| e)
            .collect())
    }

    /// Register a participant. A supplier must exist in the directory; its name defaults to
    /// the directory's. Ids are generated (`b1`, `s1`, …) when absent.
    pub fn add_participant(
        &self,
        event_id: &str,
        mut p: Participant,
        actor: &str,
    ) -> Result<Participant> {
        let event = self.require_event(event_id)?;
        p.validate(event.slots.len() as u32).map_err(invalid)?;
        if p.role == Role::Supplier {
            let siret = p.siret.clone().unwrap_or_default();
            let Some(stored) = self.store.get_supplier(&siret)? else {
                return Err(Error::invalid(
                    "siret",
                    format!("no supplier with SIRET {siret} in the directory"),
                ));
            };
            if p.name.trim().is_empty() {
                p.name = stored.supplier.name;
            }
        }
        for need in &p.needs {
            if self.store.get_need(need)?.is_none() {
                return Err(Error::invalid("needs", format!("unknown need {need}")));
            }
        }
        let existing = self.participants(event_id)?;
        if p.role == Role::Supplier
            && existing
                .iter()
                .any(|q| q.role == Role::Supplier && q.siret == p.siret)
        {
            return Err(Error::Conflict {
                message: "this supplier is already registered".into(),
            });
        }
        let id = match &p.id {
            Some(id) => {
                if existing.iter().any(|q| q.id.as_deref() == Some(id)) {
                    return Err(Error::Conflict {
                        message: format!("participant {id} already exists"),
                    });
                }
                id.clone()
            }
            None => {
                let prefix = if p.role == Role::Buyer { "b" } else { "s" };
                let n = existing
                    .iter()
                    .filter_map(|q| q.id.as_deref()?.strip_prefix(prefix)?.parse::<u32>().ok())
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
            vec![AuditEntry::new(actor, "create", coll::PARTICIPANTS, &key)],
        )?;
        Ok(p)
    }

    /// Replace a participant's registration (role and id are kept).
    pub fn update_participant(
        &self,
        event_id: &str,
        pid: &str,
        mut p: Participant,
        actor: &str,
    ) -> Result<Participant> {
        let event = self.require_event(event_id)?;
        let old = self.require_participant(event_id, pid)?;
        p.id = Some(pid.to_string());
        if p.role != old.role {
            return Err(Error::invalid(
                "role",
                "the role of a participant cannot change",
            ));
        }
        p.validate(event.slots.len() as u32).map_err(invalid)?;
        if p.role == Role::Supplier && p.siret != old.siret {
            return Err(Error::invalid(
                "siret",
                "the SIRET of a registered supplier cannot change",
            ));
        }
        if p.name.trim().is_empty() {
            p.name = old.name;
        }
        let key = format!("{event_id}/{pid}");
        let op = Store::doc_op(coll::PARTICIPANTS, &key, &p)?;
        self.store.apply(
            vec![op],
            vec![AuditEntry::new(actor, "put", coll::PARTICIPANTS, &key)],
        )?;
        Ok(p)
    }

    pub fn participants(&self, event_id: &str) -> Result<Vec<Participant>> {
        let mut ps: Vec<Participant> = self
            .store
            .scan_docs(coll::PARTICIPANTS, &format!("{event_id}/"))?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        ps.sort_by_key(|p| natural_key(p.id.as_deref()));
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

    /// Record a wish between a buyer and a supplier of the event (either direction).
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
        self.store.apply(
            vec![op],
            vec![AuditEntry::new(actor, "put", coll::WISHES, &key)],
        )?;
        Ok(wish)
    }

    /// Withdraw a wish.
    pub fn remove_wish(&self, event_id: &str, from: &str, to: &str, actor: &str) -> Result<()> {
        let key = format!("{event_id}/{from}>{to}");
        if self.store.get_doc::<Wish>(coll::WISHES, &key)?.is_none() {
            return Err(Error::not_found("wish", format!("{from}>{to}")));
        }
        let op = crate::store::Op::Delete {
            coll: coll::WISHES,
            key: key.clone(),
        };
        self.store.apply(
            vec![op],
            vec![AuditEntry::new(actor, "delete", coll::WISHES, &key)],
        )?;
        Ok(())
    }

    pub fn wishes(&self, event_id: &str) -> Result<Vec<Wish>> {
        Ok(self
            .store
            .scan_docs(coll::WISHES, &format!("{event_id}/"))?
            .into_iter()
            .map(|(_, w)| w)
            .collect())
    }

    /// Whether a pair is excluded by a "do not meet" wish in either direction.
    pub fn excluded(wishes: &[Wish], a: &str, b: &str) -> bool {
        wishes.iter().any(|w| {
            w.kind == WishKind::DoNotMeet
                && ((w.from == a && w.to == b) || (w.from == b && w.to == a))
        })
    }

    pub fn schedule(&self, event_id: &str) -> Result<Option<EventSchedule>> {
        self.store.get_doc(coll::SCHEDULES, event_id)
    }

    /// Save a schedule (and, in the same transaction, any participant updates).
    pub fn save_schedule(
        &self,
        event_id: &str,
        schedule: &EventSchedule,
        participants: &[Participant],
        action: &str,
        actor: &str,
    ) -> Result<()> {
        let mut ops = vec![Store::doc_op(coll::SCHEDULES, event_id, schedule)?];
        for p in participants {
            let key = format!("{event_id}/{}", p.id.as_deref().unwrap_or_default());
            ops.push(Store::doc_op(coll::PARTICIPANTS, &key, p)?);
        }
        self.store.apply(
            ops,
            vec![AuditEntry::new(actor, action, coll::SCHEDULES, event_id)],
        )?;
        Ok(())
    }
}

/// Sort `b2` before `b10`.
fn natural_key(id: Option<&str>) -> (String, u64, String) {
    let id = id.unwrap_or_default();
    let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (head, tail) = id.split_at(split);
    (
        head.to_string(),
        tail.parse().unwrap_or(u64::MAX),
        tail.to_string(),
    )
}
