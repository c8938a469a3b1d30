//! The use cases that combine the search index with the pure matching rules: rank suppliers
//! for a need, and find the open needs a supplier could answer.
//!
//! Forward matching retrieves candidates from the index through three channels — the need's
//! informative words (`TextMode::Any`), its CPV codes (at group level, so siblings and more
//! general codes come too) and the trade NAF codes that correspond to them — each restricted
//! by the reserved route and the contract's geography clause; then every candidate is judged
//! by `matching::assess`, which re-applies every hard rule exactly and computes the score and
//! explanations. A need without codes gets CPV codes inferred from its best text matches
//! (pseudo-relevance feedback), which feed the code and NAF channels and weak code evidence.
//! Word weights use the index's document frequencies; which CPV divisions a relevant
//! activity may declare is learnt from a sample of the corpus (see `related_groups`). Reverse
//! matching judges one supplier against every open need with the same
//! `assess`. The HTTP API and the CLI call these functions; no IO besides the index.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::index::{
    Filters, GeoClause, MatchKind, PerimeterSpec, PlaceRef, SearchIndex, SearchQuery, TextField,
    TextMode, parse_cpv,
};
use crate::matching::{self, Assessment, MatchPlan, TextEvidence, WordMatch, WordMatchKind};
use crate::model::geography::resolve_place;
use crate::model::{Area, GeoPoint, Need, Supplier};
use crate::referential::Referential;

/// Candidates taken from each retrieval channel.
const CHANNEL_DEPTH: usize = 400;

/// One ranked supplier for a need.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchResult {
    pub siret: String,
    pub name: String,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// Why it matched, in French.
    pub reasons: Vec<String>,
    /// What the buyer should check, in French.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub supplier: Arc<Supplier>,
    #[serde(skip)]
    pub components: matching::Components,
}

/// Ranked suppliers for a need.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchResults {
    /// Suppliers that pass every hard rule and show some evidence.
    pub total: usize,
    pub results: Vec<MatchResult>,
}

/// Today's date (UTC), for freshness.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// The plan of a need, with word informativeness taken from the index.
pub fn plan_for(index: &SearchIndex, need: &Need) -> MatchPlan {
    let snap = index.snapshot();
    let mut plan = matching::plan(need, |w| Some(snap.doc_freq(w)), snap.num_docs());
    plan.related_groups = related_groups(index, &plan.cpv);
    plan.core_groups = core_groups(index, &plan.cpv);
    plan.trade_labels = trade_labels(index, &plan.cpv).into_iter().collect();
    plan.neighbour_classes = neighbour_classes(index, &plan.cpv);
    plan.akin_senses = akin_senses(index, &plan.cpv);
    plan
}

/// Suppliers sampled to learn which CPV groups activities declare together.
const GROUP_SAMPLE: usize = 5000;

/// The CPV prefix a code seeds relatedness with: its group (three digits), or its division
/// when the code is coarser (`77000000` → `77`).
fn seed_prefix(code: &str) -> Option<String> {
    let c8 = matching::codes::code8(code);
    let sig = crate::referential::codes::significant_prefix(c8);
    let p = c8.get(..sig.len().clamp(2, 3))?;
    Some(p.to_string())
}

/// CPV groups co-declared with each seed prefix, per index generation: learning them costs
/// one search over up to `GROUP_SAMPLE` suppliers, and the association is a corpus statistic
/// that single writes barely move, so it is computed once per prefix and generation (a
/// `reindex` or restart refreshes it).
static GROUPS: std::sync::LazyLock<parking_lot::Mutex<Learnt<SeedGroups>>> =
    std::sync::LazyLock::new(Default::default);

/// (index generation, CPV seed prefix) → what is learnt of the seed.
type Learnt<T> = std::collections::HashMap<(String, String), T>;

/// (index generation, CPV seed prefix) → the prefixes declared with it.
type RelatedByPrefix = Learnt<Vec<String>>;

/// The groups co-declared with one seed prefix, both learnt from one sample: all of them
/// ([`related_groups`]) and the common ones ([`core_groups`]), the seed included in each.
#[derive(Clone)]
struct SeedGroups {
    related: Vec<String>,
    core: Vec<String>,
}

/// The CPV prefixes an activity relevant to a need with these codes may declare: each
/// code's group (its division when coarser), and the groups that activities in the corpus
/// declare together with a code under it (an activity of the trade may carry codes of
/// several groups: catering under 555 and 158, tree care under 772 and 773). Empty when
/// `codes` is.
pub fn related_groups(index: &SearchIndex, codes: &[String]) -> Vec<String> {
    seed_groups(index, codes, |g| &g.related)
}

/// One kind of the [`SeedGroups`] of the codes' seed prefixes, from the shared cache.
fn seed_groups(
    index: &SearchIndex,
    codes: &[String],
    pick: fn(&SeedGroups) -> &[String],
) -> Vec<String> {
    learnt_per_seed(
        &GROUPS,
        index,
        codes,
        seed_prefix,
        seed_groups_uncached,
        pick,
    )
}

fn seed_groups_uncached(index: &SearchIndex, seed: &str) -> SeedGroups {
    seed_groups_of(&sampled_activities(index, seed), seed)
}

/// The [`SeedGroups`] of a seed prefix from sampled activities (label and codes).
fn seed_groups_of(sampled: &[(Option<String>, Vec<String>)], seed: &str) -> SeedGroups {
    let activities: Vec<&Vec<String>> = sampled
        .iter()
        .map(|(_, codes)| codes)
        .filter(|codes| codes.iter().any(|c| c.starts_with(seed)))
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for codes in &activities {
        vote_once(
            &mut counts,
            codes
                .iter()
                .filter_map(|c| c.get(..3))
                .filter(|g| !g.starts_with(seed)),
        );
    }
    let (mut related, mut core) = (vec![seed.to_string()], vec![seed.to_string()]);
    for (g, n) in counts {
        if n as f64 >= CORE_SHARE * activities.len() as f64 {
            core.push(g.clone());
        }
        related.push(g);
    }
    related.sort();
    core.sort();
    SeedGroups { related, core }
}

/// The CPV prefix a code learns its trade's labels with: its class (four digits); none for
/// a coarser code, since a group may hold several trades (983: laundry, removals,
/// caretaking) and a class hardly does.
fn label_seed(code: &str) -> Option<String> {
    let c8 = matching::codes::code8(code);
    let sig = crate::referential::codes::significant_prefix(c8);
    (sig.len() >= 4)
        .then(|| c8.get(..4))
        .flatten()
        .map(str::to_string)
}

static LABELS: std::sync::LazyLock<parking_lot::Mutex<RelatedByPrefix>> =
    std::sync::LazyLock::new(Default::default);

/// The activity labels of the trade of one [`label_seed`]: see [`labels_of_the_trade`].
fn trade_labels_uncached(index: &SearchIndex, seed: &str) -> Vec<String> {
    let sampled = sampled_activities(index, seed);
    let core = seed_groups_of(&sampled, seed).core;
    // The class seed is its own group's trade: the group's other classes may be other
    // trades' (the group is core to the class, which is under it).
    let own_group = seed.get(..3);
    let trade: Vec<String> = core
        .into_iter()
        .filter(|g| Some(g.as_str()) != own_group)
        .collect();
    labels_of_the_trade(&sampled, seed, &trade)
}

/// A label is one of a trade's when at least this many sampled activities carrying it
/// declare a code under the seed or one of its core groups...
const TRADE_LABEL_MIN: usize = 3;
/// ...and they are at least this share of the sampled activities carrying it with codes.
const TRADE_LABEL_SHARE: f64 = 0.5;

/// The keys (`matching::label_key`) of the activity labels that the sampled activities
/// (label and codes) mostly carry with a code under one of the `trade` prefixes, and at
/// least once under the `seed` class itself: the corpus says which trade a label names by
/// the codes its writers declare. « Conciergerie et gardiennage d'immeubles » is written by
/// building-maintenance suppliers whatever codes a given one declares, and none of its
/// words is a building trade's. A label never written under the class is another trade's
/// that shares a group with it: « Façonnage et reliure », always coded in printing (798),
/// which mailing activities declare too (79823000), is not a mailing label. Sorted.
fn labels_of_the_trade(
    sampled: &[(Option<String>, Vec<String>)],
    seed: &str,
    trade: &[String],
) -> Vec<String> {
    // Per label: carried inside the trade, under the class itself, outside.
    let mut tally: HashMap<String, (usize, usize, usize)> = HashMap::new();
    for (label, codes) in sampled {
        let Some(label) = label.as_deref().filter(|_| !codes.is_empty()) else {
            continue;
        };
        let inside = codes
            .iter()
            .any(|c| trade.iter().any(|g| c.starts_with(g.as_str())));
        let t = tally.entry(matching::label_key(label)).or_default();
        if inside {
            t.0 += 1;
        } else {
            t.2 += 1;
        }
        if codes.iter().any(|c| c.starts_with(seed)) {
            t.1 += 1;
        }
    }
    let mut out: Vec<String> = tally
        .into_iter()
        .filter(|&(_, (inside, anchored, outside))| {
            inside >= TRADE_LABEL_MIN
                && anchored > 0
                && inside as f64 >= TRADE_LABEL_SHARE * (inside + outside) as f64
        })
        .map(|(l, _)| l)
        .collect();
    out.sort();
    out
}

/// The label and codes (eight digits) of every activity of up to `GROUP_SAMPLE`
/// sampled suppliers that declare a code under the CPV prefix `seed`.
fn sampled_activities(index: &SearchIndex, seed: &str) -> Vec<(Option<String>, Vec<String>)> {
    let Ok(prefix) = parse_cpv(seed) else {
        return Vec::new();
    };
    let q = SearchQuery {
        filters: Filters {
            cpv: vec![prefix],
            ..Filters::default()
        },
        per_page: GROUP_SAMPLE,
        ..SearchQuery::default()
    };
    let Ok(res) = index.search(&q) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for h in res.hits {
        for a in &h.supplier.activities {
            let codes: Vec<String> = a
                .cpv
                .iter()
                .map(|c| matching::codes::code8(c).to_string())
                .collect();
            out.push((a.label.clone(), codes));
        }
    }
    out
}

/// A co-declared group is a *core* group of a seed when at least this share of the sampled
/// activities with a code under the seed also declare one under it.
const CORE_SHARE: f64 = 0.1;

/// The [`related_groups`] that the activities of the trade commonly declare together with
/// the need's codes (`MatchPlan::core_groups`): catering under 555 and 158, not the catch-all
/// 799 that a few mailing houses add to a mailing activity.
pub fn core_groups(index: &SearchIndex, codes: &[String]) -> Vec<String> {
    seed_groups(index, codes, |g| &g.core)
}

/// The activity labels (`matching::label_key`) of the trade of a need with these codes:
/// those its suppliers mostly write with a code under one of the trade's core groups
/// (`MatchPlan::trade_labels`). Empty when `codes` is.
pub fn trade_labels(index: &SearchIndex, codes: &[String]) -> Vec<String> {
    learnt_per_seed(
        &LABELS,
        index,
        codes,
        label_seed,
        trade_labels_uncached,
        Vec::as_slice,
    )
}

/// A CPV class is a neighbour of a need's codes when the suppliers declaring a code under
/// them declare it this many times more often than the corpus does (lift)...
const NEIGHBOUR_LIFT: f64 = 2.0;
/// ...and at least this many of them do.
const NEIGHBOUR_MIN_SUPPLIERS: usize = 3;

static NEIGHBOURS: std::sync::LazyLock<parking_lot::Mutex<RelatedByPrefix>> =
    std::sync::LazyLock::new(Default::default);

/// CPV classes (four digits) of the trades next to a need's codes: those that the suppliers
/// declaring a code under one of them (at group level) also declare, in any activity, much
/// more often than suppliers in general (a mailing house also packs, a cleaning company
/// also cleans after works). Learnt once per seed and index generation, like
/// [`related_groups`]; empty when `codes` is.
pub fn neighbour_classes(index: &SearchIndex, codes: &[String]) -> Vec<String> {
    learnt_per_seed(
        &NEIGHBOURS,
        index,
        codes,
        seed_prefix,
        neighbour_classes_uncached,
        Vec::as_slice,
    )
}

/// The union, sorted, of what `learn` finds for each code's seed prefix (`seed` of the
/// code), each learnt once per index generation and kept in `cache` (entries of older
/// generations are dropped).
fn learnt_per_seed<T: Clone>(
    cache: &parking_lot::Mutex<Learnt<T>>,
    index: &SearchIndex,
    codes: &[String],
    seed: fn(&str) -> Option<String>,
    learn: fn(&SearchIndex, &str) -> T,
    pick: fn(&T) -> &[String],
) -> Vec<String> {
    let generation = index.snapshot().generation().to_string();
    let mut out: Vec<String> = Vec::new();
    for c in codes {
        let Some(seed) = seed(c) else {
            continue;
        };
        let key = (generation.clone(), seed.clone());
        let cached = cache.lock().get(&key).cloned();
        let found = match cached {
            Some(r) => r,
            None => {
                let r = learn(index, &seed);
                let mut m = cache.lock();
                m.retain(|(g, _), _| *g == generation);
                m.insert(key, r.clone());
                r
            }
        };
        for r in pick(&found) {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
    }
    out.sort();
    out
}

fn neighbour_classes_uncached(index: &SearchIndex, seed: &str) -> Vec<String> {
    co_declared(index, seed, |seed, c| {
        (!c.starts_with(seed)).then(|| c.get(..4)).flatten()
    })
}

/// The keys (`key` of the seed and a code's eight digits) of the codes that the suppliers
/// declaring a code under `seed` declare, in any activity, [`NEIGHBOUR_LIFT`] times more
/// often than the corpus does, and at least [`NEIGHBOUR_MIN_SUPPLIERS`] of them; sorted.
fn co_declared(
    index: &SearchIndex,
    seed: &str,
    key: for<'a> fn(&'a str, &'a str) -> Option<&'a str>,
) -> Vec<String> {
    let count = |prefix: &str, per_page: usize| {
        let p = parse_cpv(prefix).ok()?;
        index
            .search(&SearchQuery {
                filters: Filters {
                    cpv: vec![p],
                    ..Filters::default()
                },
                per_page,
                ..SearchQuery::default()
            })
            .ok()
    };
    let Some(res) = count(seed, GROUP_SAMPLE) else {
        return Vec::new();
    };
    let sampled = res.hits.len();
    let num_docs = index.snapshot().num_docs() as f64;
    if sampled == 0 || num_docs <= 0.0 {
        return Vec::new();
    }
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for h in &res.hits {
        vote_once(
            &mut per_key,
            h.supplier
                .activities
                .iter()
                .flat_map(|a| a.cpv.iter())
                .filter_map(|c| key(seed, matching::codes::code8(c))),
        );
    }
    let mut out: Vec<String> = per_key
        .into_iter()
        .filter(|(_, n)| *n >= NEIGHBOUR_MIN_SUPPLIERS)
        .filter(|(k, n)| {
            count(k, 1).is_some_and(|r| {
                r.total > 0
                    && (*n as f64 / sampled as f64) / (r.total as f64 / num_docs) >= NEIGHBOUR_LIFT
            })
        })
        .map(|(k, _)| k)
        .collect();
    out.sort();
    out
}

static AKIN: std::sync::LazyLock<parking_lot::Mutex<RelatedByPrefix>> =
    std::sync::LazyLock::new(Default::default);

/// The sense a need code seeds sibling kinship with: its category (five significant digits,
/// four for a class), when it is finer than a group: every code of a group or a division
/// is below it, none is its sibling.
fn sense_prefix(code: &str) -> Option<String> {
    let sense = matching::score::cpv_sense(code);
    (sense.len() >= 4).then(|| sense.to_string())
}

/// CPV senses (categories, at most five significant digits) of the same group as a need
/// code that the suppliers declaring the code's own sense also declare, with the lift and
/// support of [`neighbour_classes`]: the siblings the corpus says are of one trade with it
/// (painting and joinery for a building-finishing company), as opposed to the lines of a
/// catch-all class that nobody declares together (relocation, tailoring and upholstering
/// under "autres services"). See `CpvRelation::strength_between`. Learnt once per sense and
/// index generation; empty when `codes` is.
pub fn akin_senses(index: &SearchIndex, codes: &[String]) -> Vec<String> {
    learnt_per_seed(
        &AKIN,
        index,
        codes,
        sense_prefix,
        akin_senses_uncached,
        Vec::as_slice,
    )
}

fn akin_senses_uncached(index: &SearchIndex, sense: &str) -> Vec<String> {
    co_declared(index, sense, |sense, c| {
        let other = matching::score::cpv_sense(c);
        (other.get(..3) == sense.get(..3) && !other.starts_with(sense) && !sense.starts_with(other))
            .then_some(other)
    })
}

fn place_ref(need: &Need) -> Result<PlaceRef> {
    match (&need.place.commune, need.place.lat, need.place.lon) {
        (Some(c), _, _) => Ok(PlaceRef::Commune(c.clone())),
        (None, Some(lat), Some(lon)) => GeoPoint::new(lat, lon)
            .map(PlaceRef::Point)
            .map_err(|(f, why)| Error::invalid(format!("place.{f}"), why)),
        _ => Err(Error::invalid(
            "place",
            "must give either commune or lat and lon",
        )),
    }
}

fn perimeter_spec(need: &Need) -> Option<PerimeterSpec> {
    let p = need.perimeter.as_ref()?;
    if p.national == Some(true) {
        return Some(PerimeterSpec::National);
    }
    if let Some(r) = p.radius_km {
        return Some(PerimeterSpec::RadiusKm(r));
    }
    p.areas.as_ref().map(|areas| {
        PerimeterSpec::Areas(areas.iter().filter_map(|a| Area::parse(a).ok()).collect())
    })
}

/// The words of the plan as index query text, in the order they appear in the need so that
/// multi-word expressions stay together. The text ends with a space: every word is complete
/// (the index reads a last word without one as being typed, and expands it by prefix).
fn query_text(plan: &MatchPlan) -> String {
    let mut q = plan
        .words
        .iter()
        .map(|w| w.word.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    q.push(' ');
    q
}

/// CPV prefixes for the code channel: each need code at group level (three significant
/// digits), or as given when coarser.
fn cpv_prefixes(plan: &MatchPlan) -> Vec<crate::index::CpvPrefix> {
    let mut out: Vec<crate::index::CpvPrefix> = Vec::new();
    let codes = if plan.cpv.is_empty() {
        &plan.inferred_cpv
    } else {
        &plan.cpv
    };
    for c in codes {
        let digits = c.split('-').next().unwrap_or(c);
        let sig = crate::referential::codes::significant_prefix(digits);
        let prefix = &digits[..sig.len().min(3)];
        if let Ok(p) = parse_cpv(prefix)
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

fn word_kind(k: MatchKind) -> Option<WordMatchKind> {
    match k {
        MatchKind::Exact => Some(WordMatchKind::Exact),
        MatchKind::Prefix => Some(WordMatchKind::Prefix),
        MatchKind::Typo => Some(WordMatchKind::Typo),
        MatchKind::Synonym => Some(WordMatchKind::Synonym),
        MatchKind::Code => None,
    }
}

/// How many of the best text matches vote for inferred CPV codes.
const INFERENCE_DEPTH: usize = 30;

/// How many of the corpus's best text matches (by BM25) are ranked again by the plan's
/// weighted coverage before the [`INFERENCE_DEPTH`] best vote.
const INFERENCE_POOL: usize = 100;

/// CPV codes for a need that gives none: the CPV groups (three digits) of the activities of
/// the best text matches in the whole corpus (not only those serving the place) whose labels
/// say the need's words, kept when several suppliers agree
/// (at least 3, and 30 % of the most voted group), at most three groups. Each group is
/// represented by its own code when the CPV list has one, else by its most voted code.
/// An allotted need's lots vote apart too, see [`plan_and_text`]. Also returns the vote's
/// support (`MatchPlan::inferred_support`): the share of the voters in the most voted group.
fn infer_cpv(plan: &MatchPlan, top: &[&Supplier], r: &Referential) -> (Vec<String>, f64) {
    let mut votes: HashMap<String, (usize, HashMap<String, usize>)> = HashMap::new();
    for s in top {
        let (relevant, _) = matching::score::relevant_activities(plan, s);
        let mut groups_of_s: HashMap<String, Vec<String>> = HashMap::new();
        for i in relevant {
            for code in &s.activities[i].cpv {
                if let Ok(c) = r.cpv.resolve(code) {
                    groups_of_s
                        .entry(c.code8[..3].to_string())
                        .or_default()
                        .push(c.code.clone());
                }
            }
        }
        for (g, codes) in groups_of_s {
            let e = votes.entry(g).or_default();
            e.0 += 1;
            for c in codes {
                *e.1.entry(c).or_default() += 1;
            }
        }
    }
    let max = votes.values().map(|v| v.0).max().unwrap_or(0);
    let support = if top.is_empty() {
        0.0
    } else {
        max as f64 / top.len() as f64
    };
    let mut groups: Vec<(String, usize, HashMap<String, usize>)> = votes
        .into_iter()
        .filter(|(_, v)| agreed(v.0, max))
        .map(|(g, v)| (g, v.0, v.1))
        .collect();
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let codes = groups
        .into_iter()
        .take(3)
        .filter_map(|(g, _, codes)| {
            let own = format!("{g}00000");
            match r.cpv.get(&own) {
                Some(c) => Some(c.code.clone()),
                None => codes
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                    .map(|(c, _)| c),
            }
        })
        .collect();
    (codes, support)
}

/// The senses of the inferred codes (`MatchPlan::inferred_senses`): the categories that the
/// relevant activities of the best text matches declare under the inferred groups, each
/// counted once per supplier, kept when at least 3 suppliers and 30 % of the most voted
/// category of the same group agree (the rule of [`infer_cpv`], one level down).
fn infer_senses(plan: &MatchPlan, top: &[&Supplier]) -> Vec<String> {
    let groups: Vec<&str> = plan
        .inferred_cpv
        .iter()
        .filter_map(|c| matching::codes::code8(c).get(..3))
        .collect();
    let group_of = |sense: &str| groups.iter().copied().find(|g| sense.starts_with(g));
    let mut votes: HashMap<String, usize> = HashMap::new();
    for s in top {
        let (relevant, _) = matching::score::relevant_activities(plan, s);
        vote_once(
            &mut votes,
            relevant
                .iter()
                .flat_map(|&i| s.activities[i].cpv.iter())
                .map(|c| matching::score::cpv_sense(c))
                .filter(|c| group_of(c).is_some()),
        );
    }
    let mut best: HashMap<&str, usize> = HashMap::new();
    for (c, &n) in &votes {
        if let Some(g) = group_of(c) {
            let b = best.entry(g).or_default();
            *b = (*b).max(n);
        }
    }
    let mut out: Vec<String> = votes
        .iter()
        .filter(|&(c, &n)| group_of(c).is_some_and(|g| agreed(n, best[g])))
        .map(|(c, _)| c.clone())
        .collect();
    out.sort();
    out
}

/// Counts each distinct key of one supplier once.
fn vote_once<'k>(votes: &mut HashMap<String, usize>, keys: impl IntoIterator<Item = &'k str>) {
    let distinct: std::collections::BTreeSet<&str> = keys.into_iter().collect();
    for k in distinct {
        *votes.entry(k.to_string()).or_default() += 1;
    }
}

/// Whether `n` suppliers agree enough on a code, the most voted one of its kind having
/// `max`: at least 3 of them, and at least 30 % of `max`.
fn agreed(n: usize, max: usize) -> bool {
    n >= 3 && n * 10 >= max * 3
}

/// The base query of a need: its reserved route, modes and the contract's geography clause.
fn base_query(need: &Need) -> Result<SearchQuery> {
    Ok(SearchQuery {
        geo: Some(GeoClause::Serves {
            place: place_ref(need)?,
            perimeter: perimeter_spec(need),
        }),
        per_page: CHANNEL_DEPTH,
        filters: Filters {
            reserved: need.reserved,
            modes: need.modes.clone(),
            ..Filters::default()
        },
        ..SearchQuery::default()
    })
}

/// The complete plan of a need, as forward matching uses it: [`plan_for`], then the codes
/// inferred from the best text matches (for a need without codes), or the groups of what
/// they do added to the related groups (for a coded need). Reverse matching and the
/// evaluation's diagnostics use it so that both sides judge a supplier by the same plan.
pub fn full_plan(index: &SearchIndex, need: &Need) -> Result<MatchPlan> {
    let base = base_query(need)?;
    Ok(plan_and_text(index, need, &base)?.0)
}

/// The words channel's query (channel 1) of a plan on the need's base query.
fn words_query(plan: &MatchPlan, base: &SearchQuery) -> SearchQuery {
    SearchQuery {
        text: query_text(plan),
        text_mode: TextMode::Any,
        ..base.clone()
    }
}

/// [`full_plan`] and the hits of the words channel (channel 1) it is inferred from.
fn plan_and_text(
    index: &SearchIndex,
    need: &Need,
    base: &SearchQuery,
) -> Result<(MatchPlan, Vec<crate::index::SearchHit>)> {
    let r = Referential::get();
    let mut plan = plan_for(index, need);
    let hits = if plan.words.is_empty() {
        Vec::new()
    } else {
        index.search(&words_query(&plan, base))?.hits
    };
    // What the words mean is a property of the trade, not of the place: the suppliers that
    // best say the need's words anywhere vote for its codes. Restricted to those that serve
    // the place, the vote follows whichever trade happens to work nationally there (a meal
    // need's "confection" would pick the national dressmakers over the few local caterers).
    let voters = inference_voters(index, &plan)?;
    let top: Vec<&Supplier> = voters.iter().map(Arc::as_ref).collect();
    // Without codes in the need, infer them from what the best text matches do.
    if plan.cpv.is_empty() {
        let (inferred, mut support) = infer_cpv(&plan, &top, r);
        plan.inferred_cpv = inferred;
        plan.inferred_senses = infer_senses(&plan, &top);
        // An allotted need buys one trade per lot, and the voters of its whole text follow
        // the lot whose words are the most common (laundry over workwear): each lot's own
        // best text matches vote for its codes too.
        for lot in matching::text::lot_texts(&need.description) {
            let lot_need = Need {
                title: lot,
                description: String::new(),
                ..need.clone()
            };
            let mut lot_plan = plan_for(index, &lot_need);
            let voters = inference_voters(index, &lot_plan)?;
            let top: Vec<&Supplier> = voters.iter().map(Arc::as_ref).collect();
            let (inferred, lot_support) = infer_cpv(&lot_plan, &top, r);
            lot_plan.inferred_cpv = inferred;
            // The whole need's vote is split between its lots by design: the best
            // supported vote, of the whole or of a lot, counts.
            support = support.max(lot_support);
            push_new(&mut plan.inferred_senses, infer_senses(&lot_plan, &top));
            push_new(&mut plan.inferred_cpv, lot_plan.inferred_cpv);
        }
        plan.inferred_senses.sort();
        plan.inferred_support = support;
        plan.inferred_naf = matching::codes::naf_for_need(&plan.inferred_cpv);
        plan.related_groups = related_groups(index, &plan.inferred_cpv);
        plan.core_groups = core_groups(index, &plan.inferred_cpv);
        plan.neighbour_classes = neighbour_classes(index, &plan.inferred_cpv);
    } else {
        // The trade the words point to may be declared under other codes than the need's
        // (an event coded 79952000 whose caterers declare 555…): the groups of what the best
        // text matches do, and those declared with them, may hold the relevant activity too,
        // so they join the groups whose activities must cover the place (never fewer). Under
        // a division need code they also say which of its trades the words mean.
        let (inferred, _) = infer_cpv(&plan, &top, r);
        refine_divisions(&mut plan, &inferred);
        plan.voted_groups = inferred
            .iter()
            .filter_map(|c| matching::codes::code8(c).get(..3))
            .map(str::to_string)
            .collect();
        // Which lines of those groups: a catch-all need code holds several trades (only
        // there do the senses tell anything the groups do not).
        if plan
            .cpv
            .iter()
            .any(|n| r.cpv.resolve(n).is_ok_and(|c| c.is_catch_all()))
        {
            let voting = MatchPlan {
                inferred_cpv: inferred.clone(),
                ..plan.clone()
            };
            plan.voted_senses = infer_senses(&voting, &top);
        }
        // What the best text matches do is core to the need's words: an unlabelled
        // activity coded there may be the relevant one.
        if !plan.core_groups.is_empty() {
            let groups = inferred
                .iter()
                .filter_map(|c| matching::codes::code8(c).get(..3))
                .map(str::to_string);
            push_new(&mut plan.core_groups, groups);
        }
        if !inferred.is_empty() && !plan.related_groups.is_empty() {
            push_new(&mut plan.related_groups, related_groups(index, &inferred));
            plan.related_groups.sort();
        }
    }
    Ok((plan, hits))
}

/// Append the items `into` does not hold yet, in their order.
fn push_new(into: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for x in items {
        if !into.contains(&x) {
            into.push(x);
        }
    }
}

/// The suppliers whose texts best say a plan's words in the whole corpus, wherever they
/// work: the [`INFERENCE_DEPTH`] best by the plan's weighted coverage among the
/// [`INFERENCE_POOL`] best by BM25. The index ranks by BM25 over the words unweighted, so a
/// frequent complement word and its synonyms ("de restauration") can fill the whole pool;
/// the plan's coverage (the score's text part) reorders it, BM25 breaking ties.
fn inference_voters(index: &SearchIndex, plan: &MatchPlan) -> Result<Vec<Arc<Supplier>>> {
    if plan.words.is_empty() {
        return Ok(Vec::new());
    }
    let hits = index
        .search(&SearchQuery {
            text: query_text(plan),
            text_mode: TextMode::Any,
            per_page: INFERENCE_POOL,
            ..SearchQuery::default()
        })?
        .hits;
    let mut pool: Vec<(f64, Arc<Supplier>)> = text_evidence(hits)
        .map(|(h, ev)| (matching::score::text_score(plan, Some(&ev)), h.supplier))
        .collect();
    pool.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(pool
        .into_iter()
        .take(INFERENCE_DEPTH)
        .map(|(_, s)| s)
        .collect())
}

/// For a need coded with a whole division, the groups under it that the codes `inferred`
/// from its best text matches fall in (`MatchPlan::refined_groups`) and their trade NAF
/// codes: the division names a family of trades, the words say which of them.
fn refine_divisions(plan: &mut MatchPlan, inferred: &[String]) {
    let divisions: Vec<&str> = plan
        .cpv
        .iter()
        .map(|c| matching::codes::code8(c))
        .filter(|c| crate::referential::codes::significant_prefix(c).len() <= 2)
        .filter_map(|c| c.get(..2))
        .collect();
    let refined: Vec<String> = inferred
        .iter()
        .filter(|g| {
            divisions
                .iter()
                .any(|d| matching::codes::code8(g).starts_with(d))
        })
        .cloned()
        .collect();
    plan.refined_groups = refined
        .iter()
        .filter_map(|g| matching::codes::code8(g).get(..3))
        .map(str::to_string)
        .collect();
    plan.refined_naf = matching::codes::naf_for_need(&refined);
}

/// The text evidence of each hit of the words channel: the need's words it matched, and its
/// BM25 score relative to the best hit's.
fn text_evidence(
    hits: Vec<crate::index::SearchHit>,
) -> impl Iterator<Item = (crate::index::SearchHit, TextEvidence)> {
    let best = hits.iter().map(|h| h.score).fold(0.0, f64::max).max(1e-12);
    hits.into_iter().map(move |h| {
        let ev = hit_evidence(&h, best);
        (h, ev)
    })
}

/// The text evidence of one hit of the words channel whose best hit scored `best`.
fn hit_evidence(h: &crate::index::SearchHit, best: f64) -> TextEvidence {
    let words: Vec<WordMatch> = h
        .matched_terms
        .iter()
        .filter_map(|t| {
            Some(WordMatch {
                query: crate::normalize::fold(&t.query),
                matched: t.matched.clone(),
                kind: word_kind(t.kind)?,
                in_trade: t
                    .fields
                    .iter()
                    .any(|f| matches!(f, TextField::Name | TextField::Trade | TextField::Code)),
                aside: false,
            })
        })
        .collect();
    TextEvidence {
        words,
        relative_score: h.score / best,
    }
}

/// Rank suppliers for a need. The need must be valid (`model::validate_need`).
pub fn match_need(index: &SearchIndex, need: &Need, limit: usize) -> Result<MatchResults> {
    let r = Referential::get();
    let place =
        resolve_place(&need.place, r).ok_or_else(|| Error::invalid("place", "unknown place"))?;
    let base = base_query(need)?;
    let base_filters = base.filters.clone();
    let (plan, hits) = plan_and_text(index, need, &base)?;

    // Channel 1: words.
    let mut candidates: HashMap<String, (Arc<Supplier>, Option<TextEvidence>)> = HashMap::new();
    for (h, ev) in text_evidence(hits) {
        candidates.insert(h.siret.clone(), (h.supplier.clone(), Some(ev)));
    }
    // Channels 2b, 2 and 3 find suppliers by codes alone: their words are looked for later,
    // in the profile itself.
    let mut by_codes = |filters: Filters| -> crate::Result<()> {
        let q = SearchQuery {
            filters,
            ..base.clone()
        };
        for h in index.search(&q)?.hits {
            candidates
                .entry(h.siret.clone())
                .or_insert((h.supplier.clone(), None));
        }
        Ok(())
    };
    // Channel 2b: the classes of neighbouring trades.
    if !plan.neighbour_classes.is_empty() {
        by_codes(Filters {
            cpv: plan
                .neighbour_classes
                .iter()
                .filter_map(|c| parse_cpv(c).ok())
                .collect(),
            ..base_filters.clone()
        })?;
    }
    // Channel 2: CPV codes (the need's, else the inferred ones).
    let prefixes = cpv_prefixes(&plan);
    if !prefixes.is_empty() {
        by_codes(Filters {
            cpv: prefixes,
            ..base_filters.clone()
        })?;
    }
    // Channel 3: trade NAF codes corresponding to the CPV codes.
    if !plan.naf.is_empty() || !plan.inferred_naf.is_empty() {
        by_codes(Filters {
            naf: plan
                .naf
                .iter()
                .chain(&plan.inferred_naf)
                .map(|n| n.replace('.', ""))
                .collect(),
            ..base_filters.clone()
        })?;
    }

    let today = today();
    let mut ranked: Vec<(Assessment, Arc<Supplier>)> = candidates
        .into_values()
        .filter_map(|(s, ev)| {
            // Found by codes only: look for the words in the profile itself.
            let ev = ev.unwrap_or_else(|| matching::local_text_evidence(&plan, &s));
            matching::assess(&plan, need, &s, Some(&ev), &place, r, today).map(|a| (a, s))
        })
        .collect();
    ranked.sort_by(|(a, sa), (b, sb)| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| sa.siret.cmp(&sb.siret))
    });
    let total = ranked.len();
    let results = ranked
        .into_iter()
        .take(limit)
        .map(|(a, s)| MatchResult {
            siret: s.siret.clone(),
            name: s.name.clone(),
            score: (a.score * 1e4).round() / 1e4,
            distance_km: a.distance_km.map(|d| (d * 10.0).round() / 10.0),
            reasons: a.reasons,
            warnings: a.warnings,
            components: a.components,
            supplier: s,
        })
        .collect();
    Ok(MatchResults { total, results })
}

/// One open need a supplier could answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NeedMatch {
    pub need_id: String,
    pub title: String,
    pub buyer: String,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Whether a need is open on `today`: not closed, and its deadline (if any) not passed.
pub fn is_open(need: &Need, today: jiff::civil::Date) -> bool {
    !need.closed
        && need
            .deadline
            .as_deref()
            .and_then(|d| d.parse::<jiff::civil::Date>().ok())
            .is_none_or(|d| d >= today)
}

/// What reverse matching needs of one need, whichever supplier asks: its full plan, the
/// text evidence of its words channel's hits by SIRET, and what it takes to judge a
/// supplier's words afresh as those hits were judged.
struct NeedSide {
    plan: MatchPlan,
    evidence: HashMap<String, TextEvidence>,
    /// The words channel's query (`None` when the plan has no words).
    words: Option<SearchQuery>,
    /// The two best hits (SIRET, score), best first: relative scores are relative to the
    /// best one, or for the best supplier judged afresh, to the second (its own old score is
    /// stale).
    best: Vec<(String, f64)>,
    /// When the channel was full ([`CHANNEL_DEPTH`] hits), its last hit's score: a supplier
    /// scoring below it would not have been one of the hits.
    floor: Option<f64>,
    /// The snapshot it was computed on (its index generation and store sequence), and when.
    generation: String,
    seq: crate::store::Seq,
    at: std::time::Instant,
    /// An estimate of the memory its evidence takes.
    bytes: usize,
}

/// An estimate of the memory a side's evidence takes: the map's entries, their SIRETs and
/// their words.
fn evidence_bytes(evidence: &HashMap<String, TextEvidence>) -> usize {
    evidence
        .iter()
        .map(|(siret, ev)| {
            96 + siret.len()
                + ev.words
                    .iter()
                    .map(|w| std::mem::size_of::<WordMatch>() + w.query.len() + w.matched.len())
                    .sum::<usize>()
        })
        .sum::<usize>()
        + 1024
}

/// Need sides kept, by need content (a need edited under the same id is another need).
static NEED_SIDES: std::sync::LazyLock<parking_lot::Mutex<HashMap<String, Arc<NeedSide>>>> =
    std::sync::LazyLock::new(Default::default);

/// Need sides computed, for tests and benchmarks to see what the cache kept.
static NEED_SIDES_COMPUTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// At most this many need sides are kept; past it (or past [`NEED_SIDES_BYTES`]) the sides
/// of another generation or older than [`SIDE_MAX_AGE`] are dropped, then the oldest.
const MAX_NEED_SIDES: usize = 4096;

/// At most about this many bytes of need sides are kept (see [`NeedSide::bytes`]): a side
/// holds the text evidence of up to [`CHANNEL_DEPTH`] hits, about 100 KB. Past it the oldest
/// sides are dropped, so with more open needs than fit, reverse matching recomputes some.
const NEED_SIDES_BYTES: usize = 256 << 20;

/// A need side is recomputed after this long...
const SIDE_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// ...or once more supplier writes than this were applied since it was computed (a supplier
/// written twice counts twice): 1 % of the searchable suppliers or [`SIDE_MIN_WRITES`],
/// whichever is more.
fn side_max_writes(num_docs: u64) -> usize {
    usize::try_from(num_docs / 100)
        .unwrap_or(usize::MAX)
        .max(SIDE_MIN_WRITES)
}

/// See [`side_max_writes`].
const SIDE_MIN_WRITES: usize = 50;

/// How many need sides reverse matching has computed in this process, and the snapshot the
/// kept side of `need` was computed on (index generation, store sequence), if one is kept.
/// For tests and benchmarks.
#[doc(hidden)]
pub fn need_side_stats(need: &Need) -> (u64, Option<(String, crate::store::Seq)>) {
    let computed = NEED_SIDES_COMPUTED.load(std::sync::atomic::Ordering::Relaxed);
    let key = serde_json::to_string(need).ok();
    let kept = key.and_then(|k| {
        NEED_SIDES
            .lock()
            .get(&k)
            .map(|s| (s.generation.clone(), s.seq))
    });
    (computed, kept)
}

/// The [`NeedSide`] of a need, and whether the supplier `siret` may have been written since
/// it was computed. Computing one costs the plan and two text searches (about 28 ms at
/// 220,000 suppliers: `cargo bench --bench matching`), the same for every supplier that
/// asks for its open needs, so it is kept across writes:
///
/// - The asking supplier is the only one assessed, so only its own evidence must be fresh:
///   when it was written since, the caller judges its words afresh ([`supplier_evidence`]).
/// - Other suppliers' writes only move corpus statistics (BM25 weights, the codes inferred
///   from the best text matches, related groups) and the other hits, which reverse matching
///   does not read; a side is kept until [`side_max_writes`] writes were applied or for
///   [`SIDE_MAX_AGE`], so an answer may lag that far behind forward matching's: word
///   weights, BM25 scores and inferred codes of a corpus up to 1 % different, or 50 writes
///   in a corpus of fewer than 5,000 suppliers (the asking
///   supplier's own edit included: in the 300-supplier demo, an edit bringing in a word no
///   profile said moved the word's weight, and a score, by 0.07; the larger the corpus,
///   the smaller one write's share). A rebuild (a new generation) or a write the index
///   cannot account for recomputes it at once. Computing sides more often would bring
///   back what keeping them avoids: under steady writes, every call computing every side.
fn need_side(index: &SearchIndex, need: &Need, siret: &str) -> Option<(Arc<NeedSide>, bool)> {
    let key = serde_json::to_string(need).ok()?;
    let kept = NEED_SIDES.lock().get(&key).cloned();
    if let Some(side) = kept
        && side.at.elapsed() < SIDE_MAX_AGE
        && let Some(w) = index.writes_since(&side.generation, side.seq, siret)
        && w.suppliers <= side_max_writes(index.snapshot().num_docs())
    {
        return Some((side, w.this_supplier));
    }
    let snap = index.snapshot();
    let (generation, seq) = (snap.generation().to_string(), snap.seq());
    drop(snap);
    let base = base_query(need).ok()?;
    let (plan, hits) = plan_and_text(index, need, &base).ok()?;
    let mut best: Vec<(String, f64)> = hits.iter().map(|h| (h.siret.clone(), h.score)).collect();
    best.sort_by(|a, b| b.1.total_cmp(&a.1));
    best.truncate(2);
    let floor = (hits.len() >= CHANNEL_DEPTH)
        .then(|| hits.iter().map(|h| h.score).fold(f64::INFINITY, f64::min));
    let words = (!plan.words.is_empty()).then(|| words_query(&plan, &base));
    let evidence: HashMap<String, TextEvidence> =
        text_evidence(hits).map(|(h, ev)| (h.siret, ev)).collect();
    let bytes = evidence_bytes(&evidence);
    let side = Arc::new(NeedSide {
        plan,
        evidence,
        bytes,
        words,
        best,
        floor,
        generation,
        seq,
        at: std::time::Instant::now(),
    });
    NEED_SIDES_COMPUTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    {
        let mut sides = NEED_SIDES.lock();
        let mut bytes: usize = sides.values().map(|s| s.bytes).sum();
        let full = |n: usize, bytes: usize| {
            n >= MAX_NEED_SIDES || bytes.saturating_add(side.bytes) > NEED_SIDES_BYTES
        };
        if full(sides.len(), bytes) {
            // Sides too old to be used, or of another generation (a rebuild; or, in tests
            // and `essor eval`, another index in the process) go first...
            sides.retain(|_, s| s.generation == side.generation && s.at.elapsed() < SIDE_MAX_AGE);
            bytes = sides.values().map(|s| s.bytes).sum();
        }
        // ...then the oldest.
        while !sides.is_empty() && full(sides.len(), bytes) {
            let Some(oldest) = sides
                .iter()
                .min_by_key(|(_, s)| s.at)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(gone) = sides.remove(&oldest) {
                bytes -= gone.bytes;
            }
        }
        sides.insert(key, side.clone());
    }
    // A side computed on a snapshot that already holds the supplier's last write is fresh
    // for it; one computed before a later write is not.
    let written = index
        .writes_since(&side.generation, side.seq, siret)
        .is_none_or(|w| w.this_supplier);
    Some((side, written))
}

/// The text evidence of `supplier` for a need, as forward matching would find it: the words
/// channel's, or when the channel does not find it, its words looked for in the profile.
/// With `fresh`, its words are judged on the current snapshot, the words channel's query
/// restricted to it, relative to the side's best hit (a supplier whose profile was written
/// after the side was computed: its kept evidence, or its absence, is of its old profile).
fn supplier_evidence<'a>(
    index: &SearchIndex,
    side: &'a NeedSide,
    supplier: &Supplier,
    fresh: bool,
) -> std::borrow::Cow<'a, TextEvidence> {
    use std::borrow::Cow;
    if !fresh {
        if let Some(ev) = side.evidence.get(&supplier.siret) {
            return Cow::Borrowed(ev);
        }
    } else if let Some(q) = &side.words
        && let Ok(Some(hit)) = index.search_one(q, &supplier.siret)
        && side.floor.is_none_or(|f| hit.score >= f)
    {
        // Relative to the best of the others (a supplier now scoring above it would be the
        // best: relative score 1).
        let best = side
            .best
            .iter()
            .find(|(siret, _)| *siret != supplier.siret)
            .map_or(0.0, |b| b.1);
        return Cow::Owned(hit_evidence(&hit, best.max(hit.score).max(1e-12)));
    }
    Cow::Owned(matching::local_text_evidence(&side.plan, supplier))
}

/// The open needs a supplier could answer, best first (reverse matching): the same hard
/// rules and score as forward matching, from the supplier's side.
pub fn needs_for_supplier(
    index: &SearchIndex,
    supplier: &Supplier,
    needs: &[Need],
    limit: usize,
) -> Vec<NeedMatch> {
    let r = Referential::get();
    let today = today();
    let mut out: Vec<NeedMatch> = Vec::new();
    for need in needs.iter().filter(|n| is_open(n, today)) {
        let Some(place) = resolve_place(&need.place, r) else {
            continue;
        };
        // The same plan and, when the words channel finds the supplier, the same text
        // evidence as forward matching; else the words are looked for in the profile, as
        // forward matching does for a supplier found by its codes.
        let Some((side, written)) = need_side(index, need, &supplier.siret) else {
            continue;
        };
        let ev = supplier_evidence(index, &side, supplier, written);
        if let Some(a) = matching::assess(&side.plan, need, supplier, Some(&ev), &place, r, today) {
            out.push(NeedMatch {
                need_id: need.id.clone().unwrap_or_default(),
                title: need.title.clone(),
                buyer: need.buyer.name.clone(),
                score: (a.score * 1e4).round() / 1e4,
                distance_km: a.distance_km.map(|d| (d * 10.0).round() / 10.0),
                deadline: need.deadline.clone(),
                reasons: a.reasons,
                warnings: a.warnings,
            });
        }
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.need_id.cmp(&b.need_id))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_a_trade_s_when_its_writers_mostly_code_it_there() {
        let act = |label: Option<&str>, codes: &[&str]| {
            (
                label.map(str::to_string),
                codes.iter().map(|c| c.to_string()).collect::<Vec<String>>(),
            )
        };
        let conciergerie = Some("Conciergerie et gardiennage d'immeubles");
        let mut sampled = vec![
            // Written three times with a code of the trade, once without (not counted)...
            act(conciergerie, &["79993100", "45453000"]),
            act(conciergerie, &["50700000"]),
            act(
                Some("conciergerie et gardiennage d'immeuble"),
                &["45450000"],
            ),
            act(conciergerie, &[]),
            // ...and once elsewhere: 3 in 4 of its coded activities are the trade's.
            act(conciergerie, &["79993100"]),
            // Twice only: too few to say.
            act(Some("Petits travaux"), &["45450000"]),
            act(Some("Petits travaux"), &["45450000"]),
            // Mostly written elsewhere.
            act(Some("Peinture"), &["45440000"]),
            act(Some("Peinture"), &["45440000"]),
            act(Some("Peinture"), &["45440000"]),
            act(Some("Peinture"), &["45450000"]),
            act(Some("Peinture"), &["45450000"]),
            act(Some("Peinture"), &["45450000"]),
            act(Some("Peinture"), &["45440000"]),
            act(None, &["45450000"]),
        ];
        let trade = ["4545".to_string(), "507".into()];
        assert_eq!(
            labels_of_the_trade(&sampled, "4545", &trade),
            [matching::label_key(
                "Conciergerie et gardiennage d'immeubles"
            )]
        );
        // Never written under the class itself, a label is another trade's that shares a
        // group with it.
        let mut elsewhere = sampled.clone();
        for _ in 0..4 {
            elsewhere.push(act(Some("Serrurerie"), &["50700000"]));
        }
        assert_eq!(labels_of_the_trade(&elsewhere, "4545", &trade).len(), 1);
        elsewhere.push(act(Some("Serrurerie"), &["45450000"]));
        assert_eq!(labels_of_the_trade(&elsewhere, "4545", &trade).len(), 2);
        // Written more often elsewhere than in the trade, it is not the trade's.
        for _ in 0..3 {
            sampled.push(act(conciergerie, &["79993100"]));
        }
        assert!(labels_of_the_trade(&sampled, "4545", &trade).is_empty());
        // Labels are learnt under a class: a group may hold several trades.
        assert_eq!(label_seed("45450000-6").as_deref(), Some("4545"));
        assert_eq!(label_seed("98341140-8").as_deref(), Some("9834"));
        assert_eq!(label_seed("98300000-6"), None);
        assert_eq!(label_seed("45000000-7"), None);
    }

    #[test]
    fn only_a_division_need_code_is_refined_by_the_groups_under_it() {
        let mut plan = MatchPlan {
            cpv: vec!["79000000-4".into(), "90910000-9".into()],
            ..MatchPlan::default()
        };
        let inferred = [
            "79800000-2".to_string(),
            "90900000-6".into(),
            "55300000-3".into(),
        ];
        refine_divisions(&mut plan, &inferred);
        // 909 is under a class need code (already precise), 553 under none.
        assert_eq!(plan.refined_groups, vec!["798".to_string()]);
        assert!(plan.refined_naf.contains(&"18.12Z"));
        plan.cpv = vec!["79810000-5".into()];
        refine_divisions(&mut plan, &inferred);
        assert!(plan.refined_groups.is_empty() && plan.refined_naf.is_empty());
    }
}
