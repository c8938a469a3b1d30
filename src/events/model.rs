//! Purchasing events as stored: the event (slots in Europe/Paris local time, tables, caps,
//! fairness), its participants (buyers, and suppliers from the directory), their wishes, and
//! the current schedule with each meeting's status.
//!
//! Wire types with validation that names the field. Pure: no IO; storing and scheduling are
//! `events::service`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;

/// One time slot of the event, local time in Europe/Paris (`HH:MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub start: String,
    pub end: String,
}

/// How a pair's weight is derived from the match score and the wishes (contract section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairWeights {
    pub score_mult: i64,
    pub buyer_wish: i64,
    pub supplier_wish: i64,
    pub mutual_bonus: i64,
}

impl Default for PairWeights {
    fn default() -> Self {
        PairWeights {
            score_mult: 100,
            buyer_wish: 150,
            supplier_wish: 150,
            mutual_bonus: 300,
        }
    }
}

fn default_penalty() -> i64 {
    1000
}

/// A purchasing event: a business convention or a responsible-purchasing day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Where it takes place (shown on agendas).
    #[serde(default)]
    pub venue: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Slots in chronological order, local time Europe/Paris.
    pub slots: Vec<Slot>,
    pub num_tables: u32,
    /// Default cap on a buyer's meetings.
    pub max_meetings_buyer: u32,
    /// Default cap on a supplier's meetings.
    pub max_meetings_supplier: u32,
    /// Fairness target: each participant should get at least this many meetings.
    #[serde(default)]
    pub min_meetings: u32,
    /// Cost of each missing meeting below the fairness target.
    #[serde(default = "default_penalty")]
    pub shortfall_penalty: i64,
    #[serde(default)]
    pub weights: PairWeights,
    /// Lowest match score for a suggested pair (0–1) when no one wished for it.
    #[serde(default = "default_min_score")]
    pub min_suggestion_score: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

fn default_min_score() -> f64 {
    0.35
}

/// Buyer or supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ParticipantRole)]
pub enum Role {
    Buyer,
    Supplier,
}

impl Role {
    pub fn label_fr(self) -> &'static str {
        match self {
            Role::Buyer => "acheteur",
            Role::Supplier => "fournisseur",
        }
    }
}

/// Someone registered for an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Generated when absent (`b1`, `s3`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub role: Role,
    /// Display name; for a supplier, taken from the directory when absent.
    #[serde(default)]
    pub name: String,
    /// The organisation the person represents (buyer's entity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// For a supplier: its SIRET in the directory (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// For a buyer: ids of its needs, which pre-fill its suggestions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// Slots (indices) in which the participant is not available.
    #[serde(default)]
    pub unavailable: Vec<u32>,
    /// Own cap, below the event's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_meetings: Option<u32>,
    /// Did not come, or left: unavailable from this slot on. Set by the organiser's
    /// absence operation (or a PATCH by the organiser), never by the participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent_from_slot: Option<u32>,
    /// Id of the buyer token that registered this participant (set by the server; lets that
    /// token read its agenda and post its wishes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<String>,
}

/// What a wish asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WishKind {
    /// Would like to meet.
    Meet,
    /// Must not be scheduled together.
    DoNotMeet,
}

/// A wish from one participant about another (buyer → supplier or supplier → buyer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Wish {
    pub from: String,
    pub to: String,
    #[serde(default = "default_wish_kind")]
    pub kind: WishKind,
}

fn default_wish_kind() -> WishKind {
    WishKind::Meet
}

/// Where a meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    #[default]
    Planned,
    Cancelled,
    NoShow,
}

/// One meeting of the schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventMeeting {
    /// Participant ids.
    pub buyer: String,
    pub supplier: String,
    /// Slot index (0-based, into the event's `slots`).
    pub slot: u32,
    /// Table index, 0-based as in the scheduling format; agendas, sheets and the CSV show
    /// `table + 1`, the number on site.
    pub table: u32,
    /// Kept as is by every re-optimisation.
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub status: MeetingStatus,
    /// The pair's weight and match score when the meeting was planned.
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub score: f64,
}

/// A pair waiting for a freed slot: it may meet (suggested or wished, not excluded) but has
/// no meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitingPair {
    pub buyer: String,
    pub supplier: String,
    pub weight: i64,
    pub score: f64,
}

/// The event's current schedule, with the solver's figures.
///
/// The pairs that may meet are fixed when the schedule is run: they are the meetings plus
/// the waiting list. On-site changes (moves, absences, re-optimisation, refills) work from
/// them; registrations and wishes made later count from the next run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct EventSchedule {
    /// Every meeting, cancelled and no-show ones included, by slot then table.
    pub meetings: Vec<EventMeeting>,
    /// Pairs not scheduled, best weight first: they refill freed slots.
    #[serde(default)]
    pub waiting_list: Vec<WaitingPair>,
    /// `weight − shortfall_penalty × shortfall` of the planned meetings.
    pub objective: i64,
    /// Sum of the weights of the planned meetings.
    pub weight: i64,
    /// Meetings missing to reach every participant's fairness target.
    pub shortfall: i64,
    /// No schedule can do better than this (the solver's flow bound, from the last run or
    /// re-optimisation).
    pub upper_bound: i64,
    /// True when the last run proved the schedule optimal.
    #[serde(default)]
    pub optimal: bool,
    /// When the schedule was last run or re-optimised (RFC 3339).
    pub computed_at: String,
    /// Solver time of that run, in milliseconds (the only machine-dependent figure).
    #[serde(default)]
    pub solve_time_ms: u64,
    /// When it last changed in any way (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Number of changes since the first run.
    #[serde(default)]
    pub revision: u32,
}

impl Event {
    /// The default cap on meetings of a role.
    pub fn default_cap(&self, role: Role) -> u32 {
        match role {
            Role::Buyer => self.max_meetings_buyer,
            Role::Supplier => self.max_meetings_supplier,
        }
    }

    /// Write slot times as `HH:MM` (`9:05` becomes `09:05`); invalid times are left for
    /// [`Event::validate`] to name.
    pub fn normalise(&mut self) {
        for s in &mut self.slots {
            for t in [&mut s.start, &mut s.end] {
                if let Some(m) = parse_hhmm(t) {
                    *t = format!("{:02}:{:02}", m / 60, m % 60);
                }
            }
        }
        self.name = self.name.trim().to_string();
        self.venue = self.venue.trim().to_string();
        self.date = self.date.trim().to_string();
    }
}

/// `HH:MM` → minutes since midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn trimmed_len_ok(errors: &mut Vec<FieldError>, field: &str, s: &str, max: usize) {
    let n = s.trim().chars().count();
    if n == 0 {
        errors.push(FieldError::new(field, "must not be empty"));
    } else if n > max {
        errors.push(FieldError::new(
            field,
            format!("must have at most {max} characters"),
        ));
    }
}

impl Event {
    /// Check every rule; all field errors at once.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut e = Vec::new();
        trimmed_len_ok(&mut e, "name", &self.name, 200);
        if self.venue.chars().count() > 300 {
            e.push(FieldError::new("venue", "must have at most 300 characters"));
        }
        if self.date.parse::<jiff::civil::Date>().is_err() {
            e.push(FieldError::new("date", "must be a date YYYY-MM-DD"));
        }
        if self.slots.is_empty() {
            e.push(FieldError::new("slots", "must list at least one slot"));
        }
        if self.slots.len() > 96 {
            e.push(FieldError::new("slots", "must have at most 96 slots"));
        }
        let mut prev_end = None;
        for (i, s) in self.slots.iter().enumerate() {
            match (parse_hhmm(&s.start), parse_hhmm(&s.end)) {
                (Some(a), Some(b)) if a < b => {
                    if prev_end.is_some_and(|p| a < p) {
                        e.push(FieldError::new(
                            format!("slots[{i}].start"),
                            "slots must be in order and must not overlap",
                        ));
                    }
                    prev_end = Some(b);
                }
                (Some(_), Some(_)) => e.push(FieldError::new(
                    format!("slots[{i}].end"),
                    "must be after start",
                )),
                (None, _) => e.push(FieldError::new(
                    format!("slots[{i}].start"),
                    "must be a time HH:MM",
                )),
                (_, None) => e.push(FieldError::new(
                    format!("slots[{i}].end"),
                    "must be a time HH:MM",
                )),
            }
        }
        if self.num_tables == 0 || self.num_tables > 10_000 {
            e.push(FieldError::new("num_tables", "must be between 1 and 10000"));
        }
        if self.max_meetings_buyer == 0 {
            e.push(FieldError::new("max_meetings_buyer", "must be at least 1"));
        }
        if self.max_meetings_supplier == 0 {
            e.push(FieldError::new(
                "max_meetings_supplier",
                "must be at least 1",
            ));
        }
        if !(0..=1_000_000).contains(&self.shortfall_penalty) {
            e.push(FieldError::new(
                "shortfall_penalty",
                "must be between 0 and 1000000",
            ));
        }
        let w = &self.weights;
        for (f, v) in [
            ("score_mult", w.score_mult),
            ("buyer_wish", w.buyer_wish),
            ("supplier_wish", w.supplier_wish),
            ("mutual_bonus", w.mutual_bonus),
        ] {
            if !(0..=1_000_000).contains(&v) {
                e.push(FieldError::new(
                    format!("weights.{f}"),
                    "must be between 0 and 1000000",
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.min_suggestion_score) {
            e.push(FieldError::new(
                "min_suggestion_score",
                "must be between 0 and 1",
            ));
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

/// Most needs one buyer brings to an event.
pub const MAX_NEEDS: usize = 20;

impl Participant {
    /// A registration with its role and name only: no id yet (registration gives one), no
    /// organisation, SIRET, needs, unavailability or own cap.
    pub fn new(role: Role, name: impl Into<String>) -> Participant {
        Participant {
            id: None,
            role,
            name: name.into(),
            organisation: None,
            siret: None,
            email: None,
            needs: vec![],
            unavailable: vec![],
            max_meetings: None,
            absent_from_slot: None,
            registered_by: None,
        }
    }

    /// The participant's id (empty before registration gives it one).
    pub fn pid(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// Whether the participant can meet in `slot`: not listed unavailable, not absent by then.
    pub fn available_in(&self, slot: u32) -> bool {
        !self.unavailable.contains(&slot) && self.absent_from_slot.is_none_or(|a| slot < a)
    }

    /// The most meetings this participant may have: its own cap when lower than the event's
    /// default for its role.
    pub fn cap(&self, event: &Event) -> u32 {
        let default = event.default_cap(self.role);
        self.max_meetings.map_or(default, |own| own.min(default))
    }

    /// Check the rules that need no store access (the SIRET's existence is checked by the
    /// service).
    pub fn validate(&self, num_slots: u32) -> Result<(), Vec<FieldError>> {
        let mut e = Vec::new();
        if let Some(id) = &self.id
            && (id.is_empty()
                || id.len() > 40
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            e.push(FieldError::new(
                "id",
                "must be 1 to 40 letters, digits, '-' or '_'",
            ));
        }
        match self.role {
            Role::Supplier => {
                match &self.siret {
                    None => e.push(FieldError::new(
                        "siret",
                        "a supplier must be registered with its SIRET from the directory",
                    )),
                    Some(s) => {
                        if let Some(reason) = crate::model::ids::siret_error(s) {
                            e.push(FieldError::new("siret", reason));
                        }
                    }
                }
                if !self.needs.is_empty() {
                    e.push(FieldError::new("needs", "only buyers bring needs"));
                }
            }
            Role::Buyer => trimmed_len_ok(&mut e, "name", &self.name, 200),
        }
        if self.role == Role::Supplier && self.name.chars().count() > 200 {
            e.push(FieldError::new("name", "must have at most 200 characters"));
        }
        if let Some(o) = &self.organisation
            && o.chars().count() > 200
        {
            e.push(FieldError::new(
                "organisation",
                "must have at most 200 characters",
            ));
        }
        if let Some(m) = &self.email
            && (m.len() > 254 || !m.trim().contains('@') || m.trim().starts_with('@'))
        {
            e.push(FieldError::new("email", "must be an email address"));
        }
        if self.needs.len() > MAX_NEEDS {
            e.push(FieldError::new(
                "needs",
                format!("must list at most {MAX_NEEDS} needs"),
            ));
        }
        for (i, s) in self.unavailable.iter().enumerate() {
            if *s >= num_slots {
                e.push(FieldError::new(
                    format!("unavailable[{i}]"),
                    format!("no slot {s} (the event has {num_slots})"),
                ));
            }
        }
        if self.max_meetings == Some(0) {
            e.push(FieldError::new(
                "max_meetings",
                "must be at least 1 (unregister instead)",
            ));
        }
        if let Some(s) = self.absent_from_slot
            && s >= num_slots
        {
            e.push(FieldError::new("absent_from_slot", format!("no slot {s}")));
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

/// Sort key that puts `b2` before `b10` (ids are a prefix and a number).
pub fn natural_key(id: &str) -> (String, u64, String) {
    let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (head, tail) = id.split_at(split);
    (
        head.to_string(),
        tail.parse().unwrap_or(u64::MAX),
        tail.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            id: None,
            name: "Convention d'affaires ESS Occitanie".into(),
            venue: "Hôtel de Région, Toulouse".into(),
            date: "2026-12-03".into(),
            slots: vec![
                Slot {
                    start: "09:00".into(),
                    end: "09:20".into(),
                },
                Slot {
                    start: "09:25".into(),
                    end: "09:45".into(),
                },
            ],
            num_tables: 10,
            max_meetings_buyer: 6,
            max_meetings_supplier: 4,
            min_meetings: 2,
            shortfall_penalty: 1000,
            weights: PairWeights::default(),
            min_suggestion_score: 0.35,
            created_at: None,
        }
    }

    #[test]
    fn a_well_formed_event_validates() {
        assert!(event().validate().is_ok());
    }

    #[test]
    fn slots_must_be_ordered_times() {
        let mut e = event();
        e.slots[1] = Slot {
            start: "09:10".into(),
            end: "09:30".into(),
        };
        let errs = e.validate().unwrap_err();
        assert_eq!(errs[0].field, "slots[1].start");
        e.slots[1] = Slot {
            start: "25:00".into(),
            end: "09:30".into(),
        };
        assert_eq!(e.validate().unwrap_err()[0].field, "slots[1].start");
        e.slots[1] = Slot {
            start: "10:00".into(),
            end: "09:30".into(),
        };
        assert_eq!(e.validate().unwrap_err()[0].field, "slots[1].end");
    }

    #[test]
    fn a_supplier_needs_a_valid_siret_and_slots_must_exist() {
        let p = Participant {
            id: None,
            role: Role::Supplier,
            name: String::new(),
            organisation: None,
            siret: None,
            email: None,
            needs: vec![],
            unavailable: vec![5],
            max_meetings: None,
            absent_from_slot: None,
            registered_by: None,
        };
        let fields: Vec<String> = p
            .validate(2)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["siret", "unavailable[0]"]);
    }

    #[test]
    fn hhmm_parsing() {
        assert_eq!(parse_hhmm("09:05"), Some(545));
        assert_eq!(parse_hhmm("9:05"), Some(545));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("0905"), None);
    }
}
