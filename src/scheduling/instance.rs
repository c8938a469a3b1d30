//! The `b2b-sched-v1` instance format (contract section 5) as serde types, its validation,
//! and its compilation into the dense, index-based [`Problem`] the solver works on.
//!
//! Extensions to the contract, all optional and absent from the contract's instances:
//! `locked` meetings that every schedule must keep exactly, and a free-form `generator`
//! object (provenance metadata, ignored). Participants, pairs and meetings refer to
//! participants by their `id`, which need not be dense or ordered. This module does no IO and
//! does not solve anything.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldError, Result};

/// The format tag every instance carries.
pub const FORMAT: &str = "b2b-sched-v1";
/// Most slots in an event (the solver keeps slot sets as 128-bit masks).
pub const MAX_SLOTS: u32 = 128;
/// Most tables in an event.
pub const MAX_TABLES: u32 = 100_000;
/// Largest absolute pair weight and shortfall penalty (the flows scale costs by the number of
/// nodes, which must not overflow).
pub const MAX_WEIGHT: i64 = 1_000_000;
/// Most buyers, or suppliers, in one instance.
pub const MAX_PARTICIPANTS: usize = 100_000;
/// Most pairs in one instance.
pub const MAX_PAIRS: usize = 2_000_000;

/// A meeting-scheduling instance: who may meet whom, with what weight, when people are
/// available, and how many tables and slots the event has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// Always [`FORMAT`].
    pub format: String,
    #[serde(default)]
    pub name: String,
    /// Provenance of generated instances; carried along, never interpreted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<serde_json::Value>,
    /// Slots are numbered `0..num_slots`.
    pub num_slots: u32,
    /// Tables are numbered `0..num_tables`; at most this many meetings run in one slot.
    pub num_tables: u32,
    /// How pair weights were derived (informational: `w` already combines them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Weights>,
    #[serde(default)]
    pub fairness: Fairness,
    pub buyers: Vec<Participant>,
    pub suppliers: Vec<Participant>,
    pub pairs: Vec<Pair>,
    /// Meetings that must be kept exactly (extension; they count toward weight, caps and
    /// fairness). Without `table`, the solver picks the table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<LockedMeeting>,
}

/// The weighting rule behind `Pair::w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub score_mult: i64,
    pub buyer_wish: i64,
    pub supplier_wish: i64,
    pub mutual_bonus: i64,
}

impl Weights {
    /// The weight of a pair under this rule: score × `score_mult` plus the wish bonuses,
    /// rounded to the nearest integer.
    pub fn weight_of(&self, score: f64, buyer_wish: bool, supplier_wish: bool) -> i64 {
        let mut w = score * self.score_mult as f64;
        if buyer_wish {
            w += self.buyer_wish as f64;
        }
        if supplier_wish {
            w += self.supplier_wish as f64;
        }
        if buyer_wish && supplier_wish {
            w += self.mutual_bonus as f64;
        }
        w.round() as i64
    }
}

/// The fairness term: every participant should get `min_meetings` meetings (capped by what
/// is possible for them); each missing one costs `shortfall_penalty`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fairness {
    pub min_meetings: u32,
    pub shortfall_penalty: i64,
}

/// A buyer or a supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub id: u32,
    #[serde(default)]
    pub name: String,
    pub max_meetings: u32,
    /// Slots in which this participant cannot meet anyone.
    #[serde(default)]
    pub unavailable: Vec<u32>,
}

/// A buyer-supplier pair allowed to meet, with its weight `w`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub b: u32,
    pub s: u32,
    #[serde(default)]
    pub score: f64,
    #[serde(default)]
    pub buyer_wish: bool,
    #[serde(default)]
    pub supplier_wish: bool,
    pub w: i64,
}

/// A meeting fixed in advance (extension): buyer `b` meets supplier `s` in `slot`, at
/// `table` when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedMeeting {
    pub b: u32,
    pub s: u32,
    pub slot: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
}

/// One scheduled meeting: buyer `b` meets supplier `s` in `slot` at `table` (ids as in the
/// instance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub b: u32,
    pub s: u32,
    pub slot: u32,
    pub table: u32,
}

impl Instance {
    /// Parse and validate an instance from JSON bytes. Syntax and type errors give
    /// [`Error::Malformed`] with the JSON path; rule violations give [`Error::Invalid`]
    /// listing every offending field.
    pub fn from_json(bytes: &[u8]) -> Result<Instance> {
        let instance: Instance = crate::model::parse_json(bytes)?;
        instance.validate()?;
        Ok(instance)
    }

    /// Check every rule of the format (and of the extensions).
    pub fn validate(&self) -> Result<()> {
        Problem::build(self).map(|_| ())
    }
}

/// A set of slots (bit `t` = slot `t`).
pub(crate) type Slots = u128;

pub(crate) fn slot_bit(t: usize) -> Slots {
    1u128 << t
}

/// Iterate the slots of a set, in increasing order.
pub(crate) fn slots_of(mut set: Slots) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if set == 0 {
            None
        } else {
            let t = set.trailing_zeros() as usize;
            set &= set - 1;
            Some(t)
        }
    })
}

/// A pair that can meet in at least one slot.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    /// Participant index of the buyer (`0..num_buyers`).
    pub b: u32,
    /// Participant index of the supplier (`num_buyers..num_participants`).
    pub s: u32,
    pub w: i64,
    /// Slots where both sides are available.
    pub common: Slots,
}

/// The compiled instance: participants are indexed buyers first, then suppliers; only pairs
/// with a common available slot become edges.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub num_buyers: usize,
    pub num_slots: usize,
    pub num_tables: u32,
    pub penalty: i64,
    /// Per participant: available slots.
    pub avail: Vec<Slots>,
    /// Per participant: the most meetings possible, min(max_meetings, available slots).
    pub cap: Vec<u32>,
    /// Per participant: the fairness target of the contract.
    pub target: Vec<u32>,
    pub edges: Vec<Edge>,
    /// Per participant: its edges.
    pub adj: Vec<Vec<u32>>,
    /// Locked meetings: (edge, slot, table).
    pub locked: Vec<(u32, usize, Option<u32>)>,
    /// Ids of participants, by participant index.
    pub ids: Vec<u32>,
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        // Enough to fix a file; a broken generator would otherwise produce millions.
        if self.0.len() < 100 {
            self.0.push(FieldError::new(field, reason));
        }
    }
}

impl Problem {
    pub fn num_participants(&self) -> usize {
        self.avail.len()
    }

    /// Validate an instance and compile it. Every rule violation is reported, with its field.
    pub fn build(inst: &Instance) -> Result<Problem> {
        let mut err = Errors(Vec::new());
        if inst.format != FORMAT {
            err.add("format", format!("must be \"{FORMAT}\""));
        }
        if inst.num_slots == 0 || inst.num_slots > MAX_SLOTS {
            err.add("num_slots", format!("must be between 1 and {MAX_SLOTS}"));
        }
        if inst.num_tables == 0 || inst.num_tables > MAX_TABLES {
            err.add("num_tables", format!("must be between 1 and {MAX_TABLES}"));
        }
        let penalty = inst.fairness.shortfall_penalty;
        if !(0..=MAX_WEIGHT).contains(&penalty) {
            err.add(
                "fairness.shortfall_penalty",
                format!("must be between 0 and {MAX_WEIGHT}"),
            );
        }
        for (field, len, max) in [
            ("buyers", inst.buyers.len(), MAX_PARTICIPANTS),
            ("suppliers", inst.suppliers.len(), MAX_PARTICIPANTS),
            ("pairs", inst.pairs.len(), MAX_PAIRS),
        ] {
            if len > max {
                err.add(field, format!("must have at most {max} entries"));
            }
        }
        if !err.0.is_empty() {
            return Err(Error::Invalid { errors: err.0 });
        }
        let num_slots = inst.num_slots as usize;
        let all: Slots = if num_slots == 128 {
            Slots::MAX
        } else {
            (1u128 << num_slots) - 1
        };
        let nb = inst.buyers.len();
        let mut avail = Vec::with_capacity(nb + inst.suppliers.len());
        let mut max_meetings = Vec::with_capacity(avail.capacity());
        let mut ids = Vec::with_capacity(avail.capacity());
        let mut buyer_index = HashMap::with_capacity(nb);
        let mut supplier_index = HashMap::with_capacity(inst.suppliers.len());
        for (side, list, index, offset) in [
            ("buyers", &inst.buyers, &mut buyer_index, 0usize),
            ("suppliers", &inst.suppliers, &mut supplier_index, nb),
        ] {
            for (i, p) in list.iter().enumerate() {
                if index.insert(p.id, (offset + i) as u32).is_some() {
                    err.add(format!("{side}[{i}].id"), format!("duplicate id {}", p.id));
                }
                let mut a = all;
                for (j, &t) in p.unavailable.iter().enumerate() {
                    if t >= inst.num_slots {
                        err.add(
                            format!("{side}[{i}].unavailable[{j}]"),
                            format!("slot {t} out of range (num_slots is {})", inst.num_slots),
                        );
                    } else {
                        a &= !slot_bit(t as usize);
                    }
                }
                avail.push(a);
                max_meetings.push(p.max_meetings);
                ids.push(p.id);
            }
        }
        let np = avail.len();
        let mut edges = Vec::with_capacity(inst.pairs.len());
        let mut pair_index: HashMap<(u32, u32), Option<u32>> =
            HashMap::with_capacity(inst.pairs.len());
        for (i, pair) in inst.pairs.iter().enumerate() {
            let b = buyer_index.get(&pair.b).copied();
            let s = supplier_index.get(&pair.s).copied();
            if b.is_none() {
                err.add(
                    format!("pairs[{i}].b"),
                    format!("unknown buyer id {}", pair.b),
                );
            }
            if s.is_none() {
                err.add(
                    format!("pairs[{i}].s"),
                    format!("unknown supplier id {}", pair.s),
                );
            }
            if !(-MAX_WEIGHT..=MAX_WEIGHT).contains(&pair.w) {
                err.add(
                    format!("pairs[{i}].w"),
                    format!("must be between -{MAX_WEIGHT} and {MAX_WEIGHT}"),
                );
            }
            let (Some(b), Some(s)) = (b, s) else { continue };
            if pair_index.contains_key(&(b, s)) {
                err.add(
                    format!("pairs[{i}]"),
                    format!("duplicate pair (b {}, s {})", pair.b, pair.s),
                );
                continue;
            }
            let common = avail[b as usize] & avail[s as usize];
            if common == 0 {
                pair_index.insert((b, s), None);
            } else {
                pair_index.insert((b, s), Some(edges.len() as u32));
                edges.push(Edge {
                    b,
                    s,
                    w: pair.w,
                    common,
                });
            }
        }
        let mut adj = vec![Vec::new(); np];
        for (e, edge) in edges.iter().enumerate() {
            adj[edge.b as usize].push(e as u32);
            adj[edge.s as usize].push(e as u32);
        }
        let mut cap = Vec::with_capacity(np);
        let mut target = Vec::with_capacity(np);
        for p in 0..np {
            let num_avail = avail[p].count_ones();
            cap.push(max_meetings[p].min(num_avail));
            let reachable = adj[p].len().min(u32::MAX as usize) as u32;
            target.push(
                inst.fairness
                    .min_meetings
                    .min(max_meetings[p])
                    .min(num_avail)
                    .min(reachable),
            );
        }

        // Locked meetings: listed pairs, in range, available, and mutually compatible.
        let mut locked = Vec::with_capacity(inst.locked.len());
        let mut busy: HashMap<(u32, u32), usize> = HashMap::new();
        let mut tables: HashMap<(u32, u32), usize> = HashMap::new();
        let mut per_slot = vec![0u32; num_slots];
        let mut count = vec![0u32; np];
        let mut seen = HashMap::new();
        for (i, m) in inst.locked.iter().enumerate() {
            let f = |name: &str| format!("locked[{i}].{name}");
            let b = buyer_index.get(&m.b).copied();
            let s = supplier_index.get(&m.s).copied();
            if b.is_none() {
                err.add(f("b"), format!("unknown buyer id {}", m.b));
            }
            if s.is_none() {
                err.add(f("s"), format!("unknown supplier id {}", m.s));
            }
            if m.slot >= inst.num_slots {
                err.add(
                    f("slot"),
                    format!(
                        "slot {} out of range (num_slots is {})",
                        m.slot, inst.num_slots
                    ),
                );
            }
            if let Some(table) = m.table
                && table >= inst.num_tables
            {
                err.add(
                    f("table"),
                    format!(
                        "table {table} out of range (num_tables is {})",
                        inst.num_tables
                    ),
                );
            }
            let (Some(b), Some(s)) = (b, s) else { continue };
            if m.slot >= inst.num_slots {
                continue;
            }
            let Some(pair) = pair_index.get(&(b, s)) else {
                err.add(
                    format!("locked[{i}]"),
                    format!("(b {}, s {}) is not a listed pair", m.b, m.s),
                );
                continue;
            };
            let Some(e) = *pair else {
                err.add(
                    format!("locked[{i}].slot"),
                    "buyer and supplier have no common available slot",
                );
                continue;
            };
            let t = m.slot as usize;
            if edges[e as usize].common & slot_bit(t) == 0 {
                err.add(
                    f("slot"),
                    format!(
                        "buyer {} or supplier {} is unavailable in slot {t}",
                        m.b, m.s
                    ),
                );
                continue;
            }
            if let Some(j) = seen.insert(e, i) {
                err.add(format!("locked[{i}]"), format!("same pair as locked[{j}]"));
                continue;
            }
            for p in [b, s] {
                if let Some(j) = busy.insert((p, m.slot), i) {
                    err.add(
                        format!("locked[{i}]"),
                        format!(
                            "participant {} already meets in slot {t} (locked[{j}])",
                            ids[p as usize]
                        ),
                    );
                }
                count[p as usize] += 1;
                if count[p as usize] == max_meetings[p as usize] + 1 {
                    err.add(
                        format!("locked[{i}]"),
                        format!("participant {} exceeds max_meetings", ids[p as usize]),
                    );
                }
            }
            if let Some(table) = m.table
                && table < inst.num_tables
                && let Some(j) = tables.insert((m.slot, table), i)
            {
                err.add(
                    f("table"),
                    format!("table {table} already used in slot {t} by locked[{j}]"),
                );
            }
            per_slot[t] += 1;
            if per_slot[t] == inst.num_tables + 1 {
                err.add(
                    f("slot"),
                    format!("more locked meetings than tables in slot {t}"),
                );
            }
            locked.push((e, t, m.table.filter(|&x| x < inst.num_tables)));
        }
        if !err.0.is_empty() {
            return Err(Error::Invalid { errors: err.0 });
        }
        Ok(Problem {
            num_buyers: nb,
            num_slots,
            num_tables: inst.num_tables,
            penalty,
            avail,
            cap,
            target,
            edges,
            adj,
            locked,
            ids,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> serde_json::Value {
        serde_json::json!({
            "format": "b2b-sched-v1", "name": "t", "num_slots": 3, "num_tables": 2,
            "fairness": {"min_meetings": 1, "shortfall_penalty": 100},
            "buyers": [{"id": 0, "name": "B0", "max_meetings": 2, "unavailable": [1]}],
            "suppliers": [{"id": 7, "name": "S7", "max_meetings": 1, "unavailable": []}],
            "pairs": [{"b": 0, "s": 7, "score": 0.5, "buyer_wish": true, "supplier_wish": false, "w": 200}]
        })
    }

    fn error_fields(v: serde_json::Value) -> Vec<String> {
        match Instance::from_json(v.to_string().as_bytes()) {
            Err(Error::Invalid { errors }) => errors.into_iter().map(|e| e.field).collect(),
            Err(Error::Malformed { field, .. }) => vec![field.unwrap_or_default()],
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_instance_compiles_with_targets_and_caps() {
        let inst = Instance::from_json(tiny().to_string().as_bytes()).unwrap();
        let pb = Problem::build(&inst).unwrap();
        assert_eq!(pb.cap, vec![2, 1]);
        assert_eq!(pb.target, vec![1, 1]);
        assert_eq!(pb.edges.len(), 1);
        assert_eq!(pb.edges[0].common, 0b101);
        assert_eq!(pb.ids, vec![0, 7]);
    }

    #[test]
    fn unknown_ids_duplicates_and_ranges_are_named() {
        let mut v = tiny();
        v["pairs"] = serde_json::json!([{"b": 0, "s": 7, "w": 1}, {"b": 0, "s": 7, "w": 2}, {"b": 3, "s": 8, "w": 1}]);
        v["buyers"][0]["unavailable"] = serde_json::json!([5]);
        let fields = error_fields(v);
        assert_eq!(
            fields,
            vec![
                "buyers[0].unavailable[0]",
                "pairs[1]",
                "pairs[2].b",
                "pairs[2].s"
            ]
        );
    }

    #[test]
    fn negative_caps_and_unknown_fields_are_malformed_with_their_path() {
        let mut v = tiny();
        v["suppliers"][0]["max_meetings"] = serde_json::json!(-1);
        assert_eq!(error_fields(v), vec!["suppliers[0].max_meetings"]);
        let mut v = tiny();
        v["pairs"][0]["colour"] = serde_json::json!("red");
        assert_eq!(error_fields(v), vec!["pairs[0].colour"]);
    }

    #[test]
    fn bad_format_slots_and_tables_are_rejected() {
        let mut v = tiny();
        v["format"] = serde_json::json!("other");
        v["num_slots"] = serde_json::json!(0);
        v["num_tables"] = serde_json::json!(0);
        assert_eq!(error_fields(v), vec!["format", "num_slots", "num_tables"]);
    }

    #[test]
    fn locked_meetings_must_be_listed_available_and_compatible() {
        let mut v = tiny();
        v["locked"] = serde_json::json!([{"b": 0, "s": 7, "slot": 1}]);
        assert_eq!(error_fields(v), vec!["locked[0].slot"]);
        let mut v = tiny();
        v["locked"] = serde_json::json!([{"b": 0, "s": 7, "slot": 0, "table": 2}, {"b": 0, "s": 7, "slot": 2}]);
        assert_eq!(error_fields(v), vec!["locked[0].table", "locked[1]"]);
        let mut v = tiny();
        v["locked"] = serde_json::json!([{"b": 0, "s": 9, "slot": 0}]);
        assert_eq!(error_fields(v), vec!["locked[0].s"]);
    }
}
