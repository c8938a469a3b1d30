//! The search core: one facade, [`SearchIndex`], over the text index (tantivy,
//! `index/text.rs`) and the geographic index (rstar, `index/geo.rs`), derived from the store
//! and kept consistent with it.
//!
//! # Queries
//! A [`SearchQuery`] has free text (French, typo tolerant, last word as a prefix, thesaurus
//! expansions, CPV/NAF codes), [`Filters`] (kinds, reserved route, CPV, NAF, labels, legal-form
//! family, modes, ESS, ESUS, address commune/département/region), one optional
//! [`GeoClause`] (*near* a point, *serves* a place per the contract's rule, *in view* of a map
//! box), a sort, a page and whether to count facets. Closed suppliers never appear.
//!
//! # Planning
//! Every clause can produce candidates: the text (its most selective word's postings), each
//! filter (its filter terms' postings), the geography (R-trees and area lists of each segment)
//! or a full scan. The planner estimates each index-driven source from document frequencies
//! and takes the smallest; a geographic clause is then tried first with that estimate as a
//! cap: when it yields fewer candidates (a small area) it drives, else the index does (the
//! text is selective). Whatever drives, every candidate is verified by the same functions
//! (`facts::serves`, the filters, the text matcher), so every plan returns the same hits,
//! scores and total ([`PlanHint`] forces a plan, for tests and benchmarks).
//!
//! # Ranking
//! `score = T × D × Q × C` where
//! - `T` is the text score (BM25 per field with boosts name 3, trade 1.5, body 1, summed over
//!   query words, each word taking its best variant: exact 1, prefix 0.8, one typo 0.7, two
//!   typos 0.5, thesaurus expression 0.6; a code typed in the text scores 4), or 1 without
//!   text;
//! - `D = 0.5 + 0.5·exp(−d / 25 km)` with `d` the great-circle distance to the query's point
//!   (near point, or served place), or 1 without one;
//! - `Q = 0.8 + 0.2·completeness` (`Supplier::completeness`);
//! - `C` is 1, or 0.8 when the CPV filter only matched a more general code of the supplier.
//!
//! Ties are broken by SIRET. `sort=distance` orders by `d`, then score.
//!
//! # Consistency
//! The index lives in `<data>/search/`: generation directories (`gen-…`) and a pointer file
//! `CURRENT` replaced atomically. Each tantivy commit records the store sequence it reflects;
//! [`SearchIndex::sync`] applies `Store::supplier_changes` after it. [`SearchIndex::rebuild`]
//! builds a fresh generation and swaps the pointer, so readers never see a half-built index.
//! A [`Refresher`] polls the store every ~100 ms from a thread it owns (stopped and joined on
//! drop), which also catches writes made by other processes and generation swaps made by
//! `essor reindex`.
//!
//! What this module does not do: HTTP, matching of needs (built on this facade), and any
//! storage of truth (the store is the truth; the index can always be rebuilt).

pub mod analysis;
pub mod bits;
pub mod columns;
pub mod facts;
pub mod geo;
pub mod reasons;
pub mod text;

use std::collections::{BinaryHeap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use serde::Serialize;

pub use analysis::Snippet;
pub use facts::{BBox, CpvPrefix, CpvRelation, LocatedMatch, ServesMatch, ServesRule};
pub use text::{MatchKind, MatchedTerm, TextField, TextMode};

use crate::error::{Error, FieldError, Result};
use crate::model::area::Area;
use crate::model::geo::GeoPoint;
use crate::model::need::Reserved;
use crate::model::supplier::{Kind, Mode, Supplier};
use crate::referential::{LegalFamily, Referential};
use crate::store::{Seq, Store, SupplierChange};
use bits::Bits;
use columns::SegCols;
use facts::{AreaKey, LocatedHit, PerimeterCtx, PlaceCtx, Relevance, ServesHit};
use geo::{Candidates, SegmentGeo};
use text::{DriverTerm, TextIndex, TextSnapshot, TextWriter, WriterError};

/// The quality factor `Q` of the ranking.
#[inline]
fn quality_factor(completeness: f64) -> f64 {
    0.8 + 0.2 * completeness
}

/// Most results a page may hold.
pub const MAX_PER_PAGE: usize = 10_000;
/// Distance decay scale of the ranking, in kilometres.
pub const DECAY_KM: f64 = 25.0;

// ---------------------------------------------------------------------------------------------
// Query

/// Filters; each list matches any of its values, and all given filters must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub kinds: Vec<Kind>,
    /// Only suppliers eligible for this reserved route (`model::eligibility`).
    pub reserved: Option<Reserved>,
    /// CPV codes or prefixes; a supplier code below one matches, one above matches more
    /// weakly.
    pub cpv: Vec<CpvPrefix>,
    /// NAF prefixes in compact form (`81`, `813`, `8130Z`), see [`parse_naf`].
    pub naf: Vec<String>,
    /// Labels (certifications), compared without case or accents.
    pub labels: Vec<String>,
    pub legal_families: Vec<LegalFamily>,
    pub modes: Vec<Mode>,
    pub ess: Option<bool>,
    pub esus: Option<bool>,
    /// INSEE codes of the address commune (a city code covers its arrondissements).
    pub communes: Vec<String>,
    pub departements: Vec<String>,
    pub regions: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// A place given by a buyer.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceRef {
    /// INSEE code (arrondissements accepted).
    Commune(String),
    Point(GeoPoint),
}

/// A widening of a served place: suppliers located inside it qualify too (need perimeter).
#[derive(Debug, Clone, PartialEq)]
pub enum PerimeterSpec {
    RadiusKm(f64),
    Areas(Vec<Area>),
    National,
}

/// The geographic clause of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum GeoClause {
    /// Suppliers located within `radius_km` (great-circle) of `point`.
    Near { point: GeoPoint, radius_km: f64 },
    /// Suppliers whose activity zone covers the place (contract section 2), or located in the
    /// optional perimeter.
    Serves {
        place: PlaceRef,
        perimeter: Option<PerimeterSpec>,
    },
    /// Suppliers located in a map box.
    InView { bbox: BBox },
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    Distance,
}

/// Which plan to run; `Auto` except in tests and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlanHint {
    #[default]
    Auto,
    /// The geographic clause drives (when there is one).
    GeoFirst,
    /// The most selective index clause (text or filter) drives.
    IndexFirst,
    /// Every document is examined.
    Scan,
}

/// A search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// Free French text; empty for none.
    pub text: String,
    pub text_mode: TextMode,
    pub filters: Filters,
    pub geo: Option<GeoClause>,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    /// Count facets over all matches.
    pub facets: bool,
    /// Highlighted extracts for the returned hits.
    pub snippets: bool,
    pub plan: PlanHint,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            text_mode: TextMode::All,
            filters: Filters::default(),
            geo: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
            facets: false,
            snippets: false,
            plan: PlanHint::Auto,
        }
    }
}

/// Parse a CPV code or prefix (`45`, `4544`, `45442100`, `45442100-3`) and check it against
/// the nomenclature: a full code must exist (with the right check digit when given), a
/// prefix must start at least one code.
pub fn parse_cpv(s: &str) -> std::result::Result<CpvPrefix, String> {
    let t = s.trim();
    let r = Referential::get();
    let digits = t.split_once('-').map_or(t, |(d, _)| d);
    if digits.len() == 8 {
        r.cpv
            .resolve(t)
            .map_err(|e| format!("{} ({t})", e.reason()))?;
    } else if t.contains('-') {
        return Err(format!("a check digit needs the full 8-digit code ({t})"));
    }
    let p = CpvPrefix::parse(t)
        .ok_or_else(|| format!("must be 2 to 8 digits, optionally followed by -D ({t})"))?;
    if !r.cpv.all().iter().any(|c| c.code8.starts_with(&p.digits)) {
        return Err(format!("no CPV code starts with {t}"));
    }
    Ok(p)
}

/// Parse a NAF code at any level (`81`, `81.3`, `81.30`, `81.30Z`, `8130Z`) into the compact
/// prefix used by [`Filters::naf`].
pub fn parse_naf(s: &str) -> std::result::Result<String, String> {
    let r = Referential::get();
    match r.naf.get(s) {
        Some(c) if c.code.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            Ok(c.code.replace('.', ""))
        }
        _ => Err(format!("unknown NAF rév. 2 code ({})", s.trim())),
    }
}

impl SearchQuery {
    /// Check every value; field names follow the HTTP query parameters.
    pub fn validate(&self) -> Result<()> {
        let r = Referential::get();
        let mut errors = Vec::new();
        if self.page == 0 {
            errors.push(FieldError::new("page", "must be at least 1"));
        }
        if self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            errors.push(FieldError::new(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        if self.text.chars().count() > 100_000 {
            errors.push(FieldError::new("q", "must have at most 100000 characters"));
        }
        for c in &self.filters.communes {
            if r.commune(c).is_none() {
                errors.push(FieldError::new(
                    "commune",
                    format!("unknown INSEE commune code ({c})"),
                ));
            }
        }
        for d in &self.filters.departements {
            if r.departement(d).is_none() {
                errors.push(FieldError::new(
                    "departement",
                    format!("unknown département ({d})"),
                ));
            }
        }
        for g in &self.filters.regions {
            if r.region(g).is_none() {
                errors.push(FieldError::new("region", format!("unknown region ({g})")));
            }
        }
        match &self.geo {
            Some(GeoClause::Near { point, radius_km }) => {
                if let Err((f, why)) = point.check() {
                    errors.push(FieldError::new(format!("near.{f}"), why));
                }
                if !radius_km.is_finite()
                    || *radius_km <= 0.0
                    || *radius_km > crate::model::validate::MAX_RADIUS_KM
                {
                    errors.push(FieldError::new(
                        "radius_km",
                        "must be a positive number of kilometres up to 20040",
                    ));
                }
            }
            Some(GeoClause::Serves { place, perimeter }) => {
                match place {
                    PlaceRef::Commune(c) if r.commune(c).is_none() => errors.push(FieldError::new(
                        "serves",
                        format!("unknown INSEE commune code ({c})"),
                    )),
                    PlaceRef::Point(p) => {
                        if let Err((f, why)) = p.check() {
                            errors.push(FieldError::new(format!("serves.{f}"), why));
                        }
                    }
                    _ => {}
                }
                match perimeter {
                    Some(PerimeterSpec::RadiusKm(k)) if !k.is_finite() || *k < 0.0 => {
                        errors.push(FieldError::new(
                            "perimeter.radius_km",
                            "must be a non-negative number of kilometres",
                        ))
                    }
                    Some(PerimeterSpec::Areas(areas)) => {
                        for a in areas {
                            if !r.area_exists(a) {
                                errors.push(FieldError::new(
                                    "perimeter.areas",
                                    format!("unknown area ({a})"),
                                ));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Some(GeoClause::InView { bbox }) => {
                if let Err(why) = bbox.check() {
                    errors.push(FieldError::new("bbox", why));
                }
            }
            None => {}
        }
        if self.sort == Sort::Distance
            && !matches!(
                self.geo,
                Some(GeoClause::Near { .. } | GeoClause::Serves { .. })
            )
        {
            errors.push(FieldError::new(
                "sort",
                "sorting by distance needs near or serves",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid { errors })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Results

/// Why a hit passed the geographic clause.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "geo", rename_all = "snake_case")]
pub enum GeoMatch {
    Near { distance_km: f64 },
    Serves(ServesMatch),
    Located(LocatedMatch),
    InView,
}

/// The supplier code that matched the CPV filter.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CpvMatch {
    /// Eight digits.
    pub code: String,
    pub relation: CpvRelationDto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CpvRelationDto {
    Below,
    Above,
}

/// One result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub siret: String,
    pub name: String,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// Why it matched, in French.
    pub reasons: Vec<String>,
    /// Query words found, with how and where.
    pub matched_terms: Vec<MatchedTerm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpv: Option<CpvMatch>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snippets: Vec<Snippet>,
    /// The full profile.
    #[serde(skip)]
    pub supplier: Arc<Supplier>,
}

/// One facet value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    /// French label.
    pub label: String,
    pub count: u64,
}

/// Counts over all matches, largest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub kinds: Vec<FacetCount>,
    pub departements: Vec<FacetCount>,
    pub regions: Vec<FacetCount>,
    pub labels: Vec<FacetCount>,
    pub legal_families: Vec<FacetCount>,
    pub modes: Vec<FacetCount>,
}

/// What drove the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    Geo,
    Text,
    Filter(String),
    Scan,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlanInfo {
    pub driver: Driver,
    /// Candidates examined.
    pub candidates: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// Exact number of matches.
    pub total: u64,
    pub hits: Vec<SearchHit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    pub plan: PlanInfo,
    /// Store sequence the answer reflects.
    pub seq: Seq,
}

// ---------------------------------------------------------------------------------------------
// Snapshot and search

/// A consistent, immutable view of the index; searches run on it while the index moves on.
pub struct Snapshot {
    generation: String,
    seq: Seq,
    text: TextSnapshot,
    /// Per segment: its in-memory arrays and geographic index, built on first use and shared
    /// with later snapshots holding the same segment.
    cache: Vec<Arc<OnceLock<Arc<SegmentCache>>>>,
}

/// What is derived in memory from an immutable segment.
struct SegmentCache {
    cols: SegCols,
    geo: SegmentGeo,
}

struct Prepared {
    text: Option<Arc<text::CompiledText>>,
    kinds: Option<u64>,
    reserved: Option<(u64, bool, bool)>,
    cpv: Vec<CpvPrefix>,
    naf: Vec<String>,
    labels: Vec<String>,
    families: Option<u64>,
    modes: Option<u64>,
    ess: Option<bool>,
    esus: Option<bool>,
    communes: Option<Vec<AreaKey>>,
    departements: Option<Vec<AreaKey>>,
    regions: Option<Vec<AreaKey>>,
    geo: Option<GeoPrepared>,
    relevance: Relevance,
}

enum GeoPrepared {
    /// The point, the radius, and for a cheap first test the point as a unit vector and the
    /// largest squared chord within the radius, in single precision (with slack for it).
    Near(GeoPoint, f64, [f32; 3], f32),
    Serves(PlaceCtx, Option<PerimeterCtx>),
    InView(BBox),
}

impl GeoPrepared {
    fn point(&self) -> Option<GeoPoint> {
        match self {
            GeoPrepared::Near(p, ..) => Some(*p),
            GeoPrepared::Serves(place, _) => place.point,
            GeoPrepared::InView(_) => None,
        }
    }
}

/// What verifying a document found: its distance, geographic reason and CPV relation.
type Verified = (Option<f64>, Option<GeoHit>, Option<(CpvRelation, u64)>);

#[derive(Clone, Copy)]
enum GeoHit {
    Near(f64),
    Serves(ServesHit),
    Located(LocatedHit),
    InView,
}

#[derive(Clone, Copy)]
struct Ranked {
    score: f64,
    distance: f64,
    sid: u64,
    seg: u32,
    doc: u32,
    by_distance: bool,
}

impl Ranked {
    /// "Better" sorts first, so a max-heap keeps the worst on top.
    fn key_cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        let by_score = other
            .score
            .total_cmp(&self.score)
            .then(self.sid.cmp(&other.sid));
        if self.by_distance {
            self.distance.total_cmp(&other.distance).then(by_score)
        } else {
            by_score
        }
    }
}

#[derive(Default)]
struct FacetCounter {
    kinds: [u64; 16],
    families: [u64; 8],
    modes: [u64; 3],
    depts: HashMap<AreaKey, u64>,
    regions: HashMap<AreaKey, u64>,
    labels: HashMap<String, u64>,
    /// Counts of the current segment, by its own indices.
    seg_depts: Vec<u64>,
    seg_regions: Vec<u64>,
    seg_labels: Vec<u64>,
}

impl FacetCounter {
    fn start_segment(&mut self, cols: &SegCols) {
        self.seg_depts.clear();
        self.seg_depts.resize(cols.depts().len(), 0);
        self.seg_regions.clear();
        self.seg_regions.resize(cols.regions().len(), 0);
        self.seg_labels.clear();
        self.seg_labels.resize(cols.num_labels(), 0);
    }

    fn end_segment(&mut self, cols: &SegCols) {
        for (i, n) in self.seg_depts.iter().enumerate() {
            if *n > 0 {
                *self.depts.entry(cols.depts()[i]).or_default() += n;
            }
        }
        for (i, n) in self.seg_regions.iter().enumerate() {
            if *n > 0 {
                *self.regions.entry(cols.regions()[i]).or_default() += n;
            }
        }
        for (i, n) in self.seg_labels.iter().enumerate() {
            if *n > 0
                && let Some(l) = cols.label_str(i as u32)
            {
                *self.labels.entry(l.to_string()).or_default() += n;
            }
        }
    }

    fn add(&mut self, cols: &SegCols, doc: u32) {
        let kinds = cols.kinds(doc);
        for k in 0..16 {
            if kinds & (1 << k) != 0 {
                self.kinds[k] += 1;
            }
        }
        let flags = cols.flags(doc);
        if let Some(f) = facts::flags_family(flags) {
            self.families[f.min(7)] += 1;
        }
        let modes = facts::flags_modes(flags);
        for (i, m) in Mode::ALL.iter().enumerate() {
            if modes & facts::mode_bit(*m) != 0 {
                self.modes[i] += 1;
            }
        }
        self.seg_depts[cols.dept_ix(doc)] += 1;
        self.seg_regions[cols.region_ix(doc)] += 1;
        for o in cols.label_ords(doc) {
            self.seg_labels[*o as usize] += 1;
        }
    }
}

/// A text match not scored yet: its score bound in `r.score` (and its document id in
/// `r.sid`, for a stable order), with what ranking needs besides the text score.
struct Cand {
    r: Ranked,
    distance: Option<f64>,
    cpv: Option<(CpvRelation, u64)>,
}

/// A document with a bound of its score read from bit sets alone (`Snapshot::rank_sure`):
/// the best bound on top; equal bounds by document id.
#[derive(Debug, Clone, Copy)]
struct Coarse {
    bound: f64,
    doc: u32,
}

impl Coarse {
    fn key_cmp(&self, other: &Coarse) -> std::cmp::Ordering {
        self.bound
            .total_cmp(&other.bound)
            .then(other.doc.cmp(&self.doc))
    }
}

impl Cand {
    /// As `Ranked`: the max-heap keeps the worst bound on top.
    fn key_cmp(&self, other: &Cand) -> std::cmp::Ordering {
        self.r.key_cmp(&other.r)
    }
}

/// A total order (`Eq`, `Ord`) from the type's `key_cmp`, for the heaps of the planner.
macro_rules! order_by_key_cmp {
    ($($t:ty),*) => {$(
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.key_cmp(other).is_eq()
            }
        }
        impl Eq for $t {}
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $t {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.key_cmp(other)
            }
        }
    )*};
}

order_by_key_cmp!(Ranked, Cand, Coarse);

/// The best `keep` results so far.
struct TopK {
    /// The worst kept result on top.
    heap: BinaryHeap<Ranked>,
    keep: usize,
    by_distance: bool,
}

impl TopK {
    fn offer(&mut self, r: Ranked) {
        if self.heap.len() < self.keep {
            self.heap.push(r);
        } else if let Some(worst) = self.heap.peek()
            && r.key_cmp(worst) == std::cmp::Ordering::Less
        {
            self.heap.pop();
            self.heap.push(r);
        }
    }

    /// Whether a result scoring at most `bound` at `distance` could still be kept.
    fn may_enter(&self, bound: f64, distance: f64) -> bool {
        if self.heap.len() < self.keep {
            return true;
        }
        let Some(worst) = self.heap.peek() else {
            return true;
        };
        if self.by_distance {
            distance < worst.distance || (distance == worst.distance && bound >= worst.score)
        } else {
            bound >= worst.score
        }
    }
}

fn sorted_desc(mut v: Vec<FacetCount>) -> Vec<FacetCount> {
    v.retain(|f| f.count > 0);
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}

impl Snapshot {
    /// The store sequence this snapshot reflects.
    pub fn seq(&self) -> Seq {
        self.seq
    }

    pub fn generation(&self) -> &str {
        &self.generation
    }

    /// Suppliers searchable (closed ones excluded).
    pub fn num_suppliers(&self) -> u64 {
        self.text.num_docs()
    }

    /// Number of searchable suppliers (closed ones excluded): the `N` of term weighting.
    pub fn num_docs(&self) -> u64 {
        self.text.num_docs()
    }

    /// Number of searchable suppliers whose analysed name, trade or body text (the text
    /// fields free-text search matches) contains the analysed `word`: every stem of it when it
    /// analyses into several, 0 when it has none (a stop word). Typos, prefixes and thesaurus
    /// expansions are not counted: it measures how informative the word itself is.
    pub fn doc_freq(&self, word: &str) -> u64 {
        self.text.word_doc_freq(word).unwrap_or_else(|e| {
            tracing::warn!(error = %e, word, "document frequency unavailable");
            0
        })
    }

    /// A searchable supplier by SIRET.
    pub fn supplier(&self, siret: &str) -> Result<Option<Arc<Supplier>>> {
        match self.text.find(siret)? {
            Some((seg, doc)) => Ok(Some(self.text.supplier(seg, doc)?)),
            None => Ok(None),
        }
    }

    fn segment_cache(&self, seg: usize) -> &SegmentCache {
        self.cache[seg].get_or_init(|| {
            let cols = SegCols::build(&self.text.segments()[seg]);
            let geo = SegmentGeo::build((0..cols.max_doc()).map(|doc| geo::GeoDoc {
                doc,
                location: cols.location(doc),
                own_dept: cols.dept(doc),
                address: *cols.address(doc),
                acts: cols.acts(doc),
            }));
            Arc::new(SegmentCache { cols, geo })
        })
    }

    fn segment_geo(&self, seg: usize) -> &SegmentGeo {
        &self.segment_cache(seg).geo
    }

    /// Build the geographic index of every segment now (instead of at the first geographic
    /// query).
    pub fn warm(&self) {
        for i in 0..self.cache.len() {
            self.segment_cache(i);
        }
    }

    fn prepare(&self, q: &SearchQuery) -> Result<Prepared> {
        let r = Referential::get();
        let f = &q.filters;
        let text = if q.text.trim().is_empty() {
            None
        } else {
            let ct = self.text.compile(&q.text, q.text_mode)?;
            (!ct.is_empty()).then_some(ct)
        };
        let reserved = f.reserved.map(|route| {
            let kinds: Vec<Kind> = Kind::ALL
                .into_iter()
                .filter(|k| crate::model::eligibility(route, &[*k], false, false).is_some())
                .collect();
            let ess = crate::model::eligibility(route, &[], true, false).is_some();
            let esus = crate::model::eligibility(route, &[], false, true).is_some();
            (facts::kinds_mask(&kinds), ess, esus)
        });
        let mut relevance = Relevance {
            cpv: f.cpv.clone(),
            stems: Default::default(),
        };
        if let Some(ct) = &text {
            relevance.stems = ct
                .relevance_stems()
                .iter()
                .map(|s| facts::stem_hash(s))
                .collect();
        }
        let geo = match &q.geo {
            None => None,
            Some(GeoClause::Near { point, radius_km }) => {
                // Single precision is within ~2e-7 of the chord: 1e-5 of slack keeps the first
                // test a superset of the exact one.
                let c = crate::model::geo::chord_for_km(*radius_km) + 1e-5;
                let v = point.to_unit_vector();
                Some(GeoPrepared::Near(
                    *point,
                    *radius_km,
                    [v[0] as f32, v[1] as f32, v[2] as f32],
                    (c * c) as f32,
                ))
            }
            Some(GeoClause::InView { bbox }) => Some(GeoPrepared::InView(*bbox)),
            Some(GeoClause::Serves { place, perimeter }) => {
                let ctx = match place {
                    PlaceRef::Commune(c) => PlaceCtx::commune(r, c).ok_or_else(|| {
                        Error::invalid("serves", format!("unknown INSEE commune code ({c})"))
                    })?,
                    PlaceRef::Point(p) => PlaceCtx::point(r, *p),
                };
                let per = perimeter.as_ref().map(|p| match p {
                    PerimeterSpec::RadiusKm(k) => PerimeterCtx::Radius(*k),
                    PerimeterSpec::Areas(a) => {
                        PerimeterCtx::Areas(a.iter().map(facts::area_key).collect())
                    }
                    PerimeterSpec::National => PerimeterCtx::National,
                });
                Some(GeoPrepared::Serves(ctx, per))
            }
        };
        let keys = |v: &[String], k: fn(&str) -> AreaKey| {
            (!v.is_empty()).then(|| v.iter().map(|c| k(c)).collect::<Vec<_>>())
        };
        let communes = (!f.communes.is_empty()).then(|| {
            f.communes
                .iter()
                .filter_map(|c| r.commune(c))
                .map(|c| facts::commune_key(&c.code))
                .collect::<Vec<_>>()
        });
        let departements = (!f.departements.is_empty()).then(|| {
            f.departements
                .iter()
                .map(|d| facts::dept_key(&r.departement(d).map_or(d.clone(), |x| x.code.clone())))
                .collect()
        });
        Ok(Prepared {
            text,
            kinds: (!f.kinds.is_empty()).then(|| facts::kinds_mask(&f.kinds)),
            reserved,
            cpv: f.cpv.clone(),
            naf: f
                .naf
                .iter()
                .map(|n| n.replace('.', "").to_ascii_uppercase())
                .collect(),
            labels: f.labels.iter().map(|l| crate::normalize::fold(l)).collect(),
            families: (!f.legal_families.is_empty()).then(|| {
                f.legal_families
                    .iter()
                    .map(|fam| 1u64 << LegalFamily::ALL.iter().position(|x| x == fam).unwrap_or(0))
                    .fold(0, |a, b| a | b)
            }),
            modes: (!f.modes.is_empty()).then(|| {
                f.modes
                    .iter()
                    .map(|m| facts::mode_bit(*m))
                    .fold(0, |a, b| a | b)
            }),
            ess: f.ess,
            esus: f.esus,
            communes,
            departements,
            regions: keys(&f.regions, facts::region_key),
            geo,
            relevance,
        })
    }

    /// Index-driven sources: (name, terms) for each filter that has driver terms.
    fn filter_sources(&self, q: &SearchQuery, p: &Prepared) -> Vec<(String, Vec<DriverTerm>)> {
        let f = &q.filters;
        let mut out = Vec::new();
        let filter = |v: Vec<String>| v.into_iter().map(DriverTerm::Filter).collect::<Vec<_>>();
        if !f.kinds.is_empty() {
            out.push((
                "kinds".into(),
                filter(
                    f.kinds
                        .iter()
                        .map(|k| text::kind_term(k.as_str()))
                        .collect(),
                ),
            ));
        }
        if let Some((mask, ess, esus)) = p.reserved {
            let mut v: Vec<String> = Kind::ALL
                .into_iter()
                .filter(|k| mask & (1 << (*k as u64)) != 0)
                .map(|k| text::kind_term(k.as_str()))
                .collect();
            if ess {
                v.push("ess".into());
            }
            if esus {
                v.push("esus".into());
            }
            out.push(("reserved".into(), filter(v)));
        }
        if !p.cpv.is_empty() {
            let mut terms = Vec::new();
            for c in &p.cpv {
                terms.push(DriverTerm::Code(format!("c{}", c.digits)));
                for k in 2..c.digits.len() {
                    terms.push(DriverTerm::Code(format!("c{:0<8}", &c.digits[..k])));
                }
            }
            terms.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            terms.dedup();
            out.push(("cpv".into(), terms));
        }
        if !p.naf.is_empty() {
            out.push((
                "naf".into(),
                p.naf
                    .iter()
                    .map(|n| DriverTerm::Code(format!("n{n}")))
                    .collect(),
            ));
        }
        if !f.labels.is_empty() {
            out.push((
                "labels".into(),
                filter(f.labels.iter().map(|l| text::label_term(l)).collect()),
            ));
        }
        if !f.legal_families.is_empty() {
            out.push((
                "legal_families".into(),
                filter(
                    f.legal_families
                        .iter()
                        .map(|fam| {
                            text::family_term(
                                LegalFamily::ALL.iter().position(|x| x == fam).unwrap_or(0),
                            )
                        })
                        .collect(),
                ),
            ));
        }
        if !f.modes.is_empty() {
            out.push((
                "modes".into(),
                filter(
                    f.modes
                        .iter()
                        .map(|m| text::mode_term(m.as_str()))
                        .collect(),
                ),
            ));
        }
        if f.ess == Some(true) {
            out.push(("ess".into(), filter(vec!["ess".into()])));
        }
        if f.esus == Some(true) {
            out.push(("esus".into(), filter(vec!["esus".into()])));
        }
        for (name, keys) in [
            ("communes", &p.communes),
            ("departements", &p.departements),
            ("regions", &p.regions),
        ] {
            if let Some(keys) = keys {
                out.push((
                    name.into(),
                    filter(keys.iter().map(|k| text::area_term(*k)).collect()),
                ));
            }
        }
        out
    }

    /// The documents of a segment the geographic clause may select (a superset, verified
    /// later), or `None` when there would be more than `cap` of them.
    fn geo_bits(&self, g: &GeoPrepared, seg: usize, cap: usize) -> Option<Bits> {
        let sg = self.segment_geo(seg);
        let max_doc = self.text.segments()[seg].max_doc();
        let mut out = Vec::new();
        let mut bits = Bits::empty(max_doc);
        let status = match g {
            GeoPrepared::Near(p, r, ..) => sg.near(*p, *r, cap, &mut out),
            GeoPrepared::InView(b) => sg.in_view(b, cap, &mut out),
            GeoPrepared::Serves(place, per) => {
                let mut s = sg.serves(place, cap, &mut bits);
                if s == Candidates::Complete {
                    s = match per {
                        None => Candidates::Complete,
                        Some(PerimeterCtx::National) => {
                            return (max_doc as usize <= cap).then(|| Bits::full(max_doc));
                        }
                        Some(PerimeterCtx::Radius(r)) => {
                            let s = match place.point {
                                Some(p) => sg.near(p, *r, cap, &mut out),
                                None => Candidates::Complete,
                            };
                            // Addresses in the place's own commune are inside too.
                            if s == Candidates::Complete && !place.commune.is_empty() {
                                let left = cap.saturating_sub(out.len());
                                let own = [facts::commune_key(&place.commune)];
                                sg.located_in_areas(&own, left, &mut out)
                            } else {
                                s
                            }
                        }
                        Some(PerimeterCtx::Areas(keys)) => sg.located_in_areas(keys, cap, &mut out),
                    };
                }
                s
            }
        };
        if status != Candidates::Complete {
            return None;
        }
        out.iter().for_each(|d| bits.insert(*d));
        Some(bits)
    }

    /// Whether to enumerate a segment's geographic candidates rather than verify each of
    /// the `n` documents left, and past how many candidates to give up: enumeration must
    /// cost less. The estimate is cheap: density grids (which overestimate) or list lengths.
    fn geo_plan(&self, g: &GeoPrepared, seg: usize, n: u64) -> Option<usize> {
        let sg = self.segment_geo(seg);
        let (estimate, cap) = match g {
            // An R-tree point (read from the tree's packed leaves) costs far less than
            // verifying a document, whose row is a cache miss: enumerate up to four points
            // per document left (measured with `cargo bench --bench search`).
            GeoPrepared::Near(p, r, ..) => (sg.estimate_near(*p, *r), n.saturating_mul(4)),
            GeoPrepared::InView(b) => (sg.estimate_in_view(b), n.saturating_mul(4)),
            // Copying zone lists costs little next to the serves rule.
            GeoPrepared::Serves(place, _) => (sg.estimate_serves(place), n.saturating_mul(50)),
        };
        (estimate <= cap).then(|| usize::try_from(cap).unwrap_or(usize::MAX))
    }

    /// Verify one document against every clause but the text, giving its distance, CPV
    /// relation and, with `detail`, its geographic reason. The cheap tests come first.
    fn verify(
        &self,
        p: &Prepared,
        cols: &SegCols,
        doc: u32,
        ords: &[u32],
        detail: bool,
    ) -> Option<Verified> {
        if p.kinds.is_some() || p.reserved.is_some() {
            let kinds = cols.kinds(doc);
            if let Some(m) = p.kinds
                && kinds & m == 0
            {
                return None;
            }
            if let Some((m, ess_ok, esus_ok)) = p.reserved {
                let flags = cols.flags(doc);
                let ok = kinds & m != 0
                    || (ess_ok && flags & facts::FLAG_ESS != 0)
                    || (esus_ok && flags & facts::FLAG_ESUS != 0);
                if !ok {
                    return None;
                }
            }
        }
        if p.families.is_some() || p.modes.is_some() || p.ess.is_some() || p.esus.is_some() {
            let flags = cols.flags(doc);
            if let Some(m) = p.families
                && facts::flags_family(flags).is_none_or(|f| m & (1 << f) == 0)
            {
                return None;
            }
            if let Some(m) = p.modes
                && facts::flags_modes(flags) & m == 0
            {
                return None;
            }
            if let Some(e) = p.ess
                && (flags & facts::FLAG_ESS != 0) != e
            {
                return None;
            }
            if let Some(e) = p.esus
                && (flags & facts::FLAG_ESUS != 0) != e
            {
                return None;
            }
        }
        if p.communes.is_some() || p.departements.is_some() || p.regions.is_some() {
            let addr = cols.address(doc);
            if let Some(k) = &p.communes
                && !k.contains(&addr[0])
                && !k.contains(&addr[1])
            {
                return None;
            }
            if let Some(k) = &p.departements
                && !k.contains(&addr[3])
            {
                return None;
            }
            if let Some(k) = &p.regions
                && !k.contains(&addr[4])
            {
                return None;
            }
        }
        if !p.naf.is_empty() {
            let naf = facts::unpack_ascii(cols.naf(doc)?);
            if !p.naf.iter().any(|n| naf.starts_with(n.as_str())) {
                return None;
            }
        }
        if !p.labels.is_empty() && !cols.label_ords(doc).iter().any(|o| ords.contains(o)) {
            return None;
        }
        let mut distance = None;
        let mut geo_hit = None;
        if let Some(g) = &p.geo {
            match g {
                GeoPrepared::Near(pt, r, xyz, max_chord2) => {
                    // `NaN` (no location) fails the comparison.
                    let within = cols.chord2(doc, xyz) <= *max_chord2;
                    if !within {
                        return None;
                    }
                    let d = cols.location(doc)?.distance_km(pt);
                    if d > *r {
                        return None;
                    }
                    distance = Some(d);
                    geo_hit = Some(GeoHit::Near(d));
                }
                GeoPrepared::InView(b) => {
                    if !b.contains(cols.location(doc)?) {
                        return None;
                    }
                    geo_hit = Some(GeoHit::InView);
                }
                GeoPrepared::Serves(place, per) => {
                    let loc = cols.location(doc);
                    let acts = cols.acts(doc);
                    let dept = cols.dept(doc);
                    if detail {
                        let hit = match facts::serves(loc, dept, acts, place, &p.relevance) {
                            Some(h) => GeoHit::Serves(h),
                            None => {
                                let per = per.as_ref()?;
                                GeoHit::Located(facts::located_in(
                                    loc,
                                    cols.address(doc),
                                    place,
                                    per,
                                )?)
                            }
                        };
                        geo_hit = Some(hit);
                    } else if !facts::serves_quick(loc, dept, acts, place, &p.relevance) {
                        facts::located_in(loc, cols.address(doc), place, per.as_ref()?)?;
                    }
                    distance = match (loc, place.point) {
                        (Some(l), Some(pt)) => Some(l.distance_km(&pt)),
                        _ => None,
                    };
                }
            }
        }
        let mut cpv = None;
        if !p.cpv.is_empty() {
            cpv = Some(facts::best_cpv_match(cols.acts(doc), &p.cpv)?);
        }
        Some((distance, geo_hit, cpv))
    }

    fn rank(
        p: &Prepared,
        text_score: Option<f32>,
        completeness: f64,
        distance: Option<f64>,
        cpv: Option<(CpvRelation, u64)>,
    ) -> f64 {
        let t = text_score.map_or(1.0, f64::from);
        let d = match (distance, p.geo.as_ref().and_then(GeoPrepared::point)) {
            (Some(d), Some(_)) => 0.5 + 0.5 * (-d / DECAY_KM).exp(),
            _ => 1.0,
        };
        let qf = quality_factor(completeness);
        let c = match cpv {
            Some((CpvRelation::Above, _)) => 0.8,
            _ => 1.0,
        };
        t * d * qf * c
    }

    /// Run a search.
    ///
    /// Per segment, the clauses are intersected as bit sets: the documents alive, those the
    /// text matches, those each filter's terms select (unless the plan is a scan or
    /// geography-first) and those the geographic clause may select (when the plan or its
    /// cost says so). Every document left is verified against every clause with the exact
    /// rules (unless the bit sets decided them all), counted, and ranked in ascending order:
    /// with text, an upper bound of its score comes first (from the fields it matched in and
    /// their lengths) and the text score is computed only when the bound can still enter the
    /// top.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        self.search_within(q, None)
    }

    /// The hit `q` gives the supplier `siret`, alone: `q` restricted to that one document,
    /// scored as the unrestricted search scores it (a score depends on the document and the
    /// snapshot's statistics, never on the other matches). `None` when it is not searchable
    /// or does not match every clause. Page and page size are ignored.
    pub fn search_one(&self, q: &SearchQuery, siret: &str) -> Result<Option<SearchHit>> {
        let Some(only) = self.text.find(siret)? else {
            return Ok(None);
        };
        let q = SearchQuery {
            page: 1,
            per_page: 1,
            facets: false,
            ..q.clone()
        };
        Ok(self.search_within(&q, Some(only))?.hits.into_iter().next())
    }

    /// [`Snapshot::search`], over one document (segment, document) when `only` says so.
    fn search_within(&self, q: &SearchQuery, only: Option<(u32, u32)>) -> Result<SearchResults> {
        q.validate()?;
        let p = self.prepare(q)?;
        let mut filters: Vec<(u64, String, Vec<DriverTerm>)> = Vec::new();
        if q.plan != PlanHint::Scan {
            for (name, terms) in self.filter_sources(q, &p) {
                let e = self.text.estimate(&terms)?;
                filters.push((e, name, terms));
            }
        }
        filters.sort_by_key(|f| f.0);
        let index_driver = match (&p.text, filters.first()) {
            (Some(ct), Some((e, name, _))) if *e < ct.estimate() => Driver::Filter(name.clone()),
            (Some(_), _) => Driver::Text,
            (None, Some((_, name, _))) => Driver::Filter(name.clone()),
            (None, None) => Driver::Scan,
        };
        let use_filters = matches!(q.plan, PlanHint::Auto | PlanHint::IndexFirst);
        let keep = q.page.saturating_mul(q.per_page).min(MAX_PER_PAGE * 10);
        // Text matches kept by score bound per segment before scoring.
        let cand_cap = keep.saturating_mul(4).max(64);
        let by_distance = q.sort == Sort::Distance;
        let mut top = TopK {
            heap: BinaryHeap::with_capacity(keep + 1),
            keep,
            by_distance,
        };
        let mut total = 0u64;
        let mut examined = 0u64;
        let mut geo_used = false;
        let mut facets = q.facets.then(FacetCounter::default);
        // Whether documents must be verified one by one: a clause the bit sets do not decide
        // exactly (geography, CPV, NAF, labels, a negated flag), or filters not intersected.
        let f = &q.filters;
        let verify_each = p.geo.is_some()
            || !use_filters
            || !p.cpv.is_empty()
            || !p.naf.is_empty()
            || !p.labels.is_empty()
            || f.ess == Some(false)
            || f.esus == Some(false);
        // Whether verifying reads the activity words (zones, CPV codes): they are read
        // ahead for a batch of candidates as their rows are.
        let touch_acts =
            verify_each && (matches!(p.geo, Some(GeoPrepared::Serves(..))) || !p.cpv.is_empty());
        // With a serves clause as the only clause the bit sets do not decide, the documents
        // that surely serve the place (every activity covers it: `facts::sure_cover`) need
        // no verifying: they are counted by the bit set and only ranked.
        let sure_place = match &p.geo {
            Some(GeoPrepared::Serves(place, _))
                if use_filters
                    && p.cpv.is_empty()
                    && p.naf.is_empty()
                    && p.labels.is_empty()
                    && f.ess != Some(false)
                    && f.esus != Some(false) =>
            {
                Some(place)
            }
            _ => None,
        };
        // Without facets nor distance order, those and the verified ones are then ranked by
        // bounds read from bit sets, and only the rows of those that may enter the top are
        // read (`rank_sure`).
        let lazy_sure = sure_place.is_some() && facets.is_none() && !by_distance;
        for (si, seg) in self.text.segments().iter().enumerate() {
            let si32 = si as u32;
            if only.is_some_and(|(s, _)| s != si32) {
                continue;
            }
            let alive = seg.alive();
            if alive.is_empty() {
                continue;
            }
            let cols = &self.segment_cache(si).cols;
            let label_ords = if p.labels.is_empty() {
                Vec::new()
            } else {
                cols.label_ords_matching(&p.labels)
            };
            if !p.labels.is_empty() && label_ords.is_empty() {
                continue;
            }
            let mut m = alive.clone();
            if let Some((_, doc)) = only {
                m.and(&Bits::from_docs(seg.max_doc(), [doc]));
            }
            let sets = match &p.text {
                Some(ct) => {
                    let ts = self.text.text_sets(ct, si32)?;
                    m.and(ts.matched());
                    Some(ts)
                }
                None => None,
            };
            if use_filters {
                for (_, _, terms) in &filters {
                    if m.is_empty() {
                        break;
                    }
                    m.and(&self.text.driver_bits(si32, terms)?);
                }
            }
            // The documents left that surely serve the place, taken out of `m`.
            let mut sure = Bits::empty(0);
            if let Some(place) = sure_place
                && !m.is_empty()
            {
                sure = Bits::empty(seg.max_doc());
                self.segment_geo(si).sure_serves(place, &mut sure);
                sure.and(&m);
                m.and_not(&sure);
            }
            if let Some(g) = &p.geo
                && !m.is_empty()
            {
                let geo = match q.plan {
                    PlanHint::GeoFirst => self.geo_bits(g, si, usize::MAX),
                    PlanHint::Auto => self
                        .geo_plan(g, si, m.count())
                        .and_then(|cap| self.geo_bits(g, si, cap)),
                    PlanHint::IndexFirst | PlanHint::Scan => None,
                };
                if let Some(gb) = geo {
                    m.and(&gb);
                    geo_used = true;
                }
            }
            if !verify_each && sets.is_none() && facets.is_none() && !by_distance {
                // Every document left matches and ranks by its quality factor alone: take
                // the best from the quality order, or from the matches when they are few.
                let n = m.count();
                total += n;
                examined += n;
                let mut offer = |doc: u32| {
                    top.offer(Ranked {
                        score: Self::rank(&p, None, cols.completeness(doc), None, None),
                        distance: f64::INFINITY,
                        sid: cols.sid(doc),
                        seg: si32,
                        doc,
                        by_distance,
                    })
                };
                if n * 64 < u64::from(seg.max_doc()) {
                    m.iter().for_each(&mut offer);
                } else {
                    cols.by_quality()
                        .iter()
                        .filter(|d| m.contains(**d))
                        .take(keep)
                        .for_each(|d| offer(*d));
                }
                continue;
            }
            if let Some(fc) = facets.as_mut() {
                fc.start_segment(cols);
            }
            // With text: the documents with the best score bounds, and the best bound left
            // out.
            let mut cands: BinaryHeap<Cand> = BinaryHeap::new();
            let mut left_out: Option<Ranked> = None;
            // Candidates in batches whose rows are read first (see `SegCols::touch`): those
            // to verify, then (unless ranked lazily) those surely serving the place. The
            // documents verified to serve, when ranked lazily with the sure ones:
            let mut confirmed: Vec<u32> = Vec::new();
            let sets_to_go = if lazy_sure {
                &[(&m, verify_each)][..]
            } else {
                &[(&m, verify_each), (&sure, false)][..]
            };
            for &(set, verify_set) in sets_to_go {
                let mut docs = set.iter();
                let mut batch = [0u32; 16];
                loop {
                    let mut k = 0;
                    for d in docs.by_ref().take(batch.len()) {
                        batch[k] = d;
                        k += 1;
                    }
                    if k == 0 {
                        break;
                    }
                    let sink = batch[..k]
                        .iter()
                        .fold(0u32, |a, &d| a.wrapping_add(cols.touch(d)));
                    std::hint::black_box(sink);
                    if touch_acts && verify_set {
                        let sink = batch[..k]
                            .iter()
                            .fold(0u64, |a, &d| a.wrapping_add(cols.touch_acts(d)));
                        std::hint::black_box(sink);
                    }
                    for &doc in &batch[..k] {
                        examined += 1;
                        if lazy_sure {
                            if self.verify(&p, cols, doc, &label_ords, false).is_some() {
                                confirmed.push(doc);
                            }
                            continue;
                        }
                        let (distance, cpv) = if verify_set {
                            match self.verify(&p, cols, doc, &label_ords, false) {
                                Some((distance, _, cpv)) => (distance, cpv),
                                None => continue,
                            }
                        } else if let Some(place) = sure_place {
                            let distance = match (cols.location(doc), place.point) {
                                (Some(l), Some(pt)) => Some(l.distance_km(&pt)),
                                _ => None,
                            };
                            (distance, None)
                        } else {
                            (None, None)
                        };
                        total += 1;
                        if let Some(fc) = facets.as_mut() {
                            fc.add(cols, doc);
                        }
                        let completeness = cols.completeness(doc);
                        let Some(ts) = &sets else {
                            top.offer(Ranked {
                                score: Self::rank(&p, None, completeness, distance, cpv),
                                distance: distance.unwrap_or(f64::INFINITY),
                                sid: cols.sid(doc),
                                seg: si32,
                                doc,
                                by_distance,
                            });
                            continue;
                        };
                        let c = Cand {
                            r: Ranked {
                                score: Self::rank(
                                    &p,
                                    Some(ts.upper_bound(doc, cols.norms(doc))),
                                    completeness,
                                    distance,
                                    cpv,
                                ),
                                distance: distance.unwrap_or(f64::INFINITY),
                                sid: u64::from(doc),
                                seg: si32,
                                doc,
                                by_distance,
                            },
                            distance,
                            cpv,
                        };
                        let out = if cands.len() < cand_cap {
                            cands.push(c);
                            None
                        } else if cands.peek().is_some_and(|w| c.r.key_cmp(&w.r).is_lt()) {
                            let w = cands.pop();
                            cands.push(c);
                            w
                        } else {
                            Some(c)
                        };
                        if let Some(o) = out
                            && left_out.is_none_or(|l| o.r.key_cmp(&l).is_lt())
                        {
                            left_out = Some(o.r);
                        }
                    }
                }
            }
            // Every match again, for a second pass of the text scoring.
            if !lazy_sure {
                m.or(&sure);
            }
            if let (Some(ct), Some(ts)) = (&p.text, &sets) {
                self.score_candidates(
                    &p,
                    ct,
                    ts,
                    si32,
                    cols,
                    cands,
                    left_out,
                    &m,
                    &label_ords,
                    &mut top,
                )?;
            }
            if lazy_sure {
                confirmed.iter().for_each(|d| sure.insert(*d));
                total += sure.count();
            }
            if let Some(place) = sure_place.filter(|_| lazy_sure)
                && !sure.is_empty()
            {
                let text = p.text.as_deref().zip(sets.as_deref());
                examined += self.rank_sure(&p, place, text, si, &sure, &mut top)?;
            }
            if let Some(fc) = facets.as_mut() {
                fc.end_segment(cols);
            }
        }
        let driver = if geo_used {
            Driver::Geo
        } else if q.plan == PlanHint::Scan {
            Driver::Scan
        } else {
            index_driver
        };
        let mut ranked = top.heap.into_vec();
        ranked.sort_by(|a, b| a.key_cmp(b));
        let start = (q.page - 1).saturating_mul(q.per_page);
        let page: Vec<Ranked> = ranked.into_iter().skip(start).take(q.per_page).collect();
        let hits = self.hits(q, &p, &page)?;
        Ok(SearchResults {
            total,
            hits,
            facets: facets.map(|fc| self.facets(fc)),
            plan: PlanInfo {
                driver,
                candidates: examined,
            },
            seq: self.seq,
        })
    }

    /// Rank a segment's documents that serve the place (`sure`: they match every clause)
    /// without reading most of their rows. Each gets a coarse bound from bit sets alone
    /// (the text fields it matches in, each at its shortest; the distance of its address
    /// département's nearest document; the best quality factor). The best coarse bounds are
    /// read and scored first, best first, until the top is full; then every document whose
    /// coarse bound can still enter is read, in document order, for its exact bound, and
    /// scored when that can enter. Returns the number of rows read.
    fn rank_sure(
        &self,
        p: &Prepared,
        place: &PlaceCtx,
        text: Option<(&text::CompiledText, &text::TextSets)>,
        seg: usize,
        sure: &Bits,
        top: &mut TopK,
    ) -> Result<u64> {
        let cols = &self.segment_cache(seg).cols;
        let sg = self.segment_geo(seg);
        let seg32 = seg as u32;
        let best_quality = quality_factor(1.0);
        // The distance factor's bound per group of documents.
        let decay: Vec<f64> = match place.point {
            Some(pt) => sg
                .group_min_km(pt)
                .into_iter()
                .map(|km| 0.5 + 0.5 * (-km / DECAY_KM).exp())
                .collect(),
            None => Vec::new(),
        };
        let mut coarse: Vec<Coarse> = Vec::new();
        for doc in sure.iter() {
            let t = text.map_or(1.0, |(_, ts)| f64::from(ts.coarse_bound(doc)));
            let d = decay.get(sg.group_of(doc)).copied().unwrap_or(1.0);
            let bound = t * d * best_quality;
            if top.may_enter(bound, f64::INFINITY) {
                coarse.push(Coarse { bound, doc });
            }
        }
        // A document's exact bound (its score without text) and distance, from its row.
        let exact = |doc: u32| {
            let distance = match (cols.location(doc), place.point) {
                (Some(l), Some(pt)) => Some(l.distance_km(&pt)),
                _ => None,
            };
            let t = text.map(|(_, ts)| ts.upper_bound(doc, cols.norms(doc)));
            let score = Self::rank(p, t, cols.completeness(doc), distance, None);
            (score, distance)
        };
        let by_distance = top.by_distance;
        let ranked = |doc: u32, score: f64, distance: Option<f64>| Ranked {
            score,
            distance: distance.unwrap_or(f64::INFINITY),
            sid: cols.sid(doc),
            seg: seg32,
            doc,
            by_distance,
        };
        let mut examined = 0;
        // First the best coarse bounds, by chunks, until the top is full.
        let mut coarse = BinaryHeap::from(coarse);
        while top.heap.len() < top.keep && !coarse.is_empty() {
            let mut cands: BinaryHeap<Cand> = BinaryHeap::new();
            for c in std::iter::from_fn(|| coarse.pop()).take(64) {
                examined += 1;
                let (score, distance) = exact(c.doc);
                match text {
                    Some(_) => cands.push(Cand {
                        r: Ranked {
                            sid: u64::from(c.doc),
                            ..ranked(c.doc, score, distance)
                        },
                        distance,
                        cpv: None,
                    }),
                    // Without text the bound is the score.
                    None => top.offer(ranked(c.doc, score, distance)),
                }
            }
            if let Some((ct, ts)) = text {
                self.score_candidates(p, ct, ts, seg32, cols, cands, None, sure, &[], top)?;
            }
        }
        // Then every other one that may still enter, in document order: the text cursors
        // only move forward.
        let mut rest: Vec<u32> = coarse
            .into_iter()
            .filter(|c| top.may_enter(c.bound, f64::INFINITY))
            .map(|c| c.doc)
            .collect();
        rest.sort_unstable();
        let mut matcher = match text {
            Some((ct, _)) => Some(self.text.matcher(ct, seg32)?),
            None => None,
        };
        for batch in rest.chunks(16) {
            let sink = batch
                .iter()
                .fold(0u32, |a, &d| a.wrapping_add(cols.touch(d)));
            std::hint::black_box(sink);
            for &doc in batch {
                examined += 1;
                let (bound, distance) = exact(doc);
                if !top.may_enter(bound, distance.unwrap_or(f64::INFINITY)) {
                    continue;
                }
                let score = match matcher.as_mut() {
                    Some(m) => {
                        let t = m.score(doc, cols.norms(doc)).ok_or_else(|| {
                            Error::Internal("a text match has no text score".into())
                        })?;
                        Self::rank(p, Some(t), cols.completeness(doc), distance, None)
                    }
                    None => bound,
                };
                top.offer(ranked(doc, score, distance));
            }
        }
        Ok(examined)
    }

    /// Score a segment's text matches with the best bounds, best first, in growing chunks
    /// (each scored in ascending document order), until the next bound cannot enter the top.
    /// When every candidate kept could enter and a match left out might too, the segment's
    /// matches are gone through again, in order, scoring those whose bound can still enter.
    #[allow(clippy::too_many_arguments)]
    fn score_candidates(
        &self,
        p: &Prepared,
        ct: &text::CompiledText,
        sets: &text::TextSets,
        seg: u32,
        cols: &SegCols,
        cands: BinaryHeap<Cand>,
        left_out: Option<Ranked>,
        m: &Bits,
        label_ords: &[u32],
        top: &mut TopK,
    ) -> Result<()> {
        let sorted = cands.into_sorted_vec();
        let mut scored = Vec::new();
        let mut chunk_len = top.keep + 16;
        let mut i = 0;
        let mut done = false;
        let mut chunk: Vec<&Cand> = Vec::new();
        let score = |matcher: &mut text::SegMatcher<'_>, doc: u32| {
            matcher
                .score(doc, cols.norms(doc))
                .ok_or_else(|| Error::Internal("a text match has no text score".into()))
        };
        while i < sorted.len() && !done {
            let end = (i + chunk_len).min(sorted.len());
            chunk.clear();
            for c in &sorted[i..end] {
                if !top.may_enter(c.r.score, c.r.distance) {
                    // Every later one is bounded lower (or farther).
                    done = true;
                    break;
                }
                chunk.push(c);
            }
            i = end;
            chunk_len *= 4;
            chunk.sort_unstable_by_key(|c| c.r.doc);
            let mut matcher = self.text.matcher(ct, seg)?;
            for c in &chunk {
                let t = score(&mut matcher, c.r.doc)?;
                scored.push(c.r.doc);
                top.offer(Ranked {
                    score: Self::rank(p, Some(t), cols.completeness(c.r.doc), c.distance, c.cpv),
                    distance: c.r.distance,
                    sid: cols.sid(c.r.doc),
                    seg,
                    doc: c.r.doc,
                    by_distance: top.by_distance,
                });
            }
        }
        let Some(l) = left_out else {
            return Ok(());
        };
        if done || !top.may_enter(l.score, l.distance) {
            return Ok(());
        }
        scored.sort_unstable();
        let mut matcher = self.text.matcher(ct, seg)?;
        for doc in m.iter() {
            if scored.binary_search(&doc).is_ok() {
                continue;
            }
            let Some((distance, _, cpv)) = self.verify(p, cols, doc, label_ords, false) else {
                continue;
            };
            let completeness = cols.completeness(doc);
            let bound = Self::rank(
                p,
                Some(sets.upper_bound(doc, cols.norms(doc))),
                completeness,
                distance,
                cpv,
            );
            let d = distance.unwrap_or(f64::INFINITY);
            if !top.may_enter(bound, d) {
                continue;
            }
            let t = score(&mut matcher, doc)?;
            top.offer(Ranked {
                score: Self::rank(p, Some(t), completeness, distance, cpv),
                distance: d,
                sid: cols.sid(doc),
                seg,
                doc,
                by_distance: top.by_distance,
            });
        }
        Ok(())
    }

    fn facets(&self, fc: FacetCounter) -> Facets {
        let r = Referential::get();
        Facets {
            kinds: sorted_desc(
                Kind::ALL
                    .iter()
                    .map(|k| FacetCount {
                        value: k.as_str().into(),
                        label: k.label_fr().into(),
                        count: fc.kinds[*k as usize],
                    })
                    .collect(),
            ),
            legal_families: sorted_desc(
                LegalFamily::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, f)| FacetCount {
                        value: f.as_str().into(),
                        label: f.label_fr().into(),
                        count: fc.families[i],
                    })
                    .collect(),
            ),
            modes: sorted_desc(
                Mode::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, m)| FacetCount {
                        value: m.as_str().into(),
                        label: m.label_fr().into(),
                        count: fc.modes[i],
                    })
                    .collect(),
            ),
            departements: sorted_desc(
                fc.depts
                    .iter()
                    .map(|(k, n)| {
                        let area = facts::area_of_key(*k);
                        let code = area.code().to_string();
                        let label = r
                            .departement(&code)
                            .map_or(code.clone(), |d| d.name.clone());
                        FacetCount {
                            value: code,
                            label,
                            count: *n,
                        }
                    })
                    .collect(),
            ),
            regions: sorted_desc(
                fc.regions
                    .iter()
                    .map(|(k, n)| {
                        let area = facts::area_of_key(*k);
                        let code = area.code().to_string();
                        let label = r.region(&code).map_or(code.clone(), |d| d.name.clone());
                        FacetCount {
                            value: code,
                            label,
                            count: *n,
                        }
                    })
                    .collect(),
            ),
            labels: sorted_desc(
                fc.labels
                    .into_iter()
                    .map(|(l, n)| FacetCount {
                        value: l.clone(),
                        label: l,
                        count: n,
                    })
                    .collect(),
            ),
        }
    }

    /// Build the returned hits: stored profiles, explanations, reasons, snippets.
    fn hits(&self, q: &SearchQuery, p: &Prepared, page: &[Ranked]) -> Result<Vec<SearchHit>> {
        let r = Referential::get();
        // Explanations are fastest in ascending document order per segment.
        let mut order: Vec<usize> = (0..page.len()).collect();
        order.sort_by_key(|&i| (page[i].seg, page[i].doc));
        let mut terms: Vec<Vec<MatchedTerm>> = vec![Vec::new(); page.len()];
        if let Some(ct) = &p.text {
            let mut cur: Option<(u32, text::SegMatcher<'_>)> = None;
            for &i in &order {
                let h = page[i];
                if cur.as_ref().is_none_or(|(s, _)| *s != h.seg) {
                    cur = Some((h.seg, self.text.matcher(ct, h.seg)?));
                }
                if let Some((_, m)) = cur.as_mut() {
                    terms[i] =
                        m.explain(h.doc, self.segment_cache(h.seg as usize).cols.norms(h.doc));
                }
            }
        }
        let mut out = Vec::with_capacity(page.len());
        for (i, h) in page.iter().enumerate() {
            let cols = &self.segment_cache(h.seg as usize).cols;
            let label_ords = if p.labels.is_empty() {
                Vec::new()
            } else {
                cols.label_ords_matching(&p.labels)
            };
            let (distance, geo_hit, cpv) = self
                .verify(p, cols, h.doc, &label_ords, true)
                .ok_or_else(|| Error::Internal("a ranked hit no longer verifies".into()))?;
            let supplier = self.text.supplier(h.seg, h.doc)?;
            let mut reasons = Vec::new();
            let matched = std::mem::take(&mut terms[i]);
            if let Some(w) = reasons::words(&matched) {
                reasons.push(w);
            }
            if let Some(c) = reasons::codes(&matched) {
                reasons.push(c);
            }
            if let Some((rel, code)) = cpv {
                reasons.push(reasons::cpv(code, rel));
            }
            if !p.naf.is_empty()
                && let Some(n) = &supplier.naf
            {
                reasons.push(format!("NAF {n}"));
            }
            if let Some(route) = q.filters.reserved
                && let Some(basis) = crate::model::supplier_eligibility(route, &supplier)
            {
                reasons.push(basis.explain(route));
            }
            if !q.filters.kinds.is_empty() {
                let ks: Vec<&str> = supplier
                    .kinds
                    .iter()
                    .filter(|k| q.filters.kinds.contains(k))
                    .map(|k| k.as_str())
                    .collect();
                if !ks.is_empty() {
                    reasons.push(ks.join(", "));
                }
            }
            if !p.labels.is_empty() {
                for l in &supplier.labels {
                    if p.labels.contains(&crate::normalize::fold(l)) {
                        reasons.push(format!("label {l}"));
                    }
                }
            }
            let geo = geo_hit.map(|g| match g {
                GeoHit::Near(d) => GeoMatch::Near { distance_km: d },
                GeoHit::Serves(s) => GeoMatch::Serves(s.to_match()),
                GeoHit::Located(l) => GeoMatch::Located(l.to_match()),
                GeoHit::InView => GeoMatch::InView,
            });
            match &geo {
                Some(GeoMatch::Near { distance_km }) => {
                    reasons.push(reasons::distance(*distance_km))
                }
                Some(GeoMatch::Serves(m)) => {
                    let label = m
                        .activity
                        .and_then(|a| supplier.activities.get(a as usize))
                        .and_then(|a| a.label.as_deref());
                    reasons.push(reasons::serves(r, m, label));
                    if let Some(d) = distance
                        && !matches!(m.rule, ServesRule::Radius { .. })
                    {
                        reasons.push(reasons::distance(d));
                    }
                }
                Some(GeoMatch::Located(m)) => reasons.push(reasons::located(r, m)),
                _ => {}
            }
            let snippets = if q.snippets {
                snippets_of(&supplier, &matched)
            } else {
                Vec::new()
            };
            out.push(SearchHit {
                siret: supplier.siret.clone(),
                name: supplier.name.clone(),
                score: h.score,
                distance_km: distance,
                reasons,
                matched_terms: matched,
                geo,
                cpv: cpv.map(|(rel, code)| CpvMatch {
                    code: format!("{code:08}"),
                    relation: match rel {
                        CpvRelation::Below => CpvRelationDto::Below,
                        CpvRelation::Above => CpvRelationDto::Above,
                    },
                }),
                snippets,
                supplier,
            });
        }
        Ok(out)
    }
}

/// Highlighted extracts of a profile for the matched stems.
fn snippets_of(s: &Supplier, matched: &[MatchedTerm]) -> Vec<Snippet> {
    let stems: std::collections::HashSet<String> = matched
        .iter()
        .flat_map(|m| m.stems.iter().cloned())
        .collect();
    if stems.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let name = match &s.brand {
        Some(b) => format!("{} ({b})", s.name),
        None => s.name.clone(),
    };
    let offers: Vec<String> = s
        .offers
        .iter()
        .map(|o| format!("{} : {}", o.title, o.description))
        .collect();
    let activities: Vec<String> = s
        .activities
        .iter()
        .filter_map(|a| a.label.clone())
        .collect();
    let refs: Vec<String> = s
        .references
        .iter()
        .map(|r| format!("{} : {}", r.client, r.description))
        .collect();
    for (field, text) in [
        ("name", name),
        ("activities", activities.join(" · ")),
        ("offers", offers.join(" · ")),
        ("description", s.description.clone()),
        ("references", refs.join(" · ")),
    ] {
        if let Some(sn) = analysis::snippet(field, &text, &stems, 160) {
            out.push(sn);
        }
        if out.len() >= 2 {
            break;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The index handle: generations, sync, rebuild

const POINTER: &str = "CURRENT";
/// Memory for the incremental writer (one thread).
const SYNC_WRITER_BYTES: usize = 50_000_000;
/// Memory for a rebuild (two threads share it).
const BUILD_WRITER_BYTES: usize = 200_000_000;
/// Changes read from the store at once.
const PAGE: usize = 5_000;
/// Changes applied between intermediate commits of a long catch-up.
const COMMIT_EVERY: usize = 50_000;

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncReport {
    /// Supplier changes applied by this process.
    pub applied: usize,
    /// Store sequence the index reflects now.
    pub seq: Seq,
    /// Another process holds the index writer: the index may lag until it catches up.
    pub lagging: bool,
}

struct WriterSlot {
    generation: String,
    text: Arc<TextIndex>,
    writer: Option<TextWriter>,
}

/// The supplier writes this process applied to the current generation, so that a cache
/// computed on an older snapshot can tell what changed since (`SearchIndex::writes_since`).
/// It forgets its oldest entries past [`WRITE_LOG_CAP`] and starts afresh with each
/// generation; what it cannot tell, it says it cannot.
#[derive(Default)]
struct WriteLog {
    generation: String,
    /// Every supplier write with a sequence above this one is known...
    known_after: Seq,
    /// ...up to this one (writes committed by another process are not seen).
    known_through: Seq,
    /// (sequence, SIRET) of each write, in sequence order.
    log: std::collections::VecDeque<(Seq, String)>,
    /// SIRET → the sequence of its last write in `log`.
    last: HashMap<String, Seq>,
}

/// Supplier writes remembered by the [`WriteLog`] (about 150 bytes each with the SIRET map:
/// some 20 MB when full).
const WRITE_LOG_CAP: usize = 1 << 17;

impl WriteLog {
    fn reset(&mut self, generation: &str, seq: Seq) {
        *self = WriteLog {
            generation: generation.to_string(),
            known_after: seq,
            known_through: seq,
            ..WriteLog::default()
        };
    }

    fn record(&mut self, seq: Seq, siret: &str) {
        self.log.push_back((seq, siret.to_string()));
        self.last.insert(siret.to_string(), seq);
        while self.log.len() > WRITE_LOG_CAP {
            let Some((old, siret)) = self.log.pop_front() else {
                break;
            };
            self.known_after = old;
            if self.last.get(&siret) == Some(&old) {
                self.last.remove(&siret);
            }
        }
    }
}

/// What was written to the index after a snapshot: [`SearchIndex::writes_since`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WritesSince {
    /// Supplier writes (upserts and deletions) applied since.
    pub suppliers: usize,
    /// Whether the supplier asked about is one of them.
    pub this_supplier: bool,
}

struct Inner {
    root: PathBuf,
    writes: Mutex<WriteLog>,
    current: RwLock<Arc<Snapshot>>,
    slot: Mutex<WriterSlot>,
    geo_cache: Mutex<HashMap<u128, Arc<OnceLock<Arc<SegmentCache>>>>>,
    /// Sequence of the last published snapshot, with a condition variable for waiters.
    published: Mutex<Seq>,
    published_cv: parking_lot::Condvar,
}

/// The search index of a data directory. Cheap to clone; all clones share one index.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

fn new_generation_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("gen-{nanos:024}-{}", std::process::id())
}

fn read_pointer(root: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(root.join(POINTER)) {
        Ok(s) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Point `CURRENT` at a generation, atomically and durably.
fn write_pointer(root: &Path, generation: &str) -> Result<()> {
    use std::io::Write;
    let tmp = root.join(format!("{POINTER}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(generation.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, root.join(POINTER))?;
    std::fs::File::open(root)?.sync_all()?;
    Ok(())
}

/// Remove generations older than `keep` (newer ones may be a rebuild in progress).
fn remove_old_generations(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("gen-") && name.as_str() < keep {
            if let Err(err) = std::fs::remove_dir_all(e.path()) {
                tracing::warn!(generation = %name, error = %err, "could not remove an old index generation");
            }
        }
    }
}

impl SearchIndex {
    /// Open the index of a data directory (`<data_dir>/search`), creating an empty one when
    /// there is none. It is not caught up: call [`SearchIndex::sync`]. A generation written
    /// by a version of essor that analyses or stores texts differently
    /// ([`text::FORMAT_VERSION`], or another schema) is replaced by an empty one, which the
    /// sync fills from the store: an upgrade never searches stale terms, and needs no
    /// `essor reindex`.
    pub fn open(data_dir: &Path) -> Result<SearchIndex> {
        let root = data_dir.join("search");
        std::fs::create_dir_all(&root)?;
        let current = read_pointer(&root)?.filter(|g| root.join(g).join("meta.json").exists());
        let opened = match current {
            Some(g) => match TextIndex::open_checked(&root.join(&g))? {
                Ok(text) => Some((g, text)),
                Err(why) => {
                    tracing::warn!(
                        reason = %why,
                        "the search index was built by another version of essor: rebuilding it from the store"
                    );
                    None
                }
            },
            None => None,
        };
        let (generation, text) = match opened {
            Some(opened) => opened,
            None => {
                let g = new_generation_name();
                let text = TextIndex::open_or_create(&root.join(&g))?;
                write_pointer(&root, &g)?;
                (g, text)
            }
        };
        remove_old_generations(&root, &generation);
        let text = Arc::new(text);
        let seq = text.committed_seq()?;
        let snap = Snapshot {
            generation: generation.clone(),
            seq,
            text: text.snapshot()?,
            cache: Vec::new(),
        };
        let mut writes = WriteLog::default();
        writes.reset(&generation, seq);
        let inner = Arc::new(Inner {
            root,
            writes: Mutex::new(writes),
            current: RwLock::new(Arc::new(snap)),
            slot: Mutex::new(WriterSlot {
                generation,
                text,
                writer: None,
            }),
            geo_cache: Mutex::new(HashMap::new()),
            published: Mutex::new(seq),
            published_cv: parking_lot::Condvar::new(),
        });
        let index = SearchIndex { inner };
        {
            let slot = index.inner.slot.lock();
            index.publish(&slot, seq, false)?;
        }
        Ok(index)
    }

    /// Open and catch up with the store.
    pub fn open_synced(data_dir: &Path, store: &Store) -> Result<SearchIndex> {
        let index = SearchIndex::open(data_dir)?;
        index.sync(store)?;
        Ok(index)
    }

    /// The current snapshot (searches on it stay consistent whatever happens meanwhile).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.current.read().clone()
    }

    /// Search the current snapshot.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        self.snapshot().search(q)
    }

    /// The hit of one supplier for a search, on the current snapshot
    /// ([`Snapshot::search_one`]).
    pub fn search_one(&self, q: &SearchQuery, siret: &str) -> Result<Option<SearchHit>> {
        self.snapshot().search_one(q, siret)
    }

    /// A searchable supplier by SIRET.
    pub fn supplier(&self, siret: &str) -> Result<Option<Arc<Supplier>>> {
        self.snapshot().supplier(siret)
    }

    /// The store sequence searches currently reflect.
    pub fn applied_seq(&self) -> Seq {
        self.snapshot().seq
    }

    /// The supplier writes applied to generation `generation` after store sequence `seq`
    /// (a snapshot's [`Snapshot::generation`] and [`Snapshot::seq`]) up to the current
    /// snapshot, and whether `siret` is among them; `None` when the index cannot tell (another
    /// generation, writes older than it remembers, or applied by another process).
    pub fn writes_since(&self, generation: &str, seq: Seq, siret: &str) -> Option<WritesSince> {
        let now = self.snapshot();
        let writes = self.inner.writes.lock();
        if generation != now.generation
            || writes.generation != generation
            || seq < writes.known_after
            || now.seq > writes.known_through
        {
            return None;
        }
        let first = writes.log.partition_point(|(s, _)| *s <= seq);
        Some(WritesSince {
            suppliers: writes.log.len() - first,
            this_supplier: writes.last.get(siret).is_some_and(|s| *s > seq),
        })
    }

    fn publish(&self, slot: &WriterSlot, seq: Seq, warm: bool) -> Result<()> {
        let text = slot.text.snapshot()?;
        let mut cache = self.inner.geo_cache.lock();
        let mut geo = Vec::with_capacity(text.segments().len());
        let mut keep = HashMap::new();
        for seg in text.segments() {
            let cell = cache.get(&seg.key()).cloned().unwrap_or_default();
            keep.insert(seg.key(), cell.clone());
            geo.push(cell);
        }
        *cache = keep;
        drop(cache);
        let snap = Arc::new(Snapshot {
            generation: slot.generation.clone(),
            seq,
            text,
            cache: geo,
        });
        if warm {
            snap.warm();
        }
        *self.inner.current.write() = snap;
        *self.inner.published.lock() = seq;
        self.inner.published_cv.notify_all();
        Ok(())
    }

    /// Block until searches reflect store sequence `seq` (e.g. a write just made), or the
    /// timeout passes; says whether they do. Needs someone syncing (a [`Refresher`]).
    pub fn wait_for_seq(&self, seq: Seq, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        let mut published = self.inner.published.lock();
        while *published < seq {
            if self
                .inner
                .published_cv
                .wait_until(&mut published, deadline)
                .timed_out()
            {
                return *published >= seq;
            }
        }
        true
    }

    /// Catch up with the store: apply supplier changes after the recorded sequence, commit,
    /// and publish a new snapshot. Also follows a generation swapped by another process.
    pub fn sync(&self, store: &Store) -> Result<SyncReport> {
        self.sync_inner(store, true)
    }

    fn sync_inner(&self, store: &Store, warm: bool) -> Result<SyncReport> {
        let mut slot = self.inner.slot.lock();
        let mut changed = false;
        if let Some(g) = read_pointer(&self.inner.root)?
            && g != slot.generation
            && self.inner.root.join(&g).join("meta.json").exists()
        {
            slot.writer = None;
            slot.text = Arc::new(TextIndex::open_or_create(&self.inner.root.join(&g))?);
            slot.generation = g;
            changed = true;
        }
        let target = store.last_seq()?;
        let mut committed = slot.text.committed_seq()?;
        let mut applied = 0usize;
        let mut lagging = false;
        {
            let mut writes = self.inner.writes.lock();
            if writes.generation != slot.generation {
                writes.reset(&slot.generation, committed);
            }
        }
        if committed < target {
            if slot.writer.is_none() {
                match slot.text.writer(1, SYNC_WRITER_BYTES) {
                    Ok(w) => slot.writer = Some(w),
                    Err(WriterError::Locked) => lagging = true,
                    Err(WriterError::Other(e)) => return Err(e),
                }
            }
            let generation = slot.generation.clone();
            if let Some(w) = slot.writer.as_mut() {
                let mut since_commit = 0usize;
                loop {
                    let page = store.supplier_changes(committed, PAGE)?;
                    let Some(last) = page.last() else { break };
                    let last_seq = last.seq();
                    let mut written = Vec::with_capacity(page.len());
                    for c in page {
                        match c {
                            SupplierChange::Upsert(s, seq) => {
                                w.upsert(&s)?;
                                written.push((seq, s.siret));
                            }
                            SupplierChange::Delete(siret, seq) => {
                                w.delete(&siret);
                                written.push((seq, siret));
                            }
                        }
                        applied += 1;
                        since_commit += 1;
                    }
                    {
                        let mut writes = self.inner.writes.lock();
                        // The log knows the writes up to here only if it knew them up to
                        // where this page starts (else another process applied some).
                        if writes.known_through != committed {
                            writes.reset(&generation, committed);
                        }
                        for (seq, siret) in &written {
                            writes.record(*seq, siret);
                        }
                        writes.known_through = last_seq;
                    }
                    committed = last_seq;
                    if since_commit >= COMMIT_EVERY {
                        w.commit(committed)?;
                        since_commit = 0;
                    }
                }
                {
                    // No supplier was written between the last page and `target`.
                    let mut writes = self.inner.writes.lock();
                    if writes.known_through == committed {
                        writes.known_through = committed.max(target);
                    }
                }
                committed = committed.max(target);
                w.commit(committed)?;
                changed = true;
            }
        }
        let current = self.snapshot();
        if changed || current.seq != committed || current.generation != slot.generation {
            // Read the sequence before reloading: what we publish reflects at least it.
            let seq = slot.text.committed_seq()?;
            {
                // Writes another process applied are not in the log: it starts afresh from
                // here, so that caches computed from now on can still be told what changes.
                let mut writes = self.inner.writes.lock();
                if seq > writes.known_through {
                    writes.reset(&slot.generation, seq);
                }
            }
            self.publish(&slot, seq, warm)?;
        }
        Ok(SyncReport {
            applied,
            seq: self.applied_seq(),
            lagging,
        })
    }

    /// Rebuild the index from the store into a fresh generation, swap it in atomically, and
    /// catch up with writes made meanwhile. Searches keep running on the old generation
    /// until the swap.
    pub fn rebuild(&self, store: &Store) -> Result<SyncReport> {
        let generation = new_generation_name();
        let dir = self.inner.root.join(&generation);
        let text = TextIndex::open_or_create(&dir)?;
        let mut w = match text.writer(2, BUILD_WRITER_BYTES) {
            Ok(w) => w,
            Err(WriterError::Locked) => {
                return Err(Error::Index("new generation is locked".into()));
            }
            Err(WriterError::Other(e)) => return Err(e),
        };
        let mut n = 0usize;
        // The store gives each supplier once and the generation is new: nothing to delete.
        let seq = store.for_each_supplier(|s, _| {
            n += 1;
            w.add_new(&s)
        })?;
        w.commit(seq)?;
        w.finish()?;
        drop(text);
        {
            let mut slot = self.inner.slot.lock();
            write_pointer(&self.inner.root, &generation)?;
            slot.writer = None;
            slot.text = Arc::new(TextIndex::open_or_create(&dir)?);
            slot.generation = generation.clone();
        }
        let report = self.sync(store)?;
        remove_old_generations(&self.inner.root, &generation);
        Ok(SyncReport {
            applied: n + report.applied,
            seq: report.seq,
            lagging: report.lagging,
        })
    }

    /// Start a thread that syncs with the store every `every` (about 100 ms is right). It
    /// stops when the returned handle is dropped.
    pub fn start_refresher(&self, store: Store, every: Duration) -> Refresher {
        let (tx, rx) = crossbeam_channel::bounded::<()>(0);
        let index = self.clone();
        let handle = std::thread::Builder::new()
            .name("essor-index-refresh".into())
            .spawn(move || {
                while let Err(crossbeam_channel::RecvTimeoutError::Timeout) = rx.recv_timeout(every)
                {
                    if let Err(e) = index.sync(&store) {
                        tracing::warn!(error = %e, "search index refresh failed");
                    }
                }
            })
            .expect("spawning the index refresher thread");
        Refresher {
            stop: Some(tx),
            handle: Some(handle),
        }
    }
}

/// Owns the background refresher thread; dropping it stops and joins the thread.
pub struct Refresher {
    stop: Option<crossbeam_channel::Sender<()>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Refresher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(h) = self.handle.take()
            && h.join().is_err()
        {
            tracing::error!("search index refresher panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_write_log_forgets_its_oldest_writes_past_its_cap_and_says_so() {
        let mut log = WriteLog::default();
        log.reset("gen-a", 10);
        log.record(11, "A");
        for seq in 12..12 + WRITE_LOG_CAP as Seq {
            log.record(seq, "B");
        }
        // "A" (seq 11) was forgotten: writes after 11 are still known, those after 10 not.
        assert_eq!(log.log.len(), WRITE_LOG_CAP);
        assert_eq!(log.known_after, 11);
        assert!(!log.last.contains_key("A"));
        assert_eq!(log.last.get("B"), Some(&(11 + WRITE_LOG_CAP as Seq)));
    }
}
