//! Meeting scheduling: the solver on the reference instances, property tests against an
//! exhaustive oracle, re-optimisation after no-shows, the text grid, and the CLI.

use std::path::PathBuf;
use std::process::Command;

use essor::scheduling::{
    self, Fairness, Instance, LockedMeeting, Meeting, Options, Pair, Participant, Reoptimization,
    evaluate, render_grid, reoptimize, validate_schedule,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sched")
        .join(name)
}

fn load(name: &str) -> Instance {
    let bytes = std::fs::read(fixture_path(name)).expect("fixture exists");
    Instance::from_json(&bytes).expect("fixture is valid")
}

/// (file, reference objective) from fixtures/sched/README.md.
const REFERENCES: [(&str, i64); 6] = [
    ("small-s2.json", 19063),
    ("medium-s2.json", 134866),
    ("large-s2.json", 526834),
    ("small-tight-s2.json", 25177),
    ("medium-tight-s2.json", 153407),
    ("large-tight-s2.json", 605957),
];

fn check_against_reference(name: &str, reference: i64) {
    let instance = load(name);
    let solution = scheduling::solve(&instance, &Options::default()).unwrap();
    if let Err(violations) = validate_schedule(&instance, &solution.meetings) {
        panic!(
            "{name}: {} violations, first: {}",
            violations.len(),
            violations[0]
        );
    }
    let eval = evaluate(&instance, &solution.meetings).unwrap();
    assert_eq!(
        (eval.objective, eval.weight, eval.shortfall),
        (solution.objective, solution.weight, solution.shortfall)
    );
    assert!(
        solution.objective * 1000 >= reference * 999,
        "{name}: objective {} is below 99.9 % of the reference {reference}",
        solution.objective
    );
    // The reference objective is reachable, so a valid bound is at least that.
    assert!(
        solution.upper_bound >= reference.max(solution.objective),
        "{name}: bound {}",
        solution.upper_bound
    );
    assert!(!solution.stats.time_limit_hit);
}

#[test]
fn small_instances_reach_the_reference_objective() {
    check_against_reference(REFERENCES[0].0, REFERENCES[0].1);
    check_against_reference(REFERENCES[3].0, REFERENCES[3].1);
}

#[test]
fn medium_instances_reach_the_reference_objective() {
    check_against_reference(REFERENCES[1].0, REFERENCES[1].1);
    check_against_reference(REFERENCES[4].0, REFERENCES[4].1);
}

#[test]
fn large_standard_instance_reaches_the_reference_objective() {
    check_against_reference(REFERENCES[2].0, REFERENCES[2].1);
}

#[test]
fn large_tight_instance_reaches_the_reference_objective() {
    check_against_reference(REFERENCES[5].0, REFERENCES[5].1);
}

#[test]
fn standard_instances_are_solved_to_proven_optimality() {
    for name in ["small-s2.json", "medium-s2.json"] {
        let solution = scheduling::solve(&load(name), &Options::default()).unwrap();
        assert!(solution.stats.optimal, "{name}");
        assert_eq!(solution.objective, solution.upper_bound, "{name}");
    }
}

#[test]
fn a_time_limit_of_zero_still_returns_a_valid_schedule() {
    let instance = load("medium-tight-s2.json");
    let solution = scheduling::solve(
        &instance,
        &Options {
            effort: 1,
            time_limit_ms: Some(0),
        },
    )
    .unwrap();
    assert!(solution.stats.time_limit_hit);
    assert_eq!(validate_schedule(&instance, &solution.meetings), Ok(()));
    assert!(solution.upper_bound >= solution.objective);
}

#[test]
fn more_effort_never_gives_a_worse_schedule_on_the_reference_instances() {
    for name in ["small-tight-s2.json", "medium-tight-s2.json"] {
        let instance = load(name);
        let quick = scheduling::solve(
            &instance,
            &Options {
                effort: 0,
                time_limit_ms: None,
            },
        )
        .unwrap();
        let full = scheduling::solve(&instance, &Options::default()).unwrap();
        assert_eq!(validate_schedule(&instance, &quick.meetings), Ok(()));
        assert!(full.objective >= quick.objective, "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// Random small instances.

/// Parameters of a random instance; the rest is derived from `seed`.
#[derive(Debug, Clone)]
struct Spec {
    num_buyers: u32,
    num_suppliers: u32,
    num_slots: u32,
    num_tables: u32,
    seed: u64,
    unavailability: bool,
    locks: bool,
}

fn spec(
    max_side: u32,
    max_slots: u32,
    unavailability: impl Strategy<Value = bool>,
) -> impl Strategy<Value = Spec> {
    (
        1..=max_side,
        1..=max_side,
        1..=max_slots,
        1..=3u32,
        any::<u64>(),
        unavailability,
        any::<bool>(),
    )
        .prop_map(
            |(num_buyers, num_suppliers, num_slots, num_tables, seed, unavailability, locks)| {
                Spec {
                    num_buyers,
                    num_suppliers,
                    num_slots,
                    num_tables,
                    seed,
                    unavailability,
                    locks,
                }
            },
        )
}

fn build(spec: &Spec) -> Instance {
    let mut rng = essor::util::Rng::new(spec.seed);
    let participant = |rng: &mut essor::util::Rng, id: u32, prefix: &str| Participant {
        id: id * 10 + 3, // ids need not be dense
        name: format!("{prefix}{id}"),
        max_meetings: rng.below(u64::from(spec.num_slots) + 2) as u32,
        unavailable: if spec.unavailability {
            (0..spec.num_slots).filter(|_| rng.chance(0.3)).collect()
        } else {
            Vec::new()
        },
    };
    let buyers: Vec<Participant> = (0..spec.num_buyers)
        .map(|i| participant(&mut rng, i, "B"))
        .collect();
    let suppliers: Vec<Participant> = (0..spec.num_suppliers)
        .map(|i| participant(&mut rng, i, "S"))
        .collect();
    let mut pairs = Vec::new();
    for b in &buyers {
        for s in &suppliers {
            if rng.chance(0.75) {
                pairs.push(Pair {
                    b: b.id,
                    s: s.id,
                    score: 0.5,
                    buyer_wish: false,
                    supplier_wish: false,
                    w: rng.range_i64(-20, 300),
                });
            }
        }
    }
    let mut instance = Instance {
        format: scheduling::FORMAT.to_string(),
        name: "random".to_string(),
        generator: None,
        num_slots: spec.num_slots,
        num_tables: spec.num_tables,
        weights: None,
        fairness: Fairness {
            min_meetings: rng.below(3) as u32,
            shortfall_penalty: rng.range_i64(0, 400),
        },
        buyers,
        suppliers,
        pairs,
        locked: Vec::new(),
    };
    if spec.locks {
        // Lock a few compatible meetings, keeping the instance valid.
        for i in 0..instance.pairs.len() {
            if !rng.chance(0.3) {
                continue;
            }
            let pair = instance.pairs[i].clone();
            let slot = rng.below(u64::from(spec.num_slots)) as u32;
            let mut candidate = instance.clone();
            candidate.locked.push(LockedMeeting {
                b: pair.b,
                s: pair.s,
                slot,
                table: None,
            });
            if candidate.validate().is_ok() {
                instance = candidate;
            }
        }
    }
    instance
}

/// Exhaustive optimum: every pair either left out or put in one of its slots.
fn brute_force(instance: &Instance) -> i64 {
    let nb = instance.buyers.len();
    let slots = instance.num_slots as usize;
    let index_b = |id: u32| instance.buyers.iter().position(|p| p.id == id).unwrap();
    let index_s = |id: u32| nb + instance.suppliers.iter().position(|p| p.id == id).unwrap();
    let people: Vec<&Participant> = instance.buyers.iter().chain(&instance.suppliers).collect();
    let free = |p: &Participant, t: usize| !p.unavailable.contains(&(t as u32));
    let pairs: Vec<(usize, usize, i64, Option<usize>)> = instance
        .pairs
        .iter()
        .map(|p| {
            let locked = instance
                .locked
                .iter()
                .find(|l| l.b == p.b && l.s == p.s)
                .map(|l| l.slot as usize);
            (index_b(p.b), index_s(p.s), p.w, locked)
        })
        .collect();
    // Contract targets.
    let target: Vec<i64> = (0..people.len())
        .map(|i| {
            let p = people[i];
            let available = (0..slots).filter(|&t| free(p, t)).count() as u32;
            let reachable = pairs
                .iter()
                .filter(|&&(b, s, _, _)| {
                    (b == i || s == i)
                        && (0..slots).any(|t| free(people[b], t) && free(people[s], t))
                })
                .count() as u32;
            i64::from(
                instance
                    .fairness
                    .min_meetings
                    .min(p.max_meetings)
                    .min(available)
                    .min(reachable),
            )
        })
        .collect();
    struct Search<'a> {
        pairs: &'a [(usize, usize, i64, Option<usize>)],
        people: &'a [&'a Participant],
        target: &'a [i64],
        penalty: i64,
        tables: usize,
        busy: Vec<Vec<bool>>,
        count: Vec<u32>,
        per_slot: Vec<usize>,
        best: i64,
    }
    impl Search<'_> {
        fn go(&mut self, i: usize, weight: i64) {
            if i == self.pairs.len() {
                let shortfall: i64 = (0..self.people.len())
                    .map(|p| (self.target[p] - i64::from(self.count[p])).max(0))
                    .sum();
                self.best = self.best.max(weight - self.penalty * shortfall);
                return;
            }
            let (b, s, w, locked) = self.pairs[i];
            if locked.is_none() {
                self.go(i + 1, weight);
            }
            for t in 0..self.per_slot.len() {
                if locked.is_some_and(|l| l != t) {
                    continue;
                }
                let ok = [b, s].iter().all(|&p| {
                    !self.people[p].unavailable.contains(&(t as u32))
                        && !self.busy[p][t]
                        && self.count[p] < self.people[p].max_meetings
                }) && self.per_slot[t] < self.tables;
                if ok {
                    for p in [b, s] {
                        self.busy[p][t] = true;
                        self.count[p] += 1;
                    }
                    self.per_slot[t] += 1;
                    self.go(i + 1, weight + w);
                    for p in [b, s] {
                        self.busy[p][t] = false;
                        self.count[p] -= 1;
                    }
                    self.per_slot[t] -= 1;
                }
            }
        }
    }
    let mut search = Search {
        pairs: &pairs,
        people: &people,
        target: &target,
        penalty: instance.fairness.shortfall_penalty,
        tables: instance.num_tables as usize,
        busy: vec![vec![false; slots]; people.len()],
        count: vec![0; people.len()],
        per_slot: vec![0; slots],
        best: i64::MIN,
    };
    search.go(0, 0);
    search.best
}

/// Fixed seeds; `ESSOR_SLOW_TESTS=1` runs twenty times more cases.
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

proptest! {
    #![proptest_config(config(0x5EED_0001, 160))]

    #[test]
    fn schedules_are_feasible_keep_locks_and_are_deterministic(spec in spec(6, 6, any::<bool>())) {
        let instance = build(&spec);
        let options = Options { effort: 1, time_limit_ms: None };
        let solution = scheduling::solve(&instance, &options).unwrap();
        // Double bookings, tables, availability, caps, pairs and locked meetings.
        prop_assert_eq!(validate_schedule(&instance, &solution.meetings), Ok(()));
        let eval = evaluate(&instance, &solution.meetings).unwrap();
        prop_assert_eq!(eval.objective, solution.objective);
        prop_assert!(solution.upper_bound >= solution.objective);
        prop_assert!(solution.stats.flow_bound >= solution.objective);
        let again = scheduling::solve(&instance, &options).unwrap();
        prop_assert_eq!(&again.meetings, &solution.meetings);
        prop_assert_eq!(again.objective, solution.objective);
    }
}

proptest! {
    #![proptest_config(config(0x5EED_0004, 24))]

    #[test]
    fn larger_random_schedules_are_feasible_and_within_the_bound(spec in spec(20, 10, any::<bool>())) {
        let instance = build(&spec);
        let solution = scheduling::solve(&instance, &Options { effort: 1, time_limit_ms: None }).unwrap();
        prop_assert_eq!(validate_schedule(&instance, &solution.meetings), Ok(()));
        prop_assert_eq!(evaluate(&instance, &solution.meetings).unwrap().objective, solution.objective);
        prop_assert!(solution.upper_bound >= solution.objective);
    }
}

proptest! {
    #![proptest_config(config(0x5EED_0002, 200))]

    #[test]
    fn tiny_instances_are_solved_to_the_exhaustive_optimum(spec in spec(3, 3, any::<bool>())) {
        let instance = build(&spec);
        let optimum = brute_force(&instance);
        let solution = scheduling::solve(&instance, &Options::default()).unwrap();
        prop_assert_eq!(validate_schedule(&instance, &solution.meetings), Ok(()));
        prop_assert_eq!(solution.objective, optimum);
        prop_assert!(solution.stats.flow_bound >= optimum);
        prop_assert_eq!(solution.upper_bound, optimum);
    }

    #[test]
    fn flow_bound_is_exact_without_unavailability(spec in spec(3, 3, Just(false))) {
        let mut instance = build(&spec);
        instance.locked.clear();
        let optimum = brute_force(&instance);
        let solution = scheduling::solve(&instance, &Options::default()).unwrap();
        prop_assert_eq!(solution.objective, optimum);
        prop_assert_eq!(solution.stats.flow_bound, optimum);
    }
}

/// Replace the `k`-th number of a JSON document (depth first) by `value`.
fn replace_number(v: &mut serde_json::Value, k: &mut usize, value: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(_) => {
            if *k == 0 {
                *v = value.clone();
                return true;
            }
            *k -= 1;
            false
        }
        serde_json::Value::Array(items) => items.iter_mut().any(|x| replace_number(x, k, value)),
        serde_json::Value::Object(map) => map.values_mut().any(|x| replace_number(x, k, value)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(config(0x5EED_0003, 300))]

    /// Any number anywhere replaced by anything: a clear error or a valid schedule, never a
    /// panic.
    #[test]
    fn mutated_instances_are_rejected_or_solved_never_panic(
        spec in spec(3, 4, any::<bool>()),
        position in 0usize..200,
        value in prop_oneof![
            any::<i64>().prop_map(serde_json::Value::from),
            (-3i64..300).prop_map(serde_json::Value::from),
            Just(serde_json::Value::from(1.5)),
            Just(serde_json::Value::from("x")),
            Just(serde_json::Value::Null),
        ],
    ) {
        let instance = build(&spec);
        let mut json = serde_json::to_value(&instance).unwrap();
        let mut k = position;
        replace_number(&mut json, &mut k, &value);
        match Instance::from_json(json.to_string().as_bytes()) {
            Err(e) => prop_assert!(e.field().is_some() || e.to_string().contains("invalid"), "{e}"),
            Ok(mutated) => {
                let solution = scheduling::solve(&mutated, &Options::default()).unwrap();
                prop_assert_eq!(validate_schedule(&mutated, &solution.meetings), Ok(()));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Re-optimisation.

fn person(id: u32, name: &str, max_meetings: u32, unavailable: &[u32]) -> Participant {
    Participant {
        id,
        name: name.to_string(),
        max_meetings,
        unavailable: unavailable.to_vec(),
    }
}

fn pair(b: u32, s: u32, w: i64) -> Pair {
    Pair {
        b,
        s,
        score: 0.5,
        buyer_wish: false,
        supplier_wish: false,
        w,
    }
}

/// Buyer B0 can meet two suppliers; S0 (its best) is only there in slot 2, S1 is locked in
/// slot 0, S2 is on the waiting list.
fn day_instance() -> Instance {
    Instance {
        format: scheduling::FORMAT.to_string(),
        name: "day".to_string(),
        generator: None,
        num_slots: 3,
        num_tables: 2,
        weights: None,
        fairness: Fairness {
            min_meetings: 1,
            shortfall_penalty: 1000,
        },
        buyers: vec![person(0, "B0", 2, &[]), person(1, "B1", 1, &[])],
        suppliers: vec![
            person(0, "S0", 3, &[0, 1]),
            person(1, "S1", 3, &[]),
            person(2, "S2", 3, &[]),
        ],
        pairs: vec![
            pair(0, 0, 100),
            pair(0, 1, 90),
            pair(0, 2, 10),
            pair(1, 1, 50),
        ],
        locked: vec![LockedMeeting {
            b: 0,
            s: 1,
            slot: 0,
            table: Some(1),
        }],
    }
}

#[test]
fn a_no_show_keeps_past_and_locked_meetings_and_refills_from_the_waiting_list() {
    let instance = day_instance();
    let planned = scheduling::solve(&instance, &Options::default()).unwrap();
    let find = |meetings: &[Meeting], b: u32, s: u32| {
        meetings.iter().find(|m| m.b == b && m.s == s).copied()
    };
    // The plan: B0 meets S1 (locked, slot 0) and S0 (slot 2); B1 meets S1; S2 waits.
    assert_eq!(
        find(&planned.meetings, 0, 1),
        Some(Meeting {
            b: 0,
            s: 1,
            slot: 0,
            table: 1
        })
    );
    assert_eq!(find(&planned.meetings, 0, 0).map(|m| m.slot), Some(2));
    assert!(find(&planned.meetings, 0, 2).is_none());

    // After slot 0, S0 does not show up.
    let change = Reoptimization {
        from_slot: 1,
        absent_buyers: vec![],
        absent_suppliers: vec![0],
    };
    let out = reoptimize(&instance, &planned.meetings, &change).unwrap();
    assert_eq!(
        validate_schedule(&out.instance, &out.solution.meetings),
        Ok(())
    );
    let eval = evaluate(&out.instance, &out.solution.meetings).unwrap();
    assert_eq!(eval.objective, out.solution.objective);
    // Past and locked meetings are untouched, S0's meeting is cancelled.
    for m in planned.meetings.iter().filter(|m| m.slot < 1 || m.s != 0) {
        assert!(
            out.solution.meetings.contains(m),
            "{m:?} was moved or dropped"
        );
        assert!(out.kept.contains(m));
    }
    assert_eq!(out.cancelled, vec![find(&planned.meetings, 0, 0).unwrap()]);
    // The freed capacity goes to the waiting list: B0 now meets S2, at the earliest free slot.
    let added = find(&out.solution.meetings, 0, 2).expect("S2 gets B0's freed meeting");
    assert_eq!(out.added, vec![added]);
    // Slot 1 is the first open slot, B0 and S2 are free there and a table is left.
    assert_eq!(added.slot, 1);
    assert!(out.solution.upper_bound >= out.solution.objective);
}

#[test]
fn reoptimizing_a_large_schedule_only_adds_meetings_around_the_kept_ones() {
    let instance = load("medium-tight-s2.json");
    let planned = scheduling::solve(
        &instance,
        &Options {
            effort: 0,
            time_limit_ms: None,
        },
    )
    .unwrap();
    let change = Reoptimization {
        from_slot: 6,
        absent_buyers: vec![3, 17],
        absent_suppliers: vec![5, 42, 99],
    };
    let out = reoptimize(&instance, &planned.meetings, &change).unwrap();
    assert_eq!(
        validate_schedule(&out.instance, &out.solution.meetings),
        Ok(())
    );
    let absent =
        |m: &Meeting| change.absent_buyers.contains(&m.b) || change.absent_suppliers.contains(&m.s);
    for m in &planned.meetings {
        if m.slot < change.from_slot || !absent(m) {
            assert!(
                out.solution.meetings.contains(m),
                "{m:?} was moved or dropped"
            );
        } else {
            assert!(out.cancelled.contains(m));
        }
    }
    for m in &out.added {
        assert!(m.slot >= change.from_slot && !absent(m), "{m:?}");
    }
    assert_eq!(
        out.solution.meetings.len(),
        planned.meetings.len() - out.cancelled.len() + out.added.len()
    );
    assert!(!out.cancelled.is_empty() && !out.added.is_empty());
}

#[test]
fn reoptimization_rejects_unknown_absentees_and_invalid_schedules() {
    let instance = day_instance();
    let planned = scheduling::solve(&instance, &Options::default()).unwrap();
    let change = Reoptimization {
        from_slot: 1,
        absent_buyers: vec![9],
        absent_suppliers: vec![],
    };
    let err = reoptimize(&instance, &planned.meetings, &change).unwrap_err();
    assert_eq!(err.field(), Some("absent_buyers[0]"));
    let mut broken = planned.meetings.clone();
    broken.push(broken[0]);
    let change = Reoptimization {
        from_slot: 1,
        ..Default::default()
    };
    let err = reoptimize(&instance, &broken, &change).unwrap_err();
    assert_eq!(err.field(), Some("meetings"));
}

// ---------------------------------------------------------------------------------------
// Checker, grid and CLI.

#[test]
fn the_checker_reports_each_broken_rule() {
    let instance = day_instance();
    let meetings = [
        Meeting {
            b: 0,
            s: 0,
            slot: 0,
            table: 0,
        }, // S0 unavailable in slot 0
        Meeting {
            b: 0,
            s: 2,
            slot: 0,
            table: 0,
        }, // B0 twice in slot 0, table 0 twice
        Meeting {
            b: 1,
            s: 2,
            slot: 5,
            table: 7,
        }, // unlisted pair, slot and table out of range
        Meeting {
            b: 0,
            s: 2,
            slot: 1,
            table: 0,
        }, // repeated pair, B0 over its cap
    ];
    let violations = validate_schedule(&instance, &meetings).unwrap_err();
    let text: Vec<String> = violations.iter().map(ToString::to_string).collect();
    for expected in [
        "meetings[0]: supplier 0 is unavailable in slot 0",
        "meetings[2]: (b 1, s 2) is not a listed pair",
        "meetings[2]: slot 5 out of range",
        "meetings[2]: table 7 out of range",
        "meetings[3]: (b 0, s 2) meets more than once",
        "buyer 0 has several meetings in slot 0",
        "table 0 is used twice in slot 0",
        "buyer 0 has 3 meetings, more than its max_meetings 2",
        "locked meeting (b 0, s 1) in slot 0 at table 1 is missing",
    ] {
        assert!(
            text.iter().any(|t| t == expected),
            "missing {expected:?} in {text:#?}"
        );
    }
}

#[test]
fn grid_of_a_small_schedule() {
    let instance = day_instance();
    let solution = scheduling::solve(&instance, &Options::default()).unwrap();
    insta::assert_snapshot!(render_grid(&instance, &solution));
}

#[test]
fn grid_of_the_small_reference_instance() {
    let instance = load("small-s2.json");
    let solution = scheduling::solve(&instance, &Options::default()).unwrap();
    insta::assert_snapshot!(render_grid(&instance, &solution));
}

#[test]
fn cli_prints_one_json_schedule() {
    let out = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args(["schedule", "--json", "--instance"])
        .arg(fixture_path("small-s2.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(v["objective"], 19063);
    assert_eq!(v["weight"], 19063);
    assert_eq!(v["shortfall"], 0);
    assert_eq!(v["upper_bound"], 19063);
    let meetings = v["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 80);
    for m in meetings {
        let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["b", "s", "slot", "table"]);
    }
    let parsed: Vec<Meeting> = serde_json::from_value(v["meetings"].clone()).unwrap();
    assert_eq!(validate_schedule(&load("small-s2.json"), &parsed), Ok(()));
}

#[test]
fn cli_rejects_a_malformed_or_invalid_instance_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "syntax.json",
            r#"{"format": "b2b-sched-v1", "num_slots": 2"#,
            "invalid JSON",
        ),
        (
            "unknown.json",
            r#"{"format": "b2b-sched-v1", "num_slots": 2, "num_tables": 1,
                "buyers": [{"id": 0, "max_meetings": 1}], "suppliers": [{"id": 0, "max_meetings": 1}],
                "pairs": [{"b": 0, "s": 9, "w": 10}]}"#,
            "pairs[0].s",
        ),
    ];
    for (file, text, expected) in cases {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_essor"))
            .args(["schedule", "--json", "--instance"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(out.stdout.is_empty(), "{file}: nothing on stdout");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{file}: {stderr}");
    }
}
