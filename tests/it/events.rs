//! Purchasing events: property tests of the planner (feasibility, availability, caps, locks,
//! determinism, on-site changes) against a naive checker, ICS agendas read back by an
//! independent parser (Python's `icalendar`), an end-to-end run through the HTTP API with
//! the demo suppliers, the authorization matrix of the event routes, and their JSON errors.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use essor::api::auth::{TokenSpec, create_token};
use essor::api::{ApiConfig, AppState, IndexSync, router};
use essor::events::agenda;
use essor::events::model::{
    Event, EventMeeting, EventSchedule, MeetingStatus, PairWeights, Participant, Role, Slot, Wish,
    WishKind,
};
use essor::events::planner::{self, AbsenceKind, CandidatePair, Suggestion};
use essor::index::SearchIndex;
use essor::scheduling::{Options, validate_schedule};
use essor::store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Value, json};
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------
// Planner: random events against a naive checker
// ---------------------------------------------------------------------------------------

fn config(seed: u64, cases: u32) -> Config {
    let scale = if std::env::var("ESSOR_SLOW_TESTS").is_ok_and(|v| v == "1") {
        20
    } else {
        1
    };
    Config {
        cases: cases * scale,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

fn event(num_slots: usize, num_tables: u32, cap_b: u32, cap_s: u32, min: u32) -> Event {
    Event {
        id: Some("ev".into()),
        name: "Convention d'affaires".into(),
        venue: "Hôtel de Région".into(),
        date: "2026-12-03".into(),
        slots: (0..num_slots)
            .map(|i| {
                let start = 9 * 60 + 30 * i as u32;
                Slot {
                    start: format!("{:02}:{:02}", start / 60, start % 60),
                    end: format!("{:02}:{:02}", (start + 25) / 60, (start + 25) % 60),
                }
            })
            .collect(),
        num_tables,
        max_meetings_buyer: cap_b,
        max_meetings_supplier: cap_s,
        min_meetings: min,
        shortfall_penalty: 500,
        weights: PairWeights::default(),
        min_suggestion_score: 0.3,
        created_at: None,
    }
}

fn person(id: &str, role: Role) -> Participant {
    Participant {
        id: Some(id.into()),
        organisation: (role == Role::Buyer).then(|| format!("Organisation {id}")),
        ..Participant::new(role, format!("Nom {id}"))
    }
}

/// One participant of a random event: unavailable slots, own cap, absence.
#[derive(Debug, Clone)]
struct PSpec {
    unavailable: Vec<bool>,
    cap: Option<u32>,
    absent: Option<u32>,
}

#[derive(Debug, Clone)]
struct Spec {
    slots: usize,
    tables: u32,
    caps: (u32, u32),
    min: u32,
    buyers: Vec<PSpec>,
    suppliers: Vec<PSpec>,
    /// (buyer, supplier, direction: 0 buyer→supplier, 1 supplier→buyer, kind: 0 meet, 1 do not)
    wishes: Vec<(usize, usize, u8, u8)>,
    suggestions: Vec<(usize, usize, f64)>,
    /// Which meetings of a first run get locked before the second run.
    locks: Vec<bool>,
}

fn pspec(slots: usize) -> impl Strategy<Value = PSpec> {
    (
        prop::collection::vec(prop::bool::weighted(0.2), slots),
        prop::option::weighted(0.3, 1u32..4),
        prop::option::weighted(0.15, 0u32..slots as u32),
    )
        .prop_map(|(unavailable, cap, absent)| PSpec {
            unavailable,
            cap,
            absent,
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..=6, 1u32..=4, 1usize..=5, 1usize..=6).prop_flat_map(|(slots, tables, nb, ns)| {
        (
            Just(slots),
            Just(tables),
            (1u32..=4, 1u32..=4),
            0u32..=2,
            prop::collection::vec(pspec(slots), nb),
            prop::collection::vec(pspec(slots), ns),
            prop::collection::vec((0..nb, 0..ns, 0u8..2, prop::bool::weighted(0.2)), 0..12),
            prop::collection::vec((0..nb, 0..ns, 0.0f64..1.0), 0..20),
            prop::collection::vec(prop::bool::weighted(0.4), 0..30),
        )
            .prop_map(
                |(slots, tables, caps, min, buyers, suppliers, wishes, suggestions, locks)| Spec {
                    slots,
                    tables,
                    caps,
                    min,
                    buyers,
                    suppliers,
                    wishes: wishes
                        .into_iter()
                        .map(|(b, s, d, k)| (b, s, d, u8::from(k)))
                        .collect(),
                    suggestions,
                    locks,
                },
            )
    })
}

struct Built {
    event: Event,
    participants: Vec<Participant>,
    wishes: Vec<Wish>,
    suggestions: Vec<Suggestion>,
}

fn build(spec: &Spec) -> Built {
    let event = event(spec.slots, spec.tables, spec.caps.0, spec.caps.1, spec.min);
    let mut participants = Vec::new();
    for (prefix, role, list) in [
        ("b", Role::Buyer, &spec.buyers),
        ("s", Role::Supplier, &spec.suppliers),
    ] {
        for (i, p) in list.iter().enumerate() {
            let mut q = person(&format!("{prefix}{}", i + 1), role);
            q.unavailable = p
                .unavailable
                .iter()
                .enumerate()
                .filter(|(_, off)| **off)
                .map(|(t, _)| t as u32)
                .collect();
            q.max_meetings = p.cap;
            participants.push(q);
        }
    }
    let wishes = spec
        .wishes
        .iter()
        .map(|&(b, s, d, k)| {
            let (b, s) = (format!("b{}", b + 1), format!("s{}", s + 1));
            let (from, to) = if d == 0 { (b, s) } else { (s, b) };
            Wish {
                from,
                to,
                kind: if k == 0 {
                    WishKind::Meet
                } else {
                    WishKind::DoNotMeet
                },
            }
        })
        .collect();
    let suggestions = spec
        .suggestions
        .iter()
        .map(|&(b, s, score)| Suggestion {
            buyer: format!("b{}", b + 1),
            supplier: format!("s{}", s + 1),
            score,
            need: "n".into(),
        })
        .collect();
    Built {
        event,
        participants,
        wishes,
        suggestions,
    }
}

fn planned(s: &EventSchedule) -> Vec<&EventMeeting> {
    s.meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Planned)
        .collect()
}

/// The naive oracle: every rule checked straight from the event's own types.
fn check(
    event: &Event,
    participants: &[Participant],
    allowed: &HashSet<(String, String)>,
    schedule: &EventSchedule,
) -> Result<(), String> {
    let people: HashMap<&str, &Participant> = participants
        .iter()
        .map(|p| (p.id.as_deref().unwrap(), p))
        .collect();
    let mut busy = HashSet::new();
    let mut tables = HashSet::new();
    let mut pairs = HashSet::new();
    let mut count: HashMap<&str, u32> = HashMap::new();
    for m in schedule.meetings.iter() {
        if !pairs.insert((m.buyer.clone(), m.supplier.clone())) {
            return Err(format!("pair {}–{} appears twice", m.buyer, m.supplier));
        }
    }
    for m in planned(schedule) {
        if m.slot as usize >= event.slots.len() || m.table >= event.num_tables {
            return Err(format!("meeting out of range: {m:?}"));
        }
        let b = people.get(m.buyer.as_str()).ok_or("unknown buyer")?;
        let s = people.get(m.supplier.as_str()).ok_or("unknown supplier")?;
        if b.role != Role::Buyer || s.role != Role::Supplier {
            return Err(format!("roles wrong in {m:?}"));
        }
        if !allowed.contains(&(m.buyer.clone(), m.supplier.clone())) {
            return Err(format!("pair {}–{} may not meet", m.buyer, m.supplier));
        }
        for p in [b, s] {
            let id = p.id.as_deref().unwrap();
            if p.unavailable.contains(&m.slot) || p.absent_from_slot.is_some_and(|a| m.slot >= a) {
                return Err(format!("{id} unavailable in slot {}", m.slot));
            }
            if !busy.insert((id, m.slot)) {
                return Err(format!("{id} double-booked in slot {}", m.slot));
            }
            *count.entry(id).or_default() += 1;
        }
        if !tables.insert((m.slot, m.table)) {
            return Err(format!(
                "table {} double-booked in slot {}",
                m.table, m.slot
            ));
        }
    }
    for p in participants {
        let id = p.id.as_deref().unwrap();
        let default = match p.role {
            Role::Buyer => event.max_meetings_buyer,
            Role::Supplier => event.max_meetings_supplier,
        };
        let cap = p.max_meetings.map_or(default, |c| c.min(default));
        if count.get(id).copied().unwrap_or(0) > cap {
            return Err(format!("{id} over its cap {cap}"));
        }
    }
    Ok(())
}

fn allowed_pairs(pairs: &[CandidatePair]) -> HashSet<(String, String)> {
    pairs
        .iter()
        .map(|p| (p.buyer.clone(), p.supplier.clone()))
        .collect()
}

fn options() -> Options {
    Options {
        effort: 1,
        time_limit_ms: None,
    }
}

proptest! {
    #![proptest_config(config(0xE7E7_0001, 120))]

    #[test]
    fn planned_schedules_respect_every_rule_keep_locks_and_are_deterministic(spec in spec()) {
        let mut b = build(&spec);
        // Absences recorded before the run count as unavailability.
        for (p, ps) in b.participants.iter_mut().zip(spec.buyers.iter().chain(&spec.suppliers)) {
            p.absent_from_slot = ps.absent;
        }
        let pairs = planner::candidate_pairs(&b.event, &b.participants, &b.wishes, &b.suggestions);
        for p in &pairs {
            prop_assert!(!planner::excluded(&b.wishes, &p.buyer, &p.supplier), "excluded pair listed");
        }
        let first = planner::plan(&b.event, &b.participants, &pairs, None, &options()).unwrap();
        let allowed = allowed_pairs(&pairs);
        prop_assert_eq!(check(&b.event, &b.participants, &allowed, &first.schedule), Ok(()));
        // The independent checker of the scheduling module agrees.
        let meetings: Vec<_> = first.schedule.meetings.iter().map(|m| first.compiled.meeting(m).unwrap()).collect();
        prop_assert_eq!(validate_schedule(&first.compiled.instance, &meetings), Ok(()));
        prop_assert!(first.schedule.upper_bound >= first.schedule.objective);
        // Every pair is scheduled or waiting, once.
        prop_assert_eq!(first.schedule.meetings.len() + first.schedule.waiting_list.len(), pairs.len());

        // Same input, in another order: same schedule.
        let mut shuffled = b.participants.clone();
        shuffled.reverse();
        let mut wishes = b.wishes.clone();
        wishes.reverse();
        let mut sugg = b.suggestions.clone();
        sugg.reverse();
        let pairs2 = planner::candidate_pairs(&b.event, &shuffled, &wishes, &sugg);
        prop_assert_eq!(&pairs2, &pairs);
        let mut again = planner::plan(&b.event, &shuffled, &pairs2, None, &options()).unwrap();
        // Solver time is the one machine-dependent figure.
        again.schedule.solve_time_ms = first.schedule.solve_time_ms;
        prop_assert_eq!(&again.schedule, &first.schedule);

        // Lock some meetings, then change the wishes (a do-not-meet on a locked pair) and
        // re-run: locked meetings are kept exactly.
        let mut previous = first.schedule.clone();
        for (m, lock) in previous.meetings.iter_mut().zip(spec.locks.iter()) {
            m.locked = *lock;
        }
        let locked: Vec<EventMeeting> = previous.meetings.iter().filter(|m| m.locked).cloned().collect();
        let mut wishes2 = b.wishes.clone();
        if let Some(m) = locked.first() {
            wishes2.push(Wish { from: m.buyer.clone(), to: m.supplier.clone(), kind: WishKind::DoNotMeet });
        }
        let pairs3 = planner::candidate_pairs(&b.event, &b.participants, &wishes2, &b.suggestions);
        let second = planner::plan(&b.event, &b.participants, &pairs3, Some(&previous), &options()).unwrap();
        let mut allowed3 = allowed_pairs(&pairs3);
        allowed3.extend(locked.iter().map(|m| (m.buyer.clone(), m.supplier.clone())));
        prop_assert_eq!(check(&b.event, &b.participants, &allowed3, &second.schedule), Ok(()));
        for l in &locked {
            prop_assert!(
                second.schedule.meetings.iter().any(|m| m.buyer == l.buyer && m.supplier == l.supplier
                    && m.slot == l.slot && m.table == l.table && m.locked),
                "locked meeting {:?} lost", l
            );
        }
        prop_assert_eq!(second.schedule.revision, 1);
    }
}

proptest! {
    #![proptest_config(config(0xE7E7_0002, 120))]

    #[test]
    fn absences_reoptimise_the_rest_of_the_day_without_touching_the_past_or_locks(
        spec in spec(),
        who in any::<prop::sample::Index>(),
        when in any::<prop::sample::Index>(),
        replan_later in any::<bool>(),
    ) {
        let b = build(&spec);
        let pairs = planner::candidate_pairs(&b.event, &b.participants, &b.wishes, &b.suggestions);
        let allowed = allowed_pairs(&pairs);
        let mut schedule = planner::plan(&b.event, &b.participants, &pairs, None, &options()).unwrap().schedule;
        for (m, lock) in schedule.meetings.iter_mut().zip(spec.locks.iter()) {
            m.locked = *lock;
        }
        let n = b.event.slots.len();
        let from = when.index(n) as u32;
        let replan = if replan_later { (from + 1).min(n as u32 - 1) } else { from };
        let absent = who.get(&b.participants).id.clone().unwrap();
        let (p, marked, removed) = planner::mark_absent(
            &b.event, &b.participants, &schedule, &absent, from, AbsenceKind::NoShow,
        ).unwrap();
        prop_assert_eq!(p.absent_from_slot, Some(from));
        for m in &removed {
            prop_assert!(m.slot >= from && (m.buyer == absent || m.supplier == absent));
            prop_assert_eq!(m.status, MeetingStatus::NoShow);
            prop_assert!(schedule.meetings.iter().any(|x| x.buyer == m.buyer && x.supplier == m.supplier
                && x.slot == m.slot && x.status == MeetingStatus::Planned));
        }
        let participants: Vec<Participant> = b.participants.iter()
            .map(|q| if q.id == p.id { p.clone() } else { q.clone() })
            .collect();
        let r = planner::reoptimize(&b.event, &participants, &b.wishes, &marked, replan).unwrap();
        prop_assert_eq!(check(&b.event, &participants, &allowed, &r.schedule), Ok(()));
        // Nothing the absence did not cancel moved: past, locked and other meetings alike.
        for m in planned(&marked) {
            prop_assert!(r.schedule.meetings.contains(m), "meeting {:?} changed", m);
        }
        // The absentee has no planned meeting from `from` on; additions are after `replan`.
        for m in planned(&r.schedule) {
            if m.buyer == absent || m.supplier == absent {
                prop_assert!(m.slot < from);
            }
        }
        for m in &r.added {
            prop_assert!(m.slot >= replan);
            prop_assert!(marked.waiting_list.iter().any(|w| w.buyer == m.buyer && w.supplier == m.supplier));
        }
        prop_assert!(r.schedule.objective <= r.schedule.upper_bound);

        // The waiting list refills what is left, under the same rules, and moves nothing.
        let f = planner::fill_from_waiting_list(&b.event, &participants, &b.wishes, &r.schedule, replan).unwrap();
        prop_assert_eq!(check(&b.event, &participants, &allowed, &f.schedule), Ok(()));
        for m in planned(&r.schedule) {
            prop_assert!(f.schedule.meetings.contains(m));
        }
        for m in &f.added {
            prop_assert!(m.slot >= replan);
        }
        // Same input, same output.
        let again = planner::reoptimize(&b.event, &participants, &b.wishes, &marked, replan).unwrap();
        prop_assert_eq!(again.schedule.meetings, r.schedule.meetings);
    }
}

proptest! {
    #![proptest_config(config(0xE7E7_0003, 80))]

    #[test]
    fn hand_moves_and_additions_are_accepted_exactly_when_they_fit(
        spec in spec(),
        which in any::<prop::sample::Index>(),
        slot in 0u32..7,
        table in prop::option::of(0u32..5),
    ) {
        let b = build(&spec);
        let pairs = planner::candidate_pairs(&b.event, &b.participants, &b.wishes, &b.suggestions);
        let mut allowed = allowed_pairs(&pairs);
        let schedule = planner::plan(&b.event, &b.participants, &pairs, None, &options()).unwrap().schedule;
        if let Some(m) = planned(&schedule).get(which.index(schedule.meetings.len().max(1))).copied() {
            match planner::move_meeting(&b.event, &b.participants, &b.wishes, &schedule, &m.buyer, &m.supplier, slot, table) {
                Ok(next) => {
                    prop_assert_eq!(check(&b.event, &b.participants, &allowed, &next), Ok(()));
                    let moved = next.meetings.iter().find(|x| x.buyer == m.buyer && x.supplier == m.supplier).unwrap();
                    prop_assert_eq!(moved.slot, slot);
                    prop_assert!(table.is_none_or(|t| moved.table == t));
                    prop_assert_eq!(planned(&next).len(), planned(&schedule).len());
                }
                Err(e) => {
                    // Refused only when the target really does not fit.
                    let mut without = schedule.clone();
                    without.meetings.retain(|x| !(x.buyer == m.buyer && x.supplier == m.supplier));
                    let mut target = m.clone();
                    target.slot = slot;
                    let tables: Vec<u32> = match table { Some(t) => vec![t], None => (0..b.event.num_tables).collect() };
                    let fits = tables.into_iter().any(|t| {
                        let mut x = without.clone();
                        target.table = t;
                        x.meetings.push(target.clone());
                        check(&b.event, &b.participants, &allowed, &x).is_ok()
                    });
                    prop_assert!(!fits, "refused a move that fits: {}", e);
                }
            }
        }
        if let Some(w) = schedule.waiting_list.get(which.index(schedule.waiting_list.len().max(1))) {
            let r = planner::add_meeting(&b.event, &b.participants, &b.wishes, &schedule, &w.buyer, &w.supplier, slot, table, false);
            allowed.insert((w.buyer.clone(), w.supplier.clone()));
            if let Ok((next, m)) = r {
                prop_assert_eq!(check(&b.event, &b.participants, &allowed, &next), Ok(()));
                prop_assert_eq!(m.slot, slot);
                prop_assert!(!next.waiting_list.iter().any(|x| x.buyer == w.buyer && x.supplier == w.supplier));
            }
        }
    }
}

#[test]
fn a_locked_meeting_with_a_participant_now_unavailable_is_a_conflict_naming_meetings() {
    let ev = event(3, 2, 3, 3, 0);
    let participants = vec![person("b1", Role::Buyer), person("s1", Role::Supplier)];
    let wishes = vec![Wish {
        from: "b1".into(),
        to: "s1".into(),
        kind: WishKind::Meet,
    }];
    let pairs = planner::candidate_pairs(&ev, &participants, &wishes, &[]);
    let mut s = planner::plan(&ev, &participants, &pairs, None, &options())
        .unwrap()
        .schedule;
    s.meetings[0].locked = true;
    let slot = s.meetings[0].slot;
    let mut changed = participants.clone();
    changed[0].unavailable = vec![slot];
    let err = planner::plan(&ev, &changed, &pairs, Some(&s), &options()).unwrap_err();
    assert!(
        err.to_string().contains("meetings: locked meeting b1–s1"),
        "{err}"
    );
    // And the registration change itself is refused while the meeting is planned.
    let err = planner::check_fits(&ev, &changed[0], &s).unwrap_err();
    assert!(
        err.to_string()
            .contains("unavailable: b1 has a planned meeting"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// ICS read back by Python's icalendar
// ---------------------------------------------------------------------------------------

/// Parse an ICS file with Python's `icalendar` and list each event as
/// `local start|local end|summary|location` in Europe/Paris time.
fn parse_ics_with_python(ics: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agenda.ics");
    std::fs::write(&path, ics).unwrap();
    let script = r#"
import sys
from zoneinfo import ZoneInfo
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
paris = ZoneInfo('Europe/Paris')
for ev in cal.walk('VEVENT'):
    s = ev.decoded('DTSTART').astimezone(paris)
    e = ev.decoded('DTEND').astimezone(paris)
    print('%s|%s|%s|%s|%s' % (s.strftime('%Y-%m-%d %H:%M'), e.strftime('%H:%M'), ev.get('SUMMARY'), ev.get('LOCATION'), ev.get('UID')))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect(
            "python3 must be installed to check ICS agendas (scripts/test.sh installs icalendar)",
        );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'icalendar'"),
        "Python's icalendar is missing: run `pip install icalendar` (this test never skips)"
    );
    assert!(
        out.status.success(),
        "icalendar rejected the file:\n{stderr}\n{ics}"
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn ics_for(date: &str) -> (Event, String) {
    let mut ev = event(2, 3, 2, 2, 0);
    ev.date = date.into();
    ev.slots = vec![
        Slot {
            start: "09:00".into(),
            end: "09:20".into(),
        },
        Slot {
            start: "14:30".into(),
            end: "15:00".into(),
        },
    ];
    ev.venue = "Hôtel de Région, 22 boulevard du Maréchal-Juin; Toulouse".into();
    let mut b = person("b1", Role::Buyer);
    b.name = "Ville d'Albi, service des achats".into();
    let mut s1 = person("s1", Role::Supplier);
    s1.siret = Some("12002701600357".into());
    s1.name = "ESAT Les Ateliers du Tarn — blanchisserie, espaces verts et conditionnement".into();
    let s2 = person("s2", Role::Supplier);
    let participants = vec![b, s1, s2];
    let schedule = EventSchedule {
        meetings: vec![
            EventMeeting {
                buyer: "b1".into(),
                supplier: "s1".into(),
                slot: 0,
                table: 4,
                locked: false,
                status: MeetingStatus::Planned,
                weight: 100,
                score: 0.5,
            },
            EventMeeting {
                buyer: "b1".into(),
                supplier: "s2".into(),
                slot: 1,
                table: 0,
                locked: false,
                status: MeetingStatus::Planned,
                weight: 100,
                score: 0.5,
            },
        ],
        ..EventSchedule::default()
    };
    let a = agenda::agenda(&ev, &participants, &schedule, "b1").unwrap();
    (ev, agenda::agenda_ics(&a, "2026-03-01T10:00:00Z"))
}

#[test]
fn ics_agendas_give_paris_local_times_in_winter_and_in_summer() {
    for date in ["2026-12-03", "2026-06-18"] {
        let (_, ics) = ics_for(date);
        assert!(ics.contains("\r\n"), "content lines end with CRLF");
        assert!(
            ics.split("\r\n").all(|l| l.len() <= 75),
            "lines are folded at 75 octets"
        );
        let events = parse_ics_with_python(&ics);
        assert_eq!(events.len(), 2, "{events:?}");
        let first: Vec<&str> = events[0].split('|').collect();
        assert_eq!(first[0], format!("{date} 09:00"));
        assert_eq!(first[1], "09:20");
        assert_eq!(
            first[2],
            "Rendez-vous avec ESAT Les Ateliers du Tarn — blanchisserie, espaces verts et conditionnement"
        );
        assert_eq!(
            first[3],
            "Hôtel de Région, 22 boulevard du Maréchal-Juin; Toulouse — table 5"
        );
        assert_eq!(first[4], "ev-b1-s1@essor");
        let second: Vec<&str> = events[1].split('|').collect();
        assert_eq!(second[0], format!("{date} 14:30"));
        assert_eq!(second[1], "15:00");
    }
    // UTC offsets differ: +1 in December, +2 in June.
    assert!(ics_for("2026-12-03").1.contains("DTSTART:20261203T080000Z"));
    assert!(ics_for("2026-06-18").1.contains("DTSTART:20260618T070000Z"));
}

// ---------------------------------------------------------------------------------------
// HTTP API
// ---------------------------------------------------------------------------------------

const ADMIN: &str = "events-test-admin-token-0123456789abcdefghij";

struct Env {
    _dir: tempfile::TempDir,
    state: AppState,
    app: Router,
}

fn demo_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo"))
}

/// A temp data directory with the demo suppliers and needs imported and indexed.
fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    essor::api::auth::bootstrap_admin(&store, Some(ADMIN)).unwrap();
    let opts = essor::import::suppliers::ImportOptions {
        actor: "test".into(),
        batch_size: 1000,
        progress: false,
    };
    let report = essor::import::suppliers::import_suppliers(
        &store,
        &demo_dir().join("suppliers.jsonl"),
        &opts,
    )
    .unwrap();
    assert!(report.rejected.is_empty(), "demo suppliers import cleanly");
    let index = SearchIndex::open_synced(dir.path(), &store).unwrap();
    let state = AppState::new(
        store,
        index,
        IndexSync::Inline,
        ApiConfig {
            scratch_dir: dir.path().to_path_buf(),
            ..ApiConfig::default()
        },
    )
    .unwrap();
    let app = router(state.clone());
    Env {
        _dir: dir,
        state,
        app,
    }
}

fn token(e: &Env, role: &str, scope: impl FnOnce(&mut TokenSpec)) -> String {
    let mut spec = TokenSpec {
        role: role.into(),
        ..Default::default()
    };
    scope(&mut spec);
    create_token(e.state.store(), &spec, "test").unwrap().token
}

struct Resp {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn ok(&self) -> Value {
        assert!(self.status.is_success(), "{}: {}", self.status, self.text());
        self.json()
    }

    /// A JSON 4xx with this status and code that names `field`.
    fn error(&self, status: u16, code: &str, field: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert_eq!(self.content_type, "application/json", "{}", self.text());
        let v = self.json();
        assert_eq!(v["code"], code, "{v}");
        assert_eq!(v["field"], field, "{v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    }
}

async fn call(
    e: &Env,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Resp {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let resp = e.app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Resp {
        status,
        content_type,
        body,
    }
}

async fn get(e: &Env, uri: &str, token: Option<&str>) -> Resp {
    call(e, Method::GET, uri, token, None).await
}

async fn post(e: &Env, uri: &str, token: Option<&str>, body: Value) -> Resp {
    call(e, Method::POST, uri, token, Some(body)).await
}

fn event_body(id: &str, date: &str) -> Value {
    json!({
        "id": id,
        "name": "Rencontres d'affaires de l'achat responsable",
        "venue": "Hôtel de Région, Toulouse",
        "date": date,
        "slots": [
            {"start": "9:00", "end": "09:20"}, {"start": "09:25", "end": "09:45"},
            {"start": "09:50", "end": "10:10"}, {"start": "10:15", "end": "10:35"},
            {"start": "10:40", "end": "11:00"}, {"start": "11:05", "end": "11:25"},
            {"start": "14:00", "end": "14:20"}, {"start": "14:25", "end": "14:45"}
        ],
        "num_tables": 4,
        "max_meetings_buyer": 6,
        "max_meetings_supplier": 3,
        "min_meetings": 2,
        "min_suggestion_score": 0.2
    })
}

/// Demo needs with at least `n` suppliers of grade 2, and those suppliers.
fn needs_with_relevant(n: usize, how_many: usize) -> Vec<(Value, Vec<String>)> {
    let needs: Vec<Value> = std::fs::read_to_string(demo_dir().join("needs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let truth: HashMap<String, Vec<String>> =
        std::fs::read_to_string(demo_dir().join("needs_truth.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let relevant = v["relevant"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["grade"] == 2)
                    .map(|r| r["siret"].as_str().unwrap().to_string())
                    .collect();
                (v["need_id"].as_str().unwrap().to_string(), relevant)
            })
            .collect();
    needs
        .into_iter()
        .filter_map(|need| {
            let rel = truth.get(need["id"].as_str()?)?;
            (rel.len() >= n).then(|| (need, rel[..n].to_vec()))
        })
        .take(how_many)
        .collect()
}

fn meetings_of(v: &Value) -> Vec<Value> {
    v["meetings"].as_array().unwrap().clone()
}

fn key(m: &Value) -> (String, String) {
    (
        m["buyer"].as_str().unwrap().to_string(),
        m["supplier"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn an_event_runs_end_to_end_through_the_api() {
    let e = env();
    let ev = "conv-occitanie-2026";
    let base = format!("/api/v1/events/{ev}");
    let org = token(&e, "organiser", |s| s.event = Some(ev.into()));

    // The organiser creates its event; it is public.
    let r = post(
        &e,
        "/api/v1/events",
        Some(&org),
        event_body(ev, "2026-12-03"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["slots"][0]["start"], "09:00", "times normalised");
    let r = get(&e, &base, None).await;
    assert_eq!(
        r.ok()["name"],
        "Rencontres d'affaires de l'achat responsable"
    );
    assert!(
        get(&e, "/api/v1/events", None).await.ok()["events"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );

    // Three buyers post a need each and register themselves with it.
    let picked = needs_with_relevant(4, 3);
    assert_eq!(picked.len(), 3);
    let mut buyers = Vec::new();
    for (i, (need, _)) in picked.iter().enumerate() {
        let t = token(&e, "buyer", |_| {});
        let mut need = need.clone();
        need.as_object_mut().unwrap().remove("id");
        let posted = post(&e, "/api/v1/needs", Some(&t), need).await.ok();
        let need_id = posted["id"].as_str().unwrap().to_string();
        let mut reg = json!({"role": "buyer", "name": format!("Acheteur {i}"),
            "organisation": posted["buyer"]["name"], "needs": [need_id], "email": "achats@example.fr"});
        if i == 2 {
            reg["unavailable"] = json!([0, 1]);
        }
        let p = post(&e, &format!("{base}/participants"), Some(&t), reg).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text());
        let p = p.json();
        assert_eq!(p["id"], format!("b{}", i + 1));
        buyers.push((p["id"].as_str().unwrap().to_string(), t));
    }

    // The relevant suppliers register: the first of each need with its own token, the
    // others by the organiser; names come from the directory.
    let mut suppliers: Vec<(String, String)> = Vec::new(); // (pid, siret)
    let mut supplier_tokens = HashMap::new();
    for (_, sirets) in &picked {
        for (j, siret) in sirets.iter().enumerate() {
            if suppliers.iter().any(|(_, s)| s == siret) {
                continue;
            }
            let (t, own) = if j == 0 {
                (
                    token(&e, "supplier", |s| s.siret = Some(siret.clone())),
                    true,
                )
            } else {
                (org.clone(), false)
            };
            let r = post(
                &e,
                &format!("{base}/participants"),
                Some(&t),
                json!({"role": "supplier", "siret": siret}),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            let p = r.json();
            assert!(!p["name"].as_str().unwrap().is_empty());
            let pid = p["id"].as_str().unwrap().to_string();
            if own {
                supplier_tokens.insert(pid.clone(), t);
            }
            suppliers.push((pid, siret.clone()));
        }
    }
    assert!(suppliers.len() >= 8);

    // Wishes: a buyer wants a supplier of another buyer's need, a supplier wants a buyer
    // back (mutual), and one do-not-meet.
    let (b1, t1) = &buyers[0];
    let (b2, _) = &buyers[1];
    let s_last = &suppliers.last().unwrap().0;
    let r = post(
        &e,
        &format!("{base}/wishes"),
        Some(t1),
        json!({"from": b1, "to": s_last}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let (s_own, ts) = supplier_tokens.iter().min().unwrap();
    let r = post(
        &e,
        &format!("{base}/wishes"),
        Some(ts),
        json!({"from": s_own, "to": b2}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let s_second = &suppliers[1].0;
    post(
        &e,
        &format!("{base}/wishes"),
        Some(t1),
        json!({"from": b1, "to": s_second, "kind": "do_not_meet"}),
    )
    .await
    .ok();
    let mine = get(&e, &format!("{base}/wishes"), Some(t1)).await.ok();
    assert_eq!(
        mine["wishes"].as_array().unwrap().len(),
        2,
        "a buyer sees its own wishes"
    );
    assert_eq!(
        get(&e, &format!("{base}/wishes"), Some(&org)).await.ok()["wishes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Suggestions come from the matching engine for the buyers' needs, with scores.
    let pairs = get(&e, &format!("{base}/suggestions"), Some(&org))
        .await
        .ok();
    let pairs = pairs["pairs"].as_array().unwrap().clone();
    assert!(
        pairs
            .iter()
            .filter(|p| p["score"].as_f64().unwrap() > 0.2)
            .count()
            >= 6,
        "{pairs:?}"
    );
    assert!(
        !pairs
            .iter()
            .any(|p| p["buyer"] == *b1 && p["supplier"] == *s_second),
        "do-not-meet excluded"
    );
    let mutual = pairs
        .iter()
        .find(|p| p["buyer"] == *b2 && p["supplier"] == *s_own)
        .unwrap();
    assert_eq!(mutual["supplier_wish"], true);

    // Schedule.
    let sched = post(&e, &format!("{base}/schedule"), Some(&org), json!({})).await;
    // POST /schedule takes no body; a JSON body is simply not read.
    let sched = sched.ok();
    let meetings = meetings_of(&sched);
    assert!(meetings.len() >= 8, "{sched}");
    assert!(sched["upper_bound"].as_i64().unwrap() >= sched["objective"].as_i64().unwrap());
    assert_eq!(sched["revision"], 0);
    for m in &meetings {
        if m["buyer"] == buyers[2].0 {
            assert!(m["slot"].as_u64().unwrap() >= 2, "availability respected");
        }
        assert!(!(m["buyer"] == *b1 && m["supplier"] == *s_second));
    }
    let again = get(&e, &format!("{base}/schedule"), Some(&org)).await.ok();
    assert_eq!(again["meetings"], sched["meetings"]);

    // Lock a meeting late in the day, then a supplier does not show up from slot 2.
    let late = meetings
        .iter()
        .filter(|m| m["slot"].as_u64().unwrap() >= 4)
        .max_by_key(|m| m["slot"].as_u64())
        .unwrap()
        .clone();
    let locked = post(
        &e,
        &format!("{base}/meetings/lock"),
        Some(&org),
        json!({"buyer": late["buyer"], "supplier": late["supplier"]}),
    )
    .await
    .ok();
    assert!(
        meetings_of(&locked)
            .iter()
            .any(|m| key(m) == key(&late) && m["locked"] == true)
    );
    let absent = meetings
        .iter()
        .filter(|m| {
            m["slot"].as_u64().unwrap() >= 2
                && key(m) != key(&late)
                && m["supplier"] != late["supplier"]
        })
        .map(|m| m["supplier"].as_str().unwrap().to_string())
        .next()
        .unwrap();
    let before = meetings_of(&locked);
    let report = post(
        &e,
        &format!("{base}/absences"),
        Some(&org),
        json!({"participant": absent, "from_slot": 2, "kind": "no_show"}),
    )
    .await
    .ok();
    assert_eq!(report["participant"]["absent_from_slot"], 2);
    let removed = report["removed"].as_array().unwrap();
    assert!(!removed.is_empty());
    let after = meetings_of(&report["schedule"]);
    for m in &before {
        let slot = m["slot"].as_u64().unwrap();
        let kept = after.iter().find(|x| key(x) == key(m)).unwrap();
        if slot < 2 || m["supplier"] != absent.as_str() {
            assert_eq!(kept, m, "past, locked and other meetings unchanged");
        } else {
            assert_eq!(kept["status"], "no_show");
        }
    }
    for m in report["added"].as_array().unwrap() {
        assert!(m["slot"].as_u64().unwrap() >= 2);
    }

    // Cancel a planned meeting, then refill from the waiting list.
    let victim = after
        .iter()
        .find(|m| {
            m["status"] == "planned" && m["slot"].as_u64().unwrap() >= 3 && m["locked"] == false
        })
        .unwrap()
        .clone();
    let cancelled = post(
        &e,
        &format!("{base}/meetings/cancel"),
        Some(&org),
        json!({"buyer": victim["buyer"], "supplier": victim["supplier"]}),
    )
    .await
    .ok();
    assert!(
        meetings_of(&cancelled)
            .iter()
            .any(|m| key(m) == key(&victim) && m["status"] == "cancelled")
    );
    let waiting = get(&e, &format!("{base}/waiting-list"), Some(&org))
        .await
        .ok();
    let waiting = waiting["waiting_list"].as_array().unwrap().clone();
    let weights: Vec<i64> = waiting
        .iter()
        .map(|w| w["weight"].as_i64().unwrap())
        .collect();
    assert!(
        weights.windows(2).all(|w| w[0] >= w[1]),
        "best weight first"
    );
    let filled = post(
        &e,
        &format!("{base}/waiting-list/fill"),
        Some(&org),
        json!({"from_slot": 3}),
    )
    .await
    .ok();
    let added = filled["added"].as_array().unwrap().clone();
    for m in &added {
        assert!(m["slot"].as_u64().unwrap() >= 3);
        assert!(waiting.iter().any(|w| key(w) == key(m)));
    }
    let now = meetings_of(&filled["schedule"]);
    assert!(
        !now.iter()
            .any(|m| key(m) == key(&victim) && m["status"] == "planned"),
        "a cancelled pair is not refilled"
    );
    // The stored schedule passes the naive checker, and no pair left waiting would fit
    // anywhere from slot 3 on (the refill missed nothing).
    let stored: EventSchedule =
        serde_json::from_value(get(&e, &format!("{base}/schedule"), Some(&org)).await.ok())
            .unwrap();
    let participants: Vec<Participant> = serde_json::from_value(
        get(&e, &format!("{base}/participants"), Some(&org))
            .await
            .ok()["participants"]
            .clone(),
    )
    .unwrap();
    let event: Event = serde_json::from_value(get(&e, &base, None).await.ok()).unwrap();
    let mut allowed: HashSet<(String, String)> = stored
        .waiting_list
        .iter()
        .map(|w| (w.buyer.clone(), w.supplier.clone()))
        .collect();
    allowed.extend(
        stored
            .meetings
            .iter()
            .map(|m| (m.buyer.clone(), m.supplier.clone())),
    );
    assert_eq!(check(&event, &participants, &allowed, &stored), Ok(()));
    for w in &stored.waiting_list {
        for slot in 3..8 {
            for table in 0..4 {
                let mut x = stored.clone();
                x.meetings
                    .retain(|m| !(m.buyer == w.buyer && m.supplier == w.supplier));
                x.meetings.push(EventMeeting {
                    buyer: w.buyer.clone(),
                    supplier: w.supplier.clone(),
                    slot,
                    table,
                    locked: false,
                    status: MeetingStatus::Planned,
                    weight: w.weight,
                    score: w.score,
                });
                assert!(
                    check(&event, &participants, &allowed, &x).is_err(),
                    "{w:?} fits in slot {slot}"
                );
            }
        }
    }

    // Move a meeting by hand to a free slot, and see a refused move name its field.
    let m0 = planned(&stored)
        .into_iter()
        .find(|m| !m.locked)
        .unwrap()
        .clone();
    let free = (0..8u32).find(|&t| {
        let mut x = stored.clone();
        x.meetings
            .iter_mut()
            .filter(|m| m.buyer == m0.buyer && m.supplier == m0.supplier)
            .for_each(|m| m.slot = t);
        t != m0.slot
            && (0..4).any(|tab| {
                let mut y = x.clone();
                y.meetings
                    .iter_mut()
                    .filter(|m| m.buyer == m0.buyer && m.supplier == m0.supplier)
                    .for_each(|m| m.table = tab);
                check(&event, &participants, &allowed, &y).is_ok()
            })
    });
    if let Some(t) = free {
        let moved = post(
            &e,
            &format!("{base}/meetings/move"),
            Some(&org),
            json!({"buyer": m0.buyer, "supplier": m0.supplier, "slot": t}),
        )
        .await
        .ok();
        assert!(
            meetings_of(&moved)
                .iter()
                .any(|m| m["buyer"] == m0.buyer.as_str()
                    && m["supplier"] == m0.supplier.as_str()
                    && m["slot"] == t)
        );
    }
    let busy = planned(&stored)
        .into_iter()
        .find(|m| m.buyer == m0.buyer && m.supplier != m0.supplier && Some(m.slot) != free)
        .unwrap();
    post(
        &e,
        &format!("{base}/meetings/move"),
        Some(&org),
        json!({"buyer": m0.buyer, "supplier": m0.supplier, "slot": busy.slot}),
    )
    .await
    .error(409, "conflict", "slot");

    // Agendas: the buyer reads its own as JSON, HTML and ICS; the organiser gets the CSV
    // and the table sheet.
    let a = get(&e, &format!("{base}/agendas/{b1}"), Some(t1))
        .await
        .ok();
    assert_eq!(a["participant_id"], *b1);
    assert!(!a["entries"].as_array().unwrap().is_empty());
    assert!(
        a["entries"][0]["table"].as_u64().unwrap() >= 1,
        "tables shown from 1"
    );
    let html = get(&e, &format!("{base}/agendas/{b1}?format=html"), Some(t1)).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.content_type.starts_with("text/html"));
    assert!(html.text().contains("jeudi 3 décembre 2026") && html.text().contains("lang=\"fr\""));
    let ics = get(&e, &format!("{base}/agendas/{b1}?format=ics"), Some(t1)).await;
    assert!(
        ics.content_type.starts_with("text/calendar"),
        "{}",
        ics.content_type
    );
    let parsed = parse_ics_with_python(&ics.text());
    let planned_entries: Vec<&Value> = a["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "planned")
        .collect();
    assert_eq!(parsed.len(), planned_entries.len());
    for (line, entry) in parsed.iter().zip(&planned_entries) {
        assert!(
            line.starts_with(&format!("2026-12-03 {}", entry["start"].as_str().unwrap())),
            "{line} vs {entry}"
        );
    }
    let csv = get(&e, &format!("{base}/schedule?format=csv"), Some(&org)).await;
    assert!(csv.content_type.starts_with("text/csv"));
    let csv = csv.text();
    assert!(csv.starts_with("creneau,debut,fin,table,acheteur_id"));
    assert_eq!(csv.lines().count(), 1 + stored.meetings.len());
    assert!(csv.contains(",absent,"), "no-shows exported");
    let sheet = get(&e, &format!("{base}/tables"), Some(&org)).await;
    assert!(sheet.text().contains("Plan des tables"));
    let all = get(
        &e,
        &format!("{base}/agendas?format=html&role=buyer"),
        Some(&org),
    )
    .await;
    assert_eq!(all.text().matches("<section class=\"agenda\">").count(), 3);

    // Every change is in the audit log.
    let audit = e.state.store().audit_since(0, 10_000).unwrap();
    let actions: HashSet<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    for a in [
        "schedule.run",
        "meeting.lock",
        "participant.no_show",
        "meeting.cancel",
        "meeting.move",
    ] {
        assert!(actions.contains(a), "{a} audited: {actions:?}");
    }
    // A refill that placed nothing changed nothing, so it is not in the log.
    assert_eq!(actions.contains("waiting_list.fill"), !added.is_empty());
}

#[tokio::test]
async fn event_routes_enforce_roles_and_scopes() {
    let e = env();
    let ev = "salon-ess";
    let base = format!("/api/v1/events/{ev}");
    let admin = ADMIN;
    post(
        &e,
        "/api/v1/events",
        Some(admin),
        event_body(ev, "2026-06-18"),
    )
    .await
    .ok();
    post(
        &e,
        "/api/v1/events",
        Some(admin),
        event_body("autre", "2026-06-19"),
    )
    .await
    .ok();
    let org = token(&e, "organiser", |s| s.event = Some(ev.into()));
    let other_org = token(&e, "organiser", |s| s.event = Some("autre".into()));
    let buyer = token(&e, "buyer", |_| {});
    let buyer2 = token(&e, "buyer", |_| {});
    let siret = "78560744100017";
    let supplier = token(&e, "supplier", |s| s.siret = Some(siret.into()));

    // Creating: the organiser of another id, or a buyer, may not.
    post(
        &e,
        "/api/v1/events",
        Some(&other_org),
        event_body("third", "2026-06-19"),
    )
    .await
    .error(403, "forbidden", "authorization");
    post(
        &e,
        "/api/v1/events",
        Some(&buyer),
        event_body("x", "2026-06-19"),
    )
    .await
    .error(403, "forbidden", "authorization");
    post(&e, "/api/v1/events", None, event_body("x", "2026-06-19"))
        .await
        .error(401, "unauthorized", "authorization");

    // Registrations.
    let b = post(
        &e,
        &format!("{base}/participants"),
        Some(&buyer),
        json!({"role": "buyer", "name": "Mairie"}),
    )
    .await
    .ok();
    let bid = b["id"].as_str().unwrap().to_string();
    post(
        &e,
        &format!("{base}/participants"),
        Some(&buyer2),
        json!({"role": "buyer", "name": "Département"}),
    )
    .await
    .ok();
    post(
        &e,
        &format!("{base}/participants"),
        Some(&buyer),
        json!({"role": "supplier", "siret": siret}),
    )
    .await
    .error(403, "forbidden", "role");
    post(
        &e,
        &format!("{base}/participants"),
        Some(&supplier),
        json!({"role": "supplier", "siret": "78609015900041"}),
    )
    .await
    .error(403, "forbidden", "siret");
    let s = post(
        &e,
        &format!("{base}/participants"),
        Some(&supplier),
        json!({"role": "supplier", "siret": siret}),
    )
    .await
    .ok();
    let sid = s["id"].as_str().unwrap().to_string();
    post(
        &e,
        &format!("{base}/participants"),
        Some(&other_org),
        json!({"role": "buyer", "name": "Intrus"}),
    )
    .await
    .error(403, "forbidden", "authorization");
    post(
        &e,
        &format!("{base}/participants"),
        Some(&buyer),
        json!({"role": "buyer", "name": "Mairie", "absent_from_slot": 1}),
    )
    .await
    .error(403, "forbidden", "absent_from_slot");
    // A buyer may not bring another buyer's need.
    let need = json!({"buyer": {"name": "Département"}, "title": "Entretien des espaces verts",
        "description": "Tonte.", "cpv": ["77310000"], "place": {"commune": "31555"}});
    let n2 = post(&e, "/api/v1/needs", Some(&buyer2), need).await.ok();
    post(
        &e,
        &format!("{base}/participants"),
        Some(&buyer),
        json!({"role": "buyer", "name": "M", "needs": [n2["id"]]}),
    )
    .await
    .error(403, "forbidden", "needs[0]");

    // Reading registrations: organisers everything, owners their own, others nothing.
    assert_eq!(
        get(&e, &format!("{base}/participants"), Some(&org))
            .await
            .ok()["participants"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let own = get(&e, &format!("{base}/participants"), Some(&buyer))
        .await
        .ok();
    assert_eq!(own["participants"].as_array().unwrap().len(), 1);
    assert!(own["participants"][0]["registered_by"].is_string());
    get(&e, &format!("{base}/participants"), Some(&other_org))
        .await
        .error(403, "forbidden", "authorization");
    get(&e, &format!("{base}/participants/{bid}"), Some(&buyer2))
        .await
        .error(403, "forbidden", "authorization");
    get(&e, &format!("{base}/participants/{bid}"), Some(&buyer))
        .await
        .ok();
    get(&e, &format!("{base}/participants/{sid}"), Some(&supplier))
        .await
        .ok();
    get(&e, &format!("{base}/participants/{bid}"), None)
        .await
        .error(401, "unauthorized", "authorization");

    // Patching: owners change their availability, not their absence.
    let r = call(
        &e,
        Method::PATCH,
        &format!("{base}/participants/{bid}"),
        Some(&buyer),
        Some(json!({"unavailable": [0]})),
    )
    .await
    .ok();
    assert_eq!(r["unavailable"], json!([0]));
    call(
        &e,
        Method::PATCH,
        &format!("{base}/participants/{bid}"),
        Some(&buyer),
        Some(json!({"absent_from_slot": 2})),
    )
    .await
    .error(403, "forbidden", "absent_from_slot");
    call(
        &e,
        Method::PATCH,
        &format!("{base}/participants/{bid}"),
        Some(&buyer2),
        Some(json!({"unavailable": []})),
    )
    .await
    .error(403, "forbidden", "authorization");

    // Wishes: only for oneself.
    post(
        &e,
        &format!("{base}/wishes"),
        Some(&buyer),
        json!({"from": bid, "to": sid}),
    )
    .await
    .ok();
    post(
        &e,
        &format!("{base}/wishes"),
        Some(&buyer2),
        json!({"from": bid, "to": sid}),
    )
    .await
    .error(403, "forbidden", "from");
    post(
        &e,
        &format!("{base}/wishes"),
        Some(&supplier),
        json!({"from": sid, "to": bid, "kind": "meet"}),
    )
    .await
    .ok();
    call(
        &e,
        Method::DELETE,
        &format!("{base}/wishes/{bid}/{sid}"),
        Some(&supplier),
        None,
    )
    .await
    .error(403, "forbidden", "from");
    assert_eq!(
        get(&e, &format!("{base}/wishes"), Some(&buyer2)).await.ok()["wishes"],
        json!([])
    );

    // Organiser-only routes.
    for (method, path, body) in [
        (Method::POST, "schedule", None),
        (Method::GET, "suggestions", None),
        (Method::GET, "tables", None),
        (Method::GET, "waiting-list", None),
        (Method::GET, "agendas", None),
        (Method::POST, "reoptimize", Some(json!({"from_slot": 0}))),
        (
            Method::POST,
            "waiting-list/fill",
            Some(json!({"from_slot": 0})),
        ),
        (
            Method::POST,
            "meetings/cancel",
            Some(json!({"buyer": bid, "supplier": sid})),
        ),
        (
            Method::POST,
            "absences",
            Some(json!({"participant": bid, "from_slot": 0, "kind": "no_show"})),
        ),
    ] {
        for t in [&other_org, &buyer, &supplier] {
            call(
                &e,
                method.clone(),
                &format!("{base}/{path}"),
                Some(t),
                body.clone(),
            )
            .await
            .error(403, "forbidden", "authorization");
        }
    }
    call(
        &e,
        Method::PUT,
        &base,
        Some(&other_org),
        Some(event_body(ev, "2026-06-18")),
    )
    .await
    .error(403, "forbidden", "authorization");
    get(&e, &format!("{base}/schedule"), Some(&buyer))
        .await
        .error(403, "forbidden", "authorization");

    // The organiser schedules; each participant reads only its own agenda.
    post(&e, &format!("{base}/schedule"), Some(&org), json!({}))
        .await
        .ok();
    let a = get(&e, &format!("{base}/agendas/{bid}"), Some(&buyer))
        .await
        .ok();
    assert_eq!(
        a["entries"].as_array().unwrap().len(),
        1,
        "the mutual wish is scheduled: {a}"
    );
    get(&e, &format!("{base}/agendas/{bid}"), Some(&supplier))
        .await
        .error(403, "forbidden", "authorization");
    get(
        &e,
        &format!("{base}/agendas/{sid}?format=ics"),
        Some(&supplier),
    )
    .await
    .ok_text();
    get(&e, &format!("{base}/agendas/{bid}"), Some(&other_org))
        .await
        .error(403, "forbidden", "authorization");
    get(&e, &format!("{base}/agendas/{bid}"), Some(admin))
        .await
        .ok();
}

impl Resp {
    fn ok_text(&self) -> String {
        assert!(self.status.is_success(), "{}: {}", self.status, self.text());
        self.text()
    }
}

#[tokio::test]
async fn every_event_error_is_a_json_4xx_naming_the_field() {
    let e = env();
    let ev = "erreurs";
    let base = format!("/api/v1/events/{ev}");
    let org = token(&e, "organiser", |s| s.event = Some(ev.into()));
    let admin = Some(ADMIN);

    // Event bodies.
    let mut bad = event_body(ev, "2026-13-40");
    post(&e, "/api/v1/events", admin, bad.clone())
        .await
        .error(422, "invalid_field", "date");
    bad["date"] = json!("2026-12-03");
    bad["slots"][1] = json!({"start": "09:10", "end": "09:30"});
    post(&e, "/api/v1/events", admin, bad.clone()).await.error(
        422,
        "invalid_field",
        "slots[1].start",
    );
    bad["slots"][1] = json!({"start": "09:25", "end": "09:45", "room": "A"});
    post(&e, "/api/v1/events", admin, bad.clone()).await.error(
        400,
        "malformed_input",
        "slots[1].room",
    );
    let mut bad = event_body(ev, "2026-12-03");
    bad["num_tables"] = json!(0);
    post(&e, "/api/v1/events", admin, bad)
        .await
        .error(422, "invalid_field", "num_tables");
    let mut bad = event_body("bad id!", "2026-12-03");
    post(&e, "/api/v1/events", admin, bad.clone())
        .await
        .error(422, "invalid_field", "id");
    bad["id"] = json!(ev);
    post(&e, "/api/v1/events", Some(&org), bad.clone())
        .await
        .ok();
    post(&e, "/api/v1/events", admin, bad)
        .await
        .error(409, "conflict", "id");
    get(&e, "/api/v1/events/nope", None)
        .await
        .error(404, "not_found", "id");
    get(&e, "/api/v1/events/bad%20id", None)
        .await
        .error(422, "invalid_field", "id");
    let r = call(&e, Method::POST, "/api/v1/events", admin, None).await;
    r.error(415, "unsupported_media_type", "content-type");

    // Participants.
    let p = format!("{base}/participants");
    post(&e, &p, Some(&org), json!({"role": "buyer", "name": " "}))
        .await
        .error(422, "invalid_field", "name");
    post(&e, &p, Some(&org), json!({"role": "supplier"}))
        .await
        .error(422, "invalid_field", "siret");
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "supplier", "siret": "12002701600357"}),
    )
    .await
    .error(422, "invalid_field", "siret");
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "buyer", "name": "A", "unavailable": [9]}),
    )
    .await
    .error(422, "invalid_field", "unavailable[0]");
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "buyer", "name": "A", "needs": ["no-such-need"]}),
    )
    .await
    .error(422, "invalid_field", "needs[0]");
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "buyer", "name": "A", "email": "nope"}),
    )
    .await
    .error(422, "invalid_field", "email");
    post(&e, &p, Some(&org), json!({"role": "chef", "name": "A"}))
        .await
        .error(400, "malformed_input", "role");
    post(
        &e,
        "/api/v1/events/nope/participants",
        admin,
        json!({"role": "buyer", "name": "A"}),
    )
    .await
    .error(404, "not_found", "id");
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "buyer", "name": "Acheteur", "max_meetings": 2}),
    )
    .await
    .ok();
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "buyer", "name": "Autre", "id": "b1"}),
    )
    .await
    .error(409, "conflict", "id");
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "supplier", "siret": "78560744100017"}),
    )
    .await
    .ok();
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "supplier", "siret": "785 607 441 00017"}),
    )
    .await
    .error(409, "conflict", "siret");
    post(
        &e,
        &p,
        Some(&org),
        json!({"role": "supplier", "siret": "78609015900041"}),
    )
    .await
    .ok();
    get(&e, &format!("{p}/b9"), Some(&org))
        .await
        .error(404, "not_found", "pid");
    get(&e, &format!("{p}/b%2F1"), Some(&org))
        .await
        .error(422, "invalid_field", "pid");
    call(
        &e,
        Method::PATCH,
        &format!("{p}/b1"),
        Some(&org),
        Some(json!({"role": "supplier"})),
    )
    .await
    .error(422, "invalid_field", "role");
    call(
        &e,
        Method::PATCH,
        &format!("{p}/s1"),
        Some(&org),
        Some(json!({"siret": "78609015900041"})),
    )
    .await
    .error(422, "invalid_field", "siret");
    call(
        &e,
        Method::PATCH,
        &format!("{p}/b1"),
        Some(&org),
        Some(json!({"colour": "red"})),
    )
    .await
    .error(400, "malformed_input", "colour");

    // Wishes.
    let w = format!("{base}/wishes");
    post(&e, &w, Some(&org), json!({"from": "b1", "to": "b1"}))
        .await
        .error(422, "invalid_field", "to");
    post(&e, &w, Some(&org), json!({"from": "b7", "to": "s1"}))
        .await
        .error(422, "invalid_field", "from");
    post(
        &e,
        &w,
        Some(&org),
        json!({"from": "b1", "to": "s1", "kind": "maybe"}),
    )
    .await
    .error(400, "malformed_input", "kind");
    call(&e, Method::DELETE, &format!("{w}/b1/s2"), Some(&org), None)
        .await
        .error(404, "not_found", "to");
    post(&e, &w, Some(&org), json!({"from": "b1", "to": "s1"}))
        .await
        .ok();
    post(&e, &w, Some(&org), json!({"from": "s2", "to": "b1"}))
        .await
        .ok();

    // The schedule and its changes.
    get(&e, &format!("{base}/schedule"), Some(&org))
        .await
        .error(404, "not_found", "id");
    post(
        &e,
        &format!("{base}/meetings/cancel"),
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1"}),
    )
    .await
    .error(404, "not_found", "id");
    post(
        &e,
        &format!("{base}/schedule?effort=99"),
        Some(&org),
        json!({}),
    )
    .await
    .error(422, "invalid_field", "effort");
    post(
        &e,
        &format!("{base}/schedule?speed=1"),
        Some(&org),
        json!({}),
    )
    .await
    .error(400, "malformed_input", "speed");
    let s = post(&e, &format!("{base}/schedule"), Some(&org), json!({}))
        .await
        .ok();
    assert_eq!(meetings_of(&s).len(), 2);
    get(&e, &format!("{base}/schedule?format=xml"), Some(&org))
        .await
        .error(422, "invalid_field", "format");
    let ms1 = meetings_of(&s)
        .into_iter()
        .find(|m| m["supplier"] == "s1")
        .unwrap();
    let ms2 = meetings_of(&s)
        .into_iter()
        .find(|m| m["supplier"] == "s2")
        .unwrap();
    let mv = format!("{base}/meetings/move");
    post(
        &e,
        &mv,
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1", "slot": 8}),
    )
    .await
    .error(422, "invalid_field", "slot");
    post(
        &e,
        &mv,
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1", "slot": 0, "table": 4}),
    )
    .await
    .error(422, "invalid_field", "table");
    post(
        &e,
        &mv,
        Some(&org),
        json!({"buyer": "b1", "supplier": "s9", "slot": 0}),
    )
    .await
    .error(422, "invalid_field", "supplier");
    post(
        &e,
        &mv,
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1", "slot": ms2["slot"]}),
    )
    .await
    .error(409, "conflict", "slot");
    post(
        &e,
        &mv,
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1"}),
    )
    .await
    .error(400, "malformed_input", "slot");
    let add = format!("{base}/meetings");
    post(
        &e,
        &add,
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1", "slot": 0}),
    )
    .await
    .error(409, "conflict", "supplier");
    // Once cancelled the pair may be placed by hand again, but not where the buyer is busy.
    post(
        &e,
        &format!("{base}/meetings/cancel"),
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1"}),
    )
    .await
    .ok();
    post(
        &e,
        &add,
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1", "slot": ms2["slot"], "table": ms1["table"]}),
    )
    .await
    .error(409, "conflict", "slot");
    post(
        &e,
        &format!("{base}/meetings/lock"),
        Some(&org),
        json!({"buyer": "b1", "supplier": "s1"}),
    )
    .await
    .error(422, "invalid_field", "supplier");
    let ab = format!("{base}/absences");
    post(
        &e,
        &ab,
        Some(&org),
        json!({"participant": "b9", "from_slot": 1, "kind": "no_show"}),
    )
    .await
    .error(422, "invalid_field", "participant");
    post(
        &e,
        &ab,
        Some(&org),
        json!({"participant": "b1", "from_slot": 8, "kind": "no_show"}),
    )
    .await
    .error(422, "invalid_field", "from_slot");
    post(
        &e,
        &ab,
        Some(&org),
        json!({"participant": "b1", "from_slot": 3, "replan_from_slot": 1, "kind": "no_show"}),
    )
    .await
    .error(422, "invalid_field", "replan_from_slot");
    post(
        &e,
        &ab,
        Some(&org),
        json!({"participant": "b1", "from_slot": 3, "kind": "sick"}),
    )
    .await
    .error(400, "malformed_input", "kind");
    post(
        &e,
        &format!("{base}/reoptimize"),
        Some(&org),
        json!({"from_slot": 99}),
    )
    .await
    .error(422, "invalid_field", "from_slot");
    post(
        &e,
        &format!("{base}/waiting-list/fill"),
        Some(&org),
        json!({}),
    )
    .await
    .error(400, "malformed_input", "from_slot");
    // A registration change the plan no longer fits.
    call(
        &e,
        Method::PATCH,
        &format!("{p}/s2"),
        Some(&org),
        Some(json!({"unavailable": [ms2["slot"]]})),
    )
    .await
    .error(409, "conflict", "unavailable");
    let mut shrink = event_body(ev, "2026-12-03");
    shrink["num_tables"] = json!(1);
    shrink["slots"] = json!([{"start": "09:00", "end": "09:20"}]);
    let r = call(&e, Method::PUT, &base, Some(&org), Some(shrink)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.json()["field"].is_string());

    // Agendas.
    get(&e, &format!("{base}/agendas/b1?format=pdf"), Some(&org))
        .await
        .error(422, "invalid_field", "format");
    get(&e, &format!("{base}/agendas/b9"), Some(&org))
        .await
        .error(404, "not_found", "pid");
    get(&e, &format!("{base}/agendas?role=chef"), Some(&org))
        .await
        .error(422, "invalid_field", "role");
}

#[test]
fn the_demo_event_is_registered_from_the_demo_data_and_scheduled() {
    let e = env();
    let store = e.state.store();
    let opts = essor::import::suppliers::ImportOptions {
        actor: "test".into(),
        batch_size: 1000,
        progress: false,
    };
    essor::import::import_needs(store, &demo_dir().join("needs.jsonl"), &opts).unwrap();
    e.state.index().sync(store).unwrap();
    let created = essor::cli::demo_event::seed_demo_event(store, e.state.index()).unwrap();
    assert!(created);
    let events = essor::events::service::Events::new(store.clone());
    let id = essor::cli::demo_event::DEMO_EVENT;
    let event = events.get_event(id).unwrap().expect("the demo event");
    let people = events.participants(id).unwrap();
    let buyers: Vec<_> = people
        .iter()
        .filter(|p| p.role == essor::events::model::Role::Buyer)
        .collect();
    let suppliers = people.len() - buyers.len();
    assert_eq!(buyers.len(), 8, "{people:?}");
    assert!(suppliers >= 8, "{suppliers} suppliers");
    // Every buyer brings one of the demo's needs in Occitanie.
    let r = essor::referential::Referential::get();
    for b in &buyers {
        let need = store.get_need(&b.needs[0]).unwrap().unwrap();
        let place = essor::model::geography::resolve_place(&need.place, r)
            .expect("a need's place resolves to a commune");
        assert_eq!(place.commune.region, "76", "{}", need.title);
    }
    let schedule = events.schedule(id).unwrap().expect("a computed schedule");
    assert!(schedule.meetings.len() >= buyers.len(), "{schedule:?}");
    // Nobody in two places at once, no table used twice, and every buyer meets someone.
    let mut busy = std::collections::HashSet::new();
    for m in &schedule.meetings {
        assert!(m.slot < event.slots.len() as u32 && m.table < event.num_tables);
        assert!(busy.insert((m.slot, m.buyer.clone())), "{m:?}");
        assert!(busy.insert((m.slot, m.supplier.clone())), "{m:?}");
        assert!(busy.insert((m.slot, format!("table {}", m.table))), "{m:?}");
    }
    for b in &buyers {
        let pid = b.id.clone().unwrap();
        assert!(schedule.meetings.iter().any(|m| m.buyer == pid), "{pid}");
    }
    // Seeding again leaves the event alone.
    assert!(!essor::cli::demo_event::seed_demo_event(store, e.state.index()).unwrap());
}
