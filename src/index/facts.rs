//! The per-supplier facts the search core filters, ranks and explains with, and the exact
//! rules over them: when a supplier *serves* a place (contract section 2), when it lies in a
//! perimeter, when its CPV codes match a requested code, when it is in a map box.
//!
//! Facts are computed once from a validated [`Supplier`] at index time ([`Facts::of`]) and
//! stored compactly (numbers only) by `index/text.rs`; the rules here read them back. Every
//! query path (text first, geography first, filters first, full scan) verifies candidates
//! with these same functions, which is what makes the paths agree. Pure: no IO, no index
//! types, no spatial structure (those are `index/geo.rs`).
//!
//! # Encodings
//! - [`AreaKey`]: an area as a number, `kind << 48 | code` (commune and département codes
//!   packed as ASCII, EPCI SIREN and region codes as numbers).
//! - Activity words (`u64`): `tag << 60 | activity << 52 | payload`; see the `TAG_*` constants.
//!
//! # Units
//! Coordinates in WGS84 degrees, distances in kilometres, radii stored in millimetres.

use std::collections::HashSet;

use crate::model::area::Area;
use crate::model::geo::GeoPoint;
use crate::model::supplier::{Kind, Mode, Supplier};
use crate::referential::{Commune, Referential};

/// An area (commune, département, region, EPCI) as a number below 2^50.
pub type AreaKey = u64;

const AREA_COMMUNE: u64 = 0;
const AREA_DEPT: u64 = 1;
const AREA_REGION: u64 = 2;
const AREA_EPCI: u64 = 3;

/// Pack up to 6 ASCII bytes into a number (big-endian), so that it can be unpacked.
pub fn pack_ascii(s: &str) -> u64 {
    s.bytes()
        .take(6)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(b))
}

/// Inverse of [`pack_ascii`].
pub fn unpack_ascii(mut v: u64) -> String {
    let mut bytes = Vec::new();
    while v != 0 {
        bytes.push((v & 0xff) as u8);
        v >>= 8;
    }
    bytes.reverse();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The key of an area.
pub fn area_key(area: &Area) -> AreaKey {
    match area {
        Area::Commune(c) => (AREA_COMMUNE << 48) | pack_ascii(c),
        Area::Dept(d) => (AREA_DEPT << 48) | pack_ascii(d),
        Area::Region(r) => (AREA_REGION << 48) | r.parse::<u64>().unwrap_or_else(|_| pack_ascii(r)),
        Area::Epci(e) => (AREA_EPCI << 48) | e.parse::<u64>().unwrap_or(0),
    }
}

/// The area of a key.
pub fn area_of_key(key: AreaKey) -> Area {
    let payload = key & ((1 << 48) - 1);
    match key >> 48 {
        AREA_COMMUNE => Area::Commune(unpack_ascii(payload)),
        AREA_DEPT => Area::Dept(unpack_ascii(payload)),
        AREA_REGION => Area::Region(format!("{payload:02}")),
        _ => Area::Epci(format!("{payload:09}")),
    }
}

pub fn dept_key(code: &str) -> AreaKey {
    area_key(&Area::Dept(code.to_string()))
}

pub fn region_key(code: &str) -> AreaKey {
    area_key(&Area::Region(code.to_string()))
}

pub fn commune_key(code: &str) -> AreaKey {
    area_key(&Area::Commune(code.to_string()))
}

/// The areas containing a commune, as keys: the commune, its city (arrondissements), its
/// EPCI, département and region.
pub fn keys_containing(r: &Referential, c: &Commune) -> Vec<AreaKey> {
    r.areas_containing(c).iter().map(area_key).collect()
}

// ---- activity words ----

pub const TAG_ACT: u64 = 1;
pub const TAG_CPV: u64 = 2;
pub const TAG_NATIONAL: u64 = 3;
pub const TAG_RADIUS: u64 = 4;
pub const TAG_AREA: u64 = 5;
pub const TAG_STEM: u64 = 6;

const PAYLOAD_MASK: u64 = (1 << 52) - 1;
/// `TAG_ACT` payload bit: the activity has a zone.
pub const ACT_HAS_ZONE: u64 = 1 << 8;

fn word(tag: u64, act: usize, payload: u64) -> u64 {
    (tag << 60) | ((act as u64 & 0xff) << 52) | (payload & PAYLOAD_MASK)
}

pub fn word_tag(w: u64) -> u64 {
    w >> 60
}

pub fn word_act(w: u64) -> u16 {
    ((w >> 52) & 0xff) as u16
}

pub fn word_payload(w: u64) -> u64 {
    w & PAYLOAD_MASK
}

/// A 52-bit hash of a stem (FNV-1a), to test activity labels against query words.
pub fn stem_hash(stem: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stem.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h & PAYLOAD_MASK
}

/// Radius in millimetres as stored, and back in kilometres.
pub fn radius_mm(km: f64) -> u64 {
    (km.max(0.0) * 1_000_000.0).round() as u64
}

pub fn radius_km_of_mm(mm: u64) -> f64 {
    mm as f64 / 1_000_000.0
}

/// Bit of a mode in a modes mask.
pub fn mode_bit(m: Mode) -> u64 {
    match m {
        Mode::Goods => 1,
        Mode::Services => 2,
        Mode::Staffing => 4,
    }
}

/// `flags` layout: bit 0 ESS, bit 1 ESUS, bits 8..16 legal family + 1 (0 = none), bits 16..24
/// union of the activities' modes.
pub const FLAG_ESS: u64 = 1;
pub const FLAG_ESUS: u64 = 2;

pub fn flags_family(flags: u64) -> Option<usize> {
    let f = (flags >> 8) & 0xff;
    (f != 0).then(|| f as usize - 1)
}

pub fn flags_modes(flags: u64) -> u64 {
    (flags >> 16) & 0xff
}

/// Everything the index keeps about a supplier besides its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The SIRET as a number (ties are broken by it).
    pub sid: u64,
    /// The supplier's location, or its address commune's centre; `None` when neither exists.
    pub location: Option<GeoPoint>,
    /// Bit `Kind as u16` set for each declared kind.
    pub kinds: u64,
    pub flags: u64,
    pub commune: AreaKey,
    /// The city of an arrondissement, else the commune itself.
    pub city: AreaKey,
    pub epci: Option<AreaKey>,
    pub dept: AreaKey,
    pub region: AreaKey,
    /// NAF code packed as ASCII without the dot (`8130Z`).
    pub naf: Option<u64>,
    pub completeness: f64,
    /// Activity words, see the module doc.
    pub acts: Vec<u64>,
}

impl Facts {
    /// The facts of a validated supplier.
    pub fn of(s: &Supplier, r: &Referential) -> Facts {
        let commune = r.commune(&s.address.commune);
        let location = s
            .location
            .or_else(|| commune.and_then(|c| r.communes.centre(c)));
        let (commune_k, city_k, epci_k, dept_k, region_k) = match commune {
            Some(c) => (
                commune_key(&c.code),
                commune_key(&r.communes.city_of(c).code),
                c.epci
                    .as_deref()
                    .map(|e| area_key(&Area::Epci(e.to_string()))),
                dept_key(&c.dept),
                region_key(&c.region),
            ),
            None => (
                commune_key(&s.address.commune),
                commune_key(&s.address.commune),
                None,
                0,
                0,
            ),
        };
        let mut kinds = 0u64;
        for k in &s.kinds {
            kinds |= 1 << (*k as u64);
        }
        let mut flags = 0u64;
        if s.ess {
            flags |= FLAG_ESS;
        }
        if s.esus {
            flags |= FLAG_ESUS;
        }
        if let Some(lf) = &s.legal_form {
            let fam = r.legal_family(lf);
            let idx = crate::referential::LegalFamily::ALL
                .iter()
                .position(|f| *f == fam)
                .unwrap_or(0);
            flags |= ((idx as u64) + 1) << 8;
        }
        let mut acts = Vec::new();
        let mut modes_all = 0u64;
        for (i, a) in s.activities.iter().enumerate() {
            let mut modes = 0u64;
            for m in &a.modes {
                modes |= mode_bit(*m);
            }
            modes_all |= modes;
            let has_zone = if a.zone.is_some() { ACT_HAS_ZONE } else { 0 };
            acts.push(word(TAG_ACT, i, modes | has_zone));
            for c in &a.cpv {
                let code8 = c.get(..8).unwrap_or(c);
                if let Ok(v) = code8.parse::<u64>() {
                    acts.push(word(TAG_CPV, i, v));
                }
            }
            if let Some(z) = &a.zone {
                if z.is_national() {
                    acts.push(word(TAG_NATIONAL, i, 0));
                }
                if let Some(rad) = z.radius_km {
                    acts.push(word(TAG_RADIUS, i, radius_mm(rad)));
                }
                for area in z.areas.iter().flatten() {
                    if let Ok(a) = Area::parse(area) {
                        acts.push(word(TAG_AREA, i, area_key(&a)));
                    }
                }
            }
            if let Some(label) = &a.label {
                let mut seen = HashSet::new();
                for st in super::analysis::stems(label) {
                    if seen.insert(st.clone()) {
                        acts.push(word(TAG_STEM, i, stem_hash(&st)));
                    }
                }
            }
        }
        flags |= modes_all << 16;
        let naf = s.naf.as_deref().map(|n| pack_ascii(&n.replace('.', "")));
        Facts {
            sid: s.siret.parse().unwrap_or(0),
            location,
            kinds,
            flags,
            commune: commune_k,
            city: city_k,
            epci: epci_k,
            dept: dept_k,
            region: region_k,
            naf,
            completeness: s.completeness(),
            acts,
        }
    }
}

// ---- places ----

/// Where a buyer wants work done, resolved against the referential.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceCtx {
    /// The point distances are measured from: the given point, or the commune's centre.
    pub point: Option<GeoPoint>,
    /// The commune the place belongs to (for a point: the commune whose centre is nearest).
    pub commune: String,
    /// Keys of the areas containing the place (commune, city, EPCI, département, region).
    pub keys: Vec<AreaKey>,
}

impl PlaceCtx {
    /// A commune given by INSEE code.
    pub fn commune(r: &Referential, code: &str) -> Option<PlaceCtx> {
        let c = r.commune(code)?;
        Some(PlaceCtx {
            point: r.communes.centre(c),
            commune: c.code.clone(),
            keys: keys_containing(r, c),
        })
    }

    /// A point: it belongs to the commune whose centre is nearest (contract rule).
    pub fn point(r: &Referential, p: GeoPoint) -> PlaceCtx {
        match r.commune_at(p) {
            Some(c) => PlaceCtx {
                point: Some(p),
                commune: c.code.clone(),
                keys: keys_containing(r, c),
            },
            None => PlaceCtx {
                point: Some(p),
                commune: String::new(),
                keys: Vec::new(),
            },
        }
    }

    pub fn contains_key(&self, k: AreaKey) -> bool {
        self.keys.contains(&k)
    }
}

// ---- CPV matching ----

/// A CPV code or prefix from a query: its significant digits (`45`, `4544`, `909112`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CpvPrefix {
    pub digits: String,
    value: u64,
}

/// How a supplier's CPV code relates to a requested one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CpvRelation {
    /// The supplier's code is the requested code or below it in the tree.
    Below,
    /// The supplier's code is above the requested one (more general): a weaker match.
    Above,
}

impl CpvPrefix {
    /// `45`, `4544`, `45442100`, `45442100-3`: 2 to 8 digits, trailing zeros of a full code
    /// dropped. The check digit, when given, must be right (checked by the caller against the
    /// referential).
    pub fn parse(s: &str) -> Option<CpvPrefix> {
        let t = s.trim();
        let digits = t.split_once('-').map_or(t, |(d, _)| d);
        if !(2..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = if digits.len() == 8 {
            crate::referential::codes::significant_prefix(digits).to_string()
        } else {
            digits.to_string()
        };
        let value = digits.parse().ok()?;
        Some(CpvPrefix { digits, value })
    }

    /// The relation of a supplier's eight-digit code to this prefix, if any.
    pub fn relation(&self, code8: u64) -> Option<CpvRelation> {
        let len = self.digits.len() as u32;
        if code8 / 10u64.pow(8 - len) == self.value {
            return Some(CpvRelation::Below);
        }
        // Above: the supplier code's significant digits are a proper prefix of ours.
        let mut sig = code8;
        let mut sig_len = 8u32;
        while sig_len > 2 && sig % 10 == 0 {
            sig /= 10;
            sig_len -= 1;
        }
        (sig_len < len && self.value / 10u64.pow(len - sig_len) == sig)
            .then_some(CpvRelation::Above)
    }
}

/// The best CPV relation between a supplier's activity words and requested prefixes, with the
/// supplier code that gives it.
pub fn best_cpv_match(acts: &[u64], wanted: &[CpvPrefix]) -> Option<(CpvRelation, u64)> {
    let mut best: Option<(CpvRelation, u64)> = None;
    for &w in acts {
        if word_tag(w) != TAG_CPV {
            continue;
        }
        let code = word_payload(w);
        for q in wanted {
            if let Some(rel) = q.relation(code)
                && best.is_none_or(|(b, c)| rel < b || (rel == b && code < c))
            {
                best = Some((rel, code));
            }
        }
    }
    best
}

// ---- serves ----

/// What makes an activity relevant to a query: its CPV codes match a requested code (either
/// way in the tree), or its label contains one of the query's words (by stem).
#[derive(Debug, Clone, Default)]
pub struct Relevance {
    pub cpv: Vec<CpvPrefix>,
    pub stems: super::bits::FxHashSet<u64>,
}

impl Relevance {
    pub fn is_empty(&self) -> bool {
        self.cpv.is_empty() && self.stems.is_empty()
    }
}

/// Which rule makes a supplier serve a place.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ServesRule {
    /// The zone is national.
    National,
    /// The zone lists an area containing the place.
    Area {
        #[schema(value_type = String)]
        #[serde(serialize_with = "ser_area")]
        area: Area,
    },
    /// The place is within the zone's radius of the supplier's location.
    Radius { radius_km: f64, distance_km: f64 },
    /// No zone given: the supplier serves its own département, which contains the place.
    OwnDepartement {
        #[schema(value_type = String)]
        #[serde(serialize_with = "ser_area")]
        area: Area,
    },
}

fn ser_area<S: serde::Serializer>(a: &Area, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&a.to_string())
}

/// Why a supplier serves a place: the activity (index in `activities`, `None` for a supplier
/// without activities), whether it was relevant to the query, and the rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ServesMatch {
    pub activity: Option<u16>,
    pub relevant: bool,
    #[serde(flatten)]
    pub rule: ServesRule,
}

/// The compact, copyable form of a [`ServesMatch`] used on hot paths.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServesHit {
    pub activity: Option<u16>,
    pub relevant: bool,
    pub rule: RuleHit,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RuleHit {
    National,
    Area(AreaKey),
    Radius { radius_km: f64, distance_km: f64 },
    OwnDepartement(AreaKey),
}

impl ServesHit {
    pub fn to_match(&self) -> ServesMatch {
        let rule = match self.rule {
            RuleHit::National => ServesRule::National,
            RuleHit::Area(k) => ServesRule::Area {
                area: area_of_key(k),
            },
            RuleHit::Radius {
                radius_km,
                distance_km,
            } => ServesRule::Radius {
                radius_km,
                distance_km,
            },
            RuleHit::OwnDepartement(k) => ServesRule::OwnDepartement {
                area: area_of_key(k),
            },
        };
        ServesMatch {
            activity: self.activity,
            relevant: self.relevant,
            rule,
        }
    }
}

fn rule_rank(r: &RuleHit) -> u8 {
    match r {
        RuleHit::Area(k) => match k >> 48 {
            AREA_COMMUNE => 0,
            AREA_EPCI => 2,
            AREA_DEPT => 3,
            _ => 5,
        },
        RuleHit::Radius { .. } => 1,
        RuleHit::OwnDepartement(_) => 4,
        RuleHit::National => 6,
    }
}

/// The contract's rule: does a supplier with these facts serve `place`? When some activity is
/// relevant to the query, only relevant activities' zones count; otherwise any zone. An
/// activity without zone, or a supplier without activities, serves its own département.
/// Returns the most specific reason (commune, radius, EPCI, département, region, national).
pub fn serves(
    location: Option<GeoPoint>,
    own_dept: AreaKey,
    acts: &[u64],
    place: &PlaceCtx,
    rel: &Relevance,
) -> Option<ServesHit> {
    let mut num_acts = 0usize;
    for &w in acts {
        if word_tag(w) == TAG_ACT {
            num_acts += 1;
        }
    }
    if num_acts == 0 {
        return place.contains_key(own_dept).then_some(ServesHit {
            activity: None,
            relevant: false,
            rule: RuleHit::OwnDepartement(own_dept),
        });
    }
    // Relevant activities, as a bit set over activity indices (at most 256).
    let relevant = if rel.is_empty() {
        [0u64; 4]
    } else {
        relevant_activities(acts, rel)
    };
    let any_relevant = relevant != [0; 4];
    let counts = |a: u16| !any_relevant || relevant[a as usize / 64] & (1 << (a % 64)) != 0;
    let mut distance: Option<f64> = None;
    let mut best: Option<ServesHit> = None;
    for &w in acts {
        let a = word_act(w);
        if !counts(a) {
            continue;
        }
        let rule = match word_tag(w) {
            TAG_ACT if w & ACT_HAS_ZONE == 0 => place
                .contains_key(own_dept)
                .then_some(RuleHit::OwnDepartement(own_dept)),
            TAG_NATIONAL => Some(RuleHit::National),
            TAG_AREA => place
                .contains_key(word_payload(w))
                .then(|| RuleHit::Area(word_payload(w))),
            TAG_RADIUS => match (location, place.point) {
                (Some(l), Some(p)) => {
                    let d = *distance.get_or_insert_with(|| l.distance_km(&p));
                    let r = radius_km_of_mm(word_payload(w));
                    (d <= r).then_some(RuleHit::Radius {
                        radius_km: r,
                        distance_km: d,
                    })
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(rule) = rule {
            let m = ServesHit {
                activity: Some(a),
                relevant: any_relevant,
                rule,
            };
            let better = match &best {
                None => true,
                Some(b) => (rule_rank(&m.rule), m.activity) < (rule_rank(&b.rule), b.activity),
            };
            if better {
                best = Some(m);
            }
        }
    }
    best
}

/// Whether a supplier with these facts serves `place`: the answer of [`serves`] without its
/// reason, computed in one pass over the activity words in the common cases (the query's
/// relevance matters only when some activities cover the place and others do not).
pub fn serves_quick(
    location: Option<GeoPoint>,
    own_dept: AreaKey,
    acts: &[u64],
    place: &PlaceCtx,
    rel: &Relevance,
) -> bool {
    let mut all = [0u64; 4];
    let mut covered = [0u64; 4];
    let mut distance: Option<f64> = None;
    for &w in acts {
        let a = word_act(w) as usize;
        let bit = 1u64 << (a % 64);
        let hit = match word_tag(w) {
            TAG_ACT => {
                all[a / 64] |= bit;
                w & ACT_HAS_ZONE == 0 && place.contains_key(own_dept)
            }
            TAG_NATIONAL => true,
            TAG_AREA => place.contains_key(word_payload(w)),
            TAG_RADIUS => match (location, place.point) {
                (Some(l), Some(p)) => {
                    *distance.get_or_insert_with(|| l.distance_km(&p))
                        <= radius_km_of_mm(word_payload(w))
                }
                _ => false,
            },
            _ => false,
        };
        if hit {
            covered[a / 64] |= bit;
        }
    }
    if all == [0; 4] {
        return place.contains_key(own_dept);
    }
    if covered == [0; 4] {
        return false;
    }
    if rel.is_empty() || covered == all {
        return true;
    }
    // Some activities cover the place, others do not: only relevant ones count, if any.
    let relevant = relevant_activities(acts, rel);
    relevant == [0; 4] || (0..4).any(|i| relevant[i] & covered[i] != 0)
}

/// Where a supplier surely serves, whatever the query's relevance: the places under which
/// every one of its activities covers the place (or, without activity, its own département).
/// Radius zones are left out, as they depend on the place's point, so the supplier may serve
/// more places than this says, never fewer: see [`sure_cover`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SureCover {
    /// Every place (every activity is national).
    Everywhere,
    /// Every place holding one of these area keys (empty: no place is sure).
    Keys(Vec<AreaKey>),
}

/// The places a supplier with these facts surely serves: if the result covers a place, then
/// [`serves_quick`] (and [`serves`]) holds for that place whatever the relevance, as every
/// activity covers it (national zone, zone areas, or the own département of an activity
/// without zone).
pub fn sure_cover(own_dept: AreaKey, acts: &[u64]) -> SureCover {
    let tagged = |tag: u64, a: u16| {
        acts.iter()
            .filter(move |&&w| word_tag(w) == tag && word_act(w) == a)
    };
    // The activities without a national zone, and whether each has a zone at all.
    let mut any = false;
    let mut open: Vec<(u16, bool)> = Vec::new();
    for &w in acts.iter().filter(|&&w| word_tag(w) == TAG_ACT) {
        any = true;
        let a = word_act(w);
        if tagged(TAG_NATIONAL, a).next().is_none() {
            open.push((a, w & ACT_HAS_ZONE != 0));
        }
    }
    if !any {
        return SureCover::Keys(vec![own_dept]);
    }
    // An activity covers a key: one of its zone areas, or its own département without zone.
    let covers = |(a, zoned): (u16, bool), k: AreaKey| {
        if zoned {
            tagged(TAG_AREA, a).any(|&w| word_payload(w) == k)
        } else {
            k == own_dept
        }
    };
    let Some((&first, rest)) = open.split_first() else {
        return SureCover::Everywhere;
    };
    // The keys of the first activity that every other one covers too.
    let mut keys: Vec<AreaKey> = if first.1 {
        tagged(TAG_AREA, first.0)
            .map(|&w| word_payload(w))
            .collect()
    } else {
        vec![own_dept]
    };
    keys.sort_unstable();
    keys.dedup();
    keys.retain(|&k| rest.iter().all(|&act| covers(act, k)));
    SureCover::Keys(keys)
}

/// The activities a need's codes or words make relevant, as a bit set over activity indices
/// (at most 256).
fn relevant_activities(acts: &[u64], rel: &Relevance) -> [u64; 4] {
    let mut relevant = [0u64; 4];
    for &w in acts {
        let hit = match word_tag(w) {
            TAG_CPV => rel
                .cpv
                .iter()
                .any(|q| q.relation(word_payload(w)).is_some()),
            TAG_STEM => rel.stems.contains(&word_payload(w)),
            _ => false,
        };
        if hit {
            let a = word_act(w) as usize;
            relevant[a / 64] |= 1 << (a % 64);
        }
    }
    relevant
}

// ---- perimeter ----

/// A widening of the place (the need's `perimeter`): suppliers located inside it qualify too.
#[derive(Debug, Clone, PartialEq)]
pub enum PerimeterCtx {
    Radius(f64),
    Areas(Vec<AreaKey>),
    National,
}

/// Why a supplier is inside a perimeter.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "located", rename_all = "snake_case")]
pub enum LocatedMatch {
    Within {
        distance_km: f64,
    },
    InArea {
        #[schema(value_type = String)]
        #[serde(serialize_with = "ser_area")]
        area: Area,
    },
    National,
}

/// The supplier's address areas, as keys (commune, city, EPCI, département, region).
pub fn address_keys(
    commune: AreaKey,
    city: AreaKey,
    epci: Option<AreaKey>,
    dept: AreaKey,
    region: AreaKey,
) -> [AreaKey; 5] {
    [commune, city, epci.unwrap_or(u64::MAX), dept, region]
}

/// The compact form of a [`LocatedMatch`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LocatedHit {
    Within(f64),
    InArea(AreaKey),
    National,
}

impl LocatedHit {
    pub fn to_match(&self) -> LocatedMatch {
        match *self {
            LocatedHit::Within(d) => LocatedMatch::Within { distance_km: d },
            LocatedHit::InArea(k) => LocatedMatch::InArea {
                area: area_of_key(k),
            },
            LocatedHit::National => LocatedMatch::National,
        }
    }
}

/// Whether a supplier at `location` with these address areas lies in the perimeter.
pub fn located_in(
    location: Option<GeoPoint>,
    addr: &[AreaKey; 5],
    place: &PlaceCtx,
    perimeter: &PerimeterCtx,
) -> Option<LocatedHit> {
    // The perimeter widens the place, it never excludes it: an address in the place's own
    // commune (for a city, in any of its arrondissements) is inside whatever the radius.
    if !place.commune.is_empty() {
        let own = commune_key(&place.commune);
        if addr[0] == own || addr[1] == own {
            return Some(LocatedHit::InArea(own));
        }
    }
    match perimeter {
        PerimeterCtx::National => Some(LocatedHit::National),
        PerimeterCtx::Radius(r) => {
            let d = location?.distance_km(&place.point?);
            (d <= *r).then_some(LocatedHit::Within(d))
        }
        PerimeterCtx::Areas(keys) => addr
            .iter()
            .find(|k| keys.contains(k))
            .map(|k| LocatedHit::InArea(*k)),
    }
}

// ---- map box ----

/// A latitude/longitude box for the map. `west > east` means the box crosses the
/// antimeridian (e.g. west 170, east -170).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl BBox {
    pub fn contains(&self, p: GeoPoint) -> bool {
        if p.lat < self.south || p.lat > self.north {
            return false;
        }
        if self.west <= self.east {
            p.lon >= self.west && p.lon <= self.east
        } else {
            p.lon >= self.west || p.lon <= self.east
        }
    }

    /// Why the box is invalid, if it is.
    pub fn check(&self) -> Result<(), &'static str> {
        let ok_lat = |v: f64| v.is_finite() && (-90.0..=90.0).contains(&v);
        let ok_lon = |v: f64| v.is_finite() && (-180.0..=180.0).contains(&v);
        if !ok_lat(self.south) || !ok_lat(self.north) || !ok_lon(self.west) || !ok_lon(self.east) {
            return Err("box coordinates out of range");
        }
        if self.south > self.north {
            return Err("south must not be above north");
        }
        Ok(())
    }
}

/// Bits of the kinds that satisfy a reserved route, and whether ESS or ESUS flags do.
pub fn kinds_mask(kinds: &[Kind]) -> u64 {
    kinds.iter().fold(0, |m, k| m | (1 << (*k as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_keys_round_trip() {
        for a in [
            "commune:2A004",
            "commune:75056",
            "dept:971",
            "dept:2B",
            "region:76",
            "region:01",
            "epci:243100518",
        ] {
            let area = Area::parse(a).unwrap();
            assert_eq!(area_of_key(area_key(&area)), area, "{a}");
            assert!(area_key(&area) < 1 << 50);
        }
    }

    #[test]
    fn cpv_prefix_relations() {
        let q = CpvPrefix::parse("9091").unwrap();
        assert_eq!(q.relation(90911200), Some(CpvRelation::Below));
        assert_eq!(q.relation(90000000), Some(CpvRelation::Above));
        assert_eq!(q.relation(90900000), Some(CpvRelation::Above));
        assert_eq!(q.relation(90920000), None);
        let q = CpvPrefix::parse("45000000-7").unwrap();
        assert_eq!(q.digits, "45");
        assert_eq!(q.relation(45442100), Some(CpvRelation::Below));
        assert!(CpvPrefix::parse("4").is_none());
        assert!(CpvPrefix::parse("abc").is_none());
    }

    #[test]
    fn bbox_across_the_antimeridian() {
        let b = BBox {
            south: -20.0,
            west: 170.0,
            north: -10.0,
            east: -170.0,
        };
        assert!(b.contains(GeoPoint::new(-15.0, 179.0).unwrap()));
        assert!(b.contains(GeoPoint::new(-15.0, -175.0).unwrap()));
        assert!(!b.contains(GeoPoint::new(-15.0, 0.0).unwrap()));
    }

    #[test]
    fn quick_serves_agrees_with_the_full_rule() {
        let mut rng = crate::util::Rng::new(5);
        let keys: Vec<AreaKey> = ["31", "81", "34"].iter().map(|d| dept_key(d)).collect();
        let mut sure_seen = 0u32;
        for _ in 0..20_000 {
            let mut acts = Vec::new();
            for a in 0..rng.index(4) {
                let zoned = rng.chance(0.7);
                acts.push(word(TAG_ACT, a, if zoned { ACT_HAS_ZONE } else { 0 }));
                if zoned {
                    if rng.chance(0.2) {
                        acts.push(word(TAG_NATIONAL, a, 0));
                    }
                    if rng.chance(0.4) {
                        acts.push(word(TAG_AREA, a, keys[rng.index(keys.len())]));
                    }
                    if rng.chance(0.4) {
                        acts.push(word(TAG_RADIUS, a, radius_mm(rng.range_f64(1.0, 200.0))));
                    }
                }
                if rng.chance(0.5) {
                    acts.push(word(
                        TAG_STEM,
                        a,
                        stem_hash(["tont", "nettoyag"][rng.index(2)]),
                    ));
                }
                if rng.chance(0.3) {
                    acts.push(word(TAG_CPV, a, 77310000));
                }
            }
            let place = PlaceCtx {
                point: Some(GeoPoint {
                    lat: 43.6,
                    lon: 1.44,
                }),
                commune: "31555".into(),
                keys: vec![keys[rng.index(keys.len())]],
            };
            let location = rng.chance(0.9).then(|| GeoPoint {
                lat: rng.range_f64(42.0, 45.0),
                lon: rng.range_f64(0.0, 4.0),
            });
            let mut rel = Relevance::default();
            if rng.chance(0.5) {
                rel.stems.insert(stem_hash("tont"));
            }
            if rng.chance(0.3) {
                rel.cpv.push(CpvPrefix::parse("7731").unwrap());
            }
            let own = keys[rng.index(keys.len())];
            assert_eq!(
                serves(location, own, &acts, &place, &rel).is_some(),
                serves_quick(location, own, &acts, &place, &rel),
                "{acts:?} {place:?} {rel:?}"
            );
            // The sure cover never claims a place the rule refuses, whatever the relevance.
            let sure = match sure_cover(own, &acts) {
                SureCover::Everywhere => true,
                SureCover::Keys(k) => k.iter().any(|k| place.contains_key(*k)),
            };
            if sure {
                assert!(
                    serves_quick(location, own, &acts, &place, &rel),
                    "{acts:?} {place:?} {rel:?}"
                );
            }
            sure_seen += u32::from(sure);
        }
        // Not vacuous: many random suppliers are sure of the place.
        assert!(sure_seen > 2_000, "{sure_seen}");
    }
}
