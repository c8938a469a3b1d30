//! The geographic index of one index segment (rstar): supplier locations, activity zones
//! (radius circles, listed areas, national zones, default zones) and address areas, answering
//! *near*, *serves*, *in view* and *located in* with candidate documents.
//!
//! Points are stored as unit vectors in a 3-D R-tree: the chord between two unit vectors is a
//! monotonic function of their great-circle distance, so a chord-radius query is an exact
//! great-circle radius query, everywhere on the sphere (antimeridian and poles included).
//! A radius zone (a spherical cap) is listed in the half-degree latitude/longitude cells its
//! bounding box covers, so the zones that may contain a point are one list away (zones
//! reaching polar latitudes are listed everywhere). National zones are also kept as a bit
//! set, the largest list being one `or` away.
//!
//! Candidates are a superset only where said (`serves` and `in_view` return every document
//! whose zone or point *may* match; `near` is exact up to floating-point rounding at the
//! boundary): callers verify each candidate with the exact rules of `index/facts.rs`, which is
//! what keeps every query path in agreement. This module does not know tantivy: documents are
//! plain `u32` ids within a segment. It is the only rstar user besides the referential's
//! nearest-commune lookup.

use std::collections::HashMap;

use rstar::{AABB, ParentNode, PointDistance, RTree, RTreeNode, RTreeObject};

use super::bits::{Bits, FxHashMap};
use super::facts::{self, AreaKey, BBox, PlaceCtx};
use crate::model::geo::{GeoPoint, chord_for_km, km_for_chord};

/// A document's geographic facts, as read back from the index.
#[derive(Debug, Clone)]
pub struct GeoDoc<'a> {
    pub doc: u32,
    pub location: Option<GeoPoint>,
    pub own_dept: AreaKey,
    /// Address areas (commune, city, EPCI, département, region).
    pub address: [AreaKey; 5],
    /// Activity words (see `facts`).
    pub acts: &'a [u64],
}

#[derive(Debug, Clone, Copy)]
struct PointEntry {
    xyz: [f64; 3],
    doc: u32,
}

impl RTreeObject for PointEntry {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xyz)
    }
}

impl PointDistance for PointEntry {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        (0..3).map(|i| (self.xyz[i] - p[i]).powi(2)).sum()
    }
}

/// Points of an R-tree within squared chord `r2` of `q`, appended to `out` until `limit`.
struct BallWalk<'o> {
    q: [f64; 3],
    r2: f64,
    limit: usize,
    out: &'o mut Vec<u32>,
}

impl BallWalk<'_> {
    /// False when the limit was reached before the walk ended.
    fn node(&mut self, node: &ParentNode<PointEntry>) -> bool {
        for child in node.children() {
            match child {
                RTreeNode::Leaf(e) => {
                    if e.distance_2(&self.q) <= self.r2 && !self.push(e.doc) {
                        return false;
                    }
                }
                RTreeNode::Parent(n) => {
                    let env = n.envelope();
                    if env.distance_2(&self.q) > self.r2 {
                        continue;
                    }
                    let whole = farthest_corner_2(&env, &self.q) <= self.r2;
                    if !(if whole { self.all(n) } else { self.node(n) }) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn all(&mut self, node: &ParentNode<PointEntry>) -> bool {
        for child in node.children() {
            let ok = match child {
                RTreeNode::Leaf(e) => self.push(e.doc),
                RTreeNode::Parent(n) => self.all(n),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    #[inline]
    fn push(&mut self, doc: u32) -> bool {
        if self.out.len() >= self.limit {
            return false;
        }
        self.out.push(doc);
        true
    }
}

/// Squared distance from `q` to the farthest corner of `env`: every point of the box is at
/// most this far.
fn farthest_corner_2(env: &AABB<[f64; 3]>, q: &[f64; 3]) -> f64 {
    let (lo, hi) = (env.lower(), env.upper());
    (0..3)
        .map(|i| (q[i] - lo[i]).abs().max((hi[i] - q[i]).abs()).powi(2))
        .sum()
}

/// Size of the latitude/longitude cells of [`CapGrid`], in degrees.
const CAP_CELL_DEG: f64 = 0.5;
const CAP_CELLS_LON: i32 = (360.0 / CAP_CELL_DEG) as i32;

/// Radius zones by the latitude/longitude cells their bounding boxes cover: the zones that
/// may contain a point are those listed in its cell (a superset: callers apply the exact
/// rule). Zones reaching polar latitudes are listed everywhere.
#[derive(Default)]
struct CapGrid {
    cells: FxHashMap<(i32, i32), Vec<u32>>,
    anywhere: Vec<u32>,
}

impl CapGrid {
    fn cell(lat: f64, lon: f64) -> (i32, i32) {
        (
            ((lat + 90.0) / CAP_CELL_DEG).floor() as i32,
            (((lon + 180.0) / CAP_CELL_DEG).floor() as i32).rem_euclid(CAP_CELLS_LON),
        )
    }

    fn add(&mut self, centre: GeoPoint, radius_km: f64, doc: u32) {
        // A degree of latitude is at least 110 km; widen a little more for rounding.
        let dlat = radius_km / 110.0 * 1.05 + 0.01;
        let (south, north) = (centre.lat - dlat, centre.lat + dlat);
        let max_abs = south.abs().max(north.abs());
        if max_abs >= 85.0 {
            self.anywhere.push(doc);
            return;
        }
        let dlon = dlat / max_abs.to_radians().cos();
        if dlon >= 180.0 {
            self.anywhere.push(doc);
            return;
        }
        let (i0, j0) = Self::cell(south, centre.lon - dlon);
        let (i1, _) = Self::cell(north, centre.lon + dlon);
        let span = ((centre.lon + dlon + 180.0) / CAP_CELL_DEG).floor() as i32
            - ((centre.lon - dlon + 180.0) / CAP_CELL_DEG).floor() as i32;
        for i in i0..=i1 {
            for k in 0..=span.min(CAP_CELLS_LON - 1) {
                let list = self
                    .cells
                    .entry((i, (j0 + k).rem_euclid(CAP_CELLS_LON)))
                    .or_default();
                if list.last() != Some(&doc) {
                    list.push(doc);
                }
            }
        }
    }

    /// The zones that may contain `p`.
    fn at(&self, p: GeoPoint) -> &[u32] {
        self.cells
            .get(&Self::cell(p.lat, p.lon))
            .map_or(&[], Vec::as_slice)
    }
}

/// The documents located in one address département, by the bounding box of their unit
/// vectors; or the documents without location (no box).
struct DocGroup {
    bounds: Option<([f64; 3], [f64; 3])>,
}

impl DocGroup {
    /// A lower bound of the great-circle distance from `q` (a unit vector) to every document
    /// of the group: the chord to the box; 0 without a box.
    fn min_km(&self, q: &[f64; 3]) -> f64 {
        let Some((lo, hi)) = &self.bounds else {
            return 0.0;
        };
        let c2: f64 = (0..3)
            .map(|i| (lo[i] - q[i]).max(q[i] - hi[i]).max(0.0).powi(2))
            .sum();
        // Slack for rounding: haversine and the chord need not agree to the last bit.
        (km_for_chord(c2.sqrt()) * (1.0 - 1e-9) - 1e-6).max(0.0)
    }
}

/// Slack added to chord lengths so that rounding never drops a point on the boundary.
const CHORD_SLACK: f64 = 1e-9;

/// The geographic index of one segment.
#[derive(Default)]
pub struct SegmentGeo {
    points: RTree<PointEntry>,
    caps: CapGrid,
    /// Zone areas and default zones (own département), by area key.
    zone_areas: HashMap<AreaKey, Vec<u32>>,
    national: Vec<u32>,
    national_bits: Bits,
    /// Documents that surely serve every place ([`facts::SureCover::Everywhere`]), and those
    /// that surely serve the places holding an area key, by key.
    sure_everywhere: Bits,
    sure_areas: HashMap<AreaKey, Vec<u32>>,
    /// Documents grouped by address département (those without location apart): the group
    /// of each document, and the groups.
    group_of: Vec<u16>,
    groups: Vec<DocGroup>,
    /// Address areas, by area key.
    address_areas: HashMap<AreaKey, Vec<u32>>,
    num_docs: usize,
    /// Point counts per latitude/longitude cell, fine and coarse, for plan estimates.
    grids: [DensityGrid; 2],
}

/// Point counts per cell of `size` degrees.
#[derive(Default)]
struct DensityGrid {
    size: f64,
    cells: HashMap<(i32, i32), u32>,
}

impl DensityGrid {
    fn new(size: f64) -> DensityGrid {
        DensityGrid {
            size,
            cells: HashMap::new(),
        }
    }

    fn cell(&self, lat: f64, lon: f64) -> (i32, i32) {
        (
            ((lat + 90.0) / self.size).floor() as i32,
            ((lon + 180.0) / self.size).floor() as i32,
        )
    }

    fn add(&mut self, p: GeoPoint) {
        *self.cells.entry(self.cell(p.lat, p.lon)).or_default() += 1;
    }

    fn num_cells(&self, south: f64, north: f64, west: f64, east: f64) -> f64 {
        ((north - south) / self.size + 2.0) * ((east - west) / self.size + 2.0)
    }

    /// Points in the cells covering the box (`west <= east`).
    fn count(&self, south: f64, north: f64, west: f64, east: f64) -> u64 {
        let (a, w) = self.cell(south, west);
        let (b, e) = self.cell(north, east);
        let mut n = 0u64;
        for i in a..=b {
            for j in w..=e {
                n += u64::from(self.cells.get(&(i, j)).copied().unwrap_or(0));
            }
        }
        n
    }
}

/// Why a candidate search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Every candidate was collected.
    Complete,
    /// More than the cap: the caller should use another plan.
    OverCap,
}

impl SegmentGeo {
    /// Build from the documents of a segment (deleted ones included: the caller filters them).
    pub fn build<'a>(docs: impl IntoIterator<Item = GeoDoc<'a>>) -> SegmentGeo {
        let mut points = Vec::new();
        let mut caps = CapGrid::default();
        let mut zone_areas: HashMap<AreaKey, Vec<u32>> = HashMap::new();
        let mut national = Vec::new();
        let mut sure_everywhere = Vec::new();
        let mut sure_areas: HashMap<AreaKey, Vec<u32>> = HashMap::new();
        let mut address_areas: HashMap<AreaKey, Vec<u32>> = HashMap::new();
        let mut num_docs = 0;
        let mut groups: Vec<DocGroup> = vec![DocGroup { bounds: None }];
        let mut group_of = Vec::new();
        let mut group_ix: HashMap<AreaKey, u16> = HashMap::new();
        for d in docs {
            num_docs += 1;
            // Group 0 holds the documents without location (and any beyond the group ids).
            let g = match d.location.map(|p| p.to_unit_vector()) {
                Some(v) => {
                    let next = u16::try_from(groups.len()).unwrap_or(0);
                    let g = *group_ix.entry(d.address[3]).or_insert_with(|| {
                        if next != 0 {
                            groups.push(DocGroup {
                                bounds: Some((v, v)),
                            });
                        }
                        next
                    });
                    if let Some((lo, hi)) = &mut groups[usize::from(g)].bounds {
                        for i in 0..3 {
                            lo[i] = lo[i].min(v[i]);
                            hi[i] = hi[i].max(v[i]);
                        }
                    }
                    g
                }
                None => 0,
            };
            let i = d.doc as usize;
            if group_of.len() <= i {
                group_of.resize(i + 1, 0);
            }
            group_of[i] = g;
            match facts::sure_cover(d.own_dept, d.acts) {
                facts::SureCover::Everywhere => sure_everywhere.push(d.doc),
                facts::SureCover::Keys(keys) => {
                    for k in keys {
                        sure_areas.entry(k).or_default().push(d.doc);
                    }
                }
            }
            let xyz = d.location.map(|p| p.to_unit_vector());
            if let Some(xyz) = xyz {
                points.push(PointEntry { xyz, doc: d.doc });
            }
            for (i, k) in d.address.iter().enumerate() {
                if *k != u64::MAX && (i != 1 || d.address[1] != d.address[0]) {
                    address_areas.entry(*k).or_default().push(d.doc);
                }
            }
            let mut has_act = false;
            let mut own_dept_added = false;
            let mut national_added = false;
            let mut max_radius_mm = None::<u64>;
            for &w in d.acts {
                match facts::word_tag(w) {
                    facts::TAG_ACT => {
                        has_act = true;
                        if w & facts::ACT_HAS_ZONE == 0 && !own_dept_added {
                            zone_areas.entry(d.own_dept).or_default().push(d.doc);
                            own_dept_added = true;
                        }
                    }
                    facts::TAG_NATIONAL if !national_added => {
                        national.push(d.doc);
                        national_added = true;
                    }
                    facts::TAG_AREA => {
                        let list = zone_areas.entry(facts::word_payload(w)).or_default();
                        if list.last() != Some(&d.doc) {
                            list.push(d.doc);
                        }
                    }
                    facts::TAG_RADIUS => {
                        let r = facts::word_payload(w);
                        max_radius_mm = Some(max_radius_mm.map_or(r, |m| m.max(r)));
                    }
                    _ => {}
                }
            }
            if !has_act {
                zone_areas.entry(d.own_dept).or_default().push(d.doc);
            }
            // One cap per document: the largest radius covers the others (same centre).
            if let (Some(p), Some(r)) = (d.location, max_radius_mm) {
                caps.add(p, facts::radius_km_of_mm(r), d.doc);
            }
        }
        for v in zone_areas.values_mut() {
            v.dedup();
        }
        let mut grids = [DensityGrid::new(0.25), DensityGrid::new(4.0)];
        for e in &points {
            let [x, y, z] = e.xyz;
            let p = GeoPoint {
                lat: z.clamp(-1.0, 1.0).asin().to_degrees(),
                lon: y.atan2(x).to_degrees(),
            };
            grids[0].add(p);
            grids[1].add(p);
        }
        let national_bits = Bits::from_docs(num_docs as u32, national.iter().copied());
        let sure_everywhere = Bits::from_docs(num_docs as u32, sure_everywhere);
        group_of.resize(num_docs, 0);
        SegmentGeo {
            group_of,
            groups,
            sure_everywhere,
            sure_areas,
            points: RTree::bulk_load(points),
            caps,
            zone_areas,
            national,
            national_bits,
            address_areas,
            num_docs,
            grids,
        }
    }

    /// An upper bound (up to cell granularity) of the points in a latitude/longitude box
    /// with `west <= east`, for plan estimates only.
    fn estimate_box(&self, south: f64, north: f64, west: f64, east: f64) -> u64 {
        let g = if self.grids[0].num_cells(south, north, west, east) <= 400.0 {
            &self.grids[0]
        } else {
            &self.grids[1]
        };
        if g.num_cells(south, north, west, east) > 4000.0 {
            return self.points.size() as u64;
        }
        g.count(south, north, west, east)
    }

    /// About how many points lie within `radius_km` of `p` (an overestimate).
    pub fn estimate_near(&self, p: GeoPoint, radius_km: f64) -> u64 {
        let dlat = radius_km / 111.0 + 0.01;
        let (south, north) = (p.lat - dlat, p.lat + dlat);
        if south <= -89.0 || north >= 89.0 || radius_km > 3000.0 {
            return self.points.size() as u64;
        }
        let dlon = dlat / south.abs().max(north.abs()).to_radians().cos();
        if dlon >= 180.0 {
            return self.points.size() as u64;
        }
        let (west, east) = (p.lon - dlon, p.lon + dlon);
        let mut n = self.estimate_box(south, north, west.max(-180.0), east.min(180.0));
        if west < -180.0 {
            n += self.estimate_box(south, north, west + 360.0, 180.0);
        }
        if east > 180.0 {
            n += self.estimate_box(south, north, -180.0, east - 360.0);
        }
        n
    }

    /// About how many documents [`Self::serves`] yields for `place` (its zone lists; radius
    /// zones are not counted).
    pub fn estimate_serves(&self, place: &PlaceCtx) -> u64 {
        let lists: usize = place
            .keys
            .iter()
            .map(|k| self.zone_areas.get(k).map_or(0, Vec::len))
            .sum();
        let caps = place
            .point
            .map_or(0, |p| self.caps.at(p).len() + self.caps.anywhere.len());
        (self.national.len() / 64 + lists + caps) as u64
    }

    /// About how many points lie in the box (an overestimate).
    pub fn estimate_in_view(&self, b: &BBox) -> u64 {
        if b.west <= b.east {
            self.estimate_box(b.south, b.north, b.west, b.east)
        } else {
            self.estimate_box(b.south, b.north, b.west, 180.0)
                + self.estimate_box(b.south, b.north, -180.0, b.east)
        }
    }

    pub fn num_docs(&self) -> usize {
        self.num_docs
    }

    /// Documents located within `radius_km` (great-circle) of `p`, appended to `out`
    /// unsorted; stops early when more than `cap` would be appended.
    pub fn near(&self, p: GeoPoint, radius_km: f64, cap: usize, out: &mut Vec<u32>) -> Candidates {
        let c = chord_for_km(radius_km) + CHORD_SLACK;
        // The same set as rstar's `locate_within_distance`, walked by hand: a node whose
        // whole box lies inside the ball gives all its points without a distance test, so a
        // wide radius costs a copy per point rather than a test and a stack push.
        let mut walk = BallWalk {
            q: p.to_unit_vector(),
            r2: c * c,
            limit: out.len().saturating_add(cap),
            out,
        };
        if walk.node(self.points.root()) {
            Candidates::Complete
        } else {
            Candidates::OverCap
        }
    }

    /// Documents whose zones may cover `place`, added to `bits` (over this segment's
    /// documents): national zones, zones listing one of its areas, default zones of its
    /// département, and radius zones whose cap may contain it. Stops when more than `cap`
    /// would be added (national zones count for 1/64 each: they come as a bit set).
    pub fn serves(&self, place: &PlaceCtx, cap: usize, bits: &mut Bits) -> Candidates {
        if self.estimate_serves(place) > cap as u64 {
            return Candidates::OverCap;
        }
        bits.or(&self.national_bits);
        for k in &place.keys {
            if let Some(v) = self.zone_areas.get(k) {
                v.iter().for_each(|d| bits.insert(*d));
            }
        }
        if let Some(p) = place.point {
            for d in self.caps.at(p).iter().chain(&self.caps.anywhere) {
                bits.insert(*d);
            }
        }
        Candidates::Complete
    }

    /// Add the documents that surely serve `place` to `bits` (a subset of those serving it:
    /// see [`facts::sure_cover`]), however many.
    pub fn sure_serves(&self, place: &PlaceCtx, bits: &mut Bits) {
        bits.or(&self.sure_everywhere);
        for k in &place.keys {
            if let Some(v) = self.sure_areas.get(k) {
                v.iter().for_each(|d| bits.insert(*d));
            }
        }
    }

    /// For each group of documents (see [`SegmentGeo::group_of`]), a lower bound of the
    /// great-circle distance from `p` to its documents' locations (0 for those without).
    pub fn group_min_km(&self, p: GeoPoint) -> Vec<f64> {
        let q = p.to_unit_vector();
        self.groups.iter().map(|g| g.min_km(&q)).collect()
    }

    /// The group of a document: its address département's, or 0 without location.
    #[inline]
    pub fn group_of(&self, doc: u32) -> usize {
        self.group_of
            .get(doc as usize)
            .map_or(0, |g| usize::from(*g))
    }

    /// Documents located in one of the areas (address commune, city, EPCI, département or
    /// region).
    pub fn located_in_areas(&self, keys: &[AreaKey], cap: usize, out: &mut Vec<u32>) -> Candidates {
        let total: usize = keys
            .iter()
            .map(|k| self.address_areas.get(k).map_or(0, Vec::len))
            .sum();
        if total > cap {
            return Candidates::OverCap;
        }
        for k in keys {
            if let Some(v) = self.address_areas.get(k) {
                out.extend_from_slice(v);
            }
        }
        Candidates::Complete
    }

    /// Documents whose location may lie in the box (a superset: verify with
    /// [`BBox::contains`]).
    pub fn in_view(&self, bbox: &BBox, cap: usize, out: &mut Vec<u32>) -> Candidates {
        let start = out.len();
        let ranges: Vec<(f64, f64)> = if bbox.west <= bbox.east {
            vec![(bbox.west, bbox.east)]
        } else {
            vec![(bbox.west, 180.0), (-180.0, bbox.east)]
        };
        for (w, e) in ranges {
            let env = box_envelope(bbox.south, bbox.north, w, e);
            for p in self.points.locate_in_envelope_intersecting(env) {
                if out.len() - start >= cap {
                    return Candidates::OverCap;
                }
                out.push(p.doc);
            }
        }
        Candidates::Complete
    }
}

/// Range of `f` over `[a, b]` for `f` = cos or sin in degrees, using the extrema inside the
/// interval.
fn trig_range(a: f64, b: f64, f: fn(f64) -> f64, maxima: &[f64], minima: &[f64]) -> (f64, f64) {
    let (fa, fb) = (f(a.to_radians()), f(b.to_radians()));
    let mut lo = fa.min(fb);
    let mut hi = fa.max(fb);
    if maxima.iter().any(|m| (a..=b).contains(m)) {
        hi = 1.0;
    }
    if minima.iter().any(|m| (a..=b).contains(m)) {
        lo = -1.0;
    }
    (lo, hi)
}

/// A 3-D box containing every unit vector whose latitude is in `[south, north]` and
/// longitude in `[west, east]` (with `west <= east`).
fn box_envelope(south: f64, north: f64, west: f64, east: f64) -> AABB<[f64; 3]> {
    let (cos_lat_lo, cos_lat_hi) = trig_range(south, north, f64::cos, &[0.0], &[]);
    let cos_lat_lo = cos_lat_lo.max(0.0);
    let (cl_lo, cl_hi) = trig_range(west, east, f64::cos, &[0.0], &[-180.0, 180.0]);
    let (sl_lo, sl_hi) = trig_range(west, east, f64::sin, &[90.0], &[-90.0]);
    let prod = |a: (f64, f64), b: (f64, f64)| {
        let v = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
        (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let x = prod((cos_lat_lo, cos_lat_hi), (cl_lo, cl_hi));
    let y = prod((cos_lat_lo, cos_lat_hi), (sl_lo, sl_hi));
    let z = (south.to_radians().sin(), north.to_radians().sin());
    let s = CHORD_SLACK;
    AABB::from_corners([x.0 - s, y.0 - s, z.0 - s], [x.1 + s, y.1 + s, z.1 + s])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint::new(lat, lon).unwrap()
    }

    #[test]
    fn near_finds_points_across_the_antimeridian() {
        let acts: Vec<u64> = Vec::new();
        let locs = [pt(-17.0, 179.9), pt(-17.0, -179.9), pt(-17.0, 170.0)];
        let geo = SegmentGeo::build(locs.iter().enumerate().map(|(i, l)| GeoDoc {
            doc: i as u32,
            location: Some(*l),
            own_dept: 0,
            address: [0; 5],
            acts: &acts,
        }));
        let mut out = Vec::new();
        assert_eq!(
            geo.near(pt(-17.0, 180.0), 50.0, 100, &mut out),
            Candidates::Complete
        );
        out.sort();
        assert_eq!(out, [0, 1]);
        let mut out = Vec::new();
        assert_eq!(
            geo.near(pt(-17.0, 180.0), 50.0, 1, &mut out),
            Candidates::OverCap
        );
    }

    #[test]
    fn group_distances_bound_every_member_from_below() {
        let mut rng = crate::util::Rng::new(11);
        let acts: Vec<u64> = Vec::new();
        // Documents in a few "départements", some without location, some near the
        // antimeridian and the poles.
        let docs: Vec<(Option<GeoPoint>, u64)> = (0..3000)
            .map(|_| {
                let loc = rng.chance(0.95).then(|| match rng.index(3) {
                    0 => pt(rng.range_f64(42.0, 51.0), rng.range_f64(-5.0, 8.0)),
                    1 => pt(rng.range_f64(-20.0, -10.0), rng.range_f64(175.0, 180.0)),
                    _ => pt(rng.range_f64(80.0, 90.0), rng.range_f64(-180.0, 180.0)),
                });
                (loc, rng.below(12))
            })
            .collect();
        let geo = SegmentGeo::build(docs.iter().enumerate().map(|(i, (l, dept))| GeoDoc {
            doc: i as u32,
            location: *l,
            own_dept: *dept,
            address: [0, 0, 0, *dept, 0],
            acts: &acts,
        }));
        for _ in 0..200 {
            let q = pt(rng.range_f64(-90.0, 90.0), rng.range_f64(-180.0, 180.0));
            let min_km = geo.group_min_km(q);
            for (i, (l, _)) in docs.iter().enumerate() {
                let bound = min_km[geo.group_of(i as u32)];
                match l {
                    Some(l) => assert!(bound <= l.distance_km(&q), "{q:?} {l:?} {bound}"),
                    None => assert_eq!(bound, 0.0),
                }
            }
        }
    }

    #[test]
    fn in_view_envelope_contains_every_point_of_the_box() {
        let mut rng = crate::util::Rng::new(3);
        for _ in 0..2000 {
            let south = rng.range_f64(-90.0, 90.0);
            let north = rng.range_f64(south, 90.0);
            let west = rng.range_f64(-180.0, 180.0);
            let east = rng.range_f64(west, 180.0);
            let env = box_envelope(south, north, west, east);
            for _ in 0..5 {
                let p = pt(rng.range_f64(south, north), rng.range_f64(west, east));
                let v = p.to_unit_vector();
                use rstar::Envelope;
                assert!(
                    env.contains_point(&v),
                    "{p:?} in {south},{west},{north},{east}"
                );
            }
        }
    }
}
