//! Scoring one supplier for one need: hard rules, the score blend, French explanations and
//! warnings.
//!
//! # Hard rules (a supplier failing one is never returned)
//! - open (not a ceased establishment);
//! - eligible for the need's reserved route (`model::eligibility`);
//! - offers one of the need's modes, when the need lists some (on a relevant activity when
//!   there is one);
//! - the contract's geography rule (`model::geography::qualifies`): serves the place through
//!   a *relevant* activity's zone (any activity's when none is relevant), or is located in the
//!   need's perimeter;
//! - some evidence that it does the work: words, CPV or trade NAF.
//!
//! An activity is *relevant* when one of its CPV codes is on the same branch as a need code
//! or in its class or group, or when its label shares a stem (or a thesaurus expression) with
//! the need's words.
//!
//! # Score
//! `score = R × (0.70 + 0.12·G + 0.06·D + 0.06·P + 0.06·F)`, or with a social clause
//! `R × (0.62 + 0.10·G + 0.05·D + 0.05·P + 0.04·F + 0.14·S)`, where
//! - `R = 1 − (1 − 0.9·T)·(1 − C)` is the relevance (a noisy-or of the two kinds of evidence):
//!   `T` the text evidence (the weighted share of the need's informative words found in the
//!   profile, 0.75, plus the index's BM25 relative to the best candidate, 0.25), `C` the code
//!   evidence (the best CPV relation: exact 1, narrower 0.95, same class 0.7, broader 0.6, same
//!   group 0.45, same division 0.2; a trade NAF corresponding to the need's CPV 0.5);
//! - `G` the geographic fit: an explicit zone of a relevant activity 1, an explicit zone of
//!   another activity 0.85, the default zone (own département) 0.75, only located in the
//!   perimeter 0.65;
//! - `D = exp(−d / 30 km)`, the distance decay from the supplier to the place;
//! - `P` the profile completeness, `F` its freshness (1 up to a year, then falling to 0 over
//!   two more years);
//! - `S` the social-clause fit: an SIAE or GEIQ 1, an EA/EATT/ESAT 0.8, insertion staff 0.7,
//!   another SSE structure 0.3.
//!
//! Relevance dominates by construction: proximity, completeness and freshness only reorder
//! suppliers whose evidence is comparable. Pure: no IO.

use std::collections::HashSet;

use super::codes::{CpvRelation, cpv_relation, is_administrative_naf};
use super::text::WeightedWord;
use crate::index::analysis::{Thesaurus, stem, stems};
use crate::model::eligibility::{Basis, supplier_eligibility};
use crate::model::geography::{
    GeoQualification, InPerimeter, ResolvedPlace, ZoneCover, qualifies, supplier_point,
};
use crate::model::{Kind, Need, Supplier};
use crate::referential::Referential;

/// How a need word was found in a profile (from the text index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordMatchKind {
    Exact,
    Prefix,
    Typo,
    Synonym,
}

impl WordMatchKind {
    fn factor(self) -> f64 {
        match self {
            WordMatchKind::Exact => 1.0,
            WordMatchKind::Prefix => 0.8,
            WordMatchKind::Typo => 0.7,
            WordMatchKind::Synonym => 0.65,
        }
    }
}

/// One need word found in a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct WordMatch {
    /// The need's word (folded) or expression.
    pub query: String,
    /// What it matched in the profile.
    pub matched: String,
    pub kind: WordMatchKind,
    /// Found in the name or a trade field (activity labels, offers, codes' labels) rather than
    /// only in free text.
    pub in_trade: bool,
}

/// What the text index found for a supplier.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextEvidence {
    pub words: Vec<WordMatch>,
    /// The index's text score divided by the best among the candidates, in [0, 1].
    pub relative_score: f64,
}

/// What a need is matched with: its informative words, CPV codes and the trade NAF codes that
/// correspond to them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchPlan {
    pub words: Vec<WeightedWord>,
    /// Canonical CPV codes (`77310000-6`): the need's and those written in its text.
    pub cpv: Vec<String>,
    pub naf: Vec<&'static str>,
    /// Stems of the words and of their thesaurus expansions, for activity relevance.
    pub stems: HashSet<String>,
}

impl MatchPlan {
    /// Total weight of the words.
    pub fn total_weight(&self) -> f64 {
        self.words.iter().map(|w| w.weight).sum()
    }
}

/// Why a supplier is relevant, by kind of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeEvidence {
    pub relation: CpvRelation,
    /// The supplier's code (canonical).
    pub supplier_code: String,
}

/// The parts of a score, for explanations and tuning.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Components {
    pub text: f64,
    pub code: f64,
    pub relevance: f64,
    pub geo: f64,
    pub distance: f64,
    pub completeness: f64,
    pub freshness: f64,
    pub social: f64,
}

/// A supplier that passes every hard rule, with its score and explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub score: f64,
    pub distance_km: Option<f64>,
    /// Why it matched, in French.
    pub reasons: Vec<String>,
    /// What the buyer should check, in French.
    pub warnings: Vec<String>,
    pub components: Components,
    /// The activities relevant to the need.
    pub relevant_activities: Vec<usize>,
}

/// Below this relevance a supplier is not returned (no real evidence).
pub const MIN_RELEVANCE: f64 = 0.12;

/// Text evidence `T` in [0, 1].
pub fn text_score(plan: &MatchPlan, ev: Option<&TextEvidence>) -> f64 {
    let Some(ev) = ev else { return 0.0 };
    let total = plan.total_weight();
    if total <= 0.0 || ev.words.is_empty() {
        return 0.0;
    }
    let mut covered = 0.0;
    for w in &plan.words {
        let best = ev
            .words
            .iter()
            .filter(|m| m.query == w.word || m.query.split(' ').any(|q| q == w.word))
            .map(|m| m.kind.factor() * if m.in_trade { 1.0 } else { 0.75 })
            .fold(0.0, f64::max);
        covered += w.weight * best;
    }
    let coverage = (covered / total).min(1.0);
    0.75 * coverage + 0.25 * ev.relative_score.clamp(0.0, 1.0)
}

/// Whether an activity label relates to the plan's stems.
fn label_relevant(label: &str, plan: &MatchPlan) -> bool {
    !plan.stems.is_empty() && stems(label).iter().any(|s| plan.stems.contains(s))
}

/// Indices of the supplier's activities relevant to the need, and the best code evidence.
pub fn relevant_activities(plan: &MatchPlan, s: &Supplier) -> (Vec<usize>, Option<CodeEvidence>) {
    let mut relevant = Vec::new();
    let mut best: Option<CodeEvidence> = None;
    for (i, a) in s.activities.iter().enumerate() {
        let mut is_relevant = false;
        for code in &a.cpv {
            for n in &plan.cpv {
                if let Some(rel) = cpv_relation(n, code) {
                    if rel <= CpvRelation::SameGroup {
                        is_relevant = true;
                    }
                    if best.as_ref().is_none_or(|b| rel < b.relation) {
                        best = Some(CodeEvidence {
                            relation: rel,
                            supplier_code: code.clone(),
                        });
                    }
                }
            }
        }
        if !is_relevant && a.label.as_deref().is_some_and(|l| label_relevant(l, plan)) {
            is_relevant = true;
        }
        if is_relevant {
            relevant.push(i);
        }
    }
    (relevant, best)
}

/// Stems of the plan's words and of their thesaurus expansions.
pub fn plan_stems(words: &[WeightedWord]) -> HashSet<String> {
    let mut out: HashSet<String> = HashSet::new();
    let seq: Vec<String> = words.iter().map(|w| stem(&w.word)).collect();
    out.extend(seq.iter().cloned());
    for m in Thesaurus::get().find(&seq) {
        for alt in m.alternatives {
            // A multi-word expansion is relevant through its most specific word.
            if let Some(longest) = alt.stems.iter().max_by_key(|s| s.len()) {
                out.insert(longest.clone());
            }
        }
    }
    out.retain(|s| s.len() >= 3);
    out
}

fn social_fit(s: &Supplier) -> (f64, Option<String>) {
    if let Some(k) = s.kinds.iter().find(|k| k.is_siae() || **k == Kind::GEIQ) {
        return (
            1.0,
            Some(format!(
                "clause sociale : structure d'insertion ({})",
                k.as_str()
            )),
        );
    }
    if let Some(k) = s.kinds.iter().find(|k| k.is_disability()) {
        return (
            0.8,
            Some(format!(
                "clause sociale : {} (travailleurs handicapés)",
                k.as_str()
            )),
        );
    }
    if s.capacity.insertion_employees.is_some_and(|n| n > 0) {
        return (
            0.7,
            Some("clause sociale : salariés en insertion".to_string()),
        );
    }
    if s.ess || s.esus {
        return (0.3, None);
    }
    (0.0, None)
}

/// Days between a profile's `updated_at` and `today`.
fn days_since(updated_at: Option<&str>, today: jiff::civil::Date) -> Option<i64> {
    let ts: jiff::Timestamp = updated_at?.parse().ok()?;
    let d = ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let span = d.until((jiff::Unit::Day, today)).ok()?;
    Some(i64::from(span.get_days()))
}

fn freshness(days: Option<i64>) -> f64 {
    match days {
        None => 0.5,
        Some(d) if d <= 365 => 1.0,
        Some(d) => (1.0 - (d - 365) as f64 / 730.0).max(0.0),
    }
}

/// French number with thin grouping: 120 000.
pub fn euros(x: f64) -> String {
    let n = x.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    format!("{}{out} €", if n < 0 { "-" } else { "" })
}

fn cpv_reason(ev: &CodeEvidence) -> String {
    let code8 = ev
        .supplier_code
        .split('-')
        .next()
        .unwrap_or(&ev.supplier_code);
    format!("CPV {code8} ({})", ev.relation.label_fr())
}

fn geo_reason(q: &GeoQualification, s: &Supplier, r: &Referential) -> String {
    match q {
        GeoQualification::Serves(sv) => {
            let base = match &sv.cover {
                ZoneCover::National => "intervient dans toute la France".to_string(),
                ZoneCover::Area(a) => {
                    format!("intervient {}", crate::index::reasons::in_area(r, a))
                }
                ZoneCover::Radius { radius_km, .. } => {
                    format!(
                        "intervient dans un rayon de {}",
                        crate::index::reasons::km(*radius_km)
                    )
                }
                ZoneCover::OwnDepartement(d) => format!(
                    "intervient dans son département, {}",
                    crate::index::reasons::in_area(r, &crate::model::Area::Dept(d.clone()))
                        .replacen("dans ", "", 1)
                ),
            };
            match sv
                .activity
                .and_then(|i| s.activities.get(i))
                .and_then(|a| a.label.as_deref())
            {
                Some(l) => format!("{base} pour « {l} »"),
                None => base,
            }
        }
        GeoQualification::Located(l) => match l {
            InPerimeter::National => "situé en France (périmètre national)".to_string(),
            InPerimeter::InPlace => "situé sur la commune du lieu d'exécution".to_string(),
            InPerimeter::Area(a) => format!("situé {}", crate::index::reasons::in_area(r, a)),
            InPerimeter::Radius { radius_km, .. } => {
                format!(
                    "situé dans le périmètre de {}",
                    crate::index::reasons::km(*radius_km)
                )
            }
        },
    }
}

fn words_reason(ev: &TextEvidence) -> Option<String> {
    let mut seen = HashSet::new();
    let words: Vec<String> = ev
        .words
        .iter()
        .filter(|m| seen.insert(m.query.clone()))
        .map(|m| match m.kind {
            WordMatchKind::Exact => m.query.clone(),
            WordMatchKind::Synonym => format!("{} → {}", m.query, m.matched),
            WordMatchKind::Typo | WordMatchKind::Prefix => format!("{} (≈ {})", m.query, m.matched),
        })
        .collect();
    (!words.is_empty()).then(|| format!("mots : {}", words.join(", ")))
}

/// Assess one supplier for one need. `None` when a hard rule fails or there is no evidence.
pub fn assess(
    plan: &MatchPlan,
    need: &Need,
    s: &Supplier,
    text: Option<&TextEvidence>,
    place: &ResolvedPlace<'_>,
    r: &Referential,
    today: jiff::civil::Date,
) -> Option<Assessment> {
    if s.closed {
        return None;
    }
    let basis: Option<Basis> = match need.reserved {
        Some(route) => Some(supplier_eligibility(route, s)?),
        None => None,
    };
    let (relevant, code_ev) = relevant_activities(plan, s);
    if !need.modes.is_empty() {
        let offers = |i: &usize| {
            s.activities
                .get(*i)
                .is_some_and(|a| a.modes.iter().any(|m| need.modes.contains(m)))
        };
        let ok = if relevant.is_empty() {
            (0..s.activities.len()).any(|i| offers(&i))
        } else {
            relevant.iter().any(offers)
        };
        if !ok {
            return None;
        }
    }
    let geo = qualifies(s, need, &relevant, place, r)?;

    let t = text_score(plan, text);
    let naf_ev = s
        .naf
        .as_deref()
        .filter(|n| !is_administrative_naf(n) && plan.naf.contains(n));
    let c_cpv = code_ev.as_ref().map_or(0.0, |e| e.relation.strength());
    let c = c_cpv.max(if naf_ev.is_some() { 0.5 } else { 0.0 });
    let relevance = 1.0 - (1.0 - 0.9 * t) * (1.0 - c);
    if relevance < MIN_RELEVANCE {
        return None;
    }

    let g = match &geo {
        GeoQualification::Serves(sv) => match (&sv.cover, sv.activity) {
            (ZoneCover::OwnDepartement(_), _) => 0.75,
            (_, Some(i)) if relevant.contains(&i) => 1.0,
            _ => 0.85,
        },
        GeoQualification::Located(_) => 0.65,
    };
    let distance_km = match (supplier_point(s, r), place.point) {
        (Some(a), Some(b)) => Some(a.distance_km(&b)),
        _ => None,
    };
    let d = distance_km.map_or(0.3, |km| (-km / 30.0).exp());
    let p = s.completeness();
    let days = days_since(s.updated_at.as_deref(), today);
    let f = freshness(days);
    let (social, social_reason) = social_fit(s);
    let score = if need.social_clause {
        relevance * (0.62 + 0.10 * g + 0.05 * d + 0.05 * p + 0.04 * f + 0.14 * social)
    } else {
        relevance * (0.70 + 0.12 * g + 0.06 * d + 0.06 * p + 0.06 * f)
    };

    let mut reasons = Vec::new();
    if let Some(ev) = &code_ev
        && ev.relation <= CpvRelation::SameGroup
    {
        reasons.push(cpv_reason(ev));
    }
    if let Some(naf) = naf_ev {
        let label = r
            .naf
            .get(naf)
            .map(|c| c.label_fr.clone())
            .unwrap_or_default();
        reasons.push(format!("NAF {naf} ({label})"));
    }
    if let Some(w) = text.and_then(words_reason) {
        reasons.push(w);
    }
    if reasons.is_empty()
        && let Some(ev) = &code_ev
    {
        reasons.push(cpv_reason(ev));
    }
    reasons.push(geo_reason(&geo, s, r));
    if let Some(km) = distance_km {
        reasons.push(crate::index::reasons::distance(km));
    }
    if let (Some(b), Some(route)) = (basis, need.reserved) {
        let inferred = matches!(b, Basis::Kind(k) if s.inferred_kinds.contains(&k));
        reasons.push(if inferred {
            format!("{} (type déduit du registre)", b.explain(route))
        } else {
            b.explain(route)
        });
    }
    if need.social_clause
        && let Some(sr) = social_reason
    {
        reasons.push(sr);
    }

    let mut warnings = Vec::new();
    if let (Some(amount), Some(turnover)) = (need.amount_eur, s.capacity.turnover_eur)
        && turnover > 0.0
        && amount > turnover / 2.0
    {
        warnings.push(format!(
            "montant estimé ({}) supérieur à la moitié du chiffre d'affaires annuel ({}) : envisager l'allotissement ou une candidature groupée",
            euros(amount),
            euros(turnover)
        ));
    }
    if let Some(days) = days
        && days > 365
    {
        let date = s
            .updated_at
            .as_deref()
            .and_then(|u| u.get(..10))
            .unwrap_or("");
        let fr_date = crate::events::agenda::date_fr(date);
        warnings.push(format!(
            "profil non mis à jour depuis plus d'un an (dernière mise à jour le {fr_date})"
        ));
    }

    Some(Assessment {
        score,
        distance_km,
        reasons,
        warnings,
        components: Components {
            text: t,
            code: c,
            relevance,
            geo: g,
            distance: d,
            completeness: p,
            freshness: f,
            social,
        },
        relevant_activities: relevant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_grouped_the_french_way() {
        assert_eq!(euros(120000.0), "120\u{202f}000 €");
        assert_eq!(euros(950.4), "950 €");
    }

    #[test]
    fn freshness_falls_after_a_year() {
        assert_eq!(freshness(Some(100)), 1.0);
        assert!(freshness(Some(730)) < 1.0 && freshness(Some(730)) > 0.0);
        assert_eq!(freshness(Some(5000)), 0.0);
    }
}
