//! Ground truth: the contract's hard rules computed exactly (section 2), and the graded
//! relevance of a supplier for a generated need.
//!
//! This module is deliberately separate from the generators: the matching evaluation uses
//! [`check`] to count hard-rule violations in a ranking, whatever produced it. The geography
//! part delegates to `model::geography`, the project's reference implementation of the
//! contract's rule, so ground truth, indexes and matching agree by construction. Pure: no IO.
//!
//! # The hard rules, as implemented
//! - **Place.** A need's place is a commune (its centre is the referential's `lat`/`lon`) or a
//!   point, which belongs to the commune whose centre is nearest (an arrondissement in Paris,
//!   Lyon and Marseille), and to that commune's EPCI, département and region.
//! - **Serves** (the supplier's zones). The activities that count are the ones relevant to the
//!   need (the caller says which); when none is relevant, all of them count. An activity covers
//!   the place when its zone is national, or one of its `areas` contains the place's commune
//!   (`commune:75056` contains the arrondissements 75101…75120; `epci:`, `dept:`, `region:` by
//!   the commune's own EPCI, département and region), or the place lies within `radius_km`
//!   (great-circle, boundary included) of the supplier's location (its `location`, else its
//!   commune's centre). An activity without zone, and a supplier without activities, serve the
//!   supplier's own département (the département of its address commune).
//! - **Located in the perimeter.** A perimeter widens the place, so a supplier also qualifies
//!   when the perimeter is national; or its address commune is the place's commune (for a city,
//!   any of its arrondissements) — the place itself is always inside its widening, which is how
//!   a supplier whose address is in a Paris arrondissement is inside a 1 km perimeter around
//!   Paris; or its commune is in one of the perimeter's `areas`; or it lies within the
//!   perimeter's `radius_km` of the place.
//! - **Reserved route.** `model::eligibility` (declared and inferred kinds, ESS/ESUS flags).
//! - **Modes.** When the need lists modes, one of the counted activities declares one of them;
//!   a supplier that declares no mode does not satisfy a mode filter.
//! - **Open.** A closed establishment never qualifies.
//!
//! # Relevance grades (what `needs_truth.jsonl` means)
//! - **2**: the supplier runs one of the need's intended trades (an activity of that trade, or
//!   an offer of it when it lists no activity) and, counting that trade's activities, satisfies
//!   every hard rule above.
//! - **1**: not grade 2, but the supplier runs a trade *related* to an intended one (e.g. tree
//!   care for a green-spaces need, window cleaning for premises cleaning) and satisfies every
//!   hard rule counting that related trade's activities.
//! - **0**: everything else (wrong trade, or right trade but a hard rule fails).

use serde::{Deserialize, Serialize};

use crate::model::eligibility::supplier_eligibility;
use crate::model::geography::qualifies;
use crate::model::need::Need;
use crate::model::supplier::{Activity, Supplier};
use crate::referential::Referential;

pub use crate::model::geography::{
    GeoQualification, InPerimeter, ResolvedPlace, Served, ZoneCover, resolve_place,
};

use super::catalog::{self, TradeLink};

/// The geography rule: serves the place (counting the `counted` activities, or all when
/// empty), or is located inside the perimeter. Delegates to `model::geography`, the
/// project's one reference implementation of the contract's rule.
pub fn geography(
    need: &Need,
    s: &Supplier,
    counted: &[usize],
    r: &Referential,
) -> Option<GeoQualification> {
    let place = resolve_place(&need.place, r)?;
    qualifies(s, need, counted, &place, r)
}

/// The modes rule (see the module documentation).
pub fn modes_ok(need: &Need, s: &Supplier, counted: &[usize]) -> bool {
    if need.modes.is_empty() {
        return true;
    }
    let offers = |a: &Activity| a.modes.iter().any(|m| need.modes.contains(m));
    if counted.is_empty() {
        s.activities.iter().any(offers)
    } else {
        counted
            .iter()
            .filter_map(|&i| s.activities.get(i))
            .any(offers)
    }
}

/// The reserved-route rule.
pub fn reserved_ok(need: &Need, s: &Supplier) -> bool {
    need.reserved
        .is_none_or(|route| supplier_eligibility(route, s).is_some())
}

/// Which hard rules a supplier satisfies for a need.
#[derive(Debug, Clone, PartialEq)]
pub struct HardRules {
    /// `Some(why)` when the supplier serves the place or is inside the perimeter.
    pub geography: Option<GeoQualification>,
    pub reserved: bool,
    pub modes: bool,
    /// Not a closed establishment.
    pub open: bool,
}

/// One broken hard rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Violation {
    Geography,
    Reserved,
    Modes,
    Closed,
}

impl HardRules {
    pub fn all_pass(&self) -> bool {
        self.geography.is_some() && self.reserved && self.modes && self.open
    }

    pub fn violations(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        if self.geography.is_none() {
            v.push(Violation::Geography);
        }
        if !self.reserved {
            v.push(Violation::Reserved);
        }
        if !self.modes {
            v.push(Violation::Modes);
        }
        if !self.open {
            v.push(Violation::Closed);
        }
        v
    }
}

/// Check every hard rule. `counted` are the indices of the supplier's activities relevant to
/// the need (empty: all count), e.g. from [`activities_of_trades`] or [`activities_matching_cpv`].
pub fn check(need: &Need, s: &Supplier, counted: &[usize]) -> HardRules {
    let r = Referential::get();
    HardRules {
        geography: geography(need, s, counted, r),
        reserved: reserved_ok(need, s),
        modes: modes_ok(need, s, counted),
        open: !s.closed,
    }
}

/// Indices of a generated supplier's activities that belong to one of these trades (keys).
pub fn activities_of_trades(s: &Supplier, trade_keys: &[&str]) -> Vec<usize> {
    let wanted: Vec<usize> = trade_keys
        .iter()
        .filter_map(|k| catalog::trade_index(k))
        .collect();
    s.activities
        .iter()
        .enumerate()
        .filter(|(_, a)| catalog::classify_activity(a).is_some_and(|t| wanted.contains(&t)))
        .map(|(i, _)| i)
        .collect()
}

/// Whether two CPV codes are on one branch of the tree (equal, or one below the other).
pub fn cpv_related(a: &str, b: &str) -> bool {
    let a8 = a.get(..8).unwrap_or(a);
    let b8 = b.get(..8).unwrap_or(b);
    let pa = crate::referential::codes::significant_prefix(a8);
    let pb = crate::referential::codes::significant_prefix(b8);
    a8.starts_with(pb) || b8.starts_with(pa)
}

/// Indices of the activities whose CPV codes are on a branch of one of the need's codes (the
/// contract's "its CPV codes match"), for data without generated trades.
pub fn activities_matching_cpv(s: &Supplier, need: &Need) -> Vec<usize> {
    s.activities
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            a.cpv
                .iter()
                .any(|c| need.cpv.iter().any(|n| cpv_related(c, n)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The graded relevance of a supplier (its trade links from [`catalog::classify_supplier`])
/// for a need of the given intended trades (indices into the catalogue).
pub fn grade(need: &Need, s: &Supplier, links: &[TradeLink], intended: &[usize]) -> u8 {
    grade_with_reason(need, s, links, intended).0
}

/// [`grade`] with, for a supplier of an intended trade that fails, the rules it breaks.
pub fn grade_with_reason(
    need: &Need,
    s: &Supplier,
    links: &[TradeLink],
    intended: &[usize],
) -> (u8, Vec<Violation>) {
    let mut first_failure: Option<Vec<Violation>> = None;
    for link in links.iter().filter(|l| intended.contains(&l.trade)) {
        let rules = check(need, s, &link.activities);
        if rules.all_pass() {
            return (2, Vec::new());
        }
        first_failure.get_or_insert_with(|| rules.violations());
    }
    let related: Vec<usize> = intended
        .iter()
        .flat_map(|&t| {
            catalog::TRADES[t]
                .related
                .iter()
                .filter_map(|k| catalog::trade_index(k))
        })
        .filter(|t| !intended.contains(t))
        .collect();
    for link in links.iter().filter(|l| related.contains(&l.trade)) {
        if check(need, s, &link.activities).all_pass() {
            return (1, first_failure.unwrap_or_default());
        }
    }
    (0, first_failure.unwrap_or_default())
}

/// One graded supplier in the ground truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub siret: String,
    pub grade: u8,
}

/// How many suppliers of the intended trades each hard rule excluded (a supplier breaking
/// several rules counts once per rule).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusions {
    pub geography: usize,
    pub reserved: usize,
    pub modes: usize,
    pub closed: usize,
}

/// One line of `needs_truth.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedTruth {
    pub need_id: String,
    /// Intended trades (keys), one per lot.
    pub trades: Vec<String>,
    /// Trades whose suppliers are graded 1.
    pub related_trades: Vec<String>,
    /// How the need is worded (`short_title`, `tender_notice`, …).
    pub style: String,
    /// Suppliers with grade 1 or 2, best grade first, then by SIRET.
    pub relevant: Vec<Judgement>,
    /// Suppliers of an intended trade, whatever the hard rules.
    pub num_same_trade: usize,
    /// Suppliers of an intended trade excluded by each hard rule.
    pub excluded: Exclusions,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpv_branches() {
        assert!(cpv_related("90910000-9", "90911200-8"));
        assert!(cpv_related("90911200", "90910000"));
        assert!(cpv_related("90911200", "90911200"));
        assert!(!cpv_related("90911200", "90911300"));
        assert!(!cpv_related("77310000", "90910000"));
    }
}
