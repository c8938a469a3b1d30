//! Dense in-memory arrays of one index segment's facts (SIRET number, kinds, flags, location,
//! address areas, NAF, completeness, activity words, label ordinals), read once from the
//! segment's tantivy columns and then indexed by document id on the hot paths: verifying
//! candidates, ranking and counting facets cost a few array reads instead of column lookups.
//!
//! A segment is immutable, so its arrays are built once and shared by every snapshot that
//! holds the segment (`index/mod.rs` caches them by segment id with the segment's geographic
//! index). Deleted documents keep their entries; callers check liveness. This module does not
//! read tantivy itself (`index/text.rs` does) nor apply any rule (`index/facts.rs`).
//!
//! What verifying and ranking read of a document sits in one 64-byte record (location,
//! completeness, SIRET, kinds, flags, département, region, field lengths), so that a document
//! costs one cache miss, not one per fact.
//!
//! # Memory
//! About 130 bytes per document plus 8 per activity word: ~30 MB for 220,000 suppliers.

use super::facts::AreaKey;
use super::text::SegmentData;
use crate::model::geo::GeoPoint;

/// What verifying and ranking read of a document, in one cache line: a search touches
/// documents scattered over the segment, and each separate array read would be a cache miss.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Hot {
    /// `NaN` when the document has no location.
    lat: f64,
    lon: f64,
    completeness: f64,
    sid: u64,
    /// The location as a unit vector in single precision (`NaN` when none), for a cheap first
    /// radius test.
    xyz: [f32; 3],
    kinds: u32,
    flags: u32,
    dept_ix: u16,
    region_ix: u16,
    /// Field length ids of `name`, `trade`, `body` (BM25).
    norms: [u8; 3],
}

/// The facts of every document of a segment, by document id.
#[derive(Debug, Default)]
pub struct SegCols {
    max_doc: u32,
    hot: Vec<Hot>,
    /// Commune, city, EPCI (`u64::MAX` when none), département, region.
    address: Vec<[AreaKey; 5]>,
    /// Packed NAF code; 0 when none.
    naf: Vec<u64>,
    acts_start: Vec<u32>,
    acts: Vec<u64>,
    labels_start: Vec<u32>,
    labels: Vec<u32>,
    /// The label of each segment-local ordinal.
    label_strs: Vec<String>,
    /// The départements and regions of the documents (`Hot::dept_ix`, `Hot::region_ix`).
    depts: Vec<AreaKey>,
    regions: Vec<AreaKey>,
    /// Every document by decreasing quality factor `0.8 + 0.2 × completeness`, then by
    /// SIRET: the ranking of a search without text, geography or CPV.
    by_quality: Vec<u32>,
}

impl SegCols {
    /// Read every document's facts from a segment.
    pub fn build(seg: &SegmentData) -> SegCols {
        let n = seg.max_doc();
        let cap = n as usize;
        let mut c = SegCols {
            max_doc: n,
            hot: Vec::with_capacity(cap),
            address: Vec::with_capacity(cap),
            naf: Vec::with_capacity(cap),
            acts_start: Vec::with_capacity(cap + 1),
            acts: Vec::new(),
            labels_start: Vec::with_capacity(cap + 1),
            labels: Vec::new(),
            label_strs: Vec::new(),
            depts: Vec::new(),
            regions: Vec::new(),
            by_quality: Vec::new(),
        };
        let mut dept_of = std::collections::HashMap::new();
        let mut region_of = std::collections::HashMap::new();
        let mut buf = Vec::new();
        for doc in 0..n {
            let (lat, lon, xyz) = match seg.location(doc) {
                Some(p) => {
                    let v = p.to_unit_vector();
                    (p.lat, p.lon, [v[0] as f32, v[1] as f32, v[2] as f32])
                }
                None => (f64::NAN, f64::NAN, [f32::NAN; 3]),
            };
            let address = seg.address(doc);
            c.address.push(address);
            let ix = |key: AreaKey,
                      map: &mut std::collections::HashMap<AreaKey, u16>,
                      keys: &mut Vec<AreaKey>| {
                *map.entry(key).or_insert_with(|| {
                    keys.push(key);
                    (keys.len() - 1) as u16
                })
            };
            c.hot.push(Hot {
                lat,
                lon,
                completeness: seg.completeness(doc),
                sid: seg.sid(doc),
                xyz,
                kinds: seg.kinds(doc) as u32,
                flags: seg.flags(doc) as u32,
                dept_ix: ix(address[3], &mut dept_of, &mut c.depts),
                region_ix: ix(address[4], &mut region_of, &mut c.regions),
                norms: seg.fieldnorm_ids(doc),
            });
            c.naf.push(seg.naf(doc).unwrap_or(0));
            c.acts_start.push(c.acts.len() as u32);
            seg.acts(doc, &mut buf);
            c.acts.extend_from_slice(&buf);
            c.labels_start.push(c.labels.len() as u32);
            seg.label_ords(doc, &mut buf);
            c.labels.extend(buf.iter().map(|o| *o as u32));
        }
        c.acts_start.push(c.acts.len() as u32);
        c.labels_start.push(c.labels.len() as u32);
        let mut ord = 0u64;
        while let Some(s) = seg.label_str(ord) {
            c.label_strs.push(s);
            ord += 1;
        }
        c.acts.shrink_to_fit();
        c.labels.shrink_to_fit();
        let mut order: Vec<u32> = (0..n).collect();
        // The quality factor exactly as ranking computes it (equal factors tie on SIRET).
        let q = |d: u32| super::quality_factor(c.completeness(d));
        order.sort_unstable_by(|&a, &b| q(b).total_cmp(&q(a)).then(c.sid(a).cmp(&c.sid(b))));
        c.by_quality = order;
        c
    }

    /// Every document, best completeness first, then by SIRET.
    pub fn by_quality(&self) -> &[u32] {
        &self.by_quality
    }

    pub fn max_doc(&self) -> u32 {
        self.max_doc
    }

    #[inline]
    pub fn sid(&self, doc: u32) -> u64 {
        self.hot[doc as usize].sid
    }

    #[inline]
    pub fn kinds(&self, doc: u32) -> u64 {
        u64::from(self.hot[doc as usize].kinds)
    }

    #[inline]
    pub fn flags(&self, doc: u32) -> u64 {
        u64::from(self.hot[doc as usize].flags)
    }

    #[inline]
    pub fn location(&self, doc: u32) -> Option<GeoPoint> {
        let h = &self.hot[doc as usize];
        (!h.lat.is_nan()).then_some(GeoPoint {
            lat: h.lat,
            lon: h.lon,
        })
    }

    /// Read a document's row and give a word of it: reading the rows of a batch of
    /// scattered candidates one after the other, before using any, lets the processor overlap
    /// their cache (and TLB) misses instead of waiting for each in turn.
    #[inline]
    pub fn touch(&self, doc: u32) -> u32 {
        self.hot.get(doc as usize).map_or(0, |h| h.kinds)
    }

    /// Read a document's activity words (one word per cache line) and give their sum: as
    /// [`Self::touch`], for a batch of candidates whose activity zones are checked next.
    #[inline]
    pub fn touch_acts(&self, doc: u32) -> u64 {
        let d = doc as usize;
        let (Some(&a), Some(&b)) = (self.acts_start.get(d), self.acts_start.get(d + 1)) else {
            return 0;
        };
        self.acts.get(a as usize..b as usize).map_or(0, |w| {
            w.iter().step_by(8).fold(0, |s, x| s.wrapping_add(*x))
        })
    }

    /// The squared chord between the document's location and a unit vector, in single
    /// precision (`NaN` without a location): a monotonic function of the great-circle
    /// distance, within about 1e-7 of the exact chord.
    #[inline]
    pub fn chord2(&self, doc: u32, v: &[f32; 3]) -> f32 {
        let a = &self.hot[doc as usize].xyz;
        (a[0] - v[0]).powi(2) + (a[1] - v[1]).powi(2) + (a[2] - v[2]).powi(2)
    }

    /// Address areas: commune, city, EPCI (`u64::MAX` when none), département, region.
    #[inline]
    pub fn address(&self, doc: u32) -> &[AreaKey; 5] {
        &self.address[doc as usize]
    }

    #[inline]
    pub fn dept(&self, doc: u32) -> AreaKey {
        self.depts[self.dept_ix(doc)]
    }

    #[inline]
    pub fn region(&self, doc: u32) -> AreaKey {
        self.regions[self.region_ix(doc)]
    }

    #[inline]
    pub fn naf(&self, doc: u32) -> Option<u64> {
        let v = self.naf[doc as usize];
        (v != 0).then_some(v)
    }

    #[inline]
    pub fn completeness(&self, doc: u32) -> f64 {
        self.hot[doc as usize].completeness
    }

    /// Field length ids of `name`, `trade` and `body`.
    #[inline]
    pub fn norms(&self, doc: u32) -> [u8; 3] {
        self.hot[doc as usize].norms
    }

    /// Activity words of a document.
    #[inline]
    pub fn acts(&self, doc: u32) -> &[u64] {
        let d = doc as usize;
        &self.acts[self.acts_start[d] as usize..self.acts_start[d + 1] as usize]
    }

    /// Label ordinals of a document (segment-local).
    #[inline]
    pub fn label_ords(&self, doc: u32) -> &[u32] {
        let d = doc as usize;
        &self.labels[self.labels_start[d] as usize..self.labels_start[d + 1] as usize]
    }

    /// The département of a document as an index into [`Self::depts`].
    #[inline]
    pub fn dept_ix(&self, doc: u32) -> usize {
        usize::from(self.hot[doc as usize].dept_ix)
    }

    /// The region of a document as an index into [`Self::regions`].
    #[inline]
    pub fn region_ix(&self, doc: u32) -> usize {
        usize::from(self.hot[doc as usize].region_ix)
    }

    /// The départements of the segment's documents.
    pub fn depts(&self) -> &[AreaKey] {
        &self.depts
    }

    /// The regions of the segment's documents.
    pub fn regions(&self) -> &[AreaKey] {
        &self.regions
    }

    /// Number of distinct labels in the segment.
    pub fn num_labels(&self) -> usize {
        self.label_strs.len()
    }

    /// The label of a segment-local ordinal.
    pub fn label_str(&self, ord: u32) -> Option<&str> {
        self.label_strs.get(ord as usize).map(String::as_str)
    }

    /// Segment-local ordinals of labels whose folded form is one of `folded`.
    pub fn label_ords_matching(&self, folded: &[String]) -> Vec<u32> {
        (0..self.label_strs.len() as u32)
            .filter(|&o| folded.contains(&crate::normalize::fold(&self.label_strs[o as usize])))
            .collect()
    }
}
