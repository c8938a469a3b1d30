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
//! # Memory
//! About 120 bytes per document plus 8 per activity word: ~30 MB for 220,000 suppliers.

use super::facts::AreaKey;
use super::text::SegmentData;
use crate::model::geo::GeoPoint;

/// The facts of every document of a segment, by document id.
#[derive(Debug, Default)]
pub struct SegCols {
    max_doc: u32,
    sid: Vec<u64>,
    kinds: Vec<u32>,
    flags: Vec<u32>,
    /// `NaN` when the document has no location.
    lat: Vec<f64>,
    lon: Vec<f64>,
    /// Commune, city, EPCI (`u64::MAX` when none), département, region.
    address: Vec<[AreaKey; 5]>,
    /// Packed NAF code; 0 when none.
    naf: Vec<u64>,
    completeness: Vec<f64>,
    acts_start: Vec<u32>,
    acts: Vec<u64>,
    labels_start: Vec<u32>,
    labels: Vec<u32>,
    /// The label of each segment-local ordinal.
    label_strs: Vec<String>,
    /// Département and region of each document as an index into `depts` and `regions`
    /// (for counting facets in arrays).
    dept_ix: Vec<u16>,
    region_ix: Vec<u16>,
    depts: Vec<AreaKey>,
    regions: Vec<AreaKey>,
}

impl SegCols {
    /// Read every document's facts from a segment.
    pub fn build(seg: &SegmentData) -> SegCols {
        let n = seg.max_doc();
        let cap = n as usize;
        let mut c = SegCols {
            max_doc: n,
            sid: Vec::with_capacity(cap),
            kinds: Vec::with_capacity(cap),
            flags: Vec::with_capacity(cap),
            lat: Vec::with_capacity(cap),
            lon: Vec::with_capacity(cap),
            address: Vec::with_capacity(cap),
            naf: Vec::with_capacity(cap),
            completeness: Vec::with_capacity(cap),
            acts_start: Vec::with_capacity(cap + 1),
            acts: Vec::new(),
            labels_start: Vec::with_capacity(cap + 1),
            labels: Vec::new(),
            label_strs: Vec::new(),
            dept_ix: Vec::with_capacity(cap),
            region_ix: Vec::with_capacity(cap),
            depts: Vec::new(),
            regions: Vec::new(),
        };
        let mut dept_of = std::collections::HashMap::new();
        let mut region_of = std::collections::HashMap::new();
        let mut buf = Vec::new();
        for doc in 0..n {
            c.sid.push(seg.sid(doc));
            c.kinds.push(seg.kinds(doc) as u32);
            c.flags.push(seg.flags(doc) as u32);
            match seg.location(doc) {
                Some(p) => {
                    c.lat.push(p.lat);
                    c.lon.push(p.lon);
                }
                None => {
                    c.lat.push(f64::NAN);
                    c.lon.push(f64::NAN);
                }
            }
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
            c.dept_ix.push(ix(address[3], &mut dept_of, &mut c.depts));
            c.region_ix.push(ix(address[4], &mut region_of, &mut c.regions));
            c.naf.push(seg.naf(doc).unwrap_or(0));
            c.completeness.push(seg.completeness(doc));
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
        c
    }

    pub fn max_doc(&self) -> u32 {
        self.max_doc
    }

    #[inline]
    pub fn sid(&self, doc: u32) -> u64 {
        self.sid[doc as usize]
    }

    #[inline]
    pub fn kinds(&self, doc: u32) -> u64 {
        u64::from(self.kinds[doc as usize])
    }

    #[inline]
    pub fn flags(&self, doc: u32) -> u64 {
        u64::from(self.flags[doc as usize])
    }

    #[inline]
    pub fn location(&self, doc: u32) -> Option<GeoPoint> {
        let lat = self.lat[doc as usize];
        (!lat.is_nan()).then(|| GeoPoint {
            lat,
            lon: self.lon[doc as usize],
        })
    }

    /// Address areas: commune, city, EPCI (`u64::MAX` when none), département, region.
    #[inline]
    pub fn address(&self, doc: u32) -> &[AreaKey; 5] {
        &self.address[doc as usize]
    }

    #[inline]
    pub fn dept(&self, doc: u32) -> AreaKey {
        self.address[doc as usize][3]
    }

    #[inline]
    pub fn region(&self, doc: u32) -> AreaKey {
        self.address[doc as usize][4]
    }

    #[inline]
    pub fn naf(&self, doc: u32) -> Option<u64> {
        let v = self.naf[doc as usize];
        (v != 0).then_some(v)
    }

    #[inline]
    pub fn completeness(&self, doc: u32) -> f64 {
        self.completeness[doc as usize]
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
        usize::from(self.dept_ix[doc as usize])
    }

    /// The region of a document as an index into [`Self::regions`].
    #[inline]
    pub fn region_ix(&self, doc: u32) -> usize {
        usize::from(self.region_ix[doc as usize])
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
